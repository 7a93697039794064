"""De-identification rules: a names file, identifier patterns, and offset mapping.

Pure functions, no store. :func:`find_identifiers` lists what to replace in a text;
:func:`apply_replacements` returns the new text and an :class:`OffsetMap` that carries
coding, turn and suggestion offsets from the old text to the new one.

The names file (UTF-8, one entry per line; ``#`` starts a comment)::

    Kari Nordmann => P03      # -> [P03]: a name replaced by a participant id
    Ola                       # a person -> [PERSON1], [PERSON2] ... in file order
    person: Per Hansen        # the same, explicitly
    place: Storgata           # -> [PLACE]
    city: Tromsø              # -> [CITY]
    org: Blue Cross           # -> [ORG]
    Bergen => [CITY]          # any placeholder, with or without brackets

Matching is whole-word. An entry with a capital letter matches as written (and in
capitals), so the name "Hope" leaves the word "hope" alone; an entry written in lower
case matches in any case. Longer entries win ("Kari Nordmann" before "Kari").
Participant ids (P03, I, R, Interviewer) are never replaced.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.errors import ImportFailed

__all__ = [
    "CATEGORIES",
    "NameEntry",
    "NameRules",
    "OffsetMap",
    "PATTERNS",
    "Replacement",
    "apply_replacements",
    "find_identifiers",
    "is_participant_id",
    "load_names_file",
    "parse_names",
    "scrub",
]

MAX_NAMES_BYTES = 1_000_000
CATEGORIES = {"person": "PERSON", "place": "PLACE", "city": "CITY", "org": "ORG"}
_PARTICIPANT = re.compile(r"^(?:[A-Za-z]{1,3}\d{1,4}|I|R|Interviewer|Respondent|Participant)$")
_PLACEHOLDER = re.compile(r"^\[?([A-Za-z][\w.-]{0,40})\]?$")


def is_participant_id(text: str) -> bool:
    """P03, R2, I, Interviewer...: labels that stay in de-identified text."""
    return bool(_PARTICIPANT.match(text.strip()))


@dataclass(frozen=True, slots=True)
class NameEntry:
    text: str
    placeholder: str  # with brackets, e.g. "[PERSON1]"
    category: str  # person, place, city, org, custom
    line: int = 0


@dataclass(frozen=True, slots=True)
class Replacement:
    start: int
    end: int
    placeholder: str
    category: str  # person, place, email, phone, id, date, url, entity:<label>, ...


@dataclass
class NameRules:
    """Entries from a names file (and entity names found later), with one regex."""

    entries: list[NameEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _persons: dict[str, str] = field(default_factory=dict)  # folded name -> placeholder
    _regex: re.Pattern[str] | None = None
    _lookup: dict[str, NameEntry] = field(default_factory=dict)
    _folded: dict[str, NameEntry] = field(default_factory=dict)

    def person(self, name: str) -> str:
        """The consistent placeholder for a person's name (a new [PERSONn] if unseen)."""
        key = name.casefold()
        if key not in self._persons:
            used = set(self._persons.values())
            n = 1
            while f"[PERSON{n}]" in used:
                n += 1
            self._persons[key] = f"[PERSON{n}]"
        return self._persons[key]

    def add(self, text: str, placeholder: str | None, category: str, line: int = 0) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if is_participant_id(text):
            self.warnings.append(f"line {line}: {text!r} looks like a participant id; kept")
            return
        if any(e.text == text for e in self.entries):
            return
        if placeholder is None:
            placeholder = self.person(text) if category == "person" else f"[{CATEGORIES[category]}]"
        elif category == "person":
            self._persons.setdefault(text.casefold(), placeholder)
        self.entries.append(NameEntry(text, placeholder, category, line))
        self._regex = None

    def regex(self) -> re.Pattern[str] | None:
        if self._regex is None and self.entries:
            exact: dict[str, NameEntry] = {}
            folded: dict[str, NameEntry] = {}
            for e in self.entries:
                if e.text == e.text.lower():  # lower-case entry: any case
                    folded.setdefault(e.text.casefold(), e)
                else:  # as written, and in capitals
                    exact.setdefault(e.text, e)
                    exact.setdefault(e.text.upper(), e)
            self._lookup, self._folded = exact, folded
            alts = [(v, False) for v in exact] + [(v, True) for v in folded]
            parts = []
            for v, fold in sorted(alts, key=lambda a: len(a[0]), reverse=True):
                body = r"\s+".join(re.escape(w) for w in v.split())
                parts.append(f"(?i:{body})" if fold else body)
            self._regex = re.compile(r"(?<![\w@])(?:" + "|".join(parts) + r")(?![\w@])")
        return self._regex

    def entry_for(self, matched: str) -> NameEntry | None:
        self.regex()
        key = " ".join(matched.split())
        return self._lookup.get(key) or self._folded.get(key.casefold())

    def replace_all(self, text: str) -> str:
        """Replace names only (no patterns, no offsets): labels, memos, file names."""
        rx = self.regex()
        if rx is None or not text:
            return text

        def sub(m: re.Match[str]) -> str:
            entry = self.entry_for(m.group())
            return entry.placeholder if entry else m.group()

        return rx.sub(sub, text)


