"""Column-at-once fast path for phone keys (private): ``phone.e164_many`` on a pyarrow array.

``e164_digits(values, region)`` gives, for the common spellings, what ``e164_many`` gives one value at a
time, as the E.164 digits in an int64 (the batch matcher's key), and says which values it decided; the
caller sends the rest to ``e164_many``. Nothing is approximated: a value is decided only where every step
below replays the scalar code exactly, for every input of that shape; anything unusual is left undecided.

Text: the UTF-8 bytes in numpy (``pyarrow.compute`` for the strip and the extension tail)
------------------------------------------------------------------------------------------
1. ``str.strip`` is ``utf8_trim`` with the ASCII characters Python calls white space. A text that is not
   ASCII keeps its other characters, so it never takes the shapes of step 4; only the 80-character limit
   (``phone._MAX_CHARS``) needs ASCII to count characters, and is applied to ASCII texts only.
2. A float text (7 to 15 digits, then ``.`` and one or more ``0``) loses its fraction
   (``phone._FLOAT_TEXT``: ``2127365000.0``, ``2127365000.00``).
3. A text holding one of ``x X # ;`` loses an extension tail matched by an RE2 spelling of
   ``phone._EXTENSION_TAIL``: on ASCII text ``.`` skips a line break and ``.*?`` is lazy in both
   engines (RE2 keeps Perl's leftmost-first submatches), so the head is the same; the head goes on.
4. The separators ``" -./()"`` are dropped; what remains must be an optional ``+`` in front and 4 to 20
   ASCII digits (``_phone_fast.fast_core``). Letters (a label, ``tel:``), unicode digits or spaces, a
   second ``+`` or any other character leave the value undecided.

Digits (numpy), one row per value
---------------------------------
The digit strings become an ``(n, 21)`` matrix of digits (``10`` past the end of each string) and the
rules of ``_phone_fast`` are replayed on it: ``_international`` (country code by prefix, national prefix,
read-back check, length), ``_national`` (the default region's country code in front, national prefix,
read-back check), ``_with_idd`` (``00``/``011``) and ``fast_core``'s choice among them, then
``phone._is_filler``. Per country the work is done on the rows of that country code, so the loops run
over the few codes present, never over values. Keys of more than 18 digits (only possible for Japan's
17-digit numbers) are left undecided, so that every decided key fits in an int64.

The two kinds of metadata pattern are evaluated without trusting that a Python regular expression means
the same in another engine:

* the national-prefix and international-prefix patterns are used with ``re.match``: these are expanded,
  from Python's own parse of the pattern, into the finite list of their paths in the order backtracking
  tries them (each path a sequence of digit sets, whether it passes a capturing group, whether it ends
  with ``$``); the first path that fits the start of the digits is ``re.match``'s match. Patterns with
  unbounded repeats, look-arounds or flags are not expanded, and their rows are left undecided;
* the general pattern is used with ``fullmatch`` (is the string in the language?), which does not depend
  on how an engine backtracks, so the parse is rendered into plain RE2 (digit classes, groups,
  alternation, counted repeats) and run by ``pyarrow.compute.match_substring_regex``.

``tests/normalizers/test_arrow_phone.py`` checks every decided value against ``e164_many``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from normalizers._arrow import string_array
from normalizers._phone_fast import RegionInfo, code_info
from normalizers.phone import _MAX_CHARS, _region

__all__ = ["e164_digits"]

# Python's own regular-expression parser (``sre_parse`` under its 3.11 name; typeshed has no stub for it).
_sre: Any = importlib.import_module("re._parser")

Digits = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_MAX_DIGITS: Final = 20  # fast_core's longest digit string
_WIDTH: Final = _MAX_DIGITS + 1  # one more column, so every row has an end mark
_END: Final = 10  # the value of a matrix cell past the end of its string
_MAX_NSN: Final = 17  # _phone_fast._MAX_NSN
_MAX_KEY_DIGITS: Final = 18  # every 18-digit number fits in an int64
_COLUMNS: Final = np.arange(_WIDTH)
# The ASCII characters ``str.strip`` removes (``str.isspace``).
_ASCII_SPACE: Final = "".join(chr(i) for i in range(128) if chr(i).isspace())
# phone._EXTENSION_TAIL in RE2, anchored as ``fullmatch`` is; the one group is the head.
_EXTENSION_TAIL: Final = r"(?i)^(?P<head>.*?[0-9)])(?:;ext=| *(?:x|ext\.?|#) ?)[0-9]{1,6}$"
_POSSIBLE: Final = int(phonenumbers.ValidationResult.IS_POSSIBLE)
_TOO_LONG: Final = int(phonenumbers.ValidationResult.TOO_LONG)
_TOO_SHORT: Final = int(phonenumbers.ValidationResult.TOO_SHORT)
_LOCAL_ONLY: Final = int(phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)
_INVALID_LENGTH: Final = int(phonenumbers.ValidationResult.INVALID_LENGTH)
_CODES: Final = np.array(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE), dtype=np.int64)

# States of a reading: the scalar code's SLOW, None, or a (country code, national number).
_SLOW: Final = 0
_NONE: Final = 1
_KEY: Final = 2


# --- patterns -------------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """A pattern construct this module does not replay."""


@dataclass(frozen=True, slots=True)
class _Path:
    """One way a pattern can match at the start of a digit string.

    ``sets[j]`` is a table over ``0..10`` saying which digits may stand at position ``j`` (10, the end
    mark, never may); ``captures``: the path goes through a capturing group (``lastindex`` is set);
    ``anchored``: the path ends with ``$``, so the string must end there.
    """

    sets: tuple[Bools, ...]
    captures: bool
    anchored: bool


_PATH_LIMIT: Final = 4000
_DIGIT_SET: Final = frozenset(range(10))
_CAPTURE: Final = object()  # marker put in front of a capturing group's items while expanding


def _digit_class(items: list[tuple[Any, Any]]) -> frozenset[int]:
    """The digits an ``IN`` node accepts (the only characters the strings here contain)."""
    accepted: set[int] = set()
    negate = False
    for op, av in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            accepted.add(av - 48)
        elif op is _sre.RANGE:
            accepted.update(range(av[0] - 48, av[1] - 48 + 1))
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            accepted.update(_DIGIT_SET)
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_NOT_DIGIT:
            pass
        else:
            raise _Unsupported(op)
    accepted &= _DIGIT_SET
    return _DIGIT_SET - accepted if negate else frozenset(accepted)


def _atom(op: Any, av: Any) -> frozenset[int] | None:
    """The digits a one-character node accepts; None if the node is not one."""
    if op is _sre.LITERAL:
        return frozenset({av - 48}) & _DIGIT_SET
    if op is _sre.NOT_LITERAL:
        return _DIGIT_SET - {av - 48}
    if op is _sre.ANY:
        return _DIGIT_SET
    if op is _sre.IN:
        return _digit_class(av)
    return None


_Raw = tuple[tuple[frozenset[int], ...], bool, bool]


def _walk(todo: tuple[Any, ...], sets: tuple[frozenset[int], ...], captures: bool, out: list[_Raw]) -> None:
    """Append the paths of the items ``todo`` (after ``sets``) to ``out``, in backtracking order."""
    if len(out) > _PATH_LIMIT:
        raise _Unsupported("too many paths")
    if len(sets) > _MAX_DIGITS:
        return  # longer than any digit string here: cannot match
    if not todo:
        out.append((sets, captures, False))
        return
    item, rest = todo[0], todo[1:]
    if item is _CAPTURE:
        _walk(rest, sets, True, out)
        return
    op, av = item
    accepted = _atom(op, av)
    if accepted is not None:
        if accepted:
            _walk(rest, (*sets, accepted), captures, out)
    elif op is _sre.BRANCH:
        for alternative in av[1]:
            _walk(tuple(alternative) + rest, sets, captures, out)
    elif op is _sre.SUBPATTERN:
        group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            raise _Unsupported("inline flags")
        _walk(((_CAPTURE,) if group is not None else ()) + tuple(body) + rest, sets, captures, out)
    elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
        low, high, body = av
        if high is _sre.MAXREPEAT or high > _MAX_DIGITS + 1:
            raise _Unsupported("unbounded repeat")
        empty: list[_Raw] = []
        _walk(tuple(body), (), False, empty)
        if any(not path[0] for path in empty):
            raise _Unsupported("repeat of something that can match nothing")
        once_more = (*body, (op, (max(low - 1, 0), high - 1, body)), *rest) if high > 0 else None
        stop = rest if low == 0 else None
        # Greedy repeats try one more round first, lazy ones stopping first.
        for choice in (once_more, stop) if op is _sre.MAX_REPEAT else (stop, once_more):
            if choice is not None:
                _walk(choice, sets, captures, out)
    elif op is _sre.AT and av in (_sre.AT_END, _sre.AT_END_STRING):
        # ``$`` on a digit string (no line break): the string ends here; what follows must match nothing.
        tails: list[_Raw] = []
        _walk(rest, (), captures, tails)
        out.extend((sets, tail_captures, True) for tail, tail_captures, _ in tails if not tail)
    else:
        raise _Unsupported(op)


def _table(accepted: frozenset[int]) -> Bools:
    table = np.zeros(_END + 1, dtype=np.bool_)
    table[sorted(accepted)] = True
    return table


_PATHS: dict[str, tuple[_Path, ...] | None] = {}


def _paths(pattern: re.Pattern[str]) -> tuple[_Path, ...] | None:
    """``pattern``'s paths in the order ``pattern.match`` tries them; None if it cannot be expanded."""
    if pattern.pattern in _PATHS:
        return _PATHS[pattern.pattern]
    raw: list[_Raw] = []
    try:
        if pattern.flags & ~re.UNICODE:
            raise _Unsupported("flags")
        _walk(tuple(_sre.parse(pattern.pattern, pattern.flags)), (), False, raw)
    except _Unsupported:
        result = None
    else:
        result = tuple(_Path(tuple(_table(s) for s in sets), c, a) for sets, c, a in raw)
    _PATHS[pattern.pattern] = result
    return result


