"""Adding a month's figures to ``data/``: read, check, merge, and replace files atomically.

An analyst's file (CSV, or an .xlsx workbook made from ``scorecard template``)
is read as text, checked against the same schemas as ``data/`` itself, merged
with the existing rows, and the merged folder is validated as a whole in a
temporary copy beside ``data/``. Only when every check passes are the changed
files swapped in with ``os.replace``; otherwise nothing on disk changes.

Problems are reported against the analyst's file and row (``month.xlsx[ics-monthly]:7``),
so a message points at the cell to fix, never at the temporary copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import periods
from .dataset import SCHEMAS, check_schema
from .problems import EXIT_CONFLICT, EXIT_INVALID, Problem, Report, ScorecardError

KINDS = ("observations", "targets", "outturns")
FILE_OF = {k: f"{k}.csv" for k in KINDS}
KEYS = {
    "observations": ("indicator", "area", "team", "period"),
    "targets": ("indicator", "year", "area"),
    "outturns": ("indicator", "area", "team", "year"),
}
COLUMNS = {k: list(SCHEMAS[FILE_OF[k]].columns) for k in KINDS}
NUMERIC = {k: {c for c, s in SCHEMAS[FILE_OF[k]].columns.items() if str(s.dtype) == "float64"} for k in KINDS}
# Block sheets made by the template carry these for the analyst's orientation; they are not data.
HELPER_COLUMNS = ("code", "title")
IGNORED_SHEETS = ("about", "readme", "read me", "instructions")


@dataclass
class Source:
    """Rows of one kind read from one CSV file or one sheet, with their spreadsheet row numbers."""

    kind: str
    display: str
    rows: list[dict[str, str]]
    row_numbers: list[int]
    template: bool = False  # a block sheet: rows with nothing filled in are skipped


@dataclass
class Outcome:
    """What an ingest did (or would do): counts per file and any warnings."""

    added: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # months the file gives monthly figures for

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.replaced.values())


# ---------------------------------------------------------------- reading


def canonical_number(text: str) -> str:
    """One spelling per number, so '22.40', '22.4' and Excel's 22.400000000000002 compare equal."""
    t = text.strip().replace(",", "")
    if t == "":
        return ""
    try:
        x = float(t)
    except ValueError:
        return text.strip()
    if math.isnan(x) or math.isinf(x):
        return text.strip()
    out = format(x, ".12g")
    if "e" in out:
        out = format(x, "f").rstrip("0").rstrip(".")
    return "0" if out == "-0" else out


def _cell_text(value, column: str) -> str:
    """An Excel cell as the text a CSV would hold (dates in a period column become 2026-02)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}" if column in ("period",) else value.isoformat()[:10]
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return canonical_number(repr(float(value)))
    return str(value).strip()


def _kind_of(header: list[str]) -> str:
    """Which data file a CSV belongs to, from its header."""
    cols = set(header)
    if "target" in cols or "floor" in cols:
        return "targets"
    if "year" in cols and "period" not in cols and "value" in cols:
        return "outturns"
    return "observations"


def _check_header(header: list[str], kind: str, display: str, report: Report, helpers: bool = False) -> bool:
    expected = COLUMNS[kind]
    missing = [c for c in expected if c not in header]
    allowed = set(expected) | (set(HELPER_COLUMNS) if helpers else set())
    extra = [c for c in header if c not in allowed]
    dup = sorted({c for c in header if c and header.count(c) > 1})
    parts = []
    if missing:
        parts.append(f"missing column(s): {', '.join(missing)}")
    if extra:
        parts.append(f"unexpected column(s): {', '.join(repr(c) for c in extra)}")
    if dup:
        parts.append(f"column(s) given twice: {', '.join(dup)}")
    if parts:
        report.add(display, 1, ", ".join(missing + extra + dup),
                   "; ".join(parts) + f"; a {kind} file has the columns {', '.join(expected)}")
        return False
    return True


def read_csv(path: Path, display: str, report: Report) -> list[Source]:
    """A CSV file holds one kind of rows, told apart by its header."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.add(display, line, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                      "save it as 'CSV UTF-8' and ingest it again")
        return []
    if not text.strip():
        report.add(display, 1, "", "file is empty: expected a header row and at least one row of figures")
        return []
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        report.add(display, 1, "", f"is not a readable CSV file ({exc})")
        return []
    header = [h.strip() for h in rows[0]]
    if len(header) == 1 and ";" in header[0]:
        report.add(display, 1, "", "columns are separated by semicolons; save the file as 'CSV UTF-8 (comma "
                                   "delimited)' and ingest it again")
        return []
    kind = _kind_of(header)
    if not _check_header(header, kind, display, report):
        return []
    body, numbers = [], []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(header):
            report.add(display, i, "", f"has {len(r)} fields but the header has {len(header)}")
            continue
        body.append({h: c.strip() for h, c in zip(header, r)})
        numbers.append(i)
    if not body and report.ok:
        report.add(display, 2, "", "has a header but no rows of figures")
    return [Source(kind, display, body, numbers)]


