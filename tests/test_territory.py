"""gen_dash.territory: the territory on screen, its denominators, and the shareable link."""

from __future__ import annotations

import pandas as pd
import pytest

from gen_dash import geo
from gen_dash.territory import Territory

TABLE = pd.DataFrame(geo.load_departements().drop(columns="geometry"))


@pytest.mark.parametrize(
    "region, deps, expected_region, expected_deps, notice",
    [
        ("32", "59,62", "32", ("59", "62"), None),
        (None, "59", "32", ("59",), None),  # the région follows the first département
        (None, "974", "04", ("974",), None),
        ("32", "59,2A", "32", ("59",), "« 2A » inconnu(s) ou hors de la région"),
        (None, "59,2A", "32", ("59",), "« 2A »"),
        ("99", None, None, (), "région « 99 » inconnue"),
        ("99", "29", "53", ("29",), "région « 99 » inconnue"),
        (None, "xx, ,", None, (), "« xx »"),
        (None, None, None, (), None),
    ],
)
def test_from_link(region, deps, expected_region, expected_deps, notice):
    territory, notices = Territory.from_link(region, deps, TABLE)
    assert (territory.region, territory.departements) == (expected_region, expected_deps)
    if notice:
        assert any(notice in n for n in notices), notices
    else:
        assert notices == []


@pytest.mark.parametrize(
    "region, deps, label, count, covered_2, slug, query",
    [
        (
            None,
            (),
            "France entière",
            101,
            "2 sur 101 départements",
            "france",
            {"region": None, "dep": None, "epci": None},
        ),
        (
            "76",
            (),
            "Occitanie",
            13,
            "2 sur 13 départements de la région",
            "76",
            {"region": "76", "dep": None, "epci": None},
        ),
        (
            "76",
            ("31",),
            "Haute-Garonne (31)",
            1,
            "couvert",
            "31",
            {"region": "76", "dep": "31", "epci": None},
        ),
        (
            "76",
            ("31", "34"),
            "Haute-Garonne (31), Hérault (34)",
            2,
            "2 sur 2 départements choisis",
            "31-34",
            {"region": "76", "dep": "31,34", "epci": None},
        ),
        (
            "53",
            (),
            "Bretagne",
            4,
            "2 sur 4 départements de la région",
            "53",
            {"region": "53", "dep": None, "epci": None},
        ),
    ],
)
def test_denominators_labels_and_link(region, deps, label, count, covered_2, slug, query):
    territory = Territory.of(region, deps, TABLE)
    assert (
        territory.label == label
        and len(territory.codes) == count
        and territory.covered(2) == covered_2
    )
    assert territory.slug == slug and territory.to_query() == query
    assert territory.national == (region is None)
    assert (
        territory.focus is None
        if region is None
        else sorted(territory.focus) == sorted(territory.codes)
    )


def test_one_departement_says_covered_or_not():
    assert Territory.of("76", ("31",), TABLE).covered(0) == "non couvert"
    # Guadeloupe: a région of one département
    assert Territory.of("01", (), TABLE).covered(1) == "couvert"


def test_population_is_the_sum_of_its_departements():
    # Populations of the reference file (INSEE), Bretagne's four départements.
    bretagne = Territory.of("53", (), TABLE)
    assert (
        bretagne.population
        == int(TABLE.loc[TABLE["code_region"] == "53", "population"].sum())
        > 3_000_000
    )
    assert Territory.of(None, (), TABLE).population > 60_000_000


def test_apply_keeps_the_territory_rows_of_any_table():
    rows = pd.DataFrame({"code_departement": ["31", "34", "75", "31"], "x": [1, 2, 3, 4]})
    assert Territory.of("76", (), TABLE).apply(rows)["x"].tolist() == [1, 2, 4]
    assert Territory.of("76", ("34",), TABLE).apply(rows)["x"].tolist() == [2]
    assert Territory.of(None, (), TABLE).apply(rows)["x"].tolist() == [1, 2, 3, 4]
    figures = pd.DataFrame({"code": ["31", "75"], "y": [5, 6]})
    assert Territory.of("11", (), TABLE).apply(figures, "code")["y"].tolist() == [6]


