"""One snapshot per edition: the data read and checked once, the edition computed once.

A build validates ``data/`` under the data lock, computes the edition and writes it to
``build/<month>/snapshot.pickle`` with the key of exactly what it read (the data files, the
edition's parameters and the package's code). Every notebook of the build reads that snapshot
instead of validating the data again, and the publisher makes every download from it, so pages
and workbook can never disagree even if ``data/`` changes during a build. A notebook opened in
JupyterLab uses the snapshot when its key still matches, and computes a fresh one otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import EXIT_INVALID, Report, ScorecardError, capped
from ..fsutil import write_atomic
from ..inputs import data_files, params, validate
from ..inputs.dataset import Dataset
from .build import build
from .model import Edition

FILE = "snapshot.pickle"


@cache
def code_hash() -> str:
    """The source of what computes and shows an edition (rules, inputs, engine, content): a snapshot or
    an executed page made by other code is not reused. Publishing and the CLI do not count."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        if p.relative_to(root).parts[0] in ("publish", "cli"):
            continue
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def key_of(data_dir: Path, params_path: Path) -> str:
    h = hashlib.sha256(code_hash().encode())
    for p in data_files(data_dir):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    h.update(params_path.read_bytes() if params_path.is_file() else b"")
    return h.hexdigest()


@dataclass
class Snapshot:
    month: str
    key: str
    dataset: Dataset
    params: params.Params
    edition: Edition
    report: Report


def make(data_dir: Path, month: str, params_dir: Path | None = None, today: dt.date | None = None) -> Snapshot:
    """Validate the data, read the parameters and compute the edition; one-line errors otherwise."""
    data_dir = Path(data_dir)
    ds, report = validate(data_dir, today)
    if ds is None or not report.ok:
        raise ScorecardError(capped([p.line() for p in report.errors]), EXIT_INVALID)
    pdir = Path(params_dir) if params_dir else params.default_dir(data_dir)
    path = params.path_of(pdir, month)
    prm = params.load(path, month, ds)
    edition = build(ds, month, prm.districts)
    return Snapshot(month, key_of(data_dir, path), ds, prm, edition, report)


def save(snap: Snapshot, path: Path) -> None:
    write_atomic(path, pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL))


_LOADED: dict[str, tuple[tuple, Snapshot]] = {}


def load(path: Path, key: str | None = None) -> Snapshot | None:
    """The snapshot at ``path`` if it is readable (and has ``key`` when given).

    Kept per process while the file is unchanged, and shared: a warm kernel's pages all use one
    (unpickled once per page, a 120-district edition's 55 MB would make a build's cost grow with
    pages × edition size). Nothing may change what it returns; only the newest one is kept.
    """
    path = Path(path)
    try:
        st = path.stat()
        name, ident = str(path.resolve()), (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None
    hit = _LOADED.get(name)
    if hit and hit[0] == ident:
        snap = hit[1]
    else:
        try:
            snap = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        _LOADED.clear()
        _LOADED[name] = (ident, snap)
    if not isinstance(snap, Snapshot) or (key is not None and snap.key != key):
        return None
    return snap
