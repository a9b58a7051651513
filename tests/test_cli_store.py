"""gen_dash.cli and gen_dash.store: the store's commands, run as a subprocess on a store of their own: JSON, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import geopandas as gpd
import openpyxl
import pytest

from tests.conftest import ROOT, make_csv, row

MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"
LATEST = ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv"


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def run(*args: str, expect: int = 0) -> dict | list:
        result = subprocess.run(
            [sys.executable, "-m", "gen_dash", *args, "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == expect, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return json.loads(result.stdout)

    return run


def test_publish_history_withdraw_export_diff(cli, tmp_path):
    first = cli("publish", str(MESSY), "--label", "Décembre 2016", "--by", "alice")
    assert (first["date"], first["libelle"], first["lignes_acceptees"]) == (
        "2016-12-15",
        "Décembre 2016",
        293,
    )
    second = cli("publish", str(LATEST), "--by", "bob")
    refused = cli("publish", str(MESSY), expect=3)
    assert f"instantané n° {first['id']}" in refused["erreur"]
    history = cli("history")
    assert [h["id"] for h in history] == [second["id"], first["id"]] and history[1][
        "publie_par"
    ] == "alice"

    changes = cli("diff", str(first["id"]), str(second["id"]))
    assert changes["ajoutée"] == 121 and changes["retirée"] == 4 and changes["modifiée"] > 0
    assert changes["chiffres"]["apprenants"] == {"avant": 4570, "apres": 9582, "ecart": 5012}

    for fmt in ("csv", "xlsx", "gpkg"):
        out = tmp_path / f"export.{fmt}"
        done = cli("export", str(second["id"]), "--format", fmt, "--output", str(out))
        assert done["lignes"] == 410 and out.stat().st_size > 0
    assert (tmp_path / "export.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert openpyxl.load_workbook(tmp_path / "export.xlsx").sheetnames == ["Formations", "Rapport"]
    layer = gpd.read_file(tmp_path / "export.gpkg")
    assert len(layer) == 410 and layer.crs.to_epsg() == 4326 and layer.geom_type.eq("Point").all()

    assert cli("withdraw", str(first["id"]), "--by", "carla") == {"id": first["id"], "retire": True}
    assert [h["id"] for h in cli("history")] == [second["id"]]
    assert {h["id"] for h in cli("history", "--all")} == {first["id"], second["id"]}
    assert "déjà retiré" in cli("withdraw", str(first["id"]), expect=3)["erreur"]
    assert "Aucun instantané n° 99" in cli("export", "99", expect=4)["erreur"]
    assert "Aucun instantané" in cli("diff", "1", "99", expect=4)["erreur"]


def test_publish_refusals(cli, tmp_path):
    undated = tmp_path / "sans-date.csv"
    undated.write_bytes(make_csv([row()]))
    assert "Date de l'instantané inconnue" in cli("publish", str(undated), expect=3)["erreur"]
    assert cli("publish", str(undated), "--date", "2017-05-01")["date"] == "2017-05-01"
    broken = tmp_path / "casse.csv"
    broken.write_bytes(b"\x00\x01\x02" * 50)
    assert "binaires" in cli("publish", str(broken), expect=2)["erreur"]
    assert "Impossible de lire" in cli("publish", str(tmp_path / "absent.csv"), expect=2)["erreur"]
