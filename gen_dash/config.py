"""Paths and limits, overridable by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
TARGETS_FILE = DATA_DIR / "targets.toml"
SCHEMA_FILE = DATA_DIR / "schema" / "snapshot.schema.json"


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def var_dir() -> Path:
    """Where the dashboard keeps what it writes (the SQLite store, the first-start editor password's hash):
    ``GEN_DASH_VAR_DIR``, default ``var/`` beside the code (git-ignored)."""
    return Path(os.environ.get("GEN_DASH_VAR_DIR", "").strip() or ROOT / "var")


def max_upload_bytes() -> int:
    """Largest snapshot file accepted, in bytes (``GEN_DASH_MAX_MB``, default 50)."""
    return _int_env("GEN_DASH_MAX_MB", 50) * 1_000_000


def max_rows() -> int:
    """Largest number of rows accepted in one snapshot (``GEN_DASH_MAX_ROWS``, default 500 000)."""
    return _int_env("GEN_DASH_MAX_ROWS", 500_000)


def basemap() -> tuple[str, str] | None:
    """Optional basemap: ``GEN_DASH_TILES_URL`` (a tile URL template) and ``GEN_DASH_TILES_ATTRIBUTION``.

    None (the default) draws the map without tiles, so it works on a closed network.
    """
    url = os.environ.get("GEN_DASH_TILES_URL", "").strip()
    if not url:
        return None
    return url, os.environ.get("GEN_DASH_TILES_ATTRIBUTION", "Fond de carte").strip()


def setting(name: str) -> str | None:
    """A deployment setting: the environment variable *name*, else the same key in ``.streamlit/secrets.toml``.

    The dashboard's secrets file is read directly so the command line, run on the server, sees what the app sees.
    """
    value = os.environ.get(name, "").strip()
    if value:
        return value
    secrets = Path(os.environ.get("GEN_DASH_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    if secrets.is_file():
        import tomllib

        try:
            found = tomllib.loads(secrets.read_text(encoding="utf-8")).get(name)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None
        return str(found).strip() if found else None
    return None
