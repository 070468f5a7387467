"""Real-time lookup benchmark: build a :class:`identity.Resolver`, then time voice-style lookups.

Run::

    python -m benchmarks.lookup DIR [--per-kind 2500] [--seed 0] [--json results.json]

``DIR`` holds ``erp.csv``, ``shopify.csv`` and ``truth.csv`` from ``python -m benchmarks.generate``.
The benchmark

1. builds the resolver from both files (the batch dedupe plus the index) and measures time and memory;
2. saves it, loads it back (timed) and goes on with the loaded copy;
3. holds back one record of each of several thousand people who have records in both systems: the record
   is removed from the index, and the caller "is" that record;
4. asks, per query kind, for the held-back person's other records:

   - ``phone digits``: the phone as national digits, ``07240463274``;
   - ``spoken email``: a speech-to-text transcript of the email ("um it's john smith eighty four at g
     mail", spelled letters, "at the rate of", dropped dots, split provider names);
   - ``name+postcode typo``: first name and surname, one of them with a typing slip, and the postcode;
   - ``nickname+phone``: a nickname of the first name (Bill for William) and the phone in some spelling.
     The nickname comes from the library's own table (``normalizers.name.name_variants``), and the
     phone alone is a shared key: this kind measures a lookup by phone with a known nickname, not how
     many nicknames the library knows.

A query is only asked when it can be answered: the held-back record has the fields it uses and one of the
person's remaining records shares the searched value (the same phone, the same email, the same
postcode). The table reports how many held-back records qualified.

Top-1 (top-5) accuracy: the best match (one of the first five) is a record of the same person, in
either system (the person's other records in the held-back record's own system count too).
Latency is wall-clock per ``Resolver.lookup`` call, in this process, dict query in, matches out.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import phonenumbers
import pyarrow.csv as pacsv

from benchmarks._memory import TreeMemory
from identity import dedupe
from identity._dedupe import _as_source_list
from identity._exceptions import InsufficientQuery
from identity._io import combine_sources
from identity._resolver import Resolver
from normalizers import email as _email
from normalizers import name as _name

KINDS = ("phone digits", "spoken email", "name+postcode typo", "nickname+phone")


@dataclass
class KindResult:
    kind: str
    n: int = 0
    eligible: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    top1: float = 0.0
    top5: float = 0.0
    empty: int = 0
    latencies: list[float] = field(default_factory=list, repr=False)


# ----------------------------------------------------------------------------------- speech slips

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
_SPOKEN_DOMAINS = {
    "gmail": ["g mail", "gmail", "gee mail"],
    "hotmail": ["hot mail", "hotmail"],
    "icloud": ["i cloud", "icloud"],
    "outlook": ["out look", "outlook"],
    "sbcglobal": ["sbc global", "s b c global"],
    "aol": ["a o l", "aol"],
    "ymail": ["y mail"],
    "googlemail": ["google mail"],
    "btinternet": ["bt internet", "b t internet"],
}
_SEPARATORS = {
    ".": ["dot", "period"],
    "_": ["underscore", "under score"],
    "-": ["dash", "hyphen"],
    "+": ["plus"],
}
_LEAD_INS = ["", "", "my email is ", "it's ", "um it's ", "yeah so it's ", "sure, "]


def _two_digits(n: int) -> str:
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _UNITS[n % 10])


def _say_number(digits: str, rng: np.random.Generator) -> str:
    if len(digits) == 2 and digits[0] != "0" and rng.random() < 0.7:
        return _two_digits(int(digits))
    if len(digits) == 4 and digits[:2] in ("19", "20") and digits[2] != "0" and rng.random() < 0.7:
        return f"{_two_digits(int(digits[:2]))} {_two_digits(int(digits[2:]))}"
    return " ".join("oh" if d == "0" and rng.random() < 0.5 else _UNITS[int(d)] for d in digits)


def spoken_email(address: str, rng: np.random.Generator) -> str:
    """A transcript of someone reading ``address`` out, with the slips speech-to-text makes: number
    words, letters spelled out, "at the rate of", split provider names, an unsaid ".com", and a dot
    between two words left unsaid ("john smith" for john.smith; not between spelled-out letters, where
    a listener could not tell either)."""
    local, _, domain = address.strip().lower().rpartition("@")
    tokens = re.findall(r"[a-z]+|[0-9]+|[^a-z0-9]", local)
    spelled = [t.isalpha() and (len(t) <= 2 or rng.random() < 0.15) for t in tokens]
    words: list[str] = []
    for k, token in enumerate(tokens):
        if token.isdigit():
            words.append(_say_number(token, rng))
        elif token.isalpha():
            words.append(" ".join(token) if spelled[k] else token)
        elif token in _SEPARATORS:
            between_words = 0 < k < len(tokens) - 1 and not spelled[k - 1] and not spelled[k + 1]
            if not (token == "." and between_words and tokens[k + 1].isalpha() and rng.random() < 0.3):
                words.append(str(rng.choice(_SEPARATORS[token])))
        else:
            words.append(token)
    at = "at the rate of" if rng.random() < 0.1 else "at"
    labels = domain.split(".")
    spoken = [
        str(rng.choice(_SPOKEN_DOMAINS[label])) if label in _SPOKEN_DOMAINS else label for label in labels
    ]
    if labels[0] in ("gmail", "hotmail") and labels[1:] == ["com"] and rng.random() < 0.2:
        tail = spoken[0]  # "at gmail": the .com left unsaid
    else:
        tail = " dot ".join(spoken)
    return f"{rng.choice(_LEAD_INS)}{' '.join(words)} {at} {tail}"


def typo(word: str, rng: np.random.Generator) -> str:
    """One typing slip (swap, drop, double or replace a letter), not in the first letter; the result
    always differs from ``word`` (of three letters or more)."""
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        # swap two neighbours that differ (swapping the n's of Anna would leave no slip): the first
        # such pair from i on, else from the second letter on, else drop a letter instead
        j = next((k for k in [*range(i, len(word) - 1), *range(1, i)] if word[k] != word[k + 1]), None)
        if j is None:
            return word[:i] + word[i + 1 :]
        return word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    letter = (
        "aeiou"[int(rng.integers(0, 5))] if word[i] not in "aeiou" else "bcdlmnrst"[int(rng.integers(0, 9))]
    )
    return word[:i] + letter + word[i + 1 :]


def national_digits(e164: int) -> str:
    number = phonenumbers.parse(f"+{e164}")
    return "".join(
        ch
        for ch in phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if ch.isdigit()
    )


def phone_spelling(e164: int, rng: np.random.Generator) -> str:
    number = phonenumbers.parse(f"+{e164}")
    formats = [
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.E164,
    ]
    text = phonenumbers.format_number(number, formats[int(rng.integers(0, 3))])
    return text.replace(" ", str(rng.choice([" ", "-", ".", ""])))


# ------------------------------------------------------------------------------------------ queries


@dataclass
class Query:
    kind: str
    person: int
    fields: dict[str, str]


def _person_ids(directory: Path, sources: Sequence[str], ids: Sequence[str]) -> np.ndarray:
    truth = pacsv.read_csv(
        directory / "truth.csv",
        convert_options=pacsv.ConvertOptions(column_types={"source_id": "string", "source": "string"}),
    )
    key = dict(
        zip(
            zip(truth["source"].to_pylist(), truth["source_id"].to_pylist(), strict=True),
            truth["person_id"].to_pylist(),
            strict=True,
        )
    )
    return np.array([key[(s, i)] for s, i in zip(sources, ids, strict=True)], dtype=np.int64)


def make_queries(
    features: Any, raw: list[dict[str, Any]], person: np.ndarray, held: np.ndarray, per_kind: int, seed: int
) -> tuple[list[Query], dict[str, int]]:
    """Voice-style queries from the held-back rows, for their persons' remaining records."""
    rng = np.random.default_rng(seed + 1)
    rows_of: dict[int, list[int]] = {}
    for row, p in enumerate(person.tolist()):
        rows_of.setdefault(p, []).append(row)
    held_set = set(held.tolist())
    f = features
    out: dict[str, list[Query]] = {k: [] for k in KINDS}
    eligible = dict.fromkeys(KINDS, 0)
    for row in held.tolist():
        p = int(person[row])
        others = [r for r in rows_of[p] if r not in held_set]
        phones = [x for x in f.phone[row].tolist() if x >= 0]
        other_phones = {x for r in others for x in f.phone[r].tolist() if x >= 0}
        shared_phone = next((x for x in phones if x in other_phones), None)
        first = f.first_vocab[f.first[row]] if f.first[row] >= 0 else None
        last = f.last_vocab[f.last[row]] if f.last[row] >= 0 else None
        if shared_phone is not None:
            eligible["phone digits"] += 1
            out["phone digits"].append(Query("phone digits", p, {"phone": national_digits(shared_phone)}))
            if first:
                variants = sorted(v for v in _name.name_variants(first) if v != first and v.isalpha())
                if variants:
                    eligible["nickname+phone"] += 1
                    nick = variants[int(rng.integers(0, len(variants)))].title()
                    out["nickname+phone"].append(
                        Query(
                            "nickname+phone",
                            p,
                            {"first_name": nick, "phone": phone_spelling(shared_phone, rng)},
                        )
                    )
        other_emails = {f.email_vocab[x] for r in others for x in f.email[r].tolist() if x >= 0}
        for text in raw[row].get("email") or []:
            key = _email.match_key(text)
            if key is not None and key in other_emails:
                eligible["spoken email"] += 1
                out["spoken email"].append(
                    Query("spoken email", p, {"spoken_email": spoken_email(text, rng)})
                )
                break
        postcode = int(f.postcode[row])
        # Names as a caller says them, first name first: from Shopify's first/last fields (an ERP card
        # name is sometimes stored surname first). The slip goes into a name of four letters or more.
        long_names = [k for k, v in enumerate((first, last)) if v and len(v) >= 4]
        if (
            f.source_names[int(f.source[row])] == "shopify"
            and first
            and last
            and long_names
            and postcode >= 0
            and any(int(f.postcode[r]) == postcode for r in others)
        ):
            eligible["name+postcode typo"] += 1
            names = [first.title(), last.title()]
            slip = long_names[int(rng.integers(0, len(long_names)))]
            names[slip] = typo(names[slip], rng)
            a, b = names
            out["name+postcode typo"].append(
                Query(
                    "name+postcode typo",
                    p,
                    {"first_name": a, "last_name": b, "postcode": f.postcode_vocab[postcode]},
                )
            )
    queries: list[Query] = []
    for kind in KINDS:
        queries.extend(out[kind][:per_kind])
    return queries, eligible


