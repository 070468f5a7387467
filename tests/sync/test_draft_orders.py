"""Voice-order draft orders: the ERP discount applied once the ERP answers, and one draft per key."""

from __future__ import annotations

import time
from typing import Any

import pytest

from identity import StoreError
from identity.sync import Outcome, draft_order_tag
from tests.sync.conftest import Env

LINE = {"title": "Tea", "unit_price": "20.00", "quantity": 1}


def partner_with_discount(env: Env, percent: float) -> dict[str, Any]:
    return next(p for p in env.sap.partners if p["CardType"] == "cCustomer" and p["DiscountPercent"] == percent)


def known_caller(env: Env, percent: float, key: str) -> dict[str, Any]:
    """A voice order from a caller known to Shopify and to the ERP (partner discount ``percent``)."""
    partner = partner_with_discount(env, percent)
    env.shop.add_customer(first_name="Mary", last_name="Jones", email=str(partner["EmailAddress"]))
    return {"idempotency_key": key, "email": partner["EmailAddress"], "line_items": [LINE]}


def only_draft(env: Env) -> dict[str, Any]:
    assert len(env.shop.draft_orders) == 1
    return next(iter(env.shop.draft_orders.values()))


def erp_back(env: Env) -> None:
    env.sap.down = False
    time.sleep(0.25)  # the SAP client's breaker cools down in 0.2 s


def test_erp_discount_is_applied_to_the_draft_when_the_erp_side_replays(env: Env) -> None:
    service = env.service()
    order = known_caller(env, 5.0, "call-erp-down")
    env.sap.down = True
    queued = service.handle_voice_order(order)
    assert queued.outcome is Outcome.QUEUED
    draft = only_draft(env)
    assert draft["appliedDiscount"] is None
    assert draft["tags"] == sorted(["voice-order", "erp-pending", draft_order_tag("call-erp-down")])
    follow_up = service.store.pending_items("voice:call-erp-down")[0]
    assert follow_up.payload["draft_order_id"] == draft["id"]
    assert follow_up.payload["idempotency_key"] == "call-erp-down"

    erp_back(env)
    service.replay()
    event = service.store.get_event("voice:call-erp-down")
    assert event is not None and event.outcome is Outcome.LINKED
    assert event.reason.endswith("; ERP discount 5% applied to the draft order")
    assert event.detail["draft_order_id"] == draft["id"] and event.detail["discount_percent"] == 5.0
    assert event.detail["draft_status"] == "OPEN"
    assert draft["appliedDiscount"] == {"value": 5.0, "valueType": "PERCENTAGE", "title": "ERP price tier"}
    assert draft["tags"] == sorted(["voice-order", draft_order_tag("call-erp-down")])
    assert draft["totalPriceSet"]["shopMoney"]["amount"] == "19.00" and draft["updates"] == 1
    assert len(env.shop.draft_orders) == 1 and service.handle_voice_order(order) == event


