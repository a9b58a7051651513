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
import getpass
import re
import sys
from pathlib import Path

from gen_dash import cli_read, cli_store
from gen_dash.cli_support import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNKNOWN,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    LARGEST_RADIUS_KM,
    UsageError,
    add_territory_options,
    count,
    day,
    fail,
    pair,
    quiet_stdout,
    radius,
    snapshot_id,
)
from gen_dash.indicators import ON_MAP
from gen_dash.snapshot import MissingColumns, SnapshotError
from gen_dash.text import os_error

# The store (SQLAlchemy), the coverage (SciPy), comparisons and exports are imported by the commands that use them:
# validate and summary answer in a fraction of a second.


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _parser().parse_args(argv)
    except UsageError as exc:
        return fail(
            argparse.Namespace(json="--json" in argv),
            f"{exc} (python -m gen_dash --help pour l'aide)",
            EXIT_USAGE,
        )
    try:
        return args.handler(args)
    except UsageError as exc:
        return fail(args, str(exc), EXIT_USAGE)
    except SnapshotError as exc:
        hint = exc.guess.hint() if isinstance(exc, MissingColumns) and exc.guess is not None else ""
        return fail(args, str(exc) + hint, EXIT_UNREADABLE)
    # the store's refusals are ValueErrors; a command that never opened it raised none
    except ValueError as exc:
        store = sys.modules.get("gen_dash.store")
        if store is None or not isinstance(exc, store.StoreError):
            raise
        status = (
            EXIT_UNKNOWN
            if isinstance(exc, store.UnknownSnapshot)
            else EXIT_UNREADABLE
            if isinstance(exc, store.StoreUnavailable)
            else EXIT_REFUSED
        )
        return fail(args, str(exc), status)
    except BrokenPipeError:
        quiet_stdout()
        return EXIT_OK
    except OSError as exc:  # a file to write: its folder missing, no right, disk full
        where = f" {exc.filename}" if exc.filename else ""
        return fail(args, f"Impossible d'écrire{where} : {os_error(exc)}.", EXIT_UNREADABLE)


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
        raise UsageError(_french(message))


