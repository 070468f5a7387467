"""Property tests for normalizers.phone: fast and slow paths agree, nothing raises, round trips hold."""

from __future__ import annotations

import dataclasses

import phonenumbers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from normalizers._phone_fast import code_info, region_and_validity
from normalizers.phone import _parse_fast, _parse_slow, e164_many, parse, parse_many, variants

REGIONS = [
    "US", "CA", "PR", "JM", "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "IT", "ES", "PT", "SE", "NO",
    "PL", "RU", "KZ", "AU", "NZ", "IN", "CN", "HK", "SG", "JP", "KR", "MX", "BR", "AR", "CO", "ZA", "NG",
    "IL", "AE", "TR", "FI", "AX", "GG", "IM",
]  # fmt: skip
TYPES = [PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE]
SEPARATORS = [" ", "-", ".", "/", " - ", "", "  "]
EXTENSIONS = [" x{}", " ext. {}", " ext {}", " #{}", " extension {}", ";ext={}", " X{}"]
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST_ALPHABET = "0123456789 +-./()"
LABELS = [" cell", " (home)", " - mobile", ", Fax", " tel", " CELL.", "cell"]
TOKENS = [*"0123456789", *" +-./()#;xX", "00", "011", "ext", "ext. ", "tel:", ";ext=", " cell", "\x1f", "０"]
# Regions whose numbers are written behind a trunk prefix: the plain "0" ones, and ones whose
# national-prefix-for-parsing pattern captures a carrier code or carries a transform rule (the fast path
# leaves those to the slow path), or matches the empty string (AR), or that have no prefix at all (MX).
TRUNK_REGIONS = [
    "GB", "DE", "FR", "AU", "IE", "NZ", "AT", "CH", "NL", "BE", "SE", "JP", "KR", "RU", "FI", "IN", "ZA",
    "AR", "BR", "MX", "CO", "CN", "GG", "IM", "JE", "LI", "BO", "CC", "US",
]  # fmt: skip
# Prefixes that libphonenumber reads as national prefix plus carrier code, or that a transform rule or a
# capturing group matches; anything else in front of a number is the region's own trunk prefix.
CARRIER_PREFIXES = {
    "AR": ["0", "0 11 15 ", "15 ", "0 351 15 ", "9 "],
    "AU": ["1831 ", "1832 0"],
    "BO": ["010 ", "012 "],
    "BR": ["0 21 ", "0 15 ", "90 ", "0 14 ", "021 "],
    "CN": ["11 ", "179 ", "1201 "],
    "CO": ["03 ", "05 ", "07 ", "0444 ", "0456 "],
    "GB": ["180020 "],
    "JP": ["003768 ", "0037680 "],
    "KR": ["081 ", "0850 ", "082 "],
    "LI": ["1001 "],
    "MX": ["01 ", "044 ", "045 "],
}


def _lib(country_code: int, nsn: str) -> phonenumbers.PhoneNumber:
    zeros = len(nsn) - len(nsn.lstrip("0"))
    if zeros == len(nsn):
        zeros -= 1
    return phonenumbers.PhoneNumber(
        country_code=country_code,
        national_number=int(nsn),
        italian_leading_zero=True if zeros else None,
        number_of_leading_zeros=zeros if zeros > 1 else None,
    )


