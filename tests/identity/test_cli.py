"""The identity-dedupe CLI: end to end on small files, and every bad-input case (exit code 2)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from identity._cli import main
from matchers.fellegi_sunter import FellegiSunter

ERP = """CardCode,CardName,Phone1,Phone2,Cellular,EmailAddress,Address,City,ZipCode,Country
C001,"SMITH, WILLIAM",(212) 736-5000,,917.555.0134,bill.smith@gmial.com,12 Main Street,New York,10001,US
C002,"SMITH, MARY",(212) 736-5000,,917-555-0199,mary.smith@yahoo.com,12 Main St,New York,10001,US
C003,"JONES, ANNA",020 7946 0958,,,anna.jones@outlook.com,Flat 3 14 High Street,London,sw1a1aa,GB
C004,Acme Ltd (Robert Brown),n/a,,,,1 Industrial Way,Boston,02134,US
"""
SHOPIFY = """id,first_name,last_name,email,phone,address1,city,zip,country_code
901,Bill,Smith,billsmith@gmail.com,+19175550134,12 Main St,New York,10001,US
902,Anna,Jones,Anna.Jones@outlook.com,+442079460958,14 High St,London,SW1A 1AA,GB
903,Mary,Smith,mary.smith@yahoo.com,+19175550199,12 Main Street,New York,10001,US
904,Rob,Brown,rob.brown@acme.com,,1 Industrial Way,Boston,2134,US
905,Zoe,Quinn,,,,,,
"""


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    erp = tmp_path / "erp.csv"
    shop = tmp_path / "shopify.csv"
    erp.write_text(ERP)
    shop.write_text(SHOPIFY)
    return erp, shop


def _run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(args), stderr=err)
    return code, err.getvalue()


def _clusters(path: Path) -> dict[tuple[str, str], int]:
    with path.open() as handle:
        return {(r["source"], r["source_id"]): int(r["cluster_id"]) for r in csv.DictReader(handle)}


def test_end_to_end_links_customers_and_keeps_the_household_apart(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "clusters.csv"
    code, err = _run(*map(str, inputs), "-o", str(out), "--pairs", str(tmp_path / "pairs.csv"))
    assert code == 0, err
    clusters = _clusters(out)
    assert len(clusters) == 9  # every input row exactly once
    assert clusters["erp", "C001"] == clusters["shopify", "901"]  # Bill ~ William, same mobile
    assert clusters["erp", "C002"] == clusters["shopify", "903"]
    assert clusters["erp", "C003"] == clusters["shopify", "902"]  # UK number in two spellings
    assert clusters["erp", "C001"] != clusters["erp", "C002"]  # household: shared landline and address
    assert "records 9" in err and "clusters" in err and "seconds" in err
    assert (tmp_path / "pairs.csv").read_text().startswith('"source_l"')


def test_same_input_gives_the_same_clusters(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert _run(*map(str, inputs), "-o", str(a))[0] == 0
    assert _run(*map(str, inputs), "-o", str(b), "-q")[0] == 0
    assert pq.read_table(a).equals(pq.read_table(b))
    assert pq.read_table(a).column_names == ["source", "source_id", "cluster_id", "cluster_size"]


def test_jsonl_input_and_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "crm.jsonl"
    rows = [{"CustomerNo": 1, "Mail": "a@x.com"}, {"CustomerNo": 2, "Mail": "A@X.com"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "out.csv"
    code, err = _run(str(path), "-o", str(out), "--column", "source_id=CustomerNo", "--column", "email=Mail")
    assert code == 0, err
    assert _clusters(out) == {("crm", "1"): 0, ("crm", "2"): 0}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(  # pyarrow's reader refuses a field that changes from number to text
            '{"id": "C1", "phone": 2127365000}\n{"id": 7, "phone": "(212) 736-5000"}\n',
            {("crm", "C1"): 0, ("crm", "7"): 0},
            id="number-then-text",
        ),
        pytest.param(  # read as a float by pyarrow: the id's digits would change
            '{"id": 12345678901234567890123, "email": "a@x.com"}\n{"id": 2, "email": "a@x.com"}\n',
            {("crm", "12345678901234567890123"): 0, ("crm", "2"): 0},
            id="integer-beyond-64-bits",
        ),
        pytest.param(
            '{"id": 1.50, "email": "a@x.com", "spent": 1e3}\n\n{"id": 2, "email": ["b@x.com", "a@x.com"]}\n',
            {("crm", "1.50"): 0, ("crm", "2"): 0},
            id="numbers-as-written-blank-line-list",
        ),
        pytest.param(
            '[{"id": "1", "email": "a@x.com"},\n {"id": 2, "email": "a@x.com", "vip": true}]\n',
            {("crm", "1"): 0, ("crm", "2"): 0},
            id="one-json-array",
        ),
    ],
)
def test_json_lines_keep_every_row_and_every_digit(
    tmp_path: Path, content: str, expected: dict[tuple[str, str], int]
) -> None:
    path = tmp_path / "crm.jsonl"
    path.write_text(content)
    out = tmp_path / "out.csv"
    code, err = _run(str(path), "-o", str(out))
    assert code == 0, err
    assert _clusters(out) == expected


@pytest.mark.parametrize(
    ("name", "content", "extra", "message"),
    [
        ("missing.csv", None, [], "missing.csv: no such file"),
        ("empty.csv", "", [], "empty.csv: the file is empty"),
        ("header.csv", "id,email\n", [], "header.csv: no rows"),
        ("noid.csv", "name,email\nA,a@x.com\n", [], "noid.csv: no source_id column"),
        (
            "dup.csv",
            "id,email\n1,a@x.com\n2,b@x.com\n1,c@x.com\n",
            [],
            "dup.csv: duplicate source_id '1' in rows 1 and 3",
        ),
        ("blank.csv", "id,email\n1,a@x.com\n,b@x.com\n", [], "blank.csv: row 2: empty source_id"),
        (
            "map.csv",
            "id,email\n1,a@x.com\n",
            ["--column", "phone=Phone9"],
            "column 'Phone9' (mapped to phone) is in none of the inputs",
        ),
        (
            "canon.csv",
            "id,email\n1,a@x.com\n",
            ["--column", "fone=Phone1"],
            "unknown canonical column 'fone'",
        ),
        (
            "twice.csv",
            "id,Phone1,Phone2\n1,2127365000,9175550134\n",
            ["--column", "phone=Phone1", "--column", "phone=Phone2"],
            "--column 'phone=Phone2': phone is mapped twice; give all its columns in one option",
        ),
        ("data.xlsx", "not really", [], "unknown file format '.xlsx'"),
        ("bad.parquet", "this is not parquet", [], "bad.parquet: cannot read .parquet file"),
        ("ok.csv", "id,email\n1,a@x.com\n", ["--region", "XX"], "region 'XX' is not an ISO 3166 region code"),
        ("ok2.csv", "id,email\n1,a@x.com\n", ["--threshold", "1.5"], "threshold must be between 0 and 1"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    tmp_path: Path, name: str, content: str | None, extra: list[str], message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"), *extra)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_output_extension_exits_2(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    code, err = _run(str(inputs[0]), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2 and "output must end in .csv or .parquet" in err


def test_malformed_values_are_missing_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_text("id,phone,email,first_name\n1,n/a,not-an-email,\u0000\n2,0,@@,Ann\n3,+,x@,\n")
    out = tmp_path / "out.csv"
    code, err = _run(str(path), "-o", str(out))
    assert code == 0, err
    assert sorted(_clusters(out).values()) == [0, 1, 2]


def test_an_output_that_cannot_be_written_exits_2(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, err = _run(str(inputs[0]), "-o", str(blocker / "out.csv"))
    assert code == 2
    assert "cannot write it" in err and str(blocker / "out.csv") in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_interrupted_write_leaves_the_old_output_whole(
    inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    assert _run(*map(str, inputs), "-o", str(out))[0] == 0
    before = out.read_bytes()

    def half_then_interrupt(table: object, path: Path) -> None:
        Path(path).write_text("source,source_id\nerp,C0")  # a partial file, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr("pyarrow.csv.write_csv", half_then_interrupt)
    code, err = _run(*map(str, inputs), "-o", str(out))
    assert code == 130
    assert "interrupted" in err and "Traceback" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "erp.csv",
        "out.csv",
        "shopify.csv",
    ]  # no partial file


@pytest.mark.parametrize(
    ("column", "array"),
    [
        ("phone", pa.array([[[2127365000]], None], pa.list_(pa.list_(pa.int64())))),
        ("address", pa.array([{"line1": "12 Main St"}, None])),
    ],
)
def test_a_column_that_cannot_be_text_exits_2_naming_it(tmp_path: Path, column: str, array: pa.Array) -> None:
    path = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": ["1", "2"], column: array}), path)
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"))
    assert code == 2
    assert f"nested.parquet: column {column!r} of type" in err and "cannot be read as text" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "semicolon.csv", "id;first_name;email\n1;Ann;ann@x.com\n2;Bob;ann@x.com\n", id="semicolon"
        ),
        pytest.param("tabs.tsv", "id\tfirst_name\temail\n1\tAnn\tann@x.com\n2\tBob\tann@x.com\n", id="tsv"),
        pytest.param(
            "unicode.txt",
            "\ufeffid\tfirst_name\temail\r\n1\tAnn\tann@x.com\r\n2\tBob\tann@x.com\r\n",
            id="excel-unicode-text",
        ),
        pytest.param(
            "lead.csv", "\n\nid,first_name,email\n1,Ann,ann@x.com\n2,Bob,ann@x.com\n", id="blank-lines-first"
        ),
    ],
)
def test_csv_dialects_of_spreadsheet_exports_are_read(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-16-le" if name.endswith(".txt") else "utf-8")
    out = tmp_path / "out.csv"
    code, err = _run(str(path), "-o", str(out))
    assert code == 0, err
    assert sorted(_clusters(out)) == [(path.stem, "1"), (path.stem, "2")]


def test_a_windows_1252_export_is_read(tmp_path: Path) -> None:
    # SAP Business One and Excel on Western European Windows write CSV in Windows-1252, not UTF-8.
    path = tmp_path / "erp.csv"
    path.write_bytes(
        'CardCode,CardName,Phone1,City\r\nC1,"MÜLLER, JÖRG",030 1234567,München\r\n'
        'C2,"MÜLLER, JÖRG",030 1234567,Köln\r\nC3,ŠKODA Œuvre – €,,\r\n'.encode("cp1252")
    )
    out = tmp_path / "out.csv"
    code, err = _run(str(path), "-o", str(out))
    assert code == 0, err
    assert sorted(_clusters(out)) == [("erp", "C1"), ("erp", "C2"), ("erp", "C3")]


def test_a_file_in_no_known_text_encoding_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "erp.csv"
    path.write_bytes(b"id,name\n1,a\x81\x8d\xff\xfeb\n")
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"))
    assert code == 2
    assert "erp.csv: not UTF-8, UTF-16 or Windows-1252 text" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_utf8_file_with_one_damaged_line_is_not_read_as_windows_1252(tmp_path: Path) -> None:
    # Read as Windows-1252, every accented letter of the file would turn into two wrong ones (JosÃ©).
    path = tmp_path / "shop.csv"
    path.write_bytes("id,first_name\n1,José\n2,Zoë\n3,Mü".encode() + b"\xfc" + "ller\n4,Ærø\n".encode())
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"))
    assert code == 2
    assert "shop.csv: line 4 is not valid UTF-8, though the rest of the file is" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("crm.csv", "id,email\n1,ann@x.com\n2,bob@y.com,extra\n",
         "crm.csv: not a readable CSV file: row 2 (line 3) has 3 fields where the header has 2"),
        ("crm.csv", "\nid;email\n1;ann@x.com\n2\n",
         "crm.csv: not a readable CSV file: row 2 (line 4) has 1 fields where the header has 2"),
        # pyarrow reads these two without an error, as one row holding the rest of the file: rows lost
        ("crm.csv", 'id,email\n1,"ann@x.com\n2,bob@y.com\n',
         "crm.csv: not a readable CSV file: row 1 (line 2) opens a quote that is never closed"),
        ("crm.csv", 'id,email\n1,ann@x.com\n2,"bob\n3,"carl@z.com"\n',
         "crm.csv: not a readable CSV file: row 2 (lines 3-4): ',' expected after '\"'"),
        ("crm.jsonl", '{"id": 1, "email": "a@x.com"}\n{"id": 2, "email": "ann@\n', "crm.jsonl: line 2: not valid JSON"),
        ("crm.jsonl", '{"id": 1, "email": "a@x.com"}\n["ann@x.com"]\n', "crm.jsonl: line 2: not a JSON object"),
        ("crm.jsonl", '[{"id": 1}, "ann@x.com"]', "crm.jsonl: item 2: not a JSON object"),
        ("crm.jsonl", "\n\n", "crm.jsonl: no rows"),
    ],
    ids=["csv-extra-field", "csv-semicolons-after-a-blank-line", "csv-unclosed-quote",
         "csv-text-after-a-closing-quote", "json-broken-line", "json-array-line", "json-array-item",
         "json-blank-lines"],
)
def test_a_broken_file_is_named_by_row_not_quoted(tmp_path: Path, name: str, content: str, message: str) -> None:
    # pyarrow's own messages quote the row: personal data on stderr and in logs.
    path = tmp_path / name
    path.write_text(content)
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"))
    assert code == 2
    assert message in err
    assert "@" not in err.replace(str(tmp_path), "")  # no e-mail from the file
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("option", ["-o", "--pairs"])
def test_an_output_folder_that_does_not_exist_is_refused_before_the_run(
    inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("dedupe ran although its output cannot be written")

    monkeypatch.setattr("identity._cli.dedupe", no_run)
    missing = tmp_path / "no-such-folder" / "out.csv"
    args = (
        ["-o", str(missing)] if option == "-o" else ["-o", str(tmp_path / "out.csv"), "--pairs", str(missing)]
    )
    code, err = _run(str(inputs[0]), *args)
    assert code == 2
    assert f"{missing}: the folder {missing.parent} does not exist" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_inputs_named_on_the_command_line(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    erp = inputs[0]
    other = tmp_path / "2026"
    other.mkdir()
    (other / "erp.csv").write_text(SHOPIFY)  # a second file with the same stem
    out = tmp_path / "out.csv"

    code, err = _run(str(erp), str(other / "erp.csv"), "-o", str(out))
    assert code == 2
    assert "two inputs are both source 'erp'" in err and "NAME=PATH" in err

    code, err = _run(f"sap={erp}", f"shop={other / 'erp.csv'}", "-o", str(out), "-q")
    assert code == 0, err
    clusters = _clusters(out)
    assert {source for source, _ in clusters} == {"sap", "shop"}
    assert clusters["sap", "C001"] == clusters["shop", "901"]

    literal = tmp_path / "a=b.csv"  # a file whose own name has '=' is that file
    literal.write_text(SHOPIFY)
    code, err = _run(str(literal), "-o", str(out), "-q")
    assert code == 0, err
    assert {source for source, _ in _clusters(out)} == {"a=b"}


def test_workers_option_gives_the_same_clusters(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert _run(*map(str, inputs), "-o", str(one), "-q", "--workers", "1")[0] == 0
    assert _run(*map(str, inputs), "-o", str(two), "-q", "--workers", "2")[0] == 0
    assert one.read_text() == two.read_text()
    code, err = _run(*map(str, inputs), "-o", str(one), "--workers", "0")
    assert code == 2 and "workers must be a whole number of at least 1" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("identity-dedupe ")


def test_the_readme_shows_the_sample_run_as_it_is(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    code, err = _run(
        str(root / "examples/erp_customers.csv"), str(root / "examples/shopify_customers.csv"),
        "-o", str(tmp_path / "clusters.csv"),
    )
    assert code == 0, err
    counts = err.splitlines()[0]  # the second line has timings, which vary
    assert counts.startswith("records 300")
    assert counts in readme
    rows = (tmp_path / "clusters.csv").read_text().splitlines()[:4]
    assert "\n".join(rows) in readme


def test_oversized_blocks_are_reported(tmp_path: Path) -> None:
    rows = "".join(f"{k},Walk-in,Customer,noemail@store.com,+12127365000\n" for k in range(70))
    path = tmp_path / "pos.csv"
    path.write_text("id,first_name,last_name,email,phone\n" + rows + "70,Ann,Lee,ann@lee.com,\n")
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"))
    assert code == 0, err
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("oversized blocks, paired with their nearest records only: email 1 (largest 70")
    assert "phone 1 (largest 70 records)" in lines[2]


def test_an_em_that_does_not_converge_is_one_plain_warning_line(tmp_path: Path) -> None:
    # every record the same: random pairs agree on everything, and EM has nothing to separate
    rows = "".join(f"{k},John,Smith,john.smith@gmail.com,2127365000\n" for k in range(1000))
    path = tmp_path / "same.csv"
    path.write_text("id,first_name,last_name,email,phone\n" + rows)
    code, err = _run(str(path), "-o", str(tmp_path / "out.csv"), "-q")
    assert code == 0, err
    assert err == (
        "identity-dedupe: warning: EM stopped at max_iter=200 before converging; "
        "the match scores may be unreliable\n"
    )


def test_every_option_is_in_the_readme() -> None:
    from identity._cli import _parser

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    actions = [a.option_strings for a in _parser()._actions if a.option_strings and a.dest != "help"]
    assert ["--previous"] in actions
    missing = [names for names in actions if not any(f"`{name}" in readme for name in names)]
    assert not missing, f"options not in README.md: {missing}"


def _train_seconds(err: str) -> float:
    match = re.search(r"\btrain ([\d.]+)s", err)
    assert match, err
    return float(match.group(1))


def test_save_model_then_model_gives_the_same_clusters_without_training(
    inputs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.json"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    code, err = _run(*map(str, inputs), "-o", str(first), "--pairs", str(tmp_path / "p1.csv"), "--save-model", str(model))
    assert code == 0, err
    assert err.splitlines()[-1] == f"model saved to {model}"
    assert json.loads(model.read_text())["format"] == "identity-dedupe-model"

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained although --model was given")

    monkeypatch.setattr(FellegiSunter, "fit_gamma", no_training)
    code, err = _run(*map(str, inputs), "-o", str(second), "--pairs", str(tmp_path / "p2.csv"), "--model", str(model))
    assert code == 0, err
    assert err.splitlines()[-1] == f"model loaded from {model} (nothing trained on this run)"
    assert _train_seconds(err) < 0.05
    assert first.read_text() == second.read_text()
    assert (tmp_path / "p1.csv").read_text() == (tmp_path / "p2.csv").read_text()


def test_the_sample_scored_with_a_saved_model_is_the_readme_run(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    sample = [str(root / "examples/erp_customers.csv"), str(root / "examples/shopify_customers.csv")]
    model = tmp_path / "model.json"
    assert _run(*sample, "-o", str(tmp_path / "a.csv"), "-q", "--save-model", str(model)) == (0, "")
    code, err = _run(*sample, "-o", str(tmp_path / "b.csv"), "--model", str(model))
    assert code == 0, err
    assert err.splitlines()[0] in (root / "README.md").read_text()
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such model file"),
        ("{not json", "not a model file (not JSON)"),
        ('{"format": "identity-dedupe-model", "format_version": 9}', "model file format version 9"),
        ("erp,C001\n", "not a model file (not JSON)"),
    ],
)
def test_a_bad_model_file_exits_2_with_one_line_naming_it(
    inputs: tuple[Path, Path], tmp_path: Path, content: str | None, message: str
) -> None:
    model = tmp_path / "model.json"
    if content is not None:
        model.write_text(content)
    out = tmp_path / "clusters.csv"
    code, err = _run(*map(str, inputs), "-o", str(out), "--model", str(model))
    assert code == 2
    assert err.startswith(f"identity-dedupe: error: {model}: ") and err.count("\n") == 1
    assert message in err
    assert not out.exists()


def test_save_model_into_a_folder_that_does_not_exist_is_refused_before_the_run(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "clusters.csv"
    target = tmp_path / "missing" / "model.json"
    code, err = _run(*map(str, inputs), "-o", str(out), "--save-model", str(target))
    assert code == 2
    assert err == f"identity-dedupe: error: {target}: the folder {target.parent} does not exist\n"
    assert not out.exists()


def test_help_shows_the_model_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "--save-model MODEL" in text and "--model MODEL" in text
    assert "--model model.json" in text  # an example


def test_a_nightly_run_keeps_its_weights_and_its_ids(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    out, model = tmp_path / "clusters.csv", tmp_path / "model.json"
    assert _run(*map(str, inputs), "-o", str(out), "-q", "--save-model", str(model))[0] == 0
    first = out.read_text()
    code, err = _run(*map(str, inputs), "-o", str(out), "--model", str(model), "--previous", str(out))
    assert code == 0, err
    lines = err.splitlines()
    assert lines[2] == f"model loaded from {model} (nothing trained on this run)"
    assert lines[3].startswith(f"ids from {out}: ") and " 0 new, 0 retired" in lines[3]
    assert out.read_text() == first
