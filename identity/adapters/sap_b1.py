"""SAP Business One Service Layer adapter: business partners in, canonical customer records out.

Thin by design: it logs in, builds OData queries, follows pages, maps errors to the exception tree of
:mod:`identity._exceptions` and turns ``BusinessPartner`` rows into :class:`~identity.CustomerRecord`.
Request building and response parsing are pure functions shared by :class:`SapB1Client` and
:class:`AsyncSapB1Client`; only the I/O differs.

Environment variables read by :meth:`SapB1Settings.from_env`:

``SAP_B1_BASE_URL``     service root, ending in ``/b1s/v1`` or ``/b1s/v2``
``SAP_B1_COMPANY_DB``   company database, e.g. ``SBODEMOUS``
``SAP_B1_USERNAME``     Service Layer user
``SAP_B1_PASSWORD``     its password (read when logging in, never stored in the settings repr)
``SAP_B1_PAGE_SIZE``    optional, ``Prefer: odata.maxpagesize`` (default 100)
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from http.cookies import CookieError, SimpleCookie
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import quote, urljoin, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from identity._exceptions import (
    AdapterError,
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
    resolve_secret,
    retry_call,
    retry_call_async,
    send,
    send_async,
)

__all__ = [
    "CUSTOMER_FIELDS",
    "AsyncSapB1Client",
    "Discount",
    "SapB1Client",
    "SapB1Settings",
    "build_customer_filter",
    "odata_literal",
    "parse_error",
    "partner_to_record",
]

SYSTEM = "sap_b1"
logger = logging.getLogger("identity.adapters.sap_b1")

#: BusinessPartner properties the adapter selects for a canonical record.
CUSTOMER_FIELDS: tuple[str, ...] = (
    "CardCode",
    "CardName",
    "CardType",
    "Phone1",
    "Phone2",
    "Cellular",
    "EmailAddress",
    "Address",
    "City",
    "ZipCode",
    "BillToState",
    "Country",
)
#: Header fields searched by :meth:`SapB1Client.find_customers` for a phone number.
PHONE_FIELDS: tuple[str, ...] = ("Phone1", "Phone2", "Cellular")
#: ContactEmployee fields searched when ``include_contacts=True``.
CONTACT_PHONE_FIELDS: tuple[str, ...] = ("Phone1", "Phone2", "MobilePhone")
_RETRY_STATUSES = frozenset({502, 503, 504})
_SESSION_CODES = frozenset({"301", "-301"})
_SAFE_KEY = "!$&()*+,;=:@-._~"


class SapB1Settings(BaseModel):
    """Connection settings for the Service Layer (frozen; the password never shows in a repr).

    Parameters
    ----------
    base_url : str
        Service root ending in ``/b1s/v1`` (OData v3) or ``/b1s/v2`` (OData v4).
    company_db, username : str
        Company database and Service Layer user.
    password : SecretStr or callable
        The password, or a callable returning it (asked at each login).
    page_size : int
        Sent as ``Prefer: odata.maxpagesize``.
    region : str
        Default region for phone variants (ISO 3166 alpha-2).

    Examples
    --------
    >>> s = SapB1Settings(base_url="https://erp:50000/b1s/v1", company_db="SBODEMOUS",
    ...                   username="manager", password="hunter2")
    >>> s.version, "hunter2" in repr(s)
    ('v1', False)
    """

    # a password of the wrong type (a number) would otherwise be quoted in the ValidationError
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    base_url: str
    company_db: str = Field(min_length=1)
    username: str = Field(min_length=1)
    password: SecretSource
    page_size: int = Field(default=100, ge=1, le=10_000)
    region: str = "US"
    timeouts: Timeouts = Timeouts()
    retry_attempts: int = Field(default=4, ge=1)
    backoff_base: float = Field(default=0.25, ge=0)
    backoff_max: float = Field(default=8.0, ge=0)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=30.0, ge=0)
    max_response_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    verify_tls: bool = True

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.fullmatch(r"https?://[^/\s]+(/[^\s]*)?/b1s/v[12]", value):
            raise ValueError("base_url must be http(s)://host[:port]/.../b1s/v1 or /b1s/v2")
        if "@" in urlsplit(value).netloc:  # it would show in reprs, logs and errors
            raise ValueError("base_url must not hold a user name or password; give them as username and password")
        return value

    @property
    def version(self) -> Literal["v1", "v2"]:
        """``v1`` (OData v3, ``odata.nextLink``) or ``v2`` (OData v4, ``@odata.nextLink``)."""
        return "v2" if self.base_url.endswith("v2") else "v1"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> SapB1Settings:
        """Settings from ``SAP_B1_*`` environment variables (see the module docstring).

        The password is read lazily: the settings hold a provider, not the value.

        Examples
        --------
        >>> env = {"SAP_B1_BASE_URL": "https://erp:50000/b1s/v2", "SAP_B1_COMPANY_DB": "SBODEMOUS",
        ...        "SAP_B1_USERNAME": "manager", "SAP_B1_PASSWORD": "hunter2"}
        >>> SapB1Settings.from_env(env).version
        'v2'
        """
        env = os.environ if environ is None else environ
        missing = [
            name
            for name in ("SAP_B1_BASE_URL", "SAP_B1_COMPANY_DB", "SAP_B1_USERNAME", "SAP_B1_PASSWORD")
            if not env.get(name)
        ]
        if missing:
            raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
        values: dict[str, Any] = {
            "base_url": env["SAP_B1_BASE_URL"],
            "company_db": env["SAP_B1_COMPANY_DB"],
            "username": env["SAP_B1_USERNAME"],
            "password": SecretStr(env["SAP_B1_PASSWORD"]),
        }
        if env.get("SAP_B1_PAGE_SIZE"):
            values["page_size"] = int(env["SAP_B1_PAGE_SIZE"])
        values.update(overrides)
        try:
            return cls(**values)
        except ValueError as exc:
            raise ConfigurationError(f"invalid SAP B1 settings: {_field_names(exc)}") from None


def _field_names(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return ", ".join(".".join(str(p) for p in e["loc"]) for e in errors())
    return "see documentation"


class Discount(BaseModel):
    """The ERP's pricing for one customer: price list and discount percent.

    Examples
    --------
    >>> Discount(card_code="C001", price_list_num=2, discount_percent=7.5).discount_percent
    7.5
    """

    model_config = ConfigDict(frozen=True)

    card_code: str
    price_list_num: int | None = None
    discount_percent: float = 0.0


# --------------------------------------------------------------------------------------------------
# Pure request building and response parsing (shared by the sync and async clients)


def odata_literal(value: str) -> str:
    """An OData string literal: quoted, with single quotes doubled.

    Examples
    --------
    >>> odata_literal("O'Brien")
    "'O''Brien'"
    """
    return "'" + value.replace("'", "''") + "'"


def _any_eq(fields: Iterable[str], values: Sequence[str], prefix: str = "") -> list[str]:
    return [f"{prefix}{f} eq {odata_literal(v)}" for f in fields for v in values]


def build_customer_filter(phones: Sequence[str] = (), emails: Sequence[str] = ()) -> str:
    """The ``$filter`` for customers whose phone fields or email equal any of the given values.

    Examples
    --------
    >>> build_customer_filter([], ["o'brien@example.com"])
    "CardType eq 'cCustomer' and (EmailAddress eq 'o''brien@example.com')"
    >>> build_customer_filter(["+12125550100"]).count(" or ")
    2
    """
    clauses = _any_eq(PHONE_FIELDS, phones) + _any_eq(("EmailAddress",), emails)
    if not clauses:
        raise ValueError("nothing to search for")
    return "CardType eq 'cCustomer' and (" + " or ".join(clauses) + ")"


def build_contact_query(phones: Sequence[str] = (), emails: Sequence[str] = ()) -> dict[str, str]:
    """Body of a ``QueryService_PostQuery`` cross join finding customers by contact-person phone/email.

    Examples
    --------
    >>> body = build_contact_query([], ["a@example.com"])
    >>> body["QueryPath"]
    '$crossjoin(BusinessPartners,BusinessPartners/ContactEmployees)'
    """
    ce = "BusinessPartners/ContactEmployees/"
    clauses = _any_eq(CONTACT_PHONE_FIELDS, phones, ce) + _any_eq(("E_Mail",), emails, ce)
    if not clauses:
        raise ValueError("nothing to search for")
    option = (
        "$expand=BusinessPartners($select=CardCode),BusinessPartners/ContactEmployees($select=CardCode)"
        "&$filter=BusinessPartners/CardCode eq BusinessPartners/ContactEmployees/CardCode"
        " and BusinessPartners/CardType eq 'cCustomer' and (" + " or ".join(clauses) + ")"
    )
    return {
        "QueryPath": "$crossjoin(BusinessPartners,BusinessPartners/ContactEmployees)",
        "QueryOption": option,
    }


def entity_path(entity_set: str, key: str) -> str:
    """The path of one entity by string key, quoted and percent-encoded.

    Examples
    --------
    >>> entity_path("BusinessPartners", "O'B 1")
    "BusinessPartners('O''B%201')"
    """
    return f"{entity_set}({quote(odata_literal(key), safe=_SAFE_KEY + chr(39))})"


def _message(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("value", "")
    text = str(value or "").strip()
    return text[:300]


def parse_error(result: HttpResult) -> AdapterError:
    """The typed exception for a failed Service Layer response (v1 or v2 error body, or none).

    Examples
    --------
    >>> import httpx
    >>> body = b'{"error": {"code": -10, "message": {"lang": "en-us", "value": "Invalid value"}}}'
    >>> err = parse_error(HttpResult(400, httpx.Headers(), body, "http://erp/b1s/v1/BusinessPartners"))
    >>> type(err).__name__, err.code, str(err)
    ('RemoteValidationError', '-10', 'sap_b1: HTTP 400, code -10: Invalid value')
    """
    code: str | None = None
    message = ""
    try:
        body = json.loads(result.content) if result.content else None
    except ValueError:
        body = None
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        error = body["error"]
        code = None if error.get("code") is None else str(error.get("code"))
        message = _message(error.get("message"))
    status = result.status_code
    text = (
        f"{SYSTEM}: HTTP {status}"
        + (f", code {code}" if code is not None else "")
        + (f": {message}" if message else "")
    )
    if status in (401, 403):
        return AuthenticationError(text, system=SYSTEM, code=code)
    if status == 404:
        return NotFoundError(text, system=SYSTEM, code=code)
    if status == 429:
        retry_after = _float_or_none(result.headers.get("retry-after"))
        return RateLimitedError(text, system=SYSTEM, code=code, retry_after=retry_after)
    if status >= 500:
        return RemoteServerError(text, system=SYSTEM, code=code, status=status)
    if 400 <= status < 500:
        return RemoteValidationError(text, system=SYSTEM, code=code)
    return AdapterError(text, system=SYSTEM, code=code)


def _float_or_none(value: str | None) -> float | None:
    try:
        return None if value is None else max(0.0, float(value))
    except ValueError:
        return None


def session_expired(result: HttpResult) -> bool:
    """Whether a response says the session is gone (HTTP 401 / code 301, or 403).

    Examples
    --------
    >>> import httpx
    >>> session_expired(HttpResult(401, httpx.Headers(), b"", "http://erp/"))
    True
    """
    return result.status_code in (401, 403)


def parse_json(result: HttpResult) -> Any:
    """The JSON body of a successful response, raising typed errors for failures and malformed bodies.

    Examples
    --------
    >>> import httpx
    >>> parse_json(HttpResult(200, httpx.Headers(), b'{"value": []}', "http://erp/"))
    {'value': []}
    """
    if not result.ok:
        raise parse_error(result)
    if result.status_code == 204 or not result.content.strip():
        return None
    try:
        return json.loads(result.content)
    except ValueError:
        raise TransportError(
            f"{SYSTEM}: malformed JSON in a {result.status_code} response", system=SYSTEM, code="malformed"
        ) from None


def next_link(payload: Mapping[str, Any], base_url: str) -> str | None:
    """The absolute URL of the next page, from ``odata.nextLink`` (v1) or ``@odata.nextLink`` (v2).

    The link may be relative to the service root (``BusinessPartners?$skip=20``) or to the server root
    (``/b1s/v1/BusinessPartners?$skip=20``). A link to another host is refused.

    Examples
    --------
    >>> next_link({"odata.nextLink": "BusinessPartners?$skip=20"}, "https://erp:50000/b1s/v1")
    'https://erp:50000/b1s/v1/BusinessPartners?$skip=20'
    >>> next_link({"@odata.nextLink": "/b1s/v2/BusinessPartners?$skip=20"}, "https://erp:50000/b1s/v2")
    'https://erp:50000/b1s/v2/BusinessPartners?$skip=20'
    """
    link = payload.get("@odata.nextLink") or payload.get("odata.nextLink")
    if not link:
        return None
    url = urljoin(base_url + "/", str(link))
    if urlsplit(url).netloc != urlsplit(base_url).netloc:
        raise TransportError(
            f"{SYSTEM}: next page link points to another host", system=SYSTEM, code="bad_link"
        )
    return url


def _following(payload: Mapping[str, Any], base_url: str, current: str | None) -> str | None:
    """:func:`next_link`, refusing a link to the page just read (a loop: a proxy that drops ``$skip``)."""
    url = next_link(payload, base_url)
    if url is not None and url == current:
        raise TransportError(
            f"{SYSTEM}: next page link repeats the page just read", system=SYSTEM, code="bad_link"
        )
    return url


def page_rows(payload: Any) -> list[Mapping[str, Any]]:
    """The rows of a collection response (``value``), validated to be objects.

    Examples
    --------
    >>> page_rows({"value": [{"CardCode": "C1"}]})
    [{'CardCode': 'C1'}]
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("value"), list):
        raise TransportError(
            f"{SYSTEM}: collection response without a value list", system=SYSTEM, code="malformed"
        )
    rows: list[Mapping[str, Any]] = payload["value"]
    if not all(isinstance(row, Mapping) for row in rows):
        raise TransportError(f"{SYSTEM}: collection rows are not objects", system=SYSTEM, code="malformed")
    return rows


