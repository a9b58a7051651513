"""The data layer's measures: reading a file, the figures, the national map, coverage, the command line."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from benchmarks.harness import RAW_CONTOURS, ROOT, Result, median_time, median_times, synthetic_file


def reading(sizes: list[int], repeat: int) -> list[Result]:
    from gen_dash.ingest import read_snapshot

    out = []
    for size in sizes:
        path = synthetic_file(size)
        floor, measured = median_times(
            [lambda: pd.read_csv(path), lambda: read_snapshot(path)], repeat
        )
        target = "< 2 s et ≤ 4 × plancher" if size >= 100_000 else ""
        ok = (measured < 2 and measured <= 4 * floor) if size >= 100_000 else None
        out.append(
            Result("read_snapshot", f"{size:,}".replace(",", " "), measured, "s", floor, target, ok)
        )
    return out


def figures(sizes: list[int], repeat: int) -> list[Result]:
    from gen_dash import metrics
    from gen_dash.ingest import read_snapshot

    out = []
    for size in sizes:
        rows = read_snapshot(synthetic_file(size)).rows

        def compute():
            metrics.summary_figures(rows)
            metrics.figures_by_territory(rows, "departement")
            metrics.figures_by_territory(rows, "region")

        measured = median_time(compute, repeat)
        target, ok = ("< 0,3 s", measured < 0.3) if size >= 100_000 else ("", None)
        out.append(
            Result(
                "chiffres (résumé, départements, régions)",
                f"{size:,}".replace(",", " "),
                measured,
                "s",
                None,
                target,
                ok,
            )
        )
    return out


def national_map(repeat: int, formations: int = 10_000) -> list[Result]:
    import folium

    from gen_dash import assets, maps, metrics
    from gen_dash.ingest import read_snapshot

    out = []
    floor_bytes = floor_time = None
    if RAW_CONTOURS.exists():

        def raw_map():
            m = folium.Map(tiles=None)
            folium.GeoJson(str(RAW_CONTOURS)).add_to(m)
            return m.get_root().render()

        floor_time = median_time(raw_map, repeat)
        floor_bytes = len(raw_map().encode())
    cases = [
        (
            "200 fabriques (exemple fin 2017)",
            ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv",
            1_000_000,
            None,
        ),
        (
            f"{formations:,} formations".replace(",", " "),
            synthetic_file(formations),
            2_500_000,
            1.0,
        ),
    ]
    for label, path, max_bytes, max_seconds in cases:
        rows = read_snapshot(path).rows

        def build():
            return (
                maps.departement_map(metrics.figures_by_territory(rows), metrics.fabriques_of(rows))
                .get_root()
                .render()
            )

        seconds = median_time(build, repeat)
        page = len(build().encode())
        # First visit: the page, plus the static geometry the browser fetches once and then keeps in its cache.
        folder = assets.install_assets(ROOT / "static") / assets.GEOMETRY
        static = (folder / assets.CONTOURS).stat().st_size
        out.append(
            Result(
                "carte nationale : octets envoyés (1re visite)",
                label,
                page + static,
                "o",
                floor_bytes,
                f"< {max_bytes / 1e6:.1f} Mo".replace(".", ","),
                page + static < max_bytes,
            )
        )
        out.append(
            Result("carte nationale : octets envoyés (chaque rerun)", label, page, "o", floor_bytes)
        )
        out.append(
            Result(
                "carte nationale : construction Python",
                label,
                seconds,
                "s",
                floor_time,
                f"< {max_seconds:.0f} s" if max_seconds else "",
                seconds < max_seconds if max_seconds else None,
            )
        )
    return out


def coverage_measures(repeat: int) -> list[Result]:
    import numpy as np

    from gen_dash import coverage, geo, metrics
    from gen_dash.ingest import read_snapshot

    communes = geo.communes_table()
    fabriques = metrics.fabriques_of(read_snapshot(synthetic_file(2_600)).rows).head(2_000)
    distances = median_time(lambda: coverage.nearest_fabrique(communes, fabriques), repeat)
    sample = metrics.fabriques_of(
        read_snapshot(ROOT / "data" / "sample" / "gen-exemple-2017-12-31.csv").rows
    )
    greedy = median_time(lambda: coverage.suggest_sites(communes, sample, 70, 30, 5000), repeat)
    out = [
        Result(
            "couverture : distances de 34 875 communes",
            f"{len(fabriques):,} fabriques".replace(",", " "),
            distances,
            "s",
            None,
            "< 0,5 s",
            distances < 0.5,
        ),
        Result(
            "couverture : 70 sites suggérés (communes > 5 000 hab.)",
            "exemple fin 2017",
            greedy,
            "s",
            None,
            "< 3 s",
            greedy < 3,
        ),
    ]
    # Quality: greedy against the exact optimum (scipy milp) on instances small enough to solve exactly.
    ratios = []
    for region, k in (("53", 5), ("28", 5), ("24", 5), ("27", 6), ("44", 6)):
        territory = communes[communes["code_region"] == region].reset_index(drop=True)
        instance = coverage.covering_instance(territory, sample, 20, min_population=3000)
        found = sum(g for _, g in coverage.greedy_cover(instance, k))
        _, optimum = coverage.exact_cover(instance, k, time_limit=120)
        ratios.append(found / optimum if optimum else 1.0)
    worst = float(np.min(ratios))
    out.append(
        Result(
            "couverture : glouton / optimum exact (pire cas)",
            "5 régions, R = 20 km, k = 5–6, communes > 3 000 hab.",
            worst,
            "ratio",
            1.0,
            "≥ 0,95",
            worst >= 0.95,
        )
    )
    return out


def command_line(repeat: int) -> list[Result]:
    """Wall time of ``python -m gen_dash validate|summary`` on a small file, beside Python starting and importing pandas
    (the floor: no command can answer faster)."""
    sample = ROOT / "data" / "sample" / "gen-exemple-2016-03-01.csv"
    rows = sum(1 for _ in sample.open(encoding="utf-8")) - 1

    def run(*args: str):
        return lambda: subprocess.run(
            [sys.executable, *args], cwd=ROOT, capture_output=True, check=False
        )

    floor, *measured = median_times(
        [
            run("-c", "import pandas"),
            run("-m", "gen_dash", "validate", str(sample)),
            run("-m", "gen_dash", "summary", str(sample)),
        ],
        repeat,
    )
    return [
        Result(
            f"ligne de commande : {command}",
            f"{rows} lignes",
            seconds,
            "s",
            floor,
            "< 0,8 s",
            seconds < 0.8,
        )
        for command, seconds in zip(("validate", "summary"), measured, strict=True)
    ]
