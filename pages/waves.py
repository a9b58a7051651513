"""Vagues et objectifs: cumulated progress wave by wave, subsidies, evolution and projection."""

import streamlit as st

from gen_dash import charts, charts_breakdown, fmt, metrics, tables, trend
from gen_dash.indicators import BY_KEY
from ui import layout, session, shared_work, sources

view = layout.page_header("Vagues et objectifs")
targets, territory = view.targets, view.territory
# The targets and the envelopes are national: a territory is set against the nation instead.
progress = shared_work.progress(view, territory, targets)

fabriques_goal, learners_goal = (
    (targets.fabriques, targets.apprenants) if territory.national else (None, None)
)
left, right = st.columns(2)
with left:
    layout.show_chart(
        charts.cumulative_by_wave,
        progress,
        "fabriques_cumulees",
        "Fabriques cumulées",
        "fabriques",
        fabriques_goal,
        key="vagues_fabriques",
    )
with right:
    if view.snapshot.list_only:
        st.markdown(
            f"**Apprenants cumulés, vague par vague** : {session.NOT_GIVEN} (liste de formations, sans effectifs)."
        )
    else:
        layout.show_chart(
            charts.cumulative_by_wave,
            progress,
            "apprenants_cumules",
            "Apprenants cumulés",
            "apprenants",
            learners_goal,
            key="vagues_apprenants",
        )

st.header("Par vague")
natures = {
    "formations": "nombre",
    "nouvelles_fabriques": "nombre",
    "apprenants": "nombre",
    "fabriques_cumulees": "nombre",
    "apprenants_cumules": "nombre",
    "subvention_eur": "euros",
}
labels = {
    "vague": st.column_config.TextColumn("Vague"),
    "formations": BY_KEY["formations"].short,
    "nouvelles_fabriques": "Nouvelles fabriques",
    "apprenants": BY_KEY["apprenants"].short,
    "fabriques_cumulees": f"{BY_KEY['fabriques'].short} (cumul)",
    "apprenants_cumules": f"{BY_KEY['apprenants'].short} (cumul)",
    "subvention_eur": BY_KEY["subvention_eur"].short,
}
if territory.national:
    natures.update(
        taux_fabriques="part",
        taux_apprenants="part",
        enveloppe_eur="euros",
        taux_enveloppe="part",
        depassement_eur="euros",
    )
    labels.update(
        taux_fabriques=f"Part de l'objectif de {fmt.number(targets.fabriques)} fabriques",
        taux_apprenants=f"Part de l'objectif de {fmt.number(targets.apprenants)} apprenants",
        enveloppe_eur="Enveloppe",
        taux_enveloppe="Part de l'enveloppe",
        depassement_eur="Dépassement",
    )
else:
    natures.update(part_fabriques="part", part_apprenants="part", part_subvention="part")
    labels.update(
        part_fabriques="Part des fabriques du pays (cumul)",
        part_apprenants="Part des apprenants du pays (cumul)",
        part_subvention="Part des subventions nationales de la vague",
    )
# A wave is a number, or « non renseignée » for rows that give none: shown as text.
st.dataframe(
    tables.french(progress.astype({"vague": "str"}), natures, view.missing),
    hide_index=True,
    width="stretch",
    column_order=list(labels),
    column_config=labels,
)
if not metrics.gives(view.national["subvention_eur"]):
    st.caption(f"Subventions : {session.NOT_GIVEN} dans cet instantané.")
elif territory.national:
    layout.show_chart(charts_breakdown.budget_by_wave, progress, key="vagues_budget")
else:
    layout.show_chart(
        charts_breakdown.subsidies_by_wave, progress, territory.label, key="vagues_budget"
    )

st.header("Évolution d'un instantané à l'autre")
history, source = sources.pace_history(view)
if len(history) < 2:
    st.write("Il faut au moins deux instantanés datés pour montrer une évolution.")
else:
    left, right = st.columns(2)
    for column, box in (("fabriques", left), ("apprenants", right)):
        what, target = BY_KEY[column].short, getattr(targets, BY_KEY[column].target)
        pace = trend.pace(history[column], target, targets.echeance)
        if pace is None:
            continue
        with box:
            layout.show_chart(
                charts.evolution,
                history,
                column,
                what,
                target if territory.national else None,
                targets.echeance,
                pace,
                key=f"evolution_{column}",
            )
st.caption(source)
