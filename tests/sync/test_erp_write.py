"""SapB1Client.create_partner (sync and async) against the loopback SAP fake that accepts POSTs."""

from __future__ import annotations

import asyncio

import pytest

from identity import RemoteServerError
from identity.adapters import AsyncSapB1Client, SapB1Client
from identity.sync._erp import partner_body, partner_code
from tests.adapters.conftest import sap_settings, serve
from tests.adapters.fakes.sap_b1 import WritableSapFake
from tests.sync.conftest import small_partners


def test_create_partner_is_idempotent_on_card_code() -> None:
    fake = WritableSapFake(partners=small_partners())
    body = partner_body(
        partner_code("7000000001"),
        first_name="Ann",
        last_name="Lee",
        email="ann@example.org",
        phone="+12127365000",
    )
    with serve(fake) as url:
        with SapB1Client(sap_settings(url, retry_attempts=1)) as erp:
            assert erp.create_partner(body) is True
            assert erp.create_partner(body) is False  # -2035 "already exists" is not an error
            assert [r.source_id for r in erp.find_customers(email="ANN@example.org")] == [body["CardCode"]]

        async def twice() -> tuple[bool, bool]:
            other = {**body, "CardCode": partner_code("7000000002")}
            async with AsyncSapB1Client(sap_settings(url, retry_attempts=1)) as client:
                return await client.create_partner(other), await client.create_partner(other)

        assert asyncio.run(twice()) == (True, False)
    assert fake.created == [partner_code("7000000001"), partner_code("7000000002")]


def test_create_partner_raises_typed_errors_when_the_erp_is_down() -> None:
    fake = WritableSapFake(partners=small_partners())
    fake.down = True
    body = partner_body("SH1", first_name="A", last_name="B", email=None, phone=None)
    with (
        serve(fake) as url,
        SapB1Client(sap_settings(url, retry_attempts=1)) as erp,
        pytest.raises(RemoteServerError),
    ):
        erp.create_partner(body)
