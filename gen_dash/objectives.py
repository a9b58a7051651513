"""The programme's four strategic objectives, each said with its indicators for the territory on screen.

The objectives are those of the programme (``../shared/spec/programme.md``): (1) a network of excellent formations
across the whole territory; (2) formations that answer economic and social needs; (3) a continuous watch on the
needs for digital jobs and skills; (4) innovative ways to reach people far from employment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from gen_dash import coverage, fmt, metrics
from gen_dash.targets import Targets
from gen_dash.territory import Territory

COVERAGE_KM = int(coverage.DEFAULT_RADIUS_KM)
LARGEST_SHOWN = 3


@dataclass(frozen=True)
class Objective:
    """One objective: its number, its wording, the sentence of its indicators, and the page that details it."""

    number: int
    title: str
    text: str
    page: str  # the file of the page, as ``st.page_link`` takes it
    link: str  # the link's words (distinct for each objective, as a screen reader lists links)


def objective_lines(
    rows: pd.DataFrame,
    national: pd.DataFrame,
    territory: Territory,
    targets: Targets,
    communes: pd.DataFrame,
    published: list[date],
    today: date,
) -> list[Objective]:
    """The four objectives for *territory*.

    Parameters
    ----------
    rows, national
        The territory's rows and all the snapshot's rows (every fabrique counts for coverage, even across a border).
    communes
        The reference communes (``lon``, ``lat``, ``population``, ``code_departement``).
    published
        The dates of the published snapshots (the history the watch relies on).
    today
        The day « il y a N mois » is counted from.
    """
    return [
        _network(rows, national, territory, communes),
        _needs(rows),
        _watch(published, today),
        _reach(rows, targets),
    ]


def months_between(earlier: date, later: date) -> int:
    """Whole months from *earlier* to *later*.

    >>> months_between(date(2016, 3, 1), date(2017, 12, 31)), months_between(date(2017, 12, 31), date(2018, 1, 30))
    (21, 0)
    """
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def _network(
    rows: pd.DataFrame, national: pd.DataFrame, territory: Territory, communes: pd.DataFrame
) -> Objective:
    covered = int(rows["code_departement"].nunique())
    share = coverage.population_share_within(
        territory.apply(communes), metrics.fabriques_of(national), COVERAGE_KM
    )
    where = (
        (
            f"{territory.label} a au moins une formation"
            if covered
            else f"{territory.label} n'a aucune formation"
        )
        if territory.single
        else f"{territory.covered(covered)} ont au moins une formation"
    )
    if not territory.national and not territory.epci:  # the level below, where white zones show
        in_territory = territory.apply(communes)["code_epci"].dropna().unique()
        with_formation = rows["code_epci"].dropna().unique() if "code_epci" in rows else []
        where += (
            f" ; {len(set(with_formation) & set(in_territory))} sur {len(in_territory)} EPCI"
            f"{territory.within} en ont au moins une"
        )
    return Objective(
        1,
        "Un réseau de formations d'excellence sur tout le territoire",
        f"{where} ; {fmt.percent(share)} de la population vit à moins de {COVERAGE_KM} km d'une fabrique.",
        "pages/coverage.py",
        "Voir la couverture territoriale",
    )


def _needs(rows: pd.DataFrame) -> Objective:
    table = metrics.figures_by_metier(rows)
    offered = metrics.offered_families(table)
    share = table.set_index("famille")["part_formations"]
    largest = ", ".join(
        f"{name} ({fmt.percent(share[name])} des formations)" for name in offered[:LARGEST_SHOWN]
    )
    text = (
        f"{len(offered)} famille(s) de métiers proposée(s) ; les plus grandes : {largest}."
        if offered
        else "Aucune formation ne renseigne son métier."
    )
    return Objective(
        2,
        "Des formations qui répondent aux besoins économiques et sociaux",
        text,
        "pages/metiers.py",
        "Voir les métiers",
    )


def _watch(published: list[date], today: date) -> Objective:
    if not published:
        text = "Aucun instantané publié : la veille commence avec le premier."
    else:
        latest, first = max(published), min(published)
        ago = months_between(latest, today)
        span = months_between(first, latest)
        text = (
            f"Dernier instantané publié : {fmt.day(latest)}, il y a {ago} mois ; l'historique couvre {span} mois "
            f"({len(set(published))} instantané(s) daté(s))."
        )
    return Objective(
        3,
        "Une veille continue sur les besoins en métiers et compétences du numérique",
        text,
        "pages/evolution.py",
        "Voir l'évolution dans le temps",
    )


def _reach(rows: pd.DataFrame, targets: Targets) -> Objective:
    figures = metrics.summary_figures(rows)
    parts = [
        f"jeunes NEET : {fmt.percent(figures['part_neet'])} ({fmt.quota_gap(figures['part_neet'], targets.part_neet)})"
        if figures["part_neet"] is not None
        else "jeunes NEET : non renseigné"
    ]
    for key, label in (
        ("part_boursiers", "boursiers"),
        ("part_qpv", "habitants des quartiers prioritaires"),
    ):
        if key in metrics.reported(rows):
            parts.append(f"{label} : {fmt.percent(metrics.reported_share(rows, key))}")
    text = " ; ".join(parts)
    return Objective(
        4,
        "Des approches innovantes pour les publics éloignés de l'emploi",
        text[:1].upper() + text[1:] + ".",
        "pages/quotas.py",
        "Voir les quotas",
    )
