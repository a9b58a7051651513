"""The pieces every map is made of: its empty base, the calls of the drawing script, the fabriques (markers, or
groups beyond :data:`MAX_MARKERS`), the DROM insets' frames and the legend.

Each piece is a call of a function of ``static/gen-dash-map.js`` with its data as JSON (:class:`Call`): text from a
snapshot reaches the page only through ``textContent``, never as HTML; the legend's HTML is built here, escaped.
"""

from __future__ import annotations

import html

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from gen_dash import fmt, geo
from gen_dash.assets import asset_links
from gen_dash.classes import Classes
from gen_dash.indicators import BY_KEY, Indicator


def base_map(assets_url: str, tiles: tuple[str, str] | None, title: str) -> folium.Map:
    """An empty map of the app's own Leaflet (no CDN), the optional basemap, and its accessible *title*."""
    scripts, styles = asset_links(assets_url)
    # maxZoom must be set on the map itself: without a tile layer, Leaflet.markercluster needs it.
    # metric scale: genDash
    m = folium.Map(tiles=None, control_scale=False, zoom_snap=0.25, attribution_control=True)
    m.options.update(max_zoom=13, min_zoom=4)
    m.default_js, m.default_css = scripts, styles
    if tiles:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name="Fond de carte").add_to(m)
    Call("accessible", {"titre": title}).add_to(m)
    return m


POPUP_FIELDS = {
    "porteur": "Porteur",
    "commune": "Commune",
    **{key: BY_KEY[key].short for key in ("formations", "apprenants", "part_femmes", "part_neet")},
}


def fabrique_markers(fabriques: pd.DataFrame) -> Call:
    """The fabriques as clustered markers: their fields by column (named, and each name sent once)."""
    placed = fabriques.dropna(subset=["latitude", "longitude"])
    lon, lat = geo.inset_points(placed["code_departement"], placed["longitude"], placed["latitude"])

    def texts(column: str, write=str) -> list:
        return ["" if pd.isna(v) else write(v) for v in placed[column]]

    columns = {
        "nom": texts("nom_fabrique"),
        "porteur": texts("porteur"),
        "commune": texts("commune"),
        "formations": texts("formations", int),
        "apprenants": texts("apprenants", int),
        "part_femmes": texts("part_femmes", fmt.percent),
        "part_neet": texts("part_neet", fmt.percent),
    }
    return Call(
        "fabriques",
        {
            "lat": [round(y, 5) for y in lat],
            "lon": [round(x, 5) for x in lon],
            "colonnes": columns,
            "libelles": POPUP_FIELDS,
        },
    )


# Beyond this many fabriques a map sends groups, not markers: one marker per fabrique is megabytes of page and seconds
# of server work for 70,000 of them (measured: 11 MB, 1.4 s), and the browser would draw them as clusters anyway.
MAX_MARKERS = 2_000
CELL_DEGREES = 0.2


def fabrique_groups(fabriques: pd.DataFrame) -> Call:
    """The fabriques grouped by square cell (:data:`CELL_DEGREES`): a numbered marker each, at the cell's mean point,
    named with its count and its largest commune."""
    placed = fabriques.dropna(subset=["latitude", "longitude"])
    lon, lat = geo.inset_points(placed["code_departement"], placed["longitude"], placed["latitude"])
    cells = pd.DataFrame(
        {
            "lat": lat.to_numpy(),
            "lon": lon.to_numpy(),
            "commune": placed["commune"].fillna("").to_numpy(),
            "formations": placed["formations"].to_numpy(),
        }
    )
    cells["cle"] = (
        (cells["lat"] // CELL_DEGREES).astype(int).astype(str)
        + ":"
        + (cells["lon"] // CELL_DEGREES).astype(int).astype(str)
    )
    groups = cells.groupby("cle").agg(
        lat=("lat", "mean"),
        lon=("lon", "mean"),
        fabriques=("lat", "size"),
        formations=("formations", "sum"),
    )
    # Each cell named by the commune with the most fabriques in it.
    by_commune = (
        cells.groupby(["cle", "commune"]).size().sort_values(ascending=False, kind="stable")
    )
    groups["commune"] = by_commune.reset_index().drop_duplicates("cle").set_index("cle")["commune"]
    return Call(
        "groups",
        {
            "lat": groups["lat"].round(4).tolist(),
            "lon": groups["lon"].round(4).tolist(),
            "fabriques": groups["fabriques"].astype(int).tolist(),
            "formations": groups["formations"].astype(int).tolist(),
            "commune": groups["commune"].tolist(),
        },
    )


class Call(MacroElement):
    """A call of ``genDash.<function>(map, data[, make])`` (see ``static/gen-dash-map.js``): *data* travels as JSON,
    *make* (for points) names the function drawing each one."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        genDash[{{ this.function|tojson }}]({{ this._parent.get_name() }}, {{ this.data|tojson }}
            {%- if this.make %}, {{ this.make }}{% endif %});
        {% endmacro %}
    """)

    def __init__(self, function: str, data, make: str | None = None):
        super().__init__()
        self._name = "GenDash"
        self.function, self.data, self.make = function, data, make


def inset_frames() -> list[dict]:
    """The DROM insets' frames and names (set as text by the script)."""
    names = geo.departements_table().set_index("code_departement")["nom_departement"]
    return [
        {"nom": names[code], "bounds": [[y0 - 0.05, x0 - 0.05], [y1 + 0.05, x1 + 0.05]]}
        for code, (x0, y0, x1, y1) in geo.INSET_BOXES.items()
    ]


def swatch(colour: str, label: str, border: str = "#5f6b7a") -> str:
    return (
        f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span style="display:inline-block;width:18px;height:12px;background:{colour};border:1px solid {border}"></span>'
        f"<span>{html.escape(label)}</span></div>"
    )


def legend_html(ind: Indicator, scheme: Classes, extra: list[str]) -> str:
    items = [swatch(colour, label) for colour, label in scheme.legend()]
    return (
        '<details open style="background:#ffffff;padding:8px 10px;border-radius:4px;'
        'box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.35 sans-serif;color:#1f2a44;max-width:240px">'
        f'<summary style="font-weight:600;margin-bottom:4px;cursor:pointer">Légende : {html.escape(ind.short)}</summary>'
        f"{''.join(items + extra)}</details>"
    )


def fabrique_layer(fabriques: pd.DataFrame) -> tuple[Call | None, str]:
    """The fabriques as markers, or as groups when there are more than :data:`MAX_MARKERS` of them (None when there
    is none), and the legend line that says which."""
    grouped = len(fabriques) > MAX_MARKERS
    legend = swatch(
        "#c8102e",
        f"un nombre : les fabriques d'un carré d'environ {round(CELL_DEGREES * 111)} km "
        f"(au-delà de {fmt.number(MAX_MARKERS)} fabriques)"
        if grouped
        else "une fabrique ; un nombre : plusieurs fabriques proches",
        border="#ffffff",
    )
    if not len(fabriques):
        return None, legend
    return (fabrique_groups(fabriques) if grouped else fabrique_markers(fabriques)), legend
