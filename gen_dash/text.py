"""Text normalisation shared by header matching, names and codes."""

from __future__ import annotations

import errno
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
    return _NON_ALNUM.sub(
        " ", "".join(c for c in decomposed if not unicodedata.combining(c))
    ).strip()


def fold_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`fold` (in Arrow's compute kernels: no Python loop over rows)."""
    arr = pa.array(values.astype("str").fillna(""), type=pa.string())
    arr = pc.replace_substring(pc.replace_substring(pc.utf8_lower(arr), "œ", "oe"), "æ", "ae")
    arr = pc.replace_substring_regex(pc.utf8_normalize(arr, "NFKD"), r"\p{Mn}+", "")
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"[^a-z0-9]+", " "))
    return pd.Series(arr.to_pandas().to_numpy(), index=values.index, dtype="str")


# How lists write commune names their own way, as (RE2/Python pattern on folded text, replacement): « St » and « Ste »
# for Saint and Sainte, and an arrondissement as « PARIS 19 », « Marseille 1er », « Lyon 03e arrondissement ».
_NAME_RULES = (
    (r"\bste\b", "sainte"),
    (r"\bst\b", "saint"),
    (
        r"^(paris|marseille|lyon) 0?([1-9][0-9]?) ?(er|e|eme|ieme)?( arr| arrondissement)?$",
        r"\1 \2",
    ),
)


def fold_name(text: str) -> str:
    """A commune's name as lists are matched on: :func:`fold`, then « St » / « Ste » written in full and an
    arrondissement reduced to its city and number.

    >>> fold_name("ST-DENIS"), fold_name("Sainte-Marie"), fold_name("PARIS 19EME"), fold_name("Marseille 1er Arrondissement")
    ('saint denis', 'sainte marie', 'paris 19', 'marseille 1')
    """
    key = fold(text)
    for pattern, replacement in _NAME_RULES:
        key = re.sub(pattern, replacement, key)
    return key


def fold_names(values: pd.Series) -> pd.Series:
    """Vectorised :func:`fold_name`."""
    arr = pa.array(fold_series(values), type=pa.string())
    for pattern, replacement in _NAME_RULES:
        arr = pc.replace_substring_regex(arr, pattern, replacement)
    return pd.Series(arr.to_pandas().to_numpy(), index=values.index, dtype="str")


def demote_headings(markdown: str, levels: int) -> str:
    r"""*markdown* with every ATX heading *levels* deeper (``# Titre`` -> ``### Titre``), code blocks left alone.

    >>> demote_headings("# Contrat\n```\n# pas un titre\n```\n## Colonnes", 2)
    '### Contrat\n```\n# pas un titre\n```\n#### Colonnes'
    """
    lines, fenced = [], False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines)


_OS_ERRORS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENAMETOOLONG: "nom trop long",
}


def os_error(exc: OSError) -> str:
    """What went wrong with a file, in French (the system's own words are English).

    >>> os_error(FileNotFoundError(2, "No such file or directory"))
    'fichier ou dossier introuvable'
    """
    return _OS_ERRORS.get(
        exc.errno, f"erreur du système (code {exc.errno})" if exc.errno else "erreur du système"
    )
