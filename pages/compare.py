"""Comparer: formations added, removed and changed between two snapshots, by territory, and every figure's change."""

import streamlit as st

from gen_dash import compare, fmt, maps, tables
from ui import layout, map_frame, sources

view = layout.page_header("Comparer deux instantanés")
listed = view.entries
by_id = {e.id: e for e in listed}
if len(listed) < 2:
    st.info(
        "Il faut au moins deux instantanés (publiés, ou un publié et votre fichier déposé) pour comparer."
    )
    st.stop()
ids = list(by_id)
default_before, default_after = sources.default_comparison(view)
left, right = st.columns(2)
before_id = left.selectbox(
    "Avant",
    ids,
    index=ids.index(default_before),
    key="comparer_avant",
    format_func=lambda i: by_id[i].label,
)
after_id = right.selectbox(
    "Après",
    ids,
    index=ids.index(default_after),
    key="comparer_apres",
    format_func=lambda i: by_id[i].label,
)
for chosen in (by_id[before_id], by_id[after_id]):
    if chosen.replaced:
        st.caption(
            f"« {layout.escape_md(chosen.label)} » est {chosen.replaced} : pour sa date, c'est l'autre qui compte dans "
            "l'évolution."
        )
changes, figures = sources.comparison(view, by_id[before_id], by_id[after_id])
counts = compare.count_by_status(changes)
a, b, c = st.columns(3)
a.metric("Formations ajoutées", fmt.number(counts[compare.AJOUTEE]), border=True)
b.metric("Formations retirées", fmt.number(counts[compare.RETIREE]), border=True)
c.metric("Formations modifiées", fmt.number(counts[compare.MODIFIEE]), border=True)

st.header("Chiffres clés")
st.dataframe(
    tables.french_by_row(
        figures, ["avant", "apres", "ecart"], signed=("ecart",), missing=view.missing
    ),
    hide_index=True,
    width="stretch",
    column_order=["libelle", "avant", "apres", "ecart"],
    column_config={"libelle": "Indicateur", "avant": "Avant", "apres": "Après", "ecart": "Écart"},
)

st.header("Formations")
shown = st.multiselect(
    "Montrer",
    [compare.AJOUTEE, compare.RETIREE, compare.MODIFIEE],
    default=[compare.AJOUTEE, compare.RETIREE, compare.MODIFIEE],
    key="comparer_statuts",
)
selected = tables.with_status(changes, shown)
st.dataframe(
    selected.drop(columns=["latitude", "longitude"]),
    hide_index=True,
    width="stretch",
    column_config={
        "id_formation": "Formation",
        "nom_formation": "Intitulé",
        "nom_fabrique": "Fabrique",
        "commune": "Commune",
        "code_departement": "Département",
        "code_region": "Région",
        "statut": st.column_config.TextColumn("Changement", pinned=True),
        "champs_modifies": st.column_config.TextColumn("Champs modifiés", width="large"),
        "avant": st.column_config.TextColumn("Avant", width="large"),
        "apres": st.column_config.TextColumn("Après", width="large"),
    },
)
map_frame.show_map(
    maps.changes_map,
    compare.changes_by_departement(selected),
    selected,
    focus=view.territory.focus,
    key="carte_changements",
    height=560,
    of_upload=by_id[before_id].is_upload or by_id[after_id].is_upload,
)
st.caption(
    f"Carte des changements de {view.territory.label} : {counts[compare.AJOUTEE]} formation(s) ajoutée(s) "
    f"(disque vert « + »), {counts[compare.RETIREE]} retirée(s) (carré rouge « − »), "
    f"{counts[compare.MODIFIEE]} modifiée(s) (losange bleu « ~ ») ; départements colorés selon le nombre de "
    "changements."
)
