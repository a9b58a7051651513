"""The dashboard through Streamlit's AppTest: every page, the shared sidebar, uploads, shareable links."""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import appstate as s
from gen_dash import fmt, metrics
from gen_dash.ingest import read_snapshot
from tests.conftest import ROOT, make_csv, row

PAGES = ["pages/overview.py", "pages/map.py", "pages/waves.py", "pages/evolution.py", "pages/compare.py", "pages/quotas.py",
         "pages/territories.py", "pages/coverage.py", "pages/data.py"]
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


def expected_headline(rows) -> dict[str, str]:
    s_ = metrics.summary_figures(rows)
    return {
        "Fabriques labellisées": fmt.number(s_["fabriques"]), "Apprenants": fmt.number(s_["apprenants"]),
        "Part de femmes": fmt.percent(s_["part_femmes"]), "Part de jeunes NEET": fmt.percent(s_["part_neet"]),
        "Départements couverts": fmt.number(s_["departements_couverts"]),
        "Subventions accordées": fmt.euros(rows["subvention_eur"].sum()),
    }


def sample_id(day: str) -> str:
    """The store number of the bundled sample of *day* (loaded on the test session's empty store)."""
    from gen_dash import store

    history = store.history(store.engine())
    return str(int(history.loc[history["date_instantane"].astype(str) == day, "id"].iloc[0]))


def upload(at: AppTest, path_or_bytes, name: str) -> AppTest:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    at.file_uploader(key=s.UPLOADER).upload(name, data)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def at() -> AppTest:
    return start()


def test_every_page_url_is_explicit_french_and_no_file_stem():
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page"]
    stems = {p.stem for p in (ROOT / "pages").glob("*.py")}
    registered = set()
    for call in pages:
        target = call.args[0].value
        url = next(k.value.value for k in call.keywords if k.arg == "url_path")
        registered.add(target)
        assert url not in stems, f"{url}: a deep link equal to a page file's stem would run that file alone"
        assert url == url.lower() and " " not in url
    assert registered == set(PAGES)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_page_runs_on_every_sample(sample):
    at = start()
    at.sidebar.selectbox(key=s.SNAPSHOT).select(sample_id(sample.stem[12:22])).run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert at.info and "Données illustratives" in at.info[0].value  # the sample banner, on every page


def test_headline_is_the_data_layer_figures_nation_then_region(at):
    rows = read_snapshot(LATEST).rows
    assert headline(at) == expected_headline(rows)
    at.sidebar.selectbox(key=s.REGION).select("32").run()
    assert headline(at) == expected_headline(metrics.filter_territory(rows, "32"))
    at.sidebar.multiselect(key=s.DEPARTEMENTS).select("59").select("62").run()
    assert headline(at) == expected_headline(metrics.filter_territory(rows, "32", ["59", "62"]))
    at.sidebar.selectbox(key=s.REGION).select(None).run()
    assert headline(at) == expected_headline(rows)


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
    assert at.session_state[s.SNAPSHOT] == sample_id("2017-12-31")
    assert headline(at) == before


def test_upload_missing_column_names_it():
    at = start()
    upload(at, make_csv([row(apprenants_neet=None)]), "sans-neet.csv")
    assert any("apprenants_neet" in e.value for e in at.sidebar.error)


def test_messy_upload_gives_the_figures_of_its_clean_twin():
    messy = upload(start(), MESSY, MESSY.name)
    twin = upload(start(), TWIN, TWIN.name)
    assert messy.session_state[s.SNAPSHOT] == s.UPLOAD_ID
    assert headline(messy) == headline(twin) == expected_headline(read_snapshot(TWIN).rows)
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
    assert at.date_input(key=s.UPLOAD_DATE)  # no date in the file: the user is asked
    other = start()
    assert not any(o.startswith("Fichier déposé") for o in other.sidebar.selectbox(key=s.SNAPSHOT).options)  # nobody else


def test_shared_link_opens_the_same_view():
    at = start({"region": "32", "dep": "59,62", "instantane": sample_id("2017-06-30")})
    assert at.session_state[s.REGION] == "32"
    assert at.session_state[s.DEPARTEMENTS] == ["59", "62"]
    rows = read_snapshot(ROOT / "data" / "sample" / "gen-exemple-2017-06-30.csv").rows
    assert headline(at) == expected_headline(metrics.filter_territory(rows, "32", ["59", "62"]))
    assert at.query_params["region"] == "32" and at.query_params["dep"] == "59,62"


