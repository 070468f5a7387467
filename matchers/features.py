"""Per-record matching keys, computed once per record (never per pair) as integer-coded columns.

:func:`build_features` takes a table of canonical columns (``first_name``, ``last_name``, ``full_name``,
``email`` and ``phone`` as lists, ``address``, ``postcode``, ...) and returns :class:`Features`: numpy
arrays of codes that blocking and comparisons index by record number.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from matchers import _workers
from matchers._columns import (
    Codes,
    GroupedUniques,
    distinct_array,
    encode,
    encode_grouped,
    fill_undecided,
    group_uniques,
    list_to_matrix,
    to_string_array,
    undecided,
)
from normalizers import _arrow_address, _arrow_email, _arrow_name, _arrow_phone, _arrow_postcode
from normalizers import address as _address
from normalizers import email as _email
from normalizers import name as _name

__all__ = ["MAX_EMAILS", "MAX_NICKNAME_GROUPS", "MAX_PHONES", "Features", "build_features", "dob_keys_many"]

#: Inputs with at least this many records use a worker process when ``workers >= 2``.
PARALLEL_MIN_RECORDS = 20_000


def second_process(workers: int, n: int) -> bool:
    """Whether work on ``n`` records goes partly to a forked second process (see :func:`build_features`).

    >>> second_process(2, 250_000), second_process(1, 250_000), second_process(2, 100)
    (True, False, False)
    """
    return workers >= 2 and n >= PARALLEL_MIN_RECORDS and _workers.can_fork()


#: At most this many phones / emails per record take part in matching (further ones are counted).
MAX_PHONES = 4
MAX_EMAILS = 3
#: Canonical-name ids kept per first name (``"chris"`` -> christopher, christine, christian ...).
MAX_NICKNAME_GROUPS = 6

IntArray = npt.NDArray[np.int64]


@dataclass
class Features:
    """Integer-coded matching keys of ``n`` records (``-1`` is missing everywhere).

    Attributes
    ----------
    n : int
        Number of records.
    source : ndarray of shape (n,)
        Source code of each record, indexing ``source_names``.
    first, last : ndarray of shape (n,)
        Folded first name and surname codes, indexing ``first_vocab`` / ``last_vocab``.
    first_groups : ndarray of shape (n, MAX_NICKNAME_GROUPS)
        Canonical-name ids of the first name; two first names are nickname-equivalent when a row shares
        an id. ``first_group_table`` holds the same per first-name code (last row: missing).
    first_initial : ndarray of shape (n,)
        Code point of the first letter of the first name.
    last_phonetic : ndarray of shape (n,)
        Phonetic key of the surname.
    suffix : ndarray of shape (n,)
        Generational suffix (``jr``, ``sr``, ``ii`` ...) taken off the surname or the full name.
    first_as_last, last_as_first : ndarray of shape (n,)
        The first name's code in the surname vocabulary and the surname's code in the first-name
        vocabulary (``-1`` where absent), to recognise swapped names (``SMITH JOHN`` read as
        first name Smith).
    last_tf, first_tf : ndarray of shape (n,)
        Relative frequency of the record's surname / first name among the records that have one.
    email : ndarray of shape (n, MAX_EMAILS)
        Email match-key codes; ``email_local`` the codes (into ``email_local_vocab``) of their local
        parts without separators and +tags.
    phone : ndarray of shape (n, MAX_PHONES)
        E.164 numbers as integers (digits after the ``+``).
    house, street, postcode, city, country : ndarray of shape (n,)
        Address codes: house number, normalised street name, postcode, folded city, ISO country.
    dob, national_id, company : ndarray of shape (n,)
        Codes of the value with punctuation and case removed (``dob_vocab`` / ``national_id_vocab``
        hold the values).
        Exact-match codes.
    vocabularies : dict of str to list of str
        The vocabularies of the code columns that have no ``*_vocab`` attribute of their own
        (``house``, ``city``, ``last_phonetic``, ``suffix``, ``company``), and ``first_group``: the
        canonical first name of each nickname-group id. With them a new record can be coded in the same
        code spaces (the real-time resolver does this).
    """

    n: int
    source: Codes
    source_names: list[str]
    first: Codes
    first_vocab: list[str]
    first_groups: npt.NDArray[np.int32]
    first_group_table: npt.NDArray[np.int32]
    first_initial: Codes
    last: Codes
    last_vocab: list[str]
    last_phonetic: Codes
    suffix: Codes
    first_as_last: Codes
    last_as_first: Codes
    last_tf: npt.NDArray[np.float64]
    first_tf: npt.NDArray[np.float64]
    email: npt.NDArray[np.int32]
    email_vocab: list[str]
    email_local: npt.NDArray[np.int32]
    email_local_vocab: list[str]
    phone: npt.NDArray[np.int64]
    house: Codes
    street: Codes
    street_vocab: list[str]
    postcode: Codes
    postcode_vocab: list[str]
    city: Codes
    country: Codes
    country_vocab: list[str]
    dob: Codes
    dob_vocab: list[str]
    national_id: Codes
    national_id_vocab: list[str]
    company: Codes
    stats: dict[str, int] = field(default_factory=dict)
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    #: Per-vocabulary helper arrays the comparisons derive once and reuse (not part of the data).
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def first_strings(self, rows: IntArray) -> list[str]:
        """The folded first names of ``rows`` ('' when missing), for fuzzy comparison."""
        return _strings(self.first_vocab, self.first[rows])

    #: Array attributes that are not per record (indexed by a vocabulary code, not a record number).
    NOT_PER_RECORD: ClassVar[frozenset[str]] = frozenset({"first_group_table"})

    def take(self, rows: IntArray) -> Features:
        """A new :class:`Features` of the records ``rows``, in that order (record ``k`` of the result is
        record ``rows[k]`` here).

        Every per-record array (shape ``(n,)`` or ``(n, width)``) is taken; the vocabularies, the
        code tables (``first_group_table``), ``stats`` and ``vocabularies`` are shared, so codes keep
        their meaning. A permutation of ``range(n)`` reorders the records.

        >>> import pyarrow as pa
        >>> f = build_features(pa.table({"first_name": ["Ann", "Bob", None], "phone": ["+12127365000", None, None]}))
        >>> g = f.take(np.array([2, 0]))
        >>> g.n, g.first_strings(np.arange(2)), g.phone[:, 0].tolist()
        (2, ['', 'ann'], [-1, 12127365000])
        """
        rows = np.asarray(rows, dtype=np.int64)
        values: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if name == "cache":
                values[name] = {}
            elif isinstance(value, np.ndarray) and name not in self.NOT_PER_RECORD:
                if value.shape[:1] != (self.n,):
                    raise ValueError(f"Features.{name} has shape {value.shape}, not ({self.n}, ...)")
                values[name] = np.take(value, rows, axis=0)  # far faster than value[rows] on 2-D arrays
            else:
                values[name] = value
        values["n"] = len(rows)
        return Features(**values)


def _strings(vocab: Sequence[str], codes: npt.NDArray[np.integer[Any]]) -> list[str]:
    lookup = np.array([*vocab, ""], dtype=object)
    return lookup[codes].tolist()  # type: ignore[no-any-return]


def _column(table: pa.Table, name: str) -> pa.Array | None:
    if name not in table.column_names:
        return None
    col = table.column(name)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _nulls(n: int) -> pa.Array:
    return pa.nulls(n, type=pa.string())


def build_features(table: pa.Table, *, region: str = "US", workers: int = 1) -> Features:
    """Normalise the canonical columns of ``table`` into :class:`Features`.

    Parameters
    ----------
    table : pyarrow.Table
        One row per record with a ``source`` column and any of the canonical columns; ``phone`` and
        ``email`` may be ``list<string>`` (several per record) or plain strings.
    region : str
        Default region for phone numbers and postcodes of records without a country.
    workers : int
        Phones, address lines, full names and e-mails of the common shapes are read column at once
        (``normalizers._arrow_*``); the scalar normalizers get the rest. With 2 or more workers (and a
        large input, on a platform that can fork), a second process takes slices of those leftover
        phones, address lines and full names while this one does e-mails and postcodes, until none is
        left. The result is the same for any number of workers.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"source": ["erp", "shop"], "full_name": ["SMITH, JOHN", None],
    ...               "first_name": [None, "Jon"], "last_name": [None, "Smith"],
    ...               "phone": [["(212) 736-5000"], ["+12127365000"]]})
    >>> f = build_features(t)
    >>> f.phone[:, 0].tolist(), f.last.tolist()
    ([12127365000, 12127365000], [0, 0])
    """
    n = table.num_rows
    stats: dict[str, int] = {}
    source_col = _column(table, "source")
    source, source_names = encode(source_col if source_col is not None else pa.array(["input"] * n))

    # Country first: phones and postcodes are read in the record's own country.
    country_col = _column(table, "country")
    country, country_vocab = encode(
        country_col if country_col is not None else _nulls(n), _address.country_code_many
    )
    regions: list[str | None] = list(country_vocab)

    emails_in = _emails_prepare(table, stats)
    # Phones, address lines and full names of the common shapes are read column at once here; the rest
    # go to a second process, which takes slices of them from the front while this one, done with
    # e-mails and postcodes, takes them from the back.
    phones_in = _phones_prepare(table, country, regions, region, stats)
    addresses_in = _addresses_prepare(_column(table, "address"))
    first_arr, last_arr, full_names = _names_prepare(table, n)
    with _workers.background(
        _workers.normalise,
        phones_in.chunks if phones_in is not None else None,
        region,
        addresses_in.chunks if addresses_in is not None else None,
        full_names.chunks if full_names is not None else None,
        enabled=second_process(workers, n),
    ) as worker:
        email, email_vocab, email_local, email_local_vocab = _emails_finish(n, emails_in)
        postcode_col = _column(table, "postcode")

        def _postcodes(values: list[str | None], group: str | None) -> list[str | None]:
            return _address.normalize_postcode_many(values, country=group or region)

        postcode, postcode_vocab = encode_grouped(
            postcode_col if postcode_col is not None else _nulls(n),
            country,
            regions,
            _postcodes,
            lambda values, group: _arrow_postcode.postcodes(values, group or region),
        )
        my_names = full_names.chunks.run_back(_workers.name_parts) if full_names is not None else {}
        my_addresses = (
            addresses_in.chunks.run_back(_workers.address_parts) if addresses_in is not None else {}
        )
        my_phones = (
            phones_in.chunks.run_back(functools.partial(_workers.e164_numbers, default_region=region))
            if phones_in is not None
            else {}
        )
        coded = worker()
    first, last, first_vocab, last_vocab, suffix, suffix_vocab = _names_finish(
        first_arr, last_arr, full_names, my_names, coded.names
    )
    first_group_table, group_names = _nickname_groups_named(first_vocab)
    phon_lookup, phonetic_vocab = encode(last_vocab, _name.phonetic_keys_many)
    first_as_last = _translate(first, first_vocab, last_vocab)
    last_as_first = _translate(last, last_vocab, first_vocab)
    first_groups = first_group_table[first]
    initials = np.array([ord(v[0]) if v else -1 for v in first_vocab] + [-1], dtype=np.int32)
    first_initial = initials[first]
    last_phonetic = np.append(phon_lookup, np.int32(-1))[last]
    last_tf = _term_frequency(last, len(last_vocab))
    first_tf = _term_frequency(first, len(first_vocab))
    house, street, street_vocab, house_vocab = _addresses_finish(
        n, addresses_in, my_addresses, coded.addresses
    )
    phone = _phones_finish(n, phones_in, my_phones, coded.phones)
    city_col = _column(table, "city")
    city, city_vocab = encode(city_col if city_col is not None else _nulls(n), _name.fold_many)
    dob_col = _column(table, "date_of_birth")
    dob, dob_vocab = encode(
        dob_col if dob_col is not None else _nulls(n), functools.partial(dob_keys_many, region=region)
    )
    nid_col = _column(table, "national_id")
    national_id, national_id_vocab = encode(nid_col if nid_col is not None else _nulls(n), _exact_many)
    company_col = _column(table, "company")
    company, company_vocab = encode(company_col if company_col is not None else _nulls(n), _name.fold_many)

    return Features(
        n=n,
        source=source,
        source_names=source_names,
        first=first,
        first_vocab=first_vocab,
        first_groups=first_groups,
        first_group_table=first_group_table,
        first_initial=first_initial,
        last=last,
        last_vocab=last_vocab,
        last_phonetic=last_phonetic,
        suffix=suffix,
        first_as_last=first_as_last,
        last_as_first=last_as_first,
        last_tf=last_tf,
        first_tf=first_tf,
        email=email,
        email_vocab=email_vocab,
        email_local=email_local,
        email_local_vocab=email_local_vocab,
        phone=phone,
        house=house,
        street=street,
        street_vocab=street_vocab,
        postcode=postcode,
        postcode_vocab=postcode_vocab,
        city=city,
        country=country,
        country_vocab=country_vocab,
        dob=dob,
        dob_vocab=dob_vocab,
        national_id=national_id,
        national_id_vocab=national_id_vocab,
        company=company,
        stats=stats,
        vocabularies={
            "house": house_vocab,
            "city": city_vocab,
            "last_phonetic": phonetic_vocab,
            "suffix": suffix_vocab,
            "company": company_vocab,
            "first_group": group_names,
        },
    )


def _translate(codes: Codes, vocab: Sequence[str], other: Sequence[str]) -> Codes:
    """Re-code ``codes`` (into ``vocab``) as codes into ``other``; -1 where the value is not there."""
    index = {value: k for k, value in enumerate(other)}
    table = np.array([index.get(v, -1) for v in vocab] + [-1], dtype=np.int32)
    return table[codes]


def _term_frequency(codes: Codes, size: int) -> npt.NDArray[np.float64]:
    """Each record's value frequency among the records that have the field (0.0 where missing)."""
    counts = np.bincount(codes[codes >= 0], minlength=size).astype(np.float64)
    present = max(int((codes >= 0).sum()), 1)
    return np.append(counts / present, 0.0)[codes]


