"""Direction of travel: has performance improved, worsened or stayed the same?

Figures are compared as printed (at the precision the table shows them), so 26.1 against 26.1
is "same" whatever the unrounded figures were. For T polarity the figure closer to the target
is the better one.
"""

from __future__ import annotations

from enum import Enum

BASES = ("previous_period", "same_period_last_year", "previous_year_outturn", "previously_reported")


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


def travel(current: float | None, previous: float | None, polarity: str, decimals: int = 6,
           centre: float | None = None) -> Dot | None:
    """Direction of travel from ``previous`` to ``current``; None if either is missing."""
    if current is None or previous is None or polarity not in ("H", "L", "T"):
        return None
    now, before = round(current, decimals), round(previous, decimals)
    if polarity == "T":
        if centre is None:
            return None
        now, before = round(abs(now - centre), decimals), round(abs(before - centre), decimals)
        polarity = "L"
    if now == before:
        return Dot.SAME
    better = now > before if polarity == "H" else now < before
    return Dot.IMPROVED if better else Dot.WORSENED
