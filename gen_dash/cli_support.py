"""What every command of the command line shares: exit statuses, argument types, French output and errors."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gen_dash.ingest import read_snapshot
from gen_dash.snapshot import Mapping, Snapshot, SnapshotError
from gen_dash.text import os_error

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_REFUSED, EXIT_UNKNOWN, EXIT_USAGE = 0, 1, 2, 3, 4, 64
LARGEST_RADIUS_KM = 200


class UsageError(Exception):
    """The command line is mis-written; the message is French."""


def snapshot_id(text: str) -> int:
    try:
        # any size: a number no snapshot has is « inconnu » (exit 4), not a mis-written command
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas un numéro d'instantané (un nombre entier)"
        ) from None


def count(text: str) -> int:
    try:
        value = int(text.replace(" ", "").replace("\u202f", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre positif ou nul est attendu")
    return value


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas une date AAAA-MM-JJ (par exemple 2017-12-31)"
        ) from None


def pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(
            f"« {text} » : écrivez CANONIQUE=VALEUR, par exemple id_formation=id_fs"
        )
    return name.strip(), value.strip()


def mapping(args: argparse.Namespace, data: bytes | None = None) -> Mapping:
    """The column mapping the command's ``--colonne``, ``--valeur`` and ``--generer-identifiant`` give; with
    ``--deviner``, completed by the guess from *data* (:mod:`gen_dash.guess`), said on standard error and kept as
    ``args.guessed`` for the JSON output."""
    given = Mapping(
        tuple(sorted(getattr(args, "colonne", []))),
        tuple(sorted(getattr(args, "valeur", []))),
        bool(getattr(args, "generer_identifiant", False)),
    )
    if not getattr(args, "deviner", False) or data is None:
        return given
    from gen_dash.guess import guess_file

    guessed = args.guessed = guess_file(data, given=given)
    chosen = guessed.mapping()
    if not args.json:
        lines = [
            "Correspondance devinée : " + (" ".join(chosen.options()) or "aucune option nécessaire")
        ]
        lines += [f"  {sentence}" for sentence in guessed.sentences()]
        if guessed.unmapped:
            lines.append(
                "  Colonnes gardées telles quelles : "
                + ", ".join(f"« {h} »" for h in guessed.unmapped)
                + "."
            )
        print("\n".join(lines), file=sys.stderr, flush=True)
    return chosen


def read_file(path_text: str) -> tuple[bytes, str]:
    """A command's file: its bytes and its name; a French error when it cannot be read."""
    path = Path(path_text)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise SnapshotError(f"Impossible de lire {path} : {os_error(exc)}.") from None


def read(args: argparse.Namespace) -> Snapshot:
    """The command's file, read with its mapping."""
    data, name = read_file(args.file)
    return read_snapshot(data, name, mapping=mapping(args, data))


@dataclass
class Source:
    """A command's snapshot: a file read with its mapping, or a published snapshot given by its number."""

    snapshot: Snapshot
    data: bytes | None  # the file's bytes (None for a published snapshot)
    published: int | None = None

    @property
    def rows(self):
        """Its accepted rows."""
        return self.snapshot.rows


def source(args: argparse.Namespace) -> Source:
    """The snapshot ``FICHIER_OU_ID`` names: a file (read with ``--colonne`` / ``--valeur``), or, for a number that is
    no file here, the published snapshot of that number."""
    text = args.file
    path = Path(text)
    if text.isdigit() and not path.exists():
        from gen_dash import store

        return Source(store.load_snapshot(store.engine(), int(text)), None, int(text))
    data, name = read_file(text)
    return Source(read_snapshot(data, name, mapping=mapping(args, data)), data)


def add_territory_options(command: argparse.ArgumentParser, by: bool = False) -> None:
    """``--region``, ``--departements``, ``--epci`` (one of them), and with *by* ``--par``."""
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--region",
        metavar="CODE",
        help="code de la région (76 : Occitanie) ; par défaut, la France",
    )
    where.add_argument(
        "--departements",
        metavar="CODES",
        help="départements d'une région, séparés par des virgules : 31,32",
    )
    where.add_argument(
        "--epci",
        metavar="SIREN",
        help="code SIREN d'une intercommunalité (243100518 : Toulouse Métropole)",
    )
    if by:
        command.add_argument(
            "--par",
            choices=["region", "departement", "epci"],
            help="les chiffres par région, département ou EPCI (du territoire choisi)",
        )
    return where


def territory(args: argparse.Namespace):
    """The :class:`gen_dash.territory.Territory` of the command's options; an unknown code is a usage error."""
    from gen_dash import epci, geo
    from gen_dash.territory import Territory

    region, departements, code = (
        getattr(args, "region", None),
        getattr(args, "departements", None),
        getattr(args, "epci", None),
    )
    chosen, notices = Territory.from_link(
        region, departements, geo.departements_table(), code, epci.epci_table()
    )
    if notices or (departements is not None and not chosen.departements):
        raise UsageError("Territoire : " + " ; ".join(notices or ["aucun département donné"]) + ".")
    return chosen


def radius(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None
    if not math.isfinite(value) or not 0 < value <= LARGEST_RADIUS_KM:
        raise argparse.ArgumentTypeError(
            f"« {text} » : le rayon est un nombre de kilomètres, plus de 0 et au plus "
            f"{LARGEST_RADIUS_KM}"
        )
    return value


def fail(args: argparse.Namespace, message: str, status: int) -> int:
    prefix = {
        EXIT_UNREADABLE: "Erreur : ",
        EXIT_REFUSED: "Refusé : ",
        EXIT_USAGE: "Commande mal écrite : ",
    }.get(status, "")
    out(args, {"erreur": message}, prefix + message)
    return status


def out(args: argparse.Namespace, data, text: str) -> None:
    guessed = getattr(args, "guessed", None)
    if guessed is not None and isinstance(data, dict):
        data = data | {"correspondance": guessed.to_dict()}
    try:
        print(
            json.dumps(data, ensure_ascii=False, indent=2, default=_json_value)
            if args.json
            else text,
            flush=True,
        )
    # the reader went away (``| head``): nothing more to say, and nothing to say it to
    except BrokenPipeError:
        quiet_stdout()


def quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit does not complain about the closed pipe."""
    # no real descriptor (tests capture it): leave it
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def status(snapshot: Snapshot) -> int:
    return EXIT_REJECTED if snapshot.report.lignes_rejetees else EXIT_OK
