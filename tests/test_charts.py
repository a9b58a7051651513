"""gen_dash.charts: charts in French with a one-sentence text alternative carrying their figures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from gen_dash import chart_style, charts, charts_breakdown, fmt, trend
from gen_dash.targets import load_targets


@pytest.fixture
def progress():
    return pd.DataFrame(
        {
            "vague": [1, 2],
            "fabriques_cumulees": [130, 198],
            "apprenants_cumules": [6880, 9750],
            "subvention_eur": [5_091_626.0, 4_024_784.5],
            "enveloppe_eur": [5e6, 1e7],
            "depassement_eur": [91_626.0, 0.0],
            "part_subvention": [0.074, 0.1],
        }
    )


def test_cumulative_chart(progress):
    chart = charts.cumulative_by_wave(
        progress, "apprenants_cumules", "Apprenants cumulés", "apprenants", 10_000
    )
    assert chart.figure.layout.separators == ",\u202f"
    assert chart.alt == (
        "Apprenants cumulés par vague (vague 1 : 6\u202f880, vague 2 : 9\u202f750), "
        "soit 97,5\u00a0% de l'objectif de 10\u202f000."
    )
    assert not charts.cumulative_by_wave(
        progress, "fabriques_cumulees", "Fabriques cumulées", "fabriques"
    ).figure.layout.shapes


def test_gauge_says_whether_the_quota_is_met():
    chart = charts.gauge(0.274, 0.30, "Part de femmes, Bretagne", reference=0.27)
    assert chart.alt == (
        "Part de femmes, Bretagne : 27,4\u00a0% (France : 27,0\u00a0%), 2,6\u00a0points sous le quota "
        "de 30\u00a0%."
    )
    assert chart.figure.data[0].gauge.threshold.value == 30


def test_evolution_projects_to_the_deadline():
    history = pd.DataFrame(
        {"apprenants": [4000, 6300, 8250]},
        index=[date(2016, 3, 1), date(2016, 12, 15), date(2017, 6, 30)],
    )
    targets = load_targets()
    pace = trend.pace(history["apprenants"], targets.apprenants, targets.echeance)
    chart = charts.evolution(
        history, "apprenants", "Apprenants", targets.apprenants, targets.echeance, pace
    )
    assert len(chart.figure.data) == 2  # observed, projection
    assert "1er mars 2016 : 4\u202f000" in chart.alt and "au 31 décembre 2017" in chart.alt


def test_budget_and_shares_alternatives(progress):
    budget = charts_breakdown.budget_by_wave(progress)
    assert (
        "vague 1 : 5\u202f091\u202f626\u00a0€ sur 5\u202f000\u202f000\u00a0€, soit 91\u202f626\u00a0€ de dépassement ; "
        "vague 2 : 4\u202f024\u202f784\u00a0€ sur 10\u202f000\u202f000\u00a0€)"
    ) in budget.alt
    # side by side: the envelope is never hidden behind the subsidies
    assert budget.figure.layout.barmode == "group"
    assert budget.figure.data[1].text == ("dépassement : 91\u202f626\u00a0€", "")
    assert budget.figure.data[1].textfont.color == chart_style.RED
    local = charts_breakdown.subsidies_by_wave(progress, "Occitanie")
    assert local.alt.startswith(
        "Subventions accordées par vague, Occitanie (vague 1 : 5\u202f091\u202f626\u00a0€, soit "
        "7,4\u00a0% des subventions nationales de la vague"
    )
    assert len(local.figure.data) == 1 and "nveloppe" not in local.alt
    figures = pd.DataFrame(
        {
            "nom": ["Ain", "Aisne", "Allier"],
            "apprenants": [10, 20, 0],
            "part_femmes": [0.2, 0.4, None],
        }
    )
    alt = charts_breakdown.shares_by_territory(figures, "part_femmes", 0.3, "Part de femmes").alt
    assert alt.startswith(
        "Part de femmes par département : 1 département(s) sur 2 sous le quota de 30\u00a0%"
    )


def test_pace_sentences_read_as_people_say_them():
    history = pd.Series(
        [4000, 6300, 8250], index=[date(2016, 3, 1), date(2016, 12, 15), date(2017, 6, 30)]
    )
    sentence = fmt.pace_sentence(trend.pace(history, 10_000, date(2017, 12, 31)), "apprenants")
    assert (
        sentence.startswith("À ce rythme (")
        and "l'objectif de 10\u202f000 apprenants serait atteint en " in sentence
    )
    assert (
        "il faudrait " in sentence
        and " apprenants de plus par mois d'ici le 31 décembre 2017." in sentence
    )
    done = fmt.pace_sentence(
        trend.pace(pd.Series([10_500], index=[date(2017, 6, 1)]), 10_000, date(2017, 12, 31)),
        "apprenants",
    )
    assert done == "L'objectif de 10\u202f000 apprenants est atteint : 10\u202f500 apprenants."


def test_share_axes_are_written_in_french():
    """Plotly's own percent format writes « 100% »: the ticks are given, « 0 % » to « 100 % », no-break space."""
    history = pd.DataFrame(
        {"part_femmes": [0.25, 0.236]}, index=[date(2016, 12, 15), date(2017, 12, 31)]
    )
    chart = charts.evolution(history, "part_femmes", "Part de femmes", 0.3, share=True)
    assert chart.figure.layout.yaxis.ticktext == tuple(
        f"{v}\u00a0%" for v in (0, 20, 40, 60, 80, 100)
    )
    assert chart.figure.layout.yaxis.tickformat is None
