"""The command line, run as users run it: a subprocess, its JSON and its exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_csv, row


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gen_dash", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "bon-2017-01-31.csv"
    path.write_bytes(make_csv([row(), row(id_formation="F2", code_commune="1004", vague="2")]))
    return path


@pytest.fixture
def broken(tmp_path) -> Path:
    path = tmp_path / "casse.csv"
    path.write_bytes(make_csv([row(), row(id_formation="F2", apprenants_femmes="31")]).replace(b"apprenants_femmes", b"Dont femmes"))
    return path


def test_validate_json_good_file_exits_0(good):
    result = run("validate", str(good), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["lignes"], out["lignes_acceptees"], out["lignes_rejetees"]) == (2, 2, 0)
    assert out["problemes"][0]["gravite"] == "avertissement" and out["problemes"][0]["ligne"] == 3


def test_validate_json_rejected_row_exits_1(broken):
    result = run("validate", str(broken), "--json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["lignes_rejetees"] == 1
    assert out["problemes"] == [{"gravite": "erreur", "ligne": 3, "colonne": "Dont femmes", "valeur": "31",
                                 "message": out["problemes"][0]["message"]}]
    assert "apprenants" in out["problemes"][0]["message"]


def test_validate_text_tells_line_and_column_in_french(broken):
    result = run("validate", str(broken))
    assert result.returncode == 1
    assert "ligne 3, colonne « Dont femmes »" in result.stdout and "rejetées : 1" in result.stdout
    assert result.stderr == ""


def test_summary_json(good):
    result = run("summary", str(good), "--json")
    assert result.returncode == 0
    out = json.loads(result.stdout)
    assert list(out) == ["formations", "fabriques", "apprenants", "apprenants_femmes", "apprenants_neet", "part_femmes",
                         "part_neet", "departements_couverts", "lignes_rejetees", "par_departement", "par_vague", "quotas",
                         "liste_seule"]
    assert out["liste_seule"] is False
    assert out["quotas"]["part_femmes"] == {"quota": 0.3, "ecart_points": 0.0}  # 12 women of 40: at the quota
    assert out["formations"] == 2 and out["fabriques"] == 2 and out["apprenants"] == 40
    assert out["part_femmes"] == pytest.approx(12 / 40)
    assert out["par_departement"] == {"01": {"fabriques": 1, "formations": 1, "apprenants": 20},
                                      "93": {"fabriques": 1, "formations": 1, "apprenants": 20}}
    assert out["par_vague"] == {"1": {"fabriques": 1, "formations": 1, "apprenants": 20},
                                "2": {"fabriques": 1, "formations": 1, "apprenants": 20}}


def test_summary_text_is_french(good):
    result = run("summary", str(good))
    assert "du 31 janvier 2017" in result.stdout and "Fabriques : 2" in result.stdout


@pytest.mark.parametrize("command", ["validate", "summary"])
@pytest.mark.parametrize("content", [b"", b"\x00\x01binary\x00" * 20, b"a;b\n1;2\n"], ids=["empty", "binary", "no required column"])
def test_unreadable_file_exits_2_without_traceback(tmp_path, command, content):
    path = tmp_path / "mauvais.csv"
    path.write_bytes(content)
    for extra in ([], ["--json"]):
        result = run(command, str(path), *extra)
        assert result.returncode == 2
        assert "Traceback" not in result.stdout + result.stderr
        if extra:
            assert list(json.loads(result.stdout)) == ["erreur"]
        else:
            assert result.stdout.startswith("Fichier illisible")


def test_missing_file_exits_2(tmp_path):
    result = run("summary", str(tmp_path / "absent.csv"), "--json")
    assert result.returncode == 2 and "introuvable" in json.loads(result.stdout)["erreur"]


def test_messy_sample_gives_the_figures_of_its_clean_twin(samples_dir):
    messy = run("summary", str(samples_dir / "gen-exemple-2016-12-15-export-tableur.csv"), "--json")
    clean = run("summary", str(samples_dir / "propre" / "gen-exemple-2016-12-15.csv"), "--json")
    assert messy.returncode == clean.returncode == 0
    assert json.loads(messy.stdout) == json.loads(clean.stdout)
    report = json.loads(run("validate", str(samples_dir / "gen-exemple-2016-12-15-export-tableur.csv"), "--json").stdout)
    kinds = {p["message"].split(" :")[0] for p in report["problemes"]}
    assert {"Zéro initial rétabli (perdu par le tableur)", "Le département 20 n'existe plus",
            "Latitude et longitude inversées"} <= kinds
    assert all(p["gravite"] == "avertissement" for p in report["problemes"])


def test_summary_of_a_list_says_null_never_zero(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("identifiant;intitule;Structure;vague;insee_com\nA;Dév web;Simplon;1;93048\nB;Data;Simplon;2;75112\n",
                    encoding="utf-8")
    result = run("summary", str(path), "--json")
    assert result.returncode == 0, result.stdout
    out = json.loads(result.stdout)
    assert out["liste_seule"] is True and (out["formations"], out["fabriques"]) == (2, 2)
    assert [out[k] for k in ("apprenants", "apprenants_femmes", "apprenants_neet", "part_femmes", "part_neet")] == [None] * 5
    assert out["par_vague"]["1"] == {"fabriques": 1, "formations": 1, "apprenants": None}
    assert out["quotas"]["part_femmes"] == {"quota": 0.3, "ecart_points": None}
    text = run("summary", str(path)).stdout
    assert "Apprenants : non renseigné" in text and " 0 apprenants" not in text


@pytest.fixture
def own_names(tmp_path):
    path = tmp_path / "noms-propres.csv"
    path.write_text("id_fs;lib_fs;Structure;insee_com;effectif;femmes;neet\nA;Dév web;Simplon;93048;10;3;5\n"
                    "B;Data;Simplon;75112;20;8;12\n", encoding="utf-8")
    return path


def test_column_mapping_on_the_command_line(own_names):
    refused = run("validate", str(own_names), "--json")
    assert refused.returncode == 2 and "id_formation" in json.loads(refused.stdout)["erreur"]
    result = run("summary", str(own_names), "--json", "--colonne", "id_formation=id_fs", "--colonne", "nom_formation=lib_fs",
                 "--valeur", "vague=2")
    assert result.returncode == 0, result.stdout
    out = json.loads(result.stdout)
    assert (out["formations"], out["apprenants"], list(out["par_vague"])) == (2, 30, ["2"])
    report = json.loads(run("validate", str(own_names), "--json", "--colonne", "id_formation=id_fs", "--colonne",
                            "nom_formation=lib_fs", "--valeur", "vague=2").stdout)
    messages = [p["message"] for p in report["problemes"]]
    assert "Colonne « id_fs » lue comme id_formation (« Identifiant de la formation ») : correspondance donnée." in messages


@pytest.mark.parametrize("flags, message", [
    (["--colonne", "identifiant=id_fs"], "« identifiant » n'est pas une colonne du contrat"),
    (["--colonne", "id_formation=n_existe_pas"], "le fichier n'a pas de colonne « n_existe_pas »"),
    (["--colonne", "id_formation=id_fs", "--colonne", "nom_formation=lib_fs", "--valeur", "vague=deux"],
     "Valeur donnée pour vague : « deux » n'est pas un nombre entier."),
])
def test_a_bad_mapping_is_a_french_error(own_names, flags, message):
    result = run("validate", str(own_names), "--json", *flags)
    assert result.returncode == 2 and message in json.loads(result.stdout)["erreur"]


def test_summary_gives_the_reported_indicators_when_the_file_has_them(tmp_path):
    from tests.conftest import make_csv, row

    path = tmp_path / "indicateurs.csv"
    path.write_bytes(make_csv([row(apprenants_qpv="4", sorties_positives="15", gratuite="oui"),
                               row(id_formation="F2", apprenants="10", apprenants_femmes="5", apprenants_neet="5",
                                   apprenants_qpv="1", sorties_positives="5", gratuite="non")]))
    out = json.loads(run("summary", str(path), "--json").stdout)
    assert (out["apprenants_qpv"], out["sorties_positives"]) == (5, 20)
    assert out["part_qpv"] == pytest.approx(5 / 30) and out["part_sorties_positives"] == pytest.approx(20 / 30)
    assert out["part_gratuites"] == 0.5
    path.write_bytes(make_csv([row()]))
    assert not {"apprenants_qpv", "part_qpv", "part_gratuites"} & set(json.loads(run("summary", str(path), "--json").stdout))
