"""Problems found in input, and errors a user can act on: one line each, naming file, row and problem.

Every stage reports bad input the same way (``ERROR: file:row [column]: problem``) and the CLI
turns a :class:`ScorecardError` into those lines and a documented exit code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Exit codes, documented in the README and in `scorecard --help`.
EXIT_OK = 0
EXIT_INVALID = 2      # input data, parameters, notebooks or arguments failed their checks
EXIT_CONFLICT = 3     # ingest would change figures already in data/ (use --replace)
EXIT_BUILD = 4        # a notebook, the publisher or the file system failed; nothing was published
EXIT_LINT = 5         # commentary disagrees with the tables (with --strict)
EXIT_BUSY = 6         # another scorecard command holds the data folder's lock

MAX_LINES = 50        # an error list longer than this is cut with "... and N more"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: ``file:row [column]: message`` with a severity and a kind for summaries."""

    file: str
    row: int
    column: str
    message: str
    severity: str = "error"   # "error", "warning" or "note" (an acknowledged, known anomaly)
    kind: str = ""            # short name of the check, for one-line summaries

    def line(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        col = f" [{self.column}]" if self.column else ""
        return f"{self.severity.upper()}: {where}{col}: {self.message}"


@dataclass
class Report:
    """Problems collected by a check, in the order found."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str | Path, row: int, column: str, message: str, severity: str = "error",
            kind: str = "") -> None:
        self.problems.append(Problem(str(file), int(row), column, message, severity, kind))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    def of(self, severity: str) -> list[Problem]:
        return [p for p in self.problems if p.severity == severity]

    @property
    def errors(self) -> list[Problem]:
        return self.of("error")

    @property
    def warnings(self) -> list[Problem]:
        return self.of("warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, severity: str) -> list[str]:
        """One line per kind of finding with its count, e.g. ``3 × ratio: value does not match ...``."""
        counts = Counter(p.kind or p.message.split(":")[0] for p in self.of(severity))
        return [f"{n} × {kind}" for kind, n in counts.most_common()]


class ScorecardError(Exception):
    """An error a user can act on; the CLI prints its lines and exits with ``code``."""

    def __init__(self, lines: list[str] | str, code: int = EXIT_INVALID):
        lines = [lines] if isinstance(lines, str) else list(lines)
        self.lines = [ln if ln.startswith(("ERROR", "WARNING")) else f"ERROR: {ln}" for ln in lines]
        self.code = code
        super().__init__("\n".join(self.lines))


def capped(lines: list[str], limit: int = MAX_LINES) -> list[str]:
    """At most ``limit`` lines, then one line saying how many more there were (a list capped once stays as it is)."""
    if len(lines) <= limit or (len(lines) == limit + 1 and lines[-1].startswith("ERROR: ... and ")):
        return lines
    return [*lines[:limit], f"ERROR: ... and {len(lines) - limit:,} more"]


def fail_on(report: Report) -> None:
    """Raise a ScorecardError listing every error in the report (capped)."""
    if not report.ok:
        raise ScorecardError(capped([p.line() for p in report.errors]), EXIT_INVALID)
