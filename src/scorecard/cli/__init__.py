"""The `scorecard` command: the top of the pipeline. Nothing else imports this package."""

from .app import main

__all__ = ["main"]