@st.composite
def numbers(draw: st.DrawFn, regions: list[str] = REGIONS) -> tuple[str, phonenumbers.PhoneNumber]:
    """A number near a real one: an example number with some digits changed, added or dropped."""
    region = draw(st.sampled_from(regions))
    example = phonenumbers.example_number_for_type(region, draw(st.sampled_from(TYPES)))
    if example is None:
        example = phonenumbers.example_number(region)
    assert example is not None
    nsn = phonenumbers.national_significant_number(example)
    changed = draw(st.integers(0, min(5, len(nsn) - 1)))
    tail = draw(st.text("0123456789", min_size=changed, max_size=changed))
    nsn = nsn[: len(nsn) - changed] + tail
    nsn += draw(st.sampled_from(["", "", "", "5", "12"]))
    if draw(st.integers(0, 5)) == 0:
        nsn = nsn[:-1]
    assert example.country_code is not None
    return region, _lib(example.country_code, nsn)


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """(text, default region): a number written the way people type them."""
    home, number = draw(numbers())
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    groups_i = [g for g in international.replace("+", " ").replace("-", " ").split() if g.isdigit()]
    groups_n = [g for g in national.replace("(", " ").replace(")", " ").replace("-", " ").split() if g]
    sep = draw(st.sampled_from(SEPARATORS))
    cc = str(number.country_code)
    style = draw(st.integers(0, 13))
    text = [
        e164,
        e164[1:],
        international,
        national,
        phonenumbers.format_number(number, PhoneNumberFormat.RFC3966),
        "+" + sep.join(groups_i),
        sep.join(groups_i),
        sep.join(groups_n),
        f"({groups_n[0]}) " + sep.join(groups_n[1:]) if len(groups_n) > 1 else national,
        "00" + sep + sep.join(groups_i),
        "011 " + sep.join(groups_i),
        f"+{cc} (0){sep}" + sep.join(groups_i[1:]),
        f"+{cc}{sep}" + national,
        "".join(ch for ch in national if ch.isdigit()),
    ][style]
    if draw(st.integers(0, 6)) == 0:
        text += draw(st.sampled_from(EXTENSIONS)).format(draw(st.integers(1, 99999)))
    if draw(st.integers(0, 8)) == 0:
        text = (
            draw(st.sampled_from([" ", "Tel: ", "tel:", "(", "\t"]))
            + text
            + draw(st.sampled_from(["", " ", ")"]))
        )
    if draw(st.integers(0, 8)) == 0:
        text += draw(st.sampled_from(LABELS))
    region = draw(st.sampled_from([home, home, "US", "GB", "DE", "IT", "AU"]))
    return text, region


def _grouped(draw: st.DrawFn, digits: str, sep: str) -> str:
    """``digits`` cut into a few groups joined by ``sep``."""
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(digits) - 1)), max_size=3)))
    return sep.join(digits[i:j] for i, j in zip([0, *cuts], [*cuts, len(digits)], strict=True) if digits[i:j])


@st.composite
def trunk_spellings(draw: st.DrawFn) -> tuple[str, str]:
    """(text, default region): a national number behind a trunk prefix, a carrier code or ``(0)``."""
    home, number = draw(numbers(TRUNK_REGIONS))
    nsn = phonenumbers.national_significant_number(number)
    cc = str(number.country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(home)
    assert metadata is not None
    own = metadata.national_prefix or "0"
    trunk = draw(st.sampled_from([own, own, own, "0", "00", *CARRIER_PREFIXES.get(home, [])]))
    if draw(st.integers(0, 5)) == 0:
        nsn = draw(st.text("0123456789", min_size=2, max_size=14))  # digit soup behind the prefix
    sep = draw(st.sampled_from(SEPARATORS))
    body = _grouped(draw, nsn, sep)
    first, _, rest = body.partition(sep) if sep else (body, "", "")
    idd = draw(st.sampled_from(["00", "011 ", "0011 ", "00 "]))
    text = draw(
        st.sampled_from(
            [
                trunk + body,
                trunk + sep + body,
                f"({trunk}{first}) {rest}",
                f"+{cc} ({trunk}){sep}{body}",
                f"+{cc} ({trunk}) {body}",
                f"+{cc}{sep}{trunk}{body}",
                f"+{cc}({trunk}){body}",
                f"{cc} ({trunk}) {body}",
                f"{cc}{trunk}{body}",
                f"{idd}{cc} ({trunk}) {body}",
                f"{idd}{cc}{sep}{trunk}{body}",
                f"{idd}{cc}{sep}{body}",
                f"{trunk}{trunk}{body}",
                phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
            ]
        )
    )
    if draw(st.integers(0, 8)) == 0:
        text += draw(st.sampled_from(EXTENSIONS)).format(draw(st.integers(1, 99999)))
    region = draw(st.sampled_from([home, home, home, "US", "GB", "AU", "DE", "IE", *TRUNK_REGIONS]))
    return text, region


REGION = st.sampled_from(REGIONS)
TRUNK_REGION = st.sampled_from(TRUNK_REGIONS)


def _agree(text: str, region: str) -> None:
    slow = _parse_slow(text, region)
    fast = _parse_fast(text, region)
    assert fast is False or fast == slow, (text, region, fast, slow)
    assert parse(text, region) == slow


@SETTINGS
@given(spellings())
def test_fast_and_slow_agree_on_realistic_spellings(case: tuple[str, str]) -> None:
    _agree(*case)


@SETTINGS
@given(trunk_spellings())
def test_fast_and_slow_agree_on_trunk_prefixes(case: tuple[str, str]) -> None:
    _agree(*case)


@SETTINGS
@given(
    st.sampled_from(["0", "0", "8", "1", "+"]),
    st.text("0123456789 ()", min_size=3, max_size=18),
    TRUNK_REGION,
)
def test_fast_and_slow_agree_on_trunk_digit_soup(prefix: str, text: str, region: str) -> None:
    _agree(prefix + text, region)


@SETTINGS
@given(st.text(FAST_ALPHABET, max_size=24), REGION)
def test_fast_and_slow_agree_on_digit_soup(text: str, region: str) -> None:
    _agree(text, region)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=24).map("".join), REGION)
