"""Pairwise comparisons: for each candidate pair and each field, an ordered agreement level.

Every comparison works on all pairs at once: ``compare(features, left, right)`` returns an int8 array of
levels, one per pair. Level 0 is always ``null`` (one side has no value: no evidence either way); the
other levels run from the strongest agreement to ``else``. String similarity is computed once per
distinct pair of values (names repeat a lot), with ``rapidfuzz.process.cpdist``.

Fields that carry the same information are one comparison, not several: street, house number, postcode
and city are the levels of :class:`AddressComparison`, so a shared address is counted once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from matchers._columns import dense_rank
from matchers.features import Features
from normalizers import name as _name

__all__ = [
    "DEFAULT_COMPARISONS",
    "AddressComparison",
    "Comparison",
    "EmailComparison",
    "ExactComparison",
    "FirstNameComparison",
    "PhoneComparison",
    "SuffixComparison",
    "SurnameComparison",
    "cannot_link",
    "compare_all",
    "string_distance",
    "string_similarity",
]

IntArray = npt.NDArray[np.int64]
Levels = npt.NDArray[np.int8]


def _score_distinct(
    vocab: Sequence[str],
    a: npt.NDArray[np.integer],
    b: npt.NDArray[np.integer],
    scorer: Any,
    out: npt.NDArray[Any],
    workers: int = 1,
) -> npt.NDArray[Any]:
    """Fill ``out`` (pre-set to the missing value) with ``scorer`` of each pair of strings where both
    codes are present, scoring each distinct unordered pair of codes once."""
    valid = (a >= 0) & (b >= 0)
    if not valid.any():
        return out
    a64, b64 = a[valid].astype(np.int64), b[valid].astype(np.int64)
    lo, hi = np.minimum(a64, b64), np.maximum(a64, b64)
    inverse, combos = dense_rank(lo * (len(vocab) + 1) + hi)
    strings = np.array(list(vocab), dtype=object)
    left = strings[combos // (len(vocab) + 1)].tolist()
    right = strings[combos % (len(vocab) + 1)].tolist()
    scores = process.cpdist(left, right, scorer=scorer, workers=workers)
    out[valid] = np.asarray(scores, dtype=out.dtype)[inverse]
    return out


def string_similarity(
    vocab: Sequence[str], a: npt.NDArray[np.integer], b: npt.NDArray[np.integer], *, workers: int = 1
) -> npt.NDArray[np.float64]:
    """Jaro-Winkler similarity of ``vocab[a[k]]`` and ``vocab[b[k]]``; 0.0 where a code is ``-1``.

    Each distinct (a, b) combination is scored once.

    >>> string_similarity(["martha", "marhta", "x"], np.array([0, 0, -1]), np.array([1, 1, 2])).round(3).tolist()
    [0.961, 0.961, 0.0]
    """
    out = np.zeros(len(a), dtype=np.float64)
    return _score_distinct(vocab, a, b, JaroWinkler.normalized_similarity, out, workers)


def string_distance(
    vocab: Sequence[str], a: npt.NDArray[np.integer], b: npt.NDArray[np.integer]
) -> npt.NDArray[np.int64]:
    """Optimal-string-alignment edit distance (a transposition is one edit); -1 where a code is -1.

    >>> string_distance(["jsmith84", "jsmith48", "x"], np.array([0, 0, -1]), np.array([1, 2, 2])).tolist()
    [1, 8, -1]
    """
    out = np.full(len(a), -1, dtype=np.int64)
    return _score_distinct(vocab, a, b, OSA.distance, out)


def _any_equal(a: npt.NDArray[np.integer], b: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """Row-wise: does any present value of ``a[k]`` equal any present value of ``b[k]``?

    Values are packed to the left of each row (missing is -1 at the end), so columns that are missing
    everywhere are skipped.
    """
    out = np.zeros(len(a), dtype=bool)
    width_a = int((a >= 0).any(axis=0).sum()) if len(a) else 0
    width_b = int((b >= 0).any(axis=0).sum()) if len(b) else 0
    for i in range(width_a):
        col = a[:, i]
        present = col >= 0
        for j in range(width_b):
            out |= present & (col == b[:, j])
    return out


_DIGITS = str.maketrans("", "", "0123456789")


def _strip_digits(text: str) -> str:
    return text.translate(_DIGITS)


#: A short first name (``SHORT_FIRST_NAME`` letters or fewer) more edits than this away from another is
#: a different name, however alike the two start.
FIRST_NAME_MAX_EDITS = 2
SHORT_FIRST_NAME = 4


def _similar_given_names(a: str, b: str) -> bool:
    """Whether two first names that Jaro-Winkler scores alike may be spellings of one name.

    Jaro-Winkler rewards a shared start, which short names make cheap: Mia / Michael and Sean / Sinead
    score 0.80 and above, and are two people of one household. When the shorter name has at most
    ``SHORT_FIRST_NAME`` letters, it must be the start of the other (Zeb / Zebulon: a short form) or
    within ``FIRST_NAME_MAX_EDITS`` edits of it (Jon / John, Shawn / Sean); longer names keep their
    score (Steven / Stephen, William / Wilhelm).

    >>> [_similar_given_names(a, b) for a, b in [("mia", "michael"), ("shawn", "sean"), ("zeb", "zebulon")]]
    [False, True, True]
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) > SHORT_FIRST_NAME or long.startswith(short):
        return True
    return OSA.distance(a, b, score_cutoff=FIRST_NAME_MAX_EDITS) <= FIRST_NAME_MAX_EDITS


