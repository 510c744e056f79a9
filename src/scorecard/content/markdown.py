"""Words from many hands (commentary, notes, parameters) rendered as text, never as code.

Markdown is parsed by markdown-it-py with raw HTML off, so ``<script>``, ``<iframe>``, ``<meta>``
and event attributes arrive on the page as visible text. Images are not rendered (a picture could
load a local file or the network). Links may only go to ``mailto:``, an anchor or a relative
page that stays on the site (no absolute path, no ``../`` above the site's root, encoded or not:
:func:`safe_href`); any other link is left as its text, and an ``http(s)`` link is shown as its
words followed by the address in brackets, so nothing on a page points at the network.
:func:`to_html` is what the website shows; :func:`to_pandoc` writes the same text as Markdown in
which every character is escaped, so that Pandoc and Quarto (shortcodes such as ``{{< include >}}``,
raw HTML, maths) can do nothing but print it.
"""

from __future__ import annotations

import html
import re
from functools import cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

_SAFE_LINK = re.compile(r"^(mailto:[^\s<>]+|#[\w.-]*|(?![a-z][a-z0-9+.-]*:)(?!//)(?!\\\\)[\w./#?=&%-]+)$", re.I)
_WEB_LINK = re.compile(r"^https?://", re.I)
MAX_UP = 1   # a page is one folder below the site's root (<site>/<month>/page.html): "../" reaches the root


def safe_href(url: str) -> bool:
    """A link that stays on the site: mailto:, an anchor, or a relative page that does not climb out of the
    site (no absolute path, no more than one ``../``, ``%2e%2e`` and backslashes included, as browsers read them)."""
    u = url.strip()
    if not _SAFE_LINK.match(u):
        return False
    if u.lower().startswith("mailto:") or u.startswith("#"):
        return True
    path = unquote(u).split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/") or "\\" in path or re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I):
        return False
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
            if depth < -MAX_UP:
                return False
        elif part not in ("", "."):
            depth += 1
    return True


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = lambda url: safe_href(url) or bool(_WEB_LINK.match(url.strip()))
    return md


def _clean(tokens: list[Token]) -> list[Token]:
    """Turn web links into their words plus the address in brackets; drop any other link target."""
    for tok in tokens:
        if tok.type != "inline" or not tok.children:
            continue
        out: list[Token] = []
        href_stack: list[str | None] = []
        for child in tok.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if safe_href(href) and not _WEB_LINK.match(href):
                    out.append(child)
                    href_stack.append(None)
                else:
                    href_stack.append(href)
                continue
            if child.type == "link_close":
                href = href_stack.pop() if href_stack else None
                if href is None:
                    out.append(child)
                elif href:
                    t = Token("text", "", 0)
                    t.content = f" ({href})"
                    out.append(t)
                continue
            out.append(child)
        tok.children = out
    return tokens


def to_html(text: str) -> str:
    """Safe HTML for a piece of Markdown (escaped text, allowed links only)."""
    md = _parser()
    tokens = _clean(md.parse(text or ""))
    return md.renderer.render(tokens, md.options, {})


_ESCAPE = re.compile(r"([\\`*_{}\[\]()#+\-.!<>&|~^$@=:;\"'/%])")


def _esc(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def to_pandoc(text: str, heading_offset: int = 0) -> str:
    """The same Markdown with every character of its text escaped: safe input for Pandoc and Quarto."""
    md = _parser()
    tokens = _clean(md.parse(text or ""))
    out: list[str] = []
    prefix: list[str] = []
    counters: list[int] = []
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            level = min(6, int(tok.tag[1]) + heading_offset)
            out.append("".join(prefix) + "#" * level + " ")
        elif t in ("heading_close", "paragraph_close"):
            out.append("\n\n")
        elif t == "paragraph_open":
            if not (out and out[-1].endswith(("- ", ". "))):
                out.append("".join(prefix))
        elif t == "bullet_list_open":
            counters.append(0)
        elif t == "ordered_list_open":
            counters.append(1)
        elif t in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
            out.append("\n")
        elif t == "list_item_open":
            n = counters[-1] if counters else 0
            out.append("".join(prefix) + ("- " if n == 0 else f"{n}. "))
            if n:
                counters[-1] += 1
        elif t == "blockquote_open":
            prefix.append("> ")
        elif t == "blockquote_close":
            prefix.pop()
        elif t in ("code_block", "fence"):
            for line in tok.content.rstrip("\n").split("\n"):
                out.append("".join(prefix) + _esc(line) + "\\\n")
            out.append("\n")
        elif t == "hr":
            out.append("\n---\n\n")
        elif t == "inline":
            out.append(_inline(tok.children or []))
    return "".join(out).strip() + "\n"


def _inline(children: list[Token]) -> str:
    parts: list[str] = []
    hrefs: list[str] = []
    for c in children:
        if c.type == "text":
            parts.append(_esc(c.content))
        elif c.type == "code_inline":   # shown as text: Quarto reads shortcodes even inside code
            parts.append(_esc(c.content))
        elif c.type in ("strong_open", "strong_close"):
            parts.append("**")
        elif c.type in ("em_open", "em_close"):
            parts.append("*")
        elif c.type == "softbreak":
            parts.append("\n")
        elif c.type == "hardbreak":
            parts.append("\\\n")
        elif c.type == "link_open":
            hrefs.append(str(c.attrGet("href") or ""))
            parts.append("[")
        elif c.type == "link_close":
            href = hrefs.pop() if hrefs else ""
            parts.append(f"]({href})")
    return "".join(parts)


def plain(text: str) -> str:
    """Markdown as plain text (for search and descriptions)."""
    return html.unescape(re.sub(r"<[^>]+>", "", to_html(text))).strip()
