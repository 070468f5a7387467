"""``python -m benchmarks.model_reuse DIR [--train TRAIN_DIR]``: a normal run against a ``--model`` run.

The model is fitted once on ``TRAIN_DIR`` (default: ``DIR`` itself) and saved with ``--save-model``
(untimed). Then the default ``identity-dedupe`` run and the ``--model`` run on ``DIR`` are measured
alternately, ``--repeat`` times each, as :func:`benchmarks.run.run_ours` measures (a fresh process,
end to end, quality against ``DIR/truth.csv``). Alternating keeps load from elsewhere on the machine
from falling on one side only; the table shows the median time and the spread.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.run import _inputs, run_ours

__all__ = ["main", "save_model"]


def save_model(train_dir: Path, model: Path) -> None:
    """Fit a model on ``train_dir`` with the CLI's defaults and save it to ``model``."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = [*map(str, _inputs(train_dir)), "-o", str(Path(tmp) / "c.parquet"), "-q", "--save-model", str(model)]
        subprocess.run([sys.executable, "-m", "identity._cli", *argv], check=True)


def _row(label: str, runs: list[dict[str, Any]]) -> str:
    seconds = [r["seconds_end_to_end"] for r in runs]
    train = statistics.median(r["stages"].get("train", 0.0) for r in runs)
    last = runs[-1]
    return (
        f"| {label} | {statistics.median(seconds):.2f} ({min(seconds):.2f}-{max(seconds):.2f}) | {train:.2f} | "
        f"{last['peak_memory_mb']:.0f} | {last['pairwise_precision']:.4f} | {last['pairwise_recall']:.4f} | "
        f"{last['pairwise_f1']:.4f} | {last['bcubed_f1']:.4f} | {last.get('household_pairs_merged', '-')} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.model_reuse", description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="generated data set to score (with truth.csv)")
    parser.add_argument("--train", type=Path, help="data set to fit the model on (default: DATA)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind (default: 3)")
    args = parser.parse_args(argv)
    normal: list[dict[str, Any]] = []
    reused: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.json"
        save_model(args.train or args.data, model)
        for _ in range(args.repeat):
            normal.append(run_ours(args.data))
            reused.append(run_ours(args.data, model=model))
    print(f"{args.data}: {normal[0]['records']:,} records; model fitted on {args.train or args.data}")
    print(
        "| run | seconds end to end, median (range) | train s | peak MB | P | R | F1 | B-cubed F1 "
        "| household pairs merged |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(_row("default (trains)", normal))
    print(_row("--model", reused))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
