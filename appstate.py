"""Streamlit glue shared by ``app.py`` and the pages: session keys, cached loaders, the current view.

The data work is done by :mod:`gen_dash`; this module only caches it and holds
what one browser session has chosen (territory, snapshot, uploaded file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from gen_dash import config, geo, maps, metrics, sample
from gen_dash.ingest import Snapshot, read_snapshot
from gen_dash.targets import Targets, load_targets

ROOT = Path(__file__).resolve().parent
STATIC_DIR = ROOT / "static"

# Session-state keys (widgets use them as their key).
REGION = "territoire_region"
DEPARTEMENTS = "territoire_departements"
SNAPSHOT = "instantane"
UPLOADER = "depot_fichier"
UPLOADED = "depot_instantane"  # the uploaded file as read: a Snapshot, this session only
UPLOAD_ERROR = "depot_erreur"  # (sha256, French message) of the last unreadable upload
UPLOAD_DATE = "depot_date"
URL_NOTICES = "url_avertissements"
URL_READ = "url_lue"
VIEW = "vue"

UPLOAD_ID = "depot"
# Query-string names of the shareable link.
Q_REGION, Q_DEPARTEMENTS, Q_SNAPSHOT = "region", "dep", "instantane"


@dataclass(frozen=True)
class Entry:
    """A snapshot the user can choose."""

    id: str
    label: str
    date: date | None
    is_sample: bool
    source: str


@dataclass(frozen=True)
class View:
    """What every page shows: the chosen snapshot, filtered to the chosen territory."""

    entry: Entry
    snapshot: Snapshot
    targets: Targets
    region: str | None
    departements: tuple[str, ...]
    rows: gpd.GeoDataFrame
    territory: str

    @property
    def national(self) -> gpd.GeoDataFrame:
        """All accepted rows of the snapshot, whatever the filter."""
        return self.snapshot.rows

    @property
    def filtered(self) -> bool:
        """Whether a territory narrower than France is chosen."""
        return bool(self.region or self.departements)


# --------------------------------------------------------------------------- cached loaders


@st.cache_resource(show_spinner=False)
def targets() -> Targets:
    """The programme's targets (``data/targets.toml``)."""
    return load_targets()


@st.cache_resource(show_spinner=False)
def departements_table() -> pd.DataFrame:
    """Départements without geometry, for the territory filter."""
    return pd.DataFrame(geo.load_departements().drop(columns="geometry"))


@st.cache_resource(show_spinner=False)
def regions_table() -> pd.DataFrame:
    """Régions without geometry, sorted by name."""
    return pd.DataFrame(geo.load_regions().drop(columns="geometry")).sort_values("nom_region")


@st.cache_resource(show_spinner=False)
def sample_entries() -> list[tuple[Entry, str]]:
    """The bundled sample snapshots, newest first, with their path."""
    entries = []
    for path, when in sample.bundled_samples():
        kind = " (export de tableur)" if "tableur" in path.stem else ""
        entries.append((Entry(f"exemple-{when.isoformat()}", f"{fmt_day(when)}, exemple{kind}", when, True, path.name), str(path)))
    return entries


@st.cache_resource(show_spinner="Lecture de l'instantané…", max_entries=16)
def snapshot_from_path(path: str) -> Snapshot:
    """A bundled or published snapshot, read once per server (treat as read-only)."""
    return read_snapshot(path)


@st.cache_resource(show_spinner="Lecture du fichier…", max_entries=8, ttl=3600)
def snapshot_from_upload(digest: str, data: bytes, name: str) -> Snapshot:
    """An uploaded file as read, keyed by its SHA-256 (only its uploader has its bytes)."""
    return read_snapshot(data, name)


@st.cache_resource(show_spinner=False)
def map_assets_dir() -> Path:
    """Leaflet and its plugin, copied once into ``static/vendor`` so the map needs no CDN."""
    return maps.install_assets(STATIC_DIR)


def assets_url() -> str:
    """Where the browser finds ``static/`` (honours ``server.baseUrlPath``)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return ("/" + base if base else "") + "/app/static"


def fmt_day(when: date | None) -> str:
    from gen_dash import fmt

    return fmt.day(when)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- session


def entries() -> list[Entry]:
    """Snapshots this session can choose: its upload first, then the samples, newest first."""
    listed = [entry for entry, _ in sample_entries()]
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None:
        when = uploaded.date or st.session_state.get(UPLOAD_DATE)
        listed.insert(0, Entry(UPLOAD_ID, f"Fichier déposé : {uploaded.name}", when, False, uploaded.name or "fichier déposé"))
    return listed


def load(entry: Entry) -> Snapshot:
    """The snapshot behind *entry*."""
    if entry.id == UPLOAD_ID:
        return st.session_state[UPLOADED]
    path = dict((e.id, p) for e, p in sample_entries())[entry.id]
    return snapshot_from_path(path)


def history(region: str | None, departements: tuple[str, ...]) -> pd.DataFrame:
    """Figures of the territory at every dated snapshot available (the bundled samples for now)."""
    return _history(region, tuple(departements))


@st.cache_data(show_spinner=False, max_entries=256)
def _history(region: str | None, departements: tuple[str, ...]) -> pd.DataFrame:
    dated = [(entry.date, snapshot_from_path(path).rows) for entry, path in sample_entries()]
    return metrics.figures_over_time(dated, region, departements)


def territory_label(region: str | None, departements: tuple[str, ...]) -> str:
    """« France entière », a région's name, or the names of the chosen départements."""
    if departements:
        names = departements_table().set_index("code_departement")["nom_departement"]
        return ", ".join(f"{names[d]} ({d})" for d in departements)
    if region:
        return regions_table().set_index("code_region").loc[region, "nom_region"]
    return "France entière"


def view() -> View:
    """The view ``app.py`` prepared for this run."""
    return st.session_state[VIEW]


def basemap() -> tuple[str, str] | None:
    """The configured basemap, if any."""
    return config.basemap()


def escape_md(text: str) -> str:
    """Text from a file, safe inside Markdown (no link, no emphasis, no HTML)."""
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|~$" else c for c in str(text))


def page_header(title: str) -> View:
    """The page's title and what it shows (snapshot, territory); returns the view."""
    current = view()
    st.title(title)
    when = f"du {fmt_day(current.entry.date)}" if current.entry.date else "non daté"
    st.caption(f"Instantané {when} ({escape_md(current.entry.source)}) · Territoire : {escape_md(current.territory)}")
    return current


def show_chart(chart, key: str | None = None) -> None:
    """A plotly chart with its text alternative, given to screen readers and shown as a caption."""
    st.plotly_chart(chart.figure, key=key, alt=chart.alt, config={"displaylogo": False, "locale": "fr"})
    st.caption(chart.alt)


@st.cache_resource(show_spinner=False)
def communes_table() -> pd.DataFrame:
    """Communes with population and point, without geometry (coverage analysis)."""
    return pd.DataFrame(geo.load_communes().drop(columns="geometry"))
