#!/usr/bin/env python3
"""Independent golden extraction of every printed RAG-table cell of the CYPE
Directorate Scorecard (text rendering of the PDF).

Usage:  python tests/golden/extract_cells.py SEED OUT.csv

This script is deliberately self-contained (standard library only) and does
not share any code or data with the project's own extractor; it exists so
that the two can be compared cell by cell.

Approach
--------
1. The seed is read line by line.  A line whose first tab-separated cell is a
   page heading ("Directorate Scorecard - Kent KPIs[...]" or
   "Directorate Scorecard - <District> District") sets the current *area*.
   The very first Kent page prints its heading only after its first table,
   so the area starts as "Kent".
2. A *table* starts at a line whose first cell is one of the known RAG table
   titles (Education Monthly/Termly/Annual Indicators, Integrated Children's
   Services Monthly/Quarterly Indicators, Annual Indicators - Primary /
   Secondary) and which contains a tab.  The table then consists of header
   lines (first cell empty), team-label lines (district ICS tables only) and
   data rows, and ends at the first blank line or at any other line (e.g. the
   tab-separated "Note:" line under the Kent attendance table).
3. The header is validated by the ORDER of its non-empty labels, not by their
   column positions: the PDF-to-text step shifts header labels (e.g. "Latest
   Year" one column right of "Measure", "2024-25" printed on a third header
   line under the trend block, a stray "SN or SE" label, month labels
   missing/duplicated/placed on the team line).  Trend period labels are only
   collected and reported on stderr; they are not part of the CSV.
4. Data rows are recognised by polarity (H/L/T) in column 2 and a data period
   (MS, R12M, Q, T, A, YTD) in column 3.  Columns 0..4 are always code,
   title, polarity, data period, QPR; the value cells start at column 5 and
   are mapped by their ORDER onto the logical columns of the table type:
     monthly   : 6 trend months + latest, num, den, DOT, target/RAG 2025-26,
                 outturn/target/RAG 2024-25, benchmark, England   (17 cells)
     quarterly : 3 trend quarters + latest, then as monthly       (14 cells)
     termly    : 3 trend terms + latest, num, den, DOT, target, RAG (9 cells)
     annual    : 3 trend years + latest, num, den, target/RAG 2024-25, DOT,
                 target 2025-26, benchmark, England               (12 cells)
   Rows whose cell count does not match are resolved by the documented rules
   in map_row() and listed on stderr.
5. Cells are written exactly as printed (only surrounding whitespace is
   stripped).  The trend column joins the trend cells oldest first, latest
   last, with "|".

Validation printed on stderr: per-table row counts, the header labels found,
every row whose count did not match and how it was resolved, and an
arithmetic check (latest ~= numerator/denominator, as a percentage or a
plain ratio) that confirms the column alignment of each row where all three
cells are numeric.
"""

import csv
import re
import sys

COLUMNS = [
    "area", "team", "block", "code", "title", "polarity", "data_period",
    "qpr", "trend", "numerator", "denominator", "dot", "target_current",
    "rag_current", "outturn_previous", "target_previous", "rag_previous",
    "benchmark", "england",
]

POLARITIES = {"H", "L", "T"}
DATA_PERIODS = {"MS", "R12M", "Q", "T", "A", "YTD"}

MONTHLY_TAIL = ["numerator", "denominator", "dot", "target_current",
                "rag_current", "outturn_previous", "target_previous",
                "rag_previous", "benchmark", "england"]

