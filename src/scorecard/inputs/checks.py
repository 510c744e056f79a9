"""Checks across the data files: keys, references, ranges, arithmetic and gaps.

Errors stop every command that reads the data. Warnings are summarised. A finding that matches
an entry of ``anomalies.csv`` (the edition's known inconsistencies, each with its reason) becomes
a *note*: acknowledged once in data, listed in the QA appendix and with ``--verbose``, so the same
known anomaly does not repeat as a warning every month.
"""

from __future__ import annotations

import datetime as dt

from ..errors import Report
from ..rules import arith, numbers, periods
from .dataset import Dataset
from .schemas import COLUMNS, KEYS

UNIT_RANGE = {"percent": (0, 100), "gap": (-100, 100), "score": (0, 100), "count": (0, None), "days": (0, None),
              "caseload": (0, None), "rate": (0, None), "rate_per_10k": (0, 10000)}
# What an anomalies.csv entry can acknowledge or record.
ANOMALY_CHECKS = {
    "printed": "the edition printed `printed` in this cell, where the rules give another value",
    "note": "a remark about this cell, shown beside it",
    "numerator_gt_denominator": "a percentage whose numerator is larger than its denominator",
    "ratio": "a value that does not match its numerator and denominator",
    "range": "a value outside its unit's range",
    "source": "a remark about the source, listed in the QA appendix",
}
CELL_COLUMNS = ("trend", "latest", "numerator", "denominator", "dot", "target_current", "rag_current",
                "outturn_previous", "target_previous", "rag_previous", "target_next", "benchmark", "england",
                "polarity", "title", "previous")


class Checker:
    """Collects problems for one dataset; acknowledged anomalies become notes."""

    def __init__(self, ds: Dataset, today: dt.date):
        self.ds, self.report, self.today = ds, Report(), today
        self.ack: dict[tuple, str] = {}
        for r in ds.records("anomalies.csv"):
            if r["check"] not in ("printed", "note", "source"):
                self.ack[(r["check"], r["indicator"], r["area"], r["team"], r["period"])] = r["reason"]

    def file(self, name: str) -> str:
        return str(self.ds.root / name)

    def add(self, name: str, row: int, column: str, message: str, severity: str = "error", kind: str = "") -> None:
        self.report.add(self.file(name), row, column, message, severity, kind or message.split(":")[0])

    def flag(self, name: str, row: int, column: str, key: tuple, check: str, message: str,
             severity: str = "error") -> None:
        reason = self.ack.get((check, *key))
        if reason:
            self.report.add(self.file(name), row, column, f"{message} (known anomaly: {reason})", "note", check)
        else:
            self.report.add(self.file(name), row, column, message, severity, check)


def _dupes(c: Checker, name: str) -> None:
    keys = KEYS[name]
    first: dict[tuple, int] = {}
    for r in c.ds.records(name):
        k = tuple(r[x] for x in keys)
        if k in first:
            shown = " / ".join(str(x) for x in k if x != "")
            c.add(name, r["_row"], ", ".join(keys), f"duplicate row: {shown} is already on row {first[k]}",
                  kind="duplicate row")
        else:
            first[k] = r["_row"]


def _places(c: Checker) -> None:
    areas = c.ds.frames["areas.csv"]
    counties = areas[areas["kind"] == "county"]
    if len(counties) != 1:
        c.add("areas.csv", 0, "kind", f"exactly one area must be the county (kind county); found {len(counties)}")
    districts = set(c.ds.districts)
    for r in c.ds.records("teams.csv"):
        for d in (x.strip() for x in r["districts"].split(";")):
            if d not in districts:
                c.add("teams.csv", r["_row"], "districts", f"unknown district '{d}' (districts in areas.csv: "
                                                           f"{', '.join(sorted(districts)) or 'none'})")


def _catalogue(c: Checker) -> None:
    sections = {s["section"] for s in c.ds.sections}
    for r in c.ds.records("indicators.csv"):
        if r["section"] not in sections:
            c.add("indicators.csv", r["_row"], "section",
                  f"unknown section '{r['section']}' (sections in layout/sections.csv: {', '.join(sorted(sections))})")
        if r["rated_as"] and not r["polarity"]:
            c.add("indicators.csv", r["_row"], "rated_as", "rated_as needs a printed polarity beside it")


