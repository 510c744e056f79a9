"""Keeping the section notebooks clean: tags, kernel metadata and no outputs in git.

Source notebooks are committed without outputs (the executed copies live in
``build/``), with a ``parameters``-tagged cell for papermill and the
``python3`` kernel. ``clean`` puts a notebook in that state; ``problems``
says what is wrong with one (used by the tests). From a shell::

    python -m scorecard.nbtools notebooks/*.ipynb          # clean in place
    python -m scorecard.nbtools --check notebooks/*.ipynb  # exit 1 if any is not clean
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python"}
PARAMETERS_TAG = "parameters"


def code(source: str, label: str | None = None, tags: tuple[str, ...] = ()) -> NotebookNode:
    """A code cell; ``label`` becomes a ``#| label:`` option (Quarto's embed handle)."""
    text = source.strip("\n")
    if label:
        text = f"#| label: {label}\n{text}"
    cell = nbformat.v4.new_code_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def markdown(text: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def parameters(**values) -> NotebookNode:
    """The papermill parameters cell: one ``name = value`` line per parameter, tagged ``parameters``."""
    lines = ["# Parameters (papermill replaces these; `scorecard run` passes absolute paths)"]
    lines += [f"{k} = {json.dumps(v) if isinstance(v, str) else repr(v)}" for k, v in values.items()]
    return code("\n".join(lines), tags=(PARAMETERS_TAG,))


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return clean(nb)


def _stable_id(nb: NotebookNode, i: int, cell: NotebookNode) -> str:
    label = next((ln.split(":", 1)[1].strip() for ln in cell.source.splitlines()
                  if ln.startswith("#| label:")), "")
    if not label and PARAMETERS_TAG in cell.metadata.get("tags", []):
        label = "parameters"
    return (label or f"cell-{i + 1}")[:64]


def clean(nb: NotebookNode) -> NotebookNode:
    """Strip outputs and execution counts, set the kernel, and give cells stable ids."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        meta = {k: v for k, v in cell.metadata.items() if k == "tags" and v}
        cell.metadata = meta
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cid = _stable_id(nb, i, cell)
        while cid in seen:
            cid = f"{cid}-{i + 1}"[:64]
        seen.add(cid)
        cell["id"] = cid
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def problems(path: Path) -> list[str]:
    """What stops a source notebook being committed as it is (empty list when it is clean)."""
    nb = nbformat.read(path, as_version=4)
    out = []
    tagged = [c for c in nb.cells if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        out.append(f"{path}: expected one cell tagged '{PARAMETERS_TAG}', found {len(tagged)}")
    if nb.metadata.get("kernelspec", {}).get("name") != KERNELSPEC["name"]:
        out.append(f"{path}: kernel is not {KERNELSPEC['name']}")
    for i, c in enumerate(nb.cells, start=1):
        if c.cell_type != "code":
            continue
        if c.get("outputs"):
            out.append(f"{path}: cell {i} has outputs (run `python -m scorecard.nbtools {path}`)")
        if c.get("execution_count") is not None:
            out.append(f"{path}: cell {i} has an execution count")
    return out


def write(nb: NotebookNode, path: Path) -> None:
    nbformat.validate(nb)
    Path(path).write_text(nbformat.writes(clean(nb)) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"]
    bad = []
    for p in paths:
        if check:
            bad += problems(p)
        else:
            write(nbformat.read(p, as_version=4), p)
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
