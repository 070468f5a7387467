"""Masks what ``httpx`` and ``httpcore`` log about the adapters' requests.

At INFO, ``httpx`` logs every request line with its full URL, and a Service Layer lookup carries the
customer's e-mail or phone in ``$filter``. At DEBUG, ``httpcore`` logs response headers, the
``B1SESSION`` cookie among them. Neither logger is ours, so :func:`install` attaches a filter to them
that replaces query strings with ``?…`` and the values of secret headers (cookies, authorization,
Shopify's access token) with ``***`` before any handler sees the record. It is installed when
:mod:`identity.adapters` is imported, and affects every use of those loggers in the process: other code's
query strings are masked too, which errs on the side of not logging personal data.
"""

from __future__ import annotations

import logging
import re

__all__ = ["LOGGERS", "install", "mask_http_log"]

#: The third-party loggers that see our requests (a filter on a logger does not cover its children).
LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

# A query runs to the next white space or double quote (httpx percent-encodes spaces in URLs).
_QUERY = re.compile(r"(https?://[^\s?#\"<>]+)\?[^\s\"]*")
_SECRET_HEADER = re.compile(
    r"(\(b'(?:set-cookie|cookie|authorization|proxy-authorization|x-shopify-access-token)', b')"
    r"(?:[^'\\]|\\.)*(')",
    re.IGNORECASE,
)


def mask_http_log(message: str) -> str:
    """``message`` with URL query strings and secret header values masked.

    Examples
    --------
    >>> mask_http_log("HTTP Request: GET https://erp/b1s/v1/BusinessPartners?$filter=EmailAddress%20eq%20'a@b.c' 200")
    'HTTP Request: GET https://erp/b1s/v1/BusinessPartners?… 200'
    >>> mask_http_log("headers=[(b'Set-Cookie', b'B1SESSION=1f2e; path=/b1s'), (b'Content-Type', b'json')]")
    "headers=[(b'Set-Cookie', b'***'), (b'Content-Type', b'json')]"
    """
    return _SECRET_HEADER.sub(r"\1***\2", _QUERY.sub(r"\1?…", message))


class _MaskFilter(logging.Filter):
    """Rewrites a record's message through :func:`mask_http_log` (the record is always kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is left for the handler to report
            return True
        masked = mask_http_log(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER = _MaskFilter("identity.adapters")


def install() -> None:
    """Attach the masking filter to every logger in :data:`LOGGERS` (once; calling again does nothing).

    Examples
    --------
    >>> install(); install()
    >>> sum(isinstance(f, _MaskFilter) for f in logging.getLogger("httpx").filters)
    1
    """
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