def _render(items: Any) -> str:
    """Plain RE2 for a parsed pattern, with the same language over digit strings."""
    parts = []
    for op, av in items:
        accepted = _atom(op, av)
        if accepted is not None:
            if not accepted:
                raise _Unsupported("empty class")
            parts.append("[" + "".join(str(d) for d in sorted(accepted)) + "]")
        elif op is _sre.BRANCH:
            parts.append("(?:" + "|".join(_render(alternative) for alternative in av[1]) + ")")
        elif op is _sre.SUBPATTERN:
            if av[1] or av[2]:
                raise _Unsupported("inline flags")
            parts.append("(?:" + _render(av[3]) + ")")
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
            low, high, body = av
            if high is _sre.MAXREPEAT:
                parts.append(f"(?:{_render(body)}){{{low},}}")
            elif high <= 1000:  # RE2's largest count
                parts.append(f"(?:{_render(body)}){{{low},{high}}}")
            else:
                raise _Unsupported("count")
        else:
            raise _Unsupported(op)
    return "".join(parts)


_FULL: dict[str, str | None] = {}


def _full_pattern(pattern: re.Pattern[str]) -> str | None:
    """An RE2 pattern that matches exactly the digit strings ``pattern.fullmatch`` matches; None if unknown."""
    if pattern.pattern not in _FULL:
        try:
            if pattern.flags & ~re.UNICODE:
                raise _Unsupported("flags")
            _FULL[pattern.pattern] = "^(?:" + _render(_sre.parse(pattern.pattern, pattern.flags)) + ")$"
        except _Unsupported:
            _FULL[pattern.pattern] = None
    return _FULL[pattern.pattern]


