"""gen_dash.place: where a row is, from its commune, postal code, point or département, as real files write them."""

from __future__ import annotations

import pandas as pd
import pytest

from gen_dash.ingest import read_snapshot
from tests.conftest import make_csv, row

# --------------------------------------------------------------------------- location forms accepted as they are

PLACES = [
    ("commune code", dict(), "93", "11", "commune"),
    ("DROM commune, La Réunion", dict(code_commune="97411"), "974", "04", "commune"),
    ("DROM commune, Mayotte", dict(code_commune="97611"), "976", "06", "commune"),
    ("Corsica 2A", dict(code_commune="2A004"), "2A", "94", "commune"),
    (
        "postal code serving one département",
        dict(code_commune=None, code_postal="75011"),
        "75",
        "11",
        "commune",
    ),
    (
        "postal code and commune name",
        dict(code_commune=None, code_postal="01200", commune="Éloise"),
        "74",
        "84",
        "commune",
    ),
    (
        "postal code and commune name, other side",
        dict(code_commune=None, code_postal="01200", commune="BILLIAT"),
        "01",
        "84",
        "commune",
    ),
    (
        "coordinates",
        dict(code_commune=None, latitude="48.8566", longitude="2.3522"),
        "75",
        "11",
        "coordonnees",
    ),
    (
        "DROM coordinates",
        dict(code_commune=None, latitude="-21.1151", longitude="55.5364"),
        "974",
        "04",
        "coordonnees",
    ),
    ("département code", dict(code_commune=None, code_departement="2A"), "2A", "94", "departement"),
    (
        "DROM département code",
        dict(code_commune=None, code_departement="971"),
        "971",
        "01",
        "departement",
    ),
    (
        "département name",
        dict(code_commune=None, code_departement="Seine-Saint-Denis"),
        "93",
        "11",
        "departement",
    ),
    (
        "département name with article",
        dict(code_commune=None, code_departement="La Réunion"),
        "974",
        "04",
        "departement",
    ),
    (
        "département name, other case",
        dict(code_commune=None, code_departement="seine saint denis"),
        "93",
        "11",
        "departement",
    ),
    (
        "code and name",
        dict(code_commune=None, code_departement="93 - Seine-Saint-Denis"),
        "93",
        "11",
        "departement",
    ),
]


@pytest.mark.parametrize(
    "case, changes, departement, region, how", PLACES, ids=[p[0] for p in PLACES]
)
def test_row_is_placed(case, changes, departement, region, how):
    snapshot = read_snapshot(make_csv([row(**changes)]))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert (placed["code_departement"], placed["code_region"], placed["localisation"]) == (
        departement,
        region,
        how,
    )
    assert snapshot.rows.crs.to_epsg() == 4326
    if how != "departement":
        assert (
            snapshot.rows.geometry.iloc[0] is not None
            and not snapshot.rows.geometry.iloc[0].is_empty
        )


def test_point_is_the_coordinates_else_the_commune():
    snapshot = read_snapshot(
        make_csv([row(), row(id_formation="F2", latitude="48.86", longitude="2.45")])
    )
    first, second = snapshot.rows.geometry
    assert (round(first.y, 3), round(first.x, 3)) == (48.864, 2.456)  # Montreuil's point
    assert (second.y, second.x) == (48.86, 2.45)


# --------------------------------------------------------------------------- real files: where a row says it is