def _exact_many(values: list[str | None]) -> list[str | None]:
    out: list[str | None] = []
    for v in values:
        key = "".join(ch for ch in v.casefold() if ch.isalnum()) if v else ""
        out.append(key or None)
    return out


#: Regions that write a date month first: 01/02/1980 is 2 January there and 1 February elsewhere.
MONTH_FIRST_REGIONS = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "PH"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_YMD = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:[t ].*)?")
_YMD_DIGITS = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_XYY = re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?:[t ].*)?")
_D_MON_Y = re.compile(r"(?P<d>\d{1,2})[-/. ]+(?P<mon>[a-z]{3,9})\.?[-/., ]+(?P<y>\d{4})")
_MON_D_Y = re.compile(r"(?P<mon>[a-z]{3,9})\.?[-/. ]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[-/. ]+(?P<y>\d{4})")


def dob_keys_many(values: list[str | None], region: str = "US") -> list[str | None]:
    """Dates of birth as ``YYYYMMDD`` keys, whatever their spelling.

    Read: ISO dates (with or without a time), ``YYYYMMDD``, ``D.M.YYYY``, ``D/M/YYYY`` or ``M/D/YYYY``
    (month first in :data:`MONTH_FIRST_REGIONS`, unless a part is over 12), ``2 Jan 1980`` and
    ``January 2, 1980``. A date before 1850 (``0001-01-01``, a placeholder) and a value without a digit
    other than 0 (``n/a``, ``0000-00-00``) are missing; any other value keeps its letters and digits, so
    that one typo from a date still compares (``19651301``).

    >>> dob_keys_many(["1980-01-02T00:00:00", "01/02/1980", "2 Jan. 1980", "n/a", "0000-00-00", "19651301"])
    ['19800102', '19800102', '19800102', None, None, '19651301']
    >>> dob_keys_many(["01/02/1980", "02.01.1980"], region="GB")
    ['19800201', '19800102']
    """
    month_first = region in MONTH_FIRST_REGIONS
    return [_dob_key(v.strip().casefold(), month_first) if v else None for v in values]


