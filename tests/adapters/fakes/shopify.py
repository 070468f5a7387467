"""A loopback fake of the Shopify Admin GraphQL API, as a WSGI app.

Requests are parsed and validated with graphql-core against the reference Admin schema, then executed
against in-memory customers and draft orders with root resolvers, so any field the adapter asks for must
exist in the real schema. Responses carry ``extensions.cost`` shaped like the recordings, from a real
leaky bucket. Fault knobs: ``throttle_next``, ``http429_next``, ``fail_next``, ``delay_next``,
``malformed_next``; bulk operations complete after ``bulk_polls`` polls and their JSONL is served on the
same server. Draft orders can be read by id, searched by tag and updated (refused once completed, see
``complete_draft_order``).
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, build_schema, execute, parse, validate

StartResponse = Callable[..., Any]
SCHEMA_PATH = (
    Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "shopify" / "admin-2025-10.graphql"
)
TOKEN = "shpat_fake_token_do_not_log"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@functools.cache
def load_schema() -> GraphQLSchema | None:
    """The reference Admin schema, or None when ../shared/reference is absent."""
    path = SCHEMA_PATH.resolve()
    if not path.exists():
        return None
    return build_schema(path.read_text(encoding="utf-8"), assume_valid=True)


def schema_errors(query: str) -> list[str]:
    """Validation errors of ``query`` against the reference schema (empty when valid)."""
    schema = load_schema()
    assert schema is not None
    try:
        document = parse(query)
    except GraphQLError as exc:
        return [exc.message]
    return [e.message for e in validate(schema, document)]


class ShopifyFake:
    """WSGI app for ``/admin/api/{version}/graphql.json`` and ``/bulk/{n}.jsonl``."""

    def __init__(
        self, *, version: str = "2025-10", restore_rate: float = 1000.0, maximum: float = 2000.0
    ) -> None:
        schema = load_schema()
        if schema is None:
            raise RuntimeError("the Shopify fake needs ../shared/reference/shopify/admin-2025-10.graphql")
        self.schema = schema
        self.version = version
        self.lock = threading.Lock()
        self.customers: dict[str, dict[str, Any]] = {}
        self.draft_orders: dict[str, dict[str, Any]] = {}
        self.bulk_ops: dict[str, dict[str, Any]] = {}
        self.next_id = 10_000_000
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.available = maximum
        self.last_restore = time.monotonic()
        self.bulk_polls = 2
        self.operations: list[str] = []
        self.validation_errors: list[str] = []
        # query text -> its parsed document and validation errors (the adapter sends a few texts, over and
        # over; parsing and validating one against the Admin schema costs ten times executing it)
        self._checked: dict[str, tuple[DocumentNode, list[GraphQLError]]] = {}
        self.tokens_seen: list[str | None] = []
        # fault knobs
        self.throttle_next = 0
        self.http429_next = 0
        self.retry_after = "0.05"
        self.fail_queue: list[int] = []
        self.delay_queue: list[float] = []
        self.malformed_next = 0

    def fail_next(self, n: int, status: int = 503) -> None:
        self.fail_queue.extend([status] * n)

    def delay_next(self, n: int, seconds: float) -> None:
        self.delay_queue.extend([seconds] * n)

    # state helpers -------------------------------------------------------------------------------
    def _gid(self, kind: str) -> str:
        self.next_id += 1
        return f"gid://shopify/{kind}/{self.next_id}"

    def add_customer(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        city: str | None = None,
    ) -> dict[str, Any]:
        gid = self._gid("Customer")
        customer = {
            "id": gid,
            "firstName": first_name,
            "lastName": last_name,
            "displayName": " ".join(p for p in (first_name, last_name) if p) or email or phone or "",
            "email": email,
            "phone": phone,
            "defaultEmailAddress": {"emailAddress": email} if email else None,
            "defaultPhoneNumber": {"phoneNumber": phone} if phone else None,
            "defaultAddress": {
                "address1": "1 Main St",
                "address2": None,
                "city": city,
                "province": None,
                "provinceCode": None,
                "zip": None,
                "country": "Canada",
                "countryCodeV2": "CA",
                "company": None,
            }
            if city
            else None,
            "state": "DISABLED",
            "tags": [],
            "updatedAt": "2026-05-06T02:40:36Z",
            "createdAt": "2025-03-26T19:51:37Z",
            "legacyResourceId": gid.rsplit("/", 1)[1],
        }
        self.customers[gid] = customer
        return customer

    def _find(
        self, *, email: str | None = None, phone: str | None = None, gid: str | None = None
    ) -> dict[str, Any] | None:
        for c in self.customers.values():
            if gid is not None and c["id"] == gid:
                return c
            if email is not None and (c["email"] or "").lower() == email.strip().lower():
                return c
            if phone is not None and c["phone"] == phone.strip():
                return c
        return None

    # resolvers -----------------------------------------------------------------------------------
    def _customer_by_identifier(self, info: Any, identifier: dict[str, Any]) -> dict[str, Any] | None:
        if len([v for v in identifier.values() if v is not None]) != 1:
            raise GraphQLError("'CustomerIdentifierInput' requires exactly one argument")
        return self._find(
            email=identifier.get("emailAddress"),
            phone=identifier.get("phoneNumber"),
            gid=identifier.get("id"),
        )

    def _customers(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        query: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        items = sorted(self.customers.values(), key=lambda c: c["id"])
        if query:
            items = [c for c in items if self._matches(c, query)]
        start = 0
        if after:
            ids = [c["id"] for c in items]
            start = ids.index(after) + 1 if after in ids else len(items)
        page = items[start : start + (first or 50)]
        has_next = start + len(page) < len(items)
        return {
            "nodes": page,
            "edges": [{"cursor": c["id"], "node": c} for c in page],
            "pageInfo": {
                "hasNextPage": has_next,
                "hasPreviousPage": start > 0,
                "startCursor": page[0]["id"] if page else None,
                "endCursor": page[-1]["id"] if page else None,
            },
        }

    @staticmethod
    def _matches(c: dict[str, Any], query: str) -> bool:
        for term in query.split():
            key, _, value = term.partition(":")
            value = value.strip('"')
            if key == "email" and value.lower() not in (c["email"] or "").lower():
                return False
            if key == "phone" and value != c["phone"]:
                return False
            if key == "first_name" and value.lower() != (c["firstName"] or "").lower():
                return False
            if not _ and term.lower() not in json.dumps(c).lower():
                return False
        return True

    def _node(self, info: Any, id: str) -> dict[str, Any] | None:
        op = self.bulk_ops.get(id)
        if op is None:
            return None
        op["polls"] += 1
        if op["polls"] > self.bulk_polls:
            op["status"] = "COMPLETED"
            op["url"] = f"{op['base']}/bulk/{id.rsplit('/', 1)[1]}.jsonl"
            op["objectCount"] = str(len(self.customers))
        else:
            op["status"] = "RUNNING"
        return op

    def _customer_set(
        self, info: Any, input: dict[str, Any], identifier: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        email, phone = input.get("email"), input.get("phone")
        if email is not None and not EMAIL_RE.match(email.strip()):
            return {
                "customer": None,
                "userErrors": [
                    {"field": ["input", "email"], "message": "Email is invalid", "code": "INVALID"}
                ],
            }
        existing = None
        if identifier:
            existing = self._find(
                email=identifier.get("email"), phone=identifier.get("phone"), gid=identifier.get("id")
            )
        if existing is None:
            if email and self._find(email=email):
                return {
                    "customer": None,
                    "userErrors": [
                        {
                            "field": ["input", "email"],
                            "message": "Email has already been taken",
                            "code": "TAKEN",
                        }
                    ],
                }
            existing = self.add_customer(
                first_name=input.get("firstName"), last_name=input.get("lastName"), email=email, phone=phone
            )
        for key in ("firstName", "lastName"):
            if input.get(key) is not None:
                existing[key] = input[key]
        if email:
            existing["email"], existing["defaultEmailAddress"] = (
                email.strip(),
                {"emailAddress": email.strip()},
            )
        if phone:
            existing["phone"], existing["defaultPhoneNumber"] = phone, {"phoneNumber": phone}
        for address in input.get("addresses") or []:
            existing["defaultAddress"] = {
                "address1": address.get("address1"),
                "address2": None,
                "city": address.get("city"),
                "province": address.get("province"),
                "provinceCode": address.get("provinceCode"),
                "zip": address.get("zip"),
                "country": address.get("country"),
                "countryCodeV2": address.get("countryCode"),
                "company": address.get("company"),
            }
        existing["displayName"] = (
            " ".join(p for p in (existing["firstName"], existing["lastName"]) if p) or existing["displayName"]
        )
        return {"customer": existing, "userErrors": []}

    def _draft_order_create(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        items = input.get("lineItems") or []
        if not items:
            return {"draftOrder": None, "userErrors": [{"field": None, "message": "Add at least 1 product"}]}
        total = 0.0
        for i, item in enumerate(items):
            if item["quantity"] < 1:
                return {
                    "draftOrder": None,
                    "userErrors": [
                        {
                            "field": ["lineItems", str(i), "quantity"],
                            "message": "Quantity must be greater than or equal to 1",
                        }
                    ],
                }
            price = (item.get("originalUnitPriceWithCurrency") or {}).get("amount")
            if item.get("variantId") is None and not item.get("title"):
                return {
                    "draftOrder": None,
                    "userErrors": [{"field": None, "message": "Merchandise title is empty."}],
                }
            total += float(price if price is not None else 10.0) * item["quantity"]
        customer_id = (input.get("purchasingEntity") or {}).get("customerId")
        customer = self._find(gid=customer_id) if customer_id else None
        if customer_id and customer is None:
            return {
                "draftOrder": None,
                "userErrors": [
                    {"field": ["purchasingEntity", "customerId"], "message": "Customer does not exist"}
                ],
            }
        discount = input.get("appliedDiscount")
        subtotal = total
        if discount and discount["valueType"] == "PERCENTAGE":
            total *= 1 - discount["value"] / 100
        gid = self._gid("DraftOrder")
        order = {
            "id": gid,
            "name": f"#D{len(self.draft_orders) + 1}",
            "status": "OPEN",
            "invoiceUrl": f"https://fake.myshopify.com/invoices/{gid.rsplit('/', 1)[1]}",
            "customer": customer,
            "appliedDiscount": {
                "value": discount["value"],
                "valueType": discount["valueType"],
                "title": discount.get("title"),
            }
            if discount
            else None,
            "totalPriceSet": {"shopMoney": {"amount": f"{total:.2f}", "currencyCode": "USD"}},
            "input": input,
            "tags": sorted(set(input.get("tags") or [])),
            "order": None,
            "subtotal": subtotal,
        }
        self.draft_orders[gid] = order
        return {"draftOrder": order, "userErrors": []}

    # draft orders: read, search by tag, update, complete ------------------------------------------
    def complete_draft_order(self, gid: str) -> None:
        """Mark a draft order completed, as paying its invoice or ``draftOrderComplete`` would."""
        with self.lock:
            order = self.draft_orders[gid]
            order["status"] = "COMPLETED"
            order["order"] = {"id": self._gid("Order")}

    def _draft_order(self, info: Any, id: str) -> dict[str, Any] | None:
        return self.draft_orders.get(id)

    def _draft_orders(
        self, info: Any, first: int | None = None, query: str | None = None, **_: Any
    ) -> dict[str, Any]:
        items = sorted(self.draft_orders.values(), key=lambda d: int(d["id"].rsplit("/", 1)[1]))
        for term in (query or "").split():
            key, _sep, value = term.partition(":")
            if key != "tag":
                raise GraphQLError(f"the fake searches draft orders by tag only, not {term!r}")
            items = [d for d in items if value.strip("\"'").lower() in (t.lower() for t in d["tags"])]
        return {"nodes": items[: first or 50]}

    def _draft_order_update(self, info: Any, id: str, input: dict[str, Any]) -> dict[str, Any]:
        order = self.draft_orders.get(id)
        if order is None:
            return {"draftOrder": None, "userErrors": [{"field": ["id"], "message": "Draft order does not exist"}]}
        if order["status"] == "COMPLETED":
            return {"draftOrder": None,
                    "userErrors": [{"field": None, "message": "This order has been paid and can't be edited"}]}
        if "tags" in input:
            order["tags"] = sorted(set(input["tags"] or []))
        if "note" in input:
            order["input"] = {**order["input"], "note": input["note"]}
        if "appliedDiscount" in input:
            discount = input["appliedDiscount"]
            total = order["subtotal"]
            if discount and discount["valueType"] == "PERCENTAGE":
                total *= 1 - discount["value"] / 100
            order["appliedDiscount"] = {"value": discount["value"], "valueType": discount["valueType"],
                                        "title": discount.get("title")} if discount else None
            order["totalPriceSet"] = {"shopMoney": {"amount": f"{total:.2f}", "currencyCode": "USD"}}
        order["updates"] = order.get("updates", 0) + 1
        return {"draftOrder": order, "userErrors": []}

    def _bulk_run(self, info: Any, query: str, groupObjects: bool = True, base: str = "") -> dict[str, Any]:
        errors = schema_errors(query)
        if errors:
            self.validation_errors.extend(errors)
            return {
                "bulkOperation": None,
                "userErrors": [{"field": ["query"], "message": errors[0], "code": "INVALID"}],
            }
        gid = self._gid("BulkOperation")
        op = {
            "__typename": "BulkOperation",
            "id": gid,
            "status": "CREATED",
            "errorCode": None,
            "objectCount": "0",
            "url": None,
            "partialDataUrl": None,
            "polls": 0,
            "base": base,
        }
        self.bulk_ops[gid] = op
        return {"bulkOperation": op, "userErrors": []}

    # cost bucket ---------------------------------------------------------------------------------
    def _cost(self, requested: int, throttled: bool) -> dict[str, Any]:
        now = time.monotonic()
        self.available = min(self.maximum, self.available + (now - self.last_restore) * self.restore_rate)
        self.last_restore = now
        if throttled or self.available < requested:
            available = 0.0 if throttled else self.available
            return {
                "requestedQueryCost": requested,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": self.maximum,
                    "currentlyAvailable": available,
                    "restoreRate": self.restore_rate,
                },
            }
        self.available -= requested
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": requested,
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": int(self.available),
                "restoreRate": self.restore_rate,
            },
        }

    def _check(self, query: str) -> tuple[DocumentNode, list[GraphQLError]]:
        """``query`` parsed (raising the parser's :class:`GraphQLError`) and its validation errors; cached."""
        checked = self._checked.get(query)
        if checked is None:
            document = parse(query)
            checked = (document, list(validate(self.schema, document)))
            if len(self._checked) >= 1024:
                self._checked.clear()
            self._checked[query] = checked
        return checked

    # WSGI ----------------------------------------------------------------------------------------
    @staticmethod
    def _respond(
        start: StartResponse,
        status: str,
        body: bytes,
        headers: list[tuple[str, str]] | None = None,
        content_type: str = "application/json",
    ) -> list[bytes]:
        start(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))] + (headers or []))
        return [body]

    def __call__(self, environ: dict[str, Any], start: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        m = re.fullmatch(r"/bulk/(\d+)\.jsonl", path)
        if m and environ["REQUEST_METHOD"] == "GET":
            if environ.get("HTTP_X_SHOPIFY_ACCESS_TOKEN"):
                return self._respond(start, "400 Bad Request", b"token sent to storage URL")
            lines = "".join(
                json.dumps({k: v for k, v in c.items() if k not in ("email", "phone")}) + "\n"
                for c in self.customers.values()
            )
            return self._respond(start, "200 OK", lines.encode(), content_type="application/jsonl")
        if path != f"/admin/api/{self.version}/graphql.json" or environ["REQUEST_METHOD"] != "POST":
            return self._respond(start, "404 Not Found", b'{"errors":"Not Found"}')
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        token = environ.get("HTTP_X_SHOPIFY_ACCESS_TOKEN")
        with self.lock:
            self.tokens_seen.append(token)
            delay = self.delay_queue.pop(0) if self.delay_queue else 0.0
            fail = self.fail_queue.pop(0) if self.fail_queue else None
            http429 = self.http429_next > 0
            self.http429_next -= int(http429)
            throttled = self.throttle_next > 0
            self.throttle_next -= int(throttled)
            malformed = self.malformed_next > 0
            self.malformed_next -= int(malformed)
        if delay:
            time.sleep(delay)
        if token != TOKEN:
            return self._respond(
                start,
                "401 Unauthorized",
                b'{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}',
            )
        if fail is not None:
            return self._respond(start, f"{fail} Service Unavailable", b'{"errors":"Internal Server Error"}')
        if http429:
            return self._respond(
                start,
                "429 Too Many Requests",
                b'{"errors":"Exceeded 2 calls per second for api client."}',
                [("Retry-After", self.retry_after)],
            )
        if malformed:
            return self._respond(start, "200 OK", b'{"data": {"customerByIdentifier": {"id": ')
        request = json.loads(body)
        try:
            document, errors = self._check(request["query"])
        except GraphQLError as exc:
            self.validation_errors.append(exc.message)
            return self._respond(start, "200 OK", json.dumps({"errors": [{"message": exc.message}]}).encode())
        if errors:
            self.validation_errors.extend(e.message for e in errors)
            out = {
                "errors": [
                    {"message": e.message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
                    for e in errors
                ]
            }
            return self._respond(start, "200 OK", json.dumps(out).encode())
        self.operations.append(request.get("operationName") or "")
        requested = 10 + request["query"].count("{")
        with self.lock:
            cost = self._cost(requested, throttled)
            if cost["actualQueryCost"] is None:
                out = {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": cost},
                }
                return self._respond(start, "200 OK", json.dumps(out).encode())
            base = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}"
            root = {
                "customerByIdentifier": self._customer_by_identifier,
                "customers": self._customers,
                "node": self._node,
                "customerSet": self._customer_set,
                "draftOrderCreate": self._draft_order_create,
                "draftOrder": self._draft_order,
                "draftOrders": self._draft_orders,
                "draftOrderUpdate": self._draft_order_update,
                "bulkOperationRunQuery": functools.partial(self._bulk_run, base=base),
            }
            result = execute(
                self.schema,
                document,
                root_value=root,
                variable_values=request.get("variables"),
                operation_name=request.get("operationName"),
            )
        out: dict[str, Any] = {"data": result.data, "extensions": {"cost": cost}}
        if result.errors:
            out["errors"] = [
                {"message": e.message, "path": e.path, "extensions": {"code": "BAD_REQUEST"}}
                for e in result.errors
            ]
        return self._respond(start, "200 OK", json.dumps(out).encode())
