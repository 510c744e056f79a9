"""The committee PDF without Quarto: each page of the site printed by headless Chromium, then joined.

A4 landscape. Every chapter (a page of the site) is printed on its own from a print copy of the
page (the site's blocks, no navigation), and the printed chapter is kept in a cache keyed by its
HTML: after a commentary edit only that chapter is printed again. The cover and the contents are
printed last, when the chapters' page counts are known; pypdf joins everything, adds bookmarks and
stamps "Page n of N", the edition and the chapter in every footer.

The printer loads nothing but the print folder's own files: every other request (the network, or a
``file:`` outside the folder) is refused and recorded, and the build fails if there was any.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from markupsafe import Markup

from ..errors import EXIT_BUILD, ScorecardError
from ..fsutil import write_atomic
from . import site as site_mod
from .stage import StagedPage

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-features=Translate,MediaRouter,OptimizationHints"]
A4_LANDSCAPE = (842.0, 595.0)   # points
PARALLEL = 2


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ScorecardError("no Chromium to print the PDF with: install Debian's chromium (scripts/setup.sh does)",
                         EXIT_BUILD)


@dataclass
class Chapter:
    name: str
    title: str
    level: int            # 1 = a section, 2 = a district under the districts heading
    html: str
    key: str = ""
    pages: int = 0
    pdf: bytes = b""


def _doc(body: str, title: str, language: str, charts: bool, kind: str = "") -> str:
    scripts = ('<script src="site_libs/vega/vega-bundle.js"></script>\n<script src="site_libs/scorecard/charts.js">'
               '</script>') if charts else ""
    return (f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{site_mod.CSP}">'
            f"<title>{html.escape(title)}</title>"
            '<link rel="stylesheet" href="site_libs/scorecard/scorecard.css">'
            '<link rel="stylesheet" href="site_libs/scorecard/print.css">'
            f'</head><body class="sc-print sc-kind-{html.escape(kind or "page")}"><main>{body}</main>{scripts}'
            "</body></html>")


# --- charts on paper: the page's trend panels in one grid, several indicators to a page ---------------

PRINT_COLUMNS, PRINT_ROWS, PRINT_PANEL_HEIGHT = 4, 2, 56
PRINT_MIN_FONT = 9.5   # px: no chart text on paper under 7pt (9.33 px), like the tables'


def _print_config(config: dict) -> dict:
    """The chart's configuration for paper: every font at least ``PRINT_MIN_FONT``."""
    import copy

    out = copy.deepcopy(config)
    for group, keys in (("axis", ("labelFontSize", "titleFontSize")), ("legend", ("labelFontSize", "titleFontSize")),
                        ("title", ("fontSize", "subtitleFontSize")), ("text", ("fontSize",))):
        part = out.setdefault(group, {})
        for key in keys:
            part[key] = max(float(part.get(key, 0) or 0), PRINT_MIN_FONT)
    return out


def _panels(spec: dict) -> list[dict] | None:
    """A trend chart's panels (each a layered plot with its own data and title), or None if not one."""
    if "concat" in spec:
        panels = spec["concat"]
    elif "layer" in spec:
        panels = [{k: v for k, v in spec.items() if k not in ("config", "description", "resolve", "$schema")}]
    else:
        return None
    return panels if all("layer" in p and "title" in p for p in panels) else None


