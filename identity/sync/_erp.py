"""The one ERP write the sync service needs: create a business partner if it is absent.

The write goes through :meth:`identity.adapters.SapB1Client.create_partner` (session handling, retries
and the circuit breaker as for reads). It is idempotent by construction: the ``CardCode`` is derived from
the Shopify customer id (:func:`partner_code`), and SAP's answer "this entry already exists" (code
``-2035``) counts as success.
"""

from __future__ import annotations

import string
from typing import Any

from identity.adapters.sap_b1 import ALREADY_EXISTS, SapB1Client

__all__ = ["ALREADY_EXISTS", "create_partner", "partner_code"]

_DIGITS = string.digits + string.ascii_uppercase


def partner_code(shopify_id: str) -> str:
    """A deterministic ``CardCode`` (at most 15 characters) for a Shopify customer id.

    The numeric id is written in base 36 after the prefix ``SH``.

    Examples
    --------
    >>> partner_code("gid://shopify/Customer/706405506930370084")
    'SH5D7JUPUWN604'
    >>> partner_code("706405506930370084") == partner_code("gid://shopify/Customer/706405506930370084")
    True
    """
    tail = shopify_id.rsplit("/", 1)[-1]
    if not tail.isdigit():
        raise ValueError("a Shopify customer id ends in digits")
    number, out = int(tail), ""
    while True:
        number, rest = divmod(number, 36)
        out = _DIGITS[rest] + out
        if number == 0:
            break
    code = "SH" + out
    if len(code) > 15:
        raise ValueError("Shopify customer id too large for a CardCode")
    return code


def partner_body(
    card_code: str,
    *,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None,
) -> dict[str, Any]:
    """The ``BusinessPartner`` JSON for a new customer (``CardName`` as ``LAST, FIRST``).

    Examples
    --------
    >>> partner_body("SH1", first_name="Ann", last_name="Lee", email="ann@example.com", phone=None)
    {'CardCode': 'SH1', 'CardType': 'cCustomer', 'CardName': 'LEE, ANN', 'EmailAddress': 'ann@example.com'}
    """
    name = ", ".join(p.upper() for p in (last_name, first_name) if p) or (email or phone or card_code)
    body: dict[str, Any] = {"CardCode": card_code, "CardType": "cCustomer", "CardName": name[:100]}
    if email:
        body["EmailAddress"] = email
    if phone:
        body["Cellular"] = phone
    return body


def create_partner(erp: SapB1Client, body: dict[str, Any]) -> bool:
    """``POST BusinessPartners``; True if created now, False if it already existed.

    Raises the adapter's typed errors for anything else (transport, server errors, open circuit).
    """
    return erp.create_partner(body)
