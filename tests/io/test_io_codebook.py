"""Codebook YAML: the shipped codebooks, the flat layout and every validation error."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.errors import CodebookError
from workbench.core.model import CodebookSpec, CodeSpec
from workbench.io.codebook_yaml import (
    MAX_FILE_BYTES,
    dump_codebook,
    load_codebook,
    parse_codebook,
    slugify,
)

REPO = Path(__file__).resolve().parents[2]
CODEBOOKS = REPO / "codebooks"
NA = CODEBOOKS / "na-disengagement.yaml"
STARTER = CODEBOOKS / "general-starter.yaml"
SRC = Path("study.yaml")


def parse(text: str) -> CodebookSpec:
    return parse_codebook(text, SRC)


def error_of(text: str) -> str:
    with pytest.raises(CodebookError) as info:
        parse(text)
    message = str(info.value)
    assert message.startswith("study.yaml: ")
    assert "\n" not in message
    return message


def children_of(spec: CodebookSpec, key: str | None) -> list[str]:
    return [code.key for code in spec.codes if code.parent == key]


# --------------------------------------------------------------------------- shipped codebooks


def test_study_codebook_has_the_three_themes_and_the_cross_cutting_one() -> None:
    spec = load_codebook(NA)
    assert spec.name == "NA disengagement study"
    assert children_of(spec, None) == [
        "model-did-not-fit",
        "negative-experiences",
        "safe-place-cage",
        "recovery-as-reintegration",
    ]
    assert children_of(spec, "model-did-not-fit") == [
        "strategies-did-not-fit",
        "explanatory-model-did-not-fit",
    ]
    assert children_of(spec, "strategies-did-not-fit") == [
        "meeting-format",
        "working-the-steps",
        "sponsorship",
    ]
    assert children_of(spec, "explanatory-model-did-not-fit") == [
        "lifelong-disease",
        "powerlessness",
        "higher-power",
        "total-abstinence",
    ]
    assert children_of(spec, "negative-experiences") == [
        "judgement",
        "gossip",
        "pressure-to-conform",
        "conflict",
        "not-heard",
        "relapse-shame",
    ]
    assert children_of(spec, "safe-place-cage") == [
        "protective-community",
        "dependence-on-group",
        "narrow-social-world",
        "obstacle-to-society",
    ]
    assert children_of(spec, "recovery-as-reintegration") == [
        "platform-not-goal",
        "still-valued",
        "one-size",
        "other-paths",
        "leaving-process",
    ]


def _keys_doc_hierarchy() -> list[tuple[str, str | None, str]]:
    """(key, parent, name) in order, read from docs/codebook-keys.md."""
    rows: list[tuple[str, str | None, str]] = []
    stack: list[str] = []
    text = (REPO / "docs" / "codebook-keys.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        found = re.match(r"^( *)- ([a-z0-9-]+): (.+?)(?: - .*)?$", line)
        if not found:
            continue
        level = len(found.group(1)) // 2
        del stack[level:]
        rows.append((found.group(2), stack[-1] if stack else None, found.group(3)))
        stack.append(found.group(2))
    return rows


def test_study_codebook_matches_the_key_list_other_files_use() -> None:
    expected = _keys_doc_hierarchy()
    assert len(expected) == 28
    spec = load_codebook(NA)
    assert [(c.key, c.parent) for c in spec.codes] == [(k, p) for k, p, _ in expected]
    names = {c.key: c.name for c in spec.codes}
    for key, _, name in expected:
        # the key list adds "(cross-cutting)" to one name as a note
        assert names[key] == name.removesuffix(" (cross-cutting)"), key


@pytest.mark.parametrize("path", [NA, STARTER], ids=["na", "starter"])
def test_shipped_codebooks_are_complete(path: Path) -> None:
    spec = load_codebook(path)
    keys = {code.key for code in spec.codes}
    for code in spec.codes:
        assert code.definition and code.inclusion and code.exclusion and code.example, code.key
        assert 5 <= len(code.keywords) <= 12, code.key
        assert re.fullmatch(r"#[0-9a-f]{6}", code.colour), code.key
        # exclusions say which code to use instead, by key
        named = set(re.findall(r"[a-z][a-z0-9-]+", code.exclusion)) & (keys - {code.key})
        assert named, f"{code.key}: exclusion names no other code"
        if code.parent is None:
            assert len(code.memo) > 100, f"theme {code.key} needs a memo"
    colours = [code.colour for code in spec.codes]
    assert len(set(colours)) == len(colours)


def test_starter_codebook_covers_the_usual_interview_areas() -> None:
    spec = load_codebook(STARTER)
    themes = children_of(spec, None)
    assert themes == [
        "experiences",
        "turning-points",
        "relationships",
        "barriers",
        "facilitators",
        "emotions",
        "identity",
        "help-seeking",
    ]
    for theme in themes:
        assert 2 <= len(children_of(spec, theme)) <= 4, theme


@pytest.mark.parametrize("path", [NA, STARTER], ids=["na", "starter"])
def test_shipped_patterns_are_valid_spacy_patterns(path: Path) -> None:
    pytest.importorskip("spacy")
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    spec = load_codebook(path)
    matcher = Matcher(Vocab(), validate=True)
    with_patterns = [code for code in spec.codes if code.patterns]
    assert len(with_patterns) >= 3
    for code in with_patterns:
        matcher.add(code.key, [json.loads(p) for p in code.patterns])


def test_study_codebook_patterns_are_written_back_as_yaml_lists() -> None:
    spec = load_codebook(NA)
    higher = next(code for code in spec.codes if code.key == "higher-power")
    assert json.loads(higher.patterns[0]) == [{"LEMMA": "higher"}, {"LEMMA": "power"}]
    assert higher.patterns[0] == '[{"LEMMA":"higher"},{"LEMMA":"power"}]'
    assert "- [{LEMMA: higher}, {LEMMA: power}]" in dump_codebook(spec)


@pytest.mark.parametrize("path", [NA, STARTER], ids=["na", "starter"])
def test_shipped_codebooks_round_trip(path: Path) -> None:
    spec = load_codebook(path)
    text = dump_codebook(spec)
    assert parse_codebook(text, path) == spec
    assert dump_codebook(parse_codebook(text, path)) == text


def test_format_doc_example_loads() -> None:
    doc = (REPO / "docs" / "codebook-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    spec = parse(example)
    assert [c.key for c in spec.codes] == [
        "model-did-not-fit",
        "meeting-format",
        "higher-power",
        "judgement",
    ]


def test_io_modules_import_no_ui_nlp_or_database() -> None:
    code = (
        "import sys, workbench.io.codebook_yaml, workbench.io.anchored_codings; "
        "print(sorted({'textual', 'spacy', 'sqlmodel', 'sqlalchemy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- reading


def test_nested_codes_come_out_flat_in_tree_order() -> None:
    spec = parse(
        """
