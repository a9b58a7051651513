"""Benchmark group « api »: the read-only API (issue « Open data out »).

On a store holding one synthetic snapshot of *size* rows: ``/api/chiffres`` after its first call (the figures shared
between requests), the whole ``/api/instantanes/{id}.csv`` streamed, and the server's memory peak while it writes that CSV
(Python's allocator, against the whole CSV's size: the floor a writer holding the file would pay); then 200 GETs at
once on two real servers (``asgi.py``), every answer a 200.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import tempfile
import time
import tracemalloc
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import ROOT, Result, median_time, synthetic_file
from tests.support import start_server
from tests.support.deploy import StackRefused, local_stack


def api_measures(repeat: int, size: int = 100_000) -> list[Result]:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from gen_dash import export, open_data, store
    from ui.routes import MIDDLEWARE, ROUTES

    label = f"{size:,}".replace(",", " ")
    out = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/api.sqlite3"
        path = synthetic_file(size)
        published = store.publish(store.engine(url), path.read_bytes(), path.name, by="benchmark")
        os.environ["GEN_DASH_DATABASE_URL"] = url
        try:
            client = TestClient(Starlette(routes=ROUTES, middleware=MIDDLEWARE))
            figures = f"/api/chiffres?instantane={published.id}&region=76"
            # the first call reads the snapshot and computes
            assert client.get(figures).status_code == 200
            # the server's time, as its Server-Timing header says it (the test client's thread hops left out)
            times = sorted(
                float(client.get(figures).headers["server-timing"].split("dur=")[1]) / 1000
                for _ in range(max(repeat, 5))
            )
            out.append(
                Result(
                    "/api/chiffres d'une région, après le premier appel (temps serveur)",
                    label,
                    round(times[len(times) // 2], 4),
                    "s",
                    None,
                    "< 0,03 s",
                )
            )
            rows = f"/api/instantanes/{published.id}.csv"
            out.append(
                Result(
                    "/api/instantanes/{id}.csv, tout l'instantané",
                    label,
                    median_time(lambda: client.get(rows), repeat),
                    "s",
                    None,
                    "< 1 s",
                )
            )
            # What the server allocates while it sends the CSV (the rows already read): a piece at a time, never
            # the whole file beside the rows. The client's copy is left out: the chunks are consumed as sent.
            snapshot = open_data.published_snapshot(url, published.id)
            france = open_data.territory()
            tracemalloc.start()
            sent = sum(
                len(chunk) for chunk in export.csv_chunks(open_data.rows_of(snapshot, france))
            )
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            out.append(
                Result(
                    "export CSV en flux : pic de mémoire Python du serveur (plancher : le CSV entier)",
                    label,
                    round(peak / 1e6, 1),
                    "Mo",
                    round(sent / 1e6, 1),
                    "< 1/4 du CSV entier",
                    peak < sent / 4,
                )
            )
        finally:
            os.environ.pop("GEN_DASH_DATABASE_URL", None)
    for line in out[:2]:
        line.tenue = line.valeur < (0.03 if "chiffres" in line.mesure else 1.0)
    # the end-to-end test runs the 1,000 size
    out.append(concurrent_gets(200 if size >= 10_000 else 20))
    return out


def concurrent_gets(count: int) -> Result:
    """*count* GETs of the API at once on two servers: through nginx (deploy/local.sh, on this machine's PostgreSQL)
    when nginx is installed, else on the two servers directly; how long until the last answer, and whether every one
    was a 200."""
    paths = [
        "api/instantanes",
        "api/chiffres",
        "api/chiffres?region=76",
        "api/instantanes/dernier.json",
        "flux.atom",
        "sante",
    ]
    with servers_behind_nginx() as reached:
        bases, how = reached.bases, reached.how
        urls = [f"{bases[i % len(bases)]}{paths[i % len(paths)]}" for i in range(count)]

        def get(target: str) -> int:
            with urllib.request.urlopen(target, timeout=120) as response:
                response.read()
                return response.status

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
            statuses = list(pool.map(get, urls))
        elapsed = time.perf_counter() - start
    ok = statuses.count(200)
    return Result(
        f"{count} GET simultanés sur deux serveurs, {how} ({ok} réponses 200)",
        str(count),
        round(elapsed, 2),
        "s",
        None,
        "toutes en 200",
        ok == count,
    )


@dataclass(frozen=True)
class Reached:
    """Servers as a benchmark reaches them."""

    bases: list[str]  # the public base URLs (one, nginx's; without nginx, each server's)
    how: str  # « par nginx » or « sans nginx »
    pids: list[int]  # their Streamlit processes
    access_log: Path | None  # nginx's, where it logs each answer and WebSocket


@contextlib.contextmanager
def servers_behind_nginx(count: int = 2, script: Path | None = None):
    """*count* servers (of the bundled samples, or of the Streamlit *script*) behind nginx as in production
    (``deploy/local.sh``), as :class:`Reached`; without nginx (or when it does not start), the servers alone."""
    with tempfile.TemporaryDirectory() as folder:
        if shutil.which("nginx") and (
            os.environ.get("GEN_DASH_TEST_POSTGRES_URL") or os.geteuid() == 0
        ):
            try:
                with local_stack(
                    Path(folder), count, os.environ.get("GEN_DASH_TEST_POSTGRES_URL"), script
                ) as stack:
                    yield Reached([stack.base], "par nginx", stack.pids(), stack.access_log)
                    return
            except StackRefused:
                pass
        servers = [
            start_server({"GEN_DASH_VAR_DIR": folder}, script or ROOT / "asgi.py")
            for _ in range(count)
        ]
        try:
            yield Reached(
                [f"{base}/" for _, base in servers],
                "sans nginx",
                [process.pid for process, _ in servers],
                None,
            )
        finally:
            for process, _ in servers:
                process.terminate()
                process.wait(timeout=30)
