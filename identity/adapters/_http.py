"""Shared HTTP machinery for the adapters: timeouts, retries, a circuit breaker, secret providers.

Nothing here knows about SAP or Shopify. The adapters build :class:`httpx.Request` objects and parse
:class:`HttpResult` values with pure functions; this module only sends, retries and keeps score.

Retrying is explicit, in the manner of *stamina*: a :class:`RetryPolicy` has no default for ``on``, so every
adapter states which failures are worth another attempt. :func:`set_testing` turns waiting off for tests.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from identity._exceptions import (
    AdapterError,
    CircuitOpenError,
    ConfigurationError,
    RateLimitedError,
    TransportError,
)
from identity.adapters import _logmask

# httpx logs request URLs (a Service Layer $filter holds e-mails and phones) and httpcore response
# headers (the B1SESSION cookie): mask both wherever the adapters are used.
_logmask.install()

__all__ = [
    "CircuitBreaker",
    "HttpResult",
    "RetryPolicy",
    "SecretProvider",
    "SecretSource",
    "Timeouts",
    "backoff_delay",
    "env_secret",
    "is_testing",
    "resolve_secret",
    "retry_call",
    "retry_call_async",
    "send",
    "send_async",
    "set_testing",
]

T = TypeVar("T")

#: A callable that returns a secret when asked (a vault lookup, a keyring read, a rotated token).
SecretProvider = Callable[[], str]
#: Where a credential comes from: a :class:`~pydantic.SecretStr` or a :data:`SecretProvider`.
SecretSource = SecretStr | SecretProvider

_TESTING = False


def set_testing(testing: bool) -> None:
    """Turn back-off waiting off (``True``) or back on (``False``) for every :class:`RetryPolicy`.

    Retries still happen and are still counted; only the sleeping is skipped.

    Examples
    --------
    >>> set_testing(True); is_testing()
    True
    >>> set_testing(False)
    """
    global _TESTING
    _TESTING = testing


def is_testing() -> bool:
    """Whether :func:`set_testing` switched waiting off.

    Examples
    --------
    >>> is_testing()
    False
    """
    return _TESTING


def resolve_secret(source: SecretSource) -> str:
    """Return the plain value of a credential, calling the provider if it is one.

    The value is meant for a request body or header only: never log it, never put it in a message.

    Examples
    --------
    >>> resolve_secret(SecretStr("s3cret"))
    's3cret'
    >>> resolve_secret(lambda: "from-vault")
    'from-vault'
    """
    if isinstance(source, SecretStr):
        return source.get_secret_value()
    value = source()
    if not isinstance(value, str) or not value:
        raise ConfigurationError("the secret provider returned no value")
    return value


def env_secret(name: str, environ: Mapping[str, str] | None = None) -> SecretProvider:
    """A :data:`SecretProvider` that reads environment variable ``name`` each time it is called.

    Examples
    --------
    >>> provider = env_secret("MY_TOKEN", {"MY_TOKEN": "abc"})
    >>> provider()
    'abc'
    """
    env = os.environ if environ is None else environ

    def provider() -> str:
        value = env.get(name)
        if not value:
            raise ConfigurationError(f"environment variable {name} is not set")
        return value

    provider.__name__ = provider.__qualname__ = f"env_secret({name!r})"
    return provider


class Timeouts(BaseModel):
    """Timeouts in seconds for every request: connect, read, write and waiting for a pooled connection.

    Examples
    --------
    >>> Timeouts(read=30).as_httpx()
    Timeout(connect=5.0, read=30.0, write=10.0, pool=5.0)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    connect: float = Field(default=5.0, gt=0)
    read: float = Field(default=15.0, gt=0)
    write: float = Field(default=10.0, gt=0)
    pool: float = Field(default=5.0, gt=0)

    def as_httpx(self) -> httpx.Timeout:
        """The same timeouts as an :class:`httpx.Timeout`."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class HttpResult:
    """A fully read HTTP response: what the pure parsing functions of the adapters take.

    Examples
    --------
    >>> r = HttpResult(200, httpx.Headers({"content-type": "application/json"}), b'{"a": 1}', "http://x/")
    >>> r.ok, r.text
    (True, '{"a": 1}')
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")


def backoff_delay(attempt: int, *, base: float, maximum: float, rng: random.Random | None = None) -> float:
    """Exponential back-off with full jitter: a random wait in ``[0, min(maximum, base * 2**(attempt-1))]``.

    Parameters
    ----------
    attempt : int
        The attempt that just failed, counting from 1.
    base, maximum : float
        The first ceiling and the largest ceiling, in seconds.

    Examples
    --------
    >>> 0 <= backoff_delay(3, base=0.5, maximum=10) <= 2.0
    True
    """
    ceiling = min(maximum, base * (2 ** max(0, attempt - 1)))
    return (rng or random).uniform(0, ceiling)


