"""pages/metiers.py through AppTest: the métier families of France, a région beside France and a département, worked
out by hand, and their exports."""

from __future__ import annotations

import pandas as pd

from gen_dash import fmt, metrics
from gen_dash.ingest import read_snapshot
from tests.conftest import hand_csv
from tests.support.apptest import (
    NBSP,
    start,
    upload,
)
from tests.support.expected import WEB, communes_of, share_within


def _metiers_page(query: dict):
    at = upload(start(query), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/metiers.py").run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    return at


def test_metiers_page_for_france_by_hand():
    at = _metiers_page({})
    table = at.dataframe[0].value.set_index("Famille de métiers")
    assert list(table.columns)[:4] == [
        "Formations",
        "Part des formations (%)",
        "Fabriques",
        "Départements où elle est proposée",
    ]
    assert table.index.tolist() == [
        WEB,
        "Données (data)",
        "Médiation numérique",
        "Réseaux, systèmes et support",
    ]
    assert table.loc[WEB].tolist()[:7] == [3, 50.0, 3, 2, 75, 22.7, 58.7]
    data = table.loc[
        "Données (data)", ["Apprenants", "Part de femmes (%)", "Part de jeunes NEET (%)"]
    ]
    assert data.tolist() == [30, 40.0, 46.7]
    assert "Part de boursiers (%)" not in table.columns  # the file gives no boursiers
    assert (
        at.markdown[0]
        .value.replace("\\", "")
        .startswith("**4 famille(s) de métiers** proposée(s) en France")
    )
    # The chosen family's map and coverage: web is offered in Haute-Garonne and Paris.
    metrics_shown = {m.label: m.value for m in at.metric}
    hand = read_snapshot(hand_csv()).rows
    web = metrics.fabriques_of(hand[hand["id_formation"].isin(["F1", "F3", "F6"])])
    assert metrics_shown["Formations"] == "3"
    assert metrics_shown["Population à moins de 30 km"] == fmt.percent(
        share_within(communes_of(), web, 30)
    )
    assert metrics_shown["Départements sans cette formation"] == "99 sur 101"


def test_metiers_page_for_a_region_beside_france_and_the_missing_metier():
    at = _metiers_page({"region": "76"})
    table = at.dataframe[0].value.set_index("Famille de métiers")
    web = table.loc[
        WEB,
        [
            "Formations",
            "Apprenants",
            "Part de femmes (%)",
            "Part de jeunes NEET (%)",
            "France : formations",
            "France : part de femmes (%)",
        ],
    ]
    assert web.tolist() == [2, 35, 25.7, 54.3, 3, 22.7]
    assert table.loc["Données (data)", ["Formations", "France : formations"]].tolist() == [0, 1]
    at.selectbox(key="metiers_famille").select("Données (data)").run()
    absent = next(
        m.value.replace("\\", "")
        for m in at.markdown
        if m.value.startswith("**Départements du territoire")
    )
    assert absent.endswith(
        ": Ariège (09), Aude (11), Aveyron (12), Gard (30), Haute-Garonne (31), Gers (32), Hérault (34), "
        "Lot (46), Lozère (48), Hautes-Pyrénées (65), Pyrénées-Orientales (66), Tarn (81), "
        "Tarn-et-Garonne (82)."
    )
    assert {m.label: m.value for m in at.metric}["Départements sans cette formation"] == "13 sur 13"
    at.selectbox(key="metiers_famille").select("Médiation numérique").run()
    assert {m.label: m.value for m in at.metric}["Formations"] == "1"


def test_families_that_tie_are_all_named_the_largest():
    # Île-de-France, by hand: one formation of data and one of web in Paris, nothing else.
    said = _metiers_page({"region": "11"}).markdown[0].value.replace("\\", "")
    assert said == (
        "**2 famille(s) de métiers** proposée(s) dans le territoire (Île-de-France) ; les plus grandes, à "
        f"égalité : **«{NBSP}Données (data){NBSP}»** et **«{NBSP}Développement web et mobile{NBSP}»** "
        f"(1 formation(s), 50,0{NBSP}% du territoire chacune)."
    )
    # Occitanie: web alone (2 of its 4 formations).
    said = _metiers_page({"region": "76"}).markdown[0].value.replace("\\", "")
    assert said.endswith(
        f"la plus grande : **«{NBSP}Développement web et mobile{NBSP}»** (2 formation(s), 50,0{NBSP}% du "
        "territoire)."
    )


def test_metiers_page_for_one_departement_and_its_exports():
    from io import BytesIO

    from gen_dash import export

    at = _metiers_page({"region": "76", "dep": "31"})
    table = at.dataframe[0].value.set_index("Famille de métiers")
    assert table["Formations"].to_dict() == {
        WEB: 2,
        "Réseaux, systèmes et support": 1,
        "Données (data)": 0,
        "Médiation numérique": 0,
    }
    at.selectbox(key="metiers_famille").select("Médiation numérique").run()
    assert {m.label: m.value for m in at.metric}["Départements sans cette formation"] == "1 sur 1"
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert {"Familles de métiers (CSV)", "Familles de métiers (.xlsx)"} <= set(buttons)
    csv = pd.read_csv(
        BytesIO(export.to_csv_bytes(at.dataframe[0].value)), sep=";", encoding="utf-8-sig"
    )
    assert csv.columns[0] == "Famille de métiers" and csv.iloc[0].tolist()[:2] == [WEB, 2]
