"""Sync orchestration: Shopify webhooks and voice orders resolved across SAP Business One and Shopify.

Every event ends in one explicit, stored outcome (:class:`Outcome`); writes are idempotent across
retries, duplicates and restarts; with the ERP down the work waits in a durable outbox and is replayed in
order per customer. See :mod:`identity.sync.service` for the precise meaning of each outcome, and
:mod:`identity.sync.store` for the store (SQLite by default, PostgreSQL when given a URL).
"""

from identity.sync._erp import partner_code
from identity.sync.metrics import SyncMetrics
from identity.sync.service import ReconcileReport, ReplayReport, SyncService, VoiceOrder, draft_order_tag
from identity.sync.store import (
    EventRecord,
    OutboxItem,
    Outcome,
    PostgresStore,
    PruneReport,
    SqliteStore,
    SyncStore,
    UnverifiedTally,
    open_store,
)

__all__ = [
    "EventRecord",
    "OutboxItem",
    "Outcome",
    "PostgresStore",
    "PruneReport",
    "ReconcileReport",
    "ReplayReport",
    "SqliteStore",
    "SyncMetrics",
    "SyncService",
    "SyncStore",
    "UnverifiedTally",
    "VoiceOrder",
    "draft_order_tag",
    "open_store",
    "partner_code",
]
