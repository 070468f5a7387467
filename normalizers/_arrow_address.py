"""House number and street of a whole column of street lines at once (private): pyarrow and numpy.

:func:`house_and_street` gives, for the common shapes of street line, what
:func:`normalizers.address.parse_address` gives, without calling it once per line. A line is read the
way the scalar code would read it:

- in *fast mode*, as :func:`normalizers.address._street_fast` and ``_parse_address_fast`` read it, when
  it has at most ``_MAX_LINE`` characters, all in ``A-Z a-z 0-9 space , . ' #``, and no ``strasse``;
- in *reference mode*, as ``_street_tokens_reference`` and ``_parse_address_reference`` read it,
  otherwise (``Hauptstraße 5``, ``3/12 Smith St``, ``2 rue Émile Zola``, tabs, hyphens), but only when
  none of its words is a unit word, a PO box word or anything else the unit and PO box rules look at.

Steps:

1. Column-wide (``pyarrow.compute``): lines longer than ``_MAX_LINE`` characters are left out; the
   others are lower-cased (ASCII letters only: ``ascii_lower``) and split at spaces into *chunks*
   (``split_pattern``), which are dictionary-encoded.
2. Once per distinct chunk (a few tens of thousands even for a large column), in Python, with the
   scalar code's own expressions and tables: the chunk's words in fast mode (apostrophes dropped, ``#``
   set apart, initialisms joined, dots and commas as spaces), or ``None`` when the chunk puts its line in
   reference mode; for the chunks of reference-mode lines, their words in reference mode too (``fold``,
   fractions, ``_STREET_JUNK``, ``_LOOSE_JOINER``). None of these steps looks past a space, which is why
   a line may be cut into chunks first.
3. Once per distinct word: its rewrite (suffixes, directionals, ordinals; ``...strasse`` -> ``...str``),
   whether the unit and PO box rules look at it, whether it is a unit word, a floor word, a plain unit
   identifier (``_plain_identifier``), a house number at the head of a line (``_SLASHED``, ``_HOUSE``) or
   at its end (``_HOUSE``), an ordinal (``_ORDINAL``).
4. numpy, over all words of all lines, the rules of ``_street_fast`` for unit words: a fast-mode line
   whose only special word occurs once, or that has two or more different special words, is decided
   when every special word is a unit word directly followed by a plain identifier that is not special
   itself (``Apt 4B``, ``Floor 2, Suite 200``). A repeated lone unit word (``Apt 4 Apt 5``), a PO box, a
   unit word with nothing after it, or a floor word in a line whose street holds an ordinal
   (``2nd Floor, 1 Elm Rd``) leaves the line undecided; so does any special word in reference mode.
5. The house number is the first remaining word if it is one (the ``12`` of ``3/12``), else the last one
   if there are two or more and ``_HOUSE`` matches it (``Hauptstr 5``); the street is the other
   remaining words, rewritten and joined by ``binary_join``.

``tests/normalizers/test_arrow_address.py`` checks that every decided value equals the scalar one.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from normalizers import address as _address
from normalizers._arrow import bools, string_array
from normalizers._text import fold
from normalizers.name import _APOSTROPHES, _SPECIAL_LETTERS

__all__ = ["house_and_street"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# ``_FAST_STREET_CHARS`` after lower-casing, without the space that separates chunks.
_NOT_FAST = re.compile(r"[^a-z0-9,.'#]")


def house_and_street(values: pa.Array) -> tuple[pa.StringArray, pa.StringArray, BoolArray]:
    """Return the house number and normalized street of each street line, where the common shapes decide.

    Parameters
    ----------
    values : pyarrow.Array of string or large_string
        Street lines as typed; nulls allowed. A ``ChunkedArray`` is combined first.

    Returns
    -------
    house : pyarrow.StringArray of shape (n,)
    street : pyarrow.StringArray of shape (n,)
    decided : ndarray of bool, shape (n,)
        Where ``decided[i]``, ``(house[i], street[i])`` is exactly ``(p.house_number, p.street)`` of
        ``p = normalizers.address.parse_address(values[i])``, or ``(None, None)`` where ``p`` is None
        (a null is decided, as ``(None, None)``). Elsewhere both are null and the caller must run
        ``parse_address``.

    Raises
    ------
    TypeError
        If ``values`` is not an array of strings.

    Examples
    --------
    >>> import pyarrow as pa
    >>> house, street, decided = house_and_street(
    ...     pa.array(["3 Grove Street Ste 704", "Unit 17, 148 Brook Rd", None, "PO Box 7", "Hauptstraße 5"])
    ... )
    >>> house.to_pylist()
    ['3', '148', None, None, '5']
    >>> street.to_pylist()
    ['grv st', 'brook rd', None, None, 'hauptstr']
    >>> decided.tolist()
    [True, True, True, False, True]
    """
    values = string_array(values)
    n = len(values)
    valid = bools(values.is_valid())
    eligible = valid & bools(pc.less_equal(pc.utf8_length(values), _address._MAX_LINE))
    rows = np.flatnonzero(eligible)
    m = len(rows)
    lines = values if m == n else values.filter(pa.array(eligible))
    split = pc.split_pattern(pc.ascii_lower(lines), " ")
    encoded = pc.dictionary_encode(pc.list_flatten(split))
    chunk: IntArray = np.asarray(encoded.indices, dtype=np.int64)
    chunk_row: IntArray = np.asarray(pc.list_parent_indices(split), dtype=np.int64)

    words = _Words()
    start, size, not_fast = words.fast(encoded.dictionary.to_pylist())
    start, size = start[chunk], size[chunk]  # per chunk occurrence from here on
    # A line with a chunk the fast path does not take is read in reference mode.
    reference = np.bincount(chunk_row[not_fast[chunk]], minlength=m) > 0
    if reference.any():
        _read_in_reference_mode(words, encoded.dictionary, chunk, chunk_row, reference, start, size)
    facts = words.facts()

    # Each chunk occurrence becomes its words (most chunks are one word, "" none, "st.,apt#4" four).
    ends = np.cumsum(size)
    total = int(ends[-1]) if len(ends) else 0
    word = words.flat()[np.repeat(start - (ends - size), size) + np.arange(total)]
    row = np.repeat(chunk_row, size)
    fast_word = ~np.repeat(reference[chunk_row], size)

    # Unit words (fast mode): each special word is a unit word followed by a plain identifier.
    special = facts.special[word] & fast_word
    has_next = np.zeros(len(word), dtype=bool)
    has_next[:-1] = row[1:] == row[:-1]
    following = np.zeros(len(word), dtype=np.int64)
    following[:-1] = word[1:]
    good_unit = facts.unit[word] & has_next & ~facts.special[following] & facts.identifier[following]
    undecided = np.bincount(row[special & ~good_unit], minlength=m) > 0
    undecided |= np.bincount(row[facts.reference_special[word] & ~fast_word], minlength=m) > 0
    # "Apt 4 Apt 5": one special word, more than once; _street_fast leaves it to the reference.
    special_row, special_word = row[special], word[special]
    other = (special_row[1:] == special_row[:-1]) & (special_word[1:] != special_word[:-1])
    kinds = np.bincount(special_row[1:][other], minlength=m) > 0
    undecided |= (np.bincount(special_row, minlength=m) > 1) & ~kinds
    identifier = np.zeros(len(word), dtype=bool)
    identifier[1:] = special[:-1] & has_next[:-1]
    rest = ~special & ~identifier
    floor = np.bincount(row[special & facts.floor[word]], minlength=m) > 0
    undecided |= floor & (np.bincount(row[rest & facts.ordinal[word]], minlength=m) > 0)

    # House number: the first of the rest, or its last ("Hauptstr 5"); the street: the others.
    at = np.flatnonzero(rest)
    count = np.bincount(row[at], minlength=m)
    first = np.cumsum(count) - count
    last = first + count - 1
    head_house = np.append(facts.head_house[word[at]], False)  # the extra False stands for "no word"
    tail_house = np.append(facts.tail_house[word[at]], False)
    head = head_house[np.where(count > 0, first, len(at))]
    tail = ~head & tail_house[np.where(count > 1, last, len(at))]
    house_at = np.where(head, first, np.where(tail, last, -1))
    in_street = np.ones(len(at), dtype=bool)
    in_street[house_at[house_at >= 0]] = False
    in_street &= ~undecided[row[at]]

    decided = ~valid
    decided[rows[~undecided]] = True
    picked = (house_at >= 0) & ~undecided
    house_text = np.zeros(n, dtype=np.int64)  # into facts.house_text: the head forms, then the tail forms
    house_text[rows[picked]] = word[at[house_at[picked]]] + np.where(tail[picked], len(facts.rewritten), 0)
    has_house = np.zeros(n, dtype=bool)
    has_house[rows[picked]] = True
    house = facts.house_text.take(pa.array(house_text, mask=~has_house))

    street_words = np.zeros(n, dtype=np.int64)
    street_words[rows] = np.bincount(row[at[in_street]], minlength=m)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(street_words, out=offsets[1:])
    lists = pa.ListArray.from_arrays(pa.array(offsets), facts.rewritten.take(pa.array(word[at[in_street]])))
    # (ListArray.from_arrays takes a mask only in recent pyarrow; if_else is in every supported one.)
    street = pc.if_else(pa.array(street_words > 0), pc.binary_join(lists, " "), pa.scalar(None, pa.string()))
    return house, street, decided


def _read_in_reference_mode(
    words: _Words,
    dictionary: pa.StringArray,
    chunk: IntArray,
    chunk_row: IntArray,
    reference: BoolArray,
    start: IntArray,
    size: IntArray,
) -> None:
    """Point the chunk occurrences of reference-mode lines at their words in that mode (in place)."""
    occurrence = np.flatnonzero(reference[chunk_row])
    needed, slot = np.unique(chunk[occurrence], return_inverse=True)
    texts = dictionary.take(pa.array(needed)).to_pylist()
    # _fold_basic folds a line as ASCII when it is ASCII once its fractions are spelled out ("12½ Main").
    spelled_ascii = np.array([_address._FRACTION.sub("", t).isascii() for t in texts], dtype=bool)
    ascii_line = np.bincount(chunk_row[occurrence[~spelled_ascii[slot]]], minlength=len(reference)) == 0
    in_ascii_line = ascii_line[chunk_row[occurrence]]
    for branch in (True, False):
        these = in_ascii_line == branch
        distinct = np.unique(slot[these])
        found_start, found_size = words.reference([texts[i] for i in distinct], ascii_line=branch)
        at = np.searchsorted(distinct, slot[these])
        start[occurrence[these]], size[occurrence[these]] = found_start[at], found_size[at]


class _Facts:
    """What the scalar code's tables and patterns say about each distinct word, indexed by word number."""

    def __init__(self, text: list[str]) -> None:
        tables = _address._FAST_STREET_TABLES or _address._load_fast_street_tables()
        rewrite, units = tables.rewrite, tables.units
        rewritten = [_rewrite(w, rewrite) for w in text]
        slashed = [_address._SLASHED.fullmatch(w) if "/" in w else None for w in rewritten]
        house = np.array([_address._HOUSE.fullmatch(w) is not None for w in rewritten], dtype=bool)
        self.rewritten: pa.StringArray = pa.array(rewritten, type=pa.string())
        # The house number a word gives at the head of a line ("3/12" -> "12"), then at its end.
        self.house_text: pa.StringArray = pa.array(
            [s.group(2) if s else w for s, w in zip(slashed, rewritten, strict=True)] + rewritten,
            type=pa.string(),
        )
        self.head_house: BoolArray = np.array([s is not None for s in slashed], dtype=bool) | house
        self.tail_house: BoolArray = house
        self.ordinal: BoolArray = np.array(
            [_address._ORDINAL.fullmatch(w) is not None for w in rewritten], dtype=bool
        )
        self.special: BoolArray = np.array([w in tables.special for w in text], dtype=bool)
        self.unit: BoolArray = np.array([w in units for w in text], dtype=bool)
        self.floor: BoolArray = np.array([units.get(w) == "fl" for w in text], dtype=bool)
        self.identifier: BoolArray = np.array(
            [_address._plain_identifier(w, rewrite) for w in text], dtype=bool
        )
        # Reference mode decides only lines with none of these: words the unit and PO box rules look at,
        # as typed or rewritten (none of the latter today: the fast tables already keep those apart).
        looked_at = units.keys() | {"po", "box"}
        self.reference_special: BoolArray = self.special | np.array(
            [w in looked_at for w in rewritten], dtype=bool
        )


