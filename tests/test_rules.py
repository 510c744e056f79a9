"""The rules on their boundaries: ratings, arrows, periods and printed numbers (hand-made cases)."""

from __future__ import annotations

import pytest

from scorecard.rules import numbers, periods
from scorecard.rules.direction import Dot, travel
from scorecard.rules.rag import Rag, Threshold, rate


@pytest.mark.parametrize("value,expected", [(65, Rag.GREEN), (64.9, Rag.AMBER), (60, Rag.AMBER), (59.9, Rag.RED)])
def test_higher_is_better(value, expected):
    assert rate(value, Threshold("H", target=65, floor=60)) == expected


@pytest.mark.parametrize("value,expected", [(25, Rag.GREEN), (25.1, Rag.AMBER), (30, Rag.AMBER), (30.1, Rag.RED)])
def test_lower_is_better(value, expected):
    assert rate(value, Threshold("L", target=25, floor=30)) == expected


@pytest.mark.parametrize("value,expected", [(17.5, Rag.GREEN), (22.5, Rag.GREEN), (26.1, Rag.AMBER),
                                            (12.5, Rag.AMBER), (12.4, Rag.RED), (27.6, Rag.RED)])
def test_target_band(value, expected):
    th = Threshold("T", target=20, green=(17.5, 22.5), amber=(12.5, 27.5))
    assert rate(value, th) == expected


def test_no_floor_means_amber_and_t_without_band_is_not_rated():
    assert rate(1, Threshold("H", target=65)) == Rag.AMBER
    assert rate(20, Threshold("T", target=20)) is None
    assert rate(None, Threshold("H", target=65)) is None


def test_direction_of_travel():
    assert travel(22.4, 22.5, "L") == Dot.IMPROVED
    assert travel(26.1, 26.1, "T", centre=20) == Dot.SAME
    assert travel(15.5, 14.6, "T", centre=20) == Dot.IMPROVED   # closer to a target of 20
    assert travel(15.5, 14.6, "L") == Dot.WORSENED
    assert travel(1, None, "H") is None


def test_periods():
    m = periods.Month.parse("2026-01")
    assert periods.financial_year(m) == "2025-26" and periods.academic_year(m) == "2025-26"
    assert periods.financial_year(periods.Month.parse("2026-04")) == "2026-27"
    assert periods.academic_year(periods.Month.parse("2026-08")) == "2025-26"
    assert periods.academic_year(periods.Month.parse("2026-09")) == "2026-27"
    assert periods.window("2026-01", "monthly", 6) == ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11",
                                                      "2025-12", "2026-01"]
    assert periods.shift("2025-26 Q1", "quarterly", -1) == "2024-25 Q4"
    assert periods.shift("2025-26 Autumn", "termly", -3) == "2024-25 Autumn"
    assert periods.short_label("2025-26 Q3", "quarterly") == "Q3 25-26"
    assert periods.frequency_of("2025-26 Spring") == "termly"


@pytest.mark.parametrize("text,value,decimals", [("1,796", 1796, 0), ("34.20", 34.2, 2), ("65", 65, 0),
                                                 ("-3.2", -3.2, 1), ("2211", 2211, 0)])
def test_figures_keep_their_printed_precision(text, value, decimals):
    f = numbers.read(text)
    assert (f.value, f.decimals, f.text) == (value, decimals, text)


@pytest.mark.parametrize("text", ["8,6", "1e308", "inf", "NaN", "12,34,567", "1.2.3", "abc", "1\x00"])
def test_figures_that_would_be_read_wrongly_are_refused(text):
    with pytest.raises(numbers.NumberError):
        numbers.read(text)


def test_targets_and_not_available():
    assert numbers.read("<= 25", allow_op=True).op == "<="
    band = numbers.read("17.5 - 22.5", allow_band=True)
    assert (band.kind, band.low, band.high) == ("band", 17.5, 22.5)
    assert numbers.read("N/A small cohort").kind == "na"
    assert numbers.read("").kind == "blank"
    assert numbers.same("1,796", "1796") and not numbers.same("", "N/A")
