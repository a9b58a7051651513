"""gen_dash.ingest: reading a snapshot: every rule and repair of the file contract (shared/spec/snapshot-csv.md)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from gen_dash import config
from gen_dash.ingest import AVERTISSEMENT, ERREUR, SnapshotError, read_snapshot
from tests.conftest import BASE_ROW, make_csv, row


def problems_of(snapshot, severity=None):
    p = snapshot.report.problemes
    return p if severity is None else p[p["gravite"] == severity]


# --------------------------------------------------------------------------- errors: the row is rejected

ERRORS = [
    # (case, rows, column as written, message fragment)
    ("required value missing", [row(nom_fabrique="")], "nom_fabrique", "obligatoire"),
    ("required id missing", [row(id_formation="")], "id_formation", "obligatoire"),
    (
        "count of the wrong type",
        [row(apprenants="douze")],
        "apprenants",
        "n'est pas un nombre entier",
    ),
    ("fractional count", [row(apprenants="12.5")], "apprenants", "n'est pas un nombre entier"),
    ("absurdly large count", [row(apprenants="1e20")], "apprenants", "Effectif démesuré"),
    ("wave zero", [row(vague="0")], "vague", "au moins 1"),
    ("wave not a number", [row(vague="deux")], "vague", "nombre entier"),
    ("count below zero", [row(apprenants_neet="-1")], "apprenants_neet", "négatif"),
    (
        "women above learners",
        [row(apprenants_femmes="21")],
        "apprenants_femmes",
        "supérieure au nombre d'apprenants",
    ),
    (
        "NEET above learners",
        [row(apprenants_neet="25")],
        "apprenants_neet",
        "supérieure au nombre d'apprenants",
    ),
    (
        "grant holders above learners",
        [row(apprenants_boursiers="30")],
        "apprenants_boursiers",
        "supérieure",
    ),
    ("negative subsidy", [row(subvention_eur="-5")], "subvention_eur", "négative"),
    (
        "subsidy not a number",
        [row(subvention_eur="beaucoup")],
        "subvention_eur",
        "n'est pas un nombre",
    ),
    (
        "bad date",
        [row(date_labellisation="32/13/2016")],
        "date_labellisation",
        "n'est pas une date",
    ),
    (
        "impossible ISO date",
        [row(date_labellisation="2017-02-30")],
        "date_labellisation",
        "n'est pas une date",
    ),
    ("unknown commune code", [row(code_commune="99999")], "code_commune", "Code commune inconnu"),
    (
        "unknown postal code",
        [row(code_commune=None, code_postal="99999")],
        "code_postal",
        "Code postal inconnu",
    ),
    (
        "unknown département",
        [row(code_commune=None, code_departement="Atlantide")],
        "code_departement",
        "Département inconnu",
    ),
    (
        "département 20 alone",
        [row(code_commune=None, code_departement="20")],
        "code_departement",
        "2A (Corse-du-Sud) ou 2B",
    ),
    (
        "no way to place the row",
        [row(code_commune=None, commune="Montreuil")],
        "code_departement",
        "Impossible de situer",
    ),
    (
        "postal code of two départements",
        [row(code_commune=None, code_postal="01200")],
        "code_postal",
        "plusieurs départements",
    ),
    (
        "coordinates outside France",
        [row(code_commune=None, latitude="40.71", longitude="-74.00")],
        "latitude",
        "hors de France",
    ),
    (
        "coordinate not a number",
        [row(code_commune=None, latitude="nord", longitude="2.35")],
        "latitude",
        "n'est pas une coordonnée",
    ),
    ("latitude without longitude", [row(latitude="48.85")], "latitude", "incomplètes"),
]


@pytest.mark.parametrize("case, rows, column, fragment", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_rejects_the_row(case, rows, column, fragment):
    snapshot = read_snapshot(make_csv(rows + [row(id_formation="OK")]), "f.csv")
    errors = problems_of(snapshot, ERREUR)
    assert len(snapshot.rows) == 1 and snapshot.rows["id_formation"].tolist() == ["OK"]
    assert snapshot.report.lignes == 2 and snapshot.report.lignes_rejetees == 1
    hit = errors[errors["colonne"] == column]
    assert not hit.empty, errors.to_dict("records")
    assert hit["ligne"].tolist() == [2]
    assert fragment in hit["message"].iloc[0]


def test_duplicated_id_rejects_every_row_carrying_it():
    snapshot = read_snapshot(make_csv([row(), row(), row(id_formation="F2")]))
    errors = problems_of(snapshot, ERREUR)
    assert snapshot.rows["id_formation"].tolist() == ["F2"]
    assert errors["ligne"].tolist() == [2, 3]
    assert "lignes 2, 3" in errors["message"].iloc[0]


def test_problem_names_the_column_as_written_and_the_value():
    data = "Identifiant;Intitulé de la formation;Fabrique;Vague;Code INSEE;Effectif;Dont femmes;Dont jeunes NEET\n"
    data += "F1;Dev;Fab;1;93048;20;31;5\n"
    snapshot = read_snapshot(data.encode())
    p = problems_of(snapshot, ERREUR).iloc[0]
    assert (p["ligne"], p["colonne"], p["valeur"]) == (2, "Dont femmes", "31")


# --------------------------------------------------------------------------- repairs: accepted with a warning

REPAIRS = [
    # (case, row changes, column as written, message fragment, expected (code_commune, code_departement))
    (
        "lost zero, commune code",
        dict(code_commune="1004"),
        "code_commune",
        "01004",
        ("01004", "01"),
    ),
    (
        "lost zero, postal code",
        dict(code_commune=None, code_postal="1000"),
        "code_postal",
        "01000",
        (None, "01"),
    ),
    (
        "lost zero, département",
        dict(code_commune=None, code_departement="1"),
        "code_departement",
        "01",
        (None, "01"),
    ),
    (
        "old Corsican commune code",
        dict(code_commune="20004"),
        "code_commune",
        "2A004",
        ("2A004", "2A"),
    ),
    (
        "20 told by the commune",
        dict(code_commune="2B033", code_departement="20"),
        "code_departement",
        "2B",
        ("2B033", "2B"),
    ),
    (
        "20 told by the postal code",
        dict(code_commune=None, code_postal="20000", code_departement="20"),
        "code_departement",
        "2A",
        ("2A004", "2A"),
    ),
    (
        "swapped coordinates",
        dict(code_commune=None, latitude="2.3522", longitude="48.8566"),
        "latitude",
        "inversées",
        (None, "75"),
    ),
    (
        "département disagrees with commune",
        dict(code_departement="75"),
        "code_departement",
        "93048",
        ("93048", "93"),
    ),
    (
        "coordinates disagree with commune",
        dict(latitude="45.76", longitude="4.83"),
        "latitude",
        "indique Seine-Saint-Denis (93) : la formation est placée selon « code_commune »",
        ("93048", "93"),
    ),
]


@pytest.mark.parametrize(
    "case, changes, column, fragment, expected", REPAIRS, ids=[r[0] for r in REPAIRS]
)
def test_repair_accepts_the_row_with_a_warning(case, changes, column, fragment, expected):
    snapshot = read_snapshot(make_csv([row(**changes)]))
    assert problems_of(snapshot, ERREUR).empty, problems_of(snapshot).to_dict("records")
    warnings = problems_of(snapshot, AVERTISSEMENT)
    hit = warnings[warnings["colonne"] == column]
    assert len(hit) == 1 and fragment in hit["message"].iloc[0], warnings.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert placed["code_departement"] == expected[1]
    if expected[0]:
        assert placed["code_commune"] == expected[0]
    assert snapshot.report.lignes_reparees == 1


# --------------------------------------------------------------------------- location forms accepted as they are

PLACES = [
    ("commune code", dict(), "93", "11", "commune"),
    ("DROM commune, La Réunion", dict(code_commune="97411"), "974", "04", "commune"),
    ("DROM commune, Mayotte", dict(code_commune="97611"), "976", "06", "commune"),
    ("Corsica 2A", dict(code_commune="2A004"), "2A", "94", "commune"),
    (
        "postal code serving one département",
        dict(code_commune=None, code_postal="75011"),
        "75",
        "11",
        "commune",
    ),
    (
        "postal code and commune name",
        dict(code_commune=None, code_postal="01200", commune="Éloise"),
        "74",
        "84",
        "commune",
    ),
    (
        "postal code and commune name, other side",
        dict(code_commune=None, code_postal="01200", commune="BILLIAT"),
        "01",
        "84",
        "commune",
    ),
    (
        "coordinates",
        dict(code_commune=None, latitude="48.8566", longitude="2.3522"),
        "75",
        "11",
        "coordonnees",
    ),
    (
        "DROM coordinates",
        dict(code_commune=None, latitude="-21.1151", longitude="55.5364"),
        "974",
        "04",
        "coordonnees",
    ),
    ("département code", dict(code_commune=None, code_departement="2A"), "2A", "94", "departement"),
    (
        "DROM département code",
        dict(code_commune=None, code_departement="971"),
        "971",
        "01",
        "departement",
    ),
    (
        "département name",
        dict(code_commune=None, code_departement="Seine-Saint-Denis"),
        "93",
        "11",
        "departement",
    ),
    (
        "département name with article",
        dict(code_commune=None, code_departement="La Réunion"),
        "974",
        "04",
        "departement",
    ),
    (
        "département name, other case",
        dict(code_commune=None, code_departement="seine saint denis"),
        "93",
        "11",
        "departement",
    ),
    (
        "code and name",
        dict(code_commune=None, code_departement="93 - Seine-Saint-Denis"),
        "93",
        "11",
        "departement",
    ),
]


@pytest.mark.parametrize(
    "case, changes, departement, region, how", PLACES, ids=[p[0] for p in PLACES]
)
def test_row_is_placed(case, changes, departement, region, how):
    snapshot = read_snapshot(make_csv([row(**changes)]))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert (placed["code_departement"], placed["code_region"], placed["localisation"]) == (
        departement,
        region,
        how,
    )
    assert snapshot.rows.crs.to_epsg() == 4326
    if how != "departement":
        assert (
            snapshot.rows.geometry.iloc[0] is not None
            and not snapshot.rows.geometry.iloc[0].is_empty
        )


def test_point_is_the_coordinates_else_the_commune():
    snapshot = read_snapshot(
        make_csv([row(), row(id_formation="F2", latitude="48.86", longitude="2.45")])
    )
    first, second = snapshot.rows.geometry
    assert (round(first.y, 3), round(first.x, 3)) == (48.864, 2.456)  # Montreuil's point
    assert (second.y, second.x) == (48.86, 2.45)


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


def test_file_column_named_like_a_derived_column_is_kept():
    base = row()
    base["ligne"] = "note"
    rows = read_snapshot(make_csv([base])).rows
    assert rows["ligne"].tolist() == [2]
    assert rows["ligne (2)"].tolist() == ["note"]


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


ALIASES = [
    ("Code INSEE", "code_commune"),
    ("CP", "code_postal"),
    ("Département", "code_departement"),
    ("Dép.", "code_departement"),
    ("Code département", "code_departement"),
    ("Lat", "latitude"),
    ("Y", "latitude"),
    ("Lon", "longitude"),
    ("Lng", "longitude"),
    ("Long", "longitude"),
    ("X", "longitude"),
    ("Nombre d'apprenants", "apprenants"),
    ("Effectif", "apprenants"),
    ("Dont femmes", "apprenants_femmes"),
    ("Femmes", "apprenants_femmes"),
    ("Dont jeunes NEET", "apprenants_neet"),
    ("Jeunes peu ou pas qualifiés", "apprenants_neet"),
    ("Boursiers", "apprenants_boursiers"),
    ("Subvention (€)", "subvention_eur"),
    ("Montant subvention", "subvention_eur"),
    ("Vague de labellisation", "vague"),
    ("Intitulé de la formation", "nom_formation"),
    ("Fabrique", "nom_fabrique"),
    ("Nom de la fabrique", "nom_fabrique"),
    ("Structure porteuse", "porteur"),
    ("NB_APPRENANTS", "apprenants"),
    ("nombre de femmes", "apprenants_femmes"),
    ("  ID Formation ", "id_formation"),
]


@pytest.mark.parametrize("header, canonical", ALIASES, ids=[a[0] for a in ALIASES])
def test_header_alias(header, canonical):
    values = {
        "code_commune": "93048",
        "code_postal": "93100",
        "code_departement": "93",
        "latitude": "48.86",
        "longitude": "2.45",
        "apprenants": "20",
        "apprenants_femmes": "6",
        "apprenants_neet": "11",
        "apprenants_boursiers": "4",
        "subvention_eur": "1000",
        "vague": "2",
        "nom_formation": "Dev",
        "nom_fabrique": "Fab",
        "porteur": "Asso",
        "id_formation": "F9",
    }
    base = row(**{canonical: None})
    base[header] = values[canonical]
    partner = {"latitude": "longitude", "longitude": "latitude"}.get(canonical)
    if partner:
        base[partner] = values[partner]
    snapshot = read_snapshot(make_csv([base]))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    read = snapshot.rows[canonical].iloc[0]
    assert str(read) == values[canonical] or float(read) == float(values[canonical])


def test_other_columns_are_kept():
    snapshot = read_snapshot(make_csv([row(Commentaire="à revoir")]))
    assert snapshot.rows["Commentaire"].tolist() == ["à revoir"]
    assert snapshot.report.problemes.empty


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


# --------------------------------------------------------------------------- snapshot date and fabriques


AMOUNTS = [
    ("12500", 12500),
    ("12 500,50", 12500.5),
    ("12\u202f500,50", 12500.5),
    ("1.234,5", 1234.5),
    ("1,234.5", 1234.5),
    ("12500 €", 12500),
    ("1e3", 1000),
    ("+15", 15),
    (".5", 0.5),
    ("0012", 12),
]


@pytest.mark.parametrize("written, expected", AMOUNTS, ids=[a[0] for a in AMOUNTS])
def test_amount_spellings(written, expected):
    snapshot = read_snapshot(make_csv([row(subvention_eur=written)], sep=";"))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    assert snapshot.rows["subvention_eur"].tolist() == [expected]


@pytest.mark.parametrize("written", ["nan", "inf", "-inf", "Infinity", "0x10", "1_000", "douze"])
def test_amount_that_is_not_a_number(written):
    problems = problems_of(read_snapshot(make_csv([row(subvention_eur=written)], sep=";")), ERREUR)
    assert problems["message"].str.contains("n'est pas un nombre").tolist() == [True]


DATES = [
    ("2016-12-15", "2016-12-15"),
    ("2016-12-15 10:30:00", "2016-12-15"),
    ("2016-12-15T10:30", "2016-12-15"),
    ("15/12/2016", "2016-12-15"),
    ("15.12.2016", "2016-12-15"),
    ("15-12-2016", "2016-12-15"),
    ("2016-2-3", "2016-02-03"),
]


@pytest.mark.parametrize("written, expected", DATES, ids=[d[0] for d in DATES])
def test_date_spellings(written, expected):
    snapshot = read_snapshot(make_csv([row(date_labellisation=written)]))
    assert snapshot.report.problemes.empty, snapshot.report.problemes.to_dict("records")
    assert snapshot.rows["date_labellisation"].dt.strftime("%Y-%m-%d").tolist() == [expected]


def test_snapshot_date_from_column_then_file_name():
    assert (
        str(read_snapshot(make_csv([row(date_extraction="15/12/2016")]), "x-2017-01-01.csv").date)
        == "2016-12-15"
    )
    assert str(read_snapshot(make_csv([row()]), "gen-2017-06-30.csv").date) == "2017-06-30"
    assert read_snapshot(make_csv([row()]), "gen.csv").date is None


def test_fabrique_identified_by_id_else_by_normalised_name_and_commune():
    rows = [
        row(id_formation="A", nom_fabrique="Fabrique Élan"),
        row(id_formation="B", nom_fabrique="  fabrique elan "),  # same name folded, same commune
        row(
            id_formation="C", nom_fabrique="Fabrique Élan", code_commune="93066"
        ),  # another commune
        row(id_formation="D", nom_fabrique="Autre", id_fabrique="X1"),
        row(
            id_formation="E", nom_fabrique="Autre nom", id_fabrique="X1"
        ),  # the id wins over the name
    ]
    keys = read_snapshot(make_csv(rows)).rows.set_index("id_formation")["cle_fabrique"]
    assert keys["A"] == keys["B"] != keys["C"]
    assert keys["D"] == keys["E"] == "id:X1"


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
    assert "imprévu" not in str(
        caught.value
    )  # the detail goes to the server's log, not to the user


# --------------------------------------------------------------------------- real files: where a row says it is

NNBSP = "\u202f"
# Each case: the row's location cells, then the département, commune and point it must get (from data/reference,
# written here as literals), and the warning it must carry (None: placed without a word).
PLACED = [
    (
        "arrondissement de Paris",
        {"code_commune": "75112"},
        "75",
        "75056",
        (48.85798, 2.31991),
        "75112 (Paris 12e Arrondissement) : arrondissement municipal, rattaché à 75056 Paris.",
    ),
    (
        "arrondissement de Lyon",
        {"code_commune": "69381"},
        "69",
        "69123",
        (45.75728, 4.82971),
        "69381 (Lyon 1er Arrondissement) : arrondissement municipal, rattaché à 69123 Lyon.",
    ),
    (
        "commune déléguée",
        {"code_commune": "93059"},
        "93",
        "93066",
        (48.92653, 2.3564),
        "93059 (Pierrefitte-sur-Seine) : commune fusionnée, rattachée à 93066 Saint-Denis.",
    ),
    (
        "commune associée",
        {"code_commune": "01120"},
        "01",
        "01262",
        None,
        "01120 (Cordieux) : commune associée, rattachée à 01262",
    ),
    (
        "ancien code",
        {"code_commune": "01003"},
        "01",
        "01165",
        (46.0707, 4.81888),
        "01003 : ancien code de la commune, aujourd'hui 01165 Francheleins.",
    ),
    (
        "ancien code, zéro perdu",
        {"code_commune": "1003"},
        "01",
        "01165",
        (46.0707, 4.81888),
        "01003 : ancien code de la commune, aujourd'hui 01165 Francheleins.",
    ),
    (
        "nom d'une commune fusionnée et son département",
        {"commune": "Champtoceaux", "code_departement": "49"},
        "49",
        "49126",
        (47.30428, -1.2104),
        "« Champtoceaux » (49) : 49069, commune fusionnée, rattachée à 49126 Orée d'Anjou.",
    ),
    (
        "nom d'une commune actuelle et son département",
        {"commune": "Muret", "code_departement": "31"},
        "31",
        "31395",
        (43.4405, 1.3107),
        None,
    ),
    (
        "code postal d'arrondissement (Paris)",
        {"code_postal": "75012"},
        "75",
        "75056",
        (48.85798, 2.31991),
        None,
    ),
    (
        "code postal d'arrondissement (Marseille)",
        {"code_postal": "13002", "commune": "Marseille"},
        "13",
        "13055",
        (43.29396, 5.44838),
        None,
    ),
    (
        "CEDEX et code commune valide",
        {"code_commune": "06088", "code_postal": "06286"},
        "06",
        "06088",
        (43.70456, 7.24376),
        "Code postal inconnu (un code CEDEX ?) : la ligne est gardée, située par « code_commune ».",
    ),
    (
        "CEDEX seul",
        {"code_postal": "27004", "commune": "Évreux Cedex"},
        "27",
        None,
        None,
        "Code postal inconnu (un code CEDEX ?) : la formation est située dans le département 27, celui de ses premiers "
        "chiffres.",
    ),
    (
        "code commune dans la colonne du code postal",
        {"code_postal": "93066", "commune": "Saint-Denis"},
        "93",
        "93066",
        (48.92653, 2.3564),
        "« 93066 » est le code commune de Saint-Denis, pas un code postal : il est lu comme code commune.",
    ),
    (
        "code commune inconnu, coordonnées en France",
        {"code_commune": "31999", "latitude": "43.6045", "longitude": "1.4440"},
        "31",
        None,
        (43.6045, 1.444),
        "Code commune inconnu : la ligne est gardée, située par « coordonnées ».",
    ),
    (
        "département inconnu, commune connue",
        {"code_commune": "31555", "code_departement": "Haute-Garonnne"},
        "31",
        "31555",
        (43.60048, 1.42397),
        "Département inconnu : la ligne est gardée, située par « code_commune ».",
    ),
    (
        "coordonnées à l'étranger, commune connue",
        {"code_commune": "31555", "latitude": "51.5", "longitude": "-0.12"},
        "31",
        "31555",
        (43.60048, 1.42397),
        "Coordonnées hors de France, ignorées : la formation est située par « code_commune ».",
    ),
]


@pytest.mark.parametrize(
    "case, cells, departement, commune, point, warning", PLACED, ids=[p[0] for p in PLACED]
)
def test_a_row_that_says_where_it_is_is_placed(case, cells, departement, commune, point, warning):
    snapshot = read_snapshot(make_csv([row(**{"code_commune": None, **cells})]), "reel.csv")
    assert snapshot.report.lignes_rejetees == 0, snapshot.report.problemes.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert placed["code_departement"] == departement
    assert (None if pd.isna(placed["code_commune"]) else placed["code_commune"]) == commune
    if point is not None:
        assert (round(placed["latitude"], 5), round(placed["longitude"], 5)) == point
    messages = snapshot.report.problemes["message"].tolist()
    if warning is None:
        assert messages == []
    else:
        assert any(m.startswith(warning) for m in messages), messages


REJECTED = [
    (
        "code commune inconnu, coordonnées à l'étranger",
        {"code_commune": "31999", "latitude": "51.5", "longitude": "-0.12"},
        ["Code commune inconnu : indiquez le code INSEE", "Coordonnées hors de France"],
    ),
    (
        "Saint-Martin (code commune)",
        {"code_commune": "97801"},
        ["Saint-Martin (978) est une collectivité d'outre-mer, hors des 101 départements"],
    ),
    (
        "Saint-Martin (département)",
        {"code_departement": "978"},
        ["Saint-Martin (978) est une collectivité d'outre-mer, hors des 101 départements"],
    ),
    (
        "code postal inconnu seul",
        {"code_postal": "00999"},
        ["Code postal inconnu : indiquez un code postal"],
    ),
]


@pytest.mark.parametrize("case, cells, errors", REJECTED, ids=[r[0] for r in REJECTED])
def test_only_a_row_nothing_places_is_rejected(case, cells, errors):
    snapshot = read_snapshot(
        make_csv([row(**{"code_commune": None, **cells}), row(id_formation="OK")]), "reel.csv"
    )
    assert snapshot.rows["id_formation"].tolist() == ["OK"]
    found = snapshot.report.problemes.query("gravite == 'erreur'")["message"].tolist()
    assert all(any(m.startswith(e) for m in found) for e in errors), found


# --------------------------------------------------------------------------- list-only snapshots

LIST = "identifiant;intitule;Structure;vague;insee_com\nA;Dév web;Simplon;1;93048\nB;Data;Simplon;2;75112\n"


def test_a_list_without_learner_columns_is_a_list_snapshot():
    snapshot = read_snapshot(LIST.encode(), "liste.csv")
    assert snapshot.list_only and snapshot.report.lignes_rejetees == 0
    assert snapshot.rows["apprenants"].isna().all() and snapshot.rows["nom_fabrique"].tolist() == [
        "Simplon",
        "Simplon",
    ]
    assert any(
        "la structure porteuse (« Structure ») en tient lieu" in m
        for m in snapshot.report.problemes["message"]
    )


def test_learner_columns_empty_on_every_row_make_a_list_too():
    data = make_csv(
        [
            row(apprenants="", apprenants_femmes="", apprenants_neet=""),
            row(id_formation="F2", apprenants="", apprenants_femmes="", apprenants_neet=""),
        ]
    )
    snapshot = read_snapshot(data, "vide.csv")
    assert snapshot.list_only and len(snapshot.rows) == 2


def test_a_half_filled_table_is_still_caught_row_by_row():
    data = make_csv(
        [row(), row(id_formation="F2", apprenants="", apprenants_femmes="", apprenants_neet="")]
    )
    snapshot = read_snapshot(data, "moitie.csv")
    assert not snapshot.list_only and snapshot.rows["id_formation"].tolist() == ["F1"]
    assert snapshot.report.lignes_rejetees == 1


def test_some_learner_columns_without_the_others_is_refused():
    with pytest.raises(SnapshotError, match="apprenants_femmes"):
        read_snapshot(make_csv([row(apprenants_femmes=None, apprenants_neet=None)]), "partiel.csv")


# --------------------------------------------------------------------------- plausible values only


@pytest.mark.parametrize(
    "cells, column, fragment",
    [
        (
            {"date_labellisation": "0000-01-01"},
            "date_labellisation",
            "avant le début du programme (2015)",
        ),
        (
            {"date_labellisation": "0001-01-01"},
            "date_labellisation",
            "avant le début du programme (2015)",
        ),
        (
            {"date_labellisation": "9999-12-31"},
            "date_labellisation",
            "dans le futur : au plus un an après aujourd'hui",
        ),
        ({"date_extraction": "0000-01-01"}, "date_extraction", "avant le début du programme"),
        (
            {"date_extraction": "2099-01-01"},
            "date_extraction",
            "ne peut pas être datée de plus d'un jour après aujourd'hui",
        ),
        (
            {"apprenants": str(2**53), "apprenants_femmes": "1", "apprenants_neet": "1"},
            "apprenants",
            "Effectif démesuré « 9007199254740992 » : plus de 10\u202f000 pour une formation",
        ),
        (
            {"subvention_eur": "1e308"},
            "subvention_eur",
            "Montant démesuré « 1e308 » : plus de 5\u202f000\u202f000 €",
        ),
        (
            {"vague": "1000000000000000"},
            "vague",
            "Vague « 1000000000000000 » inconnue : le fichier des objectifs décrit 2",
        ),
    ],
)
def test_an_impossible_value_rejects_its_row(cells, column, fragment):
    snapshot = read_snapshot(make_csv([row(**cells), row(id_formation="OK")]), "f.csv")
    assert snapshot.rows["id_formation"].tolist() == ["OK"]
    errors = problems_of(snapshot, ERREUR)
    assert any(fragment in m for m in errors.loc[errors["colonne"] == column, "message"]), (
        errors.to_dict("records")
    )


def test_no_total_can_overflow():
    rows = [
        row(
            id_formation=f"X{i}",
            apprenants="10000",
            apprenants_femmes="5000",
            apprenants_neet="5000",
        )
        for i in range(1100)
    ]
    snapshot = read_snapshot(make_csv(rows), "grand.csv")
    assert (
        int(snapshot.rows["apprenants"].sum()) == 11_000_000
    )  # the largest plausible total, far from any overflow


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["Ligne du fichier"], ["Ligne du fichier (2)"]),  # a title the Données page shows
        (["Apprenants"], ["Apprenants (2)"]),  # equal but for case to a column already read
        (
            ["Commentaire", "commentaire", "COMMENTAIRE"],
            ["Commentaire", "commentaire (2)", "COMMENTAIRE (3)"],
        ),
        (
            ["Région", "region"],
            ["Région (2)", "region (3)"],
        ),  # « region (2) » folds as « Région (2) »
        (["Situé par", "Clé de fabrique"], ["Situé par (2)", "Clé de fabrique (2)"]),
    ],
)
def test_an_extra_column_never_collides_with_another_name(extra, expected):
    from gen_dash import tables

    header = list(row()) + extra
    data = make_csv([{**row(), **{h: f"v{i}" for i, h in enumerate(extra)}}], header=header)
    snapshot = read_snapshot(data, "collisions.csv")
    assert set(expected) <= set(snapshot.rows.columns)
    assert tables.readable_rows(snapshot.rows).columns.is_unique


# --------------------------------------------------------------------------- fuzzing: any bytes, any table

from datetime import timedelta  # noqa: E402 - the fuzzing section's own imports

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hyp  # noqa: E402

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
    if draw(
        hyp.booleans()
    ):  # the contract's columns in any order, and more: rows get read, checked and placed
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
        assert "erreur inattendue" not in str(exc), str(
            exc
        )  # a refusal that says why, not a crash put into words
    else:
        report = snapshot.report
        assert report.lignes_acceptees == len(
            snapshot.rows
        )  # no row lost between the report and the rows
        assert (
            not snapshot.rows.select_dtypes(["object", "str"])
            .apply(lambda c: c.astype(str).str.contains("\x00"))
            .any()
            .any()
        )
