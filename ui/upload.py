"""The upload flow: a file dropped in the sidebar is read (in a process of its own), its report summed up; a file whose
headers do not follow the contract gets a form pre-filled with the guessed mapping and its evidence, which the person
confirms or changes before the file is read again.

Session keys are :mod:`ui.session`'s (``UPLOAD_*``, ``MAPPING_*``); the reading is :func:`gen_dash.upload.read_upload`,
the guess :func:`gen_dash.guess.guess_mapping` (made by the reader when columns are missing).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import streamlit as st

from gen_dash import fmt, upload
from gen_dash.guess import Guess
from gen_dash.place import LOCATION_COLUMNS
from gen_dash.schema import BY_NAME, COLUMNS, REQUIRED, canonical_name
from gen_dash.snapshot import Mapping, MissingColumns, SnapshotError
from ui import cache, layout, session

_NONE = "— aucune colonne —"


@dataclass(frozen=True)
class Reading:
    """A file being read for this session, in the reading process; the page goes on meanwhile."""

    file_id: str
    name: str
    data: bytes
    mapping: Mapping | None
    outcome: Future  # the Snapshot, or the SnapshotError that refuses the file


@st.cache_resource(show_spinner=False)
def _waiting_threads() -> ThreadPoolExecutor:
    """Threads that wait for the reading processes (the reading itself is in a process of its own, bounded by
    :func:`gen_dash.upload.read_upload`): the script is never held by a file being read."""
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="gen-dash-depot")


def on_upload(mapping: Mapping | None = None) -> None:
    """Start reading a new upload (with the mapping the form gives, if any), and let the script run on: every page
    keeps showing what it showed, with a notice, until :func:`collect_reading` takes the outcome."""
    uploaded = st.session_state.get(session.uploader_key())
    if uploaded is None:
        return
    data, name = uploaded.getvalue(), uploaded.name
    if mapping is None:
        st.session_state.pop(session.UPLOAD_MISSING, None)
    # Not cached: the session keeps what it uploaded (UPLOADED) and nobody else sees it, so a server-wide cache would
    # only keep the memory of closed sessions. Counted against the memory budget while the session holds it.
    held = cache.held_uploads()  # asked here, in the script's thread (a Streamlit cache)
    outcome = _waiting_threads().submit(lambda: held.hold(upload.read_upload(data, name, mapping)))
    st.session_state[session.UPLOAD_READING] = Reading(
        uploaded.file_id, name, data, mapping, outcome
    )


def collect_reading() -> None:
    """At the start of a run, before any widget: the file being read, once read, becomes the chosen snapshot; a
    refused one leaves its message, and a file with missing columns the guess that pre-fills the form."""
    reading = st.session_state.get(session.UPLOAD_READING)
    if reading is None or not reading.outcome.done():
        return
    del st.session_state[session.UPLOAD_READING]
    try:
        snapshot = reading.outcome.result()
    except SnapshotError as exc:  # read_snapshot turns whatever goes wrong with a file into one
        st.session_state[session.UPLOAD_ERROR] = (
            reading.file_id,
            str(exc),
            isinstance(exc, MissingColumns),
        )
        if isinstance(exc, MissingColumns):
            st.session_state[session.UPLOAD_MISSING] = (
                reading.file_id,
                exc.missing,
                exc.headers,
                exc.guess,
            )
            if reading.mapping is None and exc.guess is not None:
                _prefill(exc.guess, exc.headers)
        return
    for key in (
        session.UPLOAD_ERROR,
        session.UPLOAD_MISSING,
        session.PUBLISH_PENDING,
        session.UPLOAD_CHARTS,
    ):
        st.session_state.pop(key, None)
    st.session_state[session.UPLOADED] = snapshot
    st.session_state[session.UPLOADED_FILE] = (reading.name, reading.data)
    st.session_state[session.SNAPSHOT] = session.UPLOAD_ID


@st.fragment(run_every=1)
def reading_notice() -> None:
    """While a file is read: a notice on the page, asked again every second; the page is run again once it is read.
    Drawn only while a file is being read: a fragment drawn runs every second, whatever it shows."""
    reading = st.session_state.get(session.UPLOAD_READING)
    if reading is None:
        return
    if reading.outcome.done():
        st.rerun()
    st.info(
        f"Lecture du fichier « {layout.escape_md(reading.name)} » en cours… Cette page montre l'instantané "
        "choisi jusque-là et se mettra à jour.",
        icon=":material/hourglass_top:",
    )


def _prefill(guess: Guess, headers: list[str]) -> None:
    """The form's widgets set to the guess (before they are drawn: the person sees it, and changes what is wrong)."""
    for canonical in BY_NAME:
        st.session_state.pop(session.MAPPING_COLUMN + canonical, None)
        st.session_state.pop(session.MAPPING_VALUE + canonical, None)
    for proposal in guess.proposals:
        if proposal.header in headers:
            st.session_state[session.MAPPING_COLUMN + proposal.canonical] = proposal.header
    st.session_state[session.MAPPING_IDS] = guess.generate_ids


def _asked(missing: list[str], guess: Guess | None) -> list[str]:
    """The contract columns the form asks about, in the contract's order: the required ones, the place, and every
    one the guess proposes."""
    proposed = {p.canonical for p in guess.proposals} if guess else set()
    wanted = set(missing) | set(REQUIRED) | set(LOCATION_COLUMNS) | proposed
    return [c.name for c in COLUMNS if c.name in wanted]


