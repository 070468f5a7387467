"""Blocking: vectorized pair generation against the O(n^2) reference, caps, link-only, reports."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import NotFittedError
from matchers._reference import block_pairs
from matchers.blocking import BlockingIndex, RuleReport, email_rule, pairs_within_blocks, phone_rule
from matchers.features import build_features


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=80))
def test_pairs_within_blocks_matches_reference(items: list[tuple[int, int]]) -> None:
    rows = np.array([r for r, _ in items], dtype=np.int64)
    keys = np.array([k for _, k in items], dtype=np.int64)
    left, right = pairs_within_blocks(rows, keys, rows, max_block_size=10_000, window=3)
    fast = set(zip(left.tolist(), right.tolist(), strict=True))
    assert fast == block_pairs(rows.tolist(), keys.tolist())
    assert (left < right).all()


def test_oversized_block_is_split_into_windows_and_reported() -> None:
    rows = np.arange(100, dtype=np.int64)
    keys = np.zeros(100, dtype=np.int64)
    report = RuleReport("common name")
    left, right = pairs_within_blocks(rows, keys, rows, max_block_size=50, window=3, report=report)
    assert len(left) == 99 + 98 + 97  # each record with its next three neighbours
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {
        (i, j) for i in range(100) for j in range(i + 1, min(i + 4, 100))
    }
    assert report.oversized_blocks == 1 and report.largest_block == 100
    assert report.records_in_oversized_blocks == 100


def test_record_listed_twice_under_one_key_gives_no_self_pair() -> None:
    rows = np.array([0, 0, 1], dtype=np.int64)
    keys = np.array([5, 5, 5], dtype=np.int64)
    left, right = pairs_within_blocks(rows, keys, rows, max_block_size=10, window=2)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]


def _features() -> pa.Table:
    return pa.table(
        {
            "source": ["erp", "erp", "shopify", "shopify"],
            "email": [["a@x.com"], ["b@x.com"], ["A@x.com"], None],
            "phone": [["(212) 736-5000"], ["212 555 0100", "+1 212 736 5000"], None, ["+12125550100"]],
        }
    )


def test_index_unions_rules_and_deduplicates() -> None:
    f = build_features(_features())
    index = BlockingIndex(rules=(email_rule(), phone_rule())).fit(f)
    pairs = set(zip(index.left_.tolist(), index.right_.tolist(), strict=True))  # type: ignore[union-attr]
    assert pairs == {(0, 2), (0, 1), (1, 3)}
    email_report, phone_report = index.report_
    assert email_report.pairs == 1 and email_report.new_pairs == 1
    assert phone_report.pairs == 2 and phone_report.new_pairs == 2


def test_link_only_drops_within_source_pairs() -> None:
    f = build_features(_features())
    index = BlockingIndex(rules=(email_rule(), phone_rule()), link_only=True).fit(f)
    pairs = set(zip(index.left_.tolist(), index.right_.tolist(), strict=True))  # type: ignore[union-attr]
    assert pairs == {(0, 2), (1, 3)}


def test_pairs_before_fit_raises_not_fitted() -> None:
    with pytest.raises(NotFittedError, match="fit"):
        _ = BlockingIndex().pairs


def test_exhaustive_comparisons_leave_out_rules_that_split_oversized_blocks() -> None:
    f = build_features(
        pa.table({"email": ["a@x.com"] * 5 + ["b@x.com", "b@x.com"], "phone": ["+12125550100"] * 7})
    )
    index = BlockingIndex(rules=(email_rule(), phone_rule()), max_block_size=5).fit(f)
    assert index.exhaustive_comparisons == ("email",)  # the phone block of 7 was split
    with pytest.raises(NotFittedError):
        _ = BlockingIndex().exhaustive_comparisons
