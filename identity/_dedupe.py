"""The batch API: :func:`dedupe` and :func:`link`."""

from __future__ import annotations

import dataclasses
import functools
import numbers
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from identity._exceptions import ConfigurationError, InputError
from identity._io import SourceInput, combine_sources, read_previous, read_source, write_table
from identity._model_file import ModelSource, model_document, resolve_model, write_model
from matchers._workers import background, pair_slices
from matchers.blocking import BlockingIndex, BlockingRule, RuleReport
from matchers.clustering import ClusterResult, carry_ids, cluster_pairs, unscored_pairs
from matchers.comparisons import DEFAULT_COMPARISONS, Comparison, cannot_link, compare_all
from matchers.features import Features, build_features, feature_summary, second_process
from matchers.fellegi_sunter import FellegiSunter, LogisticScorer, match_probability, total_pairs

__all__ = ["DEFAULT_THRESHOLD", "SUPERVISED_THRESHOLD", "DedupeResult", "LabelledPair", "dedupe", "link"]

#: Default match probability at or above which a pair is the same person (Fellegi-Sunter scoring).
DEFAULT_THRESHOLD = 0.95
#: The default when labelled pairs are given. Fellegi-Sunter counts fields as independent evidence, so
#: its probabilities are extreme and the cut sits high; the logistic model's are fitted to the labels.
#: Measured on the 250k benchmark with 3,000 labelled candidate pairs: F1 0.921 at 0.95, 0.942 at 0.5.
SUPERVISED_THRESHOLD = 0.5
#: Pairs below this probability are left out of ``DedupeResult.pairs`` (they are still scored).
PAIRS_FLOOR = 0.5

#: A labelled pair for supervised scoring: ``(source_a, id_a, source_b, id_b, is_match)``.
LabelledPair = tuple[str, str, str, str, bool]
#: Progress callback: ``(stage, fraction_done)``.
ProgressCallback = Callable[[str, float], None]
Sources = Any


@dataclass
class DedupeResult:
    """What :func:`dedupe` found.

    Attributes
    ----------
    clusters : pyarrow.Table
        One row per input record, in input order: ``source, source_id, cluster_id, cluster_size``.
        Cluster ids are ``0, 1, 2 ...`` in order of each cluster's first record in input order, or,
        with ``previous``, those of the earlier run (new clusters numbered above them). Which
        records share a cluster does not depend on the order of the rows or of the sources.
    pairs : pyarrow.Table
        Compared pairs with probability >= 0.5: ``source_l, source_id_l, source_r, source_id_r,
        probability, match, same_cluster`` and one ``weight_<field>`` column per comparison (log2 Bayes
        factors). The left record sorts before the right one by ``(source, source_id)``, and the rows are
        sorted by ``(source_l, source_id_l, source_r, source_id_r)`` (ids compared as text), whatever
        the input order.
    model : FellegiSunter or LogisticScorer
        The fitted scoring model.
    blocking : list of RuleReport
        Per blocking rule: blocks, pairs, oversized blocks split.
    timings : dict
        Seconds per stage.
    summary : dict
        Records, candidate pairs, matches, clusters and more.
    candidate_pairs : tuple of two int arrays
        Every compared pair as record numbers (rows of ``clusters``, so input order), ``left < right``;
        the pairs come in the order of ``pairs`` (by source and id), not sorted by record number.
    features : Features
        The records' matching keys, record ``k`` being row ``k`` of ``clusters`` (input order).
    """

    clusters: pa.Table
    pairs: pa.Table
    model: FellegiSunter | LogisticScorer
    blocking: list[RuleReport]
    timings: dict[str, float]
    summary: dict[str, Any]
    candidate_pairs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] = field(
        default_factory=lambda: (np.zeros(0, np.int64), np.zeros(0, np.int64)), repr=False
    )
    features: Features | None = field(default=None, repr=False)
    link_only: bool = False

    def write(self, path: str | Path) -> None:
        """Write ``clusters`` as CSV or Parquet (by extension)."""
        write_table(self.clusters, path)

    def write_pairs(self, path: str | Path) -> None:
        """Write ``pairs`` as CSV or Parquet (by extension)."""
        write_table(self.pairs, path)

    def save_model(self, path: str | os.PathLike[str]) -> None:
        """Write the fitted scoring model to ``path`` as one JSON file, to score later runs with.

        ``identity.dedupe(sources, model=path)`` then skips training and scores with these parameters.
        The file holds parameters only (no records, values or keys of the data): a header with the
        format name and version, the library version, the comparisons (names and level counts),
        ``link_only``, then the model's parameters (with the size of the run it was fitted on). It is
        written whole or not at all; a folder that does not exist or a file that cannot be written is an
        :class:`~identity.InputError`.

        Examples
        --------
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> from identity import dedupe
        >>> sample = ["examples/erp_customers.csv", "examples/shopify_customers.csv"]
        >>> result = dedupe(sample)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result.save_model(f"{folder}/model.json")
        ...     header = json.loads(Path(f"{folder}/model.json").read_text())
        ...     again = dedupe(sample, model=f"{folder}/model.json")
        >>> header["format"], header["format_version"], header["kind"], header["comparisons"][0]["name"]
        ('identity-dedupe-model', 1, 'fellegi_sunter', 'first_name')
        >>> again.clusters.equals(result.clusters), again.timings["train"] < 0.01
        (True, True)
        """
        write_model(model_document(self.model, link_only=self.link_only), path)


