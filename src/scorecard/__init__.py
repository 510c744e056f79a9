"""The CYPE Directorate Scorecard: data, engine and publication."""

__version__ = "0.1.0"
