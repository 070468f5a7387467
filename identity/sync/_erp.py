"""The ERP writes the sync service needs: create a business partner if it is absent, push contact changes.

The writes go through :meth:`identity.adapters.SapB1Client.create_partner` and
:meth:`~identity.adapters.SapB1Client.update_partner` (session handling, retries and the circuit breaker
as for reads). Both are idempotent: the ``CardCode`` of a new partner is derived from the Shopify customer
id (:func:`partner_code`), SAP's answer "this entry already exists" (code ``-2035``) counts as success, and
an update sends only the values that differ (:func:`contact_changes`), so sending it again changes nothing.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from identity.adapters.sap_b1 import ALREADY_EXISTS, PHONE_FIELDS, SapB1Client

__all__ = ["ALREADY_EXISTS", "CONTACT_FIELDS", "card_name", "contact_changes", "create_partner", "partner_code"]

#: The ``BusinessPartner`` properties read to compare a partner with a Shopify customer. An update writes
#: at most ``EmailAddress``, ``Cellular`` and ``CardName`` (see :func:`contact_changes`).
CONTACT_FIELDS: tuple[str, ...] = ("CardCode", "CardName", "EmailAddress", *PHONE_FIELDS)

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
    name = card_name(first_name, last_name) or (email or phone or card_code)[:100]
    body: dict[str, Any] = {"CardCode": card_code, "CardType": "cCustomer", "CardName": name}
    if email:
        body["EmailAddress"] = email
    if phone:
        body["Cellular"] = phone
    return body


def card_name(first_name: str | None, last_name: str | None) -> str | None:
    """A person's ``CardName`` as the ERP writes it, ``LAST, FIRST`` in capitals (None without a name).

    Examples
    --------
    >>> card_name("Ann", "Lee"), card_name(None, "Lee"), card_name(None, None)
    ('LEE, ANN', 'LEE', None)
    """
    name = ", ".join(p.strip().upper() for p in (last_name, first_name) if p and p.strip())
    return name[:100] or None


def contact_changes(
    partner: Mapping[str, Any],
    *,
    email: str | None,
    phone: str | None,
    first_name: str | None,
    last_name: str | None,
    region: str = "US",
) -> dict[str, str]:
    """The ``PATCH`` body that brings an ERP partner's contact fields in line with a Shopify customer.

    Only what differs is returned, so an empty dict means "nothing to push":

    - ``EmailAddress`` when the email differs (compared case-insensitively);
    - ``Cellular`` when the phone is none of ``Phone1``, ``Phone2``, ``Cellular`` (compared as E.164, so
      ``(212) 555-0100`` in the ERP is the same number as ``+12125550100`` in Shopify);
    - ``CardName`` (``LAST, FIRST``) when both names are given and the partner's ``CardName`` names another
      person, read either way round; a partner whose ``CardName`` is a company is never renamed.

    A value Shopify no longer has is not cleared in the ERP: the ERP often knows more than the shop.

    Examples
    --------
    >>> erp = {"CardName": "SMITH, JOHN", "EmailAddress": "John@Example.com", "Phone1": "(212) 555-0100"}
    >>> contact_changes(erp, email="john@example.com", phone="+12125550100", first_name="John",
    ...                 last_name="Smith")
    {}
    >>> contact_changes(erp, email="js@example.org", phone="+14155550123", first_name="Jon", last_name="Smith")
    {'EmailAddress': 'js@example.org', 'Cellular': '+14155550123', 'CardName': 'SMITH, JON'}
    >>> contact_changes({"CardName": "SMITH HOLDINGS"}, email=None, phone=None, first_name="Jane",
    ...                 last_name="Smith")
    {}
    """
    from normalizers.name import parse_full_name
    from normalizers.phone import e164_many

    changes: dict[str, str] = {}
    held_email = str(partner.get("EmailAddress") or "").strip()
    if email and email.strip() and email.strip().casefold() != held_email.casefold():
        changes["EmailAddress"] = email.strip()
    if phone and phone.strip():
        held = [str(partner.get(f) or "").strip() for f in PHONE_FIELDS]
        wanted, *held_e164 = e164_many([phone, *held], region=region)
        value = wanted or phone.strip()
        if value not in {*held, *held_e164}:
            changes["Cellular"] = value
    name = card_name(first_name, last_name)
    if name and first_name and last_name:
        theirs = parse_full_name(str(partner.get("CardName") or ""))
        ours = parse_full_name(name)
        other_person = (
            theirs is not None and theirs.company is None and ours is not None
            and {theirs.first, theirs.last} != {ours.first, ours.last}
        )
        if theirs is None or other_person:
            changes["CardName"] = name
    return changes


def create_partner(erp: SapB1Client, body: dict[str, Any]) -> bool:
    """``POST BusinessPartners``; True if created now, False if it already existed.

    Raises the adapter's typed errors for anything else (transport, server errors, open circuit).
    """
    return erp.create_partner(body)
