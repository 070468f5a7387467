"""Slow, obviously-correct twins of the vectorized matchers, for property tests (private).

Nothing here is used by the library itself. Each function does the same job as its fast counterpart one
pair or one record at a time, in plain Python, so that tests can assert the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA, JaroWinkler

from matchers.comparisons import FIRST_NAME_MAX_EDITS, SHORT_FIRST_NAME
from matchers.features import Features
from normalizers.name import are_nickname_equivalent, canonical_names

__all__ = [
    "address_level",
    "block_pairs",
    "carried_ids",
    "connected_labels",
    "first_name_level",
    "phone_level",
]


def block_pairs(rows: Sequence[int], keys: Sequence[int]) -> set[tuple[int, int]]:
    """Every pair of distinct rows that share at least one key (O(k^2))."""
    out: set[tuple[int, int]] = set()
    items = list(zip(rows, keys, strict=True))
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            (ra, ka), (rb, kb) = items[i], items[j]
            if ka == kb and ra != rb:
                out.add((min(ra, rb), max(ra, rb)))
    return out


def first_name_level(f: Features, i: int, j: int) -> int:
    """Level of :class:`~matchers.comparisons.FirstNameComparison` for one pair."""
    a, b = int(f.first[i]), int(f.first[j])
    if a < 0 or b < 0:
        return 0
    if a == b:
        return 1
    last_i, last_j = int(f.last[i]), int(f.last[j])
    if (
        last_i >= 0
        and last_j >= 0
        and f.first_vocab[a] == f.last_vocab[last_j]
        and f.last_vocab[last_i] == f.first_vocab[b]
    ):
        return 1
    sa, sb = f.first_vocab[a], f.first_vocab[b]
    if are_nickname_equivalent(sa, sb):
        return 2
    if len(sa) == 1 or len(sb) == 1:
        initial, other = sorted((sa, sb), key=len)
        starts = {other, *canonical_names(other)}
        return 5 if any(name.startswith(initial) for name in starts) else 6
    sim = JaroWinkler.normalized_similarity(sa, sb)
    short, long = sorted((sa, sb), key=len)
    too_far = OSA.distance(sa, sb) > FIRST_NAME_MAX_EDITS
    if len(short) <= SHORT_FIRST_NAME and not long.startswith(short) and too_far:
        return 6
    if sim >= 0.92:
        return 3
    if sim >= 0.80:
        return 4
    return 6


def phone_level(f: Features, i: int, j: int) -> int:
    """Level of :class:`~matchers.comparisons.PhoneComparison` for one pair."""
    pa_ = [int(x) for x in f.phone[i] if x >= 0]
    pb = [int(x) for x in f.phone[j] if x >= 0]
    if not pa_ or not pb:
        return 0
    if set(pa_) & set(pb):
        return 1
    if {x % 10_000_000 for x in pa_} & {x % 10_000_000 for x in pb}:
        return 2
    return 3


def address_level(f: Features, i: int, j: int) -> int:
    """Level of :class:`~matchers.comparisons.AddressComparison` for one pair."""

    def has(k: int) -> bool:
        return bool(f.street[k] >= 0 or f.postcode[k] >= 0 or f.city[k] >= 0)

    if not has(i) or not has(j):
        return 0
    post_conflict = f.postcode[i] >= 0 and f.postcode[j] >= 0 and f.postcode[i] != f.postcode[j]
    same_house = f.house[i] >= 0 and f.house[i] == f.house[j]
    if same_house and not post_conflict and f.street[i] >= 0 and f.street[i] == f.street[j]:
        return 1
    if same_house and not post_conflict and f.street[i] >= 0 and f.street[j] >= 0:
        sim = JaroWinkler.normalized_similarity(f.street_vocab[f.street[i]], f.street_vocab[f.street[j]])
        if sim >= 0.88:
            return 2
    if f.postcode[i] >= 0 and f.postcode[i] == f.postcode[j]:
        return 3
    if f.city[i] >= 0 and f.city[i] == f.city[j]:
        return 4
    return 5


def connected_labels(n: int, edges: Sequence[tuple[int, int]]) -> npt.NDArray[np.int64]:
    """Connected components by breadth-first search, numbered by first record."""
    adjacency: dict[int, list[int]] = {k: [] for k in range(n)}
    for a, b in edges:
        adjacency[a].append(b)
        adjacency[b].append(a)
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for start in range(n):
        if labels[start] >= 0:
            continue
        labels[start] = next_label
        queue = [start]
        while queue:
            node = queue.pop()
            for other in adjacency[node]:
                if labels[other] < 0:
                    labels[other] = next_label
                    queue.append(other)
        next_label += 1
    return labels


def carried_ids(
    labels: Sequence[int], previous: Sequence[int], rank: Sequence[int], earlier_ids: Sequence[int]
) -> list[int]:
    """Earlier ids for today's clusters, one (cluster, earlier id) pair at a time: most shared records
    first, then the smaller earlier id, then the cluster holding the lowest-ranked record; the clusters
    left get fresh ids in order of their lowest-ranked record."""
    shared: dict[tuple[int, int], int] = {}
    lowest: dict[int, int] = {}
    for label, old, r in zip(labels, previous, rank, strict=True):
        lowest[label] = min(lowest.get(label, r), r)
        if old >= 0:
            shared[(label, old)] = shared.get((label, old), 0) + 1
    chosen: dict[int, int] = {}
    for (label, old), _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0][1], lowest[kv[0][0]])):
        if label not in chosen and old not in chosen.values():
            chosen[label] = old
    every = set(earlier_ids) | {old for old in previous if old >= 0}
    next_id = max(every) + 1 if every else 0
    for label in sorted(set(labels), key=lambda label: lowest[label]):
        if label not in chosen:
            chosen[label] = next_id
            next_id += 1
    return [chosen[label] for label in labels]
