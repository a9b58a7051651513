"""Read a snapshot file as staff send it: decode, parse, repair, validate and place every row.

The public verb is :func:`read_snapshot`. Every check is vectorised over the
whole table; a problem is recorded with the file's line number, the column as
written in the file, the value and a French message saying what to fix.

Here: the order of a reading, the rules across columns (required values, counts within the learners,
duplicates) and the snapshot they make. Elsewhere: :mod:`gen_dash.ingest_columns` (which file column is which:
headers, aliases, the mapping), :mod:`gen_dash.ingest_values` (each column read as its type, plausible values),
:mod:`gen_dash.table` (bytes to a table of text, within the limits), :mod:`gen_dash.cells` (cells, their distinct
texts, problems, French numbers and dates), :mod:`gen_dash.place` (where each row is), :mod:`gen_dash.snapshot`
(the types everyone imports).
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd

from gen_dash import config, epci, geo, identity, metiers
from gen_dash.cells import factorize
from gen_dash.config import Limits
from gen_dash.ingest_columns import ColumnCells
from gen_dash.ingest_values import TypedValues, largest_wave
from gen_dash.place import LOCATION_COLUMNS, locate
from gen_dash.schema import (
    BY_NAME,
    COLUMNS,
    COUNT_COLUMNS,
    LEARNER_COLUMNS,
    REQUIRED,
)
from gen_dash.snapshot import (
    AVERTISSEMENT,
    DERIVED_COLUMNS,
    ERREUR,
    PROBLEM_COLUMNS,
    Mapping,
    Report,
    Snapshot,
    SnapshotError,
)
from gen_dash.table import read_table
from gen_dash.table_limits import too_many_rows
from gen_dash.text import fold_series, os_error

_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_log = logging.getLogger(__name__)


def read_snapshot(
    source: str | Path | bytes | BinaryIO,
    name: str | None = None,
    *,
    limits: Limits | None = None,
    mapping: Mapping | None = None,
) -> Snapshot:
    """Read a snapshot (CSV in any French spreadsheet shape, or ``.xlsx``).

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (e.g. a Streamlit upload).
    name
        The file's name, used in messages and for a ``YYYY-MM-DD`` snapshot date.
    limits
        What the file may hold; default :func:`gen_dash.config.limits`.
    mapping
        File columns standing for canonical ones, and values constant for the file (see :class:`Mapping`).

    Returns
    -------
    Snapshot
        ``rows``: accepted rows as a GeoDataFrame of points (EPSG:4326), canonical
        columns first, then the file's other columns, ``ligne`` (line in the file),
        ``code_region``, ``cle_fabrique``, ``localisation`` and ``famille_metier`` (:func:`gen_dash.metiers.family`).

    Raises
    ------
    SnapshotError
        The file cannot be read at all (empty, not a table, too large, a
        required column missing...).
    """
    data, name = _read_bytes(source, name)
    try:
        return _read(data, name, limits or config.limits(), mapping or Mapping())
    except SnapshotError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the file holds, its reader gets a message, never a traceback
        _log.exception("Lecture de %s", name)
        raise SnapshotError(
            f"Le fichier n'a pas pu être lu : une erreur inattendue s'est produite ({type(exc).__name__}). "
            "Vérifiez qu'il s'agit bien d'un tableau CSV ou .xlsx ; si cela persiste, transmettez le "
            "fichier à l'administrateur du tableau de bord."
        ) from exc


def prepare() -> None:
    """Load the reference tables the reader consults (each is cached), so that a process forked afterwards reads its
    first file as fast as its tenth (see :mod:`gen_dash.upload`)."""
    for load in (
        geo.communes_by_code,
        geo.commune_names,
        geo.departement_names,
        geo.departement_regions,
        geo.former_communes,
        geo.known_commune_codes,
        geo.load_placement_departements,
        geo.postal_code_lookup,
        largest_wave,
    ):
        load()


def _read(data: bytes, name: str | None, limits: Limits, mapping: Mapping) -> Snapshot:
    table = read_table(data, limits)
    if table.body.empty:
        raise SnapshotError(
            "Le fichier ne contient que la ligne d'en-tête : aucune formation à lire."
        )
    if len(table.body) > limits.rows:
        raise too_many_rows(len(table.body), limits)
    return _Reader(table, name, mapping).run()


def _read_bytes(source, name: str | None) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as exc:
            raise SnapshotError(f"Impossible de lire {path} : {os_error(exc)}.") from None
    data = source.read()
    return data, name or getattr(source, "name", None)


# --------------------------------------------------------------------------- rows


class _Reader(ColumnCells, TypedValues):
    """One reading: its columns matched (:class:`ColumnCells`), read as their types (:class:`TypedValues`), checked
    across columns and placed (:func:`gen_dash.place.locate`)."""

    def run(self) -> Snapshot:
        # Hashing the columns happens in Arrow, outside the GIL: worker threads do it, in the order
        # the checks need it, while this thread goes on with the rest.
        needed = [c.name for c in COLUMNS if c.type in ("integer", "number", "date")] + [
            "id_formation",
            *LOCATION_COLUMNS,
        ]
        with ThreadPoolExecutor(max_workers=config.ARROW_THREADS) as pool:
            self._distinct.update(
                (c, pool.submit(factorize, self.values[c])) for c in needed if c in self.values
            )
            return self._run()

    def _run(self) -> Snapshot:
        out: dict[str, pd.Series] = {}
        for column in REQUIRED:
            if (self.list_only and column in LEARNER_COLUMNS) or column not in self.written:
                continue
            message = f"Valeur obligatoire manquante : renseignez « {self.written[column]} »."
            if BY_NAME[column].type == "string":
                self.flag(
                    self.text(column).eq(""), ERREUR, column, message, code="valeur-manquante"
                )
            else:  # hashed first: each distinct text is checked once
                self.flag_texts(
                    self.distinct(column)[1].eq("").to_numpy(),
                    ERREUR,
                    column,
                    message,
                    code="valeur-manquante",
                )
        for c in COLUMNS:
            if c.name == "gratuite":
                out[c.name] = self._yes_no(c.name)
            elif c.type == "string":
                out[c.name] = self.text(c.name).replace("", None)
            elif c.type == "integer":
                out[c.name] = self._integers(c.name)
            elif c.type == "number" and c.name not in ("latitude", "longitude"):
                out[c.name] = self._numbers(c.name)
            elif c.type == "date":
                out[c.name] = self._dates(c.name)
        for column in COUNT_COLUMNS:
            above = (out[column] > out["apprenants"]) & (out["apprenants"] >= 0)
            self.flag(
                above,
                ERREUR,
                column,
                "Valeur supérieure au nombre d'apprenants de la formation : "
                f"« {self.written.get(column, column)} » compte une partie des apprenants, pas plus.",
                code="effectif-superieur-aux-apprenants",
            )
        self._duplicates()
        if self.mapping.generate_ids and self.written["id_formation"] == "identifiant généré":
            repeated, first = identity.repeated_rows(self.raw)
            self.flag(
                repeated,
                AVERTISSEMENT,
                "identifiant généré",
                "Ligne identique à la ligne {} : elle est gardée "
                "(chacune reçoit son identifiant) ; vérifiez qu'il ne s'agit pas d'un doublon.",
                first,
                code="ligne-identique",
            )
        placed, points = locate(self, out["commune"])
        out.update(placed.items())
        out.update((header, values.replace("", None)) for header, values in self.extras.items())
        out["ligne"] = self.lines
        out["cle_fabrique"] = self._fabrique_keys(out)
        out["famille_metier"] = metiers.family(out["metier"])
        out["code_epci"] = epci.epci_of(out)

        problems = (
            pd.concat(self.problems, ignore_index=True)
            if self.problems
            else pd.DataFrame(columns=PROBLEM_COLUMNS)
        )
        problems["ligne"] = problems["ligne"].astype("int64")
        warning = problems["gravite"].ne(ERREUR)  # on a line, its errors first
        problems = problems.assign(_avertissement=warning).sort_values(
            ["ligne", "_avertissement"], kind="stable"
        )
        problems = problems.drop(columns="_avertissement").reset_index(drop=True)
        rejected = problems.loc[problems["gravite"] == ERREUR, "ligne"].unique()
        keep = ~self.lines.isin(rejected).to_numpy() if len(rejected) else slice(None)
        accepted = {
            name: out[name].array[keep]
            for name in [c.name for c in COLUMNS] + list(self.extras) + DERIVED_COLUMNS
        }
        points = points[keep]
        rows = gpd.GeoDataFrame(
            pd.DataFrame(accepted, index=pd.RangeIndex(len(points)), copy=False),
            geometry=points,
            crs=geo.CRS,
        )
        report = Report(lignes=len(self.raw), problemes=problems)
        return Snapshot(
            rows=rows,
            report=report,
            date=self._snapshot_date(out),
            name=self.name,
            mapping=self.mapping,
        )

    def _duplicates(self) -> None:
        codes, ids = self.distinct("id_formation")
        repeated = (np.bincount(codes, minlength=len(ids)) > 1) & ids.ne("").to_numpy()
        if not repeated.any():
            return
        dup = self.spread("id_formation", pd.Series(repeated))
        ids = self.text("id_formation")
        lines_by_id = self.lines[dup].groupby(ids[dup]).agg(lambda s: ", ".join(map(str, s)))
        self.flag(
            dup,
            ERREUR,
            "id_formation",
            "Identifiant de formation en double (lignes {}) : chaque formation "
            "doit avoir un identifiant unique ; toutes ces lignes sont rejetées.",
            ids[dup].map(lines_by_id).reindex(ids.index),
            code="doublon-id",
        )

    def _fabrique_keys(self, out: dict[str, pd.Series]) -> pd.Series:
        """``id:<id_fabrique>``, else ``nom:<folded name>@<commune or département>``."""
        keys = "id:" + out["id_fabrique"]
        unnamed = keys.isna()
        if unnamed.any():
            place = out["code_commune"][unnamed].fillna(out["code_departement"][unnamed]).fillna("")
            keys[unnamed] = (
                "nom:" + fold_series(out["nom_fabrique"][unnamed].fillna("")) + "@" + place
            )
        return keys

    def _snapshot_date(self, out: dict[str, pd.Series]) -> date | None:
        dates = out["date_extraction"].dropna()
        if len(dates):
            common = dates.mode().iloc[0]
            if dates.nunique() > 1:
                self.file_warning(
                    self.written["date_extraction"],
                    f"Plusieurs dates d'extraction : la plus fréquente, {common:%d/%m/%Y}, est retenue.",
                    code="dates-extraction-multiples",
                )
            return common.date()
        match = _DATE_IN_NAME.search(self.name or "")
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
        return None
