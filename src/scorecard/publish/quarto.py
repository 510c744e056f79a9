"""Publishing with Quarto (1.6 or newer): the same edition, at the same addresses, from a Quarto project.

Two ways in, one staging and one publishing step:

- ``scorecard build --engine quarto`` stages a self-contained Quarto website project in
  ``build/<month>/quarto/`` (:func:`stage_project`), runs ``quarto render`` there, then publishes
  the result (:func:`finish`);
- ``quarto render`` at the repository root runs the root ``_quarto.yml``: its pre-render step
  (``python -m scorecard.publish.quarto pre-render``, through ``scripts/quarto_hook.py``) executes
  what is out of date for the newest ``params/<month>.yml`` (or ``$SCORECARD_MONTH``) and stages the
  same project files at the root (``<month>/`` and ``_scorecard/``, both git-ignored); Quarto 1.8
  reads the project again after pre-render, so it renders the pages it has just been given; the
  post-render step publishes Quarto's output (``build/quarto-site/``) into ``_site/``.

What Quarto is given (the staged project):

- ``<month>/<page>.qmd`` per page, ``<month>/index.qmd`` (contents and downloads), ``<month>/qa.qmd``
  and ``<month>/scorecard-<month>.qmd``, the whole edition as one Typst PDF (A4 landscape);
- ``_scorecard/site.yml`` (navbar with a districts menu, search, full-width pages) and the Typst
  template, Lua filter and page includes of ``templates/quarto/``.

Untrusted text stays text. Every word from the data, parameters or commentary is written as
Markdown in which every ASCII punctuation character is escaped (a block's ``pandoc`` text, or
:func:`md_text`), in the body of a document: Quarto 1.8 evaluates shortcodes found in front-matter
strings even when they are escaped, so no page's front matter holds a word of data (titles are
body headings; the pages' ``<title>`` is written afterwards). HTML reaches Quarto only as the
package's own ``Block.html`` in raw HTML blocks, with every ``{{<`` broken (Quarto expands
shortcodes, ``include`` among them, inside raw blocks too) and a fence longer than any backtick run.

Publishing (:func:`finish`) builds the new site in a folder beside the published one: the earlier
editions (hard links), Quarto's pages with their inline scripts moved to files and a
content-security policy added, Quarto's network-loading accessibility checker replaced by a stub,
the Vega bundle and chart script, the CSV files, the workbook, ``edition.json`` and the list of
editions; it checks that every page and every table is there and that nothing loads from the
network, and only then swaps it into place (exit 4 and the published site unchanged otherwise).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EXIT_BUILD, EXIT_INVALID, ScorecardError
from ..fsutil import (
    clean_stale,
    link_or_copy,
    link_tree,
    os_errors,
    replace_file,
    site_lock,
    staging_parent,
    swap_dir,
    temp_dir,
    write_atomic,
)

TEMPLATES = Path(__file__).parent / "templates" / "quarto"
STATIC = Path(__file__).parent / "static"
MIN_VERSION = (1, 6)
ROOT_OUTPUT = Path("build") / "quarto-site"     # the root project's output-dir (Quarto empties it on every render)
MARK = ".scorecard-quarto"                       # in every folder the staging step made (and may remove)
MARK_TEXT = "made by python -m scorecard.publish.quarto; removed and rewritten on every render\n"
CONFIG = "_scorecard"
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; frame-src 'none'; "
       "base-uri 'none'; form-action 'self'")   # the builtin site's, but search reads search.json
RAW_KINDS = {"table", "chart", "tiles"}         # shown on the website from their HTML
PT_PER_PX = 0.75                                 # a CSS pixel at 96 dpi
CHART_MAX_W, CHART_MAX_H = 770.0, 440.0           # points: A4 landscape less the margins, a caption, a heading
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")        # every ASCII punctuation character
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HEADING = re.compile(r"^((?:> )*)(#{1,6}) ", re.M)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_TOGGLER = ' onclick="if (window.quartoToggleHeadroom) { window.quartoToggleHeadroom(); }"'   # Quarto's navbar button
# Quarto's own scripts that call fetch(): the only calls allowed in them, each for a file of the site itself
_QUARTO_FETCHES = {
    "site_libs/quarto-html/quarto.js": ['fetch(offsetRelativeUrl("listings.json"))'],
    "site_libs/quarto-search/quarto-search.js": ['fetch(offsetURL("search.json"))'],
    "site_libs/scorecard-quarto/quarto-classic.js": ['fetch(offsetRelativeUrl("listings.json"))'],
}


# --- text for Pandoc ------------------------------------------------------------------------------

def md_text(text: str) -> str:
    """Plain text as Markdown that Pandoc and Quarto can only print: whitespace folded to single spaces and
    every ASCII punctuation character backslash-escaped (no emphasis, link, raw HTML, maths, shortcode)."""
    return _PUNCT.sub(r"\\\1", " ".join(str(text).split()))


def raw_html(body: str) -> str:
    """A raw HTML block of the package's HTML that Quarto passes through unread."""
    while "{{<" in body:   # shortcodes are expanded inside raw blocks; in escaped HTML "{{<" is text before a tag
        body = body.replace("{{<", "{&#123;<")
    body = re.sub(r"\bdata-qmd", "data-sc-qmd", body)   # Quarto parses data-qmd attributes as Markdown
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", body)), default=0))
    return f"{fence}{{=html}}\n{body}\n{fence}"


def shift_headings(markdown: str, least: int) -> str:
    """Markdown whose headings are all at least ``least`` deep (escaped ``\\#`` is text, not a heading)."""
    levels = [len(m.group(2)) for m in _HEADING.finditer(markdown)]
    by = max(0, least - min(levels)) if levels else 0
    if not by:
        return markdown
    return _HEADING.sub(lambda m: f"{m.group(1)}{'#' * min(6, len(m.group(2)) + by)} ", markdown)


