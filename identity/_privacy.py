"""Masking helpers: show enough of a value to recognise it in a log, never enough to read it back."""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["mask_email", "mask_phone", "mask_text", "mask_url", "url_passwords"]


def mask_email(email: str | None) -> str:
    """Mask an email address for logs: first letter of the local part and of the domain, TLD kept.

    >>> mask_email("john.smith@gmail.com")
    'j***@g***.com'
    >>> mask_email("not an email")
    'n***'
    >>> mask_email(None)
    ''
    """
    if not email:
        return ""
    local, sep, domain = email.partition("@")
    if not sep:
        return mask_text(email)
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_domain = f"{host[:1]}***" + (f".{tld}" if tld else "")
    return f"{local[:1]}***@{masked_domain}"


def mask_phone(phone: str | None) -> str:
    """Mask a phone number for logs: country code and last four digits only.

    >>> mask_phone("+12127365000")
    '+1 *** *** 5000'
    >>> mask_phone("+442079460958")
    '+44 *** *** 0958'
    >>> mask_phone("5000")
    '***'
    """
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "***"
    if phone.lstrip().startswith("+"):
        import phonenumbers

        try:
            cc = str(phonenumbers.parse("+" + digits).country_code)
        except phonenumbers.NumberParseException:
            cc = digits[:1]
        return f"+{cc} *** *** {digits[-4:]}"
    return f"*** *** {digits[-4:]}"


def mask_text(value: str | None) -> str:
    """Mask free text (a name, an id): first character and a fixed-width tail.

    >>> mask_text("Smith")
    'S***'
    """
    if not value:
        return ""
    return f"{value[:1]}***"


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&#]*)", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s']+)", re.IGNORECASE)


def _password_spans(url: str) -> list[tuple[int, int]]:
    """Where the passwords of a connection URL (or ``key=value`` string) stand: ``(start, end)`` pairs."""
    scheme = _SCHEME.match(url)
    if scheme is None:
        return [m.span(2) for m in _KEYWORD_PASSWORD.finditer(url)]
    spans = []
    authority_end = url.find("/", scheme.end())
    authority = url[scheme.end() : len(url) if authority_end < 0 else authority_end]
    at = authority.rfind("@")  # the last one: a stray "@" in a password then stays masked
    colon = authority.find(":", 0, max(at, 0))
    if at >= 0 and colon >= 0:
        spans.append((scheme.end() + colon + 1, scheme.end() + at))
    spans += [m.span(2) for m in _QUERY_PASSWORD.finditer(url)]
    return spans


def mask_url(url: str) -> str:
    """A database URL fit for a log or an error: every password in it shown as ``***``.

    >>> mask_url("postgresql://sync:s3cret@127.0.0.1:5432/identity?sslmode=require")
    'postgresql://sync:***@127.0.0.1:5432/identity?sslmode=require'
    >>> mask_url("postgres://127.0.0.1/identity?user=sync&password=s3cret")
    'postgres://127.0.0.1/identity?user=sync&password=***'
    >>> mask_url("host=127.0.0.1 user=sync password='s3 cret'")
    'host=127.0.0.1 user=sync password=***'
    >>> mask_url("postgresql://sync@127.0.0.1/identity")
    'postgresql://sync@127.0.0.1/identity'
    """
    for start, end in sorted(_password_spans(url), reverse=True):
        url = f"{url[:start]}***{url[end:]}"
    return url


def url_passwords(url: str) -> list[str]:
    """The passwords in a connection URL, as written and percent-decoded (to scrub them from messages).

    >>> url_passwords("postgresql://sync:s%40cret@127.0.0.1/identity")
    ['s%40cret', 's@cret']
    >>> url_passwords("postgresql://sync@127.0.0.1/identity")
    []
    """
    found: list[str] = []
    for start, end in _password_spans(url):
        raw = url[start:end].strip("'")
        for value in (raw, unquote(raw)):
            if value and value not in found:
                found.append(value)
    return found
