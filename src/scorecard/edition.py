"""The engine: every row of an edition, with its RAG rating and direction of travel.

``build`` walks the layout (blocks x areas or teams x rows) for a month and
decides, once, everything a reader sees: the periods shown, the latest value,
the target and floor that apply, the rating, the arrow, last year's outturn and
rating, and the benchmarks. Tables, charts, exports and the commentary checks
all read this frame; nothing downstream recomputes a rating.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from . import formatting, periods
from .dataset import Dataset
from .direction import Dot, travel
from .rag import Rag, Threshold, rate

Key = tuple[str, str, str]  # indicator, area, team


def _num(x) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


@dataclass
class Lookup:
    """Fast access to a dataset's records by key."""

    ds: Dataset
    obs: dict[tuple, dict] = field(default_factory=dict)
    periods_by_ind: dict[str, set] = field(default_factory=dict)
    outturn: dict[tuple, float] = field(default_factory=dict)
    targets: dict[tuple, dict] = field(default_factory=dict)
    bench: dict[tuple, float] = field(default_factory=dict)
    ind: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.ds.observations.to_dict("records"):
            self.obs[(r["indicator"], r["area"], r["team"], r["period"])] = r
            self.periods_by_ind.setdefault(r["indicator"], set()).add(r["period"])
        for r in self.ds.outturns.to_dict("records"):
            self.outturn[(r["indicator"], r["area"], r["team"], r["year"])] = float(r["value"])
        for r in self.ds.targets.to_dict("records"):
            self.targets[(r["indicator"], r["year"], r["area"])] = r
        for r in self.ds.benchmarks.to_dict("records"):
            self.bench[(r["indicator"], r["benchmark"], r["reference"])] = float(r["value"])
        self.ind = {r["indicator"]: r for r in self.ds.indicators.to_dict("records")}

    def value(self, ind: str, area: str, team: str, period: str | None) -> float | None:
        if period is None:
            return None
        rec = self.obs.get((ind, area, team, period))
        return _num(rec["value"]) if rec else None

    def record(self, ind: str, area: str, team: str, period: str | None) -> dict | None:
        return self.obs.get((ind, area, team, period)) if period else None

    def target(self, ind: str, year: str, area: str) -> dict | None:
        """Area-specific target if the edition prints one, otherwise Kent's."""
        return self.targets.get((ind, year, area)) or self.targets.get((ind, year, "Kent"))

    def latest(self, ind: str, frequency: str, basis: str, month: periods.Month) -> str | None:
        """The latest period shown in a month's edition.

        Monthly rows always show the edition's month. Other frequencies show the
        most recent period that has ended by then and has figures.
        """
        if frequency == "monthly":
            return str(month)
        have = [p for p in self.periods_by_ind.get(ind, ())
                if periods.end_month(p, frequency, basis) <= month]
        if not have:
            return None
        return max(have, key=lambda p: periods.ordinal(p, frequency))


def threshold_of(ind: dict, target: dict | None) -> Threshold | None:
    if not target or not ind["polarity"]:
        return None
    t = _num(target["target"])
    low, high = _num(target["target_low"]), _num(target["target_high"])
    if t is None and low is None:
        return None
    return Threshold(polarity=ind["polarity"], target=t, floor=_num(target["floor"]),
                     target_low=low, target_high=high,
                     floor_low=_num(target["floor_low"]), floor_high=_num(target["floor_high"]))


def target_text(target: dict | None, decimals: int) -> str:
    if not target:
        return ""
    return formatting.target(_num(target["target"]), target["target_op"], _num(target["target_low"]),
                             _num(target["target_high"]), decimals)


def floor_text(target: dict | None, decimals: int) -> str:
    if not target:
        return ""
    low, high = _num(target["floor_low"]), _num(target["floor_high"])
    if low is not None and high is not None:
        return f"{low:.{decimals}f} - {high:.{decimals}f}"
    f = _num(target["floor"])
    return "" if f is None else f"{f:.{decimals}f}"


def _units(ds: Dataset, block: dict, district: str | None) -> list[tuple[str, str, str, str]]:
    """(area as printed, team, service, lookup area) for a block on a page."""
    if block["scope"] == "kent":
        return [("Kent", "", "", "Kent")]
    if block["scope"] == "district":
        return [(district, "", "", district)]
    return [(district, t["team"], t["service"], "") for t in ds.teams_of(district)]


def build(ds: Dataset, month: str, lookup: Lookup | None = None) -> pd.DataFrame:
    """One record per printed row of the edition for ``month`` (e.g. ``2026-01``)."""
    m = periods.Month.parse(month)
    lk = lookup or Lookup(ds)
    blocks = ds.blocks.sort_values("order").to_dict("records")
    layout = ds.rows.sort_values(["block", "position"])
    titles = {(r["block"], r["indicator"], r["area"]): r["title"] for r in ds.titles.to_dict("records")}
    out: list[dict] = []
    for block in blocks:
        rows = layout[layout["block"] == block["block"]].to_dict("records")
        pages = [None] if block["page"] != "district" else ds.districts
        for district in pages:
            for area, team, service, key_area in _units(ds, block, district):
                for row in rows:
                    if row["service"] and row["service"] != service:
                        continue
                    rec = _row(lk, m, block, row, area, team, key_area)
                    rec["title"] = titles.get((block["block"], row["indicator"], area), row["title"])
                    rec["district_page"] = district or ""
                    out.append(rec)
    frame = pd.DataFrame(out)
    frame["seq"] = range(1, len(frame) + 1)
    return frame


