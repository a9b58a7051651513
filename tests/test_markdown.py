"""Text for the pages' Markdown: inert text from a file, tables written by hand below."""

import pandas as pd
import pytest

from gen_dash import markdown
from tests.support.apptest import NBSP, NNBSP


@pytest.mark.parametrize(
    "text, written",
    [
        ("Fabrique *Est*", "Fabrique \\*Est\\*"),
        ("[lien](http://x)", "\\[lien\\]\\(http://x\\)"),
        ("<b>gras</b>", "\\<b\\>gras\\</b\\>"),
        ("A|B", "A\\|B"),
        ("Saint-Denis", "Saint\\-Denis"),
        ("Toulouse", "Toulouse"),
    ],
)
def test_text_from_a_file_is_inert(text, written):
    assert markdown.escape(text) == written


def test_a_table_escapes_its_text_and_writes_french_numbers():
    frame = pd.DataFrame(
        {
            "Fabrique": ["Code|Lab", "Fabrique\nsur deux lignes", None],
            "Formations": [1, 1234, 3],
            "Apprenants": [12.0, None, 0.0],
        }
    )
    assert markdown.table(
        frame, numbers=["Formations", "Apprenants"], missing="non renseigné"
    ).splitlines() == [
        "| Fabrique | Formations | Apprenants |",
        "|---|---:|---:|",
        "| Code\\|Lab | 1 | 12 |",
        f"| Fabrique sur deux lignes | 1{NNBSP}234 | non renseigné |",
        "|  | 3 | 0 |",
    ]


def test_a_table_without_rows_is_its_header():
    frame = pd.DataFrame({"Nom": pd.Series([], dtype=str)})
    assert markdown.table(frame) == "| Nom |\n|---|"


def test_figures_already_written_are_right_aligned_as_they_are():
    # their non-breaking spaces kept: « 29,3 » and « % » never on two lines
    frame = pd.DataFrame({"Indicateur": ["Part de\nfemmes"], "France": [f"29,3{NBSP}%"]})
    assert markdown.table(frame, right=["France"]).splitlines() == [
        "| Indicateur | France |",
        "|---|---:|",
        f"| Part de femmes | 29,3{NBSP}% |",
    ]
