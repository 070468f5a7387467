"""Comparisons: vectorized levels agree with the per-pair reference; level semantics on examples."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers import _reference as ref
from matchers.comparisons import (
    AddressComparison,
    EmailComparison,
    FirstNameComparison,
    PhoneComparison,
    SurnameComparison,
)
from matchers.features import build_features

FIRSTS = [
    "John",
    "Jon",
    "Johnny",
    "J",
    "Jane",
    "Bill",
    "William",
    "Will",
    "Liz",
    "Elizabeth",
    "Beth",
    "Catherine",
    "Katherine",
    "Kate",
    None,
    "",
    "Maria",
    "Mario",
    "Robert",
    "Bob",
    "Rob",
    "Anne",
    "Ann",
    "Ricky",
    "Richard",
    "Tina",
    "Christine",
    "Chris",
]
PHONES = [
    None,
    ["(212) 736-5000"],
    ["+1 212 736 5000", "917 555 0134"],
    ["646 736 5000"],
    ["020 7946 0958"],
    ["n/a"],
    ["+44 20 7946 0958", "+1 917 555 0134"],
]
STREETS = [
    None,
    "12 Main Street",
    "12 Main St",
    "12 Mian St",
    "14 Main St",
    "Flat 3, 12 High Street",
    "12 High St",
    "PO Box 7",
]
POSTCODES = [None, "10001", "10002", "SW1A 1AA"]
CITIES = [None, "New York", "London"]


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(2, 25))
    pick = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    return pa.table(
        {
            "first_name": pick(FIRSTS),
            "phone": pa.array(pick(PHONES), pa.list_(pa.string())),
            "address": pick(STREETS),
            "postcode": pick(POSTCODES),
            "city": pick(CITIES),
            "country": ["GB" if k % 5 == 0 else "US" for k in range(n)],
        }
    )


@settings(max_examples=40, deadline=None)
@given(tables())
def test_vectorized_levels_agree_with_reference(table: pa.Table) -> None:
    f = build_features(table)
    idx = np.arange(f.n)
    left, right = (g.ravel().astype(np.int64) for g in np.meshgrid(idx, idx))
    keep = left < right
    left, right = left[keep], right[keep]
    first = FirstNameComparison().compare(f, left, right)
    phone = PhoneComparison().compare(f, left, right)
    address = AddressComparison().compare(f, left, right)
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        assert first[k] == ref.first_name_level(f, i, j), (f.first_vocab, i, j)
        assert phone[k] == ref.phone_level(f, i, j)
        assert address[k] == ref.address_level(f, i, j)


def _levels(comparison: object, **columns: list[object]) -> list[int]:
    f = build_features(pa.table(columns))
    left = np.zeros(f.n - 1, dtype=np.int64)
    right = np.arange(1, f.n, dtype=np.int64)
    return comparison.compare(f, left, right).tolist()  # type: ignore[attr-defined, no-any-return]


def test_first_name_levels() -> None:
    names = ["William", "William", "Bill", "Wiliam", "Wilhelm", "W", "Mary", None]
    assert _levels(FirstNameComparison(), first_name=names) == [1, 2, 3, 4, 5, 6, 0]


def test_email_levels_use_match_keys_and_local_parts() -> None:
    emails = [
        ["john.smith@gmail.com"],
        ["JohnSmith+shop@googlemail.com"],
        ["john_smith@acme.com"],
        ["johnsmith@gmial.con"],
        ["jonsmith@gmail.com"],
        ["someone@else.com"],
        None,
        ["x@y.com", "john.smith@gmail.com"],
    ]
    # gmail dots and +tags, the same local part elsewhere, a repaired domain typo, a near miss.
    assert _levels(EmailComparison(), email=pa.array(emails, pa.list_(pa.string()))) == [1, 2, 1, 3, 4, 0, 1]


def test_phone_levels_across_spellings_and_countries() -> None:
    phones = [["(212) 736-5000"], ["+1-212-736-5000"], ["(646) 736-5000"], ["917 555 0100"], None]
    assert _levels(PhoneComparison(), phone=pa.array(phones, pa.list_(pa.string()))) == [1, 2, 3, 0]


def test_address_counts_street_postcode_and_city_once() -> None:
    levels = _levels(
        AddressComparison(),
        address=["12 Main Street", "12 Main St", "12 Mian St", "99 Other Rd", None, "12 Main St", None],
        postcode=["10001", "10001", "10001", "10001", None, "90210", None],
        city=["New York", "New York", "New York", "New York", "New York", "New York", None],
    )
    assert levels == [1, 2, 3, 4, 4, 0]  # postcodes that disagree leave only the city


def test_swapped_first_and_last_names_agree_exactly() -> None:
    table = pa.table({"first_name": ["Crawsley", "Robert", "Robert"], "last_name": ["Robert", "Crawsley", "Smith"]})
    assert _levels(FirstNameComparison(), **table.to_pydict()) == [1, 6]
    assert _levels(SurnameComparison(), **table.to_pydict()) == [1, 4]


def test_names_read_the_other_way_round_agree_with_nicknames_and_typos() -> None:
    # A card written surname first without a comma, a Shopify customer who typed the surname first.
    # (The last records make Jessica, Johnny and Karen known first names, as in any real list.)
    first = ["Wickton", "Jessie", "Mcleod", "John", "Wilson", "Karne", "Jessica", "Johnny", "Johnny", "Karen"]
    last = ["Jessica", "Wickton", "Johnny", "Mcleod", "Karen", "Wilson", "Doe", "Doe", "Roe", "Doe"]
    pairs = (np.array([0, 2, 4]), np.array([1, 3, 5]))
    f = build_features(pa.table({"first_name": first, "last_name": last}))
    first_levels = FirstNameComparison().compare(f, *pairs).tolist()
    last_levels = SurnameComparison().compare(f, *pairs).tolist()
    assert (first_levels[:2], last_levels[:2]) == ([2, 2], [1, 1])  # nicknames, same surname
    # Wilson Karen ~ Karne Wilson: one name exact, the other a typo (which is which is a tie here).
    assert sorted([first_levels[2], last_levels[2]]) in ([1, 3], [1, 2])


def test_household_members_are_not_read_as_swapped_names() -> None:
    # Same surname, different first names: reading them the other way round agrees no better.
    f = build_features(pa.table({"first_name": ["Mary", "Robert"], "last_name": ["Smith", "Smith"]}))
    pairs = (np.array([0]), np.array([1]))
    assert FirstNameComparison().compare(f, *pairs).tolist() == [6]
    assert SurnameComparison().compare(f, *pairs).tolist() == [1]


def test_nicknames_of_names_with_many_canonical_names_are_found() -> None:
    # "ricky" is a nickname of eleven names and "john" of more than the six the feature table keeps per
    # name; the comparison must still see Ricky ~ Richard and Johnny ~ Jack through the whole sets.
    f = build_features(
        pa.table({"first_name": ["Ricky", "Richard", "Tina", "Christine", "Johnny", "John", "Ricky", "Mary"]})
    )
    levels = FirstNameComparison().compare(f, np.array([0, 2, 4, 6]), np.array([1, 3, 5, 7]))
    assert levels.tolist() == [2, 2, 2, 6]


def test_short_first_names_that_only_start_alike_are_different_names() -> None:
    # Jaro-Winkler puts Mia / Michael and Sean / Sinead above 0.80; they are a couple, not a typo.
    # Spellings of one name stay similar: Shawn / Sean (two edits), Steven / Stephen (longer names),
    # and so do short forms: Zeb / Zebulon.
    first = ["Mia", "Michael", "Sean", "Sinead", "Shawn", "Sean", "Steven", "Stephen", "Zeb", "Zebulon"]
    f = build_features(pa.table({"first_name": first}))
    levels = FirstNameComparison().compare(f, np.array([0, 2, 4, 6, 8]), np.array([1, 3, 5, 7, 9]))
    assert levels.tolist() == [6, 6, 4, 4, 4]


def test_an_initial_agrees_with_a_nickname_of_a_name_that_starts_with_it() -> None:
    # W. Smith in the ERP is Bill Smith in Shopify; E. Oakden is Beth Oakden. Neither is a clearly
    # different first name (the household guard's cannot-link), only an initial.
    assert _levels(FirstNameComparison(), first_name=["W", "Bill", "Will", "Mary"]) == [5, 5, 6]
    assert _levels(FirstNameComparison(), first_name=["Beth", "E", "B", "Liz"]) == [5, 5, 2]
