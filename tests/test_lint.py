"""`scorecard lint`: commentary that disagrees with the tables is reported; commentary that agrees is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_run import run_cli

from scorecard import commentary, lint
from scorecard.commentary import Paragraph
from scorecard.problems import EXIT_INVALID, EXIT_LINT

ROOT = Path(__file__).resolve().parents[1]
COMMENTARY = ROOT / "commentary"

# Which indicator each rated paragraph of January 2026 is about, in file order (read by a person).
JANUARY_PARAGRAPHS = {
    "social-care": ["SCS19", "SCS34", "SCS08", "SCS13", "SCS29", "SCS40", "SCS42", "SCS43", "SCS01", "SCS18",
                    "SCS37"],
    "early-help": ["EH72-F", "EH-CASELOAD", "EH52-F"],
    "education": ["SISE71", "EH43", "EY2", "SISE12", "CYPE23", "CYPE24", "CYPE8", "CYPE6", "CYPE22"],
    "send": [],
}

# Sentences of the January 2026 commentary that agree with its tables, and the indicator each is about.
AGREEING = [
    ("SCS01", "GREEN", "The percentage re-referrals to Children's Social Work Services within 12 months of a previous "
                       "referral was 22.4%, achieving the Target of below 25.0%. This performance compares to "
                       "the latest published England average of 22.6%, and averages of "
                       "20.5% for Kent's Statistical Neighbours and 28.4% for the South East (all comparative rates "
                       "are for 2024/25)."),
    ("CYPE8", "GREEN", "The rate of proven re-offending by children and young people has reduced further from 29.3 "
                       "to 28.7"),
    ("SCS13", "AMBER", "The percentage of children becoming subject to a child protection plan for the second or "
                       "subsequent time is 26.1% which is above the target range of 17.5% - 22.5%. This compares to "
                       "average rates for England of 24.5%, Statistical Neighbours 24.3% and the South East 26.3% "
                       "(2024/25)."),
    ("SCS08", "AMBER", "The Percentage of Returner Interviews completed for those with Children's Social Work "
                       "Involvement is 88.8%, which is close to the Target of 90.0%. For those Returner Interviews "
                       "that did take place, 87.5% took place within timescale (3 working days) which is above the "
                       "80.0% target."),
    ("SCS29", "AMBER", "The average number of days between becoming a child in care and moving in with an adoptive "
                       "family is 429 days, just above the nationally set guide of less than 426 days. This compares "
                       "to the latest published England average of 475 days for 2024/25."),
    ("SCS19", "RED", "At 68.8% the percentage of children in care placed in KCC foster care, or in placements with "
                     "relatives/friends, is below the floor standard of 75.0%. The target of 85.0% is an aspirational "
                     "target set to drive up the use of in-house provision. The highest performance achieved during "
                     "the last 3 years was 75.5% in December 2022."),
    ("SCS34", "RED", "The percentage of care leavers in education, employment or training (of those KCC is in touch "
                     "with) is 54.8% which is below the Target of 65.0% and floor standard of 55.0%. Whilst not "
                     "directly comparable the nationally published data for 2024/25 for 19-21 year olds reports the "
                     "England average as 54.0%"),
    ("SCS40", "AMBER", "The percentage of case holding posts filled by permanent qualified social workers is 80.7%, "
                       "the highest level since March 2022 (83.3%). The target for this measure is 85.0% which is "
                       "based on the previous national average for Agency Social Workers of 15%. That increased to "
                       "16.2% (September 2024) but the Kent target of 85.0% was retained."),
    ("SCS42", "AMBER", "The average caseload in the Children in Care (CIC) Teams is 16.1 children, close to, but "
                       "above, the target of no more than 15 children/young people."),
    ("SCS43", "AMBER", "The average caseload in the Children's Social Work Teams (CSWT) is 21.1 children, which is "
                       "above the target caseload of no more than 18 children. The average caseload has remained "
                       "stable at an average of 21 cases over the last six months."),
    ("EH-CASELOAD", "AMBER", "The average caseload within Early Help Units is 15.5 families. The Target for this "
                             "measure was increased to 20 families for 2024/25."),
    ("SISE71", "RED", "The percentage of Year 12-13 age-group (16-17 year olds) not in education, employment or "
                      "training (NEET) is a seasonally impacted indicator. In January 2026 it was 4.5% with 1,796 "
                      "people NEET. Published data for 2024/25 shows Kent to have 3.8% NETTS, which combined with the "
                      "Not Known cohort (4.2%) the aggregate figure is 8.1% which is higher than the previous year by "
                      "2.8 percentage points. The figures for the Southeast and England are 5.6% and 7.0% "
                      "respectively."),
    ("EH43", "RED", "The numbers of pupils permanently excluded from the primary phase, as a 12-month rolling "
                    "average, at 32 exceeds the target of 25 or fewer."),
    ("EY2", "RED", "The percentage of DWP and other identified eligible 2 year olds taking up a free early education "
                   "place is a seasonally impacted indicator and at 69.5% is below the target and but a 1.5 "
                   "percentage point improvement on last year's performance."),
    ("SISE12", "AMBER", "The average score at KS4 in Attainment 8 at 46.7 is just below target of 47.0 but above "
                        "the national performance of 46.0."),
    ("CYPE23", "AMBER", "The average points score per A Level entry (Key Stage 5) at 34.86 is an improvement on the "
                        "last two years results but is just below England (34.99) and the target of 35.00 so is "
                        "amber but by a small margin."),
    ("CYPE24", "AMBER", "The average points score per Applied General entry (Key Stage 5) at 29.20 is both below "
                        "the target and England's performance by 0.80 and 0.69 respectively."),
    ("CYPE6", "GREEN", "The percentage of Children Missing Education (CME) cases, closed within 30 school days is "
                       "94.7% with 4,348 cases closed out of a total of 4,592"),
    ("CYPE22", "GREEN", "The percentage of CYP registered to EHE who receive contact and additional information "
                        "within 10 school days of them being brought to our attention at 95.1% remains above the "
                        "target of 85%."),
    ("EH52-F", "GREEN", "The percentage of Early Help Assessments completed in the given month, within 6 weeks of "
                        "allocation, is at 93.1%, achieving the target of above 85.0%."),
]


@pytest.fixture(scope="module")
def rows(january):
    return {r["indicator"]: r for r in lint.kent_rows(january).to_dict("records")}


@pytest.fixture(scope="module")
def findings(january):
    return lint.lint_month(january, "2026-01", COMMENTARY, display_root="commentary")


def test_scs37_target_is_reported(findings):
    hits = [f for f in findings if f.indicator == "SCS37"]
    assert len(hits) == 1
    f = hits[0]
    assert (f.file, f.line, f.paragraph, f.sentence, f.kind) == ("commentary/2026-01/social-care.md", 23, 11, 1,
                                                                 "target")
    assert "target of 80.0%" in f.message and "85.0" in f.message and "Target level of 80.0%" in f.message
    assert f.text().startswith("commentary/2026-01/social-care.md:23: paragraph 11 (SCS37), sentence 1: ")


def test_january_has_no_other_disagreement(findings):
    assert [(f.indicator, f.kind) for f in findings if f.kind != "missing"] == [("SCS37", "target")]


def test_red_and_amber_without_commentary(findings, january):
    commented = {i for inds in JANUARY_PARAGRAPHS.values() for i in inds}
    k = lint.kent_rows(january)
    expected = set(k[k["rag"].isin(["RED", "AMBER"])]["indicator"]) - commented
    assert expected >= {"APP17", "APP-EP", "SEND10", "CYPE25"}
    missing = [f for f in findings if f.kind == "missing"]
    assert {f.indicator for f in missing} == expected
    assert all(f.line == 0 and f.file.startswith("commentary/2026-01/") for f in missing)


@pytest.mark.parametrize("indicator,label,text", AGREEING, ids=[f"{a[0]}-{i}" for i, a in enumerate(AGREEING)])
def test_no_false_alarm(indicator, label, text, rows, january):
    p = Paragraph("x", "", label, text, 1, 1, "x.md")
    assert lint.Matcher(lint.kent_rows(january)).match(text) == indicator
    assert lint.check_paragraph(p, rows[indicator], lint._month_of(january)) == []


@pytest.mark.parametrize("section", sorted(JANUARY_PARAGRAPHS))
def test_matcher_on_january(section, january):
    m = lint.Matcher(lint.kent_rows(january))
    c = commentary.load("2026-01", section, COMMENTARY)
    assert [m.match(p.text, section) for p in c.rated] == JANUARY_PARAGRAPHS[section]


def test_matcher_on_titles_and_neighbours(january):
    k = lint.kent_rows(january)
    m = lint.Matcher(k)
    assert all(m.match(r["title"]) == r["indicator"] for r in k.to_dict("records"))
    assert m.match("Permanent exclusions from the secondary phase stood at 61 pupils.") == "EH44"
    assert m.match("The average point score per Tech Level entry is 27.97.") == "CYPE25"
    assert m.match("Early Help unit case audits rated good or outstanding were 92.4%.") == "EH-AUDIT"
    assert m.match("As noted in SCS37, audits continue.") == "SCS37"
    assert m.match("Recruitment campaigns continue across the county.") is None


def test_drafts_from_the_tables_raise_nothing(january):
    """commentary.draft writes sentences from the engine's rows; lint must agree with every one."""
    paras = [Paragraph(r["section"], "", r["rag"], commentary.draft(r), i, i, "draft.md")
             for i, r in enumerate(lint.kent_rows(january).to_dict("records"), start=1) if r["rag"]]
    assert len(paras) > 40
    assert [f.text() for f in lint.lint(january, paras) if f.kind != "missing"] == []


