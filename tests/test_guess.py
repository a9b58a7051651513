"""gen_dash.guess: the column mapping guessed from headers and content, with its evidence; never applied silently."""

from __future__ import annotations

import pandas as pd
import pytest

from gen_dash.guess import guess_file, guess_mapping
from gen_dash.guess_headers import header_candidates
from gen_dash.snapshot import Mapping
from gen_dash.table import Table
from tests.conftest import ROOT

LISTS = ROOT / "tests" / "fixtures" / "listes"

HEADERS = [
    # (header as lists write it, what it says it is)
    ("NOM", ["nom"]),
    ("nom_agence", ["nom"]),
    ("Raison sociale", ["nom"]),
    ("CODE_POSTAL", ["code_postal"]),
    ("result_postcode", ["code_postal"]),
    ("COMMUNE", ["commune"]),
    ("Ville", ["commune"]),
    ("result_city", ["commune"]),
    ("adresse_code_insee", ["code_commune"]),
    ("DN_LATITUDE", ["latitude"]),
    ("DN_LONGITUDE", ["longitude"]),
    ("geo_lng", ["longitude"]),
    ("SIRET", ["id_fabrique"]),
    ("D\ufffdpartement", ["code_departement"]),  # an accent destroyed: a near spelling
    ("R\ufffdgion", []),  # the région is derived, never read
    ("HORAIRES", []),
    ("Identifiant", ["id_formation"]),
    ("wave", ["vague"]),
]


@pytest.mark.parametrize("header, expected", HEADERS, ids=[h for h, _ in HEADERS])
def test_a_header_says_what_it_is(header, expected):
    assert header_candidates(header) == expected


def table(rows: list[list[str]]) -> Table:
    headers, *body = rows
    return Table(pd.DataFrame(body, index=range(2, len(body) + 2)).astype("str"), headers)


def test_a_list_of_places_gets_one_name_for_both_and_generated_ids():
    guess = guess_mapping(
        table(
            [
                ["NOM", "CODE_POSTAL", "COMMUNE"],
                ["Espace numérique", "93100", "Montreuil"],
                ["Médiathèque", "31000", "Toulouse"],
            ]
        )
    )
    assert guess.mapping() == Mapping((("nom_fabrique", "NOM"), ("nom_formation", "NOM")), (), True)
    assert guess.mapping().options() == [
        "--colonne nom_fabrique=NOM",
        "--colonne nom_formation=NOM",
        "--generer-identifiant",
    ]
    evidence = {p.canonical: p.evidence for p in guess.proposals}
    assert (
        evidence["code_postal"]
        == "« CODE_POSTAL » → code_postal (code postal) : 2 valeurs sur 2 sont des codes postaux."
    )
    assert (
        evidence["commune"]
        == "« COMMUNE » → commune (commune) : 2 valeurs sur 2 sont des noms de communes."
    )
    assert any(n.startswith("vague : aucune colonne") for n in guess.notes)


def test_an_agency_code_that_looks_like_insee_codes_is_set_aside():
    # Each agency code is a real INSEE code, of another commune than the row's postal code and name.
    rows = [["code_agence", "nom", "cp", "ville"]] + [
        [agency, f"Agence {i}", cp, city]
        for i, (agency, cp, city) in enumerate(
            [
                ("31555", "69001", "Lyon"),
                ("33063", "31000", "Toulouse"),
                ("59350", "33000", "Bordeaux"),
                ("44109", "59000", "Lille"),
                ("35238", "44000", "Nantes"),
                ("67482", "35000", "Rennes"),
                ("34172", "67000", "Strasbourg"),
                ("06088", "34000", "Montpellier"),
                ("76540", "06000", "Nice"),
                ("38185", "76000", "Rouen"),
                ("21231", "38000", "Grenoble"),
                ("69123", "21000", "Dijon"),
            ]
        )
    ]
    guess = guess_mapping(table(rows))
    assert "code_commune" not in {p.canonical for p in guess.proposals}
    assert guess.notes[0] == (
        "« code_agence » ressemble à des codes INSEE (12 valeurs sur 12), mais ne concorde avec "
        "le code postal ou la commune que sur 0 lignes sur 12 : ce n'est pas un code commune ; "
        "la colonne est gardée telle quelle."
    )
    assert "code_agence" in guess.unmapped


def test_an_insee_column_that_agrees_is_taken_even_without_a_telling_header():
    rows = [
        ["code", "nom", "cp"],
        ["93048", "A", "93100"],
        ["31555", "B", "31000"],
        ["75119", "C", "75019"],
    ]
    proposal = {p.canonical: p for p in guess_mapping(table(rows)).proposals}["code_commune"]
    assert proposal.header == "code"
    assert proposal.evidence.endswith(
        "qui concordent avec le code postal ou la commune sur 3 lignes sur 3."
    )


def test_coordinates_outside_french_ranges_are_not_taken():
    rows = [
        ["nom", "lat", "lon"],
        ["A", "40.71", "-74.00"],
        ["B", "51.50", "-0.12"],
        ["C", "35.68", "139.69"],
    ]
    proposed = {p.canonical for p in guess_mapping(table(rows)).proposals}
    assert "latitude" not in proposed and "longitude" not in proposed


def test_the_users_own_choices_win():
    rows = [["NOM", "STRUCTURE", "CP"], ["Formation web", "Simplon", "93100"]]
    guess = guess_mapping(table(rows), Mapping((("nom_fabrique", "STRUCTURE"),), (("vague", "2"),)))
    mapping = guess.mapping()
    assert ("nom_fabrique", "STRUCTURE") in mapping.columns and (
        "nom_fabrique",
        "NOM",
    ) not in mapping.columns
    assert mapping.values == (("vague", "2"),) and not any(
        n.startswith("vague") for n in guess.notes
    )


def test_a_large_file_is_guessed_on_a_sample_and_says_so():
    body = [["Lieu", "93100", "Montreuil"]] * 5000
    guess = guess_mapping(table([["nom", "code postal", "ville"], *body]))
    evidence = {p.canonical: p.evidence for p in guess.proposals}
    assert evidence["code_postal"].endswith(
        "2\u202f000 valeurs sur 2\u202f000 (échantillon de 2\u202f000 lignes sur "
        "5\u202f000) sont des codes postaux."
    )


def test_guess_file_reads_the_bytes_as_the_reader_does():
    guess = guess_file((LISTS / "etat-departements.tsv").read_bytes())
    assert dict(guess.mapping().columns) == {
        "code_departement": "D\ufffdpartement",
        "nom_fabrique": "Structure",
        "nom_formation": "Structure",
    }
    assert guess.unmapped == ("R\ufffdgion",) and not guess.generate_ids
