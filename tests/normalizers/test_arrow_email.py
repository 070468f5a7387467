"""Tests for normalizers._arrow_email: every decided key equals the scalar one, and the common shapes are decided.

The property tests feed whole batches (nulls, repeats, shared domains) to ``match_keys`` and compare each
decided value with :func:`normalizers.email.match_key_many` on that value alone. The unit tests pin down
that common spellings are decided at all: a fast path that decided nothing would pass the properties too.
"""

from __future__ import annotations

import re
import string

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers import email as scalar
from normalizers._arrow_email import _PY_WHITESPACE, match_keys
from tests.normalizers.test_email_properties import _ANY_TEXT as _SCALAR_ANY_TEXT

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(values: list[str | None], *, offset: int = 0) -> None:
    """Run ``match_keys`` (on an array sliced by ``offset``) and assert every decided key is the scalar one."""
    array = pa.array(["pad"] * offset + values, type=pa.string()).slice(offset)
    keys, decided = match_keys(array)
    assert isinstance(keys, pa.StringArray)
    assert len(keys) == len(values) == decided.shape[0]
    assert decided.dtype == np.bool_
    out = keys.to_pylist()
    for value, key, sure in zip(values, out, decided.tolist(), strict=True):
        if sure:
            assert key == scalar.match_key_many([value])[0], value
        else:
            assert key is None, value


# ------------------------------------------------------------------------------------------- strategies

# Text that stresses everything (control and format characters, non-BMP, look-alikes, e-mail punctuation):
# the scalar property tests' own strategy.
_ANY_TEXT = _SCALAR_ANY_TEXT

_ATEXT = string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-"
_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=10)
_ATOM = st.one_of(_WORD, _WORD, st.text(alphabet=_ATEXT, min_size=1, max_size=6))
_TAG = st.builds(lambda sep, tag: sep + tag, st.sampled_from(["+", "-", ".+", ".-", "-.", "++", "+."]), _ATOM)
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_PROVIDER_LABELS = sorted({domain.partition(".")[0] for domain in scalar._PROVIDER_DOMAINS})
_TLDS = ["com", "co.uk", "com.au", "de", "fr", "net", "org", "io", "c1", "x", "xn--p1ai", "1"]
_TLDS += ["con", "cmo", "comb", "co", "cm", "om", "c", "ne", "couk", "co.u", "uk"]  # slips
_TLDS += ["local", "test", "onion", "arpa", "invalid", "localhost"]  # special use
_JUNK = [" ", ".", "..", "-", "+", "@", '"', "<", ">", "(", ",", ";", ":", "\\", "é", "ü", "ß", "\u200b"]
_JUNK += ["\x00", "\u212a", "\u0130", "\t", "\u00a0", "\u3000", "\x1c", "\x85", "mailto:", "--", "A", "Z"]
_SPACE = st.text(
    alphabet=st.sampled_from(" \t\n\x1c\x85\u00a0\u3000\u200b\x00\x80\ufeff" + _PY_WHITESPACE), max_size=3
)


@st.composite
def _typo(draw: st.DrawFn, label: str) -> str:
    """``label`` with one random edit: the kind of slip ``fix_domain`` repairs, or just misses."""
    chars = list(label)
    i = draw(st.integers(0, max(0, len(chars) - 1)))
    kind = draw(st.sampled_from(["delete", "insert", "substitute", "swap", "double"]))
    letter = draw(st.sampled_from(string.ascii_lowercase))
    if kind == "delete" and len(chars) > 1:
        del chars[i]
    elif kind == "insert":
        chars.insert(i, letter)
    elif kind == "substitute":
        chars[i] = letter
    elif kind == "swap" and i + 1 < len(chars):
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars.insert(i, chars[i])
    return "".join(chars)


_SUBADDRESSING = sorted(scalar._GMAIL_DOMAINS | scalar._PLUS_DOMAINS | scalar._DASH_DOMAINS)
_ODD_LABELS = ["a--b", "ab--c", "xn--zz", "xn--bcher-kva", "-ab", "ab-", "a" * 63, "b" * 64]


