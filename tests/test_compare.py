"""gen_dash.compare: differences between two snapshots, on fixtures with known additions, removals and changes."""

from __future__ import annotations

from gen_dash import compare
from gen_dash.ingest import read_snapshot
from gen_dash.targets import load_targets
from tests.conftest import make_csv, row


def rows(*changes):
    return read_snapshot(make_csv([row(**c) for c in changes])).rows


def test_added_removed_changed():
    old = rows(
        dict(id_formation="A"), dict(id_formation="B"), dict(id_formation="C", apprenants="20")
    )
    new = rows(
        dict(id_formation="A"),
        dict(id_formation="C", apprenants="25", apprenants_femmes="9"),
        dict(id_formation="D", code_commune="97411"),
    )
    diff = compare.diff_snapshots(old, new)
    assert diff[["id_formation", "statut"]].values.tolist() == [
        ["D", "ajoutée"],
        ["B", "retirée"],
        ["C", "modifiée"],
    ]
    changed = diff.set_index("id_formation").loc["C"]
    # as the file's headers say them, not code names
    assert changed["champs_modifies"] == "apprenants, dont femmes"
    assert changed["avant"] == "20 ; 6" and changed["apres"] == "25 ; 9"
    assert compare.count_by_status(diff) == {"ajoutée": 1, "retirée": 1, "modifiée": 1}
    assert diff.set_index("id_formation").loc["D", "code_departement"] == "974"


def test_identical_snapshots_have_no_difference():
    same = rows(dict(id_formation="A"), dict(id_formation="B"))
    assert compare.diff_snapshots(same, same).empty


def test_headline_changes():
    old = rows(dict(id_formation="A"))
    new = rows(
        dict(id_formation="A"),
        dict(
            id_formation="B",
            nom_fabrique="Autre",
            apprenants="10",
            apprenants_femmes="5",
            apprenants_neet="4",
        ),
    )
    figures = compare.headline_changes(old, new, load_targets())
    assert figures.loc["formations", ["avant", "apres", "ecart"]].tolist() == [1, 2, 1]
    assert figures.loc["fabriques", "ecart"] == 1 and figures.loc["apprenants", "ecart"] == 10
    assert abs(figures.loc["part_femmes", "ecart"] - (11 / 30 - 6 / 20)) < 1e-12


def test_changes_by_departement_covers_every_departement():
    diff = compare.diff_snapshots(rows(dict(id_formation="A")), rows(dict(id_formation="B")))
    table = compare.changes_by_departement(diff).set_index("code")
    assert (
        len(table) == 101
        and table.loc["93", "changements"] == 2
        and table["changements"].sum() == 2
    )
