"""First and last names of a whole column at once, for the common shapes of full name (private).

:func:`first_and_last` gives, for each full name of a pyarrow string array, the first name and the last
name (with its suffix: ``davis jr``) that :func:`normalizers.name.parse_full_name` gives, wherever it can
decide them with column-wide pyarrow.compute and numpy operations, and says where it could not; the
caller parses those values one at a time. Where it decides, the answer is exactly the scalar one:
``tests/normalizers/test_arrow_name.py`` checks that on generated and arbitrary text.

How a value is decided:

1. Row checks (pyarrow.compute, and numpy on the values' UTF-8 bytes). Not null and at most 256
   characters; ASCII, or Latin letters whose NFKD decomposition without marks is ASCII (``José``,
   ``GÓMEZ``) with no apostrophe look-alike other than ``'``. A contact marker (``Attn:``, ``c/o``)
   standing as a token of its own, the first company separator (`` - ``, `` / ``) and brackets become
   tokens of their own (``@``, ``#``, ``(``, ``)``). After that only letters, spaces, dots, apostrophes,
   hyphens and at most one comma may remain, with no `` -`` or ``- `` and no dot inside a token (``J.R.``).
2. The values are split into tokens at spaces (a comma is a token of its own) and each distinct token is
   classed once against the parser's tables (:func:`_classes`): a plain word, a word of the junk list
   (``test``, ``n``), a title, a suffix, a particle, ``mc``, a company word, a company word that counts
   only at the end (``Motors``, ``AG``), ``and``, ``attn``, a token that folds to nothing (``.``), or a
   word that only the fast path reads as plain (``Mr'``, ``O'attn``).
3. A value's shape is the string of its token classes (``ww``, ``w,ww``, ``tww``, ``wws``, ``wpw``,
   ``wwc@ww``). :func:`_plan` replays the scalar parser once per distinct shape: the fast path
   (``_parse_full_name_fast``) for shapes of plain words, the general parser
   (``_parse_full_name_reference``: ``_parse_contact``, ``_is_company``, ``_parse_person``) for the
   others. It says whether the shape is decided and which tokens make the first and the last name.
4. The first and last names are gathered from the tokens' folded forms and joined (pyarrow.compute).

Left to the caller: whatever the tables cannot settle (two persons joined by ``and`` or ``&``;
``Mc Donald``, glued into one word; a separator or brackets between two parts of which neither is a
company, where the parser asks the nickname tables; a contact whose right side is the company), letters
that do not fold to ASCII (``ß``, ``ø``), and non-ASCII values with a title, suffix or company word that
is not ASCII as typed (the general parser looks those up on the raw token, the fast path on its fold).
"""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from normalizers import name as _name
from normalizers._arrow import bools, string_array

__all__ = ["first_and_last"]

_MAX_INPUT: Final = _name._MAX_INPUT
_MAX_TOKENS: Final = 24
"""Values of more tokens are left to the scalar parser (no common shape comes near)."""

# Non-ASCII values: Latin letters, no apostrophe look-alike, no mark, no other space or symbol, so that NFKD
# without marks folds letters to letters and the tokens stay where they are. The ASCII apostrophe is
# allowed: the fast path leaves such a value to the general parser, whose plain-name path
# (``_parse_simple``) reads it as the fast path would, unless "attn" in it makes a contact.
_LATIN_VALUE: Final = "^[A-Za-z ,.':/()|\\-\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]*$"
_MARKS: Final = "[\u0300-\u036f]"
# The parser's contact pattern (_CONTACT) where it stands as a token of its own, and its separator
# (_COMPANY_SEPARATOR), first occurrence only, as the parser splits there once.
_CONTACT_TOKEN: Final = r"(^| )(?:attn\.?:?|attention:|c/o:?)( |$)"
_SEPARATOR: Final = r" +[-/|] +"
# "attn" wherever the parser's contact pattern finds it, in a token (its other spellings have a ":" or a
# "/", which are rejected unless they make a marker token).
_ATTN: Final = "(^|[^a-z])attn([^a-z]|$)"


def _byte_table(characters: bytes) -> npt.NDArray[np.bool_]:
    table = np.zeros(256, dtype=np.bool_)
    table[np.frombuffer(characters, dtype=np.uint8)] = True
    return table


# The characters of a value the token logic replays (lower case), before and after marking.
_PLAIN: Final = _byte_table(b"abcdefghijklmnopqrstuvwxyz ,.'-")
_MARKED: Final = _byte_table(b"abcdefghijklmnopqrstuvwxyz ,.'-@#()")
_MARKER_BYTES: Final = _byte_table(b"@#")

