"""Postcodes of the common shapes, a column at once (private; the batch path's twin of
:func:`normalizers.address.normalize_postcode_many`).

Only shapes whose answer is certain are decided: in the United States and its territories, five
digits (``90210``, kept as written unless all zeros) and ZIP+4 (``90210-1234``, cut to five). Every other
value, and every value of another country, is left to the scalar function, which handles the rest
(spreadsheet-dropped zeros, floats, other countries' patterns). ``tests/normalizers/test_arrow_postcode.py``
checks that both give the same answers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from normalizers.address import _US_LIKE, country_code

__all__ = ["postcodes"]


def postcodes(values: pa.Array, country: str | None) -> tuple[pa.Array, npt.NDArray[np.bool_]]:
    """Normalised postcodes of ``values`` (one country for all) where the shape is a common one.

    Parameters
    ----------
    values : pyarrow string array
        Raw postcodes; nulls allowed.
    country : str or None
        The country of every value, as :func:`normalizers.address.normalize_postcode` takes it.

    Returns
    -------
    (postcodes, decided)
        ``postcodes[i]`` equals ``normalize_postcode(values[i], country)`` wherever ``decided[i]``;
        elsewhere it means nothing and the caller asks the scalar function.

    Examples
    --------
    >>> codes, decided = postcodes(pa.array(["90210", "90210-1234", "2134", None, "00000"]), "US")
    >>> codes.to_pylist(), decided.tolist()
    (['90210', '90210', None, None, None], [True, True, False, True, True])
    """
    n = len(values)
    if country_code(country) not in _US_LIKE:
        return pa.nulls(n, pa.string()), np.zeros(n, dtype=bool)
    values = values.cast(pa.string())
    five = pc.fill_null(pc.match_substring_regex(values, r"^[0-9]{5}(-[0-9]{4})?$"), False)
    zip5 = pc.utf8_slice_codeunits(values, 0, 5)
    kept = pc.and_(five, pc.not_equal(zip5, "00000"))
    out = pc.if_else(kept, zip5, pa.scalar(None, pa.string()))
    decided = np.asarray(pc.or_(five, pc.is_null(values)).to_numpy(zero_copy_only=False), dtype=bool)
    return out, decided
