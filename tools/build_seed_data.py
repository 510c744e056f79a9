"""Build data/ from the January 2026 edition text (run once; kept for provenance).

Every printed cell is kept as printed text (``34.20``, ``<= 25``, ``N/A``), so the tables
reproduce the print exactly. Floor standards are not printed: where the commentary does not give
one, the floor is inferred from the printed ratings (``infer_floor``) and the evidence is written
beside the value. After writing the files, the edition is computed with the package and every
cell is compared with the print: each cell where the rules give something else than the print
is written to ``anomalies.csv`` as a ``printed`` entry, with the reason of its kind
(``REASONS``); a difference of a kind not listed there stops the script.

Usage: python tools/build_seed_data.py ../shared/seeds/000_a09f7c007414c955.txt
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "src"))
from parse_seed import parse  # noqa: E402

DATA = ROOT / "data"
COUNTY = "Kent"
DISTRICTS = [
    "Ashford", "Canterbury", "Dartford", "Dover", "Folkestone and Hythe", "Gravesham",
    "Maidstone", "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells",
]
TEAMS = [  # team, service, districts
    ("Ashford CSWT", "CSWT", ["Ashford"]), ("Canterbury CSWT", "CSWT", ["Canterbury"]),
    ("Dartford CSWT", "CSWT", ["Dartford"]), ("Dover CSWT", "CSWT", ["Dover"]),
    ("Folkestone and Hythe CSWT", "CSWT", ["Folkestone and Hythe"]), ("Gravesham CSWT", "CSWT", ["Gravesham"]),
    ("Maidstone CSWT", "CSWT", ["Maidstone"]),
    ("Sevenoaks North & Tonbridge and Malling CSWT", "CSWT", ["Sevenoaks", "Tonbridge and Malling"]),
    ("Sevenoaks South & Tunbridge Wells CSWT", "CSWT", ["Sevenoaks", "Tunbridge Wells"]),
    ("Swale Central CSWT", "CSWT", ["Swale"]), ("Swale Island & Rural CSWT", "CSWT", ["Swale"]),
    ("Thanet Margate CSWT", "CSWT", ["Thanet"]), ("Thanet Ramsgate CSWT", "CSWT", ["Thanet"]),
    ("Ashford EHU", "EHU", ["Ashford"]), ("Canterbury EHU", "EHU", ["Canterbury"]),
    ("Dartford EHU", "EHU", ["Dartford"]), ("Dover EHU", "EHU", ["Dover"]),
    ("Folkestone and Hythe EHU", "EHU", ["Folkestone and Hythe"]), ("Gravesham EHU", "EHU", ["Gravesham"]),
    ("Maidstone EHU", "EHU", ["Maidstone"]),
    ("Sevenoaks North & Tonbridge and Malling EHU", "EHU", ["Sevenoaks", "Tonbridge and Malling"]),
    ("Sevenoaks South & Tunbridge Wells EHU", "EHU", ["Sevenoaks", "Tunbridge Wells"]),
    ("Swale EHU", "EHU", ["Swale"]), ("Thanet EHU", "EHU", ["Thanet"]),
]
UNCODED = {
    "Percentage of annual EHCP reviews waiting less than 12 months": "SEND-REVIEW12",
    "Percentage of open Educational Psychology referrals waiting more than 6 weeks": "SEND-EPWAIT6",
    "Percentage of SEND statutory assessment requests waiting more than 20 weeks": "SEND-SAWAIT20",
    "Percentage of EH Unit Case Audits rated good or outstanding": "EH-AUDIT",
    "Average Caseload within EH Units (Families)": "EH-CASELOAD",
    "Percentage (rate) of pupils permanently excluded from primary and secondary phase schools - all Year R to Year 14 pupils": "EXCL-RATE",
    "Percentage of pupils at EYFS achieving a Good Level of Development - Kent CIC gap": "EY14-CICGAP",
    "Percentage of pupils at EYFS achieving a Good Level of Development - SEN Support gap": "EY14-SENSGAP",
    "Percentage of pupils at EYFS achieving a Good Level of Development - SEN EHCP gap": "EY14-EHCPGAP",
    "Percentage of pupils at KS2 achieving age-related expectations in Reading, writing & mathematics - Kent CIC gap": "SISE4-CICGAP",
    "Percentage of pupils at KS2 achieving age-related expectations in Reading, writing & mathematics - SEN Support gap": "SISE4-SENSGAP",
    "Percentage of pupils at KS2 achieving age-related expectations in Reading, writing & mathematics - SEN EHCP gap": "SISE4-EHCPGAP",
    "Average score at KS4 in Attainment 8 - Kent CIC gap": "SISE12-CICGAP",
    "Average score at KS4 in Attainment 8 - SEN Support gap": "SISE12-SENSGAP",
    "Average score at KS4 in Attainment 8 - SEN EHCP gap": "SISE12-EHCPGAP",
}
SECTION = {
    **{c: "send" for c in ["APP17", "APP17-N", "APP17-D", "APP17-A", "APP-EP", "SEND-REVIEW12", "CYPE1",
                           "SEND-EPWAIT6", "SEND-SAWAIT20", "SEND10"]},
    **{c: "social-care" for c in ["SCS01", "SCS08", "SCS13", "SCS18", "SCS19", "SCS29", "SCS34", "SCS37",
                                  "SCS40", "SCS42", "SCS43"]},
    **{c: "early-help" for c in ["EH72-F", "EH52-F", "EH-AUDIT", "EH16-F", "EH-CASELOAD", "CYPE8"]},
}
UNIT = {  # unit, decimals for new figures, scale of numerator/denominator -> value
    "APP17-N": ("count", 0, ""), "APP17-D": ("count", 0, ""), "APP17-A": ("days", 0, ""),
    "SCS29": ("days", 1, "1"), "SCS42": ("caseload", 1, "1"), "SCS43": ("caseload", 1, "1"),
    "EH-CASELOAD": ("caseload", 1, "1"), "EH43": ("count", 0, ""), "EH44": ("count", 0, ""),
    "EXCL-RATE": ("percent", 2, ""), "SISE12": ("score", 1, ""), "CYPE23": ("score", 2, ""),
    "CYPE24": ("score", 2, ""), "CYPE25": ("score", 2, ""), "CYPE8": ("percent", 1, "100"),
    "EY15": ("gap", 1, ""), "SISE19": ("gap", 1, ""),
    "EY14-CICGAP": ("gap", 1, ""), "EY14-SENSGAP": ("gap", 1, ""), "EY14-EHCPGAP": ("gap", 1, ""),
    "SISE4-CICGAP": ("gap", 1, ""), "SISE4-SENSGAP": ("gap", 0, ""), "SISE4-EHCPGAP": ("gap", 0, ""),
    "SISE12-CICGAP": ("gap", 1, ""), "SISE12-SENSGAP": ("gap", 1, ""), "SISE12-EHCPGAP": ("gap", 1, ""),
    "SISE4": ("percent", 0, "100"), "SISE16": ("gap", 0, ""),
}
NO_ARROW = {"APP17-N", "APP17-D", "CYPE2", "CYPE3", "SISE12-CICGAP"}   # rows printed without an arrow
DOT_BASIS = {"EY2": "same_period_last_year", "CYPE8": "previous_year_outturn"}
RATED_AS = {"EH-CASELOAD": "T"}
T_BANDS = {  # tolerance, its source, floor tolerance, evidence
    "SCS13": (2.5, "commentary", 7.5,
              "Target 20.0 is printed; the commentary gives the target range 17.5% - 22.5%. The floor band "
              "(12.5 to 27.5) is inferred: the printed ratings put its lower edge in (12.1, 13.2] (12.1 RED, 13.2 "
              "AMBER) and its upper edge in [27.3, 28.4) (27.3 AMBER, 28.4 RED)."),
    "EH-CASELOAD": (2, "inferred", 8,
                    "Printed polarity L and target 20.0, but the printed ratings (19.6 and 21.7 GREEN; 15.5, 17.5 "
                    "and 22.6 AMBER; 11.3 RED) and arrows (14.6 to 15.5 improved) treat it as a caseload to stay "
                    "close to: a band of 18 to 22 families is GREEN and 12 to 28 AMBER (both inferred)."),
}
COMMENTARY_FLOORS = {
    "SCS19": ("75.0", "Commentary: 'below the floor standard of 75.0%'."),
    "SCS34": ("55.0", "Commentary: 'below the Target of 65.0% and floor standard of 55.0%'."),
}
# The district education tables print APP17's South East and England figures (as at 31 Dec 2024)
# under headings that say Benchmark Group 2024-25 and England 2024-25.
ROW_BENCHMARKS = {("district-edu-monthly", "APP17"): "South East|as at 31 Dec 2024;England|as at 31 Dec 2024"}
BENCH_SERIES = {
    "Benchmark Group 2023-24": "Statistical neighbours|2023-24", "England 2023-24": "England|2023-24",
    "Benchmark Group 2024-25": "Statistical neighbours|2024-25", "England 2024-25": "England|2024-25",
    "South East as at Jan 2025": "South East|as at Jan 2025",
    "England & Wales as at Jan 2025": "England & Wales|as at Jan 2025",
    "South East Average as at 31st December 2024": "South East|as at 31 Dec 2024",
    "England Average as at 31st December 2024": "England|as at 31 Dec 2024",
}
MONTHS = ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
PERIODS = {"monthly": MONTHS, "quarterly": ["2024-25 Q4", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3"],
           "termly": ["2024-25 Autumn", "2024-25 Spring", "2024-25 Summer", "2025-26 Autumn"],
           "annual": ["2021-22", "2022-23", "2023-24", "2024-25"]}

FRONT_PAGE = [  # id, title, unit, decimals, period, printed value, national (printed), tile, label
    ("CYPE10", "Number of Primary Schools", "count", 0, "2025-10", "459", "", "Schools and pupils", "primary schools"),
    ("CYPE13", "Total pupils on roll in Primary Schools", "count", 0, "2025-10", "128,716", "", "Schools and pupils",
     "pupils in primary schools"),
    ("CYPE16", "Percentage of Primary School pupils eligible for Free School Meals", "percent", 1, "2025-10", "27.5",
     "24.7", "Schools and pupils", "% of primary pupils with free school meals"),
    ("CYPE11", "Number of Secondary Schools", "count", 0, "2025-10", "104", "", "Schools and pupils",
     "secondary schools"),
    ("CYPE14", "Total pupils on roll in Secondary Schools", "count", 0, "2025-10", "115,391", "", "Schools and pupils",
     "pupils in secondary schools"),
    ("CYPE17", "Percentage of Secondary School pupils eligible for Free School Meals", "percent", 1, "2025-10",
     "26.2", "25.8", "Schools and pupils", "% of secondary pupils with free school meals"),
    ("CYPE12", "Number of Special Schools", "count", 0, "2025-10", "25", "", "Schools and pupils", "special schools"),
    ("CYPE15", "Total pupils on roll in Special Schools", "count", 0, "2025-10", "6,642", "", "Schools and pupils",
     "pupils in special schools"),
    ("CYPE18", "Percentage of Special School pupils eligible for Free School Meals", "percent", 1, "2025-10", "48.9",
     "49.2", "Schools and pupils", "% of special school pupils with free school meals"),
    ("EH05-F", "Number of cases open to Early Help Units", "count", 0, "2026-01", "2,452", "", "Open cases",
     "Intensive Early Help (families)"),
    ("CSWS-OPEN", "Number of open Social Work cases", "count", 0, "2026-01", "11,395", "", "Open cases",
     "Open Social Work Cases"),
    ("CSWS-CP", "Number of Child Protection cases", "count", 0, "2026-01", "1,192", "", "Open cases",
     "including Child Protection"),
    ("CSWS-CIC", "Number of Children in Care", "count", 0, "2026-01", "1,846", "", "Open cases",
     "including Children in Care"),
    ("CSWS-CL", "Number of Care Leavers", "count", 0, "2026-01", "2,063", "", "Open cases", "including Care Leavers"),
    ("FD01-C", "Number of contacts processed in the Front Door", "count", 0, "2026-01", "7,455", "",
     "Activity at the Front Door (children)", "Total contacts"),
    ("FD14-C", "Number of Information, Advice and Guidance contacts processed in the Front Door", "count", 0,
     "2026-01", "3,157", "", "Activity at the Front Door (children)", "Number resolved at FD"),
    ("FD02-C", "Number of contacts processed in the Front Door which met the threshold for CSWS involvement", "count",
     0, "2026-01", "1,862", "", "Activity at the Front Door (children)", "Number to CSWS"),
    ("FD03-C", "Number of contacts processed in the Front Door which proceeded to Early Help", "count", 0, "2026-01",
     "1,821", "", "Activity at the Front Door (children)", "Number to EH Units"),
    ("EY8", "Percentage of EY settings with Good or Outstanding Ofsted Judgements - Overall Effectiveness "
            "(non-domestic premises)", "percent", 1, "2024-08", "98.7", "98", "Ofsted judgements (good or outstanding)",
     "% of EY providers"),
    ("SISE35", "Percentage of Primary Schools with Good or Outstanding Ofsted Judgements - Overall Effectiveness",
     "percent", 1, "2024-08", "92.4", "91", "Ofsted judgements (good or outstanding)", "% of primary schools"),
    ("SISE36", "Percentage of Secondary Schools with Good or Outstanding Ofsted Judgements - Overall Effectiveness",
     "percent", 1, "2024-08", "88.0", "85", "Ofsted judgements (good or outstanding)", "% of secondary schools"),
    ("SISE37", "Percentage of Special Schools with Good or Outstanding Ofsted Judgements - Overall Effectiveness",
     "percent", 1, "2024-08", "92.3", "90", "Ofsted judgements (good or outstanding)", "% of special schools"),
]
FRONT_BENCH_REF = {"CYPE16": "January 2025 census", "CYPE17": "January 2025 census", "CYPE18": "January 2025 census",
                   "EY8": "as at 31 Aug 2024", "SISE35": "as at 31 Aug 2024", "SISE36": "as at 31 Aug 2024",
                   "SISE37": "as at 31 Aug 2024"}
FRONT_TRENDS = [  # charts whose values are images in the original: not in the text
    ("EH71-C", "Rate of notifications received into Early Help per 10,000 of the 0-17 population (inclusive, "
               "rolling 12 months)", "rate_per_10k", 1, "R12M"),
    ("SCS02", "Rate of referrals to Children's Social Work Services per 10,000 of the 0-17 population (inclusive, "
              "rolling 12 months)", "rate_per_10k", 1, "R12M"),
    ("EH35", "Number of First Time Entrants into the Youth Justice system", "count", 0, "R12M"),
    ("CYPE19", "Number of requests for SEND statutory assessment", "count", 0, "MS"),
]

SECTIONS = [  # section, kind, title, nav title, commentary, introduction
    ("overview", "overview", "Overview", "Overview", "no",
     "The edition at a glance: the headline figures for schools, open cases and the front door, and how many "
     "indicators are rated RED, AMBER and GREEN."),
    ("send", "section", "Special educational needs and disabilities (SEND)", "SEND", "yes",
     "Education, Health and Care Plans (EHCPs), Educational Psychology assessments and placements. Ratings compare "
     "the latest figure with this year's target and floor standard."),
    ("social-care", "section", "Children's social care", "Social care", "yes",
     "Referrals, child protection, children in care, care leavers and the social work workforce."),
    ("early-help", "section", "Intensive early help and youth justice", "Early help", "yes",
     "Early Help Units: re-referrals, assessments, audits, closures and caseloads; proven re-offending by children "
     "and young people."),
    ("education", "section", "Education", "Education", "yes",
     "Young people not in education, employment or training, children missing education, elective home education, "
     "exclusions, early years take-up, attainment, school preferences and absence; then the attainment gaps for "
     "vulnerable learners."),
    ("district", "district", "District", "Districts", "no",
     "The district's social work teams (CSWT) and early help units (EHU), proven re-offending and education. Cases "
     "belong to the team working with the child, not to where the child lives."),
    ("reference", "reference", "Reference", "Reference", "no",
     "How to read the tables, the indicators' definitions and data sources, and the quality assurance log."),
]

REASONS = [  # (column, test on (row, printed, ours)) -> reason; first match wins
    ("target_previous", lambda r, p, o: p == "" and o == "N/A",
     "the converted text shows a blank in this row's run of N/A cells"),
    ("rag_previous", lambda r, p, o: p == "" and o == "N/A",
     "the converted text shows a blank in this row's run of N/A cells"),
    ("outturn_previous", lambda r, p, o: p == "" and o == "N/A",
     "the converted text shows a blank in this row's run of N/A cells"),
    ("dot", lambda r, p, o: r["team"].startswith("Swale") and p in ("⇩", "⇔"),
     "the Swale social work team blocks print every change as a double down-arrow (⇩) and no change as ⇔, "
     "improvements included; the arrow is computed from the figures"),
    ("dot", lambda r, p, o: r["code"] == "SISE4" and r["area"] != COUNTY,
     "every district's SISE4 arrow is printed improved, whatever its result did (e.g. Dartford 67.1 to 65.9); "
     "the arrow is computed from the figures"),
    ("dot", lambda r, p, o: r["code"] == "SISE4",
     "Kent's KS2 result is 62 in both years: printed improved in this table and no change in the other; "
     "the arrow is computed from the figures"),
    ("dot", lambda r, p, o: r["code"] == "CYPE8",
     "the edition compares CYPE8 with last year's outturn (12 of 13 printed arrows agree); this arrow agrees with "
     "neither that nor the previous quarter"),
    ("dot", lambda r, p, o: o == "" and p,
     "an arrow is printed for a row whose figures are all N/A"),
    ("dot", lambda r, p, o: True, "the printed arrow does not follow from the printed figures and the polarity"),
    ("rag_previous", lambda r, p, o: r["code"] == "CYPE23" and r["area"] == COUNTY,
     "34.86 is below the target of 35, which is AMBER; the commentary also calls it amber"),
    ("rag_previous", lambda r, p, o: o == "" and p,
     "a rating is printed for a row whose figures are all N/A"),
    ("rag_previous", lambda r, p, o: True, "the printed rating does not follow from the printed figure and target"),
    ("rag_current", lambda r, p, o: True, "the printed rating does not follow from the printed figure and target"),
    ("target_current", lambda r, p, o: r["block"] == "vl-primary",
     "the vulnerable learners table prints another 2025-26 target than the Kent annual table, whose target is used"),
    ("trend", lambda r, p, o: r["block"] == "vl-primary",
     "the vulnerable learners table prints other earlier figures than the Kent annual table, whose figures are used"),
]


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("<=", "").strip())
    except ValueError:
        return None


def fmt(x: float) -> str:
    return f"{x:g}"


def block_key(row: dict) -> tuple[str, str]:
    """(block id, scope) of a printed row."""
    title, page = row["block"], row["page"]
    if page.endswith("Vulnerable Learners"):
        return ("vl-primary" if "Primary" in title else "vl-secondary"), "county"
    district = page.endswith("District")
    if title.startswith("Integrated"):
        base = "ics-monthly" if "Monthly" in title else "ics-quarterly"
    elif "Monthly" in title:
        base = "send-monthly" if row["block_line"] < 200 else "edu-monthly"
    elif "Termly" in title:
        base = "edu-termly"
    elif "Continued" in title:
        base = "edu-annual-2"
    else:
        base = "edu-annual"
    if district:
        return "district-" + base, ("team" if base == "ics-monthly" else "district")
    return base, "county"


def indicator_id(row: dict) -> str:
    return row["code"] or UNCODED[row["title"]]


def parse_reference(path: Path) -> tuple[dict, dict]:
    """Definitions and data sources by (code, title)."""
    defs, sources, mode = {}, {}, None
    for line in path.read_text(encoding="utf-8").split("\n"):
        s = line.strip().lstrip("#").strip()
        if s.startswith("Data Sources for Current Report"):
            mode = "src"
            continue
        if s.startswith("Indicator Definitions"):
            mode = "def"
            continue
        cells = [c.strip() for c in line.split("\t")]
        if mode == "src" and len(cells) == 5 and cells[1] and cells[1] != "Indicator":
            sources.setdefault((cells[0], cells[1]), cells[2:])
        if mode == "def" and len(cells) == 3 and cells[1] and cells[1] != "Indicator":
            defs.setdefault((cells[0], cells[1]), re.sub(r"</?b>", "", cells[2]))
    return defs, sources


def lookup(table: dict, code: str, title: str):
    if code:
        hits = [v for (c, t), v in table.items() if c == code]
        for (c, t), v in table.items():
            if c == code and t[:40] == title[:40]:
                return v
        if hits:
            return hits[0]
    for (c, t), v in table.items():
        if not c and t == title:
            return v
    return None


def infer_floor(polarity: str, target: float, reds: list[float], ambers: list[float]) -> tuple[float, str]:
    """The roundest floor consistent with every printed RED and AMBER rating against this target.

    H: RED < floor <= AMBER; L: AMBER <= floor < RED. Without evidence on a side the floor
    defaults towards 10% of the target beyond it. Returns (floor, evidence).
    """
    if polarity == "H":
        lo, lo_open = (max(reds), True) if reds else (-math.inf, True)
        hi, hi_open = (min(ambers), False) if ambers else (target, True)
        default = target * 0.9
        if hi >= target:
            hi, hi_open = target, True
    else:
        lo, lo_open = (max(ambers), False) if ambers else (target, True)
        hi, hi_open = (min(reds), True) if reds else (math.inf, True)
        default = target * 1.1
        if lo <= target:
            lo, lo_open = target, True

    def inside(x: float) -> bool:
        a = x > lo if lo_open else x >= lo - 1e-9
        b = x < hi if hi_open else x <= hi + 1e-9
        return a and b

    anchor = min(max(default, lo if lo != -math.inf else default), hi if hi != math.inf else default)
    for step in (10, 5, 1, 0.5, 0.1, 0.05, 0.01):
        span = max(abs(target) * 0.5, 5 * step)
        start = math.floor((anchor - span) / step)
        cands = [round(k * step, 2) for k in range(start, start + int(2 * span / step) + 2)]
        cands = [c for c in cands if inside(c)]
        if cands:
            choice = min(cands, key=lambda c: (abs(c - anchor), c))
            break
    else:  # pragma: no cover
        raise ValueError(f"no floor fits {polarity} {target} {reds} {ambers}")

    def bracket(v, is_open, left):
        if v in (math.inf, -math.inf):
            return "(-inf" if left else "inf)"
        return ("(" if is_open else "[") + fmt(v) if left else fmt(v) + (")" if is_open else "]")

    seen = []
    if reds:
        seen.append(f"RED at {', '.join(fmt(x) for x in sorted(set(reds)))}")
    if ambers:
        seen.append(f"AMBER at {', '.join(fmt(x) for x in sorted(set(ambers)))}")
    why = "; ".join(seen) if seen else "no RED or AMBER rating printed"
    evidence = (f"Floor not printed. The printed ratings ({why}) put it in {bracket(lo, lo_open, True)}, "
                f"{bracket(hi, hi_open, False)}; the roundest value there nearest to the target "
                f"{'-' if polarity == 'H' else '+'}10% was taken.")
    return choice, evidence


def main(seed: Path) -> None:
    rows = parse(seed)
    for r in rows:  # admissions rows: the benchmarks sit one column left of their headers
        if r["code"] in ("CYPE2", "CYPE3"):
            r["b2"], r["b1"], r["target_next"] = r["b1"], r["target_next"], ""
    defs, sources = parse_reference(seed)
    conflicts: list[str] = []

    write_csv(DATA / "areas.csv", ["area", "kind", "order"],
              [dict(area=COUNTY, kind="county", order=0)]
              + [dict(area=d, kind="district", order=i + 1) for i, d in enumerate(DISTRICTS)])
    write_csv(DATA / "teams.csv", ["team", "service", "districts", "order"],
              [dict(team=t, service=s, districts=";".join(d), order=i + 1) for i, (t, s, d) in enumerate(TEAMS)])

    # ---- catalogue
    catalogue: dict[str, dict] = {}
    for r in rows:
        ind = indicator_id(r)
        block, scope = block_key(r)
        if ind in catalogue:
            continue
        unit, dec, scale = UNIT.get(ind, ("percent", 1, "100"))
        src = lookup(sources, r["code"], r["title"]) or ["", "", ""]
        catalogue[ind] = dict(
            indicator=ind, code=r["code"], title=r["title"].replace(" - all pupils", ""),
            section=SECTION.get(ind, "education"), polarity=r["polarity"], rated_as=RATED_AS.get(ind, ""),
            data_period=r["data_period"], frequency=r["frequency"],
            year_basis="financial" if "ics" in block else "academic", unit=unit, decimals=dec, scale=scale,
            qpr="yes" if r["qpr"] == "✓" else "no", seasonal="yes" if "seasonally impacted" in r["title"] else "no",
            dot_basis=DOT_BASIS.get(ind, "previous_period"), definition=lookup(defs, r["code"], r["title"]) or "",
            source=src[0], latest_data=src[1], released=src[2])
    for ind, title, unit, dec, *_ in FRONT_PAGE:
        code = "" if ind.startswith("CSWS") else ind
        src = lookup(sources, code, title) or ["", "", ""]
        catalogue[ind] = dict(indicator=ind, code=code, title=title, section="overview", polarity="", rated_as="",
                              data_period="MS", frequency="monthly", year_basis="financial", unit=unit,
                              decimals=dec, scale="", qpr="no", seasonal="no", dot_basis="previous_period",
                              definition=lookup(defs, code, title) or "", source=src[0], latest_data=src[1],
                              released=src[2])
    catalogue["CSWS-OPEN"].update(definition="The total caseload figures for Children's Social Work Services.",
                                  source="Liberi", latest_data="Snapshot data as at end of Jan 2026",
                                  released="Feb 2026")
    for ind, title, unit, dec, period_code in FRONT_TRENDS:
        src = lookup(sources, ind, title) or ["", "", ""]
        catalogue[ind] = dict(indicator=ind, code=ind, title=title, section="overview", polarity="", rated_as="",
                              data_period=period_code, frequency="monthly", year_basis="financial", unit=unit,
                              decimals=dec, scale="", qpr="no", seasonal="no", dot_basis="previous_period",
                              definition=lookup(defs, ind, title) or "", source=src[0], latest_data=src[1],
                              released=src[2])
    write_csv(DATA / "indicators.csv", ["indicator", "code", "title", "section", "polarity", "rated_as", "data_period",
                                        "frequency", "year_basis", "unit", "decimals", "scale", "qpr", "seasonal",
                                        "dot_basis", "definition", "source", "latest_data", "released"],
              list(catalogue.values()))

    # ---- layout
    write_csv(DATA / "layout" / "sections.csv", ["section", "order", "kind", "title", "nav_title", "commentary",
                                                 "introduction"],
              [dict(section=s, order=i + 1, kind=k, title=t, nav_title=n, commentary=c, introduction=intro)
               for i, (s, k, t, n, c, intro) in enumerate(SECTIONS)])
    blocks: dict[str, dict] = {}
    layout: dict[tuple, dict] = {}
    titles: dict[tuple, dict] = {}
    for r in rows:
        block, scope = block_key(r)
        ind = indicator_id(r)
        area = r["page"].replace(" District", "") if r["page"].endswith("District") else COUNTY
        if block not in blocks:
            title = r["block"].replace(f" - {area} ", " - {area} ") if scope != "county" else r["block"]
            blocks[block] = dict(block=block, order=len(blocks) + 1, section="district" if scope != "county" else "",
                                 scope=scope, title=title, columns=block.replace("district-", "district-")
                                 if block.startswith("district-") else block,
                                 trend={"monthly": 6}.get(r["frequency"], 3),
                                 year_basis="financial" if "ics" in block else "academic",
                                 header=r["header"], frequency=r["frequency"])
        service = "EHU" if r["team"].endswith("EHU") else ("CSWT" if r["team"] else "")
        key = (block, ind, service if scope == "team" else "")
        if key not in layout:
            layout[key] = dict(block=block, position=sum(1 for k in layout if k[0] == block) + 1, indicator=ind,
                               service=key[2], title=r["title"], show_dot="no" if ind in NO_ARROW else "",
                               benchmarks=ROW_BENCHMARKS.get((block, ind), ""))
        elif r["title"] != layout[key]["title"]:
            titles[(block, ind, area)] = dict(block=block, indicator=ind, area=area, title=r["title"])
    write_csv(DATA / "layout" / "blocks.csv", ["block", "order", "section", "scope", "title", "columns", "trend",
                                               "year_basis"], list(blocks.values()))
    write_csv(DATA / "layout" / "rows.csv", ["block", "position", "indicator", "service", "title", "section",
                                             "show_rag", "show_dot", "show_target", "dot_basis", "benchmarks"],
              list(layout.values()))
    write_csv(DATA / "layout" / "titles.csv", ["block", "indicator", "area", "title"], list(titles.values()))
    write_columns(blocks)
    write_tiles()
    write_glossary(seed)

    # ---- observations, outturns, benchmarks, targets
    obs: dict[tuple, dict] = {}
    outturns: dict[tuple, dict] = {}
    bench: dict[tuple, dict] = {}
    targets_seen: dict[tuple, dict] = defaultdict(dict)   # (ind, year, area) -> {printed text: None}
    evidence: dict[tuple, dict] = defaultdict(lambda: {"RED": [], "AMBER": []})
    blank_rated: list[tuple] = []
    for r in rows:
        block, scope = block_key(r)
        ind = indicator_id(r)
        district = r["page"].replace(" District", "") if r["page"].endswith("District") else ""
        team = r["team"] if scope == "team" else ""
        area = "" if team else (district or COUNTY)
        periods = PERIODS[r["frequency"]]
        for i, p in enumerate(periods):
            rec = dict(indicator=ind, area=area, team=team, period=p, value=r["trend"][i])
            if p == periods[-1]:
                rec.update(numerator=r["num"], denominator=r["den"])
            k = (ind, area, team, p)
            if k in obs:
                if obs[k]["value"] != rec["value"]:
                    conflicts.append(f"{k}: {obs[k]['value']} kept, {rec['value']} also printed (line {r['line']})")
                continue
            obs[k] = rec
        annual = r["frequency"] == "annual"
        tarea = district or COUNTY
        this_year, last_year = ("2024-25", "2023-24") if annual else ("2025-26", "2024-25")
        latest = number(r["trend"][-1])
        if annual:
            targets_seen[(ind, "2024-25", tarea)].setdefault(r["target"], None)
            if r["target_next"] or scope == "county":
                targets_seen[(ind, "2025-26", tarea)].setdefault(r["target_next"], None)
        else:
            targets_seen[(ind, "2025-26", tarea)].setdefault(r["target"], None)
            if r["frequency"] != "termly":
                targets_seen[(ind, "2024-25", tarea)].setdefault(r["target_prev"], None)
        if r["target"] == "" and r["rag"] in ("RED", "AMBER", "GREEN"):
            blank_rated.append((ind, this_year, tarea))
        tval = number(r["target"])
        if r["rag"] in ("RED", "AMBER") and latest is not None and tval is not None:
            evidence[(ind, this_year, tval)][r["rag"]].append(latest)
        if r.get("outturn") not in (None, "", "N/A"):
            outturns[(ind, area, team)] = dict(indicator=ind, area=area, team=team, year="2024-25",
                                               value=r["outturn"])
            pv = number(r["target_prev"])
            if r["rag_prev"] in ("RED", "AMBER") and pv is not None:
                evidence[(ind, "2024-25", pv)][r["rag_prev"]].append(number(r["outturn"]))
        del last_year
        header_bench = [h for h in r["header"] if h in BENCH_SERIES]
        override = ROW_BENCHMARKS.get((block, ind))
        series = override.split(";") if override else [BENCH_SERIES[h] for h in header_bench]
        for s, key in zip(series, ("b1", "b2")):
            text = r.get(key, "")
            if text == "":
                continue
            name, ref = s.split("|")
            bk = (ind, name, ref)
            if bk in bench and bench[bk]["value"] != text:
                conflicts.append(f"benchmark {bk}: {bench[bk]['value']} kept, {text} printed (line {r['line']})")
                continue
            bench.setdefault(bk, dict(indicator=ind, benchmark=name, reference=ref, value=text))

    for ind, title, unit, dec, period, value, national, *_ in FRONT_PAGE:
        obs[(ind, COUNTY, "", period)] = dict(indicator=ind, area=COUNTY, team="", period=period, value=value)
        if national:
            bench[(ind, "England", FRONT_BENCH_REF[ind])] = dict(indicator=ind, benchmark="England",
                                                                 reference=FRONT_BENCH_REF[ind], value=national)
    for ind, *_ in FRONT_TRENDS:
        for p in MONTHS:
            obs[(ind, COUNTY, "", p)] = dict(indicator=ind, area=COUNTY, team="", period=p, value="N/A",
                                             note="The chart's figures are not in the text of the January 2026 "
                                                  "edition (they are a picture)")
    write_csv(DATA / "observations.csv", ["indicator", "area", "team", "period", "value", "numerator", "denominator",
                                          "quality", "note"], list(obs.values()))
    write_csv(DATA / "outturns.csv", ["indicator", "area", "team", "year", "value"], list(outturns.values()))
    write_csv(DATA / "benchmarks.csv", ["indicator", "benchmark", "reference", "value"], list(bench.values()))

    trows = []
    for (ind, year, area), texts in sorted(targets_seen.items()):
        texts = list(texts)
        if len(texts) > 1:
            conflicts.append(f"target {ind} {year} {area}: {texts} printed; {texts[0]} kept")
        text = texts[0]
        if area != COUNTY:
            county = list(targets_seen.get((ind, year, COUNTY), {"": None}))[0]
            if text == county and (ind, year, area) not in blank_rated:
                continue
        pol = RATED_AS.get(ind) or catalogue[ind]["polarity"]
        row = dict(indicator=ind, year=year, area=area, target=text, target_source="printed" if text else "")
        value = number(text)
        if (ind, year, area) in blank_rated and text == "":
            row.update(rated_against="65" if ind == "CYPE6" else "60", target_source="",
                       evidence=f"The {area} table prints no {year} target but a rating; rated against the target "
                                f"the other districts print ({'65' if ind == 'CYPE6' else '60'}), the only one that "
                                f"gives the printed ratings (Dover CYPE6 86.1 GREEN)")
            value = number(row["rated_against"])
        if value is None:
            trows.append(row)
            continue
        if ind in T_BANDS:
            tol, source, ftol, why = T_BANDS[ind]
            row.update(tolerance=fmt(tol), tolerance_source=source, floor_tolerance=fmt(ftol), floor_source="inferred",
                       evidence=why)
        elif ind in COMMENTARY_FLOORS:
            f, why = COMMENTARY_FLOORS[ind]
            row.update(floor=f, floor_source="commentary", evidence=why)
        else:
            ev = {"RED": [], "AMBER": []}
            for (i2, _, t2), e in evidence.items():
                if i2 == ind and t2 == value:
                    ev["RED"] += e["RED"]
                    ev["AMBER"] += e["AMBER"]
            f, why = infer_floor(pol, value, ev["RED"], ev["AMBER"])
            row.update(floor=fmt(f), floor_source="inferred",
                       evidence=(row.get("evidence", "") + " " + why).strip())
        trows.append(row)
    write_csv(DATA / "targets.csv", ["indicator", "year", "area", "target", "rated_against", "tolerance",
                                     "tolerance_source", "floor", "floor_tolerance", "target_source", "floor_source",
                                     "evidence"], trows)
    write_anomalies(conflicts, rows)
    print(f"{len(rows)} printed rows, {len(obs)} observations, {len(trows)} targets", file=sys.stderr)


def write_columns(blocks: dict[str, dict]) -> None:
    """Each table's printed columns, as the edition heads them."""
    out = []
    for b in blocks.values():
        header, freq, scope = b["header"], b["frequency"], b["scope"]
        word = {"monthly": "Month", "quarterly": "Quarter", "termly": "Term", "annual": "Year"}[freq]
        trend_group = {"monthly": "Monthly", "quarterly": "Quarterly", "termly": "Termly", "annual": "Annual"}[freq]
        latest = "Rate" if freq == "quarterly" else "Measure"
        title_header = "Measure" if b["block"].startswith("vl-") else "Indicator"
        cols = [("code", "", "Code", "", "", ""), ("indicator", "", title_header, "", "", ""),
                ("polarity", "", "Polarity", "", "", ""), ("data_period", "", "Data Period", "", "", ""),
                ("qpr", "", "QPR", "", "", ""), ("trend", "", "", f"{trend_group} Trends", "", ""),
                ("latest", "", f"{latest} {{latest}}", f"Latest {word}", "", ""),
                ("numerator", "", "Numerator", f"Latest {word}", "", ""),
                ("denominator", "", "Denominator", f"Latest {word}", "", "")]
        na = "N/A" if scope == "team" else ""
        rag_na = "N/A" if scope == "district" else ""   # district tables print N/A ratings beside N/A targets
        outturn_word = next((h.split(" Outturn")[0] for h in header if "Outturn" in h), "Kent")
        if freq in ("monthly", "quarterly"):
            cols += [("dot", "", "DOT", "", "", na), ("target", "current", "Target {year}", "", "", na),
                     ("rag", "current", "RAG {year}", "", "", na or rag_na),
                     ("outturn", "previous", f"{outturn_word} Outturn {{year}}", "", "", na),
                     ("target", "previous", "Target {year}", "", "", na),
                     ("rag", "previous", "RAG {year}", "", "", na or rag_na)]
        elif freq == "termly":
            cols += [("dot", "", "DOT", "", "", ""), ("target", "current", "Target {term} {year}", "", "", ""),
                     ("rag", "current", "RAG {year}", "", "", "")]
        else:
            rag_header = "RAG" if b["block"].startswith("vl-") else "RAG {year}"
            cols += [("target", "previous", "Target {year}", "", "", ""), ("rag", "previous", rag_header, "", "", ""),
                     ("dot", "", "DOT", "", "", ""), ("target", "current", "Target {year}", "", "", "")]
        for h in header:
            if h in BENCH_SERIES:
                cols.append(("benchmark", "", h, "", BENCH_SERIES[h], ""))
        for i, (col, year, head, group, series, na_text) in enumerate(cols, start=1):
            out.append(dict(columns=b["columns"], position=i, column=col, year=year, header=head, group=group,
                            series=series, na=na_text))
    write_csv(DATA / "layout" / "columns.csv", ["columns", "position", "column", "year", "header", "group", "series",
                                                "na"], out)


