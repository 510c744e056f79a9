"""Charts of an edition (Altair, Vega-Lite), each with a plain-text alternative.

Every function is pure: it takes engine objects and returns ``(spec, description)``, where
``spec`` is a Vega-Lite dict (no ``$schema``, no URL, data inline) and ``description`` is what a
screen-reader user reads instead of the chart (it is also the spec's ``description``, which Vega
uses as the SVG's ARIA label). Nothing here rates or compares: the engine did; the charts draw
its figures and say its words.

- :func:`table_trends`: small multiples of one table's trends, several indicators per chart,
  each panel titled with the indicator (and team), its latest figure and RAG word in the
  subtitle, the target dashed and the floor dotted (named in the chart's legend and each
  panel's subtitle, never as text inside the plot), and for T polarity the green band shaded.
- :func:`district_comparison`: the latest figure of each indicator of a district block by
  district (or team), the page's own district highlighted (dark bar, bold name and figure),
  the county figure as a dashed rule, each unit's figure and RAG word in columns beside the bars.
- :func:`activity_trend`: the front page's activity series, or None without figures.

How the specs are made: each kind of layer (trend line, latest point, target rule, bar, ...)
is built once with Altair (``alt.Chart(...).to_dict()``; the tests validate every chart against the
Vega-Lite schema) and cached; a panel is those layers with its own inline data and title, and a chart
is a grid (``concat`` with ``columns``) of panels. So an edition's ~190 charts take a fraction
of a second, not the many seconds Altair's deep copies of concatenated charts would.

Charts are at most about 960 px wide (four trend panels to a line; three or four comparison
panels); the page should give them that width or let them scale down (see ``PANEL_WIDTH``).
"""

from __future__ import annotations

import copy
import functools
import math
import textwrap
from collections.abc import Iterable, Sequence

import altair as alt

from ..engine.model import Edition, Row, Table
from ..rules import numbers, periods
from . import palette

# vl-convert must compile with the Vega-Lite version Altair writes (v6.4.1 -> "6.4").
VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

# The tables' palette (content/palette.py): RAG words in its inks (at least 4.5:1 on white), the latest
# figure's dot in the table cell's fill, outlined. The word is always shown beside the colour.
RAG_COLOURS = dict(palette.RAG_INK)
NOT_RATED = palette.NOT_RATED_INK
INK = "#222222"           # text
MUTED = "#404040"         # subtitles, other districts' names
LINE = "#1F4E79"          # the trend line (dark: near-black in greyscale)
RULE = "#333333"          # target, floor and county lines (told apart by dash pattern, not colour)
BAND = "#1B7F3B"          # the green band of a T indicator, shaded lightly
HIGHLIGHT = "#1F4E79"     # the page's own district in a comparison
OTHERS = "#B4C3D3"        # the other districts
GRID = "#E3E3E3"

TARGET_DASH = [6, 3]
FLOOR_DASH = [1.5, 2.5]

PANEL_WIDTH, PANEL_HEIGHT = 190, 110      # one trend panel's plot, px
TREND_COLUMNS, TREND_PER_CHART = 4, 8
COMPARE_COLUMNS = 4                       # panels to a line (3 where the unit names are long); two lines a chart
COMPARE_WIDTH, COMPARE_STEP = 178, 13     # one comparison panel's plot, and px per district
COMPARE_FIGURES, COMPARE_WORDS = 38, 36   # px: the columns of figures and of RAG words right of the bars
TITLE_CHARS, SUBTITLE_CHARS = 31, 40      # what fits a panel's width at 11 px bold / 10 px

POLARITY_WORDS = {"H": "higher is better", "L": "lower is better", "T": "closer to the target is better"}
FREQUENCY_WORDS = {"monthly": "month", "quarterly": "quarter", "termly": "term", "annual": "year"}
SERVICES = (("CSWT", "Children's Social Work Teams"), ("EHU", "Early Help Units"))


# --- words ----------------------------------------------------------------------------------------

