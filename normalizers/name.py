"""Person and company names: folding, parsing, nickname equivalence and phonetic keys.

Every function takes ``str | None`` and returns a value or ``None``; junk never raises, and a non-string
raises ``TypeError`` naming the argument. The ``*_many`` helpers take a column (any sequence) and
compute each distinct value once, so a 250k-row column with repeated names costs one call per distinct name.

Decisions (see ``docs/normalizers.md``):

- Hyphens become spaces (``Smith-Jones`` -> ``smith jones``), apostrophes vanish (``O'Brien`` -> ``obrien``).
- A single-token person name goes to ``last`` (as ICAO 9303 does for mononyms): ``Madonna`` -> last.
- Phonetic keys use Metaphone by default: on a set of English-ish surname spelling variants it matched
  33 of 40 pairs, against 32 for Soundex and 25 for NYSIIS, with fewer collisions than Soundex.
- Two first names are nickname-equivalent iff their :func:`canonical_names` sets intersect.
- ``Company Attn: Person`` and ``Company c/o Person`` (also ``ATTN``, ``Attn.``, ``Attention:``): the left
  side is the company, the right side the person; they swap only when the right side alone has a company
  marker (``Jane Doe c/o Acme Ltd``).
- Without a comma, two upper-case tokens are read as ``FIRST LAST`` like any other name: ``SMITH JOHN`` gives
  first ``smith``, last ``john``. Nothing in the value says it is inverted, and the matcher compares first
  and last names crossed as well, so a swapped pair still matches.

Speed: :func:`fold_name`, :func:`parse_full_name` and the ``*_many`` helpers take fast paths for plain
ASCII (and accented Latin) names and hand anything unusual to the general implementations
(``_fold_name_reference``, ``_parse_full_name_reference``); the two are tested equal on generated and
arbitrary text in ``tests/normalizers/test_name_address_speed_twins.py``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal, TypeVar

import jellyfish

from normalizers._text import check_text, fold

__all__ = [
    "ParsedName",
    "are_nickname_equivalent",
    "canonical_names",
    "canonical_names_many",
    "fold_many",
    "fold_name",
    "name_variants",
    "nickname_group_ids",
    "parse_full_name",
    "parse_full_name_many",
    "phonetic_key",
    "phonetic_keys_many",
]

_MAX_INPUT = 256
"""Longer input is cut before any work: no real name is this long, and it keeps junk cheap."""

_T = TypeVar("_T")
_K = TypeVar("_K", bound=Hashable)

# --------------------------------------------------------------------------------------------- folding

# Letters that NFKD does not decompose into a base letter plus marks.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "k",
        "ƒ": "f",
        "ɨ": "i",
        "ʉ": "u",
        "ƀ": "b",
    }
)
# Apostrophe look-alikes, removed before folding (NFKD would turn the acute accent into a space).
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘`´ʼʻ′ʹ", None))
_APOSTROPHE_RE = re.compile("['’‘`´ʼʻ′ʹ]")
# Combining marks of the Latin script: after NFKD, removing them leaves ASCII for most Latin names.
_LATIN_MARKS = re.compile("[\u0300-\u036f]")
# ASCII, as a bytes table (much faster than str.translate): upper case to lower, letters and digits kept,
# apostrophe and backtick deleted, every other character (hyphen and controls included) a space.
_ASCII_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256)
)
_NON_WORD = re.compile(r"[^\w\s]|_")
_HAS_LETTER = re.compile(r"[^\W\d_]")

_JUNK = frozenset(
    {
        "na",
        "n a",
        "none",
        "null",
        "nil",
        "unknown",
        "unk",
        "test",
        "testing",
        "tbd",
        "tba",
        "xxx",
        "xx",
        "no name",
        "noname",
        "not applicable",
        "not available",
        "anonymous",
        "guest",
        "customer",
        "nobody",
        "asdf",
        "dummy",
    }
)


def _fold_ascii(text: str) -> str:
    """Fold ASCII text: lower case, apostrophes dropped, other punctuation as spaces, spaces collapsed."""
    return " ".join(text.encode("ascii").translate(_ASCII_TABLE, b"'`").decode("ascii").split())


def _fold_text(text: str) -> str:
    """Fold for names: lower-case letters and digits separated by single spaces (no junk check)."""
    if len(text) > _MAX_INPUT:
        text = text[:_MAX_INPUT]
    if text.isascii():
        return _fold_ascii(text)  # never longer than its input
    # Fast path for Latin letters with accents: NFKD, drop the marks, and see whether ASCII remains.
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", _APOSTROPHE_RE.sub("", text)))
    if text.isascii():
        out = _fold_ascii(text)
    else:
        cleaned = _NON_WORD.sub(" ", fold(text).translate(_SPECIAL_LETTERS))
        out = _fold_ascii(cleaned) if cleaned.isascii() else " ".join(cleaned.split())
    if len(out) > _MAX_INPUT:  # folding can expand (ß -> ss, ﬀ -> ff); cut so a second pass is a no-op
        out = out[:_MAX_INPUT].rstrip()
    return out


def fold_name(raw: str | None) -> str | None:
    """Fold a name for comparison; ``None`` for empty or junk values.

    Unicode is folded (accents dropped, ``ß`` -> ``ss``, ``Ø`` -> ``o``, ``Ł`` -> ``l``, ``Æ`` -> ``ae``),
    apostrophes are dropped, hyphens and all other punctuation become spaces, and white space is
    collapsed. Junk such as ``n/a``, ``unknown``, ``test``, ``-`` or digits only gives ``None``.

    Parameters
    ----------
    raw : str or None
        A name as typed.

    Returns
    -------
    str or None
        The folded name.

    Examples
    --------
    >>> fold_name("  O'Brien-Müller ")
    'obrien muller'
    >>> fold_name("N/A") is None
    True
    """
    if type(raw) is str and len(raw) <= _MAX_INPUT and raw.isascii():
        if raw.isalpha():  # "John": lower case is the whole fold
            out = raw.lower()
            return None if out in _JUNK else out
        out = _fold_ascii(raw)  # "O'Brien", "Smith-Jones": only [a-z0-9 ] is left
        if not out or out in _JUNK or out.replace(" ", "").isdigit():
            return None
        return out
    return _fold_name_reference(raw)


def _fold_name_reference(raw: str | None) -> str | None:
    """The general :func:`fold_name`, the slow twin its ASCII fast path is tested against."""
    text = check_text(raw, "raw")
    if text is None:
        return None
    out = _fold_text(text)
    if not out or out in _JUNK or _HAS_LETTER.search(out) is None:
        return None
    return out


def _many(func: Callable[[_K], _T], values: Iterable[_K]) -> list[_T]:
    """Apply ``func`` once per distinct value of ``values``; keep order and length."""
    cache: dict[_K, _T] = {}
    out: list[_T] = []
    append = out.append
    for value in values:
        if value in cache:  # a membership test: cheaper than catching KeyError on mostly-distinct columns
            append(cache[value])
        else:
            result = cache[value] = func(value)
            append(result)
    return out


def fold_many(values: Iterable[str | None]) -> list[str | None]:
    """Apply :func:`fold_name` to a column, once per distinct value.

    Examples
    --------
    >>> fold_many(["José", None, "JOSÉ", "n/a"])
    ['jose', None, 'jose', None]
    """
    return _many(fold_name, values)


# --------------------------------------------------------------------------------------------- parsing

_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "mister", "dr", "doctor", "prof", "professor", "sir", "dame",
        "lord", "lady", "rev", "revd", "reverend", "fr", "father", "pastor", "rabbi", "imam", "capt",
        "captain", "col", "colonel", "gen", "general", "maj", "major", "lt", "sgt", "hon", "judge",
        "herr", "frau", "mme", "mlle", "sra", "srta", "messrs", "mmes",
    }
)  # fmt: skip
_SUFFIXES = frozenset(
    {
        "jr", "junior", "sr", "senior", "ii", "iii", "iv", "phd", "md", "dds", "dmd", "esq", "cpa",
        "mba", "rn", "dvm", "jd", "llm", "ret", "obe", "mbe", "cbe", "kc", "qc", "msc", "bsc",
    }
)  # fmt: skip
_PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "dela", "la", "le", "da", "di", "du", "dos",
        "das", "do", "ten", "ter", "bin", "ibn", "al", "el", "st", "saint", "ap", "zu", "vom", "af",
    }
)  # fmt: skip
# Company markers anywhere in the name (as whole tokens, dots removed) ...
_COMPANY_STRONG = frozenset(
    {
        "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "gmbh",
        "plc", "pty", "llp", "pllc", "sarl", "srl", "spa", "bvba", "kgaa", "ohg", "ug", "holdings",
        "group", "enterprises", "industries", "associates", "bros", "brothers", "sons", "partners",
        "international", "intl", "solutions", "services", "trading", "foundation", "gbr",
        "wholesale", "traders", "supply", "supplies", "imports", "exports", "distributors",
        "distribution", "consulting", "logistics", "manufacturing", "outfitters", "hardware",
    }
)  # fmt: skip
# ... and short ones that only count as the last token (they are also initials or words).
_COMPANY_FINAL = frozenset({"ag", "ab", "as", "sa", "nv", "bv", "oy", "kg", "lp", "se", "sas", "kft", "aps"})
# Trades and business nouns that end a company name ("Union Motors", "Willow Interiors", "Smith Dental"):
# they count as the last token of a name of two or more tokens. Occupational surnames (Baker, Mason,
# Cook, Carpenter, Law, Marshall) are deliberately absent.
_COMPANY_NOUNS = frozenset(
    {
        "motors", "automotive", "auto", "autos", "garage", "electric", "electrical", "electronics",
        "plumbing", "heating", "roofing", "construction", "builders", "contractors", "landscaping",
        "interiors", "design", "designs", "studio", "studios", "media", "marketing", "advertising",
        "realty", "properties", "dental", "clinic", "pharmacy", "foods", "bakery", "brewing", "brewery",
        "coffee", "cafe", "restaurant", "catering", "fitness", "health", "healthcare", "labs",
        "laboratories", "systems", "technologies", "tech", "software", "printing", "print", "tools",
        "events", "legal", "insurance", "financial", "capital", "ventures", "investments", "farms",
        "salon", "boutique", "store", "stores", "market", "markets", "florist", "imaging", "graphics",
        "transport", "freight", "shipping", "movers", "cleaning", "janitorial", "security", "pharma",
        "textiles", "furniture", "lighting", "optical", "veterinary", "academy", "institute", "agency",
        "networks", "telecom", "energy", "solar", "engineering", "machinery", "equipment", "rentals",
    }
)  # fmt: skip

_AND = re.compile(r"\s+(?:and|\+)\s+|\s*&\s*", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into parts; every part folded (see :func:`fold_name`) or ``None``.

    Attributes
    ----------
    title, first, middle, last, suffix, company : str or None
        ``middle`` holds every given name after the first, space-separated; ``last`` may hold several
        words (``van der berg``); ``suffix`` may hold several (``jr phd``).
    given_names : tuple of str
        ``first`` followed by each middle name.
    """

    title: str | None = None
    first: str | None = None
    middle: str | None = None
    last: str | None = None
    suffix: str | None = None
    company: str | None = None
    given_names: tuple[str, ...] = ()


