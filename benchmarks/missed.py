"""``python -m benchmarks.missed DIR [--ceiling]``: what the true pairs a default run misses have in common.

Reports how many missed true pairs share no e-mail, phone or street address, and, for candidate pairs that
agree on the full name and nothing else (found with the name-only blocking rule added), how often they are
the same person depending on how many records carry that full name. Reads ``DIR/erp.csv``,
``DIR/shopify.csv`` and ``DIR/truth.csv``.

``--ceiling`` estimates how far any scorer that sees what ours sees could go. Every candidate pair (default
rules plus the name-only rule) is put in a group by its comparison levels, how many records carry its full
name (capped at 12), which sources it joins and whether the countries agree. Then, *using the truth*, the
groups are accepted whose share of true pairs is at least 0.5 ... 0.9, the accepted pairs clustered, and the
pairwise scores printed: a bound no real scorer reaches, since it knows each group's precision. Last, every
true candidate pair is accepted (perfect pair classification): the ceiling the candidate pairs leave.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.metrics import clusters_from_pairs, pairwise_scores
from benchmarks.run import truth_labels
from identity import dedupe
from matchers.blocking import DEFAULT_RULES, BlockingIndex, name_rule
from matchers.comparisons import DEFAULT_COMPARISONS, compare_all
from matchers.features import Features

__all__ = ["main"]


def _true_pairs(labels: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(labels)]
    left, right = [], []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        rows = np.sort(order[s:e]).tolist()
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                left.append(rows[i])
                right.append(rows[j])
    return np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)


def _ceiling(
    features: Features, labels: npt.NDArray[np.int64], occurrences: npt.NDArray[np.int64],
    left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], gamma: npt.NDArray[np.int8],
) -> None:
    same = labels[left] == labels[right]
    sources = features.source.astype(np.int64)
    countries = np.where(
        (features.country[left] < 0) | (features.country[right] < 0), 0,
        np.where(features.country[left] == features.country[right], 1, 2),
    )
    keys = np.column_stack([gamma, np.minimum(occurrences, 12), sources[left] * 64 + sources[right], countries])
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    share = np.bincount(group, weights=same) / np.bincount(group)
    print(f"ceiling over {len(left):,} candidate pairs in {len(share):,} groups (truth picks the groups):")
    for minimum in (0.5, 0.6, 0.7, 0.8, 0.9):
        accept = share[group] >= minimum
        s = pairwise_scores(clusters_from_pairs(features.n, left[accept], right[accept]), labels)
        print(f"  accept groups >= {minimum:.1f} true: P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")
    s = pairwise_scores(clusters_from_pairs(features.n, left[same], right[same]), labels)
    print(f"  every true candidate pair:   P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.missed")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--ceiling", action="store_true", help="also estimate the best reachable F1")
    args = parser.parse_args(argv)
    result = dedupe([str(args.data_dir / "erp.csv"), str(args.data_dir / "shopify.csv")])
    clusters = result.clusters
    labels = truth_labels(args.data_dir, clusters["source"].to_pylist(), clusters["source_id"].to_pylist())
    predicted = clusters["cluster_id"].to_numpy()
    features = result.features
    assert features is not None
    names = [c.name for c in DEFAULT_COMPARISONS]
    email, phone, address = names.index("email"), names.index("phone"), names.index("address")

    left, right = _true_pairs(labels)
    missed = predicted[left] != predicted[right]
    gamma = compare_all(DEFAULT_COMPARISONS, features, left[missed], right[missed])
    shared = np.isin(gamma[:, email], (1, 2)) | (gamma[:, phone] == 1) | np.isin(gamma[:, address], (1, 2))
    print(f"true pairs {len(left):,}; missed {int(missed.sum()):,}; of those sharing no e-mail, phone or "
          f"street address: {int((~shared).sum()):,} ({(~shared).mean():.1%})")

    index = BlockingIndex(rules=(*DEFAULT_RULES, name_rule())).fit(features)
    cl, cr = index.pairs
    g = compare_all(DEFAULT_COMPARISONS, features, cl, cr)
    name_only = (g[:, 0] == 1) & (g[:, 1] == 1) & ~np.isin(g[:, email], (1, 2, 3)) & (g[:, phone] == 0)
    name_only &= g[:, address] == 0
    full = features.first.astype(np.int64) * (len(features.last_vocab) + 1) + features.last
    counts = Counter(full[(features.first >= 0) & (features.last >= 0)].tolist())
    occurrences = np.array([counts.get(x, 0) for x in full[cl].tolist()])
    same = labels[cl] == labels[cr]
    print("candidate pairs agreeing on the full name and nothing else, by how many records carry the name:")
    for k in (2, 3, 4, 6, 10):
        sel = name_only & (occurrences == k)
        if sel.any():
            print(f"  {k:>2} records: {int(sel.sum()):>6,} pairs, same person {same[sel].mean():.0%}")
    if args.ceiling:
        _ceiling(features, labels, occurrences, cl, cr, g)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
