"""RAG and direction-of-travel rules on hand-made cases, boundaries included."""

from __future__ import annotations

import pytest

from scorecard.direction import Dot, travel
from scorecard.rag import Rag, Threshold, rate

H = Threshold("H", target=85.0, floor=75.0)
L = Threshold("L", target=25.0, floor=30.0)
T = Threshold("T", target=20.0, target_low=17.5, target_high=22.5, floor_low=12.5, floor_high=27.5)


@pytest.mark.parametrize("value, expected", [
    (90.0, Rag.GREEN), (85.0, Rag.GREEN),            # equal to target meets it
    (84.9, Rag.AMBER), (75.0, Rag.AMBER),            # equal to floor meets the floor
    (74.9, Rag.RED), (0.0, Rag.RED),
])
def test_higher_is_better(value, expected):
    assert rate(value, H) is expected


@pytest.mark.parametrize("value, expected", [
    (20.0, Rag.GREEN), (25.0, Rag.GREEN), (25.1, Rag.AMBER), (30.0, Rag.AMBER), (30.1, Rag.RED),
])
def test_lower_is_better(value, expected):
    assert rate(value, L) is expected


@pytest.mark.parametrize("value, expected", [
    (20.0, Rag.GREEN), (17.5, Rag.GREEN), (22.5, Rag.GREEN),      # edges of the target range
    (17.4, Rag.AMBER), (22.6, Rag.AMBER), (12.5, Rag.AMBER), (27.5, Rag.AMBER),  # edges of the floor range
    (12.4, Rag.RED), (27.6, Rag.RED), (54.2, Rag.RED),
])
def test_target_range(value, expected):
    assert rate(value, T) is expected


def test_no_value_or_no_target_gives_no_rating():
    assert rate(None, H) is None
    assert rate(50.0, None) is None
    assert rate(50.0, Threshold("H", target=None)) is None


def test_without_a_floor_a_missed_target_is_amber_not_red():
    assert rate(10.0, Threshold("H", target=85.0)) is Rag.AMBER


def test_unknown_polarity_is_an_error():
    with pytest.raises(ValueError):
        rate(1.0, Threshold("X", target=1.0))


@pytest.mark.parametrize("now, before, polarity, expected", [
    (22.4, 22.5, "L", Dot.IMPROVED), (22.6, 22.5, "L", Dot.WORSENED),
    (73.8, 73.2, "H", Dot.IMPROVED), (68.8, 69.0, "H", Dot.WORSENED),
    (26.1, 26.1, "L", Dot.SAME),
])
def test_direction_follows_polarity(now, before, polarity, expected):
    assert travel(now, before, polarity, 1) is expected


def test_same_at_displayed_precision():
    assert travel(26.14, 26.06, "L", 1) is Dot.SAME       # both show as 26.1
    assert travel(62.4, 61.6, "H", 0) is Dot.SAME         # both show as 62
    assert travel(26.16, 26.06, "L", 1) is Dot.WORSENED   # 26.2 against 26.1


def test_target_polarity_closer_to_target_is_better():
    assert travel(19.5, 18.3, "T", 1, target=20.0) is Dot.IMPROVED   # 1.7 away -> 0.5 away
    assert travel(13.2, 14.0, "T", 1, target=20.0) is Dot.WORSENED
    assert travel(21.0, 19.0, "T", 1, target=20.0) is Dot.SAME       # both 1.0 away
    assert travel(21.0, 19.0, "T", 1, target=None) is None


def test_missing_previous_period_gives_no_arrow():
    assert travel(22.4, None, "L", 1) is None
    assert travel(None, 22.4, "L", 1) is None
    assert travel(22.4, 22.5, "", 1) is None


def test_arrow_has_words():
    assert Dot.IMPROVED.arrow == "↑" and Dot.WORSENED.arrow == "↓" and Dot.SAME.arrow == "↔"
    assert Dot.SAME.words == "No change"
