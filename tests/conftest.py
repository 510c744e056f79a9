"""Shared fixtures: the shipped data, its January 2026 edition, and one published build per session."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from scorecard.engine import build as build_edition
from scorecard.inputs import validate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED = ROOT.parent / "shared" / "seeds" / "000_a09f7c007414c955.txt"


@pytest.fixture(scope="session")
def dataset():
    ds, report = validate(DATA)
    assert ds is not None and report.ok, [p.line() for p in report.errors]
    return ds


@pytest.fixture(scope="session")
def january(dataset):
    return build_edition(dataset, "2026-01")


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def copy_project(dest: Path) -> Path:
    """A copy of the project's inputs (data, params, notebooks) in ``dest``; returns its data folder."""
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, dest / name)
    return dest / "data"


@pytest.fixture()
def project(tmp_path) -> Path:
    """A private copy of the project's inputs; a test may break and build it."""
    copy_project(tmp_path)
    return tmp_path


@contextlib.contextmanager
def serve(directory: Path):
    """http://127.0.0.1:<free port> serving ``directory`` while the block runs (quietly)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_browser():
    """A headless Chromium for a module's tests (a generator for a fixture: ``yield from``).

    Module-scoped in use: Playwright's sync API holds an event loop, which later tests' asyncio.run refuses.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def scorecard(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 900):
    """Run the CLI as a user would (exit codes matter)."""
    return subprocess.run([sys.executable, "-m", "scorecard", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env={**os.environ, **(env or {})}, timeout=timeout)


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The January 2026 edition built once per session (builtin engine) in a copy of the project."""
    base = tmp_path_factory.mktemp("published")
    data = copy_project(base)
    done = scorecard("build", "--month", "2026-01", "--data", str(data), "--out", str(base / "_site"))
    assert done.returncode == 0, done.stderr[-3000:]
    return base


AGREEMENT: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """Print the golden test's agreement figures at the end of every run."""
    for line in AGREEMENT:
        terminalreporter.write_line(line)