def write_tiles() -> None:
    tiles, order = [], {}
    for ind, *_, tile, label in FRONT_PAGE:
        order.setdefault(tile, len(order) + 1)
        n = sum(1 for t in tiles if t["tile"] == tile) + 1
        bench = "England" if ind in FRONT_BENCH_REF else ""
        tiles.append(dict(tile=tile, tile_order=order[tile], position=n, indicator=ind, label=label, benchmark=bench))
    for i, (ind, title, *_) in enumerate(FRONT_TRENDS, start=1):
        tiles.append(dict(tile="Activity trends", tile_order=len(order) + 1, position=i, indicator=ind, label=title,
                          chart="yes"))
    write_csv(DATA / "layout" / "tiles.csv", ["tile", "tile_order", "position", "indicator", "label", "benchmark",
                                              "chart"], tiles)


def write_glossary(seed: Path) -> None:
    """The guidance page's keys: polarity, ratings, arrows, data periods, scorecards, abbreviations."""
    text = seed.read_text(encoding="utf-8")
    groups = [("POLARITY", "Polarity"), ("RAG RATINGS", "RAG ratings"), ("DIRECTION OF TRAVEL (DOT)",
              "Direction of travel (DOT)"), ("INCOMPLETE DATA", "Incomplete data"), ("DATA PERIOD", "Data period"),
              ("CHILDREN, YOUNG PEOPLE AND EDUCATION SCORECARDS", "Scorecards"),
              ("KEY TO ABBREVIATIONS", "Abbreviations")]
    out = []
    for heading, name in groups:
        part = text.split(f"### {heading}", 1)[1].split("###", 1)[0].split("as at Oct", 1)[0]
        n = 0
        for line in part.strip().split("\n"):
            cells = [re.sub(r"</?b>", "", c).strip() for c in line.split("\t")]
            if len(cells) != 2 or not cells[1] or cells[1].startswith("*"):
                continue
            term = cells[0] or "(blank)"
            if any(o["group"] == name and o["term"] == term for o in out):
                continue
            n += 1
            out.append(dict(group=name, order=n, term=term, meaning=cells[1]))
    out.append(dict(group="Data period", order=99, term="T", meaning="Termly"))
    write_csv(DATA / "reference" / "glossary.csv", ["group", "order", "term", "meaning"], out)


