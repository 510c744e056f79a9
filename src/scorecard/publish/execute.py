"""Executing the pages' notebooks with papermill: a pluggable executor, warm kernels by default.

Every page is still one papermill execution of its notebook (parameters injected, outputs saved,
errors reported by cell). What differs is where the kernel comes from:

- ``warm`` (default): one kernel per worker (three on two cores), started once and reused for the
  worker's pages, its namespace reset before each page. The package, pandas, great-tables and
  Altair are imported once per worker instead of once per page; kernel start-up is paid once.
- ``fresh``: plain papermill, the ``papermill`` command for every page, each a new process with
  a new kernel (the naive path; what the benchmark compares with).
- ``dask``: papermill on a Dask cluster (``--executor dask --scheduler tcp://host:8786``), for a
  publisher with hundreds of pages: each page is a task; workers need the package and a shared
  file system for the notebooks and the snapshot.

Kernels die with the build: they are started with the parent-death signal set, so ``kill -9`` on
a build leaves no kernel running notebooks.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..content import notebooks as nbm
from ..fsutil import write_atomic
from .jobs import META, Job, State

KERNEL = nbm.KERNEL["name"]
RESET = "get_ipython().run_line_magic('reset', '-f')"
RESET_TAG = "scorecard-reset"
ERROR_CELL_TAG = "papermill-error-cell-tag"


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


@functools.cache
def _papermill():
    """papermill, told not to serialise a notebook it has no file to write to.

    With ``output_path=None`` papermill writes through its no-op handler, but only after turning
    the whole executed notebook into indented JSON (pure-Python encoder, about 0.3 s a page, in
    the build's one process). The package writes the executed copy itself, once, so that work
    is skipped: ``write_ipynb`` is called as before whenever there is a path.
    """
    import papermill as pm
    import papermill.execute as pm_execute

    write = pm_execute.write_ipynb
    if not getattr(write, "skips_none", False):
        def write_ipynb(nb, path):
            if path is not None:
                write(nb, path)

        write_ipynb.skips_none = True
        pm_execute.write_ipynb = write_ipynb
    _register_warm_engine()
    return pm


WARM_ENGINE = "scorecard-warm"


def _register_warm_engine() -> None:
    """papermill's nbclient engine, given the worker's kernel client (connected and ready once).

    Given only a kernel manager, nbclient makes a new client for every page and waits for it to
    be ready, which ends with a 0.2 s wait for silence on the kernel's output channel: latency
    paid 18 times a build. The client belongs to the worker; nbclient leaves a client it did
    not make open (``cleanup_kc`` follows ``owns_km``). A papermill engine is papermill's own
    extension point (``papermill_engines.register``).
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import remove_args

    class WarmClient(PapermillNotebookClient):
        def __init__(self, nb_man, km=None, kc=None, **kw):
            super().__init__(nb_man, km=km, **kw)
            self.kc = kc

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            return WarmClient(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                              kernel_name=kernel_name, log=logger, log_output=log_output, stdout_file=stdout_file,
                              stderr_file=stderr_file, **kwargs).execute()

    papermill_engines.register(WARM_ENGINE, WarmEngine)


def write_executed(nb: nbformat.NotebookNode, out: Path) -> None:
    """The executed copy as compact JSON (C encoder, no schema check: papermill's output is valid).

    Executed copies are build products, read back only by this package (and by JupyterLab, which
    reads compact JSON as well); written indented they cost ~0.3 s a page of the build's CPU.
    """
    write_atomic(out, json.dumps(nb, ensure_ascii=False, separators=(",", ":")))


def run_one(state: State, month: str, snapshot: Path, out_dir: Path, km=None, cwd: Path | None = None,
            reset: bool = True, kc=None) -> Result:
    """Execute one page's notebook with papermill; never raises (the result says what went wrong)."""
    from papermill.exceptions import PapermillExecutionError

    pm = _papermill()

    job = state.job
    out = Path(out_dir) / f"{job.name}.ipynb"
    start = time.perf_counter()
    reset = reset and km is not None
    nb = _prepared(state, reset=reset)
    kwargs = {"km": km} if km is not None else {}
    if kc is not None:
        kwargs.update(kc=kc, engine_name=WARM_ENGINE)
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
    _finish(nb, state, month, out)
    return Result(job, not error, time.perf_counter() - start, out, error, cell)


def _finish(nb: nbformat.NotebookNode, state: State, month: str, out: Path) -> None:
    """The executed copy as the build keeps it: without the reset cell, with what it was made from."""
    job = state.job
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
    nb.metadata[META] = {"code": state.code, "words": state.words, "source": str(job.source), "month": month,
                         "section": job.section, "district": job.district}
    nb.metadata.pop("papermill", None)
    write_executed(nb, out)


def run_command(state: State, month: str, snapshot: Path, out_dir: Path, log: Path | None = None) -> Result:
    """Execute one page's notebook with the ``papermill`` command, as a shell loop would: its own
    process, its own kernel. Never raises (the result says what went wrong)."""
    job = state.job
    out = Path(out_dir) / f"{job.name}.ipynb"
    given = Path(out_dir) / f"{job.name}.given.ipynb"
    start = time.perf_counter()
    write_atomic(given, nbformat.writes(_prepared(state, reset=False)))
    args = [sys.executable, "-m", "papermill", str(given), str(out), "--kernel", KERNEL, "--cwd",
            str(job.source.parent), "--no-progress-bar", "--no-request-save-on-cell-execute"]
    for name, value in job.parameters(month, snapshot).items():
        args += ["--parameters_raw", name, str(value)]
    with open(log, "ab") if log else contextlib.nullcontext(subprocess.DEVNULL) as stream:
        done = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=stream, stderr=stream,
                              preexec_fn=_die_with_parent, check=False)
    given.unlink(missing_ok=True)
    error, cell, nb = "", None, None
    try:
        nb = nbm.read_executed(out)
    except Exception as exc:  # noqa: BLE001 - papermill failed before writing anything
        error = f"papermill exited {done.returncode} without a notebook ({type(exc).__name__})"
    if nb is not None:
        nb = nbformat.from_dict(nb)
        nb.cells = [c for c in nb.cells if ERROR_CELL_TAG not in c.metadata.get("tags", [])]   # papermill's banners
        failed = next(((i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                       for o in c.get("outputs", []) if o.get("output_type") == "error"), None)
        if failed:
            i, o = failed
            error = f"{o.get('ename', 'Error')}: {(str(o.get('evalue', '')).strip().splitlines() or [''])[0]}"
            cell = _source_number(i, state.source_nb, reset=False)
        elif done.returncode != 0:
            error = f"papermill exited {done.returncode}"
        _finish(nb, state, month, out)
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


def ready_client(km, timeout: float = 60):
    """The kernel's client, connected and answered once: a warm worker's pages all use it."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
    except Exception:
        kc.stop_channels()
        raise
    return kc


def stop_kernel(km) -> None:
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)


class Fresh(Executor):
    """Plain papermill: the ``papermill`` command for every page (a new process and kernel each),
    ``jobs`` pages at a time: the naive path the benchmark compares with."""

    name = "fresh"

    def __init__(self, jobs: int = 1, log: Path | None = None):
        self.jobs, self.log = max(1, jobs), log

    def run(self, states, month, snapshot, out_dir, on_done=None):
        return _threaded(states, self.jobs, lambda s, _w: run_command(s, month, snapshot, out_dir, self.log),
                         on_done)


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
                stop(worker)
                km = worker["km"] = start_kernel(state.job.source.parent, self.log)
                worker["kc"] = ready_client(km)
            result = run_one(state, month, snapshot, out_dir, km=km, kc=worker["kc"])
            if not result.ok and not km.is_alive():
                stop(worker)
            return result

        def stop(worker: dict) -> None:
            kc, km = worker.pop("kc", None), worker.pop("km", None)
            if kc is not None:
                with contextlib.suppress(Exception):
                    kc.stop_channels()
            if km is not None:
                stop_kernel(km)

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