def _shorten(text: str, width: int, lines: int) -> list[str]:
    """``text`` wrapped to at most ``lines`` lines of ``width``, the last ending in an ellipsis if cut.

    A title ending in " - something" (a breakdown, e.g. "- CIC gap") keeps that ending, so
    that panels of the same measure for different groups stay told apart.
    """
    text = " ".join(text.split())
    out = textwrap.wrap(text, width)
    if len(out) <= lines:
        return out
    head, sep, tail = text.rpartition(" - ")
    if sep and len(tail) <= width - 4:
        words = head.split()
        for k in range(len(words), 0, -1):
            cut = textwrap.wrap(" ".join(words[:k]).rstrip(",;:-&·") + "… - " + tail, width)
            if len(cut) <= lines and not any(line.endswith("-") for line in cut):
                return cut
            if len(cut) <= lines:   # the " - " fell at a line end: the ending on a line of its own
                return [*_shorten(head, width, lines - 1), f"- {tail}"] if lines > 1 else cut
    out = out[:lines]
    last = out[-1] if len(out[-1]) < width else out[-1][: width - 1].rsplit(" ", 1)[0]
    out[-1] = last.rstrip(" ,;:-&·") + "…"
    return out


def _fmt(value: float | None, decimals: int) -> str:
    return "N/A" if value is None else numbers.show(value, max(decimals, 0))


def _period(period: str, frequency: str) -> str:
    return periods.short_label(period, frequency) if period else ""


def _inferred(source: str) -> str:
    return " (inferred)" if source == "inferred" else ""


def _name(row: Row) -> str:
    """The indicator as a description names it: code and full title (the title alone if uncoded)."""
    title = " ".join(row.title.split())
    return f"{row.code} {title}" if row.code else title


def threshold_words(row: Row, short: bool = False) -> list[str]:
    """The target and floor as words: ``["Target 65.0", "Floor 60.0 (inferred)"]``; [] without a target.

    ``short`` gives the panel subtitle's form (the band of a T target without "from ... to").
    """
    th = row.threshold
    if th is None:
        return []
    d = row.decimals
    out = []
    if th.polarity == "T":
        if th.green:
            lo, hi = _fmt(th.green[0], d), _fmt(th.green[1], d)
            band = f"green {lo}–{hi}" if short else f"green band from {lo} to {hi}"
            out.append(f"Target {_fmt(th.target, d)}, {band}" if th.target is not None else
                       (f"Green band {lo}–{hi}" if short else f"Green band from {lo} to {hi}"))
        if th.amber:
            lo, hi = _fmt(th.amber[0], d), _fmt(th.amber[1], d)
            band = f"{lo}–{hi}" if short else f"from {lo} to {hi}"
            out.append(f"Floor band {band}{_inferred(row.floor_source)}")
        return out
    if th.target is not None:
        out.append(f"Target {_fmt(th.target, d)}{_inferred(row.target_source)}")
    if th.floor is not None:
        out.append(f"Floor {_fmt(th.floor, d)}{_inferred(row.floor_source)}")
    return out


def _rating(row: Row) -> str:
    return row.rag or "not rated"


# --- a row's figures ------------------------------------------------------------------------------

def trend_points(table: Table, row: Row) -> list[dict]:
    """The row's trend and latest figures as the table prints them, oldest first.

    One record per trend/latest column: ``period`` (short label), ``value`` (float or None),
    ``text`` (as printed: a figure, "N/A" or blank) and ``latest`` (the last column).
    """
    out = []
    trend = 0
    for col in table.columns:
        if col.kind == "trend":
            period = row.periods[trend] if trend < len(row.periods) - 1 else ""
            trend += 1
        elif col.kind == "latest":
            period = row.latest
        else:
            continue
        if not period:
            continue
        cell = row.cell(col.key)
        value = cell.value if cell.value is not None and math.isfinite(cell.value) else None
        out.append({"period": _period(period, row.frequency), "value": value,
                    "text": cell.text or "", "latest": col.kind == "latest"})
    return out


def _numeric(points: Sequence[dict]) -> int:
    return sum(p["value"] is not None for p in points)


# --- specs ----------------------------------------------------------------------------------------

CONFIG = {
    "font": FONT,
    "aria": False,          # the description is the text alternative; per-mark labels only add noise
    "background": "white",
    "view": {"stroke": None},
    "padding": 6,
    "axis": {"labelColor": INK, "labelFontSize": 9, "gridColor": GRID, "domainColor": "#8C8C8C",
             "labelFont": FONT, "titleFont": FONT, "ticks": False},
    "axisX": {"labelAngle": 0, "labelPadding": 3, "grid": False},
    "axisY": {"tickCount": 4, "domain": False, "labelFlush": True},
    "title": {"color": INK, "subtitleColor": MUTED, "anchor": "start", "fontSize": 11, "fontWeight": "bold",
              "subtitleFontSize": 10, "subtitleFontWeight": "normal", "font": FONT, "subtitleFont": FONT,
              "frame": "group", "offset": 6, "subtitlePadding": 2, "lineHeight": 13, "subtitleLineHeight": 12},
    "legend": {"labelFont": FONT, "labelFontSize": 10, "labelColor": INK},
    "text": {"font": FONT},
    "concat": {"spacing": 24},
}


