"""``python -m benchmarks.run DIR``: our end-to-end batch run and Splink's, side by side, on one data set.

What is measured, and how:

- **ours, end to end**: the ``identity-dedupe`` CLI in a fresh Python process, reading every CSV in
  ``DIR`` (except ``truth.csv``) and writing Parquet, with default settings (no threshold tuned on the
  truth). Wall time runs from just before the interpreter is spawned to the end of writing: it includes
  interpreter start, imports, reading and writing. Peak memory counts the
  worker processes too: the larger of the process's own peak RSS and the peak, sampled every 25 ms, of
  the summed proportional set size (PSS) of the process and its children. Stage times come from the
  CLI's own summary.
- **quality**: pairwise precision / recall / F1 and B-cubed F1 of the written clusters against
  ``DIR/truth.csv`` (``source, source_id, person_id``); pairs completeness and reduction ratio of the
  blocking, from an untimed in-process run with the same settings (with ``--link-only`` both over the
  pairs across sources: ``|A| |B|`` pairs to compare, and the true pairs across sources).
- **Splink** (when the ``bench`` extra is installed and DIR holds ``erp.csv`` + ``shopify.csv``, or a FEBRL
  set from :mod:`benchmarks.febrl`): Splink 4
  on DuckDB in its own process, set up as a competent user would (see ``benchmarks/splink_runner.py``),
  with its threshold tuned on the truth: Splink at its best. Its time runs from just before its
  interpreter is spawned to its clusters in memory (it writes nothing), less reading the truth and
  tuning the threshold on it (the benchmark's work, not Splink's); peak memory as for ours.
- **recordlinkage** (the same conditions): its classic index / compare / ECM pipeline on the same common
  columns (``benchmarks/recordlinkage_runner.py``), its threshold tuned on the truth too, measured the
  same way.

Results are printed as a table and written as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from benchmarks._memory import TreeMemory
from benchmarks.metrics import (
    bcubed_scores,
    household_merges,
    pairs_completeness,
    pairwise_scores,
    reduction_ratio,
)

__all__ = ["BASELINES", "main", "run_baseline_measured", "run_ours", "run_splink_measured", "truth_columns", "truth_labels"]

_MEASURE = """
import time
start = {spawned!r}  # time.monotonic() in the parent just before it spawned this interpreter
in_process = time.monotonic()
import json, resource, sys
sys.argv = {argv!r}
excluded = 0.0
{body}
if "stop" not in globals():
    stop = time.monotonic()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
with open({report!r}, "w") as handle:
    json.dump({{"seconds": stop - start - excluded, "seconds_in_process": stop - in_process - excluded,
               "excluded_seconds": excluded, "peak_bytes": peak, "code": code, **extra}}, handle)
