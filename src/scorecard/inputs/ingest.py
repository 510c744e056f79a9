"""Adding an analyst's figures to ``data/``: read, check, merge in a copy, validate, then replace the files.

``ingest(path, data_dir)`` takes a tidy CSV (the columns of ``observations.csv``, ``targets.csv`` or
``outturns.csv``, told apart by the header) or an .xlsx: a month workbook from ``scorecard
template`` (one sheet per block, ``overview``, ``targets``, ``outturns``; ``code`` and ``title`` are
for orientation and not read; rows left blank are skipped) or a workbook with tidy
``observations``/``targets``/``outturns`` sheets.

Every row is checked with the data files' own schemas and reported against the analyst's file and
row (``month.xlsx[<block>]:7 [value]: ...``). The rows are merged into a temporary copy of the
data folder beside it, the copy is validated as a whole (:func:`scorecard.inputs.validate`: unknown
indicators, places and periods, future months, gaps, numerators above denominators, 0/0 with a
value), and only when everything passes are the changed files replaced, each atomically. All of
it runs under the data folder's lock, so two ingests at once never lose a figure.

A figure equal by :func:`scorecard.rules.numbers.same` is no change; a note (or quality, or a
target's sources and evidence) that differs with the figures equal is applied and counted as a
note updated; a different figure for a key already in ``data/`` is refused (exit 3) unless
``replace``. A blank figure in the file is "not supplied": it neither conflicts with nor clears
what ``data/`` has, and a figure for a cell that is blank in ``data/`` fills it in.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EXIT_CONFLICT, EXIT_INVALID, Problem, Report, ScorecardError, capped
from ..fsutil import data_lock, temp_dir, write_atomic
from ..rules import numbers, periods
from . import csvfile, xlsxfile
from .dataset import Dataset, check_schema
from .schemas import KEYS, SCHEMAS

KINDS = ("observations", "targets", "outturns")
FILE_OF = {k: f"{k}.csv" for k in KINDS}
COLUMNS = {k: list(SCHEMAS[FILE_OF[k]].columns) for k in KINDS}
# Figures: a difference is a conflict. Notes: a difference with equal figures is applied as a note update.
FIGURES = {"observations": ("value", "numerator", "denominator"),
           "targets": ("target", "rated_against", "tolerance", "floor", "floor_tolerance"),
           "outturns": ("value",)}
NOTES = {"observations": ("quality", "note"),
         "targets": ("tolerance_source", "target_source", "floor_source", "evidence"),
         "outturns": ()}
READ_AS = {("targets", "target"): {"allow_op": True, "allow_band": True}}
# Columns a file may leave out (blank for new rows; existing rows keep theirs).
OPTIONAL = {"observations": ("quality", "note"), "targets": (), "outturns": ()}
HELPERS = ("code", "title")                       # month workbook columns for orientation, not read
FILLED = {"observations": ("value", "numerator", "denominator", "note"),
          "targets": ("target", "rated_against", "tolerance", "floor", "floor_tolerance"),
          "outturns": ("value",)}
IGNORED_SHEETS = ("about", "readme", "read me", "instructions", "notes")
TIME = {"observations": "period", "targets": "year", "outturns": "year"}


@dataclass
class Source:
    """Rows of one kind from one CSV or one sheet, with their spreadsheet row numbers."""

    kind: str
    display: str
    columns: list[str]
    rows: list[dict[str, str]]
    numbers: list[int]
    template: bool = False     # a month workbook sheet: rows with nothing filled in are skipped


@dataclass
class Outcome:
    """What an ingest did: counts of rows, the files it replaced and its warnings."""

    added: int = 0
    replaced: int = 0
    notes: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)     # months the file gives monthly figures for
    by_file: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.notes)

    def summary(self) -> str:
        if not self.changed:
            return f"nothing to change ({self.unchanged} unchanged)"
        return (f"{self.added} added, {self.replaced} replaced, {self.notes} notes updated, "
                f"{self.unchanged} unchanged")


# ---------------------------------------------------------------- reading the analyst's file


def _kind_of(columns: list[str]) -> str:
    """Which data file a tidy header is for: the one sharing most columns (observations on a tie)."""
    have = set(columns)
    return max(KINDS, key=lambda k: (len(have & set(COLUMNS[k])), -KINDS.index(k)))


def _header_ok(src: Source, report: Report) -> bool:
    expected = COLUMNS[src.kind]
    optional = set(OPTIONAL[src.kind])
    allowed = set(expected) | (set(HELPERS) if src.template else set())
    missing = [c for c in expected if c not in src.columns and c not in optional]
    unknown = [c for c in src.columns if c not in allowed]
    if not missing and not unknown:
        return True
    parts = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + \
            ([f"unknown column(s): {', '.join(unknown)}"] if unknown else [])
    report.add(src.display, 1, ", ".join(missing + unknown),
               f"{'; '.join(parts)}; {src.kind} rows have the columns {', '.join(expected)}", kind="header")
    return False


def _sheet_kind(name: str, blocks: set[str]) -> tuple[str, bool] | None:
    """(kind, is a month workbook sheet) for a sheet name; None for a sheet that is not read."""
    if name in KINDS:
        return name, False
    if name in blocks or name == "overview":
        return "observations", True
    return None


def read_sources(path: Path, ds: Dataset, report: Report, display: str | None = None) -> list[Source]:
    """The rows of an analyst's file, per sheet; problems (file, sheet, row) go to ``report``."""
    name = display or str(path)
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        table = csvfile.read(Path(path), report, display=name, limit=csvfile.FILE_LIMIT)
        if table is None:
            if report.problems and report.problems[-1].kind == "not UTF-8" and _is_zip(path):
                report.problems.pop()
                report.add(name, 0, "", "is an .xlsx workbook saved under a .csv name: give it the .xlsx extension",
                           kind="not UTF-8")
            return []
        src = Source(_kind_of(table.columns), name, table.columns, table.rows, table.numbers)
        return [src] if _header_ok(src, report) else []
    if suffix != ".xlsx":
        report.add(name, 0, "", f"is a '{suffix or '(no extension)'}' file; give a .csv (CSV UTF-8) or an .xlsx "
                                "workbook", kind="file type")
        return []
    decimals = {i: int(r["decimals"]) for i, r in ds.indicators.items()}
    sheets = xlsxfile.read(Path(path), report, display=name, decimals=decimals)
    if sheets is None:
        return []
    blocks = {b["block"] for b in ds.blocks}
    sources: list[Source] = []
    for sh in sheets:
        kind = _sheet_kind(sh.name, blocks)
        if kind is None:
            if sh.name.strip().lower() not in IGNORED_SHEETS and sh.rows:
                report.add(sh.display, 0, "", f"sheet '{sh.name}' is not read (sheets read: observations, targets, "
                                              "outturns, overview and one per block of layout/blocks.csv)",
                           "warning", "sheet not read")
            continue
        if not sh.columns:
            continue
        template = kind[1] or sh.name != "observations"      # targets/outturns sheets may hold unfilled rows
        src = Source(kind[0], sh.display, sh.columns, sh.rows, sh.numbers, template=template)
        if _header_ok(src, report):
            sources.append(src)
    if not sources and report.ok:
        report.add(name, 0, "", "has no sheet to read: expected a month workbook from `scorecard template` or "
                                "sheets named observations, targets or outturns", kind="no data sheet")
    return sources


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