def _targets(c: Checker) -> None:
    areas = set(c.ds.frames["areas.csv"]["area"])
    inds = c.ds.indicators
    for r in c.ds.records("targets.csv"):
        row = r["_row"]
        ind = inds.get(r["indicator"])
        if ind is None:
            c.add("targets.csv", row, "indicator", f"unknown indicator '{r['indicator']}'", kind="unknown indicator")
            continue
        if r["area"] not in areas:
            c.add("targets.csv", row, "area", f"unknown area '{r['area']}'", kind="unknown area")
        fig = numbers.read(r["target"], allow_op=True, allow_band=True)
        pol = ind["rated_as"] or ind["polarity"]
        if (fig.kind in ("number", "band") or r["rated_against"]) and not pol:
            c.add("targets.csv", row, "target", f"{r['indicator']} has no polarity in indicators.csv, so its target "
                                                "cannot be rated")
        if fig.kind != "number" and fig.kind != "band" and r["tolerance"]:
            c.add("targets.csv", row, "tolerance", "a tolerance needs a target figure beside it")
        if r["rated_against"] and fig.kind in ("number", "band"):
            c.add("targets.csv", row, "rated_against", "rated_against is only for a target printed blank or N/A")
        if r["tolerance"] and not r["tolerance_source"]:
            c.add("targets.csv", row, "tolerance_source", "say where the tolerance comes from (printed, commentary, "
                                                          "inferred or business plan)")
        if (r["floor"] or r["floor_tolerance"]) and not r["floor_source"]:
            c.add("targets.csv", row, "floor_source", "say where the floor comes from (printed, commentary, "
                                                      "inferred or business plan)")
        if "inferred" in (r["floor_source"], r["target_source"], r["tolerance_source"]) and not r["evidence"]:
            c.add("targets.csv", row, "evidence", "an inferred value needs its evidence")
        target = fig.value if fig.kind == "number" else numbers.value_of(r["rated_against"])
        floor = numbers.value_of(r["floor"])
        if pol in ("H", "L") and target is not None and floor is not None:
            if (pol == "H" and floor > target) or (pol == "L" and floor < target):
                c.add("targets.csv", row, "floor", f"floor {r['floor']} is better than the target {r['target']} for "
                                                   f"polarity {pol}")
        if pol == "T" and fig.kind == "number" and not r["tolerance"]:
            c.add("targets.csv", row, "tolerance", f"{r['indicator']} {r['year']} {r['area']}: a T target without a "
                                                   "tolerance is shown but not rated", "warning", "T target not rated")


