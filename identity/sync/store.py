"""The durable store of the sync service: events, the outbox, links, draft-order keys, our own writes.

SQLite by default: one file, WAL journal, every write in one ``BEGIN IMMEDIATE`` transaction. The schema
is created and migrated by :meth:`SqliteStore.migrate` (called by the constructor): a ``schema_migrations``
table records each applied version, and each migration runs in its own transaction.

Idempotency lives here, not in the service: ``events.key`` is the primary key (a Shopify webhook id or
a voice order's idempotency key). Recording an event whose key exists returns the stored event when the
payload hash matches, and raises :class:`~identity.IdempotencyConflict` when it does not.

Durability: with ``synchronous=NORMAL`` in WAL mode a committed transaction survives the process being
killed (SIGKILL); it may be lost only if the operating system itself crashes. Pass ``synchronous="FULL"``
to survive that too.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from identity._exceptions import IdempotencyConflict, StoreError

__all__ = ["EventRecord", "OutboxItem", "Outcome", "SqliteStore"]


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


# Each entry is one schema version, applied in order inside a transaction.
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
)

NewItem = tuple[str, str, dict[str, Any]]  # (customer_key, action, payload)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class SqliteStore:
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

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
    ) -> None:
        self.path = str(path)
        self._clock = clock
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={synchronous}")
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the sync store: {exc}") from exc
        self.migrate()

    # plumbing ------------------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"sync store: cannot begin a transaction: {exc}") from exc
            try:
                yield self._db
            except sqlite3.Error as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(f"sync store: transaction failed: {exc}") from exc
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"sync store: commit failed: {exc}") from exc

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"sync store: query failed: {exc}") from exc

    def migrate(self) -> int:
        """Create or upgrade the schema; return the schema version now in place.

        Examples
        --------
        >>> store = SqliteStore(":memory:"); store.migrate()
        1
        >>> store.close()
        """
        with self._tx() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)"
            )
        version = self.schema_version
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            try:
                with self._tx() as db:
                    for statement in statements:
                        db.execute(statement)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (number, self._clock()))
            except sqlite3.Error as exc:
                raise StoreError(f"sync store: migration {number} failed: {exc}") from exc
        return self.schema_version

    @property
    def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        rows = self._query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(rows[0][0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            row = db.execute("SELECT payload_hash FROM events WHERE key = ?", (key,)).fetchone()
            if row is not None:
                if row[0] != payload_hash:
                    raise IdempotencyConflict(
                        f"idempotency key {key!r} was already used with a different payload"
                    )
                is_new = False
            else:
                db.execute(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, kind, topic, payload_hash, outcome.value, reason, _dumps(detail or {}),
                     customer_key, now, now),
                )
                self._insert_items(db, key, outbox, now)
                is_new = True
        event = self.get_event(key)
        assert event is not None
        return event, is_new

    def _insert_items(self, db: sqlite3.Connection, event_key: str, items: Sequence[NewItem], now: float) -> None:
        for customer_key, action, payload in items:
            db.execute(
                "INSERT INTO outbox (event_key, customer_key, action, payload, next_attempt_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (event_key, customer_key, action, _dumps(payload), now, now),
            )

    def events(self) -> list[EventRecord]:
        """Every stored event, oldest first."""
        rows = self._query(f"SELECT {self._EVENT_COLUMNS} FROM events ORDER BY created_at, rowid")
        return [self._event(r) for r in rows]

    def outcome_counts(self) -> dict[str, int]:
        """How many events currently stand at each outcome."""
        rows = self._query("SELECT outcome, COUNT(*) FROM events GROUP BY outcome")
        return {str(o): int(n) for o, n in rows}

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
            seq = db.execute("SELECT COALESCE(MAX(done_seq), 0) + 1 FROM outbox").fetchone()[0]
            db.execute(
                "UPDATE outbox SET status = 'done', done_seq = ?, last_error = NULL WHERE id = ?",
                (seq, item.id),
            )
            if link is not None:
                db.execute("INSERT OR IGNORE INTO links VALUES (?, ?, ?)", (link[0], link[1], now))
            self._insert_items(db, item.event_key, follow_up, now)
            self._set_outcome(db, item.event_key, outcome, reason, detail, now)

    def defer_item(self, item: OutboxItem, *, error: str, next_attempt_at: float) -> None:
        """Count a failed attempt and schedule the next one; the event stays ``queued`` with the reason."""
        now = self._clock()
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
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
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
                (reason, item.id),
            )
            self._set_outcome(db, item.event_key, Outcome.DEAD_LETTERED, reason, None, now)

    @staticmethod
    def _set_outcome(
        db: sqlite3.Connection,
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
                "INSERT OR IGNORE INTO draft_orders VALUES (?, ?, ?)",
                (idempotency_key, draft_order_id, self._clock()),
            )

    def record_own_write(self, system: str, object_id: str, content_hash: str) -> None:
        """Remember that we wrote this content to this object (to recognise its webhook echo)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO own_writes VALUES (?, ?, ?, ?)",
                (system, object_id, content_hash, self._clock()),
            )

    def is_own_write(self, system: str, object_id: str, content_hash: str) -> bool:
        """Whether we wrote exactly this content to this object."""
        rows = self._query(
            "SELECT 1 FROM own_writes WHERE system = ? AND object_id = ? AND content_hash = ?",
            (system, object_id, content_hash),
        )
        return bool(rows)