@st.composite
def _domain(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 7))
    if kind == 7:
        return draw(st.sampled_from(sorted(scalar._GMAIL_DOMAINS)))
    if kind == 0:
        return draw(st.sampled_from(sorted(scalar._PROVIDER_DOMAINS)))
    if kind == 1:
        return draw(st.sampled_from(_SUBADDRESSING))
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    if kind in (2, 3):
        labels[-1] = draw(st.sampled_from(_PROVIDER_LABELS))
    if kind == 3:
        labels[-1] = draw(_typo(labels[-1]))
    if kind == 4:
        labels[draw(st.integers(0, len(labels) - 1))] = draw(st.sampled_from(_ODD_LABELS))
    return ".".join([*labels, draw(st.sampled_from(_TLDS))])


@st.composite
def _address_like(draw: st.DrawFn) -> str:
    """Mostly fast-path addresses, then bent in one of many small ways (near misses of the fast path)."""
    local = ".".join(draw(st.lists(_ATOM, min_size=1, max_size=3)))
    if draw(st.booleans()):
        local += draw(_TAG)
    if draw(st.integers(0, 9)) == 0:
        local = f'"{local}"'
    address = f"{local}@{draw(_domain())}"
    wrapper = draw(st.sampled_from(["{}"] * 8 + ["mailto:{}", "John Smith <{}>", "<{}>.", "{}, "]))
    address = wrapper.format(address)
    case = draw(st.integers(0, 4))
    if case == 0:
        address = address.upper()
    elif case == 1:
        address = address.title()
    for _ in range(draw(st.integers(0, 2))):
        position = draw(st.integers(0, len(address)))
        address = address[:position] + draw(st.sampled_from(_JUNK)) + address[position:]
    if draw(st.integers(0, 9)) == 0:  # around the 254-character limit
        address = "x" * max(0, draw(st.integers(250, 258)) - len(address)) + address
    return draw(_SPACE) + address + draw(_SPACE)


_VALUES = st.one_of(_ANY_TEXT, st.emails(), _address_like(), _address_like(), st.none())


# ---------------------------------------------------------------------------------------------- properties


@_SETTINGS
@given(st.lists(_VALUES, max_size=40), st.integers(0, 3))
def test_decided_keys_equal_the_scalar_keys(values: list[str | None], offset: int) -> None:
    _check(values, offset=offset)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_address_like(), min_size=1, max_size=20))
def test_decided_keys_equal_the_scalar_keys_near_the_fast_shapes(values: list[str]) -> None:
    _check(values + values[:3])  # repeats share a domain and a dictionary entry


# -------------------------------------------------------------------------------------------------- units

# (raw, key): shapes of the benchmark data, all decided column-at-once
COMMON = [
    ("letician@yahoo.com", "letician@yahoo.com"),
    ("john.bowen90@gmail.com", "johnbowen90@gmail.com"),
    ("Callum.Halbridge43@Gmail.com", "callumhalbridge43@gmail.com"),
    ("lisa.sumworth3@live.co.uk", "lisa.sumworth3@live.co.uk"),
    ("thomasyoung65@protonmail.com", "thomasyoung65@protonmail.com"),
    ("fireprinc.e40@gmail.com", "fireprince40@gmail.com"),
    ("donaldwalwade48@virginmedia.com", "donaldwalwade48@virginmedia.com"),
    (" pemingtonj@hotmail.com ", "pemingtonj@hotmail.com"),
    ("\u00a0Ann@Acme.CO.UK\u3000", "ann@acme.co.uk"),
    ("j.doe+shop@googlemail.com", "jdoe@gmail.com"),
    ("j.doe+shop@outlook.com", "j.doe@outlook.com"),
    ("j.doe.+shop@icloud.com", "j.doe@icloud.com"),
    ("jsmith-shop@yahoo.co.uk", "jsmith@yahoo.co.uk"),
    ("j.smith+shop@yahoo.com", "j.smith+shop@yahoo.com"),
    ("john.smith+shop@acme.com", "john.smith+shop@acme.com"),
    ("anna.b@gmial.com", "annab@gmail.com"),
    ("anna@gmail.con", "anna@gmail.com"),
    ("anna@gmail.co", "anna@gmail.com"),
    ("anna@iclod.com", "anna@icloud.com"),
    ("anna+x@outlok.com", "anna@outlook.com"),
    ("anna-x@yahooo.com", "anna@yahoo.com"),
    ("garybarbury@me.om", "garybarbury@me.com"),
    ("Jo@Acme.con", "jo@acme.com"),
    ("barbara.smith@cardinal.co", "barbara.smith@cardinal.co"),
    ("x" * 240 + "@acme.com", "x" * 240 + "@acme.com"),  # 249 characters
]


