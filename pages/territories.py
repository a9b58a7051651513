"""Territoires: rankings of régions and départements, the territory beside the nation, exports."""

from functools import partial

import streamlit as st

import appstate as s
from gen_dash import export, metrics, tables

view = s.page_header("Territoires")

st.subheader("Le territoire face à la France")
comparison = metrics.compare_with_nation(view.rows, view.national, view.targets)
st.dataframe(
    tables.french_by_row(comparison.assign(nature_part="part"), ["territoire", "france"])
    .pipe(tables.french_by_row, ["part_du_national"], nature="nature_part"),
    hide_index=True, width="stretch", column_order=["libelle", "territoire", "france", "part_du_national"],
    column_config={"libelle": "Indicateur", "territoire": view.territory, "france": "France entière",
                   "part_du_national": "Part du total national"},
)

st.subheader("Classement")
level = st.radio("Niveau", ["region", "departement"], horizontal=True, key="territoires_niveau",
                 format_func={"region": "Régions", "departement": "Départements"}.get)
ranking = metrics.filter_territory(metrics.figures_by_territory(view.national, level),
                                   view.region if level == "departement" else None, view.departements)
st.caption("Cliquez sur un en-tête de colonne pour trier.")
st.dataframe(
    tables.as_points(ranking, ["part_femmes", "part_neet"]).sort_values("apprenants", ascending=False),
    hide_index=True, width="stretch",
    column_order=["code", "nom", "fabriques", "formations", "apprenants", "apprenants_pour_100k", "part_femmes", "part_neet",
                  "apprenants_boursiers", "subvention_eur", "population"],
    column_config={
        "code": "Code", "nom": "Nom",
        "fabriques": st.column_config.NumberColumn("Fabriques", format="localized"),
        "formations": st.column_config.NumberColumn("Formations", format="localized"),
        "apprenants": st.column_config.NumberColumn("Apprenants", format="localized"),
        "apprenants_pour_100k": st.column_config.NumberColumn("Apprenants pour 100 000 hab.", format="localized"),
        "part_femmes": st.column_config.NumberColumn("Part de femmes (%)", format="localized"),
        "part_neet": st.column_config.NumberColumn("Part de jeunes NEET (%)", format="localized"),
        "apprenants_boursiers": st.column_config.NumberColumn("Boursiers", format="localized"),
        "subvention_eur": st.column_config.NumberColumn("Subventions (€)", format="localized"),
        "population": st.column_config.NumberColumn("Population", format="localized"),
    },
)

st.subheader("Exporter le territoire")
stem = f"gen-{(view.entry.date or 'sans-date')}-{'-'.join(view.departements) or view.region or 'france'}"
rows = tables.readable_rows(view.rows)
departements = metrics.filter_territory(metrics.figures_by_territory(view.national), view.region, view.departements)
left, right = st.columns(2)
# Files are built only when a button is clicked (a callable), not on every rerun.
left.download_button("Formations du territoire (CSV)", partial(export.to_csv_bytes, rows), f"{stem}-formations.csv",
                     "text/csv", key="export_lignes_csv", icon=":material/download:")
left.download_button("Chiffres par département (CSV)", partial(export.to_csv_bytes, departements), f"{stem}-departements.csv",
                     "text/csv", key="export_chiffres_csv", icon=":material/download:")
right.download_button(
    "Tout, en classeur Excel (.xlsx)",
    partial(export.to_xlsx_bytes, {"Formations": rows, "Départements": departements,
                                   "Comparaison": comparison.drop(columns="nature")}),
    f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx",
    icon=":material/download:",
)
st.caption("Les CSV s'ouvrent directement dans Excel en français (séparateur point-virgule, UTF-8 avec BOM).")
