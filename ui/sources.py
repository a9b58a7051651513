"""Which snapshot is shown: the shared history (its store, or a fallback of the bundled samples when the store does
not answer), this session's upload, the entries of the sidebar's selector and the view every page reads.

Published snapshots are immutable: read once per server and shared by every session (read only); the upload is
the session's own (:data:`ui.session.UPLOADED`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from gen_dash import compare, fmt, open_data, sample_files, store, trend
from gen_dash.snapshot import Snapshot
from gen_dash.targets import Targets
from gen_dash.territory import Territory
from ui import cache, reference, session


@dataclass(frozen=True)
class Entry:
    """A snapshot the user can choose: a published one (its number as text) or this session's upload."""

    id: str
    label: str
    date: date | None
    is_sample: bool
    file_name: str  # the file as it was sent (or the sample's)
    replaced: str | None = (
        None  # « remplacé par le n° 7 (publié le 01/12/2026) »: another one counts for its date
    )
    detail: str = ""  # the whole description, said under the selector (the label is short enough to fit in it)
    sha256: str = ""  # of the file as published (an upload's is computed when a sheet needs it)
    libelle: str = ""  # the label it was published under

    @property
    def is_upload(self) -> bool:
        """Whether this is the session's own, unpublished upload."""
        return self.id == session.UPLOAD_ID


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
    def file_stem(self) -> str:
        """The start of every file a page offers: ``gen-<date of the snapshot>-<territory>``."""
        return f"gen-{self.entry.date or 'sans-date'}-{self.territory.slug}"

    @property
    def missing(self) -> str:
        """What a table shows where a figure has no value: « non renseigné » for a list snapshot (no learner count)."""
        return session.NOT_GIVEN if self.snapshot.list_only else "–"


# --------------------------------------------------------------------------- the store


@st.cache_resource(show_spinner="Ouverture de l'historique…")
def _engine(url: str):
    engine = store.engine(url)
    store.load_samples_once(engine, sample_files.bundled_samples())
    return engine


@st.cache_resource(show_spinner=False, ttl=10)
def _store_problem(url: str) -> str | None:
    # Asked again every 10 s, not at every call: an unreachable server costs its timeout once in a while, and a store
    # that comes back (a PostgreSQL restart) is used again, publication included, within 10 s.
    try:
        store.check(_engine(url))
    except store.StoreUnavailable as exc:
        return str(exc)
    return None


@st.cache_resource(show_spinner=False)
def _fallback_url() -> str:
    return f"sqlite:///{Path(tempfile.mkdtemp(prefix='gen-dash-secours-')) / 'exemples.sqlite3'}"


@st.cache_resource(show_spinner=False)
def _last_listings() -> dict[str, tuple[Entry, ...]]:
    """The history each store last gave this server: what its pages keep showing while the store does not answer."""
    return {}


def store_url() -> str:
    """The store's URL. When it cannot be reached: still its URL if it answered this server before (its history is
    shown as last read, the snapshots already read stay, see :func:`entries`), else a temporary store of the bundled
    samples (see :func:`store_problem`)."""
    if not store_problem():
        return store.database_url()
    try:
        url = store.database_url()
    except store.StoreUnavailable:
        return _fallback_url()
    return url if url in _last_listings() else _fallback_url()


def history_kept() -> bool:
    """Whether the shared store does not answer now but did before: its history is shown as this server last read
    it, and publication waits for it."""
    return bool(store_problem()) and store_url() != _fallback_url()


def store_problem() -> str | None:
    """Why the shared store cannot be used now (French), or None when it can."""
    try:
        url = store.database_url()
    except store.StoreUnavailable as exc:
        return str(exc)
    try:
        return _store_problem(url)
    except KeyError:
        # Streamlit 1.67 reads a cached value in two steps, « is it there? » then « read it », each against the clock:
        # an answer whose 10 s run out between the two raised KeyError, and the page showed Streamlit's error (seen
        # once, on a loaded machine). Asked again, the cache finds it gone and asks the store.
        return _store_problem(url)


def engine():
    """The store's engine (schema ensured, samples loaded on an empty store), or the fallback's."""
    return _engine(store_url())


def published_snapshot(url: str, snapshot_id: int) -> Snapshot:
    """The published snapshot *snapshot_id* of the store at *url*: read once, shared by every session (read-only,
    not copied: pages filter them), the least used let go when the budget is reached."""
    _engine(url)  # the samples loaded on a new store
    return open_data.published_snapshot(url, snapshot_id)


def published(snapshot_id: int) -> Snapshot:
    """A published snapshot of the store in use, cached."""
    return published_snapshot(store_url(), snapshot_id)


# --------------------------------------------------------------------------- snapshots of this session


def entries() -> list[Entry]:
    """Snapshots this session can choose: its upload first, then the published history, newest first.

    One query to the store; ``app.py`` makes it once per run and pages read :attr:`View.entries`.
    """
    listed = _listing(store_url())
    uploaded = st.session_state.get(session.UPLOADED)
    if uploaded is not None:
        when = uploaded.date or st.session_state.get(session.UPLOAD_DATE)
        listed.insert(
            0,
            Entry(
                session.UPLOAD_ID,
                f"Fichier déposé : {uploaded.name}",
                when,
                False,
                uploaded.name or "fichier déposé",
                detail=f"Fichier déposé, non publié : {uploaded.name}",
            ),
        )
    return listed


