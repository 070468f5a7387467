"""Property tests for normalizers.email: no exceptions, idempotence, fast path == slow path."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from normalizers import email
from normalizers.email import (
    _fast_normalize,
    _key_from_normalized,
    _slow_normalize,
    fix_domain,
    from_speech,
    match_key,
    match_key_many,
    normalize,
)

_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that stresses everything: control and format characters, non-BMP, look-alikes, e-mail punctuation.
_ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("@.-_+<>\"'`()[]:;,!?~ \t\n\x00\x7f\x85\u200b\u00a0\u3000\u212a\u0130ＡＢ＠．𝐚😀"),
    ),
    max_size=120,
)

# Addresses near the fast path's edges: mostly well-formed, then bent in one of many small ways.
_ATEXT = string.ascii_lowercase + string.digits + "!#$%&'*+/=?^_`{|}~-"
_ATOM = st.text(alphabet=_ATEXT, min_size=1, max_size=8)
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_TLDS = ["com", "co.uk", "de", "io", "c1", "local", "test", "onion", "arpa", "x", "xn--p1ai", "con", "co"]
_PROVIDERS = ["gmail", "googlemail", "hotmail", "yahoo", "outlook", "gmial", "icloud", "xn--bcher-kva"]
_PROVIDERS += ["ab--c"]
_JUNK = [" ", ".", "..", "-", "@", '"', "<", ">", "(", ",", ";", ":", "\\", "é", "ü", "\u200b", "\x00"]
_JUNK += ["\u212a", "\u0130", "\t"]  # Kelvin sign and dotted capital I lowercase to odd things


@st.composite
def _address_like(draw: st.DrawFn) -> str:
    local = ".".join(draw(st.lists(_ATOM, min_size=1, max_size=3)))
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    if draw(st.booleans()):
        labels[-1] = draw(st.sampled_from(_PROVIDERS))
    if draw(st.integers(0, 9)) == 0:
        labels[0] = "a" * draw(st.integers(60, 66))
    address = f"{local}@{'.'.join([*labels, draw(st.sampled_from(_TLDS))])}"
    if draw(st.integers(0, 3)) == 0:
        address = address.upper()
    for _ in range(draw(st.integers(0, 2))):
        position = draw(st.integers(0, len(address)))
        address = address[:position] + draw(st.sampled_from(_JUNK)) + address[position:]
    if draw(st.integers(0, 9)) == 0:
        address = "x" * draw(st.integers(200, 260)) + address
    return address


_ADDRESSES = st.one_of(st.emails(), _address_like())


@_SETTINGS
@given(_ANY_TEXT)
def test_nothing_raises_on_arbitrary_text(text: str) -> None:
    for function in (normalize, match_key, fix_domain):
        result = function(text)
        assert result is None or isinstance(result, str)
    guess = from_speech(text)
    assert 0.0 <= guess.confidence <= 1.0
    assert (guess.best is None) == (guess.candidates == [])
    assert match_key_many([text, None, text]) == [match_key(text), None, match_key(text)]


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["a", "@", ".", "at ", "dot ", "😀", "\x00", "j o h n at gmail dot com "]))
def test_nothing_raises_on_10000_characters(unit: str) -> None:
    text = (unit * 10_000)[:10_000]
    assert normalize(text) is None or "@" in text
    match_key(text)
    fix_domain(text)
    from_speech(text)


@_SETTINGS
@given(st.one_of(_ANY_TEXT, _ADDRESSES))
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once


@_SETTINGS
@given(st.one_of(_ANY_TEXT, _ADDRESSES))
def test_match_key_is_idempotent(raw: str) -> None:
    once = match_key(raw)
    assert match_key(once) == once


@_SETTINGS
@given(st.one_of(_ANY_TEXT, st.from_regex(r"[a-z0-9.-]{0,20}", fullmatch=True), _ADDRESSES))
def test_fix_domain_is_idempotent(domain: str) -> None:
    once = fix_domain(domain)
    assert fix_domain(once) == once


@settings(max_examples=400, deadline=None)
@given(_ADDRESSES)
def test_fast_path_agrees_with_email_validator(raw: str) -> None:
    fast = _fast_normalize(raw)
    if fast is not None:
        assert fast == _slow_normalize(raw)
    assert match_key_many([raw]) == [_key_from_normalized(_slow_normalize(raw))]


@_SETTINGS
@given(_ADDRESSES)
def test_from_speech_returns_a_written_address_normalized(raw: str) -> None:
    normalized = normalize(raw)
    assume(normalized is not None)
    assert normalized is not None
    domain = normalized.rpartition("@")[2]
    guess = from_speech(raw)
    if fix_domain(domain) == domain:
        assert guess.best == normalized
        assert guess.confidence == 1.0
    else:
        assert guess.best == normalize(f"{normalized.rpartition('@')[0]}@{fix_domain(domain)}")


def _provider_name_reference(label: str) -> str | None:
    """``email._provider_name`` as it was written first: every fuzzy name tried in turn."""
    if label in email._PROVIDERS:
        return label
    if len(label) < 4:
        return None
    best, best_distance, tied = None, 99, False
    for name in email._FUZZY_NAMES:
        if not (label[0] == name[0] or (label[:2] == name[1::-1] and len(label) > 1)):
            continue
        allowed = 2 if len(name) >= 8 else 1
        if abs(len(name) - len(label)) > allowed:
            continue
        distance = OSA.distance(label, name, score_cutoff=allowed)
        if distance > allowed:
            continue
        if distance < best_distance:
            best, best_distance, tied = name, distance, False
        elif distance == best_distance:
            tied = True
    return None if tied else best


_NEAR_PROVIDER = st.builds(
    lambda name, edits: _bend(name, edits),
    st.sampled_from(sorted(set(email._FUZZY_NAMES) | set(email._PROVIDERS))),
    st.lists(st.tuples(st.integers(0, 12), st.sampled_from("abcdefghijklmnopqrstuvwxyz0-")), max_size=3),
)


def _bend(name: str, edits: list[tuple[int, str]]) -> str:
    """``name`` with a few typing slips: a letter replaced, dropped or doubled, two swapped."""
    for k, (at, ch) in enumerate(edits):
        i = at % max(len(name), 1)
        kind = k % 4
        if kind == 0:
            name = name[:i] + ch + name[i + 1 :]
        elif kind == 1:
            name = name[:i] + name[i + 1 :]
        elif kind == 2:
            name = name[:i] + ch + name[i:]
        elif i + 1 < len(name):
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


@settings(max_examples=500, deadline=None, database=None)
@given(st.one_of(_NEAR_PROVIDER, st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=12)))
def test_provider_name_looks_only_at_names_its_label_can_be(label: str) -> None:
    assert email._provider_name(label) == _provider_name_reference(label)
