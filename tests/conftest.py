"""Shared fixtures: tiny snapshots written inline."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASE_ROW = {
    "id_formation": "F1", "nom_formation": "Développeur web", "nom_fabrique": "Fabrique de Montreuil",
    "vague": "1", "code_commune": "93048", "apprenants": "20", "apprenants_femmes": "6", "apprenants_neet": "11",
}


def make_csv(rows: list[dict], sep: str = ",", encoding: str = "utf-8", header: list[str] | None = None,
             newline: str = "\n") -> bytes:
    """A CSV file from *rows* (dicts of text); the header is the union of their keys unless given."""
    columns = header or list(dict.fromkeys(k for row in rows for k in row))
    lines = [sep.join(columns)]
    keys = list(dict.fromkeys(k for row in rows for k in row)) if header else columns
    for row in rows:
        lines.append(sep.join(str(row.get(k, "")) for k in keys))
    return (newline.join(lines) + newline).encode(encoding)


def row(**changes) -> dict:
    """The base valid row with *changes* (None removes a key)."""
    out = dict(BASE_ROW)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return ROOT / "data" / "sample"


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory):
    """Every test session gets its own SQLite store (never the developer's ``var/``)."""
    path = tmp_path_factory.mktemp("store") / "gen-dash.sqlite3"
    previous = os.environ.get("GEN_DASH_DATABASE_URL")
    os.environ["GEN_DASH_DATABASE_URL"] = f"sqlite:///{path}"
    yield path
    if previous is None:
        os.environ.pop("GEN_DASH_DATABASE_URL", None)
    else:
        os.environ["GEN_DASH_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (tests that need it are skipped without it)."""
    import shutil

    from playwright.sync_api import sync_playwright

    executable = os.environ.get("GEN_DASH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("Chromium absent : `apt-get install chromium` (Debian) pour les tests navigateur")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()
