"""Edition parameters: the shipped file loads, and each mistake is one line naming the file, line and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scorecard import params
from scorecard.problems import EXIT_INVALID, ScorecardError

ROOT = Path(__file__).resolve().parents[1]
JANUARY = ROOT / "params" / "2026-01.yml"


def test_january_parameters(dataset):
    p = params.load(JANUARY, "2026-01", dataset)
    assert p.month == "2026-01" and p.month_label == "January 2026"
    assert p.publication_date == dt.date(2026, 2, 23) and p.publication_label == "23 February 2026"
    assert p.districts == dataset.districts and len(p.districts) == 12
    cype8 = [n for n in p.notes if "CYPE8" in n.indicators]
    assert len(cype8) == 1 and cype8[0].guidance and "Ministry of Justice" in cype8[0].text
    assert p.notes_for(blocks=["ics-quarterly"], indicators=["CYPE8"]) == cype8
    assert all(n.blocks or n.sections or n.indicators for n in p.notes)


def broken(tmp_path: Path, old: str, new: str, name: str = "2026-01.yml") -> Path:
    text = JANUARY.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def lines_of(path: Path, dataset, month: str = "2026-01") -> list[str]:
    with pytest.raises(ScorecardError) as exc:
        params.load(path, month, dataset)
    assert exc.value.code == EXIT_INVALID
    return exc.value.lines


def line_no(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text().splitlines(), start=1) if needle in ln)


def test_unknown_district_names_file_line_and_key(tmp_path, dataset):
    path = broken(tmp_path, "  - Dover\n", "  - Dovr\n")
    (line,) = lines_of(path, dataset)
    assert line.startswith(f"ERROR: {path}:{line_no(path, 'Dovr')} [districts[3]]: unknown district 'Dovr'")


def test_missing_month_and_wrong_month(tmp_path, dataset):
    path = broken(tmp_path, 'month: "2026-01"\n', "")
    assert any("[month]: a value is required" in ln for ln in lines_of(path, dataset))
    path = broken(tmp_path, 'month: "2026-01"', 'month: "2026-02"')
    got = lines_of(path, dataset)
    assert any("does not match the file name 2026-01.yml" in ln for ln in got)
    assert any("not the edition being built (2026-01)" in ln for ln in got)


def test_every_problem_is_reported_once_on_its_own_line(tmp_path, dataset):
    path = broken(tmp_path, "publication_date: 2026-02-23", "publication_date: 23/02/2026")
    path.write_text(path.read_text().replace("blocks: [vl-primary]", "blocks: [vl-prim]")
                    .replace("produced_by:", "producer:"), encoding="utf-8")
    got = lines_of(path, dataset)
    assert len(got) == 3, got
    assert any("[publication_date]: '23/02/2026' is not a date" in ln for ln in got)
    assert any(f":{line_no(path, 'vl-prim')} [notes[8].blocks]: unknown block 'vl-prim'" in ln for ln in got)
    assert any("unknown key 'producer'" in ln for ln in got)
    assert all("\n" not in ln for ln in got)


def test_missing_file_and_bad_yaml(tmp_path, dataset):
    with pytest.raises(ScorecardError) as exc:
        params.load(tmp_path / "2026-02.yml", "2026-02", dataset)
    assert "parameters file is missing" in exc.value.lines[0]
    bad = tmp_path / "2026-01.yml"
    bad.write_text("month: [2026-01\n", encoding="utf-8")
    assert "not valid YAML" in lines_of(bad, dataset)[0]
