"""The edition's tables, rendered with great-tables from the engine's rows.

Every cell comes from ``edition.build``: this module only lays the rows out the
way the printed scorecard does (trend columns, latest period, direction of
travel, this year's and last year's ratings, benchmarks) and formats them.
It never decides a rating or an arrow. RAG cells carry the colour *and* the
word, arrows carry the word, and the indicator title is the row header, so the
table reads the same without colour or sight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as html_escape

import pandas as pd
from great_tables import GT, html, loc, style

from . import formatting, palette, periods
from .direction import Dot

LATEST_WORD = {"monthly": "Month", "quarterly": "Quarter", "termly": "Term", "annual": "Year"}
SEASONAL = "[seasonally impacted indicator]"
SECTIONS = {"send": "SEND", "social-care": "Children's Social Care", "early-help": "Intensive Early Help",
            "education": "Education"}
RAGS = ("RED", "AMBER", "GREEN")
NA = formatting.NOT_AVAILABLE

SOURCE = ("Source: Kent County Council, Children, Young People and Education Directorate Scorecard, "
          "{month}. Management Information & Intelligence.")
KEY = ("RAG: GREEN target achieved; AMBER floor standard achieved but target not met; RED floor standard not "
       "achieved. DOT (direction of travel): ↑ Improved, ↓ Worsened, ↔ No change. Polarity: H higher is better, "
       "L lower is better, T close to target. Data period: R12M rolling 12 months, MS monthly snapshot, "
       "Q quarterly, T termly, A annual. N/A: data not available.")


_INFO: dict[str, dict] = {}


def table_info(tid: str) -> dict | None:
    """What ``rag_table`` recorded about a table id: block, district, title, subtitle and the CSV frame."""
    return _INFO.get(tid)


@dataclass(frozen=True)
class Column:
    """One displayed column: internal key, plain label (CSV), optional HTML label, spanner."""

    key: str
    label: str
    spanner: str | None = None
    html_label: str | None = None
    align: str = "right"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def block_rows(edition: pd.DataFrame, block: str, district: str | None = None) -> pd.DataFrame:
    """The printed rows of one block on one page, in printed order."""
    rows = edition[edition["block"] == block]
    if rows.empty:
        raise ValueError(f"no rows for block '{block}' in this edition")
    if rows["page"].iloc[0] == "district":
        if not district:
            raise ValueError(f"block '{block}' is printed once per district: pass district=")
        rows = rows[rows["district_page"] == district]
        if rows.empty:
            raise ValueError(f"no rows for block '{block}' on the {district} page")
    else:
        rows = rows[rows["district_page"] == ""]
    return rows.sort_values("seq")


def edition_month(edition: pd.DataFrame) -> str:
    """The edition's month as words (``January 2026``), from its monthly rows."""
    monthly = edition.loc[edition["frequency"] == "monthly", "period"]
    monthly = monthly[monthly != ""]
    if monthly.empty:
        return ""
    return periods.Month.parse(max(monthly)).long_label()


def _outturn_word(scope: str) -> str:
    return {"kent": "Kent", "district": "District", "team": "Team"}.get(scope, "Kent")


