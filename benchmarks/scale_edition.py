"""Does the cost grow linearly? A SYNTHETIC edition with 10× the districts and 10× the months.

Makes a copy of the project whose data has, besides the 12 districts, SYNTHETIC districts up to
``--districts`` (each with a social work team and an early help unit whose figures are copies of
Ashford's, marked ``quality=synthetic``), and monthly history back to ``--months`` months; then
builds it with the same command as the real edition (`scorecard build`), and prints the time and the
peak memory beside those of the real edition, with the ratio per district page.

    python benchmarks/scale_edition.py [--districts 120] [--months 70] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from scorecard.rules.periods import Month  # noqa: E402

TEMPLATE_DISTRICT = "Ashford"


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def make(dest: Path, districts: int, months: int) -> Path:
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, dest / name)
    data = dest / "data"
    h, areas = _read(data / "areas.csv")
    h_t, teams = _read(data / "teams.csv")
    h_o, obs = _read(data / "observations.csv")
    h_tg, targets = _read(data / "targets.csv")
    h_ot, outturns = _read(data / "outturns.csv")
    existing = [a for a in areas if a["kind"] == "district"]
    new = [f"Synthetic District {i:03d}" for i in range(len(existing) + 1, districts + 1)]
    tmpl_teams = {t["service"]: t["team"] for t in teams if t["districts"] == TEMPLATE_DISTRICT}
    for i, name in enumerate(new, start=len(areas)):
        areas.append({"area": name, "kind": "district", "order": str(i)})
        for service in tmpl_teams:
            teams.append({"team": f"{name} {service}", "service": service, "districts": name,
                          "order": str(len(teams) + 1)})
    by_team = {team: service for service, team in tmpl_teams.items()}
    extra = []
    for r in obs:
        for name in new:
            if r["area"] == TEMPLATE_DISTRICT:
                extra.append({**r, "area": name, "quality": "synthetic", "note": "SYNTHETIC"})
            elif r["team"] in by_team:
                extra.append({**r, "team": f"{name} {by_team[r['team']]}", "quality": "synthetic",
                              "note": "SYNTHETIC"})
    obs += extra
    for rows in (targets, outturns):
        rows += [{**r, "area": name} for r in list(rows) if r.get("area") == TEMPLATE_DISTRICT for name in new]
    outturns += [{**r, "team": f"{name} {by_team[r['team']]}"} for r in list(outturns) if r["team"] in by_team
                 for name in new]
    # monthly history back to `months` months before the edition's month
    _, inds = _read(data / "indicators.csv")
    monthly = {i["indicator"] for i in inds if i["frequency"] == "monthly"}
    _, rows_layout = _read(data / "layout" / "rows.csv")
    in_tables = {r["indicator"] for r in rows_layout}
    first: dict[tuple, dict] = {}
    for r in obs:
        if r["indicator"] in monthly & in_tables:
            key = (r["indicator"], r["area"], r["team"])
            if key not in first or r["period"] < first[key]["period"]:
                first[key] = r
    start = Month.parse("2026-01").shift(-(months - 1))
    history = []
    for r in first.values():
        m = start
        while str(m) < r["period"]:
            history.append({**r, "period": str(m), "numerator": "", "denominator": "", "quality": "synthetic",
                            "note": "SYNTHETIC history"})
            m = m.shift(1)
    obs += history
    _write(data / "areas.csv", h, areas)
    _write(data / "teams.csv", h_t, teams)
    _write(data / "observations.csv", h_o, obs)
    _write(data / "targets.csv", h_tg, targets)
    _write(data / "outturns.csv", h_ot, outturns)
    params = dest / "params" / "2026-01.yml"
    text = params.read_text(encoding="utf-8")
    params.write_text(text, encoding="utf-8")   # districts: absent = every district of areas.csv
    return data


def run(data: Path) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scorecard", "build", "--month", "2026-01", "--data", str(data),
                           "--out", str(data.parent / "_site"), "--quiet", "--draft"], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stderr[-3000:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    pdf = data.parent / "_site" / "2026-01" / "scorecard-2026-01.pdf"
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages")), "?")
    return seconds, peak, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=120)
    ap.add_argument("--months", type=int, default=70)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="scorecard-scale-") as tmp:
        tmp = Path(tmp)
        results = []
        if not args.skip_baseline:
            data = make(tmp / "x1", 12, 7)
            results.append((12, 7, *run(data)))
        data = make(tmp / "x10", args.districts, args.months)
        n_obs = sum(1 for _ in (data / "observations.csv").open()) - 1
        results.append((args.districts, args.months, *run(data)))
    for districts, months, seconds, peak, pages in results:
        print(f"{districts} districts, {months} months of history: {seconds:.1f} s, peak memory {peak:.0f} MB, "
              f"PDF {pages} pages")
    print(f"(the large edition has {n_obs:,} figures)")
    if len(results) == 2:
        (d1, _, s1, m1, _), (d2, _, s2, m2, _) = results
        print(f"time ×{s2 / s1:.1f} and memory ×{m2 / m1:.1f} for ×{d2 / d1:.0f} the district pages: "
              f"{s1 / (d1 + 6):.2f} s and {s2 / (d2 + 6):.2f} s per page")


if __name__ == "__main__":
    main()
