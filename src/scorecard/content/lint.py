"""Commentary checks: words in the notebooks that disagree with the tables, and paragraphs missing.

An edition's commentary can say that a figure of 86.0% "is at the Target level of 80.0%" while its
table prints a target of 85.0. Such slips are easy to make when last month's text is reused, so
:func:`lint_edition` reads every Markdown cell of the month's section notebooks
(``notebooks/<month>/<section>.ipynb``), splits each cell into paragraphs (blank lines), takes a
paragraph's rating from a leading ``**RED:**``, ``**AMBER:**`` or ``**GREEN:**``, decides which
indicator on the county's pages a rated paragraph is about (:class:`Matcher`), and reports, per
sentence, one line each:

- a RAG label, or a RAG word in the text, other than the engine's rating;
- the indicator's figure, target or floor quoted differently from the table (compared at the
  precision the sentence quotes, so "429 days" agrees with 429.1);
- an earlier figure ("from 29.3 to 28.7") that is not in the table's trend;
- a rated paragraph that is about no indicator of the county's pages;
- each indicator the section's commentary policy needs a paragraph about and has none
  (:func:`scorecard.content.commentary.required`, the list new-month pre-fills).

Numbers are read conservatively, so that sentences agreeing with the tables raise nothing:
benchmark figures ("England average of 22.6%"), dated figures ("75.5% in December 2022"),
differences ("by 0.80", "1.5 percentage points"), years and phrases such as "12-month" or "Key
Stage 5" are not read as the indicator's figure, and a target in a sentence about another measure
("87.5% took place within timescale ... above the 80.0% target") is left alone. Nothing here
changes a rating: the engine's rows are the truth the words are checked against.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..engine.model import Row, Table
from ..rules import numbers, periods
from . import commentary
from . import notebooks as nbm

RAGS = ("RED", "AMBER", "GREEN")


@dataclass(frozen=True)
class Finding:
    """One disagreement: ``file: cell C, paragraph P (CODE), sentence S: message``."""

    file: str           # as the analyst finds it: notebooks/2026-01/social-care.ipynb
    cell: int           # 1-based, as JupyterLab counts cells (0: the notebook as a whole)
    paragraph: int      # 1-based within the cell
    sentence: int       # 1-based within the paragraph (0: the paragraph as a whole)
    indicator: str      # the printed code (or the indicator id where none is printed), "" when none
    kind: str           # rag | value | earlier | target | floor | unmatched | missing
    message: str

    def text(self) -> str:
        if not self.cell:
            return f"{self.file}: {self.message}"
        where = f"cell {self.cell}, paragraph {self.paragraph}"
        if self.indicator:
            where += f" ({self.indicator})"
        if self.sentence:
            where += f", sentence {self.sentence}"
        return f"{self.file}: {where}: {self.message}"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a notebook's Markdown cell."""

    file: str
    section: str
    cell: int
    index: int
    rag: str        # RED / AMBER / GREEN, or "" for an unrated paragraph (a heading, an introduction)
    text: str       # without the **RAG:** label


_RAG_PREFIX = re.compile(r"^\*\*\s*(RED|AMBER|GREEN)\s*(?::\s*\*\*|\*\*\s*:)\s*", re.IGNORECASE)


def paragraphs(source: str) -> list[tuple[str, str]]:
    """(rating, text) of each paragraph of a Markdown cell; blank lines separate paragraphs."""
    out = []
    for block in re.split(r"\n[ \t]*\n", source.replace("\r\n", "\n")):
        joined = " ".join(line.strip() for line in block.splitlines()).strip()
        if not joined:
            continue
        m = _RAG_PREFIX.match(joined)
        out.append((m.group(1).upper(), joined[m.end():].strip()) if m else ("", joined))
    return out