def _div(classes: str, body: str, attrs: str = "") -> str:
    return f"::: {{{classes}{(' ' + attrs) if attrs else ''}}}\n{body.strip()}\n:::\n"


def _name(text: str, what: str) -> str:
    if not _NAME.match(text):
        raise ScorecardError(f"{what} '{text}' is not a safe file name", EXIT_BUILD)
    return text


def _front(**keys) -> str:
    return "---\n" + "".join(f"{k.replace('_', '-')}: {json.dumps(v)}\n" for k, v in keys.items()) + "---\n\n"


# --- the staged project -----------------------------------------------------------------------------

@dataclass
class Staged:
    project: Path
    month: str
    tables: int = 0
    pages: list[str] = field(default_factory=list)     # page names, in order
    titles: dict[str, str] = field(default_factory=dict)   # output file (relative) -> its <title>
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def pdf_name(self) -> str:
        return f"scorecard-{self.month}.pdf"

    @property
    def typ(self) -> Path:
        return self.project / self.month / f"scorecard-{self.month}.typ"


def _districts_title(snap) -> str:
    return next((s["nav_title"] for s in snap.dataset.sections if s["kind"] == "district"), "Districts")


def _language(site) -> str:
    lang = str(site.language or "")
    return lang if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang) else "en-GB"


def site_config(site, month: str) -> dict:
    """_scorecard/site.yml: the navbar (every section, the districts menu), search and the pages' format."""
    def href(name: str) -> str:
        return f"{month}/{_name(name, 'page')}.qmd"

    left = []
    for item in site.nav(""):
        if item.get("menu"):
            left.append({"text": md_text(item["text"]), "menu": [
                {"text": md_text(m["text"]), "href": href(m["href"].removesuffix(".html"))} for m in item["menu"]]})
        else:
            left.append({"text": md_text(item["text"]), "href": href(item["href"].removesuffix(".html"))})
    left += [{"text": "Downloads", "href": f"{month}/index.qmd"}, {"text": "QA", "href": f"{month}/qa.qmd"}]
    return {
        "lang": _language(site),
        "execute": {"enabled": False},
        "website": {
            "title": md_text(f"{site.site_name} {site.label}"),
            "navbar": {"left": left, "right": [{"text": "All editions", "href": "index.qmd"}]},
            "search": {"location": "navbar", "type": "textbox"},
            "page-navigation": False, "reader-mode": False, "back-to-top-navigation": False, "bread-crumbs": False,
        },
        "format": {"html": {
            "theme": "default", "page-layout": "full", "toc": False, "html-table-processing": "none",
            "html-math-method": "plain", "link-external-icon": False, "anchor-sections": False, "code-copy": False,
            "smooth-scroll": False, "footnotes-hover": False, "crossrefs-hover": False, "citations-hover": False,
        }},
    }


def _page_footer(site, depth: str = "") -> str:
    words = f"{site.full_title}, {site.label}." + (f" Produced by {site.produced_by}." if site.produced_by else "")
    return _div(".sc-page-footer", f"{md_text(words)} [Edition contents and downloads]({depth}index.html) "
                                   f"· [All editions](../index.html)")


def page_qmd(site, page) -> str:
    """One page of the website: its blocks in the builtin site's order, the charts together at the end."""
    from . import site as site_mod

    body, charts = site_mod.arrange(page.blocks)
    parts = [_front(include_in_header=f"../{CONFIG}/head-page.html",
                    **({"include_after_body": f"../{CONFIG}/charts.html"} if charts else {}))]
    if site.banner:
        parts.append(_div(".sc-banner", md_text(site.banner), 'role="note"'))
    parts.append(f"# {md_text(page.title)} {{#sc-page-title}}\n")
    for b in body:
        if b.kind in RAW_KINDS or not b.pandoc.strip():
            parts.append(raw_html(f'<div class="sc-block sc-b-{html.escape(b.kind)}">{b.html}</div>') + "\n")
        else:
            parts.append(_div(f".sc-block .sc-b-{_name(b.kind, 'block kind')}", b.pandoc))
    if charts:
        parts.append(f"## {md_text(site_mod.CHARTS_HEADING)} {{#sc-charts-heading}}\n")
        grid = "".join(f'<div class="sc-block sc-b-chart">{site_mod.chart_figure(b.html)}</div>' for b in charts)
        parts.append(raw_html(f'<div class="sc-charts"><div class="sc-chart-grid">{grid}</div></div>') + "\n")
    parts.append(_page_footer(site))
    return "\n".join(parts)


