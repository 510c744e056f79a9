"""How long a whole edition takes to build, on a copy of the project (prints figures; asserts nothing).

Measured in one run, each on a fresh copy of the project's inputs:

- naive: every page's notebook executed one after another by plain papermill, each in a fresh
  kernel: the ``papermill`` command once per page, as a shell loop would run it
  (``--executor fresh --jobs 1``), then the same publishing;
- cold: ``scorecard build`` with nothing built before (warm kernels, the project's default);
- commentary-only: one paragraph of commentary edited in a section notebook, then ``scorecard build``;
- nothing-changed: ``scorecard build`` again.

The last line is ``cold S s; commentary-only S s; nothing-changed S s; naive S s; speed-up X×``
(speed-up = naive / cold). Peak memory is the largest process's resident size.

    python benchmarks/build_edition.py [--month 2026-01] [--skip-naive]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(dest: Path) -> Path:
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, dest / name)
    return dest / "data"


def build(data: Path, month: str, *extra: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scorecard", "build", "--month", month, "--data", str(data),
                           "--out", str(data.parent / "_site"), "--quiet", "--verbose", *extra],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def edit_commentary(data: Path, month: str) -> Path:
    """Change one paragraph of the first section notebook that has commentary."""
    folder = data.parent / "notebooks" / month
    for path in sorted(folder.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] == "markdown" and "**" in text:
                cell["source"] = text + "\n\n**GREEN:** (benchmark edit) A sentence added by the benchmark."
                path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
                return path
    sys.exit("no commentary cell to edit")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", default="2026-01")
    ap.add_argument("--skip-naive", action="store_true", help="leave out the naive path (quicker)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="scorecard-bench-") as tmp:
        tmp = Path(tmp)
        naive = float("nan")
        if not args.skip_naive:
            data = copy_project(tmp / "naive")
            naive, _ = build(data, args.month, "--executor", "fresh", "--jobs", "1")
            print("naive (the papermill command per page, a fresh kernel each, one at a time) + publishing: "
                  f"{naive:.1f} s")
        data = copy_project(tmp / "project")
        cold, out = build(data, args.month)
        print(f"cold build: {cold:.1f} s")
        print("  " + "\n  ".join(line for line in out.splitlines()[1:] if line.strip()))
        edited = edit_commentary(data, args.month)
        commentary, out = build(data, args.month)
        print(f"commentary-only rebuild ({edited.name}): {commentary:.1f} s")
        print("  " + "\n  ".join(line for line in out.splitlines()[1:] if line.strip()))
        nothing, _ = build(data, args.month)
        print(f"nothing-changed rebuild: {nothing:.1f} s")
        print(f"peak memory (largest process): {peak_mb():.0f} MB")
    speed = naive / cold if naive == naive else float("nan")
    print(f"cold {cold:.1f} s; commentary-only {commentary:.1f} s; nothing-changed {nothing:.1f} s; "
          f"naive {naive:.1f} s; speed-up {speed:.1f}×")


if __name__ == "__main__":
    main()
