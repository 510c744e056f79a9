"""Downloads that are safe to open: CSV and Excel files made from the edition.

Text from data or parameters that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is neutralised: in CSV with a leading apostrophe,
in xlsx by storing it as a string. Figures go to Excel as numbers with a display format, so an
analyst can sum and chart them; no hyperlink is ever made from data.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..rules import numbers

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before formula characters (not before figures)."""
    if not text or not text.startswith(FORMULA_START):
        return text
    try:
        if numbers.read(text).is_number:
            return text
    except numbers.NumberError:
        pass
    return "'" + text


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutral(str(value))


def csv_text(columns: Sequence[str], rows: Iterable[dict]) -> str:
    """CSV (UTF-8, with header) whose text cells cannot run as formulas."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([_one_record(neutral(c)) for c in columns])
    for r in rows:
        w.writerow([_one_record(_plain(r.get(c))) for c in columns])
    return buf.getvalue()


def _one_record(text: str) -> str:
    """A carriage return inside a cell as a line feed: the writer quotes a cell with a line feed, but not one
    with a lone CR, which many readers (Excel among them) take for the end of the row."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _set(cell, value, decimals: int | None = None) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, bool):
        cell.value = "yes" if value else "no"
        cell.data_type = "s"
    elif isinstance(value, int | float):
        cell.value = value
        if decimals is not None:
            cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    else:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))   # a control character cannot be saved
        cell.data_type = "s"   # never a formula, whatever the text starts with


def workbook(sheets: list[tuple[str, Sequence[str], list[dict]]], path: Path) -> None:
    """An .xlsx with one sheet per (name, columns, rows); numbers as numbers, text as strings."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..fsutil import write_atomic

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, columns, rows in sheets:
        title = _sheet_name(name, used)
        ws = wb.create_sheet(title)
        for j, c in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=j)
            _set(cell, c)
            cell.font = Font(bold=True)
        for i, r in enumerate(rows, start=2):
            for j, c in enumerate(columns, start=1):
                value = r.get(c)
                decimals = r.get(f"{c}__decimals")
                _set(ws.cell(row=i, column=j), value, decimals)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(path, buf.getvalue())


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(ch for ch in name if ch not in '[]:*?/\\')[:31] or "sheet"
    base, n = clean, 2
    while clean.lower() in used:
        suffix = f"-{n}"
        clean, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(clean.lower())
    return clean


def edition_workbook(edition, key: str, path: Path, cache: Path) -> None:
    """The edition's workbook (every table, one sheet each) at ``path``.

    It depends only on the edition's snapshot, so it is made once per snapshot ``key`` and kept in
    ``cache`` (a folder of the build); later builds link it (openpyxl takes ~1 s for 69 sheets).
    """
    from ..fsutil import link_or_copy
    from . import cells

    kept = Path(cache) / f"workbook.{key[:24]}.xlsx"
    if not kept.is_file():
        kept.parent.mkdir(parents=True, exist_ok=True)
        for old in kept.parent.glob("workbook.*.xlsx"):
            old.unlink()
        workbook([(t.id[:31], list(cells.DATA_COLUMNS), cells.data_of_table(t)) for t in edition.tables], kept)
    link_or_copy(kept, path)
