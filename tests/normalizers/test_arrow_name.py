"""The column-at-once name pass gives exactly the scalar parser's first and last names wherever it decides.

``normalizers._arrow_name.first_and_last`` decides the common shapes of full name with pyarrow.compute and
numpy and leaves the others to :func:`normalizers.name.parse_full_name_many`. These tests compare every
decided value with the scalar answer, on generated card names (the shapes it decides and their near
misses), on arbitrary text and on the benchmark generator's records, and check that the common shapes
are decided at all (so that the fast pass cannot silently become dead code).
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers import _arrow_name, name
from tests.normalizers.test_name_address_speed_twins import (
    _COMPANY,
    _CONTACT,
    _FIRST,
    _LAST,
    _MIDDLE,
    _SUFFIX,
    _TITLE,
    ARBITRARY,
    CARD_NAMES,
    _case,
)

PROFILE = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

Names = tuple[str | None, str | None]


def _scalar(value: str | None) -> Names:
    """What ``matchers._workers.name_parts`` gives for one value: first name, last name with suffix."""
    p = name.parse_full_name_many([value])[0]
    if p is None:
        return (None, None)
    return (p.first, f"{p.last} {p.suffix}" if p.last and p.suffix else p.last)


def _disagreements(values: list[str | None]) -> dict[str | None, tuple[Names, Names]]:
    """Decided values whose answer differs from the scalar one: value -> (column-wide, scalar)."""
    first, last, decided = _arrow_name.first_and_last(pa.array(values, pa.string()))
    assert isinstance(decided, np.ndarray) and decided.dtype == np.bool_ and decided.shape == (len(values),)
    assert len(first) == len(last) == len(values)
    out = {}
    for value, f, la, d in zip(values, first.to_pylist(), last.to_pylist(), decided.tolist(), strict=True):
        if d and (f, la) != _scalar(value):
            out[value] = ((f, la), _scalar(value))
        if not d:
            assert (f, la) == (None, None), value
    return out


def _decided(values: list[str | None]) -> list[bool]:
    return _arrow_name.first_and_last(pa.array(values, pa.string()))[2].tolist()


# --------------------------------------------------------------------------------------------- generated

# Pieces of card names around the shapes the pass decides: the word lists of the scalar twins' tests,
# plus particles, couples, brackets, separators, contact markers, stray punctuation, look-alike titles
# and non-ASCII spellings of table words.
_PIECES = [
    *_FIRST, *_LAST, *_MIDDLE, *_TITLE, *_SUFFIX, *_COMPANY, *_CONTACT,
    "van", "Van", "der", "de la", "Del", "DOS", "St", "St.", "al", "Mc", "MC", "mc", "Mac",
    "and", "AND", "&", "+", "(", ")", "[", "]", "-", "/", "|", ",", ".", "'", "--", ":", "–",
    "Mr'", "Jr'", "O'attn", "attn-x", "Attention", "c/o:", "Attn.:", "Ph.D.", "J.R.", "e.K.", "Ltée",
    "Mŕ", "Jŕ", "Dŕ", "Ltđ", "Cö", "Ánd", "Smíth", "İlker", "ǅemal", "ß", "Ø", "Weiß", "Zoë", "Seán", "Ó'Brien", "O'Ánd", "Ó'attn",
    "Motors", "Union Motors", "AG", "Sons", "Group", "n/a", "N A", "Test", "a", "Guest", "unknown",
    "Smith", "SMITH", "Jones,", "JOHN", "Q.", "O'Neil", "Smith-Jones", "-Smith", "Smith-", "x",
]  # fmt: skip
_GLUE = st.sampled_from([" ", " ", " ", "  ", "", ", ", ",", " , ", " - ", " / ", "\t", "\u00a0"])


@st.composite
def _pieced(draw: st.DrawFn) -> str:
    """2 to 6 pieces joined by mostly single spaces, in one of the case variants."""
    pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6))
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(_GLUE) + piece
    return _case(text, draw(st.integers(0, 4)))


_f, _l, _m = st.sampled_from(_FIRST), st.sampled_from(_LAST), st.sampled_from(_MIDDLE)
_t, _s, _c = st.sampled_from(_TITLE), st.sampled_from(_SUFFIX), st.sampled_from(_COMPANY)
_ATTN = st.sampled_from([*_CONTACT, "-", "/", "|"])
# The common shapes, more often than CARD_NAMES draws them, and their company forms.
_COMMON = st.one_of(
    st.builds("{} {}".format, _f, _l),
    st.builds("{}, {}".format, _l, _f),
    st.builds("{} {} {}".format, _f, _m, _l),
    st.builds("{}, {} {}".format, _l, _f, _m),
    st.builds("{} {} {} {}".format, _t, _f, _m, _l),
    st.builds("{}, {} {}".format, _l, _t, _f),
    st.builds("{} {} {}".format, _f, _l, _s),
    st.builds("{} {}, {}".format, _l, _s, _f),
    st.builds("{} {}, {}".format, _f, _l, _s),
    st.builds("{} {} {} {}".format, _c, _ATTN, _f, _l),
    st.builds("{} {} {}, {}".format, _c, _ATTN, _l, _f),
    st.builds("{} {} {} {}".format, _f, _l, _ATTN, _c),
    st.builds("{} ({} {})".format, _c, _f, _l),
    st.builds("{} ({}, {})".format, _c, _l, _f),
    st.builds("{} {} ({})".format, _f, _l, _c),
    st.builds("{} {} {}".format, _t, _c, _l),
    _c,
)
_BATCH = st.lists(
    st.one_of(CARD_NAMES, _COMMON.flatmap(lambda t: st.builds(_case, st.just(t), st.integers(0, 4))),
              _pieced(), ARBITRARY, st.none()),
    max_size=12,
)  # fmt: skip


@PROFILE
@given(_BATCH)
def test_decided_values_equal_the_scalar_parser(values: list[str | None]) -> None:
    assert _disagreements(values) == {}


@PROFILE
@given(st.lists(_pieced(), min_size=1, max_size=12))
def test_decided_values_equal_the_scalar_parser_near_the_edges(values: list[str]) -> None:
    assert _disagreements(values) == {}


@PROFILE
@given(st.lists(ARBITRARY, min_size=1, max_size=12))
def test_decided_values_equal_the_scalar_parser_on_arbitrary_text(values: list[str]) -> None:
    assert _disagreements(values) == {}


# Values where a shortcut would be tempting and wrong.
TRICKY = [
    "Mr", "Mr.", "Mr Mrs", "Mr, John", "Smith, Mr", "Smith, Jr", "Smith Jr, John", "Smith, John, Jr.",
    "Lee, Ann PhD", "Jr", "Jr Smith", "John Jr Smith", "Mr Jr", "John Smith Jr PhD", "Mr. Smith, John Jr",
    "De La Cruz", "van der Berg", "John van der Berg", "Van Smith", "Amit Do", "Mc Donald", "John Mc",
    "mc donald, ron", "Ron Mc Donald", "JOHN LA SALLE", "VAN DYKE, BARBARA", "La, Ann", "D'El Smith",
    "John D'El Smith", "Mr' Smith", "Mr. Mr'", "Ltd'", "Smith Ltd'", "Acme Ltd", "Acme", "Union Motors",
    "Motors", "Motors Smith", "Smith Motors Ltd", "Acme AG", "AG", "Smith and Sons", "Smith and Sons Ltd",
    "Acme Ltd Attn: Jane Doe", "Acme Ltd ATTN Jane Doe", "Acme Ltd attn. Jane Doe", "Acme Attn: Jane Doe",
    "Attn: Jane Doe", "Acme Ltd Attn:", "Acme Ltd Attn: n/a", "n/a Attn: Jane Doe", "Acme Ltd Attn: Doe, Jane",
    "Jane Doe Attn: Acme Ltd", "Acme Ltd Attn: Mr. Jane Doe Jr.", "Acme c/o Jane Doe", "Acme C/O: Jane Doe",
    "Acme Attention: Jane Doe", "Acme Attention Jane Doe", "O'attn Acme Attn: Jane", "Attn Attn Jane",
    "Acme Ltd Attn: Jane Attn: Doe", "Acme Ltd - Jane Doe", "Jane Doe - Acme Ltd", "Acme - Jane Doe",
    "Horizon Electric - Thomas Flynn", "Acme Ltd / Doe, Jane", "Acme Ltd | Jane Doe", "Acme Ltd -Jane Doe",
    "Acme Ltd - Jane - Doe", "Acme Ltd - Union Motors", "Acme Ltd (Jane Doe)", "Jane Doe (Acme Ltd)",
    "Robert (Bob) Smith", "Acme Ltd ()", "(Acme Ltd)", "Acme Ltd (n/a)", "Acme Ltd (Doe, Jane)",
    "Acme Ltd (Jane) Doe", "Acme Ltd [Jane Doe]", "Acme (Ltd) Jane", ")Acme Ltd (Jane Doe",
    "Acme Ltd (Jane Doe) - Bob", "Acme Ltd @ Jane", "Acme Ltd # Jane", "Acme, Ltd (Jane Doe)",
    "Mŕ Jane Doe", "Jane Doe Jŕ", "Cö Jane", "Acme Cö (Jane Doe)", "Jane Ánd Bob", "Smíth, Jané",
    "José De la Cruz", "Mr. José Álvarez", "ǅemal Bijedić", "İlker Başbuğ", "Jürgen Groß", "Zoë Ørjan",
    "John\u00a0Smith", "John\tSmith", "  John   Smith  ", "John  ,  Smith", "John,Smith", "Smith ,John",
    "J. Smith", "J.Smith", "J..Smith", "John Smith.", "John . Smith", "John ' Smith", "-- Smith", "--",
    "Smith,", ", John", ",", "", " ", "n a", "N/A", "No Name", "Test", "A Test", "Mr Test", "test, guest",
    "Ph.D.", "John Smith Ph.D.", "A.B", "x" * 300, "John Smith " * 30, "Á" * 257,
]  # fmt: skip


def test_tricky_values_agree() -> None:
    assert _disagreements(TRICKY) == {}


def test_nulls_are_decided_as_no_name() -> None:
    first, last, decided = _arrow_name.first_and_last(pa.array([None, "Ann Lee", None], pa.string()))
    assert decided.tolist() == [True, True, True]
    assert first.to_pylist() == [None, "ann", None] and last.to_pylist() == [None, "lee", None]


def test_empty_and_large_string_input() -> None:
    first, last, decided = _arrow_name.first_and_last(pa.array([], pa.string()))
    assert (len(first), len(last), decided.shape) == (0, 0, (0,))
    first, last, decided = _arrow_name.first_and_last(pa.array(["LEE, ANN"], pa.large_string()))
    assert (first.to_pylist(), last.to_pylist(), decided.tolist()) == (["ann"], ["lee"], [True])
    assert first.type == last.type == pa.string()


def test_sliced_input() -> None:
    values = pa.array(["x", "Acme Ltd (Jane Doe)", "LEE, ANN", None, "Mr Bob Ray Jr"], pa.string()).slice(
        1, 4
    )
    first, last, decided = _arrow_name.first_and_last(values)
    assert first.to_pylist() == ["jane", "ann", None, "bob"]
    assert last.to_pylist() == ["doe", "lee", None, "ray jr"]
    assert decided.tolist() == [True, True, True, True]


def test_a_chunked_array_reads_as_one_array() -> None:
    first, last, decided = _arrow_name.first_and_last(pa.chunked_array([["Ann Lee"], ["LEE, BOB"]]))
    assert (first.to_pylist(), last.to_pylist(), decided.tolist()) == (["ann", "bob"], ["lee", "lee"], [True, True])


@pytest.mark.parametrize("values", [["Ann Lee"], pa.array([1]), pa.array([b"Ann Lee"])])
def test_other_input_is_a_type_error(values: object) -> None:
    with pytest.raises(TypeError, match="pyarrow string array"):
        _arrow_name.first_and_last(values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- coverage

# The shapes the pass exists for: each must be decided (and, as everywhere, equal the scalar answer).
COMMON = [
    "Guillaume Courchard", "MORTHORPE VIRGINIA", "THOMAS S BACHBURG", "VERADO, PILAR", "MARGARET HARTWELL",
    "Jimenez, Josefina", "REDHAM, ELIZABETH", "John Q. Smith", "Smith, John Q.", "Mary Smith-Jones",
    "Patrick O'Neil", "O'Neil, Patrick", "josé álvarez", "GÓMEZ, LUCÍA", "BILLY L LINBROOK", "J. Smith",
    "Mr. John Smith", "Mrs Rosa Gonzalez", "Dr. Sarah Burke", "Ms. Úna Brenan", "John Foster Jr.",
    "JUAN ESPILLA JR", "Lucas Raland, Jr.", "LANGLAND JR, SEAN", "Silvia Del Rosario", "VAN DYKE, BARBARA",
    "Dieter von Weber", "Amit Do", "Acme Ltd", "Pinnacle Systems Ltd.", "Union Motors",
    "Pioneer Brewing Co. Attn: Carmen Garcia", "Juniper Traders ATTN Michael Campbell",
    "Acme Ltd c/o Jane Doe", "Beacon Foods LLC / Jones, Katherine", "Prairie Interiors - Mei Joshi",
    "Granite Supply Inc. - John Caldfield", "Horizon Wholesale Corp. (Rafael Sanchez)",
    "Union Motors (Betty Cooper)", "Jane Doe (Acme Ltd)", "Highland Marketing Inc Attn: José Aguilar",
    "Seán O'Brien", "O'CONNOR, RÓISÍN",
]  # fmt: skip
# Shapes left to the scalar parser on purpose.
LEFT = [
    "Anna Horizon - Thomas Flynn", "Robert (Bob) Smith", "John and Jane Smith", "Mr & Mrs John Smith",
    "Mc Donald", "Smith, John, Jr.", "J.R. Smith", "Anna Weiß", "Seán O’Brien", "Mŕ Jane Doe", "n/a",
    "Jane Doe Attn: Acme Ltd", "Acme Ltd Attn: Jane Attn: Doe",
]  # fmt: skip


def test_the_common_shapes_are_decided() -> None:
    decided = dict(zip(COMMON, _decided(COMMON), strict=True))
    assert [value for value, d in decided.items() if not d] == []
    assert _disagreements(COMMON) == {}


def test_the_unusual_shapes_are_left_to_the_scalar_parser() -> None:
    assert not any(_decided(LEFT))
    assert _disagreements(LEFT) == {}


def test_generated_records_agree_and_are_mostly_decided() -> None:
    from benchmarks.generate import generate

    names = pc.unique(pa.array(generate(5000, seed=11).erp["CardName"].tolist(), pa.string()))
    values = names.to_pylist()
    first, last, decided = _arrow_name.first_and_last(names)
    answers = list(zip(first.to_pylist(), last.to_pylist(), strict=True))
    wrong = {
        v: (a, _scalar(v)) for v, a, d in zip(values, answers, decided, strict=True) if d and a != _scalar(v)
    }
    assert wrong == {}
    assert decided.mean() > 0.97, [v for v, d in zip(values, decided, strict=True) if not d]


# --------------------------------------------------------------------------------------------- folding

# The code points a non-ASCII value may hold (_arrow_name._LATIN_VALUE).
_LATIN = [
    chr(c)
    for r in ((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF))
    for c in range(r[0], r[1] + 1)
]


def test_arrow_folds_latin_letters_as_python_does() -> None:
    """NFKD by utf8proc equals NFKD by ``unicodedata`` on every letter the pass accepts, and a letter
    folds to letters (or to something non-ASCII, which is not decided), so tokens do not move."""
    folded = pc.replace_substring_regex(pc.utf8_normalize(pa.array(_LATIN), "NFKD"), _arrow_name._MARKS, "")
    for letter, arrow in zip(_LATIN, folded.to_pylist(), strict=True):
        python = name._LATIN_MARKS.sub("", unicodedata.normalize("NFKD", letter))
        assert arrow == python, letter
        assert not python.isascii() or (python.isalpha() and python.isascii()), letter
        assert letter.isalpha() and not name._APOSTROPHE_RE.search(letter), letter