def _fail(source: Path, problem: str, line: int | None = None) -> ImportFailed:
    return ImportFailed(source, problem, line)


def load_names_file(path: Path) -> NameRules:
    """Read a names file; problems raise :class:`ImportFailed` naming the line."""
    path = Path(path)
    try:
        if path.is_dir():
            raise _fail(path, "is a folder, not a names file")
        data = path.read_bytes()
    except OSError as err:
        raise _fail(path, f"cannot read the names file ({err.strerror or err})") from err
    if len(data) > MAX_NAMES_BYTES:
        raise _fail(path, "the names file is larger than 1 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _fail(path, "the names file is not UTF-8 text") from err
    return parse_names(text, path)


def parse_names(text: str, source: Path = Path("names.txt")) -> NameRules:
    rules = NameRules()
    pending: list[tuple[str, str | None, str, int]] = []
    if "\x00" in text:
        raise _fail(source, "the names file contains binary data")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        category = "person"
        head, sep, rest = line.partition(":")
        if sep and head.strip().lower() in CATEGORIES:
            category, line = head.strip().lower(), rest.strip()
        placeholder = None
        if "=>" in line:
            name, _, target = line.partition("=>")
            line, target = name.strip(), target.strip()
            m = _PLACEHOLDER.match(target)
            if not m:
                raise _fail(
                    source,
                    f"placeholder {target!r} must be a short label such as P03 or [CITY]",
                    number,
                )
            placeholder = f"[{m.group(1)}]"
            label = m.group(1).upper()
            if category == "person" and label in CATEGORIES.values() and label != "PERSON":
                category = next(k for k, v in CATEGORIES.items() if v == label)
        if not line:
            raise _fail(source, "a name is missing before '=>'", number)
        if len(line) > 200:
            raise _fail(source, "a name is longer than 200 characters", number)
        if not any(ch.isalnum() for ch in line):
            raise _fail(source, f"{line!r} is not a name", number)
        pending.append((line, placeholder, category, number))
    # explicit placeholders first, so numbering never hands out one that is taken
    for line, placeholder, category, number in sorted(pending, key=lambda p: p[1] is None):
        rules.add(line, placeholder, category, number)
    return rules


# -- patterns ---------------------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "januar|februar|mars|mai|juni|juli|oktober|desember"
)
_B = r"(?<![\w@.+-])"  # left boundary
_E = r"(?![\w@]|[.,]\d)"  # right boundary
PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("email", "[EMAIL]", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("url", "[URL]", re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]")),
    # Norwegian national identity numbers (fødselsnummer / D-number): 11 digits
    ("id", "[ID]", re.compile(_B + r"\d{6}[ ]?\d{5}" + _E)),
    (
        "phone",
        "[PHONE]",
        re.compile(
            _B
            + r"(?:(?:\+|00)\d{1,3}[ .-]?(?:\d[ .-]?){6,11}\d"
            + r"|\d{8}"
            + r"|\d{3}[ .-]\d{2}[ .-]\d{3}"
            + r"|\d{2}[ .-]\d{2}[ .-]\d{2}[ .-]\d{2}"
            + r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})"
            + _E
        ),
    ),
    (
        "date",
        "[DATE]",
        re.compile(
            _B
            + r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"
            + r"|\d{4}-\d{2}-\d{2}"
            + rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?i:{_MONTHS})\.?(?:,?\s+\d{{4}})?"
            + rf"|(?i:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)"
            + _E
        ),
    ),
)


