"""Read ``.qdpx`` projects and ``.qdc`` codebooks into ``RefiProject`` dataclasses.

Best effort for files from NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette:

* the XML may be UTF-8 or UTF-16, with or without a BOM, even with a declaration that
  names the wrong one (see ``safety.prepare_xml``);
* elements are matched on local names, so any namespace (``urn:QDA-XML:project:1.0``,
  ``:1:0``, ``:0:4``, ``urn:QDA-XML:codebook:1.0``), any prefix (``qda:``) or none is
  read;
* the project file may be ``project.qde`` or another ``*.qde``, at the root or in one
  folder (an archive zipped from its folder);
* ``plainTextPath`` may be ``internal://x.txt``, a bare or relative name, or an
  ``absolute://``/``relative://`` path: only files inside the archive are ever read
  (matched under ``sources/`` next to the project file, any case, else by unique file
  name), and a source whose file is not inside is skipped and named;
* a text source without a plain text file may carry ``PlainTextContent``; one with
  neither but with a ``.docx`` rich text is read from the ``.docx`` (its selections
  are skipped: their positions count the other program's plain text);
* BOM and CRLF are normalised and positions remapped; how the exporter counted line
  breaks (and characters outside the BMP) is decided from the selections themselves,
  for all sources together (see ``text.py``);
* PDF, picture, audio and video sources, other kinds of selections, empty wrappers,
  Sets and Graphs are skipped with a line in ``RefiProject.skipped``; nothing is
  dropped silently.

Anything that makes the file unreadable as a whole raises ``ImportFailed`` (or
``UnsafeArchive``) with one line naming the file.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from workbench.core.errors import ImportFailed, UnsafeArchive
from workbench.io._common import read_file_bytes
from workbench.io.refi.description import decode_comment, guid_for, norm_guid
from workbench.io.refi.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiLink,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiValue,
    RefiVariable,
)
from workbench.io.refi.safety import SafeArchive, parse_xml
from workbench.io.refi.text import (
    Choice,
    NormalisedText,
    choose_reading,
    decode_source,
    normalise,
    origin_prior,
)

__all__ = ["read_refi", "read_qdpx", "read_qdc", "parse_project"]

_NON_TEXT = {
    "PDFSource": "PDF",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}
_VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)


def read_refi(path: Path) -> RefiProject:
    """A ``.qdpx`` (ZIP) or ``.qdc`` (XML) file, recognised by its content."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except FileNotFoundError:
        raise ImportFailed(path, "file not found") from None
    except IsADirectoryError:
        raise ImportFailed(path, "is a directory, not a file") from None
    except PermissionError:
        raise ImportFailed(path, "cannot read file (permission denied)") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot read file ({err.strerror or err})") from None
    if magic.startswith(b"PK") or path.suffix.lower() == ".qdpx":
        return read_qdpx(path)
    return read_qdc(path)


def read_qdc(path: Path) -> RefiProject:
    """A codebook file: ``<CodeBook>`` (a ``<Project>`` is read for its codebook only)."""
    data = read_file_bytes(Path(path))
    notes: list[str] = []
    root = parse_xml(data, path, notes=notes)
    reader = _Reader(path, origin=root.get("origin") or "")
    reader.assumptions.extend(notes)
    name = _local(root)
    if name == "CodeBook":
        codes = reader.codes(root)
    elif name == "Project":
        codebook = _child(root, "CodeBook")
        codes = reader.codes(codebook) if codebook is not None else ()
        reader.skipped.append("this is a whole project: only its codebook was read")
    else:
        raise ImportFailed(path, f"not a REFI-QDA codebook (root element <{name}>)")
    if not codes:
        raise ImportFailed(path, "the codebook has no codes")
    return RefiProject(
        name=path.stem,
        kind="qdc",
        origin=reader.origin,
        codes=codes,
        skipped=tuple(reader.skipped),
        assumptions=tuple(reader.assumptions),
    )


def read_qdpx(path: Path) -> RefiProject:
    """A project archive: ``project.qde`` plus the files under ``sources/``.

    The project file may have another name (``MyStudy.qde``) or sit in a folder (an
    archive zipped from its folder); source files are then looked up next to it first.
    """
    path = Path(path)
    with SafeArchive.open(path) as archive:
        qde = _project_file(archive, path)
        notes: list[str] = []
        data = archive.read(qde)
        root = parse_xml(data, path, qde.filename, notes=notes)
        member = PurePosixPath(qde.filename.replace("\\", "/"))
        base = str(member.parent) if str(member.parent) != "." else ""
        if base or member.name.lower() != "project.qde":
            notes.append(f"the project was read from {qde.filename}")
        return parse_project(root, path, archive, base=base, notes=notes)


