"""app.py, ui/ and pages/ through Streamlit's AppTest: every page, the sidebar, uploads, shareable links."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hyp
from streamlit.testing.v1 import AppTest

from gen_dash import fmt, metrics, store, store_schema
from gen_dash.ingest import read_snapshot
from tests.conftest import BASE_ROW, ROOT, hand_csv, make_csv, row
from ui import cache, reference, session, sources
from ui import publish as publish_flow

PAGES = ["pages/overview.py", "pages/map.py", "pages/waves.py", "pages/evolution.py", "pages/compare.py", "pages/quotas.py",
         "pages/territories.py", "pages/metiers.py", "pages/coverage.py", "pages/commune.py", "pages/data.py"]
SAMPLES = sorted((ROOT / "data" / "sample").glob("gen-exemple-*.csv"))
MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"
TWIN = ROOT / "data" / "sample" / "propre" / "gen-exemple-2016-12-15.csv"
LATEST = ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv"


def start(query: dict | None = None, secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def headline(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def headline_with_references(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


NBSP, NNBSP = "\u00a0", "\u202f"
# The hand-computed snapshot of tests/conftest.py, as the overview must show it (worked out by hand there).
HAND_FRANCE = {
    "Fabriques labellisées": ("5", f"2,5{NBSP}% de l'objectif (200)"),
    "Apprenants": ("140", f"1,4{NBSP}% de l'objectif (10{NNBSP}000)"),
    "Part de femmes": (f"29,3{NBSP}%", f"0,7{NBSP}point sous le quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"54,3{NBSP}%", f"4,3{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Départements couverts": ("3", "3 sur 101 départements"),
    "Subventions accordées": (f"70{NNBSP}000{NBSP}€", f"0,5{NBSP}% de l'enveloppe (15{NNBSP}000{NNBSP}000{NBSP}€)"),
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


def sample_id(day: str) -> str:
    """The store number of the bundled sample of *day* (loaded on the test session's empty store)."""
    from gen_dash import sample, store

    store.load_samples_once(store.engine(), sample.bundled_samples())  # as the dashboard does on an empty store
    history = store.history(store.engine())
    return str(int(history.loc[history["date_instantane"].astype(str) == day, "id"].iloc[0]))


def upload(at: AppTest, path_or_bytes, name: str) -> AppTest:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    version = at.session_state[session.UPLOADER_VERSION] if session.UPLOADER_VERSION in at.session_state else 0  # noqa: SIM401
    at.file_uploader(key=f"{session.UPLOADER}_{version}" if version else session.UPLOADER).upload(name, data)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def at() -> AppTest:
    return start()


@pytest.fixture(autouse=True)
def no_editor_left():
    """AppTest gives every session the same id (« test session id »): forget the editors an earlier test logged in,
    as a real server would for a new browser session."""
    publish_flow.editor_sessions.clear()
    with store.engine().begin() as conn:  # AppTest has no client address: all its attempts share one
        conn.execute(store_schema.logins.delete())
    yield


def test_a_value_shared_between_sessions_is_handed_out_as_a_copy():
    """A page that changes what it is given changes its own copy: the next session gets the value as computed."""
    first = cache.kept(("essai", "copie"), lambda: {"table": pd.DataFrame({"n": [1, 2]}), "codes": ["31"]})
    first["table"].loc[0, "n"] = 99
    first["codes"].append("75")
    again = cache.kept(("essai", "copie"), lambda: pytest.fail("computed twice"))
    assert again["table"]["n"].tolist() == [1, 2] and again["codes"] == ["31"]


def test_a_shared_chart_keeps_its_page_s_key_and_its_territory_s_figures():
    at = start()
    at.switch_page("pages/evolution.py").run()
    keys = [e.proto.id.rsplit("-", 1)[1] for e in at.get("plotly_chart")]
    assert keys[:2] == ["evolution_fabriques", "evolution_apprenants"] and len(set(keys)) == len(keys) > 2
    france = at.get("plotly_chart")[0].proto.spec
    at.sidebar.selectbox(key=session.REGION).select("76").run()
    assert at.get("plotly_chart")[0].proto.spec != france  # Occitanie's own values, not France's chart again


def test_every_page_url_is_explicit_french_and_no_file_stem():
    from ui import layout

    stems = {p.stem for p in (ROOT / "pages").glob("*.py")}
    for listed in layout.PAGES:
        assert listed.url not in stems, f"{listed.url}: a deep link equal to a page file's stem would run that file alone"
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
        assert at.info and "Données illustratives" in at.info[0].value  # the sample banner, on every page


def test_headline_by_hand_nation_region_departement():
    at = upload(start(), hand_csv(), "a-la-main.csv")
    assert headline_with_references(at) == HAND_FRANCE
    at.sidebar.selectbox(key=session.REGION).select("76").run()
    assert headline_with_references(at) == HAND_OCCITANIE
    assert not at.warning[1:]  # 50 % of the learners exactly: no « à vérifier » (the first warning is the upload's)
    at.sidebar.multiselect(key=session.DEPARTEMENTS).select("31").run()
    assert headline_with_references(at) == HAND_HAUTE_GARONNE
    at.sidebar.selectbox(key=session.REGION).select(None).run()
    assert headline_with_references(at) == HAND_FRANCE


def test_an_absurd_figure_is_flagged_to_check():
    at = upload(start(), hand_csv(apprenants="100", apprenants_femmes="30", apprenants_neet="50"), "enorme.csv")
    assert headline(at)["Apprenants"] == "600"
    at = upload(start(), make_csv([row(id_formation=f"X{i}", apprenants="9000", apprenants_femmes="3000",
                                       apprenants_neet="5000") for i in range(3)]), "absurde.csv")
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("À vérifier : Apprenants : 27") and "270,0" in w and "règle : plus de 200" in w
               for w in warnings), warnings


