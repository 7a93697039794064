"""Property tests: dump then parse gives the codebook back; any input fails cleanly."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.errors import CodebookError
from workbench.core.model import CodebookSpec, CodeSpec
from workbench.io.codebook_yaml import (
    CODE_FIELDS,
    MAX_DEPTH,
    TOKEN_ATTRIBUTES,
    _Dumper,
    dump_codebook,
    parse_codebook,
)

SRC = Path("roundtrip.yaml")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that trips YAML writers: indicators, look-alikes of other types, breaks, quotes.
TRICKY = [
    "yes",
    "No",
    "on",
    "OFF",
    "null",
    "~",
    "true",
    "1",
    "0o17",
    "1_000",
    "1.5",
    "1e3",
    ".inf",
    "2023-02-30",
    "12:30:00",
    "#comment",
    "a # b",
    "key: value",
    "- dash",
    "? q",
    "[x]",
    "{y}",
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "%",
    "@",
    "`",
    "'single'",
    '"double"',
    "it's",
    'say "hi"',
    "colon:",
    ": lead",
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "two\n\nparas",
    "trailing \nspace",
    "  indented\nfirst",
    "é ø å 日本 🙂",
    "\u00a0nbsp",
    "x\u2028y",
    "x\x85y",
    "carriage\rreturn",
    "crlf\r\nline",
    "bell\x07",
    "zero\x00",
    "bom\ufeffmid",
    "a" * 300,
    ("word " * 60).strip(),
    "---",
    "...",
    "- - -",
    "=",
]


def _stripped(s: str) -> str:
    return s.strip()


def _collapsed(s: str) -> str:
    return " ".join(s.split())


any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=120)
prose = st.one_of(
    any_text,
    st.sampled_from(TRICKY),
    st.lists(st.sampled_from(TRICKY), min_size=2, max_size=4).map("\n".join),
).map(_stripped)
label = st.one_of(any_text, st.sampled_from(TRICKY)).map(_collapsed).filter(bool)
keys = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9._-]{0,24}", fullmatch=True),
    st.from_regex(r"\w[\w.-]{0,12}", fullmatch=True),
    st.sampled_from(["yes", "null", "1", "1.0", "0x1F", "on", "true", "_", "a.b"]),
)
colours = st.one_of(st.just(""), st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))

_BOOL_ATTRS = sorted(a for a in TOKEN_ATTRIBUTES if a.startswith(("IS_", "LIKE_")))
_TEXT_ATTRS = ["LOWER", "LEMMA", "ORTH", "TEXT", "NORM", "POS", "TAG", "SHAPE"]
pattern_text = st.one_of(label, st.sampled_from(TRICKY[:30]))
token = st.one_of(
    st.builds(lambda a, v: {a: v}, st.sampled_from(_TEXT_ATTRS), pattern_text),
    st.builds(
        lambda a, v: {a: {"IN": v}},
        st.sampled_from(_TEXT_ATTRS),
        st.lists(pattern_text, max_size=3),
    ),
    st.builds(lambda a, v: {a: v}, st.sampled_from(_BOOL_ATTRS), st.booleans()),
    st.builds(lambda n: {"LENGTH": n}, st.integers(0, 10**12)),
    st.builds(
        lambda a, v, op: {a: v, "OP": op},
        st.sampled_from(_TEXT_ATTRS),
        pattern_text,
        st.sampled_from(["?", "*", "+", "!", "{2}", "{1,3}"]),
    ),
    st.builds(lambda k, v: {"_": {k: v}}, label, pattern_text),
)
patterns = st.lists(st.lists(token, min_size=1, max_size=4), max_size=3).map(
    lambda ps: tuple(
        json.dumps(p, sort_keys=True, ensure_ascii=False, separators=(",", ":")) for p in ps
    )
)


@st.composite
def codebooks(draw: st.DrawFn) -> CodebookSpec:
    """A valid codebook in the canonical form parse_codebook returns (tree order)."""
    count = draw(st.integers(0, 10))
    code_keys = draw(
        st.lists(keys, min_size=count, max_size=count, unique_by=lambda k: k.casefold())
    )
    parents: list[int | None] = []
    depth: list[int] = []
    for i in range(count):
        choices = [None] + [j for j in range(i) if depth[j] < MAX_DEPTH]
        parent = draw(st.sampled_from(choices))
        parents.append(parent)
        depth.append(1 if parent is None else depth[parent] + 1)
    codes: list[CodeSpec] = []
    sibling_names: dict[int | None, set[str]] = {}
    for i in range(count):
        name = draw(label)
        taken = sibling_names.setdefault(parents[i], set())
        while name.casefold() in taken:
            name = f"{name} {i}"
        taken.add(name.casefold())
        parent = parents[i]
        codes.append(
            CodeSpec(
                key=code_keys[i],
                name=name,
                parent=None if parent is None else code_keys[parent],
                definition=draw(prose),
                inclusion=draw(prose),
                exclusion=draw(prose),
                example=draw(prose),
                colour=draw(colours),
                keywords=tuple(draw(st.lists(label, max_size=5))),
                patterns=draw(patterns),
                memo=draw(prose),
            )
        )
    # canonical order: depth first, siblings in the order drawn
    ordered: list[CodeSpec] = []

    def visit(parent: str | None) -> None:
        for code in codes:
            if code.parent == parent:
                ordered.append(code)
                visit(code.key)

    visit(None)
    return CodebookSpec(
        name=draw(st.one_of(prose, label)), codes=tuple(ordered), description=draw(prose)
    )


@SETTINGS
@given(codebooks())
def test_dump_then_parse_is_lossless(spec: CodebookSpec) -> None:
    text = dump_codebook(spec)
    assert parse_codebook(text, SRC) == spec
    # writing again is stable
    assert dump_codebook(parse_codebook(text, SRC)) == text

    # the file is plain YAML, nested, with no parent fields
    data = yaml.safe_load(text)
    assert list(data)[:1] == ["name"]

    def count(items: list[dict[str, Any]]) -> int:
        total = 0
        for item in items:
            assert "parent" not in item and set(item) <= set(CODE_FIELDS)
            total += 1 + count(item.get("children", []))
        return total

    assert count(data["codes"]) == len(spec.codes)


@SETTINGS
@given(codebooks())
def test_flat_form_parses_to_the_same_spec(spec: CodebookSpec) -> None:
    rows = []
    for code in spec.codes:
        row: dict[str, Any] = {"key": code.key, "name": code.name}
        if code.parent is not None:
            row["parent"] = code.parent
        for field in ("colour", "definition", "inclusion", "exclusion", "example", "memo"):
            row[field] = getattr(code, field)
        row["keywords"] = list(code.keywords)
        row["patterns"] = [json.loads(p) for p in code.patterns]
        rows.append(row)
    # our dumper: PyYAML's default one turns \x85 and \u2028 into plain line breaks
    text = yaml.dump(
        {"name": spec.name, "description": spec.description, "codes": rows},
        Dumper=_Dumper,
        allow_unicode=True,
    )
    assert parse_codebook(text, SRC) == spec


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_codebook_or_a_codebook_error(text: str) -> None:
    with contextlib.suppress(CodebookError):
        parse_codebook(text, SRC)


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    any_text,
    st.sampled_from(TRICKY),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from([*CODE_FIELDS, "color", "codes"]), any_text),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=25,
)
code_like = st.dictionaries(st.sampled_from([*CODE_FIELDS, "color"]), yaml_values, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        yaml_values,
        st.fixed_dictionaries(
            {"name": yaml_values, "codes": st.lists(code_like, max_size=5)},
            optional={"description": yaml_values},
        ),
    )
)
def test_any_yaml_structure_gives_a_codebook_or_a_codebook_error(data: object) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    with contextlib.suppress(CodebookError):
        parse_codebook(text, SRC)