# ntrend = number of trend cells BEFORE the latest-period cell.
TYPES = {
    "monthly": {
        "ntrend": 6,
        "tail": MONTHLY_TAIL,
        "labels": [r"Polarity", r"Data Period", r"QPR", r"Monthly Trends",
                   r"Latest Month", r"DOT", r"Target 2025-26", r"RAG 2025-26",
                   r"(Kent|District) Outturn 2024-25", r"Target 2024-25",
                   r"RAG 2024-25",
                   r"(South East Average .*|Benchmark Group .*)",
                   r"England.*"],
        "sub": ["Measure", "Numerator", "Denominator"],
        "periods": ["Jul-25", "Aug-25", "Sep-25", "Oct-25", "Nov-25",
                    "Dec-25", "Jan-26"],
    },
    "quarterly": {
        "ntrend": 3,
        "tail": MONTHLY_TAIL,
        "labels": [r"Polarity", r"Data Period", r"QPR", r"Quarterly Trends",
                   r"Latest Quarter", r"DOT", r"Target 2025-26",
                   r"RAG 2025-26", r"(Kent|District) Outturn 2024-25",
                   r"Target 2024-25", r"RAG 2024-25", r"South East .*",
                   r"England.*"],
        "sub": ["Rate", "Numerator", "Denominator"],
        "periods": ["Q4 24-25", "Q1 25-26", "Q2 25-26", "Q3 25-26"],
    },
    "termly": {
        "ntrend": 3,
        "tail": ["numerator", "denominator", "dot", "target_current",
                 "rag_current"],
        "labels": [r"Polarity", r"Data Period", r"QPR", r"Termly Trends",
                   r"Latest Term", r"DOT", r"Target Autumn 2025-26",
                   r"RAG 2025-26"],
        "sub": ["Measure", "Numerator", "Denominator"],
        "periods": ["Autumn 24-25", "Spring 24-25", "Summer 24-25",
                    "Autumn 25-26"],
    },
    "annual": {
        "ntrend": 3,
        "tail": ["numerator", "denominator", "target_previous",
                 "rag_previous", "dot", "target_current", "benchmark",
                 "england"],
        "labels": [r"Polarity", r"Data Period", r"QPR", r"Annual Trends",
                   r"Latest Year", r"Target 2024-25", r"RAG( 2024-25)?",
                   r"DOT", r"Target 2025-26", r"Benchmark Group .*",
                   r"England.*"],
        "sub": ["Measure", "Numerator", "Denominator"],
        "periods": ["2021-22", "2022-23", "2023-24", "2024-25"],
    },
}

TITLE_RE = re.compile(
    r"^(?P<kind>Education Monthly Indicators|Education Termly Indicators"
    r"|Education Annual Indicators \(Continued\)|Education Annual Indicators"
    r"|Integrated Children's Services Monthly Indicators"
    r"|Integrated Children's Services Quarterly Indicators"
    r"|Annual Indicators - Primary|Annual Indicators - Secondary)"
    r"(?: - (?P<district>[^(]+?))?\s*\(reporting")
PAGE_RE = re.compile(r"^(?:#+\s*)?Directorate Scorecard - (?P<rest>.+?)\s*$")
TEAM_RE = re.compile(r"^\S.*\b(CSWT|EHU)$")
PERIOD_RE = re.compile(r"^([A-Z][a-z]{2}-\d\d|Q\d \d\d-\d\d"
                       r"|(Autumn|Spring|Summer) \d\d-\d\d|\d{4}-\d\d)$")

KIND_TYPE = {
    "Education Monthly Indicators": "monthly",
    "Education Termly Indicators": "termly",
    "Education Annual Indicators (Continued)": "annual",
    "Education Annual Indicators": "annual",
    "Integrated Children's Services Monthly Indicators": "monthly",
    "Integrated Children's Services Quarterly Indicators": "quarterly",
    "Annual Indicators - Primary": "annual",
    "Annual Indicators - Secondary": "annual",
}

DISTRICT_BLOCK = {
    "Integrated Children's Services Monthly Indicators": "district-ics-monthly",
    "Integrated Children's Services Quarterly Indicators":
        "district-ics-quarterly",
    "Education Monthly Indicators": "district-edu-monthly",
    "Education Termly Indicators": "district-edu-termly",
    "Education Annual Indicators": "district-edu-annual",
}

KENT_BLOCK = {
    "Integrated Children's Services Monthly Indicators": "ics-monthly",
    "Integrated Children's Services Quarterly Indicators": "ics-quarterly",
    "Education Termly Indicators": "edu-termly",
    "Education Annual Indicators": "edu-annual",
    "Education Annual Indicators (Continued)": "edu-annual-2",
    "Annual Indicators - Primary": "vl-primary",
    "Annual Indicators - Secondary": "vl-secondary",
}


def log(msg):
    print(msg, file=sys.stderr)


def cells_of(line):
    return [c.strip() for c in line.rstrip("\n").split("\t")]


def is_data_row(cells):
    return (len(cells) > 5 and cells[2] in POLARITIES
            and cells[3] in DATA_PERIODS)


def rstrip_empty(cells):
    out = list(cells)
    while out and out[-1] == "":
        out.pop()
    return out


def last_empty_run(cells):
    """(start, end) of the last run of empty cells strictly inside `cells`
    (i.e. followed by a non-empty cell), or None."""
    i = len(cells) - 1
    while i >= 0 and cells[i] != "":
        i -= 1
    # cells are right-stripped, so a run found here is interior
    if i < 0:
        return None
    end = i + 1
    while i >= 0 and cells[i] == "":
        i -= 1
    return (i + 1, end)


