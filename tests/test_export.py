"""gen_dash.export: exports open correctly in French Excel and cannot run a formula."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from gen_dash import export

DANGEROUS = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=cmd", "Fabrique ordinaire"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({"nom": DANGEROUS, "apprenants": [1, 2, 3, 4, 5, 6], "part": [0.5, 0.25, 0.1, 0.0, 1.0, 0.125]})


def test_csv_for_french_excel():
    data = export.to_csv_bytes(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "nom;apprenants;part"
    assert lines[2] == "'+33 1 23;2;0,25"


@pytest.mark.parametrize("value", DANGEROUS[:5])
def test_no_cell_starts_a_formula(value):
    csv_cells = [line.split(";")[0] for line in export.to_csv_bytes(frame()).decode("utf-8-sig").split("\r\n")[1:-1]]
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"Feuille": frame()})))
    sheet = book["Feuille"]
    xlsx_cells = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    assert f"'{value}" in csv_cells
    assert all(c.data_type != "f" for c in xlsx_cells)
    assert f"'{value}" in [c.value for c in xlsx_cells]


def test_numbers_stay_numbers_and_dates_dates_in_xlsx():
    df = frame().assign(jour=pd.to_datetime(["2017-12-31"] * 6))
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"Un nom de feuille beaucoup trop long pour Excel": df})))
    sheet = book.worksheets[0]
    assert len(sheet.title) <= 31
    assert sheet["B2"].value == 1 and sheet["C3"].value == 0.25
    assert sheet["D2"].value.year == 2017


def test_geometry_is_dropped():
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"nom": ["a"]}, geometry=[Point(2.3, 48.8)], crs="EPSG:4326")
    assert export.to_csv_bytes(gdf).decode("utf-8-sig").startswith("nom\r\n")