def _lines(text) -> list[str]:
    lines = [text] if isinstance(text, str) else list(text or [])
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def print_charts(blocks) -> list[str]:
    """The chapter's charts for paper: trend panels regridded ``PRINT_COLUMNS`` wide and at most
    ``PRINT_ROWS`` high (so a chart never leaves a page half empty), others as they are; each figure
    with a one-sentence caption."""
    import copy
    import json

    from ..content.outputs import chart_html, spec_hash

    out: list[str] = []
    panels: list[dict] = []
    sources: list[str] = []
    config: dict = {}

    def flush() -> None:
        if not panels:
            return
        dashes: dict[str, list] = {}
        for p in panels:
            for layer in p["layer"]:
                scale = layer.get("encoding", {}).get("strokeDash", {}).get("scale") or {}
                dashes.update(zip(scale.get("domain", []), scale.get("range", [])))
        per = PRINT_COLUMNS * PRINT_ROWS
        chunks = [panels[i:i + per] for i in range(0, len(panels), per)]
        for k, chunk in enumerate(chunks):
            chunk = copy.deepcopy(chunk)
            n_title = max(len(_lines(p["title"].get("text"))) for p in chunk)
            n_sub = max(len(_lines(p["title"].get("subtitle"))) for p in chunk)
            for p in chunk:
                title, sub = _lines(p["title"].get("text")), _lines(p["title"].get("subtitle"))
                p["title"]["text"] = title + [" "] * (n_title - len(title))
                p["title"]["subtitle"] = sub + [" "] * (n_sub - len(sub))
                p["height"] = PRINT_PANEL_HEIGHT
                for layer in p["layer"]:
                    enc = layer.get("encoding", {}).get("strokeDash")
                    if enc is not None and dashes:   # one legend for the grid: every panel knows both lines
                        enc["scale"] = {"domain": list(dashes), "range": list(dashes.values())}
            spec = {"concat": chunk, "columns": min(PRINT_COLUMNS, len(chunk)), "config": _print_config(config),
                    "spacing": {"row": 10, "column": 24}}
            if dashes:
                spec["resolve"] = {"scale": {"strokeDash": "shared"}, "legend": {"strokeDash": "shared"}}
            which = f" (part {k + 1} of {len(chunks)})" if len(chunks) > 1 else ""
            names = list(dict.fromkeys(sources))
            tables = names[0] if len(names) == 1 else "the tables above"
            desc = (f"Trends of {len(chunk)} indicator{'s' if len(chunk) > 1 else ''} from {tables}{which}: "
                    "each panel names its indicator, its latest figure and rating; the target is dashed, the floor "
                    "dotted, the latest figure a larger dot in its RAG colour.")
            spec["description"] = desc
            out.append(chart_html(spec, desc, f"chart-{spec_hash(spec)}"))
        panels.clear()
        sources.clear()

    for b in blocks:
        name = str(b.meta.get("name", ""))
        found = _panels(b.spec) if b.spec and not name.startswith(("compare-", "activity-")) else None
        if found is None:
            flush()
            if not b.spec:
                out.append(site_mod.chart_figure(b.html, full=False))
                continue
            spec = {**copy.deepcopy(b.spec), "config": _print_config(b.spec.get("config", {}))}
            lead = site_mod.caption_parts(b.plain)[0]
            out.append(chart_html(spec, lead, f"chart-{spec_hash(spec)}"))
            continue
        config = config or b.spec.get("config", {})
        panels.extend(json.loads(json.dumps(found)))
        m = re.search(r"from the table (.+?), [^,]+?(?: \(chart \d+ of \d+\))?\. ", b.plain + " ")
        sources.append(f"the table {m.group(1)}" if m else "the tables above")
    flush()
    return out


_TFOOT = re.compile(r"<tfoot[^>]*>(.*?)</tfoot>\s*</table>", re.S)
_HEADING = re.compile(r'(<td[^>]*class="gt_heading gt_title[^"]*"[^>]*>)(.*?)(</td>\s*</tr>)\s*'
                      r'<tr class="gt_heading">\s*<td[^>]*class="gt_heading gt_subtitle[^"]*"[^>]*>(.*?)</td>\s*</tr>',
                      re.S)
_FOOT_CELL = re.compile(r'<td class="(gt_sourcenote|gt_footnote)"[^>]*>(.*?)</td>', re.S)


def print_table(body: str) -> str:
    """A table for paper: its title and subtitle on one line, and its notes (source, key, footnotes) under
    it as paragraphs, not a table footer (which would continue on the next page under repeated headings)."""
    def notes(m: re.Match) -> str:
        cells = _FOOT_CELL.findall(m.group(1))
        if not cells:
            return "</table>"
        paras = "".join(f'<p class="{cls}">{text}</p>' for cls, text in cells)
        return f'</table><div class="sc-table-notes">{paras}</div>'

    def heading(m: re.Match) -> str:   # title and subtitle on one line: "<team> · <block title>, <month>"
        return f'{m.group(1)}{m.group(2)} <span class="sc-subtitle">· {m.group(4)}</span>{m.group(3)}'

    return _HEADING.sub(heading, _TFOOT.sub(notes, body), count=1)


