"""Données: the snapshot's rows, the validation report, the file contract, sources and method."""

from functools import partial

import streamlit as st

from gen_dash import config, export, fmt, geo, tables, text
from ui import downloads, layout, session
from ui import publish as publish_flow

view = layout.page_header("Données, contrat de fichier et méthode")
report = view.snapshot.report

st.header("Lignes de l'instantané")
query = st.text_input("Rechercher (fabrique, commune, métier…)", key="donnees_recherche")
found = tables.search(tables.readable_rows(view.rows, report.problemes), query)
st.caption(
    f"{fmt.number(len(found))} ligne(s) sur {fmt.number(len(view.rows))} pour {layout.escape_md(view.territory.label)}."
)
st.dataframe(found, hide_index=True, width="stretch")

st.header("Rapport de validation")
st.write(
    f"{fmt.number(report.lignes)} ligne(s) lue(s) : {fmt.number(report.lignes_acceptees)} acceptée(s), dont "
    f"{fmt.number(report.lignes_reparees)} réparée(s) ; {fmt.number(report.lignes_rejetees)} rejetée(s)"
    f"{report.outside_programme_said()}."
)
if report.problemes.empty:
    st.success("Aucun problème dans ce fichier.", icon=":material/check_circle:")
else:
    st.dataframe(
        report.problemes,
        hide_index=True,
        width="stretch",
        key="donnees_rapport",
        column_config={
            "gravite": "Gravité",
            "ligne": st.column_config.NumberColumn("Ligne", format="%d"),
            "colonne": "Colonne",
            "valeur": "Valeur",
            "code": "Code",
            "message": st.column_config.TextColumn("Ce qu'il faut corriger", width="large"),
        },
    )
    downloads.offer(
        st,
        "Télécharger le rapport (CSV)",
        partial(export.to_csv_bytes, report.problemes),
        "rapport-de-validation.csv",
        "text/csv",
        key="donnees_rapport_csv",
        icon=":material/download:",
    )

st.header("Le fichier attendu")
downloads.offer(
    st,
    "Télécharger un modèle de fichier (CSV)",
    tables.template_csv(),
    "modele-instantane-gen.csv",
    "text/csv",
    key="donnees_modele",
    icon=":material/download:",
)
with st.expander("Le contrat de fichier en détail", expanded=False):
    # Its headings under this page's (h1 for the page, h2 for this section): the contract's « # » becomes h3.
    st.markdown(
        text.demote_headings(
            (config.ROOT / "docs" / "contrat-fichier.md").read_text(encoding="utf-8"), 2
        )
    )

st.header("Sources, licences et méthode")
st.markdown(f"""
- **Géographie** : contours des départements et régions (IGN, Admin Express COG 2018), communes, codes et populations
  légales (INSEE, Code officiel géographique) ; Licence Ouverte / Open Licence (Etalab). {geo.ATTRIBUTION}.
- **Objectifs** : {layout.escape_md(view.targets.source)} : {fmt.number(view.targets.fabriques)} fabriques et
  {fmt.number(view.targets.apprenants)} apprenants au {fmt.day(view.targets.echeance)}, {fmt.percent(view.targets.part_neet, 0)}
  de jeunes peu ou pas qualifiés et {fmt.percent(view.targets.part_femmes, 0)} de femmes (fichier `data/targets.toml`).
- **Placer une formation** : le code commune d'abord, puis le code postal (et le nom de la commune s'il en dessert
  plusieurs), puis les coordonnées (le département dont le contour contient le point), enfin le département. En cas de
  désaccord, le plus précis l'emporte et la ligne reçoit un avertissement.
- **Parts** : la part de femmes (ou de jeunes NEET) est la somme des apprenantes (ou des jeunes NEET) divisée par la somme
  des apprenants des lignes acceptées ; sans apprenant, la part n'est pas calculée. Une fabrique compte dans la première
  vague de ses formations.
- **Instantanés d'exemple** : générés (données illustratives), voir `data/README.md`.
""")

st.header("Historique des publications")
st.caption(
    "Chaque publication et chaque retrait : qui, quand, quoi. Un instantané retiré quitte les listes mais reste conservé."
)
st.dataframe(
    publish_flow.journal(),
    hide_index=True,
    width="stretch",
    column_config={
        "id": None,
        "le": st.column_config.DatetimeColumn("Le", format="DD/MM/YYYY HH:mm"),
        "par": "Par",
        "action": "Action",
        "snapshot_id": st.column_config.NumberColumn("Instantané n°", format="%d"),
        "details": st.column_config.TextColumn("Détails", width="large"),
    },
)
if publish_flow.is_editor():
    with st.form("retrait"):
        st.markdown("**Retirer un instantané des listes** (éditeurs)")
        published = {e.id: e.detail for e in view.entries if e.id != session.UPLOAD_ID}
        st.selectbox(
            "Instantané", list(published), format_func=published.get, key=session.WITHDRAW_CHOICE
        )
        st.form_submit_button(
            "Retirer", on_click=publish_flow.withdraw_chosen, icon=":material/delete:"
        )
session.show_outcome(session.WITHDRAW_MESSAGE)
