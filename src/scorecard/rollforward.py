"""Starting a new month's edition: its own commentary folder and parameters file, from the last month's.

Everything that changes from month to month is data (figures, targets) or words
(commentary, parameters), so a new month needs no code change. ``start`` creates
``commentary/<month>/`` with the previous edition's headings (not its text: last
month's numbers must not be republished by accident) and ``params/<month>.yml``
from the previous edition's file with the month and publication date moved on.
It never writes into an existing edition's files, and creates each new file or
folder in one rename, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import periods
from .commentary import SECTION_TITLES, SECTIONS
from .problems import EXIT_INVALID, ScorecardError

_MONTH_DIR = re.compile(r"^\d{4}-\d{2}$")


@dataclass
class Started:
    """What ``start`` created, and what it left alone because it already existed."""

    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    source: dict[str, Path] = field(default_factory=dict)


def previous_edition(folder: Path, month: periods.Month, suffix: str = "") -> Path | None:
    """The latest ``YYYY-MM`` entry (folder, or file with ``suffix``) before ``month``."""
    if not folder.exists():
        return None
    found = []
    for p in folder.iterdir():
        stem = p.name[: -len(suffix)] if suffix and p.name.endswith(suffix) else (p.name if not suffix else "")
        if _MONTH_DIR.match(stem) and (p.is_dir() if not suffix else p.is_file()):
            try:
                m = periods.Month.parse(stem)
            except periods.PeriodError:
                continue
            if m < month:
                found.append((m, p))
    return max(found)[1] if found else None


def headings_only(text: str) -> str:
    """The markdown headings of a commentary file, with a blank line after each, and nothing else."""
    heads = [line.rstrip() for line in text.splitlines() if re.match(r"^#{1,6}\s", line)]
    return "\n\n".join(heads) + "\n" if heads else ""


def _write_dir_atomically(target: Path, files: dict[str, str]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        os.rename(tmp, target)  # fails if target appeared meanwhile: never overwrites
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_file_atomically(target: Path, text: str) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.link(name, target)  # fails if target exists: never overwrites
    finally:
        os.unlink(name)


def next_publication(date: dt.date) -> dt.date:
    """Same day next month (the 28th at most): a placeholder the analyst confirms."""
    y, m = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    return dt.date(y, m, min(date.day, 28))


def params_text(text: str, old: periods.Month, new: periods.Month) -> str:
    """A parameters file moved on a month: ``month:``, ``publication_date:`` and the header comments."""
    out = []
    for line in text.splitlines(keepends=True):
        if re.match(r"^month\s*:", line):
            line = f'month: "{new}"\n'
        elif m := re.match(r"^publication_date\s*:\s*['\"]?(\d{4}-\d{2}-\d{2})['\"]?", line):
            nxt = next_publication(dt.date.fromisoformat(m.group(1)))
            line = f"publication_date: {nxt.isoformat()}  # placeholder: confirm the date\n"
        elif line.startswith("#"):
            line = line.replace(old.long_label(), new.long_label()).replace(str(old), str(new))
        out.append(line)
    return "".join(out)


def start(month: str, commentary_root: Path, params_dir: Path | None = None) -> Started:
    """Create the new month's commentary folder and parameters file; never touch an existing edition."""
    try:
        m = periods.Month.parse(month)
    except periods.PeriodError as exc:
        raise ScorecardError(f"ERROR: month: {exc}", EXIT_INVALID) from None
    done = Started()
    commentary_root.mkdir(parents=True, exist_ok=True)
    target = commentary_root / str(m)
    if target.exists():
        done.kept.append(target)
    else:
        source = previous_edition(commentary_root, m)
        files = {}
        for section in SECTIONS:
            old = source / f"{section}.md" if source else None
            text = headings_only(old.read_text(encoding="utf-8-sig")) if old and old.exists() else ""
            files[f"{section}.md"] = text or f"# {SECTION_TITLES.get(section, section)}\n"
        _write_dir_atomically(target, files)
        done.created.append(target)
        if source:
            done.source["commentary"] = source
    if params_dir is not None:
        target_p = params_dir / f"{m}.yml"
        if target_p.exists():
            done.kept.append(target_p)
        else:
            source_p = previous_edition(params_dir, m, ".yml")
            if source_p is None:
                raise ScorecardError(f"ERROR: {params_dir}: no earlier parameters file (YYYY-MM.yml) to start "
                                     f"{target_p.name} from", EXIT_INVALID)
            old_m = periods.Month.parse(source_p.stem)
            _write_file_atomically(target_p, params_text(source_p.read_text(encoding="utf-8-sig"), old_m, m))
            done.created.append(target_p)
            done.source["params"] = source_p
    return done
