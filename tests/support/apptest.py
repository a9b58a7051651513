"""Driving app.py in Streamlit's AppTest: start it with a link, secrets or a user, upload a file, read the key
figures; the bundled samples the tests open."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from gen_dash import store
from tests.conftest import ROOT
from ui import layout, session

# The pages of the navigation, in its order.
PAGES = [page.path for page in layout.PAGES if page.in_sidebar]
SAMPLES = sorted((ROOT / "data" / "sample").glob("gen-exemple-*.csv"))
MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"
TWIN = ROOT / "data" / "sample" / "propre" / "gen-exemple-2016-12-15.csv"
LATEST = ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv"
# A snapshot whose columns have the names of its sender's tool: none of the contract's (asked for in the mapping).
OWN_NAMES = (
    "id_fs;lib_fs;Structure;insee_com;effectif;femmes;neet\nA;Dév web;Simplon;93048;10;3;5\n"
    "B;Data;Simplon;75112;20;8;12\n"
).encode()


def start(
    query: dict | None = None, secrets: dict | None = None, user: dict | None = None
) -> AppTest:
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


def sample_id(day: str) -> str:
    """The store number of the bundled sample of *day* (loaded on the test session's empty store)."""
    from gen_dash import sample_files

    # as the dashboard does on an empty store
    store.load_samples_once(store.engine(), sample_files.bundled_samples())
    history = store.history(store.engine())
    return str(int(history.loc[history["date_instantane"].astype(str) == day, "id"].iloc[0]))


def upload(at: AppTest, path_or_bytes, name: str) -> AppTest:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    known = session.UPLOADER_VERSION in at.session_state  # AppTest's session state has no get()
    version = at.session_state[session.UPLOADER_VERSION] if known else 0
    at.file_uploader(key=f"{session.UPLOADER}_{version}" if version else session.UPLOADER).upload(
        name, data
    )
    return finish_reading(at.run())


def finish_reading(at: AppTest) -> AppTest:
    """Wait for the file being read (the page runs on meanwhile, with a notice), then run the app again, as the
    page's notice does once the file is read."""
    while session.UPLOAD_READING in at.session_state:
        at.session_state[session.UPLOAD_READING].outcome.exception(timeout=300)  # read, or refused
        at.run()
    assert not at.exception, at.exception
    return at
