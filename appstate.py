"""Streamlit glue shared by ``app.py`` and the pages: session keys, cached loaders, the current view, roles.

The data work is done by :mod:`gen_dash`; this module only caches it and holds
what one browser session has chosen (territory, snapshot, uploaded file).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import pickle
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

# Imported at start-up (the launcher's warm-up run), not by the first session that opens a map: streamlit_folium
# (with folium) and gen_dash.maps (mapclassify, with scipy.stats, sklearn and matplotlib) cost ~1.8 s of imports.
import streamlit_folium  # noqa: F401

import gen_dash.maps  # noqa: F401 - see streamlit_folium above
from gen_dash import (
    assets,
    charts,
    commune,
    compare,
    config,
    coverage,
    epci,
    fmt,
    geo,
    legal,
    memory,
    metrics,
    objectives,
    open_data,
    sample,
    store,
    upload,
)
from gen_dash.snapshot import Snapshot
from gen_dash.targets import Targets, load_targets
from gen_dash.territory import Territory

ROOT = Path(__file__).resolve().parent
STATIC_DIR = ROOT / "static"

# Session-state keys (widgets use them as their key).
REGION = "territoire_region"
DEPARTEMENTS = "territoire_departements"
EPCI = "territoire_epci"
GO_TO = "aller_a"  # a page a button asked to open at the next run (ui.territory.go_to)
COMMUNE_SEARCH = "commune_recherche"
SNAPSHOT = "instantane"
UPLOADER = "depot_fichier"  # the uploader's key; after a publication it gets a new one (see uploader_key)
UPLOADER_VERSION = "depot_version"
UPLOADED = "depot_instantane"  # the uploaded file as read: a Snapshot, this session only
UPLOADED_FILE = "depot_octets"  # (name, bytes) of that file, kept to publish it unchanged
UPLOAD_ERROR = "depot_erreur"  # (upload's file id, French message, columns missing?) of the last unread upload
UPLOAD_DATE = "depot_date"
UPLOAD_MISSING = "depot_colonnes_manquantes"  # (upload's file id, missing canonical columns, the file's headers, guess)
MAPPING_COLUMN = "correspondance_colonne_"  # + canonical name: the file column chosen for it
MAPPING_VALUE = "correspondance_valeur_"  # + canonical name: the value given for every row
MAPPING_IDS = "correspondance_identifiant_genere"  # the form's « générer un identifiant stable »
URL_NOTICES = "url_avertissements"
URL_READ = "url_lue"
VIEW = "vue"
PASSWORD = "editeur_mot_de_passe"
PASSWORD_MESSAGE = "editeur_message"
PUBLISH_DATE = "publication_date"
PUBLISH_LABEL = "publication_libelle"
PUBLISH_AUTHOR = "publication_auteur"
PUBLISH_MESSAGE = "publication_message"  # ("success" or "error", French text), shown once
PUBLISH_PENDING = "publication_a_confirmer"  # what the editor is about to publish, shown for confirmation
PUBLISHED_NOTICE = "publication_faite"  # the main area's « publié » notice, shown once
WITHDRAW_CHOICE = "retrait_choix"
WITHDRAW_MESSAGE = "retrait_message"  # ("success" or "error", French text), shown once

UPLOAD_ID = "depot"
NOT_GIVEN = "non renseigné"
# Query-string names of the shareable link.
Q_REGION, Q_DEPARTEMENTS, Q_EPCI, Q_SNAPSHOT = "region", "dep", "epci", "instantane"


@dataclass(frozen=True)
class Entry:
    """A snapshot the user can choose: a published one (its number as text) or this session's upload."""

    id: str
    label: str
    date: date | None
    is_sample: bool
    file_name: str  # the file as it was sent (or the sample's)
    replaced: str | None = None  # « remplacé par le n° 7 (publié le 01/12/2026) »: another one counts for its date
    detail: str = ""  # the whole description, said under the selector (the label is short enough to fit in it)
    sha256: str = ""  # of the file as published (an upload's is computed when a sheet needs it)
    libelle: str = ""  # the label it was published under

    @property
    def is_upload(self) -> bool:
        """Whether this is the session's own, unpublished upload."""
        return self.id == UPLOAD_ID


