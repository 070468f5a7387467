"""E-mail addresses: syntax normalization, matching keys, provider typo repair and spoken e-mails.

Every function takes ``str | None`` and returns a value or ``None``; junk never raises, and a non-string
raises ``TypeError`` naming the argument.

Decisions (see ``docs/normalizers.md``):

- :func:`normalize` returns the local part lowercased (Unicode NFC, as ``email-validator`` gives it) and the
  domain in its ASCII form (IDNA / Punycode, ``xn--...``), so ``josé@bücher.de`` and
  ``JOSÉ@xn--bcher-kva.de`` both become ``josé@xn--bcher-kva.de``. ASCII is what every downstream system
  (SMTP without SMTPUTF8, Shopify, SAP) accepts, and it is one form whichever form came in.
- :func:`match_key` is for matching only, never for sending mail: it repairs provider typos with
  :func:`fix_domain` and applies the provider's own equivalences (Gmail dots and ``+tags``, ``+tags`` at
  Microsoft, Apple, Fastmail and Proton, Yahoo's ``-keyword`` disposable addresses).
- :func:`fix_domain` only rewrites toward a curated list of consumer providers; only TLD slips that are
  not real TLDs (``.con``, ``.cmo``...) are repaired on any domain.
- :func:`from_speech` turns a speech-to-text transcript into ranked candidate addresses.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, overload

from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import OSA

from normalizers import _speech
from normalizers._text import check_text, strip_controls

__all__ = [
    "EmailGuess",
    "fix_domain",
    "from_speech",
    "match_key",
    "match_key_many",
    "normalize",
]

# ----------------------------------------------------------------------------------------------- tables


def _load_tables() -> dict[str, Any]:
    text = resources.files("normalizers").joinpath("_tables", "providers.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_TABLES = _load_tables()
_PROVIDERS: dict[str, tuple[str, ...]] = {name: tuple(ds) for name, ds in _TABLES["providers"].items()}
"""Second-level label -> the provider's domains, default first."""
_PROVIDER_DOMAINS: frozenset[str] = frozenset(d for ds in _PROVIDERS.values() for d in ds)
_FUZZY_NAMES: tuple[str, ...] = tuple(_TABLES["fuzzy_names"])
# The fuzzy names a label is compared with, by the label's start: its first letter, or its first two
# letters when they are a name's first two swapped ("mgail"). A name listed under both is one candidate.
_FUZZY_BY_START: dict[str, tuple[str, ...]] = {}
for _name in _FUZZY_NAMES:
    for _start in (_name[0], _name[1::-1]):
        _FUZZY_BY_START[_start] = (*_FUZZY_BY_START.get(_start, ()), _name)
del _name, _start
_BOGUS_TLDS: dict[str, str] = dict(_TABLES["bogus_tlds"])
_SUFFIX_SLIPS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _TABLES["provider_suffix_slips"].items()}
_TWO_LEVEL_SUFFIXES: frozenset[str] = frozenset(_TABLES["two_level_suffixes"])


def _domains_of(names: Iterable[str]) -> frozenset[str]:
    return frozenset(d for name in names for d in _PROVIDERS[name])


_GMAIL_DOMAINS = _domains_of(_TABLES["subaddressing"]["gmail"])
_PLUS_DOMAINS = _domains_of(_TABLES["subaddressing"]["plus"])
_DASH_DOMAINS = _domains_of(_TABLES["subaddressing"]["dash"])

# ------------------------------------------------------------------------------------------- normalize

_MAX_INPUT = 512
"""Longer input (after trimming) is rejected before any work: an address has at most 254 characters."""

_ATEXT = r"a-z0-9!#$%&'*+/=?^_`{|}~\-"
_FAST_RE = re.compile(
    rf"[a-z0-9][{_ATEXT}]*(?:\.[{_ATEXT}]+)*"  # dot-atom local part starting with a letter or digit
    r"@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"  # LDH labels
    r"(?:[a-z0-9][a-z0-9-]{0,61})?[a-z])"  # the TLD ends with a letter
)
"""Plainly valid ASCII addresses (already lowercased). Every string it matches (with the extra checks in
:func:`_fast_normalize`) is accepted unchanged by ``email-validator``; ``test_email_properties`` checks it."""

