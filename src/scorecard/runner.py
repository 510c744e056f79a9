"""Running an edition's notebooks: every section for Kent and the district page once per district.

``run`` checks everything it can before starting a kernel (data, month,
parameters, district names, the Jupyter kernel), then executes the grid with
papermill in parallel, one worker process per notebook at a time. The
notebooks are written into a temporary folder and moved into
``<out>/<month>/notebooks`` only when every one of them succeeded, so a failed
run never leaves half-written output that looks complete: the previous
complete set stays where it was, and the failed notebook is kept in
``<out>/<month>/failed/`` for inspection. ``manifest.json`` beside the
notebooks records the month, each notebook's parameters and timing, and
fingerprints of the data, commentary, parameters and source notebooks.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import params as params_mod
from .commentary import default_root
from .listing import slug
from .problems import EXIT_BUILD, EXIT_INVALID, ScorecardError

SECTIONS = ("overview", "send", "social-care", "early-help", "education", "reference")
DISTRICT = "district"
KERNEL = "python3"
SOURCE_DIR = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Job:
    """One notebook to execute: its output name, source notebook and district."""

    name: str       # output stem: "social-care", "district-ashford"
    source: str     # source notebook stem: "social-care", "district"
    district: str   # "Kent" or a district name


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    path: str
    error: str = ""
    cell: int | None = None     # 1-based cell number in the source notebook
    label: str = ""


@dataclass
class Run:
    """What a successful run produced."""

    month: str
    folder: Path
    results: list[Result]
    seconds: float
    manifest: dict = field(default_factory=dict)


def grid(sections: Iterable[str] | None, districts: Iterable[str] | None, all_districts: list[str]) -> list[Job]:
    """The notebooks to run.

    No selection: every section and every district. ``--section`` picks
    sections (``district`` means every district page unless ``--district`` says
    which); ``--district`` alone runs just those district pages.
    """
    sections = list(sections or [])
    districts = list(districts or [])
    if not sections and not districts:
        sections = [*SECTIONS, DISTRICT]
    jobs = [Job(s, s, "Kent") for s in SECTIONS if s in sections]
    if DISTRICT in sections or districts:
        for d in all_districts:
            if not districts or d in districts:
                jobs.append(Job(f"district-{slug(d)}", DISTRICT, d))
    return jobs


def default_notebooks(data_dir: Path) -> Path:
    """The notebooks beside the data folder (``<repo>/notebooks``), else the ones this package came with."""
    beside = Path(data_dir).resolve().parent / "notebooks"
    return beside if beside.is_dir() else SOURCE_DIR


# --- checks before any kernel starts ------------------------------------------------------------------

def check_selection(sections: list[str], districts: list[str], prm: params_mod.Params) -> None:
    bad = [f"--section: unknown section '{s}' (sections: {', '.join([*SECTIONS, DISTRICT])})"
           for s in sections if s not in (*SECTIONS, DISTRICT)]
    bad += [f"--district: '{d}' is not a district of this edition ({', '.join(prm.districts)}; see {prm.path})"
            for d in districts if d not in prm.districts]
    if bad:
        raise ScorecardError(bad, EXIT_INVALID)


def ensure_kernel(name: str = KERNEL) -> None:
    """Make sure papermill can start the kernel; install the user kernelspec once if it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
        return
    except NoSuchKernel:
        pass
    try:
        from ipykernel.kernelspec import install

        install(user=True, kernel_name=name)
        KernelSpecManager().get_kernel_spec(name)
    except Exception as exc:  # noqa: BLE001 - any failure here means the same thing to the user
        raise ScorecardError(f"no Jupyter kernel '{name}' ({exc}); run `python -m ipykernel install --user`",
                             EXIT_BUILD) from None


