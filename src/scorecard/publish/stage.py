"""From an executed notebook to a page both publishers can lay out, deciding nothing about content.

A staged page is the notebook's parts in order: the analysts' Markdown cells rendered safely
(:mod:`scorecard.content.markdown`), and the outputs the package made (tables, charts, words,
tiles: each carries ``metadata["scorecard"]``). Outputs without that tag (a stray ``print`` or a
display from code someone added) are published as escaped text only, so no HTML from outside the
package reaches a page. Every table's CSV rides along, to be saved beside the page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from ..content import markdown
from ..content.outputs import SPEC_MIME, chart_html, spec_hash
from ..errors import EXIT_BUILD, ScorecardError
from .jobs import Job

HIDDEN_TAGS = {"parameters", "injected-parameters"}


@dataclass
class Block:
    kind: str                  # words (analysts' Markdown), title, banner, notes, text, table, chart, tiles
    html: str                  # what the website shows (escaped or made by this package)
    pandoc: str = ""           # the same as safe Markdown, for Quarto/Pandoc (words, notes, titles)
    plain: str = ""            # text alternative / search text
    meta: dict = field(default_factory=dict)
    spec: dict | None = None   # charts: the Vega-Lite spec
    cell: int = 0              # 1-based cell number in the source notebook


@dataclass
class StagedPage:
    job: Job
    title: str
    blocks: list[Block]
    csv_files: dict[str, str] = field(default_factory=dict)     # file name -> CSV text
    csv_titles: dict[str, str] = field(default_factory=dict)    # file name -> table title

    @property
    def commentary(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "words"]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _heading(md: str) -> tuple[str, str]:
    """(level-1 heading, the rest) of a title output's Markdown."""
    lines = md.strip().splitlines()
    if lines and lines[0].startswith("# "):
        return lines[0][2:].strip(), "\n".join(lines[1:]).strip()
    return "", md


def stage(executed: Path, job: Job) -> StagedPage:
    """Read an executed notebook and order its parts for publishing."""
    from ..content import notebooks as nbm

    try:
        nb = nbm.read_executed(executed)   # written by this package: plain JSON, no schema check needed
    except ScorecardError:
        raise ScorecardError(f"{executed}: cannot read the executed notebook; run `scorecard build` again",
                             EXIT_BUILD) from None
    title = job.title
    blocks: list[Block] = []
    page = StagedPage(job, title, blocks)
    n = 0
    for cell in nb["cells"]:
        tags = set((cell.get("metadata") or {}).get("tags", []))
        if "injected-parameters" not in tags:
            n += 1
        if tags & HIDDEN_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            source = _text(cell.get("source"))
            if source.strip():
                blocks.append(Block("words", markdown.to_html(source), markdown.to_pandoc(source),
                                    markdown.plain(source), {"tags": sorted(tags)}, cell=n))
            continue
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs") or []:
            block = _output(out, page, n)
            if block is not None:
                blocks.append(block)
    return page


def _output(out, page: StagedPage, n: int) -> Block | None:
    kind = out.get("output_type")
    if kind == "stream":
        text = _text(out.get("text"))
        return Block("text", f'<pre class="sc-text">{html.escape(text)}</pre>', markdown.to_pandoc(text), text,
                     cell=n) if text.strip() and out.get("name") == "stdout" else None
    if kind == "error":
        return None
    data = out.get("data") or {}
    meta = (out.get("metadata") or {}).get("scorecard")
    plain = _text(data.get("text/plain"))
    if not meta:   # not made by the package: its text only
        return Block("text", f'<pre class="sc-text">{html.escape(plain)}</pre>', markdown.to_pandoc(plain), plain,
                     cell=n) if plain.strip() else None
    k = meta.get("kind", "")
    body = _text(data.get("text/html"))
    pan = _text(data.get("text/markdown"))
    if k == "title":
        md = plain
        heading, rest = _heading(md)
        if heading:
            page.title = heading
        return Block("title", markdown.to_html(rest), markdown.to_pandoc(rest), rest, meta, cell=n)
    if k == "table":
        csv = meta.get("csv")
        if csv:
            page.csv_files[csv] = _text(data.get("text/csv"))
            page.csv_titles[csv] = meta.get("title") or csv
        return Block("table", body, "", plain, meta, cell=n)
    if k == "chart":
        spec = data.get(SPEC_MIME)
        if not isinstance(spec, dict):
            return None
        description = meta.get("description") or plain
        cid = meta.get("id") or f"chart-{spec_hash(spec)}"
        return Block("chart", chart_html(spec, description, cid), "", description, meta, spec, cell=n)
    return Block(k, body, pan, plain, meta, cell=n)
