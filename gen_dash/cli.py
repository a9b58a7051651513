"""Command line: ``python -m gen_dash COMMAND ...`` (run ``python -m gen_dash --help``).

Reading a file (``validate``, ``summary``, ``coverage``): exit 0 the file was read and
no row was rejected; 1 at least one row was rejected; 2 the file could not be read.
The store (``publish``, ``history``, ``withdraw``, ``export``, ``diff``) and ``fiche``: exit 0 done;
2 the file could not be read, a file could not be written or the database cannot be used;
3 refused (same file already published, no date, already withdrawn); 4 no snapshot with
that number, whatever the number; 64 the command itself is mis-written (unknown option,
missing argument). Every error is one French sentence (``{"erreur": ...}`` under
``--json``), never a traceback; output cut short by a closed pipe (``| head``) ends quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import math
import os
import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from gen_dash import fmt
from gen_dash.indicators import ON_MAP, REPORTED
from gen_dash.ingest import read_snapshot
from gen_dash.metrics import reported, reported_share, summary_figures
from gen_dash.snapshot import ERREUR, Mapping, Snapshot, SnapshotError
from gen_dash.targets import load_targets
from gen_dash.text import os_error

# The store (SQLAlchemy), the coverage (SciPy), comparisons and exports are imported by the commands that use them:
# validate and summary answer in a fraction of a second.

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_REFUSED, EXIT_UNKNOWN, EXIT_USAGE = 0, 1, 2, 3, 4, 64
LARGEST_RADIUS_KM = 200


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        return _fail(argparse.Namespace(json="--json" in argv), f"{exc} (python -m gen_dash --help pour l'aide)",
                     EXIT_USAGE)
    try:
        return args.handler(args)
    except SnapshotError as exc:
        return _fail(args, str(exc), EXIT_UNREADABLE)
    except ValueError as exc:  # the store's refusals are ValueErrors; a command that never opened it raised none
        store = sys.modules.get("gen_dash.store")
        if store is None or not isinstance(exc, store.StoreError):
            raise
        status = (EXIT_UNKNOWN if isinstance(exc, store.UnknownSnapshot) else
                  EXIT_UNREADABLE if isinstance(exc, store.StoreUnavailable) else EXIT_REFUSED)
        return _fail(args, str(exc), status)
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:  # a file to write: its folder missing, no right, disk full
        where = f" {exc.filename}" if exc.filename else ""
        return _fail(args, f"Impossible d'écrire{where} : {os_error(exc)}.", EXIT_UNREADABLE)


class _UsageError(Exception):
    """The command line is mis-written; the message is French."""


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse speaking French: its help, and its errors raised (not printed in English, exit 2) for :func:`main`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=_Formatter, **kwargs)
        self._positionals.title, self._optionals.title = "arguments", "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str):
        raise _UsageError(_french(message))


_ARGPARSE_MESSAGES = [  # argparse's own messages (Python 3.11 to 3.13), in French
    (r"the following arguments are required: (.*)", r"il manque : \1"),
    (r"unrecognized arguments: (.*)", r"argument(s) inconnu(s) : \1"),
    (r"argument (.+?): invalid choice: '(.*?)' \(choose from (.*)\)", r"\1 : « \2 » n'est pas un choix possible (\3)"),
    (r"argument (.+?): invalid int value: '(.*)'", r"\1 : « \2 » n'est pas un nombre entier"),
    (r"argument (.+?): invalid .* value: '(.*)'", r"\1 : « \2 » n'est pas une valeur possible"),
    (r"argument (.+?): expected one argument", r"\1 : une valeur est attendue"),
    (r"argument (.+?): ignored explicit argument '(.*)'", r"\1 : « \2 » est de trop"),
    (r"argument (.+?): not allowed with argument (.*)", r"\1 : ne va pas avec \2"),
    (r"ambiguous option: (.*?) could match (.*)", r"option ambiguë : \1 (\2)"),
    (r"argument (.+?): (.*)", r"\1 : \2"),  # our own types' messages, already French
]


def _french(message: str) -> str:
    for pattern, french in _ARGPARSE_MESSAGES:
        if re.fullmatch(pattern, message, flags=re.S):
            return re.sub(pattern, french, message, flags=re.S)
    return message


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gen_dash", description="Instantanés de la Grande école du numérique.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE", title="commandes")

    def command(name: str, help_text: str, handler, file: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if file:
            sub.add_argument("file", metavar="FICHIER", help="fichier CSV ou .xlsx")
            sub.add_argument("--colonne", action="append", type=_pair, default=[], metavar="CANONIQUE=COLONNE",
                             help="la colonne du fichier qui tient lieu d'une colonne du contrat (répétable)")
            sub.add_argument("--valeur", action="append", type=_pair, default=[], metavar="CANONIQUE=VALEUR",
                             help="une valeur commune à toutes les lignes pour une colonne absente (répétable)")
        sub.add_argument("--json", action="store_true", help="sortie JSON")
        sub.set_defaults(handler=handler)
        return sub

    command("validate", "vérifier un fichier et lister ses problèmes", _validate, file=True)
    command("summary", "chiffres clés d'un fichier (lignes acceptées)", _summary, file=True)
    cov = command("coverage", "population proche d'une fabrique, zones blanches, sites suggérés (France entière)",
                  _coverage, file=True)
    cov.add_argument("--radius", type=_radius, default=30.0, metavar="KM",
                     help=f"rayon en km, plus de 0 et au plus {LARGEST_RADIUS_KM} (30 par défaut)")
    cov.add_argument("--suggest", type=_count, default=0, metavar="K", help="nombre de nouveaux sites à suggérer")
    cov.add_argument("--min-population", type=_count, default=5000, metavar="N",
                     help="population minimale d'une commune candidate (5 000 par défaut)")
    pub = command("publish", "publier un instantané dans l'historique partagé", _publish, file=True)
    pub.add_argument("--date", type=_date, metavar="AAAA-MM-JJ", help="date de l'instantané (sinon, celle du fichier)")
    pub.add_argument("--label", metavar="TEXTE", help="libellé affiché dans l'historique")
    pub.add_argument("--by", metavar="NOM", default=getpass.getuser(), help="qui publie (par défaut, l'utilisateur du système)")
    hist = command("history", "les instantanés publiés, du plus récent au plus ancien", _history)
    hist.add_argument("--all", action="store_true", help="y compris les instantanés retirés")
    wd = command("withdraw", "retirer un instantané des listes (il reste conservé et journalisé)", _withdraw)
    wd.add_argument("id", type=_snapshot_id, metavar="ID")
    wd.add_argument("--by", metavar="NOM", default=getpass.getuser(), help="qui retire")
    exp = command("export", "exporter les lignes acceptées d'un instantané", _export)
    exp.add_argument("id", type=_snapshot_id, metavar="ID")
    exp.add_argument("--format", choices=["csv", "xlsx", "gpkg", "fichier"], default="csv",
                     help="csv, xlsx, gpkg (GeoPackage, pour QGIS) ou fichier (le fichier publié, tel qu'il a été envoyé)")
    exp.add_argument("--output", "-o", type=Path, metavar="CHEMIN",
                     help="fichier à écrire (par défaut : instantane-ID.FORMAT, ou le nom d'origine pour « fichier »)")
    dif = command("diff", "formations ajoutées, retirées, modifiées entre deux instantanés", _diff)
    dif.add_argument("id1", type=_snapshot_id, metavar="ID1")
    dif.add_argument("id2", type=_snapshot_id, metavar="ID2")
    fic = command("fiche", "fiche PDF d'un territoire (une page A4), ou de chaque région et de la France", _fiche)
    fic.add_argument("source", metavar="FICHIER_OU_ID", help="fichier CSV ou .xlsx, ou numéro d'un instantané publié")
    where = fic.add_mutually_exclusive_group()
    where.add_argument("--region", metavar="CODE", help="code de la région (76 : Occitanie) ; par défaut, la France")
    where.add_argument("--departements", metavar="CODES", help="départements d'une région, séparés par des virgules : 31,32")
    where.add_argument("--toutes-regions", action="store_true",
                       help="une fiche par région et une pour la France entière, dans le dossier --output")
    fic.add_argument("--indicateur", choices=list(ON_MAP), default="fabriques", help="ce que la carte colore")
    fic.add_argument("--output", "-o", type=Path, required=True, metavar="CHEMIN",
                     help="fichier PDF à écrire (avec --toutes-regions : un dossier, créé s'il le faut)")
    hp = commands.add_parser("hash-password", help="calculer le hachage du mot de passe éditeur (pour les secrets)",
                             description="calculer le hachage du mot de passe éditeur (pour les secrets)")
    hp.set_defaults(handler=_hash_password, json=False)
    return parser


def _snapshot_id(text: str) -> int:
    try:
        return int(text)  # any size: a number no snapshot has is « inconnu » (exit 4), not a mis-written command
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un numéro d'instantané (un nombre entier)") from None


def _count(text: str) -> int:
    try:
        value = int(text.replace(" ", "").replace("\u202f", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre positif ou nul est attendu")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date AAAA-MM-JJ (par exemple 2017-12-31)") from None


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"« {text} » : écrivez CANONIQUE=VALEUR, par exemple id_formation=id_fs")
    return name.strip(), value.strip()


def _mapping(args: argparse.Namespace) -> Mapping:
    """The column mapping the command's --colonne and --valeur give."""
    return Mapping(tuple(sorted(args.colonne)), tuple(sorted(args.valeur)))