_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
_LEADING_JUNK = "\"'`“”‘’«»<([{,;:"
_TRAILING_JUNK = "\"'`“”‘’«»>)]},;:.!?"


def _fast_normalize(raw: str) -> str | None:
    """The fast path: the answer for plainly valid ASCII addresses, ``None`` when unsure (not invalid!)."""
    s = raw.strip().lower()
    if len(s) > 254:
        return None
    m = _FAST_RE.fullmatch(s)
    if m is None:
        return None
    domain = m.group(1)
    if "--" in domain or len(domain) > 253 or domain.rpartition(".")[2] in _SPECIAL_USE_TLDS:
        return None
    return s


def _unwrap(s: str) -> str:
    """Strip ``mailto:``, ``Name <...>``, surrounding quotes and brackets and trailing punctuation."""
    for _ in range(8):
        before = s
        s = s.strip()
        if s.startswith("mailto:"):
            s = s[7:]
        if s.endswith(">") and "<" in s:
            s = s[s.rfind("<") + 1 : -1]
        s = s.lstrip(_LEADING_JUNK).rstrip(_TRAILING_JUNK)
        if s == before:
            break
    return s


def _validate(s: str) -> str | None:
    try:
        v = validate_email(
            s,
            check_deliverability=False,
            allow_smtputf8=True,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            allow_empty_local=False,
            globally_deliverable=True,
            test_environment=False,
        )
    except EmailNotValidError:
        return None
    return f"{v.local_part.lower()}@{v.ascii_domain.lower()}"


def _slow_normalize(raw: str) -> str | None:
    """The reference path: clean up, then ``email-validator``. Always right, about 20x slower."""
    s = strip_controls(raw).strip()
    if len(s) > _MAX_INPUT:
        return None
    s = _unwrap(s.lower())
    if "@" not in s:
        return None
    out = _validate(s)
    if out is not None and out != s and _validate(out) != out:
        # Lowercasing after Unicode normalization can, for a few exotic characters, give a string that
        # normalizes differently again; refusing those keeps normalize() idempotent.
        return None
    return out


def normalize(raw: str | None) -> str | None:
    """Normalize an e-mail address for storage and comparison; ``None`` if it is not a valid address.

    Trims, strips ``mailto:``, a ``Name <...>`` wrapper, surrounding quotes or brackets and trailing
    punctuation, lowercases, and checks the syntax with ``email-validator`` (no DNS look-up). The domain
    comes back in ASCII (IDNA) form.

    Parameters
    ----------
    raw : str or None
        Text holding one address.

    Returns
    -------
    str or None
        ``local@domain``, lowercased, or ``None`` when ``raw`` is not a valid address.

    Raises
    ------
    TypeError
        If ``raw`` is neither ``str`` nor ``None``.

    Examples
    --------
    >>> normalize("  <John.Smith@Example.COM>. ")
    'john.smith@example.com'
    >>> normalize("mailto:josé@Bücher.de")
    'josé@xn--bcher-kva.de'
    >>> normalize("not an email") is None
    True
    """
    raw = check_text(raw, "raw")
    if raw is None:
        return None
    fast = _fast_normalize(raw)
    return fast if fast is not None else _slow_normalize(raw)


# ------------------------------------------------------------------------------------------- fix_domain


def _provider_name(label: str) -> str | None:
    """The provider whose second-level label ``label`` is, exactly or by a small typo."""
    if label in _PROVIDERS:
        return label
    if len(label) < 4:
        return None
    best: str | None = None
    best_distance = 99
    tied = False
    candidates = _FUZZY_BY_START.get(label[0], ()) + _FUZZY_BY_START.get(label[:2], ())
    for name in dict.fromkeys(candidates):
        allowed = 2 if len(name) >= 8 else 1
        if abs(len(name) - len(label)) > allowed:
            continue
        distance = OSA.distance(label, name, score_cutoff=allowed)
        if distance > allowed:
            continue
        if distance < best_distance:
            best, best_distance, tied = name, distance, False
        elif distance == best_distance:
            tied = True
    return None if tied else best