def _dob_key(text: str, month_first: bool) -> str | None:
    if m := _YMD.fullmatch(text) or _YMD_DIGITS.fullmatch(text):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    elif m := _XYY.fullmatch(text):
        a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
        day_first = m["sep"] == "." or a > 12 or (b <= 12 and not month_first)
        day, month = (a, b) if day_first else (b, a)
    elif (m := _D_MON_Y.fullmatch(text) or _MON_D_Y.fullmatch(text)) and m["mon"][:3] in _MONTHS:
        year, month, day = int(m["y"]), _MONTHS.index(m["mon"][:3]) + 1, int(m["d"])
    else:
        year = month = day = 0
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        key = "".join(ch for ch in text if ch.isalnum())
        return key if any("1" <= ch <= "9" for ch in key) else None
    return f"{date.year:04d}{date.month:02d}{date.day:02d}" if date.year >= 1850 else None


#: Slices the distinct full names are parsed in, taken by both processes.
NAME_CHUNKS = 32


@dataclass
class _FullNames:
    rows: IntArray  # records whose first and last name are both empty: names come from ``full_name``
    indices: IntArray  # per such record, its distinct full name (-1: none)
    first: pa.Array  # per distinct full name, as far as the column-at-once pass decided it
    last: pa.Array
    decided: npt.NDArray[np.bool_]
    chunks: _workers.Chunks[str | None]  # the full names that pass left to the scalar parser


