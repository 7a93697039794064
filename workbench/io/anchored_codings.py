"""Codings anchored by quoted text, so they survive edits to a transcript.

A file is a YAML list of mappings::

    - document: P03
      coder: anna
      code: sponsorship
      quote: my sponsor rang every morning to check on me
      memo: controlling, in her view     # optional
      starred: true                      # optional, default false
      occurrence: 2                      # optional, 1-based, default 1

:func:`locate_quote` turns a quote into character offsets in a document's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from workbench.core.errors import ImportFailed
from workbench.io.codebook_yaml import (
    MAX_FILE_BYTES,
    YamlMeta,
    YamlProblem,
    _Dumper,
    read_text_file,
    read_yaml,
    suggest,
)

__all__ = [
    "ANCHORED_FIELDS",
    "AnchoredCoding",
    "dump_anchored_codings",
    "load_anchored_codings",
    "locate_quote",
    "parse_anchored_codings",
]

ANCHORED_FIELDS = ("document", "coder", "code", "quote", "memo", "starred", "occurrence")
_REQUIRED = ("document", "coder", "code", "quote")


@dataclass(frozen=True, slots=True)
class AnchoredCoding:
    """One coding: ``coder`` applied ``code`` (a key) to ``quote`` in ``document``.

    ``occurrence`` picks the n-th match (1-based) when the quote appears more than once.
    ``line`` is where the entry starts in its file (for error messages); it is ignored
    when comparing codings.
    """

    document: str
    coder: str
    code: str
    quote: str
    memo: str = ""
    starred: bool = False
    occurrence: int = 1
    line: int | None = field(default=None, compare=False)


def load_anchored_codings(path: Path) -> list[AnchoredCoding]:
    """Read an anchored-codings file. Raises :class:`ImportFailed` naming file and line."""
    path = Path(path)

    def fail(problem: str) -> NoReturn:
        raise ImportFailed(path, problem)

    return parse_anchored_codings(read_text_file(path, fail, "coding"), path)


def parse_anchored_codings(text: str, source: Path) -> list[AnchoredCoding]:
    """Parse anchored-codings YAML; ``source`` names the file in errors."""
    source = Path(source)

    def fail(problem: str, line: int | None = None) -> NoReturn:
        raise ImportFailed(source, problem, line)

    if len(text) > MAX_FILE_BYTES:
        fail("the text is larger than 5 MB; coding files are limited to 5 MB")
    try:
        data, meta = read_yaml(text)
    except YamlProblem as exc:
        fail(exc.problem, exc.line)
    if data is None:
        fail("the file is empty; expected a list of codings (- document: ..., quote: ...)")
    if not isinstance(data, list):
        fail(
            f"expected a list of codings (each starting with '- document:'), not {_describe(data)}",
            meta.line_of(data),
        )
    out: list[AnchoredCoding] = []
    for number, item in enumerate(data, 1):
        line = meta.line_of(item)
        if not isinstance(item, dict):
            fail(
                f"coding #{number} must be a mapping with document, coder, code and quote, "
                f"not {_describe(item)}",
                line,
            )
        out.append(_read_one(item, number, meta, fail))
    return out


def _read_one(
    item: dict[Any, Any],
    number: int,
    meta: YamlMeta,
    fail: Callable[[str, int | None], NoReturn],
) -> AnchoredCoding:
    where = f"coding #{number}"
    line = meta.line_of(item)

    def bad(field_name: object, problem: str) -> NoReturn:
        fail(f"{where}: {problem}", meta.line_of(item, field_name))

    for name in item:
        if name not in ANCHORED_FIELDS:
            bad(
                name,
                f"unknown field '{name}'{suggest(str(name), ANCHORED_FIELDS)}; "
                f"known fields: {', '.join(ANCHORED_FIELDS)}",
            )
    values: dict[str, str] = {}
    for name in (*_REQUIRED, "memo"):
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            bad(name, f"'{name}' must be text, not {_describe(value)}; put it in quotes")
        if not (value and value.strip()) and name != "memo":
            bad(name, f"'{name}' is missing")
        values[name] = value.strip() if value else ""
    starred = item.get("starred")
    if starred is None:
        starred = False
    if not isinstance(starred, bool):
        bad("starred", f"'starred' must be true or false, not {_describe(starred)}")
    occurrence = item.get("occurrence")
    if occurrence is None:
        occurrence = 1
    if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
        bad(
            "occurrence",
            f"'occurrence' must be a whole number from 1 up, not {_describe(occurrence)}",
        )
    return AnchoredCoding(
        document=values["document"],
        coder=values["coder"],
        code=values["code"],
        quote=values["quote"],
        memo=values["memo"],
        starred=starred,
        occurrence=occurrence,
        line=line,
    )


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def dump_anchored_codings(codings: list[AnchoredCoding]) -> str:
    """YAML for ``codings`` that :func:`parse_anchored_codings` reads back unchanged."""
    rows: list[dict[str, Any]] = []
    for c in codings:
        row: dict[str, Any] = {
            "document": c.document,
            "coder": c.coder,
            "code": c.code,
            "quote": c.quote,
        }
        if c.memo:
            row["memo"] = c.memo
        if c.starred:
            row["starred"] = True
        if c.occurrence != 1:
            row["occurrence"] = c.occurrence
        rows.append(row)
    return yaml.dump(rows, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


# --------------------------------------------------------------------------- locating quotes

# Characters that transcription tools and word processors swap for one another.
_LOOKALIKES = ("'‘’‚‛′`´", '"“”„‟″«»', "-‐‑‒–—―−")
_LOOKALIKE_CLASS = {ch: "[" + re.escape(group) + "]" for group in _LOOKALIKES for ch in group}


def locate_quote(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """Find the ``occurrence``-th match of ``quote`` in ``text`` as ``(start, end)`` offsets.

    Tries, in order: an exact match; a whitespace-insensitive match (any run of whitespace
    in the quote matches any run of whitespace in the text, e.g. a line break); the same
    with typographic look-alikes treated as equal (straight and curly quotes, hyphens and
    dashes). ``occurrence`` counts exact matches while there are enough of them;
    otherwise it counts matches of the first looser kind that has enough. Matches do not
    overlap. Offsets index the original ``text``, end-exclusive.
    Leading and trailing whitespace of ``quote`` is ignored; an empty quote is never found.
    """
    if occurrence < 1:
        raise ValueError(f"occurrence must be 1 or more, not {occurrence}")
    quote = quote.strip()
    if not quote:
        return None

    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + len(quote) if start >= 0 else 0)
        if start < 0:
            break
    else:
        return (start, start + len(quote))

    words = quote.split()
    loose = r"\s+".join(map(re.escape, words))
    found = _nth_match(loose, text, occurrence)
    if found is None and any(ch in _LOOKALIKE_CLASS for ch in quote):
        lookalike = r"\s+".join(
            "".join(_LOOKALIKE_CLASS.get(ch, re.escape(ch)) for ch in word) for word in words
        )
        found = _nth_match(lookalike, text, occurrence)
    return found


def _nth_match(pattern: str, text: str, occurrence: int) -> tuple[int, int] | None:
    for number, match in enumerate(re.finditer(pattern, text), 1):
        if number == occurrence:
            return match.span()
    return None
