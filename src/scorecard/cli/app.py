"""`scorecard`: the commands of an analyst's month, one Typer app.

Every failure is one line per problem and a documented exit code (see ``scorecard --help``):
bad input exits 2 and changes nothing; a failed build exits 4 and leaves the published site as
it was. Typer's own usage errors (an unknown option, a missing argument) are one line and exit 2;
an unexpected error (a bug) is one line too and exits 4 (``SCORECARD_DEBUG=1`` shows its traceback).
"""

from __future__ import annotations

import os
import sys

import typer
from typer._click.exceptions import ClickException  # typer carries its own click

from ..errors import EXIT_BUILD, EXIT_INVALID, ScorecardError, capped

HELP = """Children, Young People and Education Directorate Scorecard.

The analyst's month (the README tells the same steps):

  1. scorecard template --month 2026-02 --out month.xlsx   (optional) a workbook of every figure due
  2. scorecard ingest month.xlsx                           check the figures and add them to data/
  3. scorecard new-month 2026-02                           start params/2026-02.yml and notebooks/2026-02/
  4. (write the commentary in notebooks/2026-02/*.ipynb in JupyterLab)
  5. scorecard lint --month 2026-02                        check the words against the tables
  6. scorecard build --month 2026-02                       publish the website, PDF and downloads

Also: validate (check data/), export (every printed row or cell as CSV/xlsx), run (execute the
notebooks only).

Exit codes: 0 done; 2 invalid input (nothing changed); 3 ingest would change existing figures
(use --replace); 4 a notebook, the publisher or the disk failed (the published site is unchanged);
5 lint --strict found disagreements; 6 another scorecard command holds the data folder.
"""

app = typer.Typer(help=HELP, no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


def register() -> None:
    """Import the command modules (each adds its commands to ``app``)."""
    from . import data_commands, edition_commands  # noqa: F401


def fail(lines: list[str], code: int) -> None:
    for line in capped(lines):
        print(line, file=sys.stderr)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    register()
    try:
        app(args=argv, standalone_mode=False)
    except ScorecardError as exc:
        fail(exc.lines, exc.code)
    except (typer.Abort, KeyboardInterrupt):
        fail(["ERROR: interrupted; nothing was published"], EXIT_BUILD)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except ClickException as exc:
        fail([f"ERROR: {exc.format_message().splitlines()[0]} (see scorecard --help)"], EXIT_INVALID)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        fail([f"ERROR: {exc.filename or 'the file system'}: {why}; nothing was published"], EXIT_BUILD)
    except Exception as exc:  # noqa: BLE001 - a bug, still one line (SCORECARD_DEBUG=1 shows the traceback)
        if os.environ.get("SCORECARD_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        fail([f"ERROR: internal error ({type(exc).__name__}: {first}); nothing was published; please report it "
              "with the command you ran (SCORECARD_DEBUG=1 shows the details)"], EXIT_BUILD)
