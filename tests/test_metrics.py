"""gen_dash.metrics: figures on tiny fixtures, checked against values computed by hand."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hyp
from shapely.geometry import Point

from gen_dash import metrics, trend
from gen_dash.ingest import read_snapshot
from gen_dash.targets import load_targets
from tests.conftest import ROOT, hand_csv, make_csv, row

ROOT_TARGETS = ROOT / "data" / "targets.toml"


@pytest.fixture
def rows() -> gpd.GeoDataFrame:
    """Five formations, three fabriques, two waves, two régions (explicit CRS)."""
    data = pd.DataFrame(
        {
            "id_formation": ["A", "B", "C", "D", "E"],
            "cle_fabrique": ["f1", "f1", "f2", "f3", "f1"],
            "vague": [1, 1, 1, 2, 2],
            "code_departement": ["93", "93", "75", "974", "93"],
            "code_region": ["11", "11", "11", "04", "11"],
            "apprenants": [10, 20, 30, 40, 0],
            "apprenants_femmes": [5, 5, 10, 12, 0],
            "apprenants_neet": [5, 10, 20, 25, 0],
            "apprenants_boursiers": [1, 2, 3, 4, 0],
            "subvention_eur": [1000.0, 2000.0, 3000.0, 4000.0, None],
            "ligne": [2, 3, 4, 5, 6],
            "famille_metier": [
                "Cybersécurité",
                "Cybersécurité",
                "Médiation numérique",
                "non renseigné",
                "Cybersécurité",
            ],
        }
    )
    points = [
        Point(2.45, 48.86),
        Point(2.45, 48.86),
        Point(2.35, 48.85),
        Point(55.5, -21.1),
        Point(2.45, 48.86),
    ]
    return gpd.GeoDataFrame(data, geometry=points, crs="EPSG:4326")


def test_summary_by_hand(rows):
    s = metrics.summary_figures(rows)
    assert (s["formations"], s["fabriques"], s["apprenants"]) == (5, 3, 100)
    assert (s["apprenants_femmes"], s["apprenants_neet"]) == (32, 60)
    assert s["part_femmes"] == pytest.approx(0.32) and s["part_neet"] == pytest.approx(0.60)
    assert s["departements_couverts"] == 3
    assert s["par_departement"] == {
        "75": {"fabriques": 1, "formations": 1, "apprenants": 30},
        "93": {"fabriques": 1, "formations": 3, "apprenants": 30},
        "974": {"fabriques": 1, "formations": 1, "apprenants": 40},
    }
    # f1 has formations in waves 1 and 2: it belongs to wave 1; E's learners stay in wave 2.
    assert s["par_vague"] == {
        "1": {"fabriques": 2, "formations": 3, "apprenants": 60},
        "2": {"fabriques": 1, "formations": 2, "apprenants": 40},
    }
    # Cybersécurité: A, B, E of f1, 30 learners, 10 women, 15 NEET; « non renseigné » last although larger.
    assert s["par_metier"] == {
        "Cybersécurité": {
            "formations": 3,
            "fabriques": 1,
            "apprenants": 30,
            "part_femmes": pytest.approx(1 / 3),
            "part_neet": pytest.approx(0.5),
        },
        "Médiation numérique": {
            "formations": 1,
            "fabriques": 1,
            "apprenants": 30,
            "part_femmes": pytest.approx(1 / 3),
            "part_neet": pytest.approx(2 / 3),
        },
        "non renseigné": {
            "formations": 1,
            "fabriques": 1,
            "apprenants": 40,
            "part_femmes": pytest.approx(0.3),
            "part_neet": pytest.approx(0.625),
        },
    }


def test_shares_are_null_without_learners(rows):
    s = metrics.summary_figures(rows[rows["apprenants"] == 0])
    assert s["part_femmes"] is None and s["part_neet"] is None


def test_figures_by_departement(rows):
    table = metrics.figures_by_territory(rows).set_index("code")
    assert len(table) == 101
    assert table.loc["93", ["fabriques", "formations", "apprenants"]].tolist() == [1, 3, 30]
    assert table.loc["93", "part_femmes"] == pytest.approx(10 / 30)
    assert table.loc["93", "apprenants_pour_100k"] == round(
        30 / table.loc["93", "population"] * 1e5, 1
    )
    # a white zone
    assert table.loc["01", "fabriques"] == 0 and pd.isna(table.loc["01", "part_femmes"])
    regions = metrics.figures_by_territory(rows, "region").set_index("code")
    assert (
        len(regions) == 18
        and regions.loc["11", "fabriques"] == 2
        and regions.loc["11", "apprenants"] == 60
    )


def test_progress_by_wave(rows):
    targets = load_targets()
    table = metrics.progress_by_wave(rows, targets).set_index("vague")
    assert table["nouvelles_fabriques"].tolist() == [2, 1]
    assert table["fabriques_cumulees"].tolist() == [2, 3]
    assert table["apprenants_cumules"].tolist() == [60, 100]
    assert table.loc[2, "taux_fabriques"] == pytest.approx(3 / 200)
    assert table.loc[2, "taux_apprenants"] == pytest.approx(100 / 10_000)
    assert table.loc[1, "subvention_eur"] == 6000 and table.loc[
        1, "taux_enveloppe"
    ] == pytest.approx(6000 / 5e6)
    assert table.loc[2, "enveloppe_eur"] == 10e6


def test_quota_shares(rows):
    q = metrics.quota_shares(rows, load_targets())
    assert q.loc["femmes", "part"] == pytest.approx(0.32) and q.loc["femmes", "atteint"]
    assert q.loc["neet", "part"] == pytest.approx(0.60) and q.loc["neet", "atteint"]
    assert q.loc["neet", "quota"] == 0.5


def test_fabriques_of(rows):
    rows = rows.assign(
        nom_fabrique=["Un", "Un", "Deux", "Trois", "Un"],
        porteur=None,
        commune=None,
        code_commune=None,
        latitude=rows.geometry.y,
        longitude=rows.geometry.x,
    )
    fab = metrics.fabriques_of(rows).set_index("cle_fabrique")
    assert fab.loc["f1", ["formations", "apprenants", "vague"]].tolist() == [3, 30, 1]
    assert fab.loc["f1", "part_femmes"] == pytest.approx(10 / 30)


def test_pace_projection_and_need():
    history = pd.Series(
        [4000, 6000, 8000], index=[date(2016, 1, 1), date(2016, 7, 1), date(2017, 1, 1)]
    )
    p = trend.pace(history, 10_000, date(2017, 12, 31))
    assert p.per_month == pytest.approx(
        4000 / ((date(2017, 1, 1) - date(2016, 1, 1)).days / 30.4375), rel=1e-3
    )
    assert (
        p.projected_date == date(2017, 7, 1) or abs((p.projected_date - date(2017, 7, 1)).days) <= 2
    )
    assert p.needed_per_month == pytest.approx(2000 / (364 / 30.4375))
    assert not p.reached
    assert trend.pace(
        pd.Series([12_000], index=[date(2017, 1, 1)]), 10_000, date(2017, 12, 31)
    ).reached
    crawling = pd.Series([10, 10, 11], index=[date(2016, 1, 1), date(2016, 7, 1), date(2017, 1, 1)])
    # not in this century
    assert trend.pace(crawling, 10_000, date(2017, 12, 31)).projected_date is None
    flat = pd.Series([10, 10], index=[date(2016, 1, 1), date(2017, 1, 1)])
    assert trend.pace(flat, 10_000, date(2017, 12, 31)).projected_date is None


def test_same_figures_through_the_reader():
    data = make_csv(
        [
            row(),
            row(
                id_formation="F2",
                vague="2",
                apprenants="10",
                apprenants_femmes="4",
                apprenants_neet="5",
            ),
        ]
    )
    s = metrics.summary_figures(read_snapshot(data).rows)
    assert (s["fabriques"], s["apprenants"], s["apprenants_femmes"]) == (1, 30, 10)
    assert s["par_vague"] == {
        "1": {"fabriques": 1, "formations": 1, "apprenants": 20},
        "2": {"fabriques": 0, "formations": 1, "apprenants": 10},
    }


TABLE = pd.DataFrame(
    __import__("gen_dash.geo", fromlist=["x"]).load_departements().drop(columns="geometry")
)


def test_territory_figures_of_the_hand_file(hand):
    """Counted by hand: Toulouse (F1, F2: fabrique A) and Muret (F3: B) in 31, Montpellier (F4: C) in 34, Paris (F5:
    D, F6: E) in 75."""
    table = trend.territory_figures(hand).set_index(["niveau", "code"])
    assert table.reset_index()[["niveau", "code"]].values.tolist() == [
        ["france", ""],
        ["region", "11"],
        ["region", "76"],
        ["departement", "31"],
        ["departement", "34"],
        ["departement", "75"],
    ]
    assert table[trend.COUNTED].astype(int).values.tolist() == [
        [5, 6, 140, 41, 76, 3],
        [2, 2, 70, 20, 39, 1],
        [3, 4, 70, 21, 37, 2],
        [2, 3, 45, 11, 25, 1],
        [1, 1, 25, 10, 12, 1],
        [2, 2, 70, 20, 39, 1],
    ]


def test_territory_figures_of_a_list_say_learners_unknown_not_zero(hand):
    listed = read_snapshot(
        hand_csv(apprenants="", apprenants_femmes="", apprenants_neet=""), "liste.csv"
    ).rows
    table = trend.territory_figures(listed)
    assert table[["fabriques", "formations", "departements_couverts"]].values.tolist() == [
        [5, 6, 3],
        [2, 2, 1],
        [3, 4, 2],
        [2, 3, 1],
        [1, 1, 1],
        [2, 2, 1],
    ]
    assert table[["apprenants", "apprenants_femmes", "apprenants_neet"]].isna().all().all()
    assert trend.territory_figures(listed.iloc[:0])[trend.COUNTED].values.tolist() == [
        [0, 0, 0, 0, 0, 0]
    ]


_PLACES = ["31555", "31395", "34172", "75056", "93048", "2A004", "97411", "29019"]


@given(
    lines=hyp.lists(
        hyp.tuples(
            hyp.sampled_from(_PLACES),
            hyp.sampled_from(["A", "B", "C", "D"]),
            hyp.integers(0, 60),
            hyp.integers(0, 30),
        ),
        max_size=12,
    ),
    listed=hyp.booleans(),
)
@settings(max_examples=40, deadline=None)
def test_territory_figures_equal_the_summary_of_each_territory(lines, listed):
    """An independent computation: the contract's summary of the rows of each région and département (a file gives
    every count or, a list, none)."""
    data = make_csv(
        [
            row(
                id_formation=f"F{i}",
                code_commune=place,
                nom_fabrique=f"Fabrique {name}",
                apprenants="" if listed else str(n),
                apprenants_femmes="" if listed else str(min(w, n)),
                apprenants_neet="" if listed else str(min(2 * w, n)),
            )
            for i, (place, name, n, w) in enumerate(lines)
        ]
        or [row()]
    )
    rows = read_snapshot(data, "x.csv").rows
    for line in trend.territory_figures(rows).to_dict("records"):
        column = {"france": None, "region": "code_region", "departement": "code_departement"}[
            line["niveau"]
        ]
        summary = metrics.summary_figures(
            rows if column is None else rows[rows[column] == line["code"]]
        )
        assert {k: None if pd.isna(line[k]) else int(line[k]) for k in trend.COUNTED} == {
            k: summary[k]
            for k in (
                "fabriques",
                "formations",
                "apprenants",
                "apprenants_femmes",
                "apprenants_neet",
                "departements_couverts",
            )
        }


def test_share_of_boursiers_by_hand():
    # Montreuil (93): 20 and 10 learners, 5 and 3 of them receiving the aid; Toulouse (31): 10 learners, 1.
    rows = read_snapshot(
        make_csv(
            [
                row(apprenants_boursiers="5"),
                row(
                    id_formation="F2",
                    apprenants="10",
                    apprenants_femmes="2",
                    apprenants_neet="4",
                    apprenants_boursiers="3",
                ),
                row(
                    id_formation="F3",
                    code_commune="31555",
                    apprenants="10",
                    apprenants_femmes="2",
                    apprenants_neet="4",
                    apprenants_boursiers="1",
                ),
            ]
        )
    ).rows
    figures = metrics.figures_by_territory(rows).set_index("code")
    assert figures.loc["93", "part_boursiers"] == pytest.approx(8 / 30)
    assert figures.loc["31", "part_boursiers"] == pytest.approx(1 / 10)
    assert pd.isna(figures.loc["29", "part_boursiers"])  # no learner in Finistère: no share, not 0
    assert metrics.reported_share(rows, "part_boursiers") == pytest.approx(9 / 40)
    without = read_snapshot(make_csv([row()])).rows
    # a file without the column says nothing
    assert "part_boursiers" not in metrics.figures_by_territory(without)
    assert "part_boursiers" not in metrics.reported(without)
