"""`scorecard run`: execute the edition's notebooks (registered on the CLI in cli.py)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from .cli import DATA_OPT, MONTH_OPT, app, err, out


@app.command(name="run")
def run_cmd(month: str = MONTH_OPT,
            section: list[str] = typer.Option(None, "--section", help="Run only this section (repeatable): overview, "
                                              "send, social-care, early-help, education, reference, district."),
            district: list[str] = typer.Option(None, "--district", help="Run the district page only for this district "
                                               "(repeatable; name as in data/areas.csv)."),
            data: Path = DATA_OPT,
            commentary: Path = typer.Option(None, "--commentary", help="Commentary folder (default: commentary/ "
                                            "beside the data folder)."),
            params: Path = typer.Option(None, "--params", help="Parameters folder (default: params/ beside the data "
                                        "folder); reads <month>.yml."),
            out_dir: Path = typer.Option(Path("build"), "--out", help="Output folder; notebooks go to "
                                         "<out>/<month>/notebooks/."),
            jobs: int = typer.Option(None, "--jobs", min=1, help="Notebooks run at once (default: CPU count)."),
            notebooks: Path = typer.Option(None, "--notebooks", help="Folder of source notebooks (default: the "
                                           "repository's notebooks/), e.g. to try an edited copy."),
            ) -> None:
    """Step 2: execute the section notebooks for Kent and the district notebook once per district.

    Data, month, parameters and district names are checked first (exit 2). Output
    replaces <out>/<month>/notebooks only when every notebook succeeded; a failure
    names the notebook and cell, keeps the failed notebook in <out>/<month>/failed/
    and exits 4.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import runner

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, transient=False, disable=not err.is_terminal)
    state: dict = {}

    def started(jobs_: list) -> None:
        state["task"] = progress.add_task(f"running {len(jobs_)} notebooks on {jobs or os.cpu_count()} cores",
                                          total=len(jobs_))
        progress.start()

    def done(r) -> None:
        progress.advance(state["task"])
        mark = "ok" if r.ok else "FAILED"
        progress.console.print(f"{mark:>6}  {r.job.name:<32} {r.seconds:6.1f} s", markup=False)

    try:
        result = runner.run(month, data, commentary, out_dir, section, district, jobs, notebooks_dir=notebooks,
                            params_dir=params, on_start=started, on_done=done)
    finally:
        progress.stop()
    what = ("complete edition" if result.manifest.get("complete")
            else "partial: run without --section/--district for the complete edition")
    out.print(f"wrote {len(result.results)} notebooks to {result.folder} in {result.seconds:.1f} s ({what})",
              markup=False)
