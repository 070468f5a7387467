"""Shopify webhook verification."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from identity import AuthenticationError, RemoteValidationError
from identity.adapters import InvalidWebhookError, verify_webhook, webhook_hmac

BODY = json.dumps({"id": 706405506930370084, "email": "karine.ruby@example.com"}).encode()
HEADERS = {
    "X-Shopify-Topic": "customers/update",
    "X-Shopify-Shop-Domain": "demo.myshopify.com",
    "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    "X-Shopify-Triggered-At": "2026-05-06T02:40:36.123Z",
    "X-Shopify-API-Version": "2025-10",
}


def test_valid_webhook_is_parsed() -> None:
    event = verify_webhook(BODY, webhook_hmac(BODY, "current"), [SecretStr("current")], headers=HEADERS)
    assert event.topic == "customers/update" and event.shop == "demo.myshopify.com"
    assert event.webhook_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    assert event.event_id == "98880550-7158-44d4-b7cd-2c97c8a091b5"
    assert event.triggered_at == datetime(2026, 5, 6, 2, 40, 36, 123000, tzinfo=UTC)
    assert event.payload["id"] == 706405506930370084 and event.api_version == "2025-10"


def test_previous_secret_is_accepted_during_rotation() -> None:
    event = verify_webhook(BODY, webhook_hmac(BODY, "previous"), ["current", "previous"])
    assert event.payload["email"] == "karine.ruby@example.com"
    with pytest.raises(InvalidWebhookError):
        verify_webhook(BODY, webhook_hmac(BODY, "previous"), ["current"])


@pytest.mark.parametrize(
    "header",
    [None, "", "not base64!!", webhook_hmac(BODY, "wrong-secret"), base64.b64encode(b"short").decode()],
    ids=["missing", "empty", "garbage", "wrong-secret", "wrong-length"],
)
def test_wrong_hmac_is_refused(header: str | None) -> None:
    with pytest.raises(InvalidWebhookError) as info:
        verify_webhook(BODY, header, "current")
    assert isinstance(info.value, AuthenticationError) and info.value.code == "invalid_hmac"
    assert "current" not in str(info.value)


def test_tampered_body_is_refused() -> None:
    signature = webhook_hmac(BODY, "current")
    with pytest.raises(InvalidWebhookError):
        verify_webhook(BODY.replace(b"karine", b"mallory"), signature, "current")


def test_reserialised_json_does_not_verify() -> None:
    signature = webhook_hmac(BODY, "current")
    with pytest.raises(InvalidWebhookError):
        verify_webhook(json.dumps(json.loads(BODY), indent=2).encode(), signature, "current")


def test_oversized_body_is_refused_before_hashing() -> None:
    big = b'{"x": "' + b"a" * 4096 + b'"}'
    with pytest.raises(RemoteValidationError) as info:
        verify_webhook(big, webhook_hmac(big, "current"), "current", max_bytes=1024)
    assert info.value.code == "too_large"


def test_non_object_body_is_refused_after_verification() -> None:
    body = b"[1, 2, 3]"
    with pytest.raises(RemoteValidationError) as info:
        verify_webhook(body, webhook_hmac(body, "current"), "current")
    assert info.value.code == "malformed"


@pytest.mark.parametrize("secrets", ["", SecretStr(""), ["current", ""], [SecretStr("current"), SecretStr("")]])
def test_an_empty_secret_is_refused_not_used(secrets: object) -> None:
    # HMAC with an empty key is computable by anyone: an unset rotation secret must not become one.
    forged = webhook_hmac(BODY, "")
    with pytest.raises(ValueError, match="empty"):
        verify_webhook(BODY, forged, secrets)  # type: ignore[arg-type]


def test_raw_bytes_are_required() -> None:
    with pytest.raises(TypeError):
        verify_webhook(json.loads(BODY), "x", "current")  # type: ignore[arg-type]
