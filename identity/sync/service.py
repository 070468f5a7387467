"""The sync workflow: Shopify webhooks and voice orders in, one explicit, stored outcome out.

Every event is first made durable, then worked on:

1. The event is verified and parsed. Anything unusable ends ``rejected`` with the reason. A webhook not
   shown to come from Shopify (its HMAC does not verify, or its body is too large to check) is answered
   ``rejected`` but never stored: anyone can send those, and they must not grow the store. They are only
   counted, apart from the outcomes (``unverified_webhooks`` in :meth:`SyncService.status`).
2. In one transaction the event is stored under its key (``webhook:<X-Shopify-Webhook-Id>``, or
   ``voice:<idempotency key>``) with outcome ``queued``, together with its work item(s) in the outbox.
   A key seen before returns the stored event and does nothing else (no second write).
3. The work item runs at once unless an older item of the same customer is still waiting (order per
   customer) or the system it needs is down; a failure that may pass (timeouts, 5xx, throttling, an open
   circuit) leaves it ``queued`` with a back-off, and :meth:`SyncService.replay` runs it again later. A
   failure that will not pass, or ``max_attempts`` failures, end it ``dead_lettered`` with the reason.

Because the outbox row is committed before any remote call, a process killed at any point loses nothing:
the next :meth:`~SyncService.replay` picks the item up. Every remote write is idempotent (ERP partners
get a ``CardCode`` derived from the Shopify id, ERP contact updates send only what differs, Shopify
customers are written with ``customerSet``, draft orders are keyed locally and tagged with
:func:`draft_order_tag` so that one whose id was never stored is found again, and a draft's ERP discount
is written only while it is missing), so running an item twice writes once.

Outcomes
--------
``linked``
    The customer was matched to exactly one existing ERP business partner (by phone or email, through the
    adapter's six phone formats), and the link Shopify id -> ``CardCode`` is stored. Also the answer to a
    webhook that only echoes one of our own writes (reason ``"echo of our own write"``), and to
    ``customers/update`` of a linked customer (its changed contact fields pushed to the partner, see
    ``push_contact_updates``).
``created``
    No ERP partner matched, so one was created (``CardCode`` from :func:`partner_code`); or, for a voice
    order, the caller was new to Shopify and we created the customer there with ``customerSet``.
``needs_review``
    More than one ERP partner matched (a household, a shared landline), or there is nothing to match on;
    nothing is linked automatically.
``queued``
    A system is down or failing; the work waits in the outbox and will be replayed.
``rejected``
    Bad signature, malformed or oversized body, unknown topic, missing webhook id, no customer in the
    payload, invalid voice order; with the reason. Only the ones whose signature verified (and voice
    orders) are stored and counted as outcomes; the others are counted as unverified webhooks (step 1).
``dead_lettered``
    Given up on after ``max_attempts`` or a non-retryable error; with the reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from identity._exceptions import (
    AdapterError,
    AuthenticationError,
    CircuitOpenError,
    ConfigurationError,
    IdempotencyConflict,
    RateLimitedError,
    RemoteServerError,
    RemoteValidationError,
    StoreError,
    TransportError,
)
from identity._records import CustomerRecord
from identity.adapters.sap_b1 import SapB1Client
from identity.adapters.shopify import AppliedDiscount, LineItem, ShopifyClient
from identity.adapters.webhooks import (
    MAX_WEBHOOK_BYTES,
    InvalidWebhookError,
    verify_webhook,
    webhook_secret_keys,
)
from identity.sync._erp import CONTACT_FIELDS, contact_changes, create_partner, partner_body, partner_code
from identity.sync.metrics import UNVERIFIED_REASONS, SyncMetrics, log_event
from identity.sync.store import EventRecord, NewItem, OutboxItem, Outcome, PruneReport, SyncStore

__all__ = [
    "CUSTOMER_TOPICS",
    "MIN_RETENTION_DAYS",
    "ReconcileReport",
    "ReplayReport",
    "SyncService",
    "VoiceOrder",
    "draft_order_tag",
]

logger = logging.getLogger("identity.sync")

#: Webhook topics the service handles.
CUSTOMER_TOPICS = frozenset({"customers/create", "customers/update", "orders/create"})
#: The shortest retention :meth:`SyncService.prune` accepts, in days. Shopify retries a failed webhook
#: delivery for up to 48 hours, and a redelivery whose event was pruned would be processed again.
MIN_RETENTION_DAYS = 3.0
#: Webhooks refused unverified are added to the store's tally at most this often (seconds) per service,
#: at the end of a delivery, and whenever :meth:`SyncService.status` is read or :meth:`SyncService.flush`
#: called: a flood of forged requests must not become a flood of write transactions competing with real
#: events for the store's write lock. There is no timer: what a burst leaves pending waits for the next.
UNVERIFIED_FLUSH_SECONDS = 1.0
#: Errors that may pass: the item stays queued and is retried. Refused credentials are included: they are
#: fixed by an operator, and dead-lettering every event meanwhile would lose the work.
RETRYABLE: tuple[type[Exception], ...] = (
    TransportError,
    RemoteServerError,
    RateLimitedError,
    CircuitOpenError,
    AuthenticationError,
)
ERP_CUSTOMER = "erp_customer"
VOICE_ORDER = "voice_order"
#: The ``own_writes`` system under which the contact fields last synced to an ERP partner are remembered.
ERP_CONTACT = "erp-contact"
#: The ``own_writes`` system under which the Shopify ``updated_at`` of each customer's contact fields last
#: brought in line with the ERP is remembered (as :func:`_instant`), so that an older update is not pushed.
ERP_CONTACT_AT = "erp-contact-at"
#: The ``own_writes`` system noting that a draft order was (perhaps) requested for an idempotency key.
DRAFT_ATTEMPT = "draft-attempt"
#: Tags of the draft orders of voice orders: every one, one taken while the ERP was down (until its ERP
#: discount is applied), and the title of that discount.
VOICE_TAG = "voice-order"
ERP_PENDING_TAG = "erp-pending"
DISCOUNT_TITLE = "ERP price tier"


class VoiceOrder(BaseModel):
    """An order taken by the voice agent: who called (phone and/or spoken email, name) and what they want.

    Examples
    --------
    >>> order = VoiceOrder(idempotency_key="call-42", phone="+12125550100", first_name="John",
    ...                    line_items=[{"variant_id": "gid://shopify/ProductVariant/1", "quantity": 2}])
    >>> order.line_items[0].quantity
    2
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    idempotency_key: str = Field(min_length=1, max_length=200)
    phone: str | None = None
    email: str | None = None
    spoken_email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    line_items: list[LineItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _someone(self) -> VoiceOrder:
        if not self.phone and not self.caller_email:
            raise ValueError("a voice order needs the caller's phone or an email (typed or spoken)")
        return self

    @property
    def caller_email(self) -> str | None:
        """``email``, else the best reading of the ``spoken_email`` transcript (``normalizers.email``).

        Examples
        --------
        >>> VoiceOrder(idempotency_key="k", spoken_email="john dot smith at g mail dot com",
        ...            line_items=[{"title": "Tea", "unit_price": "4.50", "quantity": 1}]).caller_email
        'john.smith@gmail.com'
        """
        if self.email:
            return self.email
        if self.spoken_email:
            from normalizers.email import from_speech

            return from_speech(self.spoken_email).best
        return None


@dataclass(frozen=True)
class ReplayReport:
    """What one :meth:`SyncService.replay` pass did.

    Examples
    --------
    >>> ReplayReport(attempted=3, completed=2, deferred=1, dead_lettered=0, remaining=1).completed
    2
    """

    attempted: int
    completed: int
    deferred: int
    dead_lettered: int
    remaining: int


@dataclass(frozen=True)
class ReconcileReport:
    """What one :meth:`SyncService.reconcile` run found and repaired.

    ``unlinked`` Shopify customers were queued for linking (and linked by the replay that followed,
    see ``replay``); ``stale_links`` pointed at a customer or partner that no longer exists and were
    removed; ``mismatched`` links join records whose emails and phones no longer share any value (phones
    compared as E.164) and were queued to be matched afresh (relinked to the one partner that matches, else
    ``needs_review`` with the link dropped); ``erp_only`` ERP customers have no linked Shopify customer
    (reported only: pushing ERP customers to Shopify is a business decision). The lists name what was
    found; with ``repair=False`` nothing was changed.

    Examples
    --------
    >>> r = ReconcileReport(run_id="r1", erp_customers=3, shopify_customers=2, linked=1, unlinked=["a"],
    ...                     stale_links=[], mismatched=[], erp_only=2, replay=None)
    >>> r.drift
    1
    """

    run_id: str
    erp_customers: int
    shopify_customers: int
    linked: int
    unlinked: list[str]
    stale_links: list[str]
    mismatched: list[str]
    erp_only: int
    replay: ReplayReport | None

    @property
    def drift(self) -> int:
        """Drift found: unlinked Shopify customers, stale links and mismatched links."""
        return len(self.unlinked) + len(self.stale_links) + len(self.mismatched)


@dataclass(frozen=True)
class _Result:
    outcome: Outcome
    reason: str
    detail: dict[str, Any]
    link: tuple[str, str] | None = None
    follow_up: tuple[NewItem, ...] = ()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _content_hash(email: str | None, phone: str | None, first: str | None, last: str | None) -> str:
    norm = [(v or "").strip().lower() for v in (email, phone, first, last)]
    return _hash(json.dumps(norm).encode())


def draft_order_tag(idempotency_key: str) -> str:
    """The tag that finds a voice order's draft order in Shopify: ``idem-`` + 32 hex digits of its SHA-256.

    It is sent with ``draftOrderCreate`` itself, so a draft whose id never reached our store (a crash, a
    lost answer) is found with ``draftOrders(query: "tag:...")`` and reused instead of created again.
    Shopify allows 40 characters per tag; this one has 37.

    Examples
    --------
    >>> draft_order_tag("call-42")
    'idem-1f8806becd7308e710f620f0907766d7'
    """
    return "idem-" + _hash(idempotency_key.encode())[:32]


def _instant(updated_at: Any) -> str | None:
    """A webhook's ``updated_at`` (ISO 8601 with an offset) as sortable text: UTC epoch seconds, zero-padded.

    Examples
    --------
    >>> _instant("2026-05-06T10:00:00-04:00") == _instant("2026-05-06T15:00:00+01:00")
    True
    >>> _instant("yesterday") is None
    True
    """
    if not isinstance(updated_at, str):
        return None
    try:
        moment = datetime.fromisoformat(updated_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return f"{moment.timestamp():020.6f}"


def _share_contact(a: CustomerRecord, b: CustomerRecord, region: str) -> bool:
    """False when both records have emails and none is shared, and no phone is shared (as E.164)."""
    emails_a = {e.strip().lower() for e in a.emails}
    emails_b = {e.strip().lower() for e in b.emails}
    if not (emails_a and emails_b) or emails_a & emails_b:
        return True
    from normalizers.phone import e164_many

    def phones(record: CustomerRecord) -> set[str]:
        return {e or p.strip() for p, e in zip(record.phones, e164_many(record.phones, region=region), strict=True)}

    return bool(phones(a) & phones(b))


def _customer_from_payload(topic: str, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """The customer fields of a webhook payload (REST shape), or None if it names no customer."""
    source = payload.get("customer") if topic == "orders/create" else payload
    if not isinstance(source, Mapping) or source.get("id") is None:
        return None
    raw_id = str(source.get("admin_graphql_api_id") or source["id"])
    shopify_id = raw_id if raw_id.startswith("gid://") else f"gid://shopify/Customer/{raw_id}"
    if not shopify_id.rsplit("/", 1)[-1].isdigit():
        return None

    def text(name: str) -> str | None:
        value = source.get(name)
        return str(value).strip() or None if value is not None else None

    email = text("email")
    if email is None and topic == "orders/create":
        fallback = payload.get("email") or payload.get("contact_email")
        email = str(fallback).strip() or None if fallback else None
    return {
        "shopify_id": shopify_id,
        "email": email,
        "phone": text("phone"),
        "first_name": text("first_name"),
        "last_name": text("last_name"),
        "updated_at": text("updated_at"),
    }


class SyncService:
    """Orchestrates Shopify webhooks and voice orders across SAP Business One and Shopify.

    See the module docstring for the outcomes and the guarantees.

    Parameters
    ----------
    store : SyncStore
        The durable store (events, outbox, links, draft-order keys, our own writes): a
        :class:`~identity.sync.SqliteStore` or a :class:`~identity.sync.PostgresStore` (see ``open_store``).
    shopify : ShopifyClient
        Admin GraphQL client (customer lookup, ``customerSet``, ``draftOrderCreate``).
    sap : SapB1Client
        Service Layer client; its circuit breaker decides when the ERP counts as down.
    webhook_secrets : secret or sequence of secrets
        The app's webhook secret(s); during rotation pass ``[new, previous]``.
    clock : callable
        Wall-clock seconds (back-off scheduling), injectable for tests.
    max_attempts : int
        Attempts per outbox item before it is dead-lettered.
    backoff_base, backoff_max : float
        Retry back-off: full jitter up to ``min(backoff_max, backoff_base * 2**(attempts-1))`` seconds.
    max_body_bytes : int
        Larger webhook bodies are rejected before hashing.
    metrics : SyncMetrics, optional
        Counters to update (a fresh one by default).
    push_contact_updates : bool
        On ``customers/update`` of a customer already linked, push the contact fields that differ from the
        ERP partner (email, phone, first and last name) to the partner (``PATCH BusinessPartners``), queued
        and replayed like any ERP work. Costs one ERP read per such update. See
        :func:`identity.sync._erp.contact_changes` for what counts as a change.
    claim_seconds : float
        How long this service's claim on an outbox item it is running lasts if never released (the
        process died). Services in several processes may share one store (Postgres): each item runs in
        one of them at a time. After a crash, the items the dead process was running wait this long
        before another process (or the restarted one) runs them. Keep it above the longest an item can
        take (its remote calls with their timeouts and retries).

    Examples
    --------
    .. code-block:: python

        store = SqliteStore("sync.db")
        with ShopifyClient(shop_settings) as shop, SapB1Client(erp_settings) as erp:
            service = SyncService(store, shop, erp, webhook_secrets=[SecretStr("whsec")])
            event = service.handle_webhook(request.headers, request.body)
            print(event.outcome, event.reason)
            service.replay()              # run on a schedule: drains the outbox in order
            print(service.status())
    """

    def __init__(
        self,
        store: SyncStore,
        shopify: ShopifyClient,
        sap: SapB1Client,
        *,
        webhook_secrets: Sequence[str | SecretStr] | str | SecretStr,
        clock: Callable[[], float] = time.time,
        max_attempts: int = 8,
        backoff_base: float = 1.0,
        backoff_max: float = 300.0,
        max_body_bytes: int = MAX_WEBHOOK_BYTES,
        metrics: SyncMetrics | None = None,
        rng: random.Random | None = None,
        push_contact_updates: bool = True,
        claim_seconds: float = 120.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.store = store
        self.shopify = shopify
        self.sap = sap
        webhook_secret_keys(webhook_secrets)  # none, or an empty one: refuse now, not at the first delivery
        self._secrets = webhook_secrets
        self._clock = clock
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics or SyncMetrics()
        self._rng = rng or random.Random()
        self.push_contact_updates = push_contact_updates
        if claim_seconds <= 0:
            raise ValueError("claim_seconds must be positive")
        self.claim_seconds = claim_seconds
        # Who holds a claim: unique per service object, so a restarted process is someone else.
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._work_lock = threading.RLock()
        self._unverified_lock = threading.Lock()
        # per reason: deliveries refused unverified since the last flush, and when the first and last came
        self._unverified_pending: dict[str, tuple[int, float, float]] = {}
        self._unverified_flushed_at = -math.inf

    # entry points --------------------------------------------------------------------------------
    def handle_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> EventRecord:
        """Verify, store and process one Shopify webhook delivery; return its stored event.

        Topics: ``customers/create``, ``customers/update``, ``orders/create`` (its ``customer``). A
        redelivery (same ``X-Shopify-Webhook-Id``) returns the stored event and writes nothing.

        A delivery whose HMAC does not verify, or whose body exceeds ``max_body_bytes`` (refused before
        the HMAC is computed), is not stored: the event returned (outcome ``rejected``, ``detail``
        ``{"verified": False}``) exists only in the answer and the log, and is counted under
        ``unverified_webhooks`` (reason ``bad_hmac`` or ``too_large``; in the metrics, and in a tally in
        the store of one row per reason), not under the ``rejected`` outcome. Answer such a request 401 if
        you like; Shopify itself never sends one.

        Raises
        ------
        IdempotencyConflict
            The webhook id was seen before with a different body.
        StoreError
            The store failed; nothing about this delivery may be assumed stored (let Shopify retry).
        """
        started = time.perf_counter()
        try:
            return self._webhook(headers, raw_body)
        finally:
            self.metrics.observe(time.perf_counter() - started)
            if self._unverified_pending and (now := self._clock()) - self._unverified_flushed_at >= UNVERIFIED_FLUSH_SECONDS:
                self._flush_unverified(now)

    def handle_voice_order(self, order: VoiceOrder | Mapping[str, Any]) -> EventRecord:
        """Store and process one voice order; return its stored event.

        The caller is found in Shopify by email, then phone, or created there with ``customerSet``
        (``created``); the ERP partner is matched (or created), its discount percent applied to a draft
        order, which is created once per idempotency key. With the ERP down the draft order is created
        without the ERP discount, tagged ``erp-pending``, and the ERP side is queued (``queued``); when it
        replays, the discount is applied to the draft if it is still open, and the event's reason says so
        either way. More than one ERP match ends ``needs_review`` and creates no draft order. The same
        idempotency key with a different order raises :class:`~identity.IdempotencyConflict`; an invalid
        order is ``rejected``.
        """
        started = time.perf_counter()
        try:
            return self._voice(order)
        finally:
            self.metrics.observe(time.perf_counter() - started)

    def replay(self, *, limit: int | None = None) -> ReplayReport:
        """Run every due outbox item, oldest first, never overtaking an older item of the same customer.

        Loops until nothing is due (or ``limit`` items were attempted). Safe to run after a crash or
        concurrently with :meth:`handle_webhook` in the same process.
        """
        attempted = completed = deferred = dead = 0
        blocked: set[str] = set()
        while limit is None or attempted < limit:
            batch = [i for i in self.store.due_items(self._clock()) if i.customer_key not in blocked]
            if not batch:
                break
            for item in batch:
                if limit is not None and attempted >= limit:
                    break
                attempted += 1
                status = self._run(item)
                if status == "done":
                    completed += 1
                elif status == "dead":
                    dead += 1
                elif status == "deferred":
                    deferred += 1
                    blocked.add(item.customer_key)
                else:  # run meanwhile by another thread: leave this customer to the next pass
                    attempted -= 1
                    blocked.add(item.customer_key)
        report = ReplayReport(attempted, completed, deferred, dead, self.store.queue_depth())
        log_event(logger, "sync.replay", **report.__dict__)
        return report

    def reconcile(self, *, run_id: str | None = None, repair: bool = True) -> ReconcileReport:
        """Compare every ERP customer with every Shopify customer and the stored links; repair drift.

        Reads all ERP customers (``iter_customers``) and all Shopify customers (bulk export). With
        ``repair`` (the default):

        - stale links (to a customer or partner that no longer exists) are removed, and every unlinked
          Shopify customer is queued as event ``reconcile:<run_id>:<shopify id>`` to be linked (or its
          ERP partner created) like any webhook;
        - every mismatched link (emails and phones no longer share any value) is queued the same way to be
          matched afresh: relinked when exactly one ERP partner matches, otherwise ``needs_review`` with
          the link dropped; no ERP partner is created for it;
        - the outbox is replayed, so each of these events ends in an explicit outcome.

        ERP customers without a linked Shopify customer (``erp_only``) are only counted: pushing ERP
        customers into Shopify is a business decision, not drift to repair. Running it again with the same
        ``run_id`` queues nothing twice.

        Examples
        --------
        .. code-block:: python

            report = service.reconcile(run_id="2026-05-06")
            print(report.drift, report.mismatched, report.replay)
            report = service.reconcile(repair=False)      # the report only, nothing changed
        """
        run_id = run_id or time.strftime("%Y%m%dT%H%M%S", time.gmtime(self._clock()))
        erp = {r.source_id: r for r in self.sap.iter_customers()}
        shop = {r.source_id: r for r in self.shopify.export_customers()}
        links = self.store.links()
        stale = sorted(s for s, card in links.items() if s not in shop or card not in erp)
        region = self.sap.settings.region
        mismatched = sorted(s for s, card in links.items()
                            if s not in stale and not _share_contact(shop[s], erp[card], region))
        unlinked = sorted(s for s in shop if s not in links)
        report_replay: ReplayReport | None = None
        if repair:
            for shopify_id in stale:
                self.store.delete_link(shopify_id)
            for shopify_id in unlinked + stale:
                if shopify_id in shop:
                    self._queue_reconcile(run_id, shop[shopify_id], "unlinked in reconciliation")
            for shopify_id in mismatched:
                self._queue_reconcile(run_id, shop[shopify_id], "mismatched link in reconciliation",
                                      rematch=True)
            report_replay = self.replay()
        linked_erp = set(self.store.links().values()) if repair else set(links.values())
        report = ReconcileReport(
            run_id=run_id, erp_customers=len(erp), shopify_customers=len(shop),
            linked=len(links) - len(stale), unlinked=unlinked, stale_links=stale, mismatched=mismatched,
            erp_only=len(set(erp) - linked_erp), replay=report_replay,
        )
        log_event(logger, "sync.reconcile", run_id=run_id, drift=report.drift, unlinked=len(unlinked),
                  stale_links=len(stale), mismatched=len(mismatched), erp_only=report.erp_only)
        return report

    def _queue_reconcile(
        self, run_id: str, record: CustomerRecord, reason: str, *, rematch: bool = False
    ) -> None:
        """Queue one customer as event ``reconcile:<run_id>:<shopify id>`` (once per run)."""
        shopify_id = record.source_id
        fields: dict[str, Any] = {
            "shopify_id": shopify_id, "email": record.emails[0] if record.emails else None,
            "phone": record.phones[0] if record.phones else None, "first_name": record.first_name,
            "last_name": record.last_name,
        }
        if rematch:
            fields["rematch"] = True
        key = f"reconcile:{run_id}:{shopify_id}"
        try:
            self.store.record_event(
                key, kind="reconcile", topic="reconcile", payload_hash=_hash(json.dumps(fields).encode()),
                outcome=Outcome.QUEUED, reason=reason, customer_key=shopify_id,
                outbox=[(shopify_id, ERP_CUSTOMER, fields)],
            )
        except IdempotencyConflict:
            # this run already queued this customer, as it looked then (e.g. unlinked, since linked)
            log_event(logger, "reconcile.already_queued", key=key)

    def status(self) -> dict[str, Any]:
        """Outcome counts in the store, queue depth, circuit states and the in-process counters.

        - ``events``: how many stored events stand at each outcome now.
        - ``unverified_webhooks``: per reason (``bad_hmac``, ``too_large``), the webhook deliveries refused
          unverified and not stored, as tallied in the store by every process sharing it: ``deliveries``,
          ``first_at`` and ``last_at`` (epoch seconds, when the deliveries came). Reasons never seen are
          absent. A service adds what it counted to the tally when this is read, when :meth:`flush` is
          called, and otherwise at the end of the first webhook delivery (of any kind) it handles
          :data:`UNVERIFIED_FLUSH_SECONDS` or more after its last write. Until then the tally leaves that
          count out: after a burst of forged requests followed by quiet, until the serving process's
          next delivery, ``status()`` or ``flush()``. A process that dies loses the count since its last
          write.
        - ``metrics``: the counters of this process since it started (:class:`SyncMetrics`).
        """
        self._flush_unverified(self._clock())
        depth = self.store.queue_depth()
        return {
            "events": self.store.outcome_counts(),
            "unverified_webhooks": {
                reason: asdict(tally) for reason, tally in self.store.unverified_webhooks().items()
            },
            "queue_depth": depth,
            "erp": self.sap.breaker.state,
            "shopify": self.shopify.breaker.state,
            "schema_version": self.store.schema_version,
            "metrics": self.metrics.snapshot(queue_depth=depth),
        }

    def prometheus(self) -> str:
        """The counters in Prometheus text format (queue depth read from the store)."""
        return self.metrics.prometheus(queue_depth=self.store.queue_depth())

    def prune(
        self, older_than_days: float = 30, *, include_dead: bool = False, vacuum: bool = False
    ) -> PruneReport:
        """Delete events (with their outbox items) and own-write notes older than ``older_than_days``.

        What goes and what stays is :meth:`SyncStore.prune <identity.sync.SyncStore.prune>`'s rule, with
        ``before`` this many days before now (the service's clock): finished events whose outcome last
        changed before then; never a ``queued`` event or one with work still pending, whatever its age;
        ``dead_lettered`` ones only with ``include_dead``; never links or draft-order keys; for each
        object, never the newest own write nor the one that decides ``customers/update`` ordering.

        Idempotency lasts as long as the event is kept: a delivery whose event was pruned is processed
        as new. Shopify retries a webhook for up to 48 hours, so fewer than :data:`MIN_RETENTION_DAYS`
        (3) days is refused. A voice order repeated after its event was pruned finds its draft order by
        its idempotency key (never pruned), and a webhook repeated that late finds its customer linked.

        Deleted rows leave free space that new rows reuse, so the store stops growing but does not shrink.
        With ``vacuum``, :meth:`SyncStore.vacuum <identity.sync.SyncStore.vacuum>` runs after the deletes
        have committed: a SQLite file is rewritten without the free space (it holds the write lock while it
        does: choose a quiet moment), and on Postgres the store's tables are vacuumed, which frees their
        dead rows for reuse now but seldom shrinks them. ``reclaimed_bytes`` in the report says by how much
        the database shrank (None without ``vacuum``).

        Raises
        ------
        ConfigurationError
            ``older_than_days`` is below :data:`MIN_RETENTION_DAYS` or not a finite number.
        StoreError
            The store failed; with ``vacuum``, possibly only the vacuum (the deletes stay, and the
            ``sync.prune`` log line counts them).

        Examples
        --------
        .. code-block:: python

            report = service.prune(30)                 # run daily, e.g. from cron: identity-sync prune
            print(report.events, report.outbox, report.own_writes)
            report = service.prune(30, vacuum=True)    # now and then: identity-sync prune --vacuum
            print(report.reclaimed_bytes)
        """
        if isinstance(older_than_days, bool) or not isinstance(older_than_days, int | float) or not (
            math.isfinite(older_than_days) and older_than_days >= MIN_RETENTION_DAYS
        ):
            raise ConfigurationError(
                f"prune: keep at least {MIN_RETENTION_DAYS:g} days (Shopify redelivers a webhook for up to"
                f" 48 hours, and a redelivery of a pruned event would be processed again), not {older_than_days!r}"
            )
        before = self._clock() - older_than_days * 86_400.0
        report = self.store.prune(before=before, include_dead=include_dead)
        log_event(logger, "sync.prune", older_than_days=older_than_days, include_dead=include_dead,
                  events=report.events, outbox=report.outbox, own_writes=report.own_writes)
        if vacuum:
            started = time.perf_counter()
            report = replace(report, reclaimed_bytes=self.store.vacuum())
            log_event(logger, "sync.vacuum", reclaimed_bytes=report.reclaimed_bytes,
                      seconds=round(time.perf_counter() - started, 3))
        return report

    # webhooks ------------------------------------------------------------------------------------
    def _refuse(self, key: str, topic: str | None, reason: str, *, unverified: str) -> EventRecord:
        """Answer a delivery not shown to come from Shopify (bad HMAC, or refused before checking it):
        counted under ``unverified`` (one of :data:`UNVERIFIED_REASONS`) and logged, but not stored as an
        event, so that nobody can grow the store by sending requests (the store's tally is one row per
        reason)."""
        assert unverified in UNVERIFIED_REASONS
        now = self._clock()
        self.metrics.unverified_webhook(unverified)
        log_event(logger, "webhook.rejected", level=logging.WARNING, key=key, topic=topic, reason=reason,
                  stored=False)
        with self._unverified_lock:
            self._add_pending(unverified, 1, now, now)
        return EventRecord(key, "webhook", topic, Outcome.REJECTED, reason, {"verified": False},
                           created_at=now, updated_at=now)

    def flush(self) -> None:
        """Write what the service counts in memory to the store: the webhooks refused unverified since the
        last flush, with the times the first and the last of them came. Deliveries flush at most once per
        :data:`UNVERIFIED_FLUSH_SECONDS` (a later delivery writes what an earlier one left) and
        :meth:`status` flushes first; call this when the process shuts down, after the last request has
        been answered and before closing the store, and, to keep the store's tally current when
        forged requests stop, now and then (e.g. with :meth:`replay`).

        Raises
        ------
        StoreError
            The store failed; the counts stay in memory for the next flush.
        """
        if not self._flush_unverified(self._clock()):
            raise StoreError("could not add the unverified-webhook count to the store; it is kept for the next flush")

    def _flush_unverified(self, now: float) -> bool:
        """Add the unverified webhooks counted since the last flush to the store's tally; False if the
        store failed. Those counts are then kept pending for the next flush: a tally never fails an answer
        (any error of a store, not only :class:`~identity.StoreError`: this runs in the ``finally`` of
        :meth:`handle_webhook`, where an exception would hide the delivery's own answer)."""
        with self._unverified_lock:
            pending, self._unverified_pending = self._unverified_pending, {}
            self._unverified_flushed_at = now
        for position, (reason, (count, first, last)) in enumerate(pending.items()):
            try:
                self.store.count_unverified_webhook(reason, count, first_at=first, last_at=last)
            except Exception as exc:  # any store error (see the docstring): never fail the answer
                log_event(logger, "webhook.unverified_tally_failed", level=logging.WARNING,
                          error=type(exc).__name__)
                with self._unverified_lock:
                    for later, (n, first, last) in list(pending.items())[position:]:
                        self._add_pending(later, n, first, last)
                return False
        return True

    def _add_pending(self, reason: str, count: int, first: float, last: float) -> None:
        """Add to the tally kept in memory until the next flush (the caller holds ``_unverified_lock``)."""
        before, first_before, last_before = self._unverified_pending.get(reason, (0, first, last))
        self._unverified_pending[reason] = (before + count, min(first, first_before), max(last, last_before))

    def _reject(self, key: str, topic: str | None, body_hash: str, reason: str) -> EventRecord:
        """Store a verified delivery that cannot be used as a ``rejected`` event (once per body)."""
        event, is_new = self.store.record_event(
            key, kind="webhook", topic=topic, payload_hash=body_hash, outcome=Outcome.REJECTED, reason=reason
        )
        if is_new:
            self.metrics.outcome(Outcome.REJECTED)
        else:
            self.metrics.duplicate()
        log_event(logger, "webhook.rejected", level=logging.WARNING, key=key, topic=topic, reason=reason)
        return event

    def _webhook(self, headers: Mapping[str, str], raw_body: bytes) -> EventRecord:
        lowered = {k.lower(): v for k, v in headers.items()}
        webhook_id = lowered.get("x-shopify-webhook-id")
        topic = lowered.get("x-shopify-topic")
        if len(raw_body) > self.max_body_bytes:  # refused before hashing (and before the HMAC check)
            key = "rejected:" + _hash(f"{webhook_id or ''}|{len(raw_body)}".encode())
            return self._refuse(key, topic, f"body of {len(raw_body)} bytes exceeds {self.max_body_bytes}",
                                unverified="too_large")
        body_hash = _hash(bytes(raw_body))
        reject_key = f"rejected:{_hash((webhook_id or '').encode() + b'|' + body_hash.encode())}"
        try:
            event = verify_webhook(
                raw_body,
                lowered.get("x-shopify-hmac-sha256"),
                self._secrets,
                headers=headers,
                max_bytes=self.max_body_bytes,
            )
        except InvalidWebhookError:
            return self._refuse(reject_key, topic, "invalid HMAC signature", unverified="bad_hmac")
        except RemoteValidationError as exc:
            # verified (only an oversized body is refused before the HMAC, see above): Shopify sent it
            reason = {"malformed": "body is not a JSON object"}.get(exc.code or "", str(exc))
            return self._reject(reject_key, topic, body_hash, reason)
        if not event.webhook_id:
            return self._reject(reject_key, topic, body_hash, "missing X-Shopify-Webhook-Id")
        if event.topic not in CUSTOMER_TOPICS:
            return self._reject(reject_key, topic, body_hash, f"unknown topic {event.topic!r}")
        customer = _customer_from_payload(event.topic, event.payload)
        if customer is None:
            return self._reject(reject_key, topic, body_hash, "payload names no customer id")

        key = f"webhook:{event.webhook_id}"
        shopify_id = customer["shopify_id"]
        echo = self.store.is_own_write(
            "shopify",
            shopify_id,
            _content_hash(customer["email"], customer["phone"], customer["first_name"], customer["last_name"]),
        ) and event.topic != "orders/create"
        if echo:
            stored, is_new = self.store.record_event(
                key, kind="webhook", topic=event.topic, payload_hash=body_hash, outcome=Outcome.LINKED,
                reason="echo of our own write", customer_key=shopify_id,
            )
        else:
            stored, is_new = self.store.record_event(
                key, kind="webhook", topic=event.topic, payload_hash=body_hash, outcome=Outcome.QUEUED,
                reason="accepted", customer_key=shopify_id,
                outbox=[(shopify_id, ERP_CUSTOMER, {**customer, "topic": event.topic})],
            )
        if not is_new:
            self.metrics.duplicate()
            log_event(logger, "webhook.duplicate", key=key, outcome=stored.outcome.value)
            return stored
        if not echo and event.topic != "orders/create":
            # The customer now holds other content than we wrote: a later webhook carrying what we wrote
            # is the customer changing it back, not an echo.
            self.store.forget_own_writes("shopify", shopify_id)
        log_event(logger, "webhook.accepted", key=key, topic=event.topic, email=customer["email"],
                  phone=customer["phone"])
        if echo:
            self.metrics.outcome(Outcome.LINKED)
            return stored
        return self._run_now(key)

    def _run_now(self, key: str) -> EventRecord:
        """Run the event's first pending item now if it heads its customer's queue; return the event."""
        for item in self.store.pending_items(key)[:1]:
            if self._run(item) == "skipped":
                self.metrics.outcome(Outcome.QUEUED)
        event = self.store.get_event(key)
        assert event is not None
        return event

    # voice orders --------------------------------------------------------------------------------
    def _voice(self, order: VoiceOrder | Mapping[str, Any]) -> EventRecord:
        if not isinstance(order, VoiceOrder):
            raw = json.dumps(dict(order), sort_keys=True, default=str).encode()
            try:
                order = VoiceOrder.model_validate(order)
            except ValidationError as exc:
                fields = ", ".join(".".join(map(str, e["loc"])) or e["msg"] for e in exc.errors())
                key = f"rejected:{_hash(raw)}"
                event, is_new = self.store.record_event(
                    key, kind="voice", topic="voice_order", payload_hash=_hash(raw),
                    outcome=Outcome.REJECTED, reason=f"invalid voice order: {fields}",
                )
                if is_new:
                    self.metrics.outcome(Outcome.REJECTED)
                else:
                    self.metrics.duplicate()
                return event
        payload = order.model_dump(mode="json")
        key = f"voice:{order.idempotency_key}"
        customer_key = "voice:" + (order.caller_email or order.phone or "").lower()
        stored, is_new = self.store.record_event(
            key, kind="voice", topic="voice_order", payload_hash=_hash(json.dumps(payload, sort_keys=True).encode()),
            outcome=Outcome.QUEUED, reason="accepted", customer_key=customer_key,
            outbox=[(customer_key, VOICE_ORDER, payload)],
        )
        if not is_new:
            self.metrics.duplicate()
            return stored
        log_event(logger, "voice.accepted", key=key, email=order.caller_email, phone=order.phone)
        return self._run_now(key)

    # running outbox items ------------------------------------------------------------------------
    def _backoff(self, attempts: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** max(0, attempts - 1)))
        return self._rng.uniform(0, ceiling)

    def _run(self, item: OutboxItem) -> str:
        """Run one item if it is still pending and heads its customer's queue.

        Returns ``"done"``, ``"deferred"``, ``"dead"`` or ``"skipped"`` (not runnable now). Never raises
        adapter errors. Items run one at a time per service, so threads sharing a service (a threaded web
        server calling :meth:`handle_webhook`, a scheduler calling :meth:`replay`) never run an item twice
        or out of order; and an item runs only under this service's claim in the store, so services in
        other processes sharing the store do not run it at the same time (see ``claim_seconds``).
        """
        with self._work_lock:
            if not self.store.is_runnable(item.id, item.customer_key):
                return "skipped"
            if not self.store.claim_item(item.id, self._owner, until=self._clock() + self.claim_seconds):
                return "skipped"  # another process is running it
            return self._run_item(item)

    def _run_item(self, item: OutboxItem) -> str:
        try:
            if item.action == ERP_CUSTOMER and item.payload.get("rematch"):
                result = self._rematch(item.payload)
            elif item.action == ERP_CUSTOMER and item.payload.get("draft_order_id"):
                result = self._voice_erp(item.payload)
            elif item.action == ERP_CUSTOMER:
                result = self._erp_customer(item.payload)
            elif item.action == VOICE_ORDER:
                result = self._voice_order(item.payload)
            else:
                raise ValueError(f"unknown outbox action {item.action!r}")
        except RETRYABLE as exc:
            attempts = item.attempts + 1
            reason = f"{type(exc).__name__}: {exc}"
            if attempts >= self.max_attempts:
                return self._dead(item, f"gave up after {attempts} attempts: {reason}")
            self.store.defer_item(item, error=reason, next_attempt_at=self._clock() + self._backoff(attempts))
            self.metrics.retry()
            if item.attempts == 0:
                self.metrics.outcome(Outcome.QUEUED)
            log_event(logger, "outbox.deferred", key=item.event_key, attempts=attempts, reason=reason)
            return "deferred"
        except (AdapterError, ValueError) as exc:
            return self._dead(item, f"{type(exc).__name__}: {exc}")
        self.store.complete_item(
            item, outcome=result.outcome, reason=result.reason, detail=result.detail, link=result.link,
            follow_up=result.follow_up,
        )
        self.metrics.outcome(result.outcome)
        log_event(logger, "outbox.done", key=item.event_key, outcome=result.outcome.value, reason=result.reason)
        return "done"

    def _dead(self, item: OutboxItem, reason: str) -> str:
        self.store.dead_letter_item(item, reason=reason)
        self.metrics.dead_letter()
        self.metrics.outcome(Outcome.DEAD_LETTERED)
        log_event(logger, "outbox.dead_lettered", level=logging.ERROR, key=item.event_key, reason=reason)
        return "dead"

    def _erp_customer(self, c: Mapping[str, Any]) -> _Result:
        """Link a Shopify customer to its ERP partner, creating the partner when none matches."""
        shopify_id = str(c["shopify_id"])
        shopify_created = bool(c.get("shopify_created"))
        card = self.store.get_link(shopify_id)
        if card is not None:
            outcome = Outcome.CREATED if shopify_created else Outcome.LINKED
            detail: dict[str, Any] = {"card_code": card, "shopify_id": shopify_id}
            if c.get("topic") != "customers/update" or not self.push_contact_updates:
                return _Result(outcome, "already linked", detail)
            stamp = _instant(c.get("updated_at"))
            newest = self.store.newest_own_write(ERP_CONTACT_AT, shopify_id)
            if stamp is not None and newest is not None and stamp < newest:
                # delivered after a newer update of this customer (Shopify does not order webhooks)
                return _Result(outcome, "already linked; an update older than the one last synced, not pushed",
                               {**detail, "erp_updated": []})
            pushed = self._push_contact(card, c)
            if pushed is not None and stamp is not None:
                self.store.record_own_write(ERP_CONTACT_AT, shopify_id, stamp)
            if pushed is not None:
                reason = (f"already linked; updated ERP partner {card}: {', '.join(pushed)}" if pushed
                          else "already linked; ERP partner up to date")
                return _Result(outcome, reason, {**detail, "erp_updated": pushed})
            # the linked partner is gone from the ERP: forget the link and match again
            self.store.delete_link(shopify_id)
        email, phone = c.get("email"), c.get("phone")
        if not email and not phone:
            return _Result(Outcome.NEEDS_REVIEW, "no email or phone to match on", {"shopify_id": shopify_id})
        own_code = partner_code(shopify_id)
        matches = [r.source_id for r in self.sap.find_customers(phone=phone, email=email)]
        if len(matches) > 1:
            return _Result(Outcome.NEEDS_REVIEW, f"{len(matches)} ERP partners match",
                           {"candidates": sorted(matches), "shopify_id": shopify_id})
        if len(matches) == 1:
            made_by_us = matches[0] == own_code  # created by an earlier, interrupted attempt
            outcome = Outcome.CREATED if made_by_us or shopify_created else Outcome.LINKED
            return _Result(outcome, f"matched ERP partner {matches[0]}",
                           {"card_code": matches[0], "shopify_id": shopify_id},
                           link=(shopify_id, matches[0]))
        body = partner_body(own_code, first_name=c.get("first_name"), last_name=c.get("last_name"),
                            email=email, phone=phone)
        create_partner(self.sap, body)
        return _Result(Outcome.CREATED, f"created ERP partner {own_code}",
                       {"card_code": own_code, "shopify_id": shopify_id}, link=(shopify_id, own_code))

    def _push_contact(self, card: str, c: Mapping[str, Any]) -> list[str] | None:
        """Send the contact fields of ``c`` that differ from ERP partner ``card``; the names of the
        properties sent (empty when it was up to date), or None when the partner no longer exists.

        The contact fields last brought in line with the partner are remembered (as a hash, with our own
        writes; only the latest): an update whose contact fields are those again (a Shopify update of
        something else) reads nothing from the ERP and sends nothing, so an edit made in the ERP meanwhile
        stands. Contact fields synced before and since replaced (A, then B, then A again) are pushed."""
        synced = _content_hash(c.get("email"), c.get("phone"), c.get("first_name"), c.get("last_name"))
        if self.store.is_own_write(ERP_CONTACT, card, synced):
            return []
        row = self.sap.get_partner(card, CONTACT_FIELDS)
        if row is None:
            return None
        changes = contact_changes(
            row, email=c.get("email"), phone=c.get("phone"), first_name=c.get("first_name"),
            last_name=c.get("last_name"), region=self.sap.settings.region,
        )
        if changes:
            self.sap.update_partner(card, changes)
        self.store.replace_own_write(ERP_CONTACT, card, synced)  # only the latest: A, B, then A is a change
        return sorted(changes)

    def _rematch(self, c: Mapping[str, Any]) -> _Result:
        """Match a customer whose link no longer holds (reconcile) afresh: relink to exactly one partner,
        else ``needs_review``. The old link is dropped either way; no ERP partner is created."""
        shopify_id = str(c["shopify_id"])
        previous = self.store.get_link(shopify_id)
        detail: dict[str, Any] = {"shopify_id": shopify_id, "previous_card_code": previous}
        email, phone = c.get("email"), c.get("phone")
        matches = sorted(r.source_id for r in self.sap.find_customers(phone=phone, email=email)) if (
            email or phone) else []
        if len(matches) == 1:
            result = _Result(Outcome.LINKED, f"re-matched ERP partner {matches[0]} (was {previous})",
                             {**detail, "card_code": matches[0]}, link=(shopify_id, matches[0]))
        else:
            why = ("no email or phone to match on" if not (email or phone)
                   else f"{len(matches)} ERP partners match" if matches else "no ERP partner matches")
            result = _Result(Outcome.NEEDS_REVIEW, f"{why}; link to {previous} dropped",
                             {**detail, "candidates": matches})
        # after the remote reads, so a failure leaves the link as it was; the new one is written with the
        # outcome (a crash in between leaves the item pending, and its replay ends the same way)
        if previous is not None:
            self.store.delete_link(shopify_id)
        return result

    def _voice_erp(self, c: Mapping[str, Any]) -> _Result:
        """The ERP side of a voice order taken while the ERP was down: link the caller, then give the draft
        order its ERP discount."""
        erp = self._erp_customer(c)
        detail = {**erp.detail, "draft_order_id": c["draft_order_id"]}
        if erp.outcome is Outcome.NEEDS_REVIEW:
            return _Result(erp.outcome, f"{erp.reason}; draft order left without the ERP tier", detail)
        percent = self.sap.discount_for(str(erp.detail["card_code"])).discount_percent
        note, settled = self._settle_draft(str(c["draft_order_id"]), percent)
        return _Result(erp.outcome, f"{erp.reason}; {note}", {**detail, **settled}, link=erp.link)

    def _settle_draft(self, draft_id: str, percent: float) -> tuple[str, dict[str, Any]]:
        """Give an open draft order the ERP discount and drop its ``erp-pending`` tag; a completed or
        deleted draft is left alone. Returns the reason and the detail to record. Running it again
        changes nothing (a draft already settled is not written)."""
        draft = self.shopify.draft_order(draft_id)
        if draft is None:
            return (f"draft order no longer exists; ERP discount {percent:g}% not applied",
                    {"discount_percent": 0.0, "draft_status": "DELETED"})
        if draft.completed:
            return (f"draft order already completed; ERP discount {percent:g}% not applied",
                    {"discount_percent": draft.discount_percent or 0.0, "draft_status": draft.status})
        tags = [t for t in draft.tags if t != ERP_PENDING_TAG]
        if ERP_PENDING_TAG not in draft.tags and (percent <= 0 or draft.discount_percent == percent):
            return "draft order already has its ERP tier", {"discount_percent": draft.discount_percent or 0.0,
                                                            "draft_status": draft.status}
        discount = AppliedDiscount(value=percent, title=DISCOUNT_TITLE) if percent > 0 else None
        try:
            updated = self.shopify.update_draft_order(draft_id, applied_discount=discount, tags=tags)
        except RemoteValidationError:
            again = self.shopify.draft_order(draft_id)
            if again is None or not again.completed:
                raise
            return (f"draft order completed meanwhile; ERP discount {percent:g}% not applied",
                    {"discount_percent": again.discount_percent or 0.0, "draft_status": again.status})
        note = (f"ERP discount {percent:g}% applied to the draft order" if discount
                else "the ERP partner has no discount; draft order no longer erp-pending")
        return note, {"discount_percent": updated.discount_percent or 0.0, "draft_status": updated.status}

    def _draft_for(
        self, order: VoiceOrder, customer_id: str, discount: AppliedDiscount | None, *, erp_pending: bool
    ) -> tuple[str, bool]:
        """The id of the order's draft order, created once; and whether it came from an earlier attempt.

        The draft is tagged :func:`draft_order_tag` in the create request itself, and the attempt is
        noted in the store before the request is sent. When no id is stored but an earlier attempt was
        noted, a draft with that tag is looked for first, so a draft created by an attempt that died
        before storing its id is reused, not created again; a first attempt searches nothing.
        """
        key = order.idempotency_key
        draft_id = self.store.get_draft_order(key)
        if draft_id is not None:
            return draft_id, True
        tag = draft_order_tag(key)
        tried = self.store.is_own_write(DRAFT_ATTEMPT, key, tag)
        found = self.shopify.find_draft_orders(f'tag:"{tag}"', first=1) if tried else []
        if not tried:
            self.store.record_own_write(DRAFT_ATTEMPT, key, tag)
        if found:
            draft_id, earlier = found[0].id, True
        else:
            draft = self.shopify.create_draft_order(
                customer_id, order.line_items, applied_discount=discount, note=f"voice order {key}",
                tags=[VOICE_TAG, tag] + ([ERP_PENDING_TAG] if erp_pending else []),
            )
            draft_id, earlier = draft.id, False
        self.store.record_draft_order(key, draft_id)
        return draft_id, earlier

    def _voice_order(self, payload: Mapping[str, Any]) -> _Result:
        order = VoiceOrder.model_validate(payload)
        email = order.caller_email
        phone = order.phone
        if phone:
            from normalizers.phone import e164_many

            phone = e164_many([phone])[0] or phone
        customer = None
        if email:
            customer = self.shopify.customer_by_identifier(email=email)
        if customer is None and phone:
            customer = self.shopify.customer_by_identifier(phone=phone)
        own = _content_hash(email, phone, order.first_name, order.last_name)
        # created by us on an earlier, interrupted attempt of this same order?
        shopify_created = customer is None or self.store.is_own_write("shopify", customer.source_id, own)
        if customer is None:
            record = CustomerRecord(
                source="voice", source_id=order.idempotency_key, first_name=order.first_name,
                last_name=order.last_name, emails=[email] if email else [],
                phones=[phone] if phone else [],
            )
            customer = self.shopify.upsert_customer(record)
            self.store.record_own_write("shopify", customer.source_id, own)
        fields = {
            "shopify_id": customer.source_id,
            "email": email or (customer.emails[0] if customer.emails else None),
            "phone": phone or (customer.phones[0] if customer.phones else None),
            "first_name": order.first_name or customer.first_name,
            "last_name": order.last_name or customer.last_name,
            "shopify_created": shopify_created,
        }
        erp: _Result | None = None
        percent = 0.0
        erp_error: str | None = None
        try:
            erp = self._erp_customer(fields)
            if erp.outcome is Outcome.NEEDS_REVIEW:
                return erp
            percent = self.sap.discount_for(str(erp.detail["card_code"])).discount_percent
        except RETRYABLE as exc:
            erp, erp_error = None, f"{type(exc).__name__}: {exc}"
        discount = AppliedDiscount(value=percent, title=DISCOUNT_TITLE) if percent > 0 else None
        draft_id, earlier = self._draft_for(order, customer.source_id, discount, erp_pending=erp is None)
        detail: dict[str, Any] = {"shopify_id": customer.source_id, "draft_order_id": draft_id,
                                  "discount_percent": percent}
        if erp is None:
            # the follow-up carries the draft, so the ERP discount is applied once the ERP answers
            follow = {**fields, "draft_order_id": draft_id, "idempotency_key": order.idempotency_key}
            return _Result(Outcome.QUEUED, f"draft order created without ERP tier; ERP side queued ({erp_error})",
                           detail, follow_up=((customer.source_id, ERP_CUSTOMER, follow),))
        reason = ("created Shopify customer; " if shopify_created else "") + erp.reason
        if earlier:  # made by an interrupted attempt, perhaps while the ERP was down: settle it now
            note, settled = self._settle_draft(draft_id, percent)
            detail.update(settled)
            reason += f"; {note}"
        outcome = Outcome.CREATED if shopify_created else erp.outcome
        return _Result(outcome, reason, {**detail, **erp.detail}, link=erp.link)