@dataclass(frozen=True)
class View:
    """What every page shows: the chosen snapshot, filtered to the chosen territory."""

    entry: Entry
    snapshot: Snapshot
    targets: Targets
    territory: Territory
    rows: gpd.GeoDataFrame  # the territory's rows
    entries: tuple[Entry, ...]  # every snapshot this session can choose, as listed in the sidebar

    @property
    def national(self) -> gpd.GeoDataFrame:
        """All accepted rows of the snapshot, whatever the filter."""
        return self.snapshot.rows

    @property
    def published_dates(self) -> list[date]:
        """The dates of the published snapshots (the session's upload is not published)."""
        return [e.date for e in self.entries if not e.is_upload and e.date]

    @property
    def missing(self) -> str:
        """What a table shows where a figure has no value: « non renseigné » for a list snapshot (no learner count)."""
        return NOT_GIVEN if self.snapshot.list_only else "–"


# --------------------------------------------------------------------------- cached loaders


@st.cache_resource(show_spinner=False)
def targets() -> Targets:
    """The programme's targets (``data/targets.toml``)."""
    return load_targets()


@st.cache_resource(show_spinner=False)
def departements_table() -> pd.DataFrame:
    """Départements without geometry, for the territory filter."""
    return geo.departements_table()


@st.cache_resource(show_spinner=False)
def regions_table() -> pd.DataFrame:
    """Régions without geometry, sorted by name."""
    return geo.regions_table().sort_values("nom_region")


@st.cache_resource(show_spinner=False)
def epci_table() -> pd.DataFrame:
    """The EPCI (:func:`gen_dash.epci.epci_table`)."""
    return epci.epci_table()


@st.cache_resource(show_spinner=False)
def communes_table() -> pd.DataFrame:
    """Communes with population and point, without geometry (coverage analysis)."""
    return geo.communes_table()


@st.cache_resource(show_spinner="Ouverture de l'historique…")
def _engine(url: str):
    engine = store.engine(url)
    store.load_samples_once(engine, sample.bundled_samples())
    return engine


@st.cache_resource(show_spinner=False, ttl=30)
def _store_problem(url: str) -> str | None:
    # Asked again every 30 s, not at every call: an unreachable server costs its timeout once, and the store is used
    # again soon after it comes back.
    try:
        store.check(_engine(url))
    except store.StoreUnavailable as exc:
        return str(exc)
    return None


@st.cache_resource(show_spinner=False)
def _fallback_url() -> str:
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='gen-dash-secours-')) / 'exemples.sqlite3'}"


def store_url() -> str:
    """The store's URL; when it cannot be reached, a temporary store of the bundled samples (see :func:`store_problem`)."""
    return _fallback_url() if store_problem() else store.database_url()


def store_problem() -> str | None:
    """Why the shared store cannot be used now (French), or None when it can."""
    try:
        return _store_problem(store.database_url())
    except store.StoreUnavailable as exc:
        return str(exc)


def engine():
    """The store's engine (schema ensured, samples loaded on an empty store), or the fallback's."""
    return _engine(store_url())


def shared_values() -> memory.SharedCache:
    """What this server shares between its sessions and the API's requests (the published snapshots it has read, what
    pages computed from them, the history's figures, built charts), within its memory budget in bytes."""
    return memory.shared_cache()


def _kept(key: tuple, compute, size=memory.size_of):
    """A copy of the value shared under *key* (computed by *compute* once per server): a page may change what it is
    given, no other session may see it."""
    return _copied(shared_values().get(key, compute, size))


def _copied(value):
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copied(v) for v in value)
    return value


@st.cache_resource(show_spinner=False)
def held_uploads() -> memory.HeldUploads:
    """The bytes of the uploads this server's sessions hold, within its memory budget."""
    return memory.HeldUploads(config.memory_budget())


