"""Fast path for phone parsing (private): libphonenumber's own rules, replayed on plain digit strings.

``phonenumbers.parse`` spends most of its 20-40 µs on regular expressions that find a number inside
free text, strip extensions and normalise digits. Most ERP phone fields are digits plus ``space - . / ( )``
and perhaps one leading ``+``. For those, libphonenumber's result depends only on the digit string, the
presence of the plus and the default region, so this module recomputes it from the same metadata:

1. country-code extraction (``+`` then the first 1-3 digits that form a known code, or the default region's
   code found at the start of the digits, with libphonenumber's "was it too long before?" test);
2. national-prefix stripping (``_maybe_strip_national_prefix_carrier_code`` and the length test ``parse``
   applies after it), in the plain case only: the national-prefix-for-parsing pattern matches at the start
   and none of its groups captures anything (no carrier code, no transform rule), the number stays viable
   and the stripped number is long enough, so libphonenumber just drops the prefix (``07959 367244``,
   ``+44 (0)20 8236 9127``). Where it would capture, transform or keep the number as written, the slow
   path decides. So does a stripped number that the country's main region would strip again when it is
   read back from its E.164 (``phone._settle``);
3. the length test of ``is_possible_number_with_reason`` (possible lengths of the general description).

Anything outside these shapes returns ``SLOW`` and is handled by ``phone._parse_slow``, which calls
libphonenumber directly. ``tests/normalizers/test_phone_properties.py`` asserts both paths agree.

Validity (``number_type != UNKNOWN``, the heart of ``is_valid_number``) is recomputed here too, from
the same per-type patterns, merged per national-number length into one regular expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import phonenumbers
from phonenumbers import PhoneMetadata

__all__ = ["SLOW", "RegionInfo", "code_info", "fast_core", "region_and_validity", "region_info"]

SLOW: Final[tuple[int, str]] = (0, "")
"""Returned by ``fast_core`` when the input is not a shape it replays: use the slow path.

(No real number has country code 0, so callers can test ``result[0] == 0``.)"""

_MAX_NSN = 17  # libphonenumber's _MAX_LENGTH_FOR_NSN
_IS_POSSIBLE: Final = phonenumbers.ValidationResult.IS_POSSIBLE
_TOO_LONG: Final = phonenumbers.ValidationResult.TOO_LONG
# Length results of the rest after which ``parse`` keeps a national prefix stripped.
_STRIPPED: Final = (_IS_POSSIBLE, _TOO_LONG)
_COUNTRY_CODES: Final = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
_CODE_PREFIXES: Final = {str(code): code for code in _COUNTRY_CODES}
# Separators the fast path accepts; libphonenumber ignores all of them once the number has started.
_DROP_SEPARATORS: Final = str.maketrans("", "", " -./()")
# Description attributes whose match makes a number valid (order irrelevant: we only test "any").
_TYPE_DESCS: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


@dataclass(frozen=True, slots=True)
class _Desc:
    lengths: frozenset[int] | None  # None: no length restriction
    pattern: re.Pattern[str] | None  # None: matches nothing

    def matches(self, nsn: str) -> bool:
        if self.lengths is not None and len(nsn) not in self.lengths:
            return False
        return self.pattern is not None and self.pattern.fullmatch(nsn) is not None

    def matches_pattern(self, nsn: str) -> bool:
        """``_match_national_number(nsn, desc, False)``: the pattern alone, lengths ignored."""
        return self.pattern is not None and self.pattern.fullmatch(nsn) is not None


def _desc(desc: object) -> _Desc | None:
    if desc is None:
        return None
    lengths = tuple(getattr(desc, "possible_length", ()) or ())
    pattern = getattr(desc, "national_number_pattern", None)
    return _Desc(frozenset(lengths) if lengths else None, re.compile(pattern) if pattern else None)


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """What the fast path needs from one metadata record (a region, or a non-geographic code)."""

    country_code: int
    country_code_str: str
    idd: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None
    general: _Desc
    possible: tuple[int, ...]  # sorted possible lengths of the general description
    local_only: frozenset[int]
    leading_digits: str | None
    types: tuple[_Desc, ...]
    # national-number length -> one pattern matching any valid type of that length (None: none can)
    valid_by_length: dict[int, re.Pattern[str] | None] = field(default_factory=dict)

    def length_result(self, nsn: str) -> int:
        """libphonenumber's ``_test_number_length`` for the UNKNOWN type."""
        n = len(nsn)
        if n in self.local_only:
            return phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY
        if n == self.possible[0]:
            return _IS_POSSIBLE
        if n < self.possible[0]:
            return phonenumbers.ValidationResult.TOO_SHORT
        if n > self.possible[-1]:
            return _TOO_LONG
        return _IS_POSSIBLE if n in self.possible else phonenumbers.ValidationResult.INVALID_LENGTH

    def is_valid_plain(self, nsn: str) -> bool:
        """``_number_type_helper(nsn, metadata) != UNKNOWN``, spelled out."""
        return self.general.matches(nsn) and any(desc.matches(nsn) for desc in self.types)

    def is_valid(self, nsn: str) -> bool:
        """Same as ``is_valid_plain``, with the type patterns for this length merged into one."""
        n = len(nsn)
        try:
            merged = self.valid_by_length[n]
        except KeyError:
            merged = self.valid_by_length[n] = self._merge(n)
        if merged is None or self.general.pattern is None:
            return False
        return self.general.pattern.fullmatch(nsn) is not None and merged.fullmatch(nsn) is not None

    def _merge(self, n: int) -> re.Pattern[str] | None:
        if self.general.lengths is not None and n not in self.general.lengths:
            return None
        parts = [
            f"(?:{desc.pattern.pattern})"
            for desc in self.types
            if desc.pattern is not None and (desc.lengths is None or n in desc.lengths)
        ]
        return re.compile("|".join(parts)) if parts else None


