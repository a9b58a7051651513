"""Figures computed from a snapshot's accepted rows: summary, by territory, by wave, quotas, pace.

Every function takes the rows returned by :func:`gen_dash.ingest.read_snapshot`
(or those of a territory, :meth:`gen_dash.territory.Territory.apply`) and returns plain values
or DataFrames. Figures of a territory are said against the territory's own denominators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gen_dash import epci, geo
from gen_dash.indicators import BY_KEY, REPORTED
from gen_dash.metiers import NOT_GIVEN
from gen_dash.snapshot import is_list_only
from gen_dash.targets import Targets

LEVELS = ("departement", "region", "epci")
UNKNOWN_WAVE = "non renseignée"  # the wave of a row that gives none (« vague non renseignée »)
COUNTS = (
    "apprenants",
    "apprenants_femmes",
    "apprenants_neet",
    "apprenants_boursiers",
    "apprenants_qpv",
    "sorties_positives",
)
# The programme's other reported indicators, shown only when a snapshot gives them: key, label, how it is computed.


def reported(rows: pd.DataFrame) -> list[str]:
    """The keys of the reported indicators (:data:`gen_dash.indicators.REPORTED`) the rows give (a column with at
    least one value)."""
    return [i.key for i in REPORTED if _has_values(rows, i.source)]


def reported_share(rows: pd.DataFrame, key: str) -> float | None:
    """One reported indicator of the rows: a share of learners, or of formations for ``part_gratuites``."""
    column = BY_KEY[key].source
    if column == "gratuite":
        known = rows[column].dropna()
        return share(int((known == "oui").sum()), len(known))
    counted = rows[rows[column].notna()]  # a share among the formations that give the figure
    return share(int(counted[column].sum()), int(counted["apprenants"].sum()))


def share(part: float, whole: float) -> float | None:
    """*part* / *whole*, or None when *whole* is zero or either is unknown (a share of nothing is not 0 %)."""
    if part is None or whole is None or pd.isna(part) or pd.isna(whole) or not whole:
        return None
    return float(part) / float(whole)


def summary_figures(rows: pd.DataFrame) -> dict:
    """The contract's summary: national (or territory) figures over accepted rows.

    Returns
    -------
    dict
        ``formations``, ``fabriques``, ``apprenants``, ``apprenants_femmes``,
        ``apprenants_neet``, ``part_femmes``, ``part_neet``,
        ``departements_couverts``, ``par_departement``, ``par_vague``, ``par_metier``.
    """
    known = not is_list_only(rows)  # a list snapshot gives no learner count: none is 0
    sums = {
        c: int(rows[c].sum()) if known else None
        for c in ("apprenants", "apprenants_femmes", "apprenants_neet")
    }
    by_dep = _group_counts(rows, "code_departement")
    by_wave = waves_of(rows)
    return {
        "formations": int(len(rows)),
        "fabriques": int(rows["cle_fabrique"].nunique()),
        **sums,
        "part_femmes": share(sums["apprenants_femmes"], sums["apprenants"]) if known else None,
        "part_neet": share(sums["apprenants_neet"], sums["apprenants"]) if known else None,
        "departements_couverts": int(rows["code_departement"].nunique()),
        "par_departement": by_dep,
        "par_vague": {str(k): v for k, v in by_wave.items()},
        "par_metier": _by_metier(rows),
    }


def _by_metier(rows: pd.DataFrame) -> dict:
    """The summary's ``par_metier``: counts and shares by family (a share of no learner, or unknown, is None)."""
    table = figures_by_metier(rows)

    def value(v, integer: bool):
        return None if pd.isna(v) else int(v) if integer else float(v)

    return {
        line["famille"]: {
            "formations": int(line["formations"]),
            "fabriques": int(line["fabriques"]),
            "apprenants": value(line["apprenants"], True),
            "part_femmes": value(line["part_femmes"], False),
            "part_neet": value(line["part_neet"], False),
        }
        for _, line in table.iterrows()
    }


def _group_counts(rows: pd.DataFrame, key: str) -> dict:
    grouped = rows.groupby(key, observed=True).agg(
        fabriques=("cle_fabrique", "nunique"),
        formations=("id_formation", "size"),
        apprenants=("apprenants", "sum"),
    )
    known = not is_list_only(rows)
    return {
        k: {c: int(v) if known or c != "apprenants" else None for c, v in row.items()}
        for k, row in grouped.sort_index().iterrows()
    }


def _given(rows: pd.DataFrame) -> set[str]:
    """The counts the rows give (a column with at least one value)."""
    return {c for c in COUNTS if _has_values(rows, c)}


def _has_values(rows: pd.DataFrame, column: str) -> bool:
    """Whether *rows* have *column* with at least one value."""
    return column in rows and bool(rows[column].notna().any())


