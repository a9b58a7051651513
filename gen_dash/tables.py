"""Tables as people read them: French column names, search, a file template."""

from __future__ import annotations

import pandas as pd

from gen_dash import fmt
from gen_dash.schema import BY_NAME, COLUMNS
from gen_dash.text import fold_series

DERIVED_LABELS = {"ligne": "Ligne du fichier", "code_region": "Région", "cle_fabrique": "Clé de fabrique",
                  "localisation": "Situé par"}


def readable_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """A snapshot's rows for display: no geometry, canonical columns under their French titles."""
    out = pd.DataFrame(rows.drop(columns=[c for c in ("geometry", "cle_fabrique") if c in rows]))
    return out.rename(columns={**{c.name: c.title for c in COLUMNS}, **DERIVED_LABELS})


def search(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of *frame* where any cell contains every word of *query* (case and accents ignored)."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return frame
    text = frame.astype(str).agg(" ".join, axis=1)
    folded = fold_series(text)
    keep = pd.Series(True, index=frame.index)
    for word in words:
        keep &= folded.str.contains(fold_series(pd.Series([word])).iloc[0], regex=False)
    return frame[keep]


def template_csv() -> bytes:
    """A file to fill in: every canonical column and one example row (``;``, UTF-8 with BOM, for Excel)."""
    example = {
        "id_formation": "F-0001", "nom_formation": "Développeur web", "nom_fabrique": "Fabrique numérique de Montreuil",
        "id_fabrique": "FAB-001", "porteur": "Association Code & Cité", "vague": "2", "date_labellisation": "15/12/2016",
        "metier": "Développeur web", "code_commune": "93048", "code_postal": "93100", "commune": "Montreuil",
        "code_departement": "93", "latitude": "48,8639", "longitude": "2,4557", "places": "24", "apprenants": "20",
        "apprenants_femmes": "7", "apprenants_neet": "11", "apprenants_boursiers": "6", "subvention_eur": "25 000,00",
        "date_extraction": "31/12/2017",
    }
    header = ";".join(BY_NAME[c].name for c in example)
    return ("\ufeff" + header + "\r\n" + ";".join(example.values()) + "\r\n").encode("utf-8")


def french(frame: pd.DataFrame, natures: dict[str, str]) -> pd.DataFrame:
    """Columns of *frame* formatted as French text (``nombre``, ``part``, ``euros``), for tables not meant to be sorted."""
    out = frame.copy()
    for column, nature in natures.items():
        out[column] = [fmt.by_nature(v, nature) for v in out[column]]
    return out


def as_points(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Shares (0.274) as percentage points to one decimal (27.4), for sortable tables shown in the reader's locale."""
    out = frame.copy()
    for column in columns:
        out[column] = (out[column] * 100).round(1)
    return out


def with_status(changes: pd.DataFrame, statuses: list[str]) -> pd.DataFrame:
    """The differences whose ``statut`` is one of *statuses*."""
    return changes[changes["statut"].isin(statuses)]


def french_by_row(frame: pd.DataFrame, columns: list[str], nature: str = "nature", signed: tuple[str, ...] = ()) -> pd.DataFrame:
    """*columns* as French text, each row by the nature named in its *nature* column (a table of mixed indicators).

    Columns in *signed* are changes: written with their sign (``+1 500``, ``−2,1 pt``).
    """
    out = frame.copy()
    for column in columns:
        write = fmt.signed_change if column in signed else fmt.by_nature
        out[column] = [write(v, n) for v, n in zip(out[column], out[nature])]
    return out
