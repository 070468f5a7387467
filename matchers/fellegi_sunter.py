"""Fellegi-Sunter scoring: m probabilities trained by EM without labels, u from random pairs.

For each comparison ``k`` and level ``l``, ``m_[k][l]`` is the probability of that level among true
matches and ``u_[k][l]`` among non-matches. A pair's *match weight* for a field is
``log2(m / u)``; the weights add up (with the prior) to the log-odds that the pair is a match, and
each field's weight is kept so that every decision can be explained.

- ``u`` is measured on uniformly random record pairs (almost all non-matches), as Splink does.
- ``m`` comes from expectation-maximisation over the candidate pairs, grouped into distinct level
  patterns first (a few hundred patterns stand for millions of pairs, so EM costs milliseconds).
- Term-frequency adjustment: an exact match on a common value (surname ``smith``) is weaker evidence
  than on a rare one. On the adjusted level, ``u`` is replaced by the value's frequency among records.
- :class:`LogisticScorer` is the supervised alternative when labelled pairs exist (scikit-learn).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from matchers._exceptions import ConvergenceWarning, NotFittedError
from matchers.comparisons import DEFAULT_COMPARISONS, Comparison, compare_all
from matchers.features import Features

__all__ = [
    "FellegiSunter",
    "LogisticScorer",
    "level_patterns",
    "match_probability",
    "random_pairs",
    "total_pairs",
]

#: Weight of the comparisons' default u and m, in pseudo-pairs (see ``Comparison.m_default``).
U_PSEUDO_PAIRS = 100.0
M_PSEUDO_PAIRS = 10.0
#: An exhaustive level seen this often in the random sample keeps the sample's u (see ``fit_gamma``).
EXHAUSTIVE_MIN_OBSERVED = 5.0

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Gamma = npt.NDArray[np.int8]


def match_probability(log2_odds: FloatArray) -> FloatArray:
    """Probability from log2 odds: ``1 / (1 + 2**-w)``, stable for large weights.

    >>> match_probability(np.array([0.0, 10.0, -10.0])).round(4).tolist()
    [0.5, 0.999, 0.001]
    """
    return 1.0 / (1.0 + np.exp2(-np.clip(log2_odds, -200.0, 200.0)))


def random_pairs(
    source: npt.NDArray[np.integer], size: int, *, link_only: bool, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    """``size`` uniformly random pairs of distinct records (of different sources when ``link_only``)."""
    n = len(source)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    left = rng.integers(0, n, size=size, dtype=np.int64)
    right = rng.integers(0, n, size=size, dtype=np.int64)
    keep = left != right
    if link_only:
        keep &= source[left] != source[right]
    return left[keep], right[keep]


def level_patterns(gamma: Gamma, sizes: Sequence[int]) -> tuple[Gamma, FloatArray]:
    """Distinct rows of ``gamma`` and how often each occurs (mixed-radix codes and one bincount).

    >>> p, c = level_patterns(np.array([[1, 2], [0, 1], [1, 2]], np.int8), [3, 3])
    >>> p.tolist(), c.tolist()
    ([[0, 1], [1, 2]], [1.0, 2.0])
    """
    code = np.zeros(len(gamma), dtype=np.int64)
    for k, size in enumerate(sizes):
        code = code * size + gamma[:, k]
    if math.prod(sizes) <= 50_000_000:
        counts = np.bincount(code, minlength=0)
        present = np.flatnonzero(counts)
        codes, weights = present, counts[present].astype(np.float64)
    else:  # pragma: no cover - only with very many comparisons
        codes, inverse = np.unique(code, return_inverse=True)
        weights = np.bincount(inverse).astype(np.float64)
    patterns = np.zeros((len(codes), len(sizes)), dtype=np.int8)
    rest = codes.copy()
    for k in range(len(sizes) - 1, -1, -1):
        patterns[:, k] = rest % sizes[k]
        rest //= sizes[k]
    return patterns, weights


def total_pairs(source: npt.NDArray[np.integer], *, link_only: bool) -> float:
    """Number of record pairs that could be compared: all pairs, or only cross-source ones."""
    n = float(len(source))
    all_pairs = n * (n - 1) / 2
    if not link_only:
        return all_pairs
    counts = np.bincount(source[source >= 0]).astype(np.float64)
    return all_pairs - float((counts * (counts - 1) / 2).sum())


def _finite_or_none(value: float) -> float | None:
    """``value``, or None for NaN: what JSON can hold."""
    return value if math.isfinite(value) else None


def _float_or_nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _level_arrays(data: Mapping[str, Any], key: str, comparisons: Sequence[Comparison]) -> list[FloatArray]:
    """``data[key]`` as one array per comparison, checked against ``comparisons`` (for ``from_dict``).

    ``data["comparisons"]`` must name ``comparisons`` in order, each array must have one value per level,
    and the values (after the unused ``null`` entry) must be finite; for ``m`` and ``u`` they must be
    probabilities above 0, since their logarithm is the match weight.
    """
    names = [str(name) for name in data["comparisons"]]
    if names != [c.name for c in comparisons]:
        raise ValueError(f"the model was fitted with comparisons {names}, not {[c.name for c in comparisons]}")
    values = data[key]
    if not isinstance(values, Sequence) or isinstance(values, str) or len(values) != len(comparisons):
        raise ValueError(f"the model's {key!r} must hold one list per comparison ({len(comparisons)})")
    out = []
    for c, v in zip(comparisons, values, strict=True):
        arr = np.asarray(v, dtype=np.float64)
        if arr.shape != (len(c.levels),):
            raise ValueError(f"comparison {c.name!r} has {len(c.levels)} levels; the model has {arr.size}")
        rest = arr[1:]
        if not np.isfinite(rest).all() or (key in ("m", "u") and not ((rest > 0) & (rest <= 1)).all()):
            raise ValueError(f"the model's {key!r} of comparison {c.name!r} holds values that cannot be used")
        out.append(arr)
    return out


@dataclass
class FellegiSunter:
    """Unsupervised Fellegi-Sunter model.

    Parameters
    ----------
    comparisons : sequence of Comparison
        The fields compared and their levels.
    max_iter : int
        EM iterations at most; reaching it warns with :class:`~identity.ConvergenceWarning`.
    tol : float
        EM stops when no m probability moves by more than this.
    u_sample_size : int
        Random pairs drawn to estimate u.
    link_only : bool
        Only cross-source pairs are possible matches (affects u sampling and the prior).
    random_state : int
        Seed for the random pairs; the same seed and input give the same model.

    Attributes
    ----------
    m_, u_ : list of ndarray
        Per comparison, level probabilities among matches / non-matches (``[0]``, null, unused).
    prior_ : float
        Probability that a random record pair is a match.
    candidate_match_rate_ : float
        Share of candidate pairs EM attributes to matches.
    n_iter_ : int
        EM iterations run.
    n_records_ : int
        Records of the data the model was fitted on (0 when not known), for :meth:`for_records`.
    possible_pairs_ : float
        Record pairs that data could form (NaN when not known), for :meth:`for_records`.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from matchers.features import build_features
    >>> from matchers.blocking import BlockingIndex
    >>> t = pa.table({"first_name": ["Ann", "Ann", "Bob", "Rob", "Cy"], "last_name": ["Lee"] * 5,
    ...               "email": ["a@x.com", "a@x.com", "b@y.com", "b@y.com", "c@z.com"]})
    >>> f = build_features(t)
    >>> left, right = BlockingIndex().fit(f).pairs
    >>> model = FellegiSunter(u_sample_size=1000).fit(f, left, right)
    >>> p = model.predict(f, left, right)
    >>> [(int(a), int(b), bool(x > 0.9)) for a, b, x in zip(left, right, p)]
    [(0, 1, True), (2, 3, True)]
    """

    comparisons: Sequence[Comparison] = field(default_factory=lambda: DEFAULT_COMPARISONS)
    max_iter: int = 200
    tol: float = 1e-6
    u_sample_size: int = 500000
    link_only: bool = False
    random_state: int = 0
    m_: list[FloatArray] = field(default_factory=list)
    u_: list[FloatArray] = field(default_factory=list)
    prior_: float = float("nan")
    candidate_match_rate_: float = float("nan")
    n_iter_: int = 0
    n_records_: int = 0
    possible_pairs_: float = float("nan")

    # -- training -----------------------------------------------------------------------------------
    def fit(
        self,
        features: Features,
        left: IntArray,
        right: IntArray,
        gamma: Gamma | None = None,
        training: Sequence[tuple[IntArray, Sequence[str]]] | None = None,
        exhaustive: Sequence[str] = (),
    ) -> FellegiSunter:
        """Estimate u on random pairs of ``features`` and m by EM on the candidate pairs.

        ``training`` and ``exhaustive`` are as in :meth:`fit_gamma` (usually from
        :meth:`~matchers.blocking.BlockingIndex.training_blocks` and
        :attr:`~matchers.blocking.BlockingIndex.exhaustive_comparisons`).
        """
        if gamma is None:
            gamma = compare_all(self.comparisons, features, left, right)
        rl, rr, possible = self.random_sample(features)
        random_gamma = compare_all(self.comparisons, features, rl, rr)
        return self.fit_gamma(gamma, random_gamma, possible, training, exhaustive, n_records=features.n)

    def random_sample(self, features: Features) -> tuple[IntArray, IntArray, float]:
        """The random pairs :meth:`fit` compares to estimate u, and the number of possible pairs.

        Exposed so that a caller can compare them elsewhere (``identity.dedupe`` does so in a second
        process while it blocks) and pass the result to :meth:`fit_gamma`; the same ``random_state``
        and input give the same pairs.

        >>> import pyarrow as pa
        >>> from matchers.features import build_features
        >>> f = build_features(pa.table({"last_name": ["Lee", "Lee", "Kim"]}))
        >>> left, right, possible = FellegiSunter(u_sample_size=5).random_sample(f)
        >>> possible, bool((left != right).all())
        (3.0, True)
        """
        rng = np.random.default_rng(self.random_state)
        possible = max(total_pairs(features.source, link_only=self.link_only), 1.0)
        # A small input has few distinct pairs: drawing far more than exist adds no information.
        draws = int(min(self.u_sample_size, max(10_000.0, 4.0 * possible)))
        rl, rr = random_pairs(features.source, draws, link_only=self.link_only, rng=rng)
        return rl, rr, possible

    def fit_gamma(
        self,
        gamma: Gamma,
        random_gamma: Gamma,
        possible_pairs: float,
        training: Sequence[tuple[IntArray, Sequence[str]]] | None = None,
        exhaustive: Sequence[str] = (),
        *,
        n_records: int = 0,
    ) -> FellegiSunter:
        """Fit from precomputed levels: ``gamma`` of candidates, ``random_gamma`` of random pairs.

        Parameters
        ----------
        gamma : ndarray of shape (n_pairs, n_comparisons)
            Levels of the candidate pairs.
        random_gamma : ndarray of shape (n_random, n_comparisons)
            Levels of uniformly random pairs (for u).
        possible_pairs : float
            How many record pairs exist at all: sets the prior, and tells how much a small input's
            random pairs repeat themselves.
        training : sequence of (pair_indices, blocked_fields), optional
            Training blocks, usually one per blocking rule: the candidate pairs a rule found and the
            comparisons that rule conditions on. EM runs once per block with those comparisons left
            out (a rule that blocks on email says nothing about how often matches share an email), and
            each comparison's m is the match-weighted mean over the blocks that estimated it.
            Without it, EM runs once over all pairs.
        exhaustive : sequence of str
            Comparisons whose ``exact`` level the candidate pairs hold completely (every pair of
            records sharing an email is a candidate when email is a blocking key). A random sample of
            half a million pairs almost never meets two different people with one email, so it can only
            bound that level's u from above (one observation); here it is counted instead: the
            non-matches among the candidates at that level (by their posterior), over all non-match
            pairs, at least one pair. Only for levels the sample met fewer than
            ``EXHAUSTIVE_MIN_OBSERVED`` times, and never above the sample's bound.
        n_records : int
            How many records the pairs are drawn from (kept, with ``possible_pairs``, so that
            :meth:`for_records` can scale the prior to another data set).
        """
        # Drawing 1M random pairs from 10 records does not give 1M pairs' worth of evidence.
        evidence = min(1.0, possible_pairs / max(len(random_gamma), 1))
        self.u_ = [
            self._level_frequencies(random_gamma[:, k], c.u_default, len(c.levels), scale=evidence)
            for k, c in enumerate(self.comparisons)
        ]
        names = [c.name for c in self.comparisons]
        blocks = list(training) if training else [(np.arange(len(gamma), dtype=np.int64), ())]
        m_prior = [self._default(c.m_default, len(c.levels)) for c in self.comparisons]
        sums = [np.zeros(len(c.levels)) for c in self.comparisons]
        mass = np.zeros(len(self.comparisons))
        iterations = 0
        for rows, blocked in blocks:
            unknown = set(blocked) - set(names)
            if unknown:
                raise ValueError(f"training block names unknown comparisons: {sorted(unknown)}")
            active = np.array([name not in blocked for name in names])
            if not active.any() or len(rows) == 0:
                continue
            sub = gamma[rows].copy()
            sub[:, ~active] = 0
            m, lam, n_iter = self._em(sub, m_prior, update_m=True)
            iterations = max(iterations, n_iter)
            matches = lam * len(rows)
            for k in np.flatnonzero(active).tolist():
                sums[k] += matches * m[k]
                mass[k] += matches
        self.m_ = []
        for k, prior in enumerate(m_prior):
            m_k = sums[k] / mass[k] if mass[k] > 0 else np.concatenate([[1.0], prior])
            m_k[0] = 1.0
            self.m_.append(m_k)
        # With m settled, one more EM over every candidate pair estimates the match rate alone.
        m_list = [m[1:] for m in self.m_]
        _, lam, _ = self._em(gamma, m_list, update_m=False)
        self.prior_ = float(min(max(lam * len(gamma) / max(possible_pairs, 1.0), 1e-12), 0.5))
        # Random pairs include true matches at the rate of the prior (1 in 5,000 when every record of
        # one list has its match in the other): for strong identifiers that is most of what the sample
        # sees. Take the matches' share out of u, then estimate the match rate again.
        floors = [
            1.0 / (max(int((random_gamma[:, k] > 0).sum() * evidence), 1) + U_PSEUDO_PAIRS)
            for k in range(len(self.comparisons))
        ]
        for k, (m_k, u_k) in enumerate(zip(self.m_, self.u_, strict=True)):
            corrected = (u_k[1:] - self.prior_ * m_k[1:]) / (1.0 - self.prior_)
            u_k[1:] = np.maximum(corrected, floors[k])
            u_k[1:] /= u_k[1:].sum()
        _, lam, _ = self._em(gamma, m_list, update_m=False)
        self.prior_ = float(min(max(lam * len(gamma) / max(possible_pairs, 1.0), 1e-12), 0.5))
        if exhaustive:
            self._count_exhaustive_u(gamma, random_gamma, evidence, possible_pairs, exhaustive)
            _, lam, _ = self._em(gamma, m_list, update_m=False)
            self.prior_ = float(min(max(lam * len(gamma) / max(possible_pairs, 1.0), 1e-12), 0.5))
        self.candidate_match_rate_ = lam
        self.n_iter_ = iterations
        self.n_records_ = int(n_records)
        self.possible_pairs_ = float(possible_pairs)
        return self

    def for_records(self, n_records: int, possible_pairs: float) -> FellegiSunter:
        """This model for another data set: the same ``m`` and ``u``, the prior scaled to its size.

        The prior is the chance that two random records are one person. With as many duplicates per
        record as the data the model was fitted on, the matching pairs grow with the records and the
        possible pairs with their square, so the prior becomes
        ``prior_ * (n_records / n_records_) * (possible_pairs_ / possible_pairs)`` (within the bounds
        :meth:`fit_gamma` keeps). Returns ``self`` when the size is the same or the model does not
        know the size of its data (``n_records_`` 0, e.g. a model from an older file).

        >>> import pyarrow as pa
        >>> from matchers.features import build_features
        >>> f = build_features(pa.table({"email": ["a@x.com", "a@x.com", "b@y.com", "c@z.com"]}))
        >>> model = FellegiSunter(u_sample_size=100).fit(f, np.array([0]), np.array([1]))
        >>> model.n_records_, model.possible_pairs_
        (4, 6.0)
        >>> small = model.for_records(2, 1.0)  # half the records, a sixth of the pairs
        >>> round(small.prior_ / model.prior_, 6), model.for_records(4, 6.0) is model
        (3.0, True)
        """
        self._check_fitted()
        if self.n_records_ <= 0 or not math.isfinite(self.possible_pairs_):
            return self
        n_records, possible_pairs = int(n_records), max(float(possible_pairs), 1.0)
        if n_records == self.n_records_ and possible_pairs == self.possible_pairs_:
            return self
        scale = (n_records / self.n_records_) * (self.possible_pairs_ / possible_pairs)
        model = replace(self, m_=[m.copy() for m in self.m_], u_=[u.copy() for u in self.u_])
        model.prior_ = float(min(max(self.prior_ * scale, 1e-12), 0.5))
        model.n_records_, model.possible_pairs_ = n_records, possible_pairs
        return model

    def _count_exhaustive_u(
        self,
        gamma: Gamma,
        random_gamma: Gamma,
        evidence: float,
        possible_pairs: float,
        exhaustive: Sequence[str],
    ) -> None:
        """Set u of the exact level of each ``exhaustive`` comparison from the candidates (see fit_gamma)."""
        names = [c.name for c in self.comparisons]
        unknown = set(exhaustive) - set(names)
        if unknown:
            raise ValueError(f"exhaustive names unknown comparisons: {sorted(unknown)}")
        log_odds = np.full(len(gamma), math.log2(self.prior_ / (1.0 - self.prior_)))
        for k, weights in enumerate(self.level_weights()):
            log_odds += weights[gamma[:, k]]
        non_match = 1.0 - match_probability(log_odds)
        non_match_pairs = max(possible_pairs * (1.0 - self.prior_), 1.0)
        for k, name in enumerate(names):
            if name not in exhaustive:
                continue
            observed = float((random_gamma[:, k] == 1).sum()) * evidence
            if observed >= EXHAUSTIVE_MIN_OBSERVED:
                continue  # the sample resolves this level on its own
            counted = float(non_match[gamma[:, k] == 1].sum()) / non_match_pairs
            u_k = self.u_[k]
            # At least one non-match pair; never above the sample's bound (which is all a tiny input has).
            exact = min(max(counted, 1.0 / non_match_pairs), float(u_k[1]))
            rest = u_k[2:].sum()
            if rest > 0:
                u_k[2:] *= (1.0 - exact) / rest
            u_k[1] = exact

    @staticmethod
    def _default(values: tuple[float, ...], n_levels: int) -> FloatArray:
        if len(values) == n_levels - 1:
            return np.array(values, dtype=np.float64)
        return np.full(n_levels - 1, 1.0 / (n_levels - 1))

    @classmethod
    def _level_frequencies(
        cls, levels: npt.NDArray[np.int8], default: tuple[float, ...], n_levels: int, *, scale: float
    ) -> FloatArray:
        counts = np.bincount(levels.astype(np.int64), minlength=n_levels).astype(np.float64) * scale
        counts[0] = 0.0
        observed = counts[1:].sum()
        counts[1:] += U_PSEUDO_PAIRS * cls._default(default, n_levels)
        out: FloatArray = counts / counts[1:].sum()
        # A level seen less than once in the sample has a u we cannot resolve: floor it at one
        # observation, so rare levels get large but bounded weights that do not swing with the sample.
        if observed > 0:
            out[1:] = np.maximum(out[1:], 1.0 / (observed + U_PSEUDO_PAIRS))
            out[1:] /= out[1:].sum()
        out[0] = 1.0
        return out

    def _em(
        self, gamma: Gamma, m_start: Sequence[FloatArray], *, update_m: bool
    ) -> tuple[list[FloatArray], float, int]:
        """EM over distinct level patterns with u fixed; returns ``(m, match_rate, iterations)``."""
        n_comp = len(self.comparisons)
        sizes = [len(c.levels) for c in self.comparisons]
        patterns, weights = level_patterns(gamma, sizes)
        m = [np.concatenate([[1.0], p]) for p in m_start]
        log_u = np.zeros(len(patterns))
        for k in range(n_comp):
            log_u += np.log(self.u_[k][patterns[:, k]])
        lam = 0.1
        for iteration in range(1, self.max_iter + 1):
            log_m = np.zeros(len(patterns))
            for k in range(n_comp):
                log_m += np.log(m[k][patterns[:, k]])
            odds = (log_u + math.log(1.0 - lam)) - (log_m + math.log(lam))
            r = 1.0 / (1.0 + np.exp(np.clip(odds, -700, 700)))
            wm = weights * r
            # Beta(1, 1) prior on the match rate: one pseudo-pair each way.
            new_lam = float(min(max((wm.sum() + 1.0) / (weights.sum() + 2.0), 1e-9), 1 - 1e-9))
            delta = abs(new_lam - lam)
            lam = new_lam
            if update_m:
                new_m = [
                    self._weighted_levels(patterns[:, k], wm, sizes[k], m_start[k] * M_PSEUDO_PAIRS)
                    for k in range(n_comp)
                ]
                delta = max(delta, *(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)))
                m = new_m
            if delta < self.tol:
                return m, lam, iteration
        warnings.warn(
            f"EM stopped at max_iter={self.max_iter} before converging", ConvergenceWarning, stacklevel=3
        )
        return m, lam, self.max_iter

    @staticmethod
    def _weighted_levels(
        levels: npt.NDArray[np.int8], w: FloatArray, size: int, prior: FloatArray
    ) -> FloatArray:
        totals = np.bincount(levels.astype(np.int64), weights=w, minlength=size).astype(np.float64)
        totals[0] = 0.0
        totals[1:] += prior
        out: FloatArray = totals / totals[1:].sum()
        out[0] = 1.0
        return out

    # -- scoring ------------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not self.m_ or not self.u_:
            raise NotFittedError("FellegiSunter is not fitted yet: call fit(features, left, right) first")

    def level_weights(self) -> list[FloatArray]:
        """``log2(m / u)`` per comparison and level (0.0 for null), before term-frequency adjustment."""
        self._check_fitted()
        out = []
        for m, u in zip(self.m_, self.u_, strict=True):
            w = np.log2(m / u)
            w[0] = 0.0
            out.append(w)
        return out

    def match_weights(
        self,
        features: Features,
        left: IntArray,
        right: IntArray,
        gamma: Gamma,
        *,
        n_records: int | None = None,
    ) -> npt.NDArray[np.float32]:
        """Each field's match weight (log2 Bayes factor) per pair, shape (n_pairs, n_comparisons).

        Term-frequency adjusted levels take the frequency of ``left``'s value, floored at one record in
        ``n_records`` (default ``features.n``; pass the size of the whole data when ``features`` holds
        only a few of its records, as the real-time resolver does).
        """
        table = self.level_weights()
        n = features.n if n_records is None else n_records
        out = np.zeros(gamma.shape, dtype=np.float32)
        for k, comparison in enumerate(self.comparisons):
            w = table[k][gamma[:, k]]
            if comparison.tf_level is not None and comparison.tf_attr is not None:
                hit = gamma[:, k] == comparison.tf_level
                if hit.any():
                    tf = getattr(features, comparison.tf_attr)[left[hit]]
                    u_tf = np.maximum(tf, 1.0 / max(n, 1))
                    w[hit] = np.log2(self.m_[k][comparison.tf_level] / u_tf)
            out[:, k] = w
        return out

    @property
    def prior_weight(self) -> float:
        """log2 prior odds that a random pair is a match."""
        self._check_fitted()
        return math.log2(self.prior_ / (1.0 - self.prior_))

    def predict(
        self, features: Features, left: IntArray, right: IntArray, gamma: Gamma | None = None
    ) -> FloatArray:
        """Match probability of each pair."""
        self._check_fitted()
        if gamma is None:
            gamma = compare_all(self.comparisons, features, left, right)
        weights = self.match_weights(features, left, right, gamma)
        return match_probability(self.prior_weight + weights.sum(axis=1, dtype=np.float64))

    def to_dict(self) -> dict[str, object]:
        """The fitted parameters as plain JSON-able data (for saving a resolver without pickle)."""
        self._check_fitted()
        return {
            "comparisons": [c.name for c in self.comparisons],
            "m": [m.tolist() for m in self.m_],
            "u": [u.tolist() for u in self.u_],
            "prior": self.prior_,
            "candidate_match_rate": _finite_or_none(self.candidate_match_rate_),
            "n_iter": self.n_iter_,
            "n_records": self.n_records_,
            "possible_pairs": _finite_or_none(self.possible_pairs_),
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, comparisons: Sequence[Comparison] | None = None, **params: Any
    ) -> FellegiSunter:
        """A fitted model from :meth:`to_dict` output.

        ``comparisons`` (default :data:`~matchers.comparisons.DEFAULT_COMPARISONS`) must have the names
        and level counts the model was fitted with; ``params`` are further constructor arguments. Raises
        :class:`ValueError` when they differ or the parameters are not probabilities (``m`` and ``u``
        above 0, the prior between 0 and 1), :class:`KeyError` when a parameter is missing.

        >>> import pyarrow as pa
        >>> from matchers.features import build_features
        >>> f = build_features(pa.table({"email": ["a@x.com", "a@x.com", "b@y.com"]}))
        >>> model = FellegiSunter(u_sample_size=100).fit(f, np.array([0]), np.array([1]))
        >>> FellegiSunter.from_dict(model.to_dict()).to_dict() == model.to_dict()
        True
        """
        comps = tuple(comparisons) if comparisons is not None else DEFAULT_COMPARISONS
        m = _level_arrays(data, "m", comps)
        u = _level_arrays(data, "u", comps)
        prior = float(data["prior"])
        if not 0.0 < prior < 1.0:
            raise ValueError(f"the model's prior must lie between 0 and 1, not {prior}")
        model = cls(comparisons=comps, **params)
        model.m_, model.u_ = m, u
        model.prior_ = prior
        model.candidate_match_rate_ = _float_or_nan(data.get("candidate_match_rate"))
        model.n_iter_ = int(data.get("n_iter", 0))
        model.n_records_ = int(data.get("n_records") or 0)
        model.possible_pairs_ = _float_or_nan(data.get("possible_pairs"))
        if model.n_records_ < 0 or not model.possible_pairs_ > 0:  # unknown (or unusable): not scaled
            model.n_records_, model.possible_pairs_ = 0, float("nan")
        return model


@dataclass
class LogisticScorer:
    """Supervised scoring from labelled pairs: logistic regression on one-hot comparison levels.

    Use when you have pairs a person has labelled (``y`` 1 for same person). Each field's contribution
    to the log-odds is kept (in log2 units, like Fellegi-Sunter match weights).

    Examples
    --------
    >>> gamma = np.array([[1, 1], [1, 2], [2, 2], [2, 1]] * 20, dtype=np.int8)
    >>> y = np.array([1, 1, 0, 0] * 20)
    >>> scorer = LogisticScorer(comparisons=DEFAULT_COMPARISONS[:2]).fit_gamma(gamma, y)
    >>> bool(scorer.predict_gamma(np.array([[1, 1]], np.int8))[0] > 0.5)
    True
    """

    comparisons: Sequence[Comparison] = field(default_factory=lambda: DEFAULT_COMPARISONS)
    C: float = 1.0
    coef_: list[FloatArray] = field(default_factory=list)
    intercept_: float = float("nan")

    def _one_hot(self, gamma: Gamma) -> npt.NDArray[np.float64]:
        blocks = []
        for k, c in enumerate(self.comparisons):
            eye = np.eye(len(c.levels))[:, 1:]  # null level is the baseline
            blocks.append(eye[gamma[:, k]])
        return np.hstack(blocks)

    def fit_gamma(self, gamma: Gamma, y: npt.ArrayLike) -> LogisticScorer:
        """Fit on levels ``gamma`` (n_pairs, n_comparisons) and labels ``y`` (n_pairs,)."""
        from sklearn.linear_model import LogisticRegression

        labels = np.asarray(y).astype(int)
        if len(np.unique(labels)) < 2:
            raise ValueError("labelled pairs must contain both matches (1) and non-matches (0)")
        model = LogisticRegression(C=self.C, max_iter=1000)
        model.fit(self._one_hot(gamma), labels)
        coef = model.coef_[0] / math.log(2)
        self.coef_ = []
        pos = 0
        for c in self.comparisons:
            width = len(c.levels) - 1
            self.coef_.append(np.concatenate([[0.0], coef[pos : pos + width]]))
            pos += width
        self.intercept_ = float(model.intercept_[0] / math.log(2))
        return self

    def match_weights_gamma(self, gamma: Gamma) -> npt.NDArray[np.float32]:
        """Each field's contribution to the log2 odds, shape (n_pairs, n_comparisons)."""
        if not self.coef_:
            raise NotFittedError("LogisticScorer is not fitted yet: call fit_gamma(gamma, y) first")
        out = np.zeros(gamma.shape, dtype=np.float32)
        for k, coef in enumerate(self.coef_):
            out[:, k] = coef[gamma[:, k]]
        return out

    def predict_gamma(self, gamma: Gamma) -> FloatArray:
        """Match probability of each pair."""
        weights = self.match_weights_gamma(gamma)
        return match_probability(self.intercept_ + weights.sum(axis=1, dtype=np.float64))

    def to_dict(self) -> dict[str, object]:
        """The fitted parameters as plain JSON-able data: the intercept and each level's weight (log2)."""
        if not self.coef_:
            raise NotFittedError("LogisticScorer is not fitted yet: call fit_gamma(gamma, y) first")
        return {
            "comparisons": [c.name for c in self.comparisons],
            "coef": [c.tolist() for c in self.coef_],
            "intercept": self.intercept_,
            "C": self.C,
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, comparisons: Sequence[Comparison] | None = None
    ) -> LogisticScorer:
        """A fitted scorer from :meth:`to_dict` output.

        ``comparisons`` (default :data:`~matchers.comparisons.DEFAULT_COMPARISONS`) must have the names
        and level counts the scorer was fitted with (else :class:`ValueError`, as for weights that are
        not finite numbers).

        >>> gamma = np.array([[1, 1], [1, 2], [2, 2], [2, 1]] * 20, dtype=np.int8)
        >>> scorer = LogisticScorer(comparisons=DEFAULT_COMPARISONS[:2]).fit_gamma(gamma, [1, 1, 0, 0] * 20)
        >>> again = LogisticScorer.from_dict(scorer.to_dict(), comparisons=DEFAULT_COMPARISONS[:2])
        >>> again.to_dict() == scorer.to_dict()
        True
        """
        comps = tuple(comparisons) if comparisons is not None else DEFAULT_COMPARISONS
        coef = _level_arrays(data, "coef", comps)
        intercept = float(data["intercept"])
        if not math.isfinite(intercept):
            raise ValueError(f"the scorer's intercept must be a finite number, not {intercept}")
        scorer = cls(comparisons=comps, C=float(data.get("C", 1.0)))
        for c in coef:
            c[0] = 0.0  # the null level is the baseline
        scorer.coef_, scorer.intercept_ = coef, intercept
        return scorer
