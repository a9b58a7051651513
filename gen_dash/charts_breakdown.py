"""Plotly charts in French that break a figure down: shares by territory or métier against their quota, the budget
and subsidies by wave. Each with a one-sentence text alternative carrying its figures (:mod:`gen_dash.chart_style`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from gen_dash import fmt
from gen_dash.chart_style import (
    BLUE,
    GREY,
    LIGHT,
    RED,
    TEXT,
    Chart,
    layout,
    percent_axis,
)


def shares_by_territory(
    figures: pd.DataFrame, column: str, quota: float, label: str, per: str = "département"
) -> Chart:
    """One horizontal bar per territory with learners (*per*: « département » or « région »), sorted, against the
    quota line; names are written in full (horizontal bars: no rotated, overlapping names)."""
    data = figures[figures["apprenants"] > 0].sort_values(column)
    colours = [BLUE if round(v, 3) >= quota else RED for v in data[column]]
    fig = go.Figure(
        go.Bar(
            y=data["nom"],
            x=data[column],
            orientation="h",
            marker_color=colours,
            customdata=[fmt.percent(v) for v in data[column]],
            hovertemplate="%{y} : %{customdata}<extra></extra>",
        )
    )
    fig.add_vline(
        x=quota,
        line={"color": TEXT, "dash": "dash"},
        annotation_text=f"Quota : {fmt.percent(quota, 0)}",
        annotation_position="top",
    )
    layout(fig, f"{label} par {per}", height=110 + 22 * len(data))
    # room for half of the last share's label
    fig.update_layout(margin={"l": 10, "r": 30, "t": 72, "b": 10})
    fig.update_xaxes(rangemode="tozero")
    percent_axis(fig, "x", min(1.0, max([quota, *data[column]]) * 1.1) if len(data) else 1.0)
    fig.update_yaxes(tickformat=None, rangemode=None, tickfont={"size": 11})
    below = int((data[column].round(3) < quota).sum())
    alt = (
        f"{label} par {per} : {below} {per}(s) sur {len(data)} sous le quota de {fmt.percent(quota, 0)}"
        + (
            f", de {fmt.percent(data[column].min())} ({data['nom'].iloc[0]}) à {fmt.percent(data[column].max())} "
            f"({data['nom'].iloc[-1]})"
            if len(data)
            else ""
        )
        + "."
    )
    table = pd.DataFrame(
        {
            per.capitalize(): data["nom"],
            label: [fmt.percent(v) for v in data[column]],
            "Face au quota": [fmt.quota_gap(v, quota) for v in data[column]],
        }
    ).iloc[::-1]
    return Chart(fig, alt, table.reset_index(drop=True))


def shares_by_metier(table: pd.DataFrame, quotas: dict[str, float], territory: str) -> Chart:
    """Women's and young NEET learners' shares in each métier family (:func:`gen_dash.metrics.figures_by_metier`), as
    horizontal bars beside their quotas (*quotas*: ``part_femmes`` and ``part_neet``)."""
    data = table[table["apprenants"].fillna(0) > 0].iloc[::-1]  # the largest family on top
    fig = go.Figure()
    for column, colour, name in (
        ("part_femmes", BLUE, "Part de femmes"),
        ("part_neet", GREY, "Part de jeunes NEET"),
    ):
        fig.add_trace(
            go.Bar(
                y=data["famille"],
                x=data[column],
                orientation="h",
                name=name,
                marker_color=colour,
                customdata=[fmt.percent(v) for v in data[column]],
                hovertemplate="%{y} : %{customdata}<extra>" + name + "</extra>",
            )
        )
    for column, colour, label, side in (
        ("part_femmes", BLUE, "quota femmes", "top left"),
        ("part_neet", GREY, "quota NEET", "top right"),
    ):
        fig.add_vline(
            x=quotas[column],
            line={"color": colour, "dash": "dash"},
            annotation_text=f"{label} : {fmt.percent(quotas[column], 0)}",
            annotation_position=side,
        )
    layout(
        fig,
        f"Parts de femmes et de jeunes NEET par famille de métiers, {territory}",
        height=120 + 46 * len(data),
    )
    # room for half of « 100 % »
    fig.update_layout(barmode="group", margin={"l": 10, "r": 30, "t": 72, "b": 60})
    fig.update_xaxes(range=[0, 1], gridcolor="#e5e5e5")
    percent_axis(fig, "x")
    fig.update_yaxes(tickformat=None, rangemode=None)
    parts = " ; ".join(
        f"{f} : femmes {fmt.percent(w)}, jeunes NEET {fmt.percent(n)}"
        for f, w, n in zip(table["famille"], table["part_femmes"], table["part_neet"], strict=False)
        if f in set(data["famille"])
    )
    shown = pd.DataFrame(
        {
            "Famille de métiers": data["famille"],
            "Part de femmes": [fmt.percent(v) for v in data["part_femmes"]],
            "Part de jeunes NEET": [fmt.percent(v) for v in data["part_neet"]],
        }
    ).iloc[::-1]
    return Chart(
        fig,
        f"Parts de femmes et de jeunes NEET par famille de métiers, {territory} ({parts or 'aucun apprenant'}).",
        shown.reset_index(drop=True),
    )


def budget_by_wave(progress: pd.DataFrame) -> Chart:
    """Subsidies granted per wave beside the wave's envelope (France), an overspend said on the bar."""
    waves = [f"Vague {v}" for v in progress["vague"]]
    over = progress["depassement_eur"]
    fig = go.Figure(
        [
            go.Bar(
                x=waves,
                y=progress["enveloppe_eur"],
                name="Enveloppe",
                marker_color=LIGHT,
                marker_line_color=BLUE,
                marker_line_width=1,
                customdata=[fmt.euros(v) for v in progress["enveloppe_eur"]],
                hovertemplate="%{x} : %{customdata}<extra>Enveloppe</extra>",
            ),
            go.Bar(
                x=waves,
                y=progress["subvention_eur"],
                name="Subventions accordées",
                marker_color=BLUE,
                text=[f"dépassement : {fmt.euros(o)}" if o > 0 else "" for o in over],
                textposition="outside",
                textfont={"color": RED},
                customdata=[fmt.euros(v) for v in progress["subvention_eur"]],
                hovertemplate="%{x} : %{customdata}<extra>Subventions</extra>",
            ),
        ]
    )
    layout(fig, "Subventions et enveloppe par vague")
    fig.update_layout(barmode="group")
    top = float(
        max(progress["enveloppe_eur"].max(skipna=True) or 0, progress["subvention_eur"].max() or 0)
    )
    fig.update_yaxes(tickformat=",.0f", ticksuffix="\u00a0€", range=[0, top * 1.2 or 1])
    parts = " ; ".join(
        f"vague {v} : {fmt.euros(s)} sur {fmt.euros(e)}"
        + (f", soit {fmt.euros(o)} de dépassement" if o > 0 else "")
        for v, s, e, o in zip(
            progress["vague"],
            progress["subvention_eur"],
            progress["enveloppe_eur"],
            over,
            strict=False,
        )
    )
    data = pd.DataFrame(
        {
            "Vague": waves,
            "Subventions accordées": [fmt.euros(v) for v in progress["subvention_eur"]],
            "Enveloppe": [fmt.euros(v) for v in progress["enveloppe_eur"]],
            "Dépassement": [fmt.euros(o) if o > 0 else "" for o in over],
        }
    )
    return Chart(
        fig, f"Subventions accordées par vague, à côté de l'enveloppe de la vague ({parts}).", data
    )