name: Demo
description: |
  Two lines
  of text.
codes:
  - name: Theme A
    colour: "#D97706"
    definition: >
      Folded
      text.
    keywords: [twelve steps, "step  work"]
    children:
      - name: Child A1
      - key: a2
        name: Child A2
        children:
          - name: Grandchild
  - name: Theme B
"""
    )
    assert spec.description == "Two lines\nof text."
    assert [(c.key, c.parent) for c in spec.codes] == [
        ("theme-a", None),
        ("child-a1", "theme-a"),
        ("a2", "theme-a"),
        ("grandchild", "a2"),
        ("theme-b", None),
    ]
    theme = spec.codes[0]
    assert theme.colour == "#d97706"
    assert theme.definition == "Folded text."
    assert theme.keywords == ("twelve steps", "step work")


def test_flat_form_with_parents_after_children() -> None:
    spec = parse(
        """
name: Flat export
codes:
  - {key: narrow-social-world, name: A narrow social world, parent: safe-place-cage}
  - {key: safe-place-cage, name: The safe place can become a cage}
  - {key: protective-community, name: Protective community, parent: safe-place-cage}
  - {key: gossip, name: Gossip}
"""
    )
    assert [(c.key, c.parent) for c in spec.codes] == [
        ("safe-place-cage", None),
        ("narrow-social-world", "safe-place-cage"),
        ("protective-community", "safe-place-cage"),
        ("gossip", None),
    ]


def test_mixed_flat_and_nested_form() -> None:
    spec = parse(
        """
