"""Charts of the edition's rows, with Altair, and their text alternatives.

Charts show what the tables show, drawn: the trend, the target and floor, and
the latest point in its RAG colour *with* the RAG word next to it. Every chart
carries a plain-text description (Vega-Lite's ``description``, which Vega also
uses as the SVG's ARIA label); ``describe`` returns it for captions and
``text/plain`` outputs. Nothing here rates or compares: the engine did.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from . import formatting, palette, periods, tables
from .dataset import Dataset
from .direction import Dot

# vl-convert must compile with the Vega-Lite version Altair writes (v6.4.1 -> "6.4").
VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
FONT = ", ".join(palette.SYSTEM_FONTS)
Chart = alt.TopLevelMixin

UNIT_TITLE = {"percent": "Percentage", "count": "Number", "days": "Days", "caseload": "Average caseload",
              "score": "Score", "gap": "Gap (percentage points)", "rate_per_10k": "Rate per 10,000"}
DOT_WORDS = {"improved": "improved", "worsened": "worsened", "same": "no change"}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _fmt(row: Mapping, v) -> str:
    return formatting.with_unit(None if _missing(v) else float(v), row["unit"], int(row["decimals"]))


def _range(text: str) -> tuple[float, float] | None:
    """``17.5 - 22.5`` -> (17.5, 22.5); the engine prints T-polarity targets and floors as ranges."""
    m = re.fullmatch(r"\s*(-?[\d,.]+)\s+-\s+(-?[\d,.]+)\s*", text or "")
    return (float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))) if m else None


def _who(row: Mapping) -> str:
    return f"{row['area']}, {row['team']}" if row.get("team") else row["area"]


def headline(row: Mapping, width: int = 40) -> str:
    """``EH72-F: 26.0% (AMBER, improved)`` - the figure a reader looks for first."""
    label = tables.short_label(row, width) if row["code"] or width >= 30 else ""
    lead = f"{label}: " if label else ""
    if row["status"] == "not_available" or _missing(row["value"]):
        return f"{lead}data not available"
    said = [w for w in (row["rag"], DOT_WORDS.get(row["dot"], "")) if w]
    return f"{lead}{_fmt(row, row['value'])}" + (f" ({', '.join(said)})" if said else "")


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out = textwrap.wrap(text.replace(tables.SEASONAL, "").strip(), width)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def describe_row(row: Mapping) -> str:
    """A text alternative for a row's trend chart: what it shows, latest value, target, RAG and direction."""
    freq = row["frequency"]
    labels = [periods.short_label(p, freq) for p in row["periods"] or []]
    name = f"{row['code']} " if row["code"] else ""
    what = f"Trend of {name}{row['title'].replace(tables.SEASONAL, '').strip()} for {_who(row)}"
    if labels:
        what += f", {freq} from {labels[0]} to {labels[-1]}."
    else:
        what += "."
    if row["status"] == "not_available" or _missing(row["value"]):
        return f"{what} Data not available for {_who(row)}."
    parts = [what, f"Latest value ({labels[-1] if labels else row['period']}): {_fmt(row, row['value'])}."]
    if row["target_text"]:
        floor = f", floor standard {row['floor_text']}" if row.get("floor_text") else ""
        parts.append(f"Target {row['year']}: {row['target_text']}{floor}.")
    else:
        parts.append("No target is set.")
    if row["rag"]:
        parts.append(f"RAG rating: {row['rag']}.")
    if row["dot"]:
        before = "" if _missing(row.get("previous")) else f" (compared with {_fmt(row, row['previous'])})"
        parts.append(f"Direction of travel: {Dot(row['dot']).words}{before}.")
    values = [f"{lab} {_fmt(row, v)}" for lab, v in zip(labels, row["trend"] or [])]
    if values:
        parts.append("Values: " + "; ".join(values) + ".")
    return " ".join(parts)