def test_upload_banner_on_every_page_and_pace_says_what_it_uses():
    at = upload(start(), hand_csv(), "a-la-main-2017-06-30.csv")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.warning and at.warning[0].value.startswith("Fichier déposé, non publié"), page
    at.switch_page("pages/overview.py").run()
    # Dated 30 June 2017: not after the last published snapshot (31 December 2017), so the pace leaves it out.
    assert any("votre fichier déposé, daté du 30 juin 2017, n'y entre pas" in c.value for c in at.caption)
    later = upload(start(), hand_csv(date_extraction="2018-03-31"), "a-la-main-2018.csv")
    assert any("et sur votre fichier déposé (non publié) du 31 mars 2018" in c.value for c in later.caption)


def test_compare_opens_on_the_published_snapshot_before_the_upload():
    at = upload(start(), hand_csv(), "a-la-main.csv")  # dated 30 June 2017
    at.switch_page("pages/compare.py").run()
    assert at.selectbox(key="comparer_apres").value == session.UPLOAD_ID
    assert at.selectbox(key="comparer_avant").value == sample_id("2016-12-15")


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
        "45", "140", f"32,1{NBSP}%"]
    assert comparison.loc["Part de femmes", "quota"] == f"5,6{NBSP}points sous le quota de 30{NBSP}%"
    assert comparison.loc["Département couvert", ["territoire", "france"]].tolist() == ["couvert", "3"]
    regions = at.dataframe[1].value  # Île-de-France and Occitanie have 70 learners each: both first
    assert regions[["code", "rang", "choisi"]].head(2).values.tolist() == [["11", 1, False], ["76", 1, True]]
    at.radio(key="territoires_niveau").set_value("departement").run()
    ranking = at.dataframe[1].value
    assert ranking["code"].tolist()[:2] == ["31", "34"] and len(ranking) == 13  # the 13 départements of Occitanie
    assert ranking.loc[ranking["choisi"], "code"].tolist() == ["31"]
    # Nationally Paris (70) comes first, Haute-Garonne (45) second, Hérault (25) third.
    assert ranking.set_index("code").loc[["31", "34"], ["rang", "rang_region"]].values.tolist() == [[2, 1], [3, 2]]
    assert any("Les exports portent sur Haute-Garonne (31) : 1 département(s)" in c.value for c in at.caption)


