"""French formats and display tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from gen_dash import fmt, tables
from gen_dash.ingest import read_snapshot


@pytest.mark.parametrize("value, text", [(10000, "10\u202f000"), (12500.5, "12\u202f500"), (None, "–"), (float("nan"), "–")])
def test_number(value, text):
    assert fmt.number(value) == text


def test_percent_euros_dates():
    assert fmt.percent(0.274) == "27,4\u00a0%"
    assert fmt.euros(4_700_000) == "4\u202f700\u202f000\u00a0€"
    assert fmt.day(date(2016, 9, 22)) == "22 septembre 2016" and fmt.day(date(2016, 3, 1)) == "1er mars 2016"
    assert fmt.month(date(2018, 3, 14)) == "mars 2018"


def test_search_ignores_case_and_accents():
    frame = pd.DataFrame({"nom": ["Fabrique Élan", "Autre"], "commune": ["Évry", "Lille"]})
    assert tables.search(frame, "elan EVRY")["nom"].tolist() == ["Fabrique Élan"]
    assert len(tables.search(frame, "  ")) == 2


def test_template_is_a_valid_snapshot():
    snapshot = read_snapshot(tables.template_csv(), "modele.csv")
    assert snapshot.report.problemes.empty and len(snapshot.rows) == 1
    assert str(snapshot.date) == "2017-12-31"


def test_french_and_points():
    frame = pd.DataFrame({"n": [1234], "p": [0.2744]})
    assert tables.french(frame, {"n": "nombre", "p": "part"}).iloc[0].tolist() == ["1\u202f234", "27,4\u00a0%"]
    assert tables.as_points(frame, ["p"])["p"].iloc[0] == 27.4