# The frozen dataclass ``__init__`` sets each field through ``object.__setattr__``, which is most of the cost
# of a fast parse. The fast path writes the slot descriptors directly instead: the object is the same (equal,
# hashable, frozen). ParsedName has no ``__post_init__`` for this to skip.
_new_object = object.__new__
_SET_NAME_PARTS = tuple(getattr(ParsedName, field).__set__ for field in ParsedName.__slots__)
assert ParsedName.__slots__ == (
    "title", "first", "middle", "last", "suffix", "company", "given_names",
) and not hasattr(ParsedName, "__post_init__")  # fmt: skip


def _plain_person(first: str | None, middle: str | None, last: str, given: tuple[str, ...]) -> ParsedName:
    """``ParsedName(first=first, middle=middle, last=last, given_names=given)``, twice as fast."""
    out: ParsedName = _new_object(ParsedName)
    set_title, set_first, set_middle, set_last, set_suffix, set_company, set_given = _SET_NAME_PARTS
    set_title(out, None)
    set_first(out, first)
    set_middle(out, middle)
    set_last(out, last)
    set_suffix(out, None)
    set_company(out, None)
    set_given(out, given)
    return out


def _key(token: str) -> str:
    """Lower-case token without dots or commas, for table look-ups."""
    return token.replace(".", "").replace(",", "").lower()


