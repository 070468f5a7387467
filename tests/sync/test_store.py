"""The SQLite store: migrations, idempotency by unique key, ordered outbox, atomic completion."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from identity import IdempotencyConflict, StoreError
from identity.sync import Outcome, SqliteStore


def new_event(store: SqliteStore, key: str, customer: str, payload_hash: str = "h") -> None:
    store.record_event(
        key, kind="webhook", topic="customers/update", payload_hash=payload_hash, outcome=Outcome.QUEUED,
        reason="accepted", customer_key=customer, outbox=[(customer, "erp_customer", {"key": key})],
    )


def test_schema_is_migrated_once_in_a_versioned_table(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        assert store.schema_version == 1
    with SqliteStore(path) as store:
        assert store.migrate() == 1
    rows = sqlite3.connect(path).execute("SELECT version FROM schema_migrations").fetchall()
    assert rows == [(1,)]


def test_same_key_returns_the_stored_event_and_a_new_payload_conflicts(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        new_event(store, "w1", "c1")
        new_event(store, "w1", "c1")
        assert len(store.items()) == 1  # no second outbox item
        with pytest.raises(IdempotencyConflict):
            new_event(store, "w1", "c1", payload_hash="other")


def test_only_the_head_of_each_customer_is_due(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db", clock=lambda: 100.0) as store:
        for key, customer in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("b2", "B")]:
            new_event(store, key, customer)
        due = store.due_items(now=100.0)
        assert [i.event_key for i in due] == ["a1", "b1"]
        store.defer_item(due[0], error="down", next_attempt_at=200.0)
        assert [i.event_key for i in store.due_items(now=100.0)] == ["b1"]  # a2 waits behind a1
        store.complete_item(due[1], outcome=Outcome.LINKED, reason="ok", link=("B", "C1"))
        assert [i.event_key for i in store.due_items(now=100.0)] == ["b2"]
        assert [i.event_key for i in store.due_items(now=200.0)] == ["a1", "b2"]
        event = store.get_event("b1")
        assert event is not None and event.outcome is Outcome.LINKED and store.get_link("B") == "C1"
        waiting = store.get_event("a1")
        assert waiting is not None and waiting.outcome is Outcome.QUEUED and "down" in waiting.reason


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "s.db") as store:
        new_event(store, "w1", "c1")
        item = store.items()[0]
        with pytest.raises(StoreError):  # a follow-up without a customer key violates NOT NULL
            store.complete_item(item, outcome=Outcome.LINKED, reason="ok",
                                follow_up=[(None, "erp_customer", {})])  # type: ignore[list-item]
        assert store.items()[0].status == "pending"
        event = store.get_event("w1")
        assert event is not None and event.outcome is Outcome.QUEUED
