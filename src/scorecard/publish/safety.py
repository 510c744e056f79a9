"""The offline promise, checked: no page, style sheet or script of the site refers to the network.

Every URL form a browser would follow is looked for in the site's HTML, CSS, SVG and scripts'
markup: ``src``/``href``/``srcset``/``action``/``poster``/``data``/``formaction`` attributes, CSS
``url()`` and ``@import``, ``<meta http-equiv=refresh>``, scheme-relative ``//host``, schemes
without slashes (``https:host``), Windows shares (``\\\\host\\share``), ``file:`` URLs, and script
calls that fetch (``fetch(``, ``XMLHttpRequest``, ``WebSocket``, ``EventSource``, ``import(``)
outside the site's own, known scripts. Links to ``mailto:`` are allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

ATTR = re.compile(r"""\b(?:src|href|srcset|action|formaction|poster|data|xlink:href|background|ping|manifest|"""
                  r"""longdesc|cite|codebase|archive|icon)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh""", re.I)
SCRIPT_FETCH = re.compile(r"\b(?:fetch\s*\(|XMLHttpRequest|WebSocket|EventSource|navigator\.sendBeacon|import\s*\()")
OWN_SCRIPTS = {"vega-bundle.js", "charts.js", "search.js", "site.js"}


def off_site(url: str) -> bool:
    """Whether a URL would be loaded from anywhere but the site's own folder."""
    u = url.strip().strip("'\"").replace("\\", "/")
    if not u or u.startswith("#") or u.lower().startswith("data:") or u.lower().startswith("mailto:"):
        return False
    if u.startswith("//"):
        return True
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", u)
    return bool(m)   # any scheme (http:, https:, file:, javascript:, ftp:, ...) leaves the site


def _urls(text: str) -> list[str]:
    found = []
    for m in ATTR.finditer(text):
        value = next(g for g in m.groups() if g is not None)
        found += [v.strip().split(" ")[0] for v in value.split(",")] if "srcset" in m.group(0).lower() else [value]
    for m in CSS_URL.finditer(text):
        found.append(next((g for g in m.groups() if g is not None), ""))
    return found


def check_site(root: Path) -> list[str]:
    """Every reference in the site that points off the site (empty list: the site is offline)."""
    bad = []
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".html", ".htm", ".css", ".svg", ".js", ".xml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(root)
        if path.suffix.lower() == ".js":
            if path.name not in OWN_SCRIPTS and SCRIPT_FETCH.search(text):
                bad.append(f"{rel}: a script that fetches from the network")
            continue
        for url in _urls(text):
            if off_site(url):
                bad.append(f"{rel}: {url[:120]}")
        if REFRESH.search(text):
            bad.append(f"{rel}: a meta refresh")
        for m in re.finditer(r"<script(?![^>]*\btype\s*=\s*[\"']?application/json)([^>]*)>(.*?)</script>", text,
                             re.S | re.I):
            if m.group(2).strip():
                bad.append(f"{rel}: an inline script")
    return bad
