"""Figures as the edition prints them: text that carries its own precision, read strictly.

The data files hold every figure, target and benchmark as printed (``1,796``, ``34.20``, ``65``,
``65.0``, ``<= 25``, ``N/A``), so a table shows exactly what was printed and the machine value is
read from the same text. Reading is strict on purpose: a decimal comma (``8,6``), a number in
exponent form, ``inf`` or ``nan`` is an error, never a silently different figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NOT_AVAILABLE = "N/A"
OPERATORS = ("<=", ">=", "<", ">")

_NUMBER = re.compile(r"^(?P<sign>-)?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?$")
_BAND = re.compile(r"^(?P<low>-?[0-9,]+(?:\.[0-9]+)?)\s*(?:-|–|to)\s*(?P<high>-?[0-9,]+(?:\.[0-9]+)?)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIMIT = 1e12   # no figure of a council scorecard is anywhere near this


class NumberError(ValueError):
    """Text that is not a figure as the scorecard prints figures."""


@dataclass(frozen=True)
class Figure:
    """One printed cell read as a figure.

    ``kind`` is ``number``, ``na`` (printed N/A, possibly with words after it), ``blank``
    (nothing printed: data to be supplied) or ``band`` (a target range ``17.5 - 22.5``).
    """

    text: str
    kind: str
    value: float | None = None
    decimals: int = 0
    op: str = ""
    low: float | None = None
    high: float | None = None

    @property
    def is_number(self) -> bool:
        return self.kind == "number"


def _number(text: str) -> tuple[float, int]:
    m = _NUMBER.match(text)
    if not m:
        if re.fullmatch(r"-?[0-9]+,[0-9]{1,2}", text) or re.fullmatch(r"-?[0-9]+,[0-9]{4,}", text):
            raise NumberError(f"'{text}' has a decimal comma or a misplaced thousands separator; "
                              "write decimals with a point (8.6) and thousands as 1,234")
        if re.search(r"[eE]|inf|nan", text, re.I) and re.search(r"\d|inf|nan", text, re.I):
            raise NumberError(f"'{text}' is not a plain number (no exponents, inf or nan)")
        raise NumberError(f"'{text}' is not a number")
    frac = m.group("frac") or ""
    value = float((m.group("sign") or "") + m.group("int").replace(",", "") + ("." + frac if frac else ""))
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise NumberError(f"'{text}' is too large for a scorecard figure")
    return value, len(frac)


def read(text: str | None, *, allow_op: bool = False, allow_band: bool = False) -> Figure:
    """Read one printed cell. Raises NumberError for text that is neither a figure, N/A nor blank."""
    raw = "" if text is None else str(text)
    if _CONTROL.search(raw):
        raise NumberError("contains a control character")
    t = " ".join(raw.split())
    if t == "":
        return Figure("", "blank")
    if t.upper().startswith(NOT_AVAILABLE):
        return Figure(t, "na")
    if allow_band:
        m = _BAND.match(t)
        if m:
            low, d1 = _number(m.group("low"))
            high, d2 = _number(m.group("high"))
            if low > high:
                raise NumberError(f"'{t}': the range's first figure is larger than its second")
            return Figure(t, "band", (low + high) / 2, max(d1, d2), low=low, high=high)
    op = ""
    if allow_op:
        for o in OPERATORS:
            if t.startswith(o):
                op, t = o, t[len(o):].strip()
                break
    value, decimals = _number(t)
    return Figure(" ".join(raw.split()), "number", value, decimals, op)


def value_of(text: str | None) -> float | None:
    """The machine value of printed text, or None for N/A, blank and anything unreadable."""
    try:
        f = read(text, allow_op=True)
    except NumberError:
        return None
    return f.value if f.is_number else None


def show(value: float | None, decimals: int, thousands: bool = True) -> str:
    """A machine value written the way the edition prints figures (for new figures from a workbook)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    return "0" if text in ("-0", "-0.0") and decimals == 0 else text


def same(a: str | None, b: str | None) -> bool:
    """Whether two cells hold the same figure (``1,796`` = ``1796``, ``22.40`` = ``22.4``); other text exactly."""
    try:
        fa, fb = read(a, allow_op=True, allow_band=True), read(b, allow_op=True, allow_band=True)
    except NumberError:
        return " ".join(str(a or "").split()) == " ".join(str(b or "").split())
    if fa.kind == fb.kind == "number":
        return fa.op == fb.op and fa.value == fb.value
    if fa.kind == fb.kind == "band":
        return (fa.low, fa.high) == (fb.low, fb.high)
    return fa.kind == fb.kind and (fa.kind == "blank" or fa.text.upper() == fb.text.upper())
