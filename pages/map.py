"""Carte: départements by an indicator, région borders, fabriques, the DROM as insets."""

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

import appstate as state
from gen_dash import maps, tables
from gen_dash.indicators import ON_MAP

view = state.page_header("Carte des fabriques et des formations")
territory = view.territory
indicator = st.selectbox("Indicateur", maps.indicators_for(view.snapshot.list_only), key="carte_indicateur",
                         format_func=lambda k: ON_MAP[k].short)
quota = view.targets.quota(indicator)
figures = state.shared(view, "figures")
fabriques = territory.apply(state.shared(view, "fabriques"))
folium_map = maps.departement_map(figures, fabriques, indicator, focus=territory.focus, **state.map_settings(), quota=quota)
# For the keyboard: a way past the map (its frame holds the focus), to the same fabriques as a list.
st.markdown('<a href="#fabriques-en-liste">Passer la carte</a> (aller à la liste des fabriques)', unsafe_allow_html=True)
# returned_objects=[]: panning or zooming sends nothing back, so the script does not rerun.
st_folium(folium_map, height=640, use_container_width=True, returned_objects=[], key="carte")
st.caption(maps.describe(territory.apply(figures, "code"), fabriques, indicator, territory))
stem = f"gen-{view.entry.date or 'sans-date'}-{territory.slug}-carte-{indicator}"
left, right = st.columns(2)
left.download_button("Télécharger la carte (PNG)", partial(state.map_image, view, indicator, "png"), f"{stem}.png",
                     "image/png", key="carte_png", icon=":material/image:")
right.download_button("Télécharger la carte (SVG)", partial(state.map_image, view, indicator, "svg"), f"{stem}.svg",
                      "image/svg+xml", key="carte_svg", icon=":material/image:")
st.header(f"{territory.label} : les fabriques en liste", anchor="fabriques-en-liste")
st.dataframe(tables.fabriques_list(fabriques), hide_index=True, width="stretch",
             column_config={"Formations": st.column_config.NumberColumn(format="localized"),
                            "Apprenants": st.column_config.NumberColumn(format="localized")})
