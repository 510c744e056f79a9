"""What every command needs: the data folder read and checked, the month read, output guarded."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from ..errors import EXIT_INVALID, Report, ScorecardError, capped
from ..rules import periods


def say(line: str) -> None:
    print(line, flush=True)


def warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def today() -> dt.date:
    """Today, or SCORECARD_TODAY (YYYY-MM-DD) so tests can pin the date."""
    fixed = os.environ.get("SCORECARD_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def load_valid(data: Path, verbose: bool = False):
    """The checked dataset; raise a ScorecardError listing the errors (capped) otherwise."""
    from ..inputs import validate

    data = Path(data)
    if not data.is_dir():
        raise ScorecardError(f"{data}: no such data folder (give --data DIR)", EXIT_INVALID)
    ds, report = validate(data, today())
    if ds is None or not report.ok:
        raise ScorecardError(capped([p.line() for p in report.errors]), EXIT_INVALID)
    return ds


def summarise(report: Report, verbose: bool, where: str = "--verbose") -> None:
    """Warnings as one line per kind (in full with --verbose); known anomalies only with --verbose."""
    if verbose:
        for p in report.of("warning") + report.of("note"):
            warn(p.line())
        return
    found = report.of("warning")
    if found:
        kinds = report.summary("warning")
        warn(f"WARNING: {len(found)} warning{'s' if len(found) > 1 else ''} ({'; '.join(kinds[:4])}"
             f"{'; ...' if len(kinds) > 4 else ''}); see them with {where}")


def check_month(text: str, option: str = "--month") -> str:
    return periods.checked_month(text, option)


def repo_root(data: Path) -> Path:
    return Path(data).resolve().parent


def guard_out(out: Path, data: Path, what: str = "--out") -> Path:
    """An output folder may not be (or contain) the repository's own inputs or the build's working folder,
    and may not be a file or a folder of something else (publishing replaces the whole folder)."""
    from ..fsutil import TEMP_MARK, inside

    out = Path(out).resolve()
    root = repo_root(data)
    protected = [Path(data).resolve(), root / "params", root / "notebooks", root / "build", root / "src",
                 root / "tests", root / ".git", root / "tools"]
    for p in protected:
        if inside(out, p) or inside(p, out) and p.exists():
            raise ScorecardError(f"{what} {out}: would write into {p}; choose another folder (e.g. _site)",
                                 EXIT_INVALID)
    if out == root or (root / ".git").exists() and inside(root, out):
        raise ScorecardError(f"{what} {out}: is the repository folder; choose another folder (e.g. _site)",
                             EXIT_INVALID)
    if out.exists() and not out.is_dir():
        raise ScorecardError(f"{what} {out}: is a file, not a folder; give the site's folder (e.g. _site)",
                             EXIT_INVALID)
    if out.is_dir() and not is_site(out) and any(not p.name.startswith(TEMP_MARK) for p in out.iterdir()):
        raise ScorecardError(f"{what} {out}: is a folder of other files, not a published site (it has no "
                             "index.html and site_libs/); publishing would replace it; give a new folder or the "
                             "site's", EXIT_INVALID)
    return out


def is_site(folder: Path) -> bool:
    """A folder a build published: the list of editions and the site's own scripts and styles."""
    return (folder / "index.html").is_file() and (folder / "site_libs").is_dir()
