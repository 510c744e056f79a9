"""Issue 12: the edition published with Quarto, both ways, checked with the real Quarto.

- ``quarto render`` at the root of a temporary git clone of the repository (its data, params, notebooks
  and Quarto files, committed): exit 0, the January edition at the builtin engine's addresses, the
  tree unmodified (``git status`` clean), every table of every district in the PDF, A4 landscape,
  "Page n of N", the cover's date, only DejaVu/Liberation fonts, nothing loaded from the network, pages
  without console errors over HTTP and from file://, the districts menu, search.
- ``scorecard build --engine quarto`` in the same clone (its notebooks already executed): the same
  addresses, an earlier edition kept; a failing Quarto leaves the published site byte for byte unchanged.
- the hostile corpus (tests/hostile) built with ``--engine quarto``: its words are text everywhere.

Every test here needs Quarto (1.6 or newer) on PATH and skips, with that reason, when it is not.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, chromium_browser, copy_project, scorecard, serve

from scorecard.publish import quarto, safety

QUARTO = shutil.which("quarto")
pytestmark = pytest.mark.skipif(QUARTO is None, reason="Quarto is not on PATH: the --engine quarto and `quarto "
                                                       "render` tests need Quarto 1.6 or newer (quarto.org); the "
                                                       "builtin engine is tested without it")
MONTH = "2026-01"
DRAWN = ("() => !document.querySelector('script.sc-spec') || "
         "document.documentElement.getAttribute('data-charts') === 'drawn'")
# the findings safety.check_site reports for Quarto's own scripts, each a fetch() of the site's own file
LOADS_FROM_WEB = r"""(?:src|href)\s*=\s*["']?(?:https?:|//)[^"'\s>]*|\S*(?:require\.js|jquery)\S*"""
VETTED = {"site_libs/quarto-html/quarto.js", "site_libs/quarto-search/quarto-search.js",
          "site_libs/scorecard-quarto/quarto-classic.js"}


def norm(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def tree_hash(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))} if root.exists() else {}


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def render_env() -> dict:
    # the hook finds the package in this interpreter (a fresh clone would have .venv, made by scripts/setup.sh)
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    env.pop("SCORECARD_MONTH", None)
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A temporary git repository holding the repository's files as a fresh clone would (what git tracks,
    and what is new but not ignored), after one plain `quarto render` at its root."""
    base = tmp_path_factory.mktemp("quarto") / "repo"
    files = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file() and not rel.startswith("_site/"):
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, base / rel)
    git("init", "-q", cwd=base)
    git("add", "-A", cwd=base)
    git("commit", "-qm", "fresh clone", cwd=base)
    assert quarto.newest_month(base / "params") == MONTH, "the newest params/ month is not January: update MONTH"
    done = subprocess.run([QUARTO, "render"], cwd=base, capture_output=True, text=True, env=render_env(), timeout=1500)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    (base.parent / "render.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def site(clone) -> Path:
    return clone / "_site"


@pytest.fixture(scope="module")
def staged(clone):
    """The edition's staged pages, as both engines read them (from the clone's executed notebooks)."""
    from scorecard.publish import build, jobs, stage

    paths = build.Paths.of(clone / "data")
    snap, _ = build.snapshot_of(paths, MONTH, None, paths.build / MONTH / "snapshot.pickle")
    plan = jobs.plan(snap.dataset, snap.params, paths.notebooks, MONTH)
    return snap, [stage.stage(paths.build / MONTH / "executed" / f"{j.name}.ipynb", j) for j in plan]


def addresses(site: Path, month: str = MONTH) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / month).rglob("*") if p.is_file()}


# --- quarto render at the root ------------------------------------------------------------------------

def test_quarto_render_publishes_the_edition_at_the_shared_addresses(site, staged, published):
    snap, pages = staged
    got = addresses(site)
    want = {f"{MONTH}/{p.job.name}.html" for p in pages}
    want |= {f"{MONTH}/{n}" for n in ("index.html", "qa.html", f"scorecard-{MONTH}.pdf", f"scorecard-{MONTH}.xlsx",
                                      "edition.json")}
    want |= {f"{MONTH}/{name}" for p in pages for name in p.csv_files}
    assert want <= got, sorted(want - got)
    assert (site / "index.html").is_file()
    builtin = addresses(published / "_site")
    only_builtin = {a for a in builtin - got if not a.endswith(("search.html", "search-index.js"))}
    assert not only_builtin, f"the builtin engine publishes these and Quarto does not: {sorted(only_builtin)}"
    for p in pages:   # each table's download link points at its CSV, beside the page
        page = (site / MONTH / f"{p.job.name}.html").read_text(encoding="utf-8")
        for name in p.csv_files:
            assert f'href="{name}"' in page, (p.job.name, name)
    editions = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{MONTH}/index.html"' in editions and "January 2026" in editions
    assert json.loads((site / MONTH / "edition.json").read_text())["engine"] == "quarto"


def test_quarto_render_leaves_the_tree_unmodified(clone):
    assert git("status", "--porcelain", "--ignored=no", cwd=clone) == "", "quarto render changed tracked files"
    ignored = git("status", "--porcelain", "--ignored", cwd=clone)
    assert "_scorecard/" in ignored and f"{MONTH}/" in ignored   # what pre-render staged is ignored


def test_root_project_files_are_the_packages(clone):
    assert (ROOT / "index.qmd").read_bytes() == (quarto.TEMPLATES / "index.qmd").read_bytes()
    cfg = (ROOT / "_quarto.yml").read_text(encoding="utf-8")
    assert "pre-render: scripts/quarto_hook.py pre-render" in cfg and "post-render: scripts/quarto_hook.py" in cfg
    assert "output-dir: build/quarto-site" in cfg   # Quarto empties output-dir: never _site/
    lines = [ln.strip() for ln in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()]
    for wanted in ("/.quarto/", "**/*.quarto_ipynb", "/_scorecard/", "/site_libs/"):
        assert wanted in lines, wanted


def pdf_text(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    if done.returncode:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return done.stdout.split("\f")


def chapters(pdf: Path, titles: list[str]) -> dict[str, tuple[int, int]]:
    """Chapter title -> (first page, last page + 1), 0-based, from the PDF's bookmarks (Typst writes them)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    flat = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                flat.append((it.title, reader.get_destination_page_number(it)))

    walk(reader.outline)
    flat = [(t, p) for t, p in flat if t in titles]
    assert [t for t, _ in flat] == titles, "the PDF's bookmarks are not the chapters, in order"
    out = {}
    for i, (title, first) in enumerate(flat):
        nxt = next((p for _, p in flat[i + 1:] if p > first), len(reader.pages))
        out[title] = (first, max(nxt, first + 1))
    return out


