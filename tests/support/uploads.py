"""Memory after uploads, on a real server: sessions in Chromium each upload a distinct file, then close.

Used by ``make bench`` (five uploads of 100,000 rows) and by ``tests/test_memory.py`` in ``make test`` (the same
scenario at 20,000 rows, its bound scaled): the server's resident memory before the uploads, while their sessions
hold them, and once the sessions are gone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import new_install, start_server
from tests.support import rss_mb as _rss_mb


@dataclass(frozen=True)
class UploadsMemory:
    """The server's RSS (MB) before the uploads, while their sessions lived, and after they ended."""

    before: float
    during: float
    after: float


# The eight main pages, as the sidebar names them: a session that browses them computes what each shows of its upload.
MAIN_PAGES = (
    "Carte",
    "Vagues et objectifs",
    "Évolution",
    "Comparer",
    "Quotas",
    "Territoires",
    "Métiers",
    "Couverture",
)


def uploads_memory(
    browser,
    files: list[Path],
    folder: Path,
    back_within_mb: float | None = None,
    browse: tuple[str, ...] = (),
) -> UploadsMemory:
    """A server (``scripts/streamlit_fr.py``), one browser session per file in *files* uploading it, the sessions
    closed; then ten visitors come, 2 s apart (a test may stop as soon as the RSS is back within *back_within_mb* of
    its level before). Each session opens the pages of *browse* (sidebar names, e.g. :data:`MAIN_PAGES`) after its
    upload; a first visit opens them on the published snapshot before the level is taken, so that what the server
    keeps for every session (the pages' modules, reference tables, contours) is not counted as the uploads'.

    Streamlit forgets a closed session once its reconnection delay has passed (1 s here), when it next handles
    sessions: it is the visitors after them that let the memory come back.
    """
    server, base = start_server(
        new_install(folder), options=("--server.disconnectedSessionTTL", "1")
    )

    def visit(upload: Path | None = None, pages: tuple[str, ...] = ()):
        context = browser.new_context(locale="fr-FR")
        tab = context.new_page()
        tab.set_default_timeout(180_000)
        tab.goto(base)
        tab.locator("h1").first.wait_for()
        if upload is not None:
            tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
            tab.get_by_text("ligne(s) acceptée(s)").wait_for()
        for name in pages:
            link = tab.locator('[data-testid="stSidebar"]').get_by_role(
                "link", name=name, exact=True
            )
            left = tab.locator("h1").first.inner_text()
            link.click()
            # The sidebar's notice and a finished script are on the page left behind too: wait until
            # the new page has started (its own title) before waiting for its script to finish.
            tab.wait_for_function(
                "left => (document.querySelector('h1') || {}).innerText !== left", arg=left
            )
            if upload is not None:
                tab.get_by_text("Fichier déposé, non publié").first.wait_for()
            tab.wait_for_function(
                "() => !document.querySelector('[data-testid=stStatusWidget], [data-stale=true]')"
            )
        return context

    try:
        # A first visit, through the same pages on the published snapshot, fills what every session shares (the
        # pages' modules, the reference tables, the maps' contours): what is left after the uploads is theirs.
        visit(pages=browse).close()
        time.sleep(2)
        before = _rss_mb(server.pid)
        sessions = [visit(path, browse) for path in files]
        during = _rss_mb(server.pid)
        for context in sessions:
            context.close()
        for _ in range(10):
            time.sleep(2)
            visit().close()
            after = _rss_mb(server.pid)
            if back_within_mb is not None and after - before < back_within_mb:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    return UploadsMemory(before, during, after)


def synthetic_files(folder: Path, rows: int, count: int = 5) -> list[Path]:
    """*count* distinct synthetic snapshots of *rows* rows (seeded), as CSV files in *folder*."""
    from gen_dash.sample import synthetic_snapshot

    files = []
    for seed in range(1, count + 1):
        path = folder / f"depot-{rows}-{seed}.csv"
        synthetic_snapshot(rows, seed=seed).to_csv(path, index=False)
        files.append(path)
    return files
