"""Reading the YAML files (``params/<month>.yml``, ``data/publication.yml``) as untrusted text.

``yaml.safe_load`` only (no Python objects), a size limit, a regular file, and problems that name
the file, the line and the key. :class:`Fields` checks each expected key's type so that any
other YAML type (a list where text belongs, a number where a list belongs) is one clear line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from ..errors import Report
from .csvfile import open_regular

MAX_BYTES = 256 * 1024


class Lines:
    """Line numbers of keys and list items, from the YAML node tree."""

    def __init__(self, text: str):
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
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
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.add(name, mark.line + 1 if mark else 0, "", f"not valid YAML: {problem}", kind="invalid YAML")
        return None, None
    if not isinstance(data, dict):
        report.add(name, 1, "", f"expected the {what} as 'key: value' lines, found {type(data).__name__}",
                   kind="invalid YAML")
        return None, None
    return data, Lines(text)


class Fields:
    """Typed access to a YAML mapping that records one problem per wrong key."""

    def __init__(self, data: dict, lines: Lines, path: Path, report: Report, known: set[str]):
        self.data, self.lines, self.path, self.report = data, lines, str(path), report
        for key in data:
            if key not in known:
                self.err(f"unknown key '{key}' (expected: {', '.join(sorted(known))})", key)

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
        self.err(f"'{value}' is not a date like 2026-02-23", key)
        return None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.err("must be true or false", key)
            return default
        return value
