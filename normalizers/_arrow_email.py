"""Column-at-once e-mail match keys (private): :func:`normalizers.email.match_key_many` on Arrow arrays.

:func:`match_keys` decides, with ``pyarrow.compute`` and numpy, the values whose key the scalar code
computes on its fast path, and the values it plainly rejects; it leaves every other value undecided for
the caller to hand to :func:`~normalizers.email.match_key_many`. A decided key is *exactly* the scalar
one: ``tests/normalizers/test_arrow_email.py`` checks it with hypothesis and on generated records.

Why the decided keys are the scalar ones
----------------------------------------
For a string value ``v``, :func:`~normalizers.email.match_key_many` computes ``s = v.strip().lower()``
and, when ``len(s) <= 254`` and ``_FAST_RE`` fullmatches ``s`` and the domain (the text after the ``@``)
neither contains ``--`` nor ends in a special-use TLD, returns ``_provider_rules(local, _fix_domain(domain))``.
Here:

1. ``t`` is ``v`` with every character for which Python's ``str.isspace`` holds trimmed from both ends
   (``utf8_trim`` with exactly that set, :data:`_PY_WHITESPACE`; a test checks the set), and only
   ASCII letters are lowercased (``ascii_lower``). The pattern below admits ASCII only and
   ``ascii_lower`` leaves other characters alone, so a decided ``t`` is ASCII, and for ASCII text
   ``lower()`` is ``ascii_lower``. Its first and last characters are letters or digits, where
   ``str.strip`` stops too, so ``t == v.strip()``. (The one non-ASCII character that lowercases to
   ASCII, the Kelvin sign, is left undecided.)
2. The length test and ``_FAST_RE`` are applied as they are; the pattern is RE2-compatible and anchored
   with ``\\A`` and ``\\z``, and since it has no look-around or back-references its fullmatch in Python
   accepts the same strings as this anchored search in RE2. Neither part of the pattern admits ``@``, so
   a matching string has exactly one ``@`` and splitting there gives ``_FAST_RE``'s group 1.
3. The domain checks and ``_fix_domain`` run once per distinct domain, with the scalar module's own
   functions and tables, and choose one of ``_provider_rules``'s four branches for the domain.
4. Each branch is replayed on the local parts. ``_provider_rules``' fallback ``base or local`` never
   applies here: a decided local part starts with a letter or digit, which stays in ``base``.

Values without any ``@`` are decided as ``None``: no step of the scalar slow path creates an ``@``
(``strip_controls`` only removes or turns characters into spaces, no character but ``@`` lowercases to
one, ``_unwrap`` only removes), and it returns ``None`` when the cleaned text has none.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from normalizers import email as _email
from normalizers._arrow import string_array

__all__ = ["match_keys"]

_PY_WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character for which ``str.isspace()`` is true: what ``str.strip()`` removes."""

_FAST_PATTERN: Final = r"\A" + _email._FAST_RE.pattern + r"\z"
"""The scalar fast path's syntax test, anchored for RE2 (Arrow's regex engine searches, not matches)."""

_MAX_LENGTH: Final = 254
"""``match_key_many`` takes its fast path only for stripped values of at most this many characters."""

# What _provider_rules does with a domain (after _fix_domain), one code per branch.
_UNDECIDED: Final = 0  # the fast path refuses the domain ("--", special-use TLD): leave it to the caller
_KEEP: Final = 1  # local@domain
_GMAIL: Final = 2  # local before "+", without dots, @gmail.com
_PLUS: Final = 3  # local before "+", trailing dots dropped
_DASH: Final = 4  # local before "-", trailing dots dropped


def _domain_rule(domain: str) -> tuple[int, str]:
    """The branch of ``_provider_rules`` for a domain the fast pattern accepted, and the key's domain.

    >>> _domain_rule("Googlemail.com".lower()), _domain_rule("gmial.com"), _domain_rule("acme.con")
    ((2, 'gmail.com'), (2, 'gmail.com'), (1, 'acme.com'))
    >>> _domain_rule("a--b.com")[0] == _UNDECIDED
    True
    """
    if "--" in domain or domain.rpartition(".")[2] in _email._SPECIAL_USE_TLDS:
        return _UNDECIDED, ""
    fixed = _email._fix_domain(domain)
    if fixed in _email._GMAIL_DOMAINS:
        return _GMAIL, "gmail.com"
    if fixed in _email._PLUS_DOMAINS:
        return _PLUS, fixed
    if fixed in _email._DASH_DOMAINS:
        return _DASH, fixed
    return _KEEP, fixed


def _before(strings: pa.Array, separator: str) -> pa.Array:
    """Each string up to its first ``separator`` (all of it when there is none): ``s.partition(sep)[0]``."""
    return pc.list_element(pc.split_pattern(strings, separator, max_splits=1), 0)


