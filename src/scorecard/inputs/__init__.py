"""Inputs: the data folder, the edition's parameters and analysts' files, read and checked.

``validate(root)`` loads every data file (the one CSV reader, pandera schemas) and checks the
files against each other; ``params.load`` reads an edition's parameters; ``ingest`` adds a
month's figures. Nothing here rates a figure: that is the engine's job.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Report
from ..fsutil import tree_fingerprint
from . import checks
from .dataset import Dataset, load


def data_files(root: Path) -> list[Path]:
    """Every file of a data folder that the scorecard reads (its fingerprint covers exactly these)."""
    from .publication import FILE
    from .schemas import SCHEMAS

    root = Path(root)
    return [p for p in (root / name for name in (*SCHEMAS, FILE)) if p.is_file()]


def validate(root: Path, today: dt.date | None = None) -> tuple[Dataset | None, Report]:
    """Load and check a data folder; the dataset is None if a file could not be read."""
    ds, report = load(root)
    if ds is not None:
        report.extend(checks.check(ds, today))
        ds.fingerprint = tree_fingerprint(data_files(root), Path(root))
        ds.report = report
    return ds, report


__all__ = ["Dataset", "validate", "load", "data_files"]
