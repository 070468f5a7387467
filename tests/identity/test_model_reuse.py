"""A fitted model saved with DedupeResult.save_model and reused with dedupe(model=...): same scores on the
same data, a large run's model on a small file, a file of parameters only, and every misuse a clear error."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import identity
from benchmarks.metrics import pairwise_scores
from identity import ConfigurationError, InputError, Resolver
from identity._model_file import MODEL_FORMAT, MODEL_FORMAT_VERSION
from matchers.comparisons import DEFAULT_COMPARISONS
from matchers.fellegi_sunter import FellegiSunter, LogisticScorer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLE = {"erp": EXAMPLES / "erp_customers.csv", "shopify": EXAMPLES / "shopify_customers.csv"}
LABELS = [  # candidate pairs of the sample, labelled from examples/truth.csv
    ("erp", "C000103", "shopify", "6100005953080", True),
    ("erp", "C000105", "shopify", "6100008281283", True),
    ("erp", "C000106", "shopify", "6100002320266", True),
    ("erp", "C000152", "shopify", "6100001432084", False),
    ("erp", "C000152", "erp", "C000223", False),
    ("erp", "C000167", "erp", "C000211", False),
]


@cache
def _sample_run() -> identity.DedupeResult:
    return identity.dedupe(SAMPLE, workers=1)


@cache
def _generated(records: int, seed: int) -> tuple[dict[str, pa.Table], dict[tuple[str, str], int]]:
    from benchmarks.generate import generate

    data = generate(records, seed=seed)
    t = data.truth
    truth = {(s, str(i)): int(p) for s, i, p in zip(t["source"], t["source_id"], t["person_id"], strict=True)}
    return {"erp": pa.Table.from_pandas(data.erp), "shopify": pa.Table.from_pandas(data.shopify)}, truth


def _saved(result: identity.DedupeResult, tmp_path: Path, name: str = "model.json") -> Path:
    path = tmp_path / name
    result.save_model(path)
    return path


def _f1(result: identity.DedupeResult, truth: dict[tuple[str, str], int]) -> float:
    t = result.clusters
    keys = zip(t["source"].to_pylist(), t["source_id"].to_pylist(), strict=True)
    return pairwise_scores(t["cluster_id"].to_numpy(), [truth[k] for k in keys]).f1


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(exc.value)
    assert "\n" not in message and message
    return message


# -- the same data: the same scores -------------------------------------------------------------------


def test_a_saved_model_scores_the_same_data_exactly_as_the_run_that_fitted_it(tmp_path: Path) -> None:
    trained = _sample_run()
    reused = identity.dedupe(SAMPLE, model=_saved(trained, tmp_path), workers=1)
    assert reused.pairs.equals(trained.pairs)  # every probability and per-field weight, bit for bit
    assert reused.clusters.equals(trained.clusters)
    assert reused.summary["matched_pairs"] == trained.summary["matched_pairs"] > 0
    assert isinstance(reused.model, FellegiSunter)
    assert reused.model.to_dict() == trained.model.to_dict()
    assert reused.timings["train"] < 0.05 < trained.timings["train"]


def test_a_fitted_model_object_is_reused_as_it_is() -> None:
    trained = _sample_run()
    reused = identity.dedupe(SAMPLE, model=trained.model, workers=1)
    assert reused.model is trained.model  # the same records: nothing to scale
    assert reused.pairs.equals(trained.pairs) and reused.clusters.equals(trained.clusters)


def test_nothing_is_trained_when_a_model_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _sample_run().model

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("trained although a model was given")

    monkeypatch.setattr(FellegiSunter, "random_sample", refuse)
    monkeypatch.setattr(FellegiSunter, "fit_gamma", refuse)
    result = identity.dedupe(SAMPLE, model=model, workers=1)
    assert result.clusters.num_rows == 300
    with pytest.raises(AssertionError, match="trained although"):
        identity.dedupe(SAMPLE, workers=1)


def test_link_passes_the_model_through(tmp_path: Path) -> None:
    trained = identity.link(SAMPLE["erp"], SAMPLE["shopify"], workers=1)
    path = _saved(trained, tmp_path)
    assert json.loads(path.read_text())["link_only"] is True
    reused = identity.link(SAMPLE["erp"], SAMPLE["shopify"], model=path, workers=1)
    assert reused.pairs.equals(trained.pairs) and reused.clusters.equals(trained.clusters)
    assert reused.timings["train"] < 0.05


def test_a_logistic_model_is_saved_and_reused_with_its_own_default_threshold(tmp_path: Path) -> None:
    trained = identity.dedupe(SAMPLE, labels=LABELS, workers=1)
    assert isinstance(trained.model, LogisticScorer)
    path = _saved(trained, tmp_path)
    assert json.loads(path.read_text())["kind"] == "logistic"
    reused = identity.dedupe(SAMPLE, model=path, workers=1)
    assert isinstance(reused.model, LogisticScorer)
    assert reused.pairs.equals(trained.pairs) and reused.clusters.equals(trained.clusters)
    pairs = reused.pairs.to_pandas()
    # the threshold followed the model: 0.5, not the Fellegi-Sunter default of 0.95
    assert (pairs["match"] == (pairs["probability"] >= identity.SUPERVISED_THRESHOLD)).all()
    assert pairs["probability"].between(identity.SUPERVISED_THRESHOLD, identity.DEFAULT_THRESHOLD).any()
    strict = identity.dedupe(SAMPLE, model=path, threshold=identity.DEFAULT_THRESHOLD, workers=1)
    assert strict.summary["matched_pairs"] < reused.summary["matched_pairs"]


# -- a large run's model on a small file ----------------------------------------------------------------


def test_a_model_from_a_larger_run_scores_a_small_file_as_well_as_training_on_it(tmp_path: Path) -> None:
    big, _ = _generated(3000, seed=21)
    small, truth = _generated(400, seed=5)
    path = _saved(identity.dedupe(big, workers=1), tmp_path)
    own = identity.dedupe(small, workers=1)
    reused = identity.dedupe(small, model=path, workers=1)
    assert reused.clusters.num_rows == own.clusters.num_rows == len(truth)
    assert reused.timings["train"] < 0.05
    assert _f1(reused, truth) >= max(_f1(own, truth) - 0.02, 0.9)
    # the prior follows the file's size: close to what EM finds on the small file, 8x the big run's
    assert isinstance(reused.model, FellegiSunter) and isinstance(own.model, FellegiSunter)
    assert reused.model.prior_ == pytest.approx(own.model.prior_, rel=0.25)
    assert reused.model.n_records_ == len(truth)
    # saved again from the small run, the model scales back to the large run's prior
    again = FellegiSunter.from_dict(json.loads(_saved(reused, tmp_path, "again.json").read_text())["parameters"])
    original = FellegiSunter.from_dict(json.loads(path.read_text())["parameters"])
    rescaled = again.for_records(original.n_records_, original.possible_pairs_)
    assert rescaled.prior_ == pytest.approx(original.prior_, rel=1e-9)


# -- the file: plain JSON, parameters only ---------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    assert value is None or isinstance(value, bool | int | float), value
    return []


def test_the_file_is_plain_json_with_parameters_and_no_personal_data(tmp_path: Path) -> None:
    result = _sample_run()
    text = _saved(result, tmp_path).read_text(encoding="utf-8")
    document = json.loads(text)  # JSON, no pickle
    assert list(document) == [
        "format", "format_version", "library_version", "kind", "link_only", "comparisons", "parameters",
    ]
    assert (document["format"], document["format_version"]) == (MODEL_FORMAT, MODEL_FORMAT_VERSION)
    assert document["kind"] == "fellegi_sunter" and document["link_only"] is False
    assert document["comparisons"] == [
        {"name": c.name, "levels": len(c.levels), "level_names": list(c.levels)} for c in DEFAULT_COMPARISONS
    ]
    assert document["parameters"] == result.model.to_dict()
    # Every piece of text in the file is a name of the format, the library, a comparison or a level:
    # no record, id, value or key of the data, no credential.
    allowed = {MODEL_FORMAT, "fellegi_sunter", document["library_version"]}
    allowed |= {c.name for c in DEFAULT_COMPARISONS} | {lvl for c in DEFAULT_COMPARISONS for lvl in c.levels}
    allowed |= set(document) | set(document["parameters"]) | {"name", "levels", "level_names"}
    assert set(_strings(document)) <= allowed
    for value in [*result.clusters["source_id"].to_pylist(), "erp", "shopify", "gmail", "@"]:
        assert value not in text
    # numbers are finite (strict JSON: no NaN or Infinity)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the model file"))


def test_save_model_to_a_folder_that_does_not_exist_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist") as exc:
        _sample_run().save_model(tmp_path / "nope" / "model.json")
    assert str(tmp_path / "nope") in _one_line(exc)


def test_a_model_file_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "model.json"
    path.write_text("the old model")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("identity._model_file.os.replace", broken)
    with pytest.raises(InputError, match="cannot write it"):
        _sample_run().save_model(path)
    assert path.read_text() == "the old model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


# -- misuse: one clear line each ---------------------------------------------------------------------


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "model.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def _document(**changes: Any) -> str:
    with_model = json.loads(json.dumps(_sample_document()))
    with_model.update(changes)
    return json.dumps(with_model)


@cache
def _sample_document() -> dict[str, Any]:
    from identity._model_file import model_document

    return model_document(_sample_run().model, link_only=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a model file (not JSON)"),
        (b"\xff\xfe\x00", "not a model file (not UTF-8 text)"),
        ("[1, 2]", 'not a model file (no "format": "identity-dedupe-model")'),
        (json.dumps({"format": "identity-resolver", "version": 1}), "not a model file"),
        (_document(format_version=2), "format version 2; this library reads version 1"),
        (_document(format_version=None), "format version None"),
        (_document(kind="random_forest"), "unknown model kind 'random_forest'"),
        (_document(comparisons="email"), "damaged model file"),
        (_document(link_only="no"), "damaged model file"),
        (_document(parameters={"comparisons": [c.name for c in DEFAULT_COMPARISONS]}), "damaged model file (no 'm')"),
    ],
)
def test_a_file_that_is_not_a_usable_model_is_an_input_error_naming_it(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(InputError) as exc:
        identity.dedupe(SAMPLE, model=path)
    assert _one_line(exc).startswith(f"{path}: ")
    assert message in str(exc.value)


def test_damaged_parameters_are_an_input_error_naming_the_file(tmp_path: Path) -> None:
    document = _sample_document()
    parameters = json.loads(json.dumps(document["parameters"]))
    parameters["u"][3][1] = -0.5
    path = _write(tmp_path, _document(parameters=parameters))
    with pytest.raises(InputError, match="damaged model file") as exc:
        identity.dedupe(SAMPLE, model=path)
    assert "'phone'" in _one_line(exc)


@pytest.mark.parametrize(
    ("key", "text"),
    [("n_records", "Infinity"), ("n_iter", "-Infinity"), ("n_records", "1e999"), ("prior", "NaN")],
)
def test_a_number_json_reads_as_infinite_or_nan_is_an_input_error(tmp_path: Path, key: str, text: str) -> None:
    # Python's json module reads NaN, Infinity and numbers too large for a float (as inf) without error.
    document = json.loads(json.dumps(_sample_document()))
    document["parameters"][key] = "PLACEHOLDER"
    path = _write(tmp_path, json.dumps(document).replace('"PLACEHOLDER"', text))
    with pytest.raises(InputError, match="damaged model file") as exc:
        identity.dedupe(SAMPLE, model=path)
    assert _one_line(exc).startswith(f"{path}: ")


def test_a_comparison_with_infinitely_many_levels_or_a_file_nested_too_deep_is_an_input_error(
    tmp_path: Path,
) -> None:
    document = json.loads(json.dumps(_sample_document()))
    document["comparisons"][0]["levels"] = "PLACEHOLDER"
    path = _write(tmp_path, json.dumps(document).replace('"PLACEHOLDER"', "Infinity"))
    with pytest.raises(InputError, match="damaged model file"):
        identity.dedupe(SAMPLE, model=path)
    path = _write(tmp_path, "[" * 100_000)
    with pytest.raises(InputError) as exc:
        identity.dedupe(SAMPLE, model=path)
    assert _one_line(exc) == f"{path}: not a model file (not JSON)"


def test_a_missing_file_or_a_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        identity.dedupe(SAMPLE, model=tmp_path / "missing.json")
    assert _one_line(exc) == f"{tmp_path / 'missing.json'}: no such model file"
    with pytest.raises(InputError, match="is a folder"):
        identity.dedupe(SAMPLE, model=str(tmp_path))


def test_a_model_with_other_comparisons_than_the_run_is_a_configuration_error(tmp_path: Path) -> None:
    path = _saved(_sample_run(), tmp_path)
    fewer = DEFAULT_COMPARISONS[:4]
    with pytest.raises(ConfigurationError) as exc:
        identity.dedupe(SAMPLE, model=path, comparisons=fewer)
    message = _one_line(exc)
    assert message.startswith(f"{path}: the model was fitted with other comparisons than this run's")
    assert "national_id (4 levels)" in message
    with pytest.raises(ConfigurationError, match="other comparisons"):
        identity.dedupe(SAMPLE, model=_sample_run().model, comparisons=fewer)
    # the same names with another number of levels
    other_levels = json.loads(json.dumps(_sample_document()))
    other_levels["comparisons"][2]["levels"] = 4
    with pytest.raises(ConfigurationError, match=r"email \(4 levels\).*email \(5 levels\)"):
        identity.dedupe(SAMPLE, model=_write(tmp_path, json.dumps(other_levels)))


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (FellegiSunter(), "this FellegiSunter is not fitted"),
        (LogisticScorer(), "this LogisticScorer is not fitted"),
        (42, "model must be a model file's path or a fitted FellegiSunter or LogisticScorer, not int"),
        ({"m": []}, "not dict"),
    ],
)
def test_an_unfitted_model_or_another_object_is_a_configuration_error(model: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as exc:
        identity.dedupe(SAMPLE, model=model)  # type: ignore[arg-type]
    _one_line(exc)


def test_model_and_labels_together_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"either labels .* or model .*, not both") as exc:
        identity.dedupe(SAMPLE, model=_sample_run().model, labels=LABELS)
    _one_line(exc)


def test_a_model_is_checked_before_the_input_is_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such model file"):
        identity.dedupe({"erp": tmp_path / "no-input.csv"}, model=tmp_path / "missing.json")


# -- the resolver -------------------------------------------------------------------------------------


def test_resolver_build_with_a_saved_model_finds_what_a_trained_one_finds(tmp_path: Path) -> None:
    path = _saved(_sample_run(), tmp_path)
    trained = Resolver.from_result(_sample_run())
    reused = Resolver.build(SAMPLE, model=path, workers=1)
    for query in ({"phone": "(513) 895-6944"}, {"spoken_email": "carl dot johnson at g mail dot com"}):
        a, b = trained.lookup(query), reused.lookup(query)
        assert [(m.source_id, m.probability) for m in a] == [(m.source_id, m.probability) for m in b]
        assert a


def test_resolver_build_refuses_a_logistic_model_as_it_refuses_labels(tmp_path: Path) -> None:
    logistic = identity.dedupe(SAMPLE, labels=LABELS, workers=1)
    path = _saved(logistic, tmp_path)
    for model in (logistic.model, path):
        with pytest.raises(ConfigurationError, match=r"a logistic model is not supported .*EM weights") as exc:
            Resolver.build(SAMPLE, model=model)
        _one_line(exc)
    with pytest.raises(ConfigurationError, match="labels are not supported"):
        Resolver.build(SAMPLE, labels=LABELS)


def test_probabilities_of_a_reused_model_add_up_from_its_weights() -> None:
    small, _ = _generated(400, seed=5)
    model = identity.dedupe(_generated(3000, seed=21)[0], workers=1).model
    result = identity.dedupe(small, model=model, workers=1)
    assert isinstance(result.model, FellegiSunter) and result.model is not model
    pairs = result.pairs.to_pandas()
    weights = pairs[[c for c in pairs.columns if c.startswith("weight_")]].sum(axis=1).to_numpy()
    expected = 1 / (1 + 2.0 ** -(result.model.prior_weight + weights))
    np.testing.assert_allclose(pairs["probability"], expected, atol=1e-4)
