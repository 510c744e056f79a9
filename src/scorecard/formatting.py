"""Display formatting per unit: what a reader sees in a table cell."""

from __future__ import annotations

import math

NOT_AVAILABLE = "N/A"


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int = 0) -> str:
    """Thousands separators and a fixed number of decimals; N/A when missing."""
    if is_missing(value):
        return NOT_AVAILABLE
    return f"{value:,.{decimals}f}"


def value(value: float | None, unit: str, decimals: int) -> str:
    """A measure as printed: 22.4 for percentages, 1,683 for counts, 34.86 for point scores."""
    if is_missing(value):
        return NOT_AVAILABLE
    if unit == "count":
        return number(value, decimals)
    return f"{value:,.{decimals}f}" if abs(value) >= 1000 else f"{value:.{decimals}f}"


def with_unit(v: float | None, unit: str, decimals: int) -> str:
    """A measure in a sentence: 22.4%, 429.1 days, 15.5."""
    text = value(v, unit, decimals)
    if text == NOT_AVAILABLE:
        return text
    if unit == "percent":
        return f"{text}%"
    if unit == "days":
        return f"{text} days"
    if unit == "gap":
        return f"{text} percentage points"
    return text


def target(target: float | None, op: str = "", low: float | None = None, high: float | None = None,
           decimals: int = 1) -> str:
    """A target as printed: 25.0, <= 25, or a range 17.5 - 22.5."""
    if low is not None and high is not None:
        return f"{low:.{decimals}f} - {high:.{decimals}f}"
    if is_missing(target):
        return ""
    text = f"{target:.{decimals}f}" if decimals else f"{target:,.0f}"
    return f"{op} {text}" if op else text
