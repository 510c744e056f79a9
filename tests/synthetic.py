"""SYNTHETIC test figures: made-up months generated from the latest real month. NOT REAL DATA.

Every row this module writes has quality ``synthetic`` and SYNTHETIC in its note (or a target's
evidence), and every file it writes has SYNTHETIC in its name, so a generated file can never be
mistaken for the directorate's figures. Each series the edition prints (its tables' rows and the
front page's figures) moves from its previous figure by a small deterministic step (a
random.Random seeded by the seed, the series and the period), so tests can recompute what to
expect without running the code under test. A series whose last figure is older than the data's
latest month has stopped and stays stopped; a series printed N/A stays N/A.

    python tests/synthetic.py --through 2026-02 --out DIR [--data data]

writes DIR/SYNTHETIC-observations-2026-02.csv (and SYNTHETIC-targets-/SYNTHETIC-outturns-2026-02.csv
when the months generated start a new reporting year), each ingestable by `scorecard ingest`.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from scorecard.inputs import csvfile
from scorecard.inputs.checks import UNIT_RANGE
from scorecard.inputs.dataset import Dataset, load
from scorecard.inputs.layout import series as printed_series
from scorecard.inputs.schemas import SCHEMAS
from scorecard.rules import numbers, periods

SEED = 2026
NOTE = "SYNTHETIC test figure made by tests/synthetic.py (seed {seed}); not real data"
OBS_COLUMNS = list(SCHEMAS["observations.csv"].columns)
TARGET_COLUMNS = list(SCHEMAS["targets.csv"].columns)
OUTTURN_COLUMNS = list(SCHEMAS["outturns.csv"].columns)


def edition_series(ds: Dataset) -> list[tuple[str, str, str]]:
    """Every (indicator, area, team) the edition shows: its tables' rows, then the front page's figures."""
    out = dict.fromkeys(printed_series(ds, ds.districts))
    for r in ds.records("layout/tiles.csv"):
        out.setdefault((r["indicator"], ds.county, ""), None)
    return [s for s in out if s[0] in ds.indicators]


def _clamp(x: float, unit: str) -> float:
    lo, hi = UNIT_RANGE[unit]
    if lo is not None:
        x = max(lo, x)
    if hi is not None:
        x = min(hi, x)
    return x


def step(prev: dict[str, str], ind: dict, rng: random.Random, seed: int = SEED) -> dict[str, str]:
    """The next period's figures for a series: a small move from ``prev`` (a row of printed text)."""
    row = {"value": "", "numerator": "", "denominator": "", "quality": "synthetic", "note": NOTE.format(seed=seed)}
    value = numbers.read(prev["value"])
    if value.kind == "na":
        row["value"] = "N/A"
        return row
    d = value.decimals
    num, den = numbers.read(prev["numerator"]), numbers.read(prev["denominator"])
    if num.is_number and den.is_number and ind["scale"] and den.value > 0:
        scale = float(ind["scale"])
        den2 = max(1.0, round(den.value + rng.randint(-3, 3) * 10 ** -den.decimals, den.decimals))
        num2 = max(0.0, round(num.value + rng.randint(-3, 3) * 10 ** -num.decimals, num.decimals))
        if scale == 100:
            num2 = min(num2, den2)
        v = _clamp(round(num2 / den2 * scale, d), ind["unit"])
        row.update(value=numbers.show(v, d), numerator=numbers.show(num2, num.decimals),
                   denominator=numbers.show(den2, den.decimals))
        return row
    row["value"] = numbers.show(_clamp(round(value.value + rng.randint(-5, 5) * 10 ** -d, d), ind["unit"]), d)
    return row


def generate(ds: Dataset, through: str, seed: int = SEED) -> list[dict[str, str]]:
    """Rows for every period after the data's latest month up to ``through``, chained period by period.

    Monthly series get every month; quarterly, termly and annual series each next period that has
    ended by ``through`` (an April file also carries Q4 and the Spring term).
    """
    end = periods.Month.parse(through)
    by_series: dict[tuple, dict[str, dict]] = {}
    for r in ds.records("observations.csv"):
        by_series.setdefault((r["indicator"], r["area"], r["team"]), {})[r["period"]] = r
    monthly = [p for (i, _, _), ps in by_series.items() if ds.indicators[i]["frequency"] == "monthly" for p in ps]
    latest_month = max(monthly)
    out: list[dict[str, str]] = []
    for key in edition_series(ds):
        ind = ds.indicators[key[0]]
        freq, basis = ind["frequency"], ind["year_basis"]
        have = by_series.get(key, {})
        if not have:
            continue
        period = max(have, key=lambda p: periods.ordinal(p, freq))
        if freq == "monthly" and period != latest_month:
            continue   # a series that stopped stays stopped
        prev = have[period]
        if numbers.read(prev["value"]).kind == "blank":
            continue
        while True:
            period = periods.shift(period, freq, 1)
            if periods.end_month(period, freq, basis) > end:
                break
            rng = random.Random(f"{seed}|{key[0]}|{key[1]}|{key[2]}|{period}")
            rec = {"indicator": key[0], "area": key[1], "team": key[2], "period": period} | step(prev, ind, rng, seed)
            out.append(rec)
            prev = rec
    return out


def new_years(ds: Dataset, through: str) -> dict[str, str]:
    """Reporting years (by basis) that start after the data's latest month and by ``through``."""
    latest = max(r["period"] for r in ds.records("observations.csv") if periods.frequency_of(r["period"]) == "monthly")
    start, end = periods.Month.parse(latest), periods.Month.parse(through)
    out = {}
    for basis in ("financial", "academic"):
        if periods.reporting_year(start, basis) != periods.reporting_year(end, basis):
            out[basis] = periods.reporting_year(end, basis)
    return out


