"""The reference tables and the programme's targets, loaded once per server (they never change while it runs)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gen_dash import epci, geo
from gen_dash.targets import Targets, load_targets


@st.cache_resource(show_spinner=False)
def targets() -> Targets:
    """The programme's targets (``data/targets.toml``)."""
    return load_targets()


@st.cache_resource(show_spinner=False)
def departements_table() -> pd.DataFrame:
    """Départements without geometry, for the territory filter."""
    return geo.departements_table()


@st.cache_resource(show_spinner=False)
def regions_table() -> pd.DataFrame:
    """Régions without geometry, sorted by name."""
    return geo.regions_table().sort_values("nom_region")


@st.cache_resource(show_spinner=False)
def epci_table() -> pd.DataFrame:
    """The EPCI (:func:`gen_dash.epci.epci_table`)."""
    return epci.epci_table()


@st.cache_resource(show_spinner=False)
def communes_table() -> pd.DataFrame:
    """Communes with population and point, without geometry (coverage analysis)."""
    return geo.communes_table()
