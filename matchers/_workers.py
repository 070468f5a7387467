"""Functions a worker process runs while the main process normalises other columns (private).

They import only the normalizers (no pyarrow, no numpy work), take and return plain lists, and are the
same functions the single-process path calls, so the result does not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence

from normalizers import email as _email
from normalizers import phone as _phone

__all__ = ["e164_groups", "email_keys"]


def e164_groups(
    tasks: Sequence[tuple[str | None, list[str | None]]], default_region: str
) -> list[list[str | None]]:
    """E.164 of each value, read in its group's region (``None``: ``default_region``)."""
    return [_phone.e164_many(values, region=group or default_region) for group, values in tasks]


def email_keys(values: list[str | None]) -> list[str | None]:
    """Email match keys."""
    return _email.match_key_many(values)
