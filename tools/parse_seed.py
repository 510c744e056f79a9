"""Parse the January 2026 scorecard text into printed rows (used once to build data/)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PERIOD_CODES = {"R12M", "MS", "YTD", "Q", "T", "A"}
FREQ_FROM_HEADER = [("Monthly", "monthly"), ("Quarterly", "quarterly"), ("Termly", "termly"), ("Annual", "annual")]
POSITIONS = {
    "monthly": dict(trend=6, latest=6, num=7, den=8, dot=9, target=10, rag=11, outturn=12, target_prev=13, rag_prev=14, b1=15, b2=16),
    "quarterly": dict(trend=3, latest=3, num=4, den=5, dot=6, target=7, rag=8, outturn=9, target_prev=10, rag_prev=11, b1=12, b2=13),
    "termly": dict(trend=3, latest=3, num=4, den=5, dot=6, target=7, rag=8),
    "annual": dict(trend=3, latest=3, num=4, den=5, target=6, rag=7, dot=8, target_next=9, b1=10, b2=11),
}


def parse(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").split("\n")
    page = "Kent KPIs"
    block = None
    team = ""
    rows = []
    order = 0
    last_text = ""
    for lineno, line in enumerate(lines, start=1):
        cells = line.split("\t")
        stripped = line.strip().lstrip("#").strip()
        m = re.match(r"Directorate Scorecard - (.+)$", stripped)
        if m:
            page = m.group(1).strip()
            continue
        if "Polarity" in cells and "Data Period" in cells:
            title = cells[0].strip() if cells[0].strip() else last_text
            freq = next(f for k, f in FREQ_FROM_HEADER if k in title)
            block = dict(title=title, frequency=freq, header=[c.strip() for c in cells if c.strip()], line=lineno)
            team = ""
            continue
        labels = [c.strip() for c in cells if re.search(r"(CSWT|EHU)$", c.strip())]
        if labels:
            team = labels[0]
        if cells[0].strip() and not cells[0].startswith("**"):
            last_text = cells[0].strip()
        if len(cells) > 5 and cells[2].strip() in {"H", "L", "T"} and cells[3].strip() in PERIOD_CODES:
            pos = POSITIONS[block["frequency"]]
            vals = [c.strip() for c in cells[5:]]
            get = lambda k: vals[pos[k]] if k in pos and pos[k] < len(vals) else ""  # noqa: E731
            order += 1
            rows.append(dict(
                line=lineno, order=order, page=page, block=block["title"], block_line=block["line"],
                frequency=block["frequency"], header=block["header"], team=team,
                code=cells[0].strip(), title=cells[1].strip(), polarity=cells[2].strip(),
                data_period=cells[3].strip(), qpr=cells[4].strip() == "✓",
                trend=vals[: pos["trend"] + 1],
                **{k: get(k) for k in pos if k != "trend"},
            ))
    return rows


if __name__ == "__main__":
    json.dump(parse(Path(sys.argv[1])), sys.stdout, indent=1, ensure_ascii=False)