_UNDECIDED: Final = (False, False, -1, ())
_Plan = tuple[bool, bool, int, tuple[int, ...]]
"""Decided, read by the general parser, position of the first name (-1: none), positions of the last."""


def _alternation(words: frozenset[str]) -> str:
    return "(?:" + "|".join(sorted(words, key=lambda w: (-len(w), w))) + ")"


_JUNK_WORDS: Final = frozenset(word for junk in _name._JUNK for word in junk.split())
_JUNK_ITEM: Final = f"^{_alternation(_JUNK_WORDS)}(?: {_alternation(_JUNK_WORDS)})*$"
"""A folded token made of words of the junk list only: a value of such tokens may be junk."""
assert _JUNK_WORDS.isdisjoint(_name._FAST_NAME_STOP)


@functools.cache
def _tables() -> tuple[tuple[str, pa.Array], ...]:
    """Token class and the keys (lower case, dots removed) that give it, by increasing priority."""
    return (
        ("t", pa.array(sorted(_name._TITLES))),
        ("s", pa.array(sorted(_name._SUFFIXES))),
        ("p", pa.array(sorted(_name._PARTICLES))),
        ("m", pa.array(["mc"])),
        ("c", pa.array(sorted(_name._COMPANY_STRONG))),
        ("f", pa.array(sorted(_name._COMPANY_FINAL | _name._COMPANY_NOUNS))),
        ("x", pa.array(sorted(_name._FAST_NAME_STOP - _name._TITLES - _name._SUFFIXES - _name._PARTICLES
                              - _name._COMPANY_STRONG - _name._COMPANY_FINAL - _name._COMPANY_NOUNS
                              - {"mc", "attn"}))),
        ("@", pa.array(["attn"])),  # "Attn", "Attn.": a contact marker on its own
    )  # fmt: skip


@functools.cache
def _stop_words() -> pa.Array:
    return pa.array(sorted(_name._FAST_NAME_STOP))


def _classes(distinct: pa.Array) -> tuple[npt.NDArray[np.uint8], pa.Array]:
    """Class (one ASCII letter) and folded form of each distinct token.

    The key of a token is what the parser looks up in its tables (lower case, dots removed); the fold is
    what it keeps as a word (apostrophes dropped too, hyphens as spaces).
    """
    distinct = pc.ascii_rtrim(distinct, " ")
    keys = pc.replace_substring(distinct, ".", "")
    items = pc.ascii_trim(pc.replace_substring_regex(pc.replace_substring(keys, "'", ""), "-+", " "), " ")
    classes = np.full(len(distinct), ord("w"), dtype=np.uint8)
    classes[bools(pc.match_substring_regex(items, _JUNK_ITEM))] = ord("j")
    classes[bools(pc.is_in(items, value_set=_stop_words()))] = ord("y")
    classes[bools(pc.match_substring_regex(distinct, _ATTN))] = ord("y")  # "o'attn": the parser's contact
    for code, table in _tables():
        classes[bools(pc.is_in(keys, value_set=table))] = ord(code)
    classes[bools(pc.equal(pc.binary_length(items), 0))] = ord("e")
    for mark in ",@#()":
        classes[bools(pc.equal(distinct, mark))] = ord(mark)
    return classes, items


# --------------------------------------------------------------------------------------------- shapes


def _strip_titles(classes: str, tokens: list[int]) -> list[int]:
    start = 0
    while start < len(tokens) and classes[tokens[start]] == "t":
        start += 1
    return tokens[start:]


def _strip_suffixes(classes: str, tokens: list[int]) -> tuple[list[int], list[int]]:
    suffixes: list[int] = []
    while len(tokens) > 1 and classes[tokens[-1]] == "s":
        suffixes.insert(0, tokens[-1])
        tokens = tokens[:-1]
    return tokens, suffixes


def _words(classes: str, tokens: list[int]) -> list[int]:
    return [i for i in tokens if classes[i] != ","]


def _maybe_junk(classes: str, tokens: list[int]) -> bool:
    """Whether the part may fold to nothing or to junk (``_fold_name_reference`` gives None)."""
    return all(classes[i] == "j" for i in _words(classes, tokens))


def _is_company(classes: str, tokens: list[int]) -> bool:
    """``_is_company`` of the part made of ``tokens``."""
    keys = _words(classes, tokens)
    return (len(keys) > 1 and classes[keys[-1]] == "f") or any(classes[i] == "c" for i in keys)