def _as_source_list(sources: Sources) -> list[SourceInput]:
    if isinstance(sources, Mapping):
        items = [read_source(data, name=str(name)) for name, data in sources.items()]
    elif isinstance(sources, str | Path | pa.Table) or type(sources).__name__ == "DataFrame":
        items = [read_source(sources)]
    elif isinstance(sources, Iterable):
        items = []
        for k, data in enumerate(sources):
            item = read_source(data)
            if not isinstance(data, str | Path):
                item.name = f"source_{k}"
                item.origin = f"input {k}"
            items.append(item)
    else:
        raise InputError(f"unsupported sources of type {type(sources).__name__}")
    if not items:
        raise InputError("no input given")
    return items


class _Clock:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self.timings: dict[str, float] = {}
        self.progress = progress
        self._stage = ""
        self._start = 0.0

    def stage(self, name: str) -> None:
        self.stop()
        self._stage, self._start = name, time.perf_counter()
        if self.progress:
            self.progress(name, 0.0)

    def stop(self) -> None:
        if self._stage:
            self.timings[self._stage] = self.timings.get(self._stage, 0.0) + time.perf_counter() - self._start
            if self.progress:
                self.progress(self._stage, 1.0)
        self._stage = ""


def dedupe(
    sources: Sources,
    *,
    columns: Mapping[str | None, Mapping[str, Sequence[str]]] | Mapping[str, Sequence[str]] | None = None,
    region: str = "US",
    threshold: float | None = None,
    link_only: bool = False,
    rules: Sequence[BlockingRule] | None = None,
    comparisons: Sequence[Comparison] | None = None,
    labels: Sequence[LabelledPair] | None = None,
    model: ModelSource | None = None,
    max_block_size: int = 60,
    random_state: int = 0,
    workers: int | None = None,
    previous: Any = None,
    progress: ProgressCallback | None = None,
) -> DedupeResult:
    """Find which records are the same customer, within and across sources.

    Parameters
    ----------
    sources : path, Table, DataFrame, or a list / dict of them
        Inputs; a dict gives each source its name, files are named by their stem.
    columns : mapping, optional
        ``{canonical: [raw columns]}`` for every source, or ``{source: {canonical: [...]}}`` with
        ``None`` as the key for every source. Unmapped columns are found by well-known aliases.
    region : str
        Default region for phones and postcodes of records without a country.
    threshold : float, optional
        Match probability at or above which two records are the same person. Default
        :data:`DEFAULT_THRESHOLD` (0.95), or :data:`SUPERVISED_THRESHOLD` (0.5) when ``labels`` or a
        logistic ``model`` are given.
    link_only : bool
        Only compare and score records across sources: no pair of one source is a candidate. Clusters
        stay transitive, so two records of one source that both match one record of another share its
        cluster (an ERP duplicate found through Shopify), unless they are clearly two people.
    rules, comparisons : optional
        Blocking rules and comparisons (defaults: :data:`matchers.blocking.DEFAULT_RULES`,
        :data:`matchers.comparisons.DEFAULT_COMPARISONS`).
    labels : sequence of (source_a, id_a, source_b, id_b, is_match), optional
        Labelled pairs: scoring becomes supervised (logistic regression) instead of EM.
    model : path or FellegiSunter or LogisticScorer, optional
        A model fitted by an earlier run: a file written by :meth:`DedupeResult.save_model`, or a fitted
        model (``result.model``). Nothing is trained (no random pairs for u, no EM): the candidate pairs
        are scored with its parameters (term frequencies, and a Fellegi-Sunter model's prior, come from
        this run's records; see Notes), then clustered as usual. Its comparisons must be this run's.
        Not together with ``labels``.
    workers : int, optional
        Processes to use (default: 2 when the machine has 2 or more cores). With 2 (and at least
        ``matchers.features.PARALLEL_MIN_RECORDS`` records), a second process normalises phones and
        e-mails and shares the address lines while this one parses names, then compares the random
        pairs that estimate u while this one blocks. The result does not depend on it.
    previous : path, Table or DataFrame, optional
        The clusters of an earlier run (``source, source_id, cluster_id``, as :meth:`DedupeResult.write`
        writes them): clusters keep the ids they had there, so ids stay stable from one night to the
        next. A cluster keeps the id that most of its records had (of equal shares, the smaller id); when
        a cluster splits, the part with most of its records keeps the id; no id of ``previous`` goes to
        another cluster: new clusters get ids above the largest one in it (in order of their first
        record by ``(source, source_id)``, so that with ``previous`` no id depends on the order of the
        rows). (An id that was the largest and is retired tonight is not in tonight's output, so a run
        that takes tonight's output as ``previous`` may give it to a new cluster.) ``summary`` counts
        the ids carried, new and retired, and the records new, gone and in another cluster than before
        (``ids_carried`` ... ``records_moved``); ``next_cluster_id`` is the smallest id above every
        earlier and every new one, where a :class:`~identity.Resolver` built on the result numbers the
        customers it adds.
    progress : callable, optional
        Called as ``progress(stage, fraction)`` at the start (0.0) and end (1.0) of each stage.

    Notes
    -----
    The records are matched in the order of ``(source, source_id)``, whatever order they are given in, so
    the same records give the same clusters when the rows or the sources come in another order (only the
    cluster ids, numbered by first appearance in input order, follow the input).

    With ``model``, a Fellegi-Sunter model's ``m`` and ``u`` are used as they are, and its prior (the
    chance that two random records are one person) is scaled to this run's size by
    :meth:`~matchers.fellegi_sunter.FellegiSunter.for_records`, assuming as many duplicates per record
    as in the run it was fitted on. With a model fitted on 20,000 generated records, the scaled prior
    came within 16% of the one EM finds on other sets of 500 to 20,000 records, where the unscaled one
    was 4 to 35 times too small (pairwise F1 on 1,000 records 0.950 scaled, as when trained on the file
    itself, 0.941 unscaled; on 5,000, 0.944 and 0.940). On the same records the model scores exactly as
    in the run that fitted it.

    Examples
    --------
    >>> import pyarrow as pa
    >>> erp = pa.table({"CardCode": ["C1", "C2"], "CardName": ["SMITH, WILLIAM", "JONES, MARY"],
    ...                 "Phone1": ["(212) 736-5000", "020 7946 0958"], "Country": ["US", "GB"]})
    >>> shop = pa.table({"id": ["9"], "first_name": ["Bill"], "last_name": ["Smith"],
    ...                  "phone": ["+12127365000"], "email": ["bill@gmail.com"]})
    >>> result = dedupe({"erp": erp, "shopify": shop})
    >>> result.clusters.select(["source", "source_id", "cluster_id"]).to_pylist()  # doctest: +NORMALIZE_WHITESPACE
    [{'source': 'erp', 'source_id': 'C1', 'cluster_id': 0},
     {'source': 'erp', 'source_id': 'C2', 'cluster_id': 1},
     {'source': 'shopify', 'source_id': '9', 'cluster_id': 0}]
    """
    comps = tuple(comparisons) if comparisons is not None else DEFAULT_COMPARISONS
    reused: FellegiSunter | LogisticScorer | None = None
    if model is not None:
        if labels:
            raise ConfigurationError(
                "give either labels (to fit a logistic model) or model (to reuse a fitted one), not both"
            )
        reused = resolve_model(model, comps)
    if threshold is None:
        supervised = bool(labels) or isinstance(reused, LogisticScorer)
        threshold = SUPERVISED_THRESHOLD if supervised else DEFAULT_THRESHOLD
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise ConfigurationError(f"threshold must be a number between 0 and 1, got {threshold!r}")
    if not 0.0 < threshold < 1.0:
        raise ConfigurationError(f"threshold must be between 0 and 1 (exclusive), got {threshold}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ConfigurationError(f"workers must be a whole number of at least 1, got {workers!r}")
    region = _check_region(region)
    clock = _Clock(progress)
    clock.stage("read")
    inputs = _as_source_list(sources)
    given = combine_sources(inputs, _scoped(columns))
    earlier = read_previous(previous) if previous is not None else None
    # The pipeline runs on the records sorted by (source, source_id): the random pairs that estimate u,
    # the training blocks, the codes of names and every tie-break then depend on the records, not on the
    # order of the rows or of the sources. Results are mapped back to input order at the end.
    order = _canonical_order(given)
    table = given if order is None else given.take(pa.array(order))
    keys = given.select(["source", "source_id"])  # for the output; the rest of ``given`` may go
    del given
    clock.stage("normalize")
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    features = build_features(table, region=region, workers=workers)
    scorer: FellegiSunter | LogisticScorer
    train = not labels and reused is None
    fs = FellegiSunter(comparisons=comps, link_only=link_only, random_state=random_state) if train else None
    # The random pairs that estimate u do not depend on blocking: a second process compares slices of
    # them while this one blocks and compares the candidates, then both take slices until none is left.
    random_left, random_right, possible = (
        fs.random_sample(features) if fs is not None else (np.zeros(0, np.int64), np.zeros(0, np.int64), 0.0)
    )
    random_pairs = pair_slices(random_left, random_right)
    compare_random = functools.partial(_compare_slices, comps, features)
    with background(
        random_pairs.run_front,
        compare_random,
        enabled=fs is not None and second_process(workers, features.n),
    ) as random_gamma:
        clock.stage("block")
        index = BlockingIndex(
            rules=tuple(rules) if rules is not None else BlockingIndex().rules,
            max_block_size=max_block_size,
            link_only=link_only,
        ).fit(features)
        left, right = index.pairs
        clock.stage("compare")
        gamma = compare_all(comps, features, left, right)
        clock.stage("train")
        if isinstance(reused, FellegiSunter):
            scorer = reused.for_records(features.n, total_pairs(features.source, link_only=link_only))
        elif reused is not None:
            scorer = reused
        elif fs is None:
            assert labels
            scorer = _fit_supervised(comps, features, table, labels)
        else:
            mine = random_pairs.run_back(compare_random)
            scorer = fs.fit_gamma(
                gamma,
                _stack_levels(random_pairs.merge(mine, random_gamma()), len(comps)),
                possible,
                training=index.training_blocks(random_state=random_state),
                exhaustive=index.exhaustive_comparisons,
                n_records=features.n,
            )
        clock.stage("score")
        if isinstance(scorer, LogisticScorer):
            weights = scorer.match_weights_gamma(gamma)
            log_odds = scorer.intercept_ + weights.sum(axis=1, dtype=np.float64)
        else:
            weights = scorer.match_weights(features, left, right, gamma)
            log_odds = scorer.prior_weight + weights.sum(axis=1, dtype=np.float64)
        probability = match_probability(log_odds)
    clock.stage("cluster")
    cannot = cannot_link(comps, gamma)
    clustered = cluster_pairs(
        features.n, left, right, probability, threshold=threshold, cannot_link=cannot, log_odds=log_odds
    )
    clustered = _guard_unscored(
        clustered, comps, features, (left, right), probability, log_odds, threshold, cannot, max_block_size
    )
    pairs = _pairs_table(table, comps, left, right, probability, weights, threshold, cannot, clustered)
    candidates = (left, right)
    in_input = clustered
    if order is not None:  # back to input order: record numbers, cluster ids, features
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order), dtype=order.dtype)
        in_input = clustered.take(inverse)
        a, b = order[left], order[right]
        candidates = (np.minimum(a, b), np.maximum(a, b))
        features = features.take(inverse)
    cluster_ids: npt.NDArray[np.int64] = in_input.labels
    carried: dict[str, Any] = {}
    if earlier is not None:
        cluster_ids, carried = _carry_over(in_input.labels, keys, order, earlier)
    clusters = pa.table(
        {
            "source": keys.column("source"),
            "source_id": keys.column("source_id"),
            "cluster_id": pa.array(cluster_ids),
            "cluster_size": pa.array(in_input.sizes),
        }
    )
    clock.stop()
    summary = {
        "records": features.n,
        "sources": {s.name: s.table.num_rows for s in inputs},
        "candidate_pairs": len(left),
        "matched_pairs": int(((probability >= threshold) & ~cannot).sum()),
        "clusters": clustered.n_clusters,
        "multi_record_clusters": int((np.bincount(clustered.labels) > 1).sum()),
        "guarded_components": clustered.guarded_components,
        "refused_merges": clustered.refused_merges,
        **carried,
        **{f"input_{k}": v for k, v in feature_summary(features).items()},
        **features.stats,
    }
    return DedupeResult(
        clusters, pairs, scorer, index.report_, clock.timings, summary, candidates, features, link_only
    )


