"""`scorecard ingest`: figures in, merged into data/ all or nothing; bad input is one line, exit 2, data/ unchanged.

Every case runs the CLI in a subprocess against a private copy of data/ (the shipped data ends
in January 2026; "today" is pinned to 2026-03-15 so February is a month that has ended).
Expected lines, counts and rows are written out here by hand from the shipped files.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from ingest_support import HEADER, copy_data, lines, scorecard, tree_hash, write_csv

from scorecard.errors import EXIT_BUSY, EXIT_CONFLICT, EXIT_INVALID, ScorecardError

SCS01_JAN = 'SCS01,Kent,,2026-01,22.4,"5,239","23,366",,'   # line 71 of the shipped observations.csv


@pytest.fixture()
def data(tmp_path):
    return copy_data(tmp_path)


def _obs(data) -> list[str]:
    return (data / "observations.csv").read_text(encoding="utf-8").splitlines()


# ---------------------------------------------------------------- good files


def test_csv_adds_rows_beside_their_series_and_keeps_every_other_byte(data, tmp_path):
    before = _obs(data)
    jan_rows = sum(1 for ln in before if ",2026-01," in ln)     # every printed monthly series has January
    assert jan_rows == 326
    write_csv(tmp_path / "feb.csv", "SCS01,Kent,,2026-02,22.6,,,,SYNTHETIC test row",
              "SCS08,Kent,,2026-02,89.0,,,provisional,SYNTHETIC test row")
    r = scorecard(["ingest", "feb.csv", "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout)[0] == "2 added, 0 replaced, 0 notes updated, 0 unchanged"
    # one summary line: February arrived for 2 of the 326 series that had January
    assert lines(r.stderr) == [
        "WARNING: 2026-02: 324 of the 326 monthly series the edition prints have no figure for 2026-02 yet, so the "
        "edition will show N/A for them (APP17 Kent, APP17-N Kent, APP17-D Kent, APP17-A Kent and 320 more)"]
    after = _obs(data)
    i = after.index(SCS01_JAN)
    assert after[i + 1] == "SCS01,Kent,,2026-02,22.6,,,,SYNTHETIC test row"
    j = after.index('SCS08,Kent,,2026-01,88.8,"1,566","1,764",,')
    assert after[j + 1] == "SCS08,Kent,,2026-02,89.0,,,provisional,SYNTHETIC test row"   # as printed: 89.0
    assert [ln for ln in after if "SYNTHETIC test row" not in ln] == before


def test_reingesting_the_same_file_changes_nothing(data, tmp_path):
    write_csv(tmp_path / "feb.csv", "SCS01,Kent,,2026-02,22.6,,,synthetic,SYNTHETIC")
    assert scorecard(["ingest", "feb.csv", "--data", data], tmp_path).returncode == 0
    before = tree_hash(data)
    r = scorecard(["ingest", "feb.csv", "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout) == ["nothing to change (1 unchanged)"]
    assert tree_hash(data) == before


def test_the_same_figure_spelt_differently_is_no_change(data, tmp_path):
    write_csv(tmp_path / "jan.csv", "SCS01,Kent,,2026-01,22.40,5239,23366,,")
    before = tree_hash(data)
    r = scorecard(["ingest", "jan.csv", "--data", data], tmp_path)
    assert (r.returncode, lines(r.stdout)) == (0, ["nothing to change (1 unchanged)"]), r.stderr
    assert tree_hash(data) == before


def test_a_different_figure_is_a_conflict_naming_the_field_and_replace_changes_it(data, tmp_path):
    write_csv(tmp_path / "fix.csv", "SCS01,Kent,,2026-01,25,,,,")
    before = tree_hash(data)
    r = scorecard(["ingest", "fix.csv", "--data", data], tmp_path)
    assert r.returncode == EXIT_CONFLICT == 3
    assert lines(r.stderr) == ["ERROR: fix.csv:2 [value]: SCS01 Kent 2026-01 is already in observations.csv: "
                               "value: data/ has 22.4, the file gives 25 (use --replace to change it)"]
    assert tree_hash(data) == before
    r = scorecard(["ingest", "fix.csv", "--data", data, "--replace"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout)[0] == "0 added, 1 replaced, 0 notes updated, 0 unchanged"
    # the file left numerator and denominator blank (not supplied): data/ keeps them, and the
    # merged check warns that 25 no longer matches them
    assert 'SCS01,Kent,,2026-01,25,"5,239","23,366",,' in _obs(data)
    assert "value 25 does not match 5,239 / 23,366" in r.stderr


def test_a_note_only_difference_is_applied_as_a_note_update(data, tmp_path):
    write_csv(tmp_path / "note.csv", 'SCS01,Kent,,2026-01,22.4,"5,239","23,366",,checked with the service')
    r = scorecard(["ingest", "note.csv", "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout)[0] == "0 added, 0 replaced, 1 notes updated, 0 unchanged"
    after = _obs(data)
    assert 'SCS01,Kent,,2026-01,22.4,"5,239","23,366",,checked with the service' in after
    assert SCS01_JAN not in after


def test_targets_and_outturns_files_are_told_apart_by_their_header(data, tmp_path):
    write_csv(tmp_path / "targets.csv",
              "SCS01,2026-27,Kent,24,,,,30,,business plan,business plan,SYNTHETIC target",
              header="indicator,year,area,target,rated_against,tolerance,tolerance_source,floor,floor_tolerance,"
                     "target_source,floor_source,evidence")
    write_csv(tmp_path / "outturns.csv", "SCS01,Kent,,2025-26,22.5", header="indicator,area,team,year,value")
    for name in ("targets.csv", "outturns.csv"):
        r = scorecard(["ingest", name, "--data", data], tmp_path)
        assert (r.returncode, lines(r.stdout)[0]) == (0, "1 added, 0 replaced, 0 notes updated, 0 unchanged"), r.stderr
    targets = (data / "targets.csv").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(targets) if ln.startswith("SCS01,2025-26,Kent,"))
    assert targets[i + 1] == "SCS01,2026-27,Kent,24,,,,30,,business plan,business plan,SYNTHETIC target"
    assert "SCS01,Kent,,2025-26,22.5" in (data / "outturns.csv").read_text(encoding="utf-8").splitlines()


def test_a_workbook_with_tidy_sheets(data, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(HEADER.split(","))
    ws.append(["SCS01", "Kent", None, "2026-02", "22.6", None, None, "synthetic", "SYNTHETIC"])
    tg = wb.create_sheet("targets")
    tg.append(["indicator", "year", "area", "target", "rated_against", "tolerance", "tolerance_source", "floor",
               "floor_tolerance", "target_source", "floor_source", "evidence"])
    tg.append(["SCS01", "2026-27", "Kent", 24, None, None, None, 30, None, "business plan", "business plan",
               "SYNTHETIC"])
    wb.save(tmp_path / "tidy.xlsx")
    r = scorecard(["ingest", "tidy.xlsx", "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout)[0] == "2 added, 0 replaced, 0 notes updated, 0 unchanged"
    assert "SCS01,Kent,,2026-02,22.6,,,synthetic,SYNTHETIC" in _obs(data)
    assert "SCS01,2026-27,Kent,24,,,,30,,business plan,business plan,SYNTHETIC" in (
        data / "targets.csv").read_text(encoding="utf-8").splitlines()


# ---------------------------------------------------------------- bad files: one line, exit 2, nothing changed

BAD = [
    # (case, body rows, expected line)
    ("decimal comma", ['SCS01,Kent,,2026-02,"8,6",,,,'],
     "ERROR: bad.csv:2 [value]: '8,6' has a decimal comma or a misplaced thousands separator; write decimals "
     "with a point (8.6) and thousands as 1,234"),
    ("inf", ["SCS01,Kent,,2026-02,inf,,,,"],
     "ERROR: bad.csv:2 [value]: 'inf' is not a plain number (no exponents, inf or nan)"),
    ("1e308", ["SCS01,Kent,,2026-02,1e308,,,,"],
     "ERROR: bad.csv:2 [value]: '1e308' is not a plain number (no exponents, inf or nan)"),
    ("absurd", ["SCS01,Kent,,2026-02,9999999999999,,,,"],
     "ERROR: bad.csv:2 [value]: '9999999999999' is too large for a scorecard figure"),
    ("NUL", ["SCS01,Kent,,2026-02,22.6,,,,bad\x00note"],
     "ERROR: bad.csv:2 [note]: contains a control character (such as NUL); remove it"),
    ("0/0 with a value", ["SCS01,Kent,,2026-02,22.6,0,0,,"],
     "ERROR: bad.csv:2 [denominator]: SCS01 Kent 2026-02: the denominator is 0 but a value (22.6) is given"),
    ("unknown indicator", ["SCS99,Kent,,2026-02,22.6,,,,"],
     "ERROR: bad.csv:2 [indicator]: unknown indicator 'SCS99'"),
    ("unknown district", ["SCS01,Atlantis,,2026-02,22.6,,,,"],
     "ERROR: bad.csv:2 [area]: unknown area 'Atlantis' (areas.csv: Ashford, Canterbury, Dartford, Dover, "
     "Folkestone and Hythe, Gravesham, Kent, Maidstone, Sevenoaks, Swale, Thanet, Tonbridge and Malling, "
     "Tunbridge Wells)"),
    ("unknown team", ["SCS01,,Atlantis CSWT,2026-02,22.6,,,,"],
     "ERROR: bad.csv:2 [team]: unknown team 'Atlantis CSWT'"),
    ("wrong period", ["SCS01,Kent,,Feb 2026,22.6,,,,"],
     "ERROR: bad.csv:2 [period]: 'Feb 2026' is not a month like 2026-01 (SCS01 is monthly)"),
    ("future month", ["SCS01,Kent,,2026-04,22.6,,,,"],
     "ERROR: bad.csv:2 [period]: period 2026-04 has not ended yet (today is 2026-03-15)"),
    ("missing month", ["SCS01,Kent,,2026-03,22.6,,,,"],
     "ERROR: bad.csv:2 [period]: SCS01 Kent: missing month(s) 2026-02 before 2026-03"),
    ("numerator above denominator", ["SCS01,Kent,,2026-02,50.0,600,500,,"],
     "ERROR: bad.csv:2 [numerator]: SCS01 Kent 2026-02: numerator 600 is larger than denominator 500 for a "
     "percentage"),
    ("duplicate row", ["SCS01,Kent,,2026-02,22.6,,,,", "SCS08,Kent,,2026-02,89.0,,,,", "SCS01,Kent,,2026-02,22.6,,,,"],
     "ERROR: bad.csv:4 [indicator, area, team, period]: duplicate row: SCS01 / Kent / 2026-02 is already given on "
     "row 2"),
    ("wrong quality", ["SCS01,Kent,,2026-02,22.6,,,maybe,"],
     "ERROR: bad.csv:2 [quality]: 'maybe' must be one of: final, provisional, synthetic or blank"),
]


@pytest.mark.parametrize("case,body,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_rows(data, tmp_path, case, body, expected):
    write_csv(tmp_path / "bad.csv", *body)
    before = tree_hash(data)
    r = scorecard(["ingest", "bad.csv", "--data", data], tmp_path)
    assert r.returncode == EXIT_INVALID == 2, r.stdout
    assert lines(r.stderr) == [expected]
    assert r.stdout == ""
    assert tree_hash(data) == before


BAD_FILES = [
    ("not UTF-8", (HEADER + "\nSCS01,Kent,,2026-02,22.6,,,,\nSCS08,Kent,,2026-02,89.0,,,,caf\xa3\n").encode("latin-1"),
     "ERROR: bad.csv:3: is not UTF-8 text (byte 0xa3); save it as CSV UTF-8"),
    ("empty", b"", "ERROR: bad.csv: file is empty: expected a header row and data rows"),
    ("header only", (HEADER + "\n").encode(),
     "ERROR: bad.csv: has no figures to ingest: every row's value, numerator, denominator and note is blank"),
    ("wrong column", b"indicator,area,team,perod,value,numerator,denominator,quality,note\n"
                     b"SCS01,Kent,,2026-02,22.6,,,,\n",
     "ERROR: bad.csv:1 [period, perod]: missing column(s): period; unknown column(s): perod; observations rows have "
     "the columns indicator, area, team, period, value, numerator, denominator, quality, note"),
    ("missing column", b"indicator,area,team,period,value,note\nSCS01,Kent,,2026-02,22.6,\n",
     "ERROR: bad.csv:1 [numerator, denominator]: missing column(s): numerator, denominator; observations rows have "
     "the columns indicator, area, team, period, value, numerator, denominator, quality, note"),
    ("short row", (HEADER + "\nSCS01,Kent,,2026-02,22.6\n").encode(),
     "ERROR: bad.csv:2: has 5 fields but the header has 9"),
]


@pytest.mark.parametrize("case,raw,expected", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files(data, tmp_path, case, raw, expected):
    (tmp_path / "bad.csv").write_bytes(raw)
    before = tree_hash(data)
    r = scorecard(["ingest", "bad.csv", "--data", data], tmp_path)
    assert r.returncode == 2
    assert lines(r.stderr) == [expected]
    assert tree_hash(data) == before


def test_a_long_list_of_problems_is_capped(data, tmp_path):
    write_csv(tmp_path / "bad.csv", *[f"SCS99,Kent,,2025-{m:02d},1.0,,,," for m in range(1, 13)],
              *[f"SCS98,Kent,,2024-{m:02d},1.0,,,," for m in range(1, 13)],
              *[f"SCS97,Kent,,2023-{m:02d},1.0,,,," for m in range(1, 13)],
              *[f"SCS96,Kent,,2022-{m:02d},1.0,,,," for m in range(1, 13)],
              *[f"SCS95,Kent,,2021-{m:02d},1.0,,,," for m in range(1, 13)])
    r = scorecard(["ingest", "bad.csv", "--data", data], tmp_path)
    assert r.returncode == 2
    out = lines(r.stderr)
    assert len(out) == 51 and out[-1] == "ERROR: ... and 10 more"
    assert out[0] == "ERROR: bad.csv:2 [indicator]: unknown indicator 'SCS99'"


def test_errors_and_conflicts_together_exit_2(data, tmp_path):
    write_csv(tmp_path / "bad.csv", "SCS01,Kent,,2026-01,25,,,,", "SCS99,Kent,,2026-02,1.0,,,,")
    before = tree_hash(data)
    r = scorecard(["ingest", "bad.csv", "--data", data], tmp_path)
    assert r.returncode == 2
    assert lines(r.stderr) == ["ERROR: bad.csv:3 [indicator]: unknown indicator 'SCS99'",
                               "ERROR: bad.csv:2 [value]: SCS01 Kent 2026-01 is already in observations.csv: "
                               "value: data/ has 22.4, the file gives 25 (use --replace to change it)"]
    assert tree_hash(data) == before


def test_an_unsupported_file_type(data, tmp_path):
    (tmp_path / "feb.txt").write_text(HEADER + "\n", encoding="utf-8")
    r = scorecard(["ingest", "feb.txt", "--data", data], tmp_path)
    assert (r.returncode, lines(r.stderr)) == (2, ["ERROR: feb.txt: is a '.txt' file; give a .csv (CSV UTF-8) or an "
                                                   ".xlsx workbook"])


# ---------------------------------------------------------------- files that are not files


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_fifo_is_refused_without_hanging(data, tmp_path, suffix):
    os.mkfifo(tmp_path / f"pipe{suffix}")
    before = tree_hash(data)
    r = scorecard(["ingest", f"pipe{suffix}", "--data", data], tmp_path, timeout=30)
    assert r.returncode == 2
    assert lines(r.stderr) == [f"ERROR: pipe{suffix}: is not a regular file (a folder, pipe or device); give a saved "
                               "file"]
    assert tree_hash(data) == before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_link_to_dev_zero_is_refused(data, tmp_path, suffix):
    os.symlink("/dev/zero", tmp_path / f"zero{suffix}")
    r = scorecard(["ingest", f"zero{suffix}", "--data", data], tmp_path, timeout=30)
    assert r.returncode == 2
    assert lines(r.stderr) == [f"ERROR: zero{suffix}: is not a regular file (a folder, pipe or device); give a saved "
                               "file"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_over_the_size_limit_is_refused_unread(data, tmp_path, suffix):
    big = tmp_path / f"big{suffix}"
    with open(big, "wb") as fh:       # sparse: 25 MB long, nothing on disk
        fh.truncate(25 * 1024 * 1024)
    start = time.monotonic()
    r = scorecard(["ingest", big.name, "--data", data], tmp_path, timeout=30)
    assert r.returncode == 2
    assert lines(r.stderr) == [f"ERROR: big{suffix}: is 26.2 MB; the limit is 21 MB"]
    assert time.monotonic() - start < 10


def test_a_missing_file(data, tmp_path):
    r = scorecard(["ingest", "nowhere.csv", "--data", data], tmp_path)
    assert (r.returncode, lines(r.stderr)) == (2, ["ERROR: nowhere.csv: file is missing"])


# ---------------------------------------------------------------- two at once, and failures while writing


def test_two_ingests_at_once_lose_no_figure(data, tmp_path):
    write_csv(tmp_path / "one.csv", "SCS01,Kent,,2026-02,22.6,,,synthetic,SYNTHETIC one")
    write_csv(tmp_path / "two.csv", "SCS08,Kent,,2026-02,89.0,,,synthetic,SYNTHETIC two")
    env = {**os.environ, "SCORECARD_TODAY": "2026-03-15"}
    procs = [subprocess.Popen([sys.executable, "-m", "scorecard", "ingest", name, "--data", str(data)], cwd=tmp_path,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("one.csv", "two.csv")]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    codes = [c for c, _, _ in results]
    assert set(codes) <= {0, EXIT_BUSY} and 0 in codes, results
    after = _obs(data)
    for (code, _, err), line in zip(results, ["SCS01,Kent,,2026-02,22.6,,,synthetic,SYNTHETIC one",
                                             "SCS08,Kent,,2026-02,89.0,,,synthetic,SYNTHETIC two"]):
        assert (line in after) == (code == 0), err
        if code == EXIT_BUSY:
            assert "another scorecard command is using the data folder" in err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".scorecard-tmp-")]


def test_a_held_lock_exits_6(data, tmp_path, monkeypatch):
    from filelock import FileLock

    from scorecard import fsutil
    from scorecard.inputs import ingest as ingest_mod

    write_csv(tmp_path / "feb.csv", "SCS01,Kent,,2026-02,22.6,,,,")
    real = fsutil.data_lock
    monkeypatch.setattr(ingest_mod, "data_lock", lambda d, what: real(d, what, timeout=0.2))
    with FileLock(str(tmp_path / fsutil.LOCK_NAME)):
        with pytest.raises(ScorecardError) as exc:
            ingest_mod.ingest(tmp_path / "feb.csv", data)
    assert exc.value.code == EXIT_BUSY == 6
    assert "another scorecard command is using the data folder" in exc.value.lines[0]


def test_a_failed_write_puts_back_the_files_already_replaced(data, tmp_path, monkeypatch):
    from scorecard.inputs import ingest as ingest_mod

    write_csv(tmp_path / "targets.csv", "SCS01,2026-27,Kent,24,,,,30,,business plan,business plan,SYNTHETIC",
              header="indicator,year,area,target,rated_against,tolerance,tolerance_source,floor,floor_tolerance,"
                     "target_source,floor_source,evidence")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(HEADER.split(","))
    ws.append(["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, "SYNTHETIC"])
    tg = wb.create_sheet("targets")
    for row in (tmp_path / "targets.csv").read_text().splitlines():
        tg.append(row.split(","))
    wb.save(tmp_path / "both.xlsx")
    before = tree_hash(data)
    real, calls = ingest_mod.write_atomic, []

    def flaky(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise ScorecardError(f"{path}: cannot write (the disk is full); nothing was published", 4)
        return real(path, text)

    monkeypatch.setattr(ingest_mod, "write_atomic", flaky)
    with pytest.raises(ScorecardError) as exc:
        ingest_mod.ingest(tmp_path / "both.xlsx", data, today=dt.date(2026, 3, 15))
    assert exc.value.code == 4
    assert exc.value.lines[-1].endswith("the ingest was undone; data/ is as it was")
    assert tree_hash(data) == before


def test_data_folder_with_problems_is_refused_first(data, tmp_path):
    (data / "observations.csv").write_text((data / "observations.csv").read_text(encoding="utf-8")
                                           + "SCS99,Kent,,2025-07,1.0,,,,\n", encoding="utf-8")
    write_csv(tmp_path / "feb.csv", "SCS01,Kent,,2026-02,22.6,,,,")
    r = scorecard(["ingest", "feb.csv", "--data", data], tmp_path)
    assert r.returncode == 2
    assert lines(r.stderr) == [f"ERROR: {data}/observations.csv:3119 [indicator]: unknown indicator 'SCS99'",
                               f"ERROR: {data}: the data folder has problems already; fix them (scorecard validate) "
                               "before ingesting"]
