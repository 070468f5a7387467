"""``python -m benchmarks.missed DIR [--ceiling]``: what the true pairs a default run misses have in common.

Reports how many missed true pairs share no e-mail, phone or street address and how many are candidate
pairs at all, and, for candidate pairs that agree on the full name (exact first name and surname), share
no e-mail, and have no phone and no address to compare (one side lacks them; found with the name-only
blocking rule added), how often they are the same person depending on how many records carry that full
name. Pairs whose phones or addresses are present and differ are not among them. Reads ``DIR/erp.csv``,
``DIR/shopify.csv`` and ``DIR/truth.csv``.

``--supervised`` estimates how far *any* pair classifier could go on these records: a gradient-boosted
classifier (scikit-learn) is trained *on the truth*, two-fold by person, on far more than our comparison
levels sees (string similarities of names and e-mail local parts, name frequencies, city, postcode, phone
area, e-mail domain, which fields are present, how many candidates each record has, and the cluster each
record lands in with our default run); its accepted pairs are clustered with our household guard (plain
connected components let a few wrong pairs chain whole name blocks together) and scored at several
thresholds.

``--ablation`` (with ``--supervised``) retrains the classifier on growing feature sets, starting from our
comparison levels alone, to show which information the bound rests on.

``--ceiling`` estimates how far any scorer that sees what ours sees could go. Every candidate pair (default
rules plus the name-only rule) is put in a group by its comparison levels, how many records carry its full
name (capped at 12), which sources it joins and whether the countries agree. Then, *using the truth*, the
groups are accepted whose share of true pairs is at least 0.5 ... 0.9, the accepted pairs clustered, and the
pairwise scores printed: a bound no real scorer reaches, since it knows each group's precision. Last, every
true candidate pair is accepted (perfect pair classification): the ceiling the candidate pairs leave.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from benchmarks.metrics import Scores, clusters_from_pairs, pairwise_scores
from benchmarks.run import truth_labels
from identity import dedupe
from matchers.blocking import DEFAULT_RULES, BlockingIndex, name_rule
from matchers.clustering import cluster_pairs
from matchers.comparisons import DEFAULT_COMPARISONS, cannot_link, compare_all
from matchers.features import Features

__all__ = ["main"]


def _true_pairs(labels: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(labels)]
    left, right = [], []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        rows = np.sort(order[s:e]).tolist()
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                left.append(rows[i])
                right.append(rows[j])
    return np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)


def _ceiling(
    features: Features, labels: npt.NDArray[np.int64], occurrences: npt.NDArray[np.int64],
    left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], gamma: npt.NDArray[np.int8],
) -> None:
    same = labels[left] == labels[right]
    sources = features.source.astype(np.int64)
    countries = np.where(
        (features.country[left] < 0) | (features.country[right] < 0), 0,
        np.where(features.country[left] == features.country[right], 1, 2),
    )
    keys = np.column_stack([gamma, np.minimum(occurrences, 12), sources[left] * 64 + sources[right], countries])
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    share = np.bincount(group, weights=same) / np.bincount(group)
    print(f"ceiling over {len(left):,} candidate pairs in {len(share):,} groups (truth picks the groups):")
    for minimum in (0.5, 0.6, 0.7, 0.8, 0.9):
        accept = share[group] >= minimum
        s = pairwise_scores(clusters_from_pairs(features.n, left[accept], right[accept]), labels)
        print(f"  accept groups >= {minimum:.1f} true: P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")
    s = pairwise_scores(clusters_from_pairs(features.n, left[same], right[same]), labels)
    print(f"  every true candidate pair:   P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")


IntArray = npt.NDArray[np.int64]


def _agree(codes: npt.NDArray[np.integer], left: IntArray, right: IntArray) -> IntArray:
    """0 different, 1 equal, 2 missing on either side (any code < 0)."""
    a, b = codes[left].astype(np.int64), codes[right].astype(np.int64)
    if a.ndim == 1:
        return np.where((a < 0) | (b < 0), 2, (a == b).astype(np.int64))
    equal = np.zeros(len(left), dtype=bool)
    for i in range(a.shape[1]):
        for j in range(b.shape[1]):
            equal |= (a[:, i] >= 0) & (a[:, i] == b[:, j])
    return np.where((a < 0).all(axis=1) | (b < 0).all(axis=1), 2, equal.astype(np.int64))


def _similarity(
    strings: list[str], left: IntArray, right: IntArray, other: list[str] | None = None
) -> npt.NDArray[np.float64]:
    """Jaro-Winkler similarity of ``strings[left]`` and ``(other or strings)[right]`` ('' scores 0)."""
    a = [strings[i] for i in left.tolist()]
    b = [(strings if other is None else other)[i] for i in right.tolist()]
    return np.asarray(cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=-1), dtype=np.float64)


def _codes(values: list[str]) -> IntArray:
    """Integer codes of strings, -1 for ''."""
    index: dict[str, int] = {}
    return np.array([index.setdefault(v, len(index)) if v else -1 for v in values], dtype=np.int64)


def _pair_table(
    features: Features, predicted: npt.NDArray[np.int64], occurrences: IntArray,
    left: IntArray, right: IntArray, gamma: npt.NDArray[np.int8],
) -> npt.NDArray[np.float64]:
    """Everything a classifier may use about each candidate pair, one row per pair."""
    f, n = features, features.n
    first = [f.first_vocab[c] if c >= 0 else "" for c in f.first.tolist()]
    last = [f.last_vocab[c] if c >= 0 else "" for c in f.last.tolist()]
    local = [f.email_local_vocab[c] if c >= 0 else "" for c in f.email_local[:, 0].tolist()]
    name = [(a + b).replace(" ", "") for a, b in zip(first, last, strict=True)]
    stem = _codes([v.rstrip("0123456789") if len(v.rstrip("0123456789")) >= 3 else "" for v in local])
    domain = np.full(f.email.shape, -1, dtype=np.int64)
    domains: dict[str, int] = {}
    present = np.argwhere(f.email >= 0)
    for r, c in present.tolist():
        domain[r, c] = domains.setdefault(f.email_vocab[f.email[r, c]].rpartition("@")[2], len(domains))
    area = np.where(f.phone >= 0, f.phone // 10**7, -1)
    first_count = np.bincount(f.first[f.first >= 0], minlength=len(f.first_vocab) + 1)
    last_count = np.bincount(f.last[f.last >= 0], minlength=len(f.last_vocab) + 1)
    fc, lc = first_count[f.first], last_count[f.last]
    degree = np.bincount(np.concatenate([left, right]), minlength=n)
    _, cluster = np.unique(predicted, return_inverse=True)
    size = np.bincount(cluster)[cluster]
    source = f.source.astype(np.int64)
    has_email, has_phone, has_street = f.email[:, 0] >= 0, f.phone[:, 0] >= 0, f.street >= 0
    columns = [
        gamma.astype(np.float64),
        np.column_stack([np.minimum(occurrences[left], occurrences[right]),
                         np.maximum(occurrences[left], occurrences[right])]),
        np.column_stack([fc[left], fc[right], lc[left], lc[right], degree[left], degree[right]]),
        np.column_stack([size[left], size[right], cluster[left] == cluster[right]]),
        np.column_stack([source[left] * 64 + source[right]]),
        np.column_stack([_agree(x, left, right) for x in (f.country, f.city, f.postcode, f.street, f.house,
                                                           f.company, stem, area, domain)]),
        np.column_stack([_similarity(first, left, right), _similarity(last, left, right),
                         _similarity(local, left, right), _similarity(local, left, right, name),
                         _similarity(local, right, left, name)]),
        np.column_stack([has_email[left], has_email[right], has_phone[left], has_phone[right],
                         has_street[left], has_street[right]]),
    ]
    return np.column_stack(columns).astype(np.float64)


def _feature_groups(n_comparisons: int) -> dict[str, list[int]]:
    """Column indices of :func:`_pair_table`'s feature groups, in table order."""
    sizes = {
        "levels": n_comparisons,  # our comparison levels
        "name occurrences": 2,  # how many records carry each side's full name (min, max)
        "name counts": 4,  # first-name and surname counts of each side
        "candidate degree": 2,  # how many candidate pairs each record is in
        "our clusters": 3,  # size of each record's cluster in our run, and whether they share one
        "sources": 1,  # which sources the pair joins
        "agreements": 9,  # country, city, postcode, street, house, company, e-mail stem, phone area, domain
        "similarities": 5,  # Jaro-Winkler of names and e-mail local parts, local part against name
        "fields present": 6,  # e-mail, phone, street on each side
    }
    groups, start = {}, 0
    for name, size in sizes.items():
        groups[name] = list(range(start, start + size))
        start += size
    return groups


