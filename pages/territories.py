"""Territoires: rankings of régions and départements, the territory beside the nation, exports."""

from functools import partial

import streamlit as st

from gen_dash import export, tables
from ui import downloads, layout, shared_work

view = layout.page_header("Territoires")
territory = view.territory

st.header("Le territoire face à la France" if not territory.national else "La France entière")
comparison = shared_work.beside_nation(view, territory, view.targets)
# A table of text, not a grid: at 1 024 px the grid cut its last column mid-word; text wraps, and a screen reader
# reads it by rows and columns.
st.markdown(tables.beside_nation_on_page(comparison, territory, view.missing))

st.header("Classement")
level = st.radio(
    "Niveau",
    ["region", "departement", "epci"],
    horizontal=True,
    key="territoires_niveau",
    index=2 if territory.epci else 0,
    format_func={"region": "Régions", "departement": "Départements", "epci": "EPCI"}.get,
)
by = "formations" if view.snapshot.list_only else "apprenants"
ranking = tables.ranking(shared_work.figures(view, level), territory, level, by)
where = (
    ""
    if territory.national
    else f" ; la ligne cochée est {territory.region_name}"
    if level == "region"
    else f" ; EPCI des départements de {territory.label}"
    + (", celui choisi coché" if territory.epci else "")
    if level == "epci"
    else f" ; départements de {territory.region_name}, ceux du territoire choisi cochés"
)
ranked_by = "de formations" if by == "formations" else "d'apprenants"
st.caption(
    f"Rang selon le nombre {ranked_by}{where}. Cliquez sur un en-tête de colonne pour trier."
)
st.dataframe(
    ranking,
    hide_index=True,
    width="stretch",
    column_order=[
        "choisi",
        "rang",
        "rang_region",
        "code",
        "nom",
        "nature",
        "fabriques",
        "formations",
        "apprenants",
        "apprenants_pour_100k",
        "part_femmes",
        "part_neet",
        "apprenants_boursiers",
        "part_boursiers",
        "subvention_eur",
        "population",
    ],
    column_config={
        "choisi": st.column_config.CheckboxColumn(
            "Choisi", help="Le territoire choisi dans la barre latérale"
        ),
        "rang": st.column_config.NumberColumn("Rang national", format="%d"),
        "rang_region": st.column_config.NumberColumn("Rang dans la région", format="%d"),
        "code": "Code",
        # kept in view on a phone
        "nom": st.column_config.TextColumn("Nom", pinned=True, width="medium"),
        "nature": "Nature",
        **{
            key: st.column_config.NumberColumn(title, format="localized")
            for key, title in tables.FIGURE_HEADERS.items()
            if key not in ("code", "nom", "nom_region")
        },
    },
)

if level == "epci":
    white = tables.epci_without_formation(ranking)
    st.subheader(f"EPCI sans aucune formation : {len(white)} sur {len(ranking)}")
    st.caption(
        "Les zones blanches du programme, un niveau sous le département : la population de chacun est celle "
        "de ses communes (populations légales)."
    )
    st.dataframe(
        white,
        hide_index=True,
        width="stretch",
        column_config={"Population": st.column_config.NumberColumn(format="localized")},
    )

st.header("Exporter le territoire")
stem = view.file_stem
rows = tables.readable_rows(view.rows)
departements = tables.figures_export(territory.apply(shared_work.figures(view), "code"))
epci_figures = shared_work.figures(view, "epci")
by_epci = tables.figures_export(tables.ranking(epci_figures, territory, "epci", by), "epci")
left, right = st.columns(2)
# Files are built only when a button is clicked (a callable), not on every rerun.
downloads.offer(
    left,
    "Formations du territoire (CSV)",
    partial(export.to_csv_bytes, rows),
    f"{stem}-formations.csv",
    "text/csv",
    key="export_lignes_csv",
    icon=":material/download:",
)
downloads.offer(
    left,
    "Chiffres par département (CSV)",
    partial(export.to_csv_bytes, departements),
    f"{stem}-departements.csv",
    "text/csv",
    key="export_chiffres_csv",
    icon=":material/download:",
)
downloads.offer(
    right,
    "Chiffres par EPCI (CSV)",
    partial(export.to_csv_bytes, by_epci),
    f"{stem}-epci.csv",
    "text/csv",
    key="export_epci_csv",
    icon=":material/download:",
)
downloads.offer(
    right,
    "Tout, en classeur Excel (.xlsx)",
    partial(
        export.to_xlsx_bytes,
        {
            "Formations": rows,
            "Départements": departements,
            "EPCI": by_epci,
            "Comparaison": tables.comparison_export(comparison, territory),
        },
    ),
    f"{stem}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="export_xlsx",
    icon=":material/download:",
)
downloads.offer(
    right,
    "Formations, colonnes du contrat (CSV)",
    partial(export.to_csv_bytes, view.rows),
    f"{stem}-formations-contrat.csv",
    "text/csv",
    key="export_lignes_contrat",
    icon=":material/download:",
    help="Les noms de colonnes du contrat de fichier, pour un programme ou data.gouv.fr : les mêmes "
    "octets que l'API (/api/instantanes/{numéro}.csv) pour un instantané publié.",
)
downloads.offer(
    left,
    "Fiche PDF du territoire (une page)",
    partial(downloads.sheet_pdf, view),
    f"{stem}-fiche.pdf",
    "application/pdf",
    key="territoires_fiche",
    icon=":material/picture_as_pdf:",
)
st.caption(
    f"Les exports portent sur {territory.label} : {len(departements)} département(s). Les CSV s'ouvrent directement "
    "dans Excel en français (séparateur point-virgule, UTF-8 avec BOM)."
)
