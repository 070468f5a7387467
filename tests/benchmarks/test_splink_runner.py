"""The Splink baseline's user-level preparation (no Splink needed)."""

from __future__ import annotations

import pandas as pd

from benchmarks.splink_runner import parse_card_name, prepare_shopify


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
