"""`scorecard template`: the month workbook lists every figure due; filling it in and ingesting it adds exactly those.

Expected sheets, rows and periods are worked out here from the shipped CSV files and the calendar
(February: monthly figures only; April: Q4, the Spring term, 2026-27 financial targets and
2025-26 outturns; September: academic targets and last year's annual results).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from collections import Counter

import pytest
import synthetic
from ingest_support import DATA, ROOT, copy_data, lines, rows, scorecard, tree_hash
from openpyxl import load_workbook

from scorecard.inputs.dataset import load

OBS_COLUMNS = ["indicator", "code", "title", "area", "team", "period", "value", "numerator", "denominator", "note"]
BLOCKS = ["send-monthly", "ics-monthly", "ics-quarterly", "edu-monthly", "edu-termly", "edu-annual", "edu-annual-2",
          "vl-primary", "vl-secondary", "district-ics-monthly", "district-ics-quarterly", "district-edu-monthly",
          "district-edu-termly", "district-edu-annual"]


@pytest.fixture()
def data(tmp_path):
    return copy_data(tmp_path)


def _csv(name: str) -> list[dict[str, str]]:
    return rows(DATA / name)


def _template(data, tmp_path, month: str, name: str | None = None):
    out = tmp_path / (name or f"month-{month}.xlsx")
    r = scorecard(["template", "--month", month, "--out", out.name, "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    return out, r


def _sheet(wb, name) -> list[dict[str, str]]:
    ws = wb[name]
    values = list(ws.iter_rows(values_only=True))
    header = list(values[0])
    return [{h: ("" if v is None else str(v)) for h, v in zip(header, row)} for row in values[1:]]


def _keys(recs, time="period"):
    return [(r["indicator"], r["area"], r["team"], r[time]) for r in recs]


@pytest.fixture(scope="module")
def february(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("february")
    data = copy_data(tmp)
    out, r = _template(data, tmp, "2026-02")
    return data, out, r, load_workbook(out)


def test_february_has_a_sheet_per_block_and_the_front_page(february):
    _, _, r, wb = february
    assert wb.sheetnames == ["about", "overview", *BLOCKS, "targets", "outturns"]
    for name in ["overview", *BLOCKS]:
        assert [c.value for c in wb[name][1]] == OBS_COLUMNS
    assert [c.value for c in wb["targets"][1]] == ["indicator", "code", "title", "year", "area", "target",
                                                   "rated_against", "tolerance", "tolerance_source", "floor",
                                                   "floor_tolerance", "target_source", "floor_source", "evidence"]
    assert [c.value for c in wb["outturns"][1]] == ["indicator", "code", "title", "area", "team", "year", "value"]
    assert lines(r.stdout) == ["month-2026-02.xlsx: 339 figures due for 2026-02 (overview 26, send-monthly 9, "
                               "ics-monthly 16, edu-monthly 6, district-ics-monthly 198, district-edu-monthly 84); "
                               "fill in the values, then: scorecard ingest month-2026-02.xlsx"]


def test_february_lists_every_monthly_series_once_with_the_month(february):
    _, _, _, wb = february
    listed = [k for name in ["overview", *BLOCKS] for k in _keys(_sheet(wb, name))]
    assert len(listed) == len(set(listed))
    assert {k[3] for k in listed} == {"2026-02"}
    # every series with a January figure (each is printed: a table's row or a front-page figure) ...
    january = {(r["indicator"], r["area"], r["team"]) for r in _csv("observations.csv") if r["period"] == "2026-01"}
    assert len(january) == 326
    # ... and the front-page figures whose last figure is older (school census 2025-10, Ofsted 2024-08)
    tiles = [r["indicator"] for r in _csv("layout/tiles.csv")]
    older = [i for i in tiles if (i, "Kent", "") not in january]
    assert older == ["CYPE10", "CYPE13", "CYPE16", "CYPE11", "CYPE14", "CYPE17", "CYPE12", "CYPE15", "CYPE18",
                     "EY8", "SISE35", "SISE36", "SISE37"]
    assert {k[:3] for k in listed} == january | {(i, "Kent", "") for i in older}
    for name in ("ics-quarterly", "edu-termly", "edu-annual", "edu-annual-2", "vl-primary", "vl-secondary",
                 "district-ics-quarterly", "district-edu-termly", "district-edu-annual", "targets", "outturns"):
        assert _sheet(wb, name) == [], name


def test_february_rows_say_what_they_are(february):
    _, _, _, wb = february
    ics = _sheet(wb, "ics-monthly")
    assert ics[0] == {"indicator": "SCS01", "code": "SCS01", "title": "Percentage re-referrals to Children's Social "
                      "Work Services within 12 months of a previous referral (R12M)", "area": "Kent", "team": "",
                      "period": "2026-02", "value": "", "numerator": "", "denominator": "", "note": ""}
    teams = Counter(r["team"] for r in _sheet(wb, "district-ics-monthly") if r["indicator"] == "SCS01")
    assert teams["Sevenoaks North & Tonbridge and Malling CSWT"] == 1     # printed on two district pages, listed once
    assert len(teams) == 13                                              # the 13 CSWTs of teams.csv
    overview = _sheet(wb, "overview")
    assert [r["indicator"] for r in overview] == [r["indicator"] for r in _csv("layout/tiles.csv")]
    assert {(r["area"], r["team"]) for r in overview} == {("Kent", "")}
    census = next(r for r in overview if r["indicator"] == "CYPE10")
    assert census["title"] == ("Schools and pupils: primary schools [last figure 2025-10: a figure for 2026-02 also "
                               "needs the months between]")


def test_april_asks_for_the_quarter_the_term_targets_and_outturns(data, tmp_path):
    out, _ = _template(data, tmp_path, "2026-04")
    wb = load_workbook(out)
    assert _keys(_sheet(wb, "ics-quarterly")) == [("CYPE8", "Kent", "", "2025-26 Q4")]
    assert _keys(_sheet(wb, "edu-termly")) == [("EY2", "Kent", "", "2025-26 Spring")]
    assert {k[3] for k in _keys(_sheet(wb, "district-ics-quarterly"))} == {"2025-26 Q4"}
    basis = {r["indicator"]: r["year_basis"] for r in _csv("indicators.csv")}
    expected_targets = {(r["indicator"], "2026-27", r["area"]) for r in _csv("targets.csv")
                        if r["year"] == "2025-26" and basis[r["indicator"]] == "financial"}
    got = {(r["indicator"], r["year"], r["area"]) for r in _sheet(wb, "targets")}
    assert ("SCS01", "2026-27", "Kent") in got and ("APP17", "2026-27", "Kent") not in got
    assert got == expected_targets
    expected_outturns = {(r["indicator"], r["area"], r["team"], "2025-26") for r in _csv("outturns.csv")
                         if r["year"] == "2024-25" and basis[r["indicator"]] == "financial"}
    got = set(_keys(_sheet(wb, "outturns"), "year"))
    assert ("SCS01", "Kent", "", "2025-26") in got and len(got) == 162
    assert got == expected_outturns


def test_september_asks_for_academic_targets_and_last_years_results(data, tmp_path):
    out, _ = _template(data, tmp_path, "2026-09")
    wb = load_workbook(out)
    targets = {(r["indicator"], r["year"], r["area"]) for r in _sheet(wb, "targets")}
    assert ("APP17", "2026-27", "Kent") in targets
    assert ("SCS01", "2026-27", "Kent") in targets      # the financial year's are still missing too
    annual = _keys(_sheet(wb, "edu-annual"))
    assert ("SISE4", "Kent", "", "2025-26") in annual
    assert _keys(_sheet(wb, "edu-termly")) == [("EY2", "Kent", "", "2025-26 Spring"),
                                               ("EY2", "Kent", "", "2025-26 Summer")]


def test_round_trip_a_synthetic_february(february, tmp_path):
    """Fill the value cells of the February workbook with a SYNTHETIC February; ingest adds exactly those."""
    _, book, _, _ = february
    data = copy_data(tmp_path)
    ds, _ = load(data)
    made = {(r["indicator"], r["area"], r["team"], r["period"]): r for r in synthetic.generate(ds, "2026-02")}
    wb = load_workbook(book)
    filled = {}
    for name in ["overview", *BLOCKS]:
        ws = wb[name]
        header = [c.value for c in ws[1]]
        col = {h: i for i, h in enumerate(header)}
        for row in ws.iter_rows(min_row=2):
            key = tuple("" if row[col[h]].value is None else row[col[h]].value
                        for h in ("indicator", "area", "team", "period"))
            rec = made.get(key)
            if rec is None:
                continue
            for h in ("value", "numerator", "denominator", "note"):
                row[col[h]].value = rec[h] or None
            filled[key] = rec
    assert len(filled) == 326       # every series with a January figure moves on to February
    wb.save(tmp_path / "filled.xlsx")
    before = (data / "observations.csv").read_text(encoding="utf-8").splitlines()
    r = scorecard(["ingest", "filled.xlsx", "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout)[0] == "326 added, 0 replaced, 0 notes updated, 0 unchanged"
    assert r.stderr == ""           # no month missing for any series, no figure disagreeing with its ratio
    after = (data / "observations.csv").read_text(encoding="utf-8").splitlines()
    added = Counter(after) - Counter(before)
    assert sum(added.values()) == 326 and not (Counter(before) - Counter(after))
    new = {(x["indicator"], x["area"], x["team"], x["period"]): x
           for x in csv.DictReader([after[0], *added.elements()])}
    assert new.keys() == filled.keys()
    for key, rec in filled.items():   # the template has no quality column: quality stays blank
        assert {h: new[key][h] for h in ("value", "numerator", "denominator", "quality", "note")} == {
            "value": rec["value"], "numerator": rec["numerator"], "denominator": rec["denominator"], "quality": "",
            "note": rec["note"]}
    again = scorecard(["ingest", "filled.xlsx", "--data", data], tmp_path)
    assert (again.returncode, lines(again.stdout)) == (0, ["nothing to change (326 unchanged)"])


def test_an_unfilled_template_has_nothing_to_ingest(february, tmp_path):
    data, book, _, _ = february
    before = tree_hash(data)
    r = scorecard(["ingest", book, "--data", data], tmp_path)
    assert r.returncode == 2
    assert lines(r.stderr) == [f"ERROR: {book}: has no figures to ingest: every row's value, numerator, denominator "
                               "and note is blank"]
    assert tree_hash(data) == before


def test_text_from_the_data_is_never_a_formula(data, tmp_path):
    spec = (data / "layout/rows.csv").read_text(encoding="utf-8")
    title = "Percentage re-referrals to Children's Social Work Services within 12 months of a previous referral (R12M)"
    (data / "layout/rows.csv").write_text(spec.replace(title, '=HYPERLINK("http://example.invalid")'),
                                          encoding="utf-8")
    out, _ = _template(data, tmp_path, "2026-02")
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) for n in sheets)
    wb = load_workbook(out, read_only=True)
    cell = next(c for row in wb["ics-monthly"].iter_rows(min_row=2, max_row=2) for c in row if c.column == 3)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.invalid")', "s")


def test_the_same_data_and_month_give_the_same_bytes(february, tmp_path):
    data, book, _, _ = february
    again = book.parent / "copy" / book.name
    again.parent.mkdir(exist_ok=True)
    _template(data, again.parent, "2026-02", book.name)
    assert again.read_bytes() == book.read_bytes()


@pytest.mark.parametrize("args,expected", [
    (["--month", "2026-02", "--out", "t.csv"],
     "ERROR: --out t.csv: the month template is an Excel workbook; give a file name ending .xlsx "
     "(e.g. month-2026-02.xlsx)"),
    (["--month", "2026-13", "--out", "t.xlsx"], "ERROR: --month: '2026-13' is not a month like 2026-01"),
])
def test_bad_arguments_are_refused(data, tmp_path, args, expected):
    r = scorecard(["template", *args, "--data", data], tmp_path)
    assert (r.returncode, lines(r.stderr)) == (2, [expected])
    assert not (tmp_path / "t.csv").exists() and not (tmp_path / "t.xlsx").exists()


# ---------------------------------------------------------------- the SYNTHETIC generator


def test_synthetic_months_are_labelled_and_ingestable(data, tmp_path):
    out = tmp_path / "synthetic"
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "synthetic.py"), "--through", "2026-02", "--out",
                        str(out), "--data", str(data)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout) == [f"wrote 326 SYNTHETIC rows to {out / 'SYNTHETIC-observations-2026-02.csv'}"]
    made = rows(out / "SYNTHETIC-observations-2026-02.csv")
    assert len(made) == 326
    assert all(m["quality"] == "synthetic" and "SYNTHETIC" in m["note"] and m["period"] == "2026-02" for m in made)
    ingest = scorecard(["ingest", out / "SYNTHETIC-observations-2026-02.csv", "--data", data], tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    assert lines(ingest.stdout)[0] == "326 added, 0 replaced, 0 notes updated, 0 unchanged"


def test_a_synthetic_step_keeps_a_percentage_consistent():
    import random

    from scorecard.rules import numbers

    ind = {"scale": "100", "unit": "percent"}
    for seed in range(50):
        row = synthetic.step({"value": "22.4", "numerator": "5,239", "denominator": "23,366"}, ind,
                             random.Random(seed))
        num, den = numbers.read(row["numerator"]).value, numbers.read(row["denominator"]).value
        assert 5236 <= num <= 5242 and 23363 <= den <= 23369 and num <= den
        assert row["value"] == f"{round(num / den * 100, 1):.1f}"
        assert (row["quality"], row["note"].startswith("SYNTHETIC")) == ("synthetic", True)
    assert synthetic.step({"value": "N/A", "numerator": "", "denominator": ""}, ind, random.Random(1))["value"] == "N/A"