def describe(chart_or_row: Chart | Mapping) -> str:
    """The text alternative of a chart made here (its ``description``), or of an edition row."""
    if isinstance(chart_or_row, Mapping | pd.Series) and "periods" in chart_or_row:
        return describe_row(chart_or_row)
    desc = getattr(chart_or_row, "description", alt.Undefined)
    if desc is alt.Undefined or not desc:
        desc = chart_or_row.to_dict().get("description", "")
    return str(desc)


CONFIG = {
    # The figure's caption (``describe``) is the text alternative; per-mark ARIA labels only add noise.
    "aria": False,
    "mark": {"aria": False},
    "font": FONT,
    "view": {"stroke": "#BFBFBF"},
    "axis": {"labelColor": palette.TEXT_COLOUR, "titleColor": palette.TEXT_COLOUR, "labelFontSize": 11,
             "titleFontSize": 11, "gridColor": "#E6E6E6"},
    "title": {"color": palette.TEXT_COLOUR, "subtitleColor": "#404040", "anchor": "start", "fontSize": 13,
              "subtitleFontSize": 11},
    "header": {"labelColor": palette.TEXT_COLOUR},
}


def _config(chart: Chart) -> Chart:
    """Fonts and colours for a top-level chart (set in place: Altair's configure_* copy the whole chart)."""
    chart.config = alt.Config(**CONFIG)
    return chart


def _unavailable(title: str | list[str], subtitle: list[str], lines: Sequence[str], description: str,
                 width: int, height: int) -> alt.LayerChart:
    data = alt.Data(values=[{"text": "\n".join(lines)}])
    text = alt.Chart(data).mark_text(fontSize=13, color=palette.TEXT_COLOUR, fontWeight="bold", lineBreak="\n",
                                     lineHeight=20, x=width / 2, y=height / 2).encode(text="text:N")
    return alt.layer(text, title=alt.Title(title, subtitle=subtitle), width=width, height=height,
                     description=description)


def _has_figures(row: Mapping) -> bool:
    return any(not _missing(v) for v in row["trend"] or [])


def _records(row: Mapping, key: str = "") -> list[dict]:
    """A row as chart data: its trend, target and floor (or ranges), and the rated latest point.

    One table with a ``kind`` column, so that one layered spec serves one row or
    (faceted by ``key``) a whole block.
    """
    freq = row["frequency"]
    out = []
    for p, v in zip(row["periods"] or [], row["trend"] or []):
        out.append({"key": key, "kind": "trend", "period": periods.short_label(p, freq),
                    "value": None if _missing(v) else float(v), "text": _fmt(row, v)})
    t_range, f_range = _range(row["target_text"]), _range(row.get("floor_text", ""))
    if row["polarity"] == "T" and t_range:
        out.append({"key": key, "kind": "band", "lo": t_range[0], "hi": t_range[1],
                    "label": f"Target range {row['target_text']}"})
        floors = list(f_range or ())
    else:
        if not _missing(row.get("target")):
            out.append({"key": key, "kind": "target", "y": float(row["target"]),
                        "label": f"Target {row['target_text']}", "colour": palette.TARGET_COLOUR})
        floors = [] if _missing(row.get("floor")) else [float(row["floor"])]
    for f in floors:
        out.append({"key": key, "kind": "floor", "y": f, "colour": palette.FLOOR_COLOUR,
                    "label": f"Floor {formatting.value(f, row['unit'], int(row['decimals']))}"})
    last = out[len(row["trend"] or []) - 1] if row["trend"] else None
    if last and last["value"] is not None and not _missing(row["value"]):
        rag = row["rag"]
        out.append({**last, "kind": "latest", "rag": rag or "not rated", "fill": palette.fill(rag),
                    "label": f"{last['text']} {rag}".strip()})
    return out


