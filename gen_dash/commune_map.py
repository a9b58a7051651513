"""The map a mayor's question is answered with: a commune, its circle and the fabriques nearest to it.

Drawn with the same pieces as every map (:mod:`gen_dash.map_parts`): the départements around as a plain
background, the circle of the chosen radius, the fabriques numbered by distance; a commune of a DROM is drawn in
its inset, smaller, so the circle is scaled with it.
"""

from __future__ import annotations

import math

import folium
import pandas as pd

from gen_dash import fmt, geo, map_parts
from gen_dash.assets import contours_url


def commune_map(
    commune: pd.Series,
    nearest: pd.DataFrame,
    fabriques: pd.DataFrame,
    radius_km: float,
    assets_url: str = "/app/static",
    tiles: tuple[str, str] | None = None,
) -> folium.Map:
    """A small map centred on *commune* (a row of :func:`gen_dash.commune.find_commune`): its *radius_km* circle,
    the départements around, and its *nearest* fabriques numbered by distance (rows of *fabriques*, matched by
    ``cle_fabrique``, give their points)."""
    m = map_parts.base_map(assets_url, tiles, f"Carte autour de {commune['nom_commune']}")
    map_parts.Call(
        "areas",
        {
            "contours": contours_url(assets_url),
            "areas": None,
            "borders": "regions",
            "looks": {},
            "label": "Département",
            "attribution": geo.ATTRIBUTION,
        },
    ).add_to(m)
    code = pd.Series([commune["code_departement"]])
    lon, lat = geo.inset_points(
        code, pd.Series([float(commune["lon"])]), pd.Series([float(commune["lat"])])
    )
    scale = geo.inset_scale(commune["code_departement"])  # a DROM is drawn smaller, in its inset
    map_parts.Call(
        "around",
        {
            "lat": round(lat[0], 5),
            "lon": round(lon[0], 5),
            "rayon_m": radius_km * 1000 * scale,
            "nom": str(commune["nom_commune"]),
        },
    ).add_to(m)
    points = fabriques.set_index("cle_fabrique").loc[nearest["cle_fabrique"]]
    f_lon, f_lat = geo.inset_points(
        points["code_departement"].reset_index(drop=True),
        points["longitude"].reset_index(drop=True),
        points["latitude"].reset_index(drop=True),
    )
    map_parts.Call(
        "points",
        [
            {
                "lat": round(y, 5),
                "lon": round(x, 5),
                "rang": i + 1,
                "nom": str(name),
                "distance": fmt.number(d, 1),
            }
            for i, (y, x, name, d) in enumerate(
                zip(f_lat, f_lon, nearest["nom_fabrique"], nearest["distance_km"], strict=True)
            )
        ],
        "genDash.nearby",
    ).add_to(m)
    reach = radius_km * scale / 111.0  # degrees of latitude
    widen = reach / max(0.2, math.cos(math.radians(lat[0])))
    m.fit_bounds([[lat[0] - reach, lon[0] - widen], [lat[0] + reach, lon[0] + widen]])
    return m
