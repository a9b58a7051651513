"""The map as an image (PNG or SVG): the static twin of the web map, for a printed sheet or a slide.

Same classes, colours and legend as :func:`gen_dash.maps.departement_map` (both ask :func:`gen_dash.maps.classify`
and the same :class:`gen_dash.classes.Classes`), neighbours in grey, fabriques as points, the DROM in insets for
France. Drawn with geopandas and matplotlib (no display needed).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display: draw into memory

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from gen_dash import classes, geo  # noqa: E402
from gen_dash.indicators import ON_MAP  # noqa: E402
from gen_dash.maps import classes_on_screen  # noqa: E402
from gen_dash.territory import Territory  # noqa: E402

FABRIQUE = "#c8102e"
BORDER = "#5f6b7a"
DPI = 150


@dataclass(frozen=True)
class MapImage:
    """An image of the map, and where a longitude and latitude fall in it (pixels from the top left)."""

    data: bytes
    format: str
    width: int
    height: int
    _transform: tuple[float, float, float, float]  # pixel = (a * lon + b, c * lat + d)

    def pixel_of(self, lon: float, lat: float) -> tuple[int, int]:
        """The pixel (column, row) where the point *lon*, *lat* (EPSG:4326, DROM already in their insets) is drawn."""
        a, b, c, d = self._transform
        return round(a * lon + b), round(c * lat + d)


def map_image(
    figures: pd.DataFrame,
    fabriques: pd.DataFrame,
    indicator: str,
    territory: Territory,
    quota: float | None = None,
    image_format: str = "png",
    width_cm: float = 16.0,
) -> MapImage:
    """The départements of *territory* coloured by *indicator*, with the web map's classes and legend.

    Parameters
    ----------
    figures
        :func:`gen_dash.metrics.figures_by_territory` for every département.
    fabriques
        :func:`gen_dash.metrics.fabriques_of` (a point each where placed).
    indicator
        A key of :data:`gen_dash.indicators.ON_MAP`.
    quota
        For a share, the quota the classes are centred on.
    image_format
        ``png`` or ``svg``.
    """
    ind = ON_MAP[indicator]
    focus = territory.focus
    scheme = classes_on_screen(figures, ind, focus, quota)
    values = figures.set_index("code")[ind.key]
    shapes = geo.load_departements()[["code_departement", "geometry"]]
    if focus is None:
        shapes = geo.inset_drom(shapes)
    else:  # a région or départements: metropolitan or one DROM, drawn where they are, neighbours around
        shapes = shapes[
            ~shapes["code_departement"].isin(geo.INSET_BOXES)
            | shapes["code_departement"].isin(focus)
        ]
    inside = (
        shapes["code_departement"].isin(focus)
        if focus is not None
        else pd.Series(True, index=shapes.index)
    )
    shapes = shapes.assign(
        couleur=[
            scheme.colour(values.get(code)) if ok else classes.OUTSIDE
            for code, ok in zip(shapes["code_departement"], inside, strict=True)
        ]
    )

    box = shapes[inside].total_bounds
    margin_x, margin_y = (box[2] - box[0]) * 0.06 + 0.05, (box[3] - box[1]) * 0.06 + 0.05
    x0, x1, y0, y1 = box[0] - margin_x, box[2] + margin_x, box[1] - margin_y, box[3] + margin_y
    # a degree of latitude is longer than one of longitude
    stretch = 1 / math.cos(math.radians((y0 + y1) / 2))
    map_w = width_cm / 2.54 * 0.68
    map_h = map_w * (y1 - y0) * stretch / (x1 - x0)
    fig_w, fig_h = width_cm / 2.54, max(map_h, 2.6)
    fig = plt.figure(figsize=(fig_w, fig_h), dpi=DPI)
    ax = fig.add_axes((0.0, (fig_h - map_h) / fig_h / 2, 0.68, map_h / fig_h))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(stretch)
    ax.set_axis_off()
    gpd.GeoSeries(shapes.geometry.values, crs=geo.CRS).plot(
        ax=ax, color=shapes["couleur"].tolist(), edgecolor=BORDER, linewidth=0.4
    )
    if focus is None:
        for x_0, y_0, x_1, y_1 in geo.INSET_BOXES.values():
            ax.plot(
                [x_0, x_1, x_1, x_0, x_0],
                [y_0, y_0, y_1, y_1, y_0],
                color="#8a94a3",
                linewidth=0.5,
                linestyle="--",
            )
    placed = fabriques.dropna(subset=["latitude", "longitude"])
    if focus is not None:
        placed = placed[placed["code_departement"].isin(focus)]
    if len(placed):
        lon, lat = (
            geo.inset_points(placed["code_departement"], placed["longitude"], placed["latitude"])
            if focus is None
            else (placed["longitude"].astype(float), placed["latitude"].astype(float))
        )
        ax.scatter(lon, lat, s=9, color=FABRIQUE, edgecolors="white", linewidths=0.4, zorder=3)

    legend = [
        Patch(facecolor=colour, edgecolor=BORDER, label=label) for colour, label in scheme.legend()
    ]
    if focus is not None:
        legend.append(
            Patch(facecolor=classes.OUTSIDE, edgecolor=BORDER, label="hors du territoire")
        )
    legend.append(
        plt.Line2D(
            [],
            [],
            marker="o",
            color="white",
            markerfacecolor=FABRIQUE,
            markersize=6,
            label="une fabrique",
        )
    )
    fig.legend(
        handles=legend,
        title=ind.short,
        loc="center left",
        bbox_to_anchor=(0.69, 0.5),
        frameon=False,
        fontsize=7,
        title_fontsize=8,
        alignment="left",
    )
    fig.text(0.69, 0.02, geo.ATTRIBUTION, fontsize=5, color="#3a3a3a", wrap=True)

    fig.canvas.draw()
    # Where a lon/lat falls, in pixels of the saved image (same dpi, no tight crop: the figure's own frame).
    (px0, py0), (px1, py1) = ax.transData.transform([(x0, y0), (x1, y1)])
    height = fig.canvas.get_width_height()[1]
    a = (px1 - px0) / (x1 - x0)
    c = -(py1 - py0) / (y1 - y0)
    transform = (a, px0 - a * x0, c, height - py0 - c * y0)
    out = io.BytesIO()
    fig.savefig(
        out,
        format=image_format,
        dpi=DPI,
        metadata={"Title": f"Carte : {ind.short}"}
        if image_format == "svg"
        else {"Title": f"Carte : {ind.short}", "Software": "gen-dash"},
    )
    width, height = fig.canvas.get_width_height()
    plt.close(fig)
    return MapImage(out.getvalue(), image_format, width, height, transform)
