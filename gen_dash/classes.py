"""Choropleth classes: which class a value falls in, its colour and the legend's label, from one object.

The map's fill and its legend both ask the same :class:`Classes`, so they cannot disagree (they once did: a value
equal to a class limit was filled with the next class's colour). Breaks of counts and rates are natural breaks
(Fisher-Jenks, from ``mapclassify``, the PySAL library geopandas uses for its choropleths); shares are classed
around their quota, so the colour says at once whether a territory reaches it.

Two conventions, each stated in the labels:

- counts and rates: a class holds the values above the previous limit and up to its own (``3 à 5`` holds 3, 4, 5);
- shares: a class holds the values from its lower limit to below the next (``30 % à moins de 35 %``), so that a
  share exactly at the quota is in the first class that reaches it.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from gen_dash import fmt

WHITE_ZONE = "#ffffff"  # a count of zero: a white zone, drawn with the département's border
NO_VALUE = "#c9ccd1"  # no value at all (a share of no learner): a neutral grey
OUTSIDE = "#eef0f3"  # a département outside the territory on screen
# Every class is at least 3:1 against the white zone and the map's white, neighbouring classes differ by ΔE ≥ 9 in
# CAM02-UCS with normal vision and with each common colour-vision deficiency (tests/test_classes.py checks it).
BLUES = ("#4f8fd0", "#2f6db5", "#1f4e9c", "#17367a", "#0b1f4d")
# three warm classes below the quota, two blue
BELOW_ABOVE = (
    "#7a1f0a",
    "#b83a12",
    "#d9652b",
    "#4a7fcc",
    "#1f3f8f",
)
COVERAGE_LIMITS = (0.5, 0.7, 0.85, 0.95)
SHARE_DECIMALS = (
    3  # shares are shown to 0.1 %: classed as shown, so the tooltip and the legend agree
)


@dataclass(frozen=True)
class Classes:
    """The classes of one map: limits, colours, labels, and the special values' swatches.

    Attributes
    ----------
    kind
        ``count``, ``rate``, ``share`` or ``coverage``.
    limits
        For counts and rates, each class's upper limit (inclusive), the first class starting at ``lowest``; for
        shares and coverage, the cut points between classes (a class includes its lower cut point).
    """

    kind: str
    limits: tuple[float, ...]
    colours: tuple[str, ...]
    lowest: float = 0.0
    zero_label: str = "0"

    def index(self, value) -> int | None:
        """The class of *value* (0 for the first), -1 for a zero count (white zone), None for no value."""
        if value is None or pd.isna(value):
            return None
        value = float(value)
        if self.kind in ("share", "coverage"):
            return int(np.searchsorted(self.limits, round(value, SHARE_DECIMALS), side="right"))
        if value <= 0:
            return -1
        return min(int(np.searchsorted(self.limits, value, side="left")), len(self.colours) - 1)

    def colour(self, value) -> str:
        """The fill of *value*."""
        i = self.index(value)
        return NO_VALUE if i is None else WHITE_ZONE if i == -1 else self.colours[i]

    def labels(self) -> list[str]:
        """Each class's label, in order."""
        if self.kind in ("share", "coverage"):
            cuts = [_percent(c) for c in self.limits]
            if not cuts:
                return ["toutes valeurs"]
            return (
                [f"moins de {cuts[0]}"]
                + [f"{a} à moins de {b}" for a, b in zip(cuts, cuts[1:], strict=False)]
                + [f"{cuts[-1]} ou plus"]
            )
        labels = []
        for i, high in enumerate(self.limits):
            if self.kind == "count":  # whole numbers: 1 à 2, 3, 4 à 8
                low = self.lowest if i == 0 else self.limits[i - 1] + 1
                labels.append(
                    fmt.number(low) if low >= high else f"{fmt.number(low)} à {fmt.number(high)}"
                )
            else:
                low = (
                    f"de {fmt.number(self.lowest, 1)}"
                    if i == 0
                    else f"plus de {fmt.number(self.limits[i - 1], 1)}"
                )
                labels.append(f"{low} à {fmt.number(high, 1)}")
        return labels

    def label(self, value) -> str:
        """The legend's label for the class of *value*."""
        i = self.index(value)
        return (
            self.special()[0 if i is None else 1][1] if i is None or i == -1 else self.labels()[i]
        )

    def special(self) -> list[tuple[str, str]]:
        """The swatches of values outside the classes: (colour, label) for no value, and for zero counts."""
        if self.kind in ("share", "coverage"):
            return [(NO_VALUE, "aucun apprenant" if self.kind == "share" else "sans donnée")]
        return [(NO_VALUE, "sans donnée"), (WHITE_ZONE, self.zero_label)]

    def legend(self) -> list[tuple[str, str]]:
        """Every swatch of the legend, (colour, label): the classes, then the special values that occur."""
        return list(zip(self.colours, self.labels(), strict=False)) + self.special()[-1:]


