"""The real-time resolver: find a customer from what a caller says, in about a millisecond.

:class:`Resolver` keeps what the batch path learnt (the records' integer-coded keys, the fitted
Fellegi-Sunter model and the cluster ids) and an in-memory index from blocking keys to record numbers:

- email match key, E.164 phone, the phone's last seven digits (searched only when nothing else is found);
- house + street + postcode, house + street + city;
- first initial + postcode, phonetic surname + postcode, nickname group + postcode (a name with a typo);
- nickname group of the first name + phonetic surname.

A key shared by more than :data:`MAX_KEY_ROWS` records (a common name) is used only when no other key
finds anyone.

:meth:`Resolver.lookup` normalises the query with the same normalizers as the batch path, finds the
records that share a key with it (never touching the other records), and scores each against the query
with the same comparisons and model as :func:`~identity.dedupe`. A pair scored in the batch and the
same two records met in a lookup get the same probability. A partial query (a phone only) simply has
``null`` levels, no evidence either way, for the fields it lacks.

The scoring works on a *local* :class:`~matchers.features.Features`: the candidates' rows and the
query's rows, with each vocabulary cut down to the values those rows hold, so that nothing in a lookup
costs time in proportion to the number of records.

Nothing a resolver returns holds stored personal data: matches carry ids, probabilities and
per-field explanations (levels and weights, never values); :meth:`Resolver.verify` answers whether a
claim agrees with a stored record without revealing it.
"""

from __future__ import annotations

import json
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from identity._dedupe import DEFAULT_THRESHOLD, DedupeResult, dedupe
from identity._exceptions import ConfigurationError, InputError, InsufficientQuery, NotFittedError
from identity._model_file import resolve_model
from identity._privacy import mask_email, mask_phone, mask_text
from identity._records import CustomerRecord
from matchers._workers import bare_local
from matchers.comparisons import DEFAULT_COMPARISONS, Comparison, SuffixComparison, cannot_link, compare_all
from matchers.features import (
    MAX_EMAILS,
    MAX_NICKNAME_GROUPS,
    MAX_PHONES,
    Features,
    _exact_many,
    _first_token_many,
    _split_suffix,
    dob_keys_many,
)
from matchers.fellegi_sunter import FellegiSunter, match_probability
from normalizers import address as _address
from normalizers import email as _email
from normalizers import name as _name
from normalizers import phone as _phone

__all__ = [
    "Contribution",
    "CustomerQuery",
    "Explanation",
    "Match",
    "Resolver",
    "Verification",
]

IntArray = npt.NDArray[np.int64]
#: A key shared by more records than this is too common to search by, unless nothing else is found.
MAX_KEY_ROWS = 64
#: At most this many readings of one query are scored (spoken-email candidates x phone readings).
MAX_ALTERNATIVES = 16
#: Version of the file :meth:`Resolver.save` writes.
FORMAT_VERSION = 1

_EMAIL_SPLIT = re.compile(r"\s*[;,]\s*")
_BITS = 19
_MASK = (1 << _BITS) - 1
_KEY_MASK = (1 << 58) - 1


# ------------------------------------------------------------------------------------------- models


class CustomerQuery(BaseModel):
    """What a caller said: any of these fields, each optional.

    ``spoken_email`` is a speech-to-text transcript ("john dot smith at g mail dot com"); every reading
    :func:`normalizers.email.from_speech` finds is tried. ``country`` (a name or ISO code) is the region
    phone numbers and postcodes are read in; without it the resolver's default region is tried first,
    then the regions of the indexed records. Unknown fields are a :class:`pydantic.ValidationError`
    naming the field (its value is not echoed). The ``repr`` masks phones and emails.

    >>> CustomerQuery(phone="212 736 5000", first_name="Bill")
    CustomerQuery(phone='*** *** 5000', first_name='B***')
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True
    )

    phone: str | None = None
    email: str | None = None
    spoken_email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    postcode: str | None = None
    address: str | None = None
    city: str | None = None
    country: str | None = None

    def __repr__(self) -> str:
        shown: list[str] = []
        for name, value in self.model_dump(exclude_none=True).items():
            if name == "phone":
                masked = mask_phone(value)
            elif name == "email":
                masked = mask_email(value)
            elif name == "country":
                masked = value
            else:
                masked = mask_text(value)
            shown.append(f"{name}={masked!r}")
        return f"CustomerQuery({', '.join(shown)})"

    __str__ = __repr__


@dataclass(frozen=True)
class Contribution:
    """One field's part in a score: its level and its match weight (log2 Bayes factor)."""

    field: str
    level: str
    weight: float

    def __str__(self) -> str:
        return f"{self.field}: {self.level} {self.weight:+.1f}"


@dataclass(frozen=True)
class Explanation:
    """Why a pair got its probability: the prior and every field's contribution, without any values.

    ``str()`` reads like ``"phone: exact +16.4; last_name: exact +9.2; prior -18.1; no evidence: email"``.
    """

    contributions: tuple[Contribution, ...]
    prior_weight: float

    @property
    def total_weight(self) -> float:
        """Prior plus every field's weight: the log2 odds of a match."""
        return self.prior_weight + sum(c.weight for c in self.contributions)

    def __str__(self) -> str:
        parts = [str(c) for c in self.contributions if c.level != "null"]
        parts.append(f"prior {self.prior_weight:+.1f}")
        missing = [c.field for c in self.contributions if c.level == "null"]
        if missing:
            parts.append("no evidence: " + ", ".join(missing))
        return "; ".join(parts)


@dataclass(frozen=True)
class Match:
    """A record found by :meth:`Resolver.lookup`.

    Attributes
    ----------
    source, source_id : str
        The record's system and its id there.
    cluster_id : int
        The customer (cluster) the record belongs to.
    probability : float
        Probability that the query and the record are the same person (the batch model's).
    weight : float
        The same as log2 odds.
    explanation : Explanation
        Each field's contribution; ``str(match.explanation)`` reads as text.
    """

    source: str
    source_id: str
    cluster_id: int
    probability: float
    weight: float
    explanation: Explanation


@dataclass(frozen=True)
class Verification:
    """Whether a claim agrees with a stored record, without any of the record's values.

    Attributes
    ----------
    outcome : {"match", "mismatch", "insufficient"}
        ``match``: the fields compared add up to at least the resolver's match weight, and none proves
        two different people; ``mismatch``: at most the mismatch weight, or a field proves two people
        (a different date of birth, Jr vs Sr); ``insufficient``: too little to say either.
    score : float
        Sum of the compared fields' match weights (log2 Bayes factor; 0 means no evidence).
    agreed, disagreed : tuple of str
        Fields whose weight is positive / negative.
    explanation : Explanation
        Levels and weights per field (the prior is 0: a claim is taken as even odds).
    """

    outcome: Literal["match", "mismatch", "insufficient"]
    score: float
    agreed: tuple[str, ...]
    disagreed: tuple[str, ...]
    explanation: Explanation


