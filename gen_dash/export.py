"""Exports that French Excel opens correctly: CSV with ``;`` and a UTF-8 BOM, and ``.xlsx``.

A text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is
prefixed with an apostrophe, so a value from a snapshot can never run as a formula.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SPECIAL_BYTES = np.frombuffer(b';"\n\r', np.uint8)  # a CSV cell holding one of them is quoted


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
    return b"".join(csv_chunks(frame))


def csv_chunks(frame: pd.DataFrame, rows: int = 10_000) -> Iterator[bytes]:
    """:func:`to_csv_bytes` in pieces of *rows* rows (the BOM and the header in the first): a large export is sent as
    it is written, never held whole beside the rows it comes from.

    The cells are written column by column with Arrow's string kernels, as pandas' ``to_csv`` of :func:`safe_table`
    writes them (the same bytes: a test compares the two on any table), about four times faster on 100,000 rows.
    """
    names = [c for c in frame.columns if c != "geometry"]
    header = _quoted(pa.array([_neutralise(str(c)) for c in names], pa.large_string())).to_pylist()
    yield ("\ufeff" + ";".join(header) + "\r\n").encode("utf-8") if names else "\ufeff".encode()
    for start in range(0, len(frame) if names else 0, rows):
        yield _lines([_cells(frame[c].iloc[start : start + rows]) for c in names])


def _lines(columns: list[pa.Array]) -> bytes:
    """The CSV lines of these columns' cells, as UTF-8: joined in Arrow, taken from its buffer in one copy."""
    # a line of one empty field is written "" (else it would be an empty line)
    if len(columns) == 1:
        columns = [pc.if_else(pc.equal(columns[0], ""), _text('""'), columns[0])]
    joined = pc.binary_join_element_wise(*columns, _text(";")) if len(columns) > 1 else columns[0]
    lines = pc.binary_join_element_wise(joined, _text("\r\n"), _text(""))
    offsets = np.frombuffer(lines.buffers()[1], np.int64)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]] if len(lines) else b""


def _cells(values: pd.Series) -> pa.Array:
    """A column's CSV cells: dates ``2017-12-31``, decimal commas, text that cannot run as a formula, quoted where
    it holds ``;``, ``"`` or a line break, empty where nothing is known."""
    # Dates, numbers and booleans hold no separator, quote or line break: only text is checked and quoted.
    if pd.api.types.is_datetime64_any_dtype(values):
        return _filled(values.dt.strftime("%Y-%m-%d"))
    if pd.api.types.is_integer_dtype(values):
        return pc.fill_null(pc.cast(pa.array(values, from_pandas=True), pa.large_string()), "")
    if pd.api.types.is_bool_dtype(values):
        return _filled(values.astype("string"))
    # Python's text of a float, as pandas writes it (« 37350.0 »), comma
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan).tolist()
        return pc.fill_null(
            pc.replace_substring(
                pa.array([None if v != v else repr(v) for v in numbers], pa.large_string()),
                ".",
                ",",
            ),
            "",
        )
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return _quoted(_neutralised(_filled(values)))
    # any Python value, as pandas writes it: str() of it, nothing for a missing one
    return _quoted(
        _filled(
            pd.Series(
                [
                    None if _missing(v) else _neutralise(v) if isinstance(v, str) else str(v)
                    for v in values
                ],
                dtype="string",
                index=values.index,
            )
        )
    )


def _filled(text: pd.Series) -> pa.Array:
    cells = pa.array(text, pa.large_string(), from_pandas=True)
    if isinstance(cells, pa.ChunkedArray):  # a slice of a large column: its piece, as one array
        cells = cells.combine_chunks()
    return pc.fill_null(cells, "")


def _neutralised(cells: pa.Array) -> pa.Array:
    """Text cells, an apostrophe before each that a spreadsheet would run as a formula."""
    formula = pc.starts_with(cells, _FORMULA_STARTS[0])
    for start in _FORMULA_STARTS[1:]:
        formula = pc.or_(formula, pc.starts_with(cells, start))
    return pc.if_else(formula, pc.binary_join_element_wise(_text("'"), cells, _text("")), cells)


def _quoted(cells: pa.Array) -> pa.Array:
    # the cells' bytes, end to end: most columns hold none of the four, known at once
    data = cells.buffers()[2]
    if data is None or not np.isin(np.frombuffer(data, np.uint8), _SPECIAL_BYTES).any():
        return cells
    needs = pc.match_substring(cells, ";")
    for special in ('"', "\n", "\r"):
        needs = pc.or_(needs, pc.match_substring(cells, special))
    doubled = pc.replace_substring(cells, '"', '""')
    return pc.if_else(
        needs, pc.binary_join_element_wise(_text('"'), doubled, _text('"'), _text("")), cells
    )


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: a value
        return False


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` workbook, one sheet per entry (names cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_table(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def to_geopackage_bytes(rows, layer: str = "formations") -> bytes:
    """The rows as a GeoPackage (points in EPSG:4326; opens in QGIS)."""
    frame = gpd.GeoDataFrame(
        rows.copy(), geometry="geometry", crs=getattr(rows, "crs", None) or "EPSG:4326"
    )
    for column in frame.columns:
        if column != "geometry" and (
            frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])
        ):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instantane.gpkg"
        frame.to_file(path, layer=layer, driver="GPKG")
        return path.read_bytes()
