"""`scorecard new-month`: a new edition's parameters and notebooks, drafts marked, nothing overwritten.

Runs in a copy of the repository (data/, params/, notebooks/) with a SYNTHETIC February 2026
(tests/synthetic.py, ingested with `scorecard ingest`; made by hand if that module is missing).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from scorecard.content import commentary, lint
from scorecard.content import notebooks as nbm
from scorecard.engine import snapshot
from scorecard.inputs import params as params_mod

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ["overview", "send", "social-care", "early-help", "education", "district", "reference"]
COMMENTARY = ["send", "social-care", "early-help", "education"]
ENV = {**os.environ, "SCORECARD_TODAY": "2026-03-15"}


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorecard", *args], cwd=repo, env=ENV, capture_output=True,
                          text=True, timeout=900)


def digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def january(root: Path) -> dict[str, str]:
    return {**digest(root / "notebooks" / "2026-01"),
            "params/2026-01.yml": hashlib.sha256((root / "params" / "2026-01.yml").read_bytes()).hexdigest()}


def add_february(repo: Path) -> None:
    try:
        import synthetic
    except ImportError:   # a tiny February by hand: January's figures again, marked synthetic
        path = repo / "data" / "observations.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        extra = [{**r, "period": "2026-02", "quality": "synthetic", "note": "SYNTHETIC test figure"}
                 for r in rows if r["period"] == "2026-01"]
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows + extra)
        path.write_text(out.getvalue(), encoding="utf-8")
        return
    files = synthetic.write_months(repo / "data", "2026-02", repo / "synthetic")
    for kind in ("targets", "outturns", "observations"):
        if kind in files:
            r = cli(repo, "ingest", str(files[kind][0]), "--data", "data")
            assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("nm") / "repo"
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, repo / name)
    add_february(repo)
    return repo


@pytest.fixture(scope="module")
def started(repo):
    before = january(repo)
    r = cli(repo, "new-month", "2026-02", "--data", "data")
    assert r.returncode == 0, r.stderr
    assert january(repo) == before
    return r


def needed(stdout: str) -> dict[str, list[tuple[str, str]]]:
    """The printed list: section -> [(code, rating)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in stdout.splitlines():
        if line.startswith("  notebooks/2026-02/") and ": none (" not in line:
            name, rest = line.strip().split(": ", 1)
            code, rag = rest.split(": ", 1)[0].split(" ")
            out.setdefault(Path(name).stem, []).append((code, rag))
    return out


def test_creates_the_files(started, repo):
    lines = started.stdout.splitlines()
    assert lines[:8] == ["created params/2026-02.yml (from params/2026-01.yml)",
                         *[f"created notebooks/2026-02/{s}.ipynb" for s in SECTIONS]]
    assert sorted(p.name for p in (repo / "notebooks" / "2026-02").iterdir()) == sorted(f"{s}.ipynb" for s in SECTIONS)
    assert started.stderr == ""


def test_params_moved_on(started, repo):
    raw = yaml.safe_load((repo / "params" / "2026-02.yml").read_text(encoding="utf-8"))
    assert raw["month"] == "2026-02"
    assert raw["publication_date"] == "TO CONFIRM (e.g. 2026-03-23)"
    new = params_mod.load(repo / "params" / "2026-02.yml", "2026-02")
    old = params_mod.load(ROOT / "params" / "2026-01.yml", "2026-01")
    assert new.publication_date is None and old.publication_date is not None
    assert [n.text for n in new.notes] == [n.text for n in old.notes] and len(new.notes) == 11
    assert all(not n.confirmed for n in new.notes) and all(n.confirmed for n in old.notes)
    assert [(n.guidance, n.indicators, n.blocks, n.sections) for n in new.notes] == \
        [(n.guidance, n.indicators, n.blocks, n.sections) for n in old.notes]
    assert new.commentary_policy == old.commentary_policy == {"send": "none", "social-care": "rated",
                                                              "early-help": "rated", "education": "changed"}
    assert new.contacts == old.contacts and new.districts == old.districts
    assert len(new.unconfirmed()) == 12


def test_notebooks_from_the_templates(started, repo):
    for section in SECTIONS:
        kind = "section" if section in COMMENTARY else section
        template = nbformat.read(ROOT / "notebooks" / f"{kind}.ipynb", as_version=4)
        nb = nbformat.read(repo / "notebooks" / "2026-02" / f"{section}.ipynb", as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert code[1:] == [c.source for c in template.cells if c.cell_type == "code"][1:]
        want = {"month": "2026-02", "section": section, "district": "Ashford" if section == "district" else "",
                "snapshot": ""}
        assert nbm.parameters(nb) == want
        assert nb.metadata["kernelspec"]["name"] == "scorecard"
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        if section not in COMMENTARY:
            assert [c for c in nb.cells if c.cell_type == "markdown"] == []


def test_commentary_cells_are_drafts(started, repo):
    jan = nbformat.read(ROOT / "notebooks" / "2026-01" / "social-care.ipynb", as_version=4)
    nb = nbformat.read(repo / "notebooks" / "2026-02" / "social-care.ipynb", as_version=4)
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].source == jan.cells[5].source                      # last edition's heading
    assert md[0].metadata["tags"] == ["commentary"]
    labels = []
    for c in md[1:]:
        assert c.metadata["tags"] == ["commentary", "draft"]
        paras = lint.paragraphs(c.source)
        assert len({rag for rag, _ in paras}) == 1                  # one cell per rating
        assert all(text.startswith("[DRAFT] ") for _, text in paras)
        labels += [rag for rag, _ in paras]
    assert labels == sorted(labels, key=["RED", "AMBER", "GREEN"].index)
    assert len(labels) == len(needed(started.stdout)["social-care"])
    send = [c for c in nbformat.read(repo / "notebooks" / "2026-02" / "send.ipynb", as_version=4).cells
            if c.cell_type == "markdown"]
    assert len(send) == 2 and nbm.DRAFT_MARK in send[1].source and "policy ('none')" in send[1].source


def test_printed_list_is_what_lint_demands(started, repo, tmp_path):
    snap = snapshot.make(repo / "data", "2026-02")
    listed = needed(started.stdout)
    # the rule, from the February edition's printed ratings: every RED/AMBER county row of a "rated" section
    for section in ("social-care", "early-help"):
        want = [(r.code or r.indicator, r.rag) for _, r in commentary.county_rows(snap.edition)
                if r.section == section and r.rag in ("RED", "AMBER")]
        assert listed[section] == want
    assert "send" not in listed and "  notebooks/2026-02/send.ipynb: none (commentary policy 'none')" in \
        started.stdout.splitlines()
    # the drafts cover every one of them and agree with the tables
    assert [f.text() for f in lint.lint_edition(snap, repo / "notebooks", "2026-02")] == []
    # without the drafts, lint demands exactly the printed list
    bare = tmp_path / "notebooks"
    shutil.copytree(repo / "notebooks", bare)
    for section in COMMENTARY:
        path = bare / "2026-02" / f"{section}.ipynb"
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if "draft" not in c.metadata.get("tags", [])]
        nbformat.write(nb, path)
    missing: dict[str, list[tuple[str, str]]] = {}
    for f in lint.lint_edition(snap, bare, "2026-02"):
        assert f.kind == "missing", f.text()
        rag = f.message.split(" is rated ")[1].split(" ")[0]
        missing.setdefault(Path(f.file).stem, []).append((f.indicator, rag))
    assert missing == listed