def _person(classes: str, tokens: list[int]) -> _Plan:
    """``_parse_person`` of the part made of ``tokens``."""
    if any(classes[i] not in "wjtspm," for i in tokens):  # company words, "and": not replayed
        return _UNDECIDED
    commas = [i for i in tokens if classes[i] == ","]
    if not commas:
        return _given_last(classes, tokens, [])
    head, tail = [i for i in tokens if i < commas[0]], [i for i in tokens if i > commas[0]]
    if len(commas) > 1 or not head or not tail:
        return _UNDECIDED
    if all(classes[i] == "s" for i in tail):  # "Smith, Jr": the comma part is the suffix
        return _given_last(classes, head, tail)
    # "LAST, FIRST": titles and suffixes come off both sides, no particle rule.
    given, more = _strip_suffixes(classes, _strip_titles(classes, tail))
    last, last_suffixes = _strip_suffixes(classes, _strip_titles(classes, head))
    return (True, True, given[0] if given else -1, (*last, *last_suffixes, *more) if last else ())


def _given_last(classes: str, tokens: list[int], suffixes: list[int]) -> _Plan:
    """``_parse_person`` without comma: titles, suffixes, then the last word and its particles."""
    tokens, more = _strip_suffixes(classes, _strip_titles(classes, tokens))
    if any(classes[i] == "m" for i in tokens):  # "Mc Donald": glued into one word
        return _UNDECIDED
    if not tokens:  # titles only: no name
        return (True, True, -1, ())
    cut = len(tokens) - 1
    while cut > 1 and classes[tokens[cut - 1]] == "p":
        cut -= 1
    if cut == 1 and len(tokens) > 2 and classes[tokens[0]] == "p":
        cut = 0
    given, last = tokens[:cut], tokens[cut:]
    return (True, True, given[0] if given else -1, (*last, *suffixes, *more))


def _fast(classes: str, tokens: list[int]) -> _Plan:
    """``_parse_full_name_fast`` of a value of plain words (it stops at every other token)."""
    if _maybe_junk(classes, tokens):
        return _UNDECIDED
    words = _words(classes, tokens)
    if len(words) == len(tokens):  # "John Q Smith"
        return (True, False, words[0] if len(words) > 1 else -1, (words[-1],))
    comma = next(i for i in tokens if classes[i] == ",")
    head, tail = [i for i in words if i < comma], [i for i in words if i > comma]
    return (True, False, tail[0], tuple(head)) if head and tail else _UNDECIDED


def _with_contact(classes: str, left: list[int], right: list[int]) -> _Plan:
    """``_parse_contact(left, right)`` where the right side is the person."""
    if _maybe_junk(classes, left) or _maybe_junk(classes, right) or _is_company(classes, right):
        return _UNDECIDED
    return _person(classes, right)


@functools.lru_cache(maxsize=4096)
def _plan(shape: bytes) -> _Plan:
    """How the scalar parser reads a value of token classes ``shape`` (one byte a token).

    Returns ``(decided, general, first, last)``: ``first`` is the position of the token that is the first
    name (-1: none) and ``last`` the positions of the tokens that make the last name with its suffixes,
    in order (empty: none). ``general`` says that the general parser decides, not the fast path.

    Examples
    --------
    >>> _plan(b"ww"), _plan(b"w,w"), _plan(b"tww"), _plan(b"wws")
    ((True, False, 0, (1,)), (True, False, 2, (0,)), (True, True, 1, (2,)), (True, True, 0, (1, 2)))
    >>> _plan(b"wpw"), _plan(b"wc"), _plan(b"wc@ww"), _plan(b"xw")
    ((True, True, 0, (1, 2)), (True, True, -1, ()), (True, True, 3, (4,)), (False, False, -1, ()))
    """
    classes = shape.decode("ascii")
    tokens = list(range(len(classes)))
    if "e" in classes or len(classes) > _MAX_TOKENS:
        return _UNDECIDED
    if all(c in "wjy," for c in classes):  # no token the fast path stops at: it decides
        return _fast(classes, tokens)
    if "y" in classes or _maybe_junk(classes, tokens):  # the general parser reads "Mr'" as a word
        return _UNDECIDED
    counts = {mark: classes.count(mark) for mark in "@#()"}
    if counts == {"@": 0, "#": 0, "(": 0, ")": 0}:
        if _is_company(classes, tokens):  # "Acme Ltd": a company and no person
            return (True, True, -1, ())
        return _person(classes, tokens)
    if counts == {"@": 1, "#": 0, "(": 0, ")": 0}:  # "Acme Ltd Attn: Jane Doe"
        at = classes.index("@")
        return _with_contact(classes, tokens[:at], tokens[at + 1 :])
    if counts == {"@": 0, "#": 1, "(": 0, ")": 0}:  # "Acme Ltd - Jane Doe", "Jane Doe / Acme Ltd"
        at = classes.index("#")
        left, right = tokens[:at], tokens[at + 1 :]
        if _is_company(classes, left) and not _is_company(classes, right):
            return _with_contact(classes, left, right)
        if _is_company(classes, right) and not _is_company(classes, left):
            return _with_contact(classes, right, left)  # the parser swaps the sides
        return _UNDECIDED
    if counts == {"@": 0, "#": 0, "(": 1, ")": 1} and classes.index("(") < classes.index(")"):
        start, end = classes.index("("), classes.index(")")
        inside, outside = tokens[start + 1 : end], tokens[:start] + tokens[end + 1 :]
        if not _words(classes, inside):
            return _UNDECIDED
        if _is_company(classes, inside):  # "Jane Doe (Acme Ltd)"
            person = outside
        elif _is_company(classes, outside):  # "Acme Ltd (Jane Doe)"
            person = inside
        else:  # the nickname tables decide which side is the person
            return _UNDECIDED
        return _UNDECIDED if _maybe_junk(classes, person) else _person(classes, person)
    return _UNDECIDED


