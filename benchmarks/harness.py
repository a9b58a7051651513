"""What every measure shares: a line of the table (:class:`Result`), medians timed in alternation, the synthetic
files. The measures are in :mod:`benchmarks.data_layer`, :mod:`benchmarks.pages`, :mod:`benchmarks.server` and
the modules named for their subject; each returns rows of (measure, size, median, floor, target, verdict)."""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
RAW_CONTOURS = ROOT.parent / "shared" / "data" / "reference" / "departements.geojson"


@dataclass
class Result:
    """One line of the table."""

    mesure: str
    taille: str
    valeur: float
    unite: str
    plancher: float | None = None
    cible: str = ""
    tenue: bool | None = None

    def row(self) -> dict:
        return asdict(self)


def median_time(func, repeat: int, warm: bool = True) -> float:
    """Median wall-clock seconds of *repeat* calls (after one untimed call that fills caches; collected before each)."""
    return median_times([func], repeat, warm)[0]


def median_times(funcs: list, repeat: int, warm: bool = True) -> list[float]:
    """Median seconds of each of *funcs*, timed in alternation (see :func:`median_time`).

    On a shared machine speed drifts over seconds; alternating the calls puts every
    median in the same conditions, so a measure and its floor compare fairly.
    """
    if warm:
        for func in funcs:
            func()
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, out in zip(funcs, times, strict=False):
            gc.collect()
            start = time.perf_counter()
            func()
            out.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def synthetic_file(rows: int) -> Path:
    """A seeded synthetic snapshot of *rows* formations, generated once and cached on disk."""
    from gen_dash.sample import synthetic_snapshot

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"synthetique-{rows}-2017-12-31.csv"
    if not path.exists():
        synthetic_snapshot(rows).to_csv(path, index=False)
    return path
