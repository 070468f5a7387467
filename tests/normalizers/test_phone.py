"""Unit tests for normalizers.phone: real-world legacy spellings, junk, the public API's edges."""

from __future__ import annotations

import dataclasses

import pytest

from normalizers.phone import PhoneNumber, e164_many, parse, parse_many, variants

NYC = "+12127365000"
LONDON = "+442079460958"

# (raw, default region, expected E.164, expected extension)
SPELLINGS: list[tuple[str, str, str, str | None]] = [
    # United States: every separator style
    ("(212) 736-5000", "US", NYC, None),
    ("212-736-5000", "US", NYC, None),
    ("212.736.5000", "US", NYC, None),
    ("212 736 5000", "US", NYC, None),
    ("2127365000", "US", NYC, None),
    ("212/736-5000", "US", NYC, None),
    ("(212)-736-5000", "US", NYC, None),
    ("(212)736-5000", "US", NYC, None),
    ("212 - 736 - 5000", "US", NYC, None),
    ("  212.736-5000  ", "US", NYC, None),
    ("212\t736\t5000", "US", NYC, None),
    ("１２１２-７３６-５０００", "US", NYC, None),
    # country code written out, international prefixes
    ("1-212-736-5000", "US", NYC, None),
    ("1 (212) 736-5000", "US", NYC, None),
    ("1.212.736.5000", "US", NYC, None),
    ("12127365000", "US", NYC, None),
    ("+1 (212) 736-5000", "US", NYC, None),
    ("+1-212-736-5000", "US", NYC, None),
    ("+1.212.736.5000", "US", NYC, None),
    ("+12127365000", "US", NYC, None),
    ("001 212 736 5000", "US", NYC, None),
    ("0012127365000", "US", NYC, None),
    ("011 1 212 736 5000", "US", NYC, None),
    ("+1 212 736 5000", "GB", NYC, None),
    ("001 212 736 5000", "GB", NYC, None),
    ("12127365000", "GB", NYC, None),
    # extensions
    ("212-736-5000 x12", "US", NYC, "12"),
    ("212-736-5000 ext. 12", "US", NYC, "12"),
    ("212-736-5000 ext 12", "US", NYC, "12"),
    ("212-736-5000 #12", "US", NYC, "12"),
    ("212-736-5000 extension 12", "US", NYC, "12"),
    ("(212) 736-5000 X 123", "US", NYC, "123"),
    ("+1 212 736 5000 x4567", "US", NYC, "4567"),
    # tel: URIs (RFC 3966)
    ("tel:+1-212-736-5000", "US", NYC, None),
    ("tel:+1-212-736-5000;ext=12", "US", NYC, "12"),
    ("tel:+44-20-7946-0958", "US", LONDON, None),
    # vanity numbers, labels
    ("1-800-FLOWERS", "US", "+18003569377", None),
    ("1-800-GOT-JUNK", "US", "+18004685865", None),
    ("Tel: 212-736-5000", "US", NYC, None),
    ("212-736-5000 (home)", "US", NYC, None),
    ("212-736-5000 cell", "US", NYC, None),
    ("Mobile: (212) 736-5000", "US", NYC, None),
    # Canada
    ("604.555.0123", "CA", "+16045550123", None),
    ("(604) 555-0123", "US", "+16045550123", None),
    # United Kingdom
    ("+44 (0)20 7946 0958", "US", LONDON, None),
    ("+44 (0) 20 7946 0958", "GB", LONDON, None),
    ("020 7946 0958", "GB", LONDON, None),
    ("+44 20 7946 0958", "US", LONDON, None),
    ("0044 20 7946 0958", "US", LONDON, None),
    ("011 44 20 7946 0958", "US", LONDON, None),
    ("00 44 (0) 20 7946 0958", "US", LONDON, None),
    ("442079460958", "US", LONDON, None),
    ("0117 496 0123", "GB", "+441174960123", None),
    ("07700 900123", "GB", "+447700900123", None),
    ("+44 20 7946 0958 ext. 204", "US", LONDON, "204"),
    # Germany
    ("+49 30 12345678", "US", "+493012345678", None),
    ("030 12345678", "DE", "+493012345678", None),
    ("030/12345678", "DE", "+493012345678", None),
    ("+49 (0)30 1234 5678", "US", "+493012345678", None),
    ("0049 30 1234 5678", "US", "+493012345678", None),
    ("+49 89 636-48018", "US", "+498963648018", None),
    # France
    ("01 23 45 67 89", "FR", "+33123456789", None),
    ("+33 1 23 45 67 89", "US", "+33123456789", None),
    ("+33 (0)1 23 45 67 89", "US", "+33123456789", None),
    ("06.12.34.56.78", "FR", "+33612345678", None),
    # Italy: the leading zero belongs to the number
    ("+39 02 1234 5678", "US", "+390212345678", None),
    ("02 1234 5678", "IT", "+390212345678", None),
    ("0039 02 1234 5678", "US", "+390212345678", None),
    ("+39 347 123 4567", "US", "+393471234567", None),
    # Australia
    ("(02) 9374 4000", "AU", "+61293744000", None),
    ("+61 2 9374 4000", "US", "+61293744000", None),
    ("0412 345 678", "AU", "+61412345678", None),
    ("+61 (0)412 345 678", "US", "+61412345678", None),
    # India
    ("+91 98765 43210", "US", "+919876543210", None),
    ("098765 43210", "IN", "+919876543210", None),
    ("+91-22-2345-6789", "US", "+912223456789", None),
    # Mexico, Brazil, Spain, Netherlands, Japan, Russia, non-geographic
    ("+52 55 1234 5678", "US", "+525512345678", None),
    ("55 1234 5678", "MX", "+525512345678", None),
    ("+55 11 91234-5678", "US", "+5511912345678", None),
    ("(11) 91234-5678", "BR", "+5511912345678", None),
    ("+34 912 345 678", "US", "+34912345678", None),
    ("020-1234567", "NL", "+31201234567", None),
    ("+81 3-1234-5678", "US", "+81312345678", None),
    ("8 (812) 123-45-67", "RU", "+78121234567", None),
    ("+7 812 123-45-67", "US", "+78121234567", None),
    ("+800 1234 5678", "US", "+80012345678", None),
]

