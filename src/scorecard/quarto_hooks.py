"""Quarto's pre-render and post-render steps for the scorecard website (see `_quarto.yml`).

    python -m scorecard.quarto_hooks pre-render    # run by `quarto render` before rendering
    python -m scorecard.quarto_hooks post-render   # run by `quarto render` afterwards

**pre-render** picks the month (``$SCORECARD_MONTH``, else the newest ``params/<month>.yml``),
executes the notebooks that are out of date (the same papermill stage as ``scorecard build``),
and stages the edition for Quarto in ``editions/<month>/``: each executed notebook passed
through `site.prepare` (the same preparation the builtin engine uses) with a front-matter raw
cell giving its title, its tables' CSV files, the Excel workbook, an edition contents page and
``scorecard-<month>.qmd``, the whole edition as one Typst PDF that embeds the notebooks'
labelled outputs. It also writes ``_edition.yml`` (the navbar, read through ``metadata-files``)
and ``_editions.md`` (the editions list included by ``index.qmd``). Earlier months stay in
``editions/``, so every edition is rendered again and remains on the site.

**post-render** removes the require.js/jQuery ``<script>`` tags Quarto adds from a CDN to pages
with HTML outputs (nothing here needs them), copies the Vega bundle the charts load into
``site_libs/vega/``, and fails if any page still points at the network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

from . import site

EDITIONS = Path("editions")
NAVBAR_FILE = Path("_edition.yml")
EDITIONS_LIST = Path("_editions.md")


def current_month(params_dir: Path = Path("params")) -> str:
    """$SCORECARD_MONTH, else the newest month with a parameter file."""
    month = os.environ.get("SCORECARD_MONTH", "").strip()
    if month:
        return month
    months = sorted(p.stem for p in Path(params_dir).glob("*.yml") if re.fullmatch(r"\d{4}-\d{2}", p.stem))
    if not months:
        raise SystemExit(f"pre-render: no params/<month>.yml in {params_dir} and SCORECARD_MONTH is not set")
    return months[-1]


def _front_matter(title: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_raw_cell("---\n" + yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=False)
                                    + "---")
    cell["id"] = "front-matter"
    return cell


def report_chapters(edition: site.Edition, prepared: dict[str, site.Prepared]) -> list[dict]:
    """What scorecard-<month>.qmd embeds: each page's labelled outputs and markdown, in page order."""
    chapters = []
    for page in edition.pages:
        prep = prepared[page.slug]
        parts = []
        for cell in prep.nb.cells:
            if site.print_skips(cell):
                continue
            if cell.cell_type == "code":
                label = re.search(r"^#\|\s*label:\s*(\S+)", cell.source, re.M)
                if label:
                    parts.append({"embed": label.group(1), "markdown": ""})
            elif cell.cell_type == "markdown":
                parts.append({"embed": "", "markdown": cell.source})
        title = site.chapter_title(prep, page, edition)
        chapters.append({"title": title, "notebook": f"{page.slug}.ipynb", "parts": parts})
    return chapters


def stage(edition: site.Edition, editions_dir: Path, frame=None) -> Path:
    """Write editions/<month>/ for Quarto (built beside it, then renamed into place)."""
    from .site_builtin import templates

    final = editions_dir / edition.month
    tmp = editions_dir / f".{edition.month}.staging-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        prepared = {p.slug: site.prepare(p) for p in edition.pages}
        for page in edition.pages:
            prep = prepared[page.slug]
            nb = prep.nb
            nb.cells.insert(0, _front_matter(site.page_title(prep.title, edition)))
            nbformat.write(nb, tmp / f"{page.slug}.ipynb")
            nb.cells.pop(0)
            for name, text in prep.csv_files.items():
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp / name).write_text(text, encoding="utf-8")
        common = {"month": edition.month, "label": edition.label, "publication_date": edition.publication_date,
                  "full_title": site.FULL_TITLE}
        env = templates()
        (tmp / f"scorecard-{edition.month}.qmd").write_text(env.get_template("quarto-report.qmd.j2").render(
            chapters=report_chapters(edition, prepared), **common), encoding="utf-8")
        (tmp / "index.qmd").write_text(env.get_template("quarto-edition.qmd.j2").render(
            sections=[p for p in edition.pages if p.kind != "district"], districts=edition.districts, **common),
            encoding="utf-8")
        if frame is not None:
            from . import export

            export.write(frame(), tmp / f"scorecard-{edition.month}.xlsx", "xlsx")
        (tmp / "edition.json").write_text(json.dumps({"month": edition.month, "label": edition.label,
                                                      "publication_date": edition.publication_date}, indent=1),
                                          encoding="utf-8")
        old = editions_dir / f".{edition.month}.old-{os.getpid()}"
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def navbar(edition: site.Edition, editions_dir: Path = EDITIONS) -> dict:
    """The navbar (same structure as the builtin engine's) pointing at the month's staged notebooks."""
    base = f"{editions_dir.as_posix()}/{edition.month}"

    def item(entry: dict) -> dict:
        if "menu" in entry:
            return {"text": entry["text"], "menu": [item(m) for m in entry["menu"]]}
        return {"text": entry["text"], "href": f"{base}/{entry['slug']}.ipynb"}

    return {"website": {
        "title": f"{site.SITE_NAME} \u2013 {edition.label}",
        "navbar": {"left": [item(e) for e in site.navigation(edition)],
                   "right": [{"text": "Downloads", "href": f"{base}/index.qmd"},
                             {"text": "All editions", "href": "index.qmd"}]},
    }}