def _project_file(archive: SafeArchive, path: Path) -> zipfile.ZipInfo:
    """The one ``.qde`` of the archive: ``project.qde`` first, at the root first."""
    found = archive.project_files()
    if not found:
        raise ImportFailed(path, "no project.qde inside (not a REFI-QDA project?)")

    def depth(info: zipfile.ZipInfo) -> int:
        return info.filename.replace("\\", "/").strip("/").count("/")

    for group in (
        [i for i in found if depth(i) == 0 and _basename(i) == "project.qde"],
        [i for i in found if depth(i) == 0],
        [i for i in found if _basename(i) == "project.qde"],
        found,
    ):
        if len(group) == 1:
            return group[0]
        if len(group) > 1:
            names = ", ".join(sorted(i.filename for i in group)[:4])
            raise ImportFailed(
                path, f"more than one .qde project inside ({names}); cannot tell which"
            )
    raise ImportFailed(path, "no project.qde inside (not a REFI-QDA project?)")  # unreachable


def _basename(info: zipfile.ZipInfo) -> str:
    return PurePosixPath(info.filename.replace("\\", "/")).name.lower()


def parse_project(
    root: etree._Element,
    path: Path,
    archive: SafeArchive | None,
    base: str = "",
    notes: list[str] | None = None,
) -> RefiProject:
    if _local(root) != "Project":
        raise ImportFailed(path, f"not a REFI-QDA project (root element <{_local(root)}>)")
    reader = _Reader(path, origin=root.get("origin") or "", archive=archive, base=base)
    reader.assumptions.extend(notes or ())
    return reader.project(root)


# -- XML helpers -------------------------------------------------------------------


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _children(el: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if el is None:
        return
    for child in el:
        if _local(child) == name:
            yield child


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(el, name), None)


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return "".join(el.itertext())


def _refs(el: etree._Element, name: str) -> tuple[str, ...]:
    out = []
    for ref in _children(el, name):
        guid = norm_guid(ref.get("targetGUID"))
        if guid:
            out.append(guid)
    return tuple(out)


def _comment(el: etree._Element, kind: str) -> dict[str, object] | None:
    for node in el:
        if isinstance(node, etree._Comment):
            payload = decode_comment(node.text, kind)
            if payload is not None:
                return payload
    return None


def _str_list(value: object) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


