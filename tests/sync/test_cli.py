"""The identity-sync command against the loopback fakes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from identity.sync import Outcome, SqliteStore
from identity.sync._cli import load_config, main
from tests.adapters.fakes.shopify import TOKEN
from tests.sync._stores import Database, postgres_url
from tests.sync.conftest import SECRET, Env, customer_payload, webhook


def write_config(env: Env, tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "sync.toml"
    path.write_text(
        f"""
[store]
path = "{env.db}"

[shopify]
shop = "fake.myshopify.com"
base_url = "{env.shop_url}"
access_token_env = "TEST_SHOPIFY_TOKEN"
retry_attempts = 1

[sap_b1]
base_url = "{env.sap_url}/b1s/v1"
company_db = "SBODEMOUS"
username = "manager"
password_env = "TEST_SAP_PASSWORD"
retry_attempts = 1

[webhooks]
secrets_env = ["TEST_WEBHOOK_SECRET"]

[sync]
max_attempts = 5
backoff_base = 0.0
{extra}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SHOPIFY_TOKEN", TOKEN)
    monkeypatch.setenv("TEST_SAP_PASSWORD", "s3cret-Pa55")
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_status_replay_and_reconcile(env: Env, tmp_path: Path) -> None:
    config = write_config(env, tmp_path)
    service = env.service()
    env.sap.down = True
    queued = service.handle_webhook(*webhook("customers/create", customer_payload(1), "w-cli"))
    assert queued.outcome is Outcome.QUEUED
    service.store.close()

    code, out, _ = run("--config", str(config), "status")
    assert code == 0 and json.loads(out)["queue_depth"] == 1 and json.loads(out)["events"] == {"queued": 1}
    code, out, _ = run("--config", str(config), "status", "--prometheus")
    assert code == 0 and "identity_sync_queue_depth 1" in out

    code, out, _ = run("--config", str(config), "replay")  # ERP still down: work left
    assert code == 1 and json.loads(out)["remaining"] == 1
    env.sap.down = False
    code, out, _ = run("--config", str(config), "replay")
    assert code == 0 and json.loads(out) == {
        "attempted": 1, "completed": 1, "deferred": 0, "dead_lettered": 0, "remaining": 0}

    env.shop.add_customer(first_name="Z", last_name="Shop", email="z.shop@example.org")
    code, out, _ = run("--config", str(config), "reconcile", "--run-id", "r1")
    report = json.loads(out)
    assert code == 0 and len(report["unlinked"]) == 1 and report["replay"]["completed"] == 1


def test_status_shows_unverified_webhooks_counted_by_the_serving_process(env: Env, tmp_path: Path) -> None:
    """The webhooks are answered by another process than ``identity-sync status``: the tally it shows is
    the store's, while its own ``metrics`` (a process that answered nothing) stay at zero."""
    config = write_config(env, tmp_path)
    service = env.service()
    for n in range(3):  # what a wrong webhook secret looks like: every real delivery fails the HMAC
        service.handle_webhook(*webhook("customers/create", customer_payload(n), f"w-{n}", secret="old-secret"))
    service.flush()  # as the serving process does when it shuts down
    service.store.close()

    code, out, _ = run("--config", str(config), "status")
    status = json.loads(out)
    assert code == 0 and status["events"] == {}
    assert status["unverified_webhooks"] == {"bad_hmac": {"deliveries": 3, "first_at": env.clock.now,
                                                          "last_at": env.clock.now}}
    assert status["metrics"]["unverified_webhooks"] == {"bad_hmac": 0, "too_large": 0}
    assert "rejected" not in status["metrics"]["outcomes"]