def _read(args: argparse.Namespace) -> Snapshot:
    """The command's file, read with its mapping."""
    return read_snapshot(args.file, mapping=_mapping(args))


def _radius(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None
    if not math.isfinite(value) or not 0 < value <= LARGEST_RADIUS_KM:
        raise argparse.ArgumentTypeError(f"« {text} » : le rayon est un nombre de kilomètres, plus de 0 et au plus "
                                         f"{LARGEST_RADIUS_KM}")
    return value


def _fail(args: argparse.Namespace, message: str, status: int) -> int:
    prefix = {EXIT_UNREADABLE: "Erreur : ", EXIT_REFUSED: "Refusé : ", EXIT_USAGE: "Commande mal écrite : "}.get(status, "")
    _out(args, {"erreur": message}, prefix + message)
    return status


def _out(args: argparse.Namespace, data, text: str) -> None:
    try:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value) if args.json else text, flush=True)
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say, and nothing to say it to
        _quiet_stdout()


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit does not complain about the closed pipe."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no real descriptor (tests capture it): leave it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _status(snapshot: Snapshot) -> int:
    return EXIT_REJECTED if snapshot.report.lignes_rejetees else EXIT_OK


# --------------------------------------------------------------------------- reading a file


def _validate(args: argparse.Namespace) -> int:
    snapshot = _read(args)
    report = snapshot.report
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
    _out(args, report.to_dict(), "\n".join(lines))
    return _status(snapshot)


