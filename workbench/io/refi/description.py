"""Code descriptions, deterministic GUIDs and the workbench comment extension.

**Descriptions.** QDA-XML gives a code one free-text ``Description``. We write the
codebook fields as labelled paragraphs that read well in any program::

    Definition: ...
    Include: ...
    Exclude: ...
    Example: ...

Empty fields are left out. ``parse_description`` reads that form back exactly (values
are stripped of surrounding whitespace). A description without labels (from another
program) becomes the definition; text before the first label is joined to the
definition.

**GUIDs.** Exports are deterministic: every GUID is a UUID5 of a fixed namespace and a
stable name (a code's key, a document's checksum, a coder's name...). So the same
project exports the same GUIDs, and a code that went through another program that kept
its GUID is recognised on the way back even without our comment.

**Comment extension.** What QDA-XML has no place for (a code's key, keywords, matcher
patterns and memo; a starred coding) goes into one XML comment inside the element:
``<!--workbench:code {"key": "gossip", ...}-->``. Schema validation ignores comments
and other programs drop them, which only loses these extras.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

__all__ = [
    "LABELS",
    "compose_description",
    "parse_description",
    "guid_for",
    "norm_guid",
    "encode_comment",
    "decode_comment",
]

# Field name -> label. Order is the order written.
LABELS: dict[str, str] = {
    "definition": "Definition",
    "inclusion": "Include",
    "exclusion": "Exclude",
    "example": "Example",
}
_LABEL_TO_FIELD = {label.lower(): name for name, label in LABELS.items()}
# Spellings other programs or people use for the same labels.
_LABEL_TO_FIELD.update(
    {
        "inclusion": "inclusion",
        "inclusion criteria": "inclusion",
        "includes": "inclusion",
        "exclusion": "exclusion",
        "exclusion criteria": "exclusion",
        "excludes": "exclusion",
        "examples": "example",
    }
)
_LABEL_LINE = re.compile(
    r"^[ \t]*("
    + "|".join(re.escape(k) for k in sorted(_LABEL_TO_FIELD, key=len, reverse=True))
    + r")[ \t]*:[ \t]?",
    re.IGNORECASE,
)


def compose_description(definition: str, inclusion: str, exclusion: str, example: str) -> str:
    values = {
        "definition": definition,
        "inclusion": inclusion,
        "exclusion": exclusion,
        "example": example,
    }
    return "\n".join(
        f"{LABELS[name]}: {value.strip()}" for name, value in values.items() if value.strip()
    )


def parse_description(text: str) -> dict[str, str]:
    """Split a description into definition/inclusion/exclusion/example (all keys present)."""
    fields: dict[str, list[str]] = {name: [] for name in LABELS}
    current = "definition"
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _LABEL_LINE.match(line)
        if m:
            current = _LABEL_TO_FIELD[m.group(1).lower()]
            if any(part.strip() for part in fields[current]):
                fields[current].append("")
            fields[current].append(line[m.end() :])
        else:
            fields[current].append(line)
    return {name: "\n".join(lines).strip() for name, lines in fields.items()}


# Fixed namespace for workbench exports (never change it: GUIDs must stay stable).
_NAMESPACE = uuid.UUID("5f0c7a52-3d0e-4d5b-9a3c-0b1f9d3e7a61")
_HEX = "[0-9a-fA-F]"
_GUID = re.compile(rf"^\{{?({_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}})\}}?$")


def guid_for(kind: str, *parts: object) -> str:
    """A stable GUID for (kind, parts...), e.g. ``guid_for("code", key)``."""
    name = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(_NAMESPACE, name))


def norm_guid(value: str | None) -> str | None:
    """Lower case, without braces or surrounding space; non-GUID strings kept (stripped)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    m = _GUID.match(value)
    return m.group(1).lower() if m else value


def is_guid(value: str) -> bool:
    return bool(_GUID.match(value))


def encode_comment(kind: str, payload: dict[str, Any]) -> str:
    """The text of a ``workbench:<kind>`` comment; never contains ``--`` or ends in ``-``."""
    body = json.dumps(payload, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    # "--" can only occur inside JSON strings (numbers never touch), so escaping the
    # second dash of each pair keeps the JSON valid and the comment legal.
    while "--" in body:
        body = body.replace("--", "-\\u002d")
    return f"workbench:{kind} {body}"


def decode_comment(text: str | None, kind: str) -> dict[str, Any] | None:
    """The payload of a ``workbench:<kind>`` comment, or None if it is not one / is broken."""
    if not text:
        return None
    text = text.strip()
    prefix = f"workbench:{kind} "
    if not text.startswith(prefix) or len(text) > 1_000_000:
        return None
    try:
        payload = json.loads(text[len(prefix) :])
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
