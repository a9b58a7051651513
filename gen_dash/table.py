"""A file's bytes to a table of text cells: CSV in any French spreadsheet shape (separator, encoding, BOM, ragged
lines, line breaks in cells) or ``.xlsx``, with the physical line each record starts on.

The public verb is :func:`read_table`. Every limit of :class:`gen_dash.config.Limits` is checked before the work it
bounds (a line's length before it is split, a classeur's decompressed size before it is opened...), and every
refusal is a :class:`~gen_dash.snapshot.SnapshotError` whose French message names the limit and its setting.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from gen_dash.config import ARROW_THREADS, Limits
from gen_dash.fmt import number
from gen_dash.snapshot import SnapshotError

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
_SEPARATORS = (";", ",", "\t", "|")
_SEPARATOR_NAMES = {
    ";": "point-virgule",
    ",": "virgule",
    "\t": "tabulation",
    "|": "barre verticale",
}
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))  # all but tab and line breaks
_CONTROL_CELL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)  # UTF-32's little-endian mark begins like UTF-16's: it comes first


@dataclass
class Table:
    """A file read as text: the cells below the header, stripped, indexed by the line each record starts on."""

    body: pd.DataFrame  # columns 0..n-1, as many as headers
    headers: list[str]
    notices: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (line, code, French warning) about the bytes


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
            f"Le fichier pèse {_megabytes(len(data))}, au-delà de la limite de {_megabytes(limits.bytes)} "
            "(réglage GEN_DASH_MAX_MB). Découpez-le ou demandez à l'administrateur de relever la limite."
        )
    if not data or data.isspace():
        raise SnapshotError("Le fichier est vide : il ne contient aucune ligne.")
    notices: list[tuple[int, str, str]] = []
    if data.startswith(b"PK\x03\x04"):
        table, lines = _read_xlsx(data, limits)
        controls = False  # XML 1.0 cannot hold them: a classeur with one is refused by its parser, and openpyxl
        # keeps an escaped « _x0001_ » as the text it is
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SnapshotError(
            "Ce fichier est un classeur Excel ancien (.xls) ou un document Office : "
            "enregistrez-le au format .xlsx ou CSV puis déposez-le à nouveau."
        )
    else:
        raw = _text_bytes(data)
        newlines, controls = _scan(raw)
        table, lines = _read_csv(raw, newlines, limits, notices)
    return _split_header(table, lines, limits, controls, notices)


def _megabytes(size: int) -> str:
    return f"{number(size / 1e6, 1 if size < 10e6 and size % 1_000_000 else 0)} Mo"


# --------------------------------------------------------------------------- CSV


def _text_bytes(data: bytes) -> bytes:
    """The file's bytes without BOM (UTF-16 and UTF-32 turned into UTF-8); binary files refused."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                raise SnapshotError(
                    f"Le fichier annonce un encodage {encoding.upper()} (par sa marque d'ordre des "
                    "octets) mais ne peut pas être décodé ainsi : enregistrez-le en UTF-8."
                ) from None
    head = data[:65536]
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > max(
        16, 0.01 * len(head)
    ):  # a few are removed below
        raise SnapshotError(
            "Ce fichier n'est pas un fichier texte (CSV) ni un classeur .xlsx : il contient des données "
            "binaires. Vérifiez que vous avez déposé le bon fichier."
        )
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _scan(raw: bytes) -> tuple[int, bool]:
    """The line breaks in *raw*, and whether it holds a control byte other than tab and line breaks.

    One pass by blocks of 1 MiB (they stay in the CPU cache: twice as fast as one pass over the file, five times
    faster than a regex); tabs and carriage returns are counted only when there is some other byte below space.
    """
    data = np.frombuffer(raw, np.uint8)
    newlines = below_space = 0
    for i in range(0, len(data), 1 << 20):
        block = data[i : i + (1 << 20)]
        newlines += int(np.count_nonzero(block == ord("\n")))
        below_space += int(np.count_nonzero(block < 32))
    return newlines, below_space > newlines and below_space > newlines + raw.count(
        b"\t"
    ) + raw.count(b"\r")


def _read_csv(
    raw: bytes, newlines: int, limits: Limits, notices: list[tuple[int, str, str]]
) -> tuple[pa.Table, np.ndarray]:
    start = len(raw) - len(raw.lstrip(b"\r\n"))  # no copy unless the file starts with blank lines
    end = raw.find(b"\n", start)
    end = end if end >= 0 else len(raw)
    if end - start > limits.line:
        raise _long_line(raw.count(b"\n", 0, start) + 1, end - start, limits)
    first = raw[start:end].decode("utf-8", errors="replace")
    counts = {sep: first.count(sep) for sep in _SEPARATORS}
    separator = max(counts, key=counts.get)
    if counts[separator] == 0:
        raise SnapshotError(
            "Ce fichier n'est pas un tableau : sa première ligne ne contient aucun séparateur "
            "(point-virgule, virgule ou tabulation). Exportez le tableur au format CSV."
        )
    if counts[separator] + 1 > limits.columns:
        raise _too_many_columns(raw.count(b"\n", 0, start) + 1, counts[separator] + 1, limits)
    # Arrow checks UTF-8 as it reads, so a UTF-8 file is never decoded in Python.
    read = _read_regular_csv(raw, start, separator, newlines)
    if read is None:
        _check_line_lengths(raw, limits)
        text, was_utf8 = _decode(raw, notices)
        if not was_utf8:
            read = _read_regular_csv(
                text.encode("utf-8"), start, separator, newlines
            )  # decoding keeps line breaks
        if read is None:
            read = _read_ragged_csv(text, separator, limits)
    return read


