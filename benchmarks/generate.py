"""Synthetic SAP Business One + Shopify customer data with ground truth.

Run::

    python -m benchmarks.generate --records 250000 --out DIR [--seed 7] [--set KNOB=VALUE ...]

``--set`` overrides one knob of :class:`PopulationModel` or :class:`CorruptionModel` for a sensitivity
study (``--set guest_address_missing=0.1``, ``--set shopify_duplicate_kinds='{"email_variant": 1}'``);
the value is JSON. The defaults are the benchmark; the manifest records every knob as used.

``DIR`` receives ``erp.csv`` (BusinessPartner-shaped), ``shopify.csv`` (Shopify customer-shaped),
``truth.csv`` (``source``, ``source_id``, ``person_id``, ``household_id``; every record exactly once) and
``manifest.json`` (seed, counts and every knob of the population and corruption models).

The generator first draws *people* (grouped into households, some of them B2B contacts of a company),
then *records* of those people in each system, then corrupts each record the way the system and the
person typing into it would.  All random draws come from one :class:`numpy.random.Generator` in a fixed
order, so the output is a pure function of ``(records, seed, models)``.

The models and their rates are documented in ``docs/benchmark-data.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benchmarks import _names as N

GENERATOR_VERSION = "1.0"

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]

COUNTRIES: tuple[str, ...] = ("US", "GB", "CA", "DE", "AU", "FR", "IE")


# ---------------------------------------------------------------------------------------------------
# Models (every knob is written to manifest.json and documented in docs/benchmark-data.md)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationModel:
    """Who the customers are and which systems hold records of them."""

    #: share of households per country
    country_shares: dict[str, float] = field(
        default_factory=lambda: {
            "US": 0.80,
            "GB": 0.10,
            "CA": 0.04,
            "DE": 0.02,
            "AU": 0.02,
            "FR": 0.01,
            "IE": 0.01,
        }
    )
    #: household size distribution (size -> share of households); members of a household share a
    #: surname, an address, a postcode and (often) a landline, but are different people
    household_sizes: dict[int, float] = field(default_factory=lambda: {1: 0.95, 2: 0.035, 3: 0.011, 4: 0.004})
    #: probability that a household of one has a landline; of two or more
    landline_single: float = 0.35
    landline_family: float = 0.75
    #: probability that a person has a mobile number
    mobile: float = 0.95
    #: probability that a person has a middle name (anglo culture; others: half of it)
    middle_name: float = 0.40
    #: households of 2+ with a male head in which a son carries the father's name ("Jr")
    junior: float = 0.12
    #: non-head household members who use the head's personal e-mail (shared family mailbox)
    family_email: float = 0.04
    #: single-person households forced to a very common full name in their country's largest city
    common_name: float = 0.004
    #: people who are B2B contacts of a company (ERP card names like ``Acme Ltd (John Smith)``)
    b2b: float = 0.07
    #: people (not B2B) who also have a work e-mail
    work_email: float = 0.12
    #: mean number of B2B contacts per company
    contacts_per_company: float = 1.6
    #: a person is in the ERP only / in Shopify only / in both (sums to 1)
    erp_only: float = 0.30
    shopify_only: float = 0.30
    both: float = 0.40
    #: P(at least 1, 2, 3 extra ERP records) -- re-keyed duplicates
    erp_duplicates: tuple[float, ...] = (0.08, 0.012, 0.002)
    #: P(at least 1, 2, 3 extra Shopify customers) -- guest-checkout / second-account duplicates
    shopify_duplicates: tuple[float, ...] = (0.10, 0.025, 0.005)

    def records_per_person(self) -> float:
        """Expected number of records per person (both files together)."""
        in_erp = self.erp_only + self.both
        in_shop = self.shopify_only + self.both
        return in_erp * (1 + sum(self.erp_duplicates)) + in_shop * (1 + sum(self.shopify_duplicates))


@dataclass(frozen=True)
class CorruptionModel:
    """How each system and the people typing into it spoil the values.  Rates are per record."""

    # --- names ---
    nickname_erp: float = 0.10  # first name replaced by a nickname (if the name has one)
    nickname_shopify: float = 0.14
    typo_name_erp: float = 0.03  # one insert/delete/substitute(adjacent key)/transpose in first or last
    typo_name_shopify: float = 0.015
    accent_strip_erp: float = 0.35  # José -> Jose, Müller -> Muller (legacy code page)
    umlaut_transliterate_erp: float = 0.10  # Müller -> Mueller
    accent_strip_shopify: float = 0.10
    punct_strip_erp: float = 0.15  # O'Brien -> OBrien, Smith-Jones -> Smith Jones
    #: ERP CardName layouts (weights); "company" layouts are used for B2B contacts instead
    card_name_formats: dict[str, float] = field(
        default_factory=lambda: {
            "First Last": 0.40,
            "LAST, FIRST": 0.13,
            "FIRST LAST": 0.10,
            "First M. Last": 0.07,
            "First Middle Last": 0.04,
            "Last, First": 0.08,
            "LAST FIRST": 0.02,
            "Title First Last": 0.03,
            "first last": 0.03,
            "FIRST M LAST": 0.05,
            "F. Last": 0.03,
            "Last, First M.": 0.02,
        }
    )
    #: B2B contacts: share of their ERP cards in a company layout; of those, share with no person name
    company_card: float = 0.75
    company_only_card: float = 0.10
    junior_suffix_erp: float = 0.6  # "Jr" written when the person is a junior
    junior_suffix_shopify: float = 0.4
    middle_in_shopify_first: float = 0.06  # "John Q" / "John Quincy" in first_name
    case_lower_shopify: float = 0.07  # customer typed in lower case
    case_upper_shopify: float = 0.02
    swap_first_last_shopify: float = 0.01
    # --- phones ---
    #: ERP phone spellings for NANP numbers (weights)
    erp_nanp_formats: dict[str, float] = field(
        default_factory=lambda: {
            "+12127365000": 0.12,
            "12127365000": 0.06,
            "2127365000": 0.14,
            "(212) 736-5000": 0.22,
            "+1 212-736-5000": 0.07,
            "212-736-5000": 0.20,
            "212.736.5000": 0.05,
            "1-212-736-5000": 0.05,
            "1 (212) 736-5000": 0.02,
            "001 212 736 5000": 0.01,
            "011 1 212 736 5000": 0.005,
            "212 736 5000": 0.045,
        }
    )
    #: ERP spellings for other countries' numbers (weights)
    erp_intl_formats: dict[str, float] = field(
        default_factory=lambda: {
            "+442079460018": 0.15,
            "+44 20 7946 0018": 0.25,
            "+44 (0)20 7946 0018": 0.12,
            "020 7946 0018": 0.22,
            "02079460018": 0.08,
            "0044 20 7946 0018": 0.05,
            "011 44 20 7946 0018": 0.05,
            "44 20 7946 0018": 0.03,
            "+44-20-7946-0018": 0.02,
            "020.7946.0018 / 020/79460018": 0.03,
        }
    )
    phone_extension: float = 0.02  # " x12", " ext. 12" ... appended (company lines: 0.25)
    phone_extension_company: float = 0.25
    phone_slots_shuffled: float = 0.30  # numbers put in Phone1/Phone2/Cellular in a random order
    erp_number_kept: float = 0.85  # each of the person's numbers is on a given ERP card
    erp_no_phone: float = 0.06  # all three phone fields empty
    phone_junk: float = 0.04  # an empty phone field holds junk ("n/a", "0", "none", ...)
    shopify_phone: float = 0.72  # Shopify customer has a phone (E.164)
    shopify_phone_is_landline: float = 0.15
    # --- e-mail ---
    erp_email: float = 0.85  # ERP card has an e-mail
    erp_email_work_b2b: float = 0.75  # B2B contact's card carries the work address
    erp_email_work_other: float = 0.25  # other people with a work e-mail: card carries it
    erp_email_capitalised: float = 0.08  # John.Smith@Gmail.com
    erp_email_two: float = 0.01  # "a@x.com; b@y.com" in one field
    erp_email_whitespace: float = 0.01
    email_domain_typo_erp: float = 0.012  # gmial.com, hotmial.com, yahooo.com, .con
    email_domain_typo_shopify: float = 0.01
    shopify_email: float = 0.98
    shopify_email_work: float = 0.08
    gmail_dots_shopify: float = 0.05  # j.ohnsmith@gmail.com for johnsmith@gmail.com
    gmail_plus_shopify: float = 0.03  # johnsmith+shop@gmail.com
    # --- addresses ---
    moved_cross: float = 0.07  # a person's Shopify address differs from the ERP one (moved)
    moved_erp_duplicate: float = 0.30  # a re-keyed ERP duplicate carries a new address
    moved_shopify_duplicate: float = 0.12
    moved_same_city: float = 0.55  # a move stays within the same city
    erp_address: float = 0.93
    shopify_address: float = 0.88
    street_abbreviated_erp: float = 0.50  # St / Ave / Rd (plus 0.1 of those with a period)
    street_abbreviated_shopify: float = 0.45
    unit_dropped: float = 0.25  # "Apt 4B" left out
    upper_address_erp: float = 0.08
    lower_address_shopify: float = 0.06
    typo_address: float = 0.02
    zip_plus4_erp: float = 0.08  # 10001-1234
    zip_leading_zero_lost_erp: float = 0.30  # 02108 -> 2108 (spreadsheet import), of zips with a 0
    postcode_no_space: float = 0.15  # SW11 1AB -> SW111AB, M5V 2T6 -> M5V2T6
    postcode_lower: float = 0.04
    eircode_missing: float = 0.30
    state_full_name_erp: float = 0.10  # "California" for "CA"
    state_missing: float = 0.05
    country_spelled_erp: float = 0.15  # "United States", "USA", "UK", ...
    country_missing_erp: float = 0.03
    city_upper_erp: float = 0.10
    city_lower_shopify: float = 0.05
    # --- Shopify duplicates (Shopify keeps e-mail and phone unique per customer) ---
    #: how a second Shopify customer of the same person differs (weights)
    shopify_duplicate_kinds: dict[str, float] = field(
        default_factory=lambda: {"email_variant": 0.45, "other_email": 0.30, "phone_only": 0.25}
    )
    guest_first_missing: float = 0.25
    guest_last_missing: float = 0.15
    guest_address_missing: float = 0.40
    erp_duplicate_email_missing: float = 0.20  # on top of erp_email


@dataclass
class Dataset:
    """A generated benchmark: both source tables, the truth and the manifest."""

    erp: pd.DataFrame
    shopify: pd.DataFrame
    truth: pd.DataFrame
    manifest: dict[str, Any]

    def write(self, out: Path) -> None:
        """Write ``erp.csv``, ``shopify.csv``, ``truth.csv`` and ``manifest.json`` into ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        self.erp.to_csv(out / "erp.csv", index=False)
        self.shopify.to_csv(out / "shopify.csv", index=False)
        self.truth.to_csv(out / "truth.csv", index=False)
        (out / "manifest.json").write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------------