name: Mixed
codes:
  - key: theme
    name: Theme
    children:
      - key: sub
        name: Sub
        parent: theme        # allowed: agrees with the nesting
  - key: leaf
    name: Leaf
    parent: sub
"""
    )
    assert [(c.key, c.parent) for c in spec.codes] == [
        ("theme", None),
        ("sub", "theme"),
        ("leaf", "sub"),
    ]


def test_flat_and_nested_forms_give_the_same_spec() -> None:
    nested = load_codebook(NA)
    flat_codes = []
    for code in nested.codes:
        row: dict[str, object] = {"key": code.key, "name": code.name, "colour": code.colour}
        if code.parent:
            row["parent"] = code.parent
        for field in ("definition", "inclusion", "exclusion", "example", "memo"):
            row[field] = getattr(code, field)
        row["keywords"] = list(code.keywords)
        row["patterns"] = [json.loads(p) for p in code.patterns]
        flat_codes.append(row)
    import yaml

    text = yaml.safe_dump(
        {"name": nested.name, "description": nested.description, "codes": flat_codes},
        allow_unicode=True,
        sort_keys=False,
    )
    assert parse(text) == nested


def test_generated_keys_are_slugs_and_unique() -> None:
    spec = parse(
        """
name: Keys
codes:
  - name: Økonomi & arbeid!
  - name: Other
    children:
      - name: Other               # a child may share its parent's name
  - key: other-3                  # explicit keys win; generated ones step around them
    name: Taken explicitly
  - name: Éé — 日本
