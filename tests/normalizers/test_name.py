"""Unit tests for normalizers.name: folding, parsing, nicknames, phonetic keys."""

from __future__ import annotations

import pytest

from normalizers.name import (
    ParsedName,
    are_nickname_equivalent,
    canonical_names,
    canonical_names_many,
    fold_many,
    fold_name,
    name_variants,
    nickname_group_ids,
    parse_full_name,
    parse_full_name_many,
    phonetic_key,
    phonetic_keys_many,
)

FOLD_CASES = [
    ("José", "jose"),
    ("Müller", "muller"),
    ("Straße", "strasse"),
    ("ØSTERGÅRD", "ostergard"),
    ("Łukasz", "lukasz"),
    ("Đorđe", "dorde"),
    ("Æsir", "aesir"),
    ("Œuvre", "oeuvre"),
    ("Þór", "thor"),
    ("O'Brien", "obrien"),
    ("O’Brien", "obrien"),
    ("O´Brien", "obrien"),
    ("Smith-Jones", "smith jones"),
    ("Smith – Jones", "smith jones"),
    ("  John   SMITH ", "john smith"),
    ("John\tSmith\n", "john smith"),
    ("J.R.R. Tolkien", "j r r tolkien"),
    ("Zoë", "zoe"),
    ("François", "francois"),
    ("Ñúñez", "nunez"),
    ("İbrahim", "ibrahim"),
    ("Dvořák", "dvorak"),
    ("John\u200bSmith", "john smith"),
    # invisible in-word format characters vanish instead of splitting the word
    ("Jo\u00adhn", "john"),  # soft hyphen
    ("Mül\u00adler-Lü\u00adden\u00adscheidt", "muller ludenscheidt"),
    ("علی\u200cزاده", "علیزاده"),  # a zero-width non-joiner inside a Persian surname
    ("\u200fJo\u2060hn\u200d Smith\u200e", "john smith"),
    ("Иван", "иван"),
    ("John 3rd", "john 3rd"),
    ("n/a", None),
    ("N/A", None),
    ("none", None),
    ("Unknown", None),
    ("-", None),
    (".", None),
    ("12345", None),
    ("test", None),
    ("TEST", None),
    ("", None),
    ("   ", None),
    ("?!", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), FOLD_CASES)
def test_fold_name(raw: str | None, expected: str | None) -> None:
    assert fold_name(raw) == expected


def test_hyphenated_and_spaced_surnames_compare_equal() -> None:
    assert fold_name("Smith-Jones") == fold_name("smith jones")


def test_fold_many_keeps_order_and_length() -> None:
    assert fold_many(["José", None, "JOSÉ", "n/a", "José"]) == ["jose", None, "jose", None, "jose"]
    assert fold_many(iter([])) == []


def _p(**kw: object) -> ParsedName:
    given = tuple(x for x in (kw.get("first"), *(str(kw["middle"]).split() if kw.get("middle") else ())) if x)
    return ParsedName(given_names=given, **kw)  # type: ignore[arg-type]


