"""normalizers.email: normalize, match_key, fix_domain, match_key_many and the from_speech contract."""

from __future__ import annotations

import dataclasses

import pytest

import normalizers.email as email_module
from normalizers.email import EmailGuess, fix_domain, from_speech, match_key, match_key_many, normalize


def test_public_api() -> None:
    assert sorted(email_module.__all__) == [
        "EmailGuess",
        "fix_domain",
        "from_speech",
        "match_key",
        "match_key_many",
        "normalize",
    ]


# ------------------------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("john.smith@example.com", "john.smith@example.com"),
        ("  John.Smith@Example.COM  ", "john.smith@example.com"),
        ("mailto:john@example.com", "john@example.com"),
        ("MAILTO:John@Example.com", "john@example.com"),
        ("<john@example.com>", "john@example.com"),
        ("John Smith <john@example.com>", "john@example.com"),
        ('"john@example.com"', "john@example.com"),
        ("'john@example.com'", "john@example.com"),
        ("“john@example.com”", "john@example.com"),
        ("(john@example.com)", "john@example.com"),
        ("john@example.com.", "john@example.com"),
        ("john@example.com,", "john@example.com"),
        ("john@example.com!?", "john@example.com"),
        ("<mailto:john@example.com>;", "john@example.com"),
        ("john+tag@example.com", "john+tag@example.com"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("a_b-c@sub.example.co.uk", "a_b-c@sub.example.co.uk"),
        ("josé@bücher.de", "josé@xn--bcher-kva.de"),
        ("JOSÉ@XN--BCHER-KVA.DE", "josé@xn--bcher-kva.de"),
        ("user@例え.jp", "user@xn--r8jz45g.jp"),
        ("john@example.com\u200b", "john@example.com"),
        ("jo\u00adhn@exam\u00adple.com", "john@example.com"),  # soft hyphens from a web page
        ("\tjohn@example.com\n", "john@example.com"),
    ],
)
def test_normalize_valid(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert normalize(expected) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "john",
        "john@",
        "@example.com",
        "john@@example.com",
        "john smith@example.com",
        "john..smith@example.com",
        ".john@example.com",
        "john.@example.com",
        "john@example",
        "john@localhost",
        "john@printer.local",
        "john@example.test",
        "john@[192.168.0.1]",
        '"john smith"@example.com',
        "john@-example.com",
        "john@example-.com",
        "john@ab--cd.com",
        "john@example.c1",
        "a" * 250 + "@example.com",
        "x" * 10_000,
        "john@exam ple.com",
        "\x00@\x00",
    ],
)
def test_normalize_invalid(raw: str | None) -> None:
    assert normalize(raw) is None


@pytest.mark.parametrize("function", [normalize, match_key, fix_domain, from_speech])
def test_non_strings_raise_type_error_naming_the_argument(function: object) -> None:
    argument = {"normalize": "raw", "match_key": "raw", "fix_domain": "domain", "from_speech": "text"}
    name = function.__name__  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=f"^{argument[name]} must be str or None"):
        function(12)  # type: ignore[operator]


def test_match_key_many_type_error() -> None:
    with pytest.raises(TypeError, match=r"^values must be str or None, not float"):
        match_key_many(["a@b.com", float("nan")])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="values"):
        match_key_many([["a@b.com"]])  # type: ignore[list-item]


# ------------------------------------------------------------------------------------------- match_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("John.Smith@gmail.com", "johnsmith@gmail.com"),
        ("john.smith+shop@gmail.com", "johnsmith@gmail.com"),
        ("j.o.h.n+a+b@googlemail.com", "john@gmail.com"),
        ("+news@gmail.com", "+news@gmail.com"),
        ("john.smith+x@outlook.com", "john.smith@outlook.com"),
        ("john.smith+x@hotmail.co.uk", "john.smith@hotmail.co.uk"),
        ("john+x@live.com", "john@live.com"),
        ("john+x@msn.com", "john@msn.com"),
        ("john+x@icloud.com", "john@icloud.com"),
        ("john+x@me.com", "john@me.com"),
        ("john+x@fastmail.com", "john@fastmail.com"),
        ("john+x@protonmail.com", "john@protonmail.com"),
        ("john+x@proton.me", "john@proton.me"),
        ("john.a+x@outlook.com", "john.a@outlook.com"),
        ("john.+x@outlook.com", "john@outlook.com"),
        ("jsmith-shop@yahoo.com", "jsmith@yahoo.com"),
        ("jsmith-shop@yahoo.co.uk", "jsmith@yahoo.co.uk"),
        ("j.smith+x@yahoo.com", "j.smith+x@yahoo.com"),
        ("-x@yahoo.com", "-x@yahoo.com"),
        ("john.smith+x@acme.com", "john.smith+x@acme.com"),
        ("john-smith@acme.com", "john-smith@acme.com"),
        ("John.Smith@GMIAL.com", "johnsmith@gmail.com"),
        ("john@hotmail.con", "john@hotmail.com"),
        ("john@acme.con", "john@acme.com"),
        ("john@nvidia.co", "john@nvidia.co"),
        ("not an email", None),
        (None, None),
    ],
)
def test_match_key(raw: str | None, expected: str | None) -> None:
    assert match_key(raw) == expected
    assert match_key_many([raw]) == [expected]
    if expected is not None:
        assert match_key(expected) == expected


def test_match_key_many_keeps_order_none_and_duplicates() -> None:
    values = ["A@Gmail.com", None, "a@gmail.com", "junk", "A@Gmail.com", " <b+x@outlook.com> "]
    assert match_key_many(values) == [
        "a@gmail.com",
        None,
        "a@gmail.com",
        None,
        "a@gmail.com",
        "b@outlook.com",
    ]
    assert match_key_many(iter(values)) == [match_key(v) for v in values]
    assert match_key_many([]) == []


