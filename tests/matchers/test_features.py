"""matchers.features: Features.take reorders every per-record array and keeps the code spaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
