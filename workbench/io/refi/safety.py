"""Opening untrusted ``.qdpx`` archives and QDA-XML safely.

* Archives are never extracted: members are looked up by name and read into memory,
  each within a size limit, all together within a budget, and refused when their
  compression ratio says "zip bomb".
* A member name that is absolute, has a drive letter or climbs out with ``..`` makes
  the whole archive suspect (zip-slip): it is refused, even though we never write it.
* XML is parsed without DTD loading, entity resolution or network access, with
  libxml2's default limits (``huge_tree=False``), and any document that carries a
  DOCTYPE at all is refused: QDA-XML never needs one and it is how entity attacks
  (billion laughs, external entities) get in.
* Before parsing, the XML is decoded by us and handed to libxml2 as UTF-8 (see
  ``prepare_xml``), which copes with what Windows programs write: a BOM, UTF-16 with
  or without a BOM, a declaration that says ``utf-16`` on a file stored as UTF-8 (a
  .NET ``StringWriter`` habit), blank lines before the declaration, and Windows-1252
  bytes in a file that claims to be UTF-8.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from workbench.core.errors import ImportFailed, UnsafeArchive

__all__ = [
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_RATIO",
    "SafeArchive",
    "parse_xml",
    "prepare_xml",
]

_MB = 1024 * 1024
MAX_MEMBER_BYTES = 200 * _MB  # one project.qde or one source text
MAX_TOTAL_BYTES = 500 * _MB  # everything read from one archive
MAX_RATIO = 200  # compression ratio above which a member is refused ...
RATIO_EXEMPT_BYTES = 4 * _MB  # ... unless it expands to less than this
_CHUNK = 1 << 20

_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCATION = re.compile(r"(,? line \d+)?(, column \d+)?$")
_DOCTYPE_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!doctype", "<!entity")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)


def _damaged(source: Path, err: BaseException) -> ImportFailed:
    why = str(err) or type(err).__name__
    return ImportFailed(source, f"damaged archive ({why})")


def _junk(path: PurePosixPath) -> bool:
    """macOS Finder's resource forks (``__MACOSX/``, ``._name``): never project data."""
    return path.parts[0] == "__MACOSX" or path.name.startswith("._")


def _member_path(name: str) -> PurePosixPath | None:
    """The member's path, or None when it is absolute or escapes the archive root."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm):
        return None
    path = PurePosixPath(norm)
    if any(part == ".." for part in path.parts):
        return None
    return path


@dataclass
class SafeArchive:
    """A ZIP archive opened for reading members by name, within limits."""

    source: Path
    archive: zipfile.ZipFile
    budget: int = MAX_TOTAL_BYTES
    _by_path: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    _by_name: dict[str, list[zipfile.ZipInfo]] = field(default_factory=dict)

    @classmethod
    def open(cls, source: Path) -> SafeArchive:
        try:
            archive = zipfile.ZipFile(source)
        except FileNotFoundError:
            raise ImportFailed(source, "file not found") from None
        except IsADirectoryError:
            raise ImportFailed(source, "is a directory, not a file") from None
        except PermissionError:
            raise ImportFailed(source, "cannot read file (permission denied)") from None
        except zipfile.BadZipFile:
            raise ImportFailed(
                source, "not a REFI-QDA project (not a ZIP archive, or a truncated one)"
            ) from None
        except (OSError, EOFError, ValueError, NotImplementedError) as err:
            raise _damaged(source, err) from None
        safe = cls(source, archive)
        try:
            safe._index()
        except BaseException:
            archive.close()
            raise
        return safe

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _index(self) -> None:
        for info in self.archive.infolist():
            path = _member_path(info.filename)
            if path is None:
                raise UnsafeArchive(
                    self.source,
                    f"archive member {info.filename!r} points outside the archive "
                    "(zip-slip); refusing to open it",
                )
            if info.is_dir() or not path.parts or _junk(path):
                continue
            key = str(path).lower()
            self._by_path.setdefault(key, info)
            self._by_name.setdefault(path.name.lower(), []).append(info)

    def names(self) -> list[str]:
        return [info.filename for info in self._by_path.values()]

    def find(self, reference: str, base: str = "") -> zipfile.ZipInfo | None:
        """A member for a path written in the project.

        Tried in order: under ``sources/`` (any case) next to the project file (``base``
        is its folder), next to the project file, under ``sources/`` at the root, at the
        root, and finally a file of that name anywhere when there is exactly one. A
        percent-encoded path (``My%20Study.txt``) is also tried decoded.
        """
        ref = reference.replace("\\", "/").strip()
        while ref.startswith(("./", "/")):
            ref = ref[2:] if ref.startswith("./") else ref[1:]
        if not ref:
            return None
        folder = base.strip("/").lower()
        variants = [ref] + ([unquote(ref)] if unquote(ref) != ref else [])
        for variant in variants:
            low = variant.lower()
            candidates = [f"{folder}/sources/{low}", f"{folder}/{low}"] if folder else []
            for candidate in (*candidates, f"sources/{low}", low):
                info = self._by_path.get(candidate)
                if info is not None:
                    return info
        for variant in variants:
            hits = self._by_name.get(PurePosixPath(variant.lower()).name, [])
            if len(hits) == 1:
                return hits[0]
        return None

    def project_files(self) -> list[zipfile.ZipInfo]:
        """Every ``.qde`` member (any folder, any case), macOS resource forks left out."""
        return [info for key, info in self._by_path.items() if key.endswith(".qde")]

    def root_files(self, suffix: str) -> list[zipfile.ZipInfo]:
        return [
            info for key, info in self._by_path.items() if "/" not in key and key.endswith(suffix)
        ]

    def read(self, info: zipfile.ZipInfo, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """A member's bytes, refusing bombs and anything over the limits."""
        name = info.filename
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or info.file_size > self.budget:
            raise UnsafeArchive(
                self.source,
                f"archive member {name!r} would expand to {info.file_size / _MB:.0f} MB "
                f"(limit {min(limit, self.budget) / _MB:.0f} MB); refusing to read it",
            )
        if ratio > MAX_RATIO and info.file_size > RATIO_EXEMPT_BYTES:
            raise UnsafeArchive(
                self.source,
                f"archive member {name!r} is compressed {ratio:.0f}:1 (a zip bomb?); "
                "refusing to read it",
            )
        cap = min(limit, self.budget)
        parts: list[bytes] = []
        size = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > cap:
                        raise UnsafeArchive(
                            self.source,
                            f"archive member {name!r} expands beyond its declared size "
                            f"and the {cap / _MB:.0f} MB limit; refusing to read it",
                        )
                    parts.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
            raise _damaged(self.source, err) from None
        except NotImplementedError as err:
            raise ImportFailed(self.source, f"unsupported ZIP compression ({err})") from None
        except RuntimeError as err:  # encrypted member
            raise ImportFailed(self.source, f"cannot read {name!r} ({err})") from None
        self.budget -= size
        return b"".join(parts)


