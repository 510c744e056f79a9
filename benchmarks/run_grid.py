"""Time a full `scorecard run`: wall time of the grid and of each notebook (from manifest.json).

    python benchmarks/run_grid.py [--month 2026-01] [--jobs N] [--out DIR]

Runs into a temporary folder unless --out is given, so build/ is not touched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from scorecard import runner
from scorecard.problems import ScorecardError

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", default="2026-01")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="scorecard-bench-") as tmp:
        out = args.out or Path(tmp)
        start = time.perf_counter()
        try:
            result = runner.run(args.month, data_dir=ROOT / "data", out_dir=out, jobs=args.jobs)
        except ScorecardError as exc:
            print("\n".join(exc.lines), file=sys.stderr)
            return exc.code
        wall = time.perf_counter() - start
        manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    entries = sorted(manifest["notebooks"], key=lambda e: -e["seconds"])
    total = sum(e["seconds"] for e in entries)
    print(f"grid: {len(entries)} notebooks, {args.jobs} jobs, {os.cpu_count()} cores")
    print(f"wall time {wall:7.1f} s   (sum of notebook times {total:.1f} s, "
          f"speed-up {total / wall:.2f}x)")
    print(f"{'notebook':<34}{'seconds':>9}")
    for e in entries:
        print(f"{e['name']:<34}{e['seconds']:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