def _local_keys(local: pa.Array, rule: npt.NDArray[np.int8]) -> tuple[npt.NDArray[np.intp], pa.Array]:
    """The rows of ``local`` that the provider rules change, and their new local parts (in row order)."""
    rows: list[npt.NDArray[np.intp]] = []
    new: list[pa.Array] = []
    for code, separator in ((_GMAIL, "+"), (_PLUS, "+"), (_DASH, "-")):
        at = np.flatnonzero(rule == code)
        if at.size == 0:
            continue
        part = local.take(pa.array(at))
        if code == _GMAIL:
            base = pc.replace_substring(_before(part, separator), ".", "")
            touched = pc.not_equal(pc.binary_length(base), pc.binary_length(part))
        else:
            touched = pc.match_substring(part, separator)
        touched_np = touched.to_numpy(zero_copy_only=False)
        if not touched_np.any():
            continue
        if code == _GMAIL:
            base = base.filter(touched)
        else:
            base = pc.utf8_rtrim(_before(part.filter(touched), separator), characters=".")
        rows.append(at[touched_np])
        new.append(base)
    if not rows:
        return np.zeros(0, dtype=np.intp), pa.array([], type=pa.string())
    order = np.argsort(np.concatenate(rows), kind="stable")
    return np.concatenate(rows)[order], pa.concat_arrays(new).take(pa.array(order))


def match_keys(values: pa.Array) -> tuple[pa.StringArray, npt.NDArray[np.bool_]]:
    """E-mail match keys of a column, for the values whose key is plain to compute column-at-once.

    Decided: nulls (key ``None``); values without ``@`` (``None``); values the scalar code puts on its
    fast path, that is ASCII ``local@domain`` after trimming white space, with a dot-atom local part
    starting with a letter or digit, letter-digit-hyphen domain labels and a TLD ending in a letter, at
    most 254 characters, no ``--`` in the domain and no special-use TLD. Their keys apply the domain typo
    repair and the provider rules (Gmail dots and ``+tags``, ``+tags`` at Microsoft, Apple, Fastmail and
    Proton, Yahoo ``-keywords``) exactly as :func:`normalizers.email.match_key_many` does.

    Parameters
    ----------
    values : pyarrow.Array of string or large_string
        The column, nulls allowed.

    Returns
    -------
    keys : pyarrow.StringArray of length ``len(values)``
        ``match_key_many([values[i]])[0]`` where ``decided[i]``; null where not decided.
    decided : ndarray of shape (len(values),) and dtype bool
        Whether ``keys[i]`` is the answer; the caller computes the others with ``match_key_many``.

    Raises
    ------
    TypeError
        If ``values`` is not a pyarrow string or large_string array.

    Examples
    --------
    >>> keys, decided = match_keys(pa.array([" J.Doe+x@GMIAL.com", None, "junk", "Jo@Acme.con", '"q"@a.b']))
    >>> keys.to_pylist(), decided.tolist()
    (['jdoe@gmail.com', None, None, 'jo@acme.com', None], [True, True, True, True, False])
    """
    values = string_array(values)
    n = len(values)

    # The scalar fast path's test. ascii_lower leaves other bytes alone and the pattern is ASCII-only, so
    # a match also says that the trimmed value is ASCII and its Python lower() is ascii_lower.
    lowered = pc.ascii_lower(pc.utf8_trim(values, characters=_PY_WHITESPACE))
    fast = pc.and_(
        pc.less_equal(pc.binary_length(lowered), _MAX_LENGTH),
        pc.match_substring_regex(lowered, _FAST_PATTERN),
    )
    fast_np = fast.fill_null(False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(fast_np)
    plain = lowered.take(pa.array(rows))

    # Split at the (only) "@"; each distinct domain's rule is computed once.
    parts = pc.split_pattern(plain, "@", max_splits=1)
    local = pc.list_element(parts, 0)
    encoded = pc.dictionary_encode(pc.list_element(parts, 1))
    domains = encoded.dictionary.to_pylist()
    rules = [_domain_rule(domain) for domain in domains]
    index = encoded.indices.to_numpy(zero_copy_only=False)
    rule = np.array([code for code, _ in rules], dtype=np.int8)[index]
    key_domain = pa.array([out for _, out in rules], type=pa.string())
    domain_changed = np.array(
        [out != domain for (_, out), domain in zip(rules, domains, strict=True)], dtype=np.bool_
    )

    # A key is the trimmed, lowercased value itself unless the rules change its local part or its domain.
    changed = domain_changed[index] & (rule != _UNDECIDED)
    local_rows, new_local = _local_keys(local, rule)
    changed[local_rows] = True
    rebuilt = np.flatnonzero(changed)
    if rebuilt.size:
        local_out = local.take(pa.array(rebuilt))
        if local_rows.size:
            mask = np.zeros(len(rows), dtype=np.bool_)
            mask[local_rows] = True
            local_out = pc.replace_with_mask(local_out, pa.array(mask[rebuilt]), new_local)
        joined = pc.binary_join_element_wise(
            local_out, key_domain.take(encoded.indices.take(pa.array(rebuilt))), "@"
        )
        plain = pc.replace_with_mask(plain, pa.array(changed), joined)

    # Scatter back: position i takes plain[where[i]], or null.
    kept = rule != _UNDECIDED
    where = np.full(n, -1, dtype=np.int64)
    where[rows[kept]] = np.flatnonzero(kept)
    keys = plain.take(pa.array(where, mask=where < 0))

    decided = np.zeros(n, dtype=np.bool_)
    decided[rows[kept]] = True
    decided |= values.is_null().to_numpy(zero_copy_only=False)
    others = np.flatnonzero(~fast_np)
    if others.size:
        no_at = pc.invert(pc.match_substring(values.take(pa.array(others)), "@"))
        decided[others[no_at.fill_null(False).to_numpy(zero_copy_only=False)]] = True
    return keys, decided
