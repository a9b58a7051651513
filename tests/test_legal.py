"""gen_dash.legal and the information pages: the legal texts from the settings, the glossary, the footer and the site
map on every page."""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from gen_dash import legal
from tests.conftest import ROOT
from ui import layout


@pytest.fixture
def unset(monkeypatch):
    for name in (*legal.LEGAL_SETTINGS, "GEN_DASH_CONSERVATION_JOURS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GEN_DASH_SECRETS_FILE", str(ROOT / "tests" / "aucun-secrets.toml"))


def test_every_check_the_statement_claims_is_a_test_that_exists():
    for _, test in legal.CHECKED:
        path, name = test.split("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        assert name in {f.name for f in tree.body if isinstance(f, ast.FunctionDef)}, test


def test_the_statement_has_the_sections_rgaa_asks_for_and_says_non_conforme(unset):
    text = legal.accessibility_statement()
    for section in (
        "## État de conformité",
        "## Ce qui est vérifié",
        "## Contenus non accessibles",
        "## Retour d'information et contact",
        "Défenseur des droits",
        "Libre réponse 71120",
    ):
        assert section in text, section
    assert "**non conforme**" in text and "audit" in text
    # a placeholder while it is unset
    assert "[adresse de contact à renseigner : GEN_DASH_CONTACT]" in text


def test_placeholders_until_the_settings_are_given(unset, monkeypatch):
    assert legal.unset_settings() == list(legal.LEGAL_SETTINGS)
    notice = legal.legal_notice()
    assert (
        "[éditeur à renseigner : GEN_DASH_EDITEUR]" in notice
        and "[hébergeur (nom, adresse, téléphone) à renseigner : GEN_DASH_HEBERGEUR]" in notice
    )
    monkeypatch.setenv("GEN_DASH_EDITEUR", "GIP Grande École du Numérique")
    monkeypatch.setenv("GEN_DASH_HEBERGEUR", "Hébergeur X, 1 rue Y, 75000 Paris")
    notice = legal.legal_notice()
    assert (
        "GIP Grande École du Numérique" in notice
        and "Hébergeur X" in notice
        and "GEN_DASH_EDITEUR" not in notice
    )
    assert legal.unset_settings() == ["GEN_DASH_DIRECTEUR_PUBLICATION", "GEN_DASH_CONTACT"]


def test_the_personal_data_page_says_each_kept_item_and_its_retention(unset, monkeypatch):
    text = legal.personal_data()
    assert "| 90 jours, puis effacée |" in text
    for kept in (
        "le nom que donne une personne qui publie",
        "l'adresse IP d'une tentative de connexion",
        "l'identité OpenID Connect",
        "un fichier déposé et non publié",
        "gendash_route",
        "CNIL",
    ):
        assert kept in text, kept
    monkeypatch.setenv("GEN_DASH_CONSERVATION_JOURS", "30")
    assert "30 jours, puis effacée" in legal.personal_data()


def test_the_glossary_gives_the_three_neet_definitions_and_the_one_used():
    neet = next(t for t in legal.GLOSSARY if t.term.startswith("Jeune NEET"))
    assert all(share in neet.definition for share in ("**65 %**", "**46 %**", "**31 %**"))
    assert "suit **la première**" in neet.definition and "Chiffres clés 2017" in neet.source
    for word in (
        "Fabrique du numérique",
        "Vague de labellisation",
        "Apprenant, apprenante",
        "Zone blanche",
    ):
        assert any(t.term == word for t in legal.GLOSSARY), word


def test_every_page_is_in_the_table_and_every_file_in_pages_is_a_page():
    assert {p.path for p in layout.PAGES} == {
        f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py")
    }
    assert len({p.url for p in layout.PAGES}) == len(layout.PAGES)


@pytest.mark.parametrize(
    "listed", [p for p in layout.PAGES if not p.in_sidebar], ids=lambda p: p.url
)
def test_each_information_page_renders_with_the_footer(listed):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(listed.path).run()
    assert not at.exception, at.exception
    assert (
        at.title[0].value
        == {
            "glossaire": "Glossaire",
            "accessibilite": "Déclaration d'accessibilité",
            "mentions-legales": "Mentions légales",
            "donnees-personnelles": "Données personnelles",
            "plan-du-site": "Plan du site",
        }[listed.url]
    )
    footer = [link.proto.label for link in at.get("page_link")][-len(layout.FOOTER) :]
    assert footer == [
        "Accessibilité",
        "Mentions légales",
        "Données personnelles",
        "Glossaire",
        "Plan du site",
    ]


def test_the_site_map_links_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/site_map.py").run()
    linked = {link.proto.label: link.proto.page for link in at.get("page_link")}
    for listed in layout.PAGES:  # the default page's address is the root
        assert (
            linked[listed.title] in (listed.url, "")
            if listed.url == "accueil"
            else linked[listed.title] == listed.url
        )
