"""Work a second process does while this one goes on (private).

- :func:`e164_numbers`, :func:`address_parts` and :func:`name_parts` normalise slices of one column's
  distinct values with the normalizers. The single-process path calls the same
  functions, so the result does not depend on the number of workers.
- :func:`normalise` is the worker's share of :func:`matchers.features.build_features`: slices of the
  phones, address lines and full names that the column-at-once passes left over, taken from the front
  of :class:`Chunks` while the main process, done with e-mails and postcodes, takes them from the back.
- :func:`background` runs a function on arguments the child *inherits* through ``fork`` instead of
  receiving them pickled (:func:`normalise` on the column values; ``compare_all`` on the random pairs
  that estimate u while this process blocks and compares the candidates). Only the result travels back.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from normalizers import address as _address
from normalizers import name as _name
from normalizers import phone as _phone

__all__ = [
    "Chunks",
    "Normalised",
    "address_parts",
    "background",
    "bare_local",
    "bare_locals",
    "can_fork",
    "e164_numbers",
    "join_slices",
    "name_parts",
    "normalise",
    "pair_slices",
    "phone_slices",
]

T = TypeVar("T")
R = TypeVar("R")


def name_parts(values: Sequence[str | None]) -> list[tuple[str | None, str | None]]:
    """First name and last name (with its suffix: ``davis jr``) of each full name; None where none."""
    out: list[tuple[str | None, str | None]] = []
    for p in _name.parse_full_name_many(values):
        if p is None:
            out.append((None, None))
        else:
            out.append((p.first, f"{p.last} {p.suffix}" if p.last and p.suffix else p.last))
    return out


def address_parts(values: Sequence[str | None]) -> list[tuple[str | None, str | None]]:
    """House number and normalised street of each address line (None where there is none)."""
    parsed = [_address.parse_address(v) for v in values]
    return [(p.house_number, p.street) if p else (None, None) for p in parsed]


class Chunks(Generic[T]):
    """A list in slices that two processes take one at a time from opposite ends.

    The claims live in shared memory that a forked child inherits, so the worker takes slices from the
    front while this process takes them from the back, and both stop where they meet: whichever is
    free does the work, however fast each side gets through its other work. What a slice gives does
    not depend on who takes it.

    >>> chunks = Chunks(list(range(7)), 3)
    >>> back = chunks.run_back(lambda part: [x * 10 for x in part], limit=1)
    >>> front = chunks.run_front(lambda part: [x * 10 for x in part])
    >>> sorted(back), sorted(front), chunks.merge(back, front)
    ([2], [0, 1], [0, 10, 20, 30, 40, 50, 60])
    """

    def __init__(self, items: Sequence[T], chunks: int) -> None:
        size = max(1, -(-len(items) // max(1, chunks)))
        self.parts = [items[k : k + size] for k in range(0, len(items), size)]
        context = multiprocessing.get_context("fork" if can_fork() else None)  # as the worker's
        # [next from the front, one past the next from the back]; with its own lock
        self._ends = context.Array("q", [0, len(self.parts)])

    def _take(self, front: bool) -> int | None:
        with self._ends.get_lock():
            low, high = self._ends[0], self._ends[1]
            if low >= high:
                return None
            if front:
                self._ends[0] = low + 1
                return int(low)
            self._ends[1] = high - 1
            return int(high - 1)

    def _run(
        self, function: Callable[[Sequence[T]], list[R]], front: bool, limit: int | None
    ) -> dict[int, list[R]]:
        done: dict[int, list[R]] = {}
        while limit is None or len(done) < limit:
            k = self._take(front)
            if k is None:
                break
            done[k] = function(self.parts[k])
        return done

    def run_front(
        self, function: Callable[[Sequence[T]], list[R]], limit: int | None = None
    ) -> dict[int, list[R]]:
        """Apply ``function`` to slices from the front until none is left (or ``limit`` are done)."""
        return self._run(function, True, limit)

    def run_back(
        self, function: Callable[[Sequence[T]], list[R]], limit: int | None = None
    ) -> dict[int, list[R]]:
        """Apply ``function`` to slices from the back until none is left (or ``limit`` are done)."""
        return self._run(function, False, limit)

    def merge(self, *done: dict[int, list[R]]) -> list[R]:
        """The results of every slice, in order (each slice done by exactly one of ``done``)."""
        joined = {k: v for part in done for k, v in part.items()}
        if sorted(joined) != list(range(len(self.parts))):
            raise RuntimeError(f"slices done: {sorted(joined)} of {len(self.parts)}")
        return [value for k in range(len(self.parts)) for value in joined[k]]


_SEPARATORS = str.maketrans("", "", "._-")


def bare_local(key: str | None) -> str | None:
    """The local part of an e-mail match key without separators and ``+tag`` (``john_smith+shop``
    and ``john.smith`` both give ``johnsmith``); None if nothing is left."""
    if key is None:
        return None
    bare = key.rpartition("@")[0].partition("+")[0].translate(_SEPARATORS)
    return bare or None


def bare_locals(keys: pa.Array) -> pa.Array:
    """:func:`bare_local` of each e-mail match key, a column at once (nulls stay null).

    >>> bare_locals(pa.array(["john.smith+shop@x.com", "a_b@y", None, "+tag@z.com"])).to_pylist()
    ['johnsmith', 'ab', None, None]
    """
    # Everything before the last "@" (none: null), then before the first "+", without . _ and -.
    local = pc.replace_substring_regex(keys, r"(?s)@[^@]*\z", "")
    local = pc.if_else(pc.match_substring(keys, "@"), local, pa.scalar(None, pa.string()))
    local = pc.replace_substring_regex(local, r"(?s)\+.*", "")
    local = pc.replace_substring_regex(local, r"[._-]", "")
    return pc.if_else(pc.equal(local, ""), pa.scalar(None, pa.string()), local)


#: Distinct phone strings per slice of the shared phone work.
PHONE_SLICE = 8_000


def phone_slices(
    tasks: Sequence[tuple[str | None, list[str | None]]], size: int = PHONE_SLICE
) -> list[tuple[str | None, list[str | None]]]:
    """Cut each ``(region, distinct phone strings)`` task into pieces of at most ``size`` values."""
    return [
        (group, values[k : k + size]) for group, values in tasks for k in range(0, max(len(values), 1), size)
    ]


def e164_numbers(
    pieces: Sequence[tuple[str | None, list[str | None]]], default_region: str
) -> list[npt.NDArray[np.int64]]:
    """E.164 of each value, read in its piece's region (``None``: ``default_region``), as the digits
    in an int64; -1 where there is none. Arrays travel back from the worker far faster than strings.

    >>> [a.tolist() for a in e164_numbers([("GB", ["020 7946 0958", "n/a"]), (None, ["212-736-5000"])], "US")]
    [[442079460958, -1], [12127365000]]
    """
    out = []
    for region, values in pieces:
        keys = _phone.e164_many(values, region=region or default_region)
        out.append(np.array([int(key[1:]) if key else -1 for key in keys], dtype=np.int64))
    return out


#: Pairs per slice of the random pairs (for u) that the two processes compare.
PAIR_SLICE = 32_000


def pair_slices(
    left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], size: int = PAIR_SLICE
) -> Chunks[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Pairs ``(left[k], right[k])`` cut into slices of at most ``size``, each one item of a :class:`Chunks`.

    >>> chunks = pair_slices(np.arange(5), np.arange(5) + 10, size=2)
    >>> [[(a.tolist(), b.tolist()) for a, b in part] for part in chunks.parts]
    [[([0, 1], [10, 11])], [([2, 3], [12, 13])], [([4], [14])]]
    """
    pieces = [(left[k : k + size], right[k : k + size]) for k in range(0, len(left), size)]
    return Chunks(pieces, len(pieces))


