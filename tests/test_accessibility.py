"""Accessibility and French, in Chromium: axe-core on every page and in the map's frame, the document's language and
titles, the framework's texts, the keyboard path into the map, the phone viewport.

axe-core (axe-playwright-python, ``tests/support/accessibility.py``) fails the test on any violation of impact
« moderate » or above; the rules deliberately accepted are listed there with the reason.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import (
    ARTIFACTS,
    HAND_ROWS,
    IN_CHROMIUM,
    make_csv,
    map_frame,
    open_page,
    script_finished,
)
from tests.support.accessibility import axe_violations, described

pytestmark = IN_CHROMIUM
PAGES = {
    "": "Vue d'ensemble",
    "carte-des-fabriques": "Carte",
    "vagues-et-objectifs": "Vagues et objectifs",
    "evolution-dans-le-temps": "Évolution",
    "comparer-deux-instantanes": "Comparer",
    "quotas-femmes-neet": "Quotas",
    "classement-des-territoires": "Territoires",
    "familles-de-metiers": "Métiers",
    "couverture-territoriale": "Couverture",
    "ma-commune": "Ma commune",
    "donnees-et-methode": "Données",
}
# Streamlit's, Plotly's and Leaflet's English, as users met it: none may be left where a user reads or a screen reader
# speaks (word-bounded: « minimale » is not « mi »).
ENGLISH = [
    r"\bUpload\b",
    r"per file",
    r"Skip to main content",
    r"Link to heading",
    r"Help for",
    r"Collapse sidebar",
    r"Expand sidebar",
    r"Show password",
    r"Download as CSV",
    r"Download plot",
    r"Choose an option",
    r"Show/hide columns",
    r"Zoom in",
    r"Zoom out",
    r"Autoscale",
    r"Reset axes",
    r"streamlit_folium",
    r"A JavaScript library",
    r"Clear all",
    r"Selected values",
    r"Decrement",
    r"Increment",
    r"Copy to clipboard",
    r"\bSearch\b",
    r"Fullscreen",
    r"\d\s?mi\b",
    r"\d(\.\d)?\s?[KM]B\b",
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b",
]
TEXTS_AND_NAMES = """() => {
    const out = [];
    const grab = (doc) => {
        doc.querySelectorAll('[aria-label],[title],[placeholder],[data-title]').forEach(el => {
            for (const a of ['aria-label', 'title', 'placeholder', 'data-title']) {
                if (el.getAttribute(a)) out.push(el.getAttribute(a));
            }
        });
        const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            if (!node.parentElement.closest('[aria-hidden=true], script, style, noscript')) out.push(node.nodeValue);
        }
        out.push(doc.title);
    };
    grab(document);
    return out;
}"""


# Each page once, in the view that shows the most (a département of a région: the chosen départements, the région
# and the nation beside them), and at France's level the pages whose national view has parts of its own (the
# targets, the DROM insets of the maps).
WITH_MAP = (
    "carte-des-fabriques",
    "couverture-territoriale",
    "familles-de-metiers",
    "comparer-deux-instantanes",
)
VIEWS = [(path, "?region=76&dep=31") for path in PAGES] + [
    ("", ""),
    ("carte-des-fabriques", ""),
    ("couverture-territoriale", ""),
]


def _view_name(path: str, query: str) -> str:
    return f"{path or 'accueil'}-{'departement' if query else 'france'}"


@pytest.mark.parametrize("path, query", VIEWS, ids=[_view_name(*view) for view in VIEWS])
def test_each_view_is_french_with_its_own_title_and_axe_finds_nothing(page, server, path, query):
    """Opened by its deep link, the view has the shared sidebar and no error; axe-core finds nothing moderate or
    worse (no rule set aside), in the page and in its map's frame; the page and the frame say they are French, the
    page's title is its own, no English is left to read or to hear."""
    open_page(page, server, path + query)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Territoire" in sidebar.inner_text() and "Instantané" in sidebar.inner_text()
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / f"page-{_view_name(path, query)}.png"), full_page=True)
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert page.title() == f"{PAGES[path]} — GEN tableau de bord"
    texts = page.evaluate(TEXTS_AND_NAMES)
    if path in WITH_MAP:
        frame = map_frame(page, "() => window.L && document.querySelector('h1.gen-dash-titre')")
        assert frame.evaluate("() => document.documentElement.lang") == "fr"
        texts += frame.evaluate(TEXTS_AND_NAMES)
        violations = axe_violations(frame)
        assert not violations, "dans le cadre de la carte :\n" + described(violations)
    left = sorted({word for word in ENGLISH for text in texts if re.search(word, text)})
    assert not left, (
        f"anglais restant : {left} — {[t for t in texts if any(re.search(w, t) for w in left)][:8]}"
    )
    violations = axe_violations(page)
    assert not violations, described(violations)


