"""Time `scorecard build` for a whole edition: papermill stage and publishing stage, cold and after edits.

    python benchmarks/build_edition.py [--month 2026-01] [--engine builtin] [--jobs N] [--keep DIR]

Three builds of the same edition, each `scorecard build` run as a command (so start-up counts):

1. cold: nothing executed or published yet;
2. after a commentary-only edit (a sentence added to a copy of the social care commentary):
   only that section's notebook is executed again, then the site and PDF are published;
3. nothing changed: publishing only.

Works in a temporary folder (or --keep DIR) with a copy of the commentary, so the repository's
build/, _site/ and commentary/ are not touched. Aims: the whole edition, site and PDF, under
60 s on a 2-core machine; a commentary-only rebuild under 10 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(month: str, work: Path, engine: str, jobs: int | None) -> dict:
    cmd = [sys.executable, "-m", "scorecard", "build", "--month", month, "--engine", engine,
           "--data", str(ROOT / "data"), "--commentary", str(work / "commentary"), "--params", str(ROOT / "params"),
           "--build-dir", str(work / "build"), "--out", str(work / "_site")]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"scorecard build failed (exit {done.returncode})")

    def seconds(name: str) -> float:
        m = re.search(rf"^{name} stage: ([\d.]+) s", done.stdout, re.M)
        return float(m.group(1)) if m else float("nan")

    ran = re.search(r"^papermill stage: [\d.]+ s \((.*)\)", done.stdout, re.M)
    return {"wall": wall, "papermill": seconds("papermill"), "publishing": seconds("publishing"),
            "ran": ran.group(1) if ran else "",
            "detail": [ln for ln in done.stdout.splitlines() if ln.startswith("  ")]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", default="2026-01")
    ap.add_argument("--engine", default="builtin", choices=["builtin", "quarto"])
    ap.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: CPU count)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="scorecard-build-bench-"))
    try:
        if work.exists() and args.keep:
            shutil.rmtree(work / "build", ignore_errors=True)
            shutil.rmtree(work / "_site", ignore_errors=True)
            shutil.rmtree(work / "commentary", ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        shutil.copytree(ROOT / "commentary", work / "commentary")
        print(f"scorecard build --month {args.month} --engine {args.engine} on {os.cpu_count()} cores "
              f"(work folder {work})")
        rows = []
        rows.append(("cold (whole edition)", build(args.month, work, args.engine, args.jobs)))
        text = work / "commentary" / args.month / "social-care.md"
        text.write_text(text.read_text(encoding="utf-8") + "\n\nBenchmark: one more sentence of commentary.\n",
                        encoding="utf-8")
        rows.append(("commentary-only edit", build(args.month, work, args.engine, args.jobs)))
        rows.append(("nothing changed", build(args.month, work, args.engine, args.jobs)))
        print(f"{'build':<24}{'papermill':>11}{'publishing':>12}{'wall':>9}  notebooks")
        for name, r in rows:
            print(f"{name:<24}{r['papermill']:>9.1f} s{r['publishing']:>10.1f} s{r['wall']:>7.1f} s  {r['ran']}")
        for name, r in rows:
            print(f"{name}: " + "; ".join(d.strip() for d in r["detail"]))
        cold, edit = rows[0][1]["wall"], rows[1][1]["wall"]
        print(f"aims: whole edition < 60 s: {'met' if cold < 60 else 'NOT met'} ({cold:.1f} s); "
              f"commentary-only rebuild < 10 s: {'met' if edit < 10 else 'NOT met'} ({edit:.1f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