def find_identifiers(
    text: str,
    rules: NameRules | None = None,
    *,
    patterns: bool = True,
    entities: Iterable[tuple[int, int, str]] = (),
    protected: Iterable[str] = (),
) -> list[Replacement]:
    """Non-overlapping replacements in text order.

    Priority on overlap: names from the file, then patterns, then entities (a trained
    spaCy pipeline's PERSON/GPE/LOC/ORG...); among equals the earlier, then the longer
    match wins. ``protected`` strings (speaker labels, participant ids) are never touched.
    """
    found: list[tuple[int, int, int, str, str]] = []  # (priority, start, end, ph, category)
    keep = {p.strip() for p in protected if p.strip()}
    if rules is not None and (rx := rules.regex()) is not None:
        for m in rx.finditer(text):
            entry = rules.entry_for(m.group())
            if entry is not None and m.group() not in keep:
                found.append((0, m.start(), m.end(), entry.placeholder, entry.category))
    if patterns:
        for category, placeholder, rx in PATTERNS:
            for m in rx.finditer(text):
                found.append((1, m.start(), m.end(), placeholder, category))
    for start, end, label in entities:
        if not (0 <= start < end <= len(text)):
            continue
        surface = text[start:end]
        if surface in keep or is_participant_id(surface):
            continue
        entity = _entity_placeholder(surface, label, rules)
        if entity is not None:
            found.append((2, start, end, entity, f"entity:{label}"))
    found.sort(key=lambda f: (f[0], f[1], -(f[2] - f[1])))
    taken: list[tuple[int, int]] = []  # sorted, disjoint
    out: list[Replacement] = []
    for _prio, start, end, placeholder, category in found:
        i = bisect.bisect_right(taken, (start, end))
        if i > 0 and taken[i - 1][1] > start:
            continue
        if i < len(taken) and taken[i][0] < end:
            continue
        taken.insert(i, (start, end))
        out.append(Replacement(start, end, placeholder, category))
    out.sort(key=lambda r: r.start)
    return out


_ENTITY_PLACES = {"GPE": "[PLACE]", "LOC": "[PLACE]", "FAC": "[PLACE]", "ORG": "[ORG]"}


def _entity_placeholder(surface: str, label: str, rules: NameRules | None) -> str | None:
    label = label.upper()
    if label in ("PERSON", "PER"):
        if rules is None:
            return "[PERSON]"
        entry = rules.entry_for(surface)
        return entry.placeholder if entry else rules.person(" ".join(surface.split()))
    return _ENTITY_PLACES.get(label)


# -- applying ---------------------------------------------------------------------------


class OffsetMap:
    """Carries offsets from a text to its de-identified version.

    A start inside a replaced identifier moves to the placeholder's start, an end inside
    one to the placeholder's end; so a coding inside one identifier becomes the
    placeholder, and a coding that covers one keeps covering it.
    """

    def __init__(self, replacements: Sequence[Replacement]) -> None:
        self._old_starts: list[int] = []
        self._old_ends: list[int] = []
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._delta_after: list[int] = []  # cumulative length change after replacement i
        delta = 0
        for r in replacements:
            self._old_starts.append(r.start)
            self._old_ends.append(r.end)
            self._new_starts.append(r.start + delta)
            delta += len(r.placeholder) - (r.end - r.start)
            self._new_ends.append(r.end + delta)
            self._delta_after.append(delta)

    def _shift_before(self, count: int) -> int:
        return self._delta_after[count - 1] if count else 0

    def start(self, pos: int) -> int:
        i = bisect.bisect_right(self._old_starts, pos) - 1  # last replacement starting <= pos
        if i >= 0 and pos < self._old_ends[i]:
            return self._new_starts[i]
        done = bisect.bisect_right(self._old_ends, pos)  # replacements ending <= pos
        return pos + self._shift_before(done)

    def end(self, pos: int) -> int:
        i = bisect.bisect_left(self._old_starts, pos) - 1  # last replacement starting < pos
        if i >= 0 and pos <= self._old_ends[i]:
            return self._new_ends[i]
        done = bisect.bisect_right(self._old_ends, pos)
        return pos + self._shift_before(done)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.start(start), self.end(end)


def apply_replacements(text: str, replacements: Sequence[Replacement]) -> tuple[str, OffsetMap]:
    """The text with every replacement made (they must be sorted and disjoint)."""
    parts: list[str] = []
    pos = 0
    for r in replacements:
        if r.start < pos or r.end > len(text) or r.start >= r.end:
            raise ValueError(f"replacements overlap or fall outside the text at {r.start}")
        parts.append(text[pos : r.start])
        parts.append(r.placeholder)
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts), OffsetMap(replacements)


def scrub(text: str, rules: NameRules | None, *, patterns: bool = True) -> str:
    """De-identify free text that carries no offsets (memos, labels, file names)."""
    if not text:
        return text
    new, _ = apply_replacements(text, find_identifiers(text, rules, patterns=patterns))
    return new
