"""`scorecard run` and `scorecard build`: execute what is out of date, check the words, publish.

One pipeline for both: take the data lock, read and check the data once into the edition's
snapshot, plan the pages, execute only the notebooks whose inputs changed (``jobs``), then for a
build: lint the commentary, stage the pages, and publish them (website, PDF, workbook, CSVs) into
a folder beside the published site, checked and swapped into place only when everything has
succeeded. A failure exits with its documented code and leaves the published site as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import snapshot as snapshot_mod
from ..errors import EXIT_BUILD, EXIT_INVALID, EXIT_LINT, ScorecardError, capped
from ..fsutil import (
    clean_stale,
    data_lock,
    link_tree,
    os_errors,
    site_lock,
    staging_parent,
    swap_dir,
    temp_dir,
    write_atomic,
)
from ..inputs import params as params_mod
from . import jobs as jobs_mod
from .execute import Result, executor, write_executed


@dataclass
class Paths:
    data: Path
    notebooks: Path
    params: Path
    build: Path
    out: Path

    @classmethod
    def of(cls, data: Path, notebooks: Path | None = None, params: Path | None = None, build: Path | None = None,
           out: Path | None = None) -> Paths:
        data = Path(data).resolve()
        root = data.parent
        return cls(data, Path(notebooks or root / "notebooks").resolve(), Path(params or root / "params").resolve(),
                   Path(build or root / "build").resolve(), Path(out or root / "_site").resolve())


@dataclass
class Outcome:
    month: str
    executed: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)   # only their Markdown cells changed
    current: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    site: Path | None = None
    pdf: Path | None = None


def snapshot_of(paths: Paths, month: str, today, cached: Path) -> tuple[snapshot_mod.Snapshot, bool]:
    """The edition's snapshot: the previous build's when it was made from exactly these files, else a new one
    (the data read and checked once, under the data lock). Returns (snapshot, whether it is new)."""
    with data_lock(paths.data, "reading the data"):
        key = snapshot_mod.key_of(paths.data, params_mod.path_of(paths.params, month))
        old = snapshot_mod.load(cached, key) if cached.is_file() else None
        if old is not None:
            return old, False
        return snapshot_mod.make(paths.data, month, paths.params, today), True


def execute(paths: Paths, month: str, today=None, executor_name: str = "warm", jobs: int | None = None,
            scheduler: str = "", sections: list[str] | None = None, districts: list[str] | None = None,
            force: bool = False, progress: Callable[[str], None] | None = None) -> tuple[snapshot_mod.Snapshot,
                                                                                    list, Outcome]:
    """The papermill stage: snapshot, plan, execute what is out of date. Raises on any failure."""
    say = progress or (lambda _line: None)
    out = Outcome(month)
    t = time.perf_counter()
    month_dir = paths.build / month
    with os_errors(month_dir):
        month_dir.mkdir(parents=True, exist_ok=True)
    clean_stale(month_dir)
    snap_path = month_dir / snapshot_mod.FILE
    snap, new = snapshot_of(paths, month, today, snap_path)
    if new:
        snapshot_mod.save(snap, snap_path)
    out.timings["snapshot"] = time.perf_counter() - t
    plan = jobs_mod.plan(snap.dataset, snap.params, paths.notebooks, month)
    chosen = jobs_mod.select(plan, sections or [], districts or [])
    executed_dir = month_dir / "executed"
    executed_dir.mkdir(exist_ok=True)
    states = [jobs_mod.state_of(j, executed_dir, snap.key, month, force) for j in chosen]
    stale = [s for s in states if s.action == "execute"]
    t = time.perf_counter()
    for s in states:
        if s.action == "words":
            from ..content import notebooks as nbm

            path = executed_dir / f"{s.job.name}.ipynb"
            nb = jobs_mod.take_words(nbm.read(path, validate=False), s.source_nb)
            nb.metadata[jobs_mod.META]["words"] = s.words
            write_executed(nb, path)
            out.refreshed.append(s.job.name)
        elif s.action == "current":
            out.current.append(s.job.name)
    if stale:
        say(f"executing {len(stale)} of {len(states)} notebooks ({executor_name} kernels)")
        with temp_dir(month_dir, "run") as tmp:
            ex = executor(executor_name, jobs, scheduler, log=month_dir / "kernels.log")
            n = [0]

            def done(r: Result) -> None:
                n[0] += 1
                say(f"  [{n[0]}/{len(stale)}] {r.job.name}: {'done' if r.ok else 'FAILED'} in {r.seconds:.1f} s")

            results = ex.run(stale, month, snap_path, tmp, done)
            bad = [r for r in results if not r.ok]
            if bad or len(results) < len(stale):
                failed = month_dir / "failed"
                shutil.rmtree(failed, ignore_errors=True)
                failed.mkdir()
                lines = []
                for r in bad:
                    kept = failed / r.path.name
                    if r.path.exists():
                        shutil.move(str(r.path), kept)
                    where = f"at cell {r.cell}" if r.cell else "before any cell ran"
                    lines.append(f"ERROR: notebook {r.job.source} (page {r.job.name}) failed {where}: {r.error}; "
                                 f"executed copy kept in {kept}")
                lines.append(f"ERROR: nothing was published; the executed notebooks in {executed_dir} were not changed")
                raise ScorecardError(lines, EXIT_BUILD)
            for r in results:
                os.replace(r.path, executed_dir / r.path.name)
                out.executed.append(r.job.name)
    out.timings["papermill"] = time.perf_counter() - t
    return snap, plan, out


def lint_findings(snap, paths: Paths, month: str) -> list[str]:
    from ..content import lint

    return [f.text() for f in lint.lint_edition(snap, paths.notebooks, month)]


def build(paths: Paths, month: str, today=None, engine: str = "builtin", executor_name: str = "warm",
          jobs: int | None = None, scheduler: str = "", strict: bool = False, draft: bool = False,
          progress: Callable[[str], None] | None = None) -> Outcome:
    """Execute what is out of date, check the words, and publish the month into ``paths.out``."""
    say = progress or (lambda _line: None)
    snap, plan, out = execute(paths, month, today, executor_name, jobs, scheduler, progress=progress)
    refuse = [] if draft else snap.params.unconfirmed() + _drafts(plan)
    if refuse:
        raise ScorecardError([*refuse, "ERROR: nothing was published (confirm these, or build with --draft to "
                                        "preview)"], EXIT_INVALID)
    t = time.perf_counter()
    out.findings = lint_findings(snap, paths, month)
    out.timings["lint"] = time.perf_counter() - t
    if out.findings and strict:
        raise ScorecardError([*capped([f"ERROR: {f}" for f in out.findings]),
                              f"ERROR (--strict): {len(out.findings)} commentary finding(s); nothing was published"],
                             EXIT_LINT)
    from . import stage

    t = time.perf_counter()
    executed_dir = paths.build / month / "executed"
    pages = [stage.stage(executed_dir / f"{j.name}.ipynb", j) for j in plan]
    out.timings["stage"] = time.perf_counter() - t
    if engine == "quarto":
        from . import quarto

        quarto.publish(snap, pages, paths, month, out, say)
    elif engine == "builtin":
        publish_builtin(snap, pages, paths, month, out, say)
    else:
        raise ScorecardError(f"--engine: '{engine}' is not builtin or quarto", EXIT_INVALID)
    return out


def _drafts(plan) -> list[str]:
    from ..content import notebooks as nbm

    out = []
    for job in plan:
        nb = nbm.read(job.source)
        for i, src, _tags in nbm.markdown_cells(nb):
            if nbm.DRAFT_MARK in src:
                out.append(f"ERROR: {job.source}: cell {i}: draft commentary is not confirmed (rewrite it in your "
                           f"own words and delete '{nbm.DRAFT_MARK}')")
    return out


def qa_sections(snap) -> list[dict]:
    from ..content.cells import marks_of

    ds = snap.dataset
    floors = [[r["indicator"], r["year"], r["area"], r["target"], r["floor"] or (f"±{r['floor_tolerance']}" if
              r["floor_tolerance"] else ""), r["floor_source"], r["evidence"]]
              for r in ds.records("targets.csv") if "inferred" in (r["floor_source"], r["tolerance_source"],
                                                                    r["target_source"]) or r["rated_against"]]
    marks = [[m["area"], m["team"], m["block"], m["code"] or m["title"][:40], m["header"], m["shown"], m["printed"],
              m["note"]] for m in marks_of(snap.edition) if m["kind"] != "floor"]
    anomalies = [[r["edition"], r["indicator"], r["area"] or r["team"], r["check"], r["reason"]]
                 for r in ds.records("anomalies.csv") if r["check"] not in ("printed",)]
    checks = [[p.severity, f"{Path(p.file).name}:{p.row}" if p.row else Path(p.file).name, p.message]
              for p in snap.report.problems]
    return [
        {"id": "floors", "title": "Targets and floor standards that were not printed", "columns":
         ["Indicator", "Year", "Area", "Target", "Floor", "Source", "Evidence"], "rows": floors,
         "intro": "These are used to tell RED from AMBER. Replace them with the business plan's figures when "
                  "available (a change to data/targets.csv only)."},
        {"id": "marks", "title": "Cells shown with a note", "columns": ["Area", "Team", "Table", "Indicator",
                                                                        "Column", "Shown", "Printed", "Note"],
         "rows": marks, "intro": "Every cell of the tables whose value is not simply what the edition printed."},
        {"id": "anomalies", "title": "Known inconsistencies of the source", "columns":
         ["Edition", "Indicator", "Area or team", "Check", "Reason"], "rows": anomalies, "intro": ""},
        {"id": "checks", "title": "What the data checks found", "columns": ["Severity", "Where", "Finding"],
         "rows": checks, "intro": ""},
    ]


def publish_builtin(snap, pages, paths: Paths, month: str, out: Outcome, say) -> None:
    from ..content import downloads
    from . import assets, pdf, safety
    from . import site as site_mod

    target = paths.out
    staging = staging_parent(target)
    with os_errors(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
    site = site_mod.Site(snap, pages)
    pdf_name, xlsx_name = f"scorecard-{month}.pdf", f"scorecard-{month}.xlsx"
    t = time.perf_counter()
    with site_lock(target, paths.build), temp_dir(staging, f"site-{target.name}") as building:
        clean_stale(staging, keep={building})
        link_tree(target, building, skip={month})
        dest = building / month
        dest.mkdir(parents=True)
        assets.write_vega_bundle(building, paths.build)
        site_mod.write_root(building, [], site.site_name, site.full_title, site.language)  # styles for printing
        say("printing the PDF")
        # Chromium prints in its own processes while this thread writes the pages and downloads
        with ThreadPoolExecutor(1, thread_name_prefix="pdf") as pool:
            printing = pool.submit(pdf.write_pdf, site, pages, dest / pdf_name, building,
                                   paths.build / month / "pdf-cache", snap.dataset.publication.kicker)
            t2 = time.perf_counter()
            downloads.edition_workbook(snap.edition, snap.key, dest / xlsx_name, paths.build / month)
            site_mod.write_edition(site, dest, pdf_name, xlsx_name, qa_sections(snap))
            write_atomic(dest / "edition.json", json.dumps({
                "month": month, "label": site.label, "publication_date": site.publication_date, "pdf": pdf_name,
                "xlsx": xlsx_name, "first": f"{pages[0].job.name}.html" if pages else "index.html",
                "first_title": pages[0].job.title if pages else "", "pages": [p.job.name for p in pages]},
                indent=1))
            out.timings["pages"] = time.perf_counter() - t2
            out.timings.update(printing.result())
        for f in building.glob("print-*.html"):
            f.unlink()
        site_mod.write_root(building, _editions(building), site.site_name, site.full_title, site.language)
        bad = safety.check_site(building)
        if bad:
            raise ScorecardError(["ERROR: the site would load files from outside itself; nothing was published:",
                                  *bad[:20]], EXIT_BUILD)
        swap_dir(building, target)
    out.timings["publishing"] = time.perf_counter() - t
    out.site, out.pdf = target / month, target / month / pdf_name


EDITION_KEYS = ("month", "label", "publication_date", "pdf", "xlsx", "first", "first_title")


def _editions(site_dir: Path) -> list[dict]:
    """The editions already published (their edition.json); anything unreadable or incomplete is left out."""
    out = []
    for f in sorted(site_dir.glob("*/edition.json")):
        try:
            e = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(e, dict) and all(isinstance(e.get(k), str) for k in EDITION_KEYS):
            out.append(e)
    return out
