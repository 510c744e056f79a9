"""What one edition publishes, shared by both publishing engines (Quarto and the builtin one).

Both engines read the same executed notebooks and pass each through `prepare()`, so a page's
content is decided in one place: the notebook. `prepare()` only rearranges what the notebook
produced: it drops papermill's parameter cells, moves the page heading into the page title
(with the edition month), gives every output its own cell with a stable label (Quarto's
`{{< embed >}}` handles), and writes each table's data as a CSV linked right after the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .listing import slug as slugify
from .params import Params
from .problems import EXIT_BUILD, ScorecardError

SITE_NAME = "CYPE Scorecard"
FULL_TITLE = "Children, Young People and Education Directorate Scorecard"

# Navbar order; the notebook stem is the page slug in both engines.
SECTIONS: list[tuple[str, str]] = [
    ("overview", "Overview"),
    ("send", "SEND"),
    ("social-care", "Social care"),
    ("early-help", "Early help"),
    ("education", "Education"),
]
REFERENCE = ("reference", "Reference")
PARAMETER_TAGS = {"parameters", "injected-parameters"}
DOWNLOAD_KIND = "download"  # marks the cells prepare() adds for CSV links (dropped from the PDF)


@dataclass(frozen=True)
class Page:
    """One published page: an executed notebook and where it appears in the navigation."""

    slug: str       # notebook stem: "social-care", "district-ashford"
    title: str      # "Social care", "Ashford"
    kind: str       # "section", "district" or "reference"
    notebook: Path


@dataclass
class Edition:
    """The executed notebooks of one month, in publication order, with its parameters (params/<month>.yml)."""

    month: str
    notebooks: Path
    pages: list[Page]
    params: Params

    @property
    def label(self) -> str:
        """'January 2026'."""
        return self.params.month_label

    @property
    def districts(self) -> list[Page]:
        return [p for p in self.pages if p.kind == "district"]

    @property
    def publication_date(self) -> str:
        """'23 February 2026', as the edition prints it."""
        return self.params.publication_label

    def page(self, slug: str) -> Page:
        return next(p for p in self.pages if p.slug == slug)


def discover(notebooks: Path, params: Params) -> Edition:
    """The edition's pages from a folder of executed notebooks; every page must be there.

    District pages follow the order of `districts:` in params/<month>.yml (as printed), and are
    named `district-<slug>.ipynb` as `scorecard run` names them.
    """
    month = params.month
    expected = [(s, t, "section") for s, t in SECTIONS]
    expected += [(f"district-{slugify(n)}", n, "district") for n in params.districts]
    expected.append((REFERENCE[0], REFERENCE[1], "reference"))
    missing = [f"{s}.ipynb" for s, _, _ in expected if not (notebooks / f"{s}.ipynb").exists()]
    if missing:
        raise ScorecardError(f"{notebooks}: executed notebooks missing: {', '.join(missing)} "
                             f"(run `scorecard run --month {month}` first)", EXIT_BUILD)
    pages = [Page(s, t, kind, notebooks / f"{s}.ipynb") for s, t, kind in expected]
    return Edition(month=month, notebooks=notebooks, pages=pages, params=params)


# --- preparing a notebook for publication ------------------------------------------------------

@dataclass
class Prepared:
    """A notebook ready for either engine, plus the files its download links point at."""

    nb: nbformat.NotebookNode
    title: str                                         # heading found in the notebook, else the page title
    csv_files: dict[str, str] = field(default_factory=dict)   # relative path -> CSV text
    csv_titles: dict[str, str] = field(default_factory=dict)  # relative path -> the table's title
    labels: list[str] = field(default_factory=list)           # embed labels, in page order


_H1 = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.M)


def _meta(output) -> dict:
    return (output.get("metadata") or {}).get("scorecard") or {}


def _take_heading(cells) -> str | None:
    """Remove the page's first level-1 heading (markdown cell or markdown output) and return it."""
    for cell in cells:
        if cell.cell_type == "markdown":
            m = _H1.search(cell.source)
            if m and not cell.source[: m.start()].strip():
                cell.source = cell.source[m.end():].lstrip("\n")
                return m.group(1).strip()
            if cell.source.strip():
                return None
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                text = (out.get("data") or {}).get("text/markdown")
                if isinstance(text, list):
                    text = "".join(text)
                if not text:
                    if (out.get("data") or {}).get("text/html"):
                        return None
                    continue
                m = _H1.search(text)
                if m and not text[: m.start()].strip():
                    out["data"]["text/markdown"] = text[m.end():].lstrip("\n")
                    return m.group(1).strip()
                return None
    return None


def _label_of(source: str) -> str:
    m = re.search(r"^#\|\s*label\s*:\s*(\S+)", source, re.M)
    return m.group(1) if m else ""