def _layer(chart: alt.Chart) -> dict:
    """One layer as a dict: Altair's output without what the top level carries.

    Not validated here (Altair's jsonschema check costs ~0.5 s per kernel for these few layers);
    the tests validate every chart of the edition against the Vega-Lite schema instead.
    """
    spec = chart.to_dict(validate=False)
    for key in ("$schema", "config", "data"):
        spec.pop(key, None)
    return spec


def _kind(*kinds: str) -> str:
    return " || ".join(f"datum.kind === '{k}'" for k in kinds)


# Two-line period labels: the data's "x" field is "Jul|2025", "Aug", ... (see _x_keys).
_X = alt.X("x:O", sort=None, title=None, axis=alt.Axis(labelExpr="split(datum.label, '|')"))
_Y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False, nice=True, padding=7))
_TIP = [alt.Tooltip("period:N", title="Period"), alt.Tooltip("text:N", title="Figure")]


@functools.cache
def _trend_layers(dashes: tuple[str, ...], band: bool) -> tuple[dict, ...]:
    """A trend panel's layers (data-free): green band, target/floor rules, line, points, latest point."""
    base = alt.Chart(alt.Data(values=[]))
    out = []
    if band:
        out.append(base.transform_filter(_kind("band")).mark_rect(color=BAND, opacity=0.14).encode(
            y=alt.Y("lo:Q", title=None), y2="hi:Q", tooltip=alt.Tooltip("label:N", title="Shaded")))
    if dashes:
        out.append(base.transform_filter(_kind("rule")).mark_rule(color=RULE, strokeWidth=1.3).encode(
            y=_Y, tooltip=alt.Tooltip("label:N", title="Line"),
            strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=list(dashes), range=[
                TARGET_DASH if d == "Target" else FLOOR_DASH for d in dashes]),
                legend=alt.Legend(title=None, orient="top", direction="horizontal", symbolType="stroke",
                                  symbolStrokeColor=RULE, symbolStrokeWidth=1.5, symbolSize=300))))
    points = base.transform_filter(_kind("point"))
    out.append(points.mark_line(color=LINE, strokeWidth=2, invalid="break-paths-show-domains").encode(x=_X, y=_Y))
    out.append(points.transform_filter("isValid(datum.value) && !datum.latest").mark_point(
        filled=True, color=LINE, size=22, opacity=1).encode(x=_X, y=_Y, tooltip=_TIP))
    out.append(points.transform_filter("isValid(datum.value) && datum.latest").mark_point(
        filled=True, stroke=INK, strokeWidth=1.2, size=70, opacity=1).encode(
        x=_X, y=_Y, fill=alt.Fill("fill:N", scale=None), tooltip=[*_TIP, alt.Tooltip("rag:N", title="RAG")]))
    return tuple(_layer(c) for c in out)


