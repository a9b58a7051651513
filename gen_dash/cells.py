"""A table's cells as text, read column by column: each column's distinct texts (checked once, spread back to the
rows), the problems recorded against the file's lines, and French numbers and dates.

:class:`Cells` is what the reader (:mod:`gen_dash.ingest`) and the placement (:mod:`gen_dash.place`) share.
"""

from __future__ import annotations

import re
from concurrent.futures import Future

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gen_dash.snapshot import AVERTISSEMENT

_SPACES = re.compile(r"[\s\u00a0\u202f]")


class Cells:
    """The text of some columns over some lines (*index*: the file's line numbers, or any numbering), and the
    problems found so far, each naming its line, the column as the file wrote it, the value and a French message."""

    def __init__(
        self,
        index: pd.Index,
        name: str | None,
        written: dict[str, str],
        values: dict[str, pd.Series],
    ):
        self.index, self.name, self.written, self.values = index, name, written, values
        self.lines = pd.Series(index.to_numpy(), index=index)
        self.problems: list[pd.DataFrame] = []
        self._distinct: dict[str, tuple[np.ndarray, pd.Series] | Future] = {}

    def file_warning(self, column: str, message: str, *, code: str) -> None:
        """A warning about the whole file (line 1, the header), with its stable *code*."""
        self.problems.append(
            pd.DataFrame(
                [
                    {
                        "gravite": AVERTISSEMENT,
                        "ligne": 1,
                        "colonne": column,
                        "valeur": "",
                        "code": code,
                        "message": message,
                    }
                ]
            )
        )

    def flag(
        self,
        mask: pd.Series,
        severity: str,
        column: str,
        message: str,
        fill: pd.Series | tuple[pd.Series, ...] = (),
        value: pd.Series | None = None,
        *,
        code: str,
    ) -> None:
        """Record a problem on every row of *mask*, under its stable *code* (listed in the file contract).

        Each ``{}`` of *message* is filled, in order, from the Series of *fill*:
        only the flagged rows' messages are built.
        """
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        parts = message.split("{}")
        text = parts[0]
        for series, part in zip(
            fill if isinstance(fill, tuple) else (fill,), parts[1:], strict=False
        ):
            text = text + series[mask].astype("str").fillna("") + part
        shown = self.values.get(column) if value is None else value
        self.problems.append(
            pd.DataFrame(
                {
                    "gravite": severity,
                    "ligne": self.lines[mask],
                    "colonne": self.written.get(column, column),
                    "valeur": shown[mask] if shown is not None else "",
                    "code": code,
                    "message": text,
                }
            )
        )

    def distinct(self, column: str) -> tuple[np.ndarray, pd.Series]:
        """Per row, the position of its text among the column's distinct texts; and those texts."""
        found = self._distinct.get(column)
        if found is None or isinstance(found, Future):
            found = self._distinct[column] = (
                found.result() if found else factorize(self.text(column))
            )
        return found

    def spread(
        self, column: str, per_text: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray
    ) -> pd.Series:
        """A result computed on the column's distinct texts, one value per row."""
        values = per_text.array if isinstance(per_text, pd.Series) else per_text
        return pd.Series(values.take(self.distinct(column)[0]), index=self.index)

    def flag_texts(
        self, per_text: np.ndarray, severity: str, column: str, message: str, *, code: str
    ) -> None:
        """:meth:`flag` for a mask on the column's distinct texts, spread to the rows only when something is flagged."""
        if per_text.any():
            self.flag(
                self.spread(column, per_text),
                severity,
                column,
                message,
                self.text(column),
                code=code,
            )

    def text(self, column: str) -> pd.Series:
        """The column's stripped text, empty strings for a column the file does not have."""
        if column in self.values:
            return self.values[column]
        return pd.Series("", index=self.index, dtype="str")