def _malformed(what: str) -> TransportError:
    return TransportError(f"{SYSTEM}: {what}", system=SYSTEM, code="malformed")


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def partner_to_record(row: Mapping[str, Any]) -> CustomerRecord:
    """A ``BusinessPartner`` row as a canonical record (phones and emails kept raw).

    Examples
    --------
    >>> r = partner_to_record({"CardCode": "C1", "CardName": "SMITH, JOHN", "Phone1": "(212) 555-0100",
    ...                        "Cellular": "", "EmailAddress": "john@example.com"})
    >>> r.source_id, r.full_name, r.phones
    ('C1', 'SMITH, JOHN', ['(212) 555-0100'])
    """
    card_code = _clean(row.get("CardCode"))
    if card_code is None:
        raise _malformed("business partner row without a CardCode")
    phones = [p for p in (_clean(row.get(f)) for f in PHONE_FIELDS) if p]
    email = _clean(row.get("EmailAddress"))
    return CustomerRecord(
        source=SYSTEM,
        source_id=card_code,
        full_name=_clean(row.get("CardName")),
        phones=phones,
        emails=[email] if email else [],
        address=_clean(row.get("Address")),
        city=_clean(row.get("City")),
        postcode=_clean(row.get("ZipCode")),
        state=_clean(row.get("BillToState")),
        country=_clean(row.get("Country")),
    )


