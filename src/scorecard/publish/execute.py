"""Executing the pages' notebooks with papermill: a pluggable executor, warm kernels by default.

Every page is still one papermill execution of its notebook (parameters injected, outputs saved,
errors reported by cell). What differs is where the kernel comes from:

- ``warm`` (default): one kernel per worker (two on two cores), started once and reused for the
  worker's pages, its namespace reset before each page. The package, pandas, great-tables and
  Altair are imported once per worker instead of once per page; kernel start-up is paid once.
- ``fresh``: plain papermill, a new kernel for every page (the naive path; what the benchmark
  compares with).
- ``dask``: papermill on a Dask cluster (``--executor dask --scheduler tcp://host:8786``), for a
  publisher with hundreds of pages: each page is a task; workers need the package and a shared
  file system for the notebooks and the snapshot.

Kernels die with the build: they are started with the parent-death signal set, so ``kill -9`` on
a build leaves no kernel running notebooks.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..content import notebooks as nbm
from .jobs import META, Job, State

KERNEL = nbm.KERNEL["name"]
RESET = "get_ipython().run_line_magic('reset', '-f')"
RESET_TAG = "scorecard-reset"


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    path: Path
    error: str = ""
    cell: int | None = None     # 1-based cell number in the source notebook


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG


def _source_number(index: int, source: nbformat.NotebookNode, reset: bool) -> int:
    """The 1-based number, in the source notebook (as JupyterLab shows it), of the executed cell ``index``.

    The executed copy has the reset cell first (warm kernels) and papermill's injected parameters
    right after the parameters cell; neither is in the source notebook.
    """
    params = next((i for i, c in enumerate(source.cells) if nbm.PARAMETERS_TAG in c.metadata.get("tags", [])), -1)
    n = index - (1 if reset else 0)            # 0-based, without the reset cell
    if params >= 0 and n > params + 1:          # after the injected parameters
        n -= 1
    return n + 1


def _prepared(state: State, reset: bool) -> nbformat.NotebookNode:
    nb = nbformat.reads(nbformat.writes(state.source_nb), as_version=4)
    nb.metadata["kernelspec"] = dict(nbm.KERNEL)
    if reset:
        cell = nbformat.v4.new_code_cell(RESET)
        cell.metadata["tags"] = [RESET_TAG]
        nb.cells.insert(0, cell)
    return nb


def run_one(state: State, month: str, snapshot: Path, out_dir: Path, km=None, cwd: Path | None = None,
            reset: bool = True) -> Result:
    """Execute one page's notebook with papermill; never raises (the result says what went wrong)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    job = state.job
    out = Path(out_dir) / f"{job.name}.ipynb"
    start = time.perf_counter()
    reset = reset and km is not None
    nb = _prepared(state, reset=reset)
    kwargs = {"km": km} if km is not None else {}
    error, cell = "", None
    try:
        nb = pm.execute_notebook(nb, None, parameters=job.parameters(month, snapshot), kernel_name=KERNEL,
                                 cwd=str(cwd or job.source.parent), progress_bar=False, log_output=False,
                                 report_mode=False, **kwargs)
    except PapermillExecutionError as exc:
        error = f"{exc.ename}: {(str(exc.evalue).strip().splitlines() or [''])[0]}"
        cell = _source_number(exc.cell_index, state.source_nb, reset=reset)
    except Exception as exc:  # noqa: BLE001 - kernel died, unreadable notebook, ...
        error = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
    nb.metadata[META] = {"code": state.code, "words": state.words, "source": str(job.source), "month": month,
                         "section": job.section, "district": job.district}
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, out)
    return Result(job, not error, time.perf_counter() - start, out, error, cell)


class Executor:
    """Runs page jobs; ``on_done`` is called (in the caller's thread) as each finishes."""

    name = "executor"

    def run(self, states: list[State], month: str, snapshot: Path, out_dir: Path,
            on_done: Callable[[Result], None] | None = None) -> list[Result]:
        raise NotImplementedError


