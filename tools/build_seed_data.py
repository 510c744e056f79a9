"""Build data/ from the January 2026 edition text (run once; kept for provenance).

The seed is the text of Kent County Council's CYPE Directorate Scorecard for
January 2026. This script turns every printed table row into tidy records and
records, for the golden test, the RAG ratings and arrows the edition printed.
Floors are not printed in the edition: where the commentary does not give one,
the floor is inferred from the printed ratings (see ``infer_floor``) and the
evidence is written beside the value.

Usage: python tools/build_seed_data.py ../shared/seeds/000_a09f7c007414c955.txt
"""

from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from parse_seed import parse  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
GOLDEN = ROOT / "tests" / "golden"

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

# Stable ids for the indicators the edition prints without a code.
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

# Units: (unit, decimals, scale of numerator/denominator -> value or blank).
UNIT = {
    "APP17-N": ("count", 0, ""), "APP17-D": ("count", 0, ""), "APP17-A": ("days", 0, ""),
    "SCS29": ("days", 1, "1"), "SCS42": ("caseload", 1, "1"), "SCS43": ("caseload", 1, "1"),
    "EH-CASELOAD": ("caseload", 1, "1"), "EH43": ("count", 0, ""), "EH44": ("count", 0, ""),
    "EXCL-RATE": ("percent", 2, ""), "SISE12": ("score", 1, ""), "CYPE23": ("score", 2, ""),
    "CYPE24": ("score", 2, ""), "CYPE25": ("score", 2, ""), "CYPE8": ("percent", 1, "100"),
    "EY15": ("gap", 1, ""), "SISE16": ("gap", 1, ""), "SISE19": ("gap", 1, ""),
    "EY14-CICGAP": ("gap", 1, ""), "EY14-SENSGAP": ("gap", 1, ""), "EY14-EHCPGAP": ("gap", 1, ""),
    "SISE4-CICGAP": ("gap", 1, ""), "SISE4-SENSGAP": ("gap", 0, ""), "SISE4-EHCPGAP": ("gap", 0, ""),
    "SISE12-CICGAP": ("gap", 1, ""), "SISE12-SENSGAP": ("gap", 1, ""), "SISE12-EHCPGAP": ("gap", 1, ""),
}
# Kent rows printed at another precision than the districts' rows (DfE publishes LA KS2 as integers).
KENT_DECIMALS = {"SISE4": 0, "SISE16": 0}

# Rows the edition prints without an arrow: the two EHCP counts under APP17 and admissions preferences.
NO_ARROW = {"APP17-N", "APP17-D", "CYPE2", "CYPE3"}

# The edition's own comparisons, where they differ from "previous period of the same frequency".
DOT_BASIS = {
    "EY2": ("same_period_last_year",
            "Seasonal termly take-up: every printed arrow matches a comparison with the same term a year "
            "earlier (Maidstone 64.2 -> 64.0 is printed worsened, although the previous term was 50.9); "
            "the commentary compares with 'last year's performance'."),
    "CYPE8": ("previous_year_outturn",
              "Printed arrows match a comparison with the 2024-25 outturn in 12 of 13 rows, and the "
              "previous quarter in only 10 (Dover 38.2 -> 37.5 and Swale 29.7 -> 29.4 are printed worsened)."),
}

# Polarity the ratings and arrows show, where the edition prints another one.
POLARITY_FIX = {
    "EH-CASELOAD": ("T", "Printed polarity is L, but the printed ratings (19.6 and 21.7 GREEN; 15.5 AMBER; "
                         "10.9 RED) and arrows (14.6 -> 15.5 improved) treat it as a target caseload of 20."),
}

