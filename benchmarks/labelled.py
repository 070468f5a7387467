"""``python -m benchmarks.labelled DIR [--pairs 500 3000] [--seed 0]``: supervised scoring from labelled pairs.

Plays a user who has decided some pairs by hand: a default (unsupervised) run finds the candidate pairs,
``--pairs`` of them are drawn at random and labelled from ``DIR/truth.csv``, and ``identity.dedupe`` runs
again with those labels (logistic regression instead of EM). Prints pairwise precision / recall / F1 of
the unsupervised run and, per label count, of the supervised run at its default threshold
(``identity.SUPERVISED_THRESHOLD``) and at the unsupervised default (``identity.DEFAULT_THRESHOLD``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks.metrics import pairwise_scores
from benchmarks.run import truth_labels
from identity import DEFAULT_THRESHOLD, SUPERVISED_THRESHOLD, dedupe

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.labelled")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--pairs", type=int, nargs="+", default=[500, 3000], help="labelled pairs to draw")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = [str(args.data_dir / "erp.csv"), str(args.data_dir / "shopify.csv")]
    base = dedupe(files)
    source = base.clusters["source"].to_pylist()
    source_id = base.clusters["source_id"].to_pylist()
    truth = truth_labels(args.data_dir, source, source_id)
    s = pairwise_scores(base.clusters["cluster_id"].to_numpy(), truth)
    print(f"no labels (threshold {DEFAULT_THRESHOLD}): P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")
    left, right = base.candidate_pairs
    rng = np.random.default_rng(args.seed)
    for n in args.pairs:
        pick = rng.choice(len(left), size=min(n, len(left)), replace=False)
        labels = [
            (source[a], source_id[a], source[b], source_id[b], bool(truth[a] == truth[b]))
            for a, b in zip(left[pick].tolist(), right[pick].tolist(), strict=True)
        ]
        matches = sum(label[-1] for label in labels)
        for threshold in (SUPERVISED_THRESHOLD, DEFAULT_THRESHOLD):
            result = dedupe(files, labels=labels, threshold=threshold)
            s = pairwise_scores(result.clusters["cluster_id"].to_numpy(), truth)
            print(f"{len(labels):,} labelled pairs ({matches:,} matches), threshold {threshold}: "
                  f"P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