def editions_markdown(editions_dir: Path = EDITIONS, link: str = "editions") -> str:
    """The editions list for index.qmd, newest first (links relative to the project root)."""
    lines = []
    for f in sorted(editions_dir.glob("*/edition.json"), reverse=True):
        info = json.loads(f.read_text(encoding="utf-8"))
        m = info["month"]
        published = f" Published {info['publication_date']}." if info.get("publication_date") else ""
        lines.append(f"- **[{info['label']}]({link}/{m}/index.qmd)**.{published} "
                     f"[Overview]({link}/{m}/overview.ipynb) \u00b7 [PDF]({link}/{m}/scorecard-{m}.pdf) \u00b7 "
                     f"[Excel workbook]({link}/{m}/scorecard-{m}.xlsx)")
    return "\n".join(lines) + "\n"


def pre_render(project: Path = Path(".")) -> Path:
    from . import params as params_mod
    from . import publish

    project = Path(project)
    data = Path(os.environ.get("SCORECARD_DATA") or project / "data")
    build_dir = Path(os.environ.get("SCORECARD_BUILD") or project / "build")
    params_dir = project / "params"
    month = current_month(params_dir)
    folder, ran = publish.ensure_executed(month, data, build_dir, params_dir=params_dir)
    print(f"pre-render: {month}: executed {len(ran)} notebook(s); staging {EDITIONS / month}", file=sys.stderr)
    edition = site.discover(folder, params_mod.load(params_mod.path_of(params_dir, month), month))
    staged = stage(edition, project / EDITIONS, publish.EditionFrame(data.resolve(), month))
    (project / NAVBAR_FILE).write_text("# Generated by the pre-render step; do not edit.\n"
                                       + yaml.safe_dump(navbar(edition), allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    (project / EDITIONS_LIST).write_text(editions_markdown(project / EDITIONS), encoding="utf-8")
    return staged


CDN_TAG = re.compile(r"""<(script|link)\b[^>]*\b(?:src|href)\s*=\s*["'](?:https?:)?//[^"']*["'][^>]*>"""
                     r"""(?:\s*</script>)?""", re.I)


def strip_cdn(html_text: str) -> str:
    """Remove <script src> and <link href> tags that load from another host (Quarto's require.js/jQuery)."""
    return CDN_TAG.sub("", html_text)


def post_render(output_dir: Path | None = None) -> int:
    from .display import write_vega_bundle
    from .publish import external_references

    out = Path(output_dir or os.environ.get("QUARTO_PROJECT_OUTPUT_DIR") or "_site")
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        cleaned = strip_cdn(text)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")
    write_vega_bundle(out)
    bad = external_references(out)
    for line in bad:
        print(f"post-render: loads from the network: {line}", file=sys.stderr)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    from .problems import ScorecardError

    args = sys.argv[1:] if argv is None else argv
    try:
        if args[:1] == ["pre-render"]:
            pre_render()
            return 0
        if args[:1] == ["post-render"]:
            return post_render()
    except ScorecardError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.code
    print("usage: python -m scorecard.quarto_hooks pre-render|post-render", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
