"""The column-at-once phone fast path (``normalizers._arrow_phone``) agrees with ``phone.e164_many``.

``e164_digits`` decides the common spellings of a whole column at once and leaves the rest to the
scalar code; every value it decides must be exactly what ``e164_many`` gives. These tests compare the
two on arbitrary text, on phone-like strings aimed at the fast shapes and their near misses, and on the
benchmark generator's records. They also check that the common shapes are decided at all (so that the
fast path cannot silently become dead code), and that the pattern machinery underneath (paths for
``re.match``, RE2 renderings for ``fullmatch``) says what Python's ``re`` says, for every region.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers._arrow_phone import _END, _WIDTH, _full_pattern, _match, _paths, e164_digits
from normalizers._phone_fast import RegionInfo, code_info, region_info
from normalizers.address import country_code
from normalizers.phone import _fast_core, _region, e164_many

PROFILE = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Regions of the benchmark, and ones whose prefix rules are unusual: carrier codes and transform rules
# (AR, BR, CO, MX, KR, BO, CN, JP, LI, GB's 180020), an empty-matching prefix (AR), no national prefix
# (IT, ES, MX), shared country codes (CA, PR, JM, GG, IM, JE, AX, CC, KZ), a "0011" IDD (AU).
REGIONS = [
    "US", "CA", "GB", "DE", "FR", "IE", "AU", "PR", "JM", "IT", "ES", "NL", "BE", "CH", "AT", "SE", "NO",
    "PL", "RU", "KZ", "NZ", "IN", "CN", "HK", "SG", "JP", "KR", "MX", "BR", "AR", "CO", "BO", "ZA", "NG",
    "IL", "AE", "TR", "FI", "AX", "GG", "IM", "JE", "LI", "CC", "GA", "LU", "CR",
]  # fmt: skip
BENCHMARK_REGIONS = ["US", "GB", "CA", "DE", "AU", "FR", "IE"]


def _expected(values: list[str | None], region: str) -> np.ndarray:
    """What ``matchers._workers.e164_numbers`` makes of ``e164_many``."""
    return np.array([int(key[1:]) if key else -1 for key in e164_many(values, region)], dtype=np.int64)


def _check(
    values: list[str | None], region: str, array: pa.Array | pa.ChunkedArray | None = None
) -> np.ndarray:
    """Assert that every decided value equals the scalar result; return the decided flags."""
    digits, decided = e164_digits(pa.array(values, type=pa.string()) if array is None else array, region)
    assert digits.dtype == np.int64 and decided.dtype == np.bool_
    assert digits.shape == decided.shape == (len(values),)
    expected = _expected(values, region)
    wrong = [
        (values[i], region, int(digits[i]), int(expected[i]))
        for i in np.flatnonzero(decided & (digits != expected))
    ]
    assert not wrong
    assert (digits[~decided] == -1).all()
    return decided


# --------------------------------------------------------------------------- phone-like strings


@cache
def _examples(region: str) -> tuple[tuple[int, str], ...]:
    """(country code, national number) of the region's example numbers."""
    out = []
    for kind in (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
    ):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None and example.country_code is not None:
            out.append((example.country_code, phonenumbers.national_significant_number(example)))
    return tuple(out)


SEPARATORS = ["", " ", "-", ".", "/", "  ", " - ", "--", ". "]
SPACES = ["", "", "", " ", "  ", "\t", "\n", "\x0b", "\x1c", "\xa0", "\u2003", " \t"]
SUFFIXES = [
    "", "", "", "", ".0", ".00", ".0.0", " x12", " ext. 5", "#3", ";ext=9", " X1234567", "x", " ext",
    " cell", "a", " (home)", ")", "(", "+", ".", " x12 cell", ";ext=12;ext=3",
]  # fmt: skip


@st.composite
def national_numbers(draw: st.DrawFn, region: str) -> tuple[str, str]:
    """(country code, national digits): near a real number of ``region`` or of another region, or soup."""
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        examples = _examples(draw(st.sampled_from([region, region, *REGIONS])))
        if examples:
            cc, nsn = draw(st.sampled_from(examples))
            changed = draw(st.integers(0, min(4, len(nsn) - 1)))
            nsn = nsn[: len(nsn) - changed] + draw(st.text("0123456789", min_size=changed, max_size=changed))
            nsn += draw(st.sampled_from(["", "", "", "5", "12"]))
            if draw(st.integers(0, 5)) == 0:
                nsn = nsn[:-1]
            return str(cc), nsn
    if kind == 3:  # a NANP number
        area = draw(st.sampled_from(["212", "347", "604", "416", "787", "876", "555", "800", "123"]))
        return "1", area + draw(st.text("0123456789", min_size=7, max_size=7))
    if kind == 4:  # a filler: one digit repeated
        return "1", draw(st.sampled_from("0123456789")) * draw(st.integers(3, 15))
    return draw(st.sampled_from(["1", "44", "49", "33", "353", "61", "7", "86", "800", "979"])), draw(
        st.text("0123456789", max_size=18)
    )