def test_territories_for_france_has_one_column_of_figures():
    at = upload(start(), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/territories.py").run()
    assert list(at.dataframe[0].value.columns) == ["libelle", "territoire", "quota"] or \
        at.dataframe[0].proto.column_order == ["libelle", "territoire", "quota"]


def test_waves_of_a_region_have_no_envelope():
    at = upload(start({"region": "76"}), hand_csv(), "a-la-main.csv")
    at.switch_page("pages/waves.py").run()
    alternatives = [c.value for c in at.caption]
    assert any(a.startswith("Subventions accordées par vague, Occitanie (vague 1 : 18\u202f000\u00a0€, soit 47,4\u00a0% des "
                            "subventions nationales de la vague") for a in alternatives), alternatives
    assert not any("enveloppe" in a.lower() for a in alternatives)


def test_filter_follows_every_page():
    at = start({"region": "53"})
    for page in PAGES:
        at.switch_page(page).run()
        assert "Bretagne" in at.caption[0].value, page


def test_broken_upload_is_refused_in_french_and_the_snapshot_stays():
    at = start()
    before = headline(at)
    upload(at, b"\x89PNG\r\n\x1a\n\x00\x00binary" * 10, "photo.csv")
    assert any("Fichier refusé" in e.value and "binaires" in e.value for e in at.sidebar.error)
    assert at.session_state[session.SNAPSHOT] == sample_id("2017-12-31")
    assert headline(at) == before


def test_upload_missing_column_names_it():
    at = start()
    upload(at, make_csv([row(apprenants_neet=None)]), "sans-neet.csv")
    # Not refused: the form offers the guess, to confirm (escaped Markdown)
    assert any("apprenants_neet" in e.value.replace("\\", "") for e in at.sidebar.warning)


def test_messy_upload_gives_the_figures_of_its_clean_twin():
    messy = upload(start(), MESSY, MESSY.name)
    twin = upload(start(), TWIN, TWIN.name)
    assert messy.session_state[session.SNAPSHOT] == session.UPLOAD_ID
    assert headline(messy) == headline(twin) and len(headline(twin)) == 10  # six, and the four reported indicators
    assert not messy.info  # no sample banner on the user's own data
    assert any("réparée" in m.value for m in messy.sidebar.markdown)


def test_upload_with_rejected_rows_reports_them_and_stays_in_the_session():
    at = start()
    data = make_csv([row(), row(id_formation="F2", apprenants_femmes="99"), row(id_formation="F3", code_commune="2A004")])
    upload(at, data, "essai.csv")
    assert "**2** ligne(s) acceptée(s)" in at.sidebar.markdown[0].value and "**1** rejetée(s)" in at.sidebar.markdown[0].value
    at.switch_page("pages/data.py").run()
    report = at.dataframe[1].value  # the rows, then the validation report
    assert report[["ligne", "colonne", "valeur"]].values.tolist() == [[3, "apprenants_femmes", "99"]]
    assert at.date_input(key=session.UPLOAD_DATE)  # no date in the file: the user is asked
    other = start()
    assert not any(o.startswith("Fichier déposé") for o in other.sidebar.selectbox(key=session.SNAPSHOT).options)  # nobody else


def test_shared_link_opens_the_same_view_as_the_sidebar():
    at = start({"region": "32", "dep": "59,62", "instantane": sample_id("2017-06-30")})
    assert at.session_state[session.REGION] == "32"
    assert at.session_state[session.DEPARTEMENTS] == ["59", "62"]
    by_hand = start()
    by_hand.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-06-30")).run()
    by_hand.sidebar.selectbox(key=session.REGION).select("32").run()
    by_hand.sidebar.multiselect(key=session.DEPARTEMENTS).select("59").select("62").run()
    assert headline_with_references(at) == headline_with_references(by_hand)
    assert "Territoire : Nord (59), Pas-de-Calais (62)" in at.caption[0].value.replace("\\", "")
    assert at.query_params["region"] == "32" and at.query_params["dep"] == "59,62"


@pytest.mark.parametrize("query, notice", [
    ({"region": "99"}, "région « 99 » inconnue"),
    ({"region": "32", "dep": "2A"}, "« 2A » inconnu(s) ou hors de la région"),
    ({"instantane": "n-existe-pas"}, "instantané « n-existe-pas » introuvable"),
])
def test_bad_link_values_are_ignored_with_a_notice(query, notice):
    at = start(query)
    assert any(notice in w.value.replace("\\", "") for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
    assert at.metric  # the page still shows


def test_map_assets_are_all_local():
    at = start()
    at.switch_page("pages/map.py").run()
    component = at.get("component_instance")[0].proto
    args = json.loads(component.json_args)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") or link == "/app/static/gen-dash-map.js" for link in links)
    assert "http://" not in args["header"] + args["script"] and "https://" not in args["header"] + args["script"]
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
    assert any("Fabriques cumulées par vague" in c and "de l'objectif de 200" in c for c in captions)
    assert any("Apprenants selon les instantanés" in c for c in captions)


def test_quotas_lists_fabriques_below_quota():
    at = start()
    at.switch_page("pages/quotas.py").run()
    table = next(d.value for d in at.dataframe if "part_femmes" in d.value.columns)  # after NEET's published definitions
    assert (table["part_femmes"] < 30).all() and (table["apprenants"] >= 10).all()
    at.number_input(key="quotas_minimum").set_value(60).run()
    assert (next(d.value for d in at.dataframe if "part_femmes" in d.value.columns)["apprenants"] >= 60).all()


def _share_within(communes, fabriques, radius_km: float) -> float:
    """Population share within *radius_km* of a fabrique, by brute force (haversine on every pair), independently of
    gen_dash.coverage's KD-tree."""
    import numpy as np

    lat1, lon1 = np.radians(communes["lat"].to_numpy())[:, None], np.radians(communes["lon"].to_numpy())[:, None]
    lat2, lon2 = np.radians(fabriques["latitude"].to_numpy())[None], np.radians(fabriques["longitude"].to_numpy())[None]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    nearest = (2 * 6371.0088 * np.arcsin(np.sqrt(h))).min(axis=1)
    population = communes["population"].to_numpy()
    return float(population[nearest <= radius_km].sum() / population.sum())


def test_coverage_page_follows_the_filter_and_the_radius():
    import pandas as pd

    from gen_dash import geo

    at = start({"region": "53"})
    at.switch_page("pages/coverage.py").run()
    communes = pd.DataFrame(geo.load_communes().drop(columns="geometry")).query("code_region == '53'")
    fabriques = metrics.fabriques_of(read_snapshot(LATEST).rows).dropna(subset=["latitude", "longitude"])
    for radius in (30, 10):
        at.slider(key="couverture_rayon").set_value(radius).run()
        assert not at.exception
        share = _share_within(communes, fabriques, radius)
        title = at.markdown[0].value
        assert title == f"## {fmt.percent(share)} de la population (Bretagne) vit à moins de {radius} km d'une fabrique"
    table = at.dataframe[1].value  # after the coverage by EPCI
    assert set(table["code_departement"]) <= {"22", "29", "35", "56"}  # suggestions inside the région
    assert len(table) == at.number_input(key="couverture_k").value


# --------------------------------------------------------------------------- who may publish

EDITOR = "editrice@numerique.gouv.fr"
OIDC = {"GEN_DASH_EDITEURS": [EDITOR], "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                                                 "client_id": "gen-dash", "client_secret": "secret",
                                                 "server_metadata_url": "https://identite.example/.well-known/openid-configuration"}}


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """Publishing tests write to a store of their own: the shared one keeps the samples as its newest snapshots."""
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", f"sqlite:///{tmp_path / 'publication.sqlite3'}")


def _publish_form(at: AppTest) -> bool:
    return any(b.label == "Vérifier avant de publier" for b in at.sidebar.button)


def _click(at: AppTest, label: str) -> AppTest:
    at.sidebar.button[[b.label for b in at.sidebar.button].index(label)].click().run()
    assert not at.exception, at.exception
    return at


def _unique_upload(at: AppTest, tag: str) -> None:
    upload(at, make_csv([row(id_formation=f"P-{tag}")]), f"publication-{tag}-2018-01-15.csv")


@pytest.mark.parametrize("secrets, user", [
    ({}, None),  # nothing configured
    ({}, {"is_logged_in": True, "email": EDITOR}),  # an identity without OIDC configured grants nothing
    (OIDC, None),
    (OIDC, {"is_logged_in": True, "email": "lecteur@numerique.gouv.fr"}),
    (OIDC, {"is_logged_in": False, "email": EDITOR}),
    ({"GEN_DASH_MOT_DE_PASSE_HASH": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}, None),
], ids=["rien", "identite-sans-oidc", "oidc-anonyme", "oidc-lecteur", "oidc-deconnecte", "mot-de-passe-non-donne"])
def test_a_viewer_can_never_publish(secrets, user, own_store):
    at = start(secrets=secrets, user=user)
    _unique_upload(at, "lecteur")
    # Forged session state grants nothing: a publication about to be confirmed, put in the very key the panel reads,
    # shows no confirmation, for the role is checked against the server's own records.
    at.session_state[session.PUBLISH_PENDING] = _FORGED_PENDING
    at.run()
    assert not _publish_form(at)
    assert "Confirmer la publication" not in [b.label for b in at.sidebar.button]
    if not secrets:  # out of the box: the first-start password, which only the installer knows
        assert any("Demandez le mot de passe éditeur à la personne qui a installé" in c.value for c in at.sidebar.caption)
    # Even the publishing action itself, reached without the form (as a crafted request would), refuses.
    before = len(store.history(sources.engine()))
    crafted = AppTest.from_function(_call_publish, default_timeout=90)
    for key, value in secrets.items():
        crafted.secrets[key] = value
    if user is not None:
        crafted.user = user
    data = make_csv([row(id_formation="P-force")])
    crafted.session_state[session.UPLOADED] = read_snapshot(data, "force-2018-02-01.csv")
    crafted.session_state[session.UPLOADED_FILE] = ("force-2018-02-01.csv", data)
    crafted.session_state[session.PUBLISH_PENDING] = _FORGED_PENDING  # all an editor's confirmation would hold
    crafted.run()
    assert crafted.session_state[session.PUBLISH_MESSAGE] == ("error", "Publication refusée : vous n'êtes pas éditeur.")
    assert len(store.history(sources.engine())) == before


_FORGED_PENDING = {"date": date(2018, 2, 1), "label": "Forgé", "by": "Personne", "accepted": 1, "rejected": 0,
                   "warnings": 0, "replaces": [], "name": "force-2018-02-01.csv"}


def _call_publish():
    from ui import publish

    publish.publish_upload()


def test_an_oidc_editor_publishes_for_everyone(own_store):
    at = start(secrets=OIDC, user={"is_logged_in": True, "email": EDITOR, "name": "Éditrice"})
    _unique_upload(at, "oidc")
    assert _publish_form(at)
    at.sidebar.text_input(key="publication_libelle").set_value("Janvier 2018")
    _click(at, "Vérifier avant de publier")
    _click(at, "Confirmer la publication")
    assert any("Publié pour tous" in m.value and f"par {EDITOR}" in m.value.replace("\\", "") for m in at.sidebar.success)
    latest = store.history(sources.engine()).iloc[0]
    assert (latest["libelle"], latest["publie_par"]) == ("Janvier 2018", EDITOR)
    other = start()  # another session sees it in its list
    assert any("Janvier 2018" in option for option in other.sidebar.selectbox(key=session.SNAPSHOT).options)


def test_password_editor_failures_counted_then_the_right_one_works(own_store, monkeypatch):
    from gen_dash.access import hash_password

    pauses, sleep = [], publish_flow.time.sleep

    def record(seconds):  # the pause a wrong password costs, as asked of the clock; Streamlit's own short waits go on
        if seconds >= 0.5:
            pauses.append(seconds)
        else:
            sleep(seconds)

    monkeypatch.setattr(publish_flow.time, "sleep", record)
    secrets = {"GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")}
    at = start(secrets=secrets)
    _unique_upload(at, "mdp")
    for left in ("Encore 4 essais", "Encore 3 essais"):
        at.sidebar.text_input(key="editeur_mot_de_passe").set_value("mauvais")
        at.sidebar.button(key="editeur_connexion").click().run()
        assert [e.value for e in at.sidebar.error] == [f"Mot de passe incorrect. {left} avant une suspension de "
                                                       "15 minutes."]
        assert not _publish_form(at)
    assert (store.journal(sources.engine())["action"] == "connexion refusée").sum() == 2  # each failure in the journal
    assert pauses == [1.0, 1.0]  # each held the server's other attempts back a second
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    assert _publish_form(at)
    at.sidebar.text_input(key="publication_auteur").set_value("Camille")
    at.sidebar.text_input(key="publication_libelle").set_value("Mi-janvier")
    _click(at, "Vérifier avant de publier")
    _click(at, "Confirmer la publication")
    assert store.history(sources.engine()).iloc[0]["publie_par"] == "Camille"
    at.switch_page("pages/data.py").run()
    assert at.get("form")  # the withdrawal form, for editors only


