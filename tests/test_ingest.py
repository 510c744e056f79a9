"""`scorecard ingest`: CSV and .xlsx in, merged into data/ all or nothing; re-ingesting changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import synthetic
from cli_run import run_cli, tree_hash
from openpyxl import load_workbook

from scorecard import ingest
from scorecard.problems import EXIT_CONFLICT, ScorecardError

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "data" / "templates"
HEADER = "indicator,area,team,period,value,numerator,denominator,status,note\n"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_ingest_adds_rows_after_their_series_and_keeps_every_other_byte(data_copy, tmp_path, capsys,
                                                                            monkeypatch):
    original = (data_copy / "observations.csv").read_bytes()
    src = tmp_path / "feb.csv"
    src.write_text(HEADER + "SCS01,Kent,,2026-02,22.6,,,,SYNTHETIC test row\n"
                   "SCS08,Kent,,2026-02,89.00,,,ok,SYNTHETIC test row\n", encoding="utf-8")
    code, out, err = run_cli(["ingest", src, "--data", data_copy], capsys, monkeypatch)
    assert code == 0, err
    assert "observations.csv: 2 added, 0 replaced, 0 unchanged" in out
    assert "monthly series have figures for 2026-01 but none for 2026-02" in out  # partial month warned
    after = (data_copy / "observations.csv").read_bytes().decode("utf-8").splitlines(keepends=True)
    added = [ln for ln in after if ln.endswith("SYNTHETIC test row\n")]
    assert added == ["SCS01,Kent,,2026-02,22.6,,,ok,SYNTHETIC test row\n",  # blank status with a value -> ok
                     "SCS08,Kent,,2026-02,89,,,ok,SYNTHETIC test row\n"]    # 89.00 written as the data spells it
    assert "".join(ln for ln in after if ln not in added).encode() == original
    i = after.index(added[0])
    assert after[i - 1].startswith("SCS01,Kent,,2026-01,")  # right after its series' January row


def test_reingesting_the_same_file_is_a_no_op(data_copy, tmp_path, capsys, monkeypatch):
    src = tmp_path / "feb.csv"
    src.write_text(HEADER + "SCS01,Kent,,2026-02,22.6,,,ok,SYNTHETIC\n", encoding="utf-8")
    assert run_cli(["ingest", src, "--data", data_copy], capsys, monkeypatch)[0] == 0
    before = tree_hash(data_copy)
    code, out, err = run_cli(["ingest", src, "--data", data_copy], capsys, monkeypatch)
    assert code == 0 and err == ""
    assert "nothing to change" in out
    assert tree_hash(data_copy) == before


def test_conflict_needs_replace(data_copy, tmp_path, capsys, monkeypatch):
    src = tmp_path / "fix.csv"
    src.write_text(HEADER + "SCS01,Kent,,2026-01,22.5,5239,23366,ok,corrected\n", encoding="utf-8")
    before = tree_hash(data_copy)
    code, out, err = run_cli(["ingest", src, "--data", data_copy], capsys, monkeypatch)
    assert code == EXIT_CONFLICT
    assert "already in observations.csv with value 22.4" in err and "use --replace" in err
    assert tree_hash(data_copy) == before
    code, out, err = run_cli(["ingest", src, "--data", data_copy, "--replace"], capsys, monkeypatch)
    assert code == 0, err
    assert "0 added, 1 replaced" in out
    rows = [r for r in _rows(data_copy / "observations.csv")
            if (r["indicator"], r["area"], r["period"]) == ("SCS01", "Kent", "2026-01")]
    assert [(r["value"], r["note"]) for r in rows] == [("22.5", "corrected")]


def _tidy_workbook(path: Path, *extra_observations: list) -> Path:
    """A workbook with tidy observations and targets sheets (SYNTHETIC rows)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(HEADER.strip().split(","))
    ws.append(["SCS01", "Kent", None, "2026-02", 22.6, None, None, "ok", "SYNTHETIC"])
    for row in extra_observations:
        ws.append(row)
    tg = wb.create_sheet("targets")
    tg.append(ingest.COLUMNS["targets"])
    tg.append(["SCS01", "2026-27", "Kent", 24, None, None, None, 30, None, None, "business plan", None, "SYNTHETIC"])
    wb.save(path)
    return path


def test_an_error_in_the_merged_data_leaves_every_file_alone(data_copy, tmp_path):
    """Targets and observations in one workbook: a bad observation stops the targets too."""
    _tidy_workbook(tmp_path / "month.xlsx", ["SCS99", "Kent", None, "2026-02", 1.0, None, None, "ok", "SYNTHETIC"])
    before = tree_hash(data_copy)
    with pytest.raises(ScorecardError) as exc:
        ingest.ingest(tmp_path / "month.xlsx", data_copy)
    assert exc.value.lines == [f"ERROR: {tmp_path / 'month.xlsx'}[observations]:3 [indicator]: "
                               "unknown indicator 'SCS99'"]
    assert tree_hash(data_copy) == before