def _is_company(text: str) -> bool:
    keys = text.replace(".", "").replace(",", " ").replace("&", " ").lower().split()
    if not keys:
        return False
    if len(keys) > 1 and (keys[-1] in _COMPANY_FINAL or keys[-1] in _COMPANY_NOUNS):
        return True
    return not _COMPANY_STRONG.isdisjoint(keys)


def _is_given_name(token: str) -> bool:
    """Whether a folded token is a first name we know (one of the nickname tables' names)."""
    nicknames, canonicals = _nickname_tables()
    return token in nicknames or token in canonicals


def _person_side(left: str, right: str) -> str | None:
    """Of two parts of a card that carry no company marker, which one is the person, if either.

    Both parts must have two words or more (``Smith - Jones, Anna`` is a double surname). The part
    that starts with a first name we know while the other does not is the person; a part written
    ``Last, First`` is the person; otherwise the right one, the way B1 cards put the contact after
    the company (``Horizon Electric - Thomas Flynn``, ``Union Motors (Betty Cooper)``).
    """
    words_left, words_right = _fold_tokens(left.split()), _fold_tokens(right.split())
    if len(words_left) < 2 or len(words_right) < 2:
        return None
    given_left, given_right = _is_given_name(words_left[0]), _is_given_name(words_right[0])
    if given_left and not given_right and "," not in right:
        return "left"
    return "right"


def _fold_company(text: str) -> str | None:
    """Fold a company name, dropping dots first so that ``S.A.`` and ``SA`` agree."""
    return fold_name(text.replace(".", ""))