_SPACE_AND_DOTS = "." + "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _trim_domain(domain: str) -> str:
    """Lowercase and strip white space and dots from both ends."""
    return domain.lower().strip(_SPACE_AND_DOTS)


@functools.lru_cache(maxsize=65536)
def _fix_domain(domain: str) -> str:
    d = _trim_domain(domain)
    labels = d.split(".")
    if not d or "" in labels:
        return d
    if len(labels) >= 2 and labels[-1] in _BOGUS_TLDS:
        labels[-1] = _BOGUS_TLDS[labels[-1]]
    joined = ".".join(labels)
    if joined in _PROVIDER_DOMAINS:
        return joined
    if len(labels) >= 3 and f"{labels[-2]}.{labels[-1]}" in _TWO_LEVEL_SUFFIXES:
        rest, suffix = labels[:-2], ".".join(labels[-2:])
    elif len(labels) >= 2:
        rest, suffix = labels[:-1], labels[-1]
    else:
        rest, suffix = labels, ""
        for tld in ("com", "net", "org"):  # "gmailcom": the dot was lost
            if d.endswith(tld) and d[: -len(tld)] in _PROVIDERS:
                rest, suffix = [d[: -len(tld)]], tld
                break
    if len(rest) != 1:
        return joined
    name = _provider_name(rest[0])
    if name is None:
        return joined
    domains = _PROVIDERS[name]
    if not suffix:
        return domains[0]
    if f"{name}.{suffix}" in _PROVIDER_DOMAINS:
        return f"{name}.{suffix}"
    for slip in _SUFFIX_SLIPS.get(suffix, ()):
        if f"{name}.{slip}" in _PROVIDER_DOMAINS:
            return f"{name}.{slip}"
    return joined


@overload
def fix_domain(domain: str) -> str: ...
@overload
def fix_domain(domain: None) -> None: ...
def fix_domain(domain: str | None) -> str | None:
    """Repair typos of well-known consumer mail providers and impossible TLDs in a domain.

    The rules, in order (the domain is first trimmed, lowercased and stripped of outer dots):

    1. A last label that is not a real TLD but a known slip (``con``, ``cmo``, ``ocm``, ``comb``, ``calm``,
       ``come``, ``nte``, ``ent``, ``ogr``...) is repaired on *any* domain: ``acme.con`` -> ``acme.com``.
    2. A domain in the provider list is returned as is (``gmx.com``, ``mail.com``, ``hotmail.fr``).
    3. The label before the public suffix is matched against the provider labels: exactly, or for long and
       distinctive names (``gmail``, ``hotmail``, ``yahoo``, ``outlook``, ``icloud``...) within one edit
       (optimal string alignment: insert, delete, substitute, swap neighbours) for 5-7 letters and two for
       8 or more, with the same first letter (or the first two swapped) and a unique nearest name. Short
       names (``aol``, ``gmx``, ``me``, ``live``) are never matched fuzzily.
    4. For a provider label: no TLD gives the provider's default domain (``gmail`` -> ``gmail.com``); a TLD
       the provider has is kept; a slip that is a real TLD elsewhere (``co``, ``cm``, ``om``, ``ne``...) is
       repaired only here (``gmail.co`` -> ``gmail.com``, ``gmx.ne`` -> ``gmx.net``, ``free.f`` ->
       ``free.fr``). Otherwise nothing changes: ``gmial.de`` stays, since Gmail has no ``.de`` domain.

    Unknown domains keep real TLDs: ``nvidia.co`` and ``acme.cm`` stay. The result is idempotent.

    Parameters
    ----------
    domain : str or None
        The part after the ``@``.

    Returns
    -------
    str or None
        The repaired domain (lowercased), or ``None`` for ``None``.

    Raises
    ------
    TypeError
        If ``domain`` is neither ``str`` nor ``None``.

    Examples
    --------
    >>> fix_domain("gmial.com"), fix_domain("Hotmail.con"), fix_domain("yahoo")
    ('gmail.com', 'hotmail.com', 'yahoo.com')
    >>> fix_domain("nvidia.co"), fix_domain("acme.con")
    ('nvidia.co', 'acme.com')
    """
    domain = check_text(domain, "domain")
    if domain is None:
        return None
    trimmed = _trim_domain(domain)
    if len(trimmed) > _MAX_INPUT:  # no domain is this long: only trim, never look it up
        return trimmed
    return _fix_domain(trimmed)


