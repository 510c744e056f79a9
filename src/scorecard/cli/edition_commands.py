"""Commands on one edition: new-month, run, lint, build."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import EXIT_INVALID, ScorecardError
from .app import app
from .common import check_month, guard_out, say, today, warn

DATA = typer.Option(Path("data"), "--data", help="the data folder (params/, notebooks/ and build/ are beside it)")


def _progress(quiet: bool):
    if quiet:
        return None
    return lambda line: print(line, file=sys.stderr, flush=True)


@app.command()
def run(month: str = typer.Option(..., "--month", help="the edition, e.g. 2026-01"),
        section: list[str] = typer.Option([], "--section", help="only these sections (repeat)"),
        district: list[str] = typer.Option([], "--district", help="only these district pages (repeat)"),
        force: bool = typer.Option(False, "--force", help="execute even what is up to date"),
        executor: str = typer.Option("warm", "--executor", help="warm (default), fresh or dask"),
        jobs: int = typer.Option(0, "--jobs", help="notebooks at a time (default: the cores, at most 4)"),
        scheduler: str = typer.Option("", "--scheduler", help="the Dask scheduler for --executor dask"),
        data: Path = DATA, quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Execute the edition's notebooks that are out of date (papermill) into build/<month>/executed/."""
    from ..publish.build import Paths, execute

    month = check_month(month)
    _, _, out = execute(Paths.of(data), month, today(), executor, jobs or None, scheduler, section, district, force,
                        _progress(quiet))
    say(f"{month}: {len(out.executed)} executed, {len(out.refreshed)} took new commentary, "
        f"{len(out.current)} up to date")


@app.command()
def build(month: str = typer.Option(..., "--month", help="the edition, e.g. 2026-01"),
          out: Path = typer.Option(Path("_site"), "--out", help="the published site (default _site)"),
          engine: str = typer.Option("builtin", "--engine", help="builtin (default) or quarto"),
          strict: bool = typer.Option(False, "--strict", help="commentary findings fail the build (exit 5)"),
          draft: bool = typer.Option(False, "--draft", help="publish even with unconfirmed dates, notes or drafts"),
          executor: str = typer.Option("warm", "--executor", help="warm (default), fresh or dask"),
          jobs: int = typer.Option(0, "--jobs", help="notebooks at a time"),
          scheduler: str = typer.Option("", "--scheduler", help="the Dask scheduler for --executor dask"),
          verbose: bool = typer.Option(False, "--verbose", "-v", help="list every finding"),
          data: Path = DATA, quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Execute what is out of date, check the commentary, publish the website, PDF and downloads."""
    from ..publish.build import Paths
    from ..publish.build import build as run_build

    month = check_month(month)
    if not Path(data).is_dir():
        raise ScorecardError(f"{data}: no such data folder (give --data DIR)", EXIT_INVALID)
    target = guard_out(out, data)
    paths = Paths.of(data, out=target)
    result = run_build(paths, month, today(), engine, executor, jobs or None, scheduler, strict, draft,
                       _progress(quiet))
    if result.findings:
        if verbose:
            for f in result.findings:
                warn(f"WARNING: {f}")
        else:
            warn(f"WARNING: {len(result.findings)} commentary finding(s); see `scorecard lint --month {month}`")
    total = sum(v for k, v in result.timings.items() if k in ("snapshot", "papermill", "lint", "stage", "publishing"))
    say(f"published {result.site} ({len(result.executed)} notebooks executed, {len(result.refreshed)} with new "
        f"commentary, {len(result.current)} up to date) in {total:.1f} s")
    if verbose:
        for k, v in result.timings.items():
            say(f"  {k}: {v:.1f}" + ("" if "printed" in k else " s"))


@app.command(name="new-month")
def new_month(month: str = typer.Argument(..., help="the new edition's month, e.g. 2026-02"),
              data: Path = DATA) -> None:
    """Start a month's edition: params/<month>.yml and notebooks/<month>/, with draft commentary.

    Never overwrites a file that exists, and never changes an earlier edition's files.
    """
    from ..content import newmonth

    done = newmonth.start(data, month, today())
    for p in done.created:
        extra = f" (from {done.shown(done.source)})" if done.source and p.suffix == ".yml" else ""
        say(f"created {done.shown(p)}{extra}")
    for p in done.kept:
        say(f"kept {done.shown(p)} (it already exists; not changed)")
    say(f"Indicators needing a paragraph in {done.month} (the drafts are marked [DRAFT]):")
    for section, rows in done.needed.items():
        name = f"notebooks/{done.month}/{section}.ipynb"
        if not rows:
            say(f"  {name}: none (commentary policy '{done.policies[section]}')")
        for r in rows:
            say(f"  {name}: {r.code or r.indicator} {r.rag}: {r.title}")
    say(f"next: write the commentary in notebooks/{done.month}/ (JupyterLab), confirm the date and notes in "
        f"params/{done.month}.yml, then scorecard lint --month {done.month}")


@app.command(name="lint")
def lint_cmd(month: str = typer.Option(..., "--month", help="the edition, e.g. 2026-01"),
             strict: bool = typer.Option(False, "--strict", help="exit 5 when there are findings"),
             data: Path = DATA) -> None:
    """Check the commentary in notebooks/<month>/ against the tables: one line per finding.

    RAG labels and words, the figures, targets and floors quoted, earlier figures, paragraphs
    about no indicator, and the paragraphs the section's commentary policy requires. Exit 0, or
    5 with --strict when there are findings.
    """
    from ..content import lint
    from ..engine import snapshot
    from ..errors import EXIT_LINT
    from ..fsutil import data_lock
    from ..publish.build import Paths

    month = check_month(month)
    if not Path(data).is_dir():
        raise ScorecardError(f"{data}: no such data folder (give --data DIR)", EXIT_INVALID)
    paths = Paths.of(data)
    folder = paths.notebooks / month
    if not folder.is_dir():
        raise ScorecardError(f"{folder}: no notebooks for {month}; start the edition with "
                             f"`scorecard new-month {month}`", EXIT_INVALID)
    with data_lock(paths.data, "lint"):
        snap = snapshot.make(paths.data, month, paths.params, today())
    findings = lint.lint_edition(snap, paths.notebooks, month)
    for f in findings:
        say(f.text())
    if findings and strict:
        raise ScorecardError(f"ERROR (--strict): {len(findings)} commentary finding(s) for {month}", EXIT_LINT)
    warn(f"{len(findings)} commentary finding(s) for {month}" if findings
         else f"OK: no commentary findings for {month}")