def _fold_tokens(tokens: Iterable[str]) -> list[str]:
    out = []
    for token in tokens:
        folded = _fold_text(token)
        if folded:
            out.append(folded)
    return out


_INNER_DOTS = re.compile(r"\.(?=[^\W_])")


def _words(text: str) -> list[str]:
    """Split at white space and after dots inside a token (``J.Smith`` -> ``J.``, ``Smith``), except in
    titles and suffixes (``Ph.D.``)."""
    if "." not in text:
        return text.split()
    out: list[str] = []
    for token in text.split():
        if _key(token) in _TITLES or _key(token) in _SUFFIXES:
            out.append(token)
        else:
            out += _INNER_DOTS.sub(". ", token).split()
    return out


def _strip_titles(tokens: list[str]) -> tuple[list[str], list[str]]:
    titles: list[str] = []
    while tokens and _key(tokens[0]) in _TITLES:
        titles.append(_key(tokens[0]))
        tokens = tokens[1:]
    return titles, tokens


def _strip_suffixes(tokens: list[str]) -> tuple[list[str], list[str]]:
    suffixes: list[str] = []
    while len(tokens) > 1 and _key(tokens[-1]) in _SUFFIXES:
        suffixes.insert(0, _key(tokens[-1]))
        tokens = tokens[:-1]
    return tokens, suffixes


def _split_commas(text: str) -> tuple[str | None, str, list[str]]:
    """Return (last name if inverted, rest, suffixes) for ``LAST, FIRST M., JR`` forms."""
    parts = [p.strip() for p in text.split(",")]
    parts = [p for p in parts if p]
    suffixes: list[str] = []
    while len(parts) > 1 and all(_key(t) in _SUFFIXES for t in parts[-1].split()):
        suffixes = [_key(t) for t in parts[-1].split()] + suffixes
        parts.pop()
    if len(parts) >= 2:
        return parts[0], " ".join(parts[1:]), suffixes
    return None, parts[0] if parts else "", suffixes


def _join(tokens: Sequence[str]) -> str | None:
    return " ".join(tokens) if tokens else None


def _parse_person(text: str) -> ParsedName | None:
    persons = [p for p in _AND.split(text) if p.strip()]
    if not persons:
        return None
    shared_last: str | None = None
    title_hint: list[str] = []
    if len(persons) > 1:
        head_titles, head_rest = _strip_titles(_words(persons[0]))
        if not head_rest:  # "Mr and Mrs John Smith": the name that follows belongs to the first person
            title_hint = head_titles
            persons = persons[1:]
        elif len(head_rest) == 1 and "," not in persons[0]:  # "John and Jane Smith": shared surname
            later = _parse_person(" ".join(persons[1:]))
            shared_last = later.last if later is not None else None
    inverted_last, rest, suffixes = _split_commas(persons[0])
    titles, tokens = _strip_titles(_words(rest))
    tokens, more_suffixes = _strip_suffixes(tokens)
    suffixes += more_suffixes
    titles = title_hint or titles
    last_tokens: list[str]
    if inverted_last is not None:
        last_titles, inverted = _strip_titles(_words(inverted_last))
        inverted, inverted_suffixes = _strip_suffixes(inverted)
        titles = titles or last_titles
        suffixes = inverted_suffixes + suffixes
        last_tokens = _fold_tokens(inverted)
        given = _fold_tokens(tokens)
    else:
        words = _fold_tokens(tokens)
        words = _join_mc(words)
        if shared_last is not None and len(words) == 1:
            given, last_tokens = words, [shared_last]
        elif len(words) <= 1:
            given, last_tokens = [], words
        else:
            cut = len(words) - 1
            while cut > 1 and words[cut - 1] in _PARTICLES:
                cut -= 1
            if cut == 1 and len(words) > 2 and words[0] in _PARTICLES:
                cut = 0  # "Mr van der Berg": only particles before the surname, so no given name
            given, last_tokens = words[:cut], words[cut:]
    first = given[0] if given else None
    last = _join(last_tokens)
    if first is None and last is None:
        return None
    return ParsedName(
        title=titles[0] if titles else None,
        first=first,
        middle=_join(given[1:]),
        last=last,
        suffix=_join(suffixes),
        given_names=tuple(given),
    )


def _join_mc(words: list[str]) -> list[str]:
    """Glue a lone ``mc`` to the next word: ``Mc Donald`` -> ``mcdonald``."""
    if "mc" not in words[:-1]:
        return words
    out: list[str] = []
    glue = False
    for word in words:
        if glue:
            out[-1] += word
            glue = False
            continue
        out.append(word)
        glue = word == "mc"
    return out


_SPECIAL_KEYS = _TITLES | _SUFFIXES | _PARTICLES | _COMPANY_STRONG | _COMPANY_FINAL | _COMPANY_NOUNS | {"and", "mc"}
_SPECIAL_CHARS = re.compile(r"[()\[\]&+]|,.*,")


