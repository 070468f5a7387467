"""Reconciliation: a full ERP x Shopify comparison that reports and repairs drift."""

from __future__ import annotations

from typing import Any

from identity.sync import Outcome, partner_code
from tests.sync.conftest import Env


def erp_customers(env: Env) -> list[dict[str, Any]]:
    return [p for p in env.sap.partners if p["CardType"] == "cCustomer" and str(p["CardCode"]).startswith("C0")]


def link(env: Env, shopify_id: str, card_code: str) -> None:
    with env.service().store._tx() as db:
        db.execute("INSERT INTO links VALUES (?, ?, 0)", (shopify_id, card_code))


def test_reconcile_links_unlinked_removes_stale_and_rematches_mismatches(env: Env) -> None:
    service = env.service()
    erp = erp_customers(env)
    known = env.shop.add_customer(first_name="A", last_name="Known", email=str(erp[0]["EmailAddress"]))
    new = env.shop.add_customer(first_name="B", last_name="New", email="b.new@example.org")
    wrong = env.shop.add_customer(first_name="C", last_name="Wrong", email=str(erp[1]["EmailAddress"]))
    with service.store._tx() as db:  # drift: a link to a vanished customer, and a link to the wrong partner
        db.execute("INSERT INTO links VALUES ('gid://shopify/Customer/1', ?, 0)", (erp[2]["CardCode"],))
        db.execute("INSERT INTO links VALUES (?, ?, 0)", (wrong["id"], erp[3]["CardCode"]))

    report = service.reconcile(run_id="r1")
    assert report.unlinked == sorted([known["id"], new["id"]])
    assert report.stale_links == ["gid://shopify/Customer/1"]
    assert report.mismatched == [wrong["id"]]
    assert report.shopify_customers == 3 and report.erp_customers == sum(
        1 for p in env.sap.partners if p["CardType"] == "cCustomer") - 1  # before the new partner was made
    assert report.replay is not None and report.replay.remaining == 0
    links = service.store.links()
    assert links[known["id"]] == erp[0]["CardCode"]
    assert links[new["id"]] == partner_code(new["id"]) and env.sap.created == [partner_code(new["id"])]
    assert "gid://shopify/Customer/1" not in links
    assert links[wrong["id"]] == erp[1]["CardCode"]  # the mismatch was matched afresh and relinked
    events = {e.key: e for e in service.store.events()}
    assert {k: e.outcome for k, e in events.items()} == {
        f"reconcile:r1:{known['id']}": Outcome.LINKED,
        f"reconcile:r1:{new['id']}": Outcome.CREATED,
        f"reconcile:r1:{wrong['id']}": Outcome.LINKED,
    }
    rematched = events[f"reconcile:r1:{wrong['id']}"]
    assert rematched.detail["previous_card_code"] == erp[3]["CardCode"]
    assert rematched.reason == f"re-matched ERP partner {erp[1]['CardCode']} (was {erp[3]['CardCode']})"

    again = service.reconcile(run_id="r1")
    assert again.drift == 0 and again.mismatched == []
    assert len(service.store.events()) == 3 and env.sap.posts == 1


def test_a_mismatch_that_matches_no_partner_or_several_ends_needs_review_and_drops_the_link(env: Env) -> None:
    service = env.service()
    erp = erp_customers(env)
    gone = env.shop.add_customer(first_name="D", last_name="Gone", email="moved.away@example.org")
    household = env.shop.add_customer(first_name="E", last_name="Shared", email="shared.line@example.org",
                                      phone="+12125550100")  # the landline of three ERP partners
    link(env, gone["id"], erp[4]["CardCode"])
    link(env, household["id"], erp[5]["CardCode"])
    posts = env.sap.posts

    report = service.reconcile(run_id="r2")
    assert report.mismatched == sorted([gone["id"], household["id"]]) and report.unlinked == []
    events = {e.key: e for e in service.store.events()}
    nobody = events[f"reconcile:r2:{gone['id']}"]
    assert nobody.outcome is Outcome.NEEDS_REVIEW
    assert nobody.reason == f"no ERP partner matches; link to {erp[4]['CardCode']} dropped"
    several = events[f"reconcile:r2:{household['id']}"]
    assert several.outcome is Outcome.NEEDS_REVIEW and several.reason.startswith("3 ERP partners match")
    assert several.detail["candidates"] == ["C'OB01", "C90001", "C90002"]
    assert service.store.links() == {} and env.sap.posts == posts  # nothing linked, no partner created


def test_report_only_changes_nothing(env: Env) -> None:
    service = env.service()
    erp = erp_customers(env)
    wrong = env.shop.add_customer(first_name="C", last_name="Wrong", email=str(erp[1]["EmailAddress"]))
    link(env, wrong["id"], erp[3]["CardCode"])
    report = service.reconcile(run_id="r3", repair=False)
    assert report.mismatched == [wrong["id"]] and report.replay is None
    assert service.store.links() == {wrong["id"]: erp[3]["CardCode"]} and service.store.events() == []


def test_phones_are_compared_as_numbers_not_as_typed(env: Env) -> None:
    service = env.service()
    partner = next(p for p in env.sap.partners if p["CardCode"] == "C'OB01")  # Phone1 "(212) 555-0100"
    moved = env.shop.add_customer(first_name="Sean", last_name="OBrien", email="sean.new@example.ie",
                                  phone="+12125550100")
    link(env, moved["id"], str(partner["CardCode"]))
    assert service.reconcile(run_id="r4").mismatched == []  # other emails, the same phone number


def test_the_same_run_id_after_the_customer_changed_queues_nothing_twice(env: Env) -> None:
    service = env.service()
    customer = env.shop.add_customer(first_name="F", last_name="Later", email="f.later@example.org")
    service.reconcile(run_id="r5")
    env.shop.customers[customer["id"]]["defaultEmailAddress"] = {"emailAddress": "f.changed@example.org"}
    env.shop.customers[customer["id"]]["email"] = "f.changed@example.org"
    service.store.delete_link(customer["id"])  # unlinked again, now with another email
    again = service.reconcile(run_id="r5")
    assert again.unlinked == [customer["id"]]
    assert [e.key for e in service.store.events()] == [f"reconcile:r5:{customer['id']}"]
