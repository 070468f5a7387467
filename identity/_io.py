"""Reading batch input into one canonical Arrow table, and writing results.

Inputs are CSV, Parquet or JSON Lines files, pandas DataFrames or pyarrow Tables. Columns are mapped to
the canonical names (``source_id``, ``first_name``, ``email``, ``phone`` ...) by an explicit mapping or
by well-known aliases (SAP Business One ``CardCode``/``CardName``/``Phone1``/``Phone2``/``Cellular``,
Shopify ``id``/``first_name``/``address1``/``zip`` ...). ``email`` and ``phone`` become
``list<string>`` columns: a record may have several.

Everything that can be wrong with an input raises :class:`~identity.InputError` with one line naming the
file, the row or the column.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import decimal
import functools
import io
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from identity._exceptions import InputError
from identity._records import CANONICAL_COLUMNS, MULTI_VALUE_COLUMNS
from matchers.clustering import MAX_CLUSTER_ID

__all__ = [
    "ALIASES",
    "ColumnMapping",
    "SourceInput",
    "check_folder",
    "check_output",
    "combine_sources",
    "parse_column_option",
    "read_previous",
    "read_source",
    "write_table",
    "write_whole",
]

#: Well-known spellings of each canonical column (compared case- and punctuation-insensitively).
ALIASES: dict[str, tuple[str, ...]] = {
    "source_id": ("source_id", "id", "cardcode", "customer_id", "customerid", "rec_id", "record_id"),
    "first_name": ("first_name", "firstname", "given_name", "givenname", "first"),
    "last_name": ("last_name", "lastname", "surname", "family_name", "last"),
    "full_name": ("full_name", "fullname", "name", "cardname", "customer_name", "contact_name"),
    "email": ("email", "emailaddress", "email_address", "e_mail", "mail"),
    "phone": ("phone", "phone1", "phone2", "cellular", "mobile", "phone_number", "telephone", "tel"),
    "address": ("address", "address1", "street", "street_address", "address_line_1", "address_1"),
    "city": ("city", "town", "suburb"),
    "postcode": ("postcode", "zip", "zipcode", "zip_code", "postal_code", "postalcode"),
    "state": ("state", "province", "province_code", "region", "county"),
    "country": ("country", "country_code", "countrycode"),
    "company": ("company", "company_name", "organisation", "organization"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "national_id": ("national_id", "ssn", "soc_sec_id", "tax_id"),
}

#: ``canonical -> raw columns``; a multi-value canonical column may list several raw columns.
ColumnMapping = Mapping[str, Sequence[str]]


def _squash(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _check_entry(canonical: str, columns: Sequence[str], where: str) -> None:
    """A mapping entry names a canonical column, and only a multi-value one takes several columns."""
    if canonical not in CANONICAL_COLUMNS:
        raise InputError(
            f"{where}: unknown canonical column {canonical!r} (one of: {', '.join(CANONICAL_COLUMNS)})"
        )
    if len(columns) > 1 and canonical not in MULTI_VALUE_COLUMNS:
        raise InputError(f"{where}: only {sorted(MULTI_VALUE_COLUMNS)} take several columns")


def parse_column_option(values: Iterable[str]) -> dict[str | None, dict[str, list[str]]]:
    """Parse CLI ``--column`` values: ``canonical=col[,col...]`` or ``SOURCE:canonical=col[,col...]``.

    Returns ``{source_or_None: {canonical: [columns]}}``; raises :class:`InputError` on a malformed
    value or an unknown canonical name.

    >>> parse_column_option(["phone=Phone1,Phone2", "shopify:source_id=id"])
    {None: {'phone': ['Phone1', 'Phone2']}, 'shopify': {'source_id': ['id']}}
    """
    out: dict[str | None, dict[str, list[str]]] = {}
    for value in values:
        target, sep, cols = value.partition("=")
        if not sep or not target.strip() or not cols.strip():
            raise InputError(f"--column {value!r}: expected canonical=column[,column...]")
        scope: str | None = None
        if ":" in target:
            scope, _, target = target.partition(":")
        target = target.strip()
        names = [c.strip() for c in cols.split(",") if c.strip()]
        _check_entry(target, names, f"--column {value!r}")
        if target in out.get(scope, {}):
            raise InputError(
                f"--column {value!r}: {target} is mapped twice; give all its columns in one option "
                f"({target}=A,B)"
            )
        out.setdefault(scope, {})[target] = names
    return out


@dataclass
class SourceInput:
    """One input after reading: its name, where it came from, and the raw Arrow table."""

    name: str
    origin: str
    table: pa.Table


#: CSV text encodings, tried in turn: UTF-8 (with or without a byte-order mark), then Windows-1252, in
#: which SAP Business One and Excel on Western European Windows export. A file that starts with a UTF-16
#: byte-order mark (Excel's "Unicode Text") is read as UTF-16.
CSV_ENCODINGS = ("utf-8", "cp1252")
#: Field separators a CSV header is split on; the one giving the most columns wins (ties: the first).
#: Excel writes ``;`` where the decimal separator is a comma; ``.tsv`` files are always tab-separated.
CSV_DELIMITERS = (",", ";", "\t", "|")


def _read_csv(path: Path) -> pa.Table:
    with path.open("rb") as handle:
        utf16 = handle.read(2) in {codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE}
    for encoding in ("utf-16",) if utf16 else CSV_ENCODINGS:
        try:
            table = _read_csv_as(path, encoding)
        except UnicodeDecodeError:
            pass
        except pa.ArrowInvalid as exc:
            if "invalid UTF8" not in str(exc):
                # pyarrow's parse errors quote the offending row: personal data. Name the row instead.
                where = _bad_row(path, encoding) or "its quoting is damaged"
                raise InputError(f"{path}: not a readable CSV file: {where}") from None
        else:
            # pyarrow reads a quote that is never closed as a field running to the end of the file,
            # swallowing every row after it. Well-formed quoting uses an even number of quote marks.
            if _quote_count(path, encoding) % 2 and (unclosed := _bad_row(path, encoding, strict=True)):
                raise InputError(f"{path}: not a readable CSV file: {unclosed}")
            return table
        if encoding == "utf-8" and (line := _damaged_utf8_line(path)) is not None:
            raise InputError(
                f"{path}: line {line} is not valid UTF-8, though the rest of the file is; "
                "repair that line or save the file as UTF-8 again"
            )
    raise InputError(f"{path}: not UTF-8, UTF-16 or Windows-1252 text; save it as UTF-8 CSV")


def _quote_count(path: Path, encoding: str) -> int:
    if encoding == "utf-16":
        return path.read_text(encoding="utf-16").count('"')
    return path.read_bytes().count(b'"')  # a single byte in UTF-8 and Windows-1252 alike


def _damaged_utf8_line(path: Path) -> int | None:
    """The first line with bytes that are not UTF-8, in a file whose other non-ASCII text is UTF-8.

    Such a file is UTF-8 with a few damaged bytes, not Windows-1252 (which seldom forms valid UTF-8
    sequences): read as Windows-1252, every accented letter in it would become two wrong ones.
    """
    data = path.read_bytes()
    replaced = data.decode("utf-8", errors="replace")
    damaged = len(replaced) - len(data.decode("utf-8", errors="ignore"))  # one U+FFFD per bad sequence
    non_ascii = len(replaced) - len(replaced.encode("ascii", errors="ignore"))
    if non_ascii - damaged <= damaged:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return None


def _bad_row(path: Path, encoding: str, *, strict: bool = False) -> str | None:
    """Where a CSV file goes wrong, without quoting its contents; None if Python's csv reads it.

    ``strict`` also reports a quote that is never closed and text after a closing quote.
    """
    header, delimiter = _sniff_header(path, encoding)
    with _open_text(path, encoding) as handle:
        lines = iter(handle)
        before = 0  # lines up to and including the header
        for line in lines:
            before += 1
            if line.strip():
                break
        rows = csv.reader(lines, delimiter=delimiter, strict=strict)
        number, start = 0, before + 1
        try:
            for number, row in enumerate(rows, start=1):
                end = before + rows.line_num
                if row and len(row) != len(header):
                    return (f"row {number} ({_lines(start, end)}) has {len(row)} fields where the header "
                            f"has {len(header)}")
                start = end + 1
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return f"row {number + 1} (line {start}) opens a quote that is never closed"
            return f"row {number + 1} ({_lines(start, before + rows.line_num)}): {exc}"
    return None


def _lines(start: int, end: int) -> str:
    return f"line {end}" if end == start else f"lines {start}-{end}"


def _open_text(path: Path, encoding: str) -> TextIO:
    return path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")


def _sniff_header(path: Path, encoding: str) -> tuple[list[str], str]:
    """The header (the first non-blank line) and the field separator that splits it into most columns."""
    with _open_text(path, encoding) as handle:
        header_line = next((line for line in handle if line.strip()), "")
    if not header_line:
        raise InputError(f"{path}: the file is empty")
    candidates = ("\t",) if path.suffix.lower() == ".tsv" else CSV_DELIMITERS
    headers = [next(csv.reader(io.StringIO(header_line), delimiter=d)) for d in candidates]
    header = max(headers, key=len)
    return header, candidates[headers.index(header)]


def _read_csv_as(path: Path, encoding: str) -> pa.Table:
    import pyarrow.csv as pacsv

    header, delimiter = _sniff_header(path, encoding)
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise InputError(f"{path}: duplicate column names in the header: {', '.join(dupes)}")
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 22),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )


def _read_json(path: Path) -> pa.Table:
    """JSON Lines with pyarrow's reader, or, where it would fail or round numbers, line by line.

    pyarrow's reader refuses a field that is a number in one row and text in another (``"id": 7`` then
    ``"id": "C7"``), and reads an integer beyond 64 bits as a float, which changes an id's digits. Such
    files, a file that is one JSON array of objects, and any column pyarrow read as floating point are
    read again here, keeping every number's digits as written.
    """
    import pyarrow.json as pajson

    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    try:
        table = pajson.read_json(path)
    except pa.ArrowInvalid:
        return _read_json_exact(path)
    if any(pa.types.is_floating(field.type) for field in table.schema):
        return _read_json_exact(path)
    return table


def _read_json_exact(path: Path) -> pa.Table:
    text = path.read_text(encoding="utf-8-sig")
    load = functools.partial(json.loads, parse_int=str, parse_float=str, parse_constant=str)
    records: list[Any]
    if text.lstrip().startswith("["):
        try:
            records = load(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        lines = list(range(1, len(records) + 1))
        what = "item"
    else:
        records, lines, what = [], [], "line"
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(load(line))
            except json.JSONDecodeError as exc:  # its message gives a position, not the text
                raise InputError(f"{path}: line {number}: not valid JSON ({exc.msg})") from None
            lines.append(number)
    columns: dict[str, list[Any]] = {}
    for k, record in enumerate(records):
        if not isinstance(record, dict):
            raise InputError(f"{path}: {what} {lines[k]}: not a JSON object")
        for key in record:
            columns.setdefault(key, [None] * k)
        for key, values in columns.items():
            values.append(_json_text(record.get(key)))
    if not records:
        raise InputError(f"{path}: no rows")
    out = {}
    for key, values in columns.items():
        if any(isinstance(v, list) for v in values):  # several phones or e-mails in one field
            values = [v if isinstance(v, list) or v is None else [v] for v in values]
            out[key] = pa.array(values, pa.list_(pa.string()))
        else:
            out[key] = pa.array(values, pa.string())
    return pa.table(out)


def _json_text(value: Any) -> str | list[str | None] | None:
    """A JSON value as text (numbers as written, objects as JSON); a list as a list of such texts."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [item if item is None or isinstance(item, str) else json.dumps(item) for item in value]
    return json.dumps(value)


