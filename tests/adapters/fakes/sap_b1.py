"""A loopback fake of the SAP Business One Service Layer (BusinessPartners subset), as a WSGI app.

It evaluates the OData ``$filter`` subset the adapter sends (``eq``/``ne``, ``and``/``or``, parentheses,
string literals with doubled quotes, field-to-field comparisons in cross joins) and ``$select`` over
generated partners, pages with ``Prefer: odata.maxpagesize`` and ``$skip``, and answers errors in the v1 or
v2 body shape. Fault knobs: ``expire_session_after``, ``fail_next``, ``delay_next``, ``malformed_next``.
:class:`WritableSapFake` adds ``POST BusinessPartners`` and ``down`` / ``slow`` switches (the sync tests).

A ``$filter`` is answered from a :class:`PartnerIndex` (partners by field value) instead of a scan: the
index narrows the partners to candidates and the filter is then evaluated on those, in order, exactly as
a scan would, so the answer (rows, order, paging, errors) is the scan's. Partners are indexed as they are
created; after editing ``partners`` by hand, call :meth:`SapB1Fake.reindex`.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote

StartResponse = Callable[..., Any]

FIRST = ["John", "Mary", "Ahmed", "Li", "Sofia", "Lukas", "Aisha", "Carlos", "Emma", "Noah", "Olga", "Priya"]
LAST = ["SMITH", "JONES", "GARCIA", "KHAN", "MULLER", "ROSSI", "NGUYEN", "BROWN", "TANAKA", "SILVA"]


def _formats(area: int, exchange: int, line: int) -> list[str]:
    return [
        f"+1{area}{exchange}{line:04d}",
        f"1{area}{exchange}{line:04d}",
        f"{area}{exchange}{line:04d}",
        f"({area}) {exchange}-{line:04d}",
        f"+1 {area}-{exchange}-{line:04d}",
        f"{area}-{exchange}-{line:04d}",
    ]


def generate_partners(n: int = 1200, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` business partners (about 1 in 12 a supplier), phones typed in the six formats at random."""
    rng = random.Random(seed)
    partners: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        area, exchange, line = rng.choice([212, 415, 617, 303]), rng.randint(201, 989), 1000 + i
        fmts = _formats(area, exchange, line)
        partner: dict[str, Any] = {
            "CardCode": f"C{i:05d}",
            "CardName": f"{last}, {first.upper()}",
            "CardType": "cSupplier" if i % 12 == 0 else "cCustomer",
            "Phone1": rng.choice(fmts),
            "Phone2": rng.choice(["", rng.choice(fmts)]),
            "Cellular": "",
            "EmailAddress": f"{first.lower()}.{last.lower()}{i}@example.com",
            "Address": f"{i} Main St",
            "City": "Springfield",
            "ZipCode": f"{10000 + i}",
            "BillToState": "NY",
            "Country": "US",
            "PriceListNum": 1 + i % 3,
            "DiscountPercent": float(i % 4) * 2.5,
            "ContactEmployees": [],
        }
        partners.append(partner)
    return partners


SPECIALS: list[dict[str, Any]] = [
    {
        "CardCode": "C'OB01",
        "CardName": "O'BRIEN, SEAN",
        "CardType": "cCustomer",
        "Phone1": "(212) 555-0100",
        "Phone2": "",
        "Cellular": "",
        "EmailAddress": "Sean.O'Brien@Example.com",
        "Address": "1 Quote Lane",
        "City": "Dublin",
        "ZipCode": "D01",
        "BillToState": "",
        "Country": "IE",
        "PriceListNum": 2,
        "DiscountPercent": 7.5,
        "ContactEmployees": [],
    },
    {
        "CardCode": "C90001",
        "CardName": "SMITH, JOHN",
        "CardType": "cCustomer",
        "Phone1": "",
        "Phone2": "",
        "Cellular": "+12125550100",
        "EmailAddress": "john.smith@gmail.com",
        "Address": "5 Elm St",
        "City": "New York",
        "ZipCode": "10001",
        "BillToState": "NY",
        "Country": "US",
        "PriceListNum": 1,
        "DiscountPercent": 0.0,
        "ContactEmployees": [],
    },
    {
        "CardCode": "C90002",
        "CardName": "SMITH HOLDINGS",
        "CardType": "cCustomer",
        "Phone1": "",
        "Phone2": "212-555-0100",
        "Cellular": "",
        "EmailAddress": "",
        "Address": "",
        "City": "",
        "ZipCode": "",
        "BillToState": "",
        "Country": "US",
        "PriceListNum": 3,
        "DiscountPercent": 10.0,
        "ContactEmployees": [
            {
                "CardCode": "C90002",
                "Name": "Jane",
                "E_Mail": "jane@smith-holdings.com",
                "Phone1": "",
                "Phone2": "",
                "MobilePhone": "+16175550199",
            }
        ],
    },
    {
        "CardCode": "S90003",
        "CardName": "SUPPLIER WITH SAME PHONE",
        "CardType": "cSupplier",
        "Phone1": "+12125550100",
        "Phone2": "",
        "Cellular": "",
        "EmailAddress": "",
        "Address": "",
        "City": "",
        "ZipCode": "",
        "BillToState": "",
        "Country": "US",
        "PriceListNum": 1,
        "DiscountPercent": 0.0,
        "ContactEmployees": [],
    },
]


