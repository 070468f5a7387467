"""Counters for the sync service (a dict, or Prometheus text) and structured, masked log lines."""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

from identity._privacy import mask_email, mask_phone, mask_text

__all__ = ["LATENCY_BUCKETS", "UNVERIFIED_REASONS", "SyncMetrics", "log_event", "masked"]

#: Upper bounds (seconds) of the latency histogram buckets.
LATENCY_BUCKETS: tuple[float, ...] = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
#: Why a webhook delivery was not verified (and so not stored): ``bad_hmac`` (the signature is missing or
#: matches none of the webhook secrets) or ``too_large`` (the body is over the limit, refused unchecked).
UNVERIFIED_REASONS: tuple[str, ...] = ("bad_hmac", "too_large")
_MASKERS = {"email": mask_email, "phone": mask_phone, "first_name": mask_text, "last_name": mask_text,
            "name": mask_text}


def masked(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with personal data (email, phone, names) masked; everything else as is.

    Examples
    --------
    >>> masked({"email": "john.smith@gmail.com", "outcome": "linked"})
    {'email': 'j***@g***.com', 'outcome': 'linked'}
    """
    return {k: (_MASKERS[k](v) if k in _MASKERS and isinstance(v, str) else v) for k, v in fields.items()}


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one JSON object (``{"event": ..., **fields}``), personal data masked.

    The fields also travel in the record's ``sync`` attribute for structured handlers.

    Examples
    --------
    >>> log_event(logging.getLogger("demo"), "webhook.received", email="a.b@example.com")
    """
    data = {"event": event, **masked(fields)}
    if logger.isEnabledFor(level):
        logger.log(level, json.dumps(data, default=str, sort_keys=True), extra={"sync": data})


class SyncMetrics:
    """Thread-safe counters: outcomes, unverified webhooks, duplicates, retries, dead letters, latency.

    The counters are those of this process since it started (a Prometheus scrape of the process that
    handles the webhooks sees them); what the store keeps is in ``SyncService.status()``.

    - ``outcomes`` counts stored events reaching each outcome: once when an event is first answered and
      once per later transition (a ``queued`` event replayed to ``linked`` counts in both). Verified
      webhooks that cannot be used and invalid voice orders are stored, and count under ``rejected``.
    - ``unverified_webhooks`` counts, per reason in :data:`UNVERIFIED_REASONS`, every webhook delivery not
      shown to come from Shopify. Those are answered ``rejected`` but never stored, and are *not* in
      ``outcomes``: a steady ``bad_hmac`` count is spam, or a webhook secret that does not match the app's.
    - ``duplicates`` counts deliveries answered from the store (a redelivery, a repeated voice order).

    Examples
    --------
    >>> m = SyncMetrics()
    >>> m.outcome("linked"); m.unverified_webhook("bad_hmac"); m.observe(0.004)
    >>> snap = m.snapshot(queue_depth=3)
    >>> snap["outcomes"], snap["unverified_webhooks"], snap["queue_depth"], snap["events"]
    ({'linked': 1}, {'bad_hmac': 1, 'too_large': 0}, 3, 1)
    >>> "identity_sync_outcomes_total{outcome=\\"linked\\"} 1" in m.prometheus(queue_depth=3)
    True
    """

    def __init__(self, *, reservoir: int = 100_000) -> None:
        self._lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.unverified: Counter[str] = Counter({reason: 0 for reason in UNVERIFIED_REASONS})
        self.duplicates = 0
        self.retries = 0
        self.dead_letters = 0
        self._latencies: deque[float] = deque(maxlen=reservoir)
        self._buckets = [0] * len(LATENCY_BUCKETS)
        self._count = 0
        self._sum = 0.0

    def outcome(self, outcome: str, n: int = 1) -> None:
        """Count events reaching ``outcome`` (first answers and later transitions)."""
        with self._lock:
            self.outcomes[outcome] += n

    def unverified_webhook(self, reason: str) -> None:
        """Count a webhook delivery refused unverified (``reason`` one of :data:`UNVERIFIED_REASONS`)."""
        with self._lock:
            self.unverified[reason] += 1

    def duplicate(self) -> None:
        """Count a delivery answered from the store."""
        with self._lock:
            self.duplicates += 1

    def retry(self) -> None:
        """Count a failed attempt that will be retried."""
        with self._lock:
            self.retries += 1

    def dead_letter(self) -> None:
        """Count an item given up on."""
        with self._lock:
            self.dead_letters += 1

    def observe(self, seconds: float) -> None:
        """Record the handling time of one event."""
        with self._lock:
            self._latencies.append(seconds)
            self._count += 1
            self._sum += seconds
            for i, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    self._buckets[i] += 1

    @staticmethod
    def _quantile(values: list[float], q: float) -> float | None:
        if not values:
            return None
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))]

    def snapshot(self, *, queue_depth: int | None = None) -> dict[str, Any]:
        """All counters as a plain dict (latency quantiles from the most recent events)."""
        with self._lock:
            recent = list(self._latencies)
            return {
                "outcomes": dict(self.outcomes),
                "unverified_webhooks": dict(self.unverified),
                "duplicates": self.duplicates,
                "retries": self.retries,
                "dead_letters": self.dead_letters,
                "queue_depth": queue_depth,
                "events": self._count,
                "latency_seconds": {
                    "sum": self._sum,
                    "p50": self._quantile(recent, 0.50),
                    "p99": self._quantile(recent, 0.99),
                },
            }

    def prometheus(self, *, queue_depth: int | None = None) -> str:
        """The counters in the Prometheus text exposition format (version 0.0.4)."""
        with self._lock:
            lines = [
                "# HELP identity_sync_outcomes_total Events reaching each outcome.",
                "# TYPE identity_sync_outcomes_total counter",
            ]
            lines += [
                f'identity_sync_outcomes_total{{outcome="{o}"}} {n}' for o, n in sorted(self.outcomes.items())
            ]
            lines += [
                "# HELP identity_sync_unverified_webhooks_total Webhook deliveries refused unverified (not stored).",
                "# TYPE identity_sync_unverified_webhooks_total counter",
            ]
            lines += [
                f'identity_sync_unverified_webhooks_total{{reason="{r}"}} {n}'
                for r, n in sorted(self.unverified.items())
            ]
            for name, value, text in (
                ("duplicates", self.duplicates, "Deliveries answered from the store."),
                ("retries", self.retries, "Failed attempts scheduled for retry."),
                ("dead_letters", self.dead_letters, "Outbox items given up on."),
            ):
                lines += [f"# HELP identity_sync_{name}_total {text}",
                          f"# TYPE identity_sync_{name}_total counter",
                          f"identity_sync_{name}_total {value}"]
            if queue_depth is not None:
                lines += ["# HELP identity_sync_queue_depth Pending outbox items.",
                          "# TYPE identity_sync_queue_depth gauge",
                          f"identity_sync_queue_depth {queue_depth}"]
            lines += ["# HELP identity_sync_event_seconds Time to handle one event.",
                      "# TYPE identity_sync_event_seconds histogram"]
            lines += [f'identity_sync_event_seconds_bucket{{le="{b}"}} {n}'
                      for b, n in zip(LATENCY_BUCKETS, self._buckets, strict=True)]
            lines += [f'identity_sync_event_seconds_bucket{{le="+Inf"}} {self._count}',
                      f"identity_sync_event_seconds_sum {self._sum}",
                      f"identity_sync_event_seconds_count {self._count}"]
            return "\n".join(lines) + "\n"
