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
