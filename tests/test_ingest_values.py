"""gen_dash.ingest_values: each column read as its type: amounts, dates, plausible values only."""

from __future__ import annotations

import pytest

from gen_dash.ingest import ERREUR, read_snapshot
from tests.conftest import make_csv, problems_of, row

# --------------------------------------------------------------------------- snapshot date and fabriques


AMOUNTS = [
    ("12500", 12500),
    ("12 500,50", 12500.5),
    ("12\u202f500,50", 12500.5),
    ("1.234,5", 1234.5),
    ("1,234.5", 1234.5),
    ("12500 €", 12500),
    ("1e3", 1000),
    ("+15", 15),
    (".5", 0.5),
    ("0012", 12),
]


@pytest.mark.parametrize("written, expected", AMOUNTS, ids=[a[0] for a in AMOUNTS])
def test_amount_spellings(written, expected):
    snapshot = read_snapshot(make_csv([row(subvention_eur=written)], sep=";"))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    assert snapshot.rows["subvention_eur"].tolist() == [expected]


@pytest.mark.parametrize("written", ["nan", "inf", "-inf", "Infinity", "0x10", "1_000", "douze"])
def test_amount_that_is_not_a_number(written):
    problems = problems_of(read_snapshot(make_csv([row(subvention_eur=written)], sep=";")), ERREUR)
    assert problems["message"].str.contains("n'est pas un nombre").tolist() == [True]


DATES = [
    ("2016-12-15", "2016-12-15"),
    ("2016-12-15 10:30:00", "2016-12-15"),
    ("2016-12-15T10:30", "2016-12-15"),
    ("15/12/2016", "2016-12-15"),
    ("15.12.2016", "2016-12-15"),
    ("15-12-2016", "2016-12-15"),
    ("2016-2-3", "2016-02-03"),
]


@pytest.mark.parametrize("written, expected", DATES, ids=[d[0] for d in DATES])
def test_date_spellings(written, expected):
    snapshot = read_snapshot(make_csv([row(date_labellisation=written)]))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    assert snapshot.rows["date_labellisation"].dt.strftime("%Y-%m-%d").tolist() == [expected]


def test_snapshot_date_from_column_then_file_name():
    assert (
        str(read_snapshot(make_csv([row(date_extraction="15/12/2016")]), "x-2017-01-01.csv").date)
        == "2016-12-15"
    )
    assert str(read_snapshot(make_csv([row()]), "gen-2017-06-30.csv").date) == "2017-06-30"
    assert read_snapshot(make_csv([row()]), "gen.csv").date is None


# --------------------------------------------------------------------------- plausible values only


@pytest.mark.parametrize(
    "cells, column, fragment",
    [
        (
            {"date_labellisation": "0000-01-01"},
            "date_labellisation",
            "avant le début du programme (2015)",
        ),
        (
            {"date_labellisation": "0001-01-01"},
            "date_labellisation",
            "avant le début du programme (2015)",
        ),
        (
            {"date_labellisation": "9999-12-31"},
            "date_labellisation",
            "dans le futur : au plus un an après aujourd'hui",
        ),
        ({"date_extraction": "0000-01-01"}, "date_extraction", "avant le début du programme"),
        (
            {"date_extraction": "2099-01-01"},
            "date_extraction",
            "ne peut pas être datée de plus d'un jour après aujourd'hui",
        ),
        (
            {"apprenants": str(2**53), "apprenants_femmes": "1", "apprenants_neet": "1"},
            "apprenants",
            "Effectif démesuré « 9007199254740992 » : plus de 10\u202f000 pour une formation",
        ),
        (
            {"subvention_eur": "1e308"},
            "subvention_eur",
            "Montant démesuré « 1e308 » : plus de 5\u202f000\u202f000 €",
        ),
        (
            {"vague": "1000000000000000"},
            "vague",
            "Vague « 1000000000000000 » inconnue : le fichier des objectifs décrit 2",
        ),
    ],
)
def test_an_impossible_value_rejects_its_row(cells, column, fragment):
    snapshot = read_snapshot(make_csv([row(**cells), row(id_formation="OK")]), "f.csv")
    assert snapshot.rows["id_formation"].tolist() == ["OK"]
    errors = problems_of(snapshot, ERREUR)
    assert any(fragment in m for m in errors.loc[errors["colonne"] == column, "message"]), (
        errors.to_dict("records")
    )


def test_no_total_can_overflow():
    rows = [
        row(
            id_formation=f"X{i}",
            apprenants="10000",
            apprenants_femmes="5000",
            apprenants_neet="5000",
        )
        for i in range(1100)
    ]
    snapshot = read_snapshot(make_csv(rows), "grand.csv")
    # the largest plausible total, far from any overflow
    assert int(snapshot.rows["apprenants"].sum()) == 11_000_000