def _published(url: str, snapshot_id: int) -> Snapshot:
    # Published snapshots are immutable: read once, shared by every session (read-only, not copied: pages filter
    # them), the least used let go when the budget is reached.
    _engine(url)  # the samples loaded on a new store
    return open_data.published_snapshot(url, snapshot_id)


def published(snapshot_id: int) -> Snapshot:
    """A published snapshot, cached."""
    return _published(store_url(), snapshot_id)


# --------------------------------------------------------------------------- work shared by every session

# What a page computes from a snapshot and a few values only: for a published snapshot, computed once per server and
# given to every session that asks (a copy each), the least used forgotten beyond the memory budget (shared_values).
# An upload is one session's: computed for it alone. Each work receives the snapshot as a _Work: its rows, and the
# other work of the same snapshot (the fabriques are computed once, not once per radius).
_WORK = {
    "figures": lambda of, level="departement": metrics.figures_by_territory(of.rows, level),
    "fabriques": lambda of, territory=None: metrics.fabriques_of(territory.apply(of.rows) if territory else of.rows),
    # Small results only: a session gets a copy of what it asks for (the communes' distances are 35,000 rows).
    "coverage": lambda of, territory, radius: _coverage_of(of("fabriques"), territory, radius),
    "suggestions": lambda of, territory, k, radius, population, white: coverage.suggest_sites(
        territory.apply(communes_table()), of("fabriques"), k, radius, population, white),
    "headline": lambda of, territory, goals: metrics.headline_figures(territory.apply(of.rows), goals, territory, of.rows),
    "beside_nation": lambda of, territory, goals: metrics.compare_with_nation(territory.apply(of.rows), of.rows, goals,
                                                                              territory),
    "progress": lambda of, territory, goals: metrics.progress_by_wave(territory.apply(of.rows), goals,
                                                                      None if territory.national else of.rows),
    "objectives": lambda of, territory, goals, dates, today: objectives.objective_lines(
        territory.apply(of.rows), of.rows, territory, goals, communes_table(), list(dates), today),
    "metiers": lambda of, territory=None: (metrics.figures_by_metier(territory.apply(of.rows), of.rows) if territory
                                           else metrics.figures_by_metier(of.rows)),
    # Where one métier family is trained: its figures by département and its fabriques; then the coverage of a
    # territory by them.
    "metier": lambda of, famille: _metier_place(metrics.of_metier(of.rows, famille)),
    "metier_coverage": lambda of, famille, territory, radius: _coverage_of(of("metier", famille)["fabriques"], territory,
                                                                          radius),
    # Ma commune: a few rows, the same for everyone who asks about that commune.
    "near_commune": lambda of, code, radius: commune.near_commune(commune.find_commune(code).one, of("fabriques"),
                                                                  of.rows, radius),
}


class _Work:
    """A snapshot as shared work sees it: its rows, and (called) the other work of the same snapshot."""

    def __init__(self, rows: pd.DataFrame | None = None, published: tuple[str, int] | None = None):
        self._rows, self.published = rows, published  # published: (store URL, number); None for an upload

    @property
    def rows(self) -> pd.DataFrame:
        # Read when a work needs them: a result still kept needs no snapshot in memory.
        return self._rows if self.published is None else _published(*self.published).rows

    def __call__(self, work: str, *arguments):
        """``_WORK[work]`` of this snapshot: shared and read-only for a published one (a work must not change it)."""
        if self.published is None:
            return _WORK[work](self, *arguments)
        return shared_values().get((*self.published, work, arguments), lambda: _WORK[work](self, *arguments))


def _metier_place(rows: pd.DataFrame) -> dict:
    return {"figures": metrics.figures_by_territory(rows), "fabriques": metrics.fabriques_of(rows)}


def _coverage_of(fabriques: pd.DataFrame, territory: Territory, radius: float) -> dict:
    """:func:`gen_dash.coverage.coverage_summary` of the territory's communes by *fabriques* (all of them: a fabrique
    across the border counts)."""
    distances = coverage.nearest_fabrique(territory.apply(communes_table()), fabriques)
    return coverage.coverage_summary(distances, fabriques, sorted(territory.codes), radius)