NNBSP = "\u202f"
# Each case: the row's location cells, then the département, commune and point it must get (from data/reference,
# written here as literals), and the warning it must carry (None: placed without a word).
PLACED = [
    (
        "arrondissement de Paris",
        {"code_commune": "75112"},
        "75",
        "75056",
        (48.85798, 2.31991),
        "75112 (Paris 12e Arrondissement) : arrondissement municipal, rattaché à 75056 Paris.",
    ),
    (
        "arrondissement de Lyon",
        {"code_commune": "69381"},
        "69",
        "69123",
        (45.75728, 4.82971),
        "69381 (Lyon 1er Arrondissement) : arrondissement municipal, rattaché à 69123 Lyon.",
    ),
    (
        "commune déléguée",
        {"code_commune": "93059"},
        "93",
        "93066",
        (48.92653, 2.3564),
        "93059 (Pierrefitte-sur-Seine) : commune fusionnée, rattachée à 93066 Saint-Denis.",
    ),
    (
        "commune associée",
        {"code_commune": "01120"},
        "01",
        "01262",
        None,
        "01120 (Cordieux) : commune associée, rattachée à 01262",
    ),
    (
        "ancien code",
        {"code_commune": "01003"},
        "01",
        "01165",
        (46.0707, 4.81888),
        "01003 : ancien code de la commune, aujourd'hui 01165 Francheleins.",
    ),
    (
        "ancien code, zéro perdu",
        {"code_commune": "1003"},
        "01",
        "01165",
        (46.0707, 4.81888),
        "01003 : ancien code de la commune, aujourd'hui 01165 Francheleins.",
    ),
    (
        "nom d'une commune fusionnée et son département",
        {"commune": "Champtoceaux", "code_departement": "49"},
        "49",
        "49126",
        (47.30428, -1.2104),
        "« Champtoceaux » (49) : 49069, commune fusionnée, rattachée à 49126 Orée d'Anjou.",
    ),
    (
        "nom d'une commune actuelle et son département",
        {"commune": "Muret", "code_departement": "31"},
        "31",
        "31395",
        (43.4405, 1.3107),
        None,
    ),
    (
        "code postal d'arrondissement (Paris)",
        {"code_postal": "75012"},
        "75",
        "75056",
        (48.85798, 2.31991),
        None,
    ),
    (
        "code postal d'arrondissement (Marseille)",
        {"code_postal": "13002", "commune": "Marseille"},
        "13",
        "13055",
        (43.29396, 5.44838),
        None,
    ),
    (
        "CEDEX et code commune valide",
        {"code_commune": "06088", "code_postal": "06286"},
        "06",
        "06088",
        (43.70456, 7.24376),
        "Code postal inconnu (un code CEDEX ?) : la ligne est gardée, située par « code_commune ».",
    ),
    (
        "CEDEX seul",
        {"code_postal": "27004", "commune": "Évreux Cedex"},
        "27",
        None,
        None,
        "Code postal inconnu (un code CEDEX ?) : la formation est située dans le département 27, celui de ses premiers "
        "chiffres.",
    ),
    (
        "code commune dans la colonne du code postal",
        {"code_postal": "93066", "commune": "Saint-Denis"},
        "93",
        "93066",
        (48.92653, 2.3564),
        "« 93066 » est le code commune de Saint-Denis, pas un code postal : il est lu comme code commune.",
    ),
    (
        "code commune inconnu, coordonnées en France",
        {"code_commune": "31999", "latitude": "43.6045", "longitude": "1.4440"},
        "31",
        None,
        (43.6045, 1.444),
        "Code commune inconnu : la ligne est gardée, située par « coordonnées ».",
    ),
    (
        "département inconnu, commune connue",
        {"code_commune": "31555", "code_departement": "Haute-Garonnne"},
        "31",
        "31555",
        (43.60048, 1.42397),
        "Département inconnu : la ligne est gardée, située par « code_commune ».",
    ),
    (
        "coordonnées à l'étranger, commune connue",
        {"code_commune": "31555", "latitude": "51.5", "longitude": "-0.12"},
        "31",
        "31555",
        (43.60048, 1.42397),
        "Coordonnées hors de France, ignorées : la formation est située par « code_commune ».",
    ),
]


@pytest.mark.parametrize(
    "case, cells, departement, commune, point, warning", PLACED, ids=[p[0] for p in PLACED]
)
def test_a_row_that_says_where_it_is_is_placed(case, cells, departement, commune, point, warning):
    snapshot = read_snapshot(make_csv([row(**{"code_commune": None, **cells})]), "reel.csv")
    assert snapshot.report.lignes_rejetees == 0, snapshot.report.problemes.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert placed["code_departement"] == departement
    assert (None if pd.isna(placed["code_commune"]) else placed["code_commune"]) == commune
    if point is not None:
        assert (round(placed["latitude"], 5), round(placed["longitude"], 5)) == point
    messages = snapshot.report.problemes["message"].tolist()
    if warning is None:
        assert messages == []
    else:
        assert any(m.startswith(warning) for m in messages), messages


REJECTED = [
    (
        "code commune inconnu, coordonnées à l'étranger",
        {"code_commune": "31999", "latitude": "51.5", "longitude": "-0.12"},
        ["Code commune inconnu : indiquez le code INSEE", "Coordonnées hors de France"],
    ),
    (
        "Saint-Martin (code commune)",
        {"code_commune": "97801"},
        ["Saint-Martin (978) est une collectivité d'outre-mer, hors des 101 départements"],
    ),
    (
        "Saint-Martin (département)",
        {"code_departement": "978"},
        ["Saint-Martin (978) est une collectivité d'outre-mer, hors des 101 départements"],
    ),
    (
        "code postal inconnu seul",
        {"code_postal": "00999"},
        ["Code postal inconnu : indiquez un code postal"],
    ),
]


@pytest.mark.parametrize("case, cells, errors", REJECTED, ids=[r[0] for r in REJECTED])
def test_only_a_row_nothing_places_is_rejected(case, cells, errors):
    snapshot = read_snapshot(
        make_csv([row(**{"code_commune": None, **cells}), row(id_formation="OK")]), "reel.csv"
    )
    assert snapshot.rows["id_formation"].tolist() == ["OK"]
    found = snapshot.report.problemes.query("gravite == 'erreur'")["message"].tolist()
    assert all(any(m.startswith(e) for m in found) for e in errors), found
