"""Bad input never breaks anything: one clear line per problem, a documented exit code, nothing changed on disk.

Each file in tests/bad_inputs/ is ingested into a private copy of data/; the same
corruption is then applied to the real files of another copy and `scorecard validate`
must name it too.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from cli_run import run_cli, tree_hash
from openpyxl import Workbook

from scorecard.problems import EXIT_CONFLICT, EXIT_INVALID

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
ROOT = HERE.parent

# file -> (exit code, row the message must name, words the message must contain)
EXPECTED: dict[str, tuple[int, int, str]] = {
    "wrong-column.csv": (EXIT_INVALID, 1, "missing column(s): period; unexpected column(s): 'perod'"),
    "missing-column.csv": (EXIT_INVALID, 1, "missing column(s): numerator, denominator"),
    "wrong-type.csv": (EXIT_INVALID, 3, "'twenty' is not a number"),
    "wrong-period.csv": (EXIT_INVALID, 2, "'Feb 2026' is not a month like 2026-01"),
    "unknown-indicator.csv": (EXIT_INVALID, 2, "unknown indicator 'SCS99'"),
    "unknown-district.csv": (EXIT_INVALID, 3, "unknown district 'Atlantis'"),
    "unknown-team.csv": (EXIT_INVALID, 2, "unknown team 'Atlantis CSWT'"),
    "duplicate-row.csv": (EXIT_INVALID, 4, "duplicate row: SCS01 / Kent / 2026-02 already given on row 2"),
    "numerator-above-denominator.csv": (EXIT_INVALID, 2, "numerator 600 is larger than denominator 500"),
    "future-month.csv": (EXIT_INVALID, 2, "period 2099-01 is in the future"),
    "gap-month.csv": (EXIT_INVALID, 2, "missing month(s) 2026-02 before 2026-03"),
    "empty.csv": (EXIT_INVALID, 1, "file is empty"),
    "not-utf8.csv": (EXIT_INVALID, 3, "is not UTF-8 text (byte 0xa3)"),
    "conflict.csv": (EXIT_CONFLICT, 2, "SCS01 Kent 2026-01 is already in observations.csv with value 22.4"),
    "missing-sheet.xlsx": (EXIT_INVALID, 1, "missing sheet(s): edu-monthly"),
}


def test_corpus_is_complete():
    """Every corpus file has an expectation and every expectation a file (the .xlsx is made below)."""
    files = {p.name for p in CORPUS.iterdir() if p.suffix == ".csv"}
    assert files == {n for n in EXPECTED if n.endswith(".csv")}
    with pytest.raises(UnicodeDecodeError):  # the corpus file really is Latin-1, not UTF-8
        (CORPUS / "not-utf8.csv").read_bytes().decode("utf-8")
    assert (CORPUS / "empty.csv").read_bytes() == b""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The corpus plus a month workbook lacking one monthly block's sheet (binary, so made here)."""
    folder = tmp_path_factory.mktemp("corpus")
    for p in CORPUS.iterdir():
        shutil.copy(p, folder / p.name)
    wb = Workbook()
    wb.active.title = "about"
    header = ["indicator", "code", "title", "area", "team", "period", "value", "numerator", "denominator",
              "status", "note"]
    for block in ("send-monthly", "ics-monthly", "district-ics-monthly", "district-edu-monthly"):
        ws = wb.create_sheet(block)
        ws.append(header)
    wb["ics-monthly"].append(["SCS01", "SCS01", "re-referrals", "Kent", "", "2026-02", 22.6, None, None, None,
                              "scorecard bad-input corpus"])
    wb.save(folder / "missing-sheet.xlsx")
    return folder


