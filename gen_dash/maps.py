"""The map of départements and fabriques, as a folium map that works without internet.

Leaflet, jQuery and the marker-cluster plugin are served by the app itself
(``static/vendor``, copied from the ``xstatic`` packages by :func:`install_assets`);
no element of the map pulls a script or a style sheet from a CDN. The legend is
plain HTML (branca's colour maps would pull d3 from a CDN). Text from a
snapshot reaches the page only through ``textContent`` or JSON, never as HTML.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

import folium
import folium.plugins
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from gen_dash import classes, fmt, geo
from gen_dash.classes import Classes
from gen_dash.compare import changes_by_departement
from gen_dash.indicators import ON_MAP, Indicator
from gen_dash.territory import Territory

VENDOR = "vendor"
GEOMETRY = "gen-dash"


def install_assets(static_dir: Path) -> Path:
    """Copy Leaflet, jQuery and Leaflet.markercluster from their xstatic packages into *static_dir*/vendor."""
    import xstatic.pkg.jquery as jquery
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    target = Path(static_dir) / VENDOR
    for package, name in ((leaflet, "leaflet"), (jquery, "jquery"), (cluster, "markercluster")):
        destination = target / name
        if not destination.exists():
            shutil.copytree(package.BASE_DIR, destination, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    # The map's geometry is the same on every page and every rerun: a static file the browser fetches once and
    # caches, while each map sends only its colours and values.
    for level in ("departement", "region"):
        _write_atomically(target / GEOMETRY / f"{level}s.geojson", json.dumps(_geometry_collection(level), separators=(",", ":"),
                                                                             ensure_ascii=False))
    return target


def _geometry_collection(level: str) -> dict:
    """Départements or régions (``code``, and ``nom``: the département's name, the région's code) for the web map."""
    names = geo.load_departements().set_index("code_departement")["nom_departement"] if level == "departement" else {}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": {"code": code, "nom": names.get(code, code)}}
        for code, geometry, _ in geo.inset_features(level)]}


def _write_atomically(path: Path, text: str) -> None:
    """Several servers may start at once: each writes a temporary file, then renames it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def asset_links(base_url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(scripts, style sheets) as folium's ``default_js``/``default_css`` pairs, served under *base_url*."""
    root = base_url.rstrip("/") + "/" + VENDOR
    scripts = [("leaflet", f"{root}/leaflet/leaflet.js"), ("jquery", f"{root}/jquery/jquery.min.js"),
               ("markercluster", f"{root}/markercluster/leaflet.markercluster.js")]
    styles = [("leaflet_css", f"{root}/leaflet/leaflet.css"), ("markercluster_css", f"{root}/markercluster/MarkerCluster.css"),
              ("markercluster_default_css", f"{root}/markercluster/MarkerCluster.Default.css")]
    return scripts, styles


def indicators_for(list_only: bool) -> list[str]:
    """The indicators a snapshot can draw: a list without learner counts has only its fabriques and formations."""
    return [k for k in ON_MAP if not list_only or k in ("fabriques", "formations")]


def classify(values: pd.Series, indicator: Indicator, quota: float | None = None) -> Classes:
    """The classes of *indicator* over *values* (the départements on screen)."""
    return classes.classify(values, indicator.kind, quota, indicator.zero)


def _format(value, indicator: Indicator) -> str:
    if indicator.kind in ("share", "coverage"):
        return fmt.percent(value)
    return fmt.number(value, 1 if indicator.kind == "rate" else 0)


def departement_map(
    figures: pd.DataFrame,
    fabriques: pd.DataFrame,
    indicator: str = "fabriques",
    focus: list[str] | None = None,
    assets_url: str = "/app/static",
    tiles: tuple[str, str] | None = None,
    quota: float | None = None,
) -> folium.Map:
    """A choropleth of the départements, région borders and the fabriques as clustered markers.

    Parameters
    ----------
    figures
        :func:`gen_dash.metrics.figures_by_territory` at département level (every département).
    fabriques
        :func:`gen_dash.metrics.fabriques_of` (one marker each, with a popup).
    indicator
        A key of :data:`gen_dash.indicators.ON_MAP`.
    focus
        Département codes to zoom to (None: all of France with the DROM insets).
    assets_url
        Where the app serves its static files (``/app/static`` behind Streamlit).
    tiles
        Optional basemap: (URL template, attribution). None draws no tiles: the map stays readable.
    quota
        For a share, the quota the colours are centred on.
    """
    ind = ON_MAP[indicator]
    extra = [_swatch("#c8102e", "une fabrique ; un nombre : plusieurs fabriques proches", border="#ffffff")]
    m = _choropleth(figures, ind, focus, assets_url, tiles, extra, quota)
    if len(fabriques):
        _fabrique_markers(fabriques, *asset_links(assets_url)).add_to(m)
    return m


def coverage_map(
    figures: pd.DataFrame,
    uncovered: pd.DataFrame,
    suggestions: pd.DataFrame,
    radius_km: float,
    focus: list[str] | None = None,
    assets_url: str = "/app/static",
    tiles: tuple[str, str] | None = None,
) -> folium.Map:
    """Départements by the share of their population within *radius_km* of a fabrique, the communes left out,
    and the suggested new fabriques numbered in order of choice.

    Parameters
    ----------
    figures
        ``code``, ``nom``, ``part_couverte`` for every département.
    uncovered
        Communes farther than the radius (``code_departement``, ``nom_commune``, ``population``, ``lon``, ``lat``).
    suggestions
        :func:`gen_dash.coverage.suggest_sites` output.
    """
    label = f"Part de la population à moins de {fmt.number(radius_km)} km d'une fabrique"
    ind = Indicator("part_couverte", label, label, kind="coverage")
    extra = [_swatch("#6a6f7a", "commune à plus de " + fmt.number(radius_km) + " km (taille : population)"),
             _swatch("#000091", "site suggéré (numéro : ordre de choix)", border="#ffffff")]
    m = _choropleth(figures, ind, focus, assets_url, tiles, extra)
    if len(uncovered):
        lon, lat = geo.inset_points(uncovered["code_departement"], uncovered["lon"], uncovered["lat"])
        points = [[round(y, 4), round(x, 4), str(n), fmt.number(p), max(2.0, min(9.0, (float(p) ** 0.5) / 25))]
                  for y, x, n, p in zip(lat, lon, uncovered["nom_commune"], uncovered["population"], strict=False)]
        _Points(points, _UNCOVERED_CALLBACK).add_to(m)
    if len(suggestions):
        lon, lat = geo.inset_points(suggestions["code_departement"], suggestions["lon"], suggestions["lat"])
        points = [[round(y, 4), round(x, 4), int(r), str(n), fmt.number(g)]
                  for y, x, r, n, g in zip(lat, lon, suggestions["rang"], suggestions["nom_commune"],
                                           suggestions["population_gagnee"], strict=False)]
        _Points(points, _SUGGESTION_CALLBACK).add_to(m)
    return m


def _choropleth(figures: pd.DataFrame, ind: Indicator, focus: list[str] | None, assets_url: str,
                tiles: tuple[str, str] | None, legend_extra: list[str], quota: float | None = None) -> folium.Map:
    """The map every page shares: départements coloured by *ind* in the classes of the départements on screen (the
    fill and the legend both come from them), région borders, DROM insets (France only), legend, zoom to *focus*;
    départements outside the focus in grey."""
    shown = figures if focus is None else figures[figures["code"].isin(focus)]
    scheme = classify(shown[ind.key], ind, quota)
    scripts, styles = asset_links(assets_url)
    values = figures.set_index("code")
    focus_set = set(focus) if focus else None
    looks, bounds = {}, []
    for code, _, box in geo.inset_features("departement"):
        value = values[ind.key].get(code) if code in values.index else None
        in_focus = focus_set is None or code in focus_set
        if in_focus:
            bounds.append(box)
        looks[code] = {"couleur": scheme.colour(value) if in_focus else classes.OUTSIDE, "dans": in_focus,
                       "valeur": _format(value, ind), "classe": scheme.label(value) if in_focus else "hors du territoire"}

    # maxZoom must be set on the map itself: without a tile layer, Leaflet.markercluster needs it.
    m = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, attribution_control=True)
    m.options.update(max_zoom=13, min_zoom=4)
    m.default_js, m.default_css = scripts, styles
    if tiles:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name="Fond de carte").add_to(m)
    root = assets_url.rstrip("/") + f"/{VENDOR}/{GEOMETRY}"
    _Areas(f"{root}/departements.geojson", f"{root}/regions.geojson", looks, ind.short).add_to(m)
    if focus_set is None:
        _InsetFrames().add_to(m)
    outside = [] if focus_set is None else [_swatch(classes.OUTSIDE, "hors du territoire")]
    _Legend(_legend_html(ind, scheme, outside + legend_extra)).add_to(m)
    m.fit_bounds([[min(b[1] for b in bounds), min(b[0] for b in bounds)], [max(b[3] for b in bounds), max(b[2] for b in bounds)]])
    return m


