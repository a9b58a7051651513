"""gen-dash: the Grande école du numérique dashboard.

This script sets the page, the navigation and the sidebar shared by every page
(territory filter, snapshot choice, upload), keeps the shareable link in the
URL, then runs the chosen page.
"""

from __future__ import annotations

import streamlit as st

import appstate as state
from gen_dash import fmt
from gen_dash.schema import BY_NAME
from gen_dash.snapshot import Mapping, MissingColumns, SnapshotError
from ui import territory as territory_flow

st.set_page_config(page_title="Grande école du numérique – tableau de bord", page_icon=str(state.STATIC_DIR / "favicon.png"),
                   layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Vue d'ensemble", icon=":material/dashboard:", url_path="accueil", default=True,
            help="Chiffres clés, taux de réalisation des objectifs et rythme, pour le territoire choisi."),
    st.Page("pages/map.py", title="Carte", icon=":material/map:", url_path="carte-des-fabriques",
            help="Carte des départements selon un indicateur, régions, fabriques et DROM en encarts."),
    st.Page("pages/waves.py", title="Vagues et objectifs", icon=":material/trending_up:", url_path="vagues-et-objectifs",
            help="Progression vague par vague vers 200 fabriques et 10 000 apprenants, subventions et projection."),
    st.Page("pages/evolution.py", title="Évolution", icon=":material/timeline:", url_path="evolution-dans-le-temps",
            help="Les chiffres du territoire à chaque instantané publié, face aux objectifs et à l'échéance."),
    st.Page("pages/compare.py", title="Comparer", icon=":material/compare_arrows:", url_path="comparer-deux-instantanes",
            help="Formations ajoutées, retirées et modifiées entre deux instantanés, et l'écart de chaque chiffre clé."),
    st.Page("pages/quotas.py", title="Quotas", icon=":material/balance:", url_path="quotas-femmes-neet",
            help="Parts de femmes et de jeunes NEET face aux quotas de 30 % et 50 %, par département et par fabrique."),
    st.Page("pages/territories.py", title="Territoires", icon=":material/leaderboard:", url_path="classement-des-territoires",
            help="Classement des régions et départements, territoire choisi face à la France, exports CSV et Excel."),
    st.Page("pages/metiers.py", title="Métiers", icon=":material/work:", url_path="familles-de-metiers",
            help="Formations, fabriques et apprenants par famille de métiers, parts de femmes et de jeunes NEET, où chaque "
                 "métier est formé et où il manque."),
    st.Page("pages/coverage.py", title="Couverture", icon=":material/radar:", url_path="couverture-territoriale",
            help="Population à moins de R km d'une fabrique, zones blanches, et où ouvrir les prochaines fabriques."),
    st.Page("pages/data.py", title="Données", icon=":material/table_view:", url_path="donnees-et-methode",
            help="Lignes de l'instantané, rapport de validation, contrat de fichier, sources et méthode."),
]


# The default page lives at the root URL; this hidden twin gives it a deep link of its own too.
ALIASES = [st.Page("pages/overview.py", title="Vue d'ensemble", url_path="vue-d-ensemble", visibility="hidden")]
# Reached from the sidebar's territory, under the EPCI, on every page: the top navigation already fills an office
# laptop's width (see issue « A State service at every width »).
COMMUNE = st.Page("pages/commune.py", title="Ma commune", icon=":material/location_on:", url_path="ma-commune",
                  visibility="hidden")


def _read_url(listed: list[state.Entry]) -> None:
    """Once per session: take the territory and snapshot from the link; ignore bad values with a notice."""
    if st.session_state.get(state.URL_READ):
        return
    st.session_state[state.URL_READ] = True
    notices = territory_flow.read_link()
    snapshot = st.query_params.get(state.Q_SNAPSHOT)
    if snapshot:
        if snapshot in {e.id for e in listed} and snapshot != state.UPLOAD_ID:
            st.session_state[state.SNAPSHOT] = snapshot
        else:
            notices.append(f"instantané « {snapshot} » introuvable")
    st.session_state[state.URL_NOTICES] = notices


