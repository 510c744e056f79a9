"""Every printed cell of the January 2026 edition, compared with an independent extraction of the seed.

``tests/golden/cells-2026-01.csv`` was made by ``tests/golden/extract_cells.py`` from the edition's
text alone (not from data/ or the package). ``scorecard export --cells`` must reproduce every
cell, apart from the source's own inconsistencies listed with their reasons in
``tests/golden/contradictions.csv``: no tolerance, no unlisted difference, no stale entry.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AGREEMENT, SEED, scorecard

GOLDEN = Path(__file__).parent / "golden"
KEY = ("area", "team", "block", "code", "title")


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("cells") / "cells.csv"
    done = scorecard("export", "--month", "2026-01", "--cells", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return _read(out)


def test_extraction_is_reproducible(tmp_path):
    if not SEED.is_file():
        pytest.skip(f"the seed is not beside the repository ({SEED})")
    out = tmp_path / "cells.csv"
    subprocess.run([sys.executable, str(GOLDEN / "extract_cells.py"), str(SEED), str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == (GOLDEN / "cells-2026-01.csv").read_bytes()


def test_every_printed_cell(exported):
    printed = _read(GOLDEN / "cells-2026-01.csv")
    listed = {(tuple(r[k] for k in KEY), r["column"]): r for r in _read(GOLDEN / "contradictions.csv")}
    assert len(exported) == len(printed) == 570
    cells = agree = 0
    unlisted, stale = [], []
    for ours, theirs in zip(exported, printed):
        assert tuple(ours[k] for k in KEY) == tuple(theirs[k] for k in KEY)
        for col, text in theirs.items():
            cells += 1
            key = (tuple(theirs[k] for k in KEY), col)
            if ours[col] == text:
                agree += 1
                if key in listed:
                    stale.append(key)
            elif key not in listed:
                unlisted.append(f"{key}: printed {text!r}, shown {ours[col]!r}")
            else:
                entry = listed[key]
                assert (entry["printed"], entry["shown"]) == (text, ours[col]), key
                assert entry["reason"].strip()
    AGREEMENT.append(f"golden: {agree:,} of {cells:,} printed cells reproduced ({agree / cells:.1%}); "
                     f"{cells - agree} differ, each a listed inconsistency of the source")
    assert not unlisted, unlisted[:20]
    assert not stale, stale


def test_independent_agreement_figures(exported):
    """Ratings and arrows, split by what is independent of the data's own inferences (see README)."""
    printed = _read(GOLDEN / "cells-2026-01.csv")
    green = green_ok = arrows = arrows_ok = red_amber = red_amber_ok = 0
    for ours, theirs in zip(exported, printed):
        for col in ("rag_current", "rag_previous"):
            if theirs[col] in ("RED", "AMBER", "GREEN"):
                green += 1
                green_ok += (theirs[col] == "GREEN") == (ours[col] == "GREEN")
                if theirs[col] != "GREEN" and ours[col] in ("RED", "AMBER"):
                    red_amber += 1
                    red_amber_ok += theirs[col] == ours[col]
        if theirs["dot"] in ("↑", "↓", "↔"):
            arrows += 1
            arrows_ok += theirs["dot"] == ours["dot"]
    AGREEMENT.append(f"independent: GREEN vs not GREEN {green_ok}/{green}; arrows {arrows_ok}/{arrows}. "
                     f"By construction (floors inferred from these ratings): RED vs AMBER {red_amber_ok}/{red_amber}")
    assert green_ok / green > 0.99 and arrows_ok / arrows > 0.95
