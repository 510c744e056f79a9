"""Shared fixtures: the shipped data and its January 2026 edition, loaded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scorecard import edition
from scorecard.dataset import load

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def dataset():
    ds, report = load(DATA)
    assert ds is not None, [p.line() for p in report.problems]
    return ds


@pytest.fixture(scope="session")
def january(dataset):
    return edition.build(dataset, "2026-01")


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture(scope="session")
def grid(tmp_path_factory):
    """The January 2026 edition's 18 notebooks, executed once per session by `scorecard run`'s runner.

    Any test that needs executed notebooks (notebook checks, publishers) shares this one run:
    ``grid.folder`` holds the notebooks and manifest.json.
    """
    import os

    from scorecard import runner

    return runner.run("2026-01", data_dir=DATA, out_dir=tmp_path_factory.mktemp("build"), jobs=os.cpu_count())


@pytest.fixture(scope="session")
def built(grid, tmp_path_factory):
    """The January 2026 site published from the session's executed notebooks (builtin engine)."""
    from scorecard import publish

    out = tmp_path_factory.mktemp("published") / "_site"
    result = publish.build("2026-01", out, engine="builtin", data=DATA, build_dir=grid.folder.parents[1],
                           run=False, warn=lambda line: None)
    print(f"\nsite built in {result.timings['publishing']:.1f} s (PDF by {result.pdf_engine}) at {out}")
    return out


AGREEMENT: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """Print the golden test's agreement figure at the end of every run."""
    for line in AGREEMENT:
        terminalreporter.write_line(line)
