"""The pages' measures, in Streamlit's AppTest: a page's rerun after a filter, the coverage page, the history's pages
(and publishing) on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.harness import ROOT, Result, median_time, synthetic_file


def _apptest(script: Path, env: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    os.environ.update(env)
    return AppTest.from_file(str(script), default_timeout=180)


def page_reruns(repeat: int, with_10k: bool = True) -> list[Result]:
    """Each page of the sidebar (:data:`tests.support.apptest.PAGES`) rerun after a change of région, beside an
    empty page's rerun: on the samples and (*with_10k*) on a published 10,000-row snapshot."""
    from gen_dash import store
    from tests.support.apptest import PAGES

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
