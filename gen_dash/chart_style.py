"""The charts' look: the State's colours (each checked for contrast), Plotly's template, French axes.

Everything a chart of :mod:`gen_dash.charts` or :mod:`gen_dash.charts_breakdown` shares: the :class:`Chart` it
returns (figure, text alternative, data), the layout, share axes written « 20 % », whole-number count axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from gen_dash import fmt

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


def layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
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


def percent_axis(fig: go.Figure, axis: str, top: float = 1.0) -> None:
    """A share axis from 0 to *top*, its ticks written in French (« 20 % », « 100 % »: Plotly's own ``%`` format
    writes « 100% », without the no-break space French puts before the sign)."""
    step = next(s for s in (0.05, 0.1, 0.2, 0.25) if top / s <= 6)
    ticks = [round(i * step, 4) for i in range(int(top / step + 1e-9) + 1)]
    getattr(fig, f"update_{axis}axes")(
        tickvals=ticks, ticktext=[fmt.percent(t, 0) for t in ticks], tickformat=None
    )


def whole_numbers(fig: go.Figure, top: float) -> None:
    """A count axis up to *top* ticks whole numbers only: below 6, Plotly ticks halves, which ``,d`` writes
    « 0, 1, 1, 2, 2 »."""
    if top < 6:
        fig.update_yaxes(dtick=1, tick0=0)