def monthly_blocks(layout_blocks: pd.DataFrame) -> list[str]:
    return list(layout_blocks[layout_blocks["frequency"] == "monthly"].sort_values("order")["block"])


def read_xlsx(path: Path, display: str, block_names: list[str], required_blocks: list[str],
              report: Report) -> list[Source]:
    """A workbook: tidy sheets named observations/targets/outturns and/or one sheet per block."""
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        report.add(display, 1, "", f"is not a readable .xlsx workbook ({type(exc).__name__}: {exc})")
        return []
    except Exception as exc:  # openpyxl raises its own types for damaged files
        report.add(display, 1, "", f"is not a readable .xlsx workbook ({type(exc).__name__})")
        return []
    sources: list[Source] = []
    try:
        names = list(wb.sheetnames)
        known = set(KINDS) | set(block_names)
        present_blocks = [n for n in names if n in block_names]
        data_sheets = [n for n in names if n in known]
        if not data_sheets:
            report.add(display, 1, "", f"no sheet named {', '.join(KINDS)} or after a block "
                                       f"(e.g. {required_blocks[0]}); found: {', '.join(names)}")
            return []
        if present_blocks:
            missing = [b for b in required_blocks if b not in names]
            if missing:
                report.add(display, 1, "", f"missing sheet(s): {', '.join(missing)}; a month workbook has a sheet "
                                           f"for every monthly block ({', '.join(required_blocks)})")
                return []
        for name in names:
            if name not in known:
                if name.strip().lower() not in IGNORED_SHEETS:
                    report.add(display, 1, "", f"sheet '{name}' is not used (expected {', '.join(KINDS)} or a block "
                                               "name); its rows were not read", "warning")
                continue
            kind = name if name in KINDS else "observations"
            sheet_display = f"{display}[{name}]"
            rows = wb[name].iter_rows(values_only=True)
            header_cells = next(rows, None)
            if header_cells is None:
                report.add(sheet_display, 1, "", "sheet is empty: expected a header row")
                continue
            header = [_cell_text(c, "") for c in header_cells]
            while header and header[-1] == "":
                header.pop()
            if not _check_header(header, kind, sheet_display, report, helpers=name in block_names):
                continue
            body, numbers = [], []
            for i, cells in enumerate(rows, start=2):
                values = [_cell_text(c, h) for c, h in zip(cells, header)]
                values += [""] * (len(header) - len(values))
                if not any(values):
                    continue
                rec = {h: v for h, v in zip(header, values) if h not in HELPER_COLUMNS}
                body.append(rec)
                numbers.append(i)
            # block, targets and outturns sheets may hold prefilled rows nobody has filled in yet
            sources.append(Source(kind, sheet_display, body, numbers, template=name != "observations"))
    finally:
        wb.close()
    return sources