def test_prune_prints_counts_and_refuses_fewer_than_three_days(env: Env, tmp_path: Path) -> None:
    config = write_config(env, tmp_path)
    service = env.service()
    assert service.handle_webhook(*webhook("customers/create", customer_payload(1), "w-old")).outcome is Outcome.CREATED
    with service.store._tx() as db:  # a dead letter, as old as the rest
        db.execute("INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail, customer_key,"
                   " created_at, updated_at) VALUES ('w-dead', 'webhook', NULL, 'h', 'dead_lettered', 'gave up',"
                   " '{}', NULL, 1000, 1000)")
    service.store.close()  # the CLI reads the real clock: everything above is from 2023

    code, out, err = run("--config", str(config), "prune")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"events": 1, "outbox": 1, "own_writes": 0, "reclaimed_bytes": None}
    assert "@" not in out and "Customer" not in out  # counts only
    code, out, _ = run("--config", str(config), "prune", "--days", "3", "--include-dead", "--vacuum")
    report = json.loads(out)
    assert code == 0 and report.pop("reclaimed_bytes") >= 0 and report == {"events": 1, "outbox": 0, "own_writes": 0}
    code, out, err = run("--config", str(config), "prune", "--days", "2")
    assert code == 2 and out == "" and "keep at least 3 days" in err
    with SqliteStore(env.db) as store:
        assert store.events() == [] and store.links() != {}  # links are never pruned


def test_prune_vacuum_shrinks_the_sqlite_file(env: Env, tmp_path: Path) -> None:
    config = write_config(env, tmp_path)
    with SqliteStore(env.db) as store, store._tx() as db:  # events from 1970: old for the CLI's real clock
        for i in range(2_000):
            db.execute("INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail,"
                       " created_at, updated_at) VALUES (?, 'webhook', NULL, 'h', 'linked', 'ok', ?, 1000, 1000)",
                       (f"w-{i}", f'{{"note": "{"x" * 1000}"}}'))

    def size() -> int:
        return sum(p.stat().st_size for p in (env.db, Path(f"{env.db}-wal")) if p.exists())

    before = size()
    code, out, err = run("--config", str(config), "prune", "--vacuum")
    report = json.loads(out)
    assert (code, err) == (0, "") and report["events"] == 2_000
    assert report["reclaimed_bytes"] > 2_000 * 1_000
    assert size() < before / 10


