"""Clustering: connected components over matched pairs, guarded against chaining distinct people.

Plain connected components merge a household: John Smith matches the family landline record, which
matches Mary Smith, and all three become one customer. The guard: pairs that are certainly different
people (a *cannot-link*: first names that clearly differ, different dates of birth, different national
ids) may never end up in one cluster. Components without any cannot-link pair inside are kept as they
are (the vectorized fast path); the few that contain one are rebuilt greedily from their strongest
edges down, refusing any merge that would join a cannot-link pair.

Cluster ids are deterministic: clusters are numbered in the order of their first record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matchers._columns import sorted_unique
from matchers.blocking import pairs_within_blocks

__all__ = ["MAX_CLUSTER_ID", "CarriedIds", "ClusterResult", "carry_ids", "cluster_pairs", "unscored_pairs"]

#: Earlier cluster ids :func:`carry_ids` takes are below this, so that fresh ids above them fit in 64 bits.
MAX_CLUSTER_ID = 2**62

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class ClusterResult:
    """Cluster labels and what the guard did.

    Attributes
    ----------
    labels : ndarray of shape (n,)
        Cluster id of each record, ``0..n_clusters-1`` in order of each cluster's first record.
    n_clusters : int
    guarded_components : int
        Components that contained a cannot-link pair and were rebuilt.
    refused_merges : int
        Matched edges the guard refused.
    """

    labels: IntArray
    n_clusters: int
    guarded_components: int = 0
    refused_merges: int = 0

    def take(self, rows: IntArray) -> ClusterResult:
        """The same clusters for the records ``rows`` (record ``k`` of the result is record ``rows[k]``
        here), renumbered in order of each cluster's first record in that order.

        >>> ClusterResult(np.array([0, 1, 0, 2]), 3).take(np.array([3, 2, 1, 0])).labels.tolist()
        [0, 1, 2, 1]
        """
        labels, count = _renumber(self.labels[rows])
        return ClusterResult(labels, count, self.guarded_components, self.refused_merges)

    @property
    def sizes(self) -> IntArray:
        """Size of each record's cluster, shape (n,)."""
        counts = np.bincount(self.labels, minlength=self.n_clusters)
        return counts[self.labels].astype(np.int64)


