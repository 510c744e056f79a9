"""A differently shaped SYNTHETIC edition (tests/editions/kent-only) builds end to end with data only.

Kent only, no districts, other sections, a table mixing monthly and quarterly rows with Latest ·
Target · RAG · Previously reported · DOT · last year's Outturn/Target/RAG and no trend columns, an
annual table, a row with a target but no rating, and a single-figure T target shown but not rated.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import scorecard

EDITION = Path(__file__).parent / "editions" / "kent-only"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("kent-only")
    for name in ("data", "params", "notebooks"):
        shutil.copytree(EDITION / name, base / name)
    for args in (["validate"], ["run", "--month", "2026-01"],
                 ["build", "--month", "2026-01", "--out", str(base / "_site")]):
        done = scorecard(*args, "--data", str(base / "data"))
        assert done.returncode == 0, (args, done.stderr[-2000:])
    return base


def test_export_of_every_cell(built):
    out = built / "cells.csv"
    done = scorecard("export", "--month", "2026-01", "--cells", "--data", str(built / "data"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = {r["code"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert list(rows) == ["P1", "P2", "P3", "P4", "P5", "A1", "A2"]
    p1 = rows["P1"]
    assert (p1["trend"], p1["target_current"], p1["rag_current"], p1["dot"]) == ("86.2", "85.0", "GREEN", "↑")
    assert (p1["outturn_previous"], p1["target_previous"], p1["rag_previous"]) == ("79.6", "85.0", "RED")
    assert rows["P2"]["target_current"] == "90.0" and rows["P2"]["rag_current"] == ""   # target, no rating
    assert rows["P3"]["trend"] == "36.1" and rows["P3"]["rag_current"] == "RED"          # a quarterly row
    assert rows["P4"]["target_current"] == "17.5" and rows["P4"]["rag_current"] == ""    # T without a tolerance
    assert rows["A1"]["trend"] == "66.0|67.5|68.0|69.1" and rows["A1"]["rag_previous"] == "AMBER"


def test_the_site_has_the_edition_s_own_sections_and_columns(built):
    site = built / "_site" / "2026-01"
    pages = sorted(p.name for p in site.glob("*.html"))
    assert pages == ["attainment.html", "index.html", "performance.html", "qa.html", "reference.html", "search.html"]
    html = (site / "performance.html").read_text(encoding="utf-8")
    heads = re.findall(r'<th[^>]*class="gt_col_heading[^"]*"[^>]*>(.*?)</th>', html, re.S)
    labels = [re.sub(r"<[^>]+>", "", h).strip() for h in heads]
    for wanted in ("Latest Result", "Target", "RAG", "Previously Reported Result", "DOT", "Outturn 2024-25",
                   "Target 2024-25", "RAG 2024-25"):
        assert wanted in labels, labels
    assert "Monthly Trends" not in html and "District" not in html
    assert "SYNTHETIC DATA" in html


def test_the_pdf(built):
    pdf = built / "_site" / "2026-01" / "scorecard-2026-01.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Previously Reported Result" in text and "SYNTHETIC" in text
    assert "Page 1 of" not in text and re.search(r"Page 2 of \d+", text)
