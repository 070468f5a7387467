"""Shopify Admin GraphQL adapter: customers in and out, draft orders, bulk export.

Thin by design: every method builds one GraphQL operation (a pure :class:`Operation`), sends it, and
parses the answer into :class:`~identity.CustomerRecord` or a small model. Cost-based throttling is
handled here: requests are paced from the last ``throttleStatus``, and a ``THROTTLED`` answer (HTTP 200)
or an HTTP 429 is retried after the wait the cost bucket (or ``Retry-After``) implies. ``userErrors``
become :class:`~identity.RemoteValidationError` with ``field`` and ``code``.

Environment variables read by :meth:`ShopifySettings.from_env`:

``SHOPIFY_SHOP``          the shop domain, e.g. ``my-store.myshopify.com``
``SHOPIFY_ACCESS_TOKEN``  Admin API access token (sent as ``X-Shopify-Access-Token``)
``SHOPIFY_API_VERSION``   optional, default ``2025-10``
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from identity._exceptions import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    RemoteServerError,
    RemoteValidationError,
    TransportError,
)
from identity._records import CustomerRecord
from identity.adapters._http import (
    CircuitBreaker,
    HttpResult,
    RetryPolicy,
    SecretSource,
    Timeouts,
    is_testing,
    resolve_secret,
    retry_call,
    retry_call_async,
    send,
    send_async,
)

__all__ = [
    "OPERATIONS",
    "AppliedDiscount",
    "AsyncShopifyClient",
    "DraftOrder",
    "LineItem",
    "Operation",
    "ShopifyClient",
    "ShopifySettings",
    "ThrottleStatus",
    "customer_node_to_record",
    "draft_order_node",
    "parse_graphql_response",
    "throttle_wait",
]

SYSTEM = "shopify"
DEFAULT_API_VERSION = "2025-10"
logger = logging.getLogger("identity.adapters.shopify")
T = TypeVar("T")

# --------------------------------------------------------------------------------------------------
# GraphQL documents (every one is validated against the Admin schema in the tests)

CUSTOMER_SELECTION = """
    id
    firstName
    lastName
    displayName
    defaultEmailAddress { emailAddress }
    defaultPhoneNumber { phoneNumber }
    defaultAddress { address1 address2 city province provinceCode zip country countryCodeV2 company }
    updatedAt
"""

CUSTOMER_BY_IDENTIFIER = (
    "query CustomerByIdentifier($identifier: CustomerIdentifierInput!) {\n"
    "  customerByIdentifier(identifier: $identifier) {" + CUSTOMER_SELECTION + "  }\n}\n"
)

SEARCH_CUSTOMERS = (
    "query SearchCustomers($first: Int!, $after: String, $query: String) {\n"
    "  customers(first: $first, after: $after, query: $query) {\n"
    "    nodes {" + CUSTOMER_SELECTION + "    }\n"
    "    pageInfo { hasNextPage endCursor }\n  }\n}\n"
)

CUSTOMER_SET = (
    "mutation CustomerSet($input: CustomerSetInput!, $identifier: CustomerSetIdentifiers) {\n"
    "  customerSet(input: $input, identifier: $identifier) {\n"
    "    customer {" + CUSTOMER_SELECTION + "    }\n"
    "    userErrors { field message code }\n  }\n}\n"
)

DRAFT_ORDER_SELECTION = """
      id
      name
      status
      invoiceUrl
      tags
      customer { id }
      order { id }
      appliedDiscount { value valueType title }
      totalPriceSet { shopMoney { amount currencyCode } }