# Target ranges for T polarity, and floors the edition states in its commentary.
T_RANGES = {
    "SCS13": dict(target_low=17.5, target_high=22.5, floor_low=12.5, floor_high=27.5,
                  target_source="commentary", floor_source="inferred",
                  evidence="Target range 17.5-22.5 is quoted in the commentary. Floor range inferred as target "
                           "+/- 7.5: printed ratings put the lower floor in (12.1, 13.2] (12.1 RED, 13.2 AMBER) and "
                           "the upper floor in [27.3, 28.4) (27.3 AMBER, 28.4 RED)."),
    "EH-CASELOAD": dict(target_low=18.0, target_high=22.0, floor_low=12.0, floor_high=28.0,
                        target_source="inferred", floor_source="inferred",
                        evidence="Range not printed. Inferred as 20 +/- 2 (19.6 and 21.7 GREEN, 17.5 and 22.6 "
                                 "AMBER) and floor 20 +/- 8 (11.3 RED, 12.0 AMBER)."),
}
COMMENTARY_FLOORS = {
    "SCS19": (75.0, "Commentary: 'below the floor standard of 75.0%'."),
    "SCS34": (55.0, "Commentary: 'below the Target of 65.0% and floor standard of 55.0%'."),
}

FRONT_PAGE = [  # id, title, unit, decimals, period, value, national, group
    ("CYPE10", "Number of Primary Schools", "count", 0, "2025-10", 459, "", "Schools and pupils"),
    ("CYPE13", "Total pupils on roll in Primary Schools", "count", 0, "2025-10", 128716, "", "Schools and pupils"),
    ("CYPE16", "Percentage of Primary School pupils eligible for Free School Meals", "percent", 1, "2025-10", 27.5, 24.7, "Schools and pupils"),
    ("CYPE11", "Number of Secondary Schools", "count", 0, "2025-10", 104, "", "Schools and pupils"),
    ("CYPE14", "Total pupils on roll in Secondary Schools", "count", 0, "2025-10", 115391, "", "Schools and pupils"),
    ("CYPE17", "Percentage of Secondary School pupils eligible for Free School Meals", "percent", 1, "2025-10", 26.2, 25.8, "Schools and pupils"),
    ("CYPE12", "Number of Special Schools", "count", 0, "2025-10", 25, "", "Schools and pupils"),
    ("CYPE15", "Total pupils on roll in Special Schools", "count", 0, "2025-10", 6642, "", "Schools and pupils"),
    ("CYPE18", "Percentage of Special School pupils eligible for Free School Meals", "percent", 1, "2025-10", 48.9, 49.2, "Schools and pupils"),
    ("EH05-F", "Number of cases open to Early Help Units", "count", 0, "2026-01", 2452, "", "Open cases"),
    ("CSWS-OPEN", "Number of open Social Work cases", "count", 0, "2026-01", 11395, "", "Open cases"),
    ("CSWS-CP", "Number of Child Protection cases", "count", 0, "2026-01", 1192, "", "Open cases"),
    ("CSWS-CIC", "Number of Children in Care", "count", 0, "2026-01", 1846, "", "Open cases"),
    ("CSWS-CL", "Number of Care Leavers", "count", 0, "2026-01", 2063, "", "Open cases"),
    ("EY8", "Percentage of EY settings with Good or Outstanding Ofsted Judgements - Overall Effectiveness (non-domestic premises)", "percent", 1, "2024-08", 98.7, 98, "Ofsted judgements"),
    ("SISE35", "Percentage of Primary Schools with Good or Outstanding Ofsted Judgements - Overall Effectiveness", "percent", 1, "2024-08", 92.4, 91, "Ofsted judgements"),
    ("SISE36", "Percentage of Secondary Schools with Good or Outstanding Ofsted Judgements - Overall Effectiveness", "percent", 1, "2024-08", 88.0, 85, "Ofsted judgements"),
    ("SISE37", "Percentage of Special Schools with Good or Outstanding Ofsted Judgements - Overall Effectiveness", "percent", 1, "2024-08", 92.3, 90, "Ofsted judgements"),
    ("FD01-C", "Number of contacts processed in the Front Door", "count", 0, "2026-01", 7455, "", "Activity at the Front Door"),
    ("FD14-C", "Number of Information, Advice and Guidance contacts processed in the Front Door", "count", 0, "2026-01", 3157, "", "Activity at the Front Door"),
    ("FD02-C", "Number of contacts processed in the Front Door which met the threshold for CSWS involvement", "count", 0, "2026-01", 1862, "", "Activity at the Front Door"),
    ("FD03-C", "Number of contacts processed in the Front Door which proceeded to Early Help", "count", 0, "2026-01", 1821, "", "Activity at the Front Door"),
]
FRONT_TRENDS = [  # charts whose values are images in the original: not in the text
    ("EH71-C", "Rate of notifications received into Early Help per 10,000 of the 0-17 population (inclusive, rolling 12 months)", "rate_per_10k", 1),
    ("SCS02", "Rate of referrals to Children's Social Work Services per 10,000 of the 0-17 population (inclusive, rolling 12 months)", "rate_per_10k", 1),
    ("EH35", "Number of First Time Entrants into the Youth Justice system", "count", 0),
    ("CYPE19", "Number of requests for SEND statutory assessment", "count", 0),
]
FRONT_LABELS = {"FD14-C": "Number resolved at FD", "FD02-C": "Number to CSWS", "FD03-C": "Number to EH Units",
                "FD01-C": "Total contacts", "EH05-F": "Intensive Early Help (families)",
                "CSWS-OPEN": "Open Social Work Cases", "CSWS-CP": "Child Protection", "CSWS-CIC": "Children in Care",
                "CSWS-CL": "Care Leavers", "EY8": "EY providers", "SISE35": "Primary", "SISE36": "Secondary",
                "SISE37": "Special"}

