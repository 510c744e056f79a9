"""What a section notebook calls, so that each of its cells reads like a sentence of the publication.

A notebook opens its page once, with the parameters papermill gives it::

    page = open_page(month, section, district, snapshot)

and then shows the page's parts: ``page.show_heading()``, ``page.show_tables()``,
``page.show_charts()`` (``page.show_overview()`` and ``page.show_reference()`` on those pages).
Which tables a page has, in which order, with which notes, comes from the layout in ``data/``;
no notebook names a table or an indicator. The commentary is the notebook's own Markdown cells.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..engine import snapshot as snapshot_mod
from ..engine.model import Table
from ..errors import EXIT_INVALID, ScorecardError
from ..inputs import params as params_mod
from . import outputs, tables


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder at or above ``start`` that holds ``data/publication.yml``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "publication.yml").is_file():
            return folder
    return here


@dataclass
class Page:
    """One page of an edition: a section (or a district page) and the edition's snapshot."""

    month: str
    section: dict
    district: str
    snap: snapshot_mod.Snapshot

    @property
    def edition(self):
        return self.snap.edition

    @property
    def ds(self):
        return self.snap.dataset

    @property
    def params(self):
        return self.snap.params

    @property
    def kind(self) -> str:
        return self.section["kind"]

    @property
    def name(self) -> str:
        return self.district if self.kind == "district" else self.section["title"]

    def tables(self) -> list[Table]:
        return self.edition.tables_on(self.section["section"], self.district if self.kind == "district" else "")

    # --- words -----------------------------------------------------------------------------------------
    def heading(self) -> str:
        prm, pub = self.params, self.ds.publication
        title = prm.title or pub.title
        produced = prm.produced_by if prm.produced_by is not None else pub.produced_by
        date = f"Published {prm.publication_label}" if prm.publication_date else "Publication date to be confirmed"
        lines = [f"# {self.name} — {prm.month_label}", "", f"{title}. {date}" + (f" by {produced}." if produced
                                                                                else ".")]
        if self.section.get("introduction"):
            lines += ["", self.section["introduction"]]
        return "\n".join(lines)

    def banner(self) -> str:
        quality = set(self.edition.quality)
        if "synthetic" in quality:
            return ("**SYNTHETIC DATA: this edition contains made-up figures for testing. It is not a real "
                    "publication.**")
        if "provisional" in quality or self.params.provisional:
            return "**PROVISIONAL: some figures in this edition are provisional and may be revised.**"
        return ""

    def notes_for_page(self) -> list[str]:
        kind_key = "district" if self.kind == "district" else self.section["section"]
        return [n.text for n in self.params.notes if kind_key in n.sections]

    def notes_for_table(self, table: Table, shown: set[str]) -> list[str]:
        inds = {r.indicator for r in table.rows}
        out = []
        for n in self.params.notes_for(None, [table.block], inds):
            if n.text not in shown:
                shown.add(n.text)
                out.append(n.text)
        return out

    # --- parts of the page -----------------------------------------------------------------------------
    def show_heading(self) -> None:
        outputs.show_words(self.heading(), "title", section=self.section["section"], district=self.district)
        outputs.show_words(self.banner(), "banner")
        if self.kind == "overview":
            return   # the front page's notes are about its tiles: show_overview puts them under the tiles
        for note in self.notes_for_page():
            outputs.show_words(f"**Note:** {note}", "notes")

    def show_tables(self) -> None:
        prm, pub = self.params, self.ds.publication
        shown: set[str] = set()
        for table in self.tables():
            for gt, tid, rows in tables.rag_tables(table, pub, prm.month_label, prm.produced_by):
                frame = tables.plain_frame(table, rows)
                kind = "team" if table.scope == "team" else "rag"
                outputs.show_table(tables.table_html(gt, kind), table.title, frame, f"{tid.removeprefix('tbl-')}.csv",
                                   tid, table.block, rows[0].team if table.scope == "team" else "")
            for note in self.notes_for_table(table, shown):
                outputs.show_words(f"**Note:** {note}", "notes", table=table.id)

    def show_charts(self) -> None:
        from . import charts

        for table in self.tables():
            for spec, description in charts.table_trends(table):
                outputs.show_chart(spec, description, name=table.id)
        if self.kind == "district":
            for table in self.tables():
                if table.scope in ("district", "team"):
                    made = charts.district_comparison(self.edition, table.block, self.district)
                    for spec, description in (made if isinstance(made, list) else [made] if made else []):
                        outputs.show_chart(spec, description, name=f"compare-{table.id}")

    def show_overview(self) -> None:
        from . import overview

        overview.show(self)

    def show_reference(self) -> None:
        from . import reference

        reference.show(self)


def _path(value: str | os.PathLike | None, default: Path) -> Path:
    if not value:
        return default
    p = Path(value)
    return p if p.is_absolute() else (find_root() / p)


def open_page(month: str, section: str, district: str = "", snapshot: str = "", data_dir: str = "",
              params_dir: str = "") -> Page:
    """The page for a section (and district), from the build's snapshot when it is current."""
    root = find_root()
    data = _path(data_dir, root / "data")
    pdir = _path(params_dir, params_mod.default_dir(data))
    snap = None
    if snapshot:
        snap = snapshot_mod.load(Path(snapshot))
        if snap is None:
            raise ScorecardError(f"{snapshot}: the build's snapshot cannot be read; run `scorecard build` again",
                                 EXIT_INVALID)
    else:
        cached = root / "build" / month / snapshot_mod.FILE
        if cached.is_file():
            snap = snapshot_mod.load(cached, snapshot_mod.key_of(data, params_mod.path_of(pdir, month)))
        if snap is None:
            snap = snapshot_mod.make(data, month, pdir)
    sec = snap.dataset.section(section)
    if sec is None:
        known = ", ".join(s["section"] for s in snap.dataset.sections)
        raise ScorecardError(f"section = '{section}' is not a section of layout/sections.csv ({known})", EXIT_INVALID)
    if sec["kind"] == "district" and district not in snap.params.districts:
        raise ScorecardError(f"district = '{district}' is not one of this edition's districts "
                             f"({', '.join(snap.params.districts) or 'none'})", EXIT_INVALID)
    return Page(month=month, section=sec, district=district if sec["kind"] == "district" else "", snap=snap)
