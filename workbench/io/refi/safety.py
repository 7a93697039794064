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
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from workbench.core.errors import ImportFailed, UnsafeArchive

__all__ = [
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_RATIO",
    "SafeArchive",
    "parse_xml",
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
            if info.is_dir():
                continue
            key = str(path).lower()
            self._by_path.setdefault(key, info)
            self._by_name.setdefault(path.name.lower(), []).append(info)

    def names(self) -> list[str]:
        return [info.filename for info in self._by_path.values()]

    def find(self, reference: str) -> zipfile.ZipInfo | None:
        """A member for a path written in the project: exact (case-insensitive) under
        ``sources/`` or the root, else a unique file of that name anywhere."""
        ref = reference.replace("\\", "/").strip()
        while ref.startswith(("./", "/")):
            ref = ref[2:] if ref.startswith("./") else ref[1:]
        if not ref:
            return None
        low = ref.lower()
        for candidate in (f"sources/{low}", low):
            info = self._by_path.get(candidate)
            if info is not None:
                return info
        hits = self._by_name.get(PurePosixPath(low).name, [])
        return hits[0] if len(hits) == 1 else None

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


def parse_xml(data: bytes, source: Path, member: str | None = None) -> etree._Element:
    """Parse untrusted QDA-XML; refuses DTDs and reports syntax errors in one line."""
    where = f"{member}: " if member else ""
    if _has_doctype(data):
        raise UnsafeArchive(
            source,
            f"{where}XML declares a DTD (<!DOCTYPE>/<!ENTITY>), which QDA-XML never "
            "needs; refusing to read it",
        )
    if not data.strip():
        raise ImportFailed(source, f"{where}empty XML document")
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