@dataclass
class Incoming:
    """One row to merge, in the data file's columns, with where it came from."""

    kind: str
    rec: dict[str, str]
    given: frozenset[str]      # the columns the file gave (others keep what data/ has)
    display: str
    row: int

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(self.rec[k] for k in KEYS[FILE_OF[self.kind]])


def prepare(sources: list[Source], report: Report) -> list[Incoming]:
    """Rows checked with the data files' schemas; duplicates within the file refused."""
    out: list[Incoming] = []
    for src in sources:
        columns = COLUMNS[src.kind]
        recs, nums = [], []
        for row, n in zip(src.rows, src.numbers):
            if src.template and not any(row.get(c, "") for c in FILLED[src.kind]):
                continue
            rec = {c: " ".join(row.get(c, "").split()) for c in columns}
            bad = False
            for c in FIGURES[src.kind]:
                try:
                    numbers.read(rec[c], **READ_AS.get((src.kind, c), {}))
                except numbers.NumberError as exc:
                    report.add(src.display, n, c, str(exc), kind=f"{c}: not a figure")
                    bad = True
            if not bad:
                recs.append(rec)
                nums.append(n)
        if not recs:
            continue
        table = csvfile.Table(src.display, columns, recs, nums)
        found = Report()
        if check_schema(table, SCHEMAS[FILE_OF[src.kind]], src.display, found) is None:
            report.extend(found)
            continue
        given = frozenset(c for c in columns if c in src.columns)
        out += [Incoming(src.kind, rec, given, src.display, n) for rec, n in zip(recs, nums)]
    first: dict[tuple, Incoming] = {}
    kept = []
    for item in out:
        k = (item.kind, *item.key)
        if k in first:
            f = first[k]
            where = f"row {f.row}" if f.display == item.display else f"{f.display}:{f.row}"
            report.add(item.display, item.row, ", ".join(KEYS[FILE_OF[item.kind]]),
                       f"duplicate row: {' / '.join(x for x in item.key if x)} is already given on {where}",
                       kind="duplicate row")
            continue
        first[k] = item
        kept.append(item)
    return kept


