"""gen_dash.table: bytes to a table of text, within the limits, whatever the file's shape or encoding.

Each hostile shape is built here, small, and read through the dashboard's own path (:func:`gen_dash.upload.
read_upload`, a process with a budget of 5 s and 400 Mo): the refusal must be the limit's own French message, so
the shape was refused within that budget (had it cost more, the budget's message would have come instead).
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from gen_dash import config
from gen_dash.ingest import read_snapshot
from gen_dash.snapshot import AVERTISSEMENT, SnapshotError
from gen_dash.table import read_table
from gen_dash.upload import read_upload
from tests.conftest import make_csv, row

BUDGET = {"seconds": 5, "memory": 400_000_000}
HEADER = "id_formation;nom_formation;nom_fabrique;vague;code_commune;apprenants;apprenants_femmes;apprenants_neet"
LINE = "F{};Développeur web;Fabrique de Montreuil;1;93048;20;6;11"


def _xlsx(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _wide_xlsx() -> bytes:
    def fill(sheet):
        sheet.append(HEADER.split(";"))
        for i in range(2, 2002):
            sheet.cell(row=i, column=1, value=f"F{i}")
            sheet.cell(row=i, column=16384, value="x")  # column XFD, the last one

    return _xlsx(fill)


def _rewritten(book: bytes, old: bytes, new: bytes, **parts: bytes) -> bytes:
    """*book* with *old* replaced by *new* in its sheet's XML, and other *parts* added (what openpyxl would not write)."""
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            target.writestr(
                part.filename,
                data.replace(old, new) if part.filename == "xl/worksheets/sheet1.xml" else data,
            )
        for name, data in parts.items():
            target.writestr(f"xl/{name}.xml", data)
    return out.getvalue()


def _huge_shared_string() -> bytes:
    """A classeur whose one text cell decompresses to 3 Mo (a 500 Mo one, scaled to a limit of 4 Mo)."""
    small = _xlsx(lambda sheet: (sheet.append(HEADER.split(";")), sheet.append(["F1", "x" * 10])))
    return _rewritten(
        small,
        b'<c r="B2" t="inlineStr"><is><t>xxxxxxxxxx</t></is></c>',
        b'<c r="B2" t="s"><v>0</v></c>',
        sharedStrings=b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
        b'org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        + b"y" * 3_000_000
        + b"</t></si></sst>",
    )


HOSTILE = [
    # (case, the file, limits beside the budget, the French refusal)
    (
        "one row ending with a million commas",
        ("a,b\n1,2" + "," * 1_000_000 + "\n").encode(),
        {},
        "La ligne 2 compte 1\u202f000\u202f003 caractères, au-delà de la limite de 100\u202f000 (réglage GEN_DASH_MAX_LINE)",
    ),
    (
        "a million separators in one cell's line",
        (HEADER + "\n" + LINE.format(1) + "," * 1_000_000 + "\n").encode(),
        {"line": 2_000_000},
        "Ligne 2 : une cellule dépasse 10\u202f000 caractères, la limite (réglage GEN_DASH_MAX_CELL)",
    ),
    (
        "20 000 equal headers in 100 KB",
        (";".join(["apprenants"] * 20_000) + "\n" + "1;" * 19_999 + "1\n").encode(),
        {"line": 1_000_000},
        "La ligne 1 compte 20\u202f000 colonnes, au-delà de la limite de 200 (réglage GEN_DASH_MAX_COLUMNS)",
    ),
    (
        "a short row of 300 cells",
        (HEADER + "\n" + LINE.format(1) + ";" * 300 + "\n").encode(),
        {},
        "La ligne 2 compte 308 colonnes, au-delà de la limite de 200 (réglage GEN_DASH_MAX_COLUMNS)",
    ),
    (
        "cells in column XFD on 2 000 rows of a classeur",
        _wide_xlsx(),
        {},
        "La première feuille du classeur déclare des cellules sur 16\u202f384 colonnes, au-delà de la limite de 200",
    ),
    (
        "one huge shared text in a classeur",
        _huge_shared_string(),
        {"xlsx_bytes": 4_000_000},
        "dont 3,0 Mo de textes), au-delà de la limite de 4 Mo (réglage GEN_DASH_MAX_XLSX_MB, textes limités au quart)",
    ),
    (
        "a cell beyond the limit, on an even table",
        (HEADER + "\n" + LINE.format(1) + "\n" + LINE.format(2) + "x" * 20_000 + "\n").encode(),
        {},
        "Ligne 3 : une cellule dépasse 10\u202f000 caractères",
    ),
    (
        "more rows than the limit",
        make_csv([row(id_formation=f"F{i}") for i in range(12)]),
        {"rows": 10},
        "Le fichier compte 12 lignes, au-delà de la limite de 10 (réglage GEN_DASH_MAX_ROWS)",
    ),
    (
        "a file beyond the size limit",
        b"a;b\n" + b"1;2\n" * 30_000,
        {"bytes": 100_000},
        "Le fichier pèse 0,1 Mo, au-delà de la limite de 0,1 Mo (réglage GEN_DASH_MAX_MB)",
    ),
]