def shared(current: View, work: str, *arguments):
    """``_WORK[work]`` of the view's snapshot (all its rows) and *arguments*, computed once per server for a published
    snapshot (see :func:`shared_values`), a copy for this session."""
    if current.entry.is_upload:
        return _Work(rows=current.national)(work, *arguments)
    return _copied(_Work(published=(store_url(), int(current.entry.id)))(work, *arguments))


def near_commune(current: View, place: pd.Series, radius: float) -> commune.Near:
    """:func:`gen_dash.commune.near_commune` of *place* in the view's snapshot (all of it: the nearest fabrique may
    be across a border), shared between sessions."""
    return shared(current, "near_commune", place["code_commune"], radius)


@st.cache_resource(show_spinner=False)
def start_reading_process() -> None:
    """The process uploads are read in, started when the server first runs the app (its warm-up), not at the first
    upload."""
    upload.start()


@st.cache_resource(show_spinner=False)
def warn_unset_settings() -> None:
    """Once per server: the legal settings still unset, in its log (their pages show a placeholder meanwhile)."""
    missing = legal.unset_settings()
    if missing:
        logging.getLogger("gen_dash").warning("Mentions légales incomplètes : réglez %s (voir le README, Configuration).",
                                              ", ".join(missing))


@st.cache_resource(show_spinner=False)
def freeze_start_up_objects() -> None:
    """At the end of the server's first run: what start-up made (modules, reference tables, caches) is set aside from
    the garbage collector, which Streamlit runs after every script run; it then walks only what sessions made."""
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def map_assets_dir() -> Path:
    """Leaflet and its plugin, copied once into ``static/vendor`` so the map needs no CDN."""
    return assets.install_assets(STATIC_DIR)


def map_settings() -> dict:
    """What every map of :mod:`gen_dash.maps` needs from the server: where the browser finds ``static/`` (honouring
    ``server.baseUrlPath``) and the configured basemap, if any."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return {"assets_url": ("/" + base if base else "") + "/app/static", "tiles": config.basemap()}


# --------------------------------------------------------------------------- snapshots of this session


def entries() -> list[Entry]:
    """Snapshots this session can choose: its upload first, then the published history, newest first.

    One query to the store; ``app.py`` makes it once per run and pages read :attr:`View.entries`.
    """
    try:
        listed = list(_published_entries(store_url()))
    except store.StoreUnavailable:  # it answered a moment ago: ask again now, and use the fallback if it does not
        _store_problem.clear()
        listed = list(_published_entries(store_url()))
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None:
        when = uploaded.date or st.session_state.get(UPLOAD_DATE)
        listed.insert(0, Entry(UPLOAD_ID, f"Fichier déposé : {uploaded.name}", when, False, uploaded.name or "fichier déposé",
                               detail=f"Fichier déposé, non publié : {uploaded.name}"))
    return listed


def _published_entries(url: str) -> tuple[Entry, ...]:
    # Keyed by the history's version: a publication or a withdrawal, by any server, is seen at the next run.
    return _kept(("historique", url, store.history_version(_engine(url))), lambda: _entries_of(url))


def _entries_of(url: str) -> tuple[Entry, ...]:
    listed = []
    for r in store.history(_engine(url)).itertuples():
        replaced = (None if r.compte else
                    f"remplacé par le n° {r.remplace_par} (publié le {pd.Timestamp(r.remplace_le):%d/%m/%Y})")
        detail = (f"{fmt.day(r.date_instantane)} · {r.libelle} ({fmt.number(r.lignes_acceptees)} lignes"
                  + ("" if r.exemple else f", {r.publie_par}") + (", remplacé" if replaced else "") + ")")
        short = ("exemple" if r.exemple else r.libelle) + (" (remplacé)" if replaced else "")
        listed.append(Entry(str(r.id), f"{fmt.short_day(r.date_instantane)} · {short}", r.date_instantane, bool(r.exemple),
                            r.nom_fichier, replaced, detail, r.sha256, r.libelle))
    return tuple(listed)


def view_of(entry: Entry, territory: Territory, listed: list[Entry]) -> View:
    """The view of *entry*'s snapshot for *territory*, among the snapshots *listed*."""
    snapshot = load(entry)
    return View(entry, snapshot, targets(), territory, territory.apply(snapshot.rows), tuple(listed))


