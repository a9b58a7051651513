"""Vagues et objectifs: cumulated progress wave by wave, subsidies, evolution and projection."""

import streamlit as st

import appstate as s
from gen_dash import charts, fmt, metrics, tables

view = s.page_header("Vagues et objectifs")
targets = view.targets
progress = metrics.progress_by_wave(view.rows, targets)

# The targets are national: no target line on a région's or a département's chart.
fabriques_goal, learners_goal = (None, None) if view.filtered else (targets.fabriques, targets.apprenants)
left, right = st.columns(2)
with left:
    s.show_chart(charts.cumulative_by_wave(progress, "fabriques_cumulees", "Fabriques cumulées", "fabriques",
                                           fabriques_goal), key="vagues_fabriques")
with right:
    s.show_chart(charts.cumulative_by_wave(progress, "apprenants_cumules", "Apprenants cumulés", "apprenants",
                                           learners_goal), key="vagues_apprenants")

st.subheader("Par vague")
shown = tables.french(progress, {
    "formations": "nombre", "nouvelles_fabriques": "nombre", "apprenants": "nombre", "fabriques_cumulees": "nombre",
    "apprenants_cumules": "nombre", "taux_fabriques": "part", "taux_apprenants": "part", "subvention_eur": "euros",
    "enveloppe_eur": "euros", "taux_enveloppe": "part"})
st.dataframe(
    shown, hide_index=True, width="stretch",
    column_order=["vague", "formations", "nouvelles_fabriques", "apprenants", "fabriques_cumulees", "apprenants_cumules",
                  "taux_fabriques", "taux_apprenants", "subvention_eur", "enveloppe_eur", "taux_enveloppe"],
    column_config={
        "vague": st.column_config.NumberColumn("Vague", format="%d"), "formations": "Formations",
        "nouvelles_fabriques": "Nouvelles fabriques", "apprenants": "Apprenants", "fabriques_cumulees": "Fabriques (cumul)",
        "apprenants_cumules": "Apprenants (cumul)",
        "taux_fabriques": f"Part de l'objectif de {fmt.number(targets.fabriques)} fabriques",
        "taux_apprenants": f"Part de l'objectif de {fmt.number(targets.apprenants)} apprenants",
        "subvention_eur": "Subventions", "enveloppe_eur": "Enveloppe", "taux_enveloppe": "Part de l'enveloppe",
    },
)
s.show_chart(charts.budget_by_wave(progress), key="vagues_budget")

st.subheader("Évolution d'un instantané à l'autre")
history = s.history(view)
if len(history) < 2:
    st.write("Il faut au moins deux instantanés datés pour montrer une évolution.")
else:
    left, right = st.columns(2)
    for column, what, target, box in (("fabriques", "Fabriques", targets.fabriques, left),
                                      ("apprenants", "Apprenants", targets.apprenants, right)):
        pace = metrics.pace(history[column], target, targets.echeance)
        with box:
            s.show_chart(charts.evolution(history, column, what, None if view.filtered else target, targets.echeance,
                                          pace), key=f"evolution_{column}")
