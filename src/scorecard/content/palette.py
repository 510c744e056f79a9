"""Colours shared by tables and charts, chosen so text on them passes WCAG AA (4.5:1).

One palette, two roles per rating. The fill follows the printed edition (Excel's standard red,
amber and green): a table's RAG cell and a chart's latest-figure dot; each fill comes with the
text colour that reads on it. The ink is the same hue dark enough for the RAG word set in colour on
white (a chart's comparison columns). The RAG word is always shown as well, so the colour is never
the only carrier of meaning.
"""

from __future__ import annotations

RAG_FILL = {"RED": "#C00000", "AMBER": "#FFC000", "GREEN": "#00B050"}
RAG_TEXT = {"RED": "#FFFFFF", "AMBER": "#000000", "GREEN": "#000000"}
RAG_INK = {"RED": "#C00000", "AMBER": "#B35C00", "GREEN": "#1B7F3B"}   # on white: 6.5, 4.7, 5.1 to 1
NOT_RATED_INK = "#595959"
NOT_RATED_FILL = "#F2F2F2"
NOT_RATED_TEXT = "#1A1A1A"
TARGET_COLOUR = "#005A30"  # dark green rule for targets: 8:1 on white
FLOOR_COLOUR = "#A00000"  # dark red rule for floor standards: 7.7:1 on white
LINE_COLOUR = "#1F4E79"  # trend line: 9:1 on white
TEXT_COLOUR = "#1A1A1A"

SYSTEM_FONTS = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"]


def fill(rag: str) -> str:
    return RAG_FILL.get(rag, NOT_RATED_FILL)


def text_on(rag: str) -> str:
    return RAG_TEXT.get(rag, NOT_RATED_TEXT)


def ink(rag: str) -> str:
    """The rating's colour for words on white."""
    return RAG_INK.get(rag, NOT_RATED_INK)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