def _carry_over(
    labels: npt.NDArray[np.int64],
    keys: pa.Table,
    order: npt.NDArray[np.int64] | None,
    earlier: tuple[pa.Table, str],
) -> tuple[npt.NDArray[np.int64], dict[str, Any]]:
    """Today's clusters (``labels``, input order) with the ids of an earlier run, and what changed."""
    previous, origin = earlier
    n = len(labels)
    today = keys.append_column("__row", pa.array(np.arange(n, dtype=np.int64)))
    joined = today.join(previous, ["source", "source_id"], join_type="left outer")
    rows = joined.column("__row").to_numpy()
    before = np.full(n, -1, dtype=np.int64)
    before[rows] = pc.fill_null(joined.column("cluster_id"), -1).to_numpy()
    found = before >= 0
    if previous.num_rows and not found.any():
        raise InputError(
            f"{origin}: none of its {previous.num_rows} records is in this run's input (its sources: "
            f"{', '.join(sorted(set(previous.column('source').to_pylist())))}; here: "
            f"{', '.join(sorted(set(keys.column('source').to_pylist())))}); name the inputs as then, "
            "with NAME=PATH on the command line or a dict of sources"
        )
    # Ties between clusters are broken by (source, source_id), not by the order of the rows.
    rank = np.arange(n, dtype=np.int64)
    if order is not None:
        rank[order] = np.arange(n, dtype=np.int64)
    result = carry_ids(labels, before, rank=rank, earlier_ids=previous.column("cluster_id").to_numpy())
    moved = int((found & (result.ids != before)).sum())
    return result.ids, {
        "previous_origin": origin,
        "ids_carried": result.carried,
        "ids_new": result.new,
        "ids_retired": result.retired,
        "records_new": int((~found).sum()),
        "records_gone": previous.num_rows - int(found.sum()),
        "records_moved": moved,
        # Ids retired tonight stay taken: a record added later (Resolver.add) must not get one of them.
        "next_cluster_id": result.next_id,
    }


