"""Periods and years: financial years start in April, academic years in September."""

from __future__ import annotations

import pytest

from scorecard import periods
from scorecard.periods import Month


@pytest.mark.parametrize("month, fy, ay", [
    ("2026-01", "2025-26", "2025-26"), ("2026-03", "2025-26", "2025-26"), ("2026-04", "2026-27", "2025-26"),
    ("2026-08", "2026-27", "2025-26"), ("2026-09", "2026-27", "2026-27"), ("2025-12", "2025-26", "2025-26"),
])
def test_year_boundaries(month, fy, ay):
    m = Month.parse(month)
    assert periods.financial_year(m) == fy
    assert periods.academic_year(m) == ay


def test_monthly_trend_window_crosses_a_year():
    assert periods.trend("2026-01", "monthly") == [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
    assert periods.trend("2026-02", "monthly")[0] == "2025-08"


def test_quarters_terms_and_years_follow_each_other():
    assert periods.trend("2025-26 Q3", "quarterly") == ["2024-25 Q4", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3"]
    assert periods.trend("2025-26 Autumn", "termly") == [
        "2024-25 Autumn", "2024-25 Spring", "2024-25 Summer", "2025-26 Autumn"]
    assert periods.shift("2025-26 Autumn", "termly", -3) == "2024-25 Autumn"
    assert periods.trend("2024-25", "annual") == ["2021-22", "2022-23", "2023-24", "2024-25"]


def test_period_end_months():
    assert periods.end_month("2025-26 Q3", "quarterly") == Month(2025, 12)
    assert periods.end_month("2025-26 Q4", "quarterly") == Month(2026, 3)
    assert periods.end_month("2025-26 Autumn", "termly") == Month(2025, 12)
    assert periods.end_month("2024-25", "annual", "academic") == Month(2025, 8)
    assert periods.end_month("2024-25", "annual", "financial") == Month(2025, 3)


def test_short_labels_as_printed():
    assert periods.short_label("2026-01", "monthly") == "Jan-26"
    assert periods.short_label("2025-26 Q3", "quarterly") == "Q3 25-26"
    assert periods.short_label("2025-26 Autumn", "termly") == "Autumn 25-26"


@pytest.mark.parametrize("text, freq", [("2026-13", "monthly"), ("Jan-26", "monthly"), ("2024-26", "annual"),
                                        ("2025-26 Q5", "quarterly"), ("2025-26 Winter", "termly")])
def test_bad_periods_are_rejected(text, freq):
    with pytest.raises(periods.PeriodError):
        periods.ordinal(text, freq)
