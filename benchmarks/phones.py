"""Benchmark the phone normalizer on a realistic mixed column (not a test).

    python -m benchmarks.phones [--n 200000] [--unique-ratio 0.9] [--seed 7]

The column: 85% US numbers in the legacy spellings an ERP accumulates (a few with extensions, ``001``
prefixes and vanity letters), 12% numbers from other countries (E.164, international, ``00`` prefix,
``(0)``, some national formats that cannot be read with region US), 3% junk; ``unique-ratio`` of the
values are distinct, the rest repeat earlier ones. Everything comes from a seeded numpy RNG.
Reports phones/s for ``parse_many`` and ``e164_many`` (one process, one core), for the plain slow path
on a sample, and how many distinct values each path handled.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from normalizers._phone_fast import region_info
from normalizers.phone import _fast_core, _parse_slow, e164_many, parse_many

_AREA_CODES_TEXT = (
    "201 202 203 205 206 207 208 210 212 213 214 215 216 217 218 219 224 225 228 229 231 234 239 240 248 "
    "251 252 253 254 256 260 262 267 269 270 276 281 301 302 303 304 305 307 308 309 310 312 313 314 315 "
    "316 317 318 319 320 321 323 325 330 334 336 337 339 347 351 352 360 361 386 401 402 404 405 406 407 "
    "408 409 410 412 413 414 415 417 419 423 424 425 430 432 434 435 440 443 469 478 479 480 484 501 502 "
    "503 504 505 507 508 509 510 512 513 515 516 517 518 520 530 540 541 551 559 561 562 563 567 570 571 "
    "573 574 575 580 585 586 601 602 603 605 606 607 608 609 610 612 614 615 616 617 618 619 620 623 626 "
    "630 631 636 641 646 650 651 660 661 662 678 682 701 702 703 704 706 707 708 712 713 714 715 716 717 "
    "718 719 720 724 727 731 732 734 740 754 757 760 763 765 770 772 773 774 775 781 785 786 801 802 803 "
    "804 805 806 808 810 812 813 814 815 816 817 818 828 830 831 832 843 845 847 848 850 856 857 858 859 "
    "860 862 863 864 865 870 872 878 901 903 904 906 907 908 909 910 912 913 914 915 916 917 918 919 920 "
    "925 928 931 936 937 940 941 947 949 951 952 954 956 970 971 972 973 978 979 980 985 989"
)
AREA_CODES = _AREA_CODES_TEXT.split()
US_FORMATS = (
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "{a}.{b}.{c}",
    "{a} {b} {c}",
    "{a}{b}{c}",
    "1-{a}-{b}-{c}",
    "1 ({a}) {b}-{c}",
    "+1 {a} {b} {c}",
    "+1{a}{b}{c}",
    "+1 ({a}) {b}-{c}",
    "{a}/{b}-{c}",
    "({a}){b}-{c}",
    " {a}-{b}-{c} ",
)
US_WEIGHTS = np.array([18, 16, 8, 6, 10, 6, 3, 6, 16, 3, 2, 3, 3], dtype=float)
US_RARE = ("{p} x{e}", "{p} ext. {e}", "001 {a} {b} {c}", "{a}-{b}-{c} cell", "tel:+1-{a}-{b}-{c}")
FOREIGN = ("GB", "DE", "FR", "IT", "AU", "IN", "MX", "BR", "ES", "NL", "JP", "CN", "IE", "CH", "SE", "PL")
JUNK = ("n/a", "N/A", "none", "", "000-000-0000", "0", "unknown", "-", "123", "TBD", "(000) 000-0000", "x")


def _us(rng: np.random.Generator) -> str:
    a = AREA_CODES[int(rng.integers(len(AREA_CODES)))]
    b = str(int(rng.integers(200, 1000)))
    c = f"{int(rng.integers(0, 10000)):04d}"
    if rng.random() < 0.04:
        plain = f"{a}-{b}-{c}"
        template = US_RARE[int(rng.integers(len(US_RARE)))]
        return template.format(p=plain, e=int(rng.integers(1, 9999)), a=a, b=b, c=c)
    template = US_FORMATS[int(rng.choice(len(US_FORMATS), p=US_WEIGHTS / US_WEIGHTS.sum()))]
    return template.format(a=a, b=b, c=c)


def _foreign(rng: np.random.Generator, examples: dict[str, list[phonenumbers.PhoneNumber]]) -> str:
    region = FOREIGN[int(rng.integers(len(FOREIGN)))]
    base = examples[region][int(rng.integers(len(examples[region])))]
    nsn = phonenumbers.national_significant_number(base)
    nsn = nsn[:-4] + f"{int(rng.integers(0, 10000)):04d}"
    zeros = len(nsn) - len(nsn.lstrip("0"))
    number = phonenumbers.PhoneNumber(
        country_code=base.country_code, national_number=int(nsn), italian_leading_zero=True if zeros else None
    )
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    style = int(rng.choice(6, p=[0.35, 0.3, 0.1, 0.1, 0.05, 0.1]))
    if style == 0:
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if style == 1:
        return international
    if style == 2:
        return "00" + international[1:]
    if style == 3:
        return international.replace(" ", "-")
    if style == 4:
        return international.replace(" ", " (0)", 1)
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def make_column(n: int, unique_ratio: float, seed: int) -> list[str]:
    """A seeded column of ``n`` phone values, about ``unique_ratio`` of them distinct."""
    rng = np.random.default_rng(seed)
    examples = {
        region: [
            e
            for t in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE)
            if (e := phonenumbers.example_number_for_type(region, t)) is not None
        ]
        for region in FOREIGN
    }
    n_unique = max(1, int(n * unique_ratio))
    kinds = rng.random(n_unique)
    unique: list[str] = []
    for kind in kinds:
        if kind < 0.85:
            unique.append(_us(rng))
        elif kind < 0.97:
            unique.append(_foreign(rng, examples))
        else:
            unique.append(JUNK[int(rng.integers(len(JUNK)))])
    repeats = [unique[int(i)] for i in rng.integers(0, n_unique, size=n - n_unique)]
    column = unique + repeats
    order = rng.permutation(len(column))
    return [column[int(i)] for i in order]


def _time(fn: Callable[[Sequence[str]], object], column: Sequence[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(column)
        best = min(best, time.perf_counter() - start)
    return best


def _paths(column: Sequence[str]) -> dict[str, float]:
    """Share of distinct values the fast path settles (a number or None) and the slow path takes."""
    info = region_info("US")
    counts = {"fast: number": 0, "fast: none": 0, "slow path": 0}
    distinct = set(column)
    for value in distinct:
        text = value.strip()
        if not text or len(text) > 80:
            counts["fast: none"] += 1
            continue
        core = _fast_core(text, info)
        if core is None:
            counts["fast: none"] += 1
        elif core[0] == 0:
            counts["slow path"] += 1
        else:
            counts["fast: number"] += 1
    return {k: v / len(distinct) for k, v in counts.items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--unique-ratio", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    column = make_column(args.n, args.unique_ratio, args.seed)
    e164_many(column[:1000])  # load metadata for the regions involved
    parse_many(column[:1000])
    sample = column[: min(len(column), 20_000)]
    rows = [
        ("parse_many", len(column), _time(lambda c: parse_many(c, "US"), column)),
        ("e164_many", len(column), _time(lambda c: e164_many(c, "US"), column)),
        ("slow path only", len(sample), _time(lambda c: [_parse_slow(v, "US") for v in c], sample, 1)),
    ]
    print(f"{args.n:,} values, {len(set(column)):,} distinct, seed {args.seed}")
    print(f"{'function':<16} {'values':>9} {'seconds':>8} {'phones/s':>10}")
    for name, count, seconds in rows:
        print(f"{name:<16} {count:>9,} {seconds:>8.3f} {count / seconds:>10,.0f}")
    print("distinct values by path: " + ", ".join(f"{k} {v:.1%}" for k, v in _paths(column).items()))


if __name__ == "__main__":
    main()
