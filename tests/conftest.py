"""Shared fixtures: tiny snapshots written inline."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import CHROMIUM, NO_CHROMIUM, launch_chromium, new_install, start_server

# Properties are checked for what they state, not for speed: beside Chromium and servers on two cores, one example
# once took 452 ms against Hypothesis's default deadline of 200 ms, a failure that says nothing of the code.
settings.register_profile("gen-dash", deadline=None)
settings.load_profile("gen-dash")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _postgres_of_this_worker() -> None:
    """Each pytest-xdist worker gets a PostgreSQL database of its own (``gen_test_gw0``...), created on first use:
    tests that drop and create the store's tables cannot meet another worker's."""
    import sqlalchemy as sa

    url, worker = (
        os.environ.get("GEN_DASH_TEST_POSTGRES_URL"),
        os.environ.get("PYTEST_XDIST_WORKER"),
    )
    if not url or not worker:
        return
    base = sa.engine.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database}
        ).first():
            conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    os.environ["GEN_DASH_TEST_POSTGRES_URL"] = own.render_as_string(hide_password=False)


_postgres_of_this_worker()

BASE_ROW = {
    "id_formation": "F1",
    "nom_formation": "Développeur web",
    "nom_fabrique": "Fabrique de Montreuil",
    "vague": "1",
    "code_commune": "93048",
    "apprenants": "20",
    "apprenants_femmes": "6",
    "apprenants_neet": "11",
}


def make_csv(
    rows: list[dict],
    sep: str = ",",
    encoding: str = "utf-8",
    header: list[str] | None = None,
    newline: str = "\n",
) -> bytes:
    """A CSV file from *rows* (dicts of text); the header is the union of their keys unless given."""
    columns = header or list(dict.fromkeys(k for row in rows for k in row))
    lines = [sep.join(columns)]
    keys = list(dict.fromkeys(k for row in rows for k in row)) if header else columns
    for row in rows:
        lines.append(sep.join(str(row.get(k, "")) for k in keys))
    return (newline.join(lines) + newline).encode(encoding)


def problems_of(snapshot, severity=None):
    """The snapshot's reading problems, of one *severity* if given."""
    p = snapshot.report.problemes
    return p if severity is None else p[p["gravite"] == severity]


def row(**changes) -> dict:
    """The base valid row with *changes* (None removes a key)."""
    out = dict(BASE_ROW)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def drop_store(url: str) -> None:
    """Drop every table of the store at *url* (tests and benchmarks start from an empty database)."""
    import sqlalchemy as sa

    from gen_dash import store_schema

    store_schema._open.cache_clear()  # the next engine() creates the schema again
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        # an earlier test's pooled connections would hold locks on the tables
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    # Our own client connections only: an autovacuum worker on this database is the
                    # server's, and terminating it is refused (« must be a superuser »).
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND usename = current_user AND backend_type = 'client backend'"
                )
            )
        store_schema.metadata.drop_all(conn, checkfirst=True)
    eng.dispose()


# The store's backends: SQLite always, PostgreSQL when GEN_DASH_TEST_POSTGRES_URL is set (as in CI).
POSTGRES = os.environ.get("GEN_DASH_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not POSTGRES, reason="GEN_DASH_TEST_POSTGRES_URL absent (.ci/run le règle)"
            ),
        ],
    ),
]


