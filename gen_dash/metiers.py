"""Métier families: the many ways files spell a métier, brought to the few families the programme reports on.

The rules are data (``data/metiers.csv``, one rule a line): a ``nom`` rule names one spelling (« Dév. web »), a
``mot`` rule a word its folded spelling starts a word with (``develop`` for « Développeur Python »). Spellings are
compared folded (case, accents, punctuation and spaces do not count); names are tried first, then words in the
file's order. A métier no rule knows keeps its own name, written as its most frequent spelling; a row without
métier counts under « non renseigné ».

>>> family(pd.Series(["Dév. web", "DEVELOPPEUR WEB", "Technicien(ne) réseau", None, "Ébéniste", "ebeniste"])).tolist()
['Développement web et mobile', 'Développement web et mobile', 'Réseaux, systèmes et support', 'non renseigné', \
'Ébéniste', 'Ébéniste']
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from gen_dash.config import METIERS_FILE
from gen_dash.text import fold, fold_series

NOT_GIVEN = "non renseigné"


def family(metiers: pd.Series) -> pd.Series:
    """The family of each métier of *metiers* (same index), by the rules of ``data/metiers.csv``.

    Parameters
    ----------
    metiers
        Métiers as written in a file (text, or missing).

    Returns
    -------
    Series
        Text: a family, a métier no rule knows (its most frequent spelling), or « non renseigné ».
    """
    # each distinct spelling once
    codes, distinct = pd.factorize(metiers.astype(object), use_na_sentinel=True)
    if not len(distinct):
        return pd.Series(NOT_GIVEN, index=metiers.index, dtype="str")
    keys = fold_series(pd.Series(distinct, dtype="str")).tolist()
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    # The spelling shown for a métier no rule knows: its most frequent one (the first met on a tie).
    shown: dict[str, str] = {}
    for position in np.argsort(-counts, kind="stable"):
        shown.setdefault(keys[position], " ".join(str(distinct[position]).split()))
    names = [_family_of(key) or shown[key] or NOT_GIVEN for key in keys]
    return pd.Series(
        pd.array([*names, NOT_GIVEN], dtype="str")[codes], index=metiers.index, dtype="str"
    )


@cache
def _family_of(key: str) -> str | None:
    if not key:
        return None
    names, words = _rules()
    if key in names:
        return names[key]
    return next((name for name, pattern in words if pattern.search(key)), None)


@cache
def _rules() -> tuple[dict[str, str], list[tuple[str, re.Pattern]]]:
    table = pd.read_csv(METIERS_FILE, sep=";", dtype=str, keep_default_na=False)
    # a family's own name is one of its spellings
    names = {fold(name): name for name in table["famille"]}
    names.update(
        {
            fold(text): name
            for name, rule, text in table[table["regle"] == "nom"].itertuples(index=False)
        }
    )
    words = [
        (name, re.compile(r"(?:^| )" + re.escape(fold(text))))
        for name, rule, text in table[table["regle"] == "mot"].itertuples(index=False)
    ]
    return names, words
