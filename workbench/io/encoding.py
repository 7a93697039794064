"""Turn the bytes of a text file into normalised text, or refuse with a clear reason.

Normalisation: BOM removed, CRLF and lone CR become LF. Nothing else is touched, so
quotes taken from the stored text match the user's file exactly.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from workbench.core.errors import BadEncoding, ImportFailed

__all__ = ["decode_text", "normalise_newlines"]

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Control characters that ordinary text files do contain.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: the DOS end-of-file marker

# A well-formed UTF-8 multi-byte sequence. A file that is not valid UTF-8 but contains
# more of these than invalid bytes is damaged UTF-8 (or mixes encodings), not cp1252.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)

_MIN_SNIFF_CHARS = 200
# Non-ASCII characters common in Western prose: Latin-1 letters, quotes, dashes, money.
_WESTERN = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)]
    + list("ŒœŠšŽžŸ‘’‚“”„–—…«»€£°§•·\u00a0")
)

_BINARY = "not a text file (binary data)"
_UNDECODABLE = "cannot decode as UTF-8, UTF-16 or Windows-1252"


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes, source: Path) -> str:
    """Decode a text file's bytes; BOM removed, newlines normalised to LF.

    Raises ``ImportFailed("file is empty")`` for empty or whitespace-only files and
    ``BadEncoding`` for binary data or bytes that are neither UTF-8/16/32 nor plausible
    Windows-1252 text.
    """
    if not data:
        raise ImportFailed(source, "file is empty")
    text = _decode(data, source)
    if "\x00" in text:
        raise BadEncoding(source, _BINARY)
    text = normalise_newlines(text)
    if not text.strip():
        raise ImportFailed(source, "file is empty")
    return text


def _decode(data: bytes, source: Path) -> str:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            # The BOM declares the encoding: trust it, only refuse what cannot decode.
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                raise BadEncoding(
                    source, f"cannot decode as {label} despite its byte-order mark ({err.reason})"
                ) from None

    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise BadEncoding(source, _BINARY) from None
        _refuse_control_heavy(text, source)
        return text

    if b"\x00" in data:
        raise BadEncoding(source, _BINARY)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return _decode_cp1252(data, source, err)
    _refuse_control_heavy(text, source)
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, recognised only when it is unmistakable.

    ASCII-range text in UTF-16 has a NUL in every other byte; demand that in (nearly)
    all of one byte lane and (nearly) none of the other.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    n = len(even)
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd >= 0.9 * n and nul_even <= 0.02 * n:
        return "utf-16-le"
    if nul_even >= 0.9 * n and nul_odd <= 0.02 * n:
        return "utf-16-be"
    return None


def _control_count(text: str) -> int:
    return sum(1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc")


def _refuse_control_heavy(text: str, source: Path) -> None:
    """Decoded text that is mostly control characters is binary data, not a transcript."""
    if _control_count(text) > max(2, len(text) // 20):
        raise BadEncoding(source, _BINARY)


def _decode_cp1252(data: bytes, source: Path, utf8_error: UnicodeDecodeError) -> str:
    """Fallback for legacy Western files; deliberately conservative."""
    valid = len(_UTF8_MULTIBYTE.findall(data))
    if valid and valid >= data.decode("utf-8", "replace").count("\ufffd"):
        # Mostly UTF-8 with a few bad bytes: reading it as cp1252 would garble every
        # accented letter. Point at the first bad byte instead. (Real cp1252 text has
        # many bytes that are invalid UTF-8 and almost no valid UTF-8 sequences.)
        line = normalise_newlines(data[: utf8_error.start].decode("latin-1")).count("\n") + 1
        raise BadEncoding(
            source,
            f"cannot decode as UTF-8: invalid byte 0x{data[utf8_error.start]:02x} "
            f"(the file mixes encodings or is damaged)",
            line=line,
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise BadEncoding(source, _UNDECODABLE) from None
    if _control_count(text) > len(text) // 100:
        raise BadEncoding(source, _BINARY)
    if not _looks_western(text, data):
        raise BadEncoding(source, _UNDECODABLE)
    return text


def _looks_western(text: str, data: bytes) -> bool:
    """Western prose: mostly ASCII, few symbols, and no chaos when read as cp1252.

    Random high bytes fail the first two tests. charset-normalizer's mess detector tells
    cp1252 apart from Cyrillic cp1251 or Mac Roman bytes, but needs some text to judge.
    """
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if len(non_ascii) > max(8, len(text) // 2):
        return False
    odd = sum(1 for ch in non_ascii if ch not in _WESTERN)
    if odd > max(2, len(text) // 20):
        return False
    if len(text) < _MIN_SNIFF_CHARS:
        return True
    from charset_normalizer import from_bytes

    return from_bytes(data, cp_isolation=["cp1252"]).best() is not None
