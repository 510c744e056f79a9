"""The website as a reader gets it: the January 2026 edition's pages in a real browser.

One build per session (the ``published`` fixture in conftest.py). Every page is loaded in headless
Chromium from file:// and over a local http.server, with every request recorded and anything
outside the site aborted; axe-core checks accessibility; the navigation, the search, the phone
menu and the monthly tables' key columns are checked as a reader would use them. Expected values
come from the printed edition (its districts, its figures), not from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import chromium_browser, serve

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2026-01"
LABEL = "January 2026"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The edition's twelve district pages, as printed ("Directorate Scorecard - Swale District", ...).
DISTRICTS = ["Ashford", "Canterbury", "Dartford", "Dover", "Folkestone and Hythe", "Gravesham", "Maidstone",
             "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells"]
SECTIONS = ["overview", "send", "social-care", "early-help", "education", "reference"]
DRAWN = ("() => !document.querySelector('script.sc-spec') || "
         "document.documentElement.getAttribute('data-charts') === 'drawn'")


def slug(name: str) -> str:
    return "district-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


PAGES = SECTIONS + [slug(d) for d in DISTRICTS] + ["index", "qa", "search"]


@pytest.fixture(scope="session")
def site(published) -> Path:
    return published / "_site"


@pytest.fixture(scope="session")
def edition(site) -> Path:
    return site / MONTH


@pytest.fixture(scope="session")
def server(site):
    """http://127.0.0.1:<free port> serving the site, for the session."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


class Visit:
    """One page in its own context: console errors, page errors and every request; off-site ones aborted."""

    def __init__(self, browser, base: str, rel: str, width: int = 1280, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        prefix = base.rstrip("/") + "/"

        def seen(request):   # file:// requests are not routed: check them as they are made
            url = request.url
            if url.startswith("file:") and not url.startswith(prefix):
                self.outside.append(url)

        self.page.on("request", seen)

        def guard(route):
            url = route.request.url
            self.requests.append(url)
            if url.startswith(prefix) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.outside.append(url)
                route.abort()

        self.context.route("**/*", guard)
        self.page.goto(prefix + rel, wait_until="load")
        self.page.wait_for_function(DRAWN, timeout=60000)

    def close(self) -> None:
        self.context.close()


def base_of(scheme: str, site: Path, server: str) -> str:
    return server if scheme == "http" else site.resolve().as_uri()


# --- files -----------------------------------------------------------------------------------------

def test_every_page_is_published(edition):
    for name in PAGES:
        assert (edition / f"{name}.html").is_file(), name
    assert (edition / f"scorecard-{MONTH}.pdf").is_file()


def test_each_table_shows_its_marks_and_printed_values(edition):
    """A marked cell shows its footnote letter and the note is under the table; where the edition printed
    another value, it is shown beside ours (the education annual table's CYPE23: AMBER, printed GREEN)."""
    text = (edition / "education.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<td[^>]*>CYPE23</td>.*?</tr>", text, re.S)
    assert row, "no CYPE23 row in the education tables"
    assert re.search(r">AMBER</span><span class=\"gt_footnote_marks\"[^>]*>[a-z,]+</span>"
                     r"<span class=\"sc-printed\">printed GREEN</span>", row.group(0)), row.group(0)[:2000]
    marked = 0
    for name in ("social-care", slug("Swale"), "education"):
        page = (edition / f"{name}.html").read_text(encoding="utf-8")
        for table in re.findall(r'<table class="gt_table".*?</table>', page, re.S):
            cells = re.findall(r'<t[dh][^>]*class="[^"]*gt_row[^"]*"[^>]*>(.*?)</t[dh]>', table, re.S)
            used = {m for c in cells for group in re.findall(r'class="gt_footnote_marks"[^>]*>([a-z,]+)<', c)
                    for m in group.split(",")}
            notes = set(re.findall(r'<td class="gt_footnote"[^>]*><span class="gt_footnote_marks"[^>]*>([a-z]+)</span>'
                                   r"\s*\S", table))
            assert used <= notes, (name, used - notes)
            marked += len(used)
    assert marked >= 10


# --- in the browser --------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(browser, site, server, scheme, name):
    v = Visit(browser, base_of(scheme, site, server), f"{MONTH}/{name}.html")
    try:
        assert not v.outside, f"requests outside the site: {v.outside}"
        assert not v.errors, v.errors
        charts = v.page.eval_on_selector_all(".sc-vega", "els => els.map(e => [e.getAttribute('data-drawn'), "
                                                           "!!e.querySelector('svg')])")
        assert all(d == "yes" and svg for d, svg in charts), charts
        if name in ("social-care", slug("Swale"), "education"):
            assert charts, "a page with trends has no charts"
        h1 = v.page.locator("h1").inner_text()
        assert LABEL in h1 or name in ("index", "qa", "search"), h1
    finally:
        v.close()


def test_the_editions_index_loads(browser, site, server):
    v = Visit(browser, server, "index.html")
    try:
        assert not v.outside and not v.errors
        assert v.page.locator(f'a[href="{MONTH}/index.html"]').count() == 1
    finally:
        v.close()


def test_charts_name_their_indicators_and_inferred_floors(browser, site, server):
    """Every trend panel is titled with its indicator (SCS19's chart says SCS19), and a floor that was
    inferred, not printed, says so on the chart."""
    v = Visit(browser, server, f"{MONTH}/social-care.html")
    try:
        words = v.page.eval_on_selector_all(".sc-vega svg text", "els => els.map(e => e.textContent).join(' | ')")
        for code in ("SCS01", "SCS19", "SCS43"):
            assert code in words, code
        assert "(inferred)" in words
        assert re.search(r"Jan-26: 68\.8 RED", words), "SCS19's latest figure and rating (68.8, RED)"
    finally:
        v.close()


def test_district_comparison_highlights_the_page_district(browser, site, server):
    v = Visit(browser, server, f"{MONTH}/{slug('Swale')}.html")
    try:
        bold = v.page.eval_on_selector_all(
            ".sc-vega svg text", "els => els.filter(e => (e.getAttribute('font-weight') || '') === 'bold')"
                                 ".map(e => e.textContent)")
        assert "Swale" in bold, "the page's district is not in bold on its comparison charts"
        assert not {"Ashford", "Thanet"} & set(bold)
    finally:
        v.close()


def test_districts_menu_reaches_every_district(browser, site, server):
    v = Visit(browser, server, f"{MONTH}/overview.html")
    try:
        for district in DISTRICTS:
            v.page.locator(".sc-dropdown summary").click()
            v.page.get_by_role("link", name=district, exact=True).click()
            v.page.wait_for_load_state("load")
            assert v.page.locator("h1").inner_text() == f"{district} — {LABEL}"
            assert v.page.url.endswith(f"{slug(district)}.html")
        assert not v.outside and not v.errors
    finally:
        v.close()


@pytest.mark.parametrize("scheme", ["file", "http"])
@pytest.mark.parametrize(("query", "expect"), [("SCS37", "social-care.html"), ("Ashford", "district-ashford.html")])
def test_search_finds_offline(browser, site, server, scheme, query, expect):
    v = Visit(browser, base_of(scheme, site, server), f"{MONTH}/overview.html")
    try:
        v.page.fill("#sc-q", query)
        v.page.press("#sc-q", "Enter")
        v.page.wait_for_selector("#sc-results ol li a")
        hrefs = v.page.eval_on_selector_all("#sc-results ol li a", "els => els.map(e => e.getAttribute('href'))")
        assert any(h.split("#")[0] == expect for h in hrefs), hrefs
        assert not v.outside and not v.errors
    finally:
        v.close()


AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}}))
  .violations.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violations(browser, site, server, name):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `npm ci` in the repository (package.json)")
    v = Visit(browser, server, f"{MONTH}/{name}.html")
    try:
        # evaluated by the test (no request, and not a page script, which the pages' policy would refuse)
        assert v.page.evaluate("() => {" + AXE.read_text(encoding="utf-8") + "\n; return typeof axe; }") == "object"
        found = v.page.evaluate(AXE_RUN)
        bad = [x for x in found if x["impact"] in ("serious", "critical")]
        assert not bad, bad
    finally:
        v.close()


