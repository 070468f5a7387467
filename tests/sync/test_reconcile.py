"""Reconciliation: a full ERP x Shopify comparison that reports and repairs drift."""

from __future__ import annotations

from identity.sync import Outcome, partner_code
from tests.sync.conftest import Env


def test_reconcile_links_unlinked_removes_stale_and_reports_mismatches(env: Env) -> None:
    service = env.service()
    erp = [p for p in env.sap.partners if p["CardType"] == "cCustomer" and str(p["CardCode"]).startswith("C0")]
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
    outcomes = {e.key: e.outcome for e in service.store.events()}
    assert outcomes == {f"reconcile:r1:{known['id']}": Outcome.LINKED, f"reconcile:r1:{new['id']}": Outcome.CREATED}

    again = service.reconcile(run_id="r1")
    assert again.drift == 1 and again.mismatched == [wrong["id"]]  # the mismatch stays for a human
    assert len(service.store.events()) == 2 and env.sap.posts == 1
