"""What every map needs from the server: Leaflet served by the app itself, and where the browser finds it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gen_dash import assets, config
from ui.layout import STATIC_DIR


@st.cache_resource(show_spinner=False)
def map_assets_dir() -> Path:
    """Leaflet and its plugin, copied once into ``static/vendor`` so the map needs no CDN."""
    return assets.install_assets(STATIC_DIR)


def map_settings() -> dict:
    """What every map of :mod:`gen_dash.maps` needs from the server: where the browser finds ``static/`` (honouring
    ``server.baseUrlPath``) and the configured basemap, if any."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return {"assets_url": ("/" + base if base else "") + "/app/static", "tiles": config.basemap()}
