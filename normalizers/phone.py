"""Phone numbers: parse hand-typed legacy spellings into E.164 keys and spell keys back out for lookups.

Public functions
----------------
``parse(raw, region="US")``
    One string to a ``PhoneNumber`` (or None for junk and for numbers that cannot be complete).
``variants(raw_or_number, region="US", *, extended=False)``
    The spellings an ERP phone field may hold for one number, each parsing back to the same E.164.
``parse_many(values, region="US")`` / ``e164_many(values, region="US")``
    Column versions with a cache for repeated strings; ``e164_many`` is the batch matching path.

How a string is read
--------------------
libphonenumber (``phonenumbers``) does the reading. On top of it:

* inputs longer than 80 characters (after trimming) are not phone numbers and give None at once;
* control characters become spaces; letters-only notes in brackets (``(home)``) and a trailing label
  (``cell``, ``mobile``, ``fax``...) are dropped when at least 7 digits remain;
* fewer than three digits is junk (this also stops words such as ``unassigned`` being read as vanity
  numbers); a number whose national significant number is one repeated digit (``000-000-0000``) is a
  filler and gives None;
* ``00`` and ``011`` followed by a country code are read as international prefixes whatever the default
  region (``001 212 736 5000`` in the US is +1 212 736 5000), unless the text is a valid national number
  as written (``0117 496 0123`` in GB is Bristol);
* a run of 11 or more digits with no ``+`` that is not a possible number of the default region but is a
  valid number once a ``+`` is put in front (``442079460958``) is read as international;
* only numbers that libphonenumber calls possible (``IS_POSSIBLE``) are returned; local-only, too-short,
  too-long and invalid-length readings give None. Possible but invalid numbers are returned with
  ``is_valid=False``.

Most values take a fast path (``normalizers._phone_fast``) that replays libphonenumber's rules on plain
digit strings; ``_parse_slow`` is the plain version and the property tests check that both agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from normalizers._phone_fast import RegionInfo, code_info, fast_core, region_and_validity, region_info
from normalizers._text import check_text, strip_controls

__all__ = ["PhoneNumber", "e164_many", "parse", "parse_many", "variants"]

_MAX_CHARS: Final = 80
_MIN_DIGITS: Final = 3
_MIN_DIGITS_FOR_PLUS_GUESS: Final = 11
_MIN_DIGITS_TO_DROP_LABEL: Final = 7
_PLUS_CHARS: Final = frozenset("+＋")
_PAREN_NOTE: Final = re.compile(r"[(\[][^\d()\[\]]*[^\W\d_][^\d()\[\]]*[)\]]")
_TRAILING_LABEL: Final = re.compile(
    r"[\s,;:/-]*\b(?:home|work|cell|cellular|mobile|mob|office|fax|main|direct|tel|phone|ph|landline"
    r"|private|business|hm|wk)\b\.?\s*$",
    re.IGNORECASE,
)
_DIGIT_RUNS: Final = re.compile(r"\d+")
#: A number that went through a floating-point column (pandas, spreadsheets) and came back as text:
#: ``2127365000.0``. Only bare digits with a zero fraction; ``212.736.5000`` is not one.
_FLOAT_TEXT: Final = re.compile(r"(\d{7,15})\.0+")
_REGIONS: dict[str, tuple[str, RegionInfo]] = {}


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A parsed phone number.

    Attributes
    ----------
    e164 : str
        ``+`` country code national number, without extension: ``"+12127365000"``.
    country_code : int
        Country calling code: ``1``.
    national_number : str
        National significant number as digits, leading zeros kept (Italy: ``"0212345678"``).
    region : str
        ISO 3166 code of the number (``"US"``, ``"CA"``...), ``"001"`` for non-geographic numbers; for an
        invalid number, the main region of its country code.
    is_valid : bool
        libphonenumber's ``is_valid_number``.
    extension : str or None
        Extension digits, if any.

    Examples
    --------
    >>> parse("+39 02 1234 5678").national_number
    '0212345678'
    """

    e164: str
    country_code: int
    national_number: str
    region: str
    is_valid: bool
    extension: str | None = None


