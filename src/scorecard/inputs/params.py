"""Edition parameters: ``params/<month>.yml`` holds what is printed around one month's figures.

The month, publication date, district pages, the notes printed beside tables, contacts and the
commentary policy are per edition, like the commentary, so February's file never changes
January's. :func:`load` checks the file against the data (districts in ``areas.csv``, sections,
blocks and indicators in the layout) and reports every problem on one line with file, line and key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EXIT_INVALID, Report, ScorecardError, capped
from ..rules import periods
from . import yamlfile

KEYS = {"month", "title", "produced_by", "publication_date", "districts", "notes", "contacts", "commentary_policy",
        "provisional"}
NOTE_KEYS = {"text", "guidance", "indicators", "blocks", "sections", "confirmed"}
POLICIES = {
    "rated": "a paragraph for every indicator on the county pages rated RED or AMBER",
    "changed": "a paragraph for every indicator on the county's pages rated RED or AMBER whose figure changed "
               "since the last edition (and so has a target)",
    "none": "no paragraph is required",
}
PLACEHOLDER = "TO CONFIRM"


@dataclass(frozen=True)
class Note:
    """A note printed in the edition, and where it belongs."""

    text: str
    guidance: bool = False
    indicators: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    confirmed: bool = True


@dataclass
class Params:
    month: str
    publication_date: dt.date | None
    districts: list[str]
    title: str = ""
    produced_by: str | None = None
    notes: list[Note] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    commentary_policy: dict[str, str] = field(default_factory=dict)   # section -> policy; "" = every section
    provisional: bool = False
    path: Path | None = None
    date_text: str = ""

    @property
    def month_label(self) -> str:
        """'January 2026'."""
        return periods.Month.parse(self.month).long_label()

    @property
    def publication_label(self) -> str:
        """'23 February 2026'."""
        d = self.publication_date
        return f"{d.day} {d:%B %Y}" if d else ""

    def notes_for(self, section: str | None = None, blocks=(), indicators=()) -> list[Note]:
        """Notes about a section, any of its blocks or any indicator it shows (each note once)."""
        return [n for n in self.notes if (section and section in n.sections) or set(n.blocks) & set(blocks)
                or set(n.indicators) & set(indicators)]

    def policy_for(self, section: str) -> str:
        """Which paragraphs of commentary a section's notebook needs (see POLICIES)."""
        return self.commentary_policy.get(section, self.commentary_policy.get("", "rated"))

    def unconfirmed(self) -> list[str]:
        """What new-month carried over and an analyst has not yet confirmed (build refuses these)."""
        out = []
        if self.publication_date is None:
            out.append(f"{self.path}: [publication_date]: '{self.date_text}' is not confirmed; write the "
                       "edition's publication date, e.g. publication_date: 2026-03-23")
        for i, n in enumerate(self.notes):
            if not n.confirmed:
                out.append(f"{self.path}: [notes[{i}]]: this note was copied from the previous edition and is not "
                           f"confirmed (\"{n.text[:60]}...\"); check its words, then delete 'confirmed: false' "
                           "or the note")
        return out


def default_dir(data_dir: Path) -> Path:
    """Parameters live beside the data folder: ``<repo>/params`` for ``<repo>/data``."""
    return Path(data_dir).resolve().parent / "params"


def path_of(params_dir: Path, month: str) -> Path:
    return Path(params_dir) / f"{month}.yml"


