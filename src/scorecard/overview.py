"""The front page: schools and pupils, open cases, the front door, Ofsted, and activity trends.

These are the catalogue's ``overview`` indicators: counts and context without
targets, so they have no rating. Each is shown at its latest figure up to the
edition's month, with the month it is "as at" (the school census is termly, so
October's figure is still the latest in January) and the England figure where
``benchmarks.csv`` has one.
"""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from . import formatting, periods
from .dataset import Dataset
from .listing import listing, slug

GROUPS: dict[str, tuple[str, ...]] = {
    "Schools, pupils and free school meals": (
        "CYPE10", "CYPE13", "CYPE16", "CYPE11", "CYPE14", "CYPE17", "CYPE12", "CYPE15", "CYPE18"),
    "Open cases": ("EH05-F", "CSWS-OPEN", "CSWS-CP", "CSWS-CIC", "CSWS-CL"),
    "Activity at the Front Door (children)": ("FD01-C", "FD14-C", "FD02-C", "FD03-C"),
    "Ofsted judgements: good or outstanding": ("EY8", "SISE35", "SISE36", "SISE37"),
}
# Shown as monthly trend charts on the front page.
TRENDS: tuple[str, ...] = ("EH71-C", "SCS02", "EH35", "CYPE19")
OTHER = "Other activity measures"


def groups(ds: Dataset) -> dict[str, list[str]]:
    """The front page's groups; any other overview indicator in the catalogue is listed, not dropped."""
    overview = ds.indicators[ds.indicators["section"] == "overview"]["indicator"].tolist()
    out = {name: [i for i in ids if i in overview] for name, ids in GROUPS.items()}
    placed = {i for ids in out.values() for i in ids} | set(TRENDS)
    rest = [i for i in overview if i not in placed]
    if rest:
        out[OTHER] = rest
    return {k: v for k, v in out.items() if v}


def trend_indicators(ds: Dataset) -> list[str]:
    overview = set(ds.indicators[ds.indicators["section"] == "overview"]["indicator"])
    return [i for i in TRENDS if i in overview]


def _latest(ds: Dataset, indicator: str, month: periods.Month) -> dict | None:
    obs = ds.observations
    rows = obs[(obs["indicator"] == indicator) & (obs["area"] == "Kent") & (obs["team"] == "")]
    best = None
    for r in rows.to_dict("records"):
        if r["status"] != "ok" or r["value"] is None or pd.isna(r["value"]):
            continue
        try:
            m = periods.Month.parse(r["period"])
        except periods.PeriodError:
            continue
        if m <= month and (best is None or m > best[0]):
            best = (m, r)
    return best[1] if best else None


def facts(ds: Dataset, month: str, group: str) -> pd.DataFrame:
    """One row per indicator of a group: measure, Kent figure, as at, England figure."""
    m = periods.Month.parse(month)
    ind = {r["indicator"]: r for r in ds.indicators.to_dict("records")}
    bench = ds.benchmarks[ds.benchmarks["benchmark"] == "England"]
    rows = []
    for i in groups(ds)[group]:
        meta = ind[i]
        rec = _latest(ds, i, m)
        dec = int(meta["decimals"])
        value = formatting.with_unit(rec["value"] if rec else None, meta["unit"], dec)
        as_at = periods.Month.parse(rec["period"]).long_label() if rec else "not available"
        b = bench[bench["indicator"] == i]
        eng = ""
        if not b.empty:
            eng = f"{formatting.with_unit(float(b.iloc[0]['value']), meta['unit'], dec)} ({b.iloc[0]['reference']})"
        rows.append({"Code": meta["code"], "Measure": meta["title"], "Kent": value, "As at": as_at,
                     "England": eng})
    frame = pd.DataFrame(rows)
    if not frame.empty and not frame["England"].str.len().any():
        frame = frame.drop(columns="England")
    return frame


def facts_table(ds: Dataset, month: str, group: str) -> GT:
    frame = facts(ds, month, group)
    note = "No target is set for these measures, so they are not rated."
    if "England" in frame.columns:
        note += " England: the national average, where one is published."
    return listing(frame, group, f"overview-{slug(group.split(':')[0])}", source_note=note,
                   right=[c for c in ("Kent", "England") if c in frame.columns], nowrap=["Code", "As at"])
