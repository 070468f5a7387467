"""identity.dedupe / identity.link: input kinds, column mappings, supervised scoring, row accounting."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import identity
from identity import ConfigurationError, InputError
from matchers.comparisons import DEFAULT_COMPARISONS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

ERP = pa.table(
    {
        "CardCode": ["C1", "C2", "C3"],
        "CardName": ["SMITH, WILLIAM", "Acme Ltd (Mary Jones)", "BROWN, ROBERT"],
        "Phone1": ["(212) 736-5000", None, "n/a"],
        "Phone2": [None, "020 7946 0958", None],
        "Cellular": ["917.555.0134", None, "+1 646 555 0199"],
        "EmailAddress": ["bill.smith@gmial.con", "mary@acme.co.uk", None],
        "Country": ["US", "GB", "US"],
    }
)
SHOP = pd.DataFrame(
    {
        "id": [901, 902, 903],
        "first_name": ["Bill", "Mary", "Zoe"],
        "last_name": ["Smith", "Jones", "Quinn"],
        "phone": ["+19175550134", "+442079460958", None],
        "email": ["billsmith@gmail.com", None, "zoe@example.com"],
    }
)


def _cluster_of(result: identity.DedupeResult) -> dict[tuple[str, str], int]:
    t = result.clusters
    return dict(
        zip(
            zip(t["source"].to_pylist(), t["source_id"].to_pylist(), strict=True),
            t["cluster_id"].to_pylist(),
            strict=True,
        )
    )


def test_arrow_table_and_pandas_dataframe_with_explicit_multi_phone_mapping() -> None:
    result = identity.dedupe(
        {"erp": ERP, "shopify": SHOP},
        columns={"erp": {"source_id": ["CardCode"], "phone": ["Phone1", "Phone2", "Cellular"]}},
    )
    clusters = _cluster_of(result)
    assert len(clusters) == 6
    assert clusters["erp", "C1"] == clusters["shopify", "901"]  # via the Cellular column
    assert clusters["erp", "C2"] == clusters["shopify", "902"]  # company card, UK number
    assert clusters["erp", "C3"] != clusters["shopify", "903"]
    assert result.summary["records"] == 6 and result.summary["sources"] == {"erp": 3, "shopify": 3}


def test_parquet_input_and_link_only(tmp_path: Path) -> None:
    erp_path = tmp_path / "erp.parquet"
    pq.write_table(ERP, erp_path)
    shop_path = tmp_path / "shopify.parquet"
    pq.write_table(pa.Table.from_pandas(SHOP, preserve_index=False), shop_path)
    result = identity.link(erp_path, shop_path)
    clusters = _cluster_of(result)
    assert clusters["erp", "C1"] == clusters["shopify", "901"]
    assert set(result.pairs.column("source_l").to_pylist()) | set(
        result.pairs.column("source_r").to_pylist()
    ) <= {"erp", "shopify"}
    assert all(
        a != b
        for a, b in zip(
            result.pairs["source_l"].to_pylist(), result.pairs["source_r"].to_pylist(), strict=True
        )
    )


def test_pairs_keep_per_field_weights_that_add_up_to_the_probability() -> None:
    result = identity.dedupe({"erp": ERP, "shopify": SHOP})
    pairs = result.pairs.to_pandas()
    weights = pairs[[c for c in pairs.columns if c.startswith("weight_")]].sum(axis=1)
    model = result.model
    assert isinstance(model, identity._dedupe.FellegiSunter)
    expected = 1 / (1 + 2.0 ** -(model.prior_weight + weights))
    assert (abs(expected - pairs["probability"]) < 1e-4).all()


def test_supervised_scoring_from_labelled_pairs() -> None:
    labels = [
        ("erp", "C1", "shopify", "901", True),
        ("erp", "C3", "shopify", "903", False),
        ("erp", "C2", "shopify", "902", True),
        ("erp", "C1", "shopify", "903", False),
    ]
    result = identity.dedupe({"erp": ERP, "shopify": SHOP}, labels=labels)
    assert type(result.model).__name__ == "LogisticScorer"
    assert len(result.clusters) == 6
    # The logistic model's probabilities are fitted to the labels: its default cut is 0.5, not 0.95.
    pairs = result.pairs.to_pandas()
    assert (pairs["match"] == (pairs["probability"] >= identity.SUPERVISED_THRESHOLD)).all()
    assert pairs["probability"].between(identity.SUPERVISED_THRESHOLD, identity.DEFAULT_THRESHOLD).any()
    clusters = _cluster_of(result)
    assert clusters[("erp", "C1")] == clusters[("shopify", "901")]
    with pytest.raises(InputError, match="no record"):
        identity.dedupe({"erp": ERP, "shopify": SHOP}, labels=[("erp", "nope", "shopify", "901", True)])


def test_bad_options_are_clear_errors() -> None:
    with pytest.raises(ConfigurationError, match="threshold"):
        identity.dedupe({"erp": ERP}, threshold=0)
    for workers in (0, -1, 1.5, True):
        with pytest.raises(ConfigurationError, match="workers must be a whole number"):
            identity.dedupe({"erp": ERP}, workers=workers)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no input"):
        identity.dedupe([])
    with pytest.raises(InputError, match="unsupported input"):
        identity.dedupe([42])


def test_several_phones_in_one_cell_are_each_read() -> None:
    # ERP exports put a landline and a mobile in one field; the mobile links the Shopify record
    erp = pa.table({"id": ["C1", "C2"], "first_name": ["Ann", "Bob"], "last_name": ["Lee", "Ng"],
                    "phone": ["(212) 736-5000; 917-555-0134", "+49 151/45712175"]})
    shop = pa.table({"id": ["S1"], "first_name": ["Ann"], "last_name": ["Lee"], "phone": ["+1 917 555 0134"]})
    result = identity.dedupe({"erp": erp, "shop": shop})
    clusters = _cluster_of(result)
    assert clusters["erp", "C1"] == clusters["shop", "S1"] != clusters["erp", "C2"]
    assert result.summary["input_with_phone"] == 3  # the German number with its slash is one phone


def test_twins_share_a_birthday_but_not_a_mailbox_and_stay_apart() -> None:
    # Same surname, address, landline and date of birth; different first names, e-mails and mobiles.
    # The same person with a garbled first name (no contact details to contradict) is still one.
    people = pa.table(
        {
            "source_id": ["T1", "T2", "P1", "P2"],
            "first_name": ["Emma", "Olivia", "Benjamin", "Joshua"],
            "last_name": ["Capel", "Capel", "Hartwell", "Hartwell"],
            "date_of_birth": ["2001-04-09", "2001-04-09", "1980-02-11", "1980-02-11"],
            "phone": ["+12125550100;+19175550111", "+12125550100;+19175550122", None, None],
            "email": ["emma.capel@gmail.com", "olivia.capel@gmail.com", None, None],
            "address": ["12 Main St", "12 Main St", "4 Oak Rd", "4 Oak Road"],
            "postcode": ["10001", "10001", "10002", "10002"],
        }
    )
    result = identity.dedupe({"crm": people}, columns={"phone": ["phone"]})
    clusters = _cluster_of(result)
    assert clusters["crm", "T1"] != clusters["crm", "T2"]
    assert clusters["crm", "P1"] == clusters["crm", "P2"]


# Without e-mails and phones EM on 300 records does not settle in 200 iterations; the warning is beside
# the point here, which is that one and two workers stop at the same place.
@pytest.mark.filterwarnings("ignore::identity.ConvergenceWarning")
@pytest.mark.parametrize(
    "drop",
    [
        pytest.param((), id="all-columns"),
        pytest.param(("address",), id="no-address"),
        pytest.param(("email", "phone"), id="no-email-no-phone"),
        pytest.param(("email", "phone", "address"), id="names-only"),
    ],
)
def test_two_workers_give_the_same_result_as_one(
    monkeypatch: pytest.MonkeyPatch, drop: tuple[str, ...]
) -> None:
    """The second process (phones, e-mails and address lines, then the random pairs for u) changes nothing,
    whichever of its columns are missing."""
    import identity._dedupe
    import matchers.features
    from identity._io import read_source

    tables = {}
    for name in ("erp_customers", "shopify_customers"):
        table = read_source(EXAMPLES / f"{name}.csv").table
        aliases = {
            "address": ("address", "Address", "address1", "Street"),
            "email": ("email", "EmailAddress"),
            "phone": ("phone", "Phone1", "Phone2", "Cellular"),
        }
        gone = {c for key in drop for c in aliases[key]}
        tables[name] = table.drop_columns([c for c in table.column_names if c in gone])
    one = identity.dedupe(tables, workers=1)
    # The bundled sample is far below the size at which a second process starts: lower that size.
    monkeypatch.setattr(matchers.features, "PARALLEL_MIN_RECORDS", 0)
    forked = []
    real_background = identity._dedupe.background

    def spy(*args: object, enabled: bool = True) -> object:
        forked.append(enabled)
        return real_background(*args, enabled=enabled)  # type: ignore[arg-type]

    monkeypatch.setattr(identity._dedupe, "background", spy)
    two = identity.dedupe(tables, workers=2)
    assert forked == [True]
    assert one.clusters.equals(two.clusters)
    assert one.pairs.equals(two.pairs)
    assert [m.tolist() for m in one.model.u_] == [m.tolist() for m in two.model.u_]
    assert one.summary == two.summary


def test_a_windows_1252_csv_is_decoded_as_windows_1252(tmp_path: Path) -> None:
    from identity._io import read_source

    path = tmp_path / "erp.csv"
    path.write_bytes("CardCode;CardName\nC1;MÜLLER, JÖRG – € Œ\n".encode("cp1252"))
    assert read_source(path).table.to_pylist() == [{"CardCode": "C1", "CardName": "MÜLLER, JÖRG – € Œ"}]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("source_id=CardCode", "columns must be a mapping"),
        (["source_id=CardCode"], "columns must be a mapping"),
        ({"phone": 5}, "columns\\['phone'\\]: expected a column name or a list of them"),
        ({"phone": None}, "columns\\['phone'\\]: expected a column name or a list of them"),
        ({"fone": ["Phone1"]}, "unknown canonical column 'fone'"),
        ({"erp": {"fone": ["Phone1"]}}, "unknown canonical column 'fone'"),
        ({"first_name": ["CardName", "Phone1"]}, "only \\['email', 'phone'\\] take several columns"),
        ({"erp": {"source_id": "CardCode"}, "phone": ["Phone1"]}, "either .* or .*, not both"),
    ],
)
def test_a_bad_column_mapping_is_an_input_error(columns: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        identity.dedupe({"erp": ERP}, columns=columns)  # type: ignore[arg-type]


def test_bad_threshold_and_labels_are_library_errors() -> None:
    with pytest.raises(ConfigurationError, match="threshold must be a number"):
        identity.dedupe({"erp": ERP}, threshold="0.9")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="labelled pair 1: expected"):
        identity.dedupe({"erp": ERP}, labels=[("erp", "C1")])  # type: ignore[list-item]
    with pytest.raises(InputError, match="both matches and non-matches"):
        identity.dedupe({"erp": ERP}, labels=[("erp", "C1", "erp", "C2", True)])


def test_a_column_found_under_two_aliases_is_read_once() -> None:
    # "Email" (Shopify's export) squashes to both the "email" and the "e_mail" alias.
    from identity._io import combine_sources, read_source

    source = read_source(pa.table({"id": ["1"], "Email": ["a@x.com; b@x.com"], "EmailAddress": ["c@x.com"]}))
    table = combine_sources([source])
    assert table.column("email").to_pylist() == [["a@x.com", "b@x.com", "c@x.com"]]


@pytest.mark.parametrize(
    ("spelling", "region"),
    [
        pytest.param(pd.Timestamp("1980-01-02"), "US", id="datetime64"),
        pytest.param(pd.Timestamp("1980-01-02", tz="Europe/Berlin"), "US", id="datetime64-tz"),
        pytest.param("1980-01-02 00:00:00", "US", id="with-time"),
        pytest.param("1980-01-02T00:00:00Z", "US", id="iso-datetime"),
        pytest.param("19800102", "US", id="digits"),
        pytest.param("01/02/1980", "US", id="us-slashes"),
        pytest.param("02/01/1980", "GB", id="gb-slashes"),
        pytest.param("13/01/1980", "US", id="day-over-12"),
        pytest.param("02.01.1980", "US", id="german-dots"),
        pytest.param("2 Jan 1980", "US", id="day-month-name"),
        pytest.param("January 2, 1980", "US", id="month-name-day"),
    ],
)
def test_a_date_of_birth_is_the_same_date_whatever_its_spelling(spelling: object, region: str) -> None:
    expected = "1980-01-13" if spelling == "13/01/1980" else "1980-01-02"
    person = {"first_name": ["John"], "last_name": ["Smith"], "email": ["john.smith@gmail.com"]}
    erp = pd.DataFrame({"id": ["C1"], **person, "date_of_birth": [expected]})
    shop = pd.DataFrame({"id": ["9"], **person, "date_of_birth": [spelling]})
    result = identity.dedupe({"erp": erp, "shopify": shop}, region=region)
    dob = result.features.dob  # type: ignore[union-attr]
    assert dob[0] >= 0 and dob[0] == dob[1]
    assert len(set(result.clusters.column("cluster_id").to_pylist())) == 1


def test_a_date_of_birth_that_is_no_date_is_missing() -> None:
    people = pa.table(
        {
            "id": ["1", "2", "3", "4", "5"],
            "date_of_birth": ["n/a", "n/a", "0000-00-00", "0001-01-01", "1980-01-02"],
        }
    )
    dob = identity.dedupe({"crm": people}).features.dob  # type: ignore[union-attr]
    assert dob.tolist()[:4] == [-1, -1, -1, -1] and dob[4] >= 0


def test_a_dataframe_with_mixed_object_columns_is_read_as_text() -> None:
    # pandas.read_excel of an ERP export: ids and phones that are numbers in some rows, text in others.
    crm = pd.DataFrame(
        {
            "id": ["C001", 1002, 1003],
            "first_name": ["Ann", "Ann", "Bob"],
            "last_name": ["Lee", "Lee", "Ray"],
            "phone": [2127365000, "(212) 736-5000", None],
        }
    )
    result = identity.dedupe({"crm": crm})
    assert result.clusters.column("source_id").to_pylist() == ["C001", "1002", "1003"]
    phones = result.features.phone[:, 0].tolist()  # type: ignore[union-attr]
    assert phones[0] == phones[1] == 12127365000 and phones[2] == -1


def test_household_members_joined_only_through_a_nameless_record_stay_apart() -> None:
    # John shares the family landline with a record that has no first name, which shares the family
    # e-mail with Mary. John and Mary are never a candidate pair (nothing blocks them together), yet
    # their cluster would say they are one person.
    people = pa.table(
        {
            "source_id": ["JOHN", "FAMILY", "MARY", "OTHER"],
            "first_name": ["John", None, "Mary", "Zoe"],
            "last_name": ["Quarrington", "Quarrington", "Quarrington", "Quinn"],
            "email": [None, "q.family@gmail.com", "q.family@gmail.com", "zoe@example.com"],
            "phone": ["+12125550100", "+12125550100", None, "+13125550199"],
        }
    )
    result = identity.dedupe({"crm": people})
    clusters = _cluster_of(result)
    assert clusters["crm", "JOHN"] != clusters["crm", "MARY"]
    assert clusters["crm", "FAMILY"] in (clusters["crm", "JOHN"], clusters["crm", "MARY"])


def test_one_person_joined_through_others_is_not_split_by_differently_mistyped_birthdays() -> None:
    # A ~ B by e-mail, B ~ C by phone and address; A and C are never compared by blocking, and their
    # birthdays are two typos apart (one each from B's). Only a clearly different name splits records
    # joined through others, not a date (on FEBRL3 every such split was wrong).
    person = pa.table(
        {
            "source_id": ["A", "B", "C", "OTHER"],
            "first_name": ["Jonathan", "Jonathan", "Jonathan", "Zoe"],
            "last_name": ["Quarrington", "Quarrington", "Quarrington", "Quinn"],
            "email": ["jq@gmail.com", "jq@gmail.com", None, "zoe@example.com"],
            "phone": [None, "+12125550100", "+12125550100", "+13125550199"],
            "address": [None, "12 Elm Street", "12 Elm St", "3 Oak Road"],
            "postcode": [None, "10001", "10001", "60601"],
            "date_of_birth": ["1980-01-02", "1980-01-12", "1980-11-12", "1990-05-05"],
        }
    )
    result = identity.dedupe({"crm": person}, threshold=0.5)
    scored = {(p["source_id_l"], p["source_id_r"]) for p in result.pairs.to_pylist()}
    assert ("A", "C") not in scored and ("C", "A") not in scored
    clusters = _cluster_of(result)
    assert clusters["crm", "A"] == clusters["crm", "B"] == clusters["crm", "C"] != clusters["crm", "OTHER"]


def test_only_names_split_records_joined_through_others_whatever_kind_of_cannot_link_a_field_has() -> None:
    # As above, and C's mailbox differs from A's (contacts disagree). A date of birth whose "else"
    # level is a contested cannot-link as well as a soft one (the same pairs when compared) must not
    # split A from C either: it is not a name.
    person = pa.table(
        {
            "source_id": ["A", "B", "C", "OTHER"],
            "first_name": ["Jonathan", "Jonathan", "Jonathan", "Zoe"],
            "last_name": ["Quarrington", "Quarrington", "Quarrington", "Quinn"],
            "email": ["jq@gmail.com", "jq@gmail.com", "jonq@work-mail.com", "zoe@example.com"],
            "phone": [None, "+12125550100", "+12125550100", "+13125550199"],
            "address": [None, "12 Elm Street", "12 Elm St", "3 Oak Road"],
            "postcode": [None, "10001", "10001", "60601"],
            "date_of_birth": ["1980-01-02", "1980-01-12", "1980-11-12", "1990-05-05"],
        }
    )
    default_dob = next(c for c in DEFAULT_COMPARISONS if c.name == "date_of_birth")
    contested_dob = dataclasses.replace(default_dob, contested_cannot_link_levels=(3,))
    comparisons = [contested_dob if c is default_dob else c for c in DEFAULT_COMPARISONS]
    for given in (DEFAULT_COMPARISONS, comparisons):
        result = identity.dedupe({"crm": person}, threshold=0.5, comparisons=given)
        assert {(p["source_id_l"], p["source_id_r"]) for p in result.pairs.to_pylist()} == {("A", "B"), ("B", "C")}
        clusters = _cluster_of(result)
        assert clusters["crm", "A"] == clusters["crm", "B"] == clusters["crm", "C"] != clusters["crm", "OTHER"]


def test_link_keeps_two_people_of_one_source_apart_through_a_record_of_the_other() -> None:
    # John and Mary share a landline in the ERP; the Shopify record has that number and no first name.
    # link() never compares John with Mary, but clusters them through it: the guard must still see them.
    erp = pa.table(
        {
            "id": ["JOHN", "MARY"],
            "first_name": ["John", "Mary"],
            "last_name": ["Quarrington", "Quarrington"],
            "phone": ["+12125550100", "+12125550100"],
        }
    )
    shop = pa.table({"id": ["S1"], "last_name": ["Quarrington"], "phone": ["+12125550100"]})
    clusters = _cluster_of(identity.link({"erp": erp}, {"shop": shop}))
    assert clusters["erp", "JOHN"] != clusters["erp", "MARY"]


def test_a_labelled_pair_whose_is_match_is_text_is_an_input_error() -> None:
    # bool("False") is True: labels read from a CSV must not all silently become matches.
    labels = [("erp", "C1", "shopify", "901", "True"), ("erp", "C3", "shopify", "903", "False")]
    with pytest.raises(InputError, match="labelled pair 1: is_match must be True or False"):
        identity.dedupe({"erp": ERP, "shopify": SHOP}, labels=labels)  # type: ignore[arg-type]
    numeric = [("erp", "C1", "shopify", "901", 1), ("erp", "C3", "shopify", "903", 0)]
    assert identity.dedupe({"erp": ERP, "shopify": SHOP}, labels=numeric).clusters.num_rows == 6  # type: ignore[arg-type]


def test_father_and_son_of_one_name_stay_apart_when_jr_is_written_once_and_their_contacts_differ() -> None:
    # Thomas Crawade and his son share name, address and the family landline; only one of the son's
    # records says Jr. Their mailboxes and mobiles differ: two people. The son's two records share his
    # mailbox, and Peter Quill wrote Jr once with the same mailbox: one person each.
    erp = pa.table(
        {
            "CardCode": ["C1", "C2", "C3"],
            "CardName": ["CRAWADE, THOMAS", "Thomas Crawade", "QUILL, PETER"],
            "Phone1": ["303-798-1679", "(303) 798-1679", "212-555-0147"],
            "Cellular": ["303 425 4441", "720 889 2768", None],
            "E_Mail": ["thomas.crawade@msn.com", "thomas_crawade@yahoo.com", "pquill@gmail.com"],
            "Address": ["735 2nd Drive", "735 2nd Drive", "9 Elm Road"],
            "City": ["Denver", "Denver", "Austin"],
            "ZipCode": ["80229", "80229", "78701"],
        }
    )
    shop = pa.table(
        {
            "id": ["S1", "S2", "S3"],
            "first_name": ["Thomas", "Thomas", "Peter"],
            "last_name": ["Crawade Jr", "Crawade", "Quill Jr."],
            "email": ["thomas_crawade@yahoo.com", "thomas.crawade@msn.com", "pquill@gmail.com"],
            "phone": ["+17208892768", "+13034254441", None],
            "address1": ["735 2nd Dr", "735 2nd Dr", None],
            "city": ["Denver", "Denver", None],
            "zip": ["80229", "80229", None],
        }
    )
    clusters = _cluster_of(identity.dedupe({"erp": erp, "shopify": shop}))
    assert clusters["erp", "C1"] == clusters["shopify", "S2"]  # the father: same mailbox and mobile
    assert clusters["shopify", "S1"] != clusters["erp", "C1"]  # the son, Jr, with his own mobile
    assert clusters["shopify", "S1"] == clusters["erp", "C2"]  # ...and his own mailbox, as in the ERP
    assert clusters["erp", "C3"] == clusters["shopify", "S3"]  # one man who wrote Jr once


def test_a_couple_with_first_names_only_loosely_alike_stays_apart_when_their_contacts_differ() -> None:
    # Mary and Mark Quarrington share an address and the landline; their names are 0.88 alike (the
    # looser Jaro-Winkler level), their mailboxes and mobiles differ: two people. Jonathon and
    # Johnathan Pell (the same looseness, a spelling slip) share a mailbox: one person.
    erp = pa.table(
        {
            "CardCode": ["C1", "C2"],
            "CardName": ["QUARRINGTON, MARY", "PELL, JONATHON"],
            "Phone1": ["303-798-1679", None],
            "Cellular": ["303 425 4441", None],
            "E_Mail": ["mary.q@msn.com", "jpell@gmail.com"],
            "Address": ["735 2nd Drive", "9 Elm Road"],
            "City": ["Denver", "Austin"],
            "ZipCode": ["80229", "78701"],
        }
    )
    shop = pa.table(
        {
            "id": ["S1", "S2"],
            "first_name": ["Mark", "Johnathan"],
            "last_name": ["Quarrington", "Pell"],
            "email": ["markq@yahoo.com", "jpell@gmail.com"],
            "phone": ["+13037981679", None],
            "address1": ["735 2nd Dr", None],
            "city": ["Denver", None],
            "zip": ["80229", None],
        }
    )
    result = identity.dedupe({"erp": erp, "shopify": shop})
    clusters = _cluster_of(result)
    assert clusters["erp", "C1"] != clusters["shopify", "S1"]
    assert clusters["erp", "C2"] == clusters["shopify", "S2"]
