"""gen_dash.cli: the command line, run as users run it: a subprocess, its JSON and its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_csv, row


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gen_dash", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "bon-2017-01-31.csv"
    path.write_bytes(make_csv([row(), row(id_formation="F2", code_commune="1004", vague="2")]))
    return path


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
    result = run("validate", str(broken))
    assert result.returncode == 1
    assert "ligne 3, colonne « Dont femmes »" in result.stdout and "rejetées : 1" in result.stdout
    assert result.stderr == ""


def test_summary_json(good):
    result = run("summary", str(good), "--json")
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
    assert out["quotas"]["part_femmes"] == {
        "quota": 0.3,
        "ecart_points": 0.0,
    }  # 12 women of 40: at the quota
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
    boursiers = {
        "F1": "4",
        "F2": "1",
        "F3": "0",
        "F4": "10",
        "F5": "5",
        "F6": "",
    }  # F6 does not say: 20 of 100 learners
    lines = hand_csv().decode("utf-8").splitlines()
    path.write_text(
        "\n".join(
            [lines[0] + ",apprenants_boursiers"]
            + [line + "," + boursiers[line.split(",")[0]] for line in lines[1:]]
        )
        + "\n",
        encoding="utf-8",
    )
    out = json.loads(run("summary", str(path), "--json").stdout)
    assert out["part_boursiers"] == pytest.approx(
        20 / 100
    )  # a share among the formations that give the count
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
    text = run("summary", str(path)).stdout
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
    out = json.loads(run("summary", str(path), "--json").stdout)
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
    result = run("summary", str(good))
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
        result = run(command, str(path), *extra)
        assert result.returncode == 2
        assert "Traceback" not in result.stdout + result.stderr
        if extra:
            assert list(json.loads(result.stdout)) == ["erreur"]
        else:
            assert result.stdout.startswith("Erreur : ")


def test_missing_file_exits_2(tmp_path):
    result = run("summary", str(tmp_path / "absent.csv"), "--json")
    assert result.returncode == 2 and "introuvable" in json.loads(result.stdout)["erreur"]


def test_messy_sample_gives_the_figures_of_its_clean_twin(samples_dir):
    messy = run("summary", str(samples_dir / "gen-exemple-2016-12-15-export-tableur.csv"), "--json")
    clean = run("summary", str(samples_dir / "propre" / "gen-exemple-2016-12-15.csv"), "--json")
    assert messy.returncode == clean.returncode == 0
    assert json.loads(messy.stdout) == json.loads(clean.stdout)
    report = json.loads(
        run(
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
    result = run("summary", str(path), "--json")
    assert result.returncode == 0, result.stdout
    out = json.loads(result.stdout)
    assert out["liste_seule"] is True and (out["formations"], out["fabriques"]) == (2, 2)
    assert [
        out[k]
        for k in ("apprenants", "apprenants_femmes", "apprenants_neet", "part_femmes", "part_neet")
    ] == [None] * 5
    assert out["par_vague"]["1"] == {"fabriques": 1, "formations": 1, "apprenants": None}
    assert out["quotas"]["part_femmes"] == {"quota": 0.3, "ecart_points": None}
    text = run("summary", str(path)).stdout
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
    refused = run("validate", str(own_names), "--json")
    assert refused.returncode == 2 and "id_formation" in json.loads(refused.stdout)["erreur"]
    result = run(
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
        run(
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
    result = run("validate", str(own_names), "--json", *flags)
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
    out = json.loads(run("summary", str(path), "--json").stdout)
    assert (out["apprenants_qpv"], out["sorties_positives"]) == (5, 20)
    assert out["part_qpv"] == pytest.approx(5 / 30) and out[
        "part_sorties_positives"
    ] == pytest.approx(20 / 30)
    assert out["part_gratuites"] == 0.5 and out["part_boursiers"] == pytest.approx(9 / 30)
    path.write_bytes(make_csv([row()]))
    given = set(json.loads(run("summary", str(path), "--json").stdout))
    assert not {"apprenants_qpv", "part_qpv", "part_gratuites", "part_boursiers"} & given


# --------------------------------------------------------------------------- hostile command lines


def _error(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return json.loads(result.stdout)["erreur"]


@pytest.mark.parametrize(
    "args",
    [
        ["withdraw", "99999999999999999999999"],
        ["export", "2147483648"],
        ["diff", "1", "99999999999999999999999"],
        ["export", "0"],
        ["withdraw", "-3"],
    ],
)
def test_a_number_no_snapshot_has_exits_4_whatever_its_size(args):
    result = run(*args, "--json")
    assert result.returncode == 4
    assert _error(result).startswith("Aucun instantané n° ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate"], "il manque : FICHIER"),
        (
            ["export", "1", "--format", "pdf"],
            "--format : « pdf » n'est pas un choix possible ('csv', 'xlsx', 'gpkg', 'fichier')",
        ),
        (["export", "un"], "ID : « un » n'est pas un numéro d'instantané (un nombre entier)"),
        (
            ["coverage", "f.csv", "--radius", "nan"],
            "--radius : « nan » : le rayon est un nombre de kilomètres, plus de 0 et au plus 200",
        ),
        (
            ["coverage", "f.csv", "--radius", "inf"],
            "--radius : « inf » : le rayon est un nombre de kilomètres",
        ),
        (["coverage", "f.csv", "--radius", "0"], "--radius : « 0 » : le rayon"),
        (["coverage", "f.csv", "--radius", "201"], "--radius : « 201 » : le rayon"),
        (
            ["publish", "f.csv", "--date", "2017-13-01"],
            "--date : « 2017-13-01 » n'est pas une date AAAA-MM-JJ",
        ),
        (["history", "--bavard"], "argument(s) inconnu(s) : --bavard"),
        (["nettoyer"], "COMMANDE : « nettoyer » n'est pas un choix possible"),
    ],
)
def test_a_mis_written_command_is_french_and_exits_64(args, message):
    for extra in ([], ["--json"]):
        result = run(*args, *extra)
        assert result.returncode == 64
        assert "Traceback" not in result.stderr and "usage:" not in result.stdout + result.stderr
        said = (
            json.loads(result.stdout)["erreur"]
            if extra
            else result.stdout.strip().removeprefix("Commande mal écrite : ")
        )
        assert message in said and said.endswith("(python -m gen_dash --help pour l'aide)")


def test_help_is_french():
    result = run("export", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Utilisation : python -m gen_dash export")
    assert (
        "afficher cette aide et quitter" in result.stdout and "show this help" not in result.stdout
    )


def test_writing_where_no_folder_is_exits_2(good, tmp_path):
    own = {
        "GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'propre.sqlite3'}"
    }  # never the session's shared store
    assert run("publish", str(good), "--json", env=own).returncode == 0
    result = run("export", "1", "--output", "/nonexistent/dossier/x.csv", "--json", env=own)
    assert result.returncode == 2
    assert (
        _error(result)
        == "Impossible d'écrire /nonexistent/dossier/x.csv : fichier ou dossier introuvable."
    )


def test_a_closed_pipe_ends_quietly(samples_dir):
    sample = sorted(samples_dir.glob("*.csv"))[0]
    result = subprocess.run(
        f"{sys.executable} -m gen_dash validate {sample} --json | head -c 10",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(result.stdout) == 10 and result.stderr == ""


@pytest.mark.parametrize(
    "url, message",
    [
        (
            "sqlite:////nonexistent/dossier/gen.sqlite3",
            "Le fichier de la base SQLite ne peut pas être ouvert (dossier absent "
            "ou inaccessible).",
        ),
        (
            "postgresql+psycopg://gen:gen@127.0.0.1:9/gen",
            "Le serveur de base de données ne répond pas (connexion refusée).",
        ),
    ],
)
def test_a_store_out_of_reach_exits_2_in_french(url, message):
    result = run("history", "--json", env={"GEN_DASH_DATABASE_URL": url})
    assert result.returncode == 2
    assert (
        _error(result)
        == message
        + " Vérifiez GEN_DASH_DATABASE_URL et l'état du serveur (voir le README, Déploiement)."
    )


def test_a_read_only_store_reads_but_refuses_to_write(tmp_path, good):
    path = tmp_path / "lecture.sqlite3"
    assert (
        run("history", env={"GEN_DASH_DATABASE_URL": f"sqlite:///{path}"}).returncode == 0
    )  # created, up to date
    # Opened read-only by SQLite itself (file rights would not stop root, who runs CI).
    read_only = {"GEN_DASH_DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
    assert run("history", "--json", env=read_only).returncode == 0
    result = run("publish", str(good), "--json", env=read_only)
    assert result.returncode == 2 and _error(result).startswith(
        "La base de données est en lecture seule"
    )


def test_export_gives_back_the_file_as_published(tmp_path):
    sent = tmp_path / "envoye-2016-02-01.csv"
    sent.write_bytes(make_csv([row(id_formation="TEL-QUEL")], sep=";", encoding="cp1252"))
    own = {
        "GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'propre.sqlite3'}"
    }  # never the session's shared store
    published = json.loads(
        run("publish", str(sent), "--json", "--label", "Tel quel", env=own).stdout
    )
    target = tmp_path / "retour.csv"
    result = run(
        "export",
        str(published["id"]),
        "--format",
        "fichier",
        "--output",
        str(target),
        "--json",
        env=own,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["octets"] == len(sent.read_bytes())
    assert target.read_bytes() == sent.read_bytes()


def test_fiche_of_a_region_and_its_errors(tmp_path):
    from pypdf import PdfReader

    from tests.conftest import hand_csv

    path = tmp_path / "a-la-main.csv"
    path.write_bytes(hand_csv())
    out = tmp_path / "fiche.pdf"
    result = run("fiche", str(path), "--region", "76", "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["territoire"] == "Occitanie"
    reader = PdfReader(out)
    assert (
        len(reader.pages) == 1
        and "Grande école du numérique — Occitanie" in reader.pages[0].extract_text()
    )
    bad = run("fiche", str(path), "--region", "99", "--output", str(out))
    assert bad.returncode == 64 and "région « 99 » inconnue" in bad.stdout + bad.stderr
    both = run("fiche", str(path), "--region", "76", "--departements", "31", "--output", str(out))
    assert both.returncode == 64 and "ne va pas avec" in both.stdout + both.stderr
    outside = run("fiche", str(path), "--departements", "31,75", "--output", str(out), "--json")
    assert outside.returncode == 64 and "75" in json.loads(outside.stdout)["erreur"]
    missing = run("fiche", str(tmp_path / "absent.csv"), "--output", str(out))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_fiche_of_every_region_writes_nineteen_files(tmp_path):
    from tests.conftest import hand_csv

    path = tmp_path / "a-la-main.csv"
    path.write_bytes(hand_csv())
    folder = tmp_path / "fiches"
    result = run("fiche", str(path), "--toutes-regions", "--output", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in folder.glob("*.pdf"))
    assert len(written) == 19 and json.loads(result.stdout)["fichiers"]
    assert "fiche-france-france-entiere.pdf" in written and "fiche-76-occitanie.pdf" in written
    assert "fiche-93-provence-alpes-cote-d-azur.pdf" in written


def test_fiche_of_a_published_snapshot_by_its_number(tmp_path):
    from tests.conftest import hand_csv

    own = {
        "GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'fiche.sqlite3'}"
    }  # never the session's shared store
    path = tmp_path / "a-la-main-2017-06-30.csv"
    path.write_bytes(hand_csv())
    published = json.loads(
        run("publish", str(path), "--label", "À la main", "--json", env=own).stdout
    )
    out = tmp_path / "fiche.pdf"
    result = run("fiche", str(published["id"]), "--region", "76", "-o", str(out), env=own)
    assert result.returncode == 0, result.stdout + result.stderr
    from pypdf import PdfReader

    text = PdfReader(out).pages[0].extract_text()
    assert "À la main" in text and published["sha256"][:16] in text.replace("\n", "")
    assert run("fiche", "999", "--region", "76", "-o", str(out), env=own).returncode == 4
