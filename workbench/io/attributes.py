"""Participant attributes from a spreadsheet export (.csv / .tsv).

The first column is the case id (any header, e.g. "case" or "participant"); the other
columns are attributes. Empty cells are left out of a case's attributes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.core.errors import ImportFailed
from workbench.io._common import read_file_bytes
from workbench.io.encoding import decode_text

__all__ = ["read_attributes_csv", "sniff_delimiter"]

_DELIMITERS = (",", ";", "\t")


def sniff_delimiter(header: str) -> str:
    """The delimiter used in a header line: the most frequent of ``,`` ``;`` and tab.

    Counted outside double quotes; ties go to the earlier of comma, semicolon, tab.
    """
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return max(_DELIMITERS, key=lambda d: counts[d])


def read_attributes_csv(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(case id, {attribute: value}) per row, in file order.

    Raises ``ImportFailed`` with a line number for an empty file, duplicate or unnamed
    columns, a row with the wrong number of fields, an empty or duplicate case id.
    """
    path = Path(path)
    text = decode_text(read_file_bytes(path), path)
    first_line = next(line for line in text.split("\n") if line.strip())
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first_line), strict=True)

    header: list[str] | None = None
    header_line = 0
    unnamed: set[int] = set()  # indexes of columns without a name (allowed while empty)
    seen: dict[str, int] = {}
    rows: list[tuple[str, dict[str, str]]] = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            cells = [cell.strip() for cell in record]
            if header is None:
                header, header_line = cells, start
                _check_header(path, header, start, unnamed)
                continue
            if len(cells) != len(header):
                raise ImportFailed(
                    path,
                    f"row has {len(cells)} fields but the header has {len(header)}",
                    line=start,
                )
            case = cells[0]
            if not case:
                raise ImportFailed(path, f"empty case id in column {header[0]!r}", line=start)
            if case in seen:
                raise ImportFailed(
                    path, f"duplicate case id {case!r} (first on line {seen[case]})", line=start
                )
            seen[case] = start
            for index in unnamed:
                if cells[index]:
                    raise ImportFailed(
                        path,
                        f"value {cells[index]!r} in column {index + 1}, which has no name "
                        f"in the header (line {header_line})",
                        line=start,
                    )
            attributes = {
                name: value
                for index, (name, value) in enumerate(zip(header, cells, strict=True))
                if index > 0 and index not in unnamed and value
            }
            rows.append((case, attributes))
    except csv.Error as err:
        raise ImportFailed(path, f"malformed CSV ({err})", line=reader.line_num or 1) from None
    return rows


def _check_header(path: Path, header: list[str], line: int, unnamed: set[int]) -> None:
    if not header[0]:
        raise ImportFailed(path, "the first column (the case id) has no name", line=line)
    first: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            unnamed.add(index)
            continue
        key = name.casefold()
        if key in first:
            raise ImportFailed(
                path,
                f"duplicate column name {name!r} (columns {first[key] + 1} and {index + 1})",
                line=line,
            )
        first[key] = index
