"""Read reliability data for ``workbench irr`` from a table: CSV/TSV text or an .xlsx workbook.

**Layouts.** ``layout="auto"`` picks one from the header row:

* ``wide`` (the default): a header row naming the coders, then one row per unit
  with one column per coder. A leading unit-id column is recognised by its header
  (empty, ``unit``, ``item``, ``id``, ``case``, ``subject``, ``segment``, a name
  ending in ``_id``...) or, whatever its header, when its values are text, all
  different, and none of them is a value a coder used.
* ``long``: one row per rating with a unit, a coder and a value column, recognised
  by their headers (``unit``/``item``/``id``..., ``coder``/``rater``/``observer``/
  ``judge``/``annotator``..., ``value``/``rating``/``score``/``code``/``label``/
  ``category``...). Other columns are ignored.
* ``transposed``: Krippendorff's layout, one row per coder and one column per unit.
  Recognised when the top-left cell is ``coder``, ``rater``, ``observer``, ``judge``
  or ``annotator`` (singular or plural), or when it is empty, ``unit`` or ``units``,
  the rest of the header row are unit numbers and the first column holds names
  (as R's ``write.csv(t(x))`` writes it). Otherwise ask for it with
  ``layout="transposed"``.

``header=False`` reads a table without a header row (ReCal's format): coders are
then called ``coder 1``, ``coder 2``... and units are numbered.

**Text files.** UTF-8 (with or without a byte-order mark), UTF-16/32 with a BOM
(Excel's "Unicode text") or without one, and Windows-1252/Latin-1 as a fallback.
The delimiter is comma, semicolon, tab or runs of spaces, sniffed from the header
row (``.tsv``/``.tab`` files prefer tabs; an Excel ``sep=;`` first line is obeyed).
With any delimiter but the comma, ``2,5`` is the number 2.5 (decimal comma). Fields
may be quoted; whitespace around values, trailing empty columns and trailing empty
rows are ignored; a blank line is not a unit, but a row of empty cells (``,,``)
between units is a unit nobody coded. A row shorter or longer than the header is
an error.

**Workbooks.** ``.xlsx``/``.xlsm`` (openpyxl): the first worksheet, or ``sheet``;
cached formula results are read, empty rows are skipped, short rows are padded,
and text cells like ``2,5`` are numbers. Old ``.xls`` and ``.ods`` files are refused
with a hint to save as .xlsx or CSV.

**Values.** Numbers or text; text is allowed only at the nominal level. ``1`` and
``1.0`` are the same value. Missing values: an empty cell, ``NA``, ``N/A``,
``n.a.``, ``#N/A``, ``.``, ``-``, ``*``, ``?``, ``NaN``, ``null`` or ``missing``
(any case), plus the tokens in ``missing``.

Every problem is raised as :class:`workbench.core.errors.ImportFailed`
(``BadEncoding`` for undecodable bytes) naming the file and, when known, the line
(the row number in a workbook).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from workbench.agreement.data import Label, ReliabilityData
from workbench.agreement.results import LEVELS, Level
from workbench.core.errors import BadEncoding, ImportFailed, UnsafeArchive

if TYPE_CHECKING:
    from _csv import Reader

Layout = Literal["auto", "wide", "long", "transposed"]
LAYOUTS: tuple[Layout, ...] = ("auto", "wide", "long", "transposed")
ReadLayout = Literal["wide", "long", "transposed"]

MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "n.a.", "#n/a", ".", "-", "*", "?", "nan", "null", "missing"}
)
"""Cells read as "this coder did not code this unit" (compared in lower case)."""

UNIT_COLUMN_NAMES = frozenset(
    {
        "",
        "unit",
        "units",
        "unit_id",
        "unit_no",
        "unit_nr",
        "unit_number",
        "id",
        "item",
        "items",
        "case",
        "cases",
        "subject",
        "subjects",
        "target",
        "targets",
        "segment",
        "segments",
        "sentence",
        "excerpt",
        "passage",
        "quote",
        "document",
        "participant",
        "respondent",
        "patient",
        "person",
        "interview",
        "transcript",
        "text",
        "file",
        "row",
        "object",
        "stimulus",
        "observation",
        "no",
        "nr",
        "number",
        "#",
    }
)
"""Header names (normalised, see :func:`_role_name`) of a unit-id column."""

CODER_COLUMN_NAMES = frozenset(
    {
        f"{word}{suffix}"
        for word in ("coder", "rater", "observer", "judge", "annotator", "reviewer", "assessor")
        for suffix in ("", "s", "_id", "_name")
    }
)
"""Header names of the coder column in long data (and the top-left cell of transposed data)."""

VALUE_COLUMN_NAMES = frozenset(
    {
        "value",
        "values",
        "rating",
        "ratings",
        "score",
        "scores",
        "code",
        "codes",
        "coding",
        "label",
        "labels",
        "category",
        "categories",
        "class",
        "response",
        "answer",
        "judgement",
        "judgment",
        "annotation",
        "decision",
        "grade",
    }
)
"""Header names of the value column in long data."""

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", " ": "space"}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_BOMS: tuple[tuple[bytes, str, str], ...] = (  # UTF-32-LE's BOM starts with UTF-16-LE's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f]")  # not \t \n \v \f \r, DOS EOF \x1a
_XLSX_MAX_UNPACKED = 512 * 1024 * 1024
_SNIFF_LINES = 50


@dataclass(frozen=True, slots=True)
class _Row:
    line: int  # 1-based line (text) or row number (workbook)
    cells: list[str]


@dataclass(slots=True)
class _Table:
    """What was read from the file, before the layout is applied."""

    rows: list[_Row]
    strict: bool  # text: short rows are an error; workbooks: short rows are padded
    decimal_comma: bool
    details: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Matrix:
    """Units x coders of raw cells, with the line each cell came from."""

    coders: list[str]
    units: list[str]
    cells: list[list[str]]
    lines: list[list[int]]
    layout: ReadLayout
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LoadedTable:
    """Reliability data and a one-line account of how the file was read."""

    data: ReliabilityData
    layout: ReadLayout
    description: str


# -- values ---------------------------------------------------------------------------------


def _number(cell: str, decimal_comma: bool = False) -> float | None:
    if _NUMBER.fullmatch(cell):
        value = float(cell)
    elif decimal_comma and _DECIMAL_COMMA.fullmatch(cell):
        value = float(cell.replace(",", "."))
    else:
        return None
    return value if math.isfinite(value) else None


def _canonical(value: float) -> str:
    """One spelling per number, so ``1`` and ``1.0`` are one nominal category."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _clean(cell: str) -> str:
    return cell.strip().strip("\ufeff\u200b").strip()