def _fabrique_markers(fabriques: pd.DataFrame, scripts, styles) -> folium.plugins.FastMarkerCluster:
    placed = fabriques.dropna(subset=["latitude", "longitude"])
    lon, lat = geo.inset_points(placed["code_departement"], placed["longitude"], placed["latitude"])
    rows = [
        [round(y, 5), round(x, 5), str(name), "" if pd.isna(porteur) else str(porteur), "" if pd.isna(commune) else str(commune),
         int(formations), "" if pd.isna(learners) else int(learners), "" if pd.isna(pf) else fmt.percent(pf),
         "" if pd.isna(pn) else fmt.percent(pn)]
        for y, x, name, porteur, commune, formations, learners, pf, pn in zip(
            lat, lon, placed["nom_fabrique"], placed["porteur"], placed["commune"], placed["formations"],
            placed["apprenants"], placed["part_femmes"], placed["part_neet"], strict=False)
    ]
    cluster = folium.plugins.FastMarkerCluster(rows, callback=_MARKER_CALLBACK, name="Fabriques",
                                               icon_create_function=_CLUSTER_ICON,
                                               options={"showCoverageOnHover": False, "maxClusterRadius": 45})
    cluster.default_js = [s for s in scripts if s[0] == "markercluster"]
    cluster.default_css = [s for s in styles if s[0].startswith("markercluster")]
    return cluster


