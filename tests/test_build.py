"""`scorecard run` and `scorecard build`: one out-of-date rule, and failures that publish nothing."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from conftest import copy_project, scorecard


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_run_then_build_executes_nothing_twice(tmp_path):
    data = copy_project(tmp_path)
    done = scorecard("run", "--month", "2026-01", "--data", str(data))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "18 executed" in done.stdout
    done = scorecard("build", "--month", "2026-01", "--data", str(data), "--out", str(tmp_path / "_site"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"\(0 notebooks executed, 0 with new commentary, 18 up to date\)", done.stdout), done.stdout
    # a failing notebook: exit 4, named with its cell; the published site and the executed pages unchanged
    site_before, executed_before = tree_hash(tmp_path / "_site"), tree_hash(tmp_path / "build" / "2026-01" / "executed")
    path = tmp_path / "notebooks" / "2026-01" / "early-help.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(3, {"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {},
                           "outputs": [], "source": "raise RuntimeError('a broken cell')"})
    path.write_text(json.dumps(nb), encoding="utf-8")
    done = scorecard("build", "--month", "2026-01", "--data", str(data), "--out", str(tmp_path / "_site"))
    assert done.returncode == 4, done.stderr[-2000:]
    assert "early-help.ipynb" in done.stderr and "cell 4" in done.stderr and "a broken cell" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_hash(tmp_path / "_site") == site_before
    assert tree_hash(tmp_path / "build" / "2026-01" / "executed") == executed_before


def test_the_papermill_command_executor_runs_a_page_and_names_a_failing_cell(tmp_path):
    """--executor fresh (the naive path: the papermill command per page) gives what the warm kernels give."""
    data = copy_project(tmp_path)
    done = scorecard("run", "--month", "2026-01", "--data", str(data), "--section", "early-help",
                     "--executor", "fresh")
    assert done.returncode == 0, done.stderr[-2000:]
    executed = tmp_path / "build" / "2026-01" / "executed" / "early-help.ipynb"
    nb = json.loads(executed.read_text(encoding="utf-8"))
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "EH72-F" in html and "26.0" in html                     # the seed's early help referrals, Jan-26
    assert nb["metadata"]["scorecard"]["section"] == "early-help"
    path = tmp_path / "notebooks" / "2026-01" / "early-help.ipynb"
    source = json.loads(path.read_text(encoding="utf-8"))
    source["cells"].insert(3, {"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {},
                               "outputs": [], "source": "raise RuntimeError('a broken cell')"})
    path.write_text(json.dumps(source), encoding="utf-8")
    done = scorecard("run", "--month", "2026-01", "--data", str(data), "--section", "early-help",
                     "--executor", "fresh")
    assert done.returncode == 4, done.stderr[-2000:]
    assert "early-help.ipynb" in done.stderr and "cell 4" in done.stderr and "a broken cell" in done.stderr


def test_bad_data_publishes_nothing(published):
    site = published / "_site"
    before = tree_hash(site)
    obs = published / "data" / "observations.csv"
    original = obs.read_bytes()
    try:
        obs.write_bytes(original.replace(b"APP17,Kent,,2025-07,51.9", b'APP17,Kent,,2025-07,"51,9"', 1))
        done = scorecard("build", "--month", "2026-01", "--data", str(published / "data"), "--out", str(site))
    finally:
        obs.write_bytes(original)
    assert done.returncode == 2
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("ERROR")]
    assert len(lines) == 1 and "observations.csv:2" in lines[0] and "value" in lines[0]
    assert tree_hash(site) == before


def test_out_may_not_be_an_input_folder(published):
    for target in ("data", "params", "notebooks", "."):
        done = scorecard("build", "--month", "2026-01", "--data", str(published / "data"), "--out",
                         str(published / target))
        assert done.returncode == 2, (target, done.stderr)
        assert "choose another folder" in done.stderr