def map_row(data, ttype):
    """Map the value cells (columns 5..) of one data row.

    Returns (trend_cells, tail_dict, note); note is None when the printed
    cell count matched the header exactly (possibly after dropping trailing
    empty cells), else a description of how the mismatch was resolved.
    """
    spec = TYPES[ttype]
    nt = spec["ntrend"]
    tail_names = spec["tail"]
    width = nt + 1 + len(tail_names)
    trimmed = rstrip_empty(data)

    # --- Layout artefact: merged "N/A" across the trend block -------------
    # District ICS rows such as SCS18/SCS19/SCS29/SCS34/SCS42 print one N/A
    # spanning the six trend-month columns (N/A followed by five empty
    # cells) and then a run of individual N/A cells ending with the two
    # benchmark cells.  The number of individual N/A cells varies between
    # pages (9 on Ashford/Sevenoaks/Tonbridge and Malling, 8 on most pages,
    # some pages print empty cells inside the run, Dartford/Thanet), and the
    # converter then pads the line with a trailing empty cell.
    # Semantic reading used here (applied identically to every such row):
    #   * the trend (six months + latest) is "N/A" in every cell;
    #   * the remaining printed cells (trailing empties removed) are
    #     aligned from the RIGHT onto [latest, num, den, DOT, target, RAG,
    #     outturn, target, RAG, benchmark, England]: the benchmarks are the
    #     last printed cells, and when one cell is missing the unfilled
    #     field is the leftmost one, i.e. the latest measure, which the
    #     merged-trend rule already reads as N/A.  Empty cells inside the
    #     run are kept as printed (blank) at their right-aligned position.
    if (nt > 1 and len(trimmed) > nt and trimmed[0] == "N/A"
            and all(c == "" for c in trimmed[1:nt])):
        rest = trimmed[nt:]
        fields = ["latest"] + tail_names
        if len(rest) > len(fields):
            raise ValueError("merged-N/A row has too many cells: %r" % data)
        assigned = dict.fromkeys(fields, "")
        for name, value in zip(fields[len(fields) - len(rest):], rest):
            assigned[name] = value
        trend = ["N/A"] * (nt + 1)
        tail = {k: assigned[k] for k in tail_names}
        note = None
        if len(rest) != len(fields):
            note = ("merged N/A trend; %d cells after the merged block for "
                    "%d fields -> right-aligned (benchmarks last), latest "
                    "read as N/A" % (len(rest), len(fields)))
        elif assigned["latest"] != "N/A":
            note = "merged N/A trend but latest printed as %r -> N/A" % (
                assigned["latest"],)
        return trend, tail, note

    note = None
    cells = trimmed
    has_bench = tail_names[-2:] == ["benchmark", "england"]
    if len(cells) > width:
        # --- Layout artefact: one cell too many -------------------------
        # Kent SEND rows "open EP referrals waiting > 6 weeks" and "SEND
        # assessment requests waiting > 20 weeks" print their two benchmark
        # N/A cells one column further right than every other row of that
        # table (in the trailing-cell position).  Reading: the converter
        # added an empty cell to the run of empty cells before the
        # benchmarks; remove empty cells from the last interior empty run
        # until the width matches, so the last printed cells stay the
        # benchmarks.
        n0 = len(cells)
        while len(cells) > width:
            run = last_empty_run(cells)
            if run is None:
                raise ValueError("cannot resolve over-long row: %r" % data)
            cells = cells[:run[0]] + cells[run[0] + 1:]
        note = ("%d value cells for %d columns -> removed %d empty cell(s) "
                "from the empty run before the last printed cells "
                "(benchmarks kept as the last printed cells)"
                % (n0, width, n0 - width))
    elif len(cells) == width - 1 and has_bench and \
            last_empty_run(cells) is not None:
        # --- Layout artefact: one cell dropped + trailing empty cell ----
        # e.g. Kent CYPE2/CYPE3 (first-preference admissions): the row
        # prints "N/A, , , 91.3, 92.6, <empty>" where every other row of the
        # table fills the England column.  92.6 is the published England
        # 2025 primary first-preference rate, so the converter dropped one
        # empty cell inside the empty run and padded the line at the end.
        # Reading: re-insert the empty cell into the last interior empty run
        # so that the last printed cells are the benchmark and England.
        run = last_empty_run(cells)
        cells = cells[:run[1]] + [""] + cells[run[1]:]
        note = ("%d value cells for %d columns (trailing empty cell) -> one "
                "empty cell re-inserted in the empty run before the last "
                "printed cells (benchmarks kept as the last printed cells)"
                % (width - 1, width))
    else:
        # Exact width, or a row that genuinely stops early (blank cells at
        # the right, e.g. Kent APP17-N/APP17-D/APP17-A): positional, padded
        # with blanks.  Trailing empty cells beyond the width (district
        # annual tables, Ashford ICS tables) were already dropped above.
        cells = cells + [""] * (width - len(cells))
    trend = cells[:nt + 1]
    tail = dict(zip(tail_names, cells[nt + 1:]))
    return trend, tail, note