def _phone_variants(phone: str, region: str) -> list[str]:
    from normalizers.phone import variants

    found = [v for v in variants(phone, region=region) if v]
    raw = phone.strip()
    if raw and raw not in found:
        found.append(raw)
    return list(dict.fromkeys(found))


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, TransportError):
        return exc.code in ("connect", "timeout", "transport")
    return isinstance(exc, RemoteServerError) and exc.status in _RETRY_STATUSES


class _Protocol:
    """Session state and request construction; no I/O."""

    def __init__(self, settings: SapB1Settings) -> None:
        self.settings = settings
        self.cookies: dict[str, str] = {}
        self._timeout = settings.timeouts.as_httpx().as_dict()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        paged: bool = False,
        auth: bool = True,
    ) -> httpx.Request:
        headers = {"Accept": "application/json", "B1S-CaseInsensitive": "true"}
        if paged:
            headers["Prefer"] = f"odata.maxpagesize={self.settings.page_size}"
        if auth and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return httpx.Request(
            method, url, params=params, json=json_body, headers=headers, extensions={"timeout": self._timeout}
        )

    def url(self, path: str) -> str:
        return f"{self.settings.base_url}/{path}"

    def login_request(self) -> httpx.Request:
        body = {
            "CompanyDB": self.settings.company_db,
            "UserName": self.settings.username,
            "Password": resolve_secret(self.settings.password),
        }
        return self.request("POST", self.url("Login"), json_body=body, auth=False)

    def logout_request(self) -> httpx.Request:
        return self.request("POST", self.url("Logout"))

    def handle_login(self, result: HttpResult) -> None:
        if not result.ok:
            error = parse_error(result)
            if isinstance(error, AuthenticationError | RemoteValidationError | NotFoundError):
                raise AuthenticationError(
                    f"{SYSTEM}: login refused for company {self.settings.company_db!r} "
                    f"(HTTP {result.status_code}, code {error.code})",
                    system=SYSTEM,
                    code=error.code,
                ) from None
            raise error
        cookies: dict[str, str] = {}
        for header in result.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            cookies.update({name: morsel.value for name, morsel in jar.items()})
        if "B1SESSION" not in cookies:
            try:
                session = json.loads(result.content).get("SessionId")
            except (ValueError, AttributeError):
                session = None
            if not session:
                raise AuthenticationError(f"{SYSTEM}: login answered without a session", system=SYSTEM)
            cookies["B1SESSION"] = str(session)
        self.cookies = {k: v for k, v in cookies.items() if k in ("B1SESSION", "ROUTEID")}
        logger.info("logged in to SAP B1 company %s", self.settings.company_db)

    def partners_request(self, url: str | None, *, filter_: str, select: Sequence[str]) -> httpx.Request:
        if url is not None:
            return self.request("GET", url, paged=True)
        params = {"$select": ",".join(select), "$filter": filter_}
        return self.request("GET", self.url("BusinessPartners"), params=params, paged=True)


