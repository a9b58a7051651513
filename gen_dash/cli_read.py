"""The commands that read a snapshot: ``validate``, ``summary``, ``coverage``, ``commune``."""

from __future__ import annotations

import argparse

import pandas as pd

from gen_dash import fmt
from gen_dash.cli_support import (
    EXIT_OK,
    EXIT_REJECTED,
    Source,
    out,
    read,
    source,
    status,
    territory,
)
from gen_dash.indicators import REPORTED
from gen_dash.snapshot import ERREUR
from gen_dash.summary import summary_json
from gen_dash.targets import load_targets


def validate(args: argparse.Namespace) -> int:
    snapshot = read(args)
    report = snapshot.report
    lines = [
        f"Fichier : {snapshot.name}",
        f"Lignes lues : {fmt.number(report.lignes)} ; acceptées : {fmt.number(report.lignes_acceptees)} "
        f"(dont {fmt.number(report.lignes_reparees)} réparées) ; rejetées : {fmt.number(report.lignes_rejetees)}"
        f"{report.outside_programme_said()}.",
    ]
    if report.problemes.empty:
        lines.append("Aucun problème.")
    for p in report.problemes.itertuples(index=False):
        label = "ERREUR" if p.gravite == ERREUR else "avertissement"
        lines.append(
            f"  ligne {p.ligne}, colonne « {p.colonne} », valeur « {p.valeur} » : {label} : {p.message}"
        )
    out(args, report.to_dict(), "\n".join(lines))
    return status(snapshot)


def summary(args: argparse.Namespace) -> int:
    given = source(args)
    snapshot, place = given.snapshot, territory(args)
    s = summary_json(snapshot, place, args.par)
    targets = load_targets()
    learners = (
        ["Apprenants : non renseigné (liste de formations, sans effectifs)"]
        if s["liste_seule"]
        else [
            f"Apprenants : {fmt.number(s['apprenants'])} ; dont femmes : {fmt.number(s['apprenants_femmes'])} "
            f"({fmt.percent(s['part_femmes'])}, {fmt.quota_gap(s['part_femmes'], targets.part_femmes)}) ; dont jeunes NEET : "
            f"{fmt.number(s['apprenants_neet'])} ({fmt.percent(s['part_neet'])}, "
            f"{fmt.quota_gap(s['part_neet'], targets.part_neet)})"
        ]
    )
    lines = [
        f"Instantané : {snapshot.name}"
        + (f" du {fmt.day(snapshot.date)}" if snapshot.date else ""),
        *(
            [f"Territoire : {place.label}" + (f" ({place.straddles})" if place.straddles else "")]
            if not place.national
            else []
        ),
        f"Formations : {fmt.number(s['formations'])}",
        f"Fabriques : {fmt.number(s['fabriques'])}",
        *learners,
        f"Départements couverts : {s['departements_couverts']}",
        *[f"{i.label} : {fmt.percent(s[i.key])}" for i in REPORTED if i.key in s],
        f"Lignes rejetées : {fmt.number(s['lignes_rejetees'])}",
        "Par vague :",
        *[
            f"  vague {w} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
            + ("" if s["liste_seule"] else f", {fmt.number(v['apprenants'])} apprenants")
            for w, v in s["par_vague"].items()
        ],
        "Par département :",
        *[
            f"  {code:>3} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
            + ("" if s["liste_seule"] else f", {fmt.number(v['apprenants'])} apprenants")
            for code, v in s["par_departement"].items()
        ],
        "Par famille de métiers :",
        *[
            f"  {name} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
            + (
                ""
                if s["liste_seule"]
                else f", {fmt.number(v['apprenants'])} apprenants, femmes {fmt.percent(v['part_femmes'])}, "
                f"jeunes NEET {fmt.percent(v['part_neet'])}"
            )
            for name, v in s["par_metier"].items()
        ],
    ]
    if args.par:
        lines.append(
            {
                "region": "Par région :",
                "departement": "Par département (avec au moins une formation) :",
                "epci": "Par EPCI (avec au moins une formation) :",
            }[args.par]
        )
        lines += [
            f"  {code} {v['nom']} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
            for code, v in s[f"par_{args.par}"].items()
        ]
    if s["hors_epci"]:
        lines.append(
            f"Formations hors de tout EPCI (situées par leur seul département, ou dans une commune sans EPCI) : "
            f"{fmt.number(s['hors_epci'])}"
        )
    out(args, s, "\n".join(lines))
    return _status_of(given)


def _status_of(given: Source) -> int:
    """A published snapshot was read long ago: exit 0; a file: as :func:`status`."""
    return EXIT_OK if given.published is not None else status(given.snapshot)


