"""Cluster ids kept from an earlier run: ``identity.dedupe(..., previous=...)`` and ``--previous``."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import identity
from identity import InputError
from identity._cli import main
from identity._io import write_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ERP = pacsv.read_csv(
    EXAMPLES / "erp_customers.csv",
    convert_options=pacsv.ConvertOptions(
        strings_can_be_null=False,
        column_types={
            "CardCode": pa.string(),
            "ZipCode": pa.string(),
            "Phone1": pa.string(),
            "Phone2": pa.string(),
            "Cellular": pa.string(),
        },
    ),
)
SHOP = pacsv.read_csv(
    EXAMPLES / "shopify_customers.csv",
    convert_options=pacsv.ConvertOptions(
        column_types={"id": pa.string(), "zip": pa.string(), "phone": pa.string()}
    ),
)


def _run(erp: pa.Table = ERP, shop: pa.Table = SHOP, **kwargs: object) -> identity.DedupeResult:
    return identity.dedupe({"erp": erp, "shopify": shop}, **kwargs)  # type: ignore[arg-type]


def _ids(result: identity.DedupeResult | pa.Table) -> dict[tuple[str, str], int]:
    c = result if isinstance(result, pa.Table) else result.clusters
    keys = zip(c["source"].to_pylist(), c["source_id"].to_pylist(), strict=True)
    return dict(zip(keys, c["cluster_id"].to_pylist(), strict=True))


@pytest.fixture(scope="module")
def base() -> identity.DedupeResult:
    return _run()


def _with_ids(clusters: pa.Table, ids: object) -> pa.Table:
    return clusters.set_column(
        clusters.column_names.index("cluster_id"), "cluster_id", pa.array(ids, pa.int64())
    )


def _moved(result: identity.DedupeResult) -> dict[str, int]:
    return {k: v for k, v in result.summary.items() if k.startswith(("ids_", "records_"))}


def test_every_cluster_keeps_its_earlier_id(base: identity.DedupeResult) -> None:
    earlier = _with_ids(base.clusters, np.asarray(base.clusters["cluster_id"]) * 7 + 1000)
    again = _run(previous=earlier)
    assert again.clusters["cluster_id"].to_pylist() == earlier["cluster_id"].to_pylist()
    assert _moved(again) == {
        "ids_carried": base.summary["clusters"],
        "ids_new": 0,
        "ids_retired": 0,
        "records_new": 0,
        "records_gone": 0,
        "records_moved": 0,
    }
    assert again.summary["previous_origin"] == "previous clusters"


def test_new_customers_get_ids_above_every_earlier_one_and_a_returning_one_keeps_its_id(
    base: identity.DedupeResult,
) -> None:
    # Last night's run had the ERP and the first 100 Shopify customers.
    earlier = _run(shop=SHOP.slice(0, 100))
    tonight = _run(previous=earlier.clusters)
    before, now = _ids(earlier), _ids(tonight)
    assert all(now[key] == old for key, old in before.items() if key in now)  # nothing moved...
    assert tonight.summary["records_moved"] == 0
    assert tonight.summary["records_new"] == SHOP.num_rows - 100
    top = max(before.values())
    # ...a new record that is an existing customer took that customer's id; the others are new ids.
    new_keys = [key for key in now if key not in before]
    joined = [key for key in new_keys if now[key] <= top]
    fresh = [key for key in new_keys if now[key] > top]
    assert joined and fresh and len(joined) + len(fresh) == len(new_keys)
    for key in joined:
        assert any(now[other] == now[key] for other in before)
    # Memberships are tonight's, whatever the ids: same partition as a run without ``previous``.
    plain = _ids(base)
    assert all((now[a] == now[b]) == (plain[a] == plain[b]) for a in now for b in list(now)[:40])


def test_ids_of_customers_that_are_gone_are_never_given_again(base: identity.DedupeResult) -> None:
    earlier = _with_ids(base.clusters, np.asarray(base.clusters["cluster_id"]))
    top = max(earlier["cluster_id"].to_pylist())
    # The customer with the highest id is gone tonight; a new customer arrives.
    gone = earlier.filter(pa.compute.equal(earlier["cluster_id"], top))
    gone_ids = set(gone["source_id"].to_pylist())
    shop = SHOP.filter(pa.compute.invert(pa.compute.is_in(SHOP["id"], pa.array(list(gone_ids)))))
    erp = ERP.filter(pa.compute.invert(pa.compute.is_in(ERP["CardCode"], pa.array(list(gone_ids)))))
    newcomer = pa.table(
        {"id": ["77"], "first_name": ["Zebedee"], "last_name": ["Quorrington"], "email": ["zq@example.org"]}
    )
    tonight = _run(
        erp=erp, shop=pa.concat_tables([shop, newcomer], promote_options="default"), previous=earlier
    )
    now = _ids(tonight)
    assert now["shopify", "77"] == top + 1
    assert tonight.summary["ids_retired"] == 1 and tonight.summary["records_gone"] == gone.num_rows


def test_a_merge_keeps_one_id_and_a_split_leaves_the_id_with_the_larger_part(
    base: identity.DedupeResult,
) -> None:
    ids = np.asarray(base.clusters["cluster_id"]).copy()
    sizes = np.asarray(base.clusters["cluster_size"])
    pair = np.flatnonzero(sizes == 2)
    a, b = np.flatnonzero(ids == ids[pair[0]])
    single_1, single_2 = np.flatnonzero(sizes == 1)[:2]
    earlier = ids + 10
    earlier[b] = 5000  # the pair was two customers then (ids 5000 and ids[a] + 10)...
    earlier[single_2] = earlier[single_1]  # ...and two people were one customer
    tonight = _run(previous=_with_ids(base.clusters, earlier))
    now = np.asarray(tonight.clusters["cluster_id"])
    assert now[a] == now[b] == min(earlier[a], 5000)  # of equal shares, the smaller id
    assert {now[single_1], now[single_2]} == {earlier[single_1], int(earlier.max()) + 1}
    assert tonight.summary["records_moved"] == 2  # b joined a's id; one of the two singles got a new id
    assert tonight.summary["ids_retired"] == 1 and tonight.summary["ids_new"] == 1


def test_with_an_earlier_run_no_id_depends_on_the_order_of_the_rows(base: identity.DedupeResult) -> None:
    earlier = _run(shop=SHOP.slice(50)).clusters
    rng = np.random.default_rng(7)
    shuffled = _run(
        erp=ERP.take(rng.permutation(ERP.num_rows)),
        shop=SHOP.take(rng.permutation(SHOP.num_rows)),
        previous=earlier.take(rng.permutation(earlier.num_rows)),
    )
    assert _ids(shuffled) == _ids(_run(previous=earlier))


def test_a_parquet_file_and_a_dataframe_are_read(base: identity.DedupeResult, tmp_path: Path) -> None:
    earlier = _with_ids(base.clusters, np.asarray(base.clusters["cluster_id"]) + 3)
    pq.write_table(earlier, tmp_path / "earlier.parquet")
    assert _run(previous=tmp_path / "earlier.parquet").clusters["cluster_id"] == earlier["cluster_id"]
    frame = earlier.to_pandas()
    frame["cluster_id"] = frame["cluster_id"].astype(float)  # as pandas writes ids after a NaN
    assert _run(previous=frame).clusters["cluster_id"] == earlier["cluster_id"]


@pytest.mark.parametrize(
    ("earlier", "message"),
    [
        (pa.table({"source": ["erp"], "source_id": ["C000101"]}), "missing: cluster_id"),
        (
            pa.table({"source": ["erp", "erp"], "source_id": ["C000101", "C000101"], "cluster_id": [1, 2]}),
            "rows 1 and 2 are the same record",
        ),
        (
            pa.table({"source": ["erp"], "source_id": ["C000101"], "cluster_id": ["seven"]}),
            "row 1: cluster_id must be a whole number",
        ),
        (
            pa.table({"source": ["erp"], "source_id": ["C000101"], "cluster_id": [-1]}),
            "row 1: cluster_id must be a whole number",
        ),
        (
            pa.table({"source": ["erp"], "source_id": ["C000101"], "cluster_id": [1.5]}),
            "row 1: cluster_id must be a whole number",
        ),
        (
            pa.table({"source": ["erp"], "source_id": ["C000101"], "cluster_id": pa.array([2**62], pa.int64())}),
            "row 1: cluster_id must be a whole number from 0 to 2**62 - 1",
        ),
        (
            pa.table({"source": ["erp"], "source_id": ["C000101"], "cluster_id": pa.array([2**63], pa.uint64())}),
            "row 1: cluster_id must be a whole number from 0 to 2**62 - 1",
        ),
        (
            pa.table({"source": ["erp_2026-11-22"], "source_id": ["C000101"], "cluster_id": [1]}),
            "none of its 1 records is in this run's input (its sources: erp_2026-11-22; here: erp, shopify)",
        ),
    ],
)
def test_a_bad_earlier_run_is_an_input_error(earlier: pa.Table, message: str) -> None:
    with pytest.raises(InputError, match=None) as caught:
        _run(previous=earlier)
    assert message in str(caught.value)


def test_cli_keeps_last_nights_ids_in_the_same_file(tmp_path: Path) -> None:
    shop_then = tmp_path / "then" / "shopify_customers.csv"
    shop_then.parent.mkdir()
    lines = (EXAMPLES / "shopify_customers.csv").read_text().splitlines(keepends=True)
    shop_then.write_text("".join(lines[:-20]))
    out = tmp_path / "clusters.csv"
    erp = str(EXAMPLES / "erp_customers.csv")
    assert main([erp, str(shop_then), "-o", str(out), "-q"]) == 0
    then = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(column_types={"source_id": pa.string()}))
    err = io.StringIO()
    code = main(
        [erp, str(EXAMPLES / "shopify_customers.csv"), "-o", str(out), "--previous", str(out)], stderr=err
    )
    assert code == 0, err.getvalue()
    now = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(column_types={"source_id": pa.string()}))
    assert now.num_rows == then.num_rows + 20
    before = _ids(then)
    assert all(_ids(now)[key] == old for key, old in before.items())
    assert (
        f"ids from {out}: " in err.getvalue()
        and "records: 20 new, 0 gone, 0 in another cluster" in err.getvalue()
    )


def test_cli_a_bad_earlier_file_is_exit_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "prev.csv"
    bad.write_text("source,source_id\nerp_customers,C000101\n")
    err = io.StringIO()
    code = main(
        [str(EXAMPLES / "erp_customers.csv"), "-o", str(tmp_path / "o.csv"), "--previous", str(bad)],
        stderr=err,
    )
    assert code == 2
    assert err.getvalue() == (
        f"identity-dedupe: error: {bad}: earlier clusters need the columns source, source_id and cluster_id "
        "(as identity-dedupe writes them); missing: cluster_id\n"
    )
    assert not (tmp_path / "o.csv").exists()


def test_a_resolver_built_with_an_earlier_run_never_gives_a_new_customer_an_earlier_id(
    base: identity.DedupeResult,
) -> None:
    earlier = base.clusters
    top = max(earlier["cluster_id"].to_pylist())
    gone = set(earlier.filter(pa.compute.equal(earlier["cluster_id"], top))["source_id"].to_pylist())
    shop = SHOP.filter(pa.compute.invert(pa.compute.is_in(SHOP["id"], pa.array(list(gone)))))
    erp = ERP.filter(pa.compute.invert(pa.compute.is_in(ERP["CardCode"], pa.array(list(gone)))))
    # The customer with the largest id is gone tonight: that id is retired, not free.
    tonight = _run(erp=erp, shop=shop, previous=earlier)
    assert top not in set(_ids(tonight).values()) and tonight.summary["ids_retired"] == 1
    newcomer = {
        "source": "shopify",
        "source_id": "new-1",
        "first_name": "Zebedee",
        "last_name": "Quorrington",
        "emails": ["zq@example.org"],
    }
    assert identity.Resolver.from_result(tonight).add(newcomer) == top + 1
    built = identity.Resolver.build({"erp": erp, "shopify": shop}, previous=earlier)
    assert built.add(newcomer) == top + 1


def test_an_earlier_run_with_ids_as_large_as_allowed_keeps_them(base: identity.DedupeResult) -> None:
    ids = 2**62 - 1 - np.asarray(base.clusters["cluster_id"]) * 1_000_003  # ids from another system
    tonight = _run(previous=_with_ids(base.clusters, ids))
    assert tonight.clusters["cluster_id"].to_pylist() == ids.tolist()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_ids_beyond_the_digits_of_a_float_keep_every_digit_through_a_file(
    base: identity.DedupeResult, tmp_path: Path, suffix: str
) -> None:
    ids = 2**53 + 1 + np.asarray(base.clusters["cluster_id"]) * 2  # odd: no float64 holds them
    path = tmp_path / f"earlier{suffix}"
    write_table(_with_ids(base.clusters, ids), path)  # as identity-dedupe writes its output
    assert _run(previous=path).clusters["cluster_id"].to_pylist() == ids.tolist()


def test_padded_ids_in_a_hand_made_earlier_file_match_as_the_inputs_ids_do(base: identity.DedupeResult) -> None:
    earlier = base.clusters.slice(0, 3)
    padded = pa.table(
        {
            "source": [f" {s} " for s in earlier["source"].to_pylist()],
            "source_id": [f"{i}  " for i in earlier["source_id"].to_pylist()],
            "cluster_id": [700, 701, 702],
        }
    )
    again = _run(previous=padded)
    assert again.summary["records_gone"] == 0
    assert again.clusters["cluster_id"].to_pylist()[:3] == [700, 701, 702]
