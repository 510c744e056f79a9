"""The edition's tables as great-tables, laid out from the engine's tables (never re-deciding a cell).

Every cell shows the engine's text (as printed). RAG cells carry the colour *and* the word;
arrows carry their words for screen readers; the indicator title is each row's header. Where the
engine marked a cell (an inferred band, a target the table did not print, a rating that differs
from the printed one, a note in the data), the cell gets a footnote letter and the note is listed
under the table; a printed value that differs from the shown one is shown beside it.
Team blocks are one table per team, so the team's name heads every part, on screen and on paper.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from great_tables import GT, loc, style

from ..engine.model import Column, Row, Table
from ..inputs.publication import Publication
from . import palette

RAGS = ("RED", "AMBER", "GREEN")
DOT_WORDS = {"improved": "Improved", "worsened": "Worsened", "same": "No change"}
_IMPORT = re.compile(r"@import\s+url\([^)]*\)\s*;?")
_SCOPE_FIX = re.compile(r'(<th class="gt_group_heading"[^>]*?)scope="col(?:group)?"')
# great-tables puts a footnote mark after the cell's content: keep it beside the value, before "printed ..."
_MARK_AFTER_PRINTED = re.compile(r'(<span class="sc-printed">.*?</span>)'
                                 r'(<span class="gt_footnote_marks"[^>]*>.*?</span>)', re.S)
_CELL_OPEN = re.compile(r'<(td|th)([^>]*?) class="(gt_row|gt_col_heading)')
_HEADING_CELL = re.compile(r'(<td[^>]*class="gt_heading gt_(?:title|subtitle)[^"]*"[^>]*>)(.*?)(</td>)', re.S)


_PERIOD_TOKEN = re.compile(r"\b(?:\d{4}-\d{2}|[A-Z][a-z]{2}-\d{2}|\d{2}-\d{2})\b")


def html_label(text: str):
    """A column heading (escaped) that may wrap between words but never inside ``2025-26`` or ``Jan-26``."""
    from great_tables import html as gt_html

    parts, last = [], 0
    for m in _PERIOD_TOKEN.finditer(text or ""):
        parts.append(_escape(text[last:m.start()]) + f'<span class="sc-nw">{_escape(m.group(0))}</span>')
        last = m.end()
    parts.append(_escape((text or "")[last:]))
    return gt_html("".join(parts))


def _escape(text: str) -> str:
    return html.escape(text or "", quote=True)


def _cell_html(row: Row, col: Column, publication: Publication) -> str:
    """The cell's HTML (escaped): the text, the printed value beside it, words for arrows."""
    cell = row.cell(col.key)
    text = cell.text
    if col.kind == "dot" and cell.dot:
        word = publication.dot_word(cell.dot)
        body = f'<span aria-hidden="true">{_escape(text)}</span><span class="sc-sr">{_escape(word)}</span>'
    elif col.kind == "rag" and cell.rag:
        body = f'<span class="sc-rag">{_escape(text)}</span>'
    else:
        body = _escape(text)
    if cell.printed is not None:
        shown = cell.printed if cell.printed != "" else "blank"
        body += f'<span class="sc-printed">printed {_escape(shown)}</span>'
    return body


def _frame(table: Table, rows: list[Row], publication: Publication) -> pd.DataFrame:
    data = {c.key: [_cell_html(r, c, publication) for r in rows] for c in table.columns}
    return pd.DataFrame(data, columns=[c.key for c in table.columns])


def _spanners(columns: list[Column]) -> list[tuple[str, list[str]]]:
    """Consecutive columns with the same group heading share a spanner."""
    out: list[tuple[str, list[str]]] = []
    for c in columns:
        if not c.group:
            continue
        if out and out[-1][0] == c.group and out[-1][1][-1] == columns[columns.index(c) - 1].key:
            out[-1][1].append(c.key)
        else:
            out.append((c.group, [c.key]))
    return out


