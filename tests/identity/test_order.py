"""identity.dedupe / identity.link do not depend on the order of the rows or of the sources.

Users re-export their files in another order and expect the same customers. The pipeline runs on the
records sorted by ``(source, source_id)`` and maps its results back to input order; these tests give
the same records shuffled and with the sources swapped, and compare partitions as sets of
``(source, source_id)`` sets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import identity
from identity import Resolver
from identity._io import read_source

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = {"erp": EXAMPLES / "erp_customers.csv", "shopify": EXAMPLES / "shopify_customers.csv"}

Partition = set[frozenset[tuple[str, str]]]


@cache
def _tables(kind: str) -> dict[str, pa.Table]:
    if kind == "examples":
        return {name: read_source(path).table for name, path in FILES.items()}
    from benchmarks.generate import generate

    data = generate(400, seed=11)
    return {"erp": pa.Table.from_pandas(data.erp), "shopify": pa.Table.from_pandas(data.shopify)}


@cache
def _run(kind: str) -> identity.DedupeResult:
    return identity.dedupe(_tables(kind), workers=1)


def _partition(result: identity.DedupeResult) -> Partition:
    t = result.clusters
    groups: dict[int, set[tuple[str, str]]] = {}
    for s, i, c in zip(t["source"].to_pylist(), t["source_id"].to_pylist(), t["cluster_id"].to_pylist(), strict=True):
        groups.setdefault(c, set()).add((s, i))
    return {frozenset(g) for g in groups.values()}


def _keys(result: identity.DedupeResult) -> list[tuple[str, str]]:
    t = result.clusters
    return list(zip(t["source"].to_pylist(), t["source_id"].to_pylist(), strict=True))


def _reordered(kind: str, seed: int, swap: bool) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    tables = {name: t.take(pa.array(rng.permutation(t.num_rows))) for name, t in _tables(kind).items()}
    return dict(reversed(tables.items())) if swap else tables


def _first_appearance(labels: list[int]) -> bool:
    seen = -1
    for label in labels:
        if label > seen + 1:
            return False
        seen = max(seen, label)
    return True


@settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["examples", "generated"]),
    seed=st.integers(0, 2**32 - 1),
    swap=st.booleans(),
)
def test_shuffled_rows_and_swapped_sources_give_the_same_clusters(kind: str, seed: int, swap: bool) -> None:
    base = _run(kind)
    other = identity.dedupe(_reordered(kind, seed, swap), workers=1)
    assert _partition(other) == _partition(base)
    assert other.summary == base.summary
    # The scored pairs do not follow the input: same rows, same order, same numbers.
    assert other.pairs.equals(base.pairs)
    # Cluster ids follow the input order: numbered by first appearance.
    assert _first_appearance(other.clusters["cluster_id"].to_pylist())
    sizes = dict(zip(_keys(other), other.clusters["cluster_size"].to_pylist(), strict=True))
    assert sizes == dict(zip(_keys(base), base.clusters["cluster_size"].to_pylist(), strict=True))


def test_candidate_pairs_are_input_record_numbers_left_below_right() -> None:
    base = _run("examples")
    other = identity.dedupe(_reordered("examples", 5, swap=True), workers=1)
    for result in (base, other):
        left, right = result.candidate_pairs
        assert len(left) == result.summary["candidate_pairs"]
        assert (left < right).all()
        assert left.min() >= 0 and right.max() < result.clusters.num_rows

    def named(result: identity.DedupeResult) -> set[frozenset[tuple[str, str]]]:
        keys = _keys(result)
        return {frozenset((keys[a], keys[b])) for a, b in zip(*(x.tolist() for x in result.candidate_pairs), strict=True)}

    assert named(other) == named(base)
    # Every pair in ``pairs`` is a candidate pair, named the same way.
    p = other.pairs
    listed = {
        frozenset(((sl, il), (sr, ir)))
        for sl, il, sr, ir in zip(
            *(p[c].to_pylist() for c in ("source_l", "source_id_l", "source_r", "source_id_r")), strict=True
        )
    }
    assert listed <= named(other)


def test_pairs_are_sorted_by_source_and_id() -> None:
    p = _run("examples").pairs
    rows = list(zip(*(p[c].to_pylist() for c in ("source_l", "source_id_l", "source_r", "source_id_r")), strict=True))
    assert rows == sorted(rows)
    assert all((sl, il) < (sr, ir) for sl, il, sr, ir in rows)


def test_the_same_input_gives_the_same_ids_every_time() -> None:
    tables = _reordered("examples", 9, swap=False)
    first = identity.dedupe(tables, workers=1)
    again = identity.dedupe(tables, workers=1)
    assert first.clusters.equals(again.clusters)
    assert first.pairs.equals(again.pairs)
    for a, b in zip(first.candidate_pairs, again.candidate_pairs, strict=True):
        assert np.array_equal(a, b)


def test_link_does_not_depend_on_which_source_comes_first() -> None:
    one = identity.link(str(FILES["erp"]), str(FILES["shopify"]))
    two = identity.link(str(FILES["shopify"]), str(FILES["erp"]))
    assert _partition(one) == _partition(two)
    assert one.pairs.equals(two.pairs)


def test_features_follow_the_rows_of_clusters() -> None:
    base = _run("examples")
    other = identity.dedupe(_reordered("examples", 3, swap=True), workers=1)
    fb, fo = base.features, other.features
    assert fb is not None and fo is not None
    where = {key: k for k, key in enumerate(_keys(base))}
    rows = np.array([where[key] for key in _keys(other)])
    assert fo.n == fb.n == len(rows)
    assert fo.first_vocab == fb.first_vocab  # both runs code the same sorted records
    for name, value in vars(fo).items():
        if isinstance(value, np.ndarray) and name not in fo.NOT_PER_RECORD:
            assert np.array_equal(value, getattr(fb, name)[rows]), name
    assert np.array_equal(fo.first_group_table, fb.first_group_table)
    names = [fo.source_names[s] for s in fo.source.tolist()]
    assert names == other.clusters["source"].to_pylist()


@pytest.mark.parametrize(
    "query",
    [
        {"phone": "(513) 895-6944"},
        {"email": "lgarcia@yahoo.com"},
        {"first_name": "Kimberly", "last_name": "Wentbridge", "postcode": "37217"},
    ],
)
def test_a_resolver_built_from_shuffled_input_finds_the_same_records(query: dict[str, Any]) -> None:
    base = Resolver.from_result(_run("examples"))
    other_result = identity.dedupe(_reordered("examples", 4, swap=True), workers=1)
    other = Resolver.from_result(other_result)
    # In the order lookup returns them: matches of equal probability are ranked by source and id, not by
    # record number, so top_k cuts the same ones whatever the input order.
    def ranked(resolver: Resolver) -> list[tuple[float, str, str]]:
        return [(round(m.probability, 9), m.source, m.source_id) for m in resolver.lookup(query, top_k=3)]

    found = ranked(base)
    assert found
    assert ranked(other) == found
    # And each match's cluster is the one the batch result gave that record.
    clusters = dict(zip(_keys(other_result), other_result.clusters["cluster_id"].to_pylist(), strict=True))
    for m in other.lookup(query):
        assert m.cluster_id == clusters[m.source, m.source_id]