def _parse_simple(text: str) -> ParsedName | None:
    """Fast path for plain ASCII names (most of a column): no titles, particles, companies or couples."""
    keys = text.replace(".", "").replace(",", " ").lower().split()
    if not _SPECIAL_KEYS.isdisjoint(keys) or _INNER_DOTS.search(text) is not None:  # "J.Smith": not here
        return None
    last_part, comma, given_part = text.partition(",")
    if comma:  # "SMITH, JOHN Q"
        last = _fold_ascii(last_part)
        given = [w for w in map(_fold_ascii, given_part.split()) if w]
        if not last or not given:
            return None
    else:
        words = [w for w in map(_fold_ascii, text.split()) if w]
        if not words:
            return None
        given, last = words[:-1], words[-1]
    return ParsedName(
        first=given[0] if given else None,
        middle=" ".join(given[1:]) or None,
        last=last,
        given_names=tuple(given),
    )


# "Attn:", "Attn.", "ATTN", "Attention:" and "c/o" introduce the contact person of a company card.
_CONTACT = re.compile(r"(?<![^\W_])(?:attn\b\.?|attention\s*:|c/o(?![^\W_]))\s*:?", re.IGNORECASE)


# " - " or " / " between a company and a person on SAP Business One cards.
_COMPANY_SEPARATOR = re.compile(r"\s+[-/\u2013\u2014|]\s+")


def _parse_contact(left: str, right: str) -> ParsedName | None:
    """``COMPANY Attn: PERSON`` (or ``c/o``): the left side is the company, the right side the person.

    The sides swap only when the right side alone has a company marker (``Jane Doe c/o Acme Ltd``). With
    nothing on one side, the other side is parsed on its own.
    """
    if _fold_name_reference(right) is None:
        return _parse_full_name_reference(left) if _fold_name_reference(left) is not None else None
    if _fold_name_reference(left) is None:
        return _parse_full_name_reference(right)
    company_text, person_text = left, right
    if _is_company(right) and not _is_company(left):
        company_text, person_text = right, left
    company = _fold_company(company_text)
    person = _parse_person(person_text) if _fold_name_reference(person_text) is not None else None
    return _with_company(person, company)


def _with_company(person: ParsedName | None, company: str | None) -> ParsedName | None:
    """``person`` with ``company`` set (either may be missing)."""
    if person is None:
        return ParsedName(company=company) if company is not None else None
    if company is None:
        return person
    return dataclasses.replace(person, company=company)


def _parse_full_name_reference(text: str) -> ParsedName | None:
    """The general parser: the slow twin that :func:`_parse_full_name_fast` is tested against."""
    if len(text) > _MAX_INPUT:
        text = text[:_MAX_INPUT]
    if _fold_name_reference(text) is None:
        return None
    contact = _CONTACT.search(text)
    if contact is not None:  # "Juniper Traders Attn: Michael Campbell", "Acme Ltd c/o Jane Doe"
        return _parse_contact(text[: contact.start()], text[contact.end() :])
    split = _COMPANY_SEPARATOR.split(text, maxsplit=1)
    if len(split) == 2 and _is_company(split[0]) != _is_company(split[1]):
        # "Ironbridge Outfitters Corp. - Anthony Radshaw", "Evergreen Traders Inc. / Morel, Jean-Luc"
        return _parse_contact(split[0], split[1])
    if len(split) == 2 and not _is_company(split[0]):
        side = _person_side(split[0], split[1])  # "Horizon Electric - Thomas Flynn"
        if side is not None:
            company_text, person_text = split if side == "right" else split[::-1]
            return _with_company(_parse_person(person_text), _fold_company(company_text))
    latin = text if text.isascii() else _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if latin.isascii() and _SPECIAL_CHARS.search(latin) is None:
        simple = _parse_simple(latin)
        if simple is not None:
            return simple
    if "(" in text or "[" in text:
        outside = _PARENS.sub(" ", text)
        inside = [part for pair in _PARENS.findall(text) for part in pair if part.strip()]
    else:
        outside, inside = text, []
    company: str | None = None
    person_text = outside if inside else text
    if inside:
        company_inside = next((part for part in inside if _is_company(part)), None)
        if company_inside is not None:  # "First Last (Company)"
            company = _fold_company(company_inside)
        elif _is_company(outside) or _person_side(outside, inside[0]) == "right":
            # "Company (First Last)", "Union Motors (Betty Cooper)"
            company = _fold_company(outside)
            person_text = inside[0]
        # otherwise the parenthesis is a nickname or a note: "Robert (Bob) Smith"
    elif _is_company(outside):
        return ParsedName(company=_fold_company(outside))
    if person_text is not text and fold_name(person_text) is None:
        person = None
    else:
        person = _parse_person(person_text)
    return _with_company(person, company)


