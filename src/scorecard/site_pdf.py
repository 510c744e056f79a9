"""The edition as one PDF without Quarto: print HTML from the prepared notebooks, then a browser engine.

A4 landscape like the printed edition: a cover (title, month, publication date), a table of
contents with page numbers, then one chapter per page of the site, with "Page n of N" in the
footer. Charts are their static SVG (the interactive HTML and every script are left out); the
CSV download links are left out too.

Two engines lay the pages out, both from the same print HTML:

- headless Chromium (through playwright; Debian's `chromium` or playwright's own), used when one
  is found. It lays out the ~130 pages of an edition in about ten seconds. It has no
  `target-counter()`, so the contents page is numbered from each chapter's page count (cached
  by content); the printed PDF's named destinations are checked against those numbers, and the
  edition is printed again with the real ones if a chapter's length changed.
- WeasyPrint, when there is no Chromium: the same document, with the page numbers from
  `target-counter()`. Correct but slow (minutes for a whole edition).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import site
from .site import Edition, Prepared
from .site_builtin import notebook_html

FONT = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif'
PRINT_CSS = f"""
@page {{ size: A4 landscape; margin: 10mm 10mm 12mm 10mm;
  @bottom-left {{ content: "{{footer}}"; font: 7pt {FONT}; color: #444; }}
  @bottom-center {{ content: string(chapter); font: 7pt {FONT}; color: #444; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 7pt {FONT}; color: #444; }} }}
@page cover {{ @bottom-left {{ content: none; }} @bottom-center {{ content: none; }}
              @bottom-right {{ content: none; }} }}
html {{ font-family: {FONT}; font-size: 8pt; line-height: 1.3; color: #0b0c0c;
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0; }}
a {{ color: inherit; text-decoration: none; }}
.cover {{ page: cover; height: 185mm; display: flex; flex-direction: column; justify-content: center;
          border-left: 8mm solid #1f3a5f; padding-left: 12mm; }}
.cover .kicker {{ font-size: 12pt; color: #1f3a5f; margin: 0 0 6mm; }}
.cover h1 {{ font-size: 26pt; margin: 0 0 8mm; line-height: 1.15; bookmark-level: none; }}
.cover .month {{ font-size: 22pt; font-weight: bold; margin: 0 0 14mm; }}
.cover p {{ font-size: 11pt; margin: 0 0 2mm; }}
.toc {{ break-before: page; }}
.toc h2 {{ font-size: 16pt; margin: 0 0 5mm; }}
.toc ol {{ list-style: none; padding: 0; margin: 0; font-size: 10.5pt; width: 150mm; }}
.toc li {{ margin: 0 0 1.4mm; }}
.toc ol ol {{ padding-left: 7mm; margin-top: 1.4mm; font-size: 10pt; }}
.toc a {{ display: flex; }}
.toc .fill {{ flex: 1; border-bottom: 1px dotted #777; margin: 0 2mm 1.2mm; }}
.toc.weasy a {{ display: block; }}
.toc.weasy a::after {{ content: leader(".") " " target-counter(attr(href), page); }}
.chapter {{ break-before: page; }}
.chapter > h1 {{ font-size: 15pt; margin: 0 0 3mm; color: #1f3a5f; string-set: chapter content(); bookmark-level: 1; }}
h2 {{ font-size: 11pt; margin: 4mm 0 2mm; bookmark-level: 2; break-after: avoid; }}
h3 {{ font-size: 9.5pt; margin: 3mm 0 1.5mm; bookmark-level: 3; break-after: avoid; }}
h4, h5, h6 {{ font-size: 8.5pt; bookmark-level: none; break-after: avoid; }}
p {{ margin: 0 0 2mm; orphans: 2; widows: 2; }}
.text_cell:has(h2, h3) {{ break-after: avoid; }}  /* a heading stays with the table or charts below it */
.cell {{ margin: 0 0 2.5mm; }}
.output_subarea pre {{ white-space: pre-wrap; font-size: 7pt; }}
figure.sc-print-chart {{ margin: 0 0 2mm; break-inside: avoid; }}
.cell:has(figure.sc-print-chart) {{ display: inline-block; vertical-align: top; max-width: 100%; margin-right: 5mm; }}
figure.sc-print-chart img {{ display: block; max-width: 100%; max-height: 165mm; height: auto; }}
figure.sc-print-chart figcaption {{ font-size: 7pt; color: #333; margin-top: 1mm; }}
.sc-table {{ max-width: 100%; }}
.sc-table div[role="region"] {{ overflow: visible !important; padding: 0 !important; }}
.sc-table table.gt_table {{ width: 100% !important; font-size: 7pt !important; }}
.sc-table table.gt_table th, .sc-table table.gt_table td,
.sc-table table.gt_table span {{ font-size: inherit !important; }}
.sc-table table.gt_table th[scope="row"] {{ min-width: 40mm; }}
.sc-table table.gt_table td.gt_title {{ font-size: 9pt !important; font-weight: bold !important; }}
.sc-table table.gt_table td.gt_subtitle {{ font-size: 7.5pt !important; }}
.sc-table th, .sc-table td {{ padding: 0.5mm 0.9mm !important; }}
.sc-table .gt_sourcenote, .sc-table .gt_footnote {{ font-size: 6.5pt !important; }}
.sc-fit-1 table.gt_table {{ font-size: 6pt !important; }}
.sc-fit-1 th, .sc-fit-1 td {{ padding: 0.4mm 0.6mm !important; }}
.sc-fit-2 table.gt_table {{ font-size: 5pt !important; }}
.sc-fit-2 th, .sc-fit-2 td {{ padding: 0.3mm 0.4mm !important; }}
.sc-fit-3 table.gt_table {{ font-size: 4.2pt !important; }}
.sc-fit-3 th, .sc-fit-3 td {{ padding: 0.2mm 0.3mm !important; }}
tr {{ break-inside: avoid; }}
thead {{ display: table-header-group; }}
"""

MAX_FIT = 3
MEASURE_ALONE = 4  # up to this many changed chapters are measured alone; more, and the edition is printed twice
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# --- the print document --------------------------------------------------------------------

def _print_notebook(prepared: Prepared, images: dict[str, bytes], prefix: str):
    """A copy of the notebook for print: no download links; charts become a figure with the
    static SVG (saved as a file beside the print HTML) and the chart's description as alt text."""
    import copy

    nb = copy.copy(prepared.nb)
    cells = []
    n = 0
    for cell in prepared.nb.cells:
        if site.print_skips(cell):
            continue
        if cell.cell_type == "code" and cell.get("outputs"):
            cell = copy.copy(cell)
            outputs = []
            for out in cell.outputs:
                data = out.get("data") or {}
                svg = data.get("image/svg+xml")
                if svg:
                    n += 1
                    name = f"{prefix}-{n}.svg"
                    images[name] = ("".join(svg) if isinstance(svg, list) else svg).encode("utf-8")
                    meta = out.get("metadata") or {}
                    alt = (meta.get("scorecard") or {}).get("description") or (meta.get("image/svg+xml") or {}).get(
                        "alt") or "".join(data.get("text/plain", "Chart"))
                    fig = (f'<figure class="sc-print-chart"><img src="img/{name}" alt="{html.escape(alt)}">'
                           "</figure>")
                    out = {"output_type": "display_data", "data": {"text/html": fig}, "metadata": {}}
                outputs.append(out)
            cell["outputs"] = outputs
        cells.append(cell)
    nb.cells = cells
    return nb


def _chapter_body(prepared: Prepared, slug: str, images: dict[str, bytes], fit: dict[str, int]) -> str:
    nb = _print_notebook(prepared, images, slug)
    body = notebook_html(Prepared(nb=nb, title=prepared.title), "print")
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S | re.I)
    n = 0

    def wrap(m: re.Match) -> str:
        nonlocal n
        n += 1
        key = f"{slug}-t{n}"
        return f'<div class="sc-table sc-fit-{fit.get(key, 0)}" id="{key}">{m.group(0)}</div>'

    return re.sub(r"<table\b.*?</table>", wrap, body, flags=re.S)


@dataclass
class Chapter:
    slug: str
    title: str
    body: str

    @property
    def html(self) -> str:
        return (f'<section class="chapter" id="p-{self.slug}"><h1>{html.escape(self.title)}</h1>'
                f"{self.body}</section>")


def chapters(edition: Edition, prepared: dict[str, Prepared], images: dict[str, bytes],
             fit: dict[str, int] | None = None, cache: Path | None = None,
             keys: dict[str, str] | None = None) -> list[Chapter]:
    """One chapter per page. With `cache` and `keys` (a content key per page), a chapter whose
    notebook has not changed is read back instead of converted again (its images are already there)."""
    out = []
    for page in edition.pages:
        prep = prepared[page.slug]
        title = site.chapter_title(prep, page, edition)
        key = (keys or {}).get(page.slug)
        cached = cache / f"{page.slug}.print.{key}.html" if cache is not None and key and not fit else None
        body = cached.read_text(encoding="utf-8") if cached is not None and cached.exists() else None
        if body is not None and not all((cache.parent / src).exists()
                                        for src in re.findall(r'src="(img/[^"]+)"', body)):
            body = None  # its chart images were removed: convert again
        if body is None:
            body = _chapter_body(prep, page.slug, images, fit or {})
            if cached is not None:
                for old in cache.glob(f"{page.slug}.print.*.html"):
                    old.unlink()
                cache.mkdir(parents=True, exist_ok=True)
                cached.write_text(body, encoding="utf-8")
        out.append(Chapter(page.slug, title, body))
    return out


def front_html(edition: Edition, numbers: dict[str, int] | None) -> str:
    """Cover and contents. With `numbers` (Chromium) the page numbers are written in; without
    them (WeasyPrint) CSS `target-counter()` supplies them."""
    esc = html.escape
    parts = ['<section class="cover">',
             '<p class="kicker">Children, Young People and Education Performance Management</p>',
             f"<h1>{esc(edition.params.title)}</h1>", f'<p class="month">{esc(edition.label)}</p>']
    if edition.params.produced_by:
        parts.append(f"<p>Produced by: {esc(edition.params.produced_by)}</p>")
    parts.append(f"<p>Publication date: {esc(edition.publication_date)}</p>")
    parts.append("</section>")

    def entry(page: site.Page) -> str:
        if numbers is None:
            return f'<li><a href="#p-{page.slug}">{esc(page.title)}</a></li>'
        return (f'<li><a href="#p-{page.slug}"><span>{esc(page.title)}</span><span class="fill"></span>'
                f"<span>{numbers.get(page.slug, '')}</span></a></li>")

    toc = [f'<nav class="toc{" weasy" if numbers is None else ""}"><h2>Contents</h2><ol>']
    for page in edition.pages:
        if page.kind == "district" and page is edition.districts[0]:
            toc.append("<li>Districts<ol>")
        toc.append(entry(page))
        if page.kind == "district" and page is edition.districts[-1]:
            toc.append("</ol></li>")
    toc.append("</ol></nav>")
    return "".join(parts + toc)


_TABLE_STYLE = re.compile(r'<div ([^>]*\bid="([^"]+)"[^>]*)>\s*<style>(.*?)</style>', re.S)


def shared_table_styles(body: str) -> tuple[str, str]:
    """great-tables puts a copy of its stylesheet, scoped to the table's id, inside every table.
    Eighty copies make layout slow; tables with the same stylesheet share one, scoped to a class."""
    styles: dict[str, str] = {}

    def share(m: re.Match) -> str:
        attrs, table_id, css = m.groups()
        scoped = css.replace(f"#{table_id}", ".__scope__")
        key = "gts-" + hashlib.sha256(scoped.encode()).hexdigest()[:10]
        styles.setdefault(key, scoped.replace(".__scope__", f".{key}"))
        return f'<div class="{key}" {attrs}>'

    body = _TABLE_STYLE.sub(share, body)
    return body, "\n".join(styles.values())


def document(edition: Edition, front: str, body: str) -> str:
    body, table_css = shared_table_styles(body)
    return (f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
            f"<title>{html.escape(site.FULL_TITLE)} \u2013 {html.escape(edition.label)}</title>"
            f"<style>{table_css}</style><style>{print_css(edition)}</style></head><body>{front}{body}</body></html>")


def print_css(edition: Edition) -> str:
    footer = f"{site.SITE_NAME} \u2013 {edition.label}".replace("\\", "").replace('"', "")
    return PRINT_CSS.replace("{footer}", footer)


# --- Chromium ------------------------------------------------------------------------------

def find_chromium() -> str | None:
    """A Chromium for printing: $SCORECARD_CHROMIUM, the system's, or playwright's own; None if none."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return None
    env = os.environ.get("SCORECARD_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        return path if path and Path(path).exists() else None
    except Exception:  # noqa: BLE001 - no bundled browser either
        return None


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def destination_pages(pdf: bytes) -> dict[str, int]:
    """1-based page of every named destination (link target) in a PDF, by name without the slash."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    out = {}
    for name, dest in reader.named_destinations.items():
        number = reader.get_destination_page_number(dest)
        if number is not None and number >= 0:
            out[str(name).removeprefix("/")] = number + 1
    return out


# Shrink the type of any table wider than the page, one step at a time (same classes as WeasyPrint's pass).
FIT_TABLES = """(maxFit) => {
  let changed = 0;
  for (const box of document.querySelectorAll('.sc-table')) {
    const table = box.querySelector('table');
    if (!table) continue;
    let level = 0;
    while (level < maxFit && table.getBoundingClientRect().width > box.getBoundingClientRect().width + 1) {
      box.classList.remove('sc-fit-' + level);
      level += 1;
      box.classList.add('sc-fit-' + level);
      changed += 1;
    }
  }
  return changed;
}"""


class Printer:
    """One headless Chromium that prints HTML files to PDF."""

    def __init__(self, executable: str):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=executable, args=ARGS)
        # Print media, and a viewport as wide as the page's content box (277 mm), so tables are
        # measured as they will be printed.
        self._page = self._browser.new_page(viewport={"width": 1047, "height": 740})
        self._page.emulate_media(media="print")
        self._page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("file:", "data:", "about:")) else route.abort())

    def pdf(self, html_file: Path) -> bytes:
        self._page.goto(html_file.as_uri(), wait_until="load")
        self._page.evaluate(FIT_TABLES, MAX_FIT)
        return self._page.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


def _digest(*parts: str) -> str:
    """Content key for a measured page count: the piece, the print CSS and this module's code."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in parts:
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()[:32]


def _write_images(work: Path, images: dict[str, bytes]) -> None:
    img = work / "img"
    img.mkdir(parents=True, exist_ok=True)
    for name, data in images.items():
        (img / name).write_bytes(data)


def write_pdf_chromium(edition: Edition, prepared: dict[str, Prepared], path: Path, work: Path,
                       executable: str, cache_file: Path | None = None, keys: dict[str, str] | None = None) -> Path:
    """Print with Chromium, numbering the contents from each chapter's page count.

    Counts come from the cache (by chapter content); a few changed chapters (a commentary edit)
    are printed alone to count them; after larger changes the last known counts are a first
    guess. The printed PDF's named destinations say where each chapter really starts; if that
    differs from the contents, the real numbers are written in and the edition is printed once
    more. An unchanged edition reuses its last PDF.
    """
    images: dict[str, bytes] = {}
    chs = chapters(edition, prepared, images, cache=work / "chapters", keys=keys)
    work.mkdir(parents=True, exist_ok=True)
    _write_images(work, images)
    cache: dict = {}
    if cache_file and cache_file.exists():
        try:
            cache = json.loads(cache_file.read_text(encoding="utf-8"))
        except ValueError:
            cache = {}
    pages, last = cache.setdefault("pages", {}), cache.setdefault("last", {})
    keyed = {ch.slug: _digest(print_css(edition), ch.html) for ch in chs}

    def contents_numbers() -> dict[str, int]:
        numbers, start = {}, int(last.get("__front__", 2)) + 1
        for ch in chs:
            numbers[ch.slug] = start
            start += int(pages.get(keyed[ch.slug], last.get(ch.slug, 1)))
        return numbers

    unknown = [ch for ch in chs if keyed[ch.slug] not in pages]
    if 0 < len(unknown) <= MEASURE_ALONE:   # a few changed chapters: print each alone to count its pages
        printer = Printer(executable)
        try:
            for ch in unknown:
                piece = work / f"measure-{ch.slug}.html"
                piece.write_text(document(edition, "", ch.html), encoding="utf-8")
                pages[keyed[ch.slug]] = last[ch.slug] = page_count(printer.pdf(piece))
        finally:
            printer.close()
    numbers = contents_numbers()
    full = work / "edition.html"
    previous_pdf = work / "previous.pdf"
    for _attempt in range(3):
        doc = document(edition, front_html(edition, numbers), "".join(c.html for c in chs))
        doc_key = _digest(doc)
        if cache.get("pdf") == doc_key and previous_pdf.exists():
            pdf = previous_pdf.read_bytes()   # nothing changed since the last print
            break
        full.write_text(doc, encoding="utf-8")
        printer = Printer(executable)
        try:
            pdf = printer.pdf(full)
        finally:
            printer.close()
        found = {k.removeprefix("p-"): v for k, v in destination_pages(pdf).items() if k.startswith("p-")}
        if not found:
            break
        starts = [found.get(ch.slug, 0) for ch in chs] + [page_count(pdf) + 1]
        last["__front__"] = starts[0] - 1
        for i, ch in enumerate(chs):
            pages[keyed[ch.slug]] = last[ch.slug] = starts[i + 1] - starts[i]
        if all(found.get(s) == n for s, n in numbers.items()):
            previous_pdf.write_bytes(pdf)
            cache["pdf"] = doc_key
            break
        numbers = contents_numbers()
    if cache_file:
        live = set(keyed.values())
        cache["pages"] = {k: v for k, v in pages.items() if k in live}
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache, indent=0, sort_keys=True), encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return path


# --- WeasyPrint ----------------------------------------------------------------------------

def _overflowing(document) -> set[str]:
    """Ids of table boxes laid out wider than their page's content area (WeasyPrint layout)."""
    found: set[str] = set()

    def walk(box, owner: str | None, limit: float) -> None:
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None) == "div" and "sc-table" in (
                element.get("class") or ""):
            owner = element.get("id")
        if owner and getattr(box, "element_tag", None) == "table" and box.position_x + box.margin_width() > limit + 0.5:
            found.add(owner)
        for child in getattr(box, "children", None) or []:
            walk(child, owner, limit)

    for page in document.pages:
        root = page._page_box
        walk(root, None, root.content_box_x() + root.width)
    return found


def write_pdf_weasyprint(edition: Edition, prepared: dict[str, Prepared], path: Path, work: Path) -> Path:
    """Lay out with WeasyPrint, shrink any table wider than the page, write the PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"file", "data"}, timeout=2)  # nothing from the network
    fit: dict[str, int] = {}
    work.mkdir(parents=True, exist_ok=True)
    for _ in range(MAX_FIT + 1):
        images: dict[str, bytes] = {}
        body = "".join(c.html for c in chapters(edition, prepared, images, fit))
        _write_images(work, images)
        doc = HTML(string=document(edition, front_html(edition, None), body), base_url=str(work) + "/",
                   url_fetcher=fetcher).render()
        wide = {key for key in _overflowing(doc) if fit.get(key, 0) < MAX_FIT}
        if not wide:
            break
        for key in wide:
            fit[key] = fit.get(key, 0) + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(path)
    return path


def write_pdf(edition: Edition, prepared: dict[str, Prepared], path: Path, work: Path,
              engine: str = "auto", cache_file: Path | None = None, keys: dict[str, str] | None = None) -> str:
    """Write the edition's PDF; return the engine used ('chromium' or 'weasyprint')."""
    executable = find_chromium() if engine in ("auto", "chromium") else None
    if engine == "chromium" and not executable:
        from .problems import EXIT_BUILD, ScorecardError

        raise ScorecardError("--pdf-engine chromium: no Chromium found (install Debian's `chromium` or run "
                             "`playwright install chromium`, or set SCORECARD_CHROMIUM)", EXIT_BUILD)
    if executable:
        write_pdf_chromium(edition, prepared, path, work, executable, cache_file, keys)
        return "chromium"
    write_pdf_weasyprint(edition, prepared, path, work)
    return "weasyprint"