def test_five_failures_suspend_the_address_even_for_the_right_password(own_store):
    from gen_dash.access import hash_password

    at = start(secrets={"GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")})
    _unique_upload(at, "bloque")
    eng = store.engine()
    for _ in range(5):  # as five other sessions from the same address would have, on this server or another
        store.record_login(eng, "adresse inconnue", False)
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    assert at.sidebar.error[0].value.startswith("Trop de mots de passe incorrects depuis votre adresse (5 en 15 minutes)")
    assert not _publish_form(at)


def _editor(own_secrets: dict | None = None) -> AppTest:
    from gen_dash.access import hash_password

    secrets = own_secrets or {"GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")}
    at = start(secrets=secrets)
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    return at


def test_publication_needs_a_label_an_author_and_a_confirmation(own_store):
    at = _editor()
    data = make_csv([row(id_formation="C1"), row(id_formation="C2", apprenants_femmes="99"), row(id_formation="C3")])
    upload(at, data, "confirmation-2018-02-01.csv")
    before = len(store.history(sources.engine()))
    _click(at, "Vérifier avant de publier")  # no label, no author
    assert any("indiquez le libellé, votre nom" in e.value for e in at.sidebar.error)
    assert len(store.history(sources.engine())) == before
    at.sidebar.text_input(key="publication_libelle").set_value("Février 2018")
    at.sidebar.text_input(key="publication_auteur").set_value("Dominique")
    _click(at, "Vérifier avant de publier")
    summary = " ".join(m.value for m in at.sidebar.markdown)
    assert "« Février 2018 », instantané du 1er février 2018, par Dominique" in summary
    assert "2 ligne(s) acceptée(s), publiée(s)" in summary and "1 ligne(s) rejetée(s), **non publiée(s)**" in summary
    assert len(store.history(sources.engine())) == before  # nothing published yet
    _click(at, "Annuler")
    assert _publish_form(at) and len(store.history(sources.engine())) == before
    _click(at, "Vérifier avant de publier")
    _click(at, "Confirmer la publication")
    latest = store.history(sources.engine()).iloc[0]
    assert (latest["libelle"], latest["publie_par"], latest["lignes_rejetees"]) == ("Février 2018", "Dominique", 1)
    # Published: the upload leaves the session, the published snapshot is on screen, and both places say so.
    assert session.UPLOADED not in at.session_state and at.session_state[session.SNAPSHOT] == str(latest["id"])
    assert not any(o.startswith("Fichier déposé") for o in at.sidebar.selectbox(key=session.SNAPSHOT).options)
    assert any("Publié pour tous" in m.value for m in at.sidebar.success)
    assert any("Publié pour tous" in m.value for m in at.main.success)
    assert not any(w.value.startswith("Fichier déposé, non publié") for w in at.warning)


