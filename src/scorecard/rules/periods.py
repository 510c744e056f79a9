"""Reporting periods: months, quarters, terms and years, and how they follow each other.

Financial years start in April (Q1 = Apr-Jun); academic years start in September
(Autumn = Sep-Dec, Spring = Jan-Mar/Apr, Summer = Apr/May-Aug). Period labels are
plain strings so the data files stay readable:

- monthly   ``2026-01``
- quarterly ``2025-26 Q3`` (financial-year quarter)
- termly    ``2025-26 Autumn`` (academic-year term)
- annual    ``2024-25``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FREQUENCIES = ("monthly", "quarterly", "termly", "annual")
TERMS = ("Autumn", "Spring", "Summer")
TERM_END_MONTH = {"Autumn": 12, "Spring": 3, "Summer": 8}
QUARTER_END_MONTH = {1: 6, 2: 9, 3: 12, 4: 3}

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
_TERM = re.compile(r"^(\d{4})-(\d{2}) (Autumn|Spring|Summer)$")


class PeriodError(ValueError):
    """A period label that does not fit its frequency."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        m = _MONTH.match(text.strip())
        if not m:
            raise PeriodError(f"'{text}' is not a month like 2026-01")
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, i: int) -> Month:
        return cls(i // 12, i % 12 + 1)

    def shift(self, months: int) -> Month:
        return Month.from_index(self.index() + months)

    def label(self) -> str:
        """Short label as printed in the edition, e.g. ``Jan-26``."""
        names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
        return f"{names[self.month - 1]}-{self.year % 100:02d}"

    def long_label(self) -> str:
        names = ("January February March April May June July August September October "
                 "November December").split()
        return f"{names[self.month - 1]} {self.year}"


def year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def _year_start(text: str) -> int:
    m = _YEAR.match(text.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise PeriodError(f"'{text}' is not a year like 2024-25")
    return int(m.group(1))


def financial_year(month: Month) -> str:
    """Financial year (April to March) containing the month."""
    return year_label(month.year if month.month >= 4 else month.year - 1)


def academic_year(month: Month) -> str:
    """Academic year (September to August) containing the month."""
    return year_label(month.year if month.month >= 9 else month.year - 1)


def reporting_year(month: Month, basis: str) -> str:
    return financial_year(month) if basis == "financial" else academic_year(month)


def ordinal(period: str, frequency: str) -> int:
    """Position of a period on its frequency's time line (consecutive periods differ by 1)."""
    text = period.strip()
    if frequency == "monthly":
        return Month.parse(text).index()
    if frequency == "annual":
        return _year_start(text)
    if frequency == "quarterly":
        m = _QUARTER.match(text)
        if not m:
            raise PeriodError(f"'{period}' is not a quarter like 2025-26 Q3")
        return _year_start(f"{m.group(1)}-{m.group(2)}") * 4 + int(m.group(3)) - 1
    if frequency == "termly":
        m = _TERM.match(text)
        if not m:
            raise PeriodError(f"'{period}' is not a term like 2025-26 Autumn")
        return _year_start(f"{m.group(1)}-{m.group(2)}") * 3 + TERMS.index(m.group(3))
    raise PeriodError(f"unknown frequency '{frequency}'")


def from_ordinal(n: int, frequency: str) -> str:
    if frequency == "monthly":
        return str(Month.from_index(n))
    if frequency == "annual":
        return year_label(n)
    if frequency == "quarterly":
        return f"{year_label(n // 4)} Q{n % 4 + 1}"
    if frequency == "termly":
        return f"{year_label(n // 3)} {TERMS[n % 3]}"
    raise PeriodError(f"unknown frequency '{frequency}'")


def shift(period: str, frequency: str, steps: int) -> str:
    return from_ordinal(ordinal(period, frequency) + steps, frequency)


def per_year(frequency: str) -> int:
    return {"monthly": 12, "quarterly": 4, "termly": 3, "annual": 1}[frequency]


def end_month(period: str, frequency: str, basis: str = "academic") -> Month:
    """The last calendar month a period covers (annual years follow the indicator's basis)."""
    if frequency == "monthly":
        return Month.parse(period)
    if frequency == "annual":
        start = _year_start(period)
        return Month(start + 1, 3 if basis == "financial" else 8)
    if frequency == "quarterly":
        m = _QUARTER.match(period)
        if not m:
            raise PeriodError(f"'{period}' is not a quarter like 2025-26 Q3")
        start, q = int(m.group(1)), int(m.group(3))
        return Month(start + 1 if q == 4 else start, QUARTER_END_MONTH[q])
    m = _TERM.match(period)
    if not m:
        raise PeriodError(f"'{period}' is not a term like 2025-26 Autumn")
    start, term = int(m.group(1)), m.group(3)
    return Month(start if term == "Autumn" else start + 1, TERM_END_MONTH[term])


def year_of(period: str, frequency: str, basis: str) -> str:
    """The reporting year a period belongs to (its target year)."""
    if frequency == "annual":
        return year_label(_year_start(period))
    if frequency in ("quarterly", "termly"):
        return period.split(" ")[0]
    return reporting_year(Month.parse(period), basis)


def window(latest: str, frequency: str, before: int) -> list[str]:
    """``before`` periods and then ``latest``, oldest first: what a trend column group shows."""
    return [shift(latest, frequency, k) for k in range(-before, 1)]


def label_of(period: str, frequency: str, style: str = "short") -> str:
    """A period as words: ``short`` (Jan-26, Q3 25-26), ``long`` (January 2026, Q3 2025-26)."""
    if style == "long" and frequency == "monthly":
        return Month.parse(period).long_label()
    if style == "long":
        return period
    return short_label(period, frequency)


def short_label(period: str, frequency: str) -> str:
    """Column label as the edition prints it: Jan-26, Q3 25-26, Autumn 25-26, 2024-25."""
    if frequency == "monthly":
        return Month.parse(period).label()
    if frequency == "annual":
        return period
    year, part = period.split(" ")
    return f"{part} {year[2:]}"


def frequency_of(period: str) -> str | None:
    """The frequency a period label is written in, or None when it is no period label."""
    text = period.strip()
    if _MONTH.match(text):
        return "monthly"
    if _QUARTER.match(text):
        return "quarterly"
    if _TERM.match(text):
        return "termly"
    m = _YEAR.match(text)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return "annual"
    return None


def checked_month(text: str, what: str = "--month") -> str:
    """A month given by a user (``2026-01``), or a one-line error naming where it came from."""
    from ..errors import EXIT_INVALID, ScorecardError

    try:
        return str(Month.parse(text))
    except PeriodError as exc:
        raise ScorecardError(f"{what}: {exc}", EXIT_INVALID) from None
