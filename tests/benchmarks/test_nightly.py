"""benchmarks.nightly: what it counts as an id that changed without reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.generate import main as generate_main
from benchmarks.nightly import main, unchanged_clusters


def test_a_cluster_is_unchanged_when_it_holds_the_same_records_of_last_night() -> None:
    before = np.array([0, 0, 1, 2, 3, 3])
    after = np.array([9, 9, 4, 4, 7, 8])  # 0 unchanged (renamed), 1 and 2 merged, 3 split
    assert unchanged_clusters(before, after).tolist() == [True, True, False, False, False, False]


def test_with_previous_no_record_of_an_unchanged_cluster_changes_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert generate_main(["--records", "3000", "--out", str(tmp_path), "--seed", "2"]) == 0
    capsys.readouterr()
    assert main([str(tmp_path), "--new", "0.1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    without = next(line for line in lines if line.startswith("tonight without previous"))
    with_ = next(line for line in lines if line.startswith("tonight with previous"))
    assert with_.endswith(", 0 of them with another id")
    assert not without.endswith(", 0 of them with another id")  # renumbering is what it prevents
