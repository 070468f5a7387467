"""Evaluation metrics for entity resolution, computed on label arrays with numpy.

All cluster metrics count pairs through the contingency table of (predicted, true) labels, so they run
in ``O(n log n)`` for any number of records and never enumerate pairs.

Definitions (``n_c`` = size of a group, ``C(k, 2) = k (k - 1) / 2``):

* pairwise: ``TP = sum over cells C(n_cell, 2)``, ``predicted = sum over predicted clusters C(n, 2)``,
  ``true = sum over true clusters C(n, 2)``; precision = TP / predicted, recall = TP / true.
* B-cubed: for each record, precision = |cell| / |predicted cluster|, recall = |cell| / |true cluster|,
  averaged over records.
* pairs completeness (of a candidate pair set): share of true pairs among the candidates;
  reduction ratio: ``1 - candidates / C(n, 2)``. For a linkage (``sources`` given: records are only
  ever compared across sources) both count pairs across sources only: the true pairs are those whose
  records lie in different sources, and the comparison space is ``sum |S_i| |S_j|`` over pairs of
  sources (``|A| |B|`` for two files), not ``C(n, 2)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 (``f1`` is 0 when both are 0)."""

    precision: float
    recall: float
    f1: float

    @staticmethod
    def of(precision: float, recall: float) -> Scores:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        return Scores(precision, recall, f1)


