"""Files built when their button is clicked: the territory's PDF sheet, the map as an image, the Carte's list."""

from __future__ import annotations

import streamlit as st

from gen_dash import export, store
from ui import reference, session, shared_work
from ui.sources import View


def sheet_pdf(current: View, indicator: str = "fabriques") -> bytes:
    """The « fiche territoire » of the view (:func:`gen_dash.fiche.territory_sheet`)."""
    from gen_dash import fiche  # fpdf2, imported by the first sheet only

    entry = current.entry
    digest = entry.sha256
    if entry.is_upload and st.session_state.get(session.UPLOADED_FILE):
        digest = store.sha256(st.session_state[session.UPLOADED_FILE][1])
    source = fiche.Source(entry.file_name, entry.date, entry.libelle, digest, entry.is_sample)
    return fiche.territory_sheet(
        current.rows,
        current.national,
        current.territory,
        current.targets,
        source,
        reference.communes_table(),
        indicator,
    )


def map_image(current: View, indicator: str, image_format: str) -> bytes:
    """The map page's static twin as PNG or SVG (:func:`gen_dash.static_map.map_image`)."""
    from gen_dash import static_map  # matplotlib, imported by the first image only

    return static_map.map_image(
        shared_work.figures(current),
        shared_work.fabriques(current),
        indicator,
        current.territory,
        current.targets.quota(indicator),
        image_format,
    ).data


def fabriques_csv(current: View) -> bytes:
    """The Carte's list of the territory's fabriques, all of them, as CSV for French Excel."""
    return export.to_csv_bytes(shared_work.fabriques_list(current, current.territory))


def offer(where, label: str, data, file_name: str, mime: str, **options) -> None:
    """A download button in *where* (the page or one of its columns) for *data*: bytes, or a function that makes
    them when the button is clicked; *options* are ``st.download_button``'s (``key``, ``icon``, ``help``).

    The click does not run the page again (``on_click="ignore"``): Streamlit's rerun raced the file made on click and
    replaced it before it was made (« Deferred file not found », the person left with an English error), and cost a
    run of the page for nothing. Every page offers its files through here."""
    where.download_button(label, data, file_name, mime, on_click="ignore", **options)
