"""Cluster ids carried over from an earlier run (``matchers.clustering.carry_ids``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers._reference import carried_ids
from matchers.clustering import MAX_CLUSTER_ID, carry_ids


def _ids(labels: list[int], previous: list[int], **kwargs: object) -> list[int]:
    return carry_ids(np.array(labels, np.int64), np.array(previous, np.int64), **kwargs).ids.tolist()  # type: ignore[arg-type]


def test_unchanged_clusters_keep_their_ids() -> None:
    r = carry_ids(np.array([0, 1, 1, 2]), np.array([40, 7, 7, 3]))
    assert r.ids.tolist() == [40, 7, 7, 3]
    assert (r.carried, r.new, r.retired) == (3, 0, 0)


def test_a_split_leaves_the_id_with_the_larger_part() -> None:
    # Earlier cluster 5 had four records; today one of them is a cluster of its own.
    assert _ids([0, 0, 1, 0], [5, 5, 5, 5]) == [5, 5, 6, 5]


def test_a_merge_keeps_the_id_that_brought_most_records() -> None:
    assert _ids([0, 0, 0], [9, 2, 9]) == [9, 9, 9]
    r = carry_ids(np.array([0, 0, 0]), np.array([9, 2, 9]))
    assert (r.carried, r.new, r.retired) == (1, 0, 1)


def test_of_equal_shares_the_merge_keeps_the_smaller_id() -> None:
    assert _ids([0, 0], [9, 2]) == [2, 2]


def test_of_two_equal_parts_of_a_split_the_one_with_the_lowest_rank_keeps_the_id() -> None:
    assert _ids([0, 1], [4, 4]) == [4, 5]
    assert _ids([0, 1], [4, 4], rank=np.array([1, 0])) == [5, 4]


def test_new_records_get_ids_above_every_earlier_one_even_those_now_gone() -> None:
    # Earlier ids 0..9 existed; only 3 and 4 still have records here.
    r = carry_ids(np.array([0, 1, 2]), np.array([3, -1, 4]), earlier_ids=np.arange(10))
    assert r.ids.tolist() == [3, 10, 4]
    assert (r.carried, r.new, r.retired) == (2, 1, 8)


def test_a_new_record_joining_an_old_cluster_takes_its_id() -> None:
    assert _ids([0, 0, 1], [6, -1, -1]) == [6, 6, 7]


def test_without_an_earlier_run_ids_are_the_labels() -> None:
    assert _ids([0, 1, 0, 2], [-1, -1, -1, -1]) == [0, 1, 0, 2]


def test_no_records() -> None:
    r = carry_ids(np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert r.ids.tolist() == [] and (r.carried, r.new, r.retired) == (0, 0, 0)


@st.composite
def _runs(draw: st.DrawFn) -> tuple[list[int], list[int], list[int], list[int]]:
    n = draw(st.integers(1, 40))
    raw = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    first: dict[int, int] = {}
    labels = [first.setdefault(x, len(first)) for x in raw]  # 0..k-1 by first record, as clustering gives
    previous = draw(st.lists(st.integers(-1, 12), min_size=n, max_size=n))
    rank = draw(st.permutations(list(range(n))))
    gone = draw(st.lists(st.integers(0, 20), max_size=5))
    return labels, previous, rank, gone


@settings(max_examples=300)
@given(_runs())
def test_agrees_with_the_one_pair_at_a_time_reference(
    run: tuple[list[int], list[int], list[int], list[int]],
) -> None:
    labels, previous, rank, gone = run
    fast = carry_ids(
        np.array(labels, np.int64),
        np.array(previous, np.int64),
        rank=np.array(rank, np.int64),
        earlier_ids=np.array(gone, np.int64),
    )
    assert fast.ids.tolist() == carried_ids(labels, previous, rank, gone)
    # Same records, same clusters: two records share an id exactly when they share a label.
    ids = fast.ids.tolist()
    assert all(
        (ids[i] == ids[j]) == (labels[i] == labels[j]) for i in range(len(ids)) for j in range(len(ids))
    )
    assert fast.carried + fast.new == len(set(labels))
    assert fast.retired == len(set(gone) | {p for p in previous if p >= 0}) - fast.carried
    assert fast.next_id == max([*gone, *previous, *ids, -1]) + 1  # nothing earlier or given is reused


def test_large_earlier_ids_are_carried_as_they_are() -> None:
    # Ids from another system (a 15-digit key; the largest read_previous accepts): the number of
    # clusters times the largest id is beyond 64 bits.
    for top in (10**15, 2**62 - 1):
        labels = np.arange(10_000, dtype=np.int64)
        previous = top - np.arange(10_000, dtype=np.int64)
        previous[-1] = -1  # one new record
        r = carry_ids(labels, previous)
        assert r.ids[:-1].tolist() == previous[:-1].tolist()
        assert int(r.ids[-1]) == top + 1
        assert (r.carried, r.new, r.retired) == (9_999, 1, 0)


def test_an_earlier_id_beyond_the_largest_allowed_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="between 0 and 2"):
        carry_ids(np.array([0]), np.array([MAX_CLUSTER_ID]))
