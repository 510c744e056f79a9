"""The engine: every printed table of an edition, each cell as printed, each rating and arrow decided once.

:func:`build` walks the layout (:mod:`scorecard.inputs.layout`) for a month and decides, for every
row, the periods shown, the figures (as printed text), the target and floor that apply, the
rating, the arrow, last year's outturn and rating, and the benchmarks. Where the shown value is
not what the edition printed, or was not printed at all, the cell carries a :class:`Mark`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..inputs.dataset import Dataset
from ..inputs.layout import Placement, Unit, placements
from ..rules import arith, numbers, periods
from ..rules.direction import Dot, travel
from ..rules.numbers import Figure
from ..rules.rag import Rag, Threshold, rate
from .model import Cell, Column, Edition, Mark, Row, Table

RELATIVE = {"current": 0, "previous": -1, "next": 1}
EXPORT_OF = {"code": "code", "indicator": "title", "polarity": "polarity", "data_period": "data_period",
             "qpr": "qpr", "numerator": "numerator", "denominator": "denominator", "dot": "dot"}
QUALITY_WORDS = {"synthetic": "SYNTHETIC figure, made up for testing: not real data",
                 "provisional": "Provisional figure: may be revised"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Lookup:
    """A dataset's records by key, read once per edition."""

    ds: Dataset
    month: str
    obs: dict[tuple, dict] = field(default_factory=dict)
    periods_of: dict[str, set] = field(default_factory=dict)
    outturns: dict[tuple, dict] = field(default_factory=dict)
    targets: dict[tuple, dict] = field(default_factory=dict)
    bench: dict[tuple, dict] = field(default_factory=dict)
    cell_notes: dict[tuple, list[dict]] = field(default_factory=dict)
    figure_notes: dict[tuple, list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ds = self.ds
        for r in ds.records("observations.csv"):
            self.obs[(r["indicator"], r["area"], r["team"], r["period"])] = r
            self.periods_of.setdefault(r["indicator"], set()).add(r["period"])
        for r in ds.records("outturns.csv"):
            self.outturns[(r["indicator"], r["area"], r["team"], r["year"])] = r
        for r in ds.records("targets.csv"):
            self.targets[(r["indicator"], r["year"], r["area"])] = r
        for r in ds.records("benchmarks.csv"):
            self.bench[(r["indicator"], r["benchmark"], r["reference"])] = r
        for r in ds.records("anomalies.csv"):
            if r["check"] in ("printed", "note") and r["edition"] in ("", self.month):
                self.cell_notes.setdefault((r["indicator"], r["column"]), []).append(r)
            elif r["check"] in ("numerator_gt_denominator", "ratio", "range"):
                self.figure_notes.setdefault((r["indicator"], r["area"], r["team"], r["period"]), []).append(r)

    def latest(self, ind: dict, month: periods.Month) -> str:
        """The latest period a month's edition shows: the month itself for monthly rows, else the
        most recent period that has ended by then and has figures."""
        if ind["frequency"] == "monthly":
            return str(month)
        have = [p for p in self.periods_of.get(ind["indicator"], ())
                if periods.end_month(p, ind["frequency"], ind["year_basis"]) <= month]
        return max(have, key=lambda p: periods.ordinal(p, ind["frequency"])) if have else ""

    def target(self, ind: str, year: str, area: str) -> dict | None:
        """The area's own target if the data has one, otherwise the county's."""
        return self.targets.get((ind, year, area)) or self.targets.get((ind, year, self.ds.county))


def _fig(text: str | None) -> Figure:
    return numbers.read(text or "", allow_op=True, allow_band=True)


def threshold_of(ind: dict, rec: dict | None) -> tuple[Threshold | None, list[Mark]]:
    """What a figure is rated against, and the marks for parts the edition did not print."""
    if not rec:
        return None, []
    pol = ind["rated_as"] or ind["polarity"]
    if not pol:
        return None, []
    fig, marks = _fig(rec["target"]), []
    target, green = None, None
    if fig.kind == "number":
        target = fig.value
    elif fig.kind == "band":
        green = (fig.low, fig.high)
    elif rec["rated_against"]:
        target = numbers.value_of(rec["rated_against"])
        marks.append(Mark("not_printed", f"No target is printed here; rated against {rec['rated_against']}"
                                         + (f": {rec['evidence']}" if rec["evidence"] else "")))
    else:
        return None, []
    floor = numbers.value_of(rec["floor"])
    amber = None
    if pol == "T":
        tol, ftol = numbers.value_of(rec["tolerance"]), numbers.value_of(rec["floor_tolerance"])
        if green is None and target is not None and tol is not None:
            green = (target - tol, target + tol)
            source = rec["tolerance_source"]
            marks.append(Mark("inferred" if source == "inferred" else "note",
                              f"Rated as on target from {green[0]:g} to {green[1]:g}: {_source_words(source, 'band')}"))
        if target is not None and ftol is not None:
            amber = (target - ftol, target + ftol)
        if green is None:
            return None, []
    return Threshold(pol, target, floor, green, amber), marks


def _source_words(source: str, what: str) -> str:
    return {"commentary": f"the {what} is quoted in the edition's commentary",
            "inferred": f"the {what} is not printed; inferred from the edition's ratings, see Reference",
            "business plan": f"the {what} is from the business plan",
            "printed": f"the {what} is printed"}.get(source, source)


class RowBuilder:
    """Decides every cell of one row."""

    def __init__(self, lk: Lookup, month: periods.Month, placement: Placement, unit: Unit, spec: dict,
                 columns: list[Column]):
        self.lk, self.m, self.p, self.unit, self.spec, self.columns = lk, month, placement, unit, spec, columns
        ds = lk.ds
        self.ind = ds.indicators[spec["indicator"]]
        self.key_area = "" if unit.team else unit.area
        self.target_area = unit.area or ds.county
        self.freq, self.basis = self.ind["frequency"], self.ind["year_basis"]
        self.latest = lk.latest(self.ind, month)
        self.marks: dict[str, list[Mark]] = {}
        self.quality: set[str] = set()

    # --- figures -------------------------------------------------------------------------------------
    def record(self, period: str) -> dict | None:
        if not period:
            return None
        return self.lk.obs.get((self.ind["indicator"], self.key_area, self.unit.team, period))

    def figure_cell(self, period: str, field_name: str = "value") -> Cell:
        rec = self.record(period)
        text = rec[field_name] if rec else ""
        f = _fig(text)
        marks: list[Mark] = []
        if rec and field_name == "value":
            if rec["note"]:
                marks.append(Mark("note", rec["note"]))
            if rec["quality"] in QUALITY_WORDS:
                marks.append(Mark("quality", QUALITY_WORDS[rec["quality"]]))
                self.quality.add(rec["quality"])
        for a in self.lk.figure_notes.get((self.ind["indicator"], self.key_area, self.unit.team, period), []):
            if (a["check"] == "numerator_gt_denominator") == (field_name == "numerator"):
                marks.append(Mark("anomaly", a["reason"]))
        return Cell(f.text, f.value if f.is_number else None, marks=tuple(marks))

    def year_figure(self, year: str) -> Cell:
        """The row's figure for a reporting year: the latest figure if it is that year's, else its outturn."""
        if self.latest and periods.year_of(self.latest, self.freq, self.basis) == year:
            return self.figure_cell(self.latest)
        if self.freq == "annual":
            return self.figure_cell(year)
        rec = self.lk.outturns.get((self.ind["indicator"], self.key_area, self.unit.team, year))
        f = _fig(rec["value"] if rec else "")
        return Cell(f.text, f.value if f.is_number else None)

    def previously_reported(self) -> Cell:
        before = self.lk.latest(self.ind, self.m.shift(-1))
        return self.figure_cell(before) if before else Cell("")

    def comparison(self, basis: str, threshold_year: str) -> float | None:
        if not self.latest:
            return None
        if basis == "same_period_last_year":
            return self.figure_cell(periods.shift(self.latest, self.freq, -periods.per_year(self.freq))).value
        if basis == "previous_year_outturn":
            return self.year_figure(periods.shift(threshold_year, "annual", -1)).value
        if basis == "previously_reported":
            return self.previously_reported().value
        return self.figure_cell(periods.shift(self.latest, self.freq, -1)).value

    # --- the row -------------------------------------------------------------------------------------
    def build(self) -> Row:
        ind, spec, p = self.ind, self.spec, self.p
        latest_cell = self.figure_cell(self.latest)
        latest_fig = _fig(latest_cell.text)
        na_row = latest_fig.kind == "na"
        row_year = (periods.year_of(self.latest, self.freq, self.basis) if self.latest
                    else periods.reporting_year(self.m, self.basis))
        threshold, _ = threshold_of(ind, self.lk.target(ind["indicator"], row_year, self.target_area))
        rating = rate(latest_cell.value, threshold)
        polarity = ind["rated_as"] or ind["polarity"]
        basis = spec["dot_basis"] or ind["dot_basis"]
        dot = travel(latest_cell.value, self.comparison(basis, row_year), polarity,
                     centre=threshold.centre if threshold else None)
        title = self.lk.ds.titles.get((p.block["block"], ind["indicator"], self.target_area), spec["title"])
        window = periods.window(self.latest, self.freq, int(p.block["trend"])) if self.latest else []
        tgt = self.lk.target(ind["indicator"], row_year, self.target_area)
        row = Row(
            block=p.block["block"], area=self.unit.area, team=self.unit.team, page=p.page,
            section=p.block["section"] if p.page else (spec["section"] or ind["section"]),
            position=int(spec["position"]), indicator=ind["indicator"], code=ind["code"], title=title,
            polarity=ind["polarity"], rated_as=polarity, data_period=ind["data_period"], qpr=ind["qpr"] == "yes",
            frequency=self.freq, year_basis=self.basis, unit=ind["unit"], seasonal=ind["seasonal"] == "yes",
            periods=window, latest=self.latest, value=latest_cell.value, decimals=latest_fig.decimals,
            rag=rating.value if rating else "", dot=dot.value if dot and spec["show_dot"] != "no" else "",
            threshold=threshold, target_source=tgt["target_source"] if tgt else "",
            floor_source=tgt["floor_source"] if tgt else "")
        for col in self.columns:
            row.cells[col.key] = self.cell(col, row, na_row, window)
        row.quality = "synthetic" if "synthetic" in self.quality else ("provisional" if self.quality else "")
        return row

    def cell(self, col: Column, row: Row, na_row: bool, window: list[str]) -> Cell:
        ind, na_text, kind = self.ind, col.na, col.kind
        if kind == "code":
            cell = Cell(ind["code"])
        elif kind == "indicator":
            cell = Cell(row.title)
        elif kind == "polarity":
            marks = ()
            if ind["rated_as"] and ind["rated_as"] != ind["polarity"]:
                marks = (Mark("polarity", f"Printed {ind['polarity']}, but the edition's own ratings and arrows "
                                          f"treat it as {ind['rated_as']}; rated as {ind['rated_as']}"),)
            cell = Cell(ind["polarity"], marks=marks)
        elif kind == "data_period":
            cell = Cell(ind["data_period"])
        elif kind == "qpr":
            cell = Cell("✓" if ind["qpr"] == "yes" else "")
        elif kind == "trend":
            i = int(col.key.split("-")[1])
            period = window[i] if i < len(window) - 1 else ""
            cell = self.figure_cell(period) if period else Cell("")
        elif kind == "latest":
            cell = self.figure_cell(self.latest)
            expected = self._ratio(self.latest)
            if expected:
                cell.marks = (*cell.marks, Mark("anomaly", expected))
        elif kind in ("numerator", "denominator"):
            cell = self.figure_cell(self.latest, kind)
        elif kind == "previous":
            cell = self.previously_reported()
        elif kind == "dot":
            cell = self._dot(row, na_row, na_text)
        elif kind == "target":
            cell = self._target(col, row, na_row, na_text)
        elif kind == "rag":
            cell = self._rag(col, row, na_row, na_text)
        elif kind == "outturn":
            cell = Cell(na_text) if na_row and na_text else self.year_figure(col.year)
        elif kind == "benchmark":
            cell = self._benchmark(col)
        else:  # pragma: no cover - the schema allows nothing else
            raise ValueError(kind)
        return self._printed(col, cell)

    def _ratio(self, period: str) -> str:
        rec = self.record(period)
        if not rec:
            return ""
        v, n, d = (_fig(rec[k]) for k in ("value", "numerator", "denominator"))
        expected = arith.ratio_mismatch(v, n, d, self.ind["scale"])
        if expected is None or arith.numerator_above_denominator(n, d, self.ind["scale"]):
            return ""
        return f"Printed {v.text}, but {n.text} / {d.text} gives {expected:.2f}"

    def _dot(self, row: Row, na_row: bool, na_text: str) -> Cell:
        if self.spec["show_dot"] == "no":
            return Cell("")
        if na_row and na_text:
            return Cell(na_text)
        if not row.dot:
            return Cell("")
        d = Dot(row.dot)
        return Cell(d.arrow, dot=row.dot)

    def _threshold(self, year: str) -> tuple[Threshold | None, list[Mark], dict | None]:
        rec = self.lk.target(self.ind["indicator"], year, self.target_area)
        th, marks = threshold_of(self.ind, rec)
        return th, marks, rec

    def _target(self, col: Column, row: Row, na_row: bool, na_text: str) -> Cell:
        if self.spec["show_target"] == "no":
            return Cell("")
        if na_row and na_text:
            return Cell(na_text)
        th, marks, rec = self._threshold(col.year)
        if not rec:
            return Cell("")
        f = _fig(rec["target"])
        return Cell(f.text, f.value if f.kind == "number" else None, marks=tuple(marks))

    def _rag(self, col: Column, row: Row, na_row: bool, na_text: str) -> Cell:
        if self.spec["show_rag"] == "no":
            return Cell("")
        if na_row and na_text:
            return Cell(na_text)
        th, _, rec = self._threshold(col.year)
        if na_text and rec and _fig(rec["target"]).kind == "na" and not rec["rated_against"]:
            return Cell(na_text)   # the table prints N/A where a target is printed N/A
        figure = self.year_figure(col.year)
        r = rate(figure.value, th)
        if r is None:
            return Cell("")
        marks = ()
        if r in (Rag.RED, Rag.AMBER) and rec and rec["floor_source"] == "inferred":
            marks = (Mark("floor", "The floor standard that separates RED from AMBER is not printed in the "
                                   "edition; it was inferred from the edition's own ratings (see Reference)"),)
        return Cell(r.value, rag=r.value, marks=marks)

    def _benchmark(self, col: Column) -> Cell:
        overrides = [s.strip() for s in self.spec["benchmarks"].split(";") if s.strip()]
        series = col.series
        index = int(col.key.split("-")[1])
        marks: tuple[Mark, ...] = ()
        if overrides and index < len(overrides) and overrides[index] != series:
            series = overrides[index]
            name, ref = (series.split("|", 1) + [""])[:2]
            marks = (Mark("series", f"{name} {ref}".strip() + f", although the column is headed \"{col.header}\""),)
        name, ref = (series.split("|", 1) + [""])[:2]
        rec = self.lk.bench.get((self.ind["indicator"], name, ref))
        f = _fig(rec["value"] if rec else "")
        return Cell(f.text, f.value if f.is_number else None, marks=marks)

    def _printed(self, col: Column, cell: Cell) -> Cell:
        """Attach what the edition printed in this cell where the data log records it."""
        export = col.export
        if not export:
            return cell
        for a in self.lk.cell_notes.get((self.ind["indicator"], export), []):
            if a["block"] and a["block"] != self.p.block["block"]:
                continue
            if a["area"] and a["area"] != (self.p.page or self.unit.area):
                continue
            if a["team"] and a["team"] != self.unit.team:
                continue
            if a["check"] == "printed":
                cell.printed = a["printed"]
                cell.marks = (*cell.marks, Mark("printed", f"The edition printed {a['printed'] or 'nothing'} here: "
                                                           f"{a['reason']}"))
            else:
                cell.marks = (*cell.marks, Mark("note", a["reason"]))
        return cell


def table_columns(ds: Dataset, block: dict, month: periods.Month, latest_labels: list[str], frequency: str,
                  area: str, term: str) -> list[Column]:
    """The block's columns with their printed headings for this month."""
    spec = ds.columns[block["columns"]]
    current = periods.reporting_year(month, block["year_basis"])
    out: list[Column] = []
    bench_n = 0
    for c in spec:
        rel = c["year"]
        year = periods.shift(current, "annual", RELATIVE[rel]) if rel else ""

        def fill(text: str, year: str = year) -> str:
            latest = latest_labels[-1] if latest_labels else ""
            return (text.replace("{year}", year).replace("{current_year}", current)
                    .replace("{previous_year}", periods.shift(current, "annual", -1))
                    .replace("{latest}", latest).replace("{area}", area).replace("{term}", term))

        kind = c["column"]
        if kind == "trend":
            n = int(block["trend"])
            for i in range(n):
                label = latest_labels[i] if i < len(latest_labels) - 1 else ""
                out.append(Column(f"trend-{i}", "trend", label if frequency != "mixed" else f"−{n - i}",
                                  fill(c["group"])))
            continue
        if kind == "benchmark":
            export = ("benchmark", "england")[bench_n] if bench_n < 2 else ""
            out.append(Column(f"benchmark-{bench_n}", kind, fill(c["header"]), fill(c["group"]), series=c["series"],
                              export=export))
            bench_n += 1
            continue
        if kind in ("target", "rag", "outturn"):
            export = {"target": f"target_{rel}", "rag": f"rag_{rel}", "outturn": f"outturn_{rel}"}[kind]
            out.append(Column(f"{kind}-{rel}", kind, fill(c["header"]), fill(c["group"]), year, rel, export=export,
                              na=c["na"]))
            continue
        out.append(Column(kind, kind, fill(c["header"]), fill(c["group"]), export=EXPORT_OF.get(kind, ""), na=c["na"]))
    return out


def _table(lk: Lookup, month: periods.Month, p: Placement) -> Table:
    ds = lk.ds
    specs = [(unit, spec, ds.indicators[spec["indicator"]]) for unit, rows in p.groups for spec in rows]
    freqs = {ind["frequency"] for _, _, ind in specs}
    frequency = freqs.pop() if len(freqs) == 1 else ("mixed" if freqs else "monthly")
    labels: list[str] = []
    term = ""
    if frequency != "mixed" and specs:
        latest = next((lk.latest(ind, month) for _, _, ind in specs if lk.latest(ind, month)), "")
        if latest:
            labels = [periods.short_label(x, frequency) for x in periods.window(latest, frequency,
                                                                                int(p.block["trend"]))]
            term = latest.split(" ")[-1] if frequency == "termly" else ""
    columns = table_columns(ds, p.block, month, labels, frequency, p.area, term)
    rows = [RowBuilder(lk, month, p, unit, spec, columns).build() for unit, spec, _ in specs]
    tid = p.block["block"] + (f"--{_slug(p.page)}" if p.page else "")
    title = p.block["title"].replace("{area}", p.area)
    return Table(tid, p.block["block"], p.block["scope"], p.page, p.area, title, columns, rows, frequency)


def build(ds: Dataset, month: str, districts: list[str] | None = None) -> Edition:
    """Every printed table of the edition for ``month`` (e.g. ``2026-01``), in print order."""
    m = periods.Month.parse(month)
    lk = Lookup(ds, str(m))
    pages = ds.districts if districts is None else districts
    tables = [_table(lk, m, p) for p in placements(ds, pages)]
    quality = sorted({r.quality for t in tables for r in t.rows if r.quality})
    return Edition(month=str(m), label=m.long_label(), county=ds.county, tables=tables,
                   fingerprint=ds.fingerprint, quality=tuple(quality))
