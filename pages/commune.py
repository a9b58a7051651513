"""Ma commune: is there a fabrique or a formation near us, and how far?"""

import streamlit as st

from gen_dash import commune, fmt, tables
from gen_dash.commune_map import commune_map
from ui import layout, map_frame, session, shared_work
from ui import territory as territory_flow

territory_flow.follow_link()
view = layout.page_header("Ma commune")
st.write(
    "Une commune par son nom, son code postal ou son code INSEE : les fabriques les plus proches, les formations "
    "à portée, et une phrase à reprendre."
)
asked = st.query_params.get("commune")
if asked and st.session_state.get(session.COMMUNE_SEARCH) is None:
    st.session_state[session.COMMUNE_SEARCH] = asked  # a shared link (?commune=34145) opens on it
left, right = st.columns([3, 1])
query = left.text_input(
    "Rechercher une commune",
    key=session.COMMUNE_SEARCH,
    placeholder="Lunel, 34400 ou 34145",
    help="Accents, majuscules et « St » / « Saint » sont indifférents ; ajoutez le département pour "
    "départager des homonymes : « Saint-Denis (93) ».",
)
radius = right.number_input(
    "Rayon (km)", min_value=5, max_value=100, value=30, step=5, key="commune_rayon"
)
if not query or not query.strip():
    st.info(
        "Tapez le nom d'une commune, son code postal ou son code INSEE, puis Entrée.",
        icon=":material/search:",
    )
    st.stop()

found = commune.find_commune(query)
place = found.one
if place is None and len(found.communes):
    st.warning(
        f"« {layout.escape_md(query)} » désigne {len(found.communes)} communes ({found.how}) : choisissez-en une.",
        icon=":material/list:",
    )
    options = found.communes["code_commune"].tolist()
    labels = {
        r.code_commune: f"{r.nom_commune} — {r.nom_departement} ({r.code_departement}), {r.code_commune}"
        for r in found.communes.itertuples(index=False)
    }
    chosen = st.radio(
        "Communes possibles", options, format_func=labels.get, key="commune_choix", index=None
    )
    if chosen is None:
        st.stop()
    place = found.communes.set_index("code_commune", drop=False).loc[chosen]
elif place is None:
    closest = f" Communes au nom proche : {', '.join(found.closest)}." if found.closest else ""
    st.error(
        f"Aucune commune ne correspond à « {layout.escape_md(query)} ».{layout.escape_md(closest)}",
        icon=":material/search_off:",
    )
    st.stop()
if st.query_params.get("commune") != place["code_commune"]:
    st.query_params["commune"] = place["code_commune"]

near = shared_work.near_commune(view, place, float(radius))
epci_name = place["nom_epci"] if isinstance(place["nom_epci"], str) else None
st.header(f"{place['nom_commune']} ({place['code_commune']})")
where = [
    f"{fmt.number(place['population'])} habitants",
    f"département : {place['nom_departement']} ({place['code_departement']})",
]
if epci_name:
    where.insert(1, f"intercommunalité : {epci_name}")
else:
    where.insert(1, "hors de tout EPCI (commune insulaire)")
st.caption(
    layout.escape_md(" · ".join(where))
    + (f" · trouvée par {found.how}" if found.how != "nom" else "")
)
st.markdown("> " + layout.escape_md(near.sentence))

first, second, third = st.columns(3)
nearest_km = near.fabriques["distance_km"].iloc[0] if len(near.fabriques) else None
first.metric(
    "Fabrique la plus proche",
    "aucune" if nearest_km is None else f"{fmt.number(nearest_km, 1)} km",
    border=True,
    help="Distance à vol d'oiseau depuis le point de référence de la commune.",
)
second.metric(
    f"Formations à moins de {fmt.number(radius)} km",
    fmt.number(near.formations_within),
    border=True,
)
third.metric(
    "Commune couverte",
    "oui" if near.covered else "non",
    border=True,
    help=f"Une fabrique à moins de {fmt.number(radius)} km.",
)

fabriques = shared_work.fabriques(view)
if len(near.fabriques):
    st.markdown("[Passer la carte](#fabriques-proches) (aller à la liste des fabriques proches)")
    map_frame.show_map(
        commune_map,
        place,
        near.fabriques,
        fabriques,
        float(radius),
        key="carte_commune",
        height=420,
    )
    st.caption(
        f"Carte centrée sur {place['nom_commune']} : le cercle de {fmt.number(radius)} km, les "
        f"{len(near.fabriques)} fabriques les plus proches numérotées par distance."
    )
st.header("Les fabriques les plus proches", anchor="fabriques-proches")
# A list, where « Passer la carte » leads: read item by item, long lists of métiers wrapped (the grid it replaces
# scrolled sideways at 1 024 px, 1 595 px of columns in 562).
st.markdown(
    tables.nearest_on_page(near.fabriques) or "Aucune fabrique n'est localisée dans cet instantané."
)

st.header("Aller plus loin")
links = st.columns(2)
if epci_name:
    links[0].button(
        f"Voir l'intercommunalité : {epci_name}",
        icon=":material/hub:",
        key="commune_vers_epci",
        on_click=territory_flow.go_to,
        args=(place["code_region"], [], place["code_epci"]),
    )
links[1].button(
    f"Voir le département : {place['nom_departement']}",
    icon=":material/map:",
    key="commune_vers_dep",
    on_click=territory_flow.go_to,
    args=(place["code_region"], [place["code_departement"]], None),
)
