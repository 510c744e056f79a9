"""Commands registered on the scorecard CLI (see cli.py)."""
