"""What the column-at-once twins of the normalizers share (private): their input check and a boolean
conversion."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["bools", "string_array"]


def string_array(values: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """``values`` as one ``pa.string()`` array (large strings, chunks and an all-null column accepted).

    Raises
    ------
    TypeError
        If ``values`` is not a pyarrow array of strings.

    Examples
    --------
    >>> string_array(pa.chunked_array([["a"], [None]], pa.large_string())).to_pylist()
    ['a', None]
    >>> string_array(pa.array([1]))
    Traceback (most recent call last):
    ...
    TypeError: values must be a pyarrow string array, not int64
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        raise TypeError(f"values must be a pyarrow string array, not {type(values).__name__}")
    if pa.types.is_string(values.type):
        return values
    if pa.types.is_large_string(values.type) or pa.types.is_null(values.type):
        return values.cast(pa.string())
    raise TypeError(f"values must be a pyarrow string array, not {values.type}")


def bools(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """A boolean pyarrow array as numpy, nulls as False.

    >>> bools(pa.array([True, None, False])).tolist()
    [True, False, False]
    """
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=np.bool_)