def _listing(url: str) -> list[Entry]:
    """The history of the store at *url*; while it does not answer, as this server last read it (a PostgreSQL
    restart must not turn every page into the samples), or the fallback's when it never answered."""
    last = _last_listings()
    # known not to answer: what it last gave, without waiting for it
    if url in last and store_problem():
        return list(last[url])
    try:
        listed = _published_entries(url)
    except store.StoreUnavailable:
        _store_problem.clear()  # it answered a moment ago: said unavailable from now on
        return list(last[url]) if url in last else list(_published_entries(_fallback_url()))
    if url != _fallback_url():
        last[url] = listed
    return list(listed)


def _published_entries(url: str) -> tuple[Entry, ...]:
    # Keyed by the history's version: a publication or a withdrawal, by any server, is seen at the next run.
    return cache.kept(
        ("historique", url, store.history_version(_engine(url))), lambda: _entries_of(url)
    )


def _entries_of(url: str) -> tuple[Entry, ...]:
    listed = []
    for r in store.history(_engine(url)).itertuples():
        replaced = (
            None
            if r.compte
            else f"remplacé par le n° {r.remplace_par} (publié le {pd.Timestamp(r.remplace_le):%d/%m/%Y})"
        )
        detail = (
            f"{fmt.day(r.date_instantane)} · {r.libelle} ({fmt.number(r.lignes_acceptees)} lignes"
            + ("" if r.exemple else f", {r.publie_par}")
            + (", remplacé" if replaced else "")
            + ")"
        )
        short = ("exemple" if r.exemple else r.libelle) + (" (remplacé)" if replaced else "")
        listed.append(
            Entry(
                str(r.id),
                f"{fmt.short_day(r.date_instantane)} · {short}",
                r.date_instantane,
                bool(r.exemple),
                r.nom_fichier,
                replaced,
                detail,
                r.sha256,
                r.libelle,
            )
        )
    return tuple(listed)


def view_of(entry: Entry, territory: Territory, listed: list[Entry]) -> View:
    """The view of *entry*'s snapshot for *territory*, among the snapshots *listed*."""
    snapshot = load(entry)
    return View(
        entry,
        snapshot,
        reference.targets(),
        territory,
        territory.apply(snapshot.rows),
        tuple(listed),
    )


def load(entry: Entry) -> Snapshot:
    """The snapshot behind *entry*."""
    if entry.is_upload:
        return st.session_state[session.UPLOADED]
    return published(int(entry.id))


# --------------------------------------------------------------------------- across snapshots


def history(current: View) -> pd.DataFrame:
    """Figures of the view's territory at every published snapshot that counts for its date (one per date: the last
    published), see :func:`gen_dash.trend.figures_over_time`."""
    ids = tuple(int(e.id) for e in current.entries if not e.is_upload and e.replaced is None)
    url, territory = store_url(), current.territory
    # Counted at publication and stored: no snapshot is read back (20 of 10,000 rows took 2.8 s).
    return cache.kept(
        ("evolution", url, ids, territory),
        lambda: store.figures_over_time(_engine(url), list(ids), territory),
    )


def pace_history(current: View) -> tuple[pd.DataFrame, str]:
    """The history the pace is computed on, and a sentence saying what it holds.

    A published snapshot on screen: the published history. The session's upload: the published history plus the
    upload, when its date comes after the last published one (otherwise the upload is left out, and the sentence
    says why).
    """
    published_history = history(current)
    span = (
        f"{len(published_history)} instantané(s) publié(s) daté(s), du {fmt.day(published_history.index.min())} au "
        f"{fmt.day(published_history.index.max())}"
        if len(published_history)
        else "aucun instantané publié"
    )
    if not current.entry.is_upload:
        return published_history, f"Rythme calculé sur {span}."
    when = current.entry.date
    if when is None:
        return (
            published_history,
            f"Rythme calculé sur {span} ; votre fichier déposé n'est pas daté : il n'y entre pas.",
        )
    if len(published_history) and when <= published_history.index.max():
        return published_history, (
            f"Rythme calculé sur {span} ; votre fichier déposé, daté du {fmt.day(when)}, "
            "n'y entre pas : il ne vient pas après le dernier instantané publié."
        )
    own = trend.figures_over_time([(when, current.snapshot.rows)], current.territory)
    return (
        pd.concat([published_history, own]),
        f"Rythme calculé sur {span}, et sur votre fichier déposé (non publié) du {fmt.day(when)}.",
    )


def default_comparison(current: View) -> tuple[str, str]:
    """The pair Comparer opens on: the snapshot on screen (after) and the one that counts just before it (before):
    for an upload, the latest published snapshot dated before the upload's date."""
    after = current.entry
    earlier = [
        e
        for e in current.entries
        if not e.is_upload
        and e.replaced is None
        and e.id != after.id
        and (after.date is None or e.date is None or e.date < after.date)
    ]
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
    return cache.kept(
        ("comparaison", url, before.id, after.id, territory, goals),
        lambda: _compared(
            published_snapshot(url, int(before.id)).rows,
            published_snapshot(url, int(after.id)).rows,
            territory,
            goals,
        ),
    )


def _compared(before: pd.DataFrame, after: pd.DataFrame, territory: Territory, goals: Targets):
    before, after = territory.apply(before), territory.apply(after)
    return compare.diff_snapshots(before, after), compare.headline_changes(before, after, goals)