def test_every_table_of_every_district_is_in_the_pdf(site, staged, clone):
    snap, pages = staged
    pdf = site / MONTH / f"scorecard-{MONTH}.pdf"
    text = pdf_text(pdf)
    spans = chapters(pdf, [p.job.title if p.job.kind == "district" else p.title for p in pages])
    typ = (clone / MONTH / f"scorecard-{MONTH}.typ").read_text(encoding="utf-8")
    assert typ.count("#table(") == sum(1 for p in pages for b in p.blocks if b.kind == "table")
    assert not re.search(r'#import\s+"@preview', typ)   # no Typst package to download
    for p in pages:
        title = p.job.title if p.job.kind == "district" else p.title
        assert title in spans, (title, sorted(spans))
        first, end = spans[title]
        chapter = norm(" ".join(text[first:end]))
        for b in p.blocks:
            if b.kind != "table":
                continue
            for words in (b.meta.get("team"), b.meta.get("title")):
                if words:
                    assert norm(words) in chapter, (p.job.name, words)
            rows = [r for r in b.plain.splitlines()[2:] if r.strip()]
            for row in rows[:3]:   # its first rows' codes
                code = row.split()[0]
                if re.fullmatch(r"[A-Z][A-Z0-9-]{2,}", code):
                    assert code in chapter, (p.job.name, b.meta.get("id"), code)


def test_pdf_is_a_committee_paper(site, published):
    from pypdf import PdfReader

    pdf = site / MONTH / f"scorecard-{MONTH}.pdf"
    reader = PdfReader(str(pdf))
    n = len(reader.pages)
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 841.89) < 2 and abs(float(page.mediabox.height) - 595.28) < 2
    builtin = len(PdfReader(str(published / "_site" / MONTH / f"scorecard-{MONTH}.pdf")).pages)
    print(f"\nQuarto/Typst PDF: {n} pages; builtin PDF: {builtin} pages")
    assert n <= builtin * 1.15, (n, builtin)
    text = pdf_text(pdf)
    assert "23 February 2026" in text[0] and "January 2026" in text[0]
    assert "Contents" in text[1]
    for i, page in enumerate(text[1:n], start=2):
        assert f"Page {i} of {n}" in page, i
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    names = {ln.split()[0].split("+")[-1] for ln in fonts if ln.strip()}
    assert names and all(re.match(r"(DejaVuSans|LiberationSans)", f) for f in names), names
    assert "#table(" in (site.parent / MONTH / f"scorecard-{MONTH}.typ").read_text(encoding="utf-8")
    log = (site.parent.parent / "render.txt").read_text(encoding="utf-8")
    assert not re.search(r"unknown font|Unable to parse table|@preview", log, re.I), log[-2000:]