def _grouped(draw: st.DrawFn, digits: str) -> str:
    """``digits`` cut into a few groups joined by one separator, perhaps with the first in brackets."""
    sep = draw(st.sampled_from(SEPARATORS))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(digits) - 1)), max_size=3)))
    groups = [digits[i:j] for i, j in zip([0, *cuts], [*cuts, len(digits)], strict=True) if digits[i:j]]
    if len(groups) > 1 and draw(st.integers(0, 3)) == 0:
        return f"({groups[0]}) " + sep.join(groups[1:])
    return sep.join(groups)


@st.composite
def phone_like(draw: st.DrawFn, region: str) -> str:
    """A string shaped like the fast path's shapes, or a near miss of one."""
    cc, nsn = draw(national_numbers(region))
    trunk = draw(st.sampled_from(["", "", "0", "1", "8", "00", "0 ", "15 ", "(0)", "(0) "]))
    body = _grouped(draw, trunk + nsn) if draw(st.booleans()) else trunk + _grouped(draw, nsn)
    prefix = draw(
        st.sampled_from(
            [
                "", "", "", "+", f"+{cc}", f"+{cc} ", f"+{cc}-", f"+{cc} (0)", f"+{cc}(0)", f"({cc}) ",
                f"{cc}", f"{cc} ", "1 ", "1-", f"00{cc} ", f"00 {cc} ", f"011 {cc} ", f"011{cc}", "0011 ",
                f"0011 {cc} ", "001 ", "+0", "+00", "++", f"(+{cc}) ", "tel:", f"tel:+{cc}-", "+ ",
            ]
        )
    )  # fmt: skip
    text = prefix + body + draw(st.sampled_from(SUFFIXES))
    if draw(st.integers(0, 6)) == 0 and text:  # a unicode digit or letter somewhere
        at = draw(st.integers(0, len(text) - 1))
        text = (
            text[:at] + draw(st.sampled_from(["０", "٣", "७", "O", "l", "a", "\x00", "+"])) + text[at + 1 :]
        )
    return draw(st.sampled_from(SPACES)) + text + draw(st.sampled_from(SPACES))


@st.composite
def columns(draw: st.DrawFn) -> tuple[list[str | None], str]:
    """A region and a column of values read in it: phone-like strings, arbitrary text and nulls."""
    region = draw(st.sampled_from(REGIONS))
    value = st.one_of(
        phone_like(region),
        phone_like(region),
        phone_like(region),
        st.none(),
        st.text(max_size=30),
        st.text("0123456789 +-./()xX#;et\t", max_size=30),
    )
    return draw(st.lists(value, min_size=1, max_size=30)), region


@PROFILE
@given(columns())
def test_decided_values_equal_the_scalar_path(column: tuple[list[str | None], str]) -> None:
    _check(*column)


@PROFILE
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=20), st.sampled_from(REGIONS))
def test_decided_values_equal_the_scalar_path_on_arbitrary_text(
    values: list[str | None], region: str
) -> None:
    _check(values, region)


@PROFILE
@given(
    st.lists(
        st.one_of(
            st.text("0123456789 +-./()", max_size=24),
            st.text("0123456789", min_size=3, max_size=21),
            st.builds("+{}".format, st.text("0123456789", min_size=3, max_size=21)),
        ),
        max_size=20,
    ),
    st.sampled_from(REGIONS),
)
def test_decided_values_equal_the_scalar_path_on_digit_soup(values: list[str | None], region: str) -> None:
    _check(values, region)