def test_axe_on_an_upload_with_errors(page, server, tmp_path):
    path = tmp_path / "avec-erreurs.csv"
    path.write_bytes(
        make_csv(
            [
                {**r, "apprenants_femmes": "999"} if r["id_formation"] == "F2" else r
                for r in HAND_ROWS
            ]
        )
    )
    open_page(page, server, "")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text("ligne(s) acceptée(s)").wait_for()
    script_finished(page)  # the upload's rerun dims the page while it runs
    violations = axe_violations(page)
    assert not violations, described(violations)


def test_the_map_is_reached_and_zoomed_by_keyboard(page, server):
    open_page(page, server, "carte-des-fabriques?region=76")
    frame = map_frame(page)
    assert "user-scalable=no" not in frame.evaluate(
        "() => [...document.querySelectorAll('meta[name=viewport]')].map(m => m.content).join(' ')"
    )
    page.get_by_role("link", name="Passer la carte").focus()
    for _ in range(10):  # at most 10 Tab presses from the skip link to the zoom button
        page.keyboard.press("Tab")
        focused = frame.evaluate(
            "() => document.activeElement && document.activeElement.getAttribute('aria-label')"
        )
        if focused == "Zoomer":
            break
    else:
        pytest.fail("le bouton « Zoomer » n'est pas atteint en 10 pressions de Tab")
    before = frame.evaluate("() => Object.values(window).find(v => v instanceof L.Map).getZoom()")
    page.keyboard.press("Enter")
    page.wait_for_timeout(600)
    assert (
        frame.evaluate("() => Object.values(window).find(v => v instanceof L.Map).getZoom()")
        > before
    )
    # Markers and clusters are named; the insets' labels are not in the tab order.
    names = frame.evaluate(
        "() => [...document.querySelectorAll('.gen-dash-fabrique, .gen-dash-cluster')]"
        ".map(el => el.getAttribute('aria-label'))"
    )
    assert names and all(names)
    assert any(n.endswith("fabriques, zoomer") for n in names) or any(
        "formation" in n for n in names
    )
    assert frame.locator(".gen-dash-inset-label[tabindex]").count() == 0


def test_the_skip_link_leads_to_the_list_of_fabriques(page, server):
    open_page(page, server, "carte-des-fabriques?region=76&dep=31")
    from playwright.sync_api import expect

    link = page.get_by_role("link", name="Passer la carte")
    assert link.get_attribute("href").endswith("#fabriques-en-liste")
    assert link.get_attribute("target") is None  # the same tab, not a new one
    assert page.locator("#fabriques-en-liste").count() == 1
    assert page.get_by_text("Haute-Garonne (31) : les fabriques en liste").count() == 1
    link.press("Enter")
    expect(page.locator("#fabriques-en-liste")).to_be_in_viewport()
    assert len(page.context.pages) == 1


