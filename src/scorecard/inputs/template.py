"""The month workbook: every figure an edition prints that is due for a month, to fill in and ingest.

``template(ds, month, out)`` writes an .xlsx with

- ``about``: what the workbook is and how to fill it in;
- ``overview``: the front page's figures (``layout/tiles.csv``: schools, open cases, the front door,
  Ofsted, the trend charts), for the county;
- one sheet per block of ``layout/blocks.csv``: every (indicator, area or team) series the edition
  prints (the layout walk of :mod:`.layout`), each once, on the first block that prints it, with
  the period due: monthly rows the month itself; quarterly, termly and annual rows each period
  that has ended by the month and is not yet in the data;
- ``targets``: the targets the month's reporting year still needs (April starts a financial year,
  September an academic one);
- ``outturns``: last year's outturns the tables print and the data does not have yet.

Columns: indicator, code, title (for orientation; not read by ingest), area, team, period,
value, numerator, denominator, note. Text from the data is written as text cells, never as
formulas. Filling in value cells and ingesting the workbook adds exactly those figures.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..rules import periods
from .dataset import Dataset
from .layout import Unit, placements
from .schemas import SCHEMAS

OBS_COLUMNS = ["indicator", "code", "title", "area", "team", "period", "value", "numerator", "denominator", "note"]
TARGET_COLUMNS = ["indicator", "code", "title", *[c for c in SCHEMAS["targets.csv"].columns if c != "indicator"]]
OUTTURN_COLUMNS = ["indicator", "code", "title", *[c for c in SCHEMAS["outturns.csv"].columns if c != "indicator"]]
FIXED_TIME = (2000, 1, 1, 0, 0, 0)      # zip entry times: the same workbook for the same data and month
WIDTHS = {"indicator": 14, "code": 12, "title": 70, "area": 22, "team": 40, "period": 14, "value": 10,
          "numerator": 12, "denominator": 12, "note": 40, "year": 10, "target": 10, "evidence": 40}


@dataclass
class SheetRows:
    name: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)


def _periods_in(ds: Dataset) -> dict[tuple[str, str, str], set[str]]:
    out: dict[tuple[str, str, str], set[str]] = {}
    for r in ds.records("observations.csv"):
        out.setdefault((r["indicator"], r["area"], r["team"]), set()).add(r["period"])
    return out


def latest_ended(frequency: str, basis: str, month: periods.Month) -> str:
    """The most recent period of a frequency that has ended by the end of ``month``."""
    if frequency == "monthly":
        return str(month)
    # quarters are of financial years and terms of academic years, whatever the indicator's basis
    basis = {"quarterly": "financial", "termly": "academic"}.get(frequency, basis)
    year = periods.reporting_year(month, basis)
    n = periods.ordinal(year if frequency == "annual" else f"{year} {'Q1' if frequency == 'quarterly' else 'Autumn'}",
                        frequency)
    n += periods.per_year(frequency) - 1   # the year's last period; step back to one that has ended
    while periods.end_month(periods.from_ordinal(n, frequency), frequency, basis) > month:
        n -= 1
    return periods.from_ordinal(n, frequency)


def due(ind: dict, month: periods.Month, have: set[str]) -> list[str]:
    """The periods a series still needs for ``month``: the month itself for a monthly series; for the
    others every period after its latest figure that has ended by then (at most a year's worth)."""
    freq, basis = ind["frequency"], ind["year_basis"]
    if freq == "monthly":
        return [] if str(month) in have else [str(month)]
    last = latest_ended(freq, basis, month)
    n_last = periods.ordinal(last, freq)
    known = [periods.ordinal(p, freq) for p in have if periods.frequency_of(p) == freq]
    start = max(known) + 1 if known else n_last
    start = max(start, n_last - periods.per_year(freq) + 1)
    return [p for p in (periods.from_ordinal(n, freq) for n in range(start, n_last + 1)) if p not in have]


def _stale(ind: dict, month: periods.Month, have: set[str]) -> str:
    """For a monthly series whose last figure is older than last month: ' [last figure 2025-10]'."""
    if ind["frequency"] != "monthly":
        return ""
    months = sorted(p for p in have if periods.frequency_of(p) == "monthly" and p < str(month))
    if months and months[-1] < str(month.shift(-1)):
        return f" [last figure {months[-1]}: a figure for {month} also needs the months between]"
    return ""


def sheets(ds: Dataset, month: str) -> list[SheetRows]:
    """The workbook's sheets (all but ``about``) with their rows, in order."""
    m = periods.Month.parse(month)
    have = _periods_in(ds)
    inds = ds.indicators
    seen: set[tuple[str, str, str]] = set()
    blocks: dict[str, SheetRows] = {b["block"]: SheetRows(b["block"], OBS_COLUMNS) for b in ds.blocks}

    def add(sheet: SheetRows, ind: dict, title: str, unit: Unit) -> None:
        key = (ind["indicator"], "" if unit.team else unit.area, unit.team)
        if key in seen:
            return
        seen.add(key)
        got = have.get(key, set())
        for p in due(ind, m, got):
            sheet.rows.append({"indicator": ind["indicator"], "code": ind["code"], "title": title + _stale(ind, m, got),
                               "area": key[1], "team": key[2], "period": p, "value": "", "numerator": "",
                               "denominator": "", "note": ""})

    overview = SheetRows("overview", OBS_COLUMNS)
    # A series printed in a table goes on the table's sheet; the front page lists the rest.
    for p in placements(ds, ds.districts):
        for unit, rows in p.groups:
            for spec in rows:
                ind = inds[spec["indicator"]]
                title = ds.titles.get((p.block["block"], ind["indicator"], unit.area), spec["title"])
                add(blocks[p.block["block"]], ind, title, unit)
    for r in sorted(ds.records("layout/tiles.csv"), key=lambda r: (int(r["tile_order"]), int(r["position"]))):
        ind = inds.get(r["indicator"])
        if ind is not None:
            add(overview, ind, f"{r['tile']}: {r['label'] or ind['title']}", Unit(ds.county))
    return [overview, *blocks.values(), SheetRows("targets", TARGET_COLUMNS, target_rows(ds, m)),
            SheetRows("outturns", OUTTURN_COLUMNS, outturn_rows(ds, m))]


def target_rows(ds: Dataset, month: periods.Month) -> list[dict[str, str]]:
    """Targets the month's reporting year still needs: an indicator with targets last year and no
    county target this year gets a row for the county and for each area that had its own."""
    have = {(r["indicator"], r["year"], r["area"]) for r in ds.records("targets.csv")}
    out, done = [], set()
    for r in ds.records("targets.csv"):
        ind = ds.indicators.get(r["indicator"])
        if ind is None:
            continue
        year = periods.reporting_year(month, ind["year_basis"])
        if r["year"] != periods.shift(year, "annual", -1) or (r["indicator"], year, ds.county) in have:
            continue
        key = (r["indicator"], year, r["area"])
        if key in have or key in done:
            continue
        done.add(key)
        out.append({c: "" for c in TARGET_COLUMNS} | {"indicator": r["indicator"], "code": ind["code"],
                                                     "title": ind["title"], "year": year, "area": r["area"]})
    order = {a: i for i, a in enumerate([ds.county, *ds.districts])}
    return sorted(out, key=lambda x: (x["indicator"], order.get(x["area"], 99)))


def outturn_rows(ds: Dataset, month: periods.Month) -> list[dict[str, str]]:
    """Outturns the tables print (an ``outturn`` column) that the data does not have yet, for series
    that had one the year before."""
    have = {(r["indicator"], r["area"], r["team"], r["year"]) for r in ds.records("outturns.csv")}
    out, done = [], set()
    for p in placements(ds, ds.districts):
        cols = [c for c in ds.columns.get(p.block["columns"], []) if c["column"] == "outturn"]
        if not cols:
            continue
        current = periods.reporting_year(month, p.block["year_basis"])
        shift = {"current": 0, "previous": -1, "next": 1}
        years = [periods.shift(current, "annual", shift[c["year"] or "previous"]) for c in cols]
        for unit, rows in p.groups:
            for spec in rows:
                ind = ds.indicators[spec["indicator"]]
                if ind["frequency"] == "annual":
                    continue    # an annual row's outturn is its own figure for the year
                area, team = ("" if unit.team else unit.area), unit.team
                for year in years:
                    key = (ind["indicator"], area, team, year)
                    before = (ind["indicator"], area, team, periods.shift(year, "annual", -1))
                    if key in have or key in done or before not in have:
                        continue
                    done.add(key)
                    out.append({"indicator": ind["indicator"], "code": ind["code"], "title": spec["title"],
                                "area": area, "team": team, "year": year, "value": ""})
    return out


def _about(ds: Dataset, m: periods.Month, out: Path, parts: list[SheetRows]) -> list[tuple[str, str]]:
    counts = ", ".join(f"{s.name} {len(s.rows)}" for s in parts if s.rows) or "none"
    return [
        ("Scorecard figures due for", m.long_label()),
        ("month", str(m)),
        ("rows to fill in", f"{sum(len(s.rows) for s in parts)} ({counts})"),
        ("how", "On each sheet, fill in value (and numerator and denominator where the table prints them) for every "
                "figure that has arrived. Type figures as the edition prints them (22.4, 1,796) or N/A where the "
                "figure is not available. Leave a row blank if its figure has not arrived: it is not read."),
        ("columns", "indicator, area, team and period say which figure a row is; code and title are there to help "
                    "you find it and are not read; note is printed beside the figure."),
        ("sheets", "overview: the front page; one sheet per table of the edition (each series once, on the first "
                   "table that prints it); targets: the targets the reporting year still needs; outturns: last "
                   "year's outturns still missing."),
        ("then", f"scorecard ingest {out.name}   (re-ingesting the same workbook changes nothing; a different "
                 "figure for a period already in data/ is refused unless --replace)"),
        ("data", f"{ds.root}"),
    ]


def _text_cell(ws, row: int, col: int, value: str):
    c = ws.cell(row=row, column=col)
    c.value = value
    c.data_type = "s"      # never a formula, whatever the text starts with
    return c


def template(ds: Dataset, month: str, out: Path) -> dict[str, int]:
    """Write the month workbook to ``out`` (atomically); the number of rows to fill in, per sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..fsutil import write_atomic

    m = periods.Month.parse(month)
    out = Path(out)
    parts = sheets(ds, str(m))
    wb = Workbook()
    about = wb.active
    about.title = "about"
    for i, (k, v) in enumerate(_about(ds, m, out, parts), start=1):
        _text_cell(about, i, 1, k).font = Font(bold=True)
        _text_cell(about, i, 2, v).alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 26
    about.column_dimensions["B"].width = 110
    for part in parts:
        ws = wb.create_sheet(part.name)
        for j, col in enumerate(part.columns, start=1):
            _text_cell(ws, 1, j, col).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(col, 16)
        for i, rec in enumerate(part.rows, start=2):
            for j, col in enumerate(part.columns, start=1):
                if rec.get(col, ""):
                    _text_cell(ws, i, j, rec[col])
                if col in ("period", "year"):
                    ws.cell(row=i, column=j).number_format = "@"   # Excel must not turn 2026-02 into a date
        ws.freeze_panes = "A2"
    wb.properties.creator = "scorecard template"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(out, _fixed_times(buf.getvalue()))
    return {p.name: len(p.rows) for p in parts}


def _fixed_times(raw: bytes) -> bytes:
    """The same zip with fixed entry times, so the same data and month give the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return buf.getvalue()