def _compare_slices(
    comparisons: Sequence[Comparison], features: Features, part: Sequence[tuple[npt.NDArray[np.int64], ...]]
) -> list[npt.NDArray[np.int8]]:
    """:func:`~matchers.comparisons.compare_all` of each ``(left, right)`` slice of pairs in ``part``."""
    return [compare_all(comparisons, features, left, right) for left, right in part]


def _stack_levels(parts: Sequence[npt.NDArray[np.int8]], width: int) -> npt.NDArray[np.int8]:
    """The slices' levels as one array of shape (n_pairs, width) (also when there are no slices)."""
    return np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int8)


def _canonical_order(table: pa.Table) -> npt.NDArray[np.int64] | None:
    """The row numbers that sort ``table`` by ``(source, source_id)``, or None when it is sorted.

    ``source_id`` is unique within a source (:func:`identity._io.canonicalize` checks it), so the order is
    total and the same for any order of the rows or the sources.

    >>> _canonical_order(pa.table({"source": ["s", "e", "e"], "source_id": ["1", "2", "10"]})).tolist()
    [2, 1, 0]
    >>> _canonical_order(pa.table({"source": ["e", "s"], "source_id": ["2", "1"]})) is None
    True
    """
    order = pc.sort_indices(table, sort_keys=[("source", "ascending"), ("source_id", "ascending")])
    rows = order.to_numpy().astype(np.int64, copy=False)
    return None if bool((rows[1:] > rows[:-1]).all()) else rows


