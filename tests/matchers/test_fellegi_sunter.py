"""Fellegi-Sunter: EM recovers known parameters; term-frequency adjustment; supervised twin."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from identity import ConvergenceWarning, NotFittedError
from matchers.blocking import BlockingIndex, email_rule
from matchers.comparisons import EmailComparison, ExactComparison, PhoneComparison, SurnameComparison
from matchers.features import Features, build_features
from matchers.fellegi_sunter import FellegiSunter, LogisticScorer, match_probability

COMPARISONS = (SurnameComparison(), PhoneComparison(), ExactComparison("date_of_birth", attr="dob"))
TRUE_M = [np.array([0.85, 0.08, 0.04, 0.03]), np.array([0.7, 0.05, 0.25]), np.array([0.85, 0.1, 0.05])]
TRUE_U = [np.array([0.05, 0.05, 0.2, 0.7]), np.array([0.02, 0.03, 0.95]), np.array([0.1, 0.2, 0.7])]


def _draw(probs: list[np.ndarray], size: int, rng: np.random.Generator) -> np.ndarray:
    columns = [rng.choice(np.arange(1, len(p) + 1), size=size, p=p) for p in probs]
    return np.stack(columns, axis=1).astype(np.int8)


def test_em_recovers_known_m_probabilities() -> None:
    rng = np.random.default_rng(3)
    n_match, n_non = 30_000, 170_000
    gamma = np.concatenate([_draw(TRUE_M, n_match, rng), _draw(TRUE_U, n_non, rng)])
    random_gamma = _draw(TRUE_U, 500_000, rng)
    model = FellegiSunter(comparisons=COMPARISONS).fit_gamma(gamma, random_gamma, possible_pairs=1e9)
    assert model.candidate_match_rate_ == pytest.approx(n_match / (n_match + n_non), abs=0.01)
    for fitted, true in zip(model.m_, TRUE_M, strict=True):
        np.testing.assert_allclose(fitted[1:], true, atol=0.02)
    for fitted, true in zip(model.u_, TRUE_U, strict=True):
        np.testing.assert_allclose(fitted[1:], true, atol=0.01)
    assert model.prior_ == pytest.approx(n_match / 1e9, rel=0.05)


def test_em_that_hits_max_iter_warns() -> None:
    rng = np.random.default_rng(0)
    gamma = np.concatenate([_draw(TRUE_M, 2000, rng), _draw(TRUE_U, 8000, rng)])
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        model = FellegiSunter(comparisons=COMPARISONS, max_iter=1).fit_gamma(gamma, _draw(TRUE_U, 1000, rng), 1e6)
    assert model.n_iter_ == 1


def test_common_surname_match_is_weaker_evidence_than_rare_one() -> None:
    last = ["Smith"] * 50 + ["Zabrowski", "Zabrowski"] + [f"Name{k}" for k in range(48)]
    t = pa.table({"last_name": last, "first_name": ["Ann"] * 100})
    f = build_features(t)
    model = FellegiSunter(comparisons=(SurnameComparison(),), u_sample_size=20_000)
    left = np.array([0, 50], dtype=np.int64)
    right = np.array([1, 51], dtype=np.int64)
    model.fit(f, left, right)
    gamma = np.array([[1], [1]], dtype=np.int8)
    smith, zabrowski = model.match_weights(f, left, right, gamma)[:, 0]
    assert zabrowski > smith + 4  # 1/50 vs 1/2 frequency: log2(25) bits apart


def test_predict_before_fit_raises() -> None:
    f = build_features(pa.table({"last_name": ["a", "b"]}))
    with pytest.raises(NotFittedError, match="fit"):
        FellegiSunter().predict(f, np.array([0]), np.array([1]))


def test_logistic_scorer_learns_from_labels_and_keeps_field_weights() -> None:
    rng = np.random.default_rng(1)
    gamma = np.concatenate([_draw(TRUE_M, 3000, rng), _draw(TRUE_U, 3000, rng)])
    y = np.array([1] * 3000 + [0] * 3000)
    scorer = LogisticScorer(comparisons=COMPARISONS).fit_gamma(gamma, y)
    p = scorer.predict_gamma(gamma)
    assert ((p > 0.5) == (y == 1)).mean() > 0.85
    weights = scorer.match_weights_gamma(gamma)
    np.testing.assert_allclose(match_probability(scorer.intercept_ + weights.sum(axis=1)), p, rtol=1e-5)
    with pytest.raises(ValueError, match="both"):
        LogisticScorer(comparisons=COMPARISONS).fit_gamma(gamma, np.ones(len(gamma)))


def test_exhaustive_level_u_is_counted_among_candidates_not_floored_by_the_sample() -> None:
    # 2,000 people with one unique email each, 300 of them in two records; nobody else shares an email.
    # A random sample of 20,000 pairs meets no two records with one email, so it can only put u of the
    # exact level at "below one observation"; the candidates hold every such pair and say "about none".
    rng = np.random.default_rng(0)
    people = np.concatenate([np.arange(2000), rng.choice(2000, 300, replace=False)])
    emails = [f"person{p}@example.com" for p in people]
    f = build_features(pa.table({"email": emails, "last_name": [f"n{p % 97}" for p in people]}))
    left, right = BlockingIndex(rules=(email_rule(),)).fit(f).pairs
    comparisons = (EmailComparison(), SurnameComparison())
    sampled = FellegiSunter(comparisons=comparisons, u_sample_size=20_000).fit(f, left, right)
    counted = FellegiSunter(comparisons=comparisons, u_sample_size=20_000).fit(
        f, left, right, exhaustive=("email",)
    )
    assert counted.u_[0][1] < sampled.u_[0][1] / 10
    assert counted.u_[0][1:].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(counted.u_[1], sampled.u_[1])  # other comparisons untouched
    with pytest.raises(ValueError, match="unknown comparisons"):
        FellegiSunter(comparisons=comparisons, u_sample_size=1000).fit(f, left, right, exhaustive=("fax",))


# -- parameters as data: to_dict / from_dict, and a model reused on data of another size -------------


def _fitted_on_emails(n_people: int, copies: int = 2) -> tuple[FellegiSunter, Features, np.ndarray, np.ndarray]:
    emails = [f"p{k}@x{k % 7}.com" for k in range(n_people) for _ in range(copies)]
    f = build_features(pa.table({"email": emails, "last_name": ["Lee"] * len(emails)}))
    left, right = BlockingIndex(rules=(email_rule(),)).fit(f).pairs
    return FellegiSunter(u_sample_size=20_000).fit(f, left, right), f, left, right


def test_a_model_from_its_dict_scores_exactly_as_the_fitted_one() -> None:
    model, f, left, right = _fitted_on_emails(200)
    again = FellegiSunter.from_dict(model.to_dict())
    assert again.to_dict() == model.to_dict()
    assert (again.n_records_, again.possible_pairs_) == (400, 400 * 399 / 2)
    np.testing.assert_array_equal(again.predict(f, left, right), model.predict(f, left, right))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"comparisons": ["email"]}, "fitted with comparisons"),
        ({"m": "m"}, "one list per comparison"),
        ({"u": [[1.0, 0.5]] * 8}, "levels; the model has 2"),
        ({"m": None}, "one list per comparison"),
        ("m zero", "cannot be used"),
        ("u nan", "cannot be used"),
        ({"prior": 0.0}, "prior must lie between 0 and 1"),
        ({"prior": float("nan")}, "prior must lie between 0 and 1"),
    ],
)
def test_a_damaged_dict_is_refused_with_a_reason(change: object, message: str) -> None:
    data = FellegiSunter.from_dict(_fitted_on_emails(50)[0].to_dict()).to_dict()
    if change == "m zero":
        data["m"][2][1] = 0.0  # type: ignore[index]
    elif change == "u nan":
        data["u"][0][1] = float("nan")  # type: ignore[index]
    else:
        data.update(change)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=message):
        FellegiSunter.from_dict(data)


def test_for_records_keeps_m_and_u_and_scales_the_prior_to_the_data_size() -> None:
    model, *_ = _fitted_on_emails(300)
    assert model.for_records(model.n_records_, model.possible_pairs_) is model
    small = model.for_records(60, 60 * 59 / 2)
    assert small is not model and small.prior_ == pytest.approx(model.prior_ * (60 / 600) * (600 * 599 / 60 / 59))
    for a, b in zip(small.m_ + small.u_, model.m_ + model.u_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert (small.n_records_, small.possible_pairs_) == (60, 60 * 59 / 2)
    assert model.for_records(2, 1.0).prior_ == 0.5  # bounded as fit_gamma bounds it
    unknown = FellegiSunter.from_dict({k: v for k, v in model.to_dict().items() if k != "n_records"})
    assert unknown.n_records_ == 0 and unknown.for_records(60, 1770.0) is unknown


def test_the_scaled_prior_is_close_to_the_one_em_finds_on_the_smaller_data() -> None:
    # Same duplicate rate (every person twice), 15x fewer records: EM's own prior and the scaled one agree.
    big, *_ = _fitted_on_emails(1500)
    small, *_ = _fitted_on_emails(100)
    scaled = big.for_records(small.n_records_, small.possible_pairs_)
    assert scaled.prior_ == pytest.approx(small.prior_, rel=0.25)
    assert big.prior_ < small.prior_ / 5  # unscaled, it would be far off


def test_a_logistic_scorer_from_its_dict_scores_exactly_as_the_fitted_one() -> None:
    rng = np.random.default_rng(2)
    gamma = np.concatenate([_draw(TRUE_M, 500, rng), _draw(TRUE_U, 500, rng)])
    scorer = LogisticScorer(comparisons=COMPARISONS).fit_gamma(gamma, [1] * 500 + [0] * 500)
    data = scorer.to_dict()
    assert set(data) == {"comparisons", "coef", "intercept", "C"}
    again = LogisticScorer.from_dict(data, comparisons=COMPARISONS)
    np.testing.assert_array_equal(again.predict_gamma(gamma), scorer.predict_gamma(gamma))
    with pytest.raises(ValueError, match="fitted with comparisons"):
        LogisticScorer.from_dict(data)  # the default comparisons are not these
    with pytest.raises(ValueError, match="intercept must be a finite number"):
        LogisticScorer.from_dict({**data, "intercept": float("inf")}, comparisons=COMPARISONS)
    with pytest.raises(NotFittedError):
        LogisticScorer(comparisons=COMPARISONS).to_dict()