# Small vectorised helpers
# ---------------------------------------------------------------------------------------------------


def _zipf_weights(n: int, exponent: float, offset: float) -> FloatArray:
    """Zipf-like weights ``(rank + offset) ** -exponent`` for ``n`` items in rank order."""
    return np.power(np.arange(n, dtype=np.float64) + offset, -exponent)


def _draw(rng: np.random.Generator, weights: Sequence[float] | FloatArray, size: int) -> IntArray:
    """Indices drawn with probability proportional to ``weights`` (inverse-CDF on one uniform each)."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(idx, len(cdf) - 1).astype(np.int64)


def _bern(rng: np.random.Generator, p: float, size: int) -> BoolArray:
    return rng.random(size) < p


def _obj(values: Sequence[Any] | npt.NDArray[Any]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


@lru_cache(maxsize=65536)
def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).replace(
        "ß", "ss"
    )


@lru_cache(maxsize=65536)
def _transliterate(s: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return _strip_accents(s)


def _typo(s: str, u: FloatArray) -> str:
    """One keyboard typo in ``s`` driven by four uniforms ``u``: insert, delete, substitute, transpose."""
    if len(s) < 3:
        return s
    op = int(u[0] * 4)
    pos = 1 + int(u[1] * (len(s) - 2))  # keep the first letter: people rarely get it wrong
    ch = s[pos]
    neighbours = N.KEYBOARD_NEIGHBOURS.get(ch.lower(), "")
    if op == 0:  # insert a neighbour of the character (double-hit)
        add = neighbours[int(u[2] * len(neighbours))] if neighbours else ch
        add = add.upper() if ch.isupper() else add
        return s[:pos] + add + s[pos:]
    if op == 1:  # delete
        return s[:pos] + s[pos + 1 :]
    if op == 2 and neighbours:  # substitute with an adjacent key
        sub = neighbours[int(u[2] * len(neighbours))]
        return s[:pos] + (sub.upper() if ch.isupper() else sub) + s[pos + 1 :]
    if pos + 1 < len(s):  # transpose
        return s[:pos] + s[pos + 1] + s[pos] + s[pos + 2 :]
    return s[:pos] + s[pos + 1 :]


def _apply(
    rng: np.random.Generator,
    values: ObjArray,
    rate: float,
    fn: Callable[[str], str],
    mask: BoolArray | None = None,
) -> BoolArray:
    """Apply ``fn`` in place to a random ``rate`` share of non-empty ``values``; return the hit mask."""
    hit = rng.random(len(values)) < rate
    if mask is not None:
        hit &= mask
    for i in np.flatnonzero(hit).tolist():
        v = values[i]
        if v:
            values[i] = fn(v)
    return hit


def _apply_typos(
    rng: np.random.Generator, values: ObjArray, rate: float, mask: BoolArray | None = None
) -> None:
    hit = rng.random(len(values)) < rate
    if mask is not None:
        hit &= mask
    idx = np.flatnonzero(hit)
    us = rng.random((len(idx), 4))
    for k, i in enumerate(idx):
        v = values[i]
        if v:
            values[i] = _typo(v, us[k])


def _email_key(email: str) -> str:
    """Mailbox identity: lower-case; Gmail ignores dots and +tags."""
    local, _, domain = email.lower().partition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local = local.replace(".", "")
    return local + "@" + domain


@lru_cache(maxsize=262144)
def _ascii_token(s: str) -> str:
    """Lower-case ASCII letters only (José -> jose, O'Brien -> obrien, van der Berg -> vanderberg)."""
    return "".join(c for c in _strip_accents(s).lower() if "a" <= c <= "z")


# ---------------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------------


def _group(nsn: str, groups: Sequence[int]) -> str:
    out, i = [], 0
    for g in groups:
        out.append(nsn[i : i + g])
        i += g
    if i < len(nsn):
        out[-1] += nsn[i:]
    return " ".join(out)


_BAD_EXCHANGES = np.array([555, 950, 958, 959, 976], dtype=np.int64)


def _nanp_numbers(rng: np.random.Generator, area_codes: ObjArray) -> ObjArray:
    """Valid-looking NANP numbers ``+1 AAA EEE LLLL`` for the given area codes."""
    n = len(area_codes)
    exch = rng.integers(200, 1000, n)
    for _ in range(10):
        bad = (exch % 100 == 11) | np.isin(exch, _BAD_EXCHANGES)
        if not bad.any():
            break
        exch[bad] = rng.integers(200, 1000, int(bad.sum()))
    line = rng.integers(0, 10000, n)
    return _obj(
        [
            f"+1 {a} {e:03d} {v:04d}"
            for a, e, v in zip(area_codes.tolist(), exch.tolist(), line.tolist(), strict=True)
        ]
    )


def _plan_numbers(
    rng: np.random.Generator, cc: str, plans: Sequence[N.PhonePlan], which: IntArray
) -> ObjArray:
    """Numbers ``+CC G1 G2 ...`` from national plans; ``which[i]`` picks the plan for number ``i``."""
    n = len(which)
    first_u = rng.random(n).tolist()
    rest_u = rng.random(n).tolist()
    out = []
    for k, w in enumerate(which.tolist()):
        prefix, firsts, nrand, groups = plans[w]
        first = firsts[int(first_u[k] * len(firsts))]
        rest = int(rest_u[k] * 10**nrand)
        nsn = f"{prefix}{first}{rest:0{nrand}d}"
        out.append(f"+{cc} {_group(nsn, groups)}")
    return _obj(out)


def _landlines(rng: np.random.Generator, cities: Sequence[N.City], city_idx: IntArray) -> ObjArray:
    out = np.empty(len(city_idx), dtype=object)
    for ci in np.unique(city_idx):
        sel = np.flatnonzero(city_idx == ci)
        city = cities[ci]
        if city.area_codes:
            codes = _obj(city.area_codes)[rng.integers(0, len(city.area_codes), len(sel))]
            out[sel] = _nanp_numbers(rng, codes)
        else:
            assert city.landline is not None
            out[sel] = _plan_numbers(
                rng, N.CALLING_CODES[city.country], [city.landline], np.zeros(len(sel), np.int64)
            )
    return out


def _mobiles(rng: np.random.Generator, cities: Sequence[N.City], city_idx: IntArray) -> ObjArray:
    """Mobiles: NANP numbers use the home area code (85%) or another of the country; others a mobile plan."""
    out = np.empty(len(city_idx), dtype=object)
    countries = np.array([cities[c].country for c in range(len(cities))], dtype=object)[city_idx]
    for c in COUNTRIES:
        sel = np.flatnonzero(countries == c)
        if len(sel) == 0:
            continue
        if c in ("US", "CA"):
            all_codes = [a for city in N.CITIES[c] for a in city.area_codes]
            own = np.array(
                [
                    cities[ci].area_codes[int(u * len(cities[ci].area_codes))]
                    for ci, u in zip(city_idx[sel], rng.random(len(sel)), strict=True)
                ],
                dtype=object,
            )
            other = _obj(all_codes)[rng.integers(0, len(all_codes), len(sel))]
            codes = np.where(rng.random(len(sel)) < 0.85, own, other)
            out[sel] = _nanp_numbers(rng, codes)
        else:
            plans = N.MOBILE_PLANS[c]
            out[sel] = _plan_numbers(rng, N.CALLING_CODES[c], plans, rng.integers(0, len(plans), len(sel)))
    return out


def _split_intl(number: str) -> tuple[str, list[str]]:
    parts = number.split(" ")
    return parts[0][1:], parts[1:]


def _format_nanp(number: str, fmt: str) -> str:
    _, (a, e, line) = _split_intl(number)
    match fmt:
        case "+12127365000":
            return f"+1{a}{e}{line}"
        case "12127365000":
            return f"1{a}{e}{line}"
        case "2127365000":
            return f"{a}{e}{line}"
        case "(212) 736-5000":
            return f"({a}) {e}-{line}"
        case "+1 212-736-5000":
            return f"+1 {a}-{e}-{line}"
        case "212-736-5000":
            return f"{a}-{e}-{line}"
        case "212.736.5000":
            return f"{a}.{e}.{line}"
        case "1-212-736-5000":
            return f"1-{a}-{e}-{line}"
        case "1 (212) 736-5000":
            return f"1 ({a}) {e}-{line}"
        case "001 212 736 5000":
            return f"001 {a} {e} {line}"
        case "011 1 212 736 5000":
            return f"011 1 {a} {e} {line}"
        case _:
            return f"{a} {e} {line}"


def _format_intl(number: str, fmt: str) -> str:
    cc, groups = _split_intl(number)
    spaced = " ".join(groups)
    match fmt:
        case "+442079460018":
            return f"+{cc}{''.join(groups)}"
        case "+44 20 7946 0018":
            return f"+{cc} {spaced}"
        case "+44 (0)20 7946 0018":
            return f"+{cc} (0){spaced}"
        case "020 7946 0018":
            return f"0{spaced}"
        case "02079460018":
            return f"0{''.join(groups)}"
        case "0044 20 7946 0018":
            return f"00{cc} {spaced}"
        case "011 44 20 7946 0018":
            return f"011 {cc} {spaced}"
        case "44 20 7946 0018":
            return f"{cc} {spaced}"
        case "+44-20-7946-0018":
            return f"+{cc}-{'-'.join(groups)}"
        case _:  # local habits: German area/number slash, French dotted pairs, else dotted groups
            if cc == "49":
                return f"0{groups[0]}/{''.join(groups[1:])}"
            return "0" + ".".join(groups)


_EXTENSIONS = (" x{}", " ext. {}", " ext {}", " X{}", " Ext.{}", " #{}")


def _format_erp_phone(number: str, nanp_fmt: str, intl_fmt: str, ext_u: float, ext_rate: float) -> str:
    nanp = number.startswith("+1 ")
    out = _format_nanp(number, nanp_fmt) if nanp else _format_intl(number, intl_fmt)
    if ext_u < ext_rate:
        digits = 1 + int(ext_u / ext_rate * 9973) % 400
        out += _EXTENSIONS[int(ext_u / ext_rate * 6) % len(_EXTENSIONS)].format(digits)
    return out


def _e164(number: str) -> str:
    return number.replace(" ", "")


# ---------------------------------------------------------------------------------------------------
# Names and e-mails
# ---------------------------------------------------------------------------------------------------


class _PoolSampler:
    """Weighted samplers for one naming culture."""

    def __init__(self, pool: N.NamePool) -> None:
        self.male = np.array(pool.male, dtype=object)
        self.female = np.array(pool.female, dtype=object)
        self.male_w = _zipf_weights(len(pool.male), 0.8, 6.0)
        self.female_w = _zipf_weights(len(pool.female), 0.8, 6.0)
        listed = list(dict.fromkeys(pool.surnames))
        listed_set = set(listed)
        tail = [
            p + (s if p.endswith("'") or not p.endswith(s[0]) else s[1:])
            for p in pool.tail_prefixes
            for s in pool.tail_suffixes
        ]
        tail = [t for t in dict.fromkeys(tail) if t not in listed_set]
        lw = _zipf_weights(len(listed), 0.7, 5.0)
        lw *= (1.0 - pool.tail_share) / lw.sum()
        tw = np.full(len(tail), pool.tail_share / max(len(tail), 1))
        self.surnames = np.array(listed + tail, dtype=object)
        self.surname_w = np.concatenate([lw, tw])

    def first(self, rng: np.random.Generator, male: BoolArray) -> ObjArray:
        out = np.empty(len(male), dtype=object)
        nm = int(male.sum())
        out[male] = self.male[_draw(rng, self.male_w, nm)]
        out[~male] = self.female[_draw(rng, self.female_w, len(male) - nm)]
        return out

    def surname(self, rng: np.random.Generator, n: int) -> ObjArray:
        return self.surnames[_draw(rng, self.surname_w, n)]


def _local_parts(
    rng: np.random.Generator, first: ObjArray, middle: ObjArray, last: ObjArray, birth_year: IntArray
) -> ObjArray:
    """E-mail local parts built from the person's name (john.smith, jsmith84, smithj, ...)."""
    n = len(first)
    patterns = (
        ("first.last", 0.22),
        ("firstlast", 0.12),
        ("flast", 0.10),
        ("first.lastNN", 0.06),
        ("firstlastYY", 0.10),
        ("firstYY", 0.06),
        ("first_last", 0.04),
        ("lastfirst", 0.03),
        ("last.first", 0.03),
        ("firstl", 0.04),
        ("f.last", 0.04),
        ("handle", 0.08),
        ("first.m.last", 0.03),
        ("nick.last", 0.03),
        ("lastf", 0.02),
    )
    kind = _draw(rng, [w for _, w in patterns], n).tolist()
    nums = rng.integers(1, 100, n).tolist()
    words = _obj(N.HANDLE_WORDS)
    w1 = words[rng.integers(0, len(words), n)].tolist()
    w2 = words[rng.integers(0, len(words), n)].tolist()
    first, middle, last = first.tolist(), middle.tolist(), last.tolist()
    birth_year = birth_year.tolist()
    out = np.empty(n, dtype=object)
    for i in range(n):
        f = _ascii_token(first[i]) or "x"
        la = _ascii_token(last[i]) or "x"
        yy = f"{birth_year[i] % 100:02d}"
        k = patterns[kind[i]][0]
        if k == "first.last":
            s = f"{f}.{la}"
        elif k == "firstlast":
            s = f + la
        elif k == "flast":
            s = f[0] + la
        elif k == "first.lastNN":
            s = f"{f}.{la}{nums[i]}"
        elif k == "firstlastYY":
            s = f + la + yy
        elif k == "firstYY":
            s = f + (yy if nums[i] < 60 else str(birth_year[i]))
        elif k == "first_last":
            s = f"{f}_{la}"
        elif k == "lastfirst":
            s = la + f
        elif k == "last.first":
            s = f"{la}.{f}"
        elif k == "firstl":
            s = f + la[0]
        elif k == "f.last":
            s = f"{f[0]}.{la}"
        elif k == "handle":
            s = f"{w1[i]}{w2[i] if nums[i] < 50 else ''}{nums[i]}"
        elif k == "first.m.last":
            m = _ascii_token(middle[i]) if middle[i] else ""
            s = f"{f}.{m[0]}.{la}" if m else f"{f}.{la}"
        elif k == "nick.last":
            nicks = N.NICKNAMES.get(str(first[i]).lower())
            s = f"{_ascii_token(nicks[nums[i] % len(nicks)])}.{la}" if nicks else f"{f}{la}{nums[i]}"
        else:
            s = la + f[0]
        out[i] = s
    return out


def _unique_emails(rng: np.random.Generator, local: ObjArray, domain: ObjArray) -> ObjArray:
    """``local@domain`` made unique per mailbox (Gmail dots ignored) by appending digits on collision."""
    emails = [f"{a}@{b}" for a, b in zip(local.tolist(), domain.tolist(), strict=True)]
    keys = [_email_key(e) for e in emails]
    for round_ in range(12):
        dup = pd.Series(keys, dtype=object).duplicated(keep="first").to_numpy()
        if not dup.any():
            break
        idx = np.flatnonzero(dup).tolist()
        digits = rng.integers(1, 10 ** min(2 + round_ // 2, 6), len(idx)).tolist()
        for i, d in zip(idx, digits, strict=True):
            loc, _, dom = emails[i].partition("@")
            emails[i] = f"{loc}{d}@{dom}"
            keys[i] = _email_key(emails[i])
    return _obj(emails)


# ---------------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------------

_STREETS = {
    "US": (N.US_STREET_NAMES, N.US_SUFFIXES),
    "CA": (N.US_STREET_NAMES, N.US_SUFFIXES),
    "GB": (N.GB_STREET_NAMES, N.GB_SUFFIXES),
    "IE": (N.GB_STREET_NAMES, N.GB_SUFFIXES),
    "AU": (N.GB_STREET_NAMES, N.GB_SUFFIXES),
    "DE": (N.DE_STREET_NAMES, N.DE_SUFFIXES),
    "FR": (N.FR_STREET_NAMES, N.FR_SUFFIXES),
}
_UNIT_RATE = {"US": 0.20, "CA": 0.20, "GB": 0.12, "IE": 0.08, "AU": 0.15, "DE": 0.0, "FR": 0.05}
_UK_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
_EIR_CHARS = "ACDEFHKNPRTVWXY0123456789"
_EIR_LETTERS = "ACDEFHKNPRTVWXY"


@dataclass
class _Addresses:
    """Columnar address table; households and moves append to it."""

    country: list[str] = field(default_factory=list)
    city: list[int] = field(default_factory=list)  # index into the flat city list
    number: list[str] = field(default_factory=list)
    street: list[str] = field(default_factory=list)
    suffix: list[int] = field(default_factory=list)
    unit_kind: list[str] = field(default_factory=list)  # "", "apt", "suite", "flat", "unit"
    unit: list[str] = field(default_factory=list)
    postcode: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.country)


def _postcodes(rng: np.random.Generator, plan: tuple[object, ...], n: int) -> list[str]:
    kind = plan[0]
    if kind == "range":
        lo, hi, width = int(plan[1]), int(plan[2]), int(plan[3])  # type: ignore[call-overload]
        return [f"{v:0{width}d}" for v in rng.integers(lo, hi + 1, n).tolist()]
    codes = plan[1:]
    pick = rng.integers(0, len(codes), n).tolist()
    u = rng.integers(0, 10**6, (n, 4)).tolist()
    if kind == "uk":
        return [
            f"{codes[p]} {r[0] % 10}{_UK_LETTERS[r[1] % 20]}{_UK_LETTERS[r[2] % 20]}"
            for p, r in zip(pick, u, strict=True)
        ]
    if kind == "ca":
        return [
            f"{codes[p]} {r[0] % 10}{_CA_LETTERS[r[1] % 20]}{r[2] % 10}" for p, r in zip(pick, u, strict=True)
        ]
    # Eircode
    return [
        f"{codes[p]} {_EIR_LETTERS[r[0] % 15]}{_EIR_CHARS[r[1] % 25]}{_EIR_CHARS[r[2] % 25]}"
        f"{_EIR_CHARS[r[3] % 25]}"
        for p, r in zip(pick, u, strict=True)
    ]


def _add_addresses(
    rng: np.random.Generator, table: _Addresses, cities: Sequence[N.City], city_idx: IntArray
) -> IntArray:
    """Append one new address per entry of ``city_idx``; return their ids in ``table``."""
    start = len(table)
    n = len(city_idx)
    city_country = np.array([city.country for city in cities], dtype=object)
    ncountry = city_country[city_idx]
    country = ncountry.tolist()
    number = [""] * n
    street = [""] * n
    suffix = [0] * n
    unit_kind = [""] * n
    unit = [""] * n
    postcode = [""] * n
    for c in COUNTRIES:
        sel = np.flatnonzero(ncountry == c)
        if len(sel) == 0:
            continue
        names, suffixes = _STREETS[c]
        m = len(sel)
        sname = rng.integers(0, len(names), m).tolist()
        ssuf = _draw(rng, [w for _, _, w in suffixes], m).tolist()
        top = 4.0 if c in ("US", "CA") else 2.4
        num = np.floor(np.power(10.0, rng.uniform(0.0, top, m))).astype(np.int64).tolist()
        has_unit = (rng.random(m) < _UNIT_RATE[c]).tolist()
        unit_u = rng.random(m).tolist()
        unit_n = rng.integers(1, 40, m).tolist()
        letter = rng.integers(0, 8, m).tolist()
        extra = rng.random(m).tolist()
        for k, i in enumerate(sel.tolist()):
            street[i] = names[sname[k]]
            suffix[i] = ssuf[k]
            ns = str(num[k])
            if c == "DE" and extra[k] < 0.04:
                ns += "abc"[int(extra[k] * 75) % 3]
            elif c == "FR" and extra[k] < 0.03:
                ns += " bis"
            number[i] = ns
            if has_unit[k]:
                if c in ("US", "CA"):
                    if unit_u[k] < 0.2:
                        unit_kind[i], unit[i] = "suite", str(100 * (1 + unit_n[k] % 9) + unit_n[k] % 20)
                    else:
                        unit_kind[i] = "apt"
                        unit[i] = str(unit_n[k]) + ("ABCDEFGH"[letter[k]] if unit_u[k] > 0.7 else "")
                elif c in ("GB", "IE"):
                    unit_kind[i], unit[i] = (
                        "flat",
                        str(unit_n[k] % 12 + 1) + ("AB"[letter[k] % 2] if unit_u[k] > 0.85 else ""),
                    )
                elif c == "AU":
                    unit_kind[i], unit[i] = "unit", str(unit_n[k] % 20 + 1)
                else:
                    unit_kind[i], unit[i] = "apt", str(unit_n[k])
        cities_c = city_idx[sel]
        for ci in np.unique(cities_c):
            sub = sel[cities_c == ci]
            codes = _postcodes(rng, cities[ci].postcode, len(sub))
            for i, pc in zip(sub.tolist(), codes, strict=True):
                postcode[i] = pc
    table.country += country
    table.city += city_idx.tolist()
    table.number += number
    table.street += street
    table.suffix += suffix
    table.unit_kind += unit_kind
    table.unit += unit
    table.postcode += postcode
    return np.arange(start, start + n, dtype=np.int64)


def _street_line(
    table: _Addresses, a: int, abbreviated: bool, period: bool, keep_unit: bool, unit_style: float
) -> str:
    c = table.country[a]
    _, suffixes = _STREETS[c]
    full, abbr, _ = suffixes[table.suffix[a]]
    suf = abbr if abbreviated else full
    if abbreviated and period and c in ("US", "CA", "GB", "IE", "AU") and abbr != full:
        suf += "."
    street, num = table.street[a], table.number[a]
    if c == "DE":
        line = f"{street}{suf} {num}"
    elif c == "FR":
        line = f"{num} {suf} {street}"
    else:
        line = f"{num} {street} {suf}"
    kind, unit = table.unit_kind[a], table.unit[a]
    if not kind or not keep_unit:
        return line
    if c in ("US", "CA"):
        if kind == "suite":
            lab = ("Suite ", "Ste ", "Ste. ", "#")[int(unit_style * 4)]
        else:
            lab = ("Apt ", "Apt. ", "#", "Unit ", "Apartment ")[int(unit_style * 5)]
        return f"{line} {lab}{unit}"
    if c in ("GB", "IE"):
        return f"Flat {unit}, {line}" if unit_style < 0.6 else f"Flat {unit} {line}"
    if c == "AU":
        return f"{unit}/{line}" if unit_style < 0.6 else f"Unit {unit}, {line}"
    return f"{line}, Appt {unit}"


# ---------------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------------


def _cdf_pick(weights: dict[str, float], u: FloatArray) -> ObjArray:
    keys = list(weights)
    cdf = np.cumsum(list(weights.values()))
    idx = np.minimum(np.searchsorted(cdf / cdf[-1], u, side="right"), len(keys) - 1)
    return np.array(keys, dtype=object)[idx]


def generate(
    n_records: int,
    seed: int = 7,
    *,
    population: PopulationModel | None = None,
    corruption: CorruptionModel | None = None,
) -> Dataset:
    """Generate about ``n_records`` customer records (ERP + Shopify together) with ground truth.

    Parameters
    ----------
    n_records:
        Total number of records wanted across both files; the result has between ``n_records - 4``
        and ``n_records`` records (whole people are dropped at the end to meet it).
    seed:
        Seed for :func:`numpy.random.default_rng`; the output is deterministic for a seed.
    population, corruption:
        Models; the defaults are the documented benchmark settings.

    Returns
    -------
    Dataset
        ``erp``, ``shopify`` and ``truth`` data frames (all columns strings except ``person_id`` and ``household_id``) and
        the manifest dictionary.
    """
    if n_records < 10:
        raise ValueError("n_records must be at least 10")
    pop = population or PopulationModel()
    cor = corruption or CorruptionModel()
    if not math.isclose(pop.erp_only + pop.shopify_only + pop.both, 1.0, abs_tol=1e-9):
        raise ValueError("erp_only + shopify_only + both must be 1")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)

    # ----- households -----------------------------------------------------------------------------
    sizes_k = np.array(list(pop.household_sizes), dtype=np.int64)
    sizes_w = np.array(list(pop.household_sizes.values()), dtype=np.float64)
    mean_size = float((sizes_k * sizes_w).sum() / sizes_w.sum())
    n_persons_target = math.ceil(n_records / pop.records_per_person() * 1.06) + 20
    n_hh = math.ceil(n_persons_target / mean_size) + 5
    hh_size = sizes_k[_draw(rng, sizes_w, n_hh)]

    flat_cities: list[N.City] = [city for c in COUNTRIES for city in N.CITIES[c]]
    city_start = {}
    pos = 0
    for c in COUNTRIES:
        city_start[c] = pos
        pos += len(N.CITIES[c])
    city_country = np.array([city.country for city in flat_cities], dtype=object)

    hh_country = np.array(COUNTRIES, dtype=object)[
        _draw(rng, [pop.country_shares[c] for c in COUNTRIES], n_hh)
    ]
    hh_city = np.zeros(n_hh, dtype=np.int64)
    hh_culture = np.empty(n_hh, dtype=object)
    for c in COUNTRIES:
        sel = np.flatnonzero(hh_country == c)
        hh_city[sel] = city_start[c] + _draw(rng, [city.weight for city in N.CITIES[c]], len(sel))
        cult = list(N.COUNTRY_CULTURES[c])
        hh_culture[sel] = np.array(cult, dtype=object)[
            _draw(rng, [N.COUNTRY_CULTURES[c][k] for k in cult], len(sel))
        ]
    samplers = {k: _PoolSampler(p) for k, p in N.NAME_POOLS.items()}
    hh_surname = np.empty(n_hh, dtype=object)
    for k, sampler in samplers.items():
        sel = np.flatnonzero(hh_culture == k)
        hh_surname[sel] = sampler.surname(rng, len(sel))

    # very common full names (single-person households), placed in the country's largest city
    common = (hh_size == 1) & _bern(rng, pop.common_name, n_hh)
    common_pick = np.full(n_hh, -1, dtype=np.int64)
    for c in COUNTRIES:
        options = [i for i, t in enumerate(N.COMMON_FULL_NAMES) if t[0] == c]
        sel = np.flatnonzero(common & (hh_country == c))
        if not options:
            common[sel] = False
            continue
        common_pick[sel] = np.array(options)[rng.integers(0, len(options), len(sel))]
        hh_city[sel] = city_start[c]
        hh_surname[sel] = [N.COMMON_FULL_NAMES[j][3] for j in common_pick[sel]]

    addresses = _Addresses()
    hh_address = _add_addresses(rng, addresses, flat_cities, hh_city)
    hh_landline_p = np.where(hh_size > 1, pop.landline_family, pop.landline_single)
    hh_has_landline = rng.random(n_hh) < hh_landline_p
    hh_landline = np.full(n_hh, "", dtype=object)
    sel = np.flatnonzero(hh_has_landline)
    hh_landline[sel] = _landlines(rng, flat_cities, hh_city[sel])

    # ----- persons ---------------------------------------------------------------------------------
    person_hh = np.repeat(np.arange(n_hh, dtype=np.int64), hh_size)
    cum = np.cumsum(hh_size)
    member = np.arange(len(person_hh), dtype=np.int64) - np.repeat(cum - hh_size, hh_size)
    n_p = len(person_hh)
    p_country = hh_country[person_hh]
    p_city = hh_city[person_hh]
    p_culture = hh_culture[person_hh]

    head_male = rng.random(n_hh) < 0.5
    male = np.where(member == 0, head_male[person_hh], rng.random(n_p) < 0.5)
    spouse = member == 1
    male[spouse] = np.where(rng.random(int(spouse.sum())) < 0.85, ~head_male[person_hh[spouse]], male[spouse])
    head_year = rng.integers(1945, 1996, n_hh)
    birth_year = np.where(
        member == 0,
        head_year[person_hh],
        np.where(
            spouse & (rng.random(n_p) < 0.7),
            head_year[person_hh] + rng.integers(-5, 6, n_p),
            np.minimum(head_year[person_hh] + rng.integers(20, 38, n_p), 2006),
        ),
    ).astype(np.int64)

    first = np.empty(n_p, dtype=object)
    for k, sampler in samplers.items():
        sel = np.flatnonzero(p_culture == k)
        first[sel] = sampler.first(rng, male[sel])
    # distinct first names within a household (re-draw clashes a few times)
    for _ in range(6):
        codes = pd.factorize(pd.Series(first, dtype=object))[0].astype(np.int64)
        key = pd.Series(person_hh * (int(codes.max(initial=0)) + 1) + codes)
        clash = np.flatnonzero(key.duplicated().to_numpy())
        if len(clash) == 0:
            break
        for k, sampler in samplers.items():
            sub = clash[p_culture[clash] == k]
            first[sub] = sampler.first(rng, male[sub])
    middle_p = np.where(p_culture == "anglo", pop.middle_name, pop.middle_name / 2)
    has_middle = rng.random(n_p) < middle_p
    middle = np.full(n_p, "", dtype=object)
    mm = has_middle & male
    mf = has_middle & ~male
    middle[mm] = _obj(N.MIDDLE_MALE)[_draw(rng, _zipf_weights(len(N.MIDDLE_MALE), 0.9, 2.0), int(mm.sum()))]
    middle[mf] = _obj(N.MIDDLE_FEMALE)[
        _draw(rng, _zipf_weights(len(N.MIDDLE_FEMALE), 0.9, 2.0), int(mf.sum()))
    ]
    last = hh_surname[person_hh].copy()

    # common full names
    p_common = common[person_hh]
    for i in np.flatnonzero(p_common).tolist():
        _, g, f, _ = N.COMMON_FULL_NAMES[common_pick[person_hh[i]]]
        first[i], male[i] = f, g == "M"

    # juniors: a son carrying his father's first and middle name
    head_idx = cum - hh_size
    jr_hh = (hh_size >= 2) & head_male & _bern(rng, pop.junior, n_hh)
    junior = np.zeros(n_p, dtype=bool)
    senior = np.zeros(n_p, dtype=bool)
    for h in np.flatnonzero(jr_hh).tolist():
        son = head_idx[h] + hh_size[h] - 1  # the youngest member
        if son == head_idx[h]:
            continue
        first[son], middle[son], male[son] = first[head_idx[h]], middle[head_idx[h]], True
        birth_year[son] = min(birth_year[head_idx[h]] + 24, 2006)
        junior[son] = True
        senior[head_idx[h]] = True

    # companies and work e-mail
    adult = birth_year <= 2004
    b2b = adult & _bern(rng, pop.b2b, n_p)
    has_work = b2b | (adult & _bern(rng, pop.work_email, n_p))
    work_idx = np.flatnonzero(has_work)
    n_comp = max(1, math.ceil(len(work_idx) / pop.contacts_per_company))
    comp_country = np.array(COUNTRIES, dtype=object)[
        _draw(rng, [pop.country_shares[c] for c in COUNTRIES], n_comp)
    ]
    cw1 = _obj(N.COMPANY_WORDS)[rng.integers(0, len(N.COMPANY_WORDS), n_comp)]
    cw2 = _obj(N.COMPANY_NOUNS)[rng.integers(0, len(N.COMPANY_NOUNS), n_comp)]
    cw3 = rng.random(n_comp)
    comp_name = np.empty(n_comp, dtype=object)
    comp_domain = np.empty(n_comp, dtype=object)
    for j in range(n_comp):
        c = comp_country[j]
        suffix = N.COMPANY_SUFFIX[c][int(cw3[j] * len(N.COMPANY_SUFFIX[c]))]
        comp_name[j] = f"{cw1[j]} {cw2[j]} {suffix}".strip()
        tld = N.COUNTRY_TLD[c][int(cw3[j] * 7919) % len(N.COUNTRY_TLD[c])]
        comp_domain[j] = f"{_ascii_token(cw1[j])}{_ascii_token(cw2[j]) if cw3[j] < 0.6 else ''}{tld}"
    # same-named companies in one country share a domain; give later ones a distinct one
    dom_dup = pd.Series(comp_domain, dtype=object).duplicated().to_numpy()
    for j in np.flatnonzero(dom_dup).tolist():
        base, _, tld = str(comp_domain[j]).partition(".")
        comp_domain[j] = (
            f"{base}{_ascii_token(str(comp_name[j]).split(' ')[1]) if ' ' in comp_name[j] else ''}{j}.{tld}"
        )
    # people work for a company of their own country where one exists
    p_company = np.full(n_p, -1, dtype=np.int64)
    for c in COUNTRIES:
        comps = np.flatnonzero(comp_country == c)
        sel = work_idx[p_country[work_idx] == c]
        if len(comps) == 0:
            comps = np.arange(n_comp)
        p_company[sel] = comps[rng.integers(0, len(comps), len(sel))]
    comp_city = np.zeros(n_comp, dtype=np.int64)
    for c in COUNTRIES:
        sel = np.flatnonzero(comp_country == c)
        comp_city[sel] = city_start[c] + _draw(rng, [city.weight for city in N.CITIES[c]], len(sel))
    comp_line = _landlines(rng, flat_cities, comp_city)

    # phones
    has_mobile = _bern(rng, pop.mobile, n_p)
    mobile = np.full(n_p, "", dtype=object)
    mobile[has_mobile] = _mobiles(rng, flat_cities, p_city[has_mobile])
    # numbers are unique to their holder: re-draw the rare collisions
    for _ in range(10):
        allnums = np.concatenate([mobile[has_mobile], hh_landline[hh_has_landline], comp_line])
        s = pd.Series(allnums, dtype=object)
        dup_vals = set(s[s.duplicated()].tolist())
        if not dup_vals:
            break
        redo = np.flatnonzero(has_mobile & pd.Series(mobile, dtype=object).isin(dup_vals).to_numpy())
        mobile[redo] = _mobiles(rng, flat_cities, p_city[redo])
        redo_h = np.flatnonzero(
            hh_has_landline & pd.Series(hh_landline, dtype=object).isin(dup_vals).to_numpy()
        )
        hh_landline[redo_h] = _landlines(rng, flat_cities, hh_city[redo_h])
        redo_c = np.flatnonzero(pd.Series(comp_line, dtype=object).isin(dup_vals).to_numpy())
        comp_line[redo_c] = _landlines(rng, flat_cities, comp_city[redo_c])

    # e-mails
    local = _local_parts(rng, first, middle, last, birth_year)
    p_domain = np.empty(n_p, dtype=object)
    for c in COUNTRIES:
        sel = np.flatnonzero(p_country == c)
        provs = N.EMAIL_PROVIDERS[c]
        p_domain[sel] = np.array([d for d, _ in provs], dtype=object)[
            _draw(rng, [w for _, w in provs], len(sel))
        ]
    personal = _unique_emails(rng, local, p_domain)
    # work addresses: first.last / flast / first at the company domain
    work = np.full(n_p, "", dtype=object)
    wk = rng.random(len(work_idx))
    wl = np.empty(len(work_idx), dtype=object)
    for kw, iw in enumerate(work_idx.tolist()):
        f, la = _ascii_token(first[iw]) or "x", _ascii_token(last[iw]) or "x"
        wl[kw] = f"{f}.{la}" if wk[kw] < 0.5 else (f[0] + la if wk[kw] < 0.8 else f)
    work[work_idx] = _unique_emails(rng, wl, comp_domain[p_company[work_idx]])
    # work and personal mailboxes must not coincide across people either
    family = (member > 0) & _bern(rng, pop.family_email, n_p)
    personal[family] = personal[head_idx[person_hh[family]]]

    # ----- records ----------------------------------------------------------------------------------
    u = rng.random(n_p)
    in_erp = u < pop.erp_only + pop.both
    in_shop = u >= pop.erp_only
    ue = rng.random(n_p)
    us_ = rng.random(n_p)
    n_erp = in_erp * (1 + sum((ue < p).astype(np.int64) for p in pop.erp_duplicates))
    n_shop = in_shop * (1 + sum((us_ < p).astype(np.int64) for p in pop.shopify_duplicates))
    total = np.cumsum(n_erp + n_shop)
    keep_persons = int(np.searchsorted(total, n_records, side="right"))
    n_erp[keep_persons:] = 0
    n_shop[keep_persons:] = 0
    if total[-1] < n_records:  # pragma: no cover - sizing is generous
        raise RuntimeError("population too small for the requested record count")

    erp_person = np.repeat(np.arange(n_p, dtype=np.int64), n_erp)
    erp_rank = np.arange(len(erp_person)) - np.repeat(np.cumsum(n_erp) - n_erp, n_erp)
    shop_person = np.repeat(np.arange(n_p, dtype=np.int64), n_shop)
    shop_rank = np.arange(len(shop_person)) - np.repeat(np.cumsum(n_shop) - n_shop, n_shop)

    persons = _PersonTable(
        first=first,
        middle=middle,
        last=last,
        male=male,
        junior=junior,
        senior=senior,
        b2b=b2b,
        company=p_company,
        company_name=comp_name,
        company_line=comp_line,
        country=p_country,
        city=p_city,
        address=hh_address[person_hh],
        landline=hh_landline[person_hh],
        mobile=mobile,
        personal=personal,
        work=work,
    )
    erp_addr = persons.address[erp_person].copy()
    moved_e = (erp_rank > 0) & _bern(rng, cor.moved_erp_duplicate, len(erp_person))
    erp_addr[moved_e] = _move(
        rng, addresses, flat_cities, city_country, city_start, persons.city[erp_person[moved_e]], cor
    )
    shop_addr = persons.address[shop_person].copy()
    moved_s = np.where(
        shop_rank > 0,
        _bern(rng, cor.moved_shopify_duplicate, len(shop_person)),
        in_erp[shop_person] & _bern(rng, cor.moved_cross, len(shop_person)),
    )
    shop_addr[moved_s] = _move(
        rng, addresses, flat_cities, city_country, city_start, persons.city[shop_person[moved_s]], cor
    )

    erp = _render_erp(rng, persons, erp_person, erp_rank, erp_addr, addresses, flat_cities, cor)
    shop = _render_shopify(rng, persons, shop_person, shop_rank, shop_addr, addresses, flat_cities, cor)

    # shuffle rows and assign keys in row order (keys look like creation order, unrelated to people)
    perm_e = rng.permutation(len(erp))
    erp = erp.iloc[perm_e].reset_index(drop=True)
    erp_person = erp_person[perm_e]
    gaps = 1 + (rng.random(len(erp)) < 0.05) * rng.integers(1, 30, len(erp))
    codes = np.cumsum(gaps) + 100
    width = max(6, len(str(int(codes[-1])) if len(codes) else "0"))
    erp.insert(0, "CardCode", [f"C{c:0{width}d}" for c in codes])
    perm_s = rng.permutation(len(shop))
    shop = shop.iloc[perm_s].reset_index(drop=True)
    shop_person = shop_person[perm_s]
    ids = 6_100_000_000_000 + np.cumsum(rng.integers(1, 120_000, len(shop)))
    shop.insert(0, "id", [str(v) for v in ids])

    truth = pd.DataFrame(
        {
            "source": ["erp"] * len(erp) + ["shopify"] * len(shop),
            "source_id": list(erp["CardCode"]) + list(shop["id"]),
            "person_id": np.concatenate([erp_person, shop_person]).astype(np.int64),
            "household_id": person_hh[np.concatenate([erp_person, shop_person])].astype(np.int64),
        }
    )
    manifest = _manifest(
        seed,
        n_records,
        pop,
        cor,
        erp_person,
        shop_person,
        person_hh,
        hh_size,
        junior,
        family,
        p_common,
        b2b,
        time.perf_counter() - started,
    )
    return Dataset(erp=erp, shopify=shop, truth=truth, manifest=manifest)


@dataclass
class _PersonTable:
    first: ObjArray
    middle: ObjArray
    last: ObjArray
    male: BoolArray
    junior: BoolArray
    senior: BoolArray
    b2b: BoolArray
    company: IntArray
    company_name: ObjArray
    company_line: ObjArray
    country: ObjArray
    city: IntArray
    address: IntArray
    landline: ObjArray
    mobile: ObjArray
    personal: ObjArray
    work: ObjArray


def _move(
    rng: np.random.Generator,
    table: _Addresses,
    cities: Sequence[N.City],
    city_country: ObjArray,
    city_start: dict[str, int],
    old_city: IntArray,
    cor: CorruptionModel,
) -> IntArray:
    """New addresses for people who moved: same city or another city of the same country."""
    new_city = old_city.copy()
    away = rng.random(len(old_city)) >= cor.moved_same_city
    for c in COUNTRIES:
        sel = np.flatnonzero(away & (city_country[old_city] == c))
        new_city[sel] = city_start[c] + _draw(rng, [city.weight for city in N.CITIES[c]], len(sel))
    return _add_addresses(rng, table, cities, new_city)


def _name_variant(rng: np.random.Generator, first: ObjArray, rate: float) -> ObjArray:
    """First names with a nickname substituted for ``rate`` of those that have one."""
    out = first.copy()
    hit = np.flatnonzero(rng.random(len(first)) < rate)
    pick = rng.random(len(hit))
    for k, i in enumerate(hit):
        nicks = N.NICKNAMES.get(str(first[i]).lower())
        if nicks:
            out[i] = nicks[int(pick[k] * len(nicks))]
    return out


def _with_domain_typo(email: str, u: float) -> str:
    local, _, domain = email.partition("@")
    typos = N.DOMAIN_TYPOS.get(domain.lower())
    if typos:
        return f"{local}@{typos[int(u * len(typos))]}"
    if domain.endswith(".com"):
        return f"{local}@{domain[:-4]}{('.con', '.cm', '.om', '.comm')[int(u * 4)]}"
    return f"{local}@{domain[:-1]}" if len(domain) > 4 else email


def _render_erp(
    rng: np.random.Generator,
    P: _PersonTable,
    person: IntArray,
    rank: IntArray,
    addr: IntArray,
    table: _Addresses,
    cities: Sequence[N.City],
    cor: CorruptionModel,
) -> pd.DataFrame:
    n = len(person)
    first = _name_variant(rng, P.first[person], cor.nickname_erp)
    middle = P.middle[person].copy()
    last = P.last[person].copy()
    for arr in (first, middle, last):
        strip = rng.random(n)
        for i in np.flatnonzero(strip < cor.accent_strip_erp + cor.umlaut_transliterate_erp).tolist():
            v = arr[i]
            if v and not v.isascii():
                arr[i] = _transliterate(v) if strip[i] < cor.umlaut_transliterate_erp else _strip_accents(v)
    _apply(rng, last, cor.punct_strip_erp, lambda s: s.replace("'", "").replace("-", " "))
    typo_first = rng.random(n) < 0.5
    _apply_typos(rng, first, cor.typo_name_erp, typo_first)
    _apply_typos(rng, last, cor.typo_name_erp, ~typo_first)

    b2b = P.b2b[person]
    has_company = P.company[person] >= 0
    company = np.where(has_company, P.company_name[np.maximum(P.company[person], 0)], "")
    company_line = np.where(b2b, P.company_line[np.maximum(P.company[person], 0)], "")
    cardname = _card_names(
        first.tolist(),
        middle.tolist(),
        last.tolist(),
        P.junior[person].tolist(),
        P.senior[person].tolist(),
        P.male[person].tolist(),
        b2b.tolist(),
        company.tolist(),
        _cdf_pick(cor.card_name_formats, rng.random(n)).tolist(),
        rng.random(n).tolist(),
        rng.random(n).tolist(),
        rng.random(n).tolist(),
        cor,
    )

    # phones: the person's numbers, some left out, put in slots (sometimes shuffled), then spelled
    keep = rng.random((n, 3)) < cor.erp_number_kept
    land = np.where(keep[:, 0], P.landline[person], "").tolist()
    comp = np.where(keep[:, 1], company_line, "").tolist()
    mob = np.where(keep[:, 2], P.mobile[person], "").tolist()
    company_line_l = company_line.tolist()
    no_phone = (rng.random(n) < cor.erp_no_phone).tolist()
    shuffle = (rng.random(n) < cor.phone_slots_shuffled).tolist()
    perm = (rng.random(n) * 6).astype(np.int64).tolist()
    nanp_fmt = _cdf_pick(cor.erp_nanp_formats, rng.random(3 * n)).reshape(n, 3).tolist()
    intl_fmt = _cdf_pick(cor.erp_intl_formats, rng.random(3 * n)).reshape(n, 3).tolist()
    ext_u = rng.random((n, 3)).tolist()
    junk_u = rng.random((n, 3)).tolist()
    orders = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))
    n_junk = len(N.PHONE_JUNK)
    slots: list[list[str]] = []
    for i in range(n):
        if no_phone[i]:
            nums = ["", "", ""]
        else:
            primary = land[i] or comp[i] or mob[i]
            second = comp[i] if (comp[i] and comp[i] != primary) else ""
            cell = mob[i] if mob[i] != primary else ""
            nums = [primary, second, cell]
            if shuffle[i]:
                present = [x for x in nums if x]
                nums = ["", "", ""]
                for x, slot in zip(present, orders[perm[i]], strict=False):
                    nums[slot] = x
        row = ["", "", ""]
        for j in range(3):
            x = nums[j]
            if x:
                rate = cor.phone_extension_company if x == company_line_l[i] else cor.phone_extension
                row[j] = _format_erp_phone(x, nanp_fmt[i][j], intl_fmt[i][j], ext_u[i][j], rate)
            elif junk_u[i][j] < cor.phone_junk:
                row[j] = N.PHONE_JUNK[int(junk_u[i][j] / cor.phone_junk * n_junk)]
        slots.append(row)
    phones = np.array(slots, dtype=object).reshape(n, 3)

    # e-mail
    email_p = np.where(rank > 0, cor.erp_email - cor.erp_duplicate_email_missing, cor.erp_email)
    has_email = (rng.random(n) < email_p).tolist()
    work_p = np.where(b2b, cor.erp_email_work_b2b, cor.erp_email_work_other)
    use_work = (rng.random(n) < work_p).tolist()
    style_u = rng.random(n).tolist()
    typo_u = rng.random(n).tolist()
    personal = P.personal[person].tolist()
    work = P.work[person].tolist()
    email = [""] * n
    for i in range(n):
        if not has_email[i]:
            continue
        w = work[i]
        uw = bool(w) and use_work[i]
        e = w if uw else personal[i]
        su = style_u[i]
        if su < cor.erp_email_capitalised:
            loc, _, dom = e.partition("@")
            e = ".".join(t[:1].upper() + t[1:] for t in loc.split(".")) + "@" + dom.capitalize()
        elif su < cor.erp_email_capitalised + cor.erp_email_two and w:
            e = f"{e}; {personal[i] if uw else w}"
        elif su > 1 - cor.erp_email_whitespace:
            e = f" {e} "
        if typo_u[i] < cor.email_domain_typo_erp:
            e = _with_domain_typo(e, typo_u[i] / cor.email_domain_typo_erp)
        email[i] = e

    # address
    has_addr = (rng.random(n) < cor.erp_address).tolist()
    ab_u = rng.random(n).tolist()
    keep_unit = (rng.random(n) >= cor.unit_dropped).tolist()
    unit_style = rng.random(n).tolist()
    upper = (rng.random(n) < cor.upper_address_erp).tolist()
    zip_u = rng.random(n).tolist()
    plus4 = rng.integers(1, 10000, n).tolist()
    st_u = rng.random(n).tolist()
    city_u = rng.random(n).tolist()
    addr_l = addr.tolist()
    street = [""] * n
    city = [""] * n
    zipc = [""] * n
    state = [""] * n
    abbr_rate = cor.street_abbreviated_erp
    for i in range(n):
        if not has_addr[i]:
            continue
        a = addr_l[i]
        line = _street_line(
            table, a, ab_u[i] < abbr_rate, ab_u[i] < abbr_rate * 0.1, keep_unit[i], unit_style[i]
        )
        street[i] = line.upper() if upper[i] else line
        cobj = cities[table.city[a]]
        city[i] = cobj.name.upper() if (city_u[i] < cor.city_upper_erp or upper[i]) else cobj.name
        z = table.postcode[a]
        c = cobj.country
        zu = zip_u[i]
        if c == "US":
            if zu < cor.zip_plus4_erp:
                z = f"{z}-{plus4[i]:04d}"
            elif z.startswith("0") and zu > 1 - cor.zip_leading_zero_lost_erp:
                z = z.lstrip("0")
        elif c in ("GB", "CA"):
            if zu < cor.postcode_no_space:
                z = z.replace(" ", "")
            elif zu > 1 - cor.postcode_lower:
                z = z.lower()
        elif c == "IE" and zu < cor.eircode_missing:
            z = ""
        zipc[i] = z
        su = st_u[i]
        if su < cor.state_missing:
            state[i] = ""
        elif c in ("US", "CA", "AU") and su > 1 - cor.state_full_name_erp:
            state[i] = cobj.state_name
        elif c == "GB":
            state[i] = cobj.state_name if su > 0.8 else ""
        elif c == "IE":
            state[i] = cobj.state_name if su > 0.5 else ""
        else:
            state[i] = cobj.state
    street_a = _obj(street)
    _apply_typos(rng, street_a, cor.typo_address)
    cu = rng.random(n).tolist()
    country = P.country[person].tolist()
    country_out = [""] * n
    for i in range(n):
        c = country[i]
        if cu[i] < cor.country_missing_erp:
            continue
        if cu[i] > 1 - cor.country_spelled_erp:
            spell = N.COUNTRY_SPELLINGS[c]
            country_out[i] = spell[int((1 - cu[i]) / cor.country_spelled_erp * len(spell)) % len(spell)]
        else:
            country_out[i] = c
    return pd.DataFrame(
        {
            "CardName": cardname,
            "Phone1": phones[:, 0],
            "Phone2": phones[:, 1],
            "Cellular": phones[:, 2],
            "EmailAddress": email,
            "Address": street_a,
            "City": city,
            "ZipCode": zipc,
            "State": state,
            "Country": country_out,
            "CardType": "cCustomer",
        },
        dtype=object,
    )


