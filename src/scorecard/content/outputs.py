"""Notebook outputs: each table, chart and piece of wording as one display output, tagged for publishers.

Every output carries ``metadata["scorecard"]`` (its kind, the table or chart id, the CSV file
name) so that both publishers find tables, charts and words without reading HTML. Charts are a
container plus their Vega-Lite spec as JSON data (``<script type="application/json">``, never
executed) and the text alternative; the site's one chart script draws them from the local Vega
bundle. Words are Markdown rendered safely (:mod:`.markdown`) as HTML, with an escaped Markdown
copy for Pandoc. A table's CSV is made by :mod:`.downloads` (text that would run as a formula is
neutralised), like every other download.
"""

from __future__ import annotations

import hashlib
import html
import json

import pandas as pd

from . import markdown

SPEC_MIME = "application/vnd.vegalite.v5+json"


def _display(data: dict, meta: dict) -> None:
    from IPython.display import display

    display({k: v for k, v in data.items() if v is not None}, raw=True, metadata={"scorecard": meta})


def script_json(obj) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    return (json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def spec_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def chart_html(spec: dict, description: str, cid: str) -> str:
    desc = html.escape(description)
    return (f'<figure class="sc-chart" id="{cid}">'
            f'<div class="sc-vega" id="{cid}-vega" role="img" aria-labelledby="{cid}-desc"></div>'
            f'<script type="application/json" class="sc-spec" data-for="{cid}-vega">{script_json(spec)}</script>'
            f'<figcaption id="{cid}-desc" class="sc-chart-description">{desc}</figcaption></figure>')


def show_chart(spec: dict, description: str, name: str = "") -> None:
    """One chart: its Vega-Lite spec (JupyterLab draws it) and its text alternative. The publishers make
    the page's container from the spec (:func:`chart_html`), so the spec is stored once."""
    h = spec_hash(spec)
    cid = f"chart-{h}"
    _display({SPEC_MIME: spec, "text/plain": description},
             {"kind": "chart", "id": cid, "name": name, "spec_hash": h, "description": description})


def table_csv(frame: pd.DataFrame) -> str:
    """The CSV beside a table: its text cells neutralised so that a spreadsheet never runs one as a formula."""
    from .downloads import csv_text

    columns = [str(c) for c in frame.columns]
    values = frame.astype(object).where(frame.notna(), None)
    return csv_text(columns, [dict(zip(columns, row)) for row in values.itertuples(index=False, name=None)])


def show_table(html_body: str, title: str, frame: pd.DataFrame, csv_name: str, table_id: str, block: str = "",
               team: str = "") -> None:
    """One table: its HTML with a CSV download link, and the CSV itself (publishers save it as ``csv_name``)."""
    link = (f'<p class="sc-download"><a href="{html.escape(csv_name)}" download>'
            f'Download this table as CSV</a></p>') if csv_name else ""
    body = f'<div class="sc-table" data-table="{html.escape(table_id)}">{html_body}{link}</div>'
    plain = f"{title}\n{frame.to_string(index=False)}"
    _display({"text/html": body, "text/csv": table_csv(frame), "text/plain": plain},
             {"kind": "table", "id": table_id, "block": block, "team": team, "csv": csv_name, "title": title})


def show_words(text: str, kind: str = "text", **meta) -> None:
    """Markdown from data or parameters: safe HTML, and escaped Markdown for Pandoc."""
    if not text or not text.strip():
        return
    _display({"text/html": markdown.to_html(text), "text/markdown": markdown.to_pandoc(text), "text/plain": text},
             {"kind": kind, **meta})


def show_html(body: str, plain: str, kind: str, **meta) -> None:
    """HTML this package made (every value in it escaped), e.g. the front page's tiles."""
    _display({"text/html": body, "text/plain": plain, "text/markdown": markdown.to_pandoc(plain)},
             {"kind": kind, **meta})
