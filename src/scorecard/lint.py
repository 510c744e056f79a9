"""Commentary checks: words that disagree with the tables, and ratings nobody has explained.

The January 2026 edition says SCS37's 86.0% "is at the Target level of 80.0%" while
its table prints a target of 85.0. Such slips are easy to make when last month's
text is reused, so ``lint`` reads every rated paragraph (``**RED:**`` ...), decides
which Kent indicator it is about (``match``), and reports, per sentence:

- a RAG word (the paragraph's label, or "amber" in the text) other than the computed rating;
- the indicator's headline figure, a target or a floor quoted differently from the table
  (compared at the precision the sentence quotes, so "429 days" agrees with 429.1);
- every Kent indicator rated RED or AMBER that no paragraph is about.

Numbers are read conservatively, so that sentences agreeing with the tables raise
nothing: benchmark figures ("England average of 22.6%"), earlier values ("from 29.3"),
dated figures ("75.5% in December 2022"), differences ("by 0.80", "1.5 percentage
points"), years and phrases such as "12-month" or "Key Stage 5" are not read as the
indicator's value, and a target in a sentence about another measure ("87.5% took
place within timescale ... above the 80.0% target") is left alone. The check never
changes a rating: it reads the engine's frame (``edition.build``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import formatting, periods
from .commentary import SECTIONS, Commentary, Paragraph
from .commentary import load as load_commentary
from .problems import Problem

KENT_PAGES = ("kent", "vulnerable-learners")
RAGS = ("RED", "AMBER", "GREEN")


@dataclass(frozen=True)
class Finding:
    """One disagreement, as ``file:line: paragraph N (CODE, LABEL), sentence S: message``."""

    file: str
    line: int
    paragraph: int
    sentence: int
    indicator: str
    kind: str  # rag | value | target | floor | missing | unmatched
    message: str

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        para = f"paragraph {self.paragraph}" if self.paragraph else ""
        sent = f", sentence {self.sentence}" if self.sentence else ""
        about = f" ({self.indicator})" if self.indicator and para else ""
        lead = f"{para}{about}{sent}: " if para else (f"{self.indicator}: " if self.indicator else "")
        return f"{where}: {lead}{self.message}"

    def problem(self) -> Problem:
        """As a warning the build can list with the data warnings."""
        lead = f"paragraph {self.paragraph}{f', sentence {self.sentence}' if self.sentence else ''}: " \
            if self.paragraph else ""
        return Problem(self.file, self.line, self.indicator, lead + self.message, "warning")


# ---------------------------------------------------------------- matching paragraphs to indicators

_SYNONYMS: list[tuple[str, str]] = [
    (r"children and young people|young people and children", " cyp "),
    (r"\bchild(?:ren)? in care\b|\blooked[- ]after children\b|\bcla\b", " cic "),
    (r"\bchildren'?s social work (?:teams?|services?)\b", " cswt "),
    (r"\bchildren'?s social work\b|\bsocial work services\b|\bscs\b", " cswt "),
    (r"\bcsws\b", " cswt "),
    (r"\bearly help\b", " eh "),
    (r"\beducation,? health and care plans?\b|\behcps?\b", " ehcp "),
    (r"\bkey stage (\d)\b", r" ks\1 "),
    (r"\ba[- ]levels?\b", " alevel "),
    (r"\bapplied general\b", " appliedgeneral "),
    (r"\btech(?:nical)? levels?\b", " techlevel "),
    (r"\battainment 8\b", " attainment8 "),
    (r"\bchildren missing education\b|\bcme\b", " cme "),
    (r"\belective home education\b|\behe\b", " ehe "),
    (r"\brelatives?\s*/\s*friends\b|\brel(?:atives)? ?& ?friends\b|\brelatives or friends\b", " relfriends "),
    (r"\bfree school meals?\b|\bfsm\b", " fsm "),
    (r"\bnot in education,? employment,? or training\b|\bneet\b", " neet "),
    (r"\beducation,? employment,? or training\b|\beet\b", " eet "),
    (r"\beducational psycholog(?:y|ists?)\b|\bep\b", " ep "),
    (r"\bspecial educational needs?\b|\bsen\b", " sen "),
    (r"\bpermanent(?:ly)? exclu\w*", " permexcl "),
    (r"\bre-?referrals?\b", " rereferral "),
    (r"\bre-?offending\b", " reoffending "),
    (r"\b(\d+)\s*-?\s*(?:school days?)\b", r" \1schooldays "),
    (r"\b(\d+)\s*-?\s*(?:weeks?)\b", r" \1weeks "),
    (r"\b(\d+)\s*-?\s*(?:months?|mths)\b", r" \1months "),
    (r"\bunits?\b", " unit "),
]
_STOP = set("""a an and are as at be been being by for from in into is it its of on or per than that the their them
their these this those to was were which who whom with within all any our""".split())


def tokens(text: str) -> list[str]:
    """Lower-case words with abbreviations unified (children in care -> cic) and plurals folded."""
    t = " " + text.lower().replace("’", "'") + " "
    for pattern, repl in _SYNONYMS:
        t = re.sub(pattern, repl, t)
    out = []
    for w in re.findall(r"[a-z0-9]+", t):
        if w in _STOP or (w.isdigit() and len(w) < 5):
            continue
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


@dataclass
class Matcher:
    """Which Kent indicator a paragraph is about, by its code or by the distinctive words of its title.

    Each title word counts by how rare it is among the titles (inverse document
    frequency); a paragraph's first sentence counts fully and the rest by half; the
    indicator with the largest share of its title found wins, if that share is at
    least ``threshold`` (or ``clear``, when no other title comes close). A code
    written in the text (SCS37) decides outright.
    """

    rows: pd.DataFrame
    threshold: float = 0.4
    clear: float = 0.25

    def __post_init__(self) -> None:
        self.titles = {r["indicator"]: set(tokens(r["title"])) for r in self.rows.to_dict("records")}
        self.sections = dict(zip(self.rows["indicator"], self.rows["section"], strict=False))
        codes = {}
        for r in self.rows.to_dict("records"):
            for c in {r["code"], r["indicator"]}:
                if c and re.search(r"\d", c):
                    codes[c.lower()] = r["indicator"]
        self.codes = codes
        df = Counter(w for ws in self.titles.values() for w in ws)
        n = len(self.titles)
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}

    def scores(self, text: str, section: str = "") -> list[tuple[float, str]]:
        sentences = split_sentences(text)
        first = set(tokens(sentences[0])) if sentences else set()
        rest = set(tokens(text))
        out = []
        for ind, words in self.titles.items():
            total = sum(self.idf[w] for w in words)
            if not total:
                continue
            got = sum(self.idf[w] * (1.0 if w in first else 0.5 if w in rest else 0.0) for w in words)
            score = got / total + (0.05 if section and self.sections.get(ind) == section else 0.0)
            out.append((score, ind))
        return sorted(out, reverse=True)

    def match(self, text: str, section: str = "") -> str | None:
        for code in re.findall(r"\b[A-Z]{2,}[A-Z0-9-]*\d[A-Z0-9-]*\b", text):
            if code.lower() in self.codes:
                return self.codes[code.lower()]
        ranked = self.scores(text, section)
        if not ranked:
            return None
        top, second = ranked[0][0], (ranked[1][0] if len(ranked) > 1 else 0.0)
        if top < self.threshold and not (top >= self.clear and top >= 1.25 * second):
            return None
        close = [ind for score, ind in ranked if score >= ranked[0][0] - 0.25]
        if len(close) == 1:
            return close[0]
        # near neighbours (primary/secondary exclusions, A Level/Applied General/Tech Level):
        # decide on the words that tell them apart
        sentences = split_sentences(text)
        first, rest = set(tokens(sentences[0])), set(tokens(text))

        def weight(w: str) -> float:
            return self.idf[w] * (1.0 if w in first else 0.5 if w in rest else -0.5)

        def contrast(ind: str) -> float:
            mine = self.titles[ind]
            return sum(sum(weight(w) for w in mine - self.titles[o]) - sum(weight(w) for w in self.titles[o] - mine)
                       for o in close if o != ind)

        score = {i: s for s, i in ranked}
        best = max(close, key=lambda ind: (round(contrast(ind), 9), score[ind]))
        return best


# ---------------------------------------------------------------- reading numbers in sentences

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z(\"'*])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


_MONTHS = ("january february march april may june july august september october november december").split()
_NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w/]|-\w|\+|\.\d)")
_KEYWORDS = [
    ("target", re.compile(r"\btargets?\b|\bguide\b|\baim\b", re.I)),
    ("floor", re.compile(r"\bfloor\b", re.I)),
    ("benchmark", re.compile(r"\bengland'?s?\b|\bnational(?:ly)?\b|\bsouth[- ]?east(?:ern)?\b|\bse\b|"
                             r"\bstatistical neighbours?\b|\bneighbours?\b|\bbenchmark|\bcompar\w*|\bregional\b|"
                             r"\bdfe\b|\bpublished\b", re.I)),
    ("history", re.compile(r"\bfrom\b|\bsince\b|\bhighest\b|\blowest\b|\blast (?:year|month|quarter|term)'?s?\b|"
                           r"\bprevious (?:year|month|quarter|term|value|figure|performance|level)s?\b|"
                           r"\bwas previously\b|\bpeak\w*\b", re.I)),
]
_SKIP_BEFORE = re.compile(r"\b(?:year|years|stage|level|ks|aged?|top|by|q|quarter|phase|tier|step|attainment|"
                          r"no\.)\s*$", re.I)
_TIME_AFTER = re.compile(r"^\s*(?:-\s*)?(?:months?|mths|weeks?|years?|yrs|school days?|working days?|hours?|"
                         r"year olds?)",
                         re.I)
_DATE_AFTER = re.compile(r"^\s*\(?\s*(?:in|as at|at|for)?\s*(?:the\s+)?(?:end of\s+)?(" + "|".join(_MONTHS) +
                         r")\s+(\d{4})", re.I)
_DATE_BEFORE = re.compile(r"\b(?:in|since|as at|at the end of|during|for)\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})"
                          r"[\s,(]*(?:it\s+)?(?:was|were|is|stood at|reached)?[\s(]*$", re.I)


@dataclass
class Quote:
    """A number in a sentence and what the sentence says it is."""

    value: float
    decimals: int
    percent: bool
    unit_word: str
    start: int
    end: int
    role: str = ""  # "" (the indicator's own figure) | target | floor | benchmark | history | skip
    after_from: bool = False  # the Y of "from X to Y"
    from_direct: bool = False  # the X of "from X", without a date: an earlier figure the table shows


def _kind_ok(q: Quote, unit: str) -> bool:
    """Is the number in the indicator's unit (a percentage for percent rows, days for days ...)?"""
    if q.unit_word == "points":  # "1.5 percentage points": a difference, unless the measure is a gap
        return unit == "gap"
    if unit == "percent":
        return q.percent
    if unit == "days":
        return not q.percent and q.unit_word == "days"
    if unit == "gap":
        return not q.percent or q.unit_word == "points"
    return not q.percent