def _observations(c: Checker) -> None:
    ds, inds = c.ds, c.ds.indicators
    areas = set(ds.frames["areas.csv"]["area"])
    teams = set(ds.frames["teams.csv"]["team"])
    this_month = periods.Month(c.today.year, c.today.month)
    series: dict[tuple, list[tuple[int, int]]] = {}
    for r in ds.records("observations.csv"):
        row = r["_row"]
        ind = inds.get(r["indicator"])
        if ind is None:
            c.add("observations.csv", row, "indicator", f"unknown indicator '{r['indicator']}'",
                  kind="unknown indicator")
            continue
        who = r["area"] or r["team"]
        key = (r["indicator"], r["area"], r["team"], r["period"])
        if bool(r["area"]) == bool(r["team"]):
            c.add("observations.csv", row, "area", "give either an area or a team, not both and not neither")
        elif r["area"] and r["area"] not in areas:
            c.add("observations.csv", row, "area", f"unknown area '{r['area']}' (areas.csv: "
                                                   f"{', '.join(sorted(areas))})", kind="unknown area")
        elif r["team"] and r["team"] not in teams:
            c.add("observations.csv", row, "team", f"unknown team '{r['team']}'", kind="unknown team")
        try:
            n = periods.ordinal(r["period"], ind["frequency"])
            end = periods.end_month(r["period"], ind["frequency"], ind["year_basis"])
        except periods.PeriodError as exc:
            c.add("observations.csv", row, "period", f"{exc} ({r['indicator']} is {ind['frequency']})",
                  kind="wrong period")
            continue
        if end > this_month:
            c.add("observations.csv", row, "period", f"period {r['period']} has not ended yet (today is "
                                                     f"{c.today.isoformat()})", kind="future period")
        series.setdefault((r["indicator"], r["area"], r["team"]), []).append((n, row))
        value, num, den = (numbers.read(r[k]) for k in ("value", "numerator", "denominator"))
        lo, hi = UNIT_RANGE[ind["unit"]]
        if value.is_number:
            v = value.value
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                c.flag("observations.csv", row, "value", key, "range",
                       f"{r['indicator']} {who} {r['period']}: {r['value']} is outside the range of a {ind['unit']} "
                       f"({lo} to {hi if hi is not None else 'no limit'})")
            if ind["unit"] == "count" and v != int(v):
                c.add("observations.csv", row, "value", f"{r['indicator']} is a count, but {r['value']} is not a "
                                                        "whole number", kind="fractional count")
        for col, f in (("numerator", num), ("denominator", den)):
            if f.is_number and f.value < 0:
                c.add("observations.csv", row, col, f"{col} {f.text} is negative", kind="negative figure")
        if not (num.is_number and den.is_number):
            continue
        if den.value == 0:
            if value.is_number:
                c.add("observations.csv", row, "denominator", f"{r['indicator']} {who} {r['period']}: the denominator "
                                                              f"is 0 but a value ({r['value']}) is given",
                      kind="zero denominator")
            continue
        if arith.numerator_above_denominator(num, den, ind["scale"]):
            c.flag("observations.csv", row, "numerator", key, "numerator_gt_denominator",
                   f"{r['indicator']} {who} {r['period']}: numerator {num.text} is larger than denominator "
                   f"{den.text} for a percentage")
            continue
        expected = arith.ratio_mismatch(value, num, den, ind["scale"])
        if expected is not None:
            c.flag("observations.csv", row, "value", key, "ratio",
                   f"{r['indicator']} {who} {r['period']}: value {r['value']} does not match "
                   f"{num.text} / {den.text} (= {expected:.2f})", "warning")
    in_tables = {r["indicator"] for rows in ds.rows.values() for r in rows}
    for (ind_id, area, team), items in series.items():
        freq = inds[ind_id]["frequency"]
        if ind_id not in in_tables:   # a front-page figure (a census, an inspection) comes when it comes
            continue
        ns = sorted(items)
        for (a, _), (b, row) in zip(ns, ns[1:]):
            if b - a > 1 and freq == "monthly":
                missing = ", ".join(periods.from_ordinal(k, freq) for k in range(a + 1, b))
                c.add("observations.csv", row, "period", f"{ind_id} {area or team}: missing month(s) {missing} before "
                                                         f"{periods.from_ordinal(b, freq)}", kind="gap in months")


def _references(c: Checker) -> None:
    ds = c.ds
    inds, areas = ds.indicators, set(ds.frames["areas.csv"]["area"])
    teams = set(ds.frames["teams.csv"]["team"])
    for name in ("outturns.csv", "benchmarks.csv", "layout/rows.csv", "layout/titles.csv", "layout/tiles.csv",
                 "anomalies.csv"):
        for r in ds.records(name):
            if r["indicator"] not in inds:
                c.add(name, r["_row"], "indicator", f"unknown indicator '{r['indicator']}'", kind="unknown indicator")
            if r.get("area") and r["area"] not in areas:
                c.add(name, r["_row"], "area", f"unknown area '{r['area']}'", kind="unknown area")
            if r.get("team") and r["team"] not in teams:
                c.add(name, r["_row"], "team", f"unknown team '{r['team']}'", kind="unknown team")


