"""gen_dash.key_figures: the headline figures of a territory worked out by hand (tests/conftest.py), what each is
measured against, the sanity notices, the territory beside the nation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from gen_dash import key_figures, metrics, trend
from gen_dash.ingest import read_snapshot
from gen_dash.targets import load_targets
from gen_dash.territory import Territory
from tests.conftest import ROOT, make_csv

ROOT_TARGETS = ROOT / "data" / "targets.toml"

TABLE = pd.DataFrame(
    __import__("gen_dash.geo", fromlist=["x"]).load_departements().drop(columns="geometry")
)


def _headline(hand, region=None, deps=()):
    territory = Territory.of(region, deps, TABLE)
    table = key_figures.headline_figures(territory.apply(hand), load_targets(), territory, hand)
    return {key: (line["valeur"], line["repere"]) for key, line in table.iterrows()}


def test_headline_france_against_the_targets(hand):
    figures = _headline(hand)
    assert figures["fabriques"] == (5, "2,5\u00a0% de l'objectif (200)")
    assert figures["apprenants"] == (140, "1,4\u00a0% de l'objectif (10\u202f000)")
    assert figures["part_femmes"][1] == "0,7\u00a0point sous le quota de 30\u00a0%"
    assert figures["part_neet"][1] == "4,3\u00a0points au-dessus du quota de 50\u00a0%"
    assert figures["departements_couverts"] == (3, "3 sur 101 départements")
    assert figures["budget"] == (
        70_000.0,
        "0,5\u00a0% de l'enveloppe (15\u202f000\u202f000\u00a0€)",
    )


def test_headline_region_against_the_nation_and_its_own_departements(hand):
    figures = _headline(hand, "76")
    assert figures["fabriques"] == (3, "60,0\u00a0% du total national")
    assert figures["apprenants"] == (70, "50,0\u00a0% du total national")
    assert figures["part_femmes"] == (pytest.approx(0.30), "au quota de 30\u00a0%")
    assert figures["part_neet"][1] == "2,9\u00a0points au-dessus du quota de 50\u00a0%"
    assert figures["departements_couverts"] == (2, "2 sur 13 départements de la région")
    assert figures["budget"] == (35_000.0, "50,0\u00a0% du total national")


def test_headline_one_departement(hand):
    figures = _headline(hand, "76", ("31",))
    assert figures["fabriques"] == (2, "40,0\u00a0% du total national")
    assert figures["apprenants"] == (45, "32,1\u00a0% du total national")
    assert figures["part_femmes"][1] == "5,6\u00a0points sous le quota de 30\u00a0%"
    assert figures["departements_couverts"] == (1, "")
    assert figures["budget"] == (23_000.0, "32,9\u00a0% du total national")
    assert _headline(hand, "76", ("11",)) != figures  # a département of another région is not taken


def test_sanity_notices_name_their_rule(hand):
    targets = load_targets()
    france = Territory.of(None, (), TABLE)
    assert (
        key_figures.sanity_notices(key_figures.headline_figures(hand, targets, france), france)
        == []
    )
    paris = Territory.of("11", (), TABLE)  # exactly half of the learners: not more than half
    assert (
        key_figures.sanity_notices(
            key_figures.headline_figures(paris.apply(hand), targets, paris, hand), paris
        )
        == []
    )
    occitanie = Territory.of("76", (), TABLE)
    bigger = hand.assign(apprenants=hand["apprenants"].where(hand["code_region"] != "76", 100))
    headline = key_figures.headline_figures(occitanie.apply(bigger), targets, occitanie, bigger)
    notices = key_figures.sanity_notices(headline, occitanie)
    assert notices == [
        "Occitanie compte 85,1\u00a0% des apprenants du pays ; règle : un territoire qui en compte plus de "
        "50\u00a0%."
    ]
    # 140 000 learners for a target of 10 000
    huge = hand.assign(apprenants=hand["apprenants"] * 1000)
    notices = key_figures.sanity_notices(
        key_figures.headline_figures(huge, targets, france), france
    )
    assert notices == [
        "Apprenants : 140\u202f000, soit 1\u202f400,0\u00a0% de la cible ; règle : plus de 200\u00a0% "
        "d'une cible."
    ]


def test_progress_of_a_territory_is_set_against_the_nation(hand):
    occitanie = Territory.of("76", (), TABLE)
    table = metrics.progress_by_wave(occitanie.apply(hand), load_targets(), hand).set_index("vague")
    # a territory has no envelope nor target
    assert "enveloppe_eur" not in table and "taux_fabriques" not in table
    assert table["fabriques_cumulees"].tolist() == [2, 3]
    assert table["part_fabriques"].tolist() == [pytest.approx(2 / 3), pytest.approx(3 / 5)]
    assert table["part_subvention"].tolist() == [
        pytest.approx(18_000 / 38_000),
        pytest.approx(17_000 / 32_000),
    ]


def test_overspend_of_a_wave_is_shown(hand):
    # wave 1: 5 091 626 €
    over = hand.assign(subvention_eur=[5_091_626.0 - 28_000, 0, 0, 0, 28_000.0, 0])
    table = metrics.progress_by_wave(over, load_targets()).set_index("vague")
    assert table.loc[1, "subvention_eur"] == 5_091_626.0
    assert table.loc[1, "depassement_eur"] == 91_626.0 and table.loc[2, "depassement_eur"] == 0.0


def test_figures_over_time_of_a_territory(hand):
    occitanie = Territory.of("76", (), TABLE)
    out = trend.figures_over_time(
        [(date(2017, 6, 30), hand), (date(2016, 1, 1), hand.iloc[:1])], occitanie
    )
    assert out.index.tolist() == [date(2016, 1, 1), date(2017, 6, 30)]
    assert out["apprenants"].tolist() == [20, 70] and out["departements_couverts"].tolist() == [
        1,
        2,
    ]


def test_compare_with_nation_says_shares_against_their_quota(hand):
    occitanie = Territory.of("76", (), TABLE)
    table = key_figures.compare_with_nation(occitanie.apply(hand), hand, load_targets(), occitanie)
    assert table.loc["apprenants", ["territoire", "france"]].tolist() == [70, 140]
    assert table.loc["apprenants", "part_du_national"] == pytest.approx(0.5)
    assert (
        table.loc["part_femmes", "quota"] == "au quota de 30\u00a0%"
        and table.loc["fabriques", "quota"] == ""
    )


def test_one_epci_is_set_beside_the_nation_s_covered_epci_not_its_departements(hand):
    """By hand: the six formations are in Toulouse Métropole (two), Le Muretain Agglo, Montpellier Méditerranée
    Métropole and the Métropole du Grand Paris (two): 4 EPCI covered in France, in 3 départements."""
    epcis = __import__("gen_dash.epci", fromlist=["x"]).epci_table()
    toulouse = Territory.of_epci("243100518", "76", TABLE, epcis)
    table = key_figures.compare_with_nation(toulouse.apply(hand), hand, load_targets(), toulouse)
    assert table.loc["departements_couverts", ["libelle", "territoire", "france"]].tolist() == [
        "EPCI couvert",
        1,
        4,
    ]
    haute_garonne = Territory.of("76", ("31",), TABLE)
    beside = key_figures.compare_with_nation(
        haute_garonne.apply(hand), hand, load_targets(), haute_garonne
    )
    assert beside.loc["departements_couverts", "france"] == 3


def _reported_hand():
    from tests.conftest import HAND_ROWS

    extra = zip(
        ["2", "1", "3", "5", "6", "8"],
        ["15", "8", "10", "20", "22", "30"],
        ["oui", "Oui", "non", "o", "oui", "payante"],
        strict=False,
    )
    rows = [
        {**r, "apprenants_qpv": q, "sorties_positives": o, "gratuite": g}
        for r, (q, o, g) in zip(HAND_ROWS, extra, strict=False)
    ]
    return read_snapshot(make_csv(rows), "indicateurs.csv").rows


def test_the_reported_indicators_by_hand():
    rows = _reported_hand()
    assert metrics.reported(rows) == ["part_qpv", "part_sorties_positives", "part_gratuites"]
    # QPV 25 of 140 learners, positive outcomes 105 of 140, free formations 4 of 6.
    assert metrics.reported_share(rows, "part_qpv") == pytest.approx(25 / 140)
    assert metrics.reported_share(rows, "part_sorties_positives") == pytest.approx(0.75)
    assert metrics.reported_share(rows, "part_gratuites") == pytest.approx(4 / 6)
    france = Territory.of(None, (), TABLE)
    table = key_figures.headline_figures(rows, load_targets(), france)
    assert table.loc["part_qpv", ["libelle", "repere"]].tolist() == [
        "Part d'apprenants des quartiers prioritaires",
        "",
    ]
    occitanie = Territory.of("76", (), TABLE)
    local = key_figures.headline_figures(occitanie.apply(rows), load_targets(), occitanie, rows)
    # Occitanie: QPV 2+1+3+5 = 11 of 70.
    assert local.loc["part_qpv", "valeur"] == pytest.approx(11 / 70)
    assert local.loc["part_qpv", "repere"] == "France : 17,9\u00a0%"


def test_without_them_nothing_is_said(hand):
    assert metrics.reported(hand) == []
    assert "part_qpv" not in key_figures.headline_figures(hand, load_targets()).index


def test_a_qpv_target_in_the_targets_file_gives_the_gap_in_points(tmp_path):
    from gen_dash.targets import load_targets as load

    text = ROOT_TARGETS.read_text(encoding="utf-8").replace("# part_qpv = 0.17", "part_qpv = 0.17")
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    targets = load(path)
    assert targets.part_qpv == 0.17
    table = key_figures.headline_figures(_reported_hand(), targets)
    assert table.loc["part_qpv", "repere"] == "0,9\u00a0point au-dessus du quota de 17\u00a0%"
