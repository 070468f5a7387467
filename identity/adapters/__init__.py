"""Thin adapters for SAP Business One (Service Layer) and Shopify (Admin GraphQL).

HTTP in, :class:`~identity.CustomerRecord` out; no matching logic. Every client comes in a sync and an
async flavour sharing request building and response parsing; failures raise the typed errors of
:mod:`identity._exceptions`.
"""

from identity.adapters._http import (
    CircuitBreaker,
    HttpResult,
    RetryPolicy,
    SecretProvider,
    SecretSource,
    Timeouts,
    env_secret,
    is_testing,
    resolve_secret,
    set_testing,
)
from identity.adapters.sap_b1 import AsyncSapB1Client, Discount, SapB1Client, SapB1Settings
from identity.adapters.shopify import (
    AppliedDiscount,
    AsyncShopifyClient,
    DraftOrder,
    LineItem,
    ShopifyClient,
    ShopifySettings,
    ThrottleStatus,
)
from identity.adapters.webhooks import InvalidWebhookError, WebhookEvent, verify_webhook, webhook_hmac

__all__ = [
    "AppliedDiscount",
    "AsyncSapB1Client",
    "AsyncShopifyClient",
    "CircuitBreaker",
    "Discount",
    "DraftOrder",
    "HttpResult",
    "InvalidWebhookError",
    "LineItem",
    "RetryPolicy",
    "SapB1Client",
    "SapB1Settings",
    "SecretProvider",
    "SecretSource",
    "ShopifyClient",
    "ShopifySettings",
    "ThrottleStatus",
    "Timeouts",
    "WebhookEvent",
    "env_secret",
    "is_testing",
    "resolve_secret",
    "set_testing",
    "verify_webhook",
    "webhook_hmac",
]
