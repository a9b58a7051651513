"""The upload and publication flows in a browser: a file's figures replace the samples', its columns mapped or
guessed for confirmation, a hostile name shown as text, the colours of its map, a new install's first publication.

Skipped, with a message, on a machine without Chromium. Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

from gen_dash import fmt
from tests.conftest import (
    ARTIFACTS,
    IN_CHROMIUM,
    ROOT,
    hand_csv,
    local_tab,
    make_csv,
    map_frame,
    metric_of,
    open_page,
    row,
)

pytestmark = IN_CHROMIUM


def _upload(tab, path) -> None:
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    tab.get_by_text("ligne(s) acceptée(s)").wait_for()


def test_upload_changes_the_figures_and_says_it_is_not_published(page, server, tmp_path):
    open_page(page, server, "")
    assert metric_of(page, "Fabriques labellisées") == fmt.number(198)
    path = tmp_path / "a-la-main.csv"
    path.write_bytes(hand_csv())
    _upload(page, path)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText.trim() === '140')"
    )
    # the hand-computed snapshot of tests/conftest.py
    assert metric_of(page, "Fabriques labellisées") == "5"
    assert metric_of(page, "Part de femmes") == "29,3\u00a0%"
    assert page.get_by_text("Fichier déposé, non publié").first.is_visible()
    assert page.get_by_text("Données illustratives").count() == 0
    page.screenshot(path=str(ARTIFACTS / "depot.png"), full_page=True)


def test_a_hostile_fabrique_name_shows_as_text(page, server, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    path = tmp_path / "hostile-2017-01-01.csv"
    path.write_bytes(make_csv([row(nom_fabrique=hostile, porteur="<b>gras</b>")]))
    open_page(page, server, "")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("ligne(s) acceptée(s)").wait_for()
    page.get_by_role("link", name="Carte").first.click()  # same session: the upload stays
    frame = map_frame(page)
    frame.wait_for_function(
        "() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 101"
    )
    marker = frame.locator(".gen-dash-fabrique").first
    scrolled = "() => document.querySelector('[data-testid=stMain]').scrollTop"
    before = page.evaluate(scrolled)
    marker.click(force=True)  # the map runs below the fold here (the upload banner is above it)
    # clicking the map does not scroll the page from under the pointer
    assert page.evaluate(scrolled) == before
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert hostile in popup.inner_text() and "<b>gras</b>" in popup.inner_text()
    assert popup.locator("img").count() == 0 and popup.locator("b").count() == 0
    assert page.dialogs == []


def test_every_departement_is_filled_with_the_colour_its_legend_gives(page, server, tmp_path):
    """In the browser: each département's drawn fill against the legend label that holds the value its tooltip shows."""
    from tests.support.expected import label_holds

    path = tmp_path / "a-la-main.csv"
    path.write_bytes(hand_csv())
    open_page(page, server, "carte-des-fabriques?region=76")
    _upload(page, path)
    for indicator, kind in (("Fabriques", "count"), ("Part de femmes", "share")):
        if indicator != "Fabriques":
            page.get_by_role("combobox", name="Indicateur").click()
            page.get_by_role("option", name=indicator, exact=True).click()
        # The map of this upload and indicator: its legend is titled with the indicator, and Hérault has one fabrique.
        frame = map_frame(
            page,
            f"""() => document.querySelectorAll('path.gen-dash-dep').length >= 101
            && (document.querySelector('.gen-dash-legend summary') || {{}}).textContent === {"Légende : " + indicator!r}
            && document.querySelectorAll('.gen-dash-fabrique').length
               + document.querySelectorAll('.gen-dash-cluster').length <= 3""",
        )
        legend = frame.evaluate("""() => [...document.querySelectorAll('.gen-dash-legend div[style*="display:flex"]')].map(d => [
            getComputedStyle(d.querySelector('span')).backgroundColor, d.querySelectorAll('span')[1].textContent])""")
        checked = 0
        for code in ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"):
            shape = frame.locator(f"path.gen-dash-dep-{code}").first
            fill = frame.evaluate("(e) => getComputedStyle(e).fill", shape.element_handle())
            shape.dispatch_event("mouseover")
            tooltip = frame.locator(".leaflet-tooltip").last.inner_text()
            shown = tooltip.split(" : ")[-1].strip()
            holding = [colour for colour, label in legend if label_holds(label, shown, kind)]
            assert holding == [fill], (indicator, code, tooltip, legend, fill)
            shape.dispatch_event("mouseout")
            checked += 1
        assert checked == 13
    page.screenshot(path=str(ARTIFACTS / "carte-occitanie-legende.png"), full_page=True)