def test_a_failed_swap_puts_back_the_files_already_replaced(data_copy, tmp_path, monkeypatch):
    _tidy_workbook(tmp_path / "month.xlsx")
    before = tree_hash(data_copy)
    real, calls = ingest.os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real(src, dst)

    monkeypatch.setattr(ingest.os, "replace", flaky)
    with pytest.raises(ScorecardError, match="nothing was changed"):
        ingest.ingest(tmp_path / "month.xlsx", data_copy)
    assert tree_hash(data_copy) == before


def test_template_workbook_round_trip(data_copy, tmp_path, capsys, monkeypatch):
    """Fill two rows of a generated month workbook (one period typed by Excel as a date); the rest stay out."""
    book = tmp_path / "month-2026-02.xlsx"
    code, out, err = run_cli(["template", "--month", "2026-02", "--data", data_copy, "--out", book],
                             capsys, monkeypatch)
    assert code == 0, err
    wb = load_workbook(book)
    assert {"about", "ics-monthly", "district-ics-monthly", "targets", "outturns"} <= set(wb.sheetnames)
    ws = wb["ics-monthly"]
    header = [c.value for c in ws[1]]
    rows = {(r[0].value, r[3].value): r for r in ws.iter_rows(min_row=2)}
    assert all(r[header.index("period")].value == "2026-02" for r in rows.values())
    scs01, scs08 = rows[("SCS01", "Kent")], rows[("SCS08", "Kent")]
    scs01[header.index("value")].value = 22.6
    scs08[header.index("value")].value = 89.1
    scs08[header.index("period")].value = dt.datetime(2026, 2, 1)  # what Excel makes of "2026-02"
    wb.save(book)
    code, out, err = run_cli(["ingest", book, "--data", data_copy], capsys, monkeypatch)
    assert code == 0, err
    assert "observations.csv: 2 added" in out
    new = [r for r in _rows(data_copy / "observations.csv") if r["period"] == "2026-02"]
    assert sorted((r["indicator"], r["value"]) for r in new) == [("SCS01", "22.6"), ("SCS08", "89.1")]


def test_workbook_without_data_sheets(tmp_path, data_copy):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "odd.xlsx")
    with pytest.raises(ScorecardError, match=r"odd.xlsx:1: no sheet named observations, targets, outturns"):
        ingest.ingest(tmp_path / "odd.xlsx", data_copy)


@pytest.mark.parametrize("text,expected", [("22.40", "22.4"), ("1,683", "1683"), ("89.00", "89"), ("", ""),
                                           ("0.1", "0.1"), ("-0", "0"), ("abc", "abc")])
def test_canonical_number(text, expected):
    assert ingest.canonical_number(text) == expected


def test_shipped_templates_match_the_data_files():
    for kind in ("observations", "targets", "outturns"):
        header = (TEMPLATES / f"{kind}-template.csv").read_text(encoding="utf-8").splitlines()
        data_header = (ROOT / "data" / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == [data_header]
    wb = load_workbook(TEMPLATES / "month-template.xlsx", read_only=True)
    blocks = [r.split(",")[0] for r in (ROOT / "data/layout/blocks.csv").read_text().splitlines()[1:]]
    assert wb.sheetnames == ["about", *blocks, "targets", "outturns"]
    assert "scorecard template --month" in (TEMPLATES / "README.md").read_text(encoding="utf-8")


def test_synthetic_file_is_labelled(data_copy, tmp_path):
    path, rows = synthetic.write_month(data_copy, "2026-02", tmp_path)
    assert "SYNTHETIC" in path.name
    assert rows and all("SYNTHETIC" in r["note"] for r in rows)


def test_tidy_workbook_adds_observations_and_targets(data_copy, tmp_path):
    outcome = ingest.ingest(_tidy_workbook(tmp_path / "month.xlsx"), data_copy)
    assert (outcome.added["observations.csv"], outcome.added["targets.csv"]) == (1, 1)
    new = [r for r in _rows(data_copy / "targets.csv") if r["year"] == "2026-27"]
    assert [(r["indicator"], r["target"], r["floor"], r["target_source"]) for r in new] == [
        ("SCS01", "24", "30", "business plan")]


def test_help_walks_through_the_month(capsys, monkeypatch):
    code, out, err = run_cli(["--help"], capsys, monkeypatch)
    assert code == 0
    for command in ("template", "ingest", "new-month", "lint"):
        assert command in out
    code, out, err = run_cli(["ingest", "--help"], capsys, monkeypatch)
    assert "--replace" in out and "exit" in out.lower()