def load(entry: Entry) -> Snapshot:
    """The snapshot behind *entry*."""
    if entry.id == UPLOAD_ID:
        return st.session_state[UPLOADED]
    return published(int(entry.id))


def history(current: View) -> pd.DataFrame:
    """Figures of the view's territory at every published snapshot that counts for its date (one per date: the last
    published), see :func:`gen_dash.metrics.figures_over_time`."""
    ids = tuple(int(e.id) for e in current.entries if not e.is_upload and e.replaced is None)
    url, territory = store_url(), current.territory
    # Counted at publication and stored: no snapshot is read back (20 of 10,000 rows took 2.8 s).
    return _kept(("evolution", url, ids, territory), lambda: store.figures_over_time(_engine(url), list(ids), territory))


def pace_history(current: View) -> tuple[pd.DataFrame, str]:
    """The history the pace is computed on, and a sentence saying what it holds.

    A published snapshot on screen: the published history. The session's upload: the published history plus the
    upload, when its date comes after the last published one (otherwise the upload is left out, and the sentence
    says why).
    """
    published_history = history(current)
    span = (f"{len(published_history)} instantané(s) publié(s) daté(s), du {fmt.day(published_history.index.min())} au "
            f"{fmt.day(published_history.index.max())}" if len(published_history) else "aucun instantané publié")
    if not current.entry.is_upload:
        return published_history, f"Rythme calculé sur {span}."
    when = current.entry.date
    if when is None:
        return published_history, f"Rythme calculé sur {span} ; votre fichier déposé n'est pas daté : il n'y entre pas."
    if len(published_history) and when <= published_history.index.max():
        return published_history, (f"Rythme calculé sur {span} ; votre fichier déposé, daté du {fmt.day(when)}, "
                                   "n'y entre pas : il ne vient pas après le dernier instantané publié.")
    own = metrics.figures_over_time([(when, current.snapshot.rows)], current.territory)
    return (pd.concat([published_history, own]),
            f"Rythme calculé sur {span}, et sur votre fichier déposé (non publié) du {fmt.day(when)}.")


def default_comparison(current: View) -> tuple[str, str]:
    """The pair Comparer opens on: the snapshot on screen (after) and the one that counts just before it (before):
    for an upload, the latest published snapshot dated before the upload's date."""
    after = current.entry
    earlier = [e for e in current.entries if not e.is_upload and e.replaced is None and e.id != after.id
               and (after.date is None or e.date is None or e.date < after.date)]
    others = [e for e in current.entries if e.id != after.id]
    before = earlier[0] if earlier else others[0]
    return before.id, after.id


def comparison(current: View, before: Entry, after: Entry) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The formations of the view's territory added, removed or changed from *before* to *after*
    (:func:`gen_dash.compare.diff_snapshots`), and every headline figure before and after
    (:func:`gen_dash.compare.headline_changes`); for two published snapshots, computed once per server."""
    if before.is_upload or after.is_upload:
        return _compared(load(before).rows, load(after).rows, current.territory, current.targets)
    url, territory, goals = store_url(), current.territory, current.targets
    return _kept(("comparaison", url, before.id, after.id, territory, goals),
                 lambda: _compared(_published(url, int(before.id)).rows, _published(url, int(after.id)).rows, territory,
                                   goals))


def _compared(before: pd.DataFrame, after: pd.DataFrame, territory: Territory, goals: Targets):
    before, after = territory.apply(before), territory.apply(after)
    return compare.diff_snapshots(before, after), compare.headline_changes(before, after, goals)


def territory_of(region: str | None, departements, epci_code: str | None = None) -> Territory:
    """The territory of *region* and *departements* (or of the EPCI *epci_code*, seen from *region*)."""
    if epci_code:
        return _epci_territory(epci_code, region)
    return Territory.of(region, tuple(departements or ()), departements_table())


@st.cache_resource(show_spinner=False, max_entries=2000)
def _epci_territory(code: str, region: str | None) -> Territory:
    return Territory.of_epci(code, region, departements_table(), epci_table())


def view() -> View:
    """The view ``app.py`` prepared for this run."""
    return st.session_state[VIEW]


# --------------------------------------------------------------------------- who may publish


def uploader_key() -> str:
    """The uploader's key: a new one after each publication, so that the published file leaves the widget too."""
    version = st.session_state.get(UPLOADER_VERSION, 0)
    return UPLOADER if not version else f"{UPLOADER}_{version}"