# Popup built with textContent: a fabrique named "<img onerror=...>" shows as text.
_MARKER_CALLBACK = """
function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 7, weight: 1.5, color: '#ffffff',
                                                               fillColor: '#c8102e', fillOpacity: 0.9});
    marker.bindPopup(function () {
        var box = document.createElement('div');
        var title = document.createElement('strong');
        title.textContent = row[2];
        box.appendChild(title);
        var lines = [['Porteur', row[3]], ['Commune', row[4]], ['Formations', row[5]], ['Apprenants', row[6]],
                     ['Part de femmes', row[7]], ['Part de jeunes NEET', row[8]]];
        lines.forEach(function (pair) {
            if (pair[1] === '' || pair[1] === null) { return; }
            var line = document.createElement('div');
            line.textContent = pair[0] + ' : ' + pair[1];
            box.appendChild(line);
        });
        return box;
    });
    marker.bindTooltip(function () { var s = document.createElement('span'); s.textContent = row[2]; return s; });
    return marker;
}
"""


_CLUSTER_ICON = """
function (cluster) {
    var n = cluster.getChildCount();
    var size = n < 10 ? 26 : n < 100 ? 32 : 40;
    return L.divIcon({className: 'gen-dash-cluster', iconSize: L.point(size, size), html:
        '<div style="width:' + size + 'px;height:' + size + 'px;line-height:' + size + 'px;border-radius:50%;' +
        'background:rgba(200,16,46,0.88);border:2px solid #fff;color:#fff;font-weight:bold;font-size:12px;' +
        'text-align:center;box-shadow:0 0 3px rgba(0,0,0,0.4)">' + n + '</div>'});
}
"""


_UNCOVERED_CALLBACK = """
function (row) {
    var marker = L.circleMarker([row[0], row[1]], {radius: row[4], weight: 0.5, color: '#ffffff',
                                                   fillColor: '#6a6f7a', fillOpacity: 0.75});
    marker.bindTooltip(function () {
        var s = document.createElement('span'); s.textContent = row[2] + ' : ' + row[3] + ' habitants'; return s;
    });
    return marker;
}
"""

