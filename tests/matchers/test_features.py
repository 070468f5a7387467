"""matchers.features: Features.take reorders every per-record array and keeps the code spaces."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity._dedupe import _as_source_list
from identity._io import combine_sources
from matchers.features import Features, build_features

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _features() -> Features:
    files = [EXAMPLES / "erp_customers.csv", EXAMPLES / "shopify_customers.csv"]
    return build_features(combine_sources(_as_source_list([str(f) for f in files])))


def test_take_reorders_every_per_record_array_and_keeps_the_vocabularies() -> None:
    f = _features()
    rows = np.random.default_rng(0).permutation(f.n)
    g = f.take(rows)
    assert g.n == f.n
    per_record = 0
    for name, value in vars(f).items():
        if isinstance(value, np.ndarray) and name not in Features.NOT_PER_RECORD:
            assert np.array_equal(getattr(g, name), value[rows]), name
            assert getattr(g, name).shape == value.shape, name
            per_record += 1
        elif name not in ("cache", "n"):
            assert getattr(g, name) is value, name  # vocabularies, code tables and stats are shared
    assert per_record >= 20  # every coded column, the (n, width) ones included
    assert g.email.shape[1] > 1 and g.phone.shape[1] > 1 and g.first_groups.shape[1] > 1
    inverse = np.empty_like(rows)
    inverse[rows] = np.arange(f.n)
    back = g.take(inverse)
    for name, value in vars(f).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(getattr(back, name), value), name


def test_take_of_a_subset() -> None:
    f = _features()
    g = f.take(np.array([5, 1]))
    assert g.n == 2 and g.phone.shape == (2, f.phone.shape[1])
    assert g.first_strings(np.arange(2)) == f.first_strings(np.array([5, 1]))
    assert g.first_group_table is f.first_group_table


def _generated(tmp_path: Path, records: int = 3_000) -> pa.Table:
    from benchmarks.generate import generate

    generate(records, seed=23).write(tmp_path)
    return combine_sources(_as_source_list([str(tmp_path / "erp.csv"), str(tmp_path / "shopify.csv")]))


def _all_undecided(width: int) -> Callable[..., tuple[Any, ...]]:
    """A column-at-once pass that decides nothing: every value goes to the scalar normalizer.

    ``width`` string columns of results, or with ``width=0`` the phone pass's int64 digits."""

    def undecided(values: pa.Array, *_: object) -> tuple[Any, ...]:
        n = len(values)
        results = [pa.nulls(n, pa.string())] * width if width else [np.full(n, -1, dtype=np.int64)]
        return (*results, np.zeros(n, dtype=bool))

    return undecided


_PASSES = [
    ("_arrow_phone", "e164_digits", 0),
    ("_arrow_address", "house_and_street", 2),
    ("_arrow_name", "first_and_last", 2),
    ("_arrow_email", "match_keys", 1),
    ("_arrow_postcode", "postcodes", 1),
]


def _scalar_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn every column-at-once pass into one that decides nothing."""
    import importlib

    for module, name, width in _PASSES:
        monkeypatch.setattr(importlib.import_module(f"normalizers.{module}"), name, _all_undecided(width))


def _assert_same_features(a: Features, b: Features) -> None:
    for field_name, value in vars(a).items():
        if field_name != "cache":
            other = getattr(b, field_name)
            same = np.array_equal(value, other) if isinstance(value, np.ndarray) else value == other
            assert same, field_name


_PIECES = [
    "", " ", "Smith", "SMITH, JOHN", "Jr", "Mr.", "Acme Ltd", "(", ")", "&", ",", "-", "/", "'", ".", "#",
    "12", "Apt", "4B", "St", "Main", "+1", "212", "736-5000", "(0)", "00", "011", "x12", ".0", "@",
    "gmail.com", "Gmial.con", "john.smith+tag", "é", "ß", "\t", "\u00a0", "９", "90210", "-1234", "SW1A 1AA",
]
_JUNK = st.one_of(
    st.none(),
    st.lists(st.sampled_from(_PIECES), max_size=5).map(" ".join),
    st.lists(st.sampled_from(_PIECES), max_size=4).map("".join),
    st.text(max_size=20),
)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["erp", "shop"]),
            _JUNK,
            _JUNK,
            _JUNK,
            st.lists(_JUNK, max_size=3),
            st.lists(_JUNK, max_size=3),
            _JUNK,
            _JUNK,
            st.sampled_from([None, "US", "GB", "DE", "CA", "FR", "IE", "AU", "Narnia", "united states"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_junk_gives_the_same_features_with_and_without_the_column_at_once_passes(rows: list[tuple[Any, ...]]) -> None:
    names = ["source", "full_name", "first_name", "last_name", "phone", "email", "address", "postcode", "country"]
    table = pa.table(
        {
            name: pa.array([row[k] for row in rows], pa.list_(pa.string()) if name in ("phone", "email") else None)
            for k, name in enumerate(names)
        }
    )
    fast = build_features(table)
    with pytest.MonkeyPatch.context() as patch:
        _scalar_only(patch)
        scalar = build_features(table)
    _assert_same_features(fast, scalar)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_column_at_once_passes_give_the_scalar_normalizers_features(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Phones, address lines, full names, e-mails and postcodes are first read a column at once; what
    those passes decide must be exactly what the scalar normalizers give, down to every code."""
    import matchers.features
    from normalizers import _arrow_address, _arrow_email, _arrow_name, _arrow_phone, _arrow_postcode

    table = _generated(tmp_path)
    monkeypatch.setattr(matchers.features, "PARALLEL_MIN_RECORDS", 0)  # fork the worker too
    decided: dict[str, list[float]] = {}
    passes = [
        (_arrow_phone, "e164_digits", 0),
        (_arrow_address, "house_and_street", 2),
        (_arrow_name, "first_and_last", 2),
        (_arrow_email, "match_keys", 1),
        (_arrow_postcode, "postcodes", 1),
    ]
    for module, name, _ in passes:
        real = getattr(module, name)

        def spy(*args: Any, _real: Callable[..., Any] = real, _name: str = name) -> Any:
            out = _real(*args)
            decided.setdefault(_name, []).extend(out[-1].tolist())
            return out

        monkeypatch.setattr(module, name, spy)
    fast = build_features(table, workers=workers)
    _scalar_only(monkeypatch)
    _assert_same_features(fast, build_features(table, workers=workers))
    # The passes did the work: most distinct values never reached the scalar normalizers.
    shares = {name: float(np.mean(flags)) for name, flags in decided.items()}
    assert set(shares) == {name for _, name, _ in passes}
    assert min(shares.values()) > 0.5, shares