"""

DRAFT_ORDER_CREATE = (
    "mutation DraftOrderCreate($input: DraftOrderInput!) {\n"
    "  draftOrderCreate(input: $input) {\n"
    "    draftOrder {" + DRAFT_ORDER_SELECTION + "    }\n"
    "    userErrors { field message }\n  }\n}\n"
)

DRAFT_ORDER_BY_ID = (
    "query DraftOrderById($id: ID!) {\n"
    "  draftOrder(id: $id) {" + DRAFT_ORDER_SELECTION + "  }\n}\n"
)

FIND_DRAFT_ORDERS = (
    "query FindDraftOrders($first: Int!, $query: String!) {\n"
    "  draftOrders(first: $first, query: $query, sortKey: ID) {\n"
    "    nodes {" + DRAFT_ORDER_SELECTION + "    }\n  }\n}\n"
)

DRAFT_ORDER_UPDATE = (
    "mutation DraftOrderUpdate($id: ID!, $input: DraftOrderInput!) {\n"
    "  draftOrderUpdate(id: $id, input: $input) {\n"
    "    draftOrder {" + DRAFT_ORDER_SELECTION + "    }\n"
    "    userErrors { field message }\n  }\n}\n"
)

#: The inner query of the customer bulk export (validated too).
BULK_CUSTOMERS_QUERY = (
    "{\n  customers {\n    edges {\n      node {" + CUSTOMER_SELECTION + "      }\n    }\n  }\n}\n"
)

BULK_RUN_QUERY = """mutation BulkCustomersExport($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

BULK_STATUS = """query BulkOperationStatus($id: ID!) {
  node(id: $id) {
    ... on BulkOperation { id status errorCode objectCount url partialDataUrl }
  }
}
"""

#: Every document the adapter sends, by operation name.
OPERATIONS: dict[str, str] = {
    "CustomerByIdentifier": CUSTOMER_BY_IDENTIFIER,
    "SearchCustomers": SEARCH_CUSTOMERS,
    "CustomerSet": CUSTOMER_SET,
    "DraftOrderCreate": DRAFT_ORDER_CREATE,
    "DraftOrderById": DRAFT_ORDER_BY_ID,
    "FindDraftOrders": FIND_DRAFT_ORDERS,
    "DraftOrderUpdate": DRAFT_ORDER_UPDATE,
    "BulkCustomersExport": BULK_RUN_QUERY,
    "BulkOperationStatus": BULK_STATUS,
    "BulkCustomersQuery": BULK_CUSTOMERS_QUERY,
}


# --------------------------------------------------------------------------------------------------
# Settings and models


class ShopifySettings(BaseModel):
    """Connection settings for the Admin GraphQL API (frozen; the token never shows in a repr).

    Parameters
    ----------
    shop : str
        Shop domain, ``my-store.myshopify.com``.
    access_token : SecretStr or callable
        Admin API token, or a callable returning it.
    api_version : str
        ``YYYY-MM`` (default ``2025-10``).
    base_url : str, optional
        Override ``https://{shop}`` (a proxy, or a loopback fake in tests).

    Examples
    --------
    >>> s = ShopifySettings(shop="demo.myshopify.com", access_token="shpat_secret")
    >>> s.endpoint
    'https://demo.myshopify.com/admin/api/2025-10/graphql.json'
    >>> "shpat_secret" in repr(s)
    False
    """

    # a token of the wrong type (a number) would otherwise be quoted in the ValidationError
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    shop: str
    access_token: SecretSource
    api_version: str = DEFAULT_API_VERSION
    base_url: str | None = None
    timeouts: Timeouts = Timeouts()
    page_size: int = Field(default=100, ge=1, le=250)
    retry_attempts: int = Field(default=5, ge=1)
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=10.0, ge=0)
    max_throttle_wait: float = Field(default=60.0, ge=0)
    default_query_cost: int = Field(default=10, ge=1)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=30.0, ge=0)
    max_response_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    bulk_poll_interval: float = Field(default=2.0, ge=0)
    bulk_timeout: float = Field(default=3600.0, gt=0)

    @field_validator("shop")
    @classmethod
    def _check_shop(cls, value: str) -> str:
        value = value.strip().lower().removeprefix("https://").rstrip("/")
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*(:\d+)?", value):
            raise ValueError("shop must be a domain such as my-store.myshopify.com")
        return value

    @field_validator("api_version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}-\d{2}|unstable", value):
            raise ValueError("api_version must look like 2025-10")
        return value

    @model_validator(mode="after")
    def _check_base_url(self) -> ShopifySettings:
        if self.base_url is not None and not re.fullmatch(r"https?://[^/\s]+", self.base_url.rstrip("/")):
            raise ValueError("base_url must be scheme://host[:port]")
        if self.base_url is not None and "@" in self.base_url:  # it would show in reprs, logs and errors
            raise ValueError("base_url must not hold a user name or password")
        return self

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint, ``https://{shop}/admin/api/{version}/graphql.json``."""
        root = (self.base_url or f"https://{self.shop}").rstrip("/")
        return f"{root}/admin/api/{self.api_version}/graphql.json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ShopifySettings:
        """Settings from ``SHOPIFY_*`` environment variables (see the module docstring).

        Examples
        --------
        >>> env = {"SHOPIFY_SHOP": "demo.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_x"}
        >>> ShopifySettings.from_env(env).api_version
        '2025-10'
        """
        env = os.environ if environ is None else environ
        missing = [name for name in ("SHOPIFY_SHOP", "SHOPIFY_ACCESS_TOKEN") if not env.get(name)]
        if missing:
            raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
        values: dict[str, Any] = {
            "shop": env["SHOPIFY_SHOP"],
            "access_token": SecretStr(env["SHOPIFY_ACCESS_TOKEN"]),
            "api_version": env.get("SHOPIFY_API_VERSION") or DEFAULT_API_VERSION,
        }
        values.update(overrides)
        try:
            return cls(**values)
        except ValueError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in getattr(exc, "errors", list)())
            raise ConfigurationError(f"invalid Shopify settings: {fields}") from None