#: Feature sets of the ``--ablation`` table, each adding to the one before.
ABLATION: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("our comparison levels only", ("levels",)),
    ("+ full-name occurrences, name counts", ("name occurrences", "name counts")),
    ("+ sources, fields present", ("sources", "fields present")),
    ("+ candidate degree", ("candidate degree",)),
    ("+ agreements, similarities", ("agreements", "similarities")),
    ("+ our clusters (all features)", ("our clusters",)),
)


def _classify(
    table: npt.NDArray[np.float64], same: npt.NDArray[np.bool_], fold: IntArray
) -> npt.NDArray[np.float64]:
    """Out-of-fold match probabilities from gradient-boosted trees trained on the truth."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    probability = np.zeros(len(table))
    for k in (0, 1):
        # Regularized: with 63 leaves and no minimum leaf size one fold's model came out much worse
        # than the other's (1,143 wrong pairs accepted against 461), and the bound moved by 0.012.
        model = HistGradientBoostingClassifier(
            max_iter=200, max_leaf_nodes=31, min_samples_leaf=100, l2_regularization=1.0,
            early_stopping=False, random_state=0,
        )
        model.fit(table[fold != k], same[fold != k])
        probability[fold == k] = model.predict_proba(table[fold == k])[:, 1]
    return probability


def _supervised(
    features: Features, labels: npt.NDArray[np.int64], predicted: npt.NDArray[np.int64],
    occurrences: IntArray, left: IntArray, right: IntArray, gamma: npt.NDArray[np.int8],
    *, ablation: bool = False,
) -> None:
    table = _pair_table(features, predicted, occurrences, left, right, gamma)
    same = labels[left] == labels[right]
    fold = labels[np.minimum(left, right)] % 2
    cannot = cannot_link(DEFAULT_COMPARISONS, gamma)
    thresholds = (0.5, 0.6, 0.7, 0.8, 0.9)

    def scores(probability: npt.NDArray[np.float64], minimum: float) -> Scores:
        clustered = cluster_pairs(features.n, left, right, probability, threshold=minimum, cannot_link=cannot)
        return pairwise_scores(clustered.labels, labels)

    print(f"supervised bound over {len(left):,} candidate pairs, {table.shape[1]} features per pair "
          "(trained on the truth, two folds by person):")
    probability = _classify(table, same, fold)
    for minimum in thresholds:
        s = scores(probability, minimum)
        print(f"  accept p >= {minimum:.1f}: P {s.precision:.4f}  R {s.recall:.4f}  F1 {s.f1:.4f}")
    if not ablation:
        return
    print("which features the bound needs (the same classifier on growing feature sets; best threshold):")
    groups = _feature_groups(gamma.shape[1])
    assert sum(map(len, groups.values())) == table.shape[1], "feature groups out of step with _pair_table"
    columns: list[int] = []
    for label, added in ABLATION:
        columns += [c for name in added for c in groups[name]]
        probability = _classify(table[:, columns], same, fold)
        best, at = max((scores(probability, m).f1, m) for m in thresholds)
        print(f"  {label:<40} {len(columns):>2} features: F1 {best:.4f} (p >= {at:.1f})")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.missed")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--ceiling", action="store_true", help="also estimate the best reachable F1")
    parser.add_argument(
        "--supervised", action="store_true", help="also train a classifier on the truth (an upper bound)"
    )
    parser.add_argument(
        "--ablation", action="store_true",
        help="with --supervised: retrain on growing feature sets, to show which information the bound uses",
    )
    args = parser.parse_args(argv)
    result = dedupe([str(args.data_dir / "erp.csv"), str(args.data_dir / "shopify.csv")])
    clusters = result.clusters
    labels = truth_labels(args.data_dir, clusters["source"].to_pylist(), clusters["source_id"].to_pylist())
    predicted = clusters["cluster_id"].to_numpy()
    features = result.features
    assert features is not None
    names = [c.name for c in DEFAULT_COMPARISONS]
    email, phone, address = names.index("email"), names.index("phone"), names.index("address")

    left, right = _true_pairs(labels)
    missed = predicted[left] != predicted[right]
    gamma = compare_all(DEFAULT_COMPARISONS, features, left[missed], right[missed])
    shared = np.isin(gamma[:, email], (1, 2)) | (gamma[:, phone] == 1) | np.isin(gamma[:, address], (1, 2))
    print(f"true pairs {len(left):,}; missed {int(missed.sum()):,}; of those sharing no e-mail, phone or "
          f"street address: {int((~shared).sum()):,} ({(~shared).mean():.1%})")
    n = features.n
    candidate_keys = np.unique(np.minimum(*result.candidate_pairs) * n + np.maximum(*result.candidate_pairs))
    missed_keys = left[missed] * n + right[missed]  # _true_pairs gives left < right
    is_candidate = np.isin(missed_keys, candidate_keys)
    print(f"  of the missed pairs, candidate pairs of the default run: {int(is_candidate.sum()):,}; of those "
          f"sharing no e-mail, phone or street address: {int((is_candidate & ~shared).sum()):,}")

    index = BlockingIndex(rules=(*DEFAULT_RULES, name_rule())).fit(features)
    cl, cr = index.pairs
    g = compare_all(DEFAULT_COMPARISONS, features, cl, cr)
    name_only = (g[:, 0] == 1) & (g[:, 1] == 1) & ~np.isin(g[:, email], (1, 2, 3)) & (g[:, phone] == 0)
    name_only &= g[:, address] == 0
    full = features.first.astype(np.int64) * (len(features.last_vocab) + 1) + features.last
    counts = Counter(full[(features.first >= 0) & (features.last >= 0)].tolist())
    occurrences_by_record = np.array([counts.get(x, 0) for x in full.tolist()], dtype=np.int64)
    occurrences = occurrences_by_record[cl]
    same = labels[cl] == labels[cr]
    print("candidate pairs agreeing on the full name, sharing no e-mail, with no phone and no address on one "
          "side, by how many records carry the name:")
    for k in (2, 3, 4, 6, 10):
        sel = name_only & (occurrences == k)
        if sel.any():
            print(f"  {k:>2} records: {int(sel.sum()):>6,} pairs, same person {same[sel].mean():.0%}")
    if args.ceiling:
        _ceiling(features, labels, occurrences, cl, cr, g)
    if args.supervised:
        _supervised(
            features, labels, predicted.astype(np.int64), occurrences_by_record, cl, cr, g, ablation=args.ablation
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
