"""ui/upload.py through AppTest: an upload read or refused in French, the mapping form filled with the guess, any
header set, the memory budget."""

from __future__ import annotations

import threading

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hyp

from gen_dash import metrics
from gen_dash.ingest import read_snapshot
from tests.conftest import BASE_ROW, ROOT, hand_csv, make_csv, row
from tests.support.apptest import (
    MESSY,
    OWN_NAMES,
    PAGES,
    TWIN,
    finish_reading,
    headline,
    sample_id,
    start,
    upload,
)
from ui import cache, reference, session


def test_broken_upload_is_refused_in_french_and_the_snapshot_stays():
    at = start()
    before = headline(at)
    upload(at, b"\x89PNG\r\n\x1a\n\x00\x00binary" * 10, "photo.csv")
    assert any("Fichier refusé" in e.value and "binaires" in e.value for e in at.sidebar.error)
    assert at.session_state[session.SNAPSHOT] == sample_id("2017-12-31")
    assert headline(at) == before


def test_upload_missing_column_names_it():
    at = start()
    upload(at, make_csv([row(apprenants_neet=None)]), "sans-neet.csv")
    # Not refused: the form offers the guess, to confirm (escaped Markdown)
    assert any("apprenants_neet" in e.value.replace("\\", "") for e in at.sidebar.warning)


def test_messy_upload_gives_the_figures_of_its_clean_twin():
    messy = upload(start(), MESSY, MESSY.name)
    twin = upload(start(), TWIN, TWIN.name)
    assert messy.session_state[session.SNAPSHOT] == session.UPLOAD_ID
    # six, and the four reported indicators
    assert headline(messy) == headline(twin) and len(headline(twin)) == 10
    assert not messy.info  # no sample banner on the user's own data
    assert any("réparée" in m.value for m in messy.sidebar.markdown)


def test_upload_with_rejected_rows_reports_them_and_stays_in_the_session():
    at = start()
    data = make_csv(
        [
            row(),
            row(id_formation="F2", apprenants_femmes="99"),
            row(id_formation="F3", code_commune="2A004"),
        ]
    )
    upload(at, data, "essai.csv")
    assert (
        "**2** ligne(s) acceptée(s)" in at.sidebar.markdown[0].value
        and "**1** rejetée(s)" in at.sidebar.markdown[0].value
    )
    at.switch_page("pages/data.py").run()
    report = at.dataframe[1].value  # the rows, then the validation report
    assert report[["ligne", "colonne", "valeur"]].values.tolist() == [
        [3, "apprenants_femmes", "99"]
    ]
    assert at.date_input(key=session.UPLOAD_DATE)  # no date in the file: the user is asked
    other = start()
    # nobody else
    assert not any(
        o.startswith("Fichier déposé")
        for o in other.sidebar.selectbox(key=session.SNAPSHOT).options
    )


def test_an_uploads_charts_stay_in_its_session_not_in_the_shared_cache():
    at = upload(start(), TWIN, "gen-2016-12-15.csv")
    cache.shared_values().clear()
    at.switch_page("pages/waves.py").run()
    assert not at.exception and at.get("plotly_chart")
    charts_shared = [k for k in cache.shared_values().held_keys() if k[0] == "graphique"]
    assert charts_shared == []  # another session cannot be given them; they leave with this one
    kept = dict(at.session_state[session.UPLOAD_CHARTS])
    assert {k[2] for k in kept} >= {"cumulative_by_wave"}
    at.switch_page("pages/data.py").run()  # a page without charts
    at = upload(at, make_csv([row()]), "autre.csv")  # a new file: the old file's charts leave
    assert session.UPLOAD_CHARTS not in at.session_state


