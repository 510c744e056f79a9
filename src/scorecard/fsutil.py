"""Files written so that a failure leaves nothing half done: the one atomic-write module.

- :func:`write_atomic` writes a file beside its destination and renames it into place;
- :func:`swap_dir` puts a finished folder in place of a published one in one step (an atomic exchange
  where the system has one), and publishes into a folder that is itself a mount point entry by entry;
- :func:`link_or_copy` hard-links where it can and copies where it cannot (another mount);
- :func:`data_lock` is the one lock that ingest, new-month and build take on the data folder;
- :func:`temp_dir` makes a marked temporary folder that :func:`clean_stale` removes after a crash;
- :func:`os_errors` turns disk-full, read-only and permission errors into one-line errors.
"""

from __future__ import annotations

import contextlib
import ctypes
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
    """Reproduce a published tree in ``dest`` by hard links (or copies), leaving out top entries in ``skip``,
    temporary entries and symbolic links (a link in a published folder is never followed)."""
    dest.mkdir(parents=True, exist_ok=True)
    if not src.is_dir():
        return
    for entry in src.iterdir():
        if entry.name in skip or entry.name.startswith(TEMP_MARK) or entry.is_symlink():
            continue
        if entry.is_dir():
            for folder, dirs, files in os.walk(entry):          # os.walk does not follow links to folders
                here = Path(folder)
                target = dest / here.relative_to(src)
                target.mkdir(parents=True, exist_ok=True)
                dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
                for f in files:
                    if not (here / f).is_symlink():
                        link_or_copy(here / f, target / f)
        else:
            link_or_copy(entry, dest / entry.name)


AT_FDCWD, RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system has no such call."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.renameat2
    except (OSError, AttributeError):
        return False
    if call(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_dir(built: Path, out: Path) -> None:
    """Put the finished folder in place of the published one, then remove the old one.

    The two are exchanged in one step where the system can (so there is no moment without a site);
    elsewhere the old folder is renamed aside first, and put back by :func:`clean_stale` if the run
    dies between the two renames. A published folder that is a mount point (a volume) cannot be
    renamed: its entries are replaced one by one instead (see :func:`_swap_entries`).
    """
    built, out = Path(built), Path(out)
    if out.is_dir() and os.path.ismount(out):
        _swap_entries(built, out)
        return
    old = out.parent / f"{TEMP_MARK}{os.getpid()}-old-{out.name}"
    with os_errors(out):
        try:
            if out.exists() and exchange(built, out):
                shutil.rmtree(built, ignore_errors=True)      # it now holds the old site
                return
            if out.exists():
                os.rename(out, old)
        except OSError as exc:
            if exc.errno != errno.EBUSY:                      # a bind mount ismount() cannot see
                raise
            _swap_entries(built, out)
            return
        try:
            os.rename(built, out)
        except OSError:
            if old.exists():
                os.rename(old, out)
            raise
    shutil.rmtree(old, ignore_errors=True)


def _swap_entries(built: Path, out: Path) -> None:
    """Publish into a mount point: the finished site is brought onto the mount (copied when it was made on
    another), then each of its entries (an edition's folder, ``index.html``, ``site_libs``) takes the place of
    the old one in one step. A failure while copying leaves the published site as it was."""
    clean_stale(out, keep={built})
    with os_errors(out):
        if built.parent.resolve() == out.resolve():
            stage, made = built, False
        else:
            stage, made = out / f"{TEMP_MARK}{os.getpid()}-in-{time.monotonic_ns()}", True
            try:
                link_tree(built, stage)
            except BaseException:
                shutil.rmtree(stage, ignore_errors=True)
                raise
        try:
            for entry in sorted(stage.iterdir(), key=lambda p: p.name == "index.html"):   # the list of editions last
                dest = out / entry.name
                if dest.exists() or dest.is_symlink():
                    if not exchange(entry, dest):
                        aside = stage / f"{TEMP_MARK}{os.getpid()}-old-{entry.name}"
                        os.rename(dest, aside)
                        os.rename(entry, dest)
                else:
                    os.rename(entry, dest)
        finally:
            if made:
                shutil.rmtree(stage, ignore_errors=True)


def staging_parent(out: Path) -> Path:
    """Where to make the folder that will replace ``out``: beside it, or inside it when it is a mount point
    (so that it is on the same file system and can be renamed into place)."""
    out = Path(out)
    return out if out.is_dir() and os.path.ismount(out) else out.parent


@contextlib.contextmanager
def temp_dir(parent: Path, label: str) -> Iterator[Path]:
    """A marked temporary folder inside ``parent`` (same mount, so it can be renamed into place)."""
    parent = Path(parent)
    with os_errors(parent):
        parent.mkdir(parents=True, exist_ok=True)
        path = parent / f"{TEMP_MARK}{os.getpid()}-{label}-{time.monotonic_ns()}"
        path.mkdir()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def clean_stale(parent: Path, keep: set[Path] = frozenset()) -> list[Path]:
    """Remove temporary folders and files left by a crashed run whose process is gone.

    A published folder renamed aside (``<mark><pid>-old-<name>``) by a run that died before putting the new
    one in place is put back instead, when nothing has taken its place."""
    removed = []
    parent = Path(parent)
    if not parent.is_dir():
        return removed
    keep = {Path(k).resolve() for k in keep}
    for entry in parent.iterdir():
        if not entry.name.startswith(TEMP_MARK) or entry.resolve() in keep:
            continue
        pid = _pid_in(entry.name)
        if pid and pid != os.getpid() and _alive(pid):
            continue
        rest = entry.name[len(TEMP_MARK):].split("-", 2)
        if len(rest) == 3 and rest[0].isdigit() and rest[1] == "old" and rest[2] and entry.is_dir() \
                and not entry.is_symlink():
            home = parent / rest[2]
            if not home.exists() and not home.is_symlink():
                with contextlib.suppress(OSError):
                    os.rename(entry, home)
                    continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _pid_in(name: str) -> int | None:
    """The process id in a temporary name: ``<mark><pid>-...`` (older names: the first number in it)."""
    parts = name[len(TEMP_MARK):].split("-")
    if parts and parts[0].isdigit():
        return int(parts[0])
    for part in parts:
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


@contextlib.contextmanager
def site_lock(out: Path, lock_dir: Path, timeout: float = 600.0) -> Iterator[None]:
    """One publisher at a time per published site (a second build waits for the first to swap in).

    The lock file lives in the build folder, never beside the site, which must not change on a failure."""
    import hashlib

    from filelock import FileLock, Timeout

    out = Path(out).resolve()
    Path(lock_dir).mkdir(parents=True, exist_ok=True)
    lock_path = Path(lock_dir) / f"site-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.lock"
    try:
        with FileLock(str(lock_path), timeout=timeout):
            yield
    except Timeout:
        raise ScorecardError(f"{out}: another build is publishing there; try again when it has finished",
                             EXIT_BUSY) from None
    except OSError as exc:
        raise ScorecardError(f"{lock_path}: cannot take the site's lock ({exc.strerror or exc})", EXIT_BUILD) from None


_WHY = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
        errno.EDQUOT: "the disk quota is exceeded", errno.EXDEV: "it is on another file system",
        errno.EBUSY: "it is in use (a mount point?)"}


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