def join_slices(
    tasks: Sequence[tuple[str | None, list[str | None]]],
    results: Sequence[npt.NDArray[np.int64]],
    size: int = PHONE_SLICE,
) -> list[npt.NDArray[np.int64]]:
    """Put the per-piece results of :func:`phone_slices` back together, one array per task."""
    out: list[npt.NDArray[np.int64]] = []
    pieces = iter(results)
    for _, values in tasks:
        out.append(np.concatenate([next(pieces) for _ in range(0, max(len(values), 1), size)]))
    return out


@dataclass
class Normalised:
    """What the worker hands back from :func:`normalise`."""

    phones: dict[int, list[npt.NDArray[np.int64]]]  # the phone slices the worker took (E.164 digits)
    addresses: dict[int, list[tuple[str | None, str | None]]]  # the address slices the worker took
    names: dict[int, list[tuple[str | None, str | None]]]  # the full-name slices the worker took


def normalise(
    phones: Chunks[tuple[str | None, list[str | None]]] | None,
    default_region: str,
    addresses: Chunks[str | None] | None,
    names: Chunks[str | None] | None,
) -> Normalised:
    """The worker's share of :func:`matchers.features.build_features`: slices of the phones, the address
    lines and the full names that the column-at-once passes left over, from the front, while the main
    process takes them from the back (in the opposite order of kinds, so the two meet once).

    Pure Python and numpy on values prepared before the fork (no Arrow in the child).
    """
    return Normalised(
        phones.run_front(functools.partial(e164_numbers, default_region=default_region)) if phones else {},
        addresses.run_front(address_parts) if addresses is not None else {},
        names.run_front(name_parts) if names is not None else {},
    )