def write_anomalies(conflicts: list[str], rows: list[dict]) -> None:
    """The quality log: the source's known inconsistencies, then every printed cell the rules contradict."""
    base = [
        dict(indicator="SISE4", area=COUNTY, period="2024-25", check="numerator_gt_denominator",
             reason="the edition prints 18,853 pupils over 11,694 for Kent KS2 reading, writing and maths (62%); "
                    "11,694 is 62% of 18,853, so the two look swapped; kept as printed"),
        dict(indicator="EH-CASELOAD", column="polarity", check="note",
             reason="printed polarity L, but the edition's ratings and arrows treat this caseload as one to keep "
                    "close to 20 families (T); it is rated as T (see the target's note)"),
        dict(edition="2026-01", indicator="SCS37", area=COUNTY, check="source",
             reason="the commentary says 86.0% 'is at the Target level of 80.0%' but the table's target is 85.0 "
                    "(scorecard lint reports this sentence)"),
        dict(edition="2026-01", indicator="CSWS-OPEN", area=COUNTY, check="source",
             reason="the data sources and definitions pages give the code SCS01 to 'Number of open Social Work "
                    "cases', the code of the re-referral indicator; it has its own id here"),
        dict(edition="2026-01", indicator="CYPE2", area=COUNTY, check="source",
             reason="the admissions rows' benchmark figures sit one column left of their headings in the converted "
                    "text; read as benchmark group 91.3 and England 92.6 (CYPE3: 83.2 and 83.5)"),
    ]
    for c in conflicts:
        print("conflict:", c, file=sys.stderr)
    header = ["edition", "block", "area", "team", "indicator", "period", "column", "printed", "check", "reason"]
    write_csv(DATA / "anomalies.csv", header, base)
    printed = compare_with_print(rows)
    write_csv(DATA / "anomalies.csv", header, base + printed)


