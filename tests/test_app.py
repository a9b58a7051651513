"""app.py and pages/ through Streamlit's AppTest: every page on every sample, the key figures by hand, each page's
own content."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from gen_dash import fmt, metrics
from gen_dash.ingest import read_snapshot
from tests.conftest import ROOT, hand_csv
from tests.support.apptest import (
    LATEST,
    NBSP,
    PAGES,
    SAMPLES,
    sample_id,
    start,
    upload,
)
from tests.support.expected import share_within
from tests.support.uploads import synthetic_files
from ui import session


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
        # the sample banner, on every page
        assert at.info and "Données illustratives" in at.info[0].value


def test_no_download_runs_its_page_again():
    """Streamlit reruns the page on a download by default, while the browser asks for the file: under load the rerun
    replaced the file before it was made (« Deferred file … not found », nothing downloaded), and it cost a run of
    the page for nothing. Every download button of every page says ``on_click="ignore"``."""
    at = upload(start({"region": "76"}), hand_csv(), "a-la-main.csv")
    seen = {}
    for page in PAGES:
        at.switch_page(page).run()
        seen |= {b.proto.label: b.proto.ignore_rerun for b in at.get("download_button")}
    assert len(seen) >= 13, sorted(seen)
    assert all(seen.values()), [label for label, ignored in seen.items() if not ignored]


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
    # a table of text: it fits a laptop's width, where the grid cut its last column
    beside = next(m.value for m in at.markdown if m.value.startswith("| Indicateur")).splitlines()
    assert beside[:2] == [
        "| Indicateur | Haute\\-Garonne \\(31\\) | France entière | Part du total national |",
        "|---|---:|---:|---:|",
    ]
    assert f"| Apprenants | 45 | 140 | 32,1{NBSP}% |" in beside
    assert f"| Part de femmes | 24,4{NBSP}% | 29,3{NBSP}% | – |" in beside, beside
    assert "| Département couvert | couvert | 3 | – |" in beside, beside
    # each share against its quota, in a sentence under the table
    assert beside[-1].startswith(
        f"Face aux quotas : part de femmes, 5,6{NBSP}points sous le quota de 30{NBSP}% ; part de jeunes NEET, "
    ), beside[-1]
    regions = at.dataframe[0].value  # Île-de-France and Occitanie have 70 learners each: both first
    assert regions[["code", "rang", "choisi"]].head(2).values.tolist() == [
        ["11", 1, False],
        ["76", 1, True],
    ]
    at.radio(key="territoires_niveau").set_value("departement").run()
    ranking = at.dataframe[0].value
    # the 13 départements of Occitanie
    assert ranking["code"].tolist()[:2] == ["31", "34"] and len(ranking) == 13
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
    beside = next(m.value for m in at.markdown if m.value.startswith("| Indicateur"))
    assert beside.splitlines()[:2] == [
        "| Indicateur | France entière |",
        "|---|---:|",
    ]


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
        link.startswith("/app/static/vendor/")
        or link in ("/app/static/gen-dash-map.js", "/app/static/lib/topojson-client.min.js")
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
    # after NEET's published definitions
    table = next(d.value for d in at.dataframe if "part_femmes" in d.value.columns)
    assert (table["part_femmes"] < 30).all() and (table["apprenants"] >= 10).all()
    at.number_input(key="quotas_minimum").set_value(60).run()
    assert (
        next(d.value for d in at.dataframe if "part_femmes" in d.value.columns)["apprenants"] >= 60
    ).all()


def test_coverage_page_follows_the_filter_and_the_radius():

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
        share = share_within(communes, fabriques, radius)
        title = at.markdown[0].value
        assert (
            title
            == f"## {fmt.percent(share)} de la population (Bretagne) vit à moins de {radius} km d'une fabrique"
        )
    table = at.dataframe[1].value  # after the coverage by EPCI
    # suggestions inside the région
    assert set(table["code_departement"]) <= {
        "22",
        "29",
        "35",
        "56",
    }
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
        # said once
        assert sum("liste de formations, sans effectifs" in i.value for i in at.info) == 1, page
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


def test_the_map_lists_its_fabriques_as_a_table_of_text():
    # LIST by hand: in Haute-Garonne, one fabrique of two formations in Toulouse, no learner count
    at = upload(start({"region": "76", "dep": "31"}), LIST, "liste-2018-01-31.csv")
    at.switch_page("pages/map.py").run()
    assert not at.exception and not at.dataframe
    tables = [m.value for m in at.markdown if m.value.startswith("| Fabrique")]
    assert tables[0].splitlines() == [
        "| Fabrique | Commune | Formations | Apprenants |",
        "|---|---|---:|---:|",
        "| Simplon 31555 | Toulouse \\(31\\) | 2 | non renseigné |",
    ]
    assert at.get("download_button")[-1].proto.label == "Télécharger la liste (CSV)"


def test_a_long_list_of_fabriques_is_cut_and_says_so(tmp_path):
    (path,) = synthetic_files(tmp_path, 800, count=1)
    fabriques = pd.read_csv(path, dtype=str)["id_fabrique"].nunique()
    assert fabriques > 500
    at = upload(start(), path, "longue-liste.csv")
    at.switch_page("pages/map.py").run()
    assert not at.exception
    table = next(m.value for m in at.markdown if m.value.startswith("| Fabrique"))
    assert len(table.splitlines()) == 2 + 500
    assert any(
        c.value.startswith(f"Les 500 premières fabriques par nom, sur {fmt.number(fabriques)} :")
        for c in at.caption
    ), [c.value for c in at.caption]


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


def test_quotas_of_an_epci_say_its_departements_are_counted_whole():
    at = start({"epci": "243100518"})
    at.switch_page("pages/quotas.py").run()
    assert not at.exception
    assert any(
        c.value.startswith(
            "Les départements où s'étend Toulouse Métropole, chacun compté en entier"
        )
        for c in at.caption
    ), [c.value for c in at.caption]
    at = start({"region": "76"})
    at.switch_page("pages/quotas.py").run()
    assert not any("compté en entier" in c.value for c in at.caption)


def test_coverage_of_an_epci_draws_its_map():
    at = start({"epci": "243400017"})
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    assert at.markdown[0].value.startswith(
        "## 100,0\xa0% de la population (Montpellier Méditerranée Métropole)"
    )