# ---------------------------------------------------------------------------------- normalisation


@dataclass
class _Row:
    """One record or query reading, normalised exactly as :func:`matchers.features.build_features` does."""

    source: str | None = None
    first: str | None = None
    last: str | None = None
    suffix: str | None = None
    phonetic: str | None = None
    groups: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[int] = field(default_factory=list)
    house: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    dob: str | None = None
    national_id: str | None = None
    company: str | None = None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def _email_values(value: Any) -> list[str]:
    out: list[str] = []
    for item in _values(value):
        out.extend(part for part in _EMAIL_SPLIT.split(item) if part.strip())
    return out


def _phone_keys(values: Sequence[str], region: str) -> list[int]:
    keys = _phone.e164_many(list(values[:MAX_PHONES]), region=region)
    numbers = sorted({int(k[1:]) for k in keys if k is not None}, reverse=True)
    return numbers


def _email_keys(values: Sequence[str]) -> list[str]:
    return [k for k in _email.match_key_many(list(values[:MAX_EMAILS])) if k is not None]


def _normalize(row: Mapping[str, Any], region: str) -> _Row:
    """A canonical row (``first_name``, ``email`` as a list ...) as :func:`build_features` codes it."""
    first_raw, last_raw = _text(row.get("first_name")), _text(row.get("last_name"))
    full = _text(row.get("full_name"))
    if first_raw is None and last_raw is None and full is not None:
        parsed = _name.parse_full_name(full)
        if parsed is not None:
            first_raw = parsed.first
            last_raw = f"{parsed.last} {parsed.suffix}" if parsed.last and parsed.suffix else parsed.last
    first = _first_token_many([_text(first_raw)])[0]
    folded_last = _name.fold_many([_text(last_raw)])[0]
    last, suffix = _split_suffix(folded_last) if folded_last else (None, None)
    country = _address.country_code_many([_text(row.get("country"))])[0]
    local_region = country or region
    parsed_address = _address.parse_address(_text(row.get("address")))
    out = _Row(
        source=_text(row.get("source")),
        first=first,
        last=last,
        suffix=suffix,
        phonetic=_name.phonetic_keys_many([last])[0] if last else None,
        groups=sorted(_name.canonical_names(first))[:MAX_NICKNAME_GROUPS] if first else [],
        emails=_email_keys(_email_values(row.get("email"))),
        phones=_phone_keys(_values(row.get("phone")), local_region),
        house=_text(parsed_address.house_number) if parsed_address else None,
        street=_text(parsed_address.street) if parsed_address else None,
        postcode=_address.normalize_postcode_many([_text(row.get("postcode"))], country=local_region)[0],
        city=_name.fold_many([_text(row.get("city"))])[0],
        country=country,
        dob=dob_keys_many([_text(row.get("date_of_birth"))], region)[0],
        national_id=_exact_many([_text(row.get("national_id"))])[0],
        company=_name.fold_many([_text(row.get("company"))])[0],
    )
    return out


def _record_row(record: CustomerRecord) -> dict[str, Any]:
    row = record.as_row()
    row["source"] = record.source
    return row


# ------------------------------------------------------------------------------------------ storage


class _Vocab:
    """A growable vocabulary: values in code order and the code of each value."""

    __slots__ = ("index", "values")

    def __init__(self, values: Iterable[str]) -> None:
        self.values: list[str] = list(values)
        self.index: dict[str, int] = {v: k for k, v in enumerate(self.values)}

    def add(self, value: str) -> int:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code


#: Per-record columns: name -> (dtype, width or 0 for one value per record).
_COLUMNS: dict[str, tuple[type, int]] = {
    "source": (np.int32, 0),
    "first": (np.int32, 0),
    "first_groups": (np.int32, MAX_NICKNAME_GROUPS),
    "first_initial": (np.int32, 0),
    "last": (np.int32, 0),
    "last_phonetic": (np.int32, 0),
    "suffix": (np.int32, 0),
    "last_tf": (np.float64, 0),
    "first_tf": (np.float64, 0),
    "email": (np.int32, MAX_EMAILS),
    "email_local": (np.int32, MAX_EMAILS),
    "phone": (np.int64, MAX_PHONES),
    "house": (np.int32, 0),
    "street": (np.int32, 0),
    "postcode": (np.int32, 0),
    "city": (np.int32, 0),
    "country": (np.int32, 0),
    "dob": (np.int32, 0),
    "national_id": (np.int32, 0),
    "company": (np.int32, 0),
    "cluster": (np.int64, 0),
    "alive": (np.bool_, 0),
}

#: Code column -> the vocabulary it indexes (``first_groups`` holds nickname-group ids).
_VOCAB_OF: dict[str, str] = {
    "source": "source",
    "first": "first",
    "first_groups": "first_group",
    "last": "last",
    "last_phonetic": "last_phonetic",
    "suffix": "suffix",
    "email": "email",
    "email_local": "email_local",
    "house": "house",
    "street": "street",
    "postcode": "postcode",
    "city": "city",
    "country": "country",
    "dob": "dob",
    "national_id": "national_id",
    "company": "company",
}

#: Columns a local Features is made of.
_LOCAL_COLUMNS = tuple(name for name in _COLUMNS if name not in ("cluster", "alive"))

#: Columns whose vocabulary the comparisons read: cut down to the local rows' values in each lookup.
_COMPACTED = (
    "first",
    "last",
    "email",
    "email_local",
    "street",
    "postcode",
    "country",
    "dob",
    "national_id",
    "source",
)


def _features_vocabularies(f: Features) -> dict[str, list[str]]:
    extra = f.vocabularies
    missing = {"house", "city", "last_phonetic", "suffix", "company", "first_group"} - set(extra)
    if missing and f.n:
        raise ConfigurationError(
            f"these Features lack the vocabularies {sorted(missing)}: build them with this version of "
            "matchers.features.build_features"
        )
    return {
        "source": list(f.source_names),
        "first": list(f.first_vocab),
        "last": list(f.last_vocab),
        "email": list(f.email_vocab),
        "email_local": list(f.email_local_vocab),
        "street": list(f.street_vocab),
        "postcode": list(f.postcode_vocab),
        "country": list(f.country_vocab),
        "dob": list(f.dob_vocab),
        "national_id": list(f.national_id_vocab),
        **{
            name: list(extra.get(name, []))
            for name in ("house", "city", "last_phonetic", "suffix", "company", "first_group")
        },
    }


