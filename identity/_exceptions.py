"""The exception tree of identity-resolution.

Every error the library raises on purpose derives from :class:`IdentityError`::

    IdentityError
    ├── InputError                      bad batch input: a file, a column, a row (CLI exit code 2)
    ├── ConfigurationError              settings that cannot work (missing credential, bad URL, bad option)
    ├── NotFittedError                  a model or index used before ``fit`` / ``build`` (also ValueError)
    ├── InsufficientQuery               a lookup with nothing usable in it (also ValueError)
    ├── AdapterError                    talking to SAP Business One or Shopify failed
    │   ├── TransportError              connection refused, reset, timed out, malformed response body
    │   ├── AuthenticationError         credentials refused (after the one re-login we try)
    │   ├── RateLimitedError            throttled and the retry budget is spent
    │   ├── RemoteValidationError       the remote system rejected our input (userErrors, OData 400)
    │   ├── NotFoundError               the remote object does not exist
    │   ├── RemoteServerError           the remote system kept answering 5xx
    │   └── CircuitOpenError            the circuit breaker holds the system as down; no request was sent
    └── SyncError                       the sync service could not do what was asked
        ├── IdempotencyConflict         an idempotency key reused with a different payload
        └── StoreError                  the durable store failed

``IdentityError``, ``NotFittedError`` and ``ConvergenceWarning`` (a ``UserWarning`` from EM) are defined
in ``matchers._exceptions`` so that the matchers can raise them without importing this layer.

Messages never contain secrets, and personal data in them is masked.
"""

from __future__ import annotations

from matchers._exceptions import ConvergenceWarning, IdentityError, NotFittedError

__all__ = [
    "AdapterError",
    "AuthenticationError",
    "CircuitOpenError",
    "ConfigurationError",
    "ConvergenceWarning",
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
]


class InputError(IdentityError):
    """Batch input cannot be used: missing file, unreadable format, missing or duplicate key, bad mapping."""


class ConfigurationError(IdentityError):
    """Settings that cannot work: a missing credential, an invalid URL, contradictory options."""


class InsufficientQuery(IdentityError, ValueError):
    """A lookup query holds nothing usable (empty, or only values that normalize to nothing)."""


class AdapterError(IdentityError):
    """Talking to a remote system failed. ``system`` names it (``"sap_b1"`` or ``"shopify"``)."""

    def __init__(self, message: str, *, system: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.system = system
        self.code = code


class TransportError(AdapterError):
    """The request did not get a usable answer: connection error, timeout, or a malformed body."""


class AuthenticationError(AdapterError):
    """The remote system refused our credentials, also after one fresh login."""


class RateLimitedError(AdapterError):
    """Throttled by the remote system and the retry budget is spent."""

    def __init__(
        self, message: str, *, system: str = "", code: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, system=system, code=code)
        self.retry_after = retry_after


class RemoteValidationError(AdapterError):
    """The remote system rejected our input; ``field`` names the offending field where it said so."""

    def __init__(
        self, message: str, *, system: str = "", code: str | None = None, field: list[str] | None = None
    ) -> None:
        super().__init__(message, system=system, code=code)
        self.field = field


class NotFoundError(AdapterError):
    """The remote object does not exist."""


class RemoteServerError(AdapterError):
    """The remote system kept answering with server errors (5xx) after our retries."""

    def __init__(self, message: str, *, system: str = "", code: str | None = None, status: int = 0) -> None:
        super().__init__(message, system=system, code=code)
        self.status = status


class CircuitOpenError(AdapterError):
    """The circuit breaker holds the remote system as down; no request was sent."""


class SyncError(IdentityError):
    """The sync service could not do what was asked."""


class IdempotencyConflict(SyncError):
    """An idempotency key was reused with a different payload."""


class StoreError(SyncError):
    """The durable store failed (SQLite or Postgres)."""