# ---------------------------------------------------------------------------------------------------
# OData $filter subset

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<paren>[()])|(?P<name>[A-Za-z_][\w/]*))"
)


class FilterError(ValueError):
    """The filter uses something outside the supported subset."""


def tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FilterError(f"cannot read filter at {pos}: {text[pos : pos + 20]!r}")
        pos = m.end()
        if m.group("str") is not None:
            tokens.append(("str", m.group("str")[1:-1].replace("''", "'")))
        elif m.group("num") is not None:
            tokens.append(("num", float(m.group("num"))))
        elif m.group("paren") is not None:
            tokens.append((m.group("paren"), None))
        else:
            name = m.group("name")
            kind = name if name in ("and", "or", "eq", "ne", "not") else "field"
            tokens.append((kind, name))
    return tokens


Node = tuple[Any, ...]


def parse_filter(text: str) -> Node:
    tokens = tokenize(text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos][0] if pos < len(tokens) else None

    def take(kind: str) -> Any:
        nonlocal pos
        if peek() != kind:
            raise FilterError(f"expected {kind}, got {peek()}")
        value = tokens[pos][1]
        pos += 1
        return value

    def expr() -> Node:
        node = conj()
        while peek() == "or":
            take("or")
            node = ("or", node, conj())
        return node

    def conj() -> Node:
        node = atom()
        while peek() == "and":
            take("and")
            node = ("and", node, atom())
        return node

    def operand() -> Node:
        kind = peek()
        if kind in ("str", "num", "field"):
            return (kind, take(kind))  # type: ignore[arg-type]
        raise FilterError(f"unexpected {kind}")

    def atom() -> Node:
        if peek() == "(":
            take("(")
            node = expr()
            take(")")
            return node
        left = operand()
        op = peek()
        if op not in ("eq", "ne"):
            raise FilterError(f"unsupported operator {op}")
        take(op)  # type: ignore[arg-type]
        return (op, left, operand())

    node = expr()
    if pos != len(tokens):
        raise FilterError("trailing tokens")
    return node


def evaluate(node: Node, resolve: Callable[[str], Any], case_insensitive: bool) -> bool:
    kind = node[0]
    if kind == "or":
        return evaluate(node[1], resolve, case_insensitive) or evaluate(node[2], resolve, case_insensitive)
    if kind == "and":
        return evaluate(node[1], resolve, case_insensitive) and evaluate(node[2], resolve, case_insensitive)

    def value(op: Node) -> Any:
        v = resolve(op[1]) if op[0] == "field" else op[1]
        if case_insensitive and isinstance(v, str):
            return v.casefold()
        return v

    left, right = value(node[1]), value(node[2])
    return (left == right) if kind == "eq" else (left != right)


def filter_fields(node: Node) -> set[str]:
    """Every field name a filter tree refers to."""
    if node[0] in ("or", "and", "eq", "ne"):
        return filter_fields(node[1]) | filter_fields(node[2])
    return {node[1]} if node[0] == "field" else set()