def link(a: Sources, b: Sources, **kwargs: Any) -> DedupeResult:
    """Link two sources: like :func:`dedupe` with ``link_only=True`` (no within-source pairs are scored;
    two records of one source share a cluster only through a record of the other).

    >>> import pyarrow as pa
    >>> r = link(pa.table({"id": ["1"], "email": ["a@x.com"]}), pa.table({"id": ["1"], "email": ["A@x.com"]}))
    >>> r.clusters.column("cluster_id").to_pylist()
    [0, 0]
    """
    first = _as_source_list(a)
    second = _as_source_list(b)
    if len(first) != 1 or len(second) != 1:
        raise InputError("link() takes exactly two sources; use dedupe(..., link_only=True) for more")
    if first[0].name == second[0].name:
        first[0].name, second[0].name = f"{first[0].name}_a", f"{second[0].name}_b"
    sources = {first[0].name: first[0].table, second[0].name: second[0].table}
    return dedupe(sources, link_only=True, **kwargs)


def _check_region(region: str) -> str:
    import phonenumbers

    code = str(region).strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigurationError(f"region {region!r} is not an ISO 3166 region code such as US, GB or DE")
    return code


def _scoped(
    columns: Mapping[str | None, Mapping[str, Sequence[str]]] | Mapping[str, Sequence[str]] | None,
) -> dict[str | None, dict[str, list[str]]]:
    if columns is None or (isinstance(columns, Mapping) and not columns):
        return {}
    if not isinstance(columns, Mapping):
        raise InputError(
            "columns must be a mapping such as {'phone': ['Phone1', 'Phone2']}, "
            f"got {type(columns).__name__}"
        )
    nested = [isinstance(v, Mapping) for v in columns.values()]
    if any(nested) and not all(nested):
        raise InputError(
            "columns: give either {canonical: columns} or {source: {canonical: columns}}, not both"
        )
    scoped: Mapping[Any, Any] = columns if all(nested) else {None: columns}
    return {scope: {str(c): _listify(c, v) for c, v in mapping.items()} for scope, mapping in scoped.items()}


