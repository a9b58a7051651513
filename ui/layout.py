"""The layout flow: which pages exist (one table), the navigation built from it, each page's header, charts with their
text alternative, the footer with the legal pages on every page, and the site map.

The pages are listed once, in :data:`PAGES` (file, title, icon, address, help, section); ``app.py`` asks
:func:`navigation` for the ``st.Page`` objects, ``pages/plan_du_site.py`` reads the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from gen_dash import config, fmt, memory
from gen_dash.markdown import escape as escape_md  # the pages' name for it
from ui import cache, session

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class Listed:
    """One page of the dashboard."""

    path: str
    title: str
    icon: str
    url: str
    help: str
    section: str  # its heading in the site map
    in_sidebar: bool = True


PAGES = (
    Listed(
        "pages/overview.py",
        "Vue d'ensemble",
        ":material/dashboard:",
        "accueil",
        "Chiffres clés, taux de réalisation des objectifs et rythme, pour le territoire choisi.",
        "Le programme",
    ),
    Listed(
        "pages/map.py",
        "Carte",
        ":material/map:",
        "carte-des-fabriques",
        "Carte des départements selon un indicateur, régions, fabriques et DROM en encarts.",
        "Le territoire",
    ),
    Listed(
        "pages/waves.py",
        "Vagues et objectifs",
        ":material/trending_up:",
        "vagues-et-objectifs",
        "Progression vague par vague vers 200 fabriques et 10 000 apprenants, subventions et projection.",
        "Le programme",
    ),
    Listed(
        "pages/evolution.py",
        "Évolution",
        ":material/timeline:",
        "evolution-dans-le-temps",
        "Les chiffres du territoire à chaque instantané publié, face aux objectifs, à l'échéance et aux chiffres "
        "publiés par le programme.",
        "Le programme",
    ),
    Listed(
        "pages/compare.py",
        "Comparer",
        ":material/compare_arrows:",
        "comparer-deux-instantanes",
        "Formations ajoutées, retirées et modifiées entre deux instantanés, et l'écart de chaque chiffre clé.",
        "Les données",
    ),
    Listed(
        "pages/quotas.py",
        "Quotas",
        ":material/balance:",
        "quotas-femmes-neet",
        "Parts de femmes et de jeunes NEET face aux quotas de 30 % et 50 %, par département et par fabrique.",
        "Le programme",
    ),
    Listed(
        "pages/territories.py",
        "Territoires",
        ":material/leaderboard:",
        "classement-des-territoires",
        "Classement des régions et départements, territoire choisi face à la France, exports CSV et Excel.",
        "Le territoire",
    ),
    Listed(
        "pages/metiers.py",
        "Métiers",
        ":material/work:",
        "familles-de-metiers",
        "Formations, fabriques et apprenants par famille de métiers, parts de femmes et de jeunes NEET, où chaque "
        "métier est formé et où il manque.",
        "Le programme",
    ),
    Listed(
        "pages/coverage.py",
        "Couverture",
        ":material/radar:",
        "couverture-territoriale",
        "Population à moins de R km d'une fabrique, zones blanches, et où ouvrir les prochaines fabriques.",
        "Le territoire",
    ),
    Listed(
        "pages/commune.py",
        "Ma commune",
        ":material/location_on:",
        "ma-commune",
        "Une commune par son nom ou son code : les fabriques les plus proches, les formations à portée.",
        "Le territoire",
    ),
    Listed(
        "pages/data.py",
        "Données",
        ":material/table_view:",
        "donnees-et-methode",
        "Lignes de l'instantané, rapport de validation, contrat de fichier, sources et méthode.",
        "Les données",
    ),
    Listed(
        "pages/glossary.py",
        "Glossaire",
        ":material/menu_book:",
        "glossaire",
        "Les mots sur lesquels reposent les chiffres : fabrique, vague, apprenant, jeune NEET, zone blanche…",
        "Informations",
        in_sidebar=False,
    ),
    Listed(
        "pages/accessibility.py",
        "Accessibilité",
        ":material/accessibility:",
        "accessibilite",
        "Déclaration d'accessibilité (RGAA) : état de conformité, ce qui est vérifié, contact et recours.",
        "Informations",
        in_sidebar=False,
    ),
    Listed(
        "pages/legal_notice.py",
        "Mentions légales",
        ":material/gavel:",
        "mentions-legales",
        "Éditeur, directeur de la publication, hébergeur, licences.",
        "Informations",
        in_sidebar=False,
    ),
    Listed(
        "pages/personal_data.py",
        "Données personnelles",
        ":material/privacy_tip:",
        "donnees-personnelles",
        "Ce qui est gardé, pourquoi, combien de temps, et comment le demander.",
        "Informations",
        in_sidebar=False,
    ),
    Listed(
        "pages/site_map.py",
        "Plan du site",
        ":material/account_tree:",
        "plan-du-site",
        "Toutes les pages du tableau de bord.",
        "Informations",
        in_sidebar=False,
    ),
)
SECTIONS = ("Le programme", "Le territoire", "Les données", "Informations")
FOOTER = (
    "pages/accessibility.py",
    "pages/legal_notice.py",
    "pages/personal_data.py",
    "pages/glossary.py",
    "pages/site_map.py",
)


def navigation() -> list:
    """The ``st.Page`` of every page, in the sidebar's order (the default page first; the information pages hidden
    from the sidebar, reached from the footer), and the overview's deep link of its own."""
    pages = [
        st.Page(
            p.path,
            title=p.title,
            icon=p.icon,
            url_path=p.url,
            help=p.help,
            default=p.url == "accueil",
            visibility="visible" if p.in_sidebar else "hidden",
        )
        for p in PAGES
    ]
    # The default page lives at the root URL; this hidden twin gives it a deep link of its own too.
    return [
        *pages,
        st.Page(
            "pages/overview.py",
            title="Vue d'ensemble",
            url_path="vue-d-ensemble",
            visibility="hidden",
        ),
    ]