# --- digit matrices -----------------------------------------------------------------------------------


def _buffers(strings: pa.Array) -> tuple[Ints, Digits]:
    """Offsets (``len + 1``, from 0) and the bytes they point into, of a string array."""
    offsets_type = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    buffers = strings.buffers()
    offsets = np.frombuffer(buffers[1], dtype=offsets_type)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    offsets = offsets.astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets - offsets[0], data[offsets[0] : offsets[-1]]


def _classes() -> Digits:
    table = np.full(256, _OTHER, dtype=np.uint8)
    table[np.frombuffer(b"0123456789", dtype=np.uint8)] = _DIGIT
    table[np.frombuffer(b" -./()", dtype=np.uint8)] = _SEPARATOR  # _phone_fast._DROP_SEPARATORS
    table[ord("+")] = _PLUS
    table[np.frombuffer(b"xX#;", dtype=np.uint8)] = _MARKER  # where phone._fast_core looks for an extension
    return table


_OTHER, _DIGIT, _SEPARATOR, _PLUS, _MARKER = range(5)
_CLASSES: Final = _classes()
_PAD: Final = np.full(_WIDTH, ord("0") + _END, dtype=np.uint8)  # reads as the end mark


@dataclass(slots=True)
class _Texts:
    """Stripped texts as bytes, with what ``phone._fast_core`` needs to know about each."""

    offsets: Ints
    data: Digits
    classes: Digits
    length: Ints

    @classmethod
    def of(cls, strings: pa.Array) -> _Texts:
        offsets, data = _buffers(strings)
        return cls(offsets, data, _CLASSES[data], np.diff(offsets))

    def count(self, where: Bools) -> Ints:
        """Per text, how many of its bytes are ``where`` (cheap when few are)."""
        text = np.searchsorted(self.offsets, np.flatnonzero(where), side="right") - 1
        return np.bincount(text, minlength=len(self.length))

    def float_tails(self) -> Bools:
        """Per byte, whether it is a zero of a float text's fraction (``phone._FLOAT_TEXT``: 7 to 15
        digits, a ``.``, then one or more ``0``); with the ``.``, a separator, they are not digits."""
        drop = np.zeros(len(self.data), dtype=np.bool_)
        n, ends = self.length, self.offsets[1:]
        if len(self.data) == 0:
            return drop
        found = (n >= 9) & (self.data[np.maximum(ends - 1, 0)] == ord("0"))
        if not found.any():
            return drop
        # The one character of such a text that is not a digit must be the ".", after 7 to 15 digits.
        other = np.flatnonzero(self.classes != _DIGIT)
        owner = np.searchsorted(self.offsets, other, side="right") - 1
        found &= np.bincount(owner, minlength=len(n)) == 1
        pos, owner = other[found[owner]], owner[found[owner]]
        head = pos - self.offsets[owner]
        ok = (self.data[pos] == ord(".")) & (head >= 7) & (head <= 15)
        # ... and every character after it a "0".
        not_zero = np.zeros(len(self.data) + 1, dtype=np.int64)
        np.cumsum(self.data != ord("0"), out=not_zero[1:])
        ok &= not_zero[ends[owner]] == not_zero[pos + 1]
        pos, owner = pos[ok], owner[ok]
        # Mark pos+1 .. end-1 of each: +1 where a tail starts, -1 where its text ends (never the same).
        edges = np.zeros(len(self.data) + 1, dtype=np.int64)
        edges[pos + 1] = 1
        edges[ends[owner]] = -1
        drop[:] = np.cumsum(edges[:-1]) > 0
        return drop

    def digits(self, rows: Bools, drop: Bools | None = None) -> tuple[Ints, Digits, Ints, Bools]:
        """``fast_core``'s digit strings of the texts ``rows`` that have its shapes.

        Separators are dropped (and the bytes ``drop`` marks); what remains must be an optional ``+``
        and 4 to 20 ASCII digits. Returns (which texts, their digit matrix, lengths, written with '+').
        """
        keep = self.classes != _SEPARATOR
        ends = self.offsets[1:]
        if drop is not None:
            keep &= ~drop
        kept = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept[1:])
        start = kept[self.offsets[:-1]]
        size = kept[ends] - start
        other = self.count(keep & (self.classes != _DIGIT))
        packed = np.concatenate([self.data[keep], _PAD])
        plus = (size > 0) & (packed[np.minimum(start, len(packed) - 1)] == ord("+"))
        n = size - plus
        fast = np.flatnonzero(rows & (other == plus) & (n >= 4) & (n <= _MAX_DIGITS))
        n, plus = n[fast], plus[fast]
        windows = np.lib.stride_tricks.sliding_window_view(packed, _WIDTH)
        m = windows[start[fast] + plus] - np.uint8(48)
        m[:, 4:][n[:, None] <= _COLUMNS[4:]] = _END  # (every row has at least 4 digits)
        return fast, m, n, plus


