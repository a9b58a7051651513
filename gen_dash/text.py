"""Text normalisation shared by header matching, names and codes."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case *text*, strip accents and turn every run of punctuation or space into one space.

    >>> fold("  Seine-Saint-Denis ")
    'seine saint denis'
    """
    plain = str(text).lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", plain)
    return _NON_ALNUM.sub(" ", "".join(c for c in decomposed if not unicodedata.combining(c))).strip()


def fold_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`fold` (in Arrow's compute kernels: no Python loop over rows)."""
    arr = pa.array(values.astype("str").fillna(""), type=pa.string())
    arr = pc.replace_substring(pc.replace_substring(pc.utf8_lower(arr), "œ", "oe"), "æ", "ae")
    arr = pc.replace_substring_regex(pc.utf8_normalize(arr, "NFKD"), r"\p{Mn}+", "")
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"[^a-z0-9]+", " "))
    return pd.Series(arr.to_pandas().to_numpy(), index=values.index, dtype="str")