def test_one_snapshot_counts_per_date(own_store):
    at = _editor()
    for tag, learners in (("premier", "20"), ("second", "35")):
        upload(at, hand_csv(apprenants_femmes="1", apprenants_neet="1", apprenants=learners, nom_formation=tag),
               f"meme-date-{tag}.csv")
        at.sidebar.text_input(key="publication_libelle").set_value(f"Juin 2017, {tag}")
        at.sidebar.text_input(key="publication_auteur").set_value("Dominique")
        _click(at, "Vérifier avant de publier")
        if tag == "second":
            warning = " ".join(w.value for w in at.sidebar.warning)
            assert "Un instantané de la même date existe déjà" in warning and "« Juin 2017, premier »" in warning
            assert "ce sera celle-ci" in warning
        _click(at, "Confirmer la publication")
    history = store.history(sources.engine())
    first, second = (history[history["libelle"] == f"Juin 2017, {t}"].iloc[0] for t in ("premier", "second"))
    assert not first["compte"] and first["remplace_par"] == second["id"] and second["compte"]
    assert not any(f"remplacé par le n° {second['id']}" in c.value for c in at.sidebar.caption)  # the second is on screen
    at.switch_page("pages/evolution.py").run()
    table = at.dataframe[0].value.set_index("date")
    assert table.loc["30 juin 2017", "apprenants"] == "210"  # 6 × 35: the second publication counts
    assert any(f"n° {first['id']} remplacé par le n° {second['id']}" in c.value for c in at.caption)


def test_first_start_creates_an_editor_password_printed_once(tmp_path, monkeypatch, capsys):
    import re

    monkeypatch.setenv("GEN_DASH_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", f"sqlite:///{tmp_path / 'premier.sqlite3'}")
    at = start()
    printed = capsys.readouterr().err
    password = re.search(r"Mot de passe éditeur \(affiché une seule fois\) : (\S+)", printed).group(1)
    assert len(password) >= 16 and password not in (tmp_path / "mot-de-passe-editeur.argon2").read_text()
    assert any("Demandez le mot de passe éditeur" in c.value for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]
    start()
    assert "Mot de passe éditeur" not in capsys.readouterr().err  # never printed twice
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value(password)
    at.sidebar.button(key="editeur_connexion").click().run()
    upload(at, make_csv([row(id_formation="PREMIER")]), "premier-2018-03-01.csv")
    assert _publish_form(at)


LIST = ("identifiant;intitule;Structure;vague;insee_com\n" + "\n".join(
    f"L{i};Développeur web;Simplon {code};{1 + i % 2};{code}"
    for i, code in enumerate(["93048", "75112", "31555", "34172", "69381", "13202", "59350", "33063"] * 2)) + "\n").encode()


@pytest.mark.parametrize("query", [{}, {"region": "76"}, {"region": "76", "dep": "31"}], ids=["france", "region", "dep"])
def test_a_list_snapshot_shows_no_false_zero_on_any_page(query):
    at = upload(start(query), LIST, "liste-2018-01-31.csv")
    assert not at.sidebar.error, [e.value for e in at.sidebar.error]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert sum("liste de formations, sans effectifs" in i.value for i in at.info) == 1, page  # said once
        shown = [m.value for m in at.metric] + [m.proto.delta for m in at.metric] + [c.value for c in at.main.caption]
        assert not any(re.search(r"(?<![\d,])0(,0)?\u00a0%|\b0 apprenant", t) for t in shown), (page, shown)
        if page == "pages/quotas.py":
            assert not at.get("plotly_chart") and "non renseigné" in at.markdown[0].value + " ".join(
                m.value for m in at.get("markdown"))
    at.switch_page("pages/overview.py").run()
    values = {m.label: m.value for m in at.metric}
    assert values["Apprenants"] == values["Part de femmes"] == values["Part de jeunes NEET"] == "non renseigné"
    assert values["Subventions accordées"] == "non renseigné"  # the list gives no amount either
    assert values["Fabriques labellisées"] == {"dep": "1", "region": "2", "france": "8"}[
        "dep" if "dep" in query else "region" if query else "france"]


