"""Reading the YAML files (``params/<month>.yml``, ``data/publication.yml``) as untrusted text.

A size limit and a regular file; then the document's node tree is checked before anything is
built from it: at most ``MAX_VALUES`` values once anchors and aliases are expanded (an alias bomb
is refused, not expanded), no key twice in a mapping, no control character (NUL, ESC...) in any
value, and nesting the parser can follow. Only plain YAML types are built (text, numbers, true and
false, dates, lists, mappings: no Python objects, no ``!!binary`` or ``!!set``), and a value its type
cannot read (``2026-02-30``) is a problem, not a crash. Problems name the file, the line and the key.
:class:`Fields` checks each expected key's type so that any other YAML type (a list where text
belongs, a number where a list belongs) is one clear line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ..errors import Report
from .csvfile import open_regular

MAX_BYTES = 256 * 1024
MAX_VALUES = 10_000     # a month's parameters are about a hundred values
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map",
                                                   "merge")}


class _Loader(yaml.SafeLoader):
    """SafeLoader building plain types only, and turning a value its type cannot read into a YAML error."""


def _guarded(construct):
    def build(loader, node):
        try:
            return construct(loader, node)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown(node.value)} cannot be read as {node.tag.rsplit(':', 1)[-1]} ({exc})",
                node.start_mark) from None
    return build


for _tag, _construct in list(yaml.SafeLoader.yaml_constructors.items()):
    if _tag in _PLAIN_TAGS:
        _Loader.add_constructor(_tag, _guarded(_construct))
    elif _tag is not None:
        _Loader.add_constructor(_tag, yaml.SafeLoader.construct_undefined)


def shown(value, limit: int = 60) -> str:
    """A value for a message: text quoted and cut short; a list or mapping named, never printed whole."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = " ".join(str(value).split())
    text = _CONTROL.sub("?", text)
    return f"'{text[:limit]}...'" if len(text) > limit else f"'{text}'"


def _line(node) -> int:
    return node.start_mark.line + 1 if node is not None and node.start_mark else 0


def check_nodes(root, name: str, report: Report) -> bool:
    """The node tree's own problems (alias bombs and cycles, keys given twice, control characters); True if none."""
    before = len(report.problems)
    stack, visits, done = [root], 0, set()
    while stack:
        node = stack.pop()
        visits += 1
        if visits > MAX_VALUES:
            report.add(name, 0, "", f"has more than {MAX_VALUES:,} values once its anchors and aliases (&name, *name) "
                                    "are expanded; write the values out without aliases", kind="invalid YAML")
            return False
        if id(node) in done:        # an alias: counted again (that is what expanding it costs), checked once
            stack.extend(_children(node))
            continue
        done.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and _CONTROL.search(node.value):
                report.add(name, _line(node), "", "contains a control character (such as NUL or ESC); remove it",
                           kind="control character")
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for k, _ in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in first and k.value != "<<":
                        report.add(name, _line(k), str(k.value)[:60], f"{shown(k.value)} is given twice (first on "
                                                                       f"line {first[k.value]}); keep one",
                                   kind="duplicate key")
                    first.setdefault(k.value, _line(k))
        stack.extend(_children(node))
    return len(report.problems) == before


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    return []


class Lines:
    """Line numbers of keys and list items, from the YAML node tree."""

    def __init__(self, text: str = "", root=None):
        if root is not None:
            self.root = root
            return
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError):
            self.root = None

    def line(self, *path) -> int:
        node, line = self.root, 1
        for key in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if getattr(k, "value", None) == key:
                        line, nxt = k.start_mark.line + 1, v
                        break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                break
            if node is None:
                break
        return line


def read(path: Path, report: Report, what: str) -> tuple[dict | None, Lines | None]:
    """The mapping in a YAML file, or (None, None) after one problem."""
    name = str(path)
    raw = open_regular(Path(path), report, name, MAX_BYTES)
    if raw is None:
        return None, None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(name, 0, "", "is not UTF-8 text", kind="not UTF-8")
        return None, None
    try:
        root = yaml.compose(text, Loader=_Loader)
        if root is not None and not check_nodes(root, name, report):
            return None, None
        data = _Loader(text).get_single_data() if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.add(name, mark.line + 1 if mark else 0, "", f"not valid YAML: {problem}", kind="invalid YAML")
        return None, None
    except RecursionError:
        report.add(name, 0, "", "not valid YAML: lists or mappings are nested too deeply", kind="invalid YAML")
        return None, None
    if not isinstance(data, dict):
        found = {"NoneType": "nothing", "list": "a list", "str": "text"}.get(type(data).__name__, type(data).__name__)
        report.add(name, 1, "", f"expected the {what} as 'key: value' lines, found {found}", kind="invalid YAML")
        return None, None
    return data, Lines(root=root)


class Fields:
    """Typed access to a YAML mapping that records one problem per wrong key."""

    def __init__(self, data: dict, lines: Lines, path: Path, report: Report, known: set[str]):
        self.data, self.lines, self.path, self.report = data, lines, str(path), report
        for key in data:
            if key not in known:
                self.err(f"unknown key {shown(key)} (expected: {', '.join(sorted(known))})", key)

    def err(self, message: str, *key) -> None:
        label = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in key).replace(".[", "[")
        self.report.add(self.path, self.lines.line(*key) if key else 0, label, message, kind="parameters")

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.err("a value is required", key)
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.err("must be text", key)
            return default
        return " ".join(str(value).split())

    def texts(self, key: str, *where) -> list[str]:
        node = self.data if not where else where[0]
        value = node.get(key) if isinstance(node, dict) else None
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self.err("must be a list of names", *(where[1:] if where else ()), key)
        return []

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.err("a value is required", key)
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.err(f"{shown(value)} is not a date like 2026-02-23", key)
        return None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.err("must be true or false", key)
            return default
        return value
