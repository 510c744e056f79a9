"""`scorecard export`: one row per printed row, with exactly the agreed columns."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

COLUMNS = ["area", "team", "code", "title", "frequency", "period", "value", "numerator", "denominator",
           "target", "floor", "rag", "dot"]


def test_csv_and_xlsx_exports(tmp_path):
    out = tmp_path / "jan.csv"
    res = subprocess.run([sys.executable, "-m", "scorecard", "export", "--month", "2026-01", "--out", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 570
    assert set(frame["rag"]) == {"", "RED", "AMBER", "GREEN"}
    assert set(frame["dot"]) == {"", "improved", "worsened", "same"}
    # a team block printed under two districts appears under each
    team = frame[frame["team"] == "Sevenoaks North & Tonbridge and Malling CSWT"]
    assert set(team["area"]) == {"Sevenoaks", "Tonbridge and Malling"}
    kent = frame[(frame["area"] == "Kent") & (frame["code"] == "SCS01")].iloc[0]
    assert (kent["value"], kent["numerator"], kent["denominator"], kent["target"], kent["rag"], kent["dot"]) == (
        "22.4", "5,239", "23,366", "25.0", "GREEN", "improved")
    na = frame[(frame["team"] == "Ashford CSWT") & (frame["code"] == "SCS18")].iloc[0]
    assert na["value"] == "" and na["rag"] == ""
    t = frame[(frame["area"] == "Kent") & (frame["code"] == "SCS13")].iloc[0]
    assert (t["target"], t["floor"], t["rag"], t["dot"]) == ("17.5 - 22.5", "12.5 - 27.5", "AMBER", "same")

    xlsx = tmp_path / "jan.xlsx"
    res = subprocess.run([sys.executable, "-m", "scorecard", "export", "--month", "2026-01", "--out", str(xlsx),
                          "--format", "xlsx"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype=str, keep_default_na=False)
    assert list(sheets["edition"].columns) == COLUMNS
    assert len(sheets["edition"]) == 570
    assert "district-ics-monthly" in sheets
