"""Shopify webhook verification: HMAC-SHA256 of the raw body, constant-time, with secret rotation.

Verify before parsing: pass the body exactly as received (bytes), not re-serialised JSON.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

from identity._exceptions import AuthenticationError, RemoteValidationError

__all__ = [
    "MAX_WEBHOOK_BYTES",
    "InvalidWebhookError",
    "WebhookEvent",
    "verify_webhook",
    "webhook_hmac",
    "webhook_secret_keys",
]

SYSTEM = "shopify"
#: Bodies larger than this are refused before any hashing (Shopify caps webhook payloads well below it).
MAX_WEBHOOK_BYTES = 2 * 1024 * 1024


class InvalidWebhookError(AuthenticationError):
    """A webhook whose HMAC is missing or does not match any configured secret."""


class WebhookEvent(BaseModel):
    """A verified webhook: delivery headers and the parsed JSON payload.

    ``webhook_id`` (``X-Shopify-Webhook-Id``) identifies one delivery and is the key to deduplicate on;
    ``event_id`` (``X-Shopify-Event-Id``) is shared by deliveries of the same event.

    Examples
    --------
    >>> WebhookEvent(topic="customers/update", shop="demo.myshopify.com", webhook_id="w1", payload={}).topic
    'customers/update'
    """

    model_config = ConfigDict(frozen=True)

    topic: str | None = None
    shop: str | None = None
    webhook_id: str | None = None
    event_id: str | None = None
    triggered_at: datetime | None = None
    api_version: str | None = None
    payload: dict[str, Any]


def webhook_hmac(raw_body: bytes, secret: str | SecretStr) -> str:
    """The base64 HMAC-SHA256 Shopify sends in ``X-Shopify-Hmac-Sha256`` for ``raw_body``.

    Examples
    --------
    >>> webhook_hmac(b'{"id": 1}', "shh")
    'lcCRbbxX0t5G+v1bC/0ymlWHnpSu49oaYm6sTbKt77s='
    """
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    digest = hmac.new(key.encode("utf-8"), raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_secret_keys(secrets: Sequence[str | SecretStr] | str | SecretStr) -> list[str]:
    """The plain values of the configured webhook secrets; :class:`ValueError` if there is none or one
    is empty (anyone can sign with an empty key, so an unset rotation secret must not become one).

    Examples
    --------
    >>> len(webhook_secret_keys([SecretStr("new"), "previous"]))
    2
    >>> webhook_secret_keys(["new", ""])
    Traceback (most recent call last):
    ...
    ValueError: a webhook secret is empty (an unset environment variable?)
    """
    given = [secrets] if isinstance(secrets, str | SecretStr) else list(secrets)
    if not given:
        raise ValueError("no webhook secret configured")
    keys = [s.get_secret_value() if isinstance(s, SecretStr) else s for s in given]
    if not all(isinstance(k, str) and k for k in keys):
        raise ValueError("a webhook secret is empty (an unset environment variable?)")
    return keys


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            return value
    return None


def _timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def verify_webhook(
    raw_body: bytes,
    hmac_header: str | None,
    secrets: Sequence[str | SecretStr] | str | SecretStr,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_WEBHOOK_BYTES,
) -> WebhookEvent:
    """Verify a webhook and return the parsed event.

    Parameters
    ----------
    raw_body : bytes
        The request body exactly as received.
    hmac_header : str or None
        The ``X-Shopify-Hmac-Sha256`` header.
    secrets : secret or sequence of secrets
        The app's client secret; during rotation pass ``[new, previous]`` and both are accepted.
    headers : mapping, optional
        The other request headers (``X-Shopify-Topic``, ``-Shop-Domain``, ``-Webhook-Id``, ``-Event-Id``,
        ``-Triggered-At``, ``-API-Version``), case-insensitive.
    max_bytes : int
        Larger bodies are refused before hashing.

    Raises
    ------
    InvalidWebhookError
        Missing or wrong HMAC (an :class:`~identity.AuthenticationError`).
    RemoteValidationError
        Body too large (``code="too_large"``), or not a JSON object (``code="malformed"``).

    Examples
    --------
    >>> body = b'{"id": 706405506930370084}'
    >>> sig = webhook_hmac(body, "old-secret")
    >>> event = verify_webhook(body, sig, ["new-secret", "old-secret"],
    ...                        headers={"X-Shopify-Topic": "customers/create", "X-Shopify-Webhook-Id": "b54"})
    >>> event.topic, event.webhook_id, event.payload["id"]
    ('customers/create', 'b54', 706405506930370084)
    """
    if not isinstance(raw_body, bytes | bytearray | memoryview):
        raise TypeError("raw_body must be the raw request bytes")
    body = bytes(raw_body)
    if len(body) > max_bytes:
        raise RemoteValidationError(
            f"{SYSTEM}: webhook body of {len(body)} bytes exceeds {max_bytes}",
            system=SYSTEM,
            code="too_large",
        )
    keys = webhook_secret_keys(secrets)
    try:
        received = base64.b64decode((hmac_header or "").strip(), validate=True)
    except (binascii.Error, ValueError):
        received = b""
    matched = False
    for key in keys:  # compare against every secret, no early exit
        expected = base64.b64decode(webhook_hmac(body, key))
        matched |= hmac.compare_digest(expected, received)
    if not received or not matched:
        raise InvalidWebhookError(
            f"{SYSTEM}: webhook HMAC does not verify", system=SYSTEM, code="invalid_hmac"
        )
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise RemoteValidationError(
            f"{SYSTEM}: webhook body is not a JSON object", system=SYSTEM, code="malformed"
        )
    h = headers or {}
    return WebhookEvent(
        topic=_header(h, "X-Shopify-Topic"),
        shop=_header(h, "X-Shopify-Shop-Domain"),
        webhook_id=_header(h, "X-Shopify-Webhook-Id"),
        event_id=_header(h, "X-Shopify-Event-Id"),
        triggered_at=_timestamp(_header(h, "X-Shopify-Triggered-At")),
        api_version=_header(h, "X-Shopify-API-Version"),
        payload=payload,
    )