def _add_shares(table: pd.DataFrame, given: set[str]) -> None:
    """``part_femmes`` and ``part_neet`` from the summed counts (none where there is no learner), and the shares of
    the reported counts in *given* (the columns the snapshot gives)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        for share_name, count in (
            ("part_femmes", "apprenants_femmes"),
            ("part_neet", "apprenants_neet"),
        ):
            # NaN, not NA, for a list snapshot's unknown counts
            learners = table["apprenants"].astype("float64")
            table[share_name] = (table[count].astype("float64") / learners).where(learners > 0)
    # A share of learners the snapshot reports: none where it does not give the count.
    for indicator in REPORTED:
        if indicator.source in COUNTS and indicator.source in given:
            table[indicator.key] = (
                table[indicator.source].astype("float64") / table["apprenants"].astype("float64")
            ).where(table["apprenants"].astype("float64") > 0)


def figures_by_metier(rows: pd.DataFrame, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicators for every métier family of *rows* (:func:`gen_dash.metiers.family`), the largest first.

    Parameters
    ----------
    rows
        The territory's rows.
    national
        All the snapshot's rows: adds the nation's figures beside the territory's, and the families the nation
        offers that the territory does not (with 0 formations).

    Returns
    -------
    DataFrame
        One row per family: ``famille``, ``formations``, ``fabriques``, ``departements`` (where it is offered), the
        learner counts, ``part_femmes``, ``part_neet``, ``part_boursiers`` (none where no learner, or where the snapshot
        does not give the count), ``part_formations`` (of the territory's formations); with *national*, the same
        counts and shares suffixed ``_france``. « non renseigné » comes last.
    """
    out = _metier_table(rows)
    if national is not None:
        france = _metier_table(national).set_index("famille").add_suffix("_france")
        out = out.set_index("famille").join(france, how="outer")
        for column in ("formations", "fabriques", "departements"):
            out[column] = out[column].fillna(0).astype("int64")
        out["part_formations"] = out["part_formations"].fillna(0.0)
        # A family the territory does not offer has no learner there: 0, not unknown.
        if not is_list_only(national):
            for column in COUNTS:
                out[column] = out[column].fillna(0) if _has_values(rows, column) else out[column]
        out = out.reset_index()
    unknown = out["famille"].eq(NOT_GIVEN)
    order = (
        out.assign(_inconnu=unknown)
        .sort_values(
            ["_inconnu", "formations", "famille"], ascending=[True, False, True], kind="stable"
        )
        .index
    )
    return out.loc[order].reset_index(drop=True)


def offered_families(table: pd.DataFrame) -> list[str]:
    """The families of a :func:`figures_by_metier` table with at least one formation, largest first, without
    « non renseigné » (a missing métier is not a family the programme offers)."""
    return table.loc[(table["formations"] > 0) & table["famille"].ne(NOT_GIVEN), "famille"].tolist()


def largest_families(table: pd.DataFrame) -> list[str]:
    """The offered families (:func:`offered_families`) with the most formations: several when they tie.

    >>> largest_families(pd.DataFrame({"famille": ["Web", "Data", "Réseaux"], "formations": [2, 2, 1]}))
    ['Web', 'Data']
    """
    offered = table[table["famille"].isin(offered_families(table))]
    return offered.loc[offered["formations"] == offered["formations"].max(), "famille"].tolist()


def of_metier(rows: pd.DataFrame, famille: str) -> pd.DataFrame:
    """The rows of one métier family."""
    return rows[rows["famille_metier"] == famille]


def _metier_table(rows: pd.DataFrame) -> pd.DataFrame:
    counts = rows.groupby("famille_metier").agg(
        formations=("id_formation", "size"),
        fabriques=("cle_fabrique", "nunique"),
        departements=("code_departement", "nunique"),
        **{c: (c, "sum") for c in COUNTS if c in rows},
    )
    for column in COUNTS:
        # No learner count: « non renseigné », never 0.
        if column not in counts or is_list_only(rows):
            counts[column] = pd.array([pd.NA] * len(counts), dtype="Int64")
    _add_shares(counts, _given(rows))
    if "part_boursiers" not in counts:
        counts["part_boursiers"] = np.nan
    counts["part_formations"] = counts["formations"] / max(len(rows), 1)
    return counts.rename_axis("famille").reset_index()


