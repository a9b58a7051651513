"""The session-state key table: what one browser session holds, each key once, with what it holds.

Widgets use these names as their ``key``; the flows (:mod:`ui.territory`, :mod:`ui.upload`, :mod:`ui.publish`) and
``app.py`` read and write them. A key that is not here is not in the session.
"""

from __future__ import annotations

import streamlit as st

# The territory (ui.territory) and the snapshot shown (app.py).
REGION = "territoire_region"  # the région's code, or None for France
DEPARTEMENTS = "territoire_departements"  # the chosen départements' codes
EPCI = "territoire_epci"  # the chosen EPCI's SIREN, or None
GO_TO = "aller_a"  # a page a button asked to open at the next run (ui.territory.go_to)
COMMUNE_SEARCH = "commune_recherche"  # « Ma commune »'s search box
SNAPSHOT = "instantane"  # the chosen entry's id (ui.sources.Entry.id)
URL_NOTICES = "url_avertissements"  # what the link asked for and was ignored, in French
URL_READ = "url_lue"  # the link is read once per session
VIEW = "vue"  # the ui.sources.View app.py prepared for this run

# The upload flow (ui.upload).
UPLOADER = (
    "depot_fichier"  # the uploader's key; after a publication it gets a new one (see uploader_key)
)
UPLOADER_VERSION = "depot_version"
UPLOADED = "depot_instantane"  # the uploaded file as read: a Snapshot, this session only
UPLOADED_FILE = "depot_octets"  # (name, bytes) of that file, kept to publish it unchanged
UPLOAD_ERROR = (
    "depot_erreur"  # (upload's file id, French message, columns missing?) of the last unread upload
)
UPLOAD_DATE = "depot_date"
UPLOAD_READING = (
    "depot_lecture"  # the file being read (ui.upload.Reading): pages keep showing until it is read
)
UPLOAD_CHARTS = (
    "depot_graphiques"  # the upload's charts built for this session (ui.layout.show_chart)
)
UPLOAD_MISSING = "depot_colonnes_manquantes"  # (upload's file id, missing canonical columns, the file's headers, guess)
MAPPING_COLUMN = "correspondance_colonne_"  # + canonical name: the file column chosen for it
MAPPING_VALUE = "correspondance_valeur_"  # + canonical name: the value given for every row
MAPPING_IDS = "correspondance_identifiant_genere"  # the form's « générer un identifiant stable »

# The publication flow (ui.publish).
PASSWORD = "editeur_mot_de_passe"
PASSWORD_MESSAGE = "editeur_message"
PUBLISH_DATE = "publication_date"
PUBLISH_LABEL = "publication_libelle"
PUBLISH_AUTHOR = "publication_auteur"
PUBLISH_MESSAGE = "publication_message"  # ("success" or "error", French text), shown once
PUBLISH_PENDING = (
    "publication_a_confirmer"  # what the editor is about to publish, shown for confirmation
)
PUBLISHED_NOTICE = "publication_faite"  # the main area's « publié » notice, shown once
WITHDRAW_CHOICE = "retrait_choix"
WITHDRAW_MESSAGE = "retrait_message"  # ("success" or "error", French text), shown once

UPLOAD_ID = "depot"  # the entry id of this session's upload
NOT_GIVEN = "non renseigné"
# Query-string names of the shareable link.
Q_REGION, Q_DEPARTEMENTS, Q_EPCI, Q_SNAPSHOT = "region", "dep", "epci", "instantane"


def view():
    """The :class:`ui.sources.View` ``app.py`` prepared for this run."""
    return st.session_state[VIEW]


def uploader_key() -> str:
    """The uploader's key: a new one after each publication, so that the published file leaves the widget too."""
    version = st.session_state.get(UPLOADER_VERSION, 0)
    return UPLOADER if not version else f"{UPLOADER}_{version}"


def show_outcome(key: str, where=st) -> None:
    """Show, once, the outcome an action left under *key* (a success or an error)."""
    outcome = st.session_state.pop(key, None)
    if outcome:
        (where.success if outcome[0] == "success" else where.error)(outcome[1])
