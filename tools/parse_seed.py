"""Parse the January 2026 scorecard text into printed rows, every cell kept as printed text.

Used once by ``build_seed_data.py`` to make ``data/``. The text is a PDF converted to tabs: data
rows start with code, title, polarity, data period and QPR; the cells after them sit at fixed
positions per kind of table, except where the conversion merged or dropped cells. Those rows are
repaired here, each repair named (``repairs`` on the row).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PERIOD_CODES = {"R12M", "MS", "YTD", "Q", "T", "A"}
FREQ_FROM_HEADER = [("Monthly", "monthly"), ("Quarterly", "quarterly"), ("Termly", "termly"), ("Annual", "annual")]
TREND = {"monthly": 7, "quarterly": 4, "termly": 4, "annual": 4}
AFTER = {  # cell names after the trend (which ends with the latest figure)
    "monthly": ["num", "den", "dot", "target", "rag", "outturn", "target_prev", "rag_prev", "b1", "b2"],
    "quarterly": ["num", "den", "dot", "target", "rag", "outturn", "target_prev", "rag_prev", "b1", "b2"],
    "termly": ["num", "den", "dot", "target", "rag"],
    "annual": ["num", "den", "target", "rag", "dot", "target_next", "b1", "b2"],
}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def parse(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").split("\n")
    page, block, team, last_text = "Kent KPIs", None, "", ""
    rows: list[dict] = []
    for lineno, line in enumerate(lines, start=1):
        cells = _cells(line)
        stripped = line.strip().lstrip("#").strip()
        m = re.match(r"Directorate Scorecard - (.+)$", stripped)
        if m:
            page = m.group(1).strip()
            continue
        if "Polarity" in cells and "Data Period" in cells:
            title = cells[0] if cells[0] else last_text
            freq = next(f for k, f in FREQ_FROM_HEADER if k in title)
            block = dict(title=title, frequency=freq, header=[c for c in cells if c], line=lineno)
            team = ""
            continue
        labels = [c for c in cells if re.search(r"(CSWT|EHU)$", c)]
        if labels:
            team = labels[0]
        if cells[0] and not cells[0].startswith("**"):
            last_text = cells[0]
        if not (len(cells) > 5 and cells[2] in {"H", "L", "T"} and cells[3] in PERIOD_CODES):
            continue
        freq = block["frequency"]
        vals = cells[5:]
        repairs = []
        n = TREND[freq]
        names = AFTER[freq]
        if vals[0] == "N/A" and all(v == "" for v in vals[1:n - 1]):
            # One N/A printed across the merged trend columns; the latest figure follows (N/A too).
            tail = vals[n - 1:]
            while tail and tail[-1] == "":   # trailing tabs: the benchmarks are the last printed cells
                tail = tail[:-1]
            if len(tail) == len(names):
                # the latest figure's N/A was lost in the conversion: the rest are aligned from the right
                repairs.append("merged N/A trend without its latest cell")
            else:
                tail = tail[1:]
            trend_cells, after = ["N/A"] * n, tail
        else:
            trend_cells, after = vals[:n], vals[n:]
        while len(after) > len(names) and after[-1] == "":
            after = after[:-1]
        if len(after) > len(names):
            # the Kent SEND "waiting" rows: one blank too many before the benchmarks
            i = max(k for k in range(len(after) - 2) if after[k] == "")
            after = after[:i] + after[i + 1:]
            repairs.append("one extra blank cell before the benchmarks")
        after = after + [""] * (len(names) - len(after))
        rec = dict(zip(names, after))
        rows.append(dict(
            line=lineno, page=page, block=block["title"], block_line=block["line"], frequency=freq,
            header=block["header"], team=team, code=cells[0], title=cells[1], polarity=cells[2],
            data_period=cells[3], qpr=cells[4], trend=trend_cells, repairs=repairs, **rec,
        ))
    return rows


if __name__ == "__main__":
    json.dump(parse(Path(sys.argv[1])), sys.stdout, indent=1, ensure_ascii=False)
