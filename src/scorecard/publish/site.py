"""The website from staged pages, without Quarto: jinja2 templates (autoescape) and local assets.

Addresses (the same with Quarto): ``<site>/index.html`` lists the editions; ``<site>/<month>/``
holds the edition's pages (``overview.html``, ``social-care.html``, ``district-ashford.html``...),
``index.html`` (contents and downloads), ``qa.html``, ``search.html``, the PDF, the workbook and
``csv/``. Every page carries a content-security policy that allows only the site's own files;
the HTML of a block is either escaped text or markup this package made with every value escaped.
"""

from __future__ import annotations

import functools
import html as html_mod
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..fsutil import replace_file, write_atomic
from .stage import Block, StagedPage

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; frame-src 'none'; "
       "base-uri 'none'; form-action 'self'")


@functools.cache
def templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("scorecard.publish", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def render(template: str, **context) -> str:
    context.setdefault("edition", None)
    context.setdefault("ed", "")
    context.setdefault("nav", [])
    context.setdefault("current", "")
    context.setdefault("banner", "")
    context.setdefault("charts", False)
    context.setdefault("kind", "page")
    context.setdefault("csp", CSP)
    return templates().get_template(template).render(**context)


class Site:
    """What every page of one edition shares: names, navigation, words around the pages."""

    def __init__(self, snap, pages: list[StagedPage]):
        self.snap, self.pages = snap, pages
        pub, prm = snap.dataset.publication, snap.params
        self.site_name = pub.short_title
        self.full_title = prm.title or pub.title
        self.produced_by = prm.produced_by if prm.produced_by is not None else pub.produced_by
        self.language = pub.language
        self.label = prm.month_label
        self.month = snap.month
        self.publication_date = prm.publication_label
        quality = set(snap.edition.quality)
        self.banner = ("SYNTHETIC DATA: this edition contains made-up figures for testing. It is not a real "
                       "publication." if "synthetic" in quality else
                       "PROVISIONAL: some figures in this edition are provisional and may be revised."
                       if "provisional" in quality or prm.provisional else "")

    def common(self, current: str, root: str = "../") -> dict:
        return dict(site_name=self.site_name, full_title=self.full_title, produced_by=self.produced_by,
                    language=self.language, edition=self, root=root, ed="", nav=self.nav(current), current=current,
                    banner=self.banner)

    def nav(self, current: str) -> list[dict]:
        items: list[dict] = []
        districts = [p for p in self.pages if p.job.kind == "district"]
        for p in self.pages:
            if p.job.kind == "district":
                if p is districts[0]:
                    menu = [{"text": d.job.title, "href": f"{d.job.name}.html", "current": d.job.name == current}
                            for d in districts]
                    name = next(s["nav_title"] for s in self.snap.dataset.sections if s["kind"] == "district")
                    items.append({"text": name, "menu": menu, "current": any(m["current"] for m in menu)})
                continue
            items.append({"text": p.job.title, "href": f"{p.job.name}.html", "current": p.job.name == current,
                          "menu": None})
        return items


# --- how a page reads ----------------------------------------------------------------------------

CHARTS_HEADING = "Charts"
_CAPTION = re.compile(r'<figcaption id="([^"]+)" class="sc-chart-description">(.*?)</figcaption>', re.S)
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(]|\s*$)")


