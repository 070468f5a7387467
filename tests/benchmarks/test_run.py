"""How benchmarks.run measures a process (what the clock covers, not how long anything takes)."""

from __future__ import annotations

from benchmarks.run import _measured


def test_the_clock_starts_before_the_interpreter() -> None:
    """"Seconds, end to end" includes interpreter start: the clock is the parent's, read just before the
    spawn, so it covers strictly more than the time measured inside the new process."""
    report, _ = _measured("code = 0\nextra = {}", ["x"])
    assert report["seconds"] > report["seconds_in_process"] > 0
    assert report["code"] == 0


def test_a_body_can_stop_the_clock_and_leave_out_its_own_work() -> None:
    """A body ends the measured span with ``stop`` and leaves out ``excluded`` seconds (the Splink run
    reads the truth and tunes its threshold on it; neither is Splink's work)."""
    report, _ = _measured("excluded += 1.5\nstop = start + 4.0\ncode = 0\nextra = {}", ["x"])
    assert report["seconds"] == 4.0 - 1.5
    assert report["excluded_seconds"] == 1.5


def test_the_table_has_a_column_per_baseline_that_ran() -> None:
    from benchmarks.run import _table

    ours = {"records": 10, "seconds_end_to_end": 1.0, "peak_memory_mb": 100.0, "pairwise_f1": 0.99}
    blocking = {"candidate_pairs": 5}
    tool = {"seconds": 3.0, "peak_bytes": 2**30, "threshold": 0.5, "pairwise_f1": 0.9}
    both = _table(ours, blocking, {"splink": tool, "recordlinkage": {**tool, "pairwise_f1": 0.8}}).splitlines()
    assert both[0].split("|")[2:5] == [" identity-resolution ", " Splink ", " recordlinkage "]
    assert [c.strip() for c in both[6].split("|")[1:5]] == ["pairwise f1", "0.9900", "0.9000", "0.8000"]
    alone = _table(ours, blocking, {}).splitlines()
    assert alone[0].count("|") == 3 and alone[1] == "|" + "-" * 21 + "|---|"
