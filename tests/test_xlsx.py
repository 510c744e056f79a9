"""Reading an analyst's .xlsx safely: zip bombs, lying <dimension> tags, formulas, dates and numbers typed in Excel.

Workbooks are made here with openpyxl and, where Excel would write something openpyxl does not
(a formula's saved value, an understated dimension, a DOCTYPE), by editing the zip's XML.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile

import pytest
from ingest_support import HEADER, copy_data, lines, patch_zip, scorecard, tree_hash
from openpyxl import Workbook

from scorecard.errors import Report
from scorecard.inputs import xlsxfile

SHEET = "xl/worksheets/sheet1.xml"


def _book(path, *rows, header=HEADER.split(","), title="observations"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def _read(path, decimals=None):
    report = Report()
    sheets = xlsxfile.read(path, report, display=path.name, decimals=decimals)
    return sheets, [p.line() for p in report.problems]


# ---------------------------------------------------------------- cells as text


def test_typed_numbers_and_dates_become_printed_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "observations"
    ws.append(HEADER.split(","))
    ws.append(["SCS01", "Kent", None, dt.datetime(2026, 2, 1), 22.63, 5239, 23366.0, None, None])   # Excel's date
    ws.append(["SCS42", "Kent", None, "2026-02", 16, 1683, 104.8, None, None])
    ws.append(["SCS08", "Kent", None, "2026-02", 0.891, None, None, None, None])
    ws["E4"].number_format = "0.0%"                      # 89.1% typed into a percent cell is stored as 0.891
    ws.append(["CSWS-OPEN", "Kent", None, "2026-02", 11395, None, None, None, 12])
    wb.save(tmp_path / "typed.xlsx")
    sheets, problems = _read(tmp_path / "typed.xlsx", decimals={"SCS01": 1, "SCS42": 1, "SCS08": 1, "CSWS-OPEN": 0})
    assert problems == []
    got = [(r["period"], r["value"], r["numerator"], r["denominator"], r["note"]) for r in sheets[0].rows]
    assert got == [("2026-02", "22.6", "5,239", "23,366", ""),    # value at SCS01's 1 decimal place
                   ("2026-02", "16", "1,683", "104.8", ""),       # a whole number has no ".0"
                   ("2026-02", "89.1", "", "", ""),
                   ("2026-02", "11,395", "", "", "12")]           # a number in a text column stays plain


@pytest.mark.parametrize("value,expected", [
    (1e308, "'1e+308' is not a plain number (no exponents, inf or nan)"),
    (dt.datetime(2026, 1, 8), "is a date (2026-01-08): Excel turned what was typed into a date; format the column as "
                              "Text and type the figure again"),
])
def test_numbers_that_are_not_figures_are_refused(tmp_path, value, expected):
    data = copy_data(tmp_path)
    _book(tmp_path / "bad.xlsx", ["SCS01", "Kent", None, "2026-02", value, None, None, None, None])
    before = tree_hash(data)
    r = scorecard(["ingest", "bad.xlsx", "--data", data], tmp_path)
    assert r.returncode == 2
    assert lines(r.stderr) == [f"ERROR: bad.xlsx[observations]:2 [value]: {expected}"]
    assert tree_hash(data) == before


def test_a_formula_gives_its_saved_value_and_one_without_is_refused(tmp_path):
    _book(tmp_path / "f.xlsx", ["SCS01", "Kent", None, "2026-02", "=20+2.6", None, None, None, None],
          ["SCS08", "Kent", None, "2026-02", "=80+9", None, None, None, None])

    def saved_value(name, data):   # what Excel writes: the formula and the value it computed
        if name == SHEET:
            data = data.replace(b"<f>20+2.6</f><v></v>", b"<f>20+2.6</f><v>22.6</v>")
            data = re.sub(rb"<f>20\+2\.6</f>(?!<v>)", b"<f>20+2.6</f><v>22.6</v>", data)
        return data

    patch_zip(tmp_path / "f.xlsx", tmp_path / "cached.xlsx", saved_value)
    sheets, problems = _read(tmp_path / "cached.xlsx", decimals={"SCS01": 1, "SCS08": 1})
    assert [r["value"] for r in sheets[0].rows] == ["22.6"]          # the saved value, never evaluated
    assert problems == ["ERROR: cached.xlsx[observations]:3 [value]: is a formula without a saved value; type the "
                        "figure, or open the workbook in Excel and save it"]


def test_an_understated_dimension_hides_no_rows(tmp_path):
    data = copy_data(tmp_path)
    _book(tmp_path / "full.xlsx", ["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, "SYNTHETIC"],
          ["SCS08", "Kent", None, "2026-02", "89.0", None, None, None, "SYNTHETIC"],
          ["SCS13", "Kent", None, "2026-02", "20.0", None, None, None, "SYNTHETIC"])

    def lie(name, xml):
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', xml) if name == SHEET else xml

    patch_zip(tmp_path / "full.xlsx", tmp_path / "short.xlsx", lie)
    assert b'<dimension ref="A1:B2"' in zipfile.ZipFile(tmp_path / "short.xlsx").read(SHEET)
    sheets, problems = _read(tmp_path / "short.xlsx")
    assert problems == []
    assert [(r["indicator"], r["value"], r["note"]) for r in sheets[0].rows] == [
        ("SCS01", "22.6", "SYNTHETIC"), ("SCS08", "89.0", "SYNTHETIC"), ("SCS13", "20.0", "SYNTHETIC")]
    r = scorecard(["ingest", "short.xlsx", "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout)[0] == "3 added, 0 replaced, 0 notes updated, 0 unchanged"


def test_an_escaped_control_character_is_refused(tmp_path):
    _book(tmp_path / "ok.xlsx", ["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, "fine"])
    patch_zip(tmp_path / "ok.xlsx", tmp_path / "nul.xlsx",
              lambda name, xml: xml.replace(b"<t>fine</t>", b"<t>a_x0000_b</t>") if name == SHEET else xml)
    _, problems = _read(tmp_path / "nul.xlsx")
    assert problems == ["ERROR: nul.xlsx[observations]:2 [note]: contains a control character (such as NUL); "
                        "remove it"]


def test_a_value_beyond_the_header_is_refused(tmp_path):
    _book(tmp_path / "wide.xlsx", ["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, None, "stray"])
    _, problems = _read(tmp_path / "wide.xlsx")
    assert problems == ["ERROR: wide.xlsx[observations]:2: has a value beyond the header's 9 columns ('stray'); give "
                        "every column a heading or remove it"]


def test_a_value_under_no_heading_is_refused_and_an_empty_unheaded_column_ignored(tmp_path):
    header = ["indicator", "area", "team", None, "period", "value", "numerator", "denominator", "quality", "note"]
    _book(tmp_path / "gap.xlsx", ["SCS01", "Kent", None, None, "2026-02", "22.6"],
          ["SCS08", "Kent", None, "x", "2026-02", "89.0"], header=header)
    sheets, problems = _read(tmp_path / "gap.xlsx")
    assert problems == ["ERROR: gap.xlsx[observations]:3: has a value ('x') in column 4, which has no heading; give "
                        "the column a heading or remove it"]
    assert sheets[0].columns == HEADER.split(",")
    assert [(r["indicator"], r["period"], r["value"]) for r in sheets[0].rows] == [("SCS01", "2026-02", "22.6")]


def test_a_date_in_a_year_column_is_refused(tmp_path):
    _book(tmp_path / "y.xlsx", ["SCS01", "Kent", None, dt.datetime(2025, 1, 26), "22.5"],
          header=["indicator", "area", "team", "year", "value"], title="outturns")
    _, problems = _read(tmp_path / "y.xlsx")
    assert problems == ["ERROR: y.xlsx[outturns]:2 [year]: is a date (2025-01-26): Excel turned what was typed into a "
                        "date; format the column as Text and type the year (2025-26) again"]


# ---------------------------------------------------------------- the zip itself


def test_a_zip_bomb_is_refused_quickly_without_inflating_it(tmp_path):
    data = copy_data(tmp_path)
    _book(tmp_path / "small.xlsx", ["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, None])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(tmp_path / "small.xlsx") as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != SHEET:
                zout.writestr(info.filename, zin.read(info.filename))
        with zout.open(SHEET, "w") as fh:    # 64 MB of sheet XML that deflates to a few tens of kB
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = b" " * (1024 * 1024)
            for _ in range(64):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 1024 * 1024
    start = time.monotonic()
    sheets, problems = _read(bomb)
    assert time.monotonic() - start < 0.5
    assert sheets is None
    assert problems == ["ERROR: bomb.xlsx: is not a plausible workbook: it would inflate to 67 MB (at most 52 MB); "
                        "refused without opening it"]
    r = scorecard(["ingest", "bomb.xlsx", "--data", data], tmp_path, timeout=30)
    assert r.returncode == 2
    assert lines(r.stderr) == ["ERROR: bomb.xlsx: is not a plausible workbook: it would inflate to 67 MB (at most "
                               "52 MB); refused without opening it"]


def test_a_highly_compressed_part_is_refused(tmp_path):
    _book(tmp_path / "small.xlsx", ["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, None])
    with zipfile.ZipFile(tmp_path / "small.xlsx", "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))    # 8 MB of zeros: ratio ~1000
    _, problems = _read(tmp_path / "small.xlsx")
    assert len(problems) == 1
    assert re.fullmatch(r"ERROR: small\.xlsx: is not a plausible workbook: its part xl/media/padding\.bin is "
                        r"compressed [\d,]+ times \(at most 200\); refused without opening it", problems[0])


def test_a_doctype_is_refused(tmp_path):
    _book(tmp_path / "ok.xlsx", ["SCS01", "Kent", None, "2026-02", "22.6", None, None, None, None])
    patch_zip(tmp_path / "ok.xlsx", tmp_path / "dtd.xlsx", lambda name, xml: (
        b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]>' + xml if name == SHEET else xml))
    _, problems = _read(tmp_path / "dtd.xlsx")
    assert problems == [f"ERROR: dtd.xlsx: is not a plausible workbook: its part {SHEET} declares a DOCTYPE"]


@pytest.mark.parametrize("raw,expected", [
    (b"indicator,area\n", "is not an .xlsx workbook (not a zip file); save it from Excel as .xlsx"),
    (b"PK\x03\x04" + b"\0" * 100, "is not a readable .xlsx workbook (its zip directory is missing or damaged)"),
])
def test_not_a_workbook(tmp_path, raw, expected):
    (tmp_path / "x.xlsx").write_bytes(raw)
    assert _read(tmp_path / "x.xlsx") == (None, [f"ERROR: x.xlsx: {expected}"])


def test_a_fifo_is_not_opened(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.xlsx")
    start = time.monotonic()
    assert _read(tmp_path / "pipe.xlsx") == (None, ["ERROR: pipe.xlsx: is not a regular file (a folder, pipe or "
                                                    "device); give a saved file"])
    assert time.monotonic() - start < 1