# ---------------------------------------------------------------- merging


@dataclass
class Merged:
    """A data file's rows after the merge, each with where it came from (for messages)."""

    name: str
    columns: list[str]
    rows: list[dict[str, str]]
    origin: list[tuple[str, int, bool]]    # (file, row, from the analyst's file)
    original: bytes
    changed: bool = False


def merge(table: Merged, kind: str, items: list[Incoming], replace: bool, outcome: Outcome,
          conflicts: list[str]) -> None:
    """Merge rows into ``table`` in place; new rows go beside their series, in time order."""
    keys = KEYS[table.name]
    when = TIME[kind]
    group_cols = [k for k in keys if k != when] if kind != "targets" else ["indicator"]
    index = {tuple(r[k] for k in keys): i for i, r in enumerate(table.rows)}
    groups: dict[tuple, list[int]] = {}
    last_of_indicator: dict[str, int] = {}
    for i, r in enumerate(table.rows):
        groups.setdefault(tuple(r[k] for k in group_cols), []).append(i)
        last_of_indicator[r["indicator"]] = i
    counts = {"added": 0, "replaced": 0, "notes": 0, "unchanged": 0}
    inserts: list[tuple[int, str, int, dict, tuple]] = []

    def order(r: dict) -> str:
        return r[when] if kind != "targets" else f"{r['year']} {r['area']}"

    for seq, item in enumerate(items):
        rec = item.rec
        i = index.get(item.key)
        if i is None:
            members = groups.get(tuple(rec[k] for k in group_cols))
            if members:
                before = [j for j in members if order(table.rows[j]) <= order(rec)]
                anchor = before[-1] if before else members[0] - 1
            else:
                anchor = last_of_indicator.get(rec["indicator"], len(table.rows) - 1)
            inserts.append((anchor, order(rec), seq, rec, (item.display, item.row, True)))
            counts["added"] += 1
            continue
        old = table.rows[i]
        given = [c for c in FIGURES[kind] if rec[c] != ""]          # a blank figure is not supplied
        fills = [c for c in given if old[c] == ""]
        differs = [c for c in given if old[c] != "" and not numbers.same(old[c], rec[c])]
        notes = [c for c in NOTES[kind] if c in item.given and old[c] != rec[c]]
        if differs and not replace:
            what = "; ".join(f"{c}: data/ has {old[c]}, the file gives {rec[c]}" for c in differs)
            conflicts.append(Problem(item.display, item.row, differs[0],
                                     f"{' '.join(x for x in item.key if x)} is already in {table.name}: {what} "
                                     "(use --replace to change it)").line())
            continue
        if not (differs or fills or notes):
            counts["unchanged"] += 1
            continue
        new = dict(old)
        for c in [*fills, *differs, *notes]:
            new[c] = rec[c]        # figures equal by value keep the text data/ has (22.40 stays 22.40)
        table.rows[i] = new
        table.origin[i] = (item.display, item.row, True)
        counts["replaced" if differs or fills else "notes"] += 1
    if inserts:
        at: dict[int, list] = {}
        for anchor, o, seq, rec, where in inserts:
            at.setdefault(anchor, []).append((o, seq, rec, where))
        rows, origin = [], []
        for i in range(-1, len(table.rows)):
            if i >= 0:
                rows.append(table.rows[i])
                origin.append(table.origin[i])
            for _, _, rec, where in sorted(at.get(i, []), key=lambda x: (x[0], x[1])):
                rows.append({c: rec.get(c, "") for c in table.columns})
                origin.append(where)
        table.rows, table.origin = rows, origin
    if counts["added"] or counts["replaced"] or counts["notes"]:
        table.changed = True
    for k, v in counts.items():
        setattr(outcome, k, getattr(outcome, k) + v)
    outcome.by_file[table.name] = counts


