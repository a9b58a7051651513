"""Benchmark group « epci »: the national EPCI map, a « Ma commune » lookup, ``summary --par epci`` on a big file."""

from __future__ import annotations

import contextlib
import io
import tempfile

from benchmarks.harness import ROOT, Result, median_time, synthetic_file
from tests.support import new_install, start_server

SAMPLE = ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv"


def epci_measures(repeat: int, size: int = 100_000) -> list[Result]:
    """Bytes and Python time of the national EPCI map, the lookup of a commune after the first, and the whole
    ``summary --par epci --json`` of *size* rows in-process."""
    from gen_dash import assets, cli, commune, maps, metrics
    from gen_dash.ingest import read_snapshot
    from gen_dash.territory import Territory

    rows = read_snapshot(SAMPLE).rows
    france = Territory(None, (), "France entière", ())
    figures, fabriques = metrics.figures_by_territory(rows, "epci"), metrics.fabriques_of(rows)

    def build() -> str:
        return maps.epci_map(figures, fabriques, "fabriques", france).get_root().render()

    seconds = median_time(build, repeat)
    folder = assets.install_assets(ROOT / "static") / assets.GEOMETRY
    static = sum(
        (folder / name).stat().st_size for name in (assets.CONTOURS, "epci-france.geojson")
    )
    sent = len(build().encode()) + static

    def lookup():
        found = commune.find_commune("Lunel")
        return commune.near_commune(found.one, fabriques, rows, 30)

    looked_up = median_time(lookup, max(repeat, 20))
    path = synthetic_file(size)

    def summary():
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(["summary", str(path), "--par", "epci", "--json"])

    whole = median_time(summary, repeat)
    label = f"{size:,}".replace(",", " ")
    return server_cpu() + [
        Result(
            "carte nationale par EPCI : octets envoyés (1re visite)",
            "exemple fin 2017",
            sent,
            "o",
            None,
            "< 1,5 Mo",
            sent < 1.5e6,
        ),
        Result(
            "carte nationale par EPCI : construction Python",
            "exemple fin 2017",
            seconds,
            "s",
            None,
            "< 0,5 s",
            seconds < 0.5,
        ),
        Result(
            "Ma commune : recherche, 5 fabriques proches, formations à portée",
            "exemple fin 2017",
            looked_up,
            "s",
            None,
            "< 0,02 s",
            looked_up < 0.02,
        ),
        Result(
            "ligne de commande : summary --par epci (lecture comprise)",
            label,
            whole,
            "s",
            None,
            "< 1 s",
            whole < 1.0,
        ),
    ]


# Views a real server answers (through Streamlit's protocol, tests/support/protocol.py): name, page, query, target.
SERVER_VIEWS = [
    ("carte nationale par départements (repère)", "carte-des-fabriques", "", None),
    ("carte nationale par EPCI", "carte-des-fabriques", "maille=epci", 0.1),
    ("carte d'un EPCI", "carte-des-fabriques", "epci=243100518", 0.1),
    ("Ma commune, une recherche", "ma-commune", "commune=34145", 0.3),
]


def server_cpu() -> list[Result]:
    """Server CPU of a view another session has just made (the EPCI layer and its figures built once per snapshot
    and shared; a commune's neighbours likewise), and of the first one."""
    from tests.support import protocol as sessions

    out = []
    with tempfile.TemporaryDirectory() as folder:
        server, base = start_server(new_install(folder))
        try:
            for name, page, query, target in SERVER_VIEWS:
                first, again = sessions.cpu_per_view(base, server.pid, page, query)
                out.append(
                    Result(
                        f"CPU serveur par vue : {name} (déjà vue par une autre session)",
                        "exemple fin 2017",
                        again,
                        "s",
                        None,
                        f"< {target} s".replace(".", ",") if target else "",
                        again < target if target else None,
                    )
                )
                out.append(
                    Result(
                        f"CPU serveur par vue : {name} (1re vue)", "exemple fin 2017", first, "s"
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=60)
    return out