RetryOn = type[Exception] | tuple[type[Exception], ...] | Callable[[Exception], bool]


@dataclass(frozen=True)
class RetryPolicy:
    """What to retry, how often and how long to wait in between.

    Parameters
    ----------
    on : exception type, tuple of types, or predicate
        What is retryable. There is no default: say it. A :class:`~identity.RateLimitedError` with a
        ``retry_after`` waits at least that long.
    attempts : int
        Total attempts including the first.
    base_delay, max_delay : float
        Back-off ceilings in seconds (full jitter, see :func:`backoff_delay`).
    max_retry_after : float
        The longest wait a server's ``Retry-After`` may impose; a longer one ends the retrying.
    sleep, async_sleep : callables
        Injectable for tests.

    Examples
    --------
    >>> policy = RetryPolicy(on=TransportError, attempts=3)
    >>> policy.delay_for(1, TransportError("reset")) is not None
    True
    >>> policy.delay_for(3, TransportError("reset")) is None  # budget spent
    True
    """

    on: RetryOn
    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def retryable(self, exc: Exception) -> bool:
        """Whether ``exc`` is worth another attempt under this policy."""
        if isinstance(self.on, type | tuple):
            return isinstance(exc, self.on)
        return bool(self.on(exc))

    def delay_for(self, attempt: int, exc: Exception) -> float | None:
        """Seconds to wait before the next attempt, or None when ``exc`` must be raised now."""
        if attempt >= self.attempts or not self.retryable(exc):
            return None
        delay = backoff_delay(attempt, base=self.base_delay, maximum=self.max_delay, rng=self.rng)
        if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
            if exc.retry_after > self.max_retry_after:
                return None
            delay = exc.retry_after + delay * 0.1
        return 0.0 if _TESTING else delay