def summary_json(snapshot: Snapshot) -> dict:
    """The contract's ``summary --json`` object."""
    figures = summary_figures(snapshot.rows)
    ordered = {k: v for k, v in figures.items() if k not in ("par_departement", "par_vague", "par_metier")}
    rows = snapshot.rows
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
        name: {"quota": quota, "ecart_points": None if figures[name] is None else round((figures[name] - quota) * 100, 1)}
        for name, quota in (("part_femmes", targets.part_femmes), ("part_neet", targets.part_neet))}
    ordered["liste_seule"] = snapshot.list_only  # a list without learner counts: every learner figure is null
    return ordered


def _summary(args: argparse.Namespace) -> int:
    snapshot = _read(args)
    s = summary_json(snapshot)
    targets = load_targets()
    learners = (["Apprenants : non renseigné (liste de formations, sans effectifs)"] if s["liste_seule"] else [
        f"Apprenants : {fmt.number(s['apprenants'])} ; dont femmes : {fmt.number(s['apprenants_femmes'])} "
        f"({fmt.percent(s['part_femmes'])}, {fmt.quota_gap(s['part_femmes'], targets.part_femmes)}) ; dont jeunes NEET : "
        f"{fmt.number(s['apprenants_neet'])} ({fmt.percent(s['part_neet'])}, "
        f"{fmt.quota_gap(s['part_neet'], targets.part_neet)})"])
    lines = [
        f"Instantané : {snapshot.name}" + (f" du {fmt.day(snapshot.date)}" if snapshot.date else ""),
        f"Formations : {fmt.number(s['formations'])}",
        f"Fabriques : {fmt.number(s['fabriques'])}",
        *learners,
        f"Départements couverts : {s['departements_couverts']}",
        *[f"{i.label} : {fmt.percent(s[i.key])}" for i in REPORTED if i.key in s],
        f"Lignes rejetées : {fmt.number(s['lignes_rejetees'])}",
        "Par vague :",
        *[f"  vague {w} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
          + ("" if s["liste_seule"] else f", {fmt.number(v['apprenants'])} apprenants") for w, v in s["par_vague"].items()],
        "Par département :",
        *[f"  {code:>3} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
          + ("" if s["liste_seule"] else f", {fmt.number(v['apprenants'])} apprenants")
          for code, v in s["par_departement"].items()],
        "Par famille de métiers :",
        *[f"  {name} : {fmt.number(v['fabriques'])} fabriques, {fmt.number(v['formations'])} formations"
          + ("" if s["liste_seule"] else f", {fmt.number(v['apprenants'])} apprenants, femmes {fmt.percent(v['part_femmes'])}, "
             f"jeunes NEET {fmt.percent(v['part_neet'])}") for name, v in s["par_metier"].items()],
    ]
    _out(args, s, "\n".join(lines))
    return _status(snapshot)


