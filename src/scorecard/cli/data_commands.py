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
