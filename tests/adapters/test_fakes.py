"""The fakes' own fast paths: the SAP fake's partner index against a plain scan, and the keep-alive server."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.adapters.conftest import serve
from tests.adapters.fakes.sap_b1 import FilterError, PartnerIndex, SapB1Fake, evaluate, parse_filter

# Few fields and values, so that filters often hit: case ("a"/"A", "ß"/"SS"/"ss"), int against float and
# bool, None, partners lacking a field; ContactEmployees may hold a list (then it cannot be indexed).
FIELDS = ["CardCode", "EmailAddress", "PriceListNum", "ContactEmployees"]
TEXTS = ["a", "A", "", "O'B", "ß", "SS", "ss"]
VALUES = st.one_of(st.sampled_from(TEXTS), st.sampled_from([1, 1.0, 2.5, 0, True, None]))
FIELD_NAMES = st.sampled_from([*FIELDS, *FIELDS, *FIELDS, "Bogus"])  # now and then a field no partner has
LITERALS = st.one_of(
    st.sampled_from(TEXTS).map(lambda s: "'" + s.replace("'", "''") + "'"), st.sampled_from(["1", "2.5", "0"])
)

# Mostly partners with every field (a filter naming a field some partner lacks fails, hiding the rest).
contacts = st.one_of(VALUES, st.just([{"Name": "x"}]))
complete = st.fixed_dictionaries({**{f: VALUES for f in FIELDS}, "ContactEmployees": contacts})
partner = st.builds(lambda p, drop: {k: v for k, v in p.items() if k != drop},
                    complete, st.sampled_from([None] * 12 + FIELDS))  # now and then without one field
partners_st = st.lists(partner, max_size=12)


def _clause() -> st.SearchStrategy[str]:
    """Mostly ``Field op literal`` (what the index looks up), also reversed, field-to-field, literal-only."""
    op = st.sampled_from(["eq", "eq", "ne"])
    lookup = st.builds(lambda a, o, b: f"{a} {o} {b}", FIELD_NAMES, op, LITERALS)
    return st.one_of(
        lookup, lookup, lookup,
        st.builds(lambda a, o, b: f"{a} {o} {b}", LITERALS, op, FIELD_NAMES),
        st.builds(lambda a, o, b: f"{a} {o} {b}", FIELD_NAMES, op, FIELD_NAMES),
        st.builds(lambda a, o, b: f"{a} {o} {b}", LITERALS, op, LITERALS),
    )


filters_st = st.recursive(
    _clause(),
    lambda inner: st.builds(lambda a, o, b: f"({a}) {o} ({b})", inner, st.sampled_from(["and", "or"]), inner),
    max_leaves=6,
)


def _scan(partners: list[dict[str, Any]], text: str, ci: bool) -> list[int] | str:
    """The obviously right answer: evaluate the filter on every partner in order (or the error it raises)."""
    tree = parse_filter(text)

    def field(p: dict[str, Any], name: str) -> Any:
        if name not in p:
            raise FilterError(f"unknown property {name}")
        return p[name]

    try:
        return [i for i, p in enumerate(partners) if evaluate(tree, lambda f, p=p: field(p, f), ci)]
    except FilterError as exc:
        return str(exc)


def _indexed(index: PartnerIndex, text: str, ci: bool) -> list[int] | str:
    """What the fake does: evaluate the filter only on the index's candidates, in order."""
    tree = parse_filter(text)
    partners = index.partners

    def field(p: dict[str, Any], name: str) -> Any:
        if name not in p:
            raise FilterError(f"unknown property {name}")
        return p[name]

    try:
        return [i for i in index.candidates(tree, case_insensitive=ci)
                if evaluate(tree, lambda f, p=partners[i]: field(p, f), ci)]
    except FilterError as exc:
        return str(exc)


@settings(max_examples=300)
@given(partners_st, partners_st, st.lists(filters_st, min_size=1, max_size=4), st.booleans())
def test_partner_index_answers_as_a_scan(
    first: list[dict[str, Any]], later: list[dict[str, Any]], texts: list[str], ci: bool
) -> None:
    partners = list(first)
    index = PartnerIndex(partners)
    for text in texts:  # builds the per-field tables
        assert _indexed(index, text, ci) == _scan(partners, text, ci)
    partners.extend(later)  # created after the index was built
    for text in texts:
        assert _indexed(index, text, ci) == _scan(partners, text, ci)


@given(partners=partners_st, value=st.sampled_from(["a", "A", "b", "zzz"]))
def test_partner_index_first_is_the_first_match(partners: list[dict[str, Any]], value: str) -> None:
    expected = next((i for i, p in enumerate(partners) if p.get("CardCode") == value), None)
    assert PartnerIndex(partners).first("CardCode", value) == expected


def test_fake_follows_partners_replaced_or_edited_by_hand() -> None:
    fake = SapB1Fake(partners=[{"CardCode": "C1", "CardType": "cCustomer", "EmailAddress": "a@x"}])
    tree = parse_filter("EmailAddress eq 'b@x'")
    assert list(fake._indexed().candidates(tree, case_insensitive=False)) == []
    fake.partners = [{"CardCode": "C2", "CardType": "cCustomer", "EmailAddress": "b@x"}]  # replaced
    assert list(fake._indexed().candidates(tree, case_insensitive=False)) == [0]
    fake.partners[0]["EmailAddress"] = "c@x"  # edited in place: reindex() says so
    fake.reindex()
    edited = parse_filter("EmailAddress eq 'c@x'")
    assert list(fake._indexed().candidates(edited, case_insensitive=False)) == [0]


def _echo(environ: dict[str, Any], start: Any) -> list[bytes]:
    """Answers the path; reads the body only on /read (so /skip leaves it unread)."""
    body = b""
    if environ["PATH_INFO"] == "/read":
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("the app failed")
    data = json.dumps({"path": environ["PATH_INFO"], "body": body.decode()}).encode()
    start("200 OK", [("Content-Type", "application/json")])
    return [data]


def test_server_keeps_connections_and_survives_unread_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(_echo) as url, httpx.Client(base_url=url) as client:
        first = client.post("/skip", content=b"x" * 5000)  # the app never reads this body
        second = client.post("/read", content=b"hello")
        assert first.json() == {"path": "/skip", "body": ""}
        assert second.json() == {"path": "/read", "body": "hello"}
        assert second.headers["content-length"] == str(len(second.content))
        assert {"date", "server"} <= set(second.headers)
        assert second.http_version == "HTTP/1.1" and "connection" not in second.headers  # kept alive
        failed = client.get("/boom")
        assert failed.status_code == 500 and failed.headers["connection"] == "close"
        assert client.get("/read").json()["path"] == "/read"  # a new connection after the hang-up
    assert "RuntimeError: the app failed" in capsys.readouterr().err


def test_leaving_serve_hangs_up_on_kept_connections() -> None:
    with httpx.Client() as client:
        with serve(_echo) as url:
            assert client.get(f"{url}/read").status_code == 200  # a pooled, kept-alive connection
        with pytest.raises(httpx.TransportError):
            client.get(f"{url}/read")
