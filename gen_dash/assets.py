"""The map's files, served by the app itself so that no map needs a CDN: Leaflet and Leaflet.markercluster copied
from their ``xstatic`` packages (not folium's jQuery: only its pop-ups use it, and no map of ours has one), and the
contours (départements as TopoJSON, from which the map draws the régions' borders too) and the EPCI, written once
into ``static/vendor`` (git-ignored); the map's own script, ``static/gen-dash-map.js``, and topojson-client, which
decodes the contours, are part of the code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import shapely

from gen_dash import config, epci, geo

VENDOR = "vendor"
GEOMETRY = "gen-dash"
MAP_SCRIPT = "gen-dash-map.js"
# topojson-client 3.1.0 (ISC, Mike Bostock), from npm: decodes the contours in the browser. Committed, as the map's
# own script is: no Python package carries it.
TOPOJSON_SCRIPT = "lib/topojson-client.min.js"
CONTOURS = "contours.topojson"
DEPARTEMENTS = "departements"  # the contours' one object
QUANTIZATION = 100_000
# What the geometry files were written from (:func:`_sources_fingerprint`), and their names.
WRITTEN_FROM = ".ecrits-depuis"


def install_assets(static_dir: Path) -> Path:
    """Copy Leaflet and Leaflet.markercluster from their xstatic packages into *static_dir*/vendor, and write the
    contours and the EPCI layers there unless they were written from the same sources (:data:`WRITTEN_FROM`)."""
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    target = Path(static_dir) / VENDOR
    for package, name in ((leaflet, "leaflet"), (cluster, "markercluster")):
        destination = target / name
        if not destination.exists():
            shutil.copytree(
                package.BASE_DIR, destination, ignore=shutil.ignore_patterns("*.map", "*.esm.js")
            )
    # Written when the server first runs (about 1.8 s of CPU), unless a server before it wrote them from the same
    # reference data and code: a restart or a second server on the same machine then costs nothing.
    stamp, fingerprint = target / GEOMETRY / WRITTEN_FROM, _sources_fingerprint()
    if stamp.is_file():
        fingerprint_then, *names = stamp.read_text(encoding="utf-8").splitlines()
        if fingerprint_then == fingerprint and all((stamp.parent / n).is_file() for n in names):
            return target
    written = _write_geometry(target / GEOMETRY)
    _write_atomically(stamp, "\n".join([fingerprint, *written]))
    return target


def _sources_fingerprint() -> str:
    """SHA-256 of what the geometry files are made from: the reference data, the data layer's code, topojson's
    version."""
    digest = hashlib.sha256(metadata.version("topojson").encode())
    for path in sorted(config.REFERENCE_DIR.rglob("*")) + sorted(
        Path(__file__).parent.glob("*.py")
    ):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _write_geometry(folder: Path) -> list[str]:
    """The contours and the EPCI layers written into *folder*: their names."""
    # The map's geometry is the same on every page and every rerun: a static file the browser fetches once and
    # caches, while each map sends only its colours and values.
    _write_atomically(folder / CONTOURS, _contours_topology())
    written = [CONTOURS]
    # The EPCI: a light national layer, and a finer one per région (the browser fetches only what it shows).
    names = epci.epci_by_code()["nom_epci"]
    for region in [None, *sorted(geo.regions_table()["code_region"])]:
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {"code": code, "nom": names[code]},
                }
                for code, geometry, _ in epci.inset_features(region)
            ],
        }
        _write_atomically(
            folder / _epci_file(region),
            json.dumps(collection, separators=(",", ":"), ensure_ascii=False),
        )
        written.append(_epci_file(region))
    return written


def _epci_file(region: str | None) -> str:
    return "epci-france.geojson" if region is None else f"epci-{region}.geojson"


def epci_geometry_url(base_url: str, region: str | None) -> str:
    """Where the browser fetches the EPCI of France (None) or of a région."""
    return base_url.rstrip("/") + f"/{VENDOR}/{GEOMETRY}/{_epci_file(region)}"


def _contours_topology() -> str:
    """The départements (``code``, ``nom``, ``region``), DROM in their insets, as TopoJSON: each border is written
    once and shared by the two départements it separates, so the régions' borders are drawn from the same lines (the
    map's script keeps those between two régions) and need no file of their own: 41 kB compressed where the
    départements' and the régions' GeoJSON took 126."""
    import topojson

    table = geo.load_departements().set_index("code_departement")
    codes, geometries, _ = zip(*geo.inset_features("departement"), strict=True)
    frame = gpd.GeoDataFrame(
        {
            "code": codes,
            "nom": table.loc[list(codes), "nom_departement"].to_numpy(),
            "region": table.loc[list(codes), "code_region"].to_numpy(),
        },
        geometry=[shapely.geometry.shape(g) for g in geometries],
        crs=geo.CRS,
    )
    # Coordinates on a grid of 1/100 000 of the map's width and height with its insets (about 15 m by 11 m): finer
    # than a pixel at the zoom of a département.
    return topojson.Topology(frame, prequantize=QUANTIZATION, object_name=DEPARTEMENTS).to_json()


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
    scripts = [
        ("leaflet", f"{root}/leaflet/leaflet.js"),
        ("topojson", base_url.rstrip("/") + "/" + TOPOJSON_SCRIPT),
        ("markercluster", f"{root}/markercluster/leaflet.markercluster.js"),
        ("gen_dash_map", base_url.rstrip("/") + "/" + MAP_SCRIPT),
    ]
    styles = [
        ("leaflet_css", f"{root}/leaflet/leaflet.css"),
        ("markercluster_css", f"{root}/markercluster/MarkerCluster.css"),
        ("markercluster_default_css", f"{root}/markercluster/MarkerCluster.Default.css"),
    ]
    return scripts, styles


def contours_url(base_url: str) -> str:
    """Where the browser fetches the départements' and régions' contours (:func:`install_assets`)."""
    return base_url.rstrip("/") + f"/{VENDOR}/{GEOMETRY}/{CONTOURS}"
