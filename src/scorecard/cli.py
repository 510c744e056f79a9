"""The `scorecard` command: validate, export, run, build, ingest and lint an edition.

Exit codes: 0 success; 2 invalid input (data, parameters or arguments);
3 ingest conflict (an existing month would change: use --replace);
4 build failure (a notebook or the publisher failed; the published site is unchanged);
5 commentary findings with --strict.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from . import problems
from .problems import ScorecardError

app = typer.Typer(
    help=__doc__.split("\n\n")[0] + "\n\nMonthly workflow: ingest -> validate -> run -> edit commentary -> lint "
    "-> build -> publish. See README.md.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

DATA_OPT = typer.Option(Path("data"), "--data",
                        help="Data folder to read (a copy can be checked without touching data/).")
MONTH_OPT = typer.Option(..., "--month", help="Edition month, e.g. 2026-01.")


def _print_report(report: problems.Report, show_warnings: bool = True) -> None:
    for p in sorted(report.problems, key=lambda p: (p.severity != "error", p.file, p.row)):
        if p.severity == "warning" and not show_warnings:
            continue
        (err if p.severity == "error" else out).print(p.line(), markup=False)


def load_valid(data: Path, quiet: bool = True):
    """Load and validate, raising a ScorecardError that lists every error."""
    from .validation import validate

    ds, report = validate(data)
    if not report.ok:
        raise ScorecardError([p.line() for p in sorted(report.errors)], problems.EXIT_INVALID)
    if not quiet:
        _print_report(report)
    return ds


def check_month(ds, month: str) -> str:
    from . import periods

    try:
        m = periods.Month.parse(month)
    except periods.PeriodError as exc:
        raise ScorecardError(f"--month: {exc}") from None
    monthly = ds.indicators[ds.indicators["frequency"] == "monthly"]["indicator"]
    have = set(ds.observations[ds.observations["indicator"].isin(monthly)]["period"])
    if str(m) not in have:
        latest = max(have) if have else "none"
        raise ScorecardError(f"{ds.root / 'observations.csv'}: no monthly figures for {m} "
                             f"(latest month in the data: {latest}); ingest them first")
    return str(m)


@app.command()
def validate(data: Path = DATA_OPT) -> None:
    """Check every data file; print each problem on one line; exit 2 on errors."""
    from .validation import validate as run

    ds, report = run(data)
    _print_report(report)
    n_err, n_warn = len(report.errors), len(report.warnings)
    (err if n_err else out).print(f"{'FAILED' if n_err else 'OK'}: {n_err} error(s), {n_warn} warning(s) in {data}")
    if n_err:
        raise typer.Exit(problems.EXIT_INVALID)


@app.command()
def export(month: str = MONTH_OPT, out_file: Path = typer.Option(..., "--out", help="File to write."),
           fmt: str = typer.Option("csv", "--format", help="csv or xlsx."), data: Path = DATA_OPT) -> None:
    """Write every printed row of an edition with its computed RAG and direction of travel."""
    from . import edition
    from . import export as exporter

    if fmt not in ("csv", "xlsx"):
        raise ScorecardError(f"--format: '{fmt}' is not csv or xlsx")
    ds = load_valid(data)
    month = check_month(ds, month)
    frame = edition.build(ds, month)
    exporter.write(frame, out_file, fmt)
    out.print(f"wrote {len(frame)} rows to {out_file}")


def main() -> None:
    """Entry point: user errors become one-line messages and a documented exit code."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except ScorecardError as exc:
        for line in exc.lines:
            err.print(line, markup=False)
        sys.exit(exc.code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.BadParameter, typer.Abort) as exc:
        err.print(f"ERROR: {exc}", markup=False)
        sys.exit(problems.EXIT_INVALID)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            err.print(f"ERROR: {exc.format_message()}", markup=False)
            sys.exit(problems.EXIT_INVALID)
        raise



# Commands that live in their own modules register themselves on `app` when imported.
from . import commands_month, commands_publish, commands_run  # noqa: E402,F401