def _ident(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rag_tables(table: Table, publication: Publication, month_label: str, produced_by: str | None = None,
               title: str | None = None) -> list[tuple[GT, str, list[Row]]]:
    """The table as great-tables: one per team for team blocks. Returns (gt, table id, rows)."""
    if table.scope == "team":
        groups: dict[str, list[Row]] = {}
        for r in table.rows:
            groups.setdefault(r.team, []).append(r)
        parts = [(team, rows) for team, rows in groups.items()]
    else:
        parts = [("", table.rows)]
    out = []
    for team, rows in parts:
        tid = "tbl-" + _ident(table.id + (f"-{team}" if team else ""))
        if team:   # the team heads its table (and every printed page of it); the block's title under it
            heading, subtitle = team, f"{title or table.title}, {month_label}"
        else:
            heading, subtitle = title or table.title, f"{table.area}, {month_label}"
        gt = _gt(table, rows, publication, tid, heading, subtitle,
                 publication.source(month_label, produced_by=produced_by))
        out.append((gt, tid, rows))
    return out


def _gt(table: Table, rows: list[Row], publication: Publication, tid: str, title: str, subtitle: str,
        source: str) -> GT:
    frame = _frame(table, rows, publication)
    keys = [c.key for c in table.columns]
    gt = GT(frame, id=tid).tab_header(title=title, subtitle=subtitle)
    for label, cols in _spanners(table.columns):
        gt = gt.tab_spanner(label=label, columns=cols, id=f"{tid}-{_ident(label)}")
    gt = gt.cols_label(**{c.key: html_label(c.header) for c in table.columns})
    gt = gt.fmt(lambda x: x, columns=keys)   # the cells are escaped HTML already
    left = [c.key for c in table.columns if c.kind in ("code", "indicator")]
    centre = [c.key for c in table.columns if c.kind in ("polarity", "data_period", "qpr", "rag", "dot")]
    right = [k for k in keys if k not in left + centre]
    for align, cols in (("left", left), ("center", centre), ("right", right)):
        if cols:
            gt = gt.cols_align(align=align, columns=cols)
    for c in table.columns:
        if c.kind != "rag":
            continue
        for rag in RAGS:
            idx = [i for i, r in enumerate(rows) if r.cell(c.key).rag == rag]
            if idx:
                gt = gt.tab_style(style=[style.fill(color=palette.fill(rag)),
                                         style.text(color=palette.text_on(rag), weight="bold")],
                                  locations=loc.body(columns=c.key, rows=idx))
    notes: dict[str, list[tuple[str, int]]] = {}
    for i, r in enumerate(rows):
        for c in table.columns:
            for m in r.cell(c.key).marks:
                notes.setdefault(m.text, []).append((c.key, i))
    for text, where in notes.items():
        by_col: dict[str, list[int]] = {}
        for key, i in where:
            by_col.setdefault(key, []).append(i)
        for key, idx in by_col.items():
            gt = gt.tab_footnote(text, locations=loc.body(columns=key, rows=sorted(set(idx))), placement="right")
    if notes:
        gt = gt.opt_footnote_marks("letters")
    gt = gt.tab_source_note(source)
    if publication.key_line:
        gt = gt.tab_source_note(publication.key_line)
    return (gt.opt_table_font(font=palette.SYSTEM_FONTS, add=False)
            .tab_options(table_font_size="13px", heading_title_font_size="15px", heading_subtitle_font_size="13px",
                         column_labels_font_weight="bold", column_labels_font_size="12px", heading_align="left",
                         data_row_padding="3px", data_row_padding_horizontal="3px",
                         column_labels_padding_horizontal="3px", source_notes_font_size="12px"))


def _column_classes(out: str, tid: str) -> str:
    """Each body cell and column heading gets ``sc-k-<kind>`` (code, indicator, trend, latest, dot, rag...)
    and ``sc-c-<column key>``, so the style sheets can size, pin and print columns by what they hold."""
    ident = re.compile(rf'(?:headers|id)="(?:[^"]* )?{re.escape(tid)}-([a-z_]+(?:-[a-z0-9]+)?)(?=[ "])')

    def add(m: re.Match) -> str:
        key = ident.search(m.group(2))
        if not key:
            return m.group(0)
        k = key.group(1)
        return f'<{m.group(1)}{m.group(2)} class="sc-k-{k.split("-")[0]} sc-c-{k} {m.group(3)}'

    return _CELL_OPEN.sub(add, out)


def table_html(gt: GT, kind: str = "") -> str:
    """The table's HTML, offline, with the indicator as each row's header and a focusable scroll region.

    ``kind`` names the table for the style sheets: "rag" (a RAG table), "team" (one team's RAG table),
    "plain" (a listing of words); its region gets the class ``sc-<kind>-table``.
    """
    out = _IMPORT.sub("", gt.as_raw_html())
    out = _SCOPE_FIX.sub(r'\1scope="rowgroup"', out)
    out = _MARK_AFTER_PRINTED.sub(r"\2\1", out)
    # the title and subtitle in a span the style sheet keeps in view while a wide table scrolls sideways
    out = _HEADING_CELL.sub(r'\1<span class="sc-heading-text">\2</span>\3', out)
    tid = gt._options.table_id.value
    if tid and out.startswith(f'<div id="{tid}"'):
        label = ", ".join(str(x) for x in (gt._heading.title, gt._heading.subtitle) if x)
        extra = f" sc-{kind}-table" if kind else ""
        out = out.replace(f'<div id="{tid}"', f'<div id="{tid}" class="sc-scroll{extra}" role="region" tabindex="0" '
                          f'aria-label="{_escape(label)}"', 1)
    if not tid or "<tbody" not in out:
        return out
    out = _column_classes(out, tid)
    start, end = out.index("<tbody"), out.index("</tbody>")
    counter = iter(range(1, 100_000))
    cell = re.compile(rf'<td([^>]*?) headers="([^"]*{re.escape(tid)}-indicator)"([^>]*)>(.*?)</td>', re.S)

    def fix_row(m: re.Match) -> str:
        row = m.group(0)
        c = cell.search(row)
        if not c:
            return row
        hid = f"{tid}-row-{next(counter)}"
        th = f'<th scope="row" id="{hid}"{c.group(1)} headers="{c.group(2)}"{c.group(3)}>{c.group(4)}</th>'
        row = row.replace(c.group(0), th, 1)
        return re.sub(r'(<td[^>]*? headers=")([^"]*)"', lambda h: f'{h.group(1)}{h.group(2)} {hid}"', row)

    body = re.sub(r"<tr>.*?</tr>", fix_row, out[start:end], flags=re.S)
    return out[:start] + body + out[end:]


def plain_frame(table: Table, rows: list[Row]) -> pd.DataFrame:
    """The table's cells as printed text with its headings (the CSV beside each table)."""
    cols = table.columns
    names, used = [], set()
    for c in cols:
        name = c.header or c.kind
        if c.kind == "trend" and c.group:
            name = f"{c.header}" if c.header else c.key
        n, k = name, 2
        while n in used:
            n, k = f"{name} ({k})", k + 1
        used.add(n)
        names.append(n)
    data = [[r.cell(c.key).text for c in cols] for r in rows]
    frame = pd.DataFrame(data, columns=names)
    if table.scope == "team":
        frame.insert(0, "Team", [r.team for r in rows])
    return frame


def listing(frame: pd.DataFrame, title: str, tid: str, subtitle: str = "", source_note: str = "") -> GT:
    """A plain table of words (definitions, glossary, the QA log): headers, no colours."""
    gt = GT(frame, id=tid).tab_header(title=title, subtitle=subtitle or None)
    if source_note:
        gt = gt.tab_source_note(source_note)
    return (gt.opt_table_font(font=palette.SYSTEM_FONTS, add=False)
            .tab_options(table_font_size="13px", heading_align="left", column_labels_font_weight="bold",
                         data_row_padding="3px", source_notes_font_size="12px", table_width="100%"))


def rag_counts(rows: list[Row], sections: list[dict]) -> pd.DataFrame:
    """RED, AMBER and GREEN ratings of the county pages' rows, by section and overall."""
    out = []
    for s in sections:
        part = [r for r in rows if r.section == s["section"] and r.rag]
        if part:
            out.append({"Section": s["nav_title"], **{g: sum(r.rag == g for r in part) for g in RAGS}})
    rated = [r for r in rows if r.rag]
    out.append({"Section": "All indicators", **{g: sum(r.rag == g for r in rated) for g in RAGS}})
    frame = pd.DataFrame(out, columns=["Section", *RAGS])
    frame["Total rated"] = frame[list(RAGS)].sum(axis=1)
    return frame