def read_notebook(path: Path, shown: str, section: str) -> list[Paragraph]:
    nb = nbm.read(path)
    return [Paragraph(shown, section, cell, i, rag, text)
            for cell, source, _tags in nbm.markdown_cells(nb)
            for i, (rag, text) in enumerate(paragraphs(source), start=1)]


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
these this those to was were which who whom with within all any our""".split())


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


class Matcher:
    """Which county indicator a paragraph is about, by its code or by the distinctive words of its title.

    Each title word counts by how rare it is among the titles (inverse document frequency); a
    paragraph's first sentence counts fully and the rest by half; the indicator with the largest
    share of its title found wins, if that share is at least ``threshold`` (or ``clear``, when no
    other title comes close). An indicator's printed code written in the text decides outright.
    """

    def __init__(self, rows: list[Row], threshold: float = 0.4, clear: float = 0.25):
        self.threshold, self.clear = threshold, clear
        self.titles = {r.indicator: set(tokens(r.title)) for r in rows}
        self.sections = {r.indicator: r.section for r in rows}
        self.codes: dict[str, str] = {}
        for r in rows:
            for c in {r.code, r.indicator}:
                if c and re.search(r"\d", c):
                    self.codes[c.lower()] = r.indicator
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
        close = [ind for score, ind in ranked if score >= top - 0.25]
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
        return max(close, key=lambda ind: (round(contrast(ind), 9), score[ind]))


# ---------------------------------------------------------------- reading numbers in sentences

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z(\"'*])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


_MONTHS = "january february march april may june july august september october november december".split()
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
                         r"year olds?)", re.I)
_DATE_AFTER = re.compile(r"^\s*\(?\s*(?:in|as at|at|for)?\s*(?:the\s+)?(?:end of\s+)?(" + "|".join(_MONTHS) +
                         r")\s+(\d{4})", re.I)
_DATE_BEFORE = re.compile(r"\b(?:in|since|as at|at the end of|during|for)\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})"
                          r"[\s,(]*(?:it\s+)?(?:was|were|is|stood at|reached)?[\s(]*$", re.I)
_PERCENT = re.compile(r"^\s*(?:%|per ?cent\b|percent\b)", re.I)


@dataclass
class Quote:
    """A number in a sentence and what the sentence says it is."""

    value: float
    decimals: int
    percent: bool
    unit_word: str
    start: int
    end: int
    role: str = ""             # "" (the indicator's own figure) | target | floor | benchmark | history | skip
    after_from: bool = False   # the Y of "from X to Y"
    from_direct: bool = False  # the X of "from X", without a date: an earlier figure the table shows


def quotes(sentence: str, month: periods.Month | None = None) -> list[Quote]:
    """Every number in a sentence, with its role from the words around it.

    A number's role comes from the nearest telling word between it and the previous number read
    (target, floor, benchmark or an earlier time); with no such word, a number joined to the
    previous one by "-", "and", "or" or "to" shares its role ("17.5% - 22.5%"), except "from 29.3
    to 28.7" where the second is the current figure. Years, "12-month", "Key Stage 5", "by 0.80"
    and "percentage points" are skipped.
    """
    out: list[Quote] = []
    last: Quote | None = None
    for m in _NUMBER.finditer(sentence):
        whole, frac = m.group(1), m.group(2) or ""
        value = float(whole.replace(",", "") + frac)
        after = sentence[m.end():]
        pct = _PERCENT.match(after) is not None
        tail = _PERCENT.sub("", after, count=1) if pct else after
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


def _rounded(x: float, d: int) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)


def _agrees(q: Quote, data: float | None, decimals: int) -> bool:
    """Equal at the precision the sentence uses (or the table's, if the sentence gives more)."""
    if data is None or (isinstance(data, float) and math.isnan(data)):
        return False
    d = min(q.decimals, decimals)
    return _rounded(float(_rounded(data, decimals)), d) == _rounded(q.value, d)


def _quoted(sentence: str, q: Quote) -> str:
    return sentence[q.start:q.end].strip() + (" days" if q.unit_word == "days" else "")


# ---------------------------------------------------------------- the checks

@dataclass
class Facts:
    """What the table says about one indicator, as the checks need it."""

    row: Row
    shown: str                  # the latest figure with its unit: "86.0%"
    period: str                 # "Jan-26"
    targets: list[float]
    floors: list[float]
    target_text: str            # the table's target: "85.0" (or what the rating uses where none is printed)
    floor_text: str
    earlier: list[float]        # the trend's earlier figures, the previous figure and outturns

    @property
    def label(self) -> str:
        """The printed code, or the indicator's id where the edition prints no code."""
        return self.row.code or self.row.indicator


def _unit_text(text: str, unit: str) -> str:
    return f"{text}%" if unit == "percent" and text else (f"{text} days" if unit == "days" and text else text)


def facts_of(table: Table, row: Row) -> Facts:
    """The row's figures as the checks compare them (``table`` gives its target and earlier columns)."""
    th = row.threshold
    dec = row.decimals
    shown = _unit_text(row.cell("latest").text or numbers.show(row.value, dec), row.unit)
    period = periods.short_label(row.latest, row.frequency) if row.latest else "this edition"
    targets, floors = [], []
    target_text = floor_text = ""
    if th is not None:
        if th.target is not None:
            targets.append(th.target)
        if th.green:
            targets += list(th.green)
        if th.floor is not None:
            floors.append(th.floor)
        if th.amber:
            floors += list(th.amber)
        year = periods.year_of(row.latest, row.frequency, row.year_basis) if row.latest else ""
        cell = next((row.cell(c.key) for c in table.columns if c.kind == "target" and c.year == year), None)
        if cell is not None and cell.text and cell.value is not None:
            target_text = cell.text
        elif th.target is not None:
            target_text = numbers.show(th.target, dec)
        if th.green:
            band = f"{numbers.show(th.green[0], dec)} - {numbers.show(th.green[1], dec)}"
            target_text = f"{target_text} (range {band})" if target_text else band
        if th.floor is not None:
            floor_text = numbers.show(th.floor, dec)
        elif th.amber:
            floor_text = f"{numbers.show(th.amber[0], dec)} - {numbers.show(th.amber[1], dec)}"
        why = commentary.SOURCE_WORDS.get(row.floor_source, "")
        if floor_text and why:
            floor_text += f" ({why})"
    earlier: list[float] = []
    for col in table.columns:
        c = row.cell(col.key)
        if c.value is None:
            continue
        if col.kind in ("trend", "previous", "outturn"):
            earlier.append(c.value)
    return Facts(row, shown, period, targets, floors, target_text, floor_text, list(dict.fromkeys(earlier)))


def check_paragraph(p: Paragraph, facts: Facts, month: periods.Month | None) -> list[Finding]:
    """Findings for one rated paragraph about the indicator of ``facts``."""
    out: list[Finding] = []
    row = facts.row
    unit, dec, rag = row.unit, row.decimals, row.rag

    def add(sentence: int, kind: str, message: str) -> None:
        out.append(Finding(p.file, p.cell, p.index, sentence, facts.label, kind, message))

    if p.rag and p.rag != rag:
        why = f"{facts.shown} against a target of {facts.target_text}" if rag else "the table gives no rating"
        add(0, "rag", f"labelled {p.rag} but the table rates it {rag or 'not at all'} ({why})")
    headline_done = False
    for s_no, sentence in enumerate(split_sentences(p.text), start=1):
        for word in re.findall(r"\b(red|amber|green)\b", sentence, re.I):
            if word.upper() != rag:
                add(s_no, "rag", f"says '{word}' but the table rates it {rag or 'not at all'}")
        qs = [q for q in quotes(sentence, month) if q.role != "skip"]
        in_unit = [q for q in qs if _kind_ok(q, unit)]
        if unit == "percent" and not any(q.percent for q in qs):  # "reduced from 29.3 to 28.7": % left out
            in_unit = [q for q in qs if q.decimals and q.unit_word != "points"]
        for q in in_unit:  # "from 29.3 to 28.7", "down from 69.0%": an earlier figure the table shows
            if q.from_direct and q.role == "history" and not any(_agrees(q, v, dec) for v in facts.earlier):
                shown = ", ".join(_unit_text(_show(v, dec), unit) for v in facts.earlier) or "none"
                add(s_no, "earlier", f"quotes an earlier figure of {_quoted(sentence, q)} but the table's earlier "
                                     f"figures are {shown}")
        other_measure = False
        for q in in_unit:
            if q.role:
                continue
            if not headline_done:
                headline_done = True
                if not _agrees(q, row.value, dec):
                    add(s_no, "value", f"quotes {_quoted(sentence, q)} but the table shows {facts.shown} for "
                                       f"{facts.period}")
            elif not _agrees(q, row.value, dec):
                other_measure = True  # a breakdown or related measure: its targets are not this row's
        if other_measure:
            continue
        extra = [q for q in qs if q.role in ("target", "floor") and q not in in_unit and not q.percent
                 and q.unit_word != "points"]
        for q in in_unit + extra:
            if q.role not in ("target", "floor"):
                continue
            allowed = facts.targets if q.role == "target" else facts.floors
            printed = facts.target_text if q.role == "target" else facts.floor_text
            if not allowed:
                add(s_no, q.role, f"quotes a {q.role} of {_quoted(sentence, q)} but the table has no {q.role}")
            elif not any(_agrees(q, a, dec) for a in allowed):
                add(s_no, q.role, f"quotes a {q.role} of {_quoted(sentence, q)} but the table's {q.role} is {printed}")
    return out


def _show(value: float, decimals: int) -> str:
    return numbers.show(value, decimals)


def notebook_name(notebooks_dir: Path, month: str, section: str) -> str:
    """How a finding names a notebook: from the repository folder, ``notebooks/2026-01/social-care.ipynb``."""
    return f"{Path(notebooks_dir).name}/{month}/{section}.ipynb"


def commentary_sections(snap) -> list[str]:
    """The sections whose notebooks carry commentary (``commentary`` yes in layout/sections.csv)."""
    return [s["section"] for s in snap.dataset.sections if str(s.get("commentary", "")).lower() == "yes"]


def lint_edition(snap, notebooks_dir: Path, month: str | None = None) -> list[Finding]:
    """Every finding for the commentary of the snapshot's edition, in notebook order."""
    month = month or snap.edition.month
    notebooks_dir = Path(notebooks_dir)
    rows = commentary.county_rows(snap.edition)
    by_ind = {r.indicator: facts_of(t, r) for t, r in rows}
    matcher = Matcher([r for _, r in rows])
    when = periods.Month.parse(month)
    previous = None
    findings: list[Finding] = []
    for section in commentary_sections(snap):
        path = nbm.path_of(notebooks_dir, month, section)
        shown = notebook_name(notebooks_dir, month, section)
        paras = read_notebook(path, shown, section) if path.is_file() else []
        covered: set[str] = set()
        for p in paras:
            if not p.rag:
                continue
            ind = matcher.match(p.text, section)
            if ind is None:
                excerpt = p.text if len(p.text) <= 80 else p.text[:77] + "..."
                findings.append(Finding(shown, p.cell, p.index, 0, "", "unmatched",
                                        f"{p.rag} paragraph is about no indicator on the county's pages; name it as "
                                        f"its table does, or write its code: \"{excerpt}\""))
                continue
            covered.add(ind)
            findings.extend(check_paragraph(p, by_ind[ind], when))
        if snap.params.policy_for(section) == "changed" and previous is None:
            previous = commentary.previous_figures(snap)
        for row in commentary.required(snap, section, previous):
            if row.indicator in covered:
                continue
            f = by_ind[row.indicator]
            findings.append(Finding(shown, 0, 0, 0, f.label, "missing",
                                    f"{f.label} is rated {row.rag} ({f.shown} for {f.period}, target "
                                    f"{f.target_text or 'none'}) but no paragraph is about it (commentary policy "
                                    f"'{snap.params.policy_for(section)}'): \"{row.title}\""))
    return findings