def edition_qmd(site, pages, month: str, districts_title: str) -> str:
    """<month>/index.qmd: the edition's contents and downloads (the builtin edition page's words)."""
    parts = [_front(include_in_header=f"../{CONFIG}/head-page.html")]
    if site.banner:
        parts.append(_div(".sc-banner", md_text(site.banner), 'role="note"'))
    parts.append(f"# {md_text(site.label + ' edition')} {{#sc-page-title}}\n")
    if site.publication_date:
        parts.append(md_text(f"Published {site.publication_date}.") + "\n")
    parts.append("## Downloads {#downloads}\n")
    parts.append(f"- [The whole edition as a PDF](scorecard-{month}.pdf) \\(A4 landscape\\)\n"
                 f"- [Every table as an Excel workbook](scorecard-{month}.xlsx) \\(figures as numbers, one sheet per "
                 "table\\)\n")
    sections = [p for p in pages if p.job.kind != "district"]
    districts = [p for p in pages if p.job.kind == "district"]
    parts.append("## Pages {#pages}\n")
    parts.append("".join(f"- [{md_text(p.job.title)}]({_name(p.job.name, 'page')}.html)\n" for p in sections))
    if districts:
        parts.append(f"## {md_text(districts_title)} {{#districts}}\n")
        parts.append(_div(".sc-columns", "".join(f"- [{md_text(p.job.title)}]({_name(p.job.name, 'page')}.html)\n"
                                                 for p in districts)))
    csvs = [(name, f"{p.job.title}: {p.csv_titles.get(name, name)}") for p in pages for name in p.csv_files]
    if csvs:
        parts.append("## Table data \\(CSV\\) {#tables}\n")
        items = [f'- [{md_text(text)}]({_name(name, "CSV file")}){{download="{name}"}}\n' for name, text in csvs]
        parts.append(_div(".sc-columns", "".join(items)))
    parts.append(_page_footer(site))
    return "\n".join(parts)


def qa_qmd(site, sections: list[dict]) -> str:
    """<month>/qa.qmd: the analyst's checks, as escaped Markdown tables."""
    parts = [_front(include_in_header=f"../{CONFIG}/head-page.html")]
    parts.append(f"# {md_text('Quality assurance: ' + site.label + ' edition')} {{#sc-page-title}}\n")
    parts.append(md_text("What an analyst checking this edition needs to know, kept out of the committee paper: which "
                         "targets and floor standards were not printed and where they came from, where the shown value "
                         "is not what the source printed, and what the data checks found.") + "\n")
    for s in sections:
        parts.append(f"## {md_text(s['title'])} {{#{_name(s['id'], 'QA section')}}}\n")
        if s.get("intro"):
            parts.append(md_text(s["intro"]) + "\n")
        if s["rows"]:
            lines = ["| " + " | ".join(md_text(c) for c in s["columns"]) + " |",
                     "|" + "|".join("---" for _ in s["columns"]) + "|"]
            lines += ["| " + " | ".join(md_text("" if c is None else c) or " " for c in r) + " |" for r in s["rows"]]
            parts.append(_div(".sc-qa-table", "\n".join(lines)))
        else:
            parts.append("None\\.\n")
    parts.append(_page_footer(site))
    return "\n".join(parts)


@dataclass
class Chart:
    path: Path
    width: float    # points, as printed
    height: float


@dataclass
class Figure:
    spec: dict | None   # what is printed (None: only the caption)
    caption: str        # one sentence


_FIG_SPEC = re.compile(r'<script type="application/json" class="sc-spec"[^>]*>(.*?)</script>', re.S)
_FIG_CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S)


def print_figures(page) -> list[Figure]:
    """The page's charts as the builtin paper prints them (publish.pdf.print_charts: the trend panels
    regridded four to a row, no chart text under 7pt, a one-sentence caption each); the staged charts
    themselves if that is not available."""
    from . import pdf as pdf_mod
    from . import site as site_mod

    _body, charts = site_mod.arrange(page.blocks)
    if not charts or page.job.kind == "district":   # district chapters print their tables (the charts are online)
        return []
    try:
        printed = pdf_mod.print_charts(charts)
        out = []
        for fig in printed:
            m, cap = _FIG_SPEC.search(fig), _FIG_CAPTION.search(fig)
            caption = html.unescape(re.sub(r"<[^>]+>", " ", cap.group(1))) if cap else ""
            out.append(Figure(json.loads(m.group(1)) if m else None, " ".join(caption.split())))
        return out
    except Exception:  # noqa: BLE001 - the builtin paper's chart layout changed shape: print the charts as staged
        return [Figure(b.spec if isinstance(b.spec, dict) else None,
                       site_mod.caption_parts(b.meta.get("description") or b.plain or "")[0]) for b in charts]


def chart_svgs(specs: list[dict], cache: Path) -> dict[str, Chart]:
    """Vega-Lite specs as SVG files, keyed by spec hash: drawn in one batch in this process (vl-convert, no
    network: allowed_base_urls=[]) and kept in ``cache``, so that only new or changed charts are drawn again."""
    from ..content.outputs import spec_hash

    wanted = {spec_hash(s): s for s in specs}
    if not wanted:
        return {}
    import vl_convert as vlc

    cache.mkdir(parents=True, exist_ok=True)
    tag = re.sub(r"[^0-9a-z.]", "", vlc.__version__)
    out = {}
    for h, spec in wanted.items():
        path = cache / f"{h}-{tag}.svg"
        if not path.is_file():
            try:
                svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
            except Exception as exc:  # noqa: BLE001 - a spec vl-convert cannot draw: one line
                raise ScorecardError(f"chart {h}: vl-convert could not draw it for the PDF ({exc})",
                                     EXIT_BUILD) from None
            write_atomic(path, svg)
        head = path.read_text(encoding="utf-8")[:600]
        m = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', head)
        w, hgt = (float(m.group(1)), float(m.group(2))) if m else (600.0, 400.0)
        w, hgt = w * PT_PER_PX, hgt * PT_PER_PX     # as Chromium prints a CSS pixel
        scale = min(1.0, CHART_MAX_W / w, CHART_MAX_H / hgt)
        out[h] = Chart(path, round(w * scale, 1), round(hgt * scale, 1))
    for old in cache.glob("*.svg"):
        if old.name.split("-")[0] not in wanted:
            old.unlink()
    return out


PDF_DROPPED_COLUMNS = {"tbl-definitions": "tbl-definitions-Definition"}   # as the builtin print.css: online only
PDF_TABLE_GRID = {"reference"}   # pages whose short tables sit three to a row (all but the dropped-column ones)


