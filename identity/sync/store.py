"""The durable store of the sync service: events, the outbox, links, draft-order keys, our own writes,
and a tally of the webhooks refused unverified.

Two databases, one implementation. :class:`SyncStore` holds every query, written once in a portable
subset of SQL; :class:`SqliteStore` and :class:`PostgresStore` only connect and supply a few dialect hooks
(placeholder style, column types, how a write transaction begins and serializes). :func:`open_store`
picks one from a path or a URL.

- **SQLite** (the default): one file, WAL journal, every write in one ``BEGIN IMMEDIATE`` transaction, so
  writes are serialized across threads and processes by SQLite itself.
- **PostgreSQL** (psycopg 3, the ``postgres`` extra): several processes may share one database. Writes
  run at ``READ COMMITTED``; the only read-then-write steps are made safe explicitly: a new event is
  inserted with ``ON CONFLICT DO NOTHING`` (a concurrent duplicate waits for the first and then finds
  it), and numbering completions and migrations each take an advisory lock (no table lock: one that
  kept other numberers out would also make every completion wait while ``VACUUM`` runs on the table).

The schema is created and migrated by :meth:`SyncStore.migrate` (called by the constructors): a
``schema_migrations`` table records each applied version, and each migration runs in its own
transaction. :data:`MIGRATIONS` serves both databases; see there for the SQL it may use.

Idempotency lives here, not in the service: ``events.key`` is the primary key (a Shopify webhook id or
a voice order's idempotency key). Recording an event whose key exists returns the stored event when the
payload hash matches, and raises :class:`~identity.IdempotencyConflict` when it does not.

Retention: nothing is deleted until :meth:`SyncStore.prune` is called (``SyncService.prune``, ``identity-sync
prune``); links and draft-order keys never are. Deleting leaves the space inside the database for new rows;
:meth:`SyncStore.vacuum` gives it back (``identity-sync prune --vacuum``).

Durability: with ``synchronous=NORMAL`` in WAL mode a committed SQLite transaction survives the process
being killed (SIGKILL); it may be lost only if the operating system itself crashes. Pass
``synchronous="FULL"`` to survive that too. A committed Postgres transaction is as durable as the server
is configured to make it.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, Self, TypeVar

from pydantic import SecretStr

from identity._exceptions import ConfigurationError, IdempotencyConflict, StoreError
from identity._privacy import mask_url, url_passwords

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "MIGRATIONS",
    "PRUNE_BATCH",
    "SCHEMA_VERSION",
    "EventRecord",
    "OutboxItem",
    "Outcome",
    "PostgresStore",
    "PruneReport",
    "SqliteStore",
    "SyncStore",
    "UnverifiedTally",
    "is_postgres_url",
    "open_store",
    "postgres_types",
]

_T = TypeVar("_T")


class Outcome(StrEnum):
    """The one explicit outcome every event ends in (see :mod:`identity.sync.service` for meanings).

    Examples
    --------
    >>> Outcome("linked") is Outcome.LINKED, Outcome.DEAD_LETTERED.value
    (True, 'dead_lettered')
    """

    LINKED = "linked"
    CREATED = "created"
    NEEDS_REVIEW = "needs_review"
    QUEUED = "queued"
    REJECTED = "rejected"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class EventRecord:
    """One event as stored: its key, what it was, and its current outcome with the reason.

    Examples
    --------
    >>> EventRecord("w1", "webhook", "customers/create", Outcome.LINKED, "matched C00001").outcome
    <Outcome.LINKED: 'linked'>
    """

    key: str
    kind: str
    topic: str | None
    outcome: Outcome
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)
    customer_key: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True)
class OutboxItem:
    """One unit of deferred work; items of one ``customer_key`` run strictly in ``id`` order.

    Examples
    --------
    >>> OutboxItem(1, "w1", "gid://shopify/Customer/1", "erp_customer", {}, 0, 0.0, "pending").status
    'pending'
    """

    id: int
    event_key: str
    customer_key: str
    action: str
    payload: dict[str, Any]
    attempts: int
    next_attempt_at: float
    status: str
    last_error: str | None = None
    done_seq: int | None = None


@dataclass(frozen=True)
class PruneReport:
    """What one :meth:`SyncStore.prune` deleted: rows per table; and, after a :meth:`SyncStore.vacuum`
    (``SyncService.prune(..., vacuum=True)``), how many bytes the database files shrank by.

    ``reclaimed_bytes`` is None when no vacuum ran, or when it gives nothing back to the disk that can be
    measured: an in-memory SQLite database, or Postgres (see :meth:`SyncStore.vacuum`).

    Examples
    --------
    >>> PruneReport(events=2, outbox=1, own_writes=0).events
    2
    """

    events: int
    outbox: int
    own_writes: int
    reclaimed_bytes: int | None = None


@dataclass(frozen=True)
class UnverifiedTally:
    """Webhook deliveries refused unverified for one reason, as counted in the store since it was created.

    Such deliveries are never stored as events (anyone can send them); only this tally grows, one row per
    reason. See :meth:`SyncStore.count_unverified_webhook`.

    Examples
    --------
    >>> UnverifiedTally(deliveries=3, first_at=1_000.0, last_at=1_060.0).deliveries
    3
    """

    deliveries: int
    first_at: float
    last_at: float


#: Each entry is one schema version (entry ``n - 1`` is version ``n``), applied in order, each inside one
#: transaction, on SQLite and on PostgreSQL alike. Write them in the portable subset both accept:
#:
#: - column types ``TEXT``, ``INTEGER`` (64-bit), ``REAL`` (double precision) and, for a generated key,
#:   ``INTEGER PRIMARY KEY AUTOINCREMENT``; :func:`postgres_types` translates these (and only these) for
#:   Postgres, so keep the upper-case words out of string literals;
#: - ``CREATE TABLE`` / ``CREATE INDEX`` / ``ALTER TABLE ... ADD COLUMN`` (a ``NOT NULL`` one needs a
#:   ``DEFAULT``), ``INSERT ... ON CONFLICT DO NOTHING``, ``UPDATE``; ``?`` stands only for a parameter;
#: - not ``INSERT OR IGNORE``/``REPLACE``, ``rowid``, ``AUTOINCREMENT`` elsewhere, or any function only one
#:   database has.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE events (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            topic TEXT,
            payload_hash TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            customer_key TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )""",
        "CREATE INDEX events_outcome ON events (outcome)",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_key TEXT NOT NULL REFERENCES events (key),
            customer_key TEXT NOT NULL,
            action TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT,
            done_seq INTEGER,
            created_at REAL NOT NULL
        )""",
        "CREATE INDEX outbox_pending ON outbox (status, customer_key, id)",
        """CREATE TABLE links (
            shopify_id TEXT PRIMARY KEY,
            card_code TEXT NOT NULL,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE draft_orders (
            idempotency_key TEXT PRIMARY KEY,
            draft_order_id TEXT NOT NULL,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE own_writes (
            system TEXT NOT NULL,
            object_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (system, object_id, content_hash)
        )""",
    ),
    # 2: events in arrival order without SQLite's rowid (``seq``: 1 + the highest so far; rows from
    # version 1 get 0 and keep their created_at order), and an index for numbering completions.
    (
        "ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX events_seq ON events (seq)",
        "CREATE INDEX outbox_done_seq ON outbox (done_seq)",
    ),
    # 3: claims, so that processes sharing one database never run one item at the same time
    # (``claimed_by`` a process's owner id, ``claimed_until`` when the claim lapses if never released).
    (
        "ALTER TABLE outbox ADD COLUMN claimed_by TEXT",
        "ALTER TABLE outbox ADD COLUMN claimed_until REAL",
    ),
    # 4: retention (:meth:`SyncStore.prune`): events in order of their last change, and the outbox items of
    # one event (also what ``pending_items(event_key)`` looks up).
    (
        "CREATE INDEX events_updated_at ON events (updated_at, key)",
        "CREATE INDEX outbox_event_key ON outbox (event_key)",
    ),
    # 5: webhook deliveries refused unverified (bad HMAC, body too large), counted per reason: one row per
    # reason, whatever the traffic (:meth:`SyncStore.count_unverified_webhook`).
    (
        """CREATE TABLE unverified_webhooks (
            reason TEXT PRIMARY KEY,
            deliveries INTEGER NOT NULL,
            first_at REAL NOT NULL,
            last_at REAL NOT NULL
        )""",
    ),
)

#: The schema version a store is at once its constructor has returned.
SCHEMA_VERSION = len(MIGRATIONS)

NewItem = tuple[str, str, dict[str, Any]]  # (customer_key, action, payload)

#: Rows :meth:`SyncStore.prune` deletes per transaction (per table), so that a large first prune never
#: holds the write lock for long.
PRUNE_BATCH = 5_000
# The tables :meth:`SyncStore.prune` deletes from (and :meth:`SyncStore.vacuum` vacuums on Postgres).
_PRUNED_TABLES = ("events", "outbox", "own_writes")
# How long a SQLite write waits for the write lock (seconds), and how long the WAL checkpoint after a
# VACUUM waits for readers (it keeps writers out meanwhile; see SqliteStore._vacuum).
_BUSY_TIMEOUT = 30.0
_CHECKPOINT_WAIT = 1.0
# Keys per ``IN (...)`` list: under SQLite's oldest limit of 999 parameters.
_IN_CHUNK = 300

# The advisory lock key Postgres stores hold while they migrate: any constant, the same in every process.
_MIGRATION_LOCK_KEY = 7_215_090_302
# The first key of the advisory locks under which Postgres stores number a table's rows (the second is a
# hash of schema and table); two-key advisory locks never collide with the one-key migration lock.
_NUMBERING_LOCK_CLASS = 721_509_030

_POSTGRES_TYPES = (
    (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
)


def postgres_types(statement: str) -> str:
    """Translate the portable column types of a migration statement into PostgreSQL's.

    SQLite's ``INTEGER`` is 64-bit and its ``REAL`` a double; Postgres' are 32-bit and single precision.
    So ``INTEGER PRIMARY KEY AUTOINCREMENT`` becomes an identity column, ``INTEGER`` becomes ``BIGINT``
    and ``REAL`` becomes ``DOUBLE PRECISION``. Only these upper-case words are touched.

    Examples
    --------
    >>> postgres_types("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, at REAL, s TEXT)")
    'CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, at DOUBLE PRECISION, s TEXT)'
    """
    for pattern, replacement in _POSTGRES_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


@functools.lru_cache(maxsize=512)
def _postgres_placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled); the store's SQL has no ``?`` in literals."""
    return sql.replace("%", "%%").replace("?", "%s")


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class _Cursor(Protocol):
    """What the store uses of a driver's cursor (``sqlite3.Cursor``, ``psycopg.Cursor``)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class _Tx:
    """An open write transaction: ``execute`` takes the store's portable SQL (``?`` placeholders)."""

    __slots__ = ("_store",)

    def __init__(self, store: SyncStore) -> None:
        self._store = store

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        return self._store._execute(sql, params)


class SyncStore(abc.ABC):
    """The sync service's durable store, whatever the database: :class:`SqliteStore` or :class:`PostgresStore`.

    Every query lives here, once, in portable SQL with ``?`` placeholders; a subclass connects and
    supplies the dialect hooks (the methods under ``# dialect hooks``). Thread-safe: one connection
    guarded by a lock. Every driver error is raised as :class:`~identity.StoreError`.

    Examples
    --------
    >>> def pending(store: SyncStore) -> int:   # annotate with the base class; open with open_store
    ...     return store.queue_depth()
    >>> with open_store(":memory:") as store:
    ...     pending(store)
    0
    """

    #: The driver's exception classes; an error of one of them is raised as :class:`~identity.StoreError`.
    _errors: tuple[type[Exception], ...] = ()
    #: The statement that opens a write transaction.
    _begin_sql = "BEGIN"

    def __init__(self, *, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.RLock()

    # dialect hooks -------------------------------------------------------------------------------
    @abc.abstractmethod
    def _execute_raw(self, sql: str, params: Sequence[Any]) -> _Cursor:
        """Run one statement, already in the driver's own SQL, on the connection."""

    def _sql(self, sql: str) -> str:
        """The store's portable SQL (``?`` placeholders) in the driver's placeholder style."""
        return sql

    def _ddl(self, statement: str) -> str:
        """A migration statement with the portable column types translated (see :data:`MIGRATIONS`)."""
        return statement

    @abc.abstractmethod
    def _serialize(self, db: _Tx, table: str) -> None:
        """Make this transaction the only one numbering rows of ``table`` (MAX() + 1) until it ends."""

    @abc.abstractmethod
    def _guard_migrations(self, db: _Tx) -> None:
        """Keep other connections from migrating until this transaction ends."""

    def _reconnect(self, exc: Exception) -> bool:
        """Reopen a connection that ``exc`` broke; False when that is not the trouble (the default)."""
        return False

    def _message(self, exc: Exception) -> str:
        """``exc`` as text fit for an error message (a subclass removes secrets)."""
        return str(exc)

    @abc.abstractmethod
    def _close_connection(self) -> None:
        """Close the connection."""

    @abc.abstractmethod
    def _describe(self) -> str:
        """What ``repr`` shows between the parentheses; never a secret."""

    @abc.abstractmethod
    def _vacuum(self) -> None:
        """Run the database's VACUUM on the store, outside any transaction (the store's lock is held)."""

    @abc.abstractmethod
    def _stored_bytes(self) -> int | None:
        """The size on disk of what :meth:`_vacuum` may shrink, in bytes; None when it is not measured."""

    # plumbing ------------------------------------------------------------------------------------
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        return self._execute_raw(self._sql(sql), params)

    def _attempt(self, run: Callable[[], _T], what: str) -> _T:
        """Run one step outside a transaction (a read, or BEGIN); once more if the connection was reopened."""
        try:
            return run()
        except self._errors as exc:
            if not self._reconnect(exc):
                raise StoreError(f"sync store: {what}: {self._message(exc)}") from exc
        try:
            return run()
        except self._errors as exc:
            raise StoreError(f"sync store: {what}: {self._message(exc)}") from exc

    def _rollback(self) -> None:
        with contextlib.suppress(*self._errors):  # an error here: the connection, and the transaction, are gone
            self._execute_raw("ROLLBACK", ())

    @contextmanager
    def _tx(self, failed: str = "transaction failed") -> Iterator[_Tx]:
        with self._lock:
            self._attempt(lambda: self._execute_raw(self._begin_sql, ()), "cannot begin a transaction")
            try:
                yield _Tx(self)
            except self._errors as exc:
                self._rollback()
                raise StoreError(f"sync store: {failed}: {self._message(exc)}") from exc
            except BaseException:
                self._rollback()
                raise
            try:
                self._execute_raw("COMMIT", ())
            except self._errors as exc:
                self._rollback()
                raise StoreError(f"sync store: commit failed: {self._message(exc)}") from exc

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._attempt(lambda: self._execute(sql, params).fetchall(), "query failed")

    def migrate(self) -> int:
        """Create or upgrade the schema; return the schema version now in place.

        Safe to run from several processes at once: each migration re-checks, under the database's
        write lock (SQLite) or an advisory lock (Postgres), that nobody applied it meanwhile.

        Examples
        --------
        >>> store = SqliteStore(":memory:"); store.migrate() == SCHEMA_VERSION
        True
        >>> store.close()
        """
        with self._tx("cannot create schema_migrations") as db:
            self._guard_migrations(db)
            db.execute(
                self._ddl("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)")
            )
        version = self.schema_version
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            with self._tx(f"migration {number} failed") as db:
                self._guard_migrations(db)
                if db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (number,)).fetchone():
                    continue  # another process applied it while we waited for the lock
                for statement in statements:
                    db.execute(self._ddl(statement))
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (number, self._clock()))
        return self.schema_version

    @property
    def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        rows = self._query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(rows[0][0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._close_connection()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()})"

    # events --------------------------------------------------------------------------------------
    @staticmethod
    def _event(row: Sequence[Any]) -> EventRecord:
        return EventRecord(
            key=row[0],
            kind=row[1],
            topic=row[2],
            outcome=Outcome(row[3]),
            reason=row[4],
            detail=json.loads(row[5]),
            customer_key=row[6],
            created_at=row[7],
            updated_at=row[8],
        )

    _EVENT_COLUMNS = "key, kind, topic, outcome, reason, detail, customer_key, created_at, updated_at"

    def get_event(self, key: str) -> EventRecord | None:
        """The stored event with this key, or None."""
        rows = self._query(f"SELECT {self._EVENT_COLUMNS} FROM events WHERE key = ?", (key,))
        return self._event(rows[0]) if rows else None

    def record_event(
        self,
        key: str,
        *,
        kind: str,
        topic: str | None,
        payload_hash: str,
        outcome: Outcome,
        reason: str,
        detail: dict[str, Any] | None = None,
        customer_key: str | None = None,
        outbox: Sequence[NewItem] = (),
    ) -> tuple[EventRecord, bool]:
        """Store a new event (and its outbox items) atomically, or return the one already stored.

        Returns ``(event, is_new)``. Raises :class:`~identity.IdempotencyConflict` when ``key`` exists with
        a different ``payload_hash``.
        """
        now = self._clock()
        with self._tx() as db:
            # Insert first: a concurrent insert of the same key (another process, on Postgres) makes this
            # one wait for it and then do nothing, where a read-then-insert would fail on the primary key.
            is_new = db.execute(
                "INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail, customer_key,"
                " created_at, updated_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " (SELECT COALESCE(MAX(seq), 0) + 1 FROM events)) ON CONFLICT DO NOTHING",
                (key, kind, topic, payload_hash, outcome.value, reason, _dumps(detail or {}),
                 customer_key, now, now),
            ).rowcount == 1
            if is_new:
                self._insert_items(db, key, outbox, now)
            else:
                row = db.execute("SELECT payload_hash FROM events WHERE key = ?", (key,)).fetchone()
                if row[0] != payload_hash:
                    raise IdempotencyConflict(
                        f"idempotency key {key!r} was already used with a different payload"
                    )
        event = self.get_event(key)
        assert event is not None
        return event, is_new

    def _insert_items(self, db: _Tx, event_key: str, items: Sequence[NewItem], now: float) -> None:
        for customer_key, action, payload in items:
            db.execute(
                "INSERT INTO outbox (event_key, customer_key, action, payload, next_attempt_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (event_key, customer_key, action, _dumps(payload), now, now),
            )

    def events(self) -> list[EventRecord]:
        """Every stored event, oldest first (events of one instant in arrival order)."""
        rows = self._query(f"SELECT {self._EVENT_COLUMNS} FROM events ORDER BY created_at, seq, key")
        return [self._event(r) for r in rows]

    def outcome_counts(self) -> dict[str, int]:
        """How many events currently stand at each outcome."""
        rows = self._query("SELECT outcome, COUNT(*) FROM events GROUP BY outcome")
        return {str(o): int(n) for o, n in rows}

    # unverified webhooks -------------------------------------------------------------------------
    def count_unverified_webhook(
        self, reason: str, deliveries: int = 1, *, first_at: float | None = None, last_at: float | None = None
    ) -> None:
        """Add ``deliveries`` to the tally of webhook deliveries refused unverified for ``reason``.

        ``first_at`` and ``last_at`` are when the first and the last of them came (default: now, by the
        store's clock); a count written later than it was made (``SyncService`` batches them) keeps its
        own times. The row keeps the earliest ``first_at`` and the latest ``last_at`` it was given, in
        whatever order counts arrive. The delivery itself is not stored: the table holds one row per
        reason, so no amount of forged requests makes it grow.

        Examples
        --------
        >>> store = SqliteStore(":memory:", clock=lambda: 1_000.0)
        >>> store.count_unverified_webhook("bad_hmac"); store.count_unverified_webhook("bad_hmac")
        >>> store.count_unverified_webhook("bad_hmac", 3, first_at=900.0, last_at=950.0)
        >>> store.unverified_webhooks()
        {'bad_hmac': UnverifiedTally(deliveries=5, first_at=900.0, last_at=1000.0)}
        >>> store.close()
        """
        now = self._clock()
        first = now if first_at is None else first_at
        last = now if last_at is None else last_at
        with self._tx() as db:
            # insert-if-absent then update: both in the portable subset, and safe against a concurrent
            # first count (on Postgres the insert waits for the other one, then the update adds to it)
            db.execute(
                "INSERT INTO unverified_webhooks (reason, deliveries, first_at, last_at) VALUES (?, 0, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (reason, first, last),
            )
            db.execute(
                "UPDATE unverified_webhooks SET deliveries = deliveries + ?,"
                " first_at = CASE WHEN first_at > ? THEN ? ELSE first_at END,"
                " last_at = CASE WHEN last_at < ? THEN ? ELSE last_at END WHERE reason = ?",
                (deliveries, first, first, last, last, reason),
            )

    def unverified_webhooks(self) -> dict[str, UnverifiedTally]:
        """The tally of webhook deliveries refused unverified, per reason (only reasons seen so far)."""
        rows = self._query(
            "SELECT reason, deliveries, first_at, last_at FROM unverified_webhooks ORDER BY reason"
        )
        return {str(r): UnverifiedTally(int(n), float(first), float(last)) for r, n, first, last in rows}

    # outbox --------------------------------------------------------------------------------------
    @staticmethod
    def _item(row: Sequence[Any]) -> OutboxItem:
        return OutboxItem(
            id=row[0],
            event_key=row[1],
            customer_key=row[2],
            action=row[3],
            payload=json.loads(row[4]),
            attempts=row[5],
            next_attempt_at=row[6],
            status=row[7],
            last_error=row[8],
            done_seq=row[9],
        )

    _ITEM_COLUMNS = (
        "id, event_key, customer_key, action, payload, attempts, next_attempt_at, status, last_error, done_seq"
    )

    def pending_items(self, event_key: str | None = None) -> list[OutboxItem]:
        """Pending items (of one event, or all), in order."""
        params: tuple[str, ...] = ()
        if event_key is None:
            sql = "status = 'pending'"
        else:
            sql, params = "status = 'pending' AND event_key = ?", (event_key,)
        rows = self._query(f"SELECT {self._ITEM_COLUMNS} FROM outbox WHERE {sql} ORDER BY id", params)
        return [self._item(r) for r in rows]

    def items(self) -> list[OutboxItem]:
        """Every outbox item, in order (for inspection and tests)."""
        rows = self._query(f"SELECT {self._ITEM_COLUMNS} FROM outbox ORDER BY id")
        return [self._item(r) for r in rows]

    def due_items(self, now: float, limit: int = 500) -> list[OutboxItem]:
        """The head pending item of every customer whose head is due, oldest first.

        An item never runs while an older pending item of the same customer waits: that is what keeps
        each customer's events in order.
        """
        rows = self._query(
            f"SELECT {self._ITEM_COLUMNS} FROM outbox WHERE id IN ("
            " SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY customer_key)"
            " AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        )
        return [self._item(r) for r in rows]

    def is_runnable(self, item_id: int, customer_key: str) -> bool:
        """Whether item ``item_id`` is still pending and no older pending item of ``customer_key`` precedes it."""
        rows = self._query(
            "SELECT (SELECT status FROM outbox WHERE id = ?),"
            " (SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND customer_key = ? AND id < ?)",
            (item_id, customer_key, item_id),
        )
        return rows[0][0] == "pending" and int(rows[0][1]) == 0

    def claim_item(self, item_id: int, owner: str, *, until: float) -> bool:
        """Claim pending item ``item_id`` for ``owner`` until ``until``; False if another owner holds it.

        A claim lapses at ``until`` (a process that died holding it) and is released when the item is
        completed, deferred or dead-lettered. Claiming again an item one already holds renews it. This is
        what lets several processes share one store (Postgres) without running an item twice.

        Examples
        --------
        >>> store = SqliteStore(":memory:", clock=lambda: 100.0)
        >>> _ = store.record_event("w1", kind="webhook", topic=None, payload_hash="h", outcome=Outcome.QUEUED,
        ...                        reason="accepted", outbox=[("c1", "erp_customer", {})])
        >>> item = store.pending_items()[0]
        >>> store.claim_item(item.id, "a", until=130.0), store.claim_item(item.id, "b", until=130.0)
        (True, False)
        >>> store.close()
        """
        now = self._clock()
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND status = 'pending'"
                " AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until < ?)",
                (owner, until, item_id, owner, now),
            )
            return cursor.rowcount == 1

    def queue_depth(self) -> int:
        """Pending outbox items."""
        return int(self._query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")[0][0])

    def complete_item(
        self,
        item: OutboxItem,
        *,
        outcome: Outcome,
        reason: str,
        detail: dict[str, Any] | None = None,
        link: tuple[str, str] | None = None,
        follow_up: Sequence[NewItem] = (),
    ) -> None:
        """Mark ``item`` done and set its event's outcome, link and follow-up items, in one transaction."""
        now = self._clock()
        with self._tx() as db:
            self._serialize(db, "outbox")  # two completions must not draw the same done_seq
            seq = db.execute("SELECT COALESCE(MAX(done_seq), 0) + 1 FROM outbox").fetchone()[0]
            db.execute(
                "UPDATE outbox SET status = 'done', done_seq = ?, last_error = NULL, claimed_by = NULL,"
                " claimed_until = NULL WHERE id = ?",
                (seq, item.id),
            )
            if link is not None:
                db.execute("INSERT INTO links VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (link[0], link[1], now))
            self._insert_items(db, item.event_key, follow_up, now)
            self._set_outcome(db, item.event_key, outcome, reason, detail, now)

    def defer_item(self, item: OutboxItem, *, error: str, next_attempt_at: float) -> None:
        """Count a failed attempt and schedule the next one; the event stays ``queued`` with the reason."""
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
                " claimed_by = NULL, claimed_until = NULL WHERE id = ?",
                (next_attempt_at, error, item.id),
            )
            db.execute(
                "UPDATE events SET reason = ?, updated_at = ? WHERE key = ? AND outcome = 'queued'",
                (f"waiting to retry: {error}", now, item.event_key),
            )

    def dead_letter_item(self, item: OutboxItem, *, reason: str) -> None:
        """Give up on ``item``: mark it dead and its event ``dead_lettered`` with the reason."""
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ?, claimed_by = NULL,"
                " claimed_until = NULL WHERE id = ?",
                (reason, item.id),
            )
            self._set_outcome(db, item.event_key, Outcome.DEAD_LETTERED, reason, None, now)

    @staticmethod
    def _set_outcome(
        db: _Tx,
        key: str,
        outcome: Outcome,
        reason: str,
        detail: dict[str, Any] | None,
        now: float,
    ) -> None:
        if detail is None:
            db.execute(
                "UPDATE events SET outcome = ?, reason = ?, updated_at = ? WHERE key = ?",
                (outcome.value, reason, now, key),
            )
        else:
            db.execute(
                "UPDATE events SET outcome = ?, reason = ?, detail = ?, updated_at = ? WHERE key = ?",
                (outcome.value, reason, _dumps(detail), now, key),
            )

    # links, draft orders, own writes ------------------------------------------------------------
    def get_link(self, shopify_id: str) -> str | None:
        """The ERP ``CardCode`` linked to a Shopify customer, or None."""
        rows = self._query("SELECT card_code FROM links WHERE shopify_id = ?", (shopify_id,))
        return str(rows[0][0]) if rows else None

    def links(self) -> dict[str, str]:
        """Every link, Shopify id to ``CardCode``."""
        return {str(a): str(b) for a, b in self._query("SELECT shopify_id, card_code FROM links")}

    def delete_link(self, shopify_id: str) -> None:
        """Forget the link of a Shopify customer (a stale link found by reconciliation)."""
        with self._tx() as db:
            db.execute("DELETE FROM links WHERE shopify_id = ?", (shopify_id,))

    def get_draft_order(self, idempotency_key: str) -> str | None:
        """The draft order created for this idempotency key, or None."""
        rows = self._query(
            "SELECT draft_order_id FROM draft_orders WHERE idempotency_key = ?", (idempotency_key,)
        )
        return str(rows[0][0]) if rows else None

    def record_draft_order(self, idempotency_key: str, draft_order_id: str) -> None:
        """Remember the draft order created for an idempotency key."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO draft_orders VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (idempotency_key, draft_order_id, self._clock()),
            )

    def record_own_write(self, system: str, object_id: str, content_hash: str) -> None:
        """Remember that we wrote this content to this object (to recognise its webhook echo)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO own_writes VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (system, object_id, content_hash, self._clock()),
            )

    def replace_own_write(self, system: str, object_id: str, content_hash: str) -> None:
        """Remember this content as the only one under ``system`` for this object (one transaction).

        For facts where only the latest counts, such as the contact fields last brought in line with an
        ERP partner: with every earlier content kept, a change back to one of them (A, then B, then A
        again) would look already done."""
        with self._tx() as db:
            db.execute(
                "DELETE FROM own_writes WHERE system = ? AND object_id = ? AND content_hash <> ?",
                (system, object_id, content_hash),
            )
            db.execute(
                "INSERT INTO own_writes VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (system, object_id, content_hash, self._clock()),
            )

    def forget_own_writes(self, system: str, object_id: str) -> None:
        """Forget every content recorded under ``system`` for this object (it has changed since)."""
        with self._tx() as db:
            db.execute("DELETE FROM own_writes WHERE system = ? AND object_id = ?", (system, object_id))

    def newest_own_write(self, system: str, object_id: str) -> str | None:
        """The greatest content recorded for this object under ``system`` (text order), or None."""
        rows = self._query(
            "SELECT MAX(content_hash) FROM own_writes WHERE system = ? AND object_id = ?", (system, object_id)
        )
        return None if not rows or rows[0][0] is None else str(rows[0][0])

    def is_own_write(self, system: str, object_id: str, content_hash: str) -> bool:
        """Whether we wrote exactly this content to this object."""
        rows = self._query(
            "SELECT 1 FROM own_writes WHERE system = ? AND object_id = ? AND content_hash = ?",
            (system, object_id, content_hash),
        )
        return bool(rows)

    # retention -----------------------------------------------------------------------------------
    def prune(self, *, before: float, include_dead: bool = False, batch_size: int = PRUNE_BATCH) -> PruneReport:
        """Delete what the store no longer needs from before ``before`` (wall-clock seconds); what was deleted.

        - **events** whose outcome is final (not ``queued``; not ``dead_lettered`` either unless
          ``include_dead``: those are the failures someone must look at) and last changed before
          ``before``, together with their outbox items. An event with an item still ``pending`` is kept
          whatever its age and outcome; the items deleted are ``done`` (or ``dead``, with ``include_dead``).
        - **own_writes** recorded before ``before``, except, for each ``(system, object_id)``, the newest
          row (greatest ``created_at``, all of them on a tie) and the row :meth:`newest_own_write` returns
          (greatest content): so :meth:`newest_own_write` answers as before for every object, and the
          content written last to an object is still recognised by :meth:`is_own_write`.
        - **links** and **draft_orders** are never deleted: they are the durable mapping.

        Works in batches, one transaction per batch: ``batch_size`` events in order of their last change
        (those among them that may go are deleted with their items), then ``batch_size`` own writes. So a
        large first prune never holds the write lock for long, and a row that stays is read once per
        prune, not once per batch; a failure leaves the
        batches already committed deleted and the store consistent. Deleting an event forgets its key:
        a delivery with that key arriving afterwards is processed as new (see
        :meth:`~identity.sync.SyncService.prune`, which keeps a safe minimum age).

        Examples
        --------
        >>> store = SqliteStore(":memory:", clock=lambda: 100.0)
        >>> _ = store.record_event("w1", kind="webhook", topic=None, payload_hash="h", outcome=Outcome.LINKED,
        ...                        reason="ok")
        >>> store.prune(before=50.0).events, store.prune(before=150.0).events
        (0, 1)
        >>> store.close()
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        final = [o.value for o in Outcome if o is not Outcome.QUEUED and (include_dead or o is not Outcome.DEAD_LETTERED)]
        statuses = ["done", "dead"] if include_dead else ["done"]
        outcome_in = ", ".join("?" * len(final))
        status_in = ", ".join("?" * len(statuses))
        events = outbox = own_writes = 0
        after: tuple[Any, ...] = ()
        while True:  # events, oldest change first; ``after`` resumes past the last one seen
            with self._tx("prune failed") as db:
                # Only the range and the order on the index (events_updated_at): a filter on the outcome
                # here would let SQLite prefer events_outcome and sort every old event, batch after batch.
                rows = db.execute(
                    "SELECT e.updated_at, e.key, e.outcome, EXISTS (SELECT 1 FROM outbox o"
                    f" WHERE o.event_key = e.key AND o.status NOT IN ({status_in}))"
                    " FROM events e WHERE e.updated_at < ?"
                    + (" AND (e.updated_at, e.key) > (?, ?)" if after else "")
                    + " ORDER BY e.updated_at, e.key LIMIT ?",
                    (*statuses, before, *after, batch_size),
                ).fetchall()
                prunable = [row[1] for row in rows if row[2] in final and not row[3]]
                for start in range(0, len(prunable), _IN_CHUNK):
                    keys = prunable[start : start + _IN_CHUNK]
                    marks = ", ".join("?" * len(keys))
                    # the conditions again: should an item have turned up meanwhile, its foreign key makes
                    # the event's delete fail, and the whole batch is rolled back
                    outbox += db.execute(
                        f"DELETE FROM outbox WHERE event_key IN ({marks}) AND status IN ({status_in})",
                        (*keys, *statuses),
                    ).rowcount
                    events += db.execute(
                        f"DELETE FROM events WHERE key IN ({marks}) AND outcome IN ({outcome_in})"
                        " AND updated_at < ?",
                        (*keys, *final, before),
                    ).rowcount
            if len(rows) < batch_size:
                break
            after = tuple(rows[-1][:2])
        after = ()
        while True:  # own writes, in key order; a row is kept while it is the newest or the greatest
            with self._tx("prune failed") as db:
                rows = db.execute(
                    "SELECT w.system, w.object_id, w.content_hash FROM own_writes w WHERE w.created_at < ?"
                    + (" AND (w.system, w.object_id, w.content_hash) > (?, ?, ?)" if after else "")
                    + " AND EXISTS (SELECT 1 FROM own_writes n WHERE n.system = w.system"
                    " AND n.object_id = w.object_id AND n.created_at > w.created_at)"
                    " AND EXISTS (SELECT 1 FROM own_writes g WHERE g.system = w.system"
                    " AND g.object_id = w.object_id AND g.content_hash > w.content_hash)"
                    " ORDER BY w.system, w.object_id, w.content_hash LIMIT ?",
                    (before, *after, batch_size),
                ).fetchall()
                for start in range(0, len(rows), _IN_CHUNK):
                    chunk = rows[start : start + _IN_CHUNK]
                    marks = ", ".join(["(?, ?, ?)"] * len(chunk))
                    own_writes += db.execute(
                        f"DELETE FROM own_writes WHERE (system, object_id, content_hash) IN (VALUES {marks})",
                        [value for row in chunk for value in row],
                    ).rowcount
            if len(rows) < batch_size:
                break
            after = tuple(rows[-1])
        return PruneReport(events=events, outbox=outbox, own_writes=own_writes)

    def vacuum(self) -> int | None:
        """Give back the space that deleted rows left; return how many bytes the database shrank by.

        - **SQLite**: ``VACUUM`` rewrites the file without its free pages, then a
          ``wal_checkpoint(TRUNCATE)`` moves the result into the file and empties the WAL. The number is
          the drop in size of the file and its ``-wal``, None for ``":memory:"``. It holds the write
          lock throughout (other writers wait, and fail after the 30 s busy timeout), takes time in
          proportion to the whole database and needs free disk space of up to twice its size. A
          connection reading at that moment (another process, a backup) keeps the WAL from being
          emptied: the checkpoint waits for it at most a second (writers wait with it), then leaves the
          rest to a later checkpoint; the number is then smaller, even negative.
        - **PostgreSQL**: a plain ``VACUUM (ANALYZE)`` of the tables :meth:`prune` deletes from (``events``,
          ``outbox``, ``own_writes``): their dead rows become free space for new rows now rather than when
          autovacuum comes round, and their statistics are fresh. It takes no lock that stops reads or
          writes of other connections; this store's one connection is busy until it ends, so threads sharing
          the store wait (run it from a process or a store of its own, as ``identity-sync prune --vacuum``
          does). It seldom makes the files smaller (only empty pages at their end go back to the system; the
          free-space and visibility maps it writes may even add a few pages), so it returns None: the space
          it frees is for the tables' new rows, not the disk's. ``VACUUM FULL`` would shrink them, but locks
          each table against every read and write while it copies it: not done here.

        Raises
        ------
        StoreError
            The database refused (SQLite: the write lock was not free within the busy timeout; Postgres:
            the server failed). Rows already deleted stay deleted.

        Examples
        --------
        >>> store = SqliteStore(":memory:")
        >>> store.vacuum() is None     # runs, but an in-memory database has no file to measure
        True
        >>> store.close()
        """
        with self._lock:
            before = self._stored_bytes()
            self._attempt(self._vacuum, "vacuum failed")
            after = self._stored_bytes()
        return None if before is None or after is None else before - after


class SqliteStore(SyncStore):
    """A sync store in one SQLite file (WAL). Thread-safe: one connection guarded by a lock.

    Parameters
    ----------
    path : str or Path
        The database file (created if absent), or ``":memory:"``.
    clock : callable
        Wall-clock seconds, injectable for tests.
    synchronous : ``"NORMAL"`` or ``"FULL"``
        SQLite's ``synchronous`` pragma (see the module docstring).

    Examples
    --------
    >>> store = SqliteStore(":memory:")
    >>> event, new = store.record_event("w1", kind="webhook", topic="customers/create", payload_hash="h",
    ...                                 outcome=Outcome.QUEUED, reason="accepted")
    >>> new, store.record_event("w1", kind="webhook", topic="customers/create", payload_hash="h",
    ...                         outcome=Outcome.QUEUED, reason="accepted")[1]
    (True, False)
    >>> store.close()
    """

    _errors = (sqlite3.Error,)
    # Takes the database's one write lock at once, so every write transaction runs alone.
    _begin_sql = "BEGIN IMMEDIATE"

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
    ) -> None:
        super().__init__(clock=clock)
        self.path = str(path)
        if sqlite3.sqlite_version_info < (3, 24, 0):
            raise StoreError(f"the sync store needs SQLite 3.24 or later (ON CONFLICT); this is {sqlite3.sqlite_version}")
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_TIMEOUT
            )
            self._wal(deadline=time.monotonic() + 30)
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the sync store: {exc}") from exc
        self.migrate()

    def _wal(self, *, deadline: float) -> None:
        """Switch the file to WAL. A journal-mode change does not wait for the busy timeout, so when
        another process is creating the same new database at this moment, try again until ``deadline``."""
        while True:
            try:
                if str(self._db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _execute_raw(self, sql: str, params: Sequence[Any]) -> _Cursor:
        return self._db.execute(sql, params)

    def _serialize(self, db: _Tx, table: str) -> None:
        """Nothing to take: ``BEGIN IMMEDIATE`` already made this transaction the only writer."""

    def _guard_migrations(self, db: _Tx) -> None:
        """Nothing to take: ``BEGIN IMMEDIATE`` already keeps every other connection from writing."""

    def _close_connection(self) -> None:
        self._db.close()

    def _describe(self) -> str:
        return f"{self.path!r}"

    def _vacuum(self) -> None:
        # isolation_level=None: no transaction is open between the store's own, so VACUUM may run
        self._db.execute("VACUUM")
        # A truncating checkpoint waits (busy timeout) for every reader to leave the WAL, and keeps new
        # writers out while it waits: behind a long reader it would stall every webhook for the 30 s
        # busy timeout and then give up anyway. So it waits briefly; the rest comes back at a later one.
        self._db.execute(f"PRAGMA busy_timeout = {int(_CHECKPOINT_WAIT * 1000)}")
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT * 1000)}")

    def _stored_bytes(self) -> int | None:
        if self.path in ("", ":memory:"):
            return None
        return sum(Path(name).stat().st_size for name in (self.path, self.path + "-wal") if Path(name).exists())


def is_postgres_url(target: str | Path) -> bool:
    """Whether ``target`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``), not a file path.

    Examples
    --------
    >>> is_postgres_url("postgresql://sync@127.0.0.1/identity"), is_postgres_url("/var/lib/identity/sync.db")
    (True, False)
    """
    return isinstance(target, str) and target.lower().startswith(("postgresql://", "postgres://"))


class PostgresStore(SyncStore):
    """A sync store in a PostgreSQL database, through psycopg 3 (``pip install "identity-resolution[postgres]"``).

    Several processes (and threads: one connection guarded by a lock) may share the database; see the
    module docstring for how concurrent writes stay correct. A connection found broken (the server
    restarted) is reopened when the next transaction or read begins; a transaction it broke fails with
    :class:`~identity.StoreError` and changed nothing.

    Parameters
    ----------
    url : str
        A libpq URL, ``postgresql://user@host:port/dbname?param=value`` (or ``postgres://``). Leave the
        password out and let libpq find it in ``PGPASSWORD`` or ``~/.pgpass``. A password in the URL
        works too; ``repr``, ``url`` and error messages never show it.
    clock : callable
        Wall-clock seconds, injectable for tests.
    schema : str, optional
        Keep the tables in this schema (created if absent) instead of the first on the search path:
        several stores can then share one database. A plain identifier (letters, digits, ``_``).
    connect_timeout : int
        Seconds to wait for the server when connecting.

    Examples
    --------
    .. code-block:: python

        store = PostgresStore("postgresql://sync@db.internal:5432/identity", schema="sync")  # PGPASSWORD set
        print(store)           # PostgresStore('postgresql://sync@db.internal:5432/identity', schema='sync')
        service = SyncService(store, shop, erp, webhook_secrets=[SecretStr("whsec")])
    """

    _begin_sql = "BEGIN"

    def __init__(
        self,
        url: str,
        *,
        clock: Callable[[], float] = time.time,
        schema: str | None = None,
        connect_timeout: int = 10,
    ) -> None:
        super().__init__(clock=clock)
        if not is_postgres_url(url):
            raise ConfigurationError(f"PostgresStore needs a postgresql:// URL, not {mask_url(str(url))!r}")
        if schema is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", schema):
            raise ConfigurationError(f"PostgresStore: schema must be a plain identifier, not {schema!r}")
        try:
            import psycopg
        except ImportError:
            raise ConfigurationError(
                'PostgresStore needs psycopg 3: pip install "identity-resolution[postgres]"'
            ) from None
        #: The URL with its password masked (safe to log).
        self.url = mask_url(url)
        self.schema = schema
        self.connect_timeout = connect_timeout
        self._secret_url = SecretStr(url)
        self._passwords = url_passwords(url)
        self._errors = (psycopg.Error,)
        self._closed = False
        self._conn = self._connect()
        try:
            self.migrate()
        except BaseException:
            self.close()  # a server connection is not left to the garbage collector
            raise

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        import psycopg

        try:
            conn = psycopg.connect(
                self._secret_url.get_secret_value(), autocommit=True, connect_timeout=self.connect_timeout
            )
        except psycopg.Error as exc:
            # from None: the driver's own exception could carry the connection string
            raise StoreError(f"cannot open the sync store {self.url}: {self._message(exc)}") from None
        if self.schema is not None:
            try:
                conn.execute(f'SET search_path TO "{self.schema}"')
            except psycopg.Error as exc:
                conn.close()
                raise StoreError(f"cannot open the sync store {self.url}: {self._message(exc)}") from None
        return conn

    def _execute_raw(self, sql: str, params: Sequence[Any]) -> _Cursor:
        return self._conn.execute(sql, params)

    def _sql(self, sql: str) -> str:
        return _postgres_placeholders(sql)

    def _ddl(self, statement: str) -> str:
        return postgres_types(statement)

    def _serialize(self, db: _Tx, table: str) -> None:
        # An advisory lock per schema and table, released at commit/rollback; taken before the MAX() is
        # read, which at READ COMMITTED then sees the numbers of every holder before. Not LOCK TABLE ... IN
        # SHARE ROW EXCLUSIVE MODE: that conflicts with VACUUM's SHARE UPDATE EXCLUSIVE, so every
        # completion (and the webhook answer waiting for it) would wait while the table is vacuumed.
        db.execute(
            "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(current_schema() || '.' || ?))",
            (_NUMBERING_LOCK_CLASS, table),
        )

    def _guard_migrations(self, db: _Tx) -> None:
        db.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")  # released at commit/rollback
        if self.schema is not None:
            db.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')

    def _reconnect(self, exc: Exception) -> bool:
        if self._closed or not self._conn.closed:
            return False  # closed on purpose, or the connection is fine and the statement was not
        self._conn = self._connect()
        return True

    def _message(self, exc: Exception) -> str:
        text = str(exc)
        for password in self._passwords:
            text = text.replace(password, "***")
        return text

    def _close_connection(self) -> None:
        self._closed = True
        self._conn.close()

    def _describe(self) -> str:
        return f"{self.url!r}" + (f", schema={self.schema!r}" if self.schema is not None else "")

    def _vacuum(self) -> None:
        # The connection is in autocommit mode and no transaction is open between the store's own: VACUUM
        # cannot run inside one.
        self._execute_raw(f"VACUUM (ANALYZE) {', '.join(_PRUNED_TABLES)}", ())

    def _stored_bytes(self) -> int | None:
        # Not measured: a plain VACUUM turns dead rows into free space inside the tables, which the sizes
        # of their files do not show; the files may even grow by their free-space and visibility maps.
        return None


def open_store(target: str | Path, *, clock: Callable[[], float] = time.time) -> SyncStore:
    """Open the store ``target`` names: a ``postgresql://`` (or ``postgres://``) URL, else a SQLite file.

    Examples
    --------
    >>> store = open_store(":memory:")
    >>> store
    SqliteStore(':memory:')
    >>> store.close()
    >>> # open_store("postgresql://sync@127.0.0.1:5432/identity")  -> PostgresStore
    """
    if is_postgres_url(target):
        return PostgresStore(str(target), clock=clock)
    return SqliteStore(target, clock=clock)
