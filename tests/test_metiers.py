"""gen_dash.metiers (families from the rules of data/metiers.csv) and the figures by métier of gen_dash.metrics."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gen_dash import metiers, metrics
from gen_dash.ingest import read_snapshot
from gen_dash.metiers import NOT_GIVEN, family
from tests.conftest import hand_csv

WEB, NETWORKS, DATA = (
    "Développement web et mobile",
    "Réseaux, systèmes et support",
    "Données (data)",
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Développeur web", WEB),
        ("Dév. web", WEB),
        ("  DEVELOPPEUR   WEB ", WEB),
        ("Développeur Web/Web mobile", WEB),
        ("Concepteur développeur d'applications", WEB),
        ("Codeur créatif", WEB),
        ("Technicien(ne) réseau", NETWORKS),
        ("TSSR", NETWORKS),
        ("Technicien d'assistance informatique", NETWORKS),
        ("Administrateur systèmes", NETWORKS),
        ("Data analyst", DATA),
        ("Analyste de données", DATA),
        ("Développeur data", DATA),  # a word of an earlier rule wins: data before web
        ("Analyste en cybersécurité", "Cybersécurité"),
        ("Médiateur(trice) numérique", "Médiation numérique"),
        ("Conseiller numérique", "Médiation numérique"),
        ("Référent digital", "Référent numérique"),
        ("Webdesigner", "Design et communication numérique"),
        ("Concepteur de jeux vidéo", "Design et communication numérique"),
        ("Chargé de communication numérique", "Design et communication numérique"),
        ("", NOT_GIVEN),
        ("  ", NOT_GIVEN),
        (None, NOT_GIVEN),
    ],
)
def test_spellings_files_use_are_brought_to_their_family(written, expected):
    assert family(pd.Series([written], dtype=object)).tolist() == [expected]


def test_a_metier_no_rule_knows_keeps_its_most_frequent_spelling():
    written = pd.Series(
        ["ébéniste", "Ébéniste", "Ébéniste", "EBENISTE", "Aide  soignant"],
        index=[10, 11, 12, 13, 14],
    )
    out = family(written)
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out.tolist() == ["Ébéniste"] * 4 + ["Aide soignant"]


def test_no_row_no_family():
    assert family(pd.Series([], dtype="str")).tolist() == []


@given(
    st.sampled_from(
        [
            "Développeur web",
            "Technicien réseau",
            "Médiateur numérique",
            "Data analyst",
            "Référent numérique",
        ]
    ),
    st.lists(st.sampled_from(["upper", "lower", "strip", "spaces", "dash"]), max_size=4),
)
def test_case_accents_spaces_and_punctuation_never_change_a_family(name, changes):
    respelled = name
    for change in changes:
        respelled = {
            "upper": respelled.upper(),
            "lower": respelled.lower(),
            "strip": respelled.replace("é", "e"),
            "spaces": f"  {respelled.replace(' ', '   ')} ",
            "dash": respelled.replace(" ", "-"),
        }[change]
    assert family(pd.Series([respelled])).iloc[0] == family(pd.Series([name])).iloc[0]


def test_reading_gives_each_row_its_family(hand):
    assert hand.set_index("id_formation")["famille_metier"].to_dict() == {
        "F1": WEB,
        "F2": NETWORKS,
        "F3": WEB,
        "F4": "Médiation numérique",
        "F5": DATA,
        "F6": WEB,
    }


def _close(a, b) -> bool:
    return (
        (a is None or (isinstance(a, float) and math.isnan(a)))
        if b is None
        else math.isclose(a, b, abs_tol=5e-4)
    )


def test_figures_by_metier_for_france_by_hand(hand):
    table = metrics.figures_by_metier(hand).set_index("famille")
    # most formations first, then by name
    assert table.index.tolist() == [
        WEB,
        DATA,
        "Médiation numérique",
        NETWORKS,
    ]
    assert table.loc[
        WEB,
        [
            "formations",
            "fabriques",
            "departements",
            "apprenants",
            "apprenants_femmes",
            "apprenants_neet",
        ],
    ].tolist() == [3, 3, 2, 75, 17, 44]
    expected = {
        WEB: (0.227, 0.587),
        NETWORKS: (0.200, 0.600),
        "Médiation numérique": (0.400, 0.480),
        DATA: (0.400, 0.467),
    }
    for name, (women, neet) in expected.items():
        assert _close(table.loc[name, "part_femmes"], women) and _close(
            table.loc[name, "part_neet"], neet
        ), name
    assert _close(table.loc[WEB, "part_formations"], 0.5)


def test_figures_by_metier_of_a_region_beside_the_nation(hand):
    occitanie = hand[hand["code_region"] == "76"]
    table = metrics.figures_by_metier(occitanie, hand).set_index("famille")
    assert table.loc[
        WEB,
        [
            "formations",
            "departements",
            "apprenants",
            "apprenants_femmes",
            "apprenants_neet",
            "formations_france",
            "apprenants_france",
        ],
    ].tolist() == [2, 1, 35, 9, 19, 3, 75]
    assert _close(table.loc[WEB, "part_femmes"], 0.257) and _close(
        table.loc[WEB, "part_neet"], 0.543
    )
    # Offered in France, not in Occitanie: there, no formation and no learner (0, not unknown), no share.
    assert table.loc[
        DATA, ["formations", "fabriques", "apprenants", "formations_france"]
    ].tolist() == [0, 0, 0, 1]
    assert _close(table.loc[DATA, "part_femmes"], None)
    assert metrics.offered_families(table.reset_index()) == [WEB, "Médiation numérique", NETWORKS]


@pytest.mark.parametrize(
    "formations, largest",
    [
        ({"Web": 3, "Data": 1}, ["Web"]),
        ({"Web": 2, "Data": 2, "Réseaux": 1}, ["Web", "Data"]),
        # « non renseigné » is no family, however large
        ({NOT_GIVEN: 5, "Web": 1, "Data": 1}, ["Web", "Data"]),
        ({NOT_GIVEN: 5}, []),
        ({"Web": 0}, []),
    ],
)
def test_the_largest_families_are_all_those_that_tie(formations, largest):
    table = pd.DataFrame({"famille": list(formations), "formations": list(formations.values())})
    assert metrics.largest_families(table) == largest


def test_rows_without_metier_count_last_under_not_given(hand):
    rows = hand.copy()
    rows.loc[rows["id_formation"].isin(["F1", "F3", "F6"]), "famille_metier"] = NOT_GIVEN
    table = metrics.figures_by_metier(rows)
    # the largest, yet last
    assert table["famille"].iloc[-1] == NOT_GIVEN and table["formations"].iloc[-1] == 3
    assert NOT_GIVEN not in metrics.offered_families(table)


def test_a_list_snapshot_gives_no_learner_by_metier(hand):
    rows = read_snapshot(hand_csv(apprenants="", apprenants_femmes="", apprenants_neet="")).rows
    table = metrics.figures_by_metier(rows[rows["code_region"] == "76"], rows).set_index("famille")
    assert table.loc[WEB, "formations"] == 2 and pd.isna(table.loc[WEB, "apprenants"])
    assert pd.isna(table.loc[DATA, "apprenants"])  # unknown, even where no formation


def test_summary_par_metier_by_hand(hand):
    by_metier = metrics.summary_figures(hand)["par_metier"]
    assert list(by_metier) == [WEB, DATA, "Médiation numérique", NETWORKS]
    assert by_metier[WEB] == {
        "formations": 3,
        "fabriques": 3,
        "apprenants": 75,
        "part_femmes": pytest.approx(17 / 75),
        "part_neet": pytest.approx(44 / 75),
    }
    assert by_metier[NETWORKS]["part_femmes"] == pytest.approx(0.2)


def test_the_rules_are_data():
    table = pd.read_csv(metiers.METIERS_FILE, sep=";", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["famille", "regle", "texte"]
    assert set(table["regle"]) == {"nom", "mot"} and table["texte"].str.strip().ne("").all()
    # The families the programme's sample and reports speak of.
    assert {
        WEB,
        NETWORKS,
        DATA,
        "Cybersécurité",
        "Médiation numérique",
        "Design et communication numérique",
        "Référent numérique",
    } == set(table["famille"])
