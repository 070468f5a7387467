"""Work shared with a forked worker process: same results as doing it all here."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers._workers import Chunks, background, bare_local, bare_locals, can_fork

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


def test_phone_slices_join_back_into_their_tasks() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from matchers._workers import join_slices, phone_slices

    tasks_strategy = st.lists(
        st.tuples(
            st.sampled_from([None, "US", "GB"]),
            st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=25),
        ),
        max_size=6,
    )

    @settings(max_examples=200, deadline=None)
    @given(tasks_strategy, st.integers(1, 7))
    def check(tasks: list[tuple[str | None, list[str | None]]], size: int) -> None:
        pieces = phone_slices(tasks, size)
        assert all(len(values) <= size for _, values in pieces)
        # Each piece keeps its task's region; stand in for E.164 numbers with the values' lengths.
        numbers = [np.array([len(v or "") for v in values], dtype=np.int64) for _, values in pieces]
        joined = join_slices(tasks, numbers, size)
        assert [a.tolist() for a in joined] == [[len(v or "") for v in values] for _, values in tasks]

    check()


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=12),
            st.lists(st.sampled_from(["a", "b", ".", "_", "-", "+", "@", "x.com", "\n", "é", ""]), max_size=8).map(
                "".join
            ),
        ),
        max_size=20,
    )
)
def test_bare_locals_is_bare_local_a_column_at_once(keys: list[str | None]) -> None:
    assert bare_locals(pa.array(keys, pa.string())).to_pylist() == [bare_local(k) for k in keys]