def _int(value: str | None) -> int | None:
    """An integer position; ``"12.0"`` (a float that is a whole number) is accepted."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        pass
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else None


@dataclass
class _Pending:
    """A text source read in the first pass, before its positions are interpreted."""

    el: etree._Element
    guid: str
    name: str
    label: str
    norm: NormalisedText
    from_rich: bool
    spans: list[tuple[int, int, etree._Element]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    choice: Choice | None = None


_REASON_PRIOR = "the default: the positions fit either way"


class _Reader:
    def __init__(
        self, path: Path, origin: str, archive: SafeArchive | None = None, base: str = ""
    ) -> None:
        self.path = path
        self.origin = origin
        self.archive = archive
        self.base = base
        self.skipped: list[str] = []
        self.assumptions: list[str] = []
        self._anonymous = 0
        self._not_codable = 0
        self._bad_colours: list[str] = []

    def guid(self, el: etree._Element, *fallback: object) -> str:
        guid = norm_guid(el.get("guid"))
        if guid:
            return guid
        self._anonymous += 1
        return guid_for("missing", _local(el), self._anonymous, *fallback)

    # -- project ------------------------------------------------------------------
    def project(self, root: etree._Element) -> RefiProject:
        users = tuple(
            RefiUser(self.guid(u), (u.get("name") or u.get("id") or "").strip())
            for u in _children(_child(root, "Users"), "User")
        )
        codes = self.codes(_child(root, "CodeBook"))
        variables = tuple(
            RefiVariable(
                guid=self.guid(v),
                name=(v.get("name") or "").strip(),
                type=v.get("typeOfVariable") or "Text",
                description=_text(_child(v, "Description")),
            )
            for v in _children(_child(root, "Variables"), "Variable")
        )
        cases = tuple(
            RefiCase(
                guid=self.guid(c),
                name=(c.get("name") or "").strip() or None,
                description=_text(_child(c, "Description")).strip(),
                values=self.values(c),
                source_refs=_refs(c, "SourceRef"),
            )
            for c in _children(_child(root, "Cases"), "Case")
        )
        pending: list[_Pending] = []
        for el in _children_any(_child(root, "Sources")):
            kind = _local(el)
            if kind == "TextSource":
                loaded = self.load_source(el)
                if loaded is not None:
                    pending.append(loaded)
            elif kind in _NON_TEXT:
                self.skip_media(el, kind)
            elif kind:
                self.skipped.append(f"unknown source element <{kind}>")
        self.choose_readings(pending)
        sources = tuple(self.text_source(p) for p in pending)
        read_notes = (self.note(el) for el in _children(_child(root, "Notes"), "Note"))
        notes = tuple(note for note in read_notes if note is not None)
        links = tuple(
            RefiLink(
                guid=self.guid(link),
                origin=norm_guid(link.get("originGUID")),
                target=norm_guid(link.get("targetGUID")),
                name=link.get("name") or "",
            )
            for link in _children(_child(root, "Links"), "Link")
        )
        sets = sum(1 for _ in _children(_child(root, "Sets"), "Set"))
        if sets:
            self.skipped.append(f"{_count(sets, 'set')} (the workbench has no sets)")
        graphs = sum(1 for _ in _children(_child(root, "Graphs"), "Graph"))
        if graphs:
            self.skipped.append(f"{_count(graphs, 'graph')} (the workbench has no graphs)")
        return RefiProject(
            name=(root.get("name") or "").strip() or self.path.stem,
            kind="qdpx",
            origin=self.origin,
            description=_text(_child(root, "Description")).strip(),
            created=root.get("creationDateTime"),
            creating_user=norm_guid(root.get("creatingUserGUID")),
            users=users,
            codes=codes,
            variables=variables,
            cases=cases,
            sources=sources,
            notes=notes,
            links=links,
            note_refs=_refs(root, "NoteRef"),
            skipped=tuple(self.skipped),
            assumptions=tuple(self.assumptions),
        )

    def skip_media(self, el: etree._Element, kind: str) -> None:
        """A PDF, picture, audio or video source: one skipped line with what it held."""
        label = el.get("name") or el.get("guid") or "?"
        codings = sum(1 for d in el.iter() if _local(d) == "Coding")
        selections = sum(1 for d in el.iter() if _local(d).endswith("Selection"))
        lost = []
        if selections:
            lost.append(_count(selections, "selection"))
        if codings:
            lost.append(_count(codings, "coding"))
        texts = [_local(d) for d in el if _local(d) in ("Representation", "Transcript")]
        if texts:
            lost.append("its text " + ("transcript" if "Transcript" in texts else "layer"))
        self.skipped.append(
            f"source {label!r}: {_NON_TEXT[kind]} sources are not supported"
            + (f" ({', '.join(lost)} not imported)" if lost else "")
        )

    # -- codebook -----------------------------------------------------------------
    def codes(self, codebook: etree._Element | None) -> tuple[RefiCode, ...]:
        container = _child(codebook, "Codes") if codebook is not None else None
        codes = tuple(self.code(el, "") for el in _children(container, "Code"))
        if self._not_codable:
            self.assumptions.append(
                f'{_count(self._not_codable, "code")} marked isCodable="false" (grouping '
                "codes in the other program) imported as ordinary codes"
            )
        if self._bad_colours:
            self.assumptions.append(
                f"{_count(self._bad_colours, 'code colour')} not in #RRGGBB form left out: "
                + _names(self._bad_colours)
            )
        return codes

    def code(self, el: etree._Element, prefix: str) -> RefiCode:
        name = (el.get("name") or "").strip()
        if not name:
            name = "(unnamed code)"
            self.assumptions.append(f"a code without a name was imported as {name!r}")
        path = f"{prefix} > {name}" if prefix else name
        extra = _comment(el, "code") or {}
        key = extra.get("key")
        memo = extra.get("memo")
        codable = (el.get("isCodable") or "true").strip().lower() not in ("false", "0")
        if not codable:
            self._not_codable += 1
        colour = _colour(el.get("color"))
        if colour is None:
            colour = ""
            self._bad_colours.append(f"{path} ({el.get('color')})")
        return RefiCode(
            guid=self.guid(el, path),
            name=name,
            codable=codable,
            colour=colour,
            description=_text(_child(el, "Description")),
            children=tuple(self.code(child, path) for child in _children(el, "Code")),
            note_refs=_refs(el, "NoteRef"),
            wb_key=key if isinstance(key, str) and 0 < len(key) <= 200 else None,
            wb_keywords=_str_list(extra.get("keywords")),
            wb_patterns=_str_list(extra.get("patterns")),
            wb_memo=memo if isinstance(memo, str) else None,
        )

    # -- sources ------------------------------------------------------------------
    def values(self, el: etree._Element) -> tuple[RefiValue, ...]:
        out = []
        for vv in _children(el, "VariableValue"):
            ref = _child(vv, "VariableRef")
            var = norm_guid(ref.get("targetGUID")) if ref is not None else None
            if not var:
                continue
            value = ""
            for tag in _VALUE_TAGS:
                value_el = _child(vv, tag)
                if value_el is not None:
                    value = _text(value_el).strip()
                    break
            out.append(RefiValue(var, value))
        return tuple(out)

    def load_source(self, el: etree._Element) -> _Pending | None:
        """First pass over a text source: its text and its raw selection positions."""
        guid = self.guid(el)
        name = (el.get("name") or "").strip()
        label = name or guid
        loaded = self.load_text(el, label)
        if loaded is None:
            codings = sum(1 for d in el.iter() if _local(d) == "Coding")
            if codings:
                self.skipped[-1] += f" ({_count(codings, 'coding')} not imported)"
            return None
        norm, from_rich = loaded
        pending = _Pending(el, guid, name or guid, label, norm, from_rich)
        others: dict[str, int] = defaultdict(int)
        for sel in _children_any(el):
            kind = _local(sel)
            if kind.endswith("Selection") and kind != "PlainTextSelection":
                others[kind] += 1
        for sel in _children(el, "PlainTextSelection"):
            start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
            if start is None or end is None:
                pending.unreadable.append(
                    f"{sel.get('startPosition')!r}-{sel.get('endPosition')!r}"
                )
                continue
            pending.spans.append((start, end, sel))
        for kind, n in sorted(others.items()):
            codings = sum(
                1 for sel in _children(el, kind) for d in sel.iter() if _local(d) == "Coding"
            )
            self.skipped.append(
                f"source {label!r}: {_count(n, kind)} in a text source"
                + (f" ({_count(codings, 'coding')} not imported)" if codings else "")
            )
        return pending

    def choose_readings(self, pending: list[_Pending]) -> None:
        """How each source's positions count line breaks and characters (see text.py).

        Each source's own selections decide when they can; sources they leave undecided
        follow the sources that were decided, when those agree, else the origin's habit.
        """
        prior = origin_prior(self.origin)
        coded = [p for p in pending if p.spans and not p.from_rich]
        if self.origin.lower().startswith("workbench"):
            # our own export: LF text, code points, nothing to guess
            for p in coded:
                p.choice = Choice("lf", "the workbench writes them this way")
            self._report_readings(coded)
            return
        for p in coded:
            names = [sel.get("name") or "" for _, _, sel in p.spans]
            p.choice = choose_reading(p.norm, [(s, e) for s, e, _ in p.spans], prior, names)
        lines = {
            p.choice.reading.partition("-")[0]
            for p in coded
            if p.choice and p.choice.decisive and p.norm.crlf
        }
        units = {
            p.choice.reading.partition("-")[2]
            for p in coded
            if p.choice and p.choice.decisive and p.norm.astral
        }
        project_prior = (next(iter(lines)) if len(lines) == 1 else prior) + (
            "-" + next(iter(units)) if len(units) == 1 and next(iter(units)) else ""
        )
        if project_prior != prior:
            for p in coded:
                if p.choice and not p.choice.decisive:
                    names = [sel.get("name") or "" for _, _, sel in p.spans]
                    again = choose_reading(
                        p.norm, [(s, e) for s, e, _ in p.spans], project_prior, names
                    )
                    reason = again.reason or "like the other sources of this project"
                    if again.reading != p.choice.reading:
                        p.choice = Choice(again.reading, reason)
        self._report_readings(coded)

    def text_source(self, p: _Pending) -> RefiSource:
        """Second pass: the selections mapped onto the stored text."""
        el, norm, label = p.el, p.norm, p.label
        reading = p.choice.reading if p.choice else "lf"
        bad = list(p.unreadable)
        selections = []
        skipped_codings = 0
        for start, end, sel in p.spans:
            if p.from_rich:
                skipped_codings += sum(1 for _ in _children(sel, "Coding"))
                continue
            span = norm.span(reading, start, end)
            if span is None:
                bad.append(f"{start}-{end}")
                skipped_codings += sum(1 for _ in _children(sel, "Coding"))
                continue
            selections.append(self.selection(sel, *span))
        if p.from_rich and p.spans:
            self.skipped.append(
                f"source {label!r}: {_count(len(p.spans), 'selection')} "
                f"({_count(skipped_codings, 'coding')}): their positions count the other "
                "program's plain text, which is missing"
            )
        elif bad:
            shown = ", ".join(bad[:5]) + (", ..." if len(bad) > 5 else "")
            self.skipped.append(
                f"source {label!r}: {_count(len(bad), 'selection')} with positions outside "
                f"the text (0-{len(norm.text)}) or unreadable: {shown}"
                + (
                    f" ({_count(skipped_codings, 'coding')} not imported)"
                    if skipped_codings
                    else ""
                )
            )
        whole = tuple(self.coding(c) for c in _children(el, "Coding"))
        return RefiSource(
            guid=p.guid,
            name=p.name,
            text=norm.text,
            selections=tuple(selections),
            codings=whole,
            user_guid=norm_guid(el.get("creatingUser")) or norm_guid(el.get("modifyingUser")),
            description=_text(_child(el, "Description")).strip(),
            note_refs=_refs(el, "NoteRef"),
            values=self.values(el),
            from_rich_text=p.from_rich,
        )

    def load_text(self, el: etree._Element, label: str) -> tuple[NormalisedText, bool] | None:
        """The source's plain text, normalised; None (with a skipped line) if unavailable."""
        problems: list[str] = []
        path_attr = (el.get("plainTextPath") or "").strip()
        inline = _child(el, "PlainTextContent")
        raw: str | None = None
        if path_attr:
            raw = self.member_text(path_attr, label, problems)
        if raw is None and inline is not None:
            raw = _text(inline)
        if raw is not None and "\x00" in raw:
            self.skipped.append(f"source {label!r}: its text holds binary data")
            return None
        if raw is not None and raw.strip():
            return normalise(raw), False
        rich = (el.get("richTextPath") or "").strip()
        if rich.lower().endswith(".docx"):
            text = self.docx_text(rich, label, problems)
            if text and text.strip():
                self.assumptions.append(
                    f"source {label!r}: no plain text, text taken from its .docx"
                )
                return normalise(text), True
        if problems:
            reason = problems[0]
        elif raw is not None:
            reason = "its plain text is empty"
        else:
            reason = "no plain text (neither plainTextPath nor PlainTextContent)"
        self.skipped.append(f"source {label!r}: {reason}")
        return None

    def _member(self, reference: str, problems: list[str]) -> zipfile.ZipInfo | None:
        scheme, sep, rest = reference.partition("://")
        if not sep:
            scheme, rest = "", reference
        scheme = scheme.lower()
        info = self.archive.find(rest, self.base) if self.archive is not None else None
        if info is None:
            if scheme in ("absolute", "relative", "file"):
                problems.append(
                    f"its file is outside the archive ({reference}) and files outside "
                    "the archive are not read"
                )
            else:
                problems.append(f"{reference} is not in the archive")
            return None
        if scheme in ("absolute", "relative", "file"):
            self.assumptions.append(f"{reference} read from the archive copy {info.filename}")
        return info

    def member_text(self, reference: str, label: str, problems: list[str]) -> str | None:
        info = self._member(reference, problems)
        if info is None or self.archive is None:
            return None
        data = self.archive.read(info)
        try:
            text, encoding = decode_source(data)
        except UnicodeError:
            problems.append(f"{info.filename} is not UTF-8 text")
            return None
        if encoding != "UTF-8":
            self.assumptions.append(f"{label!r}: {info.filename} read as {encoding}, not UTF-8")
        return text

    def docx_text(self, reference: str, label: str, problems: list[str]) -> str | None:
        info = self._member(reference, problems)
        if info is None or self.archive is None:
            return None
        from workbench.io.docx import docx_text

        data = self.archive.read(info)
        try:
            return docx_text(data, Path(info.filename))
        except UnsafeArchive as err:  # hostile content fails the whole import
            raise UnsafeArchive(self.path, f"{info.filename}: {err.problem}") from None
        except ImportFailed as err:
            problems.append(str(err))
            return None

    def selection(self, el: etree._Element, start: int, end: int) -> RefiSelection:
        return RefiSelection(
            guid=self.guid(el),
            start=start,
            end=end,
            codings=tuple(self.coding(c) for c in _children(el, "Coding")),
            user_guid=norm_guid(el.get("creatingUser")) or norm_guid(el.get("modifyingUser")),
            name=el.get("name") or "",
            description=_text(_child(el, "Description")).strip(),
            note_refs=_refs(el, "NoteRef"),
        )

    def coding(self, el: etree._Element) -> RefiCoding:
        ref = _child(el, "CodeRef")
        extra = _comment(el, "coding") or {}
        return RefiCoding(
            guid=self.guid(el),
            code_guid=(norm_guid(ref.get("targetGUID")) if ref is not None else None) or "",
            user_guid=norm_guid(el.get("creatingUser")),
            created=el.get("creationDateTime"),
            note_refs=_refs(el, "NoteRef"),
            wb_starred=extra.get("starred") is True,
        )

    def note(self, el: etree._Element) -> RefiNote | None:
        guid = self.guid(el)
        label = el.get("name") or guid
        text: str | None = None
        path_attr = (el.get("plainTextPath") or "").strip()
        problems: list[str] = []
        if path_attr:
            text = self.member_text(path_attr, f"note {label}", problems)
        if text is None:
            inline = _child(el, "PlainTextContent")
            text = _text(inline) if inline is not None else None
        rich = (el.get("richTextPath") or "").strip()
        if (text is None or not text.strip()) and rich.lower().endswith(".docx"):
            text = self.docx_text(rich, f"note {label}", problems) or text
        if text is None:
            description = _text(_child(el, "Description"))
            text = description if description.strip() else None
        if text is None:
            reason = problems[0] if problems else "it has no text"
            self.skipped.append(f"note {label!r}: {reason}")
            return None
        return RefiNote(
            guid=guid,
            name=el.get("name") or "",
            text=normalise(text).text.strip("\n"),
            user_guid=norm_guid(el.get("creatingUser")) or norm_guid(el.get("modifyingUser")),
            created=el.get("creationDateTime"),
        )

    def _report_readings(self, coded: list[_Pending]) -> None:
        """One note per way of reading positions, naming the sources read that way."""
        prior = origin_prior(self.origin)
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        wide: dict[tuple[str, str], list[str]] = defaultdict(list)
        for p in coded:
            if p.choice is None:
                continue
            lines, _, units = p.choice.reading.partition("-")
            if p.norm.crlf:
                why = p.choice.reason
                if why is None:
                    why = "the project comes from ATLAS.ti" if prior == "lf" else _REASON_PRIOR
                groups[(lines, why)].append(p.label)
            if p.norm.astral and (units or p.choice.reason):
                wide[(units, p.choice.reason or _REASON_PRIOR)].append(p.label)
        for (lines, why), labels in groups.items():
            how = (
                "counting CRLF as two characters and remapped to the LF text"
                if lines == "raw"
                else "counting a line break as one character (ATLAS.ti style)"
            )
            self.assumptions.append(
                f"{_count(labels, 'source')} had CRLF line endings; positions read as "
                f"{how} ({why}): {_names(labels)}"
            )
        for (units, why), labels in wide.items():
            how = (
                "UTF-16 code units (an emoji counts as two), as .NET and Java programs count"
                if units
                else "code points (an emoji counts as one), as the standard says"
            )
            self.assumptions.append(
                f"{_count(labels, 'source')} hold characters outside the Basic Multilingual "
                f"Plane; positions read as {how} ({why}): {_names(labels)}"
            )


def _children_any(el: etree._Element | None) -> Iterator[etree._Element]:
    if el is None:
        return
    for child in el:
        if isinstance(child.tag, str):
            yield child


def _count(items: list[str] | int, noun: str) -> str:
    n = items if isinstance(items, int) else len(items)
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:5])
    return shown + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def _colour(value: str | None) -> str | None:
    """``#rrggbb`` or ``#rgb`` as written ("" when absent); None when not understood.

    ``RRGGBB`` without the ``#`` is accepted; ``#AARRGGBB``/``#RRGGBBAA`` are ambiguous
    and left out like any other unknown form.
    """
    value = (value or "").strip()
    if not value:
        return ""
    digits = value[1:] if value.startswith("#") else value
    if len(digits) in (3, 6) and all(ch in "0123456789abcdefABCDEF" for ch in digits):
        return "#" + digits
    return None
