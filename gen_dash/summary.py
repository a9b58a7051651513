"""The contract's summary of a snapshot (``summary --json``, ``/api/chiffres``): one code path for every reader."""

from __future__ import annotations

from gen_dash.metrics import reported, reported_share, summary_figures
from gen_dash.snapshot import Snapshot, is_list_only
from gen_dash.targets import load_targets


def summary_json(snapshot: Snapshot, place=None, by: str | None = None) -> dict:
    """The contract's ``summary --json`` object, for the rows of *place* (a
    :class:`gen_dash.territory.Territory`; None: all of them), with ``par_<by>`` for *by* in ``region``,
    ``departement``, ``epci``."""
    rows = snapshot.rows if place is None else place.apply(snapshot.rows)
    figures = summary_figures(rows)
    ordered = {
        k: v for k, v in figures.items() if k not in ("par_departement", "par_vague", "par_metier")
    }
    if place is not None and not place.national:
        ordered["territoire"] = {
            "nom": place.label,
            "region": place.region,
            "departements": list(place.codes),
            "epci": place.epci,
            "population": place.population,
        }
    for key in reported(rows):  # the programme's other indicators, when the file gives them
        if key == "part_qpv":
            ordered["apprenants_qpv"] = int(rows["apprenants_qpv"].sum())
        if key == "part_sorties_positives":
            ordered["sorties_positives"] = int(rows["sorties_positives"].sum())
        ordered[key] = reported_share(rows, key)
    ordered["lignes_rejetees"] = snapshot.report.lignes_rejetees
    ordered["par_departement"] = figures["par_departement"]
    ordered["par_vague"] = figures["par_vague"]
    ordered["par_metier"] = figures["par_metier"]
    targets = load_targets()
    # A quota is a threshold: the gap is said in points (negative below it), never as a percentage of the quota.
    ordered["quotas"] = {
        name: {
            "quota": quota,
            "ecart_points": None
            if figures[name] is None
            else round((figures[name] - quota) * 100, 1),
        }
        for name, quota in (("part_femmes", targets.part_femmes), ("part_neet", targets.part_neet))
    }
    # a list without learner counts: every learner figure is null
    ordered["liste_seule"] = snapshot.list_only
    if by is not None:
        ordered[f"par_{by}"] = by_territory(rows, by, place)
    # placed by their département, or in a commune without
    ordered["hors_epci"] = int(rows["code_epci"].isna().sum())
    return ordered


def by_territory(rows, level: str, place=None) -> dict:
    """``par_region`` / ``par_departement`` / ``par_epci``: each territory of that level with at least one formation
    (among those of *place*): name, counts, population, and for an EPCI every département it lies in."""
    from gen_dash.metrics import figures_by_territory

    table = figures_by_territory(rows, level)
    table = table[table["formations"] > 0]
    known = not is_list_only(rows)
    out = {}
    for line in table.itertuples(index=False):
        entry = {
            "nom": line.nom,
            "formations": int(line.formations),
            "fabriques": int(line.fabriques),
            "apprenants": int(line.apprenants) if known else None,
            "population": int(line.population),
        }
        if level == "epci":
            entry["departements"] = list(line.departements)
        out[str(line.code)] = entry
    return out