# -------------------------------------------------------------------------------------------- match_key


def _provider_rules(local: str, domain: str) -> str:
    if domain in _GMAIL_DOMAINS:
        base = local.partition("+")[0].replace(".", "")
        return f"{base or local}@gmail.com"
    if domain in _PLUS_DOMAINS:
        base = local.partition("+")[0].rstrip(".")
        return f"{base or local}@{domain}"
    if domain in _DASH_DOMAINS:
        base = local.partition("-")[0].rstrip(".")
        return f"{base or local}@{domain}"
    return f"{local}@{domain}"


def _key_from_normalized(address: str | None) -> str | None:
    if address is None:
        return None
    local, _, domain = address.rpartition("@")
    return _provider_rules(local, _fix_domain(domain))


def match_key(raw: str | None) -> str | None:
    """A key for deciding whether two addresses reach the same mailbox; not an address to send mail to.

    :func:`normalize`, then :func:`fix_domain` on the domain, then the provider's equivalences:

    - ``gmail.com`` / ``googlemail.com``: dots in the local part are ignored, ``+tag`` dropped, and the
      domain becomes ``gmail.com``.
    - Outlook / Hotmail / Live / MSN, iCloud / me.com / mac.com, Fastmail and Proton: ``+tag`` dropped
      (dots are kept: these providers treat them as significant).
    - Yahoo (and ymail / rocketmail): Yahoo IDs cannot contain ``-``; ``base-keyword`` is a disposable
      address whose ``base`` belongs to one account, so the key drops ``-keyword``. ``+`` is kept: Yahoo
      does not do plus addressing.
    - Every other domain: lowercased only, dots and tags kept.

    A local part that would become empty (``+news@gmail.com``) is kept whole.

    Parameters
    ----------
    raw : str or None
        Text holding one address.

    Returns
    -------
    str or None
        The key, or ``None`` when ``raw`` is not a valid address.

    Raises
    ------
    TypeError
        If ``raw`` is neither ``str`` nor ``None``.

    Examples
    --------
    >>> match_key("John.Smith+shop@GoogleMail.com")
    'johnsmith@gmail.com'
    >>> match_key("john.smith+shop@outlook.com"), match_key("jsmith-shop@yahoo.co.uk")
    ('john.smith@outlook.com', 'jsmith@yahoo.co.uk')
    >>> match_key("john.smith+shop@acme.com")
    'john.smith+shop@acme.com'
    """
    return _key_from_normalized(normalize(raw))


def match_key_many(values: Iterable[str | None]) -> list[str | None]:
    """:func:`match_key` over a column, computing each distinct value once.

    Parameters
    ----------
    values : iterable of str or None
        The column (a list, a pandas Series of objects, an Arrow column's ``to_pylist()``...).

    Returns
    -------
    list of str or None
        One key per value, in order.

    Raises
    ------
    TypeError
        If an item is neither ``str`` nor ``None``.

    Examples
    --------
    >>> match_key_many(["J.Doe@gmail.com", None, "j.doe@gmail.com", "junk"])
    ['jdoe@gmail.com', None, 'jdoe@gmail.com', None]
    """
    cache: dict[str, str | None] = {}
    out: list[str | None] = []
    append = out.append
    fast_match = _FAST_RE.fullmatch
    fix = _fix_domain
    rules = _provider_rules
    for value in values:
        if value is None:
            append(None)
            continue
        if not isinstance(value, str):
            check_text(value, "values")
        key = cache.get(value, "")
        if key != "":
            append(key)
            continue
        s = value.strip().lower()
        m = fast_match(s) if len(s) <= 254 else None
        domain = m.group(1) if m is not None else ""
        if m is not None and "--" not in domain and domain.rpartition(".")[2] not in _SPECIAL_USE_TLDS:
            key = rules(s[: m.start(1) - 1], fix(domain))
        else:
            key = _key_from_normalized(_slow_normalize(value))
        cache[value] = key
        append(key)
    return out


