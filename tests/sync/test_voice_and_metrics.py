"""Voice orders (Shopify customer, ERP discount, draft order keyed locally), echoes, counters, logs."""

from __future__ import annotations

import logging
import time

import pytest

from identity import IdempotencyConflict
from identity.sync import Outcome
from tests.adapters.conftest import FAST_TIMEOUTS
from tests.sync._stores import database, env_database
from tests.sync.conftest import Env, webhook

__all__ = ["database", "env_database"]  # fixtures

LINE = {"variant_id": "gid://shopify/ProductVariant/1", "quantity": 2}


def erp_partner(env: Env, discount: float) -> dict[str, object]:
    return next(p for p in env.sap.partners if p["CardType"] == "cCustomer" and p["DiscountPercent"] == discount)


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_known_caller_gets_the_erp_discount_on_one_draft_order(env: Env) -> None:
    service = env.service()
    partner = erp_partner(env, 5.0)
    env.shop.add_customer(first_name="Mary", last_name="Jones", email=str(partner["EmailAddress"]))
    order = {"idempotency_key": "call-1", "email": partner["EmailAddress"], "line_items": [LINE]}
    results = [service.handle_voice_order(order) for _ in range(3)]
    assert {r.outcome for r in results} == {Outcome.LINKED}
    assert results[0].detail["card_code"] == partner["CardCode"]
    assert len(env.shop.draft_orders) == 1
    draft = next(iter(env.shop.draft_orders.values()))
    assert draft["appliedDiscount"]["value"] == 5.0
    assert results[0].detail["draft_order_id"] == draft["id"]
    with pytest.raises(IdempotencyConflict):
        service.handle_voice_order({**order, "line_items": [{**LINE, "quantity": 3}]})


def test_new_caller_is_created_in_shopify_and_the_echo_does_not_loop(env: Env) -> None:
    service = env.service()
    order = {"idempotency_key": "call-2", "email": "brand.new@example.org", "phone": "(415) 555-0123",
             "first_name": "Brand", "last_name": "New", "line_items": [LINE]}
    result = service.handle_voice_order(order)
    assert result.outcome is Outcome.CREATED and result.reason.startswith("created Shopify customer")
    customer = env.shop._find(email="brand.new@example.org")
    assert customer is not None and customer["phone"] == "+14155550123"
    assert env.shop.operations.count("CustomerSet") == 1 and len(env.sap.created) == 1
    finds, posts = env.sap.finds, env.sap.posts
    legacy = int(customer["id"].rsplit("/", 1)[1])
    echo = {"id": legacy, "email": "brand.new@example.org", "phone": "+14155550123",
            "first_name": "Brand", "last_name": "New"}
    got = service.handle_webhook(*webhook("customers/create", echo, "w-echo"))
    assert got.outcome is Outcome.LINKED and got.reason == "echo of our own write"
    assert (env.sap.finds, env.sap.posts) == (finds, posts)
    assert service.store.queue_depth() == 0


@pytest.mark.usefixtures("env_database")  # on SQLite and on Postgres
def test_erp_down_voice_order_continues_shopify_only_then_links(env: Env) -> None:
    service = env.service()
    partner = erp_partner(env, 2.5)
    env.sap.down = True
    order = {"idempotency_key": "call-3", "email": partner["EmailAddress"], "line_items": [LINE]}
    result = service.handle_voice_order(order)
    assert result.outcome is Outcome.QUEUED and "draft order created without ERP tier" in result.reason
    assert len(env.shop.draft_orders) == 1  # Shopify-only progress
    env.sap.down = False
    time.sleep(0.25)
    service.replay()
    event = service.store.get_event("voice:call-3")
    assert event is not None and event.outcome is Outcome.CREATED  # the caller was new to Shopify
    assert event.detail["card_code"] == partner["CardCode"]
    assert len(env.shop.draft_orders) == 1 and env.sap.posts == 0


def test_shopify_down_queues_the_voice_order(env: Env) -> None:
    service = env.service()
    env.shop.fail_next(1)
    order = {"idempotency_key": "call-4", "email": "someone@example.org", "line_items": [LINE]}
    assert service.handle_voice_order(order).outcome is Outcome.QUEUED
    service.replay()
    event = service.store.get_event("voice:call-4")
    assert event is not None and event.outcome is Outcome.CREATED and len(env.shop.draft_orders) == 1


def test_invalid_voice_order_is_rejected(env: Env) -> None:
    service = env.service()
    result = service.handle_voice_order({"idempotency_key": "call-5", "line_items": [LINE]})
    assert result.outcome is Outcome.REJECTED and "invalid voice order" in result.reason
    assert service.handle_voice_order({"idempotency_key": "call-5", "line_items": [LINE]}) == result
    snap = service.metrics.snapshot()  # stored: an outcome, once; the repeat a duplicate
    assert snap["outcomes"] == {"rejected": 1} and snap["duplicates"] == 1
    assert snap["unverified_webhooks"] == {"bad_hmac": 0, "too_large": 0}