def targets_for(ds: Dataset, year: str, basis: str, seed: int = SEED) -> list[dict[str, str]]:
    """Targets for a new reporting year: last year's for each indicator on ``basis``, one step harder."""
    last = periods.shift(year, "annual", -1)
    have = {(r["indicator"], r["year"], r["area"]) for r in ds.records("targets.csv")}
    out = []
    for r in ds.records("targets.csv"):
        ind = ds.indicators.get(r["indicator"])
        if r["year"] != last or ind is None or ind["year_basis"] != basis or (r["indicator"], year, r["area"]) in have:
            continue
        rec = {c: r[c] for c in TARGET_COLUMNS}
        rec.update(year=year, evidence=f"SYNTHETIC target: {last}'s moved one step ({NOTE.format(seed=seed)})")
        for c in ("target_source", "floor_source", "tolerance_source"):
            rec[c] = "business plan" if rec[c] else ""
        f = numbers.read(r["target"], allow_op=True, allow_band=True)
        sign = {"H": 1, "L": -1}.get(ind["rated_as"] or ind["polarity"], 0)
        if f.kind == "number" and sign:
            rec["target"] = f.op + (" " if f.op else "") + numbers.show(f.value + sign * 10 ** -f.decimals, f.decimals)
            floor = numbers.read(r["floor"])
            if floor.is_number:
                rec["floor"] = numbers.show(floor.value + sign * 10 ** -floor.decimals, floor.decimals)
        out.append(rec)
    return out


def outturns_for(ds: Dataset, year: str, rows: list[dict[str, str]], seed: int = SEED) -> list[dict[str, str]]:
    """A year's outturns for the series that had one the year before: their last figure of that year."""
    last = periods.shift(year, "annual", -1)
    had = {(r["indicator"], r["area"], r["team"]) for r in ds.records("outturns.csv") if r["year"] == last}
    have = {(r["indicator"], r["area"], r["team"]) for r in ds.records("outturns.csv") if r["year"] == year}
    figures: dict[tuple, tuple[int, str]] = {}
    for r in [*ds.records("observations.csv"), *rows]:
        key = (r["indicator"], r["area"], r["team"])
        ind = ds.indicators.get(r["indicator"])
        if key not in had or key in have or ind is None or ind["frequency"] == "annual":
            continue
        if periods.year_of(r["period"], ind["frequency"], ind["year_basis"]) != year:
            continue
        n = periods.ordinal(r["period"], ind["frequency"])
        if numbers.read(r["value"]).is_number and (key not in figures or n > figures[key][0]):
            figures[key] = (n, r["value"])
    return [{"indicator": k[0], "area": k[1], "team": k[2], "year": year, "value": v} for k, (_, v) in figures.items()
            if _complete(ds, k, year, [*ds.records("observations.csv"), *rows])]


def _complete(ds: Dataset, key: tuple, year: str, rows: list[dict[str, str]]) -> bool:
    """Whether the series has its year's last period (an outturn is known only once the year is over)."""
    ind = ds.indicators[key[0]]
    freq, basis = ind["frequency"], ind["year_basis"]
    for r in rows:
        if (r["indicator"], r["area"], r["team"]) == key and periods.year_of(r["period"], freq, basis) == year:
            nxt = periods.shift(r["period"], freq, 1)
            if periods.year_of(nxt, freq, basis) != year:
                return True
    return False


def write(rows: list[dict[str, str]], folder: Path, name: str, columns: list[str]) -> Path:
    """Write rows to ``folder/SYNTHETIC-<name>.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"SYNTHETIC-{name}.csv"
    path.write_text(csvfile.to_text(columns, rows), encoding="utf-8", newline="")
    return path


def write_months(data: Path, through: str, folder: Path, seed: int = SEED) -> dict[str, tuple[Path, list[dict]]]:
    """The SYNTHETIC files for every period up to ``through``: observations, and targets and outturns
    for reporting years that start on the way. Returns {kind: (path, rows)}."""
    ds, report = load(data)
    if ds is None:
        raise SystemExit("\n".join(p.line() for p in report.errors))
    rows = generate(ds, through, seed)
    out = {"observations": (write(rows, folder, f"observations-{through}", OBS_COLUMNS), rows)}
    targets, outturns = [], []
    for basis, year in new_years(ds, through).items():
        targets += targets_for(ds, year, basis, seed)
        outturns += outturns_for(ds, periods.shift(year, "annual", -1), rows, seed)
    if targets:
        out["targets"] = (write(targets, folder, f"targets-{through}", TARGET_COLUMNS), targets)
    if outturns:
        out["outturns"] = (write(outturns, folder, f"outturns-{through}", OUTTURN_COLUMNS), outturns)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    ap.add_argument("--through", required=True, help="last month to generate, e.g. 2026-02")
    ap.add_argument("--out", type=Path, required=True, help="folder to write the SYNTHETIC CSV files to")
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args(argv)
    try:
        periods.Month.parse(a.through)
    except periods.PeriodError as exc:
        ap.error(f"--through: {exc}")
    for _, (path, rows) in write_months(a.data, a.through, a.out, a.seed).items():
        print(f"wrote {len(rows)} SYNTHETIC rows to {path}")


if __name__ == "__main__":
    sys.exit(main())