@pytest.mark.parametrize("old,new,indicator,kind,words", [
    ("**GREEN:** The percentage re-referrals", "**AMBER:** The percentage re-referrals", "SCS01", "rag",
     "labelled AMBER but the table rates it GREEN"),
    ("was 22.4%, achieving", "was 22.9%, achieving", "SCS01", "value", "quotes 22.9% but the table shows 22.4%"),
    ("below the floor standard of 75.0%", "below the floor standard of 70.0%", "SCS19", "floor",
     "floor of 70.0% but the table's floor is 75.0"),
    ("close to the Target of 90.0%", "close to the Target of 95.0%", "SCS08", "target",
     "target of 95.0% but the table's target is 90.0"),
    ("is 429 days", "is 439 days", "SCS29", "value", "quotes 439 days but the table shows 429.1 days"),
])
def test_planted_errors_are_found(old, new, indicator, kind, words, january, tmp_path):
    root = tmp_path / "commentary"
    shutil.copytree(COMMENTARY / "2026-01", root / "2026-01")
    path = root / "2026-01" / "social-care.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    found = [f for f in lint.lint_month(january, "2026-01", root) if f.kind != "missing" and f.indicator != "SCS37"]
    assert len(found) == 1, [f.text() for f in found]
    assert (found[0].indicator, found[0].kind) == (indicator, kind)
    assert words in found[0].message


