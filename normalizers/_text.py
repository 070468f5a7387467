"""Small text helpers shared by the normalizers (private).

Every public normalizer accepts ``str | None``. Anything else is a programming error and raises
``TypeError`` naming the argument, so that a column of ``float('nan')`` from pandas is caught loudly
instead of being silently turned into the string ``"nan"``.
"""

from __future__ import annotations

import unicodedata

__all__ = ["check_text", "fold", "strip_controls"]


def check_text(value: object, argument: str) -> str | None:
    """Return ``value`` if it is ``str`` or ``None``; raise ``TypeError`` naming ``argument`` otherwise.

    >>> check_text("x", "raw")
    'x'
    >>> check_text(3, "raw")
    Traceback (most recent call last):
    ...
    TypeError: raw must be str or None, not int
    """
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{argument} must be str or None, not {type(value).__name__}")


_CONTROL_OUT: dict[str, str] = {"Cc": " ", "Cs": " ", "Cf": ""}


def strip_controls(text: str) -> str:
    """Replace control characters (Cc, Cs) and the zero-width space by spaces; drop other format characters.

    The other format characters (Cf) are invisible marks *inside* words: soft hyphens, joiners and
    non-joiners (a Persian surname is typed with or without one), direction marks, the byte-order mark.
    As spaces they would split one word in two.

    >>> strip_controls("a\\x00b\\u200bc")
    'a b c'
    >>> strip_controls("Jo\\u00adhn\\u200e")
    'John'
    """
    return "".join(_CONTROL_OUT.get(unicodedata.category(ch), ch) if ch != "\u200b" else " " for ch in text)


def fold(text: str) -> str:
    """Unicode-fold for comparison: NFKD, drop combining marks, casefold, collapse white space.

    >>> fold("  José   ÑÚÑEZ ")
    'jose nunez'
    >>> fold("Straße")
    'strasse'
    """
    decomposed = unicodedata.normalize("NFKD", strip_controls(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
