"""The ``identity-dedupe`` command: batch dedupe of customer files.

Exit codes: 0 success, 2 bad input or options (one line on stderr naming the file, row or column),
130 interrupted.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from identity._dedupe import DEFAULT_THRESHOLD, SUPERVISED_THRESHOLD, DedupeResult, dedupe
from identity._exceptions import ConfigurationError, ConvergenceWarning, InputError
from identity._io import check_folder, check_output, parse_column_option, write_table
from identity._model_file import library_version

__all__ = ["main"]

EXAMPLES = """\
examples:
  identity-dedupe erp.csv shopify.csv -o clusters.csv
  identity-dedupe erp.csv shopify.csv -o clusters.parquet --column phone=Phone1,Phone2,Cellular
  identity-dedupe customers.parquet -o out.csv --column source_id=CustomerNo --region GB --pairs pairs.csv
  identity-dedupe erp=2026/customers.csv shop=shopify/customers.csv -o clusters.csv
  identity-dedupe erp.csv shopify.csv -o clusters.csv --previous clusters.csv   # keep last night's ids
  identity-dedupe erp.csv shopify.csv -o clusters.csv --save-model model.json
  identity-dedupe daily/erp.csv daily/shopify.csv -o daily.csv --model model.json
"""

#: ``NAME=PATH``: an input with its source name given (letters, digits, ``_ . -``), not the file's stem
_NAMED_INPUT = re.compile(r"([A-Za-z0-9_.-]+)=(.+)")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="identity-dedupe",
        description="Find which customer records are the same person, within and across files. "
        "Each input file is a source named by its stem (or by NAME in NAME=PATH); every input row "
        "appears in OUT exactly once.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "inputs", nargs="+", metavar="IN", help="CSV, Parquet or JSON Lines files; NAME=PATH names the source"
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="clusters file, .csv or .parquet: source, source_id, cluster_id, cluster_size",
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="[SOURCE:]CANONICAL=COL[,COL...]",
        help="map input columns to canonical ones (repeatable); e.g. phone=Phone1,Phone2,Cellular",
    )
    p.add_argument("--region", default="US", help="default region for phones and postcodes (default: US)")
    p.add_argument(
        "--threshold",
        type=float,
        metavar="P",
        help=f"match probability threshold (default: {DEFAULT_THRESHOLD}; "
        f"{SUPERVISED_THRESHOLD} with a logistic --model)",
    )
    p.add_argument("--pairs", metavar="PAIRS", help="also write scored pairs (.csv or .parquet)")
    p.add_argument("--link-only", action="store_true", help="only link records across sources")
    p.add_argument(
        "--previous",
        metavar="PREV",
        help="clusters file of an earlier run (may be OUT itself): clusters keep their ids from it, "
        "new clusters get ids above all of them",
    )
    p.add_argument(
        "--save-model",
        metavar="MODEL",
        help="also write the fitted model as JSON (parameters only, no records), for --model on later runs",
    )
    p.add_argument(
        "--model",
        metavar="MODEL",
        help="score with a model saved by --save-model instead of training one on this run",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes to use, 1 or 2 (default: 2 on a machine with 2 or more cores); "
        "the result does not depend on it",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    p.add_argument("--version", action="version", version=f"%(prog)s {library_version()}")
    return p


def _inputs(values: Sequence[str]) -> dict[str, Path]:
    """Source name -> path: ``NAME=PATH``, or the file's stem (a file whose own name has ``=`` wins)."""
    named: dict[str, Path] = {}
    for value in values:
        match = _NAMED_INPUT.fullmatch(value)
        if match is not None and not Path(value).exists():
            name, path = match.group(1), Path(match.group(2))
        else:
            name, path = Path(value).stem, Path(value)
        if name in named:
            raise InputError(
                f"two inputs are both source {name!r} ({named[name]} and {path}); "
                f"name them with NAME=PATH, e.g. {name}_2={path}"
            )
        named[name] = path
    return named


