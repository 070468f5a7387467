"""Webhook handling against the loopback fakes: outcomes, idempotency, rejection, ERP outages."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict

import pytest

from identity import IdempotencyConflict, StoreError
from identity.adapters import Timeouts
from identity.sync import Outcome, SqliteStore, SyncService, UnverifiedTally, partner_code
from identity.sync.service import UNVERIFIED_FLUSH_SECONDS
from identity.sync.store import SCHEMA_VERSION
from tests.adapters.conftest import FAST_TIMEOUTS
from tests.sync._stores import database, env_database, row_counts
from tests.sync.conftest import SECRET, Env, customer_payload, small_partners, webhook

__all__ = ["database", "env_database"]  # fixtures

ERP_CUSTOMERS = [p for p in small_partners() if p["CardType"] == "cCustomer" and p["CardCode"].startswith("C0")]


def known(n: int) -> dict[str, object]:
    """A Shopify payload for the n-th ERP customer (same email as in the ERP)."""
    return customer_payload(n, email=ERP_CUSTOMERS[n]["EmailAddress"])


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_known_customer_delivered_three_times_is_linked_once(env: Env) -> None:
    service = env.service()
    headers, body = webhook("customers/create", known(1), "w-1")
    results = [service.handle_webhook(headers, body) for _ in range(3)]
    assert {r.outcome for r in results} == {Outcome.LINKED}
    assert results[0].detail["card_code"] == ERP_CUSTOMERS[1]["CardCode"]
    assert env.sap.finds == 1 and env.sap.posts == 0
    assert service.metrics.snapshot()["duplicates"] == 2
    assert service.store.links() == {"gid://shopify/Customer/7000000001": ERP_CUSTOMERS[1]["CardCode"]}


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_new_customer_delivered_three_times_is_created_once(env: Env) -> None:
    service = env.service()
    headers, body = webhook("customers/create", customer_payload(5), "w-5")
    results = [service.handle_webhook(headers, body) for _ in range(3)]
    assert [r.outcome for r in results] == [Outcome.CREATED] * 3
    code = partner_code("gid://shopify/Customer/7000000005")
    assert env.sap.created == [code] and env.sap.posts == 1
    assert results[0].reason == f"created ERP partner {code}"


def test_orders_create_links_the_orders_customer(env: Env) -> None:
    service = env.service()
    order = {"id": 55, "email": "ignored@example.com", "customer": known(3)}
    result = service.handle_webhook(*webhook("orders/create", order, "w-order"))
    assert result.outcome is Outcome.LINKED and result.detail["card_code"] == ERP_CUSTOMERS[3]["CardCode"]


def test_shared_phone_needs_review(env: Env) -> None:
    service = env.service()
    payload = customer_payload(9, email=None, phone="+12125550100")
    payload["email"] = None
    result = service.handle_webhook(*webhook("customers/create", payload, "w-household"))
    assert result.outcome is Outcome.NEEDS_REVIEW
    assert set(result.detail["candidates"]) == {"C'OB01", "C90001", "C90002"}
    assert env.sap.posts == 0 and service.store.links() == {}


#: Bad deliveries that are not shown to come from Shopify.
UNVERIFIED = {"bad_hmac", "truncated", "huge"}


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("bad_hmac", "invalid HMAC signature"),
        ("truncated", "invalid HMAC signature"),
        ("truncated_resigned", "body is not a JSON object"),
        ("unknown_topic", "unknown topic 'products/create'"),
        ("huge", "exceeds"),
        ("no_id", "missing X-Shopify-Webhook-Id"),
        ("no_customer", "payload names no customer id"),
    ],
)
def test_bad_deliveries_are_rejected_with_a_reason_and_service_keeps_serving(
    env: Env, case: str, reason: str
) -> None:
    service = env.service()
    headers, body = webhook("customers/create", known(2), "w-bad")
    if case == "bad_hmac":
        headers = webhook("customers/create", known(2), "w-bad", secret="not-the-secret")[0]
    elif case == "truncated":
        body = body[: len(body) // 2]
    elif case == "truncated_resigned":
        headers, body = webhook("customers/create", known(2), "w-bad")
        body = body[: len(body) // 2]
        headers["X-Shopify-Hmac-Sha256"] = webhook("x", {}, "x")[0]["X-Shopify-Hmac-Sha256"]
        from identity.adapters import webhook_hmac

        headers["X-Shopify-Hmac-Sha256"] = webhook_hmac(body, SECRET)
    elif case == "unknown_topic":
        headers, body = webhook("products/create", {"id": 1}, "w-bad")
    elif case == "huge":
        payload = {**known(2), "note": "x" * (10 * 1024 * 1024)}
        headers, body = webhook("customers/create", payload, "w-bad")
    elif case == "no_id":
        del headers["X-Shopify-Webhook-Id"]
    elif case == "no_customer":
        headers, body = webhook("orders/create", {"id": 1, "customer": None}, "w-bad")
    before = row_counts(service.store, tally=False)
    result = service.handle_webhook(headers, body)
    assert result.outcome is Outcome.REJECTED and reason in result.reason
    if case in UNVERIFIED:  # anyone can send these: answered, never stored (only tallied, one row per reason)
        assert service.store.get_event(result.key) is None and row_counts(service.store, tally=False) == before
        assert result.detail == {"verified": False}
        assert sum(service.metrics.snapshot()["unverified_webhooks"].values()) == 1
        assert "rejected" not in service.metrics.snapshot()["outcomes"]
    else:  # verified, so Shopify sent it: stored, not only returned
        assert service.store.get_event(result.key) == result
        assert service.metrics.snapshot()["outcomes"] == {"rejected": 1}
        assert service.store.unverified_webhooks() == {}
    assert env.sap.finds == 0
    ok = service.handle_webhook(*webhook("customers/create", known(2), "w-good"))
    assert ok.outcome is Outcome.LINKED


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_forged_webhooks_leave_the_store_unchanged(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    service = env.service()
    service.handle_webhook(*webhook("customers/create", known(1), "w-real"))
    before = row_counts(service.store, tally=False)
    assert before["events"] == 1
    forged = []
    with caplog.at_level(logging.INFO, logger="identity.sync"):
        for n in range(50):  # a spammer: new ids, new bodies, wrong or missing signatures
            headers, body = webhook("customers/create", known(n % 5), f"spam-{n}", secret="guessed")
            if n % 2:
                del headers["X-Shopify-Hmac-Sha256"]
            forged.append(service.handle_webhook(headers, body))
        huge = webhook("customers/create", {**known(2), "note": "x" * (3 * 1024 * 1024)}, "spam-huge")
        forged.append(service.handle_webhook(*huge))
    assert {(e.outcome, e.detail["verified"]) for e in forged} == {(Outcome.REJECTED, False)}
    assert row_counts(service.store, tally=False) == before
    assert all(service.store.get_event(e.key) is None for e in forged)
    snap = service.metrics.snapshot()
    assert snap["unverified_webhooks"] == {"bad_hmac": 50, "too_large": 1}  # counted, every one
    assert "rejected" not in snap["outcomes"]  # the outcomes count stored events only
    tally = service.status()["unverified_webhooks"]
    assert {reason: t["deliveries"] for reason, t in tally.items()} == {"bad_hmac": 50, "too_large": 1}
    assert row_counts(service.store)["unverified_webhooks"] == 2  # one row per reason, however many requests
    rejected = [r.getMessage() for r in caplog.records if "webhook.rejected" in r.getMessage()]
    assert len(rejected) == 51 and all('"stored": false' in line for line in rejected)
    assert "@" not in "".join(rejected)  # no e-mail address in the log lines
    assert env.sap.finds == 1  # only the real one reached the ERP


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
@pytest.mark.parametrize("case", ["bad_hmac", "too_large", "verified_but_rejected"])
def test_unverified_webhooks_and_rejected_events_are_counted_apart(env: Env, case: str) -> None:
    """A bad HMAC and an oversized body count under ``unverified_webhooks`` (every delivery, in the process
    and in the store's tally); a verified delivery that cannot be used is a stored ``rejected`` event,
    counted once as an outcome, its redelivery as a duplicate."""
    env.clock.now = 1_700_000_000.0
    service = env.service(max_body_bytes=4096)
    if case == "bad_hmac":  # a spammer, or a webhook secret that is not the app's
        delivery = webhook("customers/create", known(1), "w-1", secret="not-the-app-secret")
    elif case == "too_large":  # refused before the HMAC is checked, so correctly signed makes no difference
        delivery = webhook("customers/create", {**known(1), "note": "x" * 5000}, "w-1")
    else:  # Shopify signed it, but it names no customer
        delivery = webhook("orders/create", {"id": 1, "customer": None}, "w-1")
    first = service.handle_webhook(*delivery)
    env.clock.now += 60
    again = service.handle_webhook(*delivery)
    assert first.outcome is again.outcome is Outcome.REJECTED

    snap = service.metrics.snapshot()
    text = service.prometheus()
    status = service.status()
    if case == "verified_but_rejected":
        assert snap["outcomes"] == {"rejected": 1} and snap["duplicates"] == 1
        assert snap["unverified_webhooks"] == {"bad_hmac": 0, "too_large": 0}
        assert status["events"] == {"rejected": 1} and status["unverified_webhooks"] == {}
        assert 'identity_sync_outcomes_total{outcome="rejected"} 1' in text
    else:
        assert snap["outcomes"] == {} and snap["duplicates"] == 0  # nothing stored, nothing to deduplicate
        assert snap["unverified_webhooks"] == {"bad_hmac": 0, "too_large": 0} | {case: 2}
        assert status["events"] == {}
        assert status["unverified_webhooks"] == {
            case: {"deliveries": 2, "first_at": 1_700_000_000.0, "last_at": 1_700_000_060.0}}
        assert f'identity_sync_unverified_webhooks_total{{reason="{case}"}} 2' in text
        assert 'outcome="rejected"' not in text
    assert env.sap.finds == 0


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_services_sharing_a_store_add_to_one_tally(env: Env) -> None:
    """Processes answering webhooks side by side (here two services, each with its own connection)
    count into the same rows: the status of any of them shows them all."""
    services = [env.service(), env.service()]
    headers, body = webhook("customers/create", known(1), "w-1", secret="guessed")

    def spam(service: SyncService) -> None:
        for _ in range(20):
            service.handle_webhook(headers, body)

    threads = [threading.Thread(target=spam, args=(service,)) for service in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [s.metrics.snapshot()["unverified_webhooks"]["bad_hmac"] for s in services] == [20, 20]
    env.clock.now += UNVERIFIED_FLUSH_SECONDS  # a second later each service adds what it counted since
    for service in services:
        service.handle_webhook(*webhook("customers/create", known(2), f"w-real-{id(service)}"))
    assert services[0].status()["unverified_webhooks"]["bad_hmac"]["deliveries"] == 40


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_a_flood_of_forged_webhooks_is_one_store_write_a_second(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting each forged request in the store would let anyone turn requests into write transactions
    that compete with real events for the write lock: the tally is written at most once a second."""
    service = env.service()
    writes: list[tuple[str, int]] = []
    count = service.store.count_unverified_webhook
    monkeypatch.setattr(service.store, "count_unverified_webhook", lambda r, n=1, **at: (writes.append((r, n)), count(r, n, **at)))
    headers, body = webhook("customers/create", known(1), "w-1", secret="guessed")
    for _ in range(200):
        service.handle_webhook(headers, body)
    assert writes == [("bad_hmac", 1)]  # the first, at once; the other 199 wait for the next second
    env.clock.now += UNVERIFIED_FLUSH_SECONDS
    service.handle_webhook(headers, body)
    assert writes == [("bad_hmac", 1), ("bad_hmac", 200)]
    assert service.store.unverified_webhooks()["bad_hmac"].deliveries == 201


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_the_tally_keeps_when_forged_webhooks_came_not_when_it_was_written(env: Env) -> None:
    """A burst of forged requests, then quiet: what was pending is written by whatever comes next (here a
    real webhook an hour later). The tally's last_at must still be the last forged delivery's time."""
    service = env.service()
    started = env.clock.now
    headers, body = webhook("customers/create", known(1), "w-1", secret="guessed")
    for _ in range(10):
        service.handle_webhook(headers, body)
        env.clock.now += 0.05
    last_forged = env.clock.now - 0.05
    env.clock.now += 3_600
    service.handle_webhook(*webhook("customers/create", known(2), "w-real"))
    tally = service.store.unverified_webhooks()["bad_hmac"]
    assert (tally.deliveries, tally.first_at) == (10, started)
    assert tally.last_at == pytest.approx(last_forged, abs=1e-6)  # not the hour later at which it was written


@pytest.mark.parametrize("secrets", [[], [""], [SECRET, ""]], ids=["none", "empty", "empty_previous"])
def test_a_service_without_a_usable_webhook_secret_refuses_to_start(env: Env, secrets: list[str]) -> None:
    # Not at the first delivery, and never by verifying against an empty key that anyone can sign with.
    with pytest.raises(ValueError, match="webhook secret"):
        env.service(webhook_secrets=secrets)


def test_same_webhook_id_with_another_body_is_a_conflict(env: Env) -> None:
    service = env.service()
    service.handle_webhook(*webhook("customers/create", known(1), "w-1"))
    with pytest.raises(IdempotencyConflict):
        service.handle_webhook(*webhook("customers/create", known(2), "w-1"))


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_outcome_survives_a_restart_without_a_second_write(env: Env) -> None:
    first = env.service()
    created = first.handle_webhook(*webhook("customers/create", customer_payload(8), "w-8"))
    first.store.close()
    second = env.service()
    again = second.handle_webhook(*webhook("customers/create", customer_payload(8), "w-8"))
    assert again.outcome is created.outcome is Outcome.CREATED
    assert again.detail == created.detail
    assert env.sap.posts == 1 and env.sap.finds == 1


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_erp_down_for_the_middle_third_then_replayed_in_order(env: Env) -> None:
    """1,000 events (250 customers x create + 3 updates, interleaved); ERP down for events 333-665."""
    service = env.service()
    n_customers, events = 250, []
    for block in range(0, n_customers, 10):  # first sightings spread over the whole run
        for round_ in range(4):
            for c in range(block, block + 10):
                email = ERP_CUSTOMERS[c // 2]["EmailAddress"] if c % 2 == 0 else None
                payload = {**customer_payload(c, email=email), "note": f"round {round_}"}
                topic = "customers/create" if round_ == 0 else "customers/update"
                events.append((f"w-{c}-{round_}", c, webhook(topic, payload, f"w-{c}-{round_}")))
    first: dict[str, Outcome] = {}
    for i, (key, _, (headers, body)) in enumerate(events):
        env.sap.down = len(events) // 3 <= i < 2 * len(events) // 3
        first[key] = service.handle_webhook(headers, body).outcome
        if i == 2 * len(events) // 3:  # recovered: a scheduled replay runs
            env.clock.now += 1
            time.sleep(0.25)  # let the breaker's cool-down pass
    assert Outcome.QUEUED in first.values()
    time.sleep(0.25)
    report = service.replay()
    assert report.remaining == 0 and report.dead_lettered == 0
    stored = {e.key: e for e in service.store.events()}
    assert len(stored) == len(events)
    for wid, c, _ in events:
        key = f"webhook:{wid}"
        expected = {Outcome.LINKED} if c % 2 == 0 else {Outcome.CREATED, Outcome.LINKED}
        assert stored[key].outcome in expected, (key, stored[key])
    # each new customer's partner created exactly once; each known customer linked to its own partner
    new = [c for c in range(n_customers) if c % 2]
    assert sorted(env.sap.created) == sorted(partner_code(f"gid://shopify/Customer/{7_000_000_000 + c}") for c in new)
    assert len(service.store.links()) == n_customers
    # in order per customer: completion order equals arrival order
    done = defaultdict(list)
    for item in service.store.items():
        assert item.status == "done" and item.done_seq is not None
        done[item.customer_key].append((item.id, item.done_seq))
    for pairs in done.values():
        assert [seq for _, seq in sorted(pairs)] == sorted(seq for _, seq in pairs)
    counts = service.status()["events"]
    assert sum(counts.values()) == len(events) and "queued" not in counts


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_items_are_dead_lettered_with_the_reason_after_max_attempts(env: Env) -> None:
    service = env.service(max_attempts=3, backoff_base=10.0, backoff_max=10.0)
    env.sap.down = True
    queued = service.handle_webhook(*webhook("customers/create", known(4), "w-dead"))
    assert queued.outcome is Outcome.QUEUED and "RemoteServerError" in queued.reason
    assert service.replay().attempted <= 1  # the retry is not due before its back-off
    for _ in range(3):
        env.clock.now += 11
        time.sleep(0.25)
        service.replay()
    event = service.store.get_event("webhook:w-dead")
    assert event is not None and event.outcome is Outcome.DEAD_LETTERED
    assert event.reason.startswith("gave up after 3 attempts")
    assert service.metrics.snapshot()["dead_letters"] == 1 and service.store.queue_depth() == 0


def test_slow_erp_does_not_block_progress(env: Env) -> None:
    # no half-open probe during the slow part
    service = env.service(sap={"breaker_cooldown": 2.0, "timeouts": FAST_TIMEOUTS})
    env.sap.slow = 0.8  # beyond the 0.5 s read timeout
    arrivals = []
    for i in range(10):
        result = service.handle_webhook(*webhook("customers/create", known(10 + i), f"w-slow-{i}"))
        arrivals.append(env.sap.arrivals)
        assert result.outcome is Outcome.QUEUED
    assert service.sap.is_down
    # the first three each waited for the ERP and timed out; once the breaker is open nobody asks it
    assert arrivals[2] >= 3 and arrivals[3:] == [arrivals[2]] * 7
    env.sap.slow = 0.0
    time.sleep(2.05)
    service.replay()
    assert {e.outcome for e in service.store.events()} == {Outcome.LINKED}


def test_store_is_one_wal_file(env: Env) -> None:
    service = env.service()
    service.handle_webhook(*webhook("customers/create", known(1), "w-1"))
    mode = service.store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal" and env.db.exists()
    assert json.loads(json.dumps(service.status()))["schema_version"] == SCHEMA_VERSION
    assert isinstance(service.store, SqliteStore)


def test_refused_erp_credentials_queue_instead_of_losing_the_event(env: Env) -> None:
    service = env.service()
    env.sap.password = "rotated-by-someone"
    queued = service.handle_webhook(*webhook("customers/create", known(6), "w-auth"))
    assert queued.outcome is Outcome.QUEUED and "AuthenticationError" in queued.reason
    env.sap.password = "s3cret-Pa55"
    service.replay()
    event = service.store.get_event("webhook:w-auth")
    assert event is not None and event.outcome is Outcome.LINKED


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_threads_sharing_a_service_never_duplicate_or_reorder(env: Env) -> None:
    """8 threads deliver 400 events (each twice, in random order per thread) while a replayer runs."""
    import random
    import threading

    service = env.service(sap={"timeouts": Timeouts(read=30)})  # a timeout would mean a second POST
    env.sap.slow = 0.005  # widen the windows in which threads could overlap
    events = []
    for round_ in range(4):
        for c in range(50):
            topic = "customers/create" if round_ == 0 else "customers/update"
            payload = {**customer_payload(c), "note": f"round {round_}"}
            events.append(webhook(topic, payload, f"t-{c}-{round_}"))
    errors: list[BaseException] = []

    def deliver(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for headers, body in events[seed::4] + rng.sample(events, 50):
                service.handle_webhook(headers, body)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(i % 4,)) for i in range(8)]
    replayer = threading.Thread(target=lambda: [service.replay() for _ in range(20)])
    for t in [*threads, replayer]:
        t.start()
    for t in [*threads, replayer]:
        t.join()
    service.replay()
    assert errors == []
    stored = service.store.events()
    assert len(stored) == len(events) and {e.outcome for e in stored} == {Outcome.CREATED, Outcome.LINKED}
    assert sorted(env.sap.created) == sorted({partner_code(f"gid://shopify/Customer/{7_000_000_000 + c}")
                                              for c in range(50)})
    assert len(env.sap.created) == 50 and env.sap.posts == 50  # no item ran twice
    done = defaultdict(list)
    for item in service.store.items():
        assert item.status == "done"
        done[item.customer_key].append((item.id, item.done_seq))
    for pairs in done.values():
        assert [seq for _, seq in sorted(pairs)] == sorted(seq for _, seq in pairs)


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_two_processes_replaying_one_store_run_each_item_once(env: Env) -> None:
    first, second = env.service(), env.service()  # two connections, two owners: two processes
    env.sap.down = True
    queued = first.handle_webhook(*webhook("customers/create", known(30), "w-two"))
    assert queued.outcome is Outcome.QUEUED
    env.sap.down = False
    time.sleep(0.25)  # the first service's ERP breaker cools down
    env.sap.slow = 0.3  # both replays see the item pending before either finishes it
    finds = env.sap.finds
    threads = [threading.Thread(target=s.replay) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    env.sap.slow = 0.0
    assert env.sap.finds == finds + 1  # the item ran once, under one claim
    event = second.store.get_event("webhook:w-two")
    assert event is not None and event.outcome is Outcome.LINKED


# A custom store may fail with another error: the tally runs in handle_webhook's ``finally`` and must not
# hide the delivery's answer either way.
@pytest.mark.parametrize("error", [StoreError("database is locked"), RuntimeError("custom store down")])
def test_a_tally_the_store_refuses_is_kept_for_the_next_flush(
    env: Env, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    service = env.service()
    count = service.store.count_unverified_webhook

    def down(reason: str, n: int = 1, **at: float) -> None:
        raise error

    monkeypatch.setattr(service.store, "count_unverified_webhook", down)
    headers, body = webhook("customers/create", known(1), "w-1", secret="guessed")
    started = env.clock.now
    for _ in range(3):  # the answer never fails for the tally (each tries to flush, and fails)
        assert service.handle_webhook(headers, body).detail == {"verified": False}
        env.clock.now += 10
    with pytest.raises(StoreError, match="kept for the next flush"):
        service.flush()
    monkeypatch.setattr(service.store, "count_unverified_webhook", count)
    env.clock.now += 100
    service.flush()
    assert service.store.unverified_webhooks()["bad_hmac"] == UnverifiedTally(3, started, started + 20)
