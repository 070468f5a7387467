"""The ``identity-sync`` command: ``status``, ``replay``, ``reconcile`` and ``prune`` against a config file.

Exit codes: 0 success, 1 work left (``replay`` with items still queued), 2 bad config or options (such as
``prune --days`` below 3) or a failure of the store or a remote system (one line on stderr). Output is
JSON on stdout (``status --prometheus`` prints the Prometheus text format instead); ``prune`` prints
only counts of deleted rows (and, with ``--vacuum``, the bytes the database shrank by), never personal data,
and prints them also when the vacuum after the deletes fails (exit 2, the error on stderr).

The config file is TOML; credentials are never in it, only the names of environment variables::

    [store]
    path = "/var/lib/identity/sync.db"   # a SQLite file; or, instead of path, a PostgreSQL database:
    # url = "postgresql://sync@db.internal:5432/identity"

    [shopify]
    shop = "my-store.myshopify.com"
    access_token_env = "SHOPIFY_ACCESS_TOKEN"

    [sap_b1]
    base_url = "https://erp.example.com:50000/b1s/v1"
    company_db = "SBODEMOUS"
    username = "manager"
    password_env = "SAP_B1_PASSWORD"

    [webhooks]
    secrets_env = ["SHOPIFY_WEBHOOK_SECRET", "SHOPIFY_WEBHOOK_SECRET_PREVIOUS"]

    [sync]
    max_attempts = 8
    push_contact_updates = true
    claim_seconds = 120     # how long a dead process's claim on an outbox item holds

Other keys of ``[shopify]`` and ``[sap_b1]`` go to :class:`~identity.adapters.ShopifySettings` and
:class:`~identity.adapters.SapB1Settings` as they are (``api_version``, ``base_url``, ``timeouts`` ...).

``[store] url`` is a libpq URL (``postgresql://`` or ``postgres://``; parameters such as ``sslmode=require``
or ``options=-csearch_path%3Dsync`` may follow ``?``). It must not hold a password: libpq reads it from the
environment (``PGPASSWORD``) or from ``~/.pgpass`` by itself. The Postgres store needs the ``postgres``
extra: ``pip install "identity-resolution[postgres]"``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from identity._exceptions import AdapterError, ConfigurationError, SyncError
from identity._privacy import url_passwords
from identity.adapters import SapB1Client, SapB1Settings, ShopifyClient, ShopifySettings, env_secret
from identity.sync.service import SyncService
from identity.sync.store import is_postgres_url, open_store

__all__ = ["SYNC_OPTIONS", "load_config", "main"]

#: Keys allowed in the ``[sync]`` table (keyword arguments of :class:`~identity.sync.SyncService`).
SYNC_OPTIONS = frozenset(
    {"max_attempts", "backoff_base", "backoff_max", "max_body_bytes", "push_contact_updates", "claim_seconds"}
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="identity-sync",
        description="Operate the SAP Business One <-> Shopify sync: inspect it, replay its outbox, reconcile,"
        " prune old events.",
    )
    p.add_argument("--config", required=True, metavar="FILE", help="TOML config file (see docs/sync.md)")
    sub = p.add_subparsers(dest="command", required=True)
    status = sub.add_parser(
        "status",
        help="outcome counts, unverified webhooks (bad HMAC, too large: not stored), queue depth, circuit"
        " states, this process's counters (JSON)",
    )
    status.add_argument("--prometheus", action="store_true", help="print Prometheus text format instead")
    replay = sub.add_parser("replay", help="run every due outbox item, in order per customer")
    replay.add_argument("--limit", type=int, default=None, help="attempt at most this many items")
    rec = sub.add_parser("reconcile", help="compare all ERP and Shopify customers; report and repair drift")
    rec.add_argument("--run-id", default=None, help="idempotency key of this run (default: the UTC time)")
    rec.add_argument("--report-only", action="store_true", help="report drift without repairing it")
    prune = sub.add_parser("prune", help="delete finished events and superseded own-write notes older than N days")
    prune.add_argument("--days", type=float, default=30.0, metavar="N",
                       help="keep this many days (default 30, at least 3: Shopify redelivers for 48 hours)")
    prune.add_argument("--include-dead", action="store_true",
                       help="delete old dead-lettered events too (kept by default: someone must look at them)")
    prune.add_argument("--vacuum", action="store_true",
                       help="then give the space back: VACUUM the SQLite file (holds the write lock while it"
                       " rewrites the file; needs free disk up to twice its size) or the store's tables on"
                       " Postgres (frees dead rows for reuse, seldom shrinks); prints reclaimed_bytes")
    return p


def _table(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    table = config.get(name)
    if not isinstance(table, Mapping):
        raise ConfigurationError(f"config: missing table [{name}]")
    return dict(table)


def load_config(
    path: str | Path, environ: Mapping[str, str] | None = None
) -> tuple[str, ShopifySettings, SapB1Settings, list[SecretStr], dict[str, Any]]:
    """Read a config file: ``(store, Shopify settings, SAP settings, webhook secrets, sync options)``.

    ``store`` is the SQLite path or the PostgreSQL URL of ``[store]``, for :func:`~identity.sync.open_store`.

    Examples
    --------
    >>> # store, shop, erp, secrets, options = load_config("sync.toml")
    """
    env = os.environ if environ is None else environ
    try:
        config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"config: cannot read {path}: {exc}") from None
    store = _store_target(_table(config, "store"))
    shop = _table(config, "shopify")
    sap = _table(config, "sap_b1")
    try:
        shop["access_token"] = env_secret(str(shop.pop("access_token_env")), env)
        sap["password"] = env_secret(str(sap.pop("password_env")), env)
    except KeyError as exc:
        raise ConfigurationError(f"config: missing {exc.args[0]}") from None
    names = _table(config, "webhooks").get("secrets_env") or []
    names = [names] if isinstance(names, str) else list(names)
    secrets = [SecretStr(env[n]) for n in names if env.get(n)]
    if not secrets:
        raise ConfigurationError("config: [webhooks] secrets_env names no environment variable that is set")
    try:
        shop_settings = ShopifySettings(**shop)
        sap_settings = SapB1Settings(**sap)
    except ValueError as exc:
        raise ConfigurationError(f"config: invalid adapter settings: {exc}") from None
    options = dict(config.get("sync") or {})
    unknown = sorted(set(options) - SYNC_OPTIONS)
    if unknown:
        raise ConfigurationError(f"config: unknown [sync] options: {', '.join(unknown)}")
    if not isinstance(options.get("push_contact_updates", True), bool):
        raise ConfigurationError("config: [sync] push_contact_updates must be true or false")
    claim = options.get("claim_seconds", 120.0)
    if isinstance(claim, bool) or not isinstance(claim, int | float) or claim <= 0:
        raise ConfigurationError("config: [sync] claim_seconds must be a positive number of seconds")
    return store, shop_settings, sap_settings, secrets, options


def _store_target(table: Mapping[str, Any]) -> str:
    """The ``path`` or the ``url`` of the ``[store]`` table (exactly one), checked."""
    given = {key: table[key] for key in ("path", "url") if key in table}
    if len(given) != 1 or not all(isinstance(v, str) and v for v in given.values()):
        raise ConfigurationError("config: [store] needs either path (a SQLite file) or url (postgresql://...)")
    url = given.get("url")
    if url is None:
        return str(given["path"])
    if not is_postgres_url(url):
        raise ConfigurationError("config: [store] url must start with postgresql:// or postgres://")
    if url_passwords(url):
        raise ConfigurationError(
            "config: [store] url must not hold a password; set PGPASSWORD in the environment (or use ~/.pgpass)"
        )
    return str(url)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``identity-sync``; returns the exit code.

    Examples
    --------
    >>> # main(["--config", "sync.toml", "status"])
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        store_target, shop_settings, sap_settings, secrets, options = load_config(args.config)
        with (
            open_store(store_target) as store,
            ShopifyClient(shop_settings) as shop,
            SapB1Client(sap_settings) as erp,
        ):
            service = SyncService(store, shop, erp, webhook_secrets=secrets, **options)
            if args.command == "status":
                if args.prometheus:
                    out.write(service.prometheus())
                else:
                    out.write(json.dumps(service.status(), indent=2, sort_keys=True, default=str) + "\n")
                return 0
            if args.command == "replay":
                report = service.replay(limit=args.limit)
                out.write(json.dumps(asdict(report), sort_keys=True) + "\n")
                return 1 if report.remaining else 0
            if args.command == "prune":
                pruned = service.prune(args.days, include_dead=args.include_dead)
                try:
                    if args.vacuum:
                        pruned = replace(pruned, reclaimed_bytes=store.vacuum())
                finally:  # the deletes are committed: print them even when the vacuum fails (exit 2)
                    out.write(json.dumps(asdict(pruned), sort_keys=True) + "\n")
                return 0
            rec = service.reconcile(run_id=args.run_id, repair=not args.report_only)
            data = asdict(rec) | {"drift": rec.drift}
            out.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
            return 0
    except (ConfigurationError, SyncError, AdapterError) as exc:
        err.write(f"identity-sync: {exc}\n")
        return 2
