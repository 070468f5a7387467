"""identity-resolution: which customer records across SAP Business One and Shopify are the same person."""

import importlib as _importlib
import typing as _typing

from identity._dedupe import DEFAULT_THRESHOLD, SUPERVISED_THRESHOLD, DedupeResult, dedupe, link
from identity._exceptions import (
    AdapterError,
    AuthenticationError,
    CircuitOpenError,
    ConfigurationError,
    ConvergenceWarning,
    IdempotencyConflict,
    IdentityError,
    InputError,
    InsufficientQuery,
    NotFittedError,
    NotFoundError,
    RateLimitedError,
    RemoteServerError,
    RemoteValidationError,
    StoreError,
    SyncError,
    TransportError,
)
from identity._privacy import mask_email, mask_phone, mask_text
from identity._records import CANONICAL_COLUMNS, CustomerRecord

# The resolver, the adapters (httpx) and the sync service load on first use, so that a batch job
# (``identity-dedupe``, ``identity.dedupe``) does not pay for importing them.
_LAZY: dict[str, str] = {
    "Contribution": "identity._resolver",
    "CustomerQuery": "identity._resolver",
    "Explanation": "identity._resolver",
    "Match": "identity._resolver",
    "Resolver": "identity._resolver",
    "Verification": "identity._resolver",
    "AsyncSapB1Client": "identity.adapters",
    "AsyncShopifyClient": "identity.adapters",
    "CircuitBreaker": "identity.adapters",
    "InvalidWebhookError": "identity.adapters",
    "SapB1Client": "identity.adapters",
    "SapB1Settings": "identity.adapters",
    "ShopifyClient": "identity.adapters",
    "ShopifySettings": "identity.adapters",
    "WebhookEvent": "identity.adapters",
    "verify_webhook": "identity.adapters",
    "EventRecord": "identity.sync",
    "Outcome": "identity.sync",
    "PostgresStore": "identity.sync",
    "PruneReport": "identity.sync",
    "ReconcileReport": "identity.sync",
    "ReplayReport": "identity.sync",
    "SqliteStore": "identity.sync",
    "SyncMetrics": "identity.sync",
    "SyncService": "identity.sync",
    "SyncStore": "identity.sync",
    "VoiceOrder": "identity.sync",
    "open_store": "identity.sync",
}

if _typing.TYPE_CHECKING:
    from identity._resolver import Contribution, CustomerQuery, Explanation, Match, Resolver, Verification
    from identity.adapters import (
        AsyncSapB1Client,
        AsyncShopifyClient,
        CircuitBreaker,
        InvalidWebhookError,
        SapB1Client,
        SapB1Settings,
        ShopifyClient,
        ShopifySettings,
        WebhookEvent,
        verify_webhook,
    )
    from identity.sync import (
        EventRecord,
        Outcome,
        PostgresStore,
        PruneReport,
        ReconcileReport,
        ReplayReport,
        SqliteStore,
        SyncMetrics,
        SyncService,
        SyncStore,
        VoiceOrder,
        open_store,
    )

__all__ = [
    "CANONICAL_COLUMNS",
    "DEFAULT_THRESHOLD",
    "SUPERVISED_THRESHOLD",
    "AdapterError",
    "AsyncSapB1Client",
    "AsyncShopifyClient",
    "AuthenticationError",
    "CircuitBreaker",
    "CircuitOpenError",
    "ConfigurationError",
    "Contribution",
    "ConvergenceWarning",
    "CustomerQuery",
    "CustomerRecord",
    "DedupeResult",
    "EventRecord",
    "Explanation",
    "IdempotencyConflict",
    "IdentityError",
    "InputError",
    "InsufficientQuery",
    "InvalidWebhookError",
    "Match",
    "NotFittedError",
    "NotFoundError",
    "Outcome",
    "PostgresStore",
    "PruneReport",
    "RateLimitedError",
    "ReconcileReport",
    "RemoteServerError",
    "RemoteValidationError",
    "ReplayReport",
    "Resolver",
    "SapB1Client",
    "SapB1Settings",
    "ShopifyClient",
    "ShopifySettings",
    "SqliteStore",
    "StoreError",
    "SyncError",
    "SyncMetrics",
    "SyncService",
    "SyncStore",
    "TransportError",
    "Verification",
    "VoiceOrder",
    "WebhookEvent",
    "dedupe",
    "link",
    "mask_email",
    "mask_phone",
    "mask_text",
    "open_store",
    "verify_webhook",
]


def __getattr__(name: str) -> _typing.Any:
    """Import a lazily loaded public name on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'identity' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
