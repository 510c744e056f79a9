"""The section notebooks: one per section and edition, where the analysts write the commentary.

``notebooks/<kind>.ipynb`` are the templates (overview, section, district, reference): thin code
cells that call :mod:`.page`. ``notebooks/<month>/<section>.ipynb`` are an edition's notebooks,
committed without outputs: the same code cells, the section's parameters, and under the tables
and charts the analysts' Markdown cells (the commentary, tagged ``commentary``). Executing a
notebook (papermill, or JupyterLab) only ever adds outputs to code cells; the Markdown cells are
the analysts' and nothing here writes them except :func:`create` for a new month.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

KERNEL = {"name": "scorecard", "display_name": "Python (scorecard)", "language": "python"}
COMMENTARY_TAG = "commentary"
DRAFT_TAG = "draft"
DRAFT_MARK = "[DRAFT]"
PARAMETERS_TAG = "parameters"


def month_dir(notebooks: Path, month: str) -> Path:
    return Path(notebooks) / month


def path_of(notebooks: Path, month: str, section: str) -> Path:
    return month_dir(notebooks, month) / f"{section}.ipynb"


_READ: dict[tuple, str] = {}


def read(path: Path, validate: bool = True) -> nbformat.NotebookNode:
    """A notebook (a fresh copy each time), or a one-line error naming it.

    A notebook's text is read once per process while the file is unchanged. ``validate=False``
    skips the schema check, for the executed copies this package wrote itself.
    """
    from ..errors import EXIT_INVALID, Report, ScorecardError
    from ..inputs.csvfile import open_regular

    path = Path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size, validate)
    except OSError:
        key = None
    text = _READ.get(key) if key else None
    if text is None:
        report = Report()
        raw = open_regular(path, report, str(path), 50 * 1024 * 1024)
        if raw is None:
            raise ScorecardError([p.line() for p in report.errors], EXIT_INVALID)
        text = raw.decode("utf-8", errors="replace")
    try:
        if validate:
            nb = nbformat.reads(text, as_version=4)
        else:
            nb = nbformat.v4.reads(text)   # lines joined as nbformat.reads does, without the schema check
            if nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
                raise ValueError("not a version 4 notebook")
    except Exception as exc:  # noqa: BLE001 - unreadable JSON or schema: one message
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ScorecardError(f"{path}: not a readable notebook ({first[:200]})", EXIT_INVALID) from None
    if key:
        _READ[key] = text
    return nb


_EXECUTED: dict[str, tuple[tuple, dict]] = {}


def read_executed(path: Path) -> dict:
    """An executed copy this package wrote, as plain JSON: no NotebookNode, no schema check.

    A build reads each executed copy twice (what it was made from, then its outputs); turning a
    700 KB notebook into NotebookNodes costs ten times the JSON parse. Kept per process while the
    file is unchanged and shared between callers: do not modify what it returns.
    """
    import json

    from ..errors import EXIT_INVALID, Report, ScorecardError
    from ..inputs.csvfile import open_regular

    path = Path(path)
    name = str(path.resolve())
    try:
        st = path.stat()
    except OSError:
        raise ScorecardError(f"{path}: no such executed notebook", EXIT_INVALID) from None
    key = (st.st_mtime_ns, st.st_size, st.st_ino)
    hit = _EXECUTED.get(name)
    if hit and hit[0] == key:
        return hit[1]
    report = Report()
    raw = open_regular(path, report, str(path), 200 * 1024 * 1024)
    if raw is None:
        raise ScorecardError([p.line() for p in report.errors], EXIT_INVALID)
    try:
        nb = json.loads(raw)
        if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            raise ValueError("not a version 4 notebook")
    except ValueError as exc:
        raise ScorecardError(f"{path}: not a readable notebook ({str(exc)[:200]})", EXIT_INVALID) from None
    _EXECUTED[name] = (key, nb)
    return nb


def parameters(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The parameter cell's assignments (``name = "value"``), read without executing anything."""
    import ast

    out: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return out
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    out[node.targets[0].id] = node.value.value
    return out


def set_parameters(nb: nbformat.NotebookNode, values: dict[str, str]) -> None:
    for cell in nb.cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", []):
            lines = []
            for line in cell.source.splitlines():
                name = line.split("=", 1)[0].strip()
                if "=" in line and name in values:
                    comment = line.split("#", 1)[1] if "#" in line.split("=", 1)[1] else ""
                    line = f"{name} = {json.dumps(values[name])}" + (f"  #{comment}" if comment else "")
                lines.append(line)
            cell.source = "\n".join(lines)
            return


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Without outputs, execution counts or run metadata (what is committed)."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i + 1}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "papermill", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    nb.metadata = {"kernelspec": dict(KERNEL), "language_info": {"name": "python"}}
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    from ..fsutil import write_atomic

    write_atomic(path, nbformat.writes(nb) + "\n")


def markdown_cells(nb: nbformat.NotebookNode) -> list[tuple[int, str, list[str]]]:
    """(1-based cell number, source, tags) of every Markdown cell: the notebook's own words."""
    return [(i, c.source, list(c.metadata.get("tags", []))) for i, c in enumerate(nb.cells, start=1)
            if c.cell_type == "markdown"]


def _digest(parts: list[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") + b"\0")
    return h.hexdigest()


def code_fingerprint(nb: nbformat.NotebookNode) -> str:
    """What executing the notebook depends on in the notebook itself: its code cells and kernel."""
    parts = [json.dumps(nb.metadata.get("kernelspec", {}), sort_keys=True)]
    parts += [c.source for c in nb.cells if c.cell_type == "code"]
    return _digest(parts)


def words_fingerprint(nb: nbformat.NotebookNode) -> str:
    """The notebook's Markdown cells and their places: what an analyst edits."""
    return _digest([f"{i}\0{src}" for i, src, _ in markdown_cells(nb)])


def create(template: nbformat.NotebookNode, values: dict[str, str], words: list[tuple[str, list[str]]]
           ) -> nbformat.NotebookNode:
    """A month's notebook: the template's cells with the parameters set, then Markdown cells ``words``."""
    nb = nbformat.reads(nbformat.writes(template), as_version=4)
    set_parameters(nb, values)
    for text, tags in words:
        cell = nbformat.v4.new_markdown_cell(text)
        if tags:
            cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
    return strip(nb)