def test_a_new_install_publishes_with_its_printed_password_after_a_confirmation(
    browser, new_server, tmp_path
):
    import re

    server, log = new_server  # its own: what it publishes stays out of the shared server
    printed = log.read_text(encoding="utf-8")
    with local_tab(browser, server) as page:
        password = re.search(
            r"Mot de passe éditeur \(affiché une seule fois\) : (\S+)", printed
        ).group(1)
        path = tmp_path / "publication-navigateur-2018-04-30.csv"
        path.write_bytes(hand_csv(nom_formation="Navigateur"))
        open_page(page, server, "")
        _upload(page, path)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Publier (éditeurs)").click()
        assert sidebar.get_by_text("Demandez le mot de passe éditeur").is_visible()
        field = sidebar.get_by_label("Mot de passe éditeur")
        field.fill(password)
        # Enter commits the value before the click (a loaded server may otherwise see the click first).
        field.press("Enter")
        page.wait_for_timeout(500)
        sidebar.get_by_role("button", name="Se connecter comme éditeur").click()
        sidebar.get_by_label("Libellé (obligatoire)").fill("Avril 2018 (navigateur)")
        sidebar.get_by_label("Votre nom (obligatoire)").fill("Camille")
        sidebar.get_by_role("button", name="Vérifier avant de publier").click()
        sidebar.get_by_text("Vous allez publier pour tous").wait_for()
        assert "6 ligne(s) acceptée(s), publiée(s)" in sidebar.inner_text()
        sidebar.get_by_role("button", name="Confirmer la publication").click()
        page.get_by_text("Publié pour tous").first.wait_for()
        # The page renders element by element: the upload banner goes once the rerun has drawn the main area.
        page.get_by_text("Fichier déposé, non publié").first.wait_for(state="detached")
        assert (
            "Avril 2018 (navigateur)"
            in sidebar.get_by_role("combobox", name="Instantané affiché").input_value()
        )
        page.screenshot(path=str(ARTIFACTS / "publication.png"), full_page=True)


def test_the_upload_panel_maps_the_file_columns(page, server, tmp_path):
    from tests.support.apptest import OWN_NAMES

    path = tmp_path / "noms-propres-2018-02-28.csv"
    path.write_bytes(OWN_NAMES)
    open_page(page, server, "")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Dire quelle colonne est laquelle").wait_for()
    for label, header in (
        ("Identifiant de la formation (id_formation)", "id_fs"),
        ("Intitulé de la formation (nom_formation)", "lib_fs"),
    ):
        box = sidebar.get_by_role("combobox", name=label)
        box.click()
        box.press_sequentially(header)  # the select box filters its options as one types
        page.get_by_role("option", name=header, exact=True).click()
    sidebar.get_by_label("… ou la même valeur pour toutes les lignes (vague)").fill("2")
    sidebar.get_by_role("button", name="Lire avec cette correspondance").click()
    # the sidebar renders element by element
    sidebar.get_by_text("Lu avec la correspondance").wait_for()
    assert "Lu avec la correspondance : id_formation ← « id_fs »" in sidebar.inner_text()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText.trim() === '30')"
    )
    page.screenshot(path=str(ARTIFACTS / "correspondance.png"), full_page=True)


def test_a_list_of_places_comes_with_its_guessed_mapping_to_confirm(page, server):
    """A directory export with its own headers, no id and no wave: the form arrives filled with the guess and its
    evidence; nothing is read before the person confirms."""
    open_page(page, server, "")
    listed = ROOT / "tests" / "fixtures" / "listes" / "annuaire-lieux-inclusion.csv"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(listed))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Correspondance devinée d'après les en-têtes").wait_for()
    for label in ("Intitulé de la formation (nom_formation)", "Nom de la fabrique (nom_fabrique)"):
        assert sidebar.get_by_role("combobox", name=label).input_value() == "NOM"
    assert (
        sidebar.get_by_role("combobox", name="Latitude (latitude)").input_value() == "DN_LATITUDE"
    )
    assert "7 valeurs sur 8 sont des codes postaux" in sidebar.inner_text()
    assert sidebar.get_by_role("checkbox", name="Générer un identifiant stable").is_checked()
    assert page.get_by_text("Fichier déposé, non publié").count() == 0  # not read yet
    sidebar.get_by_role("button", name="Lire avec cette correspondance").click()
    sidebar.get_by_text("Lu avec la correspondance").wait_for()
    assert "identifiant généré" in sidebar.inner_text()
    page.wait_for_function(  # 8 places, 7 fabriques: the two identical rows are one fabrique, said in the report
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText.trim() === '7')"
    )
    page.screenshot(path=str(ARTIFACTS / "correspondance-devinee.png"), full_page=True)
