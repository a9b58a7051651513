"""The history's backup and restore, with the commands of docs/deploiement.md, on a real PostgreSQL server: the
restored store lists the same snapshots, gives back the same bytes (same SHA-256) and rows, and goes on publishing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from pandas.testing import assert_frame_equal

from gen_dash import store, store_schema
from gen_dash.sample_files import bundled_samples
from tests.conftest import ROOT, make_csv, row

POSTGRES = os.environ.get("GEN_DASH_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES, reason="GEN_DASH_TEST_POSTGRES_URL absent (.ci/run le règle)"),
    pytest.mark.skipif(
        not shutil.which("pg_dump"), reason="pg_dump absent (paquet postgresql-client)"
    ),
]
DOC = (ROOT / "docs" / "deploiement.md").read_text(encoding="utf-8")


def _database(name: str) -> str:
    """A new, empty database *name* beside the worker's; its SQLAlchemy URL."""
    base = sa.engine.make_url(POSTGRES)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _without_driver(url: str) -> str:
    # What docs/deploiement.md says: pg_dump's URL is GEN_DASH_DATABASE_URL without « +psycopg ».
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_history_restored_from_a_dump_is_the_same_and_goes_on(tmp_path):
    worker = sa.engine.make_url(POSTGRES).database
    source_url, target_url = _database(f"{worker}_source"), _database(f"{worker}_restauree")
    source = store.engine(source_url)
    store.load_samples_once(source, bundled_samples())
    own = store.publish(
        source,
        make_csv([row(id_formation="S1"), row(id_formation="S2", code_commune="31555")]),
        "propre-2018-03-31.csv",
        by="Camille",
    )
    store.withdraw(source, own.id, by="Camille")
    store.record_login(source, "192.0.2.7", False)

    dump = tmp_path / "gen-dash.dump"
    # the doc's own commands, as an administrator runs them
    assert "\npg_dump --format=custom --file=" in DOC
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", _without_driver(source_url)],
        check=True,
        capture_output=True,
    )
    assert "\npg_restore --clean --if-exists --dbname=" in DOC
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            f"--dbname={_without_driver(target_url)}",
            str(dump),
        ],
        check=True,
        capture_output=True,
    )

    target = store.engine(target_url)
    before, after = (store.history(e, include_withdrawn=True) for e in (source, target))
    assert_frame_equal(after, before)
    assert len(after) == len(bundled_samples()) + 1 and after["retire_le"].notna().sum() == 1
    assert_frame_equal(store.journal(target), store.journal(source))
    for number, digest in zip(after["id"], after["sha256"], strict=True):
        data, name = store.load_file(target, int(number))
        assert hashlib.sha256(data).hexdigest() == digest  # the same bytes as published
        assert_frame_equal(
            store.load_snapshot(target, int(number)).rows,
            store.load_snapshot(source, int(number)).rows,
        )
    # the editors' failed logins travel too (a suspended address stays suspended)
    with target.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(store_schema.logins)).scalar() == 1
        )

    # The restored store goes on: its numbering follows the restored snapshots, nothing is overwritten.
    later = store.publish(
        target, make_csv([row(id_formation="T1")]), "apres-2018-06-30.csv", by="Dominique"
    )
    assert later.id == int(after["id"].max()) + 1
    assert len(store.history(target, include_withdrawn=True)) == len(after) + 1
    for url in (source_url, target_url):
        store.engine(url).dispose()