def _names_prepare(table: pa.Table, n: int) -> tuple[pa.Array, pa.Array, _FullNames | None]:
    """First and last name columns, and the full names to parse where both are empty."""
    first_col = _column(table, "first_name")
    last_col = _column(table, "last_name")
    full_col = _column(table, "full_name")
    first_arr = to_string_array(first_col if first_col is not None else _nulls(n))
    last_arr = to_string_array(last_col if last_col is not None else _nulls(n))
    if full_col is None:
        return first_arr, last_arr, None
    need = pc.and_(pc.is_null(first_arr), pc.is_null(last_arr))
    rows = np.flatnonzero(need.to_numpy(zero_copy_only=False))
    if not len(rows):
        return first_arr, last_arr, None
    indices, names = distinct_array(to_string_array(full_col).take(pa.array(rows)))
    first, last, decided = _arrow_name.first_and_last(names)
    rest = _workers.Chunks(undecided(names, decided), NAME_CHUNKS)
    return first_arr, last_arr, _FullNames(rows, indices, first, last, decided, rest)


def _names_finish(
    first_arr: pa.Array,
    last_arr: pa.Array,
    full: _FullNames | None,
    *done: dict[int, list[tuple[str | None, str | None]]],
) -> tuple[Codes, Codes, list[str], list[str], Codes, list[str]]:
    """First and last names (taken from ``full_name`` where both are empty) and name suffixes, coded."""
    if full is not None:
        parts = full.chunks.merge(*done)
        full_first = fill_undecided(full.first, full.decided, [first for first, _ in parts])
        full_last = fill_undecided(full.last, full.decided, [last for _, last in parts])
        # Records named by a full name take its parts: index n + k of [column, parts of full names].
        has = full.indices >= 0
        take = np.arange(len(first_arr), dtype=np.int64)
        take[full.rows[has]] = len(first_arr) + full.indices[has]
        first_arr = pa.concat_arrays([first_arr, full_first]).take(pa.array(take))
        last_arr = pa.concat_arrays([last_arr, full_last]).take(pa.array(take))
    first, first_vocab = encode(first_arr, _first_token_many)
    raw_last, raw_vocab = encode(last_arr, _name.fold_many)
    split = [_split_suffix(v) for v in raw_vocab]
    last_lookup, last_vocab = encode([name for name, _ in split])
    suffix_lookup, suffix_vocab = encode([suffix for _, suffix in split])
    last = np.append(last_lookup, np.int32(-1))[raw_last]
    suffix = np.append(suffix_lookup, np.int32(-1))[raw_last]
    return first, last, first_vocab, last_vocab, suffix, suffix_vocab


