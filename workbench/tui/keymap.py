"""Key bindings: the user's keymap file, and the live list of bindings for help and palette.

Every binding we define has an id (``project.open-document``, ``codebook.add-code`` ...).
A user can rebind any of them in ``<data dir>/keymap.toml``::

    [keymap]
    "codebook.merge-code" = "m"
    "app.help" = ["f1", "h"]      # a list or a comma-separated string

The help screen and the command palette read the bindings from the running widgets
(``collect_bindings``), so they always show the keys that actually work.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from workbench.core.errors import WorkbenchError
from workbench.core.settings import data_dir

KEYMAP_FILE = "keymap.toml"
_ID = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$")


def keymap_path() -> Path:
    return data_dir() / KEYMAP_FILE


def read_keymap(path: Path) -> dict[str, str]:
    """Parse a keymap file: ``[keymap]`` table of binding id -> keys (string or list)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise WorkbenchError(f"{path}: cannot read the keymap ({err})") from err
    except tomllib.TOMLDecodeError as err:
        raise WorkbenchError(f"{path}: not valid TOML ({err})") from err
    table = raw.get("keymap", {})
    if not isinstance(table, dict):
        raise WorkbenchError(f"{path}: [keymap] must be a table of binding id = keys")
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not _ID.match(binding_id):
            raise WorkbenchError(
                f"{path}: {binding_id!r} is not a binding id (see the ids in the help screen, F1)"
            )
        if isinstance(keys, str):
            parts = [k.strip() for k in keys.split(",")]
        elif isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            parts = [k.strip() for k in keys]
        else:
            raise WorkbenchError(f"{path}: keys for {binding_id!r} must be a string or a list")
        parts = [p for p in parts if p]
        if not parts:
            raise WorkbenchError(f"{path}: no keys given for {binding_id!r}")
        keymap[binding_id] = ",".join(parts)
    return keymap


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The user's keymap, or ``{}`` when there is no keymap file."""
    path = path or keymap_path()
    if not path.is_file():
        return {}
    return read_keymap(path)


def known_binding_ids() -> set[str]:
    """Every binding id declared by a widget, screen or app class in ``workbench.tui``."""
    import importlib
    import pkgutil

    import workbench.tui

    for module in pkgutil.walk_packages(workbench.tui.__path__, "workbench.tui."):
        try:
            importlib.import_module(module.name)
        except ImportError:
            continue
    ids: set[str] = set()
    stack: list[type] = [DOMNode]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("workbench.tui"):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """Ids in a user keymap that no binding has (typos; they would silently do nothing)."""
    if not keymap:
        return []
    known = known_binding_ids()
    return sorted(i for i in keymap if i not in known)


# -- live bindings -----------------------------------------------------------------


@dataclass(frozen=True)
class BindingInfo:
    """One action with every key that triggers it (after the user's keymap)."""

    keys: tuple[str, ...]  # display names, e.g. ("F1", "?")
    description: str
    action: str
    ids: tuple[str, ...]
    namespace: DOMNode
    enabled: bool = True
    shown: bool = True  # in the footer


@dataclass
class BindingGroup:
    title: str
    bindings: list[BindingInfo] = field(default_factory=list)


def help_title(node: DOMNode) -> str:
    """A human name for where bindings apply: ``HELP_GROUP`` or the humanised class name."""
    title = getattr(node, "HELP_GROUP", None)
    if isinstance(title, str) and title:
        return title
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(node).__name__).lower()
    return words[:1].upper() + words[1:]


def _keymapped(node: DOMNode, keymap: dict[str, str]) -> BindingsMap:
    bindings = node._bindings.copy()
    if keymap:
        bindings.apply_keymap(keymap)
    return bindings


def _infos(app: App[object], node: DOMNode, bindings: BindingsMap) -> list[BindingInfo]:
    merged: dict[tuple[str, str], list[Binding]] = {}
    for _key, binding in bindings:
        if binding.system:
            continue
        merged.setdefault((binding.action, binding.description), []).append(binding)
    out = []
    for (action, description), group in merged.items():
        state = app._check_action_state(action, node)
        if state is False:
            continue
        keys = tuple(dict.fromkeys(app.get_key_display(b) for b in group))
        ids = tuple(dict.fromkeys(b.id for b in group if b.id))
        long = next((b.tooltip for b in group if b.tooltip), "")  # the help's wording
        out.append(
            BindingInfo(
                keys=keys,
                description=long or description or action.replace("_", " "),
                action=action,
                ids=ids,
                namespace=node,
                enabled=bool(state),
                shown=any(b.show for b in group),
            )
        )
    return out


def collect_bindings(screen: Screen[object]) -> list[BindingGroup]:
    """Every binding that applies on ``screen``, grouped by where it applies.

    The app's bindings, the screen's, those of the focused widget and its containers,
    and those of other widgets on the screen that define their own (id'd) bindings
    (they apply when that widget has focus). Keys reflect the user's keymap.
    """
    app = screen.app
    keymap = dict(app._keymap)
    groups: list[BindingGroup] = []
    seen: set[int] = set()

    def add(title: str, node: DOMNode, only_ids: bool = False) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        infos = _infos(app, node, _keymapped(node, keymap))
        if only_ids:
            infos = [i for i in infos if i.ids]
        infos.sort(key=lambda i: not i.ids)  # ours (with ids) first, built-in keys after
        if infos:
            groups.append(BindingGroup(title, infos))

    focused = screen.focused
    chain: list[Widget] = []
    if focused is not None:
        chain = [n for n in focused.ancestors_with_self if isinstance(n, Widget)]
        chain = [n for n in chain if not isinstance(n, Screen)]
    for node in chain:  # most specific first: these keys win
        add(f"{help_title(node)} (focused)", node)
    add(f"{help_title(screen)}", screen)
    add("Everywhere", app)
    for node in screen.walk_children(Widget):
        add(f"{help_title(node)} (when focused)", node, only_ids=True)
    return groups


def all_binding_ids(groups: Iterable[BindingGroup]) -> set[str]:
    return {i for g in groups for b in g.bindings for i in b.ids}
