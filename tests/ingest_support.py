"""Helpers for the ingest, template and xlsx tests: a private copy of data/, the CLI in a subprocess."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HEADER = "indicator,area,team,period,value,numerator,denominator,quality,note"
FEBRUARY_TODAY = "2026-03-15"     # the shipped data has months up to 2026-01


def copy_data(tmp_path: Path) -> Path:
    """A copy of the shipped data/ in tmp_path/data (tests never touch the real one)."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def scorecard(args: list, cwd: Path, today: str = FEBRUARY_TODAY, timeout: float = 120) -> subprocess.CompletedProcess:
    """`scorecard *args` as a subprocess (exit codes and stderr as a user gets them)."""
    env = {**os.environ, "SCORECARD_TODAY": today}
    return subprocess.run([sys.executable, "-m", "scorecard", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_csv(path: Path, *body: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    return path


def patch_zip(src: Path, dest: Path, edit) -> Path:
    """Copy a workbook, passing each member's bytes through ``edit(name, data) -> data``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
    return dest


def tree_hash(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest; folders as "folder"):
    equal dicts mean byte-for-byte equal trees, empty folders included."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(root.rglob("*"))}