def read(path: Path, block_names: list[str], required_blocks: list[str], display: str | None = None
         ) -> tuple[list[Source], Report]:
    """Read an analyst's file; problems name the file (and sheet) and row."""
    report = Report()
    name = display or str(path)
    if not path.exists():
        report.add(name, 0, "", "no such file")
        return [], report
    if path.is_dir():
        report.add(name, 0, "", "is a folder; give the .csv or .xlsx file to ingest")
        return [], report
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sources = read_csv(path, name, report)
    elif suffix == ".xlsx":
        sources = read_xlsx(path, name, block_names, required_blocks, report)
    else:
        report.add(name, 0, "", f"unsupported file type '{suffix or '(none)'}': save it as .csv (CSV UTF-8) or .xlsx")
        sources = []
    return sources, report


# ---------------------------------------------------------------- checking incoming rows


def _filled(rec: dict[str, str], kind: str) -> bool:
    """A template row counts once any figure or status is filled in."""
    cols = {"observations": ("value", "numerator", "denominator", "status"),
            "targets": ("target", "target_low", "target_high", "floor", "floor_low", "floor_high"),
            "outturns": ("value",)}[kind]
    return any(rec.get(c, "") != "" for c in cols)


def prepare(sources: list[Source], report: Report) -> dict[str, list[tuple[dict[str, str], str, int]]]:
    """Type-check each source with the data schemas; return rows per kind with where they came from."""
    out: dict[str, list[tuple[dict[str, str], str, int]]] = {k: [] for k in KINDS}
    for src in sources:
        recs, nums = [], []
        for rec, n in zip(src.rows, src.row_numbers):
            if src.template and not _filled(rec, src.kind):
                continue
            rec = {c: rec.get(c, "") for c in COLUMNS[src.kind]}
            if src.kind == "observations" and rec["status"] == "":
                if rec["value"] == "":
                    report.add(src.display, n, "value", "value is blank: give a value, or status not_available")
                    continue
                rec["status"] = "ok"
            for c in NUMERIC[src.kind]:
                rec[c] = canonical_number(rec[c])
            recs.append(rec)
            nums.append(n)
        if not recs:
            continue
        frame = pd.DataFrame(recs, columns=COLUMNS[src.kind], dtype=str)
        frame.index = nums
        before = len(report.problems)
        check_schema(frame, SCHEMAS[FILE_OF[src.kind]], src.display, report)
        bad_rows = {p.row for p in report.problems[before:]}
        for rec, n in zip(recs, nums):
            if n not in bad_rows:
                out[src.kind].append((rec, src.display, n))
    # the same key twice in what was sent
    for kind, items in out.items():
        first: dict[tuple, tuple[str, int]] = {}
        kept = []
        for rec, disp, n in items:
            key = tuple(rec[k] for k in KEYS[kind])
            if key in first:
                f_disp, f_row = first[key]
                where = f"row {f_row}" if f_disp == disp else f"{f_disp} row {f_row}"
                report.add(disp, n, ", ".join(KEYS[kind]),
                           f"duplicate row: {' / '.join(k for k in key if k)} already given on {where}")
                continue
            first[key] = (disp, n)
            kept.append((rec, disp, n))
        out[kind] = kept
    return out


def _same(a: dict[str, str], b: dict[str, str], kind: str) -> bool:
    for c in COLUMNS[kind]:
        x, y = a.get(c, ""), b.get(c, "")
        if c in NUMERIC[kind]:
            x, y = canonical_number(x), canonical_number(y)
        if x != y:
            return False
    return True


def _describe(rec: dict[str, str], kind: str) -> str:
    if kind == "targets":
        return ", ".join(f"{c} {rec[c]}" for c in ("target", "target_low", "target_high", "floor") if rec[c]) or "blank"
    parts = [f"value {rec['value'] or 'blank'}"]
    for c in ("numerator", "denominator"):
        if rec.get(c):
            parts.append(f"{c} {rec[c]}")
    if kind == "observations" and rec["status"] != "ok":
        parts.append(f"status {rec['status']}")
    return ", ".join(parts)