"""
    )
    assert [c.key for c in spec.codes] == ["okonomi-arbeid", "other", "other-2", "other-3", "ee"]


def test_slugify() -> None:
    assert slugify("The model did not fit") == "the-model-did-not-fit"
    assert slugify("  Sæter, Ødegård & Åsen ") == "saeter-odegard-asen"
    assert slugify("!!!") == "code"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-")


def test_codebook_name_defaults_to_file_name() -> None:
    spec = parse_codebook("codes: []\n", Path("my study.yaml"))
    assert spec == CodebookSpec(name="my study", codes=())


def test_color_spelling_is_accepted() -> None:
    spec = parse('name: x\ncodes:\n  - {name: A, color: "#ABCDEF"}\n')
    assert spec.codes[0].colour == "#abcdef"


def test_load_codebook_reads_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Å\ncodes: [{name: Ø}]\n".encode())
    spec = load_codebook(path)
    assert spec.name == "Å" and spec.codes[0].key == "o"


def test_dump_refuses_a_spec_it_cannot_nest() -> None:
    orphan = CodebookSpec("x", (CodeSpec("a", "A", parent="missing"),))
    with pytest.raises(ValueError, match="unknown parent 'missing'"):
        dump_codebook(orphan)
    loop = CodebookSpec("x", (CodeSpec("a", "A", parent="b"), CodeSpec("b", "B", parent="a")))
    with pytest.raises(ValueError, match="cycle"):
        dump_codebook(loop)


def test_dump_orders_fields_and_skips_empty_ones() -> None:
    spec = CodebookSpec(
        "Tiny",
        (
            CodeSpec("t", "Theme", colour="#ABCDEF", memo="m", keywords=("a", "b c")),
            CodeSpec("c", "Child", parent="t", definition="line one\nline two"),
        ),
    )
    assert dump_codebook(spec) == (
        "name: Tiny\n"
        "codes:\n"
        "  - key: t\n"
        "    name: Theme\n"
        '    colour: "#abcdef"\n'
        "    keywords: [a, b c]\n"
        "    memo: m\n"
        "    children:\n"
        "      - key: c\n"
        "        name: Child\n"
        "        definition: |\n"
        "          line one\n"
        "          line two\n"
    )


# --------------------------------------------------------------------------- errors


def test_error_cycle() -> None:
    message = error_of(
        "name: x\ncodes:\n"
        "  - {key: a, name: A, parent: c}\n"
        "  - {key: b, name: B, parent: a}\n"
        "  - {key: c, name: C, parent: b}\n"
    )
    assert "cycle" in message and "a -> c -> b -> a" in message


def test_error_cycle_names_a_code_in_the_cycle() -> None:
    message = error_of(
        "name: x\ncodes:\n"
        "  - {key: a, name: A, parent: b}\n"
        "  - {key: b, name: B, parent: c}\n"
        "  - {key: c, name: C, parent: b}\n"
    )
    assert message == "study.yaml: line 4: code 'B' (b): the parents form a cycle: b -> c -> b"


def test_error_cycle_through_nesting() -> None:
    message = error_of(
        "name: x\ncodes:\n"
        "  - key: a\n    name: A\n    parent: b\n    children:\n      - {key: b, name: B}\n"
    )
    assert "cycle" in message and "a -> b -> a" in message


def test_error_self_parent() -> None:
    message = error_of("name: x\ncodes:\n  - {key: a, name: Alpha, parent: a}\n")
    assert message == "study.yaml: line 3: code 'Alpha' (a) is its own parent"


def test_error_duplicate_key() -> None:
    message = error_of(
        "name: x\ncodes:\n"
        "  - key: gossip\n    name: Gossip\n"
        "    children:\n      - {key: GOSSIP, name: Rumours}\n"
    )
    assert "duplicate key 'GOSSIP'" in message
    assert "'Gossip' (gossip) (line 3)" in message and "'Rumours' (GOSSIP)" in message


def test_error_duplicate_sibling_name() -> None:
    message = error_of(
        "name: x\ncodes:\n"
        "  - name: Theme\n    children:\n"
        "      - {key: a, name: Gossip}\n"
        "      - {key: b, name: gossip}\n"
    )
    assert "both named 'Gossip' and 'gossip'" in message and "'Theme'" in message
    assert message.startswith("study.yaml: line 6: ")


def test_same_name_under_different_parents_is_fine() -> None:
    spec = parse(
        "name: x\ncodes:\n"
        "  - {key: a, name: A}\n  - {key: b, name: B}\n"
        "  - {key: a-other, name: Other, parent: a}\n  - {key: b-other, name: Other, parent: b}\n"
    )
    assert len(spec.codes) == 4


def test_error_unknown_parent() -> None:
    message = error_of(
        "name: x\ncodes:\n"
        "  - {key: negative-experiences, name: Negative}\n"
        "  - {key: judgement, name: Judgement, parent: negative-experience}\n"
    )
    assert message == (
        "study.yaml: line 4: code 'Judgement' (judgement): parent 'negative-experience' "
        "does not exist (did you mean 'negative-experiences'?)"
    )


def test_error_unknown_field_suggests_the_closest() -> None:
    message = error_of(
        "name: x\ncodes:\n  - key: sponsorship\n    name: Sponsorship\n    defintion: text\n"
    )
    assert message.startswith(
        "study.yaml: line 5: code 'Sponsorship' (sponsorship): unknown field 'defintion' "
        "(did you mean 'definition'?)"
    )


def test_error_bad_yaml_names_the_line() -> None:
    message = error_of("name: x\ncodes:\n  - name: A\n    definition: one: two\n")
    assert message == "study.yaml: line 4: YAML syntax error: mapping values are not allowed here"


def test_error_empty_file() -> None:
    assert "the file is empty" in error_of("")
    assert "the file is empty" in error_of("# only a comment\n\n")


def test_error_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"^empty\.yaml: the file is empty"):
        load_codebook(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- name: A\n", "the top level is a list"),
        ("just text\n", "the top level must be a mapping"),
        ("name: x\n", "'codes' is missing"),
        ("name: x\ncodes:\n", "'codes' is empty"),
        ("name: x\ncodes: {a: 1}\n", "'codes' must be a list of codes, not a mapping"),
        ("name: x\ncodez: []\n", "line 2: unknown top-level field 'codez' (did you mean 'codes'?)"),
        (
            "name: x\ncodes:\n  - key: a\n    definition: d\n",
            "code #1 in 'codes' (key 'a') has no name",
        ),
        ("name: x\ncodes:\n  - Gossip\n", "code #1 in 'codes' must be a mapping"),
        (
            "name: x\ncodes:\n  - name: 2019\n",
            "'name' must be text, not int 2019; put it in quotes",
        ),
        ("name: x\ncodes:\n  - {name: A, colour: red}\n", "colour 'red' is not a colour"),
        ("name: x\ncodes:\n  - {name: A, colour: '#abc'}\n", "colour '#abc' is not a colour"),
        (
            "name: x\ncodes:\n  - name: A\n    colour: #d97706\n",
            "line 4: code 'A': the colour must be in quotes",
        ),
        ("name: x\ncodes:\n  - name: A\n    keywords: a, b\n", "'keywords' must be a list"),
        (
            "name: x\ncodes:\n  - {name: A, keywords: [a, 3]}\n",
            "keyword #2 must be a word or phrase",
        ),
        (
            "name: x\ncodes:\n  - {name: A, keywords: [no]}\n",
            "put it in quotes (YAML reads yes, no",
        ),
        (
            "name: x\ncodes:\n  - {name: A, patterns: [{LEMMA: x}]}\n",
            "pattern #1 must be a non-empty list",
        ),
        ("name: x\ncodes:\n  - {name: A, patterns: [[x]]}\n", "each token must be a mapping"),
        (
            "name: x\ncodes:\n  - {name: A, patterns: [[{LEMA: x}]]}\n",
            "unknown token attribute 'LEMA' (did you mean 'LEMMA'?)",
        ),
        (
            "name: x\ncodes:\n  - {name: A, patterns: [[{LOWER: on}]]}\n",
            "the value of LOWER must be text",
        ),
        (
            "name: x\ncodes:\n  - {name: A, patterns: [[{LOWER: null}]]}\n",
            "the value of LOWER is empty",
        ),
        ("name: x\ncodes:\n  - {name: A, patterns: oops}\n", "'patterns' must be a list"),
        ("name: x\ncodes:\n  - {name: A, children: B}\n", "'children' must be a list of codes"),
        ("name: x\ncodes:\n  - {key: my key, name: A}\n", "key 'my key' must be one word"),
        ("name: x\ncodes:\n  - {key: 12, name: A}\n", "'key' must be text"),
        ("name: x\ncodes:\n  - {name: A, parent: 3}\n", "'parent' must be the key of another code"),
        (
            "name: x\ncodes:\n  - {name: A, definition: [a]}\n",
            "'definition' must be text, not a list",
        ),
        (
            "name: x\ncodes:\n  - {name: A, color: '#aaaaaa', colour: '#bbbbbb'}\n",
            "both 'colour' and",
        ),
        ("name: x\ncodes:\n  - name: A\n    name: B\n", "line 4: field 'name' appears twice"),
        (
            "name: x\ncodes:\n  - name: A\n    example: 2023-02-30\n",
            "line 4: the value '2023-02-30' could not be read",
        ),
        (
            "name: !!python/object:os.system x\ncodes: []\n",
            "unsupported YAML tag '!!python/object:os.system'",
        ),
        (
            "name: x\ncodes:\n\t- name: A\n",
            "line 3: YAML syntax error: found character '\\t' that cannot start any token "
            "(indent with spaces",
        ),
        ("name: x\x01\ncodes: []\n", "line 1: the file contains a control character (U+0001)"),
        ("name: x\ncodes: []\n---\nname: y\n", "YAML syntax error"),
        (
            "name: x\ncodes:\n  - key: a\n    name: A\n    children:\n"
            "      - {key: b, name: B, parent: c}\n  - {key: c, name: C}\n",
            "code 'B' (b) is listed under the children of 'A' (a) but says parent: 'c'",
        ),
    ],
)
def test_error_messages(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_error_too_deep_when_nested() -> None:
    lines = ["name: x", "codes:"]
    for depth in range(7):
        pad = "    " * depth
        lines.append(f"{pad}  - name: Level {depth + 1}")
        if depth < 6:
            lines.append(f"{pad}    children:")
    message = error_of("\n".join(lines) + "\n")
    assert "'Level 6' has children nested more than 6 levels deep" in message


def test_error_too_deep_through_parents() -> None:
    codes = "".join(
        f"  - {{key: c{i}, name: C{i}" + (f", parent: c{i - 1}" if i else "") + "}\n"
        for i in range(7)
    )
    message = error_of("name: x\ncodes:\n" + codes)
    assert "'C6' (c6) is 7 levels deep; codebooks may be at most 6 levels deep" in message


def test_six_levels_are_allowed() -> None:
    codes = "".join(
        f"  - {{key: c{i}, name: C{i}" + (f", parent: c{i - 1}" if i else "") + "}\n"
        for i in range(6)
    )
    assert len(parse("name: x\ncodes:\n" + codes).codes) == 6


def test_error_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"name: x\ncodes: []\n" + b"#" * MAX_FILE_BYTES)
    with pytest.raises(CodebookError, match=r"^huge\.yaml: the file is 5\.0 MB; .*limited to 5 MB"):
        load_codebook(path)
    with pytest.raises(CodebookError, match="larger than 5 MB"):
        parse_codebook(path.read_text(encoding="utf-8"), path)


def test_error_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: Sæter\ncodes: []\n".encode("latin-1"))
    with pytest.raises(
        CodebookError, match=r"^latin\.yaml: not UTF-8 text \(byte 0xe6 on line 1\)"
    ):
        load_codebook(path)


def test_error_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match=r"^nope\.yaml: file not found$"):
        load_codebook(tmp_path / "nope.yaml")
    with pytest.raises(CodebookError, match="is a folder"):
        load_codebook(tmp_path)


def test_deeply_nested_yaml_fails_cleanly() -> None:
    message = error_of("name: x\ncodes: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in message or "must be a mapping" in message


def test_aliases_in_patterns_cannot_blow_up() -> None:
    # pattern n holds 10**n words through aliases; naive expansion would never finish
    patterns = ["      - [{LOWER: {IN: &a1 [x, x, x, x, x, x, x, x, x, x]}}]"]
    for i in range(2, 10):
        patterns.append(
            f"      - [{{LOWER: {{IN: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]}}]"
        )
    text = "name: x\ncodes:\n  - name: A\n    patterns:\n" + "\n".join(patterns) + "\n"
    assert "pattern #4: the value of LOWER is too large or too deeply nested" in error_of(text)


def test_aliases_in_children_cannot_blow_up() -> None:
    text = "name: x\ncodes:\n  - &c1 {name: A}\n"
    for i in range(2, 7):
        text += f"  - &c{i} {{name: B{i}, children: [" + ", ".join([f"*c{i - 1}"] * 10) + "]}\n"
    assert "more than 10000 codes" in error_of(text)