_SUGGESTION_CALLBACK = """
function (row) {
    var marker = L.marker([row[0], row[1]], {icon: L.divIcon({className: 'gen-dash-suggestion', iconSize: L.point(24, 24),
        html: '<div style="width:24px;height:24px;line-height:24px;border-radius:50%;background:#000091;color:#fff;' +
              'border:2px solid #fff;text-align:center;font-weight:bold;font-size:11px;box-shadow:0 0 3px rgba(0,0,0,.5)">' +
              row[2] + '</div>'})});
    marker.bindTooltip(function () {
        var s = document.createElement('span');
        s.textContent = row[2] + '. ' + row[3] + ' : +' + row[4] + ' habitants à portée';
        return s;
    });
    return marker;
}
"""


class _Points(MacroElement):
    """Points drawn in the browser from a compact JSON array by a JavaScript callback (text set as text)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var make = {{ this.callback }};
            var rows = {{ this.rows|tojson }};
            var layer = L.featureGroup();
            rows.forEach(function (row) { make(row).addTo(layer); });
            layer.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, rows: list, callback: str):
        super().__init__()
        self._name = "Points"
        self.rows, self.callback = rows, callback


class _Areas(MacroElement):
    """Départements coloured by an indicator, and région borders, drawn from the static geometry files.

    Only the colours and values travel with each map; names are set as text (``textContent``).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var looks = {{ this.looks|tojson }};
            var label = {{ this.label|tojson }};
            // Below Leaflet's overlay pane (400), where the fabriques' circles are: they stay clickable.
            ['genDashDepartements', 'genDashRegions'].forEach(function (name, i) {
                if (!map.getPane(name)) { map.createPane(name).style.zIndex = 350 + i; }
            });
            map.getPane('genDashRegions').style.pointerEvents = 'none';
            // Leaflet focuses the map on mousedown (for its keyboard controls) and the browser then scrolls the page to
            // show the whole map: when the map is partly below the fold, the page jumps under the pointer and the
            // click lands on another place (a fabrique's popup never opens). Focus it without scrolling instead.
            if (map.keyboard) {
                map.keyboard.disable();
                map.keyboard._onMouseDown = function () {
                    if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
                };
                map.keyboard.enable();
            }
            fetch({{ this.departements|tojson }}).then(function (r) { return r.json(); }).then(function (data) {
                var layer = L.geoJSON(data, {
                    pane: 'genDashDepartements',
                    style: function (f) {
                        var look = looks[f.properties.code] || {couleur: '#c9ccd1', dans: true, valeur: '–'};
                        // The fill is opaque: the colour seen is the legend's colour.
                        return {fillColor: look.couleur, fillOpacity: 1, color: look.dans ? '#5f6b7a' : '#b7bcc4',
                                weight: 0.6, className: 'gen-dash-dep gen-dash-dep-' + f.properties.code};
                    },
                    onEachFeature: function (f, shape) {
                        var look = looks[f.properties.code] || {valeur: '–', classe: ''};
                        shape.bindTooltip(function () {
                            var box = document.createElement('div');
                            var name = document.createElement('strong');
                            name.textContent = f.properties.nom + ' (' + f.properties.code + ')';
                            box.appendChild(name);
                            var value = document.createElement('div');
                            value.textContent = label + ' : ' + look.valeur;
                            box.appendChild(value);
                            return box;
                        }, {sticky: false});
                        shape.on('mouseover', function () { shape.setStyle({weight: 2.5, color: '#1f2a44'}); });
                        shape.on('mouseout', function () { layer.resetStyle(shape); });
                    }
                }).addTo(map);
            });
            fetch({{ this.regions|tojson }}).then(function (r) { return r.json(); }).then(function (data) {
                L.geoJSON(data, {pane: 'genDashRegions', interactive: false,
                                 style: {fill: false, color: '#1f2a44', weight: 1.6, opacity: 0.9}}).addTo(map);
            });
            map.attributionControl.addAttribution({{ this.attribution|tojson }});
        })();
        {% endmacro %}
    """)

    def __init__(self, departements_url: str, regions_url: str, looks: dict, label: str):
        super().__init__()
        self._name = "Areas"
        self.departements, self.regions, self.looks, self.label = departements_url, regions_url, looks, label
        self.attribution = geo.ATTRIBUTION


class _Legend(MacroElement):
    """A legend drawn as a Leaflet control from plain HTML (built and escaped in Python)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: 'topright'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'gen-dash-legend');
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html = html_text