def waves_of(rows: pd.DataFrame) -> dict[int | str, dict]:
    """Per wave: fabriques (each counted in the earliest wave of its formations), formations, learners; rows without
    a wave (a list of places) under :data:`UNKNOWN_WAVE`, last, never under a wave of their own."""
    # NA for a fabrique none of whose rows has a wave
    first_wave = rows.groupby("cle_fabrique")["vague"].min()
    new = first_wave.value_counts(dropna=False)
    own = (
        rows.assign(vague=rows["vague"].astype("Float64").fillna(-1))
        .groupby("vague")
        .agg(formations=("id_formation", "size"), apprenants=("apprenants", "sum"))
    )
    own.index = [UNKNOWN_WAVE if w == -1 else int(w) for w in own.index]
    new.index = [UNKNOWN_WAVE if pd.isna(w) else int(w) for w in new.index]
    waves = sorted(w for w in set(own.index) | set(new.index) if w != UNKNOWN_WAVE)
    waves += [UNKNOWN_WAVE] if UNKNOWN_WAVE in own.index else []
    known = not is_list_only(rows)
    return {
        w: {
            "fabriques": int(new.get(w, 0)),
            "formations": int(own["formations"].get(w, 0)),
            "apprenants": int(own["apprenants"].get(w, 0)) if known else None,
        }
        for w in waves
    }


def figures_by_territory(rows: pd.DataFrame, level: str = "departement") -> pd.DataFrame:
    """Indicators for every département, région or EPCI, white zones included.

    Parameters
    ----------
    level
        ``"departement"``, ``"region"`` or ``"epci"``.

    Returns
    -------
    DataFrame
        One row per territory: ``code``, ``nom``, ``code_region``, ``fabriques``, ``formations``,
        the learner counts, ``part_femmes``, ``part_neet``, ``subvention_eur``, ``population``,
        ``apprenants_pour_100k``; for EPCI also ``nom_complet``, ``nature``, ``code_departement`` (where most of its
        inhabitants live; ``code_region`` likewise), ``departements`` and ``regions`` (every one it lies in).
    """
    if level not in LEVELS:
        raise ValueError("level: 'departement', 'region' ou 'epci'")
    key = f"code_{level}"
    counts = rows.groupby(key).agg(
        fabriques=("cle_fabrique", "nunique"),
        formations=("id_formation", "size"),
        **{c: (c, "sum") for c in COUNTS if c in rows},
        subvention_eur=("subvention_eur", "sum"),
    )
    if level == "epci":
        columns = [
            "code_epci",
            "nom_epci",
            "population",
            "code_region",
            "nom_complet",
            "nature",
            "code_departement",
            "departements",
            "regions",
        ]
        ref = epci.epci_table()
    else:
        ref = geo.departements_table() if level == "departement" else geo.regions_table()
        columns = [key, f"nom_{level}", "population"] + (
            ["code_region", "nom_region"] if level == "departement" else []
        )
    out = ref[columns].merge(counts, left_on=key, right_index=True, how="left")
    for column in ("fabriques", "formations", *COUNTS):
        out[column] = out[column].fillna(0).astype("int64") if column in out else 0
    if is_list_only(rows):  # no learner count in the snapshot: « non renseigné », never 0
        for column in COUNTS:
            out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["subvention_eur"] = out["subvention_eur"].fillna(0).astype("float64")
    if not gives(rows["subvention_eur"]):
        out["subvention_eur"] = np.nan
    _add_shares(out, _given(rows))
    out["apprenants_pour_100k"] = (
        (out["apprenants"].astype("float64") / out["population"] * 1e5)
        .where(out["population"] > 0)
        .round(1)
    )
    out = out.rename(columns={key: "code", f"nom_{level}": "nom"})
    if level == "region":
        out["code_region"] = out["code"]
    return out.reset_index(drop=True)