def _build(metadata: PhoneMetadata) -> RegionInfo:
    general = _desc(metadata.general_desc)
    assert general is not None
    types = [getattr(metadata, name) for name in _TYPE_DESCS]
    if not metadata.same_mobile_and_fixed_line_pattern:
        types.append(metadata.mobile)
    descs = tuple(d for d in (_desc(t) for t in types) if d is not None)
    gd = metadata.general_desc
    assert gd is not None and metadata.country_code is not None
    return RegionInfo(
        country_code=metadata.country_code,
        country_code_str=str(metadata.country_code),
        idd=re.compile(metadata.international_prefix) if metadata.international_prefix else None,
        national_prefix=(
            re.compile(metadata.national_prefix_for_parsing) if metadata.national_prefix_for_parsing else None
        ),
        general=general,
        possible=tuple(sorted(gd.possible_length)),
        local_only=frozenset(gd.possible_length_local_only or ()),
        leading_digits=metadata.leading_digits or None,
        types=descs,
    )


_BY_REGION: dict[str, RegionInfo] = {}
_BY_CODE: dict[int, RegionInfo] = {}


def region_info(region: str) -> RegionInfo:
    """Metadata digest for a region code (``"US"``) that ``phonenumbers`` supports."""
    info = _BY_REGION.get(region)
    if info is None:
        metadata = PhoneMetadata.metadata_for_region(region, None)
        if metadata is None:  # pragma: no cover - callers validate the region first
            raise ValueError(f"no phone metadata for region {region!r}")
        info = _BY_REGION[region] = _build(metadata)
    return info


def code_info(country_code: int) -> RegionInfo:
    """Digest for the main region of a calling code (what ``is_possible_number`` uses)."""
    info = _BY_CODE.get(country_code)
    if info is None:
        main = phonenumbers.region_code_for_country_code(country_code)
        if main == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
            metadata = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
            assert metadata is not None
            info = _build(metadata)
        else:
            info = region_info(main)  # the same object, so callers can test ``info is main``
        _BY_CODE[country_code] = info
    return info