def _layout(c: Checker) -> None:
    ds = c.ds
    kinds = [s["kind"] for s in ds.sections]
    for k in ("overview", "reference", "district"):
        if kinds.count(k) > 1:
            c.add("layout/sections.csv", 0, "kind", f"at most one section may be of kind {k}")
    sections = {s["section"]: s for s in ds.sections}
    sets = ds.columns
    blocks = {b["block"]: b for b in ds.blocks}
    services = set(ds.frames["teams.csv"]["service"])
    for b in ds.records("layout/blocks.csv"):
        s = sections.get(b["section"])
        if not b["section"]:
            if b["scope"] != "county":
                c.add("layout/blocks.csv", b["_row"], "section", "a district or team block needs the district section")
        elif s is None:
            c.add("layout/blocks.csv", b["_row"], "section", f"unknown section '{b['section']}'")
        elif (b["scope"] == "county") == (s["kind"] == "district"):
            c.add("layout/blocks.csv", b["_row"], "scope", f"a {b['scope']} block cannot be shown in the "
                                                           f"{s['kind']} section '{s['section']}'")
        if b["columns"] not in sets:
            c.add("layout/blocks.csv", b["_row"], "columns", f"unknown column set '{b['columns']}' (sets in "
                                                             f"layout/columns.csv: {', '.join(sorted(sets))})")
        if b["block"] not in ds.rows:
            c.add("layout/blocks.csv", b["_row"], "block", f"block '{b['block']}' has no rows in layout/rows.csv",
                  "warning", "empty block")
    for r in ds.records("layout/columns.csv"):
        col = r["column"]
        if col in ("target", "rag", "outturn") and not r["year"]:
            c.add("layout/columns.csv", r["_row"], "year", f"a {col} column needs a year (current, previous or next)")
        if col == "benchmark" and "|" not in r["series"]:
            c.add("layout/columns.csv", r["_row"], "series", "a benchmark column needs its series as 'name|reference'"
                                                             " (as in benchmarks.csv)")
        if col not in COLUMNS:
            c.add("layout/columns.csv", r["_row"], "column", f"unknown column '{col}'")
    for name, cols in sets.items():
        trend = [x for x in cols if x["column"] == "trend"]
        if len(trend) > 1:
            c.add("layout/columns.csv", trend[1]["_row"] if "_row" in trend[1] else 0, "column",
                  f"column set '{name}' has more than one trend column")
    for r in ds.records("layout/rows.csv"):
        b = blocks.get(r["block"])
        if b is None:
            c.add("layout/rows.csv", r["_row"], "block", f"unknown block '{r['block']}'")
            continue
        if b["scope"] == "team" and r["service"] not in services:
            c.add("layout/rows.csv", r["_row"], "service", f"a team block's row needs a service of teams.csv "
                                                           f"({', '.join(sorted(services))})")
        if r["section"] and r["section"] not in sections:
            c.add("layout/rows.csv", r["_row"], "section", f"unknown section '{r['section']}'")
        for spec in filter(None, (s.strip() for s in r["benchmarks"].split(";"))):
            if "|" not in spec:
                c.add("layout/rows.csv", r["_row"], "benchmarks", f"'{spec}' is not 'name|reference'")
    for r in ds.records("layout/titles.csv"):
        if r["block"] not in blocks:
            c.add("layout/titles.csv", r["_row"], "block", f"unknown block '{r['block']}'")
    for r in ds.records("anomalies.csv"):
        if r["check"] not in ANOMALY_CHECKS:
            c.add("anomalies.csv", r["_row"], "check", f"unknown check '{r['check']}' (one of: "
                                                       f"{', '.join(ANOMALY_CHECKS)})")
        if r["block"] and r["block"] not in blocks:
            c.add("anomalies.csv", r["_row"], "block", f"unknown block '{r['block']}'")
        if r["check"] in ("printed", "note") and r["column"] not in CELL_COLUMNS:
            c.add("anomalies.csv", r["_row"], "column", f"a '{r['check']}' entry needs the column it is about (one "
                                                        f"of: {', '.join(CELL_COLUMNS)})")
        if r["check"] == "printed" and not r["edition"]:
            c.add("anomalies.csv", r["_row"], "edition", "a 'printed' entry needs the edition (month) that printed it")


def check(ds: Dataset, today: dt.date | None = None) -> Report:
    """All cross-file checks on a loaded dataset."""
    c = Checker(ds, today or dt.date.today())
    for name in KEYS:
        _dupes(c, name)
    _places(c)
    _catalogue(c)
    _targets(c)
    _observations(c)
    _references(c)
    _layout(c)
    for r in ds.records("anomalies.csv"):
        if r["check"] == "source":
            where = " ".join(x for x in (r["indicator"], r["area"], r["team"], r["period"]) if x)
            c.add("anomalies.csv", r["_row"], "", f"{where}: {r['reason']}", "note", "known anomaly of the source")
    return c.report
