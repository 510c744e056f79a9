"""What the engine decides for printed rows of January 2026, with the print as the expected value."""

from __future__ import annotations

import dataclasses

from conftest import ROOT

from scorecard.engine import RowFrame, snapshot


def _row(edition, block, area, code, team=""):
    for t in edition.tables:
        for r in t.rows:
            if r.block == block and (r.page or r.area) == area and r.team == team and (r.code or r.title) == code:
                return t, r
    raise AssertionError(f"no row {block} {area} {team} {code}")


def _cell(edition, block, area, code, export, team=""):
    t, r = _row(edition, block, area, code, team)
    col = next(c for c in t.columns if c.export == export)
    return r.cell(col.key)


def test_the_frame_is_typed(january):
    frame = january.frame()
    RowFrame.validate(frame)
    assert len(frame) == 570
    assert frame["value"].dtype.kind == "f"


def test_a_t_target_is_shown_as_printed_and_its_band_is_marked(january):
    target = _cell(january, "ics-monthly", "Kent", "SCS13", "target_current")
    assert target.text == "20.0"
    assert any("17.5 to 22.5" in m.text and "commentary" in m.text for m in target.marks)
    assert _cell(january, "ics-monthly", "Kent", "SCS13", "rag_current").text == "AMBER"


def test_printed_polarity_and_the_rated_one(january):
    t, r = _row(january, "ics-monthly", "Kent", "Average Caseload within EH Units (Families)")
    pol = r.cell("polarity")
    assert pol.text == "L" and r.rated_as == "T" and pol.marks
    assert _cell(january, "ics-monthly", "Kent", "Average Caseload within EH Units (Families)", "rag_current").text \
        == "AMBER"


def test_a_target_the_table_does_not_print_is_blank_and_marked(january):
    target = _cell(january, "district-edu-monthly", "Dover", "CYPE6", "target_current")
    assert target.text == "" and any(m.kind == "not_printed" for m in target.marks)
    assert _cell(january, "district-edu-monthly", "Dover", "CYPE6", "rag_current").text == "GREEN"


def test_benchmarks_follow_the_row_and_say_which_they_are(january):
    bench = _cell(january, "district-edu-monthly", "Ashford", "APP17", "benchmark")
    assert bench.text == "38.2" and any("South East" in m.text for m in bench.marks)
    assert _cell(january, "district-edu-monthly", "Ashford", "APP17", "england").text == "46.4"
    assert _cell(january, "send-monthly", "Kent", "APP17-N", "benchmark").text == ""   # printed blank


def test_a_contradicted_rating_is_shown_beside_the_printed_one(january):
    rag = _cell(january, "edu-annual", "Kent", "CYPE23", "rag_previous")
    assert (rag.text, rag.printed) == ("AMBER", "GREEN")
    dot = _cell(january, "district-ics-monthly", "Swale", "SCS08", "dot", team="Swale Central CSWT")
    assert (dot.text, dot.printed) == ("↑", "⇩")


def test_inferred_floors_are_marked_on_the_ratings_they_decide(january):
    rag = _cell(january, "ics-monthly", "Kent", "SCS08", "rag_current")
    assert rag.text == "AMBER" and any(m.kind == "floor" for m in rag.marks)
    green = _cell(january, "ics-monthly", "Kent", "SCS01", "rag_current")
    assert green.text == "GREEN" and not green.marks


def test_cells_as_printed(january):
    assert _cell(january, "edu-monthly", "Kent", "EH43", "target_current").text == "<= 25"
    assert _cell(january, "edu-monthly", "Kent", "EH43", "numerator").text == "N/A"
    assert _cell(january, "vl-primary", "Kent", "Percentage of pupils at EYFS achieving a Good Level of Development - Kent CIC gap", "target_current").text == "N/A small cohort"  # noqa: E501
    assert _cell(january, "ics-monthly", "Kent", "SCS29", "benchmark").text == "468"
    assert _cell(january, "send-monthly", "Kent", "APP17", "target_current").text == "65"
    assert _cell(january, "ics-monthly", "Kent", "SCS01", "qpr").text == "✓"
    t, _ = _row(january, "district-ics-monthly", "Ashford", "SCS01", team="Ashford CSWT")
    assert any(c.header == "Kent Outturn 2024-25" for c in t.columns)


def test_a_snapshot_is_read_once_per_process_until_its_file_is_replaced(tmp_path):
    """Pages on one warm kernel share the snapshot; a new build's snapshot (a new file) is read again."""
    snap = snapshot.make(ROOT / "data", "2026-01")
    path = tmp_path / snapshot.FILE
    snapshot.save(snap, path)
    first = snapshot.load(path)
    assert first is not None and first.key == snap.key
    assert snapshot.load(path) is first                       # not unpickled again
    assert snapshot.load(path, key="another key") is None      # the key is still checked
    snapshot.save(dataclasses.replace(snap, key="rebuilt"), path)
    again = snapshot.load(path)
    assert again is not first and again.key == "rebuilt"
    (tmp_path / "other").mkdir()
    assert snapshot.load(tmp_path / "other" / snapshot.FILE) is None