# Fast path: plain ASCII card names (``John Smith``, ``John Q. Smith``, ``SMITH, JOHN``, ``Smith-Jones,
# Mary``, ``O'Brien``): letters, spaces, at most one comma, dots, apostrophes and hyphens, and no token that
# the general parser treats specially (titles, suffixes, particles, company markers, "and", "mc", "attn").
_PLAIN_NAME = re.compile(r"[A-Za-z ]+(?:,[A-Za-z ]+)?")  # letters and spaces, at most one comma
_FAST_NAME_CHARS = re.compile(r"[^A-Za-z ,.'-]")
_FAST_NAME_STOP = _SPECIAL_KEYS | {"attn"}
_JUNK_STARTS = frozenset(junk.split()[0] for junk in _JUNK)
_INNER_DOT = re.compile(r"\.[^\s,]")


def _split_hyphens(text: str) -> list[str]:
    """Fold the tokens of letters and hyphens in ``text``: ``smith-jones`` -> ``smith jones`` (one item)."""
    if "-" not in text:
        return text.split()
    out = []
    for token in text.split():
        if "-" in token:
            token = " ".join(token.replace("-", " ").split())
            if not token:
                continue
        out.append(token)
    return out


def _parse_full_name_fast(text: str) -> ParsedName | None:
    """:func:`_parse_simple` for plain names, without regular expressions per token.

    Returns ``None`` whenever the general parser has to decide (junk included), never a different answer:
    ``tests/normalizers/test_name_address_speed_twins.py`` checks it against the reference.
    """
    if len(text) > _MAX_INPUT:
        return None
    if text.isascii():
        latin = text
    else:  # accented Latin ("José Álvarez"): the reference parses the mark-free text
        if _APOSTROPHE_RE.search(text) is not None:  # its junk check folds "O´Brien" differently
            return None
        latin = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
        if not latin.isascii():
            return None
        # With no apostrophe look-alike, folding ``text`` is folding ``latin``: the junk checks below suffice.
    low = latin.lower()
    given: list[str]
    if _PLAIN_NAME.fullmatch(latin) is not None:  # every token is letters only, so it is its own fold
        if "," not in low:  # "John Smith", "JOHN Q SMITH"
            words = low.split()
            if not words or not _FAST_NAME_STOP.isdisjoint(words):
                return None
            if words[0] in _JUNK_STARTS and " ".join(words) in _JUNK:
                return None
            given, last = words[:-1], words[-1]
        else:  # "SMITH, JOHN", "Smith, John Q"
            last_part, _, given_part = low.partition(",")
            last_words = last_part.split()
            given = given_part.split()
            if not last_words or not given:
                return None
            if not (_FAST_NAME_STOP.isdisjoint(last_words) and _FAST_NAME_STOP.isdisjoint(given)):
                return None
            if last_words[0] in _JUNK_STARTS and _fold_ascii(low) in _JUNK:
                return None
            last = " ".join(last_words)
    else:  # "John Q. Smith", "O'Brien, Mary", "Mary Smith-Jones": fold token by token
        if _FAST_NAME_CHARS.search(latin) is not None or " -" in latin or "- " in latin:
            return None  # " - " may separate a company from its contact: the reference decides
        # Folding a token drops its apostrophes and dots at its end, and splits it at hyphens and inner dots.
        clean = low.replace("'", "") if "'" in low else low
        if "." in clean:
            if _INNER_DOT.search(clean) is not None:  # "J.R. Smith": the reference
                return None
            clean = clean.replace(".", "")
        last_part, comma, given_part = clean.partition(",")
        if not comma:
            words = _split_hyphens(clean)
            if not words:
                return None
            given, last = words[:-1], words[-1]
            folded = " ".join(words)
        else:
            if "," in given_part:  # "Smith, John, Jr.": the reference
                return None
            last = " ".join(_split_hyphens(last_part))
            given = _split_hyphens(given_part)
            if not last or not given:
                return None
            folded = last + " " + " ".join(given)
        if not _FAST_NAME_STOP.isdisjoint(low.replace(".", "").replace(",", " ").split()):
            return None
        if folded in _JUNK:
            return None
    return _plain_person(given[0] if given else None, " ".join(given[1:]) or None, last, tuple(given))


@functools.lru_cache(maxsize=65536)
def _parse(text: str) -> ParsedName | None:
    fast = _parse_full_name_fast(text)
    return fast if fast is not None else _parse_full_name_reference(text)


