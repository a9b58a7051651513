"""Figures computed from a snapshot's accepted rows: summary, by territory, by wave, quotas, pace.

Every function takes the rows returned by :func:`gen_dash.ingest.read_snapshot`
(or a subset of them from :func:`filter_territory`) and returns plain values
or DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from gen_dash import geo
from gen_dash.targets import Targets

COUNTS = ("apprenants", "apprenants_femmes", "apprenants_neet", "apprenants_boursiers")


def filter_territory(frame: pd.DataFrame, region: str | None = None, departements: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Rows of *frame* in the territory: some départements of a région, a whole région, or all France.

    Works on any frame with ``code_departement`` (rows, département tables) or
    only ``code_region`` (région tables). Départements win over the région.
    """
    if departements and "code_departement" in frame:
        return frame[frame["code_departement"].isin(list(departements))]
    if region:
        return frame[frame["code_region"] == region]
    return frame


def share(part: float, whole: float) -> float | None:
    """*part* / *whole*, or None when *whole* is zero (a share of nothing is not 0 %)."""
    return None if not whole else float(part) / float(whole)


def summary_figures(rows: pd.DataFrame) -> dict:
    """The contract's summary: national (or territory) figures over accepted rows.

    Returns
    -------
    dict
        ``formations``, ``fabriques``, ``apprenants``, ``apprenants_femmes``,
        ``apprenants_neet``, ``part_femmes``, ``part_neet``,
        ``departements_couverts``, ``par_departement``, ``par_vague``.
    """
    sums = {c: int(rows[c].sum()) for c in ("apprenants", "apprenants_femmes", "apprenants_neet")}
    by_dep = _group_counts(rows, "code_departement")
    by_wave = waves_of(rows)
    return {
        "formations": int(len(rows)),
        "fabriques": int(rows["cle_fabrique"].nunique()),
        **sums,
        "part_femmes": share(sums["apprenants_femmes"], sums["apprenants"]),
        "part_neet": share(sums["apprenants_neet"], sums["apprenants"]),
        "departements_couverts": int(rows["code_departement"].nunique()),
        "par_departement": by_dep,
        "par_vague": {str(k): v for k, v in by_wave.items()},
    }


def _group_counts(rows: pd.DataFrame, key: str) -> dict:
    grouped = rows.groupby(key, observed=True).agg(
        fabriques=("cle_fabrique", "nunique"), formations=("id_formation", "size"), apprenants=("apprenants", "sum"))
    return {k: {c: int(v) for c, v in row.items()} for k, row in grouped.sort_index().iterrows()}