def fresh_store_url(backend: str, tmp_path) -> str:
    """The URL of an empty store of *backend* (``sqlite`` in *tmp_path*, or the worker's PostgreSQL database)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    drop_store(POSTGRES)
    return POSTGRES


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    return fresh_store_url(request.param, tmp_path)


@pytest.fixture
def eng(url):
    """An engine on a fresh store of each backend."""
    from gen_dash import store

    return store.engine(url)


def map_page(m) -> str:
    """A folium map as the standalone HTML page a browser receives."""
    return m.get_root().render()


def map_calls(page: str) -> dict[str, list]:
    """What a map page hands to ``static/gen-dash-map.js``: for each function called, the data of each call."""
    import json
    import re

    calls: dict[str, list] = {}
    for found in re.finditer(r'genDash\["(\w+)"\]\(map_\w+, ', page):
        data, _ = json.JSONDecoder().raw_decode(page, found.end())
        calls.setdefault(found.group(1), []).append(data)
    return calls


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return ROOT / "data" / "sample"


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory):
    """Every test session gets its own SQLite store and ``var/`` folder (never the developer's)."""
    folder = tmp_path_factory.mktemp("store")
    path = folder / "gen-dash.sqlite3"
    wanted = {"GEN_DASH_DATABASE_URL": f"sqlite:///{path}", "GEN_DASH_VAR_DIR": str(folder)}
    previous = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    yield path
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (tests that need it are skipped without it)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as p:
        chromium = launch_chromium(p, CHROMIUM)
        yield chromium
        chromium.close()


# A snapshot small enough to compute by hand: five fabriques, six formations, three départements in two régions,
# Haute-Garonne (31) and Hérault (34) in Occitanie (76), Paris (75) in Île-de-France (11). The tests that use it write
# the figures they expect as literals, worked out here:
#   France: 5 fabriques, 140 apprenants, 41 femmes (29,3 %), 76 NEET (54,3 %), 3 départements, 70 000 € of subsidies.
#   Occitanie: 3 fabriques (60 % of the nation), 70 apprenants (50 %), 21 femmes (30,0 %), 37 NEET (52,9 %),
#              2 of its 13 départements, 35 000 € (50 %).
#   Haute-Garonne: 2 fabriques (40 %), 45 apprenants (32,1 %), 11 femmes (24,4 %), 25 NEET (55,6 %), 23 000 € (32,9 %).
#   Waves: 1 holds A, B, D (3 new fabriques), 65 apprenants, 38 000 €; 2 holds C, E (2 new), 75 apprenants, 32 000 €.
#   Métiers, written as files write them: F1, F3, F6 (« Développeur web », « Dév. web », « DEVELOPPEUR WEB/web
#   mobile ») are one family, Développement web et mobile: 3 formations, 3 fabriques (A, B, E), 2 départements,
#   75 apprenants, 17 femmes (22,7 %), 44 NEET (58,7 %); Réseaux, systèmes et support (F2, « Technicien(ne) réseau »):
#   10 apprenants, 20,0 % femmes, 60,0 % NEET; Médiation numérique (F4): 25, 40,0 %, 48,0 %; Données (data) (F5,
#   « Data analyst »): 30, 40,0 %, 46,7 %. Occitanie: web 2 formations (31 only), 35 apprenants, 9 femmes (25,7 %),
#   19 NEET (54,3 %); réseaux 1; médiation 1 (34); données absent from its 13 départements.
HAND_ROWS = [
    {
        "id_formation": "F1",
        "metier": "Développeur web",
        "nom_formation": "Développeur web",
        "nom_fabrique": "Fabrique A",
        "vague": "1",
        "code_commune": "31555",
        "apprenants": "20",
        "apprenants_femmes": "6",
        "apprenants_neet": "10",
        "subvention_eur": "10000",
        "date_extraction": "2017-06-30",
    },
    {
        "id_formation": "F2",
        "metier": "Technicien(ne) réseau",
        "nom_formation": "Technicien réseau",
        "nom_fabrique": "Fabrique A",
        "vague": "2",
        "code_commune": "31555",
        "apprenants": "10",
        "apprenants_femmes": "2",
        "apprenants_neet": "6",
        "subvention_eur": "5000",
        "date_extraction": "2017-06-30",
    },
    {
        "id_formation": "F3",
        "metier": "Dév. web",
        "nom_formation": "Développeur web",
        "nom_fabrique": "Fabrique B",
        "vague": "1",
        "code_commune": "31395",
        "apprenants": "15",
        "apprenants_femmes": "3",
        "apprenants_neet": "9",
        "subvention_eur": "8000",
        "date_extraction": "2017-06-30",
    },
    {
        "id_formation": "F4",
        "metier": "Médiateur numérique",
        "nom_formation": "Médiateur numérique",
        "nom_fabrique": "Fabrique C",
        "vague": "2",
        "code_commune": "34172",
        "apprenants": "25",
        "apprenants_femmes": "10",
        "apprenants_neet": "12",
        "subvention_eur": "12000",
        "date_extraction": "2017-06-30",
    },
    {
        "id_formation": "F5",
        "metier": "Data analyst",
        "nom_formation": "Data analyst",
        "nom_fabrique": "Fabrique D",
        "vague": "1",
        "code_commune": "75056",
        "apprenants": "30",
        "apprenants_femmes": "12",
        "apprenants_neet": "14",
        "subvention_eur": "20000",
        "date_extraction": "2017-06-30",
    },
    {
        "id_formation": "F6",
        "metier": "DEVELOPPEUR WEB/web mobile",
        "nom_formation": "Développeur web",
        "nom_fabrique": "Fabrique E",
        "vague": "2",
        "code_commune": "75056",
        "apprenants": "40",
        "apprenants_femmes": "8",
        "apprenants_neet": "25",
        "subvention_eur": "15000",
        "date_extraction": "2017-06-30",
    },
]


@pytest.fixture
def good(tmp_path) -> Path:
    """A small valid snapshot file of two formations, dated by its name (31 January 2017)."""
    path = tmp_path / "bon-2017-01-31.csv"
    path.write_bytes(make_csv([row(), row(id_formation="F2", code_commune="1004", vague="2")]))
    return path


# Two fabriques written by hand near Lunel (« Ma commune »): one in Montpellier, one in Lunel with two formations.
NEAR_ROWS = [
    row(
        id_formation="M1",
        code_commune="34172",
        nom_fabrique="Fabrique de Montpellier",
        metier="Développeur web",
    ),
    row(
        id_formation="L1",
        code_commune="34145",
        nom_fabrique="Fabrique de Lunel",
        metier="Technicien réseau",
    ),
    row(
        id_formation="L2",
        code_commune="34145",
        nom_fabrique="Fabrique de Lunel",
        metier="Développeur web",
    ),
]


def hand_csv(**changes) -> bytes:
    """The hand-computed snapshot as a CSV file (*changes* set a column on every row, e.g. a date)."""
    return make_csv([{**r, **changes} for r in HAND_ROWS])


@pytest.fixture(scope="session")
def hand():
    """The rows of :func:`hand_csv`, read once: tests read them, never change them."""
    from gen_dash.ingest import read_snapshot

    return read_snapshot(hand_csv(), "a-la-main.csv").rows


# --------------------------------------------------------------------------- the real server, in Chromium

# The marks of a module whose tests need Chromium: skipped, with the reason, on a machine without it.
IN_CHROMIUM = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)]

