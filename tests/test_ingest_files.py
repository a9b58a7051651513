"""gen_dash.ingest through gen_dash.table: the shapes a file comes in (separators, encodings, line breaks, .xlsx),
the files refused as a whole, and any bytes at all (fuzzing)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hyp

from gen_dash import config
from gen_dash.ingest import ERREUR, SnapshotError, read_snapshot
from tests.conftest import BASE_ROW, make_csv, problems_of, row

# --------------------------------------------------------------------------- file forms

FRENCH = (
    "Identifiant;Intitulé de la formation;Nom de la fabrique;Vague de labellisation;Code INSEE;Nombre d'apprenants;"
    "Dont femmes;Dont jeunes NEET;Subvention (€)"
)


def _french(values: str, encoding="utf-8", sep=";", newline="\n", bom=b"", header=FRENCH) -> bytes:
    text = header.replace(";", sep) + newline + values.replace(";", sep) + newline
    return bom + text.encode(encoding)


FORMS = [
    ("UTF-8", _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500")),
    (
        "UTF-8 with BOM",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500", bom=b"\xef\xbb\xbf"),
    ),
    ("Windows-1252", _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500", encoding="cp1252")),
    (
        "Latin-1",
        _french(
            "F1;Développeur;Fabrique é;1;93048;20;6;11;12500",
            encoding="latin-1",
            header=FRENCH.replace(" (€)", ""),
        ),
    ),
    (
        "UTF-16 (Excel « texte Unicode »)",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500", encoding="utf-16", sep="\t"),
    ),
    ("comma", make_csv([row(subvention_eur="12500", nom_fabrique="Fabrique é")])),
    ("tab", _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500", sep="\t")),
    ("CRLF", _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500", newline="\r\n")),
    ("decimal comma", _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500,00")),
    ("thousands with a space", _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12 500,00")),
    (
        "thousands with a no-break space",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12\u00a0500,00"),
    ),
    (
        "thousands with a narrow no-break space",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12\u202f500"),
    ),
    (
        "thousands with a no-break space, cp1252",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12\u00a0500,00", encoding="cp1252"),
    ),
    (
        "euro sign",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12 500,00 €", encoding="cp1252"),
    ),
    (
        "quoted comma decimal",
        make_csv([row(subvention_eur='"12500,00"', nom_fabrique="Fabrique é")]),
    ),
    (
        "trailing separators",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500;;").replace(
            b"(\xe2\x82\xac)\n", b"(\xe2\x82\xac);;\n"
        ),
    ),
    (
        "trailing separators on data lines only",
        _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500;"),
    ),
    (
        "empty lines",
        b"\n" + _french("F1;Développeur;Fabrique é;1;93048;20;6;11;12500") + b"\n\n;;;;\n",
    ),
]


@pytest.mark.parametrize("case, data", FORMS, ids=[f[0] for f in FORMS])
def test_file_forms_read_the_same(case, data):
    snapshot = read_snapshot(data)
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    assert len(snapshot.rows) == 1
    placed = snapshot.rows.iloc[0]
    assert placed["subvention_eur"] == 12500
    assert placed["nom_fabrique"] == "Fabrique é"
    assert (placed["apprenants"], placed["apprenants_femmes"], placed["code_departement"]) == (
        20,
        6,
        "93",
    )


def test_blank_lines_keep_line_numbers():
    data = make_csv(
        [row(), row(id_formation="F2"), row(id_formation="F3", apprenants="x")]
    ).replace(b"\nF2", b"\n\n\nF2")
    snapshot = read_snapshot(data)
    assert problems_of(snapshot, ERREUR)["ligne"].tolist() == [6]


def test_quoted_line_break_keeps_line_numbers():
    data = make_csv([row(nom_formation='"Deux\nlignes"'), row(id_formation="F2", apprenants="x")])
    snapshot = read_snapshot(data)
    assert snapshot.rows["nom_formation"].tolist() == ["Deux\nlignes"]
    assert problems_of(snapshot, ERREUR)["ligne"].tolist() == [4]


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    book.create_sheet("Autre").append(["ignorée"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet():
    import datetime as dt

    data = _xlsx(
        [
            [
                "Identifiant",
                "Intitulé de la formation",
                "Fabrique",
                "Vague",
                "Code INSEE",
                "CP",
                "Effectif",
                "Dont femmes",
                "Dont jeunes NEET",
                "Subvention (€)",
                "Date de labellisation",
            ],
            ["F1", "Dev", "Fab", 1, 1004, 1500, 20, 6, 11, 12500.5, dt.datetime(2016, 12, 15)],
            [None] * 11,
            ["F2", "Dev", "Fab", 2, "93048", None, 10, 2, 3, None, "15/12/2016"],
        ]
    )
    snapshot = read_snapshot(data, "instantane.xlsx")
    assert problems_of(snapshot, ERREUR).empty, snapshot.report.problemes.to_dict("records")
    rows = snapshot.rows
    assert rows["code_commune"].tolist() == ["01004", "93048"]
    assert rows["ligne"].tolist() == [2, 4]
    assert rows["subvention_eur"].iloc[0] == 12500.5
    assert rows["date_labellisation"].dt.strftime("%Y-%m-%d").tolist() == [
        "2016-12-15",
        "2016-12-15",
    ]
    assert rows["vague"].tolist() == [1, 2]


# --------------------------------------------------------------------------- files refused as a whole

REFUSED = [
    ("empty file", b"", "vide"),
    ("blank lines only", b"\n\n  \n", "vide"),
    ("header only", make_csv([row()]).split(b"\n")[0] + b"\n", "aucune formation"),
    ("missing required column", make_csv([row(apprenants_neet=None)]), "apprenants_neet"),
    ("binary renamed .csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binaires"),
    ("old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("broken .xlsx", b"PK\x03\x04" + b"\x00" * 100, ".xlsx"),
    (
        "prose, not a table",
        "Bonjour,\nvoici le fichier\n".replace(",", "").encode(),
        "pas un tableau",
    ),
]


@pytest.mark.parametrize("case, data, fragment", REFUSED, ids=[r[0] for r in REFUSED])
def test_file_refused_with_one_clear_message(case, data, fragment):
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(data, "f.csv")
    assert fragment in str(caught.value)


def test_size_and_row_limits():
    data = make_csv([row(id_formation=f"F{i}") for i in range(5)])
    with pytest.raises(SnapshotError, match="au-delà de la limite de 0,0 Mo"):
        read_snapshot(data, limits=config.limits(bytes=100))
    with pytest.raises(
        SnapshotError,
        match="Le fichier compte 5 lignes, au-delà de la limite de 3 .réglage GEN_DASH_MAX_ROWS.",
    ):
        read_snapshot(data, limits=config.limits(rows=3))
    assert len(read_snapshot(data, limits=config.limits(rows=5)).rows) == 5


def test_missing_file_is_a_clear_message(tmp_path):
    with pytest.raises(SnapshotError, match="introuvable"):
        read_snapshot(tmp_path / "absent.csv")


def test_leading_and_trailing_newlines_keep_line_numbers():
    data = (
        b"\r\n\r\n"
        + make_csv([row(), row(id_formation="F2", apprenants="x")], newline="\r\n")
        + b"\r\n\r\n"
    )
    snapshot = read_snapshot(data)
    assert problems_of(snapshot, ERREUR)["ligne"].tolist() == [5]


def test_an_unexpected_failure_is_still_one_french_message(monkeypatch):
    from gen_dash import ingest

    def broken(*args):
        raise KeyError("imprévu")

    monkeypatch.setattr(ingest, "read_table", broken)
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(make_csv([row()]))
    assert str(caught.value).startswith(
        "Le fichier n'a pas pu être lu : une erreur inattendue s'est produite (KeyError)"
    )
    # the detail goes to the server's log, not to the user
    assert "imprévu" not in str(caught.value)


# --------------------------------------------------------------------------- fuzzing: any bytes, any table


_CELL = hyp.one_of(
    hyp.text(max_size=12),
    hyp.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e308",
            "2**53",
            "0000-01-01",
            "9999-12-31",
            "31/02/2017",
            "93048",
            "2A004",
            "75112",
            "nan",
            "inf",
            '"',
            '""',
            "\n",
            ";",
            "=1+1",
            "\x00",
            "\ufeff",
        ]
    ),
)
_HEADER = hyp.one_of(
    hyp.sampled_from(
        [
            "id_formation",
            "nom_formation",
            "nom_fabrique",
            "vague",
            "code_commune",
            "apprenants",
            "apprenants_femmes",
            "apprenants_neet",
            "date_extraction",
            "Ligne du fichier",
            "latitude",
            "longitude",
            "code_postal",
            "commune",
        ]
    ),
    hyp.text(max_size=10),
)


@hyp.composite
def _tables(draw) -> bytes:
    """A table as a spreadsheet might write it: a header, ragged rows, a separator, an encoding; or as a classeur."""
    # the contract's columns in any order, and more: rows get read, checked and placed
    if draw(hyp.booleans()):
        header = draw(hyp.permutations(list(BASE_ROW))) + draw(hyp.lists(_HEADER, max_size=3))
        bases = [{**BASE_ROW, "id_formation": f"F{i}"} for i in range(draw(hyp.integers(0, 8)))]
        rows = [
            [
                draw(_CELL) if draw(hyp.integers(0, 3)) == 0 else base.get(column, "")
                for column in header
            ]
            for base in bases
        ]
    else:
        header = draw(hyp.lists(_HEADER, min_size=1, max_size=10))
        rows = draw(hyp.lists(hyp.lists(_CELL, max_size=12), max_size=8))
    if draw(hyp.booleans()):
        book = openpyxl.Workbook()
        for line in [header, *rows]:
            book.active.append(
                [openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in line]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    sep = draw(hyp.sampled_from([";", ",", "\t", "|"]))
    text = "\n".join(sep.join(line) for line in [header, *rows])
    encoding = draw(
        hyp.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-32", "latin-1"])
    )
    return text.encode(encoding, errors="replace")


@given(data=hyp.one_of(hyp.binary(max_size=2000), _tables()))
@settings(
    max_examples=150, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow]
)
def test_any_bytes_give_a_snapshot_or_one_french_refusal(data):
    try:
        snapshot = read_snapshot(data, "fuzz.csv")
    except SnapshotError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        # a refusal that says why, not a crash put into words
        assert "erreur inattendue" not in str(exc), str(exc)
    else:
        report = snapshot.report
        # no row lost between the report and the rows
        assert report.lignes_acceptees == len(snapshot.rows)
        assert (
            not snapshot.rows.select_dtypes(["object", "str"])
            .apply(lambda c: c.astype(str).str.contains("\x00"))
            .any()
            .any()
        )