def _add_shares(table: pd.DataFrame) -> None:
    """``part_femmes`` and ``part_neet`` from the summed counts (none where there is no learner)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        for share_name, count in (("part_femmes", "apprenants_femmes"), ("part_neet", "apprenants_neet")):
            table[share_name] = (table[count] / table["apprenants"]).where(table["apprenants"] > 0)


def waves_of(rows: pd.DataFrame) -> dict[int, dict]:
    """Per wave: fabriques (each counted in the earliest wave of its formations), formations, learners."""
    first_wave = rows.groupby("cle_fabrique")["vague"].transform("min")
    new = rows.assign(_premiere=first_wave).drop_duplicates("cle_fabrique").groupby("_premiere").size()
    own = rows.groupby("vague").agg(formations=("id_formation", "size"), apprenants=("apprenants", "sum"))
    waves = sorted(set(own.index) | set(new.index))
    return {int(w): {"fabriques": int(new.get(w, 0)), "formations": int(own["formations"].get(w, 0)),
                     "apprenants": int(own["apprenants"].get(w, 0))} for w in waves}


def figures_by_territory(rows: pd.DataFrame, level: str = "departement") -> pd.DataFrame:
    """Indicators for every département (or région), white zones included.

    Parameters
    ----------
    level
        ``"departement"`` or ``"region"``.

    Returns
    -------
    DataFrame
        One row per territory: ``code``, ``nom``, ``code_region``, ``fabriques``, ``formations``,
        the learner counts, ``part_femmes``, ``part_neet``, ``subvention_eur``, ``population``,
        ``apprenants_pour_100k``.
    """
    if level not in ("departement", "region"):
        raise ValueError("level: 'departement' ou 'region'")
    key = f"code_{level}"
    ref = geo.load_departements() if level == "departement" else geo.load_regions()
    ref = pd.DataFrame(ref.drop(columns="geometry"))
    counts = rows.groupby(key).agg(
        fabriques=("cle_fabrique", "nunique"), formations=("id_formation", "size"),
        **{c: (c, "sum") for c in COUNTS}, subvention_eur=("subvention_eur", "sum"),
    )
    columns = [key, f"nom_{level}", "population"] + (["code_region", "nom_region"] if level == "departement" else [])
    out = ref[columns].merge(counts, left_on=key, right_index=True, how="left")
    for column in ("fabriques", "formations", *COUNTS):
        out[column] = out[column].fillna(0).astype("int64")
    out["subvention_eur"] = out["subvention_eur"].fillna(0).astype("float64")
    _add_shares(out)
    out["apprenants_pour_100k"] = (out["apprenants"] / out["population"] * 1e5).where(out["population"] > 0).round(1)
    out = out.rename(columns={key: "code", f"nom_{level}": "nom"})
    if level == "region":
        out["code_region"] = out["code"]
    return out.reset_index(drop=True)


def progress_by_wave(rows: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Wave by wave, cumulated, against the programme's targets and each wave's envelope.

    Returns
    -------
    DataFrame
        One row per wave: ``vague``, ``formations``, ``nouvelles_fabriques``, ``apprenants``,
        ``fabriques_cumulees``, ``apprenants_cumules``, ``taux_fabriques``, ``taux_apprenants``
        (share of the end-2017 target reached), ``subvention_eur``, ``enveloppe_eur``,
        ``taux_enveloppe`` (subsidies / envelope, None for a wave without envelope).
    """
    waves = waves_of(rows)
    numbers = sorted(set(waves) | {w.numero for w in targets.vagues})
    subsidies = rows.groupby("vague")["subvention_eur"].sum()
    table = pd.DataFrame({
        "vague": numbers,
        "formations": [waves.get(n, {}).get("formations", 0) for n in numbers],
        "nouvelles_fabriques": [waves.get(n, {}).get("fabriques", 0) for n in numbers],
        "apprenants": [waves.get(n, {}).get("apprenants", 0) for n in numbers],
        "subvention_eur": [float(subsidies.get(n, 0.0)) for n in numbers],
        "enveloppe_eur": [float(w.enveloppe_eur) if (w := targets.wave(n)) else np.nan for n in numbers],
    })
    table["fabriques_cumulees"] = table["nouvelles_fabriques"].cumsum()
    table["apprenants_cumules"] = table["apprenants"].cumsum()
    table["taux_fabriques"] = table["fabriques_cumulees"] / targets.fabriques
    table["taux_apprenants"] = table["apprenants_cumules"] / targets.apprenants
    table["taux_enveloppe"] = table["subvention_eur"] / table["enveloppe_eur"]
    return table