PARSE_CASES = [
    ("SMITH, JOHN Q", _p(first="john", middle="q", last="smith")),
    ("Smith, John", _p(first="john", last="smith")),
    ("John Q. Smith", _p(first="john", middle="q", last="smith")),
    ("John Quincy Adams", _p(first="john", middle="quincy", last="adams")),
    ("John Smith Jr.", _p(first="john", last="smith", suffix="jr")),
    ("John Smith III", _p(first="john", last="smith", suffix="iii")),
    ("John Smith, PhD", _p(first="john", last="smith", suffix="phd")),
    ("Smith, John, Jr.", _p(first="john", last="smith", suffix="jr")),
    ("SMITH JR, JOHN", _p(first="john", last="smith", suffix="jr")),
    ("Dr. Jane Smith", _p(title="dr", first="jane", last="smith")),
    ("Prof. Dr. Hans Müller", _p(title="prof", first="hans", last="muller")),
    ("Mrs Jane Smith", _p(title="mrs", first="jane", last="smith")),
    ("Smith, Dr. Jane", _p(title="dr", first="jane", last="smith")),
    ("Mr and Mrs John Smith", _p(title="mr", first="john", last="smith")),
    ("Mr & Mrs John Smith", _p(title="mr", first="john", last="smith")),
    ("John and Jane Smith", _p(first="john", last="smith")),
    ("John Smith and Jane Doe", _p(first="john", last="smith")),
    ("Mr. Smith", _p(title="mr", last="smith")),
    ("Jan van der Berg", _p(first="jan", last="van der berg")),
    ("VAN DER BERG, JAN", _p(first="jan", last="van der berg")),
    ("Maria de la Cruz", _p(first="maria", last="de la cruz")),
    ("Ludwig von Beethoven", _p(first="ludwig", last="von beethoven")),
    ("Patrick O'Neil", _p(first="patrick", last="oneil")),
    ("Ronald McDonald", _p(first="ronald", last="mcdonald")),
    ("Ronald Mc Donald", _p(first="ronald", last="mcdonald")),
    ("Mary Smith-Jones", _p(first="mary", last="smith jones")),
    ("Jean-Luc Picard", _p(first="jean luc", last="picard")),
    ("José Álvarez", _p(first="jose", last="alvarez")),
    ("Madonna", _p(last="madonna")),
    ("Robert (Bob) Smith", _p(first="robert", last="smith")),
    ("Acme Ltd", ParsedName(company="acme ltd")),
    ("ACME LIMITED", ParsedName(company="acme limited")),
    ("Acme S.A.", ParsedName(company="acme sa")),
    ("Müller GmbH", ParsedName(company="muller gmbh")),
    ("Widgets Inc.", ParsedName(company="widgets inc")),
    ("Smith & Sons", ParsedName(company="smith sons")),
    ("Acme Pty Ltd", ParsedName(company="acme pty ltd")),
    ("Acme Ltd (John Smith)", _p(first="john", last="smith", company="acme ltd")),
    ("John Smith (Acme GmbH)", _p(first="john", last="smith", company="acme gmbh")),
    ("Jane Doe (Widgets LLC)", _p(first="jane", last="doe", company="widgets llc")),
    ("Acme Co. (Jane Doe)", _p(first="jane", last="doe", company="acme co")),
    ("n/a", None),
    ("", None),
    ("  ", None),
    ("Dr", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), PARSE_CASES)
def test_parse_full_name(raw: str | None, expected: ParsedName | None) -> None:
    assert parse_full_name(raw) == expected


_JUNIPER = _p(first="michael", last="campbell", company="juniper traders")
CONTACT_CASES = [
    ("Juniper Traders Attn: Michael Campbell", _JUNIPER),
    ("Juniper Traders ATTN Michael Campbell", _JUNIPER),
    ("Juniper Traders ATTN: MICHAEL CAMPBELL", _JUNIPER),
    ("Juniper Traders Attn. Michael Campbell", _JUNIPER),
    ("Juniper Traders, Attention: Michael Campbell", _JUNIPER),
    ("Acme Ltd c/o Jane Doe", _p(first="jane", last="doe", company="acme ltd")),
    ("ACME LTD C/O JANE DOE", _p(first="jane", last="doe", company="acme ltd")),
    ("Jane Doe c/o Acme Ltd", _p(first="jane", last="doe", company="acme ltd")),  # the marker decides
    ("Acme Inc. Attn: Smith, John", _p(first="john", last="smith", company="acme inc")),
    ("Acme Ltd Attn: Dr. Jane Doe", _p(title="dr", first="jane", last="doe", company="acme ltd")),
    ("Attn: Jane Doe", _p(first="jane", last="doe")),
    ("c/o Acme Ltd", ParsedName(company="acme ltd")),
    ("Acme Ltd Attn:", ParsedName(company="acme ltd")),
    ("Attn:", None),
    ("Nico/Olsen", _p(last="nico olsen")),  # a slash alone is not "c/o"
]


@pytest.mark.parametrize(("raw", "expected"), CONTACT_CASES)
def test_parse_full_name_contact_forms(raw: str, expected: ParsedName | None) -> None:
    assert parse_full_name(raw) == expected


SURNAME_ONLY_CASES = [
    ("van der Berg", _p(last="van der berg")),
    ("VAN DER BERG", _p(last="van der berg")),
    ("Mr van der Berg", _p(title="mr", last="van der berg")),
    ("de la Cruz", _p(last="de la cruz")),
    ("Mrs. de la Cruz", _p(title="mrs", last="de la cruz")),
    ("Dr. von der Leyen", _p(title="dr", last="von der leyen")),
    ("Al Gore", _p(first="al", last="gore")),  # one particle-like word is a given name
    ("Van Morrison", _p(first="van", last="morrison")),
]


@pytest.mark.parametrize(("raw", "expected"), SURNAME_ONLY_CASES)
def test_particles_before_a_surname_alone_stay_with_it(raw: str, expected: ParsedName) -> None:
    # "Mr van der Berg" has no given name: "van" is part of the surname, not a first name.
    assert parse_full_name(raw) == expected
    assert parse_full_name_many([raw]) == [expected]