class _InsetFrames(MacroElement):
    """Frames and names of the DROM insets."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var frames = {{ this.frames|tojson }};
            frames.forEach(function (f) {
                L.rectangle(f.bounds, {color: '#8a94a3', weight: 1, fill: false, dashArray: '4 3',
                                       interactive: false}).addTo({{ this._parent.get_name() }});
                L.marker([f.bounds[1][0], f.bounds[0][1]], {interactive: false, icon: L.divIcon({
                    className: 'gen-dash-inset-label', iconSize: null,
                    html: '<span style="font: 11px sans-serif; color: #3c4757; white-space: nowrap;">' + f.name + '</span>'})
                }).addTo({{ this._parent.get_name() }});
            });
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "InsetFrames"
        names = geo.load_departements().set_index("code_departement")["nom_departement"]
        self.frames = [{"name": html.escape(names[code]), "bounds": [[y0 - 0.05, x0 - 0.05], [y1 + 0.05, x1 + 0.05]]}
                       for code, (x0, y0, x1, y1) in geo.INSET_BOXES.items()]


def _swatch(colour: str, label: str, border: str = "#5f6b7a") -> str:
    return (f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="display:inline-block;width:18px;height:12px;background:{colour};border:1px solid {border}"></span>'
            f"<span>{html.escape(label)}</span></div>")


def _legend_html(ind: Indicator, scheme: Classes, extra: list[str]) -> str:
    items = [_swatch(colour, label) for colour, label in scheme.legend()]
    return ('<div style="background:rgba(255,255,255,0.94);padding:8px 10px;border-radius:4px;'
            'box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.35 sans-serif;color:#1f2a44;max-width:240px">'
            f'<div style="font-weight:600;margin-bottom:4px">{html.escape(ind.short)}</div>{"".join(items + extra)}</div>')


def describe(figures: pd.DataFrame, fabriques: pd.DataFrame, indicator: str, territory: Territory) -> str:
    """The map's text alternative: what it shows of *territory* (*figures*: its départements), with its figures."""
    ind = ON_MAP[indicator]
    top = figures.dropna(subset=[ind.key]).sort_values(ind.key, ascending=False).head(3)
    best = ", ".join(f"{n} ({_format(v, ind)})" for n, v in zip(top["nom"], top[ind.key], strict=False))
    where = ("les DROM figurent en encarts à l'ouest" if territory.national
             else "les départements voisins sont en gris")
    return (f"Carte, {territory.label}, indicateur « {ind.short} » : "
            f"{territory.covered(int((figures['fabriques'] > 0).sum()))} avec au moins une fabrique ; en tête : "
            f"{best or 'aucun'}. {len(fabriques)} fabrique(s) sont placées (cercles rouges, regroupés en un nombre quand "
            f"ils sont proches) ; {where}. {geo.ATTRIBUTION}.")


_STATUS_COLOURS = {"ajoutée": "#18753c", "retirée": "#ce0500", "modifiée": "#b34000"}


def changes_map(changes: pd.DataFrame, focus: list[str] | None = None, assets_url: str = "/app/static",
                tiles: tuple[str, str] | None = None) -> folium.Map:
    """Départements by number of changes between two snapshots, and each changed formation as a coloured point."""
    label = "Formations ajoutées, retirées ou modifiées"
    ind = Indicator("changements", label, label, zero="aucun changement")
    figures = changes_by_departement(changes)
    extra = [_swatch(colour, f"formation {status}") for status, colour in _STATUS_COLOURS.items()]
    m = _choropleth(figures, ind, focus, assets_url, tiles, extra)
    placed = changes.dropna(subset=["latitude", "longitude"])
    if len(placed):
        lon, lat = geo.inset_points(placed["code_departement"], placed["longitude"], placed["latitude"])
        rows = [[round(y, 5), round(x, 5), _STATUS_COLOURS.get(status, "#666"), f"{status} : {name}"]
                for y, x, status, name in zip(lat, lon, placed["statut"], placed["nom_formation"].astype(str), strict=False)]
        _Points(rows, _CHANGE_CALLBACK).add_to(m)
    return m


_CHANGE_CALLBACK = """
function (row) {
    var marker = L.circleMarker([row[0], row[1]], {radius: 6, weight: 1, color: '#ffffff', fillColor: row[2], fillOpacity: 0.9});
    marker.bindTooltip(function () { var s = document.createElement('span'); s.textContent = row[3]; return s; });
    return marker;
}
"""
