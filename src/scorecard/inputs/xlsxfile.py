"""The one .xlsx reader: an analyst's workbook read as text rows, safely, like :mod:`.csvfile` reads a CSV.

An .xlsx is a zip of XML and untrusted. Before openpyxl sees it the file must be a regular file
(not a FIFO, a device or a link to one) within the size limit, and the zip must be sane: few
members, at most ``MAX_INFLATED`` bytes when inflated and no member compressed beyond
``MAX_RATIO`` (a zip bomb is refused in milliseconds, from the zip's directory alone), and no XML
part may declare a DOCTYPE or entities. Sheets are read in read-only mode after
``reset_dimensions()``, so a ``<dimension>`` tag that understates the rows does not hide any; at
most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns a sheet. Formulas are never evaluated: a
formula cell gives the value Excel saved with it, and a formula without one is refused.

Every cell becomes the text a CSV would hold: a date in a ``period`` column becomes ``2026-02``;
a whole number ``1796`` becomes ``1,796``; a fractional ``value`` is written at the indicator's
printed precision (:func:`scorecard.rules.numbers.show`), other fractional figures as the
shortest text that Excel shows (``12.5``). Problems name the file, sheet and row:
``month.xlsx[<block>]:7 [value]: ...``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Report
from ..rules import numbers
from .csvfile import open_regular

MAX_BYTES = 20 * 1024 * 1024        # on disk; a month workbook is tens of kilobytes
MAX_INFLATED = 50 * 1024 * 1024     # all members together, inflated
MAX_MEMBERS = 1_000
MAX_RATIO = 200                     # inflated / compressed, for any member over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_ROWS = 50_000                   # a sheet; a month is a few hundred rows
MAX_COLUMNS = 100
# Columns that hold figures: numbers typed into them become printed text.
FIGURES = ("value", "numerator", "denominator", "target", "rated_against", "tolerance", "floor", "floor_tolerance")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
                      r"|_x00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f]|7[Ff])_")   # and Excel's escapes of them (_x0000_)
_EOCD = b"PK\x05\x06"


@dataclass
class Sheet:
    """One worksheet read as text: its header, rows (dicts) and each row's spreadsheet number."""

    name: str
    display: str                       # "month.xlsx[<sheet>]"
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


def check_zip(raw: bytes, report: Report, name: str) -> bool:
    """Whether the bytes are a zip that is safe to inflate; one problem added otherwise."""

    def refuse(message: str, kind: str) -> bool:
        report.add(name, 0, "", message, kind=kind)
        return False

    if not raw.startswith(b"PK\x03\x04"):
        return refuse("is not an .xlsx workbook (not a zip file); save it from Excel as .xlsx", "not a workbook")
    # The member count from the end-of-directory record, before zipfile reads the whole directory.
    at = raw.rfind(_EOCD, max(0, len(raw) - 65_557))
    if at < 0 or at + 22 > len(raw):
        return refuse("is not a readable .xlsx workbook (its zip directory is missing or damaged)", "not a workbook")
    total = struct.unpack("<H", raw[at + 10: at + 12])[0]
    if total > MAX_MEMBERS:
        return refuse(f"is not a plausible workbook: its zip has {total:,} parts (at most {MAX_MEMBERS:,})",
                      "zip bomb")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                return refuse(f"is not a plausible workbook: its zip has {len(infos):,} parts "
                              f"(at most {MAX_MEMBERS:,})", "zip bomb")
            inflated = sum(i.file_size for i in infos)
            if inflated > MAX_INFLATED:
                return refuse(f"is not a plausible workbook: it would inflate to {inflated / 1e6:,.0f} MB "
                              f"(at most {MAX_INFLATED / 1e6:.0f} MB); refused without opening it", "zip bomb")
            for i in infos:
                if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                    return refuse(f"is not a plausible workbook: its part {i.filename} is compressed "
                                  f"{i.file_size / max(i.compress_size, 1):,.0f} times (at most {MAX_RATIO}); "
                                  "refused without opening it", "zip bomb")
                if i.flag_bits & 0x1:
                    return refuse("is encrypted or password-protected; save an unprotected copy", "encrypted")
            for i in infos:
                if i.filename.endswith((".xml", ".rels")):
                    with zf.open(i) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        return refuse(f"is not a plausible workbook: its part {i.filename} declares a DOCTYPE",
                                      "unsafe XML")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        return refuse(f"is not a readable .xlsx workbook ({exc})", "not a workbook")
    return True


def _minimal(x: float) -> str:
    """The shortest text Excel would show for a number (15 significant digits), with thousands."""
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    text = format(x, ".15g")
    if "e" in text:
        return text  # refused later as "not a plain number", with the text shown
    frac = text.split(".")[1] if "." in text else ""
    return numbers.show(x, len(frac))


def _number_text(x: int | float, column: str, places: int | None, percent: bool) -> str:
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    if column == "value" and percent:
        x = x * 100          # a cell formatted as % holds 0.226 for 22.6%
    if abs(x) > numbers.LIMIT:
        return format(x, ".15g")
    if isinstance(x, int):
        return f"{x:,}" if column in FIGURES else str(x)
    if column == "value" and places is not None:
        return numbers.show(x, places)
    if column in FIGURES:
        return _minimal(x)
    return str(int(x)) if x == int(x) else format(x, ".15g")