def _card_names(
    first: list[str],
    middle: list[str],
    last: list[str],
    junior: list[bool],
    senior: list[bool],
    male: list[bool],
    b2b: list[bool],
    company: list[str],
    fmt: list[str],
    jr_u: list[float],
    title_u: list[float],
    comp_u: list[float],
    cor: CorruptionModel,
) -> list[str]:
    """SAP B1 ``CardName`` values in the layouts of :attr:`CorruptionModel.card_name_formats`."""
    out = []
    for i in range(len(first)):
        f, m, la = first[i], middle[i], last[i]
        if junior[i] and jr_u[i] < cor.junior_suffix_erp:
            la = la + (" Jr", " Jr.", ", Jr.", " JR")[int(jr_u[i] * 40) % 4]
        elif senior[i] and jr_u[i] < 0.15:
            la = la + (" Sr", " Sr.")[int(jr_u[i] * 40) % 2]
        k = fmt[i]
        mi = m[:1]
        if k == "First Last":
            s = f"{f} {la}"
        elif k == "LAST, FIRST":
            s = f"{la}, {f}".upper()
        elif k == "FIRST LAST":
            s = f"{f} {la}".upper()
        elif k == "First M. Last":
            s = f"{f} {mi}. {la}" if mi else f"{f} {la}"
        elif k == "First Middle Last":
            s = f"{f} {m} {la}" if m else f"{f} {la}"
        elif k == "Last, First":
            s = f"{la}, {f}"
        elif k == "LAST FIRST":
            s = f"{la} {f}".upper()
        elif k == "Title First Last":
            tu = title_u[i]
            t = ("Mr", "Mr.")[int(tu * 2)] if male[i] else ("Mrs", "Ms", "Ms.", "Mrs.")[int(tu * 4)]
            s = f"{t} {f} {la}" if tu > 0.05 else f"Dr. {f} {la}"
        elif k == "first last":
            s = f"{f} {la}".lower()
        elif k == "FIRST M LAST":
            s = (f"{f} {mi} {la}" if mi else f"{f} {la}").upper()
        elif k == "F. Last":
            s = f"{f[:1]}. {la}"
        else:
            s = f"{la}, {f} {mi}." if mi else f"{la}, {f}"
        cu = comp_u[i]
        if b2b[i] and cu < cor.company_card:
            co = company[i]
            if cu < cor.company_card * cor.company_only_card:
                s = co
            else:
                style = int(cu / cor.company_card * 4) % 4
                s = (f"{co} ({f} {la})", f"{co} - {f} {la}", f"{co} Attn: {f} {la}", f"{co} / {la}, {f}")[
                    style
                ]
        out.append(s)
    return out


