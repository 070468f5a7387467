"""The Splink baseline's user-level preparation and the result type both baselines share (no Splink needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.splink_runner import (
    BaselineResult,
    choose_threshold,
    evaluate,
    parse_card_name,
    prepare_shopify,
)


def test_shopify_surname_drops_a_generational_suffix_like_the_erp_card() -> None:
    """``Smith Jr.`` in Shopify's last_name is the surname ``smith``, as ``John Smith Jr.`` on an ERP
    card is: the same rule on both sides, not a surname ``jr`` that agrees with no one."""
    shop = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "first_name": ["John", "john q", ""],
            "last_name": ["Smith Jr.", "O'Brien JR", "van der Berg"],
            "email": ["", "", ""],
            "phone": ["", "", ""],
            "address1": ["", "", ""],
            "zip": ["", "", ""],
            "city": ["", "", ""],
        }
    )
    prepared = prepare_shopify(shop)
    assert prepared["surname"].tolist() == ["smith", "o'brien", "berg"]
    assert prepared["first_name"].tolist()[:2] == ["john", "john"] and pd.isna(prepared["first_name"][2])
    assert parse_card_name("John Smith Jr.")[1] == prepared["surname"][0]


def test_febrl_dates_of_birth_reach_splinks_date_difference_levels() -> None:
    """Splink 4.0's DateOfBirthComparison parses ``datetime_format`` for its null level only; its date
    difference levels (1 month, 1 year, 10 years) parse with the default ``%Y-%m-%d``. FEBRL writes
    ``19560409``, so those levels never fired ("u probability not trained ... never observed"). The
    preparation writes ISO dates and leaves the comparison on its default format."""
    from benchmarks.splink_runner import _febrl_settings, prepare_febrl

    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "first_name": ["john", "", "x"],
            "last_name": ["smith", "", "y"],
            "address": ["", "", ""],
            "city": ["", "", ""],
            "postcode": ["", "", ""],
            "date_of_birth": ["19560409", "", "19561340"],
            "national_id": ["", "", ""],
        }
    )
    prepared = prepare_febrl(frame, "febrl")
    assert prepared["date_of_birth"][0] == "1956-04-09"
    assert pd.isna(prepared["date_of_birth"][1])
    assert prepared["date_of_birth"][2] == "1956-13-40"  # not a date: Splink's null level, as before
    pytest.importorskip("splink", reason="the comparison's SQL comes from Splink (the bench extra)")
    settings = _febrl_settings("dedupe_only").get_settings("duckdb").as_dict()
    dob = next(c for c in settings["comparisons"] if c["output_column_name"] == "date_of_birth")
    levels = [lvl["sql_condition"] for lvl in dob["comparison_levels"]]
    difference_levels = [sql for sql in levels if "EPOCH" in sql]
    assert difference_levels and all("'%Y-%m-%d'" in sql for sql in difference_levels)
    assert all("'%Y%m%d'" not in sql for sql in levels)


def test_a_baseline_result_is_tuned_and_scored_whichever_tool_made_it() -> None:
    """Both runners return a :class:`BaselineResult`; the threshold choice and the scores read only it."""
    keys = np.array(["erp:1", "shopify:1", "erp:2", "shopify:2"], dtype=object)
    truth = pd.DataFrame({"source": ["erp", "shopify", "erp", "shopify"], "source_id": ["1", "1", "2", "2"],
                          "person_id": [1, 1, 2, 3]})
    # the true pair scores 0.95, a false one 0.4: any threshold above 0.4 and at most 0.95 is perfect
    partial = BaselineResult(keys, keys[[0, 2]], keys[[1, 3]], np.array([0.95, 0.4]), 0.0, np.zeros(0, np.int64))
    timings: dict[str, float] = {}
    threshold = choose_threshold(partial, truth, default=0.5, timings=timings, thresholds=[0.3, 0.9])
    assert threshold == 0.9 and "tune" in timings
    assert choose_threshold(partial, None, default=0.5, timings={}) == 0.5
    done = BaselineResult(keys, partial.left, partial.right, partial.probability, threshold, np.array([0, 0, 1, 2]))
    assert evaluate(done, truth)["pairwise_f1"] == 1.0
    assert "household_pairs" not in evaluate(done, truth)  # a truth without households (FEBRL)
    # erp:2 and shopify:2 are two people of one household: merging them is one household pair merged
    truth["household_id"] = [1, 1, 2, 2]
    merged = BaselineResult(keys, partial.left, partial.right, partial.probability, threshold, np.array([0, 0, 1, 1]))
    assert {k: evaluate(merged, truth)[k] for k in ("household_pairs", "household_pairs_merged")} == {
        "household_pairs": 1, "household_pairs_merged": 1}
