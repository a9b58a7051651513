"""The refusals of a file beyond a limit of :class:`gen_dash.config.Limits`, in French: each names the limit, its
setting and what to do."""

from __future__ import annotations

from gen_dash.config import Limits
from gen_dash.fmt import number
from gen_dash.snapshot import SnapshotError


def megabytes(size: int) -> str:
    return f"{number(size / 1e6, 1 if size < 10e6 and size % 1_000_000 else 0)} Mo"


def _beyond(
    subject: str, count: int, unit: str, limit: int, setting: str, advice: str
) -> SnapshotError:
    return SnapshotError(
        f"{subject} compte {number(count)} {unit}, au-delà de la limite de {number(limit)} (réglage "
        f"{setting}) : {advice}"
    )


def long_line(line: int, length: int, limits: Limits) -> SnapshotError:
    return _beyond(
        f"La ligne {line}",
        length,
        "caractères",
        limits.line,
        "GEN_DASH_MAX_LINE",
        "le fichier n'est pas un tableau de formations ou une ligne a été mal exportée.",
    )


def long_cell(line: int, limits: Limits) -> SnapshotError:
    return SnapshotError(
        f"Ligne {line} : une cellule dépasse {number(limits.cell)} caractères, la limite "
        "(réglage GEN_DASH_MAX_CELL). Vérifiez les guillemets de cette ligne ou raccourcissez la cellule."
    )


def too_many_columns(line: int, count: int, limits: Limits) -> SnapshotError:
    return _beyond(
        f"La ligne {line}",
        count,
        "colonnes",
        limits.columns,
        "GEN_DASH_MAX_COLUMNS",
        "vérifiez le séparateur et les séparateurs en trop en fin de ligne.",
    )


def too_many_rows(count: int, limits: Limits) -> SnapshotError:
    """The refusal of a file with more rows than the limit (*count*: the rows found, or counted so far)."""
    return _beyond(
        "Le fichier",
        count,
        "lignes",
        limits.rows,
        "GEN_DASH_MAX_ROWS",
        "découpez-le ou demandez à l'administrateur de relever la limite.",
    )
