"""The reference page: how to read the tables, what each indicator means and where it comes from.

Everything here is data: the glossary (``reference/glossary.csv``: polarity, ratings, arrows,
data periods, abbreviations), the catalogue's definitions and sources (``indicators.csv``), and
the edition's guidance notes and contacts (``params/<month>.yml``). The quality-assurance log
(inferred floors, the source's known inconsistencies, the data checks) is the site's QA page,
kept out of the committee paper.
"""

from __future__ import annotations

import pandas as pd

from . import outputs, tables


def glossary(page) -> list[tuple[str, pd.DataFrame]]:
    rows = page.ds.records("reference/glossary.csv")
    groups: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: int(r["order"])):
        groups.setdefault(r["group"], []).append(r)
    return [(g, pd.DataFrame([{"Term": r["term"], "Meaning": r["meaning"]} for r in items]))
            for g, items in groups.items()]


def definitions(page) -> pd.DataFrame:
    shown = {r.indicator for r in page.edition.rows}
    tiles = {r["indicator"] for r in page.ds.records("layout/tiles.csv")}
    out = []
    for ind in page.ds.indicators.values():
        if ind["indicator"] not in shown | tiles:
            continue
        out.append({"Code": ind["code"], "Indicator": ind["title"], "Definition": ind["definition"] or "Not given.",
                    "Source": ind["source"], "Latest data": ind["latest_data"], "Released": ind["released"]})
    return pd.DataFrame(out, columns=["Code", "Indicator", "Definition", "Source", "Latest data", "Released"])


def show(page) -> None:
    prm = page.params
    for n in prm.notes:
        if n.guidance:
            outputs.show_words(f"**Note:** {n.text}", "notes")
    if prm.contacts:
        lines = "\n".join(f"- {c}" for c in prm.contacts)
        outputs.show_words(f"**{page.ds.publication.contact_heading}:**\n\n{lines}", "notes")
    for group, frame in glossary(page):
        tid = "tbl-glossary-" + tables._ident(group)
        gt = tables.listing(frame, group, tid)
        outputs.show_table(tables.table_html(gt), group, frame, "", tid)
    frame = definitions(page)
    if len(frame):
        title = "Indicator definitions and data sources"
        gt = tables.listing(frame, title, "tbl-definitions")
        outputs.show_table(tables.table_html(gt), title, frame, "definitions.csv", "tbl-definitions")