def footer(embedded: bool = False) -> None:
    """The links to the legal pages, at the foot of every page; in an embedded view, one link."""
    st.divider()
    if embedded:
        st.page_link(
            "pages/site_map.py", label="Accessibilité, mentions légales et données personnelles"
        )
        return
    for column, path in zip(st.columns(len(FOOTER)), FOOTER, strict=True):
        column.page_link(path, label=next(p.title for p in PAGES if p.path == path))


def site_map() -> list[tuple[str, list[Listed]]]:
    """The pages by section, as the site map lists them."""
    return [(section, [p for p in PAGES if p.section == section]) for section in SECTIONS]


def identity() -> None:
    """The State's identity block at the head of the sidebar, only when ``GEN_DASH_MARQUE_ETAT`` says so: only State
    services may use it (the colours of its design system are the theme either way, ``.streamlit/config.toml``)."""
    if config.yes("GEN_DASH_MARQUE_ETAT"):
        st.logo(str(STATIC_DIR / "marque-etat.svg"), size="large")


def page_header(title: str):
    """The page's title and what it shows (snapshot, territory); returns the :class:`ui.sources.View`."""
    current = session.view()
    st.title(title)
    when = f"du {fmt.day(current.entry.date)}" if current.entry.date else "non daté"
    st.caption(
        f"Instantané {when} ({escape_md(current.entry.file_name)}) · Territoire : {escape_md(current.territory.label)}"
    )
    return current


def show_chart(build, *args, key: str | None = None, **kwargs) -> None:
    """The chart ``build(*args, **kwargs)`` (a function of :mod:`gen_dash.charts` or
    :mod:`gen_dash.charts_breakdown`) with its text alternative (given to screen readers as its name, and shown as a
    caption), then its figures as a table (« voir les données », the pattern of the State's design system). Built
    once per server for a published snapshot and shared (read only); an upload's, once per session, kept in it."""
    # Plotly validates every property as a figure is built: most of a chart page's CPU. The same values (a published
    # history, a territory's waves) give the same figure, shared read-only (Streamlit serialises a copy of it).
    chart_key = cache.work_key("graphique", build, args, kwargs)
    if session.view().entry.is_upload:
        chart = _upload_chart(chart_key, lambda: build(*args, **kwargs))
    else:
        chart = cache.shared_values().get(
            chart_key,
            lambda: build(*args, **kwargs),
            lambda c: len(c.figure.to_json()) + memory.size_of(c.data),
        )
    st.plotly_chart(
        chart.figure, key=key, alt=chart.alt, theme=None, config={"displayModeBar": False}
    )
    st.caption(chart.alt)
    if chart.data is not None and len(chart.data):
        with st.expander(f"Voir les données : {chart.alt.split(' (')[0].split(' : ')[0]}"):
            st.table(chart.data.set_index(chart.data.columns[0]))


# An upload's charts serve its session alone: they leave with it, not with the shared cache's eviction. A session
# browsing its upload page after page keeps at most this many (a chart is some tens of kilobytes).
_UPLOAD_CHARTS_KEPT = 24


def _upload_chart(chart_key: tuple, build):
    """The chart of this session's upload under *chart_key*, built once per session (the last few kept)."""
    held = st.session_state.setdefault(session.UPLOAD_CHARTS, {})
    chart = held.pop(chart_key, None) or build()
    held[chart_key] = chart  # last used last
    while len(held) > _UPLOAD_CHARTS_KEPT:
        del held[next(iter(held))]
    return chart
