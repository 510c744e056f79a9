"""The builtin publishing engine: executed notebooks -> static pages, without Quarto.

nbconvert's `basic` template turns each prepared notebook (see `site.prepare`) into an HTML
fragment with no code and no CDN scripts; jinja2 templates add the page shell: navbar (the same
structure as the Quarto site's), skip link, `<main>`, the month in every title, and
`<meta name="scorecard-site-root">`, from which chart outputs find the shared Vega bundle.
"""

from __future__ import annotations

import functools
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import site
from .listing import slug
from .site import Edition, Prepared

STATIC = Path(__file__).parent / "static"


@functools.cache
def exporter(kind: str = "web"):
    """nbconvert HTML exporter: 'web' keeps interactive HTML, 'print' prefers static SVG/PNG."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    cfg = Config()
    if kind == "print":
        # A Config setting, not an exporter attribute (setting it on the exporter does nothing).
        cfg.NbConvertBase.display_data_priority = [
            "image/svg+xml", "image/png", "image/jpeg", "text/html", "text/markdown", "text/latex", "text/plain"]
    return HTMLExporter(config=cfg, template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, exclude_anchor_links=True)


@functools.cache
def templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("scorecard", "templates"),
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",),
                                                                 default_for_string=True, default=False),
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    return env


def notebook_html(prepared: Prepared, kind: str = "web") -> str:
    body, _ = exporter(kind).from_notebook_node(prepared.nb)
    return body


# --- search index --------------------------------------------------------------------------

class _Sections(HTMLParser):
    """Split a page into (heading id, heading text, body text) by h1-h3, ignoring scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list] = [["", "", []]]
        self._skip = 0
        self._cells: list[bool] = []
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        # Figures in table cells are noise for search; titles, row headers and notes are kept.
        if tag == "td":
            skip = "gt_heading" not in (dict(attrs).get("class") or "")
            self._cells.append(skip)
            self._skip += skip
        elif tag in ("script", "style", "svg"):
            self._skip += 1
        elif tag in ("h1", "h2", "h3") and not self._skip:
            self._heading = [dict(attrs).get("id") or "", []]

    def handle_endtag(self, tag):
        if tag == "td":
            if self._cells and self._cells.pop():
                self._skip = max(0, self._skip - 1)
        elif tag in ("script", "style", "svg"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.sections.append([self._heading[0], " ".join("".join(self._heading[1]).split()), []])
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._heading is not None:
            self._heading[1].append(data)
        else:
            self.sections[-1][2].append(data)


def search_entries(body: str, page_title: str, url: str) -> list[dict]:
    """Search records for one page: one per section, with its text (t=title, s=section, u=url, x=text)."""
    parser = _Sections()
    parser.feed(body)
    entries = []
    for anchor, heading, chunks in parser.sections:
        text = " ".join(" ".join(chunks).split())
        if not text and not heading:
            continue
        entries.append({"t": page_title, "s": heading, "u": url + (f"#{anchor}" if anchor else ""), "x": text[:4000]})
    return entries


# --- pages ---------------------------------------------------------------------------------

def _nav(edition: Edition, current: str | None) -> list[dict]:
    items = []
    for item in site.navigation(edition):
        if "menu" in item:
            menu = [{"text": m["text"], "href": f"{m['slug']}.html", "current": m["slug"] == current}
                    for m in item["menu"]]
            items.append({"text": item["text"], "menu": menu, "current": any(m["current"] for m in menu)})
        else:
            items.append({"text": item["text"], "href": f"{item['slug']}.html", "current": item["slug"] == current,
                          "menu": None})
    return items


def render(template: str, **context) -> str:
    context.setdefault("site_name", site.SITE_NAME)
    context.setdefault("full_title", site.FULL_TITLE)
    context.setdefault("edition", None)
    context.setdefault("ed", "")
    context.setdefault("current_index", False)
    return templates().get_template(template).render(**context)


def _heading_ids(body: str) -> str:
    """Give h2-h4 headings ids (for search results and links), unique within the page."""
    used: set[str] = set()

    def add(m: re.Match) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(3)))
        base = slug(text)[:60] or "section"
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        return f'<{m.group(1)} id="{anchor}"{m.group(2)}>{m.group(3)}</{m.group(1)}>'

    return re.sub(r"<(h[2-4])((?:\s+(?!id=)[^>]*)?)>(.*?)</\1>", add, body, flags=re.S)


def write_edition_pages(edition: Edition, prepared: dict[str, Prepared], dest: Path, *,
                        bodies: dict[str, str] | None = None) -> list[dict]:
    """Write every page of one edition, its tables' CSV files and its search index into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    common = {"edition": edition, "root": "../", "ed": ""}
    for page in edition.pages:
        prep = prepared[page.slug]
        body = bodies[page.slug] if bodies and page.slug in bodies else notebook_html(prep, "web")
        body = _heading_ids(body)
        heading = site.page_title(prep.title, edition)
        out = render("page.html.j2", title=heading, heading=heading, body=Markup(body),
                     nav=_nav(edition, page.slug), **common)
        (dest / f"{page.slug}.html").write_text(out, encoding="utf-8")
        records += search_entries(body, heading, f"{page.slug}.html")
        for name, text in prep.csv_files.items():
            path = dest / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    search_title = f"Search the {edition.label} edition"
    (dest / "search.html").write_text(render("search.html.j2", title=search_title, heading=search_title,
                                             nav=_nav(edition, None), **common), encoding="utf-8")
    index = json.dumps(records, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (dest / "search-index.js").write_text(f"window.SCORECARD_SEARCH = {index};\n", encoding="utf-8")
    return records


def write_edition_index(edition: Edition, dest: Path, *, pdf_name: str, xlsx_name: str,
                        prepared: dict[str, Prepared]) -> None:
    """The edition's contents page: every page, the PDF, the workbook and each table's CSV."""
    csv_links = [(name, f"{page.title}: {prepared[page.slug].csv_titles.get(name, name)}")
                 for page in edition.pages for name in prepared[page.slug].csv_files]
    pdf = dest / pdf_name
    size = f"{pdf.stat().st_size / 1e6:.1f} MB" if pdf.exists() else ""
    title = f"{edition.label} edition"
    (dest / "index.html").write_text(render(
        "edition.html.j2", title=title, heading=title, nav=_nav(edition, None), pdf=pdf_name, xlsx=xlsx_name,
        pdf_size=size, sections=[p for p in edition.pages if p.kind != "district"], districts=edition.districts,
        csv_files=csv_links, edition=edition, root="../", ed="", current_index=True), encoding="utf-8")


def write_site_root(site_dir: Path, editions: list[dict]) -> None:
    """Shared files at the site root: CSS, search script and the editions index page."""
    libs = site_dir / "site_libs" / "scorecard"
    libs.mkdir(parents=True, exist_ok=True)
    for name in ("scorecard.css", "search.js"):
        replace_file(libs / name, (STATIC / name).read_bytes())
    editions = sorted(editions, key=lambda e: e["month"], reverse=True)
    title = f"{site.FULL_TITLE}: editions"
    out = render("editions.html.j2", title=title, heading=title, editions=editions, root="", nav=[])
    replace_file(site_dir / "index.html", out.encode("utf-8"))


def replace_file(path: Path, data: bytes) -> None:
    """Write a new file rather than writing into an existing one: files may be hard links into
    the published site (see publish.py), which must never change in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    path.write_bytes(data)