def _on_upload(mapping: Mapping | None = None) -> None:
    """Read a new upload (with the column mapping the panel gives, if any) before the script runs, so it can become
    the chosen snapshot."""
    uploaded = st.session_state.get(state.uploader_key())
    if uploaded is None:
        return
    data = uploaded.getvalue()
    if mapping is None:
        st.session_state.pop(state.UPLOAD_MISSING, None)
    try:
        snapshot = state.snapshot_from_upload(data, uploaded.name, mapping)
    except SnapshotError as exc:  # read_snapshot turns whatever goes wrong with a file into one
        st.session_state[state.UPLOAD_ERROR] = (uploaded.file_id, str(exc))
        if isinstance(exc, MissingColumns):
            st.session_state[state.UPLOAD_MISSING] = (uploaded.file_id, exc.missing, exc.headers)
        return
    st.session_state.pop(state.UPLOAD_ERROR, None)
    st.session_state.pop(state.UPLOAD_MISSING, None)
    st.session_state.pop(state.PUBLISH_PENDING, None)
    st.session_state[state.UPLOADED] = snapshot
    st.session_state[state.UPLOADED_FILE] = (uploaded.name, data)
    st.session_state[state.SNAPSHOT] = state.UPLOAD_ID


def _publication_panel(bar, uploaded) -> None:
    mode = state.access_config().mode
    state.show_outcome(state.PUBLISH_MESSAGE, bar)
    if state.store_problem():
        if uploaded is not None:
            bar.caption("Publication impossible tant que l'historique partagé est indisponible.")
        return
    if mode == "desactive":
        if uploaded is not None:
            bar.caption("Publication depuis l'interface désactivée : aucun éditeur n'est configuré. Configurez OpenID "
                        "Connect ou le mot de passe éditeur (voir le README), ou publiez sur le serveur avec "
                        "`python -m gen_dash publish FICHIER`.")
        return
    editor = state.is_editor()
    if not editor:
        if mode == "oidc":
            if state.user_email():
                bar.caption(f"Connecté·e comme {state.escape_md(state.user_email())}, sans le rôle d'éditeur.")
                bar.button("Se déconnecter", on_click=st.logout, key="deconnexion")
            else:
                bar.button("Se connecter pour publier", on_click=st.login, key="connexion", icon=":material/login:")
        else:
            with bar.expander("Publier (éditeurs)"):
                st.caption("Demandez le mot de passe éditeur à la personne qui a installé le tableau de bord.")
                st.text_input("Mot de passe éditeur", type="password", key=state.PASSWORD)
                st.button("Se connecter comme éditeur", on_click=state.become_editor, key="editeur_connexion")
                if st.session_state.get(state.PASSWORD_MESSAGE):
                    st.error(st.session_state[state.PASSWORD_MESSAGE])
        return
    if uploaded is None:
        bar.caption("Éditeur : déposez un fichier pour le publier.")
        return
    with bar.form("publication"):
        st.markdown("**Publier pour tous**")
        st.date_input("Date de l'instantané", value=uploaded.date or st.session_state.get(state.UPLOAD_DATE),
                      key=state.PUBLISH_DATE, format="DD/MM/YYYY")
        st.text_input("Libellé (obligatoire)", key=state.PUBLISH_LABEL, placeholder="Instantané du …")
        if not state.user_email():
            st.text_input("Votre nom (obligatoire)", key=state.PUBLISH_AUTHOR)
        st.form_submit_button("Vérifier avant de publier", on_click=state.prepare_publication, icon=":material/fact_check:")
    # The form stays on screen (what was typed is kept if the editor cancels); publishing needs this confirmation.
    pending = st.session_state.get(state.PUBLISH_PENDING)
    if pending:
        _confirmation(bar, pending)


