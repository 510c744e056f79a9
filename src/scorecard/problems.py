"""Problems found in input: one line each, naming the file, row and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Exit codes, documented in the README and in `scorecard --help`.
EXIT_OK = 0
EXIT_INVALID = 2      # input data or parameters failed validation
EXIT_CONFLICT = 3     # ingest would change an existing month (use --replace)
EXIT_BUILD = 4        # a notebook or the publishing step failed
EXIT_LINT = 5         # commentary disagrees with the data (with --strict)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: ``file:row: column: message`` with a severity."""

    file: str
    row: int
    column: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def line(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        col = f" [{self.column}]" if self.column else ""
        return f"{self.severity.upper()}: {where}{col}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str | Path, row: int, column: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(str(file), int(row), column, message, severity))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class ScorecardError(Exception):
    """An error a user can act on; the CLI prints its lines and exits with ``code``."""

    def __init__(self, lines: list[str] | str, code: int = EXIT_INVALID):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        self.code = code
        super().__init__("\n".join(self.lines))


def fail_on(report: Report) -> None:
    """Raise a ScorecardError listing every error in the report."""
    if not report.ok:
        raise ScorecardError([p.line() for p in sorted(report.errors)], EXIT_INVALID)