def parse_number(s):
    s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def arithmetic_check(latest, num, den):
    """True/False if latest ~ num/den (x100 or x1); None if not checkable."""
    a, n, d = parse_number(latest), parse_number(num), parse_number(den)
    if a is None or n is None or d is None or d == 0:
        return None
    r = n / d

    def half_unit(s, integer_exact):
        if "." in s:
            return 0.5 * 10 ** (-len(s.split(".")[1]))
        return 0.0 if integer_exact else 0.5

    # Tolerance: rounding of the printed latest value plus the effect of
    # the rounding of a decimal numerator/denominator (SCS40 prints FTEs to
    # one decimal place, e.g. 15.8 / 17.0 -> 93.2); integer counts are exact.
    rel = (half_unit(num, True) / abs(n) if n else 0) + \
        half_unit(den, True) / abs(d)
    tol_abs = half_unit(latest, False) + 1e-9  # x.x5 rounds half up
    ok_pct = abs(a - 100 * r) <= tol_abs + abs(100 * r) * rel
    ok_ratio = abs(a - r) <= tol_abs + abs(r) * rel
    return ok_pct or ok_ratio


def check_header(label_cells, ttype, sub_labels, where):
    spec = TYPES[ttype]
    labels = [c for c in label_cells if c]
    expected = spec["labels"]
    ok = len(labels) == len(expected) and all(
        re.fullmatch(p, l) for p, l in zip(expected, labels))
    if not ok:
        raise ValueError("%s: header labels %r do not match %r"
                         % (where, labels, expected))
    for s in spec["sub"]:
        if s not in sub_labels:
            raise ValueError("%s: sub-header %r missing" % (where, s))
    return labels