JUNK: list[str | None] = [
    None,
    "",
    "   ",
    "n/a",
    "N/A",
    "#N/A",
    "none",
    "NULL",
    "unknown",
    "unassigned",
    "call me",
    "0",
    "0.0",
    "-1",
    "+",
    "-",
    "x",
    "ext. 12",
    "tel:",
    "@@@@",
    "\x00\x01\x02",
    "🙂🙂🙂",
    "000-000-0000",
    "(000) 000-0000",
    "999-999-9999",
    "1111111111",
    "+1 000 000 0000",
    "736-5000",  # local only: no area code
    "12345",
    "+1 212",
    "+1 (0) 212 736 5000",
    "+999 1234 5678",
    "212-736-50000000000000",
    "1" * 10_000,
    "212-736-5000 " * 1000,
]


@pytest.mark.parametrize(("raw", "region", "e164", "extension"), SPELLINGS)
def test_legacy_spellings(raw: str, region: str, e164: str, extension: str | None) -> None:
    number = parse(raw, region)
    assert number is not None, raw
    assert (number.e164, number.extension) == (e164, extension)


def test_at_least_sixty_spellings() -> None:
    assert len(SPELLINGS) >= 60


@pytest.mark.parametrize("raw", JUNK, ids=lambda raw: repr(raw)[:30])
def test_junk_gives_none(raw: str | None) -> None:
    assert parse(raw) is None
    assert variants(raw) == []
    assert e164_many([raw]) == [None]


@pytest.mark.parametrize("region", ["GB", "DE", "IT", "AU", "IN"])
@pytest.mark.parametrize("raw", ["n/a", "none", "unassigned", "0", "+", "000-000-0000", "00000", "+44 (0)"])
def test_junk_gives_none_in_other_regions(raw: str, region: str) -> None:
    assert parse(raw, region) is None


def test_fields_of_a_parsed_number() -> None:
    number = parse("+39 02 1234 5678")
    assert number == PhoneNumber(
        e164="+390212345678",
        country_code=39,
        national_number="0212345678",
        region="IT",
        is_valid=True,
        extension=None,
    )


def test_region_of_the_number_not_the_default() -> None:
    number = parse("(604) 555-0123")
    assert number is not None
    assert (number.region, number.country_code) == ("CA", 1)


