"""Clustering: components, the household guard, deterministic ids."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers._reference import connected_labels
from matchers.clustering import cluster_pairs


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 25).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40)
        )
    )
)
def test_without_cannot_links_clusters_are_connected_components(
    case: tuple[int, list[tuple[int, int]]],
) -> None:
    n, edges = case
    edges = [(a, b) for a, b in edges if a != b]
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    result = cluster_pairs(n, left, right, np.ones(len(edges)), threshold=0.5)
    expected = connected_labels(n, edges)
    assert result.labels.tolist() == expected.tolist()  # same numbering: by first record


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3000), st.integers(0, 2**32 - 1), st.sampled_from(["random", "path", "star", "paths"]))
def test_components_of_large_graphs_match_the_reference(n: int, seed: int, shape: str) -> None:
    """Shapes that need many hook-and-compress rounds: long paths in shuffled order, stars, forests."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    if shape == "random":
        m = int(rng.integers(0, 2 * n + 1))
        edges = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(m, 2)) if a != b]
    elif shape == "path":
        edges = [(int(order[i]), int(order[i + 1])) for i in range(n - 1)]
    elif shape == "star":
        edges = [(int(order[0]), int(v)) for v in order[1:]]
    else:
        cuts = set(rng.integers(0, n, size=max(1, n // 50)).tolist())
        edges = [(int(order[i]), int(order[i + 1])) for i in range(n - 1) if i not in cuts]
    edges = [edges[i] for i in rng.permutation(len(edges))]
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    result = cluster_pairs(n, left, right, np.ones(len(edges)), threshold=0.5)
    assert result.labels.tolist() == connected_labels(n, edges).tolist()


def test_household_members_are_not_merged_through_a_shared_record() -> None:
    # 0 John Smith, 1 J Smith (landline record), 2 Mary Smith, 3 John Smith's Shopify duplicate.
    left = np.array([0, 1, 0, 0, 2], dtype=np.int64)
    right = np.array([1, 2, 2, 3, 3], dtype=np.int64)
    prob = np.array([0.99, 0.98, 0.97, 0.999, 0.96])
    cannot = np.array([False, False, True, False, True])
    result = cluster_pairs(4, left, right, prob, threshold=0.9, cannot_link=cannot)
    labels = result.labels
    assert labels[0] == labels[3]
    assert labels[0] != labels[2]
    assert result.guarded_components == 1 and result.refused_merges >= 1
    assert result.sizes.tolist() == [3, 3, 1, 3]


def test_cluster_ids_are_deterministic_and_ordered_by_first_record() -> None:
    left = np.array([3, 1], dtype=np.int64)
    right = np.array([4, 2], dtype=np.int64)
    a = cluster_pairs(5, left, right, np.array([0.95, 0.95]), threshold=0.9)
    b = cluster_pairs(5, left[::-1].copy(), right[::-1].copy(), np.array([0.95, 0.95]), threshold=0.9)
    assert a.labels.tolist() == b.labels.tolist() == [0, 1, 1, 2, 2]


def test_below_threshold_pairs_do_not_merge() -> None:
    result = cluster_pairs(2, np.array([0]), np.array([1]), np.array([0.5]), threshold=0.9)
    assert result.n_clusters == 2


def test_the_guard_keeps_the_stronger_edge_when_both_probabilities_round_to_one() -> None:
    # 1 matches 0 with log2 odds 60 and 2 with 80; 0 and 2 are different people. Both probabilities are
    # 1.0 in float64, so only the log-odds say which edge is stronger, whatever the record numbers.
    left, right = np.array([0, 1, 0]), np.array([1, 2, 2])
    log_odds = np.array([60.0, 80.0, 0.0])
    probability = 1.0 / (1.0 + np.exp2(-log_odds))
    assert probability[0] == probability[1] == 1.0
    cannot = np.array([False, False, True])
    result = cluster_pairs(3, left, right, probability, threshold=0.9, cannot_link=cannot, log_odds=log_odds)
    assert result.labels.tolist() == [0, 1, 1]
