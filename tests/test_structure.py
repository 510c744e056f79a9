"""The package shows the pipeline: stages import downwards only, the CLI is on top, and no edition
specifics (indicator codes, block ids, area names, edition wording) are written into code."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "scorecard"
ORDER = ["errors", "fsutil", "rules", "inputs", "engine", "content", "publish", "cli"]


def _imports(path: Path) -> set[str]:
    """The scorecard stages a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts   # ("scorecard", "engine", "build")
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(parts[:-node.level]) if node.level <= len(parts) - 1 else ["scorecard"]
                name = ".".join(base + ([node.module] if node.module else []))
                names = [name] if node.module else [f"{name}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
            found |= {n for n in names if n.startswith("scorecard.")}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("scorecard.")}
    return {n.split(".")[1] for n in found}


def _stage(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def test_stages_import_downwards_only():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        stage = _stage(path)
        if stage not in ORDER:
            continue
        for other in _imports(path):
            if other in ORDER and ORDER.index(other) > ORDER.index(stage):
                wrong.append(f"{path.relative_to(ROOT)} ({stage}) imports {other}")
    assert not wrong, wrong


def test_every_stage_imports_without_cycles():
    for stage in ["", *ORDER]:
        name = "scorecard" + (f".{stage}" if stage else "")
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_no_edition_written_into_code():
    hook = ROOT.parent / "shared" / "hooks" / "edition_in_code.py"
    if not hook.is_file():
        import pytest

        pytest.skip(f"the project's hook is not beside the repository ({hook})")
    done = subprocess.run([sys.executable, str(hook), str(ROOT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        outputs = [c for c in nb["cells"] if c.get("cell_type") == "code" and (c.get("outputs") or
                                                                                c.get("execution_count"))]
        assert not outputs, f"{path} has outputs"
        assert nb["metadata"]["kernelspec"]["name"] == "scorecard"
