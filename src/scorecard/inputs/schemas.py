"""The columns of every data file and what each may hold, as pandera schemas.

Figures, targets and benchmarks are text as printed (``1,796``, ``<= 25``, ``N/A``); their schema
check reads them with :mod:`scorecard.rules.numbers`, so a value that would be read as another
number (a decimal comma, an exponent) fails here with a message that says why.
Relations between files (unknown indicator, duplicate keys, gaps) are in :mod:`.checks`.
"""

from __future__ import annotations

import pandera.pandas as pa

from ..rules import numbers
from ..rules.direction import BASES
from ..rules.periods import FREQUENCIES

YES_NO = ("yes", "no")
SOURCES = ("printed", "commentary", "inferred", "business plan")
QUALITY = ("final", "provisional", "synthetic")
SCOPES = ("county", "district", "team")
SECTION_KINDS = ("overview", "section", "district", "reference")
YEAR_BASES = ("financial", "academic")
YEARS = ("current", "previous", "next")
# The column vocabulary of a printed table (layout/columns.csv `column`), documented in data/README.md.
COLUMNS = ("code", "indicator", "polarity", "data_period", "qpr", "trend", "latest", "numerator", "denominator",
           "previous", "dot", "target", "rag", "outturn", "benchmark")
UNITS = ("percent", "count", "days", "caseload", "score", "gap", "rate", "rate_per_10k")
ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks))


def _required() -> pa.Column:
    return _text(pa.Check.str_length(min_value=1, error="a value is required"))


def _id() -> pa.Column:
    return _text(pa.Check.str_matches(ID, error="must be letters, digits, '.', '_' and '-'"))


def _int(low: int = 0, high: int | None = None) -> pa.Column:
    return pa.Column(int, [pa.Check.in_range(low, high if high is not None else 10**9,
                                             error=f"must be a whole number from {low}"
                                                   + (f" to {high}" if high is not None else ""))],
                     coerce=True)


def _one_of(values, blank: bool = False) -> pa.Column:
    allowed = list(values) + ([""] if blank else [])
    shown = ", ".join(v for v in allowed if v) + (" or blank" if blank else "")
    return _text(pa.Check.isin(allowed, error=f"must be one of: {shown}"))


def _figure(allow_op: bool = False, allow_band: bool = False, required: bool = False) -> pa.Column:
    """A cell as printed: a figure, N/A (with words after it) or blank."""

    def ok(text: str) -> bool:
        try:
            f = numbers.read(text, allow_op=allow_op, allow_band=allow_band)
        except numbers.NumberError:
            return False
        return not (required and f.kind == "blank")

    what = "a figure (1,796 or 22.4)" + (", <= 25" if allow_op else "") + (", 17.5 - 22.5" if allow_band else "")
    return _text(pa.Check(ok, element_wise=True, error=f"must be {what}, N/A" + ("" if required else " or blank")))


def _number() -> pa.Column:
    """A plain number used by the rules (not shown), or blank."""

    def ok(text: str) -> bool:
        try:
            return numbers.read(text).kind in ("number", "blank")
        except numbers.NumberError:
            return False

    return _text(pa.Check(ok, element_wise=True, error="must be a number (such as 2.5) or blank"))


