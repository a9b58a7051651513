"""The map of départements and fabriques, as a folium map that works without internet.

Leaflet, jQuery and the marker-cluster plugin are served by the app itself (:mod:`gen_dash.assets`); no element of
the map pulls a script or a style sheet from a CDN. How it is drawn is in ``static/gen-dash-map.js``: each map sends
its data with named fields and calls it. The legend is plain HTML (branca's colour maps would pull d3 from a CDN).
Text from a snapshot reaches the page only through ``textContent`` or JSON, never as HTML.
"""

from __future__ import annotations

from dataclasses import replace

import folium
import pandas as pd

from gen_dash import classes, epci, fmt, geo, map_parts
from gen_dash.assets import contours_url, epci_geometry_url
from gen_dash.classes import Classes
from gen_dash.compare import AJOUTEE, MODIFIEE, RETIREE
from gen_dash.indicators import BY_KEY, ON_MAP, Indicator
from gen_dash.territory import Territory


def indicators_for(list_only: bool) -> list[str]:
    """The indicators a snapshot can draw: a list without learner counts has only its fabriques and formations."""
    return [k for k in ON_MAP if not list_only or k in ("fabriques", "formations")]


def classify(values: pd.Series, indicator: Indicator, quota: float | None = None) -> Classes:
    """The classes of *indicator* over *values* (the départements on screen)."""
    return classes.classify(values, indicator.kind, quota, indicator.zero)


def classes_on_screen(
    figures: pd.DataFrame, indicator: Indicator, focus: list[str] | None, quota: float | None = None
) -> Classes:
    """The classes of *indicator* over the départements of *focus* (all for None): what the web map and its image
    both colour by."""
    shown = figures if focus is None else figures[figures["code"].isin(focus)]
    return classify(shown[indicator.key], indicator, quota)


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
    title: str | None = None,
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
    title
        What the legend calls the indicator, when not its own short label (« Formations de cybersécurité »).
    """
    ind = ON_MAP[indicator] if title is None else replace(ON_MAP[indicator], short=title)
    layer, legend = map_parts.fabrique_layer(fabriques)
    m = _choropleth(figures, ind, focus, assets_url, tiles, [legend], quota)
    if layer is not None:
        layer.add_to(m)
    return m


def coverage_map(
    figures: pd.DataFrame,
    uncovered: pd.DataFrame,
    suggestions: pd.DataFrame,
    radius_km: float,
    focus: list[str] | None = None,
    assets_url: str = "/app/static",
    tiles: tuple[str, str] | None = None,
    epci_region: str | None | bool = False,
) -> folium.Map:
    """Départements by the share of their population within *radius_km* of a fabrique, the communes left out,
    and the suggested new fabriques numbered in order of choice; with *epci_region* (None: France, or a région's
    code), EPCI instead of départements (*figures* and *focus* then by EPCI).

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
    extra = [
        map_parts.swatch(
            "#6a6f7a", "commune à plus de " + fmt.number(radius_km) + " km (taille : population)"
        ),
        map_parts.swatch("#000091", "site suggéré (numéro : ordre de choix)", border="#ffffff"),
    ]
    m = _choropleth(figures, ind, focus, assets_url, tiles, extra, region=epci_region)
    if len(uncovered):
        lon, lat = geo.inset_points(
            uncovered["code_departement"], uncovered["lon"], uncovered["lat"]
        )
        points = [
            {
                "lat": round(y, 4),
                "lon": round(x, 4),
                "nom": str(n),
                "population": fmt.number(p),
                "rayon": max(2.0, min(9.0, (float(p) ** 0.5) / 25)),
            }
            for y, x, n, p in zip(
                lat, lon, uncovered["nom_commune"], uncovered["population"], strict=True
            )
        ]
        map_parts.Call("points", points, "genDash.uncovered").add_to(m)
    if len(suggestions):
        lon, lat = geo.inset_points(
            suggestions["code_departement"], suggestions["lon"], suggestions["lat"]
        )
        points = [
            {
                "lat": round(y, 4),
                "lon": round(x, 4),
                "rang": int(r),
                "nom": str(n),
                "gain": fmt.number(g),
            }
            for y, x, r, n, g in zip(
                lat,
                lon,
                suggestions["rang"],
                suggestions["nom_commune"],
                suggestions["population_gagnee"],
                strict=True,
            )
        ]
        map_parts.Call("points", points, "genDash.suggestion").add_to(m)
    return m