class CircuitBreaker:
    """Counts consecutive failures of a remote system and holds it as down for a while.

    ``closed`` lets calls through; ``threshold`` consecutive failures open it for ``cooldown`` seconds,
    during which calls fail fast with :class:`~identity.CircuitOpenError`; then one probe call is let
    through (``half_open``): success closes the circuit, failure opens it again. Thread-safe.

    Examples
    --------
    >>> breaker = CircuitBreaker("sap_b1", threshold=2, cooldown=30)
    >>> breaker.record_failure(); breaker.record_failure()
    >>> breaker.is_down, breaker.state
    (True, 'open')
    """

    def __init__(
        self,
        system: str,
        *,
        threshold: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1 or cooldown < 0:
            raise ConfigurationError("circuit breaker needs threshold >= 1 and cooldown >= 0")
        self.system = system
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> Literal["closed", "open", "half_open"]:
        """``closed``, ``open`` (failing fast) or ``half_open`` (cool-down over, a probe may go)."""
        with self._lock:
            return self._state()

    def _state(self) -> Literal["closed", "open", "half_open"]:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown:
            return "half_open"
        return "open"

    @property
    def is_down(self) -> bool:
        """True while the circuit is open: the remote system is considered down."""
        return self.state == "open"

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        return self._failures

    def before_call(self) -> None:
        """Raise :class:`~identity.CircuitOpenError` unless a call may go out now."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return
            if state == "half_open" and not self._probing:
                self._probing = True
                return
        raise CircuitOpenError(
            f"{self.system} is considered down after {self._failures} consecutive failures; no request sent",
            system=self.system,
            code="circuit_open",
        )

    def record_success(self) -> None:
        """A call got a usable answer: close the circuit."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def record_failure(self) -> None:
        """A call failed in a way that says the system is unhealthy (transport error, 5xx)."""
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.threshold:
                self._opened_at = self._clock()
            self._probing = False

    def record_no_answer(self) -> None:
        """A call ended without telling how the system is (cancelled, or failed on our side before or
        after the request): the state stays as it was, and a half-open probe may be tried again."""
        with self._lock:
            self._probing = False

    def reset(self) -> None:
        """Forget every failure and close the circuit."""
        self.record_success()


def _note(breaker: CircuitBreaker | None, exc: Exception | None, counts: Callable[[Exception], bool]) -> None:
    if breaker is None:
        return
    if exc is None:
        breaker.record_success()
    elif counts(exc):
        breaker.record_failure()
    else:
        # The system answered (4xx, validation, auth): it is up.
        breaker.record_success()


def _counts_as_down(exc: Exception) -> bool:
    from identity._exceptions import RemoteServerError

    return isinstance(exc, TransportError | RemoteServerError)


def retry_call(
    fn: Callable[[], T],
    policy: RetryPolicy,
    breaker: CircuitBreaker | None = None,
    *,
    counts_as_down: Callable[[Exception], bool] = _counts_as_down,
) -> T:
    """Call ``fn`` under ``policy`` and ``breaker``; return its value or raise the last typed error.

    Examples
    --------
    >>> calls = []
    >>> def flaky():
    ...     calls.append(1)
    ...     if len(calls) < 3:
    ...         raise TransportError("reset")
    ...     return "ok"
    >>> retry_call(flaky, RetryPolicy(on=TransportError, sleep=lambda s: None))
    'ok'
    """
    attempt = 0
    while True:
        attempt += 1
        if breaker is not None:
            breaker.before_call()
        try:
            value = fn()
        except AdapterError as exc:
            _note(breaker, exc, counts_as_down)
            delay = policy.delay_for(attempt, exc)
            if delay is None:
                raise
            if delay > 0:
                policy.sleep(delay)
            continue
        except BaseException:
            if breaker is not None:
                breaker.record_no_answer()
            raise
        _note(breaker, None, counts_as_down)
        return value


async def retry_call_async(
    fn: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    breaker: CircuitBreaker | None = None,
    *,
    counts_as_down: Callable[[Exception], bool] = _counts_as_down,
) -> T:
    """Async twin of :func:`retry_call`: awaits ``fn()`` and sleeps with ``policy.async_sleep``.

    Examples
    --------
    >>> async def ok() -> str:
    ...     return "ok"
    >>> asyncio.run(retry_call_async(ok, RetryPolicy(on=TransportError)))
    'ok'
    """
    attempt = 0
    while True:
        attempt += 1
        if breaker is not None:
            breaker.before_call()
        try:
            value = await fn()
        except AdapterError as exc:
            _note(breaker, exc, counts_as_down)
            delay = policy.delay_for(attempt, exc)
            if delay is None:
                raise
            if delay > 0:
                await policy.async_sleep(delay)
            continue
        except BaseException:
            if breaker is not None:
                breaker.record_no_answer()
            raise
        _note(breaker, None, counts_as_down)
        return value


def _transport_error(exc: httpx.HTTPError, system: str) -> TransportError:
    if isinstance(exc, httpx.TimeoutException):
        code = "timeout"
    elif isinstance(exc, httpx.ConnectError):
        code = "connect"
    else:
        code = "transport"
    # The httpx message names the failure kind only; the URL (which may carry a query) is left out.
    return TransportError(f"{system}: {code} error ({type(exc).__name__})", system=system, code=code)


def _too_large(system: str, limit: int) -> TransportError:
    return TransportError(
        f"{system}: response body larger than {limit} bytes", system=system, code="too_large"
    )


def send(client: httpx.Client, request: httpx.Request, *, system: str, max_bytes: int) -> HttpResult:
    """Send ``request``, read at most ``max_bytes`` of body, and map httpx failures to TransportError.

    Examples
    --------
    >>> transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"hi"))
    >>> with httpx.Client(transport=transport) as client:
    ...     send(client, client.build_request("GET", "http://test/"), system="demo", max_bytes=10).text
    'hi'
    """
    try:
        response = client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(system, max_bytes)
                chunks.append(chunk)
        finally:
            response.close()
    except httpx.HTTPError as exc:
        raise _transport_error(exc, system) from None
    return HttpResult(response.status_code, response.headers, b"".join(chunks), str(response.url))


async def send_async(
    client: httpx.AsyncClient, request: httpx.Request, *, system: str, max_bytes: int
) -> HttpResult:
    """Async twin of :func:`send`.

    Examples
    --------
    >>> async def demo() -> str:
    ...     transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"hi"))
    ...     async with httpx.AsyncClient(transport=transport) as client:
    ...         request = client.build_request("GET", "http://test/")
    ...         return (await send_async(client, request, system="demo", max_bytes=10)).text
    >>> asyncio.run(demo())
    'hi'
    """
    try:
        response = await client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(system, max_bytes)
                chunks.append(chunk)
        finally:
            await response.aclose()
    except httpx.HTTPError as exc:
        raise _transport_error(exc, system) from None
    return HttpResult(response.status_code, response.headers, b"".join(chunks), str(response.url))
