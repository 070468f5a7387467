"""Tests for the synthetic data generator and the evaluation metrics (small sizes only)."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest

from benchmarks import metrics
from benchmarks.generate import CorruptionModel, Dataset, generate, main, with_overrides

SIZES = (300, 2_000, 5_000)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return generate(5_000, seed=11)


def _keys(ds: Dataset) -> pd.Series:
    return ds.truth["source"] + ":" + ds.truth["source_id"]


def test_deterministic_for_a_seed() -> None:
    a, b = generate(1_500, seed=3), generate(1_500, seed=3)
    pd.testing.assert_frame_equal(a.erp, b.erp)
    pd.testing.assert_frame_equal(a.shopify, b.shopify)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    c = generate(1_500, seed=4)
    assert not a.erp["CardName"].equals(c.erp["CardName"])


@pytest.mark.parametrize("n", SIZES)
def test_total_close_to_requested(n: int) -> None:
    ds = generate(n, seed=5)
    total = len(ds.erp) + len(ds.shopify)
    assert n - 5 <= total <= n
    assert ds.manifest["counts"]["records"] == total
    # both systems are substantially represented and overlap
    assert 0.35 < len(ds.erp) / total < 0.65
    assert ds.manifest["counts"]["persons_in_both"] > 0.25 * ds.manifest["counts"]["persons"]


def test_every_record_in_truth_exactly_once(data: Dataset) -> None:
    keys = _keys(data)
    assert keys.is_unique
    expected = pd.concat(["erp:" + data.erp["CardCode"], "shopify:" + data.shopify["id"]], ignore_index=True)
    assert set(keys) == set(expected)
    assert len(keys) == len(expected)
    assert set(data.truth["source"]) == {"erp", "shopify"}


def test_ids_unique_and_shaped(data: Dataset) -> None:
    assert data.erp["CardCode"].is_unique
    assert data.shopify["id"].is_unique
    assert data.erp["CardCode"].str.fullmatch(r"C\d{6,}").all()
    assert data.shopify["id"].str.fullmatch(r"\d{13}").all()
    assert (data.erp["CardType"] == "cCustomer").all()
    assert list(data.erp.columns) == [
        "CardCode",
        "CardName",
        "Phone1",
        "Phone2",
        "Cellular",
        "EmailAddress",
        "Address",
        "City",
        "ZipCode",
        "State",
        "Country",
        "CardType",
    ]
    assert list(data.shopify.columns) == [
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "address1",
        "city",
        "zip",
        "province_code",
        "country_code",
    ]


def test_shopify_unique_email_and_phone(data: Dataset) -> None:
    for col in ("email", "phone"):
        values = data.shopify[col][data.shopify[col] != ""]
        assert values.is_unique, col


def test_households_are_distinct_people(data: Dataset) -> None:
    """Records at one address with one surname but different first names: several person_ids."""
    erp = data.erp.merge(data.truth[data.truth["source"] == "erp"], left_on="CardCode", right_on="source_id")
    erp = erp[(erp["Address"] != "") & ~erp["CardName"].str.contains(",")]
    tokens = erp["CardName"].str.upper().str.split()
    erp = erp.assign(first=tokens.str[0], last=tokens.str[-1], addr=erp["Address"].str.upper())
    people = erp.groupby(["addr", "ZipCode", "last"])["person_id"].nunique()
    firsts = erp.groupby(["addr", "ZipCode", "last"])["first"].nunique()
    households = people[people >= 2]
    assert len(households) >= 5
    # the people of a household mostly carry different first names (juniors excepted)
    assert (firsts[households.index] >= 2).mean() > 0.8
    assert data.manifest["counts"]["households_with_2plus_persons"] > 0


def test_phones_parse_valid(data: Dataset) -> None:
    shop = data.shopify["phone"][data.shopify["phone"] != ""]
    assert shop.str.fullmatch(r"\+\d{8,15}").all()  # E.164
    sample = shop.sample(min(400, len(shop)), random_state=0)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in sample)
    # ERP spellings with an ISO2 country parse (as the region) and are valid, bar extensions stripped
    erp = data.erp[data.erp["Country"].str.fullmatch(r"[A-Z]{2}")]
    raw = pd.concat([erp["Phone1"], erp["Cellular"]]).to_frame("p")
    raw["country"] = pd.concat([erp["Country"], erp["Country"]])
    raw = raw[raw["p"].str.count(r"\d") >= 9].sample(400, random_state=1)
    ok = 0
    for p, c in zip(raw["p"], raw["country"], strict=True):
        p = re.sub(r"(?i)\s*(x|ext\.?|#)\s*\d+$", "", p)
        if p.startswith("011 "):
            p = "+" + p[4:]
        with contextlib.suppress(phonenumbers.NumberParseException):
            ok += phonenumbers.is_valid_number(phonenumbers.parse(p, c))
    assert ok / len(raw) > 0.97


def test_corruptions_present(data: Dataset) -> None:
    phones = pd.concat([data.erp["Phone1"], data.erp["Phone2"], data.erp["Cellular"]])
    for pattern in (
        r"\(\d{3}\) \d{3}-\d{4}",
        r"\d{3}-\d{3}-\d{4}",
        r"\+1\d{10}",
        r"\d{10}",
        r"\d{3}\.\d{3}\.\d{4}",
    ):
        assert phones.str.fullmatch(pattern).any(), pattern
    assert phones.isin(["n/a", "N/A", "none", "0", "None", "-", "tbd"]).any()
    names = data.erp["CardName"]
    assert names.str.fullmatch(r"[A-Z' .-]+, [A-Z' .-]+").any()  # SMITH, JOHN
    assert names.str.contains(r"\(").any()  # Company (Contact)
    emails = pd.concat([data.erp["EmailAddress"], data.shopify["email"]]).str.lower()
    assert emails.str.contains("@gmail.com").mean() > 0.2
    manifest_knobs = data.manifest["corruption"]
    assert manifest_knobs["nickname_shopify"] > 0 and "erp_nanp_formats" in manifest_knobs


def test_written_files(tmp_path: Path) -> None:
    assert main(["--records", "300", "--out", str(tmp_path), "--seed", "2"]) == 0
    for name in ("erp.csv", "shopify.csv", "truth.csv", "manifest.json"):
        assert (tmp_path / name).exists()
    erp = pd.read_csv(tmp_path / "erp.csv", dtype=str, keep_default_na=False)
    shop = pd.read_csv(tmp_path / "shopify.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(tmp_path / "truth.csv", dtype={"source_id": str})
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(erp) + len(shop) == len(truth) == manifest["counts"]["records"]
    assert manifest["seed"] == 2


# ----- metrics against brute-force pair enumeration ---------------------------------------------------


def _brute_pairs(labels: np.ndarray) -> set[tuple[int, int]]:
    return {(i, j) for i, j in itertools.combinations(range(len(labels)), 2) if labels[i] == labels[j]}


def test_pairwise_metrics_match_brute_force() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(0, 25))
        pred = rng.integers(0, int(rng.integers(1, 8)), n)
        true = rng.integers(0, int(rng.integers(1, 8)), n)
        pp, tt = _brute_pairs(pred), _brute_pairs(true)
        counts = metrics.pair_counts(pred, true)
        assert (counts.true_positives, counts.predicted_pairs, counts.true_pairs) == (
            len(pp & tt),
            len(pp),
            len(tt),
        )
        s = metrics.pairwise_scores(pred, true)
        p = len(pp & tt) / len(pp) if pp else 1.0
        r = len(pp & tt) / len(tt) if tt else 1.0
        assert s.precision == pytest.approx(p) and s.recall == pytest.approx(r)


def test_bcubed_matches_brute_force() -> None:
    rng = np.random.default_rng(1)
    for _ in range(200):
        n = int(rng.integers(1, 20))
        pred = rng.integers(0, 5, n)
        true = rng.integers(0, 5, n)
        ps, rs = [], []
        for i in range(n):
            same_pred = {j for j in range(n) if pred[j] == pred[i]}
            same_true = {j for j in range(n) if true[j] == true[i]}
            ps.append(len(same_pred & same_true) / len(same_pred))
            rs.append(len(same_pred & same_true) / len(same_true))
        s = metrics.bcubed_scores(pred, true)
        assert s.precision == pytest.approx(np.mean(ps)) and s.recall == pytest.approx(np.mean(rs))


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        x = parent[x]
    return x


def test_string_labels_and_clusters_from_pairs() -> None:
    rng = np.random.default_rng(2)
    for _ in range(200):
        n = int(rng.integers(1, 25))
        m = int(rng.integers(0, 20))
        left, right = rng.integers(0, n, m), rng.integers(0, n, m)
        labels = metrics.clusters_from_pairs(n, left, right)
        parent = list(range(n))
        for a, b in zip(left, right, strict=True):
            parent[_find(parent, int(a))] = _find(parent, int(b))
        for i, j in itertools.combinations(range(n), 2):
            assert (_find(parent, i) == _find(parent, j)) == (labels[i] == labels[j])
    s = metrics.pairwise_scores(["a", "a", "b"], ["x", "x", "x"])
    assert (s.precision, s.recall) == (1.0, pytest.approx(1 / 3))


def test_pair_set_completeness_and_reduction_ratio() -> None:
    rng = np.random.default_rng(3)
    for _ in range(100):
        n = int(rng.integers(2, 20))
        true = rng.integers(0, 4, n)
        m = int(rng.integers(0, 30))
        left, right = rng.integers(0, n, m), rng.integers(0, n, m)
        cand = {(min(a, b), max(a, b)) for a, b in zip(left.tolist(), right.tolist(), strict=True) if a != b}
        tt = _brute_pairs(true)
        expected_pc = len(cand & tt) / len(tt) if tt else 1.0
        assert metrics.pairs_completeness(n, left, right, true) == pytest.approx(expected_pc)
        assert metrics.reduction_ratio(n, left, right) == pytest.approx(1 - len(cand) / (n * (n - 1) / 2))
        ps = metrics.pair_set_scores(n, left, right, true)
        assert ps.precision == pytest.approx(len(cand & tt) / len(cand) if cand else 1.0)


def test_every_knob_is_documented() -> None:
    from dataclasses import fields

    from benchmarks.generate import CorruptionModel, PopulationModel

    doc = (Path(__file__).resolve().parents[2] / "docs" / "benchmark-data.md").read_text()
    missing = [
        f.name for m in (PopulationModel, CorruptionModel) for f in fields(m) if f"`{f.name}`" not in doc
    ]
    assert not missing


def test_splink_runner_preparation_rules() -> None:
    """The user-level parsing rules of the Splink baseline (no Splink needed)."""
    from benchmarks.splink_runner import email_key, parse_card_name, phone_key, postcode_key

    assert parse_card_name("SMITH, JOHN Q") == ("john", "smith")
    assert parse_card_name("Acme Ltd (John Smith)") == ("john", "smith")
    assert parse_card_name("Mr. John O'Brien Jr.") == ("john", "o'brien")
    assert parse_card_name("Acme Supply Inc.") == ("acme", "inc")  # company-only cards stay wrong
    assert phone_key("+1 (212) 736-5000 ext. 12") == "2127365000"
    assert phone_key("n/a") is None and phone_key("000-000-0000") is None
    assert email_key(" John.Smith@Gmail.com ; x@y.com") == "john.smith@gmail.com"
    assert postcode_key("02108-1234") == "02108" and postcode_key("2108") == "02108"
    assert postcode_key("sw11 1ab") == "SW111AB"


def test_overrides_change_one_knob_and_reject_unknown_ones() -> None:
    pop, cor = with_overrides(["guest_address_missing=0", "shopify_duplicates=[0.2, 0.0, 0.0]"])
    assert cor.guest_address_missing == 0.0 and cor.nickname_erp == CorruptionModel().nickname_erp
    assert pop.shopify_duplicates == (0.2, 0.0, 0.0)
    for bad in ("nope=1", "guest_address_missing", "guest_address_missing=x", "guest_address_missing=[1]"):
        with pytest.raises(ValueError, match="--set"):
            with_overrides([bad])
    def duplicates_without_address(corruption: CorruptionModel | None) -> float:
        data = generate(4_000, 3, corruption=corruption)
        shop = data.shopify.merge(data.truth[data.truth.source == "shopify"], left_on="id", right_on="source_id")
        repeated = shop[shop.duplicated("person_id", keep=False)]
        return float((repeated["address1"] == "").mean())

    assert duplicates_without_address(cor) < duplicates_without_address(None) - 0.1