def quota_shares(rows: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Women and NEET shares against their quotas.

    Returns
    -------
    DataFrame
        Index ``femmes``, ``neet``: ``effectif``, ``apprenants``, ``part``, ``quota``, ``atteint``.
    """
    learners = int(rows["apprenants"].sum())
    out = pd.DataFrame({
        "effectif": [int(rows["apprenants_femmes"].sum()), int(rows["apprenants_neet"].sum())],
        "quota": [targets.part_femmes, targets.part_neet],
    }, index=pd.Index(["femmes", "neet"], name="quota_de"))
    out["apprenants"] = learners
    out["part"] = [share(v, learners) for v in out["effectif"]]
    out["atteint"] = [p is not None and p >= q for p, q in zip(out["part"], out["quota"])]
    return out


def fabriques_of(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per fabrique: name, porteur, place, wave, formations, learners and shares, a point."""
    first = rows.sort_values("ligne").groupby("cle_fabrique", sort=False)
    out = first.agg(
        nom_fabrique=("nom_fabrique", "first"), porteur=("porteur", "first"), commune=("commune", "first"),
        code_commune=("code_commune", "first"), code_departement=("code_departement", "first"),
        code_region=("code_region", "first"), vague=("vague", "min"), formations=("id_formation", "size"),
        latitude=("latitude", "first"), longitude=("longitude", "first"),
        **{c: (c, "sum") for c in COUNTS}, subvention_eur=("subvention_eur", "sum"),
    ).reset_index()
    _add_shares(out)
    return out


@dataclass(frozen=True)
class Pace:
    """Where a figure is heading, from the dated values of several snapshots."""

    current: float
    target: float
    deadline: date
    per_month: float | None  # observed pace (linear fit over the snapshots), units per month
    needed_per_month: float | None  # pace needed from the last snapshot to reach the target by the deadline
    projected_date: date | None  # when the observed pace reaches the target (None: never, or already there)
    reached: bool


def pace(history: pd.Series, target: float, deadline: date) -> Pace:
    """Observed and needed pace of a figure, from its values at several snapshot dates.

    Parameters
    ----------
    history
        Values indexed by snapshot date (at least one).
    """
    history = history.dropna().sort_index()
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
        if days is not None and days < 100 * 365.25:  # beyond a century, "never" says it better than a date
            projected = (pd.Timestamp(last) + pd.Timedelta(days=days)).date()
    return Pace(current, float(target), deadline, per_month, needed, projected, reached)


def headline_figures(rows: pd.DataFrame, targets: Targets, departements_total: int = 101) -> pd.DataFrame:
    """The headline figures with their target and « taux de réalisation ».

    Returns
    -------
    DataFrame
        Index: ``fabriques``, ``apprenants``, ``part_femmes``, ``part_neet``, ``departements_couverts``,
        ``budget``; columns ``libelle``, ``valeur``, ``cible``, ``taux`` (valeur / cible), ``nature``
        (``nombre``, ``part`` or ``euros``).
    """
    s = summary_figures(rows)
    subsidies = float(rows["subvention_eur"].sum()) if "subvention_eur" in rows else 0.0
    table = pd.DataFrame.from_records([
        ("fabriques", "Fabriques labellisées", s["fabriques"], targets.fabriques, "nombre"),
        ("apprenants", "Apprenants", s["apprenants"], targets.apprenants, "nombre"),
        ("part_femmes", "Part de femmes", s["part_femmes"], targets.part_femmes, "part"),
        ("part_neet", "Part de jeunes NEET", s["part_neet"], targets.part_neet, "part"),
        ("departements_couverts", "Départements couverts", s["departements_couverts"], departements_total, "nombre"),
        ("budget", "Subventions accordées", subsidies, targets.enveloppe_totale, "euros"),
    ], columns=["cle", "libelle", "valeur", "cible", "nature"]).set_index("cle")
    table["taux"] = [None if v is None or not c else float(v) / float(c) for v, c in zip(table["valeur"], table["cible"])]
    return table


def figures_over_time(snapshots: list[tuple[date, pd.DataFrame]], region: str | None = None,
                      departements: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Headline figures of a territory at each dated snapshot, oldest first.

    Returns
    -------
    DataFrame
        Indexed by date: ``fabriques``, ``formations``, ``apprenants``, ``part_femmes``, ``part_neet``,
        ``departements_couverts``.
    """
    records = {}
    for when, rows in snapshots:
        if when is None:
            continue
        s = summary_figures(filter_territory(rows, region, departements))
        records[when] = {k: s[k] for k in ("fabriques", "formations", "apprenants", "part_femmes", "part_neet",
                                           "departements_couverts")}
    out = pd.DataFrame.from_dict(records, orient="index").sort_index()
    out.index.name = "date"
    return out


def below_quota(fabriques: pd.DataFrame, column: str, quota: float, min_learners: int = 10) -> pd.DataFrame:
    """Fabriques with at least *min_learners* whose *column* share is under *quota*, lowest first."""
    keep = (fabriques["apprenants"] >= min_learners) & (fabriques[column] < quota)
    columns = ["nom_fabrique", "porteur", "commune", "code_departement", "apprenants", column]
    return fabriques.loc[keep, columns].sort_values(column).reset_index(drop=True)


def compare_with_nation(rows: pd.DataFrame, national: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """The territory's headline figures beside the nation's, with the territory's share of the national total."""
    local = headline_figures(rows, targets)
    whole = headline_figures(national, targets)
    out = pd.DataFrame({"libelle": local["libelle"], "territoire": local["valeur"], "france": whole["valeur"],
                        "nature": local["nature"]})
    out["part_du_national"] = [None if n == "part" else share(t, f) for t, f, n in zip(out["territoire"], out["france"], out["nature"])]
    return out
