"""gen-dash: the Grande école du numérique dashboard.

This script sets the page, the navigation and the sidebar shared by every page
(territory filter, snapshot choice, upload), keeps the shareable link in the
URL, then runs the chosen page.
"""

from __future__ import annotations

import streamlit as st

from gen_dash import store
from ui import layout, map_assets, readiness, session, sources, startup
from ui import publish as publish_flow
from ui import territory as territory_flow
from ui import upload as upload_flow

st.set_page_config(
    page_title="Grande école du numérique – tableau de bord",
    page_icon=str(layout.STATIC_DIR / "favicon.png"),
    layout="wide",
)

# Every page, in the order of the questions, listed once in ui/layout.py. In the sidebar, as a flat list: in the top
# bar an office laptop (1 280 px) hid two pages under an English « 2 more », and Streamlit's labelled sections put
# their headings inside the <ul> (axe-core: « list », « listitem », serious). The information pages (legal, glossary,
# site map) are reached from the footer of every page.
NAVIGATION = layout.navigation()
DATA_PAGE = next(p for p in NAVIGATION if p.url_path == "donnees-et-methode")


def _read_url(listed: list[sources.Entry]) -> None:
    """Once per session: take the territory and snapshot from the link; ignore bad values with a notice."""
    if st.session_state.get(session.URL_READ):
        return
    st.session_state[session.URL_READ] = True
    notices = territory_flow.read_link()
    snapshot = st.query_params.get(session.Q_SNAPSHOT)
    if snapshot:
        if snapshot in {e.id for e in listed} and snapshot != session.UPLOAD_ID:
            st.session_state[session.SNAPSHOT] = snapshot
        else:
            notices.append(f"instantané « {snapshot} » introuvable")
    st.session_state[session.URL_NOTICES] = notices


def _upload_and_publish(bar) -> None:
    upload_flow.upload_panel(bar, DATA_PAGE)
    publish_flow.publication_panel(bar, st.session_state.get(session.UPLOADED))


def _sidebar(listed: list[sources.Entry]) -> sources.View:
    bar = st.sidebar
    territory = territory_flow.choose_territory(bar)

    bar.header("Instantané")
    problem = sources.store_problem()
    # a restart of the database: what was read stays, publication waits
    if problem and sources.history_kept():
        bar.warning(
            f"Historique partagé momentanément indisponible : {problem} Les instantanés déjà lus restent "
            "affichés ; la publication reprendra dès que la base répondra.",
            icon=":material/cloud_off:",
        )
    elif problem:
        bar.error(
            f"Historique partagé indisponible : {problem} Les instantanés d'exemple sont affichés ; la publication "
            "reprendra quand la base répondra.",
            icon=":material/cloud_off:",
        )
    if not listed:
        st.warning(
            "Aucun instantané publié (tous ont été retirés) : déposez un fichier dans la barre latérale."
        )
        _upload_and_publish(bar)
        st.stop()
    by_id = {e.id: e for e in listed}
    if st.session_state.get(session.SNAPSHOT) not in by_id:
        first_published = len(listed) > 1 and listed[0].id == session.UPLOAD_ID
        st.session_state[session.SNAPSHOT] = listed[1].id if first_published else listed[0].id
    chosen = bar.selectbox(
        "Instantané affiché",
        list(by_id),
        key=session.SNAPSHOT,
        format_func=lambda i: by_id[i].label,
    )

    _upload_and_publish(bar)

    for notice in st.session_state.get(session.URL_NOTICES, []):
        bar.warning(
            f"Lien : {layout.escape_md(notice)} ; ce paramètre est ignoré.",
            icon=":material/link_off:",
        )

    entry = by_id[chosen]
    bar.caption(layout.escape_md(entry.detail))
    if entry.replaced:
        bar.caption(
            f"Cet instantané est {entry.replaced} : c'est l'autre qui compte pour sa date dans l'évolution."
        )
    territory_flow.write_link(
        territory, {session.Q_SNAPSHOT: chosen if chosen != session.UPLOAD_ID else None}
    )
    return sources.view_of(entry, territory, listed)


def _embedded_view(listed: list[sources.Entry]) -> sources.View:
    """The view of an embedded page (``?embed=true`` in an intranet's iframe): the territory and snapshot from the link
    only, no sidebar, no upload, no publication."""
    published = [e for e in listed if not e.is_upload]
    if not published:
        st.warning("Aucun instantané publié.")
        st.stop()
    by_id = {e.id: e for e in published}
    entry = by_id.get(st.session_state.get(session.SNAPSHOT)) or published[0]
    return sources.view_of(
        entry,
        territory_flow.territory_of(
            st.session_state.get(session.REGION),
            st.session_state.get(session.DEPARTEMENTS, ()),
            st.session_state.get(session.EPCI),
        ),
        published,
    )


EMBEDDED = st.context.is_embedded is True  # (a stand-in object under AppTest, never True)
page = st.navigation(NAVIGATION, position="hidden" if EMBEDDED else "sidebar", expanded=True)
# one title per page, as a browser tab says it
st.set_page_config(page_title=f"{page.title} — GEN tableau de bord")
layout.identity()
map_assets.map_assets_dir()
startup.start_reading_process()
startup.give_back_memory_regularly()
publish_flow.first_start_password()
upload_flow.collect_reading()  # a file read meanwhile becomes the chosen snapshot, before the widgets are drawn
listed = sources.entries()
_read_url(listed)
try:
    view = _embedded_view(listed) if EMBEDDED else _sidebar(listed)
# the snapshot chosen was never read by this server, and the history is down
except store.StoreUnavailable as exc:
    st.warning(
        f"L'instantané choisi n'a pas encore été lu par ce serveur et l'historique partagé ne répond pas : {exc} "
        "Réessayez dans un instant.",
        icon=":material/cloud_off:",
    )
    st.stop()
st.session_state[session.VIEW] = view
session.show_outcome(session.PUBLISHED_NOTICE)
# While a file is read, the page shows what it showed, and says so (only then: the notice runs every second).
if st.session_state.get(session.UPLOAD_READING):
    upload_flow.reading_notice()
if view.entry.is_upload:
    st.warning(
        f"Fichier déposé, non publié : les chiffres de cette page viennent de "
        f"« {layout.escape_md(view.entry.file_name)} », visible dans votre seule session. Publiez-le depuis la "
        "barre latérale pour le rendre visible à tous.",
        icon=":material/upload_file:",
    )
elif view.entry.is_sample:
    st.info(
        "Données illustratives : ces instantanés d'exemple sont générés et ne sont pas des chiffres officiels "
        "du programme. Déposez un fichier dans la barre latérale pour voir vos données.",
        icon=":material/info:",
    )
if view.snapshot.list_only:  # said once, on every page
    st.info(
        "Cet instantané est une liste de formations, sans effectifs : les apprenants, les parts de femmes et de jeunes "
        "NEET et les taux qui en dépendent sont « non renseigné » ; fabriques, formations, vagues, carte, couverture et "
        "comparaison restent complètes.",
        icon=":material/list:",
    )
try:
    page.run()
# a page that needs the history (evolution, comparison) while it does not answer
except store.StoreUnavailable as exc:
    st.warning(
        f"Cette page a besoin de l'historique partagé, qui ne répond pas pour l'instant : {exc} Réessayez dans "
        "un instant ; les autres pages restent affichées.",
        icon=":material/cloud_off:",
    )
layout.footer(EMBEDDED)
startup.warn_unset_settings()
startup.freeze_start_up_objects()
readiness.mark_ready()  # the pages are known and the caches warm: this server takes visitors
