"""Run Splink 4 (DuckDB backend) on a generated benchmark directory, the way a competent user would.

The setup is deliberately ordinary: map both files to common columns with the simple rules a user
would write after looking at the data (split ``CardName``, lower-case e-mails, digits-only phones),
block on e-mail, phone and name/postcode combinations, compare with the stock comparisons of
``splink.comparison_library``, estimate u by random sampling and m by EM, predict, cluster.

FEBRL directories (:mod:`benchmarks.febrl`) get the same treatment with FEBRL's fields: names with
term-frequency adjustment, date of birth, social security id, address, postcode and suburb; blocking
on pairs of names, date of birth and postcode, and on the id and the address alone.

Threshold tuning (:func:`tune_threshold`) uses the truth, so the benchmark reports Splink at its best.

Example::

    python -m benchmarks.splink_runner DIR            # runs, tunes the threshold on DIR/truth.csv

Splink is an optional dependency: ``pip install identity-resolution[bench]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benchmarks.metrics import Scores, bcubed_scores, clusters_from_pairs, household_merges, pairwise_scores

try:  # optional dependency
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    _IMPORT_ERROR: ImportError | None = None
except ImportError as exc:  # pragma: no cover - depends on the environment
    _IMPORT_ERROR = exc

INSTALL_HINT = (
    "Splink is not installed: pip install 'identity-resolution[bench]' (or: pip install splink duckdb)"
)


def _require_splink() -> None:
    if _IMPORT_ERROR is not None:
        raise ImportError(INSTALL_HINT) from _IMPORT_ERROR


@dataclass
class BaselineResult:
    """What one baseline run produced: :func:`run_splink` or
    :func:`benchmarks.recordlinkage_runner.run_recordlinkage`.

    Attributes
    ----------
    keys:
        Record keys ``source:source_id`` in input order (ERP rows, then Shopify rows).
    left, right, probability:
        Predicted pairs (record keys) with the tool's match probability, for every pair scored at or
        above ``predict_threshold``.
    threshold:
        Match-probability threshold used for ``clusters``.
    clusters:
        Cluster id per record (aligned with ``keys``), from the pairs at or above ``threshold``
        (Splink's own clustering; connected components for recordlinkage).
    timings:
        Seconds per stage, ``prepare`` (reading and mapping the files) and ``total`` in both; then
        Splink's ``train_lambda``, ``train_u``, ``train_em``, ``predict``, ``cluster``, or
        recordlinkage's ``index``, ``compare``, ``classify``, ``cluster``; ``tune`` when the
        threshold was tuned on the truth (not part of ``total``).
    tool_version:
        Version of the tool that ran (``splink.__version__`` or ``recordlinkage.__version__``).
    predict_threshold:
        Lowest probability kept in ``probability`` (0 when the tool returns every candidate pair).

    Example
    -------
    >>> import numpy as np
    >>> keys = np.array(["erp:1", "shopify:7", "erp:2"], dtype=object)
    >>> r = BaselineResult(keys, keys[[0]], keys[[1]], np.array([0.98]), 0.9, np.array([0, 0, 1]))
    >>> [int(i[0]) for i in r.pair_indices()]
    [0, 1]
    """

    keys: npt.NDArray[np.object_]
    left: npt.NDArray[np.object_]
    right: npt.NDArray[np.object_]
    probability: npt.NDArray[np.float64]
    threshold: float
    clusters: npt.NDArray[np.int64]
    timings: dict[str, float] = field(default_factory=dict)
    tool_version: str = ""
    predict_threshold: float = 0.0

    def pair_indices(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Predicted pairs as integer positions into :attr:`keys`."""
        index = pd.Index(self.keys)
        return (
            index.get_indexer(self.left).astype(np.int64),
            index.get_indexer(self.right).astype(np.int64),
        )


# ---------------------------------------------------------------------------------------------------
# Preparation: the rules a user would write
# ---------------------------------------------------------------------------------------------------

_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr."}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii"}
_EXTENSION = re.compile(r"(?i)\s*(?:x|ext\.?|#)\s*\d+\s*$")
_NON_ALPHA = re.compile(r"[^a-z\s'-]")