def choices(asked: list[str], missing: list[str]) -> Mapping:
    """The mapping the form's choices make: a file column, else a value for every row, per contract column; and
    whether ids are generated."""
    columns, values = [], []
    for canonical in asked:
        choice = st.session_state.get(session.MAPPING_COLUMN + canonical)
        value = (st.session_state.get(session.MAPPING_VALUE + canonical) or "").strip()
        if choice:
            # one the reader takes by itself needs no mapping
            if canonical_name(choice) != canonical:
                columns.append((canonical, choice))
        elif value and (canonical in missing or canonical == "vague"):
            values.append((canonical, value))
    generate = bool(st.session_state.get(session.MAPPING_IDS)) and not any(
        c == "id_formation" for c, _ in columns
    )
    return Mapping(tuple(sorted(columns)), tuple(sorted(values)), generate)


def _mapping_form(bar, missing: list[str], headers: list[str], guess: Guess | None) -> None:
    """Per contract column, a file column (pre-filled with the guess, its evidence under it) or a value for every
    row; then the file is read again."""
    evidence = {p.canonical: p.evidence for p in guess.proposals} if guess else {}
    asked = _asked(missing, guess)
    with bar.form("correspondance"):
        st.markdown("**Dire quelle colonne est laquelle**")
        if guess is not None:
            st.caption(
                "Correspondance devinée d'après les en-têtes et le contenu du fichier : vérifiez chaque choix, "
                "corrigez-le si besoin, puis lisez le fichier. Rien n'est lu avant votre confirmation."
            )
        for canonical in asked:
            st.selectbox(
                f"{BY_NAME[canonical].title} ({canonical})",
                [None, *headers],
                key=session.MAPPING_COLUMN + canonical,
                format_func=lambda h: _NONE if h is None else h,
            )
            if canonical in evidence:
                st.caption(layout.escape_md(evidence[canonical].split(" : ", 1)[-1]))
            if (canonical in missing and canonical not in evidence) or canonical == "vague":
                st.text_input(
                    f"… ou la même valeur pour toutes les lignes ({canonical})",
                    key=session.MAPPING_VALUE + canonical,
                )
        st.checkbox(
            "Générer un identifiant stable (sans colonne d'identifiant)",
            key=session.MAPPING_IDS,
            help="Tiré du nom normalisé et de la commune de chaque ligne : le même à chaque export de la "
            "même liste. Dit dans le rapport.",
        )
        for note in guess.notes if guess else ():
            st.caption(layout.escape_md(note))
        if guess is not None and guess.unmapped:
            st.caption(
                "Colonnes gardées telles quelles : "
                + layout.escape_md(", ".join(guess.unmapped))
                + "."
            )
        st.form_submit_button(
            "Lire avec cette correspondance",
            icon=":material/join:",
            on_click=lambda: on_upload(choices(asked, missing)),
        )


def upload_panel(bar, report_page) -> None:
    """The uploader, what the last upload gave (or why it was refused, with the mapping form), in the sidebar."""
    bar.file_uploader(
        "Déposer un nouvel instantané (CSV ou .xlsx)",
        type=["csv", "txt", "xlsx"],
        key=session.uploader_key(),
        on_change=on_upload,
        help="Le fichier est lu et vérifié ; il n'est visible que dans votre session.",
    )
    error = st.session_state.get(session.UPLOAD_ERROR)
    current = st.session_state.get(session.uploader_key())
    # the refused file is still the one shown
    if error and current is not None and error[0] == current.file_id:
        missing = st.session_state.get(session.UPLOAD_MISSING)
        missing = missing if missing and missing[0] == current.file_id else None
        # not refused: read once the person confirms the guess
        if error[2] and missing and missing[3] is not None:
            bar.warning(
                f"À confirmer avant lecture : {layout.escape_md(error[1])}", icon=":material/join:"
            )
        else:
            bar.error(f"Fichier refusé : {layout.escape_md(error[1])}", icon=":material/error:")
        if missing:
            _mapping_form(bar, *missing[1:])
    uploaded = st.session_state.get(session.UPLOADED)
    if uploaded is None:
        return
    bar.caption("Fichier déposé, non publié : il n'est visible que dans votre session.")
    report = uploaded.report
    bar.markdown(
        f"**{fmt.number(report.lignes_acceptees)}** ligne(s) acceptée(s) dont "
        f"{fmt.number(report.lignes_reparees)} réparée(s), **{fmt.number(report.lignes_rejetees)}** "
        f"rejetée(s){report.outside_programme_said()}."
    )
    if uploaded.mapping:
        said = (
            [f"{c} ← « {h} »" for c, h in uploaded.mapping.columns]
            + [f"{c} = « {v} »" for c, v in uploaded.mapping.values]
            + (["identifiant généré"] if uploaded.mapping.generate_ids else [])
        )
        bar.caption("Lu avec la correspondance : " + layout.escape_md(" ; ".join(said)) + ".")
    bar.page_link(report_page, label="Voir le rapport complet", icon=":material/fact_check:")
    if uploaded.date is None:
        bar.date_input(
            "Date de l'extraction (absente du fichier)",
            value=None,
            key=session.UPLOAD_DATE,
            format="DD/MM/YYYY",
        )