def _policy(settings: SapB1Settings, sleep: Callable[[float], None] | None) -> RetryPolicy:
    kwargs: dict[str, Any] = {}
    if sleep is not None:
        kwargs["sleep"] = sleep

        async def _async_sleep(seconds: float) -> None:
            sleep(seconds)

        kwargs["async_sleep"] = _async_sleep
    return RetryPolicy(
        on=_retryable,
        attempts=settings.retry_attempts,
        base_delay=settings.backoff_base,
        max_delay=settings.backoff_max,
        **kwargs,
    )


class _Base:
    settings: SapB1Settings
    breaker: CircuitBreaker

    def __init__(
        self,
        settings: SapB1Settings,
        *,
        breaker: CircuitBreaker | None,
        sleep: Callable[[float], None] | None,
    ) -> None:
        self.settings = settings
        self._proto = _Protocol(settings)
        self._policy = _policy(settings, sleep)
        self.breaker = breaker or CircuitBreaker(
            SYSTEM, threshold=settings.breaker_threshold, cooldown=settings.breaker_cooldown
        )

    @property
    def is_down(self) -> bool:
        """True while the circuit breaker holds the ERP as down."""
        return self.breaker.is_down

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(base_url={self.settings.base_url!r}, company_db={self.settings.company_db!r})"

    def _search_terms(
        self, phone: str | None, email: str | None, region: str | None
    ) -> tuple[list[str], list[str]]:
        phones = _phone_variants(phone, region or self.settings.region) if phone and phone.strip() else []
        emails = [email.strip()] if email and email.strip() else []
        if not phones and not emails:
            raise ValueError("find_customers needs a phone or an email")
        return phones, emails


