"""Unit tests for normalizers.address: streets, postcodes, countries, regions."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from normalizers.address import (
    ParsedAddress,
    _parse_address_reference,
    country_code,
    country_code_many,
    house_number,
    normalize_postcode,
    normalize_postcode_many,
    normalize_street,
    normalize_street_many,
    parse_address,
    postcode_outward,
    region_code,
    street_name,
    unit,
)

STREET_CASES = [
    ("123 Main Street", "123 main st"),
    ("123 Main Str.", "123 main st"),
    ("123 Main St.", "123 main st"),
    ("1 Elm Avenue", "1 elm ave"),
    ("1 Elm Av", "1 elm ave"),
    ("9 Oak Road", "9 oak rd"),
    ("9 Sunset Boulevard", "9 sunset blvd"),
    ("4 Privet Drive", "4 privet dr"),
    ("7 Penny Lane", "7 penny ln"),
    ("2 Kings Court", "2 kings ct"),
    ("3 Market Place", "3 market pl"),
    ("5 Ocean Terrace", "5 ocean ter"),
    ("10 Garden State Parkway", "10 garden state pkwy"),
    ("66 Pacific Coast Highway", "66 pacific coast hwy"),
    ("8 Dupont Circle", "8 dupont cir"),
    ("1 Russell Square", "1 russell sq"),
    ("4 Royal Crescent", "4 royal cres"),
    ("12 Mill Close", "12 mill cl"),
    ("1 Abbey Way", "1 abbey way"),
    ("123 North Main Street", "123 n main st"),
    ("500 South West Avenue", "500 s w ave"),
    ("100 S.W. 1st Ct", "100 sw 1st ct"),
    ("100 Southwest 1st Court", "100 sw 1st ct"),
    ("1 First Avenue", "1 1st ave"),
    ("123 Main St Suite 200", "123 main st ste 200"),
    ("123 Main St, Ste. 200", "123 main st ste 200"),
    ("123 Main St Apartment 4", "123 main st apt 4"),
    ("123 Main St Apt. 4B", "123 main st apt 4b"),
    ("123 Main St #4", "123 main st apt 4"),
    ("123 Main St Apt #4", "123 main st apt 4"),
    ("123 Main St, Floor 3", "123 main st fl 3"),
    ("Building 5, 1 Infinite Loop", "bldg 5 1 infinite loop"),
    ("Room 12, 1 College Rd", "rm 12 1 college rd"),
    ("Flat 3, 12 High Street", "apt 3 12 high st"),
    ("Flat Rock Road", "flat rock rd"),
    ("PO Box 12", "po box 12"),
    ("P.O. Box 12", "po box 12"),
    ("Post Office Box 12", "po box 12"),
    ("POBox 12", "po box 12"),
    ("Hauptstraße 5", "hauptstr 5"),
    ("Hauptstr. 5", "hauptstr 5"),
    ("Rue de l'Église 4", "rue de leglise 4"),
    ("St. John's Wood Road", "st johns wood rd"),
    ("Saint Paul Street", "st paul st"),
    ("3/12 Smith St", "3/12 smith st"),
    ("10-12 Smith Street", "10-12 smith st"),
    ("   ", None),
    (",.;", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), STREET_CASES)
def test_normalize_street(raw: str | None, expected: str | None) -> None:
    assert normalize_street(raw) == expected


def test_normalize_street_many() -> None:
    assert normalize_street_many(["1 Elm Avenue", None, "1 elm ave."]) == ["1 elm ave", None, "1 elm ave"]


PARSE_CASES = [
    ("12B Baker Street", ParsedAddress(house_number="12b", street="baker st")),
    ("221b Baker St", ParsedAddress(house_number="221b", street="baker st")),
    ("Flat 3, 12 High Street", ParsedAddress(house_number="12", street="high st", unit="3")),
    ("123 Main St Suite 200", ParsedAddress(house_number="123", street="main st", unit="200")),
    ("123 Main St #4", ParsedAddress(house_number="123", street="main st", unit="4")),
    (
        "100 SW 1st Ct, Floor 2, Suite 200",
        ParsedAddress(house_number="100", street="sw 1st ct", unit="2 200"),
    ),
    ("3/12 Smith St", ParsedAddress(house_number="12", street="smith st", unit="3")),
    ("Unit 5, 10-12 Smith Street", ParsedAddress(house_number="10-12", street="smith st", unit="5")),
    ("Hauptstraße 5", ParsedAddress(house_number="5", street="hauptstr")),
    ("Rue de Rivoli 12", ParsedAddress(house_number="12", street="rue de rivoli")),
    ("PO Box 12", ParsedAddress(po_box="12")),
    ("P.O. Box 7A", ParsedAddress(po_box="7a")),
    ("Baker Street", ParsedAddress(street="baker st")),
    ("5th Avenue", ParsedAddress(street="5th ave")),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), PARSE_CASES)
def test_parse_address(raw: str | None, expected: ParsedAddress | None) -> None:
    assert parse_address(raw) == expected
    assert house_number(raw) == (expected.house_number if expected else None)
    assert street_name(raw) == (expected.street if expected else None)
    assert unit(raw) == (expected.unit if expected else None)


UNIT_BEFORE_NUMBER_CASES = [
    # Australian "Unit 1/23": the same address as "1/23 Smith St", unit 1 of number 23
    ("Unit 1/23 Smith St", ParsedAddress(house_number="23", street="smith st", unit="1")),
    ("Flat 2/10 Downing St", ParsedAddress(house_number="10", street="downing st", unit="2")),
    ("Unit 3/12A Smith Street", ParsedAddress(house_number="12a", street="smith st", unit="3")),
    ("Apt 1/2, 10 Elm St", ParsedAddress(house_number="10", street="elm st", unit="1/2")),
    # "2nd Floor": the ordinal is the floor, the number after it is the house number
    ("2nd Floor, 1 Elm Rd", ParsedAddress(house_number="1", street="elm rd", unit="2")),
    ("First Floor, 10 High Street", ParsedAddress(house_number="10", street="high st", unit="1")),
    ("3rd Fl, 100 Main St Suite 200", ParsedAddress(house_number="100", street="main st", unit="3 200")),
    ("1 Elm Rd, 2nd Floor", ParsedAddress(house_number="1", street="elm rd", unit="2")),
    ("Floor 2, 1 Elm Rd", ParsedAddress(house_number="1", street="elm rd", unit="2")),
]


@pytest.mark.parametrize(("raw", "expected"), UNIT_BEFORE_NUMBER_CASES)
def test_unit_written_before_the_house_number(raw: str, expected: ParsedAddress) -> None:
    assert parse_address(raw) == expected
    assert _parse_address_reference(raw) == expected


def test_a_fraction_sign_after_the_house_number_is_not_part_of_it() -> None:
    # "123½" is number 123 and a half, not 1231 (NFKD spells "½" as "1⁄2")
    for line in ("123½ Main St", "123 ½ Main St"):
        assert normalize_street(line) == normalize_street("123 1/2 Main St") == "123 1/2 main st"
        assert parse_address(line) == parse_address("123 1/2 Main St")
        assert house_number(line) == "123"


def test_unit_spellings_agree() -> None:
    spellings = [
        "1 Elm St Apt 4B",
        "1 Elm St Apartment 4B",
        "1 Elm St #4B",
        "Flat 4B, 1 Elm St",
        "1 Elm St Unit 4B",
    ]
    assert {unit(s) for s in spellings} == {"4b"}


POSTCODE_CASES = [
    ("02134", "US", "02134"),
    ("02134-1234", "US", "02134"),
    ("021341234", "US", "02134"),
    ("2134", "US", "02134"),
    ("2134-1234", "US", "02134"),
    ("601", "US", "00601"),
    (" 90210 ", "USA", "90210"),
    ("90210", "United States", "90210"),
    ("00000", "US", None),
    ("ABCDE", "US", None),
    ("123456", "US", None),
    ("12", "US", None),
    ("sw1a1aa", "GB", "SW1A 1AA"),
    ("SW1A 1AA", "UK", "SW1A 1AA"),
    ("ec1a 1bb", "England", "EC1A 1BB"),
    ("M1 1AE", "GB", "M1 1AE"),
    ("B33 8TH", "GB", "B33 8TH"),
    ("CR2 6XH", "GB", "CR2 6XH"),
    ("DN55 1PT", "GB", "DN55 1PT"),
    ("GIR 0AA", "GB", "GIR 0AA"),
    ("GY1 1AA", "Guernsey", "GY1 1AA"),
    ("QA1 1AA", "GB", None),
    ("12345", "GB", None),
    ("k1a0b1", "CA", "K1A 0B1"),
    ("K1A 0B1", "Canada", "K1A 0B1"),
    ("D1A 0B1", "CA", None),
    ("10115", "DE", "10115"),
    ("1067", "DE", "01067"),
    ("D-10115", "Germany", "10115"),
    ("101155", "DE", None),
    ("75001", "FR", "75001"),
    ("2000", "AU", "2000"),
    ("20000", "AU", None),
    ("8001", "CH", "8001"),
    ("1234ab", "NL", "1234 AB"),
    ("1234 AB", "Netherlands", "1234 AB"),
    ("0234 AB", "NL", None),
    ("12345", "SE", "123 45"),
    ("00950", "PL", "00-950"),
    ("1000-001", "PT", "1000-001"),
    ("1000001", "JP", "100-0001"),
    ("01310-100", "BR", "01310-100"),
    ("110001", "IN", "110001"),
    ("a65f4e2", "IE", "A65 F4E2"),
    ("d6w xy12", "IE", "D6W XY12"),
    ("B12 XY12", "IE", None),
    ("1010", "AT", "1010"),
    ("ab-12 3", None, "AB-12 3"),
    ("12345", "Atlantis", "12345"),
    ("n/a", "US", None),
    ("n/a", None, None),
    ("-", "GB", None),
    ("", "US", None),
    (None, "US", None),
]


@pytest.mark.parametrize(("raw", "country", "expected"), POSTCODE_CASES)
def test_normalize_postcode(raw: str | None, country: str | None, expected: str | None) -> None:
    assert normalize_postcode(raw, country) == expected


def test_postcodes_in_other_digit_scripts() -> None:
    # Arabic-Indic and Persian digits are digits, like full-width ones (phones accept all three)
    assert normalize_postcode("٩٠٢١٠") == normalize_postcode("９０２１０") == "90210"
    assert normalize_postcode("١٢٣٤٥", "EG") == "12345"
    assert normalize_postcode("۱۰۱۱۵", "DE") == "10115"
    assert postcode_outward("٠٢١٣٤-١٢٣٤") == "021"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("10001.0", "US", "10001"),
        ("2134.0", "US", "02134"),  # a float column lost the leading zero too
        (" 2134.00 ", "US", "02134"),
        ("3000.0", "AU", "3000"),
        ("10115.0", "DE", "10115"),
        ("10115.5", "DE", None),  # not a zero fraction
        ("1.0", "US", None),
    ],
)
def test_postcodes_that_went_through_a_float_column(raw: str, country: str, expected: str | None) -> None:
    assert normalize_postcode(raw, country) == expected
    assert normalize_postcode_many([raw], country) == [expected]


def test_normalize_postcode_many() -> None:
    assert normalize_postcode_many(["90210", "902101234", None]) == ["90210", "90210", None]
    assert normalize_postcode_many(["sw1a1aa"], country="GB") == ["SW1A 1AA"]


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("sw1a1aa", "GB", "SW1A"),
        ("M1 1AE", "GB", "M1"),
        ("02134-0001", "US", "021"),
        ("K1A 0B1", "CA", "K1A"),
        ("1234AB", "NL", "1234"),
        ("A65F4E2", "IE", "A65"),
        ("10115", "DE", "10115"),
        ("junk", "GB", None),
        (None, "US", None),
    ],
)
def test_postcode_outward(raw: str | None, country: str, expected: str | None) -> None:
    assert postcode_outward(raw, country) == expected


COUNTRY_CASES = [
    ("US", "US"),
    ("us", "US"),
    ("USA", "US"),
    ("U.S.", "US"),
    ("U.S.A.", "US"),
    ("United States", "US"),
    ("United States of America", "US"),
    ("America", "US"),
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("GBR", "GB"),
    ("Great Britain", "GB"),
    ("United Kingdom", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("Germany", "DE"),
    ("Deutschland", "DE"),
    ("deu", "DE"),
    ("Holland", "NL"),
    ("The Netherlands", "NL"),
    ("Nederland", "NL"),
    ("España", "ES"),
    ("Österreich", "AT"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Côte d'Ivoire", "CI"),
    ("Ivory Coast", "CI"),
    ("South Korea", "KR"),
    ("North Korea", "KP"),
    ("Russia", "RU"),
    ("Czech Republic", "CZ"),
    ("Türkiye", "TR"),
    ("Turkey", "TR"),
    ("Viet Nam", "VN"),
    ("Vietnam", "VN"),
    ("  canada ", "CA"),
    ("Åland Islands", "AX"),
    ("Bosnia and Herzegovina", "BA"),
    ("Atlantis", None),
    ("", None),
    ("XX", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), COUNTRY_CASES)
def test_country_code(raw: str | None, expected: str | None) -> None:
    assert country_code(raw) == expected


def test_country_table_is_complete_and_consistent() -> None:
    text = resources.files("normalizers._tables").joinpath("countries.json").read_text(encoding="utf-8")
    rows = json.loads(text)
    assert len(rows) == 249
    assert len({r["alpha2"] for r in rows}) == 249
    assert len({r["alpha3"] for r in rows}) == 249
    for row in rows:
        assert country_code(row["alpha2"]) == row["alpha2"]
        assert country_code(row["alpha3"]) == row["alpha2"]
        assert country_code(row["name"]) == row["alpha2"]
        assert all(country_code(alias) == row["alpha2"] for alias in row["aliases"])


def test_country_code_many() -> None:
    assert country_code_many(["UK", None, "Holland", "UK"]) == ["GB", None, "NL", "GB"]


REGION_CASES = [
    ("NY", "US", "NY"),
    ("new york", "US", "NY"),
    ("California", "US", "CA"),
    ("Calif.", "US", "CA"),
    ("District of Columbia", "US", "DC"),
    ("Puerto Rico", "USA", "PR"),
    ("tx", "United States", "TX"),
    ("Ontario", "CA", "ON"),
    ("Québec", "Canada", "QC"),
    ("Quebec", "CA", "QC"),
    ("BC", "CA", "BC"),
    ("New South Wales", "AU", "NSW"),
    ("vic", "Australia", "VIC"),
    ("Ontario", "US", None),
    ("Bavaria", "DE", None),
    ("Nowhere", "US", None),
    ("NY", None, None),
    (None, "US", None),
]


@pytest.mark.parametrize(("raw", "country", "expected"), REGION_CASES)
def test_region_code(raw: str | None, country: str | None, expected: str | None) -> None:
    assert region_code(raw, country) == expected


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: normalize_street(1), "raw"),  # type: ignore[arg-type]
        (lambda: parse_address(1), "raw"),  # type: ignore[arg-type]
        (lambda: house_number(1), "raw"),  # type: ignore[arg-type]
        (lambda: normalize_postcode(2134), "raw"),  # type: ignore[arg-type]
        (lambda: normalize_postcode("2134", 1), "country"),  # type: ignore[arg-type]
        (lambda: country_code(float("nan")), "raw"),  # type: ignore[arg-type]
        (lambda: region_code("NY", country=1), "country"),  # type: ignore[arg-type]
        (lambda: normalize_street_many([1]), "raw"),  # type: ignore[list-item]
    ],
)
def test_non_strings_raise_type_error_naming_the_argument(call: object, argument: str) -> None:
    with pytest.raises(TypeError, match=f"^{argument} must be str or None"):
        call()  # type: ignore[operator]