class LineItem(BaseModel):
    """One draft-order line: a variant, or a custom item with a title and a unit price.

    Examples
    --------
    >>> LineItem(variant_id="gid://shopify/ProductVariant/1", quantity=2).as_input()
    {'quantity': 2, 'variantId': 'gid://shopify/ProductVariant/1'}
    >>> LineItem(title="Gift wrap", quantity=1, unit_price=Decimal("4.50"), currency="CAD").as_input()[
    ...     "originalUnitPriceWithCurrency"]
    {'amount': '4.50', 'currencyCode': 'CAD'}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    quantity: int = Field(ge=1)
    variant_id: str | None = None
    title: str | None = None
    unit_price: Decimal | None = None
    currency: str = "USD"

    @model_validator(mode="after")
    def _variant_or_custom(self) -> LineItem:
        if self.variant_id is None and (self.title is None or self.unit_price is None):
            raise ValueError("a line item needs variant_id, or title and unit_price")
        return self

    def as_input(self) -> dict[str, Any]:
        """The ``DraftOrderLineItemInput`` for this line."""
        out: dict[str, Any] = {"quantity": self.quantity}
        if self.variant_id is not None:
            out["variantId"] = self.variant_id
        if self.title is not None:
            out["title"] = self.title
        if self.unit_price is not None:
            out["originalUnitPriceWithCurrency"] = {
                "amount": str(self.unit_price),
                "currencyCode": self.currency,
            }
        return out


class AppliedDiscount(BaseModel):
    """An order-level discount for a draft order (e.g. the ERP's ``DiscountPercent``).

    Examples
    --------
    >>> AppliedDiscount(value=7.5, title="ERP tier").as_input()
    {'value': 7.5, 'valueType': 'PERCENTAGE', 'title': 'ERP tier'}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float = Field(ge=0)
    value_type: Literal["PERCENTAGE", "FIXED_AMOUNT"] = "PERCENTAGE"
    title: str | None = None
    description: str | None = None

    def as_input(self) -> dict[str, Any]:
        """The ``DraftOrderAppliedDiscountInput`` for this discount."""
        out: dict[str, Any] = {"value": self.value, "valueType": self.value_type}
        if self.title is not None:
            out["title"] = self.title
        if self.description is not None:
            out["description"] = self.description
        return out


class DraftOrder(BaseModel):
    """A draft order as Shopify returned it.

    ``status`` is ``OPEN``, ``INVOICE_SENT`` or ``COMPLETED``; ``order_id`` is the order a completed
    draft became.

    Examples
    --------
    >>> draft = DraftOrder(id="gid://shopify/DraftOrder/1", name="#D1", status="OPEN", tags=("voice-order",))
    >>> draft.name, draft.completed
    ('#D1', False)
    """

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    status: str
    invoice_url: str | None = None
    customer_id: str | None = None
    total_price: Decimal | None = None
    currency: str | None = None
    discount_percent: float | None = None
    tags: tuple[str, ...] = ()
    order_id: str | None = None

    @property
    def completed(self) -> bool:
        """Whether the draft was completed (turned into an order) and can no longer be edited.

        Examples
        --------
        >>> DraftOrder(id="gid://shopify/DraftOrder/1", name="#D1", status="COMPLETED").completed
        True
        """
        return self.status == "COMPLETED" or self.order_id is not None


@dataclass(frozen=True)
class ThrottleStatus:
    """The cost bucket as last reported in ``extensions.cost.throttleStatus``.

    Examples
    --------
    >>> ThrottleStatus(maximum_available=2000, currently_available=50, restore_rate=100).wait_for(250)
    2.0
    """

    maximum_available: float
    currently_available: float
    restore_rate: float

    def wait_for(self, cost: float) -> float:
        """Seconds until ``cost`` points are available (0 when they already are)."""
        return throttle_wait(cost, self.currently_available, self.restore_rate)


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One GraphQL request and how to read its ``data``: the pure half of every client method.

    Examples
    --------
    >>> variables = {"identifier": {"emailAddress": "a@b.co"}}
    >>> op = Operation("CustomerByIdentifier", CUSTOMER_BY_IDENTIFIER, variables, lambda data: data)
    >>> op.name
    'CustomerByIdentifier'
    """

    name: str
    query: str
    variables: Mapping[str, Any]
    parse: Callable[[Mapping[str, Any]], T]


# --------------------------------------------------------------------------------------------------
# Pure parsing


def throttle_wait(requested: float, available: float, restore_rate: float) -> float:
    """Seconds to wait until ``requested`` cost points are back in the bucket.

    Examples
    --------
    >>> throttle_wait(100, 40, 50)
    1.2
    >>> throttle_wait(10, 1990, 100)
    0.0
    """
    if restore_rate <= 0:
        return 1.0
    return round(max(0.0, (requested - available) / restore_rate), 3)


def _throttle_status(cost: Any) -> ThrottleStatus | None:
    try:
        status = cost["throttleStatus"]
        return ThrottleStatus(
            float(status["maximumAvailable"]),
            float(status["currentlyAvailable"]),
            float(status["restoreRate"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _retry_after(value: str | None, default: float = 1.0) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


def parse_graphql_response(result: HttpResult) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """``(data, cost)`` from a GraphQL response, or the typed error it stands for.

    HTTP 429 and ``THROTTLED`` errors become :class:`~identity.RateLimitedError` whose ``retry_after`` is
    the ``Retry-After`` header or the wait the cost bucket implies.

    Examples
    --------
    >>> body = (b'{"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],'
    ...         b' "extensions": {"cost": {"requestedQueryCost": 110, "throttleStatus":'
    ...         b' {"maximumAvailable": 2000, "currentlyAvailable": 10, "restoreRate": 100}}}}')
    >>> try:
    ...     parse_graphql_response(HttpResult(200, httpx.Headers(), body, "https://x/graphql.json"))
    ... except RateLimitedError as exc:
    ...     print(exc.retry_after)
    1.0
    """
    status = result.status_code
    if status == 429:
        raise RateLimitedError(
            f"{SYSTEM}: HTTP 429 Too Many Requests",
            system=SYSTEM,
            code="THROTTLED",
            retry_after=_retry_after(result.headers.get("retry-after")),
        )
    if status in (401, 403):
        raise AuthenticationError(
            f"{SYSTEM}: HTTP {status}, access token refused", system=SYSTEM, code=str(status)
        )
    if status == 404:
        raise NotFoundError(f"{SYSTEM}: HTTP 404 (unknown shop or API version)", system=SYSTEM, code="404")
    if status >= 500:
        raise RemoteServerError(f"{SYSTEM}: HTTP {status}", system=SYSTEM, code=str(status), status=status)
    if not result.ok:
        raise RemoteValidationError(f"{SYSTEM}: HTTP {status}", system=SYSTEM, code=str(status))
    try:
        body = json.loads(result.content)
    except ValueError:
        body = None
    if not isinstance(body, Mapping):
        raise TransportError(
            f"{SYSTEM}: malformed JSON in a {status} response", system=SYSTEM, code="malformed"
        )
    extensions = body.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    cost = cost if isinstance(cost, Mapping) else {}
    errors = body.get("errors")
    if errors:
        _raise_graphql_errors(errors, cost)
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise TransportError(f"{SYSTEM}: response without data", system=SYSTEM, code="malformed")
    return data, cost


def _raise_graphql_errors(errors: Any, cost: Mapping[str, Any]) -> None:
    if not isinstance(errors, list):  # e.g. {"errors": "[API] Invalid API key or access token"}
        raise AuthenticationError(f"{SYSTEM}: {str(errors)[:200]}", system=SYSTEM)
    first: Mapping[str, Any] = errors[0] if errors and isinstance(errors[0], Mapping) else {}
    raw_ext = first.get("extensions")
    ext: Mapping[str, Any] = raw_ext if isinstance(raw_ext, Mapping) else {}
    codes = {
        e.get("extensions", {}).get("code")
        for e in errors
        if isinstance(e, Mapping) and isinstance(e.get("extensions"), Mapping)
    }
    message = str(first.get("message", "GraphQL error"))[:300]
    if "THROTTLED" in codes:
        bucket = _throttle_status(cost)
        requested = float(cost.get("requestedQueryCost") or 0)
        wait = bucket.wait_for(requested) if bucket else 1.0
        raise RateLimitedError(f"{SYSTEM}: throttled", system=SYSTEM, code="THROTTLED", retry_after=wait)
    code = ext.get("code")
    if code == "ACCESS_DENIED":
        raise AuthenticationError(f"{SYSTEM}: {message}", system=SYSTEM, code=code)
    if code == "INTERNAL_SERVER_ERROR":
        raise RemoteServerError(f"{SYSTEM}: {message}", system=SYSTEM, code=code, status=200)
    path = first.get("path")
    raise RemoteValidationError(
        f"{SYSTEM}: {message}",
        system=SYSTEM,
        code=None if code is None else str(code),
        field=[str(p) for p in path] if isinstance(path, list) else None,
    )


def raise_user_errors(payload: Mapping[str, Any] | None, operation: str) -> None:
    """Raise :class:`~identity.RemoteValidationError` if a mutation payload carries ``userErrors``.

    Examples
    --------
    >>> try:
    ...     errors = [{"field": ["email"], "message": "Email is invalid"}]
    ...     raise_user_errors({"userErrors": errors}, "customerSet")
    ... except RemoteValidationError as exc:
    ...     print(exc.field, exc)
    ['email'] shopify: customerSet: Email is invalid
    """
    errors = (payload or {}).get("userErrors") or []
    if not errors:
        return
    first = errors[0]
    messages = "; ".join(str(e.get("message", "")) for e in errors)
    field = first.get("field")
    raise RemoteValidationError(
        f"{SYSTEM}: {operation}: {messages}"[:500],
        system=SYSTEM,
        code=first.get("code"),
        field=[str(f) for f in field] if isinstance(field, list) else None,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def customer_node_to_record(node: Mapping[str, Any]) -> CustomerRecord:
    """A ``Customer`` node (GraphQL or bulk JSONL) as a canonical record.

    Examples
    --------
    >>> customer_node_to_record({"id": "gid://shopify/Customer/1", "firstName": "Karine", "lastName": "Ruby",
    ...     "defaultEmailAddress": {"emailAddress": "karine.ruby@example.com"},
    ...     "defaultPhoneNumber": {"phoneNumber": "+16135550142"}}).phones
    ['+16135550142']
    """
    email = _text((node.get("defaultEmailAddress") or {}).get("emailAddress")) or _text(node.get("email"))
    phone = _text((node.get("defaultPhoneNumber") or {}).get("phoneNumber")) or _text(node.get("phone"))
    address = node.get("defaultAddress") or {}
    street = (
        " ".join(p for p in (_text(address.get("address1")), _text(address.get("address2"))) if p) or None
    )
    return CustomerRecord(
        source=SYSTEM,
        source_id=str(node["id"]),
        first_name=_text(node.get("firstName")),
        last_name=_text(node.get("lastName")),
        full_name=_text(node.get("displayName")),
        emails=[email] if email else [],
        phones=[phone] if phone else [],
        address=street,
        city=_text(address.get("city")),
        postcode=_text(address.get("zip")),
        state=_text(address.get("provinceCode")) or _text(address.get("province")),
        country=_text(address.get("countryCodeV2")) or _text(address.get("country")),
        company=_text(address.get("company")),
    )


def customer_set_input(record: CustomerRecord) -> tuple[dict[str, Any], dict[str, str]]:
    """``(input, identifier)`` for ``customerSet`` from a record: keyed by email, else by phone.

    Examples
    --------
    >>> rec = CustomerRecord(source="sap_b1", source_id="C1", first_name="Ann", emails=["ann@example.com"])
    >>> customer_set_input(rec)
    ({'firstName': 'Ann', 'email': 'ann@example.com'}, {'email': 'ann@example.com'})
    """
    email = record.emails[0] if record.emails else None
    phone = record.phones[0] if record.phones else None
    if not email and not phone:
        raise ValueError("upsert_customer needs an email or a phone to be idempotent")
    data: dict[str, Any] = {}
    for key, value in (("firstName", record.first_name), ("lastName", record.last_name)):
        if value:
            data[key] = value
    if email:
        data["email"] = email
    if phone:
        data["phone"] = phone
    if record.address or record.city or record.postcode:
        address: dict[str, Any] = {}
        for key, value in (("address1", record.address), ("city", record.city), ("zip", record.postcode)):
            if value:
                address[key] = value
        if record.company:
            address["company"] = record.company
        if record.state:
            address["provinceCode" if len(record.state) <= 3 else "province"] = record.state
        if record.country:
            address["countryCode" if re.fullmatch(r"[A-Za-z]{2}", record.country) else "country"] = (
                record.country.upper() if len(record.country) == 2 else record.country
            )
        data["addresses"] = [address]
    identifier = {"email": email} if email else {"phone": str(phone)}
    return data, identifier


def draft_order_node(order: Mapping[str, Any]) -> DraftOrder:
    """A ``DraftOrder`` node (as selected by :data:`DRAFT_ORDER_SELECTION`) as a :class:`DraftOrder`.

    Examples
    --------
    >>> draft = draft_order_node({"id": "gid://shopify/DraftOrder/1", "name": "#D1", "status": "OPEN",
    ...     "tags": ["voice-order"], "appliedDiscount": {"value": 5.0, "valueType": "PERCENTAGE"}})
    >>> draft.discount_percent, draft.tags
    (5.0, ('voice-order',))
    """
    money = ((order.get("totalPriceSet") or {}).get("shopMoney")) or {}
    discount = order.get("appliedDiscount") or {}
    return DraftOrder(
        id=order["id"],
        name=order.get("name") or "",
        status=order.get("status") or "",
        invoice_url=order.get("invoiceUrl"),
        customer_id=(order.get("customer") or {}).get("id"),
        total_price=money.get("amount"),
        currency=money.get("currencyCode"),
        discount_percent=discount.get("value") if discount.get("valueType") == "PERCENTAGE" else None,
        tags=tuple(str(t) for t in order.get("tags") or ()),
        order_id=(order.get("order") or {}).get("id"),
    )


def _draft_mutation(mutation: str) -> Callable[[Mapping[str, Any]], DraftOrder]:
    def parse(data: Mapping[str, Any]) -> DraftOrder:
        payload = data.get(mutation)
        raise_user_errors(payload, mutation)
        order = (payload or {}).get("draftOrder")
        if not isinstance(order, Mapping):
            raise TransportError(
                f"{SYSTEM}: {mutation} returned no draft order", system=SYSTEM, code="malformed"
            )
        return draft_order_node(order)

    return parse


_draft_order = _draft_mutation("draftOrderCreate")
_draft_order_updated = _draft_mutation("draftOrderUpdate")


def _draft_by_id(data: Mapping[str, Any]) -> DraftOrder | None:
    node = data.get("draftOrder")
    return draft_order_node(node) if isinstance(node, Mapping) else None


def _draft_search(data: Mapping[str, Any]) -> list[DraftOrder]:
    nodes = (data.get("draftOrders") or {}).get("nodes") or []
    return [draft_order_node(n) for n in nodes if isinstance(n, Mapping)]


def _customer_set(data: Mapping[str, Any]) -> CustomerRecord:
    payload = data.get("customerSet")
    raise_user_errors(payload, "customerSet")
    node = (payload or {}).get("customer")
    if not isinstance(node, Mapping):
        raise TransportError(f"{SYSTEM}: customerSet returned no customer", system=SYSTEM, code="malformed")
    return customer_node_to_record(node)


def _by_identifier(data: Mapping[str, Any]) -> CustomerRecord | None:
    node = data.get("customerByIdentifier")
    return customer_node_to_record(node) if isinstance(node, Mapping) else None


def _search_page(data: Mapping[str, Any]) -> tuple[list[CustomerRecord], str | None]:
    conn = data.get("customers") or {}
    records = [customer_node_to_record(n) for n in conn.get("nodes") or []]
    info = conn.get("pageInfo") or {}
    return records, (info.get("endCursor") if info.get("hasNextPage") else None)


def _moved(
    after: str | None, page: tuple[list[CustomerRecord], str | None]
) -> tuple[list[CustomerRecord], str | None]:
    """``page``, unless its next cursor is the one it was read with (``hasNextPage`` forever: a loop)."""
    if page[1] is not None and page[1] == after:
        raise _malformed("customers page whose next cursor is the cursor it was read with")
    return page


def _bulk_started(data: Mapping[str, Any]) -> str:
    payload = data.get("bulkOperationRunQuery")
    raise_user_errors(payload, "bulkOperationRunQuery")
    op = (payload or {}).get("bulkOperation") or {}
    if not op.get("id"):
        raise TransportError(f"{SYSTEM}: bulk operation has no id", system=SYSTEM, code="malformed")
    return str(op["id"])


_BULK_FAILED = frozenset({"FAILED", "CANCELED", "CANCELING", "EXPIRED"})


def _bulk_status(data: Mapping[str, Any]) -> tuple[bool, str | None]:
    """``(done, url)``; raises if the operation failed."""
    node = data.get("node")
    if not isinstance(node, Mapping):
        raise NotFoundError(f"{SYSTEM}: bulk operation not found", system=SYSTEM)
    status = node.get("status")
    if status in _BULK_FAILED:
        code = node.get("errorCode") or status
        raise RemoteServerError(
            f"{SYSTEM}: bulk operation {status} ({code})", system=SYSTEM, code=code, status=0
        )
    if status == "COMPLETED":
        return True, node.get("url")
    return False, None


#: What reading a JSON value of the wrong shape raises (a missing key, ``.get`` on a list, ``float("x")``,
#: a pydantic ValidationError): turned into :func:`_malformed`.
_SHAPE_ERRORS = (LookupError, TypeError, AttributeError, ValueError)


def _malformed(what: str) -> TransportError:
    return TransportError(f"{SYSTEM}: {what}", system=SYSTEM, code="malformed")


def _jsonl_record(line: str) -> CustomerRecord | None:
    line = line.strip()
    if not line:
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        raise TransportError(
            f"{SYSTEM}: malformed JSONL line in bulk result", system=SYSTEM, code="malformed"
        ) from None
    if (
        not isinstance(obj, Mapping)
        or "__parentId" in obj
        or not str(obj.get("id", "")).startswith("gid://shopify/Customer/")
    ):
        return None
    try:
        return customer_node_to_record(obj)
    except _SHAPE_ERRORS:
        raise _malformed("bulk result line with a customer of an unexpected shape") from None


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, RateLimitedError):
        return True
    if isinstance(exc, TransportError):
        return exc.code in ("connect", "timeout", "transport")
    return isinstance(exc, RemoteServerError) and exc.status in (500, 502, 503, 504, 200)


class _Pacer:
    """Keeps the last ``throttleStatus`` and says how long to wait before spending ``cost`` points."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._status: ThrottleStatus | None = None
        self._seen_at = 0.0
        self.costs: dict[str, float] = {}

    def observe(self, operation: str, cost: Mapping[str, Any]) -> None:
        status = _throttle_status(cost)
        with self._lock:
            if cost.get("requestedQueryCost") is not None:
                self.costs[operation] = float(cost["requestedQueryCost"])
            if status is not None:
                self._status, self._seen_at = status, self._clock()

    def delay(self, operation: str, default_cost: float) -> float:
        with self._lock:
            if self._status is None:
                return 0.0
            status, elapsed = self._status, self._clock() - self._seen_at
            cost = self.costs.get(operation, default_cost)
        available = min(status.maximum_available, status.currently_available + elapsed * status.restore_rate)
        return throttle_wait(cost, available, status.restore_rate)


class _Base:
    settings: ShopifySettings
    breaker: CircuitBreaker

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        breaker: CircuitBreaker | None,
        sleep: Callable[[float], None] | None,
    ) -> None:
        self.settings = settings
        self._timeout = settings.timeouts.as_httpx().as_dict()
        self._pacer = _Pacer()
        self._sleep = sleep or time.sleep
        kwargs: dict[str, Any] = {}
        if sleep is not None:

            async def _async_sleep(seconds: float) -> None:
                sleep(seconds)

            kwargs.update(sleep=sleep, async_sleep=_async_sleep)
        self._policy = RetryPolicy(
            on=_retryable,
            attempts=settings.retry_attempts,
            base_delay=settings.backoff_base,
            max_delay=settings.backoff_max,
            max_retry_after=settings.max_throttle_wait,
            **kwargs,
        )
        self.breaker = breaker or CircuitBreaker(
            SYSTEM, threshold=settings.breaker_threshold, cooldown=settings.breaker_cooldown
        )

    @property
    def is_down(self) -> bool:
        """True while the circuit breaker holds Shopify as down."""
        return self.breaker.is_down

    @property
    def throttle_status(self) -> ThrottleStatus | None:
        """The cost bucket as last reported by Shopify."""
        return self._pacer._status

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(shop={self.settings.shop!r}, api_version={self.settings.api_version!r})"
        )

    def _request(self, op: Operation[Any]) -> httpx.Request:
        body = {"query": op.query, "variables": dict(op.variables), "operationName": op.name}
        headers = {
            "X-Shopify-Access-Token": resolve_secret(self.settings.access_token),
            "Accept": "application/json",
        }
        return httpx.Request(
            "POST", self.settings.endpoint, json=body, headers=headers, extensions={"timeout": self._timeout}
        )

    def _pace_delay(self, op: Operation[Any]) -> float:
        if is_testing():
            return 0.0
        return min(
            self._pacer.delay(op.name, self.settings.default_query_cost), self.settings.max_throttle_wait
        )

    def _finish(self, op: Operation[T], result: HttpResult) -> T:
        try:
            data, cost = parse_graphql_response(result)
            self._pacer.observe(op.name, cost)
            return op.parse(data)
        except _SHAPE_ERRORS:
            # valid JSON, but not what the operation returns (a node without its id, a list for an object)
            raise _malformed(f"{op.name} answered with data of an unexpected shape") from None

    def _note_throttle(self, op: Operation[Any], exc: RateLimitedError) -> None:
        logger.info("Shopify throttled %s; waiting %.2fs", op.name, exc.retry_after or 0.0)

    # operations ---------------------------------------------------------------------------------

    @staticmethod
    def _op_by_identifier(email: str | None, phone: str | None) -> Operation[CustomerRecord | None]:
        if (email is None) == (phone is None):
            raise ValueError("give exactly one of email= or phone=")
        identifier = (
            {"emailAddress": email.strip()} if email is not None else {"phoneNumber": str(phone).strip()}
        )
        return Operation(
            "CustomerByIdentifier", CUSTOMER_BY_IDENTIFIER, {"identifier": identifier}, _by_identifier
        )

    def _op_search(
        self, query: str, after: str | None, first: int | None
    ) -> Operation[tuple[list[CustomerRecord], str | None]]:
        variables = {"first": first or self.settings.page_size, "after": after, "query": query}
        return Operation("SearchCustomers", SEARCH_CUSTOMERS, variables, _search_page)

    @staticmethod
    def _op_upsert(record: CustomerRecord) -> Operation[CustomerRecord]:
        data, identifier = customer_set_input(record)
        return Operation(
            "CustomerSet", CUSTOMER_SET, {"input": data, "identifier": identifier}, _customer_set
        )

    @staticmethod
    def _op_draft(
        customer_id: str,
        line_items: Sequence[LineItem | Mapping[str, Any]],
        applied_discount: AppliedDiscount | None,
        note: str | None,
        tags: Sequence[str] | None,
    ) -> Operation[DraftOrder]:
        items = [i if isinstance(i, LineItem) else LineItem.model_validate(i) for i in line_items]
        if not items:
            raise ValueError("a draft order needs at least one line item")
        data: dict[str, Any] = {
            "purchasingEntity": {"customerId": customer_id},
            "lineItems": [i.as_input() for i in items],
        }
        if applied_discount is not None:
            data["appliedDiscount"] = applied_discount.as_input()
        if note:
            data["note"] = note
        if tags:
            data["tags"] = list(tags)
        return Operation("DraftOrderCreate", DRAFT_ORDER_CREATE, {"input": data}, _draft_order)

    @staticmethod
    def _op_draft_by_id(draft_order_id: str) -> Operation[DraftOrder | None]:
        return Operation("DraftOrderById", DRAFT_ORDER_BY_ID, {"id": draft_order_id}, _draft_by_id)

    @staticmethod
    def _op_find_drafts(query: str, first: int) -> Operation[list[DraftOrder]]:
        if not query.strip():
            raise ValueError("find_draft_orders needs a search query")
        variables = {"first": first, "query": query}
        return Operation("FindDraftOrders", FIND_DRAFT_ORDERS, variables, _draft_search)

    @staticmethod
    def _op_draft_update(
        draft_order_id: str,
        applied_discount: AppliedDiscount | None,
        tags: Sequence[str] | None,
        note: str | None,
    ) -> Operation[DraftOrder]:
        data: dict[str, Any] = {}
        if applied_discount is not None:
            data["appliedDiscount"] = applied_discount.as_input()
        if tags is not None:
            data["tags"] = list(tags)
        if note is not None:
            data["note"] = note
        if not data:
            raise ValueError("update_draft_order needs something to change")
        variables = {"id": draft_order_id, "input": data}
        return Operation("DraftOrderUpdate", DRAFT_ORDER_UPDATE, variables, _draft_order_updated)

    @staticmethod
    def _op_bulk_run() -> Operation[str]:
        return Operation(
            "BulkCustomersExport", BULK_RUN_QUERY, {"query": BULK_CUSTOMERS_QUERY}, _bulk_started
        )

    @staticmethod
    def _op_bulk_status(operation_id: str) -> Operation[tuple[bool, str | None]]:
        return Operation("BulkOperationStatus", BULK_STATUS, {"id": operation_id}, _bulk_status)

    def _download_request(self, url: str) -> httpx.Request:
        if not url.startswith(("https://", "http://")):
            raise TransportError(f"{SYSTEM}: bulk result URL is not http(s)", system=SYSTEM, code="bad_link")
        # A signed storage URL: the access token must not be sent there.
        return httpx.Request("GET", url, extensions={"timeout": self._timeout})


