"""Shopify adapter end to end against the loopback Admin GraphQL fake."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from identity import (
    AuthenticationError,
    ConfigurationError,
    CustomerRecord,
    RateLimitedError,
    RemoteServerError,
    RemoteValidationError,
    TransportError,
)
from identity.adapters import (
    AppliedDiscount,
    AsyncShopifyClient,
    LineItem,
    ShopifyClient,
    ShopifySettings,
)
from identity.adapters._http import HttpResult
from identity.adapters.shopify import OPERATIONS, customer_node_to_record, parse_graphql_response
from tests.adapters.conftest import RECORDED, needs_shopify_schema, serve, shopify_settings

pytestmark = needs_shopify_schema


@pytest.fixture(scope="module")
def fake_and_url() -> Iterator[tuple[Any, str]]:
    from tests.adapters.fakes.shopify import ShopifyFake

    fake = ShopifyFake()
    with serve(fake) as url:
        yield fake, url


@pytest.fixture
def fake(fake_and_url: tuple[Any, str]) -> Any:
    fake_ = fake_and_url[0]
    fake_.customers.clear()
    fake_.draft_orders.clear()
    fake_.operations.clear()
    fake_.fail_queue.clear()
    fake_.delay_queue.clear()
    fake_.throttle_next = fake_.http429_next = fake_.malformed_next = 0
    fake_.add_customer(
        first_name="Karine",
        last_name="Ruby",
        email="karine.ruby@example.com",
        phone="+16135550142",
        city="Ottawa",
    )
    for i in range(4):
        fake_.add_customer(first_name=f"Casey{i}", last_name="Contact", email=f"casey{i}@example.com")
    yield fake_
    assert fake_.validation_errors == []


@pytest.fixture
def url(fake_and_url: tuple[Any, str]) -> str:
    return fake_and_url[1]


@pytest.fixture
def shop(fake: Any, url: str, record_sleep: Callable[[float], None]) -> Iterator[ShopifyClient]:
    with ShopifyClient(shopify_settings(url), sleep=record_sleep) as client:
        yield client


# --- every document is valid against the reference schema -----------------------------------------


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_validates_against_admin_schema(name: str) -> None:
    from tests.adapters.fakes.shopify import schema_errors

    assert schema_errors(OPERATIONS[name]) == []


def test_parser_reads_recorded_responses() -> None:
    if not RECORDED.exists():
        pytest.skip("../shared/reference/shopify/recorded is absent")
    recorded = json.loads((RECORDED / "customer-by-identifier.json").read_text())["positiveAndMissing"]
    data, cost = parse_graphql_response(HttpResult(200, httpx.Headers(), json.dumps(recorded).encode(), "x"))
    record = customer_node_to_record(data["byId"])
    assert record.phones == ["+16135550142"] and record.emails == ["karine.ruby@example.com"]
    assert record.city == "Ottawa" and cost["throttleStatus"]["restoreRate"] == 100
    bad = json.loads((RECORDED / "customer-by-identifier.json").read_text())["emptyIdentifier"]["payload"]
    with pytest.raises(RemoteValidationError) as info:
        parse_graphql_response(HttpResult(200, httpx.Headers(), json.dumps(bad).encode(), "x"))
    assert info.value.code == "INVALID_VARIABLE"


# --- settings and secrets -------------------------------------------------------------------------


def test_settings_from_env_and_secrecy() -> None:
    settings = ShopifySettings.from_env(
        {
            "SHOPIFY_SHOP": "Demo.myshopify.com",
            "SHOPIFY_ACCESS_TOKEN": "shpat_zz",
            "SHOPIFY_API_VERSION": "2025-07",
        }
    )
    assert settings.endpoint == "https://demo.myshopify.com/admin/api/2025-07/graphql.json"
    assert "shpat_zz" not in repr(settings) and "shpat_zz" not in str(settings)
    with pytest.raises(ConfigurationError, match="SHOPIFY_ACCESS_TOKEN"):
        ShopifySettings.from_env({"SHOPIFY_SHOP": "demo.myshopify.com"})
    with pytest.raises(ConfigurationError) as info:
        ShopifySettings.from_env(
            {
                "SHOPIFY_SHOP": "demo.myshopify.com",
                "SHOPIFY_ACCESS_TOKEN": "shpat_zz",
                "SHOPIFY_API_VERSION": "latest",
            }
        )
    assert "shpat_zz" not in str(info.value)


def test_token_never_in_logs_or_errors(fake: Any, url: str, caplog: pytest.LogCaptureFixture) -> None:
    from tests.adapters.fakes.shopify import TOKEN

    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="identity")
    with ShopifyClient(shopify_settings(url)) as shop:
        shop.customer_by_identifier(email="karine.ruby@example.com")
        texts = [repr(shop), repr(shop.settings)]
    with ShopifyClient(shopify_settings(url, access_token="shpat_wrong")) as shop:
        with pytest.raises(AuthenticationError) as info:
            shop.customer_by_identifier(email="karine.ruby@example.com")
        texts += [str(info.value), repr(info.value)]
    texts.append(caplog.text)
    assert not any(TOKEN in t or "shpat_wrong" in t for t in texts)


# --- reads and writes -----------------------------------------------------------------------------


def test_customer_by_identifier(shop: ShopifyClient, fake: Any) -> None:
    by_email = shop.customer_by_identifier(email=" karine.ruby@example.com")
    by_phone = shop.customer_by_identifier(phone="+16135550142")
    assert by_email is not None and by_phone is not None
    assert by_email.source_id == by_phone.source_id and by_email.source == "shopify"
    assert by_email.first_name == "Karine" and by_email.country == "CA"
    assert shop.customer_by_identifier(email="missing@example.com") is None
    with pytest.raises(ValueError):
        shop.customer_by_identifier(email="a@b.co", phone="+1")
    assert shop.throttle_status is not None and shop.throttle_status.restore_rate == 1000


def test_search_customers_follows_cursors(shop: ShopifyClient, fake: Any) -> None:
    records = list(shop.search_customers("email:example.com", page_size=2))
    assert len(records) == 5 and len({r.source_id for r in records}) == 5
    assert fake.operations.count("SearchCustomers") == 3


def test_upsert_customer_is_idempotent(shop: ShopifyClient, fake: Any) -> None:
    erp = CustomerRecord(
        source="sap_b1",
        source_id="C90001",
        first_name="John",
        last_name="Smith",
        emails=["john.smith@gmail.com"],
        phones=["+12125550100"],
        address="5 Elm St",
        city="New York",
        postcode="10001",
        state="NY",
        country="US",
    )
    first = shop.upsert_customer(erp)
    second = shop.upsert_customer(erp)
    assert first.source_id == second.source_id
    assert len([c for c in fake.customers.values() if c["email"] == "john.smith@gmail.com"]) == 1
    assert second.state == "NY" and second.country == "US" and second.phones == ["+12125550100"]


def test_user_errors_become_typed_errors(shop: ShopifyClient) -> None:
    with pytest.raises(RemoteValidationError) as info:
        shop.upsert_customer(CustomerRecord(source="x", source_id="1", emails=["foo@"]))
    assert info.value.field == ["input", "email"] and "Email is invalid" in str(info.value)


def test_create_draft_order_with_erp_discount(shop: ShopifyClient, fake: Any) -> None:
    customer = shop.customer_by_identifier(email="karine.ruby@example.com")
    assert customer is not None
    order = shop.create_draft_order(
        customer.source_id,
        [
            LineItem(variant_id="gid://shopify/ProductVariant/1", quantity=2),
            {"title": "Gift wrap", "quantity": 1, "unit_price": "5.00"},
        ],
        applied_discount=AppliedDiscount(value=10, title="ERP price list 2"),
        note="voice order",
    )
    assert order.customer_id == customer.source_id and order.status == "OPEN"
    assert order.discount_percent == 10 and str(order.total_price) == "22.50"
    sent = fake.draft_orders[order.id]["input"]
    assert sent["purchasingEntity"] == {"customerId": customer.source_id}


def test_draft_orders_are_read_found_by_tag_and_updated(shop: ShopifyClient, fake: Any) -> None:
    customer = shop.customer_by_identifier(email="karine.ruby@example.com")
    assert customer is not None
    line = LineItem(title="Tea", unit_price=Decimal("20.00"), quantity=1)
    created = shop.create_draft_order(customer.source_id, [line], tags=["voice-order", "idem-abc", "erp-pending"])
    shop.create_draft_order(customer.source_id, [line], tags=["voice-order", "idem-other"])
    assert created.tags == ("erp-pending", "idem-abc", "voice-order") and created.discount_percent is None
    assert [d.id for d in shop.find_draft_orders('tag:"idem-abc"')] == [created.id]
    assert shop.find_draft_orders("tag:idem-missing") == []
    read = shop.draft_order(created.id)
    assert read is not None and read.status == "OPEN" and not read.completed
    assert shop.draft_order("gid://shopify/DraftOrder/1") is None

    discount = AppliedDiscount(value=5.0, title="ERP price tier")
    updated = [shop.update_draft_order(created.id, applied_discount=discount, tags=["voice-order", "idem-abc"])
               for _ in range(2)]
    assert updated[0] == updated[1]  # the same change twice leaves the same draft
    assert updated[0].discount_percent == 5.0 and str(updated[0].total_price) == "19.00"
    assert updated[0].tags == ("idem-abc", "voice-order")
    sent = fake.draft_orders[created.id]["input"]
    assert sent["lineItems"] == [line.as_input()]  # the lines are left alone
    with pytest.raises(ValueError, match="something to change"):
        shop.update_draft_order(created.id)

    fake.complete_draft_order(created.id)
    done = shop.draft_order(created.id)
    assert done is not None and done.completed and done.order_id is not None
    with pytest.raises(RemoteValidationError, match="can't be edited"):
        shop.update_draft_order(created.id, tags=["voice-order"])


def test_draft_order_for_unknown_customer(shop: ShopifyClient) -> None:
    with pytest.raises(RemoteValidationError) as info:
        shop.create_draft_order(
            "gid://shopify/Customer/1", [LineItem(variant_id="gid://shopify/ProductVariant/1", quantity=1)]
        )
    assert info.value.field == ["purchasingEntity", "customerId"]


def test_bulk_export_streams_every_customer(shop: ShopifyClient, fake: Any) -> None:
    records = list(shop.export_customers())
    assert sorted(r.source_id for r in records) == sorted(fake.customers)
    assert fake.operations.count("BulkOperationStatus") == fake.bulk_polls + 1
    karine = next(r for r in records if r.first_name == "Karine")
    assert karine.emails == ["karine.ruby@example.com"] and karine.phones == ["+16135550142"]


# --- throttling and faults ------------------------------------------------------------------------


def test_throttled_200_is_retried_after_the_bucket_wait(
    shop: ShopifyClient, fake: Any, sleeps: list[float]
) -> None:
    fake.throttle_next = 2
    assert shop.customer_by_identifier(email="karine.ruby@example.com") is not None
    waits = [s for s in sleeps if s > 0]
    assert len(waits) >= 2 and all(0.01 <= s < 0.2 for s in waits[:2])  # ~cost/restoreRate


def test_429_with_retry_after(shop: ShopifyClient, fake: Any, sleeps: list[float]) -> None:
    fake.http429_next = 1
    assert shop.customer_by_identifier(email="karine.ruby@example.com") is not None
    assert any(0.05 <= s <= 0.06 for s in sleeps)


def test_throttled_beyond_the_budget(fake: Any, url: str, record_sleep: Callable[[float], None]) -> None:
    fake.throttle_next = 10
    settings = shopify_settings(url, retry_attempts=3)
    with ShopifyClient(settings, sleep=record_sleep) as shop, pytest.raises(RateLimitedError) as info:
        shop.customer_by_identifier(email="karine.ruby@example.com")
    assert info.value.retry_after is not None and info.value.code == "THROTTLED"


def test_requests_are_paced_from_throttle_status(sleeps: list[float]) -> None:
    def low_bucket(request: httpx.Request) -> httpx.Response:
        cost = {
            "requestedQueryCost": 50,
            "actualQueryCost": 50,
            "throttleStatus": {"maximumAvailable": 2000, "currentlyAvailable": 0, "restoreRate": 100},
        }
        return httpx.Response(
            200, json={"data": {"customerByIdentifier": None}, "extensions": {"cost": cost}}
        )

    settings = ShopifySettings(shop="demo.myshopify.com", access_token="t")
    with ShopifyClient(settings, transport=httpx.MockTransport(low_bucket), sleep=sleeps.append) as shop:
        shop.customer_by_identifier(email="a@example.com")
        assert sleeps == []
        shop.customer_by_identifier(email="a@example.com")
    assert len(sleeps) == 1 and 0.4 < sleeps[0] <= 0.5  # 50 points at 100/s, minus the time elapsed


def test_5xx_burst_is_retried(shop: ShopifyClient, fake: Any, sleeps: list[float]) -> None:
    fake.fail_next(3, 503)
    assert shop.customer_by_identifier(email="karine.ruby@example.com") is not None
    assert len([s for s in sleeps if s > 0 or s == 0]) == 3


def test_5xx_that_persists(shop: ShopifyClient, fake: Any) -> None:
    fake.fail_next(10, 502)
    with pytest.raises(RemoteServerError) as info:
        shop.customer_by_identifier(email="karine.ruby@example.com")
    assert info.value.status == 502


def test_timeout_then_success_and_persistent_timeout(
    fake: Any, url: str, record_sleep: Callable[[float], None]
) -> None:
    with ShopifyClient(shopify_settings(url, retry_attempts=2), sleep=record_sleep) as shop:
        fake.delay_next(1, 0.8)
        assert shop.customer_by_identifier(email="karine.ruby@example.com") is not None
        fake.delay_next(2, 0.8)
        with pytest.raises(TransportError) as info:
            shop.customer_by_identifier(email="karine.ruby@example.com")
    assert info.value.code == "timeout"


def test_malformed_json(shop: ShopifyClient, fake: Any) -> None:
    fake.malformed_next = 1
    with pytest.raises(TransportError) as info:
        shop.customer_by_identifier(email="karine.ruby@example.com")
    assert info.value.code == "malformed"


CUSTOMER = CustomerRecord(source="sap_b1", source_id="C1", emails=["ann@example.com"])
DRAFT_LINES = [LineItem(variant_id="gid://shopify/ProductVariant/1", quantity=1)]


@pytest.mark.parametrize(
    ("body", "call"),
    [
        ({"data": {"customerByIdentifier": {"firstName": "Ann"}}},  # a node without its id
         lambda shop: shop.customer_by_identifier(email="ann@example.com")),
        ({"data": {"customers": [{"id": "gid://shopify/Customer/1"}]}}, lambda shop: list(shop.search_customers("x"))),
        ({"data": {"customers": {"nodes": ["gid://shopify/Customer/1"]}}}, lambda shop: list(shop.search_customers("x"))),
        ({"data": {"customerSet": {"userErrors": ["Email is invalid"]}}}, lambda shop: shop.upsert_customer(CUSTOMER)),
        ({"data": {"draftOrderCreate": {"draftOrder": {"name": "#D1"}, "userErrors": []}}},
         lambda shop: shop.create_draft_order("gid://shopify/Customer/1", DRAFT_LINES)),
        ({"data": {"draftOrder": {"id": "gid://shopify/DraftOrder/1", "appliedDiscount":
                                  {"value": "five", "valueType": "PERCENTAGE"}}}},
         lambda shop: shop.draft_order("gid://shopify/DraftOrder/1")),
        ({"data": {"customerByIdentifier": None}, "extensions": {"cost": {"requestedQueryCost": "ten"}}},
         lambda shop: shop.customer_by_identifier(email="ann@example.com")),
        ({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
          "extensions": {"cost": {"requestedQueryCost": "ten"}}},
         lambda shop: shop.customer_by_identifier(email="ann@example.com")),
    ],
    ids=["node_without_id", "connection_is_a_list", "node_is_a_string", "user_error_is_a_string",
         "draft_without_id", "discount_not_a_number", "cost_not_a_number", "throttled_cost_not_a_number"],
)
def test_json_of_the_wrong_shape_is_a_malformed_transport_error(body: Any, call: Callable[[Any], Any]) -> None:
    # Valid JSON that is not what the operation returns is as malformed as broken JSON: a typed error,
    # never a KeyError or AttributeError from inside the parser (the sync service would crash on it).
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    settings = ShopifySettings(shop="demo.myshopify.com", access_token="t", retry_attempts=1)
    with ShopifyClient(settings, transport=transport) as shop, pytest.raises(TransportError) as info:
        call(shop)
    assert info.value.code == "malformed"


def test_a_cursor_that_does_not_move_ends_the_paging() -> None:
    page = {"nodes": [{"id": "gid://shopify/Customer/1"}], "pageInfo": {"hasNextPage": True, "endCursor": "c1"}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"data": {"customers": page}}))
    settings = ShopifySettings(shop="demo.myshopify.com", access_token="t", retry_attempts=1)
    with ShopifyClient(settings, transport=transport) as shop, pytest.raises(TransportError) as info:
        for n, _ in enumerate(shop.search_customers("x")):
            assert n < 10, "paging did not stop"
    assert info.value.code == "malformed"


def test_oversized_response(fake: Any, url: str) -> None:
    for i in range(40):
        fake.add_customer(first_name="X" * 50, last_name=f"Big{i}", email=f"big{i}@example.com")
    settings = shopify_settings(url, max_response_bytes=2048)
    with ShopifyClient(settings) as shop, pytest.raises(TransportError) as info:
        list(shop.search_customers("email:example.com", page_size=50))
    assert info.value.code == "too_large"


# --- async -----------------------------------------------------------------------------------------


def test_async_client_end_to_end(fake: Any, url: str, sleeps: list[float]) -> None:
    async def main() -> tuple[str | None, int, int, str]:
        async with AsyncShopifyClient(shopify_settings(url), sleep=sleeps.append) as shop:
            fake.throttle_next = 1
            found = await shop.customer_by_identifier(phone="+16135550142")
            searched = [r async for r in shop.search_customers("email:example.com", page_size=2)]
            exported = [r async for r in shop.export_customers()]
            record = await shop.upsert_customer(
                CustomerRecord(source="x", source_id="1", phones=["+14155558744"])
            )
            order = await shop.create_draft_order(
                record.source_id, [LineItem(variant_id="gid://shopify/ProductVariant/1", quantity=1)],
                tags=["idem-async"],
            )
            found_drafts = await shop.find_draft_orders("tag:idem-async")
            updated = await shop.update_draft_order(order.id, applied_discount=AppliedDiscount(value=2.5))
            read = await shop.draft_order(order.id)
            assert [d.id for d in found_drafts] == [order.id] and read == updated
            assert updated.discount_percent == 2.5
            return (found.first_name if found else None), len(searched), len(exported), order.status

    first_name, searched, exported, status = asyncio.run(main())
    assert (first_name, searched, exported, status) == ("Karine", 5, 5, "OPEN")


def test_settings_errors_never_quote_a_secret() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as wrong_type:  # a token that is not a string
        ShopifySettings(shop="demo.myshopify.com", access_token=80211457)
    assert "80211457" not in str(wrong_type.value)
    with pytest.raises(ValidationError, match="must not hold a user name or password") as in_url:
        ShopifySettings(shop="demo.myshopify.com", access_token="x", base_url="https://app:shpat_9f2c@127.0.0.1:8443")
    assert "shpat_9f2c" not in str(in_url.value)
