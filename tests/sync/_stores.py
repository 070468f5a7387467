"""Sync stores for the tests, on SQLite or on the PostgreSQL server named by ``IDENTITY_TEST_POSTGRES_URL``.

``bash .ci/run`` starts a throwaway server on 127.0.0.1 and sets the variable. Without it, without
psycopg, or with a server that does not answer, the Postgres cases skip and say why. Each test gets a
fresh database: a new SQLite file, or a new Postgres schema that is dropped afterwards.

Fixtures (import them into a test module to use them):

``database``
    A :class:`Database`, once per kind (``sqlite``, ``postgres``).
``env_database``
    The same, and ``env.service()`` (``tests/sync/conftest.py``) opens its store there.
"""

from __future__ import annotations

import functools
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from identity._privacy import mask_url, url_passwords
from identity.sync import PostgresStore, SqliteStore, SyncStore
from tests.sync.conftest import Env

POSTGRES_URL_ENV = "IDENTITY_TEST_POSTGRES_URL"


@functools.cache
def _postgres_unavailable(url: str) -> str | None:
    """Why the server at ``url`` cannot be used for the tests, or None when it can (asked once a run)."""
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        return f"{POSTGRES_URL_ENV} must name host 127.0.0.1 (the tests reach no other host), not {host!r}"
    try:
        import psycopg
    except ImportError:
        return 'psycopg is not installed: pip install ".[test]"'
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        message = str(exc)
        for password in url_passwords(url):
            message = message.replace(password, "***")
        return f"{POSTGRES_URL_ENV}={mask_url(url)} does not answer: {message}"
    return None


def postgres_url() -> str:
    """The test server's URL; skips the test when there is none that can be used."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_URL_ENV} not set: no PostgreSQL server to test against (bash .ci/run starts one)")
    reason = _postgres_unavailable(url)
    if reason is not None:
        pytest.skip(reason)
    return url


class Database:
    """One fresh database of one kind; :meth:`open` opens a store on it over a new connection each time,
    as another process would. :meth:`close` closes them all and drops the Postgres schema."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.path = tmp_path / "sync.db"  # the file env.service() uses too
        self.url = postgres_url() if kind == "postgres" else ""
        self.schema = f"identity_test_{uuid.uuid4().hex[:16]}"
        self._opened: list[SyncStore] = []

    def open(self, *, clock: Callable[[], float] = time.time) -> SyncStore:
        """A new store (a new connection) on this database."""
        store: SyncStore
        if self.kind == "postgres":
            store = PostgresStore(self.url, schema=self.schema, clock=clock)
        else:
            store = SqliteStore(self.path, clock=clock)
        self._opened.append(store)
        return store

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement over a connection of its own (not a store's), in the store's schema."""
        if self.kind == "sqlite":
            import sqlite3

            with sqlite3.connect(self.path) as db:
                return db.execute(statement).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        for store in self._opened:
            store.close()
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


#: Every table of the store.
TABLES = ("events", "outbox", "links", "draft_orders", "own_writes", "schema_migrations", "unverified_webhooks")


def row_counts(store: SyncStore, *, tally: bool = True) -> dict[str, int]:
    """How many rows each table of ``store`` holds (without ``unverified_webhooks`` unless ``tally``)."""
    tables = TABLES if tally else tuple(t for t in TABLES if t != "unverified_webhooks")
    return {table: int(store._query(f"SELECT COUNT(*) FROM {table}")[0][0]) for table in tables}


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    db = Database(request.param, tmp_path)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def env_database(database: Database, env: Env) -> Database:
    """``database``, and ``env.service()`` opens its store there (``Env.open_store``).

    For SQLite ``database.path`` is ``env.db`` already, the file ``env.service()`` opens by default.
    """
    if database.kind == "postgres":
        env.open_store = lambda: database.open(clock=env.clock)
    else:
        assert database.path == env.db
    return database