def parse_full_name(raw: str | None) -> ParsedName | None:
    """Split a full name (or a company name) into folded parts.

    Handles ``LAST, FIRST M.``, ``First M. Last``, titles (``Dr.``), suffixes (``Jr.``, ``PhD``),
    couples (``Mr and Mrs John Smith`` -> the first person), surname particles (``van der Berg``),
    company names (``Acme Ltd``), a person with a company in brackets, either way round, and contact
    forms (``Juniper Traders Attn: Michael Campbell``, ``Acme Ltd c/o Jane Doe``: company on the left;
    ``Acme Inc. - Jane Doe``, ``Acme Inc. / Doe, Jane`` when one side has a company marker).
    A single token is taken as the last name. Without a comma the name is read as ``First Last`` even in
    upper case: ``SMITH JOHN`` gives first ``smith``, last ``john`` (the matcher also compares names
    crossed, so swapped names still match).

    Parameters
    ----------
    raw : str or None
        A full name as typed, for example an SAP Business One ``CardName``.

    Returns
    -------
    ParsedName or None
        ``None`` for empty or junk input.

    Examples
    --------
    >>> parse_full_name("SMITH, JOHN Q")
    ParsedName(title=None, first='john', middle='q', last='smith', suffix=None, company=None, \
given_names=('john', 'q'))
    >>> parse_full_name("Acme Ltd").company
    'acme ltd'
    """
    if type(raw) is str:
        return _parse(raw)
    text = check_text(raw, "raw")
    return None if text is None else _parse(text)


def _parse_full_name_uncached(raw: str | None) -> ParsedName | None:
    """:func:`parse_full_name` without the LRU cache, for the ``_many`` helper (which has its own)."""
    text = check_text(raw, "raw")
    if text is None:
        return None
    fast = _parse_full_name_fast(text)
    return fast if fast is not None else _parse_full_name_reference(text)


def parse_full_name_many(values: Iterable[str | None]) -> list[ParsedName | None]:
    """Apply :func:`parse_full_name` to a column, once per distinct value.

    Examples
    --------
    >>> [p.last if p else None for p in parse_full_name_many(["Ann Lee", None, "Ann Lee"])]
    ['lee', None, 'lee']
    """
    return _many(_parse_full_name_uncached, values)


# --------------------------------------------------------------------------------------------- nicknames


def _load_table(name: str) -> dict[str, list[str]]:
    """A JSON table from ``normalizers/_tables``."""
    text = resources.files("normalizers._tables").joinpath(name).read_text(encoding="utf-8")
    table: dict[str, list[str]] = json.loads(text)
    return table


