"""The publication flow: who may publish (OpenID Connect, or the editor password under a login policy), the form,
what is about to be published, the confirmation, and withdrawing a snapshot.

The role is checked again in every action (:func:`prepare_publication`, :func:`publish_upload`,
:func:`withdraw_chosen`), whatever the page showed; the store (:mod:`gen_dash.store`) journals each one.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gen_dash import access, config, fmt, legal, store
from gen_dash.snapshot import ERREUR, SnapshotError
from ui import layout, session, sources


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def access_config() -> access.AccessConfig:
    """How editors are recognised here (secrets, then environment)."""
    return access.load_access(_secrets())


@st.cache_resource(show_spinner=False)
def editor_sessions() -> access.EditorSessions:
    """This server's sessions that gave the editor password."""
    return access.EditorSessions()


@st.cache_resource(show_spinner=False)
def login_lock() -> threading.Lock:
    """This server's editor password attempts, one at a time."""
    return threading.Lock()


def session_id() -> str | None:
    """The server's own id for this browser session (not something the browser can set)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def user_email() -> str | None:
    """The e-mail address the identity provider vouched for, if logged in."""
    try:
        return st.user.get("email") if st.user.get("is_logged_in") else None
    except Exception:  # noqa: BLE001 - no auth configured
        return None


def is_editor() -> bool:
    """Whether this session may publish and withdraw, checked now against the server's own records."""
    email = user_email()  # only set when the identity provider vouched for the user
    return access.editor_role(
        access_config(), editor_sessions(), session_id(), email, email is not None
    )


def first_start_password() -> None:
    """On a fresh install (neither OpenID Connect nor a password hash configured), create the editor password once and
    print it in the server's terminal: the person who installed the dashboard hands it to the editors."""
    if access_config().mode == "desactive":
        _first_start_password(str(config.var_dir()))


@st.cache_resource(show_spinner=False)
def _first_start_password(folder: str) -> None:
    password = access.create_first_password(Path(folder))
    if password:
        # To the server's terminal (standard error: standard output may be a pipe that someone parses).
        print(access.first_password_banner(password, Path(folder)), file=sys.stderr, flush=True)