def parse(path):
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")

    rows = []
    tables = []
    mismatches = []
    arith_fail = []
    n_checked = [0]
    area = "Kent"
    kent_edu_monthly_seen = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        first = line.split("\t")[0].strip()
        m_page = PAGE_RE.match(first) if "\t" not in line else None
        if m_page:
            rest = m_page.group("rest")
            if rest.endswith(" District"):
                area = rest[: -len(" District")]
            elif rest.startswith("Kent KPIs"):
                area = "Kent"
            else:
                raise ValueError("line %d: unknown page heading %r"
                                 % (i + 1, line))
            i += 1
            continue
        m_title = TITLE_RE.match(first) if "\t" in line else None
        if not m_title:
            i += 1
            continue

        kind = m_title.group("kind")
        ttype = KIND_TYPE[kind]
        title_district = (m_title.group("district") or "").strip()
        if area == "Kent":
            if kind == "Education Monthly Indicators":
                kent_edu_monthly_seen += 1
                block = ("send-monthly" if kent_edu_monthly_seen == 1
                         else "edu-monthly")
            else:
                block = KENT_BLOCK[kind]
        else:
            block = DISTRICT_BLOCK[kind]
            if title_district and title_district != area:
                raise ValueError("line %d: table for %r on %r page"
                                 % (i + 1, title_district, area))
        start = i + 1
        where = "line %d (%s, %s)" % (start, block, area)

        # Column-label line: the title line itself, or (vulnerable learners
        # tables) the next line, which starts with "\tMeasure\tPolarity".
        header_cells = cells_of(line)
        j = i + 1
        if "Polarity" not in header_cells:
            header_cells = cells_of(lines[j])
            if "Polarity" not in header_cells:
                raise ValueError("%s: no column-label line" % where)
            j += 1
        label_cells = header_cells[header_cells.index("Polarity"):]

        sub_labels, periods, stray = [], [], []
        team = ""
        n_rows = 0
        n_trailing = 0
        while j < len(lines):
            raw = lines[j]
            if raw.strip() == "":
                break
            c = cells_of(raw)
            if is_data_row(c):
                data = c[5:]
                trend, tail, note = map_row(data, ttype)
                if len(data) > len(rstrip_empty(data)):
                    n_trailing += 1
                if block == "district-ics-monthly" and not team:
                    raise ValueError("line %d: ICS row before team label"
                                     % (j + 1))
                rec = dict.fromkeys(COLUMNS, "")
                rec.update(area=area, team=team, block=block, code=c[0],
                           title=c[1], polarity=c[2], data_period=c[3],
                           qpr=c[4], trend="|".join(trend))
                rec.update(tail)
                rows.append(rec)
                n_rows += 1
                if note:
                    mismatches.append((j + 1, block, area, team, c[0],
                                       c[1][:60], note))
                chk = arithmetic_check(trend[-1], tail["numerator"],
                                       tail["denominator"])
                if chk is not None:
                    n_checked[0] += 1
                if chk is False:
                    arith_fail.append((j + 1, block, area, c[0] or c[1][:40],
                                       trend[-1], tail["numerator"],
                                       tail["denominator"]))
                j += 1
                continue
            # Header or team-label line.  A team label may be printed on
            # its own line ("Ashford CSWT"), at the start of a line that
            # also carries the month labels ("Canterbury EHU\t\t\t\t\tJul-25
            # ..."), or inside a header line ("\t\t\t\t\tThanet EHU\t...").
            labels_here = [x for x in c if x]
            teams_here = [x for x in labels_here if TEAM_RE.match(x)]
            if not (c[0] == "" or teams_here):
                # Not a header/team line: end of table (e.g. the
                # tab-separated "Note:" line under edu-annual-2).
                log("  %s: table ends at line %d (non-table line: %r)"
                    % (where, j + 1, raw[:60]))
                break
            if teams_here:
                if block != "district-ics-monthly" or len(teams_here) > 1:
                    raise ValueError("line %d: unexpected team label %r"
                                     % (j + 1, teams_here))
                team = teams_here[0]
            for x in labels_here:
                if x in teams_here:
                    continue
                if PERIOD_RE.match(x):
                    periods.append(x)
                elif x in ("Measure", "Rate", "Numerator", "Denominator",
                           "Polarity"):
                    sub_labels.append(x)
                else:
                    # "SN or SE" floats in district ICS / annual headers: a
                    # sub-label of the benchmark column placed in the wrong
                    # column by the converter; it adds no data column.
                    stray.append(x)
            j += 1

        labels = check_header(label_cells, ttype, sub_labels, where)
        if n_rows == 0:
            raise ValueError("%s: table without data rows" % where)
        bad_periods = [p for p in periods if p not in TYPES[ttype]["periods"]]
        if bad_periods:
            raise ValueError("%s: unexpected period labels %r"
                             % (where, bad_periods))
        if any(s != "SN or SE" for s in stray):
            raise ValueError("%s: unexpected header labels %r"
                             % (where, stray))
        tables.append((start, block, area, n_rows, periods, stray,
                       n_trailing, labels))
        i = j
    log("Arithmetic check (latest ~ numerator/denominator) applied to %d "
        "rows" % n_checked[0])
    return rows, tables, mismatches, arith_fail


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    rows, tables, mismatches, arith_fail = parse(argv[1])

    log("Tables (line, block, area, rows, period labels found in header):")
    for start, block, area, n, periods, stray, n_trailing, labels in tables:
        log("  %5d  %-22s %-22s %3d rows  periods=%s%s%s"
            % (start, block, area, n, ",".join(periods) or "-",
               ("  stray=" + ",".join(stray)) if stray else "",
               ("  trailing-empty rows=%d" % n_trailing) if n_trailing
               else ""))
    counts = {}
    for r in rows:
        counts[r["block"]] = counts.get(r["block"], 0) + 1
    log("Rows per block:")
    for b, n in counts.items():
        log("  %-24s %4d" % (b, n))
    log("  %-24s %4d" % ("TOTAL", len(rows)))
    log("Rows whose cell count did not match the header (%d):"
        % len(mismatches))
    for ln, block, area, team, code, title, note in mismatches:
        log("  line %4d %-22s %-22s %-45s %-7s %s\n             -> %s"
            % (ln, block, area, team, code, title, note))
    log("Arithmetic check failures (latest vs numerator/denominator), "
        "printed values kept as printed (%d):" % len(arith_fail))
    for f in arith_fail:
        log("  line %4d %-22s %-12s %-12s latest=%s num=%s den=%s" % f)

    with open(argv[2], "w", encoding="utf-8", newline="") as fh:
        # csv module default quoting (QUOTE_MINIMAL); LF line endings like
        # the other CSV files committed in this repository.
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