def _one_line(err: str, name: str, row: int, words: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected exactly one line, got:\n{err}"
    line = lines[0]
    assert "Traceback" not in err
    assert line.startswith("ERROR: ")
    assert re.search(rf"{re.escape(name)}(\[[\w-]+\])?:{row}\b", line), line
    assert words in line, line


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ingest_refuses_with_one_line_and_changes_nothing(name, corpus, data_copy, capsys, monkeypatch):
    code_expected, row, words = EXPECTED[name]
    site = data_copy.parent / "_site"  # a published site beside the data
    site.mkdir()
    (site / "index.html").write_text("<h1>January 2026</h1>", encoding="utf-8")
    before, site_before = tree_hash(data_copy), tree_hash(site)
    code, out, err = run_cli(["ingest", corpus / name, "--data", data_copy], capsys, monkeypatch)
    assert code == code_expected, err
    _one_line(err, name, row, words)
    assert tree_hash(data_copy) == before and tree_hash(site) == site_before
    assert not list(data_copy.parent.glob(".ingest-*")), "temporary folder left behind"


def test_params_naming_an_unknown_district(data_copy, tmp_path, capsys, monkeypatch):
    """`scorecard run` stops at the parameters file before any notebook runs or anything is written."""
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(CORPUS / "params-unknown-district.yml", params / "2026-01.yml")
    out_dir = tmp_path / "build"
    before = tree_hash(data_copy)
    code, out, err = run_cli(["run", "--month", "2026-01", "--data", data_copy, "--params", params,
                              "--out", out_dir], capsys, monkeypatch)
    assert code == EXIT_INVALID, err
    _one_line(err, "2026-01.yml", 9, "unknown district 'Atlantis'")
    assert tree_hash(data_copy) == before
    assert not out_dir.exists()


# ---- the same corruptions applied to the real files, caught by `scorecard validate`


def _append_rows(data: Path, corpus_file: Path) -> None:
    """Add a corpus file's data rows (as bytes, encoding and all) to data/observations.csv."""
    rows = corpus_file.read_bytes().split(b"\n", 1)[1]
    with (data / "observations.csv").open("ab") as f:
        f.write(rows)


def _rename_column(data: Path, old: str, new: str | None) -> None:
    path = data / "observations.csv"
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    cols = header.split(",")
    if new is None:  # drop the column
        i = cols.index(old)
        lines = [",".join(c for j, c in enumerate(ln.split(",")) if j != i) if ln else ln
                 for ln in rest.split("\n")]
        path.write_text(",".join(c for c in cols if c != old) + "\n" + "\n".join(lines), encoding="utf-8")
    else:
        path.write_text(",".join(new if c == old else c for c in cols) + "\n" + rest, encoding="utf-8")


CORRUPTIONS = {
    "wrong-column": (lambda d: _rename_column(d, "period", "perod"), 1, "missing column(s): period"),
    "missing-column": (lambda d: _rename_column(d, "status", None), 1, "missing column(s): status"),
    "empty": (lambda d: (d / "observations.csv").write_bytes(b""), 0, "file is empty"),
    **{name: (lambda d, n=name: _append_rows(d, CORPUS / f"{n}.csv"), None, words)
       for name, words in (("wrong-type", "'twenty' is not a number"),
                           ("wrong-period", "'Feb 2026' is not a month"),
                           ("unknown-indicator", "unknown indicator 'SCS99'"),
                           ("unknown-district", "unknown district 'Atlantis'"),
                           ("unknown-team", "unknown team 'Atlantis CSWT'"),
                           ("duplicate-row", "duplicate row: SCS01 / Kent / 2026-02"),
                           ("numerator-above-denominator", "numerator 600 is larger than denominator 500"),
                           ("future-month", "period 2099-01 is in the future"),
                           ("gap-month", "missing month(s) 2026-02 before 2026-03"),
                           ("not-utf8", "is not UTF-8 text (byte 0xa3)"),
                           ("conflict", "duplicate row: SCS01 / Kent / 2026-01"))},
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_validate_names_each_corruption_of_the_real_files(name, data_copy, capsys, monkeypatch):
    corrupt, row, words = CORRUPTIONS[name]
    corrupt(data_copy)
    before = tree_hash(data_copy)
    code, out, err = run_cli(["validate", "--data", data_copy], capsys, monkeypatch)
    assert code == EXIT_INVALID
    assert "Traceback" not in err + out
    errors = [ln for ln in err.splitlines() if ln.startswith("ERROR: ")]
    hits = [ln for ln in errors if words in ln]
    assert hits, err
    where = re.escape(str(data_copy / "observations.csv"))
    assert re.search(rf"{where}:\d+" if row is None else (rf"{where}:{row}\b" if row else where), hits[0]), hits[0]
    assert err.splitlines()[-1].startswith("FAILED:")
    assert tree_hash(data_copy) == before  # validate only reads