def progress_by_wave(
    rows: pd.DataFrame, targets: Targets, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Wave by wave, cumulated, against the programme's targets and each wave's envelope.

    Parameters
    ----------
    national
        For a territory, all the snapshot's rows: the territory has no target nor envelope of its own, so its
        figures are set against the nation's (``part_*`` columns) instead.

    Returns
    -------
    DataFrame
        One row per wave: ``vague``, ``formations``, ``nouvelles_fabriques``, ``apprenants``,
        ``fabriques_cumulees``, ``apprenants_cumules``, ``subvention_eur``; for France ``taux_fabriques``,
        ``taux_apprenants`` (share of the end-2017 target reached), ``enveloppe_eur``, ``taux_enveloppe``
        (subsidies / envelope, None for a wave without envelope) and ``depassement_eur`` (subsidies over the
        envelope, 0 when within); for a territory ``part_fabriques``, ``part_apprenants`` (of the national cumul)
        and ``part_subvention`` (of the wave's national subsidies).
    """
    waves = waves_of(rows)
    numbers = sorted({w for w in waves if w != UNKNOWN_WAVE} | {w.numero for w in targets.vagues})
    numbers += [UNKNOWN_WAVE] if UNKNOWN_WAVE in waves else []
    table = _wave_table(rows, waves, numbers)
    if national is None:
        table["enveloppe_eur"] = [
            float(w.enveloppe_eur) if n != UNKNOWN_WAVE and (w := targets.wave(n)) else np.nan
            for n in numbers
        ]
        table["taux_fabriques"] = table["fabriques_cumulees"] / targets.fabriques
        table["taux_apprenants"] = table["apprenants_cumules"] / targets.apprenants
        table["taux_enveloppe"] = table["subvention_eur"] / table["enveloppe_eur"]
        table["depassement_eur"] = (
            (table["subvention_eur"] - table["enveloppe_eur"]).clip(lower=0).fillna(0.0)
        )
        return table
    whole = _wave_table(national, waves_of(national), numbers)
    with np.errstate(divide="ignore", invalid="ignore"):
        for part, column in (
            ("part_fabriques", "fabriques_cumulees"),
            ("part_apprenants", "apprenants_cumules"),
            ("part_subvention", "subvention_eur"),
        ):
            of_nation = whole[column].astype("float64")
            table[part] = (table[column].astype("float64") / of_nation).where(of_nation > 0)
    return table


def _wave_table(rows: pd.DataFrame, waves: dict[int, dict], numbers: list[int]) -> pd.DataFrame:
    subsidies = rows.groupby(rows["vague"].astype("object").fillna(UNKNOWN_WAVE))[
        "subvention_eur"
    ].sum()
    known = not is_list_only(rows)
    table = pd.DataFrame(
        {
            "vague": numbers,
            "formations": [waves.get(n, {}).get("formations", 0) for n in numbers],
            "nouvelles_fabriques": [waves.get(n, {}).get("fabriques", 0) for n in numbers],
            "apprenants": pd.array(
                [waves.get(n, {}).get("apprenants", 0) if known else None for n in numbers],
                dtype="Int64",
            ),
            "subvention_eur": [float(subsidies.get(n, 0.0)) for n in numbers],
        }
    )
    table["fabriques_cumulees"] = table["nouvelles_fabriques"].cumsum()
    table["apprenants_cumules"] = table["apprenants"].cumsum()
    return table


def quota_shares(rows: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Women and NEET shares against their quotas.

    Returns
    -------
    DataFrame
        Index ``femmes``, ``neet``: ``effectif``, ``apprenants``, ``part``, ``quota``, ``atteint``.
    """
    known = not is_list_only(rows)
    learners = int(rows["apprenants"].sum()) if known else None
    out = pd.DataFrame(
        {
            "effectif": [
                int(rows["apprenants_femmes"].sum()) if known else None,
                int(rows["apprenants_neet"].sum()) if known else None,
            ],
            "quota": [targets.part_femmes, targets.part_neet],
        },
        index=pd.Index(["femmes", "neet"], name="quota_de"),
    )
    out["apprenants"] = learners
    out["part"] = [share(v, learners) if known else None for v in out["effectif"]]
    # as shown, to 0.1 %
    out["atteint"] = [
        p is not None and round(p, 3) >= q for p, q in zip(out["part"], out["quota"], strict=False)
    ]
    return out


def fabriques_of(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per fabrique: name, porteur, place, wave, formations, learners and shares, a point."""
    first = rows.sort_values("ligne").groupby("cle_fabrique", sort=False)
    out = first.agg(
        nom_fabrique=("nom_fabrique", "first"),
        porteur=("porteur", "first"),
        commune=("commune", "first"),
        code_commune=("code_commune", "first"),
        code_departement=("code_departement", "first"),
        code_region=("code_region", "first"),
        vague=("vague", "min"),
        formations=("id_formation", "size"),
        latitude=("latitude", "first"),
        longitude=("longitude", "first"),
        **{c: (c, "sum") for c in COUNTS if c in rows},
        subvention_eur=("subvention_eur", "sum"),
        **({"code_epci": ("code_epci", "first")} if "code_epci" in rows else {}),
    ).reset_index()
    for column in COUNTS:
        if column not in out:
            out[column] = 0
    if is_list_only(rows):
        for column in COUNTS:
            out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
    _add_shares(out, _given(rows))
    return out


def gives(values: pd.Series) -> bool:
    """Whether a snapshot gives this figure at all: not a column left empty on every row (no row: nothing to say)."""
    return not len(values) or bool(values.notna().any())


def below_quota(
    fabriques: pd.DataFrame, column: str, quota: float, min_learners: int = 10
) -> pd.DataFrame:
    """Fabriques with at least *min_learners* whose *column* share is under *quota*, lowest first."""
    keep = (fabriques["apprenants"] >= min_learners) & (fabriques[column] < quota)
    columns = ["nom_fabrique", "porteur", "commune", "code_departement", "apprenants", column]
    return fabriques.loc[keep, columns].sort_values(column).reset_index(drop=True)
