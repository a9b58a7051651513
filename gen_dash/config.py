"""Paths, settings and limits: every setting is in :data:`SETTINGS`, read by :func:`setting`."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
TARGETS_FILE = DATA_DIR / "targets.toml"
METIERS_FILE = DATA_DIR / "metiers.csv"
SCHEMA_FILE = DATA_DIR / "schema" / "snapshot.schema.json"
PUBLISHED_FILE = DATA_DIR / "chiffres_publies.csv"
PUBLISHED_SCHEMA_FILE = DATA_DIR / "schema" / "chiffres_publies.schema.json"
# Threads that run Arrow kernels (which release the GIL) side by side; a few keep two to eight cores busy.
ARROW_THREADS = min(8, os.cpu_count() or 1)


@dataclass(frozen=True)
class Setting:
    """One deployment setting: its name, its default as the README says it, and what it does."""

    name: str
    default: str
    meaning: str
    secrets: bool = True  # also read from .streamlit/secrets.toml (else the environment only)


# Every setting of the dashboard and the command line, documented in the README's Configuration table (a test holds
# the two together). Each is read by :func:`setting`, at the moment it is needed, so a test or a CLI run can set it.
SETTINGS = (
    Setting(
        "GEN_DASH_DATABASE_URL", "un fichier SQLite dans `var/`", "l'historique (URL SQLAlchemy)"
    ),
    Setting("GEN_DASH_VAR_DIR", "`var/`", "le dossier où le tableau de bord écrit"),
    Setting("GEN_DASH_EDITEURS", "aucune", "adresses électroniques des éditeurs (OpenID Connect)"),
    Setting(
        "GEN_DASH_MOT_DE_PASSE_HASH",
        "celui du mot de passe du premier démarrage",
        "hachage du mot de passe éditeur",
    ),
    Setting("GEN_DASH_MAX_MB", "50", "taille maximale d'un fichier, en Mo"),
    Setting("GEN_DASH_MAX_ROWS", "500 000", "lignes d'un fichier"),
    Setting("GEN_DASH_MAX_COLUMNS", "200", "colonnes d'un fichier"),
    Setting("GEN_DASH_MAX_CELL", "10 000", "caractères d'une cellule"),
    Setting("GEN_DASH_MAX_LINE", "100 000", "octets d'une ligne de CSV"),
    Setting("GEN_DASH_MAX_XLSX_MB", "200", "contenu décompressé d'un classeur, en Mo"),
    Setting("GEN_DASH_READ_SECONDS", "60", "temps de lecture d'un fichier déposé, en secondes"),
    Setting("GEN_DASH_READ_MEMORY_MB", "2 000", "mémoire de lecture d'un fichier déposé, en Mo"),
    Setting(
        "GEN_DASH_MEMOIRE_MAX_MO",
        "1 000",
        "mémoire gardée pour les instantanés publiés lus, et autant pour les dépôts",
    ),
    Setting("GEN_DASH_TILES_URL", "pas de fond", "modèle d'URL des tuiles d'un fond de carte"),
    Setting("GEN_DASH_TILES_ATTRIBUTION", "« Fond de carte »", "attribution du fond de carte"),
    Setting(
        "GEN_DASH_LICENCE",
        "« Licence Ouverte 2.0 »",
        "la licence des données servies par l'API et le flux",
    ),
    Setting("GEN_DASH_API_AUTEURS", "non", "`oui` : l'API nomme qui a publié chaque instantané"),
    Setting(
        "GEN_DASH_MARQUE_ETAT",
        "non",
        "`oui` : le bloc « République française » en tête (services de l'État seulement)",
    ),
    Setting(
        "GEN_DASH_EDITEUR",
        "à renseigner",
        "l'éditeur du service (mentions légales, accessibilité, données personnelles)",
    ),
    Setting(
        "GEN_DASH_DIRECTEUR_PUBLICATION",
        "à renseigner",
        "le directeur ou la directrice de la publication",
    ),
    Setting("GEN_DASH_HEBERGEUR", "à renseigner", "l'hébergeur : nom, adresse, téléphone"),
    Setting(
        "GEN_DASH_CONTACT",
        "à renseigner",
        "l'adresse de contact (accessibilité, données personnelles)",
    ),
    Setting(
        "GEN_DASH_CONSERVATION_JOURS",
        "90",
        "jours de conservation des adresses des connexions éditeur",
    ),
    Setting(
        "GEN_DASH_SECRETS_FILE",
        "`.streamlit/secrets.toml`",
        "le fichier des secrets",
        secrets=False,
    ),
)
BY_SETTING = {s.name: s for s in SETTINGS}


def setting(name: str) -> str | None:
    """A deployment setting (one of :data:`SETTINGS`): the environment variable *name*, else the same key in
    ``.streamlit/secrets.toml``; None when neither gives it. A list in the secrets file comes back comma-separated.

    The dashboard's secrets file is read here too, so the command line, run on the server, sees what the app sees.
    """
    if name not in BY_SETTING:
        raise KeyError(f"{name} n'est pas un réglage du tableau de bord (voir config.SETTINGS)")
    value = os.environ.get(name, "").strip()
    if value or not BY_SETTING[name].secrets:
        return value or None
    found = _secrets(
        Path(
            os.environ.get("GEN_DASH_SECRETS_FILE", "").strip()
            or ROOT / ".streamlit" / "secrets.toml"
        )
    )
    value = found.get(name)
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    return str(value).strip() or None if value not in (None, "") else None


def yes(name: str) -> bool:
    """Whether the setting *name* says yes (``oui``, ``vrai``, ``1``, ``true``); unset is no."""
    return (setting(name) or "").strip().lower() in ("oui", "vrai", "1", "true")


def _secrets(path: Path) -> dict:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    return _parsed_secrets(path, stamp)


@functools.lru_cache(maxsize=4)
def _parsed_secrets(path: Path, _stamp: int) -> dict:  # read again only when the file changes
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return {}


def whole_setting(name: str, default: int) -> int:
    """A positive whole number setting; the default when unset or not one."""
    try:
        value = int((setting(name) or str(default)).replace(" ", "").replace("\u202f", ""))
    except ValueError:
        return default
    return value if value > 0 else default


def var_dir() -> Path:
    """Where the dashboard keeps what it writes (the SQLite store, the first-start editor password's hash):
    ``GEN_DASH_VAR_DIR``, default ``var/`` beside the code (git-ignored)."""
    return Path(setting("GEN_DASH_VAR_DIR") or ROOT / "var")


@dataclass(frozen=True)
class Limits:
    """What one snapshot file may hold; each is checked before the work it bounds (see the file contract)."""

    bytes: int = 50_000_000  # GEN_DASH_MAX_MB
    rows: int = 500_000  # GEN_DASH_MAX_ROWS
    columns: int = 200  # GEN_DASH_MAX_COLUMNS
    cell: int = 10_000  # GEN_DASH_MAX_CELL, characters in one cell
    line: int = 100_000  # GEN_DASH_MAX_LINE, bytes on one line of a CSV file
    xlsx_bytes: int = 200_000_000  # GEN_DASH_MAX_XLSX_MB, a classeur's content once decompressed
    seconds: int = (
        60  # GEN_DASH_READ_SECONDS, time one upload's reading may take (see gen_dash.upload)
    )
    memory: int = 2_000_000_000  # GEN_DASH_READ_MEMORY_MB, memory it may take

    @property
    def shared_strings(self) -> int:
        """Bytes of a classeur's shared texts: a quarter of its content (one cell cannot hide a huge text)."""
        return self.xlsx_bytes // 4


def limits(**changes) -> Limits:
    """The limits as configured, with *changes* (``limits(rows=3)``) on top.

    >>> limits(rows=3).rows, limits(rows=3).columns
    (3, 200)
    """
    mega, base = 1_000_000, Limits()
    configured = Limits(
        bytes=whole_setting("GEN_DASH_MAX_MB", base.bytes // mega) * mega,
        rows=whole_setting("GEN_DASH_MAX_ROWS", base.rows),
        columns=whole_setting("GEN_DASH_MAX_COLUMNS", base.columns),
        cell=whole_setting("GEN_DASH_MAX_CELL", base.cell),
        line=whole_setting("GEN_DASH_MAX_LINE", base.line),
        xlsx_bytes=whole_setting("GEN_DASH_MAX_XLSX_MB", base.xlsx_bytes // mega) * mega,
        seconds=whole_setting("GEN_DASH_READ_SECONDS", base.seconds),
        memory=whole_setting("GEN_DASH_READ_MEMORY_MB", base.memory // mega) * mega,
    )
    return replace(configured, **changes)


def memory_budget() -> int:
    """Bytes the server keeps for the published snapshots it has read, and as many for the files sessions hold
    (``GEN_DASH_MEMOIRE_MAX_MO``, default 1 000; see :mod:`gen_dash.memory`)."""
    return whole_setting("GEN_DASH_MEMOIRE_MAX_MO", 1000) * 1_000_000


def basemap() -> tuple[str, str] | None:
    """Optional basemap: ``GEN_DASH_TILES_URL`` (a tile URL template) and ``GEN_DASH_TILES_ATTRIBUTION``.

    None (the default) draws the map without tiles, so it works on a closed network.
    """
    url = setting("GEN_DASH_TILES_URL")
    if not url:
        return None
    return url, setting("GEN_DASH_TILES_ATTRIBUTION") or "Fond de carte"
