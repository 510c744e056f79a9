"""The publication as a reader gets it: the builtin engine's site and PDF, checked in a real browser.

The site is built once per session (from the session's executed notebooks, `grid`). Pages are
loaded in headless Chromium over a local http.server and from file://, with every request
outside the site aborted and recorded; axe-core checks accessibility; the PDF is read back
with poppler's pdftotext/pdfinfo/pdftoppm. Quarto-only checks skip when `quarto` is absent.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml
from cli_run import tree_hash

from scorecard import params, publish, quarto_hooks, site
from scorecard.problems import EXIT_BUILD, ScorecardError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
MONTH = "2026-01"
LABEL = "January 2026"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PARAMS = yaml.safe_load((ROOT / "params" / f"{MONTH}.yml").read_text(encoding="utf-8"))
DISTRICTS: list[str] = PARAMS["districts"]
SECTION_PAGES = ["overview", "send", "social-care", "early-help", "education", "reference"]


def district_slug(name: str) -> str:
    return "district-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


PAGES = SECTION_PAGES + [district_slug(d) for d in DISTRICTS]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"`{tool}` is not on PATH (apt-get install poppler-utils)")
    return path


# --- the site (`built`, in conftest.py, is built once per session) --------------------------------

@pytest.fixture(scope="session")
def edition_dir(built) -> Path:
    return built / MONTH


@pytest.fixture(scope="session")
def server(built):
    """http://127.0.0.1:<port>/ serving the site; stopped at the end of the session."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built)))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("no `chromium` on PATH (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}}))
  .violations.map(x => ({id: x.id, impact: x.impact, nodes: x.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


class Visit:
    """One page load with its console errors and every request, network requests aborted."""

    def __init__(self, browser, url: str, site_prefixes: tuple[str, ...]):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def guard(route):
            u = route.request.url
            self.requests.append(u)
            if u.startswith(site_prefixes) or u.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.outside.append(u)
                route.abort()

        self.page.route("**/*", guard)
        self.page.goto(url, wait_until="load")

    def charts_drawn(self, timeout: int = 30000) -> int:
        """Wait until every chart container holds an <svg> drawn by Vega; return how many there are."""
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.vega-chart')].every(e => e.querySelector('svg'))",
            timeout=timeout)
        return self.page.evaluate("() => document.querySelectorAll('.vega-chart').length")

    def close(self):
        self.page.close()


def visit(browser, server, built, rel: str, scheme: str) -> Visit:
    if scheme == "http":
        return Visit(browser, f"{server}/{rel}", (server + "/",))
    return Visit(browser, (built / rel).as_uri(), (built.as_uri() + "/",))


# --- files --------------------------------------------------------------------------------------

def test_every_page_is_published(built, edition_dir):
    for slug in PAGES:
        assert (edition_dir / f"{slug}.html").is_file(), slug
    for name in ("index.html", "search.html", "search-index.js", f"scorecard-{MONTH}.pdf", f"scorecard-{MONTH}.xlsx"):
        assert (edition_dir / name).is_file(), name
    assert (built / "index.html").is_file()
    assert (built / "site_libs" / "vega" / "vega-bundle.js").stat().st_size > 100_000
    assert (built / "site_libs" / "scorecard" / "scorecard.css").is_file()


@pytest.mark.parametrize("slug", PAGES)
def test_page_shell(edition_dir, slug):
    text = (edition_dir / f"{slug}.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="en-GB"', text)
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert LABEL in title, title
    assert text.count("<main") == 1 and 'id="content"' in text
    assert re.search(r'<a class="skip-link" href="#content"', text)
    assert '<meta name="scorecard-site-root" content="../">' in text
    assert re.search(r'<link rel="stylesheet" href="\.\./site_libs/scorecard/scorecard\.css">', text)
    h1 = re.findall(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    assert len(h1) == 1 and LABEL in h1[0]
    for district in DISTRICTS:  # the navbar's Districts menu
        assert f'href="{district_slug(district)}.html"' in text


def test_no_reference_to_the_network(built):
    """No src/href/url() anywhere in the site points at another host."""
    pattern = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)
    offenders = []
    for path in built.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".css", ".js", ".svg", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{path.relative_to(built)}: {text[m.start():m.start() + 80]}"
                          for m in pattern.finditer(text)]
    assert not offenders, offenders[:10]


def test_tables_link_their_data_as_csv(edition_dir):
    checked = 0
    for slug in PAGES:
        text = (edition_dir / f"{slug}.html").read_text(encoding="utf-8")
        tables = len(re.findall(r'class="scorecard-table"', text))
        links = re.findall(r'<a[^>]*href="([^"]+\.csv)"[^>]*>', text)
        assert len(links) >= tables, f"{slug}: {tables} tables, {len(links)} CSV links"
        for href in links:
            rows = list(csv.reader((edition_dir / href).read_text(encoding="utf-8").splitlines()))
            assert len(rows) >= 2 and len(rows[0]) >= 2, href
            checked += 1
    assert checked >= len(PAGES)


def test_workbook_has_a_sheet_per_block(edition_dir):
    import openpyxl

    wb = openpyxl.load_workbook(edition_dir / f"scorecard-{MONTH}.xlsx", read_only=True)
    with (DATA / "layout" / "blocks.csv").open(encoding="utf-8") as fh:
        blocks = [r["block"][:31] for r in csv.DictReader(fh)]
    assert set(blocks) <= set(wb.sheetnames), set(blocks) - set(wb.sheetnames)


def test_search_index_covers_every_page(edition_dir):
    text = (edition_dir / "search-index.js").read_text(encoding="utf-8")
    records = json.loads(text.split("=", 1)[1].rstrip().rstrip(";"))
    urls = {r["u"].split("#")[0] for r in records}
    assert {f"{slug}.html" for slug in PAGES} <= urls
    assert any("foster" in r["x"].lower() for r in records)


def test_editions_index_lists_the_edition(built):
    text = (built / "index.html").read_text(encoding="utf-8")
    assert f'href="{MONTH}/index.html"' in text and LABEL in text
    assert f'href="{MONTH}/scorecard-{MONTH}.pdf"' in text


# --- in the browser -------------------------------------------------------------------------------

LOADED = [f"{MONTH}/{slug}.html" for slug in PAGES] + ["index.html", f"{MONTH}/index.html"]


# A query string is not part of a file:// path, so search with a query is loaded over HTTP only
# (test_search_works_offline types a search into a file:// page).
@pytest.mark.parametrize(("rel", "scheme"), [(rel, scheme) for rel in LOADED for scheme in ("http", "file")]
                         + [(f"{MONTH}/search.html?q=exclusions", "http")])
def test_page_loads_offline_without_errors(browser, server, built, rel, scheme):
    v = visit(browser, server, built, rel, scheme)
    try:
        n = v.charts_drawn()
        assert not v.outside, f"requests outside the site: {v.outside}"
        assert not v.errors, v.errors
        if rel.endswith(("overview.html", "social-care.html")) or "district-" in rel:
            assert n > 0, "no chart on a page that has charts"
    finally:
        v.close()


@pytest.mark.parametrize("rel", [f"{MONTH}/{slug}.html" for slug in PAGES]
                         + ["index.html", f"{MONTH}/index.html", f"{MONTH}/search.html?q=foster"])
def test_axe_finds_no_serious_violations(browser, server, built, rel):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` in the repository (package.json)")
    v = visit(browser, server, built, rel, "http")
    try:
        v.charts_drawn()
        v.page.add_script_tag(path=str(AXE))  # injected inline: no request
        found = v.page.evaluate(AXE_RUN)
        bad = [x for x in found if x["impact"] in ("serious", "critical")]
        assert not bad, bad
    finally:
        v.close()


def test_navigation_reaches_every_district(browser, server, built):
    v = visit(browser, server, built, f"{MONTH}/overview.html", "http")
    try:
        reached = []
        for district in DISTRICTS:
            v.page.get_by_text("Districts", exact=True).first.click()
            v.page.get_by_role("link", name=district, exact=True).first.click()
            v.page.wait_for_load_state("load")
            heading = v.page.locator("h1").inner_text()
            assert district in heading and LABEL in heading, heading
            assert v.page.url.endswith(f"{district_slug(district)}.html")
            reached.append(district)
        assert reached == DISTRICTS
        assert not v.errors and not v.outside
    finally:
        v.close()


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_search_works_offline(browser, server, built, scheme):
    v = visit(browser, server, built, f"{MONTH}/overview.html", scheme)
    try:
        v.page.fill("#sc-q", "Ashford")
        v.page.press("#sc-q", "Enter")
        v.page.wait_for_selector("#sc-results ol li a")
        hrefs = v.page.eval_on_selector_all("#sc-results ol li a", "els => els.map(e => e.getAttribute('href'))")
        assert any(h.startswith("district-ashford.html") for h in hrefs), hrefs
        assert not v.errors and not v.outside
    finally:
        v.close()


def test_screenshots_of_key_pages(browser, server, built, tmp_path_factory):
    """Screenshots for a person to look at: Kent social care, the education annual table, a district."""
    shots = tmp_path_factory.mktemp("screenshots")
    for rel, name, locator in [(f"{MONTH}/social-care.html", "social-care", None),
                               (f"{MONTH}/education.html", "education-annual", "#tbl-edu-annual"),
                               (f"{MONTH}/{district_slug('Swale')}.html", "district-swale", None)]:
        v = visit(browser, server, built, rel, "http")
        try:
            v.charts_drawn()
            path = shots / f"{name}.png"
            if locator:
                v.page.locator(locator).first.screenshot(path=str(path))
            else:
                v.page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 20_000
        finally:
            v.close()
    print(f"\nscreenshots: {shots}")


# --- the PDF ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pdf(edition_dir) -> Path:
    return edition_dir / f"scorecard-{MONTH}.pdf"


@pytest.fixture(scope="session")
def pdf_text(pdf) -> str:
    need("pdftotext")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_is_a4_landscape_with_a_page_per_chapter(pdf):
    need("pdfinfo")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert abs(w - 841.9) < 2 and abs(h - 595.3) < 2, (w, h)  # A4 landscape in points
    assert pages >= 2 + len(PAGES)  # cover, contents, and each page of the site starts a new page


def test_pdf_has_every_district_and_the_rag_words(pdf_text):
    for district in DISTRICTS:
        assert f"District: {district}" in pdf_text, district
    for word in ("RED", "AMBER", "GREEN"):
        assert len(re.findall(rf"\b{word}\b", pdf_text)) > 20, word
    assert LABEL in pdf_text.split("\f")[0]  # the cover
    assert "23 February 2026" in pdf_text.split("\f")[0]
    assert re.search(r"Page 3 of \d+", pdf_text)


def test_pdf_contents_page_numbers_are_right(pdf, pdf_text):
    pages = pdf_text.split("\f")
    contents = pages[1]
    assert "Contents" in contents
    entries = [m for m in re.findall(r"^\s*(\S.*?\S)\s*\.*\s+(\d+)\s*$", contents, re.M)
               if not re.search(r"Page \d+ of$", m[0])]
    found = {title: int(n) for title, n in entries}
    assert "Social care" in found and "Reference" in found and all(d in found for d in DISTRICTS), found
    for title, n in found.items():
        heading = f"District: {title}" if title in DISTRICTS else title
        assert heading in pages[n - 1], f"'{heading}' is not on page {n}"


def test_pdf_first_pages_render(pdf, tmp_path):
    need("pdftoppm")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "4", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 4
    from PIL import Image

    for png in pngs:
        colours = Image.open(png).convert("L").getextrema()
        assert colours[0] < 100 and colours[1] > 200, f"{png.name} looks blank"


# --- publishing is atomic and keeps earlier editions ---------------------------------------------------

def test_a_failed_build_leaves_the_site_unchanged(built, grid, tmp_path, monkeypatch):
    published = tmp_path / "_site"
    shutil.copytree(built, published)
    before = tree_hash(published)

    from scorecard import site_pdf

    def broken(*args, **kwargs):
        raise RuntimeError("PDF engine crashed")

    monkeypatch.setattr(site_pdf, "write_pdf", broken)
    with pytest.raises(RuntimeError, match="PDF engine crashed"):
        publish.build(MONTH, published, engine="builtin", data=DATA, build_dir=grid.folder.parents[1], run=False,
                      warn=lambda line: None)
    assert tree_hash(published) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], "build folder left behind"


def test_an_unreadable_notebook_stops_the_build_with_exit_4(built, grid, tmp_path, capsys, monkeypatch):
    from scorecard.cli import main

    build_dir = tmp_path / "build"
    shutil.copytree(grid.folder, build_dir / MONTH / "notebooks")
    (build_dir / MONTH / "notebooks" / "send.ipynb").write_text("{ not json", encoding="utf-8")
    published = tmp_path / "_site"
    shutil.copytree(built, published)
    before = tree_hash(published)
    monkeypatch.setattr("sys.argv", ["scorecard", "build", "--month", MONTH, "--engine", "builtin", "--no-run",
                                     "--build-dir", str(build_dir), "--out", str(published), "--data", str(DATA)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == EXIT_BUILD
    err = capsys.readouterr().err
    assert "send.ipynb" in err and "Traceback" not in err
    assert tree_hash(published) == before


def test_building_keeps_earlier_editions(built, grid, tmp_path):
    published = tmp_path / "_site"
    shutil.copytree(built, published)
    earlier = published / "2025-12"
    earlier.mkdir()
    (earlier / "overview.html").write_text("<h1>December 2025</h1>", encoding="utf-8")
    (earlier / "edition.json").write_text(json.dumps({"month": "2025-12", "label": "December 2025",
                                                      "publication_date": "", "pdf": "scorecard-2025-12.pdf",
                                                      "xlsx": "scorecard-2025-12.xlsx"}), encoding="utf-8")
    kept = tree_hash(earlier)
    publish.build(MONTH, published, engine="builtin", data=DATA, build_dir=grid.folder.parents[1], run=False,
                  warn=lambda line: None)
    assert tree_hash(earlier) == kept
    index = (published / "index.html").read_text(encoding="utf-8")
    assert 'href="2025-12/index.html"' in index and 'href="2026-01/index.html"' in index
    assert index.index("January 2026") < index.index("December 2025")  # newest first


def test_a_commentary_only_edit_executes_only_its_section(grid, tmp_path):
    """After a commentary edit the papermill stage runs just that section's notebook."""
    from scorecard import runner

    build_dir = tmp_path / "build"
    shutil.copytree(grid.folder, build_dir / MONTH / "notebooks")
    commentary = tmp_path / "commentary"
    shutil.copytree(ROOT / "commentary", commentary)
    params_dir = ROOT / "params"
    state = publish.inputs_of(MONTH, DATA, commentary, params_dir, runner.SOURCE_DIR)
    (build_dir / MONTH / "inputs.json").write_text(json.dumps(state), encoding="utf-8")

    folder, ran = publish.ensure_executed(MONTH, DATA, build_dir, commentary, params_dir)
    assert ran == []
    path = commentary / MONTH / "early-help.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA sentence added by the test suite.\n",
                    encoding="utf-8")
    folder, ran = publish.ensure_executed(MONTH, DATA, build_dir, commentary, params_dir)
    assert ran == ["early-help"]
    assert "A sentence added by the test suite." in (folder / "early-help.ipynb").read_text(encoding="utf-8")
    assert "A sentence added by the test suite." not in (folder / "send.ipynb").read_text(encoding="utf-8")


# --- the Quarto project ----------------------------------------------------------------------------

def test_quarto_project_configuration():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website"
    assert config["execute"]["enabled"] is False
    assert "scorecard.quarto_hooks pre-render" in config["project"]["pre-render"]
    assert "scorecard.quarto_hooks post-render" in config["project"]["post-render"]
    assert "_edition.yml" in config["metadata-files"]
    assert "typst" not in json.dumps(config.get("format", {}))  # only the report is a PDF
    assert config["website"]["search"]


def test_quarto_staging_labels_every_embed(grid, tmp_path):
    """What pre-render stages: titled notebooks, and a Typst report whose embeds all resolve."""
    edition = site.discover(grid.folder, params.load(ROOT / "params" / f"{MONTH}.yml", MONTH))
    staged = quarto_hooks.stage(edition, tmp_path / "editions")
    report = (staged / f"scorecard-{MONTH}.qmd").read_text(encoding="utf-8")
    front = yaml.safe_load(report.split("---")[1])
    typst = front["format"]["typst"]
    assert typst["papersize"] == "a4" and "flipped: true" in typst["include-in-header"][0]["text"]
    assert "callout" not in report and "@preview" not in report
    embeds = re.findall(r"\{\{< embed (\S+?)#(\S+) >\}\}", report)
    assert len(embeds) > 50
    labels: dict[str, set] = {}
    for nb_name, label in embeds:
        if nb_name not in labels:
            nb = json.loads((staged / nb_name).read_text(encoding="utf-8"))
            assert nb["cells"][0]["cell_type"] == "raw" and LABEL in "".join(nb["cells"][0]["source"])
            found = [re.findall(r"^#\| label: (\S+)", "".join(c["source"]), re.M) for c in nb["cells"]]
            all_labels = [x for f in found for x in f]
            assert len(all_labels) == len(set(all_labels)), f"duplicate labels in {nb_name}"
            labels[nb_name] = set(all_labels)
        assert label in labels[nb_name], (nb_name, label)
    assert {f"{slug}.ipynb" for slug in PAGES} <= set(labels)
    nav = quarto_hooks.navbar(edition)["website"]["navbar"]["left"]
    menu = next(item for item in nav if item["text"] == "Districts")["menu"]
    assert [m["text"] for m in menu] == DISTRICTS
    assert all((tmp_path / m["href"]).exists() for m in menu)


def test_post_render_strips_cdn_scripts_and_ships_vega(tmp_path):
    out = tmp_path / "_site"
    out.mkdir()
    page = out / "page.html"
    page.write_text('<head><script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" '
                    'integrity="sha" crossorigin="anonymous"></script>\n<script src="https://cdn.jsdelivr.net/npm/'
                    'jquery@3.5.1/dist/jquery.min.js"></script><script src="site_libs/quarto-nav/quarto-nav.js">'
                    '</script></head>', encoding="utf-8")
    assert quarto_hooks.post_render(out) == 0
    text = page.read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in text and "site_libs/quarto-nav/quarto-nav.js" in text
    assert (out / "site_libs" / "vega" / "vega-bundle.js").stat().st_size > 100_000
    (out / "other.html").write_text('<img src="https://example.org/x.png">', encoding="utf-8")
    assert quarto_hooks.post_render(out) == 1  # an external image is not silently removed


def test_quarto_render(tmp_path):
    quarto = shutil.which("quarto")
    if not quarto:
        pytest.skip("`quarto` is not on PATH: the Quarto engine is checked where Quarto 1.6+ is installed")
    project = tmp_path / "project"
    for name in ("_quarto.yml", "index.qmd", "data", "params", "commentary", "notebooks"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    done = subprocess.run([quarto, "render"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    out = project / "_site"
    for slug in PAGES:
        assert (out / "editions" / MONTH / f"{slug}.html").is_file(), slug
    assert (out / "editions" / MONTH / f"scorecard-{MONTH}.pdf").stat().st_size > 50_000
    assert not publish.external_references(out)


def test_scorecard_build_refuses_quarto_when_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ScorecardError) as info:
        publish.publish_quarto(MONTH, tmp_path / "_site", DATA, tmp_path / "build", ROOT)
    assert "quarto" in str(info.value)
    assert not (tmp_path / "_site").exists()


def test_weasyprint_pdf_without_a_browser(grid, tmp_path):
    """The fallback PDF engine: same print document, contents numbered by CSS target-counter()."""
    need("pdftotext")
    from scorecard import site_pdf

    full = site.discover(grid.folder, params.load(ROOT / "params" / f"{MONTH}.yml", MONTH))
    small = site.Edition(MONTH, full.notebooks, [full.page("overview")], full.params)
    prepared = {p.slug: site.prepare(p) for p in small.pages}
    pdf = tmp_path / "small.pdf"
    assert site_pdf.write_pdf(small, prepared, pdf, tmp_path / "work", engine="weasyprint") == "weasyprint"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    number = int(re.search(r"Overview\D*?(\d+)\s*$", pages[1], re.M).group(1))
    assert "Overview" in pages[number - 1] and "RAG ratings of Kent indicators" in pages[number - 1]
    assert LABEL in pages[0]