def test_applying_the_discount_twice_writes_once(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies after the draft was updated but before the follow-up was marked done."""
    service = env.service()
    order = known_caller(env, 7.5, "call-twice")
    env.sap.down = True
    service.handle_voice_order(order)
    erp_back(env)
    complete = service.store.complete_item

    def die_once(*args: Any, **kwargs: Any) -> None:
        monkeypatch.setattr(service.store, "complete_item", complete)
        raise StoreError("killed before the outcome was stored")

    monkeypatch.setattr(service.store, "complete_item", die_once)
    with pytest.raises(StoreError):
        service.replay()
    draft = only_draft(env)
    assert draft["appliedDiscount"]["value"] == 7.5 and draft["updates"] == 1
    restarted = env.service()
    env.clock.now += restarted.claim_seconds + 1  # the dead process's claim lapses
    restarted.replay()
    event = restarted.store.get_event("voice:call-twice")
    assert event is not None and event.outcome is Outcome.LINKED and event.detail["discount_percent"] == 7.5
    assert event.reason.endswith("draft order already has its ERP tier")
    assert draft["updates"] == 1 and "erp-pending" not in draft["tags"]  # the second run wrote nothing


def test_a_draft_completed_before_the_erp_answered_is_left_alone_and_said_so(env: Env) -> None:
    service = env.service()
    order = known_caller(env, 5.0, "call-paid")
    env.sap.down = True
    service.handle_voice_order(order)
    draft = only_draft(env)
    env.shop.complete_draft_order(draft["id"])
    erp_back(env)
    service.replay()
    event = service.store.get_event("voice:call-paid")
    assert event is not None and event.outcome is Outcome.LINKED  # the caller is linked all the same
    assert event.reason.endswith("draft order already completed; ERP discount 5% not applied")
    assert event.detail["draft_status"] == "COMPLETED" and event.detail["discount_percent"] == 0.0
    assert draft["appliedDiscount"] is None and "updates" not in draft


def test_a_draft_completed_while_the_discount_is_being_applied(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    service = env.service()
    order = known_caller(env, 5.0, "call-race")
    env.sap.down = True
    service.handle_voice_order(order)
    draft = only_draft(env)
    update = service.shopify.update_draft_order

    def paid_first(*args: Any, **kwargs: Any) -> Any:
        env.shop.complete_draft_order(draft["id"])  # the customer pays between our read and our write
        return update(*args, **kwargs)

    monkeypatch.setattr(service.shopify, "update_draft_order", paid_first)
    erp_back(env)
    service.replay()
    event = service.store.get_event("voice:call-race")
    assert event is not None and event.outcome is Outcome.LINKED
    assert event.reason.endswith("draft order completed meanwhile; ERP discount 5% not applied")


def test_a_partner_without_discount_only_loses_the_erp_pending_tag(env: Env) -> None:
    service = env.service()
    order = known_caller(env, 0.0, "call-zero")
    env.sap.down = True
    service.handle_voice_order(order)
    erp_back(env)
    service.replay()
    draft = only_draft(env)
    assert draft["appliedDiscount"] is None and "erp-pending" not in draft["tags"]
    event = service.store.get_event("voice:call-zero")
    assert event is not None and event.reason.endswith("draft order no longer erp-pending")


@pytest.mark.parametrize("erp_down_at_crash", [False, True])
def test_a_crash_before_the_draft_id_is_stored_does_not_make_a_second_draft(
    env: Env, monkeypatch: pytest.MonkeyPatch, erp_down_at_crash: bool
) -> None:
    """Shopify created the draft; the process died before our store had its id; a restart replays."""
    service = env.service()
    order = known_caller(env, 5.0, "call-crash")
    env.sap.down = erp_down_at_crash

    def killed(key: str, draft_id: str) -> None:
        raise StoreError("killed before the draft order id was stored")

    monkeypatch.setattr(service.store, "record_draft_order", killed)
    with pytest.raises(StoreError):
        service.handle_voice_order(order)
    draft = only_draft(env)
    assert service.store.get_draft_order("call-crash") is None
    assert draft_order_tag("call-crash") in draft["tags"]  # findable: the tag went with the create request

    erp_back(env)
    restarted = env.service()
    env.clock.now += restarted.claim_seconds + 1  # the dead process's claim lapses
    restarted.replay()
    assert only_draft(env) is draft  # found by its tag and reused, not created again
    assert env.shop.operations.count("DraftOrderCreate") == 1
    assert restarted.store.get_draft_order("call-crash") == draft["id"]
    event = restarted.store.get_event("voice:call-crash")
    assert event is not None and event.outcome is Outcome.LINKED and event.detail["draft_order_id"] == draft["id"]
    # made while the ERP was down, the reused draft still gets its ERP tier
    assert draft["appliedDiscount"]["value"] == 5.0 and "erp-pending" not in draft["tags"]
    assert restarted.handle_voice_order(order) == event and len(env.shop.draft_orders) == 1


def test_a_first_attempt_searches_for_no_draft(env: Env) -> None:
    service = env.service()
    first = service.handle_voice_order(known_caller(env, 5.0, "call-once"))
    assert first.outcome is Outcome.LINKED
    assert env.shop.operations.count("FindDraftOrders") == 0 and env.shop.operations.count("DraftOrderCreate") == 1
