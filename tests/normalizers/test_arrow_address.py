"""The column-at-once address parser decides only what the scalar parser would decide, and the same way.

:func:`normalizers._arrow_address.house_and_street` is a fast path over a whole pyarrow column; its
slow twin is :func:`normalizers.address.parse_address` (itself tested against its own reference in
``test_name_address_speed_twins.py``). Wherever the fast path says it decided, its house number and
street must be exactly the scalar ones; the tests below check that on realistic and arbitrary lines,
whole columns at a time (so that one line cannot leak into the next), and on the benchmark generator's
records, and check that the common shapes are decided (so that the fast path cannot silently become dead
code).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers import address
from normalizers._arrow_address import house_and_street
from tests.normalizers.test_name_address_speed_twins import ARBITRARY, STREET_LINES, TRICKY_LINES

PROFILE = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _scalar(value: str | None) -> tuple[str | None, str | None]:
    """What ``matchers._workers.address_parts`` computes for one line."""
    p = address.parse_address(value)
    return (p.house_number, p.street) if p else (None, None)


def _run(values: list[str | None]) -> tuple[dict[str, object], list[bool]]:
    """Disagreements of the fast path with the scalar one, by line; and which lines it decided."""
    house, street, decided = house_and_street(pa.array(values, type=pa.string()))
    assert len(house) == len(street) == len(decided) == len(values)
    assert decided.dtype == np.bool_
    bad: dict[str, object] = {}
    for value, h, s, done in zip(
        values, house.to_pylist(), street.to_pylist(), decided.tolist(), strict=True
    ):
        if done and (h, s) != _scalar(value):
            bad[repr(value)] = {"fast": (h, s), "scalar": _scalar(value)}
        elif not done and (h, s) != (None, None):
            bad[repr(value)] = {"undecided but not null": (h, s)}
    return bad, decided.tolist()


# Near misses of the fast shapes: unit and PO box words, initialisms, ordinals, slashes, hyphens,
# German streets, fractions, look-alike digits and spaces, apostrophes of every kind.
_FRAGMENTS = st.sampled_from(
    [
        "12", "3", "221b", "12B", "10-12", "3/12", "1/23", "b4/12", "12-", "123456789", "12345678", "٣", "１２",
        "½", "12½", "²", "Main", "High", "Rock", "Flat", "Apt", "APT.", "Apartment", "#", "##", "#4", "# 4",
        "Suite", "Ste.", "Unit", "Floor", "Fl", "flr", "2nd", "first", "1st", "Second", "Room", "Lot", "PH",
        "PO", "P.O.", "P", "O", "Box", "Post", "Office", "pob", "POBox", "Street", "St.", "Str.", "Saint",
        "Avenue", "Rd", "N", "North", "S.W.", "a.b.c.d.e", "A.B", "Hauptstraße", "Mainstrasse", "STRASSE",
        "strasse", "O'Neil", "O’Neil", "D´Arcy", "`", "Émile", "Zoë", "ß", "ﬀ", "Ø", "ı", ",", ".", "'",
        "-", "/", "4B", "B", "n", "e", "x", "\x00", "",
    ]
)  # fmt: skip
_SEPARATORS = st.sampled_from([" ", " ", " ", "  ", ", ", ",", "", ".", "\t", "\u00a0", "\u200b", " - "])
NEAR_MISSES = st.builds(lambda parts, sep: sep.join(parts), st.lists(_FRAGMENTS, max_size=8), _SEPARATORS)
LINES = st.one_of(STREET_LINES, NEAR_MISSES, ARBITRARY, st.none())


@PROFILE
@given(st.lists(LINES, max_size=25))
def test_decided_lines_equal_the_scalar_parser(values: list[str | None]) -> None:
    bad, _ = _run(values)
    assert bad == {}


@PROFILE
@given(st.lists(STREET_LINES, min_size=1, max_size=25))
def test_what_the_scalar_fast_path_takes_is_decided(values: list[str]) -> None:
    bad, decided = _run(values)
    assert bad == {}
    for value, done in zip(values, decided, strict=True):
        assert done or address._parse_address_fast(value) is None, value


TRICKY = [
    *TRICKY_LINES,
    "Hauptstraße 5", "HAUPTSTRASSE 5", "Mainstrasse", "1 Strasse", "3/12 Smith St", "Unit 1/23 Smith St",
    "b4/12 Smith St", "4b/12 Smith St", "10-12 Smith Street", "12- Main", "2nd Floor, 1 Elm Rd",
    "Floor 2, 1 Elm Rd", "12 Main St Fl 2", "1st Ave Fl 2", "Apt 4 Apt 5", "12 Main St ##4", "12 Main St #",
    "# 12 Main", "P.O. Box 5", "PO Box 5, 12 Main St", "1 a.b.c.d.e St", "1 a.b.c.d St", "1 A.B.C. Rd",
    "x.y.z", "1 Main St\n", "\t12 Main St", "12\u00a0Main St", "12\u200bMain St", "٣ Main St", "１２ Main St",
    "12½ Main St", "½ Main St", "12² Main St", "O'Neil Rd 5", "O’Neil Rd 5", "2 rue Émile Zola",
    "8 rue de la Liberté, Appt 37", "3 ﬀ Rd", "Øster Allé 4", "İstiklal Cd 5", "ı", "", " ", ",", "Σ Rd",
    "x" * 256, "x" * 257, "1 " + "é" * 200, "1 Main " * 37, "12 Main St Apt 4B Ste 5", "Apt 4B", "Apt",
    "Flat Rock Road", "Flat 3 Flat Rock Road", "1 Elm Ave Apt N", "1 Elm Ave Apt first", "Hauptstr 5",
    "Main St 5b", "5 5", "Apt 5 5", "Box 5", "Post Rd 5", "P Rd", "5 P Rd", "12 Main-St", "12 Main/St",
    "12½ Main St\x00", "½\x00Main", "12½ Main Sté", "ﬀ½ St\x00", "½", "12\x00½ Main", "12 Main St\x00 é",
]  # fmt: skip


def test_tricky_lines_agree() -> None:
    bad, _ = _run([*TRICKY, None])
    assert bad == {}
    for value in TRICKY:  # one at a time too: a line alone in its column
        assert _run([value])[0] == {}, value


COMMON = [
    "3 Grove Street Ste 704", "209 14th St", "3 Franklin Street #6G", "2093 Maple Court",
    "Unit 17, 148 Brook Rd", "1 Mesa St Apartment 19E", "119 Madison Street Apt. 9", "21 5TH ST",
    "813 Santa Fe St", "123 N Main St. Apt 4B", "100 S.W. 1st Ct", "Flat 3, 12 High Street",
    "Floor 2, Suite 200, 1 Main St", "St. John's Wood Road", "Hauptstr 5", "Hauptstraße 5", "3/12 Smith St",
    "2 rue Émile Zola", "10-12 Smith Street", "",
]  # fmt: skip
NOT_DECIDED = [
    "PO Box 12",
    "Apt 4 Apt 5",
    "2nd Floor, 1 Elm Rd",
    "Apt #4 1 Main St",
    "12 Main St Apt",
    "x" * 300,
]


def test_the_common_shapes_are_decided() -> None:
    bad, decided = _run(COMMON + NOT_DECIDED)
    assert bad == {}
    assert decided == [True] * len(COMMON) + [False] * len(NOT_DECIDED)
    house, street, _ = house_and_street(
        pa.array(["3 Grove Street Ste 704", "Unit 17, 148 Brook Rd", "3/12 Smith St"])
    )
    assert house.to_pylist() == ["3", "148", "12"]
    assert street.to_pylist() == ["grv st", "brook rd", "smith st"]


def _generated_lines() -> list[str | None]:
    from benchmarks.generate import generate

    data = generate(5000, seed=5)
    lines = [*data.erp["Address"], *data.shopify["address1"]]
    return list(dict.fromkeys(v if isinstance(v, str) else None for v in lines))


@pytest.mark.slow
def test_generated_records_agree() -> None:
    values = _generated_lines()
    bad, decided = _run(values)
    assert bad == {}
    # The generator's lines are the benchmark's: nearly all of them must be decided here.
    assert sum(decided) >= 0.99 * len(values), sum(decided) / len(values)


def test_column_types() -> None:
    lines = ["1 Main St", None, "PO Box 7"]
    expected = (["1", None, None], ["main st", None, None], [True, True, False])
    for column in (
        pa.array(lines),
        pa.array(lines, type=pa.large_string()),
        pa.chunked_array([lines[:1], lines[1:]]),
        pa.chunked_array([], type=pa.string()),
        pa.array(["x", "Hauptstraße 5", *lines])[2:],  # a slice: its buffers start before it
    ):
        house, street, decided = house_and_street(column)
        got = (house.to_pylist(), street.to_pylist(), decided.tolist())
        assert got == (expected if len(column) else ([], [], [])), column
        assert house.type == street.type == pa.string()
    house, street, decided = house_and_street(pa.array([None, None]))
    assert (house.to_pylist(), street.to_pylist(), decided.tolist()) == (
        [None, None],
        [None, None],
        [True, True],
    )
    with pytest.raises(TypeError, match="string"):
        house_and_street(pa.array([1, 2]))
    with pytest.raises(TypeError, match="list"):
        house_and_street(["1 Main St"])
