"""Files written so that a failure leaves nothing half done: the one atomic-write module.

- :func:`write_atomic` writes a file beside its destination and renames it into place;
- :func:`swap_dir` renames a finished folder over a published one;
- :func:`link_or_copy` hard-links where it can and copies where it cannot (another mount);
- :func:`data_lock` is the one lock that ingest, new-month and build take on the data folder;
- :func:`temp_dir` makes a marked temporary folder that :func:`clean_stale` removes after a crash;
- :func:`os_errors` turns disk-full, read-only and permission errors into one-line errors.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import EXIT_BUILD, EXIT_BUSY, ScorecardError

TEMP_MARK = ".scorecard-tmp-"          # every temporary folder's name starts with this
LOCK_NAME = ".scorecard.lock"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never a torn file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{TEMP_MARK}{os.getpid()}-{path.name}")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with os_errors(path):
        try:
            with open(tmp, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()


def replace_file(path: Path, data: bytes | str) -> None:
    """Write a new file rather than into an existing one: published files may be hard links."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        path.unlink()
    write_atomic(path, data)


def link_or_copy(src: Path, dest: Path) -> None:
    """Hard-link ``src`` to ``dest``; copy when a link cannot be made (another mount, no permission)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def link_tree(src: Path, dest: Path, skip: set[str] = frozenset()) -> None:
    """Reproduce a published tree in ``dest`` by hard links (or copies), leaving out top entries in ``skip``."""
    dest.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return
    for entry in src.iterdir():
        if entry.name in skip or entry.name.startswith(TEMP_MARK) or entry.is_symlink():
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, copy_function=lambda a, b: link_or_copy(Path(a), Path(b)))
        else:
            link_or_copy(entry, dest / entry.name)


def swap_dir(built: Path, out: Path) -> None:
    """Rename the finished folder over the published one; the old one is removed afterwards."""
    old = out.parent / f"{TEMP_MARK}old-{os.getpid()}-{out.name}"
    with os_errors(out):
        if out.exists():
            os.rename(out, old)
        try:
            os.rename(built, out)
        except OSError:
            if old.exists():
                os.rename(old, out)
            raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def temp_dir(parent: Path, label: str) -> Iterator[Path]:
    """A marked temporary folder inside ``parent`` (same mount, so it can be renamed into place)."""
    parent = Path(parent)
    with os_errors(parent):
        parent.mkdir(parents=True, exist_ok=True)
        path = parent / f"{TEMP_MARK}{label}-{os.getpid()}-{time.monotonic_ns()}"
        path.mkdir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def clean_stale(parent: Path) -> list[Path]:
    """Remove temporary folders and files left by a crashed run whose process is gone."""
    removed = []
    parent = Path(parent)
    if not parent.is_dir():
        return removed
    for entry in parent.iterdir():
        if not entry.name.startswith(TEMP_MARK):
            continue
        pid = _pid_in(entry.name)
        if pid and pid != os.getpid() and _alive(pid):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _pid_in(name: str) -> int | None:
    for part in name[len(TEMP_MARK):].split("-"):
        if part.isdigit():
            return int(part)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def data_lock(data_dir: Path, what: str, timeout: float = 10.0) -> Iterator[None]:
    """Hold the data folder's lock (filelock) while ``what`` reads or changes it."""
    from filelock import FileLock, Timeout

    lock_path = Path(data_dir).resolve().parent / LOCK_NAME
    try:
        lock = FileLock(str(lock_path), timeout=timeout)
        with lock:
            yield
    except Timeout:
        raise ScorecardError(f"{data_dir}: another scorecard command is using the data folder "
                             f"(lock {lock_path}); {what} waited {timeout:g} s; try again when it has finished",
                             EXIT_BUSY) from None
    except OSError as exc:
        raise ScorecardError(f"{lock_path}: cannot take the data lock ({exc.strerror or exc})", EXIT_BUILD) from None


_WHY = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
        errno.EDQUOT: "the disk quota is exceeded", errno.EXDEV: "it is on another file system"}


@contextlib.contextmanager
def os_errors(where: Path | str, code: int = EXIT_BUILD) -> Iterator[None]:
    """Turn an OSError (disk full, read-only, permissions) into a one-line ScorecardError."""
    try:
        yield
    except ScorecardError:
        raise
    except OSError as exc:
        why = _WHY.get(exc.errno, exc.strerror or type(exc).__name__)
        name = exc.filename or where
        raise ScorecardError(f"{name}: cannot write ({why}); nothing was published", code) from None


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies inside it (after resolving links)."""
    p, f = Path(path).resolve(), Path(folder).resolve()
    return p == f or f in p.parents


def tree_fingerprint(paths: list[Path], root: Path) -> str:
    """sha256 over relative names and bytes, in a stable order."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(paths):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
