"""Fellegi-Sunter: EM recovers known parameters; term-frequency adjustment; supervised twin."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from identity import ConvergenceWarning, NotFittedError
from matchers.blocking import BlockingIndex, email_rule
from matchers.comparisons import EmailComparison, ExactComparison, PhoneComparison, SurnameComparison
from matchers.features import build_features
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
