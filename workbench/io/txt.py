"""Plain-text (.txt) and Markdown (.md) transcripts.

The text is stored as written, apart from normalisation (BOM removed, CRLF and CR
become LF); Markdown is not rendered, so ``**Interviewer:**`` stays in the text and the
turn starts after it.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.model import ParsedDocument
from workbench.io._common import make_document
from workbench.io.encoding import decode_text
from workbench.io.speakers import build_turns

__all__ = ["read_md", "read_txt"]


def read_txt(data: bytes, source: Path) -> ParsedDocument:
    """Read a .txt file's bytes into a transcript."""
    text = decode_text(data, source)
    return make_document(source, text, build_turns(text), "txt")


def read_md(data: bytes, source: Path) -> ParsedDocument:
    """Read a .md file's bytes into a transcript."""
    text = decode_text(data, source)
    return make_document(source, text, build_turns(text), "md")
