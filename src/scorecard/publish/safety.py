"""The offline promise, checked: no page, style sheet or script of the site refers to the network.

Pages and SVG files are read as markup (an HTML parser, as a browser reads them), so what is
checked is what a browser would follow, and words on a page that merely *mention* an address
(escaped commentary such as ``&lt;img src=...&gt;`` or ``url(https://...)``) are text, not findings.
Every URL-bearing attribute (``src``, ``href``, ``srcset``, ``action``, ``formaction``, ``poster``,
``data``, ``xlink:href``, ``background``, ``ping``, ...), CSS ``url()`` and ``@import`` (in style
sheets, ``<style>`` elements and ``style`` attributes) must stay inside the site's folder: no
scheme (``https:``, ``https:host``, ``file:``, ``javascript:``), no scheme-relative ``//host``, no
Windows share (``\\\\host\\share``), no absolute path and no ``../`` that climbs out of the site.
``<meta http-equiv=refresh>``, ``<base>``, frames and embedded objects, event-handler attributes
(``onerror=``) and inline scripts are findings too (``<script type="application/json">`` is data).
A script file that calls the network (``fetch(``, ``XMLHttpRequest``, ``WebSocket``,
``EventSource``, ``import(``) outside the site's own, known scripts is a finding; a script file that
is only data (``window.NAME = <JSON>;``, like the search index) is not. ``mailto:`` links are allowed.
"""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

URL_ATTRS = {"src", "href", "srcset", "imagesrcset", "action", "formaction", "poster", "data", "xlink:href",
             "background", "ping", "manifest", "longdesc", "cite", "codebase", "archive", "icon", "lowsrc",
             "dynsrc", "usemap", "profile"}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
SCRIPT_FETCH = re.compile(r"\b(?:fetch\s*\(|XMLHttpRequest|WebSocket|EventSource|navigator\.sendBeacon|import\s*\()")
OWN_SCRIPTS = {"vega-bundle.js", "charts.js", "search.js", "site.js"}
DATA_SCRIPT = re.compile(r"^\s*window\.[A-Za-z_$][\w$]*\s*=\s*(?P<json>.*?);?\s*$", re.S)
EMBEDS = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base"}
DATA_TYPES = {"application/json", "application/ld+json"}
DATA_URL_OK = {("img", "src"), ("link", "href"), ("source", "srcset"), ("img", "srcset")}


def off_site(url: str) -> bool:
    """Whether a URL would be loaded from anywhere but the site's own folder (scheme, //host, share)."""
    u = url.strip().strip("'\"").replace("\\", "/")
    if not u or u.startswith("#") or u.lower().startswith("data:") or u.lower().startswith("mailto:"):
        return False
    if u.startswith("//"):
        return True
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", u)
    return bool(m)   # any scheme (http:, https:, file:, javascript:, ftp:, ...) leaves the site


def leaves(url: str, where: str) -> bool:
    """Whether a relative URL, from a file at ``where`` (a path relative to the site), points outside the site:
    an absolute path, or more ``..`` than the file is deep (``%2e%2e`` counts: browsers decode it)."""
    u = unquote(url.strip().strip("'\"")).replace("\\", "/").split("#", 1)[0].split("?", 1)[0]
    if not u:
        return False
    if u.startswith("/"):
        return True
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(where), u))
    return joined == ".." or joined.startswith("../")


def _problem(url: str, where: str, tag: str = "", attr: str = "") -> str | None:
    u = url.strip()
    if off_site(u):
        return u[:120]
    if u.lower().startswith("data:") and tag and (tag, attr) not in DATA_URL_OK:
        return f"a data: URL in <{tag} {attr}>"
    if u and not u.startswith("#") and not u.lower().startswith(("data:", "mailto:")) and leaves(u, where):
        return f"{u[:120]} (outside the site)"
    return None


def _css_urls(text: str) -> list[str]:
    return [next((g for g in m.groups() if g is not None), "") for m in CSS_URL.finditer(text)]


class _Markup(HTMLParser):
    """What a browser would load or run from one page: attributes, style and script elements."""

    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)   # attribute values arrive decoded (&#106;avascript: -> j...)
        self.where, self.found = where, []
        self._in: tuple[str, bool] | None = None  # (script|style, is data) while inside one

    def _url(self, url: str, tag: str = "", attr: str = "") -> None:
        bad = _problem(url, self.where, tag, attr)
        if bad:
            self.found.append(bad)

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag in EMBEDS:
            self.found.append(f"a <{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self.found.append("a meta refresh")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"an event handler attribute ({name}=) on <{tag}>")
            elif name in URL_ATTRS:
                urls = [v.strip().split(" ")[0] for v in value.split(",")] if "srcset" in name else [value]
                for u in urls:
                    self._url(u, tag, name)
            elif name == "style":
                for u in _css_urls(value):
                    self._url(u)
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            self._in = ("script", kind in DATA_TYPES)
        elif tag == "style":
            self._in = ("style", False)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() in ("script", "style"):
            self._in = None

    def handle_endtag(self, tag):
        if tag.lower() in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in is None:
            return
        kind, is_data = self._in
        if kind == "style":
            for u in _css_urls(data):
                self._url(u)
        elif not is_data and data.strip():
            self.found.append("an inline script")


def _data_only(text: str) -> bool:
    """A script file that only assigns JSON to a window property (e.g. the search index)."""
    m = DATA_SCRIPT.match(text)
    if not m:
        return False
    try:
        json.loads(m.group("json"))
    except ValueError:
        return False
    return True


def check_site(root: Path) -> list[str]:
    """Every reference in the site that points off the site (empty list: the site is offline)."""
    bad = []
    root = Path(root)
    for path in sorted(root.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in (".html", ".htm", ".css", ".svg", ".js", ".xml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = path.relative_to(root)
        where = rel.as_posix()
        if suffix == ".js":
            if path.name not in OWN_SCRIPTS and not _data_only(text) and SCRIPT_FETCH.search(text):
                bad.append(f"{rel}: a script that fetches from the network")
            continue
        if suffix == ".css":
            found = [p for p in (_problem(u, where) for u in _css_urls(text)) if p]
        else:
            parser = _Markup(where)
            parser.feed(text)
            parser.close()
            found = parser.found
        bad += [f"{rel}: {f}" for f in dict.fromkeys(found)]
    return bad
