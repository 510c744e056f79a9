"""`scorecard validate`: every problem on one line naming file, row and problem; never a traceback."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorecard", *args], capture_output=True, text=True)


def edit_csv(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def row_of(rows, **match) -> int:
    header = rows[0]
    for i, r in enumerate(rows[1:], start=1):
        if all(r[header.index(k)] == v for k, v in match.items()):
            return i
    raise LookupError(match)


def set_cell(rows, i, column, value):
    rows[i][rows[0].index(column)] = value


def drop_column(rows, column):
    i = rows[0].index(column)
    for r in rows:
        del r[i]


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_shipped_data_is_valid_and_lists_the_editions_anomalies():
    res = run_cli("validate")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "OK: 0 error(s)" in res.stdout
    assert "numerator 18,853 is larger than denominator 11,694" in res.stdout
    assert "WARNING: data/observations.csv:" in res.stdout
    assert "SCS37" in res.stdout and "80.0%" in res.stdout   # the commentary's wrong target is flagged


def _kent_scs01_jan(rows):
    return row_of(rows, indicator="SCS01", area="Kent", period="2026-01")


CASES = {
    "wrong type": ("observations.csv", lambda rows: set_cell(rows, _kent_scs01_jan(rows), "value", "twenty"),
                   "[value]: 'twenty' is not a number"),
    "missing column": ("observations.csv", lambda rows: drop_column(rows, "denominator"),
                       "missing column(s): denominator"),
    "duplicate key": ("observations.csv", lambda rows: rows.append(list(rows[_kent_scs01_jan(rows)])),
                      "duplicate row: SCS01 / Kent / 2026-01 already given on row"),
    "unknown district": ("observations.csv", lambda rows: set_cell(rows, _kent_scs01_jan(rows), "area", "Kentish Town"),
                         "unknown district 'Kentish Town'"),
    "numerator above denominator": ("observations.csv",
                                    lambda rows: set_cell(rows, _kent_scs01_jan(rows), "numerator", "99999"),
                                    "numerator 99,999 is larger than denominator 23,366 for a percentage"),
    "unknown indicator": ("observations.csv", lambda rows: set_cell(rows, _kent_scs01_jan(rows), "indicator", "XYZ9"),
                          "unknown indicator 'XYZ9'"),
    "value out of range": ("observations.csv", lambda rows: set_cell(rows, _kent_scs01_jan(rows), "value", "140"),
                           "outside the range of a percent"),
    "bad polarity": ("indicators.csv", lambda rows: set_cell(rows, row_of(rows, indicator="SCS01"), "polarity", "Up"),
                     "[polarity]: 'Up' must be one of: H, L, T"),
    "target without polarity": ("indicators.csv",
                                lambda rows: set_cell(rows, row_of(rows, indicator="SCS01"), "polarity", ""),
                                "which has no polarity", "targets.csv"),
    "missing month": ("observations.csv",
                      lambda rows: rows.pop(row_of(rows, indicator="SCS01", area="Kent", period="2025-10")),
                      "missing month(s) 2025-10"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_data_gives_one_line_errors(case, data_copy):
    file, change, expected, *reported = CASES[case]
    edit_csv(data_copy / file, change)
    file = reported[0] if reported else file
    before = digest(data_copy)
    res = run_cli("validate", "--data", str(data_copy))
    assert res.returncode == 2, (case, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout
    errors = [line for line in res.stderr.splitlines() if line.startswith("ERROR:")]
    assert errors, res.stderr
    hit = [line for line in errors if expected in line]
    assert hit, (case, errors)
    # one line naming the file, a row number and the problem
    assert f"{data_copy / file}:" in hit[0]
    row = hit[0].split(f"{data_copy / file}:")[1].split(" ")[0].rstrip(":")
    assert row.isdigit() and int(row) >= 1, hit[0]
    assert digest(data_copy) == before   # validation never writes


def test_unreadable_files(data_copy):
    (data_copy / "benchmarks.csv").write_bytes("indicator,benchmark\nSCS01,Londres £\n".encode("latin-1"))
    (data_copy / "outturns.csv").write_text("")
    res = run_cli("validate", "--data", str(data_copy))
    assert res.returncode == 2
    assert "benchmarks.csv:2: is not UTF-8 text" in res.stderr
    assert "outturns.csv: file is empty" in res.stderr
    assert "Traceback" not in res.stderr


def test_export_needs_figures_for_the_month():
    res = run_cli("export", "--month", "2026-03", "--out", "/tmp/never.csv")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0
    assert "no monthly figures for 2026-03" in res.stderr
    assert not Path("/tmp/never.csv").exists()