# Three EPCI written by hand, with an explicit reference table: one spans two départements of two régions.
EPCIS = pd.DataFrame(
    {
        "code_epci": ["200000001", "200000002", "200000003"],
        "nom_epci": ["CA des Deux Rives", "Métropole du Fleuve", "CC du Plateau"],
        "population": [50_000, 400_000, 8_000],
        "departements": [("31", "32"), ("31",), ("09",)],
        "regions": [("76",), ("76",), ("76",)],
        "code_region": ["76", "76", "76"],
    }
)
EPCIS_ACROSS = EPCIS.assign(
    departements=[("31", "47"), ("31",), ("09",)],
    regions=[("75", "76"), ("76",), ("76",)],
    code_region=["75", "76", "76"],
)


def test_an_epci_is_its_communes_and_says_it_straddles():
    territory = Territory.of_epci("200000001", None, TABLE, EPCIS)
    assert (territory.label, territory.codes, territory.population) == (
        "CA des Deux Rives",
        ("31", "32"),
        50_000,
    )
    assert (
        territory.straddles == "à cheval sur 2 départements"
        and territory.single
        and not territory.national
    )
    assert territory.slug == "epci-200000001"
    assert territory.to_query() == {"region": "76", "dep": None, "epci": "200000001"}
    assert territory.covered(1) == "couvert" and territory.covered(0) == "non couvert"
    assert Territory.of_epci("200000002", "76", TABLE, EPCIS).straddles == ""


def test_an_epci_across_two_regions_keeps_the_region_it_was_chosen_in():
    assert Territory.of_epci("200000001", "76", TABLE, EPCIS_ACROSS).region == "76"
    # Without a région, or with one it does not lie in: where most of its inhabitants live.
    assert Territory.of_epci("200000001", None, TABLE, EPCIS_ACROSS).region == "75"
    assert Territory.of_epci("200000001", "11", TABLE, EPCIS_ACROSS).region == "75"
    assert (
        Territory.of_epci("200000001", None, TABLE, EPCIS_ACROSS).straddles
        == "à cheval sur 2 départements"
    )


def test_apply_an_epci_keeps_its_rows_and_its_departements():
    rows = pd.DataFrame(
        {
            "code_departement": ["31", "32", "31", "09"],
            "code_epci": ["200000001", "200000001", "200000002", None],
            "x": [1, 2, 3, 4],
        }
    )
    epci = Territory.of_epci("200000001", None, TABLE, EPCIS)
    assert epci.apply(rows)["x"].tolist() == [1, 2]
    # A table of départements has no EPCI column: every département it lies in.
    figures = pd.DataFrame({"code": ["31", "32", "09"], "y": [5, 6, 7]})
    assert epci.apply(figures, "code")["y"].tolist() == [5, 6]


@pytest.mark.parametrize(
    "region, deps, epci, expected, notice",
    [
        (None, None, "200000002", ("76", "200000002", "Métropole du Fleuve"), None),
        # the EPCI wins over the départements
        (
            "76",
            "31",
            "200000002",
            ("76", "200000002", "Métropole du Fleuve"),
            None,
        ),
        (None, None, "123", ("76", None, "Occitanie"), "EPCI « 123 » inconnu"),
        ("76", None, "abc", ("76", None, "Occitanie"), "EPCI « abc » inconnu"),
    ],
)
def test_from_link_with_an_epci(region, deps, epci, expected, notice):
    territory, notices = Territory.from_link(region or "76", deps, TABLE, epci, EPCIS)
    assert (territory.region, territory.epci, territory.label) == expected
    assert notices == ([] if notice is None else [n for n in notices if notice in n])
    assert bool(notices) == (notice is not None)
