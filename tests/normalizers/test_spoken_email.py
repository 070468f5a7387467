"""from_speech against the hand-made test set and, where present, NVIDIA NeMo's public ITN email cases."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from normalizers.email import from_speech, normalize

_ROOT = Path(__file__).resolve().parents[2]
_TEST_SET = _ROOT / "tests" / "data" / "spoken_emails.tsv"
_NEMO = _ROOT.parent / "shared" / "reference" / "speech" / "nemo_itn_email_cases.txt"


@dataclass(frozen=True)
class SpokenCase:
    spoken: str
    expected: str | None
    category: str
    also: tuple[str, ...]
    xfail_reason: str


def _load_cases() -> list[SpokenCase]:
    lines = [line for line in _TEST_SET.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    reader = csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE)
    assert lines[0].split("\t")[:3] == ["spoken", "expected_best", "category"]
    cases = []
    for row in reader:
        spoken, expected, category, *rest = [*row, "", ""][: max(len(row), 5)]
        cases.append(
            SpokenCase(
                spoken=spoken,
                expected=None if expected == "-" else expected,
                category=category,
                also=tuple(rest[0].split()) if rest and rest[0] else (),
                xfail_reason=rest[1] if len(rest) > 1 else "",
            )
        )
    return cases


_CASES = _load_cases()


def _param(case: SpokenCase) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail_reason)] if case.xfail_reason else []
    return pytest.param(case, id=f"{case.category}:{case.spoken[:60]}", marks=marks)


def test_test_set_is_large_and_covers_every_category() -> None:
    assert len(_CASES) >= 150
    assert len({case.spoken for case in _CASES}) == len(_CASES), "duplicate spoken forms"
    categories = {case.category for case in _CASES}
    expected = {"leadin", "at", "dot", "symbol", "spelled", "as_in", "nato", "double", "number", "case"}
    expected |= {"provider", "suffix", "missing_tld", "typo", "written", "at_words", "ambiguous", "none"}
    assert expected <= categories


@pytest.mark.parametrize("case", [_param(case) for case in _CASES])
def test_spoken_email(case: SpokenCase) -> None:
    guess = from_speech(case.spoken)
    assert guess.best == case.expected
    if case.expected is None:
        assert guess.candidates == []
        assert guess.confidence == 0.0
        return
    assert guess.candidates[0] == guess.best
    assert 0.0 < guess.confidence <= 1.0
    for alternative in case.also:
        assert alternative in guess.candidates
    assert len(set(guess.candidates)) == len(guess.candidates)
    assert all(normalize(candidate) == candidate for candidate in guess.candidates)


def _nemo_cases() -> list[tuple[str, str]]:
    if not _NEMO.is_file():
        return []
    pairs = []
    for line in _NEMO.read_text(encoding="utf-8").splitlines():
        if "~" in line:
            spoken, _, written = line.partition("~")
            pairs.append((spoken.strip(), written.strip()))
    return pairs


@pytest.mark.skipif(not _NEMO.is_file(), reason=f"NeMo reference cases not found at {_NEMO}")
def test_nemo_reference_cases() -> None:
    cases = _nemo_cases()
    assert cases, "the NeMo reference file holds no spoken~written lines"
    failures = [(spoken, written, from_speech(spoken).best) for spoken, written in cases]
    failures = [failure for failure in failures if failure[1] != failure[2]]
    assert failures == [], f"{len(failures)} of {len(cases)} NeMo cases differ"