def _shift(m: Digits, n: Ints, k: Ints | int) -> tuple[Digits, Ints]:
    """Drop the first ``k`` digits of each row."""
    shifted = np.full_like(m, _END)
    ks = np.broadcast_to(np.asarray(k, dtype=np.int64), n.shape)
    for size in np.unique(ks).tolist():
        if size == 0:
            rows = ks == 0
            shifted[rows] = m[rows]
        elif len(ks) and (ks == size).all():
            shifted[:, : _WIDTH - size] = m[:, size:]
        else:
            rows = np.flatnonzero(ks == size)
            shifted[rows, : _WIDTH - size] = m[rows, size:]
    return shifted, n - ks


def _strings(m: Digits, n: Ints) -> pa.Array:
    """The rows as a pyarrow string array."""
    inside = n[:, None] > _COLUMNS
    data = (m[inside] + 48).astype(np.uint8)
    offsets = np.zeros(len(n) + 1, dtype=np.int32)
    np.cumsum(n, out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(n), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _starts(m: Digits, text: str) -> Bools:
    """Whether each row starts with the digits ``text``."""
    out = np.ones(len(m), dtype=np.bool_)
    for j, ch in enumerate(text):
        out &= m[:, j] == int(ch)
    return out


def _match(m: Digits, paths: tuple[_Path, ...]) -> tuple[Bools, Ints, Bools]:
    """``pattern.match`` at the start of each row: (matched, end of the match, a group captured)."""
    rows = len(m)
    hit = np.zeros(rows, dtype=np.bool_)
    end = np.zeros(rows, dtype=np.int64)
    captures = np.zeros(rows, dtype=np.bool_)
    for path in paths:
        fits = ~hit
        for j, table in enumerate(path.sets):
            fits &= table[m[:, j]]
        if path.anchored:
            fits &= m[:, len(path.sets)] == _END
        hit |= fits
        end[fits] = len(path.sets)
        captures[fits] = path.captures
        if hit.all():
            break
    return hit, end, captures


def _fullmatch(pattern: re.Pattern[str] | None, m: Digits, n: Ints) -> Bools | None:
    """``pattern.fullmatch`` of each row (False where there is no pattern); None if it is not replayed."""
    if pattern is None or len(m) == 0:
        return np.zeros(len(m), dtype=np.bool_)
    full = _full_pattern(pattern)
    if full is None:
        return None
    found = pc.match_substring_regex(_strings(m, n), full)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.bool_)


