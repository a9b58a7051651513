"""gen_dash.store, on SQLite and (when GEN_DASH_TEST_POSTGRES_URL is set, as in CI) on a real PostgreSQL server."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from pandas.testing import assert_frame_equal

from gen_dash import geo, store, store_schema, trend
from gen_dash.ingest import SnapshotError, read_snapshot
from gen_dash.sample_files import bundled_samples
from gen_dash.territory import Territory
from tests.conftest import ROOT, make_csv, row

TABLE = pd.DataFrame(geo.load_departements().drop(columns="geometry"))
MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"


def test_round_trip_keeps_bytes_rows_and_report(eng):
    data = MESSY.read_bytes()
    published = store.publish(eng, data, MESSY.name, by="alice", label="Décembre")
    assert store.load_file(eng, published.id) == (data, MESSY.name)
    back, original = store.load_snapshot(eng, published.id), read_snapshot(data, MESSY.name)
    assert_frame_equal(back.rows, original.rows)
    assert_frame_equal(back.report.problemes, original.report.problemes)
    assert back.report.lignes == original.report.lignes and back.date == date(2016, 12, 15)
    history = store.history(eng)
    assert history[["id", "libelle", "publie_par", "lignes_acceptees"]].values.tolist() == [
        [published.id, "Décembre", "alice", 293]
    ]
    assert history["sha256"].iloc[0] == store.sha256(data)


def test_same_bytes_twice_is_refused_naming_the_earlier(eng):
    data = make_csv([row()])
    first = store.publish(eng, data, "a-2017-01-01.csv", by="alice")
    with pytest.raises(
        store.DuplicateSnapshot, match=f"instantané n° {first.id} « Instantané du 01/01/2017 »"
    ):
        store.publish(eng, data, "renomme.csv", by="bob")
    assert len(store.history(eng)) == 1


def test_a_snapshot_needs_a_date(eng):
    with pytest.raises(store.StoreError, match="Date de l'instantané inconnue"):
        store.publish(eng, make_csv([row()]), "sans-date.csv", by="alice")
    assert store.publish(
        eng, make_csv([row()]), "sans-date.csv", by="alice", snapshot_date=date(2017, 3, 1)
    ).date == date(2017, 3, 1)


def test_unreadable_file_is_not_published(eng):
    with pytest.raises(SnapshotError):
        store.publish(eng, b"", "vide.csv", by="alice", snapshot_date=date(2017, 1, 1))
    assert store.history(eng, include_withdrawn=True).empty and store.journal(eng).empty


def test_withdrawal_leaves_the_lists_not_the_store(eng):
    kept = store.publish(eng, make_csv([row()]), "a-2017-01-01.csv", by="alice")
    gone = store.publish(eng, make_csv([row(id_formation="F2")]), "b-2017-02-01.csv", by="alice")
    store.withdraw(eng, gone.id, by="bob")
    assert store.history(eng)["id"].tolist() == [kept.id]
    everything = store.history(eng, include_withdrawn=True).set_index("id")
    assert (
        everything.loc[gone.id, "retire_par"] == "bob"
        and everything.loc[gone.id, "retire_le"] is not None
    )
    assert len(store.load_snapshot(eng, gone.id).rows) == 1  # still in the store
    log = store.journal(eng)
    assert log[["par", "action", "snapshot_id"]].values.tolist()[:2] == [
        ["bob", "retrait", gone.id],
        ["alice", "publication", gone.id],
    ]
    with pytest.raises(store.StoreError, match="déjà retiré"):
        store.withdraw(eng, gone.id, by="bob")
    with pytest.raises(store.UnknownSnapshot):
        store.withdraw(eng, 999, by="bob")


def test_samples_are_loaded_once_and_marked(eng):
    assert store.load_samples_once(eng, bundled_samples()) == 4
    assert store.load_samples_once(eng, bundled_samples()) == 0
    history = store.history(eng)
    assert history["exemple"].all() and history["publie_par"].eq(store.SAMPLE_PUBLISHER).all()
    assert [d.isoformat() for d in history["date_instantane"]] == [
        "2017-12-31",
        "2017-06-30",
        "2016-12-15",
        "2016-03-01",
    ]


_KILLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from gen_dash import store
    real = store.insert_rows
    def slow(conn, snapshot_id, rows):
        real(conn, snapshot_id, rows)
        Path(sys.argv[2]).write_text("inside")  # the snapshot and its rows are written, not committed
        time.sleep(600)
    store.insert_rows = slow
    store.publish(store.engine(sys.argv[1]), Path(sys.argv[3]).read_bytes(), "tue.csv", by="killed")
""")