def _confirmation(bar, pending: dict) -> None:
    """What is about to be published, by whom, and what it replaces: nothing is published without this step."""
    lines = [f"**Vous allez publier pour tous** « {state.escape_md(pending['label'])} », instantané du "
             f"{fmt.day(pending['date'])}, par {state.escape_md(pending['by'])} :",
             f"- {fmt.number(pending['accepted'])} ligne(s) acceptée(s), publiée(s) ;",
             f"- {fmt.number(pending['rejected'])} ligne(s) rejetée(s), **non publiée(s)** ;",
             f"- {fmt.number(pending['warnings'])} avertissement(s) (lignes réparées ou à relire)."]
    bar.markdown("\n".join(lines))
    if pending["replaces"]:
        bar.warning("Un instantané de la même date existe déjà : " + " ; ".join(state.escape_md(r) for r in pending["replaces"])
                    + ". Une seule publication compte par date : ce sera celle-ci, la plus récente ; l'autre restera "
                    "dans l'historique, marquée « remplacée ».", icon=":material/warning:")
    left, right = bar.columns(2)
    left.button("Confirmer la publication", on_click=state.publish_upload, key="publication_confirmer", type="primary")
    right.button("Annuler", on_click=state.cancel_publication, key="publication_annuler")


def _mapping_form(bar, missing: list[str], headers: list[str]) -> None:
    """For each missing column, a choice among the file's columns or a value for every row; then read again."""
    with bar.form("correspondance"):
        st.markdown("**Dire quelle colonne est laquelle**")
        for canonical in missing:
            st.selectbox(f"{BY_NAME[canonical].title} ({canonical})", [None, *headers], key=state.MAPPING_COLUMN + canonical,
                         format_func=lambda h: "— aucune colonne —" if h is None else h)
            st.text_input(f"… ou la même valeur pour toutes les lignes ({canonical})", key=state.MAPPING_VALUE + canonical)
        st.form_submit_button("Lire avec cette correspondance", icon=":material/join:",
                              on_click=lambda: _on_upload(state.mapping_choices(missing)))


def _upload_panel(bar) -> None:
    bar.file_uploader("Déposer un nouvel instantané (CSV ou .xlsx)", type=["csv", "txt", "xlsx"], key=state.uploader_key(),
                      on_change=_on_upload, help="Le fichier est lu et vérifié ; il n'est visible que dans votre session.")
    error = st.session_state.get(state.UPLOAD_ERROR)
    current = st.session_state.get(state.uploader_key())
    if error and current is not None and error[0] == current.file_id:  # the refused file is still the one shown
        bar.error(f"Fichier refusé : {state.escape_md(error[1])}", icon=":material/error:")
        missing = st.session_state.get(state.UPLOAD_MISSING)
        if missing and missing[0] == current.file_id:
            _mapping_form(bar, missing[1], missing[2])
    uploaded = st.session_state.get(state.UPLOADED)
    if uploaded is not None:
        bar.caption("Fichier déposé, non publié : il n'est visible que dans votre session.")
        report = uploaded.report
        bar.markdown(
            f"**{fmt.number(report.lignes_acceptees)}** ligne(s) acceptée(s) dont {fmt.number(report.lignes_reparees)} "
            f"réparée(s), **{fmt.number(report.lignes_rejetees)}** rejetée(s)."
        )
        if uploaded.mapping:
            said = [f"{c} ← « {h} »" for c, h in uploaded.mapping.columns] + [f"{c} = « {v} »" for c,
                                                                              v in uploaded.mapping.values]
            bar.caption("Lu avec la correspondance : " + state.escape_md(" ; ".join(said)) + ".")
        bar.page_link(PAGES[-1], label="Voir le rapport complet", icon=":material/fact_check:")
        if uploaded.date is None:
            bar.date_input("Date de l'extraction (absente du fichier)", value=None, key=state.UPLOAD_DATE, format="DD/MM/YYYY")
    _publication_panel(bar, uploaded)