@dataclass(frozen=True)
class PairCounts:
    """Pair counts behind the pairwise scores."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def scores(self) -> Scores:
        p = self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0
        r = self.true_positives / self.true_pairs if self.true_pairs else 1.0
        return Scores.of(p, r)


def encode(labels: Sequence[Any] | npt.NDArray[Any]) -> IntArray:
    """Dense integer codes ``0..k-1`` for arbitrary hashable labels (strings, ints, ...)."""
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError("labels must be one-dimensional")
    _, codes = np.unique(arr, return_inverse=True)
    return codes.astype(np.int64).ravel()


def _pairs_in_groups(codes: IntArray) -> int:
    if codes.size == 0:
        return 0
    counts = np.bincount(codes).astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _cells(pred: IntArray, true: IntArray) -> IntArray:
    """Contingency-cell id of every record."""
    return encode(pred * (int(true.max(initial=0)) + 1) + true)


def pair_counts(
    pred_labels: Sequence[Any] | npt.NDArray[Any], true_labels: Sequence[Any] | npt.NDArray[Any]
) -> PairCounts:
    """Pair counts of a predicted clustering against the truth (both label arrays of one length)."""
    pred, true = encode(pred_labels), encode(true_labels)
    if pred.shape != true.shape:
        raise ValueError("pred_labels and true_labels must have the same length")
    return PairCounts(
        true_positives=_pairs_in_groups(_cells(pred, true)),
        predicted_pairs=_pairs_in_groups(pred),
        true_pairs=_pairs_in_groups(true),
    )


def pairwise_scores(
    pred_labels: Sequence[Any] | npt.NDArray[Any], true_labels: Sequence[Any] | npt.NDArray[Any]
) -> Scores:
    """Pairwise precision / recall / F1 of a clustering (pairs of records placed in one cluster)."""
    return pair_counts(pred_labels, true_labels).scores


def bcubed_scores(
    pred_labels: Sequence[Any] | npt.NDArray[Any], true_labels: Sequence[Any] | npt.NDArray[Any]
) -> Scores:
    """B-cubed precision / recall / F1 (per-record averages)."""
    pred, true = encode(pred_labels), encode(true_labels)
    if pred.shape != true.shape:
        raise ValueError("pred_labels and true_labels must have the same length")
    if pred.size == 0:
        return Scores.of(1.0, 1.0)
    cell = _cells(pred, true)
    cell_size = np.bincount(cell)[cell].astype(np.float64)
    p = float((cell_size / np.bincount(pred)[pred]).mean())
    r = float((cell_size / np.bincount(true)[true]).mean())
    return Scores.of(p, r)


def household_merges(
    pred_labels: Sequence[Any] | npt.NDArray[Any],
    person_labels: Sequence[Any] | npt.NDArray[Any],
    household_labels: Sequence[Any] | npt.NDArray[Any],
) -> tuple[int, int]:
    """Pairs of records of two different people of one household: ``(merged, all)``, where ``merged``
    counts those placed in one predicted cluster (the wrong merges a household guard exists to stop).

    >>> household_merges([0, 0, 0, 1], ["ann", "ann", "bob", "cy"], ["h1", "h1", "h1", "h1"])
    (2, 5)
    """
    pred, person, household = encode(pred_labels), encode(person_labels), encode(household_labels)
    if not pred.shape == person.shape == household.shape:
        raise ValueError("the three label arrays must have the same length")
    same_person = _cells(household, person)
    together = _cells(household, pred)
    merged = _pairs_in_groups(together) - _pairs_in_groups(_cells(together, same_person))
    return merged, _pairs_in_groups(household) - _pairs_in_groups(same_person)


def clusters_from_pairs(n: int, left: npt.ArrayLike, right: npt.ArrayLike) -> IntArray:
    """Connected components of ``n`` records linked by the pairs ``(left[i], right[i])``.

    Returns one label per record (singletons get their own label).  Uses pointer jumping with numpy
    (min-label propagation), so it needs no graph library.
    """
    lab = np.arange(n, dtype=np.int64)
    a = np.asarray(left, dtype=np.int64)
    b = np.asarray(right, dtype=np.int64)
    if a.shape != b.shape:
        raise ValueError("left and right must have the same length")
    if a.size == 0:
        return lab
    if a.min() < 0 or b.min() < 0 or max(a.max(), b.max()) >= n:
        raise ValueError("pair index out of range")
    while True:
        la, lb = lab[a], lab[b]
        low = np.minimum(la, lb)
        before = lab.copy()
        np.minimum.at(lab, la, low)
        np.minimum.at(lab, lb, low)
        # pointer jumping: follow labels to their roots
        while True:
            nxt = lab[lab]
            if np.array_equal(nxt, lab):
                break
            lab = nxt
        if np.array_equal(lab, before):
            return lab


def pairwise_f1(
    n: int, left: npt.ArrayLike, right: npt.ArrayLike, true_labels: Sequence[Any] | npt.NDArray[Any]
) -> Scores:
    """Pairwise scores of the clusters formed by predicted match pairs (transitive closure).

    ``left``/``right`` index records ``0..n-1``; ``true_labels`` has one entity label per record.
    """
    return pairwise_scores(clusters_from_pairs(n, left, right), true_labels)


def _pair_keys(n: int, left: npt.ArrayLike, right: npt.ArrayLike) -> IntArray:
    a = np.asarray(left, dtype=np.int64)
    b = np.asarray(right, dtype=np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    return np.unique(lo[keep] * n + hi[keep])


def pair_set_scores(
    n: int, left: npt.ArrayLike, right: npt.ArrayLike, true_labels: Sequence[Any] | npt.NDArray[Any]
) -> Scores:
    """Precision / recall / F1 of a set of predicted pairs taken as they are (no transitive closure)."""
    true = encode(true_labels)
    keys = _pair_keys(n, left, right)
    lo, hi = keys // n, keys % n
    tp = int((true[lo] == true[hi]).sum())
    total_true = _pairs_in_groups(true)
    p = tp / len(keys) if len(keys) else 1.0
    r = tp / total_true if total_true else 1.0
    return Scores.of(p, r)


def _across(sources: npt.ArrayLike, keys: IntArray, n: int) -> IntArray:
    """The pair keys ``lo * n + hi`` whose two records lie in different sources."""
    src = encode(np.asarray(sources))
    if len(src) != n:
        raise ValueError("sources must have one entry per record")
    return keys[src[keys // n] != src[keys % n]]


def pairs_completeness(
    n: int,
    left: npt.ArrayLike,
    right: npt.ArrayLike,
    true_labels: Sequence[Any] | npt.NDArray[Any],
    *,
    sources: npt.ArrayLike | None = None,
) -> float:
    """Share of the true pairs that a candidate pair set contains (blocking recall).

    With ``sources`` (one label per record; a linkage), only true pairs across sources count: a linkage
    never compares two records of one source, so such pairs are no blocking's to find.
    """
    if sources is None:
        return pair_set_scores(n, left, right, true_labels).recall
    true = encode(true_labels)
    src = encode(np.asarray(sources))
    if len(src) != n or len(true) != n:
        raise ValueError("true_labels and sources must have one entry per record")
    keys = _across(src, _pair_keys(n, left, right), n)
    found = int((true[keys // n] == true[keys % n]).sum())
    cells = _pairs_in_groups(_cells(true, src))  # true pairs within one source
    total = _pairs_in_groups(true) - cells
    return found / total if total else 1.0


def reduction_ratio(
    n: int, left: npt.ArrayLike, right: npt.ArrayLike, *, sources: npt.ArrayLike | None = None
) -> float:
    """``1 - distinct candidate pairs / all n (n - 1) / 2 pairs``.

    With ``sources`` (a linkage) the comparison space is the pairs across sources, ``|A| |B|`` for two
    files, and only candidate pairs across sources count.
    """
    keys = _pair_keys(n, left, right)
    if sources is None:
        total = n * (n - 1) // 2
    else:
        keys = _across(sources, keys, n)
        sizes = np.bincount(encode(np.asarray(sources))).astype(np.int64)
        total = int((n * n - int((sizes * sizes).sum())) // 2)
    return 1.0 - len(keys) / total if total else 1.0
