"""ui/map_frame.py: a map of a published snapshot is rendered once per server, then sent to every session exactly as
``st_folium`` would send it; an upload's map is kept nowhere."""

from __future__ import annotations

import itertools
import json
from unittest import mock

import branca.element
import folium
import streamlit_folium
from streamlit_folium import st_folium

from tests.conftest import ROOT, make_csv, row
from tests.support.apptest import sample_id, start, upload
from ui import cache, map_frame, session

TOULOUSE = (43.6047, 1.4442)


def _small_map() -> folium.Map:
    """A map with a polygon, a tooltip and a marker; its elements numbered 1, 2, 3… instead of at random, so that
    two builds give the same map."""
    numbers = itertools.count(1)
    with mock.patch.object(
        branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(numbers):032x}")
    ):
        shown = folium.Map(location=TOULOUSE, zoom_start=8, tiles=None)
        square = {
            "type": "Feature",
            "properties": {"nom": "Haute-Garonne"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[1.0, 43.0], [2.0, 43.0], [2.0, 44.0], [1.0, 44.0], [1.0, 43.0]]],
            },
        }
        square = {"type": "FeatureCollection", "features": [square]}
        folium.GeoJson(square, tooltip=folium.GeoJsonTooltip(["nom"])).add_to(shown)
        folium.Marker(TOULOUSE, tooltip="Toulouse").add_to(shown)
        return shown


def test_the_recording_is_what_st_folium_sends():
    sent = {}
    with mock.patch.object(streamlit_folium, "_component_func", lambda **a: sent.update(a)):
        st_folium(
            _small_map(), key="carte", height=640, use_container_width=True, returned_objects=[]
        )
    del sent["on_change"]  # a callback for the value sent back; none is (returned_objects=[])
    recorded = map_frame.prepared(_small_map(), "carte", 640)
    assert recorded == sent
    assert "Haute-Garonne" in recorded["script"] and recorded["height"] == 640
    assert recorded["width"] is None and recorded["returned_objects"] == []
    # The component's name is given back after the recording.
    assert streamlit_folium._component_func is map_frame._COMPONENT


def _sent(at) -> dict:
    return json.loads(at.get("component_instance")[0].proto.json_args)


def test_a_published_map_is_prepared_once_for_every_session():
    cache.shared_values().clear()
    with mock.patch.object(map_frame, "prepared", wraps=map_frame.prepared) as prepared:
        first = start({"region": "76"})
        first.switch_page("pages/map.py").run()
        second = start({"region": "76"})
        second.switch_page("pages/map.py").run()
        assert not first.exception and not second.exception
        assert prepared.call_count == 1
        assert _sent(second) == _sent(first) and "Haute-Garonne" in _sent(first)["script"]
        second.selectbox(key="carte_indicateur").select("part_femmes").run()  # another map
        assert prepared.call_count == 2 and _sent(second)["script"] != _sent(first)["script"]


def test_an_upload_s_map_is_kept_nowhere():
    at = start()
    upload(at, make_csv([row(), row(id_formation="F2", code_commune="31555")]), "essai.csv")
    cache.shared_values().clear()
    with mock.patch.object(map_frame, "prepared", wraps=map_frame.prepared) as prepared:
        at.switch_page("pages/map.py").run()
        at.run()
    assert not at.exception and "Toulouse" in _sent(at)["script"]
    assert prepared.call_count == 2  # at each run
    assert not [key for key in cache.shared_values().held_keys() if key[0] == "carte"]


def test_a_comparison_with_the_upload_keeps_its_map_nowhere_though_the_view_is_published():
    at = upload(
        start(), make_csv([row(), row(id_formation="F2", code_commune="31555")]), "essai.csv"
    )
    published = sample_id("2017-12-31")
    at.sidebar.selectbox(key=session.SNAPSHOT).select(published).run()
    at.switch_page("pages/compare.py").run()
    at.selectbox(key="comparer_avant").select(published).run()
    cache.shared_values().clear()  # what two published snapshots gave is shared, rightly
    at.selectbox(key="comparer_apres").select(session.UPLOAD_ID).run()
    assert not at.exception and "Toulouse" in _sent(at)["script"]
    held = [key for key in cache.shared_values().held_keys() if key[0] == "carte"]
    assert held == []  # the upload's changes leave with the session


def test_no_page_sends_a_map_but_through_the_frame():
    # A direct st_folium call could meet the recording of another session's map (the component's name swapped).
    calling = [
        path.relative_to(ROOT).as_posix()
        for folder in ("pages", "ui")
        for path in sorted((ROOT / folder).glob("*.py"))
        if "st_folium(" in path.read_text(encoding="utf-8")
    ]
    assert calling == ["ui/map_frame.py"]