def _rewrite(word: str, rewrite: dict[str, str]) -> str:
    """A word as ``_street_tokens_reference`` writes it when no unit or PO box rule applies."""
    if word in rewrite:
        return rewrite[word]
    if len(word) > 7 and word.endswith("strasse"):
        return word[:-7] + "str"
    return word


class _Words:
    """Numbers the distinct words of the chunks it reads; ``flat()[start : start + size]`` are a chunk's."""

    def __init__(self) -> None:
        self._number: dict[str, int] = {}
        self._flat: list[int] = []

    def _add(self, found: list[str]) -> tuple[int, int]:
        start = len(self._flat)
        number = self._number
        self._flat += [number.setdefault(w, len(number)) for w in found]
        return start, len(found)

    def fast(self, chunks: list[str]) -> tuple[IntArray, IntArray, BoolArray]:
        """Start and size of each chunk's words in fast mode, and which chunks put a line in reference mode."""
        start = np.zeros(len(chunks), dtype=np.int64)
        size = np.zeros(len(chunks), dtype=np.int64)
        not_fast = np.zeros(len(chunks), dtype=bool)
        for c, text in enumerate(chunks):
            found = _fast_words(text)
            if found is None:
                not_fast[c] = True
            else:
                start[c], size[c] = self._add(found)
        return start, size, not_fast

    def reference(self, chunks: list[str], *, ascii_line: bool) -> tuple[IntArray, IntArray]:
        """Start and size of each chunk's words in reference mode, in an ASCII line or not."""
        start = np.zeros(len(chunks), dtype=np.int64)
        size = np.zeros(len(chunks), dtype=np.int64)
        for c, text in enumerate(chunks):
            start[c], size[c] = self._add(_reference_words(text, ascii_line=ascii_line))
        return start, size

    def flat(self) -> IntArray:
        return np.array(self._flat, dtype=np.int64)

    def facts(self) -> _Facts:
        return _Facts(list(self._number))