def coverage(args: argparse.Namespace) -> int:
    from gen_dash import coverage as cover
    from gen_dash import geo
    from gen_dash.metrics import fabriques_of

    given = source(args)
    place = territory(args)
    communes = place.apply(geo.communes_table())
    radius = int(args.rayon) if float(args.rayon).is_integer() else args.rayon
    # every fabrique counts, even across the territory's border
    fabriques = fabriques_of(given.rows)
    report = cover.coverage_report(
        communes, fabriques, radius, max(args.suggerer, 0), args.min_population
    )
    if not place.national:
        report = {"territoire": place.label, **report}
    if args.par == "epci":
        by_epci = cover.coverage_by_epci(cover.nearest_fabrique(communes, fabriques), radius)
        report["par_epci"] = {
            r.code: {
                "nom": r.nom,
                "population": int(r.population),
                "population_couverte": int(r.population_couverte),
                "part_couverte": None
                if pd.isna(r.part_couverte)
                else round(float(r.part_couverte), 6),
            }
            for r in by_epci.itertuples(index=False)
        }
    lines = [
        f"{fmt.percent(report['part_couverte'])} de la population"
        + ("" if place.national else f" ({place.label})")
        + f" ({fmt.number(report['population_couverte'])} habitants sur "
        f"{fmt.number(report['population'])}) vit à moins de {fmt.number(radius, 0 if isinstance(radius, int) else 1)} km "
        "d'une fabrique (distance à vol d'oiseau).",
        "Départements sans fabrique : "
        + (", ".join(report["departements_sans_fabrique"]) or "aucun")
        + ".",
        *[
            f"  {rank:>3}. {s['nom_commune']} ({s['code_departement']}) : +{fmt.number(s['population_gagnee'])} habitants"
            for rank, s in enumerate(report["suggestions"], start=1)
        ],
    ]
    if "par_epci" in report:
        lines.append("Par EPCI, la part la plus basse d'abord :")
        lines += [
            f"  {code} {v['nom']} : {fmt.percent(v['part_couverte'])}"
            for code, v in report["par_epci"].items()
        ]
    out(args, report, "\n".join(lines))
    return _status_of(given)


def commune(args: argparse.Namespace) -> int:
    from gen_dash import commune as communes
    from gen_dash.metrics import fabriques_of

    found = communes.find_commune(args.recherche)
    if found.one is None:
        if len(found.communes):
            candidates = [
                {
                    "code": r.code_commune,
                    "nom": r.nom_commune,
                    "code_departement": r.code_departement,
                    "nom_departement": r.nom_departement,
                }
                for r in found.communes.itertuples(index=False)
            ]
            listed = "; ".join(
                f"{c['nom']} ({c['nom_departement']}, {c['code']})" for c in candidates
            )
            return fail_with(
                args,
                f"« {args.recherche} » désigne plusieurs communes ({found.how}) : {listed}. "
                "Précisez le code INSEE, ou le département : « Saint-Denis (93) ».",
                {"candidats": candidates},
            )
        closest = f" Communes au nom proche : {', '.join(found.closest)}." if found.closest else ""
        return fail_with(
            args,
            f"Aucune commune ne correspond à « {args.recherche} ».{closest}",
            {"proches": found.closest},
        )
    given = source(args)
    place = found.one
    near = communes.near_commune(place, fabriques_of(given.rows), given.rows, args.rayon)
    data = {
        "commune": {
            "code": place["code_commune"],
            "nom": place["nom_commune"],
            "code_epci": _text(place["code_epci"]),
            "nom_epci": _text(place["nom_epci"]),
            "code_departement": place["code_departement"],
            "nom_departement": place["nom_departement"],
            "population": int(place["population"]),
        },
        "trouvee_par": found.how,
        "rayon_km": args.rayon,
        "couverte": near.covered,
        "fabriques_proches": [
            {
                "id_fabrique": str(r.cle_fabrique).removeprefix("id:"),
                "nom_fabrique": r.nom_fabrique,
                "commune": _text(r.commune),
                "code_departement": r.code_departement,
                "distance_km": float(r.distance_km),
                "formations": int(r.formations),
                "metiers": r.metiers,
            }
            for r in near.fabriques.itertuples(index=False)
        ],
        "formations_dans_le_rayon": near.formations_within,
        "phrase": near.sentence,
    }
    epci_text = (
        f", {place['nom_epci']}" if isinstance(place["nom_epci"], str) else ", hors de tout EPCI"
    )
    lines = [
        f"{place['nom_commune']} ({place['code_commune']}){epci_text}, {place['nom_departement']} "
        f"({place['code_departement']})",
        near.sentence,
        "Fabriques les plus proches :",
        *[
            f"  {fmt.number(r.distance_km, 1)} km : {r.nom_fabrique} ({_text(r.commune) or r.code_departement}), "
            f"{fmt.number(r.formations)} formation(s)"
            for r in near.fabriques.itertuples(index=False)
        ],
    ]
    out(args, data, "\n".join(lines))
    return EXIT_OK


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def fail_with(args: argparse.Namespace, message: str, details: dict) -> int:
    """Exit 1 with *message*, and *details* beside ``erreur`` in JSON."""
    out(args, {"erreur": message, **details}, message)
    return EXIT_REJECTED