class ShopifyClient(_Base):
    """Synchronous Admin GraphQL client.

    Parameters
    ----------
    settings : ShopifySettings
    client : httpx.Client, optional
        Used as is and not closed by us (test seam); otherwise one is created and owned.
    transport : httpx.BaseTransport, optional
        Transport for the owned client.
    breaker : CircuitBreaker, optional
    sleep : callable, optional
        Replaces :func:`time.sleep` for retries, pacing and bulk polling.

    Examples
    --------
    >>> def fake(request: httpx.Request) -> httpx.Response:
    ...     return httpx.Response(200, json={"data": {"customerByIdentifier": {
    ...         "id": "gid://shopify/Customer/1", "displayName": "Karine Ruby",
    ...         "defaultPhoneNumber": {"phoneNumber": "+16135550142"}}}})
    >>> settings = ShopifySettings(shop="demo.myshopify.com", access_token="shpat_x")
    >>> with ShopifyClient(settings, transport=httpx.MockTransport(fake)) as shop:
    ...     shop.customer_by_identifier(phone="+16135550142").source_id
    'gid://shopify/Customer/1'
    """

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(settings, breaker=breaker, sleep=sleep)
        self._owns_client = client is None
        self._client = client or httpx.Client(transport=transport, timeout=settings.timeouts.as_httpx())

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if we own it."""
        if self._owns_client:
            self._client.close()

    def execute(self, op: Operation[T]) -> T:
        """Send one operation with pacing, throttle handling, retries and the circuit breaker.

        Examples
        --------
        >>> # shop.execute(Operation("Q", "{ shop { name } }", {}, lambda d: d["shop"]["name"]))
        """

        def attempt() -> T:
            delay = self._pace_delay(op)
            if delay > 0:
                self._sleep(delay)
            result = send(
                self._client, self._request(op), system=SYSTEM, max_bytes=self.settings.max_response_bytes
            )
            try:
                return self._finish(op, result)
            except RateLimitedError as exc:
                self._note_throttle(op, exc)
                raise

        return retry_call(attempt, self._policy, self.breaker)

    def customer_by_identifier(
        self, *, email: str | None = None, phone: str | None = None
    ) -> CustomerRecord | None:
        """The customer with this email or E.164 phone (``customerByIdentifier``), or None.

        Examples
        --------
        >>> # shop.customer_by_identifier(email="karine.ruby@example.com")
        """
        return self.execute(self._op_by_identifier(email, phone))

    def search_customers(self, query: str, *, page_size: int | None = None) -> Iterator[CustomerRecord]:
        """Stream customers matching a Shopify search query (``customers(query:)``), following cursors.

        Examples
        --------
        >>> # list(shop.search_customers('email:"karine.ruby@example.com"'))
        """
        after: str | None = None
        while True:
            records, after = _moved(after, self.execute(self._op_search(query, after, page_size)))
            yield from records
            if after is None:
                return

    def upsert_customer(self, record: CustomerRecord) -> CustomerRecord:
        """Create or update the customer keyed by the record's email (else phone) via ``customerSet``.

        Running it twice with the same record leaves one customer. Returns the stored customer.

        Examples
        --------
        >>> # shop.upsert_customer(CustomerRecord(source="sap_b1", source_id="C1", emails=["a@example.com"]))
        """
        return self.execute(self._op_upsert(record))

    def create_draft_order(
        self,
        customer_id: str,
        line_items: Sequence[LineItem | Mapping[str, Any]],
        *,
        applied_discount: AppliedDiscount | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> DraftOrder:
        """Create a draft order for ``customer_id`` (``draftOrderCreate`` with ``purchasingEntity``).

        Examples
        --------
        >>> # shop.create_draft_order("gid://shopify/Customer/1",
        >>> #     [LineItem(variant_id="gid://shopify/ProductVariant/9", quantity=2)],
        >>> #     applied_discount=AppliedDiscount(value=7.5, title="ERP price tier"))
        """
        return self.execute(self._op_draft(customer_id, line_items, applied_discount, note, tags))

    def draft_order(self, draft_order_id: str) -> DraftOrder | None:
        """The draft order with this id (``draftOrder(id:)``), or None if it does not exist (any more).

        Examples
        --------
        >>> # shop.draft_order("gid://shopify/DraftOrder/1").status  ->  'OPEN'
        """
        return self.execute(self._op_draft_by_id(draft_order_id))

    def find_draft_orders(self, query: str, *, first: int = 10) -> list[DraftOrder]:
        """The first ``first`` draft orders matching a search query (``draftOrders(query:)``), oldest first.

        Shopify's search index is updated asynchronously: a draft created a moment ago may not be found yet.

        Examples
        --------
        >>> # shop.find_draft_orders('tag:"idem-3f2a"')  ->  [DraftOrder(id='gid://shopify/DraftOrder/7', ...)]
        """
        return self.execute(self._op_find_drafts(query, first))

    def update_draft_order(
        self,
        draft_order_id: str,
        *,
        applied_discount: AppliedDiscount | None = None,
        tags: Sequence[str] | None = None,
        note: str | None = None,
    ) -> DraftOrder:
        """Change a draft order (``draftOrderUpdate``); only the fields given are sent.

        ``tags`` replaces the draft's tags. Updating a completed draft fails with
        :class:`~identity.RemoteValidationError` (a ``userErrors`` answer). Sending the same change twice
        leaves the same draft.

        Examples
        --------
        >>> # shop.update_draft_order("gid://shopify/DraftOrder/7", tags=["voice-order"],
        >>> #     applied_discount=AppliedDiscount(value=5.0, title="ERP price tier"))
        """
        return self.execute(self._op_draft_update(draft_order_id, applied_discount, tags, note))

    def export_customers(self) -> Iterator[CustomerRecord]:
        """Every customer via a bulk operation: run, poll until done, stream the JSONL result.

        Examples
        --------
        >>> # for record in shop.export_customers(): ...
        """
        operation_id = self.execute(self._op_bulk_run())
        deadline = time.monotonic() + self.settings.bulk_timeout
        while True:
            done, url = self.execute(self._op_bulk_status(operation_id))
            if done:
                break
            if time.monotonic() > deadline:
                raise TransportError(
                    f"{SYSTEM}: bulk export did not finish in time", system=SYSTEM, code="timeout"
                )
            self._sleep(0.0 if is_testing() else self.settings.bulk_poll_interval)
        if not url:
            return
        request = self._download_request(url)
        try:
            response = self._client.send(request, stream=True)
            try:
                if response.status_code != 200:
                    raise RemoteServerError(
                        f"{SYSTEM}: bulk result download HTTP {response.status_code}",
                        system=SYSTEM,
                        status=response.status_code,
                    )
                for line in response.iter_lines():
                    record = _jsonl_record(line)
                    if record is not None:
                        yield record
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise TransportError(
                f"{SYSTEM}: bulk result download failed ({type(exc).__name__})", system=SYSTEM
            ) from None


class AsyncShopifyClient(_Base):
    """Asynchronous twin of :class:`ShopifyClient` (same settings, records and errors).

    Examples
    --------
    >>> async def main(settings: ShopifySettings) -> None:
    ...     async with AsyncShopifyClient(settings) as shop:
    ...         print(await shop.customer_by_identifier(email="karine.ruby@example.com"))
    """

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(settings, breaker=breaker, sleep=sleep)
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(transport=transport, timeout=settings.timeouts.as_httpx())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if we own it."""
        if self._owns_client:
            await self._client.aclose()

    async def execute(self, op: Operation[T]) -> T:
        """Async twin of :meth:`ShopifyClient.execute`."""

        async def attempt() -> T:
            delay = self._pace_delay(op)
            if delay > 0:
                await self._policy.async_sleep(delay)
            result = await send_async(
                self._client, self._request(op), system=SYSTEM, max_bytes=self.settings.max_response_bytes
            )
            try:
                return self._finish(op, result)
            except RateLimitedError as exc:
                self._note_throttle(op, exc)
                raise

        return await retry_call_async(attempt, self._policy, self.breaker)

    async def customer_by_identifier(
        self, *, email: str | None = None, phone: str | None = None
    ) -> CustomerRecord | None:
        """Async twin of :meth:`ShopifyClient.customer_by_identifier`."""
        return await self.execute(self._op_by_identifier(email, phone))

    async def search_customers(
        self, query: str, *, page_size: int | None = None
    ) -> AsyncIterator[CustomerRecord]:
        """Async twin of :meth:`ShopifyClient.search_customers`."""
        after: str | None = None
        while True:
            records, after = _moved(after, await self.execute(self._op_search(query, after, page_size)))
            for record in records:
                yield record
            if after is None:
                return

    async def upsert_customer(self, record: CustomerRecord) -> CustomerRecord:
        """Async twin of :meth:`ShopifyClient.upsert_customer`."""
        return await self.execute(self._op_upsert(record))

    async def create_draft_order(
        self,
        customer_id: str,
        line_items: Sequence[LineItem | Mapping[str, Any]],
        *,
        applied_discount: AppliedDiscount | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> DraftOrder:
        """Async twin of :meth:`ShopifyClient.create_draft_order`."""
        return await self.execute(self._op_draft(customer_id, line_items, applied_discount, note, tags))

    async def draft_order(self, draft_order_id: str) -> DraftOrder | None:
        """Async twin of :meth:`ShopifyClient.draft_order`."""
        return await self.execute(self._op_draft_by_id(draft_order_id))

    async def find_draft_orders(self, query: str, *, first: int = 10) -> list[DraftOrder]:
        """Async twin of :meth:`ShopifyClient.find_draft_orders`."""
        return await self.execute(self._op_find_drafts(query, first))

    async def update_draft_order(
        self,
        draft_order_id: str,
        *,
        applied_discount: AppliedDiscount | None = None,
        tags: Sequence[str] | None = None,
        note: str | None = None,
    ) -> DraftOrder:
        """Async twin of :meth:`ShopifyClient.update_draft_order`."""
        return await self.execute(self._op_draft_update(draft_order_id, applied_discount, tags, note))

    async def export_customers(self) -> AsyncIterator[CustomerRecord]:
        """Async twin of :meth:`ShopifyClient.export_customers`."""
        operation_id = await self.execute(self._op_bulk_run())
        deadline = time.monotonic() + self.settings.bulk_timeout
        while True:
            done, url = await self.execute(self._op_bulk_status(operation_id))
            if done:
                break
            if time.monotonic() > deadline:
                raise TransportError(
                    f"{SYSTEM}: bulk export did not finish in time", system=SYSTEM, code="timeout"
                )
            await self._policy.async_sleep(0.0 if is_testing() else self.settings.bulk_poll_interval)
        if not url:
            return
        request = self._download_request(url)
        try:
            response = await self._client.send(request, stream=True)
            try:
                if response.status_code != 200:
                    raise RemoteServerError(
                        f"{SYSTEM}: bulk result download HTTP {response.status_code}",
                        system=SYSTEM,
                        status=response.status_code,
                    )
                async for line in response.aiter_lines():
                    record = _jsonl_record(line)
                    if record is not None:
                        yield record
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise TransportError(
                f"{SYSTEM}: bulk result download failed ({type(exc).__name__})", system=SYSTEM
            ) from None
