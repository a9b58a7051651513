"""gen_dash.published: the programme's published figures, checked like a snapshot's cells and set beside a snapshot."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hyp

from gen_dash import charts, geo, published
from gen_dash.config import PUBLISHED_SCHEMA_FILE
from gen_dash.territory import Territory

NBSP, NNBSP = "\u00a0", "\u202f"
HEADER = (
    "date_chiffre,libelle_date,indicateur,cle,valeur,nature,comparable,territoire,definition,source_editeur,"
    "source_titre,source_date,note"
)
GOOD = {
    "date_chiffre": "2017-12-31",
    "libelle_date": "en 2017",
    "indicateur": "Apprenants formés en 2017",
    "cle": "apprenants",
    "valeur": "9582",
    "nature": "nombre",
    "comparable": "oui",
    "territoire": "FR",
    "definition": "Formés ou en formation en 2017",
    "source_editeur": "GIP",
    "source_titre": "Chiffres clés 2017",
    "source_date": "2018-06",
    "note": "",
}


def line(**cells) -> str:
    return ",".join({**GOOD, **cells}[name] for name in HEADER.split(","))


@pytest.fixture
def write(tmp_path):
    def written(*lines: str, header: str = HEADER):
        path = tmp_path / "chiffres.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return published.read_published(path)

    return written


def test_the_bundled_file_is_clean_and_holds_the_programme_s_figures():
    read = published.read_published()
    assert read.problems == []
    figures = read.figures
    assert len(figures) == 28
    by = figures.set_index(["date_chiffre", "territoire", "cle", "comparable"])["valeur"]
    assert by[(date(2016, 2, 1), "FR", "formations", "oui")] == 171
    assert by[(date(2016, 2, 1), "FR", "fabriques", "oui")] == 130
    assert by[(date(2017, 5, 1), "FR", "formations", "oui")] == 419
    assert by[(date(2017, 5, 1), "11", "formations", "oui")] == 110
    assert by[(date(2017, 12, 31), "FR", "apprenants", "oui")] == 9582
    assert by[(date(2017, 12, 31), "FR", "part_femmes", "oui")] == 0.24
    # NEET: three published definitions, one of them the contract's
    neet = figures[figures["cle"].eq("part_neet") & figures["date_chiffre"].eq(date(2017, 12, 31))]
    assert sorted(zip(neet["valeur"], neet["comparable"], strict=True)) == [
        (0.31, "non"),
        (0.46, "non"),
        (0.65, "oui"),
    ]
    assert figures["source"].str.len().gt(10).all() and figures["definition"].ne("").all()


def test_the_schema_file_is_in_step_with_the_code():
    assert (
        json.loads(PUBLISHED_SCHEMA_FILE.read_text(encoding="utf-8"))
        == published.published_schema()
    ), "run `python -m gen_dash.published`"


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        ({"valeur": "beaucoup"}, "type-invalide"),
        ({"date_chiffre": "2017-02-30"}, "type-invalide"),
        ({"valeur": "-3"}, "valeur-sous-minimum"),
        ({"cle": "part_des_chats"}, "valeur-hors-liste"),
        # a département: the programme published nothing below a région
        (
            {"territoire": "31"},
            "valeur-hors-liste",
        ),
        ({"nature": "pourcentage"}, "valeur-hors-liste"),
        ({"comparable": "peut-être"}, "valeur-hors-liste"),
        ({"source_date": "juin 2018"}, "motif-invalide"),
        ({"definition": ""}, "cellule-obligatoire"),
        ({"nature": "part", "valeur": "24"}, "part-au-dessus-de-un"),
    ],
)
def test_a_wrong_row_is_left_out_and_said_with_its_line_and_code(write, cells, code):
    read = write(line(), line(**cells), line(valeur="4587", date_chiffre="31/12/2016"))
    assert [(at, found) for at, found, _ in read.problems] == [(3, code)]
    assert read.figures["valeur"].tolist() == [9582.0, 4587.0]
    assert read.figures["date_chiffre"].tolist() == [date(2017, 12, 31), date(2016, 12, 31)]
    assert all(message.endswith(".") for _, _, message in read.problems)  # French sentences


def test_a_missing_column_is_said(write):
    read = write(line().rsplit(",", 1)[0], header=HEADER.rsplit(",", 1)[0])
    assert [(at, code) for at, code, _ in read.problems] == [
        (1, "colonne-manquante")
    ] and read.figures.empty


@pytest.fixture
def figures(write):
    return write(
        line(),  # 9 582 learners in 2017, France
        line(cle="part_femmes", valeur="0.24", nature="part", indicateur="Part de femmes"),
        line(
            cle="part_neet",
            valeur="0.46",
            nature="part",
            comparable="non",
            indicateur="Moins de 26 ans",
        ),
        # no dashboard key: never beside a figure
        line(cle="", valeur="11409", indicateur="Depuis 2016"),
        line(cle="formations", valeur="419", date_chiffre="2017-05-01", libelle_date="en mai 2017"),
        line(cle="formations", valeur="110", date_chiffre="2017-05-01", territoire="11"),
    ).figures


def test_beside_gives_the_gap_in_words_for_the_same_quarter_and_territory(figures):
    values = {"apprenants": 9750, "part_femmes": 0.236, "part_neet": 0.649, "formations": 109}
    # the same quarter as 31 December
    found = published.beside(figures, values, date(2017, 10, 2), None)
    # by hand: 9 750 / 9 582 = 1.01753 → 1,8 % more; 23,6 % - 24 % = 0,4 point less
    assert found[["cle", "ecart"]].values.tolist() == [
        ["apprenants", f"cet instantané donne 1,8{NBSP}% de plus"],
        ["part_femmes", f"cet instantané donne 0,4{NBSP}point de moins"],
        ["part_neet", "autre définition : pas d'écart calculé"],
    ]
    assert (
        found["phrase"].iloc[0]
        == f"chiffre publié : 9{NNBSP}582 en 2017 (GIP, Chiffres clés 2017, 2018-06)"
    )
    assert published.beside(figures, values, date(2017, 9, 30), None).empty  # another quarter
    table = geo.departements_table()
    ile_de_france = Territory.of("11", (), table)
    found = published.beside(figures, values, date(2017, 6, 30), ile_de_france)
    assert found[["valeur", "ecart"]].values.tolist() == [
        [110.0, f"cet instantané donne 0,9{NBSP}% de moins"]
    ]
    assert published.beside(
        figures, values, date(2017, 6, 30), Territory.of("11", ("75",), table)
    ).empty
    assert (
        published.beside(figures, {}, date(2017, 12, 31), None)["ecart"].iloc[0]
        == "non renseigné dans cet instantané"
    )
    assert published.beside(figures, values, None, None).empty  # an undated snapshot


def test_the_published_figures_beside_a_snapshot_are_listed_in_words(figures):
    values = {"apprenants": 9750, "part_femmes": 0.236}
    found = published.beside(figures, values, date(2017, 12, 31), None)
    source = "Source : GIP, Chiffres clés 2017, 2018\\-06."
    assert published.beside_list(found).splitlines() == [
        f"- **Apprenants formés en 2017 (en 2017)** : publié 9{NNBSP}582 ; cet instantané : 9{NNBSP}750 ; "
        f"cet instantané donne 1,8{NBSP}% de plus. Définition de la publication : Formés ou en formation en "
        f"2017. {source}",
        f"- **Part de femmes (en 2017)** : publié 24{NBSP}% ; cet instantané : 23,6{NBSP}% ; cet instantané "
        f"donne 0,4{NBSP}point de moins. Définition de la publication : Formés ou en formation en 2017. "
        f"{source}",
        # no value of the snapshot: said, not 0
        f"- **Moins de 26 ans (en 2017)** : publié 46{NBSP}% ; cet instantané : non renseigné ; autre "
        f"définition : pas d'écart calculé. Définition de la publication : Formés ou en formation en 2017. "
        f"{source}",
    ]


@given(mine=hyp.integers(0, 100_000), said=hyp.integers(1, 100_000))
def test_the_gap_says_more_when_the_snapshot_counts_more(mine, said):
    words = published.gap_words(mine, said, "nombre")
    if round(mine / said - 1, 3) == 0:
        assert words == "cet instantané donne le même chiffre"
    else:
        assert words.endswith("de plus" if mine > said else "de moins")


@pytest.mark.parametrize(
    ("value", "nature", "written"),
    [
        (0.24, "part", f"24{NBSP}%"),
        (0.585, "part", f"58,5{NBSP}%"),
        (0.29, "part", f"29{NBSP}%"),
        (9582, "nombre", f"9{NNBSP}582"),
        (5_000_000, "euros", f"5{NNBSP}000{NNBSP}000{NBSP}€"),
    ],
)
def test_a_published_value_is_written_as_its_publication_wrote_it(value, nature, written):
    assert published.written(value, nature) == written


def test_evolution_shows_published_figures_as_labelled_points_with_their_source(figures):
    history = pd.DataFrame(
        {"apprenants": [4570, 9750]}, index=[date(2016, 12, 15), date(2017, 12, 31)]
    )
    said = pd.concat(
        [
            figures[figures["cle"].eq("apprenants")],
            figures[figures["cle"].eq("apprenants")].assign(
                valeur=2760.0, comparable="non", date_chiffre=date(2016, 12, 31)
            ),
        ]
    )
    chart = charts.evolution(history, "apprenants", "Apprenants", published=said)
    markers = {trace.name: trace.marker.symbol for trace in chart.figure.data[1:]}
    assert markers == {
        "Chiffre publié": "diamond",
        "Chiffre publié, autre définition": "diamond-open",
    }
    # a label, not only a colour
    assert all(set(trace.text) == {"publié"} for trace in chart.figure.data[1:])
    assert f"chiffre publié en 2017 : 9{NNBSP}582 (GIP, Chiffres clés 2017, 2018-06)" in chart.alt
    assert chart.data["Origine"].tolist() == [
        "instantané publié",
        "instantané publié",
        "chiffre publié : GIP, Chiffres clés 2017, 2018-06",
        "chiffre publié, autre définition : GIP, Chiffres clés 2017, 2018-06",
    ]
    assert (
        charts.evolution(history, "apprenants", "Apprenants")
        .data["Origine"]
        .eq("instantané publié")
        .all()
    )