def cell_text(value, column: str, places: int | None = None, percent: bool = False) -> str:
    """A cell's value as the text a CSV would hold, or raise ValueError with the reason."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date):
        if column == "period":
            return f"{value.year:04d}-{value.month:02d}"     # Excel makes 1 Feb 2026 of a typed 2026-02
        if column in FIGURES or column == "year":
            what = "the year (2025-26)" if column == "year" else "the figure"
            raise ValueError(f"is a date ({value:%Y-%m-%d}): Excel turned what was typed into a date; format the "
                             f"column as Text and type {what} again")
        return value.isoformat()[:10]
    if isinstance(value, dt.time | dt.timedelta):
        if column in FIGURES:
            raise ValueError(f"is a time ({value}), not a figure")
        return str(value)
    if isinstance(value, int | float):
        return _number_text(value, column, places, percent)
    return str(value).strip()


def read(path: Path, report: Report, display: str | None = None,
         decimals: Mapping[str, int] | None = None) -> list[Sheet] | None:
    """Every worksheet of a workbook as text rows; None (after problems) if the file cannot be read.

    ``decimals`` gives each indicator's printed precision, for numbers typed into ``value`` cells.
    Problems with single cells (a formula without a saved value, a control character, a value
    outside the header's columns) are added to ``report`` and the sheets are still returned.
    """
    name = display or str(path)
    raw = open_regular(Path(path), report, name, limit=MAX_BYTES)
    if raw is None or not check_zip(raw, report, name):
        return None
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
        formulas = load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        report.add(name, 0, "", f"is not a readable .xlsx workbook ({_why(exc)})", kind="not a workbook")
        return None
    sheets: list[Sheet] = []
    try:
        for sheet_name in values.sheetnames:
            ws, wf = values[sheet_name], formulas[sheet_name]
            if not hasattr(ws, "reset_dimensions"):
                continue  # a chart sheet: no cells
            sheet = _read_sheet(ws, wf, sheet_name, f"{name}[{sheet_name}]", report, decimals or {})
            if sheet is not None:
                sheets.append(sheet)
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML surfaces while streaming rows
        report.add(name, 0, "", f"is not a readable .xlsx workbook ({_why(exc)})", kind="not a workbook")
        return None
    finally:
        values.close()
        formulas.close()
    return sheets


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _read_sheet(ws, wf, sheet_name: str, where: str, report: Report, decimals: Mapping[str, int]) -> Sheet | None:
    # Never trust <dimension>: read-only mode would stop at the rows and columns it claims.
    ws.reset_dimensions()
    wf.reset_dimensions()
    rows_v, rows_f = ws.iter_rows(), wf.iter_rows()
    first = next(rows_v, None)
    next(rows_f, None)
    if first is None:
        return Sheet(sheet_name, where, [])
    header = []
    for c in first:
        try:
            header.append(cell_text(c.value, "").strip())
        except ValueError:
            header.append(str(c.value))
    while header and header[-1] == "":
        header.pop()
    if len(header) > MAX_COLUMNS:
        report.add(where, 1, "", f"has {len(header):,} columns; at most {MAX_COLUMNS}", kind="too many columns")
        return None
    dup = sorted({h for h in header if h and header.count(h) > 1})
    if dup:
        report.add(where, 1, ", ".join(dup), "column named twice in the header", kind="duplicate column")
        return None
    sheet = Sheet(sheet_name, where, [h for h in header if h])
    before = len(report.problems)
    for number, (row_v, row_f) in enumerate(zip(rows_v, rows_f), start=2):
        if number > MAX_ROWS + 1:
            report.add(where, 0, "", f"has more than {MAX_ROWS:,} rows; a month's figures are a few hundred",
                       kind="too many rows")
            return None
        rec = _read_row(row_v, row_f, header, where, number, report, decimals)
        if rec is not None and any(rec.values()):
            sheet.rows.append(rec)
            sheet.numbers.append(number)
        if len(report.problems) - before >= 50:
            break
    return sheet


def _read_row(row_v, row_f, header: list[str], where: str, number: int, report: Report,
              decimals: Mapping[str, int]) -> dict[str, str] | None:
    width = len(header)
    for j in range(width, len(row_v)):
        if row_v[j].value not in (None, ""):
            report.add(where, number, "", f"has a value beyond the header's {width} columns "
                                          f"({row_v[j].value!r}); give every column a heading or remove it",
                       kind="value outside the columns")
            return None
    at = header.index("indicator") if "indicator" in header else len(row_v)
    ind_cell = row_v[at].value if at < len(row_v) else None
    places = decimals.get(str(ind_cell).strip()) if ind_cell is not None else None
    rec: dict[str, str] = {}
    for j, col in enumerate(header):
        cv = row_v[j] if j < len(row_v) else None
        cf = row_f[j] if j < len(row_f) else None
        value = getattr(cv, "value", None)
        if not col:
            if value not in (None, ""):
                report.add(where, number, "", f"has a value ({value!r}) in column {j + 1}, which has no heading; "
                                              "give the column a heading or remove it",
                           kind="value outside the columns")
                return None
            continue
        if getattr(cf, "data_type", "") == "f" and value is None:
            report.add(where, number, col, "is a formula without a saved value; type the figure, or open the "
                                           "workbook in Excel and save it", kind="formula")
            return None
        fmt = str(getattr(cv, "number_format", "") or "")
        try:
            text = cell_text(value, col, places, percent="%" in fmt)
        except ValueError as exc:
            report.add(where, number, col, str(exc), kind=f"{col}: invalid value")
            return None
        if _CONTROL.search(text):
            report.add(where, number, col, "contains a control character (such as NUL); remove it",
                       kind="control character")
            return None
        rec[col] = text
    return rec
