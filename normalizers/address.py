"""Postal addresses: street lines, house numbers, units, postcodes, countries and regions.

Every function takes ``str | None`` and returns a value or ``None``; junk never raises, and a non-string
raises ``TypeError`` naming the argument. The ``*_many`` helpers take a column and compute each distinct
value once. The tables live in ``normalizers/_tables`` (``countries.json``, ``address_street.json``,
``address_regions.json``) and are read once, on first use.

Decisions (see ``docs/normalizers.md``):

- Street words are rewritten token by token to USPS-style short forms (``Street`` -> ``st``,
  ``Saint`` -> ``st`` as well: both sides of a comparison get the same rewrite).
- ``Flat``, ``Apartment`` and ``#`` all become ``apt``; a unit word is rewritten only when an identifier
  (a token with a digit, or a single letter) follows it, so ``Flat Rock Road`` keeps its ``flat``.
- :func:`unit` returns the unit identifiers only (``Apt 4B`` and ``Unit 4B`` both give ``4b``).

Speed: :func:`parse_address` and :func:`normalize_street` take a fast path for plain ASCII lines
(``123 N Main St. Apt 4B``, ``Flat 3, 12 High Street``) and hand anything unusual (PO boxes, slashes,
hyphens, non-ASCII, ...) to the general implementations (``_parse_address_reference``,
``_normalize_street_reference``); the two are tested equal in
``tests/normalizers/test_name_address_speed_twins.py``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from normalizers._text import check_text, fold
from normalizers.name import _APOSTROPHES, _SPECIAL_LETTERS, _many

__all__ = [
    "ParsedAddress",
    "country_code",
    "country_code_many",
    "house_number",
    "normalize_postcode",
    "normalize_postcode_many",
    "normalize_street",
    "normalize_street_many",
    "parse_address",
    "postcode_outward",
    "region_code",
    "street_name",
    "unit",
]

_MAX_LINE = 256
_MAX_SHORT = 64


def _load(name: str) -> Any:
    text = resources.files("normalizers._tables").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _fold_basic(text: str) -> str:
    """Lower-case and Unicode-fold, dropping apostrophes; punctuation is left for the caller."""
    if text.isascii():
        return text.lower().replace("'", "").replace("`", "")
    return fold(text.translate(_APOSTROPHES)).translate(_SPECIAL_LETTERS)


# --------------------------------------------------------------------------------------------- streets


@dataclass(frozen=True, slots=True)
class _StreetTables:
    rewrite: dict[str, str]  # suffixes, directionals, ordinals: always rewritten
    units: dict[str, str]  # unit words: rewritten when an identifier follows
    unit_forms: frozenset[str]  # canonical unit designators


@functools.cache
def _street_tables() -> _StreetTables:
    data = _load("address_street.json")
    rewrite: dict[str, str] = {}
    for group in ("suffixes", "directionals", "ordinals"):
        for canonical, spellings in data[group].items():
            rewrite.update(dict.fromkeys(spellings, canonical))
            rewrite[canonical] = canonical
    units: dict[str, str] = {}
    for canonical, spellings in data["units"].items():
        units.update(dict.fromkeys(spellings, canonical))
        units[canonical] = canonical
    return _StreetTables(rewrite, units, frozenset(data["units"]))


_INITIALISM = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")
_STREET_JUNK = re.compile(r"[^\w#/-]|_")
_LOOSE_JOINER = re.compile(r"(?<![0-9])[/-]|[/-](?![0-9])")
_IDENTIFIER = re.compile(r"(?=.*\d)[a-z0-9/-]{1,8}|[a-z]")
_HOUSE = re.compile(r"\d+(?:-\d+)?[a-z]?")
_SLASHED = re.compile(r"([a-z0-9]{1,5})/(\d+[a-z]?)")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_PO_BOX_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("post", "office", "box"),
    ("p", "o", "box"),
    ("po", "box"),
    ("pobox",),
    ("p", "o", "b"),
    ("pob",),
)
_PO_BOX_STARTS = frozenset(spelling[0] for spelling in _PO_BOX_SPELLINGS)


_FRACTION = re.compile("[\u00bc-\u00be\u2150-\u215e]")


def _spell_fraction(match: re.Match[str]) -> str:
    """``½`` -> `` 1/2``: apart from the number before it (NFKD alone would make ``123½`` ``1231⁄2``)."""
    return " " + unicodedata.normalize("NFKD", match.group()).replace("\u2044", "/")


def _street_tokens_reference(text: str) -> list[str]:
    """Fold and rewrite a street line into tokens: the slow twin of :func:`_street_fast`."""
    text = text[:_MAX_LINE]
    if not text.isascii():
        text = _FRACTION.sub(_spell_fraction, text)
    text = _fold_basic(text).replace("#", " # ")
    if "." in text:  # "S.W." -> "sw", "P.O." -> "po"
        text = _INITIALISM.sub(lambda m: m.group().replace(".", ""), text)
    text = _LOOSE_JOINER.sub(" ", _STREET_JUNK.sub(" ", text))
    raw = text.split()
    tables = _street_tables()
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        token = raw[i]
        if token in _PO_BOX_STARTS:
            spelling = next((sp for sp in _PO_BOX_SPELLINGS if tuple(raw[i : i + len(sp)]) == sp), None)
            if spelling is not None:
                out += ["po", "box"]
                i += len(spelling)
                continue
        following = raw[i + 1] if i + 1 < n else ""
        if token in tables.units:
            if following == "#" and i + 2 < n:  # "Apartment #3": look past the hash
                following = raw[i + 2]
            if token == "#" and out and out[-1] in tables.unit_forms:
                pass  # "Apt #3": the hash repeats the unit word
            elif _IDENTIFIER.fullmatch(following):
                out.append(tables.units[token])
            elif token != "#":
                out.append(tables.rewrite.get(token, token))
            i += 1
            continue
        if token in tables.rewrite:
            out.append(tables.rewrite[token])
        elif len(token) > 7 and token.endswith("strasse"):
            out.append(token[:-7] + "str")  # Hauptstraße -> hauptstr, as Germans abbreviate it
        else:
            out.append(token)
        i += 1
    return out


# Fast path: plain ASCII lines (letters, digits, spaces, commas, dots, apostrophes, "#") whose only special
# tokens are unit words directly followed by a plain identifier ("123 Main St Apt 4B", "Flat 3, 12 High
# St", "1 Elm Ave #12"). Anything else (PO boxes, slashes, hyphens, German "...strasse", non-ASCII) goes to
# the reference, which the fast path is tested against.
_FAST_STREET_CHARS = re.compile(r"[^A-Za-z0-9 ,.'#]")
_PLAIN_STREET = re.compile(r"[A-Za-z0-9 ]*")


@dataclass(frozen=True, slots=True)
class _FastStreetTables:
    rewrite: dict[str, str]  # plain tokens: suffixes, directionals, ordinals
    units: dict[str, str]  # unit words (and "#")
    special: frozenset[str]  # tokens the plain rewrite cannot handle alone


_FAST_STREET_TABLES: _FastStreetTables | None = None  # loaded on first use, like the tables it is built from


def _load_fast_street_tables() -> _FastStreetTables:
    global _FAST_STREET_TABLES
    tables = _street_tables()
    special = set(tables.units) | _PO_BOX_STARTS | {"po", "box"}
    # a rewrite that produced a unit form or a PO box word would change the parse: keep those for the reference
    special |= {k for k, v in tables.rewrite.items() if v in tables.unit_forms or v in ("po", "box")}
    _FAST_STREET_TABLES = _FastStreetTables(tables.rewrite, tables.units, frozenset(special))
    return _FAST_STREET_TABLES


def _drop_dots(match: re.Match[str]) -> str:
    return match.group().replace(".", "")


def _street_fast(text: str) -> tuple[list[str], list[str], list[str]] | None:
    """Return (tokens, street tokens, unit identifiers) of a plain line, or ``None`` for the reference."""
    if len(text) > _MAX_LINE or not text.isascii() or _FAST_STREET_CHARS.search(text) is not None:
        return None
    low = text.lower()
    if _PLAIN_STREET.fullmatch(text) is None:  # some punctuation: do what the reference does with it
        if "'" in low:
            low = low.replace("'", "")
        if "#" in low:
            low = low.replace("#", " # ")
        if "." in low:  # "S.W." -> "sw", then the remaining dots are spaces
            if "." in low.replace(". ", " ").rstrip("."):  # a dot inside a word: maybe an initialism
                low = _INITIALISM.sub(_drop_dots, low)
            low = low.replace(".", " ")
        if "," in low:
            low = low.replace(",", " ")
    if "strasse" in low:
        return None
    raw = low.split()
    tables = _FAST_STREET_TABLES or _load_fast_street_tables()
    rewrite = tables.rewrite
    if tables.special.isdisjoint(raw):  # "123 N Main Street"
        tokens = list(map(rewrite.get, raw, raw))
        return tokens, tokens, []
    found = tables.special.intersection(raw)
    # one unit word, once, followed by its identifier: "1 Elm Ave Apt 4B", "Flat 3 12 High St", "1 Elm St #4"
    if len(found) == 1:
        (word,) = found
        i = raw.index(word)
        if word not in tables.units or i + 1 == len(raw) or word in raw[i + 1 :]:
            return None
        ident = raw[i + 1]
        if not _plain_identifier(ident, rewrite):
            return None
        rest = list(map(rewrite.get, raw[:i], raw[:i]))
        after = raw[i + 2 :]
        if after:
            rest += map(rewrite.get, after, after)
            return [*rest[:i], tables.units[word], ident, *rest[i:]], rest, [ident]
        return [*rest, tables.units[word], ident], rest, [ident]
    return _street_fast_loop(raw, tables)


def _plain_identifier(ident: str, rewrite: dict[str, str]) -> bool:
    """Tell whether a token (letters and digits) is a unit identifier that no table rewrites."""
    if len(ident) != 1 and (len(ident) > 8 or ident.isalpha()):  # "4b", "200", "b": the reference's pattern
        return False
    return rewrite.get(ident, ident) == ident  # "Apt N" keeps "n"; a token the tables rewrite: the reference


def _street_fast_loop(
    raw: list[str], tables: _FastStreetTables
) -> tuple[list[str], list[str], list[str]] | None:
    """:func:`_street_fast` for lines with several unit words: each must be followed by its identifier."""
    rewrite = tables.rewrite
    special = tables.special
    units_table = tables.units
    tokens: list[str] = []
    rest: list[str] = []
    units: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        token = raw[i]
        if token not in special:
            token = rewrite.get(token, token)
            tokens.append(token)
            rest.append(token)
            i += 1
            continue
        if token not in units_table or i + 1 == n:
            return None
        ident = raw[i + 1]
        if ident in special or not _plain_identifier(ident, rewrite):
            return None
        tokens += (units_table[token], ident)
        units.append(ident)
        i += 2
    return tokens, rest, units


def normalize_street(raw: str | None) -> str | None:
    """Normalize a street line: folded, punctuation removed, street words in USPS short forms.

    Suffixes (``Street`` -> ``st``, ``Avenue`` -> ``ave``, ``Crescent`` -> ``cres``), directionals
    (``North`` -> ``n``, ``Southwest`` -> ``sw``), unit words (``Suite`` -> ``ste``, ``Apartment``,
    ``Flat`` and ``#`` -> ``apt``, ``Floor`` -> ``fl``), ordinal words (``First`` -> ``1st``) and
    ``PO Box`` spellings are rewritten; word order is kept.

    Parameters
    ----------
    raw : str or None
        One street line as typed.

    Returns
    -------
    str or None
        ``None`` when nothing but punctuation is left.

    Examples
    --------
    >>> normalize_street("123 North Main Street, Suite #200")
    '123 n main st ste 200'
    >>> normalize_street("Flat 3, 12 High St.")
    'apt 3 12 high st'
    """
    text = check_text(raw, "raw")
    if text is None:
        return None
    fast = _street_fast(text)
    if fast is None:
        return _normalize_street_reference(text)
    out = " ".join(fast[0])
    if len(out) > _MAX_LINE:  # "#" -> "apt" lengthens a line: cut exactly as the reference does
        out = out[: _MAX_LINE + 1].rsplit(" ", 1)[0] if " " in out[:_MAX_LINE] else out[:_MAX_LINE]
    return out or None


def _normalize_street_reference(raw: str | None) -> str | None:
    """The general :func:`normalize_street`, the slow twin of its fast path."""
    text = check_text(raw, "raw")
    if text is None:
        return None
    out = " ".join(_street_tokens_reference(text))
    if len(out) > _MAX_LINE:  # folding can expand (¼ -> 1 4): cut at a word so a second pass is a no-op
        out = out[: _MAX_LINE + 1].rsplit(" ", 1)[0] if " " in out[:_MAX_LINE] else out[:_MAX_LINE]
    return out or None


def normalize_street_many(values: Iterable[str | None]) -> list[str | None]:
    """Apply :func:`normalize_street` to a column, once per distinct value.

    Examples
    --------
    >>> normalize_street_many(["1 Elm Avenue", None, "1 elm ave."])
    ['1 elm ave', None, '1 elm ave']
    """
    return _many(normalize_street, values)


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """A street line split into parts, each normalized as by :func:`normalize_street` or ``None``.

    Attributes
    ----------
    house_number : str or None
        ``12b``, ``12-14``.
    street : str or None
        The street without number or unit: ``high st``.
    unit : str or None
        Unit identifiers, space-separated: ``3``, ``2 200`` (floor 2, suite 200).
    po_box : str or None
        The box number of a PO Box line.
    """

    house_number: str | None = None
    street: str | None = None
    unit: str | None = None
    po_box: str | None = None


# As for ``ParsedName``: the frozen dataclass ``__init__`` costs more than a fast parse, so the fast path
# writes the four slots directly (an equal, equally frozen object; there is no ``__post_init__``).
_new_object = object.__new__
_SET_HOUSE, _SET_STREET, _SET_UNIT, _SET_PO_BOX = (
    getattr(ParsedAddress, f).__set__ for f in ParsedAddress.__slots__
)
assert ParsedAddress.__slots__ == ("house_number", "street", "unit", "po_box")
assert not hasattr(ParsedAddress, "__post_init__")


def _parse_address_reference(text: str) -> ParsedAddress | None:
    """The general parser: the slow twin that :func:`_parse_address_fast` is tested against."""
    tokens = _street_tokens_reference(text)
    if not tokens:
        return None
    tables = _street_tables()
    unit_forms = tables.unit_forms
    floor_words = {word for word, form in tables.units.items() if form == "fl"}
    po_box: str | None = None
    units: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            token == "po"
            and following == "box"
            and i + 2 < len(tokens)
            and _IDENTIFIER.fullmatch(tokens[i + 2])
        ):
            po_box = po_box or tokens[i + 2]
            i += 3
        elif token in floor_words and rest and (ordinal := _ORDINAL.fullmatch(rest[-1])) is not None:
            units.append(ordinal.group(1))  # "2nd Floor, 1 Elm Rd": floor 2, house number 1
            rest.pop()
            i += 1
        elif token in unit_forms and _IDENTIFIER.fullmatch(following):
            after = tokens[i + 2] if i + 2 < len(tokens) else ""
            slashed = None if rest or _HOUSE.fullmatch(after) else _SLASHED.fullmatch(following)
            if slashed is not None:  # "Unit 1/23 Smith St": unit 1 of number 23, as in "1/23 Smith St"
                units.append(slashed.group(1))
                rest.append(slashed.group(2))
            else:
                units.append(following)
            i += 2
        else:
            rest.append(token)
            i += 1
    number: str | None = None
    if rest:
        slashed = _SLASHED.fullmatch(rest[0])
        if slashed is not None:  # Australian "3/12 Smith St": unit 3 of number 12
            units.append(slashed.group(1))
            number = slashed.group(2)
            rest = rest[1:]
        elif _HOUSE.fullmatch(rest[0]):
            number, rest = rest[0], rest[1:]
        elif len(rest) > 1 and _HOUSE.fullmatch(rest[-1]) and po_box is None:
            number, rest = rest[-1], rest[:-1]  # "Hauptstraße 5"
    return ParsedAddress(
        house_number=number,
        street=" ".join(rest) or None,
        unit=" ".join(units) or None,
        po_box=po_box,
    )


def _parse_address_fast(text: str) -> ParsedAddress | None:
    """Parse a plain line (see :func:`_street_fast`); ``None`` when the reference has to decide."""
    fast = _street_fast(text)
    if fast is None or not fast[0]:
        return None
    tokens, rest, units = fast
    if "fl" in tokens and any(_ORDINAL.fullmatch(t) for t in rest):  # "2nd Floor, 1 Elm Rd": the reference
        return None
    number: str | None = None
    if rest:  # no "/" in a plain line, so no Australian "3/12"; no PO box either
        head = rest[0]
        if head.isdigit() or _HOUSE.fullmatch(head):
            number, rest = head, rest[1:]
        elif len(rest) > 1 and _HOUSE.fullmatch(rest[-1]):
            number, rest = rest[-1], rest[:-1]  # "Hauptstr 5"
    out: ParsedAddress = _new_object(ParsedAddress)
    _SET_HOUSE(out, number)
    _SET_STREET(out, " ".join(rest) or None)
    _SET_UNIT(out, " ".join(units) or None)
    _SET_PO_BOX(out, None)
    return out


@functools.lru_cache(maxsize=65536)
def _parse_address(text: str) -> ParsedAddress | None:
    fast = _parse_address_fast(text)
    return fast if fast is not None else _parse_address_reference(text)


def parse_address(raw: str | None) -> ParsedAddress | None:
    """Split a street line into house number, street, unit and PO box.

    Parameters
    ----------
    raw : str or None
        One street line, US, UK, Australian (``3/12 Smith St``) or continental (``Hauptstraße 5``).

    Returns
    -------
    ParsedAddress or None

    Examples
    --------
    >>> parse_address("Flat 3, 12 High Street")
    ParsedAddress(house_number='12', street='high st', unit='3', po_box=None)
    >>> parse_address("P.O. Box 77")
    ParsedAddress(house_number=None, street=None, unit=None, po_box='77')
    """
    if type(raw) is str:
        return _parse_address(raw)
    text = check_text(raw, "raw")
    return None if text is None else _parse_address(text)


def house_number(raw: str | None) -> str | None:
    """Return the house number of a street line; ``None`` for PO boxes or when there is none.

    Examples
    --------
    >>> house_number("12B Baker Street"), house_number("PO Box 12")
    ('12b', None)
    """
    parsed = parse_address(check_text(raw, "raw"))
    return parsed.house_number if parsed is not None else None


def street_name(raw: str | None) -> str | None:
    """Return the normalized street without house number, unit or PO box.

    Examples
    --------
    >>> street_name("Flat 3, 12 High Street")
    'high st'
    """
    parsed = parse_address(check_text(raw, "raw"))
    return parsed.street if parsed is not None else None


def unit(raw: str | None) -> str | None:
    """Return the unit identifiers of a street line (``Apt``, ``Flat``, ``Suite``, ``#``...).

    Examples
    --------
    >>> unit("221 Baker St Apt 4B"), unit("221 Baker St #4b"), unit("221 Baker St")
    ('4b', '4b', None)
    """
    parsed = parse_address(check_text(raw, "raw"))
    return parsed.unit if parsed is not None else None


# --------------------------------------------------------------------------------------------- countries

_KEY_DROP = re.compile(r"[.'’]")
_KEY_SPACE = re.compile(r"[^\w]|_")


def _lookup_key(text: str) -> str:
    """Fold a country or region name for look-up: ``U.S.A.`` -> ``usa``, ``The Bahamas`` -> ``bahamas``."""
    key = _KEY_SPACE.sub(" ", _KEY_DROP.sub("", _fold_basic(text[:_MAX_SHORT])))
    key = " ".join(key.split())
    return key[4:] if key.startswith("the ") else key


@functools.cache
def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in _load("countries.json"):
        code = row["alpha2"]
        for spelling in (row["alpha2"], row["alpha3"], row["name"], *row["aliases"]):
            key = _lookup_key(spelling)
            if table.setdefault(key, code) != code:
                raise ValueError(f"countries.json: {spelling!r} names both {table[key]} and {code}")
    return table


@functools.lru_cache(maxsize=4096)
def _country(key: str) -> str | None:
    return _countries().get(_lookup_key(key))


def country_code(raw: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a country name, alias, alpha-2 or alpha-3 code.

    Parameters
    ----------
    raw : str or None
        ``Germany``, ``Deutschland``, ``DEU``, ``de``, ``U.S.A.``, ``England``...

    Returns
    -------
    str or None
        Upper-case alpha-2 code, ``None`` when unknown.

    Examples
    --------
    >>> country_code("U.S.A."), country_code("Deutschland"), country_code("Scotland"), country_code("nld")
    ('US', 'DE', 'GB', 'NL')
    >>> country_code("Atlantis") is None
    True
    """
    text = check_text(raw, "raw")
    if text is None:
        return None
    return _country(text[:_MAX_SHORT])


def country_code_many(values: Iterable[str | None]) -> list[str | None]:
    """Apply :func:`country_code` to a column, once per distinct value.

    Examples
    --------
    >>> country_code_many(["UK", None, "Holland"])
    ['GB', None, 'NL']
    """
    return _many(country_code, values)


@functools.cache
def _regions() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for country, regions in _load("address_regions.json").items():
        table = out[country] = {}
        for code, names in regions.items():
            for spelling in (code, *names):
                table[_lookup_key(spelling)] = code
    return out


def region_code(raw: str | None, country: str | None = "US") -> str | None:
    """Return the postal code of a US state, Canadian province or Australian state.

    Parameters
    ----------
    raw : str or None
        ``New York``, ``ny``, ``Québec``, ``Calif.``...
    country : str or None
        Any spelling :func:`country_code` accepts; ``US`` by default. Other countries give ``None``.

    Returns
    -------
    str or None
        The upper-case postal abbreviation (``NY``, ``QC``, ``NSW``).

    Examples
    --------
    >>> region_code("new york"), region_code("Québec", country="Canada"), region_code("Victoria", "AU")
    ('NY', 'QC', 'VIC')
    """
    text = check_text(raw, "raw")
    cc = country_code(check_text(country, "country"))
    if text is None or cc is None:
        return None
    table = _regions().get(cc)
    return None if table is None else table.get(_lookup_key(text))


# --------------------------------------------------------------------------------------------- postcodes

_UK_LIKE = frozenset({"GB", "GG", "JE", "IM"})
_US_LIKE = frozenset({"US", "PR", "VI", "GU", "AS", "MP", "UM", "FM", "MH", "PW"})
_UK = re.compile(
    r"(GIR)(0AA)"
    r"|([A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]))(\d[ABD-HJLNP-UW-Z]{2})"
)
_CA = re.compile(r"([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(\d[ABCEGHJ-NPRSTV-Z]\d)")
_NL = re.compile(r"([1-9]\d{3})([A-Z]{2})?")
_IE = re.compile(r"([AC-FHKNPRTV-Y]\d{2}|D6W)([0-9AC-FHKNPRTV-Y]{4})")
# Digit-only postcodes: (length, display pattern with "#" per digit).
_DIGITS: dict[str, tuple[int, str]] = {
    **dict.fromkeys(
        ("DE", "FR", "IT", "ES", "FI", "MX", "MY", "TH", "TR", "UA", "HR", "EE", "KR", "DZ", "MA", "EG"),
        (5, "#####"),
    ),
    **dict.fromkeys(("SE", "CZ", "SK", "GR"), (5, "### ##")),
    **dict.fromkeys(
        ("AU", "AT", "BE", "CH", "DK", "NO", "NZ", "ZA", "HU", "BG", "PH", "LU", "SI", "CY", "AR", "GE"),
        (4, "####"),
    ),
    **dict.fromkeys(("IN", "CN", "RU", "SG", "KZ", "VN", "RO", "BY", "CO", "EC", "NG"), (6, "######")),
    "PL": (5, "##-###"),
    "PT": (7, "####-###"),
    "JP": (7, "###-####"),
    "BR": (8, "#####-###"),
    "IL": (7, "#######"),
}
# Fixed-length codes that may start with 0, so a spreadsheet may have dropped it.
_PAD_ONE_ZERO = frozenset({"DE", "FR", "IT", "ES", "FI", "MX", "MY"})
_POSTCODE_JUNK = re.compile(r"[^0-9A-Z -]")


def _format_digits(digits: str, pattern: str) -> str:
    it = iter(digits)
    return "".join(next(it) if ch == "#" else ch for ch in pattern)


#: A numeric postcode that went through a floating-point column (pandas, spreadsheets): ``10001.0``.
_FLOAT_TEXT = re.compile(r"(\d{3,10})\.0+")


def _postcode(text: str, cc: str | None) -> str | None:
    if "." in text and (number := _FLOAT_TEXT.fullmatch(text.strip())) is not None:
        text = number.group(1)
    if text.isascii():
        upper = text.upper()
    else:  # "９０２１０" (NFKD makes it ASCII), "٩٠٢١٠" (Arabic-Indic digits: spelled out here)
        upper = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in fold(text)).upper()
    cleaned = " ".join(_POSTCODE_JUNK.sub(" ", upper).split())
    compact = cleaned.replace(" ", "").replace("-", "")
    if not compact or not any(ch.isdigit() for ch in compact):
        return None
    if cc in _US_LIKE:
        parts = cleaned.replace(" ", "-").split("-")
        head = parts[0]
        if not head.isdigit():
            return None
        if len(parts) == 1 and len(head) in (8, 9):  # ZIP+4 without a hyphen (8: lost a leading zero)
            head = head[:-4]
        elif len(parts) > 2 or (len(parts) == 2 and not (parts[1].isdigit() and len(parts[1]) == 4)):
            return None
        if not 3 <= len(head) <= 5:
            return None
        zip5 = head.zfill(5)  # Excel drops leading zeros: 2134 -> 02134, 601 -> 00601
        return None if zip5 == "00000" else zip5
    if cc in _UK_LIKE:
        match = _UK.fullmatch(compact)
        if match is None:
            return None
        outward, inward = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        return f"{outward} {inward}"
    if cc == "CA":
        match = _CA.fullmatch(compact)
        return None if match is None else f"{match.group(1)} {match.group(2)}"
    if cc == "NL":
        match = _NL.fullmatch(compact)
        if match is None:
            return None
        return match.group(1) if match.group(2) is None else f"{match.group(1)} {match.group(2)}"
    if cc == "IE":
        match = _IE.fullmatch(compact)
        return None if match is None else f"{match.group(1)} {match.group(2)}"
    if cc is not None and cc in _DIGITS:
        length, pattern = _DIGITS[cc]
        digits = compact
        if not digits.isdigit():
            digits = digits.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # "D-10115", "CH-8001"
            if len(compact) - len(digits) > 3 or not digits.isdigit():
                return None
        if len(digits) == length - 1 and cc in _PAD_ONE_ZERO:
            digits = "0" + digits
        return _format_digits(digits, pattern) if len(digits) == length else None
    cleaned = cleaned.strip(" -")
    return cleaned if 2 <= len(compact) <= 10 else None


@functools.lru_cache(maxsize=65536)
def _postcode_cached(text: str, country: str | None) -> str | None:
    return _postcode(text[:_MAX_SHORT], country_code(country))


def normalize_postcode(raw: str | None, country: str | None = "US") -> str | None:
    """Normalize and validate a postcode for a country.

    - US (and US territories): ZIP5; ZIP+4 is cut to five digits, and 3- or 4-digit values (a spreadsheet
      dropped the leading zeros) are padded: ``2134`` -> ``02134``.
    - GB (and GG, JE, IM): ``SW1A 1AA``, validated against the UK pattern. Canada: ``K1A 0B1``.
      Netherlands: ``1234 AB``. Ireland (Eircode): ``A65 F4E2``.
    - Digit-only countries (DE, FR, IT, ES 5 digits; AU, AT, BE, CH, DK, NO 4; IN, CN, RU, SG 6; SE
      ``123 45``, PL ``12-345``, PT ``1234-567``, JP ``123-4567``, BR ``12345-678``...) are checked for
      length; a dropped leading zero is restored for DE, FR, IT, ES, FI, MX, MY.
    - Digits with a zero fraction, as a numeric column turned to floats writes them (``2134.0``), are
      read without it.
    - Any other or unknown country (or ``country=None``): upper-case, spaces collapsed, 2 to 10
      characters with at least one digit.

    Parameters
    ----------
    raw : str or None
    country : str or None
        Any spelling :func:`country_code` accepts.

    Returns
    -------
    str or None
        ``None`` when the value is not a valid postcode for the country.

    Examples
    --------
    >>> normalize_postcode("02134-1234"), normalize_postcode("2134")
    ('02134', '02134')
    >>> normalize_postcode("sw1a1aa", "UK"), normalize_postcode("k1a0b1", "CA")
    ('SW1A 1AA', 'K1A 0B1')
    >>> normalize_postcode("1234ab", "NL"), normalize_postcode("ABCDE", "US")
    ('1234 AB', None)
    """
    text = check_text(raw, "raw")
    country = check_text(country, "country")
    if text is None:
        return None
    return _postcode_cached(text[:_MAX_SHORT], country)


def normalize_postcode_many(values: Iterable[str | None], country: str | None = "US") -> list[str | None]:
    """Apply :func:`normalize_postcode` to a column (one country for all), once per distinct value.

    Examples
    --------
    >>> normalize_postcode_many(["90210", "902101234", None])
    ['90210', '90210', None]
    """
    country = check_text(country, "country")
    return _many(lambda value: normalize_postcode(value, country), values)


def postcode_outward(raw: str | None, country: str | None = "US") -> str | None:
    """Return a coarse postcode area for blocking: UK outward code, US ZIP3, Canadian FSA.

    Also the Irish routing key and the Dutch four digits; for other countries the whole normalized code.

    Examples
    --------
    >>> postcode_outward("sw1a1aa", "GB"), postcode_outward("02134-0001"), postcode_outward("K1A 0B1", "CA")
    ('SW1A', '021', 'K1A')
    """
    code = normalize_postcode(raw, country)
    if code is None:
        return None
    cc = country_code(country)
    if cc in _US_LIKE:
        return code[:3]
    if cc in _UK_LIKE or cc in ("CA", "IE", "NL"):
        return code.split()[0]
    return code