def _codes_from_crossjoin(payload: Any) -> list[str]:
    codes: list[str] = []
    for row in page_rows(payload):
        bp = row.get("BusinessPartners")
        if isinstance(bp, Mapping) and bp.get("CardCode"):
            codes.append(str(bp["CardCode"]))
    return list(dict.fromkeys(codes))


def _by_codes_filter(codes: Sequence[str]) -> str:
    return (
        "CardType eq 'cCustomer' and (" + " or ".join(f"CardCode eq {odata_literal(c)}" for c in codes) + ")"
    )


def _discount(card_code: str, payload: Any) -> Discount:
    if not isinstance(payload, Mapping):
        raise _malformed("malformed business partner")
    try:
        return Discount(
            card_code=str(payload.get("CardCode") or card_code),
            price_list_num=payload.get("PriceListNum"),
            discount_percent=float(payload.get("DiscountPercent") or 0.0),
        )
    except (TypeError, ValueError):  # float("seven"), float([1]), a ValidationError
        raise _malformed("business partner with a PriceListNum or DiscountPercent that is not a number") from None


def _partner_row(payload: Any) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise TransportError(f"{SYSTEM}: malformed business partner", system=SYSTEM, code="malformed")
    return payload


def _changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    if not changes:
        raise ValueError("update_partner needs at least one property to change")
    if "CardCode" in changes:
        raise ValueError("a partner's CardCode cannot be changed")
    return dict(changes)


#: Service Layer error code for "This entry already exists in the following tables".
ALREADY_EXISTS = "-2035"


