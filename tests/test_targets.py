"""gen_dash.targets: targets are data: the bundled file holds the programme's figures; a broken file is explained."""

from __future__ import annotations

from datetime import date

import pytest

from gen_dash.targets import TargetsError, load_targets


def test_bundled_targets_hold_the_programme_figures():
    t = load_targets()
    assert (t.fabriques, t.apprenants, t.part_neet, t.part_femmes) == (200, 10_000, 0.5, 0.3)
    assert t.echeance == date(2017, 12, 31)
    first, second = t.vagues
    assert (first.formations_labellisees, first.fabriques_labellisees, first.apprenants_vises) == (
        171,
        130,
        4000,
    )
    assert (first.enveloppe_eur, second.enveloppe_eur) == (5_000_000, 10_000_000)
    assert second.lancement == date(2016, 8, 23)
    assert t.enveloppe_totale == 15_000_000


GOOD = """echeance = 2017-12-31
[cibles]
fabriques = 200
apprenants = 10000
part_neet = 0.5
part_femmes = 0.3
[[vagues]]
numero = 1
lancement = 2015-10-01
enveloppe_eur = 5000000
"""

BROKEN = [
    ("syntax", GOOD.replace("fabriques = 200", "fabriques = "), "syntaxe TOML"),
    ("missing target", GOOD.replace("apprenants = 10000\n", ""), "« apprenants » manque"),
    ("share as a percent", GOOD.replace("part_femmes = 0.3", "part_femmes = 30"), "entre 0 et 1"),
    (
        "text instead of number",
        GOOD.replace("fabriques = 200", 'fabriques = "deux cents"'),
        "nombre entier",
    ),
    ("no wave", GOOD.split("[[vagues]]")[0], "« vagues » manque"),
    ("bad date", GOOD.replace("lancement = 2015-10-01", 'lancement = "automne"'), "une date"),
    ("duplicated wave", GOOD + GOOD[GOOD.index("[[vagues]]") :], "même numéro"),
]


@pytest.mark.parametrize("case, text, fragment", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_targets_file_is_explained(tmp_path, case, text, fragment):
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetsError, match=fragment):
        load_targets(path)


def test_a_third_wave_needs_no_code(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text(
        GOOD + "[[vagues]]\nnumero = 3\nlancement = 2018-03-01\nenveloppe_eur = 8000000\n",
        encoding="utf-8",
    )
    assert [w.numero for w in load_targets(path).vagues] == [1, 3]