# --------------------------------------------------------------------------- page helpers


def escape_md(text: str) -> str:
    """Text from a file, safe inside Markdown (no link, no emphasis, no HTML)."""
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|~$" else c for c in str(text))


def page_header(title: str) -> View:
    """The page's title and what it shows (snapshot, territory); returns the view."""
    current = view()
    st.title(title)
    when = f"du {fmt.day(current.entry.date)}" if current.entry.date else "non daté"
    st.caption(f"Instantané {when} ({escape_md(current.entry.file_name)}) · Territoire : {escape_md(current.territory.label)}")
    return current


def sheet_pdf(current: View, indicator: str = "fabriques") -> bytes:
    """The « fiche territoire » of the view (:func:`gen_dash.fiche.territory_sheet`): built when its button is clicked."""
    from gen_dash import fiche

    entry = current.entry
    digest = entry.sha256
    if entry.is_upload and st.session_state.get(UPLOADED_FILE):
        digest = store.sha256(st.session_state[UPLOADED_FILE][1])
    source = fiche.Source(entry.file_name, entry.date, entry.libelle, digest, entry.is_sample)
    return fiche.territory_sheet(current.rows, current.national, current.territory, current.targets, source,
                                 communes_table(), indicator)


def map_image(current: View, indicator: str, image_format: str) -> bytes:
    """The map page's static twin as PNG or SVG (:func:`gen_dash.static_map.map_image`)."""
    from gen_dash import static_map

    return static_map.map_image(shared(current, "figures"), shared(current, "fabriques"), indicator, current.territory,
                                current.targets.quota(indicator), image_format).data


def show_chart(build, *args, key: str | None = None, **kwargs) -> None:
    """The chart ``build(*args, **kwargs)`` (a function of :mod:`gen_dash.charts`) with its text alternative (given to
    screen readers as its name, and shown as a caption), then its figures as a table (« voir les données », the pattern
    of the State's design system). Built once per server for the same values, and shared (read only)."""
    # Plotly validates every property as a figure is built: most of a chart page's CPU. The same values (a published
    # history, a territory's waves) give the same figure, shared read-only (Streamlit serialises a copy of it).
    name = build.__name__
    values = hashlib.sha256(pickle.dumps((args, kwargs))).hexdigest()
    chart = shared_values().get(("graphique", name, values), lambda: getattr(charts, name)(*args, **kwargs),
                                lambda c: len(c.figure.to_json()) + memory.size_of(c.data))
    st.plotly_chart(chart.figure, key=key, alt=chart.alt, theme=None, config={"displayModeBar": False})
    st.caption(chart.alt)
    if chart.data is not None and len(chart.data):
        with st.expander(f"Voir les données : {chart.alt.split(' (')[0].split(' : ')[0]}"):
            st.table(chart.data.set_index(chart.data.columns[0]))


def show_outcome(key: str, where=st) -> None:
    """Show, once, the outcome an action left under *key* (a success or an error)."""
    outcome = st.session_state.pop(key, None)
    if outcome:
        (where.success if outcome[0] == "success" else where.error)(outcome[1])
