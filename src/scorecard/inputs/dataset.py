"""Loading a data folder: every file read by the one CSV reader, checked against its schema, typed.

Loading never raises for bad input: it returns problems that name the file, the row (as a
spreadsheet numbers it) and the column. A data file that is a link to a file outside the data
folder is refused unread (what data/ holds is published). Relations between files are checked in :mod:`.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import Report
from . import csvfile, publication
from .schemas import OPTIONAL, SCHEMAS


def to_frame(table: csvfile.Table, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([[r.get(c, "") for c in columns] for r in table.rows], columns=columns, dtype=object)
    frame.index = pd.Index(table.numbers, dtype="int64")
    return frame


def check_schema(table: csvfile.Table, schema: pa.DataFrameSchema, name: str, report: Report) -> pd.DataFrame | None:
    """Columns and values of one file; the typed frame, or None after adding problems."""
    expected = list(schema.columns)
    missing = [c for c in expected if c not in table.columns]
    if missing:
        report.add(name, 1, ", ".join(missing), f"missing column(s): {', '.join(missing)}; expected "
                                                 f"{', '.join(expected)}", kind="missing column")
        return None
    extra = [c for c in table.columns if c not in expected]
    if extra:
        report.add(name, 1, ", ".join(extra), f"unknown column(s): {', '.join(extra)}; expected "
                                               f"{', '.join(expected)}", kind="unknown column")
        return None
    frame = to_frame(table, expected)
    if frame.empty:
        return empty_frame(schema)
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        before = len(report.problems)
        seen = set()
        for _, case in exc.failure_cases.iterrows():
            idx, col = case["index"], case["column"]
            if idx is None or pd.isna(idx) or (idx, col) in seen:
                continue
            seen.add((idx, col))
            check, bad = str(case["check"]), case["failure_case"]
            if check.startswith(("coerce_dtype", "dtype")):
                msg = f"'{str(bad)[:60]}' is not a whole number"
            else:
                text = " ".join(str(bad).split())
                msg = f"'{text[:60]}...' {check}" if len(text) > 60 else f"'{text}' {check}" if text else check
            report.add(name, int(idx), str(col), msg, kind=f"{col}: invalid value")
        if len(report.problems) == before:   # a failure without a row: say so rather than fail silently
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "the file failed its checks"
            report.add(name, 0, "", first[:300], kind="invalid file")
        return None


@dataclass
class Dataset:
    """The typed contents of a data folder (every figure still as printed text)."""

    root: Path
    frames: dict[str, pd.DataFrame]
    publication: publication.Publication
    fingerprint: str = ""
    report: Report = field(default_factory=Report)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def records(self, name: str) -> list[dict]:
        """A file's rows as dicts with their spreadsheet row number (``_row``); read once, shared: do not change."""
        cache = self.__dict__.setdefault("_records", {})
        if name not in cache:
            frame = self.frames[name]
            cache[name] = [dict(r, _row=i) for i, r in zip(frame.index, frame.to_dict("records"))]
        return cache[name]

    # --- places ------------------------------------------------------------------------------------
    @cached_property
    def county(self) -> str:
        """The county's name as printed (``areas.csv`` kind county)."""
        c = self.frames["areas.csv"]
        rows = c[c["kind"] == "county"]
        return str(rows.iloc[0]["area"]) if len(rows) else ""

    @cached_property
    def districts(self) -> list[str]:
        d = self.frames["areas.csv"]
        d = d[d["kind"] == "district"].sort_values("order", kind="stable")
        return list(d["area"])

    def teams_of(self, district: str) -> list[dict]:
        """Teams that work in a district, in the teams file's order."""
        t = self.frames["teams.csv"].sort_values("order", kind="stable")
        return [r for r in t.to_dict("records") if district in [d.strip() for d in r["districts"].split(";")]]

    # --- catalogue and layout -------------------------------------------------------------------------
    @cached_property
    def indicators(self) -> dict[str, dict]:
        return {r["indicator"]: r for r in self.frames["indicators.csv"].to_dict("records")}

    @cached_property
    def sections(self) -> list[dict]:
        return self.frames["layout/sections.csv"].sort_values("order", kind="stable").to_dict("records")

    def section(self, section_id: str) -> dict | None:
        return next((s for s in self.sections if s["section"] == section_id), None)

    @cached_property
    def blocks(self) -> list[dict]:
        return self.frames["layout/blocks.csv"].sort_values("order", kind="stable").to_dict("records")

    @cached_property
    def columns(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        frame = self.frames["layout/columns.csv"].sort_values(["columns", "position"], kind="stable")
        for r in frame.to_dict("records"):
            out.setdefault(r["columns"], []).append(r)
        return out

    @cached_property
    def rows(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for r in self.frames["layout/rows.csv"].sort_values(["block", "position"], kind="stable").to_dict("records"):
            out.setdefault(r["block"], []).append(r)
        return out

    @cached_property
    def titles(self) -> dict[tuple[str, str, str], str]:
        return {(r["block"], r["indicator"], r["area"]): r["title"]
                for r in self.frames["layout/titles.csv"].to_dict("records")}


def linked_outside(path: Path, root: Path, report: Report) -> bool:
    """A data file that is a link to a file elsewhere (``glossary.csv -> ~/.ssh/id_rsa``) is not read: what
    the data folder holds is published, so it must hold the file itself. One problem, True, if so."""
    try:
        target, home = Path(path).resolve(), Path(root).resolve()
    except (OSError, RuntimeError):      # a loop of links
        return False                     # the reader says it cannot be read
    if home in target.parents or not target.is_file():
        return False                     # inside, or not a file (a device or pipe: the reader refuses it)
    report.add(str(path), 0, "", f"is a link to a file outside the data folder ({target}); copy the file into "
                                 "the data folder instead", kind="link outside")
    return True


def empty_frame(schema: pa.DataFrameSchema) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in schema.columns})


def load(root: Path) -> tuple[Dataset | None, Report]:
    """Read and type every file; the dataset is None when any file failed its own checks."""
    root = Path(root)
    report = Report()
    frames: dict[str, pd.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        path = root / name
        if name in OPTIONAL and not path.exists():
            frames[name] = empty_frame(schema)
            continue
        if linked_outside(path, root, report):
            continue
        table = csvfile.read(path, report, display=str(path))
        if table is None:
            continue
        typed = check_schema(table, schema, str(path), report)
        if typed is not None:
            frames[name] = typed
    pub_path = root / publication.FILE
    pub = None if linked_outside(pub_path, root, report) else publication.load(pub_path, report)
    if len(frames) != len(SCHEMAS) or pub is None:
        return None, report
    return Dataset(root=root, frames=frames, publication=pub), report
