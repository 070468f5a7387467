"""benchmarks.model_reuse: the --model run is measured like the default one and scores the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import generate
from benchmarks.model_reuse import main


def test_the_model_run_is_measured_beside_the_default_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(300, seed=4).write(tmp_path / "data")
    assert main([str(tmp_path / "data"), "--repeat", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    default, reused = (line.split("|")[1:-1] for line in lines[-2:])
    assert default[0].strip() == "default (trains)" and reused[0].strip() == "--model"
    assert float(reused[2]) < 0.05  # nothing trained
    assert reused[4:] == default[4:]  # a model saved from these records scores them the same: P, R, F1, B-cubed
