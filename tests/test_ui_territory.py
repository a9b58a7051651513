"""ui/territory.py through AppTest: the filter followed by every page, the shareable link read, ignored with a
notice when wrong, never put as markup on the page."""

from __future__ import annotations

import pytest

from tests.support.apptest import (
    PAGES,
    headline_with_references,
    sample_id,
    start,
)
from ui import session


def test_filter_follows_every_page():
    at = start({"region": "53"})
    for page in PAGES:
        at.switch_page(page).run()
        assert "Bretagne" in at.caption[0].value, page


def test_shared_link_opens_the_same_view_as_the_sidebar():
    at = start({"region": "32", "dep": "59,62", "instantane": sample_id("2017-06-30")})
    assert at.session_state[session.REGION] == "32"
    assert at.session_state[session.DEPARTEMENTS] == ["59", "62"]
    by_hand = start()
    by_hand.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-06-30")).run()
    by_hand.sidebar.selectbox(key=session.REGION).select("32").run()
    by_hand.sidebar.multiselect(key=session.DEPARTEMENTS).select("59").select("62").run()
    assert headline_with_references(at) == headline_with_references(by_hand)
    assert "Territoire : Nord (59), Pas-de-Calais (62)" in at.caption[0].value.replace("\\", "")
    assert at.query_params["region"] == "32" and at.query_params["dep"] == "59,62"


@pytest.mark.parametrize(
    "query, notice",
    [
        ({"region": "99"}, "région « 99 » inconnue"),
        ({"region": "32", "dep": "2A"}, "« 2A » inconnu(s) ou hors de la région"),
        ({"instantane": "n-existe-pas"}, "instantané « n-existe-pas » introuvable"),
    ],
)
def test_bad_link_values_are_ignored_with_a_notice(query, notice):
    at = start(query)
    assert any(notice in w.value.replace("\\", "") for w in at.sidebar.warning), [
        w.value for w in at.sidebar.warning
    ]
    assert at.metric  # the page still shows


@pytest.mark.parametrize(
    "query",
    [
        {"instantane": "[cliquez ici pour vous reconnecter](https://evil.example/login)"},
        {"region": "![p](http://127.0.0.1:9999/track.png)"},
        {"region": ":red[rouge] **gras** <b>html</b>"},
    ],
    ids=["lien", "image", "style"],
)
def test_a_link_puts_no_markup_on_the_page(query):
    at = start(query)
    shown = [w.value for w in at.sidebar.warning]
    assert shown, "the notice is shown"
    for text in shown:  # every Markdown character from the link is escaped: nothing renders as a link, image or style
        for token in ("](", "![", ":red[", "**", "<b>"):
            assert token not in text, text
