"""Work shared by every session: what a page computes from a snapshot and a few values only, one named function each.

For a published snapshot, each is computed once per server and given to every session that asks (a copy each), the
least used forgotten beyond the memory budget (:func:`ui.cache.shared_values`). An upload is one session's: computed
for it alone, and it leaves with the session. A page calls ``shared_work.figures(view, "epci")``; inside this module
a work calls another on the same :class:`Of` (the fabriques are computed once, not once per radius), read only.
"""

from __future__ import annotations

import functools
from datetime import date

import pandas as pd

from gen_dash import (
    commune,
    coverage,
    key_figures,
    markdown,
    metrics,
    objectives,
    published,
    tables,
)
from gen_dash.objectives import Objective
from gen_dash.targets import Targets
from gen_dash.territory import Territory
from ui import cache, reference, sources


class Of:
    """A snapshot as shared work sees it: its rows, read when a work needs them (a result still kept needs no
    snapshot in memory)."""

    def __init__(self, rows: pd.DataFrame | None = None, published: tuple[str, int] | None = None):
        # published: (store URL, number); None for an upload
        self._rows, self.published = (
            rows,
            published,
        )

    @property
    def rows(self) -> pd.DataFrame:
        """All the snapshot's accepted rows."""
        return (
            self._rows
            if self.published is None
            else sources.published_snapshot(*self.published).rows
        )


def _shared(compute):
    """*compute(of, *arguments)* made shared: called with a :class:`ui.sources.View`, it works on the view's whole
    snapshot and returns a copy; called with an :class:`Of` (by another work), the shared value itself, read only."""

    @functools.wraps(compute)
    def run(source, *arguments):
        of = source if isinstance(source, Of) else _of(source)
        if of.published is None:
            return compute(of, *arguments)
        value = cache.shared_values().get(
            (*of.published, compute.__name__, arguments), lambda: compute(of, *arguments)
        )
        return value if isinstance(source, Of) else cache.copied(value)

    return run


def _of(current: sources.View) -> Of:
    if current.entry.is_upload:
        return Of(rows=current.national)
    return Of(published=(sources.store_url(), int(current.entry.id)))


@_shared
def figures(of: Of, level: str = "departement") -> pd.DataFrame:
    """:func:`gen_dash.metrics.figures_by_territory` of the snapshot, by département, région or EPCI."""
    return metrics.figures_by_territory(of.rows, level)


@_shared
def fabriques(of: Of, territory: Territory | None = None) -> pd.DataFrame:
    """:func:`gen_dash.metrics.fabriques_of` the snapshot, or of its rows in *territory*."""
    return metrics.fabriques_of(territory.apply(of.rows) if territory else of.rows)


@_shared
def fabriques_list(of: Of, territory: Territory) -> pd.DataFrame:
    """The Carte's list of the fabriques of *territory*, whole (:func:`gen_dash.tables.fabriques_list`)."""
    return tables.fabriques_list(territory.apply(fabriques(of)))


@_shared
def fabriques_listed(of: Of, territory: Territory, rows: int, missing: str) -> tuple[str, int]:
    """The fabriques of *territory* as the Carte lists them under its map: the first *rows* by name as a Markdown
    table (:func:`gen_dash.markdown.table`, *missing* where a figure has no value), and how many there are."""
    listed = fabriques_list(of, territory)
    shown = markdown.table(
        tables.fabriques_on_page(listed.head(rows)),
        numbers=("Formations", "Apprenants"),
        missing=missing,
    )
    return shown, len(listed)


@_shared
def coverage_of(of: Of, territory: Territory, radius: float) -> dict:
    """:func:`gen_dash.coverage.coverage_summary` of the territory's communes by every fabrique (one across the
    border counts). Small results only: a session gets a copy (the communes' distances are 35,000 rows)."""
    return _coverage(fabriques(of), territory, radius)