# ------------------------------------------------------------------------------------------ from_speech


@dataclass(frozen=True, slots=True)
class EmailGuess:
    """What :func:`from_speech` made of a transcript.

    Attributes
    ----------
    best : str or None
        The most likely address (``candidates[0]``), or ``None`` when the text holds no address.
    candidates : list of str
        Valid, normalized, de-duplicated addresses, best first.
    confidence : float
        How sure the parser is of ``best``, in ``[0, 1]``; ``0.0`` when there is none.

    Examples
    --------
    >>> EmailGuess(best=None, candidates=[], confidence=0.0)
    EmailGuess(best=None, candidates=[], confidence=0.0)
    """

    best: str | None
    candidates: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def __hash__(self) -> int:
        return hash((self.best, tuple(self.candidates), self.confidence))


_NO_GUESS_CONFIDENCE = 0.0


def from_speech(text: str | None) -> EmailGuess:
    """Turn what a speech-to-text engine heard into ranked candidate e-mail addresses.

    Understands lead-ins and fillers ("my email is", "uh"), spoken symbols ("at", "at the rate of", "dot",
    "underscore", "dash", "plus"), spelled letters ("j o h n", "b as in boy", NATO runs, "double u",
    "triple x"), numbers ("twenty three", "nineteen ninety", "oh" among digits), split provider names
    ("g mail", "hot mail"), a missing TLD of a known provider, and text that is already partly written.
    Each candidate's domain goes through :func:`fix_domain`.

    When words follow each other with no spoken separator ("john smith at ..."), the joins are ambiguous:
    the candidates are, in order, all joined together (``johnsmith``), all with dots (``john.smith``), all
    with underscores, all with hyphens, then (for two joins) the mixed forms. "all one word" or "no spaces"
    keeps only the joined form.

    Parameters
    ----------
    text : str or None
        The transcript (only the first 500 characters / 100 tokens are read).

    Returns
    -------
    EmailGuess
        ``best=None, candidates=[], confidence=0.0`` when the text holds no address.

    Raises
    ------
    TypeError
        If ``text`` is neither ``str`` nor ``None``.

    Examples
    --------
    >>> from_speech("my email is john dot smith at g mail dot com").best
    'john.smith@gmail.com'
    >>> from_speech("j o h n smith at hot mail dot com").candidates[:2]
    ['johnsmith@hotmail.com', 'john.smith@hotmail.com']
    >>> from_speech("call me back")
    EmailGuess(best=None, candidates=[], confidence=0.0)
    """
    text = check_text(text, "text")
    if text is None:
        return EmailGuess(None, [], _NO_GUESS_CONFIDENCE)
    text = text[: _speech.MAX_CHARS]
    written = normalize(text)
    if written is not None:
        local, _, domain = written.rpartition("@")
        fixed = normalize(f"{local}@{_fix_domain(domain)}") or written
        return EmailGuess(fixed, [fixed], 1.0 if fixed == written else 0.9)

    candidates: list[str] = []
    confidence = 0.0
    for parse in _speech.parse(text):
        domain = _fix_domain(parse.domain)
        domain_factor = 1.0
        if domain != parse.domain:
            domain_factor = 0.85
        elif domain not in _PROVIDER_DOMAINS:
            domain_factor = 0.95
        for local in parse.locals:
            address = normalize(f"{local}@{domain}")
            if address is not None and address not in candidates:
                if not candidates:
                    confidence = parse.confidence * domain_factor
                candidates.append(address)
        if candidates:
            break
    if not candidates:
        return EmailGuess(None, [], _NO_GUESS_CONFIDENCE)
    return EmailGuess(candidates[0], candidates, round(min(1.0, max(0.0, confidence)), 3))
