"""Direction of travel: has performance improved, worsened or stayed the same?

Values are compared at the precision the table displays them, so 26.1 against
26.1 is "same" even if the unrounded figures differ. For T polarity the value
closer to the target is the better one.
"""

from __future__ import annotations

from enum import Enum


class Dot(str, Enum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    SAME = "same"

    def __str__(self) -> str:
        return self.value

    @property
    def arrow(self) -> str:
        return {"improved": "↑", "worsened": "↓", "same": "↔"}[self.value]

    @property
    def words(self) -> str:
        return {"improved": "Improved", "worsened": "Worsened", "same": "No change"}[self.value]


def travel(current: float | None, previous: float | None, polarity: str, decimals: int,
           target: float | None = None) -> Dot | None:
    """Direction of travel from ``previous`` to ``current``; None if either is missing."""
    if current is None or previous is None or not polarity:
        return None
    now, before = round(current, decimals), round(previous, decimals)
    if polarity == "T":
        if target is None:
            return None
        now, before = round(abs(now - target), decimals), round(abs(before - target), decimals)
        polarity = "L"
    if now == before:
        return Dot.SAME
    better = now > before if polarity == "H" else now < before
    return Dot.IMPROVED if better else Dot.WORSENED