def chapter_html(page: StagedPage, language: str, banner: str) -> str:
    """A chapter as the committee reads it: the page's words, tables and notes, then its charts in a grid
    with one-sentence captions (the full text alternatives are on the website). District chapters print
    their tables only, like the edition: their charts (each team's trends, the districts compared) are
    on the district's web page, which the chapter names."""
    parts = [f"<h1>{html.escape(page.title)}</h1>"]
    if banner:
        parts.append(f'<p class="sc-banner">{html.escape(banner)}</p>')
    body, charts = site_mod.arrange(page.blocks)
    words: list[str] = []   # the commentary (consecutive Markdown cells) in two columns
    for b in [*body, None]:
        if b is not None and b.kind == "words":
            words.append(f'<div class="sc-block sc-b-words">{Markup(b.html)}</div>')
            continue
        if words:
            parts.append('<div class="sc-commentary">' + "".join(words) + "</div>")
            words = []
        if b is not None:
            body_html = print_table(b.html) if b.kind == "table" else b.html
            parts.append(f'<div class="sc-block sc-b-{b.kind}">{Markup(body_html)}</div>')
    printed = charts if page.job.kind != "district" else []
    if printed:
        parts.append(f'<section class="sc-charts"><h2>{html.escape(site_mod.CHARTS_HEADING)}</h2>'
                     '<div class="sc-chart-grid">'
                     + "".join(f'<div class="sc-block sc-b-chart">{f}</div>' for f in print_charts(printed))
                     + "</div></section>")
    return _doc("\n".join(parts), page.title, language, bool(printed), page.job.kind)


def cover_html(site: site_mod.Site, kicker: str, chapters: list[Chapter], start: list[int], language: str,
               districts_title: str) -> str:
    e = html.escape
    cover = (f'<section class="sc-cover"><p class="kicker">{e(kicker)}</p><h1>{e(site.full_title)}</h1>'
             f'<p class="month">{e(site.label)}</p>'
             + (f"<p>Produced by {e(site.produced_by)}</p>" if site.produced_by else "")
             + (f"<p>Publication date: {e(site.publication_date)}</p>" if site.publication_date else "")
             + (f'<p class="sc-banner">{e(site.banner)}</p>' if site.banner else "") + "</section>")
    items, in_districts = [], False
    for ch, first in zip(chapters, start):
        line = f'<li><span>{e(ch.title)}</span><span class="fill"></span><span>{first}</span></li>'
        if ch.level == 2 and not in_districts:
            items.append(f"<li><span>{e(districts_title)}</span></li><li><ol>")
            in_districts = True
        if ch.level == 1 and in_districts:
            items.append("</ol></li>")
            in_districts = False
        items.append(line)
    if in_districts:
        items.append("</ol></li>")
    online = ('<p class="sc-online">The website edition has every table of this paper with its data (CSV and '
              "Excel), each chart's figures as text, and the districts' charts: each team's trends and how the "
              "teams and districts compare.</p>")
    toc = (f'<section class="sc-toc" style="break-before: page"><h1>Contents</h1><ol>{"".join(items)}</ol>'
           f"{online}</section>")
    return _doc(cover + toc, site.full_title, language, False)


