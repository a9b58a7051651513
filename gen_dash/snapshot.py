"""What reading a snapshot gives: the accepted rows, the report of problems, the column mapping it was read with.

These types are shared by the reader (:mod:`gen_dash.ingest`), the store, the command line and the interface, which
import them from here rather than from the reader.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd

from gen_dash.fmt import number

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"
# code: stable, listed in the contract
PROBLEM_COLUMNS = [
    "gravite",
    "ligne",
    "colonne",
    "valeur",
    "code",
    "message",
]
OUTSIDE_PROGRAMME = "hors-programme-outre-mer"  # the code of a row in a collectivité d'outre-mer
# The reading adds them, in order.
DERIVED_COLUMNS = [
    "ligne",
    "code_region",
    "cle_fabrique",
    "localisation",
    "famille_metier",
    "code_epci",
]
# Derived from the data tables at every reading, never stored: a change of the rules (or of the EPCI map, which
# changes every 1st of January) applies to every snapshot.
RECOMPUTED = ("famille_metier", "code_epci")


class SnapshotError(ValueError):
    """The file cannot be read at all; the message (in French) says why and what to do."""


class MissingColumns(SnapshotError):
    """Required columns are missing: the message names them; ``missing`` (canonical names) and ``headers`` (the
    file's own) let an interface offer a column mapping."""

    def __init__(self, message: str, missing: list[str], headers: list[str], guess=None):
        super().__init__(message)
        # guess: the :class:`gen_dash.guess.Guess` of the file's columns, offered to confirm (never applied silently)
        self.missing, self.headers, self.guess = missing, headers, guess

    def __reduce__(self):  # so it crosses from the reading process intact (see gen_dash.upload)
        return type(self), (str(self), self.missing, self.headers, self.guess)


@dataclass(frozen=True)
class Mapping:
    """Which file column stands for a canonical column, or which value a column has on every row, when the file's
    headers say it some other way (``id_fs`` for ``id_formation``) or leave out a column constant for the file (a list
    of one wave has no ``vague``)."""

    # (canonical, file header); one header may stand for several
    columns: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # (canonical, value)
    generate_ids: bool = False  # no id column: a stable id is made from each row's name and place

    def __bool__(self) -> bool:
        return bool(self.columns or self.values or self.generate_ids)

    def to_dict(self) -> dict:
        """As stored with a published snapshot: ``{"colonnes": {...}, "valeurs": {...}}``, and
        ``"identifiant_genere": true`` when ids were generated."""
        out = {"colonnes": dict(self.columns), "valeurs": dict(self.values)}
        return out | {"identifiant_genere": True} if self.generate_ids else out

    @classmethod
    def from_dict(cls, data: dict | None) -> Mapping:
        """The inverse of :meth:`to_dict`."""
        data = data or {}
        return cls(
            tuple(sorted((data.get("colonnes") or {}).items())),
            tuple(sorted((data.get("valeurs") or {}).items())),
            bool(data.get("identifiant_genere")),
        )

    def options(self) -> list[str]:
        """The same mapping as command-line options (``--colonne nom_fabrique=NOM`` …)."""
        return (
            [f"--colonne {shlex.quote(f'{c}={h}')}" for c, h in self.columns]
            + [f"--valeur {shlex.quote(f'{c}={v}')}" for c, v in self.values]
            + (["--generer-identifiant"] if self.generate_ids else [])
        )


@dataclass
class Report:
    """What reading a snapshot found: row counts and every problem."""

    lignes: int
    problemes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    @property
    def lignes_rejetees(self) -> int:
        """Rows rejected: rows with at least one error."""
        return int(self.problemes.loc[self.problemes["gravite"] == ERREUR, "ligne"].nunique())

    @property
    def lignes_acceptees(self) -> int:
        """Rows accepted, repaired or not."""
        return self.lignes - self.lignes_rejetees

    @property
    def lignes_reparees(self) -> int:
        """Accepted rows that carry at least one warning."""
        errors = set(self.problemes.loc[self.problemes["gravite"] == ERREUR, "ligne"])
        warned = (
            set(self.problemes.loc[self.problemes["gravite"] == AVERTISSEMENT, "ligne"])
            - errors
            - {1}
        )
        return len(warned)

    @property
    def lignes_hors_programme(self) -> int:
        """Rejected rows placed in a collectivité d'outre-mer, outside the programme's 101 départements."""
        return int(
            self.problemes.loc[self.problemes["code"] == OUTSIDE_PROGRAMME, "ligne"].nunique()
        )

    def outside_programme_said(self) -> str:
        """« , dont N hors des 101 départements (collectivités d'outre-mer) » after a count of rejected rows, or ""."""
        count = self.lignes_hors_programme
        return (
            f", dont {number(count)} hors des 101 départements (collectivités d'outre-mer)"
            if count
            else ""
        )

    def to_dict(self) -> dict:
        """The report as the command line's ``validate --json`` prints it."""
        problems = self.problemes.astype(object).where(self.problemes.notna(), None)
        return {
            "lignes": self.lignes,
            "lignes_acceptees": self.lignes_acceptees,
            "lignes_rejetees": self.lignes_rejetees,
            "lignes_hors_programme": self.lignes_hors_programme,
            "problemes": [
                {k: (int(v) if k == "ligne" else v) for k, v in row.items()}
                for row in problems.to_dict(orient="records")
            ],
        }


@dataclass
class Snapshot:
    """A snapshot as read: accepted rows, the report, the snapshot date and the file's name."""

    rows: gpd.GeoDataFrame
    report: Report
    date: date | None
    name: str | None = None
    mapping: Mapping = field(default_factory=Mapping)  # the column mapping it was read with, if any

    @property
    def list_only(self) -> bool:
        """Whether this is a list of formations without learner counts (every learner figure is « non renseigné »)."""
        return is_list_only(self.rows)


def is_list_only(rows: pd.DataFrame) -> bool:
    """Whether *rows* give no learner count at all (a list snapshot)."""
    return len(rows) > 0 and bool(rows["apprenants"].isna().all())
