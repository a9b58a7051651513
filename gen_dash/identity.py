"""Identifiers for a list that has none, and rows a list repeats.

The public verb is :func:`generated_ids`: a list of places received from a partner has no ``id_formation``; each row
gets one made from what identifies it (its normalised name and place), so that the same list exported again gives the
same identifiers, and two exports can be compared row by row.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from gen_dash.cells import combine_codes, factorize
from gen_dash.text import fold_series

_NAME_COLUMNS = ("nom_formation", "nom_fabrique", "porteur")
_PLACE_COLUMNS = ("code_commune", "code_postal", "commune", "code_departement")


def generated_ids(values: dict[str, pd.Series]) -> pd.Series:
    """A stable identifier per row: ``gen-`` and 10 hexadecimal digits of the row's folded name and place, then
    ``-2``, ``-3``… for the second, third row with the same name and place (in file order).

    Parameters
    ----------
    values
        The file's text, by canonical column (at least one name or place column).

    Examples
    --------
    >>> rows = {"nom_fabrique": pd.Series(["Simplon", "SIMPLON ", "Konexio"]), "commune": pd.Series(["Lille"] * 3)}
    >>> list(generated_ids(rows))
    ['gen-8492ac6d84', 'gen-8492ac6d84-2', 'gen-c90cad4881']
    """
    # One file column may stand for two (a list's single name): it counts once.
    columns = list(
        {
            id(values[c]): values[c] for c in (*_NAME_COLUMNS[:2], *_PLACE_COLUMNS) if c in values
        }.values()
    )
    parts = [factorize(column) for column in columns]
    index = next(iter(values.values())).index
    # Folding and hashing cost per text: done once per distinct combination, spread back to the rows.
    combination, first = combine_codes(parts, len(index))
    keys = pd.Series("", index=range(len(first)), dtype="str")
    for codes, texts in parts:
        keys = keys + "|" + fold_series(texts).to_numpy()[codes[first]]
    key_codes, distinct = pd.factorize(keys)
    digests = np.array(
        [hashlib.blake2b(k.encode(), digest_size=5).hexdigest() for k in distinct], dtype=object
    )
    row_keys = key_codes[combination]
    ids = pd.Series("gen-" + digests[row_keys], index=index, dtype="str")
    rank = pd.Series(row_keys, index=index).groupby(row_keys).cumcount() + 1
    return ids.where(rank.eq(1), ids + "-" + rank.astype("str"))


def repeated_rows(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Rows identical to an earlier one on every cell, and the line of that first one.

    >>> table = pd.DataFrame({0: ["a", "b", "a"], 1: ["x", "y", "x"]}, index=[2, 3, 4])
    >>> repeated, first = repeated_rows(table)
    >>> list(repeated), int(first[4])
    ([False, False, True], 2)
    """
    codes, first = combine_codes([factorize(table[c]) for c in table.columns], len(table))
    first_line = table.index.to_numpy()[first[codes]]
    return pd.Series(first[codes] != np.arange(len(table)), index=table.index), pd.Series(
        first_line, index=table.index
    )
