"""app.py, pages/ and gen_dash.maps in a browser, for what only a browser shows: the real server, Debian's
Chromium driven by Playwright, no network but localhost.

Skipped, with a message, on a machine without Chromium (``apt-get install chromium``).
Screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import (
    ARTIFACTS,
    IN_CHROMIUM,
    ROOT,
    map_frame,
    metric_of,
    open_page,
    script_finished,
)

pytestmark = IN_CHROMIUM
MESSY = ROOT / "data" / "sample" / "gen-exemple-2016-12-15-export-tableur.csv"


def test_the_overview_has_a_deep_link_of_its_own(page, server):
    """The default page lives at the root; a hidden twin gives it a deep link too. (Every page's own deep link is
    opened, its sidebar checked, by the view test of ``tests/test_accessibility.py``.)"""
    open_page(page, server, "vue-d-ensemble")
    assert "Vue d'ensemble" in page.locator("h1").first.inner_text()
    assert "Territoire" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert page.get_by_text("Page not found").count() == 0


NAV_LINKS = [
    "Vue d'ensemble",
    "Vagues et objectifs",
    "Évolution",
    "Comparer",
    "Carte",
    "Territoires",
    "Couverture",
    "Ma commune",
    "Quotas",
    "Métiers",
    "Données",
]
# Key figures whose text does not fit their box: ended by an ellipsis or overflowing, at the width they are shown.
# A key figure cut (an ellipsis, hidden overflow), written past its card, or broken over two lines (« 12 596 40 / 4 € »).
# The text of an element as laid out: its number of lines, and its right edge.
_LAID_OUT = """e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return {lines: new Set([...range.getClientRects()].map(r => Math.round(r.top))).size,
            right: range.getBoundingClientRect().right};
}"""
_CUT_FIGURES = f"""() => {{ const laidOut = {_LAID_OUT}; return [
    ...[...document.querySelectorAll('[data-testid=stMetric] *')].filter(e =>
        e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible').map(e => e.textContent),
    ...[...document.querySelectorAll('[data-testid=stMetricValue]')].filter(e => {{
        const card = e.closest('[data-testid=stMetric]').getBoundingClientRect();
        const text = laidOut(e);
        return text.lines > 1 || text.right > card.right + 1;
    }}).map(e => 'coupé : ' + e.textContent)]; }}"""


@pytest.mark.parametrize("width", [1024, 1280, 1366, 1440, 1920, 390])
def test_every_page_is_one_click_away_at_every_width_and_no_figure_is_cut(page, server, width):
    """Office laptops are 1 280 px wide: the top navigation hid two pages there under an English « 2 more », and the key
    figures were cut mid-number at 1 024 px. The navigation is in the sidebar, every page listed, in French."""
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    open_page(page, server, "")
    script_finished(page)
    assert page.evaluate(_CUT_FIGURES) == []
    if width < 640:  # a phone: the sidebar opens from its button
        page.locator(
            '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
        ).first.click()
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for()
    for name in NAV_LINKS:
        link = nav.get_by_role("link", name=name, exact=True)
        assert link.count() == 1 and link.is_visible(), (width, name)
    text = nav.inner_text()
    assert "more" not in text.lower() and "less" not in text.lower(), text
    page.screenshot(path=str(ARTIFACTS / f"navigation-{width}.png"))
    if width == 1024:  # the narrowest: the other pages with key figures too
        for path in ("couverture-territoriale", "familles-de-metiers", "accueil?region=76"):
            open_page(page, server, path)
            script_finished(page)
            assert page.evaluate(_CUT_FIGURES) == [], path


# Tables of text wider than their page, and figures in them written on more than one line.
_TABLES_WRONG = f"""() => {{ const laidOut = {_LAID_OUT};
  return [...document.querySelectorAll('[data-testid=stMarkdownContainer] table')].flatMap(t => {{
    const page = t.closest('[data-testid=stMarkdownContainer]').getBoundingClientRect();
    const wide = t.getBoundingClientRect().right > page.right + 1 ? ['plus large que la page : ' + t.rows[0].textContent] : [];
    const broken = [...t.querySelectorAll('td[style*="right"]')].filter(td => laidOut(td).lines > 1)
        .map(td => 'chiffre sur deux lignes : ' + td.textContent);
    return [...wide, ...broken];
  }}); }}"""


@pytest.mark.parametrize(
    "path",
    [
        "classement-des-territoires?region=93",
        "carte-des-fabriques?region=76",
        "donnees-personnelles",
    ],
)
def test_a_table_of_text_fits_a_phone_with_its_figures_whole(page, server, path):
    """At 390 px « 12 596 404 € » read « 12 596 40 » over « 4 € », and a setting's name in code pushed the personal
    data table past the screen's edge."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, server, path)
    script_finished(page)
    assert page.evaluate(_TABLES_WRONG) == []


# Tick labels that leave their chart, and those an axis writes twice (a half written as a whole number).
_TICKS_WRONG = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
    const box = plot.querySelector('svg.main-svg').getBoundingClientRect();
    const outside = [...plot.querySelectorAll('.xtick text, .ytick text')].filter(t => t.textContent.trim()).filter(t => {
        const r = t.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
    }).map(t => 'hors du graphique : ' + t.textContent);
    const ys = [...plot.querySelectorAll('.ytick text')].map(t => t.textContent);
    const twice = ys.filter((t, i) => ys.indexOf(t) !== i).map(t => 'deux fois : ' + t);
    return [...outside, ...twice];
})"""


@pytest.mark.parametrize(
    "path",
    [
        "vagues-et-objectifs",
        "evolution-dans-le-temps?region=76",
        "quotas-femmes-neet",
        "familles-de-metiers",
        "evolution-dans-le-temps?region=76&dep=31",
        "vagues-et-objectifs?region=76&dep=31",
    ],
)
def test_every_chart_s_axis_labels_are_whole_inside_it(page, server, path):
    """A tick label cut by the chart's edge reads as another number (« 700 » cut to « 0 », « 15 » to « 5 »), and an
    axis of two fabriques must not tick « 0, 1, 1, 2, 2 »: on a laptop and on a phone."""
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, server, path)
        page.wait_for_function(
            "() => { const plots = [...document.querySelectorAll('.js-plotly-plot')]; return plots.length "
            "&& plots.every(p => p.querySelector('svg.main-svg')) && "
            "plots.some(p => p.querySelector('.xtick text, .ytick text')); }"
        )
        assert page.evaluate(_TICKS_WRONG) == [], f"{width} px"
        name = path.replace("?", "-").replace("&", "-").replace("=", "")
        page.screenshot(path=str(ARTIFACTS / f"graphiques-{name}-{width}.png"), full_page=True)


def test_map_draws_the_departements_offline(page, server):
    open_page(page, server, "carte-des-fabriques")
    frame = map_frame(page)
    frame.wait_for_function(
        "() => window.L && document.querySelectorAll('path.leaflet-interactive').length >= 101"
    )
    assert frame.evaluate("() => L.version") == "1.9.3"
    # the régions' borders, drawn from the départements' contours (those between two régions, and the coast)
    expect(frame.locator(".leaflet-genDashRegions-pane path")).to_have_count(1)
    assert frame.locator(".gen-dash-legend").count() == 1
    # fabriques grouped, drawn by Leaflet.markercluster
    assert frame.locator(".gen-dash-cluster").count() > 5
    page.screenshot(path=str(ARTIFACTS / "carte.png"), full_page=True)


def test_shared_link_opens_the_same_view(page, server):
    from tests.support.apptest import sample_id

    open_page(page, server, f"?region=32&dep=59&instantane={sample_id('2017-06-30')}")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("combobox", name="Région").input_value() == "Hauts-de-France"
    # Waited for: on a loaded machine the départements' chips came after the région (CI, once).
    expect(sidebar).to_contain_text("Nord (59)")
    from tests.support.apptest import start

    by_hand = start()  # the same view, chosen in the sidebar of an AppTest session
    by_hand.sidebar.selectbox(key="instantane").select(sample_id("2017-06-30")).run()
    by_hand.sidebar.selectbox(key="territoire_region").select("32").run()
    by_hand.sidebar.multiselect(key="territoire_departements").select("59").run()
    assert metric_of(page, "Apprenants") == next(
        m.value for m in by_hand.metric if m.label == "Apprenants"
    )
    assert (
        "Nord (59)"
        in page.locator(
            '[data-testid="stMain"] [data-testid="stCaptionContainer"]'
        ).first.inner_text()
    )


def test_the_sheet_and_the_map_image_download_from_the_dashboard(page, server):
    import io

    from PIL import Image
    from pypdf import PdfReader
    from streamlit.proto.BackMsg_pb2 import BackMsg

    # What the page asks the server: a download must not run the page again (Streamlit's default, which raced
    # the download: « Deferred file … not found », nothing downloaded, seen in CI on a loaded machine).
    asked: list[str] = []

    def listen(socket):
        socket.on(
            "framesent", lambda sent: asked.append(BackMsg.FromString(sent).WhichOneof("type"))
        )

    page.on("websocket", listen)
    open_page(page, server, "?region=76")
    script_finished(page)
    runs = asked.count("rerun_script")
    with page.expect_download() as download:
        page.get_by_role("button", name="Fiche PDF du territoire").click()
    data = download.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "Grande école du numérique — Occitanie" in text
    assert metric_of(page, "Fabriques labellisées") in text  # the sheet's figure is the screen's
    assert download.value.suggested_filename.endswith("-76-fiche.pdf")
    assert asked.count("rerun_script") == runs, asked
    open_page(page, server, "carte-des-fabriques?region=76")
    map_frame(page)
    script_finished(page)
    runs = asked.count("rerun_script")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la carte (PNG)").click()
    image = Image.open(download.value.path())
    assert image.format == "PNG" and image.width > 600
    # the list under the map, whole: the same fabriques as the table on the page
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la liste (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    table = page.locator("[data-testid=stMarkdownContainer] table")
    assert lines[0] == "Fabrique;Commune;Département;Formations;Apprenants"
    assert (
        len(lines) - 1 == table.locator("tbody tr").count() == 18
    )  # Occitanie's, by the map's caption
    assert asked.count("rerun_script") == runs, asked


def test_an_embedded_view_has_no_sidebar_and_follows_its_link(page, server):
    open_page(page, server, "?embed=true&region=76")
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert "Territoire : Occitanie" in page.locator('[data-testid="stMain"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / "integration-occitanie.png"), full_page=True)


def test_table_figures_are_french_in_a_browser_set_to_english(browser, server):
    """A laptop set to English (« 9,582 », « 26.9% » in Streamlit's tables): the shell gives Streamlit's number
    formatter the French locale, so the same table reads « 9 582 » and « 26,9 % »."""
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    try:
        open_page(tab, server, "classement-des-territoires")
        script_finished(tab)
        assert tab.evaluate("navigator.languages[0]") == "fr-FR"
        said = tab.evaluate(
            "new Intl.NumberFormat(navigator.languages, {style: 'percent', maximumFractionDigits: 1})"
            ".format(0.269) + ' ' + new Intl.NumberFormat(navigator.languages).format(9582)"
        )
        assert said == "26,9\u00a0% 9\u202f582"  # as gen_dash.fmt writes them
        # The ranking's grid is drawn on a canvas (its accessible table gives raw values): the screenshot shows
        # the cells.
        tab.locator('[data-testid="stDataFrame"]').first.screenshot(
            path=str(ARTIFACTS / "tableau-navigateur-anglais.png")
        )
    finally:
        context.close()


@pytest.mark.parametrize(
    "path, title",
    [("", "Vue d'ensemble"), ("carte-des-fabriques?region=76", "Carte des fabriques")],
)
def test_printing_a_page_gives_its_content_without_the_controls(page, server, path, title):
    from io import BytesIO

    from pypdf import PdfReader

    open_page(page, server, path)
    script_finished(page)
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    # no button, download or fiche
    assert not page.get_by_role("button").filter(visible=True).count()
    assert page.locator("h1").first.is_visible()
    if path.startswith("carte"):
        assert page.locator("iframe").first.is_visible()  # the map is printed
    pdf = PdfReader(BytesIO(page.pdf(format="A4", print_background=True)))
    text = " ".join(p.extract_text() for p in pdf.pages)
    (ARTIFACTS / f"impression-{path.split('?')[0] or 'accueil'}.pdf").write_bytes(
        page.pdf(format="A4")
    )
    # title, territory, snapshot
    assert title in text and "Territoire :" in text and "Instantané du" in text
    # no sidebar, no button
    assert "Instantané affiché" not in text and "Fiche PDF du territoire" not in text
    assert len(pdf.pages) <= 6