def client_address() -> str:
    """The address the browser connects from, as the server sees it (behind a proxy, the proxy's)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (health check)
        address = None
    # AppTest has no address at all
    return address if isinstance(address, str) and address else "adresse inconnue"


def become_editor() -> None:
    """Check the editor password under :class:`gen_dash.access.LoginPolicy`: one attempt at a time on this server,
    failures counted in the store for this address and for all, each one in the journal."""
    address, policy = client_address(), access.LoginPolicy()
    password, st.session_state[session.PASSWORD] = st.session_state.get(session.PASSWORD, ""), ""
    with login_lock():
        try:
            since = datetime.now(UTC) - policy.window
            mine, everyone = store.login_failures(sources.engine(), address, since)
            refusal = access.login_refusal(mine, everyone, policy)
            if refusal:
                st.session_state[session.PASSWORD_MESSAGE] = refusal
                return
            granted = access.check_password(access_config().password_hash, password)
            store.record_login(sources.engine(), address, granted, legal.retention_days())
        except store.StoreError as exc:
            st.session_state[session.PASSWORD_MESSAGE] = f"Connexion impossible : {exc}"
            return
        if granted:
            editor_sessions().grant(session_id() or "?")
            st.session_state[session.PASSWORD_MESSAGE] = None
        else:
            st.session_state[session.PASSWORD_MESSAGE] = access.failure_message(
                [*mine, datetime.now(UTC)], policy
            )
            # Holding the lock: at most one wrong password per pause on this server.
            hold_back(policy.pause)


def hold_back(seconds: float) -> None:
    """The pause a wrong password costs, during which this server takes no other attempt."""
    time.sleep(seconds)


def prepare_publication() -> None:
    """Check the publication form and set out what is about to be published, for the editor to confirm."""
    st.session_state.pop(session.PUBLISH_PENDING, None)
    uploaded = st.session_state.get(session.UPLOADED)
    if uploaded is None or not is_editor():
        st.session_state[session.PUBLISH_MESSAGE] = (
            "error",
            "Publication refusée : vous n'êtes pas éditeur.",
        )
        return
    when = st.session_state.get(session.PUBLISH_DATE)
    label = (st.session_state.get(session.PUBLISH_LABEL) or "").strip()
    who = user_email() or (st.session_state.get(session.PUBLISH_AUTHOR) or "").strip()
    missing = [
        name
        for name, value in (("la date", when), ("le libellé", label), ("votre nom", who))
        if not value
    ]
    if missing:
        st.session_state[session.PUBLISH_MESSAGE] = (
            "error",
            "Publication impossible : indiquez " + ", ".join(missing) + ".",
        )
        return
    report = uploaded.report
    warnings = int((report.problemes["gravite"] != ERREUR).sum()) if len(report.problemes) else 0
    earlier = store.same_date(sources.engine(), when)
    replaces = [
        f"n° {r.id} « {r.libelle} » (publié le {pd.Timestamp(r.publie_le):%d/%m/%Y} par {r.publie_par})"
        for r in earlier.itertuples()
    ]
    st.session_state[session.PUBLISH_PENDING] = {
        "date": when,
        "label": label,
        "by": who,
        "accepted": report.lignes_acceptees,
        "rejected": report.lignes_rejetees,
        "warnings": warnings,
        "replaces": replaces,
        "name": uploaded.name,
    }


def cancel_publication() -> None:
    """Leave the confirmation without publishing."""
    st.session_state.pop(session.PUBLISH_PENDING, None)


def publish_upload() -> None:
    """Publish this session's upload for everyone, as the editor confirmed it: the role is checked again here,
    whatever the page showed. Once published, the upload leaves the session and the published snapshot is shown."""
    if not is_editor():
        st.session_state[session.PUBLISH_MESSAGE] = (
            "error",
            "Publication refusée : vous n'êtes pas éditeur.",
        )
        return
    pending = st.session_state.get(session.PUBLISH_PENDING)
    uploaded, (name, data) = (
        st.session_state.get(session.UPLOADED),
        st.session_state.get(session.UPLOADED_FILE, (None, None)),
    )
    if uploaded is None or data is None or not pending:
        st.session_state[session.PUBLISH_MESSAGE] = (
            "error",
            "Rien à publier : vérifiez d'abord le formulaire de publication.",
        )
        return
    try:
        done = store.publish(
            sources.engine(),
            data,
            name,
            by=pending["by"],
            snapshot_date=pending["date"],
            label=pending["label"],
            snapshot=uploaded,
        )
    except (store.StoreError, SnapshotError) as exc:
        st.session_state[session.PUBLISH_MESSAGE] = ("error", str(exc))
        return
    text = (
        f"Publié pour tous : instantané n° {done.id} « {layout.escape_md(done.label)} » du {fmt.day(done.date)}, par "
        f"{layout.escape_md(pending['by'])} "
        f"({fmt.number(done.rows)} ligne(s) ; {fmt.number(done.rejected)} rejetée(s), non publiée(s))."
    )
    st.session_state[session.PUBLISH_MESSAGE] = st.session_state[session.PUBLISHED_NOTICE] = (
        "success",
        text,
    )
    for key in (
        session.PUBLISH_PENDING,
        session.UPLOADED,
        session.UPLOADED_FILE,
        session.UPLOAD_ERROR,
    ):
        st.session_state.pop(key, None)
    st.session_state[session.UPLOADER_VERSION] = (
        st.session_state.get(session.UPLOADER_VERSION, 0) + 1
    )
    st.session_state[session.SNAPSHOT] = str(done.id)


def publication_panel(bar, uploaded) -> None:
    """Under the upload: who may publish (log in), then the publication form and its confirmation."""
    mode = access_config().mode
    session.show_outcome(session.PUBLISH_MESSAGE, bar)
    if sources.store_problem():
        if uploaded is not None:
            bar.caption("Publication impossible tant que l'historique partagé est indisponible.")
        return
    if mode == "desactive":
        if uploaded is not None:
            bar.caption(
                "Publication depuis l'interface désactivée : aucun éditeur n'est configuré. Configurez OpenID "
                "Connect ou le mot de passe éditeur (voir le README), ou publiez sur le serveur avec "
                "`python -m gen_dash publish FICHIER`."
            )
        return
    editor = is_editor()
    if not editor:
        if mode == "oidc":
            if user_email():
                bar.caption(
                    f"Connecté·e comme {layout.escape_md(user_email())}, sans le rôle d'éditeur."
                )
                bar.button("Se déconnecter", on_click=st.logout, key="deconnexion")
            else:
                bar.button(
                    "Se connecter pour publier",
                    on_click=st.login,
                    key="connexion",
                    icon=":material/login:",
                )
        else:
            with bar.expander("Publier (éditeurs)"):
                st.caption(
                    "Demandez le mot de passe éditeur à la personne qui a installé le tableau de bord."
                )
                st.text_input("Mot de passe éditeur", type="password", key=session.PASSWORD)
                st.button(
                    "Se connecter comme éditeur", on_click=become_editor, key="editeur_connexion"
                )
                if st.session_state.get(session.PASSWORD_MESSAGE):
                    st.error(st.session_state[session.PASSWORD_MESSAGE])
        return
    if uploaded is None:
        bar.caption("Éditeur : déposez un fichier pour le publier.")
        return
    with bar.form("publication"):
        st.markdown("**Publier pour tous**")
        st.date_input(
            "Date de l'instantané",
            value=uploaded.date or st.session_state.get(session.UPLOAD_DATE),
            key=session.PUBLISH_DATE,
            format="DD/MM/YYYY",
        )
        st.text_input(
            "Libellé (obligatoire)", key=session.PUBLISH_LABEL, placeholder="Instantané du …"
        )
        if not user_email():
            st.text_input("Votre nom (obligatoire)", key=session.PUBLISH_AUTHOR)
        st.form_submit_button(
            "Vérifier avant de publier", on_click=prepare_publication, icon=":material/fact_check:"
        )
    # The form stays on screen (what was typed is kept if the editor cancels); publishing needs this confirmation.
    pending = st.session_state.get(session.PUBLISH_PENDING)
    if pending:
        _confirmation(bar, pending)


def _confirmation(bar, pending: dict) -> None:
    """What is about to be published, by whom, and what it replaces: nothing is published without this step."""
    lines = [
        f"**Vous allez publier pour tous** « {layout.escape_md(pending['label'])} », instantané du "
        f"{fmt.day(pending['date'])}, par {layout.escape_md(pending['by'])} :",
        f"- {fmt.number(pending['accepted'])} ligne(s) acceptée(s), publiée(s) ;",
        f"- {fmt.number(pending['rejected'])} ligne(s) rejetée(s), **non publiée(s)** ;",
        f"- {fmt.number(pending['warnings'])} avertissement(s) (lignes réparées ou à relire).",
    ]
    bar.markdown("\n".join(lines))
    if pending["replaces"]:
        bar.warning(
            "Un instantané de la même date existe déjà : "
            + " ; ".join(layout.escape_md(r) for r in pending["replaces"])
            + ". Une seule publication compte par date : ce sera celle-ci, la plus récente ; l'autre restera "
            "dans l'historique, marquée « remplacée ».",
            icon=":material/warning:",
        )
    left, right = bar.columns(2)
    left.button(
        "Confirmer la publication",
        on_click=publish_upload,
        key="publication_confirmer",
        type="primary",
    )
    right.button("Annuler", on_click=cancel_publication, key="publication_annuler")


def journal() -> pd.DataFrame:
    """The store's audit log, newest first."""
    return store.journal(sources.engine())


def withdraw_chosen() -> None:
    """Withdraw the snapshot chosen in the Données page's form; the role is checked again here."""
    if not is_editor():
        st.session_state[session.WITHDRAW_MESSAGE] = (
            "error",
            "Retrait refusé : vous n'êtes pas éditeur.",
        )
        return
    chosen = st.session_state.get(session.WITHDRAW_CHOICE)
    who = user_email() or "éditeur"
    try:
        store.withdraw(sources.engine(), int(chosen), by=who)
    except (store.StoreError, TypeError, ValueError) as exc:
        st.session_state[session.WITHDRAW_MESSAGE] = ("error", str(exc))
        return
    st.session_state[session.WITHDRAW_MESSAGE] = (
        "success",
        f"Instantané n° {chosen} retiré des listes (conservé et journalisé).",
    )
