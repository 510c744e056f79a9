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


def _doc(body: str, title: str, language: str, charts: bool) -> str:
    scripts = ('<script src="site_libs/vega/vega-bundle.js"></script>\n<script src="site_libs/scorecard/charts.js">'
               '</script>') if charts else ""
    return (f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{site_mod.CSP}">'
            f"<title>{html.escape(title)}</title>"
            '<link rel="stylesheet" href="site_libs/scorecard/scorecard.css">'
            '<link rel="stylesheet" href="site_libs/scorecard/print.css">'
            f"</head><body><main>{body}</main>{scripts}</body></html>")


def chapter_html(page: StagedPage, language: str, banner: str) -> str:
    parts = [f"<h1>{html.escape(page.title)}</h1>"]
    if banner:
        parts.append(f'<p class="sc-banner">{html.escape(banner)}</p>')
    for b in page.blocks:
        if b.kind == "banner":
            continue
        parts.append(f'<div class="sc-block sc-{b.kind}">{Markup(b.html)}</div>')
    return _doc("\n".join(parts), page.title, language, any(b.kind == "chart" for b in page.blocks))


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
    toc = f'<section class="sc-toc" style="break-before: page"><h1>Contents</h1><ol>{"".join(items)}</ol></section>'
    return _doc(cover + toc, site.full_title, language, False)


class Printer:
    """Headless Chromium through Playwright, allowed to read only the print folder."""

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

    async def _print_all(self, docs: list[tuple[str, Path]]) -> dict[str, bytes]:
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

                await context.route("**/*", route)
                sem = asyncio.Semaphore(PARALLEL)

                async def one(name: str, path: Path) -> None:
                    async with sem:
                        page = await context.new_page()
                        await page.goto(path.as_uri(), wait_until="load")
                        try:
                            await page.wait_for_function(
                                "!document.querySelector('script.sc-spec') || "
                                "document.documentElement.getAttribute('data-charts') === 'drawn'", timeout=60000)
                        except Exception as exc:  # noqa: BLE001 - a chart that never draws
                            raise ScorecardError(f"{path.name}: the charts did not draw for the PDF ({exc})",
                                                 EXIT_BUILD) from None
                        out[name] = await page.pdf(width="297mm", height="210mm", print_background=True,
                                                   prefer_css_page_size=True)
                        await page.close()

                await asyncio.gather(*(one(n, p) for n, p in docs))
            finally:
                await browser.close()
        return out

    def print_all(self, docs: list[tuple[str, Path]]) -> dict[str, bytes]:
        if not docs:
            return {}
        try:
            return asyncio.run(self._print_all(docs))
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

    data = (contents.get_data() if contents is not None else b"") + b"\n" + extra.get_data()
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
    chapters = [Chapter(p.job.name, p.title if p.job.kind != "district" else p.job.title,
                        2 if p.job.kind == "district" else 1, chapter_html(p, language, site.banner)) for p in pages]
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
    printer = Printer(print_dir)
    printed = printer.print_all(todo)
    for ch in chapters:
        if ch.name in printed:
            ch.pdf = printed[ch.name]
            for old in cache_dir.glob(f"{ch.name}.*.pdf"):
                old.unlink()
            write_atomic(cache_dir / f"{ch.name}.{ch.key}.pdf", ch.pdf)
        ch.pages = _count(ch.pdf)
    t1 = time.perf_counter()
    cover_pages = 2
    for _ in range(2):   # the contents' numbers depend on how many pages the cover and contents take
        starts, n = [], cover_pages + 1
        for ch in chapters:
            starts.append(n)
            n += ch.pages
        doc = cover_html(site, kicker, chapters, starts, language, districts_title)
        key = hashlib.sha256(doc.encode() + css).hexdigest()[:24]
        cached = cache_dir / f"cover.{key}.pdf"
        if cached.is_file():
            cover = cached.read_bytes()
        else:
            path = print_dir / "print-cover.html"
            write_atomic(path, doc)
            cover = printer.print_all([("cover", path)])["cover"]
            for old in cache_dir.glob("cover.*.pdf"):
                old.unlink()
            write_atomic(cached, cover)
        if _count(cover) == cover_pages:
            break
        cover_pages = _count(cover)
    if printer.refused:
        raise ScorecardError(["the PDF's pages tried to load files from outside the site; nothing was published:",
                              *sorted(set(printer.refused))[:10]], EXIT_BUILD)
    data = join(cover, chapters, f"{site.full_title}, {site.label}")
    write_atomic(dest, data)
    return {"pdf: print": t1 - t0, "pdf: join": time.perf_counter() - t1, "pdf: chapters printed": len(todo)}