def _year(blank: bool = False) -> pa.Column:
    pattern = r"^(\d{4}-\d{2})?$" if blank else r"^\d{4}-\d{2}$"
    return _text(pa.Check.str_matches(pattern, error="must be a year like 2025-26"))


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "areas.csv": pa.DataFrameSchema({"area": _required(), "kind": _one_of(("county", "district")), "order": _int()}),
    "teams.csv": pa.DataFrameSchema({"team": _required(), "service": _required(), "districts": _required(),
                                     "order": _int()}),
    "indicators.csv": pa.DataFrameSchema({
        "indicator": _id(), "code": _text(), "title": _required(), "section": _required(),
        "polarity": _one_of(("H", "L", "T"), blank=True), "rated_as": _one_of(("H", "L", "T"), blank=True),
        "data_period": _one_of(("R12M", "MS", "YTD", "Q", "T", "A")), "frequency": _one_of(FREQUENCIES),
        "year_basis": _one_of(YEAR_BASES), "unit": _one_of(UNITS), "decimals": _int(0, 3),
        "scale": _one_of(("1", "100"), blank=True), "qpr": _one_of(YES_NO), "seasonal": _one_of(YES_NO),
        "dot_basis": _one_of(BASES), "definition": _text(), "source": _text(), "latest_data": _text(),
        "released": _text(),
    }),
    "targets.csv": pa.DataFrameSchema({
        "indicator": _required(), "year": _year(), "area": _required(),
        "target": _figure(allow_op=True, allow_band=True), "rated_against": _number(), "tolerance": _number(),
        "tolerance_source": _one_of(SOURCES, blank=True), "floor": _number(), "floor_tolerance": _number(),
        "target_source": _one_of(SOURCES, blank=True),
        "floor_source": _one_of(SOURCES, blank=True), "evidence": _text(),
    }),
    "observations.csv": pa.DataFrameSchema({
        "indicator": _required(), "area": _text(), "team": _text(), "period": _required(),
        "value": _figure(), "numerator": _figure(), "denominator": _figure(),
        "quality": _one_of(QUALITY, blank=True), "note": _text(),
    }),
    "outturns.csv": pa.DataFrameSchema({"indicator": _required(), "area": _text(), "team": _text(), "year": _year(),
                                        "value": _figure(required=True)}),
    "benchmarks.csv": pa.DataFrameSchema({"indicator": _required(), "benchmark": _required(), "reference": _text(),
                                          "value": _figure(required=True)}),
    "anomalies.csv": pa.DataFrameSchema({
        "edition": _text(pa.Check.str_matches(r"^(\d{4}-\d{2})?$", error="must be a month like 2026-01 or blank")),
        "block": _text(), "area": _text(), "team": _text(), "indicator": _required(), "period": _text(),
        "column": _text(), "printed": _text(), "check": _required(), "reason": _required(),
    }),
    "layout/sections.csv": pa.DataFrameSchema({
        "section": _id(), "order": _int(), "kind": _one_of(SECTION_KINDS), "title": _required(),
        "nav_title": _required(), "commentary": _one_of(YES_NO), "introduction": _text(),
    }),
    "layout/blocks.csv": pa.DataFrameSchema({
        "block": _id(), "order": _int(), "section": _text(), "scope": _one_of(SCOPES), "title": _required(),
        "columns": _required(), "trend": _int(0, 60), "year_basis": _one_of(YEAR_BASES),
    }),
    "layout/columns.csv": pa.DataFrameSchema({
        "columns": _id(), "position": _int(1), "column": _one_of(COLUMNS), "year": _one_of(YEARS, blank=True),
        "header": _text(), "group": _text(), "series": _text(), "na": _text(),
    }),
    "layout/rows.csv": pa.DataFrameSchema({
        "block": _required(), "position": _int(1), "indicator": _required(), "service": _text(), "title": _required(),
        "section": _text(), "show_rag": _one_of(YES_NO, blank=True), "show_dot": _one_of(YES_NO, blank=True),
        "show_target": _one_of(YES_NO, blank=True), "dot_basis": _one_of(BASES, blank=True), "benchmarks": _text(),
    }),
    "layout/titles.csv": pa.DataFrameSchema({"block": _required(), "indicator": _required(), "area": _required(),
                                             "title": _required()}),
    "layout/tiles.csv": pa.DataFrameSchema({
        "tile": _required(), "tile_order": _int(), "position": _int(1), "indicator": _required(), "label": _text(),
        "benchmark": _text(), "chart": _one_of(YES_NO, blank=True),
    }),
    "reference/glossary.csv": pa.DataFrameSchema({"group": _required(), "order": _int(), "term": _required(),
                                                  "meaning": _required()}),
}
OPTIONAL = {"anomalies.csv", "layout/titles.csv", "layout/tiles.csv", "reference/glossary.csv"}
# Each file's key: two rows may not share it.
KEYS: dict[str, tuple[str, ...]] = {
    "areas.csv": ("area",), "teams.csv": ("team",), "indicators.csv": ("indicator",),
    "targets.csv": ("indicator", "year", "area"), "observations.csv": ("indicator", "area", "team", "period"),
    "outturns.csv": ("indicator", "area", "team", "year"), "benchmarks.csv": ("indicator", "benchmark", "reference"),
    "anomalies.csv": ("edition", "block", "area", "team", "indicator", "period", "column", "check"),
    "layout/sections.csv": ("section",), "layout/blocks.csv": ("block",),
    "layout/columns.csv": ("columns", "position"), "layout/rows.csv": ("block", "position"),
    "layout/titles.csv": ("block", "indicator", "area"), "layout/tiles.csv": ("tile", "position"),
    "reference/glossary.csv": ("group", "term"),
}
FILES = tuple(SCHEMAS)