def _region(region: object) -> tuple[str, RegionInfo]:
    """Validate a default region code (case-insensitive); misuse raises ``ValueError``/``TypeError``."""
    if not isinstance(region, str):
        raise TypeError(f"region must be str, not {type(region).__name__}")
    cached = _REGIONS.get(region)
    if cached is not None:
        return cached
    code = region.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f"unknown region {region!r}: expected a two-letter ISO 3166 code that libphonenumber "
            "supports, such as 'US', 'GB' or 'DE'"
        )
    cached = _REGIONS[region] = (code, region_info(code))
    return cached


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return f"+{number.country_code}{phonenumbers.national_significant_number(number)}"


def _is_filler(nsn: str) -> bool:
    return not nsn.strip(nsn[0])


# --- slow path: libphonenumber on the cleaned text ---------------------------------------------------


def _clean(text: str) -> str | None:
    """Trimmed text with controls, bracketed notes and trailing labels removed; None if hopeless."""
    text = strip_controls(text).strip()
    if (number := _FLOAT_TEXT.fullmatch(text)) is not None:
        text = number.group(1)
    digits = sum(ch.isdecimal() for ch in text)
    if digits < _MIN_DIGITS:
        return None
    if not text.isascii() or any(ch.isalpha() for ch in text):
        dropped = _TRAILING_LABEL.sub("", _PAREN_NOTE.sub(" ", text)).strip()
        if sum(ch.isdecimal() for ch in dropped) >= _MIN_DIGITS_TO_DROP_LABEL:
            text = dropped
    return text


def _lib_parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _rank(number: phonenumbers.PhoneNumber | None, *, validity: bool = True) -> int:
    """2 valid, 1 possible but invalid (or possible, if not ``validity``), 0 anything else."""
    if number is None:
        return 0
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return 0
    return 2 if validity and phonenumbers.is_valid_number(number) else 1