# ---------------------------------------------------------------- merging and writing


@dataclass
class Table:
    """A data file as text rows, with where each row came from (for messages)."""

    header: list[str]
    rows: list[list[str]]
    origin: list[tuple[str, int, bool]]  # (file, row, came from the analyst's file)

    @classmethod
    def read(cls, path: Path) -> Table:
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
        body = [r for r in rows[1:] if r]
        origin = [(str(path), i, False) for i, r in enumerate(rows[1:], start=2) if r]
        return cls(rows[0], body, origin)

    def text(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return buf.getvalue()


def merge(table: Table, kind: str, incoming: list[tuple[dict[str, str], str, int]], replace: bool,
          outcome: Outcome, conflicts: list[str]) -> bool:
    """Merge rows into a table in place; new rows follow the last row of their series, in period order."""
    header = table.header
    keys = KEYS[kind]
    col = {k: header.index(k) for k in keys}
    series_cols = [k for k in keys if k not in ("period", "year")]
    when = "period" if "period" in keys else "year"
    index = {tuple(r[col[k]] for k in keys): i for i, r in enumerate(table.rows)}
    last = {tuple(r[col[k]] for k in series_cols): i for i, r in enumerate(table.rows)}
    after: dict[int, list[tuple[list[str], tuple]]] = {}
    added = replaced = same = 0
    for rec, disp, n in incoming:
        key = tuple(rec[k] for k in keys)
        row = [rec.get(h, "") for h in header]
        i = index.get(key)
        if i is None:
            at = last.get(tuple(rec[k] for k in series_cols), len(table.rows) - 1)
            after.setdefault(at, []).append((row, (disp, n, True)))
            added += 1
            continue
        old = dict(zip(header, table.rows[i]))
        if _same(old, rec, kind):
            same += 1
        elif not replace:
            conflicts.append(Problem(disp, n, "value", f"{' '.join(k for k in key if k)} is already in "
                                     f"{FILE_OF[kind]} with {_describe(old, kind)}; this file gives "
                                     f"{_describe(rec, kind)} (use --replace to overwrite)").line())
        else:
            table.rows[i] = row
            table.origin[i] = (disp, n, True)
            replaced += 1
    if after:
        rows, origin = [], []
        for i in range(-1, len(table.rows)):
            if i >= 0:
                rows.append(table.rows[i])
                origin.append(table.origin[i])
            # periods sort as text: 2026-02 < 2026-03, Q3 < Q4, Autumn < Spring < Summer, 2025-26 < 2026-27
            for row, where in sorted(after.get(i, []), key=lambda x: x[0][header.index(when)]):
                rows.append(row)
                origin.append(where)
        table.rows, table.origin = rows, origin
    outcome.added[FILE_OF[kind]] = added
    outcome.replaced[FILE_OF[kind]] = replaced
    outcome.unchanged[FILE_OF[kind]] = same
    return bool(added or replaced)


def _map_problem(p: Problem, tmp: Path, data: Path, tables: dict[str, Table]) -> tuple[Problem, bool]:
    """A problem found in the temporary copy, pointed back at the file and row it came from.

    Returns the problem and whether it is about a row of the analyst's file.
    """
    try:
        rel = Path(p.file).relative_to(tmp)
    except ValueError:
        return p, False
    name = rel.as_posix()
    if name in tables and p.row >= 2 and p.row - 2 < len(tables[name].origin):
        disp, row, incoming = tables[name].origin[p.row - 2]
        return Problem(disp, row, p.column, p.message, p.severity), incoming
    return Problem(str(data / rel), p.row, p.column, p.message, p.severity), False


def _coverage(before: Table, after: Table, monthly: set[str]) -> list[str]:
    """Warn when a new month arrives for some monthly series but not for others."""
    h = after.header
    col = {c: h.index(c) for c in ("indicator", "area", "team", "period")}

    def months(t: Table) -> dict[str, set[tuple]]:
        out: dict[str, set[tuple]] = {}
        for r in t.rows:
            if r[col["indicator"]] in monthly:
                out.setdefault(r[col["period"]], set()).add((r[col["indicator"]], r[col["area"]], r[col["team"]]))
        return out

    old, new = months(before), months(after)
    warnings = []
    for m in sorted(set(new) - set(old)):
        try:
            prev = str(periods.Month.parse(m).shift(-1))
        except periods.PeriodError:
            continue
        lacking = sorted(old.get(prev, set()) - new[m])
        if lacking:
            names = ", ".join(" ".join(x for x in k if x) for k in lacking[:5])
            more = f" and {len(lacking) - 5} more" if len(lacking) > 5 else ""
            warnings.append(f"WARNING: {len(lacking)} monthly series have figures for {prev} but none for {m}; "
                            f"their rows will show N/A until they are ingested: {names}{more}")
    return warnings


def ingest(path: Path, data: Path, replace: bool = False, display: str | None = None,
           today: dt.date | None = None) -> Outcome:
    """Check a file against ``data`` and merge it in; raise ScorecardError (nothing changed) on any problem."""
    from .dataset import load
    from .validation import validate

    if not (data / "observations.csv").is_file():
        raise ScorecardError(f"ERROR: {data}: not a data folder (no observations.csv); give it with --data",
                             EXIT_INVALID)
    ds, base = load(data)  # the full check runs once, on the merged copy
    if ds is None:
        raise ScorecardError(_lines(base.errors) + [f"ERROR: {data}: the data folder cannot be read; fix it "
                                                    "(scorecard validate) before ingesting"], EXIT_INVALID)
    blocks = list(ds.blocks.sort_values("order")["block"])
    sources, report = read(path, blocks, monthly_blocks(ds.blocks), display)
    incoming = prepare(sources, report) if report.ok else {}
    if not report.ok:
        raise ScorecardError(_lines(report.errors), EXIT_INVALID)
    if not any(incoming.values()):
        raise ScorecardError(Problem(display or str(path), 1, "", "has no figures to ingest (every row's value, "
                                     "numerator, denominator and status is blank)").line(), EXIT_INVALID)

    months = sorted({rec["period"] for rec, _, _ in incoming.get("observations", [])
                     if re.fullmatch(r"\d{4}-\d{2}", rec["period"])})
    outcome = Outcome(warnings=[p.line() for p in report.warnings], months=months)
    conflicts: list[str] = []
    tables: dict[str, Table] = {}
    originals: dict[str, Table] = {}
    for kind in KINDS:
        if not incoming.get(kind):
            continue
        name = FILE_OF[kind]
        tables[name] = Table.read(data / name)
        originals[name] = Table.read(data / name)
        if not merge(tables[name], kind, incoming[kind], replace, outcome, conflicts):
            del tables[name]
    if conflicts:
        raise ScorecardError(conflicts, EXIT_CONFLICT)
    if not tables:
        return outcome

    monthly = set(ds.indicators.loc[ds.indicators["frequency"] == "monthly", "indicator"])
    if "observations.csv" in tables:
        outcome.warnings += _coverage(originals["observations.csv"], tables["observations.csv"], monthly)

    try:
        tmp = Path(tempfile.mkdtemp(prefix=".ingest-", dir=data.resolve().parent))
    except OSError as exc:
        raise ScorecardError(f"ERROR: {data.resolve().parent}: cannot make a temporary folder to check the merge in "
                             f"({exc.strerror}); nothing was changed", EXIT_INVALID) from None
    try:
        copy = tmp / "data"
        shutil.copytree(data, copy)
        for name, table in tables.items():
            (copy / name).write_text(table.text(), encoding="utf-8", newline="")
        _, checked = validate(copy, today)
        seen: set[tuple] = set()
        errors, warnings = [], []
        for p in checked.problems:
            q, incoming_row = _map_problem(p, copy, data, tables)
            if (q.file, q.row, q.column, q.severity) in seen:
                continue  # e.g. a future month is also a gap: one line per cell is enough
            seen.add((q.file, q.row, q.column, q.severity))
            if q.severity == "error":
                errors.append(q)
            elif incoming_row:  # warnings about rows already in data/ were there before
                warnings.append(q)
        if errors:
            raise ScorecardError(_lines(errors), EXIT_INVALID)
        outcome.warnings = [p.line() for p in sorted(warnings)] + outcome.warnings
        _swap_in(copy, data, list(tables), tmp)
        outcome.written = [data / n for n in tables]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return outcome


def _lines(problems: list[Problem]) -> list[str]:
    return [p.line() for p in sorted(problems, key=lambda p: (p.file, p.row, p.column))]


def _swap_in(copy: Path, data: Path, names: list[str], tmp: Path) -> None:
    """Replace each changed file with os.replace; if one fails, put the ones already swapped back."""
    backup = tmp / "backup"
    backup.mkdir()
    for name in names:
        shutil.copy2(data / name, backup / name.replace("/", "__"))
        shutil.copymode(data / name, copy / name)  # the new file keeps the old one's permissions
    done: list[str] = []
    try:
        for name in names:
            os.replace(copy / name, data / name)
            done.append(name)
    except OSError as exc:
        for name in done:
            os.replace(backup / name.replace("/", "__"), data / name)
        raise ScorecardError(f"ERROR: {data}: could not replace {name} ({exc}); nothing was changed",
                             EXIT_INVALID) from None


# ---------------------------------------------------------------- templates


TEMPLATE_README = """\
# Templates for the month's figures

`scorecard ingest FILE` accepts any of these; see README.md ("The analyst's month").

- `observations-template.csv`: the tidy layout of `data/observations.csv`, one row per
  indicator, area or team, and period. Give either `area` (Kent or a district) or `team`,
  not both. `status` is `ok` (or blank when a value is given) or `not_available` (value blank).
  Periods: months `2026-02`, quarters `2025-26 Q4`, terms `2025-26 Spring`, years `2025-26`.
- `targets-template.csv`: the layout of `data/targets.csv` (one row per indicator, year and
  area; `target_source` is printed, commentary, inferred or business plan).
- `outturns-template.csv`: the layout of `data/outturns.csv` (last year's outturn per row).
- `month-template.xlsx`: a workbook for one month (the copy here is for February 2026); make one
  for your month with `scorecard template --month YYYY-MM --out month-YYYY-MM.xlsx`.
  It has an `about` sheet, one sheet per block of the printed tables (`send-monthly`,
  `ics-monthly`, ..., `district-edu-annual`) listing every row the edition prints with its
  indicator, area or team and the period due, and `targets` and `outturns` sheets. Fill in
  `value` (and `numerator`/`denominator` where known); leave a row blank if its figure has not
  arrived, or set `status` to `not_available`. The `code` and `title` columns are there to help
  you find rows and are not read. Every monthly block's sheet must be present. A workbook with
  just an `observations` sheet (tidy, as the CSV) also works.

Re-ingesting the same file changes nothing; a different figure for a month already in
`data/` is refused (exit 3) unless `--replace` is given. Any problem is reported as
`file:row [column]: problem` (exit 2) and `data/` is left exactly as it was.
"""


def next_period(latest: str | None, frequency: str, month: periods.Month, basis: str) -> str:
    """The period a template row asks for: the month itself, or the next period due after the latest."""
    if frequency == "monthly":
        return str(month)
    if latest is None:
        return ""
    nxt = periods.shift(latest, frequency, 1)
    return nxt if periods.end_month(nxt, frequency, basis) <= month else ""


def template_rows(ds, month: str) -> dict[str, list[dict[str, str]]]:
    """Every printed row as a blank observation, one sheet per block, each series listed once."""
    from .edition import Lookup, _units

    m = periods.Month.parse(month)
    lk = Lookup(ds)
    seen: set[tuple] = set()
    sheets: dict[str, list[dict[str, str]]] = {}
    layout = ds.rows.sort_values(["block", "position"])
    for block in ds.blocks.sort_values("order").to_dict("records"):
        rows = layout[layout["block"] == block["block"]].to_dict("records")
        out = sheets.setdefault(block["block"], [])
        for district in ([None] if block["page"] != "district" else ds.districts):
            for _area, team, service, key_area in _units(ds, block, district):
                for row in rows:
                    if row["service"] and row["service"] != service:
                        continue
                    ind = lk.ind[row["indicator"]]
                    key = (row["indicator"], key_area, team)
                    if key in seen:
                        continue
                    seen.add(key)
                    latest = lk.latest(ind["indicator"], ind["frequency"], ind["year_basis"], m)
                    period = next_period(latest, ind["frequency"], m, ind["year_basis"])
                    if not period or (row["indicator"], key_area, team, period) in lk.obs:
                        continue
                    out.append({"indicator": row["indicator"], "code": ind["code"], "title": row["title"],
                                "area": key_area, "team": team, "period": period, "value": "", "numerator": "",
                                "denominator": "", "status": "", "note": ""})
    return sheets


def missing_targets(ds, month: str) -> list[dict[str, str]]:
    """Targets the month's reporting year still needs: last year had one, this year has none."""
    m = periods.Month.parse(month)
    have = {(r["indicator"], r["year"], r["area"]) for r in ds.targets.to_dict("records")}
    out = []
    for r in ds.targets.sort_values(["indicator", "area", "year"]).to_dict("records"):
        ind = ds.indicators[ds.indicators["indicator"] == r["indicator"]]
        if ind.empty:
            continue
        year = periods.reporting_year(m, ind.iloc[0]["year_basis"])
        if r["year"] == periods.shift(year, "annual", -1) and (r["indicator"], year, r["area"]) not in have:
            out.append({c: "" for c in COLUMNS["targets"]} | {"indicator": r["indicator"], "year": year,
                                                                 "area": r["area"]})
    return out


def write_workbook(ds, month: str, out: Path) -> Path:
    """A month workbook: about sheet, one sheet per block prefilled with the rows due, targets and outturns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    m = periods.Month.parse(month)
    wb = Workbook()
    about = wb.active
    about.title = "about"
    lines = [("Scorecard figures for", m.long_label()), ("month", str(m)),
             ("How", "Fill in value (and numerator/denominator where known) on each block sheet; leave a row "
                     "blank if the figure has not arrived, or set status to not_available."),
             ("Then", f"scorecard ingest {out.name}  (then: scorecard validate; scorecard new-month {m})"),
             ("Columns", ", ".join(COLUMNS["observations"]) + " (code and title are for reference, not read)")]
    for r in lines:
        about.append(list(r))
    about["A1"].font = Font(bold=True)
    header = ["indicator", "code", "title", "area", "team", "period", "value", "numerator", "denominator",
              "status", "note"]
    for block, rows in template_rows(ds, month).items():
        ws = wb.create_sheet(block)
        ws.append(header)
        for rec in rows:
            ws.append([rec[h] for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.column_dimensions["C"].width = 60
    ws = wb.create_sheet("targets")
    ws.append(COLUMNS["targets"])
    for rec in missing_targets(ds, month):
        ws.append([rec[c] for c in COLUMNS["targets"]])
    ws = wb.create_sheet("outturns")
    ws.append(COLUMNS["outturns"])
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "scorecard template"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def write_templates(ds, month: str, folder: Path) -> list[Path]:
    """The files shipped in data/templates/: CSV headers, the month workbook and a README."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        p = folder / f"{kind}-template.csv"
        p.write_text(",".join(COLUMNS[kind]) + "\n", encoding="utf-8")
        written.append(p)
    written.append(write_workbook(ds, month, folder / "month-template.xlsx"))
    (folder / "README.md").write_text(TEMPLATE_README, encoding="utf-8")
    written.append(folder / "README.md")
    return written
