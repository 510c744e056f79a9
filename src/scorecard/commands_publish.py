"""`scorecard build`: publish an edition as a static site and a PDF (registered on the CLI in cli.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from .cli import DATA_OPT, MONTH_OPT, app, err, out


@app.command(name="build")
def build_cmd(month: str = MONTH_OPT,
              engine: str = typer.Option(None, "--engine", help="quarto or builtin (default: quarto when `quarto` "
                                         "is on PATH, else builtin)."),
              data: Path = DATA_OPT,
              out_dir: Path = typer.Option(Path("_site"), "--out", help="Published site; earlier editions in it "
                                           "are kept."),
              build_dir: Path = typer.Option(Path("build"), "--build-dir", help="Where executed notebooks and "
                                             "caches live (<build-dir>/<month>/)."),
              commentary: Path = typer.Option(None, "--commentary", help="Commentary folder (default: commentary/ "
                                              "beside the data folder)."),
              params: Path = typer.Option(None, "--params", help="Parameters folder (default: params/ beside the "
                                          "data folder)."),
              no_run: bool = typer.Option(False, "--no-run", help="Publish the executed notebooks already in "
                                          "<build-dir>/<month>/notebooks without checking they are up to date."),
              pdf_engine: str = typer.Option("auto", "--pdf-engine", help="builtin engine: auto (Chromium when "
                                             "found, else WeasyPrint), chromium or weasyprint."),
              jobs: int = typer.Option(None, "--jobs", min=1, help="Notebooks run at once (default: CPU count)."),
              strict: bool = typer.Option(False, "--strict", help="Commentary findings (see `scorecard lint`) "
                                          "stop the build with exit 5 instead of warnings."),
              ) -> None:
    """Step 6: publish the edition to <out>/<month>/ (pages, PDF, Excel and CSV downloads) and the editions index.

    Notebooks are executed only when their inputs changed (only the changed sections after a
    commentary-only edit). The site is built beside <out> and swapped in at the end: on any
    failure <out> is left exactly as it was (exit 4).
    """
    from . import publish

    def done(r) -> None:
        err.print(f"{'ok' if r.ok else 'FAILED':>6}  {r.job.name:<32} {r.seconds:6.1f} s", markup=False)

    result = publish.build(month, out_dir, engine, data, build_dir, commentary, params, run=not no_run,
                           pdf_engine=pdf_engine, jobs=jobs, strict=strict, on_done=done,
                           warn=lambda line: err.print(line, markup=False))
    ran = f"executed {len(result.ran)} notebook(s)" if result.ran else "notebooks up to date"
    out.print(f"papermill stage: {result.timings['papermill']:.1f} s ({ran})", markup=False)
    for name, seconds in result.timings.items():
        if name.startswith("  "):
            out.print(f"{name}: {seconds:.1f} s", markup=False)
    out.print(f"publishing stage: {result.timings['publishing']:.1f} s ({result.engine} engine, PDF by "
              f"{result.pdf_engine})", markup=False)
    out.print(f"published {out_dir / result.month}/ and {out_dir / 'index.html'}", markup=False)
