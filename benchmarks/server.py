"""The server's measures, with its processes: its memory with a snapshot loaded, CPU per view and many sessions at
once (Streamlit's protocol, no browser), a big snapshot's pages, the memory uploads leave (Chromium)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.harness import ROOT, Result, synthetic_file
from tests.support import protocol as sessions
from tests.support import rss_mb as _rss_mb
from tests.support import start_server


def _serve_and_measure(script: Path, env: dict[str, str]) -> float:
    # warm-up ran the script once: the snapshot is loaded
    process, _ = start_server(env, script, ["-m", "streamlit"])
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
        # the newest: shown by default
        store.publish(store.engine(url), path.read_bytes(), path.name, by="benchmark")
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
        # the newest: shown by default
        store.publish(store.engine(url), path.read_bytes(), path.name, by="benchmark")
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


def uploads_memory_measures(rows: int = 100_000, trial: bool = False) -> list[Result]:
    """Sessions each upload a distinct *rows*-row file in Chromium, then close (tests/support/uploads.py): five that
    only upload, then three that also open the eight main pages with their file (issue 26); the server's RSS while
    they live, and after ten visitors came once they were gone, beside its level before them. A *trial* run (for the
    tests: the code runs end to end, the figures mean nothing) has one session, then one that opens one page, and
    stops the visitors as soon as the memory is within its target."""
    from playwright.sync_api import sync_playwright

    from tests.support import CHROMIUM, launch_chromium
    from tests.support.uploads import MAIN_PAGES, synthetic_files, uploads_memory

    if not CHROMIUM:
        return []
    out = []
    pages = MAIN_PAGES[:1] if trial else MAIN_PAGES
    scenarios = (
        ("dépôts dans autant de sessions", 1 if trial else 5, (), 400),
        (f"dépôts parcourus chacun sur {len(pages)} pages", 1 if trial else 3, pages, 150),
    )
    for name, count, browse, target in scenarios:
        size = f"{count} × {rows:,}".replace(",", " ")
        with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
            browser = launch_chromium(playwright, CHROMIUM)
            try:  # all ten visitors
                files = synthetic_files(Path(folder), rows, count)
                measured = uploads_memory(
                    browser, files, Path(folder), target if trial else None, browse
                )
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
