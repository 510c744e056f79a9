"""Commentary files: parsing, grouping by RAG, rendering, and draft sentences from the engine's rows."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from scorecard import commentary
from scorecard.problems import ScorecardError

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = """# Children's Social Care

*An introduction that is not about one indicator.*

**GREEN:** Re-referrals are 22.4%.

**RED:** Foster care is 68.8%,
below the floor standard.

**amber:** Returner interviews are 88.8%.

**Note:** a note paragraph stays as it is.

**RED**: Care leavers are 54.8%.
"""


def write(tmp_path: Path, text: str, section: str = "social-care", month: str = "2026-01") -> Path:
    path = tmp_path / month / f"{section}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return tmp_path


def test_parse_records_section_heading_rag_text_index_and_line(tmp_path):
    c = commentary.load("2026-01", "social-care", write(tmp_path, SAMPLE))
    assert c.exists and c.title == "Children's Social Care"
    got = [(p.rag, p.text, p.index, p.line) for p in c.paragraphs]
    assert got == [
        ("", "*An introduction that is not about one indicator.*", 1, 3),
        ("GREEN", "Re-referrals are 22.4%.", 2, 5),
        ("RED", "Foster care is 68.8%, below the floor standard.", 3, 7),
        ("AMBER", "Returner interviews are 88.8%.", 4, 10),
        ("", "**Note:** a note paragraph stays as it is.", 5, 12),
        ("RED", "Care leavers are 54.8%.", 6, 14),
    ]
    assert {p.section for p in c.paragraphs} == {"social-care"}
    assert {p.heading for p in c.paragraphs} == {"Children's Social Care"}


def test_groups_follow_the_edition_order_and_keep_file_order_within_a_group(tmp_path):
    c = commentary.load("2026-01", "social-care", write(tmp_path, SAMPLE))
    groups = c.groups()
    assert list(groups) == ["RED", "AMBER", "GREEN"]
    assert [p.index for p in groups["RED"]] == [3, 6]
    md = commentary.render_markdown(c)
    red, amber, green = md.index("#### RED"), md.index("#### AMBER"), md.index("#### GREEN")
    assert md.index("An introduction") < red < md.index("Care leavers") < amber < green
    # the word is printed with every rated paragraph, never colour alone
    assert "**RED:** Foster care is 68.8%" in md and "**AMBER:** Returner" in md and "**GREEN:** Re-referrals" in md


def test_missing_file_renders_a_visible_message_not_nothing(tmp_path):
    c = commentary.load("2026-02", "send", tmp_path)
    assert not c.exists and c.paragraphs == []
    groups = commentary.render_groups(c)
    assert groups[0][0] == "none" and "has not been written yet" in groups[0][1]


def test_unknown_section_is_a_one_line_error(tmp_path):
    with pytest.raises(ScorecardError) as exc:
        commentary.load("2026-01", "health", tmp_path)
    assert len(exc.value.lines) == 1 and "health" in exc.value.lines[0]


def test_shipped_january_commentary_groups(tmp_path):
    c = commentary.load("2026-01", "social-care", ROOT / "commentary")
    counts = {k: len(v) for k, v in c.groups().items()}
    assert counts == {"RED": 2, "AMBER": 6, "GREEN": 3}
    send = commentary.load("2026-01", "send", ROOT / "commentary")
    assert [p.rag for p in send.paragraphs] == [""]


def test_default_root_is_beside_the_data_folder(tmp_path):
    assert commentary.default_root(tmp_path / "repo" / "data") == (tmp_path / "repo" / "commentary").resolve()


# --- drafts -------------------------------------------------------------------------------------------------

def row_of(edition, indicator, block=None, area="Kent"):
    rows = edition[(edition["indicator"] == indicator) & (edition["area"] == area)]
    if block:
        rows = rows[rows["block"] == block]
    return rows.iloc[0]


def test_draft_states_value_target_floor_rating_and_direction(january):
    text = commentary.draft(row_of(january, "EH72-F", "ics-monthly"))
    assert text == ("The percentage of referrals to an Early Help Unit where a previous episode ended within "
                    "12 months is 26.0% against a target of 25.0% (floor 30.0%): AMBER, improved from 26.1% "
                    "in Dec-25.")


def test_draft_of_a_target_range(january):
    text = commentary.draft(row_of(january, "SCS13", "ics-monthly"))
    assert "is 26.1% against a target range of 17.5% to 22.5% (floor range 12.5% to 27.5%)" in text
    assert text.endswith(": AMBER, no change from 26.1% in Dec-25.")


def test_draft_names_the_comparison_the_engine_used(january, dataset):
    # CYPE8 is compared with last year's outturn, EY2 with the same term a year earlier
    cype8 = commentary.draft(row_of(january, "CYPE8", "ics-quarterly"))
    assert "(Q3 25-26)" in cype8 and "improved from 33.5% (2024-25 outturn)" in cype8
    ey2 = commentary.draft(row_of(january, "EY2", "edu-termly"))
    assert "improved from 68.0% in Autumn 24-25" in ey2
    assert commentary.draft(row_of(january, "EY2", "edu-termly"), "same_period_last_year") == ey2


def test_draft_of_a_missing_value_and_of_no_target(january):
    row = row_of(january, "SCS18", "district-ics-monthly", area="Ashford")
    assert row["value"] is None or math.isnan(row["value"])
    text = commentary.draft(row)
    assert text == ("In Ashford CSWT, Children in Care in same placement for the last two years (for those in care "
                    "for two and a half years or more) is not available for Jan-26.")
    rate = commentary.draft(row_of(january, "EXCL-RATE", "edu-monthly"))
    assert "0.04%, with no target set: no change from 0.04% in Dec-25." in rate
    assert "RED" not in rate and "GREEN" not in rate


def test_drafts_cover_every_rated_kent_row_of_a_section_red_first(january, dataset):
    texts = commentary.drafts(january, "social-care", dataset.indicators)
    rated = january[(january["block"] == "ics-monthly") & (january["section"] == "social-care")]
    assert len(texts) == len(rated)
    rags = [next(r for r in ("RED", "AMBER", "GREEN") if f": {r}" in t) for t in texts]
    assert rags == sorted(rags, key=["RED", "AMBER", "GREEN"].index)
    assert rags.count("RED") == int((rated["rag"] == "RED").sum())
