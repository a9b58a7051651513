"""gen_dash.cli: hostile command lines: numbers no snapshot has, mis-written commands, folders and stores out of
reach: an exit status and a French sentence each, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.support.cli import run_cli


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
    result = run_cli(*args, "--json")
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
        result = run_cli(*args, *extra)
        assert result.returncode == 64
        assert "Traceback" not in result.stderr and "usage:" not in result.stdout + result.stderr
        said = (
            json.loads(result.stdout)["erreur"]
            if extra
            else result.stdout.strip().removeprefix("Commande mal écrite : ")
        )
        assert message in said and said.endswith("(python -m gen_dash --help pour l'aide)")


def test_help_is_french():
    result = run_cli("export", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Utilisation : python -m gen_dash export")
    assert (
        "afficher cette aide et quitter" in result.stdout and "show this help" not in result.stdout
    )


def test_writing_where_no_folder_is_exits_2(good, tmp_path):
    # never the session's shared store
    own = {"GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'propre.sqlite3'}"}
    assert run_cli("publish", str(good), "--json", env=own).returncode == 0
    result = run_cli("export", "1", "--output", "/nonexistent/dossier/x.csv", "--json", env=own)
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
    result = run_cli("history", "--json", env={"GEN_DASH_DATABASE_URL": url})
    assert result.returncode == 2
    assert (
        _error(result)
        == message
        + " Vérifiez GEN_DASH_DATABASE_URL et l'état du serveur (voir le README, Déploiement)."
    )


def test_a_read_only_store_reads_but_refuses_to_write(tmp_path, good):
    path = tmp_path / "lecture.sqlite3"
    # created, up to date
    assert run_cli("history", env={"GEN_DASH_DATABASE_URL": f"sqlite:///{path}"}).returncode == 0
    # Opened read-only by SQLite itself (file rights would not stop root, who runs CI).
    read_only = {"GEN_DASH_DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
    assert run_cli("history", "--json", env=read_only).returncode == 0
    result = run_cli("publish", str(good), "--json", env=read_only)
    assert result.returncode == 2 and _error(result).startswith(
        "La base de données est en lecture seule"
    )