def epci_map(
    figures: pd.DataFrame,
    fabriques: pd.DataFrame,
    indicator: str,
    territory: Territory,
    assets_url: str = "/app/static",
    tiles: tuple[str, str] | None = None,
    quota: float | None = None,
    title: str | None = None,
) -> folium.Map:
    """The same map by EPCI: a choropleth of the EPCI (light contours for France, finer for a région), département
    borders over them, the fabriques as markers; an EPCI's tooltip gives its figures.

    Parameters
    ----------
    figures
        :func:`gen_dash.metrics.figures_by_territory` at EPCI level (every EPCI).
    territory
        What is shown: France, or a région, départements or an EPCI (its région's EPCI drawn, the others in grey).
    """
    ind = ON_MAP[indicator] if title is None else replace(ON_MAP[indicator], short=title)
    layer, legend = map_parts.fabrique_layer(fabriques)
    m = _choropleth(
        figures,
        ind,
        epci_focus(figures, territory),
        assets_url,
        tiles,
        [legend],
        quota,
        region=None if territory.national else territory.region,
    )
    if layer is not None:
        layer.add_to(m)
    return m


def epci_focus(figures: pd.DataFrame, territory: Territory) -> list[str] | None:
    """The EPCI of *territory* among *figures* (None: all France): the EPCI itself, or every EPCI lying in its
    départements."""
    if territory.national:
        return None
    if territory.epci:
        return [territory.epci]
    wanted = set(territory.codes)
    return [
        code
        for code, codes in zip(figures["code"], figures["departements"], strict=True)
        if set(codes) & wanted
    ]


_EPCI_LINES = ("formations", "apprenants", "apprenants_pour_100k")


def _epci_lines(values: pd.DataFrame, ind: Indicator) -> dict[str, list[str]]:
    """Each EPCI's other figures, as its tooltip says them (« Formations : 3 »); none for an EPCI without formation
    (most of the 1,255: its tooltip already says 0, and the map weighs a third less)."""
    keys = [k for k in _EPCI_LINES if k != ind.key and k in values]
    if "formations" not in values:  # the coverage map's figures: its tooltip says its share alone
        return {}
    columns = {k: values[k].tolist() for k in keys}
    offered = values["formations"].to_numpy() > 0
    return {
        code: [
            f"{BY_KEY[k].short} : {_format(columns[k][i], BY_KEY[k])}"
            for k in keys
            if not pd.isna(columns[k][i])
        ]
        for i, code in enumerate(values.index)
        if offered[i]
    }


def _choropleth(
    figures: pd.DataFrame,
    ind: Indicator,
    focus: list[str] | None,
    assets_url: str,
    tiles: tuple[str, str] | None,
    legend_extra: list[str],
    quota: float | None = None,
    region: str | None | bool = False,
) -> folium.Map:
    """The map every page shares: départements coloured by *ind* in the classes of the départements on screen (the
    fill and the legend both come from them), région borders, DROM insets (France only), legend, zoom to *focus*;
    départements outside the focus in grey. With *region* (None: France, or a région's code) the areas are the EPCI
    of that layer, with département borders over them and their figures in their tooltip."""
    scheme = classes_on_screen(figures, ind, focus, quota)
    values = figures.set_index("code")
    focus_set = set(focus) if focus else None
    looks, bounds = {}, []
    by_epci = region is not False
    features = epci.inset_features(region) if by_epci else geo.inset_features("departement")
    shown = values[ind.key].to_dict()
    extra_lines = _epci_lines(values, ind) if by_epci else {}
    for code, _, box in features:
        value = shown.get(code)
        in_focus = focus_set is None or code in focus_set
        if in_focus:
            bounds.append(box)
        looks[code] = {
            "couleur": scheme.colour(value) if in_focus else classes.OUTSIDE,
            "dans": in_focus,
            "valeur": _format(value, ind),
            "classe": scheme.label(value) if in_focus else "hors du territoire",
        }
        if code in extra_lines:
            looks[code]["lignes"] = extra_lines[code]

    m = map_parts.base_map(assets_url, tiles, f"Carte des départements : {ind.short}")
    map_parts.Call(
        "areas",
        {
            "contours": contours_url(assets_url),
            # the EPCI as areas, the départements' borders over them; else the départements, the régions' borders
            "areas": epci_geometry_url(assets_url, region) if by_epci else None,
            "borders": "departements" if by_epci else "regions",
            "looks": looks,
            "label": ind.short,
            "attribution": geo.ATTRIBUTION,
        },
    ).add_to(m)
    if focus_set is None or (by_epci and region is None):
        map_parts.Call("insets", map_parts.inset_frames()).add_to(m)
    outside = [] if focus_set is None else [map_parts.swatch(classes.OUTSIDE, "hors du territoire")]
    map_parts.Call("legend", map_parts.legend_html(ind, scheme, outside + legend_extra)).add_to(m)
    m.fit_bounds(
        [
            [min(b[1] for b in bounds), min(b[0] for b in bounds)],
            [max(b[3] for b in bounds), max(b[2] for b in bounds)],
        ]
    )
    return m