def subsidies_by_wave(progress: pd.DataFrame, territory: str) -> Chart:
    """A territory's subsidies per wave, with its share of the wave's national subsidies (a territory has no envelope)."""
    waves = [f"Vague {v}" for v in progress["vague"]]
    shares = [fmt.percent(v) for v in progress["part_subvention"]]
    fig = go.Figure(
        go.Bar(
            x=waves,
            y=progress["subvention_eur"],
            marker_color=BLUE,
            name="Subventions accordées",
            text=[
                f"{fmt.euros(v)} ({p} du national)"
                for v, p in zip(progress["subvention_eur"], shares, strict=False)
            ],
            textposition="outside",
            customdata=[fmt.euros(v) for v in progress["subvention_eur"]],
            hovertemplate="%{x} : %{customdata}<extra></extra>",
        )
    )
    layout(fig, f"Subventions accordées par vague, {territory}")
    fig.update_yaxes(
        tickformat=",.0f",
        ticksuffix="\u00a0€",
        range=[0, float(progress["subvention_eur"].max() or 0) * 1.25 or 1],
    )
    parts = " ; ".join(
        f"vague {v} : {fmt.euros(s)}, soit {p} des subventions nationales de la vague"
        for v, s, p in zip(progress["vague"], progress["subvention_eur"], shares, strict=False)
    )
    data = pd.DataFrame(
        {
            "Vague": waves,
            "Subventions accordées": [fmt.euros(v) for v in progress["subvention_eur"]],
            "Part des subventions nationales de la vague": shares,
        }
    )
    return Chart(fig, f"Subventions accordées par vague, {territory} ({parts}).", data)