#: Generational suffixes, folded, and the form they are compared in.
_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "2nd": "ii",
    "iii": "iii",
    "3rd": "iii",
    "iv": "iv",
    "4th": "iv",
}


def _split_suffix(folded: str) -> tuple[str | None, str | None]:
    """``"davis jr"`` -> ``("davis", "jr")``; a name that is only a suffix keeps it as the name."""
    head, _, tail = folded.rpartition(" ")
    if head and tail in _SUFFIXES:
        return head, _SUFFIXES[tail]
    return folded, None


def _first_token_many(values: list[str | None]) -> list[str | None]:
    """Folded first given name: ``"John Q."`` -> ``"john"`` (middle names are not compared)."""
    out: list[str | None] = []
    for folded in _name.fold_many(values):
        out.append(folded.split()[0] if folded else None)
    return out


def _nickname_groups(vocab: Sequence[str]) -> npt.NDArray[np.int32]:
    """Canonical-name ids per first-name code, shape (len(vocab) + 1, MAX_NICKNAME_GROUPS); last row -1."""
    return _nickname_groups_named(vocab)[0]


def _nickname_groups_named(vocab: Sequence[str]) -> tuple[npt.NDArray[np.int32], list[str]]:
    """:func:`_nickname_groups` and the canonical first name of each group id."""
    group_ids: dict[str, int] = {}
    table = np.full((len(vocab) + 1, MAX_NICKNAME_GROUPS), -1, dtype=np.int32)
    for k, value in enumerate(vocab):
        canon = sorted(_name.canonical_names(value))[:MAX_NICKNAME_GROUPS]
        for slot, c in enumerate(canon):
            table[k, slot] = group_ids.setdefault(c, len(group_ids))
    return table, list(group_ids)


