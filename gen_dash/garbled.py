"""Commune names whose accented letters a wrong encoding destroyed into U+FFFD (« SAINT-RAPHA�L », « BRIAN�ON »).

The public verb is :func:`match_garbled`: each destroyed character stands for any one letter, and a name is taken only
when exactly one commune of its postal code (else of its département) fits; otherwise it stays unplaced by name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from gen_dash import geo
from gen_dash.text import fold_name

REPLACEMENT = "\ufffd"
_HOLE = "\x00"  # stands for a destroyed character while the rest of the name is folded


def match_garbled(names: pd.Series, postal_codes: pd.Series, departements: pd.Series) -> pd.Series:
    """The commune code each garbled name designates (NA where none or several fit, or the name is not garbled).

    Examples
    --------
    >>> names = pd.Series(["SAINT-RAPHA\ufffdL", "BRIAN\ufffdON", "SAINT-\ufffdTIENNE", "Paris"])
    >>> list(match_garbled(names, pd.Series([None, "05100", None, None]), pd.Series(["83", None, "42", "75"])))
    ['83118', '05023', '42218', nan]
    """
    found = pd.Series(None, index=names.index, dtype="object")
    garbled = names.str.contains(REPLACEMENT, regex=False, na=False)
    if not garbled.any():  # the usual case: one pass over the names, nothing else
        return found
    keys = pd.DataFrame({"nom": names, "cp": postal_codes, "dep": departements})[garbled].astype(
        "object"
    )
    keys = keys.where(keys.notna(), None)
    answers = {key: _only_fit(*key) for key in set(keys.itertuples(index=False, name=None))}
    found[garbled] = [answers[key] for key in keys.itertuples(index=False, name=None)]
    return found


def _only_fit(name: str, postal_code: str | None, departement: str | None) -> str | None:
    candidates = _by_postal_code().get(postal_code) if postal_code else None
    if candidates is None and departement:
        candidates = _by_departement().get(departement)
    if not candidates:
        return None
    pattern = re.compile(re.escape(_folded_with_holes(name)).replace(re.escape(_HOLE), "[a-z]"))
    fits = [code for code, key in candidates if pattern.fullmatch(key)]
    return fits[0] if len(fits) == 1 else None


def _folded_with_holes(name: str) -> str:
    """:func:`gen_dash.text.fold_name` of *name*, each U+FFFD kept as one hole (folding would make it a space)."""
    letters = unicodedata.normalize("NFKD", name.replace(REPLACEMENT, "Q" * 3))
    return fold_name(letters).replace("qqq", _HOLE)


@cache
def _by_departement() -> dict[str, list[tuple[str, str]]]:
    communes = geo.communes_table()
    out: dict[str, list[tuple[str, str]]] = {}
    for code, dep, name in zip(
        communes["code_commune"], communes["code_departement"], communes["nom_commune"], strict=True
    ):
        out.setdefault(dep, []).append((code, fold_name(name)))
    return out


@cache
def _by_postal_code() -> dict[str, list[tuple[str, str]]]:
    names = geo.communes_by_code()["nom_commune"]
    out: dict[str, list[tuple[str, str]]] = {}
    for code, postal in geo.load_postal_codes()[["code_commune", "code_postal"]].itertuples(
        index=False
    ):
        if code in names.index:
            out.setdefault(postal, []).append((code, fold_name(names[code])))
    return out