def test_wrong_words_in_text_and_earlier_figures(january, rows):
    month = lint._month_of(january)
    p = Paragraph("education", "", "AMBER", "The average points score per A Level entry (Key Stage 5) at 34.86 is "
                  "just below the target of 35.00 so is green.", 1, 1, "x.md")
    found = lint.check_paragraph(p, rows["CYPE23"], month)
    assert [(f.kind, f.sentence) for f in found] == [("rag", 1)] and "says 'green'" in found[0].message
    p = Paragraph("education", "", "GREEN", "The rate of proven re-offending by children and young people has "
                  "reduced further from 29.9 to 28.7", 1, 1, "x.md")
    found = lint.check_paragraph(p, rows["CYPE8"], month)
    assert [f.kind for f in found] == ["value"] and "earlier figure of 29.9" in found[0].message


def test_quotes_roles():
    qs = lint.quotes("It was 26.1% against a target range of 17.5% - 22.5% and England's 24.5% (2024/25), "
                     "up from 25.0% in March 2025, by 1.5 percentage points over 12 months.")
    assert [(q.value, q.role) for q in qs] == [(26.1, ""), (17.5, "target"), (22.5, "target"), (24.5, "benchmark"),
                                               (25.0, "history"), (2025, "skip"), (1.5, "skip"), (12, "skip")]
    assert qs[-2].unit_word == "points"  # "2024/25" is not read as a number at all


def test_cli_lint_exit_codes(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(["lint", "--month", "2026-01"], capsys, monkeypatch)
    assert code == 0, err
    lines = out.splitlines()
    assert any(ln.startswith("commentary/2026-01/social-care.md:23: paragraph 11 (SCS37)") for ln in lines)
    assert lines[-1].endswith("finding(s) in the commentary for 2026-01")
    code, out, err = run_cli(["lint", "--month", "2026-01", "--strict"], capsys, monkeypatch)
    assert code == EXIT_LINT and "FAILED (--strict)" in err
    code, out, err = run_cli(["lint", "--month", "2026-01", "--commentary", tmp_path], capsys, monkeypatch)
    assert code == EXIT_INVALID and "scorecard new-month 2026-01" in err


def test_finding_as_problem(findings):
    p = next(f for f in findings if f.indicator == "SCS37").problem()
    assert p.severity == "warning" and p.line().startswith("WARNING: commentary/2026-01/social-care.md:23 [SCS37]")
