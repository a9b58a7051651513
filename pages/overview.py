"""Vue d'ensemble: headline figures against the targets, and the pace."""

import streamlit as st

import appstate as s
from gen_dash import fmt, metrics

view = s.page_header("Vue d'ensemble")
targets = view.targets
headline = metrics.headline_figures(view.rows, targets)
national = metrics.headline_figures(view.national, targets) if view.filtered else None

columns = st.columns(3)
for i, (key, line) in enumerate(headline.iterrows()):
    target = fmt.by_nature(line["cible"], line["nature"])
    if national is not None and line["nature"] != "part":
        delta = f"{fmt.percent(metrics.share(line['valeur'], national.loc[key, 'valeur']))} du total national"
    else:
        delta = f"{fmt.percent(line['taux'])} de l'objectif ({target})"
    columns[i % 3].metric(line["libelle"], fmt.by_nature(line["valeur"], line["nature"]), delta=delta, delta_color="off",
                          delta_arrow="off", border=True, help=f"Taux de réalisation : valeur rapportée à la cible nationale ({target}).")

st.subheader("Rythme")
history = s.history(view)
if view.filtered:
    st.write("Les objectifs sont nationaux ; pour ce territoire, voici son évolution d'un instantané à l'autre.")
if history.empty or len(history) < 2:
    st.write("Un seul instantané daté : le rythme se calculera dès le suivant.")
for column, what, target in (("apprenants", "apprenants", targets.apprenants), ("fabriques", "fabriques", targets.fabriques)):
    pace = metrics.pace(history[column], target, targets.echeance) if not history.empty else None
    if pace is None:
        continue
    if view.filtered:
        if pace.per_month is not None:
            st.markdown(f"- **{what.capitalize()}** : {fmt.number(pace.current)}, soit {fmt.number(pace.per_month, 1)} de plus "
                        "par mois en moyenne sur les instantanés disponibles.")
    else:
        st.markdown(f"- **{what.capitalize()}** : {fmt.pace_sentence(pace, what)}")
st.caption(f"Rythme calculé sur {len(history)} instantané(s) datés, du {fmt.day(history.index.min()) if len(history) else '–'} "
           f"au {fmt.day(history.index.max()) if len(history) else '–'} ; échéance des objectifs : {fmt.day(targets.echeance)} "
           f"({s.escape_md(targets.source)}).")
