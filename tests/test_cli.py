"""gen_dash.cli: validate and summary: their JSON, their French text and their exit status (in this process; one
run as a process of its own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_csv, row
from tests.support.cli import run_cli, run_cli_process


@pytest.fixture
def broken(tmp_path) -> Path:
    path = tmp_path / "casse.csv"
    path.write_bytes(
        make_csv([row(), row(id_formation="F2", apprenants_femmes="31")]).replace(
            b"apprenants_femmes", b"Dont femmes"
        )
    )
    return path


def test_validate_json_good_file_exits_0(good):
    result = run_cli("validate", str(good), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["lignes"], out["lignes_acceptees"], out["lignes_rejetees"]) == (2, 2, 0)
    assert out["problemes"][0]["gravite"] == "avertissement" and out["problemes"][0]["ligne"] == 3


def test_validate_json_rejected_row_exits_1(broken):
    result = run_cli("validate", str(broken), "--json")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["lignes_rejetees"] == 1
    assert out["problemes"] == [
        {
            "gravite": "erreur",
            "ligne": 3,
            "colonne": "Dont femmes",
            "valeur": "31",
            "code": "effectif-superieur-aux-apprenants",
            "message": out["problemes"][0]["message"],
        }
    ]
    assert "apprenants" in out["problemes"][0]["message"]


def test_validate_text_tells_line_and_column_in_french(broken):
    result = run_cli("validate", str(broken))
    assert result.returncode == 1
    assert "ligne 3, colonne « Dont femmes »" in result.stdout and "rejetées : 1" in result.stdout
    assert result.stderr == ""


def test_summary_json(good):
    result = run_cli("summary", str(good), "--json")
    assert result.returncode == 0
    out = json.loads(result.stdout)
    assert list(out) == [
        "formations",
        "fabriques",
        "apprenants",
        "apprenants_femmes",
        "apprenants_neet",
        "part_femmes",
        "part_neet",
        "departements_couverts",
        "lignes_rejetees",
        "par_departement",
        "par_vague",
        "par_metier",
        "quotas",
        "liste_seule",
        "hors_epci",
    ]
    assert out["liste_seule"] is False
    # 12 women of 40: at the quota
    assert out["quotas"]["part_femmes"] == {
        "quota": 0.3,
        "ecart_points": 0.0,
    }
    assert out["formations"] == 2 and out["fabriques"] == 2 and out["apprenants"] == 40
    assert out["part_femmes"] == pytest.approx(12 / 40)
    assert out["par_departement"] == {
        "01": {"fabriques": 1, "formations": 1, "apprenants": 20},
        "93": {"fabriques": 1, "formations": 1, "apprenants": 20},
    }
    assert out["par_vague"] == {
        "1": {"fabriques": 1, "formations": 1, "apprenants": 20},
        "2": {"fabriques": 1, "formations": 1, "apprenants": 20},
    }


def test_summary_json_par_metier_and_boursiers_by_hand(tmp_path):
    from tests.conftest import hand_csv

    path = tmp_path / "a-la-main.csv"
    # F6 does not say: 20 of 100 learners
    boursiers = {
        "F1": "4",
        "F2": "1",
        "F3": "0",
        "F4": "10",
        "F5": "5",
        "F6": "",
    }
    lines = hand_csv().decode("utf-8").splitlines()
    path.write_text(
        "\n".join(
            [lines[0] + ",apprenants_boursiers"]
            + [line + "," + boursiers[line.split(",")[0]] for line in lines[1:]]
        )
        + "\n",
        encoding="utf-8",
    )
    out = json.loads(run_cli("summary", str(path), "--json").stdout)
    # a share among the formations that give the count
    assert out["part_boursiers"] == pytest.approx(20 / 100)
    assert out["par_metier"] == {
        "Développement web et mobile": {
            "formations": 3,
            "fabriques": 3,
            "apprenants": 75,
            "part_femmes": pytest.approx(17 / 75),
            "part_neet": pytest.approx(44 / 75),
        },
        "Données (data)": {
            "formations": 1,
            "fabriques": 1,
            "apprenants": 30,
            "part_femmes": pytest.approx(0.4),
            "part_neet": pytest.approx(14 / 30),
        },
        "Médiation numérique": {
            "formations": 1,
            "fabriques": 1,
            "apprenants": 25,
            "part_femmes": pytest.approx(0.4),
            "part_neet": pytest.approx(0.48),
        },
        "Réseaux, systèmes et support": {
            "formations": 1,
            "fabriques": 1,
            "apprenants": 10,
            "part_femmes": pytest.approx(0.2),
            "part_neet": pytest.approx(0.6),
        },
    }
    text = run_cli("summary", str(path)).stdout
    assert (
        "  Réseaux, systèmes et support : 1 fabriques, 1 formations, 10 apprenants, femmes 20,0\u00a0%, jeunes NEET "
        "60,0\u00a0%" in text
    )


def test_summary_par_metier_has_null_shares_without_learners(tmp_path):
    path = tmp_path / "zero.csv"
    path.write_bytes(
        make_csv(
            [row(metier="Dév. web", apprenants="0", apprenants_femmes="0", apprenants_neet="0")]
        )
    )
    out = json.loads(run_cli("summary", str(path), "--json").stdout)
    assert out["par_metier"] == {
        "Développement web et mobile": {
            "formations": 1,
            "fabriques": 1,
            "apprenants": 0,
            "part_femmes": None,
            "part_neet": None,
        }
    }


def test_summary_text_is_french(good):
    result = run_cli("summary", str(good))
    assert "du 31 janvier 2017" in result.stdout and "Fabriques : 2" in result.stdout


@pytest.mark.parametrize("command", ["validate", "summary"])
@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01binary\x00" * 20, b"a;b\n1;2\n"],
    ids=["empty", "binary", "no required column"],
)
def test_unreadable_file_exits_2_without_traceback(tmp_path, command, content):
    path = tmp_path / "mauvais.csv"
    path.write_bytes(content)
    for extra in ([], ["--json"]):
        result = run_cli(command, str(path), *extra)
        assert result.returncode == 2
        assert "Traceback" not in result.stdout + result.stderr
        if extra:
            assert list(json.loads(result.stdout)) == ["erreur"]
        else:
            assert result.stdout.startswith("Erreur : ")


def test_missing_file_exits_2(tmp_path):
    result = run_cli("summary", str(tmp_path / "absent.csv"), "--json")
    assert result.returncode == 2 and "introuvable" in json.loads(result.stdout)["erreur"]


def test_messy_sample_gives_the_figures_of_its_clean_twin(samples_dir):
    messy = run_cli(
        "summary", str(samples_dir / "gen-exemple-2016-12-15-export-tableur.csv"), "--json"
    )
    clean = run_cli("summary", str(samples_dir / "propre" / "gen-exemple-2016-12-15.csv"), "--json")
    assert messy.returncode == clean.returncode == 0
    assert json.loads(messy.stdout) == json.loads(clean.stdout)
    report = json.loads(
        run_cli(
            "validate", str(samples_dir / "gen-exemple-2016-12-15-export-tableur.csv"), "--json"
        ).stdout
    )
    kinds = {p["message"].split(" :")[0] for p in report["problemes"]}
    assert {
        "Zéro initial rétabli (perdu par le tableur)",
        "Le département 20 n'existe plus",
        "Latitude et longitude inversées",
    } <= kinds
    assert all(p["gravite"] == "avertissement" for p in report["problemes"])


def test_summary_of_a_list_says_null_never_zero(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(
        "identifiant;intitule;Structure;vague;insee_com\nA;Dév web;Simplon;1;93048\nB;Data;Simplon;2;75112\n",
        encoding="utf-8",
    )
    result = run_cli("summary", str(path), "--json")
    assert result.returncode == 0, result.stdout
    out = json.loads(result.stdout)
    assert out["liste_seule"] is True and (out["formations"], out["fabriques"]) == (2, 2)
    assert [
        out[k]
        for k in ("apprenants", "apprenants_femmes", "apprenants_neet", "part_femmes", "part_neet")
    ] == [None] * 5
    assert out["par_vague"]["1"] == {"fabriques": 1, "formations": 1, "apprenants": None}
    assert out["quotas"]["part_femmes"] == {"quota": 0.3, "ecart_points": None}
    text = run_cli("summary", str(path)).stdout
    assert "Apprenants : non renseigné" in text and " 0 apprenants" not in text


@pytest.fixture
def own_names(tmp_path):
    path = tmp_path / "noms-propres.csv"
    path.write_text(
        "id_fs;lib_fs;Structure;insee_com;effectif;femmes;neet\nA;Dév web;Simplon;93048;10;3;5\n"
        "B;Data;Simplon;75112;20;8;12\n",
        encoding="utf-8",
    )
    return path


def test_column_mapping_on_the_command_line(own_names):
    refused = run_cli("validate", str(own_names), "--json")
    assert refused.returncode == 2 and "id_formation" in json.loads(refused.stdout)["erreur"]
    result = run_cli(
        "summary",
        str(own_names),
        "--json",
        "--colonne",
        "id_formation=id_fs",
        "--colonne",
        "nom_formation=lib_fs",
        "--valeur",
        "vague=2",
    )
    assert result.returncode == 0, result.stdout
    out = json.loads(result.stdout)
    assert (out["formations"], out["apprenants"], list(out["par_vague"])) == (2, 30, ["2"])
    report = json.loads(
        run_cli(
            "validate",
            str(own_names),
            "--json",
            "--colonne",
            "id_formation=id_fs",
            "--colonne",
            "nom_formation=lib_fs",
            "--valeur",
            "vague=2",
        ).stdout
    )
    messages = [p["message"] for p in report["problemes"]]
    assert (
        "Colonne « id_fs » lue comme id_formation (« Identifiant de la formation ») : correspondance donnée."
        in messages
    )


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--colonne", "identifiant=id_fs"], "« identifiant » n'est pas une colonne du contrat"),
        (
            ["--colonne", "id_formation=n_existe_pas"],
            "le fichier n'a pas de colonne « n_existe_pas »",
        ),
        (
            [
                "--colonne",
                "id_formation=id_fs",
                "--colonne",
                "nom_formation=lib_fs",
                "--valeur",
                "vague=deux",
            ],
            "Valeur donnée pour vague : « deux » n'est pas un nombre entier.",
        ),
    ],
)
def test_a_bad_mapping_is_a_french_error(own_names, flags, message):
    result = run_cli("validate", str(own_names), "--json", *flags)
    assert result.returncode == 2 and message in json.loads(result.stdout)["erreur"]


def test_summary_gives_the_reported_indicators_when_the_file_has_them(tmp_path):
    from tests.conftest import make_csv, row

    path = tmp_path / "indicateurs.csv"
    path.write_bytes(
        make_csv(
            [
                row(
                    apprenants_qpv="4",
                    sorties_positives="15",
                    gratuite="oui",
                    apprenants_boursiers="6",
                ),
                row(
                    id_formation="F2",
                    apprenants="10",
                    apprenants_femmes="5",
                    apprenants_neet="5",
                    apprenants_qpv="1",
                    sorties_positives="5",
                    gratuite="non",
                    apprenants_boursiers="3",
                ),
            ]
        )
    )
    out = json.loads(run_cli("summary", str(path), "--json").stdout)
    assert (out["apprenants_qpv"], out["sorties_positives"]) == (5, 20)
    assert out["part_qpv"] == pytest.approx(5 / 30) and out[
        "part_sorties_positives"
    ] == pytest.approx(20 / 30)
    assert out["part_gratuites"] == 0.5 and out["part_boursiers"] == pytest.approx(9 / 30)
    path.write_bytes(make_csv([row()]))
    given = set(json.loads(run_cli("summary", str(path), "--json").stdout))
    assert not {"apprenants_qpv", "part_qpv", "part_gratuites", "part_boursiers"} & given


def test_the_process_says_an_unreadable_file_in_french_without_traceback(tmp_path):
    """The one run of these commands as a process: what a user sees on standard error too."""
    path = tmp_path / "mauvais.csv"
    path.write_bytes(b"\x00\x01binary\x00" * 20)
    result = run_cli_process("validate", str(path))
    assert result.returncode == 2 and result.stdout.startswith("Erreur : ")
    assert "Traceback" not in result.stderr