def fingerprint(paths: Iterable[Path], root: Path | None = None) -> str:
    """sha256 over the files' relative names and bytes, in a stable order."""
    h = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        if p.is_file():
            rel = p.relative_to(root) if root and p.is_relative_to(root) else p.name
            h.update(str(rel).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


# --- executing one notebook (in a worker process) ---------------------------------------------------------

def _worker_init(pythonpath: str, log: str) -> None:
    """Kernels inherit the environment: make them import this same scorecard package.

    The kernels' own chatter on stderr (transport warnings and the like) goes
    to a log file rather than over the progress bar; errors come back in results.
    """
    old = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = pythonpath + (os.pathsep + old if old else "")
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _source_cell(executed_path: Path) -> tuple[int | None, str]:
    """(1-based cell number in the source notebook, its ``#| label``) of the cell that raised.

    Papermill adds an injected-parameters cell and error banners to the
    executed copy; they are skipped so the number matches the notebook an
    analyst opens and edits.
    """
    import nbformat

    try:
        nb = nbformat.read(executed_path, as_version=4)
    except Exception:  # noqa: BLE001 - the message still names the notebook
        return None, ""
    n = 0
    for c in nb.cells:
        tags = c.metadata.get("tags", [])
        if "papermill-error-cell-tag" in tags or "injected-parameters" in tags:
            continue
        n += 1
        failed = c.metadata.get("papermill", {}).get("exception") or any(
            o.get("output_type") == "error" for o in c.get("outputs", []))
        if failed:
            label = next((ln.split(":", 1)[1].strip() for ln in c.source.splitlines()
                          if ln.startswith("#| label:")), "")
            return n, label
    return None, ""


def execute(job: Job, source_dir: str, out_dir: str, month: str, data_dir: str, commentary_dir: str,
            params_dir: str) -> Result:
    """Run one notebook with papermill; never raises (the result says what went wrong)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    src = Path(source_dir) / f"{job.source}.ipynb"
    out = Path(out_dir) / f"{job.name}.ipynb"
    parameters = {"month": month, "district": job.district, "data_dir": data_dir,
                  "commentary_dir": commentary_dir, "params_dir": params_dir}
    start = time.perf_counter()
    try:
        pm.execute_notebook(str(src), str(out), parameters=parameters, kernel_name=KERNEL, cwd=str(out_dir),
                            progress_bar=False, log_output=False, report_mode=False)
    except PapermillExecutionError as exc:
        cell, label = _source_cell(out)
        first = (str(exc.evalue).strip().splitlines() or [""])[0]
        return Result(job, False, time.perf_counter() - start, str(out), f"{exc.ename}: {first}", cell, label)
    except Exception as exc:  # noqa: BLE001 - kernel died, notebook unreadable, ...
        first = (str(exc).strip().splitlines() or [""])[0]
        return Result(job, False, time.perf_counter() - start, str(out), f"{type(exc).__name__}: {first}")
    return Result(job, True, time.perf_counter() - start, str(out))


def failure_line(r: Result, source_dir: Path, kept: Path | None) -> str:
    where = f"cell {r.cell}" if r.cell else "before any cell ran"
    if r.label:
        where += f" ({r.label})"
    district = f", district={r.job.district}" if r.job.source == DISTRICT else ""
    keep = f"; executed copy kept in {kept}" if kept else ""
    return (f"ERROR: notebook {r.job.name} ({source_dir / (r.job.source + '.ipynb')}{district}) failed at "
            f"{where}: {r.error}{keep}")


# --- the whole run ------------------------------------------------------------------------------------------

def run(month: str, data_dir: Path = Path("data"), commentary_dir: Path | None = None, out_dir: Path = Path("build"),
        sections: Iterable[str] | None = None, districts: Iterable[str] | None = None, jobs: int | None = None,
        notebooks_dir: Path | None = None, params_dir: Path | None = None,
        on_start: Callable[[list[Job]], None] | None = None,
        on_done: Callable[[Result], None] | None = None) -> Run:
    """Execute the grid for ``month``; raise ScorecardError (exit 2 bad input, 4 a notebook failed)."""
    from .cli import check_month, load_valid  # the same checks and messages as every other command

    t0 = time.perf_counter()
    data_dir = Path(data_dir).resolve()
    ds = load_valid(data_dir)
    month = check_month(ds, month)
    params_dir = Path(params_dir).resolve() if params_dir else params_mod.default_dir(data_dir)
    prm = params_mod.load(params_mod.path_of(params_dir, month), month, ds)
    sections, districts = list(sections or []), list(districts or [])
    check_selection(sections, districts, prm)
    commentary_dir = Path(commentary_dir).resolve() if commentary_dir else default_root(data_dir)
    source_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks(data_dir)
    todo = grid(sections, districts, prm.districts)
    missing = sorted({j.source for j in todo if not (source_dir / f"{j.source}.ipynb").exists()})
    if missing:
        raise ScorecardError([f"{source_dir / (m + '.ipynb')}: notebook is missing" for m in missing], EXIT_INVALID)
    ensure_kernel()

    edition_dir = Path(out_dir).resolve() / month
    edition_dir.mkdir(parents=True, exist_ok=True)
    tmp = edition_dir / f".run-{os.getpid()}-{int(time.time() * 1000)}"
    tmp_nb = tmp / "notebooks"
    tmp_nb.mkdir(parents=True)
    (edition_dir / "run.log").write_text("", encoding="utf-8")   # kernels' stderr, this run only
    if on_start:
        on_start(todo)

    import scorecard

    pythonpath = str(Path(scorecard.__file__).resolve().parents[1])
    n_jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    results: list[Result] = []
    args = (str(source_dir), str(tmp_nb), month, str(data_dir), str(commentary_dir), str(params_dir))
    try:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx, initializer=_worker_init,
                                 initargs=(pythonpath, str(edition_dir / "run.log"))) as pool:
            futures = {pool.submit(execute, job, *args): job for job in todo}
            pending = set(futures)
            failed = False
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    if f.cancelled():
                        continue
                    try:
                        r = f.result()
                    except Exception as exc:  # noqa: BLE001 - a worker process died
                        r = Result(futures[f], False, 0.0, str(tmp_nb / f"{futures[f].name}.ipynb"),
                                   f"{type(exc).__name__}: {exc}")
                    results.append(r)
                    if on_done:
                        on_done(r)
                    if not r.ok and not failed:
                        failed = True
                        for p in pending:   # stop what has not started; running notebooks finish
                            p.cancel()
                pending = {p for p in pending if not p.cancelled()}
        bad = [r for r in results if not r.ok]
        if bad:
            raise ScorecardError(_keep_failures(bad, edition_dir, source_dir), EXIT_BUILD)
        partial = bool(sections or districts)   # a partial run keeps the last run's other notebooks
        manifest = _manifest(month, todo, results, edition_dir, ds.root, commentary_dir, params_dir, source_dir,
                             time.perf_counter() - t0, n_jobs, prm, partial)
        final = _publish(tmp_nb, edition_dir, manifest, partial)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Run(month=month, folder=final, results=sorted(results, key=lambda r: todo.index(r.job)),
               seconds=time.perf_counter() - t0, manifest=manifest)


def _keep_failures(bad: list[Result], edition_dir: Path, source_dir: Path) -> list[str]:
    failed_dir = edition_dir / "failed"
    shutil.rmtree(failed_dir, ignore_errors=True)
    failed_dir.mkdir(parents=True)
    lines = []
    for r in sorted(bad, key=lambda r: r.job.name):
        kept = None
        if Path(r.path).exists():
            kept = failed_dir / Path(r.path).name
            shutil.move(r.path, kept)
        lines.append(failure_line(r, source_dir, kept))
    lines.append(f"ERROR: the run stopped; {edition_dir / 'notebooks'} was not changed")
    return lines


def _manifest(month, todo, results, edition_dir, data_root, commentary_dir, params_dir, source_dir, seconds, n_jobs,
              prm, partial: bool) -> dict:
    data_files = [p for p in Path(data_root).rglob("*.csv")]
    fp = {
        "data": fingerprint(data_files, Path(data_root)),
        "commentary": fingerprint(Path(commentary_dir, month).glob("*.md")),
        "params": fingerprint([params_mod.path_of(params_dir, month)]),
        "notebooks": fingerprint(Path(source_dir).glob("*.ipynb")),
    }
    now = datetime.now(UTC).isoformat(timespec="seconds")
    entries = {}
    previous = _read_manifest(edition_dir / "notebooks" / "manifest.json")
    if partial and previous.get("month") == month:
        for e in previous.get("notebooks", []):
            if (edition_dir / "notebooks" / e["file"]).exists():
                entries[e["name"]] = e
    by_job = {r.job: r for r in results}
    for job in todo:
        r = by_job[job]
        entries[job.name] = {"name": job.name, "file": f"{job.name}.ipynb", "source": f"{job.source}.ipynb",
                             "section": job.source, "district": job.district, "seconds": round(r.seconds, 2),
                             "executed_at": now, "data_fingerprint": fp["data"], "fingerprints": fp}
    expected = [j.name for j in grid(None, None, prm.districts)]
    current = [n for n in expected if n in entries and entries[n]["fingerprints"] == fp]
    return {
        "month": month, "created": now, "seconds": round(seconds, 2), "jobs": n_jobs,
        "data_fingerprint": fp["data"], "fingerprints": fp,
        "complete": len(current) == len(expected),
        "expected": expected,
        "notebooks": [entries[n] for n in [*expected, *sorted(set(entries) - set(expected))] if n in entries],
    }


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _publish(tmp_nb: Path, edition_dir: Path, manifest: dict, partial: bool) -> Path:
    """Move the new notebooks into place in one rename; keep the last run's others for a partial run."""
    final = edition_dir / "notebooks"
    previous = _read_manifest(final / "manifest.json")
    if partial and final.exists() and previous.get("month") == manifest["month"]:
        for old in final.iterdir():
            if old.name == "manifest.json" or (tmp_nb / old.name).exists():
                continue
            if old.is_dir():
                shutil.copytree(old, tmp_nb / old.name)
            else:
                shutil.copy2(old, tmp_nb / old.name)
    (tmp_nb / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    aside = edition_dir / f".old-{os.getpid()}-{int(time.time() * 1000)}"
    if final.exists():
        final.rename(aside)
    tmp_nb.rename(final)
    shutil.rmtree(aside, ignore_errors=True)
    shutil.rmtree(edition_dir / "failed", ignore_errors=True)
    return final