#: Slices the distinct address lines are parsed in, taken by both processes (see :class:`_workers.Chunks`).
ADDRESS_CHUNKS = 32


@dataclass
class _Addresses:
    indices: IntArray
    house: pa.Array  # per distinct line, as far as the column-at-once pass decided it
    street: pa.Array
    decided: npt.NDArray[np.bool_]
    chunks: _workers.Chunks[str | None]  # the lines that pass left to the scalar parser


def _addresses_prepare(col: pa.Array | None) -> _Addresses | None:
    """The distinct address lines (each is parsed once) and each record's index into them."""
    if col is None:
        return None
    indices, lines = distinct_array(col)
    house, street, decided = _arrow_address.house_and_street(lines)
    rest = _workers.Chunks(undecided(lines, decided), ADDRESS_CHUNKS)
    return _Addresses(indices, house, street, decided, rest)


def _addresses_finish(
    n: int, addresses: _Addresses | None, *done: dict[int, list[tuple[str | None, str | None]]]
) -> tuple[Codes, Codes, list[str], list[str]]:
    """House number and normalised street name codes, and their vocabularies."""
    if addresses is None:
        return np.full(n, -1, np.int32), np.full(n, -1, np.int32), [], []
    parts = addresses.chunks.merge(*done)
    house_lookup, house_vocab = encode(
        fill_undecided(addresses.house, addresses.decided, [h for h, _ in parts])
    )
    street_lookup, street_vocab = encode(
        fill_undecided(addresses.street, addresses.decided, [s for _, s in parts])
    )
    house = np.append(house_lookup, np.int32(-1))[addresses.indices]
    street = np.append(street_lookup, np.int32(-1))[addresses.indices]
    return house, street, street_vocab, house_vocab


@dataclass
class _Emails:
    row: IntArray
    slot: IntArray
    indices: IntArray
    raw: pa.Array  # the distinct e-mail strings


def _emails_prepare(table: pa.Table, stats: dict[str, int]) -> _Emails | None:
    """The distinct e-mail strings (each is normalised once) and where each record's values go."""
    col = _column(table, "email")
    if col is None:
        return None
    flat, row, slot = _flatten(col, MAX_EMAILS, stats, "email")
    indices, raw = distinct_array(flat)
    return _Emails(row, slot, indices, raw)


def _emails_finish(
    n: int, emails: _Emails | None
) -> tuple[npt.NDArray[np.int32], list[str], npt.NDArray[np.int32], list[str]]:
    """Match-key codes of each record's e-mails, and codes of their bare local parts."""
    matrix = np.full((n, MAX_EMAILS), -1, dtype=np.int32)
    local = np.full((n, MAX_EMAILS), -1, dtype=np.int32)
    if emails is None:
        return matrix, [], local, []
    keys, decided = _arrow_email.match_keys(emails.raw)
    keys = fill_undecided(keys, decided, _email.match_key_many(undecided(emails.raw, decided)))
    key_codes, vocab = encode(keys)  # per distinct raw string
    codes = np.append(key_codes, np.int32(-1))[emails.indices]
    matrix[emails.row, emails.slot] = codes
    # "Same local part" ignores separators and +tags: john.smith@x ~ john_smith+shop@y.
    local_codes, local_vocab = encode(_workers.bare_locals(pa.array(vocab, pa.string())))
    local[emails.row, emails.slot] = np.append(local_codes, np.int32(-1))[codes]
    _compact(matrix, local)
    return matrix, vocab, local, local_vocab


