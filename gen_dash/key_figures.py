"""The headline figures of a territory, each with what it is measured against, the notices when one looks wrong, and
the territory set beside the nation."""

from __future__ import annotations

import pandas as pd

from gen_dash import fmt, geo
from gen_dash.indicators import BY_KEY
from gen_dash.metrics import gives, reported, reported_share, share, summary_figures
from gen_dash.targets import Targets
from gen_dash.territory import Territory

SANITY_TARGET_RATIO = (
    2.0  # a figure above 200 % of its target is more likely an error in the file than a triumph
)
SANITY_TERRITORY_SHARE = 0.5  # nor is one territory holding more than half of the nation's learners


def headline_figures(
    rows: pd.DataFrame,
    targets: Targets,
    territory: Territory | None = None,
    national: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The headline figures of a territory, each with what it is measured against.

    France is measured against the programme's targets and envelope; a territory has none of its own, so its counts
    are set against the national total and its covered départements against its own départements. Shares are
    always said against their quota, in points.

    Parameters
    ----------
    rows
        The territory's rows.
    territory
        The territory (None: France).
    national
        All the snapshot's rows (needed for a territory other than France).

    Returns
    -------
    DataFrame
        Index ``fabriques``, ``apprenants``, ``part_femmes``, ``part_neet``, ``departements_couverts``, ``budget``;
        columns ``libelle``, ``valeur``, ``nature`` (``nombre``, ``part``, ``euros``, ``couverture``), ``cible``
        (the national target, the quota for a share, the territory's départements), ``taux`` (valeur / cible, for
        France's counts), ``france`` (the national value), ``part_du_national`` (for a territory's counts) and
        ``repere``: the figure against its reference, in French (« 99,0 % de l'objectif (200) »,
        « 3,8 points sous le quota de 30 % », « 9 sur 13 départements de la région »).
    """
    territory = territory or Territory(None, (), "France entière", tuple(geo.departement_regions()))
    alone = territory.single
    # One EPCI is « couvert » or not: the nation beside it counts EPCI with a formation, not départements (« EPCI
    # couvert : couvert, France : 80 » read as 80 EPCI).
    unit = "code_epci" if territory.epci else "code_departement"
    local = _headline_values(rows, unit)
    whole = local if territory.national or national is None else _headline_values(national, unit)

    def line(key: str, indicator: str | None = None) -> tuple:
        ind = BY_KEY[indicator or key]
        return key, ind.label, ind.nature, getattr(targets, ind.target) if ind.target else None

    records = [
        line("fabriques"),
        line("apprenants"),
        line("part_femmes"),
        line("part_neet"),
        (
            "departements_couverts",
            "EPCI couvert"
            if territory.epci
            else "Département couvert"
            if alone
            else "Départements couverts",
            "couverture" if alone else "nombre",
            len(territory.codes),
        ),
        line("budget", "subvention_eur"),
    ]
    for key in reported(national if national is not None else rows):
        records.append(line(key))
        local[key] = reported_share(rows, key)
        whole[key] = reported_share(national if national is not None else rows, key)
    table = pd.DataFrame.from_records(
        [
            (key, label, local[key], nature, target, whole[key])
            for key, label, nature, target in records
        ],
        columns=["cle", "libelle", "valeur", "nature", "cible", "france"],
    ).set_index("cle")
    counts = table["nature"].isin(["nombre", "euros"]) & (table.index != "departements_couverts")
    table["taux"] = [
        share(v, c) if n and territory.national else None
        for v, c, n in zip(table["valeur"], table["cible"], counts, strict=False)
    ]
    table["part_du_national"] = [
        share(v, f) if n and not territory.national else None
        for v, f, n in zip(table["valeur"], table["france"], counts, strict=False)
    ]
    table["repere"] = [_reference_text(key, line, territory) for key, line in table.iterrows()]
    return table


def _headline_values(rows: pd.DataFrame, unit: str = "code_departement") -> dict:
    """The headline values of *rows*; the places covered counted by *unit* (départements, or EPCI)."""
    s = summary_figures(rows)
    return {
        "fabriques": s["fabriques"],
        "apprenants": s["apprenants"],
        "part_femmes": s["part_femmes"],
        "part_neet": s["part_neet"],
        "departements_couverts": int(rows[unit].nunique()),
        "budget": _amount(rows["subvention_eur"]) if "subvention_eur" in rows else None,
    }


def _amount(values: pd.Series) -> float | None:
    """A sum of euros, None when the file gives none (a list without subsidies is not « 0 € »)."""
    return float(values.sum()) if gives(values) else None


def _reference_text(key: str, line: pd.Series, territory: Territory) -> str:
    if line["valeur"] is None or pd.isna(line["valeur"]):
        return "non renseigné"
    if line["nature"] == "part":
        if line["cible"] is None or pd.isna(line["cible"]):  # a reported share without a target
            return "" if territory.national else f"France : {fmt.percent(line['france'])}"
        return fmt.quota_gap(line["valeur"], line["cible"])
    if key == "departements_couverts":
        return (
            territory.straddles
            if line["nature"] == "couverture"
            else territory.covered(int(line["valeur"]))
        )
    if not territory.national:
        return f"{fmt.percent(line['part_du_national'])} du total national"
    what = "de l'enveloppe" if key == "budget" else "de l'objectif"
    return f"{fmt.percent(line['taux'])} {what} ({fmt.by_nature(line['cible'], line['nature'])})"


def sanity_notices(headline: pd.DataFrame, territory: Territory) -> list[str]:
    """Figures that look wrong enough to be checked before anyone repeats them, each with the rule that fired."""
    notices = []
    for _, line in headline.iterrows():
        if (
            line["taux"] is not None
            and not pd.isna(line["taux"])
            and line["taux"] > SANITY_TARGET_RATIO
        ):
            notices.append(
                f"{line['libelle']} : {fmt.by_nature(line['valeur'], line['nature'])}, soit "
                f"{fmt.percent(line['taux'])} de la cible ; règle : plus de "
                f"{fmt.percent(SANITY_TARGET_RATIO, 0)} d'une cible."
            )
    learners = headline.loc["apprenants", "part_du_national"]
    if (
        not territory.national
        and learners is not None
        and not pd.isna(learners)
        and learners > SANITY_TERRITORY_SHARE
        and len(territory.codes) < len(geo.departement_regions())
    ):
        notices.append(
            f"{territory.label} compte {fmt.percent(learners)} des apprenants du pays ; règle : un territoire "
            f"qui en compte plus de {fmt.percent(SANITY_TERRITORY_SHARE, 0)}."
        )
    return notices


def compare_with_nation(
    rows: pd.DataFrame, national: pd.DataFrame, targets: Targets, territory: Territory
) -> pd.DataFrame:
    """The territory's headline figures beside the nation's: ``libelle``, ``territoire``, ``france``, ``nature`` (of the
    territory's figure), ``nature_france``, ``part_du_national`` (counts), ``quota`` (the territory's share against its
    quota, in French)."""
    local = headline_figures(rows, targets, territory, national)
    out = pd.DataFrame(
        {
            "libelle": local["libelle"],
            "territoire": local["valeur"],
            "france": local["france"],
            "nature": local["nature"],
            "part_du_national": local["part_du_national"],
        }
    )
    # One département is « couvert » or not; the nation beside it is a number of départements.
    out["nature_france"] = out["nature"].replace({"couverture": "nombre"})
    out["quota"] = [
        line["repere"]
        if line["nature"] == "part" and line["cible"] is not None and not pd.isna(line["cible"])
        else ""
        for _, line in local.iterrows()
    ]
    return out