def _pdf_table(b, first: bool) -> str:
    attrs = [] if first else ['data-no-source="1"']   # the source line and key once per chapter
    tid = str(b.meta.get("id", ""))
    if tid in PDF_DROPPED_COLUMNS:
        attrs.append(f'data-drop-column="{PDF_DROPPED_COLUMNS[tid]}"')
    return _div(".sc-pdf-table", raw_html(b.html), " ".join(attrs))


def _pdf_block(b, least_heading: int) -> str:
    kind = b.kind
    if kind == "tiles" and b.html.strip():
        return _div(".sc-pdf-html", raw_html(b.html))
    text = shift_headings(b.pandoc, least_heading) if b.pandoc.strip() else ""
    if not text:
        return ""
    cls = {"title": "sc-byline", "notes": "sc-notes", "words": "sc-words", "tiles": "sc-tiles"}.get(kind, "sc-text")
    return _div(f".{cls}", text)


def pdf_qmd(site, snap, pages, figures: dict[str, list[Figure]], charts: dict[str, Chart],
            month: str) -> tuple[str, int]:
    """<month>/scorecard-<month>.qmd: the committee paper as one Typst document; (text, tables in it)."""
    from ..content.outputs import spec_hash
    from . import site as site_mod

    tables = sum(1 for p in pages for b in p.blocks if b.kind == "table")
    parts = [
        "---\n# The committee paper; every word of it is in the body below (escaped), none in this header.\n"
        + json.dumps({"format": {"typst": {
            "papersize": "a4", "keep-typ": True, "shift-heading-level-by": 0,
            "toc": False, "html-table-processing": "none",
            "template-partials": [f"../{CONFIG}/typst-template.typ", f"../{CONFIG}/typst-show.typ",
                                  f"../{CONFIG}/page.typ"]}},
            "filters": [{"path": f"../{CONFIG}/scorecard.lua", "at": "pre-ast"}],
            "sc-tables": tables}, indent=1) + "\n---\n"]
    parts.append(_div(".sc-edition", md_text(f"{site.full_title}, {site.label}")))
    kicker = snap.dataset.publication.kicker
    cover = [_div(".sc-kicker", md_text(kicker)) if kicker else "",
             _div(".sc-cover-title", md_text(site.full_title)), _div(".sc-cover-month", md_text(site.label))]
    if site.produced_by:
        cover.append(_div(".sc-cover-line", md_text(f"Produced by {site.produced_by}")))
    if site.publication_date:
        cover.append(_div(".sc-cover-line", md_text(f"Publication date: {site.publication_date}")))
    if site.banner:
        cover.append(_div(".sc-banner", md_text(site.banner)))
    parts.append("::: {.sc-cover}\n" + "\n".join(c for c in cover if c) + ":::\n")
    parts.append("::: {.sc-contents}\n:::\n")
    in_districts = False
    for p in pages:
        name = _name(p.job.name, "page")
        district = p.job.kind == "district"
        parts.append("::: {.sc-newpage}\n:::\n")
        if district and not in_districts:
            parts.append(f"# {md_text(_districts_title(snap))} {{#ch-districts}}\n")
        in_districts = district
        level = 2 if district else 1
        parts.append(f"{'#' * level} {md_text(p.job.title if district else p.title)} {{#ch-{name}}}\n")
        if site.banner:
            parts.append(_div(".sc-banner", md_text(site.banner)))
        body, _charts = site_mod.arrange(p.blocks)
        words: list = []
        grid: list[str] = []
        first_table = True
        for b in [*body, None]:
            if b is not None and b.kind == "words":
                words.append(b)
                continue
            if words:   # the commentary: a leading heading across the page, the paragraphs in two columns
                while words and all(ln.startswith("#") for ln in words[0].pandoc.strip().splitlines() if ln.strip()):
                    parts.append(shift_headings(words.pop(0).pandoc, 3))
                if words:
                    parts.append(_div(".sc-commentary", "\n".join(shift_headings(w.pandoc, 4) for w in words)))
                words = []
            if b is not None and b.kind == "table" and p.job.kind in PDF_TABLE_GRID \
                    and str(b.meta.get("id", "")) not in PDF_DROPPED_COLUMNS:
                grid.append(_div(".sc-grid-cell", _pdf_table(b, first_table)))
                first_table = False
                continue
            if grid:
                parts.append("::: {.sc-table-grid}\n" + "\n".join(grid) + ":::\n")
                grid = []
            if b is not None and b.kind == "table":
                parts.append(_pdf_table(b, first_table))
                first_table = False
            elif b is not None:
                block = _pdf_block(b, 3)
                if block:
                    parts.append(block)
        items = []
        for fig in figures.get(p.job.name, []):
            c = charts.get(spec_hash(fig.spec)) if fig.spec else None
            if c is None:
                items.append(_div(".sc-caption", md_text(fig.caption)))
                continue
            items.append(_div(f'.sc-chart data-width="{c.width:.1f}"',
                              f"![](_charts/{c.path.name}){{width={c.width:.1f}pt}}\n\n"
                              + _div(".sc-caption", md_text(fig.caption))))
        if items:
            parts.append("::: {.sc-charts}\n" + f"### {md_text(site_mod.CHARTS_HEADING)}\n\n" + "\n".join(items)
                         + ":::\n")
    return "\n".join(parts), tables


def _clear(folder: Path) -> None:
    """Remove a folder this module made (it holds MARK); refuse any other."""
    if folder.exists():
        if not (folder / MARK).is_file():
            raise ScorecardError(f"{folder}: exists and was not made by the Quarto staging step; move it away",
                                 EXIT_BUILD)
        shutil.rmtree(folder)


