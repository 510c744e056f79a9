"""Commentary: which paragraphs a section needs, and draft paragraphs to start them from.

A section's commentary policy (``params/<month>.yml``, :meth:`Params.policy_for`) decides which
indicators on the county's pages need a paragraph; :func:`required` is that one rule, used by
``scorecard lint`` (a missing paragraph is a finding) and by ``scorecard new-month`` (which
pre-fills a draft for each). :func:`drafts` writes the factual sentence an analyst would otherwise
retype from the table, from the engine's figures and thresholds, so the words cannot disagree
with the table. Every value the edition did not print says so: an inferred floor is "(inferred)",
a band taken from the commentary "(from the commentary)", a target the table does not print
"(not printed in the table)". Each draft is marked ``[DRAFT]``; build refuses it until an
analyst has rewritten it.
"""

from __future__ import annotations

from ..engine.build import Lookup
from ..engine.build import build as build_edition
from ..engine.model import Edition, Row, Table
from ..rules import numbers, periods
from .notebooks import DRAFT_MARK

RAG_ORDER = ("RED", "AMBER", "GREEN")
RAG_MEANING = {"RED": "floor standard not met", "AMBER": "floor standard met, target not met",
               "GREEN": "target met"}
SOURCE_WORDS = {"inferred": "inferred", "commentary": "from the commentary", "business plan": "from the business plan"}
_LOWER_FIRST = ("Percentage", "Average", "Number", "Rate", "Total", "Proportion")


# --- the rows a section's commentary is about ------------------------------------------------------

def county_rows(edition: Edition) -> list[tuple[Table, Row]]:
    """Each indicator on the county's pages once (as the first table that shows it prints it)."""
    seen: dict[str, tuple[Table, Row]] = {}
    for t in edition.tables:
        if t.page:
            continue
        for r in t.rows:
            seen.setdefault(r.indicator, (t, r))
    return list(seen.values())


def previous_figures(snap) -> dict[str, float | None]:
    """The latest figure of each county indicator as the previous month's edition shows it."""
    before = str(periods.Month.parse(snap.edition.month).shift(-1))
    edition = build_edition(snap.dataset, before, [])
    return {r.indicator: r.value for _, r in county_rows(edition)}


def has_target(row: Row) -> bool:
    """A target (or target range) the row is rated against, from a known source."""
    return row.threshold is not None and bool(row.target_source)


def changed(row: Row, previous: dict[str, float | None]) -> bool:
    """Whether the row's latest figure differs from the one the previous edition showed."""
    return row.indicator not in previous or previous[row.indicator] != row.value


def required(snap, section: str, previous: dict[str, float | None] | None = None) -> list[Row]:
    """The county indicators of ``section`` its commentary policy needs a paragraph about, in table order.

    ``rated``: every one rated RED or AMBER. ``changed``: only those of them whose latest figure
    differs from the previous edition's and that have a target. ``none``: no paragraph is required.
    ``previous`` (from :func:`previous_figures`) saves building the previous edition again.
    """
    policy = snap.params.policy_for(section)
    if policy == "none":
        return []
    rows = [r for _, r in county_rows(snap.edition) if r.section == section and r.rag in ("RED", "AMBER")]
    if policy == "changed":
        if previous is None:
            previous = previous_figures(snap)
        rows = [r for r in rows if has_target(r) and changed(r, previous)]
    return rows


# --- drafts ------------------------------------------------------------------------------------------

def _subject(title: str) -> str:
    """'Percentage of X' -> 'the percentage of X'; another title -> 'the figure for X'."""
    title = " ".join(title.split())
    first = title.split(" ", 1)[0]
    if first in _LOWER_FIRST:
        return "the " + first.lower() + title[len(first):]
    return f"the figure for {title}"


def _with_unit(text: str, unit: str) -> str:
    if not text:
        return text
    if unit == "percent":
        return f"{text}%"
    if unit == "days":
        return f"{text} days"
    return text


def _decimals(text: str) -> int:
    try:
        return numbers.read(text, allow_op=True).decimals
    except numbers.NumberError:
        return 0


def _year_of(row: Row) -> str:
    if row.latest:
        return periods.year_of(row.latest, row.frequency, row.year_basis)
    return ""


def _target_cell(table: Table, row: Row):
    year = _year_of(row)
    for col in table.columns:
        if col.kind == "target" and col.year == year:
            return row.cell(col.key)
    return None


def _qualified(text: str, why: str) -> str:
    return f"{text} ({why})" if why else text


def _source(source: str) -> str:
    """The qualifier for a value the edition did not print ("" for a printed one)."""
    if not source or source == "printed":
        return ""
    return SOURCE_WORDS.get(source, f"from {source}")


def _unprinted(source: str) -> str:
    """The qualifier for a floor or band: the tables print neither, so one without a source says so too."""
    return _source(source) or ("" if source == "printed" else "not printed in the table")


