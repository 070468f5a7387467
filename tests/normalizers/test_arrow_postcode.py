"""The column-at-once postcode pass gives exactly the scalar answers wherever it decides."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers import address
from normalizers._arrow_postcode import postcodes

PROFILE = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

_COUNTRIES = [None, "US", "PR", "GU", "GB", "CA", "DE", "NL", "FR", "usa", "United States", "XX"]
_PIECES = ["0", "1", "2", "9", "00000", "12345", "-", " ", "1234", "A", "sw1a", "٩", "９", ".0", "\t", "#"]


def _check(values: list[str | None], country: str | None) -> tuple[list[tuple[str | None, str | None]], int]:
    """The decided values whose answer differs from the scalar one, and how many were decided."""
    done, decided = postcodes(pa.array(values, pa.string()), country)
    expected = address.normalize_postcode_many(values, country)
    wrong = [
        (value, mine)
        for value, ok, mine, theirs in zip(values, decided.tolist(), done.to_pylist(), expected, strict=True)
        if ok and mine != theirs
    ]
    return wrong, int(decided.sum())


@PROFILE
@given(st.lists(st.one_of(st.none(), st.text(max_size=14)), max_size=20), st.sampled_from(_COUNTRIES))
def test_arbitrary_text_agrees(values: list[str | None], country: str | None) -> None:
    assert _check(values, country)[0] == []


@PROFILE
@given(
    st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join), max_size=20),
    st.sampled_from(_COUNTRIES),
)
def test_postcode_like_text_agrees(values: list[str], country: str | None) -> None:
    assert _check(list(values), country)[0] == []


def test_common_us_shapes_are_decided() -> None:
    values = ["90210", "02134", "90210-1234", "00000", None, "10001"]
    assert _check(values, "US") == ([], len(values))
    assert _check(values, "PR") == ([], len(values))


def test_other_shapes_and_countries_are_left_to_the_scalar_path() -> None:
    _, decided = postcodes(pa.array(["2134", "90210 1234", "902101234", "10001.0", " 90210"]), "US")
    assert not decided.any()
    _, decided = postcodes(pa.array(["SW1A 1AA", "90210"]), "GB")
    assert not decided.any()