def _nicknames(
    table: npt.NDArray[np.int32],
    codes_a: npt.NDArray[np.integer],
    names_a: Sequence[str],
    codes_b: npt.NDArray[np.integer],
    names_b: Sequence[str],
) -> npt.NDArray[np.bool_]:
    """Whether each pair of first names is nickname-equivalent (their canonical names intersect).

    ``table`` holds at most ``MAX_NICKNAME_GROUPS`` canonical names per first name (its last row, for a
    code of -1, is empty); a name with more (``john``, ``mary``, ``ricky``...) fills its row, and only
    then is the pair checked on the names' whole canonical sets (``ricky`` ~ ``richard``).
    """
    rows_a, rows_b = table[codes_a], table[codes_b]
    nickname = _any_equal(rows_a, rows_b)
    full = (rows_a[:, -1] >= 0) | (rows_b[:, -1] >= 0)
    for k in np.flatnonzero(full & ~nickname).tolist():
        a, b = names_a[k], names_b[k]
        nickname[k] = bool(a) and bool(b) and not _name.canonical_names(a).isdisjoint(_name.canonical_names(b))
    return nickname


def _first_name_ladder(
    sim: npt.NDArray[np.float64],
    one_letter: npt.NDArray[np.bool_],
    same_initial: npt.NDArray[np.bool_],
    nickname: npt.NDArray[np.bool_],
    exact: npt.NDArray[np.bool_],
    names_a: Sequence[str],
    names_b: Sequence[str],
) -> Levels:
    """The levels of :class:`FirstNameComparison` (null aside) from what is known of each pair of names.

    The Jaro-Winkler levels stand for spellings of one name (Steven / Stephen, William / Wilhelm, a
    typo); see :func:`_similar_given_names` for the short names they leave out.
    """
    level = _levels(len(sim), 6)
    level[one_letter & same_initial] = 5
    similar = (sim >= 0.80) & ~one_letter
    for k in np.flatnonzero(similar).tolist():
        similar[k] = _similar_given_names(names_a[k], names_b[k])
    level[similar] = 4
    level[similar & (sim >= 0.92)] = 3
    level[nickname] = 2
    level[exact] = 1
    return level


def _surname_ladder(
    sim: npt.NDArray[np.float64], sounds_alike: npt.NDArray[np.bool_], exact: npt.NDArray[np.bool_]
) -> Levels:
    """The levels of :class:`SurnameComparison` (null aside) from what is known of each pair of names."""
    level = _levels(len(sim), 4)
    level[(sim >= 0.80) | sounds_alike] = 3
    level[sim >= 0.92] = 2
    level[exact] = 1
    return level


def _given_levels(
    features: Features,
    codes_a: npt.NDArray[np.integer],
    names_a: list[str],
    codes_b: npt.NDArray[np.integer],
    names_b: list[str],
) -> Levels:
    """First-name levels of two lists of given names (codes into the first-name vocabulary, -1 when a
    name is not in it: then only spelling counts, not nicknames)."""
    sim = np.asarray(process.cpdist(names_a, names_b, scorer=JaroWinkler.normalized_similarity), dtype=float)
    one_letter = np.array([len(a) == 1 or len(b) == 1 for a, b in zip(names_a, names_b, strict=True)], dtype=bool)
    same_initial = np.array(
        [a[:1] == b[:1] or _initials_of(a) & _initials_of(b) != 0 for a, b in zip(names_a, names_b, strict=True)],
        dtype=bool,
    )
    nickname = _nicknames(features.first_group_table, codes_a, names_a, codes_b, names_b)
    exact = np.array([a == b for a, b in zip(names_a, names_b, strict=True)], dtype=bool)
    return _first_name_ladder(sim, one_letter, same_initial, nickname, exact, names_a, names_b)