class Printer:
    """Headless Chromium through Playwright, allowed to read only the print folder.

    One browser prints everything of a build: the chapters (``PARALLEL`` at a time), then whatever
    ``follow`` asks for once they are printed (the cover and contents, whose page numbers depend on
    the chapters), so the browser starts once.
    """

    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self.refused: list[str] = []

    def allowed(self, url: str) -> bool:
        p = urlparse(url)
        if p.scheme == "data":
            return True
        if p.scheme != "file":
            return False
        path = Path(unquote(p.path)).resolve()
        return path == self.folder or self.folder in path.parents

    async def _print_all(self, docs: list[tuple[str, Path]], follow) -> dict[str, bytes]:
        from playwright.async_api import async_playwright

        out: dict[str, bytes] = {}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
            try:
                context = await browser.new_context(java_script_enabled=True, offline=True)

                async def route(r):
                    if self.allowed(r.request.url):
                        await r.continue_()
                    else:
                        self.refused.append(r.request.url)
                        await r.abort()

                # only requests outside the folder reach Python (the pattern is matched in the browser): a
                # route for every request costs ~1 s a build; the handler still checks each one it gets
                await context.route(re.compile("^(?!" + re.escape(self.folder.as_uri() + "/") + ")"), route)
                pages = [await context.new_page() for _ in range(PARALLEL)]   # reused: a new tab costs more

                async def one(page, name: str, path: Path) -> None:
                    await page.goto(path.as_uri(), wait_until="load")
                    try:
                        await page.wait_for_function(
                            "!document.querySelector('script.sc-spec') || "
                            "document.documentElement.getAttribute('data-charts') === 'drawn'", timeout=60000,
                            polling=50)
                    except Exception as exc:  # noqa: BLE001 - a chart that never draws
                        raise ScorecardError(f"{path.name}: the charts did not draw for the PDF ({exc})",
                                             EXIT_BUILD) from None
                    out[name] = await page.pdf(width="297mm", height="210mm", print_background=True,
                                               prefer_css_page_size=True)

                async def worker(page, queue: list[tuple[str, Path]]) -> None:
                    while queue:
                        name, path = queue.pop(0)
                        await one(page, name, path)

                while docs:   # the largest first, so that the workers finish together
                    queue = sorted(docs, key=lambda d: -d[1].stat().st_size)
                    await asyncio.gather(*(worker(page, queue) for page in pages))
                    docs = follow(out) if follow else []
            finally:
                await browser.close()
        return out

    def print_all(self, docs: list[tuple[str, Path]], follow=None) -> dict[str, bytes]:
        """Print ``docs`` (name, HTML file); then ``follow(printed so far)`` may ask for more, until []."""
        if not docs and follow is not None:
            docs = follow({})
        if not docs:
            return {}
        try:
            return asyncio.run(self._print_all(docs, follow))
        except ScorecardError:
            raise
        except Exception as exc:  # noqa: BLE001 - browser missing or crashed: one line
            raise ScorecardError(f"the PDF could not be printed: {type(exc).__name__}: "
                                 f"{(str(exc).splitlines() or [''])[0][:300]}", EXIT_BUILD) from None