def combine_codes(
    columns: list[tuple[np.ndarray, pd.Series]], rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """Number the distinct combinations of several columns' texts, given each column's :func:`factorize`.

    Returns
    -------
    codes, first
        Per row, the number of its combination (in order of first appearance); per combination, its first row.
    """
    codes = np.zeros(rows, dtype=np.int64)
    size = 1
    # combined arithmetically, re-numbered only when the key could overflow
    for (
        column_codes,
        distinct,
    ) in columns:
        if size * (len(distinct) + 1) >= 2**62:
            codes = pd.factorize(codes)[0]
            size = int(codes.max()) + 1
        codes, size = codes * (len(distinct) + 1) + column_codes + 1, size * (len(distinct) + 1)
    codes, distinct = pd.factorize(codes)
    first = np.empty(len(distinct), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return codes, first


def known(values: pd.Series, reference: pd.Index) -> pd.Series:
    """``values.isin(reference)`` through the reference's own hash table, built once as the reference is cached
    (``isin`` walks a text reference in Python: 0,2 s for the 39 000 postal codes)."""
    return pd.Series(reference.get_indexer(values) >= 0, index=values.index)


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    codes, texts = pd.factorize(values)
    return codes, pd.Series(texts, dtype="str")


def parse_numbers(text: pd.Series) -> pd.Series:
    """French number text to floats (NaN when empty or unreadable): ``12 500,50`` -> 12500.5."""
    cells = pa.array(text)
    try:  # plain numbers, the usual case: Arrow reads them as pandas would, many times faster
        plain = pc.cast(
            pc.if_else(pc.equal(cells, ""), pa.scalar(None, cells.type), cells), pa.float64()
        )
        return pd.Series(plain.to_numpy(zero_copy_only=False), index=text.index)
    except pa.ArrowInvalid:
        pass
    values = text.where(text.ne(""))
    parsed = pd.to_numeric(values, errors="coerce").astype("float64")
    messy = values.notna() & parsed.isna()
    if messy.any():
        parsed[messy] = pd.to_numeric(_number_text(text[messy]), errors="coerce")
    return parsed


def parse_dates(text: pd.Series) -> pd.Series:
    """``2016-12-15`` (a time after it is ignored) or ``15/12/2016`` (also with dots or dashes) to dates; NaT otherwise."""
    day = pc.utf8_slice_codeunits(pa.array(text), 0, 10)
    parsed = pc.strptime(day, format="%Y-%m-%d", unit="us", error_is_null=True)
    # Arrow's parser is lenient (2017-02-30 becomes 2 March): it is trusted only when every
    # date written reads back exactly as written, the usual case, and pandas decides otherwise.
    exact = pc.fill_null(pc.equal(pc.strftime(parsed, "%Y-%m-%d"), day), False)
    if pc.all(pc.or_(pc.equal(day, ""), exact)).as_py():
        # by position: a Series given an index of lines would be re-indexed (all NaT) rather than labelled
        return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index).astype(
            "datetime64[us]"
        )
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    french = pd.to_datetime(
        text.str.replace(r"[.\-]", "/", regex=True), format="%d/%m/%Y", errors="coerce"
    )
    return iso.fillna(french).astype("datetime64[us]")


def _number_text(text: pd.Series) -> pd.Series:
    """French number text to what ``pd.to_numeric`` reads: ``12 500,50`` -> ``12500.50``."""
    compact = text.str.replace(_SPACES, "", regex=True).str.replace("€", "", regex=False)
    both = compact.str.contains(",", regex=False) & compact.str.contains(".", regex=False)
    # "1.234,5" (dots for thousands) when both appear with the comma last; else "1,234.5".
    comma_last = compact.str.rfind(",") > compact.str.rfind(".")
    compact = compact.where(~(both & comma_last), compact.str.replace(".", "", regex=False))
    compact = compact.where(~(both & ~comma_last), compact.str.replace(",", "", regex=False))
    return compact.str.replace(",", ".", regex=False).replace("", None)