def columns(rows: pd.DataFrame) -> list[Column]:
    """The columns of a block, in the edition's order."""
    first = rows.iloc[0]
    freq = first["frequency"]
    shown = next((p for p in rows["periods"] if p), [])
    latest = shown[-1] if shown else ""
    trend_word = "Monthly" if freq == "monthly" else freq.capitalize()
    cols = [Column("code", "Code", align="left"), Column("indicator", "Indicator", align="left"),
            Column("polarity", "Polarity", align="center"), Column("data_period", "Data Period", align="center"),
            Column("qpr", "QPR", align="center")]
    for i, p in enumerate(shown[:-1]):
        cols.append(Column(f"t{i}", periods.short_label(p, freq), spanner=f"{trend_word} Trends"))
    latest_span = f"Latest {LATEST_WORD[freq]}"
    short = periods.short_label(latest, freq) if latest else ""
    cols += [Column("measure", f"Measure ({short})", latest_span, html_label=f"Measure<br>{_keep(short)}"),
             Column("numerator", "Numerator", latest_span), Column("denominator", "Denominator", latest_span)]
    year, prev, nxt = first["year"], first["prev_year"], first["next_year"]
    if freq == "annual":
        cols += [Column("target", f"Target {year}"), Column("rag", f"RAG {year}", align="center"),
                 Column("dot", "DOT", align="left"), Column("target_next", f"Target {nxt}")]
    elif freq == "termly":
        term = latest.split(" ")[-1] if latest else ""
        cols += [Column("dot", "DOT", align="left"), Column("target", f"Target {term} {year}".replace("  ", " ")),
                 Column("rag", f"RAG {year}", align="center")]
    else:
        cols += [Column("dot", "DOT", align="left"), Column("target", f"Target {year}"),
                 Column("rag", f"RAG {year}", align="center"),
                 Column("outturn", f"{_outturn_word(first['scope'])} Outturn {prev}"),
                 Column("target_prev", f"Target {prev}"), Column("rag_prev", f"RAG {prev}", align="center")]
    for i, name in enumerate(first["benchmarks"] or {}):
        cols.append(Column(f"bench{i}", name))
    return cols


_PERIOD_TOKEN = re.compile(r"\b(?:\d{4}-\d{2}|[A-Z][a-z]{2}-\d{2}|\d{2}-\d{2})\b")


def _keep(label: str) -> str:
    """HTML for a header that may wrap between words but never inside ``2025-26`` or ``Jan-26``."""
    return _PERIOD_TOKEN.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>',
                             html_escape(label))


def _dot_text(dot: str) -> str:
    if not dot:
        return ""
    d = Dot(dot)
    return f"{d.arrow} {d.words}"


def cells(row: Mapping) -> dict[str, str]:
    """The displayed text of every cell of one edition row, keyed by column key."""
    unit, dec = row["unit"], int(row["decimals"])
    na = row["status"] == "not_available"

    def val(v) -> str:
        return formatting.value(None if _missing(v) else v, unit, dec)

    def count(v, d) -> str:
        if _missing(v):
            return NA if na else ""
        return formatting.number(v, int(d))

    def text(t: str) -> str:
        return NA if na else (t or "")

    trend = list(row["trend"] or [])
    out = {"code": row["code"] or "", "indicator": row["title"], "polarity": row["polarity"] or "",
           "data_period": row["data_period"] or "", "qpr": "Yes" if row["qpr"] else ""}
    for i, v in enumerate(trend[:-1]):
        out[f"t{i}"] = val(v)
    out.update(measure=val(row["value"]), numerator=count(row["numerator"], row["num_decimals"]),
               denominator=count(row["denominator"], row["den_decimals"]),
               dot=text(_dot_text(row["dot"])), target=text(row["target_text"]), rag=text(row["rag"]),
               outturn=NA if na else ("" if _missing(row["outturn"]) else val(row["outturn"])),
               target_prev=text(row["target_prev_text"]), rag_prev=text(row["rag_prev"]),
               target_next=text(row["target_next_text"]))
    for i, v in enumerate((row["benchmarks"] or {}).values()):
        out[f"bench{i}"] = val(v)
    return out


def _display(rows: pd.DataFrame, cols: list[Column]) -> pd.DataFrame:
    keys = [c.key for c in cols]
    frame = pd.DataFrame([cells(r) for r in rows.to_dict("records")], columns=keys).fillna("")
    if rows["scope"].iloc[0] == "team":
        frame.insert(0, "team", rows["team"].to_numpy())
    return frame


def table_frame(edition: pd.DataFrame, block: str, district: str | None = None) -> pd.DataFrame:
    """The table's cells as displayed text, with plain column labels (the CSV next to each table)."""
    rows = block_rows(edition, block, district)
    cols = columns(rows)
    return _display(rows, cols).rename(columns={c.key: c.label for c in cols} | {"team": "Team"})


