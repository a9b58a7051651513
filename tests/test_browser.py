"""What only a browser shows: the real server, Debian's Chromium driven by Playwright, no network but localhost.

Skipped, with a message, on a machine without Chromium (``apt-get install chromium``).
Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys

import pytest

from gen_dash import fmt, metrics
from gen_dash.ingest import read_snapshot
from tests.conftest import ROOT, make_csv, row

CHROMIUM = os.environ.get("GEN_DASH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium absent : `apt-get install chromium` (Debian) pour les tests navigateur"),
]
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = {"": "Vue d'ensemble", "vue-d-ensemble": "Vue d'ensemble", "carte-des-fabriques": "Carte des fabriques",
         "vagues-et-objectifs": "Vagues et objectifs", "evolution-dans-le-temps": "Évolution dans le temps",
         "comparer-deux-instantanes": "Comparer deux instantanés", "quotas-femmes-neet": "Quotas", "classement-des-territoires": "Territoires",
         "couverture-territoriale": "Couverture territoriale", "donnees-et-methode": "Données, contrat de fichier"}
MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load_serve():
    """The launcher's warm-up (scripts/serve.py), the same a deployment uses."""
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    return serve


@pytest.fixture(scope="module")
def server():
    serve = _load_serve()
    port = _free_port()
    log = open(ARTIFACTS.mkdir(parents=True, exist_ok=True) or ARTIFACTS / "streamlit.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        serve.warm_up(base, timeout=180)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def page(browser, server):
    """A French browser tab in which every request that is not to the local server is blocked and recorded."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def only_local(route):
        if route.request.url.startswith((server, "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.blocked = blocked
    tab.set_default_timeout(60_000)
    yield tab
    context.close()
    assert not blocked, f"requêtes hors du serveur local : {blocked}"


def _metric(tab, label: str) -> str:
    box = tab.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _open(tab, server, path: str) -> None:
    tab.goto(f"{server}/{path}")
    tab.locator("h1").first.wait_for()
    tab.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "racine" for p in PAGES])
def test_every_page_by_its_deep_link_has_the_shared_sidebar(page, server, path):
    _open(page, server, path)
    assert PAGES[path] in page.locator("h1").first.inner_text()
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Territoire" in sidebar.inner_text() and "Instantané" in sidebar.inner_text()
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / f"page-{path or 'racine'}.png"), full_page=True)


def _map_frame(tab):
    tab.locator('iframe[title="streamlit_folium.st_folium"]').wait_for()
    return next(f for f in tab.frames if "streamlit_folium" in f.url)


def test_map_draws_the_departements_offline(page, server):
    _open(page, server, "carte-des-fabriques")
    frame = _map_frame(page)
    frame.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 101")
    assert frame.evaluate("() => L.version") == "1.9.3"
    assert frame.locator(".gen-dash-legend").count() == 1
    assert frame.locator(".gen-dash-cluster").count() > 5  # fabriques grouped, drawn by Leaflet.markercluster
    page.screenshot(path=str(ARTIFACTS / "carte.png"), full_page=True)


def test_upload_changes_the_figures(page, server):
    _open(page, server, "")
    assert _metric(page, "Fabriques labellisées") == fmt.number(198)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(MESSY))
    page.get_by_text("ligne(s) acceptée(s)").wait_for()
    expected = metrics.summary_figures(read_snapshot(MESSY).rows)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText.trim() === '{expected['fabriques']}')")
    assert _metric(page, "Fabriques labellisées") == fmt.number(expected["fabriques"])
    assert _metric(page, "Apprenants") == fmt.number(expected["apprenants"])
    assert page.get_by_text("Données illustratives").count() == 0
    page.screenshot(path=str(ARTIFACTS / "depot.png"), full_page=True)


def test_shared_link_opens_the_same_view(page, server):
    from tests.test_app import sample_id

    _open(page, server, f"?region=32&dep=59&instantane={sample_id('2017-06-30')}")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("combobox", name="Région").input_value() == "Hauts-de-France"
    assert "Nord (59)" in sidebar.inner_text()
    rows = read_snapshot(ROOT / "data" / "sample" / "gen-exemple-2017-06-30.csv").rows
    expected = metrics.summary_figures(metrics.filter_territory(rows, "32", ["59"]))
    assert _metric(page, "Apprenants") == fmt.number(expected["apprenants"])
    assert "Nord (59)" in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()


def test_a_hostile_fabrique_name_shows_as_text(page, server, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    path = tmp_path / "hostile-2017-01-01.csv"
    path.write_bytes(make_csv([row(nom_fabrique=hostile, porteur="<b>gras</b>")]))
    _open(page, server, "")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("ligne(s) acceptée(s)").wait_for()
    page.get_by_role("link", name="Carte").first.click()  # same session: the upload stays
    frame = _map_frame(page)
    frame.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 101")
    marker = frame.locator('path[fill="#c8102e"]').first
    marker.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert hostile in popup.inner_text() and "<b>gras</b>" in popup.inner_text()
    assert popup.locator("img").count() == 0 and popup.locator("b").count() == 0
    assert page.dialogs == []