def _listify(canonical: Any, value: Any) -> list[str]:
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InputError(
        f"columns[{canonical!r}]: expected a column name or a list of them, got {type(value).__name__}"
    )


def _fit_supervised(
    comparisons: Sequence[Comparison], features: Features, table: pa.Table, labels: Sequence[LabelledPair]
) -> LogisticScorer:
    keys = {
        (s, i): k
        for k, (s, i) in enumerate(
            zip(table.column("source").to_pylist(), table.column("source_id").to_pylist(), strict=True)
        )
    }
    rows_l, rows_r, y = [], [], []
    for n, label in enumerate(labels):
        if isinstance(label, str) or not isinstance(label, Sequence) or len(label) != 5:
            raise InputError(
                f"labelled pair {n + 1}: expected (source_a, id_a, source_b, id_b, is_match), got {label!r}"
            )
        sa, ia, sb, ib, is_match = label
        try:
            rows_l.append(keys[(str(sa), str(ia))])
            rows_r.append(keys[(str(sb), str(ib))])
        except KeyError as exc:
            raise InputError(f"labelled pair {n + 1}: no record {exc.args[0]!r} in the input") from None
        if not isinstance(is_match, bool | np.bool_ | numbers.Integral) or is_match not in (0, 1):
            raise InputError(f"labelled pair {n + 1}: is_match must be True or False, got {is_match!r}")
        y.append(bool(is_match))
    if len(set(y)) < 2:
        raise InputError("labelled pairs must hold both matches and non-matches (is_match True and False)")
    gamma = compare_all(comparisons, features, np.array(rows_l, np.int64), np.array(rows_r, np.int64))
    return LogisticScorer(comparisons=comparisons).fit_gamma(gamma, y)