@functools.cache
def _nickname_tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Load the ``nicknames`` package once: (name -> its nicknames, name -> its canonical names)."""
    from nicknames import NickNamer  # slow-ish import and CSV parse: only when first needed

    namer = NickNamer()

    def folded(table: dict[str, set[str]]) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for key, values in table.items():
            fkey = _fold_text(key)
            if fkey:
                out.setdefault(fkey, set()).update(v for v in map(_fold_text, values) if v)
        return {k: frozenset(v - {k}) for k, v in out.items()}

    nicknames = {k: set(v) for k, v in namer.nickname_lookup.items()}
    canonicals = {k: set(v) for k, v in namer.canonical_lookup.items()}
    # The package is an English-language table: add the Spanish, German, Italian ... hypocorisms that
    # customer lists are full of (normalizers/_tables/name_nicknames_extra.json, our own list).
    for canonical, nicks in _load_table("name_nicknames_extra.json").items():
        if canonical.startswith("_"):
            continue
        nicknames.setdefault(canonical, set()).update(nicks)
        for nick in nicks:
            canonicals.setdefault(nick, set()).add(canonical)
    folded_nicknames, folded_canonicals = folded(nicknames), folded(canonicals)
    # ... and drop its links between a man's and a woman's full names (normalizers/_tables/
    # name_not_nicknames.json): William ~ Wilma would let a couple merge.
    for name, wrong in _load_table("name_not_nicknames.json").items():
        if name.startswith("_"):
            continue
        folded_canonicals[name] = folded_canonicals.get(name, frozenset()) - set(wrong)
        for canonical in wrong:
            folded_nicknames[canonical] = folded_nicknames.get(canonical, frozenset()) - {name}
    return folded_nicknames, folded_canonicals


@functools.lru_cache(maxsize=65536)
def _variants(name: str) -> frozenset[str]:
    nicks, canons = _nickname_tables()
    return frozenset({name}) | nicks.get(name, frozenset()) | canons.get(name, frozenset())


@functools.lru_cache(maxsize=65536)
def _canonicals(name: str) -> frozenset[str]:
    return frozenset({name}) | _nickname_tables()[1].get(name, frozenset())


def name_variants(first: str | None) -> frozenset[str]:
    """Return the folded name with its nicknames and canonical names; empty for junk.

    Parameters
    ----------
    first : str or None
        A first name.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> {"bill", "william", "willy"} <= name_variants("William")
    True
    >>> name_variants(None)
    frozenset()
    """
    name = fold_name(check_text(first, "first"))
    return frozenset() if name is None else _variants(name)


def canonical_names(first: str | None) -> frozenset[str]:
    """Return the name itself plus the canonical names it is a nickname of; empty for junk.

    Two first names are nickname-equivalent iff their canonical sets intersect: this covers ``a`` being
    a nickname of ``b`` (then ``b`` is in both sets) and two nicknames of one name (``bill``, ``billy``).

    Examples
    --------
    >>> sorted(canonical_names("Jim"))
    ['james', 'jim']
    >>> canonical_names("Xyzzy")
    frozenset({'xyzzy'})
    """
    name = fold_name(check_text(first, "first"))
    return frozenset() if name is None else _canonicals(name)


def canonical_names_many(values: Iterable[str | None]) -> list[frozenset[str]]:
    """Apply :func:`canonical_names` to a column, once per distinct value.

    Examples
    --------
    >>> canonical_names_many(["Peggy", None])[1]
    frozenset()
    """
    return _many(canonical_names, values)


def are_nickname_equivalent(a: str | None, b: str | None) -> bool:
    """Tell whether two first names may be the same person's (equal, or linked by nicknames).

    The rule: ``canonical_names(a) & canonical_names(b)`` is not empty. Junk or missing names are never
    equivalent. The relation is symmetric but not transitive (``bill`` ~ ``william`` and ``bill`` ~
    ``robert``, the nickname table being many-to-many), so use it as a comparison level, not as a key.

    Examples
    --------
    >>> are_nickname_equivalent("Bill", "William"), are_nickname_equivalent("John", "Jane")
    (True, False)
    """
    return not canonical_names(check_text(a, "a")).isdisjoint(canonical_names(check_text(b, "b")))


def nickname_group_ids(firsts: Sequence[str | None]) -> list[frozenset[int]]:
    """Code each first name's :func:`canonical_names` as integers, for vectorised comparisons.

    Ids are consistent within one call (pass both sides of a comparison together): two names are
    nickname-equivalent iff their id sets intersect. Junk and ``None`` get an empty set.

    Examples
    --------
    >>> a, b, c = nickname_group_ids(["Bob", "Robert", "Jane"])
    >>> bool(a & b), bool(a & c)
    (True, False)
    """
    codes: dict[str, int] = {}
    out: list[frozenset[int]] = []
    for names in canonical_names_many(firsts):
        out.append(frozenset(codes.setdefault(name, len(codes)) for name in names))
    return out


# --------------------------------------------------------------------------------------------- phonetics

PhoneticAlgorithm = Literal["metaphone", "nysiis", "soundex"]
_ALGORITHMS: dict[str, Callable[[str], str]] = {
    "metaphone": jellyfish.metaphone,
    "nysiis": jellyfish.nysiis,
    "soundex": jellyfish.soundex,
}
_NOT_LATIN = re.compile(r"[^a-z]+")


def _phonetic(value: str | None, encode: Callable[[str], str]) -> str | None:
    folded = fold_name(value)
    if folded is None:
        return None
    letters = _NOT_LATIN.sub("", folded)
    if not letters:
        return None
    return encode(letters) or None


def _encoder(algorithm: str) -> Callable[[str], str]:
    try:
        return _ALGORITHMS[algorithm]
    except KeyError:
        raise ValueError(f"algorithm must be one of {sorted(_ALGORITHMS)}, not {algorithm!r}") from None


def phonetic_key(name: str | None, *, algorithm: PhoneticAlgorithm = "metaphone") -> str | None:
    """Return a phonetic key for a (sur)name, or ``None`` when it has no Latin letters.

    The name is folded, then its letters a-z are joined (``van der Berg`` -> ``vanderberg``) and encoded.
    Metaphone is the default: see the module notes for the comparison with NYSIIS and Soundex.

    Parameters
    ----------
    name : str or None
    algorithm : {"metaphone", "nysiis", "soundex"}

    Examples
    --------
    >>> phonetic_key("Smith") == phonetic_key("Smyth")
    True
    >>> phonetic_key("Smith", algorithm="soundex")
    'S530'
    """
    encode = _encoder(algorithm)
    return _phonetic(check_text(name, "name"), encode)


def phonetic_keys_many(
    values: Iterable[str | None], *, algorithm: PhoneticAlgorithm = "metaphone"
) -> list[str | None]:
    """Apply :func:`phonetic_key` to a column, once per distinct value.

    Examples
    --------
    >>> phonetic_keys_many(["Catherine", "Kathryn", None])
    ['K0RN', 'K0RN', None]
    """
    encode = _encoder(algorithm)
    return _many(lambda v: _phonetic(check_text(v, "values"), encode), values)