def test_counters_and_masked_logs(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    service = env.service()
    email = next(p for p in env.sap.partners if p["CardType"] == "cCustomer")["EmailAddress"]
    payload = {"id": 123, "email": email, "first_name": "Zed", "last_name": "Example"}
    with caplog.at_level(logging.INFO, logger="identity.sync"):
        for _ in range(2):
            service.handle_webhook(*webhook("customers/create", payload, "w-m"))
        service.handle_webhook(*webhook("customers/create", payload, "w-m2", secret="wrong"))
    snap = service.status()["metrics"]
    assert snap["outcomes"] == {"linked": 1}  # the wrong signature is not a stored rejected event
    assert snap["unverified_webhooks"] == {"bad_hmac": 1, "too_large": 0}
    assert snap["duplicates"] == 1 and snap["events"] == 3 and snap["latency_seconds"]["p99"] > 0
    text = service.prometheus()
    assert 'identity_sync_outcomes_total{outcome="linked"} 1' in text
    assert "identity_sync_queue_depth 0" in text and "identity_sync_event_seconds_count 3" in text
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert '"event": "webhook.accepted"' in logs and str(email) not in logs
    assert str(email).split("@")[0] not in logs


def test_slow_erp_still_gets_draft_orders_out(env: Env) -> None:
    # no half-open probe during the slow part
    service = env.service(sap={"breaker_cooldown": 2.0, "timeouts": FAST_TIMEOUTS})
    env.sap.slow = 0.8  # every ERP request outlives the 0.5 s read timeout
    arrivals = []
    for i in range(6):
        order = {"idempotency_key": f"slow-{i}", "email": f"slow{i}@example.org", "line_items": [LINE]}
        result = service.handle_voice_order(order)
        arrivals.append(env.sap.arrivals)
        assert result.outcome is Outcome.QUEUED and result.detail["draft_order_id"]
    assert len(env.shop.draft_orders) == 6 and service.sap.is_down
    # the first three each waited for the ERP and timed out; with the circuit open nobody asks it
    assert arrivals[2] >= 3 and arrivals[3:] == [arrivals[2]] * 3
    env.sap.slow = 0.0
    time.sleep(2.05)
    service.replay()
    assert {e.outcome for e in service.store.events()} == {Outcome.CREATED}
    assert len(env.sap.created) == 6 and len(env.shop.draft_orders) == 6


def test_spoken_email_is_read_and_matched_in_the_erp(env: Env) -> None:
    service = env.service()
    order = {"idempotency_key": "call-6", "spoken_email": "um it is john dot smith at g mail dot com",
             "first_name": "John", "line_items": [LINE]}
    result = service.handle_voice_order(order)
    assert result.outcome is Outcome.CREATED  # new to Shopify, found in the ERP
    assert result.detail["card_code"] == "C90001"
    assert env.shop._find(email="john.smith@gmail.com") is not None and env.sap.posts == 0


def test_an_invalid_voice_order_error_does_not_echo_the_caller() -> None:
    from pydantic import ValidationError

    from identity.sync import VoiceOrder

    with pytest.raises(ValidationError) as info:
        VoiceOrder(idempotency_key="k", phone=12125550100, email=["john.smith@gmail.com"],  # type: ignore[arg-type]
                   line_items=[{"variant_id": "gid://shopify/ProductVariant/1", "quantity": 1}])
    message = str(info.value)
    assert "phone" in message and "email" in message
    assert "2125550100" not in message and "john.smith" not in message


def test_a_customer_changing_back_to_what_we_wrote_is_not_an_echo(env: Env) -> None:
    # We create the caller in Shopify with X; the customer changes to Y, then back to X. The second X is
    # the customer's own change: it must reach the ERP, not be dropped as an echo of our write.
    service = env.service()
    order = {"idempotency_key": "call-9", "email": "x.caller@example.org", "first_name": "Xena",
             "last_name": "Caller", "line_items": [LINE]}
    assert service.handle_voice_order(order).outcome is Outcome.CREATED
    customer = env.shop._find(email="x.caller@example.org")
    assert customer is not None
    legacy = int(customer["id"].rsplit("/", 1)[1])
    ours = {"id": legacy, "email": "x.caller@example.org", "phone": None, "first_name": "Xena", "last_name": "Caller"}
    echo = service.handle_webhook(*webhook("customers/create", ours, "w-9-echo"))
    assert echo.reason == "echo of our own write"

    changed = {**ours, "email": "xena.new@example.org"}
    first = service.handle_webhook(*webhook("customers/update", changed, "w-9-y"))
    assert first.detail.get("erp_updated") == ["EmailAddress"], first.reason
    back = service.handle_webhook(*webhook("customers/update", ours, "w-9-x"))
    assert back.reason != "echo of our own write"
    assert back.detail.get("erp_updated") == ["EmailAddress"], back.reason
    card = back.detail["card_code"]
    assert next(p for p in env.sap.partners if p["CardCode"] == card)["EmailAddress"] == "x.caller@example.org"