def table_id(block: str, district: str | None = None) -> str:
    """A stable HTML id, so rebuilding a page gives the same bytes."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{block} {district or ''}".lower()).strip("-")
    return f"tbl-{slug}"


def _style_rag(gt: GT, frame: pd.DataFrame, keys: list[str]) -> GT:
    for key in keys:
        if key not in frame.columns:
            continue
        for rag in RAGS:
            idx = [i for i, v in enumerate(frame[key]) if v == rag]
            if idx:
                gt = gt.tab_style(style=[style.fill(color=palette.fill(rag)),
                                         style.text(color=palette.text_on(rag), weight="bold")],
                                  locations=loc.body(columns=key, rows=idx))
    return gt


def _base_style(gt: GT, tid: str) -> GT:
    return (gt.opt_table_font(font=palette.SYSTEM_FONTS, add=False)
            .tab_options(table_font_size="13px", heading_title_font_size="16px", heading_subtitle_font_size="13px",
                         column_labels_font_weight="bold", column_labels_font_size="12px",
                         column_labels_padding_horizontal="3px", heading_align="left", data_row_padding="4px",
                         data_row_padding_horizontal="3px", source_notes_font_size="12px",
                         row_group_font_weight="bold")
            .opt_css(f"#{tid} th.gt_row {{ font-weight: normal; min-width: 16em; }}\n"
                     f"#{tid} .gt_col_heading {{ white-space: normal; }}"))


def rag_table(edition: pd.DataFrame, block: str, district: str | None = None) -> GT:
    """A block as the edition prints it: one row per printed row, ratings from the engine."""
    rows = block_rows(edition, block, district)
    cols = columns(rows)
    frame = _display(rows, cols)
    plain = frame.rename(columns={c.key: c.label for c in cols} | {"team": "Team"})
    seasonal = [i for i, s in enumerate(rows["seasonal"]) if s]
    for i in seasonal:
        frame.loc[i, "indicator"] = frame.loc[i, "indicator"].replace(SEASONAL, "").strip()
    first = rows.iloc[0]
    tid = table_id(block, district)
    team = first["scope"] == "team"
    gt = GT(frame, groupname_col="team" if team else None, id=tid)
    area = district or first["area"]
    month = edition_month(edition)
    subtitle = f"{area}, {month} edition" if month else area
    gt = gt.tab_header(title=first["block_title"], subtitle=subtitle)
    _INFO[tid] = {"block": block, "district": district, "title": first["block_title"], "subtitle": subtitle,
                  "frame": plain}
    spanners: dict[str, list[str]] = {}
    for c in cols:
        if c.spanner:
            spanners.setdefault(c.spanner, []).append(c.key)
    for label, keys in spanners.items():
        gt = gt.tab_spanner(label=label, columns=keys, id=f"{tid}-{re.sub(r'[^a-z]+', '-', label.lower())}")
    gt = gt.cols_label(**{c.key: html(c.html_label or _keep(c.label)) for c in cols})
    for align in ("left", "center", "right"):
        keys = [c.key for c in cols if c.align == align]
        if keys:
            gt = gt.cols_align(align=align, columns=keys)
    gt = _style_rag(gt, frame, ["rag", "rag_prev"])
    others = [c.key for c in cols if c.key != "indicator"]
    gt = gt.tab_style(style=style.text(whitespace="nowrap"), locations=loc.body(columns=others))
    if seasonal:
        gt = gt.tab_footnote(SEASONAL, locations=loc.body(columns="indicator", rows=seasonal))
    gt = gt.tab_source_note(SOURCE.format(month=month or "")).tab_source_note(KEY)
    return _base_style(gt, tid)


def rag_counts(edition: pd.DataFrame, pages: tuple[str, ...] = ("kent",)) -> pd.DataFrame:
    """RED, AMBER and GREEN ratings on the Kent pages, by commentary section and overall.

    Counts printed rows that carry a rating this year; the vulnerable learners and
    district pages repeat Kent indicators and are left out unless asked for.
    """
    rated = edition[edition["page"].isin(pages) & edition["rag"].isin(RAGS)]
    out = []
    for section, label in SECTIONS.items():
        part = rated[rated["section"] == section]
        out.append({"section": label, **{r: int((part["rag"] == r).sum()) for r in RAGS}})
    out.append({"section": "All indicators", **{r: int((rated["rag"] == r).sum()) for r in RAGS}})
    frame = pd.DataFrame(out)
    frame["Total rated"] = frame[list(RAGS)].sum(axis=1)
    return frame


def rag_summary_table(edition: pd.DataFrame, pages: tuple[str, ...] = ("kent",)) -> GT:
    """The overview's headline: how many indicators are RED, AMBER and GREEN, by section."""
    counts = rag_counts(edition, pages).rename(columns={"section": "Section"})
    tid = "tbl-rag-summary"
    gt = GT(counts, rowname_col="Section", id=tid).tab_stubhead(label="Section")
    month = edition_month(edition)
    title, subtitle = "RAG ratings of Kent indicators", f"Kent, {month} edition" if month else "Kent"
    gt = gt.tab_header(title=title, subtitle=subtitle)
    _INFO[tid] = {"block": None, "district": None, "title": title, "subtitle": subtitle, "frame": counts}
    gt = gt.cols_align(align="right", columns=[*RAGS, "Total rated"])
    for rag in RAGS:
        gt = gt.tab_style(style=[style.fill(color=palette.fill(rag)), style.text(color=palette.text_on(rag))],
                          locations=loc.column_labels(columns=rag))
    gt = gt.tab_style(style=style.text(weight="bold"), locations=loc.body(rows=[len(counts) - 1]))
    gt = gt.tab_source_note("Counts of rows on the Kent pages rated against this year's target. "
                            "GREEN target achieved; AMBER floor standard achieved but target not met; "
                            "RED floor standard not achieved.")
    return _base_style(gt, tid)


