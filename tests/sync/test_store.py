"""The store, on SQLite and on Postgres: migrations, idempotency by unique key, ordered outbox, atomic
completion, several connections at once; and what only the Postgres store has (URLs, secrets, reconnects)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from identity import ConfigurationError, IdempotencyConflict, StoreError
from identity.sync import Outcome, PostgresStore, SqliteStore, SyncStore, UnverifiedTally, open_store
from identity.sync import store as store_module
from identity.sync.store import MIGRATIONS, SCHEMA_VERSION
from tests.sync._stores import Database, database, postgres_url

__all__ = ["database"]  # the fixture


def new_event(store: SyncStore, key: str, customer: str, payload_hash: str = "h") -> bool:
    return store.record_event(
        key, kind="webhook", topic="customers/update", payload_hash=payload_hash, outcome=Outcome.QUEUED,
        reason="accepted", customer_key=customer, outbox=[(customer, "erp_customer", {"key": key})],
    )[1]


def all_at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0) ... work(n - 1)`` in n threads released together; their results, or raise the first error."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # pragma: no cover - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


# both databases ----------------------------------------------------------------------------------
def test_schema_is_migrated_once_in_a_versioned_table(database: Database) -> None:
    with database.open() as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    with database.open() as store:
        assert store.migrate() == SCHEMA_VERSION
        assert store.migrate() == SCHEMA_VERSION
    rows = database.sql("SELECT version FROM schema_migrations ORDER BY version")
    assert rows == [(n,) for n in range(1, SCHEMA_VERSION + 1)]


def test_processes_opening_a_new_database_at_once_migrate_it_once(database: Database) -> None:
    stores = all_at_once(4, lambda _: database.open())
    assert [s.schema_version for s in stores] == [SCHEMA_VERSION] * 4
    rows = database.sql("SELECT version FROM schema_migrations ORDER BY version")
    assert rows == [(n,) for n in range(1, SCHEMA_VERSION + 1)]


def test_a_database_of_version_1_is_upgraded_and_keeps_its_events(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
        with database.open() as store:
            assert store.schema_version == 1
    for key, at in [("old-b", 10.0), ("old-a", 20.0)]:  # written by the version-1 code
        database.sql(
            "INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail, customer_key,"
            f" created_at, updated_at) VALUES ('{key}', 'webhook', NULL, 'h', 'linked', 'ok', '{{}}', NULL,"
            f" {at}, {at})"
        )
    with database.open(clock=lambda: 30.0) as store:
        assert store.schema_version == SCHEMA_VERSION
        new_event(store, "new-z", "c1")
        new_event(store, "new-y", "c1")
        assert [e.key for e in store.events()] == ["old-b", "old-a", "new-z", "new-y"]


def test_unverified_webhooks_are_tallied_in_one_row_per_reason(database: Database) -> None:
    """Connections counting at once (processes sharing the store) lose no count, the first one included."""
    clock = [100.0]
    with database.open(clock=lambda: clock[0]) as store:
        assert store.unverified_webhooks() == {}
        store.count_unverified_webhook("too_large")
        clock[0] = 160.0
        store.count_unverified_webhook("too_large")
        assert store.unverified_webhooks() == {"too_large": UnverifiedTally(2, 100.0, 160.0)}
    stores = [database.open(clock=lambda: 200.0) for _ in range(4)]
    all_at_once(4, lambda i: [stores[i].count_unverified_webhook("bad_hmac") for _ in range(25)])
    assert stores[0].unverified_webhooks() == {"bad_hmac": UnverifiedTally(100, 200.0, 200.0),
                                               "too_large": UnverifiedTally(2, 100.0, 160.0)}
    assert database.sql("SELECT COUNT(*) FROM unverified_webhooks") == [(2,)]


def test_counts_written_late_keep_their_own_times_in_any_order(database: Database) -> None:
    """Services flush their counts when they can, so counts arrive out of order: the tally keeps the
    earliest first and the latest last delivery, not the time of the last write."""
    with database.open(clock=lambda: 1_000.0) as store:
        store.count_unverified_webhook("bad_hmac", 3, first_at=500.0, last_at=600.0)
        store.count_unverified_webhook("bad_hmac", 2, first_at=400.0, last_at=450.0)  # an older batch
        store.count_unverified_webhook("bad_hmac", 1, first_at=700.0, last_at=700.0)
        assert store.unverified_webhooks() == {"bad_hmac": UnverifiedTally(6, 400.0, 700.0)}
        store.count_unverified_webhook("bad_hmac")  # no times given: now
        assert store.unverified_webhooks() == {"bad_hmac": UnverifiedTally(7, 400.0, 1_000.0)}


def test_same_key_returns_the_stored_event_and_a_new_payload_conflicts(database: Database) -> None:
    with database.open() as store:
        assert new_event(store, "w1", "c1") is True
        assert new_event(store, "w1", "c1") is False
        assert len(store.items()) == 1  # no second outbox item
        with pytest.raises(IdempotencyConflict):
            new_event(store, "w1", "c1", payload_hash="other")
        assert len(store.items()) == 1 and len(store.events()) == 1


def test_two_connections_recording_the_same_keys_at_once_store_each_once(database: Database) -> None:
    """Like two processes receiving the same webhook at the same moment, 20 times over."""
    stores = [database.open(), database.open()]
    for n in range(20):
        key = f"w-{n}"
        customer = f"c{n % 3}"
        news = all_at_once(2, lambda i, key=key, customer=customer: new_event(stores[i], key, customer))
        assert sorted(news) == [False, True], key
    for store in stores:
        assert sorted(e.key for e in store.events()) == sorted(f"w-{n}" for n in range(20))
        assert sorted(i.event_key for i in store.items()) == sorted(f"w-{n}" for n in range(20))


def test_completions_from_two_connections_are_numbered_without_gaps_or_repeats(database: Database) -> None:
    stores = [database.open(), database.open()]
    for n in range(40):
        new_event(stores[0], f"w-{n}", f"c{n}")
    items = stores[0].items()

    def complete(i: int) -> None:
        for item in items[i::2]:
            stores[i].complete_item(item, outcome=Outcome.LINKED, reason="ok")

    all_at_once(2, complete)
    assert sorted(i.done_seq for i in stores[1].items()) == list(range(1, 41))


def test_completions_go_on_while_postgres_vacuums_the_outbox(tmp_path: Path) -> None:
    """A plain VACUUM (``prune --vacuum``) holds SHARE UPDATE EXCLUSIVE on each table while it vacuums it,
    for as long as the table takes. Completing an item must not wait for it: a webhook is answered only
    once its item completes, and the vacuum is meant to block no writes."""
    import psycopg

    database = Database("postgres", tmp_path)  # skips without a server
    try:
        store = database.open()
        new_event(store, "w-1", "c1")
        item = store.pending_items()[0]
        with psycopg.connect(database.url) as vacuum:  # holds the lock VACUUM holds on outbox
            vacuum.execute(f'SET search_path TO "{database.schema}"')
            vacuum.execute("LOCK TABLE outbox IN SHARE UPDATE EXCLUSIVE MODE")
            done = threading.Event()

            def complete() -> None:
                store.complete_item(item, outcome=Outcome.LINKED, reason="ok")
                done.set()

            thread = threading.Thread(target=complete)
            thread.start()
            try:
                assert done.wait(10), "the completion waits for the vacuum of outbox"
            finally:
                vacuum.rollback()
                thread.join()
        assert store.items()[0].done_seq == 1
    finally:
        database.close()


def test_events_of_one_instant_come_back_in_arrival_order(database: Database) -> None:
    with database.open(clock=lambda: 5.0) as store:
        for key in ["w-b", "w-c", "w-a"]:
            new_event(store, key, "c1")
        assert [e.key for e in store.events()] == ["w-b", "w-c", "w-a"]


def test_only_the_head_of_each_customer_is_due(database: Database) -> None:
    with database.open(clock=lambda: 100.0) as store:
        for key, customer in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("b2", "B")]:
            new_event(store, key, customer)
        due = store.due_items(now=100.0)
        assert [i.event_key for i in due] == ["a1", "b1"]
        store.defer_item(due[0], error="down", next_attempt_at=200.0)
        assert [i.event_key for i in store.due_items(now=100.0)] == ["b1"]  # a2 waits behind a1
        assert not store.is_runnable(store.pending_items("a2")[0].id, "A")
        store.complete_item(due[1], outcome=Outcome.LINKED, reason="ok", link=("B", "C1"))
        assert [i.event_key for i in store.due_items(now=100.0)] == ["b2"]
        assert [i.event_key for i in store.due_items(now=200.0)] == ["a1", "b2"]
        event = store.get_event("b1")
        assert event is not None and event.outcome is Outcome.LINKED and store.get_link("B") == "C1"
        waiting = store.get_event("a1")
        assert waiting is not None and waiting.outcome is Outcome.QUEUED and "down" in waiting.reason
        assert store.queue_depth() == 3 and store.outcome_counts() == {"linked": 1, "queued": 3}


def test_a_replaced_own_write_is_the_only_one_for_its_object(database: Database) -> None:
    with database.open() as store:
        for content in ("A", "B", "A"):
            store.replace_own_write("erp-contact", "C1", content)
        store.replace_own_write("erp-contact", "C2", "B")
        store.record_own_write("shopify", "C1", "B")  # another system: untouched
        assert store.is_own_write("erp-contact", "C1", "A")
        assert not store.is_own_write("erp-contact", "C1", "B")
        assert store.is_own_write("erp-contact", "C2", "B")
        assert store.is_own_write("shopify", "C1", "B")


def test_links_draft_orders_and_own_writes_are_kept_once(database: Database) -> None:
    with database.open() as store:
        for _ in range(2):
            store.record_draft_order("call-1", "gid://shopify/DraftOrder/1")
            store.record_own_write("shopify", "gid://shopify/Customer/1", "hash")
        assert store.get_draft_order("call-1") == "gid://shopify/DraftOrder/1"
        assert store.get_draft_order("call-2") is None
        assert store.is_own_write("shopify", "gid://shopify/Customer/1", "hash")
        assert not store.is_own_write("shopify", "gid://shopify/Customer/1", "other")
        new_event(store, "w1", "A")
        new_event(store, "w2", "A")
        first, second = store.items()
        store.complete_item(first, outcome=Outcome.LINKED, reason="ok", link=("A", "C1"))
        store.complete_item(second, outcome=Outcome.LINKED, reason="ok", link=("A", "C2"))  # kept: C1
        assert store.links() == {"A": "C1"}
        store.delete_link("A")
        assert store.links() == {} and store.get_link("A") is None


def test_dead_lettering_keeps_the_reason(database: Database) -> None:
    with database.open() as store:
        new_event(store, "w1", "A")
        store.dead_letter_item(store.items()[0], reason="gave up: 400 bad request")
        event = store.get_event("w1")
        assert event is not None and event.outcome is Outcome.DEAD_LETTERED
        assert event.reason == "gave up: 400 bad request"
        assert store.items()[0].status == "dead" and store.queue_depth() == 0


def test_a_failed_transaction_leaves_nothing_behind(database: Database) -> None:
    with database.open() as store:
        new_event(store, "w1", "c1")
        item = store.items()[0]
        with pytest.raises(StoreError):  # a follow-up without a customer key violates NOT NULL
            store.complete_item(item, outcome=Outcome.LINKED, reason="ok",
                                follow_up=[(None, "erp_customer", {})])  # type: ignore[list-item]
        assert store.items()[0].status == "pending"
        event = store.get_event("w1")
        assert event is not None and event.outcome is Outcome.QUEUED
        assert new_event(store, "w2", "c1") is True  # and the store still works


def test_a_closed_store_raises_store_error(database: Database) -> None:
    store = database.open()
    store.close()
    with pytest.raises(StoreError):
        store.queue_depth()


def test_open_store_picks_the_database_from_the_target(database: Database) -> None:
    if database.kind == "sqlite":
        target = str(database.path)
    else:  # the schema by the URL, as a config file would give it (created by a first open)
        database.open().close()
        target = database.url + ("&" if "?" in database.url else "?") + f"options=-csearch_path%3D{database.schema}"
    with open_store(target) as store:
        assert type(store) is (SqliteStore if database.kind == "sqlite" else PostgresStore)
        new_event(store, "w1", "c1")
    assert database.sql("SELECT key FROM events") == [("w1",)]


# Postgres only -----------------------------------------------------------------------------------
def messages(exc: BaseException | None) -> str:
    """The messages of ``exc`` and of every exception chained to it, even a suppressed context."""
    shown = []
    while exc is not None:
        shown.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return "\n".join(shown)


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or "postgres"
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


def test_the_url_password_is_never_shown(tmp_path: Path) -> None:
    url = postgres_url()
    db = Database("postgres", tmp_path)
    try:
        store = db.open()
        real = urlsplit(url).password
        for text in (repr(store), str(store), store.url):
            assert "PostgresStore" in repr(store) and (not real or real not in text)
        wrong = with_password(url, "Not-The-Password-7")
        with pytest.raises(StoreError) as caught:
            PostgresStore(wrong, schema=db.schema)
        assert "Not-The-Password" not in messages(caught.value)
        assert ":***@127.0.0.1" in str(caught.value)
    finally:
        db.close()


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    pytest.importorskip("psycopg", reason='psycopg is not installed: pip install ".[test]"')
    with pytest.raises(StoreError) as caught:  # nothing listens on port 1
        PostgresStore("postgresql://sync:S3cret-Pa55@127.0.0.1:1/identity?password=S3cret-Pa55", connect_timeout=2)
    assert "S3cret" not in messages(caught.value)
    assert "postgresql://sync:***@127.0.0.1:1/identity?password=***" in str(caught.value)


def test_without_psycopg_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(ConfigurationError, match=r'pip install "identity-resolution\[postgres\]"'):
        PostgresStore("postgresql://sync@127.0.0.1/identity")
    with pytest.raises(ConfigurationError, match="pip install"):
        open_store("postgres://sync@127.0.0.1/identity")


@pytest.mark.parametrize(
    ("url", "schema", "message"),
    [
        ("mysql://sync@127.0.0.1/identity", None, "needs a postgresql:// URL"),
        ("postgresql://sync@127.0.0.1/identity", 'sync"; DROP TABLE x; --', "plain identifier"),
    ],
)
def test_bad_postgres_settings_are_configuration_errors(url: str, schema: str | None, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        PostgresStore(url, schema=schema)


def test_a_dropped_connection_is_reopened_for_the_next_transaction(tmp_path: Path) -> None:
    postgres_url()
    db = Database("postgres", tmp_path)
    try:
        store = db.open()
        assert isinstance(store, PostgresStore)
        new_event(store, "w1", "c1")
        db.sql(f"SELECT pg_terminate_backend({store._conn.info.backend_pid})")  # the server drops us
        assert new_event(store, "w2", "c1") is True
        db.sql(f"SELECT pg_terminate_backend({store._conn.info.backend_pid})")
        assert store.queue_depth() == 2
    finally:
        db.close()


def test_an_item_is_claimed_by_one_connection_until_released_or_lapsed(database: Database) -> None:
    now = [100.0]
    a, b = database.open(clock=lambda: now[0]), database.open(clock=lambda: now[0])  # two processes
    new_event(a, "w1", "c1")
    new_event(a, "w2", "c2")
    first, second = a.pending_items()
    assert a.claim_item(first.id, "a", until=130.0) and a.claim_item(first.id, "a", until=140.0)  # renewed
    assert not b.claim_item(first.id, "b", until=130.0)
    now[0] = 141.0  # process a died holding it: the claim lapses
    assert b.claim_item(first.id, "b", until=171.0) and not a.claim_item(first.id, "a", until=171.0)
    b.defer_item(first, error="timeout", next_attempt_at=141.0)  # released with the attempt
    assert a.claim_item(first.id, "a", until=171.0)
    a.complete_item(first, outcome=Outcome.LINKED, reason="ok")
    assert not b.claim_item(first.id, "b", until=200.0)  # done: nothing to claim
    assert b.claim_item(second.id, "b", until=200.0)
    b.dead_letter_item(second, reason="gave up")
    assert not a.claim_item(second.id, "a", until=200.0)
