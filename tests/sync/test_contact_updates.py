"""customers/update of a linked customer: the contact fields that changed are pushed to the ERP partner."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from identity.sync import Outcome
from identity.sync._erp import CONTACT_FIELDS
from tests.adapters.conftest import SAP_OPENAPI
from tests.sync.conftest import Env, customer_payload, small_partners, webhook

ERP = [p for p in small_partners() if p["CardType"] == "cCustomer" and p["CardCode"].startswith("C0")]


def partner(env: Env, card_code: str) -> dict[str, Any]:
    return next(p for p in env.sap.partners if p["CardCode"] == card_code)


def patches(env: Env) -> list[str]:
    return [path for method, path, _ in env.sap.requests if method == "PATCH"]


def linked(env: Env, n: int, **service_options: Any) -> tuple[Any, dict[str, Any]]:
    """A service and the payload of Shopify customer n, linked (by email) to ERP customer n."""
    service = env.service(**service_options)
    payload = customer_payload(n, email=ERP[n]["EmailAddress"])
    first = service.handle_webhook(*webhook("customers/create", payload, f"create-{n}"))
    assert first.outcome is Outcome.LINKED and first.detail["card_code"] == ERP[n]["CardCode"]
    return service, payload


def test_changed_email_and_phone_are_pushed_and_nothing_else(env: Env) -> None:
    service, payload = linked(env, 1)
    card = ERP[1]["CardCode"]
    name_before = partner(env, card)["CardName"]
    update = {**payload, "email": "mary.new@example.org", "phone": "+14155550123",
              "first_name": None, "last_name": None}
    result = service.handle_webhook(*webhook("customers/update", update, "update-1"))
    assert result.outcome is Outcome.LINKED
    assert result.reason == f"already linked; updated ERP partner {card}: Cellular, EmailAddress"
    assert result.detail["erp_updated"] == ["Cellular", "EmailAddress"]
    bp = partner(env, card)
    assert (bp["EmailAddress"], bp["Cellular"], bp["CardName"]) == ("mary.new@example.org", "+14155550123", name_before)
    assert patches(env) == [f"/b1s/v1/BusinessPartners('{card}')"]

    # the same contact fields again (an unrelated change in Shopify): nothing to push, nothing even read
    reads = len(env.sap.requests)
    again = service.handle_webhook(*webhook("customers/update", {**update, "note": "vip"}, "update-1b"))
    assert again.reason == "already linked; ERP partner up to date" and again.detail["erp_updated"] == []
    assert len(patches(env)) == 1 and env.sap.posts == 0 and service.store.queue_depth() == 0
    assert len(env.sap.requests) == reads


def test_phone_already_in_the_erp_in_another_format_is_not_pushed(env: Env) -> None:
    service, payload = linked(env, 2)
    bp = partner(env, ERP[2]["CardCode"])
    from normalizers.phone import e164_many

    same_number = e164_many([bp["Phone1"]])[0]
    update = {**payload, "phone": same_number, "first_name": None, "last_name": None}
    result = service.handle_webhook(*webhook("customers/update", update, "update-2"))
    assert result.reason == "already linked; ERP partner up to date" and patches(env) == []


def test_a_renamed_person_is_renamed_in_the_erp_but_a_company_never(env: Env) -> None:
    service, payload = linked(env, 3)
    card = ERP[3]["CardCode"]
    renamed = {**payload, "first_name": "Maria", "last_name": "Lopez"}
    service.handle_webhook(*webhook("customers/update", renamed, "update-3"))
    assert partner(env, card)["CardName"] == "LOPEZ, MARIA"
    crossed = {**renamed, "first_name": "Lopez", "last_name": "Maria"}  # read the other way round: the same
    assert service.handle_webhook(*webhook("customers/update", crossed, "update-3b")).detail["erp_updated"] == []

    company = customer_payload(40, email=None, phone="+16175550199")  # the ERP knows it as SMITH HOLDINGS
    with service.store._tx() as db:
        db.execute("INSERT INTO links VALUES (?, 'C90002', 0)", (f"gid://shopify/Customer/{7_000_000_040}",))
    result = service.handle_webhook(*webhook("customers/update", {**company, "first_name": "Jane",
                                                                  "last_name": "Smith"}, "update-40"))
    assert "CardName" not in result.detail["erp_updated"] and partner(env, "C90002")["CardName"] == "SMITH HOLDINGS"


def test_erp_down_queues_the_updates_and_replays_them_in_order(env: Env) -> None:
    service, payload = linked(env, 4)
    card = ERP[4]["CardCode"]
    env.sap.down = True
    emails = [f"step{i}@example.org" for i in range(3)]
    for i, email in enumerate(emails):
        queued = service.handle_webhook(*webhook("customers/update", {**payload, "email": email}, f"u4-{i}"))
        assert queued.outcome is Outcome.QUEUED
    env.sap.down = False
    env.clock.now += 1
    time.sleep(0.25)  # the breaker's cool-down
    report = service.replay()
    assert report.remaining == 0 and report.dead_lettered == 0
    assert partner(env, card)["EmailAddress"] == emails[-1]  # the last update wins: replayed in order
    assert len(patches(env)) == 3
    outcomes = [service.store.get_event(f"webhook:u4-{i}") for i in range(3)]
    assert all(e is not None and e.outcome is Outcome.LINKED for e in outcomes)


def test_the_option_off_leaves_the_erp_alone(env: Env) -> None:
    service, payload = linked(env, 5, push_contact_updates=False)
    finds = env.sap.finds
    result = service.handle_webhook(*webhook("customers/update", {**payload, "email": "x5@example.org"}, "u5"))
    assert result.outcome is Outcome.LINKED and result.reason == "already linked"
    assert patches(env) == [] and env.sap.finds == finds  # not even read


def test_a_partner_deleted_in_the_erp_is_matched_again(env: Env) -> None:
    service, payload = linked(env, 6)
    env.sap.partners.remove(partner(env, ERP[6]["CardCode"]))
    result = service.handle_webhook(*webhook("customers/update", payload, "u6"))
    assert result.outcome is Outcome.CREATED  # nothing else matches its email: a partner is created
    assert service.store.get_link(f"gid://shopify/Customer/{7_000_000_006}") == result.detail["card_code"]


def test_orders_and_creations_do_not_push(env: Env) -> None:
    service, payload = linked(env, 7)
    changed = {**payload, "email": "other7@example.org"}
    service.handle_webhook(*webhook("orders/create", {"id": 77, "customer": changed}, "o7"))
    service.handle_webhook(*webhook("customers/create", changed, "c7-again"))
    assert patches(env) == []


def test_the_properties_we_write_exist_in_the_service_layer_schema() -> None:
    if not SAP_OPENAPI.exists():
        pytest.skip("../shared/reference/sap-b1/businesspartners.openapi.json is absent")
    properties = json.loads(SAP_OPENAPI.read_text())["components"]["schemas"]["BusinessPartner"]["properties"]
    assert set(CONTACT_FIELDS) <= set(properties)


def test_an_update_delivered_after_a_newer_one_does_not_overwrite_it(env: Env) -> None:
    # Shopify does not order webhooks: an update Shopify retried (our endpoint timed out) may arrive
    # after the customer's next one. Its older e-mail must not overwrite the newer one in the ERP.
    service, payload = linked(env, 6)
    card = ERP[6]["CardCode"]
    newer = {**payload, "email": "second@example.org", "updated_at": "2026-05-06T10:05:00-04:00"}
    older = {**payload, "email": "first@example.org", "updated_at": "2026-05-06T15:00:00+01:00"}  # 10:00 -04:00
    assert service.handle_webhook(*webhook("customers/update", newer, "update-6-new")).outcome is Outcome.LINKED
    late = service.handle_webhook(*webhook("customers/update", older, "update-6-old"))
    assert late.outcome is Outcome.LINKED and "older" in late.reason
    assert partner(env, card)["EmailAddress"] == "second@example.org"
    assert len(patches(env)) == 1
    # a later update goes through as usual
    latest = {**payload, "email": "third@example.org", "updated_at": "2026-05-06T10:06:00-04:00"}
    service.handle_webhook(*webhook("customers/update", latest, "update-6-latest"))
    assert partner(env, card)["EmailAddress"] == "third@example.org"


def test_an_email_changed_back_is_pushed_back(env: Env) -> None:
    # A, then B, then A again: the ERP must end with A, not keep B because A was synced once before
    service, payload = linked(env, 4)
    card = ERP[4]["CardCode"]
    original = ERP[4]["EmailAddress"]
    steps = [("mary.b@example.org", "update-4a"), (original, "update-4b")]
    for email, webhook_id in steps:
        update = {**payload, "email": email, "first_name": None, "last_name": None, "phone": None}
        result = service.handle_webhook(*webhook("customers/update", update, webhook_id))
        assert result.detail["erp_updated"] == ["EmailAddress"], result.reason
        assert partner(env, card)["EmailAddress"] == email
    first_sync = {**payload, "email": "mary.b@example.org", "first_name": None, "last_name": None, "phone": None}
    again = service.handle_webhook(*webhook("customers/update", first_sync, "update-4c"))
    assert again.detail["erp_updated"] == ["EmailAddress"]
    assert partner(env, card)["EmailAddress"] == "mary.b@example.org"
