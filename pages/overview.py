"""Vue d'ensemble: headline figures against the targets (France) or the nation (a territory), and the pace."""

from datetime import date
from functools import partial

import streamlit as st

from gen_dash import fmt, key_figures, legal, published, trend
from ui import downloads, layout, session, shared_work, sources

view = layout.page_header("Vue d'ensemble")
targets, territory = view.targets, view.territory
headline = shared_work.headline(view, territory, targets)
for notice in key_figures.sanity_notices(headline, territory):
    st.warning(f"À vérifier : {layout.escape_md(notice)}", icon=":material/report:")
# What the programme published for this quarter and territory, said beside the snapshot's own figures.
known = shared_work.published_beside(view, territory, targets, view.entry.date)
said = {}  # under each key figure, the published figures that measure the same thing
for figure in known[known["comparable"].eq("oui")].to_dict("records"):
    said.setdefault(figure["cle"], []).append(
        f"{layout.escape_md(figure['phrase'])} ; {figure['ecart']}."
    )

for i, (name, line) in enumerate(headline.to_dict("index").items()):
    if i % 3 == 0:  # a row of three at a time: on a phone the figures then stack in their own order
        columns = st.columns(3)
    help_text = (
        "Valeur rapportée à la cible nationale."
        if territory.national and line["taux"] is not None
        else "Un quota est un seuil : l'écart est donné en points."
        if line["nature"] == "part"
        else "Part du total national."
        if line["part_du_national"] is not None
        else None
    )
    defined = legal.definition(name)  # the glossary's words, where the figure is read
    help_text = f"{defined}\n\n{help_text or ''}".strip() if defined else help_text
    value = fmt.by_nature(line["valeur"], line["nature"], session.NOT_GIVEN)
    columns[i % 3].metric(
        line["libelle"],
        value,
        delta=None if value == session.NOT_GIVEN else line["repere"] or None,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=help_text,
    )
    for caption in said.get(published.published_key(name), ()):
        columns[i % 3].caption(caption)
if not territory.national:
    st.caption(
        "Les objectifs (200 fabriques, 10 000 apprenants) et les enveloppes sont nationaux : un territoire est "
        "comparé au total national ; ses parts de femmes et de jeunes NEET, aux quotas."
    )

if len(known):
    with st.expander(
        f"Chiffres publiés par le programme ({len(known)}) et cet instantané", expanded=False
    ):
        # A list, not a data grid: the first page of every visit is spared the grid's 0.3 MB of scripts.
        st.markdown(published.beside_list(known, session.NOT_GIVEN))
        st.caption(
            "Chiffres publiés pour le même trimestre et le même territoire ; une autre définition que celle du "
            "contrat de fichier est dite, sans écart calculé. Tous les chiffres publiés : page Évolution."
        )

downloads.offer(
    st,
    "Fiche PDF du territoire",
    partial(downloads.sheet_pdf, view),
    f"{view.file_stem}-fiche.pdf",
    "application/pdf",
    key="accueil_fiche",
    icon=":material/picture_as_pdf:",
    help="Une page A4 : chiffres clés, carte, vagues, quotas, classement, sources.",
)

st.header("Les quatre objectifs du programme")
for objective in shared_work.objective_lines(
    view, territory, targets, tuple(view.published_dates), date.today()
):
    st.markdown(f"**{objective.number}. {objective.title}.** {layout.escape_md(objective.text)}")
    st.page_link(objective.page, label=objective.link, icon=":material/arrow_forward:")

st.header("Rythme")
history, source = sources.pace_history(view)
if not territory.national:
    st.write(
        "Les objectifs sont nationaux ; pour ce territoire, voici son évolution d'un instantané à l'autre."
    )
if len(history) < 2:
    st.write("Un seul instantané daté : le rythme se calculera dès le suivant.")
for column, what, target in (
    ("apprenants", "apprenants", targets.apprenants),
    ("fabriques", "fabriques", targets.fabriques),
):
    pace = trend.pace(history[column], target, targets.echeance) if not history.empty else None
    if pace is None:
        continue
    if not territory.national:
        if pace.per_month is not None:
            st.markdown(
                f"- **{what.capitalize()}** : {fmt.number(pace.current)}, soit {fmt.number(pace.per_month, 1)} de plus "
                "par mois en moyenne sur les instantanés disponibles."
            )
    else:
        st.markdown(f"- **{what.capitalize()}** : {fmt.pace_sentence(pace, what)}")
st.caption(
    f"{source} Échéance des objectifs : {fmt.day(targets.echeance)} ({layout.escape_md(targets.source)})."
)