def describe(
    figures: pd.DataFrame,
    fabriques: pd.DataFrame,
    indicator: str,
    territory: Territory,
    title: str | None = None,
    by_epci: bool = False,
) -> str:
    """The map's text alternative: what it shows of *territory* (*figures*: its départements, or its EPCI with
    *by_epci*), with its figures; *title* as given to :func:`departement_map`."""
    ind = ON_MAP[indicator] if title is None else replace(ON_MAP[indicator], short=title)
    valued = figures.dropna(subset=[ind.key])
    if ind.kind in ("count", "rate"):  # « en tête : Aude (0) » says nothing
        valued = valued[valued[ind.key] > 0]
    top = valued.sort_values(ind.key, ascending=False).head(3)
    best = ", ".join(
        f"{n} ({_format(v, ind)})" for n, v in zip(top["nom"], top[ind.key], strict=False)
    )
    where = (
        "les DROM figurent en encarts à l'ouest"
        if territory.national
        else "les départements voisins sont en gris"
    )
    with_one = int((figures["fabriques"] > 0).sum())
    counted = (
        f"{with_one} EPCI sur {len(figures)}{territory.within}"
        if by_epci and not territory.epci
        else territory.covered(with_one)
    )
    if by_epci:
        where = (
            "les EPCI voisins sont en gris"
            if territory.epci
            else where.replace("départements voisins", "EPCI voisins")
        )
    return (
        f"Carte{' par EPCI' if by_epci else ''}, {territory.label}, indicateur « {ind.short} » : "
        f"{counted} avec au moins une fabrique ; en tête : "
        f"{best or 'aucun'}. {len(fabriques)} fabrique(s) sont placées (cercles rouges, regroupés en un nombre quand "
        f"ils sont proches) ; {where}. {geo.ATTRIBUTION}."
    )


# Told apart by shape and sign as well as colour (and the colours by lightness too): a green disc « + », a red square
# « − », a blue diamond « ~ ».
_STATUS_LOOKS = {
    AJOUTEE: ("#18753c", "disque", "+"),
    RETIREE: ("#ce0500", "carre", "\u2212"),
    MODIFIEE: ("#0063cb", "losange", "~"),
}


def changes_map(
    figures: pd.DataFrame,
    changes: pd.DataFrame,
    focus: list[str] | None = None,
    assets_url: str = "/app/static",
    tiles: tuple[str, str] | None = None,
) -> folium.Map:
    """Départements by number of changes between two snapshots, and each changed formation as a coloured point.

    Parameters
    ----------
    figures
        :func:`gen_dash.compare.changes_by_departement` (``code``, ``nom``, ``changements``).
    changes
        :func:`gen_dash.compare.diff_snapshots` (a point for each formation placed).
    """
    label = "Formations ajoutées, retirées ou modifiées"
    ind = Indicator("changements", label, label, zero="aucun changement")
    extra = [
        map_parts.swatch(colour, f"{sign} formation {status}")
        for status, (colour, _, sign) in _STATUS_LOOKS.items()
    ]
    m = _choropleth(figures, ind, focus, assets_url, tiles, extra)
    placed = changes.dropna(subset=["latitude", "longitude"])
    if len(placed):
        lon, lat = geo.inset_points(
            placed["code_departement"], placed["longitude"], placed["latitude"]
        )
        points = [
            {
                "lat": round(y, 5),
                "lon": round(x, 5),
                **dict(zip(("couleur", "forme", "signe"), _STATUS_LOOKS[status], strict=True)),
                "texte": f"Formation {status} : {name}",
            }
            for y, x, status, name in zip(
                lat, lon, placed["statut"], placed["nom_formation"].astype(str), strict=True
            )
        ]
        map_parts.Call("points", points, "genDash.change").add_to(m)
    return m
