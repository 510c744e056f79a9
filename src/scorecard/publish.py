"""`scorecard build`: execute what changed, publish the edition, swap it into place.

Two stages, timed separately:

1. **papermill** (`ensure_executed`): the notebooks run only when their inputs changed. A
   fingerprint of the data, parameters, source notebooks and package code, plus one per
   commentary file, is kept in ``build/<month>/inputs.json``. If only commentary changed, only
   the sections whose commentary changed are executed again (commentary is per section).
2. **publishing**: the builtin engine (nbconvert + jinja2 + a browser or WeasyPrint for the
   PDF) or Quarto. Both read the same executed notebooks.

Publishing is atomic. The new site is built in a folder beside the output (earlier editions are
hard-linked into it, never modified), checked for references to the network, and then renamed
into place; a failure leaves the published site exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import site
from .problems import EXIT_BUILD, EXIT_INVALID, ScorecardError

PACKAGE = Path(__file__).resolve().parent
# Modules that only publish: editing them never requires executing the notebooks again.
PUBLISH_ONLY = {"site.py", "site_builtin.py", "site_pdf.py", "publish.py", "quarto_hooks.py", "commands_publish.py",
                "cli.py", "commands_month.py", "commands_run.py", "lint.py", "ingest.py", "__main__.py"}


@dataclass
class Result:
    month: str
    site: Path
    engine: str
    ran: list[str] = field(default_factory=list)     # notebooks executed by this build
    timings: dict[str, float] = field(default_factory=dict)
    pdf_engine: str = ""


# --- stage 1: notebooks ----------------------------------------------------------------------

def _sha(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        if p.is_file():
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_of(month: str, data: Path, commentary: Path, params_dir: Path, notebooks_src: Path) -> dict:
    """What the executed notebooks of a month depend on, as fingerprints."""
    code = [p for p in PACKAGE.glob("*.py") if p.name not in PUBLISH_ONLY]
    return {
        "month": month,
        "data": _sha(Path(data).rglob("*.csv")),
        "params": _sha([Path(params_dir) / f"{month}.yml"]),
        "notebooks": _sha(Path(notebooks_src).glob("*.ipynb")),
        "code": _sha(code),
        "commentary": {p.stem: _sha([p]) for p in sorted((Path(commentary) / month).glob("*.md"))},
    }


def _stale_sections(before: dict, now: dict) -> list[str] | None:
    """Sections to execute again: [] none, a list when only their commentary changed, None for all."""
    from .runner import SECTIONS

    if not before or any(before.get(k) != now.get(k) for k in ("month", "data", "params", "notebooks", "code")):
        return None
    old, new = before.get("commentary", {}), now.get("commentary", {})
    changed = sorted(s for s in set(old) | set(new) if old.get(s) != new.get(s))
    if any(s not in SECTIONS for s in changed):
        return None
    return changed


def ensure_executed(month: str, data: Path = Path("data"), build_dir: Path = Path("build"),
                    commentary: Path | None = None, params_dir: Path | None = None, jobs: int | None = None,
                    on_done: Callable | None = None) -> tuple[Path, list[str]]:
    """The month's executed notebooks, running only what is out of date. Returns (folder, names run)."""
    from . import commentary as commentary_mod
    from . import params as params_mod
    from . import runner

    data = Path(data).resolve()
    commentary = Path(commentary).resolve() if commentary else commentary_mod.default_root(data)
    params_dir = Path(params_dir).resolve() if params_dir else params_mod.default_dir(data)
    folder = Path(build_dir).resolve() / month / "notebooks"
    state = folder.parent / "inputs.json"
    now = inputs_of(month, data, commentary, params_dir, runner.SOURCE_DIR)
    try:
        before = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    try:
        site.discover(folder, params_mod.load(params_mod.path_of(params_dir, month), month))
        complete = True
    except ScorecardError:
        complete = False
    stale = _stale_sections(before, now) if complete else None
    if stale == []:
        return folder, []
    state.unlink(missing_ok=True)  # a failed run must not leave "up to date" behind
    run = runner.run(month, data, commentary, build_dir, sections=stale or None, jobs=jobs, params_dir=params_dir,
                     on_done=on_done)
    state.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return run.folder, [r.job.name for r in run.results]