def _read_data_file(data_dir: Path, name: str) -> Merged:
    report = Report()
    path = data_dir / name
    table = csvfile.read(path, report, display=str(path))
    if table is None:
        raise ScorecardError(capped([p.line() for p in report.errors]), EXIT_INVALID)
    return Merged(name, table.columns, table.rows, [(str(path), n, False) for n in table.numbers],
                  path.read_bytes())


# ---------------------------------------------------------------- checking the merged folder


def _map(p: Problem, copy: Path, data_dir: Path, tables: dict[str, Merged]) -> tuple[Problem, bool]:
    """A problem found in the temporary copy, pointed at the analyst's row (or at data/)."""
    try:
        rel = Path(p.file).relative_to(copy).as_posix()
    except ValueError:
        return p, False
    t = tables.get(rel)
    if t is not None and p.row >= 2 and p.row - 2 < len(t.origin):
        where, row, incoming = t.origin[p.row - 2]
        return Problem(where, row, p.column, p.message, p.severity, p.kind), incoming
    return Problem(str(data_dir / rel), p.row, p.column, p.message, p.severity, p.kind), False


def _edition_series(ds: Dataset) -> list[tuple[str, str, str]]:
    """Every monthly (indicator, area, team) the edition shows: its tables' rows and the front page's."""
    from .layout import series

    out = dict.fromkeys(series(ds, ds.districts))
    for r in ds.records("layout/tiles.csv"):
        out.setdefault((r["indicator"], ds.county, ""), None)
    return [s for s in out if s[0] in ds.indicators and ds.indicators[s[0]]["frequency"] == "monthly"]


def _coverage(ds: Dataset, table: Merged, months: list[str]) -> list[str]:
    """One line per month that arrives for some of the edition's monthly series but not for others."""
    have: dict[str, set[tuple]] = {}
    for r in table.rows:
        have.setdefault(r["period"], set()).add((r["indicator"], r["area"], r["team"]))
    printed = _edition_series(ds)
    lines = []
    for m in months:
        prev = str(periods.Month.parse(m).shift(-1))
        expected = [s for s in printed if s in have.get(prev, set())]
        lacking = [s for s in expected if s not in have.get(m, set())]
        if lacking:
            names = ", ".join(" ".join(x for x in s if x) for s in lacking[:4])
            more = f" and {len(lacking) - 4} more" if len(lacking) > 4 else ""
            lines.append(f"WARNING: {m}: {len(lacking)} of the {len(expected)} monthly series the edition prints "
                         f"have no figure for {m} yet, so the edition will show N/A for them ({names}{more})")
    return lines


