"""Retention: ``SyncStore.prune`` and ``SyncService.prune``, on SQLite and on Postgres.

What may go: finished events (with their done outbox items) and superseded own-write notes older than
the cutoff. What must stay whatever its age: queued events, events with pending work, dead letters
(unless asked), links, draft-order keys, and the own-write rows the service's decisions read.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from identity import ConfigurationError
from identity.sync import Outcome, PruneReport, SyncStore
from identity.sync.service import ERP_CONTACT_AT, MIN_RETENTION_DAYS
from identity.sync.store import PRUNE_BATCH
from tests.sync._stores import Database, database, env_database, row_counts
from tests.sync.conftest import Env, customer_payload, small_partners, webhook

__all__ = ["database", "env_database"]  # fixtures

DAY = 86_400.0
ERP = [p for p in small_partners() if p["CardType"] == "cCustomer" and p["CardCode"].startswith("C0")]
NOTHING = PruneReport(events=0, outbox=0, own_writes=0)


class Clock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def queued(store: SyncStore, key: str, customer: str = "c1", items: int = 1) -> None:
    store.record_event(key, kind="webhook", topic="customers/create", payload_hash="h", outcome=Outcome.QUEUED,
                       reason="accepted", customer_key=customer,
                       outbox=[(customer, "erp_customer", {"n": n}) for n in range(items)])


def finished(store: SyncStore, key: str, customer: str = "c1") -> None:
    """An event whose one item is done (outcome linked)."""
    queued(store, key, customer)
    store.complete_item(store.pending_items(key)[0], outcome=Outcome.LINKED, reason="ok")


def keys(store: SyncStore) -> list[str]:
    return [e.key for e in store.events()]


def own_rows(store: SyncStore) -> set[tuple[str, str, str]]:
    return {(str(a), str(b), str(c)) for a, b, c in store._query("SELECT system, object_id, content_hash FROM own_writes")}


def test_prune_on_an_empty_store_deletes_nothing(database: Database) -> None:
    with database.open() as store:
        before = row_counts(store)
        assert store.prune(before=1e12) == NOTHING
        assert store.prune(before=1e12, include_dead=True) == NOTHING
        assert row_counts(store) == before


def test_finished_events_older_than_the_cutoff_go_with_their_outbox_items(database: Database) -> None:
    clock = Clock()
    with database.open(clock=clock) as store:
        finished(store, "old-linked", "a")
        store.record_event("old-rejected", kind="webhook", topic="products/create", payload_hash="h",
                           outcome=Outcome.REJECTED, reason="unknown topic")  # no outbox item
        queued(store, "old-review", "b")
        store.complete_item(store.pending_items("old-review")[0], outcome=Outcome.NEEDS_REVIEW, reason="2 match")
        clock.now = 2_000.0
        finished(store, "at-cutoff", "c")  # updated_at == before: not older, kept
        clock.now = 3_000.0
        finished(store, "new", "d")
        links_and_drafts = store.links(), store.get_draft_order("call-1")

        report = store.prune(before=2_000.0)
        assert report == PruneReport(events=3, outbox=2, own_writes=0)
        assert keys(store) == ["at-cutoff", "new"]
        assert sorted(i.event_key for i in store.items()) == ["at-cutoff", "new"]
        assert (store.links(), store.get_draft_order("call-1")) == links_and_drafts
        assert store.prune(before=2_000.0) == NOTHING  # nothing left to do: idempotent


def test_queued_events_and_events_with_pending_items_stay_whatever_their_age(database: Database) -> None:
    clock = Clock()
    with database.open(clock=clock) as store:
        queued(store, "waiting", "a")  # still queued: the ERP was down
        queued(store, "deferred", "b")
        store.defer_item(store.pending_items("deferred")[0], error="timeout", next_attempt_at=1_100.0)
        # a final outcome, but a follow-up item still pending (the ERP side of a voice order)
        queued(store, "follow-up", "c")
        store.complete_item(store.pending_items("follow-up")[0], outcome=Outcome.CREATED, reason="draft made",
                            follow_up=[("c", "erp_customer", {})])
        # two items: the first done, the second pending
        queued(store, "half-done", "d", items=2)
        store.complete_item(store.pending_items("half-done")[0], outcome=Outcome.LINKED, reason="ok")
        finished(store, "done", "e")
        event = store.get_event("follow-up")
        assert event is not None and event.outcome is Outcome.CREATED and store.queue_depth() == 4

        clock.now = 1_000.0 + 10_000 * DAY
        assert store.prune(before=clock.now, include_dead=True) == PruneReport(events=1, outbox=1, own_writes=0)
        assert keys(store) == ["waiting", "deferred", "follow-up", "half-done"]
        assert store.queue_depth() == 4 and len(store.items()) == 6  # the done items of kept events stay too


def test_dead_letters_stay_unless_asked(database: Database) -> None:
    with database.open(clock=Clock()) as store:
        queued(store, "dead", "a")
        store.dead_letter_item(store.pending_items("dead")[0], reason="gave up: 400")
        finished(store, "done", "b")
        assert store.prune(before=2_000.0) == PruneReport(events=1, outbox=1, own_writes=0)
        assert keys(store) == ["dead"] and [i.status for i in store.items()] == ["dead"]
        assert store.prune(before=2_000.0, include_dead=True) == PruneReport(events=1, outbox=1, own_writes=0)
        assert keys(store) == [] and store.items() == []


def test_the_newest_and_the_greatest_own_write_of_each_object_stay(database: Database) -> None:
    clock = Clock()
    with database.open(clock=clock) as store:
        for at, system, obj, content in [
            (1.0, "shopify", "C1", "h-b"), (2.0, "shopify", "C1", "h-a"), (3.0, "shopify", "C1", "h-c"),
            (1.0, "erp-contact", "C00001", "x"),  # the only one: the newest
            # written in order of their content, except the last: "3" is the greatest, "1" the newest
            (1.0, ERP_CONTACT_AT, "C1", "2"), (2.0, ERP_CONTACT_AT, "C1", "3"), (3.0, ERP_CONTACT_AT, "C1", "1"),
            (1.0, "tie", "T", "p"), (2.0, "tie", "T", "q"), (2.0, "tie", "T", "o"),  # a tie for the newest
            (1.0, "recent", "R", "r1"), (5.0, "recent", "R", "r2"), (6.0, "recent", "R", "r3"),
        ]:
            clock.now = at
            store.record_own_write(system, obj, content)
        newest = {(s, o): store.newest_own_write(s, o) for s, o, _ in own_rows(store)}

        report = store.prune(before=5.0)
        assert report == PruneReport(events=0, outbox=0, own_writes=5)
        assert own_rows(store) == {
            ("shopify", "C1", "h-c"),  # newest and greatest
            ("erp-contact", "C00001", "x"),
            (ERP_CONTACT_AT, "C1", "3"), (ERP_CONTACT_AT, "C1", "1"),
            ("tie", "T", "q"), ("tie", "T", "o"),
            ("recent", "R", "r2"), ("recent", "R", "r3"),  # not older than the cutoff
        }
        assert {(s, o): store.newest_own_write(s, o) for s, o in newest} == newest
        assert store.is_own_write("shopify", "C1", "h-c") and not store.is_own_write("shopify", "C1", "h-a")
        assert store.prune(before=1e9) == PruneReport(events=0, outbox=0, own_writes=1)  # now "r2" too
        assert {(s, o): store.newest_own_write(s, o) for s, o in newest} == newest


class CountingTransactions:
    """Counts the write transactions a store begins."""

    def __init__(self, store: SyncStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = store._tx

        def counting(*args: Any, **kwargs: Any) -> AbstractContextManager[Any]:
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(store, "_tx", counting)


def test_more_rows_than_one_batch_are_pruned_in_several_transactions(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    with database.open(clock=clock) as store:
        kept = []
        for n in range(23):
            clock.now = 1_000.0 + n // 4  # several events share an instant: the batches resume past ties
            if n % 5 == 2:
                queued(store, f"q{n:02}", f"q{n}")  # never pruned, between the others
                kept.append(f"q{n:02}")
            else:
                finished(store, f"e{n:02}", f"c{n}")
            clock.now = 1_100.0 + n
            store.record_own_write("shopify", "C1", f"h{n:02}")
        tx = CountingTransactions(store, monkeypatch)
        report = store.prune(before=2_000.0, batch_size=4)
        assert report == PruneReport(events=18, outbox=18, own_writes=22)
        assert keys(store) == kept and own_rows(store) == {("shopify", "C1", "h22")}
        assert tx.count == 6 + 6  # 23 events looked at 4 at a time, 22 own writes deleted 4 at a time


def test_the_default_batch_is_5000_rows(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    assert PRUNE_BATCH == 5_000
    n = PRUNE_BATCH + 50
    with database.open(clock=Clock()) as store:
        with store._tx() as db:  # written directly: one transaction, not n
            for i in range(n):
                db.execute(
                    "INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail, customer_key,"
                    " created_at, updated_at, seq) VALUES (?, 'webhook', NULL, 'h', 'linked', 'ok', '{}', NULL,"
                    " ?, ?, ?)",
                    (f"e{i:05}", float(i), float(i), i + 1),
                )
        tx = CountingTransactions(store, monkeypatch)
        assert store.prune(before=1e9) == PruneReport(events=n, outbox=0, own_writes=0)
        assert tx.count == 2 + 1 and row_counts(store)["events"] == 0


def bulky_events(store: SyncStore, n: int, *, at: float = 1_000.0) -> None:
    """``n`` linked events of about 1 kB each, each with a done outbox item (written in one transaction)."""
    with store._tx() as db:
        for i in range(n):
            key = f"bulky-{i:05}"
            db.execute(
                "INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail, customer_key,"
                " created_at, updated_at, seq) VALUES (?, 'webhook', NULL, 'h', 'linked', 'ok', ?, ?, ?, ?, ?)",
                (key, f'{{"note": "{"x" * 1000}"}}', f"c{i}", at, at, i + 1),
            )
            db.execute(
                "INSERT INTO outbox (event_key, customer_key, action, payload, status, next_attempt_at, created_at)"
                " VALUES (?, ?, 'erp_customer', ?, 'done', ?, ?)",
                (key, f"c{i}", f'{{"note": "{"y" * 500}"}}', at, at),
            )


def sqlite_bytes(database: Database) -> int:
    """The size of the SQLite file and its WAL, as the disk sees them."""
    return sum(p.stat().st_size for p in (database.path, Path(f"{database.path}-wal")) if p.exists())


def test_vacuum_gives_back_the_space_of_pruned_events(database: Database) -> None:
    clock = Clock(3_000.0)
    with database.open(clock=clock) as store:
        bulky_events(store, 3_000, at=1_000.0)
        finished(store, "kept", "k")  # newer than the cutoff
        full = sqlite_bytes(database) if database.kind == "sqlite" else 0
        assert store.prune(before=2_000.0) == PruneReport(events=3_000, outbox=3_000, own_writes=0)
        if database.kind == "sqlite":
            pruned = sqlite_bytes(database)
            assert pruned >= full > 3_000 * 1_500  # pruning alone gives nothing back
            reclaimed = store.vacuum()
            after = sqlite_bytes(database)
            assert after < full / 10 and reclaimed == pruned - after
            assert store.vacuum() == 0 and sqlite_bytes(database) == after  # again: nothing more, no harm
        else:
            # VACUUM cannot run inside a transaction: it ran, so the store was not in one
            assert store.vacuum() is None  # space freed inside the tables, not measured (see its docstring)
            assert vacuumed_tables(database) == ["events", "outbox", "own_writes"]
            assert store.vacuum() is None
        assert keys(store) == ["kept"] and len(store.items()) == 1  # nothing else changed


def test_vacuum_does_not_hold_writers_while_a_reader_keeps_the_wal(tmp_path: Path) -> None:
    """A connection with a read transaction open (a backup, a replication tool, an operator's shell) keeps
    the truncating checkpoint from finishing. The vacuum must then give up on emptying the WAL soon, not
    wait out the 30 s busy timeout holding the write lock: every webhook would wait with it, and fail."""
    import sqlite3
    import threading

    from identity.sync import SqliteStore

    path = tmp_path / "sync.db"
    with SqliteStore(path, clock=Clock(3_000.0)) as store:
        bulky_events(store, 300, at=1_000.0)
        store.prune(before=2_000.0)
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM links").fetchall()  # a read transaction, left open
        checkpointing = threading.Event()
        connection = store._db

        class Watched:  # the store's connection, telling when the checkpoint starts
            def execute(self, sql: str, params: Any = ()) -> Any:
                if "wal_checkpoint" in sql:
                    checkpointing.set()
                return connection.execute(sql, params)

            def close(self) -> None:
                connection.close()

        store._db = Watched()  # type: ignore[assignment]
        vacuum = threading.Thread(target=store.vacuum)
        vacuum.start()
        try:
            assert checkpointing.wait(10)
            time.sleep(0.2)  # the checkpoint is waiting for the reader now
            writer = sqlite3.connect(path, isolation_level=None, timeout=10)  # a webhook's write, patient
            writer.execute("BEGIN IMMEDIATE")  # before the fix: "database is locked" after 10 s
            writer.execute("ROLLBACK")
            writer.close()
        finally:
            reader.close()
            vacuum.join()


def vacuumed_tables(database: Database) -> list[str]:
    """The tables of a Postgres store that a VACUUM (not autovacuum) has run on, from the server's statistics."""
    query = ("SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
             " AND last_vacuum IS NOT NULL ORDER BY relname")
    deadline = time.monotonic() + 5  # the statistics reach other sessions within a moment
    while not (tables := [str(row[0]) for row in database.sql(query)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return tables


def test_vacuum_of_an_in_memory_store_measures_nothing() -> None:
    from identity.sync import SqliteStore

    with SqliteStore(":memory:") as store:
        assert store.vacuum() is None


# the service -------------------------------------------------------------------------------------
def known(n: int, **changes: Any) -> dict[str, Any]:
    """Shopify customer n, with ERP customer n's email, and ``changes``."""
    return {**customer_payload(n, email=ERP[n]["EmailAddress"]), **changes}


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_a_redelivery_within_the_retention_window_is_still_a_duplicate(env: Env) -> None:
    service = env.service()
    delivery = webhook("customers/create", known(1), "w-1")
    first = service.handle_webhook(*delivery)
    assert first.outcome is Outcome.LINKED and env.sap.finds == 1
    env.clock.now += 29 * DAY
    assert service.prune(30) == NOTHING
    again = service.handle_webhook(*delivery)
    assert again == first and service.metrics.snapshot()["duplicates"] == 1 and env.sap.finds == 1
    # past the window the event is gone: the late copy is processed again, and finds the link
    env.clock.now += 2 * DAY
    assert service.prune(30) == PruneReport(events=1, outbox=1, own_writes=0)
    late = service.handle_webhook(*delivery)
    assert late.outcome is Outcome.LINKED and late.reason == "already linked" and env.sap.finds == 1
    assert service.store.links() == {"gid://shopify/Customer/7000000001": ERP[1]["CardCode"]}


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_pruning_does_not_change_the_out_of_order_update_guard(env: Env) -> None:
    """``customers/update`` deliveries older than the last one synced are refused before and after a prune.

    The guard reads ``newest_own_write(ERP_CONTACT_AT, customer)``; the prune removes the other stamps.
    """
    service = env.service()
    card, shopify_id = ERP[2]["CardCode"], "gid://shopify/Customer/7000000002"
    service.handle_webhook(*webhook("customers/create", known(2), "create-2"))
    for minute in (1, 2, 3):  # three updates synced in order: three stamps
        update = known(2, email=f"step{minute}@example.org", updated_at=f"2026-05-06T10:0{minute}:00Z")
        assert "updated ERP partner" in service.handle_webhook(*webhook("customers/update", update, f"u{minute}")).reason
        env.clock.now += 1
    stamps = service.store._query(f"SELECT COUNT(*) FROM own_writes WHERE system = '{ERP_CONTACT_AT}'")[0][0]
    assert stamps == 3
    guard = service.store.newest_own_write(ERP_CONTACT_AT, shopify_id)

    env.clock.now += 40 * DAY
    report = service.prune(30)
    assert report.own_writes >= 2 and report.events == 4
    assert service.store._query(f"SELECT content_hash FROM own_writes WHERE system = '{ERP_CONTACT_AT}'") == [(guard,)]
    assert service.store.newest_own_write(ERP_CONTACT_AT, shopify_id) == guard

    patches = [r for r in env.sap.requests if r[0] == "PATCH"]
    for n, late_at in enumerate(["2026-05-06T10:01:30Z", "2026-05-06T10:02:59Z", "2026-05-06T10:00:00Z"]):
        stale = known(2, email=f"stale{n}@example.org", updated_at=late_at)
        result = service.handle_webhook(*webhook("customers/update", stale, f"late-{n}"))
        assert result.outcome is Outcome.LINKED and "older than the one last synced" in result.reason
    assert [r for r in env.sap.requests if r[0] == "PATCH"] == patches
    assert next(p for p in env.sap.partners if p["CardCode"] == card)["EmailAddress"] == "step3@example.org"
    newer = known(2, email="step4@example.org", updated_at="2026-05-06T10:04:00Z")
    assert "updated ERP partner" in service.handle_webhook(*webhook("customers/update", newer, "u4")).reason


@pytest.mark.parametrize("days", [0, 1, 2.99, -30, float("nan"), float("inf")])
def test_fewer_than_three_days_is_refused(env: Env, days: float) -> None:
    service = env.service()
    with pytest.raises(ConfigurationError, match="keep at least 3 days"):
        service.prune(days)
    assert MIN_RETENTION_DAYS == 3


def test_the_cutoff_is_counted_from_the_service_clock(env: Env) -> None:
    service = env.service()
    service.handle_webhook(*webhook("customers/create", known(3), "w-3"))
    env.clock.now += 3 * DAY
    assert service.prune(3) == NOTHING  # updated exactly 3 days ago: not older
    env.clock.now += 1
    assert service.prune(3).events == 1


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_the_service_vacuums_after_the_deletes_only_when_asked(
    env: Env, env_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    service = env.service()
    bulky_events(service.store, 500, at=env.clock.now)
    env.clock.now += 40 * DAY
    assert service.prune(30, vacuum=False) == PruneReport(events=500, outbox=500, own_writes=0, reclaimed_bytes=None)
    bulky_events(service.store, 500, at=env.clock.now)
    env.clock.now += 40 * DAY
    before = sqlite_bytes(env_database) if env_database.kind == "sqlite" else None
    with caplog.at_level(logging.INFO, logger="identity.sync"):
        report = service.prune(30, vacuum=True)
    assert (report.events, report.outbox, report.own_writes) == (500, 500, 0)
    if before is not None:  # measured before the prune, whose deletes grew the WAL: reclaimed is more
        after = sqlite_bytes(env_database)
        assert report.reclaimed_bytes is not None and report.reclaimed_bytes >= before - after > 500 * 1_500
    else:
        assert report.reclaimed_bytes is None and vacuumed_tables(env_database) == ["events", "outbox", "own_writes"]
    logged = [json.loads(r.getMessage()) for r in caplog.records]
    assert [line["event"] for line in logged] == ["sync.prune", "sync.vacuum"]
    assert logged[1]["reclaimed_bytes"] == report.reclaimed_bytes
