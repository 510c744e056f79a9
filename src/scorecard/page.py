"""What a section notebook needs, so that each of its cells reads like a sentence of the publication.

A notebook opens its page once::

    page = Page.open(month, district, data_dir, commentary_dir)

which validates the data (errors stop the notebook with one-line messages),
builds the edition with the engine, reads the edition's parameters and knows
where its commentary lives. Cells then ask for the rows of a section
(``page.rows("social-care", "ics-monthly")``), the title, the notes and the
commentary. Nothing here rates or formats a figure: tables and charts come
from ``tables`` and ``charts``, ratings from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import commentary as commentary_mod
from . import edition as edition_mod
from . import params as params_mod
from .dataset import Dataset
from .problems import EXIT_INVALID, Report, ScorecardError

SECTION_TITLES = commentary_mod.SECTION_TITLES
KENT = "Kent"


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder at or above ``start`` holding ``data/indicators.csv``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "indicators.csv").exists():
            return folder
    return here


def resolve(path: str | Path | None, default: str) -> Path:
    """Absolute paths are kept; relative ones are taken from the repository root (a notebook's
    working folder is usually ``notebooks/``, one below it)."""
    p = Path(path or default)
    if p.is_absolute():
        return p
    if p.exists():
        return p.resolve()
    return find_root() / p


@dataclass
class Page:
    """One section notebook's view of an edition."""

    month: str
    district: str
    ds: Dataset
    edition: pd.DataFrame
    params: params_mod.Params
    report: Report
    data_dir: Path
    commentary_dir: Path
    section: str = ""

    @property
    def slug(self) -> str:
        """The page's file stem, as ``scorecard run`` names it: ``social-care``, ``district-ashford``."""
        from .listing import slug

        return f"district-{slug(self.district)}" if self.section == "district" else (self.section or "page")

    @classmethod
    def open(cls, month: str, district: str = KENT, data_dir: str | Path | None = None,
             commentary_dir: str | Path | None = None, params_dir: str | Path | None = None,
             section: str | None = None) -> Page:
        """Validate the data, build the edition and read its parameters; raise one-line errors."""
        from .validation import validate

        data = resolve(data_dir, "data")
        ds, report = validate(data)
        if ds is None or not report.ok:
            raise ScorecardError([p.line() for p in sorted(report.errors)], EXIT_INVALID)
        pdir = resolve(params_dir, "params") if params_dir else params_mod.default_dir(data)
        prm = params_mod.load(params_mod.path_of(pdir, month), month, ds)
        if section == "district" and district not in prm.districts:
            raise ScorecardError(f"district notebook: district = '{district}' is not one of the edition's districts "
                                 f"({', '.join(prm.districts)}) in {prm.path}", EXIT_INVALID)
        if section != "district" and district != KENT and district not in prm.districts:
            raise ScorecardError(f"district = '{district}' is not Kent or a district in {prm.path}", EXIT_INVALID)
        cdir = resolve(commentary_dir, "commentary") if commentary_dir else commentary_mod.default_root(data)
        frame = edition_mod.build(ds, month)
        return cls(month=month, district=district, ds=ds, edition=frame, params=prm, report=report,
                   data_dir=data, commentary_dir=cdir, section=section or "")

    # --- what a section shows -----------------------------------------------------------------------

    def blocks(self, section: str) -> list[str]:
        """Kent-page blocks with at least one row of the section, in the edition's order."""
        rows = self.edition[(self.edition["page"] != "district") & (self.edition["section"] == section)]
        return list(dict.fromkeys(rows.sort_values("seq")["block"]))

    def edition_for(self, section: str) -> pd.DataFrame:
        """The edition without other sections' rows on the Kent pages.

        ``rag_table(page.edition_for("early-help"), "ics-monthly")`` then prints
        the early help rows of the monthly ICS table only; district pages are
        kept whole (they are printed per district, not per section).
        """
        e = self.edition
        keep = (e["page"] == "district") | (e["section"] == section)
        return e[keep]

    def district_blocks(self) -> list[str]:
        """The blocks printed on every district page, in the edition's order."""
        e = self.edition[self.edition["district_page"] == self.district]
        return list(dict.fromkeys(e.sort_values("seq")["block"]))

    # --- words around the tables ---------------------------------------------------------------------

    def title(self, section: str) -> str:
        """The page heading as markdown: '# Children's social care — January 2026' and who published it."""
        name = self.district if section == "district" else SECTION_TITLES.get(section, section)
        lines = [f"# {name} — {self.params.month_label}", "",
                 f"{self.params.title}. Published {self.params.publication_label}"
                 + (f" by {self.params.produced_by}." if self.params.produced_by else ".")]
        return "\n".join(lines)

    def notes(self, section: str | None = None, blocks: list[str] | tuple[str, ...] = ()) -> str:
        """The edition's notes about a section, or about some tables, as markdown ('' when there are none).

        A note about an indicator is shown with every table that prints it.
        """
        inds = self.edition[self.edition["block"].isin(blocks)]["indicator"].unique().tolist() if blocks else []
        notes = self.params.notes_for(section, blocks, inds)
        return "\n\n".join(f"**Note:** {n.text}" for n in notes)

    def guidance(self) -> str:
        """The guidance page's notes and whom to contact, as markdown."""
        prm = self.params
        parts = [f"**Note:** {n.text}" for n in prm.guidance_notes()]
        if prm.contacts:
            parts.append("**Management information contacts:**\n\n" + "\n".join(f"- {c}" for c in prm.contacts))
        return "\n\n".join(parts)

    def commentary(self, section: str) -> commentary_mod.Commentary:
        return commentary_mod.load(self.month, section, self.commentary_dir)

    def drafts(self, section: str) -> list[str]:
        return commentary_mod.drafts(self.edition, section, self.ds.indicators)


def show_markdown(text: str, kind: str = "text", **meta) -> None:
    """Display markdown as a notebook output, tagged so tests and publishers can find it."""
    from IPython.display import Markdown, display

    if text:
        display(Markdown(text), metadata={"scorecard": {"kind": kind, **meta}})


def show_listing(gt, csv_name: str | None = None) -> None:
    """A plain table (definitions, QA log, overview facts) with its CSV (default: ``<table id>.csv``)."""
    from .display import show_table
    from .listing import frame_of

    show_table(gt, csv_name or f"{gt._options.table_id.value}.csv", frame=frame_of(gt))


def show_title(page: Page, section: str) -> None:
    show_markdown(page.title(section), "title", section=section, month=page.month)


def show_notes(page: Page, section: str | None = None, blocks: list[str] | tuple[str, ...] = ()) -> None:
    show_markdown(page.notes(section, blocks), "notes", section=section or "", blocks=list(blocks))


def show_guidance(page: Page) -> None:
    show_markdown(page.guidance(), "notes", section="reference")


def show_commentary(page: Page, section: str, level: int = 3) -> None:
    """The section's commentary, one output per group: introduction, RED, AMBER, GREEN."""
    c = page.commentary(section)
    for group, md in commentary_mod.render_groups(c, level):
        show_markdown(md, "commentary", section=section, group=group)