@pytest.mark.parametrize(("raw", "key"), COMMON)
def test_common_shapes_are_decided(raw: str, key: str) -> None:
    keys, decided = match_keys(pa.array([raw]))
    assert decided.tolist() == [True], "left to the scalar code"
    assert keys.to_pylist() == [key] == scalar.match_key_many([raw])


# (raw, key): no "@" anywhere: decided as None without the scalar code
NO_AT = ["", "   ", "junk", "john.smith at gmail dot com", "＠gmail.com", "mailto:"]


@pytest.mark.parametrize("raw", NO_AT)
def test_values_without_an_at_sign_are_decided_as_none(raw: str) -> None:
    keys, decided = match_keys(pa.array([raw]))
    assert decided.tolist() == [True]
    assert keys.to_pylist() == [None] == scalar.match_key_many([raw])


# Shapes left to the scalar code (its slow path: email-validator, unwrapping, IDN, other rejections)
DEFERRED = [
    "mailto:john@gmail.com",
    "John Smith <john@gmail.com>",
    '"john smith"@gmail.com',
    "josé@bücher.de",
    "\u212aate@gmail.com",  # the Kelvin sign lowercases to an ASCII k
    "john..smith@gmail.com",
    ".john@gmail.com",
    "john.@gmail.com",
    "john@gmail.com.",
    "john@@gmail.com",
    "a@b@gmail.com",
    "john@a--b.com",
    "john@printer.local",
    "john@example.c1",
    "john@gmail.com; jane@gmail.com",
    "x" * 246 + "@acme.com",  # 255 characters
]


@pytest.mark.parametrize("raw", DEFERRED)
def test_unusual_shapes_are_left_to_the_scalar_code(raw: str) -> None:
    keys, decided = match_keys(pa.array([raw]))
    assert decided.tolist() == [False]
    assert keys.to_pylist() == [None]


def test_nulls_empty_and_large_string() -> None:
    keys, decided = match_keys(pa.array([None, "A.B@Gmail.com", None], type=pa.large_string()))
    assert keys.type == pa.string()
    assert keys.to_pylist() == [None, "ab@gmail.com", None]
    assert decided.tolist() == [True, True, True]
    keys, decided = match_keys(pa.array([], type=pa.string()))
    assert len(keys) == 0 and decided.shape == (0,)


@pytest.mark.parametrize("values", [pa.array([1, 2]), pa.array([b"a@b.com"]), ["a@b.com"]])
def test_other_inputs_raise_type_error(values: object) -> None:
    with pytest.raises(TypeError, match="values must be a pyarrow string array"):
        match_keys(values)  # type: ignore[arg-type]


def test_the_scalar_pattern_carries_no_flags() -> None:
    # match_keys hands _FAST_RE.pattern to RE2; flags (IGNORECASE, ASCII, VERBOSE...) would not follow it.
    assert scalar._FAST_RE.flags == re.UNICODE


def test_trimmed_characters_are_those_str_strip_removes() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == _PY_WHITESPACE


def test_only_the_at_sign_lowercases_to_an_at_sign() -> None:
    # Why a value without "@" is decided as None: no step of the scalar code creates one.
    assert [c for c in map(chr, range(0x110000)) if "@" in c.lower()] == ["@"]


def test_generated_records() -> None:
    """On the project's generator output, every decided key equals the scalar one and nearly all are decided."""
    from benchmarks.generate import generate

    data = generate(5_000, seed=11)
    values = [*data.erp["EmailAddress"].tolist(), *data.shopify["email"].tolist()]
    values = [v if isinstance(v, str) else None for v in values]
    keys, decided = match_keys(pa.array(values, type=pa.string()))
    expected = scalar.match_key_many(values)
    got = keys.to_pylist()
    assert [k for k, e, d in zip(got, expected, decided.tolist(), strict=True) if d and k != e] == []
    assert decided.mean() > 0.99
    addresses = sum(1 for e in expected if e is not None)
    assert (
        sum(1 for k, d in zip(got, decided.tolist(), strict=True) if d and k is not None) > 0.99 * addresses
    )