def _read(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """Choose among the readings of ``text``: as written, with ``00``/``011`` as IDD, with a ``+``."""
    digit_at = [i for i, ch in enumerate(text) if ch.isdecimal()]
    first = next((i for i, ch in enumerate(text) if ch in _PLUS_CHARS or ch.isdecimal()), 0)
    has_plus = text[first] in _PLUS_CHARS
    lead = "".join(str(unicodedata.decimal(text[i])) for i in digit_at[:3])
    as_written = _lib_parse(text, region)
    with_idd = None
    if not has_plus and lead.startswith(("00", "011")):
        size = 3 if lead == "011" else 2
        with_idd = _lib_parse(text[: digit_at[0]] + "+" + text[digit_at[size - 1] + 1 :], region)
    if with_idd is None and _rank(as_written, validity=False):
        return as_written  # one reading only: valid or not, it is the answer
    ranks = (_rank(as_written), _rank(with_idd))
    for wanted in (2, 1):
        if ranks[0] == wanted:
            return as_written
        if ranks[1] == wanted:
            return with_idd
    if not has_plus and with_idd is None and len(digit_at) >= _MIN_DIGITS_FOR_PLUS_GUESS:
        with_plus = _lib_parse(text[: digit_at[0]] + "+" + text[digit_at[0] :], region)
        if _rank(with_plus) == 2:
            return with_plus
    return None


def _from_lib(number: phonenumbers.PhoneNumber, reference: bool) -> PhoneNumber:
    """Our ``PhoneNumber`` for a libphonenumber one; region and validity from libphonenumber itself
    (``reference``) or from the fast twin ``region_and_validity`` (proven equal by the property tests).
    """
    nsn = phonenumbers.national_significant_number(number)
    country_code = int(number.country_code or 0)
    if reference:
        region = phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(
            country_code
        )
        valid = phonenumbers.is_valid_number(number)
    else:
        region, valid = region_and_validity(country_code, nsn)
    return PhoneNumber(f"+{country_code}{nsn}", country_code, nsn, region, valid, number.extension or None)


def _settle(number: phonenumbers.PhoneNumber, region: str) -> phonenumbers.PhoneNumber | None:
    """The number its own E.164 reads back as, so that ``parse`` is idempotent; None if there is none.

    libphonenumber strips a national prefix even after ``+``, using the rules of the country code's
    main region; a number read with another region's rules (``01624 75678`` in IM) can change again.
    """
    for _ in range(3):
        nsn = phonenumbers.national_significant_number(number)
        prefix = code_info(number.country_code or 0).national_prefix
        if prefix is None or not prefix.match(nsn):
            return number
        again = _lib_parse(f"+{number.country_code}{nsn}", region)
        if _rank(again) == 0:
            return None
        assert again is not None
        if phonenumbers.national_significant_number(again) == nsn:
            return number
        again.extension = number.extension
        number = again
    return None


def _slow(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The libphonenumber reading of ``text`` that ``parse`` returns, or None."""
    cleaned = _clean(text)
    if cleaned is None:
        return None
    number = _read(cleaned, region)
    if number is not None:
        number = _settle(number, region)
    if number is None or _is_filler(phonenumbers.national_significant_number(number)):
        return None
    return number


def _parse_slow(raw: str | None, region: str = "US") -> PhoneNumber | None:
    """The plain reference implementation of ``parse``: libphonenumber for every value."""
    raw = check_text(raw, "raw")
    code, _ = _region(region)
    if raw is None:
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_CHARS:
        return None
    number = _slow(text, code)
    return None if number is None else _from_lib(number, reference=True)


# --- fast path ------------------------------------------------------------------------------------------


_EXTENSION_TAIL: Final = re.compile(r"(.*?[0-9)])(?:;ext=| *(?:x|ext\.?|#) ?)([0-9]{1,6})", re.IGNORECASE)


def _fast_core(text: str, info: RegionInfo) -> tuple[int, str, str | None] | None:
    """``fast_core`` after the common wrappers: ``tel:``, a trailing label, an extension.

    Each step does what ``_clean`` and libphonenumber would do to the same text (checked by the
    property tests); anything unusual is left in place, and then ``fast_core`` defers to the slow path.
    Returns ``(country code, national number, extension)``, None, or country code 0 for "slow path".
    """
    extension = None
    if text[-1].isalpha():
        label = _TRAILING_LABEL.search(text)
        if label is not None:
            rest = text[: label.start()].strip()
            if sum(ch.isdecimal() for ch in rest) >= _MIN_DIGITS_TO_DROP_LABEL:
                text = rest
    if text[:4].lower() == "tel:":
        text = text[4:]
    elif text[-1] == "0" and "." in text and (number := _FLOAT_TEXT.fullmatch(text)) is not None:
        text = number.group(1)
    if "x" in text or "X" in text or "#" in text or ";" in text:
        split = _EXTENSION_TAIL.fullmatch(text)
        if split is not None:
            text, extension = split.group(1), split.group(2)
    core = fast_core(text, info)
    if core is None:
        return None
    if core[0] == 0 or not _is_filler(core[1]):
        return core[0], core[1], extension
    return None


def _fast(text: str, info: RegionInfo) -> PhoneNumber | bool | None:
    """``parse`` for the shapes ``fast_core`` replays; ``False`` when the slow path is needed."""
    core = _fast_core(text, info)
    if core is None:
        return None
    country_code, nsn, extension = core
    if country_code == 0:
        return False
    region, valid = region_and_validity(country_code, nsn)
    return PhoneNumber(f"+{country_code}{nsn}", country_code, nsn, region, valid, extension)


def _parse_fast(raw: str | None, region: str = "US") -> PhoneNumber | bool | None:
    """The fast path alone (for tests): a result, or ``False`` where it defers to the slow path."""
    raw = check_text(raw, "raw")
    _, info = _region(region)
    if raw is None:
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_CHARS:
        return None
    return _fast(text, info)


def _parse_text(raw: str, code: str, info: RegionInfo) -> PhoneNumber | None:
    text = raw.strip()
    if not text or len(text) > _MAX_CHARS:
        return None
    result = _fast(text, info)
    if result is False:
        number = _slow(text, code)
        return None if number is None else _from_lib(number, reference=False)
    assert result is not True
    return result


# --- public API ---------------------------------------------------------------------------------------------


def parse(raw: str | None, region: str = "US") -> PhoneNumber | None:
    """Parse one hand-typed phone number.

    Parameters
    ----------
    raw : str or None
        The text as typed: any separators, ``+``/``00``/``011`` prefixes, ``(0)``, ``tel:`` URIs,
        extensions (``x12``, ``ext. 12``, ``#12``, ``extension 12``, ``;ext=12``), vanity letters.
    region : str, default "US"
        ISO 3166 code of the region to assume for numbers written without a country code.

    Returns
    -------
    PhoneNumber or None
        None for junk and for numbers that cannot be complete (too short, local only, too long).

    Raises
    ------
    TypeError
        If ``raw`` is neither ``str`` nor None.
    ValueError
        If ``region`` is not a region libphonenumber knows.

    Examples
    --------
    >>> parse("(212) 736-5000 ext. 12")
    PhoneNumber(e164='+12127365000', country_code=1, national_number='2127365000', region='US', is_valid=True, extension='12')
    >>> parse("736-5000") is None
    True
    """
    raw = check_text(raw, "raw")
    code, info = _region(region)
    if raw is None:
        return None
    return _parse_text(raw, code, info)


def parse_many(values: Iterable[str | None], region: str = "US") -> list[PhoneNumber | None]:
    """Parse a column of phone numbers; repeated strings are parsed once.

    Parameters
    ----------
    values : iterable of str or None
        The column.
    region : str, default "US"
        Default region, as for ``parse``.

    Returns
    -------
    list of PhoneNumber or None
        One entry per input value, in order.

    Examples
    --------
    >>> [p and p.e164 for p in parse_many(["212.736.5000", None, "n/a", "212.736.5000"])]
    ['+12127365000', None, None, '+12127365000']
    """
    code, info = _region(region)
    cache: dict[str, PhoneNumber | None] = {}
    out: list[PhoneNumber | None] = []
    append = out.append
    for value in values:
        if value is None:
            append(None)
            continue
        if type(value) is not str:
            check_text(value, "values")  # raises TypeError unless a str subclass
        hit = cache.get(value, _MISSING)
        if hit is _MISSING:
            hit = cache[value] = _parse_text(value, code, info)
        append(hit)
    return out


# Typed "not in the cache" markers (no real result is identical to them).
_MISSING: Final = PhoneNumber("", 0, "", "", False)
_MISSING_KEY: Final = "not cached"


def e164_many(values: Iterable[str | None], region: str = "US") -> list[str | None]:
    """E.164 keys for a column of phone numbers, None where ``parse`` gives None; the batch hot path.

    Equivalent to ``[p and p.e164 for p in parse_many(values, region)]`` but skips validity and region
    lookups, which the batch matching path does not need.

    Examples
    --------
    >>> e164_many(["+44 (0)20 7946 0958", "001 212 736 5000", "000-000-0000"])
    ['+442079460958', '+12127365000', None]
    """
    code, info = _region(region)
    cache: dict[str, str | None] = {}
    out: list[str | None] = []
    append = out.append
    for value in values:
        if value is None:
            append(None)
            continue
        if type(value) is not str:
            check_text(value, "values")
        key = cache.get(value, _MISSING_KEY)
        if key is _MISSING_KEY:
            text = value.strip()
            if not text or len(text) > _MAX_CHARS:
                key = None
            else:
                core = _fast_core(text, info)
                if core is None:
                    key = None
                elif core[0] == 0:
                    number = _slow(text, code)
                    key = None if number is None else _e164(number)
                else:
                    key = f"+{core[0]}{core[1]}"
            cache[value] = key
        append(key)
    return out


# --- variants -------------------------------------------------------------------------------------------


def _lib_number(number: PhoneNumber) -> phonenumbers.PhoneNumber:
    nsn = number.national_number
    zeros = len(nsn) - len(nsn.lstrip("0"))
    if zeros == len(nsn):
        zeros -= 1
    return phonenumbers.PhoneNumber(
        country_code=number.country_code,
        national_number=int(nsn),
        italian_leading_zero=True if zeros else None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )


def _candidates(number: PhoneNumber, extended: bool) -> list[str]:
    lib = _lib_number(number)
    e164 = phonenumbers.format_number(lib, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(lib, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(lib, PhoneNumberFormat.INTERNATIONAL)
    national_groups = _DIGIT_RUNS.findall(national)
    national_digits = "".join(national_groups)
    dashed = "-".join(national_groups)
    out = [e164, e164[1:], national_digits, national, international, dashed]
    if not extended:
        return out
    groups = _DIGIT_RUNS.findall(international)  # [country code, ...]
    dotted = ".".join(national_groups)
    cc = str(number.country_code)
    out += [
        dotted,
        "-".join(groups),
        "+" + "-".join(groups),
        " ".join(groups),
        "+" + " ".join(groups),
        ".".join(groups),
        "+" + ".".join(groups),
        international[1:],
    ]
    trunk = national_digits[: len(national_digits) - len(number.national_number)]
    if national_digits.endswith(number.national_number) and trunk and national.startswith(trunk):
        rest = national[len(trunk) :]
        out += [f"+{cc} ({trunk}){rest}", f"+{cc} ({trunk}) {rest}", f"{cc} ({trunk}){rest}"]
    elif not trunk:
        out += [f"{cc} {national}", f"+{cc} {national}"]
    out += [
        "00" + international[1:],
        "00" + e164[1:],
        "011 " + international[1:],
        "011" + e164[1:],
        phonenumbers.format_number(lib, PhoneNumberFormat.RFC3966),
    ]
    if number.extension:
        ext = number.extension
        for base in (national, dashed, dotted, e164, international):
            out += [f"{base} x{ext}", f"{base} ext. {ext}", f"{base} ext {ext}", f"{base} #{ext}"]
        out.append(f"{phonenumbers.format_number(lib, PhoneNumberFormat.RFC3966)};ext={ext}")
    return out


def variants(
    raw_or_number: str | PhoneNumber | None, region: str = "US", *, extended: bool = False
) -> list[str]:
    """Spellings of one number to look up in hand-typed phone fields, most common first.

    The six standard formats, in order: E.164, E.164 digits without ``+``, national digits (trunk prefix
    kept outside NANP), NATIONAL, INTERNATIONAL, dashed national. ``extended=True`` adds legacy spellings
    (dotted, ``1-212-736-5000``, ``+1 (212) 736-5000``, ``+44 (0)20 ...``, ``00``/``011`` prefixes,
    ``tel:`` URIs and, when the number has an extension, ``x12``/``ext. 12``/``#12`` suffixes).
    Only spellings that ``parse(..., region)`` reads back as the same E.164 are kept, so national
    formats of a number from another country than ``region`` are left out.

    Parameters
    ----------
    raw_or_number : str, PhoneNumber or None
        Text to parse first, or an already parsed number.
    region : str, default "US"
        Default region for parsing and for reading the variants back.
    extended : bool, default False
        Add the legacy spellings.

    Returns
    -------
    list of str
        De-duplicated; empty for junk.

    Examples
    --------
    >>> variants("212 736 5000")
    ['+12127365000', '12127365000', '2127365000', '(212) 736-5000', '+1 212-736-5000', '212-736-5000']
    >>> variants("020 7946 0958", region="GB")
    ['+442079460958', '442079460958', '02079460958', '020 7946 0958', '+44 20 7946 0958', '020-7946-0958']
    >>> variants("n/a")
    []
    """
    code, info = _region(region)
    if isinstance(raw_or_number, PhoneNumber):
        number: PhoneNumber | None = raw_or_number
    else:
        raw = check_text(raw_or_number, "raw_or_number")
        number = None if raw is None else _parse_text(raw, code, info)
    if number is None:
        return []
    seen: set[str] = set()
    out: list[str] = []
    for candidate in _candidates(number, extended):
        if candidate in seen:
            continue
        seen.add(candidate)
        back = _parse_text(candidate, code, info)
        if back is not None and back.e164 == number.e164:
            out.append(candidate)
    return out
