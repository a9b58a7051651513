"""gen_dash.cli_store: the store's commands on a store of their own (publish, history, withdraw, export, diff) and
the fiche: JSON, files written, exit codes."""

from __future__ import annotations

import json

import geopandas as gpd
import openpyxl
import pytest

from tests.conftest import ROOT, make_csv, row
from tests.support.cli import run_cli

MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"
LATEST = ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv"


@pytest.fixture
def cli(tmp_path):
    env = {"GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def run(*args: str, expect: int = 0) -> dict | list:
        result = run_cli(*args, "--json", env=env)
        assert result.returncode == expect, (result.stdout, result.stderr)
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


def test_export_gives_back_the_file_as_published(tmp_path):
    sent = tmp_path / "envoye-2016-02-01.csv"
    sent.write_bytes(make_csv([row(id_formation="TEL-QUEL")], sep=";", encoding="cp1252"))
    # never the session's shared store
    own = {"GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'propre.sqlite3'}"}
    published = json.loads(
        run_cli("publish", str(sent), "--json", "--label", "Tel quel", env=own).stdout
    )
    target = tmp_path / "retour.csv"
    result = run_cli(
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
    result = run_cli("fiche", str(path), "--region", "76", "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["territoire"] == "Occitanie"
    reader = PdfReader(out)
    assert (
        len(reader.pages) == 1
        and "Grande école du numérique — Occitanie" in reader.pages[0].extract_text()
    )
    bad = run_cli("fiche", str(path), "--region", "99", "--output", str(out))
    assert bad.returncode == 64 and "région « 99 » inconnue" in bad.stdout + bad.stderr
    both = run_cli(
        "fiche", str(path), "--region", "76", "--departements", "31", "--output", str(out)
    )
    assert both.returncode == 64 and "ne va pas avec" in both.stdout + both.stderr
    outside = run_cli("fiche", str(path), "--departements", "31,75", "--output", str(out), "--json")
    assert outside.returncode == 64 and "75" in json.loads(outside.stdout)["erreur"]
    missing = run_cli("fiche", str(tmp_path / "absent.csv"), "--output", str(out))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_fiche_of_every_region_writes_nineteen_files(tmp_path):
    from tests.conftest import hand_csv

    path = tmp_path / "a-la-main.csv"
    path.write_bytes(hand_csv())
    folder = tmp_path / "fiches"
    result = run_cli("fiche", str(path), "--toutes-regions", "--output", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in folder.glob("*.pdf"))
    assert len(written) == 19 and json.loads(result.stdout)["fichiers"]
    assert "fiche-france-france-entiere.pdf" in written and "fiche-76-occitanie.pdf" in written
    assert "fiche-93-provence-alpes-cote-d-azur.pdf" in written


def test_fiche_of_a_published_snapshot_by_its_number(tmp_path):
    from tests.conftest import hand_csv

    # never the session's shared store
    own = {"GEN_DASH_DATABASE_URL": f"sqlite:///{tmp_path / 'fiche.sqlite3'}"}
    path = tmp_path / "a-la-main-2017-06-30.csv"
    path.write_bytes(hand_csv())
    published = json.loads(
        run_cli("publish", str(path), "--label", "À la main", "--json", env=own).stdout
    )
    out = tmp_path / "fiche.pdf"
    result = run_cli("fiche", str(published["id"]), "--region", "76", "-o", str(out), env=own)
    assert result.returncode == 0, result.stdout + result.stderr
    from pypdf import PdfReader

    text = PdfReader(out).pages[0].extract_text()
    assert "À la main" in text and published["sha256"][:16] in text.replace("\n", "")
    assert run_cli("fiche", "999", "--region", "76", "-o", str(out), env=own).returncode == 4
