"""``python -m benchmarks.nightly DIR [--new 0.05] [--seed 0]``: do cluster ids stay put from night to night?

Plays two nights of a batch job on a generated set (``benchmarks.generate``): last night's files lack a
random ``--new`` share of the records of each source (the customers that arrive today), tonight's are
complete. Tonight runs twice, without and with ``previous=`` last night's clusters, and the script
prints, for the records both nights have:

- how many kept last night's id;
- how many are in a cluster whose membership did not change (the same records of last night, plus
  perhaps new ones), and how many of those still changed id: the renumbering that ``previous`` exists
  to prevent, which must be 0 with it;
- the seconds of each run (in process, reading included, writing not).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from identity import DedupeResult, dedupe
from identity._io import read_source

__all__ = ["main", "unchanged_clusters"]


def unchanged_clusters(before: npt.NDArray[np.int64], after: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """For records present both nights, whether their cluster holds the same records of last night.

    ``before`` and ``after`` are each record's cluster id last night and tonight.

    >>> unchanged_clusters(np.array([0, 0, 1, 2]), np.array([5, 5, 6, 6])).tolist()
    [True, True, False, False]
    """
    pair = before.astype(np.int64) * (int(after.max()) + 1 if len(after) else 1) + after
    _, pair_at, pair_n = np.unique(pair, return_inverse=True, return_counts=True)
    _, before_at, before_n = np.unique(before, return_inverse=True, return_counts=True)
    _, after_at, after_n = np.unique(after, return_inverse=True, return_counts=True)
    shared = pair_n[pair_at]
    return (shared == before_n[before_at]) & (shared == after_n[after_at])


def _ids(result: DedupeResult) -> dict[tuple[str, str], int]:
    c = result.clusters
    keys = zip(c["source"].to_pylist(), c["source_id"].to_pylist(), strict=True)
    return dict(zip(keys, c["cluster_id"].to_pylist(), strict=True))


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.nightly")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--new", type=float, default=0.05, help="share of records that arrive tonight")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tonight = {name: read_source(args.data_dir / f"{name}.csv").table for name in ("erp", "shopify")}
    rng = np.random.default_rng(args.seed)
    last_night = {name: t.filter(pa.array(rng.random(t.num_rows) >= args.new)) for name, t in tonight.items()}

    started = time.perf_counter()
    night1 = dedupe(last_night)
    print(f"last night: {night1.summary['records']:,} records, {night1.summary['clusters']:,} clusters, "
          f"{time.perf_counter() - started:.1f} s")
    before = _ids(night1)
    keys = list(before)
    old = np.array([before[k] for k in keys], dtype=np.int64)
    for label, previous in (("without previous", None), ("with previous", night1.clusters)):
        started = time.perf_counter()
        result = dedupe(tonight, previous=previous)
        seconds = time.perf_counter() - started
        after = _ids(result)
        new = np.array([after[k] for k in keys], dtype=np.int64)
        same = unchanged_clusters(old, new)
        kept = old == new
        print(f"tonight {label}: {result.summary['records']:,} records, {seconds:.1f} s; of the "
              f"{len(keys):,} records of last night {kept.sum():,} kept their id "
              f"({kept.mean():.2%}); {same.sum():,} are in a cluster of unchanged membership, "
              f"{(same & ~kept).sum():,} of them with another id")
        if previous is not None:
            s = result.summary
            print(f"  summary: ids {s['ids_carried']:,} kept, {s['ids_new']:,} new, {s['ids_retired']:,} "
                  f"retired; records {s['records_new']:,} new, {s['records_gone']:,} gone, "
                  f"{s['records_moved']:,} moved")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