def test_phone_legend_folded_and_sidebar_closes_after_a_choice(browser, server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    try:
        open_page(tab, server, "carte-des-fabriques")
        frame = map_frame(tab)
        assert (
            frame.evaluate("() => document.querySelector('.gen-dash-legend details').open") is False
        )
        tab.screenshot(path=str(ARTIFACTS / "telephone-carte.png"))
        # the list of fabriques fits the screen: no box to scroll sideways, which a keyboard could not reach
        fits = (
            "() => { const t = document.querySelector('[data-testid=stMarkdownContainer] table');"
            " return t.getBoundingClientRect().right <= document.documentElement.clientWidth; }"
        )
        assert tab.evaluate(fits)
        shown = "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().width > 0"
        assert tab.evaluate(shown) is False  # closed at first on a phone
        tab.locator('[data-testid="stExpandSidebarButton"]').click()
        tab.wait_for_function(shown)
        tab.wait_for_timeout(800)  # the sidebar slides in
        region = tab.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Région")
        option = tab.get_by_role("option", name="Occitanie")
        for _ in range(5):  # a tap during the slide can be lost: tap again until the list is open
            region.click()
            try:
                option.wait_for(timeout=3_000)
                break
            except PlaywrightTimeout:
                continue
        option.click()
        # folded once the région is chosen
        tab.wait_for_function(f"() => !({shown})()", timeout=10_000)
        tab.locator("h1").first.wait_for()
        assert "Occitanie" in tab.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()


INFORMATION = {
    "glossaire": "Glossaire",
    "accessibilite": "Accessibilité",
    "mentions-legales": "Mentions légales",
    "donnees-personnelles": "Données personnelles",
    "plan-du-site": "Plan du site",
}


@pytest.mark.parametrize("path", list(INFORMATION))
def test_the_information_pages_pass_axe_in_french_with_the_footer(page, server, path):
    """Issue 28: the legal pages, the glossary and the site map, reached by their address and from every page's
    footer."""
    open_page(page, server, path)
    script_finished(page)
    assert page.title() == f"{INFORMATION[path]} — GEN tableau de bord"
    violations = axe_violations(page)
    assert not violations, described(violations)
    texts = page.evaluate(TEXTS_AND_NAMES)
    assert not sorted({word for word in ENGLISH for text in texts if re.search(word, text)})
    main = page.locator('[data-testid="stMain"]')
    for name in INFORMATION.values():
        assert main.get_by_role("link", name=name, exact=True).count() >= 1, name


def test_an_unknown_address_is_said_in_french(page, server):
    """Streamlit's « Page not found » dialog, with its English body, was what a mistyped link showed."""
    page.goto(f"{server}/page-qui-n-existe-pas")
    page.locator("h1").first.wait_for()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    said = dialog.inner_text()
    assert "Page introuvable" in said and "n'existe pas : voici la page d'accueil" in said, said
    for english in ("Page not found", "You have requested", "Running the app", "main page"):
        assert english not in said, english


def test_a_large_upload_then_another_page_shows_it_in_french_never_blank(page, server, tmp_path):
    """Issue 28: while a 100,000-row file was read, the page navigated to stayed blank, then Streamlit's English
    « Page not found » appeared. Now every page keeps showing, with a French notice, and then updates."""
    from tests.support.uploads import synthetic_files

    big = synthetic_files(tmp_path, 100_000, count=1)[0]
    open_page(page, server, "")
    script_finished(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(big))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="Quotas").click()
    # not blank: the page is there at once
    page.get_by_role("heading", name="Quotas").first.wait_for(timeout=3_000)
    reading_or_read = page.get_by_text("Lecture du fichier").or_(
        sidebar.get_by_text("ligne(s) acceptée(s)")
    )
    reading_or_read.first.wait_for(timeout=10_000)
    sidebar.get_by_text("ligne(s) acceptée(s)").wait_for(timeout=180_000)
    page.get_by_text("Fichier déposé, non publié").first.wait_for()  # the page updated to the file
    script_finished(page)
    assert page.get_by_role("heading", name="Quotas").first.is_visible()
    texts = page.evaluate(TEXTS_AND_NAMES) + [page.locator("body").inner_text()]
    for english in (*ENGLISH, r"Page not found", r"\bRunning\b", r"Connection error", r"\bError\b"):
        assert not any(re.search(english, text) for text in texts), (
            english,
            [t for t in texts if re.search(english, t)],
        )
    assert page.get_by_role("dialog").count() == 0


def test_the_state_identity_block_only_behind_its_setting(page, server, browser, tmp_path):
    """Issue 28: only State services may use the « République française » block; off by default, on with
    GEN_DASH_MARQUE_ETAT=oui, named in French to screen readers, and the page still passes axe."""
    from tests.support import new_install, start_server

    open_page(page, server, "")
    assert page.locator('[data-testid="stSidebarLogo"]').count() == 0
    marked, base = start_server({**new_install(tmp_path), "GEN_DASH_MARQUE_ETAT": "oui"})
    try:
        tab = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
        open_page(tab, base, "")
        script_finished(tab)
        logo = tab.locator('[data-testid="stSidebarLogo"]')
        assert logo.is_visible() and logo.get_attribute("alt") == "République française"
        assert not axe_violations(tab), described(axe_violations(tab))
        tab.screenshot(path=str(ARTIFACTS / "marque-etat.png"))
        tab.close()
    finally:
        marked.terminate()
        marked.wait(timeout=60)


def test_a_server_that_stops_is_said_in_french(browser, tmp_path):
    """Issue 28: the server stopped under an open page; Streamlit says so in English (« Connection error », « Is
    Streamlit still running? »): the page must say it in French, and nothing else in English."""
    from tests.support import new_install, start_server

    stopping, base = start_server(new_install(tmp_path))
    tab = browser.new_page(locale="fr-FR")
    try:
        open_page(tab, base, "")
        script_finished(tab)
        stopping.terminate()
        stopping.wait(timeout=60)
        dialog = tab.get_by_role("dialog")
        dialog.wait_for(timeout=60_000)
        said = dialog.inner_text()
        tab.screenshot(path=str(ARTIFACTS / "serveur-arrete.png"))
        assert "Connexion perdue" in said, said
        texts = tab.evaluate(TEXTS_AND_NAMES) + [tab.locator("body").inner_text()]
        for english in (
            *ENGLISH,
            r"Connection error",
            r"Is Streamlit still running",
            r"Please wait",
            r"Connecting",
        ):
            assert not any(re.search(english, text) for text in texts), english
    finally:
        tab.close()
        if stopping.poll() is None:
            stopping.terminate()
