"""Commentary: the analysts' paragraphs for one edition and section, and drafts to start them from.

Each edition keeps its own files, ``commentary/<month>/<section>.md``, so editing
February never changes January. A paragraph that starts with ``**RED:**``,
``**AMBER:**`` or ``**GREEN:**`` is about an indicator with that rating; other
paragraphs (an introduction, a note) are kept as they are. The edition prints
the rated paragraphs grouped RED, then AMBER, then GREEN, and so does
``render_markdown``.

``draft`` writes the factual sentence an analyst would otherwise retype from the
table: the value, the target and floor, the rating and the direction of travel,
all taken from the engine's row so the words cannot disagree with the table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import formatting, periods
from .problems import EXIT_INVALID, ScorecardError

SECTIONS = ("send", "social-care", "early-help", "education")
RAG_ORDER = ("RED", "AMBER", "GREEN")
RAG_MEANING = {"RED": "floor standard not achieved", "AMBER": "floor standard achieved but target not met",
               "GREEN": "target achieved"}
SECTION_TITLES = {"overview": "Overview", "send": "SEND", "social-care": "Social care", "early-help": "Early help",
                  "education": "Education", "district": "District", "reference": "Reference"}

_RAG_PREFIX = re.compile(r"^\*\*\s*(RED|AMBER|GREEN)\s*(?::\s*\*\*|\*\*\s*:)\s*", re.IGNORECASE)  # **RED:** or **RED**:
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of commentary and where it came from (for one-line messages)."""

    section: str
    heading: str
    rag: str          # RED, AMBER, GREEN, or "" for an unrated paragraph (introduction, note)
    text: str         # the paragraph without its **RAG:** prefix
    index: int        # 1-based position among the file's paragraphs
    line: int         # line of the file the paragraph starts on
    file: str = ""

    def markdown(self) -> str:
        """The paragraph as printed: the rating in words, never by colour alone."""
        return f"**{self.rag}:** {self.text}" if self.rag else self.text


@dataclass
class Commentary:
    """A section's commentary for one edition."""

    month: str
    section: str
    path: Path
    exists: bool
    title: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def rated(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.rag]

    @property
    def unrated(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if not p.rag]

    def groups(self) -> dict[str, list[Paragraph]]:
        """Rated paragraphs by rating in the edition's order; each group keeps the file's order."""
        return {rag: [p for p in self.paragraphs if p.rag == rag] for rag in RAG_ORDER}


def default_root(data_dir: Path) -> Path:
    """Commentary lives beside the data folder: ``<repo>/commentary`` for ``<repo>/data``."""
    return Path(data_dir).resolve().parent / "commentary"


def path_of(root: Path, month: str, section: str) -> Path:
    return Path(root) / month / f"{section}.md"


def parse(text: str, section: str, file: str = "") -> tuple[str, list[Paragraph]]:
    """Split markdown into (first heading, paragraphs); blank lines separate paragraphs."""
    title, heading = "", ""
    out: list[Paragraph] = []
    block: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal block
        if not block:
            return
        joined = " ".join(s.strip() for s in block).strip()
        block = []
        m = _RAG_PREFIX.match(joined)
        rag, body = (m.group(1).upper(), joined[m.end():].strip()) if m else ("", joined)
        out.append(Paragraph(section=section, heading=heading, rag=rag, text=body, index=len(out) + 1,
                             line=start, file=file))

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        h = _HEADING.match(line)
        if h:
            flush()
            heading = h.group(2).rstrip(":").strip()
            title = title or heading
            continue
        if not line.strip():
            flush()
            continue
        if not block:
            start = n
        block.append(line)
    flush()
    return title, out


def load(month: str, section: str, root: Path) -> Commentary:
    """Read ``<root>/<month>/<section>.md``; a missing file gives an empty commentary (not yet written)."""
    if section not in SECTIONS:
        raise ScorecardError(f"commentary: unknown section '{section}' (expected one of: {', '.join(SECTIONS)})",
                             EXIT_INVALID)
    path = path_of(root, month, section)
    if not path.exists():
        return Commentary(month=month, section=section, path=path, exists=False)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScorecardError(f"{path}: is not UTF-8 text ({exc.reason}); save it as UTF-8", EXIT_INVALID) from None
    title, paragraphs = parse(text, section, str(path))
    return Commentary(month=month, section=section, path=path, exists=True, title=title, paragraphs=paragraphs)


def _demote(heading: str, level: int) -> str:
    return "#" * min(level, 6) + " " + heading


def render_groups(c: Commentary, level: int = 3) -> list[tuple[str, str]]:
    """(group, markdown) pairs: the introduction (unrated paragraphs), then RED, AMBER and GREEN.

    Groups with no paragraphs are left out; a section with no commentary at all
    gives one ``("none", ...)`` entry saying so, so a reader never wonders
    whether something failed to load.
    """
    title = _demote(c.title or SECTION_TITLES.get(c.section, c.section), level)
    if not c.paragraphs:
        why = "has not been written yet" if not c.exists else "is empty"
        return [("none", f"{title}\n\nThe commentary for this section {why} ({c.path.name}).")]
    out: list[tuple[str, str]] = []
    intro = c.unrated
    first = title + "\n\n" + "\n\n".join(p.markdown() for p in intro) if intro else title
    out.append(("intro", first))
    for rag, paras in c.groups().items():
        if not paras:
            continue
        head = _demote(f"{rag}: {RAG_MEANING[rag]} ({len(paras)})", level + 1)
        out.append((rag, head + "\n\n" + "\n\n".join(p.markdown() for p in paras)))
    return out


