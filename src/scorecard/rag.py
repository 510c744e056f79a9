"""RAG ratings: GREEN target met, AMBER floor met but not target, RED floor not met.

Polarity decides which side of a threshold is good: H (higher is better),
L (lower is better), T (stay within a target range; the floor is a wider range).
Meeting a threshold exactly counts as meeting it: the edition rates SCS08 at
80.0% AMBER against a floor of 80.0%, and SCS37 at 85.0% would be GREEN.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Rag(str, Enum):
    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Threshold:
    """A target and its floor standard for one indicator, year and area."""

    polarity: str
    target: float | None
    floor: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    floor_low: float | None = None
    floor_high: float | None = None

    def target_range(self) -> tuple[float, float] | None:
        if self.target_low is None or self.target_high is None:
            return None
        return self.target_low, self.target_high

    def floor_range(self) -> tuple[float, float] | None:
        if self.floor_low is None or self.floor_high is None:
            return None
        return self.floor_low, self.floor_high


def _meets(value: float, threshold: float, polarity: str) -> bool:
    return value >= threshold if polarity == "H" else value <= threshold


def rate(value: float | None, threshold: Threshold | None) -> Rag | None:
    """RAG for a value, or None where there is no value or no target to rate against."""
    if value is None or threshold is None:
        return None
    pol = threshold.polarity
    if pol == "T":
        target, floor = threshold.target_range(), threshold.floor_range()
        if target is None:
            return None
        if target[0] <= value <= target[1]:
            return Rag.GREEN
        if floor is not None and floor[0] <= value <= floor[1]:
            return Rag.AMBER
        return Rag.RED if floor is not None else Rag.AMBER
    if pol not in ("H", "L"):
        raise ValueError(f"unknown polarity '{pol}'")
    if threshold.target is None:
        return None
    if _meets(value, threshold.target, pol):
        return Rag.GREEN
    if threshold.floor is None or _meets(value, threshold.floor, pol):
        return Rag.AMBER
    return Rag.RED
