"""The engine's contract: what an edition is, declared once.

An :class:`Edition` is a list of :class:`Table` (one printed block on one page), each with its
:class:`Column` headings and :class:`Row` records; every row carries its :class:`Cell` values as
displayed (the printed text), with the machine value beside the text and any :class:`Mark`
that says where the value did not come from the print (an inferred floor, a rating recomputed
where the printed one contradicts its figures, a target the table did not print). Tables,
charts, downloads and the commentary checks read these; nothing downstream parses display text.
:class:`RowFrame` is the same rows as a typed pandas frame (pandera), for exports and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ..rules.rag import Threshold

# The columns of `scorecard export --cells`: one per printed cell of a row, named by what it holds.
CELL_EXPORT = ("area", "team", "block", "code", "title", "polarity", "data_period", "qpr", "trend", "numerator",
               "denominator", "dot", "target_current", "rag_current", "outturn_previous", "target_previous",
               "rag_previous", "benchmark", "england")


@dataclass(frozen=True)
class Mark:
    """A footnote beside a value: why it is not simply what the edition printed."""

    kind: str   # inferred | not_printed | printed | note | series | quality | anomaly | floor | polarity
    text: str


@dataclass
class Cell:
    """One displayed cell: the text shown, the machine value, and marks."""

    text: str
    value: float | None = None
    rag: str = ""                 # RED / AMBER / GREEN for rating cells
    dot: str = ""                 # improved / worsened / same for direction cells
    printed: str | None = None    # what the edition printed here, where the shown value differs
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column of a table as printed: its vocabulary kind, heading and group heading."""

    key: str            # unique within the table: "trend-3", "target-current", "benchmark-1"
    kind: str           # code, indicator, polarity, data_period, qpr, trend, latest, numerator, denominator,
                        # previous, dot, target, rag, outturn, benchmark
    header: str
    group: str = ""
    year: str = ""      # the reporting year a target/rag/outturn column is about, e.g. 2025-26
    relative: str = ""  # current / previous / next (relative to the edition's reporting year)
    series: str = ""    # benchmark: "name|reference"
    export: str = ""    # the `export --cells` column this cell goes to ("" = not exported)
    na: str = ""        # what the cell shows when the row's figure (or, for a rating, its target) is N/A


@dataclass
class Row:
    """One printed row of a table, with everything the engine decided about it."""

    block: str
    area: str            # the area whose figures these are (the county, a district); a team's district page
    team: str
    page: str            # the district page it is printed on ("" on the county's pages)
    section: str         # the section page a county row is shown on
    position: int
    indicator: str
    code: str
    title: str
    polarity: str        # as printed
    rated_as: str        # the polarity the rules use (= polarity unless the data says otherwise)
    data_period: str
    qpr: bool
    frequency: str
    year_basis: str
    unit: str
    seasonal: bool
    periods: list[str]           # the trend periods shown, oldest first, ending with the latest
    latest: str                  # the latest period ("" when the indicator has none yet)
    value: float | None          # the latest figure
    decimals: int                # as printed
    rag: str                     # this year's rating of the latest figure ("" when not rated)
    dot: str                     # direction of travel ("" when not shown or not computable)
    threshold: Threshold | None  # what the latest figure is rated against
    target_source: str
    floor_source: str
    quality: str = ""            # provisional / synthetic when any figure shown is
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The printed code, or the title where the edition prints no code."""
        return self.code or self.title

    def cell(self, key: str) -> Cell:
        return self.cells.get(key, Cell(""))


@dataclass
class Table:
    """One printed block on one page: heading, columns and rows."""

    id: str              # stable and unique in the edition: the block id, with "--<district>" on district pages
    block: str
    scope: str           # county / district / team
    page: str            # district page ("" for the county's pages)
    area: str            # the area named in the title
    title: str
    columns: list[Column]
    rows: list[Row]
    frequency: str       # the rows' common frequency, or "mixed"

    def for_section(self, section: str) -> Table:
        """The table with only the rows shown on one county section page (district tables are whole)."""
        if self.page:
            return self
        return Table(self.id, self.block, self.scope, self.page, self.area, self.title, self.columns,
                     [r for r in self.rows if r.section == section], self.frequency)


@dataclass
class Edition:
    """Every table of one month's edition."""

    month: str
    label: str               # "January 2026"
    county: str
    tables: list[Table]
    fingerprint: str = ""    # of the data the edition was computed from
    quality: tuple[str, ...] = ()   # provisional / synthetic if any figure shown is

    @property
    def rows(self) -> list[Row]:
        return [r for t in self.tables for r in t.rows]

    def tables_on(self, section: str, page: str = "") -> list[Table]:
        """The tables a section page shows, in order, with only that page's rows."""
        if page:
            return [t for t in self.tables if t.page == page]
        out = [t.for_section(section) for t in self.tables if not t.page]
        return [t for t in out if t.rows]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def frame(self) -> pd.DataFrame:
        """The rows as a typed frame (validated against :class:`RowFrame`)."""
        records = []
        for r in self.rows:
            th = r.threshold
            records.append(dict(
                block=r.block, area=r.area, team=r.team, page=r.page, section=r.section, position=r.position,
                indicator=r.indicator, code=r.code, title=r.title, polarity=r.polarity, rated_as=r.rated_as,
                frequency=r.frequency, unit=r.unit, period=r.latest, value=r.value, rag=r.rag, dot=r.dot,
                target=th.target if th else None, floor=th.floor if th else None,
                green_low=th.green[0] if th and th.green else None, green_high=th.green[1] if th and th.green else None,
                amber_low=th.amber[0] if th and th.amber else None, amber_high=th.amber[1] if th and th.amber else None,
                target_source=r.target_source, floor_source=r.floor_source, quality=r.quality))
        frame = pd.DataFrame.from_records(records, columns=list(RowFrame.to_schema().columns))
        return RowFrame.validate(frame)


class RowFrame(pa.DataFrameModel):
    """The edition's rows as a frame: numeric thresholds, ratings as words."""

    block: Series[str]
    area: Series[str]
    team: Series[str]
    page: Series[str]
    section: Series[str]
    position: Series[int]
    indicator: Series[str]
    code: Series[str]
    title: Series[str]
    polarity: Series[str] = pa.Field(isin=["H", "L", "T", ""])
    rated_as: Series[str] = pa.Field(isin=["H", "L", "T", ""])
    frequency: Series[str] = pa.Field(isin=["monthly", "quarterly", "termly", "annual"])
    unit: Series[str]
    period: Series[str]
    value: Series[float] = pa.Field(nullable=True, coerce=True)
    rag: Series[str] = pa.Field(isin=["RED", "AMBER", "GREEN", ""])
    dot: Series[str] = pa.Field(isin=["improved", "worsened", "same", ""])
    target: Series[float] = pa.Field(nullable=True, coerce=True)
    floor: Series[float] = pa.Field(nullable=True, coerce=True)
    green_low: Series[float] = pa.Field(nullable=True, coerce=True)
    green_high: Series[float] = pa.Field(nullable=True, coerce=True)
    amber_low: Series[float] = pa.Field(nullable=True, coerce=True)
    amber_high: Series[float] = pa.Field(nullable=True, coerce=True)
    target_source: Series[str]
    floor_source: Series[str]
    quality: Series[str]

    class Config:
        strict = True