def _strip_prefix(number: str, info: RegionInfo) -> str | None:
    """``number`` as ``parse`` leaves it after stripping ``info``'s national prefix; None: ask the slow path.

    The plain case of ``_maybe_strip_national_prefix_carrier_code`` followed by ``parse``'s length test:
    no match gives ``number`` back; a match whose groups all stay empty (no carrier code; a transform
    rule, if any, is then not applied) gives the rest of the number. None where a group captured, where
    libphonenumber keeps the number as written because only that one matches the general pattern, or
    where the rest is too short, local only or of an invalid length (it is then kept as written too).
    """
    prefix = info.national_prefix
    if prefix is None:
        return number
    match = prefix.match(number)
    if match is None:
        return number
    if match.lastindex is not None:
        return None  # a carrier code, or a transform rule that applies
    rest = number[match.end() :]
    if info.general.matches_pattern(number) and not info.general.matches_pattern(rest):
        return None  # only the number as written is viable: libphonenumber keeps it
    if info.length_result(rest) not in _STRIPPED:
        return None
    return rest


def _settled(nsn: str, main: RegionInfo) -> bool:
    """Whether ``+CC nsn`` reads back as ``nsn`` (``main``: the country code's main region), as
    ``phone._settle`` requires; False also where that is not known here."""
    return _strip_prefix(nsn, main) == nsn


def _international(digits: str) -> tuple[int, str] | None:
    """Digits written after a ``+``."""
    if digits[0] == "0":
        return SLOW
    for size in (1, 2, 3):
        code = _CODE_PREFIXES.get(digits[:size])
        if code is not None:
            break
    else:
        return SLOW  # libphonenumber retries without the plus: leave that to the slow path
    written = digits[size:]
    info = code_info(code)
    nsn = _strip_prefix(written, info)
    if nsn is None or (nsn != written and not _settled(nsn, info)):
        return SLOW
    if len(nsn) > _MAX_NSN or info.length_result(nsn) != _IS_POSSIBLE:
        return None
    return code, nsn


def _with_idd(digits: str, default: RegionInfo) -> tuple[int, str] | None:
    """Digits starting ``00`` or ``011``, without ``+``.

    ``phone._read`` prefers, in order, a valid reading as written, a valid reading with the prefix
    as IDD, then possible ones. Here only two cases are settled: the default region's own IDD is exactly
    this prefix (both readings are then the same number), or the reading as written cannot be possible
    (so only the IDD reading is left). Either way the answer is the IDD reading, if it is possible.
    """
    size = 3 if digits.startswith("011") else 2
    idd = default.idd.match(digits) if default.idd is not None else None
    if idd is not None:
        if idd.end() != size:
            return SLOW
    else:
        # As written, the digits are a national number of the default region (no country code starts
        # with 0), perhaps behind its national prefix (``011 44 ...`` in GB reads as 1144...).
        code, nsn = _national(digits, default)
        if code == 0 or _possible(nsn, code_info(code)):
            return SLOW
    result = _international(digits[size:])
    return SLOW if result is None else result


def _possible(nsn: str, main: RegionInfo) -> bool:
    """``is_possible_number`` for a parsed number (``main``: its country code's main region)."""
    return len(nsn) <= _MAX_NSN and main.length_result(nsn) == _IS_POSSIBLE