def test_format_characters_inside_a_name_do_not_split_it() -> None:
    # A Persian surname is written with or without its zero-width non-joiner; a soft hyphen from a
    # web page is invisible. Neither is a word boundary.
    assert parse_full_name("محمد علی\u200cزاده") == parse_full_name("محمد علیزاده")
    assert parse_full_name("Jo\u00adhn Smith") == _p(first="john", last="smith")


DOTTED_CASES = [
    ("J.Smith", _p(first="j", last="smith")),
    ("J.R.R. Tolkien", _p(first="j", middle="r r", last="tolkien")),
    ("Tolkien, J.R.R.", _p(first="j", middle="r r", last="tolkien")),
    ("Dr.John Smith", _p(title="dr", first="john", last="smith")),
    ("John Smith Ph.D.", _p(first="john", last="smith", suffix="phd")),
]


@pytest.mark.parametrize(("raw", "expected"), DOTTED_CASES)
def test_initials_joined_by_dots_are_separate_names(raw: str, expected: ParsedName) -> None:
    # "J.Smith" is "J. Smith", not a one-word surname "j smith"
    assert parse_full_name(raw) == expected
    assert parse_full_name_many([raw]) == [expected]


def test_upper_case_two_tokens_without_comma_are_not_swapped() -> None:
    # "SMITH JOHN" may be LAST FIRST, but nothing says so: it is read as First Last, like "John Smith".
    # The matcher compares first and last names crossed as well, so a swapped pair still matches.
    assert parse_full_name("SMITH JOHN") == _p(first="smith", last="john")
    assert parse_full_name("SMITH, JOHN") == _p(first="john", last="smith")


def test_parse_full_name_many_uses_one_result_per_value() -> None:
    out = parse_full_name_many(["Ann Lee", None, "Ann Lee"])
    assert out[0] is out[2]
    assert out[1] is None


def test_parsed_name_is_frozen() -> None:
    parsed = parse_full_name("Ann Lee")
    assert parsed is not None
    with pytest.raises(AttributeError):
        parsed.first = "bob"  # type: ignore[misc]


NICKNAME_PAIRS = [
    ("bill", "william", True),
    ("William", "BILL", True),
    ("bob", "robert", True),
    ("liz", "elizabeth", True),
    ("peggy", "margaret", True),
    ("jim", "james", True),
    ("Jimmy", "James", True),
    ("bill", "billy", True),
    ("john", "john", True),
    ("josé", "jose", True),
    ("john", "jane", False),
    ("mary", "john", False),
    ("bill", None, False),
    (None, None, False),
    ("n/a", "n/a", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), NICKNAME_PAIRS)
def test_are_nickname_equivalent(a: str | None, b: str | None, expected: bool) -> None:
    assert are_nickname_equivalent(a, b) is expected
    assert are_nickname_equivalent(b, a) is expected


@pytest.mark.parametrize(("a", "b", "expected"), NICKNAME_PAIRS)
def test_rule_is_canonical_intersection(a: str | None, b: str | None, expected: bool) -> None:
    assert (not canonical_names(a).isdisjoint(canonical_names(b))) is expected
    ids_a, ids_b = nickname_group_ids([a, b])
    assert bool(ids_a & ids_b) is expected


def test_canonical_names() -> None:
    assert "william" in canonical_names("bill")
    assert "william" in canonical_names("william")  # the package also lists e.g. "bill" as canonical
    assert canonical_names("Xyzzyq") == frozenset({"xyzzyq"})
    assert canonical_names("Jim") == frozenset({"jim", "james"})
    assert canonical_names(None) == frozenset()
    assert canonical_names_many(["Peggy", None])[0] >= {"peggy", "margaret"}


def test_name_variants() -> None:
    assert {"bill", "will", "william"} <= name_variants("William")
    assert "william" in name_variants("bill")
    assert name_variants("Xyzzyq") == frozenset({"xyzzyq"})
    assert name_variants("") == frozenset()


PHONETIC_SAME = [
    ("Smith", "Smyth"),
    ("Catherine", "Kathryn"),
    ("Stephens", "Stevens"),
    ("Phillips", "Philips"),
    ("Reid", "Reed"),
    ("MacDonald", "McDonald"),
    ("O'Neil", "ONeill"),
    ("Müller", "Muller"),
    ("van der Berg", "Vanderberg"),
]


@pytest.mark.parametrize(("a", "b"), PHONETIC_SAME)
def test_phonetic_key_groups_spelling_variants(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b) is not None


