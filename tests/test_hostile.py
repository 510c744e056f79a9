"""Issue 14: hostile input and faults. Every case: no script or live formula reaches an output, no local
file is read, no traceback, the documented exit code, one line per problem, and data/ and _site/ byte for
byte unchanged where the command fails.

1. Untrusted text is text: ONE hostile build (``hostile``: commentary cells, parameters and data titles
   carrying every payload of ``hostile/corpus.py``), opened page by page in Chromium, printed, downloaded.
2. One writer at a time, one snapshot per build: ``ingest --replace`` while a build runs changes nothing the
   build publishes. (Two ingests at once: ``test_ingest.py::test_two_ingests_at_once_lose_no_figure``.)
3. Numbers and files in a hand-edited data/, at ``scorecard validate`` (the same at ingest: test_ingest.py).
4. Faults: disk full, read-only or other mounts, malformed parameters, unknown options, ``kill -9``,
   ``--out`` on an input folder (data, params, notebooks and the repository: ``test_build.py::
   test_out_may_not_be_an_input_folder``; ``template --out t.csv``: ``test_template.py::
   test_bad_arguments_are_refused``).

Fault builds re-publish copies of the hostile project (its notebooks already executed), so the file
costs one full build and a few seconds per fault.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import copy_project, scorecard
from hostile import corpus

from scorecard.content import downloads, markdown
from scorecard.errors import EXIT_BUILD, EXIT_INVALID
from scorecard.publish import safety

MONTH = "2026-01"
TODAY = {"SCORECARD_TODAY": "2026-03-15"}


# ---------------------------------------------------------------- helpers


def tree_hash(root: Path) -> dict[str, str]:
    """Relative path -> sha256 (folders as "folder", links as their target): equal means byte-for-byte equal."""
    if not root.exists():
        return {}
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = f"link:{os.readlink(p)}" if p.is_symlink() else (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder")
    return out


def errors_of(done: subprocess.CompletedProcess) -> list[str]:
    """The problem lines of a failed command, after checking that it failed as documented (no traceback)."""
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr[-3000:]
    return [ln for ln in done.stderr.splitlines() if ln.startswith("ERROR")]


def one_error(done: subprocess.CompletedProcess, code: int, *words: str) -> str:
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    lines = errors_of(done)
    assert len(lines) == 1, lines
    for w in words:
        assert w in lines[0], lines
    return lines[0]


def cli(capsys, *args: str) -> subprocess.CompletedProcess:
    """``scorecard *args`` in this process (no start-up cost): exit code, stdout and stderr as a user gets them.
    Anything but a ScorecardError or a usage error would be turned into one "internal error" line by the CLI
    (and fail the test's expected message), so this is as strict as a subprocess about tracebacks."""
    from scorecard.cli.app import main

    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    got = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, got.out, got.err)


def clone(src: Path, dest: Path) -> Path:
    """A copy of a built project (inputs and build/, so nothing is executed again); returns its data folder."""
    for name in ("data", "params", "notebooks", "build"):
        shutil.copytree(src / name, dest / name, symlinks=True)
    return dest / "data"


def build(data: Path, out: Path, *extra: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return scorecard("build", "--month", MONTH, "--data", str(data), "--out", str(out), "-q", *extra,
                     timeout=timeout)


def fake_site(folder: Path) -> Path:
    """A small published site (an earlier edition) that a failed build must leave as it was."""
    (folder / "site_libs").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><p>the published site</p>", encoding="utf-8")
    (folder / "2025-12").mkdir()
    (folder / "2025-12" / "edition.json").write_text(json.dumps({
        "month": "2025-12", "label": "December 2025", "publication_date": "19 January 2026", "pdf": "x.pdf",
        "xlsx": "x.xlsx", "first": "overview.html", "first_title": "Overview", "pages": ["overview"]}),
        encoding="utf-8")
    return folder


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount here ({' '.join(args)}): {done.stderr.strip() or done.returncode}")


def umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


# --- processes: what a build started, and whether any outlives it


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            out.setdefault(ppid, []).append(int(p.name))
    return out


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line."""
    tree, found, todo = _children(), {}, [pid]
    while todo:
        for c in tree.get(todo.pop(), []):
            try:
                found[c] = (Path(f"/proc/{c}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
            todo.append(c)
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def kill_during(args: list[str], cwd: Path, wanted: str, after: float = 1.5) -> tuple[dict[int, str], list[int]]:
    """Start ``scorecard *args``, wait until a process whose command line has ``wanted`` runs below it,
    ``kill -9`` the command only (not its children), and return (what it had started, what still runs 5 s later)."""
    proc = subprocess.Popen([sys.executable, "-m", "scorecard", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    seen: dict[int, str] = {}
    first = None
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            seen.update(descendants(proc.pid))
            if first is None and any(wanted in c for c in seen.values()):
                first = time.monotonic()
            if first is not None and time.monotonic() - first > after:
                break
            time.sleep(0.05)
        assert proc.poll() is None and first is not None, f"no '{wanted}' process was seen: {seen}"
        seen.update(descendants(proc.pid))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        end = time.monotonic() + 5
        left = [p for p in seen if running(p)]
        while left and time.monotonic() < end:
            time.sleep(0.2)
            left = [p for p in seen if running(p)]
        return seen, left
    finally:
        for p in [*seen, proc.pid]:            # only what this test started
            if running(p):
                os.kill(p, signal.SIGKILL)


# ---------------------------------------------------------------- 1. untrusted text is text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The January edition built once from hostile commentary, parameters and data titles."""
    base = tmp_path_factory.mktemp("hostile")
    copy_project(base)
    corpus.make_hostile(base, MONTH)
    done = build(base / "data", base / "_site")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return base


ALLOWED_TAGS = {"p", "a", "code", "pre", "strong", "em", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4",
                "h5", "h6", "hr", "br"}


@pytest.mark.parametrize("text", corpus.COMMENTARY + [corpus.PARAMS["note"], corpus.DATA_TITLE],
                         ids=lambda t: t[:30])
def test_markdown_is_text_and_links_stay_on_the_site(text):
    page = markdown.to_html(text)
    tags = {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z][\w-]*)", page)}
    assert tags <= ALLOWED_TAGS, tags
    for href in re.findall(r'href="([^"]*)"', page):
        assert markdown.safe_href(href) and not safety.off_site(href), href
    # for Pandoc and Quarto every markup character is escaped: no shortcode, raw HTML or raw block can start
    pandoc = markdown.to_pandoc(text)
    assert not re.search(r"(?<!\\)[<{`$]", pandoc), pandoc


