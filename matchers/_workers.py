"""Work a second process does while this one goes on (private).

Two kinds:

- :func:`e164_groups` and :func:`email_keys` import only the normalizers (no pyarrow, no numpy work),
  take and return plain lists, and are the same functions the single-process path calls, so the result
  does not depend on the number of workers;
- :func:`background` runs any function on arguments the child *inherits* through ``fork`` instead of
  receiving them pickled, for work on the whole feature table (comparing the random pairs that estimate
  u while the main process blocks and compares the candidates). Only the result travels back.
"""

from __future__ import annotations

import itertools
import multiprocessing
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from normalizers import email as _email
from normalizers import phone as _phone

__all__ = ["background", "can_fork", "e164_groups", "email_keys", "fork_executor"]

T = TypeVar("T")


def e164_groups(
    tasks: Sequence[tuple[str | None, list[str | None]]], default_region: str
) -> list[list[str | None]]:
    """E.164 of each value, read in its group's region (``None``: ``default_region``)."""
    return [_phone.e164_many(values, region=group or default_region) for group, values in tasks]


def email_keys(values: list[str | None]) -> list[str | None]:
    """Email match keys."""
    return _email.match_key_many(values)


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
    ...     pass  # this process does other work meanwhile
    ...     total = result()
    >>> total.tolist()
    [10, 11, 12]
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