# --- atomic publishing -----------------------------------------------------------------------

def _link_tree(src: Path, dest: Path, skip: set[str]) -> None:
    """Hard-link (or copy) the published site into the build folder, except the skipped top entries."""
    dest.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return

    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    for entry in src.iterdir():
        if entry.name in skip:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, dest / entry.name, copy_function=link, symlinks=True)
        else:
            link(str(entry), str(dest / entry.name))


def swap_into_place(built: Path, out: Path) -> None:
    """Rename the finished build over the published site (the old one is removed afterwards)."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(built, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def external_references(root: Path) -> list[str]:
    """Every src/href/url() in the site's HTML and CSS that points off the site (http(s) or //)."""
    import re

    pattern = re.compile(r"""(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?|url\(\s*["']?)\s*"""
                         r"""((?:https?:)?//[^"'\s)>]+)""", re.I)
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in (".html", ".htm", ".css", ".svg") and path.is_file():
            for m in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
                found.append(f"{path.relative_to(root)}: {m.group(1)}")
    return found


def _vega_bundle(site_dir: Path) -> None:
    """The Vega bundle every chart loads (site_libs/vega/vega-bundle.js); rebuilt only for a new version."""
    import vl_convert

    from .charts import VL_VERSION
    from .display import write_vega_bundle

    stamp = site_dir / "site_libs" / "vega" / "VERSION"
    version = f"vl-convert {vl_convert.__version__}; vega-lite {VL_VERSION}\n"
    bundle = site_dir / "site_libs" / "vega" / "vega-bundle.js"
    if bundle.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == version:
        return
    write_vega_bundle(site_dir)           # writes a new file and renames it over any old link
    stamp.unlink(missing_ok=True)
    stamp.write_text(version, encoding="utf-8")