def test_fast_and_slow_agree_on_token_soup(text: str, region: str) -> None:
    _agree(text, region)


@SETTINGS
@given(st.text(max_size=40), REGION)
def test_fast_and_slow_agree_on_arbitrary_text(text: str, region: str) -> None:
    _agree(text, region)


@settings(max_examples=500, deadline=None)
@given(numbers())
def test_fast_validity_matches_libphonenumber(case: tuple[str, phonenumbers.PhoneNumber]) -> None:
    _, number = case
    cc = number.country_code
    assert cc is not None
    nsn = phonenumbers.national_significant_number(number)
    main_region = phonenumbers.region_code_for_country_code(cc)
    expected_region = phonenumbers.region_code_for_number(number) or main_region
    assert region_and_validity(cc, nsn) == (
        expected_region,
        phonenumbers.is_valid_number(number),
    )
    # the merged per-length pattern says the same as the desc-by-desc check
    info = code_info(cc)
    assert info.is_valid(nsn) == info.is_valid_plain(nsn)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(min_size=1, max_size=30).map(lambda s: (s * 10_000)[:10_000]),
        st.text(st.characters(codec="utf-8"), max_size=200),
        st.text(st.characters(categories=["Cc", "Cf", "Co", "Zs", "Nd"]), max_size=60),
    ),
    REGION,
)
def test_nothing_raises(text: str, region: str) -> None:
    number = parse(text, region)
    if number is not None:
        assert number.e164[0] == "+" and number.e164[1:].isdigit()
        assert number.e164 == f"+{number.country_code}{number.national_number}"
    assert e164_many([text], region) == [number and number.e164]
    variants(text, region, extended=True)


@SETTINGS
@given(st.one_of(spellings(), trunk_spellings()))
def test_parse_is_idempotent(case: tuple[str, str]) -> None:
    text, region = case
    number = parse(text, region)
    if number is None:
        return
    again = parse(number.e164, region)
    assert again is not None
    assert again == dataclasses.replace(number, extension=None)
    assert parse(number.e164, "US") == again


@settings(max_examples=150, deadline=None)
@given(spellings())
def test_every_variant_round_trips(case: tuple[str, str]) -> None:
    text, region = case
    number = parse(text, region)
    spelled = variants(text, region, extended=True)
    if number is None:
        assert spelled == []
        return
    assert spelled[0] == number.e164
    assert len(spelled) == len(set(spelled))
    assert variants(number, region, extended=True) == spelled
    assert variants(text, region) == [v for v in spelled if v in variants(text, region)][:6]
    for variant in spelled:
        back = parse(variant, region)
        assert back is not None and back.e164 == number.e164, (variant, region)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), spellings().map(lambda c: c[0]), st.text(max_size=12)), max_size=30))
def test_batch_functions_match_parse(column: list[str | None]) -> None:
    column = column + column[:5]  # repeats exercise the cache
    expected = [parse(v, "US") for v in column]
    assert parse_many(column, "US") == expected
    assert e164_many(column, "US") == [p and p.e164 for p in expected]