def _length_result(n: Ints, info: RegionInfo) -> Ints:
    """``RegionInfo.length_result`` of each row length."""
    out = np.full(len(n), _INVALID_LENGTH, dtype=np.int64)
    out[np.isin(n, list(info.possible))] = _POSSIBLE
    out[n > info.possible[-1]] = _TOO_LONG
    out[n < info.possible[0]] = _TOO_SHORT
    out[n == info.possible[0]] = _POSSIBLE
    out[np.isin(n, list(info.local_only))] = _LOCAL_ONLY
    return out


def _possible(n: Ints, info: RegionInfo) -> Bools:
    """``_phone_fast._possible`` of each row length."""
    possible: Bools = (n <= _MAX_NSN) & (_length_result(n, info) == _POSSIBLE)
    return possible


def _strip_prefix(m: Digits, n: Ints, info: RegionInfo) -> tuple[Digits, Ints, Bools]:
    """``_phone_fast._strip_prefix`` of each row: the rows after it, and False where it gives None."""
    rows = len(m)
    if info.national_prefix is None:
        return m, n, np.ones(rows, dtype=np.bool_)
    paths = _paths(info.national_prefix)
    if paths is None:
        return m, n, np.zeros(rows, dtype=np.bool_)
    hit, end, captures = _match(m, paths)
    ok = ~(hit & captures)
    strip = np.flatnonzero(hit & ~captures)
    if len(strip) == 0:
        return m, n, ok
    number, number_n = m[strip], n[strip]
    rest, rest_n = _shift(number, number_n, end[strip])
    written = _fullmatch(info.general.pattern, number, number_n)
    stripped = _fullmatch(info.general.pattern, rest, rest_n)
    kept = np.isin(_length_result(rest_n, info), [_POSSIBLE, _TOO_LONG])
    if written is None or stripped is None:
        kept[:] = False
    else:
        kept &= ~(written & ~stripped)
    ok[strip] = kept
    m, n = m.copy(), n.copy()
    m[strip], n[strip] = rest, rest_n
    return m, n, ok


