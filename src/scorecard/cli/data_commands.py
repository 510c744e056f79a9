"""Commands on the data: validate, export, template, ingest."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import EXIT_INVALID, ScorecardError
from .app import app
from .common import check_month, load_valid, say, summarise, today

DATA = typer.Option(Path("data"), "--data", help="the data folder")


@app.command()
def validate(data: Path = DATA, verbose: bool = typer.Option(False, "--verbose", "-v",
                                                              help="list every warning and known anomaly")) -> None:
    """Check every data file and the files against each other; one line per problem (exit 2 on errors)."""
    from ..inputs import validate as run

    if not data.is_dir():
        raise ScorecardError(f"{data}: no such data folder (give --data DIR)", EXIT_INVALID)
    ds, report = run(data, today())
    if ds is None or not report.ok:
        raise ScorecardError([p.line() for p in report.errors], EXIT_INVALID)
    summarise(report, verbose)
    say(f"{data}: valid ({len(ds.indicators)} indicators, {len(ds['observations.csv']):,} figures, "
        f"{len(report.warnings)} warnings, {len(report.of('note'))} known anomalies)")


@app.command()
def export(month: str = typer.Option(..., "--month", help="the edition, e.g. 2026-01"),
           out: Path = typer.Option(..., "--out", help="the file to write (.csv or .xlsx)"),
           cells: bool = typer.Option(False, "--cells", help="every printed cell as the tables show it"),
           fmt: str = typer.Option("", "--format", help="csv or xlsx (default: from the file name)"),
           data: Path = DATA) -> None:
    """Every printed row of an edition: machine values (default) or each cell as printed (--cells)."""
    from ..content import cells as cells_mod
    from ..content import downloads
    from ..engine import CELL_EXPORT, build
    from ..fsutil import write_atomic

    month = check_month(month)
    kind = fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if kind not in ("csv", "xlsx"):
        raise ScorecardError(f"--format: '{kind}' is not csv or xlsx", EXIT_INVALID)
    if (kind == "xlsx") != (out.suffix.lower() == ".xlsx"):
        raise ScorecardError(f"--out {out}: a {kind} file needs the .{kind} extension", EXIT_INVALID)
    ds = load_valid(data)
    edition = build(ds, month)
    if cells:
        columns, rows = list(CELL_EXPORT), cells_mod.cells_of(edition)
    else:
        columns, rows = list(cells_mod.DATA_COLUMNS), cells_mod.data_of(edition)
    if kind == "xlsx":
        downloads.workbook([("cells" if cells else "rows", columns, rows)], out)
    else:
        write_atomic(out, downloads.csv_text(columns, rows))
    say(f"{out}: {len(rows)} rows")


@app.command()
def template(month: str = typer.Option(..., "--month", help="the month the figures are for, e.g. 2026-02"),
             out: Path = typer.Option(..., "--out", help="the workbook to write (.xlsx)"),
             data: Path = DATA) -> None:
    """Write an .xlsx workbook listing every figure due for a month, to fill in and ingest."""
    from ..inputs import data_files
    from ..inputs.template import template as write_template

    month = check_month(month)
    if out.suffix.lower() != ".xlsx":
        raise ScorecardError(f"--out {out}: the month template is an Excel workbook; give a file name ending .xlsx "
                             f"(e.g. month-{month}.xlsx)", EXIT_INVALID)
    if out.is_dir():
        raise ScorecardError(f"--out {out}: is a folder; give a file name ending .xlsx", EXIT_INVALID)
    ds = load_valid(data)
    if any(out.resolve() == p.resolve() for p in data_files(data)):
        raise ScorecardError(f"--out {out}: is one of the data files; choose another name", EXIT_INVALID)
    counts = write_template(ds, month, out)
    filled = {k: v for k, v in counts.items() if v}
    say(f"{out}: {sum(counts.values())} figures due for {month} "
        f"({', '.join(f'{k} {v}' for k, v in filled.items()) or 'none'}); fill in the values, then: "
        f"scorecard ingest {out}")


@app.command()
def ingest(file: Path = typer.Argument(..., help="the figures: a .csv (CSV UTF-8) or an .xlsx workbook"),
           data: Path = DATA,
           replace: bool = typer.Option(False, "--replace", help="change figures already in data/ that the file "
                                                                 "gives differently (otherwise exit 3)")) -> None:
    """Check a file of figures and merge it into data/, all or nothing.

    Exit 0 when merged (or nothing to change), 2 when the file or the merged data has problems
    (data/ unchanged), 3 when it would change figures already in data/ (use --replace), 6 when
    another scorecard command holds the data folder.
    """
    from ..errors import capped
    from ..inputs.ingest import ingest as run
    from .common import warn

    outcome = run(file, data, replace=replace, today=today(), display=str(file))
    for line in capped(outcome.warnings, 20):
        warn(line)
    say(outcome.summary())
    if outcome.changed:
        for name in outcome.files:
            say(f"  wrote {name}")
        if outcome.added and outcome.months:
            say(f"next: scorecard validate, then scorecard new-month {max(outcome.months)}")
