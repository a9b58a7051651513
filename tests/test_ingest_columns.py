"""gen_dash.ingest_columns: which file column is which: headers and their aliases, the file's other columns kept
under names that never collide."""

from __future__ import annotations

import pytest

from gen_dash.ingest import read_snapshot
from tests.conftest import make_csv, row

ALIASES = [
    ("Code INSEE", "code_commune"),
    ("CP", "code_postal"),
    ("Département", "code_departement"),
    ("Dép.", "code_departement"),
    ("Code département", "code_departement"),
    ("Lat", "latitude"),
    ("Y", "latitude"),
    ("Lon", "longitude"),
    ("Lng", "longitude"),
    ("Long", "longitude"),
    ("X", "longitude"),
    ("Nombre d'apprenants", "apprenants"),
    ("Effectif", "apprenants"),
    ("Dont femmes", "apprenants_femmes"),
    ("Femmes", "apprenants_femmes"),
    ("Dont jeunes NEET", "apprenants_neet"),
    ("Jeunes peu ou pas qualifiés", "apprenants_neet"),
    ("Boursiers", "apprenants_boursiers"),
    ("Subvention (€)", "subvention_eur"),
    ("Montant subvention", "subvention_eur"),
    ("Vague de labellisation", "vague"),
    ("Intitulé de la formation", "nom_formation"),
    ("Fabrique", "nom_fabrique"),
    ("Nom de la fabrique", "nom_fabrique"),
    ("Structure porteuse", "porteur"),
    ("NB_APPRENANTS", "apprenants"),
    ("nombre de femmes", "apprenants_femmes"),
    ("  ID Formation ", "id_formation"),
]


@pytest.mark.parametrize("header, canonical", ALIASES, ids=[a[0] for a in ALIASES])
def test_header_alias(header, canonical):
    values = {
        "code_commune": "93048",
        "code_postal": "93100",
        "code_departement": "93",
        "latitude": "48.86",
        "longitude": "2.45",
        "apprenants": "20",
        "apprenants_femmes": "6",
        "apprenants_neet": "11",
        "apprenants_boursiers": "4",
        "subvention_eur": "1000",
        "vague": "2",
        "nom_formation": "Dev",
        "nom_fabrique": "Fab",
        "porteur": "Asso",
        "id_formation": "F9",
    }
    base = row(**{canonical: None})
    base[header] = values[canonical]
    partner = {"latitude": "longitude", "longitude": "latitude"}.get(canonical)
    if partner:
        base[partner] = values[partner]
    snapshot = read_snapshot(make_csv([base]))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    read = snapshot.rows[canonical].iloc[0]
    assert str(read) == values[canonical] or float(read) == float(values[canonical])


def test_other_columns_are_kept():
    snapshot = read_snapshot(make_csv([row(Commentaire="à revoir")]))
    assert snapshot.rows["Commentaire"].tolist() == ["à revoir"]
    assert snapshot.report.problemes.empty


def test_file_column_named_like_a_derived_column_is_kept():
    base = row()
    base["ligne"] = "note"
    rows = read_snapshot(make_csv([base])).rows
    assert rows["ligne"].tolist() == [2]
    assert rows["ligne (2)"].tolist() == ["note"]


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["Ligne du fichier"], ["Ligne du fichier (2)"]),  # a title the Données page shows
        (["Apprenants"], ["Apprenants (2)"]),  # equal but for case to a column already read
        (
            ["Commentaire", "commentaire", "COMMENTAIRE"],
            ["Commentaire", "commentaire (2)", "COMMENTAIRE (3)"],
        ),
        # « region (2) » folds as « Région (2) »
        (
            ["Région", "region"],
            ["Région (2)", "region (3)"],
        ),
        (["Situé par", "Clé de fabrique"], ["Situé par (2)", "Clé de fabrique (2)"]),
    ],
)
def test_an_extra_column_never_collides_with_another_name(extra, expected):
    from gen_dash import tables

    header = list(row()) + extra
    data = make_csv([{**row(), **{h: f"v{i}" for i, h in enumerate(extra)}}], header=header)
    snapshot = read_snapshot(data, "collisions.csv")
    assert set(expected) <= set(snapshot.rows.columns)
    assert tables.readable_rows(snapshot.rows).columns.is_unique
