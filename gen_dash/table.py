"""A file's bytes to a table of text cells: CSV in any French spreadsheet shape (separator, encoding, BOM, ragged
lines, line breaks in cells) or ``.xlsx``, with the physical line each record starts on.

The public verb is :func:`read_table`. Every limit of :class:`gen_dash.config.Limits` is checked before the work it
bounds (a line's length before it is split, a classeur's decompressed size before it is opened...), and every
refusal is a :class:`~gen_dash.snapshot.SnapshotError` whose French message names the limit and its setting.

Here: the header and the cells (trimmed, « NULL » and control characters removed, each cell's length). The bytes
are read by :mod:`gen_dash.table_csv` or :mod:`gen_dash.table_xlsx`; the refusals are :mod:`gen_dash.table_limits`'s.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gen_dash.config import ARROW_THREADS, Limits
from gen_dash.fmt import number
from gen_dash.snapshot import SnapshotError
from gen_dash.table_csv import read_csv, scan, text_bytes
from gen_dash.table_limits import long_cell, megabytes
from gen_dash.table_xlsx import read_xlsx

# What spreadsheets and databases write in a cell for « nothing »: read as an empty cell, said once per column.
NULL_WORDS = (
    "NULL",
    "null",
    "Null",
    "N/A",
    "n/a",
    "N/a",
    "#N/A",
    "#N/D",
    "-",
    "--",
    "None",
    "#VALEUR!",
    "#REF!",
)
_NULL_WORDS = pa.array(NULL_WORDS, type=pa.large_string())
_CONTROL_CELL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


@dataclass
class Table:
    """A file read as text: the cells below the header, stripped, indexed by the line each record starts on."""

    body: pd.DataFrame  # columns 0..n-1, as many as headers
    headers: list[str]
    # (line, code, French warning) about the bytes
    notices: list[tuple[int, str, str]] = field(default_factory=list)


def read_table(data: bytes, limits: Limits) -> Table:
    """Read *data* as a table of text cells.

    Parameters
    ----------
    data
        The file's bytes: CSV (UTF-8, Windows-1252, UTF-16 or UTF-32, any of ``; , tab |``) or ``.xlsx``.
    limits
        What the file may hold (:func:`gen_dash.config.limits`).

    Returns
    -------
    Table
        Empty lines and empty trailing columns dropped; empty headers named « colonne N »; ``notices`` for lines
        read in another encoding than the file's and for control characters removed.

    Raises
    ------
    SnapshotError
        Not a table, empty, or beyond a limit.
    """
    if len(data) > limits.bytes:
        raise SnapshotError(
            f"Le fichier pèse {megabytes(len(data))}, au-delà de la limite de {megabytes(limits.bytes)} "
            "(réglage GEN_DASH_MAX_MB). Découpez-le ou demandez à l'administrateur de relever la limite."
        )
    if not data or data.isspace():
        raise SnapshotError("Le fichier est vide : il ne contient aucune ligne.")
    notices: list[tuple[int, str, str]] = []
    if data.startswith(b"PK\x03\x04"):
        table, lines = read_xlsx(data, limits)
        controls = False  # XML 1.0 cannot hold them: a classeur with one is refused by its parser, and openpyxl
        # keeps an escaped « _x0001_ » as the text it is
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SnapshotError(
            "Ce fichier est un classeur Excel ancien (.xls) ou un document Office : "
            "enregistrez-le au format .xlsx ou CSV puis déposez-le à nouveau."
        )
    else:
        raw = text_bytes(data)
        newlines, controls = scan(raw)
        table, lines = read_csv(raw, newlines, limits, notices)
    return _split_header(table, lines, limits, controls, notices)


def _split_header(
    table: pa.Table,
    lines: np.ndarray,
    limits: Limits,
    controls: bool,
    notices: list[tuple[int, str, str]],
) -> Table:
    """Stripped cells below the header (the first non-empty line), indexed by line number.

    Empty lines and empty trailing columns are dropped; cells longer than the limit refused, control characters
    removed (with a notice on their line). All of it happens in Arrow, before any pandas object exists.
    """
    if not table.num_columns:
        raise SnapshotError("Le fichier est vide : il ne contient aucune ligne.")
    with ThreadPoolExecutor(max_workers=ARROW_THREADS) as pool:  # Arrow's kernels release the GIL
        trimmed = list(
            pool.map(functools.partial(_trim, limit=limits.cell, controls=controls), table.columns)
        )
    for _, _, too_long, cleaned, _ in trimmed:
        if too_long is not None:
            raise long_cell(int(lines[too_long]), limits)
        notices.extend(
            (
                int(lines[i]),
                "caractere-controle",
                "Caractère de contrôle invisible (par exemple NUL) retiré "
                "de la ligne : vérifiez l'export du fichier.",
            )
            for i in cleaned
        )
    columns, filled = [t[0] for t in trimmed], [t[1] for t in trimmed]
    nonempty_rows = functools.reduce(pc.or_, filled).to_numpy(zero_copy_only=False)
    if not nonempty_rows.any():
        raise SnapshotError("Le fichier est vide : il ne contient aucune ligne.")
    header_pos = int(np.argmax(nonempty_rows))
    headers = [column[header_pos].as_py() for column in columns]
    nonempty_rows[: header_pos + 1] = False
    keep_rows = np.flatnonzero(nonempty_rows)
    if len(keep_rows) and keep_rows[-1] - keep_rows[0] + 1 == len(keep_rows):
        pick = lambda column: column.slice(keep_rows[0], len(keep_rows))  # noqa: E731 - no empty line inside: a view
    else:
        pick = lambda column: column.take(keep_rows)  # noqa: E731
    # Trailing separators make columns with neither a header nor a value.
    keep_cols = [i for i, h in enumerate(headers) if h or pc.any(pick(filled[i])).as_py()]
    body = pa.table(
        [pick(columns[i]) for i in keep_cols], names=[str(i) for i in range(len(keep_cols))]
    ).to_pandas()
    body.columns = range(len(keep_cols))
    body.index = pd.Index(lines[keep_rows])
    names = [headers[i] or f"colonne {i + 1}" for i in keep_cols]
    for name, i in zip(names, keep_cols, strict=True):
        count, words = trimmed[i][4]
        if count:
            said = " ".join(f"« {w} »" for w in words)
            notices.append(
                (
                    1,
                    "cellule-vide-ecrite",
                    f"Colonne « {name} » : {number(count)} cellule(s) {said} lue(s) comme vide(s).",
                )
            )
    return Table(body, names, sorted(set(notices)))


def _trim(column: pa.ChunkedArray, limit: int, controls: bool):
    """The column's cells stripped (control characters removed when the file has any, :data:`NULL_WORDS` made empty),
    whether each is non-empty, the position of a cell longer than *limit* characters (None if none), the positions of
    cleaned cells, and how many cells were null words (with the first four words seen)."""
    cleaned = np.array([], dtype=np.int64)
    if controls:
        dirty = pc.match_substring_regex(column, _CONTROL_CELL)
        if pc.any(dirty).as_py():
            cleaned = np.flatnonzero(dirty.to_numpy(zero_copy_only=False))
            column = pc.replace_substring_regex(column, _CONTROL_CELL, "")
    trimmed = pc.utf8_trim_whitespace(column)
    # « NULL », « #N/A », « - »: what tools write for nothing
    null = pc.is_in(trimmed, value_set=_NULL_WORDS)
    nulls = (0, [])
    if pc.any(null).as_py():
        nulls = (pc.sum(null).as_py(), pc.unique(pc.filter(trimmed, null)).to_pylist()[:4])
        trimmed = pc.if_else(null, "", trimmed)
    length = pc.binary_length(trimmed)
    too_long = None
    # bytes bound characters: count characters only then
    if len(trimmed) and pc.max(length).as_py() > limit:
        over = pc.greater(pc.utf8_length(trimmed), limit)
        if pc.any(over).as_py():
            too_long = int(pc.index(over, True).as_py())
    return trimmed, pc.greater(length, 0), too_long, cleaned, nulls