# ------------------------------------------------------------------------------------------ fix_domain


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("gmial.com", "gmail.com"),
        ("gmal.com", "gmail.com"),
        ("gamil.com", "gmail.com"),
        ("gmai.com", "gmail.com"),
        ("mgail.com", "gmail.com"),
        ("googlemial.com", "googlemail.com"),
        ("hotmial.com", "hotmail.com"),
        ("hotmal.com", "hotmail.com"),
        ("hotmial.co.uk", "hotmail.co.uk"),
        ("yahooo.com", "yahoo.com"),
        ("yaho.com", "yahoo.com"),
        ("yahooo.fr", "yahoo.fr"),
        ("outlok.com", "outlook.com"),
        ("iclod.com", "icloud.com"),
        ("tonline.de", "t-online.de"),
        ("gmail.con", "gmail.com"),
        ("gmail.cmo", "gmail.com"),
        ("gmail.calm", "gmail.com"),
        ("gmail.comb", "gmail.com"),
        ("gmail.cm", "gmail.com"),
        ("gmail.om", "gmail.com"),
        ("gmail.co", "gmail.com"),
        ("gmx.co", "gmx.com"),
        ("gmx.ne", "gmx.net"),
        ("comcast.nte", "comcast.net"),
        ("comcast.ent", "comcast.net"),
        ("free.f", "free.fr"),
        ("web.d", "web.de"),
        ("yahoo.uk", "yahoo.co.uk"),
        ("gmail", "gmail.com"),
        ("hotmail", "hotmail.com"),
        ("gmailcom", "gmail.com"),
        ("  GMail.COM. ", "gmail.com"),
        ("acme.con", "acme.com"),
        ("acme.cmo", "acme.com"),
        ("acme.comb", "acme.com"),
        ("acme.calm", "acme.com"),
        ("acme.nte", "acme.net"),
        ("acme.ent", "acme.net"),
        ("acme.ogr", "acme.org"),
        # never rewritten
        ("gmx.com", "gmx.com"),
        ("acme.com", "acme.com"),
        ("mail.com", "mail.com"),
        ("hotmail.com", "hotmail.com"),
        ("hotmail.fr", "hotmail.fr"),
        ("nvidia.co", "nvidia.co"),
        ("acme.cm", "acme.cm"),
        ("acme.f", "acme.f"),
        ("acme.om", "acme.om"),
        ("email.com", "email.com"),
        ("cloud.com", "cloud.com"),
        ("wahoo.com", "wahoo.com"),
        ("max.com", "max.com"),
        ("aon.com", "aon.com"),
        ("love.com", "love.com"),
        ("gmial.de", "gmial.de"),
        ("gmail.de", "gmail.de"),
        ("yahoo.cn", "yahoo.cn"),
        ("comcast.com", "comcast.com"),
        ("mail.gmial.com", "mail.gmial.com"),
        ("acme", "acme"),
        ("", ""),
        ("a..b", "a..b"),
    ],
)
def test_fix_domain(domain: str, expected: str) -> None:
    assert fix_domain(domain) == expected
    assert fix_domain(expected) == expected


def test_fix_domain_none() -> None:
    assert fix_domain(None) is None


@pytest.mark.parametrize(
    "domain",
    [". gmail.com", " .Gmail.com. ", "gmial.com" + " " * 600, "." * 600 + "gmial.com", "x" * 600 + ".con"],
)
def test_fix_domain_trims_ends_and_stays_idempotent(domain: str) -> None:
    once = fix_domain(domain)
    assert once == once.strip().strip(".")
    assert fix_domain(once) == once


# ----------------------------------------------------------------------------------------- from_speech


@pytest.mark.parametrize("text", [None, "", "   ", "I don't know", "call me back", "at", "dot", "@", "..."])
def test_from_speech_without_an_address(text: str | None) -> None:
    assert from_speech(text) == EmailGuess(best=None, candidates=[], confidence=0.0)


def test_email_guess_is_frozen_and_hashable() -> None:
    guess = from_speech("john smith at gmail dot com")
    with pytest.raises(dataclasses.FrozenInstanceError):
        guess.best = "x"  # type: ignore[misc]
    assert hash(guess) == hash(from_speech("john smith at gmail dot com"))
    assert guess.best == guess.candidates[0] == "johnsmith@gmail.com"
    assert guess.candidates[1:3] == ["john.smith@gmail.com", "john_smith@gmail.com"]


def test_from_speech_confidence_orders_readings() -> None:
    written = from_speech("john.smith@gmail.com").confidence
    spelled = from_speech("j o h n dot s m i t h at gmail dot com").confidence
    ambiguous = from_speech("john smith at gmail dot com").confidence
    fixed = from_speech("john dot smith at gmial dot com").confidence
    assert written == 1.0
    assert 1.0 > spelled > fixed > ambiguous > 0.0


def test_from_speech_one_word_removes_ambiguity() -> None:
    assert from_speech("john smith all one word at gmail dot com").candidates == ["johnsmith@gmail.com"]


def test_from_speech_long_input_is_bounded() -> None:
    text = "blah " * 20_000 + "john at gmail dot com"
    guess = from_speech(text)  # only the first 500 characters are read (no time limit asserted)
    assert guess.best is None  # the address lies past them
    assert from_speech("john at gmail dot com " + "blah " * 20_000).best == "john@gmail.com"


def test_from_speech_candidates_are_valid_and_fixed() -> None:
    guess = from_speech("mary jane at hotmial dot con")
    assert guess.best == "maryjane@hotmail.com"
    assert all(c.endswith("@hotmail.com") and normalize(c) == c for c in guess.candidates)