def test_prune_vacuum_that_fails_still_prints_what_was_deleted(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deletes are committed before the vacuum runs: when the vacuum fails (exit 2), the counts of the
    rows deleted must not be lost with it (the CLI configures no logging, so the sync.prune line goes nowhere)."""
    import sqlite3

    config = write_config(env, tmp_path)
    with SqliteStore(env.db) as store, store._tx() as db:  # events from 1970: old for the CLI's real clock
        for i in range(20):
            db.execute("INSERT INTO events (key, kind, topic, payload_hash, outcome, reason, detail,"
                       " created_at, updated_at) VALUES (?, 'webhook', NULL, 'h', 'linked', 'ok', '{}', 1000, 1000)",
                       (f"w-{i}",))

    def locked(self: SqliteStore) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(SqliteStore, "_vacuum", locked)
    code, out, err = run("--config", str(config), "prune", "--vacuum")
    assert code == 2 and "vacuum failed: database is locked" in err
    assert json.loads(out) == {"events": 20, "outbox": 0, "own_writes": 0, "reclaimed_bytes": None}


def test_bad_config_is_exit_code_2(env: Env, tmp_path: Path) -> None:
    config = write_config(env, tmp_path, extra="nonsense = 1")
    code, _, err = run("--config", str(config), "status")
    assert code == 2 and "unknown [sync] options: nonsense" in err
    code, _, err = run("--config", str(tmp_path / "absent.toml"), "status")
    assert code == 2 and "cannot read" in err


def test_replay_honours_push_contact_updates_from_the_config(env: Env, tmp_path: Path) -> None:
    service = env.service()
    email = next(p for p in env.sap.partners if p["CardCode"] == "C90001")["EmailAddress"]
    payload = customer_payload(2, email=email)
    assert service.handle_webhook(*webhook("customers/create", payload, "w-c")).outcome is Outcome.LINKED
    env.sap.down = True
    update = {**payload, "phone": "+14155550123"}
    assert service.handle_webhook(*webhook("customers/update", update, "w-u")).outcome is Outcome.QUEUED
    service.store.close()
    env.sap.down = False
    code, _, _ = run("--config", str(write_config(env, tmp_path, "push_contact_updates = false")), "replay")
    assert code == 0 and not [r for r in env.sap.requests if r[0] == "PATCH"]
    with SqliteStore(env.db) as store:
        event = store.get_event("webhook:w-u")
        assert event is not None and (event.outcome, event.reason) == (Outcome.LINKED, "already linked")
    code, _, err = run("--config", str(write_config(env, tmp_path, 'push_contact_updates = "no"')), "status")
    assert code == 2 and "push_contact_updates must be true or false" in err
    code, _, err = run("--config", str(write_config(env, tmp_path, "claim_seconds = 0")), "status")
    assert code == 2 and "claim_seconds must be a positive number" in err
    code, _, _ = run("--config", str(write_config(env, tmp_path, "claim_seconds = 30")), "status")
    assert code == 0


def with_store(config: Path, store: str) -> Path:
    """``config`` with its ``[store]`` table's body replaced by ``store``."""
    text = config.read_text(encoding="utf-8")
    start = text.index("[store]\n") + len("[store]\n")
    config.write_text(text[:start] + store + "\n" + text[text.index("\n", start) + 1 :], encoding="utf-8")
    return config


@pytest.mark.parametrize(
    ("store", "error"),
    [
        ('url = "postgresql://sync@127.0.0.1:5432/identity?sslmode=disable"', None),
        ('path = "a.db"\nurl = "postgresql://sync@127.0.0.1/identity"', "needs either path"),
        ("", "needs either path"),
        ('url = "mysql://sync@127.0.0.1/identity"', "must start with postgresql://"),
        ('url = "postgresql://sync:hunter2@127.0.0.1/identity"', "must not hold a password; set PGPASSWORD"),
        ('url = "postgres://sync@127.0.0.1/identity?password=hunter2"', "must not hold a password"),
    ],
)
def test_store_is_a_path_or_a_postgres_url_without_password(
    env: Env, tmp_path: Path, store: str, error: str | None
) -> None:
    config = with_store(write_config(env, tmp_path), store)
    if error is None:
        assert load_config(config)[0] == "postgresql://sync@127.0.0.1:5432/identity?sslmode=disable"
        return
    code, _, err = run("--config", str(config), "status")
    assert code == 2 and error in err and "hunter2" not in err


def test_status_of_a_postgres_store_password_from_pgpassword(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import urlsplit, urlunsplit

    url = postgres_url()
    database = Database("postgres", tmp_path)
    try:
        with database.open() as store:  # creates the schema; the config names it in the URL
            store.record_event("w1", kind="webhook", topic=None, payload_hash="h", outcome=Outcome.LINKED,
                               reason="ok")
        parts = urlsplit(url)
        if parts.password is not None:
            monkeypatch.setenv("PGPASSWORD", parts.password)
        netloc = parts.netloc.rpartition("@")[2]
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        query = "&".join(q for q in [parts.query, f"options=-csearch_path%3D{database.schema}"] if q)
        plain = urlunsplit(parts._replace(netloc=netloc, query=query))
        config = with_store(write_config(env, tmp_path), f'url = "{plain}"')
        code, out, err = run("--config", str(config), "status")
        assert code == 0, err
        assert json.loads(out)["events"] == {"linked": 1}
    finally:
        database.close()


def test_every_command_and_option_is_documented() -> None:
    import argparse

    from identity.sync._cli import _parser

    text = (Path(__file__).resolve().parents[2] / "docs" / "sync.md").read_text(encoding="utf-8")
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"status", "replay", "reconcile", "prune"}
    for name, parser in sub.choices.items():
        assert f"identity-sync --config sync.toml {name}" in text, name
        for action in parser._actions:
            for option in action.option_strings:
                assert option in ("-h", "--help") or option in text, (name, option)