def _row(lk: Lookup, month: periods.Month, block: dict, row: dict, area: str, team: str, key_area: str) -> dict:
    ind = lk.ind[row["indicator"]]
    freq, basis = ind["frequency"], ind["year_basis"]
    decimals = int(row["decimals"]) if row["decimals"] != "" else int(ind["decimals"])
    latest = lk.latest(ind["indicator"], freq, basis, month)
    window = periods.trend(latest, freq) if latest else []
    trend_values = [lk.value(ind["indicator"], key_area, team, p) for p in window]
    rec = lk.record(ind["indicator"], key_area, team, latest)
    value = _num(rec["value"]) if rec else None
    year = periods.year_of(latest, freq, basis) if latest else periods.reporting_year(month, basis)
    prev_year = periods.shift(year, "annual", -1)
    tgt_area = key_area or "Kent"
    tgt = lk.target(ind["indicator"], year, tgt_area)
    threshold = threshold_of(ind, tgt)
    rag = rate(value, threshold)

    basis_dot = ind["dot_basis"]
    if basis_dot == "same_period_last_year" and latest:
        previous = lk.value(ind["indicator"], key_area, team, periods.shift(latest, freq, -periods.per_year(freq)))
    elif basis_dot == "previous_year_outturn":
        previous = lk.outturn.get((ind["indicator"], key_area, team, prev_year))
    else:
        previous = lk.value(ind["indicator"], key_area, team, periods.shift(latest, freq, -1)) if latest else None
    centre = None
    if threshold is not None:
        centre = threshold.target
        if centre is None and threshold.target_range():
            centre = sum(threshold.target_range()) / 2
    dot = travel(value, previous, ind["polarity"], decimals, centre)
    if row["show_dot"] == "no":
        dot = None

    prev_tgt = lk.target(ind["indicator"], prev_year, tgt_area)
    outturn = lk.outturn.get((ind["indicator"], key_area, team, prev_year))
    rag_prev = rate(outturn, threshold_of(ind, prev_tgt))
    next_year = periods.shift(year, "annual", 1)
    next_tgt = lk.target(ind["indicator"], next_year, tgt_area) if freq == "annual" else None

    bench_names = [b for b in block["benchmarks"].split(";") if b]
    benchmarks = {}
    for name in bench_names:
        label, ref = _bench_key(name)
        benchmarks[name] = lk.bench.get((ind["indicator"], label, ref))

    return dict(
        block=block["block"], block_order=int(block["order"]), block_title=block["title"].replace("{area}", area),
        page=block["page"], scope=block["scope"], frequency=freq, year_basis=basis,
        area=area, team=team, service=row["service"] or "", position=int(row["position"]),
        indicator=ind["indicator"], code=ind["code"], polarity=ind["polarity"], data_period=ind["data_period"],
        qpr=ind["qpr"] == "yes", seasonal=ind["seasonal"] == "yes", unit=ind["unit"], decimals=decimals,
        num_decimals=int(ind["num_decimals"]), den_decimals=int(ind["den_decimals"]),
        section=ind["section"], period=latest or "", periods=window, trend=trend_values,
        value=value, numerator=_num(rec["numerator"]) if rec else None,
        denominator=_num(rec["denominator"]) if rec else None,
        status=rec["status"] if rec else "missing",
        year=year, target=_num(tgt["target"]) if tgt else None, target_text=target_text(tgt, decimals),
        floor=_num(tgt["floor"]) if tgt else None, floor_text=floor_text(tgt, decimals),
        target_source=tgt["target_source"] if tgt else "", floor_source=tgt["floor_source"] if tgt else "",
        rag=rag.value if rag else "", previous=previous, dot=dot.value if dot else "",
        prev_year=prev_year, outturn=outturn, target_prev_text=target_text(prev_tgt, decimals),
        rag_prev=rag_prev.value if rag_prev else "",
        next_year=next_year, target_next_text=target_text(next_tgt, decimals) if next_tgt else "",
        benchmarks=benchmarks,
    )


def _bench_key(header: str) -> tuple[str, str]:
    """Map a printed benchmark column header to (benchmark, reference)."""
    h = header.strip()
    for prefix, label in (("Benchmark Group", "Statistical neighbours"), ("England & Wales", "England & Wales"),
                          ("South East Average", "South East"), ("England Average", "England"),
                          ("South East", "South East"), ("England", "England")):
        if h.startswith(prefix):
            ref = h[len(prefix):].strip()
            ref = ref.replace("as at 31st December 2024", "as at 31 Dec 2024")
            return label, ref
    return h, ""


__all__ = ["build", "Lookup", "Rag", "Dot"]