@dataclass
class _Phones:
    row: IntArray
    slot: IntArray
    grouped: GroupedUniques
    # per country: E.164 digits as far as the column-at-once pass decided them, and where it did
    decided: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]]
    rest: list[tuple[str | None, list[str | None]]]  # per country: the strings that pass left over
    chunks: _workers.Chunks[tuple[str | None, list[str | None]]]  # ``rest`` in slices


def _phones_prepare(
    table: pa.Table, country: Codes, regions: Sequence[str | None], region: str, stats: dict[str, int]
) -> _Phones | None:
    """The distinct phone strings per country (each is parsed once): the common shapes read column at
    once, the rest in slices for the two processes."""
    col = _column(table, "phone")
    if col is None:
        return None
    flat, row, slot = _flatten(col, MAX_PHONES, stats, "phone")
    grouped = group_uniques(flat, country[row], regions)
    decided = [_arrow_phone.e164_digits(values, group or region) for group, values in grouped.groups]
    rest = [
        (group, undecided(values, done))
        for (group, values), (_, done) in zip(grouped.groups, decided, strict=True)
    ]
    slices = _workers.phone_slices(rest)
    return _Phones(row, slot, grouped, decided, rest, _workers.Chunks(slices, len(slices)))


def _phones_finish(
    n: int, phones: _Phones | None, *done: dict[int, list[npt.NDArray[np.int64]]]
) -> npt.NDArray[np.int64]:
    matrix = np.full((n, MAX_PHONES), -1, dtype=np.int64)
    if phones is None:
        return matrix
    grouped = phones.grouped
    per_task = _workers.join_slices(phones.rest, phones.chunks.merge(*done))
    numbers = np.full(grouped.size, -1, dtype=np.int64)  # per distinct (country, text)
    for slots, (digits, decided), values in zip(grouped.slots, phones.decided, per_task, strict=True):
        digits = digits.copy()
        digits[~decided] = values
        numbers[slots] = digits
    matrix[phones.row, phones.slot] = numbers[grouped.inverse]
    _compact(matrix)
    # The same number twice in one record (Phone1 == Cellular) is one piece of evidence.
    s = np.sort(matrix, axis=1)
    dup = np.zeros_like(s, dtype=bool)
    dup[:, 1:] = (s[:, 1:] == s[:, :-1]) & (s[:, 1:] >= 0)
    s[dup] = -1
    matrix[:] = -np.sort(-s, axis=1)
    return matrix


def _flatten(
    col: pa.Array, width: int, stats: dict[str, int], name: str
) -> tuple[pa.Array, IntArray, IntArray]:
    if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        total = int(pc.sum(pc.list_value_length(col)).as_py() or 0)
        flat, row, slot = list_to_matrix(col, width)
        if len(row) < total:
            stats[f"{name}_values_over_cap"] = total - len(row)
        return flat, row, slot
    values = to_string_array(col)
    return values, np.arange(len(values), dtype=np.int64), np.zeros(len(values), dtype=np.int64)


def _compact(matrix: npt.NDArray[Any], *companions: npt.NDArray[Any]) -> None:
    """Move present values (>= 0) to the left of each row, keeping companions aligned."""
    order = np.argsort(matrix < 0, axis=1, kind="stable")
    matrix[:] = np.take_along_axis(matrix, order, axis=1)
    for other in companions:
        other[:] = np.take_along_axis(other, order, axis=1)


def feature_summary(features: Features) -> Mapping[str, int]:
    """How many records have each key (for the CLI summary and docs)."""
    return {
        "records": features.n,
        "with_name": int(((features.first >= 0) | (features.last >= 0)).sum()),
        "with_email": int((features.email[:, 0] >= 0).sum()),
        "with_phone": int((features.phone[:, 0] >= 0).sum()),
        "with_address": int((features.street >= 0).sum()),
        "with_postcode": int((features.postcode >= 0).sum()),
    }
