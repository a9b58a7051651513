"""Plotly charts in French of the programme's progress: learners and fabriques by wave against the targets, figures
over time beside the published ones, quota gauges. Each with a one-sentence text alternative carrying its figures.

The look is :mod:`gen_dash.chart_style`'s; the charts that break a figure down (by territory, métier, wave's
budget) are :mod:`gen_dash.charts_breakdown`.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from gen_dash import fmt
from gen_dash.chart_style import (
    BLUE,
    GREY,
    RED,
    TEXT,
    Chart,
    layout,
    percent_axis,
    whole_numbers,
)
from gen_dash.published import written
from gen_dash.trend import Pace


def cumulative_by_wave(
    progress: pd.DataFrame, column: str, title: str, what: str, target: int | None = None
) -> Chart:
    """Bars of *column* cumulated wave by wave, with the target line when one is given.

    *title* heads the chart (« Fabriques cumulées »); *what* names the unit (« fabriques »).
    """
    waves = [f"Vague {v}" for v in progress["vague"]]
    fig = go.Figure(
        go.Bar(
            x=waves,
            y=progress[column],
            marker_color=BLUE,
            name=title,
            text=[fmt.number(v) for v in progress[column]],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "white"},
            hovertemplate="%{x} : %{y:,d} " + what + "<extra></extra>",
        )
    )
    top = float(progress[column].max() or 0) if len(progress) else 0.0
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": RED, "dash": "dash"},
            annotation_text=f"Objectif : {fmt.number(target)}",
            annotation_position="top left",
        )
        top = max(top, target)
    layout(fig, f"{title}, vague par vague")
    fig.update_yaxes(range=[0, top * 1.15 or 1])
    whole_numbers(fig, top)
    parts = ", ".join(
        f"vague {v} : {fmt.number(n)}"
        for v, n in zip(progress["vague"], progress[column], strict=False)
    )
    last = float(progress[column].iloc[-1]) if len(progress) else 0.0
    reached = (
        f", soit {fmt.percent(last / target)} de l'objectif de {fmt.number(target)}"
        if target
        else ""
    )
    data = pd.DataFrame({"Vague": waves, title: [fmt.number(v) for v in progress[column]]})
    if target:
        data["Part de l'objectif"] = [fmt.percent(v / target) for v in progress[column]]
    return Chart(fig, f"{title} par vague ({parts}){reached}.", data)


def evolution(
    history: pd.DataFrame,
    column: str,
    label: str,
    target: float | None = None,
    deadline: date | None = None,
    pace: Pace | None = None,
    share: bool = False,
    published: pd.DataFrame | None = None,
) -> Chart:
    """A figure over the snapshots' dates, with its target and, given a pace, the projection to the deadline.

    *published* (rows of :func:`gen_dash.published.of_territory` for this figure) adds the programme's published
    figures as distinct points: filled diamonds where the publication counts as the snapshots do, open ones for
    another definition, each labelled « publié » and with its source in the hover and in the data.
    """
    dates = pd.to_datetime(pd.Index(history.index))
    values = history[column]
    shown = [fmt.percent(v) if share else fmt.number(v) for v in values]
    fig = go.Figure(
        go.Scatter(
            x=dates,
            y=values,
            mode="lines+markers",
            name=label,
            line={"color": BLUE, "width": 3},
            text=shown,
            hovertemplate="%{x|%d/%m/%Y} : %{text}<extra></extra>",
        )
    )
    published = (
        published
        if published is not None
        else pd.DataFrame(columns=["date_chiffre", "valeur", "comparable"])
    )
    for same, name, symbol in (
        (True, "Chiffre publié", "diamond"),
        (False, "Chiffre publié, autre définition", "diamond-open"),
    ):
        points = published[published["comparable"].eq("oui") == same]
        if len(points):
            fig.add_trace(
                go.Scatter(
                    x=pd.to_datetime(points["date_chiffre"]),
                    y=points["valeur"],
                    mode="markers+text",
                    name=name,
                    marker={
                        "symbol": symbol,
                        "size": 13,
                        "color": RED,
                        "line": {"color": RED, "width": 2},
                    },
                    text=["publié"] * len(points),
                    textposition="top center",
                    textfont={"color": TEXT, "size": 11},
                    customdata=[[published_words(p)] for _, p in points.iterrows()],
                    hovertemplate="%{customdata[0]}<extra></extra>",
                )
            )
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": RED, "dash": "dash"},
            annotation_text=f"Objectif : {fmt.percent(target) if share else fmt.number(target)}",
            annotation_position="top left",
        )
    projected = ""
    if pace is not None and pace.per_month and deadline is not None and len(history) >= 2:
        months = (pd.Timestamp(deadline) - dates[-1]).days / 30.4375
        if months > 0:
            end = float(values.iloc[-1]) + pace.per_month * months
            fig.add_trace(
                go.Scatter(
                    x=[dates[-1], pd.Timestamp(deadline)],
                    y=[values.iloc[-1], end],
                    mode="lines",
                    name="Projection au rythme observé",
                    line={"color": GREY, "dash": "dot"},
                )
            )
            projected = f" ; au rythme observé, {fmt.number(end)} au {fmt.day(deadline)}"
    if deadline is not None:
        fig.add_vline(
            x=pd.Timestamp(deadline).timestamp() * 1000,
            line={"color": GREY, "dash": "dot", "width": 1},
        )
    layout(fig, label).update_layout(legend={"y": -0.3})  # below the two lines of the date ticks
    if share:
        fig.update_yaxes(range=[0, 1])
        percent_axis(fig, "y")
    else:
        whole_numbers(fig, max(float(values.max()) if values.notna().any() else 0.0, target or 0.0))
    ticks = _half_years(
        dates.min(), max(dates.max(), pd.Timestamp(deadline)) if deadline else dates.max()
    )
    # month and year on two lines: rotated, « janvier 2017 » was cut by the legend at a half-page width
    fig.update_xaxes(
        tickvals=ticks,
        ticktext=[fmt.month(t.date()).replace(" ", "<br>", 1) for t in ticks],
        tickangle=0,
    )
    points = ", ".join(f"{fmt.day(d.date())} : {s}" for d, s in zip(dates, shown, strict=False))
    target_text = (
        f", objectif {fmt.percent(target) if share else fmt.number(target)}"
        if target is not None
        else ""
    )
    said = "; ".join(published_words(p) for _, p in published.iterrows())
    data = pd.DataFrame(
        {"Date": [fmt.day(d.date()) for d in dates], label: shown, "Origine": "instantané publié"}
    )
    if len(published):
        data = pd.concat(
            [
                data,
                pd.DataFrame(
                    {
                        "Date": [fmt.day(d) for d in published["date_chiffre"]],
                        label: [
                            written(v, n)
                            for v, n in zip(published["valeur"], published["nature"], strict=True)
                        ],
                        "Origine": [
                            f"chiffre publié{'' if c == 'oui' else ', autre définition'} : {s}"
                            for c, s in zip(
                                published["comparable"], published["source"], strict=True
                            )
                        ],
                    }
                ),
            ],
            ignore_index=True,
        )
    alt = f"{label} selon les instantanés ({points}){target_text}{projected}" + (
        f" ; {said}" if said else ""
    )
    return Chart(fig, alt + ".", data)


def published_words(line: pd.Series) -> str:
    """« Chiffre publié, en 2017 : 9 582 (GIP Grande École du Numérique, Chiffres clés 2017, 2018-06) »."""
    other = "" if line["comparable"] == "oui" else f", autre définition ({line['definition']})"
    return (
        f"chiffre publié {line['libelle_date']} : {written(line['valeur'], line['nature'])}"
        f"{other} ({line['source']})"
    )


def _half_years(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """The 1 January and 1 July of the date axis from *start* to *end* (its ticks, written in French: Plotly's month
    names are English)."""
    ticks = pd.date_range(pd.Timestamp(start.year, 1, 1), end, freq="6MS")
    return [t for t in ticks if t >= start - pd.Timedelta(days=45)] or [
        pd.Timestamp(start.year, start.month, 1)
    ]


def gauge(value: float | None, quota: float, title: str, reference: float | None = None) -> Chart:
    """A gauge of a share with the quota as threshold (and the national value as reference)."""
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number" + ("+delta" if reference is not None and value is not None else ""),
            value=(value or 0) * 100,
            number={"suffix": "\u00a0%", "valueformat": ".1f"},
            delta={"reference": reference * 100, "valueformat": ".1f", "suffix": " pt"}
            if reference is not None
            else None,
            gauge={
                "axis": {"range": [0, 100], "ticksuffix": "\u00a0%"},
                "bar": {"color": BLUE if value is not None and round(value, 3) >= quota else RED},
                "threshold": {
                    "line": {"color": "#1f2a44", "width": 4},
                    "thickness": 0.85,
                    "value": quota * 100,
                },
                "steps": [
                    {"range": [0, quota * 100], "color": "#f6e3e3"},
                    {"range": [quota * 100, 100], "color": "#e3e3fd"},
                ],
            },
            title={"text": title},
        )
    )
    layout(fig, "", height=250)
    fig.update_layout(margin={"l": 40, "r": 45, "t": 50, "b": 10})
    ref = f" (France : {fmt.percent(reference)})" if reference is not None else ""
    # one figure: no table
    return Chart(fig, f"{title} : {fmt.percent(value)}{ref}, {fmt.quota_gap(value, quota)}.")
