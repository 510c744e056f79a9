"""Quarto's pre-render and post-render steps for the root _quarto.yml: `python -m scorecard.publish.quarto`.

Quarto runs this file with the Python it finds (QUARTO_PYTHON, or python3 on PATH), which may not be the
one the scorecard is installed in; so it runs the package with the first of: this Python, if it has the
package; the repository's .venv (scripts/setup.sh makes it). Standard library only.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def has_scorecard(python: str) -> bool:
    return subprocess.run([python, "-c", "import scorecard.publish.quarto"], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def main() -> int:
    for python in (sys.executable, str(ROOT / ".venv" / "bin" / "python")):
        if python and os.path.exists(python) and has_scorecard(python):
            return subprocess.run([python, "-m", "scorecard.publish.quarto", *sys.argv[1:]], cwd=ROOT).returncode
    print("ERROR: the scorecard package is not installed for Quarto's Python: run `bash scripts/setup.sh`, or set "
          "QUARTO_PYTHON to the Python that has it (e.g. .venv/bin/python)", file=sys.stderr)
    return 4


if __name__ == "__main__":
    sys.exit(main())