def arrange(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """(the page's blocks but its charts, its charts): a page reads title, notes, tables with their notes,
    the commentary about them, and then the charts, together in a grid (the same on screen and paper)."""
    body = [b for b in blocks if b.kind not in ("chart", "banner")]
    return body, [b for b in blocks if b.kind == "chart"]


def caption_parts(description: str) -> tuple[str, list[str]]:
    """(the first sentence, the rest as lines) of a chart's text alternative."""
    lines = [ln.strip() for ln in description.strip().splitlines() if ln.strip()]
    if not lines:
        return "", []
    m = _SENTENCE_END.search(lines[0])
    lead, rest = (lines[0][: m.end()], lines[0][m.end():].strip()) if m else (lines[0], "")
    return lead, ([rest] if rest else []) + lines[1:]


def chart_figure(body: str, full: bool = True) -> str:
    """A chart's figure with a short caption (its first sentence): on screen the whole text alternative
    follows behind "The chart as text" (and describes the drawing); on paper only the sentence."""
    m = _CAPTION.search(body)
    if not m:
        return body
    cid, text = m.group(1), html_mod.unescape(m.group(2))
    lead, rest = caption_parts(text)
    e = html_mod.escape
    if not full or not rest:
        caption = (f'<figcaption id="{cid}" class="sc-chart-description"><span class="sc-chart-lead">{e(lead)}'
                   "</span></figcaption>")
        return body[: m.start()] + caption + body[m.end():]
    items = "".join(f"<li>{e(line)}</li>" for line in rest[1:])
    caption = (f'<figcaption id="{cid}" class="sc-chart-description"><span class="sc-chart-lead" id="{cid}-lead">'
               f'{e(lead)}</span> <details class="sc-chart-text"><summary>The chart as text</summary>'
               f'<div id="{cid}-full"><p>{e(rest[0])}</p>' + (f"<ul>{items}</ul>" if items else "") + "</div></details>"
               "</figcaption>")
    out = body[: m.start()] + caption + body[m.end():]
    # a chart wider than a phone scrolls sideways: its drawing is focusable, so keys can scroll it too
    return out.replace(f'aria-labelledby="{cid}"', f'tabindex="0" aria-labelledby="{cid}-lead" '
                       f'aria-describedby="{cid}-full"', 1)


def page_html(site: Site, page: StagedPage) -> str:
    body, charts = arrange(page.blocks)
    blocks = [{"kind": b.kind, "html": Markup(b.html)} for b in body if b.kind != "title"]
    byline = next((b for b in body if b.kind == "title"), None)
    if byline is not None and byline.html.strip():
        blocks.insert(0, {"kind": "title", "html": Markup(byline.html)})
    figures = [Markup(chart_figure(b.html)) for b in charts]
    heading = page.title
    return render("page.html.j2", title=heading, heading=heading, blocks=blocks, figures=figures,
                  charts_heading=CHARTS_HEADING, kind=page.job.kind, charts=bool(charts),
                  **site.common(page.job.name))


# --- search ------------------------------------------------------------------------------------------

class _Sections(HTMLParser):
    """Split a page into (heading text, body text) by h1-h3, ignoring scripts, styles, drawings and the tables'
    figures (their headings, indicator names and codes are kept, so an indicator code finds its page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list] = [["", []]]
        self._skip = 0
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in ("script", "style", "svg") or (tag == "td" and "gt_heading" not in cls and "sc-k-code" not in cls):
            self._skip += 1
        elif tag in ("h1", "h2", "h3") and not self._skip:
            self._heading = []

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "td"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.sections.append([" ".join("".join(self._heading).split()), []])
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        (self._heading if self._heading is not None else self.sections[-1][1]).append(data)


SEARCH_CHARS = 12000   # of each section's text in the index


def search_entries(page: StagedPage, url: str) -> list[dict]:
    parser = _Sections()
    parser.feed("".join(b.html for b in page.blocks))
    out = []
    for heading, chunks in parser.sections:
        text = " ".join(" ".join(chunks).split())
        if text or heading:
            out.append({"t": page.title, "s": heading, "u": url, "x": text[:SEARCH_CHARS]})
    return out


# --- the edition's files ---------------------------------------------------------------------------------

def write_edition(site: Site, dest: Path, pdf_name: str, xlsx_name: str, qa_sections: list[dict]) -> None:
    """Every page, the contents page, the QA page, search and the tables' CSV files, into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    for page in site.pages:
        write_atomic(dest / f"{page.job.name}.html", page_html(site, page))
        records += search_entries(page, f"{page.job.name}.html")
        for name, text in page.csv_files.items():
            write_atomic(dest / name, text)
    title = f"Search the {site.label} edition"
    write_atomic(dest / "search.html", render("search.html.j2", title=title, heading=title, **site.common("search")))
    index = json.dumps(records, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    write_atomic(dest / "search-index.js", f"window.SCORECARD_SEARCH = {index};\n")
    pdf = dest / pdf_name
    size = f"{pdf.stat().st_size / 1e6:.1f} MB" if pdf.exists() else ""
    csv_links = [(name, f"{p.job.title}: {p.csv_titles.get(name, name)}") for p in site.pages for name in p.csv_files]
    sections = [{"href": f"{p.job.name}.html", "title": p.job.title} for p in site.pages if p.job.kind != "district"]
    districts = [{"href": f"{p.job.name}.html", "title": p.job.title} for p in site.pages if p.job.kind == "district"]
    title = f"{site.label} edition"
    write_atomic(dest / "index.html", render("edition.html.j2", title=title, heading=title, pdf=pdf_name,
                                             xlsx=xlsx_name, pdf_size=size, sections=sections, districts=districts,
                                             csv_files=csv_links, **site.common("index")))
    title = f"Quality assurance: {site.label} edition"
    write_atomic(dest / "qa.html", render("qa.html.j2", title=title, heading=title, sections=qa_sections,
                                          **site.common("qa")))


def write_root(site_dir: Path, editions: list[dict], site_name: str, full_title: str, language: str) -> None:
    """Shared files at the site's root: styles, scripts, and the list of editions."""
    libs = site_dir / "site_libs" / "scorecard"
    for name in ("scorecard.css", "print.css", "site.js", "charts.js", "search.js"):
        replace_file(libs / name, (STATIC / name).read_bytes())
    editions = sorted(editions, key=lambda e: e["month"], reverse=True)
    title = f"{full_title}: editions"
    out = render("editions.html.j2", title=title, heading=title, editions=editions, root="", site_name=site_name,
                 full_title=full_title, produced_by="", language=language)
    replace_file(site_dir / "index.html", out.encode("utf-8"))


def text_of(fragment: str) -> str:
    return html_mod.unescape(re.sub(r"<[^>]+>", " ", fragment))
