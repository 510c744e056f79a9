"""Run the `scorecard` command in-process, as the installed entry point does (``scorecard.cli.main``)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``scorecard *args``; never lets an exception escape unnoticed."""
    from scorecard.cli import main

    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["scorecard", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tree_hash(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest; folders too, as "folder"):
    equal dicts mean byte-for-byte equal trees, including empty folders."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(root.rglob("*"))}