class PartnerIndex:
    """Positions of partners in a list by field value, so a ``$filter`` need not scan every partner.

    :meth:`candidates` over-approximates the partners a filter can match: every ``Field eq literal``
    clause is looked up, ``or`` unites and ``and`` intersects the sets, and anything else (``ne``,
    field-to-field comparisons, a field holding lists) leaves "every partner". Partners lacking a field the
    filter names are always candidates, so that evaluating them raises the scan's "unknown property"
    error. Per-field indexes are built on first use and extended by :meth:`sync` as partners are appended.

    Examples
    --------
    >>> rows = [{"CardCode": "C1", "Email": "A@x"}, {"CardCode": "C2", "Email": "b@x"}]
    >>> index = PartnerIndex(rows)
    >>> index.candidates(parse_filter("Email eq 'a@x'"), case_insensitive=True)
    [0]
    >>> index.candidates(parse_filter("Email eq 'a@x'"), case_insensitive=False)
    []
    """

    def __init__(self, partners: list[dict[str, Any]]) -> None:
        self.partners = partners
        self._lock = threading.RLock()
        self._size = 0
        self._by_keys: dict[frozenset[str], list[int]] = {}  # partners grouped by the fields they have
        self._values: dict[tuple[str, bool], dict[Hashable, set[int]] | None] = {}  # None: unhashable
        self.sync()

    def covers(self, partners: list[dict[str, Any]]) -> bool:
        """Whether this index can follow ``partners`` (the same list, not shortened since)."""
        return partners is self.partners and len(partners) >= self._size

    def sync(self) -> None:
        """Index the partners appended since the last call."""
        with self._lock:
            self._sync()

    def _sync(self) -> None:
        for position in range(self._size, len(self.partners)):
            partner = self.partners[position]
            self._by_keys.setdefault(frozenset(partner), []).append(position)
            for (name, folded), table in self._values.items():
                if table is not None:
                    self._values[name, folded] = self._add(table, name, folded, position, partner)
        self._size = len(self.partners)

    def changed(self, position: int, before: dict[str, Any]) -> None:
        """Follow the partner at ``position``, whose values were ``before`` until an in-place update."""
        with self._lock:
            partner = self.partners[position]
            for (name, folded), table in list(self._values.items()):
                if table is None or before.get(name) == partner.get(name):
                    continue
                if name in before:
                    with contextlib.suppress(TypeError):
                        table.get(self._key(before[name], folded), set()).discard(position)
                self._values[name, folded] = self._add(table, name, folded, position, partner)

    @staticmethod
    def _key(value: Any, folded: bool) -> Any:
        return value.casefold() if folded and isinstance(value, str) else value

    def _add(
        self, table: dict[Hashable, set[int]], name: str, folded: bool, position: int, partner: dict[str, Any]
    ) -> dict[Hashable, set[int]] | None:
        if name not in partner:
            return table  # such partners are candidates anyway (see _lacking)
        try:
            table.setdefault(self._key(partner[name], folded), set()).add(position)
        except TypeError:  # a list or dict value: this field cannot be looked up
            return None
        return table

    def _table(self, name: str, folded: bool) -> dict[Hashable, set[int]] | None:
        if (name, folded) not in self._values:
            table: dict[Hashable, set[int]] | None = {}
            for position in range(self._size):
                if table is None:
                    break
                table = self._add(table, name, folded, position, self.partners[position])
            self._values[name, folded] = table
        return self._values[name, folded]

    def _lookup(self, node: Node, folded: bool) -> AbstractSet[int] | None:
        # the sets returned may be the index's own: combine them (& |) into new ones, never change them
        kind = node[0]
        if kind in ("or", "and"):
            left, right = self._lookup(node[1], folded), self._lookup(node[2], folded)
            if kind == "and":
                return left if right is None else right if left is None else left & right
            return None if left is None or right is None else left | right
        if kind != "eq":
            return None
        sides = {node[1][0]: node[1][1], node[2][0]: node[2][1]}
        literal = sides.get("str", sides.get("num"))
        if "field" not in sides or literal is None or len(sides) != 2:
            return None
        table = self._table(sides["field"], folded)
        if table is None:
            return None
        return table.get(self._key(literal, folded), frozenset())

    def _lacking(self, fields: set[str]) -> set[int]:
        return {p for keys, positions in self._by_keys.items() if not fields <= keys for p in positions}

    def candidates(self, node: Node, *, case_insensitive: bool) -> Sequence[int]:
        """Positions, in order, of the partners that may match ``node`` (a superset of the matches)."""
        with self._lock:
            self._sync()
            found = self._lookup(node, case_insensitive)
            if found is None:
                return range(self._size)
            return sorted(found | self._lacking(filter_fields(node)))

    def first(self, field: str, value: str) -> int | None:
        """Position of the first partner whose ``field`` equals ``value`` (case-sensitively), or None."""
        with self._lock:
            self._sync()
            table = self._table(field, False)
            if table is None:
                return next((i for i in range(self._size) if self.partners[i].get(field) == value), None)
            positions = table.get(value)
            return min(positions) if positions else None