def _coverage(args: argparse.Namespace) -> int:
    from gen_dash import geo
    from gen_dash.coverage import coverage_report
    from gen_dash.metrics import fabriques_of

    snapshot = _read(args)
    communes = geo.communes_table()
    radius = int(args.radius) if float(args.radius).is_integer() else args.radius
    report = coverage_report(communes, fabriques_of(snapshot.rows), radius, max(args.suggest, 0), args.min_population)
    lines = [
        f"{fmt.percent(report['part_couverte'])} de la population ({fmt.number(report['population_couverte'])} habitants sur "
        f"{fmt.number(report['population'])}) vit à moins de {fmt.number(radius, 0 if isinstance(radius, int) else 1)} km "
        "d'une fabrique (distance à vol d'oiseau).",
        "Départements sans fabrique : " + (", ".join(report["departements_sans_fabrique"]) or "aucun") + ".",
        *[f"  {rank:>3}. {s['nom_commune']} ({s['code_departement']}) : +{fmt.number(s['population_gagnee'])} habitants"
          for rank, s in enumerate(report["suggestions"], start=1)],
    ]
    _out(args, report, "\n".join(lines))
    return _status(snapshot)


# --------------------------------------------------------------------------- the store


def _publish(args: argparse.Namespace) -> int:
    from gen_dash import store

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"Impossible de lire {path} : {os_error(exc)}.") from None
    published = store.publish(store.engine(), data, path.name, by=args.by, snapshot_date=args.date, label=args.label,
                              mapping=_mapping(args))
    _out(args, {"id": published.id, "date": published.date.isoformat(), "libelle": published.label,
                "lignes_acceptees": published.rows, "lignes_rejetees": published.rejected, "sha256": published.sha256},
         f"Publié : instantané n° {published.id} « {published.label} » du {fmt.day(published.date)} ; "
         f"{fmt.number(published.rows)} ligne(s) acceptée(s), {fmt.number(published.rejected)} rejetée(s).")
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    from gen_dash import store

    table = store.history(store.engine(), include_withdrawn=args.all).drop(columns=["sha256"])
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    lines = [f"{r.id:>4}  {r.date_instantane:%d/%m/%Y}  {r.libelle}  ({fmt.number(r.lignes_acceptees)} lignes, "
             f"publié par {r.publie_par}{', RETIRÉ' if not pd.isna(r.retire_le) else ''}"
             f"{f', remplacé par le n° {r.remplace_par}' if r.remplace_par is not None else ''})"
             for r in table.itertuples()] or ["Aucun instantané publié."]
    _out(args, records, "\n".join(lines))
    return EXIT_OK


def _withdraw(args: argparse.Namespace) -> int:
    from gen_dash import store

    store.withdraw(store.engine(), args.id, by=args.by)
    _out(args, {"id": args.id, "retire": True}, f"Instantané n° {args.id} retiré des listes (conservé et journalisé).")
    return EXIT_OK


def _fiche(args: argparse.Namespace) -> int:
    from gen_dash import fiche, geo
    from gen_dash.territory import Territory

    rows, source = _sheet_source(args.source)
    table, communes = geo.departements_table(), geo.communes_table()
    targets = load_targets()
    if args.toutes_regions:
        from tqdm import tqdm

        args.output.mkdir(parents=True, exist_ok=True)
        territories = [Territory.of(None, (), table)] + [Territory.of(code, (), table)
                                                         for code in sorted(table["code_region"].unique())]
        written = []
        for territory in tqdm(territories, desc="Fiches", unit="fiche", file=sys.stderr, disable=None):
            path = args.output / f"fiche-{territory.slug}-{_slug(territory.label)}.pdf"
            path.write_bytes(fiche.territory_sheet(territory.apply(rows), rows, territory, targets, source, communes,
                                                   args.indicateur))
            written.append(str(path))
        _out(args, {"fichiers": written}, f"Écrit : {len(written)} fiches dans {args.output}.")
        return EXIT_OK
    territory, notices = Territory.from_link(args.region, args.departements, table)
    if notices or (args.departements is not None and not territory.departements):
        return _fail(args, "Territoire : " + " ; ".join(notices or ["aucun département donné"]) + ".", EXIT_USAGE)
    data = fiche.territory_sheet(territory.apply(rows), rows, territory, targets, source, communes, args.indicateur)
    args.output.write_bytes(data)
    _out(args, {"fichier": str(args.output), "territoire": territory.label, "octets": len(data)},
         f"Écrit : {args.output} (fiche {territory.label}, {fmt.number(len(data))} octets).")
    return EXIT_OK


