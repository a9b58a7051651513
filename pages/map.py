"""Carte: départements by an indicator, région borders, fabriques, the DROM as insets."""

import streamlit as st
from streamlit_folium import st_folium

import appstate as state
from gen_dash import maps, metrics
from gen_dash.indicators import ON_MAP

view = state.page_header("Carte des fabriques et des formations")
territory = view.territory
indicator = st.selectbox("Indicateur", maps.indicators_for(view.snapshot.list_only), key="carte_indicateur",
                         format_func=lambda k: ON_MAP[k].short)
quota = {"part_femmes": view.targets.part_femmes, "part_neet": view.targets.part_neet}.get(indicator)
figures = metrics.figures_by_territory(view.national)
fabriques = metrics.fabriques_of(view.rows)
folium_map = maps.departement_map(figures, fabriques, indicator, focus=territory.focus, **state.map_settings(), quota=quota)
# returned_objects=[]: panning or zooming sends nothing back, so the script does not rerun.
st_folium(folium_map, height=640, use_container_width=True, returned_objects=[], key="carte")
st.caption(maps.describe(territory.apply(figures, "code"), fabriques, indicator, territory))
