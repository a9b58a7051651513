"""What a server does once, at its first run (the launcher's warm-up), so that no visitor waits for it."""

from __future__ import annotations

import gc
import logging
import threading
import time

import streamlit as st

# Imported at start-up, not by the first session that opens a map: streamlit_folium (with folium) and gen_dash.maps
# (mapclassify, with scipy.stats, sklearn and matplotlib) cost ~1.8 s of imports.
import streamlit_folium  # noqa: F401

import gen_dash.maps  # noqa: F401 - see streamlit_folium above
from gen_dash import legal, memory, upload


@st.cache_resource(show_spinner=False)
def start_reading_process() -> None:
    """The process uploads are read in, started when the server first runs the app, not at the first upload."""
    upload.start()


@st.cache_resource(show_spinner=False)
def warn_unset_settings() -> None:
    """Once per server: the legal settings still unset, in its log (their pages show a placeholder meanwhile)."""
    missing = legal.unset_settings()
    if missing:
        logging.getLogger("gen_dash").warning(
            "Mentions légales incomplètes : réglez %s (voir le README, Configuration).",
            ", ".join(missing),
        )


@st.cache_resource(show_spinner=False)
def give_back_memory_regularly(seconds: float = 20.0) -> None:
    """Every *seconds*, what sessions freed since goes back to the system (:func:`gen_dash.memory.give_back_memory`,
    without a collection): a closed session's pages free their tables after its upload is gone, and they stayed
    reserved by the C allocator."""

    def loop() -> None:
        while True:
            time.sleep(seconds)
            memory.give_back_memory(collect=False)

    threading.Thread(target=loop, name="gen-dash-memoire", daemon=True).start()


@st.cache_resource(show_spinner=False)
def freeze_start_up_objects() -> None:
    """At the end of the server's first run: what start-up made (modules, reference tables, caches) is set aside from
    the garbage collector, which Streamlit runs after every script run; it then walks only what sessions made."""
    gc.collect()
    gc.freeze()
