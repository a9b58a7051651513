"""EPCI and « Ma commune » in a real browser (Debian's Chromium, the real server): a link with ``?epci=`` shows the
EPCI's name, figures and outline on Carte, Territoires and Couverture; the commune search works with the keyboard,
has a name for screen readers, and axe-core finds nothing moderate or worse on the page.
"""

from __future__ import annotations

from tests.conftest import ARTIFACTS, IN_CHROMIUM, map_frame, metric_of, open_page
from tests.support.accessibility import axe_violations, described

pytestmark = IN_CHROMIUM
MONTPELLIER = "243400017"  # Montpellier Méditerranée Métropole, one fabrique in the end-2017 sample
NAME = "Montpellier Méditerranée Métropole"
OUTLINE = f"() => window.L && document.querySelector('path.gen-dash-dep-{MONTPELLIER}')"


def test_the_map_by_epci_shows_its_name_figures_and_outline(page, server):
    open_page(page, server, f"carte-des-fabriques?epci={MONTPELLIER}")
    # waits: the script may still run
    page.locator("main").get_by_text(f"Territoire : {NAME}").first.wait_for()
    frame = map_frame(page, OUTLINE)
    assert frame.locator(f"path.gen-dash-dep-{MONTPELLIER}").count() == 1
    caption = page.get_by_text("Carte par EPCI, " + NAME).first.inner_text()
    assert "couvert avec au moins une fabrique" in caption and f"en tête : {NAME} (1)" in caption
    page.screenshot(path=str(ARTIFACTS / "carte-epci.png"), full_page=True)


def test_the_national_map_by_epci_draws_every_epci(page, server):
    open_page(page, server, "carte-des-fabriques")
    page.get_by_text("Intercommunalités (EPCI)").click()
    frame = map_frame(
        page, "() => window.L && document.querySelectorAll('path.gen-dash-dep').length >= 1255"
    )
    assert frame.locator("path.gen-dash-dep").count() == 1255
    page.screenshot(path=str(ARTIFACTS / "carte-epci-france.png"))


def test_territories_and_coverage_follow_the_epci(page, server):
    open_page(page, server, f"classement-des-territoires?epci={MONTPELLIER}")
    # waits: the script may still run
    page.locator("main").get_by_text(f"Territoire : {NAME}").first.wait_for()
    # ranked by EPCI: its départements' EPCI
    page.get_by_text("EPCI sans aucune formation").wait_for()
    open_page(page, server, f"couverture-territoriale?epci={MONTPELLIER}")
    page.locator("h2").filter(has_text=f"de la population ({NAME}) vit à moins de 30 km").wait_for()
    frame = map_frame(page, OUTLINE)
    assert frame.locator(f"path.gen-dash-dep-{MONTPELLIER}").count() == 1


def test_ma_commune_with_the_keyboard_and_a_screen_reader_name(page, server):
    open_page(page, server, "ma-commune")
    search = page.get_by_role("textbox", name="Rechercher une commune")
    search.focus()
    page.keyboard.type("Lunel")
    page.keyboard.press("Enter")
    page.get_by_text("La fabrique la plus proche de Lunel est").wait_for()
    assert metric_of(page, "Commune couverte") == "oui"
    assert "commune=34145" in page.url
    map_frame(page, "() => window.L && document.querySelector('.gen-dash-nearby')")
    page.screenshot(path=str(ARTIFACTS / "ma-commune.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, described(violations)


def test_ma_commune_lists_homonyms_with_their_departement(page, server):
    open_page(page, server, "ma-commune?commune=Saint-Denis")
    page.get_by_text("désigne 4 communes").wait_for()
    choices = page.get_by_role("radiogroup").get_by_role("radio")
    # the list comes just after the notice
    page.get_by_text("Saint-Denis — La Réunion (974), 97411").wait_for()
    assert choices.count() == 4
