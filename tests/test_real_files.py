"""gen_dash.ingest on a list written the way real open-data lists are: other headers, arrondissement codes, communes
merged since 2016, CEDEX postal codes. The fixture is built here from the project's own reference (``data/reference``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from gen_dash.ingest import read_snapshot
from tests.conftest import ROOT

REFERENCE = ROOT / "data" / "reference"


@pytest.fixture(scope="module")
def national_list() -> tuple[bytes, pd.DataFrame]:
    former = pd.read_csv(REFERENCE / "communes_anciennes.csv", dtype=str, keep_default_na=False)
    communes = pd.read_csv(REFERENCE / "communes.csv", dtype=str).set_index("code_commune")
    postal = set(pd.read_csv(REFERENCE / "codes_postaux.csv", dtype=str)["code_postal"])
    arrondissements = former[former["nature"] == "arrondissement-municipal"]
    merged = (
        former[former["nature"] == "commune-deleguee"]
        .groupby(former["code_commune"].str.slice(0, 2))
        .head(2)
        .head(80)
    )
    old_codes = former[former["nature"] == "ancien-code"].iloc[::40].head(50)
    prefectures = [
        "06088",
        "13055",
        "27229",
        "31555",
        "33063",
        "35238",
        "59350",
        "67482",
        "69123",
        "97411",
    ]
    lines, expected = [], []

    def add(kind, code, postal_code, name, departement):
        n = len(lines) + 1
        lines.append(
            [
                f"L{n:04d}",
                "Développeur web",
                f"Fabrique {n}",
                "1",
                code,
                postal_code,
                name,
                "12",
                "4",
                "6",
            ]
        )
        expected.append((kind, departement))

    for r in arrondissements.itertuples():
        add("arrondissement", r.code_ancien, "", r.nom_ancien, r.code_commune[:2])
    for r in merged.itertuples():
        add(
            "fusionnée",
            r.code_ancien,
            "",
            r.nom_ancien,
            communes.loc[r.code_commune, "code_departement"],
        )
    for r in old_codes.itertuples():
        add("ancien code", r.code_ancien, "", "", communes.loc[r.code_commune, "code_departement"])
    # a CEDEX code: the département's digits, then digits no postal code has
    for code in prefectures:
        departement = communes.loc[code, "code_departement"]
        digits = range(900, 1000) if len(departement) == 2 else range(90, 100)
        cedex = next(c for c in (f"{departement}{n}" for n in digits) if c not in postal)
        add("CEDEX", code, cedex, communes.loc[code, "nom_commune"], departement)
    header = [
        "identifiant",
        "intitule",
        "fabrique",
        "vague",
        "insee_com",
        "cp",
        "lib_com",
        "effectif",
        "femmes",
        "neet",
    ]
    text = "\n".join(";".join(line) for line in [header, *lines]) + "\n"
    return text.encode("utf-8"), pd.DataFrame(expected, columns=["nature", "departement"])


def test_a_national_list_loses_no_row_it_places(national_list):
    data, expected = national_list
    assert len(expected) == 45 + 80 + 50 + 10
    snapshot = read_snapshot(data, "liste-nationale.csv")
    assert snapshot.report.lignes_rejetees == 0, (
        snapshot.report.problemes.query("gravite == 'erreur'").head().to_dict("records")
    )
    assert len(snapshot.rows) == len(expected)
    assert snapshot.rows["code_departement"].tolist() == expected["departement"].tolist()
    # Paris is on the map: its 20 arrondissements are 20 formations in Paris (75), in the commune 75056.
    paris = snapshot.rows[snapshot.rows["code_departement"] == "75"]
    assert len(paris) == 20 and set(paris["code_commune"]) == {"75056"}
    # The report says what it did, row by row.
    messages = snapshot.report.problemes["message"]
    assert messages.str.contains("arrondissement municipal, rattaché à").sum() == 45
    assert messages.str.contains("commune fusionnée, rattachée à").sum() == 80
    assert messages.str.contains("ancien code de la commune, aujourd'hui").sum() == 50
    assert (
        messages.str.contains(
            r"Code postal inconnu \(un code CEDEX \?\) : la ligne est gardée"
        ).sum()
        == 10
    )
    assert snapshot.report.lignes_reparees == len(expected)