def _gmail_dots(local: str, u: float) -> str:
    flat = local.replace(".", "")
    if len(flat) < 3:
        return local
    pos = 1 + int(u * (len(flat) - 1))
    variant = flat[:pos] + "." + flat[pos:]
    return variant if variant != local else flat


def _render_shopify(
    rng: np.random.Generator,
    P: _PersonTable,
    person: IntArray,
    rank: IntArray,
    addr: IntArray,
    table: _Addresses,
    cities: Sequence[N.City],
    cor: CorruptionModel,
) -> pd.DataFrame:
    n = len(person)
    dup = rank > 0
    kind = np.where(dup, _cdf_pick(cor.shopify_duplicate_kinds, rng.random(n)), "")
    first = _name_variant(rng, P.first[person], cor.nickname_shopify)
    last = P.last[person].copy()
    mid_u = rng.random(n)
    middle = P.middle[person]
    for i in np.flatnonzero((mid_u < cor.middle_in_shopify_first) & (middle != "")).tolist():
        m = middle[i]
        first[i] = f"{first[i]} {m if mid_u[i] < cor.middle_in_shopify_first / 3 else m[0]}"
    jr_u = rng.random(n)
    for i in np.flatnonzero(P.junior[person] & (jr_u < cor.junior_suffix_shopify)).tolist():
        last[i] = f"{last[i]} Jr" if jr_u[i] < cor.junior_suffix_shopify / 2 else f"{last[i]} Jr."
    for arr in (first, last):
        _apply(rng, arr, cor.accent_strip_shopify, lambda s: _strip_accents(s) if not s.isascii() else s)
    typo_first = rng.random(n) < 0.5
    _apply_typos(rng, first, cor.typo_name_shopify, typo_first)
    _apply_typos(rng, last, cor.typo_name_shopify, ~typo_first)
    case_u = rng.random(n)
    for i in np.flatnonzero(case_u < cor.case_lower_shopify).tolist():
        first[i], last[i] = first[i].lower(), last[i].lower()
    for i in np.flatnonzero(case_u > 1 - cor.case_upper_shopify).tolist():
        first[i], last[i] = first[i].upper(), last[i].upper()
    swap = rng.random(n) < cor.swap_first_last_shopify
    first[swap], last[swap] = last[swap], first[swap].copy()
    miss_u = rng.random((n, 2))
    first[dup & (miss_u[:, 0] < cor.guest_first_missing)] = ""
    last[dup & (miss_u[:, 1] < cor.guest_last_missing)] = ""

    # e-mail
    em_u = rng.random((n, 3)).tolist()
    kind_l = kind.tolist()
    personal_l = P.personal[person].tolist()
    work_l = P.work[person].tolist()
    country_l = P.country[person].tolist()
    email = [""] * n
    for i in range(n):
        personal, work, k = personal_l[i], work_l[i], kind_l[i]
        u0, u1, u2 = em_u[i]
        if k == "phone_only":
            continue
        if k == "other_email":
            if work:
                e = work
            else:  # no second mailbox: an old address at another provider
                loc = personal.partition("@")[0]
                provs = N.EMAIL_PROVIDERS[country_l[i]]
                e = f"{loc}{int(u1 * 90) + 10}@{provs[int(u0 * len(provs))][0]}"
        elif k == "email_variant":
            loc, _, dom = personal.partition("@")
            if dom == "gmail.com" and u0 < 0.6:
                if u0 < 0.35:
                    e = f"{_gmail_dots(loc, u1)}@{dom}"
                else:
                    e = f"{loc}+{('shop', 'orders', 'promo', 'store')[int(u1 * 4)]}@{dom}"
            else:
                e = _with_domain_typo(personal, u1)
                if e == personal:
                    e = f"{loc}{int(u2 * 90) + 10}@{dom}"
        else:
            if u0 > cor.shopify_email:
                continue
            e = work if (work and u1 < cor.shopify_email_work) else personal
            loc, _, dom = e.partition("@")
            if dom == "gmail.com":
                if u2 < cor.gmail_dots_shopify:
                    e = f"{_gmail_dots(loc, u1)}@{dom}"
                elif u2 < cor.gmail_dots_shopify + cor.gmail_plus_shopify:
                    e = f"{loc}+shop@{dom}"
            if u2 > 1 - cor.email_domain_typo_shopify:
                e = _with_domain_typo(e, u1)
        email[i] = e.lower()

    # phone: E.164; phone-only duplicates always carry one, other duplicates none
    want = np.where(kind == "phone_only", 1.0, np.where(dup, 0.0, cor.shopify_phone))
    has_phone = rng.random(n) < want
    mob = P.mobile[person]
    land = P.landline[person]
    use_land = (land != "") & ((rng.random(n) < cor.shopify_phone_is_landline) | (mob == ""))
    chosen = np.where(use_land, land, mob)
    phone = np.where(has_phone, chosen, "")
    phone = _obj([x.replace(" ", "") for x in phone.tolist()])
    email_a = _obj(email)

    # Shopify keeps e-mail and phone unique per customer: a later customer cannot reuse them
    # (primaries claim their e-mail first; a phone-only duplicate claims its phone first, because the
    # person's other customer was created without one)
    for col, order in (
        (email_a, np.argsort(rank, kind="stable")),
        (phone, np.argsort(np.where(kind == "phone_only", -1, rank), kind="stable")),
    ):
        s = pd.Series(col[order], dtype=object)
        taken = (s != "") & s.duplicated()
        col[order[taken.to_numpy()]] = ""

    # address
    addr_p = np.where(dup, cor.shopify_address * (1 - cor.guest_address_missing), cor.shopify_address)
    has_addr = (rng.random(n) < addr_p).tolist()
    abbr = (rng.random(n) < cor.street_abbreviated_shopify).tolist()
    keep_unit = (rng.random(n) >= cor.unit_dropped + 0.05).tolist()
    unit_style = rng.random(n).tolist()
    low_u = rng.random(n).tolist()
    zip_u = rng.random(n).tolist()
    addr_l = addr.tolist()
    street = [""] * n
    city = [""] * n
    zipc = [""] * n
    prov = [""] * n
    ccode = [""] * n
    for i in range(n):
        if not has_addr[i]:
            continue
        a = addr_l[i]
        line = _street_line(table, a, abbr[i], False, keep_unit[i], unit_style[i])
        cobj = cities[table.city[a]]
        c = cobj.country
        lower = low_u[i] < cor.lower_address_shopify
        street[i] = line.lower() if lower else line
        city[i] = cobj.name.lower() if (lower or low_u[i] > 1 - cor.city_lower_shopify) else cobj.name
        z = table.postcode[a]
        if c in ("GB", "CA") and zip_u[i] < cor.postcode_no_space:
            z = z.replace(" ", "")
        if c == "IE" and zip_u[i] < cor.eircode_missing / 2:
            z = ""
        zipc[i] = z
        prov[i] = cobj.state if c in ("US", "CA", "AU", "IE") else ""
        ccode[i] = c
    street_a = _obj(street)
    _apply_typos(rng, street_a, cor.typo_address / 2)
    # the country is known from checkout even without a street
    ccode_a = _obj(ccode)
    no_addr = ~np.array(has_addr, dtype=bool) & (rng.random(n) < 0.5)
    ccode_a[no_addr] = P.country[person[no_addr]]
    return pd.DataFrame(
        {
            "first_name": first,
            "last_name": last,
            "email": email_a,
            "phone": phone,
            "address1": street_a,
            "city": city,
            "zip": zipc,
            "province_code": prov,
            "country_code": ccode_a,
        },
        dtype=object,
    )