def _validate_merged(data_dir: Path, tables: dict[str, Merged], today: dt.date | None
                     ) -> tuple[list[Problem], list[Problem]]:
    """Errors and warnings (about the analyst's rows) of the merged folder, checked in a copy beside data/."""
    from . import data_files, validate

    with temp_dir(data_dir.resolve().parent, "ingest") as tmp:
        copy = tmp / "data"
        for p in data_files(data_dir):
            dest = copy / p.relative_to(data_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
        for name, t in tables.items():
            (copy / name).write_text(csvfile.to_text(t.columns, t.rows), encoding="utf-8", newline="")
        _, checked = validate(copy, today)
        seen: set[tuple] = set()
        errors, warnings = [], []
        for p in checked.problems:
            q, incoming = _map(p, copy, data_dir, tables)
            if q.severity == "error":
                if (q.file, q.row, q.column) in seen:
                    continue   # e.g. a future month is also a gap: one line per cell
                seen.add((q.file, q.row, q.column))
                errors.append(q)
            elif q.severity == "warning" and incoming:
                warnings.append(q)
    return errors, warnings


def _write(data_dir: Path, tables: list[Merged]) -> None:
    """Replace each changed file atomically; if one fails, put back those already replaced."""
    done: list[Merged] = []
    try:
        for t in tables:
            write_atomic(data_dir / t.name, csvfile.to_text(t.columns, t.rows))
            done.append(t)
    except ScorecardError as exc:
        for t in done:
            try:
                write_atomic(data_dir / t.name, t.original)
            except ScorecardError:
                pass
        raise ScorecardError([*exc.lines, f"ERROR: {data_dir}: the ingest was undone; data/ is as it was"],
                             exc.code) from None


# ---------------------------------------------------------------- the command


def ingest(path: Path, data_dir: Path, replace: bool = False, today: dt.date | None = None,
           display: str | None = None) -> Outcome:
    """Check a file against ``data_dir`` and merge it in; raise ScorecardError (nothing changed) on any problem."""
    from . import validate

    path, data_dir = Path(path), Path(data_dir)
    if not (data_dir / "observations.csv").is_file():
        raise ScorecardError(f"{data_dir}: not a data folder (no observations.csv); give it with --data", EXIT_INVALID)
    with data_lock(data_dir, "ingest"):
        ds, base = validate(data_dir, today)
        if ds is None or not base.ok:
            raise ScorecardError(capped([p.line() for p in base.errors]) + [
                f"ERROR: {data_dir}: the data folder has problems already; fix them (scorecard validate) before "
                "ingesting"], EXIT_INVALID)
        report = Report()
        sources = read_sources(path, ds, report, display)
        items = prepare(sources, report) if report.ok else []
        if not report.ok:
            raise ScorecardError(capped(_lines(report.errors)), EXIT_INVALID)
        if not items:
            raise ScorecardError(Problem(display or str(path), 0, "", "has no figures to ingest: every row's value, "
                                         "numerator, denominator and note is blank").line(), EXIT_INVALID)
        outcome = Outcome(warnings=[p.line() for p in report.warnings])
        outcome.months = sorted({i.rec["period"] for i in items if i.kind == "observations"
                                 and periods.frequency_of(i.rec["period"]) == "monthly"})
        conflicts: list[str] = []
        tables: dict[str, Merged] = {}
        for kind in KINDS:
            mine = [i for i in items if i.kind == kind]
            if not mine:
                continue
            t = _read_data_file(data_dir, FILE_OF[kind])
            merge(t, kind, mine, replace, outcome, conflicts)
            tables[t.name] = t
        changed = {n: t for n, t in tables.items() if t.changed}
        errors, warnings = _validate_merged(data_dir, changed, today) if changed else ([], [])
        if errors:
            raise ScorecardError(capped(_lines(errors) + conflicts), EXIT_INVALID)
        if conflicts:
            raise ScorecardError(capped(conflicts), EXIT_CONFLICT)
        outcome.warnings += _lines(warnings)
        if "observations.csv" in changed and outcome.months:
            outcome.warnings += _coverage(ds, changed["observations.csv"], outcome.months)
        if changed:
            _write(data_dir, list(changed.values()))
            outcome.files = [str(data_dir / n) for n in changed]
    return outcome


def _lines(problems: list[Problem]) -> list[str]:
    return [p.line() for p in sorted(problems, key=lambda p: (p.file, p.row, p.column))]
