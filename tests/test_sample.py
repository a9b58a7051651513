"""gen_dash.sample: the bundled sample snapshots: illustrative, as documented, and regenerated identically from the seed."""

from __future__ import annotations

from gen_dash import sample, sample_files
from gen_dash.ingest import read_snapshot
from gen_dash.metrics import summary_figures


def test_bundled_samples_are_the_generator_output(tmp_path, samples_dir):
    written = sample_files.write_samples(tmp_path)
    for path in written:
        bundled = samples_dir / path.relative_to(tmp_path)
        assert bundled.read_bytes() == path.read_bytes(), f"{bundled} is stale: run `make data`"


def test_wave_one_as_announced_and_targets_nearly_reached(samples_dir):
    files = sorted(samples_dir.glob("gen-exemple-*.csv"))
    assert len(files) == 4
    figures = {
        read_snapshot(f).date.isoformat(): summary_figures(read_snapshot(f).rows) for f in files
    }
    first = figures["2016-03-01"]
    # press, February 2016
    assert (first["formations"], first["fabriques"], first["apprenants"]) == (
        171,
        130,
        4000,
    )
    # « 419 formations après deux appels », May 2017
    assert figures["2017-06-30"]["formations"] == 419
    last = figures["2017-12-31"]
    assert 190 <= last["fabriques"] <= 200 and 9_500 <= last["apprenants"] <= 10_000
    # near, not all met
    assert last["part_femmes"] < 0.30 < last["part_neet"] + 0.2 and last["part_neet"] >= 0.5
    assert 75 <= last["departements_couverts"] <= 95  # most départements, some white zones
    assert {"971", "972", "974"} <= set(last["par_departement"])
    learners = [figures[d]["apprenants"] for d in sorted(figures)]
    assert learners == sorted(learners)


def test_the_end_of_2017_sample_gives_the_published_key_figures_of_2017(samples_dir):
    """Chiffres clés 2017 (published mid-2018): 410 formations, 9 582 learners in 2017, 24 % women, 65 % « sans emploi
    ni formation », 17 % QPV, 74 % positive outcomes, 77 % free; Île-de-France about 110 formations and 40 % of the
    learners (activity report, May 2017)."""
    rows = read_snapshot(samples_dir / "gen-exemple-2017-12-31.csv").rows
    figures = summary_figures(rows)
    assert (figures["formations"], figures["apprenants"]) == (410, 9582)
    percent = {
        key: round(100 * value)
        for key, value in (
            ("femmes", figures["part_femmes"]),
            ("neet", figures["part_neet"]),
            ("qpv", rows["apprenants_qpv"].sum() / rows["apprenants"].sum()),
            ("sorties", rows["sorties_positives"].sum() / rows["apprenants"].sum()),
            ("gratuites", (rows["gratuite"] == "oui").mean()),
        )
    }
    assert percent == {"femmes": 24, "neet": 65, "qpv": 17, "sorties": 74, "gratuites": 77}
    ile_de_france = rows[rows["code_region"] == "11"]
    assert 100 <= len(ile_de_france) <= 120
    assert round(100 * ile_de_france["apprenants"].sum() / figures["apprenants"]) == 40


def test_samples_are_labelled_illustrative(samples_dir):
    rows = read_snapshot(samples_dir / "gen-exemple-2017-12-31.csv").rows
    assert set(rows[sample.STATUS_COLUMN]) == {sample.STATUS}


def test_synthetic_snapshot_reads_cleanly():
    data = sample.synthetic_snapshot(500, seed=1)
    assert len(data) == 500 and data["id_formation"].is_unique
    snapshot = read_snapshot(data.to_csv(index=False).encode())
    assert snapshot.report.lignes_rejetees == 0 and len(snapshot.rows) == 500