def _fast_words(chunk: str) -> list[str] | None:
    """The words ``_street_fast`` makes of a lower-cased chunk; ``None`` where it hands the line on."""
    if chunk.isalnum() and chunk.isascii():  # "main", "12b"
        return None if "strasse" in chunk else [chunk]
    if not chunk.isascii() or _NOT_FAST.search(chunk) is not None:
        return None
    chunk = chunk.replace("'", "").replace("#", " # ")
    if "." in chunk:  # "s.w." -> "sw"; _street_fast skips this where it cannot match
        chunk = _address._INITIALISM.sub(_address._drop_dots, chunk).replace(".", " ")
    chunk = chunk.replace(",", " ")
    return None if "strasse" in chunk else chunk.split()


def _reference_words(chunk: str, *, ascii_line: bool) -> list[str]:
    """The words ``_street_tokens_reference`` makes of a chunk of a line, before its token rules.

    ``_fold_basic`` folds the whole line one of two ways, so the caller says which (``ascii_line``).
    """
    text = _address._FRACTION.sub(_address._spell_fraction, chunk)  # only in a non-ASCII line: no-op else
    if ascii_line:
        text = text.lower().replace("'", "").replace("`", "")
    else:
        text = fold(text.translate(_APOSTROPHES)).translate(_SPECIAL_LETTERS)
    text = text.replace("#", " # ")
    if "." in text:
        text = _address._INITIALISM.sub(_address._drop_dots, text)
    return _address._LOOSE_JOINER.sub(" ", _address._STREET_JUNK.sub(" ", text)).split()