class _KeyIndex:
    """Record numbers by tagged int64 key (see :func:`_tagged_keys`): one sorted array for the bulk,
    a dict for the records added since."""

    __slots__ = ("added", "keys", "rows")

    def __init__(self, keys: IntArray, rows: IntArray) -> None:
        # Stable: rows come in ascending order within a key (see _tagged_keys), and stay so.
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        # A record holding one value twice (Phone1 == Cellular) is listed once under it.
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
        self.keys: IntArray = keys[first]
        self.rows: IntArray = rows[first]
        self.added: dict[int, list[int]] = {}

    def add(self, keys: Iterable[int], row: int) -> None:
        for key in set(keys):
            self.added.setdefault(key, []).append(row)

    def find(self, keys: list[int]) -> list[tuple[int, IntArray]]:
        """``(key, rows)`` for every key of ``keys`` (distinct) that some record has."""
        lo = np.searchsorted(self.keys, keys, "left").tolist()
        hi = np.searchsorted(self.keys, keys, "right").tolist()
        out = [(key, self.rows[a:b]) for key, a, b in zip(keys, lo, hi, strict=True) if b > a]
        if self.added:
            for key in keys:
                extra = self.added.get(key)
                if extra:
                    out.append((key, np.asarray(extra, dtype=np.int64)))
        return out


def _pack(*parts: npt.NDArray[np.integer[Any]]) -> IntArray:
    """One int64 key from up to three code columns (19 bits each); -1 where any part is missing.

    Codes past 2**19 wrap around: two values may then share a key, which only adds a candidate.
    """
    key = np.zeros(parts[0].shape, dtype=np.int64)
    missing = np.zeros(parts[0].shape, dtype=bool)
    for part in parts:
        p = part.astype(np.int64)
        missing |= p < 0
        key = (key << _BITS) | (p & _MASK)
    key[missing] = -1
    return key


#: The lookup keys, in tag order: the batch blocking keys and, for names with a typo, looser versions
#: of them (first initial + postcode finds a misspelt surname, phonetic surname + postcode a misspelt
#: first name, nickname group + postcode "Liz" for a misspelt Elizabeth Chambers).
INDEXES = (
    "email",
    "phone",
    "phone7",
    "first_initial+postcode",
    "surname_phonetic+postcode",
    "house+street+postcode",
    "nickname_group+surname_phonetic",
    "nickname_group+postcode",
    "house+street+city",
)
#: Searched only when the other keys find nothing (a number with a wrong area code).
_FALLBACK_TAGS = frozenset({INDEXES.index("phone7")})
_TAG_SHIFT = 58


def _tagged_keys(c: Mapping[str, npt.NDArray[Any]]) -> tuple[IntArray, IntArray]:
    """All lookup keys of the rows of columns ``c``: ``(keys, rows)``, missing keys left out.

    A key carries its index's number in bits 58-61, so one sorted array serves every index.
    """
    n = len(c["first"])
    phone = c["phone"].astype(np.int64)
    postcode = c["postcode"][:, None]
    phonetic = c["last_phonetic"][:, None]
    parts = (
        c["email"].astype(np.int64),
        phone,
        np.where(phone >= 0, phone % 10_000_000, -1),
        _pack(c["first_initial"][:, None], postcode),
        _pack(phonetic, postcode),
        _pack(c["house"][:, None], c["street"][:, None], postcode),
        _pack(c["first_groups"], np.broadcast_to(phonetic, (n, MAX_NICKNAME_GROUPS))),
        _pack(c["first_groups"], np.broadcast_to(postcode, (n, MAX_NICKNAME_GROUPS))),
        _pack(c["house"][:, None], c["street"][:, None], c["city"][:, None]),
    )
    rows = np.arange(n, dtype=np.int64)
    all_keys, all_rows = [], []
    for tag, keys in enumerate(parts):
        present = keys >= 0
        all_keys.append((keys[present] & _KEY_MASK) | (tag << _TAG_SHIFT))
        all_rows.append(np.broadcast_to(rows[:, None], keys.shape)[present])
    return np.concatenate(all_keys), np.concatenate(all_rows)


def _padded(values: list[int], width: int) -> list[int]:
    return values + [-1] * (width - len(values))


def _pack_py(*parts: int) -> int:
    key = 0
    for part in parts:
        if part < 0:
            return -1
        key = (key << _BITS) | (part & _MASK)
    return key


def _row_keys(v: Mapping[str, Any]) -> list[int]:
    """:func:`_tagged_keys` of one coded row, in plain Python (a lookup codes one to a few rows, where
    numpy's per-call cost would dominate); tests check that both agree."""
    raw: list[tuple[int, int]] = []
    raw.extend((0, e) for e in v["email"])
    raw.extend((1, p) for p in v["phone"])
    raw.extend((2, p % 10_000_000 if p >= 0 else -1) for p in v["phone"])
    postcode, phonetic = v["postcode"], v["last_phonetic"]
    raw.append((3, _pack_py(v["first_initial"], postcode)))
    raw.append((4, _pack_py(phonetic, postcode)))
    raw.append((5, _pack_py(v["house"], v["street"], postcode)))
    raw.extend((6, _pack_py(g, phonetic)) for g in v["first_groups"])
    raw.extend((7, _pack_py(g, postcode)) for g in v["first_groups"])
    raw.append((8, _pack_py(v["house"], v["street"], v["city"])))
    return [(key & _KEY_MASK) | (tag << _TAG_SHIFT) for tag, key in raw if key >= 0]


@dataclass
class _Coded:
    """Readings coded as per-record columns (``arrays``) and their lookup keys."""

    arrays: dict[str, npt.NDArray[Any]]
    keys: list[int]


def _term_frequency(
    codes: npt.NDArray[np.integer[Any]], counts: IntArray, present: int
) -> npt.NDArray[np.float64]:
    safe = np.where(codes >= 0, codes, 0)
    tf = counts[safe] / max(present, 1)
    return np.where(codes >= 0, tf, 0.0)


# ------------------------------------------------------------------------------------------ resolver


