"""gen_dash.classes and the map's legend: each département is filled with the colour its legend label gives.

The property test reads the map as the browser gets it (the page's JSON of colours and values, and the legend's
HTML) and checks each département against the legend by parsing the legend's French labels itself: it never asks
the classification which class a value is in.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen_dash import classes, geo, maps, metrics
from gen_dash.indicators import ON_MAP
from tests.conftest import map_calls, map_page
from tests.support.expected import label_holds

CODES = sorted(geo.departement_regions())


@pytest.mark.parametrize(
    "values, labels",
    [
        # Fisher-Jenks breaks 1, 3, 5, 8, 13
        (
            [0, 1, 2, 2, 3, 5, 8, 13],
            ["1", "2 à 3", "4 à 5", "6 à 8", "9 à 13"],
        ),
        ([0, 2, 1, 2], ["1", "2"]),
        ([0, 0, 4], ["4"]),
        ([0, 0], []),
    ],
)
def test_count_classes_by_hand(values, labels):
    scheme = classes.classify(pd.Series(values), "count")
    assert scheme.labels() == labels


def test_a_value_equal_to_a_limit_is_in_the_class_that_names_it():
    scheme = classes.classify(
        pd.Series([0, 1, 2, 2, 3, 5, 8, 13]), "count", zero_label="aucune (zone blanche)"
    )
    assert [scheme.label(v) for v in (0, 1, 2, 3, 4, 5, 6, 8, 9, 13)] == [
        "aucune (zone blanche)",
        "1",
        "2 à 3",
        "2 à 3",
        "4 à 5",
        "4 à 5",
        "6 à 8",
        "6 à 8",
        "9 à 13",
        "9 à 13",
    ]
    assert scheme.colour(0) == classes.WHITE_ZONE and scheme.colour(1) == classes.BLUES[0]


def test_share_classes_around_the_quota():
    scheme = classes.classify(pd.Series([0.1, 0.5]), "share", quota=0.3)
    assert scheme.labels() == [
        "moins de 20\u00a0%",
        "20\u00a0% à moins de 25\u00a0%",
        "25\u00a0% à moins de 30\u00a0%",
        "30\u00a0% à moins de 35\u00a0%",
        "35\u00a0% ou plus",
    ]
    assert scheme.label(0.30) == "30\u00a0% à moins de 35\u00a0%"  # at the quota: reached
    # shown as 30,0 %: classed as shown
    assert scheme.label(0.2996) == "30\u00a0% à moins de 35\u00a0%"
    assert scheme.label(0.2994) == "25\u00a0% à moins de 30\u00a0%"
    assert scheme.label(None) == "aucun apprenant"
    below, above = scheme.colours[:3], scheme.colours[3:]
    assert set(below) <= set(classes.BELOW_ABOVE[:3]) and set(above) <= set(classes.BELOW_ABOVE[3:])


def _contrast(a: str, b: str) -> float:
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _delta_e(a: str, b: str, deficiency: str | None = None) -> float:
    """Perceived difference (ΔE in CAM02-UCS) between two colours, as seen with *deficiency* (colorspacious's
    simulation of deuteranomaly, protanomaly or tritanomaly at full severity)."""
    import colorspacious
    import numpy as np

    def seen(colour):
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        if deficiency is None:
            return rgb
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        return np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)

    return float(
        colorspacious.deltaE(seen(a), seen(b), input_space="sRGB1", uniform_space="CAM02-UCS")
    )


VISIONS = [None, "deuteranomaly", "protanomaly", "tritanomaly"]


@pytest.mark.parametrize("palette", [classes.BLUES, classes.BELOW_ABOVE], ids=["nombres", "parts"])
def test_map_classes_are_readable_and_told_apart_in_every_common_vision(palette):
    # WCAG 1.4.11: a class is a graphical object, 3:1 against the white zone and the map's white background.
    # the first blue was 1.25 : 1
    assert min(_contrast(colour, classes.WHITE_ZONE) for colour in palette) >= 3.0
    for vision in VISIONS:
        assert (
            min(_delta_e(a, b, vision) for a, b in zip(palette, palette[1:], strict=False)) >= 9
        ), vision
        # « aucun apprenant » and « hors du territoire » are greys no class can be taken for (they were 1.05 : 1).
        assert (
            min(
                _delta_e(c, grey, vision)
                for c in palette
                for grey in (classes.NO_VALUE, classes.OUTSIDE)
            )
            >= 20
        ), vision


def test_chart_and_legend_text_and_bars_contrast():
    from gen_dash import chart_style, maps

    # chart text, ticks, the map legend's text
    for text in (
        chart_style.TEXT,
        chart_style.TICKS,
        "#1f2a44",
    ):
        assert _contrast(text, "#ffffff") >= 4.5
    for bar in (chart_style.BLUE, chart_style.RED, chart_style.LIGHT, chart_style.GREY):
        assert _contrast(bar, "#ffffff") >= 3.0  # the envelope's bars were 1.57 : 1
    colours = [colour for colour, _, _ in maps._STATUS_LOOKS.values()]
    # a shape each, not only a colour
    assert len({shape for _, shape, _ in maps._STATUS_LOOKS.values()}) == 3
    for vision in VISIONS:
        # and the shapes
        assert min(_delta_e(a, b, vision) for a in colours for b in colours if a < b) >= 10, vision


# --------------------------------------------------------------------------- the property, on the map's own HTML


def _page_map(page: str) -> tuple[dict, list[tuple[str, str]]]:
    calls = map_calls(page)
    looks, legend = calls["areas"][0]["looks"], calls["legend"][0]
    swatches = re.findall(r"background:(#[0-9a-f]{6});[^>]*></span><span>([^<]*)</span>", legend)
    return looks, [(colour, label.replace("&#x27;", "'")) for colour, label in swatches]


def _figures(values: list, indicator: str) -> pd.DataFrame:
    figures = metrics.figures_by_territory(_empty_rows())
    figures[ON_MAP[indicator].key] = values
    return figures


def _empty_rows():
    from gen_dash.ingest import read_snapshot
    from tests.conftest import hand_csv

    return read_snapshot(hand_csv()).rows.iloc[:0]


counts = st.lists(
    st.one_of(st.just(0), st.integers(0, 40)), min_size=len(CODES), max_size=len(CODES)
)
shares = st.lists(
    st.one_of(st.none(), st.floats(0, 1, allow_nan=False).map(lambda v: round(v, 4))),
    min_size=len(CODES),
    max_size=len(CODES),
)
rates = st.lists(
    st.floats(0, 500, allow_nan=False).map(lambda v: round(v, 1)),
    min_size=len(CODES),
    max_size=len(CODES),
)
focuses = st.sampled_from(
    [
        None,
        ["31", "34", "11", "12", "30", "32", "46", "48", "65", "66", "81", "82", "09"],
        ["75", "77", "78", "91", "92", "93", "94", "95"],
        ["31"],
        ["974", "976"],
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), focus=focuses)
def test_every_fill_is_the_colour_of_the_label_holding_its_value(data, focus):
    indicator = data.draw(
        st.sampled_from(
            ["fabriques", "apprenants", "apprenants_pour_100k", "part_femmes", "part_neet"]
        )
    )
    kind = ON_MAP[indicator].kind
    values = data.draw(shares if kind == "share" else rates if kind == "rate" else counts)
    figures = _figures(values, indicator)
    m = maps.departement_map(
        figures, metrics.fabriques_of(_empty_rows()), indicator, focus=focus, quota=0.3
    )
    looks, legend = _page_map(map_page(m))
    for code in CODES:
        look = looks[code]
        if focus is not None and code not in focus:
            assert not look["dans"] and look["couleur"] == classes.OUTSIDE
            continue
        holding = [colour for colour, label in legend if label_holds(label, look["valeur"], kind)]
        assert holding == [look["couleur"]], (code, look, legend)
