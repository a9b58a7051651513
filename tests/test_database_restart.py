"""PostgreSQL restarted under a running dashboard, on a real PostgreSQL cluster of the test's own (Debian's
``pg_createcluster``: stopping it stops no other test's database) and in Chromium: the pages keep what they showed,
the sidebar says the history is momentarily unavailable, a publication in flight is complete or refused in French,
never half-written, and publishing comes back within 30 s of the database's return.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest
import sqlalchemy as sa

from gen_dash import store, store_schema
from tests.conftest import (
    ARTIFACTS,
    IN_CHROMIUM,
    ROOT,
    make_csv,
    metric_of,
    open_page,
    row,
    script_finished,
)
from tests.support import free_ports, start_server

pytestmark = [
    *IN_CHROMIUM,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not shutil.which("pg_createcluster"),
        reason="PostgreSQL absent : `apt-get install postgresql`",
    ),
    pytest.mark.skipif(
        os.geteuid() != 0, reason="créer un cluster PostgreSQL demande root (la CI l'est)"
    ),
]


class Cluster:
    """A PostgreSQL cluster of this test only, with the role and database of a deployment."""

    def __init__(self):
        self.version = sorted(
            os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".")]
        )[-1]
        self.port = free_ports()[0]
        self.name = f"gen_panne_{self.port}"
        self.url = f"postgresql+psycopg://gen:gen@127.0.0.1:{self.port}/gen_panne"
        subprocess.run(
            ["pg_createcluster", self.version, self.name, "-p", str(self.port)],
            check=True,
            capture_output=True,
        )
        self.start()
        for sql in ("CREATE ROLE gen LOGIN PASSWORD 'gen'", "CREATE DATABASE gen_panne OWNER gen"):
            subprocess.run(
                ["su", "postgres", "-c", f'psql -q -p {self.port} -c "{sql}"'],
                check=True,
                cwd="/",
                capture_output=True,
            )

    def start(self) -> float:
        """Start it; the moment it answers."""
        subprocess.run(
            ["pg_ctlcluster", self.version, self.name, "start"], check=True, capture_output=True
        )
        while subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        ).returncode:
            time.sleep(0.2)
        return time.monotonic()

    def stop(self) -> None:
        """Stop it as a restart does (« fast »: every open connection is cut, transactions in flight rolled back)."""
        subprocess.run(
            ["pg_ctlcluster", self.version, self.name, "stop", "-m", "fast"],
            check=True,
            capture_output=True,
        )

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True)


# A publication that holds its transaction open (its rows written, not committed) until told to go on.
_IN_FLIGHT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from gen_dash import store
    real = store.insert_rows
    def held(conn, snapshot_id, rows):
        real(conn, snapshot_id, rows)
        Path(sys.argv[2]).write_text("dedans")
        while not Path(sys.argv[3]).exists():
            time.sleep(0.1)
    store.insert_rows = held
    try:
        store.publish(store.engine(sys.argv[1]), Path(sys.argv[4]).read_bytes(), "envol-2018-06-30.csv", by="Camille")
    except store.StoreError as exc:
        print(exc)
        sys.exit(1)
    print("publié")
""")


def _sidebar(tab) -> str:
    return tab.locator('[data-testid="stSidebar"]').inner_text()


def test_a_database_restart_keeps_the_pages_and_loses_no_publication(browser, tmp_path):
    cluster = Cluster()
    server = None
    try:
        ours = make_csv([row(id_formation="P1"), row(id_formation="P2", code_commune="31555")])
        first = store.publish(
            store.engine(cluster.url), ours, "propre-2018-03-31.csv", by="Camille"
        )
        store.engine(cluster.url).dispose()
        server, base = start_server(
            {"GEN_DASH_DATABASE_URL": cluster.url, "GEN_DASH_VAR_DIR": str(tmp_path)}
        )
        context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        open_page(tab, base, "")
        script_finished(tab)
        # our snapshot: two rows of 20 learners (the samples have 9 582)
        assert metric_of(tab, "Apprenants") == "40"

        # A publication is in flight (its rows written, not committed) when PostgreSQL restarts.
        inside, go_on, data = tmp_path / "dedans", tmp_path / "continuer", tmp_path / "envol.csv"
        data.write_bytes(make_csv([row(id_formation=f"E{i}") for i in range(50)]))
        flight = subprocess.Popen(
            [sys.executable, "-c", _IN_FLIGHT, cluster.url, str(inside), str(go_on), str(data)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not inside.exists():
            assert flight.poll() is None and time.monotonic() < deadline, flight.communicate()
            time.sleep(0.1)
        cluster.stop()
        go_on.write_text("")
        said, errors = flight.communicate(timeout=120)
        assert flight.returncode == 1, (said, errors)
        # refused in French, no traceback
        assert "base de données" in said and "Traceback" not in errors

        # While it is down: the open tab moves to another page and back, a new visitor opens the overview.
        tab.get_by_role("link", name="Vagues et objectifs").first.click()
        tab.get_by_role("heading", name="Vagues et objectifs").wait_for()
        tab.get_by_role("link", name="Vue d'ensemble").first.click()
        tab.get_by_role("heading", name="Vue d'ensemble").wait_for()
        script_finished(tab)
        newcomer = context.new_page()
        open_page(newcomer, base, "")
        script_finished(newcomer)
        for shown in (tab, newcomer):
            assert metric_of(shown, "Apprenants") == "40", (
                "the figures of the snapshot shown, not the samples'"
            )
            assert "momentanément indisponible" in _sidebar(shown)
            assert "Publier (éditeurs)" not in _sidebar(shown)  # publishing waits for the database
            text = shown.locator("body").inner_text()
            assert (
                "Connection error" not in text and "Traceback" not in text and "Error" not in text
            )
        newcomer.screenshot(path=str(ARTIFACTS / "base-redemarree-pendant.png"), full_page=True)

        back = cluster.start()
        while True:  # a visitor coming back now and then, as users do
            open_page(newcomer, base, "")
            script_finished(newcomer)
            if "Publier (éditeurs)" in _sidebar(newcomer) and "indisponible" not in _sidebar(
                newcomer
            ):
                break
            assert time.monotonic() - back < 30, (
                "publication still suspended 30 s after the database came back"
            )
            time.sleep(1)
        assert metric_of(newcomer, "Apprenants") == "40"

        # Never half-written: the store holds our snapshot whole, and nothing of the one refused.
        eng = store.engine(cluster.url)
        with eng.connect() as conn:
            for table in (store_schema.snapshots, store_schema.rows):
                ids = (
                    conn.execute(
                        sa.select(
                            table.c.id if table is store_schema.snapshots else table.c.snapshot_id
                        )
                    )
                    .scalars()
                    .all()
                )
                assert ids == [first.id], table.name
            assert set(conn.execute(sa.select(store_schema.counts.c.snapshot_id)).scalars()) == {
                first.id
            }
        # published now
        again = store.publish(eng, data.read_bytes(), "envol-2018-06-30.csv", by="Camille")
        assert again.rows == 50
        eng.dispose()
        context.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        cluster.drop()