@pytest.mark.parametrize("query, notice", [
    ({"region": "99"}, "région « 99 » inconnue"),
    ({"region": "32", "dep": "2A"}, "« 2A » inconnu(s) ou hors de la région"),
    ({"instantane": "n-existe-pas"}, "instantané « n-existe-pas » introuvable"),
])
def test_bad_link_values_are_ignored_with_a_notice(query, notice):
    at = start(query)
    assert any(notice in w.value for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
    assert at.metric  # the page still shows


def test_map_assets_are_all_local():
    at = start()
    at.switch_page("pages/map.py").run()
    component = at.get("component_instance")[0].proto
    args = json.loads(component.json_args)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    assert "http://" not in args["header"] + args["script"] and "https://" not in args["header"] + args["script"]
    for link in links:
        assert (ROOT / "static" / link.removeprefix("/app/static/")).is_file(), link
    assert args["returned_objects"] == []  # panning or zooming does not rerun the script


def test_map_indicator_choice_and_text_alternative():
    at = start({"region": "53"})
    at.switch_page("pages/map.py").run()
    at.selectbox(key="carte_indicateur").select("part_femmes").run()
    assert not at.exception
    assert "Part de femmes" in at.caption[-1].value and "Bretagne" in at.caption[-1].value


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
    table = at.dataframe[0].value
    assert (table["part_femmes"] < 30).all() and (table["apprenants"] >= 10).all()
    at.number_input(key="quotas_minimum").set_value(60).run()
    assert (at.dataframe[0].value["apprenants"] >= 60).all()


def test_coverage_page_follows_the_filter_and_the_radius():
    import pandas as pd

    from gen_dash import coverage, geo

    at = start({"region": "53"})
    at.switch_page("pages/coverage.py").run()
    communes = metrics.filter_territory(pd.DataFrame(geo.load_communes().drop(columns="geometry")), "53")
    fabriques = metrics.fabriques_of(read_snapshot(LATEST).rows)
    for radius in (30, 10):
        at.slider(key="couverture_rayon").set_value(radius).run()
        assert not at.exception
        share = coverage.coverage_indicators(coverage.nearest_fabrique(communes, fabriques), radius)["part_couverte"]
        title = at.markdown[0].value
        assert title == f"### {fmt.percent(share)} de la population (Bretagne) vit à moins de {radius} km d'une fabrique"
    table = at.dataframe[0].value
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
    return any(b.label == "Publier" for b in at.sidebar.button)


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
    # Forged session state grants nothing: the role is checked against the server's own records.
    at.session_state["editeur"] = True
    at.session_state["role"] = "editeur"
    at.run()
    assert not _publish_form(at)
    if not secrets:
        assert any("python -m gen_dash publish" in c.value for c in at.sidebar.caption)
    # Even the publishing action itself, reached without the form (as a crafted request would), refuses.
    before = len(s.store.history(s.engine()))
    crafted = AppTest.from_function(_call_publish, default_timeout=90)
    for key, value in secrets.items():
        crafted.secrets[key] = value
    if user is not None:
        crafted.user = user
    data = make_csv([row(id_formation="P-force")])
    crafted.session_state[s.UPLOADED] = read_snapshot(data, "force-2018-02-01.csv")
    crafted.session_state[s.UPLOADED_FILE] = ("force-2018-02-01.csv", data)
    crafted.session_state["editeur"] = True
    crafted.run()
    assert crafted.session_state["publication_message"][0] == "error"
    assert len(s.store.history(s.engine())) == before


def _call_publish():
    import appstate

    appstate.publish_upload()


def test_an_oidc_editor_publishes_for_everyone(own_store):
    at = start(secrets=OIDC, user={"is_logged_in": True, "email": EDITOR, "name": "Éditrice"})
    _unique_upload(at, "oidc")
    assert _publish_form(at)
    at.sidebar.text_input(key="publication_libelle").set_value("Janvier 2018")
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Publier")].click().run()
    assert not at.exception
    assert any("Publié pour tous" in m.value for m in at.sidebar.success)
    latest = s.store.history(s.engine()).iloc[0]
    assert (latest["libelle"], latest["publie_par"]) == ("Janvier 2018", EDITOR)
    other = start()  # another session sees it in its list
    assert any("Janvier 2018" in option for option in other.sidebar.selectbox(key=s.SNAPSHOT).options)


def test_password_editor_and_slowed_failures(own_store):
    from gen_dash.access import hash_password

    secrets = {"GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")}
    at = start(secrets=secrets)
    _unique_upload(at, "mdp")
    timings = []
    for _ in range(2):
        at.sidebar.text_input(key="editeur_mot_de_passe").set_value("mauvais")
        started = time.perf_counter()
        at.sidebar.button(key="editeur_connexion").click().run()
        timings.append(time.perf_counter() - started)
        assert any("Mot de passe incorrect" in e.value for e in at.sidebar.error)
        assert not _publish_form(at)
    assert timings[1] >= 1.0 > timings[0] - 0.5  # the second wrong attempt waits a second more
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    assert _publish_form(at)
    at.sidebar.text_input(key="publication_auteur").set_value("Camille")
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Publier")].click().run()
    assert s.store.history(s.engine()).iloc[0]["publie_par"] == "Camille"
    at.switch_page("pages/data.py").run()
    assert at.get("form")  # the withdrawal form, for editors only