def render_markdown(c: Commentary, level: int = 3) -> str:
    """The whole section's commentary as one markdown string, grouped RED, AMBER, GREEN."""
    return "\n\n".join(md for _, md in render_groups(c, level))


# --- drafts -------------------------------------------------------------------------------------------------

_LOWER_FIRST = ("Percentage", "Average", "Number", "Rate", "Total", "Proportion")


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _subject(title: str) -> str:
    """'Percentage of X' -> 'The percentage of X'; other titles are kept as printed."""
    first = title.split(" ", 1)[0]
    if first in _LOWER_FIRST:
        return "The " + first.lower() + title[len(first):]
    return title


def _period_label(period: str, frequency: str) -> str:
    return periods.short_label(period, frequency) if period else ""


def _range(text: str) -> tuple[float, float] | None:
    m = re.match(r"^\s*(-?[\d.,]+)\s*-\s*(-?[\d.,]+)\s*$", text or "")
    return (float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))) if m else None


def _threshold(row, text_col: str, value_col: str, unit: str, decimals: int) -> tuple[str, bool]:
    """(words, is_range) for a target or floor: '25.0%' or '17.5% to 22.5%', '' when none."""
    text = row.get(text_col) or ""
    rng = _range(text)
    if rng:
        return (f"{formatting.with_unit(rng[0], unit, decimals)} to "
                f"{formatting.with_unit(rng[1], unit, decimals)}", True)
    v = row.get(value_col)
    if _missing(v):
        return "", False
    words = formatting.with_unit(float(v), unit, decimals)
    if text.strip().startswith("<="):
        words = f"no more than {words}"
    return words, False


def previous_label(row, dot_basis: str | None = None) -> str:
    """What the direction of travel compares with: 'in Dec-25', 'in Autumn 24-25', '(2024-25 outturn)'.

    ``dot_basis`` comes from the indicator catalogue; without it the comparison
    is recognised from the row itself (previous equal to the outturn for a
    non-monthly row means the outturn; otherwise the previous period).
    """
    freq, period = row.get("frequency", ""), row.get("period", "")
    if not period:
        return ""
    if dot_basis is None:
        prev, outturn, trend = row.get("previous"), row.get("outturn"), list(row.get("trend") or [])
        before = trend[-2] if len(trend) >= 2 else None
        if freq != "monthly" and not _missing(outturn) and prev == outturn and prev != before:
            dot_basis = "previous_year_outturn"
        elif freq == "termly" and not _missing(before) and prev != before:
            dot_basis = "same_period_last_year"
        else:
            dot_basis = "previous_period"
    if dot_basis == "previous_year_outturn":
        return f"({row.get('prev_year', '')} outturn)"
    steps = periods.per_year(freq) if dot_basis == "same_period_last_year" else 1
    return "in " + _period_label(periods.shift(period, freq, -steps), freq)


def draft(row, dot_basis: str | None = None) -> str:
    """A factual sentence about one edition row, for an analyst to start the commentary from.

    For EH72-F in January 2026: "The percentage of referrals ... is 26.0% against a
    target of 25.0% (floor 30.0%): AMBER, improved from 26.1% in Dec-25."
    """
    row = row.to_dict() if isinstance(row, pd.Series) else dict(row)
    unit, dec = row.get("unit", ""), int(row.get("decimals", 1) or 0)
    subject = _subject(str(row.get("title", "")).strip())
    where = row.get("team") or row.get("area") or "Kent"
    if where != "Kent":
        subject = f"In {where}, " + (subject[0].lower() + subject[1:] if subject.startswith("The ") else subject)
    when = _period_label(row.get("period", ""), row.get("frequency", ""))
    value = row.get("value")
    if _missing(value):
        return f"{subject} is not available for {when or 'this edition'}."
    sentence = f"{subject} is {formatting.with_unit(float(value), unit, dec)}"
    if row.get("frequency") != "monthly" and when:
        sentence += f" ({when})"
    target, t_range = _threshold(row, "target_text", "target", unit, dec)
    floor, f_range = _threshold(row, "floor_text", "floor", unit, dec)
    if target:
        sentence += f" against a target {'range ' if t_range else ''}of {target}"
        if floor:
            sentence += f" ({'floor range' if f_range else 'floor'} {floor})"
    else:
        sentence += ", with no target set"
    rag = row.get("rag") or ""
    parts = [rag] if rag else []
    dot = row.get("dot") or ""
    prev = row.get("previous")
    if dot and not _missing(prev):
        verb = {"improved": "improved from", "worsened": "worsened from", "same": "no change from"}[dot]
        parts.append(f"{verb} {formatting.with_unit(float(prev), unit, dec)} {previous_label(row, dot_basis)}".rstrip())
    if parts:
        sentence += ": " + ", ".join(parts)
    return sentence + "."


def drafts(edition: pd.DataFrame, section: str, indicators: pd.DataFrame | None = None) -> list[str]:
    """Draft sentences for every Kent row of a section, RED first, then AMBER, GREEN and unrated rows.

    Count rows that only support a percentage (numerators and denominators,
    printed without a direction of travel) are left out.
    """
    basis = {}
    if indicators is not None:
        basis = dict(zip(indicators["indicator"], indicators["dot_basis"], strict=False))
    rows = edition[(edition["area"] == "Kent") & (edition["section"] == section) & (edition["page"] == "kent")]
    rows = rows.drop_duplicates("indicator")
    order = {r: i for i, r in enumerate(RAG_ORDER)}
    rows = rows.assign(_o=rows["rag"].map(lambda r: order.get(r, len(order)))).sort_values(["_o", "seq"])
    out = []
    for _, r in rows.iterrows():
        if not r["rag"] and not r["dot"]:
            continue
        out.append(draft(r, basis.get(r["indicator"])))
    return out
