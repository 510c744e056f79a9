"""The analyst's month on the scorecard CLI: template, ingest, new-month and lint (see cli.py)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from . import problems
from .cli import DATA_OPT, MONTH_OPT, app, check_month, err, load_valid, out
from .problems import ScorecardError


@app.command()
def template(month: str = MONTH_OPT, out_file: Path = typer.Option(None, "--out", help="Workbook to write "
             "(default: month-YYYY-MM.xlsx in the current folder)."), data: Path = DATA_OPT) -> None:
    """Step 1 (optional): write an .xlsx workbook listing every figure due for a month, to fill in."""
    from . import ingest, periods

    ds = load_valid(data)
    try:
        m = str(periods.Month.parse(month))
    except periods.PeriodError as exc:
        raise ScorecardError(f"ERROR: --month: {exc}") from None
    target = out_file or Path(f"month-{m}.xlsx")
    ingest.write_workbook(ds, m, target)
    out.print(f"wrote {target}: fill in the figures, then: scorecard ingest {target}", markup=False)


@app.command(name="ingest")
def ingest_cmd(file: Path = typer.Argument(..., help="The month's figures: .csv (CSV UTF-8) or .xlsx."),
               data: Path = DATA_OPT,
               replace: bool = typer.Option(False, "--replace", help="Overwrite figures already in data/ that "
                                            "differ from the file's (otherwise exit 3).")) -> None:
    """Step 1: check a month's figures and merge them into data/ (all or nothing).

    Exit 0 when merged or nothing changed, 2 when the file (or the merged data) has problems,
    3 when it would change figures already in data/ (use --replace).
    """
    from . import ingest

    with err.status(f"checking {file} against {data}") if err.is_terminal else contextlib.nullcontext():
        outcome = ingest.ingest(file, data, replace=replace)
    for w in outcome.warnings:
        out.print(w, markup=False)
    if not outcome.changed:
        total = sum(outcome.unchanged.values())
        out.print(f"nothing to change: all {total} row(s) in {file} are already in {data}", markup=False)
        return
    for name in sorted(set(outcome.added) | set(outcome.replaced)):
        a, r, u = outcome.added.get(name, 0), outcome.replaced.get(name, 0), outcome.unchanged.get(name, 0)
        if a or r or u:
            out.print(f"{data / name}: {a} added, {r} replaced, {u} unchanged", markup=False)
    month = max(outcome.months) if outcome.months else "YYYY-MM"
    out.print(f"next: scorecard validate, then scorecard new-month {month} to start the commentary", markup=False)




def _shown(path: Path) -> str:
    """A path as the analyst would type it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@app.command(name="new-month")
def new_month(month: str = typer.Argument(..., help="The new edition's month, e.g. 2026-02."),
              data: Path = DATA_OPT,
              commentary: Path = typer.Option(None, "--commentary", help="Commentary folder (default: commentary/ "
                                              "beside the data folder)."),
              params: Path = typer.Option(None, "--params", help="Parameters folder (default: params/ beside the "
                                          "data folder).")) -> None:
    """Step 3: start a month's commentary (last month's headings, not its text) and parameters file.

    Never changes an earlier edition's files; files that already exist are left as they are.
    """
    from . import commentary as commentary_mod
    from . import edition, rollforward
    from . import params as params_mod

    root = commentary or commentary_mod.default_root(data)
    params_dir = params or params_mod.default_dir(data)
    done = rollforward.start(month, root, params_dir if params_dir.exists() else None)
    for p in done.created:
        src = done.source.get("params" if p.suffix == ".yml" else "commentary")
        out.print(f"created {_shown(p)}" + (f" (from {_shown(src)})" if src else ""), markup=False)
    for p in done.kept:
        out.print(f"kept {_shown(p)} (already exists; not changed)", markup=False)
    ds = load_valid(data)
    try:
        m = check_month(ds, month)
    except ScorecardError:
        out.print(f"the figures for {month} are not in {data} yet: scorecard ingest FILE first", markup=False)
        return
    frame = edition.build(ds, m)
    out.print("Rated RED or AMBER on the Kent pages (each needs a paragraph; drafts from the tables):", markup=False)
    for section in commentary_mod.SECTIONS:
        rows = frame[(frame["section"] == section) & (frame["page"] == "kent") & (frame["area"] == "Kent")
                     & frame["rag"].isin(["RED", "AMBER"])].drop_duplicates("indicator")
        for _, r in rows.iterrows():
            out.print(f"  {section}.md  **{r['rag']}:** {commentary_mod.draft(r)}", markup=False)
    out.print(f"next: edit {_shown(root / m)}/*.md, then scorecard lint --month {m}", markup=False)


@app.command(name="lint")
def lint_cmd(month: str = MONTH_OPT, data: Path = DATA_OPT,
             commentary: Path = typer.Option(None, "--commentary", help="Commentary folder (default: commentary/ "
                                             "beside the data folder); reads <month>/*.md."),
             strict: bool = typer.Option(False, "--strict", help="Exit 5 when there are findings.")) -> None:
    """Step 4: check the commentary against the tables: RAG words, quoted values, targets and floors.

    Also lists every Kent indicator rated RED or AMBER that has no commentary.
    Exit 0 (findings are warnings), or 5 with --strict when there are findings.
    """
    from . import commentary as commentary_mod
    from . import edition, lint

    ds = load_valid(data)
    m = check_month(ds, month)
    root = commentary or commentary_mod.default_root(data)
    if not (root / m).is_dir():
        raise ScorecardError(f"ERROR: {_shown(root / m)}: no commentary for {m}; "
                             f"start it with: scorecard new-month {m}")
    findings = lint.lint_month(edition.build(ds, m), m, root, display_root=_shown(root))
    for f in findings:
        out.print(f.text(), markup=False)
    summary = f"{len(findings)} finding(s) in the commentary for {m}"
    if findings and strict:
        err.print(f"FAILED (--strict): {summary}", markup=False)
        raise typer.Exit(problems.EXIT_LINT)
    out.print(summary if findings else f"OK: no findings in the commentary for {m}", markup=False)