def _surname_levels(names_a: list[str], names_b: list[str]) -> Levels:
    """Surname levels of two lists of surnames by spelling alone (exact, Jaro-Winkler)."""
    sim = np.asarray(process.cpdist(names_a, names_b, scorer=JaroWinkler.normalized_similarity), dtype=float)
    exact = np.array([a == b for a, b in zip(names_a, names_b, strict=True)], dtype=bool)
    return _surname_ladder(sim, np.zeros(len(sim), dtype=bool), exact)


def _swapped_levels(
    features: Features, left: IntArray, right: IntArray, first: Levels, last: Levels
) -> tuple[Levels, Levels]:
    """First- and surname levels with one record's names read the other way round where that agrees better.

    ``WICKTON JESSICA`` (a card written surname first, without a comma) against Jessie Wickton, or a
    Shopify customer who typed the surname into the first-name field: read straight, both names
    disagree. For the pairs whose straight reading has a clear disagreement (first name ``else`` or
    surname ``else``), each record in turn is read swapped: its surname (first word) is compared with
    the other's first name as given names (exact, nickname, Jaro-Winkler, initial) and its first name
    with the other's surname (exact, Jaro-Winkler). When both agree, the better reading replaces the
    straight levels. A household (same surname, different first names) never reads better swapped.
    """
    rows = np.flatnonzero((first == 6) | (last == 4))
    fa, la = features.first[left[rows]], features.last[left[rows]]
    fb, lb = features.first[right[rows]], features.last[right[rows]]
    rows = rows[(fa >= 0) & (la >= 0) & (fb >= 0) & (lb >= 0)]
    if len(rows) == 0:
        return first, last
    first_vocab, last_vocab = features.first_vocab, features.last_vocab
    # Either reading needs one surname to agree with the other record's first name (Jaro-Winkler >= 0.80,
    # taken to start with the same letter): keep only such pairs before the detailed work (random pairs
    # almost never are).
    first_initial = _cached(features, "first_initials", lambda: _initials(features.first_vocab))
    last_initial = _cached(features, "last_initials", lambda: _initials(features.last_vocab))
    fi_a, li_a = first_initial[features.first[left[rows]]], last_initial[features.last[left[rows]]]
    fi_b, li_b = first_initial[features.first[right[rows]]], last_initial[features.last[right[rows]]]
    rows = rows[(li_a == fi_b) | (fi_a == li_b)]
    firsts = _cached(features, "first_strings", lambda: np.array([*first_vocab, ""], dtype=object))
    lasts = _cached(features, "last_strings", lambda: np.array([*last_vocab, ""], dtype=object))
    cross_a = process.cpdist(
        lasts[features.last[left[rows]]], firsts[features.first[right[rows]]],
        scorer=JaroWinkler.normalized_similarity, score_cutoff=0.80,
    )
    cross_b = process.cpdist(
        firsts[features.first[left[rows]]], lasts[features.last[right[rows]]],
        scorer=JaroWinkler.normalized_similarity, score_cutoff=0.80,
    )
    rows = rows[(np.asarray(cross_a) > 0) | (np.asarray(cross_b) > 0)]
    if len(rows) == 0:
        return first, last
    fa, la = features.first[left[rows]], features.last[left[rows]]
    fb, lb = features.first[right[rows]], features.last[right[rows]]
    first_a, first_b = [first_vocab[c] for c in fa.tolist()], [first_vocab[c] for c in fb.tolist()]
    last_a, last_b = [last_vocab[c] for c in la.tolist()], [last_vocab[c] for c in lb.tolist()]
    given_of_last_a = [v.split(" ", 1)[0] for v in last_a]
    given_of_last_b = [v.split(" ", 1)[0] for v in last_b]
    as_first_a, as_first_b = features.last_as_first[left[rows]], features.last_as_first[right[rows]]
    # The right record swapped: its surname holds the given name.
    right_first = _given_levels(features, fa, first_a, as_first_b, given_of_last_b)
    right_last = _surname_levels(last_a, first_b)
    # The left record swapped.
    left_first = _given_levels(features, as_first_a, given_of_last_a, fb, first_b)
    left_last = _surname_levels(first_a, last_b)
    # The reading that agrees better; on a tie, the one whose given names are the more common first names.
    counts = _cached(
        features,
        "first_counts",
        lambda: np.bincount(features.first[features.first >= 0], minlength=len(first_vocab) + 1),
    )
    sum_left = left_first.astype(np.int64) + left_last
    sum_right = right_first.astype(np.int64) + right_last
    common_left = counts[as_first_a] * (as_first_a >= 0) + counts[fb]
    common_right = counts[fa] + counts[as_first_b] * (as_first_b >= 0)
    use_left = (sum_left < sum_right) | ((sum_left == sum_right) & (common_left > common_right))
    new_first = np.where(use_left, left_first, right_first).astype(np.int8)
    new_last = np.where(use_left, left_last, right_last).astype(np.int8)
    better = (new_first < 6) & (new_last < 4)
    better &= new_first.astype(np.int64) + new_last < first[rows].astype(np.int64) + last[rows]
    first, last = first.copy(), last.copy()
    first[rows[better]] = new_first[better]
    last[rows[better]] = new_last[better]
    return first, last


