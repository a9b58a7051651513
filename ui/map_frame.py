"""A map on a page: a folium map rendered once per server for a published snapshot, then sent as it is to every
session that shows it.

folium renders a map to Leaflet's HTML and JavaScript by compiling templates, element by element: most of a map
page's CPU, the same for every visitor of the same view. ``st_folium`` prepares what its component sends the browser,
then sends it; here that preparation is recorded once and kept in the shared cache (:func:`ui.cache.shared_values`),
and each session sends the recording through the same component. An upload's map serves one session: prepared at
each run, kept nowhere.
"""

from __future__ import annotations

import threading

import streamlit_folium
from streamlit_folium import st_folium

from ui import cache, map_assets, session

# The component st_folium sends through, taken once: while a map is recorded, the module's own name points elsewhere.
_COMPONENT = streamlit_folium._component_func
_RECORDING = threading.Lock()


def show_map(build, *args, key: str, height: int, of_upload: bool = False, **kwargs) -> None:
    """The map ``build(*args, **kwargs, assets_url=…, tiles=…)`` (a function of :mod:`gen_dash.maps` or
    :mod:`gen_dash.commune_map`, given where the browser finds Leaflet and the basemap) across the page, *height*
    pixels high. Panning or zooming sends nothing back: the page does not run again. *of_upload*: the map shows
    the session's upload though the view is of a published snapshot (Comparer); it is then kept nowhere, as when
    the view is of the upload."""
    kwargs |= map_assets.map_settings()
    if of_upload or session.view().entry.is_upload:
        sent = prepared(build(*args, **kwargs), key, height)
    else:
        sent = cache.shared_values().get(
            (*cache.work_key("carte", build, args, kwargs), key, height),
            lambda: prepared(build(*args, **kwargs), key, height),
        )
    _COMPONENT(**sent)


def prepared(folium_map, key: str, height: int) -> dict:
    """What ``st_folium`` would send the browser for *folium_map* (the component's arguments), recorded, not sent."""
    sent = {}
    # One recording at a time: the component's name is the module's, shared by all sessions; every map of the
    # dashboard goes through here (a test checks no page calls st_folium itself).
    with _RECORDING:
        streamlit_folium._component_func = lambda **arguments: sent.update(arguments)
        try:
            st_folium(
                folium_map, key=key, height=height, use_container_width=True, returned_objects=[]
            )
        finally:
            streamlit_folium._component_func = _COMPONENT
    # Its callback copies the component's value into the session; nothing is returned here (returned_objects=[]).
    sent.pop("on_change", None)
    return sent
