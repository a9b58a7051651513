"""Évolution: the territory's figures at every published snapshot, with the targets and the deadline."""

import streamlit as st

from gen_dash import charts, fmt, published, tables, trend
from gen_dash.indicators import BY_KEY
from ui import layout, sources

SHOWN = [
    "fabriques",
    "apprenants",
    "formations",
    "departements_couverts",
    "part_femmes",
    "part_neet",
]

view = layout.page_header("Évolution dans le temps")
targets = view.targets
history = sources.history(view)
st.write(
    f"{len(history)} instantané(s) publié(s), du {fmt.day(history.index.min())} au {fmt.day(history.index.max())}."
    if len(history)
    else "Aucun instantané publié."
)
# The programme's published figures for this territory, within the snapshots' years (and up to the deadline).
said = published.of_territory(published.bundled(), view.territory)
if len(history):
    span = (
        min(history.index.min(), targets.echeance).year,
        max(history.index.max(), targets.echeance).year,
    )
    said = said[said["date_chiffre"].map(lambda d: span[0] <= d.year <= span[1]).astype(bool)]
if len(history) >= 2:
    national = view.territory.national  # the targets are national: drawn only for all of France
    series = [
        (
            key,
            BY_KEY[key].short,
            getattr(targets, BY_KEY[key].target)
            if BY_KEY[key].target and (national or BY_KEY[key].nature == "part")
            else None,
            BY_KEY[key].nature == "part",
        )
        for key in SHOWN
    ]
    for i in range(0, len(series), 2):
        for box, (column, label, target, share) in zip(
            st.columns(2), series[i : i + 2], strict=False
        ):
            pace = (
                trend.pace(history[column], target, targets.echeance)
                if target is not None and not share
                else None
            )
            with box:
                layout.show_chart(
                    charts.evolution,
                    history,
                    column,
                    label,
                    target,
                    targets.echeance,
                    pace,
                    share=share,
                    published=said[said["cle"].eq(column)],
                    key=f"evolution_{column}",
                )
st.dataframe(
    tables.french(
        history.reset_index(), {key: BY_KEY[key].nature for key in SHOWN}, view.missing
    ).assign(date=lambda t: [fmt.day(d) for d in t["date"]]),
    hide_index=True,
    width="stretch",
    column_config={"date": "Date", **{key: BY_KEY[key].short for key in SHOWN}},
)
if len(said):
    st.header("Chiffres publiés par le programme")
    st.markdown(published.figures_list(said))
    st.caption(
        "Sur les graphiques, un losange plein est un chiffre publié compté comme les instantanés ; un losange "
        "vide, un chiffre publié selon une autre définition. Les chiffres sans équivalent dans un instantané "
        "(cumuls sur plusieurs années, niveau de diplôme) ne figurent que dans cette liste."
    )
replaced = [e for e in view.entries if e.replaced]
st.caption(
    f"Échéance des objectifs : {fmt.day(targets.echeance)}. Les instantanés retirés ne comptent pas ; pour une date "
    "publiée plusieurs fois, seul le dernier publié compte"
    + (" (" + " ; ".join(f"n° {e.id} {e.replaced}" for e in replaced) + ")." if replaced else ".")
)
