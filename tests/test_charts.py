"""Charts draw the engine's figures, say them in words, and render offline."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import vl_convert as vlc

from scorecard import charts, display

RAG_HEX = {"RED": "#C00000", "AMBER": "#FFC000", "GREEN": "#00B050"}


def _row(edition, block, indicator, team=""):
    part = edition[(edition["block"] == block) & (edition["indicator"] == indicator) & (edition["team"] == team)]
    return part.iloc[0]


def _walk(spec):
    """Every dict inside a spec."""
    if isinstance(spec, dict):
        yield spec
        for v in spec.values():
            yield from _walk(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _walk(v)


def _data(spec) -> list[dict]:
    return [rec for d in _walk(spec) if isinstance(d.get("values"), list) for rec in d["values"]]


def _marks(spec) -> list[str]:
    out = []
    for d in _walk(spec):
        m = d.get("mark")
        if isinstance(m, str) or (isinstance(m, dict) and "type" in m):  # not config.mark
            out.append(m if isinstance(m, str) else m["type"])
    return out


@pytest.fixture(scope="module")
def eh72(january):
    return _row(january, "ics-monthly", "EH72-F")


def test_trend_chart_has_target_rule_and_rag_coloured_latest_point(eh72):
    spec = charts.trend_chart(eh72).to_dict()
    data = _data(spec)
    targets = [r for r in data if r.get("kind") == "target"]
    assert [t["y"] for t in targets] == [eh72["target"]] == [25.0]
    latest = [r for r in data if r.get("kind") == "latest"]
    assert len(latest) == 1 and latest[0]["value"] == 26.0
    assert latest[0]["fill"].upper() == RAG_HEX["AMBER"] and "AMBER" in latest[0]["label"]
    assert "rule" in _marks(spec) and "point" in _marks(spec)
    fills = [d["fill"] for d in _walk(spec) if isinstance(d.get("fill"), dict) and "field" in d["fill"]]
    assert {"field": "fill", "scale": None, "type": "nominal"} in fills
    assert [r["value"] for r in data if r.get("kind") == "trend"] == list(eh72["trend"])
    title = spec["title"]["text"]
    assert title == "EH72-F: 26.0% (AMBER, improved)"


def test_t_polarity_shades_the_target_range(january):
    spec = charts.trend_chart(_row(january, "ics-monthly", "SCS13")).to_dict()
    bands = [r for r in _data(spec) if r.get("kind") == "band"]
    assert [(b["lo"], b["hi"]) for b in bands] == [(17.5, 22.5)]
    assert "rect" in _marks(spec)


def test_svg_renders_offline_with_the_rag_word(eh72):
    spec = charts.trend_chart(eh72).to_dict()
    svg = vlc.vegalite_to_svg(spec, vl_version=charts.VL_VERSION)
    assert svg.lstrip().startswith("<svg")
    assert "26.0% AMBER" in svg and "Target 25.0" in svg
    assert f"/v{charts.VL_VERSION}" in spec["$schema"]  # vl-convert compiles with the version Altair wrote


def test_description_says_value_target_rag_and_direction(eh72):
    text = charts.describe(charts.trend_chart(eh72))
    assert "26.0%" in text and "AMBER" in text and "25.0" in text and "Improved" in text
    assert "Jul-25 26.4%" in text
    assert charts.describe(eh72) == text


def test_block_trends_has_one_panel_per_row_with_figures(january):
    chart = charts.block_trends(january, "district-ics-monthly", "Ashford")
    spec = chart.to_dict()
    keys = {r["key"] for r in _data(spec) if "key" in r}
    assert len(keys) == 11  # 16 printed rows, 5 of them N/A for the team
    assert spec["resolve"]["scale"]["y"] == "independent"
    text = charts.describe(chart)
    assert "Data not available for: SCS18 (Ashford CSWT)" in text
    assert "SCS43 (Ashford CSWT): 23.9 against a target of 18.0, RED, worsened." in text


def test_district_comparison_labels_every_cell_with_its_rating(january):
    chart = charts.district_comparison(january, "district-edu-monthly")
    spec = chart.to_dict()
    cells = [r for r in _data(spec) if "word" in r]
    rows = january[january["block"] == "district-edu-monthly"]
    assert len(cells) == len(rows) == 84
    engine = {(r["area"], r["indicator"]): r["rag"] for r in rows.to_dict("records")}
    for c in cells:
        want = engine[(c["unit"], c["indicator"])]
        assert c["word"] == (want or "–")
        if want:
            assert c["fill"].upper() == RAG_HEX[want]
    text_layers = [d for d in _walk(spec) if d.get("mark", {}) == "text" or
                   (isinstance(d.get("mark"), dict) and d["mark"].get("type") == "text")]
    assert any(d["encoding"]["text"]["field"] == "word" for d in text_layers)
    tips = {t["field"] for d in _walk(spec) if isinstance(d.get("tooltip"), list) for t in d["tooltip"]}
    assert {"value_text", "target"} <= tips
    assert "RED" in charts.describe(chart)


def test_team_comparison_keeps_shared_teams_once(january):
    spec = charts.district_comparison(january).to_dict()
    cells = [r for r in _data(spec) if "word" in r]
    pairs = [(c["unit"], c["indicator"]) for c in cells]
    assert len(pairs) == len(set(pairs))
    assert sum(1 for c in cells if c["word"] == "N/A") > 0


def test_activity_trend_without_figures_says_so(dataset):
    chart = charts.activity_trend(dataset, "EH71-C", "2026-01")
    svg = vlc.vegalite_to_svg(chart.to_dict(), vl_version=charts.VL_VERSION)
    assert "Data not available" in svg
    assert "not available" in charts.describe(chart)


def test_activity_trend_with_figures_draws_them(dataset):
    obs = dataset.observations.copy()
    mask = obs["indicator"] == "CYPE19"
    obs.loc[mask, "value"] = range(100, 100 + int(mask.sum()))
    obs.loc[mask, "status"] = "ok"
    patched = dataclasses.replace(dataset, observations=obs)
    chart = charts.activity_trend(patched, "CYPE19", "2026-01")
    assert "Latest value (Jan-26): 106" in charts.describe(chart)
    assert "line" in _marks(chart.to_dict())


def test_show_chart_bundle_is_offline_and_accessible(eh72, monkeypatch):
    shown = []
    monkeypatch.setattr(display, "display", lambda data, raw, metadata: shown.append((data, metadata)))
    chart = charts.trend_chart(eh72)
    desc = charts.describe(chart)
    display.show_chart(chart, desc, block="ics-monthly")
    (data, meta), = shown
    assert {"text/html", "image/svg+xml", "text/plain"} <= set(data)
    assert data["text/plain"] == desc
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    png, _ = display.chart_bundle(chart, desc, png=True)
    assert png["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    page = data["text/html"]
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page)
    assert "cdn" not in page.lower()
    assert "site_libs/vega/vega-bundle.js" in page and "quarto:offset" in page
    assert "<figcaption" in page and "26.0%" in page
    assert meta["scorecard"]["kind"] == "chart" and meta["scorecard"]["block"] == "ics-monthly"
    spec = json.loads(re.search(r"var spec = (\{.*?\});\n", page, re.S).group(1))
    assert spec["description"] == desc


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site folder holding the Vega bundle (written once: it takes seconds)."""
    root = tmp_path_factory.mktemp("site")
    display.write_vega_bundle(root)
    return root