def _layers(order: list[str], y_title: str | None) -> list[alt.Chart]:
    """Layers that draw ``_records`` data: band, rules and their labels, line, latest point and label."""
    def only(*kinds: str) -> str:
        return " || ".join(f"datum.kind === '{k}'" for k in kinds)

    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False, nice=True))
    tip = [alt.Tooltip("period:N", title="Period"), alt.Tooltip("text:N", title="Value")]
    label = dict(align="left", baseline="bottom", dx=3, dy=-2, fontSize=10, x=0)
    base = alt.Chart()
    return [
        base.transform_filter(only("band")).mark_rect(color=palette.TARGET_COLOUR, opacity=0.15).encode(
            y=alt.Y("lo:Q", title=y_title), y2="hi:Q", tooltip=alt.Tooltip("label:N", title="Target")),
        base.transform_filter(only("band")).mark_text(color=palette.TARGET_COLOUR, **label).encode(
            y=alt.Y("hi:Q", title=y_title), text="label:N"),
        base.transform_filter(only("target")).mark_rule(color=palette.TARGET_COLOUR, strokeDash=[6, 3],
                                                        strokeWidth=1.5).encode(
            y=alt.Y("y:Q", title=y_title), tooltip=alt.Tooltip("label:N", title="Target")),
        base.transform_filter(only("floor")).mark_rule(color=palette.FLOOR_COLOUR, strokeDash=[2, 2],
                                                       strokeWidth=1.5).encode(
            y=alt.Y("y:Q", title=y_title), tooltip=alt.Tooltip("label:N", title="Floor standard")),
        base.transform_filter(only("target", "floor")).mark_text(**label).encode(
            y=alt.Y("y:Q", title=y_title), text="label:N", color=alt.Color("colour:N", scale=None)),
        base.transform_filter(f"({only('trend')}) && isValid(datum.value)").mark_line(
            color=palette.LINE_COLOUR, strokeWidth=2,
            point=alt.OverlayMarkDef(filled=True, size=28, color=palette.LINE_COLOUR)).encode(x=x, y=y, tooltip=tip),
        base.transform_filter(only("latest")).mark_point(
            filled=True, size=150, shape="circle", opacity=1, stroke=palette.TEXT_COLOUR, strokeWidth=1.5).encode(
            x=x, y=y, fill=alt.Fill("fill:N", scale=None), tooltip=[*tip, alt.Tooltip("rag:N", title="RAG")]),
        base.transform_filter(only("latest")).mark_text(
            align="right", dx=-9, dy=-12, fontSize=11, fontWeight="bold", color=palette.TEXT_COLOUR).encode(
            x=x, y=y, text="label:N"),
    ]


def _order(row: Mapping) -> list[str]:
    return [periods.short_label(p, row["frequency"]) for p in row["periods"] or []]


def trend_chart(row: Mapping, width: int = 420, height: int = 220) -> Chart:
    """One row's trend: values over the periods shown, target and floor, and the latest RAG."""
    title = headline(row)
    subtitle = ([row["team"]] if row.get("team") else []) + _wrap(row["title"], 70, 2)
    description = describe_row(row)
    if not _has_figures(row):
        return _config(_unavailable(title, subtitle, ["Data not available"], description, width, height))
    chart = alt.layer(*_layers(_order(row), UNIT_TITLE.get(row["unit"], "Value")),
                      data=alt.Data(values=_records(row)), title=alt.Title(title, subtitle=subtitle),
                      width=width, height=height, description=description)
    return _config(chart)


