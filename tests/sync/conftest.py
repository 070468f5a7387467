"""Fixtures for the sync tests: the adapters' loopback fakes (SAP with partner creation), a service."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from identity.adapters import SapB1Client, ShopifyClient, Timeouts, webhook_hmac
from identity.sync import SqliteStore, SyncService, SyncStore
from tests.adapters.conftest import _loopback_only, sap_settings, serve, shopify_settings
from tests.adapters.fakes.sap_b1 import SPECIALS, WritableSapFake, generate_partners
from tests.adapters.fakes.shopify import ShopifyFake, load_schema

__all__ = ["_loopback_only"]  # the adapters' autouse guard: no host but 127.0.0.1

SECRET = "whsec-sync-tests"
PATIENT_TIMEOUTS = Timeouts(connect=5.0, read=5.0, write=5.0, pool=5.0)


def small_partners() -> list[dict[str, Any]]:
    """200 generated partners plus the adapters' special cases (fast filters, same shapes)."""
    return generate_partners(200) + [dict(p) for p in SPECIALS]


def webhook(
    topic: str, payload: dict[str, Any], webhook_id: str, *, secret: str = SECRET
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a signed Shopify webhook delivery."""
    body = json.dumps(payload).encode()
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": webhook_hmac(body, secret),
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Shop-Domain": "fake.myshopify.com",
    }
    return headers, body


def customer_payload(n: int, email: str | None = None, **extra: Any) -> dict[str, Any]:
    """A REST-shaped Shopify customer payload with id ``7000000000 + n``."""
    return {"id": 7_000_000_000 + n, "email": email or f"new.customer{n}@example.org",
            "first_name": "New", "last_name": f"Customer{n}", "phone": None, **extra}


class Clock:
    """A settable wall clock."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0  # in the past, so a real clock finds its items due

    def __call__(self) -> float:
        return self.now


class Env:
    """A running pair of fakes and a factory for services over one store.

    The store is the SQLite file ``db`` unless a test replaces ``open_store`` (the ``env_database``
    fixture of ``tests/sync/_stores.py`` points it at a Postgres schema).
    """

    def __init__(self, sap: WritableSapFake, sap_url: str, shop: ShopifyFake, shop_url: str, db: Path) -> None:
        self.sap, self.sap_url, self.shop, self.shop_url, self.db = sap, sap_url, shop, shop_url, db
        self.clock = Clock()
        self._open: list[Callable[[], None]] = []
        self.open_store: Callable[[], SyncStore] = lambda: SqliteStore(self.db, clock=self.clock)

    def service(self, **kwargs: Any) -> SyncService:
        # Generous timeouts: a loaded CI machine may stall a request for a moment, and with one attempt
        # that would queue the event. Tests about timeouts pass sap={"timeouts": FAST_TIMEOUTS}.
        sap_overrides: dict[str, Any] = {"retry_attempts": 1, "breaker_threshold": 3, "breaker_cooldown": 0.2,
                                         "timeouts": PATIENT_TIMEOUTS}
        sap_overrides.update(kwargs.pop("sap", {}))
        store = self.open_store()
        erp = SapB1Client(sap_settings(self.sap_url, **sap_overrides))
        shop = ShopifyClient(shopify_settings(self.shop_url, retry_attempts=1, breaker_threshold=3,
                                              breaker_cooldown=0.2, timeouts=PATIENT_TIMEOUTS))
        self._open += [store.close, shop.close, erp.close]
        options: dict[str, Any] = {"webhook_secrets": [SECRET], "clock": self.clock, "backoff_base": 0.0}
        options.update(kwargs)
        return SyncService(store, shop, erp, **options)

    def close(self) -> None:
        for close in reversed(self._open):
            close()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    if load_schema() is None:
        pytest.skip("../shared/reference/shopify/admin-2025-10.graphql is absent: the Shopify fake cannot run")
    sap = WritableSapFake(partners=small_partners())
    shop = ShopifyFake()
    with serve(sap) as sap_url, serve(shop) as shop_url:
        e = Env(sap, sap_url, shop, shop_url, tmp_path / "sync.db")
        try:
            yield e
        finally:
            e.close()