def _has_doctype(data: bytes) -> bool:
    head = data.lower()
    return any(marker in head for marker in _DOCTYPE_MARKERS)


def _refuse_dtd_or_empty(source: Path, where: str, data: bytes) -> None:
    """Checked before and after decoding: a DTD may hide in UTF-16 or behind a wrong
    encoding declaration."""
    if _has_doctype(data):
        raise UnsafeArchive(
            source,
            f"{where}XML declares a DTD (<!DOCTYPE>/<!ENTITY>), which QDA-XML never "
            "needs; refusing to read it",
        )
    if not data.strip():
        raise ImportFailed(source, f"{where}empty XML document")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=True,
        collect_ids=False,
    )


_XML_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_BARE = (  # "<?" without a BOM, as the XML spec's appendix F recognises it
    (b"<\0\0\0", "utf-32-le"),
    (b"\0\0\0<", "utf-32-be"),
    (b"<\0?\0", "utf-16-le"),
    (b"\0<\0?", "utf-16-be"),
    (b"<\0", "utf-16-le"),
    (b"\0<", "utf-16-be"),
)
_DECLARATION = re.compile(r"""^\s*(<\?xml\b[^>]*?\?>)""")
_ENCODING = re.compile(r"""(\bencoding\s*=\s*)(["'])([^"']*)\2""")
_WIDE = re.compile(r"^(utf-?(16|32)(-?[lb]e)?|ucs-?(2|4)|unicode)$", re.IGNORECASE)


def _declared(data: bytes) -> str | None:
    head = data[:200].decode("latin-1")
    declaration = _DECLARATION.match(head)
    if declaration is None:
        return None
    encoding = _ENCODING.search(declaration.group(1))
    return encoding.group(3).strip() if encoding else None


def prepare_xml(data: bytes) -> tuple[bytes, str | None]:
    """The document as UTF-8 bytes with a matching declaration, and a note if we had to guess.

    Raises ``UnicodeDecodeError`` when the bytes are not text in the encoding found.
    """
    note = None
    body, codec = data, ""
    for bom, name in _XML_BOMS:
        if data.startswith(bom):
            body, codec = data[len(bom) :], name
            break
    if not codec:
        for start, name in _XML_BARE:
            if data.startswith(start):
                codec = name
                break
    if not codec:  # an 8-bit encoding: believe the declaration unless it cannot be right
        declared = _declared(data)
        codec = "utf-8"
        if declared and _WIDE.match(declared):
            note = f"it declares encoding {declared!r} but is stored as 8-bit text; read as UTF-8"
        elif declared:
            try:
                codec = codecs.lookup(declared).name
            except LookupError:
                note = f"unknown encoding {declared!r} in its XML declaration; read as UTF-8"
        if codec == "utf-8":
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                codec = "cp1252"
                note = "it is not valid UTF-8; read as Windows-1252"
    text = body.decode(codec)
    declaration = _DECLARATION.match(text)
    if declaration is not None:
        fixed = _ENCODING.sub(r"\1\2utf-8\2", declaration.group(1), count=1)
        text = fixed + text[declaration.end() :]
    return text.encode("utf-8"), note


def parse_xml(
    data: bytes, source: Path, member: str | None = None, notes: list[str] | None = None
) -> etree._Element:
    """Parse untrusted QDA-XML; refuses DTDs and reports syntax errors in one line.

    Encoding quirks are repaired first (``prepare_xml``); what was assumed is appended
    to ``notes``.
    """
    where = f"{member}: " if member else ""
    _refuse_dtd_or_empty(source, where, data)
    try:
        data, note = prepare_xml(data)
    except UnicodeDecodeError as err:
        raise ImportFailed(
            source, f"{where}not readable as text ({err.encoding} at byte {err.start})"
        ) from None
    if note and notes is not None:
        notes.append(f"{member or source.name}: {note}")
    _refuse_dtd_or_empty(source, where, data)
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as err:
        message = _LOCATION.sub("", (err.msg or str(err) or "syntax error").splitlines()[0])
        line, column = (err.position or (None, None))[:2]
        loc = f" at line {line}, column {column}" if line else ""
        raise ImportFailed(source, f"{where}not well-formed XML{loc}: {message}") from None
    except (etree.LxmlError, ValueError) as err:
        raise ImportFailed(source, f"{where}unreadable XML: {err}") from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeArchive(source, f"{where}XML declares a DTD; refusing to read it")
    return tree.getroot()