def _clean_name(s: str) -> str:
    return _NON_ALPHA.sub("", s.lower()).strip()


def parse_card_name(card_name: str) -> tuple[str | None, str | None]:
    """(first name, surname) from an SAP ``CardName`` with simple rules.

    ``Acme Ltd (John Smith)`` -> the name in parentheses; ``Company Attn: John Smith`` and
    ``Company - John Smith`` -> the part after the marker; ``SMITH, JOHN Q`` -> surname before the
    comma; otherwise the first and last tokens, ignoring titles and Jr/Sr.
    """
    s = (card_name or "").strip()
    m = re.search(r"\(([^)]*)\)", s)
    if m:
        s = m.group(1)
    else:
        for marker in (" Attn: ", " - ", " / "):
            if marker in s:
                s = s.split(marker, 1)[1]
                break
    if "," in s:
        last, rest = s.split(",", 1)
        tokens = [t for t in rest.split() if t.lower() not in _SUFFIXES]
        first = tokens[0] if tokens else ""
    else:
        tokens = [t for t in s.split() if t.lower() not in _TITLES and t.lower() not in _SUFFIXES]
        if len(tokens) < 2:
            return (None, _clean_name(tokens[0]) or None) if tokens else (None, None)
        first, last = tokens[0], tokens[-1]
    return (_clean_name(first) or None, _clean_name(last) or None)


def phone_key(raw: str | None) -> str | None:
    """Digits only, extension removed, last 10 digits; None for junk."""
    if not raw:
        return None
    digits = re.sub(r"\D", "", _EXTENSION.sub("", raw))
    if len(digits) < 7 or len(set(digits)) == 1:
        return None
    return digits[-10:]


def email_key(raw: str | None) -> str | None:
    """Lower-cased, trimmed e-mail (first one if several)."""
    if not raw:
        return None
    e = raw.split(";")[0].strip().lower()
    return e if "@" in e else None


def postcode_key(raw: str | None) -> str | None:
    """Upper-case without spaces; US ZIP+4 cut to 5 digits, 4-digit ZIPs zero-padded."""
    if not raw:
        return None
    z = raw.upper().replace(" ", "")
    if re.fullmatch(r"\d{5}-\d{4}", z):
        z = z[:5]
    elif re.fullmatch(r"\d{4}", z):
        z = z.zfill(5)
    return z or None


def _street(raw: str | None) -> str | None:
    if not raw:
        return None
    s = re.sub(r"[^\w\s]", " ", raw.lower())
    return " ".join(s.split()) or None


def _blank(s: str | None) -> str | None:
    return s.strip().lower() or None if s else None


def prepare_erp(erp: pd.DataFrame) -> pd.DataFrame:
    """Map ``erp.csv`` columns to the common Splink input columns."""
    names = [parse_card_name(v) for v in erp["CardName"].tolist()]
    phones = []
    for row in zip(erp["Cellular"].tolist(), erp["Phone1"].tolist(), erp["Phone2"].tolist(), strict=True):
        keys = list(dict.fromkeys(k for k in (phone_key(v) for v in row) if k))
        phones.append(keys)
    return pd.DataFrame(
        {
            "unique_id": ["erp:" + v for v in erp["CardCode"].tolist()],
            "first_name": [n[0] for n in names],
            "surname": [n[1] for n in names],
            "email": [email_key(v) for v in erp["EmailAddress"].tolist()],
            "phones": phones,
            "street": [_street(v) for v in erp["Address"].tolist()],
            "postcode": [postcode_key(v) for v in erp["ZipCode"].tolist()],
            "city": [_blank(v) for v in erp["City"].tolist()],
        }
    )


def _token(value: str | None, which: int) -> str | None:
    """The first (``which=0``) or last (``-1``) word of a name, without titles and Jr/Sr (as on ERP cards)."""
    words = value.split() if value else []
    tokens = [t for t in words if t.lower() not in _TITLES and t.lower() not in _SUFFIXES]
    tokens = _clean_name(" ".join(tokens)).split()
    return tokens[which] if tokens else None