def load(path: Path, month: str | None = None, ds=None) -> Params:
    """Read and check a parameters file; raise a ScorecardError listing every problem, one per line."""
    path = Path(path)
    report = Report()
    if not path.exists():
        raise ScorecardError(f"{path}: parameters file is missing; start the edition with "
                             f"`scorecard new-month {month or path.stem}`", EXIT_INVALID)
    data, lines = yamlfile.read(path, report, "edition's parameters")
    if data is None:
        raise ScorecardError([p.line() for p in report.errors], EXIT_INVALID)
    f = yamlfile.Fields(data, lines, path, report, KEYS)

    file_month = f.text("month", required=True)
    if file_month:
        try:
            file_month = str(periods.Month.parse(file_month))
        except periods.PeriodError as exc:
            f.err(str(exc), "month")
        else:
            if file_month != path.stem:
                f.err(f"'{file_month}' does not match the file name {path.name}", "month")
            if month and file_month != month:
                f.err(f"is for {file_month}, not the edition being built ({month})", "month")

    raw_date = data.get("publication_date")
    date_text = str(raw_date or "")
    pub = None
    if isinstance(raw_date, str) and raw_date.strip().upper().startswith(PLACEHOLDER):
        pub = None   # new-month's placeholder: allowed while writing, refused by build
    else:
        pub = f.date("publication_date", required=True)

    known = list(ds.districts) if ds is not None else None
    if "districts" in data:
        districts = f.texts("districts")
    else:
        districts = list(known or [])
    seen: set[str] = set()
    for i, d in enumerate(districts):
        if known is not None and d not in known:
            f.err(f"unknown district '{d}' (districts in {ds.root / 'areas.csv'}: {', '.join(known) or 'none'})",
                  "districts", i)
        elif d in seen:
            f.err(f"district '{d}' is listed twice", "districts", i)
        seen.add(d)

    sections = {s["section"] for s in ds.sections} if ds is not None else None
    blocks = {b["block"] for b in ds.blocks} if ds is not None else None
    indicators = set(ds.indicators) if ds is not None else None
    notes: list[Note] = []
    raw_notes = data.get("notes") or []
    if not isinstance(raw_notes, list):
        f.err("must be a list of notes, each with a text", "notes")
        raw_notes = []
    for i, n in enumerate(raw_notes):
        if not isinstance(n, dict) or not isinstance(n.get("text"), str) or not n["text"].strip():
            f.err("each note needs a text", "notes", i)
            continue
        for k in n:
            if k not in NOTE_KEYS:
                f.err(f"unknown key '{k}' (expected: {', '.join(sorted(NOTE_KEYS))})", "notes", i, k)
        fields: dict[str, tuple[str, ...]] = {}
        for k, allowed, what in (("indicators", indicators, "indicators.csv"), ("blocks", blocks, "layout/blocks.csv"),
                                 ("sections", sections, "layout/sections.csv")):
            vals = f.texts(k, n, "notes", i)
            for v in vals:
                if allowed is not None and v not in allowed:
                    f.err(f"unknown {k[:-1]} '{v}' (not in {what})", "notes", i, k)
            fields[k] = tuple(vals)
        flags = {}
        for k, default in (("guidance", False), ("confirmed", True)):
            v = n.get(k, default)
            if not isinstance(v, bool):
                f.err("must be true or false", "notes", i, k)
                v = default
            flags[k] = v
        notes.append(Note(text=" ".join(n["text"].split()), **flags, **fields))

    contacts = f.texts("contacts")
    raw_policy = data.get("commentary_policy", "rated")
    policy: dict[str, str] = {}
    if isinstance(raw_policy, str):
        policy[""] = raw_policy
    elif isinstance(raw_policy, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in raw_policy.items()):
        for k, v in raw_policy.items():
            if sections is not None and k not in sections and k != "default":
                f.err(f"unknown section '{k}' (not in layout/sections.csv)", "commentary_policy", k)
            policy["" if k == "default" else k] = v
    else:
        f.err("must be a policy name or a mapping of section to policy", "commentary_policy")
    for k, v in policy.items():
        if v not in POLICIES:
            f.err(f"'{v}' is not one of: {', '.join(POLICIES)}", "commentary_policy", *([k] if k else []))
    provisional = f.flag("provisional")
    produced_by = f.text("produced_by") if "produced_by" in data else None
    title = f.text("title")
    if report.errors:
        raise ScorecardError(capped([p.line() for p in report.errors]), EXIT_INVALID)
    return Params(month=file_month, publication_date=pub, districts=districts, title=title, produced_by=produced_by,
                  notes=notes, contacts=contacts, commentary_policy=policy, provisional=provisional, path=path,
                  date_text=date_text)