def test_second_run_keeps_everything(started, repo):
    tree = {**digest(repo / "notebooks"), **digest(repo / "params")}
    r = cli(repo, "new-month", "2026-02", "--data", "data")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:8] == ["kept params/2026-02.yml (it already exists; not changed)",
                                         *[f"kept notebooks/2026-02/{s}.ipynb (it already exists; not changed)"
                                           for s in SECTIONS]]
    assert {**digest(repo / "notebooks"), **digest(repo / "params")} == tree
    assert january(repo) == january(ROOT)                           # byte-for-byte the shipped January


def test_a_deleted_notebook_alone_is_made_again(started, repo):
    path = repo / "notebooks" / "2026-02" / "education.ipynb"
    edited = repo / "notebooks" / "2026-02" / "send.ipynb"
    text = path.read_bytes()
    edited.write_text(edited.read_text(encoding="utf-8").replace("[DRAFT] No paragraph", "No paragraph"),
                      encoding="utf-8")
    mine = edited.read_bytes()
    path.unlink()
    r = cli(repo, "new-month", "2026-02", "--data", "data")
    assert r.returncode == 0, r.stderr
    assert "created notebooks/2026-02/education.ipynb" in r.stdout.splitlines()
    assert sum(line.startswith("created ") for line in r.stdout.splitlines()) == 1
    assert path.read_bytes() == text and edited.read_bytes() == mine


@pytest.mark.parametrize("month,words", [("2026-1x", "is not a month"), ("2025-12", "no earlier edition"),
                                         ("2026-03", "has no figures for 2026-03")])
def test_bad_month(month, words, started, repo):
    r = cli(repo, "new-month", month, "--data", "data")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and words in r.stderr and r.stderr.startswith("ERROR: ")
    assert not (repo / "params" / f"{month}.yml").exists() and not (repo / "notebooks" / month).exists()


@pytest.mark.timeout(900)
def test_build_refuses_what_is_not_confirmed(started, repo):
    r = cli(repo, "build", "--month", "2026-02", "--data", "data", "--out", "_site", "-q")
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    errors = [ln for ln in lines if ln.startswith("ERROR")]
    date = [ln for ln in errors if "[publication_date]" in ln]
    notes = [ln for ln in errors if "[notes[" in ln]
    drafts = [ln for ln in errors if "draft commentary is not confirmed" in ln]
    assert len(date) == 1 and "TO CONFIRM" in date[0]
    assert len(notes) == 11
    cells = sum(1 for s in COMMENTARY for c in nbformat.read(repo / "notebooks" / "2026-02" / f"{s}.ipynb",
                                                             as_version=4).cells
                if c.cell_type == "markdown" and "[DRAFT]" in c.source)
    assert len(drafts) == cells >= 4
    assert errors[-1].startswith("ERROR: nothing was published")
    assert len(errors) == 1 + 11 + cells + 1
    assert "Traceback" not in r.stderr and not (repo / "_site" / "2026-02").exists()
