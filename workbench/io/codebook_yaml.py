"""Codebook files: a YAML reader with one-line errors, and a writer that round-trips.

The format is documented for researchers in ``docs/codebook-format.md``. In short: a
mapping with ``name``, ``description`` and ``codes``; each code is a mapping with a
``name`` and optional ``key``, ``colour``, ``definition``, ``inclusion``, ``exclusion``,
``example``, ``keywords``, ``patterns``, ``memo`` and nested ``children``. A flat form,
where codes point at their parent with ``parent: <key>``, is also accepted, and the two
can be mixed.

:func:`parse_codebook` returns a :class:`~workbench.core.model.CodebookSpec` whose codes
are in tree order (depth first, siblings in file order), with every text field stripped,
colours lower-cased and patterns stored as compact JSON. :func:`dump_codebook` writes that
back as nested YAML, and ``parse_codebook(dump_codebook(spec), p) == spec`` for any spec
``parse_codebook`` can return.

Only the safe YAML constructors are used: the loader is a subclass of
``yaml.SafeLoader`` that only adds line numbers and a duplicate-field check.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from workbench.core.errors import CodebookError
from workbench.core.model import CodebookSpec, CodeSpec

__all__ = [
    "CODE_FIELDS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "TOP_FIELDS",
    "YamlProblem",
    "dump_codebook",
    "load_codebook",
    "parse_codebook",
    "read_yaml",
    "slugify",
    "suggest",
]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 6  # themes are depth 1
MAX_CODES = 10_000
MAX_KEY_LENGTH = 100

TOP_FIELDS = ("name", "description", "codes")
CODE_FIELDS = (
    "key",
    "name",
    "parent",
    "colour",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "keywords",
    "patterns",
    "memo",
    "children",
)
FIELD_ALIASES = {"color": "colour"}
TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example", "memo")

_KEY_RE = re.compile(r"^\w[\w.\-]*$")
_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_HEXISH_RE = re.compile(r"^\s*#\s*[0-9a-fA-F]{3,8}\b")

# Token attributes the spaCy Matcher accepts (spacy/schemas.py, TokenPattern); case-insensitive.
TOKEN_ATTRIBUTES = frozenset(
    """ORTH TEXT LOWER POS TAG MORPH DEP LEMMA SHAPE ENT_TYPE ENT_IOB ENT_ID ENT_KB_ID NORM
    LENGTH SPACY IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER IS_UPPER IS_TITLE IS_PUNCT IS_SPACE
    IS_BRACKET IS_QUOTE IS_LEFT_PUNCT IS_RIGHT_PUNCT IS_CURRENCY IS_STOP IS_SENT_START
    SENT_START LIKE_NUM LIKE_URL LIKE_EMAIL OP _""".split()
)

TEXT_TOKEN_ATTRIBUTES = frozenset(
    "ORTH TEXT LOWER POS TAG MORPH DEP LEMMA SHAPE ENT_TYPE ENT_ID ENT_KB_ID NORM".split()
)

# Letters NFKD does not decompose into ASCII (Norwegian and friends).
_TRANSLIT = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l"}
    | {"Ł": "L", "þ": "th", "Þ": "TH", "œ": "oe", "Œ": "OE", "ð": "d", "Ð": "D"}
)


# --------------------------------------------------------------------------- helpers


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or "" when nothing is close."""
    by_lower = {choice.lower(): choice for choice in sorted(choices)}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean '{by_lower[close[0]]}'?)" if close else ""


