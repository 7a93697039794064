"""A REFI-QDA project or codebook (QDA-XML 1.0) as plain frozen dataclasses.

The reader (``reader.py``) builds these from a ``.qdpx``/``.qdc`` file and the writer
(``writer.py``) serialises them. They know nothing about the project store: the
workflow in ``workbench.workflows.refi`` maps them to and from the domain.

Conventions:

* every ``guid`` and every reference to one is normalised: lower case, no braces;
* text is normalised (no BOM, LF line endings) and selection positions are 0-based
  code points into it, end-exclusive (``text[start:end]`` is the selected text);
* ``wb_*`` fields carry workbench extras that QDA-XML has no place for. The writer puts
  them in an XML comment (``<!--workbench:code {...}-->``) that schema validation and
  other programs ignore; the reader reads them back when present.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RefiUser:
    guid: str
    name: str


@dataclass(frozen=True, slots=True)
class RefiCode:
    guid: str
    name: str
    codable: bool = True
    colour: str = ""  # "#rrggbb" (or "#rgb") as written, "" when absent
    description: str = ""
    children: tuple[RefiCode, ...] = ()
    note_refs: tuple[str, ...] = ()
    wb_key: str | None = None
    wb_keywords: tuple[str, ...] = ()
    wb_patterns: tuple[str, ...] = ()
    wb_memo: str | None = None


@dataclass(frozen=True, slots=True)
class RefiCoding:
    guid: str
    code_guid: str
    user_guid: str | None = None
    created: str | None = None  # xsd:dateTime as written
    note_refs: tuple[str, ...] = ()
    wb_starred: bool = False


@dataclass(frozen=True, slots=True)
class RefiSelection:
    guid: str
    start: int
    end: int
    codings: tuple[RefiCoding, ...] = ()
    user_guid: str | None = None
    name: str = ""
    description: str = ""
    note_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefiValue:
    """A ``VariableValue``: the variable it refers to and the value as text."""

    variable_guid: str
    value: str


@dataclass(frozen=True, slots=True)
class RefiSource:
    """A text source with its normalised plain text."""

    guid: str
    name: str
    text: str
    selections: tuple[RefiSelection, ...] = ()
    codings: tuple[RefiCoding, ...] = ()  # codings of the whole source
    user_guid: str | None = None
    description: str = ""
    note_refs: tuple[str, ...] = ()
    values: tuple[RefiValue, ...] = ()
    from_rich_text: bool = False  # text taken from the .docx because no plain text came


@dataclass(frozen=True, slots=True)
class RefiVariable:
    guid: str
    name: str
    type: str = "Text"  # Text, Boolean, Integer, Float, Date, DateTime
    description: str = ""


@dataclass(frozen=True, slots=True)
class RefiCase:
    guid: str
    name: str | None
    description: str = ""
    values: tuple[RefiValue, ...] = ()
    source_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefiNote:
    guid: str
    name: str
    text: str
    user_guid: str | None = None
    created: str | None = None


@dataclass(frozen=True, slots=True)
class RefiLink:
    guid: str
    origin: str | None
    target: str | None
    name: str = ""


@dataclass(frozen=True, slots=True)
class RefiProject:
    """A whole project (``.qdpx``) or just a codebook (``.qdc``: ``kind == "qdc"``).

    ``skipped`` lists what the reader could not take over and why; ``notes`` lists the
    assumptions it made (for example how CRLF line endings were counted). Both are
    one-line, user-facing messages.
    """

    name: str
    kind: str = "qdpx"  # qdpx or qdc
    origin: str = ""
    description: str = ""
    created: str | None = None
    creating_user: str | None = None
    users: tuple[RefiUser, ...] = ()
    codes: tuple[RefiCode, ...] = ()
    variables: tuple[RefiVariable, ...] = ()
    cases: tuple[RefiCase, ...] = ()
    sources: tuple[RefiSource, ...] = ()
    notes: tuple[RefiNote, ...] = ()
    links: tuple[RefiLink, ...] = ()
    note_refs: tuple[str, ...] = ()  # notes about the project as a whole
    skipped: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    def walk_codes(self) -> list[tuple[RefiCode, RefiCode | None, str]]:
        """Every code depth-first as (code, parent, "A > B > C" path)."""
        out: list[tuple[RefiCode, RefiCode | None, str]] = []

        def visit(code: RefiCode, parent: RefiCode | None, prefix: str) -> None:
            path = f"{prefix} > {code.name}" if prefix else code.name
            out.append((code, parent, path))
            for child in code.children:
                visit(child, code, path)

        for top in self.codes:
            visit(top, None, "")
        return out
