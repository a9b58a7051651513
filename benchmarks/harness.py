"""The measures. Each returns rows of (measure, size, median seconds or bytes, floor, target, verdict)."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from tests.support import protocol as sessions
from tests.support import rss_mb as _rss_mb
from tests.support import start_server

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
RAW_CONTOURS = ROOT.parent / "shared" / "data" / "reference" / "departements.geojson"


@dataclass
class Result:
    """One line of the table."""

    mesure: str
    taille: str
    valeur: float
    unite: str
    plancher: float | None = None
    cible: str = ""
    tenue: bool | None = None

    def row(self) -> dict:
        return asdict(self)


def median_time(func, repeat: int, warm: bool = True) -> float:
    """Median wall-clock seconds of *repeat* calls (after one untimed call that fills caches; collected before each)."""
    return median_times([func], repeat, warm)[0]


def median_times(funcs: list, repeat: int, warm: bool = True) -> list[float]:
    """Median seconds of each of *funcs*, timed in alternation (see :func:`median_time`).

    On a shared machine speed drifts over seconds; alternating the calls puts every
    median in the same conditions, so a measure and its floor compare fairly.
    """
    if warm:
        for func in funcs:
            func()
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, out in zip(funcs, times, strict=False):
            gc.collect()
            start = time.perf_counter()
            func()
            out.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def synthetic_file(rows: int) -> Path:
    """A seeded synthetic snapshot of *rows* formations, generated once and cached on disk."""
    from gen_dash.sample import synthetic_snapshot

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"synthetique-{rows}-2017-12-31.csv"
    if not path.exists():
        synthetic_snapshot(rows).to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- reading and figures


def reading(sizes: list[int], repeat: int) -> list[Result]:
    from gen_dash.ingest import read_snapshot

    out = []
    for size in sizes:
        path = synthetic_file(size)
        floor, measured = median_times(
            [lambda: pd.read_csv(path), lambda: read_snapshot(path)], repeat
        )
        target = "< 2 s et ≤ 4 × plancher" if size >= 100_000 else ""
        ok = (measured < 2 and measured <= 4 * floor) if size >= 100_000 else None
        out.append(
            Result("read_snapshot", f"{size:,}".replace(",", " "), measured, "s", floor, target, ok)
        )
    return out


def figures(sizes: list[int], repeat: int) -> list[Result]:
    from gen_dash import metrics
    from gen_dash.ingest import read_snapshot

    out = []
    for size in sizes:
        rows = read_snapshot(synthetic_file(size)).rows

        def compute():
            metrics.summary_figures(rows)
            metrics.figures_by_territory(rows, "departement")
            metrics.figures_by_territory(rows, "region")

        measured = median_time(compute, repeat)
        target, ok = ("< 0,3 s", measured < 0.3) if size >= 100_000 else ("", None)
        out.append(
            Result(
                "chiffres (résumé, départements, régions)",
                f"{size:,}".replace(",", " "),
                measured,
                "s",
                None,
                target,
                ok,
            )
        )
    return out


# --------------------------------------------------------------------------- the map


def national_map(repeat: int, formations: int = 10_000) -> list[Result]:
    import folium

    from gen_dash import assets, maps, metrics
    from gen_dash.ingest import read_snapshot

    out = []
    floor_bytes = floor_time = None
    if RAW_CONTOURS.exists():

        def raw_map():
            m = folium.Map(tiles=None)
            folium.GeoJson(str(RAW_CONTOURS)).add_to(m)
            return m.get_root().render()

        floor_time = median_time(raw_map, repeat)
        floor_bytes = len(raw_map().encode())
    cases = [
        (
            "200 fabriques (exemple fin 2017)",
            ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv",
            1_000_000,
            None,
        ),
        (
            f"{formations:,} formations".replace(",", " "),
            synthetic_file(formations),
            2_500_000,
            1.0,
        ),
    ]
    for label, path, max_bytes, max_seconds in cases:
        rows = read_snapshot(path).rows

        def build():
            return (
                maps.departement_map(metrics.figures_by_territory(rows), metrics.fabriques_of(rows))
                .get_root()
                .render()
            )

        seconds = median_time(build, repeat)
        page = len(build().encode())
        # First visit: the page, plus the static geometry the browser fetches once and then keeps in its cache.
        folder = assets.install_assets(ROOT / "static") / assets.GEOMETRY
        static = sum(
            (folder / name).stat().st_size for name in ("departements.geojson", "regions.geojson")
        )
        out.append(
            Result(
                "carte nationale : octets envoyés (1re visite)",
                label,
                page + static,
                "o",
                floor_bytes,
                f"< {max_bytes / 1e6:.1f} Mo".replace(".", ","),
                page + static < max_bytes,
            )
        )
        out.append(
            Result("carte nationale : octets envoyés (chaque rerun)", label, page, "o", floor_bytes)
        )
        out.append(
            Result(
                "carte nationale : construction Python",
                label,
                seconds,
                "s",
                floor_time,
                f"< {max_seconds:.0f} s" if max_seconds else "",
                seconds < max_seconds if max_seconds else None,
            )
        )
    return out


# --------------------------------------------------------------------------- pages (AppTest)


def _apptest(script: Path, env: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    os.environ.update(env)
    return AppTest.from_file(str(script), default_timeout=180)


PAGES = [
    "pages/overview.py",
    "pages/map.py",
    "pages/waves.py",
    "pages/evolution.py",
    "pages/compare.py",
    "pages/quotas.py",
    "pages/territories.py",
    "pages/coverage.py",
    "pages/data.py",
]


def page_reruns(repeat: int, with_10k: bool = True) -> list[Result]:
    from gen_dash import store

    out = []
    empty = _apptest(ROOT / "benchmarks" / "empty_app.py", {})
    empty.run()
    floor = median_time(empty.run, repeat)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        cases = [("exemple", None, 0.5)]
        if with_10k:
            path = synthetic_file(10_000)
            published = store.publish(
                store.engine(url), path.read_bytes(), path.name, by="benchmark"
            )
            cases.append(("10 000 formations", str(published.id), 1.0))
        for label, snapshot_id, limit in cases:
            at = _apptest(ROOT / "app.py", {"GEN_DASH_DATABASE_URL": url})
            if snapshot_id:
                at.query_params["instantane"] = snapshot_id
            at.run()
            for page in PAGES:
                at.switch_page(page).run()
                regions = iter(["53", "32", "11", "84"] * repeat)

                def change_filter():
                    at.sidebar.selectbox(key="territoire_region").select(next(regions)).run()

                seconds = median_time(change_filter, repeat)
                assert not at.exception, (page, at.exception)
                out.append(
                    Result(
                        f"page {Path(page).stem} : rerun après filtre",
                        label,
                        seconds,
                        "s",
                        floor,
                        f"< {limit:.1f} s".replace(".", ","),
                        seconds < limit,
                    )
                )
                at.sidebar.selectbox(key="territoire_region").select(None).run()
    return out


# --------------------------------------------------------------------------- server memory


def _serve_and_measure(script: Path, env: dict[str, str]) -> float:
    process, _ = start_server(
        env, script, ["-m", "streamlit"]
    )  # warm-up ran the script once: the snapshot is loaded
    try:
        time.sleep(1)
        return _rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)


def server_memory(size: int = 100_000) -> list[Result]:
    from gen_dash import store

    floor = _serve_and_measure(ROOT / "benchmarks" / "empty_app.py", {})
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/memoire.sqlite3"
        path = synthetic_file(size)
        store.publish(
            store.engine(url), path.read_bytes(), path.name, by="benchmark"
        )  # the newest: shown by default
        measured = _serve_and_measure(ROOT / "app.py", {"GEN_DASH_DATABASE_URL": url})
    return [
        Result(
            "mémoire du serveur (RSS), instantané chargé",
            f"{size:,}".replace(",", " "),
            measured,
            "Mo",
            floor,
            "< plancher + 600 Mo",
            measured - floor < 600,
        )
    ]


# --------------------------------------------------------------------------- coverage


def coverage_measures(repeat: int) -> list[Result]:
    import numpy as np

    from gen_dash import coverage, geo, metrics
    from gen_dash.ingest import read_snapshot

    communes = geo.communes_table()
    fabriques = metrics.fabriques_of(read_snapshot(synthetic_file(2_600)).rows).head(2_000)
    distances = median_time(lambda: coverage.nearest_fabrique(communes, fabriques), repeat)
    sample = metrics.fabriques_of(
        read_snapshot(ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv").rows
    )
    greedy = median_time(lambda: coverage.suggest_sites(communes, sample, 70, 30, 5000), repeat)
    out = [
        Result(
            "couverture : distances de 34 875 communes",
            f"{len(fabriques):,} fabriques".replace(",", " "),
            distances,
            "s",
            None,
            "< 0,5 s",
            distances < 0.5,
        ),
        Result(
            "couverture : 70 sites suggérés (communes > 5 000 hab.)",
            "exemple fin 2017",
            greedy,
            "s",
            None,
            "< 3 s",
            greedy < 3,
        ),
    ]
    # Quality: greedy against the exact optimum (scipy milp) on instances small enough to solve exactly.
    ratios = []
    for region, k in (("53", 5), ("28", 5), ("24", 5), ("27", 6), ("44", 6)):
        territory = communes[communes["code_region"] == region].reset_index(drop=True)
        instance = coverage.covering_instance(territory, sample, 20, min_population=3000)
        found = sum(g for _, g in coverage.greedy_cover(instance, k))
        _, optimum = coverage.exact_cover(instance, k, time_limit=120)
        ratios.append(found / optimum if optimum else 1.0)
    worst = float(np.min(ratios))
    out.append(
        Result(
            "couverture : glouton / optimum exact (pire cas)",
            "5 régions, R = 20 km, k = 5–6, communes > 3 000 hab.",
            worst,
            "ratio",
            1.0,
            "≥ 0,95",
            worst >= 0.95,
        )
    )
    return out


def coverage_page(repeat: int) -> list[Result]:
    at = _apptest(ROOT / "app.py", {})
    at.run()
    at.switch_page("pages/coverage.py").run()
    radii = iter([10, 50, 20, 40] * repeat)
    seconds = median_time(
        lambda: at.slider(key="couverture_rayon").set_value(next(radii)).run(), repeat
    )
    return [
        Result(
            "page couverture : rerun après changement de rayon",
            "exemple",
            seconds,
            "s",
            None,
            "< 1,5 s",
            seconds < 1.5,
        )
    ]


# --------------------------------------------------------------------------- store


def store_measures(
    size: int = 100_000, snapshots: int = 20, rows_each: int = 10_000
) -> list[Result]:
    from gen_dash import store
    from gen_dash.sample import synthetic_snapshot

    out = []
    data = synthetic_file(size).read_bytes()
    urls = {}
    with tempfile.TemporaryDirectory() as folder:
        urls["SQLite"] = f"sqlite:///{folder}/publication.sqlite3"
        if os.environ.get("GEN_DASH_TEST_POSTGRES_URL"):
            urls["PostgreSQL"] = os.environ["GEN_DASH_TEST_POSTGRES_URL"]
        for backend, url in urls.items():
            if backend == "PostgreSQL":
                from tests.conftest import drop_store

                drop_store(url)
            eng = store.engine(url)
            seconds = median_time(
                lambda: store.publish(eng, data, "cent-mille-2017-12-31.csv", by="benchmark"),
                1,
                warm=False,
            )
            out.append(
                Result(
                    f"publier un instantané ({backend})",
                    f"{size:,}".replace(",", " "),
                    seconds,
                    "s",
                    None,
                    "< 1,5 s",
                    seconds < 1.5,
                )
            )
        # The Évolution page with a long history: 20 snapshots of 10,000 rows.
        url = f"sqlite:///{folder}/historique.sqlite3"
        eng = store.engine(url)
        for i in range(snapshots):
            frame = synthetic_snapshot(rows_each, seed=100 + i).assign(
                date_extraction=f"2017-{(i % 12) + 1:02d}-{(i // 12) + 1:02d}"
            )
            store.publish(eng, frame.to_csv(index=False).encode(), f"lot-{i}.csv", by="benchmark")
        # A server has imported its modules before its first visitor (scripts/serve.py): a run on another store does
        # it here, and leaves this store's caches cold.
        _apptest(
            ROOT / "app.py", {"GEN_DASH_DATABASE_URL": f"sqlite:///{folder}/exemples.sqlite3"}
        ).run()
        at = _apptest(ROOT / "app.py", {"GEN_DASH_DATABASE_URL": url})
        # The first run reads the 20 snapshots' figures (the overview's pace needs them too) and the snapshot shown;
        # later runs find them in the cache.
        first = median_time(at.run, 1, warm=False)
        at.switch_page("pages/evolution.py").run()
        regions = iter(["53", "32", "11", "84", "28"])
        again = median_time(
            lambda: at.sidebar.selectbox(key="territoire_region").select(next(regions)).run(), 3
        )
        out.append(
            Result(
                "premier affichage : lecture et chiffres des 20 instantanés",
                f"{snapshots} × {rows_each:,}".replace(",", " "),
                first,
                "s",
                None,
                "< 1 s",
                first < 1,
            )
        )
        out.append(
            Result(
                "page Évolution, rerun après filtre",
                f"{snapshots} × {rows_each:,}".replace(",", " "),
                again,
                "s",
                None,
                "< 1 s",
                again < 1,
            )
        )
    return out


def command_line(repeat: int) -> list[Result]:
    """Wall time of ``python -m gen_dash validate|summary`` on a small file, beside Python starting and importing pandas
    (the floor: no command can answer faster)."""
    sample = ROOT / "data" / "sample" / "gen-exemple-2016-03-01.csv"
    rows = sum(1 for _ in sample.open(encoding="utf-8")) - 1

    def run(*args: str):
        return lambda: subprocess.run(
            [sys.executable, *args], cwd=ROOT, capture_output=True, check=False
        )

    floor, *measured = median_times(
        [
            run("-c", "import pandas"),
            run("-m", "gen_dash", "validate", str(sample)),
            run("-m", "gen_dash", "summary", str(sample)),
        ],
        repeat,
    )
    return [
        Result(
            f"ligne de commande : {command}",
            f"{rows} lignes",
            seconds,
            "s",
            floor,
            "< 0,8 s",
            seconds < 0.8,
        )
        for command, seconds in zip(("validate", "summary"), measured, strict=True)
    ]


# --------------------------------------------------------------------------- many sessions, on the server

SESSION_PAGES = {
    "": "accueil",
    "carte-des-fabriques": "carte",
    "vagues-et-objectifs": "vagues",
    "evolution-dans-le-temps": "évolution",
    "comparer-deux-instantanes": "comparer",
    "quotas-femmes-neet": "quotas",
    "classement-des-territoires": "territoires",
    "familles-de-metiers": "métiers",
    "couverture-territoriale": "couverture",
    "donnees-et-methode": "données",
}


def sessions_measures(sessions_at_once: int = 20) -> list[Result]:
    """The server as its users load it, through Streamlit's own protocol (tests/support/protocol.py): CPU per view of
    every page (first view, then a view another session has just made), *sessions_at_once* sessions opening the map
    then the coverage page at the same moment (every script finished within the target; RSS growth)."""

    out = []
    empty, empty_base = start_server({}, ROOT / "benchmarks" / "empty_app.py", ["-m", "streamlit"])
    try:
        floor = sessions.cpu_per_view(empty_base, empty.pid, "", "")[1]
    finally:
        empty.terminate()
        empty.wait(timeout=60)
    with tempfile.TemporaryDirectory() as folder:
        server, base = start_server(
            {
                "GEN_DASH_VAR_DIR": folder,
                "GEN_DASH_DATABASE_URL": f"sqlite:///{folder}/sessions.sqlite3",
            }
        )
        try:
            for page, name in SESSION_PAGES.items():
                first, again = sessions.cpu_per_view(base, server.pid, page, "")
                out.append(
                    Result(
                        f"CPU serveur par vue : {name} (déjà vue par une autre session)",
                        "exemple",
                        again,
                        "s",
                        floor,
                        "< 0,1 s",
                        again < 0.1,
                    )
                )
                if name in ("carte", "couverture"):
                    limit = 0.5 if name == "carte" else 0.7
                    out.append(
                        Result(
                            f"CPU serveur par vue : {name} (1re vue)",
                            "exemple",
                            first,
                            "s",
                            floor,
                            f"< {limit:.1f} s".replace(".", ","),
                            first < limit,
                        )
                    )
            before = _rss_mb(server.pid)
            for page, name in (
                ("carte-des-fabriques", "carte"),
                ("couverture-territoriale", "couverture"),
            ):
                views = sessions.concurrent_views(base, page, "", sessions_at_once)
                slowest = max(v.seconds for v in views)
                complete = all(v.finished and not v.exception for v in views)
                out.append(
                    Result(
                        f"{sessions_at_once} sessions à la fois : {name}, script fini (la plus lente)",
                        "exemple",
                        slowest,
                        "s",
                        None,
                        "< 4 s, toutes complètes",
                        complete and slowest < 4,
                    )
                )
            # Streamlit forgets closed sessions when it next handles one: a visitor after the crowd.
            sessions.view(base, "")
            growth = _rss_mb(server.pid) - before
            out.append(
                Result(
                    f"{sessions_at_once} sessions à la fois : croissance du RSS, sessions finies",
                    "exemple",
                    growth,
                    "Mo",
                    None,
                    "< 150 Mo",
                    growth < 150,
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
    return out


def big_snapshot_pages(size: int = 100_000) -> list[Result]:
    """Each page, opened by a new session on a server whose newest snapshot has *size* formations: seconds until its
    script finished (the second view: the first warms what the server shares)."""
    from gen_dash import store

    out = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/gros.sqlite3"
        path = synthetic_file(size)
        store.publish(
            store.engine(url), path.read_bytes(), path.name, by="benchmark"
        )  # the newest: shown by default
        server, base = start_server({"GEN_DASH_VAR_DIR": folder, "GEN_DASH_DATABASE_URL": url})
        try:
            for page, name in SESSION_PAGES.items():
                sessions.view(base, page)
                view = sessions.view(base, page)
                out.append(
                    Result(
                        f"page {name} : changement de page, script fini",
                        f"{size:,}".replace(",", " "),
                        view.seconds,
                        "s",
                        None,
                        "< 1,5 s, complète",
                        view.finished and not view.exception and view.seconds < 1.5,
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=60)
    return out


# --------------------------------------------------------------------------- uploads' memory, in Chromium


def uploads_memory_measures(rows: int = 100_000) -> list[Result]:
    """Sessions each upload a distinct *rows*-row file in Chromium, then close (tests/support/uploads.py): five that
    only upload, then three that also open the eight main pages with their file (issue 26); the server's RSS while
    they live, and after ten visitors came once they were gone, beside its level before them."""
    import shutil

    from playwright.sync_api import sync_playwright

    from tests.support import launch_chromium
    from tests.support.uploads import MAIN_PAGES, synthetic_files, uploads_memory

    executable = (
        os.environ.get("GEN_DASH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not executable:
        return []
    out = []
    scenarios = (
        ("cinq dépôts dans cinq sessions", 5, (), 400),
        ("trois dépôts parcourus sur les huit pages", 3, MAIN_PAGES, 150),
    )
    for name, count, browse, target in scenarios:
        size = f"{count} × {rows:,}".replace(",", " ")
        with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
            browser = launch_chromium(playwright, executable)
            try:  # all ten visitors
                files = synthetic_files(Path(folder), rows, count)
                measured = uploads_memory(browser, files, Path(folder), browse=browse)
            finally:
                browser.close()
        held, left = measured.during - measured.before, measured.after - measured.before
        out += [
            Result(f"{name} : RSS en plus tant qu'elles vivent", size, held, "Mo"),
            Result(
                f"{name} : RSS en plus après leur fin",
                size,
                left,
                "Mo",
                None,
                f"< {target} Mo",
                left < target,
            ),
        ]
    return out