# ------------------------------------------------------------------------------------------- running


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    directory: Path,
    *,
    per_kind: int,
    holdout: int,
    seed: int,
    log: Callable[[str], None],
    show_failures: int = 0,
) -> dict[str, Any]:
    files = [directory / "erp.csv", directory / "shopify.csv"]
    load_before = os.getloadavg()
    log(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    # The build forks a worker process (normalisation, random pairs for u): sample this process and its
    # children too, and count the larger of that and this process's own peak.
    with TreeMemory(os.getpid()) as tree:
        start = time.perf_counter()
        result = dedupe(files)
        dedupe_s = time.perf_counter() - start
        resolver = Resolver.from_result(result)
        build_s = time.perf_counter() - start
    peak_build = max(_peak_mb(), tree.peak_bytes / 2**20)
    log(
        f"built {len(resolver)} records in {build_s:.2f} s (dedupe {dedupe_s:.2f} s), "
        f"peak memory {peak_build:.0f} MB (this process's RSS {_peak_mb():.0f} MB)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resolver.npz"
        t = time.perf_counter()
        resolver.save(path)
        save_s = time.perf_counter() - t
        size_mb = path.stat().st_size / 2**20
        t = time.perf_counter()
        loaded = Resolver.load(path)
        load_s = time.perf_counter() - t
    log(f"saved {size_mb:.0f} MB in {save_s:.2f} s, loaded in {load_s:.2f} s")

    raw = combine_sources(_as_source_list(files)).select(["source", "source_id", "email"]).to_pylist()
    sources = [r["source"] for r in raw]
    ids = [r["source_id"] for r in raw]
    person = _person_ids(directory, sources, ids)
    features = result.features
    assert features is not None
    rng = np.random.default_rng(seed)
    # Held back: one record of each sampled person who has records in both systems.
    src = features.source
    by_person: dict[int, list[int]] = {}
    for row, p in enumerate(person.tolist()):
        by_person.setdefault(p, []).append(row)
    both = [rows for rows in by_person.values() if len({int(src[r]) for r in rows}) > 1]
    picked = rng.choice(len(both), size=min(holdout, len(both)), replace=False)
    held = np.array([both[k][int(rng.integers(0, len(both[k])))] for k in picked.tolist()], dtype=np.int64)
    queries, eligible = make_queries(features, raw, person, held, per_kind, seed)

    # The loaded copy answers exactly like the built one (checked on a few queries before removal).
    for q in queries[:: max(1, len(queries) // 200)]:
        a = [(m.source_id, m.probability) for m in resolver.lookup(q.fields)]
        b = [(m.source_id, m.probability) for m in loaded.lookup(q.fields)]
        if a != b:
            raise AssertionError(f"loaded resolver differs on a {q.kind} query")
    del resolver, result
    gc.collect()
    for row in held.tolist():
        loaded.remove(sources[row], ids[row])
    person_of = {(s, i): p for s, i, p in zip(sources, ids, person.tolist(), strict=True)}

    for q in queries[:300]:  # warm-up: caches, first-call costs
        loaded.lookup(q.fields)
    results = {kind: KindResult(kind, eligible=eligible[kind]) for kind in KINDS}
    order = rng.permutation(len(queries))
    for k in order.tolist():
        q = queries[k]
        t0 = time.perf_counter_ns()
        try:
            matches = loaded.lookup(q.fields, top_k=5)
        except InsufficientQuery:
            matches = []
        elapsed = (time.perf_counter_ns() - t0) / 1e6
        r = results[q.kind]
        r.n += 1
        r.latencies.append(elapsed)
        found = [person_of[(m.source, m.source_id)] == q.person for m in matches]
        r.top1 += bool(found[:1] and found[0])
        if show_failures and not (found[:1] and found[0]) and r.n - r.top1 <= show_failures:
            log(
                f"MISS {q.kind}: {q.fields} -> "
                + "; ".join(f"{m.source_id} p={m.probability:.3f} [{m.explanation}]" for m in matches[:2])
            )
        r.top5 += any(found)
        r.empty += not matches
    load_after = os.getloadavg()
    all_lat: list[float] = []
    total = KindResult("all", eligible=sum(eligible.values()))
    for r in results.values():
        lat = np.array(r.latencies)
        r.p50_ms, r.p99_ms, r.mean_ms = (
            float(np.percentile(lat, 50)),
            float(np.percentile(lat, 99)),
            float(lat.mean()),
        )
        total.n += r.n
        total.top1 += r.top1
        total.top5 += r.top5
        total.empty += r.empty
        all_lat.extend(r.latencies)
        r.top1 /= max(r.n, 1)
        r.top5 /= max(r.n, 1)
    lat = np.array(all_lat)
    total.p50_ms, total.p99_ms, total.mean_ms = (
        float(np.percentile(lat, 50)),
        float(np.percentile(lat, 99)),
        float(lat.mean()),
    )
    total.top1 /= max(total.n, 1)
    total.top5 /= max(total.n, 1)
    return {
        "records": len(raw),
        "held_back": len(held),
        "build_s": build_s,
        "dedupe_s": dedupe_s,
        "save_s": save_s,
        "load_s": load_s,
        "file_mb": size_mb,
        "peak_rss_mb": max(_peak_mb(), peak_build),
        "peak_rss_build_mb": peak_build,
        "rss_after_mb": _rss_mb(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "kinds": [
            {k: v for k, v in asdict(r).items() if k != "latencies"} for r in [*results.values(), total]
        ],
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        f"records {report['records']:,}, held back {report['held_back']:,}; "
        f"build {report['build_s']:.1f} s (dedupe {report['dedupe_s']:.1f} s), save {report['save_s']:.2f} s "
        f"({report['file_mb']:.0f} MB), load {report['load_s']:.2f} s; memory: peak {report['peak_rss_mb']:.0f} MB "
        f"(build, worker included: {report['peak_rss_build_mb']:.0f} MB), RSS at end {report['rss_after_mb']:.0f} MB",
        "load average before {:.2f} / after {:.2f} (1 min)".format(
            report["load_average_before"][0], report["load_average_after"][0]
        ),
        "",
        "| query kind | n | eligible | p50 ms | p99 ms | mean ms | top-1 | top-5 | no match |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["kinds"]:
        lines.append(
            f"| {r['kind']} | {r['n']:,} | {r['eligible']:,} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['mean_ms']:.2f} | {100 * r['top1']:.1f}% | {100 * r['top5']:.1f}% | {r['empty']} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lookup", description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path, help="folder with erp.csv, shopify.csv and truth.csv")
    parser.add_argument("--per-kind", type=int, default=2500, help="queries per kind (default 2500)")
    parser.add_argument("--holdout", type=int, default=9000, help="held-back records (default 9000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--show-failures", type=int, default=0, metavar="K", help="print K missed queries per kind"
    )
    args = parser.parse_args(argv)
    report = run(
        args.directory,
        per_kind=args.per_kind,
        holdout=args.holdout,
        seed=args.seed,
        log=lambda s: print(s, file=sys.stderr),
        show_failures=args.show_failures,
    )
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