def stage_project(snap, pages, paths, month: str, project: Path, standalone: bool) -> Staged:
    """Write the Quarto project's files for ``month`` into ``project``.

    ``standalone``: a project of its own in a build folder (``_quarto.yml`` written here, output in
    ``<project>/_site``); otherwise the repository root, whose ``_quarto.yml`` is committed. Earlier
    months staged at the root (folders holding MARK) are removed: the root project renders one month.
    """
    from . import build as build_mod
    from . import site as site_mod

    t = time.perf_counter()
    staged = Staged(project, month)
    site = site_mod.Site(snap, pages)
    with os_errors(project):
        project.mkdir(parents=True, exist_ok=True)
        for entry in project.iterdir():
            if re.fullmatch(r"\d{4}-\d{2}", entry.name) and entry.is_dir() and (entry / MARK).is_file():
                _clear(entry)
        config = project / CONFIG
        _clear(config)
        config.mkdir()
        write_atomic(config / MARK, MARK_TEXT)
        for name in ("scorecard.lua", "typst-template.typ", "typst-show.typ", "page.typ", "head-page.html",
                     "head-root.html", "charts.html"):
            link_or_copy(TEMPLATES / name, config / name)
        write_atomic(config / "site.yml", "# made by the pre-render step from the edition; not committed\n"
                     + json.dumps(site_config(site, month), indent=1) + "\n")
        dest = project / month
        dest.mkdir()
        write_atomic(dest / MARK, MARK_TEXT)
        for p in pages:
            name = _name(p.job.name, "page")
            write_atomic(dest / f"{name}.qmd", page_qmd(site, p))
            staged.pages.append(name)
            staged.titles[f"{month}/{name}.html"] = p.title
        write_atomic(dest / "index.qmd", edition_qmd(site, pages, month, _districts_title(snap)))
        staged.titles[f"{month}/index.html"] = f"{site.label} edition"
        write_atomic(dest / "qa.qmd", qa_qmd(site, build_mod.qa_sections(snap)))
        staged.titles[f"{month}/qa.html"] = f"Quality assurance: {site.label} edition"
        staged.titles["index.html"] = f"{site.full_title}: editions"
        staged.timings["quarto: stage"] = time.perf_counter() - t
        t = time.perf_counter()
        figures = {p.job.name: print_figures(p) for p in pages}
        charts = chart_svgs([f.spec for fs in figures.values() for f in fs if f.spec],
                            paths.build / month / "quarto-charts")
        if charts:
            (dest / "_charts").mkdir()
            for c in charts.values():
                link_or_copy(c.path, dest / "_charts" / c.path.name)
        staged.timings["quarto: charts"] = time.perf_counter() - t
        text, staged.tables = pdf_qmd(site, snap, pages, figures, charts, month)
        write_atomic(dest / f"scorecard-{month}.qmd", text)
        if standalone:
            replace_file(project / "index.qmd", (TEMPLATES / "index.qmd").read_bytes())
            write_atomic(project / "_quarto.yml", "# made by scorecard build --engine quarto\n" + json.dumps({
                "project": {"type": "website", "output-dir": "_site", "render": ["index.qmd", f"{month}/*.qmd"]},
                "metadata-files": [f"{CONFIG}/site.yml"]}, indent=1) + "\n")
        write_atomic(config / "state.json", json.dumps({"month": month, "key": snap.key, "tables": staged.tables,
                                                        "pages": staged.pages, "titles": staged.titles}, indent=1))
    return staged


# --- running Quarto ------------------------------------------------------------------------------------

def quarto_exe() -> str:
    exe = shutil.which("quarto")
    if not exe:
        raise ScorecardError("--engine quarto: `quarto` is not on PATH (install Quarto 1.6 or newer, or build with "
                             "--engine builtin)", EXIT_BUILD)
    try:
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise ScorecardError(f"`quarto --version` failed: {exc}", EXIT_BUILD) from None
    m = re.match(r"(\d+)\.(\d+)", version)
    if not m or (int(m.group(1)), int(m.group(2))) < MIN_VERSION:
        raise ScorecardError(f"Quarto {version or '(unknown version)'} is too old: the scorecard needs 1.6 or newer",
                             EXIT_BUILD)
    return exe


