"""Fixtures: loopback servers for the SAP B1 and Shopify fakes, settings pointing at them."""

from __future__ import annotations

import contextlib
import io
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.handlers import BaseHandler, format_date_time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server, software_version

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
    """One thread per connection; remembers open connections so that stopping the server ends them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on every client still connected (their handler threads then end)."""
        with self.connections_lock:
            open_now = list(self.connections)
        for conn in open_now:
            with contextlib.suppress(OSError):  # already gone
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is part of the tests


class _KeepAliveHandler(WSGIRequestHandler):
    """Runs the WSGI app for each request on a persistent HTTP/1.1 connection.

    The standard library's handler serves one request per connection (HTTP/1.0), so every request of a
    client costs a TCP handshake and a new server thread, and it writes each header line with its own
    ``send``. This one keeps the connection open (as the real Service Layer and Shopify do), reads the
    request body before calling the app (so a body the app leaves unread cannot spoil the next request)
    and sends each response in one write. What the app answers is sent as the standard handler sends it:
    status, ``Date``, ``Server``, the app's headers (``Content-Length`` added when missing), the body; an
    app that raises answers wsgiref's 500.
    """

    protocol_version = "HTTP/1.1"
    wbufsize = -1  # buffered: handle_one_request flushes once per response
    disable_nagle_algorithm = True  # as the client does: a response never waits for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        BaseHTTPRequestHandler.handle(self)  # loop over requests until the client closes

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = self.command = ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._run_app()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True

    def _run_app(self) -> None:
        environ: dict[str, Any] = dict(BaseHandler.os_environ)  # what wsgiref's handler starts from
        environ.update(self.get_environ())
        if self.headers.get("Transfer-Encoding"):  # not read here: hand the stream over, then hang up
            body: Any = self.rfile
            self.close_connection = True
        else:
            body = io.BytesIO(self.rfile.read(int(environ.get("CONTENT_LENGTH") or 0)))
        environ.update({
            "wsgi.input": body, "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.run_once": False,
            "wsgi.url_scheme": "http", "wsgi.multithread": True, "wsgi.multiprocess": False,
        })
        reply: list[Any] = []  # [status, headers]
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            reply[:] = [status, list(headers)]
            return chunks.append

        try:
            result = self.server.get_app()(environ, start_response)  # type: ignore[attr-defined]
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            if not reply:
                raise AssertionError("the app returned without calling start_response")
        except Exception:
            traceback.print_exc(file=sys.stderr)
            reply = [BaseHandler.error_status, list(BaseHandler.error_headers)]
            chunks = [BaseHandler.error_body]
            self.close_connection = True
        status, headers = reply
        payload = b"".join(chunks)
        names = {name.lower() for name, _ in headers}
        if "content-length" not in names:
            headers.append(("Content-Length", str(len(payload))))
        head = [f"HTTP/1.1 {status}"]
        if "date" not in names:
            head.append(f"Date: {format_date_time(time.time())}")
        if "server" not in names:
            head.append(f"Server: {software_version}")
        head += [f"{name}: {value}" for name, value in headers]
        if self.close_connection and "connection" not in names:
            head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("iso-8859-1")
        self.wfile.write(data if self.command == "HEAD" else data + payload)


@contextlib.contextmanager
def serve(app: Callable[..., Any]) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 on an ephemeral port in a thread; yield its base URL.

    Connections are persistent (HTTP/1.1 keep-alive); leaving the block stops the server and hangs up on
    every client still connected.
    """
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_KeepAliveHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        server.close_connections()
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
