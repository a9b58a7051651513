"""Plotly charts in French, each with a one-sentence text alternative carrying its figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from gen_dash import fmt
from gen_dash.published import written
from gen_dash.trend import Pace

BLUE = "#000091"  # bleu France
RED = "#e1000f"  # rouge Marianne
GREY = "#6a6f7a"
LIGHT = (
    "#6a6af4"  # an envelope's bar: 4.2:1 on white (a bar needs 3:1), lighter than BLUE beside it
)
TEXT = "#161616"  # titles, labels, annotations: 17:1 on white
TICKS = "#3a3a3a"  # axis ticks: 11:1 on white (Plotly's own grey was 3.7:1)
SEPARATORS = ",\u202f"  # decimal comma, narrow no-break space for thousands
# The charts' look, explicit (Streamlit's theme is not applied: its greys are too light to read).
pio.templates["gen_dash"] = go.layout.Template(
    layout={
        "font": {"family": "Marianne, Arial, sans-serif", "size": 13, "color": TEXT},
        "annotationdefaults": {"font": {"color": TEXT}, "bgcolor": "rgba(255,255,255,0.85)"},
        # The margins are narrow (the page gives the room): each axis widens them as far as its tick labels need, or a
        # label cut by the chart's edge reads as another number (« 700 » cut to « 0 »).
        "xaxis": {
            "tickfont": {"color": TICKS},
            "linecolor": TICKS,
            "gridcolor": "#e5e5e5",
            "automargin": True,
        },
        "yaxis": {
            "tickfont": {"color": TICKS},
            "linecolor": TICKS,
            "gridcolor": "#e5e5e5",
            "automargin": True,
        },
        "legend": {"font": {"color": TEXT}},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
)


@dataclass(frozen=True)
class Chart:
    """A figure, its text alternative (for screen readers, and shown as a caption), and its figures as a table with
    French headers and values as written on the chart (« voir les données »)."""

    figure: go.Figure
    alt: str
    data: pd.DataFrame | None = None


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        template="gen_dash",
        title={"text": title, "x": 0, "font": {"size": 15}},
        separators=SEPARATORS,
        height=height,
        margin={"l": 10, "r": 10, "t": 48, "b": 10},
        legend={"orientation": "h", "y": -0.15},
    )
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero", tickformat=",d")
    return fig


def _percent_axis(fig: go.Figure, axis: str, top: float = 1.0) -> None:
    """A share axis from 0 to *top*, its ticks written in French (« 20 % », « 100 % »: Plotly's own ``%`` format
    writes « 100% », without the no-break space French puts before the sign)."""
    step = next(s for s in (0.05, 0.1, 0.2, 0.25) if top / s <= 6)
    ticks = [round(i * step, 4) for i in range(int(top / step + 1e-9) + 1)]
    getattr(fig, f"update_{axis}axes")(
        tickvals=ticks, ticktext=[fmt.percent(t, 0) for t in ticks], tickformat=None
    )


def _whole_numbers(fig: go.Figure, top: float) -> None:
    """A count axis up to *top* ticks whole numbers only: below 6, Plotly ticks halves, which ``,d`` writes
    « 0, 1, 1, 2, 2 »."""
    if top < 6:
        fig.update_yaxes(dtick=1, tick0=0)


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
    _layout(fig, f"{title}, vague par vague")
    fig.update_yaxes(range=[0, top * 1.15 or 1])
    _whole_numbers(fig, top)
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
    _layout(fig, label).update_layout(legend={"y": -0.3})  # below the two lines of the date ticks
    if share:
        fig.update_yaxes(range=[0, 1])
        _percent_axis(fig, "y")
    else:
        _whole_numbers(
            fig, max(float(values.max()) if values.notna().any() else 0.0, target or 0.0)
        )
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
    _layout(fig, "", height=250)
    fig.update_layout(margin={"l": 40, "r": 45, "t": 50, "b": 10})
    ref = f" (France : {fmt.percent(reference)})" if reference is not None else ""
    return Chart(
        fig, f"{title} : {fmt.percent(value)}{ref}, {fmt.quota_gap(value, quota)}."
    )  # one figure: no table


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
    _layout(fig, f"{label} par {per}", height=110 + 22 * len(data))
    fig.update_layout(
        margin={"l": 10, "r": 30, "t": 72, "b": 10}
    )  # room for half of the last share's label
    fig.update_xaxes(rangemode="tozero")
    _percent_axis(fig, "x", min(1.0, max([quota, *data[column]]) * 1.1) if len(data) else 1.0)
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
    _layout(
        fig,
        f"Parts de femmes et de jeunes NEET par famille de métiers, {territory}",
        height=120 + 46 * len(data),
    )
    fig.update_layout(
        barmode="group", margin={"l": 10, "r": 30, "t": 72, "b": 60}
    )  # room for half of « 100 % »
    fig.update_xaxes(range=[0, 1], gridcolor="#e5e5e5")
    _percent_axis(fig, "x")
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
    _layout(fig, "Subventions et enveloppe par vague")
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
    _layout(fig, f"Subventions accordées par vague, {territory}")
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
