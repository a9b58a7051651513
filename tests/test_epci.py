"""gen_dash.epci: the EPCI of each row (by commune, former code, arrondissement, point), figures by EPCI."""

from __future__ import annotations

import hypothesis.strategies as st
import pandas as pd
from hypothesis import HealthCheck, given, settings

from gen_dash import epci
from gen_dash.ingest import read_snapshot
from gen_dash.metrics import figures_by_territory, summary_figures
from gen_dash.territory import Territory
from tests.conftest import make_csv, row

# Seven formations written by hand; each one's EPCI looked up by hand in ../shared/data/reference (communes_epci.csv,
# communes_anciennes.csv) and in epci.geojson for the point.
HAND = [
    # Toulouse -> Toulouse Métropole
    row(id_formation="TLS", code_commune="31555", apprenants="20"),
    row(
        id_formation="P19",
        code_commune="75119",
        apprenants="10",
        apprenants_femmes="3",
        apprenants_neet="5",
    ),
    # Béon, merged into Culoz-Béon (01138)
    row(id_formation="BEON", code_commune="01039", apprenants="12"),
    # a point only, in Lunel
    row(
        id_formation="PT",
        code_commune="",
        latitude="43.6776",
        longitude="4.1280",
        nom_fabrique="Fabrique de Lunel",
        apprenants="15",
    ),
    # CC d'Aire-sur-l'Adour, Gers side
    row(
        id_formation="GERS",
        code_commune="32004",
        nom_fabrique="Fabrique d'Arblade",
        apprenants="8",
        apprenants_femmes="2",
        apprenants_neet="4",
    ),
    # the same EPCI, Landes side
    row(
        id_formation="LANDES",
        code_commune="40001",
        nom_fabrique="Fabrique d'Aire",
        apprenants="9",
        apprenants_femmes="3",
        apprenants_neet="4",
    ),
    # an island commune without EPCI
    row(
        id_formation="BREHAT",
        code_commune="22016",
        nom_fabrique="Fabrique de Bréhat",
        apprenants="5",
        apprenants_femmes="1",
        apprenants_neet="2",
    ),
    # placed by its département only
    row(
        id_formation="DEP",
        code_commune="",
        code_departement="09",
        nom_fabrique="Fabrique ariégeoise",
        apprenants="7",
        apprenants_femmes="1",
        apprenants_neet="3",
    ),
]
EXPECTED = {
    "TLS": "243100518",
    "P19": "200054781",
    "BEON": "200040350",
    "PT": "243400520",
    "GERS": "200030435",
    "LANDES": "200030435",
    "BREHAT": None,
    "DEP": None,
}


def hand_snapshot():
    return read_snapshot(make_csv(HAND), "epci.csv")


def test_each_formation_is_placed_in_its_epci():
    rows = hand_snapshot().rows.set_index("id_formation")
    assert len(rows) == 8
    got = {k: (None if pd.isna(v) else v) for k, v in rows["code_epci"].items()}
    assert got == EXPECTED


def test_an_epci_across_two_departements_counts_all_its_communes():
    figures = figures_by_territory(hand_snapshot().rows, "epci").set_index("code")
    aire = figures.loc["200030435"]
    assert (aire["formations"], aire["fabriques"], aire["apprenants"]) == (2, 2, 17)
    assert aire["departements"] == ("32", "40") and aire["regions"] == ("75", "76")
    assert (
        figures.loc["243100518", "formations"] == 1
        and figures.loc["243100518", "nom"] == "Toulouse Métropole"
    )
    # 8, less Bréhat and the row placed by its département
    assert int(figures["formations"].sum()) == 6


def test_an_epci_territory_keeps_its_rows_from_both_departements():
    rows = hand_snapshot().rows
    from gen_dash import geo

    aire = Territory.of_epci("200030435", "76", geo.departements_table(), epci.epci_table())
    assert sorted(aire.apply(rows)["id_formation"]) == ["GERS", "LANDES"]
    assert aire.codes == ("32", "40") and aire.region == "76"
    assert aire.straddles == "à cheval sur 2 départements"
    assert summary_figures(aire.apply(rows))["apprenants"] == 17


def test_full_names_are_written_out():
    assert epci.full_name("CC d'Aire-sur-l'Adour") == "Communauté de communes d'Aire-sur-l'Adour"
    assert (
        epci.full_name("CU Perpignan Méditerranée Métropole")
        == "Communauté urbaine Perpignan Méditerranée Métropole"
    )
    table = epci.epci_table().set_index("code_epci")
    assert len(table) == 1255 and table.loc["243100518", "nature"] == "Métropole"


CODES = ["31555", "75119", "01039", "22016", "29083", "34145", "40001", "32004", "97411", "2A004"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CODES), st.integers(0, 3)), min_size=1, max_size=25))
def test_formations_by_epci_add_up_to_the_nation_less_those_outside_any(picks):
    """For any snapshot, the sum over EPCI of formations equals the national count less the formations in the
    communes without EPCI (22016 Bréhat, 29083 Île-de-Sein here): nothing is lost, what is outside is counted."""
    rows = [
        row(id_formation=f"F{i}", code_commune=code, nom_fabrique=f"Fabrique {code} {kind}")
        for i, (code, kind) in enumerate(picks)
    ]
    snapshot = read_snapshot(make_csv(rows), "p.csv")
    islands = sum(code in ("22016", "29083") for code, _ in picks)
    by_epci = figures_by_territory(snapshot.rows, "epci")
    assert int(by_epci["formations"].sum()) == len(picks) - islands
    assert int(snapshot.rows["code_epci"].isna().sum()) == islands
