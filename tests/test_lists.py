"""Lists of places as partners send them (issue « Any list of places, read in one go »): the codes real lists carry,
ids and waves they lack, and the five shapes of tests/fixtures/listes read with --deviner, each expected value by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gen_dash import identity
from gen_dash.cli import main
from gen_dash.ingest import AVERTISSEMENT, ERREUR, read_snapshot
from gen_dash.metrics import UNKNOWN_WAVE, summary_figures
from gen_dash.snapshot import Mapping
from tests.conftest import ROOT, make_csv, row

LISTS = ROOT / "tests" / "fixtures" / "listes"
F = "\ufffd"

PLACES = [
    # (case, the row's place columns, expected code_departement, code_commune, (a warning fragment, its code) or None)
    (
        "département on three digits",
        {"code_departement": "001"},
        "01",
        None,
        ("trois caractères (« 001 »)", "departement-trois-caracteres"),
    ),
    (
        "Corsica on three characters",
        {"code_departement": "02A"},
        "2A",
        None,
        ("trois caractères (« 02A »)", "departement-trois-caracteres"),
    ),
    (
        "the Nord's Lille half",
        {"code_departement": "59L"},
        "59",
        None,
        ("59L / 59V (les deux moitiés du Nord)", "departement-trois-caracteres"),
    ),
    (
        "the Nord's Valenciennes half",
        {"code_departement": "59V"},
        "59",
        None,
        ("comme 59", "departement-trois-caracteres"),
    ),
    (
        "postal code lost its zero",
        {"code_postal": "6300"},
        "06",
        "06088",
        ("code postal lu comme 06300", "zero-initial"),
    ),
    (
        "INSEE code lost its zero",
        {"code_commune": "4070"},
        "04",
        "04070",
        ("code commune lu comme 04070", "zero-initial"),
    ),
    ("ST for Saint", {"commune": "ST DIZIER", "code_departement": "52"}, "52", "52448", None),
    ("STE for Sainte", {"commune": "STE MARIE", "code_postal": "97230"}, "972", "97228", None),
    (
        "Paris arrondissement by name",
        {"commune": "PARIS 19", "code_departement": "75"},
        "75",
        "75056",
        ("75119, arrondissement municipal", "commune-ancienne"),
    ),
    (
        "Marseille arrondissement by name",
        {"commune": "MARSEILLE 01", "code_departement": "13"},
        "13",
        "13055",
        ("13201, arrondissement municipal", "commune-ancienne"),
    ),
    (
        "Lyon arrondissement by name",
        {"commune": "LYON 03", "code_departement": "69"},
        "69",
        "69123",
        ("69383, arrondissement municipal", "commune-ancienne"),
    ),
    (
        "accent destroyed, département",
        {"commune": f"SAINT-RAPHA{F}L", "code_departement": "83"},
        "83",
        "83118",
        ("lu comme Saint-Raphaël (83118)", "nom-illisible"),
    ),
    (
        "accent destroyed, postal code",
        {"commune": f"BRIAN{F}ON", "code_postal": "05100"},
        "05",
        "05023",
        None,
    ),
    (
        "Corsican CEDEX, south",
        {"commune": "AJACCIO", "code_postal": "20700"},
        "2A",
        "2A004",
        ("Code postal corse 20700", "code-postal-cedex-corse"),
    ),
    (
        "Corsican CEDEX, north",
        {"commune": "BASTIA", "code_postal": "20407"},
        "2B",
        "2B033",
        ("Code postal corse 20407", "code-postal-cedex-corse"),
    ),
    (
        "NULL cells are empty",
        {"code_postal": "NULL", "commune": "N/A", "code_departement": "31"},
        "31",
        None,
        ("« NULL » lue(s) comme vide(s)", "cellule-vide-ecrite"),
    ),
    (
        "postal code and point disagree",
        {"code_postal": "59160", "latitude": "47.99", "longitude": "0.2"},
        "59",
        None,
        (
            "indique Sarthe (72), mais « code_postal » (59160), plus précis, indique Nord (59)",
            "desaccord-departement",
        ),
    ),
]


@pytest.mark.parametrize(
    "case, cells, departement, commune, warning", PLACES, ids=[p[0] for p in PLACES]
)
def test_a_place_as_lists_write_it(case, cells, departement, commune, warning):
    snapshot = read_snapshot(make_csv([row(**{"code_commune": None, **cells})]), "liste.csv")
    problems = snapshot.report.problemes
    assert problems[problems["gravite"] == ERREUR].empty, problems.to_dict("records")
    placed = snapshot.rows.iloc[0]
    assert placed["code_departement"] == departement
    assert (None if pd.isna(placed["code_commune"]) else placed["code_commune"]) == commune
    if warning:
        fragment, code = warning
        said = problems[problems["message"].str.contains(fragment, regex=False)]
        assert said["code"].tolist()[:1] == [code], problems[["code", "message"]].to_dict("records")


OVERSEAS = [
    (
        "Saint-Barthélemy by postal code",
        {"code_postal": "97133", "code_departement": "971"},
        "Saint-Barthélemy (97133)",
    ),
    ("Saint-Martin by postal code", {"code_postal": "97150"}, "Saint-Martin (97150)"),
    ("Saint-Pierre-et-Miquelon", {"code_postal": "97500"}, "Saint-Pierre-et-Miquelon (97500)"),
    ("Polynésie", {"code_postal": "98714"}, "La Polynésie française (98714)"),
    (
        "Nouvelle-Calédonie by département",
        {"code_departement": "988"},
        "La Nouvelle-Calédonie (988)",
    ),
    (
        "Saint-Martin by commune code, with Guadeloupe said",
        {"code_commune": "97801", "code_departement": "971"},
        "Saint-Martin (978)",
    ),
]


@pytest.mark.parametrize("case, cells, named", OVERSEAS, ids=[o[0] for o in OVERSEAS])
def test_an_overseas_collectivite_is_named_and_kept_out(case, cells, named):
    snapshot = read_snapshot(
        make_csv([row(**{"code_commune": None, **cells}), row(id_formation="OK")]), "liste.csv"
    )
    assert snapshot.rows["id_formation"].tolist() == ["OK"]
    errors = snapshot.report.problemes.query("gravite == 'erreur'")["message"].tolist()
    assert (
        f"{named} est une collectivité d'outre-mer, hors des 101 départements du programme : la ligne n'est pas "
        "comptée." in errors
    ), errors


def test_generated_ids_are_stable_and_repeated_rows_are_said_not_merged():
    places = [
        {"nom": "Simplon", "ville": "Lille", "cp": "59000"},
        {"nom": "SIMPLON ", "ville": "lille", "cp": "59000"},
        {"nom": "Konexio", "ville": "Paris", "cp": "75019"},
    ]
    data = make_csv(places)
    mapping = Mapping((("nom_fabrique", "nom"), ("nom_formation", "nom")), (), True)
    first, again = (read_snapshot(data, "liste.csv", mapping=mapping) for _ in range(2))
    # blake2b (5 bytes) of « |simplon|59000|lille » (one name column, then the place), by hand with hashlib
    assert first.rows["id_formation"].tolist() == [
        "gen-4a7dcc80ee",
        "gen-4a7dcc80ee-2",
        "gen-dc2b757a4d",
    ]
    assert again.rows["id_formation"].tolist() == first.rows["id_formation"].tolist()
    repeated = read_snapshot(make_csv([places[0], places[0]]), "liste.csv", mapping=mapping)
    assert len(repeated.rows) == 2
    said = repeated.report.problemes.query("ligne == 3")["message"].tolist()
    assert any(m.startswith("Ligne identique à la ligne 2 : elle est gardée") for m in said), said


def test_generated_ids_by_hand():
    import hashlib

    values = {"nom_fabrique": pd.Series(["Simplon"]), "code_postal": pd.Series(["59000"])}
    digest = hashlib.blake2b(b"|simplon|59000", digest_size=5).hexdigest()
    assert identity.generated_ids(values).tolist() == [f"gen-{digest}"]


def test_without_a_wave_column_rows_count_under_an_unknown_wave_never_a_number():
    snapshot = read_snapshot(
        make_csv([row(vague=None), row(vague=None, id_formation="F2", nom_fabrique="Autre")]),
        "liste.csv",
    )
    assert snapshot.report.lignes_rejetees == 0 and snapshot.rows["vague"].isna().all()
    assert "Pas de colonne de vague" in " ".join(snapshot.report.problemes["message"])
    assert summary_figures(snapshot.rows)["par_vague"] == {
        UNKNOWN_WAVE: {"fabriques": 2, "formations": 2, "apprenants": 40}
    }


def test_a_wave_given_for_every_row_still_works_without_the_column():
    snapshot = read_snapshot(
        make_csv([row(vague=None)]), "liste.csv", mapping=Mapping((), (("vague", "2"),))
    )
    assert snapshot.rows["vague"].tolist() == [2]


def test_one_file_column_stands_for_two_contract_columns():
    data = make_csv([{"NOM": "Espace numérique", "code_commune": "93048"}])
    snapshot = read_snapshot(
        data,
        "liste.csv",
        mapping=Mapping(
            (("nom_fabrique", "NOM"), ("nom_formation", "NOM")), (("vague", "1"),), True
        ),
    )
    placed = snapshot.rows.iloc[0]
    assert (placed["nom_formation"], placed["nom_fabrique"]) == (
        "Espace numérique",
        "Espace numérique",
    )


# --------------------------------------------------------------------------- the five shapes, read with --deviner

FILES = [
    # (file, rows read, accepted, each accepted row's département in file order)
    ("annuaire-lieux-inclusion.csv", 8, 8, ["52", "83", "05", "2A", "06", "972", "59", "59"]),
    (
        "agences.csv",
        13,
        13,
        ["69", "31", "33", "59", "44", "35", "67", "34", "06", "76", "38", "21", "02"],
    ),
    ("employeurs-insertion.csv", 6, 6, ["93", "75", "13", "69", "59", "31"]),
    ("etat-departements.tsv", 7, 4, ["59", "59", "02", "2A"]),
    # postal codes stored as numbers
    (
        "structures-tableur.xlsx",
        6,
        6,
        ["06", "01", "02", "04", "05", "93"],
    ),
]


@pytest.mark.parametrize("name, lines, accepted, departements", FILES, ids=[f[0] for f in FILES])
def test_a_real_shaped_list_reads_in_one_command(name, lines, accepted, departements, capsys):
    status = main(["validate", str(LISTS / name), "--deviner", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert (out["lignes"], out["lignes_acceptees"]) == (lines, accepted)
    assert status == (0 if lines == accepted else 1)
    assert out["correspondance"]["propositions"], out["correspondance"]
    snapshot = read_snapshot(LISTS / name, mapping=Mapping.from_dict(out["correspondance"]))
    assert snapshot.rows["code_departement"].tolist() == departements


def test_deviner_says_the_guess_as_options_on_standard_error(capsys):
    main(["summary", str(LISTS / "annuaire-lieux-inclusion.csv"), "--deviner"])
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "Correspondance devinée : --colonne latitude=DN_LATITUDE --colonne "
        "longitude=DN_LONGITUDE --colonne nom_fabrique=NOM --colonne nom_formation=NOM "
        "--generer-identifiant\n"
    )
    assert "vague non renseignée : 7 fabriques, 8 formations" in captured.out


def test_a_given_column_wins_over_the_guess(capsys):
    main(
        [
            "validate",
            str(LISTS / "agences.csv"),
            "--deviner",
            "--colonne",
            "nom_formation=adresse",
            "--json",
        ]
    )
    columns = json.loads(capsys.readouterr().out)["correspondance"]["colonnes"]
    assert columns["nom_formation"] == "adresse" and columns["nom_fabrique"] == "nom_agence"


def test_without_deviner_nothing_is_guessed_but_the_error_gives_the_hint(capsys):
    status = main(["validate", str(LISTS / "agences.csv")])
    out = capsys.readouterr().out
    assert status == 2
    assert (
        "Correspondance devinée, à vérifier : --colonne nom_fabrique=nom_agence --colonne "
        "nom_formation=nom_agence --generer-identifiant" in out
    )


def test_every_warning_of_a_list_is_kept_with_its_line():
    snapshot = read_snapshot(
        LISTS / "annuaire-lieux-inclusion.csv",
        mapping=Mapping(
            (
                ("latitude", "DN_LATITUDE"),
                ("longitude", "DN_LONGITUDE"),
                ("nom_fabrique", "NOM"),
                ("nom_formation", "NOM"),
            ),
            (),
            True,
        ),
    )
    warnings = snapshot.report.problemes.query(f"gravite == '{AVERTISSEMENT}'")
    assert sorted(set(warnings["ligne"])) == [1, 4, 5, 6, 8, 9]


def test_every_problem_code_is_in_the_contract_and_the_contract_lists_no_other():
    """A program reading ``validate --json`` relies on the codes: each one the reader can give is documented."""
    import re

    reader = ["ingest*.py", "place*.py", "table*.py", "snapshot.py"]  # every module of the reading
    source = "".join(
        path.read_text(encoding="utf-8")
        for pattern in reader
        for path in sorted((ROOT / "gen_dash").glob(pattern))
        if path.name != "tables.py"  # display tables, not the reading
    )
    used = set(re.findall(r'code="([a-z0-9-]+)"', source)) | set(
        re.findall(r'OUTSIDE_PROGRAMME = "([a-z0-9-]+)"', source)
    )
    used |= set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)" if ', source))
    used |= set(re.findall(r'else "([a-z0-9]+(?:-[a-z0-9]+)+)"', source))
    used |= set(
        re.findall(r'notices\.(?:append|extend)\(\s*\(\s*(?:[^,]+),\s*"([a-z0-9-]+)"', source)
    )
    contract = (ROOT / "docs" / "contrat-fichier.md").read_text(encoding="utf-8")
    table = contract.split("**Codes des problèmes.**", 1)[1].split("\n\n**", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M))
    assert used == documented, (used - documented, documented - used)


def test_validate_json_gives_each_problem_its_code(capsys):
    main(["validate", str(LISTS / "etat-departements.tsv"), "--deviner", "--json"])
    out = json.loads(capsys.readouterr().out)
    problems = out["problemes"]
    # Saint-Martin, Saint-Barthélemy, Saint-Pierre-et-Miquelon
    assert out["lignes_hors_programme"] == 3
    assert [(p["ligne"], p["code"]) for p in problems if p["ligne"] > 1] == [
        (4, "hors-programme-outre-mer"),
        (4, "hors-programme-outre-mer"),
        (5, "hors-programme-outre-mer"),
        (5, "hors-programme-outre-mer"),
        (6, "hors-programme-outre-mer"),
        (6, "hors-programme-outre-mer"),
    ]
