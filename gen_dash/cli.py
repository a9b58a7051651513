"""Command line: ``python -m gen_dash validate|summary|coverage FILE [--json]``.

Exit status: 0 the file was read and no row was rejected; 1 at least one row
was rejected; 2 the file could not be read at all. Never a traceback for a bad file.
"""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from gen_dash import fmt, geo
from gen_dash.coverage import coverage_report
from gen_dash.ingest import ERREUR, Snapshot, SnapshotError, read_snapshot
from gen_dash.metrics import fabriques_of, summary_figures

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        snapshot = read_snapshot(args.file)
    except SnapshotError as exc:
        return _unreadable(str(exc), args.json)
    except Exception as exc:  # noqa: BLE001 - a bad file must never show a traceback
        return _unreadable(f"Le fichier n'a pas pu être lu ({type(exc).__name__} : {exc}).", args.json)
    output = {"validate": _validate, "summary": _summary, "coverage": _coverage}[args.command]
    print(output(snapshot, args))
    return EXIT_REJECTED if snapshot.report.lignes_rejetees else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gen_dash", description="Instantanés de la Grande école du numérique.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    for name, help_text in (("validate", "vérifier un fichier et lister ses problèmes"),
                            ("summary", "chiffres clés d'un fichier (lignes acceptées)")):
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("file", metavar="FICHIER", help="fichier CSV ou .xlsx")
        command.add_argument("--json", action="store_true", help="sortie JSON")
    coverage = commands.add_parser("coverage", help="population proche d'une fabrique, zones blanches, sites suggérés",
                                   description="Couverture territoriale de la France entière (communes de référence).")
    coverage.add_argument("file", metavar="FICHIER", help="fichier CSV ou .xlsx")
    coverage.add_argument("--radius", type=_positive_float, default=30.0, metavar="KM", help="rayon en km (30 par défaut)")
    coverage.add_argument("--suggest", type=int, default=0, metavar="K", help="nombre de nouveaux sites à suggérer")
    coverage.add_argument("--min-population", type=int, default=5000, metavar="N",
                          help="population minimale d'une commune candidate (5 000 par défaut)")
    coverage.add_argument("--json", action="store_true", help="sortie JSON")
    return parser


def _positive_float(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("le rayon doit être positif")
    return value


def _unreadable(message: str, as_json: bool) -> int:
    print(json.dumps({"erreur": message}, ensure_ascii=False) if as_json else f"Fichier illisible : {message}")
    return EXIT_UNREADABLE


def _validate(snapshot: Snapshot, args: argparse.Namespace) -> str:
    report = snapshot.report
    if args.json:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    lines = [
        f"Fichier : {snapshot.name}",
        f"Lignes lues : {fmt.number(report.lignes)} ; acceptées : {fmt.number(report.lignes_acceptees)} "
        f"(dont {fmt.number(report.lignes_reparees)} réparées) ; rejetées : {fmt.number(report.lignes_rejetees)}.",
    ]
    if report.problemes.empty:
        lines.append("Aucun problème.")
    for p in report.problemes.itertuples(index=False):
        label = "ERREUR" if p.gravite == ERREUR else "avertissement"
        lines.append(f"  ligne {p.ligne}, colonne « {p.colonne} », valeur « {p.valeur} » : {label} : {p.message}")
    return "\n".join(lines)


def _summary(snapshot: Snapshot, args: argparse.Namespace) -> str:
    figures = summary_figures(snapshot.rows)
    ordered = {k: v for k, v in figures.items() if k not in ("par_departement", "par_vague")}
    ordered["lignes_rejetees"] = snapshot.report.lignes_rejetees
    ordered["par_departement"] = figures["par_departement"]
    ordered["par_vague"] = figures["par_vague"]
    if args.json:
        return json.dumps(ordered, ensure_ascii=False, indent=2)
    lines = [
        f"Instantané : {snapshot.name}" + (f" du {fmt.day(snapshot.date)}" if snapshot.date else ""),
        f"Formations : {fmt.number(ordered['formations'])}",
        f"Fabriques : {fmt.number(ordered['fabriques'])}",
        f"Apprenants : {fmt.number(ordered['apprenants'])} ; dont femmes : {fmt.number(ordered['apprenants_femmes'])} "
        f"({fmt.percent(ordered['part_femmes'])}) ; dont jeunes NEET : {fmt.number(ordered['apprenants_neet'])} "
        f"({fmt.percent(ordered['part_neet'])})",
        f"Départements couverts : {ordered['departements_couverts']}",
        f"Lignes rejetées : {fmt.number(ordered['lignes_rejetees'])}",
        "Par vague :",
    ]
    for wave, v in ordered["par_vague"].items():
        lines.append(f"  vague {wave} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations, "
                     f"{fmt.number(v['apprenants'])} apprenants")
    lines.append("Par département :")
    for code, v in ordered["par_departement"].items():
        lines.append(f"  {code:>3} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations, "
                     f"{fmt.number(v['apprenants'])} apprenants")
    return "\n".join(lines)


def _coverage(snapshot: Snapshot, args: argparse.Namespace) -> str:
    communes = pd.DataFrame(geo.load_communes().drop(columns="geometry"))
    radius = int(args.radius) if float(args.radius).is_integer() else args.radius
    report = coverage_report(communes, fabriques_of(snapshot.rows), radius, max(args.suggest, 0), args.min_population)
    if args.json:
        return json.dumps(report, ensure_ascii=False, indent=2)
    lines = [
        f"{fmt.percent(report['part_couverte'])} de la population ({fmt.number(report['population_couverte'])} habitants sur "
        f"{fmt.number(report['population'])}) vit à moins de {fmt.number(radius, 0 if isinstance(radius, int) else 1)} km d'une fabrique "
        "(distance à vol d'oiseau).",
        "Départements sans fabrique : " + (", ".join(report["departements_sans_fabrique"]) or "aucun") + ".",
    ]
    for rank, s in enumerate(report["suggestions"], start=1):
        lines.append(f"  {rank:>3}. {s['nom_commune']} ({s['code_departement']}) : +{fmt.number(s['population_gagnee'])} habitants")
    return "\n".join(lines)
