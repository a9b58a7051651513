"""gen_dash.export: exports open correctly in French Excel and cannot run a formula."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as hyp

from gen_dash import export

DANGEROUS = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=cmd", "Fabrique ordinaire"]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nom": DANGEROUS,
            "apprenants": [1, 2, 3, 4, 5, 6],
            "part": [0.5, 0.25, 0.1, 0.0, 1.0, 0.125],
        }
    )


def test_csv_for_french_excel():
    data = export.to_csv_bytes(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "nom;apprenants;part"
    assert lines[2] == "'+33 1 23;2;0,25"


@pytest.mark.parametrize("value", DANGEROUS[:5])
def test_no_cell_starts_a_formula(value):
    csv_cells = [
        line.split(";")[0]
        for line in export.to_csv_bytes(frame()).decode("utf-8-sig").split("\r\n")[1:-1]
    ]
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"Feuille": frame()})))
    sheet = book["Feuille"]
    xlsx_cells = [sheet.cell(row=r, column=1) for r in range(2, sheet.max_row + 1)]
    assert f"'{value}" in csv_cells
    assert all(c.data_type != "f" for c in xlsx_cells)
    assert f"'{value}" in [c.value for c in xlsx_cells]


def test_numbers_stay_numbers_and_dates_dates_in_xlsx():
    df = frame().assign(jour=pd.to_datetime(["2017-12-31"] * 6))
    book = openpyxl.load_workbook(
        io.BytesIO(export.to_xlsx_bytes({"Un nom de feuille beaucoup trop long pour Excel": df}))
    )
    sheet = book.worksheets[0]
    assert len(sheet.title) <= 31
    assert sheet["B2"].value == 1 and sheet["C3"].value == 0.25
    assert sheet["D2"].value.year == 2017


def test_geometry_is_dropped():
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"nom": ["a"]}, geometry=[Point(2.3, 48.8)], crs="EPSG:4326")
    assert export.to_csv_bytes(gdf).decode("utf-8-sig").startswith("nom\r\n")


_TEXT = hyp.one_of(
    hyp.none(), hyp.text(alphabet=hyp.sampled_from(list("ab; \"=+-@\t\r\né€,.'")), max_size=8)
)


@hyp_settings(max_examples=150, deadline=None)
@given(data=hyp.data(), rows=hyp.integers(0, 7))
def test_the_csv_is_the_one_pandas_writes_of_the_safe_table(data, rows):
    """The fast writer (Arrow, column by column, in pieces) against an independent oracle: pandas' ``to_csv`` of
    :func:`export.safe_table`, on any mix of text (separators, quotes, line breaks, formula starts), nullable integers,
    floats, dates, booleans and Python objects, missing values included, and one-column tables."""
    columns = data.draw(
        hyp.lists(
            hyp.sampled_from(["texte", "entier", "decimal", "date", "booleen", "objet"]),
            min_size=1,
            max_size=6,
        )
    )
    made = {}
    for i, kind in enumerate(columns):
        if kind == "texte":
            values = pd.Series(
                data.draw(hyp.lists(_TEXT, min_size=rows, max_size=rows)), dtype="str"
            )
        elif kind == "entier":
            values = pd.Series(
                data.draw(
                    hyp.lists(
                        hyp.one_of(hyp.none(), hyp.integers(-(10**12), 10**12)),
                        min_size=rows,
                        max_size=rows,
                    )
                ),
                dtype="Int64",
            )
        elif kind == "decimal":
            values = pd.Series(
                data.draw(
                    hyp.lists(
                        hyp.one_of(hyp.none(), hyp.floats(allow_nan=False, allow_infinity=False)),
                        min_size=rows,
                        max_size=rows,
                    )
                ),
                dtype="Float64",
            )
        elif kind == "date":
            values = pd.Series(
                pd.to_datetime(
                    data.draw(
                        hyp.lists(
                            hyp.one_of(hyp.none(), hyp.dates(date(2015, 1, 1), date(2030, 1, 1))),
                            min_size=rows,
                            max_size=rows,
                        )
                    )
                )
            ).astype("datetime64[us]")
        elif kind == "booleen":
            values = pd.Series(
                data.draw(hyp.lists(hyp.booleans(), min_size=rows, max_size=rows)), dtype=bool
            )
        else:  # not None beside a number: safe_table's map would make [None, 0] floats (« 0.0 »), a quirk not copied
            values = pd.Series(
                data.draw(
                    hyp.lists(
                        hyp.one_of(hyp.integers(0, 9), _TEXT.filter(bool)),
                        min_size=rows,
                        max_size=rows,
                    )
                ),
                dtype=object,
            )
        made[f"{kind}{i}" if i % 2 else f"={kind};{i}"] = values  # headers are cells too
    table = pd.DataFrame(made)
    oracle = export.safe_table(table).to_csv(
        sep=";", decimal=",", index=False, lineterminator="\r\n"
    )
    assert export.to_csv_bytes(table) == oracle.encode("utf-8-sig")
    # in pieces: the same bytes
    assert b"".join(export.csv_chunks(table, rows=2)) == oracle.encode("utf-8-sig")
