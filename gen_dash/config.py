"""Paths and limits, overridable by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
TARGETS_FILE = DATA_DIR / "targets.toml"
SCHEMA_FILE = DATA_DIR / "schema" / "snapshot.schema.json"
# Threads that run Arrow kernels (which release the GIL) side by side; a few keep two to eight cores busy.
ARROW_THREADS = min(8, os.cpu_count() or 1)


def _int_env(name: str, default: int) -> int:
    """A positive whole number from the environment; the default when unset or not one."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def var_dir() -> Path:
    """Where the dashboard keeps what it writes (the SQLite store, the first-start editor password's hash):
    ``GEN_DASH_VAR_DIR``, default ``var/`` beside the code (git-ignored)."""
    return Path(os.environ.get("GEN_DASH_VAR_DIR", "").strip() or ROOT / "var")


@dataclass(frozen=True)
class Limits:
    """What one snapshot file may hold; each is checked before the work it bounds (see the file contract)."""

    bytes: int = 50_000_000  # GEN_DASH_MAX_MB
    rows: int = 500_000  # GEN_DASH_MAX_ROWS
    columns: int = 200  # GEN_DASH_MAX_COLUMNS
    cell: int = 10_000  # GEN_DASH_MAX_CELL, characters in one cell
    line: int = 100_000  # GEN_DASH_MAX_LINE, bytes on one line of a CSV file
    xlsx_bytes: int = 200_000_000  # GEN_DASH_MAX_XLSX_MB, a classeur's content once decompressed
    seconds: int = 60  # GEN_DASH_READ_SECONDS, time one upload's reading may take (see gen_dash.upload)
    memory: int = 2_000_000_000  # GEN_DASH_READ_MEMORY_MB, memory it may take

    @property
    def shared_strings(self) -> int:
        """Bytes of a classeur's shared texts: a quarter of its content (one cell cannot hide a huge text)."""
        return self.xlsx_bytes // 4


def limits(**changes) -> Limits:
    """The limits as configured by the environment, with *changes* (``limits(rows=3)``) on top."""
    mega = 1_000_000
    configured = Limits(
        bytes=_int_env("GEN_DASH_MAX_MB", 50) * mega,
        rows=_int_env("GEN_DASH_MAX_ROWS", Limits.rows),
        columns=_int_env("GEN_DASH_MAX_COLUMNS", Limits.columns),
        cell=_int_env("GEN_DASH_MAX_CELL", Limits.cell),
        line=_int_env("GEN_DASH_MAX_LINE", Limits.line),
        xlsx_bytes=_int_env("GEN_DASH_MAX_XLSX_MB", 200) * mega,
        seconds=_int_env("GEN_DASH_READ_SECONDS", Limits.seconds),
        memory=_int_env("GEN_DASH_READ_MEMORY_MB", 2000) * mega,
    )
    return replace(configured, **changes)


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
