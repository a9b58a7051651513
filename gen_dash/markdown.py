"""Text for the pages' Markdown: text from a file made inert, and a table as GitHub-flavoured Markdown.

A Markdown table is a real HTML table on the page: a screen reader reads it by rows and columns, a browser's search
finds its cells, and it costs the visitor no script of its own (Streamlit's data grid costs 0.2 MB on a first visit
and draws on a canvas).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from gen_dash import fmt

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")
# Runs of white space, that would break a cell's line, but the non-breaking spaces of French figures (« 32,1 % »).
_SPACES = re.compile(rf"[^\S{fmt.NO_BREAK}{fmt.NBSP}]+")


def escape(text) -> str:
    """Text from a file, safe inside Markdown (no link, no emphasis, no HTML, no cell break in a table)."""
    return _SPECIAL.sub(r"\\\1", str(text))


def table(
    frame: pd.DataFrame,
    numbers: Iterable[str] = (),
    missing: str = "–",
    right: Iterable[str] = (),
) -> str:
    """*frame* as a Markdown table: its columns as headers, its cells as escaped text on one line, the *numbers*
    columns right-aligned and written as French numbers, *missing* where one has no value; the *right* columns
    (figures already written) right-aligned as they are.

    >>> print(table(pd.DataFrame({"Nom": ["A|B"], "Formations": [1200]}), numbers=["Formations"]))
    | Nom | Formations |
    |---|---:|
    | A\\|B | 1\u202f200 |
    """
    numbers, right = set(numbers), set(right) | set(numbers)

    def cell(column, value) -> str:
        if column in numbers:
            return fmt.by_nature(value, "nombre", missing)
        return "" if pd.isna(value) else escape(_SPACES.sub(" ", str(value)).strip())

    lines = [
        "| " + " | ".join(escape(c) for c in frame.columns) + " |",
        "|" + "|".join("---:" if c in right else "---" for c in frame.columns) + "|",
    ]
    lines += [
        "| " + " | ".join(cell(c, v) for c, v in zip(frame.columns, row, strict=True)) + " |"
        for row in zip(*(frame[c].tolist() for c in frame.columns), strict=True)
    ]
    return "\n".join(lines)