@dataclass
class _Scored:
    rows: IntArray
    alternative: IntArray
    gamma: npt.NDArray[np.int8]
    weights: npt.NDArray[np.float32]
    total: npt.NDArray[np.float64]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[Concatenate[Resolver, _P], _R]) -> Callable[Concatenate[Resolver, _P], _R]:
    """Run a :class:`Resolver` method under the resolver's lock (see the class docstring)."""

    def run(self: Resolver, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    # functools.wraps, spelled out: its return type hides the signature from mypy
    run.__name__, run.__qualname__, run.__doc__ = method.__name__, method.__qualname__, method.__doc__
    run.__wrapped__ = method  # type: ignore[attr-defined]
    return run


class Resolver:
    """Real-time lookups over the customers a batch run has seen.

    Build one with :meth:`build` (runs :func:`~identity.dedupe`) or :meth:`from_result`; keep it with
    :meth:`save` and :meth:`load`. Lookups, verification and the incremental changes (:meth:`add`,
    :meth:`update`, :meth:`remove`) all run in memory, in place. A resolver may be shared by threads (a
    voice agent's web server): every public method runs under one lock, so a lookup never sees a change
    half made. Lookups are serialized too; they spend their time holding the interpreter lock anyway.

    Parameters
    ----------
    result : DedupeResult
        A batch result with its features and a fitted :class:`~matchers.fellegi_sunter.FellegiSunter`.
    region : str
        Default region for phones and postcodes (as given to :func:`~identity.dedupe`).
    threshold : float
        Probability at or above which a new record joins a customer's cluster.
    match_weight, mismatch_weight : float
        :meth:`verify`'s thresholds on the claim's summed match weight.

    Examples
    --------
    >>> from identity import dedupe
    >>> result = dedupe({"erp": "examples/erp_customers.csv", "shopify": "examples/shopify_customers.csv"})
    >>> resolver = Resolver.from_result(result)
    >>> best = resolver.lookup({"phone": "(513) 895-6944"})[0]
    >>> best.source, best.source_id, str(best.explanation).split(":")[0]
    ('erp', 'C000101', 'phone')
    """

    #: The id the next new customer gets (above every id the resolver's clusters ever had).
    _next_cluster: int

    def __init__(
        self,
        result: DedupeResult,
        *,
        region: str = "US",
        threshold: float = DEFAULT_THRESHOLD,
        match_weight: float = 12.0,
        mismatch_weight: float = -3.0,
    ) -> None:
        f = result.features
        if f is None:
            raise NotFittedError("the DedupeResult holds no features: build it with identity.dedupe()")
        if not isinstance(result.model, FellegiSunter):
            raise ConfigurationError("the resolver needs a Fellegi-Sunter model (a run without labels)")
        columns: dict[str, npt.NDArray[Any]] = {}
        for name, (dtype, _) in _COLUMNS.items():
            if name in ("cluster", "alive"):
                continue
            columns[name] = np.ascontiguousarray(getattr(f, name), dtype=dtype)
        columns["cluster"] = result.clusters.column("cluster_id").to_numpy().astype(np.int64)
        columns["alive"] = np.ones(f.n, dtype=bool)
        group_table = np.asarray(f.first_group_table[: len(f.first_vocab)], dtype=np.int32)
        source_ids = [str(v) for v in result.clusters.column("source_id").to_pylist()]
        self._setup(
            columns=columns,
            vocabs=_features_vocabularies(f),
            group_table=group_table,
            source_ids=source_ids,
            model=result.model,
            region=region,
            threshold=threshold,
            match_weight=match_weight,
            mismatch_weight=mismatch_weight,
        )
        # With ``previous``, ids retired tonight (above today's largest) are still not free.
        self._next_cluster = max(self._next_cluster, int(result.summary.get("next_cluster_id", 0)))

    def _setup(
        self,
        *,
        columns: dict[str, npt.NDArray[Any]],
        vocabs: dict[str, list[str]],
        group_table: npt.NDArray[np.int32],
        source_ids: list[str],
        model: FellegiSunter,
        region: str,
        threshold: float,
        match_weight: float,
        mismatch_weight: float,
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ConfigurationError(f"threshold must be between 0 and 1 (exclusive), got {threshold}")
        self.region = region.strip().upper()
        self.threshold = threshold
        self.match_weight = match_weight
        self.mismatch_weight = mismatch_weight
        self.model = model
        self.comparisons: tuple[Comparison, ...] = tuple(model.comparisons)
        self._lock = threading.RLock()
        self._size = len(source_ids)
        self._cols = columns
        self._vocabs = {name: _Vocab(values) for name, values in vocabs.items()}
        self._group_table = group_table
        self._source_ids = source_ids
        sources = self._vocabs["source"].values
        source_codes = columns["source"][: self._size].tolist()
        alive = columns["alive"][: self._size]
        self._row_of: dict[tuple[str, str], int] = {
            (sources[s], i): k
            for k, (s, i, a) in enumerate(zip(source_codes, source_ids, alive.tolist(), strict=True))
            if a
        }
        self._regions = [r for r in self._vocabs["country"].values if r != self.region]
        live = self._live_columns()
        self._first_counts = np.bincount(
            live["first"][live["first"] >= 0], minlength=len(self._vocabs["first"].values)
        ).astype(np.int64)
        self._last_counts = np.bincount(
            live["last"][live["last"] >= 0], minlength=len(self._vocabs["last"].values)
        ).astype(np.int64)
        self._next_cluster = int(columns["cluster"][: self._size].max()) + 1 if self._size else 0
        self._index = _KeyIndex(*_tagged_keys({k: v[: self._size] for k, v in columns.items()}))
        self._level_names = [list(c.levels) for c in self.comparisons]

    def _live_columns(self) -> dict[str, npt.NDArray[Any]]:
        alive = self._cols["alive"][: self._size]
        return {name: col[: self._size][alive] for name, col in self._cols.items()}

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_result(
        cls,
        result: DedupeResult,
        *,
        region: str = "US",
        threshold: float = DEFAULT_THRESHOLD,
        match_weight: float = 12.0,
        mismatch_weight: float = -3.0,
    ) -> Resolver:
        """A resolver over the records of a batch result (the same as ``Resolver(result, ...)``)."""
        return cls(
            result,
            region=region,
            threshold=threshold,
            match_weight=match_weight,
            mismatch_weight=mismatch_weight,
        )

    @classmethod
    def build(
        cls,
        sources: Any,
        *,
        region: str = "US",
        threshold: float = DEFAULT_THRESHOLD,
        match_weight: float = 12.0,
        mismatch_weight: float = -3.0,
        **dedupe_options: Any,
    ) -> Resolver:
        """Run :func:`~identity.dedupe` on ``sources`` and index its result.

        ``dedupe_options`` go to :func:`~identity.dedupe` (``columns``, ``link_only``, ``workers``,
        ``model`` ...; not ``labels`` nor a logistic ``model``: the resolver needs the unsupervised,
        Fellegi-Sunter model). With ``model`` (a file written by
        :meth:`DedupeResult.save_model <identity.DedupeResult.save_model>`, or a fitted model) nothing is
        trained.

        >>> import tempfile
        >>> from identity import dedupe
        >>> sample = ["examples/erp_customers.csv", "examples/shopify_customers.csv"]
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     dedupe(sample).save_model(f"{folder}/model.json")
        ...     resolver = Resolver.build(sample, model=f"{folder}/model.json")
        >>> resolver.lookup({"phone": "(513) 895-6944"})[0].source_id
        'C000101'
        """
        if dedupe_options.get("labels"):
            raise ConfigurationError(
                "Resolver.build: labels are not supported (the resolver needs EM weights)"
            )
        if dedupe_options.get("model") is not None:
            comparisons = dedupe_options.get("comparisons")
            model = resolve_model(
                dedupe_options["model"], tuple(comparisons) if comparisons is not None else DEFAULT_COMPARISONS
            )
            if not isinstance(model, FellegiSunter):
                raise ConfigurationError(
                    "Resolver.build: a logistic model is not supported (the resolver needs EM weights)"
                )
            dedupe_options["model"] = model
        result = dedupe(sources, region=region, threshold=threshold, **dedupe_options)
        return cls(
            result,
            region=region,
            threshold=threshold,
            match_weight=match_weight,
            mismatch_weight=mismatch_weight,
        )

    # -- persistence ----------------------------------------------------------------------------
    @_locked
    def save(self, path: str | Path) -> None:
        """Write the resolver to one ``.npz`` file: numpy arrays and a JSON header, no pickle."""
        header = {
            "format": "identity-resolver",
            "version": FORMAT_VERSION,
            "region": self.region,
            "threshold": self.threshold,
            "match_weight": self.match_weight,
            "mismatch_weight": self.mismatch_weight,
            "model": self.model.to_dict(),
            "link_only": self.model.link_only,
            "vocabularies": {name: v.values for name, v in self._vocabs.items()},
            "source_ids": self._source_ids,
            "next_cluster": self._next_cluster,
        }
        blob = np.frombuffer(json.dumps(header, separators=(",", ":")).encode("utf-8"), dtype=np.uint8)
        # Plain numeric arrays only: nothing in the file needs (or allows, on load) pickle.
        arrays: dict[str, Any] = {f"col_{name}": col[: self._size] for name, col in self._cols.items()}
        arrays["header"] = blob
        arrays["group_table"] = self._group_table
        with Path(path).open("wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: str | Path, *, comparisons: Sequence[Comparison] | None = None) -> Resolver:
        """Read a resolver written by :meth:`save`.

        ``comparisons`` must be those the model was fitted with (default: the library's defaults): other
        ones are a :class:`~identity.ConfigurationError`; a file that is not a resolver file, or a
        damaged one, an :class:`~identity.InputError`.
        """
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode("utf-8"))
                if header.get("format") != "identity-resolver" or header.get("version") != FORMAT_VERSION:
                    raise InputError(f"{path}: not a resolver file of version {FORMAT_VERSION}")
                columns = {name: np.array(data[f"col_{name}"]) for name in _COLUMNS}
                group_table = np.array(data["group_table"])
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise InputError(f"{path}: not a readable resolver file ({type(exc).__name__})") from None
        comps = tuple(comparisons) if comparisons is not None else DEFAULT_COMPARISONS
        saved = header.get("model", {}).get("comparisons") if isinstance(header.get("model"), dict) else None
        if saved is not None and list(saved) != [c.name for c in comps]:
            raise ConfigurationError(
                f"{path}: the resolver was saved with the comparisons {', '.join(map(str, saved))}; "
                f"pass those as comparisons= (given: {', '.join(c.name for c in comps)})"
            )
        try:
            model = FellegiSunter.from_dict(header["model"], comparisons=comps, link_only=bool(header["link_only"]))
        except (ValueError, KeyError, TypeError, OverflowError) as exc:  # OverflowError: int(Infinity)
            raise InputError(f"{path}: damaged resolver file ({type(exc).__name__}: {exc})") from None
        resolver = cls.__new__(cls)
        try:
            source_ids = [str(i) for i in header["source_ids"]]
            if any(len(col) != len(source_ids) for col in columns.values()):
                raise ValueError("the records' columns and ids differ in length")
            resolver._setup(
                columns=columns,
                vocabs=header["vocabularies"],
                group_table=group_table,
                source_ids=source_ids,
                model=model,
                region=str(header["region"]),
                threshold=float(header["threshold"]),
                match_weight=float(header["match_weight"]),
                mismatch_weight=float(header["mismatch_weight"]),
            )
            resolver._next_cluster = max(resolver._next_cluster, int(header["next_cluster"]))
        except (ValueError, KeyError, TypeError, IndexError, OverflowError) as exc:
            # The type only: a message about the vocabularies could quote a stored name or e-mail.
            raise InputError(f"{path}: damaged resolver file ({type(exc).__name__})") from None
        return resolver

    # -- container ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and key in self._row_of

    def __repr__(self) -> str:
        return f"Resolver({len(self)} records, {self._next_cluster} cluster ids, region={self.region!r})"

    @_locked
    def cluster_of(self, source: str, source_id: str) -> int:
        """The cluster id of a stored record (:class:`KeyError` when there is none)."""
        return int(self._cols["cluster"][self._row(source, source_id)])

    def _row(self, source: str, source_id: str) -> int:
        try:
            return self._row_of[(str(source), str(source_id))]
        except KeyError:
            raise KeyError(f"no record {source}:{source_id} in the resolver") from None

    # -- queries --------------------------------------------------------------------------------
    def _query(self, query: CustomerQuery | Mapping[str, Any]) -> CustomerQuery:
        if isinstance(query, CustomerQuery):
            return query
        if not isinstance(query, Mapping):  # a CustomerRecord too: a query is not a record
            raise TypeError(f"lookup takes a CustomerQuery or a dict, not {type(query).__name__}")
        return CustomerQuery.model_validate(dict(query))

    def _readings(self, query: CustomerQuery) -> list[_Row]:
        """The query's normalised readings: one per combination of email and phone readings."""
        base = _normalize(
            {
                "first_name": query.first_name,
                "last_name": query.last_name,
                "full_name": query.full_name,
                "address": query.address,
                "postcode": query.postcode,
                "city": query.city,
                "country": query.country,
            },
            self.region,
        )
        if query.postcode and base.country is None and base.postcode not in self._vocabs["postcode"].index:
            # A postcode of another country than the default region ("E1 7YS" read as a US ZIP fails):
            # take the first region in which it is the postcode of some record.
            for region in self._regions:
                value = _address.normalize_postcode_many([query.postcode], country=region)[0]
                if value is not None and value in self._vocabs["postcode"].index:
                    base.postcode = value
                    break
        emails: list[str] = []
        if query.email:
            emails.extend(_email_keys(_email_values(query.email)))
        if query.spoken_email:
            for candidate in _email.from_speech(query.spoken_email).candidates:
                key = _email.match_key(candidate)
                if key is not None and key not in emails:
                    emails.append(key)
        phones: list[int] = []
        if query.phone:
            phones = self._phone_readings(query.phone, base.country)
        readings = []
        email_options: list[str | None] = [*emails] or [None]
        phone_options: list[int | None] = [*phones] or [None]
        for e in email_options:
            for p in phone_options:
                readings.append(replace(base, emails=[e] if e else [], phones=[p] if p is not None else []))
        return readings[:MAX_ALTERNATIVES]

    def _phone_readings(self, raw: str, country: str | None) -> list[int]:
        """E.164 readings of a spoken or typed phone: in the query's region; when that is not a valid
        number, also every other region of the indexed records (a UK caller reading ``07...``)."""
        region = country or self.region
        first = _phone.parse(raw, region)
        key = _phone_keys([raw], region)
        out = list(key)
        if first is not None and first.is_valid:
            return out
        digits = "".join(ch for ch in raw if ch.isdigit())
        tries = [(raw, r) for r in self._regions if r != region]
        if digits and not raw.lstrip().startswith("+"):
            tries.append(("+" + digits, region))
        for text, r in tries:
            number = _phone.parse(text, r)
            if number is not None and number.is_valid:
                value = int(number.e164[1:])
                if value not in out:
                    out.append(value)
        return out

    def _encode(self, readings: Sequence[_Row], fresh: dict[str, list[str]] | None) -> _Coded:
        """Code readings into the resolver's code spaces, and compute their lookup keys.

        With ``fresh`` a dict, values the vocabularies lack get temporary codes past their end (noted
        in ``fresh``); with ``None`` they are added to the vocabularies.
        """
        vocabs = self._vocabs

        def code(vocab: str, value: str | None) -> int:
            if value is None:
                return -1
            v = vocabs[vocab]
            found = v.index.get(value)
            if found is not None:
                return found
            if fresh is None:
                return v.add(value)
            extra = fresh.setdefault(vocab, [])
            if value not in extra:
                extra.append(value)
            return len(v.values) + extra.index(value)

        cols: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
        keys: list[int] = []
        for r in readings:
            groups = [code("first_group", g) for g in r.groups[:MAX_NICKNAME_GROUPS]]
            emails = [code("email", e) for e in r.emails[:MAX_EMAILS]]
            values = {
                "source": code("source", r.source),
                "first": code("first", r.first),
                "first_groups": _padded(groups, MAX_NICKNAME_GROUPS),
                "first_initial": ord(r.first[0]) if r.first else -1,
                "last": code("last", r.last),
                "last_phonetic": code("last_phonetic", r.phonetic),
                "suffix": code("suffix", r.suffix),
                "last_tf": 0.0,
                "first_tf": 0.0,
                "email": _padded(emails, MAX_EMAILS),
                "email_local": _padded(
                    [code("email_local", bare_local(e)) for e in r.emails[:MAX_EMAILS]], MAX_EMAILS
                ),
                "phone": _padded(r.phones[:MAX_PHONES], MAX_PHONES),
                "cluster": -1,
                "alive": True,
            }
            for name in ("house", "street", "postcode", "city", "country", "dob", "national_id", "company"):
                values[name] = code(name, getattr(r, name))
            for name, value in values.items():
                cols[name].append(value)
            keys.extend(_row_keys(values))
        arrays: dict[str, npt.NDArray[Any]] = {
            name: np.array(cols[name], dtype=dtype).reshape(-1, width)
            if width
            else np.array(cols[name], dtype=dtype)
            for name, (dtype, width) in _COLUMNS.items()
        }
        return _Coded(arrays, sorted(set(keys)))

    def _groups_of_fresh_firsts(
        self, fresh: Mapping[str, list[str]], readings: Sequence[_Row]
    ) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        names = self._vocabs["first_group"]
        extra = fresh.get("first_group", [])
        for r in readings:
            if r.first is not None and r.first in fresh.get("first", []):
                ids = []
                for g in r.groups:
                    found = names.index.get(g)
                    ids.append(found if found is not None else len(names.values) + extra.index(g))
                groups[r.first] = ids
        return groups

    def _local(
        self, rows: IntArray, readings: Sequence[_Row], coded: _Coded, fresh: Mapping[str, list[str]]
    ) -> Features:
        """Features of stored ``rows`` followed by the ``coded`` readings, each vocabulary cut down to
        their values (so nothing here costs time in proportion to the number of records)."""
        store = self._cols
        cols = {name: np.concatenate([store[name][rows], coded.arrays[name]]) for name in _LOCAL_COLUMNS}
        # Name frequencies as they are now: a stored row's own date from when it was added.
        for tf_name, name, counts in (
            ("first_tf", "first", self._first_counts),
            ("last_tf", "last", self._last_counts),
        ):
            codes = cols[name].astype(np.int64)
            codes = np.where(codes < len(counts), codes, -1)  # a query's name not stored yet: no count
            cols[tf_name] = _term_frequency(codes, counts, int(counts.sum()))
        vocab_lists: dict[str, list[str]] = {}
        uniques: dict[str, list[int]] = {}
        for name in _COMPACTED:
            vocab = self._vocabs[_VOCAB_OF[name]].values
            extra = fresh.get(_VOCAB_OF[name], [])
            col = cols[name]
            flat = col.reshape(-1).tolist()
            uniq = sorted({c for c in flat if c >= 0})
            position = {c: k for k, c in enumerate(uniq)}
            cols[name] = np.array([position.get(c, -1) for c in flat], dtype=np.int32).reshape(col.shape)
            n_vocab = len(vocab)
            vocab_lists[name] = [vocab[c] if c < n_vocab else extra[c - n_vocab] for c in uniq]
            uniques[name] = uniq
        # Nickname groups per local first name; swapped-name codes from the local vocabularies.
        n_first = len(self._vocabs["first"].values)
        firsts = uniques["first"]
        table = np.full((len(firsts) + 1, MAX_NICKNAME_GROUPS), -1, dtype=np.int32)
        known = [k for k, c in enumerate(firsts) if c < n_first]
        if known:
            table[known] = self._group_table[[firsts[k] for k in known]]
        if len(known) < len(firsts):
            fresh_groups = self._groups_of_fresh_firsts(fresh, readings)
            for k, c in enumerate(firsts):
                if c >= n_first:
                    ids = fresh_groups.get(vocab_lists["first"][k], [])
                    table[k, : len(ids)] = ids
        first_vocab, last_vocab = vocab_lists["first"], vocab_lists["last"]
        last_index = {v: k for k, v in enumerate(last_vocab)}
        first_index = {v: k for k, v in enumerate(first_vocab)}
        first_to_last = np.array([last_index.get(v, -1) for v in first_vocab] + [-1], dtype=np.int32)
        last_to_first = np.array([first_index.get(v, -1) for v in last_vocab] + [-1], dtype=np.int32)
        return Features(
            n=len(cols["first"]),
            source=cols["source"],
            source_names=vocab_lists["source"],
            first=cols["first"],
            first_vocab=first_vocab,
            first_groups=cols["first_groups"],
            first_group_table=table,
            first_initial=cols["first_initial"],
            last=cols["last"],
            last_vocab=last_vocab,
            last_phonetic=cols["last_phonetic"],
            suffix=cols["suffix"],
            first_as_last=first_to_last[cols["first"]],
            last_as_first=last_to_first[cols["last"]],
            last_tf=cols["last_tf"],
            first_tf=cols["first_tf"],
            email=cols["email"],
            email_vocab=vocab_lists["email"],
            email_local=cols["email_local"],
            email_local_vocab=vocab_lists["email_local"],
            phone=cols["phone"],
            house=cols["house"],
            street=cols["street"],
            street_vocab=vocab_lists["street"],
            postcode=cols["postcode"],
            postcode_vocab=vocab_lists["postcode"],
            city=cols["city"],
            country=cols["country"],
            country_vocab=vocab_lists["country"],
            dob=cols["dob"],
            dob_vocab=vocab_lists["dob"],
            national_id=cols["national_id"],
            national_id_vocab=vocab_lists["national_id"],
            company=cols["company"],
        )

    def _candidates(self, coded: _Coded, exclude: int = -1) -> IntArray:
        """Live records sharing a key with any reading; common keys only when nothing else is found.

        Removed and replaced rows stay in the index: they are dropped per key before a key is judged
        common, so a record updated many times is still found by its own keys."""
        hits: list[IntArray] = []
        common: list[IntArray] = []
        fallback: list[IntArray] = []
        alive = self._cols["alive"]
        for key, found in self._index.find(coded.keys):
            rows = found[alive[found]]
            if not len(rows):
                continue
            if key >> _TAG_SHIFT in _FALLBACK_TAGS:
                fallback.append(rows)
            elif len(rows) > MAX_KEY_ROWS:
                common.append(rows)
            else:
                hits.append(rows)
        if not hits:
            hits = [rows for rows in fallback if len(rows) <= MAX_KEY_ROWS]
        if not hits and common:
            hits = [min(common, key=len)[:MAX_KEY_ROWS]]
        if not hits:
            return np.zeros(0, dtype=np.int64)
        rows = np.unique(np.concatenate(hits)) if len(hits) > 1 else hits[0]
        out: IntArray = rows[rows != exclude]
        return out

    def _score(
        self,
        rows: IntArray,
        readings: Sequence[_Row],
        coded: _Coded | None = None,
        fresh: dict[str, list[str]] | None = None,
        *,
        query: bool = False,
    ) -> _Scored:
        """Every stored row in ``rows`` against every reading; per row, its best reading.

        With ``query`` the readings are what a caller said, not records: a generational suffix they did
        not say is no evidence (callers seldom say "junior"), so the suffix comparison is ``null`` where
        the reading has none, and a stored "Jr" neither weighs for nor against them.
        """
        if coded is None or fresh is None:
            fresh = {}
            coded = self._encode(readings, fresh)
        k, a = len(rows), len(readings)
        local = self._local(rows, readings, coded, fresh)
        left = np.repeat(np.arange(k, dtype=np.int64), a)
        right = k + np.tile(np.arange(a, dtype=np.int64), k)
        gamma = compare_all(self.comparisons, local, left, right)
        if query:
            unsaid = local.suffix[right] < 0
            for j, comparison in enumerate(self.comparisons):
                if isinstance(comparison, SuffixComparison):
                    gamma[unsaid, j] = 0
        weights = self.model.match_weights(local, left, right, gamma, n_records=max(len(self), 1))
        total = self.model.prior_weight + weights.sum(axis=1, dtype=np.float64)
        if a == 1:
            return _Scored(rows, np.zeros(k, dtype=np.int64), gamma, weights, total)
        best = np.argmax(total.reshape(k, a), axis=1)
        pick = np.arange(k) * a + best
        return _Scored(rows, best, gamma[pick], weights[pick], total[pick])

    def _explain(
        self, gamma: npt.NDArray[np.int8], weights: npt.NDArray[np.float32], prior: float
    ) -> Explanation:
        contributions = tuple(
            Contribution(c.name, self._level_names[j][int(gamma[j])], round(float(weights[j]), 4))
            for j, c in enumerate(self.comparisons)
        )
        return Explanation(contributions, round(prior, 4))

    @_locked
    def lookup(
        self, query: CustomerQuery | Mapping[str, Any], top_k: int = 5, *, min_probability: float = 0.0
    ) -> list[Match]:
        """The stored records most likely to be the caller, best first.

        Parameters
        ----------
        query : CustomerQuery or dict
            What the caller said (see :class:`CustomerQuery`); unknown keys raise
            :class:`pydantic.ValidationError`.
        top_k : int
            Matches returned at most.
        min_probability : float
            Leave out matches below this probability.

        Returns
        -------
        list of Match
            Best first (ties: in record order); empty when no record shares a key with the query.

        Raises
        ------
        InsufficientQuery
            When the query holds nothing to search by: empty, only unusable values (``phone="n/a"``, a
            transcript without an address), or only a first name.

        Examples
        --------
        >>> from identity import dedupe
        >>> resolver = Resolver.from_result(dedupe(["examples/erp_customers.csv", "examples/shopify_customers.csv"]))
        >>> [m.source_id for m in resolver.lookup({"spoken_email": "crawick j at icloud dot com"})]
        ['C000101']
        >>> resolver.lookup({"phone": "n/a"})
        Traceback (most recent call last):
        ...
        identity._exceptions.InsufficientQuery: nothing to search by: the query has no usable phone, email, name with postcode or address
        """
        q = self._query(query)
        readings = self._readings(q)
        fresh: dict[str, list[str]] = {}
        coded = self._encode(readings, fresh)
        rows = self._candidates(coded)
        if len(rows) == 0:
            if not coded.keys:
                raise InsufficientQuery(
                    "nothing to search by: the query has no usable phone, email, name with postcode or address"
                )
            return []
        scored = self._score(rows, readings, coded, fresh, query=True)
        sources = self._vocabs["source"].values
        order = np.argsort(-scored.total, kind="stable")
        ranked = scored.total[order]
        if len(order) > 1 and bool((ranked[1:] == ranked[:-1]).any()):
            # Equal scores are ranked by (source, source_id), not by row number: the order the records were
            # given in must not decide which of two equally likely customers comes first (or is cut by
            # top_k). Ties are rare (records with the same values), so this runs seldom.
            rows = scored.rows.tolist()
            names = [(sources[int(self._cols["source"][r])], self._source_ids[r]) for r in rows]
            tie = np.empty(len(names), dtype=np.int64)
            tie[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
            order = np.lexsort((tie, -scored.total))
        order = order[: max(top_k, 0)]
        probability = match_probability(scored.total[order])
        prior = self.model.prior_weight
        out: list[Match] = []
        for pos, p in zip(order.tolist(), probability.tolist(), strict=True):
            if p < min_probability:
                continue
            row = int(scored.rows[pos])
            out.append(
                Match(
                    source=sources[int(self._cols["source"][row])],
                    source_id=self._source_ids[row],
                    cluster_id=int(self._cols["cluster"][row]),
                    probability=float(p),
                    weight=round(float(scored.total[pos]), 4),
                    explanation=self._explain(scored.gamma[pos], scored.weights[pos], prior),
                )
            )
        return out

    # -- verification ---------------------------------------------------------------------------
    @_locked
    def verify(self, claim: CustomerQuery | Mapping[str, Any], source: str, source_id: str) -> Verification:
        """Does ``claim`` (what a caller says about themselves) agree with the stored record?

        The claim is compared with the same comparisons and weights as a lookup; the answer holds the
        outcome, the summed weight and the names of the fields that agreed or disagreed, never a stored
        value. A claim with nothing comparable is ``insufficient``. Raises :class:`KeyError` for an
        unknown record.

        Examples
        --------
        >>> from identity import dedupe
        >>> resolver = Resolver.from_result(
        ...     dedupe({"erp": "examples/erp_customers.csv", "shopify": "examples/shopify_customers.csv"})
        ... )
        >>> v = resolver.verify({"phone": "513-895-6944", "last_name": "Crawick"}, "erp", "C000101")
        >>> v.outcome, v.agreed
        ('match', ('last_name', 'phone'))
        >>> resolver.verify({"phone": "212 736 5000"}, "erp", "C000101").outcome
        'mismatch'
        """
        row = self._row(source, source_id)
        readings = self._readings(self._query(claim))
        scored = self._score(np.array([row], dtype=np.int64), readings, query=True)
        gamma, weights = scored.gamma[0], scored.weights[0]
        explanation = self._explain(gamma, weights, 0.0)
        score = round(float(weights.sum(dtype=np.float64)), 4)
        agreed = tuple(c.field for c in explanation.contributions if c.weight > 0)
        disagreed = tuple(c.field for c in explanation.contributions if c.weight < 0)
        outcome: Literal["match", "mismatch", "insufficient"]
        if not (gamma > 0).any():
            outcome = "insufficient"
        elif bool(cannot_link(self.comparisons, gamma[None, :])[0]) or score <= self.mismatch_weight:
            outcome = "mismatch"
        elif score >= self.match_weight:
            outcome = "match"
        else:
            outcome = "insufficient"
        return Verification(outcome, score, agreed, disagreed, explanation)

    # -- incremental changes --------------------------------------------------------------------
    def _record(self, record: CustomerRecord | Mapping[str, Any]) -> CustomerRecord:
        if isinstance(record, CustomerRecord):
            return record
        return CustomerRecord.model_validate(dict(record))

    def _append(self, reading: _Row, source_id: str, cluster: int) -> int:
        coded = self._encode([reading], None)
        values = coded.arrays
        row = self._size
        if row == len(self._cols["first"]):
            for name, col in self._cols.items():
                grown = np.empty((max(16, 2 * len(col)), *col.shape[1:]), dtype=col.dtype)
                grown[: len(col)] = col
                self._cols[name] = grown
        n_first = len(self._vocabs["first"].values)
        if len(self._group_table) < n_first:
            grown_table = np.full(
                (max(n_first, 2 * len(self._group_table)), MAX_NICKNAME_GROUPS), -1, dtype=np.int32
            )
            grown_table[: len(self._group_table)] = self._group_table
            self._group_table = grown_table
        first_code = int(values["first"][0])
        if first_code >= 0:
            self._group_table[first_code] = values["first_groups"][0]
        for counts_name, name in (("_first_counts", "first"), ("_last_counts", "last")):
            counts: IntArray = getattr(self, counts_name)
            code = int(values[name][0])
            if code >= len(counts):
                counts = np.concatenate([counts, np.zeros(code + 1 - len(counts) + 64, dtype=np.int64)])
            if code >= 0:
                counts[code] += 1
            setattr(self, counts_name, counts)
        values["first_tf"] = _term_frequency(
            values["first"], self._first_counts, int(self._first_counts.sum())
        )
        values["last_tf"] = _term_frequency(values["last"], self._last_counts, int(self._last_counts.sum()))
        values["cluster"][0] = cluster
        for name, col in self._cols.items():
            col[row] = values[name][0]
        self._source_ids.append(source_id)
        self._size += 1
        self._index.add(coded.keys, row)
        return row

    def _forget(self, row: int) -> None:
        self._cols["alive"][row] = False
        for counts, name in ((self._first_counts, "first"), (self._last_counts, "last")):
            code = int(self._cols[name][row])
            if code >= 0:
                counts[code] -= 1

    def _assign(self, row: int, prefer: int | None) -> int:
        """The cluster a new or changed record joins: its best match's at or above the threshold (no
        cannot-link with any compared record of that cluster); ``prefer`` when that cluster has a match
        too; else ``prefer`` or a new id."""
        reading = self._reading_of(row)
        rows = self._candidates(self._encode([reading], {}), exclude=row)
        if len(rows):
            scored = self._score(rows, [reading])
            probability = match_probability(scored.total)
            cannot = cannot_link(self.comparisons, scored.gamma)
            clusters = self._cols["cluster"][rows]
            blocked = set(clusters[cannot].tolist())
            ok = (probability >= self.threshold) & ~cannot & ~np.isin(clusters, list(blocked))
            if ok.any():
                if prefer is not None and bool((clusters[ok] == prefer).any()):
                    return prefer
                best = np.flatnonzero(ok)[np.argmax(scored.total[ok])]
                return int(clusters[best])
        if prefer is not None:
            return prefer
        cluster = self._next_cluster
        self._next_cluster += 1
        return cluster

    def _reading_of(self, row: int) -> _Row:
        """A stored row back as a reading (values from the vocabularies), for scoring it as a query."""
        v = self._vocabs
        c = self._cols

        def value(name: str) -> str | None:
            code = int(c[name][row])
            return v[_VOCAB_OF[name]].values[code] if code >= 0 else None

        groups = [v["first_group"].values[g] for g in c["first_groups"][row].tolist() if g >= 0]
        return _Row(
            source=value("source"),
            first=value("first"),
            last=value("last"),
            suffix=value("suffix"),
            phonetic=value("last_phonetic"),
            groups=groups,
            emails=[v["email"].values[e] for e in c["email"][row].tolist() if e >= 0],
            phones=[p for p in c["phone"][row].tolist() if p >= 0],
            **{
                name: value(name)
                for name in (
                    "house",
                    "street",
                    "postcode",
                    "city",
                    "country",
                    "dob",
                    "national_id",
                    "company",
                )
            },
        )

    @_locked
    def add(self, record: CustomerRecord | Mapping[str, Any]) -> int:
        """Index a new record; returns its cluster id.

        It joins the cluster of its best match at or above the threshold (existing cluster ids never
        change) or gets a new id. Raises :class:`ValueError` if the record is already indexed.
        """
        rec = self._record(record)
        key = (rec.source, rec.source_id)
        if key in self._row_of:
            raise ValueError(f"record {rec.source}:{rec.source_id} is already indexed; use update()")
        reading = _normalize(_record_row(rec), self.region)
        row = self._append(reading, rec.source_id, -1)
        cluster = self._assign(row, None)
        self._cols["cluster"][row] = cluster
        self._row_of[key] = row
        return cluster

    @_locked
    def update(self, record: CustomerRecord | Mapping[str, Any]) -> int:
        """Replace a stored record with a new version; returns its cluster id.

        The record keeps its cluster unless it now matches another customer's records and none of its
        own cluster's. Raises :class:`KeyError` if the record is not indexed.
        """
        rec = self._record(record)
        old = self._row(rec.source, rec.source_id)
        previous = int(self._cols["cluster"][old])
        self._forget(old)
        reading = _normalize(_record_row(rec), self.region)
        row = self._append(reading, rec.source_id, previous)
        cluster = self._assign(row, previous)
        self._cols["cluster"][row] = cluster
        self._row_of[(rec.source, rec.source_id)] = row
        return cluster

    @_locked
    def remove(self, source: str, source_id: str) -> None:
        """Take a record out of the index (:class:`KeyError` if it is not there). Other records keep
        their cluster ids."""
        row = self._row(source, source_id)
        self._forget(row)
        del self._row_of[(str(source), str(source_id))]
