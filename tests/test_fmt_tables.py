"""gen_dash.fmt and gen_dash.tables: French formats and display tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from gen_dash import fmt, key_figures, tables
from gen_dash.ingest import read_snapshot
from gen_dash.territory import Territory


@pytest.mark.parametrize(
    "value, text",
    [(10000, "10\u202f000"), (12500.5, "12\u202f500"), (None, "–"), (float("nan"), "–")],
)
def test_number(value, text):
    assert fmt.number(value) == text


def test_percent_euros_dates():
    assert fmt.percent(0.274) == "27,4\u00a0%"
    assert fmt.euros(4_700_000) == "4\u202f700\u202f000\u00a0€"
    assert (
        fmt.day(date(2016, 9, 22)) == "22 septembre 2016"
        and fmt.day(date(2016, 3, 1)) == "1er mars 2016"
    )
    assert fmt.month(date(2018, 3, 14)) == "mars 2018"


def test_search_ignores_case_and_accents():
    frame = pd.DataFrame({"nom": ["Fabrique Élan", "Autre"], "commune": ["Évry", "Lille"]})
    assert tables.search(frame, "elan EVRY")["nom"].tolist() == ["Fabrique Élan"]
    assert len(tables.search(frame, "  ")) == 2


def test_template_is_a_valid_snapshot():
    snapshot = read_snapshot(tables.template_csv(), "modele.csv")
    assert snapshot.report.problemes.empty and len(snapshot.rows) == 1
    assert str(snapshot.date) == "2017-12-31"


def test_french_and_points():
    frame = pd.DataFrame({"n": [1234], "p": [0.2744]})
    assert tables.french(frame, {"n": "nombre", "p": "part"}).iloc[0].tolist() == [
        "1\u202f234",
        "27,4\u00a0%",
    ]
    assert tables.as_points(frame, ["p"])["p"].iloc[0] == 27.4


@pytest.mark.parametrize(
    "share, quota, expected",
    [
        (0.262, 0.30, "3,8\u00a0points sous le quota de 30\u00a0%"),
        (0.30, 0.30, "au quota de 30\u00a0%"),
        (0.2996, 0.30, "au quota de 30\u00a0%"),  # 30,0 % as shown: no « 0,0 point » gap
        (0.305, 0.30, "0,5\u00a0point au-dessus du quota de 30\u00a0%"),
        (0.52, 0.50, "2,0\u00a0points au-dessus du quota de 50\u00a0%"),
        (0.0, 0.50, "50,0\u00a0points sous le quota de 50\u00a0%"),
        (None, 0.30, "non renseigné"),
        (0.2, 0.175, "2,5\u00a0points au-dessus du quota de 17,5\u00a0%"),
    ],
)
def test_quota_gap_in_points(share, quota, expected):
    assert fmt.quota_gap(share, quota) == expected


def test_exports_of_one_departement_say_what_is_on_screen():
    from gen_dash import geo, metrics
    from gen_dash.targets import load_targets
    from tests.conftest import hand_csv

    rows = read_snapshot(hand_csv()).rows
    table = pd.DataFrame(geo.load_departements().drop(columns="geometry"))
    haute_garonne = Territory.of("76", ("31",), table)
    figures = tables.figures_export(haute_garonne.apply(metrics.figures_by_territory(rows), "code"))
    assert figures[
        [
            "Code",
            "Département",
            "Région",
            "Fabriques",
            "Apprenants",
            "Apprenantes",
            "Part de femmes (%)",
            "Part de jeunes NEET (%)",
            "Subventions (€)",
        ]
    ].values.tolist() == [["31", "Haute-Garonne", "Occitanie", 2, 45, 11, 24.4, 55.6, 23_000]]
    comparison = tables.comparison_export(
        key_figures.compare_with_nation(
            haute_garonne.apply(rows), rows, load_targets(), haute_garonne
        ),
        haute_garonne,
    )
    assert list(comparison.columns) == [
        "Indicateur",
        "Unité",
        "Haute-Garonne (31)",
        "France entière",
        "Part du total national (%)",
        "Face au quota",
    ]
    by_name = comparison.set_index("Indicateur")
    assert by_name.loc[
        "Apprenants", ["Haute-Garonne (31)", "France entière", "Part du total national (%)"]
    ].tolist() == [45, 140, 32.1]
    assert by_name.loc[
        "Part de femmes", ["Unité", "Haute-Garonne (31)", "France entière", "Face au quota"]
    ].tolist() == ["%", 24.4, 29.3, "5,6\u00a0points sous le quota de 30\u00a0%"]
    assert by_name.loc[
        "Département couvert", ["Unité", "Haute-Garonne (31)", "France entière"]
        # the nation beside one département: 3 départements covered
    ].tolist() == [
        "nombre",
        "couvert",
        3,
    ]


# What compare_with_nation gives for a région: a count, a share under its quota, one over it.
BESIDE = pd.DataFrame(
    {
        "libelle": ["Apprenants", "Part de femmes", "Part de jeunes NEET"],
        "territoire": [651, 0.267, 0.613],
        "france": [9582, 0.236, 0.649],
        "nature": ["nombre", "part", "part"],
        "nature_france": ["nombre", "part", "part"],
        "part_du_national": [0.068, None, None],
        "quota": [
            "",
            "3,3\u00a0points sous le quota de 30\u00a0%",
            "11,3\u00a0points au-dessus du quota de 50\u00a0%",
        ],
    }
)


def test_the_territory_beside_the_nation_then_its_shares_against_their_quotas():
    table = pd.DataFrame(
        {
            "code_departement": ["31"],
            "nom_departement": ["Haute-Garonne"],
            "code_region": ["76"],
            "nom_region": ["Occitanie"],
            "population": [1_400_000],
        }
    )
    occitanie = Territory.of("76", (), table)
    lines = tables.beside_nation_on_page(BESIDE, occitanie).splitlines()
    assert lines[:3] == [
        "| Indicateur | Occitanie | France entière | Part du total national |",
        "|---|---:|---:|---:|",
        "| Apprenants | 651 | 9\u202f582 | 6,8\u00a0% |",
    ]
    assert lines[-2:] == [
        "",
        "Face aux quotas : part de femmes, 3,3\u00a0points sous le quota de 30\u00a0% ; part de jeunes NEET, "
        "11,3\u00a0points au\\-dessus du quota de 50\u00a0%.",
    ]
    france = tables.beside_nation_on_page(BESIDE, Territory.of(None, (), table)).splitlines()
    assert france[:2] == ["| Indicateur | France entière |", "|---|---:|"]
    no_quota = tables.beside_nation_on_page(BESIDE.head(1), occitanie)
    assert "quota" not in no_quota and no_quota.endswith("| 6,8\u00a0% |")


def test_the_list_on_a_page_puts_the_departement_beside_the_commune():
    listed = pd.DataFrame(
        {
            "Fabrique": ["A", "B"],
            "Commune": ["Toulouse", None],  # B placed by its département alone
            "Département": ["31", "2A"],
            "Formations": [2, 1],
            "Apprenants": [30, None],
        }
    )
    shown = tables.fabriques_on_page(listed)
    assert list(shown.columns) == ["Fabrique", "Commune", "Formations", "Apprenants"]
    assert shown["Commune"].tolist() == ["Toulouse (31)", "2A"]