def block_trends(edition: pd.DataFrame, block: str, district: str | None = None, columns: int = 3) -> Chart:
    """Small multiples of a block's rows, one panel per row with figures (the others are named in the description).

    One layered spec faceted by row, so the chart stays small and quick to build
    however many rows the block has.
    """
    rows = tables.block_rows(edition, block, district)
    records = rows.to_dict("records")
    shown = [r for r in records if _has_figures(r)]
    missing = [r for r in records if not _has_figures(r)]
    area = district or records[0]["area"]
    title = f"{records[0]['block_title']}: trends"
    description = (f"Small multiple line charts, one per indicator, of the {len(shown)} indicators with figures "
                   f"in the table '{records[0]['block_title']}' for {area}. ")
    description += " ".join(_brief(r) for r in shown)
    if missing:
        names = "; ".join(f"{tables.short_label(r, 60)}{' (' + r['team'] + ')' if r['team'] else ''}"
                          for r in missing)
        description += f" Data not available for: {names}."
    if not shown:
        return _config(_unavailable(title, [area], ["Data not available"], description, 400, 80))
    labels = [[headline(r, 20)] + ([r["team"]] if r.get("team") else []) + _wrap(r["title"], 42, 2) for r in shown]
    depth = max(len(lines) for lines in labels)  # equal header heights keep the panels in line
    data, keys = [], []
    for i, (r, lines) in enumerate(zip(shown, labels)):
        key = "|".join([f"{i:02d}", *lines, *[" "] * (depth - len(lines))])
        keys.append(key)
        data += _records(r, key)
    inner = alt.layer(*_layers(_order(shown[0]), None), width=230, height=130)
    header = alt.Header(title=None, labelExpr="slice(split(datum.value, '|'), 1)", labelAlign="left",
                        labelAnchor="start", labelFontSize=11, labelLimit=280, labelColor=palette.TEXT_COLOUR)
    chart = alt.FacetChart(data=alt.Data(values=data), spec=inner,
                           facet=alt.Facet("key:N", sort=keys, header=header), columns=columns,
                           title=alt.Title(title, subtitle=[area]), description=description,
                           resolve=alt.Resolve(scale=alt.ScaleResolveMap(x="independent", y="independent")))
    return _config(chart)


def _brief(row: Mapping) -> str:
    """One sentence per panel: code, latest value, target, RAG and direction."""
    who = f" ({row['team']})" if row.get("team") else ""
    text = f"{tables.short_label(row, 60)}{who}: {_fmt(row, row['value'])}"
    if row["target_text"]:
        text += f" against a target of {row['target_text']}"
    if row["rag"]:
        text += f", {row['rag']}"
    if row["dot"]:
        text += f", {DOT_WORDS[row['dot']]}"
    return text + "."


def district_comparison(edition: pd.DataFrame, block: str = "district-ics-monthly") -> Chart:
    """Indicators by district (or team): each cell coloured by RAG and labelled with the RAG word."""
    frame = tables.district_matrix_frame(edition, block)
    first = edition[edition["block"] == block].iloc[0]
    team = first["scope"] == "team"
    who = "team" if team else "district"
    frame = frame.assign(
        word=[r if r else ("N/A" if s == "not_available" else "–") for r, s in zip(frame["rag"], frame["status"])],
        fill=[palette.fill(r) if r else ("#FFFFFF" if s == "not_available" else palette.NOT_RATED_FILL)
              for r, s in zip(frame["rag"], frame["status"])],
        ink=[palette.text_on(r) for r in frame["rag"]],
        target=[t or "none" for t in frame["target_text"]],
        direction=[Dot(d).words if d else "" for d in frame["dot"]],
    )
    groups = [("", frame)] if not team else [
        (name, frame[frame["service"] == svc]) for svc, name in (("CSWT", "Children's Social Work Teams"),
                                                                 ("EHU", "Early Help Units"))
        if (frame["service"] == svc).any()]
    charts = []
    for name, part in groups:
        if name:  # the panel title names the service, so "Ashford CSWT" reads "Ashford"
            part = part.assign(unit=[re.sub(r" (CSWT|EHU)$", "", u) for u in part["unit"]])
        units = list(dict.fromkeys(part["unit"]))
        labels = list(dict.fromkeys(part.sort_values("position")["label"]))
        data = alt.Data(values=part.drop(columns=["value"]).to_dict("records"))
        x = alt.X("unit:N", sort=units, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=260, orient="top"))
        y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=320))
        tip = [alt.Tooltip("unit:N", title=who.capitalize()), alt.Tooltip("title:N", title="Indicator"),
               alt.Tooltip("value_text:N", title="Value"), alt.Tooltip("target:N", title="Target"),
               alt.Tooltip("word:N", title="RAG"), alt.Tooltip("direction:N", title="Direction")]
        rect = alt.Chart(data).mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
            x=x, y=y, fill=alt.Fill("fill:N", scale=None), tooltip=tip)
        text = alt.Chart(data).mark_text(fontSize=10, fontWeight="bold").encode(
            x=x, y=y, text="word:N", color=alt.Color("ink:N", scale=None), tooltip=tip)
        step = 62
        charts.append(alt.layer(rect, text, title=name or alt.Undefined,
                                width=alt.Step(step), height=alt.Step(22)))
    title = f"RAG ratings by {who}: {first['block_title'].replace(' - ' + first['area'], '')}"
    chart = charts[0] if len(charts) == 1 else alt.vconcat(*charts, spacing=24)
    chart = chart.properties(title=alt.Title(title, subtitle=[f"{tables.edition_month(edition)} edition"]),
                             description=_describe_matrix(frame, who))
    return _config(chart)


