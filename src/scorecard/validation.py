"""Checks across the data files: keys, codes, ranges, arithmetic and gaps.

Errors stop a build. Warnings are reported and do not: the edition's own
anomalies (for example SISE4's numerator 18,853 over a denominator of 11,694)
are listed in ``anomalies.csv`` with a reason, which turns the matching error
into a warning that still names the reason, so nothing is hidden or silently
"fixed".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from . import periods
from .dataset import UNIT_RANGE, Dataset, load
from .problems import Report


def _acknowledged(ds: Dataset) -> dict[tuple, str]:
    return {(r["file"], r["indicator"], r["area"], r["team"], r["period"], r["check"]): r["reason"]
            for r in ds.anomalies.to_dict("records")}


def _flag(report: Report, ack: dict, file: str, row: int, column: str, key: tuple, check: str, message: str,
          severity: str = "error") -> None:
    """Add a problem; an acknowledged anomaly becomes a warning that carries its reason."""
    reason = ack.get((Path(file).name, *key, check))
    if reason:
        report.add(file, row, column, f"{message} (known anomaly of the source: {reason})", "warning")
    else:
        report.add(file, row, column, message, severity)


def check(ds: Dataset, today: dt.date | None = None) -> Report:
    """All cross-file checks on a loaded dataset."""
    report = Report()
    root = ds.root
    today = today or dt.date.today()
    this_month = periods.Month(today.year, today.month)
    ack = _acknowledged(ds)
    areas = set(ds.areas["area"])
    districts = set(ds.districts)
    teams = set(ds.teams["team"])
    inds = {r["indicator"]: r for r in ds.indicators.to_dict("records")}

    def dupes(frame: pd.DataFrame, keys: list[str], file: str) -> None:
        d = frame[frame.duplicated(keys, keep="first")]
        for idx, r in d.iterrows():
            first = frame[(frame[keys] == r[keys]).all(axis=1)].index[0]
            report.add(file, idx, ", ".join(keys),
                       f"duplicate row: {' / '.join(str(r[k]) for k in keys if r[k] != '')} "
                       f"already given on row {first}")

    f_areas, f_teams, f_ind = root / "areas.csv", root / "teams.csv", root / "indicators.csv"
    dupes(ds.areas, ["area"], str(f_areas))
    dupes(ds.teams, ["team"], str(f_teams))
    dupes(ds.indicators, ["indicator"], str(f_ind))
    for idx, r in ds.teams.iterrows():
        for d in r["districts"].split(";"):
            if d not in districts:
                report.add(str(f_teams), idx, "districts",
                           f"unknown district '{d}' (known: {', '.join(sorted(districts))})")

    # targets
    f_t = str(root / "targets.csv")
    dupes(ds.targets, ["indicator", "year", "area"], f_t)
    for idx, r in ds.targets.iterrows():
        ind = inds.get(r["indicator"])
        if ind is None:
            report.add(f_t, idx, "indicator", f"unknown indicator '{r['indicator']}'")
            continue
        if r["area"] not in areas:
            report.add(f_t, idx, "area", f"unknown area '{r['area']}'")
        has_target = not pd.isna(r["target"]) or not pd.isna(r["target_low"])
        if has_target and not ind["polarity"]:
            report.add(f_t, idx, "indicator", f"target for {r['indicator']}, which has no polarity (H, L or T) "
                                              "in indicators.csv: a target cannot be rated without one")
        if has_target and ind["polarity"] == "T" and (pd.isna(r["target_low"]) or pd.isna(r["target_high"])):
            report.add(f_t, idx, "target_low", f"{r['indicator']} has polarity T and needs target_low and target_high")
        if has_target and ind["polarity"] in ("H", "L") and pd.isna(r["floor"]):
            report.add(f_t, idx, "floor", f"no floor standard for {r['indicator']} {r['year']}: RED and AMBER "
                                          "cannot be told apart", "warning")
        if has_target and ind["polarity"] in ("H", "L") and not pd.isna(r["floor"]) and not pd.isna(r["target"]):
            worse = r["floor"] <= r["target"] if ind["polarity"] == "H" else r["floor"] >= r["target"]
            if not worse:
                report.add(f_t, idx, "floor", f"floor {r['floor']:g} is better than target {r['target']:g} "
                                              f"for polarity {ind['polarity']}")

    # observations
    f_o = str(root / "observations.csv")
    obs = ds.observations
    dupes(obs, ["indicator", "area", "team", "period"], f_o)
    series: dict[tuple, list[tuple[int, int]]] = {}
    for idx, r in obs.iterrows():
        ind = inds.get(r["indicator"])
        key = (r["indicator"], r["area"], r["team"], r["period"])
        if ind is None:
            report.add(f_o, idx, "indicator", f"unknown indicator '{r['indicator']}'")
            continue
        if bool(r["area"]) == bool(r["team"]):
            report.add(f_o, idx, "area", "give either an area or a team, not both and not neither")
        if r["area"] and r["area"] not in areas:
            report.add(f_o, idx, "area",
                       f"unknown district '{r['area']}' (known: Kent, {', '.join(sorted(districts))})")
        if r["team"] and r["team"] not in teams:
            report.add(f_o, idx, "team", f"unknown team '{r['team']}'")
        try:
            n = periods.ordinal(r["period"], ind["frequency"])
            end = periods.end_month(r["period"], ind["frequency"], ind["year_basis"])
        except (periods.PeriodError, AttributeError) as exc:
            report.add(f_o, idx, "period", f"{exc} ({r['indicator']} is {ind['frequency']})")
            continue
        if end > this_month:
            report.add(f_o, idx, "period", f"period {r['period']} is in the future (today is {today.isoformat()})")
        series.setdefault((r["indicator"], r["area"], r["team"]), []).append((n, idx))
        value, num, den = r["value"], r["numerator"], r["denominator"]
        if r["status"] == "ok" and pd.isna(value):
            report.add(f_o, idx, "value", "status is ok but the value is blank (use status not_available)")
        if r["status"] == "not_available" and not pd.isna(value):
            report.add(f_o, idx, "value", "status is not_available but a value is given")
        lo, hi = UNIT_RANGE[ind["unit"]]
        if not pd.isna(value) and ((lo is not None and value < lo) or (hi is not None and value > hi)):
            _flag(report, ack, f_o, idx, "value", key, "range",
                  f"{r['indicator']} value {value:g} is outside the range of a {ind['unit']} "
                  f"({lo} to {hi if hi is not None else 'no limit'})")
        for col, v in (("numerator", num), ("denominator", den)):
            if not pd.isna(v) and v < 0:
                report.add(f_o, idx, col, f"{col} {v:g} is negative")
        if ind["scale"] == "100" and not pd.isna(num) and not pd.isna(den) and num > den:
            _flag(report, ack, f_o, idx, "numerator", key, "numerator_gt_denominator",
                  f"{r['indicator']} {r['area'] or r['team']} {r['period']}: numerator {num:,.0f} is larger than "
                  f"denominator {den:,.0f} for a percentage")
        elif ind["scale"] and not pd.isna(num) and not pd.isna(den) and den and not pd.isna(value):
            scale = float(ind["scale"])
            dn, dd = 0.5 * 10 ** -int(ind["num_decimals"]), 0.5 * 10 ** -int(ind["den_decimals"])
            dv = 0.5 * 10 ** -int(ind["decimals"]) + 1e-9
            low, high = (num - dn) / (den + dd) * scale, (num + dn) / max(den - dd, 1e-9) * scale
            if not (low - dv <= value <= high + dv):
                _flag(report, ack, f_o, idx, "value", key, "ratio",
                      f"{r['indicator']} {r['area'] or r['team']} {r['period']}: value {value:g} does not match "
                      f"numerator/denominator ({num:g}/{den:g} gives {num / den * scale:.2f})", "warning")
    for (ind_id, area, team), items in series.items():
        freq = inds[ind_id]["frequency"]
        if freq != "monthly":
            continue
        ns = sorted(items)
        for (a, _), (b, idx) in zip(ns, ns[1:]):
            if b - a > 1:
                missing = ", ".join(periods.from_ordinal(k, freq) for k in range(a + 1, b))
                report.add(f_o, idx, "period", f"{ind_id} {area or team}: missing month(s) {missing} before "
                                               f"{periods.from_ordinal(b, freq)}")

    # outturns and benchmarks
    f_out = str(root / "outturns.csv")
    dupes(ds.outturns, ["indicator", "area", "team", "year"], f_out)
    for idx, r in ds.outturns.iterrows():
        if r["indicator"] not in inds:
            report.add(f_out, idx, "indicator", f"unknown indicator '{r['indicator']}'")
        if r["area"] and r["area"] not in areas:
            report.add(f_out, idx, "area", f"unknown area '{r['area']}'")
        if r["team"] and r["team"] not in teams:
            report.add(f_out, idx, "team", f"unknown team '{r['team']}'")
    f_b = str(root / "benchmarks.csv")
    dupes(ds.benchmarks, ["indicator", "benchmark", "reference"], f_b)
    for idx, r in ds.benchmarks.iterrows():
        if r["indicator"] not in inds:
            report.add(f_b, idx, "indicator", f"unknown indicator '{r['indicator']}'")

    # layout
    f_r = str(root / "layout" / "rows.csv")
    blocks = set(ds.blocks["block"])
    dupes(ds.blocks, ["block"], str(root / "layout" / "blocks.csv"))
    for idx, r in ds.rows.iterrows():
        if r["block"] not in blocks:
            report.add(f_r, idx, "block", f"unknown block '{r['block']}'")
        if r["indicator"] not in inds:
            report.add(f_r, idx, "indicator", f"unknown indicator '{r['indicator']}'")
    f_ti = str(root / "layout" / "titles.csv")
    for idx, r in ds.titles.iterrows():
        if r["area"] not in areas:
            report.add(f_ti, idx, "area", f"unknown area '{r['area']}'")

    # acknowledged anomalies must still exist, or the list goes stale
    f_a = str(root / "anomalies.csv")
    for idx, r in ds.anomalies.iterrows():
        if r["indicator"] not in inds:
            report.add(f_a, idx, "indicator", f"unknown indicator '{r['indicator']}'")
        elif r["check"] == "source":
            where = " ".join(x for x in (r["indicator"], r["area"], r["team"], r["period"]) if x)
            report.add(f_a, idx, "", f"{where}: {r['reason']}", "warning")
    return report


def validate(root: Path, today: dt.date | None = None) -> tuple[Dataset | None, Report]:
    """Load and check a data folder; the dataset is None if a file could not be read."""
    ds, report = load(root)
    if ds is not None:
        report.extend(check(ds, today))
    return ds, report