# ---------------------------------------------------------------------------------------------------


class SapB1Fake:
    """WSGI app: ``Login``, ``Logout``, ``BusinessPartners`` (set, by key, ``PATCH`` by key),
    ``QueryService_PostQuery``."""

    def __init__(
        self,
        *,
        partners: Iterable[dict[str, Any]] | None = None,
        version: str = "v1",
        page_size: int = 20,
        link_style: str = "service",
        company_db: str = "SBODEMOUS",
        username: str = "manager",
        password: str = "s3cret-Pa55",
    ) -> None:
        self.partners = (
            list(partners) if partners is not None else generate_partners() + [dict(p) for p in SPECIALS]
        )
        self.version = version
        self.page_size = page_size
        self.link_style = link_style
        self.company_db, self.username, self.password = company_db, username, password
        self.sessions: dict[str, int] = {}  # session id -> requests served
        self.lock = threading.RLock()
        self.logins = 0
        self.logouts = 0
        self.requests: list[tuple[str, str, str]] = []
        self.headers_seen: list[dict[str, str]] = []
        # fault knobs
        self.expire_session_after: int | None = None
        self.fail_queue: list[int] = []
        self.delay_queue: list[float] = []
        self.malformed_next = 0
        self.huge_next = 0
        self._index = PartnerIndex(self.partners)

    def reindex(self) -> None:
        """Rebuild the partner index (needed only after editing ``partners`` in place by hand)."""
        with self.lock:
            self._index = PartnerIndex(self.partners)

    def _indexed(self) -> PartnerIndex:
        """The index of ``partners``, rebuilt if the list was replaced or shortened."""
        with self.lock:
            if not self._index.covers(self.partners):
                self._index = PartnerIndex(self.partners)
            return self._index

    # knobs ---------------------------------------------------------------------------------------
    def fail_next(self, n: int, status: int = 503) -> None:
        self.fail_queue.extend([status] * n)

    def delay_next(self, n: int, seconds: float) -> None:
        self.delay_queue.extend([seconds] * n)

    def expire_all_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    # helpers -------------------------------------------------------------------------------------
    def _error(self, start: StartResponse, status: int, code: int, message: str) -> list[bytes]:
        if self.version == "v1":
            body = {"error": {"code": code, "message": {"lang": "en-us", "value": message}}}
        else:
            body = {"error": {"code": str(code), "message": message}}
        return self._json(start, status, body)

    @staticmethod
    def _json(
        start: StartResponse, status: int, body: Any, headers: list[tuple[str, str]] | None = None
    ) -> list[bytes]:
        data = json.dumps(body).encode()
        reason = {
            200: "OK",
            201: "Created",
            204: "No Content",
            400: "Bad Request",
            401: "Unauthorized",
            404: "Not Found",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }.get(status, "Status")
        start(
            f"{status} {reason}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))] + (headers or []),
        )
        return [data]

    def _session(self, environ: dict[str, Any]) -> str | None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(environ.get("HTTP_COOKIE", ""))
        morsel = jar.get("B1SESSION")
        return morsel.value if morsel else None

    # WSGI ----------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start: StartResponse) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        with self.lock:
            self.requests.append((method, path, query))
            self.headers_seen.append({k: v for k, v in environ.items() if k.startswith("HTTP_")})
            delay = self.delay_queue.pop(0) if self.delay_queue else 0.0
            fail = self.fail_queue.pop(0) if self.fail_queue else None
            malformed = self.malformed_next > 0
            if malformed:
                self.malformed_next -= 1
        if delay:
            time.sleep(delay)
        if fail is not None:
            if fail in (502, 504):  # gateways answer in HTML
                data = b"<html><body>Bad Gateway</body></html>"
                start(f"{fail} Gateway", [("Content-Type", "text/html"), ("Content-Length", str(len(data)))])
                return [data]
            return self._error(start, fail, -1, "Service temporarily unavailable")
        prefix = f"/b1s/{self.version}/"
        if not path.startswith(prefix):
            return self._error(start, 404, -1, "Resource not found")
        resource = path[len(prefix) :]  # PATH_INFO is already percent-decoded
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))

        if resource == "Login" and method == "POST":
            return self._login(start, body)
        session = self._session(environ)
        with self.lock:
            valid = session is not None and session in self.sessions
            if valid and session is not None:
                self.sessions[session] += 1
                if (
                    self.expire_session_after is not None
                    and self.sessions[session] > self.expire_session_after
                ):
                    del self.sessions[session]
                    valid = False
        if not valid:
            return self._error(start, 401, 301, "Invalid session or session already timeout.")
        if malformed:
            data = b'{"odata.metadata": "x", "value": [{"CardCode": "C1",'
            start("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        if resource == "Logout" and method == "POST":
            with self.lock:
                self.sessions.pop(session or "", None)
                self.logouts += 1
            start("204 No Content", [])
            return []
        case_insensitive = environ.get("HTTP_B1S_CASEINSENSITIVE", "").lower() == "true"
        try:
            if resource == "BusinessPartners" and method == "GET":
                return self._collection(start, environ, query, case_insensitive)
            m = re.fullmatch(r"BusinessPartners\('((?:[^']|'')*)'\)", resource)
            if m and method == "GET":
                return self._by_key(start, m.group(1).replace("''", "'"), query)
            if m and method == "PATCH":
                return self._patch(start, m.group(1).replace("''", "'"), body)
            if resource == "QueryService_PostQuery" and method == "POST":
                return self._crossjoin(start, json.loads(body), case_insensitive)
        except FilterError as exc:
            return self._error(start, 400, -1000, f"Invalid filter: {exc}")
        return self._error(start, 404, -1, f"Unsupported {method} {resource}")

    def _login(self, start: StartResponse, body: bytes) -> list[bytes]:
        try:
            creds = json.loads(body)
        except ValueError:
            return self._error(start, 400, -1, "Malformed login body")
        if (creds.get("CompanyDB"), creds.get("UserName"), creds.get("Password")) != (
            self.company_db,
            self.username,
            self.password,
        ):
            return self._error(start, 401, 100000027, "Login failed")
        session = str(uuid.uuid4())
        with self.lock:
            self.sessions[session] = 0
            self.logins += 1
        headers = [
            ("Set-Cookie", f"B1SESSION={session}; path=/b1s/{self.version}; Secure; HttpOnly"),
            ("Set-Cookie", "ROUTEID=.node1; path=/b1s"),
        ]
        return self._json(
            start,
            200,
            {
                "odata.metadata": "$metadata#B1Sessions/@Element",
                "SessionId": session,
                "Version": "1000190",
                "SessionTimeout": 30,
            },
            headers,
        )

    def _page_size(self, environ: dict[str, Any]) -> int:
        m = re.search(r"odata\.maxpagesize=(\d+)", environ.get("HTTP_PREFER", ""))
        return int(m.group(1)) if m and int(m.group(1)) > 0 else self.page_size

    def _collection(self, start: StartResponse, environ: dict[str, Any], query: str, ci: bool) -> list[bytes]:
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        rows = self.partners
        if params.get("$filter"):
            tree = parse_filter(params["$filter"])
            partners = self.partners
            rows = [
                p
                for p in (partners[i] for i in self._indexed().candidates(tree, case_insensitive=ci))
                if evaluate(tree, lambda f, p=p: self._field(p, f), ci)
            ]
        skip = int(params.get("$skip", "0") or 0)
        size = self._page_size(environ)
        page = rows[skip : skip + size]
        select = [s.strip() for s in params.get("$select", "").split(",") if s.strip()]
        out = [{k: p.get(k) for k in select} if select else p for p in page]
        key = "odata.nextLink" if self.version == "v1" else "@odata.nextLink"
        body: dict[str, Any] = {
            "odata.metadata" if self.version == "v1" else "@odata.context": "$metadata#BusinessPartners",
            "value": out,
        }
        if skip + size < len(rows):
            rest = {k: v for k, v in params.items() if k != "$skip"}
            qs = "&".join(f"{k}={quote(v, safe=',')}" for k, v in rest.items())
            link = f"BusinessPartners?{qs}&$skip={skip + size}"
            body[key] = link if self.link_style == "service" else f"/b1s/{self.version}/{link}"
        return self._json(start, 200, body, [("Preference-Applied", f"odata.maxpagesize={size}")])

    @staticmethod
    def _field(partner: dict[str, Any], name: str) -> Any:
        if name not in partner:
            raise FilterError(f"unknown property {name}")
        return partner[name]

    def _by_key(self, start: StartResponse, key: str, query: str) -> list[bytes]:
        position = self._indexed().first("CardCode", key)
        if position is not None:
            p = self.partners[position]
            params = {k: v[0] for k, v in parse_qs(query).items()}
            select = [s for s in params.get("$select", "").split(",") if s]
            return self._json(start, 200, {k: p.get(k) for k in select} if select else p)
        return self._error(start, 404, -2028, "No matching records found (ODBC -2028)")

    def _patch(self, start: StartResponse, key: str, body: bytes) -> list[bytes]:
        """``PATCH BusinessPartners('key')``: change the given properties in place; 204 No Content."""
        try:
            changes = json.loads(body)
        except ValueError:
            return self._error(start, 400, -1000, "Malformed JSON body")
        with self.lock:
            position = self._indexed().first("CardCode", key)
            if position is None:
                return self._error(start, 404, -2028, "No matching records found (ODBC -2028)")
            partner = self.partners[position]
            unknown = sorted(set(changes) - set(partner))
            if unknown or "CardCode" in changes:
                name = unknown[0] if unknown else "CardCode"
                return self._error(start, 400, -1000, f"Property '{name}' of 'BusinessPartner' is invalid")
            before = dict(partner)
            partner.update(changes)
            self._indexed().changed(position, before)
        start("204 No Content", [])
        return []

    def _crossjoin(self, start: StartResponse, body: dict[str, Any], ci: bool) -> list[bytes]:
        if body.get("QueryPath") != "$crossjoin(BusinessPartners,BusinessPartners/ContactEmployees)":
            raise FilterError("unsupported QueryPath")
        option = body.get("QueryOption", "")
        m = re.search(r"\$filter=(.*)$", option)
        if not m:
            raise FilterError("QueryOption without $filter")
        tree = parse_filter(m.group(1))
        out = []
        for p in self.partners:
            for ce in p.get("ContactEmployees", []):

                def resolve(name: str, p: dict[str, Any] = p, ce: dict[str, Any] = ce) -> Any:
                    if name.startswith("BusinessPartners/ContactEmployees/"):
                        return ce.get(name.rsplit("/", 1)[1])
                    if name.startswith("BusinessPartners/"):
                        return self._field(p, name.split("/", 1)[1])
                    raise FilterError(f"unknown path {name}")

                if evaluate(tree, resolve, ci):
                    out.append(
                        {
                            "BusinessPartners": {"CardCode": p["CardCode"]},
                            "BusinessPartners/ContactEmployees": {"CardCode": ce["CardCode"]},
                        }
                    )
        return self._json(
            start, 200, {"odata.metadata": "$metadata#Collection(Edm.ComplexType)", "value": out}
        )


class WritableSapFake(SapB1Fake):
    """The SAP fake plus ``POST BusinessPartners`` and a ``down`` / ``slow`` switch (the sync tests).

    ``created`` lists every CardCode created (a duplicate creation would show twice, but a second POST
    of an existing code answers 400 with code -2035, as the Service Layer does). ``posts`` counts the POSTs
    and ``finds`` the ``GET BusinessPartners`` queries; ``arrivals`` every request, as it arrives (before
    ``slow`` delays it).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.down = False
        self.slow = 0.0
        self.created: list[str] = []
        self.posts = 0
        self.finds = 0
        self.arrivals = 0

    def __call__(self, environ: dict[str, Any], start: StartResponse) -> list[bytes]:
        with self.lock:
            self.arrivals += 1
        if self.slow:
            time.sleep(self.slow)
        if self.down:
            return self._error(start, 503, -1, "Service temporarily unavailable")
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if method == "GET" and path == f"/b1s/{self.version}/BusinessPartners":
            with self.lock:
                self.finds += 1
        if method != "POST" or path != f"/b1s/{self.version}/BusinessPartners":
            return super().__call__(environ, start)
        session = self._session(environ)
        with self.lock:
            valid = session is not None and session in self.sessions
        if not valid:
            return self._error(start, 401, 301, "Invalid session or session already timeout.")
        body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        with self.lock:
            self.posts += 1
            if self._indexed().first("CardCode", body["CardCode"]) is not None:
                return self._error(start, 400, -2035, "This entry already exists in the following tables")
            partner = {"Phone1": "", "Phone2": "", "Cellular": "", "EmailAddress": "", "PriceListNum": 1,
                       "DiscountPercent": 0.0, "ContactEmployees": [], **body}
            self.partners.append(partner)
            self.created.append(body["CardCode"])
        return self._json(start, 201, partner)
