"""identity-resolution: which customer records across SAP Business One and Shopify are the same person."""

from identity._dedupe import DEFAULT_THRESHOLD, DedupeResult, dedupe, link
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

__all__ = [
    "CANONICAL_COLUMNS",
    "DEFAULT_THRESHOLD",
    "AdapterError",
    "AuthenticationError",
    "CircuitOpenError",
    "ConfigurationError",
    "ConvergenceWarning",
    "CustomerRecord",
    "DedupeResult",
    "IdempotencyConflict",
    "IdentityError",
    "InputError",
    "InsufficientQuery",
    "NotFittedError",
    "NotFoundError",
    "RateLimitedError",
    "RemoteServerError",
    "RemoteValidationError",
    "StoreError",
    "SyncError",
    "TransportError",
    "dedupe",
    "link",
    "mask_email",
    "mask_phone",
    "mask_text",
]
