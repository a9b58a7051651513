"""What changed between two snapshots: formations added, removed and changed, and every headline figure."""

from __future__ import annotations

import pandas as pd

from gen_dash import fmt, geo
from gen_dash.indicators import BY_KEY
from gen_dash.key_figures import headline_figures
from gen_dash.schema import BY_NAME, COLUMNS
from gen_dash.targets import Targets

AJOUTEE, RETIREE, MODIFIEE = "ajoutée", "retirée", "modifiée"
# Fields compared: every canonical column but the snapshot's own date.
COMPARED = [c.name for c in COLUMNS if c.name not in ("id_formation", "date_extraction")]
_KEEP = [
    "id_formation",
    "nom_formation",
    "nom_fabrique",
    "commune",
    "code_departement",
    "code_region",
    "latitude",
    "longitude",
]


def diff_snapshots(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Formations added, removed and changed from *old* to *new* (rows of two snapshots), matched by ``id_formation``.

    Returns
    -------
    DataFrame
        One row per difference: ``statut`` (ajoutée, retirée, modifiée), ``champs_modifies`` (the changed fields,
        comma-separated), ``avant``/``apres`` (their values), and the formation's name, fabrique and place.
    """
    a = pd.DataFrame(old).drop_duplicates("id_formation").set_index("id_formation")
    b = pd.DataFrame(new).drop_duplicates("id_formation").set_index("id_formation")
    added, removed = b.index.difference(a.index), a.index.difference(b.index)
    both = a.index.intersection(b.index)
    changed_fields: dict[str, list[str]] = {}
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for column in COMPARED:
        x, y = a.loc[both, column], b.loc[both, column]
        differs = ~((x == y).fillna(False) | (x.isna() & y.isna()))
        for key in differs[differs].index:
            # « dont femmes », not apprenants_femmes
            title = BY_NAME[column].title if column in BY_NAME else column
            changed_fields.setdefault(key, []).append(fmt.lowercase_first(title))
            before.setdefault(key, []).append(_text(x[key]))
            after.setdefault(key, []).append(_text(y[key]))
    parts = [
        b.loc[added]
        .reset_index()[_KEEP]
        .assign(statut=AJOUTEE, champs_modifies="", avant="", apres=""),
        a.loc[removed]
        .reset_index()[_KEEP]
        .assign(statut=RETIREE, champs_modifies="", avant="", apres=""),
    ]
    changed = list(changed_fields)
    if changed:
        rows = b.loc[changed].reset_index()[_KEEP]
        rows["statut"] = MODIFIEE
        rows["champs_modifies"] = [", ".join(changed_fields[k]) for k in changed]
        rows["avant"] = [" ; ".join(before[k]) for k in changed]
        rows["apres"] = [" ; ".join(after[k]) for k in changed]
        parts.append(rows)
    out = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else pd.DataFrame(columns=[*_KEEP, "statut", "champs_modifies", "avant", "apres"])
    )
    order = {AJOUTEE: 0, RETIREE: 1, MODIFIEE: 2}
    return out.sort_values(
        ["statut", "id_formation"],
        key=lambda s: s.map(order) if s.name == "statut" else s,
        kind="stable",
    ).reset_index(drop=True)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def headline_changes(old: pd.DataFrame, new: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """Every headline figure before and after, and the change (``avant``, ``apres``, ``ecart``, ``nature``)."""
    before, after = headline_figures(old, targets), headline_figures(new, targets)
    formations = BY_KEY["formations"]
    counts = pd.DataFrame(
        {
            "libelle": [formations.label],
            "avant": [len(old)],
            "apres": [len(new)],
            "nature": [formations.nature],
        },
        index=[formations.key],
    )
    out = pd.concat(
        [
            counts,
            pd.DataFrame(
                {
                    "libelle": after["libelle"],
                    "avant": before["valeur"],
                    "apres": after["valeur"],
                    "nature": after["nature"],
                }
            ),
        ]
    )
    out["ecart"] = [
        None if a is None or b is None else b - a
        for a, b in zip(out["avant"], out["apres"], strict=False)
    ]
    return out


def count_by_status(diff: pd.DataFrame) -> dict[str, int]:
    """How many formations were added, removed and changed."""
    return {
        status: int((diff["statut"] == status).sum()) for status in (AJOUTEE, RETIREE, MODIFIEE)
    }


def changes_by_departement(changes: pd.DataFrame) -> pd.DataFrame:
    """Number of differences in every département (``code``, ``nom``, ``changements``), zeros included."""
    deps = geo.departements_table()[["code_departement", "nom_departement"]]
    counts = changes.groupby("code_departement").size()
    return pd.DataFrame(
        {
            "code": deps["code_departement"],
            "nom": deps["nom_departement"],
            "changements": deps["code_departement"].map(counts).fillna(0).astype("int64"),
        }
    )
