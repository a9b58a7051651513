"""Carte: départements by an indicator, région borders, fabriques, the DROM as insets."""

from functools import partial

import streamlit as st

from gen_dash import fmt, maps
from gen_dash.indicators import ON_MAP
from ui import downloads, layout, map_frame, shared_work

LISTED = 500  # rows of the list on the page (the sample's national list: 198)

view = layout.page_header("Carte des fabriques et des formations")
territory = view.territory
indicator = st.selectbox(
    "Indicateur",
    maps.indicators_for(view.snapshot.list_only),
    key="carte_indicateur",
    format_func=lambda k: ON_MAP[k].short,
)
# ?maille=epci: a link to the EPCI map
by_epci_first = territory.epci or st.query_params.get("maille") == "epci"
grid = st.radio(
    "Maille",
    ["departement", "epci"],
    horizontal=True,
    key="carte_maille",
    index=1 if by_epci_first else 0,
    format_func={"departement": "Départements", "epci": "Intercommunalités (EPCI)"}.get,
    help="Colorer les départements, ou les intercommunalités (EPCI : communautés de communes, "
    "d'agglomération, urbaines, métropoles).",
)
by_epci = grid == "epci"
quota = view.targets.quota(indicator)
figures = shared_work.figures(view, grid)
fabriques = territory.apply(shared_work.fabriques(view))
# For the keyboard: a way past the map (its frame holds the focus), to the same fabriques as a list.
# A Markdown link, not HTML: HTML in Markdown costs every first visit Streamlit's HTML parser (57 kB).
st.markdown("[Passer la carte](#fabriques-en-liste) (aller à la liste des fabriques)")
if by_epci:
    map_frame.show_map(
        maps.epci_map,
        figures,
        fabriques,
        indicator,
        territory,
        quota=quota,
        key="carte",
        height=640,
    )
    shown = (
        figures
        if territory.national
        else figures[figures["code"].isin(maps.epci_focus(figures, territory))]
    )
else:
    map_frame.show_map(
        maps.departement_map,
        figures,
        fabriques,
        indicator,
        focus=territory.focus,
        quota=quota,
        key="carte",
        height=640,
    )
    shown = territory.apply(figures, "code")
st.caption(maps.describe(shown, fabriques, indicator, territory, by_epci=by_epci))
if by_epci:
    outside = int(view.rows["code_epci"].isna().sum())
    if outside:  # said, not lost
        st.caption(
            f"{outside} formation(s) du territoire ne sont dans aucun EPCI (situées par leur seul département, ou "
            "dans l'une des quatre communes insulaires sans EPCI) : elles ne colorent aucun EPCI."
        )
stem = f"{view.file_stem}-carte-{indicator}"
left, right = st.columns(2)
downloads.offer(
    left,
    "Télécharger la carte (PNG)",
    partial(downloads.map_image, view, indicator, "png"),
    f"{stem}.png",
    "image/png",
    key="carte_png",
    icon=":material/image:",
)
downloads.offer(
    right,
    "Télécharger la carte (SVG)",
    partial(downloads.map_image, view, indicator, "svg"),
    f"{stem}.svg",
    "image/svg+xml",
    key="carte_svg",
    icon=":material/image:",
)
st.header(f"{territory.label} : les fabriques en liste", anchor="fabriques-en-liste")
# A table of the page's own (Markdown): read by rows and columns, found by the browser's search, no script to fetch.
table, count = shared_work.fabriques_listed(view, territory, LISTED, view.missing)
if not count:
    st.write("Aucune fabrique dans ce territoire.")
else:
    st.markdown(table)
    if count > LISTED:  # said, and the whole list one click away
        st.caption(
            f"Les {fmt.number(LISTED)} premières fabriques par nom, sur {fmt.number(count)} : "
            "la liste entière est dans le fichier ci-dessous."
        )
    downloads.offer(
        st,
        "Télécharger la liste (CSV)",
        partial(downloads.fabriques_csv, view),
        f"{view.file_stem}-fabriques.csv",
        "text/csv",
        key="carte_liste_csv",
        icon=":material/download:",
    )