def _sheet_source(text: str):
    """The rows and the :class:`gen_dash.fiche.Source` of a file or of a published snapshot's number."""
    from gen_dash import fiche

    path = Path(text)
    if text.isdigit() and not path.exists():
        from gen_dash import store

        eng = store.engine()
        snapshot = store.load_snapshot(eng, int(text))
        meta = store.history(eng, include_withdrawn=True).set_index("id").loc[int(text)]
        return snapshot.rows, fiche.Source(snapshot.name or f"instantane-{text}", snapshot.date, str(meta["libelle"]),
                                           str(meta["sha256"]), bool(meta["exemple"]))
    data = path.read_bytes()
    snapshot = read_snapshot(data, path.name)
    from gen_dash.store import sha256

    sample = "statut_donnees" in snapshot.rows and bool(
        snapshot.rows["statut_donnees"].astype(str).str.startswith("illustratif").any())
    return snapshot.rows, fiche.Source(path.name, snapshot.date, "", sha256(data), sample)


def _slug(text: str) -> str:
    """« Provence-Alpes-Côte d'Azur » -> ``provence-alpes-cote-d-azur`` (a file name)."""
    from gen_dash.text import fold

    return fold(text).replace(" ", "-")


def _export(args: argparse.Namespace) -> int:
    from gen_dash import export, store

    eng = store.engine()
    if args.format == "fichier":  # the bytes as published: what the report's line numbers refer to
        data, name = store.load_file(eng, args.id)
        output = args.output or Path(name)
        output.write_bytes(data)
        _out(args, {"id": args.id, "format": args.format, "fichier": str(output), "octets": len(data)},
             f"Écrit : {output} (le fichier publié, {fmt.number(len(data))} octets).")
        return EXIT_OK
    snapshot = store.load_snapshot(eng, args.id)
    output = args.output or Path(f"instantane-{args.id}.{args.format}")
    if args.format == "csv":
        output.write_bytes(export.to_csv_bytes(snapshot.rows))
    elif args.format == "xlsx":
        output.write_bytes(export.to_xlsx_bytes({"Formations": snapshot.rows, "Rapport": snapshot.report.problemes}))
    else:
        output.write_bytes(export.to_geopackage_bytes(snapshot.rows))
    _out(args, {"id": args.id, "format": args.format, "fichier": str(output), "lignes": len(snapshot.rows)},
         f"Écrit : {output} ({fmt.number(len(snapshot.rows))} lignes).")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from gen_dash import compare, store

    eng = store.engine()
    old, new = store.load_snapshot(eng, args.id1), store.load_snapshot(eng, args.id2)
    changes = compare.diff_snapshots(old.rows, new.rows)
    counts = compare.count_by_status(changes)
    figures = compare.headline_changes(old.rows, new.rows, load_targets())
    data = {"de": args.id1, "a": args.id2, **counts,
            "chiffres": {k: {"avant": r.avant, "apres": r.apres, "ecart": r.ecart} for k, r in figures.iterrows()},
            "formations": json.loads(changes.drop(columns=["latitude", "longitude"]).to_json(orient="records",
                                                                                             force_ascii=False))}
    lines = [f"Du n° {args.id1} ({fmt.day(old.date)}) au n° {args.id2} ({fmt.day(new.date)}) : "
             f"{counts['ajoutée']} formation(s) ajoutée(s), {counts['retirée']} retirée(s), {counts['modifiée']} modifiée(s)."]
    lines += [f"  {r.libelle} : {fmt.by_nature(r.avant, r.nature)} → {fmt.by_nature(r.apres, r.nature)}"
              for r in figures.itertuples()]
    lines += [f"  [{r.statut}] {r.id_formation} {r.nom_formation} ({r.code_departement})"
              + (f" : {r.champs_modifies}" if r.champs_modifies else "") for r in changes.itertuples()]
    _out(args, data, "\n".join(lines))
    return EXIT_OK


def _hash_password(args: argparse.Namespace) -> int:
    from gen_dash.access import hash_password

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Mot de passe éditeur : ")
    if len(password) < 12:
        print("Refusé : choisissez un mot de passe d'au moins 12 caractères.")
        return EXIT_REFUSED
    print(hash_password(password))
    return EXIT_OK