@_shared
def suggestions(
    of: Of, territory: Territory, k: int, radius: float, population: int, one_per_departement: bool
) -> pd.DataFrame:
    """:func:`gen_dash.coverage.suggest_sites` in the territory: where to open the next *k* fabriques."""
    return coverage.suggest_sites(
        territory.apply(reference.communes_table()),
        fabriques(of),
        k,
        radius,
        population,
        one_per_departement,
    )


@_shared
def headline(of: Of, territory: Territory, goals: Targets) -> pd.DataFrame:
    """:func:`gen_dash.key_figures.headline_figures` of the territory."""
    return key_figures.headline_figures(territory.apply(of.rows), goals, territory, of.rows)


@_shared
def published_beside(
    of: Of, territory: Territory, goals: Targets, when: date | None
) -> pd.DataFrame:
    """:func:`gen_dash.published.beside`: what the programme published for the territory in the quarter of *when* (the
    snapshot's date), beside the snapshot's own figures."""
    values = published.snapshot_values(
        headline(of, territory, goals), len(territory.apply(of.rows))
    )
    return published.beside(published.bundled(), values, when, territory)


@_shared
def beside_nation(of: Of, territory: Territory, goals: Targets) -> pd.DataFrame:
    """:func:`gen_dash.key_figures.compare_with_nation`: the territory's figures beside the nation's."""
    return key_figures.compare_with_nation(territory.apply(of.rows), of.rows, goals, territory)


@_shared
def progress(of: Of, territory: Territory, goals: Targets) -> pd.DataFrame:
    """:func:`gen_dash.metrics.progress_by_wave` of the territory (beside the nation's when it is not France)."""
    return metrics.progress_by_wave(
        territory.apply(of.rows), goals, None if territory.national else of.rows
    )


@_shared
def objective_lines(
    of: Of, territory: Territory, goals: Targets, dates: tuple, today: date
) -> list[Objective]:
    """:func:`gen_dash.objectives.objective_lines` of the territory at the published *dates*."""
    return objectives.objective_lines(
        territory.apply(of.rows),
        of.rows,
        territory,
        goals,
        reference.communes_table(),
        list(dates),
        today,
    )


@_shared
def metiers(of: Of, territory: Territory | None = None) -> pd.DataFrame:
    """:func:`gen_dash.metrics.figures_by_metier` of the snapshot, or of the territory beside the nation."""
    if territory:
        return metrics.figures_by_metier(territory.apply(of.rows), of.rows)
    return metrics.figures_by_metier(of.rows)


@_shared
def metier(of: Of, famille: str) -> dict:
    """Where one métier family is trained: its ``figures`` by département and its ``fabriques``."""
    rows = metrics.of_metier(of.rows, famille)
    return {"figures": metrics.figures_by_territory(rows), "fabriques": metrics.fabriques_of(rows)}


@_shared
def metier_coverage(of: Of, famille: str, territory: Territory, radius: float) -> dict:
    """The coverage of the territory by the fabriques of one métier family (see :func:`coverage_of`)."""
    return _coverage(metier(of, famille)["fabriques"], territory, radius)


@_shared
def _near_commune(of: Of, code: str, radius: float) -> commune.Near:
    # A few rows, the same for everyone who asks about that commune.
    return commune.near_commune(commune.find_commune(code).one, fabriques(of), of.rows, radius)


def near_commune(current: sources.View, place: pd.Series, radius: float) -> commune.Near:
    """:func:`gen_dash.commune.near_commune` of *place* in the view's snapshot (all of it: the nearest fabrique may
    be across a border), shared between sessions."""
    return _near_commune(current, place["code_commune"], radius)


def _coverage(fabriques_: pd.DataFrame, territory: Territory, radius: float) -> dict:
    distances = coverage.nearest_fabrique(territory.apply(reference.communes_table()), fabriques_)
    return coverage.coverage_summary(distances, fabriques_, sorted(territory.codes), radius)