def test_a_list_of_places_gets_the_form_filled_with_the_guess():
    data = (ROOT / "tests" / "fixtures" / "listes" / "agences.csv").read_bytes()
    at = upload(start(), data, "agences.csv")
    # nothing read yet
    assert session.UPLOADED not in at.session_state or at.session_state[session.UPLOADED] is None
    for canonical, header in (
        ("nom_formation", "nom_agence"),
        ("nom_fabrique", "nom_agence"),
        ("code_postal", "cp"),
        ("commune", "ville"),
        ("code_departement", "departement"),
    ):
        assert at.sidebar.selectbox(key=session.MAPPING_COLUMN + canonical).value == header, (
            canonical
        )
    # the agency code is not it
    assert at.sidebar.selectbox(key=session.MAPPING_COLUMN + "code_commune").value is None
    captions = " ".join(c.value.replace("\\", "") for c in at.sidebar.caption)
    assert (
        "13 valeurs sur 13 sont des codes postaux" in captions
        and "ce n'est pas un code commune" in captions
    )
    assert at.sidebar.checkbox(key=session.MAPPING_IDS).value
    finish_reading(
        at.sidebar.button[
            [b.label for b in at.sidebar.button].index("Lire avec cette correspondance")
        ]
        .click()
        .run()
    )
    assert not at.exception and at.session_state[session.SNAPSHOT] == session.UPLOAD_ID
    assert headline(at)["Fabriques labellisées"] == "13"
    at.switch_page("pages/waves.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    # last, never counted as a wave of its own number
    assert shown["vague"].tolist()[-1] == "non renseignée"
    assert [str(n) for n in shown["formations"]] == ["0"] * (len(shown) - 1) + ["13"]


def test_missing_columns_are_offered_a_mapping_and_the_file_is_read_with_it():
    at = upload(start(), OWN_NAMES, "noms-propres-2018-02-28.csv")
    assert any(
        "Colonne(s) obligatoire(s) absente(s)" in e.value.replace("\\", "")
        for e in at.sidebar.warning
    )
    for canonical, header in (("id_formation", "id_fs"), ("nom_formation", "lib_fs")):
        at.sidebar.selectbox(key=session.MAPPING_COLUMN + canonical).select(header)
    at.sidebar.text_input(key=session.MAPPING_VALUE + "vague").input("2")
    finish_reading(
        at.sidebar.button[
            [b.label for b in at.sidebar.button].index("Lire avec cette correspondance")
        ]
        .click()
        .run()
    )
    assert not at.exception and not at.sidebar.error, [e.value for e in at.sidebar.error]
    assert at.session_state[session.SNAPSHOT] == session.UPLOAD_ID
    assert headline(at)["Apprenants"] == "30" and headline(at)["Fabriques labellisées"] == "2"
    captions = [c.value.replace("\\", "") for c in at.sidebar.caption]
    assert any("Lu avec la correspondance : id_formation ← « id_fs »" in c for c in captions), (
        captions
    )
    at.switch_page("pages/data.py").run()
    report = at.dataframe[1].value
    assert (
        "vague : la valeur « 2 » est donnée pour toutes les lignes (correspondance)."
        in report["message"].tolist()
    )


def test_a_mapping_constant_of_the_wrong_type_is_said_in_french():
    at = upload(start(), OWN_NAMES, "noms-propres.csv")
    for canonical, header in (("id_formation", "id_fs"), ("nom_formation", "lib_fs")):
        at.sidebar.selectbox(key=session.MAPPING_COLUMN + canonical).select(header)
    at.sidebar.text_input(key=session.MAPPING_VALUE + "vague").input("deux")
    finish_reading(
        at.sidebar.button[
            [b.label for b in at.sidebar.button].index("Lire avec cette correspondance")
        ]
        .click()
        .run()
    )
    assert any("« deux » n'est pas un nombre entier" in e.value for e in at.sidebar.error)


def test_a_file_whose_extra_columns_collide_shows_every_page():
    data = make_csv(
        [
            {
                **row(),
                "Apprenants": "99",
                "Ligne du fichier": "x",
                "Commentaire": "a",
                "commentaire": "b",
            }
        ]
    )
    at = upload(start(), data, "collisions-2018-01-15.csv")
    for page in ("pages/data.py", "pages/territories.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    assert at.get("download_button")  # the exports are offered (their tables have unique columns)


# Header names that once broke a page or an export, and the like: display titles, canonical names in other cases,
# derived columns, the geometry, formulas and Markdown, blanks; plus any text.
_HOSTILE_HEADERS = hyp.sampled_from(
    [
        "Ligne du fichier",
        "ligne",
        "Apprenants",
        "APPRENANTS",
        "apprenants",
        "Département",
        "code_region",
        "localisation",
        "cle_fabrique",
        "geometry",
        "Géométrie",
        "Nom de la formation",
        "id_formation",
        "Id Formation",
        "=SUM(A1)",
        "[lien](http://exemple.invalid)",
        "**gras**",
        "",
        " ",
        "colonne 1",
        "Commune",
        "ÉTAT",
        "état",
        "Région",
    ]
) | hyp.text(alphabet=hyp.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(
    extras=hyp.lists(_HOSTILE_HEADERS, max_size=5),
    values=hyp.lists(
        hyp.text(alphabet=hyp.characters(blacklist_categories=("Cs",)), max_size=8),
        min_size=5,
        max_size=5,
    ),
)
# « X » reads as a longitude: half a point rejects both rows
@example(extras=["X"], values=["0", "", "", "", ""])
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_any_header_set_renders_every_page_and_both_exports(extras, values):
    """Whatever extra columns a file has, every page renders and both Territoires exports write every accepted row."""
    import csv
    import io

    from gen_dash import export, tables
    from gen_dash.territory import Territory

    header = [*BASE_ROW, *extras]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for i in range(2):
        writer.writerow([*row(id_formation=f"H{i}").values(), *values[: len(extras)]])
    data = out.getvalue().encode()
    at = upload(start(), data, "entetes-2018-01-15.csv")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, header, at.exception)
    rows = read_snapshot(data, "entetes.csv").rows
    territory = Territory.of("11", (), reference.departements_table())
    # an extra column may be a coordinate (« X ») and reject rows
    readable = tables.readable_rows(territory.apply(rows))
    assert len(
        pd.read_csv(io.BytesIO(export.to_csv_bytes(readable)), sep=";", encoding="utf-8-sig")
    ) == len(readable)
    figures = tables.figures_export(territory.apply(metrics.figures_by_territory(rows), "code"))
    book = export.to_xlsx_bytes({"Formations": readable, "Départements": figures})
    assert len(pd.read_excel(io.BytesIO(book), sheet_name="Formations")) == len(readable)


def test_an_upload_beyond_the_memory_budget_is_refused_in_french(monkeypatch):
    monkeypatch.setenv("GEN_DASH_MEMOIRE_MAX_MO", "1")
    cache.held_uploads.clear()  # the budget is read when the server first needs it
    try:
        at = start()
        at.file_uploader(key=session.UPLOADER).upload(
            "gros-2018-01-15.csv", make_csv([row(id_formation=f"M{i}") for i in range(6000)])
        )
        finish_reading(at.run())
        refused = [e.value for e in at.sidebar.error]
        assert refused and refused[0].replace("\\", "").startswith(
            "Fichier refusé : Le serveur garde déjà 0 Mo de "
            "fichiers déposés par les sessions ouvertes"
        )
        # the published snapshot stays on screen
        assert at.session_state[session.SNAPSHOT] != session.UPLOAD_ID
    finally:
        cache.held_uploads.clear()


def test_a_file_being_read_leaves_every_page_as_it_was_with_a_notice(monkeypatch):
    from gen_dash import upload as reader

    release, real = threading.Event(), reader.read_upload
    # a long reading
    monkeypatch.setattr(reader, "read_upload", lambda *args: release.wait(60) and real(*args))
    at = start()
    before = headline(at)
    at.file_uploader(key=session.UPLOADER).upload("a-la-main.csv", hand_csv())
    at.run()
    # the page moved to while it is read is not blank either
    for page in (
        "pages/overview.py",
        "pages/quotas.py",
    ):
        at.switch_page(page).run()
        assert not at.exception
        assert any(
            i.value.replace("\\", "").startswith("Lecture du fichier « a-la-main.csv » en cours")
            for i in at.info
        ), page
        assert at.title and at.session_state[session.SNAPSHOT] != session.UPLOAD_ID
    at.switch_page("pages/overview.py").run()
    assert headline(at) == before
    release.set()
    finish_reading(at)
    # the hand-computed snapshot of tests/conftest.py, now shown
    assert headline(at)["Apprenants"] == "140"
    assert not any(i.value.startswith("Lecture du fichier") for i in at.info)