# --------------------------------------------------------------------------------------------- columns


def _marked(texts: pa.Array) -> pa.Array:
    """Lower case, with contact markers, the first separator and brackets as tokens of their own."""
    texts = pc.replace_substring_regex(pc.ascii_lower(texts), _CONTACT_TOKEN, r"\1@\2")
    texts = pc.replace_substring_regex(texts, _SEPARATOR, " # ", max_replacements=1)
    return pc.replace_substring(pc.replace_substring(texts, "(", " ( "), ")", " ) ")


def _utf8(texts: pa.Array) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """The UTF-8 bytes of a string array without nulls, and the offsets of each value in them."""
    if not len(texts):
        return np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64)
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=len(texts) + 1, offset=4 * texts.offset)
    offsets = offsets.astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return data[offsets[0] : offsets[-1]], offsets - offsets[0]


def _values_of(positions: npt.NDArray[np.intp], offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """The value each byte position belongs to."""
    return np.asarray(np.searchsorted(offsets, positions, side="right") - 1, dtype=np.intp)


def _rejected(texts: pa.Array, allowed: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Values the token logic does not replay: a byte not ``allowed``, `` -`` or ``- `` (a company
    separator), a dot inside a token (``J.R.``, ``J.Smith``, ``A..``), two commas."""
    data, offsets = _utf8(texts)
    out = np.zeros(len(texts), dtype=np.bool_)
    at = np.flatnonzero((data - np.uint8(ord("a"))) > ord("z") - ord("a"))  # bytes other than a-z
    ends = np.zeros(len(data) + 1, dtype=np.bool_)
    ends[offsets[1:]] = True
    byte = data[at]
    following = np.append(data, np.uint8(0))[at + 1]  # the next byte of the same value, 0 at its end
    following[ends[at + 1]] = 0
    bad = ~allowed[byte]
    bad |= (byte == ord(" ")) & (following == ord("-"))
    bad |= (byte == ord("-")) & (following == ord(" "))
    bad |= (byte == ord(".")) & (following != ord(" ")) & (following != ord(",")) & (following != 0)
    out[_values_of(at[bad], offsets)] = True
    out |= np.bincount(_values_of(at[byte == ord(",")], offsets), minlength=len(texts)) > 1
    return out


def _tokens(texts: pa.Array) -> tuple[pa.StringArray, npt.NDArray[np.int64]]:
    """Split at spaces, each comma a token of its own: the tokens, and where each value's start.

    A token keeps the spaces that follow it (strip them from the distinct ones): that way the tokens are
    slices of the values' own bytes.
    """
    data, offsets = _utf8(texts)
    space, comma = data == ord(" "), data == ord(",")
    start = np.zeros(len(data), dtype=np.bool_)  # a token starts after a value's start, a space or a comma
    start[offsets[:-1][offsets[:-1] < len(data)]] = True
    start[1:] |= space[:-1] | comma[:-1]
    where = np.flatnonzero((start | comma) & ~space)
    tokens = pa.Array.from_buffers(
        pa.string(),
        len(where),
        [None, pa.py_buffer(np.append(where, len(data)).astype(np.int32)), pa.py_buffer(data)],
    )
    return tokens, np.asarray(np.searchsorted(where, offsets), dtype=np.int64)


def _ranges(starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """``starts[k], starts[k] + 1, ..., starts[k] + lengths[k] - 1`` for each ``k``, concatenated."""
    ends = np.cumsum(lengths)
    within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
    return np.asarray(np.repeat(starts, lengths) + within, dtype=np.intp)


def _mask(rows: npt.NDArray[np.intp], n: int) -> pa.BooleanArray:
    """A boolean array of length ``n``, true at ``rows``."""
    out = np.zeros(n, dtype=np.bool_)
    out[rows] = True
    return pa.array(out)


def _spread(picked: pa.Array, rows: npt.NDArray[np.intp], n: int) -> pa.StringArray:
    """A string array of length ``n``: ``picked[k]`` at ``rows[k]``, null elsewhere."""
    where = np.full(n, -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    out: pa.StringArray = picked.take(pa.array(where, mask=where < 0))
    return out


def first_and_last(
    values: pa.Array,
) -> tuple[pa.StringArray, pa.StringArray, npt.NDArray[np.bool_]]:
    """First and last name of each full name, where the common shapes decide them column-wide.

    Parameters
    ----------
    values : pyarrow.StringArray or pyarrow.LargeStringArray of shape (n,)
        Full names as typed (an SAP Business One ``CardName``); nulls allowed.

    Returns
    -------
    first, last : pyarrow.StringArray of shape (n,)
        Where ``decided`` is true, with ``p = normalizers.name.parse_full_name(values[i])``: both null if
        ``p`` is None, else ``p.first`` and ``p.last``, followed by ``p.suffix`` (``davis jr``) when both
        are set. Null where ``decided`` is false.
    decided : ndarray of bool, shape (n,)
        Whether row ``i`` was decided here; parse the others one at a time. Nulls are decided.

    Raises
    ------
    TypeError
        If ``values`` is not a pyarrow string array.

    Examples
    --------
    >>> import pyarrow as pa
    >>> first, last, decided = first_and_last(
    ...     pa.array(["SMITH, JOHN Q", "Mr. José Álvarez Jr.", None, "Acme Ltd (Jane Doe)", "Ann & Bob Lee"])
    ... )
    >>> first.to_pylist(), last.to_pylist(), decided.tolist()
    (['john', 'jose', None, 'jane', None], ['smith', 'alvarez jr', None, 'doe', None], [True, True, True, True, False])
    """
    values = string_array(values)
    n = len(values)
    valid = bools(values.is_valid())
    ascii_ = bools(pc.string_is_ascii(values))
    short = bools(pc.less_equal(pc.utf8_length(values), _MAX_INPUT))

    # 1. Row checks. Non-ASCII values: Latin letters whose fold (NFKD, marks removed) is ASCII.
    latin_rows = np.flatnonzero(valid & short & ~ascii_)
    latin = pc.replace_substring_regex(pc.utf8_normalize(values.take(latin_rows), "NFKD"), _MARKS, "")
    latin_ok = bools(pc.match_substring_regex(values.take(latin_rows), _LATIN_VALUE))
    latin_ok &= ~(
        bools(pc.match_substring(latin, "'")) & bools(pc.match_substring(latin, "attn", ignore_case=True))
    )
    latin_ok &= bools(pc.string_is_ascii(latin))
    latin_ok &= bools(pc.less_equal(pc.utf8_length(latin), _MAX_INPUT))
    candidate = valid & short & ascii_
    candidate[latin_rows[latin_ok]] = True
    rows = np.flatnonzero(candidate)
    texts = values.take(rows)
    if len(latin_rows):
        texts = pc.replace_with_mask(texts, pa.array(~ascii_[rows]), latin.filter(pa.array(latin_ok)))
    # Values with other characters may hold a contact marker, a separator or brackets: mark those.
    texts = pc.ascii_lower(texts)
    marked = np.flatnonzero(_rejected(texts, _PLAIN))
    if len(marked):
        before = texts.take(marked)
        marks = _marked(before)
        texts = pc.replace_with_mask(texts, _mask(marked, len(rows)), marks)
        data, offsets = _utf8(before)  # "@" and "#" typed: not taken for marker tokens
        keep = np.ones(len(rows), dtype=np.bool_)
        keep[marked] = ~_rejected(marks, _MARKED)
        keep[marked[_values_of(np.flatnonzero(_MARKER_BYTES[data]), offsets)]] = False
        rows, texts = rows[keep], texts.filter(pa.array(keep))
    m = len(rows)

    # 2. Tokens, each distinct one classed once.
    flat, offsets = _tokens(texts)
    encoded = pc.dictionary_encode(flat)
    codes = np.asarray(encoded.indices.to_numpy(), dtype=np.intp)
    classes, items = _classes(encoded.dictionary)
    token_classes = classes[codes]

    # 3. Shapes, each distinct one planned once.
    shapes = pa.Array.from_buffers(
        pa.binary(), m, [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(token_classes.tobytes())]
    )
    shapes_encoded = pc.dictionary_encode(shapes)
    shape_of = np.asarray(shapes_encoded.indices.to_numpy(), dtype=np.intp)
    plans = [_plan(shape) for shape in shapes_encoded.dictionary.to_pylist()]
    plan_decided = np.array([p[0] for p in plans], dtype=np.bool_)
    plan_general = np.array([p[1] for p in plans], dtype=np.bool_)
    plan_first = np.array([p[2] for p in plans], dtype=np.int64)
    plan_width = np.array([len(p[3]) for p in plans], dtype=np.int64)
    plan_last = np.zeros((len(plans), max(1, int(plan_width.max(initial=0)))), dtype=np.int64)
    for k, plan in enumerate(plans):
        plan_last[k, : len(plan[3])] = plan[3]

    decided = plan_decided[shape_of]
    general = np.flatnonzero(decided & plan_general[shape_of])
    if len(general):  # raw tokens the general parser would not look up
        decided[general[_raw_keys_differ(values.take(rows[general]), offsets, general, token_classes)]] = (
            False
        )

    # 4. Gather the folded tokens that make each first and last name.
    picked = np.flatnonzero(decided)
    first_pos = plan_first[shape_of[picked]]
    with_first = picked[first_pos >= 0]
    first_items = items.take(pa.array(codes[offsets[with_first] + first_pos[first_pos >= 0]]))
    width = plan_width[shape_of[picked]]
    single, several = picked[width == 1], picked[width > 1]  # "smith"; "van der berg", "davis jr"
    single_items = items.take(pa.array(codes[offsets[single] + plan_last[shape_of[single], 0]]))
    width = width[width > 1]
    spots = offsets[several][:, None] + plan_last[shape_of[several]]
    spots = spots[np.arange(spots.shape[1]) < width[:, None]]
    list_offsets = np.zeros(len(several) + 1, dtype=np.int32)
    np.cumsum(width, out=list_offsets[1:])
    joined = pc.binary_join(
        pa.ListArray.from_arrays(pa.array(list_offsets), items.take(pa.array(codes[spots]))), " "
    )
    last_items = pa.concat_arrays([single_items, joined])

    out_decided = ~valid
    out_decided[rows[picked]] = True
    return (
        _spread(first_items, rows[with_first], n),
        _spread(last_items, rows[np.concatenate([single, several])], n),
        out_decided,
    )


def _raw_keys_differ(
    raw: pa.Array,
    offsets: npt.NDArray[np.int64],
    rows: npt.NDArray[np.intp],
    token_classes: npt.NDArray[np.uint8],
) -> npt.NDArray[np.bool_]:
    """Which values have a title, suffix, company word or ``and`` that is not ASCII as typed (``Mŕ``).

    ``raw`` holds the values as typed, ``rows`` their rows among the tokenized ones. The general parser
    looks those words up on the raw token, so it would not see that one. Values whose raw tokens do not
    line up with the folded ones are flagged too (it does not happen: Latin letters fold to letters).
    """
    out = np.zeros(len(rows), dtype=np.bool_)
    latin = np.flatnonzero(~bools(pc.string_is_ascii(raw)))
    if not len(latin):
        return out
    raw_flat, raw_offsets = _tokens(_marked(raw.take(latin)))
    counts = np.diff(offsets)[rows[latin]]
    aligned = np.diff(raw_offsets) == counts
    out[latin[~aligned]] = True
    latin, counts = latin[aligned], counts[aligned]
    raw_ascii = bools(pc.string_is_ascii(raw_flat))[_ranges(raw_offsets[:-1][aligned], counts)]
    looked_up = np.isin(
        token_classes[_ranges(offsets[rows[latin]], counts)], np.frombuffer(b"tscfx", np.uint8)
    )
    out[np.repeat(latin, counts)[looked_up & ~raw_ascii]] = True
    return out
