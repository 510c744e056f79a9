"""`python -m scorecard` runs the command line."""

from .cli import main

main()
