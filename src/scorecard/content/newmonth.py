"""`scorecard new-month`: start an edition's own files from the latest earlier edition's.

For a month, under the data lock:

- ``params/<month>.yml`` from the latest earlier edition's parameters: the month moved on, the
  publication date a placeholder (``TO CONFIRM (e.g. 2026-03-23)``: params.load accepts it, build
  refuses it), every note copied with ``confirmed: false`` (build refuses it until an analyst
  checks its words and deletes that line, or the note), the commentary policy and contacts copied;
- ``notebooks/<month>/<section>.ipynb`` for every section of ``layout/sections.csv`` from its
  template ``notebooks/<kind>.ipynb``: the template's code cells with the parameters set, and for
  a section that carries commentary a heading (the last edition's) and one Markdown cell per
  rating, pre-filled with draft paragraphs (tagged ``commentary`` and ``draft``, each marked
  ``[DRAFT]``) for exactly the indicators the section's commentary policy requires
  (:func:`scorecard.content.commentary.required`, the list ``scorecard lint`` checks).

A file that already exists is never overwritten (each new file is linked into place, which fails
if it exists), and nothing of an earlier edition is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from ..engine.build import build as build_edition
from ..engine.model import Row
from ..engine.snapshot import Snapshot
from ..errors import EXIT_INVALID, ScorecardError, capped
from ..fsutil import TEMP_MARK, data_lock, os_errors
from ..inputs import params as params_mod
from ..inputs import validate
from ..rules import periods
from . import commentary
from . import notebooks as nbm

_EDITION = re.compile(r"^\d{4}-\d{2}$")
NOTE_ORDER = ("guidance", "indicators", "blocks", "sections")   # then the text


@dataclass
class Started:
    """What new-month created, what it left alone, and which paragraphs the edition needs."""

    month: str
    root: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    source: Path | None = None                                        # the earlier parameters file
    needed: dict[str, list[Row]] = field(default_factory=dict)        # section -> indicators needing a paragraph
    policies: dict[str, str] = field(default_factory=dict)

    def shown(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def parse_month(text: str) -> str:
    try:
        return str(periods.Month.parse(text))
    except periods.PeriodError as exc:
        raise ScorecardError(f"new-month: {exc}", EXIT_INVALID) from None


def earlier_editions(params_dir: Path, month: str) -> list[str]:
    """The months before ``month`` that have a parameters file, oldest first."""
    if not Path(params_dir).is_dir():
        return []
    found = [p.stem for p in Path(params_dir).glob("*.yml") if _EDITION.match(p.stem) and p.is_file()]
    return sorted(m for m in found if m < month)


# --- params/<month>.yml ------------------------------------------------------------------------------

def suggested_date(previous: dt.date | None, month: str) -> str:
    """The same day of the month after the edition's month as the previous edition's (28th at most)."""
    m = periods.Month.parse(month).shift(1)
    day = min(previous.day, 28) if previous else 23
    return dt.date(m.year, m.month, day).isoformat()


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json_str(str(value))


def json_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _flow(values: list) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _folded(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return [pad + line for line in textwrap.wrap(" ".join(str(text).split()), width=max(40, 110 - indent),
                                                 break_long_words=False, break_on_hyphens=False)]


def params_text(data: dict, old_month: str, month: str, date_hint: str) -> tuple[str, dict]:
    """The new edition's parameters file, and the mapping it must read back as."""
    want: dict = {"month": month, "publication_date": f"TO CONFIRM (e.g. {date_hint})"}
    lines = [f"# Parameters of the {periods.Month.parse(month).long_label()} edition, started by "
             f"`scorecard new-month {month}` from params/{old_month}.yml.",
             "# Before publishing: write the publication date, and check every note copied from the previous",
             "# edition (delete its `confirmed: false` line, or the note). `scorecard build` refuses both until then.",
             f"month: {json_str(month)}",
             f"publication_date: {json_str(want['publication_date'])}"]
    for key in ("title", "produced_by", "provisional"):
        if key in data:
            want[key] = data[key]
            lines.append(f"{key}: {_scalar(data[key]) if data[key] is not None else 'null'}")
    if "districts" in data:
        want["districts"] = list(data["districts"] or [])
        lines.append("")
        lines.append("# The district pages of this edition.")
        lines.append("districts:" + ("" if want["districts"] else " []"))
        lines += [f"  - {_scalar(d)}" for d in want["districts"]]
    policy = data.get("commentary_policy", "rated")
    want["commentary_policy"] = policy
    lines += ["", "# Which paragraphs of commentary each section needs (scorecard lint and new-month follow this):"]
    lines += [f"#   {name:8} {words}" for name, words in params_mod.POLICIES.items()]
    if isinstance(policy, dict):
        lines.append("commentary_policy:" + ("" if policy else " {}"))
        lines += [f"  {k}: {_scalar(v)}" for k, v in policy.items()]
    else:
        lines.append(f"commentary_policy: {_scalar(policy)}")
    notes = []
    lines += ["", f"# Notes printed in the edition, copied from {old_month}: each is unconfirmed until an analyst has",
              "# checked it. `guidance: true` notes open the reference page; `indicators`, `blocks` and `sections`",
              "# put a note beside the tables (or at the top of the pages) it is about."]
    raw_notes = data.get("notes") or []
    lines.append("notes:" + ("" if raw_notes else " []"))
    for n in raw_notes:
        note = {k: v for k, v in n.items() if k != "confirmed"}
        note["confirmed"] = False
        notes.append(note)
        first = True
        for k in ("confirmed", *[k for k in NOTE_ORDER if k in note]):
            if k == "confirmed":
                entry = "confirmed: false   # copied: check the words, then delete this line"
            elif isinstance(note[k], list):
                entry = f"{k}: {_flow(note[k])}"
            else:
                entry = f"{k}: {_scalar(note[k])}"
            lines.append(("  - " if first else "    ") + entry)
            first = False
        lines.append("    text: >-")
        lines += _folded(note["text"], 6)
    want["notes"] = notes
    contacts = list(data.get("contacts") or [])
    want["contacts"] = contacts
    lines += ["", "# Management information contacts printed on the reference page."]
    lines.append("contacts:" + ("" if contacts else " []"))
    lines += [f"  - {_scalar(c)}" for c in contacts]
    return "\n".join(lines) + "\n", want


