"""SAP Business One adapter end to end against the loopback Service Layer fake."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity import (
    AuthenticationError,
    CircuitOpenError,
    ConfigurationError,
    NotFoundError,
    RemoteServerError,
    RemoteValidationError,
    TransportError,
)
from identity.adapters import AsyncSapB1Client, CircuitBreaker, SapB1Client, SapB1Settings
from identity.adapters._http import HttpResult
from identity.adapters.sap_b1 import (
    build_customer_filter,
    entity_path,
    next_link,
    odata_literal,
    parse_error,
)
from tests.adapters.conftest import SAP_OPENAPI, sap_settings, serve
from tests.adapters.fakes.sap_b1 import SPECIALS, SapB1Fake, evaluate, parse_filter

PASSWORD = "s3cret-Pa55"


@pytest.fixture(scope="module")
def fake_and_url() -> Iterator[tuple[SapB1Fake, str]]:
    fake = SapB1Fake()
    with serve(fake) as url:
        yield fake, url


@pytest.fixture
def fake(fake_and_url: tuple[SapB1Fake, str]) -> SapB1Fake:
    fake_, _ = fake_and_url
    fake_.fail_queue.clear()
    fake_.delay_queue.clear()
    fake_.malformed_next = 0
    fake_.expire_session_after = None
    fake_.requests.clear()
    fake_.headers_seen.clear()
    fake_.logins = fake_.logouts = 0
    return fake_


@pytest.fixture
def url(fake_and_url: tuple[SapB1Fake, str]) -> str:
    return fake_and_url[1]


@pytest.fixture
def erp(fake: SapB1Fake, url: str, record_sleep: Callable[[float], None]) -> Iterator[SapB1Client]:
    with SapB1Client(sap_settings(url, page_size=100), sleep=record_sleep) as client:
        yield client


def _customers(fake: SapB1Fake) -> int:
    return sum(1 for p in fake.partners if p["CardType"] == "cCustomer")


# --- pure functions --------------------------------------------------------------------------------


def test_literals_double_single_quotes() -> None:
    assert odata_literal("O'Brien") == "'O''Brien'"
    assert "EmailAddress eq 'o''brien@x.com'" in build_customer_filter([], ["o'brien@x.com"])
    assert entity_path("BusinessPartners", "C'OB01") == "BusinessPartners('C''OB01')"


def test_next_link_is_resolved_against_service_or_server_root() -> None:
    base = "https://erp:50000/b1s/v1"
    assert (
        next_link({"odata.nextLink": "BusinessPartners?$skip=20"}, base)
        == base + "/BusinessPartners?$skip=20"
    )
    assert next_link({"@odata.nextLink": "/b1s/v1/BusinessPartners?$skip=40"}, base) == (
        base + "/BusinessPartners?$skip=40"
    )
    assert next_link({"value": []}, base) is None
    with pytest.raises(TransportError):
        next_link({"odata.nextLink": "https://evil.example/steal"}, base)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"error": {"code": -1000, "message": {"lang": "en-us", "value": "Invalid filter"}}},
            "-1000",
            "Invalid filter",
        ),
        ({"error": {"code": "-1000", "message": "Invalid filter"}}, "-1000", "Invalid filter"),
    ],
    ids=["v1-shape", "v2-shape"],
)
def test_both_error_body_shapes(body: dict[str, Any], code: str, message: str) -> None:
    err = parse_error(HttpResult(400, httpx.Headers(), json.dumps(body).encode(), "http://erp/"))
    assert isinstance(err, RemoteValidationError)
    assert err.code == code and message in str(err) and err.system == "sap_b1"


def test_selected_fields_exist_in_the_service_layer_schema() -> None:
    if not SAP_OPENAPI.exists():
        pytest.skip("../shared/reference/sap-b1/businesspartners.openapi.json is absent")
    from identity.adapters.sap_b1 import CONTACT_PHONE_FIELDS, CUSTOMER_FIELDS

    schemas = json.loads(SAP_OPENAPI.read_text())["components"]["schemas"]
    bp = schemas["BusinessPartner"]["properties"]
    assert set(CUSTOMER_FIELDS) | {"PriceListNum", "DiscountPercent", "ContactEmployees"} <= set(bp)
    assert set(CONTACT_PHONE_FIELDS) | {"E_Mail", "CardCode"} <= set(schemas["ContactEmployee"]["properties"])
    assert "cCustomer" in schemas["BoCardTypes"]["enum"]


# --- settings and secrets -------------------------------------------------------------------------


def test_from_env_and_missing_variables() -> None:
    env = {
        "SAP_B1_BASE_URL": "https://erp:50000/b1s/v1/",
        "SAP_B1_COMPANY_DB": "SBODEMOUS",
        "SAP_B1_USERNAME": "manager",
        "SAP_B1_PASSWORD": PASSWORD,
        "SAP_B1_PAGE_SIZE": "250",
    }
    settings = SapB1Settings.from_env(env)
    assert settings.base_url == "https://erp:50000/b1s/v1" and settings.page_size == 250
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)
    with pytest.raises(ConfigurationError) as info:
        SapB1Settings.from_env({"SAP_B1_PASSWORD": PASSWORD})
    assert "SAP_B1_BASE_URL" in str(info.value) and PASSWORD not in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        SapB1Settings.from_env({**env, "SAP_B1_BASE_URL": "ftp://erp/odata"})
    assert PASSWORD not in str(info.value)


def test_password_from_a_callable_provider(fake: SapB1Fake, url: str) -> None:
    asked: list[int] = []

    def provider() -> str:
        asked.append(1)
        return PASSWORD

    with SapB1Client(sap_settings(url, password=provider)) as erp:
        assert erp.discount_for("C90001").price_list_num == 1
    assert asked == [1]


def test_secrets_never_in_repr_logs_or_errors(
    fake: SapB1Fake, url: str, caplog: pytest.LogCaptureFixture, record_sleep: Callable[[float], None]
) -> None:
    # Everything at DEBUG: httpx logs request URLs (the $filter holds the phone) and httpcore's trace
    # prints response headers, Set-Cookie included; both are masked (identity.adapters._logmask).
    caplog.set_level(logging.DEBUG)
    with SapB1Client(sap_settings(url), sleep=record_sleep) as erp:
        list(erp.find_customers(phone="(212) 555-0100"))
        session = erp._proto.cookies["B1SESSION"]
        texts = [repr(erp), str(erp), repr(erp.settings)]
    with SapB1Client(sap_settings(url, password="wrong-" + PASSWORD), sleep=record_sleep) as bad:
        with pytest.raises(AuthenticationError) as info:
            bad.discount_for("C90001")
        texts += [str(info.value), repr(info.value)]
    texts.append(caplog.text)
    assert "HTTP Request: GET" in caplog.text and "Set-Cookie" in caplog.text  # the loggers did speak
    for text in texts:
        assert PASSWORD not in text
        assert session not in text
        assert "5550100" not in text  # the customer's phone, in every spelling


# --- reads -----------------------------------------------------------------------------------------


def test_find_by_phone_queries_six_formats_across_three_fields(erp: SapB1Client, fake: SapB1Fake) -> None:
    found = erp.find_customers(phone="212.555.0100")
    assert {r.source_id for r in found} == {"C'OB01", "C90001", "C90002"}  # the supplier is left out
    query = parse_qs(urlsplit("?" + fake.requests[-1][2]).query)
    filter_ = query["$filter"][0]
    for variant in ("+12125550100", "12125550100", "2125550100", "(212) 555-0100", "+1 212-555-0100"):
        for field in ("Phone1", "Phone2", "Cellular"):
            assert f"{field} eq '{variant}'" in filter_
    assert "CardType eq 'cCustomer'" in filter_
    assert query["$select"][0].startswith("CardCode,CardName")
    assert fake.headers_seen[-1]["HTTP_B1S_CASEINSENSITIVE"] == "true"
    smith = next(r for r in found if r.source_id == "C90001")
    assert smith.phones == ["+12125550100"] and smith.full_name == "SMITH, JOHN"


def test_obrien_is_escaped_and_email_is_case_insensitive(erp: SapB1Client, fake: SapB1Fake) -> None:
    found = erp.find_customers(email="sean.o'brien@example.com")
    assert [r.source_id for r in found] == ["C'OB01"]
    assert "'sean.o''brien@example.com'" in parse_qs(fake.requests[-1][2])["$filter"][0]
    assert found[0].emails == ["Sean.O'Brien@Example.com"]  # kept raw


def test_contact_employees_are_searched_when_asked(erp: SapB1Client) -> None:
    assert erp.find_customers(email="jane@smith-holdings.com") == []
    found = erp.find_customers(email="JANE@smith-holdings.com", include_contacts=True)
    assert [r.source_id for r in found] == ["C90002"]
    by_mobile = erp.find_customers(phone="+1 617 555 0199", include_contacts=True)
    assert [r.source_id for r in by_mobile] == ["C90002"]


def test_find_needs_something_to_search(erp: SapB1Client) -> None:
    with pytest.raises(ValueError):
        erp.find_customers(phone="  ")


@pytest.mark.parametrize(("version", "link_style"), [("v1", "service"), ("v2", "server")])
def test_iter_customers_pages_over_1000_partners(
    version: str, link_style: str, record_sleep: Callable[[float], None]
) -> None:
    fake = SapB1Fake(version=version, link_style=link_style)
    with (
        serve(fake) as url,
        SapB1Client(sap_settings(url, version, page_size=100), sleep=record_sleep) as erp,
    ):
        records = list(erp.iter_customers())
    assert len(records) == _customers(fake) > 1000
    assert len({r.source_id for r in records}) == len(records)
    assert all(r.source == "sap_b1" for r in records)
    assert len(fake.requests) == 1 + 12 + 1  # login, 12 pages, logout
    assert all("odata.maxpagesize=100" in h.get("HTTP_PREFER", "") for h in fake.headers_seen[1:-1])


def test_session_expiry_mid_stream_logs_in_again_once(erp: SapB1Client, fake: SapB1Fake) -> None:
    fake.expire_session_after = 4
    records = list(erp.iter_customers())
    assert len(records) == _customers(fake)
    assert len({r.source_id for r in records}) == len(records)
    assert fake.logins >= 3  # 12 pages at 4 per session


def test_get_partner_by_key(erp: SapB1Client) -> None:
    assert erp.get_partner("C'OB01", ["CardCode", "EmailAddress"]) == {
        "CardCode": "C'OB01", "EmailAddress": "Sean.O'Brien@Example.com"}
    assert erp.get_partner("NOPE") is None


def test_discount_for(erp: SapB1Client) -> None:
    discount = erp.discount_for("C'OB01")
    assert (discount.card_code, discount.price_list_num, discount.discount_percent) == ("C'OB01", 2, 7.5)
    with pytest.raises(NotFoundError) as info:
        erp.discount_for("NOPE")
    assert info.value.code == "-2028"


def test_update_partner_patches_only_the_given_properties_sync_and_async() -> None:
    fake = SapB1Fake(partners=[dict(p) for p in SPECIALS])  # its own fake: the module's stays unchanged
    with serve(fake) as url:
        old_email = next(p for p in fake.partners if p["CardCode"] == "C'OB01")["EmailAddress"]
        with SapB1Client(sap_settings(url, retry_attempts=1)) as erp:
            # (a lookup first: the fake's index of e-mails must follow the change)
            assert [r.source_id for r in erp.find_customers(email=old_email)] == ["C'OB01"]
            for _ in range(2):  # idempotent: the same change twice leaves the same partner
                erp.update_partner("C'OB01", {"EmailAddress": "sean@example.ie", "Cellular": "+353861234567"})
            assert [r.source_id for r in erp.find_customers(email="SEAN@example.ie")] == ["C'OB01"]
            assert erp.find_customers(email=old_email) == []
            with pytest.raises(NotFoundError):
                erp.update_partner("NOPE", {"EmailAddress": "x@example.com"})
            with pytest.raises(RemoteValidationError, match="NoSuchField"):
                erp.update_partner("C90001", {"NoSuchField": 1})
            with pytest.raises(ValueError, match="at least one"):
                erp.update_partner("C90001", {})

        async def rename() -> None:
            async with AsyncSapB1Client(sap_settings(url, retry_attempts=1)) as client:
                await client.update_partner("C90001", {"CardName": "SMITH, JON"})

        asyncio.run(rename())
    sean = next(p for p in fake.partners if p["CardCode"] == "C'OB01")
    assert (sean["EmailAddress"], sean["Cellular"], sean["Phone1"]) == (
        "sean@example.ie", "+353861234567", "(212) 555-0100")
    assert next(p for p in fake.partners if p["CardCode"] == "C90001")["CardName"] == "SMITH, JON"
    patches = [(method, path) for method, path, _ in fake.requests if method == "PATCH"]
    assert patches[:2] == [("PATCH", "/b1s/v1/BusinessPartners('C''OB01')")] * 2 and len(patches) == 5


def test_logout_on_close(fake: SapB1Fake, url: str) -> None:
    with SapB1Client(sap_settings(url)) as erp:
        erp.discount_for("C90001")
    assert fake.logins == 1 and fake.logouts == 1


def test_a_caller_supplied_httpx_client_is_not_closed(fake: SapB1Fake, url: str) -> None:
    with httpx.Client() as http:
        with SapB1Client(sap_settings(url), client=http) as erp:
            erp.discount_for("C90001")
        assert not http.is_closed


# --- faults ----------------------------------------------------------------------------------------


def test_wrong_password_is_an_authentication_error(fake: SapB1Fake, url: str) -> None:
    with SapB1Client(sap_settings(url, password="nope")) as erp, pytest.raises(AuthenticationError) as info:
        erp.discount_for("C90001")
    assert info.value.code == "100000027"


def test_bad_filter_v2_error_shape(record_sleep: Callable[[float], None]) -> None:
    fake = SapB1Fake(version="v2", partners=[])
    with (
        serve(fake) as url,
        SapB1Client(sap_settings(url, "v2"), sleep=record_sleep) as erp,
        pytest.raises(RemoteValidationError) as info,
    ):
        list(erp.query_partners("CardCode gt 'A'"))
    assert info.value.code == "-1000" and "Invalid filter" in str(info.value)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_5xx_burst_is_retried(erp: SapB1Client, fake: SapB1Fake, sleeps: list[float], status: int) -> None:
    erp.login()
    fake.fail_next(2, status)
    assert erp.discount_for("C90001").card_code == "C90001"
    assert len(sleeps) == 2 and all(0 <= s <= 0.05 for s in sleeps)


def test_5xx_that_persists_becomes_remote_server_error(erp: SapB1Client, fake: SapB1Fake) -> None:
    erp.login()
    fake.fail_next(10, 503)
    with pytest.raises(RemoteServerError) as info:
        erp.discount_for("C90001")
    assert info.value.status == 503
    assert len(fake.requests) == 1 + 4  # login, then 4 attempts


def test_500_is_not_retried(erp: SapB1Client, fake: SapB1Fake, sleeps: list[float]) -> None:
    erp.login()
    fake.fail_next(1, 500)
    with pytest.raises(RemoteServerError):
        erp.discount_for("C90001")
    assert sleeps == []


def test_timeout_is_retried_then_typed(erp: SapB1Client, fake: SapB1Fake) -> None:
    erp.login()
    fake.delay_next(1, 0.8)
    assert erp.discount_for("C90001").card_code == "C90001"
    fake.delay_next(4, 0.8)
    with pytest.raises(TransportError) as info:
        erp.discount_for("C90001")
    assert info.value.code == "timeout"


def test_malformed_json_is_a_transport_error(erp: SapB1Client, fake: SapB1Fake) -> None:
    erp.login()
    fake.malformed_next = 1
    with pytest.raises(TransportError) as info:
        erp.discount_for("C90001")
    assert info.value.code == "malformed"


@pytest.mark.parametrize(
    ("body", "call"),
    [
        ({"value": [{"CardName": "SMITH, JOHN"}]}, lambda erp: erp.find_customers(email="a@example.com")),
        ({"value": [{"CardCode": "", "CardName": "SMITH, JOHN"}]}, lambda erp: list(erp.iter_customers())),
        ({"CardCode": "C1", "DiscountPercent": "seven"}, lambda erp: erp.discount_for("C1")),
        ({"CardCode": "C1", "PriceListNum": [2]}, lambda erp: erp.discount_for("C1")),
    ],
    ids=["row_without_card_code", "empty_card_code", "discount_not_a_number", "price_list_a_list"],
)
def test_json_of_the_wrong_shape_is_a_malformed_transport_error(body: Any, call: Callable[[Any], Any]) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Login"):
            return httpx.Response(200, json={"SessionId": "abc"})
        return httpx.Response(200, json=body)

    settings = SapB1Settings(base_url="http://127.0.0.1/b1s/v1", company_db="DB", username="u", password="p")
    with SapB1Client(settings, transport=httpx.MockTransport(answer)) as erp, pytest.raises(TransportError) as info:
        call(erp)
    assert info.value.code == "malformed"


def test_a_next_link_that_repeats_the_page_just_read_ends_the_paging() -> None:
    # A proxy that drops $skip (or a server bug) serves page one again with the same link: stop, do not loop.
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Login"):
            return httpx.Response(200, json={"SessionId": "abc"})
        return httpx.Response(200, json={"value": [{"CardCode": "C1"}], "odata.nextLink": "BusinessPartners?$skip=20"})

    settings = SapB1Settings(base_url="http://127.0.0.1/b1s/v1", company_db="DB", username="u", password="p")
    with SapB1Client(settings, transport=httpx.MockTransport(answer)) as erp, pytest.raises(TransportError) as info:
        for n, _ in enumerate(erp.iter_customers()):
            assert n < 10, "paging did not stop"
    assert info.value.code == "bad_link"


def test_oversized_response_is_refused(fake: SapB1Fake, url: str) -> None:
    settings = sap_settings(url, page_size=500, max_response_bytes=4096)
    with SapB1Client(settings) as erp, pytest.raises(TransportError) as info:
        next(erp.iter_customers())
    assert info.value.code == "too_large"


def test_connection_refused_opens_the_breaker(record_sleep: Callable[[float], None]) -> None:
    with serve(SapB1Fake(partners=[])) as url:
        pass  # the port is closed now
    breaker = CircuitBreaker("sap_b1", threshold=4, cooldown=60)
    with SapB1Client(sap_settings(url), breaker=breaker, sleep=record_sleep) as erp:
        with pytest.raises(TransportError) as info:
            erp.discount_for("C90001")
        assert info.value.code == "connect"
        assert erp.is_down
        with pytest.raises(CircuitOpenError):
            erp.discount_for("C90001")


# --- async -----------------------------------------------------------------------------------------


def test_async_client_end_to_end(fake: SapB1Fake, url: str, sleeps: list[float]) -> None:
    async def main() -> tuple[int, list[str], float]:
        async with AsyncSapB1Client(sap_settings(url, page_size=200), sleep=sleeps.append) as erp:
            fake.expire_session_after = 3
            count = 0
            async for _ in erp.iter_customers():
                count += 1
            fake.expire_session_after = None
            fake.fail_next(1, 504)
            found = await erp.find_customers(phone="+1 212 555 0100", email="o'nobody@example.com")
            discount = await erp.discount_for("C90002")
            assert await erp.get_partner("NOPE") is None
            row = await erp.get_partner("C90002", ["CardName"])
            assert row == {"CardName": "SMITH HOLDINGS"}
            return count, sorted(r.source_id for r in found), discount.discount_percent

    count, found, percent = asyncio.run(main())
    assert count == _customers(fake)
    assert found == ["C'OB01", "C90001", "C90002"]
    assert percent == 10.0 and len(sleeps) == 1 and fake.logouts == 1


@given(st.text(max_size=40))
def test_any_literal_round_trips_through_the_fakes_filter_parser(value: str) -> None:
    tree = parse_filter(f"CardName eq {odata_literal(value)}")
    assert evaluate(tree, lambda name: value, case_insensitive=False)
    assert tree == ("eq", ("field", "CardName"), ("str", value))


def test_settings_errors_never_quote_a_secret() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as wrong_type:  # a password that is not a string
        SapB1Settings(base_url="https://erp/b1s/v1", company_db="DB", username="u", password=80211457)
    assert "80211457" not in str(wrong_type.value)
    with pytest.raises(ValidationError, match="must not hold a user name or password") as in_url:
        SapB1Settings(base_url="https://manager:hunter2@erp:50000/b1s/v1", company_db="DB", username="u",
                      password="p")
    assert "hunter2" not in str(in_url.value)
