"""Shareable links: the territory written in a URL, checked against the reference départements and régions."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class LinkedTerritory:
    """What a link asks for, once checked: a région, some of its départements, and notices for what was ignored."""

    region: str | None = None
    departements: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def territory_from_link(region: str | None, departements: str | None, table: pd.DataFrame) -> LinkedTerritory:
    """Check ``region`` and ``dep`` (comma-separated codes) from a link against *table* (``code_departement``, ``code_region``).

    Départements given without a région choose the région of the first one; a département outside the région,
    an unknown code or an unknown région is dropped with a notice (in French), never an error.
    """
    out = LinkedTerritory()
    region_of = dict(zip(table["code_departement"], table["code_region"]))
    if region:
        if region in set(table["code_region"]):
            out.region = region
        else:
            out.notices.append(f"région « {region} » inconnue")
    wanted = [code.strip() for code in (departements or "").split(",") if code.strip()]
    if wanted and out.region is None:
        out.region = next((region_of[code] for code in wanted if code in region_of), None)
    out.departements = [code for code in wanted if code in region_of and region_of[code] == out.region]
    dropped = [code for code in wanted if code not in out.departements]
    if dropped:
        out.notices.append("département(s) " + ", ".join(f"« {d} »" for d in dropped) + " inconnu(s) ou hors de la région")
    return out