ARTIFACTS = ROOT / "tests" / "artifacts"
MAP_IFRAME = 'iframe[src*="streamlit_folium"]'


# One server per pytest-xdist worker for the whole run, each with its own log.
SERVER_LOG = ARTIFACTS / f"streamlit-{os.environ.get('PYTEST_XDIST_WORKER', 'seul')}.log"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The dashboard served as a new install serves it, shared by the browser tests of a worker: they read it and
    upload to their own sessions; a test that publishes starts a server of its own (:func:`new_server`)."""
    log = open(ARTIFACTS.mkdir(parents=True, exist_ok=True) or SERVER_LOG, "w")  # noqa: SIM115 - open while it serves
    with log, serving(new_install(tmp_path_factory.mktemp("var-serveur")), output=log) as base:
        yield base


@pytest.fixture
def new_server(tmp_path):
    """A server installed afresh for one test, and the log where it printed its first editor password."""
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "w") as log, serving(new_install(tmp_path / "var"), output=log) as base:
        yield base, log_path


@contextlib.contextmanager
def serving(env: dict[str, str], **options):
    """The base URL of a dashboard server (:func:`tests.support.start_server`) while the block runs."""
    process, base = start_server(env, **options)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def local_tab(browser, base: str):
    """A French browser tab in which every request that is not to *base* is blocked and recorded."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def only_local(route):
        if route.request.url.startswith((base, "data:", "blob:")):
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


@pytest.fixture
def page(browser, server):
    """A French tab on the shared server, every request elsewhere blocked (see :func:`local_tab`)."""
    with local_tab(browser, server) as tab:
        yield tab


def metric_of(tab, label: str) -> str:
    title = tab.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True)
    box = tab.locator('[data-testid="stMetric"]', has=title).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def open_page(tab, server, path: str) -> None:
    tab.goto(f"{server}/{path}")
    tab.locator("h1").first.wait_for()
    tab.wait_for_load_state("networkidle")


def script_finished(tab) -> None:
    """Wait until the page's script has finished (no running indicator, no element left stale) and the elements
    that were dimmed while it ran have faded back in: colours measured before then are not the page's."""
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget], [data-stale=true]')"
    )
    tab.wait_for_timeout(600)  # Streamlit's fade back from stale


def map_frame(
    tab,
    ready: str = "() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 101",
):
    """The map's frame once it shows what *ready* (JavaScript run in the frame) waits for.

    A rerun replaces the map's frame, and Streamlit keeps the old one a moment: a frame that goes away while we wait
    is left for the next one.
    """
    from playwright.sync_api import Error

    deadline = time.monotonic() + 90
    while True:
        try:
            tab.wait_for_function(f"() => document.querySelectorAll('{MAP_IFRAME}').length === 1")
            frame = tab.locator(MAP_IFRAME).element_handle().content_frame()
            if frame is None:  # the iframe is in the page, its document not yet attached
                tab.wait_for_timeout(200)
                continue
            frame.wait_for_function(ready, timeout=10_000)
            tab.wait_for_timeout(500)
            if not frame.is_detached():
                return frame
        except Error:
            if time.monotonic() > deadline:
                raise