def can_fork() -> bool:
    """Whether this platform can start workers with ``fork`` (Linux, macOS; not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def fork_executor() -> Iterator[ProcessPoolExecutor]:
    """A one-process pool whose worker is forked *now*, with everything this process holds.

    fork, not spawn: spawn would re-import the caller's ``__main__`` in the child. The children run only
    our numpy and pure-Python code on inherited arrays and lists; they touch no Arrow or BLAS state, so
    the threads those libraries keep in this process do not matter there.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork of a threaded process
        executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        executor.submit(int).result()  # start the worker now, under the filter
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


# Work handed to a child through fork: set just before the fork, read by the child, dropped right after.
_INHERITED: dict[int, tuple[Callable[..., Any], tuple[Any, ...]]] = {}
_KEYS = itertools.count()


def _run_inherited(key: int) -> Any:
    function, args = _INHERITED.pop(key)
    return function(*args)


@contextmanager
def background(function: Callable[..., T], *args: Any, enabled: bool = True) -> Iterator[Callable[[], T]]:
    """Start ``function(*args)`` in a forked process; the context yields a callable that waits for it.

    The arguments are not pickled: the child is forked after they exist and finds them in its copy of
    this process. With ``enabled`` false, or where fork is unavailable, the callable runs the function
    here when first called (so the result is the same either way). An exception in the function is
    raised by the callable.

    >>> import numpy as np
    >>> with background(np.add, np.arange(3), 10) as result:
    ...     here = np.arange(3) * 2  # this process works on while the other computes
    ...     total = result()
    >>> total.tolist(), here.tolist()
    ([10, 11, 12], [0, 2, 4])
    """
    if not (enabled and can_fork()):
        cache: list[T] = []

        def here() -> T:
            if not cache:
                cache.append(function(*args))
            return cache[0]

        yield here
        return
    key = next(_KEYS)
    _INHERITED[key] = (function, args)
    try:
        with fork_executor() as executor:
            _INHERITED.pop(key, None)  # the child has its copy; this process needs none
            future = executor.submit(_run_inherited, key)
            yield future.result
    finally:
        _INHERITED.pop(key, None)
