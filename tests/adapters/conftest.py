"""Fixtures: loopback servers for the SAP B1 and Shopify fakes, settings pointing at them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from identity.adapters import SapB1Settings, ShopifySettings, Timeouts

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SHOPIFY_SCHEMA = REFERENCE / "shopify" / "admin-2025-10.graphql"
RECORDED = REFERENCE / "shopify" / "recorded"
SAP_OPENAPI = REFERENCE / "sap-b1" / "businesspartners.openapi.json"

needs_shopify_schema = pytest.mark.skipif(
    not SHOPIFY_SCHEMA.exists(),
    reason="../shared/reference/shopify/admin-2025-10.graphql is absent: "
    "cannot validate GraphQL or run the Shopify fake",
)

FAST_TIMEOUTS = Timeouts(connect=1.0, read=0.5, write=1.0, pool=1.0)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is part of the tests


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(app: Callable[..., Any]) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 on an ephemeral port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection to a host other than 127.0.0.1 during the adapter tests."""
    real = socket.create_connection

    def guarded(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if address[0] not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"test tried to reach {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    real_getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", None):
            raise AssertionError(f"test tried to resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture
def sleeps() -> list[float]:
    """Collects the waits the clients asked for instead of sleeping them."""
    return []


@pytest.fixture
def record_sleep(sleeps: list[float]) -> Callable[[float], None]:
    return sleeps.append


def sap_settings(base: str, version: str = "v1", **overrides: Any) -> SapB1Settings:
    values: dict[str, Any] = {
        "base_url": f"{base}/b1s/{version}",
        "company_db": "SBODEMOUS",
        "username": "manager",
        "password": "s3cret-Pa55",
        "timeouts": FAST_TIMEOUTS,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
    }
    values.update(overrides)
    return SapB1Settings(**values)


def shopify_settings(base: str, **overrides: Any) -> ShopifySettings:
    from tests.adapters.fakes.shopify import TOKEN

    values: dict[str, Any] = {
        "shop": "fake.myshopify.com",
        "access_token": TOKEN,
        "base_url": base,
        "timeouts": FAST_TIMEOUTS,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "bulk_poll_interval": 0.01,
    }
    values.update(overrides)
    return ShopifySettings(**values)