#: The comparisons whose cannot-link splits records that share a cluster without having been compared
_NAME_GUARDS = frozenset({"first_name", "name_suffix"})


def _guard_unscored(
    clustered: ClusterResult,
    comparisons: Sequence[Comparison],
    features: Features,
    pairs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    probability: npt.NDArray[np.float64],
    log_odds: npt.NDArray[np.float64],
    threshold: float,
    cannot: npt.NDArray[np.bool_],
    max_block_size: int,
) -> ClusterResult:
    """Cluster again if records that share a cluster but were never compared are two people.

    Such pairs (joined only through other records; with ``link_only`` every pair of one source) are
    compared now, and those that are a cannot-link join the pairs as cannot-links only.
    """
    left, right = pairs
    extra_l, extra_r = unscored_pairs(clustered.labels, left, right, max_cluster_size=max_block_size)
    if not len(extra_l):
        return clustered
    # Names only: a date of birth mistyped differently in two records of one person (each joined to the
    # others by stronger evidence) is no proof of two people; on FEBRL3 every such split was wrong.
    # Every kind of cannot-link of the other fields goes (their contested levels too); what they say
    # as evidence (an identifier that proves one person, contacts that disagree) stays.
    by_name = [
        c
        if c.name in _NAME_GUARDS
        else dataclasses.replace(c, cannot_link_level=None, contested_cannot_link_levels=())
        for c in comparisons
    ]
    apart = cannot_link(by_name, compare_all(comparisons, features, extra_l, extra_r))
    if not apart.any():
        return clustered
    extra_l, extra_r, none = extra_l[apart], extra_r[apart], np.zeros(int(apart.sum()))
    return cluster_pairs(
        features.n,
        np.concatenate([left, extra_l]),
        np.concatenate([right, extra_r]),
        np.concatenate([probability, none]),
        threshold=threshold,
        cannot_link=np.concatenate([cannot, np.ones(len(extra_l), dtype=bool)]),
        log_odds=np.concatenate([log_odds, none - np.inf]),
    )


def _pairs_table(
    table: pa.Table,
    comparisons: Sequence[Comparison],
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    probability: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float32],
    threshold: float,
    cannot: npt.NDArray[np.bool_],
    clustered: ClusterResult,
) -> pa.Table:
    keep = np.flatnonzero(probability >= min(PAIRS_FLOOR, threshold))
    source = table.column("source")
    ids = table.column("source_id")
    l_idx, r_idx = pa.array(left[keep]), pa.array(right[keep])
    columns: dict[str, Any] = {
        "source_l": source.take(l_idx),
        "source_id_l": ids.take(l_idx),
        "source_r": source.take(r_idx),
        "source_id_r": ids.take(r_idx),
        "probability": pa.array(probability[keep]),
        "match": pa.array((probability[keep] >= threshold) & ~cannot[keep]),
        "same_cluster": pa.array(clustered.labels[left[keep]] == clustered.labels[right[keep]]),
    }
    for k, comparison in enumerate(comparisons):
        columns[f"weight_{comparison.name}"] = pa.array(weights[keep, k])
    return pa.table(columns)