@functools.cache
def _compare_layers(labels: bool, team: bool, county: bool, rated: bool) -> tuple[dict, ...]:
    """A comparison panel's layers (data-free): bars, county rule, names, figures and RAG words."""
    bar_px = COMPARE_WIDTH - COMPARE_FIGURES - COMPARE_WORDS
    x = alt.X("bar:Q", title=None, axis=None, scale=alt.Scale(range=[0, bar_px], nice=False, zero=True))
    y = alt.Y("unit:N", sort=None, title=None, axis=None, scale=alt.Scale(paddingInner=0.22))
    tip = [alt.Tooltip("unit:N", title="Team" if team else "District"), alt.Tooltip("text:N", title="Figure"),
           alt.Tooltip("rating:N", title="RAG"), alt.Tooltip("target:N", title="Target")]
    base = alt.Chart(alt.Data(values=[]))
    units = base.transform_filter(_kind("unit"))
    out = [units.mark_bar().encode(x=x, y=y, tooltip=tip,
                                   color=alt.condition("datum.hl", alt.value(HIGHLIGHT), alt.value(OTHERS)))]
    if county:
        out.append(base.transform_filter(_kind("county")).mark_rule(
            color=RULE, strokeDash=TARGET_DASH, strokeWidth=1.3).encode(
            x=x, tooltip=alt.Tooltip("text:N", title="County")))
    for bold in (True, False):
        mine = units.transform_filter("datum.hl" if bold else "!datum.hl")
        weight = "bold" if bold else "normal"
        out.append(mine.mark_text(align="right", baseline="middle", fontSize=9, fontWeight=weight, color=INK)
                   .encode(x=alt.value(bar_px + COMPARE_FIGURES - 4), y=y, text="text:N", tooltip=tip))
        if labels:
            out.append(mine.mark_text(align="right", baseline="middle", fontSize=10, fontWeight=weight,
                                      color=INK if bold else MUTED)
                       .encode(x=alt.value(-6), y=y, text="unit:N", tooltip=tip))
    if rated:
        out.append(units.mark_text(align="left", baseline="middle", fontSize=8, fontWeight="bold").encode(
            x=alt.value(bar_px + COMPARE_FIGURES + 2), y=y, text="rag:N", color=alt.Color("colour:N", scale=None),
            tooltip=tip))
    return tuple(_layer(c) for c in out)


def _panel(layers: Sequence[dict], records: list[dict], title: list[str], subtitle: list[str],
           width: int, height: int | dict) -> dict:
    return {"data": {"values": records}, "layer": copy.deepcopy(list(layers)), "width": width, "height": height,
            "title": {"text": title, "subtitle": subtitle}}


def _grid(panels: list[dict], columns: int, balance: bool = False) -> dict:
    """Panels in a grid of at most ``columns`` (aligned cells, whatever each panel's title width).

    ``balance`` evens the lines out: five panels go three and two, not four and one.
    """
    if len(panels) == 1:
        return dict(panels[0])
    if balance:
        columns = math.ceil(len(panels) / math.ceil(len(panels) / columns))
    return {"concat": panels, "columns": columns}


def _finish(spec: dict, description: str) -> tuple[dict, str]:
    spec["description"] = description
    spec["config"] = copy.deepcopy(CONFIG)
    return spec, description


def _pad(lines: list[str], n: int) -> list[str]:
    """Pad a title's lines so that panels side by side start their plots at the same height."""
    return lines + [" "] * (n - len(lines))


def _chunks(items: list, per_chart: int) -> list[list]:
    """Split into the fewest charts of at most ``per_chart``, as evenly as possible."""
    if not items:
        return []
    n = math.ceil(len(items) / per_chart)
    size = math.ceil(len(items) / n)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _x_keys(labels: Sequence[str]) -> list[str]:
    """Axis keys for period labels: two lines (split at "|"), the year only where it changes.

    ``Jul-25, Aug-25, ..., Jan-26`` -> ``Jul|2025, Aug, ..., Jan|2026``; ``Autumn 24-25, Spring 24-25``
    -> ``Autumn|24-25, Spring``; other labels (``2024-25``) are kept. Falls back to the labels as
    printed if the short forms would repeat (a window longer than a year).
    """
    out, year = [], None
    for label in labels:
        part, this = None, None
        if len(label) == 6 and label[3] == "-" and label[4:].isdigit():          # Jan-26
            part, this = label[:3], "20" + label[4:]
        elif " " in label and label.rsplit(" ", 1)[1][:2].isdigit():           # Q3 25-26, Autumn 25-26
            part, this = label.rsplit(" ", 1)
        out.append(label if part is None else (f"{part}|{this}" if this != year else part))
        year = this
    return out if len(set(out)) == len(out) else list(labels)


# --- 1. a table's trends --------------------------------------------------------------------------

def _title_lines(row: Row) -> list[str]:
    if row.team:
        head = _shorten(f"{row.code} · {row.team}" if row.code else row.team, TITLE_CHARS, 2)
        return head + _shorten(row.title, TITLE_CHARS, 3 - len(head))
    if row.code:
        return _shorten(f"{row.code} · {row.title}", TITLE_CHARS, 2)
    return _shorten(row.title, TITLE_CHARS, 2)


def _latest_words(row: Row, points: list[dict]) -> str:
    last = points[-1]
    if last["value"] is None:
        return f"{last['period']}: {last['text'] or 'no figure'}"
    return f"{last['period']}: {last['text']} {row.rag}" if row.rag else f"{last['period']}: {last['text']}, not rated"