def render(project: Path, say) -> str:
    """``quarto render`` in ``project``; its output, or an error with the end of it."""
    exe = quarto_exe()
    say(f"rendering with Quarto ({project})")
    try:
        r = subprocess.run([exe, "render"], cwd=project, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        raise ScorecardError("quarto render did not finish in 30 minutes; nothing was published", EXIT_BUILD) from None
    log = (r.stdout or "") + (r.stderr or "")
    write_atomic(project / CONFIG / "render.log", log)
    if r.returncode != 0:
        tail = [ln for ln in _plain(log).splitlines() if ln.strip()][-15:]
        raise ScorecardError([f"quarto render failed (exit {r.returncode}); the log is {project / CONFIG}/render.log",
                              *[f"ERROR:   {ln[:300]}" for ln in tail], "ERROR: nothing was published"], EXIT_BUILD)
    problems = [ln for ln in _plain(log).splitlines()
                if re.search(r"unknown font|Unable to parse table|WARN|warning:", ln, re.I)]
    if any(re.search(r"unknown font|Unable to parse table", ln, re.I) for ln in problems):
        raise ScorecardError(["quarto render warned about the PDF; nothing was published:", *problems[:10]], EXIT_BUILD)
    for ln in problems[:10]:
        say(f"  quarto: {ln.strip()[:200]}")
    return log


def _plain(log: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", log)


# --- publishing ----------------------------------------------------------------------------------------

def count_typst_tables(typ: Path) -> int:
    """The tables in the Typst source of the PDF (each staged table is one ``#table(``)."""
    return len(re.findall(r"#table\(", _typst_code(typ.read_text(encoding="utf-8"))))


def _typst_code(text: str) -> str:
    return re.sub(r"^\s*//.*$", "", text, flags=re.M)


def _externalize(text: str, prefix: str, libs: Path) -> str:
    """Each inline script as a file of the site (same order, same type): the pages run no inline code."""
    def one(m: re.Match) -> str:
        attrs, code = m.group(1), m.group(2)
        typed = re.search(r"""\btype\s*=\s*["']?([^"'\s>]+)""", attrs, re.I)
        kind = typed.group(1).lower() if typed else ""
        if re.search(r"\bsrc\s*=", attrs, re.I) or not code.strip() or kind not in _JS_TYPES:
            return m.group(0)
        name = f"inline-{hashlib.sha256(code.encode()).hexdigest()[:16]}.js"
        if not (libs / name).exists():
            write_atomic(libs / name, code)
        return f'<script{attrs} src="{prefix}site_libs/scorecard-quarto/{name}"></script>'

    return _SCRIPT.sub(one, text)


_QUARTO_IMPORTS = ('import * as tabsets from "./tabsets/tabsets.js";', 'import * as axe from "./axe/axe-check.js";')


def classic_quarto_js(site_dir: Path) -> bool:
    """Quarto's page script (quarto.js, an ES module importing tabsets.js and the axe checker) as one classic
    script, ``site_libs/scorecard-quarto/quarto-classic.js``, loaded with ``defer`` (a module's timing): browsers
    refuse module scripts from file:// pages, so that the site works from a file share too. Done only when the
    two files are exactly as Quarto 1.6-1.8 write them (False otherwise, and the pages keep the module)."""
    libs = site_dir / "site_libs"
    try:
        q = (libs / "quarto-html" / "quarto.js").read_text(encoding="utf-8")
        t = (libs / "quarto-html" / "tabsets" / "tabsets.js").read_text(encoding="utf-8")
    except OSError:
        return False
    if not all(i in q for i in _QUARTO_IMPORTS):
        return False
    for i in _QUARTO_IMPORTS:
        q = q.replace(i, "")
    if (re.search(r"^\s*(?:import|export)\b", q, re.M) or "import.meta" in q + t
            or len(re.findall(r"^\s*export\b", t, re.M)) != 1 or not re.search(r"^export function init\(", t, re.M)):
        return False
    t = re.sub(r"^export function init\(", "function init(", t, flags=re.M)
    bundle = ("// Quarto's quarto.js with its two imports inlined (tabsets.js; the axe checker as the offline\n"
              "// stub), as a classic script: written by scorecard.publish.quarto, see classic_quarto_js().\n"
              "(function () {\n\"use strict\";\nconst tabsets = (function () {\n" + t
              + "\nreturn { init: init };\n})();\nconst axe = { init: async function () {} };\n" + q + "\n})();\n")
    replace_file(libs / "scorecard-quarto" / "quarto-classic.js", bundle)
    return True


def _classic(text: str, prefix: str) -> str:
    text = re.sub(r'<script src="[^"]*site_libs/quarto-html/tabsets/tabsets\.js" type="module"></script>\s*', "", text)
    return re.sub(r'<script src="[^"]*site_libs/quarto-html/quarto\.js" type="module"></script>',
                  f'<script src="{prefix}site_libs/scorecard-quarto/quarto-classic.js" defer></script>', text)


def _finish_html(path: Path, prefix: str, title: str | None, site_name: str, libs: Path, classic: bool) -> None:
    text = path.read_text(encoding="utf-8")
    text = _externalize(text, prefix, libs)
    if classic:
        text = _classic(text, prefix)
    text = re.sub(r'<script[^>]*src="[^"]*quarto-html/axe/axe-check\.js"[^>]*></script>\s*', "", text)
    if _TOGGLER in text:
        text = text.replace(_TOGGLER, ' data-sc-headroom=""')
        tag = f'<script src="{prefix}site_libs/scorecard-quarto/navbar.js"></script>'
        text = text.replace("</body>", f"{tag}\n</body>", 1)
    if title is not None:
        full = f"{title} – {site_name}" if site_name else title
        new = f"<title>{html.escape(full)}</title>"
        text = re.sub(r"<title>.*?</title>", lambda _m: new, text, count=1, flags=re.S)
    if 'http-equiv="Content-Security-Policy"' not in text:
        head = (f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n<meta name="referrer" '
                'content="no-referrer">')
        text = re.sub(r'(<meta charset="utf-8"\s*/?>)', lambda m: f"{m.group(1)}\n{head}", text, count=1, flags=re.I)
    replace_file(path, text)


def editions_html(editions: list[dict], full_title: str) -> str:
    e = html.escape
    items = []
    for ed in sorted(editions, key=lambda x: x["month"], reverse=True):
        m = e(ed["month"])
        date = f"Published {e(ed['publication_date'])}. " if ed.get("publication_date") else ""
        items.append(f'<li><h2><a href="{m}/index.html">{e(ed.get("label", ed["month"]))}</a></h2><p>{date}'
                     f'<a href="{m}/{e(ed.get("first", "index.html"))}">{e(ed.get("first_title", "Contents"))}</a> '
                     f'&middot; <a href="{m}/{e(ed.get("pdf", ""))}">PDF</a> &middot; '
                     f'<a href="{m}/{e(ed.get("xlsx", ""))}">Excel workbook</a></p></li>')
    return (f'<div id="sc-editions"><h1>{e(full_title)}: editions</h1>'
            '<p>Each monthly edition stays available here. The newest is listed first.</p>'
            f'<ul class="sc-editions-list">{"".join(items)}</ul></div>')


def offline_problems(site_dir: Path) -> list[str]:
    """publish.safety.check_site, less the two fetch() calls of Quarto's own scripts that read the site's own
    search.json and listings.json (relative URLs): any other fetch in them is still reported."""
    from . import safety

    bad = []
    for line in safety.check_site(site_dir):
        rel = line.split(":", 1)[0]
        allowed = _QUARTO_FETCHES.get(rel.replace(os.sep, "/"))
        if allowed and line.endswith("a script that fetches from the network"):
            text = (site_dir / rel).read_text(encoding="utf-8", errors="replace")
            for call in allowed:
                text = text.replace(call, "")
            if not safety.SCRIPT_FETCH.search(text):
                continue
        bad.append(line)
    return bad


def _copy_tree(src: Path, dest: Path, skip) -> None:
    """Copy ``src`` over ``dest`` file by file, replacing (never writing into) files already there."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if skip(rel):
            continue
        target = dest / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        if target.exists() or target.is_symlink():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def finish(snap, pages, paths, month: str, staged: Staged, rendered: Path, out, say) -> None:
    """Publish Quarto's output for ``month`` into ``paths.out``: complete, checked, swapped in (or nothing)."""
    from ..content import downloads
    from . import assets
    from . import build as build_mod
    from . import site as site_mod

    t = time.perf_counter()
    site = site_mod.Site(snap, pages)
    target = paths.out
    pdf_name, xlsx_name = f"scorecard-{month}.pdf", f"scorecard-{month}.xlsx"
    want = ["index.html", "search.json", f"{month}/index.html", f"{month}/qa.html", f"{month}/{pdf_name}",
            *[f"{month}/{p.job.name}.html" for p in pages]]
    missing = [w for w in want if not (rendered / w).is_file()]
    if missing:
        raise ScorecardError([f"Quarto's output {rendered} lacks {', '.join(missing[:10])}",
                              "ERROR: nothing was published"], EXIT_BUILD)
    if not staged.typ.is_file():
        raise ScorecardError(f"{staged.typ}: the Typst source of the PDF is missing (keep-typ); nothing was published",
                             EXIT_BUILD)
    made = count_typst_tables(staged.typ)
    if made != staged.tables:
        raise ScorecardError(f"the PDF has {made} tables but the edition has {staged.tables} (see {staged.typ}); "
                             "nothing was published", EXIT_BUILD)
    check_pdf(rendered / month / pdf_name)
    staging = staging_parent(target)
    with os_errors(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
    with site_lock(target, paths.build), temp_dir(staging, f"site-{target.name}") as building:   # as publish_builtin
        clean_stale(staging, keep={building})
        link_tree(target, building, skip={month})
        old_search = _read_json(building / "search.json")
        _copy_tree(rendered, building, lambda rel: rel.parts[:2] == (month, "_charts") or rel.suffix == ".typ")
        libs = building / "site_libs" / "scorecard-quarto"
        libs.mkdir(parents=True, exist_ok=True)
        replace_file(libs / "navbar.js", (TEMPLATES / "navbar.js").read_bytes())
        stub = building / "site_libs" / "quarto-html" / "axe" / "axe-check.js"
        if stub.exists():
            replace_file(stub, (TEMPLATES / "axe-check.js").read_bytes())
        for name in ("scorecard.css", "charts.js"):
            replace_file(building / "site_libs" / "scorecard" / name, (STATIC / name).read_bytes())
        replace_file(building / "site_libs" / "scorecard" / "scorecard-quarto.css",
                     (TEMPLATES / "scorecard-quarto.css").read_bytes())
        assets.write_vega_bundle(building, paths.build)
        classic = classic_quarto_js(building)
        dest = building / month
        for page in dest.glob("*.html"):
            _finish_html(page, "../", staged.titles.get(f"{month}/{page.name}"), site.site_name, libs, classic)
        for page in pages:
            for name, text in page.csv_files.items():
                replace_file(dest / _name(name, "CSV file"), text)
        downloads.edition_workbook(snap.edition, snap.key, dest / xlsx_name, paths.build / month)
        replace_file(dest / "edition.json", json.dumps({
            "month": month, "label": site.label, "publication_date": site.publication_date, "pdf": pdf_name,
            "xlsx": xlsx_name, "first": f"{pages[0].job.name}.html" if pages else "index.html",
            "first_title": pages[0].job.title if pages else "", "pages": [p.job.name for p in pages],
            "engine": "quarto"}, indent=1))
        index = building / "index.html"
        text = index.read_text(encoding="utf-8")
        text, n = re.subn(r'<div id="sc-editions"[^>]*>\s*</div>', lambda _m: editions_html(
            build_mod._editions(building), site.full_title), text, count=1)
        if not n:
            raise ScorecardError("index.qmd: the editions placeholder (::: {#sc-editions}) is missing; nothing was "
                                 "published", EXIT_BUILD)
        replace_file(index, text)
        _finish_html(index, "", staged.titles.get("index.html"), "", libs, classic)
        _merge_search(building / "search.json", old_search, month)
        bad = offline_problems(building)
        if bad:
            raise ScorecardError(["ERROR: the site would load files from outside itself; nothing was published:",
                                  *bad[:20]], EXIT_BUILD)
        swap_dir(building, target)
    out.timings["publishing"] = time.perf_counter() - t
    out.site, out.pdf = target / month, target / month / pdf_name


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _merge_search(path: Path, old, month: str) -> None:
    """Quarto's search index of this render, plus the entries of the other editions already published."""
    new = _read_json(path)
    if not isinstance(new, list):
        return
    hrefs = [(e, str(e.get("href", ""))) for e in (old if isinstance(old, list) else []) if isinstance(e, dict)]
    kept = [e for e, h in hrefs if re.match(r"\d{4}-\d{2}/", h) and not h.startswith(f"{month}/")]
    if kept:
        replace_file(path, json.dumps(new + kept, ensure_ascii=False))


def check_pdf(pdf: Path) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(pdf))
        box = reader.pages[0].mediabox
    except Exception as exc:  # noqa: BLE001 - an unreadable PDF: one line
        raise ScorecardError(f"{pdf}: Quarto's PDF cannot be read ({exc}); nothing was published", EXIT_BUILD) from None
    w, h = float(box.width), float(box.height)
    if abs(w - 841.89) > 2 or abs(h - 595.28) > 2:
        raise ScorecardError(f"{pdf}: the PDF is {w:.0f} x {h:.0f} pt, not A4 landscape; nothing was published",
                             EXIT_BUILD)


def publish(snap, pages, paths, month: str, out, say) -> None:
    """``scorecard build --engine quarto``: stage a project in build/<month>/quarto/, render it, publish it."""
    project = paths.build / month / "quarto"
    staged = stage_project(snap, pages, paths, month, project, standalone=True)
    out.timings.update(staged.timings)
    t = time.perf_counter()
    render(project, say)
    out.timings["quarto: render"] = time.perf_counter() - t
    finish(snap, pages, paths, month, staged, project / "_site", out, say)


# --- the root project's hooks (quarto render) -----------------------------------------------------------

def _root_paths(root: Path):
    from .build import Paths

    return Paths.of(root / "data")


def newest_month(params_dir: Path) -> str:
    env = os.environ.get("SCORECARD_MONTH", "").strip()
    if env:
        from ..rules.periods import checked_month

        return checked_month(env, "SCORECARD_MONTH")
    months = sorted(p.stem for p in Path(params_dir).glob("*.yml") if re.fullmatch(r"\d{4}-\d{2}", p.stem))
    if not months:
        raise ScorecardError(f"{params_dir}: no params/<month>.yml to publish (or set SCORECARD_MONTH)", EXIT_INVALID)
    return months[-1]


def _say(line: str) -> None:
    print(line, flush=True)


def pre_render(root: Path) -> Staged:
    """Execute what is out of date for the month, refuse drafts, print the lint findings, stage the project."""
    from . import build as build_mod
    from . import stage

    paths = _root_paths(root)
    month = newest_month(paths.params)
    _say(f"scorecard: staging the {month} edition for Quarto")
    snap, plan, _out = build_mod.execute(paths, month, progress=_say)
    refuse = [] if os.environ.get("SCORECARD_DRAFT") else snap.params.unconfirmed() + build_mod._drafts(plan)
    if refuse:
        raise ScorecardError([*refuse, "ERROR: nothing was published (confirm these, or set SCORECARD_DRAFT=1 to "
                                        "preview)"], EXIT_INVALID)
    findings = build_mod.lint_findings(snap, paths, month)
    if findings:
        _say(f"WARNING: {len(findings)} commentary finding(s); see `scorecard lint --month {month}`")
    pages = [stage.stage(paths.build / month / "executed" / f"{j.name}.ipynb", j) for j in plan]
    return stage_project(snap, pages, paths, month, root, standalone=False)


def post_render(root: Path) -> None:
    """Publish what Quarto rendered into _site/ (a full render only)."""
    from . import build as build_mod
    from . import jobs, stage

    if not os.environ.get("QUARTO_PROJECT_RENDER_ALL"):
        _say("scorecard: a partial render; _site/ was not changed (run `quarto render` for the whole edition)")
        return
    state = _read_json(root / CONFIG / "state.json")
    if not isinstance(state, dict) or "month" not in state:
        raise ScorecardError(f"{root / CONFIG / 'state.json'}: missing; the pre-render step did not run", EXIT_BUILD)
    paths = _root_paths(root)
    month = state["month"]
    from ..engine import snapshot as snapshot_mod

    # the snapshot the pages were made from (pre-render saved it), whatever changed in data/ since
    snap = snapshot_mod.load(paths.build / month / snapshot_mod.FILE, state["key"])
    if snap is None:
        raise ScorecardError(f"{paths.build / month / snapshot_mod.FILE}: not the snapshot the pre-render step staged "
                             "(another build replaced it); nothing was published (run `quarto render` again)",
                             EXIT_BUILD)
    plan = jobs.plan(snap.dataset, snap.params, paths.notebooks, month)
    pages = [stage.stage(paths.build / month / "executed" / f"{j.name}.ipynb", j) for j in plan]
    staged = Staged(root, month, int(state["tables"]), list(state["pages"]), dict(state["titles"]))
    rendered = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR") or root / ROOT_OUTPUT)
    out = build_mod.Outcome(month)
    finish(snap, pages, paths, month, staged, rendered if rendered.is_absolute() else root / rendered, out, _say)
    leftover = root / "site_libs"   # Quarto keeps a copy of its lib folder in the project when keep-typ is on
    if leftover.is_dir() and (leftover / "quarto-html").is_dir():
        shutil.rmtree(leftover, ignore_errors=True)
    _say(f"scorecard: published {out.site} and {out.pdf}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("pre-render", "post-render"):
        print("usage: python -m scorecard.publish.quarto pre-render|post-render   (run by `quarto render`)",
              file=sys.stderr)
        return EXIT_INVALID
    root = Path.cwd()
    try:
        if args[0] == "pre-render":
            pre_render(root)
        else:
            post_render(root)
    except ScorecardError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