@PROFILE
@given(columns(), st.integers(0, 3))
def test_array_layout_does_not_matter(column: tuple[list[str | None], str], how: int) -> None:
    """Sliced, chunked and large_string arrays give the same answers as a plain one."""
    values, region = column
    plain = pa.array(["pad", *values, "pad"], type=pa.string())
    array: pa.Array | pa.ChunkedArray
    if how == 0:
        array = plain.slice(1, len(values))
    elif how == 1:
        array = pa.chunked_array([plain.slice(1, 1), plain.slice(2, len(values) - 1)], type=pa.string())
    elif how == 2:
        array = plain.slice(1, len(values)).cast(pa.large_string())
    else:
        array = pc.utf8_trim_whitespace(plain).slice(1, len(values))  # a computed array, fresh buffers
        values = [
            None if v is None else v.strip() for v in values
        ]  # (the same text for ASCII; checked anyway)
    _check(values, region, array)
    assert (e164_digits(array, region)[1] == e164_digits(pa.array(values, type=pa.string()), region)[1]).all()


def test_nulls_empty_and_long_texts_are_decided() -> None:
    values = [None, "", "   ", "\t\n\x1c", "1" * 81, " " + "2-" * 41, " " + "2" * 80 + " ", "+" + "3" * 79]
    decided = _check(values, "US")
    assert decided.tolist() == [True] * 6 + [False] * 2  # 80 characters: no longer too long (fast_core: SLOW)


def test_misuse_raises() -> None:
    with pytest.raises(ValueError, match="unknown region"):
        e164_digits(pa.array(["212 736 5000"]), "XX")
    with pytest.raises(TypeError, match="string array"):
        e164_digits(pa.array([2127365000]), "US")


# --------------------------------------------------------------------------- the common shapes are decided

# Spellings from the benchmark data (ERP and Shopify), each with the region it is read in.
COMMON = [
    ("+16084735536", "US"), ("+353854575230", "IE"), ("+4915271159405", "DE"), ("+447920022171", "US"),
    ("4062589256", "US"), ("347.912.0574", "US"), ("(212) 855-1202", "US"), ("212-855-1202", "CA"),
    ("+1 504-867-8031", "US"), ("1 (773) 902-4595", "US"), ("1-773-902-4595", "CA"), ("17739024595", "US"),
    ("212 855 1202", "US"), ("001 212 736 5000", "US"), ("011 1 212 736 5000", "US"),
    ("00353 1 634 2284", "IE"), ("011 44 7920 022171", "GB"), ("011 44 7920 022171", "US"),
    ("+61 (0)7 3531 0069", "AU"), ("0784375489", "FR"), ("+44 (0)20 7946 0018", "GB"),
    ("020 7946 0018", "GB"), ("02079460018", "GB"), ("0044 20 7946 0018", "GB"), ("44 20 7946 0018", "GB"),
    ("+44-20-7946-0018", "GB"), ("07700 900123", "GB"), ("0151/45712175", "DE"), ("030 70899807", "DE"),
    ("+49 30 70899807", "DE"), ("06 88 37 78 36", "FR"), ("01.40.79.99.18", "FR"), ("+33 1 40 79 99 18", "FR"),
    ("02 8908 9372", "AU"), ("0421 890 278", "AU"), ("0432.970.546", "AU"), ("+61 421 890 278", "AU"),
    ("087 967 5630", "IE"), ("+353 (0)89 642 7815", "IE"), ("(416) 555-0199", "CA"), ("+1 604 555 0100", "CA"),
    ("(212) 736-5000 ext. 12", "US"), ("212-736-5000 x12", "US"), ("2127365000 X4", "US"),
    ("(212) 736-5000 #7", "US"), ("212-736-5000 Ext.123", "US"), ("2127365000.0", "US"),
    ("222-222-2222", "US"), ("+1 (555) 555-5555", "US"), ("07372 636527", "US"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "region"), COMMON)
def test_common_shapes_are_decided(raw: str, region: str) -> None:
    assert _check([raw], region).all(), "left to the scalar path"


@cache
def _generated() -> tuple[tuple[str, list[str | None]], ...]:
    """The phone strings of 5,000 generated records, grouped by the region they are read in."""
    from benchmarks.generate import generate

    data = generate(5_000, seed=3)
    groups: dict[str, list[str | None]] = {}
    for frame, columns, country in (
        (data.erp, ["Phone1", "Phone2", "Cellular"], "Country"),
        (data.shopify, ["phone"], "country_code"),
    ):
        regions = [country_code(c) or "US" for c in frame[country].tolist()]
        for column in columns:
            for value, region in zip(frame[column].tolist(), regions, strict=True):
                if isinstance(value, str):
                    groups.setdefault(region, []).append(value)
    return tuple(sorted((region, sorted(set(values))) for region, values in groups.items()))