def _pdf_text(text: str) -> bytes:
    t = text.replace("\u2014", "-").replace("\u2013", "-").replace("\u2019", "'").replace("\u2018", "'")
    raw = t.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def join(cover: bytes, chapters: list[Chapter], footer_left: str) -> bytes:
    """Cover + chapters as one PDF with bookmarks and 'Page n of N' stamped in every footer."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    parts = [("", cover, 0)] + [(ch.title, ch.pdf, ch.level) for ch in chapters]
    starts = []
    for _title, data, _ in parts:
        starts.append(len(writer.pages))
        for p in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(p)
    total = len(writer.pages)
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    chapter_of = []
    for (title, _, _), s in zip(parts, starts):
        chapter_of.append((s, title))
    for i, page in enumerate(writer.pages):
        if i == 0:
            continue   # the cover has no footer
        title = next(t for s, t in reversed(chapter_of) if s <= i) or "Contents"
        w = float(page.mediabox.width)
        right = f"Page {i + 1} of {total}"
        stream = (b"q 0.27 g BT /FSC 7 Tf 25 18 Td (" + _pdf_text(footer_left) + b") Tj ET "
                  b"BT /FSC 7 Tf " + f"{w / 2 - 60:.1f}".encode() + b" 18 Td (" + _pdf_text(title[:70]) + b") Tj ET "
                  b"BT /FSC 7 Tf " + f"{w - 25 - 3.4 * len(right):.1f}".encode() + b" 18 Td (" + _pdf_text(right)
                  + b") Tj ET Q")
        obj = DecodedStreamObject()
        obj.set_data(stream)
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject("/FSC")] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        contents = page.get_contents()
        page.replace_contents(_concat(contents, obj, writer))
        page.compress_content_streams()   # the page as Chromium drew it was compressed: keep it so
    parent = None
    for (title, _, level), s in zip(parts[1:], starts[1:]):
        if level == 1:
            parent = None
            writer.add_outline_item(title, s)
        else:
            if parent is None:
                parent = writer.add_outline_item("Districts", s)
            writer.add_outline_item(title, s, parent=parent)
    writer.add_metadata({"/Title": footer_left})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _concat(contents, extra, writer):
    from pypdf.generic import ContentStream

    # the page's own drawing may leave its coordinate system changed (Chromium scales and flips it):
    # wrap it in q/Q so that the footer is drawn in the page's default coordinates, at the bottom
    data = b"q\n" + (contents.get_data() if contents is not None else b"") + b"\nQ\n" + extra.get_data()
    stream = ContentStream(None, writer)
    stream.set_data(data)
    return stream


def write_pdf(site: site_mod.Site, pages: list[StagedPage], dest: Path, print_dir: Path, cache_dir: Path,
              kicker: str) -> dict[str, float]:
    """Print (what changed), join and write the edition's PDF to ``dest``; returns timings."""
    import time

    t0 = time.perf_counter()
    language = site.language
    districts_title = next((s["nav_title"] for s in site.snap.dataset.sections if s["kind"] == "district"), "")
    def name(p: StagedPage) -> str:   # the contents, bookmarks and footers name the chapter without the month
        return (p.title if p.job.kind != "district" else p.job.title).removesuffix(f" — {site.label}")

    chapters = [Chapter(p.job.name, name(p), 2 if p.job.kind == "district" else 1,
                        chapter_html(p, language, site.banner)) for p in pages]
    css = b"".join((site_mod.STATIC / n).read_bytes() for n in ("scorecard.css", "print.css", "charts.js"))
    cache_dir.mkdir(parents=True, exist_ok=True)
    todo = []
    for ch in chapters:
        ch.key = hashlib.sha256(ch.html.encode() + css).hexdigest()[:24]
        cached = cache_dir / f"{ch.name}.{ch.key}.pdf"
        if cached.is_file():
            ch.pdf = cached.read_bytes()
        else:
            path = print_dir / f"print-{ch.name}.html"
            write_atomic(path, ch.html)
            todo.append((ch.name, path))
    state = {"cover_pages": 2, "cover": b"", "tries": 0}

    def cover_doc() -> tuple[str, str]:
        starts, n = [], state["cover_pages"] + 1
        for ch in chapters:
            starts.append(n)
            n += ch.pages
        doc = cover_html(site, kicker, chapters, starts, language, districts_title)
        return doc, hashlib.sha256(doc.encode() + css).hexdigest()[:24]

    def follow(printed: dict[str, bytes]) -> list[tuple[str, Path]]:
        """After the chapters: the cover and contents, printed again if it took another number of pages."""
        if "cover" in printed:
            cover = printed.pop("cover")
            for old in cache_dir.glob("cover.*.pdf"):
                old.unlink()
            write_atomic(cache_dir / f"cover.{state['key']}.pdf", cover)
            state["cover"] = cover
        else:
            for ch in chapters:
                if ch.name in printed:
                    ch.pdf = printed[ch.name]
                    for old in cache_dir.glob(f"{ch.name}.*.pdf"):
                        old.unlink()
                    write_atomic(cache_dir / f"{ch.name}.{ch.key}.pdf", ch.pdf)
                ch.pages = _count(ch.pdf)
        for _ in range(6):   # the contents' numbers depend on how many pages the cover and contents take
            if state["cover"]:
                pages = _count(state["cover"])
                if pages == state["cover_pages"] or state["tries"] >= 3:
                    return []
                state["cover_pages"], state["cover"] = pages, b""
            doc, key = cover_doc()
            state["key"] = key
            cached = cache_dir / f"cover.{key}.pdf"
            if cached.is_file():
                state["cover"] = cached.read_bytes()
                continue
            state["tries"] += 1
            path = print_dir / "print-cover.html"
            write_atomic(path, doc)
            return [("cover", path)]
        return []

    printer = Printer(print_dir)
    printer.print_all(todo, follow)
    cover = state["cover"]
    t1 = time.perf_counter()
    if printer.refused:
        raise ScorecardError(["the PDF's pages tried to load files from outside the site; nothing was published:",
                              *sorted(set(printer.refused))[:10]], EXIT_BUILD)
    data = join(cover, chapters, f"{site.full_title}, {site.label}")
    write_atomic(dest, data)
    return {"pdf: print": t1 - t0, "pdf: join": time.perf_counter() - t1, "pdf: chapters printed": len(todo)}
