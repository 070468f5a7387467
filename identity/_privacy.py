"""Masking helpers: show enough of a value to recognise it in a log, never enough to read it back."""

from __future__ import annotations

__all__ = ["mask_email", "mask_phone", "mask_text"]


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