def _label_for(cell_label: str, output, used: set[str]) -> str:
    """A unique label per output: the cell's own `#| label:` (with -2, -3... for its later outputs),
    else one made from the output's kind and block."""
    meta = _meta(output)
    if cell_label:
        base = cell_label
    elif meta.get("kind"):
        base = "sc-" + "-".join(slugify(str(x)) for x in (meta["kind"], meta.get("block")) if x)
    else:
        base = "sc-output"
    label, n = base, 2
    while label in used:
        label, n = f"{base}-{n}", n + 1
    used.add(label)
    return label


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


_DOWNLOAD = re.compile(r'\s*<p class="scorecard-download">.*?</p>', re.S)


def _split_download(output) -> str | None:
    """Take the CSV download link out of a table's HTML (it becomes its own cell, left out of print)."""
    data = output.get("data") or {}
    body = _text(data.get("text/html"))
    m = _DOWNLOAD.search(body)
    if not m:
        return None
    data["text/html"] = body[: m.start()] + body[m.end():]
    return m.group(0).strip()


def _without_label(source: str) -> str:
    """Drop an existing `#| label:` option: prepare() gives each split cell its own label."""
    lines = source.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].startswith("#|"):
        head += 1
    return "".join(ln for ln in lines[:head] if not re.match(r"#\|\s*label\s*:", ln)) + "".join(lines[head:])


def prepare(page: Page) -> Prepared:
    """Read an executed notebook and rearrange it for publishing (see module docstring)."""
    try:
        nb = nbformat.read(page.notebook, as_version=4)
    except Exception as exc:  # noqa: BLE001 - unreadable JSON, wrong schema, missing file: one message
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ScorecardError(f"ERROR: {page.notebook}: cannot read the executed notebook ({first}); "
                             f"run `scorecard run` again", EXIT_BUILD) from None
    cells = [c for c in nb.cells if not (set(c.get("metadata", {}).get("tags", [])) & PARAMETER_TAGS)]
    heading = _take_heading(cells)
    prepared = Prepared(nb=nb, title=heading or page.title)
    used: set[str] = set()
    out_cells = []
    for cell in cells:
        if cell.cell_type != "code":
            if cell.cell_type == "markdown" and not cell.source.strip():
                continue
            out_cells.append(cell)
            continue
        cell_label = _label_of(cell.source)
        outputs = [o for o in cell.get("outputs", [])
                   if o.get("output_type") != "stream" or o.get("name") == "stdout"]
        for output in outputs:
            label = _label_for(cell_label, output, used)
            prepared.labels.append(label)
            new = nbformat.v4.new_code_cell(f"#| label: {label}\n" + _without_label(cell.source),
                                            execution_count=cell.execution_count)
            new.metadata = {k: v for k, v in cell.metadata.items() if k not in ("tags", "papermill", "execution")}
            new.outputs = [output]
            out_cells.append(new)
            meta = _meta(output)
            if meta.get("kind") != "table":
                continue
            csv_name, csv_text = meta.get("csv"), _text((output.get("data") or {}).get("text/csv"))
            if csv_name and csv_text:
                prepared.csv_files[str(csv_name)] = csv_text
                prepared.csv_titles[str(csv_name)] = meta.get("title") or Path(str(csv_name)).stem
            link = _split_download(output)
            if link:
                link_cell = nbformat.v4.new_markdown_cell(link)
                link_cell.metadata["scorecard"] = {"kind": DOWNLOAD_KIND}
                out_cells.append(link_cell)
    nb.cells = out_cells
    nb.metadata.pop("papermill", None)
    for i, cell in enumerate(nb.cells):  # stable ids: builds are reproducible
        cell["id"] = f"{page.slug}-{i}"[:64]
    return prepared


def page_title(title: str, edition: Edition) -> str:
    """Every page title carries the edition month, e.g. 'Children's social care - January 2026'."""
    return title if edition.label in title else f"{title} \u2013 {edition.label}"


def chapter_title(prepared: Prepared, page: Page, edition: Edition) -> str:
    """A page's heading inside the one-document PDF: without the month (the cover has it)."""
    if page.kind == "district":
        return f"District: {page.title}"
    title = re.sub(rf"\s*[\u2013\u2014-]\s*{re.escape(edition.label)}\s*$", "", prepared.title)
    return title or page.title


def print_skips(cell) -> bool:
    """Cells the PDF leaves out: download links, and the page's byline (the cover carries it)."""
    if (cell.get("metadata", {}).get("scorecard") or {}).get("kind") == DOWNLOAD_KIND:
        return True
    outputs = cell.get("outputs") or []
    return bool(outputs) and all(_meta(o).get("kind") == "title" for o in outputs)


def navigation(edition: Edition) -> list[dict]:
    """The navbar both engines show: sections, a Districts menu of every district, Reference."""
    items: list[dict] = [{"text": p.title, "slug": p.slug} for p in edition.pages if p.kind == "section"]
    items.append({"text": "Districts", "menu": [{"text": p.title, "slug": p.slug} for p in edition.districts]})
    items += [{"text": p.title, "slug": p.slug} for p in edition.pages if p.kind == "reference"]
    return items
