"""gen_dash.maps: the folium map: local assets only, escaped text, DROM insets, a readable legend, small enough to send."""

from __future__ import annotations

import collections
import json
import re
import shutil
import subprocess

import geopandas as gpd
import pytest
import shapely

from gen_dash import assets, config, geo, map_parts, maps, metrics
from gen_dash.indicators import ON_MAP
from gen_dash.ingest import read_snapshot
from gen_dash.territory import Territory
from tests.conftest import ROOT, make_csv, map_calls, map_page, row

TABLE = gpd.pd.DataFrame(geo.load_departements().drop(columns="geometry"))


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot(ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv")


def build(rows, indicator="fabriques", **kwargs):
    return maps.departement_map(
        metrics.figures_by_territory(rows), metrics.fabriques_of(rows), indicator, **kwargs
    )


def _asset_urls(m) -> list[str]:
    """Every script and style-sheet URL the map's elements ask for (what streamlit-folium loads)."""
    urls = []

    def walk(element):
        urls.extend(url for _, url in getattr(element, "default_js", []))
        urls.extend(url for _, url in getattr(element, "default_css", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize("indicator", list(ON_MAP))
def test_no_cdn_anywhere(snapshot, indicator):
    m = build(snapshot.rows, indicator, quota=0.3)
    urls = _asset_urls(m)
    assert urls and all(u.startswith("/app/static/") for u in urls)
    assert {u for u in urls if not u.startswith("/app/static/vendor/")} == {
        "/app/static/gen-dash-map.js",
        "/app/static/lib/topojson-client.min.js",
    }
    page = map_page(m)
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "d3" not in " ".join(urls)
    (areas,) = map_calls(page)["areas"]
    assert (areas["contours"], areas["areas"], areas["borders"]) == (
        "/app/static/vendor/gen-dash/contours.topojson",
        None,
        "regions",
    )


def _decoded(topology: dict, geometry: dict) -> shapely.Geometry:
    """A TopoJSON polygon or multipolygon as shapely's, decoded here by the format's rules (not by the library
    that wrote it): arcs delta-encoded on a grid, a negative index for an arc read backwards (~i)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices):
        points = []
        for i in indices:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points += part if not points else part[1:]
        return points

    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    return shapely.MultiPolygon(
        [shapely.Polygon(ring(p[0]), [ring(hole) for hole in p[1:]]) for p in polygons]
    )


def _arc_indices(nested) -> list[int]:
    return (
        [nested] if isinstance(nested, int) else [i for part in nested for i in _arc_indices(part)]
    )


def test_assets_install_from_xstatic_and_the_geometry(tmp_path):

    target = assets.install_assets(tmp_path)
    for name, link in assets.asset_links("/x")[0] + assets.asset_links("/x")[1]:
        # the map's own script and topojson-client are part of the code
        served = ROOT / "static" if name in ("gen_dash_map", "topojson") else tmp_path
        assert (served / link.removeprefix("/x/")).is_file()
    assert (target / "leaflet" / "images").is_dir()  # Leaflet's own icons
    contours = json.loads((target / "gen-dash" / "contours.topojson").read_text(encoding="utf-8"))
    departements = contours["objects"]["departements"]["geometries"]
    assert len(departements) == 101
    assert {"code": "974", "nom": "La Réunion", "region": "04"} in [
        d["properties"] for d in departements
    ]
    assert len({d["properties"]["region"] for d in departements}) == 18
    # each département drawn as it was given (its area within 1 %), its borders shared with its neighbours
    given = {code: shapely.geometry.shape(g) for code, g, _ in geo.inset_features("departement")}
    for departement in departements:
        drawn = _decoded(contours, departement)
        assert drawn.area == pytest.approx(given[departement["properties"]["code"]].area, rel=0.01)
    used = [i if i >= 0 else ~i for d in departements for i in _arc_indices(d["arcs"])]
    assert max(collections.Counter(used).values()) == 2  # a border between two: written once
    written = {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()}
    assets.install_assets(tmp_path)  # again: unchanged files are left as they are, none added
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*") if p.is_file()} == written


@pytest.mark.parametrize(
    "change",
    ["a file removed", "other sources"],
)
def test_the_geometry_is_written_again_only_when_a_file_or_its_sources_changed(
    tmp_path, monkeypatch, change
):
    target = assets.install_assets(tmp_path) / assets.GEOMETRY
    again = []
    monkeypatch.setattr(assets, "_write_geometry", lambda folder: again.append(folder) or [])
    assets.install_assets(tmp_path)  # a second server, a restart: same sources, every file there
    assert again == []
    if change == "a file removed":
        (target / "epci-76.geojson").unlink()
    else:  # reference data of another release: one file differs
        reference = shutil.copytree(config.REFERENCE_DIR, tmp_path / "reference")
        with open(reference / "regions.geojson", "a") as regions:
            regions.write("\n")
        monkeypatch.setattr(config, "REFERENCE_DIR", reference)
    assets.install_assets(tmp_path)
    assert again == [target]


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js absent (apt-get install nodejs ; .ci/run l'installe)",
)
def test_the_map_script_is_valid_javascript():
    result = subprocess.run(
        ["node", "--check", str(ROOT / "static" / assets.MAP_SCRIPT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_fabrique_names_are_never_html():
    hostile = "<img src=x onerror=alert(1)>"
    rows = read_snapshot(
        make_csv([row(nom_fabrique=hostile, porteur="<script>alert(2)</script>")])
    ).rows
    page = map_page(build(rows))
    assert hostile not in page and "<script>alert(2)" not in page
    (fabriques,) = map_calls(page)["fabriques"]
    assert fabriques["colonnes"]["nom"] == [hostile]  # data, which the script sets as text
    assert fabriques["colonnes"]["porteur"] == ["<script>alert(2)</script>"]


def test_drom_are_inset_beside_metropolitan_france():
    deps = geo.inset_drom(geo.load_departements())
    metro = deps[deps["code_departement"].str.len() == 2].total_bounds
    for code, box in geo.INSET_BOXES.items():
        x0, y0, x1, y1 = deps.loc[deps["code_departement"] == code].total_bounds
        assert (
            box[0] - 1e-6 <= x0
            and x1 <= box[2] + 1e-6
            and box[1] - 1e-6 <= y0
            and y1 <= box[3] + 1e-6
        )
        assert x1 < metro[0]  # west of metropolitan France
    lon, lat = geo.inset_points(
        gpd.pd.Series(["974", "75"]), gpd.pd.Series([55.5, 2.35]), gpd.pd.Series([-21.1, 48.85])
    )
    assert geo.INSET_BOXES["974"][0] <= lon[0] <= geo.INSET_BOXES["974"][2] and (
        lon[1],
        lat[1],
    ) == (2.35, 48.85)


def test_legend_and_values_read_in_french(snapshot):
    page = map_page(build(snapshot.rows, "part_femmes", quota=0.3))
    (areas,) = map_calls(page)["areas"]
    assert areas["label"] == "Part de femmes"
    # the class the quota opens
    assert "<span>30\u00a0% à moins de 35\u00a0%</span>" in map_calls(page)["legend"][0]
    # each département's look travels
    assert set(areas["looks"]["93"]) == {
        "classe",
        "couleur",
        "dans",
        "valeur",
    }
    page = map_page(build(snapshot.rows, "fabriques"))
    assert "zone blanche" in page


def test_focus_zooms_to_the_territory(snapshot):
    m = build(snapshot.rows, focus=["29", "22", "35", "56"])
    bounds = [child for child in m._children.values() if type(child).__name__ == "FitBounds"][
        0
    ].bounds
    (south, west), (north, east) = bounds
    assert -5.5 < west < -4 and 47 < south < 47.5 and north < 49 and east < -1


def test_national_map_is_small(snapshot):
    assert len(map_page(build(snapshot.rows)).encode()) < 1_000_000


def test_classify_counts_and_shares():
    series = gpd.pd.Series([0, 1, 2, 3, 5, 8, 13])
    scheme = maps.classify(series, ON_MAP["fabriques"])
    assert (
        scheme.lowest == 1 and scheme.limits[-1] == 13 and len(scheme.colours) == len(scheme.limits)
    )
    scheme = maps.classify(series / 20, ON_MAP["part_femmes"], quota=0.3)
    assert 0.3 in scheme.limits and len(scheme.colours) == 5


def test_hand_snapshot_map_and_text_alternative():
    from tests.conftest import hand_csv

    rows = read_snapshot(hand_csv()).rows
    figures = metrics.figures_by_territory(rows)
    occitanie = Territory.of("76", (), TABLE)
    page = map_page(
        maps.departement_map(
            figures, metrics.fabriques_of(rows), "fabriques", focus=occitanie.focus
        )
    )
    looks = map_calls(page)["areas"][0]["looks"]
    # Occitanie's classes: Haute-Garonne 2 fabriques, Hérault 1, the 11 others none.
    assert looks["31"] == {"classe": "2", "couleur": "#0b1f4d", "dans": True, "valeur": "2"}
    assert looks["34"] == {"classe": "1", "couleur": "#4f8fd0", "dans": True, "valeur": "1"}
    assert looks["12"] == {
        "classe": "aucune (zone blanche)",
        "couleur": "#ffffff",
        "dans": True,
        "valeur": "0",
    }
    # Paris: outside, in grey
    assert looks["75"]["dans"] is False and looks["75"]["couleur"] == "#eef0f3"
    # no DROM inset on a région's map
    assert "insets" not in map_calls(page) and "hors du territoire" in page
    text = maps.describe(
        occitanie.apply(figures, "code"),
        metrics.fabriques_of(occitanie.apply(rows)),
        "fabriques",
        occitanie,
    )
    assert text.startswith(
        "Carte, Occitanie, indicateur « Fabriques » : 2 sur 13 départements de la région avec "
        "au moins une fabrique ; en tête : Haute-Garonne (2), Hérault (1)"
    )
    assert (
        "3 fabrique(s) sont placées" in text
        and "voisins sont en gris" in text
        and "encarts" not in text
    )
    france = Territory.of(None, (), TABLE)
    text = maps.describe(figures, metrics.fabriques_of(rows), "fabriques", france)
    assert (
        "3 sur 101 départements avec au moins une fabrique" in text
        and "5 fabrique(s)" in text
        and "encarts" in text
    )


@pytest.mark.parametrize("grid", ["departement", "epci"])
def test_a_big_snapshot_sends_groups_that_add_up_to_its_fabriques(grid):
    from gen_dash.ingest import read_snapshot
    from gen_dash.sample import synthetic_snapshot

    rows = read_snapshot(synthetic_snapshot(3_500).to_csv(index=False).encode()).rows
    fabriques = metrics.fabriques_of(rows)
    assert len(fabriques) > map_parts.MAX_MARKERS
    figures = metrics.figures_by_territory(rows, grid)
    if grid == "epci":  # the EPCI map's legend once said « une fabrique » over groups
        france = Territory.of(None, (), TABLE)
        page = map_page(maps.epci_map(figures, fabriques, "fabriques", france))
    else:
        page = map_page(maps.departement_map(figures, fabriques, "fabriques"))
    calls = map_calls(page)
    assert "fabriques" not in calls  # not one marker per fabrique
    groups = calls["groups"][0]
    placed = int(fabriques[["latitude", "longitude"]].notna().all(axis=1).sum())
    assert sum(groups["fabriques"]) == placed and sum(groups["formations"]) == int(
        fabriques.loc[fabriques["latitude"].notna(), "formations"].sum()
    )
    assert all(groups["commune"]) and len(groups["lat"]) < placed / 2
    # the legend says how
    assert "les fabriques d&#x27;un carré d&#x27;environ 22 km" in calls["legend"][0]
