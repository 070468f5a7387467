"""Fast paths of the name and address normalizers give exactly the answers of their slow reference twins.

``normalizers.name`` and ``normalizers.address`` keep their general implementations as private references
(``_fold_name_reference``, ``_parse_full_name_reference``, ``_parse_address_reference``,
``_normalize_street_reference``, ``_street_tokens_reference``) and add fast paths for the common shapes,
which hand anything unusual to the reference. These tests compare the two on realistic generated values
and on arbitrary text, and check that the fast paths do take the common shapes (so that they cannot
silently become dead code).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers import address, name

PROFILE = settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# --------------------------------------------------------------------------------------------- names

_FIRST = [
    "John", "Mary", "Jane", "Michael", "Anne", "Jean-Luc", "Mary Ann", "José", "Zoë", "Łukasz", "Ørjan",
    "Siobhán", "François", "Björn", "Ann", "Q", "Bob", "Madonna", "Élodie", "Nuñez", "D'Arcy", "Jo",
]  # fmt: skip
_LAST = [
    "Smith", "Jones", "O'Brien", "O’Brien", "Smith-Jones", "McDonald", "Mc Donald", "van der Berg",
    "de la Cruz", "Müller", "Ñúñez", "Dvořák", "Østergård", "Straße", "Lee", "Van Dyke", "St. John",
    "D'Angelo", "MacLeod", "Le", "Al-Sayed", "Ng", "Attenborough", "Cohen",
]  # fmt: skip
_MIDDLE = ["Q.", "Q", "J.R.", "A.B.", "Quincy", "A", "Marie", "-", "St.", "Q.."]
_TITLE = ["Mr", "Mr.", "Mrs", "Ms.", "Dr.", "Prof.", "Rev", "Sir", "Herr"]
_SUFFIX = ["Jr", "Jr.", "JR", "Sr.", "III", "PhD", "Esq.", "MD"]
_COMPANY = [
    "Acme Ltd", "ACME LIMITED", "Acme S.A.", "Müller GmbH", "Widgets Inc.", "Smith & Sons", "Acme Pty Ltd",
    "Juniper Traders", "Trident Supply", "Acme Co.", "Foo AG", "Copper Print Corp.", "Acme + Partners",
]  # fmt: skip
_CONTACT = ["Attn:", "Attn", "ATTN", "ATTN:", "Attention:", "c/o", "C/O", "attn.", "Attention"]
_JUNK = ["n/a", "N/A", "none", "unknown", "test", "-", ".", "12345", "", "  ", "?!", "No Name", "n.a."]

_f, _l, _m = st.sampled_from(_FIRST), st.sampled_from(_LAST), st.sampled_from(_MIDDLE)
_t, _s, _c = st.sampled_from(_TITLE), st.sampled_from(_SUFFIX), st.sampled_from(_COMPANY)


def _case(text: str, how: int) -> str:
    return (text, text.upper(), text.lower(), f"  {text} ", text.replace(" ", "  "))[how]


_CARD_NAMES = st.one_of(
    st.builds("{} {}".format, _f, _l),
    st.builds("{}, {}".format, _l, _f),
    st.builds("{} {} {}".format, _f, _m, _l),
    st.builds("{}, {} {}".format, _l, _f, _m),
    st.builds("{} {} {}".format, _t, _f, _l),
    st.builds("{} {} {}".format, _f, _l, _s),
    st.builds("{}, {}, {}".format, _l, _f, _s),
    st.builds("{} {}, {}".format, _l, _s, _f),
    st.builds("{} and {} {}".format, _f, _f, _l),
    st.builds("{} & {} {} {}".format, _t, _t, _f, _l),
    st.builds("{} ({} {})".format, _c, _f, _l),
    st.builds("{} {} ({})".format, _f, _l, _c),
    st.builds("{} {} {} {}".format, _c, st.sampled_from(_CONTACT), _f, _l),
    st.builds("{} {} {}, {}".format, _c, st.sampled_from(_CONTACT), _l, _f),
    st.builds("{} {} {} {}".format, _f, _l, st.sampled_from(_CONTACT), _c),
    st.builds("{} / {}, {}".format, _c, _l, _f),
    _c,
    _l,
    st.sampled_from(_JUNK),
)
CARD_NAMES = st.builds(_case, _CARD_NAMES, st.integers(0, 4))

# Text near the fast paths' edges: the characters they accept, plus the ones that send a value back.
_EDGY = st.text(alphabet="abcJQSxyzAEIOU .,'-#/&()0123456789éÉüßø’´:", max_size=30)
ARBITRARY = st.one_of(
    st.text(max_size=40), _EDGY, st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
)


def _name_disagreements(text: str) -> list[str]:
    """Which of the fast name functions differ from their reference twin on ``text`` (none: agreement)."""
    reference = name._parse_full_name_reference(text)
    fast = name._parse_full_name_fast(text)
    checks = {
        "_parse_full_name_fast": fast is None or fast == reference,
        "_parse_full_name_uncached": name._parse_full_name_uncached(text) == reference,
        "parse_full_name": name.parse_full_name(text) == reference,
        "fold_name": name.fold_name(text) == name._fold_name_reference(text),
    }
    return [function for function, agrees in checks.items() if not agrees]


@PROFILE
@given(CARD_NAMES)
def test_parse_full_name_fast_equals_reference_on_card_names(text: str) -> None:
    assert _name_disagreements(text) == [], text


@PROFILE
@given(ARBITRARY)
def test_parse_full_name_fast_equals_reference_on_arbitrary_text(text: str) -> None:
    assert _name_disagreements(text) == [], text


@PROFILE
@given(st.one_of(_f, _l, _m, _c, st.sampled_from(_JUNK), ARBITRARY), st.integers(0, 4))
def test_fold_name_fast_equals_reference(text: str, how: int) -> None:
    text = _case(text, how)
    expected = name._fold_name_reference(text)
    assert name.fold_name(text) == expected, text
    assert name.fold_many([text, None, text]) == [expected, None, expected]


# Values where a shortcut would be tempting and wrong.
TRICKY_NAMES = [
    "TB´A", "Gu´est", "Jos´é Smith", "O´Brien", "A.B. Smith", "Smith, A.B.", "Smith., John", "John .Smith",
    "n, a", "N A", "No Name", "NONAME", "not applicable", "Smith,", ", John", ",", "John,  ", "Smith, -",
    "- Smith", "Smith -", "O' Brien", "'", "Jean--Luc Picard", "mc donald, ron", "Van-Dyke, Dick",
    "De'Andre Smith", "Attn", "ATTN:", "Smith Attn", "c/o", "Acme Ltd c/o", "C/O: Jane Doe", "ǅemal Bijedić",
    "J.Q. Smith", "N-A", "Test.", "None.", "Guest'", "no-name", "Smith, N.", "X-X-X",
    "ﬀoo Bar", "John\tSmith", "John\u00a0Smith", "Ann Lee Jr", "Lee, Ann, PhD",
    "J.Smith", "Dr.' ", "Dr.John Smith", "Smith, J.R.R.", "John Smith Ph.D.", "A.B", "J..Smith",
]  # fmt: skip


def test_tricky_names_agree() -> None:
    assert {text: d for text in TRICKY_NAMES if (d := _name_disagreements(text))} == {}


@settings(max_examples=20, deadline=None, database=None)
@given(st.sampled_from(["John Smith ", "SMITH, JOHN ", "José Ávila ", "Ann-Marie O'Neil ", "ab. "]))
def test_long_names_agree(chunk: str) -> None:
    texts = [(chunk * 40)[:size] for size in (250, 256, 257, 300)]
    assert {text: d for text in texts if (d := _name_disagreements(text))} == {}


def test_name_fast_path_takes_the_common_shapes() -> None:
    for text in ("John Smith", "SMITH, JOHN", "John Q. Smith", "Smith, John Q.", "Mary Smith-Jones",
                 "Patrick O'Neil", "josé álvarez", "GÓMEZ, LUCÍA", "first last", "BILLY L LINBROOK"):  # fmt: skip
        assert name._parse_full_name_fast(text) is not None, text
    for text in ("Dr. Jane Smith", "Acme Ltd", "Acme Ltd (John Smith)", "Smith, John, Jr.", "J.R. Smith",
                 "Juniper Traders Attn: Michael Campbell", "Juniper Traders ATTN Michael Campbell", "n a",
                 "J.Q. Smith", "TB´A", "N-A"):  # fmt: skip
        assert name._parse_full_name_fast(text) is None, text


# --------------------------------------------------------------------------------------------- addresses

_NUMBER = st.one_of(
    st.integers(1, 99999).map(str),
    st.sampled_from(["12b", "12B", "10-12", "3/12", "1/2", "0", "221", "7A", "12-"]),
)
_STREET = st.sampled_from(
    [
        "Main", "Oak", "Elm", "High", "Baker", "St. John's Wood", "Martin Luther King Jr", "Flat Rock",
        "Hauptstraße", "Hauptstrasse", "Rue de l'Église", "Saint Paul", "Park", "North", "Lake View", "5th",
        "First", "Sunset", "Lot", "Unit", "P", "Post Office", "Court", "Apt", "Box", "Mill", "E",
    ]
)  # fmt: skip
_SUFFIX_WORD = st.sampled_from(
    [
        "Street", "St", "St.", "Str.", "Avenue", "Ave", "Ave.", "Av", "Road", "Rd", "Rd.", "Boulevard",
        "Blvd", "Drive", "Dr.", "Lane", "Court", "Ct", "Place", "Terrace", "Parkway", "Highway", "Circle",
        "Square", "Crescent", "Close", "Way", "Loop", "Row", "Mews", "", "",
    ]
)  # fmt: skip
_DIRECTION = st.sampled_from(["", "", "", "N", "N.", "North", "S.W.", "Southwest", "NE", "e", "West"])
_UNIT = st.sampled_from(
    [
        "", "", "", "Apt 4", "Apt. 4B", "#12", "# 12", "Suite 200", "Ste. 200", "Ste 200", "Unit 5",
        "Apartment 3", "Floor 2", "Flat 3", "Bldg 5", "Room 12", "Apt #4", "Lot 7", "Apt B", "Suite",
        "Apt 123456789", "Unit 4-5", "Apt 1/2", "Floor 2, Suite 200", "Apt 4 #5", "PH", "Apt N",
    ]
)  # fmt: skip
_PO_BOX = st.builds(
    "{} {}".format,
    st.sampled_from(["PO Box", "P.O. Box", "Post Office Box", "POBox", "P O Box", "P.O.B.", "pob", "Box"]),
    st.integers(1, 9999).map(str),
)


def _line(number: str, direction: str, street: str, suffix: str, unit: str, layout: int) -> str:
    core = " ".join(x for x in (number, direction, street, suffix) if x)
    if layout == 0:
        return f"{core} {unit}" if unit else core
    if layout == 1:
        return f"{core}, {unit}" if unit else core
    if layout == 2:
        return f"{unit}, {core}" if unit else core
    if layout == 3:
        return f"{unit} {core}" if unit else core
    return " ".join(x for x in (street, suffix, number) if x)  # "Hauptstraße 5"


STREET_LINES = st.one_of(
    st.builds(_line, _NUMBER, _DIRECTION, _STREET, _SUFFIX_WORD, _UNIT, st.integers(0, 4)),
    _PO_BOX,
).flatmap(lambda line: st.builds(_case, st.just(line), st.integers(0, 4)))


def _address_disagreements(text: str) -> list[str]:
    """Which of the fast address functions differ from their reference twin on ``text`` (none: agreement)."""
    reference = address._parse_address_reference(text)
    fast = address._parse_address_fast(text)
    tokens = address._street_fast(text)
    checks = {
        "_parse_address_fast": fast is None or fast == reference,
        "parse_address": address.parse_address(text) == reference,
        "normalize_street": address.normalize_street(text) == address._normalize_street_reference(text),
        "_street_fast": tokens is None or tokens[0] == address._street_tokens_reference(text),
    }
    return [function for function, agrees in checks.items() if not agrees]


@PROFILE
@given(STREET_LINES)
def test_address_fast_equals_reference_on_street_lines(text: str) -> None:
    assert _address_disagreements(text) == [], text


@PROFILE
@given(ARBITRARY)
def test_address_fast_equals_reference_on_arbitrary_text(text: str) -> None:
    assert _address_disagreements(text) == [], text


TRICKY_LINES = [
    "12 Main St.", "12 Main St.,", "1 A.B. Rd.", "1 A.B.Rd", "St.John Rd", "12 main st. .", "Apt", "Apt 4",
    "#", "# 4", "##4", "Apt #", "Apt # 4", "4 #", "12 Main St Apt", "12 Main St Apt Apt 4", "Flat Rock Road",
    "12 Main St Apt N", "12 Main St Apt E 5", "Apt 1st", "Apt first", "PO Box", "P O B 5", "p.o. box 7",
    "Box 5", "12 Post Rd", "1 Pobox Ln", "Unit 5 Unit 6", "12 Main St Apt 4 Apt 4", "1 Mainstrasse",
    "Hauptstrasse 5", "Strasse 5", "5", "5b", "b5", "Main St 5", "Main St 5b", "Apt 12345678", "Apt 123456789",
    "'", ",", ".", "12 O'Neil St", "12 O''Neil St", "12\tMain St", "1 Main St\n", "Suite 200, Floor 2",
    "2nd Floor, 1 Elm Rd", "First Rm 12b, Fl 1 Elm Rd", "1st Ave Floor 2", "2nd Floor 3", "Fl 2nd",
]  # fmt: skip


def test_tricky_lines_agree() -> None:
    assert {text: d for text in TRICKY_LINES if (d := _address_disagreements(text))} == {}


@settings(max_examples=20, deadline=None, database=None)
@given(st.sampled_from(["12 Main St ", "#1 ", "Apt 4 ", "1 A.B. Rd. ", "x"]))
def test_long_lines_agree(chunk: str) -> None:
    texts = [(chunk * 100)[:size] for size in (250, 256, 257, 300)]
    assert {text: d for text in texts if (d := _address_disagreements(text))} == {}


def test_address_fast_path_takes_the_common_shapes() -> None:
    for text in ("123 Main Street", "4453 Franklin Rd.", "141 5TH STREET", "279 Lake Rd Unit 23",
                 "123 Main St, Ste. 200", "1 Elm Ave #12", "Flat 3, 12 High Street", "100 S.W. 1st Ct",
                 "St. John's Wood Road", "Floor 2, Suite 200, 1 Main St"):  # fmt: skip
        assert address._parse_address_fast(text) is not None, text
    for text in ("PO Box 12", "3/12 Smith St", "10-12 Smith Street", "Hauptstraße 5", "Apt #4 1 Main St", ""):
        assert address._parse_address_fast(text) is None, text