def classify(
    values: pd.Series, kind: str, quota: float | None = None, zero_label: str = "0"
) -> Classes:
    """The classes for *values* of an indicator of *kind* (``count``, ``rate``, ``share``, ``coverage``).

    Counts and rates: up to five natural-break classes of the positive values (zero is a class of its own). Shares:
    five classes around *quota* (the median when there is none): three below it, two from it up. Coverage: fixed
    classes (50, 70, 85 and 95 %).
    """
    if kind == "coverage":
        return Classes(kind, COVERAGE_LIMITS, BLUES)
    if kind == "share":
        if quota is None:
            known = values.dropna()
            quota = round(float(known.median()), 2) if len(known) else 0.5
        cuts = sorted(
            {
                round(c, SHARE_DECIMALS)
                for c in (quota - 0.10, quota - 0.05, quota, quota + 0.05)
                if 0 < c < 1
            }
        )
        below = sum(c <= quota for c in cuts)  # the classes whose upper cut is at most the quota
        colours = BELOW_ABOVE[3 - below : 3] + BELOW_ABOVE[3 : 3 + len(cuts) + 1 - below]
        return Classes(kind, tuple(cuts), colours)
    positive = pd.to_numeric(values, errors="coerce").dropna()
    positive = positive[positive > 0].to_numpy(dtype=float)
    if not len(positive):
        return Classes(kind, (), (), zero_label=zero_label)
    limits = _natural_breaks(np.sort(positive).tobytes())
    return Classes(
        kind,
        limits,
        _spread(BLUES, len(limits)),
        lowest=float(positive.min()),
        zero_label=zero_label,
    )


@functools.lru_cache(maxsize=256)
def _natural_breaks(sorted_values: bytes) -> tuple[float, ...]:
    """Up to five Fisher-Jenks class limits of the sorted positive values (their bytes: a key every session that
    shows the same map shares). Fisher-Jenks is quadratic: 1,255 EPCI took 0.13 s, on every view."""
    positive = np.frombuffer(sorted_values, dtype=float)
    k = min(5, len(np.unique(positive)))
    if k == 1:
        return (float(positive.max()),)
    with warnings.catch_warnings():
        # "numba not installed": the pure Python version is quick on 101 values
        warnings.simplefilter("ignore")
        return tuple(float(b) for b in mapclassify.FisherJenks(positive, k=k).bins)


def _spread(palette: tuple[str, ...], k: int) -> tuple[str, ...]:
    """*k* colours of *palette* as far apart as it allows (three classes: its first, middle and last).

    >>> _spread(("a", "b", "c", "d", "e"), 3), _spread(("a", "b", "c", "d", "e"), 2)
    (('a', 'c', 'e'), ('a', 'e'))
    """
    if k <= 1:
        return palette[:k]
    return tuple(palette[round(i * (len(palette) - 1) / (k - 1))] for i in range(k))


def _percent(share: float) -> str:
    return fmt.percent(share, 0 if round(share * 100, 1).is_integer() else 1)