def test_site_loads_nothing_from_the_network(site):
    bad = safety.check_site(site)
    assert all(b.split(":", 1)[0] in VETTED and b.endswith("a script that fetches from the network") for b in bad), bad
    assert quarto.offline_problems(site) == []
    for rel in VETTED:   # what is vetted fetches only the site's own index files, by relative URL
        if (site / rel).exists():
            calls = re.findall(r"fetch\s*\(([^)]*\))", (site / rel).read_text(encoding="utf-8"))
            assert calls and all("json" in c and "http" not in c for c in calls), calls
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found = re.findall(LOADS_FROM_WEB, text, re.I)
        assert not found, (page, found[:3])


# --- in a browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


def visit(browser, base: str, rel: str):
    """(page, context, console errors, requests that left the site) for one page, off-site requests aborted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors, outside = [], []
    prefix = base.rstrip("/") + "/"
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: (not r.url.startswith((prefix, "data:", "blob:"))) and outside.append(r.url))

    def guard(route):
        if route.request.url.startswith((prefix, "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page.goto(prefix + rel, wait_until="load")
    page.wait_for_function(DRAWN, timeout=60000)
    page.wait_for_timeout(300)
    return page, context, errors, outside


@pytest.mark.parametrize("scheme", ["http", "file"])
@pytest.mark.parametrize("rel", ["index.html", f"{MONTH}/index.html", f"{MONTH}/overview.html",
                                 f"{MONTH}/social-care.html", f"{MONTH}/district-swale.html", f"{MONTH}/qa.html"])
def test_pages_load_without_errors(browser, site, server, scheme, rel):
    base = server if scheme == "http" else site.resolve().as_uri()
    page, context, errors, outside = visit(browser, base, rel)
    try:
        assert errors == [] and outside == [], (errors, outside)
        specs = page.evaluate("document.querySelectorAll('script.sc-spec').length")
        assert page.evaluate("document.querySelectorAll('.sc-vega svg').length") == specs
        assert page.evaluate("document.querySelectorAll('script:not([src]):not([type=\"application/json\"])')"
                             ".length") == 0
        wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert wide, "the page scrolls sideways at 1400 px"
    finally:
        context.close()


def test_navbar_reaches_every_section_and_district(browser, site, server, staged):
    _snap, pages = staged
    page, context, errors, _ = visit(browser, server, f"{MONTH}/overview.html")
    try:
        links = page.evaluate("[...document.querySelectorAll('nav a[href]')].map(a => a.getAttribute('href'))")
        for p in pages:
            assert any(h.endswith(f"{p.job.name}.html") for h in links), p.job.name
        page.get_by_role("link", name=re.compile("Districts")).first.click()
        page.get_by_role("link", name="Swale", exact=True).first.click()
        page.wait_for_url("**/district-swale.html")
        assert errors == []
    finally:
        context.close()


def test_search_finds_a_district_over_http(browser, server):
    page, context, errors, _ = visit(browser, server, f"{MONTH}/social-care.html")
    try:
        page.fill("#quarto-search input", "Swale")
        page.wait_for_selector(".aa-Item", timeout=15000)
        assert "Swale" in page.inner_text(".aa-Panel")
        assert errors == []
    finally:
        context.close()


# --- scorecard build --engine quarto ---------------------------------------------------------------------

def fake_edition(out: Path) -> dict[str, str]:
    """An earlier edition already published in ``out`` (a site: index.html and site_libs/)."""
    old = out / "2025-12"
    old.mkdir(parents=True)
    (out / "site_libs").mkdir()
    (out / "index.html").write_text("<!doctype html><p>the published site</p>", encoding="utf-8")
    (old / "overview.html").write_text("<!doctype html><title>December</title><p>December</p>", encoding="utf-8")
    (old / "edition.json").write_text(json.dumps({
        "month": "2025-12", "label": "December 2025", "publication_date": "19 January 2026", "pdf": "x.pdf",
        "xlsx": "x.xlsx", "first": "overview.html", "first_title": "Overview", "pages": ["overview"]}),
        encoding="utf-8")
    return tree_hash(old)


def test_engine_quarto_publishes_the_same_addresses_beside_earlier_editions(clone, site):
    out = clone.parent / "engine-site"
    before = fake_edition(out)
    done = scorecard("build", "--month", MONTH, "--data", str(clone / "data"), "--out", str(out), "--engine",
                     "quarto", "-v", cwd=clone, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    assert addresses(out) == addresses(site)
    assert tree_hash(out / "2025-12") == before
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("January 2026") < index.index("December 2025")   # newest first
    assert quarto.offline_problems(out) == []
    timings = dict(re.findall(r"^\s+(quarto: \w+|publishing): ([\d.]+) s", done.stdout, re.M))
    print(f"\n--engine quarto, notebooks current: {timings}")


def test_a_failing_quarto_leaves_the_published_site_unchanged(clone, tmp_path):
    out = tmp_path / "site"
    fake_edition(out)
    before = tree_hash(out)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "quarto").write_text('#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.8.27; exit 0; fi\n'
                                 'echo "ERROR: a render that fails" >&2; exit 1\n', encoding="utf-8")
    (fake / "quarto").chmod(0o755)
    env = {"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    done = scorecard("build", "--month", MONTH, "--data", str(clone / "data"), "--out", str(out), "--engine",
                     "quarto", cwd=clone, env=env, timeout=900)
    assert done.returncode == 4, done.stderr[-2000:]
    assert "quarto render failed" in done.stderr and "Traceback" not in done.stderr
    assert tree_hash(out) == before


# --- untrusted text is text ------------------------------------------------------------------------------

def test_hostile_words_stay_words_with_quarto(tmp_path, browser):
    sys.path.insert(0, str(Path(__file__).parent))
    from hostile import corpus

    copy_project(tmp_path)
    corpus.make_hostile(tmp_path, MONTH)
    out = tmp_path / "_site"
    done = scorecard("build", "--month", MONTH, "--data", str(tmp_path / "data"), "--out", str(out), "--engine",
                     "quarto", "-q", cwd=tmp_path, env={"SCORECARD_TODAY": "2026-03-15"}, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    assert quarto.offline_problems(out) == []
    for f in out.rglob("*"):
        if f.is_file() and f.suffix in (".html", ".js", ".json", ".csv"):
            assert corpus.PASSWD_LINE not in f.read_text(encoding="utf-8", errors="replace"), f
    text = norm(" ".join(pdf_text(out / MONTH / f"scorecard-{MONTH}.pdf")))
    assert corpus.PASSWD_LINE not in text
    for words in ("{{< include /etc/passwd >}}", '<script>window.__pwned="title"</script>'):
        assert norm(words) in text, words
    for rel in (f"{MONTH}/social-care.html", f"{MONTH}/overview.html", f"{MONTH}/district-swale.html", "index.html"):
        page, context, errors, outside = visit(browser, out.resolve().as_uri(), rel)
        try:
            page.mouse.move(300, 300)
            assert page.evaluate("window.__pwned || ''") == "" and page.title() != "pwned"
            assert outside == [] and errors == [], (rel, errors, outside)
        finally:
            context.close()
    social = (out / MONTH / "social-care.html").read_text(encoding="utf-8")
    assert "{{&lt; include /etc/passwd &gt;}}" in social


# --- the words Pandoc is given ---------------------------------------------------------------------------

def test_text_for_pandoc_is_escaped():
    assert quarto.md_text("a *b* {{< include x >}} $x$ <i>\n c") == \
        r"a \*b\* \{\{\< include x \>\}\} \$x\$ \<i\> c"
    raw = quarto.raw_html("<p>{{<b>x</b> ```` ok</p>")
    assert "{{<" not in raw and raw.startswith("`````{=html}\n") and raw.endswith("\n`````")
    assert quarto.shift_headings("## A\n\n\\# not\n\n### B\n", 3) == "### A\n\n\\# not\n\n#### B\n"


def test_newest_month_and_override(tmp_path, monkeypatch):
    for m in ("2025-12", "2026-02", "2026-01"):
        (tmp_path / f"{m}.yml").write_text("month: x\n", encoding="utf-8")
    monkeypatch.delenv("SCORECARD_MONTH", raising=False)
    assert quarto.newest_month(tmp_path) == "2026-02"
    monkeypatch.setenv("SCORECARD_MONTH", "2026-01")
    assert quarto.newest_month(tmp_path) == "2026-01"