def _settled(m: Digits, n: Ints, main: RegionInfo) -> Bools:
    """``_phone_fast._settled``: the national prefix rules of ``main`` leave the row as it is."""
    _, again, ok = _strip_prefix(m, n, main)
    settled: Bools = ok & (again == n)
    return settled


# --- readings ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Readings:
    """What ``fast_core`` (and then ``phone._fast_core``) makes of each row.

    ``state`` is ``_SLOW`` (the scalar path decides), ``_NONE`` (None) or ``_KEY``; for ``_KEY``, ``key``
    is the E.164 digits of the (country code, national number) read, or -1 for a filler.
    """

    state: Ints
    key: Ints

    @classmethod
    def slow(cls, rows: int) -> _Readings:
        return cls(np.zeros(rows, dtype=np.int64), np.full(rows, -1, dtype=np.int64))

    def put(self, rows: Ints, other: _Readings, which: Ints | slice) -> None:
        """Copy ``other``'s readings ``which`` to rows ``rows``."""
        self.state[rows] = other.state[which]
        self.key[rows] = other.key[which]


def _keys(code: int, m: Digits, n: Ints) -> tuple[Ints, Bools]:
    """E.164 digits of ``code`` and each national number (-1 for a filler: ``phone._is_filler``), and
    whether they fit in an int64 (here: at most 18 digits)."""
    fits = len(str(code)) + n <= _MAX_KEY_DIGITS
    value = np.full(len(n), code, dtype=np.int64)
    for j in range(int(n[fits].max(initial=0))):
        value = np.where(j < n, value * 10 + m[:, j], value)
    filler = ((m == m[:, :1]) | (m == _END)).all(axis=1)
    return np.where(filler, -1, value), fits


_ONE_DIGIT_CODES: Final = np.isin(np.arange(10), _CODES)
_TWO_DIGIT_CODES: Final = np.isin(np.arange(100), _CODES) & (np.arange(100) >= 10)
_THREE_DIGIT_CODES: Final = np.isin(np.arange(1000), _CODES) & (np.arange(1000) >= 100)


def _international(m: Digits, n: Ints) -> _Readings:
    """``_phone_fast._international`` of each row (digits written after a ``+``)."""
    out = _Readings.slow(len(m))
    # The country code: the first of the row's first 1, 2 or 3 digits that is one (no code is a prefix
    # of another, and none starts with 0, which is SLOW). Rows are at least 4 digits long.
    first, second, third = (np.where(m[:, j] == _END, 0, m[:, j]).astype(np.int64) for j in range(3))
    lead2, lead3 = first * 10 + second, first * 100 + second * 10 + third
    code = np.where(
        _ONE_DIGIT_CODES[first],
        first,
        np.where(
            _TWO_DIGIT_CODES[lead2] & (n >= 2),
            lead2,
            np.where(_THREE_DIGIT_CODES[lead3] & (n >= 3), lead3, 0),
        ),
    )
    for cc in np.unique(code[code > 0]).tolist():
        rows = np.flatnonzero(code == cc)
        info = code_info(cc)
        written, written_n = _shift(m[rows], n[rows], len(str(cc)))
        nsn, nsn_n, ok = _strip_prefix(written, written_n, info)
        changed = nsn_n != written_n  # stripping only ever drops a head
        if changed.any():
            ok[changed] &= _settled(nsn[changed], nsn_n[changed], info)
        keys, fits = _keys(cc, nsn, nsn_n)
        possible = _possible(nsn_n, info)
        out.state[rows] = np.where(ok, np.where(possible, np.where(fits, _KEY, _SLOW), _NONE), _SLOW)
        out.key[rows] = keys
    return out


