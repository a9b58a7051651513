"""app.py and pages/ through Streamlit's AppTest: every page on every sample, the key figures by hand, each page's
own content."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from gen_dash import fmt, metrics, store
from gen_dash.ingest import read_snapshot
from tests.conftest import ROOT, hand_csv, make_csv, row
from tests.support.apptest import (
    LATEST,
    NBSP,
    NNBSP,
    PAGES,
    SAMPLES,
    headline,
    headline_with_references,
    sample_id,
    start,
    upload,
)
from ui import session, sources

# The hand-computed snapshot of tests/conftest.py, as the overview must show it (worked out by hand there).
HAND_FRANCE = {
    "Fabriques labellisées": ("5", f"2,5{NBSP}% de l'objectif (200)"),
    "Apprenants": ("140", f"1,4{NBSP}% de l'objectif (10{NNBSP}000)"),
    "Part de femmes": (f"29,3{NBSP}%", f"0,7{NBSP}point sous le quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"54,3{NBSP}%", f"4,3{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Départements couverts": ("3", "3 sur 101 départements"),
    "Subventions accordées": (
        f"70{NNBSP}000{NBSP}€",
        f"0,5{NBSP}% de l'enveloppe (15{NNBSP}000{NNBSP}000{NBSP}€)",
    ),
}
HAND_OCCITANIE = {
    "Fabriques labellisées": ("3", f"60,0{NBSP}% du total national"),
    "Apprenants": ("70", f"50,0{NBSP}% du total national"),
    "Part de femmes": (f"30,0{NBSP}%", f"au quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"52,9{NBSP}%", f"2,9{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Départements couverts": ("2", "2 sur 13 départements de la région"),
    "Subventions accordées": (f"35{NNBSP}000{NBSP}€", f"50,0{NBSP}% du total national"),
}
HAND_HAUTE_GARONNE = {
    "Fabriques labellisées": ("2", f"40,0{NBSP}% du total national"),
    "Apprenants": ("45", f"32,1{NBSP}% du total national"),
    "Part de femmes": (f"24,4{NBSP}%", f"5,6{NBSP}points sous le quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"55,6{NBSP}%", f"5,6{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Département couvert": ("couvert", ""),
    "Subventions accordées": (f"23{NNBSP}000{NBSP}€", f"32,9{NBSP}% du total national"),
}


def test_every_page_url_is_explicit_french_and_no_file_stem():
    from ui import layout

    stems = {p.stem for p in (ROOT / "pages").glob("*.py")}
    for listed in layout.PAGES:
        assert listed.url not in stems, (
            f"{listed.url}: a deep link equal to a page file's stem would run that file alone"
        )
        assert listed.url == listed.url.lower() and " " not in listed.url and listed.url.isascii()
    assert {p.path for p in layout.PAGES if p.in_sidebar} == set(PAGES)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_page_runs_on_every_sample(sample):
    at = start()
    at.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id(sample.stem[12:22])).run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert (
            at.info and "Données illustratives" in at.info[0].value
        )  # the sample banner, on every page


def test_headline_by_hand_nation_region_departement():
    at = upload(start(), hand_csv(), "a-la-main.csv")
    assert headline_with_references(at) == HAND_FRANCE
    at.sidebar.selectbox(key=session.REGION).select("76").run()
    assert headline_with_references(at) == HAND_OCCITANIE
    assert not at.warning[
        1:
    ]  # 50 % of the learners exactly: no « à vérifier » (the first warning is the upload's)
    at.sidebar.multiselect(key=session.DEPARTEMENTS).select("31").run()
    assert headline_with_references(at) == HAND_HAUTE_GARONNE
    at.sidebar.selectbox(key=session.REGION).select(None).run()
    assert headline_with_references(at) == HAND_FRANCE


def test_an_absurd_figure_is_flagged_to_check():
    at = upload(
        start(),
        hand_csv(apprenants="100", apprenants_femmes="30", apprenants_neet="50"),
        "enorme.csv",
    )
    assert headline(at)["Apprenants"] == "600"
    at = upload(
        start(),
        make_csv(
            [
                row(
                    id_formation=f"X{i}",
                    apprenants="9000",
                    apprenants_femmes="3000",
                    apprenants_neet="5000",
                )
                for i in range(3)
            ]
        ),
        "absurde.csv",
    )
    warnings = [w.value for w in at.warning]
    assert any(
        w.startswith("À vérifier : Apprenants : 27") and "270,0" in w and "règle : plus de 200" in w
        for w in warnings
    ), warnings


def test_upload_banner_on_every_page_and_pace_says_what_it_uses():
    at = upload(start(), hand_csv(), "a-la-main-2017-06-30.csv")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.warning and at.warning[0].value.startswith("Fichier déposé, non publié"), page
    at.switch_page("pages/overview.py").run()
    # Dated 30 June 2017: not after the last published snapshot (31 December 2017), so the pace leaves it out.
    assert any(
        "votre fichier déposé, daté du 30 juin 2017, n'y entre pas" in c.value for c in at.caption
    )
    later = upload(start(), hand_csv(date_extraction="2018-03-31"), "a-la-main-2018.csv")
    assert any(
        "et sur votre fichier déposé (non publié) du 31 mars 2018" in c.value for c in later.caption
    )


def test_data_table_shows_empty_cells_not_none():
    at = upload(start(), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/data.py").run()
    table = at.dataframe[0].value
    assert not table.isin(["None"]).any().any() and not table.isna().any().any()
    assert (table["Structure porteuse"] == "").all() and (table["Places prévues"] == "").all()


def test_territories_for_one_departement():
    at = upload(start({"region": "76", "dep": "31"}), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/territories.py").run()
    comparison = at.dataframe[0].value.set_index("libelle")
    assert comparison.loc["Apprenants", ["territoire", "france", "part_du_national"]].tolist() == [
        "45",
        "140",
        f"32,1{NBSP}%",
    ]
    assert (
        comparison.loc["Part de femmes", "quota"] == f"5,6{NBSP}points sous le quota de 30{NBSP}%"
    )
    assert comparison.loc["Département couvert", ["territoire", "france"]].tolist() == [
        "couvert",
        "3",
    ]
    regions = at.dataframe[1].value  # Île-de-France and Occitanie have 70 learners each: both first
    assert regions[["code", "rang", "choisi"]].head(2).values.tolist() == [
        ["11", 1, False],
        ["76", 1, True],
    ]
    at.radio(key="territoires_niveau").set_value("departement").run()
    ranking = at.dataframe[1].value
    assert (
        ranking["code"].tolist()[:2] == ["31", "34"] and len(ranking) == 13
    )  # the 13 départements of Occitanie
    assert ranking.loc[ranking["choisi"], "code"].tolist() == ["31"]
    # Nationally Paris (70) comes first, Haute-Garonne (45) second, Hérault (25) third.
    assert ranking.set_index("code").loc[["31", "34"], ["rang", "rang_region"]].values.tolist() == [
        [2, 1],
        [3, 2],
    ]
    assert any(
        "Les exports portent sur Haute-Garonne (31) : 1 département(s)" in c.value
        for c in at.caption
    )


def test_territories_for_france_has_one_column_of_figures():
    at = upload(start(), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/territories.py").run()
    assert list(at.dataframe[0].value.columns) == [
        "libelle",
        "territoire",
        "quota",
    ] or at.dataframe[0].proto.column_order == ["libelle", "territoire", "quota"]


def test_waves_of_a_region_have_no_envelope():
    at = upload(start({"region": "76"}), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/waves.py").run()
    alternatives = [c.value for c in at.caption]
    assert any(
        a.startswith(
            "Subventions accordées par vague, Occitanie (vague 1 : 18\u202f000\u00a0€, soit 47,4\u00a0% des "
            "subventions nationales de la vague"
        )
        for a in alternatives
    ), alternatives
    assert not any("enveloppe" in a.lower() for a in alternatives)


def test_map_assets_are_all_local():
    at = start()
    at.switch_page("pages/map.py").run()
    component = at.get("component_instance")[0].proto
    args = json.loads(component.json_args)
    links = args["js_links"] + args["css_links"]
    assert links and all(
        link.startswith("/app/static/vendor/") or link == "/app/static/gen-dash-map.js"
        for link in links
    )
    assert (
        "http://" not in args["header"] + args["script"]
        and "https://" not in args["header"] + args["script"]
    )
    for link in links:
        assert (ROOT / "static" / link.removeprefix("/app/static/")).is_file(), link
    assert args["returned_objects"] == []  # panning or zooming does not rerun the script


def test_map_indicator_choice_and_text_alternative():
    at = start({"region": "53"})
    at.switch_page("pages/map.py").run()
    at.selectbox(key="carte_indicateur").select("part_femmes").run()
    assert not at.exception
    assert "Part de femmes" in at.main.caption[-1].value and "Bretagne" in at.main.caption[-1].value


def test_charts_carry_text_alternatives():
    at = start()
    at.switch_page("pages/waves.py").run()
    charts = at.get("plotly_chart")
    assert len(charts) >= 4
    captions = [c.value for c in at.caption]
    assert any(
        "Fabriques cumulées par vague" in c and "de l'objectif de 200" in c for c in captions
    )
    assert any("Apprenants selon les instantanés" in c for c in captions)


def test_quotas_lists_fabriques_below_quota():
    at = start()
    at.switch_page("pages/quotas.py").run()
    table = next(
        d.value for d in at.dataframe if "part_femmes" in d.value.columns
    )  # after NEET's published definitions
    assert (table["part_femmes"] < 30).all() and (table["apprenants"] >= 10).all()
    at.number_input(key="quotas_minimum").set_value(60).run()
    assert (
        next(d.value for d in at.dataframe if "part_femmes" in d.value.columns)["apprenants"] >= 60
    ).all()


def _share_within(communes, fabriques, radius_km: float) -> float:
    """Population share within *radius_km* of a fabrique, by brute force (haversine on every pair), independently of
    gen_dash.coverage's KD-tree."""
    import numpy as np

    lat1, lon1 = (
        np.radians(communes["lat"].to_numpy())[:, None],
        np.radians(communes["lon"].to_numpy())[:, None],
    )
    lat2, lon2 = (
        np.radians(fabriques["latitude"].to_numpy())[None],
        np.radians(fabriques["longitude"].to_numpy())[None],
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    nearest = (2 * 6371.0088 * np.arcsin(np.sqrt(h))).min(axis=1)
    population = communes["population"].to_numpy()
    return float(population[nearest <= radius_km].sum() / population.sum())


def test_coverage_page_follows_the_filter_and_the_radius():
    import pandas as pd

    from gen_dash import geo

    at = start({"region": "53"})
    at.switch_page("pages/coverage.py").run()
    communes = pd.DataFrame(geo.load_communes().drop(columns="geometry")).query(
        "code_region == '53'"
    )
    fabriques = metrics.fabriques_of(read_snapshot(LATEST).rows).dropna(
        subset=["latitude", "longitude"]
    )
    for radius in (30, 10):
        at.slider(key="couverture_rayon").set_value(radius).run()
        assert not at.exception
        share = _share_within(communes, fabriques, radius)
        title = at.markdown[0].value
        assert (
            title
            == f"## {fmt.percent(share)} de la population (Bretagne) vit à moins de {radius} km d'une fabrique"
        )
    table = at.dataframe[1].value  # after the coverage by EPCI
    assert set(table["code_departement"]) <= {
        "22",
        "29",
        "35",
        "56",
    }  # suggestions inside the région
    assert len(table) == at.number_input(key="couverture_k").value


LIST = (
    "identifiant;intitule;Structure;vague;insee_com\n"
    + "\n".join(
        f"L{i};Développeur web;Simplon {code};{1 + i % 2};{code}"
        for i, code in enumerate(
            ["93048", "75112", "31555", "34172", "69381", "13202", "59350", "33063"] * 2
        )
    )
    + "\n"
).encode()


@pytest.mark.parametrize(
    "query", [{}, {"region": "76"}, {"region": "76", "dep": "31"}], ids=["france", "region", "dep"]
)
def test_a_list_snapshot_shows_no_false_zero_on_any_page(query):
    at = upload(start(query), LIST, "liste-2018-01-31.csv")
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert sum("liste de formations, sans effectifs" in i.value for i in at.info) == 1, (
            page
        )  # said once
        shown = (
            [m.value for m in at.metric]
            + [m.proto.delta for m in at.metric]
            + [c.value for c in at.main.caption]
        )
        assert not any(re.search(r"(?<![\d,])0(,0)?\u00a0%|\b0 apprenant", t) for t in shown), (
            page,
            shown,
        )
        if page == "pages/quotas.py":
            assert not at.get("plotly_chart") and "non renseigné" in at.markdown[
                0
            ].value + " ".join(m.value for m in at.get("markdown"))
    at.switch_page("pages/overview.py").run()
    values = {m.label: m.value for m in at.metric}
    assert (
        values["Apprenants"]
        == values["Part de femmes"]
        == values["Part de jeunes NEET"]
        == "non renseigné"
    )
    assert values["Subventions accordées"] == "non renseigné"  # the list gives no amount either
    assert (
        values["Fabriques labellisées"]
        == {"dep": "1", "region": "2", "france": "8"}[
            "dep" if "dep" in query else "region" if query else "france"
        ]
    )


WEB = "Développement web et mobile"


def _communes_of(region: str | None = None, departements: tuple[str, ...] = ()):
    from gen_dash import geo

    communes = pd.DataFrame(geo.load_communes().drop(columns="geometry"))
    if departements:
        return communes[communes["code_departement"].isin(departements)]
    return communes if region is None else communes[communes["code_region"] == region]


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def _months_since(day: date) -> int:
    return _months_between(day, date.today())


def test_overview_says_the_four_objectives_for_the_territory():
    at = upload(start({"region": "76"}), hand_csv(), "a-la-main.csv")
    lines = [m.value.replace("\\", "") for m in at.markdown if re.match(r"\*\*[1-4]\. ", m.value)]
    hand = read_snapshot(hand_csv()).rows
    share = _share_within(_communes_of("76"), metrics.fabriques_of(hand), 30)
    history = store.history(sources.engine())
    dates = sorted(set(history["date_instantane"]))
    first, latest, count = dates[0], dates[-1], len(dates)
    assert lines == [
        "**1. Un réseau de formations d'excellence sur tout le territoire.** 2 sur 13 départements de la région ont au "
        f"moins une formation ; 3 sur 164 EPCI de la région en ont au moins une ; {fmt.percent(share)} de la population "
        "vit à moins de 30 km d'une fabrique.",
        "**2. Des formations qui répondent aux besoins économiques et sociaux.** 3 famille(s) de métiers proposée(s) ; "
        f"les plus grandes : {WEB} (50,0{NBSP}% des formations), Médiation numérique (25,0{NBSP}% des formations), "
        f"Réseaux, systèmes et support (25,0{NBSP}% des formations).",
        # The published history (the bundled samples, 1 March 2016 – 31 December 2017, and what other tests of this
        # worker published): read from the store; the upload is not in it.
        "**3. Une veille continue sur les besoins en métiers et compétences du numérique.** Dernier instantané publié : "
        f"{fmt.day(latest)}, il y a {_months_since(latest)} mois ; l'historique couvre "
        f"{_months_between(first, latest)} mois ({count} instantané(s) daté(s)).",
        f"**4. Des approches innovantes pour les publics éloignés de l'emploi.** Jeunes NEET : 52,9{NBSP}% (2,9{NBSP}points "
        f"au-dessus du quota de 50{NBSP}%).",
    ]
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert [label for label, _ in links][:4] == [
        "Voir la couverture territoriale",
        "Voir les métiers",
        "Voir l'évolution dans le temps",
        "Voir les quotas",
    ]


def test_overview_objectives_give_boursiers_and_qpv_when_the_file_does():
    at = start()
    at.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-12-31")).run()
    rows = read_snapshot(LATEST).rows
    line = next(m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**4. "))
    boursiers = rows["apprenants_boursiers"].sum() / rows["apprenants"].sum()
    qpv = rows["apprenants_qpv"].sum() / rows["apprenants"].sum()
    assert f"boursiers : {fmt.percent(boursiers)}" in line
    assert f"habitants des quartiers prioritaires : {fmt.percent(qpv)}" in line


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
        _share_within(_communes_of(), web, 30)
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


@pytest.mark.parametrize(
    "query, grid, said",
    [
        ({"maille": "epci"}, "epci", "Carte par EPCI, France entière"),
        ({"epci": "243400520"}, "epci", "Carte par EPCI, CA Lunel Agglo"),
        ({"region": "76"}, "departement", "Carte, Occitanie"),
    ],
)
def test_the_map_opens_by_epci_for_an_epci_or_when_the_link_asks(query, grid, said):
    at = start(query)
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.radio(key="carte_maille").value == grid
    assert any(c.value.startswith(said) for c in at.caption)


def test_coverage_of_an_epci_draws_its_map():
    at = start({"epci": "243400017"})
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    assert at.markdown[0].value.startswith(
        "## 100,0\xa0% de la population (Montpellier Méditerranée Métropole)"
    )


def test_published_figures_beside_the_key_figures_on_evolution_and_quotas():
    at = start()
    at.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-12-31")).run()
    beside = [c.value.replace("\\", "") for c in at.caption if c.value.startswith("chiffre publié")]
    # the end-2017 sample is calibrated on the key figures of 2017: the same 9 582 learners, 23,6 % women for 24 %
    assert (
        f"chiffre publié : 9{NNBSP}582 en 2017 (GIP Grande École du Numérique, Chiffres clés 2017, 2018-06) ; "
        "cet instantané donne le même chiffre." in beside
    )
    assert any(
        line.startswith(f"chiffre publié : 24{NBSP}% en 2017")
        and f"0,4{NBSP}point de moins" in line
        for line in beside
    )
    table = next(d.value for d in at.dataframe if "Chiffre publié" in d.value.columns)
    assert "Part d'apprenants de moins de 26 ans (en 2017)" in table["Chiffre publié"].tolist()
    at.switch_page("pages/quotas.py").run()
    assert not at.exception
    assert any(
        "sans emploi ni formation à leur entrée en formation" in m.value for m in at.markdown
    )
    definitions = next(d.value for d in at.dataframe if "Définition" in d.value.columns)
    assert definitions["Valeur"].tolist() == [f"65{NBSP}%", f"46{NBSP}%", f"31{NBSP}%"]
    at.switch_page("pages/evolution.py").run()
    assert not at.exception
    learners = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart") if '"Apprenants"' in c.proto.spec
    )
    assert [t["marker"].get("symbol") for t in learners["data"][1:3]] == ["diamond", "diamond-open"]
    said = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    assert f"9{NNBSP}582" in said["Valeur"].tolist() and "171" in said["Valeur"].tolist()
