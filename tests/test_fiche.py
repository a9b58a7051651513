"""gen_dash.fiche and gen_dash.static_map: the one-page sheet and the map as an image, with figures worked out by hand
(the snapshot of tests/conftest.py) and colours read back from the image's pixels."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from gen_dash import fiche, geo, metrics, static_map
from gen_dash.targets import load_targets
from gen_dash.territory import Territory
from tests.conftest import ROOT

TABLE = pd.DataFrame(geo.load_departements().drop(columns="geometry"))
SOURCE = fiche.Source(
    "a-la-main.csv", pd.Timestamp("2017-06-30").date(), "À la main", "0123abcd" * 8, sample=False
)


@pytest.fixture(scope="module")
def communes():
    return pd.DataFrame(geo.load_communes().drop(columns="geometry"))


def _sheet(rows, territory, communes, source=SOURCE, indicator="fabriques"):
    data = fiche.territory_sheet(
        territory.apply(rows),
        rows,
        territory,
        load_targets(),
        source,
        communes,
        indicator,
        generated=datetime(2026, 12, 1, 9, 30),
    )
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return data, reader, re.sub(r"[\s\u00a0\u202f]+", " ", text)


def test_the_sheet_of_a_region_says_its_figures_worked_out_by_hand(hand, communes):
    data, reader, text = _sheet(hand, Territory.of("76", (), TABLE), communes)
    assert len(reader.pages) == 1 and len(data) < 1_000_000
    assert "Grande école du numérique — Occitanie" in text
    assert "Instantané du 30 juin 2017 · À la main · fichier a-la-main.csv" in text
    assert "Données illustratives" not in text
    # Occitanie (tests/conftest.py): 3 fabriques (60 % of the nation), 70 learners (50 %), 21 women (30,0 %, at the
    # quota), 37 NEET (52,9 %), 2 of its 13 départements, 35 000 € (50 %).
    for expected in (
        "Fabriques labellisées 3 60,0 % du total national",
        "Apprenants 70 50,0 % du total national",
        "Part de femmes 30,0 % au quota de 30 %",
        "Part de jeunes NEET 52,9 % 2,9 points au-dessus du quota de 50 %",
        "Départements couverts 2 2 sur 13 départements de la région",
        "Subventions accordées 35 000 € 50,0 % du total national",
    ):
        assert expected in text, expected
    # Its départements ranked by learners: Haute-Garonne 45 (2 fabriques, 3 formations, 24,4 % women), Hérault 25.
    assert "1 Haute-Garonne 2 3 45 24,4" in text and "2 Hérault 1 1 25 40,0" in text
    assert "Départements sans fabrique : Ariège (09), Aude (11)" in text
    assert "SHA-256 0123abcd" in text and "Fiche produite le 01/12/2026 à 09:30" in text


def test_the_sheet_of_france_ranks_the_regions_and_marks_a_sample(hand, communes):
    sample = fiche.Source("gen-exemple.csv", SOURCE.date, "Exemple", "", sample=True)
    _, _, text = _sheet(hand, Territory.of(None, (), TABLE), communes, sample)
    assert "Grande école du numérique — France entière" in text and "Données illustratives" in text
    # France: 5 fabriques (2,5 % of 200), 140 learners (1,4 % of 10 000); régions: Île-de-France and Occitanie 70 each.
    assert "Fabriques labellisées 5 2,5 % de l'objectif (200)" in text
    assert "Apprenants 140 1,4 % de l'objectif (10 000)" in text
    assert "Classement des régions (selon les apprenants)" in text
    assert "1 Île-de-France 2 2 70 28,6" in text and "1 Occitanie 3 4 70 30,0" in text


def test_the_sheet_embeds_its_fonts_and_names_its_language(hand, communes):
    _, reader, _ = _sheet(hand, Territory.of("76", ("31",), TABLE), communes)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [
        fonts[name].get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for name in fonts
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # TrueType embedded (subset)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == "Grande école du numérique — Haute-Garonne (31)"


def _colour_at(image: static_map.MapImage, lon: float, lat: float) -> str:
    """The colour most of the 7 × 7 pixels around a point have (a fabrique's dot or a border does not win)."""
    picture = Image.open(io.BytesIO(image.data)).convert("RGB")
    x, y = image.pixel_of(lon, lat)
    around = Counter(
        picture.getpixel((x + dx, y + dy)) for dx in range(-3, 4) for dy in range(-3, 4)
    )
    return "#{:02x}{:02x}{:02x}".format(*around.most_common(1)[0][0])


@pytest.mark.parametrize(
    ("indicator", "quota", "expected"),
    [
        # Occitanie's fabriques: Haute-Garonne 2, Hérault 1 — two classes, spread over the blues (first and last); the other
        # départements none (white zone).
        ("fabriques", None, {"31": "#0b1f4d", "34": "#4f8fd0", "12": "#ffffff"}),
        # Women: Haute-Garonne 11 of 45 (24,4 %: « 20 % à moins de 25 % », the second warm class), Hérault 10 of 25 (40 %:
        # « 35 % ou plus », the darker blue); no learner elsewhere (the grey « aucun apprenant »).
        ("part_femmes", 0.3, {"31": "#b83a12", "34": "#1f3f8f", "12": "#c9ccd1"}),
    ],
    ids=["nombre", "part"],
)
def test_each_departement_in_the_image_has_the_colour_the_legend_gives_its_value(
    hand, indicator, quota, expected
):
    image = static_map.map_image(
        metrics.figures_by_territory(hand),
        metrics.fabriques_of(hand),
        indicator,
        Territory.of("76", (), TABLE),
        quota,
    )
    shapes = geo.load_departements().set_index("code_departement").geometry
    for code, colour in expected.items():
        point = shapes[code].representative_point()
        assert _colour_at(image, point.x, point.y) == colour, code
    assert image.format == "png" and image.data.startswith(b"\x89PNG")


def test_the_map_of_france_draws_the_drom_in_insets_and_exports_svg(hand):
    figures, fabriques = metrics.figures_by_territory(hand), metrics.fabriques_of(hand)
    image = static_map.map_image(
        figures, fabriques, "fabriques", Territory.of(None, (), TABLE), image_format="svg"
    )
    assert image.data.lstrip().startswith(b"<?xml") and b"<svg" in image.data
    png = static_map.map_image(figures, fabriques, "fabriques", Territory.of(None, (), TABLE))
    # La Réunion, moved into its inset, is a white zone there (no fabrique in the hand snapshot); Paris has one.
    reunion = geo.inset_drom(
        geo.load_departements().query("code_departement == '974'")
    ).geometry.iloc[0]
    point = reunion.representative_point()
    assert _colour_at(png, point.x, point.y) == "#ffffff"


def test_the_sheet_of_an_epci(tmp_path, capsys):
    """``fiche --epci``: the EPCI's name in the title, its key figures, « à cheval » said whole."""
    from gen_dash import cli

    out = tmp_path / "fiche.pdf"
    sample = str(ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv")
    assert cli.main(["fiche", sample, "--epci", "200030435", "--sortie", str(out)]) == 0
    text = PdfReader(out).pages[0].extract_text()
    assert "Grande école du numérique — CC d'Aire-sur-l'Adour" in text
    assert "EPCI couvert\nnon couvert\nà cheval sur 2 départements\n" in text


def test_the_sheet_says_the_figures_the_programme_published_for_its_quarter(hand, communes):
    # The hand snapshot is dated 30 June 2017: France's published figure of that quarter is « 419 formations après deux
    # appels » (May 2017); the hand file has 6 formations. An Occitanie sheet has none (nothing published for it).
    _, _, text = _sheet(hand, Territory.of(None, (), TABLE), communes)
    assert "Chiffres publiés par le programme (en mai 2017) et cet instantané" in text
    assert "Formations : publié 419, ici 6 (98,6 % de moins)" in text  # 6 / 419 - 1 = -0,9857
    assert "Sources : GIP Grande École du Numérique, Premier rapport d'activité, 2017-05" in text
    _, _, text = _sheet(hand, Territory.of("76", (), TABLE), communes)
    assert "Chiffres publiés" not in text
