"""The one CSV reader: every data file, template and analyst's CSV goes through :func:`read`.

A CSV is untrusted text. It is read as strings only after checking that it is a regular file
(not a FIFO, a device or a link to one) within the size limit; it must be UTF-8; every row must
have the header's number of fields; control characters (NUL and the like) are refused. Problems
name the file and the row as a spreadsheet numbers it (header = row 1).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import Report

MAX_BYTES = 100 * 1024 * 1024     # a month's figures are kilobytes; a county's data/ is under 2 MB
MAX_ROWS = 1_000_000
FILE_LIMIT = 20 * 1024 * 1024      # an analyst's file for ingest: a month's figures are kilobytes
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Table:
    """A CSV read as text: column names and rows (dicts), each with its spreadsheet row number."""

    path: str
    columns: list[str]
    rows: list[dict[str, str]]
    numbers: list[int]


def open_regular(path: Path, report: Report, name: str, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of a regular file no larger than ``limit``; None (after one problem) otherwise."""
    try:
        st = os.stat(path)   # follows links: a link to /dev/zero is a device, not a file
    except FileNotFoundError:
        report.add(name, 0, "", "file is missing", kind="missing file")
        return None
    except OSError as exc:
        report.add(name, 0, "", f"cannot be read ({exc.strerror})", kind="unreadable file")
        return None
    if not stat.S_ISREG(st.st_mode):
        report.add(name, 0, "", "is not a regular file (a folder, pipe or device); give a saved file",
                   kind="not a file")
        return None
    if st.st_size > limit:
        report.add(name, 0, "", f"is {_size(st.st_size, limit)}; the limit is {_size(limit)}", kind="too large")
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        report.add(name, 0, "", f"cannot be read ({exc.strerror})", kind="unreadable file")
        return None
    if len(data) > limit:
        report.add(name, 0, "", f"is larger than the limit of {_size(limit)}", kind="too large")
        return None
    return data


def _size(n: int, unit_of: int | None = None) -> str:
    """A size for a message in the limit's unit: '26.2 MB' against '21 MB', '300 KB' against '256 KB'."""
    if (unit_of or n) >= 1e6:
        return f"{n / 1e6:.1f} MB" if unit_of else f"{n / 1e6:.0f} MB"
    return f"{n / 1e3:.0f} KB"


def read(path: Path, report: Report, display: str | None = None, required: bool = True,
         limit: int = MAX_BYTES) -> Table | None:
    """Read a CSV as text; on any problem add one line to ``report`` and return None."""
    name = display or str(path)
    if not required and not Path(path).exists():
        return None
    raw = open_regular(Path(path), report, name, limit)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.add(name, line, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as CSV UTF-8",
                   kind="not UTF-8")
        return None
    if not text.strip():
        report.add(name, 0, "", "file is empty: expected a header row and data rows", kind="empty file")
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        report.add(name, 0, "", f"is not a well-formed CSV ({exc})", kind="malformed CSV")
        return None
    if len(records) > MAX_ROWS + 1:
        report.add(name, 0, "", f"has {len(records) - 1:,} rows; the limit is {MAX_ROWS:,}", kind="too many rows")
        return None
    header = [h.strip() for h in records[0]]
    if any(_CONTROL.search(h) for h in header):
        report.add(name, 1, "", "the header contains a control character (such as NUL); remove it",
                   kind="control character")
        return None
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        report.add(name, 1, ", ".join(dup), "column named twice in the header", kind="duplicate column")
        return None
    rows, numbers = [], []
    before = len(report.problems)
    for i, rec in enumerate(records[1:], start=2):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            report.add(name, i, "", f"has {len(rec)} fields but the header has {len(header)}", kind="field count")
            if len(report.problems) - before >= 20:
                break
            continue
        bad = next((h for h, c in zip(header, rec) if _CONTROL.search(c)), None)
        if bad is not None:
            report.add(name, i, bad, "contains a control character (such as NUL); remove it", kind="control character")
            continue
        rows.append({h: c.strip() for h, c in zip(header, rec)})
        numbers.append(i)
    if len(report.problems) > before:
        return None
    return Table(str(path), header, rows, numbers)


def write(path: Path, columns: list[str], rows: list[dict]) -> str:
    """CSV text for ``rows`` in the data files' style (UTF-8, LF, minimal quoting); also written to ``path``."""
    from ..fsutil import write_atomic

    text = to_text(columns, rows)
    write_atomic(path, text)
    return text


def to_text(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: "" if r.get(c) is None else r.get(c) for c in columns})
    return buf.getvalue()
