"""gen_dash.coverage: exact great-circle distances, indicators by hand, greedy site choice against the exact optimum."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from gen_dash import coverage
from tests.conftest import ROOT
from tests.support.cli import run_cli


def haversine_km(lon1, lat1, lon2, lat2, radius=6371.0088):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


@pytest.mark.parametrize(
    "a, b, km",
    [
        ((2.3522, 48.8566), (4.8357, 45.7640), 391.5),  # Paris – Lyon
        ((55.4504, -20.8823), (55.4781, -21.3393), 50.9),  # Saint-Denis – Saint-Pierre (La Réunion)
        # Pointe-à-Pitre – Fort-de-France (two DROM)
        (
            (-61.5333, 16.2411),
            (-61.0588, 14.6161),
            187.7,
        ),
    ],
)
def test_great_circle_distances(a, b, km):
    communes = pd.DataFrame({"lon": [a[0]], "lat": [a[1]]})
    computed = coverage.nearest_fabrique(
        communes, pd.DataFrame({"longitude": [b[0]], "latitude": [b[1]]})
    )["distance_km"][0]
    assert computed == pytest.approx(haversine_km(*a, *b), abs=1e-6)
    assert round(computed, 1) == km


def communes_fixture() -> pd.DataFrame:
    # Four communes on the equator-free metropolitan grid, 0.1° of latitude ≈ 11.1 km apart.
    return pd.DataFrame(
        {
            "code_commune": ["A", "B", "C", "D"],
            "nom_commune": ["A", "B", "C", "D"],
            "code_departement": ["01", "01", "02", "02"],
            "code_region": ["84", "84", "32", "32"],
            "population": [1000, 3000, 500, 6000],
            "lon": [2.0, 2.0, 2.0, 2.0],
            "lat": [45.0, 45.1, 45.3, 46.0],
        }
    )


def test_nearest_fabrique_and_indicators_by_hand():
    fabriques = pd.DataFrame(
        {"longitude": [2.0, np.nan], "latitude": [45.0, np.nan], "code_departement": ["01", "03"]}
    )
    d = coverage.nearest_fabrique(communes_fixture(), fabriques)
    step = haversine_km(2.0, 45.0, 2.0, 45.1)
    assert d["distance_km"].tolist() == pytest.approx([0, step, 3 * step, 10 * step], rel=1e-6)
    totals = coverage.coverage_indicators(d, radius_km=20)
    assert totals["population"] == 10_500 and totals["population_couverte"] == 4000
    assert totals["part_couverte"] == pytest.approx(4000 / 10_500)
    # Weighted by population: 1000 at 0, 3000 at 1 step, 500 at 3 steps, 6000 at 10 steps.
    # half of 10 500 is reached only with D
    assert totals["distance_mediane_km"] == pytest.approx(10 * step)
    by_dep = coverage.coverage_indicators(d, 20, by="code_departement")
    assert by_dep.loc["01", "part_couverte"] == 1.0 and by_dep.loc["02", "part_couverte"] == 0.0
    assert coverage.departements_without_fabrique(fabriques, ["01", "02", "03"]) == ["02"]
    assert coverage.uncovered_communes(d, 20)["code_commune"].tolist() == ["D", "C"]


def test_coverage_summary_says_what_the_page_shows():
    """Within 20 km of the one fabrique (A): A and B (4 000 inhabitants); C (500) and D (6 000) beyond, D alone drawn
    at 2 000 inhabitants or more; département 02 has no fabrique, 01 has."""
    fabriques = pd.DataFrame({"longitude": [2.0], "latitude": [45.0], "code_departement": ["01"]})
    d = coverage.nearest_fabrique(communes_fixture(), fabriques)
    summary = coverage.coverage_summary(d, fabriques, ["01", "02"], 20)
    assert (
        summary["totals"]["population_couverte"] == 4000
        and summary["totals"]["population"] == 10_500
    )
    assert (summary["uncovered"], summary["uncovered_population"]) == (2, 6500)
    assert summary["drawn"]["code_commune"].tolist() == ["D"] and summary["white"] == ["02"]
    assert summary["by_departement"].set_index("code")["part_couverte"].to_dict() == {
        "01": 1.0,
        "02": 0.0,
    }


def test_greedy_picks_the_obvious_sites():
    rng = np.random.default_rng(0)
    # Two dense towns far apart and a scattered countryside: the towns' centres win, biggest first.
    town_a = pd.DataFrame(
        {
            "lon": 2.0 + rng.normal(0, 0.02, 30),
            "lat": 47.0 + rng.normal(0, 0.02, 30),
            "population": 6000,
        }
    )
    town_b = pd.DataFrame(
        {
            "lon": 5.0 + rng.normal(0, 0.02, 20),
            "lat": 44.0 + rng.normal(0, 0.02, 20),
            "population": 6000,
        }
    )
    rural = pd.DataFrame(
        {"lon": rng.uniform(0, 8, 40), "lat": rng.uniform(42, 50, 40), "population": 200}
    )
    communes = pd.concat([town_a, town_b, rural], ignore_index=True)
    communes["code_commune"] = [f"{i:05d}" for i in range(len(communes))]
    communes["nom_commune"] = communes["code_commune"]
    communes["code_departement"] = ["01"] * 30 + ["02"] * 20 + ["03"] * 40
    fabriques = pd.DataFrame({"longitude": [], "latitude": [], "code_departement": []})
    picks = coverage.suggest_sites(communes, fabriques, k=2, radius_km=15, min_population=5000)
    assert picks["code_departement"].tolist() == ["01", "02"]
    assert picks["population_gagnee"].tolist() == [30 * 6000, 20 * 6000]
    first_white = coverage.suggest_sites(
        communes, fabriques, k=3, radius_km=15, min_population=5000, one_per_departement=True
    )
    # the rural département gets one too
    assert sorted(first_white["code_departement"]) == [
        "01",
        "02",
        "03",
    ]


@pytest.mark.parametrize("seed", range(6))
def test_greedy_and_exact_against_brute_force(seed):
    """Both solvers against every choice of k sites, covered population counted here with haversine distances."""
    rng = np.random.default_rng(seed)
    n, k, radius = 14, 2, 40
    communes = pd.DataFrame(
        {
            "lon": rng.uniform(0, 2, n),
            "lat": rng.uniform(45, 46.5, n),
            "population": rng.integers(100, 20_000, n),
        }
    )
    communes["code_commune"] = communes.index.astype(str)
    communes["code_departement"] = "01"
    fabriques = pd.DataFrame({"longitude": [1.0], "latitude": [45.7], "code_departement": ["01"]})
    lon, lat, people = (
        communes["lon"].tolist(),
        communes["lat"].tolist(),
        communes["population"].tolist(),
    )
    uncovered = [i for i in range(n) if haversine_km(lon[i], lat[i], 1.0, 45.7) > radius]

    def covered_by(sites) -> float:
        return float(
            sum(
                people[i]
                for i in uncovered
                if any(haversine_km(lon[i], lat[i], lon[s], lat[s]) <= radius for s in sites)
            )
        )

    # every commune a candidate
    instance = coverage.covering_instance(communes, fabriques, radius_km=radius)
    best = max(covered_by(c) for c in itertools.combinations(range(n), k))
    chosen, optimum = coverage.exact_cover(instance, k)
    assert optimum == pytest.approx(best) and covered_by(
        instance.candidates[chosen]
    ) == pytest.approx(best)
    picks = coverage.greedy_cover(instance, k)
    sites = instance.candidates[[p for p, _ in picks]]
    # the gains it claims are the ones it makes
    assert sum(g for _, g in picks) == pytest.approx(covered_by(sites))
    assert covered_by(sites) >= (1 - 1 / math.e) * best  # the greedy guarantee for maximal covering


def test_cli_coverage_json(tmp_path):
    latest = str(ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv")
    result = run_cli("coverage", latest, "--suggest", "3", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == [
        "rayon_km",
        "population",
        "population_couverte",
        "part_couverte",
        "departements_sans_fabrique",
        "suggestions",
    ]
    assert out["rayon_km"] == 30 and out["population"] == 68_350_798
    assert 0 < out["population_couverte"] < out["population"] and out[
        "part_couverte"
    ] == pytest.approx(out["population_couverte"] / out["population"], abs=1e-6)
    assert len(out["suggestions"]) == 3 and set(out["suggestions"][0]) == {
        "code_commune",
        "nom_commune",
        "code_departement",
        "population_gagnee",
    }
    gains = [s["population_gagnee"] for s in out["suggestions"]]
    assert gains == sorted(gains, reverse=True)
    none = run_cli("coverage", latest, "--json")
    assert json.loads(none.stdout)["suggestions"] == []
    bad = tmp_path / "vide.csv"
    bad.write_bytes(b"")
    refused = run_cli("coverage", str(bad), "--json")
    assert refused.returncode == 2 and "erreur" in json.loads(refused.stdout)


def test_coverage_by_epci_by_hand():
    """Three communes of EPCI A (10, 20, 30 inhabitants at 5, 10, 40 km), one of B out of reach, one without EPCI."""
    import numpy as np

    distances = pd.DataFrame(
        {
            "code_epci": ["A", "A", "A", "B", None],
            "population": [10.0, 20.0, 30.0, 5.0, 99.0],
            "distance_km": [5.0, 10.0, 40.0, np.inf, 1.0],
        }
    )
    table = coverage.coverage_by_epci(distances, 30).set_index("code")
    assert list(table.index) == ["B", "A"]  # the lowest share first
    assert table.loc[
        "A", ["population", "population_couverte", "part_couverte", "distance_mediane_km"]
        # half of 60 is reached at 10 + 20 inhabitants, 10 km away
    ].tolist() == [
        60.0,
        30.0,
        0.5,
        10.0,
    ]
    assert table.loc["B", "part_couverte"] == 0.0 and pd.isna(table.loc["B", "distance_mediane_km"])
    # No fabrique at all: every share 0, no median, nothing raised.
    nowhere = coverage.coverage_by_epci(distances.assign(distance_km=np.inf), 30)
    assert (
        nowhere["part_couverte"].tolist() == [0.0, 0.0]
        and nowhere["distance_mediane_km"].isna().all()
    )
