"""Blocking: which record pairs are worth comparing at all.

A :class:`BlockingRule` turns :class:`~matchers.features.Features` into integer keys, several per record
where a record has several phones or emails. Records sharing a key form a block; every pair inside a
block is a candidate. :class:`BlockingIndex` runs several rules at once and returns the de-duplicated
union of their pairs as two int arrays, never as Python tuples.

Blocks larger than ``max_block_size`` (a common name, an office switchboard number) are not expanded
into all their pairs: they are sorted by a secondary key and only records within ``window`` positions of
each other are paired (sorted neighbourhood). The split is reported in ``report_``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from matchers._columns import dense_rank, sorted_unique
from matchers._exceptions import NotFittedError
from matchers.features import Features

__all__ = [
    "DEFAULT_RULES",
    "BlockingIndex",
    "BlockingRule",
    "RuleReport",
    "address_city_rule",
    "address_rule",
    "date_of_birth_rule",
    "email_rule",
    "name_rule",
    "name_sorted_neighbourhood_rule",
    "national_id_rule",
    "pairs_within_blocks",
    "phone_rule",
    "phone_suffix_rule",
    "surname_postcode_rule",
]

IntArray = npt.NDArray[np.int64]
#: A rule's keys: ``(rows, keys, secondary)``: record numbers, their integer block keys (one row may
#: appear several times with different keys), and a secondary sort key for splitting oversized blocks.
KeyArrays = tuple[IntArray, IntArray, IntArray]


@dataclass(frozen=True)
class BlockingRule:
    """A named function from :class:`Features` to block keys.

    Parameters
    ----------
    name : str
        Short name used in reports.
    keys : callable
        ``keys(features) -> (rows, keys, secondary)``, three int64 arrays of equal length.
    window : int or None
        When set, the rule is a sorted-neighbourhood rule: records are sorted by ``keys`` and each is
        paired with the next ``window`` records, whatever their keys.
    fields : tuple of str
        Names of the comparisons this rule conditions on (its pairs agree on them by construction),
        left out when the rule's pairs train the model.
    exhaustive : tuple of str
        Names of the comparisons whose ``exact`` level (level 1) this rule finds completely: every pair
        of records at that level shares one of the rule's keys (``email`` for the email rule). Training
        then counts how often non-matches reach that level among the candidates instead of hoping a
        random sample meets one.
    """

    name: str
    keys: Callable[[Features], KeyArrays]
    window: int | None = None
    fields: tuple[str, ...] = ()
    exhaustive: tuple[str, ...] = ()


@dataclass
class RuleReport:
    """What one rule produced: pairs, blocks, and how many oversized blocks were split."""

    name: str
    keyed_records: int = 0
    blocks: int = 0
    pairs: int = 0
    oversized_blocks: int = 0
    largest_block: int = 0
    records_in_oversized_blocks: int = 0
    new_pairs: int = 0


def _combine(*codes: npt.NDArray[np.integer]) -> IntArray:
    """Dense int64 key for rows of several code columns; ``-1`` wherever any column is missing."""
    missing = np.zeros(len(codes[0]), dtype=bool)
    key = np.zeros(len(codes[0]), dtype=np.int64)
    span_so_far = 1
    for c in codes:
        c64 = c.astype(np.int64)
        missing |= c64 < 0
        span = int(c64.max()) + 2 if len(c64) else 1
        if span_so_far * span >= 1 << 62:
            # Re-densify so the product cannot overflow however many columns are combined.
            key, uniques = dense_rank(key)
            span_so_far = len(uniques)
        key = key * span + (c64 + 1)
        span_so_far *= span
    key[missing] = -1
    return key


def _present(rows: IntArray, keys: IntArray, secondary: IntArray) -> KeyArrays:
    keep = keys >= 0
    return rows[keep], keys[keep], secondary[keep]


def _single(features: Features, key: IntArray, secondary: IntArray | None = None) -> KeyArrays:
    rows = np.arange(features.n, dtype=np.int64)
    sec = secondary if secondary is not None else features.first.astype(np.int64)
    return _present(rows, key, sec)


def _multi(features: Features, matrix: npt.NDArray[np.integer]) -> KeyArrays:
    n, width = matrix.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), width)
    keys = matrix.reshape(-1).astype(np.int64)
    sec = np.repeat(features.first.astype(np.int64), width)
    return _present(rows, keys, sec)


def _surname_initial(features: Features) -> IntArray:
    initials = np.array([ord(v[0]) if v else -1 for v in features.last_vocab] + [-1], dtype=np.int64)
    return initials[features.last]


def email_rule() -> BlockingRule:
    """Records sharing an email match key (any of their emails)."""
    return BlockingRule("email", lambda f: _multi(f, f.email), fields=("email",), exhaustive=("email",))


def phone_rule() -> BlockingRule:
    """Records sharing an E.164 phone number (any of their phones)."""
    return BlockingRule("phone", lambda f: _multi(f, f.phone), fields=("phone",), exhaustive=("phone",))


def phone_suffix_rule() -> BlockingRule:
    """Last seven phone digits plus surname initial: catches a wrong area or country code."""

    def keys(f: Features) -> KeyArrays:
        n, width = f.phone.shape
        suffix = np.where(f.phone >= 0, f.phone % 10_000_000, -1)
        initial = np.repeat(_surname_initial(f), width).reshape(n, width)
        key = _combine(suffix.reshape(-1), initial.reshape(-1)).reshape(n, width)
        return _multi(f, key)

    return BlockingRule("phone7+surname_initial", keys, fields=("phone", "last_name"))


def surname_postcode_rule() -> BlockingRule:
    """Phonetic surname, first initial and postcode."""
    return BlockingRule(
        "surname_phonetic+first_initial+postcode",
        lambda f: _single(f, _combine(f.last_phonetic, f.first_initial, f.postcode)),
        fields=("last_name", "first_name", "address"),
    )


def address_rule() -> BlockingRule:
    """House number, street name and postcode."""
    return BlockingRule(
        "house+street+postcode",
        lambda f: _single(f, _combine(f.house, f.street, f.postcode)),
        fields=("address",),
        exhaustive=("address",),
    )


def address_city_rule() -> BlockingRule:
    """House number, street name and city: the same address with a mistyped or missing postcode."""
    return BlockingRule(
        "house+street+city",
        lambda f: _single(f, _combine(f.house, f.street, f.city)),
        fields=("address",),
    )


def date_of_birth_rule() -> BlockingRule:
    """Same date of birth (split by surname when a date is shared by many)."""
    return BlockingRule(
        "date_of_birth",
        lambda f: _single(f, f.dob.astype(np.int64), f.last.astype(np.int64)),
        fields=("date_of_birth",),
        exhaustive=("date_of_birth",),
    )


def national_id_rule() -> BlockingRule:
    """Same national id (social security, tax number)."""
    return BlockingRule(
        "national_id",
        lambda f: _single(f, f.national_id.astype(np.int64)),
        fields=("national_id",),
        exhaustive=("national_id",),
    )


def name_rule() -> BlockingRule:
    """Nickname group of the first name and phonetic surname, wherever the customer lives.

    Finds a customer who moved and changed email and phone; common names make huge blocks, which are
    split by postcode (sorted neighbourhood).
    """

    def keys(f: Features) -> KeyArrays:
        n, width = f.first_groups.shape
        phon = np.repeat(f.last_phonetic, width).reshape(n, width)
        key = _combine(f.first_groups.reshape(-1), phon.reshape(-1)).reshape(n, width)
        rows, k, _ = _multi(f, key)
        return rows, k, f.postcode.astype(np.int64)[rows]

    return BlockingRule("first_nickname_group+surname_phonetic", keys, fields=("first_name", "last_name"))


def name_sorted_neighbourhood_rule(window: int = 4) -> BlockingRule:
    """Sorted neighbourhood over the full name, forwards and reversed (typos early or late in a name)."""

    def keys(f: Features) -> KeyArrays:
        has = (f.last >= 0) & (f.first >= 0)
        rows = np.flatnonzero(has).astype(np.int64)
        last = pa.array(f.last_vocab, pa.string()).take(pa.array(f.last[rows]))
        first = pa.array(f.first_vocab, pa.string()).take(pa.array(f.first[rows]))
        forward = pc.binary_join_element_wise(last, first, " ")
        backward = pc.utf8_reverse(forward)
        fwd_rank = np.asarray(pc.rank(forward, tiebreaker="dense"), dtype=np.int64) - 1
        bwd_rank = np.asarray(pc.rank(backward, tiebreaker="dense"), dtype=np.int64) - 1
        # Two passes in one key space: the second pass is offset past the first.
        offset = int(fwd_rank.max()) + 1 if len(rows) else 0
        both_rows = np.concatenate([rows, rows])
        both_keys = np.concatenate([fwd_rank, bwd_rank + offset])
        return both_rows, both_keys, both_keys

    return BlockingRule(
        "full_name_sorted_neighbourhood", keys, window=window, fields=("first_name", "last_name")
    )


def _default_rules() -> tuple[BlockingRule, ...]:
    return (
        email_rule(),
        phone_rule(),
        phone_suffix_rule(),
        surname_postcode_rule(),
        address_rule(),
        address_city_rule(),
        date_of_birth_rule(),
        national_id_rule(),
    )


#: The rules :class:`BlockingIndex` uses when none are given. Two name-only rules are not among them,
#: measured on the 250k benchmark: :func:`name_sorted_neighbourhood_rule` added 1.46M candidate pairs
#: (three in four) for 362 true pairs no other rule found, and :func:`name_rule` 192k pairs for 623 (and
#: 4.5M pairs at 1M records); pairs that share nothing but a name mostly score below the threshold
#: anyway, and half of those above it were different people (pairwise precision 0.959 -> 0.986, F1
#: 0.923 -> 0.925 without it). Add them where names are the only key the sources share.
DEFAULT_RULES: tuple[BlockingRule, ...] = _default_rules()


def pairs_within_blocks(
    rows: IntArray,
    keys: IntArray,
    secondary: IntArray,
    *,
    max_block_size: int,
    window: int,
    report: RuleReport | None = None,
) -> tuple[IntArray, IntArray]:
    """All pairs of rows sharing a key; blocks over ``max_block_size`` paired within ``window`` only.

    Parameters
    ----------
    rows, keys, secondary : ndarray of shape (k,)
        Record numbers, their block keys and a sort key used inside oversized blocks.
    max_block_size : int
        Largest block expanded into all its pairs.
    window : int
        Neighbours each record is paired with inside an oversized block.

    Returns
    -------
    left, right : ndarray of shape (n_pairs,)
        With ``left < right``; not yet de-duplicated across keys.

    Examples
    --------
    >>> rows = np.array([0, 1, 2, 3]); keys = np.array([5, 5, 5, 9])
    >>> l, r = pairs_within_blocks(rows, keys, rows, max_block_size=10, window=2)
    >>> sorted(zip(l.tolist(), r.tolist()))
    [(0, 1), (0, 2), (1, 2)]
    """
    if len(rows) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((rows, secondary, keys))
    rows, keys = rows[order], keys[order]
    # A record listed twice under the same key (Phone1 == Cellular) counts once.
    first_of_run = np.ones(len(rows), dtype=bool)
    first_of_run[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
    rows, keys = rows[first_of_run], keys[first_of_run]
    new_block = np.ones(len(keys), dtype=bool)
    new_block[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new_block)
    sizes = np.diff(np.append(starts, len(keys)))
    block_of = np.repeat(np.arange(len(starts)), sizes)
    end = (starts + sizes)[block_of]
    position = np.arange(len(keys), dtype=np.int64)
    oversized = sizes > max_block_size
    reach = np.where(oversized[block_of], window, sizes[block_of])
    count = np.minimum(end - 1 - position, reach)
    count = np.maximum(count, 0)
    total = int(count.sum())
    left_pos = np.repeat(position, count)
    run_start = np.repeat(np.cumsum(count) - count, count)
    right_pos = left_pos + 1 + (np.arange(total, dtype=np.int64) - run_start)
    a, b = rows[left_pos], rows[right_pos]
    if report is not None:
        report.keyed_records += len(rows)
        report.blocks += len(starts)
        report.oversized_blocks += int(oversized.sum())
        report.largest_block = max(report.largest_block, int(sizes.max()))
        report.records_in_oversized_blocks += int(sizes[oversized].sum())
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b), np.maximum(a, b)


@dataclass
class BlockingIndex:
    """Candidate pairs from several blocking rules at once.

    Parameters
    ----------
    rules : sequence of BlockingRule
        Defaults to :data:`DEFAULT_RULES`.
    max_block_size : int
        Blocks larger than this are split by sorted neighbourhood (and reported).
    window : int
        Neighbours per record inside an oversized block.
    link_only : bool
        Keep only pairs whose records come from different sources.

    Attributes
    ----------
    left_, right_ : ndarray of shape (n_pairs,)
        Candidate pairs, ``left_ < right_``, sorted, unique.
    report_ : list of RuleReport
        Per rule: blocks, pairs, oversized blocks, and the pairs no earlier rule had found.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from matchers.features import build_features
    >>> f = build_features(pa.table({"source": ["a", "b", "b"], "email": ["x@acme.com", "X@acme.com", None]}))
    >>> index = BlockingIndex().fit(f)
    >>> index.left_.tolist(), index.right_.tolist()
    ([0], [1])
    """

    rules: Sequence[BlockingRule] = field(default_factory=lambda: DEFAULT_RULES)
    _n: int = field(default=0, init=False, repr=False)
    max_block_size: int = 60
    window: int = 10
    link_only: bool = False
    left_: IntArray | None = None
    right_: IntArray | None = None
    report_: list[RuleReport] = field(default_factory=list)
    rule_pairs_: list[IntArray] = field(default_factory=list, repr=False)

    def fit(self, features: Features) -> BlockingIndex:
        """Compute the candidate pairs of ``features``; returns ``self``."""
        n = features.n
        found = []
        self.report_ = []
        for rule in self.rules:
            rows, keys, secondary = rule.keys(features)
            report = RuleReport(rule.name)
            if rule.window is not None:
                a, b = pairs_within_blocks(
                    rows, np.zeros_like(keys), keys, max_block_size=0, window=rule.window, report=None
                )
                report.keyed_records = len(rows)
            else:
                a, b = pairs_within_blocks(
                    rows,
                    keys,
                    secondary,
                    max_block_size=self.max_block_size,
                    window=self.window,
                    report=report,
                )
            if self.link_only:
                cross = features.source[a] != features.source[b]
                a, b = a[cross], b[cross]
            code = sorted_unique(a * n + b)
            report.pairs = len(code)
            found.append(code)
            self.report_.append(report)
        seen = sorted_unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
        # Pairs no earlier rule had found, per rule: mark each pair with the first rule that has it.
        first_rule = np.full(len(seen), len(found), dtype=np.int64)
        for k in range(len(found) - 1, -1, -1):
            first_rule[np.searchsorted(seen, found[k])] = k
        counts = np.bincount(first_rule, minlength=len(found) + 1)
        for k, report in enumerate(self.report_):
            report.new_pairs = int(counts[k])
        self.rule_pairs_ = found
        self.left_ = seen // max(n, 1)
        self.right_ = seen % max(n, 1)
        self._n = n
        return self

    def training_blocks(
        self, *, max_pairs: int = 200_000, random_state: int = 0
    ) -> list[tuple[IntArray, tuple[str, ...]]]:
        """Per rule: positions (into ``left_``/``right_``) of up to ``max_pairs`` of its pairs, and the
        comparisons it conditions on; for :meth:`~matchers.fellegi_sunter.FellegiSunter.fit`."""
        left, right = self.pairs
        codes = left * max(self._n, 1) + right
        rng = np.random.default_rng(random_state)
        out = []
        for rule, found in zip(self.rules, self.rule_pairs_, strict=True):
            if len(found) > max_pairs:
                found = np.sort(rng.choice(found, size=max_pairs, replace=False))
            out.append((np.searchsorted(codes, found).astype(np.int64), rule.fields))
        return out

    @property
    def exhaustive_comparisons(self) -> tuple[str, ...]:
        """Comparisons whose exact level the candidate pairs hold completely (see ``BlockingRule``).

        A rule that had to split or cap oversized blocks no longer finds every pair, so it does not
        count.
        """
        if self.left_ is None:
            raise NotFittedError("BlockingIndex is not fitted yet: call fit(features) first")
        names: list[str] = []
        for rule, report in zip(self.rules, self.report_, strict=True):
            if report.oversized_blocks == 0:
                names.extend(n for n in rule.exhaustive if n not in names)
        return tuple(names)

    @property
    def pairs(self) -> tuple[IntArray, IntArray]:
        """``(left_, right_)``; raises :class:`~identity.NotFittedError` before :meth:`fit`."""
        if self.left_ is None or self.right_ is None:
            raise NotFittedError("BlockingIndex is not fitted yet: call fit(features) first")
        return self.left_, self.right_
