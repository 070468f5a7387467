"""identity-resolution: which customer records across SAP Business One and Shopify are the same person."""

from identity._exceptions import (
    AdapterError,
    AuthenticationError,
    CircuitOpenError,
    ConfigurationError,
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
    "AdapterError",
    "AuthenticationError",
    "CircuitOpenError",
    "ConfigurationError",
    "CustomerRecord",
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
    "mask_email",
    "mask_phone",
    "mask_text",
]
