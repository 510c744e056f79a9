"""Loading the data folder: every CSV read as text, checked, then typed.

Each file has a pandera schema for its own columns (types, allowed codes, ranges);
relations between files (unknown indicator, area or team, duplicate keys, a
numerator above its denominator, a gap in the months) are checked in
``validation``. Loading never raises a traceback for bad input: it returns
problems that name the file, the row (as a spreadsheet would number it, header
= row 1) and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .periods import FREQUENCIES
from .problems import Report

SECTIONS = ("overview", "send", "social-care", "early-help", "education")
UNITS = ("percent", "count", "days", "caseload", "score", "gap", "rate_per_10k")
UNIT_RANGE = {"percent": (0, 100), "gap": (-100, 100), "score": (0, 100), "count": (0, None),
              "days": (0, None), "caseload": (0, None), "rate_per_10k": (0, 10000)}
DOT_BASES = ("previous_period", "same_period_last_year", "previous_year_outturn")
BENCHMARKS = ("England", "South East", "Statistical neighbours", "England & Wales")
SOURCES = ("printed", "commentary", "inferred", "business plan")


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks))


def _num(*checks: pa.Check, nullable: bool = True) -> pa.Column:
    return pa.Column(float, list(checks), nullable=nullable, coerce=True)


def _int(*checks: pa.Check) -> pa.Column:
    return pa.Column(int, list(checks), coerce=True)


def _one_of(values, nullable_blank: bool = False) -> pa.Column:
    allowed = list(values) + ([""] if nullable_blank else [])
    return pa.Column(str, pa.Check.isin(allowed, error=f"must be one of: {', '.join(v for v in allowed if v)}"))


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "areas.csv": pa.DataFrameSchema({
        "area": _text(pa.Check.str_length(min_value=1)),
        "kind": _one_of(("county", "district")),
        "order": _int(),
    }),
    "teams.csv": pa.DataFrameSchema({
        "team": _text(pa.Check.str_length(min_value=1)),
        "service": _one_of(("CSWT", "EHU")),
        "districts": _text(pa.Check.str_length(min_value=1)),
        "order": _int(),
    }),
    "indicators.csv": pa.DataFrameSchema({
        "indicator": _text(pa.Check.str_matches(r"^[A-Za-z0-9][A-Za-z0-9-]*$", error="must be letters, digits and -")),
        "code": _text(),
        "title": _text(pa.Check.str_length(min_value=1)),
        "section": _one_of(SECTIONS),
        "polarity": _one_of(("H", "L", "T"), nullable_blank=True),
        "data_period": _one_of(("R12M", "MS", "YTD", "Q", "T", "A")),
        "frequency": _one_of(FREQUENCIES),
        "year_basis": _one_of(("financial", "academic")),
        "unit": _one_of(UNITS),
        "decimals": _int(pa.Check.in_range(0, 3)),
        "num_decimals": _int(pa.Check.in_range(0, 3)),
        "den_decimals": _int(pa.Check.in_range(0, 3)),
        "scale": _one_of(("1", "100"), nullable_blank=True),
        "qpr": _one_of(("yes", "no")),
        "seasonal": _one_of(("yes", "no")),
        "dot_basis": _one_of(DOT_BASES),
        "definition": _text(), "source": _text(), "latest_data": _text(), "released": _text(),
    }),
    "targets.csv": pa.DataFrameSchema({
        "indicator": _text(),
        "year": _text(pa.Check.str_matches(r"^\d{4}-\d{2}$", error="must be a year like 2025-26")),
        "area": _text(pa.Check.str_length(min_value=1)),
        "target": _num(), "target_op": _one_of(("<=",), nullable_blank=True),
        "target_low": _num(), "target_high": _num(),
        "floor": _num(), "floor_low": _num(), "floor_high": _num(),
        "target_source": _one_of(SOURCES), "floor_source": _one_of(SOURCES, nullable_blank=True),
        "evidence": _text(),
    }),
    "observations.csv": pa.DataFrameSchema({
        "indicator": _text(), "area": _text(), "team": _text(), "period": _text(pa.Check.str_length(min_value=1)),
        "value": _num(), "numerator": _num(), "denominator": _num(),
        "status": _one_of(("ok", "not_available")), "note": _text(),
    }),
    "outturns.csv": pa.DataFrameSchema({
        "indicator": _text(), "area": _text(), "team": _text(),
        "year": _text(pa.Check.str_matches(r"^\d{4}-\d{2}$", error="must be a year like 2024-25")),
        "value": _num(nullable=False),
    }),
    "benchmarks.csv": pa.DataFrameSchema({
        "indicator": _text(), "benchmark": _one_of(BENCHMARKS), "reference": _text(),
        "value": _num(nullable=False),
    }),
    "layout/blocks.csv": pa.DataFrameSchema({
        "block": _text(pa.Check.str_length(min_value=1)), "order": _int(),
        "page": _one_of(("kent", "vulnerable-learners", "district")),
        "scope": _one_of(("kent", "district", "team")), "frequency": _one_of(FREQUENCIES),
        "year_basis": _one_of(("financial", "academic")), "title": _text(pa.Check.str_length(min_value=1)),
        "benchmarks": _text(),
    }),
    "layout/rows.csv": pa.DataFrameSchema({
        "block": _text(), "position": _int(), "indicator": _text(),
        "service": _one_of(("CSWT", "EHU"), nullable_blank=True), "title": _text(pa.Check.str_length(min_value=1)),
        "decimals": _text(pa.Check.isin(["", "0", "1", "2", "3"], error="must be blank or 0-3")),
        "show_dot": _one_of(("yes", "no")),
    }),
    "layout/titles.csv": pa.DataFrameSchema({
        "block": _text(), "indicator": _text(), "area": _text(), "title": _text(pa.Check.str_length(min_value=1)),
    }),
    "anomalies.csv": pa.DataFrameSchema({
        "file": _text(), "indicator": _text(), "area": _text(), "team": _text(), "period": _text(),
        "check": _text(pa.Check.str_length(min_value=1)), "reason": _text(pa.Check.str_length(min_value=1)),
    }),
}
FILES = tuple(SCHEMAS)


def read_text_table(path: Path, report: Report, display: str | None = None) -> pd.DataFrame | None:
    """Read a CSV as strings; on failure add one problem and return None."""
    name = display or str(path)
    if not path.exists():
        report.add(name, 0, "", "file is missing")
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.add(name, line, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as CSV UTF-8")
        return None
    if not text.strip():
        report.add(name, 0, "", "file is empty: expected a header row and data rows")
        return None
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for i, r in enumerate(rows[1:], start=2):
        if r and len(r) != len(header):
            report.add(name, i, "", f"has {len(r)} fields but the header has {len(header)}")
            return None
    frame = pd.DataFrame([r for r in rows[1:] if r], columns=header, dtype=str)
    frame.index = [i for i, r in enumerate(rows[1:], start=2) if r]
    return frame


def check_schema(frame: pd.DataFrame, schema: pa.DataFrameSchema, name: str, report: Report) -> pd.DataFrame | None:
    """Validate columns and values; return the typed frame or None after adding problems."""
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        report.add(name, 1, ", ".join(missing), f"missing column(s): {', '.join(missing)}; "
                                                  f"expected {', '.join(schema.columns)}")
        return None
    frame = frame[list(schema.columns)].copy()
    for col, spec in schema.columns.items():  # blank numbers are missing values
        if spec.dtype is not None and str(spec.dtype) in ("float64",):
            frame[col] = frame[col].replace("", None)
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        seen = set()
        for _, case in cases.iterrows():
            idx = case["index"]
            if idx is None or pd.isna(idx):
                continue
            col = case["column"]
            if (idx, col) in seen:
                continue
            seen.add((idx, col))
            check = str(case["check"])
            bad = case["failure_case"]
            if check.startswith(("coerce_dtype", "dtype")):
                kind = "a whole number" if "int" in check else "a number"
                msg = f"'{bad}' is not {kind}"
            elif "nullable" in check or "not_nullable" in check:
                msg = "a value is required"
            else:
                msg = f"'{bad}' {check}" if not check.startswith("must") else f"'{bad}' {check}"
            report.add(name, int(idx), str(col), msg)
        return None


@dataclass
class Dataset:
    """The typed contents of a data folder."""

    root: Path
    areas: pd.DataFrame
    teams: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    observations: pd.DataFrame
    outturns: pd.DataFrame
    benchmarks: pd.DataFrame
    blocks: pd.DataFrame
    rows: pd.DataFrame
    titles: pd.DataFrame
    anomalies: pd.DataFrame

    @property
    def districts(self) -> list[str]:
        d = self.areas[self.areas["kind"] == "district"].sort_values("order")
        return list(d["area"])

    def teams_of(self, district: str) -> list[dict]:
        """Teams working in a district, social work teams first, in the edition's order."""
        t = self.teams[self.teams["districts"].str.split(";").apply(lambda ds: district in ds)]
        t = t.assign(_s=t["service"].map({"CSWT": 0, "EHU": 1})).sort_values(["_s", "order"])
        return t.drop(columns="_s").to_dict("records")


def load(root: Path) -> tuple[Dataset | None, Report]:
    """Read and type every file; the dataset is None when any file failed its own schema."""
    report = Report()
    frames: dict[str, pd.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        path = root / name
        if name == "anomalies.csv" and not path.exists():
            frames[name] = pd.DataFrame({c: pd.Series(dtype=str) for c in schema.columns})
            continue
        raw = read_text_table(path, report, display=str(path))
        if raw is None:
            continue
        typed = check_schema(raw, schema, str(path), report)
        if typed is not None:
            frames[name] = typed
    if len(frames) != len(SCHEMAS):
        return None, report
    ds = Dataset(root=root, areas=frames["areas.csv"], teams=frames["teams.csv"],
                 indicators=frames["indicators.csv"], targets=frames["targets.csv"],
                 observations=frames["observations.csv"], outturns=frames["outturns.csv"],
                 benchmarks=frames["benchmarks.csv"], blocks=frames["layout/blocks.csv"],
                 rows=frames["layout/rows.csv"], titles=frames["layout/titles.csv"],
                 anomalies=frames["anomalies.csv"])
    return ds, report
