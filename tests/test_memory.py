"""gen_dash.memory: what the server shares (snapshots, computed values) and the sessions' uploads, within their budget
in bytes."""

from __future__ import annotations

import gc
import threading

import pandas as pd
import pytest

from gen_dash.ingest import read_snapshot
from gen_dash.memory import HeldUploads, SharedCache, size_of
from gen_dash.snapshot import SnapshotError
from tests.conftest import make_csv, row


def _snapshot(n: int, tag: str = "F"):
    return read_snapshot(make_csv([row(id_formation=f"{tag}{i}") for i in range(n)]), "f.csv")


def test_size_grows_with_the_rows():
    small, big = size_of(_snapshot(10)), size_of(_snapshot(1000))
    assert 0 < small < big and big > 50 * small  # rows, not a constant, make the size


def test_size_of_counts_tables_inside_dicts_and_tuples():
    table = pd.DataFrame({"code": ["31", "75"] * 500, "n": range(1000)})
    alone = size_of(table)
    # the integers, and the two characters of each code at the least
    assert alone >= 1000 * 8 + 1000 * 2
    assert size_of({"a": table, "b": (table, 3)}) > 2 * alone


def test_a_computed_value_is_let_go_like_a_snapshot():
    tables = {key: pd.DataFrame({"n": range(10_000)}) for key in "ab"}
    cache = SharedCache(budget=size_of(tables["a"]) + 1)  # room for one
    cache.get("a", lambda: tables["a"])
    cache.get("b", lambda: tables["b"])
    assert cache.held_bytes() == size_of(tables["b"])
    assert cache.get("a", lambda: "computed again") == "computed again"


def test_shared_snapshots_keep_the_most_recent_within_the_budget():
    snaps = {key: _snapshot(200, key) for key in "abc"}
    reads = []

    def read(key):
        return lambda: reads.append(key) or snaps[key]

    cache = SharedCache(budget=size_of(snaps["a"]) * 2 + 1)  # room for two
    assert cache.get("a", read("a")) is snaps["a"] and cache.get("b", read("b")) is snaps["b"]
    cache.get("a", read("a"))  # a seen again: b is now the least recent
    cache.get("c", read("c"))
    assert reads == ["a", "b", "c"]
    cache.get("a", read("a"))
    cache.get("b", read("b"))  # let go for c, read again
    assert reads == ["a", "b", "c", "b"]


def test_a_snapshot_asked_by_many_sessions_at_once_is_read_once():
    snapshot, reads, go = _snapshot(50), [], threading.Event()

    def read():
        go.wait(5)
        reads.append(1)
        return snapshot

    cache = SharedCache(budget=10**9)
    threads = [threading.Thread(target=cache.get, args=("s", read)) for _ in range(8)]
    for t in threads:
        t.start()
    go.set()
    for t in threads:
        t.join(10)
    assert reads == [1]


def test_uploads_beyond_the_budget_are_refused_until_one_is_freed():
    first, second = _snapshot(300, "A"), _snapshot(300, "B")
    held = HeldUploads(budget=size_of(first) + size_of(second) // 2)
    held.hold(first)
    with pytest.raises(SnapshotError) as refused:
        held.hold(second)
    assert str(refused.value).startswith(
        "Le serveur garde déjà "
    ) and "(réglage GEN_DASH_MEMOIRE_MAX_MO)" in str(refused.value)
    del first  # the session ended, or uploaded another file
    gc.collect()
    assert held.held_bytes() == 0
    assert held.hold(second) is second and held.held_bytes() == size_of(second)


@pytest.mark.browser
def test_uploads_browsed_on_every_page_give_their_memory_back_when_their_sessions_end(
    browser, tmp_path
):
    """A real server, three browser sessions each uploading a distinct 20,000-row file and opening the eight main
    pages with it, then closed: the server's resident memory comes back near its level before them (issue 26: at
    most +150 MB for three 100,000-row uploads, measured by ``make bench``, group ``depots``; scaled to 20,000 rows,
    30 MB). It kept +432 MB at 100,000 rows before the malloc arenas were capped and freed memory given back every
    20 s (scripts/streamlit_fr.py, ui/startup.py). From −4 to +12 MB here in four runs on 7 December 2026, once the
    level before was taken after a visit of the same pages (+18 to +63 MB when it was not: the first use of the pages'
    modules and reference tables, kept for every session, counted as the uploads')."""
    from tests.support.uploads import MAIN_PAGES, synthetic_files, uploads_memory

    measured = uploads_memory(
        browser,
        synthetic_files(tmp_path, 20_000, count=3),
        tmp_path,
        back_within_mb=30,
        browse=MAIN_PAGES,
    )
    # the uploads were held while their sessions lived
    assert measured.during - measured.before > 60, measured
    assert measured.after - measured.before < 30, measured