def _national(digits: str, default: RegionInfo) -> tuple[int, str]:
    """What ``phonenumbers.parse`` reads from digits with neither ``+`` nor IDD, or ``SLOW``.

    Country code and national number, possible or not (a number longer than ``_MAX_NSN`` stands for
    libphonenumber's TOO_LONG error). Only readings that read back the same from their E.164 (where the
    main region's national prefix rules apply) are returned; for the rest, ``SLOW``.
    """
    code = default.country_code
    written = digits  # the national number before a national prefix is stripped
    info = default  # metadata libphonenumber uses to strip a national prefix
    if digits.startswith(default.country_code_str):
        potential = digits[len(default.country_code_str) :]
        if default.national_prefix is not None and default.national_prefix.match(potential):
            return SLOW
        general = default.general
        if (not general.matches_pattern(digits) and general.matches_pattern(potential)) or (
            default.length_result(digits) == _TOO_LONG
        ):
            written = potential
            info = code_info(code)
    nsn = written
    if info.national_prefix is not None and info.national_prefix.match(written):  # a quick "no" first
        stripped = _strip_prefix(written, info)
        if stripped is None:
            return SLOW
        nsn = stripped
    main = code_info(code)
    # Settled already if nothing was stripped (``nsn is written``) and the rules were the main region's.
    if (nsn is not written or main is not info) and not _settled(nsn, main):
        return SLOW
    return code, nsn


def fast_core(text: str, default: RegionInfo) -> tuple[int, str] | None:
    """Country code and national significant number of ``text``, or None, or ``SLOW``.

    ``text`` is already stripped and at most a few dozen characters long. None means "not a possible
    number" and is only returned where the slow path would return None too: numbers written with ``+``,
    and national numbers starting with ``0`` (``phone._read`` then tries a ``+`` in front, which cannot
    work as no country code starts with ``0``).
    """
    digits = text.translate(_DROP_SEPARATORS)
    plus = digits[:1] == "+"
    if plus:
        digits = digits[1:]
    if not (4 <= len(digits) <= 20 and digits.isascii() and digits.isdigit()):
        return SLOW
    if plus:
        return _international(digits)
    if digits.startswith(("00", "011")):
        return _with_idd(digits, default)
    if default.idd is not None and default.idd.match(digits):
        return SLOW
    reading = _national(digits, default)
    code, nsn = reading
    if code == 0:
        return SLOW
    if _possible(nsn, code_info(code)):
        return reading
    # The slow path then reads the digits as an international number without '+', unless they start with 0.
    return None if digits[0] == "0" else SLOW


_Step = tuple[RegionInfo, str] | re.Pattern[str]
_STEPS: dict[int, tuple[_Step, ...]] = {}


def _steps(country_code: int) -> tuple[_Step, ...]:
    """``_region_code_for_number_from_list`` as a few steps.

    A region without leading digits is one step (is the number valid there?); a run of consecutive
    regions with leading digits becomes one alternation whose first matching branch names the region, as
    the loop over them would.
    """
    steps: list[_Step] = []
    run: list[str] = []
    for region in _COUNTRY_CODES[country_code]:
        if PhoneMetadata.metadata_for_region(region, None) is None:
            continue
        info = region_info(region)
        if info.leading_digits is None:
            if run:
                steps.append(re.compile("|".join(run)))
                run = []
            steps.append((info, region))
        else:
            run.append(f"(?P<{region}>(?:{info.leading_digits}))")
    if run:
        steps.append(re.compile("|".join(run)))
    return tuple(steps)


def region_of(country_code: int, nsn: str) -> str | None:
    """``phonenumbers.region_code_for_number`` for a number given by code and national number."""
    regions = _COUNTRY_CODES[country_code]
    if len(regions) == 1:
        return regions[0]
    steps = _STEPS.get(country_code)
    if steps is None:
        steps = _STEPS[country_code] = _steps(country_code)
    for step in steps:
        if isinstance(step, tuple):
            if step[0].is_valid(nsn):
                return step[1]
        else:
            match = step.match(nsn)
            if match is not None:
                return match.lastgroup
    return None


def region_and_validity(country_code: int, nsn: str) -> tuple[str, bool]:
    """``(region_code_for_number or main region, is_valid_number)`` for a parsed number."""
    found = region_of(country_code, nsn)
    if found is None:
        return _COUNTRY_CODES[country_code][0], False
    info = code_info(country_code) if found == "001" else region_info(found)
    return found, info.is_valid(nsn)