"""


def _measured(body: str, argv: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
    """Run ``body`` in a fresh interpreter; return its report (seconds, peak bytes) and stderr.

    ``seconds`` runs from just before the interpreter is spawned (``time.monotonic`` is one clock for
    every process on Linux) to the end of ``body``, or to ``stop`` if ``body`` sets it, less
    ``excluded`` (seconds ``body`` spent on the benchmark's own work, such as reading the truth); so it
    includes interpreter start and imports. ``seconds_in_process`` is the same without interpreter
    start. ``peak_bytes`` is the larger of the process's own peak RSS and the sampled peak of the summed
    PSS of the process and its children (see :mod:`benchmarks._memory`); both are kept in the report too.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = str(Path(tmp) / "report.json")
        started = time.perf_counter()
        spawned = time.monotonic()
        script = _MEASURE.format(spawned=spawned, argv=argv, body=body, report=report)
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        with TreeMemory(proc.pid) as memory:
            stdout, stderr = proc.communicate()
        outside = time.perf_counter() - started
        if not Path(report).exists():
            raise RuntimeError(f"measured run failed ({proc.returncode}):\n{stderr[-3000:]}")
        data: dict[str, Any] = json.loads(Path(report).read_text())
        data["wall_seconds"] = outside
        data["peak_rss_bytes"] = data["peak_bytes"]
        data["peak_tree_pss_bytes"] = memory.peak_bytes
        data["peak_bytes"] = max(data["peak_bytes"], memory.peak_bytes)
        return data, stderr + stdout


def _inputs(data_dir: Path) -> list[Path]:
    files = sorted(p for p in data_dir.glob("*.csv") if p.name != "truth.csv")
    if not files:
        raise SystemExit(f"{data_dir}: no input CSV files")
    return files


def truth_columns(
    data_dir: Path, sources: list[str], ids: list[str], columns: Sequence[str] = ("person_id",)
) -> dict[str, np.ndarray]:
    """Each record's ``columns`` of ``DIR/truth.csv``, read once; a column the file lacks is left out
    (``household_id`` is in a generated set's truth, not in FEBRL's)."""
    truth = pacsv.read_csv(
        data_dir / "truth.csv",
        convert_options=pacsv.ConvertOptions(column_types={"source": pa.string(), "source_id": pa.string()}),
    )
    row_of = {key: k for k, key in enumerate(zip(truth["source"].to_pylist(), truth["source_id"].to_pylist(), strict=True))}
    rows = np.array([row_of[(s, i)] for s, i in zip(sources, ids, strict=True)], dtype=np.int64)
    return {c: truth[c].to_numpy()[rows] for c in columns if c in truth.column_names}


def truth_labels(data_dir: Path, sources: list[str], ids: list[str], column: str = "person_id") -> np.ndarray:
    """Each record's ``column`` of ``DIR/truth.csv`` (``person_id``, or ``household_id`` of a generated set)."""
    return truth_columns(data_dir, sources, ids, (column,))[column]


def run_ours(
    data_dir: Path, *, link_only: bool = False, threshold: float | None = None, model: Path | None = None
) -> dict[str, Any]:
    """The timed CLI run and its quality against the truth (with ``model``: ``--model``, no training)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clusters.parquet"
        argv = ["identity-dedupe", *map(str, _inputs(data_dir)), "-o", str(out)]
        if link_only:
            argv.append("--link-only")
        if threshold is not None:
            argv += ["--threshold", str(threshold)]
        if model is not None:
            argv += ["--model", str(model)]
        body = "from identity._cli import main\ncode = main()\nextra = {}"
        report, stderr = _measured(body, argv)
        if report["code"] != 0:
            raise RuntimeError(f"identity-dedupe failed:\n{stderr}")
        clusters = pq.read_table(out)
    stages = dict(re.findall(r"(\w+) ([\d.]+)s", stderr.split("seconds:")[-1]))
    sources, ids = clusters["source"].to_pylist(), clusters["source_id"].to_pylist()
    result: dict[str, Any] = {
        "records": clusters.num_rows,
        "seconds_end_to_end": report["seconds"],
        "seconds_in_process": report["seconds_in_process"],
        "wall_seconds_with_interpreter": report["wall_seconds"],
        "peak_memory_mb": report["peak_bytes"] / 2**20,
        "stages": {k: float(v) for k, v in stages.items() if k != "total"},
        "summary_line": stderr.strip().splitlines()[0] if stderr.strip() else "",
    }
    if (data_dir / "truth.csv").exists():
        truth = truth_columns(data_dir, sources, ids, ("person_id", "household_id"))
        labels = truth["person_id"]
        predicted = clusters["cluster_id"].to_numpy()
        pw = pairwise_scores(predicted, labels)
        b3 = bcubed_scores(predicted, labels)
        result.update(pairwise_precision=pw.precision, pairwise_recall=pw.recall, pairwise_f1=pw.f1,
                      bcubed_f1=b3.f1)
        if "household_id" in truth:
            merged, pairs = household_merges(predicted, labels, truth["household_id"])
            result.update(household_pairs=pairs, household_pairs_merged=merged)
    return result


def blocking_quality(data_dir: Path, *, link_only: bool = False) -> dict[str, Any]:
    """Candidate pairs, pairs completeness and reduction ratio (untimed, in process)."""
    from identity import dedupe

    result = dedupe(list(map(str, _inputs(data_dir))), link_only=link_only)
    left, right = result.candidate_pairs
    out: dict[str, Any] = {"candidate_pairs": len(left)}
    if (data_dir / "truth.csv").exists():
        clusters = result.clusters
        labels = truth_labels(data_dir, clusters["source"].to_pylist(), clusters["source_id"].to_pylist())
        # A linkage compares records across sources only: its comparison space and its true pairs are
        # the pairs across sources.
        sources = clusters["source"].to_numpy(zero_copy_only=False) if link_only else None
        out["pairs_completeness"] = pairs_completeness(len(labels), left, right, labels, sources=sources)
        out["reduction_ratio"] = reduction_ratio(len(labels), left, right, sources=sources)
    out["rules"] = [
        {"rule": r.name, "pairs": r.pairs, "new_pairs": r.new_pairs, "oversized_blocks": r.oversized_blocks,
         "largest_block": r.largest_block}
        for r in result.blocking
    ]
    return out


#: The baselines: display name, the module that must import, and the runner in ``benchmarks``.
BASELINES = {
    "splink": ("Splink", "splink", "benchmarks.splink_runner", "run_splink"),
    "recordlinkage": ("recordlinkage", "recordlinkage", "benchmarks.recordlinkage_runner", "run_recordlinkage"),
}


def run_baseline_measured(data_dir: Path, tool: str) -> dict[str, Any] | None:
    """A baseline (``splink`` or ``recordlinkage``) in its own process, threshold tuned on the truth.

    None when the tool is not installed or ``data_dir`` is neither a generated nor a FEBRL directory.
    Its time runs from process start to its clusters in memory. Reading the truth and tuning the
    threshold on it are the benchmark's work, not the tool's (a user has no truth): both are left out,
    and so is scoring the clusters, which happens after the clock stops.
    """
    _, module, runner_module, runner = BASELINES[tool]
    try:
        __import__(module)
    except ImportError:
        return None
    generated = (data_dir / "erp.csv").exists() and (data_dir / "shopify.csv").exists()
    if not (generated or any(data_dir.glob("febrl*.csv"))):
        return None
    body = (
        "from pathlib import Path\n"
        "from benchmarks.splink_runner import evaluate, _read\n"
        f"from {runner_module} import {runner} as run\n"
        "t = time.monotonic()\n"
        f"truth = _read(Path({str(data_dir / 'truth.csv')!r}))\n"
        "excluded += time.monotonic() - t\n"
        f"r = run(Path({str(data_dir)!r}), truth=truth)\n"
        "stop = time.monotonic()\n"
        "excluded += r.timings.get('tune', 0.0)\n"
        "extra = {'timings': r.timings, 'threshold': r.threshold, 'version': r.tool_version, **evaluate(r, truth)}\n"
        "code = 0"
    )
    report, _ = _measured(body, [tool])
    return report


def run_splink_measured(data_dir: Path) -> dict[str, Any] | None:
    """Splink in its own process, threshold tuned on the truth; None when Splink is not installed."""
    return run_baseline_measured(data_dir, "splink")


def _table(ours: dict[str, Any], blocking: dict[str, Any], baselines: dict[str, dict[str, Any]]) -> str:
    tools = list(baselines.values())

    def row(label: str, mine: str, theirs: Callable[[dict[str, Any]], str]) -> list[str]:
        return [label, mine, *(theirs(b) for b in tools)]

    rows = [
        row("records", f"{ours['records']:,}", lambda b: f"{ours['records']:,}"),
        row("seconds, end to end", f"{ours['seconds_end_to_end']:.1f}", lambda b: f"{b['seconds']:.1f}"),
        row("peak memory (MB)", f"{ours['peak_memory_mb']:.0f}", lambda b: f"{b['peak_bytes'] / 2**20:.0f}"),
        row("threshold", "default", lambda b: f"{b['threshold']} (tuned on truth)"),
    ]
    for key in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1"):
        if key in ours:
            rows.append(row(key.replace("_", " "), f"{ours[key]:.4f}", lambda b, k=key: f"{b[k]:.4f}"))
    if "household_pairs" in ours:
        rows.append(
            row(
                "household pairs merged",
                f"{ours['household_pairs_merged']:,} of {ours['household_pairs']:,}",
                lambda b: f"{b['household_pairs_merged']:,}" if "household_pairs_merged" in b else "-",
            )
        )
    rows.append(row("candidate pairs", f"{blocking['candidate_pairs']:,}", lambda b: "-"))
    if "pairs_completeness" in blocking:
        rows.append(row("pairs completeness", f"{blocking['pairs_completeness']:.4f}", lambda b: "-"))
        rows.append(row("reduction ratio", f"{blocking['reduction_ratio']:.6f}", lambda b: "-"))
    width = max(len(r[0]) for r in rows)
    names = [BASELINES[tool][0] for tool in baselines]
    lines = [
        "| " + " | ".join([" " * width, "identity-resolution", *names]) + " |",
        f"|{'-' * (width + 2)}|" + "---|" * (1 + len(names)),
    ]
    lines += ["| " + " | ".join([r[0].ljust(width), *r[1:]]) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m benchmarks.run DIR [--link-only] [--no-splink] [--no-recordlinkage] [--json FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--link-only", action="store_true", help="link across sources only (FEBRL4)")
    parser.add_argument("--no-splink", action="store_true", help="skip the Splink run")
    parser.add_argument("--no-recordlinkage", action="store_true", help="skip the recordlinkage run")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}", flush=True)
    ours = run_ours(args.data_dir, link_only=args.link_only)
    print(f"ours: {ours['seconds_end_to_end']:.1f}s end to end, stages {ours['stages']}", flush=True)
    blocking = blocking_quality(args.data_dir, link_only=args.link_only)
    skip = {"splink": args.no_splink, "recordlinkage": args.no_recordlinkage}
    baselines: dict[str, dict[str, Any]] = {}
    for tool in BASELINES:
        report = None if skip[tool] else run_baseline_measured(args.data_dir, tool)
        if report is not None:
            baselines[tool] = report
            print(f"{tool} {report['version']}: {report['seconds']:.1f}s, stages {report['timings']}", flush=True)
    print(_table(ours, blocking, baselines))
    for rule in blocking["rules"]:
        print(f"  rule {rule['rule']}: {rule['pairs']:,} pairs ({rule['new_pairs']:,} new), "
              f"{rule['oversized_blocks']} oversized blocks, largest {rule['largest_block']}")
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "blocking": blocking, **baselines}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