def _sidebar(listed: list[state.Entry]) -> state.View:
    bar = st.sidebar
    territory = territory_flow.choose_territory(bar)
    bar.page_link(COMMUNE, label="Ma commune", icon=":material/location_on:",
                  help="Une commune par son nom ou son code : les fabriques les plus proches, les formations à portée.")

    bar.header("Instantané")
    problem = state.store_problem()
    if problem:
        bar.error(f"Historique partagé indisponible : {problem} Les instantanés d'exemple sont affichés ; la publication "
                  "reprendra quand la base répondra.", icon=":material/cloud_off:")
    if not listed:
        st.warning("Aucun instantané publié (tous ont été retirés) : déposez un fichier dans la barre latérale.")
        _upload_panel(bar)
        st.stop()
    by_id = {e.id: e for e in listed}
    if st.session_state.get(state.SNAPSHOT) not in by_id:
        st.session_state[state.SNAPSHOT] = listed[0].id if listed[0].id != state.UPLOAD_ID or len(listed) == 1 else listed[1].id
    chosen = bar.selectbox("Instantané affiché", list(by_id), key=state.SNAPSHOT, format_func=lambda i: by_id[i].label)

    _upload_panel(bar)

    for notice in st.session_state.get(state.URL_NOTICES, []):
        bar.warning(f"Lien : {state.escape_md(notice)} ; ce paramètre est ignoré.", icon=":material/link_off:")

    entry = by_id[chosen]
    bar.caption(state.escape_md(entry.detail))
    if entry.replaced:
        bar.caption(f"Cet instantané est {entry.replaced} : c'est l'autre qui compte pour sa date dans l'évolution.")
    territory_flow.write_link(territory, {state.Q_SNAPSHOT: chosen if chosen != state.UPLOAD_ID else None})
    return state.view_of(entry, territory, listed)


def _embedded_view(listed: list[state.Entry]) -> state.View:
    """The view of an embedded page (``?embed=true`` in an intranet's iframe): the territory and snapshot from the link
    only, no sidebar, no upload, no publication."""
    published = [e for e in listed if not e.is_upload]
    if not published:
        st.warning("Aucun instantané publié.")
        st.stop()
    by_id = {e.id: e for e in published}
    entry = by_id.get(st.session_state.get(state.SNAPSHOT)) or published[0]
    return state.view_of(entry, state.territory_of(st.session_state.get(state.REGION),
                                                   st.session_state.get(state.DEPARTEMENTS, ()),
                                                   st.session_state.get(state.EPCI)), published)


EMBEDDED = st.context.is_embedded is True  # (a stand-in object under AppTest, never True)
page = st.navigation(PAGES + [COMMUNE] + ALIASES, position="hidden" if EMBEDDED else "top")
st.set_page_config(page_title=f"{page.title} — GEN tableau de bord")  # one title per page, as a browser tab says it
state.map_assets_dir()
state.start_reading_process()
state.first_start_password()
listed = state.entries()
_read_url(listed)
view = _embedded_view(listed) if EMBEDDED else _sidebar(listed)
st.session_state[state.VIEW] = view
state.show_outcome(state.PUBLISHED_NOTICE)
if view.entry.is_upload:
    st.warning(f"Fichier déposé, non publié : les chiffres de cette page viennent de "
               f"« {state.escape_md(view.entry.file_name)} », visible dans votre seule session. Publiez-le depuis la "
               "barre latérale pour le rendre visible à tous.",
               icon=":material/upload_file:")
elif view.entry.is_sample:
    st.info("Données illustratives : ces instantanés d'exemple sont générés et ne sont pas des chiffres officiels "
            "du programme. Déposez un fichier dans la barre latérale pour voir vos données.", icon=":material/info:")
if view.snapshot.list_only:  # said once, on every page
    st.info("Cet instantané est une liste de formations, sans effectifs : les apprenants, les parts de femmes et de jeunes "
            "NEET et les taux qui en dépendent sont « non renseigné » ; fabriques, formations, vagues, carte, couverture et "
            "comparaison restent complètes.", icon=":material/list:")
page.run()
state.freeze_start_up_objects()
