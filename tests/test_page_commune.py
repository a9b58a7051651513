"""pages/commune.py (« Ma commune ») through AppTest: the fabriques nearest a commune, as a list."""

from __future__ import annotations

from tests.conftest import NEAR_ROWS, make_csv
from tests.support.apptest import NBSP, start, upload


def test_the_nearest_fabriques_are_a_list_by_distance():
    # NEAR_ROWS by hand: two formations in Lunel, one in Montpellier 21.4 km away (test_commune.py), each
    # named « Développeur web » (the base row's name)
    at = upload(start({"commune": "34145"}), make_csv(NEAR_ROWS), "proches.csv")
    at.switch_page("pages/commune.py").run()
    assert not at.exception and not at.dataframe
    listed = next(m.value for m in at.markdown if m.value.startswith("1. ")).splitlines()
    assert listed == [
        f"1. **Fabrique de Lunel**, Lunel (34){NBSP}: à 0,0{NBSP}km ; 2 formations. "
        f"Métiers{NBSP}: Développeur web ; Technicien réseau. "
        f"Intitulés{NBSP}: Développeur web ; Développeur web.",
        f"2. **Fabrique de Montpellier**, Montpellier (34){NBSP}: à 21,4{NBSP}km ; "
        f"1 formation. Métiers{NBSP}: Développeur web. Intitulés{NBSP}: Développeur web.",
    ]