def short_label(row: Mapping, width: int = 48) -> str:
    """The printed code, or the start of the title where the edition prints no code."""
    if row["code"]:
        return row["code"]
    title = row["title"].replace(SEASONAL, "").strip()
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def district_matrix_frame(edition: pd.DataFrame, block: str = "district-ics-monthly") -> pd.DataFrame:
    """One tidy row per indicator and district (or team) of a district block, for the comparison chart.

    Teams that serve two districts appear on both pages; they are kept once.
    """
    rows = edition[edition["block"] == block]
    if rows.empty:
        raise ValueError(f"no rows for block '{block}' in this edition")
    team = rows["scope"].iloc[0] == "team"
    unit_col = "team" if team else "area"
    rows = rows.sort_values("seq").drop_duplicates([unit_col, "indicator"])
    out = []
    for r in rows.to_dict("records"):
        out.append({
            "indicator": r["indicator"], "label": short_label(r), "title": r["title"], "position": r["position"],
            "unit": r[unit_col], "service": r["service"], "rag": r["rag"], "status": r["status"],
            "value": None if _missing(r["value"]) else r["value"],
            "value_text": formatting.with_unit(None if _missing(r["value"]) else r["value"], r["unit"],
                                               int(r["decimals"])),
            "target_text": r["target_text"], "dot": r["dot"], "period": r["period"],
        })
    return pd.DataFrame(out)


_SCOPE_FIX = re.compile(r'(<th class="gt_group_heading"[^>]*?)scope="col(?:group)?"')
_IMPORT = re.compile(r"@import\s+url\([^)]*\)\s*;?")


def table_html(gt: GT) -> str:
    """The table's HTML, offline and with row headers.

    great-tables has no row headers unless a stub leads the table, but the edition
    puts the code first; so the indicator cell of each body row becomes a
    ``<th scope="row">`` and every cell in the row names it in ``headers``.
    Group headings get ``scope="rowgroup"``, the scrolling wrapper becomes a
    focusable region, and any ``@import`` is removed.
    """
    out = _IMPORT.sub("", gt.as_raw_html())
    out = _SCOPE_FIX.sub(r'\1scope="rowgroup"', out)
    tid = gt._options.table_id.value
    if tid and out.startswith(f'<div id="{tid}"'):
        # the wrapper scrolls sideways on narrow screens: keyboard users must be able to reach it
        out = out.replace(f'<div id="{tid}"', f'<div id="{tid}" role="region" tabindex="0" '
                          f'aria-labelledby="{tid}-title {tid}-subtitle"', 1)
    if not tid or "<tbody" not in out:
        return out
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