def quotes(sentence: str, month: periods.Month | None = None) -> list[Quote]:
    """Every number in a sentence, with its role from the words around it.

    A number's role comes from the nearest telling word between it and the previous
    number that was read (target, floor, benchmark or an earlier time); with no
    such word, a number joined to the previous one by "-", "and", "or" or "to"
    shares its role ("17.5% - 22.5%"), except "from 29.3 to 28.7" where the second
    is the current value. Years, "12-month", "Key Stage 5", "by 0.80" and
    "percentage points" are skipped.
    """
    out: list[Quote] = []
    last: Quote | None = None
    for m in _NUMBER.finditer(sentence):
        whole, frac = m.group(1), m.group(2) or ""
        value = float(whole.replace(",", "") + frac)
        after = sentence[m.end():]
        pct = re.match(r"^\s*(?:%|per ?cent\b|percent\b)", after, re.I) is not None
        tail = re.sub(r"^\s*(?:%|per ?cent\b|percent\b)", "", after, flags=re.I) if pct else after
        word = re.match(r"^\s*([a-z]+)", tail, re.I)
        unit_word = word.group(1).lower() if word else ""
        unit_word = "days" if unit_word == "day" else unit_word
        if re.match(r"^\s*percentage points?", tail, re.I):
            unit_word = "points"
        q = Quote(value, len(frac) - 1 if frac else 0, pct, unit_word, m.start(), m.end() + (len(after) - len(tail)))
        near_before = sentence[max(0, m.start() - 40):m.start()]
        if (not frac and not pct and 1990 <= value <= 2100) or _SKIP_BEFORE.search(near_before) \
                or _TIME_AFTER.match(tail):
            q.role = "skip"
            out.append(q)
            continue
        before = sentence[last.end if last else 0:m.start()]
        date = _DATE_AFTER.match(tail) or _DATE_BEFORE.search(near_before)
        if date:
            when = periods.Month(int(date.group(2)), _MONTHS.index(date.group(1).lower()) + 1)
            q.role = "" if month is not None and when == month else "history"
        if not q.role and re.match(r"^\s*\)?\s*targets?\b", tail, re.I):
            q.role = "target"
        q.from_direct = re.search(r"\bfrom\s*$", before, re.I) is not None and not date
        if not q.role and not date:
            hits = [(k.start(), role) for role, rx in _KEYWORDS for k in rx.finditer(before)]
            if hits:
                q.role = max(hits)[1]
            elif last is not None and re.fullmatch(r"\s*(?:-|–|to|and|or|,)\s*", before):
                from_to = last.role == "history" and before.strip().lower() == "to"
                q.role = "" if from_to else last.role
                q.after_from = from_to
        out.append(q)
        last = q
    return out