def _national(m: Digits, n: Ints, default: RegionInfo) -> tuple[Bools, Ints, Ints, Bools]:
    """``_phone_fast._national`` of each row: (a reading, not SLOW; national number length; key; fits)."""
    code = default.country_code
    main = code_info(code)
    written, written_n = m, n
    uses_main = np.zeros(len(m), dtype=np.bool_)  # libphonenumber strips with the main region's rules
    ok = np.ones(len(m), dtype=np.bool_)
    cc = default.country_code_str
    starts = np.flatnonzero(_starts(m, cc))
    if len(starts):
        number, number_n = m[starts], n[starts]
        potential, potential_n = _shift(number, number_n, len(cc))
        if default.national_prefix is not None:
            paths = _paths(default.national_prefix)
            if paths is None:
                ok[starts] = False
            else:
                ok[starts] &= ~_match(potential, paths)[0]
        as_written = _fullmatch(default.general.pattern, number, number_n)
        without = _fullmatch(default.general.pattern, potential, potential_n)
        if as_written is None or without is None:
            ok[starts] = False
        else:
            drop = (~as_written & without) | (_length_result(number_n, default) == _TOO_LONG)
            dropped = starts[drop]
            written, written_n = m.copy(), n.copy()
            written[dropped], written_n[dropped] = potential[drop], potential_n[drop]
            uses_main[dropped] = True
    nsn, nsn_n = written.copy(), written_n.copy()
    for rules, rows in ((default, np.flatnonzero(~uses_main)), (main, np.flatnonzero(uses_main))):
        if len(rows) == 0:
            continue
        stripped, stripped_n, stripped_ok = _strip_prefix(written[rows], written_n[rows], rules)
        nsn[rows], nsn_n[rows] = stripped, stripped_n
        ok[rows] &= stripped_ok
        check = stripped_n != written_n[rows]  # stripping only ever drops a head
        if rules is not main:
            check[:] = True
        if check.any():
            ok[rows[check]] &= _settled(stripped[check], stripped_n[check], main)
    keys, fits = _keys(code, nsn, nsn_n)
    return ok, nsn_n, keys, fits


def _fast_core(m: Digits, n: Ints, plus: Bools, default: RegionInfo) -> _Readings:
    """``_phone_fast.fast_core`` of each row (digits without their ``+``), then ``phone._is_filler``."""
    out = _Readings.slow(len(m))
    main = code_info(default.country_code)
    plus_rows, bare_rows = np.flatnonzero(plus), np.flatnonzero(~plus)
    bare, bare_n = m[bare_rows], n[bare_rows]
    behind_idd = _starts(bare, "00") | _starts(bare, "011")
    idd = np.flatnonzero(behind_idd)
    size = np.where(_starts(bare[idd], "011"), 3, 2)
    # One international reading for the rows with a '+' and the rows behind 00/011.
    shifted, shifted_n = _shift(bare[idd], bare_n[idd], size)
    both = _international(np.concatenate([m[plus_rows], shifted]), np.concatenate([n[plus_rows], shifted_n]))
    out.put(plus_rows, both, slice(0, len(plus_rows)))
    read, nsn_n, keys, fits = _national(bare, bare_n, default)
    possible = read & _possible(nsn_n, main)
    # The region's international prefix at the start (None: a pattern not replayed, so not known).
    paths = _paths(default.idd) if default.idd is not None else ()
    if paths is None:
        known, hit, end = False, np.ones(len(bare), dtype=np.bool_), np.zeros(len(bare), dtype=np.int64)
    else:
        known, (hit, end, _) = True, _match(bare, paths)
    # Neither '+' nor 00/011: the national reading, unless the region's IDD starts the digits; if that
    # reading is not possible, None for digits starting with 0 (no country code does), else SLOW.
    plain = np.flatnonzero(~behind_idd & ~hit)
    national = _Readings(
        np.where(possible & fits, _KEY, np.where(~possible & read & (bare[:, 0] == 0), _NONE, _SLOW)), keys
    )
    out.put(bare_rows[plain], national, plain)
    # 00/011 (``_with_idd``): the international reading, if the region's IDD is exactly this prefix or
    # the digits as written are no possible national number, and if it is a number.
    taken = known & np.where(hit[idd], end[idd] == size, read[idd] & ~possible[idd])
    behind = slice(len(plus_rows), None)
    both.state[behind] = np.where(taken & (both.state[behind] == _KEY), _KEY, _SLOW)
    out.put(bare_rows[idd], both, behind)
    return out


