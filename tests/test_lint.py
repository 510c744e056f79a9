"""`scorecard lint`: commentary in the notebooks that disagrees with the tables is reported; words that agree are not.

Expected findings are written by hand from the January 2026 notebooks and the tables the edition
printed (cell and paragraph numbers as JupyterLab shows them), never read back from lint itself.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scorecard.content import lint
from scorecard.engine import snapshot

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
SC = "notebooks/2026-01/social-care.ipynb"
SCS37 = (f"{SC}: cell 9, paragraph 3 (SCS37), sentence 1: quotes a target of 80.0% but the table's target is 85.0")

# Which indicator each rated paragraph of January 2026 is about, as (cell, paragraph): read by a person.
JANUARY_PARAGRAPHS = {
    "send": [],
    "social-care": [(7, 1, "SCS19"), (7, 2, "SCS34"), (8, 1, "SCS08"), (8, 2, "SCS13"), (8, 3, "SCS29"),
                    (8, 4, "SCS40"), (8, 5, "SCS42"), (8, 6, "SCS43"), (9, 1, "SCS01"), (9, 2, "SCS18"),
                    (9, 3, "SCS37")],
    "early-help": [(7, 1, "EH72-F"), (7, 2, "EH-CASELOAD"), (8, 1, "EH52-F"), (8, 2, "CYPE8")],
    "education": [(8, 1, "SISE71"), (8, 2, "EH43"), (8, 3, "EY2"), (9, 1, "SISE12"), (9, 2, "CYPE23"),
                  (9, 3, "CYPE24"), (10, 1, "CYPE6"), (10, 2, "CYPE22")],
}

# Sentences of the January 2026 commentary that agree with its tables, and the indicator each is about.
AGREEING = [
    ("SCS01", "GREEN", "The percentage re-referrals to Children's Social Work Services within 12 months of a previous "
                       "referral was 22.4%, achieving the Target of below 25.0%. This performance compares to the "
                       "latest published England average of 22.6%, and averages of 20.5% for Kent's Statistical "
                       "Neighbours and 28.4% for the South East (all comparative rates are for 2024/25)."),
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
def snap():
    return snapshot.make(DATA, "2026-01")


@pytest.fixture(scope="module")
def facts(snap):
    return {r.indicator: lint.facts_of(t, r) for t, r in lint.commentary.county_rows(snap.edition)}


@pytest.fixture(scope="module")
def matcher(snap):
    return lint.Matcher([r for _, r in lint.commentary.county_rows(snap.edition)])


@pytest.fixture()
def notebooks(tmp_path):
    """A private copy of notebooks/ that a test may edit."""
    dest = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, dest)
    return dest


def edit(notebooks: Path, section: str, cell: int, old: str | None, new: str) -> None:
    """Replace ``old`` (which must occur once) in a cell (1-based), or append a paragraph when ``old`` is None."""
    path = notebooks / "2026-01" / f"{section}.ipynb"
    nb = nbformat.read(path, as_version=4)
    src = nb.cells[cell - 1].source
    if old is None:
        nb.cells[cell - 1].source = src + "\n\n" + new
    else:
        assert src.count(old) == 1, old
        nb.cells[cell - 1].source = src.replace(old, new)
    nbformat.write(nb, path)


def texts(snap, notebooks: Path) -> list[str]:
    return [f.text() for f in lint.lint_edition(snap, notebooks, "2026-01")]


def with_policy(snap, **policy):
    prm = dataclasses.replace(snap.params, commentary_policy={**snap.params.commentary_policy,
                                                              **{k.replace("_", "-"): v for k, v in policy.items()}})
    return dataclasses.replace(snap, params=prm)


# --- the shipped January edition ---------------------------------------------------------------

def test_january_has_exactly_the_scs37_finding(snap):
    assert texts(snap, NOTEBOOKS) == [SCS37]


def test_scs37_finding_fields(snap):
    (f,) = lint.lint_edition(snap, NOTEBOOKS, "2026-01")
    assert (f.file, f.cell, f.paragraph, f.sentence, f.indicator, f.kind) == (SC, 9, 3, 1, "SCS37", "target")


@pytest.mark.parametrize("section", sorted(JANUARY_PARAGRAPHS))
def test_matcher_on_january(section, matcher):
    paras = lint.read_notebook(NOTEBOOKS / "2026-01" / f"{section}.ipynb", section, section)
    got = [(p.cell, p.index, matcher.match(p.text, section)) for p in paras if p.rag]
    assert got == JANUARY_PARAGRAPHS[section]


@pytest.mark.parametrize("indicator,label,text", AGREEING, ids=[f"{a[0]}-{i}" for i, a in enumerate(AGREEING)])
def test_no_false_alarm(indicator, label, text, matcher, facts, snap):
    assert matcher.match(text) == indicator
    p = lint.Paragraph("x.ipynb", "", 1, 1, label, text)
    assert lint.check_paragraph(p, facts[indicator], lint.periods.Month.parse("2026-01")) == []


def test_matcher_on_titles_and_neighbours(matcher, snap):
    rows = [r for _, r in lint.commentary.county_rows(snap.edition)]
    assert all(matcher.match(r.title) == r.indicator for r in rows)
    assert matcher.match("Permanent exclusions from the secondary phase stood at 61 pupils.") == "EH44"
    assert matcher.match("The average point score per Tech Level entry is 27.97.") == "CYPE25"
    assert matcher.match("Early Help unit case audits rated good or outstanding were 92.4%.") == "EH-AUDIT"
    assert matcher.match("As noted in SCS37, audits continue.") == "SCS37"
    assert matcher.match("Recruitment campaigns continue across the county.") is None


def test_paragraphs_of_a_cell():
    src = "## A heading\n\n**RED:** First line\ncontinues here.\n\n  \n**AMBER**: Second.\n\nNo label."
    assert lint.paragraphs(src) == [("", "## A heading"), ("RED", "First line continues here."),
                                    ("AMBER", "Second."), ("", "No label.")]


# --- hand-made mistakes, each found once -------------------------------------------------------

@pytest.mark.parametrize("section,cell,old,new,expected", [
    ("social-care", 9, "**GREEN:** The percentage re-referrals", "**AMBER:** The percentage re-referrals",
     f"{SC}: cell 9, paragraph 1 (SCS01): labelled AMBER but the table rates it GREEN (22.4% against a target of "
     "25.0)"),
    ("social-care", 9, "was 22.4%, achieving", "was 22.9%, achieving",
     f"{SC}: cell 9, paragraph 1 (SCS01), sentence 1: quotes 22.9% but the table shows 22.4% for Jan-26"),
    ("social-care", 8, "close to the Target of 90.0%", "close to the Target of 95.0%",
     f"{SC}: cell 8, paragraph 1 (SCS08), sentence 1: quotes a target of 95.0% but the table's target is 90.0"),
    ("social-care", 7, "below the floor standard of 75.0%", "below the floor standard of 70.0%",
     f"{SC}: cell 7, paragraph 1 (SCS19), sentence 1: quotes a floor of 70.0% but the table's floor is 75.0 (from "
     "the commentary)"),
    ("social-care", 8, "is 429 days", "is 439 days",
     f"{SC}: cell 8, paragraph 3 (SCS29), sentence 1: quotes 439 days but the table shows 429.1 days for Jan-26"),
    ("social-care", 8, "no more than 15 children/young people.", "no more than 15 children/young people. It is "
     "rated green.",
     f"{SC}: cell 8, paragraph 5 (SCS42), sentence 2: says 'green' but the table rates it AMBER"),
    ("early-help", 8, "from 29.3 to 28.7", "from 29.9 to 28.7",
     "notebooks/2026-01/early-help.ipynb: cell 8, paragraph 2 (CYPE8), sentence 1: quotes an earlier figure of "
     "29.9 but the table's earlier figures are 33.1%, 30.4%, 29.3%, 33.5%"),
    ("social-care", 9, None, "**GREEN:** Recruitment campaigns continue across the county.",
     f"{SC}: cell 9, paragraph 4: GREEN paragraph is about no indicator on the county's pages; name it as its table "
     "does, or write its code: \"Recruitment campaigns continue across the county.\""),
])
def test_mistakes_are_found(section, cell, old, new, expected, snap, notebooks):
    edit(notebooks, section, cell, old, new)
    assert sorted(texts(snap, notebooks)) == sorted([SCS37, expected])


def test_fixing_scs37_leaves_nothing(snap, notebooks):
    edit(notebooks, "social-care", 9, "at the Target level of 80.0%", "above the Target level of 85.0%")
    assert texts(snap, notebooks) == []


# --- what each commentary policy demands -------------------------------------------------------

def test_rated_demands_every_red_and_amber(snap, notebooks):
    # SEND's commentary is free text: under "rated" every RED or AMBER SEND row the edition printed is missing
    found = lint.lint_edition(with_policy(snap, send="rated"), notebooks, "2026-01")
    missing = [f for f in found if f.kind == "missing"]
    assert [f.indicator for f in missing] == ["APP17", "APP-EP", "SEND-REVIEW12", "CYPE1", "SEND10"]
    assert all(f.file == "notebooks/2026-01/send.ipynb" and f.cell == 0 for f in missing)
    assert missing[0].text().startswith("notebooks/2026-01/send.ipynb: APP17 is rated RED (31.6% for Jan-26, "
                                        "target 65) but no paragraph is about it")


def test_rated_education_lists_the_uncovered(snap, notebooks):
    found = lint.lint_edition(with_policy(snap, education="rated"), notebooks, "2026-01")
    missing = [f.indicator for f in found if f.kind == "missing"]
    # RED/AMBER on the education pages (printed ratings), less those the January commentary covers
    assert missing == ["EY14", "EY15", "SISE16", "SISE19", "CYPE25", "EH47", "EY14-CICGAP", "EY14-SENSGAP",
                       "EY14-EHCPGAP", "SISE4-CICGAP", "SISE4-EHCPGAP", "SISE12-SENSGAP", "SISE12-EHCPGAP"]


def test_rated_missing_paragraph(snap, notebooks):
    edit(notebooks, "early-help", 7, "**AMBER:** The percentage of referrals to an Early Help Unit where a previous "
         "episode ended within 12 months is 26.0%, which is just above the target of 25.0%.\n\n", "")
    found = [f.text() for f in lint.lint_edition(snap, notebooks, "2026-01") if f.kind == "missing"]
    assert found == ["notebooks/2026-01/early-help.ipynb: EH72-F is rated AMBER (26.0% for Jan-26, target 25.0) but "
                     "no paragraph is about it (commentary policy 'rated'): \"Percentage of referrals to an Early "
                     "Help Unit where a previous episode ended within 12 months\""]


def test_changed_demands_only_changed_figures(snap, notebooks):
    # SCS13 printed 26.1 in Dec-25 and Jan-26 (unchanged); SCS08 went from 90.0 to 88.8
    for old in ("**AMBER:** The Percentage of Returner Interviews", "**AMBER:** The percentage of children becoming"):
        path = notebooks / "2026-01" / "social-care.ipynb"
        nb = nbformat.read(path, as_version=4)
        paras = nb.cells[7].source.split("\n\n")
        nb.cells[7].source = "\n\n".join(p for p in paras if not p.startswith(old))
        nbformat.write(nb, path)
    rated = [f.indicator for f in lint.lint_edition(snap, notebooks, "2026-01") if f.kind == "missing"]
    assert rated == ["SCS08", "SCS13"]
    changed = [f.indicator for f in lint.lint_edition(with_policy(snap, social_care="changed"), notebooks, "2026-01")
               if f.kind == "missing"]
    assert changed == ["SCS08"]


def test_changed_is_the_january_education_policy(snap):
    # EH43 is the one RED/AMBER education row whose figure changed since December (35 -> 32)
    assert snap.params.policy_for("education") == "changed"
    assert [r.indicator for r in lint.commentary.required(snap, "education")] == ["EH43"]


def test_none_demands_nothing(snap, notebooks):
    path = notebooks / "2026-01" / "social-care.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = nb.cells[:6]           # the heading only
    nbformat.write(nb, path)
    assert [f.indicator for f in lint.lint_edition(snap, notebooks, "2026-01")] == \
        ["SCS08", "SCS13", "SCS19", "SCS29", "SCS34", "SCS40", "SCS42", "SCS43"]
    assert texts(with_policy(snap, social_care="none"), notebooks) == []


# --- the command -------------------------------------------------------------------------------

def cli(*args, cwd=ROOT):
    env = {**os.environ, "SCORECARD_TODAY": "2026-03-15"}
    return subprocess.run([sys.executable, "-m", "scorecard", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_lint():
    r = cli("lint", "--month", "2026-01")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [SCS37]
    r = cli("lint", "--month", "2026-01", "--strict")
    assert r.returncode == 5 and r.stdout.splitlines() == [SCS37]
    assert r.stderr.strip() == "ERROR (--strict): 1 commentary finding(s) for 2026-01"


def test_cli_lint_bad_month_and_no_notebooks(tmp_path):
    r = cli("lint", "--month", "2026-13")
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ["ERROR: --month: '2026-13' is not a month like "
                                                                   "2026-01"]
    shutil.copytree(DATA, tmp_path / "data")
    r = cli("lint", "--month", "2026-01", "--data", str(tmp_path / "data"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "scorecard new-month 2026-01" in r.stderr
