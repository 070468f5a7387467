"""``python -m benchmarks.missed DIR``: what the true pairs a default run misses have in common.

Reports how many missed true pairs share no e-mail, phone or street address, and, for candidate pairs that
agree on the full name and nothing else (found with the name-only blocking rule added), how often they are
the same person depending on how many records carry that full name. Reads ``DIR/erp.csv``,
``DIR/shopify.csv`` and ``DIR/truth.csv``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.run import truth_labels
from identity import dedupe
from matchers.blocking import DEFAULT_RULES, BlockingIndex, name_rule
from matchers.comparisons import DEFAULT_COMPARISONS, compare_all

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


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.missed")
    parser.add_argument("data_dir", type=Path)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
