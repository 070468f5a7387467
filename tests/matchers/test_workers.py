"""Work shared with a forked worker process: same results as doing it all here."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from matchers._workers import Chunks, background, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs the fork start method")


def _slow_squares(part: Sequence[int]) -> list[int]:
    time.sleep(0.002)
    return [x * x for x in part]


def test_two_processes_share_the_slices_and_merge_them_in_order() -> None:
    chunks = Chunks(list(range(1000)), 100)
    with background(chunks.run_front, _slow_squares) as theirs:
        for _ in range(5000):  # let the worker claim its first slice, so that both take part
            if chunks._ends[0] > 0:
                break
            time.sleep(0.001)
        mine = chunks.run_back(_slow_squares)
        done = theirs()
    assert mine and done
    assert not set(mine) & set(done)
    assert chunks.merge(mine, done) == [x * x for x in range(1000)]


def test_a_slice_done_by_nobody_is_an_error() -> None:
    chunks = Chunks(list(range(10)), 5)
    some = chunks.run_front(_slow_squares, limit=2)
    with pytest.raises(RuntimeError, match="slices done"):
        chunks.merge(some)


def test_an_error_in_the_worker_reaches_the_caller() -> None:
    def fail() -> None:
        raise ValueError("in the worker")

    with background(fail) as result, pytest.raises(ValueError, match="in the worker"):
        result()
