"""Figures on tiny fixtures, checked against values computed by hand."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from gen_dash import metrics
from gen_dash.ingest import read_snapshot
from gen_dash.targets import load_targets
from tests.conftest import make_csv, row


@pytest.fixture
def rows() -> gpd.GeoDataFrame:
    """Five formations, three fabriques, two waves, two régions (explicit CRS)."""
    data = pd.DataFrame({
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
    })
    points = [Point(2.45, 48.86), Point(2.45, 48.86), Point(2.35, 48.85), Point(55.5, -21.1), Point(2.45, 48.86)]
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
    assert s["par_vague"] == {"1": {"fabriques": 2, "formations": 3, "apprenants": 60},
                              "2": {"fabriques": 1, "formations": 2, "apprenants": 40}}


def test_shares_are_null_without_learners(rows):
    s = metrics.summary_figures(rows[rows["apprenants"] == 0])
    assert s["part_femmes"] is None and s["part_neet"] is None


def test_filter_territory(rows):
    assert metrics.filter_territory(rows, region="11")["id_formation"].tolist() == ["A", "B", "C", "E"]
    assert metrics.filter_territory(rows, region="11", departements=["75"])["id_formation"].tolist() == ["C"]
    assert len(metrics.filter_territory(rows)) == 5
    regions = metrics.figures_by_territory(rows, "region")
    assert metrics.filter_territory(regions, region="04")["code"].tolist() == ["04"]


def test_figures_by_departement(rows):
    table = metrics.figures_by_territory(rows).set_index("code")
    assert len(table) == 101
    assert table.loc["93", ["fabriques", "formations", "apprenants"]].tolist() == [1, 3, 30]
    assert table.loc["93", "part_femmes"] == pytest.approx(10 / 30)
    assert table.loc["93", "apprenants_pour_100k"] == round(30 / table.loc["93", "population"] * 1e5, 1)
    assert table.loc["01", "fabriques"] == 0 and pd.isna(table.loc["01", "part_femmes"])  # a white zone
    regions = metrics.figures_by_territory(rows, "region").set_index("code")
    assert len(regions) == 18 and regions.loc["11", "fabriques"] == 2 and regions.loc["11", "apprenants"] == 60


def test_progress_by_wave(rows):
    targets = load_targets()
    table = metrics.progress_by_wave(rows, targets).set_index("vague")
    assert table["nouvelles_fabriques"].tolist() == [2, 1]
    assert table["fabriques_cumulees"].tolist() == [2, 3]
    assert table["apprenants_cumules"].tolist() == [60, 100]
    assert table.loc[2, "taux_fabriques"] == pytest.approx(3 / 200)
    assert table.loc[2, "taux_apprenants"] == pytest.approx(100 / 10_000)
    assert table.loc[1, "subvention_eur"] == 6000 and table.loc[1, "taux_enveloppe"] == pytest.approx(6000 / 5e6)
    assert table.loc[2, "enveloppe_eur"] == 10e6


def test_quota_shares(rows):
    q = metrics.quota_shares(rows, load_targets())
    assert q.loc["femmes", "part"] == pytest.approx(0.32) and q.loc["femmes", "atteint"]
    assert q.loc["neet", "part"] == pytest.approx(0.60) and q.loc["neet", "atteint"]
    assert q.loc["neet", "quota"] == 0.5


def test_fabriques_of(rows):
    rows = rows.assign(nom_fabrique=["Un", "Un", "Deux", "Trois", "Un"], porteur=None, commune=None, code_commune=None,
                       latitude=rows.geometry.y, longitude=rows.geometry.x)
    fab = metrics.fabriques_of(rows).set_index("cle_fabrique")
    assert fab.loc["f1", ["formations", "apprenants", "vague"]].tolist() == [3, 30, 1]
    assert fab.loc["f1", "part_femmes"] == pytest.approx(10 / 30)


def test_pace_projection_and_need():
    history = pd.Series([4000, 6000, 8000], index=[date(2016, 1, 1), date(2016, 7, 1), date(2017, 1, 1)])
    p = metrics.pace(history, 10_000, date(2017, 12, 31))
    assert p.per_month == pytest.approx(4000 / ((date(2017, 1, 1) - date(2016, 1, 1)).days / 30.4375), rel=1e-3)
    assert p.projected_date == date(2017, 7, 1) or abs((p.projected_date - date(2017, 7, 1)).days) <= 2
    assert p.needed_per_month == pytest.approx(2000 / (364 / 30.4375))
    assert not p.reached
    assert metrics.pace(pd.Series([12_000], index=[date(2017, 1, 1)]), 10_000, date(2017, 12, 31)).reached
    crawling = pd.Series([10, 10, 11], index=[date(2016, 1, 1), date(2016, 7, 1), date(2017, 1, 1)])
    assert metrics.pace(crawling, 10_000, date(2017, 12, 31)).projected_date is None  # not in this century
    flat = pd.Series([10, 10], index=[date(2016, 1, 1), date(2017, 1, 1)])
    assert metrics.pace(flat, 10_000, date(2017, 12, 31)).projected_date is None


def test_same_figures_through_the_reader():
    data = make_csv([row(), row(id_formation="F2", vague="2", apprenants="10", apprenants_femmes="4", apprenants_neet="5")])
    s = metrics.summary_figures(read_snapshot(data).rows)
    assert (s["fabriques"], s["apprenants"], s["apprenants_femmes"]) == (1, 30, 10)
    assert s["par_vague"] == {"1": {"fabriques": 1, "formations": 1, "apprenants": 20},
                              "2": {"fabriques": 0, "formations": 1, "apprenants": 10}}
