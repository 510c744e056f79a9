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