def _pairs(labels: IntArray) -> int:
    if len(labels) == 0:
        return 0
    counts = np.bincount(labels)
    return int((counts * (counts - 1) // 2).sum())


def _manifest(
    seed: int,
    requested: int,
    pop: PopulationModel,
    cor: CorruptionModel,
    erp_person: IntArray,
    shop_person: IntArray,
    person_hh: IntArray,
    hh_size: IntArray,
    junior: BoolArray,
    family: BoolArray,
    common: BoolArray,
    b2b: BoolArray,
    elapsed: float,
) -> dict[str, Any]:
    all_p = np.concatenate([erp_person, shop_person])
    present = np.unique(all_p)
    n_pers = len(present)
    e_set = np.unique(erp_person)
    s_set = np.unique(shop_person)
    both = np.intersect1d(e_set, s_set)
    total_pairs = _pairs(all_p)
    within_erp = _pairs(erp_person)
    within_shop = _pairs(shop_person)
    hh_present = np.bincount(person_hh[present], minlength=len(hh_size))
    return {
        "generator": "benchmarks.generate",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "requested_records": requested,
        "counts": {
            "records": len(all_p),
            "erp_records": len(erp_person),
            "shopify_records": len(shop_person),
            "persons": n_pers,
            "persons_in_erp": len(e_set),
            "persons_in_shopify": len(s_set),
            "persons_in_both": len(both),
            "persons_with_several_records": int((np.bincount(all_p) > 1).sum()),
            "true_pairs": total_pairs,
            "true_pairs_within_erp": within_erp,
            "true_pairs_within_shopify": within_shop,
            "true_pairs_cross_source": total_pairs - within_erp - within_shop,
            "households_with_2plus_persons": int((hh_present >= 2).sum()),
            "persons_in_multi_person_households": int(hh_present[hh_present >= 2].sum()),
            "juniors": int(junior[present].sum()),
            "shared_family_email_persons": int(family[present].sum()),
            "common_name_persons": int(common[present].sum()),
            "b2b_persons": int(b2b[present].sum()),
        },
        "population": asdict(pop),
        "corruption": asdict(cor),
        "seconds": round(elapsed, 2),
    }


def with_overrides(
    settings: Sequence[str],
    population: PopulationModel | None = None,
    corruption: CorruptionModel | None = None,
) -> tuple[PopulationModel, CorruptionModel]:
    """The models with ``KNOB=VALUE`` settings applied (VALUE is JSON; a knob names a field of either model).

    >>> pop, cor = with_overrides(["guest_address_missing=0.1", "erp_duplicates=[0.1, 0.02, 0.0]"])
    >>> cor.guest_address_missing, pop.erp_duplicates
    (0.1, (0.1, 0.02, 0.0))
    """
    models: list[Any] = [population or PopulationModel(), corruption or CorruptionModel()]
    for setting in settings:
        knob, sep, text = setting.partition("=")
        knob = knob.strip()
        if not sep:
            raise ValueError(f"--set {setting!r}: expected KNOB=VALUE")
        owner = next((i for i, m in enumerate(models) if knob in {f.name for f in fields(m)}), None)
        if owner is None:
            raise ValueError(f"--set {setting!r}: no knob {knob!r} in the population or corruption model")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--set {setting!r}: the value is not JSON ({exc.msg})") from None
        current = getattr(models[owner], knob)
        if isinstance(current, tuple) and isinstance(value, list):
            value = tuple(value)
        if isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(current):
            raise ValueError(
                f"--set {setting!r}: {knob} takes a {type(current).__name__}, not a {type(value).__name__}"
            )
        models[owner] = replace(models[owner], **{knob: value})
    return models[0], models[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m benchmarks.generate --records N --out DIR [--seed S]``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Generate synthetic ERP + Shopify customers with truth.",
    )
    parser.add_argument("--records", type=int, default=250_000, help="total records across both files")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--set", dest="settings", action="append", default=[], metavar="KNOB=VALUE",
        help="override one model knob (JSON value), for sensitivity studies; repeatable",
    )
    args = parser.parse_args(argv)
    try:
        population, corruption = with_overrides(args.settings)
    except ValueError as exc:
        parser.error(str(exc))
    t0 = time.perf_counter()
    data = generate(args.records, args.seed, population=population, corruption=corruption)
    t1 = time.perf_counter()
    data.manifest["seconds_write"] = 0.0
    data.write(args.out)
    t2 = time.perf_counter()
    data.manifest["seconds_write"] = round(t2 - t1, 2)
    (args.out / "manifest.json").write_text(json.dumps(data.manifest, indent=2, ensure_ascii=False) + "\n")
    c = data.manifest["counts"]
    print(
        f"{c['records']} records ({c['erp_records']} ERP, {c['shopify_records']} Shopify) "
        f"of {c['persons']} persons, "
        f"{c['true_pairs']} true pairs; generated in {t1 - t0:.1f}s, written in {t2 - t1:.1f}s -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
