"""A CSV file's bytes to a table of text: BOM and encoding (UTF-8, Windows-1252, UTF-16, UTF-32, a line in another
encoding than the file's), separator, ragged lines and line breaks in cells, each line's length checked first.

Part of :func:`gen_dash.table.read_table`; the header and the cells are :mod:`gen_dash.table`'s.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from gen_dash.config import Limits
from gen_dash.snapshot import SnapshotError
from gen_dash.table_limits import long_cell, long_line, too_many_columns

_SEPARATORS = (";", ",", "\t", "|")
_SEPARATOR_NAMES = {
    ";": "point-virgule",
    ",": "virgule",
    "\t": "tabulation",
    "|": "barre verticale",
}
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))  # all but tab and line breaks
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# UTF-32's little-endian mark begins like UTF-16's: it comes first
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def text_bytes(data: bytes) -> bytes:
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
    # a few are removed below
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > max(16, 0.01 * len(head)):
        raise SnapshotError(
            "Ce fichier n'est pas un fichier texte (CSV) ni un classeur .xlsx : il contient des données "
            "binaires. Vérifiez que vous avez déposé le bon fichier."
        )
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def scan(raw: bytes) -> tuple[int, bool]:
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


def read_csv(
    raw: bytes, newlines: int, limits: Limits, notices: list[tuple[int, str, str]]
) -> tuple[pa.Table, np.ndarray]:
    start = len(raw) - len(raw.lstrip(b"\r\n"))  # no copy unless the file starts with blank lines
    end = raw.find(b"\n", start)
    end = end if end >= 0 else len(raw)
    if end - start > limits.line:
        raise long_line(raw.count(b"\n", 0, start) + 1, end - start, limits)
    first = raw[start:end].decode("utf-8", errors="replace")
    counts = {sep: first.count(sep) for sep in _SEPARATORS}
    separator = max(counts, key=counts.get)
    if counts[separator] == 0:
        raise SnapshotError(
            "Ce fichier n'est pas un tableau : sa première ligne ne contient aucun séparateur "
            "(point-virgule, virgule ou tabulation). Exportez le tableur au format CSV."
        )
    if counts[separator] + 1 > limits.columns:
        raise too_many_columns(raw.count(b"\n", 0, start) + 1, counts[separator] + 1, limits)
    # Arrow checks UTF-8 as it reads, so a UTF-8 file is never decoded in Python.
    read = _read_regular_csv(raw, start, separator, newlines)
    if read is None:
        _check_line_lengths(raw, limits)
        text, was_utf8 = _decode(raw, notices)
        if not was_utf8:
            # decoding keeps line breaks
            read = _read_regular_csv(text.encode("utf-8"), start, separator, newlines)
        if read is None:
            read = _read_ragged_csv(text, separator, limits)
    return read


def _check_line_lengths(raw: bytes, limits: Limits) -> None:
    """Refuse a line longer than the limit before Python's CSV reader splits it (its cost grows with the line)."""
    ends = np.flatnonzero(np.frombuffer(raw, np.uint8) == ord("\n"))
    lengths = np.diff(ends, prepend=-1, append=len(raw)) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > limits.line:
        raise long_line(longest + 1, int(lengths[longest]), limits)


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
    # only the trailing line breaks: no copy of the file
    while end > start and raw[end - 1] in b"\r\n":
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
    # the body's own line breaks
    inside = newlines - raw.count(b"\n", 0, start) - raw.count(b"\n", end)
    if table.num_rows != inside + 1:
        return None  # a line break inside a quoted cell, or a lone CR: line numbers would drift
    offset = raw.count(b"\n", 0, start)
    return table, np.arange(offset + 1, offset + 1 + table.num_rows)


def _read_ragged_csv(text: str, separator: str, limits: Limits) -> tuple[pa.Table, np.ndarray]:
    """Any table: lines of uneven width, blank lines, line breaks inside quoted cells.

    Each record keeps the physical line it starts on, so messages point to the right line.
    """
    # a longer cell stops the reader; its message is ours below
    csv.field_size_limit(limits.cell + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    records, starts, read = [], [], 0
    try:
        for record in reader:
            if len(record) > limits.columns:
                raise too_many_columns(read + 1, len(record), limits)
            starts.append(read + 1)
            records.append(record)
            read = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise long_cell(read + 1, limits) from None
        raise SnapshotError(
            f"Le tableau est mal formé vers la ligne {reader.line_num} (séparateur détecté : "
            f"{_SEPARATOR_NAMES[separator]}) : vérifiez les guillemets."
        ) from None
    columns = itertools.zip_longest(*records, fillvalue="")
    return text_table(columns), np.array(starts, dtype=np.int64)


def text_table(columns) -> pa.Table:
    arrays = [pa.array(list(column), type=pa.large_string()) for column in columns]
    return pa.table(arrays, names=[str(i) for i in range(len(arrays))])