def test_generated_records_agree_and_are_decided() -> None:
    """On generated records, only values the scalar fast path sends to libphonenumber are left undecided."""
    decided = total = 0
    for region, values in _generated():
        flags = _check(values, region)
        decided += int(flags.sum())
        total += len(flags)
        _, info = _region(region)
        left = [v for v, flag in zip(values, flags, strict=True) if not flag]
        assert [v for v in left if (_fast_core(v.strip(), info) or (1,))[0] != 0] == [], region
    assert total > 3_000
    assert decided >= 0.95 * total, f"only {decided} of {total} decided"


# --------------------------------------------------------------------------- pattern machinery


def _infos() -> list[tuple[str, RegionInfo]]:
    out = [(region, region_info(region)) for region in sorted(phonenumbers.SUPPORTED_REGIONS)]
    out += [(f"+{code}", code_info(code)) for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)]
    return out


PREFIX_PATTERNS = sorted(
    {p.pattern: p for _, info in _infos() for p in (info.national_prefix, info.idd) if p is not None}.items()
)
GENERAL_PATTERNS = sorted(
    {
        info.general.pattern.pattern: info.general.pattern for _, info in _infos() if info.general.pattern
    }.items()
)


def _rows(strings: list[str]) -> np.ndarray:
    m = np.full((len(strings), _WIDTH), _END, dtype=np.uint8)
    for i, s in enumerate(strings):
        m[i, : len(s)] = [int(ch) for ch in s]
    return m


def test_every_metadata_pattern_is_replayed() -> None:
    """None of today's metadata needs the 'not replayed' fallback (which leaves rows undecided)."""
    assert [p for p, compiled in PREFIX_PATTERNS if _paths(compiled) is None] == []
    assert [p for p, compiled in GENERAL_PATTERNS if _full_pattern(compiled) is None] == []


@st.composite
def prefix_cases(draw: st.DrawFn) -> tuple[re.Pattern[str], str]:
    """A national or international prefix pattern and a digit string, often one of the pattern's paths
    spelled out, then perhaps cut short, and continued."""
    _, pattern = draw(st.sampled_from(PREFIX_PATTERNS))
    paths = _paths(pattern)
    text = ""
    if paths and draw(st.integers(0, 3)):
        path = draw(st.sampled_from(paths))
        text = "".join(str(draw(st.sampled_from(np.flatnonzero(table).tolist()))) for table in path.sets)
        text = text[: draw(st.integers(max(0, len(text) - 2), len(text)))]
    return pattern, (text + draw(st.text("0123456789", max_size=8)))[:20]


@settings(max_examples=2_000, deadline=None, database=None)
@given(prefix_cases())
def test_paths_replay_re_match(case: tuple[re.Pattern[str], str]) -> None:
    pattern, text = case
    paths = _paths(pattern)
    assert paths is not None
    hit, end, captures = _match(_rows([text]), paths)
    found = pattern.match(text)
    assert bool(hit[0]) == (found is not None)
    if found is not None:
        assert (int(end[0]), bool(captures[0])) == (found.end(), found.lastindex is not None)


@st.composite
def general_cases(draw: st.DrawFn) -> tuple[re.Pattern[str], list[str]]:
    """A region's general pattern and digit strings: its example numbers changed a little, or soup."""
    region, info = draw(st.sampled_from([(r, i) for r, i in _infos() if i.general.pattern is not None]))
    assert info.general.pattern is not None
    examples = [nsn for _, nsn in _examples(region)] if not region.startswith("+") else []
    near = st.builds(
        lambda base, cut, tail: base[:cut] + tail,
        st.sampled_from(examples or [""]),
        st.integers(0, 18),
        st.text("0123456789", max_size=3),
    )
    texts = draw(st.lists(st.one_of(near, st.text("0123456789", max_size=18)), min_size=1, max_size=20))
    return info.general.pattern, texts


@settings(max_examples=500, deadline=None, database=None)
@given(general_cases())
def test_re2_renderings_replay_fullmatch(case: tuple[re.Pattern[str], list[str]]) -> None:
    pattern, texts = case
    full = _full_pattern(pattern)
    assert full is not None
    found = pc.match_substring_regex(pa.array(texts, type=pa.string()), full).to_pylist()
    assert found == [pattern.fullmatch(t) is not None for t in texts]