def _subtitle_lines(row: Row, points: list[dict]) -> list[str]:
    out = [_latest_words(row, points)]
    th = threshold_words(row, short=True)
    if not th:
        out.append("No target")
    elif row.rated_as == "T":
        out += th
    else:
        joined = " · ".join(th)
        out += [joined] if len(joined) <= SUBTITLE_CHARS else th
    return out


def _lines_of(row: Row) -> list[dict]:
    """The target and floor lines (a T indicator's floor band gives two) and the green band."""
    th = row.threshold
    if th is None:
        return []
    rules: list[tuple[str, float]] = []
    if th.target is not None:
        rules.append(("Target", th.target))
    if th.polarity == "T":
        rules += [("Floor", edge) for edge in th.amber or ()]
    elif th.floor is not None:
        rules.append(("Floor", th.floor))
    out = [{"kind": "rule", "line": line, "value": v, "label": f"{line} {_fmt(v, row.decimals)}"}
           for line, v in rules]
    if th.polarity == "T" and th.green:
        out.append({"kind": "band", "lo": th.green[0], "hi": th.green[1],
                    "label": f"Green band {_fmt(th.green[0], row.decimals)} to {_fmt(th.green[1], row.decimals)}"})
    return out


def _trend_records(row: Row, points: list[dict]) -> list[dict]:
    keys = _x_keys([p["period"] for p in points])
    fill = palette.RAG_FILL.get(row.rag, NOT_RATED)
    out = [{"kind": "point", "x": k, "period": p["period"], "value": p["value"], "text": p["text"] or "no figure",
            "latest": p["latest"], **({"fill": fill, "rag": _rating(row)} if p["latest"] else {})}
           for k, p in zip(keys, points)]
    return out + _lines_of(row)


def describe_row_trend(row: Row, points: list[dict]) -> str:
    """One indicator's trend in words: figures by period, target and floor, the latest rating."""
    who = f", {row.team}" if row.team else ""
    pol = POLARITY_WORDS.get(row.rated_as, "")
    parts = [f"{_name(row)}{who}" + (f" ({pol})" if pol else "") + ":",
             ", ".join(f"{p['period']} {p['text'] or 'no figure'}" for p in points) + "."]
    th = threshold_words(row)
    parts.append(". ".join(th) + "." if th else "No target.")
    last = points[-1]
    rating = f", {_rating(row)}" if last["value"] is not None else ""
    parts.append(f"Latest, {last['period']}: {last['text'] or 'no figure'}{rating}.")
    return " ".join(parts)


def _rows_of(table: Table, section_rows: Iterable[Row] | None) -> list[Row]:
    if section_rows is None:
        return list(table.rows)
    keep = {(r.block, r.indicator, r.area, r.team, r.page) for r in section_rows}
    return [r for r in table.rows if (r.block, r.indicator, r.area, r.team, r.page) in keep]


def describe_uncharted(table: Table, section_rows: Iterable[Row] | None = None) -> str:
    """The sentences naming a table's rows with too few figures to chart ("" if none)."""
    none, one = [], []
    for r in _rows_of(table, section_rows):
        pts = trend_points(table, r)
        label = f"{r.label} ({r.team})" if r.team else r.label
        figures = [p for p in pts if p["value"] is not None]
        if not figures:
            none.append(label)
        elif len(figures) == 1:
            one.append(f"{label}, {figures[0]['period']} {figures[0]['text']}")
    out = []
    if none:
        out.append("No figures to chart: " + "; ".join(none) + ".")
    if one:
        out.append("Only one figure, so no trend to chart: " + "; ".join(one) + ".")
    return " ".join(out)