def test_possible_but_invalid_number_is_returned() -> None:
    number = parse("(212) 036-5000")  # exchange codes cannot start with 0
    assert number is not None
    assert number.e164 == "+12120365000"
    assert number.is_valid is False


def test_phone_number_is_immutable() -> None:
    number = parse("212-736-5000")
    assert number is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        number.e164 = "+1"  # type: ignore[misc]
    assert not hasattr(number, "__dict__")


def test_long_input_is_rejected_whole() -> None:
    # Over-long input is refused before parsing (no wall-clock assertion: the benchmarks time things).
    for _ in range(100):
        assert parse("9" * 10_000) is None


@pytest.mark.parametrize("bad", [12127365000, 2.5, b"212", ["212"]])
def test_non_string_raises_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="raw must be str or None"):
        parse(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="raw_or_number must be str or None"):
        variants(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="values must be str or None"):
        parse_many(["212-736-5000", bad])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="values must be str or None"):
        e164_many([bad])  # type: ignore[list-item]


@pytest.mark.parametrize("region", ["XX", "usa", "", "ZZ", "001", "U S"])
def test_bad_region_raises_value_error(region: str) -> None:
    with pytest.raises(ValueError, match="unknown region"):
        parse("212-736-5000", region)
    with pytest.raises(ValueError, match="unknown region"):
        parse(None, region)
    with pytest.raises(ValueError, match="unknown region"):
        variants("212-736-5000", region)
    with pytest.raises(ValueError, match="unknown region"):
        parse_many([], region)
    with pytest.raises(ValueError, match="unknown region"):
        e164_many([], region)


def test_region_is_case_insensitive() -> None:
    assert parse("020 7946 0958", "gb") == parse("020 7946 0958", "GB")


def test_region_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="region must be str"):
        parse("212-736-5000", None)  # type: ignore[arg-type]


def test_variants_us() -> None:
    assert variants("1 (212) 736-5000") == [
        "+12127365000",
        "12127365000",
        "2127365000",
        "(212) 736-5000",
        "+1 212-736-5000",
        "212-736-5000",
    ]


def test_variants_uk_keep_trunk_prefix() -> None:
    assert variants("+44 (0)20 7946 0958", "GB") == [
        "+442079460958",
        "442079460958",
        "02079460958",
        "020 7946 0958",
        "+44 20 7946 0958",
        "020-7946-0958",
    ]


def test_variants_of_foreign_number_leave_out_national_formats() -> None:
    # read with region US, "020 7946 0958" would not be this number
    assert variants("+44 20 7946 0958", "US") == ["+442079460958", "442079460958", "+44 20 7946 0958"]


def test_variants_extended() -> None:
    spelled = variants("212-736-5000 x12", extended=True)
    assert spelled[:6] == variants("212-736-5000")
    for expected in [
        "212.736.5000",
        "1-212-736-5000",
        "1 (212) 736-5000",
        "+1 (212) 736-5000",
        "001 212-736-5000",
        "tel:+1-212-736-5000",
        "212-736-5000 x12",
        "(212) 736-5000 ext. 12",
        "tel:+1-212-736-5000;ext=12",
    ]:
        assert expected in spelled
    assert len(spelled) == len(set(spelled))
    assert not any("x12" in v for v in variants("212-736-5000", extended=True))


def test_variants_extended_uk() -> None:
    spelled = variants("020 7946 0958", "GB", extended=True)
    assert "+44 (0)20 7946 0958" in spelled
    assert "020.7946.0958" in spelled
    assert "0044 20 7946 0958" in spelled


def test_variants_accept_a_parsed_number() -> None:
    number = parse("+39 02 1234 5678")
    assert number is not None
    assert variants(number, "IT") == variants("02 1234 5678", "IT")
    assert variants(number, "IT")[2] == "0212345678"


def test_parse_many_and_e164_many() -> None:
    column = ["212.736.5000", None, "n/a", "+44 20 7946 0958", "212.736.5000", "212-736-5000 x9"]
    parsed = parse_many(column)
    assert parsed == [parse(v) for v in column]
    assert parsed[0] is parsed[4]  # cached
    assert e164_many(column) == [NYC, None, None, LONDON, NYC, NYC]
    assert e164_many(iter(column), "GB") == [p and p.e164 for p in parse_many(column, "GB")]
    assert parse_many([]) == [] == e164_many([])
