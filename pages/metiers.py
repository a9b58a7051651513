"""Métiers: the offer by métier family for the territory on screen beside France, the gaps between families in
women's and young NEET learners' shares, where a family is trained and where it is missing.

A page of its own rather than a section of Territoires: Territoires ranks places; this page crosses the offer with
places, and its map and coverage are about one métier at a time.
"""

from functools import partial

import streamlit as st

from gen_dash import charts_breakdown, export, fmt, geo, maps, metrics, tables
from ui import downloads, layout, map_frame, shared_work

view = layout.page_header("Métiers")
territory = view.territory
table = shared_work.metiers(view, territory)
offered = metrics.offered_families(table)
where = (
    "en France"
    if territory.national
    else f"dans le territoire ({layout.escape_md(territory.label)})"
)
if offered:
    largest = metrics.largest_families(table)
    top = table.set_index("famille").loc[largest[0]]
    size = f"{fmt.number(top['formations'])} formation(s), {fmt.percent(top['part_formations'])}"
    # In quotes, not only in bold: « Design et communication numérique et Développement web » read aloud, or
    # copied, would not say where a name ends.
    names = [f"**«\u00a0{layout.escape_md(name)}\u00a0»**" for name in largest]
    # Families that tie are all named: « la plus grande » of two equals would name the first by alphabet.
    st.markdown(
        f"**{len(offered)} famille(s) de métiers** proposée(s) {where} ; "
        + (
            f"la plus grande : {names[0]} ({size} du territoire)."
            if len(names) == 1
            else f"les plus grandes, à égalité : {', '.join(names[:-1])} et {names[-1]} "
            f"({size} du territoire chacune)."
        )
    )
else:
    st.markdown(f"Aucune formation au métier renseigné {where}.")

st.header("Les familles de métiers")
shown = tables.metiers_export(table, territory)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        shown.columns[0]: st.column_config.TextColumn(pinned=True, width="medium"),
        **{c: st.column_config.NumberColumn(c, format="localized") for c in shown.columns[1:]},
    },
)
st.caption(
    "Les métiers sont regroupés en familles à la lecture du fichier (majuscules, accents et variantes "
    "d'écriture ne comptent pas ; règles dans le fichier data/metiers.csv) ; une formation sans métier compte sous "
    "« non renseigné ». Parts en points de pourcentage ; « – » : aucun apprenant."
    + (
        ""
        if territory.national
        else f" Colonnes : {layout.escape_md(territory.label)}, puis la France entière ; les "
        "familles que le territoire ne propose pas y figurent avec 0 formation."
    )
)

if not view.snapshot.list_only:
    layout.show_chart(
        charts_breakdown.shares_by_metier,
        table,
        {k: view.targets.quota(k) for k in ("part_femmes", "part_neet")},
        territory.label,
        key="metiers_parts",
    )

st.header("Où une famille de métiers est formée")
national_offer = metrics.offered_families(shared_work.metiers(view))
if not national_offer:
    st.info("Aucune formation de cet instantané ne renseigne son métier.")
    st.stop()
left, right = st.columns([2, 1])
chosen = left.selectbox("Famille de métiers", national_offer, key="metiers_famille")
radius = right.slider(
    "Rayon (km, à vol d'oiseau)", min_value=5, max_value=100, value=30, step=5, key="metiers_rayon"
)
# Every formation of the family counts, even across the territory's border.
place = shared_work.metier(view, chosen)
figures, fabriques = place["figures"], place["fabriques"]
reach = shared_work.metier_coverage(view, chosen, territory, radius)
totals, absent = reach["totals"], reach["white"]
first, second, third = st.columns(3)
first.metric(
    "Formations",
    fmt.number(table.set_index("famille")["formations"].get(chosen, 0)),
    border=True,
    help=f"{chosen}, {territory.label}.",
)
second.metric(
    f"Population à moins de {radius} km",
    fmt.percent(totals["part_couverte"]),
    border=True,
    help=f"Part des habitants du territoire à moins de {radius} km d'une fabrique qui forme à ce métier "
    f"({fmt.number(totals['population_couverte'])} sur {fmt.number(totals['population'])}).",
)
third.metric(
    "Départements sans cette formation",
    f"{fmt.number(len(absent))} sur {fmt.number(len(territory.codes))}",
    border=True,
)
st.markdown(
    f"**Départements du territoire où « {layout.escape_md(chosen)} » n'est pas proposée** : "
    + (layout.escape_md(", ".join(geo.departement_labels(absent))) or "aucun")
    + "."
)
title = f"Formations : {chosen}"
map_frame.show_map(
    maps.departement_map,
    figures,
    fabriques,
    "formations",
    focus=territory.focus,
    title=title,
    key="carte_metier",
    height=560,
)
st.caption(
    maps.describe(
        territory.apply(figures, "code"), territory.apply(fabriques), "formations", territory, title
    )
)

st.header("Exporter")
stem = f"{view.file_stem}-metiers"
left, right = st.columns(2)
downloads.offer(
    left,
    "Familles de métiers (CSV)",
    partial(export.to_csv_bytes, shown),
    f"{stem}.csv",
    "text/csv",
    key="metiers_export_csv",
    icon=":material/download:",
)
downloads.offer(
    right,
    "Familles de métiers (.xlsx)",
    partial(export.to_xlsx_bytes, {"Métiers": shown}),
    f"{stem}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="metiers_export_xlsx",
    icon=":material/download:",
)