def start_kernel(cwd: Path, log: Path | None):
    """A kernel that dies with the thread that started it; its own chatter goes to ``log``."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=KERNEL)
    stream = open(log, "ab") if log else subprocess.DEVNULL   # noqa: SIM115 - the kernel keeps it open
    km.start_kernel(preexec_fn=_die_with_parent, cwd=str(cwd), stderr=stream, stdout=stream)
    return km


def stop_kernel(km) -> None:
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)


class Fresh(Executor):
    """Plain papermill: a new kernel for every page, ``jobs`` pages at a time (the naive path)."""

    name = "fresh"

    def __init__(self, jobs: int = 1, log: Path | None = None):
        self.jobs, self.log = max(1, jobs), log

    def run(self, states, month, snapshot, out_dir, on_done=None):
        def work(state: State, _worker: dict) -> Result:
            km = start_kernel(state.job.source.parent, self.log)
            try:
                return run_one(state, month, snapshot, out_dir, km=km, reset=False)
            finally:
                stop_kernel(km)

        return _threaded(states, self.jobs, work, on_done)


class Warm(Executor):
    """One kernel per worker, started once, reused for the worker's pages."""

    name = "warm"

    def __init__(self, jobs: int | None = None, log: Path | None = None):
        # one kernel more than the cores: a kernel also waits on its messages (measured: 3 on 2 cores is best)
        self.jobs, self.log = max(1, jobs or min((os.cpu_count() or 1) + 1, 4)), log

    def run(self, states, month, snapshot, out_dir, on_done=None):
        def work(state: State, worker: dict) -> Result:
            km = worker.get("km")
            if km is None or not km.is_alive():
                km = worker["km"] = start_kernel(state.job.source.parent, self.log)
            result = run_one(state, month, snapshot, out_dir, km=km)
            if not result.ok and not km.is_alive():
                worker.pop("km", None)
            return result

        def stop(worker: dict) -> None:
            if worker.get("km") is not None:
                stop_kernel(worker["km"])

        return _threaded(states, self.jobs, work, on_done, stop)


class DaskExecutor(Executor):
    """Each page a papermill task on a Dask cluster (fresh kernel per task, on the workers)."""

    name = "dask"

    def __init__(self, scheduler: str):
        self.scheduler = scheduler

    def run(self, states, month, snapshot, out_dir, on_done=None):
        from dask.distributed import Client, as_completed  # optional: pip install "dask[distributed]"

        with Client(self.scheduler) as client:
            futures = [client.submit(run_one, s, month, snapshot, out_dir, pure=False) for s in states]
            results = []
            for f in as_completed(futures):
                r = f.result()
                results.append(r)
                if on_done:
                    on_done(r)
        return results


def _threaded(states: list[State], n: int, work: Callable[[State, dict], Result],
              on_done: Callable[[Result], None] | None, stop: Callable[[dict], None] | None = None
              ) -> list[Result]:
    """Run ``work`` over the states in ``n`` threads; stop taking new pages after the first failure."""
    todo: queue.Queue[State] = queue.Queue()
    for s in states:
        todo.put(s)
    done: queue.Queue[Result] = queue.Queue()
    failed = threading.Event()

    def worker() -> None:
        mine: dict = {}
        try:
            while not failed.is_set():
                try:
                    s = todo.get_nowait()
                except queue.Empty:
                    return
                r = work(s, mine)
                if not r.ok:
                    failed.set()
                done.put(r)
        finally:
            if stop:
                stop(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(n, len(states)) or 1)]
    for t in threads:
        t.start()
    results = []
    while any(t.is_alive() for t in threads) or not done.empty():
        try:
            r = done.get(timeout=0.1)
        except queue.Empty:
            continue
        results.append(r)
        if on_done:
            on_done(r)
    for t in threads:
        t.join()
    return results


def executor(name: str, jobs: int | None = None, scheduler: str = "", log: Path | None = None) -> Executor:
    from ..errors import EXIT_INVALID, ScorecardError

    if name == "warm":
        return Warm(jobs, log)
    if name == "fresh":
        return Fresh(jobs or 1, log)
    if name == "dask":
        if not scheduler:
            raise ScorecardError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)", EXIT_INVALID)
        return DaskExecutor(scheduler)
    raise ScorecardError(f"--executor: '{name}' is not warm, fresh or dask", EXIT_INVALID)