def prepare_shopify(shop: pd.DataFrame) -> pd.DataFrame:
    """Map ``shopify.csv`` columns to the common Splink input columns."""
    phones = [[k] if (k := phone_key(v)) else [] for v in shop["phone"].tolist()]
    return pd.DataFrame(
        {
            "unique_id": ["shopify:" + v for v in shop["id"].tolist()],
            "first_name": [_token(v, 0) for v in shop["first_name"].tolist()],
            "surname": [_token(v, -1) for v in shop["last_name"].tolist()],
            "email": [email_key(v) for v in shop["email"].tolist()],
            "phones": phones,
            "street": [_street(v) for v in shop["address1"].tolist()],
            "postcode": [postcode_key(v) for v in shop["zip"].tolist()],
            "city": [_blank(v) for v in shop["city"].tolist()],
        }
    )


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _settings() -> Any:
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.JaroWinklerAtThresholds("street", [0.95, 0.85]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("surname", "postcode"),
            block_on("first_name", "surname"),
            block_on("street", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def prepare_febrl(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Map a FEBRL file written by :mod:`benchmarks.febrl` to the Splink input columns.

    FEBRL values are already lower-case and split into fields; blanks become nulls. Dates of birth
    (``19560409``) are written ``1956-04-09``: Splink 4.0's ``DateOfBirthComparison`` parses its
    ``datetime_format`` for the null level only and its date-difference levels with ``%Y-%m-%d``, so
    with FEBRL's own format those levels never fired.
    """
    columns = ("first_name", "last_name", "address", "city", "postcode", "date_of_birth", "national_id")
    out = pd.DataFrame({"unique_id": source + ":" + frame["id"].astype(str)})
    for column in columns:
        out[column] = [_blank(v) for v in frame[column].tolist()]
    out["date_of_birth"] = [
        f"{v[:4]}-{v[4:6]}-{v[6:]}" if isinstance(v, str) and len(v) == 8 and v.isdigit() else v
        for v in out["date_of_birth"].tolist()
    ]
    return out.rename(columns={"last_name": "surname"})


def _febrl_settings(link_type: str) -> Any:
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),  # ISO: see prepare_febrl
            cl.LevenshteinAtThresholds("national_id", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.85]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("city", [0.95, 0.85]).configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("first_name", "date_of_birth"),
            block_on("postcode", "first_name"),
            block_on("postcode", "surname"),
            block_on("national_id"),
            block_on("address"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


@dataclass(frozen=True)
class _Setup:
    """What :func:`run_splink` feeds Splink for one kind of benchmark directory."""

    frames: list[pd.DataFrame]
    aliases: list[str]
    settings: Any
    lambda_rules: list[Any]
    em_rules: list[Any]


def _setup(data_dir: Path) -> _Setup:
    """The ERP + Shopify layout of :mod:`benchmarks.generate`, or a FEBRL set of :mod:`benchmarks.febrl`."""
    if (data_dir / "erp.csv").exists() and (data_dir / "shopify.csv").exists():
        return _Setup(
            frames=[prepare_erp(_read(data_dir / "erp.csv")), prepare_shopify(_read(data_dir / "shopify.csv"))],
            aliases=["erp", "shopify"],
            settings=_settings(),
            lambda_rules=[block_on("email"), block_on("first_name", "surname", "postcode")],
            em_rules=[block_on("email"), block_on("surname", "postcode")],
        )
    febrl = sorted(data_dir.glob("febrl*.csv"))
    if not febrl:
        raise FileNotFoundError(f"{data_dir}: neither erp.csv + shopify.csv nor febrl*.csv")
    return _Setup(
        frames=[prepare_febrl(_read(path), path.stem) for path in febrl],
        aliases=[path.stem for path in febrl],
        settings=_febrl_settings("link_only" if len(febrl) == 2 else "dedupe_only"),
        lambda_rules=[block_on("first_name", "surname", "date_of_birth"), block_on("national_id")],
        em_rules=[block_on("first_name", "surname"), block_on("date_of_birth")],
    )


def run_splink(
    data_dir: Path,
    *,
    threshold: float | None = None,
    truth: pd.DataFrame | Path | None = None,
    predict_threshold: float = 0.01,
    u_max_pairs: float = 5e6,
    seed: int = 1,
) -> BaselineResult:
    """Run Splink on ``data_dir/erp.csv`` + ``data_dir/shopify.csv``, or on a FEBRL set.

    Parameters
    ----------
    data_dir:
        A directory written by :mod:`benchmarks.generate` (or any with the same two files), or by
        :mod:`benchmarks.febrl` (``febrl_a.csv`` + ``febrl_b.csv`` are linked, ``febrl.csv`` is
        deduplicated).
    threshold:
        Match-probability threshold for clustering.  ``None`` means: tune it on ``truth`` (best
        pairwise F1, see :func:`tune_threshold`) if given, else 0.9.
    truth:
        ``truth.csv`` contents or its path, used only to tune the threshold.
    predict_threshold:
        Pairs scored below this probability are not returned (keeps the output small).
    u_max_pairs, seed:
        Random-sampling budget and seed for the u estimation.

    Raises
    ------
    ImportError
        If Splink is not installed (the ``bench`` extra).
    """
    _require_splink()
    timings: dict[str, float] = {}
    t_start = t0 = time.perf_counter()
    setup = _setup(Path(data_dir))
    keys = np.concatenate([frame["unique_id"].to_numpy(dtype=object) for frame in setup.frames])
    timings["prepare"] = time.perf_counter() - t0

    linker = Linker(setup.frames, setup.settings, db_api=DuckDBAPI(), input_table_aliases=setup.aliases)
    t0 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(setup.lambda_rules, recall=0.7)
    timings["train_lambda"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    timings["train_u"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for rule in setup.em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    timings["train_em"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    df_predict = linker.inference.predict(threshold_match_probability=predict_threshold)
    pred = df_predict.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    timings["predict"] = time.perf_counter() - t0

    left = pred["unique_id_l"].to_numpy(dtype=object)
    right = pred["unique_id_r"].to_numpy(dtype=object)
    prob = pred["match_probability"].to_numpy(dtype=np.float64)

    if threshold is None:
        partial = BaselineResult(keys, left, right, prob, 0.0, np.zeros(0, np.int64))
        threshold = choose_threshold(partial, truth, default=0.9, timings=timings)

    t0 = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        df_predict, threshold_match_probability=threshold
    ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
    timings["cluster"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - t_start - timings.get("tune", 0.0)

    cluster_of = pd.Series(clustered["cluster_id"].to_numpy(), index=clustered["unique_id"].to_numpy())
    labels_raw = cluster_of.reindex(keys).to_numpy()
    clusters = pd.factorize(pd.Series(labels_raw, dtype=object))[0].astype(np.int64)
    return BaselineResult(
        keys=keys,
        left=left,
        right=right,
        probability=prob,
        threshold=float(threshold),
        clusters=clusters,
        timings={k: round(v, 3) for k, v in timings.items()},
        tool_version=splink.__version__,
        predict_threshold=predict_threshold,
    )


# ---------------------------------------------------------------------------------------------------
# Truth and tuning
# ---------------------------------------------------------------------------------------------------


def truth_labels(
    keys: Sequence[str] | npt.NDArray[np.object_], truth: pd.DataFrame, column: str = "person_id"
) -> npt.NDArray[np.int64]:
    """``column`` of the truth (``person_id``, or ``household_id`` of a generated set) for each record key
    ``source:source_id`` (raises if a key is missing)."""
    tkeys = truth["source"].astype(str) + ":" + truth["source_id"].astype(str)
    mapping = pd.Series(truth[column].astype(np.int64).to_numpy(), index=tkeys.to_numpy())
    out = mapping.reindex(np.asarray(keys, dtype=object))
    if out.isna().any():
        raise KeyError(f"{int(out.isna().sum())} record keys are missing from the truth")
    labels: npt.NDArray[np.int64] = out.to_numpy(dtype=np.int64)
    return labels


@dataclass(frozen=True)
class Tuned:
    """Best threshold found by :func:`tune_threshold` and the sweep behind it."""

    threshold: float
    scores: Scores
    sweep: pd.DataFrame


def tune_threshold(
    result: BaselineResult,
    true_labels: npt.NDArray[np.int64],
    thresholds: Sequence[float] | None = None,
) -> Tuned:
    """Sweep match-probability thresholds; keep the one with the best pairwise F1 of the clusters.

    Clusters at a threshold are the connected components of the pairs at or above it (what Splink's
    ``cluster_pairwise_predictions_at_threshold`` computes).
    """
    if thresholds is None:
        thresholds = sorted(
            {
                round(float(t), 4)
                for t in np.concatenate(
                    [
                        np.linspace(0.05, 0.95, 19),
                        [0.97, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99995, 0.99999],
                    ]
                )
            }
        )
    a, b = result.pair_indices()
    n = len(result.keys)
    rows = []
    for t in thresholds:
        if t < result.predict_threshold:
            continue
        sel = result.probability >= t
        s = pairwise_scores(clusters_from_pairs(n, a[sel], b[sel]), true_labels)
        rows.append({"threshold": t, "precision": s.precision, "recall": s.recall, "f1": s.f1})
    sweep = pd.DataFrame(rows)
    best = sweep.loc[sweep["f1"].idxmax()]
    return Tuned(
        threshold=float(best["threshold"]),
        scores=Scores(float(best["precision"]), float(best["recall"]), float(best["f1"])),
        sweep=sweep,
    )


def choose_threshold(
    partial: BaselineResult,
    truth: pd.DataFrame | Path | None,
    *,
    default: float,
    timings: dict[str, float],
    thresholds: Sequence[float] | None = None,
) -> float:
    """The threshold of a baseline run: tuned on ``truth`` (best pairwise F1) if given, else ``default``.

    The tuning's seconds go to ``timings["tune"]``: the benchmark's work, left out of the tool's total.
    """
    if truth is None:
        return default
    t0 = time.perf_counter()
    truth_df = _read(truth) if isinstance(truth, Path) else truth
    threshold = tune_threshold(partial, truth_labels(partial.keys, truth_df), thresholds).threshold
    timings["tune"] = time.perf_counter() - t0
    return threshold


def evaluate(result: BaselineResult, truth: pd.DataFrame) -> dict[str, float]:
    """Pairwise and B-cubed scores of ``result.clusters`` against the truth."""
    labels = truth_labels(result.keys, truth)
    pw = pairwise_scores(result.clusters, labels)
    b3 = bcubed_scores(result.clusters, labels)
    scores: dict[str, float] = {
        "pairwise_precision": pw.precision,
        "pairwise_recall": pw.recall,
        "pairwise_f1": pw.f1,
        "bcubed_precision": b3.precision,
        "bcubed_recall": b3.recall,
        "bcubed_f1": b3.f1,
    }
    if "household_id" in truth.columns:
        households = truth_labels(result.keys, truth, "household_id")
        merged, pairs = household_merges(result.clusters, labels, households)
        scores.update(household_pairs=pairs, household_pairs_merged=merged)
    return scores


def runner_main(argv: Sequence[str] | None, tool: str, run: Callable[..., BaselineResult]) -> int:
    """``python -m benchmarks.<tool>_runner DIR [--threshold T]``: run, tune on DIR/truth.csv, report."""
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.{tool}_runner")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    truth_path = args.data_dir / "truth.csv"
    truth = _read(truth_path) if truth_path.exists() else None
    result = run(args.data_dir, threshold=args.threshold, truth=truth)
    print(f"{tool} {result.tool_version}: {len(result.keys)} records, {len(result.left)} scored pairs")
    print("timings (s): " + ", ".join(f"{k}={v:.2f}" for k, v in result.timings.items()))
    print(f"threshold {result.threshold}")
    if truth is not None:
        for k, v in evaluate(result, truth).items():
            print(f"{k}: {v:.4f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.splink_runner DIR [--threshold T]``: run, tune on DIR/truth.csv, report."""
    return runner_main(argv, "splink", run_splink)


if __name__ == "__main__":
    sys.exit(main())