def _agrees(q: Quote, data: float | None, decimals: int) -> bool:
    """Equal at the precision the sentence uses (or the table's, if the sentence gives more)."""
    if data is None or (isinstance(data, float) and math.isnan(data)):
        return False
    d = min(q.decimals, decimals)
    return round(round(data, decimals), d) == round(q.value, d)


def _text(value: float | None, unit: str, decimals: int) -> str:
    return formatting.with_unit(value, unit, decimals)


def _range(text: str) -> tuple[float, float] | None:
    m = re.match(r"^\s*(-?[\d.,]+)\s*-\s*(-?[\d.,]+)\s*$", text or "")
    return (float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))) if m else None


def _num(x) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


# ---------------------------------------------------------------- the checks


def kent_rows(edition: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator as printed on the Kent pages (the first table that shows it)."""
    k = edition[edition["page"].isin(KENT_PAGES) & (edition["area"] == "Kent") & (edition["team"] == "")]
    return k.sort_values("seq").drop_duplicates("indicator")


def _paragraphs(records: Iterable) -> list[Paragraph]:
    out: list[Paragraph] = []
    for r in records:
        if isinstance(r, Commentary):
            out.extend(r.paragraphs)
        else:
            out.append(r)
    return out


def _month_of(edition: pd.DataFrame) -> periods.Month | None:
    monthly = edition[edition["frequency"] == "monthly"]["period"]
    return periods.Month.parse(monthly.iloc[0]) if len(monthly) else None


def check_paragraph(p: Paragraph, row: dict, month: periods.Month | None) -> list[Finding]:
    """Findings for one rated paragraph about ``row`` (an edition row as a dict)."""
    out: list[Finding] = []
    ind, unit, dec, rag = row["indicator"], row["unit"], int(row["decimals"]), row["rag"] or ""
    label = row["code"] or ind
    value = _num(row["value"])
    shown = _text(value, unit, dec)

    def add(sentence: int, kind: str, message: str) -> None:
        out.append(Finding(p.file, p.line, p.index, sentence, label, kind, message))

    if p.rag and p.rag != rag:
        why = f"{shown} against a target of {row['target_text']}" if rag else "the table gives no rating"
        add(0, "rag", f"labelled {p.rag} but the table rates it {rag or 'not at all'} ({why})")

    targets = [x for x in (_num(row["target"]),) if x is not None] + list(_range(row["target_text"]) or ())
    floors = [x for x in (_num(row["floor"]),) if x is not None] + list(_range(row["floor_text"]) or ())
    earlier = list(dict.fromkeys(v for v in [*(row["trend"] or [])[:-1], _num(row["previous"]), _num(row["outturn"])]
                                 if v is not None and not (isinstance(v, float) and math.isnan(v))))
    headline_done = False
    for s_no, sentence in enumerate(split_sentences(p.text), start=1):
        excerpt = sentence if len(sentence) <= 160 else sentence[:157] + "..."
        for word in re.findall(r"\b(red|amber|green)\b", sentence, re.I):
            if word.upper() != rag:
                add(s_no, "rag", f"says '{word}' but the table rates it {rag or 'not at all'}: \"{excerpt}\"")
        qs = [q for q in quotes(sentence, month) if q.role != "skip"]
        in_unit = [q for q in qs if _kind_ok(q, unit)]
        if unit == "percent" and not any(q.percent for q in qs):  # "reduced from 29.3 to 28.7": % left out
            in_unit = [q for q in qs if q.decimals and q.unit_word != "points"]
        for q in in_unit:  # "from 29.3 to 28.7", "down from 69.0%": an earlier figure the table shows
            if q.from_direct and q.role == "history" and not any(_agrees(q, v, dec) for v in earlier):
                add(s_no, "value", f"quotes an earlier figure of {_quoted(sentence, q)} but the table's "
                                   f"earlier figures are {', '.join(_text(v, unit, dec) for v in earlier)}: "
                                   f"\"{excerpt}\"")
        other_measure = False
        for q in in_unit:
            if q.role:
                continue
            if not headline_done:
                headline_done = True
                if not _agrees(q, value, dec):
                    add(s_no, "value", f"quotes {_quoted(sentence, q)} but the table "
                                       f"shows {shown} for {_period(row)}: \"{excerpt}\"")
            elif not _agrees(q, value, dec):
                other_measure = True  # a breakdown or related measure: its targets are not this row's
        if other_measure:
            continue
        for q in in_unit + [q for q in qs if q.role in ("target", "floor") and q not in in_unit and not q.percent
                            and q.unit_word != "points"]:
            if q.role not in ("target", "floor"):
                continue
            allowed = targets if q.role == "target" else floors
            printed = row["target_text"] if q.role == "target" else row["floor_text"]
            if not allowed:
                add(s_no, q.role, f"quotes a {q.role} of {_quoted(sentence, q)} but the table has no {q.role}"
                                  f" for {row['year']}: \"{excerpt}\"")
            elif not any(_agrees(q, a, dec) for a in allowed):
                add(s_no, q.role, f"quotes a {q.role} of {_quoted(sentence, q)} but the table's {q.role} is "
                                  f"{printed} for {row['year']}: \"{excerpt}\"")
    return out


def _quoted(sentence: str, q: Quote) -> str:
    return sentence[q.start:q.end].strip() + (" days" if q.unit_word == "days" else "")


def _period(row: dict) -> str:
    return periods.short_label(row["period"], row["frequency"]) if row["period"] else "this edition"


def lint(edition: pd.DataFrame, commentary_records: Iterable, section_files: dict[str, str] | None = None
         ) -> list[Finding]:
    """Every finding for an edition's commentary (Paragraphs, or Commentary objects, of all sections).

    ``section_files`` names the file to point at when a section's indicator has no
    commentary (default ``commentary/<month>/<section>.md``).
    """
    rows = kent_rows(edition)
    month = _month_of(edition)
    matcher = Matcher(rows)
    by_ind = {r["indicator"]: r for r in rows.to_dict("records")}
    findings: list[Finding] = []
    covered: set[str] = set()
    for p in _paragraphs(commentary_records):
        if not p.rag:
            continue
        ind = matcher.match(p.text, p.section)
        if ind is None:
            findings.append(Finding(p.file, p.line, p.index, 0, "", "unmatched",
                                    f"{p.rag} paragraph is not recognisably about any Kent indicator; name it as "
                                    f"its table does, or add its code: \"{p.text[:80]}...\""))
            continue
        covered.add(ind)
        findings.extend(check_paragraph(p, by_ind[ind], month))
    for r in rows.to_dict("records"):
        if r["rag"] in ("RED", "AMBER") and r["indicator"] not in covered:
            section = r["section"] if r["section"] in SECTIONS else "education"
            file = (section_files or {}).get(section) or f"commentary/{month}/{section}.md"
            findings.append(Finding(file, 0, 0, 0, r["code"] or r["indicator"], "missing",
                                    f"rated {r['rag']} ({_text(_num(r['value']), r['unit'], int(r['decimals']))} "
                                    f"for {_period(r)}, target {r['target_text'] or 'none'}) but no paragraph of "
                                    f"commentary is about it: \"{r['title']}\""))
    return findings


def lint_month(edition: pd.DataFrame, month: str, root: Path, display_root: str | None = None) -> list[Finding]:
    """Load ``<root>/<month>/*.md`` and lint them against the edition."""
    records = [load_commentary(month, s, root) for s in SECTIONS]
    shown = display_root if display_root is not None else str(root)
    files = {s: f"{shown}/{month}/{s}.md" for s in SECTIONS}
    fixed = []
    for c in records:
        for p in c.paragraphs:
            fixed.append(Paragraph(p.section, p.heading, p.rag, p.text, p.index, p.line, files[c.section]))
    return lint(edition, fixed, files)