def test_phonetic_key_other_algorithms_and_nulls() -> None:
    assert phonetic_key("Smith", algorithm="soundex") == "S530"
    assert phonetic_key("Smith", algorithm="nysiis") == "SNAT"
    assert phonetic_key("Smith") != phonetic_key("Jones")
    assert phonetic_key(None) is None
    assert phonetic_key("n/a") is None
    assert phonetic_key("Иван") is None
    with pytest.raises(ValueError, match="algorithm"):
        phonetic_key("Smith", algorithm="caverphone")  # type: ignore[arg-type]


def test_phonetic_keys_many() -> None:
    assert phonetic_keys_many(["Catherine", "Kathryn", None, ""]) == ["K0RN", "K0RN", None, None]
    assert phonetic_keys_many(["Smith"], algorithm="soundex") == ["S530"]


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: fold_name(3), "raw"),  # type: ignore[arg-type]
        (lambda: parse_full_name(b"x"), "raw"),  # type: ignore[arg-type]
        (lambda: name_variants(1.5), "first"),  # type: ignore[arg-type]
        (lambda: canonical_names(["x"]), "first"),  # type: ignore[arg-type]
        (lambda: are_nickname_equivalent("a", 1), "b"),  # type: ignore[arg-type]
        (lambda: phonetic_key(float("nan")), "name"),  # type: ignore[arg-type]
        (lambda: fold_many(["a", 1]), "raw"),  # type: ignore[list-item]
        (lambda: phonetic_keys_many([1]), "values"),  # type: ignore[list-item]
    ],
)
def test_non_strings_raise_type_error_naming_the_argument(call: object, argument: str) -> None:
    with pytest.raises(TypeError, match=f"^{argument} must be str or None"):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("raw", "first", "last", "company"),
    [
        ("Ironbridge Outfitters Corp. - Anthony Radshaw", "anthony", "radshaw", "ironbridge outfitters corp"),
        ("Evergreen Traders Inc. / Morel, Jean-Luc", "jean luc", "morel", "evergreen traders inc"),
        ("Sterling Wholesale - Shane O'Brien", "shane", "obrien", "sterling wholesale"),
        ("Anna Smith - Acme GmbH", "anna", "smith", "acme gmbh"),
        ("Smith - Jones, Anna", "anna", "smith jones", None),
        # No company word: the part that reads as a person (a known first name, or Last, First) is the
        # contact; otherwise the right part, as B1 cards are written.
        ("Horizon Electric - Thomas Flynn", "thomas", "flynn", "horizon electric"),
        ("Thomas Flynn - Horizon Plants", "thomas", "flynn", "horizon plants"),
        ("Union Motors / Cooper, Betty", "betty", "cooper", "union motors"),
        ("Union Motors (Betty Cooper)", "betty", "cooper", "union motors"),
        ("Robert (Bob) Smith", "robert", "smith", None),
        ("Willow Interiors", None, None, "willow interiors"),
    ],
)
def test_company_and_contact_separated_by_dash_or_slash(
    raw: str, first: str | None, last: str | None, company: str | None
) -> None:
    parsed = parse_full_name(raw)
    assert parsed is not None
    assert (parsed.first, parsed.last, parsed.company) == (first, last, company)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Pepe", "José"), ("Chuy", "Jesús"), ("Lupe", "Guadalupe"), ("Nacho", "Ignacio"), ("Suzy", "Susan"),
     ("Liam", "William"), ("Fritz", "Friedrich"), ("Paco", "Francisco"), ("Amy", "Amanda")],
)
def test_nicknames_beyond_the_english_table(a: str, b: str) -> None:
    assert are_nickname_equivalent(a, b)
    assert not are_nickname_equivalent(a, "Zebulon")


@pytest.mark.parametrize(
    ("a", "b"),
    [("William", "Wilma"), ("Andrew", "Andrea"), ("Louis", "Louise"), ("Aaron", "Erin"),
     ("Alexander", "Sandra"), ("Angel", "Angela"), ("Lawrence", "Laura")],
)
def test_a_mans_and_a_womans_full_names_are_not_nicknames_of_each_other(a: str, b: str) -> None:
    # The nicknames package links these; a couple in one household would merge (name_not_nicknames.json).
    assert not are_nickname_equivalent(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Bill", "William"), ("Andy", "Andrew"), ("Andy", "Andrea"), ("Lou", "Louis"), ("Lou", "Louise"),
     ("Alex", "Alexander"), ("Alex", "Alexandra"), ("Sandra", "Alexandra"), ("Larry", "Lawrence")],
)
def test_the_nicknames_both_share_stay(a: str, b: str) -> None:
    assert are_nickname_equivalent(a, b)
