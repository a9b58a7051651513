"""gen_dash.ingest: reading a snapshot: the rules across columns, the errors that reject a row and the repairs that
keep it with a warning (the file contract, shared/spec/snapshot-csv.md)."""

from __future__ import annotations

import pytest

from gen_dash.ingest import AVERTISSEMENT, ERREUR, SnapshotError, read_snapshot
from tests.conftest import make_csv, problems_of, row

# --------------------------------------------------------------------------- errors: the row is rejected

ERRORS = [
    # (case, rows, column as written, message fragment)
    ("required value missing", [row(nom_fabrique="")], "nom_fabrique", "obligatoire"),
    ("required id missing", [row(id_formation="")], "id_formation", "obligatoire"),
    (
        "count of the wrong type",
        [row(apprenants="douze")],
        "apprenants",
        "n'est pas un nombre entier",
    ),
    ("fractional count", [row(apprenants="12.5")], "apprenants", "n'est pas un nombre entier"),
    ("absurdly large count", [row(apprenants="1e20")], "apprenants", "Effectif démesuré"),
    ("wave zero", [row(vague="0")], "vague", "au moins 1"),
    ("wave not a number", [row(vague="deux")], "vague", "nombre entier"),
    ("count below zero", [row(apprenants_neet="-1")], "apprenants_neet", "négatif"),
    (
        "women above learners",
        [row(apprenants_femmes="21")],
        "apprenants_femmes",
        "supérieure au nombre d'apprenants",
    ),
    (
        "NEET above learners",
        [row(apprenants_neet="25")],
        "apprenants_neet",
        "supérieure au nombre d'apprenants",
    ),
    (
        "grant holders above learners",
        [row(apprenants_boursiers="30")],
        "apprenants_boursiers",
        "supérieure",
    ),
    ("negative subsidy", [row(subvention_eur="-5")], "subvention_eur", "négative"),
    (
        "subsidy not a number",
        [row(subvention_eur="beaucoup")],
        "subvention_eur",
        "n'est pas un nombre",
    ),
    (
        "bad date",
        [row(date_labellisation="32/13/2016")],
        "date_labellisation",
        "n'est pas une date",
    ),
    (
        "impossible ISO date",
        [row(date_labellisation="2017-02-30")],
        "date_labellisation",
        "n'est pas une date",
    ),
    ("unknown commune code", [row(code_commune="99999")], "code_commune", "Code commune inconnu"),
    (
        "unknown postal code",
        [row(code_commune=None, code_postal="99999")],
        "code_postal",
        "Code postal inconnu",
    ),
    (
        "unknown département",
        [row(code_commune=None, code_departement="Atlantide")],
        "code_departement",
        "Département inconnu",
    ),
    (
        "département 20 alone",
        [row(code_commune=None, code_departement="20")],
        "code_departement",
        "2A (Corse-du-Sud) ou 2B",
    ),
    (
        "no way to place the row",
        [row(code_commune=None, commune="Montreuil")],
        "code_departement",
        "Impossible de situer",
    ),
    (
        "postal code of two départements",
        [row(code_commune=None, code_postal="01200")],
        "code_postal",
        "plusieurs départements",
    ),
    (
        "coordinates outside France",
        [row(code_commune=None, latitude="40.71", longitude="-74.00")],
        "latitude",
        "hors de France",
    ),
    (
        "coordinate not a number",
        [row(code_commune=None, latitude="nord", longitude="2.35")],
        "latitude",
        "n'est pas une coordonnée",
    ),
    ("latitude without longitude", [row(latitude="48.85")], "latitude", "incomplètes"),
]