def _describe_matrix(frame: pd.DataFrame, who: str) -> str:
    counts = {r: int((frame["rag"] == r).sum()) for r in tables.RAGS}
    text = (f"Grid of RAG ratings, one row per indicator and one column per {who}. "
            f"{counts['RED']} cells are RED, {counts['AMBER']} AMBER and {counts['GREEN']} GREEN; "
            f"{int((frame['status'] == 'not_available').sum())} are N/A (data not available). ")
    for label, part in frame.groupby("label", sort=False):
        reds = [u for u, r in zip(part["unit"], part["rag"]) if r == "RED"]
        if reds:
            text += f"{label} is RED for {', '.join(reds)}. "
    return text.strip()


def activity_trend(ds: Dataset, indicator: str, month: str) -> Chart:
    """A front-page activity measure over the seven months to ``month``; says so when figures are missing."""
    ind = ds.indicators.set_index("indicator").loc[indicator]
    window = periods.trend(month, "monthly")
    obs = ds.observations
    obs = obs[(obs["indicator"] == indicator) & (obs["area"] == "Kent") & (obs["team"] == "")]
    by_period = {r["period"]: r for r in obs.to_dict("records")}
    unit, dec = ind["unit"], int(ind["decimals"])
    pts = []
    for i, p in enumerate(window):
        rec = by_period.get(p)
        v = None if rec is None or rec["status"] != "ok" or _missing(rec["value"]) else float(rec["value"])
        pts.append({"order": i, "period": periods.short_label(p, "monthly"), "value": v,
                    "text": formatting.with_unit(v, unit, dec)})
    first, last = periods.Month.parse(window[0]).long_label(), periods.Month.parse(month).long_label()
    title = _wrap(ind["title"], 48, 3)
    present = [p for p in pts if p["value"] is not None]
    if not present:
        notes = {r["note"] for r in by_period.values() if r.get("note")}
        why = next(iter(sorted(notes)), "The figures are not in the data.")
        description = (f"{ind['title']}, Kent, {first} to {last}: data not available. {why}")
        return _config(_unavailable(title, [f"Kent, {first} to {last}"],
                                    ["Data not available", f"for {first} to {last}"], description, 360, 120))
    data = alt.Data(values=pts)
    order = [p["period"] for p in pts]
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=UNIT_TITLE.get(unit, "Value"), scale=alt.Scale(zero=False, nice=True))
    base = alt.Chart(data).transform_filter("isValid(datum.value)")
    tip = [alt.Tooltip("period:N", title="Month"), alt.Tooltip("text:N", title="Value")]
    line = base.mark_line(color=palette.LINE_COLOUR, strokeWidth=2).encode(x=x, y=y)
    dots = base.mark_point(filled=True, color=palette.LINE_COLOUR, size=40).encode(x=x, y=y, tooltip=tip)
    labels = base.mark_text(dy=-10, fontSize=10, color=palette.TEXT_COLOUR).encode(x=x, y=y, text="text:N")
    values = "; ".join(f"{p['period']} {p['text']}" for p in pts)
    description = (f"Line chart of {ind['title']} for Kent, monthly from {order[0]} to {order[-1]}. "
                   f"Latest value ({present[-1]['period']}): {present[-1]['text']}. No target is set. "
                   f"Values: {values}.")
    chart = alt.layer(line, dots, labels, title=alt.Title(title, subtitle=[f"Kent, {first} to {last}"]),
                      width=360, height=180, description=description)
    return _config(chart)