def editions_in(site_dir: Path) -> list[dict]:
    out = []
    for f in sorted(site_dir.glob("*/edition.json")):
        try:
            out.append(json.loads(f.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return out


# --- stage 2: the builtin engine -------------------------------------------------------------

def _cache_key(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    for module in ("site.py", "site_builtin.py", "site_pdf.py"):
        h.update((PACKAGE / module).read_bytes())
    for f in sorted((PACKAGE / "templates").glob("*")):
        h.update(f.read_bytes())
    return h.hexdigest()[:24]


def _web_bodies(edition: site.Edition, prepared: dict[str, site.Prepared], cache: Path,
                keys: dict[str, str]) -> dict[str, str]:
    """nbconvert HTML of every page, from the cache when the executed notebook has not changed."""
    from .site_builtin import notebook_html

    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for page in edition.pages:
        f = cache / f"{page.slug}.web.{keys[page.slug]}.html"
        if f.exists():
            out[page.slug] = f.read_text(encoding="utf-8")
            continue
        for old in cache.glob(f"{page.slug}.web.*.html"):
            old.unlink()
        out[page.slug] = notebook_html(prepared[page.slug], "web")
        f.write_text(out[page.slug], encoding="utf-8")
    return out


def _workbook(frame: Callable, dest: Path, previous: Path | None, fingerprint: str) -> None:
    """Every table as an Excel workbook (one sheet per block); reused when the data has not changed."""
    if previous and previous.exists():
        try:
            info = json.loads((previous.parent / "edition.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        if info.get("workbook_fingerprint") == fingerprint:
            os.link(previous, dest)
            return
    from . import export

    export.write(frame(), dest, "xlsx")


def publish_builtin(edition: site.Edition, out: Path, frame: Callable, inputs: dict, cache: Path,
                    pdf_engine: str = "auto", timings: dict | None = None,
                    before_swap: Callable[[], None] | None = None) -> str:
    """Build the whole site (this edition plus the earlier ones) beside `out`, check it, swap it in."""
    from . import site_builtin, site_pdf

    timings = timings if timings is not None else {}
    out = Path(out).resolve()
    building = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    month = edition.month
    try:
        t = time.perf_counter()
        _link_tree(out, building, skip={month})
        dest = building / month
        dest.mkdir(parents=True)
        prepared = {p.slug: site.prepare(p) for p in edition.pages}
        timings["read notebooks"] = time.perf_counter() - t

        pdf_name, xlsx_name = f"scorecard-{month}.pdf", f"scorecard-{month}.xlsx"
        fingerprint = hashlib.sha256(json.dumps([inputs.get("data"), inputs.get("code")]).encode()).hexdigest()
        with ThreadPoolExecutor(max_workers=1) as pool:   # the PDF (a browser process) runs beside the pages
            t_pdf = time.perf_counter()
            keys = {p.slug: _cache_key(p.notebook) for p in edition.pages}
            pdf_job = pool.submit(site_pdf.write_pdf, edition, prepared, dest / pdf_name, cache / "print",
                                  pdf_engine, cache / "pdf-pages.json", keys)
            t = time.perf_counter()
            bodies = _web_bodies(edition, prepared, cache / "web", keys)
            site_builtin.write_edition_pages(edition, prepared, dest, bodies=bodies)
            timings["pages"] = time.perf_counter() - t
            t = time.perf_counter()
            _workbook(frame, dest / xlsx_name, out / month / xlsx_name, fingerprint)
            timings["workbook"] = time.perf_counter() - t
            used = pdf_job.result()
            timings[f"pdf ({used})"] = time.perf_counter() - t_pdf
        site_builtin.write_edition_index(edition, dest, pdf_name=pdf_name, xlsx_name=xlsx_name, prepared=prepared)
        (dest / "edition.json").write_text(json.dumps({
            "month": month, "label": edition.label, "publication_date": edition.publication_date,
            "pdf": pdf_name, "xlsx": xlsx_name, "engine": "builtin", "pdf_engine": used,
            "pages": [{"slug": p.slug, "title": p.title, "kind": p.kind} for p in edition.pages],
            "workbook_fingerprint": fingerprint}, indent=1) + "\n", encoding="utf-8")
        t = time.perf_counter()
        _vega_bundle(building)
        site_builtin.write_site_root(building, editions_in(building))
        bad = external_references(building)
        if bad:
            raise ScorecardError(["ERROR: the site would load files from the network:", *bad[:20]], EXIT_BUILD)
        timings["site files"] = time.perf_counter() - t
        if before_swap:
            before_swap()
        swap_into_place(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return used


# --- stage 2: Quarto -------------------------------------------------------------------------

def publish_quarto(month: str, out: Path, data: Path, build_dir: Path, project: Path) -> None:
    """`quarto render` into a folder beside `out`, then swap it in (Quarto empties its output folder)."""
    quarto = shutil.which("quarto")
    if not quarto:
        raise ScorecardError("--engine quarto: `quarto` is not on PATH (install Quarto 1.6 or newer, or use "
                             "--engine builtin)", EXIT_INVALID)
    out = Path(out).resolve()
    building = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    env = dict(os.environ, SCORECARD_MONTH=month, SCORECARD_DATA=str(Path(data).resolve()),
               SCORECARD_BUILD=str(Path(build_dir).resolve()))
    try:
        done = subprocess.run([quarto, "render", "--output-dir", str(building)], cwd=project, env=env)
        if done.returncode != 0:
            raise ScorecardError(f"ERROR: quarto render failed (exit {done.returncode}); {out} was not changed",
                                 EXIT_BUILD)
        bad = external_references(building)
        if bad:
            raise ScorecardError(["ERROR: the site would load files from the network:", *bad[:20]], EXIT_BUILD)
        swap_into_place(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


# --- the command -----------------------------------------------------------------------------

class EditionFrame:
    """The engine's rows for the month, computed once when first needed (lint and the workbook)."""

    def __init__(self, data: Path, month: str):
        import threading

        self.data, self.month, self._frame = data, month, None
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            return self._build()

    def _build(self):
        if self._frame is None:
            from . import edition as edition_mod
            from .validation import validate

            ds, report = validate(self.data)
            if ds is None or not report.ok:
                raise ScorecardError([p.line() for p in sorted(report.errors)], EXIT_INVALID)
            self._frame = edition_mod.build(ds, self.month)
        return self._frame


def lint_findings(frame: EditionFrame, month: str, commentary: Path) -> list[str]:
    """Commentary findings (scorecard lint) as lines; none when the month has no commentary folder."""
    from . import lint

    if not (commentary / month).is_dir():
        return []
    return [f.text() for f in lint.lint_month(frame(), month, commentary)]


def build(month: str, out: Path = Path("_site"), engine: str | None = None, data: Path = Path("data"),
          build_dir: Path = Path("build"), commentary: Path | None = None, params_dir: Path | None = None,
          run: bool = True, pdf_engine: str = "auto", jobs: int | None = None, strict: bool = False,
          on_done: Callable | None = None, warn: Callable[[str], None] | None = None) -> Result:
    """Execute what is out of date, check the commentary, then publish the month with the chosen engine."""
    from . import commentary as commentary_mod
    from . import params as params_mod
    from . import periods
    from .problems import EXIT_LINT
    from .runner import SOURCE_DIR

    engine = engine or ("quarto" if shutil.which("quarto") else "builtin")
    if engine not in ("quarto", "builtin"):
        raise ScorecardError(f"--engine: '{engine}' is not quarto or builtin", EXIT_INVALID)
    if pdf_engine not in ("auto", "chromium", "weasyprint"):
        raise ScorecardError(f"--pdf-engine: '{pdf_engine}' is not auto, chromium or weasyprint", EXIT_INVALID)
    try:
        month = str(periods.Month.parse(month))
    except periods.PeriodError as exc:
        raise ScorecardError(f"--month: {exc}", EXIT_INVALID) from None
    data = Path(data).resolve()
    commentary = Path(commentary).resolve() if commentary else commentary_mod.default_root(data)
    params_dir = Path(params_dir).resolve() if params_dir else params_mod.default_dir(data)
    result = Result(month=month, site=Path(out), engine=engine)
    t = time.perf_counter()
    if run:
        folder, result.ran = ensure_executed(month, data, build_dir, commentary, params_dir, jobs, on_done)
    else:
        folder = Path(build_dir).resolve() / month / "notebooks"
    result.timings["papermill"] = time.perf_counter() - t

    t = time.perf_counter()
    frame = EditionFrame(data, month)

    def check_commentary(findings: list[str]) -> None:
        for line in findings:
            (warn or print)(f"WARNING: {line}")
        if findings and strict:
            raise ScorecardError(f"ERROR (--strict): {len(findings)} commentary finding(s); {out} was not changed",
                                 EXIT_LINT)

    if engine == "quarto":
        check_commentary(lint_findings(frame, month, commentary))
        project = Path.cwd() if (Path.cwd() / "_quarto.yml").exists() else PACKAGE.parents[1]
        publish_quarto(month, out, data, build_dir, project)
        result.pdf_engine = "typst"
    else:
        edition = site.discover(folder, params_mod.load(params_mod.path_of(params_dir, month), month))
        inputs = inputs_of(month, data, commentary, params_dir, SOURCE_DIR)
        detail: dict[str, float] = {}
        with ThreadPoolExecutor(max_workers=1) as pool:  # the commentary check runs beside the publishing
            lint_job = pool.submit(lint_findings, frame, month, commentary)
            result.pdf_engine = publish_builtin(edition, out, frame, inputs, folder.parent / "publish-cache",
                                                pdf_engine, detail, lambda: check_commentary(lint_job.result()))
        result.timings.update({f"  {k}": v for k, v in detail.items()})
    result.timings["publishing"] = time.perf_counter() - t
    return result
