"""Does a printed figure agree with its own numerator and denominator? (used by checks and the engine)"""

from __future__ import annotations

from .numbers import Figure


def numerator_above_denominator(num: Figure, den: Figure, scale: str) -> bool:
    """A percentage whose numerator is larger than its denominator."""
    return scale == "100" and num.is_number and den.is_number and num.value > den.value


def ratio_mismatch(value: Figure, num: Figure, den: Figure, scale: str) -> float | None:
    """numerator / denominator x scale when it cannot round to the printed value, else None.

    Every figure is taken at its printed precision: 20,167 / 47 = 429.1 agrees, however the
    unrounded figures compared.
    """
    if not (scale and value.is_number and num.is_number and den.is_number) or den.value == 0:
        return None
    s = float(scale)
    dn, dd = 0.5 * 10 ** -num.decimals, 0.5 * 10 ** -den.decimals
    dv = 0.5 * 10 ** -value.decimals + 1e-9
    low = (num.value - dn) / (den.value + dd) * s
    high = (num.value + dn) / max(den.value - dd, 1e-9) * s
    if low - dv <= value.value <= high + dv:
        return None
    return num.value / den.value * s
