"""Edition parameters: ``params/<month>.yml`` holds what is printed around the data.

The month, title, publication date, the district pages and the notes printed
beside tables are per edition, like the commentary, so they are reviewed with
it and February's file never changes January. ``load`` checks the file against
the data (districts must exist in ``areas.csv``, blocks and indicators in the
layout and catalogue) and reports every problem on one line naming the file,
its line and the key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import periods
from .problems import EXIT_INVALID, ScorecardError

KEYS = {"month", "title", "publication_date", "produced_by", "districts", "notes", "contacts"}
REQUIRED = ("month", "title", "publication_date", "districts")
NOTE_KEYS = {"text", "guidance", "indicators", "blocks", "sections"}
NOTE_SECTIONS = ("overview", "send", "social-care", "early-help", "education", "district", "reference")


@dataclass(frozen=True)
class Note:
    """A note printed in the edition, and where it belongs."""

    text: str
    guidance: bool = False
    indicators: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


@dataclass
class Params:
    month: str
    title: str
    publication_date: dt.date
    districts: list[str]
    produced_by: str = ""
    notes: list[Note] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    path: Path | None = None

    @property
    def month_label(self) -> str:
        """'January 2026'."""
        return periods.Month.parse(self.month).long_label()

    @property
    def publication_label(self) -> str:
        """'23 February 2026'."""
        d = self.publication_date
        return f"{d.day} {d:%B %Y}"

    def guidance_notes(self) -> list[Note]:
        return [n for n in self.notes if n.guidance]

    def notes_for(self, section: str | None = None, blocks: list[str] | tuple[str, ...] = (),
                  indicators: list[str] | tuple[str, ...] = ()) -> list[Note]:
        """Notes about a section, any of its blocks or any indicator it shows (each note once)."""
        out = []
        for n in self.notes:
            if ((section and section in n.sections) or set(n.blocks) & set(blocks)
                    or set(n.indicators) & set(indicators)):
                out.append(n)
        return out


def default_dir(data_dir: Path) -> Path:
    """Parameters live beside the data folder: ``<repo>/params`` for ``<repo>/data``."""
    return Path(data_dir).resolve().parent / "params"


def path_of(params_dir: Path, month: str) -> Path:
    return Path(params_dir) / f"{month}.yml"


class _Lines:
    """Line numbers of keys and list items, from the YAML node tree."""

    def __init__(self, text: str):
        try:
            self.root = yaml.compose(text)
        except yaml.YAMLError:
            self.root = None

    def line(self, *path) -> int:
        node, line = self.root, 1
        for key in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == key:
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


def _strings(value) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def load(path: Path, month: str | None = None, ds=None) -> Params:
    """Read and check a parameters file; raise a ScorecardError listing every problem, one per line.

    ``month``: the edition being built (the file must be for that month).
    ``ds``: a loaded Dataset, to check districts, blocks and indicators against the data.
    """
    path = Path(path)
    if not path.exists():
        hint = f"; copy the previous month's file in {path.parent} and edit it" if month else ""
        raise ScorecardError(f"{path}: parameters file is missing{hint}", EXIT_INVALID)
    text = path.read_text(encoding="utf-8-sig")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScorecardError(f"ERROR: {where}: not valid YAML: {problem}", EXIT_INVALID) from None
    if not isinstance(raw, dict):
        raise ScorecardError(f"ERROR: {path}: expected keys ({', '.join(sorted(KEYS))}), found no mapping",
                             EXIT_INVALID)
    lines = _Lines(text)
    errors: list[str] = []

    def err(msg: str, *key) -> None:
        label = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in key).replace(".[", "[")
        errors.append(f"ERROR: {path}:{lines.line(*key)} [{label}]: {msg}" if key else f"ERROR: {path}: {msg}")

    for key in raw:
        if key not in KEYS:
            err(f"unknown key '{key}' (expected: {', '.join(sorted(KEYS))})", key)
    for key in REQUIRED:
        if raw.get(key) in (None, "", []):
            errors.append(f"ERROR: {path} [{key}]: a value is required")

    file_month = str(raw.get("month", "") or "")
    if file_month:
        try:
            file_month = str(periods.Month.parse(file_month))
        except periods.PeriodError as exc:
            err(str(exc), "month")
        else:
            if file_month != path.stem:
                err(f"'{file_month}' does not match the file name {path.name}", "month")
            if month and file_month != month:
                err(f"is for {file_month}, not the edition being built ({month})", "month")

    pub = raw.get("publication_date")
    if isinstance(pub, str):
        try:
            pub = dt.date.fromisoformat(pub)
        except ValueError:
            err(f"'{pub}' is not a date like 2026-02-23", "publication_date")
            pub = None
    elif pub is not None and not isinstance(pub, dt.date):
        err(f"'{pub}' is not a date like 2026-02-23", "publication_date")
        pub = None
    if isinstance(pub, dt.datetime):
        pub = pub.date()

    for key in ("title", "produced_by"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], str):
            err("must be text", key)

    districts = raw.get("districts") or []
    known = list(ds.districts) if ds is not None else None
    if not isinstance(districts, list):
        err("must be a list of district names", "districts")
        districts = []
    seen = set()
    for i, d in enumerate(districts):
        if not isinstance(d, str):
            err(f"'{d}' is not a district name", "districts", i)
        elif known is not None and d not in known:
            err(f"unknown district '{d}' (districts in {ds.root / 'areas.csv'}: {', '.join(known)})", "districts", i)
        elif d in seen:
            err(f"district '{d}' is listed twice", "districts", i)
        seen.add(d)

    notes: list[Note] = []
    raw_notes = raw.get("notes") or []
    if not isinstance(raw_notes, list):
        err("must be a list of notes, each with a text", "notes")
        raw_notes = []
    blocks = set(ds.blocks["block"]) if ds is not None else None
    indicators = set(ds.indicators["indicator"]) if ds is not None else None
    for i, n in enumerate(raw_notes):
        if not isinstance(n, dict) or not isinstance(n.get("text"), str) or not n["text"].strip():
            err("each note needs a text", "notes", i)
            continue
        for k in n:
            if k not in NOTE_KEYS:
                err(f"unknown key '{k}' (expected: {', '.join(sorted(NOTE_KEYS))})", "notes", i, k)
        fields: dict[str, tuple[str, ...]] = {}
        for k, allowed, what in (("indicators", indicators, "indicator in indicators.csv"),
                                 ("blocks", blocks, "block in layout/blocks.csv"),
                                 ("sections", set(NOTE_SECTIONS), "section")):
            vals = _strings(n.get(k, []))
            if vals is None:
                err("must be a list of names", "notes", i, k)
                vals = []
            for v in vals:
                if allowed is not None and v not in allowed:
                    err(f"unknown {what.split(' in ')[0]} '{v}' (not a {what})", "notes", i, k)
            fields[k] = tuple(vals)
        if "guidance" in n and not isinstance(n["guidance"], bool):
            err("must be true or false", "notes", i, "guidance")
        notes.append(Note(text=" ".join(n["text"].split()), guidance=n.get("guidance") is True, **fields))

    contacts = raw.get("contacts") or []
    if _strings(contacts) is None:
        err("must be a list of lines", "contacts")
        contacts = []

    if errors:
        raise ScorecardError(errors, EXIT_INVALID)
    return Params(month=file_month, title=raw["title"], publication_date=pub, districts=list(districts),
                  produced_by=raw.get("produced_by") or "", notes=notes, contacts=list(contacts), path=path)