def _normal(data: dict) -> dict:
    """A parameters mapping with each note's text as one line, for comparing what was written."""
    out = dict(data)
    out["notes"] = [{**n, "text": " ".join(str(n.get("text", "")).split())} for n in data.get("notes") or []]
    return out


# --- notebooks/<month>/<section>.ipynb ------------------------------------------------------------

def code_only(template: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.reads(nbformat.writes(template), as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]
    return nb


def heading_of(notebooks_dir: Path, months: list[str], section: dict) -> str:
    """The commentary heading of the section's latest earlier notebook, or one from its title."""
    for m in reversed(months):
        path = nbm.path_of(notebooks_dir, m, section["section"])
        if not path.is_file():
            continue
        for _, source, _tags in nbm.markdown_cells(nbm.read(path)):
            text = source.strip()
            if re.fullmatch(r"#{1,6} [^\n]+", text):
                return text
            break
    return f"## Commentary on {section['title']}"


def words_for(snap: Snapshot, section: dict, heading: str, previous) -> list[tuple[str, list[str]]]:
    """The Markdown cells of a new section notebook: the heading, then one cell of drafts per rating."""
    words = [(heading, [nbm.COMMENTARY_TAG])]
    groups: dict[str, list[str]] = {}
    for rag, text in commentary.drafts(snap, section["section"], previous):
        groups.setdefault(rag, []).append(text)
    for rag in commentary.RAG_ORDER:
        if rag in groups:
            words.append(("\n\n".join(groups[rag]), [nbm.COMMENTARY_TAG, nbm.DRAFT_TAG]))
    if not groups:
        policy = snap.params.policy_for(section["section"])
        words.append((f"{nbm.DRAFT_MARK} No paragraph is required by this section's commentary policy ('{policy}'). "
                      "Write the section's commentary here (a paragraph per indicator, starting **RED:**, **AMBER:** "
                      "or **GREEN:**), or delete this cell.", [nbm.COMMENTARY_TAG, nbm.DRAFT_TAG]))
    return words


# --- writing without overwriting -------------------------------------------------------------------

def create_new(path: Path, text: str) -> bool:
    """Write ``path`` only if it does not exist (linked into place, so never half-written); True if created."""
    path = Path(path)
    with os_errors(path, EXIT_INVALID):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            return False
        tmp = path.with_name(f"{TEMP_MARK}{os.getpid()}-{path.name}")
        try:
            with open(tmp, "wb") as fh:
                fh.write(text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        finally:
            tmp.unlink(missing_ok=True)
    return True


# --- the command -----------------------------------------------------------------------------------

def start(data_dir: Path, month: str, today: dt.date | None = None, params_dir: Path | None = None,
          notebooks_dir: Path | None = None) -> Started:
    """Create the month's parameters file and notebooks (see the module's docstring)."""
    month = parse_month(month)
    data_dir = Path(data_dir)
    root = data_dir.resolve().parent
    params_dir = Path(params_dir or root / "params")
    notebooks_dir = Path(notebooks_dir or root / "notebooks")
    if not data_dir.is_dir():
        raise ScorecardError(f"{data_dir}: no such data folder (give --data DIR)", EXIT_INVALID)
    done = Started(month, root)
    with data_lock(data_dir, "new-month"):
        ds, report = validate(data_dir, today)
        if ds is None or not report.ok:
            raise ScorecardError(capped([p.line() for p in report.errors]), EXIT_INVALID)
        months = earlier_editions(params_dir, month)
        target = params_mod.path_of(params_dir, month)
        if not months and not target.exists():
            raise ScorecardError(f"new-month {month}: no earlier edition in {params_dir} (YYYY-MM.yml before "
                                 f"{month}) to start from", EXIT_INVALID)
        observed = {r["period"] for r in ds.records("observations.csv")}
        if month not in observed:
            raise ScorecardError(f"new-month {month}: {data_dir} has no figures for {month} yet; add them first "
                                 "(scorecard ingest FILE), so the drafts can be written from them", EXIT_INVALID)

        # the parameters
        if target.exists():
            done.kept.append(target)
        else:
            source = params_mod.path_of(params_dir, months[-1])
            old = params_mod.load(source, months[-1], ds)
            raw = yaml.safe_load(source.read_text(encoding="utf-8-sig")) or {}
            text, want = params_text(raw, months[-1], month, suggested_date(old.publication_date, month))
            if _normal(yaml.safe_load(text)) != _normal(want):   # pragma: no cover - a writer bug, never data
                raise ScorecardError(f"{target}: the new parameters file would not read back as intended; "
                                     "nothing was written", EXIT_INVALID)
            if create_new(target, text):
                done.created.append(target)
                done.source = source
            else:
                done.kept.append(target)
        prm = params_mod.load(target, month, ds)
        snap = Snapshot(month, "", ds, prm, build_edition(ds, month, []), report)
        previous = commentary.previous_figures(snap)

        # the notebooks
        for section in ds.sections:
            sid = section["section"]
            path = nbm.path_of(notebooks_dir, month, sid)
            if path.exists():
                done.kept.append(path)
                continue
            template_path = Path(notebooks_dir) / f"{section['kind']}.ipynb"
            if not template_path.is_file():
                raise ScorecardError(f"{template_path}: the {section['kind']} notebook template is missing (needed "
                                     f"for {path})", EXIT_INVALID)
            template = code_only(nbm.read(template_path))
            values = {"month": month, "section": sid,
                      "district": prm.districts[0] if section["kind"] == "district" and prm.districts else ""}
            words = []
            if str(section.get("commentary", "")).lower() == "yes":
                words = words_for(snap, section, heading_of(notebooks_dir, months, section), previous)
            nb = nbm.create(template, values, words)
            if create_new(path, nbformat.writes(nb) + "\n"):
                done.created.append(path)
            else:
                done.kept.append(path)

        for section in ds.sections:
            if str(section.get("commentary", "")).lower() == "yes":
                sid = section["section"]
                done.policies[sid] = prm.policy_for(sid)
                done.needed[sid] = commentary.required(snap, sid, previous)
    return done