def slugify(name: str, max_length: int = 60) -> str:
    """A key made from a name: lowercase ASCII letters and digits joined by hyphens."""
    ascii_name = (
        unicodedata.normalize("NFKD", name.translate(_TRANSLIT))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "code"


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


# --------------------------------------------------------------------------- YAML reading


class YamlProblem(Exception):
    """Raised by :func:`read_yaml`; callers turn it into their own WorkbenchError."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


@dataclass
class YamlMeta:
    """Where each mapping of a loaded document started (1-based line numbers)."""

    lines: dict[int, int] = field(default_factory=dict)
    # mapping id -> field name -> line of that field
    fields: dict[int, dict[str, int]] = field(default_factory=dict)
    # mapping id -> field names whose value was empty but followed by "# ..." on its line
    commented: dict[int, set[str]] = field(default_factory=dict)

    def line_of(self, obj: object, field_name: object = None) -> int | None:
        """The line of mapping ``obj``, or of its field ``field_name`` when known."""
        if isinstance(field_name, str):
            line = self.fields.get(id(obj), {}).get(field_name)
            if line is not None:
                return line
        return self.lines.get(id(obj))


class _LineLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` plus line numbers and duplicate-field detection. No extra tags."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
        self.meta = YamlMeta()
        self.current: yaml.Node | None = None  # for errors raised while building a value

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        self.current = node
        return super().construct_object(node, deep=deep)


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
    data: dict[Any, Any] = {}
    loader.meta.lines[id(data)] = node.start_mark.line + 1
    yield data
    seen = loader.meta.fields.setdefault(id(data), {})
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            continue
        name = key_node.value
        if name in seen:
            raise YamlProblem(f"field '{name}' appears twice", key_node.start_mark.line + 1)
        seen[name] = key_node.start_mark.line + 1
        if (
            isinstance(value_node, yaml.ScalarNode)
            and value_node.tag == "tag:yaml.org,2002:null"
            and value_node.value == ""
        ):
            start = key_node.end_mark.index
            end = loader.text.find("\n", start)
            rest = loader.text[start : end if end >= 0 else len(loader.text)]
            if _HEXISH_RE.match(rest.lstrip(": \t")):
                loader.meta.commented.setdefault(id(data), set()).add(name)
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def read_yaml(text: str) -> tuple[Any, YamlMeta]:
    """Parse one YAML document with safe constructors only.

    Returns the data and a :class:`YamlMeta` with the line of every mapping. Raises
    :class:`YamlProblem` for syntax errors, unreadable values and duplicate fields.
    """
    loader = _LineLoader(text) if _is_printable(text) else None
    if loader is None:
        raise _reader_problem(text)
    try:
        data = loader.get_single_data()
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "unreadable value"
        if "constructor for the tag" in problem:
            found = re.search(r"tag '([^']*)'", problem)
            tag = found.group(1) if found else "?"
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            problem = f"unsupported YAML tag '{tag}'; only plain text, lists and mappings are read"
        raise YamlProblem(problem, line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable YAML"
        if "\\t" in problem or "'\\t'" in str(exc):
            problem += " (indent with spaces, not tabs)"
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem("the YAML is nested too deeply to read") from None
    except (ValueError, OverflowError) as exc:  # e.g. an impossible date like 2023-02-30
        node = loader.current
        shown = f" '{node.value}'" if isinstance(node, yaml.ScalarNode) else ""
        raise YamlProblem(
            f"the value{shown} could not be read ({exc}); put it in quotes",
            node.start_mark.line + 1 if node is not None else None,
        ) from None
    finally:
        loader.dispose()
    return data, loader.meta


def _is_printable(text: str) -> bool:
    return yaml.reader.Reader.NON_PRINTABLE.search(text) is None


def _reader_problem(text: str) -> YamlProblem:
    match = yaml.reader.Reader.NON_PRINTABLE.search(text)
    assert match is not None
    position = match.start()
    line = text.count("\n", 0, position) + 1
    code = ord(match.group())
    return YamlProblem(
        f"the file contains a control character (U+{code:04X}) YAML cannot read", line
    )


def read_text_file(path: Path, fail: Callable[[str], NoReturn], what: str) -> str:
    """Read a UTF-8 text file of at most 5 MB; ``fail(problem)`` raises the caller's error."""
    limit = f"{what} files are limited to 5 MB"
    try:
        if path.is_dir():
            fail("is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            fail(f"the file is {size / 1_048_576:.1f} MB; {limit}")
        with path.open("rb") as handle:  # bounded: the size may lie (pipes, devices)
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        fail("file not found")
    except PermissionError:
        fail("cannot read the file (permission denied)")
    except OSError as exc:
        fail(f"cannot read the file ({exc.strerror or exc})")
    if len(raw) > MAX_FILE_BYTES:
        fail(f"the file is larger than 5 MB; {limit}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        fail(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save the file as UTF-8")


# --------------------------------------------------------------------------- reading codebooks


def load_codebook(path: Path) -> CodebookSpec:
    """Read a codebook file. Raises :class:`CodebookError` naming the file and the problem."""
    path = Path(path)

    def fail(problem: str) -> NoReturn:
        raise CodebookError(f"{_file_label(path)}: {problem}")

    return parse_codebook(read_text_file(path, fail, "codebook"), path)


def parse_codebook(text: str, source: Path) -> CodebookSpec:
    """Parse codebook YAML; ``source`` is only used to name the file in errors."""
    return _CodebookReader(Path(source)).parse(text)


def _file_label(source: Path) -> str:
    return source.name or "<codebook>"


@dataclass
class _RawCode:
    line: int | None
    name: str
    key: str | None  # as written; None when it will be generated
    parent: str | None  # as written with "parent:"
    nested_in: _RawCode | None  # the code whose "children" holds this one
    values: dict[str, Any]

    def label(self) -> str:
        return f"'{self.name}' ({self.key})" if self.key else f"'{self.name}'"


class _CodebookReader:
    def __init__(self, source: Path) -> None:
        self.file = _file_label(source)
        self.stem = source.stem
        self.meta = YamlMeta()
        self.raw: list[_RawCode] = []

    def fail(self, problem: str, line: int | None = None) -> NoReturn:
        where = f"line {line}: " if line is not None else ""
        raise CodebookError(f"{self.file}: {where}{problem}")

    # -- document ------------------------------------------------------------------------

    def parse(self, text: str) -> CodebookSpec:
        if (
            len(text) > MAX_FILE_BYTES
            or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES
        ):
            self.fail("the text is larger than 5 MB; codebook files are limited to 5 MB")
        if not text.strip():
            self.fail("the file is empty; a codebook needs at least 'name:' and 'codes:'")
        try:
            data, self.meta = read_yaml(text)
        except YamlProblem as exc:
            self.fail(exc.problem, exc.line)
        if data is None:
            self.fail("the file is empty; a codebook needs at least 'name:' and 'codes:'")
        if isinstance(data, list):
            self.fail(
                "the top level is a list; a codebook is a mapping with 'name:' and 'codes:' "
                "(put the list under 'codes:')"
            )
        if not isinstance(data, dict):
            self.fail(
                f"the top level must be a mapping with 'name:' and 'codes:', not {_type_name(data)}"
            )
        for k in data:
            if k not in TOP_FIELDS:
                self.fail(
                    f"unknown top-level field '{k}'{suggest(str(k), TOP_FIELDS)}; "
                    f"known fields: {', '.join(TOP_FIELDS)}",
                    self.meta.line_of(data, k),
                )
        if "name" in data:
            name = self.text(data["name"], "the codebook 'name'", self.meta.line_of(data, "name"))
        else:
            name = self.stem
        description = self.text(
            data.get("description"),
            "the codebook 'description'",
            self.meta.line_of(data, "description"),
        )
        if "codes" not in data:
            self.fail("'codes' is missing; list the codes under 'codes:'")
        codes = data["codes"]
        codes_line = self.meta.line_of(data, "codes")
        if codes is None:
            self.fail("'codes' is empty; list the codes under 'codes:'", codes_line)
        if not isinstance(codes, list):
            self.fail(f"'codes' must be a list of codes, not {_type_name(codes)}", codes_line)
        self.walk(codes, None, 1)
        return CodebookSpec(name=name, codes=self.resolve(), description=description)

    def text(self, value: object, what: str, line: int | None) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(f"{what} must be text, not {_type_name(value)}; put it in quotes", line)
        return value.strip()

    # -- codes ---------------------------------------------------------------------------

    def walk(self, items: list[Any], parent: _RawCode | None, depth: int) -> None:
        where = f"in the children of {parent.label()}" if parent else "in 'codes'"
        if depth > MAX_DEPTH and items:
            assert parent is not None
            self.fail(
                f"code {parent.label()} has children nested more than {MAX_DEPTH} levels deep",
                parent.line,
            )
        for position, item in enumerate(items, 1):
            line = self.meta.line_of(item) or (parent.line if parent else None)
            if not isinstance(item, dict):
                self.fail(
                    f"code #{position} {where} must be a mapping with at least 'name:', "
                    f"not {_type_name(item)}",
                    line,
                )
            raw = self.read_code(item, position, where, parent, line)
            self.raw.append(raw)
            if len(self.raw) > MAX_CODES:
                self.fail(f"more than {MAX_CODES} codes")
            children = item.get("children")
            if children is None:
                continue
            if not isinstance(children, list):
                self.fail(
                    f"code {raw.label()}: 'children' must be a list of codes, "
                    f"not {_type_name(children)}",
                    line,
                )
            self.walk(children, raw, depth + 1)

    def read_code(
        self,
        item: dict[Any, Any],
        position: int,
        where: str,
        parent: _RawCode | None,
        line: int | None,
    ) -> _RawCode:
        # name first, so every later message can name the code
        raw_name = item.get("name")
        if raw_name is None or (isinstance(raw_name, str) and not raw_name.strip()):
            key_hint = f" (key '{item['key']}')" if isinstance(item.get("key"), str) else ""
            self.fail(f"code #{position} {where}{key_hint} has no name", line)
        if not isinstance(raw_name, str):
            self.fail(
                f"code #{position} {where}: 'name' must be text, not {_type_name(raw_name)}; "
                "put it in quotes",
                line,
            )
        name = " ".join(raw_name.split())
        given_key = item.get("key")
        label = f"'{name}' ({given_key.strip()})" if isinstance(given_key, str) else f"'{name}'"

        def bad(problem: str, field_name: object = None) -> NoReturn:
            self.fail(f"code {label}: {problem}", self.meta.line_of(item, field_name) or line)

        values: dict[str, Any] = {}
        written_as: dict[str, object] = {}  # canonical field -> the name used in the file
        for field_name in item:
            canonical = (
                FIELD_ALIASES.get(field_name, field_name)
                if isinstance(field_name, str)
                else field_name
            )
            if canonical not in CODE_FIELDS:
                bad(
                    f"unknown field '{field_name}'{suggest(str(field_name), CODE_FIELDS)}; "
                    f"known fields: {', '.join(CODE_FIELDS)}",
                    field_name,
                )
            if canonical in values:
                bad(f"both '{canonical}' and '{field_name}' are given; keep one", field_name)
            values[canonical] = item[field_name]
            written_as[canonical] = field_name

        def bad_field(canonical: str, problem: str) -> NoReturn:
            bad(problem, written_as.get(canonical, canonical))

        key = values.get("key")
        if key is not None:
            if not isinstance(key, str):
                bad_field("key", f"'key' must be text, not {_type_name(key)}; put it in quotes")
            key = key.strip()
            if not _KEY_RE.match(key) or len(key) > MAX_KEY_LENGTH:
                bad_field(
                    "key",
                    f"key '{key}' must be one word of letters, digits, '-', '_' or '.' "
                    f"(at most {MAX_KEY_LENGTH} characters), e.g. '{slugify(name)}'",
                )
            label = f"'{name}' ({key})"

        parent_key = values.get("parent")
        if parent_key is not None:
            if not isinstance(parent_key, str) or not parent_key.strip():
                bad_field(
                    "parent",
                    f"'parent' must be the key of another code, not {_type_name(parent_key)}",
                )
            parent_key = parent_key.strip()

        out: dict[str, Any] = {}
        for text_field in TEXT_FIELDS:
            value = values.get(text_field)
            if value is not None and not isinstance(value, str):
                bad_field(
                    text_field,
                    f"'{text_field}' must be text, not {_type_name(value)}; put it in quotes",
                )
            out[text_field] = value.strip() if value else ""

        colour = values.get("colour")
        if colour is None or (isinstance(colour, str) and not colour.strip()):
            commented = self.meta.commented.get(id(item), set())
            if commented & {"colour", "color"}:
                bad_field(
                    "colour",
                    'the colour must be in quotes, e.g. colour: "#d97706" '
                    "(without quotes, # starts a comment)",
                )
            out["colour"] = ""
        elif not isinstance(colour, str) or not _COLOUR_RE.match(colour.strip()):
            shown = colour if isinstance(colour, str) else _type_name(colour)
            bad_field(
                "colour",
                f"colour '{shown}' is not a colour like \"#d97706\" "
                "(# and six hex digits, in quotes)",
            )
        else:
            out["colour"] = colour.strip().lower()

        problem, out["keywords"] = _read_keywords(values.get("keywords"))
        if problem:
            bad_field("keywords", problem)
        problem, out["patterns"] = _read_patterns(values.get("patterns"))
        if problem:
            bad_field("patterns", problem)
        return _RawCode(
            line=line,
            name=name,
            key=key,
            parent=parent_key,
            nested_in=parent,
            values=out,
        )

    # -- whole tree ------------------------------------------------------------------------

    def resolve(self) -> tuple[CodeSpec, ...]:
        raw = self.raw
        # 1. keys: explicit ones are unique (case-insensitively); generated ones avoid them
        by_folded: dict[str, _RawCode] = {}
        for code in raw:
            if code.key is None:
                continue
            other = by_folded.get(code.key.casefold())
            if other is not None:
                where = f" (line {other.line})" if other.line else ""
                self.fail(
                    f"duplicate key '{code.key}': used by {other.label()}{where} and "
                    f"by {code.label()}",
                    code.line,
                )
            by_folded[code.key.casefold()] = code
        taken = set(by_folded)
        for code in raw:
            if code.key is None:
                base = slugify(code.name)
                candidate, n = base, 2
                while candidate.casefold() in taken:
                    candidate, n = f"{base}-{n}", n + 1
                code.key = candidate
                taken.add(candidate.casefold())

        # 2. parents
        by_key: dict[str, _RawCode] = {code.key: code for code in raw if code.key is not None}
        parent_of: dict[str, str | None] = {}
        for code in raw:
            assert code.key is not None
            if code.parent is not None and code.parent == code.key:
                self.fail(f"code {code.label()} is its own parent", code.line)
            if code.nested_in is not None:
                if code.parent is not None and code.parent != code.nested_in.key:
                    self.fail(
                        f"code {code.label()} is listed under the children of "
                        f"{code.nested_in.label()} but says parent: '{code.parent}'; keep one",
                        code.line,
                    )
                parent_of[code.key] = code.nested_in.key
            elif code.parent is not None:
                if code.parent not in by_key:
                    self.fail(
                        f"code {code.label()}: parent '{code.parent}' does not exist"
                        f"{suggest(code.parent, list(by_key))}",
                        code.line,
                    )
                parent_of[code.key] = code.parent
            else:
                parent_of[code.key] = None

        # 3. cycles and depth
        depth: dict[str, int] = {}
        for code in raw:
            assert code.key is not None
            chain = [code.key]
            current = parent_of[code.key]
            while current is not None and current not in depth:
                if current in chain:
                    loop = chain[chain.index(current) :] + [current]
                    first = by_key[current]
                    self.fail(
                        f"code {first.label()}: the parents form a cycle: {' -> '.join(loop)}",
                        first.line,
                    )
                chain.append(current)
                current = parent_of[current]
            above = depth[current] if current is not None else 0
            for offset, key in enumerate(reversed(chain), 1):
                depth[key] = above + offset
            if depth[code.key] > MAX_DEPTH:
                self.fail(
                    f"code {code.label()} is {depth[code.key]} levels deep; "
                    f"codebooks may be at most {MAX_DEPTH} levels deep",
                    code.line,
                )

        # 4. sibling names
        children: dict[str | None, list[_RawCode]] = {}
        for code in raw:
            assert code.key is not None
            parent_key = parent_of[code.key]
            siblings = children.setdefault(parent_key, [])
            folded = code.name.casefold()
            for other in siblings:
                if other.name.casefold() == folded:
                    under = (
                        f"under {by_key[parent_key].label()}"
                        if parent_key is not None
                        else "at the top level"
                    )
                    names = (
                        f"'{code.name}'"
                        if other.name == code.name
                        else f"'{other.name}' and '{code.name}'"
                    )
                    self.fail(
                        f"two codes {under} are both named {names} "
                        f"({other.key} and {code.key}); sibling names must differ",
                        code.line,
                    )
            siblings.append(code)

        # 5. tree order: depth first, siblings in file order
        out: list[CodeSpec] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            code = stack.pop()
            assert code.key is not None
            out.append(
                CodeSpec(
                    key=code.key,
                    name=code.name,
                    parent=parent_of[code.key],
                    definition=code.values["definition"],
                    inclusion=code.values["inclusion"],
                    exclusion=code.values["exclusion"],
                    example=code.values["example"],
                    colour=code.values["colour"],
                    keywords=code.values["keywords"],
                    patterns=code.values["patterns"],
                    memo=code.values["memo"],
                )
            )
            stack.extend(reversed(children.get(code.key, [])))
        return tuple(out)


_QUOTE_HINT = "put it in quotes (YAML reads yes, no, on and off as true/false)"


def _read_keywords(value: object) -> tuple[str, tuple[str, ...]]:
    """(problem, keywords); the problem is "" when the value is fine."""
    if value is None:
        return "", ()
    if not isinstance(value, list):
        return (
            "'keywords' must be a list of words or phrases, e.g. [step work, sponsor], "
            f"not {_type_name(value)}",
            (),
        )
    out: list[str] = []
    for number, word in enumerate(value, 1):
        if not isinstance(word, str):
            hint = f"; {_QUOTE_HINT}" if word is not None else ""
            return f"keyword #{number} must be a word or phrase, not {_type_name(word)}{hint}", ()
        if not word.strip():
            return f"keyword #{number} is empty", ()
        out.append(" ".join(word.split()))
    return "", tuple(out)


_PATTERN_EXAMPLE = "e.g. - [{LEMMA: higher}, {LEMMA: power}]"
_MAX_PATTERN_NODES = 2_000
_MAX_PATTERN_NESTING = 6


def _read_patterns(value: object) -> tuple[str, tuple[str, ...]]:
    """(problem, patterns as compact JSON); the problem is "" when the value is fine."""
    if value is None:
        return "", ()
    if not isinstance(value, list):
        return (
            f"'patterns' must be a list of token patterns ({_PATTERN_EXAMPLE}), "
            f"not {_type_name(value)}",
            (),
        )
    out: list[str] = []
    for number, pattern in enumerate(value, 1):
        if not isinstance(pattern, list) or not pattern:
            return (
                f"pattern #{number} must be a non-empty list of token mappings "
                f"({_PATTERN_EXAMPLE}), not {_type_name(pattern)}",
                (),
            )
        budget = [_MAX_PATTERN_NODES]
        for token in pattern:
            if not isinstance(token, dict) or not token:
                return (
                    f"pattern #{number}: each token must be a mapping like {{LEMMA: power}}, "
                    f"not {_type_name(token)}",
                    (),
                )
            for attr, attr_value in token.items():
                if not isinstance(attr, str) or attr.upper() not in TOKEN_ATTRIBUTES:
                    hint = suggest(str(attr).upper(), TOKEN_ATTRIBUTES)
                    return f"pattern #{number}: unknown token attribute '{attr}'{hint}", ()
                text_only = attr.upper() in TEXT_TOKEN_ATTRIBUTES
                problem = _pattern_value_problem(attr_value, text_only, budget, 0)
                if problem:
                    return f"pattern #{number}: the value of {attr} {problem}", ()
        out.append(json.dumps(pattern, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
    return "", tuple(out)


def _pattern_value_problem(value: object, text_only: bool, budget: list[int], level: int) -> str:
    """Why ``value`` cannot go into a spaCy token pattern, or "" when it can.

    ``text_only``: the attribute (LOWER, LEMMA...) compares text, so every leaf must be a
    string. ``budget`` bounds the work, since YAML aliases can make a small file describe a
    huge structure.
    """
    budget[0] -= 1
    if budget[0] < 0 or level > _MAX_PATTERN_NESTING:
        return "is too large or too deeply nested"
    if isinstance(value, list):
        for item in value:
            problem = _pattern_value_problem(item, text_only, budget, level + 1)
            if problem:
                return problem
        return ""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                return f"has a key that is not text ({_type_name(k)})"
            problem = _pattern_value_problem(v, text_only, budget, level + 1)
            if problem:
                return problem
        return ""
    if value is None:
        return "is empty"
    if isinstance(value, str):
        return ""
    if text_only and isinstance(value, bool | int | float):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return f"must be text, but YAML read it as {shown}; {_QUOTE_HINT}"
    if isinstance(value, bool | int):
        return ""
    if isinstance(value, float) and math.isfinite(value):
        return ""
    return f"is {_type_name(value)}, which a pattern cannot hold"


# --------------------------------------------------------------------------- writing


class _Prose(str):
    """Text that reads best as a block scalar when it is long or has line breaks."""


class _Quoted(str):
    """Text always written in double quotes (colours: an unquoted # starts a comment)."""


class _Flow(list[Any]):
    """A list written on one line: ``[a, b]``."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # indent list items under their key ("codes:\n  - key: ...")
        super().increase_indent(flow, False)

    def write_plain(self, text: str, split: bool = True) -> None:
        # inside [a, b] lists, wrap between items only, never inside a phrase
        super().write_plain(text, split and not self.flow_level)


_PROSE_WIDTH = 72


_BREAKS_YAML_NORMALISES = ("\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: _Dumper, data: str) -> yaml.ScalarNode:
    if any(ch in data for ch in _BREAKS_YAML_NORMALISES):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


def _represent_prose(dumper: _Dumper, data: _Prose) -> yaml.ScalarNode:
    text = str(data)
    if any(ch in text for ch in _BREAKS_YAML_NORMALISES):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    lines = text.split("\n")
    long_lines = any(len(line) > _PROSE_WIDTH for line in lines)
    if len(lines) > 1 or long_lines:
        # Short lines keep their breaks as typed ("|"); long lines are folded (">") so the
        # file stays readable. The reader strips text fields, so the trailing newline lets
        # us write "|"/">" instead of "|-"/">-". Only when a block scalar is really allowed.
        candidate = text + "\n"
        if dumper.analyze_scalar(candidate).allow_block:
            return dumper.represent_scalar(
                "tag:yaml.org,2002:str", candidate, style=">" if long_lines else "|"
            )
    return dumper.represent_str(text)


def _represent_quoted(dumper: _Dumper, data: _Quoted) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


def _represent_flow(dumper: _Dumper, data: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Prose, _represent_prose)
_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(_Flow, _represent_flow)


def dump_codebook(spec: CodebookSpec) -> str:
    """Nested YAML for ``spec``: stable field order, block scalars for long text.

    Codes are nested under their parents (``parent:`` is never written) in the order they
    appear in ``spec.codes``. Raises ``ValueError`` if a code's parent is not in the spec
    or the parents form a cycle.
    """
    keys = {code.key for code in spec.codes}
    children: dict[str | None, list[CodeSpec]] = {}
    for code in spec.codes:
        if code.parent is not None and code.parent not in keys:
            raise ValueError(f"code {code.key!r} has unknown parent {code.parent!r}")
        children.setdefault(code.parent, []).append(code)

    written: set[str] = set()

    def tree(parent: str | None) -> list[dict[str, Any]]:
        out = []
        for code in children.get(parent, []):
            if code.key in written:
                raise ValueError(f"code {code.key!r} appears twice or is in a cycle")
            written.add(code.key)
            out.append(_code_mapping(code, tree(code.key)))
        return out

    document: dict[str, Any] = {"name": spec.name}
    if spec.description:
        document["description"] = _Prose(spec.description)
    document["codes"] = tree(None)
    if len(written) != len(spec.codes):
        missing = sorted({code.key for code in spec.codes} - written)
        raise ValueError(f"codes in a parent cycle or duplicated: {', '.join(missing)}")
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=80,
        indent=2,
    )


def _code_mapping(code: CodeSpec, children: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": code.key, "name": code.name}
    if code.colour:
        out["colour"] = _Quoted(code.colour.lower())
    for name in ("definition", "inclusion", "exclusion", "example"):
        value = getattr(code, name)
        if value:
            out[name] = _Prose(value)
    if code.keywords:
        out["keywords"] = _Flow(code.keywords)
    if code.patterns:
        out["patterns"] = [_Flow(json.loads(p)) for p in code.patterns]
    if code.memo:
        out["memo"] = _Prose(code.memo)
    if children:
        out["children"] = children
    return out
