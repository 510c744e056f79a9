"""Commentary checks (placeholder until the notebook-based lint lands)."""

from __future__ import annotations


def lint_edition(snap, notebooks_dir, month):
    return []
