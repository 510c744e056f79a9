"""The pages of an edition as notebook jobs, and the one out-of-date rule for `run` and `build`.

Each page is one execution of a section notebook (``notebooks/<month>/<section>.ipynb``), the
district notebook once per district page. An executed notebook records in its metadata the key of
exactly what it read: the edition's snapshot key (data files, parameters, package code), the
notebook's code cells and the page's parameters. A page whose key is unchanged is not executed
again; if only its Markdown cells (the commentary) changed, the executed copy takes the new cells
and keeps its outputs, which do not depend on them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..content import notebooks as nbm
from ..errors import EXIT_INVALID, ScorecardError
from ..inputs.layout import pages

META = "scorecard"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


@dataclass(frozen=True)
class Job:
    """One page: which notebook, with which parameters, written where."""

    name: str          # page file stem: "social-care", "district-ashford"
    section: str       # section id
    kind: str          # overview / section / district / reference
    title: str         # navigation title: the section's nav_title, or the district's name
    district: str      # the district page ("" otherwise)
    source: Path       # notebooks/<month>/<section>.ipynb

    def parameters(self, month: str, snapshot: Path) -> dict[str, str]:
        return {"month": month, "section": self.section, "district": self.district, "snapshot": str(snapshot)}


def plan(ds, prm, notebooks_dir: Path, month: str) -> list[Job]:
    """Every page of the edition, in publication order."""
    out = []
    for section, district in pages(ds, prm.districts):
        sid = section["section"]
        name = f"{sid}-{slug(district)}" if district else sid
        title = district or section["nav_title"]
        out.append(Job(name, sid, section["kind"], title, district,
                       nbm.path_of(Path(notebooks_dir).resolve(), month, sid)))
    missing = sorted({str(j.source) for j in out if not j.source.is_file()})
    if missing:
        raise ScorecardError([f"{m}: notebook is missing; start the edition with `scorecard new-month {month}`"
                              for m in missing], EXIT_INVALID)
    return out


def select(jobs: list[Job], sections: list[str], districts: list[str]) -> list[Job]:
    """The jobs asked for with --section / --district (every job when neither is given)."""
    known_s = {j.section for j in jobs}
    known_d = {j.district for j in jobs if j.district}
    bad = [f"--section: unknown section '{s}' (sections: {', '.join(sorted(known_s))})" for s in sections
           if s not in known_s]
    bad += [f"--district: '{d}' is not a district page of this edition ({', '.join(sorted(known_d)) or 'none'})"
            for d in districts if d not in known_d]
    if bad:
        raise ScorecardError(bad, EXIT_INVALID)
    if not sections and not districts:
        return jobs
    return [j for j in jobs if (j.section in sections and (not j.district or not districts))
            or (j.district and j.district in districts)]


def code_key(job: Job, nb: nbformat.NotebookNode, snapshot_key: str, month: str) -> str:
    h = hashlib.sha256()
    for part in (snapshot_key, nbm.code_fingerprint(nb), json.dumps([month, job.section, job.district])):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


@dataclass
class State:
    """Where a page stands: its source notebook, its keys, and what has to be done."""

    job: Job
    source_nb: nbformat.NotebookNode
    code: str
    words: str
    action: str      # "execute", "words" (take the new Markdown cells) or "current"


def recorded(executed: Path) -> dict:
    try:
        meta = (nbm.read_executed(executed).get("metadata") or {}).get(META)
    except Exception:  # noqa: BLE001 - missing or unreadable: out of date
        return {}
    return dict(meta) if isinstance(meta, dict) else {}


def state_of(job: Job, executed_dir: Path, snapshot_key: str, month: str, force: bool = False) -> State:
    nb = nbm.read(job.source)
    code, words = code_key(job, nb, snapshot_key, month), nbm.words_fingerprint(nb)
    had = {} if force else recorded(executed_dir / f"{job.name}.ipynb")
    if had.get("code") != code:
        action = "execute"
    elif had.get("words") != words:
        action = "words"
    else:
        action = "current"
    return State(job, nb, code, words, action)


def take_words(executed: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook with the source's Markdown cells (same code cells, so same outputs)."""
    code_out = [c for c in executed.cells if c.cell_type == "code" and "injected-parameters"
                not in c.metadata.get("tags", [])]
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    cells, k = [], 0
    for c in source.cells:
        if c.cell_type == "code":
            cells.append(code_out[k] if k < len(code_out) else c)
            k += 1
            if PARAM_TAG in c.metadata.get("tags", []):
                cells.extend(injected)
        else:
            cells.append(c)
    executed.cells = cells
    return executed


PARAM_TAG = nbm.PARAMETERS_TAG