def table_trends(table: Table, section_rows: Iterable[Row] | None = None, *, columns: int | None = None,
                 per_chart: int = TREND_PER_CHART) -> list[tuple[dict, str]]:
    """Small multiples of a table's trends: one panel per row with two or more figures.

    ``section_rows`` limits the panels to those rows (e.g. a county section's rows of the
    table). Panels are grouped into charts of at most ``per_chart``, four to a line (or
    ``columns``); a team block's charts hold one team each. Rows with fewer than two figures
    are named in the last chart's description (and by :func:`describe_uncharted`, for a
    table with nothing to chart, which gives []).
    """
    rows = _rows_of(table, section_rows)
    by_team: dict[str, list[tuple[Row, list[dict]]]] = {}
    for r in rows:
        pts = trend_points(table, r)
        if _numeric(pts) >= 2:
            by_team.setdefault(r.team, []).append((r, pts))
    groups = [chunk for items in by_team.values() for chunk in _chunks(items, per_chart)]
    missing = describe_uncharted(table, rows)
    out = []
    for k, group in enumerate(groups):
        titles = [_title_lines(r) for r, _ in group]
        subs = [_subtitle_lines(r, p) for r, p in group]
        n_title, n_sub = max(map(len, titles)), max(map(len, subs))
        lines = [_lines_of(r) for r, _ in group]
        present = {rec["line"] for recs in lines for rec in recs if rec["kind"] == "rule"}
        dashes = tuple(d for d in ("Target", "Floor") if d in present)
        panels = []
        for (r, p), title, sub in zip(group, titles, subs):
            band = r.threshold is not None and r.threshold.polarity == "T" and bool(r.threshold.green)
            panels.append(_panel(_trend_layers(dashes, band), _trend_records(r, p), _pad(title, n_title),
                                 _pad(sub, n_sub), PANEL_WIDTH, PANEL_HEIGHT))
        spec = _grid(panels, columns or TREND_COLUMNS, balance=columns is None)
        if dashes and len(panels) > 1:
            spec["resolve"] = {"scale": {"strokeDash": "shared"}, "legend": {"strokeDash": "shared"}}
        out.append(_finish(spec, _describe_trends(table, group, k, len(groups),
                                                  missing if k == len(groups) - 1 else "")))
    return out


def _describe_trends(table: Table, group: list[tuple[Row, list[dict]]], k: int, n: int, missing: str) -> str:
    teams = {r.team for r, _ in group}
    area = group[0][0].team if len(teams) == 1 and group[0][0].team else table.area
    which = f" (chart {k + 1} of {n})" if n > 1 else ""
    freq = {r.frequency for r, _ in group}
    by = f" by {FREQUENCY_WORDS[next(iter(freq))]}" if len(freq) == 1 and next(iter(freq)) in FREQUENCY_WORDS else ""
    kinds = "indicator" if len(group) == 1 else "indicators"
    band = "; a T indicator's green band is shaded" if any(r.rated_as == "T" for r, _ in group) else ""
    lines = [f"Line charts of {len(group)} {kinds} from the table {table.title}, {area}{which}. "
             f"Each shows the figures{by}; the target is a dashed line, the floor a dotted line{band}. "
             "The latest figure is a larger dot in its RAG colour."]
    lines += [describe_row_trend(r, p) for r, p in group]
    if missing:
        lines.append(missing)
    return "\n".join(lines)


# --- 2. districts compared ------------------------------------------------------------------------

def _service(team: str) -> str:
    return next((s for s, _ in SERVICES if team.endswith(" " + s)), "")


def _unit_label(row: Row) -> str:
    """A comparison's name for a unit: the district, or the team without its service (the title says it)."""
    if not row.team:
        return row.area
    s = _service(row.team)
    return row.team[: -len(s) - 1] if s else row.team


def _latest_text(table: Table, row: Row) -> str:
    col = next((c for c in table.columns if c.kind == "latest"), None)
    text = row.cell(col.key).text if col else ""
    return text or _fmt(row.value, row.decimals)


def _county_figure(edition: Edition, indicator: str) -> tuple[float, str] | None:
    """The county's latest figure for an indicator (from a county page's table), as value and as printed."""
    for t in edition.tables:
        if t.page:
            continue
        for r in t.rows:
            if r.indicator == indicator and not r.team and r.area == edition.county and r.value is not None:
                return r.value, _latest_text(t, r)
    return None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank(units: list[tuple[Table, Row]], row: Row) -> str:
    """``"3rd best of 12"`` for H and L indicators (ties share a rank: "joint 1st"); "" otherwise."""
    if row.value is None or row.rated_as not in ("H", "L"):
        return ""
    vals = [round(r.value, r.decimals) for _, r in units if r.value is not None]
    mine = round(row.value, row.decimals)
    better = sum(v > mine for v in vals) if row.rated_as == "H" else sum(v < mine for v in vals)
    joint = "joint " if vals.count(mine) > 1 else ""
    return f"{joint}{_ordinal(better + 1)} best of {len(vals)}"


