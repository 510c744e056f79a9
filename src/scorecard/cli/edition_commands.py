"""Commands on one edition: new-month, run, lint, build."""

from __future__ import annotations
