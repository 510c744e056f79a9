"""Notebook outputs for tables and charts that work offline, in print and for screen readers.

Each call emits ONE output (``display(bundle, raw=True)``) carrying several
representations, so each publisher picks what it needs without re-running code:

- tables: ``text/html`` (great-tables, row headers added), ``text/csv`` (the
  displayed cells, for the download link next to the table) and ``text/plain``;
- charts: ``text/html`` (a figure with the Vega-Lite spec, a loader for the
  site's own copy of Vega, and the description as a visible caption),
  ``image/svg+xml`` from vl-convert (the static image both PDFs print; a PNG
  only on request, as it costs more time than the rest of the chart), and
  ``text/plain`` = the description.

The HTML never points outside the site: the loader reads the site root from
``<meta name="scorecard-site-root">`` (or Quarto's ``quarto:offset``) and loads
``site_libs/vega/vega-bundle.js`` once per page. Output metadata
``{"scorecard": {"kind": ..., ...}}`` lets publishers and tests find outputs.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc
from great_tables import GT
from IPython.display import display

from . import tables
from .charts import VL_VERSION

BUNDLE_PATH = "site_libs/vega/vega-bundle.js"
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}  # the actions menu links to the online editor
_seen: Counter[str] = Counter()


def _safe_json(obj) -> str:
    """JSON that cannot close the surrounding ``<script>``."""
    return (json.dumps(obj, separators=(",", ":"), sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _chart_id(spec: dict, description: str) -> str:
    """Stable per content, unique per page: the same chart shown twice gets -2."""
    digest = hashlib.sha1((_safe_json(spec) + description).encode()).hexdigest()[:10]
    _seen[digest] += 1
    n = _seen[digest]
    return f"chart-{digest}" + (f"-{n}" if n > 1 else "")


LOADER = """(function () {
  var el = document.getElementById(%(vid)s);
  var spec = %(spec)s;
  function siteRoot() {
    var m = document.querySelector('meta[name="scorecard-site-root"]') ||
            document.querySelector('meta[name="quarto:offset"]');
    var root = m ? (m.getAttribute("content") || "") : "";
    if (!root) return "./";
    return root.charAt(root.length - 1) === "/" ? root : root + "/";
  }
  var ready = window.__scorecardVega || (window.__scorecardVega = new Promise(function (resolve, reject) {
    if (window.vegaEmbed) return resolve();
    var s = document.querySelector("script[data-scorecard-vega]");
    if (!s) {
      s = document.createElement("script");
      s.src = siteRoot() + %(bundle)s;
      s.setAttribute("data-scorecard-vega", "");
      document.head.appendChild(s);
    }
    s.addEventListener("load", function () { resolve(); });
    s.addEventListener("error", function () { reject(new Error("cannot load " + s.src)); });
  }));
  ready.then(function () { return window.vegaEmbed(el, spec, %(options)s); })
    .catch(function (err) {
      el.setAttribute("data-error", String(err));
      el.textContent = "The interactive chart could not be shown; its description follows.";
      if (window.console) console.error(err);
    });
})();"""


def chart_html(spec: dict, description: str, chart_id: str | None = None) -> str:
    """A figure: the chart's container, the description as its caption, and the loader script."""
    cid = chart_id or _chart_id(spec, description)
    desc = html.escape(description)
    script = LOADER % {"vid": json.dumps(cid + "-vega"), "spec": _safe_json(spec),
                       "bundle": json.dumps(BUNDLE_PATH), "options": _safe_json(EMBED_OPTIONS)}
    return (f'<figure class="scorecard-chart" id="{cid}">\n'
            f'<div id="{cid}-vega" class="vega-chart" role="img" aria-labelledby="{cid}-desc"></div>\n'
            f'<figcaption id="{cid}-desc" class="scorecard-chart-description">{desc}</figcaption>\n'
            f"</figure>\n<script>\n{script}\n</script>")


def chart_bundle(chart: alt.TopLevelMixin | dict, description: str, *, block: str | None = None,
                 name: str | None = None, png: bool = False) -> tuple[dict, dict]:
    """(data, metadata) for one chart output."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    cid = _chart_id(spec, description)
    data = {"text/html": chart_html(spec, description, cid),
            "image/svg+xml": vlc.vegalite_to_svg(spec, vl_version=VL_VERSION),
            "text/plain": description}
    if png:
        data["image/png"] = vlc.vegalite_to_png(spec, vl_version=VL_VERSION, scale=2)
    meta = {"scorecard": {"kind": "chart", "block": block, "name": name, "id": cid, "description": description},
            "image/svg+xml": {"alt": description}}
    if png:
        meta["image/png"] = {"alt": description}
    return data, meta


def show_chart(chart: alt.TopLevelMixin | dict, description: str, *, block: str | None = None,
               name: str | None = None) -> None:
    """Display a chart as one output: interactive HTML (offline), SVG and its text alternative."""
    data, meta = chart_bundle(chart, description, block=block, name=name)
    display(data, raw=True, metadata=meta)


def table_bundle(gt: GT, csv_name: str | None = None, *, frame: pd.DataFrame | None = None) -> tuple[dict, dict]:
    """(data, metadata) for one table output; ``frame`` defaults to the cells ``rag_table`` recorded."""
    tid = gt._options.table_id.value
    info = tables.table_info(tid) or {}
    frame = frame if frame is not None else info.get("frame")
    body = tables.table_html(gt)
    title = info.get("title") or str(gt._heading.title or "")  # listing tables are not registered in `tables`
    if csv_name:
        body += (f'\n<p class="scorecard-download"><a href="{html.escape(csv_name)}" download>'
                 f"Download this table as CSV</a></p>")
    data = {"text/html": f'<div class="scorecard-table">\n{body}\n</div>'}
    if frame is not None:
        data["text/csv"] = frame.to_csv(index=False)
        data["text/plain"] = f"{title}\n{info.get('subtitle', '')}\n{frame.to_string(index=False)}".strip()
    else:
        data["text/plain"] = title or "Table"
    meta = {"scorecard": {"kind": "table", "block": info.get("block"), "district": info.get("district"),
                          "id": tid, "csv": csv_name, "title": title}}
    return data, meta


def show_table(gt: GT, csv_name: str | None = None, *, frame: pd.DataFrame | None = None) -> None:
    """Display a table as one output; with ``csv_name``, a download link and the CSV text ride along.

    The notebook writes no files: publishers save the output's ``text/csv`` as
    ``csv_name`` next to the page the link is on.
    """
    data, meta = table_bundle(gt, csv_name, frame=frame)
    display(data, raw=True, metadata=meta)


def write_vega_bundle(dest_dir: Path) -> Path:
    """Write Vega, Vega-Lite and vega-embed (vl-convert's bundle) to ``dest_dir/site_libs/vega/``.

    Wrapped so that a second copy on a page is harmless: the bundle declares
    top-level constants, which would otherwise throw on a second load.
    """
    path = Path(dest_dir) / BUNDLE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    js = vlc.javascript_bundle(vl_version=VL_VERSION)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(f"if (!window.vegaEmbed) (function () {{\n{js}\n}})();\n", encoding="utf-8")
    tmp.replace(path)
    return path