def _compare_title(row: Row) -> list[str]:
    return _shorten(f"{row.code} · {row.title}" if row.code else row.title, TITLE_CHARS - 4, 2)  # narrower panels


def _compare_records(units: list[tuple[Table, Row]], county: tuple[float, str] | None,
                     highlighted: set[str]) -> list[dict]:
    out = []
    for t, r in units:
        out.append({"kind": "unit", "unit": _unit_label(r), "bar": r.value if r.value is not None else 0,
                    "text": _latest_text(t, r), "rag": r.rag, "colour": RAG_COLOURS.get(r.rag, NOT_RATED),
                    "rating": r.rag or ("no figure" if r.value is None else "not rated"),
                    "hl": (r.team or r.area) in highlighted,
                    "target": " · ".join(threshold_words(r, short=True)) or "none"})
    if county is not None:
        out.append({"kind": "county", "bar": county[0], "text": county[1]})
    return out


def district_comparison(edition: Edition, block: str, district: str, indicator: str | None = None, *,
                        columns: int | None = None, per_chart: int | None = None) -> list[tuple[dict, str]]:
    """How the districts (teams, for a team block) compare on the latest figure of each indicator.

    ``block`` is a district block (a ``district-...`` block id), ``district`` the page whose units
    are highlighted (a team block's teams on that page). One panel per indicator (only
    ``indicator`` if given), in charts that share one list of units (a team block's Children's
    Social Work Teams and Early Help Units apart), two lines of panels at most. Indicators no
    unit has a figure for are named in the last chart's description instead.
    """
    tables = [t for t in edition.tables if t.block == block and t.page]
    if not tables:
        raise KeyError(f"no district table for block '{block}'")
    own = [r for t in tables if t.page == district for r in t.rows]
    if not own:
        raise KeyError(f"block '{block}' has no rows on the page '{district}'")
    order = list(dict.fromkeys(r.indicator for r in own))
    if indicator is not None:
        if indicator not in order:
            raise KeyError(f"indicator '{indicator}' is not in block '{block}' on '{district}'")
        order = [indicator]
    by_ind: dict[str, dict[str, tuple[Table, Row]]] = {i: {} for i in order}
    for t in tables:
        for r in t.rows:
            if r.indicator in by_ind:   # a team shown on two pages is one unit
                by_ind[r.indicator].setdefault(r.team or r.area, (t, r))
    highlighted = {r.team or r.area for r in own}
    team = tables[0].scope == "team"
    groups: dict[tuple[str, ...], list[list[tuple[Table, Row]]]] = {}
    empty: list[str] = []
    for ind in order:
        units = list(by_ind[ind].values())
        if not any(r.value is not None for _, r in units):
            empty.append(units[0][1].label)
            continue
        groups.setdefault(tuple(r.team or r.area for _, r in units), []).append(units)
    charts = []
    for members in groups.values():
        wide = max(len(_unit_label(r)) for _, r in members[0]) > 24   # long team names: three to a line
        cols = columns or (3 if wide else COMPARE_COLUMNS)
        charts += [(cols, chunk) for chunk in _chunks(members, per_chart or 2 * cols)]
    out = []
    for k, (cols, chunk) in enumerate(charts):
        panels = []
        n_title = max(len(_compare_title(units[0][1])) for units in chunk)
        service = _service(chunk[0][0][1].team) if team else ""
        for i, units in enumerate(chunk):
            first = units[0][1]
            county = _county_figure(edition, first.indicator)
            draw_county = county is not None and first.unit != "count"   # a county count is the districts' sum
            subtitle = _period(first.latest, first.frequency) or " "
            if county is not None:
                subtitle += (f" · {edition.county} {county[1]} (dashed line)" if draw_county
                             else f" · {edition.county} total {county[1]}")
            rated = any(r.rag for _, r in units)
            if not rated:
                subtitle += " · not rated"
            layers = _compare_layers(i % cols == 0, team, draw_county, rated)
            records = _compare_records(units, county if draw_county else None, highlighted)
            panels.append(_panel(layers, records, _pad(_compare_title(first), n_title), [subtitle],
                                 COMPARE_WIDTH, {"step": COMPARE_STEP}))
        spec = _grid(panels, cols)
        what = dict(SERVICES).get(service, "teams") if team else "districts"
        if len(panels) > 1:
            spec["title"] = {"text": f"{what[0].upper()}{what[1:]} compared: latest figures", "fontSize": 12,
                             "offset": 10}
        desc = _describe_comparison(edition, chunk, district, highlighted, what, k, len(charts),
                                    empty if k == len(charts) - 1 else [])
        out.append(_finish(spec, desc))
    return out