class SapB1Client(_Base):
    """Synchronous Service Layer client.

    Parameters
    ----------
    settings : SapB1Settings
    client : httpx.Client, optional
        Used as is and not closed by us (test seam); otherwise one is created and owned.
    transport : httpx.BaseTransport, optional
        Transport for the owned client (e.g. :class:`httpx.MockTransport`).
    breaker : CircuitBreaker, optional
        Share one breaker between clients; by default each client has its own.
    sleep : callable, optional
        Replaces :func:`time.sleep` between retries.

    Examples
    --------
    >>> def fake(request: httpx.Request) -> httpx.Response:
    ...     if request.url.path.endswith("/Login"):
    ...         return httpx.Response(200, json={"SessionId": "abc"}, headers={"Set-Cookie": "B1SESSION=abc"})
    ...     if request.url.path.endswith("/Logout"):
    ...         return httpx.Response(204)
    ...     return httpx.Response(200, json={"CardCode": "C1", "PriceListNum": 2, "DiscountPercent": 5.0})
    >>> settings = SapB1Settings(base_url="http://erp/b1s/v1", company_db="DB", username="u", password="p")
    >>> with SapB1Client(settings, transport=httpx.MockTransport(fake)) as erp:
    ...     erp.discount_for("C1")
    Discount(card_code='C1', price_list_num=2, discount_percent=5.0)
    """

    def __init__(
        self,
        settings: SapB1Settings,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(settings, breaker=breaker, sleep=sleep)
        self._owns_client = client is None
        self._client = client or httpx.Client(
            transport=transport, verify=settings.verify_tls, timeout=settings.timeouts.as_httpx()
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, request: httpx.Request) -> HttpResult:
        return send(self._client, request, system=SYSTEM, max_bytes=self.settings.max_response_bytes)

    def login(self) -> None:
        """Log in (``POST Login``) and keep the ``B1SESSION`` / ``ROUTEID`` cookies."""
        self._proto.handle_login(self._send(self._proto.login_request()))

    def _call(self, build: Callable[[], httpx.Request]) -> Any:
        def attempt() -> Any:
            if not self._proto.cookies:
                self.login()
            result = self._send(build())
            if session_expired(result):
                logger.info("SAP B1 session expired; logging in again")
                self.login()
                result = self._send(build())
            return parse_json(result)

        return retry_call(attempt, self._policy, self.breaker)

    def _pages(self, filter_: str, select: Sequence[str]) -> Iterator[Mapping[str, Any]]:
        url: str | None = None
        while True:
            build = partial(self._proto.partners_request, url, filter_=filter_, select=select)
            payload = self._call(build)
            rows = page_rows(payload)
            url = _following(payload, self.settings.base_url, url)
            yield from rows
            if url is None:
                return

    def query_partners(
        self, filter_: str, select: Sequence[str] = CUSTOMER_FIELDS
    ) -> Iterator[Mapping[str, Any]]:
        """Stream raw ``BusinessPartners`` rows matching an OData ``$filter``, following every page.

        Examples
        --------
        >>> # for row in erp.query_partners("CardCode eq 'C1'", ["CardCode", "CardName"]): ...
        """
        return self._pages(filter_, select)

    def find_customers(
        self,
        *,
        phone: str | None = None,
        email: str | None = None,
        include_contacts: bool = False,
        region: str | None = None,
    ) -> list[CustomerRecord]:
        """Customers whose ``Phone1``/``Phone2``/``Cellular`` equal any of the six variants of ``phone``,
        or whose ``EmailAddress`` equals ``email`` (case-insensitively).

        With ``include_contacts=True`` contact persons' phones and emails are searched too.

        Examples
        --------
        >>> # erp.find_customers(phone="(212) 555-0100")  ->  [CustomerRecord(source='sap_b1', ...)]
        """
        phones, emails = self._search_terms(phone, email, region)
        rows = self._pages(build_customer_filter(phones, emails), CUSTOMER_FIELDS)
        found = {r.source_id: r for r in map(partner_to_record, rows)}
        if include_contacts:
            body = build_contact_query(phones, emails)
            url = self._proto.url("QueryService_PostQuery")
            payload = self._call(lambda: self._proto.request("POST", url, json_body=body))
            codes = [c for c in _codes_from_crossjoin(payload) if c not in found]
            for start in range(0, len(codes), 20):
                rows = self._pages(_by_codes_filter(codes[start : start + 20]), CUSTOMER_FIELDS)
                found.update((r.source_id, r) for r in map(partner_to_record, rows))
        return list(found.values())

    def iter_customers(self) -> Iterator[CustomerRecord]:
        """Stream every customer (``CardType eq 'cCustomer'``) as a canonical record, page by page.

        Examples
        --------
        >>> # records = list(erp.iter_customers())
        """
        for row in self._pages("CardType eq 'cCustomer'", CUSTOMER_FIELDS):
            yield partner_to_record(row)

    def get_partner(
        self, card_code: str, select: Sequence[str] = CUSTOMER_FIELDS
    ) -> Mapping[str, Any] | None:
        """The raw ``BusinessPartners('<CardCode>')`` row with the ``select`` properties, or None if absent.

        Examples
        --------
        >>> # erp.get_partner("C0001", ["CardCode", "EmailAddress"])
        >>> # {'CardCode': 'C0001', 'EmailAddress': 'mary.jones1@example.com'}
        """
        url = self._proto.url(entity_path("BusinessPartners", card_code))
        params = {"$select": ",".join(select)}
        try:
            return _partner_row(self._call(lambda: self._proto.request("GET", url, params=params)))
        except NotFoundError:
            return None

    def discount_for(self, card_code: str) -> Discount:
        """The customer's ``PriceListNum`` and ``DiscountPercent``; :class:`~identity.NotFoundError` if none.

        Examples
        --------
        >>> # erp.discount_for("C0001")
        >>> # Discount(card_code='C0001', price_list_num=2, discount_percent=5.0)
        """
        url = self._proto.url(entity_path("BusinessPartners", card_code))
        params = {"$select": "CardCode,PriceListNum,DiscountPercent"}
        return _discount(card_code, self._call(lambda: self._proto.request("GET", url, params=params)))

    def create_partner(self, body: dict[str, Any]) -> bool:
        """``POST BusinessPartners``: True if created now, False if ``CardCode`` already existed.

        The "already exists" answer (Service Layer code ``-2035``) is not an error, so a retried create
        with the same ``CardCode`` is idempotent. Anything else raises the adapter's typed errors.

        Examples
        --------
        >>> # erp.create_partner({"CardCode": "SH1", "CardType": "cCustomer", "CardName": "LEE, ANN"})
        >>> # True
        """
        url = self._proto.url("BusinessPartners")
        try:
            self._call(lambda: self._proto.request("POST", url, json_body=body))
        except RemoteValidationError as exc:
            if exc.code == ALREADY_EXISTS:
                return False
            raise
        return True

    def update_partner(self, card_code: str, changes: Mapping[str, Any]) -> None:
        """``PATCH BusinessPartners('<CardCode>')`` with only the given properties; the rest stay as they are.

        Idempotent: sending the same changes twice leaves the same partner. A missing partner raises
        :class:`~identity.NotFoundError`; an unknown or invalid property :class:`~identity.RemoteValidationError`.

        Examples
        --------
        >>> # erp.update_partner("C0001", {"EmailAddress": "ann.lee@example.com"})
        """
        url = self._proto.url(entity_path("BusinessPartners", card_code))
        body = _changes(changes)
        self._call(lambda: self._proto.request("PATCH", url, json_body=body))

    def close(self) -> None:
        """Log out (best effort) and close the HTTP client if we own it."""
        try:
            if self._proto.cookies and not self.breaker.is_down:
                self._send(self._proto.logout_request())
        except AdapterError:
            logger.info("SAP B1 logout failed; the session will expire on its own")
        finally:
            self._proto.cookies = {}
            if self._owns_client:
                self._client.close()


class AsyncSapB1Client(_Base):
    """Asynchronous twin of :class:`SapB1Client` (same settings, same records, same errors).

    Examples
    --------
    >>> import asyncio
    >>> async def main(settings: SapB1Settings) -> None:
    ...     async with AsyncSapB1Client(settings) as erp:
    ...         async for record in erp.iter_customers():
    ...             print(record)
    """

    def __init__(
        self,
        settings: SapB1Settings,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(settings, breaker=breaker, sleep=sleep)
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            transport=transport, verify=settings.verify_tls, timeout=settings.timeouts.as_httpx()
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _send(self, request: httpx.Request) -> HttpResult:
        return await send_async(
            self._client, request, system=SYSTEM, max_bytes=self.settings.max_response_bytes
        )

    async def login(self) -> None:
        """Log in (``POST Login``) and keep the ``B1SESSION`` / ``ROUTEID`` cookies."""
        self._proto.handle_login(await self._send(self._proto.login_request()))

    async def _call(self, build: Callable[[], httpx.Request]) -> Any:
        async def attempt() -> Any:
            if not self._proto.cookies:
                await self.login()
            result = await self._send(build())
            if session_expired(result):
                logger.info("SAP B1 session expired; logging in again")
                await self.login()
                result = await self._send(build())
            return parse_json(result)

        return await retry_call_async(attempt, self._policy, self.breaker)

    async def _pages(self, filter_: str, select: Sequence[str]) -> AsyncIterator[Mapping[str, Any]]:
        url: str | None = None
        while True:
            build = partial(self._proto.partners_request, url, filter_=filter_, select=select)
            payload = await self._call(build)
            rows = page_rows(payload)
            url = _following(payload, self.settings.base_url, url)
            for row in rows:
                yield row
            if url is None:
                return

    def query_partners(
        self, filter_: str, select: Sequence[str] = CUSTOMER_FIELDS
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Async twin of :meth:`SapB1Client.query_partners`."""
        return self._pages(filter_, select)

    async def find_customers(
        self,
        *,
        phone: str | None = None,
        email: str | None = None,
        include_contacts: bool = False,
        region: str | None = None,
    ) -> list[CustomerRecord]:
        """Async twin of :meth:`SapB1Client.find_customers`."""
        phones, emails = self._search_terms(phone, email, region)
        found: dict[str, CustomerRecord] = {}
        async for row in self._pages(build_customer_filter(phones, emails), CUSTOMER_FIELDS):
            record = partner_to_record(row)
            found[record.source_id] = record
        if include_contacts:
            body = build_contact_query(phones, emails)
            payload = await self._call(
                lambda: self._proto.request("POST", self._proto.url("QueryService_PostQuery"), json_body=body)
            )
            codes = [c for c in _codes_from_crossjoin(payload) if c not in found]
            for start in range(0, len(codes), 20):
                async for row in self._pages(_by_codes_filter(codes[start : start + 20]), CUSTOMER_FIELDS):
                    record = partner_to_record(row)
                    found[record.source_id] = record
        return list(found.values())

    async def iter_customers(self) -> AsyncIterator[CustomerRecord]:
        """Async twin of :meth:`SapB1Client.iter_customers`."""
        async for row in self._pages("CardType eq 'cCustomer'", CUSTOMER_FIELDS):
            yield partner_to_record(row)

    async def get_partner(
        self, card_code: str, select: Sequence[str] = CUSTOMER_FIELDS
    ) -> Mapping[str, Any] | None:
        """Async twin of :meth:`SapB1Client.get_partner`."""
        url = self._proto.url(entity_path("BusinessPartners", card_code))
        params = {"$select": ",".join(select)}
        try:
            return _partner_row(await self._call(lambda: self._proto.request("GET", url, params=params)))
        except NotFoundError:
            return None

    async def discount_for(self, card_code: str) -> Discount:
        """Async twin of :meth:`SapB1Client.discount_for`."""
        url = self._proto.url(entity_path("BusinessPartners", card_code))
        params = {"$select": "CardCode,PriceListNum,DiscountPercent"}
        return _discount(card_code, await self._call(lambda: self._proto.request("GET", url, params=params)))

    async def create_partner(self, body: dict[str, Any]) -> bool:
        """Async twin of :meth:`SapB1Client.create_partner`."""
        url = self._proto.url("BusinessPartners")
        try:
            await self._call(lambda: self._proto.request("POST", url, json_body=body))
        except RemoteValidationError as exc:
            if exc.code == ALREADY_EXISTS:
                return False
            raise
        return True

    async def update_partner(self, card_code: str, changes: Mapping[str, Any]) -> None:
        """Async twin of :meth:`SapB1Client.update_partner`."""
        url = self._proto.url(entity_path("BusinessPartners", card_code))
        body = _changes(changes)
        await self._call(lambda: self._proto.request("PATCH", url, json_body=body))

    async def aclose(self) -> None:
        """Log out (best effort) and close the HTTP client if we own it."""
        try:
            if self._proto.cookies and not self.breaker.is_down:
                await self._send(self._proto.logout_request())
        except AdapterError:
            logger.info("SAP B1 logout failed; the session will expire on its own")
        finally:
            self._proto.cookies = {}
            if self._owns_client:
                await self._client.aclose()