MONTHS = ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
QUARTERS = ["2024-25 Q4", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3"]
TERMS = ["2024-25 Autumn", "2024-25 Spring", "2024-25 Summer", "2025-26 Autumn"]
YEARS = ["2021-22", "2022-23", "2023-24", "2024-25"]
PERIODS = {"monthly": MONTHS, "quarterly": QUARTERS, "termly": TERMS, "annual": YEARS}
RAGS = ("RED", "AMBER", "GREEN")

# The edition's own inconsistencies, kept visible: data checks that match one of these
# become warnings carrying the reason; "source" entries are listed by `scorecard validate`.
ANOMALIES = [
    ("observations.csv", "SISE4", "Kent", "", "2024-25", "numerator_gt_denominator",
     "the edition prints 18,853 pupils over 11,694 for Kent KS2 reading, writing and maths (62%); "
     "18,853 is 62% of about 30,400, so the denominator looks misprinted; kept as printed"),
    ("anomalies.csv", "EY15", "Kent", "", "2021-22", "source",
     "the Kent annual table prints the FSM gap trend as 23.2, 21.3, 24.7, 22.8 but the vulnerable learners "
     "table prints 22.6, 23.2, 24.7, 22.8; the Kent annual table's values are kept"),
    ("anomalies.csv", "EY14", "Kent", "", "2025-26", "source",
     "Target 2025-26 is printed as 71.6 in the Kent annual table and 71 in the vulnerable learners table "
     "(EY15: 18.6 and 21); the Kent annual table's values are kept"),
    ("anomalies.csv", "SCS37", "Kent", "", "2026-01", "source",
     "the commentary says 86.0% 'is at the Target level of 80.0%' but the table's target is 85.0 "
     "(scorecard lint reports this sentence)"),
    ("anomalies.csv", "CYPE23", "Kent", "", "2024-25", "source",
     "the table rates 34.86 against a target of 35 GREEN, but 34.86 is below target and the commentary "
     "calls it amber; the engine rates it AMBER"),
    ("anomalies.csv", "CYPE25", "Sevenoaks", "", "2024-25", "source",
     "the Sevenoaks table prints GREEN and an arrow for a row whose values are all N/A"),
    ("anomalies.csv", "SISE4", "", "", "2024-25", "source",
     "every district's SISE4 arrow is printed improved, including districts whose result fell "
     "(e.g. Dartford 67.1 to 65.9), and Kent's 62 to 62 is printed improved in one table and same in another"),
    ("anomalies.csv", "SCS08", "", "Swale Central CSWT", "2026-01", "source",
     "the Swale social work team blocks print every change as a double down-arrow (⇩), improvements included; "
     "the direction is computed from the values instead"),
    ("anomalies.csv", "APP17", "Tonbridge and Malling", "", "2026-01", "source",
     "printed improved although the value fell from 46.7 to 21.4"),
    ("anomalies.csv", "CYPE8", "Dartford", "", "2025-26 Q3", "source",
     "printed improved although 46.2 is worse than both the previous quarter (40.7) and the 2024-25 outturn (37.5)"),
    ("anomalies.csv", "SISE19", "Kent", "", "2024-25", "source",
     "18.2 to 18.6 (a wider gap) is printed worsened in the Kent annual table but improved in the vulnerable "
     "learners table; SISE12 SEN EHCP gap 37.7 to 36.7 (narrower) is printed worsened"),
    ("anomalies.csv", "EH-CASELOAD", "Kent", "", "2026-01", "source",
     "printed polarity L, but its ratings and arrows treat it as a target caseload (T) of 20 families; "
     "the catalogue uses T"),
    ("anomalies.csv", "CYPE2", "Kent", "", "2024-25", "source",
     "the admissions rows' benchmark values sit one column left of their headers; read as benchmark group "
     "91.3 and England 92.6 (CYPE3: 83.2 and 83.5)"),
    ("anomalies.csv", "CYPE6", "Dover", "", "2025-26", "source",
     "target cells for CYPE6 and CYPE22 are blank in the Dartford, Dover and Folkestone and Hythe tables although "
     "ratings are printed; the other districts print 65 and 60 (Ashford and Canterbury print 90 and 85)"),
    ("anomalies.csv", "CSWS-OPEN", "Kent", "", "2026-01", "source",
     "the data sources and definitions pages give code SCS01 to 'Number of open Social Work cases', the code of "
     "the re-referral indicator; it has its own id here"),
]
ARROWS = {"↑": "improved", "↓": "worsened", "↔": "same", "⇩": "worsened", "⇔": "same"}


def number(text: str) -> float | None:
    text = text.replace(",", "").replace("<=", "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}" if abs(x) < 1e6 else str(int(x))


def block_key(row: dict) -> tuple[str, str]:
    """Return (block id, scope) for a printed row."""
    title, page = row["block"], row["page"]
    if page.endswith("Vulnerable Learners"):
        return ("vl-primary" if "Primary" in title else "vl-secondary"), "kent"
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
    return base, "kent"


def indicator_id(row: dict) -> str:
    return row["code"] or UNCODED[row["title"]]


def section_of(ind: str, block: str) -> str:
    if ind in SECTION:
        return SECTION[ind]
    return "education"


def parse_reference(path: Path) -> tuple[dict, dict]:
    """Definitions and data sources by code or title."""
    defs, sources = {}, {}
    mode = None
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
            defs.setdefault((cells[0], cells[1]), cells[2])
    return defs, sources


def lookup(table: dict, code: str, title: str):
    if code:
        hits = [v for (c, t), v in table.items() if c == code]
        if len(hits) == 1:
            return hits[0]
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
    """Pick the roundest floor consistent with every printed RED and AMBER rating.

    H: RED < floor <= AMBER; L: AMBER <= floor < RED. Without evidence on a side the
    floor defaults towards 10% of the target beyond it. Returns (floor, evidence).
    """
    if polarity == "H":
        lo, lo_open = (max(reds), True) if reds else (-math.inf, True)
        hi, hi_open = (min(ambers), False) if ambers else (target, True)
        default = target * 0.9
    else:
        lo, lo_open = (max(ambers), False) if ambers else (target, True)
        hi, hi_open = (min(reds), True) if reds else (math.inf, True)
        default = target * 1.1
    if polarity == "H":
        lo, lo_open = max((lo, lo_open), (-math.inf, True))
        if hi >= target:
            hi, hi_open = target, True
    else:
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
    else:  # pragma: no cover - infeasible interval
        raise ValueError(f"no floor fits {polarity} {target} {reds} {ambers}")

    def bracket(v, is_open, left):
        if v in (math.inf, -math.inf):
            return "(-inf" if left else "inf)"
        return ("(" if is_open else "[") + fmt(v) if left else fmt(v) + (")" if is_open else "]")

    lo_s, hi_s = bracket(lo, lo_open, True), bracket(hi, hi_open, False)
    seen = []
    if reds:
        seen.append(f"RED at {', '.join(fmt(x) for x in sorted(set(reds)))}")
    if ambers:
        seen.append(f"AMBER at {', '.join(fmt(x) for x in sorted(set(ambers)))}")
    why = "; ".join(seen) if seen else "no RED or AMBER rating printed"
    evidence = (f"Not printed. Printed ratings ({why}) put the floor in {lo_s}, {hi_s}; "
                f"the roundest value there nearest to target {'-' if polarity == 'H' else '+'}10% was taken.")
    return choice, evidence


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


def main(seed: Path) -> None:
    rows = parse(seed)
    for r in rows:  # admissions rows: the benchmarks sit one column left of their headers
        if r["code"] in ("CYPE2", "CYPE3"):
            r["b2"], r["b1"], r["target_next"] = r["b1"], r["target_next"], ""
    defs, sources = parse_reference(seed)

    # ---- areas and teams
    write_csv(DATA / "areas.csv", ["area", "kind", "order"],
              [dict(area="Kent", kind="county", order=0)] +
              [dict(area=d, kind="district", order=i + 1) for i, d in enumerate(DISTRICTS)])
    write_csv(DATA / "teams.csv", ["team", "service", "districts", "order"],
              [dict(team=t, service=s, districts=";".join(d), order=i + 1) for i, (t, s, d) in enumerate(TEAMS)])

    # ---- catalogue
    catalogue: dict[str, dict] = {}
    for r in rows:
        ind = indicator_id(r)
        block, scope = block_key(r)
        if ind in catalogue:
            continue
        title = r["title"]
        if scope != "kent":
            title = title.split(" [State-Funded School students]")[0] + (
                " [State-Funded School and College students]" if "[State-Funded" in title else "")
        unit, dec, scale = UNIT.get(ind, ("percent", 1, "100"))
        basis = "financial" if "ics" in block else "academic"
        src = lookup(sources, r["code"], r["title"]) or ["", "", ""]
        definition = lookup(defs, r["code"], r["title"]) or ""
        pol = r["polarity"]
        dot_basis, _ = DOT_BASIS.get(ind, ("previous_period", ""))
        if ind in POLARITY_FIX:
            pol = POLARITY_FIX[ind][0]
        nd = {"SCS40": (1, 1), "SCS42": (0, 1), "SCS43": (0, 1), "EH-CASELOAD": (0, 1)}.get(ind, (0, 0))
        catalogue[ind] = dict(
            num_decimals=nd[0], den_decimals=nd[1],
            indicator=ind, code=r["code"], title=title.replace(" - all pupils", ""),
            section=section_of(ind, block), polarity=pol, data_period=r["data_period"],
            frequency=r["frequency"], year_basis=basis, unit=unit, decimals=dec, scale=scale,
            qpr="yes" if r["qpr"] else "no", seasonal="yes" if "seasonally impacted" in r["title"] else "no",
            dot_basis=dot_basis, definition=definition, source=src[0], latest_data=src[1], released=src[2],
        )
    for ind, title, unit, dec, *_ in FRONT_PAGE:
        src = lookup(sources, ind, title) or ["", "", ""]
        catalogue[ind] = dict(indicator=ind, code=ind if not ind.startswith("CSWS") else "", title=title,
                              section="overview", polarity="", num_decimals=0, den_decimals=0, data_period="MS", frequency="monthly",
                              year_basis="financial", unit=unit, decimals=dec, scale="", qpr="no", seasonal="no",
                              dot_basis="previous_period",
                              definition=lookup(defs, ind if not ind.startswith("CSWS") else "", title) or "",
                              source=src[0], latest_data=src[1], released=src[2])
    catalogue["CSWS-OPEN"]["definition"] = "The total caseload figures for Children's Social Work Services."
    catalogue["CSWS-OPEN"]["source"] = "Liberi"
    for ind, title, unit, dec in FRONT_TRENDS:
        src = lookup(sources, ind, title) or ["", "", ""]
        catalogue[ind] = dict(indicator=ind, code=ind, title=title, section="overview", polarity="", num_decimals=0, den_decimals=0,
                              data_period="R12M" if "rolling" in title or ind == "EH35" else "MS",
                              frequency="monthly", year_basis="financial", unit=unit, decimals=dec, scale="",
                              qpr="no", seasonal="no", dot_basis="previous_period",
                              definition=lookup(defs, ind, title) or "", source=src[0], latest_data=src[1],
                              released=src[2])
    cat_header = ["indicator", "code", "title", "section", "polarity", "data_period", "frequency", "year_basis",
                  "unit", "decimals", "num_decimals", "den_decimals", "scale", "qpr", "seasonal", "dot_basis", "definition", "source",
                  "latest_data", "released"]
    write_csv(DATA / "indicators.csv", cat_header, list(catalogue.values()))

    # ---- layout: blocks, rows, printed title variants
    blocks: dict[str, dict] = {}
    layout: dict[tuple, dict] = {}
    titles: list[dict] = []
    for r in rows:
        block, scope = block_key(r)
        ind = indicator_id(r)
        if block not in blocks:
            title = r["block"]
            area = r["page"].replace(" District", "")
            if scope != "kent":
                title = title.replace(f" - {area} ", " - {area} ")
            hdr = r["header"]
            bench = [h for h in hdr if h.startswith(("Benchmark", "England", "South East"))]
            blocks[block] = dict(block=block, title=title, scope=scope, frequency=r["frequency"],
                                 year_basis="financial" if "ics" in block else "academic",
                                 page=("vulnerable-learners" if block.startswith("vl") else
                                       "district" if scope != "kent" else "kent"),
                                 benchmarks=";".join(bench), order=len(blocks) + 1)
        key = (block, ind, r["team"].endswith("EHU") and "EHU" or (r["team"] and "CSWT") or "")
        if key not in layout:
            layout[key] = dict(block=block, position=sum(1 for k in layout if k[0] == block) + 1, indicator=ind,
                               service=key[2], title=r["title"],
                               decimals=KENT_DECIMALS.get(ind, "") if scope == "kent" else "",
                               show_dot="no" if ind in NO_ARROW else "yes")
        elif r["title"] != layout[key]["title"]:
            area = r["page"].replace(" District", "")
            titles.append(dict(block=block, indicator=ind, area=area, title=r["title"]))
    # district blocks printed once per district (scope district/team) keep the first district's title;
    # rows whose title is printed differently elsewhere are listed in layout_titles.csv.
    write_csv(DATA / "layout" / "blocks.csv",
              ["block", "order", "page", "scope", "frequency", "year_basis", "title", "benchmarks"],
              list(blocks.values()))
    write_csv(DATA / "layout" / "rows.csv", ["block", "position", "indicator", "service", "title", "decimals", "show_dot"],
              list(layout.values()))
    uniq = {(t["block"], t["indicator"], t["area"]): t for t in titles}
    write_csv(DATA / "layout" / "titles.csv", ["block", "indicator", "area", "title"], list(uniq.values()))

    # ---- observations, outturns, benchmarks, targets evidence, golden
    obs: dict[tuple, dict] = {}
    conflicts = []
    outturns: dict[tuple, dict] = {}
    bench: dict[tuple, dict] = {}
    targets_seen: dict[tuple, dict] = defaultdict(dict)  # (ind, year, area) -> printed texts, first first
    evidence: dict[tuple, dict] = defaultdict(lambda: {"RED": [], "AMBER": []})  # (ind, year, target)
    golden = []
    na_targets: set[tuple] = set()
    for r in rows:
        block, scope = block_key(r)
        ind = indicator_id(r)
        district = r["page"].replace(" District", "") if r["page"].endswith("District") else ""
        team = r["team"] if scope == "team" else ""
        area = "" if team else (district or "Kent")
        freq = r["frequency"]
        periods = PERIODS[freq]
        trend = r["trend"]
        na_row = trend and trend[0] == "N/A" and all(t in ("", "N/A") for t in trend)
        latest_period = periods[-1]
        for i, p in enumerate(periods):
            text = trend[i] if i < len(trend) else ""
            value = None if na_row else number(text)
            if value is None and not na_row and text not in ("N/A", ""):
                raise ValueError(f"line {r['line']}: cannot read {text!r}")
            rec = dict(indicator=ind, area=area, team=team, period=p, value=fmt(value),
                       status="ok" if value is not None else "not_available")
            if p == latest_period:
                rec["numerator"] = fmt(number(r.get("num", "")))
                rec["denominator"] = fmt(number(r.get("den", "")))
            k = (ind, area, team, p)
            if k in obs:
                if obs[k]["value"] != rec["value"]:
                    conflicts.append((k, obs[k]["value"], rec["value"], r["line"]))
                continue
            obs[k] = rec
        rag_year = "2024-25" if freq == "annual" else "2025-26"
        tgt_text = r.get("target", "")
        if tgt_text == "N/A" and scope == "district" and not na_row:
            na_targets.add((ind, rag_year, area))
            if r.get("target_prev") == "N/A":
                na_targets.add((ind, "2024-25", area))
        if tgt_text not in ("", "N/A"):
            targets_seen[(ind, rag_year, area or "Kent")][tgt_text] = 1
        if freq == "annual" and r.get("target_next", "") not in ("", "N/A", "N/A small cohort") and scope == "kent":
            targets_seen[(ind, "2025-26", "Kent")][r["target_next"]] = 1
        if r.get("target_prev", "") not in ("", "N/A"):
            targets_seen[(ind, "2024-25", area or "Kent")][r["target_prev"]] = 1
        latest = None if na_row else number(trend[-1] if trend else "")
        if r.get("rag") in ("RED", "AMBER") and latest is not None and tgt_text not in ("", "N/A"):
            evidence[(ind, rag_year, number(tgt_text))][r["rag"]].append(latest)
        if "outturn" in r and r["outturn"] not in ("", "N/A"):
            outturns[(ind, area, team)] = dict(indicator=ind, area=area, team=team, year="2024-25",
                                               value=fmt(number(r["outturn"])))
            if r.get("rag_prev") in ("RED", "AMBER") and r.get("target_prev") not in ("", "N/A"):
                evidence[(ind, "2024-25", number(r["target_prev"]))][r["rag_prev"]].append(number(r["outturn"]))
        if scope == "kent":
            names = blocks[block]["benchmarks"].split(";")
            for name, key in zip(names, ("b1", "b2")):
                val = number(r.get(key, ""))
                if val is not None:
                    bench[(ind, name)] = dict(indicator=ind, benchmark=name, value=fmt(val))
        golden.append(dict(
            line=r["line"], block=block, area=district or "Kent", team=r["team"] if scope == "team" else "",
            indicator=ind, code=r["code"], title=r["title"], frequency=freq, period=latest_period,
            value=trend[-1] if trend else "", numerator=r.get("num", ""), denominator=r.get("den", ""),
            target=tgt_text, rag=r.get("rag", "") if r.get("rag", "") in RAGS else "",
            dot=ARROWS.get(r.get("dot", ""), ""), dot_glyph=r.get("dot", ""),
            outturn=r.get("outturn", ""), target_prev=r.get("target_prev", ""),
            rag_prev=r.get("rag_prev", "") if r.get("rag_prev", "") in RAGS else "",
        ))

    # front page
    for ind, title, unit, dec, period, value, national, group in FRONT_PAGE:
        obs[(ind, "Kent", "", period)] = dict(indicator=ind, area="Kent", team="", period=period,
                                              value=fmt(float(value)), status="ok")
        if national != "":
            bench[(ind, "England")] = dict(indicator=ind, benchmark="England", value=fmt(float(national)))
    for ind, *_ in FRONT_TRENDS:
        for p in MONTHS:
            obs[(ind, "Kent", "", p)] = dict(indicator=ind, area="Kent", team="", period=p, value="",
                                             status="not_available",
                                             note="Chart values are not in the source text of the January 2026 edition")

    write_csv(DATA / "observations.csv",
              ["indicator", "area", "team", "period", "value", "numerator", "denominator", "status", "note"],
              list(obs.values()))
    write_csv(DATA / "outturns.csv", ["indicator", "area", "team", "year", "value"], list(outturns.values()))
    bench_ref = {"Benchmark Group 2023-24": ("Statistical neighbours", "2023-24"),
                 "England 2023-24": ("England", "2023-24"),
                 "Benchmark Group 2024-25": ("Statistical neighbours", "2024-25"),
                 "England 2024-25": ("England", "2024-25"),
                 "South East as at Jan 2025": ("South East", "as at Jan 2025"),
                 "England & Wales as at Jan 2025": ("England & Wales", "as at Jan 2025"),
                 "South East Average as at 31st December 2024": ("South East", "as at 31 Dec 2024"),
                 "England Average as at 31st December 2024": ("England", "as at 31 Dec 2024"),
                 "England": ("England", "")}
    front_ref = {"CYPE16": "January 2025 census", "CYPE17": "January 2025 census", "CYPE18": "January 2025 census",
                 "EY8": "as at 31 Aug 2024", "SISE35": "as at 31 Aug 2024", "SISE36": "as at 31 Aug 2024",
                 "SISE37": "as at 31 Aug 2024"}
    brows = []
    for (ind, name), b in bench.items():
        bm, ref = bench_ref[name]
        brows.append(dict(indicator=ind, benchmark=bm, reference=front_ref.get(ind, ref), value=b["value"]))
    write_csv(DATA / "benchmarks.csv", ["indicator", "benchmark", "reference", "value"], brows)

    # ---- targets with floors
    trows = []
    kent_targets = {(i, y): t for (i, y, a), t in targets_seen.items() if a == "Kent"}
    for (ind, year, area), texts in sorted(targets_seen.items()):
        if len(texts) > 1:
            conflicts.append(((ind, area, "", year), "target", list(texts), 0))
        text = next(iter(texts))
        if area != "Kent" and number(next(iter(kent_targets.get((ind, year), {"": 1})))) == number(text):
            continue  # same as Kent's: no area-specific row
        op = "<=" if text.startswith("<=") else ""
        value = number(text)
        pol = catalogue[ind]["polarity"]
        row = dict(indicator=ind, year=year, area=area, target=fmt(value), target_op=op,
                   target_source="printed")
        if ind in T_RANGES:
            row.update({k: (fmt(v) if isinstance(v, float) else v) for k, v in T_RANGES[ind].items()})
        elif ind in COMMENTARY_FLOORS:
            f, why = COMMENTARY_FLOORS[ind]
            row.update(floor=fmt(f), floor_source="commentary", evidence=why)
        else:
            # evidence from every row rated against this target value, any area, both years
            ev = {"RED": [], "AMBER": []}
            for (i2, y2, t2), e in evidence.items():
                if i2 == ind and t2 == value:
                    ev["RED"] += e["RED"]
                    ev["AMBER"] += e["AMBER"]
            f, why = infer_floor(pol, value, ev["RED"], ev["AMBER"])
            row.update(floor=fmt(f), floor_source="inferred", evidence=why)
        trows.append(row)
    for ind, year, area in sorted(na_targets):
        trows.append(dict(indicator=ind, year=year, area=area, target="", target_source="printed",
                          evidence="Printed as N/A: no target for this area."))
    # Blank targets printed beside a rating: the value the other districts print for the same year.
    for area in ("Dartford", "Dover", "Folkestone and Hythe"):
        for ind, val, fl in (("CYPE6", 65.0, None), ("CYPE22", 60.0, None)):
            base = next(t for t in trows if t["indicator"] == ind and t["year"] == "2025-26"
                        and t["area"] == "Gravesham")
            trows.append(dict(base, area=area, target_source="inferred",
                              evidence=f"Target cell blank in the {area} table although a rating is printed; "
                                       f"taken as {fmt(val)}, the 2025-26 target the other districts print "
                                       f"(Dover CYPE6 86.1 is printed GREEN, which only this target explains). "
                                       + base.get("evidence", "")))
    write_csv(DATA / "targets.csv",
              ["indicator", "year", "area", "target", "target_op", "target_low", "target_high", "floor",
               "floor_low", "floor_high", "target_source", "floor_source", "evidence"], trows)

    write_csv(DATA / "anomalies.csv", ["file", "indicator", "area", "team", "period", "check", "reason"],
              [dict(zip(["file", "indicator", "area", "team", "period", "check", "reason"], a)) for a in ANOMALIES])
    write_csv(GOLDEN / "edition-2026-01.csv",
              ["line", "block", "area", "team", "indicator", "code", "title", "frequency", "period", "value",
               "numerator", "denominator", "target", "rag", "dot", "dot_glyph", "outturn", "target_prev",
               "rag_prev"], golden)
    for c in conflicts:
        print("conflict:", c, file=sys.stderr)
    print(f"{len(rows)} printed rows, {len(obs)} observations, {len(trows)} targets", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
