"""Charts draw the edition's printed figures, name what they show, say it in words, and render offline.

Expected figures are the January 2026 edition's printed ones (or hand-made rows), not the code's.
"""

from __future__ import annotations

import json
import re

import pytest
import vl_convert as vlc
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from scorecard.content import charts
from scorecard.engine.model import Cell, Column, Row, Table
from scorecard.rules.rag import Threshold


@pytest.fixture(scope="module")
def ed(january):
    """The January 2026 edition (conftest's session build)."""
    return january


@pytest.fixture(scope="module")
def social_care(ed):
    (table,) = ed.tables_on("social-care")
    return table, charts.table_trends(table)


# --- helpers ------------------------------------------------------------------------------------

def _walk(spec):
    if isinstance(spec, dict):
        yield spec
        for v in spec.values():
            yield from _walk(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _walk(v)


def _panels(spec: dict) -> list[dict]:
    """The panels of a chart: its concat cells, or the chart itself."""
    return spec.get("concat", [spec])


def _panel(specs, prefix: str) -> dict:
    found = [p for spec, _ in specs for p in _panels(spec) if p["title"]["text"][0].startswith(prefix)]
    assert len(found) == 1, [p["title"]["text"] for spec, _ in specs for p in _panels(spec)]
    return found[0]


def _records(panel: dict, kind: str) -> list[dict]:
    return [r for r in panel["data"]["values"] if r["kind"] == kind]


def _mark_types(spec: dict) -> set[str]:
    out = set()
    for d in _walk(spec):
        m = d.get("mark")
        if isinstance(m, str):
            out.add(m)
        elif isinstance(m, dict) and "type" in m:
            out.add(m["type"])
    return out


def _subtitle(panel: dict) -> str:
    return " | ".join(panel["title"]["subtitle"])


def _texts(spec: dict) -> list[dict]:
    """Every text drawn (rendered by Vega), with its role and an approximate box in chart pixels."""
    sg = vlc.vegalite_to_scenegraph(spec, vl_version=charts.VL_VERSION)
    out = []

    def walk(node, ox, oy, role):
        if isinstance(node, list):
            for n in node:
                walk(n, ox, oy, role)
            return
        if not isinstance(node, dict):
            return
        role = node.get("role", role)
        if node.get("marktype") == "text":
            for it in node.get("items", []):
                lines = it["text"] if isinstance(it.get("text"), list) else [it.get("text", "")]
                lines = [str(t) for t in lines]
                if not any(t.strip() for t in lines):
                    continue
                size = it.get("fontSize", 11)
                bold = it.get("fontWeight") == "bold"
                w = max(len(t) for t in lines) * size * (0.62 if bold else 0.56)
                lh = it.get("lineHeight", size * 1.2)
                h = size + lh * (len(lines) - 1)
                x, y = ox + (it.get("x") or 0), oy + (it.get("y") or 0)
                x0 = {"left": x, "center": x - w / 2, "right": x - w}.get(it.get("align", "left"), x)
                y0 = {"top": y, "middle": y - h / 2, "bottom": y - h}.get(it.get("baseline", "alphabetic"),
                                                                          y - size * 0.8)
                out.append({"role": role, "text": " / ".join(lines), "box": (x0, y0, x0 + w, y0 + h)})
            return
        dx = (node.get("x") or 0) if node.get("marktype") == "group" or "items" in node else 0
        dy = (node.get("y") or 0) if node.get("marktype") == "group" or "items" in node else 0
        if node.get("marktype") not in (None, "group"):
            dx = dy = 0
        for key in ("items", "scenegraph"):
            if key in node:
                walk(node[key], ox + dx, oy + dy, role)

    walk(sg["scenegraph"], 0, 0, "")
    return out


def _overlaps(texts: list[dict], slack: float = 1.0) -> list[tuple[str, str]]:
    bad = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            ax0, ay0, ax1, ay1 = a["box"]
            bx0, by0, bx1, by1 = b["box"]
            if ax0 < bx1 - slack and bx0 < ax1 - slack and ay0 < by1 - slack and by0 < ay1 - slack:
                bad.append((a["text"], b["text"]))
    return bad


def _all_specs(ed) -> list[tuple[dict, str]]:
    out = []
    for section in ("send", "social-care", "early-help", "education"):
        for t in ed.tables_on(section):
            out += charts.table_trends(t)
    pages = sorted({t.page for t in ed.tables if t.page})
    for page in pages:
        for t in ed.tables_on("district", page=page):
            out += charts.table_trends(t)
    for block in sorted({t.block for t in ed.tables if t.page}):
        out += charts.district_comparison(ed, block, "Ashford")
    return out


# --- hand-made rows -------------------------------------------------------------------------------

COLUMNS = [Column("code", "code", "Code"), Column("trend-0", "trend", "Q1 25-26"),
           Column("trend-1", "trend", "Q2 25-26"), Column("latest", "latest", "Q3 25-26")]
PERIODS = ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3"]


def _row(figures: list[str], **over) -> Row:
    values = {"code": "", "title": "A made-up measure", "team": "", "rag": "", "threshold": None,
              "target_source": "", "floor_source": "", "rated_as": "H", "polarity": "H", "indicator": "X1"}
    values.update(over)
    cells = {"code": Cell(values["code"])}
    for key, text in zip(("trend-0", "trend-1", "latest"), figures):
        cells[key] = Cell(text, None if text in ("", "N/A") else float(text))
    latest = cells["latest"].value
    return Row(block="made", area="Kent", team=values["team"], page="", section="test", position=1,
               indicator=values["indicator"], code=values["code"], title=values["title"],
               polarity=values["polarity"], rated_as=values["rated_as"], data_period="", qpr=False,
               frequency="quarterly", year_basis="financial", unit="percent", seasonal=False, periods=PERIODS,
               latest=PERIODS[-1], value=latest, decimals=1, rag=values["rag"], dot="",
               threshold=values["threshold"], target_source=values["target_source"],
               floor_source=values["floor_source"], cells=cells)


def _table(rows: list[Row]) -> Table:
    return Table("made", "made", "county", "", "Kent", "Made-up indicators", COLUMNS, rows, "quarterly")


# --- 1. trends ------------------------------------------------------------------------------------

def test_scs19_panel_draws_the_printed_figures_and_target(social_care):
    _, specs = social_care
    panel = _panel(specs, "SCS19")
    assert [r["value"] for r in _records(panel, "point")] == [70.0, 69.9, 69.3, 69.0, 68.0, 69.0, 68.8]
    assert [r["period"] for r in _records(panel, "point")] == ["Jul-25", "Aug-25", "Sep-25", "Oct-25", "Nov-25",
                                                                "Dec-25", "Jan-26"]
    rules = {r["line"]: r["value"] for r in _records(panel, "rule")}
    assert rules == {"Target": 85.0, "Floor": 75.0}
    assert "Jan-26: 68.8 RED" in _subtitle(panel)        # the rating in words, not colour alone
    assert "Target 85.0 · Floor 75.0" in _subtitle(panel)
    assert "inferred" not in _subtitle(panel)             # SCS19's floor is quoted in the commentary
    latest = [r for r in _records(panel, "point") if r["latest"]]
    assert latest == [{**latest[0], "value": 68.8, "rag": "RED", "text": "68.8"}]


def test_target_dashed_floor_dotted_in_a_legend_not_text_in_the_plot(social_care):
    _, specs = social_care
    spec, _ = specs[0]
    rules = [d for d in _walk(spec) if isinstance(d.get("mark"), dict) and d["mark"].get("type") == "rule"]
    dash = rules[0]["encoding"]["strokeDash"]
    assert dash["scale"]["domain"] == ["Target", "Floor"]
    target, floor = dash["scale"]["range"]
    assert target != floor and max(floor) < max(target)   # dotted floor, dashed target
    assert dash["legend"]["orient"] == "top"
    assert "text" not in _mark_types(spec)                 # no text marks in the plot area at all


def test_inferred_floors_always_say_so(ed):
    seen = 0
    for section in ("send", "social-care", "early-help", "education"):
        for t in ed.tables_on(section):
            rows = {(r.code or r.title): r for r in t.rows}
            for spec, desc in charts.table_trends(t):
                for p in _panels(spec):
                    floors = _records(p, "rule")
                    key = p["title"]["text"][0].split(" · ")[0]
                    row = rows.get(key)
                    if row is None or not any(f["line"] == "Floor" for f in floors):
                        continue
                    if row.floor_source == "inferred":
                        seen += 1
                        assert "(inferred)" in _subtitle(p), p["title"]
                        line = next(ln for ln in desc.splitlines() if ln.startswith(key))
                        assert re.search(r"Floor (band from )?[\d,.]+( to [\d,.]+)? \(inferred\)\.", line), line
    assert seen > 20


def test_scs01_inferred_floor_is_labelled_in_subtitle_and_description(social_care):
    _, specs = social_care
    panel = _panel(specs, "SCS01")
    assert "Target 25.0 · Floor 30.0 (inferred)" in _subtitle(panel)
    assert "Target 25.0. Floor 30.0 (inferred)." in specs[0][1]


def test_t_polarity_shades_the_green_band(social_care):
    _, specs = social_care
    panel = _panel(specs, "SCS13")
    (band,) = _records(panel, "band")
    assert (band["lo"], band["hi"]) == (17.5, 22.5)
    assert sorted(r["value"] for r in _records(panel, "rule") if r["line"] == "Floor") == [12.5, 27.5]
    assert "rect" in _mark_types(panel)
    assert "Floor band 12.5–27.5 (inferred)" in _subtitle(panel)
    assert "Jan-26: 26.1 AMBER" in _subtitle(panel)


def test_several_indicators_per_chart(social_care):
    table, specs = social_care
    assert len(table.rows) == 11
    sizes = [len(_panels(s)) for s, _ in specs]
    assert sizes == [6, 5]
    for spec, _ in specs:
        assert spec["columns"] <= 4
        for p in _panels(spec):
            assert (p["width"], p["height"]) == (190, 110)


def test_descriptions_name_every_indicator_and_its_figures(social_care):
    table, specs = social_care
    text = "\n".join(d for _, d in specs)
    for row in table.rows:
        assert row.code in text
    assert "SCS19 Percentage of CIC Foster Care" in text
    assert ("Jul-25 70.0, Aug-25 69.9, Sep-25 69.3, Oct-25 69.0, Nov-25 68.0, Dec-25 69.0, Jan-26 68.8. "
            "Target 85.0. Floor 75.0. Latest, Jan-26: 68.8, RED.") in text
    for spec, desc in specs:
        assert spec["description"] == desc
        assert len(desc.splitlines()) == len(_panels(spec)) + 1   # an opening line, then one per indicator


def test_team_block_panels_name_the_team_and_list_rows_without_figures(ed):
    table = next(t for t in ed.tables_on("district", page="Ashford") if t.block == "district-ics-monthly")
    specs = charts.table_trends(table)
    teams = [{p["title"]["text"][0].split(" · ")[-1] for p in _panels(s)} for s, _ in specs]
    assert teams == [{"Ashford CSWT"}, {"Ashford EHU"}]    # one team to a chart
    last = specs[-1][1]
    assert "No figures to chart: SCS18 (Ashford CSWT); SCS19 (Ashford CSWT); SCS29 (Ashford CSWT); " \
           "SCS34 (Ashford CSWT); SCS42 (Ashford CSWT)." in last
    charted = [p["title"]["text"][0] for s, _ in specs for p in _panels(s)]
    assert not any(c.startswith(("SCS18", "SCS19")) for c in charted)
    # the uncoded EH Unit audit is titled by its (shortened) title under the team
    (audit,) = [p["title"]["text"] for s, _ in specs for p in _panels(s) if p["title"]["text"][0] == "Ashford EHU"
                and p["title"]["text"][1].startswith("Percentage of EH Unit")]
    assert audit == ["Ashford EHU", "Percentage of EH Unit Case", "Audits rated good or…"]


def test_row_with_one_figure_is_not_charted_and_is_named():
    one = _row(["N/A", "", "30.4"], code="ONE1")
    none = _row(["N/A", "N/A", "N/A"], code="NONE1")
    assert charts.table_trends(_table([one, none])) == []
    said = charts.describe_uncharted(_table([one, none]))
    assert "No figures to chart: NONE1." in said
    assert "Only one figure, so no trend to chart: ONE1, Q3 25-26 30.4." in said


def test_hand_made_panel_uncoded_title_gap_and_inferred_floor():
    long = "Percentage of pupils at EYFS achieving a Good Level of Development - Kent CIC gap"
    row = _row(["20.0", "N/A", "24.5"], title=long, rag="AMBER", polarity="L", rated_as="L",
               threshold=Threshold("L", target=23.0, floor=30.0), target_source="printed",
               floor_source="inferred")
    ((spec, desc),) = charts.table_trends(_table([row]))
    title = spec["title"]["text"]
    assert title[-1].endswith("Kent CIC gap") and "…" in " ".join(title) and len(title) == 2
    assert [r["value"] for r in _records(spec, "point")] == [20.0, None, 24.5]   # a gap, not a made-up figure
    assert "Q3 25-26: 24.5 AMBER" in _subtitle(spec)
    assert "Target 23.0 · Floor 30.0 (inferred)" in _subtitle(spec)
    assert long in desc and "Q2 25-26 N/A" in desc and "Floor 30.0 (inferred)" in desc
    assert "Latest, Q3 25-26: 24.5, AMBER." in desc


# --- 2. districts compared ----------------------------------------------------------------------

def test_ashford_comparison_highlights_ashford_and_only_ashford(ed):
    specs = charts.district_comparison(ed, "district-edu-monthly", "Ashford")
    panels = [p for s, _ in specs for p in _panels(s)]
    assert len(panels) == 7
    for p in panels:
        units = _records(p, "unit")
        assert len(units) == 12
        assert [u["unit"] for u in units if u["hl"]] == ["Ashford"]
    app17 = _panel(specs, "APP17")
    ashford = next(u for u in _records(app17, "unit") if u["unit"] == "Ashford")
    assert (ashford["bar"], ashford["text"], ashford["rag"]) == (31.3, "31.3", "RED")
    assert _records(app17, "county") == [{"kind": "county", "bar": 31.6, "text": "31.6"}]
    assert "Kent 31.6 (dashed line)" in _subtitle(app17)
    # highlight: a darker bar, bold name and figure; RAG in words beside the bars and in tooltips
    layers = app17["layer"]
    bar = next(la for la in layers if la["mark"]["type"] == "bar")
    assert bar["encoding"]["color"]["condition"]["test"] == "datum.hl"
    bold = [la for la in layers if la["mark"]["type"] == "text" and la["mark"].get("fontWeight") == "bold"
            and {"filter": "datum.hl"} in la.get("transform", [])]
    assert {la["encoding"]["text"]["field"] for la in bold} == {"unit", "text"}
    words = [la for la in layers if la["mark"]["type"] == "text" and la["encoding"]["text"]["field"] == "rag"]
    assert len(words) == 1
    assert {"field": "rating", "type": "nominal", "title": "RAG"} in bar["encoding"]["tooltip"]
    desc = specs[0][1]
    assert "Ashford is highlighted" in desc
    assert "Ashford 31.3, RED" in desc and "Kent 31.6." in desc


def test_county_counts_are_not_drawn_as_a_reference(ed):
    specs = charts.district_comparison(ed, "district-edu-monthly", "Ashford", indicator="EH43")
    ((spec, desc),) = specs
    assert _records(spec, "county") == []                      # Kent's 32 is the districts' total
    assert "Kent total 32" in _subtitle(spec)
    assert "Kent 32 (total; not drawn)." in desc


def test_team_comparison_highlights_the_pages_teams_once(ed):
    specs = charts.district_comparison(ed, "district-ics-monthly", "Tonbridge and Malling")
    for spec, _ in specs:
        for p in _panels(spec):
            units = [u["unit"] for u in _records(p, "unit")]
            assert len(units) == len(set(units))
            assert [u["unit"] for u in _records(p, "unit") if u["hl"]] == ["Sevenoaks North & Tonbridge and Malling"]
    first = specs[0][1]
    assert first.startswith("Bar charts comparing the 13 Children's Social Work Teams")
    assert "No figures to compare: SCS18; SCS19; SCS29; SCS34; SCS42." in specs[-1][1]
    scs01 = _panel(specs, "SCS01")
    own = next(u for u in _records(scs01, "unit") if u["hl"])
    assert (own["text"], own["rag"]) == ("23.1", "GREEN")


# --- 3. activity ----------------------------------------------------------------------------------

def test_activity_without_figures_is_none():
    assert charts.activity_trend([("Jul-25", None), ("Aug-25", None)], "Number of requests") is None
    assert charts.activity_trend([], "Number of requests") is None


def test_activity_with_figures():
    series = [("Jul-25", 1210.0), ("Aug-25", None), ("Sep-25", 1302.0), ("Oct-25", 1333.0)]
    spec, desc = charts.activity_trend(series, "Number of requests for SEND statutory assessment", area="Kent")
    assert [r["value"] for r in spec["data"]["values"]] == [1210.0, None, 1302.0, 1333.0]
    assert "line" in _mark_types(spec)
    assert "Jul-25 1,210, Aug-25 N/A, Sep-25 1,302, Oct-25 1,333" in desc
    assert "Latest, Oct-25: 1,333." in desc and "No figure for Aug-25." in desc


# --- every chart --------------------------------------------------------------------------------

def test_specs_are_offline_valid_and_small(ed):
    specs = _all_specs(ed)
    assert len(specs) > 100
    schema = load_schema()
    for spec, desc in specs:
        text = json.dumps(spec)
        assert "http" not in text and "//" not in text
        assert "$schema" not in spec
        assert spec["config"]["font"] == "DejaVu Sans, Liberation Sans, Arial, sans-serif"
        assert desc and spec["description"] == desc
        assert len(text) < 60_000
        validate_jsonschema(spec, schema)   # the package does not validate as it builds them


def test_rag_colours_contrast_with_white():
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for word, colour in charts.RAG_COLOURS.items():
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, word


@pytest.mark.parametrize("which", ["social-care", "ashford-teams", "comparison", "teams-compared"])
def test_svg_renders_without_overlapping_text(ed, which):
    if which == "social-care":
        spec = charts.table_trends(ed.tables_on("social-care")[0])[0][0]
    elif which == "ashford-teams":
        spec = charts.table_trends(ed.table("district-ics-monthly--ashford"))[1][0]
    elif which == "comparison":
        spec = charts.district_comparison(ed, "district-edu-monthly", "Ashford")[0][0]
    else:
        spec = charts.district_comparison(ed, "district-ics-monthly", "Sevenoaks")[0][0]
    svg = vlc.vegalite_to_svg(spec, vl_version=charts.VL_VERSION)
    assert svg.lstrip().startswith("<svg") and len(svg) > 10_000
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    texts = _texts(spec)
    assert texts and _overlaps(texts) == []
    # target and floor are named in titles and the legend, never as text marks in the plot
    for t in texts:
        if t["text"].startswith(("Target", "Floor")):
            assert t["role"] in ("title-subtitle", "legend-label"), t


def test_png_renders(ed, tmp_path):
    spec = charts.table_trends(ed.tables_on("social-care")[0])[0][0]
    png = vlc.vegalite_to_png(spec, vl_version=charts.VL_VERSION)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_overlap_check_catches_overlapping_labels():
    """The check above is not vacuous: two labels drawn on top of each other are caught."""
    layer = [{"mark": {"type": "text", "fontSize": 12},
              "encoding": {"x": {"value": x}, "y": {"value": y}, "text": {"value": text}}}
             for x, y, text in ((50, 50, "Target 85.0"), (60, 52, "Floor 75.0"))]
    spec = {"data": {"values": [{}]}, "layer": layer, "width": 100, "height": 100}
    assert _overlaps(_texts(spec)) == [("Target 85.0", "Floor 75.0")]
