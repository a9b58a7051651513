"""ui/sources.py, ui/cache.py and ui/shared_work.py through AppTest: the snapshot shown (an upload, the store, its
fallback when out of reach), values shared between sessions handed out as copies, charts shared by key."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import hand_csv, make_csv, row
from tests.support.apptest import (
    sample_id,
    start,
    upload,
)
from ui import cache, session


def test_a_value_shared_between_sessions_is_handed_out_as_a_copy():
    """A page that changes what it is given changes its own copy: the next session gets the value as computed."""
    first = cache.kept(
        ("essai", "copie"), lambda: {"table": pd.DataFrame({"n": [1, 2]}), "codes": ["31"]}
    )
    first["table"].loc[0, "n"] = 99
    first["codes"].append("75")
    again = cache.kept(("essai", "copie"), lambda: pytest.fail("computed twice"))
    assert again["table"]["n"].tolist() == [1, 2] and again["codes"] == ["31"]


def test_a_shared_chart_keeps_its_page_s_key_and_its_territory_s_figures():
    at = start()
    at.switch_page("pages/evolution.py").run()
    keys = [e.proto.id.rsplit("-", 1)[1] for e in at.get("plotly_chart")]
    assert (
        keys[:2] == ["evolution_fabriques", "evolution_apprenants"]
        and len(set(keys)) == len(keys) > 2
    )
    france = at.get("plotly_chart")[0].proto.spec
    at.sidebar.selectbox(key=session.REGION).select("76").run()
    # Occitanie's own values, not France's chart again
    assert at.get("plotly_chart")[0].proto.spec != france


def test_compare_opens_on_the_published_snapshot_before_the_upload():
    at = upload(start(), hand_csv(), "a-la-main.csv")  # dated 30 June 2017
    at.switch_page("pages/compare.py").run()
    assert at.selectbox(key="comparer_apres").value == session.UPLOAD_ID
    assert at.selectbox(key="comparer_avant").value == sample_id("2016-12-15")


def test_a_store_out_of_reach_is_said_and_the_samples_still_shown(monkeypatch):
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", "postgresql+psycopg://gen:gen@127.0.0.1:9/gen")
    at = start()
    assert not at.exception
    assert at.sidebar.error[0].value.startswith(
        "Historique partagé indisponible : Le serveur de base de données ne "
        "répond pas (connexion refusée)."
    )
    assert "exemple" in at.sidebar.selectbox(key=session.SNAPSHOT).format_func(
        at.sidebar.selectbox(key=session.SNAPSHOT).value
    )
    upload(at, make_csv([row(id_formation="HORS-LIGNE")]), "hors-ligne-2018-01-15.csv")
    assert not at.exception
    assert "Publication impossible tant que l'historique partagé est indisponible." in [
        c.value for c in at.sidebar.caption
    ]


def test_the_store_s_state_read_as_its_cached_answer_expires_is_asked_again(tmp_path):
    """Streamlit 1.67's cache checks that an answer is there, then reads it, each time against its clock: an answer
    whose 10 s run out between the two raised KeyError, and the page showed Streamlit's error (CI, a loaded machine).
    The clock here moves on between the check and the read."""
    from streamlit.runtime.caching.cache_resource_api import _resource_caches

    from ui import sources

    url = f"sqlite:///{tmp_path / 'gen-dash.sqlite3'}"
    assert sources._store_problem(url) is None  # answered, kept 10 s
    (cache,) = [
        c
        for caches in _resource_caches._function_caches.values()
        for c in caches.values()
        if c.display_name.endswith("_store_problem")
    ]
    real = cache._mem_cache._timer
    ticks = iter([real(), real() + 60])  # « there » at the check, expired at the read
    cache._mem_cache._timer = lambda: next(ticks, real() + 60)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GEN_DASH_DATABASE_URL", url)
            assert sources.store_problem() is None
    finally:
        cache._mem_cache._timer = real