def compare_with_print(rows: list[dict]) -> list[dict]:
    """Every cell where the computed edition differs from the print, as a 'printed' anomaly with its reason."""
    from scorecard.content.cells import cells_of
    from scorecard.engine import build
    from scorecard.inputs import validate

    ds, report = validate(DATA)
    if ds is None or not report.ok:
        raise SystemExit("\n".join(p.line() for p in report.errors[:20]))
    edition = build(ds, "2026-01")
    ours = cells_of(edition)
    if len(ours) != len(rows):
        raise SystemExit(f"{len(ours)} rows computed, {len(rows)} printed")
    out = []
    for r, o in zip(rows, ours):
        block, scope = block_key(r)
        annual = r["frequency"] == "annual"
        printed = {"trend": "|".join(r["trend"]), "dot": r["dot"],
                   "target_current": r["target_next"] if annual else r["target"],
                   "rag_current": "" if annual else r["rag"],
                   "target_previous": r["target"] if annual else r.get("target_prev", ""),
                   "rag_previous": r["rag"] if annual else r.get("rag_prev", ""),
                   "outturn_previous": "" if annual else r.get("outturn", ""),
                   "benchmark": r.get("b1", ""), "england": r.get("b2", ""), "numerator": r["num"],
                   "denominator": r["den"]}
        if r["frequency"] == "termly":
            printed.update(target_previous="", rag_previous="", outturn_previous="", benchmark="", england="")
        for col, text in printed.items():
            if text == o[col]:
                continue
            reason = next((why for c, test, why in REASONS if c == col and test(o, text, o[col])), None)
            if reason is None:
                raise SystemExit(f"unexplained difference line {r['line']} {o['area']} {o['team']} {o['code']} "
                                 f"{col}: printed {text!r}, computed {o[col]!r}")
            out.append(dict(edition="2026-01", block=block, area=o["area"] if not o["team"] else "",
                            team=o["team"], indicator=indicator_id(r), column=col, printed=text, check="printed",
                            reason=reason))
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]))
