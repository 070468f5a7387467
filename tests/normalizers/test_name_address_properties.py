"""Property tests: the name and address normalizers never raise on text and are idempotent."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers.address import (
    country_code,
    normalize_postcode,
    normalize_street,
    parse_address,
    postcode_outward,
    region_code,
)
from normalizers.name import (
    are_nickname_equivalent,
    canonical_names,
    fold_name,
    name_variants,
    parse_full_name,
    phonetic_key,
)

# Arbitrary text (controls, surrogates excluded by str itself, non-BMP), realistic fragments, and long runs.
_FRAGMENTS = st.sampled_from(
    [
        "Smith", "O'Brien", "-", ",", ".", " and ", "&", "(", ")", "Ltd", "Mr", "Jr", "van", "de", "#",
        "Apt", "Flat", "PO", "Box", "12b", "3/12", "St.", "Straße", "Ø", "ß", "İ", "ﬀ", "ǅ", "\x00", "\u200b",
        "\U0001f600", "SW1A", "1AA", "02134", "-1234", "ﷺ",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(_FRAGMENTS, max_size=8).map(" ".join),
    st.lists(_FRAGMENTS, max_size=8).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
COUNTRIES = st.sampled_from([None, "US", "GB", "CA", "NL", "DE", "SE", "PL", "IE", "AU", "JP", "XX"])
PROFILE = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

IDEMPOTENT: list[Callable[[str | None], str | None]] = [fold_name, normalize_street, country_code]


@PROFILE
@given(TEXT)
def test_name_functions_never_raise(text: str) -> None:
    parsed = parse_full_name(text)
    assert parsed is None or parsed.first or parsed.last or parsed.company
    assert isinstance(name_variants(text), frozenset)
    assert isinstance(canonical_names(text), frozenset)
    key = phonetic_key(text)
    assert key is None or (isinstance(key, str) and key)
    assert isinstance(are_nickname_equivalent(text, "john"), bool)


@PROFILE
@given(TEXT, COUNTRIES)
def test_address_functions_never_raise(text: str, country: str | None) -> None:
    parsed = parse_address(text)
    assert parsed is None or any((parsed.house_number, parsed.street, parsed.unit, parsed.po_box))
    outward = postcode_outward(text, country)
    assert outward is None or (isinstance(outward, str) and outward)
    region = region_code(text, country)
    assert region is None or (isinstance(region, str) and region)


@PROFILE
@given(TEXT)
def test_idempotent(text: str) -> None:
    for func in IDEMPOTENT:
        once = func(text)
        assert func(once) == once, func.__name__


@PROFILE
@given(TEXT, COUNTRIES)
def test_postcode_idempotent(text: str, country: str | None) -> None:
    once = normalize_postcode(text, country)
    assert normalize_postcode(once, country) == once


@PROFILE
@given(st.text(max_size=40))
def test_parsed_parts_are_folded(text: str) -> None:
    parsed = parse_full_name(text)
    if parsed is not None:
        for part in (parsed.first, parsed.middle, parsed.last, parsed.company):
            # a part is already folded: folding it again changes nothing (or finds it is junk alone)
            assert part is None or fold_name(part) in (part, None)
            assert part is None or part == " ".join(part.split())


@settings(max_examples=10, deadline=None, database=None)
@given(st.text(min_size=1, max_size=5), st.integers(min_value=10_000, max_value=12_000))
def test_long_input_is_cut_and_cheap(chunk: str, size: int) -> None:
    text = (chunk * (size // len(chunk) + 1))[:size]
    for func in IDEMPOTENT:
        once = func(text)
        assert once is None or len(once) <= 1024
        assert func(once) == once
    parse_full_name(text)
    parse_address(text)
    normalize_postcode(text, "GB")


_ASCII_NAME = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.'-", min_size=1, max_size=8),
        st.sampled_from(["Smith", "JOHN", "Q.", "O'Neil", "Smith-Jones", "J.R.", ",", "-", "Ann"]),
    ),
    min_size=1,
    max_size=5,
).map(" ".join)


@PROFILE
@given(_ASCII_NAME)
def test_fast_name_parser_agrees_with_general_parser(text: str) -> None:
    from normalizers.name import _parse_person, _parse_simple

    fast = _parse_simple(text)
    if fast is not None and text.count(",") <= 1:
        assert fast == _parse_person(text)
