"""Write ``RefiProject`` dataclasses as a ``.qdpx`` archive or a ``.qdc`` codebook.

Output validates against ``Project-mrt2019.xsd`` / ``Codebook-mrt2019.xsd``: elements
in schema order, wrappers only when they have children, GUIDs and colours in the
schema's patterns. Source texts go to ``sources/<guid>.txt`` (UTF-8, no BOM, LF) and
are referenced as ``plainTextPath="internal://<guid>.txt"``; notes carry their text
inline (``PlainTextContent``).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

from lxml import etree

from workbench.io.refi.description import encode_comment
from workbench.io.refi.model import (
    RefiCode,
    RefiCoding,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiValue,
)

__all__ = ["PROJECT_NS", "CODEBOOK_NS", "project_xml", "codebook_xml", "write_qdpx", "write_qdc"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

# Characters XML 1.0 cannot carry (C0 controls except tab/LF/CR, surrogates, FFFE/FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_COLOUR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


class _Builder:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def el(
        self, parent: etree._Element | None, element: str, /, **attrs: str | None
    ) -> etree._Element:
        clean = {k: _clean(v) for k, v in attrs.items() if v is not None}
        tag = f"{{{self.ns}}}{element}"
        if parent is None:
            return etree.Element(tag, clean, nsmap={None: self.ns})
        return etree.SubElement(parent, tag, clean)

    def text(self, parent: etree._Element, name: str, value: str) -> etree._Element:
        child = self.el(parent, name)
        child.text = _clean(value)
        return child

    def refs(self, parent: etree._Element, name: str, guids: tuple[str, ...]) -> None:
        for guid in guids:
            self.el(parent, name, targetGUID=guid)

    def code(self, parent: etree._Element, code: RefiCode, with_notes: bool) -> None:
        el = self.el(
            parent,
            "Code",
            guid=code.guid,
            name=code.name,
            isCodable="true" if code.codable else "false",
            color=code.colour if _COLOUR.match(code.colour) else None,
        )
        extra: dict[str, object] = {}
        if code.wb_key:
            extra["key"] = code.wb_key
        if code.wb_keywords:
            extra["keywords"] = list(code.wb_keywords)
        if code.wb_patterns:
            extra["patterns"] = list(code.wb_patterns)
        if code.wb_memo:
            extra["memo"] = code.wb_memo
        if extra:
            el.append(etree.Comment(_clean(encode_comment("code", extra))))
        if code.description:
            self.text(el, "Description", code.description)
        if with_notes:
            self.refs(el, "NoteRef", code.note_refs)
        for child in code.children:
            self.code(el, child, with_notes)

    def coding(self, parent: etree._Element, coding: RefiCoding) -> None:
        el = self.el(
            parent,
            "Coding",
            guid=coding.guid,
            creatingUser=coding.user_guid,
            creationDateTime=coding.created,
        )
        if coding.wb_starred:
            el.append(etree.Comment(encode_comment("coding", {"starred": True})))
        self.el(el, "CodeRef", targetGUID=coding.code_guid)
        self.refs(el, "NoteRef", coding.note_refs)

    def selection(self, parent: etree._Element, sel: RefiSelection) -> None:
        el = self.el(
            parent,
            "PlainTextSelection",
            guid=sel.guid,
            name=sel.name or None,
            startPosition=str(sel.start),
            endPosition=str(sel.end),
            creatingUser=sel.user_guid,
        )
        if sel.description:
            self.text(el, "Description", sel.description)
        for coding in sel.codings:
            self.coding(el, coding)
        self.refs(el, "NoteRef", sel.note_refs)

    def values(self, parent: etree._Element, values: tuple[RefiValue, ...]) -> None:
        for value in values:
            vv = self.el(parent, "VariableValue")
            self.el(vv, "VariableRef", targetGUID=value.variable_guid)
            self.text(vv, "TextValue", value.value)

    def source(self, parent: etree._Element, source: RefiSource, path: str) -> None:
        el = self.el(
            parent,
            "TextSource",
            guid=source.guid,
            name=source.name,
            plainTextPath=path,
            creatingUser=source.user_guid,
        )
        if source.description:
            self.text(el, "Description", source.description)
        for sel in source.selections:
            self.selection(el, sel)
        for coding in source.codings:
            self.coding(el, coding)
        self.refs(el, "NoteRef", source.note_refs)
        self.values(el, source.values)


def source_member(source: RefiSource) -> str:
    return f"{source.guid}.txt"


def project_xml(project: RefiProject) -> etree._Element:
    """The ``<Project>`` element (``project.qde``) for a project."""
    b = _Builder(PROJECT_NS)
    root = b.el(
        None,
        "Project",
        name=project.name or "project",
        origin=project.origin or None,
        creatingUserGUID=project.creating_user,
        creationDateTime=project.created,
    )
    if project.users:
        users = b.el(root, "Users")
        for user in project.users:
            b.el(users, "User", guid=user.guid, name=user.name)
    if project.codes:
        codes = b.el(b.el(root, "CodeBook"), "Codes")
        for code in project.codes:
            b.code(codes, code, with_notes=True)
    if project.variables:
        variables = b.el(root, "Variables")
        for var in project.variables:
            v = b.el(variables, "Variable", guid=var.guid, name=var.name, typeOfVariable=var.type)
            if var.description:
                b.text(v, "Description", var.description)
    if project.cases:
        cases = b.el(root, "Cases")
        for case in project.cases:
            c = b.el(cases, "Case", guid=case.guid, name=case.name)
            if case.description:
                b.text(c, "Description", case.description)
            b.values(c, case.values)
            b.refs(c, "SourceRef", case.source_refs)
    if project.sources:
        sources = b.el(root, "Sources")
        for source in project.sources:
            b.source(sources, source, f"internal://{source_member(source)}")
    if project.notes:
        notes = b.el(root, "Notes")
        for note in project.notes:
            n = b.el(
                notes,
                "Note",
                guid=note.guid,
                name=note.name or None,
                creatingUser=note.user_guid,
                creationDateTime=note.created,
            )
            b.text(n, "PlainTextContent", note.text)
    if project.links:
        links = b.el(root, "Links")
        for link in project.links:
            b.el(
                links,
                "Link",
                guid=link.guid,
                name=link.name or None,
                direction="OneWay",
                originGUID=link.origin,
                targetGUID=link.target,
            )
    if project.description:
        b.text(root, "Description", project.description)
    b.refs(root, "NoteRef", project.note_refs)
    return root


def codebook_xml(project: RefiProject) -> etree._Element:
    """The ``<CodeBook>`` element of a ``.qdc`` file (codes only, no notes)."""
    if not project.codes:
        raise ValueError("a codebook needs at least one code")
    b = _Builder(CODEBOOK_NS)
    root = b.el(None, "CodeBook", origin=project.origin or None)
    codes = b.el(root, "Codes")
    for code in project.codes:
        b.code(codes, code, with_notes=False)
    return root


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_qdc(project: RefiProject) -> bytes:
    return _serialise(codebook_xml(project))


def write_qdpx(project: RefiProject, now: datetime | None = None) -> bytes:
    """The ``.qdpx`` archive as bytes: ``project.qde`` then ``sources/<guid>.txt``."""
    stamp = (now or datetime.now(UTC)).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)

        add("project.qde", _serialise(project_xml(project)))
        for source in project.sources:
            add(f"sources/{source_member(source)}", source.text.encode("utf-8"))
    return buffer.getvalue()


def now_stamp(moment: datetime | None = None) -> str:
    """An xsd:dateTime in UTC, e.g. ``2024-05-01T09:30:00Z``."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