@pytest.mark.parametrize("case, rows, column, fragment", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_rejects_the_row(case, rows, column, fragment):
    snapshot = read_snapshot(make_csv(rows + [row(id_formation="OK")]), "f.csv")
    errors = problems_of(snapshot, ERREUR)
    assert len(snapshot.rows) == 1 and snapshot.rows["id_formation"].tolist() == ["OK"]
    assert snapshot.report.lignes == 2 and snapshot.report.lignes_rejetees == 1
    hit = errors[errors["colonne"] == column]
    assert not hit.empty, errors.to_dict("records")
    assert hit["ligne"].tolist() == [2]
    assert fragment in hit["message"].iloc[0]


def test_duplicated_id_rejects_every_row_carrying_it():
    snapshot = read_snapshot(make_csv([row(), row(), row(id_formation="F2")]))
    errors = problems_of(snapshot, ERREUR)
    assert snapshot.rows["id_formation"].tolist() == ["F2"]
    assert errors["ligne"].tolist() == [2, 3]
    assert "lignes 2, 3" in errors["message"].iloc[0]


def test_problem_names_the_column_as_written_and_the_value():
    data = "Identifiant;Intitulé de la formation;Fabrique;Vague;Code INSEE;Effectif;Dont femmes;Dont jeunes NEET\n"
    data += "F1;Dev;Fab;1;93048;20;31;5\n"
    snapshot = read_snapshot(data.encode())
    p = problems_of(snapshot, ERREUR).iloc[0]
    assert (p["ligne"], p["colonne"], p["valeur"]) == (2, "Dont femmes", "31")


# --------------------------------------------------------------------------- repairs: accepted with a warning

REPAIRS = [
    # (case, row changes, column as written, message fragment, expected (code_commune, code_departement))
    (
        "lost zero, commune code",
        dict(code_commune="1004"),
        "code_commune",
        "01004",
        ("01004", "01"),
    ),
    (
        "lost zero, postal code",
        dict(code_commune=None, code_postal="1000"),
        "code_postal",
        "01000",
        (None, "01"),
    ),
    (
        "lost zero, département",
        dict(code_commune=None, code_departement="1"),
        "code_departement",
        "01",
        (None, "01"),
    ),
    (
        "old Corsican commune code",
        dict(code_commune="20004"),
        "code_commune",
        "2A004",
        ("2A004", "2A"),
    ),
    (
        "20 told by the commune",
        dict(code_commune="2B033", code_departement="20"),
        "code_departement",
        "2B",
        ("2B033", "2B"),
    ),
    (
        "20 told by the postal code",
        dict(code_commune=None, code_postal="20000", code_departement="20"),
        "code_departement",
        "2A",
        ("2A004", "2A"),
    ),
    (
        "swapped coordinates",
        dict(code_commune=None, latitude="2.3522", longitude="48.8566"),
        "latitude",
        "inversées",
        (None, "75"),
    ),
    (
        "département disagrees with commune",
        dict(code_departement="75"),
        "code_departement",
        "93048",
        ("93048", "93"),
    ),
    (
        "coordinates disagree with commune",
        dict(latitude="45.76", longitude="4.83"),
        "latitude",
        "indique Seine-Saint-Denis (93) : la formation est placée selon « code_commune »",
        ("93048", "93"),
    ),
]


@pytest.mark.parametrize(
    "case, changes, column, fragment, expected", REPAIRS, ids=[r[0] for r in REPAIRS]
)
def test_repair_accepts_the_row_with_a_warning(case, changes, column, fragment, expected):
    snapshot = read_snapshot(make_csv([row(**changes)]))
    assert problems_of(snapshot, ERREUR).empty, problems_of(snapshot).to_dict("records")
    warnings = problems_of(snapshot, AVERTISSEMENT)
    hit = warnings[warnings["colonne"] == column]
    assert len(hit) == 1 and fragment in hit["message"].iloc[0], warnings.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert placed["code_departement"] == expected[1]
    if expected[0]:
        assert placed["code_commune"] == expected[0]
    assert snapshot.report.lignes_reparees == 1


def test_fabrique_identified_by_id_else_by_normalised_name_and_commune():
    rows = [
        row(id_formation="A", nom_fabrique="Fabrique Élan"),
        row(id_formation="B", nom_fabrique="  fabrique elan "),  # same name folded, same commune
        # another commune
        row(id_formation="C", nom_fabrique="Fabrique Élan", code_commune="93066"),
        row(id_formation="D", nom_fabrique="Autre", id_fabrique="X1"),
        # the id wins over the name
        row(id_formation="E", nom_fabrique="Autre nom", id_fabrique="X1"),
    ]
    keys = read_snapshot(make_csv(rows)).rows.set_index("id_formation")["cle_fabrique"]
    assert keys["A"] == keys["B"] != keys["C"]
    assert keys["D"] == keys["E"] == "id:X1"


# --------------------------------------------------------------------------- list-only snapshots

LIST = "identifiant;intitule;Structure;vague;insee_com\nA;Dév web;Simplon;1;93048\nB;Data;Simplon;2;75112\n"


def test_a_list_without_learner_columns_is_a_list_snapshot():
    snapshot = read_snapshot(LIST.encode(), "liste.csv")
    assert snapshot.list_only and snapshot.report.lignes_rejetees == 0
    assert snapshot.rows["apprenants"].isna().all() and snapshot.rows["nom_fabrique"].tolist() == [
        "Simplon",
        "Simplon",
    ]
    assert any(
        "la structure porteuse (« Structure ») en tient lieu" in m
        for m in snapshot.report.problemes["message"]
    )


def test_learner_columns_empty_on_every_row_make_a_list_too():
    data = make_csv(
        [
            row(apprenants="", apprenants_femmes="", apprenants_neet=""),
            row(id_formation="F2", apprenants="", apprenants_femmes="", apprenants_neet=""),
        ]
    )
    snapshot = read_snapshot(data, "vide.csv")
    assert snapshot.list_only and len(snapshot.rows) == 2


def test_a_half_filled_table_is_still_caught_row_by_row():
    data = make_csv(
        [row(), row(id_formation="F2", apprenants="", apprenants_femmes="", apprenants_neet="")]
    )
    snapshot = read_snapshot(data, "moitie.csv")
    assert not snapshot.list_only and snapshot.rows["id_formation"].tolist() == ["F1"]
    assert snapshot.report.lignes_rejetees == 1


def test_some_learner_columns_without_the_others_is_refused():
    with pytest.raises(SnapshotError, match="apprenants_femmes"):
        read_snapshot(make_csv([row(apprenants_femmes=None, apprenants_neet=None)]), "partiel.csv")
