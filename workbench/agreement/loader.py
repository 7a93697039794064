"""Read reliability data for ``workbench irr`` from a CSV file.

Format: a header row naming the coders, then one row per unit with one column
per coder; an empty cell means the coder did not code that unit. Values are
numbers or text; text is allowed only at the nominal level. If the first
header cell is empty or is ``unit``, ``units``, ``unit_id`` or ``id``, the first
column holds unit names rather than a coder. Encoding: UTF-8, with or without
a byte-order mark.

Every problem is raised as :class:`workbench.core.errors.ImportFailed`
(``BadEncoding`` for undecodable bytes) naming the file and, when known, the
line.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from workbench.agreement.data import Label, ReliabilityData
from workbench.agreement.results import LEVELS, Level
from workbench.core.errors import BadEncoding, ImportFailed

UNIT_COLUMN_NAMES = frozenset({"", "unit", "units", "unit_id", "id"})


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise BadEncoding(path, "is not UTF-8 text; save it as UTF-8 CSV", line=line) from None


def _read_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if row:  # a blank line is not a unit
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as err:
        raise ImportFailed(path, f"is not valid CSV ({err})", line=reader.line_num) from None
    return rows


def read_reliability_csv(path: str | Path, level: Level = "nominal") -> ReliabilityData:
    """Load a units x coders CSV (see the module docstring) for the given level."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(path, "no such file") from None
    except IsADirectoryError:
        raise ImportFailed(path, "is a directory, not a CSV file") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot be read ({err.strerror or err})") from None
    rows = _read_rows(path, _decode(path, raw))
    if not rows or all(not any(cells) for _, cells in rows):
        raise ImportFailed(path, "is empty; expected a header row of coder names")

    header_line, header = rows[0]
    has_unit_column = header[0].lower() in UNIT_COLUMN_NAMES and len(header) > 1
    coders = header[1:] if has_unit_column else header
    if all(_number(name) is not None for name in coders if name) and any(coders):
        raise ImportFailed(
            path,
            "has no header row: the first line must name the coders (e.g. coder_a,coder_b)",
            line=header_line,
        )
    if len(coders) < 2:
        hint = ""
        if ";" in header[0] or "\t" in header[0]:
            hint = " (the file seems to use ';' or tabs; separate columns with commas)"
        raise ImportFailed(
            path,
            f"needs at least 2 coder columns, found {len(coders)}{hint}",
            line=header_line,
        )
    for position, name in enumerate(coders, start=2 if has_unit_column else 1):
        if not name:
            raise ImportFailed(path, f"column {position} has no coder name", line=header_line)
    if len(set(coders)) != len(coders):
        duplicate = next(name for name in coders if coders.count(name) > 1)
        problem = f"coder {duplicate!r} appears twice in the header"
        raise ImportFailed(path, problem, line=header_line)

    body = rows[1:]
    if not body:
        raise ImportFailed(path, "has a header but no units (no data rows)")
    width = len(header)
    units: list[str] = []
    cells: list[list[str]] = []
    for line, row in body:
        if len(row) != width:
            raise ImportFailed(
                path,
                f"has {len(row)} columns on this row but {width} in the header",
                line=line,
            )
        units.append(row[0] if has_unit_column else str(len(units) + 1))
        cells.append(row[1:] if has_unit_column else row)

    numbers: list[list[float | None]] = [[_number(c) if c else None for c in r] for r in cells]
    text_cell = next(
        (
            (line, coders[j], cell)
            for (line, _), row, parsed in zip(body, cells, numbers, strict=True)
            for j, (cell, value) in enumerate(zip(row, parsed, strict=True))
            if cell and value is None
        ),
        None,
    )
    if text_cell is not None and level != "nominal":
        line, coder, cell = text_cell
        raise ImportFailed(
            path,
            f"value {cell!r} for coder {coder!r} is not a number; {level} data need numbers "
            "(text labels are allowed only with --level nominal; leave missing cells empty)",
            line=line,
        )
    labels: list[list[Label | None]]
    if text_cell is None:
        labels = [list(row) for row in numbers]
    else:
        labels = [[c if c else None for c in row] for row in cells]
    return ReliabilityData.from_labels(labels, coders=coders, units=units)
