"""RAG ratings: GREEN target met, AMBER floor standard met but not target, RED floor not met.

Polarity decides which side of a threshold is good: H (higher is better), L (lower is better),
T (stay close to the target: within a green band, and within a wider floor band for AMBER).
Meeting a threshold exactly counts as meeting it (the January 2026 edition rates 80.0% AMBER against
a floor of 80.0%). A T target with no band is not rated: "close" needs a tolerance.
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


RAGS = ("RED", "AMBER", "GREEN")


@dataclass(frozen=True)
class Threshold:
    """What a figure is rated against: a target and a floor, or for T a green band and a floor band."""

    polarity: str
    target: float | None = None
    floor: float | None = None
    green: tuple[float, float] | None = None   # T: the band that is GREEN
    amber: tuple[float, float] | None = None   # T: the wider band that is AMBER

    @property
    def centre(self) -> float | None:
        """The value a T indicator aims at (for direction of travel)."""
        if self.target is not None:
            return self.target
        return None if self.green is None else sum(self.green) / 2


def _meets(value: float, threshold: float, polarity: str) -> bool:
    return value >= threshold if polarity == "H" else value <= threshold


def rate(value: float | None, threshold: Threshold | None) -> Rag | None:
    """RAG for a value, or None where there is no value or nothing to rate it against."""
    if value is None or threshold is None:
        return None
    pol = threshold.polarity
    if pol == "T":
        if threshold.green is None:
            return None
        if threshold.green[0] <= value <= threshold.green[1]:
            return Rag.GREEN
        if threshold.amber is None or threshold.amber[0] <= value <= threshold.amber[1]:
            return Rag.AMBER
        return Rag.RED
    if pol not in ("H", "L"):
        raise ValueError(f"unknown polarity '{pol}'")
    if threshold.target is None:
        return None
    if _meets(value, threshold.target, pol):
        return Rag.GREEN
    if threshold.floor is None or _meets(value, threshold.floor, pol):
        return Rag.AMBER
    return Rag.RED
