"""Run recordlinkage (the Python Record Linkage Toolkit) on a benchmark directory, the way a competent user would.

The classic recordlinkage pipeline: index candidate pairs with several blocking keys (their union),
compare each field with the toolkit's comparisons (Jaro-Winkler above 0.85 for names, streets and
suburbs; exact for e-mail, phone, postcode, date of birth and id), classify with the unsupervised
ECM classifier (Fellegi-Sunter fitted by expectation-conditional maximisation), and cluster the pairs
it scores above a threshold into connected components.

The inputs are mapped to common columns by the same rules as the Splink baseline
(:func:`benchmarks.splink_runner.prepare_erp` and friends). recordlinkage links two data frames or
deduplicates one; an ERP + Shopify directory (duplicates within and across) is deduplicated as one
frame. Like Splink's, its threshold is tuned on the truth when one is given: recordlinkage at its best.

Example::

    python -m benchmarks.recordlinkage_runner DIR      # runs, tunes the threshold on DIR/truth.csv

recordlinkage is in the ``bench`` extra: ``pip install 'identity-resolution[bench]'``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.splink_runner import (
    BaselineResult,
    _read,
    choose_threshold,
    prepare_erp,
    prepare_febrl,
    prepare_shopify,
    runner_main,
)

INSTALL_HINT = "recordlinkage is not installed: pip install 'identity-resolution[bench]' (or: pip install recordlinkage)"

#: Jaro-Winkler similarity at or above which two strings count as agreeing
JARO_WINKLER = 0.85
#: ECM's probabilities crowd near 0 and 1, so the threshold sweep reaches far lower than Splink's
_LOW_THRESHOLDS = (1e-9, 1e-6, 1e-4, 1e-3, 0.005, 0.01, 0.02)
#: phones per record given their own column (ERP partners have Phone1, Phone2 and Cellular)
_PHONES = 3


@dataclass(frozen=True)
class _Setup:
    frames: list[pd.DataFrame]
    blocks: list[str | list[str] | tuple[str, str]]  # a tuple: (left_on, right_on)
    fuzzy: list[str]
    exact: list[str]


def _setup(data_dir: Path) -> _Setup:
    """The ERP + Shopify layout of :mod:`benchmarks.generate`, or a FEBRL set of :mod:`benchmarks.febrl`."""
    if (data_dir / "erp.csv").exists() and (data_dir / "shopify.csv").exists():
        frames = [prepare_erp(_read(data_dir / "erp.csv")), prepare_shopify(_read(data_dir / "shopify.csv"))]
        both = pd.concat(frames, ignore_index=True)
        # recordlinkage blocks and compares scalar columns: up to three phones, each in its own column,
        # blocked on every pairing of them (a mobile may be Phone1 in one record and Cellular in another)
        phones = both.pop("phones").tolist()
        for k in range(_PHONES):
            both[f"phone_{k}"] = [p[k] if len(p) > k else None for p in phones]
        return _Setup(
            frames=[both],
            blocks=["email", *[(f"phone_{i}", f"phone_{j}") for i in range(_PHONES) for j in range(_PHONES)],
                    ["surname", "postcode"], ["first_name", "surname"], ["street", "postcode"]],
            fuzzy=["first_name", "surname", "street"],
            exact=["email", *[f"phone_{k}" for k in range(_PHONES)], "postcode", "city"],
        )
    files = sorted(data_dir.glob("febrl*.csv"))
    if not files:
        raise FileNotFoundError(f"{data_dir}: neither erp.csv + shopify.csv nor febrl*.csv")
    return _Setup(
        frames=[prepare_febrl(_read(path), path.stem) for path in files],
        blocks=[["first_name", "surname"], ["surname", "date_of_birth"], ["first_name", "date_of_birth"],
                ["postcode", "first_name"], ["postcode", "surname"], "national_id", "address"],
        fuzzy=["first_name", "surname", "address", "city"],
        exact=["date_of_birth", "national_id", "postcode"],
    )


def run_recordlinkage(
    data_dir: Path, *, threshold: float | None = None, truth: pd.DataFrame | Path | None = None
) -> BaselineResult:
    """Index, compare, classify (ECM) and cluster ``data_dir``; the same result shape as the Splink run.

    ``threshold`` is on the ECM match probability; ``None`` tunes it on ``truth`` (best pairwise F1)
    if given, else 0.5.

    Raises
    ------
    ImportError
        If recordlinkage is not installed.
    """
    try:
        import recordlinkage
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    timings: dict[str, float] = {}
    t_start = t0 = time.perf_counter()
    setup = _setup(Path(data_dir))
    frames = [frame.set_index("unique_id") for frame in setup.frames]
    keys = np.concatenate([frame.index.to_numpy(dtype=object) for frame in frames])
    timings["prepare"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    indexer = recordlinkage.Index()
    for key in setup.blocks:
        if isinstance(key, tuple):
            indexer.block(left_on=key[0], right_on=key[1])
        else:
            indexer.block(key)
    candidates = indexer.index(*frames)
    timings["index"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    compare = recordlinkage.Compare(n_jobs=1)
    for column in setup.fuzzy:
        compare.string(column, column, method="jarowinkler", threshold=JARO_WINKLER, label=column)
    for column in setup.exact:
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, *frames)
    timings["compare"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ecm = recordlinkage.ECMClassifier(binarize=None)
    ecm.fit(features)
    probability = np.asarray(ecm.prob(features), dtype=np.float64)
    timings["classify"] = time.perf_counter() - t0

    left = features.index.get_level_values(0).to_numpy(dtype=object)
    right = features.index.get_level_values(1).to_numpy(dtype=object)
    partial = BaselineResult(keys, left, right, probability, 0.0, np.zeros(0, np.int64))
    if threshold is None:
        sweep = sorted({*_LOW_THRESHOLDS, *np.round(np.linspace(0.05, 0.95, 19), 4), 0.99, 0.999, 0.9999})
        threshold = choose_threshold(partial, truth, default=0.5, timings=timings, thresholds=sweep)

    t0 = time.perf_counter()
    from benchmarks.metrics import clusters_from_pairs

    a, b = partial.pair_indices()
    keep = probability >= threshold
    clusters = clusters_from_pairs(len(keys), a[keep], b[keep])
    timings["cluster"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - t_start - timings.get("tune", 0.0)
    return BaselineResult(
        keys=keys,
        left=left,
        right=right,
        probability=probability,
        threshold=float(threshold),
        clusters=clusters,
        timings={k: round(v, 3) for k, v in timings.items()},
        tool_version=recordlinkage.__version__,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.recordlinkage_runner DIR [--threshold T]``: run, tune on DIR/truth.csv, report."""
    return runner_main(argv, "recordlinkage", run_recordlinkage)


if __name__ == "__main__":
    sys.exit(main())