def _read_path(path: Path) -> pa.Table:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    try:
        if suffix in {".csv", ".txt", ".tsv"}:
            return _read_csv(path)
        if suffix in {".parquet", ".pq"}:
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if suffix in {".jsonl", ".ndjson", ".json"}:
            return _read_json(path)
    except InputError:
        raise
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: cannot read {suffix or 'the'} file: {first}") from None
    raise InputError(f"{path}: unknown file format {path.suffix!r} (use .csv, .parquet or .jsonl)")


def read_source(data: Any, *, name: str | None = None) -> SourceInput:
    """Read one input: a path (CSV / Parquet / JSONL), a pyarrow Table or a pandas DataFrame.

    The source name is ``name``, else the file's stem, else ``"input"``.

    >>> import pyarrow as pa
    >>> s = read_source(pa.table({"id": ["1"]}), name="shop")
    >>> s.name, s.table.num_rows
    ('shop', 1)
    """
    if isinstance(data, str | Path):
        path = Path(data)
        return SourceInput(name or path.name.split(".")[0], str(path), _read_path(path))
    if isinstance(data, pa.Table):
        return SourceInput(name or "input", name or "table", data)
    if isinstance(data, pa.RecordBatch):
        return SourceInput(name or "input", name or "table", pa.Table.from_batches([data]))
    if type(data).__name__ == "DataFrame" and hasattr(data, "to_dict"):
        label = f"DataFrame {name}" if name else "DataFrame"
        try:
            try:
                table = pa.Table.from_pandas(data, preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                table = _from_mixed_pandas(data)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            raise InputError(f"{label}: cannot convert to Arrow: {exc}") from None
        return SourceInput(name or "input", name or "DataFrame", table)
    raise InputError(
        f"unsupported input of type {type(data).__name__}: give a path, a pyarrow Table or a pandas DataFrame"
    )


def read_previous(data: Any) -> tuple[pa.Table, str]:
    """An earlier run's clusters (a path, Table or DataFrame) as ``source, source_id, cluster_id``.

    Returns the table (``cluster_id`` as int64) and where it came from, for messages. Every record must
    appear once and have a whole cluster id from 0 to 2**62 - 1; anything else is an
    :class:`~identity.InputError` naming the row.

    >>> import pyarrow as pa
    >>> table, origin = read_previous(pa.table({"source": ["erp"], "source_id": [17], "cluster_id": ["4"]}))
    >>> table.to_pylist(), origin
    ([{'source': 'erp', 'source_id': '17', 'cluster_id': 4}], 'previous clusters')
    """
    item = read_source(data, name=None if isinstance(data, str | Path) else "previous clusters")
    table, origin = item.table, item.origin
    missing = [c for c in ("source", "source_id", "cluster_id") if c not in table.column_names]
    if missing:
        raise InputError(
            f"{origin}: earlier clusters need the columns source, source_id and cluster_id "
            f"(as identity-dedupe writes them); missing: {', '.join(missing)}"
        )
    # Trimmed as the inputs' ids are (canonicalize), so that a hand-made file with padded ids matches.
    source = pc.utf8_trim_whitespace(_as_strings(table.column("source"), origin, "source"))
    source_id = pc.utf8_trim_whitespace(_as_strings(table.column("source_id"), origin, "source_id"))
    for name, col in (("source", source), ("source_id", source_id)):
        if (row := _first_blank(col)) is not None:
            raise InputError(f"{origin}: row {row + 1}: empty {name}")
    ids = _whole_numbers(table.column("cluster_id"), origin)
    if (dup := _first_duplicate(pc.binary_join_element_wise(source, source_id, "\x1f"))) is not None:
        _, first, second, count = dup
        raise InputError(
            f"{origin}: rows {first + 1} and {second + 1} are the same record "
            f"({count} record(s) appear more than once)"
        )
    return pa.table({"source": source, "source_id": source_id, "cluster_id": pa.array(ids)}), origin


def _first_blank(values: pa.Array) -> int | None:
    """The first row whose text is missing or empty, or None."""
    blank = np.asarray(pc.fill_null(pc.equal(values, ""), True).to_numpy(zero_copy_only=False), dtype=bool)
    return int(np.flatnonzero(blank)[0]) if blank.any() else None


def _first_duplicate(values: pa.Array) -> tuple[Any, int, int, int] | None:
    """A value that occurs more than once, its first two rows and how many values do, or None.

    >>> _first_duplicate(pa.array(["a", "b", "a", "c", "c"]))
    ('a', 0, 2, 2)
    """
    counts = pc.value_counts(values)
    dup = pc.filter(counts, pc.greater(counts.field("counts"), 1))
    if not len(dup):
        return None
    value = dup[0]["values"].as_py()
    rows = np.flatnonzero(np.asarray(pc.equal(values, value).to_numpy(zero_copy_only=False), dtype=bool))
    return value, int(rows[0]), int(rows[1]), len(dup)


def _whole_numbers(col: pa.ChunkedArray, origin: str) -> npt.NDArray[np.int64]:
    """A cluster id column (integers, whole floats such as pandas writes, or their text) as int64.

    Text is read digit for digit (``"9007199254740993"`` is not rounded to the nearest float64).
    """
    arr = col.combine_chunks()
    values: npt.NDArray[np.int64]
    if pa.types.is_integer(arr.type) and arr.null_count == 0:
        values = arr.to_numpy().astype(np.int64)
        bad = (values < 0) | (values >= MAX_CLUSTER_ID)
    elif pa.types.is_floating(arr.type):
        floats = arr.to_numpy(zero_copy_only=False)
        bad = ~np.isfinite(floats) | (floats < 0) | (floats != np.floor(floats)) | (floats >= MAX_CLUSTER_ID)
        values = np.where(bad, 0, floats).astype(np.int64)
    else:
        values = _whole_texts(_as_strings(arr, origin, "cluster_id"))
        bad = (values < 0) | (values >= MAX_CLUSTER_ID)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(f"{origin}: row {row + 1}: cluster_id must be a whole number from 0 to 2**62 - 1")
    return values


def _whole_texts(text: pa.Array) -> npt.NDArray[np.int64]:
    """Whole numbers written as text (``"17"``, or ``"17.0"`` as pandas writes float ids) as int64, -1
    where there is none.

    Through float64 where that is exact (below 2**53); the rest as 64-bit integers, else digit by
    digit (:func:`_whole_number`), so that no id is rounded to another.
    """
    try:
        floats = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some value is no number: all go the exact way
        floats = np.full(len(text), np.nan)
    exact = np.isfinite(floats) & (np.abs(floats) < 2.0**53) & (floats == np.floor(floats))
    values = np.where(exact, floats, -1).astype(np.int64)
    rest = np.flatnonzero(~exact)
    if len(rest):
        left = text.take(pa.array(rest))
        exact_ints = _int64_or_none(left)
        values[rest] = exact_ints if exact_ints is not None else [_whole_number(v) for v in left.to_pylist()]
    return values


def _int64_or_none(text: pa.Array) -> npt.NDArray[np.int64] | None:
    """``text`` as 64-bit integers when every value is one (``"17"``, not ``"17.0"`` or missing), else None."""
    if text.null_count:
        return None
    try:
        return np.asarray(pc.cast(text, pa.int64()).to_numpy(), dtype=np.int64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some value is not an integer: digit by digit
        return None


def _whole_number(value: str | None) -> int:
    """``value`` ("17", " 17 ", "17.0", "1.7e1") as an exact int, or -1 if it is not a whole number."""
    try:
        number = decimal.Decimal(value.strip()) if value is not None else None
    except decimal.InvalidOperation:
        return -1
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return -1
    return int(number) if 0 <= number < MAX_CLUSTER_ID else -1


def _from_mixed_pandas(frame: Any) -> pa.Table:
    """A DataFrame with object columns that mix numbers and text (``read_excel``): those are read as text."""
    arrays = []
    for k in range(frame.shape[1]):
        column = frame.iloc[:, k]
        try:
            arrays.append(pa.Array.from_pandas(column))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.Array.from_pandas(column.astype("string")))
    return pa.table(arrays, names=[str(c) for c in frame.columns])


def _as_strings(col: pa.ChunkedArray | pa.Array, origin: str, name: str) -> pa.Array:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_string(arr.type):
        return arr
    if pa.types.is_large_string(arr.type) or pa.types.is_null(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_floating(arr.type):
        # A float id column (pandas NaN-widened ints): 123.0 -> "123".
        values = arr.to_numpy(zero_copy_only=False)
        whole = np.isfinite(values) & (np.floor(values) == values)
        text = [
            None if v is None or (isinstance(v, float) and v != v) else (str(int(v)) if w else repr(v))
            for v, w in zip(arr.to_pylist(), whole, strict=True)
        ]
        return pa.array(text, pa.string())
    try:
        if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
            return arr.cast(pa.list_(pa.string()))
        return arr.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise InputError(f"{origin}: column {name!r} of type {arr.type} cannot be read as text") from None


def _calendar_date(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A timestamp column (pandas ``datetime64``, Parquet) as the date it falls on in its own time zone."""
    if not pa.types.is_timestamp(col.type):
        return col
    return pc.cast(pc.local_timestamp(col) if col.type.tz else col, pa.date32())


def _resolve_mapping(source: SourceInput, explicit: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Canonical -> raw columns for one source: explicit entries, then aliases for the rest."""
    present = list(source.table.column_names)
    squashed: dict[str, str] = {}
    for raw in present:
        squashed.setdefault(_squash(raw), raw)
    mapping: dict[str, list[str]] = {}
    used: set[str] = set()
    for canonical, columns in explicit.items():
        mapping[canonical] = list(columns)
        used.update(columns)
    for canonical, aliases in ALIASES.items():
        if canonical in mapping:
            continue
        if canonical in present and canonical not in used:
            mapping[canonical] = [canonical]
            used.add(canonical)
            continue
        # Aliases can squash alike ("email", "e_mail"): each raw column is taken once.
        found = list(
            dict.fromkeys(
                squashed[a]
                for a in (_squash(x) for x in aliases)
                if a in squashed and squashed[a] not in used
            )
        )
        if not found:
            continue
        if canonical in MULTI_VALUE_COLUMNS:
            mapping[canonical] = found
            used.update(found)
        else:
            mapping[canonical] = [found[0]]
            used.add(found[0])
    return mapping


#: How one cell holds several values: e-mails by ``;`` or ``,``; phones by ``;`` only (a comma or a slash
#: can be part of one number: ``0151/45712175``, ``212-736-5000, ext. 12``).
_CELL_SEPARATORS = {"email": r"\s*[;,]\s*", "phone": r"\s*;\s*"}


def _list_column(columns: list[pa.Array], split: str | None) -> pa.Array:
    """Several string columns (or delimited cells, split by the ``split`` pattern) -> ``list<string>``
    without nulls or blanks."""
    parts: list[pa.Array] = []
    for arr in columns:
        if pa.types.is_list(arr.type):
            parts.append(arr)
            continue
        if split is not None:
            arr = pc.split_pattern_regex(arr, split)
        else:
            arr = pa.ListArray.from_arrays(pa.array(np.arange(len(arr) + 1, dtype=np.int32)), arr)
        parts.append(arr)
    n = len(parts[0])
    flats, rows = [], []
    for k, arr in enumerate(parts):
        flat = pc.list_flatten(arr)
        parent = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
        flats.append(flat)
        rows.append(parent * len(parts) + k)
    values = pa.concat_arrays([f.cast(pa.string()) for f in flats]) if flats else pa.array([], pa.string())
    order_key = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    trimmed = pc.utf8_trim_whitespace(values)
    keep = pc.and_(pc.is_valid(trimmed), pc.not_equal(trimmed, "")).to_numpy(zero_copy_only=False)
    keep = np.asarray(keep, dtype=bool)
    order_key = order_key[keep]
    values = trimmed.filter(pa.array(keep))
    order = np.argsort(order_key, kind="stable")
    values = values.take(pa.array(order))
    row_of = order_key[order] // len(parts)
    offsets = np.zeros(n + 1, dtype=np.int32)
    offsets[1:] = np.bincount(row_of, minlength=n)  # values per row
    return pa.ListArray.from_arrays(pa.array(np.cumsum(offsets, dtype=np.int32)), values)


def canonicalize(source: SourceInput, explicit: Mapping[str, Sequence[str]]) -> pa.Table:
    """Map one source to the canonical columns and check its keys (see module docs for the errors)."""
    table = source.table
    if table.num_rows == 0:
        raise InputError(f"{source.origin}: no rows")
    mapping = _resolve_mapping(source, explicit)
    for canonical, columns in mapping.items():
        for column in columns:
            if column not in table.column_names:
                raise InputError(
                    f"{source.origin}: column {column!r} (mapped to {canonical}) is not in the input; "
                    f"columns are: {', '.join(table.column_names)}"
                )
    if "source_id" not in mapping:
        raise InputError(
            f"{source.origin}: no source_id column (looked for {', '.join(ALIASES['source_id'])}); "
            "name one with --column source_id=COLUMN"
        )
    out: dict[str, pa.Array] = {}
    for canonical in CANONICAL_COLUMNS:
        if not mapping.get(canonical):
            continue
        columns = mapping[canonical]
        raw = [table.column(c) for c in columns]
        if canonical == "date_of_birth":
            raw = [_calendar_date(col) for col in raw]
        arrays = [_as_strings(col, source.origin, c) for col, c in zip(raw, columns, strict=True)]
        if canonical in MULTI_VALUE_COLUMNS:
            out[canonical] = _list_column(arrays, split=_CELL_SEPARATORS.get(canonical))
        else:
            out[canonical] = (
                pc.utf8_trim_whitespace(arrays[0]) if pa.types.is_string(arrays[0].type) else arrays[0]
            )
    ids = out["source_id"]
    if (row := _first_blank(ids)) is not None:
        raise InputError(f"{source.origin}: row {row + 1}: empty source_id ({mapping['source_id'][0]})")
    if (dup := _first_duplicate(ids)) is not None:
        value, first, second, count = dup
        raise InputError(
            f"{source.origin}: duplicate source_id {value!r} in rows {first + 1} and {second + 1} "
            f"({count} duplicated id(s) in all)"
        )
    n = table.num_rows
    columns_out = {
        "source": pa.array([source.name] * n, pa.string()),
        **out,
        "row": pa.array(np.arange(n, dtype=np.int64)),
    }
    return pa.table(columns_out)


def combine_sources(
    sources: Sequence[SourceInput],
    mapping: Mapping[str | None, Mapping[str, Sequence[str]]] | None = None,
) -> pa.Table:
    """Canonicalise every source and stack them into one table (columns missing in one are null).

    ``mapping`` is ``{source_name_or_None: {canonical: [columns]}}``; ``None`` entries apply to every
    source that has at least one of the named columns, and a named column found in no source at all is
    an error.
    """
    mapping = mapping or {}
    for entries in mapping.values():
        for canonical, columns in entries.items():
            _check_entry(canonical, columns, f"column mapping {canonical} = {', '.join(columns)}")
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"two inputs share the source name {dupes[0]!r}; rename one file")
    for scope in mapping:
        if scope is not None and scope not in names:
            raise InputError(f"--column {scope}:...: no input named {scope!r} (inputs: {', '.join(names)})")
    general = mapping.get(None, {})
    for canonical, columns in general.items():
        for column in columns:
            if not any(column in s.table.column_names for s in sources):
                raise InputError(
                    f"column {column!r} (mapped to {canonical}) is in none of the inputs: "
                    + "; ".join(f"{s.origin}: {', '.join(s.table.column_names)}" for s in sources)
                )
    tables = []
    for s in sources:
        explicit: dict[str, list[str]] = {}
        for canonical, columns in general.items():
            have = [c for c in columns if c in s.table.column_names]
            if have:
                explicit[canonical] = have
        explicit.update({k: list(v) for k, v in mapping.get(s.name, {}).items()})
        tables.append(canonicalize(s, explicit))
    return _stack(tables)


def _stack(tables: list[pa.Table]) -> pa.Table:
    columns: list[str] = ["source"]
    for t in tables:
        columns.extend(c for c in t.column_names if c not in columns)
    aligned = []
    for t in tables:
        arrays = []
        for c in columns:
            if c in t.column_names:
                arrays.append(t.column(c))
            else:
                typ = pa.list_(pa.string()) if c in MULTI_VALUE_COLUMNS else pa.string()
                arrays.append(pa.nulls(t.num_rows, typ))
        aligned.append(pa.table(arrays, names=columns))
    return pa.concat_tables(aligned).combine_chunks()


def check_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` as a file to write: its folder must exist (:class:`~identity.InputError` naming it if not)."""
    target = Path(path)
    if not target.parent.exists():  # a file in its place fails at the write, saying so
        raise InputError(f"{target}: the folder {target.parent} does not exist")
    return target


def check_output(path: str | Path) -> Path:
    """``path`` as an output file: it must end in .csv or .parquet and its folder must exist
    (:class:`~identity.InputError` naming it if not)."""
    target = check_folder(path)
    if target.suffix.lower() not in {".parquet", ".pq", ".csv"}:
        raise InputError(f"{target}: output must end in .csv or .parquet")
    return target


def write_table(table: pa.Table, path: str | Path) -> None:
    """Write ``table`` as CSV or Parquet, chosen by the file extension.

    The file appears whole or not at all: the table is written to a temporary file in the same folder,
    which then replaces ``path``; an error or an interrupt leaves ``path`` as it was. A target that
    cannot be written is an :class:`~identity.InputError` naming it.

    >>> import tempfile, pyarrow as pa
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_table(pa.table({"a": [1, 2]}), f"{folder}/out.csv")
    ...     print(Path(f"{folder}/out.csv").read_text().split(), sorted(p.name for p in Path(folder).iterdir()))
    ['"a"', '1', '2'] ['out.csv']
    """
    target = check_output(path)

    def write(partial: Path) -> None:
        if target.suffix.lower() == ".csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, partial)
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, partial)

    write_whole(target, write)


def write_whole(target: Path, write: Callable[[Path], None]) -> None:
    """Have ``write`` fill a temporary file beside ``target``, then put it in ``target``'s place: the file
    appears whole or not at all. A target that cannot be written is an :class:`~identity.InputError`
    naming it (an interrupt leaves ``target`` as it was, and no temporary file)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        write(partial)
        os.replace(partial, target)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        raise InputError(f"{target}: cannot write it ({reason})") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
