"""Blocking metrics against brute force, for deduplication and for linkage (small random cases)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import metrics


@st.composite
def _case(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 14))
    sources = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    true = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    return n, sources, true, left, right


@settings(max_examples=300, deadline=None)
@given(_case())
def test_link_only_blocking_metrics_count_pairs_across_sources_only(
    case: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Linkage compares records of different sources only: both the comparison space (the reduction
    ratio's denominator) and the true pairs a blocking can find (pairs completeness) are cross-source."""
    n, sources, true, left, right = case
    across = [(i, j) for i, j in itertools.combinations(range(n), 2) if sources[i] != sources[j]]
    true_across = {(i, j) for i, j in across if true[i] == true[j]}
    candidates = {(min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist(), strict=True) if a != b}
    candidates &= set(across)  # a linkage never proposes a pair within one source
    keep = np.array(
        [(min(a, b), max(a, b)) in candidates for a, b in zip(left.tolist(), right.tolist(), strict=True)], bool
    )
    lo, hi = left[keep], right[keep]

    expected_rr = 1 - len(candidates) / len(across) if across else 1.0
    assert abs(metrics.reduction_ratio(n, lo, hi, sources=sources) - expected_rr) < 1e-12
    expected_pc = len(candidates & true_across) / len(true_across) if true_across else 1.0
    assert abs(metrics.pairs_completeness(n, lo, hi, true, sources=sources) - expected_pc) < 1e-12


def test_link_only_reduction_ratio_of_two_files() -> None:
    """Two files of 3 and 2 records: 6 pairs across them, not C(5, 2) = 10; one candidate leaves 5/6."""
    sources = np.array([0, 0, 0, 1, 1])
    assert metrics.reduction_ratio(5, [0], [3], sources=sources) == 1 - 1 / 6
    # pairs completeness: persons 7 (rows 0, 3) and 8 (rows 1, 2 in one file: no linkage pair)
    true = np.array([7, 8, 8, 7, 9])
    assert metrics.pairs_completeness(5, [0], [3], true, sources=sources) == 1.0
    # without sources the within-file pair (1, 2) counts as a true pair the blocking missed
    assert metrics.pairs_completeness(5, [0], [3], true) == 0.5


def test_household_merges_count_the_pairs_of_two_people_of_one_household_in_one_cluster() -> None:
    rng = np.random.default_rng(5)
    for _ in range(50):
        n = int(rng.integers(1, 30))
        household = rng.integers(0, 4, n)
        person = household * 10 + rng.integers(0, 3, n)  # a person lives in one household
        pred = rng.integers(0, 5, n)
        pairs = [
            (i, j)
            for i, j in itertools.combinations(range(n), 2)
            if household[i] == household[j] and person[i] != person[j]
        ]
        merged = sum(pred[i] == pred[j] for i, j in pairs)
        assert metrics.household_merges(pred, person, household) == (merged, len(pairs))