def _components(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Each record's component, labelled by the smallest record index in it.

    Hook and compress with whole-array operations: every edge whose ends carry different labels hooks
    the larger label's root under the smaller label, then pointer jumping makes every record point at
    its root again. Labels only ever decrease, so this stops, usually after a handful of rounds (a
    component's diameter shrinks geometrically).

    >>> _components(6, np.array([4, 1, 2]), np.array([5, 2, 0])).tolist()
    [0, 0, 0, 3, 4, 4]
    """
    labels = np.arange(n, dtype=np.int64)
    while len(left):
        a, b = labels[left], labels[right]
        differ = a != b
        if not differ.any():
            break
        # Labels are roots here (labels[r] == r), so this only re-points roots, each to the smallest
        # label it is joined to in this round.
        np.minimum.at(labels, np.maximum(a[differ], b[differ]), np.minimum(a[differ], b[differ]))
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        left, right = left[differ], right[differ]  # edges already inside one component stay so
    return labels


def _renumber(labels: IntArray) -> tuple[IntArray, int]:
    """Number clusters by their first record: deterministic for the same input order."""
    # Labels are small non-negative ints: the first record of each is found with one pass.
    n = len(labels)
    first_index = np.full(int(labels.max()) + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first_index, labels, np.arange(n, dtype=np.int64))
    used = np.flatnonzero(first_index < n)
    order = used[np.argsort(first_index[used], kind="stable")]
    rank = np.empty(len(first_index), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[labels], len(order)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root


def cluster_pairs(
    n: int,
    left: IntArray,
    right: IntArray,
    probability: FloatArray,
    *,
    threshold: float,
    cannot_link: BoolArray | None = None,
    log_odds: FloatArray | None = None,
) -> ClusterResult:
    """Cluster ``n`` records from scored pairs.

    Parameters
    ----------
    n : int
        Number of records.
    left, right : ndarray of shape (n_pairs,)
        Compared pairs.
    probability : ndarray of shape (n_pairs,)
        Match probability of each pair.
    threshold : float
        Pairs at or above it are matches.
    cannot_link : ndarray of bool, shape (n_pairs,), optional
        Pairs that are certainly different people; they never end up in one cluster, whatever their
        probability.
    log_odds : ndarray of shape (n_pairs,), optional
        Match weight of each pair (log2 odds), which orders the edges where the guard rebuilds a
        component: probabilities round to 1.0 from about 53 bits on, so they cannot tell a strong edge
        from a stronger one. Default: the probabilities.

    Examples
    --------
    A household: 0 and 2 both match the shared-landline record 1, but 0 and 2 are different people.

    >>> left, right = np.array([0, 1, 0]), np.array([1, 2, 2])
    >>> r = cluster_pairs(3, left, right, np.array([0.99, 0.95, 0.97]), threshold=0.9,
    ...                   cannot_link=np.array([False, False, True]))
    >>> r.labels.tolist(), r.refused_merges
    ([0, 0, 1], 1)
    """
    if cannot_link is None:
        cannot_link = np.zeros(len(left), dtype=bool)
    match = (probability >= threshold) & ~cannot_link
    ml, mr = left[match], right[match]
    labels = _components(n, ml, mr)
    conflict = cannot_link & (labels[left] == labels[right])
    if not conflict.any():
        out, count = _renumber(labels)
        return ClusterResult(out, count)

    bad = np.unique(labels[left[conflict]])
    in_bad = np.isin(labels[ml], bad)
    strength = probability if log_odds is None else log_odds
    edges_l, edges_r, edges_p = ml[in_bad], mr[in_bad], strength[match][in_bad]
    # Strongest evidence first; ties broken by record numbers so the result is deterministic.
    order = np.lexsort((edges_r, edges_l, -edges_p))
    cl_l, cl_r = left[cannot_link], right[cannot_link]
    in_bad_cl = np.isin(labels[cl_l], bad)
    forbidden: dict[int, set[int]] = {}
    for a, b in zip(cl_l[in_bad_cl].tolist(), cl_r[in_bad_cl].tolist(), strict=True):
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    uf = _UnionFind()
    refused = 0
    for a, b in zip(edges_l[order].tolist(), edges_r[order].tolist(), strict=True):
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        ma = uf.members.get(ra, {ra})
        mb = uf.members.get(rb, {rb})
        small, large = (ma, mb) if len(ma) <= len(mb) else (mb, ma)
        if any(forbidden.get(x, set()) & large for x in small):
            refused += 1
            continue
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        uf.parent[rb] = ra
        uf.members[ra] = ma | mb
        uf.members.pop(rb, None)

    new_labels = labels.copy()
    rows = np.flatnonzero(np.isin(labels, bad))
    # Give each rebuilt sub-cluster a fresh label beyond the existing ones: its root record's number.
    roots = np.array([uf.find(int(x)) for x in rows.tolist()], dtype=np.int64)
    new_labels[rows] = labels.max() + 1 + roots
    out, count = _renumber(new_labels)
    return ClusterResult(out, count, guarded_components=len(bad), refused_merges=refused)


def unscored_pairs(
    labels: IntArray, left: IntArray, right: IntArray, *, max_cluster_size: int = 60, window: int = 10
) -> tuple[IntArray, IntArray]:
    """Pairs of records that share a cluster but were never compared, ``left < right``.

    Clustering is transitive: John matches the family's landline record, which matches Mary by the
    family e-mail, and John and Mary are one cluster though nothing ever compared them. Comparing these
    pairs and clustering again with their cannot-links lets the guard see them. Clusters larger than
    ``max_cluster_size`` give only the pairs within ``window`` records of each other.

    >>> unscored_pairs(np.array([0, 0, 0, 1]), np.array([0, 1]), np.array([1, 2]))
    (array([0]), array([2]))
    """
    n = len(labels)
    sizes = np.bincount(labels, minlength=int(labels.max()) + 1 if n else 0)
    rows = np.flatnonzero(sizes[labels] > 1).astype(np.int64)
    a, b = pairs_within_blocks(
        rows, labels[rows].astype(np.int64), rows, max_block_size=max_cluster_size, window=window
    )
    scored = sorted_unique(left.astype(np.int64) * n + right)
    codes = a * n + b
    at = np.minimum(np.searchsorted(scored, codes), max(len(scored) - 1, 0))
    new = ~(scored[at] == codes) if len(scored) else np.ones(len(codes), dtype=bool)
    return a[new], b[new]


@dataclass
class CarriedIds:
    """Cluster ids carried over from an earlier run, and what changed.

    Attributes
    ----------
    ids : ndarray of shape (n,)
        Each record's cluster id.
    carried : int
        Clusters that kept an id of the earlier run.
    new : int
        Clusters that got a fresh id (above every earlier id).
    retired : int
        Earlier ids no cluster kept: clusters merged into another, or whose records are all gone.
    next_id : int
        The smallest id above every earlier and every fresh one: where ids of clusters added later
        start, so that no retired id is given again.
    """

    ids: IntArray
    carried: int
    new: int
    retired: int
    next_id: int


def carry_ids(
    labels: IntArray,
    previous: IntArray,
    *,
    rank: IntArray | None = None,
    earlier_ids: IntArray | None = None,
) -> CarriedIds:
    """Give today's clusters the ids they had in an earlier run.

    Each earlier id goes to at most one cluster, and each cluster takes at most one earlier id: pairs of
    (cluster, earlier id) are taken greedily from the most records shared down, so when a cluster is
    split the larger part keeps the id, and when clusters merge the result keeps the id of the one that
    brought most records (of equal shares, the smaller id). Clusters left without an id are numbered
    after the largest earlier id, in order of their lowest-ranked record.

    Parameters
    ----------
    labels : ndarray of shape (n,)
        Today's clusters, ``0..k-1``, each label used (as :class:`ClusterResult` numbers them).
    previous : ndarray of shape (n,)
        Each record's earlier cluster id (0 to :data:`MAX_CLUSTER_ID` - 1), or -1 for a record the
        earlier run did not have.
    rank : ndarray of shape (n,), optional
        Breaks the last ties: of two clusters sharing as many records with one earlier id, the one
        holding the record of lowest rank keeps it; fresh ids follow it too. Default: the record's
        position.
    earlier_ids : ndarray, optional
        Every id of the earlier run, including those of records that are gone (default: the ids in
        ``previous``): fresh ids start above all of them, and those no cluster kept count as retired.

    Examples
    --------
    Cluster 0 holds the records of earlier ids 7 and 3 (merged; 7 brought two records); cluster 1 is
    part of earlier 3; cluster 2 is a new record.

    >>> r = carry_ids(np.array([0, 0, 0, 1, 2]), np.array([7, 7, 3, 3, -1]))
    >>> r.ids.tolist(), (r.carried, r.new, r.retired, r.next_id)
    ([7, 7, 7, 3, 8], (2, 1, 0, 9))
    """
    labels = np.asarray(labels, dtype=np.int64)
    previous = np.asarray(previous, dtype=np.int64)
    n = len(labels)
    rank = np.arange(n, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    k = int(labels.max()) + 1 if n else 0
    known = previous >= 0
    earlier = sorted_unique(previous[known])
    every = (
        earlier
        if earlier_ids is None
        else sorted_unique(np.concatenate([earlier, np.asarray(earlier_ids, dtype=np.int64)]))
    )
    if len(every) and not 0 <= int(every[0]) <= int(every[-1]) < MAX_CLUSTER_ID:
        raise ValueError(f"earlier cluster ids must lie between 0 and 2**62 - 1, got {int(every[-1])}")
    # Distinct (cluster, earlier id) pairs with the number of records they share. An earlier id is
    # coded by its place among the earlier ids, not by its value: ids may be as large as 2**62, and a
    # cluster number times such an id is beyond 64 bits.
    span = max(len(earlier), 1)
    codes = np.sort(labels[known] * span + np.searchsorted(earlier, previous[known]))
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])) if len(codes) else codes
    shared = np.diff(np.append(starts, len(codes)))
    codes = codes[starts]
    pair_cluster, at = codes // span, codes % span  # ``at``: the earlier id's place in ``earlier``
    first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, labels, rank)
    order = np.lexsort((first[pair_cluster], at, -shared))  # ``at`` orders as the ids do
    pair_cluster, at = pair_cluster[order], at[order]
    pair_id = earlier[at]

    assigned = np.full(k, -1, dtype=np.int64)
    # A pair whose cluster and earlier id appear in no other pair wins whatever the order: most pairs,
    # since most customers do not change. Only the rest is settled one pair at a time.
    lone = (np.bincount(pair_cluster, minlength=k)[pair_cluster] == 1) & (
        np.bincount(at, minlength=len(earlier))[at] == 1
    )
    assigned[pair_cluster[lone]] = pair_id[lone]
    taken: set[int] = set()
    for cluster, old in zip(pair_cluster[~lone].tolist(), pair_id[~lone].tolist(), strict=True):
        if assigned[cluster] < 0 and old not in taken:
            assigned[cluster] = old
            taken.add(old)
    fresh = np.flatnonzero(assigned < 0)
    fresh = fresh[np.argsort(first[fresh], kind="stable")]
    start = int(every[-1]) + 1 if len(every) else 0
    assigned[fresh] = start + np.arange(len(fresh), dtype=np.int64)
    carried = k - len(fresh)
    return CarriedIds(
        assigned[labels], carried=carried, new=len(fresh), retired=len(every) - carried, next_id=start + len(fresh)
    )