def test_phone_menu_collapses_and_opens(browser, site, server):
    v = Visit(browser, server, f"{MONTH}/social-care.html", width=390, height=844)
    try:
        button = v.page.get_by_role("button", name=re.compile("Menu"))
        assert button.is_visible()
        menu = v.page.locator("#sc-menu")
        assert not menu.is_visible()
        assert not menu.get_by_role("link", name="Education", exact=True).is_visible()
        assert button.get_attribute("aria-expanded") == "false"
        button.click()
        assert menu.is_visible()
        assert menu.get_by_role("link", name="Education", exact=True).is_visible()
        assert button.get_attribute("aria-expanded") == "true"
        width = v.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    finally:
        v.close()


def test_wide_screen_menu_is_open_without_a_button(browser, site, server):
    v = Visit(browser, server, f"{MONTH}/social-care.html", width=1500, height=1000)
    try:
        assert not v.page.get_by_role("button", name=re.compile("Menu")).is_visible()
        assert v.page.locator("#sc-menu").get_by_role("link", name="Education", exact=True).is_visible()
    finally:
        v.close()


@pytest.mark.parametrize("width", [1280, 1500])
def test_monthly_table_key_columns_in_view(browser, site, server, width):
    """The Kent ICS monthly table: code, indicator, latest figure, DOT and this year's RAG within the
    viewport (at 1500 px the whole table; at 1280 px at least those, the code and indicator pinned)."""
    v = Visit(browser, server, f"{MONTH}/social-care.html", width=width, height=1000)
    try:
        table = v.page.locator("#tbl-ics-monthly table")
        headings = table.locator("thead th")
        texts = [" ".join(t.split()) for t in headings.all_inner_texts()]
        for wanted in ("Code", "Indicator", "Measure Jan-26", "DOT", "RAG 2025-26"):
            i = texts.index(wanted)
            box = headings.nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (wanted, box)
        rag = table.locator("tbody td", has_text=re.compile(r"^(RED|AMBER|GREEN)"))
        assert rag.count() >= 11
        row = table.locator("tbody tr", has=v.page.locator("td", has_text="SCS19")).first
        assert "68.8" in row.inner_text()
    finally:
        v.close()


def test_rag_colours_are_one_palette_with_readable_text():
    """Table cells and chart marks use content/palette.py; the words on them and in charts pass 4.5:1."""
    from scorecard.content import charts, palette

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for rag in ("RED", "AMBER", "GREEN"):
        assert ratio(palette.fill(rag), palette.text_on(rag)) >= 4.5, rag
        assert ratio(palette.ink(rag), "#FFFFFF") >= 4.5, rag
        assert charts.RAG_COLOURS[rag] == palette.ink(rag)
