"""A classeur's bytes (``.xlsx``) to a table of text: its decompressed size and its first sheet's dimensions checked
before it is opened, then the sheet streamed (openpyxl's read-only mode), each cell written as a spreadsheet shows it.

Part of :func:`gen_dash.table.read_table`.
"""

from __future__ import annotations

import io
import itertools
import zipfile

import numpy as np
import pyarrow as pa

from gen_dash.config import Limits
from gen_dash.fmt import number
from gen_dash.snapshot import SnapshotError
from gen_dash.table_csv import text_table
from gen_dash.table_limits import megabytes, too_many_columns, too_many_rows


def read_xlsx(data: bytes, limits: Limits) -> tuple[pa.Table, np.ndarray]:
    """The first sheet, streamed (openpyxl's read-only mode) once its decompressed size and dimensions are checked."""
    import openpyxl

    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise SnapshotError(
            "Ce classeur .xlsx est endommagé (archive illisible) : enregistrez-le à nouveau ou "
            "exportez-le en CSV."
        ) from None
    # The sizes an archive declares are the most its reader will decompress: checking them is checking the work.
    content = sum(p.file_size for p in parts)
    shared = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if content > limits.xlsx_bytes or shared > limits.shared_strings:
        raise SnapshotError(
            f"Ce classeur .xlsx occupe {megabytes(content)} une fois décompressé"
            + (f" (dont {megabytes(shared)} de textes)" if shared > limits.shared_strings else "")
            + f", au-delà de la limite de {megabytes(limits.xlsx_bytes)} (réglage GEN_DASH_MAX_XLSX_MB, "
            f"textes limités au quart). Exportez-le en CSV ou découpez-le."
        )
    try:
        rows = _sheet_rows(
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True), limits
        )
    except SnapshotError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds for a broken classeur
        raise SnapshotError(
            f"Ce classeur .xlsx ne peut pas être lu ({type(exc).__name__}) : "
            "enregistrez-le à nouveau ou exportez-le en CSV."
        ) from None
    columns = (map(_excel_cell, column) for column in itertools.zip_longest(*rows))
    return text_table(columns), np.arange(1, len(rows) + 1)


def _sheet_rows(book, limits: Limits) -> list[tuple]:
    """The first sheet's rows, without their empty trailing cells, refused as soon as one is beyond a limit."""
    try:
        sheet = book.worksheets[0]
        if (sheet.max_column or 0) > limits.columns:
            raise SnapshotError(
                f"La première feuille du classeur déclare des cellules sur {number(sheet.max_column)} "
                f"colonnes, au-delà de la limite de {number(limits.columns)} (réglage "
                "GEN_DASH_MAX_COLUMNS). Supprimez les colonnes vides à droite du tableau ou exportez-le "
                "en CSV."
            )
        rows = []
        for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            if width > limits.columns:
                raise too_many_columns(line, width, limits)
            if line > limits.rows + 1:
                raise too_many_rows(line, limits)
            rows.append(row[:width])
        return rows
    finally:
        book.close()


def _excel_cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