@pytest.mark.parametrize("href,ok", [
    ("overview.html", True), ("social-care.html#tbl-ics-monthly", True), ("../index.html", True),
    ("../2025-12/overview.html", True), ("mailto:someone@example.org", True), ("#top", True),
    ("/etc/passwd", False), ("../../etc/passwd", False), ("%2e%2e/%2e%2e/etc/passwd", False),
    ("a/../../../x", False), ("%5C%5Chost%5Cshare", False), ("%2F%2Fevil.example", False),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("file:///etc/passwd", False),
    ("data:text/html,x", False), ("https:evil.example", False), ("//evil.example", False),
])
def test_which_links_stay_on_the_site(href, ok):
    assert markdown.safe_href(href) is ok


BAD_MARKUP = [
    ('<img src="https://evil.example/x.png">', "https://evil.example/x.png"),
    ('<a href="//evil.example/">x</a>', "//evil.example/"),
    ('<img srcset="a.png 1x, https:evil.example/b.png 2x">', "https:evil.example/b.png"),
    ('<link rel="stylesheet" href="file:///etc/passwd">', "file:///etc/passwd"),
    ('<img src="\\\\evil.example\\share\\x.png">', "\\\\evil.example"),
    ('<a href="jav&#x61;script:alert(1)">x</a>', "javascript:alert(1)"),
    ('<a href="../../../etc/passwd">x</a>', "outside the site"),
    ('<a href="/etc/passwd">x</a>', "outside the site"),
    ('<div style="background: url(https://evil.example/x)">', "https://evil.example/x"),
    ('<style>@import "https://evil.example/x.css";</style>', "https://evil.example/x.css"),
    ("<style>body { background: url('file:///etc/passwd') }</style>", "file:///etc/passwd"),
    ('<meta http-equiv="Refresh" content="0;url=https://evil.example">', "a meta refresh"),
    ('<base href="https://evil.example/">', "a <base> element"),
    ('<iframe src="x.html"></iframe>', "a <iframe> element"),
    ('<img src=x onerror="alert(1)">', "event handler"),
    ("<script>alert(1)</script>", "an inline script"),
    ('<script src="https://evil.example/x.js"></script>', "https://evil.example/x.js"),
    ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', "a data: URL"),
    ('<svg><image xlink:href="https://evil.example/x.svg"/></svg>', "https://evil.example/x.svg"),
    ('<form action="https://evil.example/"><button formaction="https://evil.example/b">x</button></form>',
     "https://evil.example/b"),
]


@pytest.mark.parametrize("markup,found", BAD_MARKUP, ids=[m for m, _ in BAD_MARKUP])
def test_check_site_finds_what_a_browser_would_load(tmp_path, markup, found):
    (tmp_path / "2026-01").mkdir()
    (tmp_path / "2026-01" / "page.html").write_text(f"<!doctype html><body>{markup}</body>", encoding="utf-8")
    bad = safety.check_site(tmp_path)
    assert bad and any(found in b for b in bad), bad


