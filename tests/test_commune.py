"""gen_dash.commune (« Ma commune ») and the ``commune`` command: a commune found, the fabriques near it."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from gen_dash import cli, commune
from gen_dash.ingest import read_snapshot
from tests.conftest import NEAR_ROWS, make_csv


def haversine_km(lon1, lat1, lon2, lat2):
    """Written here, not imported: the distance the page must give."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.mark.parametrize(
    "query, codes, how",
    [
        ("Lunel", ["34145"], "nom"),
        ("LUNEL", ["34145"], "nom"),
        # homonyms, with their départements
        (
            "ST DENIS",
            ["11339", "30247", "93066", "97411"],
            "nom",
        ),
        ("Saint-Denis (93)", ["93066"], "nom"),
        ("saint denis 974", ["97411"], "nom"),
        ("Ste-Marie-aux-Mines", ["68298"], "nom"),
        ("34145", ["34145"], "code INSEE"),
        ("75119", ["75056"], "arrondissement municipal 75119"),
        ("01039", ["01138"], "commune fusionnée 01039"),
        # a current commune's name wins over a merged one's (01039, now Culoz-Béon)
        (
            "Béon",
            ["89037"],
            "nom",
        ),
        # a merged commune's name: the commune it is part of (Arvière-en-Valromey)
        (
            "Brénaz",
            ["01453"],
            "nom",
        ),
        (
            "34400",
            ["34145", "34146", "34246", "34272", "34280", "34288", "34294", "34340"],
            "code postal",
        ),
    ],
)
def test_find_commune(query, codes, how):
    found = commune.find_commune(query)
    assert sorted(found.communes["code_commune"]) == codes and found.how == how


def test_an_unknown_name_gives_the_closest():
    found = commune.find_commune("Lunnel")
    assert found.one is None and found.communes.empty and found.closest[0] == "Lunel (34)"


def test_nearest_fabriques_distances_and_sentence():
    from gen_dash.metrics import fabriques_of

    rows = read_snapshot(make_csv(NEAR_ROWS), "near.csv").rows
    lunel = commune.find_commune("Lunel").one
    near = commune.near_commune(lunel, fabriques_of(rows), rows, radius_km=20)
    # Reference points of Lunel (4.12800, 43.67760) and Montpellier (3.87828, 43.61138), copied from communes.csv.
    expected = round(haversine_km(4.12800, 43.67760, 3.87828, 43.61138), 1)
    assert expected == 21.4
    assert near.fabriques["nom_fabrique"].tolist() == [
        "Fabrique de Lunel",
        "Fabrique de Montpellier",
    ]
    assert near.fabriques["distance_km"].tolist() == [0.0, 21.4]
    assert near.fabriques["formations"].tolist() == [2, 1]
    assert near.fabriques["metiers"].iloc[0] == "Développeur web ; Technicien réseau"
    assert near.formations_within == 2 and near.covered  # Montpellier's is 21.4 km away, beyond 20
    assert near.sentence == (
        "La fabrique la plus proche de Lunel est « Fabrique de Lunel », dans la commune même ; "
        "2 formations à moins de 20 km."
    )
    mauguio = commune.find_commune("Mauguio").one
    far = commune.near_commune(mauguio, fabriques_of(rows), rows, radius_km=30)
    assert far.sentence.startswith("La fabrique la plus proche de Mauguio est « Fabrique de ")


def run_cli(capsys, *args) -> tuple[int, dict]:
    status = cli.main([*args, "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_commune_command(tmp_path, capsys):
    path = tmp_path / "near.csv"
    path.write_bytes(make_csv(NEAR_ROWS))
    status, out = run_cli(capsys, "commune", str(path), "Lunel", "--rayon", "25")
    assert status == 0
    assert out["commune"] == {
        "code": "34145",
        "nom": "Lunel",
        "code_epci": "243400520",
        "nom_epci": "CA Lunel Agglo",
        "code_departement": "34",
        "nom_departement": "Hérault",
        "population": 26623,
    }
    assert [
        (f["nom_fabrique"], f["distance_km"], f["formations"]) for f in out["fabriques_proches"]
    ] == [("Fabrique de Lunel", 0.0, 2), ("Fabrique de Montpellier", 21.4, 1)]
    assert out["formations_dans_le_rayon"] == 3
    # the English name still works
    status, out = run_cli(capsys, "commune", str(path), "Saint-Denis", "--radius", "25")
    assert status == 1 and [c["code"] for c in out["candidats"]] == [
        "11339",
        "30247",
        "93066",
        "97411",
    ]
    status, out = run_cli(capsys, "commune", str(path), "Lunnel")
    assert status == 1 and out["proches"][0] == "Lunel (34)" and "Aucune commune" in out["erreur"]


def test_summary_by_epci_and_for_an_epci(tmp_path, capsys):
    path = tmp_path / "near.csv"
    path.write_bytes(make_csv(NEAR_ROWS))
    status, out = run_cli(capsys, "summary", str(path), "--par", "epci")
    assert status == 0
    assert out["par_epci"] == {
        "243400017": {
            "nom": "Montpellier Méditerranée Métropole",
            "formations": 1,
            "fabriques": 1,
            "apprenants": 20,
            "population": int(
                pd.read_csv("data/reference/epci.csv", dtype=str)
                .set_index("code_epci")
                .loc["243400017", "population"]
            ),
            "departements": ["34"],
        },
        "243400520": {
            "nom": "CA Lunel Agglo",
            "formations": 2,
            "fabriques": 1,
            "apprenants": 40,
            "population": out["par_epci"]["243400520"]["population"],
            "departements": ["34"],
        },
    }
    status, out = run_cli(capsys, "summary", str(path), "--epci", "243400520")
    assert (out["formations"], out["apprenants"], out["territoire"]["nom"]) == (
        2,
        40,
        "CA Lunel Agglo",
    )
    assert cli.main(["summary", str(path), "--epci", "123"]) == 64
