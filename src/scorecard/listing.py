"""Plain text tables (definitions, sources, the QA log, overview facts) in the publication's style.

RAG tables come from ``tables``; these carry words rather than ratings, so
they only need proper headers (``<th scope="col">``, row groups), a title, a
fixed id (deterministic builds) and system fonts (no web font requests).
"""

from __future__ import annotations

import re

import pandas as pd
from great_tables import GT, loc, style

from .palette import SYSTEM_FONTS, TEXT_COLOUR

_FRAMES: dict[str, pd.DataFrame] = {}


def frame_of(gt: GT) -> pd.DataFrame | None:
    """The cells of a table made by ``listing`` (for its CSV download), by table id."""
    return _FRAMES.get(gt._options.table_id.value)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def listing(frame: pd.DataFrame, title: str, table_id: str, subtitle: str | None = None,
            source_note: str | None = None, group: str | None = None, stub: str | None = None,
            widths: dict[str, str] | None = None, right: list[str] | tuple[str, ...] = (),
            nowrap: list[str] | tuple[str, ...] = ()) -> GT:
    """A titled table of text columns; ``group`` names a column whose values become row-group headings.

    ``right``: columns of figures, aligned right; ``nowrap``: columns whose cells must not wrap
    (years such as 2025-26, ranges).
    """
    frame = frame.reset_index(drop=True).fillna("")
    _FRAMES[table_id] = frame
    gt = GT(frame, id=table_id, groupname_col=group, rowname_col=stub)
    gt = gt.tab_header(title=title, subtitle=subtitle) if subtitle else gt.tab_header(title=title)
    if source_note:
        gt = gt.tab_source_note(source_note)
    if widths:
        gt = gt.cols_width(widths)
    gt = (gt.opt_table_font(font=SYSTEM_FONTS, add=False)
            .tab_options(table_font_color=TEXT_COLOUR, table_font_size="14px", heading_align="left",
                         column_labels_font_weight="bold", row_group_font_weight="bold")
            .tab_style(style=style.text(v_align="top"), locations=loc.body())
            .cols_align(align="left"))
    if right:
        gt = gt.cols_align(align="right", columns=list(right))
    if nowrap:
        gt = gt.tab_style(style=style.text(whitespace="nowrap"), locations=loc.body(columns=list(nowrap)))
    return gt