def test_check_site_reads_escaped_words_as_words(tmp_path):
    """What the hostile commentary becomes on a page is text a browser shows, not markup it follows."""
    (tmp_path / "2026-01").mkdir()
    body = "".join(markdown.to_html(t) for t in corpus.COMMENTARY)
    (tmp_path / "2026-01" / "page.html").write_text(
        f'<!doctype html><link rel="stylesheet" href="../site_libs/x.css"><a href="../index.html">up</a>{body}'
        '<script type="application/json" class="sc-spec">{"title": "\\u003cscript\\u003e fetch("}</script>'
        '<script src="../site_libs/scorecard/site.js"></script><a href="mailto:a@example.org">mail</a>',
        encoding="utf-8")
    (tmp_path / "2026-01" / "search-index.js").write_text(
        'window.SCORECARD_SEARCH = [{"x": "<script>fetch(\\"https://evil.example\\")"}];\n', encoding="utf-8")
    (tmp_path / "2026-01" / "other.js").write_text('fetch("https://evil.example")', encoding="utf-8")
    assert safety.check_site(tmp_path) == ["2026-01/other.js: a script that fetches from the network"]


def test_the_hostile_edition_is_offline(hostile):
    assert safety.check_site(hostile / "_site") == []
    page = (hostile / "_site" / MONTH / "social-care.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned" in page and "<script>window.__pwned" not in page


def _inside(url: str, root: Path) -> bool:
    p = urlparse(url)
    if p.scheme == "data":
        return True
    if p.scheme != "file":
        return False
    path = Path(unquote(p.path)).resolve()
    return path == root or root in path.parents


LIVE = ('[onerror],[onload],[onmouseover],[onclick],iframe,object,embed,base,meta[http-equiv=refresh i],'
        'a[href^="javascript:" i],[action*="evil" i],[formaction],script:not([src]):not([type="application/json"]),'
        'link[href*="evil" i]')


async def _open_every_page(site: Path, files: list[Path], seen: dict[str, list], texts: dict[str, str]) -> None:
    import asyncio

    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = await browser.new_context()

            async def route(r):
                if _inside(r.request.url, site):
                    await r.continue_()
                else:
                    seen["outside"].append(r.request.url)
                    await r.abort()

            await context.route("**/*", route)
            context.on("request", lambda r: None if _inside(r.url, site) else seen["outside"].append(r.url))
            gate = asyncio.Semaphore(3)

            async def one(f: Path) -> None:
                name = f.relative_to(site).as_posix()
                async with gate:
                    page = await context.new_page()

                    async def dialog(d, n=name):
                        seen["dialogs"].append((n, d.message))
                        await d.dismiss()

                    page.on("dialog", dialog)
                    page.on("pageerror", lambda e, n=name: seen["page errors"].append((n, str(e))))
                    page.on("console", lambda m, n=name: seen["console errors"].append((n, m.text))
                            if m.type == "error" else None)
                    await page.goto(f.as_uri(), wait_until="load")
                    await page.wait_for_function("!document.querySelector('script.sc-spec') || "
                                                 "document.documentElement.getAttribute('data-charts') === 'drawn'",
                                                 timeout=60000)
                    await page.mouse.move(5, 5)
                    await page.mouse.move(600, 400, steps=4)          # a payload waiting for the mouse
                    got = await page.evaluate("""(live) => ({
                        pwned: window.__pwned === undefined ? null : String(window.__pwned), title: document.title,
                        live: document.querySelectorAll(live).length, text: document.body.innerText})""", LIVE)
                    if got["pwned"] is not None or got["title"] == "pwned" or got["live"]:
                        seen["ran"].append((name, got["pwned"], got["title"], got["live"]))
                    texts[name] = got["text"]
                    await page.close()

            await asyncio.gather(*(one(f) for f in files))
        finally:
            await browser.close()


def test_no_page_of_the_hostile_edition_runs_or_loads_anything(hostile):
    """Every page in Chromium: no dialog, no payload ran, no request outside the site, the payloads shown as text."""
    import asyncio

    site = (hostile / "_site").resolve()
    files = sorted(site.rglob("*.html"))
    assert len(files) >= 20
    seen: dict[str, list] = {"dialogs": [], "page errors": [], "console errors": [], "outside": [], "ran": []}
    texts: dict[str, str] = {}
    asyncio.run(_open_every_page(site, files, seen, texts))
    assert seen == {"dialogs": [], "page errors": [], "console errors": [], "outside": [], "ran": []}
    assert len(texts) == len(files)
    words = texts[f"{MONTH}/social-care.html"]
    for payload in corpus.VISIBLE:
        assert payload in words, payload
    assert corpus.FORMULA in words
    reference = texts[f"{MONTH}/reference.html"]
    assert corpus.PARAMS["contacts"][0] in reference and "[mail](mailto:" not in reference   # a mailto link
    assert not any(line in t for t in texts.values() for line in corpus.passwd_lines())


def test_the_pdf_reads_no_local_file_and_prints_the_payloads_as_text(hostile):
    pdf = hostile / "_site" / MONTH / f"scorecard-{MONTH}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert not [line for line in corpus.passwd_lines() if line in text]
    assert "{{< include /etc/passwd >}}" in text and "<script>window.__pwned" in text


def _formula_like(cell: str) -> bool:
    if not cell.startswith(downloads.FORMULA_START):
        return False
    from scorecard.rules import numbers

    try:
        return not numbers.read(cell).is_number
    except numbers.NumberError:
        return True


def test_csv_downloads_cannot_run_a_formula(hostile):
    files = sorted((hostile / "_site" / MONTH).glob("*.csv"))
    assert files
    cells = [c for f in files for row in csv.reader(io.StringIO(f.read_text(encoding="utf-8"))) for c in row]
    assert not [c for c in cells if _formula_like(c)]
    assert "'" + corpus.DATA_TITLE in cells          # SCS01's title, neutralised, in its table's CSV


def _workbook_problems(path: Path) -> list[str]:
    from openpyxl import load_workbook

    bad = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            raw = z.read(name)
            if name.endswith(".rels") and b"hyperlink" in raw.lower():
                bad.append(f"{name}: a hyperlink relationship")
            if name.startswith("xl/worksheets/") and (b"<f>" in raw or b"<f " in raw or b"<hyperlink" in raw):
                bad.append(f"{name}: a formula or hyperlink")
    wb = load_workbook(path)
    strings = 0
    for ws in wb.worksheets:
        if ws._hyperlinks:
            bad.append(f"{ws.title}: hyperlinks")
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    bad.append(f"{ws.title}!{c.coordinate}: a formula")
                if isinstance(c.value, str) and c.value.startswith(downloads.FORMULA_START):
                    strings += 1
                    if c.data_type != "s":
                        bad.append(f"{ws.title}!{c.coordinate}: {c.data_type}")
    return bad if strings else ["no formula-like text at all: the corpus did not reach the workbook"]


def test_the_workbook_holds_formula_like_text_as_strings(hostile):
    assert _workbook_problems(hostile / "_site" / MONTH / f"scorecard-{MONTH}.xlsx") == []


def test_export_of_hostile_data_is_neutral(hostile, tmp_path):
    for name in ("rows.csv", "cells.xlsx"):
        done = scorecard("export", "--month", MONTH, "--data", str(hostile / "data"), "--out", str(tmp_path / name),
                         *(["--cells"] if name.startswith("cells") else []))
        assert done.returncode == 0, done.stderr[-2000:]
    cells = [c for row in csv.reader(io.StringIO((tmp_path / "rows.csv").read_text(encoding="utf-8"))) for c in row]
    assert "'" + corpus.DATA_TITLE in cells and not [c for c in cells if _formula_like(c)]
    assert _workbook_problems(tmp_path / "cells.xlsx") == []


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"x\")"])
def test_formula_text_is_neutralised_in_both_downloads(tmp_path, text):
    from openpyxl import load_workbook

    assert downloads.neutral(text) == "'" + text
    assert downloads.neutral("-3.2") == "-3.2" and downloads.neutral("Kent") == "Kent"
    rows = [{"title": text, "value": 1.5, "note": "a\x01b"}, {"title": "=1+2", "value": 2}]
    records = list(csv.reader(io.StringIO(downloads.csv_text(["title", "value"], rows), newline="")))
    assert records[1] == ["'" + text.replace("\r", "\n"), "1.5"] and len(records) == 3   # a record per row
    downloads.workbook([("sheet", ["title", "value", "note"], rows)], tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["sheet"]
    assert (ws["A2"].value.replace("\n", "\r") if text.startswith("\r") else ws["A2"].value,   # XML reads CR as LF
            ws["A2"].data_type, ws["B2"].value, ws["B2"].data_type) == (text, "s", 1.5, "n")
    assert _workbook_problems(tmp_path / "t.xlsx") == []


# ---------------------------------------------------------------- 2. one snapshot per build


def test_an_ingest_during_a_build_changes_nothing_the_build_publishes(hostile, tmp_path):
    """The build is paused right after its snapshot, the figure is replaced in data/, the build resumes and
    executes a page after the change: every page, CSV, the workbook and the PDF show the snapshot's figure."""
    from openpyxl import load_workbook

    data = clone(hostile, tmp_path)
    month_dir = tmp_path / "build" / MONTH
    (month_dir / "snapshot.pickle").unlink()
    (month_dir / "executed" / "social-care.ipynb").unlink()      # this page is executed after the ingest
    out = tmp_path / "_site"
    proc = subprocess.Popen([sys.executable, "-m", "scorecard", "build", "--month", MONTH, "--data", str(data),
                             "--out", str(out), "-q"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (month_dir / "snapshot.pickle").exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGSTOP)
        try:
            (tmp_path / "fix.csv").write_text("indicator,area,team,period,value,numerator,denominator,quality,note\n"
                                              "SCS08,Kent,,2026-01,93.7,1653,1764,,\n", encoding="utf-8")
            done = scorecard("ingest", str(tmp_path / "fix.csv"), "--data", str(data), "--replace", env=TODAY)
        finally:
            os.killpg(proc.pid, signal.SIGCONT)
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert done.returncode == 0 and "1 replaced" in done.stdout, done.stderr
    assert re.search(r"^SCS08,Kent,,2026-01,93\.7,", (data / "observations.csv").read_text(encoding="utf-8"), re.M)
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr[-2000:]
    assert "(1 notebooks executed" in stdout, stdout
    edition = out / MONTH
    page = (edition / "social-care.html").read_text(encoding="utf-8")
    assert "88.8" in page and "93.7" not in page
    assert not [f.name for f in edition.glob("*.csv") if "93.7" in f.read_text(encoding="utf-8")]
    wb = load_workbook(edition / f"scorecard-{MONTH}.xlsx", read_only=True)
    scs08 = [str(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) if "SCS08" in row
             and "Kent" in row]
    assert scs08 and all("93.7" not in r for r in scs08) and any("88.8" in r for r in scs08), scs08
    pdf = subprocess.run(["pdftotext", str(edition / f"scorecard-{MONTH}.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "93.7" not in pdf


# ---------------------------------------------------------------- 3. numbers and files at validate

OBS = 'SCS01,Kent,,2026-01,22.4,"5,239","23,366",,'


def _replace(name: str, old: str, new: str):
    def edit(data: Path) -> None:
        p = data / name
        text = p.read_text(encoding="utf-8")
        assert old in text
        p.write_bytes(text.replace(old, new, 1).encode("utf-8"))
    return edit


def _repeat(name: str, line: int = 1):
    def edit(data: Path) -> None:
        p = data / name
        text = p.read_text(encoding="utf-8")
        p.write_text(text + text.splitlines()[line] + "\n", encoding="utf-8")
    return edit


def _append(name: str, line: str):
    def edit(data: Path) -> None:
        p = data / name
        p.write_text(p.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    return edit


VALIDATE = [
    ("decimal comma", _replace("observations.csv", OBS, 'SCS01,Kent,,2026-01,"22,4","5,239","23,366",,'),
     "observations.csv:71 [value]: '22,4' must be a figure"),
    ("inf", _replace("observations.csv", OBS, 'SCS01,Kent,,2026-01,inf,"5,239","23,366",,'),
     "observations.csv:71 [value]: 'inf' must be a figure"),
    ("1e308", _replace("observations.csv", OBS, 'SCS01,Kent,,2026-01,1e308,"5,239","23,366",,'),
     "observations.csv:71 [value]: '1e308' must be a figure"),
    ("400 digits", _replace("observations.csv", OBS, 'SCS01,Kent,,2026-01,' + "9" * 400 + ',"5,239","23,366",,'),
     "observations.csv:71 [value]: '99999"),
    ("NUL", _replace("observations.csv", OBS, 'SCS01,Kent,,2026-01,22.4\x00,"5,239","23,366",,'),
     "observations.csv:71 [value]: contains a control character"),
    ("escape sequence", _replace("observations.csv", OBS, OBS + "\x1b[2J"),
     "observations.csv:71 [note]: contains a control character"),
    ("NUL in a header", _replace("areas.csv", "area,", "ar\x00ea,"), "areas.csv:1: the header contains a control"),
    ("0/0 with a value", _replace("observations.csv", OBS, "SCS01,Kent,,2026-01,22.4,0,0,,"),
     "observations.csv:71 [denominator]: SCS01 Kent 2026-01: the denominator is 0 but a value (22.4) is given"),
    ("rows.csv twice", _repeat("layout/rows.csv"), "rows.csv:105 [block, position]: duplicate row: send-monthly / 1"),
    ("titles.csv twice", _repeat("layout/titles.csv"), "titles.csv:12 [block, indicator, area]: duplicate row"),
    ("anomaly twice", _repeat("anomalies.csv"), "anomalies.csv:61 [edition, block, area, team, indicator, period, "
                                                "column, check]: duplicate row"),
    ("anomaly mistyped", _append("anomalies.csv", ",,Kent,,SCS01,2026-01,,,rnage,a typo"),
     "anomalies.csv:61 [check]: unknown check 'rnage'"),
    ("anomaly short", _append("anomalies.csv", "2026-01,,Kent,,SCS01,2026-01,,,range"),
     "anomalies.csv:61: has 9 fields but the header has 10"),
    pytest.param("non-ASCII digits",
                 _replace("observations.csv", OBS, 'SCS01,Kent,,2026-01,\uff12\uff12.\uff14,"5,239","23,366",,'),
                 "observations.csv:71 [value]"),
]


@pytest.mark.parametrize("case,edit,expected", VALIDATE, ids=[c.values[0] if hasattr(c, "marks") else c[0]
                                                               for c in VALIDATE])
def test_validate_refuses_a_hand_edited_data_file(data_copy, capsys, case, edit, expected):
    before = tree_hash(data_copy)
    edit(data_copy)
    after_edit = tree_hash(data_copy)
    assert after_edit != before
    done = cli(capsys, "validate", "--data", data_copy)
    line = one_error(done, EXIT_INVALID, expected)
    assert line.startswith(f"ERROR: {data_copy}/") and len(line) < 400
    assert tree_hash(data_copy) == after_edit


def _sparse(data: Path) -> None:
    p = data / "observations.csv"
    p.unlink()
    with open(p, "wb") as fh:
        fh.truncate(300 * 1024 * 1024)     # 300 MB long, nothing on disk


def _dev_zero(data: Path) -> None:
    (data / "observations.csv").unlink()
    os.symlink("/dev/zero", data / "observations.csv")


def _fifo(data: Path) -> None:
    (data / "layout" / "rows.csv").unlink()
    os.mkfifo(data / "layout" / "rows.csv")


def _fifo_yaml(data: Path) -> None:
    (data / "publication.yml").unlink()
    os.mkfifo(data / "publication.yml")


@pytest.mark.parametrize("make,expected", [
    (_sparse, "observations.csv: is 314.6 MB; the limit is"),
    (_dev_zero, "observations.csv: is not a regular file"),
    (_fifo, "rows.csv: is not a regular file"),
    (_fifo_yaml, "publication.yml: is not a regular file"),
], ids=["sparse 300 MB", "link to /dev/zero", "FIFO", "FIFO as publication.yml"])
def test_validate_refuses_what_is_not_a_small_file_without_reading_it(data_copy, make, expected):
    make(data_copy)
    start = time.monotonic()
    done = scorecard("validate", "--data", str(data_copy), timeout=30)
    assert time.monotonic() - start < 20
    one_error(done, EXIT_INVALID, expected)


def test_a_data_file_may_not_be_a_link_to_a_file_outside_the_data_folder(data_copy, tmp_path, capsys):
    secret = tmp_path / "secret.csv"
    secret.write_text("group,order,term,meaning\nSecret,1,password,hunter2\n", encoding="utf-8")
    (data_copy / "reference" / "glossary.csv").unlink()
    os.symlink(secret, data_copy / "reference" / "glossary.csv")
    done = cli(capsys, "validate", "--data", data_copy)
    one_error(done, EXIT_INVALID, "glossary.csv: is a link to", "outside the data folder")
    assert "hunter2" not in done.stderr + done.stdout


def test_the_error_list_is_capped(data_copy, capsys):
    rows = "".join(f"SCS9{k},Kent,,2024-{m:02d},1.0,,,,\n" for k in range(9) for m in range(1, 13))
    (data_copy / "observations.csv").write_text((data_copy / "observations.csv").read_text(encoding="utf-8") + rows,
                                                encoding="utf-8")
    done = cli(capsys, "validate", "--data", data_copy)
    assert done.returncode == EXIT_INVALID
    lines = errors_of(done)
    assert len(lines) == 51 and lines[-1] == "ERROR: ... and 58 more", lines[-3:]


# ---------------------------------------------------------------- 4. faults


@pytest.fixture(scope="module")
def faults(hostile, tmp_path_factory) -> Path:
    """A copy of the built hostile project whose builds only re-publish (nothing left to execute)."""
    base = tmp_path_factory.mktemp("faults")
    clone(hostile, base)
    return base


def test_disk_full_publishes_nothing(faults):
    disk = faults / "full"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk))
    try:
        fake_site(disk / "_site")
        data_before, before = tree_hash(faults / "data"), tree_hash(disk)
        done = build(faults / "data", disk / "_site")
        one_error(done, EXIT_BUILD, "cannot write (the disk is full); nothing was published")
        assert tree_hash(disk) == before and tree_hash(faults / "data") == data_before
    finally:
        umount(disk)


def test_a_read_only_output_folder_publishes_nothing(faults):
    src, ro = faults / "ro-src", faults / "ro"
    fake_site(src / "_site")
    ro.mkdir()
    mount("--bind", str(src), str(ro))
    try:
        mount("-o", "remount,bind,ro", str(ro))
        before = tree_hash(ro)
        done = build(faults / "data", ro / "_site")
        one_error(done, EXIT_BUILD, "cannot write (the file system is read-only); nothing was published")
        assert tree_hash(ro) == before
    finally:
        umount(ro)


def test_a_site_on_another_mount_is_copied_not_linked(faults):
    other = faults / "other"
    other.mkdir()
    mount("-t", "tmpfs", "-o", "size=200m", "tmpfs", str(other))
    try:
        done = build(faults / "data", other / "_site")
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
        bundle = other / "_site" / "site_libs" / "vega" / "vega-bundle.js"
        assert bundle.stat().st_dev != (faults / "build").stat().st_dev and bundle.stat().st_size > 100_000
        assert (other / "_site" / MONTH / "index.html").is_file() and safety.check_site(other / "_site") == []
        assert sorted(p.name for p in other.iterdir()) == ["_site"]
    finally:
        umount(other)


def test_a_site_that_is_a_mount_point_is_published_entry_by_entry(faults):
    volume = faults / "volume"
    volume.mkdir()
    mount("-t", "tmpfs", "-o", "size=200m", "tmpfs", str(volume))
    try:
        fake_site(volume)
        for _ in range(2):
            done = build(faults / "data", volume)
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
        assert sorted(p.name for p in volume.iterdir()) == ["2025-12", MONTH, "index.html", "site_libs"]
        assert (volume / "2025-12" / "edition.json").is_file() and (volume / MONTH / "social-care.html").is_file()
        assert not [p for p in faults.iterdir() if p.name.startswith(".scorecard-tmp-")]
    finally:
        umount(volume)


BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def _without(text: str, key: str) -> str:
    """The parameters without the top-level ``key`` (its line and the lines indented under it)."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "-")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out) + "\n"


def _set(key: str, value: str):
    return lambda t: _without(t, key) + f"{key}: {value}\n"


def _bomb(under: str) -> str:
    return f"{under}:\n" + "".join(f"  {ln}\n" for ln in BOMB.splitlines())


PARAMS = [
    ("districts: [[Ashford]]", lambda t: t + "districts: [[Ashford]]\n", "[districts]: must be a list of names"),
    ("notes: 3", lambda t: _without(t, "notes") + "notes: 3\n", "[notes]: must be a list of notes"),
    ("title: [a]", _set("title", "[a]"), "[title]: must be text"),
    ("produced_by: {a: 1}", _set("produced_by", "{a: 1}"), "[produced_by]: must be text"),
    ("contacts: 3", lambda t: _without(t, "contacts") + "contacts: 3\n", "[contacts]: must be a list of names"),
    ("alias bomb", lambda t: t + _bomb("x_bomb"), "anchors and aliases"),
    ("alias bomb as the date", lambda t: _without(t, "publication_date") + _bomb("x_bomb") + "publication_date: *i\n",
     "anchors and aliases"),
    ("python object", _set("title", "!!python/object/apply:os.system ['touch /tmp/hostile-pwned']"),
     "could not determine a constructor for the tag"),
    ("binary", _set("title", "!!binary aGVsbG8="), "could not determine a constructor"),
    ("nested 5,000 deep", _set("title", "[" * 5000 + "]" * 5000), "nested too deeply"),
    ("a day that does not exist", lambda t: _without(t, "publication_date") + "publication_date: 2026-02-30\n",
     "'2026-02-30' cannot be read as timestamp"),
    ("NUL escape", _set("title", '"a\\0b"'), "contains a control character"),
    ("ESC escape", _set("produced_by", '"\\e[2J\\e[31mred"'), "contains a control character"),
    ("a key twice", _set("title", "one\ntitle: two"), "[title]: 'title' is given twice"),
    ("too large", _set("title", "x" * 300_000), "KB; the limit is 262 KB"),
    ("not a mapping", lambda t: "- a\n- b\n", "found a list"),
]


@pytest.mark.parametrize("case,make,expected", PARAMS, ids=[p[0] for p in PARAMS])
def test_malformed_parameters_exit_2_in_one_line(faults, capsys, case, make, expected):
    path = faults / "params" / f"{MONTH}.yml"
    original = path.read_bytes()
    site = fake_site(faults / ("_site-" + re.sub(r"[^a-z0-9]+", "-", case.lower())))
    before = tree_hash(faults / "data"), tree_hash(site)
    try:
        path.write_text(make(original.decode("utf-8")), encoding="utf-8")
        start = time.monotonic()
        done = cli(capsys, "build", "--month", MONTH, "--data", faults / "data", "--out", site, "-q")
    finally:
        path.write_bytes(original)
    assert time.monotonic() - start < 45
    line = one_error(done, EXIT_INVALID, f"{MONTH}.yml", expected)
    assert len(line) < 400 and not Path("/tmp/hostile-pwned").exists()
    assert (tree_hash(faults / "data"), tree_hash(site)) == before
    if case.startswith("alias bomb"):
        assert "unknown key" not in line      # refused before anything is built from it


@pytest.mark.parametrize("args,expected", [
    (["--nope"], "No such option: --nope"),
    (["build", "--month", MONTH, "--frobnicate"], "No such option: --frobnicate"),
    (["build", "--month"], "Option '--month' requires an argument"),
    (["validate", "extra"], "unexpected extra argument"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["build", "--month", MONTH, "--jobs", "many"], "Invalid value for '--jobs'"),
    (["ingest"], "Missing argument 'file'"),
    (["build", "--month", "2026-13"], "--month: '2026-13' is not a month"),
])
def test_bad_command_lines_exit_2_in_one_line(tmp_path, args, expected):
    done = scorecard(*args, cwd=tmp_path)
    one_error(done, EXIT_INVALID, expected)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("target,expected", [
    ("build", "would write into"), (f"build/{MONTH}", "would write into"), ("..", "would write into"),
    ("data/layout", "would write into"), ("notebooks/README.md", "would write into"),
    ("a-file.txt", "is a file, not a folder"), ("other-files", "is a folder of other files"),
])
def test_out_may_not_be_the_build_folder_a_parent_a_file_or_another_folder(faults, capsys, target, expected):
    (faults / "a-file.txt").write_text("keep me\n", encoding="utf-8")
    (faults / "other-files").mkdir(exist_ok=True)
    (faults / "other-files" / "notes.txt").write_text("keep me too\n", encoding="utf-8")
    before = {name: tree_hash(faults / name) for name in ("data", "build", "other-files")}
    done = cli(capsys, "build", "--month", MONTH, "--data", faults / "data", "--out", faults / target, "-q")
    one_error(done, EXIT_INVALID, expected, "choose another folder" if "write into" in expected else "give")
    assert {name: tree_hash(faults / name) for name in before} == before
    assert (faults / "a-file.txt").read_text(encoding="utf-8") == "keep me\n"


def test_kill_9_while_notebooks_run_leaves_no_kernel_and_the_next_run_cleans_up(faults):
    seen, left = kill_during(["run", "--month", MONTH, "--force", "--data", str(faults / "data")], faults,
                             "ipykernel")
    assert any("ipykernel" in c for c in seen.values())
    assert left == [], {p: seen[p] for p in left}
    month_dir = faults / "build" / MONTH
    stale = [p.name for p in month_dir.iterdir() if p.name.startswith(".scorecard-tmp-")]
    assert stale, "the killed run left no temporary folder to clean"
    done = scorecard("run", "--month", MONTH, "--data", str(faults / "data"))
    assert done.returncode == 0 and "18 up to date" in done.stdout, done.stderr[-2000:]
    assert not [p.name for p in month_dir.iterdir() if p.name.startswith(".scorecard-tmp-")]


def test_kill_9_while_printing_leaves_no_chromium_and_the_next_build_cleans_up(faults):
    cache = faults / "build" / MONTH / "pdf-cache"
    kept = faults / "pdf-cache-kept"
    shutil.move(str(cache), str(kept))         # so that the build prints for a while
    try:
        seen, left = kill_during(["build", "--month", MONTH, "--data", str(faults / "data"), "--out",
                                  str(faults / "_killed")], faults, "chromium", after=1.0)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.move(str(kept), str(cache))
    assert any("chromium" in c for c in seen.values())
    assert left == [], {p: seen[p][:120] for p in left}
    assert not (faults / "_killed").exists()
    assert [p for p in faults.iterdir() if p.name.startswith(".scorecard-tmp-")]
    done = build(faults / "data", faults / "_site")
    assert done.returncode == 0, done.stderr[-2000:]
    assert not [p.name for p in faults.iterdir() if p.name.startswith(".scorecard-tmp-")]


def test_kernels_started_from_a_worker_thread_get_the_parent_death_signal(tmp_path):
    """PR_SET_PDEATHSIG belongs to the thread that forks: a kernel the Warm executor starts in a worker
    thread must carry SIGKILL as its parent-death signal (and the thread must outlive the kernel's use)."""
    import threading

    from scorecard.publish import execute

    found: dict = {}

    def worker() -> None:
        km = execute.start_kernel(tmp_path, None)
        try:
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            out: list[str] = []
            kc.execute_interactive("import ctypes; s = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(s)); "
                                   "print(s.value)", timeout=60,
                                   output_hook=lambda m: out.append(m["content"].get("text", ""))
                                   if m["msg_type"] == "stream" else None)
            found["signal"] = "".join(out).strip()
            kc.stop_channels()
        finally:
            execute.stop_kernel(km)

    t = threading.Thread(target=worker)
    t.start()
    t.join(timeout=120)
    assert found.get("signal") == str(int(signal.SIGKILL))


def test_a_crash_between_the_two_renames_leaves_the_site_recoverable(tmp_path, monkeypatch):
    """Where there is no atomic exchange, the old site is renamed aside first; if the run dies there, the next
    run puts it back rather than deleting it as a stale temporary folder."""
    from scorecard import fsutil

    site = fake_site(tmp_path / "_site")
    before = tree_hash(site)
    aside = tmp_path / f"{fsutil.TEMP_MARK}999999-old-_site"     # as a dead run (pid 999999) left it
    os.rename(site, aside)
    (tmp_path / f"{fsutil.TEMP_MARK}999999-site-_site-1").mkdir()
    fsutil.clean_stale(tmp_path)
    assert tree_hash(site) == before and sorted(p.name for p in tmp_path.iterdir()) == ["_site"]
    # and a swap without the exchange call still replaces the folder
    monkeypatch.setattr(fsutil, "exchange", lambda a, b: False)
    new = tmp_path / "new"
    fake_site(new)
    (new / "index.html").write_text("new", encoding="utf-8")
    fsutil.swap_dir(new, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new" and sorted(
        p.name for p in tmp_path.iterdir()) == ["_site"]