_ARGPARSE_MESSAGES = [  # argparse's own messages (Python 3.11 to 3.13), in French
    (r"the following arguments are required: (.*)", r"il manque : \1"),
    (r"unrecognized arguments: (.*)", r"argument(s) inconnu(s) : \1"),
    (
        r"argument (.+?): invalid choice: '(.*?)' \(choose from (.*)\)",
        r"\1 : « \2 » n'est pas un choix possible (\3)",
    ),
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


def _option(command: argparse.ArgumentParser, french: str, english: str | None, **kwargs) -> None:
    """An option under its French name; its former English name still works, hidden from the help (no script
    breaks)."""
    command.add_argument(french, **kwargs)
    if english:
        hidden = {k: v for k, v in kwargs.items() if k in ("type", "action", "choices", "metavar")}
        command.add_argument(
            english,
            dest=french.lstrip("-").replace("-", "_"),
            help=argparse.SUPPRESS,
            default=argparse.SUPPRESS,
            **hidden,
        )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m gen_dash", description="Instantanés de la Grande école du numérique."
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDE", title="commandes"
    )

    def command(name: str, help_text: str, handler, file: bool = False, snapshot: bool = False):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if snapshot:
            sub.add_argument(
                "file",
                metavar="FICHIER_OU_ID",
                help="fichier CSV ou .xlsx, ou numéro d'un instantané publié",
            )
        elif file:
            sub.add_argument("file", metavar="FICHIER", help="fichier CSV ou .xlsx")
        if file or snapshot:
            sub.add_argument(
                "--colonne",
                action="append",
                type=pair,
                default=[],
                metavar="CANONIQUE=COLONNE",
                help="la colonne du fichier qui tient lieu d'une colonne du contrat (répétable)",
            )
            sub.add_argument(
                "--valeur",
                action="append",
                type=pair,
                default=[],
                metavar="CANONIQUE=VALEUR",
                help="une valeur commune à toutes les lignes pour une colonne absente (répétable)",
            )
            sub.add_argument(
                "--deviner",
                action="store_true",
                help="deviner quelle colonne est laquelle (en-têtes et contenu), dire ce qui a été deviné "
                "et pourquoi ; les --colonne données l'emportent",
            )
            sub.add_argument(
                "--generer-identifiant",
                action="store_true",
                help="sans colonne d'identifiant : un identifiant stable tiré du nom et de la commune",
            )
        sub.add_argument("--json", action="store_true", help="sortie JSON")
        sub.set_defaults(handler=handler)
        return sub

    def with_radius(sub: argparse.ArgumentParser) -> None:
        _option(
            sub,
            "--rayon",
            "--radius",
            type=radius,
            default=30.0,
            metavar="KM",
            help=f"rayon en km, plus de 0 et au plus {LARGEST_RADIUS_KM} (30 par défaut)",
        )

    command("validate", "vérifier un fichier et lister ses problèmes", cli_read.validate, file=True)
    summ = command(
        "summary",
        "chiffres clés d'un fichier ou d'un instantané publié (lignes acceptées), pour un territoire",
        cli_read.summary,
        snapshot=True,
    )
    add_territory_options(summ, by=True)
    cov = command(
        "coverage",
        "population proche d'une fabrique, zones blanches, sites suggérés",
        cli_read.coverage,
        snapshot=True,
    )
    with_radius(cov)
    _option(
        cov,
        "--suggerer",
        "--suggest",
        type=count,
        default=0,
        metavar="K",
        help="nombre de nouveaux sites à suggérer",
    )
    cov.add_argument(
        "--min-population",
        type=count,
        default=5000,
        metavar="N",
        help="population minimale d'une commune candidate (5 000 par défaut)",
    )
    add_territory_options(cov, by=True)
    com = command(
        "commune",
        "une commune (nom, code postal ou code INSEE) : fabriques les plus proches, formations à "
        "moins de R km",
        cli_read.commune,
        snapshot=True,
    )
    com.add_argument(
        "recherche",
        metavar="COMMUNE",
        help="nom (« Lunel », « Saint-Denis (93) »), code postal ou code INSEE",
    )
    with_radius(com)
    pub = command(
        "publish", "publier un instantané dans l'historique partagé", cli_store.publish, file=True
    )
    pub.add_argument(
        "--date",
        type=day,
        metavar="AAAA-MM-JJ",
        help="date de l'instantané (sinon, celle du fichier)",
    )
    _option(pub, "--libelle", "--label", metavar="TEXTE", help="libellé affiché dans l'historique")
    _option(
        pub,
        "--auteur",
        "--by",
        metavar="NOM",
        default=getpass.getuser(),
        help="qui publie (par défaut, l'utilisateur du système)",
    )
    hist = command(
        "history", "les instantanés publiés, du plus récent au plus ancien", cli_store.history
    )
    _option(hist, "--tous", "--all", action="store_true", help="y compris les instantanés retirés")
    wd = command(
        "withdraw",
        "retirer un instantané des listes (il reste conservé et journalisé)",
        cli_store.withdraw,
    )
    wd.add_argument("id", type=snapshot_id, metavar="ID")
    _option(wd, "--auteur", "--by", metavar="NOM", default=getpass.getuser(), help="qui retire")
    exp = command("export", "exporter les lignes acceptées d'un instantané", cli_store.export)
    exp.add_argument("id", type=snapshot_id, metavar="ID")
    exp.add_argument(
        "--format",
        choices=["csv", "xlsx", "gpkg", "fichier"],
        default="csv",
        help="csv, xlsx, gpkg (GeoPackage, pour QGIS) ou fichier (le fichier publié, tel qu'il a été envoyé)",
    )
    _option(
        exp,
        "--sortie",
        "--output",
        type=Path,
        metavar="CHEMIN",
        help="fichier à écrire (par défaut : instantane-ID.FORMAT, ou le nom d'origine pour « fichier »)",
    )
    exp.add_argument(
        "-o", dest="sortie", type=Path, help=argparse.SUPPRESS, default=argparse.SUPPRESS
    )
    dif = command(
        "diff", "formations ajoutées, retirées, modifiées entre deux instantanés", cli_store.diff
    )
    dif.add_argument("id1", type=snapshot_id, metavar="ID1")
    dif.add_argument("id2", type=snapshot_id, metavar="ID2")
    fic = command(
        "fiche",
        "fiche PDF d'un territoire (une page A4), ou de chaque région et de la France",
        cli_store.fiche,
    )
    fic.add_argument(
        "source",
        metavar="FICHIER_OU_ID",
        help="fichier CSV ou .xlsx, ou numéro d'un instantané publié",
    )
    where = add_territory_options(fic)
    where.add_argument(
        "--toutes-regions",
        action="store_true",
        help="une fiche par région et une pour la France entière, dans le dossier --sortie",
    )
    fic.add_argument(
        "--indicateur", choices=list(ON_MAP), default="fabriques", help="ce que la carte colore"
    )
    _option(
        fic,
        "--sortie",
        "--output",
        type=Path,
        metavar="CHEMIN",
        help="fichier PDF à écrire (avec --toutes-regions : un dossier, créé s'il le faut)",
    )
    fic.add_argument(
        "-o", dest="sortie", type=Path, help=argparse.SUPPRESS, default=argparse.SUPPRESS
    )
    hp = commands.add_parser(
        "hash-password",
        help="calculer le hachage du mot de passe éditeur (pour les secrets)",
        description="calculer le hachage du mot de passe éditeur (pour les secrets)",
    )
    hp.set_defaults(handler=cli_store.hash_password, json=False)
    return parser
