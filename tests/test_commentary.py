"""Draft commentary from the engine's figures, and an analyst's edit reaching the published page and PDF.

The expected words are written by hand from the January 2026 tables (figure, target, floor and
where the floor came from: data/targets.csv's floor_source), never read back from the drafts.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scorecard.content import commentary, lint
from scorecard.engine import snapshot
from scorecard.engine.build import Lookup

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def snap():
    return snapshot.make(DATA, "2026-01")


def test_social_care_drafts_are_the_red_and_amber_rows(snap):
    drafts = commentary.drafts(snap, "social-care")
    assert [rag for rag, _ in drafts] == ["RED", "RED"] + ["AMBER"] * 6
    assert all(text.startswith(f"**{rag}:** [DRAFT] ") for rag, text in drafts)
    # in table order within each rating: SCS19, SCS34 RED; SCS08, SCS13, SCS29, SCS40, SCS42, SCS43 AMBER
    assert [t.split(", ")[0].split("At ")[1] for _, t in drafts] == ["68.8%", "54.8%", "88.8%", "26.1%",
                                                                     "429.1 days", "80.7%", "16.1", "21.1"]


def test_red_draft_in_full(snap):
    (rag, text), _ = commentary.drafts(snap, "social-care")[:2]
    assert rag == "RED"
    assert text == ("**RED:** [DRAFT] At 68.8%, the percentage of CIC Foster Care in KCC Foster Care/Rel & Friends "
                    "placements (exc UASC) is below the floor standard of 75.0% (from the commentary) and the target "
                    "of 85.0%. It has worsened from 69.0% (Dec-25).")


def test_inferred_floors_say_so(snap):
    texts = dict((t.split(", ")[0], t) for _, t in commentary.drafts(snap, "social-care"))
    assert "meets the floor standard of 80.0% (inferred)" in texts["**AMBER:** [DRAFT] At 88.8%"]
    assert "meets the floor standard of 470.0 days (inferred)" in texts["**AMBER:** [DRAFT] At 429.1 days"]
    # SCS13: the green band is quoted in the commentary, the floor band is inferred
    scs13 = texts["**AMBER:** [DRAFT] At 26.1%"]
    assert "target range of 17.5% to 22.5% (from the commentary)" in scs13
    assert "floor range of 12.5% to 27.5% (inferred)" in scs13
    (_, eh_caseload), = [d for d in commentary.drafts(snap, "early-help") if "At 15.5" in d[1]]
    assert "target range of 18.0 to 22.0 (inferred)" in eh_caseload and "12.0 to 28.0 (inferred)" in eh_caseload


def test_no_inferred_floor_is_quoted_as_fact(snap):
    """Every floor the January edition uses was not printed (data/targets.csv): each one quoted carries a source."""
    with open(DATA / "targets.csv", encoding="utf-8", newline="") as fh:
        sources = {(r["indicator"], r["year"]): r["floor_source"] for r in csv.DictReader(fh) if r["area"] == "Kent"}
    assert "printed" not in {sources[(r.indicator, "2025-26")] for _, r in commentary.county_rows(snap.edition)
                             if (r.indicator, "2025-26") in sources}
    lk = Lookup(snap.dataset, snap.edition.month)
    quoted = 0
    for t, r in commentary.county_rows(snap.edition):
        text = commentary.draft(snap, t, r, lk)
        for m in re.finditer(r"floor (?:standard|range) of (.*?)(?= and | but |\. |\.$)", text):
            quoted += 1
            assert m.group(1).endswith(("(inferred)", "(from the commentary)")), text
    assert quoted > 30


def test_target_not_printed_says_so(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(ROOT / "params", tmp_path / "params")
    path = data / "targets.csv"
    text = path.read_text(encoding="utf-8")
    old = "SCS08,2025-26,Kent,90.0,,"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "SCS08,2025-26,Kent,,90.0,"), encoding="utf-8")
    snap = snapshot.make(data, "2026-01")
    (_, text), = [d for d in commentary.drafts(snap, "social-care") if "At 88.8%" in d[1]]
    assert "below the target of 90.0% (not printed in the table; rated against 90.0)" in text


def test_policies(snap):
    assert commentary.drafts(snap, "send") == []                        # none
    (rag, text), = commentary.drafts(snap, "education")                 # changed: EH43 only (35 in Dec, 32 in Jan)
    assert rag == "RED" and text.startswith("**RED:** [DRAFT] At 32, the number of pupils permanently excluded from "
                                            "the primary phase")
    assert "floor standard of 28 (inferred) and the target of 25" in text and "from 35 (Dec-25)" in text


def test_drafts_agree_with_the_tables(snap):
    """A draft is matched to its own indicator and raises no finding (lint and drafts read the same rows)."""
    rows = commentary.county_rows(snap.edition)
    matcher = lint.Matcher([r for _, r in rows])
    lk = Lookup(snap.dataset, snap.edition.month)
    month = lint.periods.Month.parse("2026-01")
    for t, r in rows:
        (rag, text), = lint.paragraphs(commentary.draft(snap, t, r, lk))
        assert rag == r.rag
        assert matcher.match(text, r.section) == r.indicator, text
        assert lint.check_paragraph(lint.Paragraph("x", r.section, 1, 1, rag, text), lint.facts_of(t, r), month) == []


# --- an analyst edits a paragraph; the site and PDF take the new words ---------------------------

def _build(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorecard", "build", "--month", "2026-01", "--data",
                           str(repo / "data"), "--out", str(repo / "_site"), "-q"], cwd=repo,
                          env={**os.environ, "SCORECARD_TODAY": "2026-03-15"}, capture_output=True, text=True,
                          timeout=900)


def _pages(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((site / "2026-01").glob("*.html"))}


@pytest.mark.timeout(1200)
def test_edited_commentary_is_published(tmp_path):
    repo = tmp_path / "repo"
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, repo / name)
    r = _build(repo)
    assert r.returncode == 0, r.stderr
    assert "WARNING: 1 commentary finding(s); see `scorecard lint --month 2026-01`" in r.stderr.splitlines()
    before = _pages(repo / "_site")

    new = "which is above the Target level of 85.0%; the quince-orchard audit cycle continues"
    path = repo / "notebooks" / "2026-01" / "social-care.ipynb"
    nb = nbformat.read(path, as_version=4)
    old = "which is at the Target level of 80.0%"
    assert nb.cells[8].source.count(old) == 1
    nb.cells[8].source = nb.cells[8].source.replace(old, new)
    nbformat.write(nb, path)
    r = _build(repo)
    assert r.returncode == 0, r.stderr
    assert "commentary finding" not in r.stderr          # the SCS37 slip is fixed
    after = _pages(repo / "_site")

    assert after["social-care.html"].count("quince-orchard audit cycle") == 1
    assert old not in after["social-care.html"]
    assert {k: v for k, v in after.items() if k != "social-care.html"} == \
        {k: v for k, v in before.items() if k != "social-care.html"}
    pdf = subprocess.run(["pdftotext", "-layout", str(repo / "_site" / "2026-01" / "scorecard-2026-01.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert " ".join(pdf.split()).count("quince-orchard audit cycle continues") == 1
    assert "Target level of 80.0%" not in " ".join(pdf.split())
