"""Retry policy, circuit breaker, timeouts and secret providers."""

from __future__ import annotations

import random

import httpx
import pytest
from pydantic import SecretStr

from identity import CircuitOpenError, ConfigurationError, RateLimitedError, RemoteServerError, TransportError
from identity.adapters import CircuitBreaker, RetryPolicy, Timeouts, env_secret, resolve_secret, set_testing
from identity.adapters._http import backoff_delay, retry_call, send


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_backoff_is_bounded_and_jittered() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(5, base=0.5, maximum=3.0, rng=rng) for _ in range(200)]
    assert all(0 <= d <= 3.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 100  # jitter, not a constant


def test_retry_policy_requires_explicit_on_and_honours_it() -> None:
    with pytest.raises(TypeError):
        RetryPolicy()  # type: ignore[call-arg]
    policy = RetryPolicy(on=TransportError, attempts=3)
    assert policy.delay_for(1, TransportError("x")) is not None
    assert policy.delay_for(1, RemoteServerError("x", status=500)) is None
    assert policy.delay_for(3, TransportError("x")) is None


def test_retry_after_is_respected_and_capped() -> None:
    policy = RetryPolicy(on=RateLimitedError, max_retry_after=5.0)
    delay = policy.delay_for(1, RateLimitedError("slow down", retry_after=2.0))
    assert delay is not None and 2.0 <= delay <= 2.1
    assert policy.delay_for(1, RateLimitedError("slow down", retry_after=50.0)) is None


def test_testing_switch_turns_waiting_off() -> None:
    policy = RetryPolicy(on=TransportError, base_delay=10)
    set_testing(True)
    try:
        assert policy.delay_for(1, TransportError("x")) == 0.0
    finally:
        set_testing(False)


def test_retry_call_retries_then_raises_the_last_typed_error() -> None:
    sleeps: list[float] = []
    calls = 0

    def always_down() -> None:
        nonlocal calls
        calls += 1
        raise RemoteServerError("down", status=503)

    with pytest.raises(RemoteServerError):
        retry_call(always_down, RetryPolicy(on=RemoteServerError, attempts=3, sleep=sleeps.append))
    assert calls == 3 and len(sleeps) == 2


def test_circuit_breaker_opens_fails_fast_and_probes_half_open() -> None:
    clock = Clock()
    breaker = CircuitBreaker("sap_b1", threshold=3, cooldown=10, clock=clock)
    for _ in range(3):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.is_down and breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    clock.now = 11
    assert breaker.state == "half_open" and not breaker.is_down
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # only one probe at a time
    breaker.record_failure()  # probe failed: open again
    assert breaker.is_down
    clock.now = 22
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.consecutive_failures == 0


@pytest.mark.parametrize("interruption", [ConfigurationError("vault unreachable"), KeyError("id")])
def test_a_probe_that_ends_without_an_answer_lets_the_next_call_probe(interruption: Exception) -> None:
    # A half-open probe that raises something other than an adapter error (a secret provider failing,
    # a cancelled task) says nothing about the system: the breaker must not stay failing fast forever.
    clock = Clock()
    breaker = CircuitBreaker("sap_b1", threshold=1, cooldown=10, clock=clock)
    policy = RetryPolicy(on=TransportError, attempts=1)

    def down() -> None:
        raise TransportError("reset")

    def interrupted() -> None:
        raise interruption

    with pytest.raises(TransportError):
        retry_call(down, policy, breaker)
    clock.now = 11
    with pytest.raises(type(interruption)):
        retry_call(interrupted, policy, breaker)
    assert retry_call(lambda: "up", policy, breaker) == "up"
    assert breaker.state == "closed"


def test_a_cancelled_async_probe_lets_the_next_call_probe() -> None:
    import asyncio

    from identity.adapters._http import retry_call_async

    clock = Clock()
    breaker = CircuitBreaker("shopify", threshold=1, cooldown=10, clock=clock)
    policy = RetryPolicy(on=TransportError, attempts=1)

    async def down() -> None:
        raise TransportError("reset")

    async def slow() -> str:
        await asyncio.sleep(10)
        return "late"

    async def up() -> str:
        return "up"

    async def main() -> str:
        with pytest.raises(TransportError):
            await retry_call_async(down, policy, breaker)
        clock.now = 11
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(retry_call_async(slow, policy, breaker), 0.01)
        return await retry_call_async(up, policy, breaker)

    assert asyncio.run(main()) == "up"


def test_breaker_counts_only_system_failures() -> None:
    breaker = CircuitBreaker("shopify", threshold=1, cooldown=60)
    policy = RetryPolicy(on=TransportError, attempts=1)

    def refused() -> None:
        from identity import RemoteValidationError

        raise RemoteValidationError("bad input")

    with pytest.raises(Exception, match="bad input"):
        retry_call(refused, policy, breaker)
    assert not breaker.is_down


def test_timeouts_cover_every_phase() -> None:
    t = Timeouts(connect=1, read=2, write=3, pool=4).as_httpx()
    assert (t.connect, t.read, t.write, t.pool) == (1, 2, 3, 4)


def test_secret_sources() -> None:
    assert resolve_secret(SecretStr("a")) == "a"
    assert resolve_secret(lambda: "b") == "b"
    with pytest.raises(ConfigurationError):
        resolve_secret(lambda: "")
    provider = env_secret("TOKEN_X", {})
    with pytest.raises(ConfigurationError, match="TOKEN_X"):
        provider()


def test_send_caps_the_body_size() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"x" * 5000))
    with httpx.Client(transport=transport) as client, pytest.raises(TransportError) as info:
        send(client, client.build_request("GET", "http://127.0.0.1/"), system="demo", max_bytes=1000)
    assert info.value.code == "too_large"
