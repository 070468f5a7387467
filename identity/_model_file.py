"""The model file: a fitted scoring model as one JSON document, written by
:meth:`~identity.DedupeResult.save_model` and read by ``identity.dedupe(..., model=PATH)``.

A model file holds parameters only: level probabilities or weights, counts, names of comparisons and
their levels. No record, value or key of the data it was fitted on is in it. It looks like this
(``parameters`` is :meth:`FellegiSunter.to_dict() <matchers.fellegi_sunter.FellegiSunter.to_dict>` or
:meth:`LogisticScorer.to_dict() <matchers.fellegi_sunter.LogisticScorer.to_dict>`)::

    {
      "format": "identity-dedupe-model",
      "format_version": 1,
      "library_version": "0.1.0",
      "kind": "fellegi_sunter",              (or "logistic")
      "link_only": false,
      "comparisons": [{"name": "first_name", "levels": 7, "level_names": ["null", "exact", ...]}, ...],
      "parameters": {"comparisons": [...], "m": [...], "u": [...], "prior": 4.9e-05, "n_records": 20000, ...}
    }

A Fellegi-Sunter model's ``n_records`` and ``possible_pairs`` (the size of the run it was fitted on) let
a later run scale the prior to its own size (:meth:`~matchers.fellegi_sunter.FellegiSunter.for_records`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from identity._exceptions import ConfigurationError, InputError
from identity._io import check_folder, write_whole
from matchers.comparisons import Comparison
from matchers.fellegi_sunter import FellegiSunter, LogisticScorer

__all__ = [
    "MODEL_FORMAT",
    "MODEL_FORMAT_VERSION",
    "ModelSource",
    "library_version",
    "model_document",
    "resolve_model",
    "write_model",
]

#: The ``format`` of a model file.
MODEL_FORMAT = "identity-dedupe-model"
#: The ``format_version`` this library writes and reads.
MODEL_FORMAT_VERSION = 1
#: What ``identity.dedupe(model=...)`` accepts: a model file or a fitted model.
ModelSource = str | os.PathLike[str] | FellegiSunter | LogisticScorer

#: The ``kind`` of a model file: which class its ``parameters`` are for.
_KINDS = ("fellegi_sunter", "logistic")


def library_version() -> str:
    """The installed version of identity-resolution, or ``"(not installed)"`` in a bare source tree."""
    try:
        return metadata.version("identity-resolution")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _kind(model: FellegiSunter | LogisticScorer) -> str:
    return "logistic" if isinstance(model, LogisticScorer) else "fellegi_sunter"


def _comparisons_entry(comparisons: Sequence[Comparison]) -> list[dict[str, Any]]:
    return [{"name": c.name, "levels": len(c.levels), "level_names": list(c.levels)} for c in comparisons]


def model_document(model: FellegiSunter | LogisticScorer, *, link_only: bool) -> dict[str, Any]:
    """The JSON document of a fitted model (see the module docstring)."""
    return {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "library_version": library_version(),
        "kind": _kind(model),
        "link_only": bool(link_only),
        "comparisons": _comparisons_entry(model.comparisons),
        "parameters": model.to_dict(),
    }


def write_model(document: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``document`` as JSON to ``path``, whole or not at all (a temporary file replaces it).

    A folder that does not exist or a file that cannot be written is an :class:`~identity.InputError`
    naming it.
    """
    target = check_folder(path)
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"

    def write(partial: Path) -> None:
        partial.write_text(text, encoding="utf-8")

    write_whole(target, write)


def resolve_model(source: object, comparisons: Sequence[Comparison]) -> FellegiSunter | LogisticScorer:
    """The fitted model ``identity.dedupe(model=source)`` scores with, checked against ``comparisons``.

    ``source`` is a model file's path or a fitted :class:`FellegiSunter` / :class:`LogisticScorer`.
    A file that cannot be read or is not a model file of this format version is an
    :class:`~identity.InputError` naming it; any other misuse (an unfitted model, another type, other
    comparisons than the run's) a :class:`~identity.ConfigurationError`.
    """
    if isinstance(source, FellegiSunter | LogisticScorer):
        _check_object(source, comparisons)
        return source
    if isinstance(source, str | os.PathLike):
        return _read(Path(source), comparisons)
    raise ConfigurationError(
        "model must be a model file's path or a fitted FellegiSunter or LogisticScorer, "
        f"not {type(source).__name__}"
    )


def _check_object(model: FellegiSunter | LogisticScorer, comparisons: Sequence[Comparison]) -> None:
    fitted = bool(model.m_ and model.u_) if isinstance(model, FellegiSunter) else bool(model.coef_)
    if not fitted:
        raise ConfigurationError(
            f"model: this {type(model).__name__} is not fitted; pass a fitted model or a file written by "
            "DedupeResult.save_model"
        )
    _check_comparisons(
        [(c.name, len(c.levels)) for c in model.comparisons], comparisons, what="the model was fitted with"
    )


def _check_comparisons(
    fitted: Sequence[tuple[str, int]], comparisons: Sequence[Comparison], *, what: str
) -> None:
    """A :class:`~identity.ConfigurationError` unless ``fitted`` (names and level counts, in order) are
    those of ``comparisons``; ``what`` starts its message ("PATH: the model was fitted with")."""
    run = [(c.name, len(c.levels)) for c in comparisons]
    if list(fitted) != run:

        def show(pairs: Sequence[tuple[str, int]]) -> str:
            return ", ".join(f"{name} ({levels} levels)" for name, levels in pairs)

        raise ConfigurationError(
            f"{what} other comparisons than this run's: {show(fitted)}; this run compares {show(run)}"
        )


def _read(path: Path, comparisons: Sequence[Comparison]) -> FellegiSunter | LogisticScorer:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such model file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a model file") from None
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        raise InputError(f"{path}: cannot read the model file ({reason})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a model file (not UTF-8 text)") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raise InputError(f"{path}: not a model file (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
        raise InputError(f"{path}: not a model file (no \"format\": \"{MODEL_FORMAT}\")")
    version = document.get("format_version")
    if version != MODEL_FORMAT_VERSION:
        raise InputError(
            f"{path}: model file format version {version!r}; this library reads version {MODEL_FORMAT_VERSION} "
            f"(the file was written by identity-resolution {document.get('library_version', '?')})"
        )
    kind = document.get("kind")
    if kind not in _KINDS:
        raise InputError(f"{path}: unknown model kind {kind!r} (expected one of {', '.join(_KINDS)})")
    try:
        fitted = [(str(c["name"]), int(c["levels"])) for c in document["comparisons"]]
        parameters = document["parameters"]
        link_only = document["link_only"]
        if not isinstance(parameters, dict) or not isinstance(link_only, bool):
            raise TypeError("parameters must be an object and link_only true or false")
    except (KeyError, TypeError, ValueError, OverflowError) as exc:  # OverflowError: int(Infinity)
        raise InputError(f"{path}: damaged model file ({_reason(exc)})") from None
    _check_comparisons(fitted, comparisons, what=f"{path}: the model was fitted with")
    try:
        if kind == "logistic":
            return LogisticScorer.from_dict(parameters, comparisons=comparisons)
        model = FellegiSunter.from_dict(parameters, comparisons=comparisons, link_only=link_only)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:  # OverflowError: int(Infinity)
        raise InputError(f"{path}: damaged model file ({_reason(exc)})") from None
    return model


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r}"
    return str(exc) or type(exc).__name__

