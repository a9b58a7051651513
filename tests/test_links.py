"""Shareable links: bad values are dropped with a notice, never an error."""

from __future__ import annotations

import pandas as pd
import pytest

from gen_dash import geo
from gen_dash.links import territory_from_link

TABLE = pd.DataFrame(geo.load_departements().drop(columns="geometry"))


@pytest.mark.parametrize("region, deps, expected_region, expected_deps, notice", [
    ("32", "59,62", "32", ["59", "62"], None),
    (None, "59", "32", ["59"], None),  # the région follows the first département
    (None, "974", "04", ["974"], None),
    ("32", "59,2A", "32", ["59"], "« 2A » inconnu(s) ou hors de la région"),
    (None, "59,2A", "32", ["59"], "« 2A »"),
    ("99", None, None, [], "région « 99 » inconnue"),
    ("99", "29", "53", ["29"], "région « 99 » inconnue"),
    (None, "xx, ,", None, [], "« xx »"),
    (None, None, None, [], None),
])
def test_territory_from_link(region, deps, expected_region, expected_deps, notice):
    linked = territory_from_link(region, deps, TABLE)
    assert (linked.region, linked.departements) == (expected_region, expected_deps)
    if notice:
        assert any(notice in n for n in linked.notices), linked.notices
    else:
        assert linked.notices == []