class _Progress:
    """Stage progress on stderr: a live line when stderr is a terminal, nothing otherwise."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.started = time.perf_counter()
        self.stages = ["read", "normalize", "block", "compare", "train", "score", "cluster", "write"]

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.enabled:
            return
        done = self.stages.index(stage) if stage in self.stages else 0
        total = len(self.stages)
        filled = int(20 * (done + fraction) / total)
        bar = "#" * filled + "-" * (20 - filled)
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r[{bar}] {stage:<10} {elapsed:6.1f}s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 50 + "\r")
            self.stream.flush()


def _summary(
    result: DedupeResult, write_seconds: float, *, loaded: str | None = None, saved: str | None = None
) -> str:
    s = result.summary
    timings = {**result.timings, "write": write_seconds}
    stages = "  ".join(f"{k} {v:.2f}s" for k, v in timings.items())
    sources = ", ".join(f"{k} {v:,}" for k, v in s["sources"].items())
    lines = [
        f"records {s['records']:,} ({sources})  candidate pairs {s['candidate_pairs']:,}  "
        f"matched pairs {s['matched_pairs']:,}  clusters {s['clusters']:,} "
        f"({s['multi_record_clusters']:,} with more than one record)",
        f"seconds: {stages}  total {sum(timings.values()):.2f}s",
    ]
    if loaded or saved:
        said = [f"loaded from {loaded} (nothing trained on this run)"] if loaded else []
        said += [f"saved to {saved}"] if saved else []
        lines.append("model " + ", ".join(said))
    if "ids_carried" in s:
        lines.append(
            f"ids from {s['previous_origin']}: {s['ids_carried']:,} kept, {s['ids_new']:,} new, "
            f"{s['ids_retired']:,} retired  records: {s['records_new']:,} new, {s['records_gone']:,} gone, "
            f"{s['records_moved']:,} in another cluster than before"
        )
    oversized = [r for r in result.blocking if r.oversized_blocks]
    if oversized:  # a shared placeholder e-mail, a switchboard number, a very common name
        rules = ", ".join(
            f"{r.name} {r.oversized_blocks:,} (largest {r.largest_block:,} records)" for r in oversized
        )
        lines.append(f"oversized blocks, paired with their nearest records only: {rules}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, *, stderr: TextIO | None = None) -> int:
    """Run ``identity-dedupe``; returns the exit code."""
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    progress = _Progress(err, enabled=not args.quiet and err.isatty())
    try:
        columns = parse_column_option(args.column)
        for target in (args.output, args.pairs):
            if target:
                check_output(target)  # before a long run, not after it
        if args.save_model:
            check_folder(args.save_model)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            result = dedupe(
                _inputs(args.inputs),
                columns=columns,
                region=args.region,
                threshold=args.threshold,
                link_only=args.link_only,
                model=args.model,
                workers=args.workers,
                previous=args.previous,
                progress=progress,
            )
        said: set[str] = set()
        for warning in caught:  # one plain line each, not Python's two-line warning with source code
            if issubclass(warning.category, ConvergenceWarning):
                if str(warning.message) not in said:
                    said.add(str(warning.message))
                    progress.close()
                    err.write(f"identity-dedupe: warning: {warning.message}; the match scores may be unreliable\n")
            else:
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno, source=warning.source
                )
        started = time.perf_counter()
        progress("write", 0.0)
        write_table(result.clusters, args.output)
        if args.pairs:
            write_table(result.pairs, args.pairs)
        if args.save_model:
            result.save_model(args.save_model)
        write_seconds = time.perf_counter() - started
    except (InputError, ConfigurationError) as exc:
        progress.close()
        err.write(f"identity-dedupe: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        progress.close()
        err.write("identity-dedupe: interrupted (an output file is written whole or not at all)\n")
        return 130
    progress.close()
    if not args.quiet:
        err.write(_summary(result, write_seconds, loaded=args.model, saved=args.save_model) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