def _oriented_names(features: Features, left: IntArray, right: IntArray) -> tuple[Levels, Levels]:
    """``(first-name levels, surname levels)`` of the pairs, swapped names taken into account.

    Both name comparisons need both straight readings to decide the orientation; the answer for the
    last ``(left, right)`` arrays seen is kept, so :func:`compare_all` computes it once.
    """
    memo = features.cache.get("oriented_names")
    if memo is not None and memo[0] is left and memo[1] is right:
        return memo[2]  # type: ignore[no-any-return]
    result = _swapped_levels(
        features, left, right, _straight_first_levels(features, left, right),
        _straight_last_levels(features, left, right),
    )
    features.cache["oriented_names"] = (left, right, result)
    return result


def _shared_value(a: npt.NDArray[np.integer], b: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
    """Row-wise: a value present in both ``a[k]`` and ``b[k]`` (the first found), or -1."""
    out = np.full(len(a), -1, dtype=np.int64)
    width_a = int((a >= 0).any(axis=0).sum()) if len(a) else 0
    width_b = int((b >= 0).any(axis=0).sum()) if len(b) else 0
    for i in range(width_a):
        col = a[:, i]
        for j in range(width_b):
            hit = (col >= 0) & (col == b[:, j]) & (out < 0)
            out[hit] = col[hit]
    return out


def _combos(
    a: npt.NDArray[np.integer], b: npt.NDArray[np.integer], size: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Distinct unordered pairs of codes: ``(inverse, first, second)`` with ``first <= second``."""
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    inverse, keys = dense_rank((lo + 1) * (size + 1) + (hi + 1))
    return inverse, keys // (size + 1) - 1, keys % (size + 1) - 1


def _lengths(vocab: Sequence[str]) -> IntArray:
    return np.array([*(len(v) for v in vocab), 0], dtype=np.int64)


def _initials_of(first_name: str) -> int:
    """A bit per letter ``a`` to ``z`` that the name or a name it is a nickname of starts with: ``bill``
    has ``b`` and ``w`` (William), so the initial W agrees with it."""
    bits = 0
    for name in (first_name, *_name.canonical_names(first_name)):
        if "a" <= name[:1] <= "z":
            bits |= 1 << (ord(name[0]) - ord("a"))
    return bits


def _initials(vocab: Sequence[str]) -> IntArray:
    return np.array([ord(v[0]) if v else -1 for v in vocab], dtype=np.int64)


def _per_code(codes: npt.NDArray[np.integer], values: npt.NDArray[np.integer], size: int) -> IntArray:
    """``values`` re-indexed by ``codes`` (one value per code; last entry -1 for missing)."""
    out = np.full(size + 1, -1, dtype=np.int64)
    present = codes >= 0
    out[codes[present]] = values[present]
    return out


def _cached(features: Features, key: str, build: Any) -> Any:
    if key not in features.cache:
        features.cache[key] = build()
    return features.cache[key]


def _name_like(features: Features, rows: IntArray, local_codes: IntArray) -> npt.NDArray[np.bool_]:
    """Whether an email local part is just the record's own name (``john.smith``, ``jsmith84``,
    ``smithj``): such a local part says nothing the name comparisons have not said already."""
    surnames: list[str] = _cached(
        features,
        "bare_surnames",
        lambda: ["".join(ch for ch in v if ch.isalnum()) for v in features.last_vocab],
    )
    out = np.zeros(len(rows), dtype=bool)
    lasts, firsts = features.last[rows].tolist(), features.first[rows].tolist()
    for k, (code, lc, fc) in enumerate(zip(local_codes.tolist(), lasts, firsts, strict=True)):
        if lc < 0:
            continue
        local = features.email_local_vocab[code]
        surname = surnames[lc]
        if len(surname) < 2 or surname not in local:
            continue
        rest = local.replace(surname, "", 1).strip("0123456789")
        given = features.first_vocab[fc] if fc >= 0 else ""
        out[k] = rest == "" or (given != "" and rest in (given, given[0]))
    return out


def _straight_first_levels(features: Features, left: IntArray, right: IntArray) -> Levels:
    """First-name levels of the pairs as written (see :class:`FirstNameComparison`)."""
    a, b = features.first[left], features.first[right]
    # The level depends only on the two names: score each distinct pair of names once.
    inverse, ua, ub = _combos(a, b, len(features.first_vocab))
    lengths = _cached(features, "first_lengths", lambda: _lengths(features.first_vocab))
    initials = np.append(_cached(features, "first_initials", lambda: _initials(features.first_vocab)), -1)
    given_initials = _cached(
        features, "first_given_initials", lambda: np.array([*map(_initials_of, features.first_vocab), 0])
    )
    one_letter = (lengths[ua] == 1) | (lengths[ub] == 1)
    same_initial = (initials[ua] == initials[ub]) | (given_initials[ua] & given_initials[ub] != 0)
    sim = string_similarity(features.first_vocab, ua, ub)
    firsts = _cached(features, "first_strings", lambda: np.array([*features.first_vocab, ""], dtype=object))
    nickname = _nicknames(features.first_group_table, ua, firsts[ua], ub, firsts[ub])
    level = _first_name_ladder(
        sim, one_letter, same_initial, nickname, ua == ub, firsts[ua], firsts[ub]
    )
    level[(ua < 0) | (ub < 0)] = 0
    return level[inverse]


def _straight_last_levels(features: Features, left: IntArray, right: IntArray) -> Levels:
    """Surname levels of the pairs as written (see :class:`SurnameComparison`)."""
    a, b = features.last[left], features.last[right]
    inverse, ua, ub = _combos(a, b, len(features.last_vocab))
    phonetic = _cached(
        features,
        "last_phonetic_by_code",
        lambda: _per_code(features.last, features.last_phonetic, len(features.last_vocab)),
    )
    sim = string_similarity(features.last_vocab, ua, ub)
    pa_, pb = phonetic[ua], phonetic[ub]
    level = _surname_ladder(sim, (pa_ == pb) & (pa_ >= 0), ua == ub)
    level[(ua < 0) | (ub < 0)] = 0
    return level[inverse]


@dataclass(frozen=True)
class Comparison(ABC):
    """Base class: a named comparison with ordered levels (``levels[0] == "null"``).

    ``tf_level`` names the level whose weight is adjusted by the term frequency of the matched value
    (``tf_attr`` is the :class:`Features` attribute holding it); ``cannot_link_level`` the level that
    marks two records as certainly different people (used by the household guard).

    ``soft_cannot_link`` makes that cannot-link yield to a personal identifier that agrees exactly:
    ``identity_level`` marks the levels of a comparison that prove identity (levels 1 to
    ``identity_level``: the same date of birth; the same national id, or one digit off), so a mistyped
    first name does not split a customer whose identifiers match. A ``weak_identity`` comparison proves
    identity only when no comparison sits at its ``contradiction_level`` (two different e-mails, two
    different phones): twins share a date of birth, not their mailbox and mobile.

    ``contested_cannot_link_levels`` mark two people only when their contacts disagree: some comparison
    sits at its ``contradiction_level`` and none at its ``confirmation_level`` (the same e-mail), and
    no identifier proves one person. John Smith and John Smith Jr of one address with two mailboxes
    are father and son; with one mailbox, one man who wrote Jr once. (A shared phone confirms nothing:
    a household shares its landline, and a number does not say whether it is one. On the 250k
    benchmark, letting a shared phone confirm too merged 49 more household pairs and kept no more
    true ones.)

    ``m_default`` and ``u_default`` (one value per level after ``null``) are weak priors: training
    adds them as a few pseudo-pairs, so a tiny input still gets sensible weights while a real one is
    governed by its own data.
    """

    name: str
    levels: tuple[str, ...]
    tf_level: int | None = None
    tf_attr: str | None = None
    cannot_link_level: int | None = None
    soft_cannot_link: bool = False
    identity_level: int | None = None
    weak_identity: bool = False
    contradiction_level: int | None = None
    contested_cannot_link_levels: tuple[int, ...] = ()
    confirmation_level: int | None = None
    m_default: tuple[float, ...] = ()
    u_default: tuple[float, ...] = ()

    @abstractmethod
    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        """Levels of the pairs ``(left[k], right[k])``, int8 array of shape (n_pairs,)."""

    def describe(self, level: int) -> str:
        """Readable name of ``level``."""
        return self.levels[level]


def _levels(n: int, default: int) -> Levels:
    return np.full(n, default, dtype=np.int8)


@dataclass(frozen=True)
class FirstNameComparison(Comparison):
    """First name: ``exact`` (or first and last name swapped) / ``nickname`` (bill~william) / ``jaro_winkler>=0.92`` / ``>=0.80`` /
    ``initial`` (J vs John, W vs Bill) / ``else``; the exact level is term-frequency adjusted; ``else`` means two
    different people (household guard). A name of four letters or fewer reaches the Jaro-Winkler levels
    only as the start of the other or within two edits of it (Zeb ~ Zebulon, Jon ~ John; Mia / Michael is
    ``else``).

    ``jaro_winkler>=0.80`` is a contested cannot-link (see :class:`Comparison`): Mary and Mark, Liam and
    Lisa, Alison and Jason of one address are two people when their e-mails or phones disagree and no
    e-mail is shared. On the 250k benchmark it cut the household pairs merged from 717 to 604 for 0.0004
    of recall (FEBRL1-4 unchanged)."""

    name: str = "first_name"
    levels: tuple[str, ...] = (
        "null",
        "exact",
        "nickname",
        "jaro_winkler>=0.92",
        "jaro_winkler>=0.80",
        "initial",
        "else",
    )
    tf_level: int | None = 1
    tf_attr: str | None = "first_tf"
    cannot_link_level: int | None = 6
    soft_cannot_link: bool = True
    contested_cannot_link_levels: tuple[int, ...] = (4,)
    m_default: tuple[float, ...] = (0.82, 0.05, 0.06, 0.03, 0.02, 0.02)
    u_default: tuple[float, ...] = (0.01, 0.002, 0.005, 0.03, 0.02, 0.933)

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        return _oriented_names(features, left, right)[0]


@dataclass(frozen=True)
class SurnameComparison(Comparison):
    """Surname: ``exact`` (term-frequency adjusted; or first and last name swapped) / ``jaro_winkler>=0.92`` / ``phonetic or
    jaro_winkler>=0.80`` / ``else``."""

    name: str = "last_name"
    levels: tuple[str, ...] = ("null", "exact", "jaro_winkler>=0.92", "phonetic_or_jw>=0.80", "else")
    tf_level: int | None = 1
    tf_attr: str | None = "last_tf"
    m_default: tuple[float, ...] = (0.88, 0.07, 0.03, 0.02)
    u_default: tuple[float, ...] = (0.002, 0.003, 0.03, 0.965)

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        return _oriented_names(features, left, right)[1]


@dataclass(frozen=True)
class EmailComparison(Comparison):
    """Email: ``exact`` (same match key: gmail dots and +tags, domain typos repaired) /
    ``same_local_part`` (jsmith84@ at another provider) / ``one_edit`` (one typo, not in a number) /
    ``else``.

    A shared local part that is just the person's name (``john.smith@`` at two providers) is counted
    as no evidence (``null``): it says what the name comparisons already said.
    """

    name: str = "email"
    levels: tuple[str, ...] = ("null", "exact", "same_local_part", "one_edit", "else")
    contradiction_level: int | None = 4
    confirmation_level: int | None = 1
    m_default: tuple[float, ...] = (0.80, 0.05, 0.05, 0.10)
    u_default: tuple[float, ...] = (1e-6, 1e-6, 1e-5, 0.999988)

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        a, b = features.email[left], features.email[right]
        out = _levels(len(left), 4)
        exact = _any_equal(a, b)
        # One edit: only worth computing between emails at the same domain of about the same length.
        domain, length = _cached(
            features, "email_domain_length", lambda: _domains_and_lengths(features.email_vocab)
        )
        a0, b0 = a[:, 0].astype(np.int64), b[:, 0].astype(np.int64)
        near = (a0 >= 0) & (b0 >= 0) & ~exact
        near &= (domain[a0] == domain[b0]) & (np.abs(length[a0] - length[b0]) <= 1)
        candidates = np.flatnonzero(near)
        if len(candidates):
            distance = string_distance(features.email_vocab, a0[candidates], b0[candidates])
            typo = candidates[distance == 1]
            # jsmith84@ vs jsmith85@ are two people; jsmtih84@ vs jsmith84@ is one typing.
            vocab = features.email_vocab
            digits_only = np.array(
                [
                    _strip_digits(vocab[x]) == _strip_digits(vocab[y])
                    for x, y in zip(a0[typo].tolist(), b0[typo].tolist(), strict=True)
                ],
                dtype=bool,
            )
            out[typo[~digits_only]] = 3
        shared = _shared_value(features.email_local[left], features.email_local[right])
        rows = np.flatnonzero((shared >= 0) & ~exact)
        if len(rows):
            named = _name_like(features, left[rows], shared[rows]) | _name_like(
                features, right[rows], shared[rows]
            )
            out[rows[~named]] = 2
            out[rows[named]] = 0
        out[exact] = 1
        out[(a[:, 0] < 0) | (b[:, 0] < 0)] = 0
        return out


def _domains_and_lengths(vocab: Sequence[str]) -> tuple[IntArray, IntArray]:
    index: dict[str, int] = {}
    domains = [index.setdefault(v.rpartition("@")[2], len(index)) for v in vocab]
    return np.array([*domains, -1], dtype=np.int64), np.array([*(len(v) for v in vocab), 0], dtype=np.int64)


@dataclass(frozen=True)
class PhoneComparison(Comparison):
    """Phone: ``exact`` (any shared E.164) / ``last_7_digits`` / ``else``."""

    name: str = "phone"
    levels: tuple[str, ...] = ("null", "exact", "last_7_digits", "else")
    contradiction_level: int | None = 3
    m_default: tuple[float, ...] = (0.85, 0.03, 0.12)
    u_default: tuple[float, ...] = (1e-6, 1e-5, 0.999989)

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        width = _cached(features, "phone_width", lambda: int((features.phone >= 0).any(axis=0).sum()))
        suffix = _cached(
            features,
            "phone7",
            lambda: np.where(features.phone >= 0, features.phone % 10_000_000, -1)[:, :width],
        )
        a, b = features.phone[left, :width], features.phone[right, :width]
        out = _levels(len(left), 3)
        out[_any_equal(suffix[left], suffix[right])] = 2
        out[_any_equal(a, b)] = 1
        if width == 0:
            return _levels(len(left), 0)
        out[(a[:, 0] < 0) | (b[:, 0] < 0)] = 0
        return out


@dataclass(frozen=True)
class AddressComparison(Comparison):
    """Address as one piece of evidence: ``house+street+postcode`` / ``house+similar_street`` /
    ``postcode`` / ``city`` / ``else``."""

    name: str = "address"
    levels: tuple[str, ...] = (
        "null",
        "house+street+postcode",
        "house+similar_street",
        "postcode",
        "city",
        "else",
    )
    m_default: tuple[float, ...] = (0.70, 0.05, 0.10, 0.05, 0.10)
    u_default: tuple[float, ...] = (1e-5, 1e-5, 0.005, 0.02, 0.97498)

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        f = features
        out = _levels(len(left), 5)
        street_a, street_b = f.street[left], f.street[right]
        house_a, house_b = f.house[left], f.house[right]
        post_a, post_b = f.postcode[left], f.postcode[right]
        city_a, city_b = f.city[left], f.city[right]
        post_known = (post_a >= 0) & (post_b >= 0)
        post_conflict = post_known & (post_a != post_b)
        out[(city_a == city_b) & (city_a >= 0)] = 4
        out[post_known & (post_a == post_b)] = 3
        same_house = (house_a == house_b) & (house_a >= 0)
        sim = string_similarity(f.street_vocab, street_a, street_b)
        out[same_house & (sim >= 0.88) & ~post_conflict] = 2
        out[same_house & (street_a == street_b) & (street_a >= 0) & ~post_conflict] = 1
        has_a = (street_a >= 0) | (post_a >= 0) | (city_a >= 0)
        has_b = (street_b >= 0) | (post_b >= 0) | (city_b >= 0)
        out[~has_a | ~has_b] = 0
        return out


@dataclass(frozen=True)
class SuffixComparison(Comparison):
    """Generational suffix (Jr, Sr, II): ``exact`` / ``one_side_only`` (John Smith vs John Smith Jr) /
    ``else`` (Jr vs Sr: father and son, never one person). ``null`` when neither has one.

    ``one_side_only`` is a contested cannot-link: father and son when their e-mails or phones
    disagree and no e-mail is shared (see :class:`Comparison`). On the 250k benchmark it halved the
    household pairs merged (1,170 to 717) for 0.0003 of recall."""

    name: str = "name_suffix"
    levels: tuple[str, ...] = ("null", "exact", "one_side_only", "else")
    cannot_link_level: int | None = 3
    contested_cannot_link_levels: tuple[int, ...] = (2,)
    m_default: tuple[float, ...] = (0.5, 0.49, 0.01)
    u_default: tuple[float, ...] = (0.001, 0.05, 0.949)

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        a, b = features.suffix[left], features.suffix[right]
        out = _levels(len(left), 3)
        out[(a >= 0) != (b >= 0)] = 2
        out[(a == b) & (a >= 0)] = 1
        out[(a < 0) & (b < 0)] = 0
        return out


@dataclass(frozen=True)
class ExactComparison(Comparison):
    """An identifier compared as a whole (``date_of_birth``, ``national_id``): ``exact`` / ``one_edit``
    (one digit typed wrong or two swapped: 19650113 vs 19650131) / ``else``. With ``cannot_link_level``
    set to the ``else`` level, a clear disagreement marks two different people."""

    name: str = "date_of_birth"
    levels: tuple[str, ...] = ("null", "exact", "one_edit", "else")
    m_default: tuple[float, ...] = (0.90, 0.07, 0.03)
    u_default: tuple[float, ...] = (0.001, 0.01, 0.989)
    attr: str = "dob"

    def compare(self, features: Features, left: IntArray, right: IntArray) -> Levels:
        codes = getattr(features, self.attr)
        vocab = getattr(features, f"{self.attr}_vocab")
        a, b = codes[left], codes[right]
        out = _levels(len(left), 3)
        differ = np.flatnonzero((a != b) & (a >= 0) & (b >= 0))
        if len(differ):
            distance = string_distance(vocab, a[differ], b[differ])
            out[differ[distance == 1]] = 2
        out[a == b] = 1
        out[(a < 0) | (b < 0)] = 0
        return out


#: The comparisons used when none are given.
DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    FirstNameComparison(),
    SurnameComparison(),
    EmailComparison(),
    PhoneComparison(),
    AddressComparison(),
    SuffixComparison(),
    # A different date of birth is two people (father and son) unless the national id agrees; the same
    # date of birth overrides clearly different first names only when no e-mail or phone disagrees
    # (twins). A different national id is only evidence, no cannot-link: ids get re-keyed and mistyped.
    ExactComparison(
        "date_of_birth",
        attr="dob",
        cannot_link_level=3,
        soft_cannot_link=True,
        identity_level=1,
        weak_identity=True,
    ),
    ExactComparison("national_id", attr="national_id", identity_level=2),
)


def cannot_link(comparisons: Sequence[Comparison], gamma: npt.NDArray[np.int8]) -> npt.NDArray[np.bool_]:
    """Pairs that are certainly two people (the household guard), from their levels.

    A hard cannot-link (Jr vs Sr) always holds; a soft one (clearly different first names, different
    dates of birth) holds unless a personal identifier proves one person (the same date of birth, the
    national id or one digit off it); a weak one (the date of birth) counts only when no e-mail or phone
    disagrees; a contested one (Jr on one side only, first names only loosely alike) holds only when an
    e-mail or phone disagrees, no e-mail is shared and no identifier proves one person.

    Columns below: first name, e-mail, name suffix, date of birth, national id.

    >>> levels = np.array([[6, 0, 0, 0, 0], [6, 0, 0, 1, 0], [6, 4, 0, 1, 0], [6, 4, 0, 1, 1],
    ...                    [1, 0, 0, 3, 0], [1, 4, 2, 0, 0], [1, 1, 2, 0, 0], [1, 0, 2, 0, 0],
    ...                    [4, 4, 0, 0, 0], [4, 1, 0, 0, 0]], np.int8)
    >>> comparisons = (DEFAULT_COMPARISONS[0], DEFAULT_COMPARISONS[2], *DEFAULT_COMPARISONS[-3:])
    >>> cannot_link(comparisons, levels).tolist()
    [True, False, True, False, True, True, False, False, True, False]
    """
    hard = np.zeros(len(gamma), dtype=bool)
    soft = np.zeros(len(gamma), dtype=bool)
    contested = np.zeros(len(gamma), dtype=bool)
    confirmed = np.zeros(len(gamma), dtype=bool)
    proven = np.zeros(len(gamma), dtype=bool)
    weakly_proven = np.zeros(len(gamma), dtype=bool)
    contradicted = np.zeros(len(gamma), dtype=bool)
    for k, comparison in enumerate(comparisons):
        level = gamma[:, k]
        if comparison.contested_cannot_link_levels:
            contested |= np.isin(level, comparison.contested_cannot_link_levels)
        if comparison.confirmation_level is not None:
            confirmed |= level == comparison.confirmation_level
        if comparison.cannot_link_level is not None:
            hit = level == comparison.cannot_link_level
            if comparison.soft_cannot_link:
                soft |= hit
            else:
                hard |= hit
        if comparison.identity_level is not None:
            agree = (level >= 1) & (level <= comparison.identity_level)
            if comparison.weak_identity:
                weakly_proven |= agree
            else:
                proven |= agree
        if comparison.contradiction_level is not None:
            contradicted |= level == comparison.contradiction_level
    proven |= weakly_proven & ~contradicted
    return hard | ((soft | (contested & contradicted & ~confirmed)) & ~proven)


def compare_all(
    comparisons: Sequence[Comparison], features: Features, left: IntArray, right: IntArray
) -> npt.NDArray[np.int8]:
    """Levels of every comparison for every pair: int8 array of shape (n_pairs, n_comparisons).

    >>> import pyarrow as pa
    >>> from matchers.features import build_features
    >>> f = build_features(pa.table({"first_name": ["Bill", "William"], "last_name": ["Smith", "Smith"]}))
    >>> compare_all(DEFAULT_COMPARISONS[:2], f, np.array([0]), np.array([1])).tolist()
    [[2, 1]]
    """
    gamma = np.zeros((len(left), len(comparisons)), dtype=np.int8)
    for k, comparison in enumerate(comparisons):
        gamma[:, k] = comparison.compare(features, left, right)
    return gamma