def _describe_comparison(edition: Edition, chunk: list[list[tuple[Table, Row]]], district: str,
                         highlighted: set[str], what: str, k: int, n: int, empty: list[str]) -> str:
    which = f" (chart {k + 1} of {n})" if n > 1 else ""
    own = sorted({_unit_label(r) for _, r in chunk[0] if (r.team or r.area) in highlighted})
    kinds = "indicator" if len(chunk) == 1 else "indicators"
    lines = [f"Bar charts comparing the {len(chunk[0])} {what} on the latest figure of {len(chunk)} {kinds}{which}. "
             f"{' and '.join(own) or district} "
             f"{'is' if len(own) <= 1 else 'are'} highlighted. The dashed line is the {edition.county} figure."]
    for units in chunk:
        first = units[0][1]
        county = _county_figure(edition, first.indicator)
        pol = POLARITY_WORDS.get(first.rated_as, "")
        parts = [_name(first) + (f" ({pol})" if pol else "") + f", {_period(first.latest, first.frequency)}:"]
        for t, r in units:
            if (r.team or r.area) in highlighted:
                rank = _rank(units, r)
                rating = _rating(r) if r.value is not None else "no figure"
                parts.append(f"{_unit_label(r)} {_latest_text(t, r)}, {rating}" + (f", {rank}" if rank else "") + ".")
        if county is not None:
            total = " (total; not drawn)" if first.unit == "count" else ""
            parts.append(f"{edition.county} {county[1]}{total}.")
        others = [f"{_unit_label(r)} {_latest_text(t, r)}" + (f" {r.rag}" if r.rag else "")
                  for t, r in units if (r.team or r.area) not in highlighted]
        if others:
            parts.append("Others: " + "; ".join(others) + ".")
        lines.append(" ".join(parts))
    if empty:
        lines.append("No figures to compare: " + "; ".join(empty) + ".")
    return "\n".join(lines)


# --- 3. activity ----------------------------------------------------------------------------------

def activity_trend(series: list[tuple[str, float | None]], title: str, *, area: str = "",
                   decimals: int | None = None, width: int = 380, height: int = 150) -> tuple[dict, str] | None:
    """A front-page activity series (``[("Jul-25", 1234.0), ...]``, oldest first) as a line chart.

    None when no figure is numeric (the page says so in a sentence instead). Activity measures
    have no target, so nothing is rated. ``decimals`` formats the figures (default: none for
    whole numbers, else one).
    """
    pts = [(str(p), None if v is None or not math.isfinite(float(v)) else float(v)) for p, v in series]
    present = [(p, v) for p, v in pts if v is not None]
    if not present:
        return None
    if decimals is None:
        decimals = 0 if all(v.is_integer() for _, v in present) else 1
    keys = _x_keys([p for p, _ in pts])
    records = [{"kind": "point", "x": k, "period": p, "value": v, "text": _fmt(v, decimals), "latest": False}
               for k, (p, v) in zip(keys, pts)]
    layers = _trend_layers((), False)[:2]   # the line and its points
    last_p, last_v = present[-1]
    where = f"{area}, " if area else ""
    first_p, end_p = pts[0][0], pts[-1][0]
    spec = _panel(layers, records, _shorten(title, 56, 2),
                  [f"{where}{first_p} to {end_p} · latest {last_p}: {_fmt(last_v, decimals)}"], width, height)
    spec["title"]["fontSize"] = 12
    missing = [p for p, v in pts if v is None]
    desc = (f"Line chart of {' '.join(title.split())}{' for ' + area if area else ''}, {first_p} to {end_p}. "
            "Figures: " + ", ".join(f"{r['period']} {r['text']}" for r in records) + ". "
            f"Latest, {last_p}: {_fmt(last_v, decimals)}. No target is set, so it is not rated."
            + (f" No figure for {', '.join(missing)}." if missing else ""))
    return _finish(spec, desc)


__all__ = ["table_trends", "district_comparison", "activity_trend", "describe_uncharted", "describe_row_trend",
           "threshold_words", "trend_points", "RAG_COLOURS", "FONT", "VL_VERSION"]