def test_a_publish_killed_half_way_leaves_nothing(url, tmp_path):
    store.engine(url)
    flag = tmp_path / "inside"
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED, url, str(flag), str(MESSY)], cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert process.poll() is None and time.monotonic() < deadline, (
            "the publisher never reached the transaction"
        )
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    store_schema._open.cache_clear()  # as a new process would
    eng = store.engine(url)
    assert store.history(eng, include_withdrawn=True).empty and store.journal(eng).empty
    with eng.connect() as conn:
        for table in (store_schema.rows, store_schema.counts):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
        if url.startswith("sqlite"):
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # the store works on
    assert store.publish(eng, MESSY.read_bytes(), MESSY.name, by="alice").rows == 293


_PUBLISHER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from gen_dash import store
    from gen_dash.sample import synthetic_snapshot
    data = synthetic_snapshot(3000, seed=int(sys.argv[2])).to_csv(index=False).encode()
    Path(sys.argv[3]).write_text("ready")
    while not Path(sys.argv[4]).exists():
        pass
    print(store.publish(store.engine(sys.argv[1]), data, f"lot-{sys.argv[2]}-2017-12-31.csv", by=f"p{sys.argv[2]}").id)
""")


def test_two_concurrent_publishers_both_succeed_in_order(url, tmp_path):
    store.engine(url)
    go = tmp_path / "go"
    processes = []
    for seed in (1, 2):
        ready = tmp_path / f"ready-{seed}"
        processes.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", _PUBLISHER, url, str(seed), str(ready), str(go)],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 180
    while not all(r.exists() for r, _ in processes):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    go.write_text("go")
    ids = []
    for _, process in processes:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        ids.append(int(out.strip()))
    store_schema._open.cache_clear()  # as a new process would
    history = store.history(store.engine(url)).sort_values("id")
    assert sorted(ids) == history["id"].tolist() and len(set(ids)) == 2
    assert history["lignes_acceptees"].tolist() == [3000, 3000]
    published_at = history["publie_le"].tolist()
    # a defined order: the numbering follows the commits
    assert published_at == sorted(published_at)


def test_one_snapshot_counts_per_date(eng):
    day = date(2017, 6, 30)
    first = store.publish(
        eng, make_csv([row(id_formation="J1")]), "a.csv", by="A", snapshot_date=day, label="premier"
    )
    other = store.publish(
        eng, make_csv([row(id_formation="J0")]), "b.csv", by="B", snapshot_date=date(2017, 1, 1)
    )
    second = store.publish(
        eng, make_csv([row(id_formation="J2")]), "c.csv", by="C", snapshot_date=day, label="second"
    )
    table = store.history(eng).set_index("id")
    assert table.loc[[first.id, other.id, second.id], "compte"].tolist() == [False, True, True]
    assert (
        table.loc[first.id, "remplace_par"] == second.id
        and table.loc[second.id, "remplace_par"] is None
    )
    assert store.same_date(eng, day)["id"].tolist() == [second.id, first.id]
    store.withdraw(eng, second.id, by="C")  # withdrawn: the earlier one counts again
    table = store.history(eng, include_withdrawn=True).set_index("id")
    assert table.loc[[first.id, second.id], "compte"].tolist() == [True, False]
    assert table.loc[second.id, "remplace_par"] is None  # withdrawn, not replaced


def test_a_list_snapshot_stays_a_list_through_the_store(eng):
    data = "identifiant;intitule;Structure;vague;insee_com\nA;Dév web;Simplon;1;93048\nB;Data;Simplon;2;75112\n".encode()
    published = store.publish(eng, data, "liste-2018-01-31.csv", by="alice")
    back = store.load_snapshot(eng, published.id)
    assert back.list_only and back.rows["apprenants"].isna().all() and len(back.rows) == 2


def test_the_mapping_is_kept_with_the_snapshot_and_the_bytes_unchanged(eng):
    from gen_dash.ingest import Mapping

    data = b"id_fs;lib_fs;Structure;insee_com\nA;Dev web;Simplon;93048\n"
    mapping = Mapping(
        columns=(("id_formation", "id_fs"), ("nom_formation", "lib_fs")), values=(("vague", "2"),)
    )
    published = store.publish(eng, data, "liste-2018-02-28.csv", by="alice", mapping=mapping)
    back = store.load_snapshot(eng, published.id)
    assert back.mapping == mapping and store.load_file(eng, published.id)[0] == data
    assert back.rows[["id_formation", "vague"]].values.tolist() == [["A", 2]]


def test_figures_over_time_stored_at_publication_equal_those_of_the_rows(eng):
    """The counts stored at publication, and gen_dash.metrics over the snapshots read back; for France, a région, a
    département, several, a list without counts, and messy métier spellings (the hand file)."""
    from tests.conftest import hand_csv

    store.load_samples_once(eng, bundled_samples())
    store.publish(eng, hand_csv(date_extraction="2018-03-31"), "a-la-main.csv", by="test")
    store.publish(
        eng,
        hand_csv(
            date_extraction="2018-06-30", apprenants="", apprenants_femmes="", apprenants_neet=""
        ),
        "liste.csv",
        by="test",
    )
    ids = [int(i) for i in store.history(eng)["id"]]
    snapshots = [store.load_snapshot(eng, i) for i in ids]
    # France, régions, a département, several départements (counted from the rows), a région the hand file lacks.
    for territory in (
        Territory.of(None, (), TABLE),
        Territory.of("76", (), TABLE),
        Territory.of("76", ("31",), TABLE),
        Territory.of("11", (), TABLE),
        Territory.of("76", ("31", "34", "65"), TABLE),
        Territory.of("53", (), TABLE),
    ):
        counted = store.figures_over_time(eng, ids, territory)
        expected = trend.figures_over_time([(s.date, s.rows) for s in snapshots], territory)
        assert_frame_equal(counted, expected, check_dtype=True)
    listed = store.figures_over_time(eng, ids).loc[date(2018, 6, 30)]
    # unknown, not 0
    assert (
        pd.isna(listed["apprenants"])
        and pd.isna(listed["part_femmes"])
        and listed["formations"] == 6
    )


# --------------------------------------------------------------------------- property: what is read back is what was published

from datetime import timedelta  # noqa: E402 - the property section's own imports

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hyp  # noqa: E402

_TEXT = hyp.text(alphabet=hyp.characters(blacklist_categories=("Cs", "Cc")), max_size=10)
_OPTIONAL = {
    "apprenants_qpv": hyp.sampled_from(["", "0", "3"]),
    "gratuite": hyp.sampled_from(["", "oui", "non"]),
    "subvention_eur": hyp.sampled_from(["", "0", "1250.5", "8000"]),
    "porteur": _TEXT,
    "metier": _TEXT,
    "date_entree": hyp.sampled_from(["", "2016-09-01", "01/10/2016"]),
    "id_fabrique": hyp.sampled_from(["", "FAB-1"]),
}


@hyp.composite
def _files(draw) -> bytes:
    optional = draw(hyp.lists(hyp.sampled_from(sorted(_OPTIONAL)), unique=True))
    extras = draw(
        hyp.lists(
            hyp.sampled_from(["statut", "Commentaire", "ÉTAT", "colonne 1", "=SUM(A1)"]),
            unique=True,
        )
    )
    lines = []
    for i in range(draw(hyp.integers(1, 6))):
        line = row(
            id_formation=f"F{i}",
            nom_formation=draw(_TEXT) or "Formation",
            code_commune=draw(hyp.sampled_from(["93048", "31555", "2A004", "97411", "75056"])),
        )
        line.update({name: draw(_OPTIONAL[name]) for name in optional})
        line.update({name: draw(_TEXT) for name in extras})
        lines.append(line)
    return make_csv(lines, sep=";")


@given(data=_files())
@settings(
    max_examples=25,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_a_snapshot_read_back_is_the_one_published(tmp_path_factory, data):
    eng = store.engine(f"sqlite:///{tmp_path_factory.mktemp('propriete') / 'store.sqlite3'}")
    try:
        original = read_snapshot(data, "propriete-2018-01-31.csv")
    except SnapshotError:
        return  # nothing to publish
    published = store.publish(eng, data, "propriete-2018-01-31.csv", by="test", snapshot=original)
    back = store.load_snapshot(eng, published.id)
    assert_frame_equal(back.rows, original.rows, check_dtype=True)
    assert (
        list(back.rows.columns) == list(original.rows.columns)
        and back.rows.crs == original.rows.crs
    )
    assert_frame_equal(back.report.problemes, original.report.problemes)
