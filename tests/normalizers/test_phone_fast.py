"""Unit tests for the phone fast path: the shapes it replays, and the ones it leaves to the slow path.

The property tests check that whatever the fast path answers equals the slow path; these pin down
that common spellings are answered at all (a fast path that always deferred would pass those too).
"""

from __future__ import annotations

import pytest

from normalizers.phone import _parse_fast, _parse_slow, e164_many, parse

# (raw, default region, expected E.164): national (trunk) prefixes the fast path strips itself
TRUNK_PREFIXED = [
    ("07959 367244", "GB", "+447959367244"),
    ("020 3871 1368", "GB", "+442038711368"),
    ("+44 (0)7937 385821", "GB", "+447937385821"),
    ("+44 (0)20 8236 9127", "GB", "+442082369127"),
    ("+44 (0)20 8236 9127", "US", "+442082369127"),
    ("02 8908 9372", "AU", "+61289089372"),
    ("0421 890 278", "AU", "+61421890278"),
    ("0432.970.546", "AU", "+61432970546"),
    ("087 967 5630", "IE", "+353879675630"),
    ("+353 (0)89 642 7815", "IE", "+353896427815"),
    ("0151/45712175", "DE", "+4915145712175"),
    ("+49 (0)30 70899807", "DE", "+493070899807"),
    ("06 88 37 78 36", "FR", "+33688377836"),
    ("0140799918", "FR", "+33140799918"),
    ("8 (495) 123-45-67", "RU", "+74951234567"),
    ("0044 (0)20 8236 9127", "GB", "+442082369127"),
]


@pytest.mark.parametrize(("raw", "region", "e164"), TRUNK_PREFIXED)
def test_fast_path_strips_a_trunk_prefix(raw: str, region: str, e164: str) -> None:
    fast = _parse_fast(raw, region)
    assert fast is not False, "deferred to the slow path"
    assert fast == parse(raw, region) == _parse_slow(raw, region)
    assert fast is not None and fast.e164 == e164


# (raw, default region, expected E.164 or None): readings settled once the trunk prefix is replayed
SETTLED_BY_THE_TRUNK_PREFIX = [
    ("011 44 7920 022171", "GB", "+447920022171"),  # as written, 01144... is too long: 011 is an IDD
    ("011 61 3 9907 8158", "AU", "+61399078158"),
    ("07372 636527", "US", None),  # too long in the US, and no country code starts with 0
    ("07766 704798", "US", None),
]


@pytest.mark.parametrize(("raw", "region", "e164"), SETTLED_BY_THE_TRUNK_PREFIX)
def test_fast_path_settles_readings_behind_a_trunk_prefix(raw: str, region: str, e164: str | None) -> None:
    fast = _parse_fast(raw, region)
    assert fast is not False, "deferred to the slow path"
    assert fast == parse(raw, region) == _parse_slow(raw, region)
    assert (fast and fast.e164) == e164


# (raw, default region): prefixes that only the slow path reads
DEFERRED = [
    ("0 11 15 4123 4567", "AR"),  # carrier code 15 and a transform rule (9 in front of the area code)
    ("0 21 11 98765 4321", "BR"),  # carrier code 21, removed by a transform rule
    ("1831 02 8908 9372", "AU"),  # carrier code 1831 captured by a group
    ("081 2 3456 7890", "KR"),  # carrier code 81 after the trunk 0
    ("03 321 1234567", "CO"),  # carrier code 3 after the trunk 0
]


@pytest.mark.parametrize(("raw", "region"), DEFERRED)
def test_carrier_codes_and_transform_rules_take_the_slow_path(raw: str, region: str) -> None:
    assert _parse_fast(raw, region) is False
    assert parse(raw, region) == _parse_slow(raw, region)


# (raw, default region, expected E.164 or None): numbers that went through a float column and back
FLOAT_TEXT = [
    ("2127365000.0", "US", "+12127365000"),
    ("12127365000.0", "US", "+12127365000"),
    ("442079460958.0", "US", "+442079460958"),
    ("7959367244.0", "GB", "+447959367244"),
    ("2127365000.00", "US", "+12127365000"),
    # Two or more zeros: the fast path once kept them as digits ("+49301234567800"; GB: none at all).
    ("3012345678.00", "DE", "+493012345678"),
    ("02079460958.00", "GB", "+442079460958"),
    ("7959367244.000", "GB", "+447959367244"),
    ("2127365.0", "US", None),  # seven digits: local only, with or without the fraction
    ("2127365000.5", "US", None),  # not a zero fraction: not a float artifact
    ("2.127365e+09", "US", None),  # scientific notation lost digits
]


@pytest.mark.parametrize(("raw", "region", "e164"), FLOAT_TEXT)
def test_a_number_with_a_zero_fraction_is_read_alike_on_both_paths(raw: str, region: str, e164: str | None) -> None:
    fast = _parse_fast(raw, region)
    slow = _parse_slow(raw, region)
    assert fast is False or fast == slow
    assert parse(raw, region) == slow
    assert (slow and slow.e164) == e164
    assert e164_many([raw], region) == [e164]  # the batch path's own loop


def test_the_fast_path_answers_the_common_float_spelling_itself() -> None:
    assert _parse_fast("2127365000.0", "US") is not False