OWN_NAMES = ("id_fs;lib_fs;Structure;insee_com;effectif;femmes;neet\nA;Dév web;Simplon;93048;10;3;5\n"
             "B;Data;Simplon;75112;20;8;12\n").encode()


def test_a_list_of_places_gets_the_form_filled_with_the_guess():
    data = (ROOT / "tests" / "fixtures" / "listes" / "agences.csv").read_bytes()
    at = upload(start(), data, "agences.csv")
    assert session.UPLOADED not in at.session_state or at.session_state[session.UPLOADED] is None  # nothing read yet
    for canonical, header in (("nom_formation", "nom_agence"), ("nom_fabrique", "nom_agence"), ("code_postal", "cp"),
                              ("commune", "ville"), ("code_departement", "departement")):
        assert at.sidebar.selectbox(key=session.MAPPING_COLUMN + canonical).value == header, canonical
    assert at.sidebar.selectbox(key=session.MAPPING_COLUMN + "code_commune").value is None  # the agency code is not it
    captions = " ".join(c.value.replace("\\", "") for c in at.sidebar.caption)
    assert "13 valeurs sur 13 sont des codes postaux" in captions and "ce n'est pas un code commune" in captions
    assert at.sidebar.checkbox(key=session.MAPPING_IDS).value
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Lire avec cette correspondance")].click().run()
    assert not at.exception and at.session_state[session.SNAPSHOT] == session.UPLOAD_ID
    assert headline(at)["Fabriques labellisées"] == "13"
    at.switch_page("pages/waves.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["vague"].tolist()[-1] == "non renseignée"  # last, never counted as a wave of its own number
    assert [str(n) for n in shown["formations"]] == ["0"] * (len(shown) - 1) + ["13"]


def test_missing_columns_are_offered_a_mapping_and_the_file_is_read_with_it():
    at = upload(start(), OWN_NAMES, "noms-propres-2018-02-28.csv")
    assert any("Colonne(s) obligatoire(s) absente(s)" in e.value.replace("\\", "") for e in at.sidebar.warning)
    for canonical, header in (("id_formation", "id_fs"), ("nom_formation", "lib_fs")):
        at.sidebar.selectbox(key=session.MAPPING_COLUMN + canonical).select(header)
    at.sidebar.text_input(key=session.MAPPING_VALUE + "vague").input("2")
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Lire avec cette correspondance")].click().run()
    assert not at.exception and not at.sidebar.error, [e.value for e in at.sidebar.error]
    assert at.session_state[session.SNAPSHOT] == session.UPLOAD_ID
    assert headline(at)["Apprenants"] == "30" and headline(at)["Fabriques labellisées"] == "2"
    captions = [c.value.replace("\\", "") for c in at.sidebar.caption]
    assert any("Lu avec la correspondance : id_formation ← « id_fs »" in c for c in captions), captions
    at.switch_page("pages/data.py").run()
    report = at.dataframe[1].value
    assert "vague : la valeur « 2 » est donnée pour toutes les lignes (correspondance)." in report["message"].tolist()


def test_a_mapping_constant_of_the_wrong_type_is_said_in_french():
    at = upload(start(), OWN_NAMES, "noms-propres.csv")
    for canonical, header in (("id_formation", "id_fs"), ("nom_formation", "lib_fs")):
        at.sidebar.selectbox(key=session.MAPPING_COLUMN + canonical).select(header)
    at.sidebar.text_input(key=session.MAPPING_VALUE + "vague").input("deux")
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Lire avec cette correspondance")].click().run()
    assert any("« deux » n'est pas un nombre entier" in e.value for e in at.sidebar.error)


@pytest.mark.parametrize("query", [
    {"instantane": "[cliquez ici pour vous reconnecter](https://evil.example/login)"},
    {"region": "![p](http://127.0.0.1:9999/track.png)"},
    {"region": ":red[rouge] **gras** <b>html</b>"},
], ids=["lien", "image", "style"])
def test_a_link_puts_no_markup_on_the_page(query):
    at = start(query)
    shown = [w.value for w in at.sidebar.warning]
    assert shown, "the notice is shown"
    for text in shown:  # every Markdown character from the link is escaped: nothing renders as a link, image or style
        for token in ("](", "![", ":red[", "**", "<b>"):
            assert token not in text, text


def test_a_file_whose_extra_columns_collide_shows_every_page():
    data = make_csv([{**row(), "Apprenants": "99", "Ligne du fichier": "x", "Commentaire": "a", "commentaire": "b"}])
    at = upload(start(), data, "collisions-2018-01-15.csv")
    for page in ("pages/data.py", "pages/territories.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    assert at.get("download_button")  # the exports are offered (their tables have unique columns)


def test_a_store_out_of_reach_is_said_and_the_samples_still_shown(monkeypatch):
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", "postgresql+psycopg://gen:gen@127.0.0.1:9/gen")
    at = start()
    assert not at.exception
    assert at.sidebar.error[0].value.startswith("Historique partagé indisponible : Le serveur de base de données ne "
                                                "répond pas (connexion refusée).")
    assert "exemple" in at.sidebar.selectbox(key=session.SNAPSHOT).format_func(at.sidebar.selectbox(key=session.SNAPSHOT).value)
    upload(at, make_csv([row(id_formation="HORS-LIGNE")]), "hors-ligne-2018-01-15.csv")
    assert not at.exception
    assert "Publication impossible tant que l'historique partagé est indisponible." in [c.value for c in at.sidebar.caption]


# Header names that once broke a page or an export, and the like: display titles, canonical names in other cases,
# derived columns, the geometry, formulas and Markdown, blanks; plus any text.
_HOSTILE_HEADERS = hyp.sampled_from([
    "Ligne du fichier", "ligne", "Apprenants", "APPRENANTS", "apprenants", "Département", "code_region", "localisation",
    "cle_fabrique", "geometry", "Géométrie", "Nom de la formation", "id_formation", "Id Formation", "=SUM(A1)",
    "[lien](http://exemple.invalid)", "**gras**", "", " ", "colonne 1", "Commune", "ÉTAT", "état", "Région",
]) | hyp.text(alphabet=hyp.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(extras=hyp.lists(_HOSTILE_HEADERS, max_size=5),
       values=hyp.lists(hyp.text(alphabet=hyp.characters(blacklist_categories=("Cs",)), max_size=8), min_size=5, max_size=5))
@example(extras=["X"], values=["0", "", "", "", ""])  # « X » reads as a longitude: half a point rejects both rows
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_any_header_set_renders_every_page_and_both_exports(extras, values):
    """Whatever extra columns a file has, every page renders and both Territoires exports write every accepted row."""
    import csv
    import io

    from gen_dash import export, tables
    from gen_dash.territory import Territory

    header = [*BASE_ROW, *extras]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for i in range(2):
        writer.writerow([*row(id_formation=f"H{i}").values(), *values[: len(extras)]])
    data = out.getvalue().encode()
    at = upload(start(), data, "entetes-2018-01-15.csv")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, header, at.exception)
    rows = read_snapshot(data, "entetes.csv").rows
    territory = Territory.of("11", (), reference.departements_table())
    readable = tables.readable_rows(territory.apply(rows))  # an extra column may be a coordinate (« X ») and reject rows
    assert len(pd.read_csv(io.BytesIO(export.to_csv_bytes(readable)), sep=";", encoding="utf-8-sig")) == len(readable)
    figures = tables.figures_export(territory.apply(metrics.figures_by_territory(rows), "code"))
    book = export.to_xlsx_bytes({"Formations": readable, "Départements": figures})
    assert len(pd.read_excel(io.BytesIO(book), sheet_name="Formations")) == len(readable)


_PAYLOADS = ("[cliquez](https://evil.example/login)", "![p](http://127.0.0.1:9999/track.png)", ":red[rouge]", "**gras**",
             "<b>html</b>")


def _markup_shown(at: AppTest) -> list[str]:
    """Every text of the page rendered through Markdown, in which a payload's unescaped tokens appear."""
    texts = [e.value for kind in ("warning", "error", "caption", "success", "markdown", "info") for e in getattr(at, kind)]
    return [t for t in texts if any(token in t for token in ("](", "![", ":red[", "**gras**", "<b>"))]


def test_text_from_a_file_or_the_store_puts_no_markup_on_the_page(own_store):
    # A file to map quotes its headers (in the notice, the form and the guess's evidence); an accepted one its name; a
    # publication its label and author.
    refused = make_csv([{**row(nom_formation=None), _PAYLOADS[0]: "x", _PAYLOADS[2]: "y"}])
    at = upload(_editor(), refused, "refus.csv")
    assert any("À confirmer" in w.value for w in at.sidebar.warning) and not _markup_shown(at)
    upload(at, make_csv([row(id_formation="MARKUP")]), f"{_PAYLOADS[1]}-2018-01-15.csv")
    assert not _markup_shown(at)
    at.sidebar.text_input(key="publication_auteur").set_value(_PAYLOADS[3] + " " + _PAYLOADS[4])
    at.sidebar.text_input(key="publication_libelle").set_value(_PAYLOADS[0])
    _click(at, "Vérifier avant de publier")
    assert not _markup_shown(at)
    _click(at, "Confirmer la publication")
    assert any("Publié pour tous" in e.value for e in at.success) and not _markup_shown(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception and not _markup_shown(at), page


def test_an_upload_beyond_the_memory_budget_is_refused_in_french(monkeypatch):
    monkeypatch.setenv("GEN_DASH_MEMOIRE_MAX_MO", "1")
    cache.held_uploads.clear()  # the budget is read when the server first needs it
    try:
        at = start()
        at.file_uploader(key=session.UPLOADER).upload("gros-2018-01-15.csv", make_csv([row(id_formation=f"M{i}")
                                                                                  for i in range(6000)]))
        at.run()
        assert not at.exception
        refused = [e.value for e in at.sidebar.error]
        assert refused and refused[0].replace("\\", "").startswith("Fichier refusé : Le serveur garde déjà 0 Mo de "
                                                                   "fichiers déposés par les sessions ouvertes")
        assert at.session_state[session.SNAPSHOT] != session.UPLOAD_ID  # the published snapshot stays on screen
    finally:
        cache.held_uploads.clear()


WEB = "Développement web et mobile"


def _communes_of(region: str | None = None, departements: tuple[str, ...] = ()):
    from gen_dash import geo

    communes = pd.DataFrame(geo.load_communes().drop(columns="geometry"))
    if departements:
        return communes[communes["code_departement"].isin(departements)]
    return communes if region is None else communes[communes["code_region"] == region]


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


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
    assert [label for label, _ in links][:4] == ["Voir la couverture territoriale", "Voir les métiers",
                                                 "Voir l'évolution dans le temps", "Voir les quotas"]


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
    assert list(table.columns)[:4] == ["Formations", "Part des formations (%)", "Fabriques", "Départements où elle est proposée"]
    assert table.index.tolist() == [WEB, "Données (data)", "Médiation numérique", "Réseaux, systèmes et support"]
    assert table.loc[WEB].tolist()[:7] == [3, 50.0, 3, 2, 75, 22.7, 58.7]
    data = table.loc["Données (data)", ["Apprenants", "Part de femmes (%)", "Part de jeunes NEET (%)"]]
    assert data.tolist() == [30, 40.0, 46.7]
    assert "Part de boursiers (%)" not in table.columns  # the file gives no boursiers
    assert at.markdown[0].value.replace("\\", "").startswith("**4 famille(s) de métiers** proposée(s) en France")
    # The chosen family's map and coverage: web is offered in Haute-Garonne and Paris.
    metrics_shown = {m.label: m.value for m in at.metric}
    hand = read_snapshot(hand_csv()).rows
    web = metrics.fabriques_of(hand[hand["id_formation"].isin(["F1", "F3", "F6"])])
    assert metrics_shown["Formations"] == "3"
    assert metrics_shown["Population à moins de 30 km"] == fmt.percent(_share_within(_communes_of(), web, 30))
    assert metrics_shown["Départements sans cette formation"] == "99 sur 101"


def test_metiers_page_for_a_region_beside_france_and_the_missing_metier():
    at = _metiers_page({"region": "76"})
    table = at.dataframe[0].value.set_index("Famille de métiers")
    web = table.loc[WEB, ["Formations", "Apprenants", "Part de femmes (%)", "Part de jeunes NEET (%)", "France : formations",
                          "France : part de femmes (%)"]]
    assert web.tolist() == [2, 35, 25.7, 54.3, 3, 22.7]
    assert table.loc["Données (data)", ["Formations", "France : formations"]].tolist() == [0, 1]
    at.selectbox(key="metiers_famille").select("Données (data)").run()
    absent = next(m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**Départements du territoire"))
    assert absent.endswith(": Ariège (09), Aude (11), Aveyron (12), Gard (30), Haute-Garonne (31), Gers (32), Hérault (34), "
                           "Lot (46), Lozère (48), Hautes-Pyrénées (65), Pyrénées-Orientales (66), Tarn (81), "
                           "Tarn-et-Garonne (82).")
    assert {m.label: m.value for m in at.metric}["Départements sans cette formation"] == "13 sur 13"
    at.selectbox(key="metiers_famille").select("Médiation numérique").run()
    assert {m.label: m.value for m in at.metric}["Formations"] == "1"


def test_metiers_page_for_one_departement_and_its_exports():
    from io import BytesIO

    from gen_dash import export

    at = _metiers_page({"region": "76", "dep": "31"})
    table = at.dataframe[0].value.set_index("Famille de métiers")
    assert table["Formations"].to_dict() == {WEB: 2, "Réseaux, systèmes et support": 1,
                                                                  "Données (data)": 0, "Médiation numérique": 0}
    at.selectbox(key="metiers_famille").select("Médiation numérique").run()
    assert {m.label: m.value for m in at.metric}["Départements sans cette formation"] == "1 sur 1"
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert {"Familles de métiers (CSV)", "Familles de métiers (.xlsx)"} <= set(buttons)
    csv = pd.read_csv(BytesIO(export.to_csv_bytes(at.dataframe[0].value)), sep=";", encoding="utf-8-sig")
    assert csv.columns[0] == "Famille de métiers" and csv.iloc[0].tolist()[:2] == [WEB, 2]


@pytest.mark.parametrize("query, grid, said", [
    ({"maille": "epci"}, "epci", "Carte par EPCI, France entière"),
    ({"epci": "243400520"}, "epci", "Carte par EPCI, CA Lunel Agglo"),
    ({"region": "76"}, "departement", "Carte, Occitanie"),
])
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
    assert at.markdown[0].value.startswith("## 100,0\xa0% de la population (Montpellier Méditerranée Métropole)")


def test_published_figures_beside_the_key_figures_on_evolution_and_quotas():
    at = start()
    at.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-12-31")).run()
    beside = [c.value.replace("\\", "") for c in at.caption if c.value.startswith("chiffre publié")]
    # the end-2017 sample is calibrated on the key figures of 2017: the same 9 582 learners, 23,6 % women for 24 %
    assert f"chiffre publié : 9{NNBSP}582 en 2017 (GIP Grande École du Numérique, Chiffres clés 2017, 2018-06) ; " \
           "cet instantané donne le même chiffre." in beside
    assert any(line.startswith(f"chiffre publié : 24{NBSP}% en 2017") and f"0,4{NBSP}point de moins" in line
               for line in beside)
    table = next(d.value for d in at.dataframe if "Chiffre publié" in d.value.columns)
    assert "Part d'apprenants de moins de 26 ans (en 2017)" in table["Chiffre publié"].tolist()
    at.switch_page("pages/quotas.py").run()
    assert not at.exception
    assert any("sans emploi ni formation à leur entrée en formation" in m.value for m in at.markdown)
    definitions = next(d.value for d in at.dataframe if "Définition" in d.value.columns)
    assert definitions["Valeur"].tolist() == [f"65{NBSP}%", f"46{NBSP}%", f"31{NBSP}%"]
    at.switch_page("pages/evolution.py").run()
    assert not at.exception
    learners = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if '"Apprenants"' in c.proto.spec)
    assert [t["marker"].get("symbol") for t in learners["data"][1:3]] == ["diamond", "diamond-open"]
    said = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    assert f"9{NNBSP}582" in said["Valeur"].tolist() and "171" in said["Valeur"].tolist()