class _Words:
    """The figures of one row in words, each with its qualifier."""

    def __init__(self, snap, table: Table, row: Row, lookup: Lookup):
        self.row, self.table = row, table
        th = row.threshold
        self.th = th
        rec = lookup.target(row.indicator, _year_of(row), row.area or snap.dataset.county) or {}
        self.band_source = rec.get("tolerance_source", "")
        cell = _target_cell(table, row)
        printed = cell is not None and th is not None and th.target is not None and cell.value == th.target \
            and not any(m.kind == "not_printed" for m in cell.marks)
        if th is None or th.target is None:
            self.target = ""
        elif printed:
            self.target = _qualified(_with_unit(numbers.show(cell.value, _decimals(cell.text)), row.unit),
                                     _source(row.target_source))
        elif rec.get("rated_against"):
            self.target = _qualified(self.fig(th.target), "not printed in the table; rated against "
                                     + rec["rated_against"])
        else:
            self.target = _qualified(self.fig(th.target), _source(row.target_source) or "not printed in the table")

    def fig(self, value: float | None) -> str:
        return _with_unit(numbers.show(value, self.row.decimals), self.row.unit)

    def floor(self) -> str:
        return _qualified(self.fig(self.th.floor), _unprinted(self.row.floor_source))

    def band(self, band: tuple[float, float], source: str) -> str:
        return _qualified(f"{self.fig(band[0])} to {self.fig(band[1])}", _unprinted(source))


def _comparison(table: Table, row: Row, basis: str) -> tuple[float | None, str, str]:
    """(figure, its text, when) the direction of travel compares the latest figure with, where shown."""
    if not row.latest or len(row.periods) < 2:
        return None, "", ""
    freq = row.frequency
    if basis == "previous_year_outturn":
        year = periods.shift(periods.year_of(row.latest, freq, row.year_basis), "annual", -1)
        for col in table.columns:
            if col.kind == "outturn" and col.year == year and row.cell(col.key).value is not None:
                c = row.cell(col.key)
                return c.value, c.text, f"the {year} outturn"
        period = year if freq == "annual" else ""
    elif basis == "same_period_last_year":
        period = periods.shift(row.latest, freq, -periods.per_year(freq))
    elif basis == "previously_reported":
        c = next((row.cell(col.key) for col in table.columns if col.kind == "previous"), None)
        if c is not None and c.value is not None:
            return c.value, c.text, "the previous edition"
        period = ""
    else:
        period = periods.shift(row.latest, freq, -1)
    if period in row.periods[:-1]:
        i = row.periods.index(period)
        c = row.cell(f"trend-{i}")
        if c.value is not None:
            return c.value, c.text, periods.short_label(period, freq)
    return None, "", ""


def draft(snap, table: Table, row: Row, lookup: Lookup | None = None) -> str:
    """A factual paragraph about one county row, labelled with its rating and marked [DRAFT]."""
    lookup = lookup or Lookup(snap.dataset, snap.edition.month)
    w = _Words(snap, table, row, lookup)
    value = row.cell("latest").text or numbers.show(row.value, row.decimals)
    when = f" ({periods.short_label(row.latest, row.frequency)})" if row.latest and row.frequency != "monthly" else ""
    lead = f"At {_with_unit(value, row.unit)}{when}, {_subject(row.title)}"
    th, rag, pol = row.threshold, row.rag, row.rated_as
    if row.value is None:
        text = f"{_subject(row.title)[0].upper()}{_subject(row.title)[1:]} has no figure for this edition."
    elif th is None or not rag:
        text = f"{lead} is not rated (no target is set)."
    elif pol == "T":
        green = w.band(th.green, w.band_source) if th.green else ""
        around = f" around the target of {w.target}" if w.target else ""
        if rag == "GREEN":
            text = f"{lead} is within the target range of {green}{around}."
        elif th.amber is None:
            text = f"{lead} is outside the target range of {green}{around} (no floor range is set)."
        elif rag == "AMBER":
            text = (f"{lead} is outside the target range of {green}{around} but within the floor range of "
                    f"{w.band(th.amber, row.floor_source)}.")
        else:
            text = f"{lead} is outside the floor range of {w.band(th.amber, row.floor_source)} and the target range " \
                   f"of {green}{around}."
    else:
        worse, better = ("below", "above") if pol == "H" else ("above", "below")
        target = w.target
        if rag == "GREEN":
            text = f"{lead} meets the target of {target}."
        elif th.floor is None:
            text = f"{lead} is {worse} the target of {target} (no floor standard is set)."
        elif rag == "AMBER":
            text = f"{lead} is {worse} the target of {target} but meets the floor standard of {w.floor()}."
        else:
            text = f"{lead} is {worse} the floor standard of {w.floor()} and the target of {target}."
    if row.dot and row.value is not None:
        spec = next((s for s in snap.dataset.rows.get(row.block, []) if s["indicator"] == row.indicator), {})
        basis = spec.get("dot_basis") or snap.dataset.indicators[row.indicator]["dot_basis"]
        _, before, since = _comparison(table, row, basis)
        verb = {"improved": "It has improved", "worsened": "It has worsened", "same": "It is unchanged"}[row.dot]
        if before:
            text += f" {verb} from {_with_unit(before, row.unit)} ({since})."
        else:
            text += f" {verb}."
    label = f"**{rag}:** " if rag else ""
    return f"{label}{DRAFT_MARK} {text}"


def drafts(snap, section: str, previous: dict[str, float | None] | None = None) -> list[tuple[str, str]]:
    """(RAG, draft paragraph) for every indicator the section's policy requires, RED first, then AMBER."""
    need = {r.indicator for r in required(snap, section, previous)}
    lookup = Lookup(snap.dataset, snap.edition.month)
    chosen = [(t, r) for t, r in county_rows(snap.edition) if r.indicator in need]
    order = {rag: i for i, rag in enumerate(RAG_ORDER)}
    chosen.sort(key=lambda tr: order.get(tr[1].rag, len(order)))
    return [(r.rag, draft(snap, t, r, lookup)) for t, r in chosen]
