"""The publication's own words (``data/publication.yml``): who publishes it and how it describes itself.

Everything the site, the PDF and the tables print around the figures that is the same from one
edition to the next: titles, the publisher, the source line and key under every table, the
cover's kicker, the words for ratings and arrows. An edition's ``params/<month>.yml`` may
override the title and "produced by" for that edition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Report
from . import yamlfile

FILE = "publication.yml"
TEXT_KEYS = ("title", "short_title", "publisher", "produced_by", "kicker", "language", "source_line", "key_line",
             "floor_note", "contact_heading")
WORD_KEYS = ("rag_words", "dot_words")
RAG_KEYS = ("GREEN", "AMBER", "RED")
DOT_KEYS = ("improved", "worsened", "same")


@dataclass(frozen=True)
class Publication:
    title: str
    short_title: str
    publisher: str
    produced_by: str = ""
    kicker: str = ""
    language: str = "en-GB"
    source_line: str = "Source: {publisher}, {title}, {month}."
    key_line: str = ""
    floor_note: str = ""
    contact_heading: str = "Contacts"
    rag_words: dict[str, str] = field(default_factory=dict)
    dot_words: dict[str, str] = field(default_factory=dict)

    def source(self, month_label: str, title: str | None = None, produced_by: str | None = None) -> str:
        """The source line under every table, with the edition's month filled in."""
        values = {"publisher": self.publisher, "title": title or self.title, "month": month_label,
                  "produced_by": produced_by if produced_by is not None else self.produced_by}
        text = self.source_line
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return " ".join(text.split())

    def dot_word(self, dot: str) -> str:
        return self.dot_words.get(dot, {"improved": "Improved", "worsened": "Worsened", "same": "No change"}[dot])


def load(path: Path, report: Report) -> Publication | None:
    data, lines = yamlfile.read(path, report, "publication's wording")
    if data is None:
        return None
    f = yamlfile.Fields(data, lines, path, report, set(TEXT_KEYS) | set(WORD_KEYS))
    before = len(report.errors)
    texts = {k: f.text(k, required=k in ("title", "short_title", "publisher")) for k in TEXT_KEYS}
    words: dict[str, dict[str, str]] = {}
    for key, allowed in (("rag_words", RAG_KEYS), ("dot_words", DOT_KEYS)):
        raw = data.get(key) or {}
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            f.err(f"must be a mapping of {', '.join(allowed)} to words", key)
            raw = {}
        for k in raw:
            if k not in allowed:
                f.err(f"unknown key '{k}' (expected: {', '.join(allowed)})", key, k)
        words[key] = {k: " ".join(v.split()) for k, v in raw.items() if k in allowed}
    if len(report.errors) > before:
        return None
    defaults = Publication(title="", short_title="", publisher="")
    return Publication(**{k: v or getattr(defaults, k) for k, v in texts.items()}, **words)
