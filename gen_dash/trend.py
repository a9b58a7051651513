"""Figures across snapshots: counts by territory kept at publication, figures over time, the pace towards a target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from gen_dash.metrics import share
from gen_dash.territory import Territory

OVER_TIME = [
    "fabriques",
    "formations",
    "apprenants",
    "part_femmes",
    "part_neet",
    "departements_couverts",
]
COUNTED = [
    "fabriques",
    "formations",
    "apprenants",
    "apprenants_femmes",
    "apprenants_neet",
    "departements_couverts",
]


def figures_over_time(
    snapshots: list[tuple[date, pd.DataFrame]], territory: Territory | None = None
) -> pd.DataFrame:
    """Headline figures of a territory at each dated snapshot, oldest first (one snapshot per date: give the one that
    counts).

    Returns
    -------
    DataFrame
        Indexed by date: ``fabriques``, ``formations``, ``apprenants``, ``part_femmes``, ``part_neet``,
        ``departements_couverts`` (see :func:`over_time`).
    """
    counts = {
        when: _whole_counts(territory.apply(rows) if territory else rows).iloc[0]
        for when, rows in snapshots
        if when is not None
    }
    return over_time(pd.DataFrame.from_dict(counts, orient="index", columns=COUNTED))


def territory_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """The counts the history keeps of a snapshot: for all its rows, then each région and each département they touch.

    Returns
    -------
    DataFrame
        One line per territory, the whole first: ``niveau`` (``france``, ``region``, ``departement``), ``code`` (empty
        for the whole), and :data:`COUNTED`. A territory whose rows give no learner count (a list) has None learners
        (unknown, not 0); where some rows give them, those without count as 0, as in :func:`summary_figures`.
    """
    return pd.concat(
        [
            _whole_counts(rows),
            _grouped_counts(rows, "code_region", "region"),
            _grouped_counts(rows, "code_departement", "departement"),
        ],
        ignore_index=True,
    )


def _whole_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """The first line of :func:`territory_figures`: all *rows* as one territory."""
    if rows.empty:  # no row, still a whole: nothing in it
        return pd.DataFrame([{"niveau": "france", "code": "", **dict.fromkeys(COUNTED, 0)}])
    return _grouped_counts(rows.assign(_tout=""), "_tout", "france")


def _grouped_counts(rows: pd.DataFrame, key: str, level: str) -> pd.DataFrame:
    grouped = rows.groupby(key, observed=True, sort=True)
    out = pd.DataFrame(
        {"fabriques": grouped["cle_fabrique"].nunique(), "formations": grouped.size()}
    )
    known = grouped["apprenants"].count() > 0
    for column in ("apprenants", "apprenants_femmes", "apprenants_neet"):
        out[column] = grouped[column].sum().astype("Int64").where(known, pd.NA)
    out["departements_couverts"] = grouped["code_departement"].nunique()
    out = out.astype(
        {"fabriques": "int64", "formations": "int64", "departements_couverts": "int64"}
    )
    return out.rename_axis("code").reset_index().assign(niveau=level)[["niveau", "code", *COUNTED]]


def over_time(counts: pd.DataFrame) -> pd.DataFrame:
    """The history's figures from its counts (:data:`COUNTED`, indexed by snapshot date): oldest first, shares of
    learners computed (None where no learner is counted), learners None where unknown."""
    table = counts.sort_index()
    out = pd.DataFrame(index=pd.Index(list(table.index), name="date"))
    for column in ("fabriques", "formations", "departements_couverts"):
        out[column] = table[column].astype("int64").to_numpy()
    learners = [None if pd.isna(v) else int(v) for v in table["apprenants"]]
    out["apprenants"] = learners
    for name, column in (("part_femmes", "apprenants_femmes"), ("part_neet", "apprenants_neet")):
        out[name] = [
            share(None if pd.isna(v) else int(v), n)
            for v, n in zip(table[column], learners, strict=True)
        ]
    return out[OVER_TIME]


@dataclass(frozen=True)
class Pace:
    """Where a figure is heading, from the dated values of several snapshots."""

    current: float
    target: float
    deadline: date
    per_month: float | None  # observed pace (linear fit over the snapshots), units per month
    # pace needed from the last snapshot to reach the target by the deadline
    needed_per_month: float | None
    # when the observed pace reaches the target (None: never, or already there)
    projected_date: date | None
    reached: bool


def pace(history: pd.Series, target: float, deadline: date) -> Pace | None:
    """Observed and needed pace of a figure, from its values at several snapshot dates.

    Parameters
    ----------
    history
        Values indexed by snapshot date (at least one).
    """
    history = history.dropna().sort_index()
    if history.empty:  # a figure no snapshot gives (a list snapshot's learners): no pace
        return None
    dates = pd.to_datetime(pd.Index(history.index))
    current = float(history.iloc[-1])
    last = dates[-1].date()
    reached = current >= target
    months_left = (pd.Timestamp(deadline) - dates[-1]).days / 30.4375
    needed = (target - current) / months_left if months_left > 0 and not reached else None
    per_month = projected = None
    if len(history) >= 2:
        months = (dates - dates[0]).days.to_numpy() / 30.4375
        per_month = float(np.polyfit(months, history.to_numpy(dtype=float), 1)[0])
        days = (target - current) / per_month * 30.4375 if per_month > 0 and not reached else None
        # beyond a century, "never" says it better than a date
        if days is not None and days < 100 * 365.25:
            projected = (pd.Timestamp(last) + pd.Timedelta(days=days)).date()
    return Pace(current, float(target), deadline, per_month, needed, projected, reached)