def _role_name(header: str) -> str:
    """``"Unit ID"`` -> ``"unit_id"``, ``"Nr."`` -> ``"nr"``: header names compared loosely."""
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return name.rstrip(".:") if name not in (".", ":") else name


def _is_unit_header(header: str) -> bool:
    name = _role_name(header)
    return name in UNIT_COLUMN_NAMES or name.endswith(("_id", "_no", "_nr"))


# -- bytes -> text --------------------------------------------------------------------------


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """The text and the name of its encoding, or ``BadEncoding``."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), label
            except UnicodeDecodeError:
                raise BadEncoding(
                    path,
                    f"starts with a {label} byte-order mark but is not valid {label} text; "
                    "save it as UTF-8 CSV",
                ) from None
    utf16 = _sniff_utf16(raw)
    if utf16 is not None:
        try:
            return raw.decode(utf16), "UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise BadEncoding(path, "is a binary file, not a CSV table or an .xlsx workbook")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        bad = raw.decode("utf-8", "replace").count("\ufffd")
        if len(_UTF8_MULTIBYTE.findall(raw)) >= bad:
            # Mostly UTF-8 with a few bad bytes: reading it as Windows-1252 would garble
            # every accented letter, so point at the first bad byte instead.
            line = raw[: err.start].count(b"\n") + 1
            raise BadEncoding(
                path,
                f"is not valid UTF-8 (byte 0x{raw[err.start]:02x}; the file mixes encodings "
                "or is damaged); save it as UTF-8 CSV",
                line=line,
            ) from None
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1"


def _sniff_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: a NUL in (nearly) every other byte and in no other."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    even, odd = raw[0::2], raw[1::2]
    n = len(even)
    if odd.count(0) >= 0.9 * n and even.count(0) <= 0.02 * n:
        return "utf-16-le"
    if even.count(0) >= 0.9 * n and odd.count(0) <= 0.02 * n:
        return "utf-16-be"
    return None


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def _split(text: str, delimiter: str) -> Reader:
    """Rows of fields. Spaces before a field are dropped so that ``a, "b, c"`` is two
    fields, as a person typing it means (Excel never writes such spaces)."""
    if delimiter == " ":
        text = "\n".join(line.strip() for line in text.split("\n"))
    else:
        text = "\n".join(line.lstrip(" ") for line in text.split("\n"))
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _width(row: list[str]) -> int:
    """Fields up to the last non-empty one."""
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _sniff_delimiter(lines: list[str], suffix: str) -> str:
    """Comma, semicolon, tab or space, judged on the header row and the rows below it."""
    header = lines[0]
    counts = {d: _count_outside_quotes(header, d) for d in ("\t", ";", ",")}
    present = [d for d, n in counts.items() if n]
    if "\t" in present and suffix in (".tsv", ".tab"):
        return "\t"
    if len(present) == 1:
        return present[0]
    sample = "\n".join(lines[:_SNIFF_LINES])
    if present:

        def consistency(delimiter: str) -> tuple[int, int]:
            try:
                rows = [_width(r) for r in _split(sample, delimiter) if r]
            except csv.Error:
                return (0, 0)
            return sum(w == rows[0] for w in rows), counts[delimiter]

        return max(present, key=consistency)
    # No delimiter in the header: whitespace-separated columns (Krippendorff's own
    # examples) if the header and most rows split into the same number of fields.
    try:
        rows = [_width(r) for r in _split(sample, " ") if r]
    except csv.Error:
        return ","
    if rows and rows[0] >= 2 and sum(w == rows[0] for w in rows) * 2 > len(rows):
        return " "
    return ","


def _text_table(path: Path, raw: bytes) -> _Table:
    text, encoding = _decode(path, raw)
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 50):
        raise BadEncoding(path, "is a binary file, not a CSV table or an .xlsx workbook")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    delimiter: str | None = None
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        hint = lines[first].strip().strip('"').lower()
        if len(hint) == 5 and hint.startswith("sep="):  # Excel's delimiter line
            delimiter = hint[4]
            lines[first] = ""
            text = "\n".join(lines)
    content = [line for line in lines if line.strip()]
    if delimiter is None:
        delimiter = _sniff_delimiter(content, path.suffix.lower()) if content else ","
    rows: list[_Row] = []
    reader = _split(text, delimiter)
    line = 0
    try:
        for row in reader:
            line = reader.line_num
            cells = [_clean(cell) for cell in row]
            if any(cells) or len(cells) > 1:  # a blank line is not a unit
                rows.append(_Row(line, cells))
    except csv.Error as err:
        raise ImportFailed(path, f"is not valid CSV ({err})", line=line + 1) from None
    details = [f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated", encoding]
    decimal_comma = delimiter != ","
    return _Table(rows, strict=True, decimal_comma=decimal_comma, details=details)


# -- workbooks ------------------------------------------------------------------------------


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        number = float(value)
        return _canonical(number) if math.isfinite(number) else str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return _clean(str(value))


def _workbook_table(path: Path, raw: bytes, sheet: str | None) -> _Table:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFailed(
            path, "is a damaged zip archive, not a readable .xlsx workbook"
        ) from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            problem = "is an OpenDocument spreadsheet; save it as .xlsx or CSV"
        elif "word/document.xml" in names:
            problem = "is a Word document, not a table; save the table as .xlsx or CSV"
        else:
            problem = "is a zip archive, not a CSV table or an .xlsx workbook"
        raise ImportFailed(path, problem)
    if unpacked > _XLSX_MAX_UNPACKED:
        raise UnsafeArchive(path, "unpacks to more than 512 MB; refusing to open it")

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on damaged files
        raise ImportFailed(
            path, f"cannot be read as an .xlsx workbook ({type(err).__name__})"
        ) from None
    sheets = list(book.sheetnames)
    name = sheet if sheet is not None else sheets[0]
    rows: list[_Row] = []
    try:
        if name not in sheets:
            raise ImportFailed(path, f"has no sheet {name!r} (sheets: {', '.join(sheets)})")
        worksheet = book[name]
        if not hasattr(worksheet, "iter_rows"):
            raise ImportFailed(path, f"sheet {name!r} is a chart, not a table")
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # trust the cells, not the stored size
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in values]
            if any(cells):  # an empty row in a sheet is a gap, not a unit
                rows.append(_Row(number, cells))
    except ImportFailed:
        raise
    except Exception as err:  # damaged sheet XML
        raise ImportFailed(
            path, f"cannot be read as an .xlsx workbook ({type(err).__name__})"
        ) from None
    finally:
        book.close()
    details = [
        f"sheet {name!r}"
        + (f" (first of {len(sheets)})" if sheet is None and len(sheets) > 1 else "")
    ]
    return _Table(rows, strict=False, decimal_comma=True, details=details)


def _read_table(path: Path, raw: bytes, sheet: str | None) -> _Table:
    suffix = path.suffix.lower()
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return _workbook_table(path, raw, sheet)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            path, "is an old Excel (.xls) workbook; save it as .xlsx or CSV and try again"
        )
    if suffix in (".xlsx", ".xlsm"):
        raise ImportFailed(path, f"is named {suffix} but is not an Excel workbook")
    if sheet is not None:
        raise ImportFailed(path, "is a text table, not a workbook; a sheet applies to .xlsx only")
    return _text_table(path, raw)


# -- table -> units x coders ----------------------------------------------------------------


def _rectangle(path: Path, table: _Table) -> tuple[_Row, list[_Row]]:
    """Header and body rows of one width: trailing empty rows and columns dropped,
    ragged rows refused (text) or padded (workbooks)."""
    rows = list(table.rows)
    while rows and not any(rows[-1].cells):
        rows.pop()
    if not rows:
        raise ImportFailed(path, "is empty; expected a header row of coder names")
    header, body = rows[0], rows[1:]
    used = max((_width(r.cells) for r in body), default=0)
    width = max(_width(header.cells), min(used, len(header.cells)))
    if table.strict:
        for row in body:
            if _width(row.cells) > width or len(row.cells) < width:
                found = _width(row.cells) if _width(row.cells) > width else len(row.cells)
                hint = ""
                if sum(1 for c in header.cells if c) == 1 and found > width:
                    hint = (
                        "; if the first row is a title, delete it so the first row names the coders"
                    )
                raise ImportFailed(
                    path,
                    f"has {found} column{'' if found == 1 else 's'} on this row but {width} "
                    f"in the header{hint}",
                    line=row.line,
                )
    else:
        width = max(width, used)
    fit = [_Row(r.line, (r.cells + [""] * width)[:width]) for r in [header, *body]]
    return fit[0], fit[1:]


def _missing(cell: str, extra: frozenset[str]) -> bool:
    return cell.lower() in MISSING_TOKENS or cell.lower() in extra


def _wide(
    path: Path, header: _Row | None, body: list[_Row], extra_missing: frozenset[str]
) -> _Matrix:
    width = len(body[0].cells) if body else (len(header.cells) if header else 0)
    details = ["one row per unit, one column per coder" + ("" if header else ", no header row")]
    unit_column = False
    if header is not None:
        unit_column = len(header.cells) > 1 and _is_unit_header(header.cells[0])
        if unit_column and header.cells[0]:
            details.append(f"unit ids in column 1 ({header.cells[0]!r})")
        elif unit_column:
            details.append("unit ids in column 1")
    if not unit_column and width >= 3 and len(body) >= 4:
        first = [r.cells[0] for r in body]
        rest = [c for r in body for c in r.cells[1:] if not _missing(c, extra_missing)]
        name_ok = header is None or _role_name(header.cells[0]) not in CODER_COLUMN_NAMES
        if (
            name_ok
            and all(c and not _missing(c, extra_missing) and _number(c) is None for c in first)
            and len(set(first)) == len(first)
            and not set(first) & set(rest)
            and len(set(rest)) < len(rest)
        ):
            unit_column = True
            label = f" ({header.cells[0]!r})" if header is not None else ""
            details.append(
                f"unit ids in column 1{label}: its values are all different and no coder used them"
            )
    start = 1 if unit_column else 0
    if header is not None:
        coders = header.cells[start:]
        if any(coders) and all(_number(name) is not None for name in coders if name):
            raise ImportFailed(
                path,
                "has no header row: the first line must name the coders (e.g. coder_a,coder_b); "
                "for a table without one use --no-header, for one row per coder "
                "--layout transposed",
                line=header.line,
            )
        if len(coders) < 2:
            raise ImportFailed(
                path, f"needs at least 2 coder columns, found {len(coders)}", line=header.line
            )
        for position, name in enumerate(coders, start=start + 1):
            if not name:
                raise ImportFailed(path, f"column {position} has no coder name", line=header.line)
    else:
        coders = [f"coder {j + 1}" for j in range(width - start)]
        if len(coders) < 2:
            raise ImportFailed(path, f"needs at least 2 coder columns, found {len(coders)}")
    units = [r.cells[0] if unit_column else str(i + 1) for i, r in enumerate(body)]
    cells = [r.cells[start:] for r in body]
    lines = [[r.line] * len(coders) for r in body]
    return _Matrix(coders, units, cells, lines, "wide", details)


def _transposed(
    path: Path, header: _Row | None, body: list[_Row], extra_missing: frozenset[str]
) -> _Matrix:
    """One row per coder, one column per unit."""
    corner = header.cells[0] if header is not None else None
    if header is not None and corner is not None:
        named = (
            not corner
            or _role_name(corner) in CODER_COLUMN_NAMES
            or _is_unit_header(corner)
            or all(r.cells[0] and _number(r.cells[0]) is None for r in body)
        )
    else:
        named = bool(body) and all(
            r.cells[0] and _number(r.cells[0]) is None and not _missing(r.cells[0], extra_missing)
            for r in body
        )
    start = 1 if named else 0
    if not body:
        raise ImportFailed(path, "has a header but no coders (one row per coder expected)")
    n_units = len(body[0].cells) - start
    coders = [r.cells[0] if named else f"coder {i + 1}" for i, r in enumerate(body)]
    if len(coders) < 2:
        raise ImportFailed(path, f"needs at least 2 coder rows, found {len(coders)}")
    for row, name in zip(body, coders, strict=True):
        if not name:
            raise ImportFailed(path, "this coder row has no coder name", line=row.line)
    if header is not None:
        units = [u or str(j + 1) for j, u in enumerate(header.cells[start:])]
    else:
        units = [str(j + 1) for j in range(n_units)]
    cells = [[r.cells[start + j] for r in body] for j in range(n_units)]
    lines = [[r.line for r in body] for _ in range(n_units)]
    details = ["one row per coder" + (", coder names in column 1" if named else "")]
    return _Matrix(coders, units, cells, lines, "transposed", details)


def _long_columns(header: _Row) -> tuple[int, int, int | None] | None:
    """(coder, value, unit) column positions when the header names long data."""
    names = [_role_name(c) for c in header.cells]
    coder = next((j for j, n in enumerate(names) if n in CODER_COLUMN_NAMES), None)
    value = next((j for j, n in enumerate(names) if n in VALUE_COLUMN_NAMES and j != coder), None)
    if coder is None or value is None:
        return None
    others = [j for j in range(len(names)) if j not in (coder, value)]
    unit = next((j for j in others if names[j] and _is_unit_header(header.cells[j])), None)
    if unit is None and len([j for j in others if header.cells[j]]) == 1:
        unit = next(j for j in others if header.cells[j])
    return coder, value, unit


def _long(path: Path, header: _Row, body: list[_Row]) -> _Matrix:
    columns = _long_columns(header)
    if columns is None and len(header.cells) == 3 and all(header.cells):
        columns = (1, 2, 0)  # asked for long data: unit, coder, value in this order
    if columns is None:
        raise ImportFailed(
            path,
            "is not long data: the header needs a coder column (coder, rater, observer, judge, "
            "annotator) and a value column (value, rating, score, code, label, category)",
            line=header.line,
        )
    c, v, u = columns
    if u is None:
        raise ImportFailed(
            path,
            f"has a coder column ({header.cells[c]!r}) and a value column ({header.cells[v]!r}) "
            "but no unit column (unit, item, id, case, subject, segment...)",
            line=header.line,
        )
    units: dict[str, int] = {}
    coders: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    ratings: list[tuple[str, str, str, int]] = []
    for row in body:
        unit, coder, value = row.cells[u], row.cells[c], row.cells[v]
        if not unit and not coder:
            if value:
                raise ImportFailed(path, "this rating names no unit and no coder", line=row.line)
            continue
        if not unit:
            raise ImportFailed(path, f"this rating by {coder!r} names no unit", line=row.line)
        if not coder:
            raise ImportFailed(path, f"this rating of unit {unit!r} names no coder", line=row.line)
        first = seen.setdefault((unit, coder), row.line)
        if first != row.line:
            raise ImportFailed(
                path,
                f"coder {coder!r} rated unit {unit!r} twice (lines {first} and {row.line}); "
                "keep one rating per coder and unit",
                line=row.line,
            )
        units.setdefault(unit, len(units))
        coders.setdefault(coder, len(coders))
        ratings.append((unit, coder, value, row.line))
    if not units:
        raise ImportFailed(path, "has a header but no ratings (no data rows)")
    if len(coders) < 2:
        names = ", ".join(repr(name) for name in coders)
        raise ImportFailed(path, f"needs at least 2 coders, found {len(coders)} ({names})")
    cells = [[""] * len(coders) for _ in units]
    lines = [[header.line] * len(coders) for _ in units]
    for unit, coder, value, line in ratings:
        cells[units[unit]][coders[coder]] = value
        lines[units[unit]][coders[coder]] = line
    ignored = [h for j, h in enumerate(header.cells) if j not in (c, v, u) and h]
    details = [
        f"one row per rating: unit {header.cells[u]!r}, coder {header.cells[c]!r}, "
        f"value {header.cells[v]!r}"
    ]
    if ignored:
        details.append("ignored columns " + ", ".join(repr(h) for h in ignored))
    return _Matrix(list(coders), list(units), cells, lines, "long", details)


def _auto_layout(header: _Row, body: list[_Row]) -> ReadLayout:
    if _long_columns(header) is not None:
        return "long"
    corner = _role_name(header.cells[0]) if header.cells else ""
    if corner in CODER_COLUMN_NAMES and len(header.cells) > 1:
        return "transposed"
    rest = header.cells[1:]
    if (
        corner in ("", "unit", "units")
        and len(rest) > len(body) >= 2  # more units than coders, as such tables have
        and all(_number(cell) is not None for cell in rest)
        and all(r.cells[0] and _number(r.cells[0]) is None for r in body)
    ):
        return "transposed"
    return "wide"


# -- units x coders -> ReliabilityData ------------------------------------------------------


def _to_data(
    path: Path,
    matrix: _Matrix,
    level: Level,
    decimal_comma: bool,
    extra_missing: frozenset[str],
) -> tuple[ReliabilityData, list[str]]:
    if len(set(matrix.coders)) != len(matrix.coders):
        duplicate = next(name for name in matrix.coders if matrix.coders.count(name) > 1)
        raise ImportFailed(path, f"coder {duplicate!r} appears twice")
    labels: list[list[Label | None]] = []
    numbers: list[list[float | None]] = []
    text_cell: tuple[int, str, str] | None = None
    missing_seen: set[str] = set()
    parsed: dict[str, float | None] = {}
    for row, lines in zip(matrix.cells, matrix.lines, strict=True):
        label_row: list[Label | None] = []
        number_row: list[float | None] = []
        for j, cell in enumerate(row):
            if _missing(cell, extra_missing):
                if cell:
                    missing_seen.add(cell)
                label_row.append(None)
                number_row.append(None)
                continue
            if cell in parsed:
                value = parsed[cell]
            else:
                value = parsed[cell] = _number(cell, decimal_comma)
            if value is None and text_cell is None:
                text_cell = (lines[j], matrix.coders[j], cell)
            label_row.append(cell)
            number_row.append(value)
        labels.append(label_row)
        numbers.append(number_row)
    if text_cell is not None and level != "nominal":
        line, coder, cell = text_cell
        raise ImportFailed(
            path,
            f"value {cell!r} for coder {coder!r} is not a number; {level} data need numbers "
            "(text labels are allowed only with --level nominal; mark missing values with "
            "an empty cell or NA)",
            line=line,
        )
    if text_cell is None:
        rows: list[list[Label | None]] = [list(row) for row in numbers]
    else:
        rows = [
            [
                None if label is None else (label if value is None else _canonical(value))
                for label, value in zip(label_row, number_row, strict=True)
            ]
            for label_row, number_row in zip(labels, numbers, strict=True)
        ]
    if not rows:
        raise ImportFailed(path, "has a header but no units (no data rows)")
    if not any(sum(v is not None for v in row) >= 2 for row in rows):
        raise ImportFailed(
            path,
            f"has no unit coded by two or more coders ({len(rows)} units, "
            f"{len(matrix.coders)} coders), so there is no agreement to measure",
        )
    data = ReliabilityData.from_labels(rows, coders=matrix.coders, units=matrix.units)
    details = []
    if missing_seen:
        details.append("missing: " + ", ".join(repr(m) for m in sorted(missing_seen)))
    return data, details


def load_reliability_table(
    path: str | Path,
    level: Level = "nominal",
    *,
    layout: Layout = "auto",
    header: bool = True,
    sheet: str | None = None,
    missing: Sequence[str] = (),
) -> LoadedTable:
    """Load reliability data from a CSV/TSV/.xlsx table (see the module docstring)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(path, "no such file") from None
    except IsADirectoryError:
        raise ImportFailed(path, "is a directory, not a CSV file") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot be read ({err.strerror or err})") from None
    table = _read_table(path, raw, sheet)
    extra = frozenset(_clean(token).lower() for token in missing)
    first, body = _rectangle(path, table)
    head: _Row | None = first
    chosen: ReadLayout
    if not header:
        head, body = None, [first, *body]
        if layout == "long":
            raise ImportFailed(path, "long data need a header row naming their columns")
        chosen = "transposed" if layout == "transposed" else "wide"
    else:
        chosen = _auto_layout(first, body) if layout == "auto" else layout
        if not body:
            raise ImportFailed(path, "has a header but no units (no data rows)")
    if chosen == "long":
        assert head is not None
        matrix = _long(path, head, body)
    elif chosen == "transposed":
        matrix = _transposed(path, head, body, extra)
    else:
        matrix = _wide(path, head, body, extra)
    data, value_details = _to_data(path, matrix, level, table.decimal_comma, extra)
    numeric = all(isinstance(c, float) for c in data.categories)
    parts = [
        f"{matrix.layout} layout, {data.n_units} units x {data.n_coders} coders",
        *matrix.details,
        *table.details,
        *value_details,
    ]
    if matrix.layout == "wide" and data.n_coders > max(data.n_units, 2):
        parts.append("more coders than units: if each row is a coder, use --layout transposed")
    if numeric and table.decimal_comma and any("," in c for row in matrix.cells for c in row):
        parts.append("decimal commas")
    return LoadedTable(data, matrix.layout, "; ".join(parts))


def read_reliability_csv(
    path: str | Path,
    level: Level = "nominal",
    *,
    layout: Layout = "auto",
    header: bool = True,
    sheet: str | None = None,
    missing: Sequence[str] = (),
) -> ReliabilityData:
    """Load a reliability table (CSV, TSV or .xlsx; see the module docstring)."""
    return load_reliability_table(
        path, level, layout=layout, header=header, sheet=sheet, missing=missing
    ).data
