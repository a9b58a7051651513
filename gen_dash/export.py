"""Exports that French Excel opens correctly: CSV with ``;`` and a UTF-8 BOM, and ``.xlsx``.

A text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is
prefixed with an apostrophe, so a value from a snapshot can never run as a formula.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_table(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* ready for a spreadsheet: no geometry, dates as dates, text cells that cannot run as formulas."""
    out = pd.DataFrame(frame.drop(columns=[c for c in ("geometry",) if c in frame])).copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_neutralise).astype(object)
    out.columns = [_neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for French Excel: ``;`` separator, decimal comma, UTF-8 with BOM."""
    return safe_table(frame).to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` workbook, one sheet per entry (names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_table(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def to_geopackage_bytes(rows, layer: str = "formations") -> bytes:
    """The rows as a GeoPackage (points in EPSG:4326; opens in QGIS)."""
    frame = gpd.GeoDataFrame(rows.copy(), geometry="geometry", crs=getattr(rows, "crs", None) or "EPSG:4326")
    for column in frame.columns:
        if column != "geometry" and (frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instantane.gpkg"
        frame.to_file(path, layer=layer, driver="GPKG")
        return path.read_bytes()