@pytest.mark.parametrize("case, data, changes, message", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_shape_is_refused_within_the_budget(case, data, changes, message):
    with pytest.raises(SnapshotError) as caught:
        read_upload(data, "depot.csv", limits=config.limits(**BUDGET, **changes))
    assert message in str(caught.value)


def test_equal_headers_are_renamed_in_linear_steps():
    # 3 000 times « apprenants » (the limit raised for it): every copy kept under its own name, the first one read.
    data = (
        HEADER
        + ";"
        + ";".join(["apprenants"] * 3000)
        + "\n"
        + LINE.format(1)
        + ";"
        + ";".join(["7"] * 3000)
        + "\n"
    ).encode()
    snapshot = read_snapshot(data, "f.csv", limits=config.limits(columns=4000, line=1_000_000))
    assert snapshot.rows["apprenants"].tolist() == [20]
    assert {"apprenants (2)", "apprenants (3001)"} <= set(snapshot.rows.columns)
    assert "apprenants (3002)" not in snapshot.rows.columns


def test_utf8_file_with_a_windows_1252_line_warns_on_that_line():
    data = (
        (HEADER + "\n" + LINE.format(1) + "\n").encode() + LINE.format(2).encode("cp1252") + b"\n"
    )
    snapshot = read_snapshot(data, "f.csv")
    assert snapshot.rows["nom_formation"].tolist() == ["Développeur web", "Développeur web"]
    warned = snapshot.report.problemes.query("gravite == @AVERTISSEMENT")
    assert warned[["ligne", "message"]].values.tolist() == [
        [
            3,
            "Ligne encodée autrement que le reste du fichier "
            "(Windows-1252 et non UTF-8) : ses accents ont été lus en "
            "Windows-1252 ; vérifiez-la et enregistrez le fichier en UTF-8.",
        ]
    ]


def test_windows_1252_file_reads_without_a_word():
    data = (HEADER + "\n" + LINE.format(1) + "\n" + LINE.format(2) + "\n").encode("cp1252")
    snapshot = read_snapshot(data, "f.csv")
    assert snapshot.rows["nom_formation"].tolist() == ["Développeur web", "Développeur web"]
    assert snapshot.report.problemes.empty


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16"])
def test_utf32_and_utf16_by_their_mark(encoding):
    text = HEADER + "\n" + LINE.format(1) + "\n"
    data = text.encode(encoding)
    # -le / -be write no mark: add it
    if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        data = "\ufeff".encode(encoding) + data
    table = read_table(data, config.limits())
    assert table.headers == HEADER.split(";")
    assert table.body.iloc[0].tolist() == LINE.format(1).split(";")


def test_nul_far_in_the_file_is_removed_with_a_warning():
    lines = [LINE.format(i) for i in range(1, 2001)]  # ~110 KB: the NUL is past the first 64 KB
    lines[1500] = lines[1500].replace("Fabrique de Montreuil", "Fabrique de\x00 Montreuil")
    snapshot = read_snapshot(("\n".join([HEADER, *lines]) + "\n").encode(), "f.csv")
    assert len(snapshot.rows) == 2000
    assert not snapshot.rows["nom_fabrique"].str.contains("\x00").any()
    assert snapshot.rows.loc[snapshot.rows["ligne"] == 1502, "nom_fabrique"].tolist() == [
        "Fabrique de Montreuil"
    ]
    warned = snapshot.report.problemes
    assert warned[["gravite", "ligne"]].values.tolist() == [[AVERTISSEMENT, 1502]]
    assert (
        warned["message"]
        .iloc[0]
        .startswith("Caractère de contrôle invisible (par exemple NUL) retiré de la ligne")
    )


def test_control_character_in_a_classeur_cell_is_one_french_refusal():
    book = _xlsx(
        lambda sheet: (sheet.append(HEADER.split(";")), sheet.append(LINE.format(1).split(";")))
    )
    # not XML any more
    data = _rewritten(book, b"<t>Fabrique de Montreuil</t>", b"<t>Fab\x01rique de Montreuil</t>")
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(data, "f.xlsx")
    assert str(caught.value).startswith("Ce classeur .xlsx ne peut pas être lu")


def test_reading_beyond_the_time_budget_is_stopped():
    data = make_csv([row(id_formation=f"F{i}") for i in range(20_000)])
    with pytest.raises(SnapshotError) as caught:
        read_upload(data, "f.csv", limits=config.Limits(seconds=0))
    assert str(caught.value).startswith(
        "La lecture du fichier a dépassé 0 secondes (réglage GEN_DASH_READ_SECONDS)"
    )


def test_reading_beyond_the_memory_budget_is_stopped():
    data = make_csv([row(id_formation=f"F{i}") for i in range(20_000)])
    with pytest.raises(SnapshotError) as caught:
        read_upload(data, "f.csv", limits=config.Limits(memory=30_000_000))
    assert str(caught.value).startswith(
        "La lecture du fichier demandait plus de 30 Mo de mémoire (réglage GEN_DASH_READ_MEMORY_MB)"
    )


def test_upload_read_in_its_process_is_the_reading_itself():
    data = make_csv([row(), row(id_formation="F2", apprenants="-1")])
    there, here = read_upload(data, "f.csv"), read_snapshot(data, "f.csv")
    assert there.rows.drop(columns="geometry").equals(here.rows.drop(columns="geometry"))
    assert there.report.problemes.equals(here.report.problemes)
    assert there.rows.crs == here.rows.crs and list(there.rows.geometry) == list(here.rows.geometry)


def test_missing_columns_cross_the_process_with_what_the_mapping_needs():
    from gen_dash.snapshot import MissingColumns

    with pytest.raises(MissingColumns) as caught:
        read_upload(make_csv([row(id_formation=None)]), "f.csv")
    assert caught.value.missing == ["id_formation"] and "apprenants" in caught.value.headers
    assert caught.value.guess.generate_ids  # the guess crosses too, to pre-fill the form


def test_a_reader_never_runs_the_main_script_again(tmp_path):
    """Under Streamlit the main module is app.py: a reading process told to run it again would run the dashboard (and
    fail, or be told it was out of memory). Here a main script that leaves a mark each time it runs."""
    import subprocess
    import sys

    from tests.conftest import ROOT, hand_csv

    script = tmp_path / "principal.py"
    (tmp_path / "fichier.csv").write_bytes(hand_csv())
    script.write_text(
        f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
open(os.path.join({str(tmp_path)!r}, f"passage-{{os.getpid()}}"), "w").close()
if __name__ == "__main__":
    from gen_dash.upload import read_upload
    snapshot = read_upload(open(os.path.join({str(tmp_path)!r}, "fichier.csv"), "rb").read(), "fichier.csv")
    print(len(snapshot.rows))
""",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "6"
    # the main script ran once: in the parent only
    assert len(list(tmp_path.glob("passage-*"))) == 1