def test_write_vega_bundle(site):
    path = site / "site_libs" / "vega" / "vega-bundle.js"
    assert path.exists()
    text = path.read_text(encoding="utf-8")
    assert len(text) > 500_000 and "vegaEmbed" in text
    assert text.startswith("if (!window.vegaEmbed)")


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_charts_draw_in_a_browser_with_no_network(site, eh72, january):
    playwright = pytest.importorskip("playwright.sync_api")
    parts = []
    for chart in (charts.trend_chart(eh72), charts.district_comparison(january, "district-edu-monthly")):
        data, _ = display.chart_bundle(chart, charts.describe(chart))
        parts.append(data["text/html"])
    page = site / "districts" / "index.html"
    page.parent.mkdir()
    page.write_text("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                    "<meta name='scorecard-site-root' content='../'><title>t</title></head><body><main>"
                    + "".join(parts) + "</main></body></html>", encoding="utf-8")
    requests, blocked, errors = [], [], []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        tab = browser.new_page()
        tab.on("request", lambda r: requests.append(r.url))
        tab.on("pageerror", lambda e: errors.append(str(e)))

        def guard(route):
            if route.request.url.startswith(("file://", "data:", "blob:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        tab.route("**/*", guard)
        tab.goto(page.as_uri())
        tab.wait_for_function("() => [...document.querySelectorAll('.vega-chart')]"
                              ".every(e => e.querySelector('svg') || e.dataset.error)", timeout=30000)
        drawn = tab.evaluate("() => [...document.querySelectorAll('.vega-chart')]"
                             ".map(e => [!!e.querySelector('svg'), e.dataset.error || ''])")
        browser.close()
    assert drawn == [[True, ""], [True, ""]]
    assert blocked == [] and errors == []
    assert sum(u.endswith("site_libs/vega/vega-bundle.js") for u in requests) == 1