def _check_line_lengths(raw: bytes, limits: Limits) -> None:
    """Refuse a line longer than the limit before Python's CSV reader splits it (its cost grows with the line)."""
    ends = np.flatnonzero(np.frombuffer(raw, np.uint8) == ord("\n"))
    lengths = np.diff(ends, prepend=-1, append=len(raw)) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > limits.line:
        raise _long_line(longest + 1, int(lengths[longest]), limits)


def _decode(raw: bytes, notices: list[tuple[int, str, str]]) -> tuple[str, bool]:
    """The text, and whether it was UTF-8; a line that is not, in a file that is, is read as Windows-1252 and noted."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(raw) is None:
        # Not UTF-8 anywhere: a French spreadsheet's "CSV" is Windows-1252 (Latin-1's letters and more).
        return _decode_legacy(raw), False
    lines = raw.split(b"\n")
    for number_, line in enumerate(lines, 1):
        try:
            lines[number_ - 1] = line.decode("utf-8")
        except UnicodeDecodeError:
            lines[number_ - 1] = _decode_legacy(line)
            notices.append(
                (
                    number_,
                    "encodage-ligne",
                    "Ligne encodée autrement que le reste du fichier "
                    "(Windows-1252 et non UTF-8) : ses accents ont été lus en "
                    "Windows-1252 ; vérifiez-la et enregistrez le fichier en UTF-8.",
                )
            )
    return "\n".join(lines), False


def _decode_legacy(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # five bytes Windows-1252 leaves undefined: Latin-1 reads every byte
        return raw.decode("latin-1")


def _read_regular_csv(
    raw: bytes, start: int, separator: str, newlines: int
) -> tuple[pa.Table, np.ndarray] | None:
    """Fast path (Arrow's CSV reader) for valid UTF-8 whose lines all have the same width; None otherwise."""
    end = len(raw)
    while (
        end > start and raw[end - 1] in b"\r\n"
    ):  # only the trailing line breaks: no copy of the file
        end -= 1
    body = pa.py_buffer(raw).slice(start, end - start)
    newline = raw.find(b"\n", start, end)
    width = raw.count(separator.encode(), start, newline if newline >= 0 else end) + 1
    names = [str(i) for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=True),
            # A blank line inside is a row of the wrong width, so it sends the file to the slow path,
            # which keeps the line numbers right.
            parse_options=pa_csv.ParseOptions(
                delimiter=separator, newlines_in_values=False, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    inside = (
        newlines - raw.count(b"\n", 0, start) - raw.count(b"\n", end)
    )  # the body's own line breaks
    if table.num_rows != inside + 1:
        return None  # a line break inside a quoted cell, or a lone CR: line numbers would drift
    offset = raw.count(b"\n", 0, start)
    return table, np.arange(offset + 1, offset + 1 + table.num_rows)


def _read_ragged_csv(text: str, separator: str, limits: Limits) -> tuple[pa.Table, np.ndarray]:
    """Any table: lines of uneven width, blank lines, line breaks inside quoted cells.

    Each record keeps the physical line it starts on, so messages point to the right line.
    """
    csv.field_size_limit(
        limits.cell + 1
    )  # a longer cell stops the reader; its message is ours below
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    records, starts, read = [], [], 0
    try:
        for record in reader:
            if len(record) > limits.columns:
                raise _too_many_columns(read + 1, len(record), limits)
            starts.append(read + 1)
            records.append(record)
            read = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _long_cell(read + 1, limits) from None
        raise SnapshotError(
            f"Le tableau est mal formé vers la ligne {reader.line_num} (séparateur détecté : "
            f"{_SEPARATOR_NAMES[separator]}) : vérifiez les guillemets."
        ) from None
    columns = itertools.zip_longest(*records, fillvalue="")
    return _text_table(columns), np.array(starts, dtype=np.int64)


# --------------------------------------------------------------------------- xlsx


def _read_xlsx(data: bytes, limits: Limits) -> tuple[pa.Table, np.ndarray]:
    """The first sheet, streamed (openpyxl's read-only mode) once its decompressed size and dimensions are checked."""
    import openpyxl

    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise SnapshotError(
            "Ce classeur .xlsx est endommagé (archive illisible) : enregistrez-le à nouveau ou "
            "exportez-le en CSV."
        ) from None
    # The sizes an archive declares are the most its reader will decompress: checking them is checking the work.
    content = sum(p.file_size for p in parts)
    shared = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if content > limits.xlsx_bytes or shared > limits.shared_strings:
        raise SnapshotError(
            f"Ce classeur .xlsx occupe {_megabytes(content)} une fois décompressé"
            + (f" (dont {_megabytes(shared)} de textes)" if shared > limits.shared_strings else "")
            + f", au-delà de la limite de {_megabytes(limits.xlsx_bytes)} (réglage GEN_DASH_MAX_XLSX_MB, "
            f"textes limités au quart). Exportez-le en CSV ou découpez-le."
        )
    try:
        rows = _sheet_rows(
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True), limits
        )
    except SnapshotError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds for a broken classeur
        raise SnapshotError(
            f"Ce classeur .xlsx ne peut pas être lu ({type(exc).__name__}) : "
            "enregistrez-le à nouveau ou exportez-le en CSV."
        ) from None
    columns = (map(_excel_cell, column) for column in itertools.zip_longest(*rows))
    return _text_table(columns), np.arange(1, len(rows) + 1)


def _sheet_rows(book, limits: Limits) -> list[tuple]:
    """The first sheet's rows, without their empty trailing cells, refused as soon as one is beyond a limit."""
    try:
        sheet = book.worksheets[0]
        if (sheet.max_column or 0) > limits.columns:
            raise SnapshotError(
                f"La première feuille du classeur déclare des cellules sur {number(sheet.max_column)} "
                f"colonnes, au-delà de la limite de {number(limits.columns)} (réglage "
                "GEN_DASH_MAX_COLUMNS). Supprimez les colonnes vides à droite du tableau ou exportez-le "
                "en CSV."
            )
        rows = []
        for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            if width > limits.columns:
                raise _too_many_columns(line, width, limits)
            if line > limits.rows + 1:
                raise too_many_rows(line, limits)
            rows.append(row[:width])
        return rows
    finally:
        book.close()


def _excel_cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_table(columns) -> pa.Table:
    arrays = [pa.array(list(column), type=pa.large_string()) for column in columns]
    return pa.table(arrays, names=[str(i) for i in range(len(arrays))])


# --------------------------------------------------------------------------- header and cells


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
            raise _long_cell(int(lines[too_long]), limits)
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
    null = pc.is_in(
        trimmed, value_set=_NULL_WORDS
    )  # « NULL », « #N/A », « - »: what tools write for nothing
    nulls = (0, [])
    if pc.any(null).as_py():
        nulls = (pc.sum(null).as_py(), pc.unique(pc.filter(trimmed, null)).to_pylist()[:4])
        trimmed = pc.if_else(null, "", trimmed)
    length = pc.binary_length(trimmed)
    too_long = None
    if (
        len(trimmed) and pc.max(length).as_py() > limit
    ):  # bytes bound characters: count characters only then
        over = pc.greater(pc.utf8_length(trimmed), limit)
        if pc.any(over).as_py():
            too_long = int(pc.index(over, True).as_py())
    return trimmed, pc.greater(length, 0), too_long, cleaned, nulls


def _beyond(
    subject: str, count: int, unit: str, limit: int, setting: str, advice: str
) -> SnapshotError:
    return SnapshotError(
        f"{subject} compte {number(count)} {unit}, au-delà de la limite de {number(limit)} (réglage "
        f"{setting}) : {advice}"
    )


def _long_line(line: int, length: int, limits: Limits) -> SnapshotError:
    return _beyond(
        f"La ligne {line}",
        length,
        "caractères",
        limits.line,
        "GEN_DASH_MAX_LINE",
        "le fichier n'est pas un tableau de formations ou une ligne a été mal exportée.",
    )


def _long_cell(line: int, limits: Limits) -> SnapshotError:
    return SnapshotError(
        f"Ligne {line} : une cellule dépasse {number(limits.cell)} caractères, la limite "
        "(réglage GEN_DASH_MAX_CELL). Vérifiez les guillemets de cette ligne ou raccourcissez la cellule."
    )


def _too_many_columns(line: int, count: int, limits: Limits) -> SnapshotError:
    return _beyond(
        f"La ligne {line}",
        count,
        "colonnes",
        limits.columns,
        "GEN_DASH_MAX_COLUMNS",
        "vérifiez le séparateur et les séparateurs en trop en fin de ligne.",
    )


def too_many_rows(count: int, limits: Limits) -> SnapshotError:
    """The refusal of a file with more rows than the limit (*count*: the rows found, or counted so far)."""
    return _beyond(
        "Le fichier",
        count,
        "lignes",
        limits.rows,
        "GEN_DASH_MAX_ROWS",
        "découpez-le ou demandez à l'administrateur de relever la limite.",
    )
