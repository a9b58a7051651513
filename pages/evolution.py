"""Évolution: the territory's figures at every published snapshot, with the targets and the deadline."""

import streamlit as st

import appstate as s
from gen_dash import charts, fmt, metrics, tables

view = s.page_header("Évolution dans le temps")
targets = view.targets
history = s.history(view)
st.write(f"{len(history)} instantané(s) publié(s), du {fmt.day(history.index.min())} au {fmt.day(history.index.max())}."
         if len(history) else "Aucun instantané publié.")
if len(history) >= 2:
    national = view.territory.national  # the targets are national: drawn only for all of France
    series = [
        ("fabriques", "Fabriques", targets.fabriques if national else None, False),
        ("apprenants", "Apprenants", targets.apprenants if national else None, False),
        ("formations", "Formations", None, False),
        ("departements_couverts", "Départements couverts", None, False),
        ("part_femmes", "Part de femmes", targets.part_femmes, True),
        ("part_neet", "Part de jeunes NEET", targets.part_neet, True),
    ]
    for i in range(0, len(series), 2):
        for box, (column, label, target, share) in zip(st.columns(2), series[i:i + 2], strict=False):
            pace = metrics.pace(history[column], target, targets.echeance) if target is not None and not share else None
            with box:
                s.show_chart(charts.evolution(history, column, label, target, targets.echeance, pace, share=share),
                             key=f"evolution_{column}")
st.dataframe(
    tables.french(history.reset_index(), {"fabriques": "nombre", "formations": "nombre", "apprenants": "nombre",
                                          "part_femmes": "part", "part_neet": "part", "departements_couverts": "nombre"},
                  view.missing)
    .assign(date=lambda t: [fmt.day(d) for d in t["date"]]),
    hide_index=True, width="stretch",
    column_config={"date": "Date", "fabriques": "Fabriques", "formations": "Formations", "apprenants": "Apprenants",
                   "part_femmes": "Part de femmes", "part_neet": "Part de jeunes NEET",
                   "departements_couverts": "Départements couverts"},
)
replaced = [e for e in view.entries if e.replaced]
st.caption(f"Échéance des objectifs : {fmt.day(targets.echeance)}. Les instantanés retirés ne comptent pas ; pour une date "
           "publiée plusieurs fois, seul le dernier publié compte"
           + (" (" + " ; ".join(f"n° {e.id} {e.replaced}" for e in replaced) + ")." if replaced else "."))