# --- public (to the package) ---------------------------------------------------------------------------


def e164_digits(
    values: pa.Array | pa.ChunkedArray, region: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """E.164 digits of a column of phone strings, for the values whose reading is plain.

    Parameters
    ----------
    values : pyarrow string or large_string array (or chunked array) of shape (n,)
        Phone numbers as typed; nulls allowed.
    region : str
        Default region for numbers without a country code, as for ``phone.e164_many``.

    Returns
    -------
    digits : ndarray of int64, shape (n,)
        Where ``decided``: ``int(key[1:])`` for ``key = phone.e164_many([value], region)[0]``, or -1
        where that key is None (and for nulls). Elsewhere -1, meaning nothing.
    decided : ndarray of bool, shape (n,)
        Whether ``digits`` holds the answer; the caller runs ``e164_many`` on the other values.

    Raises
    ------
    TypeError
        If ``values`` is not a string array.
    ValueError
        If ``region`` is not a region libphonenumber knows.

    Notes
    -----
    Decided: nulls, blank and too long texts, and ASCII texts that are, after an optional float fraction (``.0``, ``.00``) or
    extension tail, an optional ``+`` and 4 to 20 digits among the separators ``" -./()"``, wherever the
    scalar fast path (``_phone_fast.fast_core``) decides them: ``+`` with a country code, ``00``/``011``
    with one, and national numbers of ``region`` (with its country code or national prefix in front or
    not). Left undecided: what the scalar code sends to libphonenumber, and labels, ``tel:``, unicode
    digits or white space, and other characters.

    Examples
    --------
    >>> import pyarrow as pa
    >>> digits, decided = e164_digits(pa.array(["(212) 736-5000", "+44 (0)20 7946 0958", "n/a", None]), "US")
    >>> digits.tolist(), decided.tolist()
    ([12127365000, 442079460958, -1, -1], [True, True, False, True])
    """
    _, default = _region(region)
    values = string_array(values)
    valid = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    ascii_ = np.asarray(pc.fill_null(pc.string_is_ascii(values), False).to_numpy(zero_copy_only=False))
    text = pc.utf8_trim(values, _ASCII_SPACE)  # str.strip, on ASCII text
    texts = _Texts.of(text)
    # An empty text is one only white space (ASCII: the rest is not trimmed) made; too long needs ASCII.
    blank = valid & ((texts.length == 0) | (ascii_ & (texts.length > _MAX_CHARS)))
    usable = valid & ~blank & (texts.length <= _MAX_CHARS)
    marked = usable & (texts.count(texts.classes == _MARKER) > 0)
    rows, m, n, plus = texts.digits(usable & ~marked, drop=texts.float_tails())
    # An extension tail (a marker is a character of it): the head goes on, for those that match.
    if marked.any():
        tails = np.flatnonzero(marked)
        heads = pc.struct_field(pc.extract_regex(text.take(pa.array(tails)), _EXTENSION_TAIL), [0])
        found = np.asarray(heads.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
        head_rows, head_m, head_n, head_plus = _Texts.of(heads).digits(found)
        rows = np.concatenate([rows, tails[head_rows]])
        m, n, plus = (
            np.concatenate([m, head_m]),
            np.concatenate([n, head_n]),
            np.concatenate([plus, head_plus]),
        )
    keys = np.full(len(values), -1, dtype=np.int64)
    decided = ~valid | blank
    readings = _fast_core(m, n, plus, default)
    keys[rows] = np.where(readings.state == _KEY, readings.key, -1)
    decided[rows] = readings.state != _SLOW
    return keys, decided
