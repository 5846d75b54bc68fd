"""squadboard: a terminal Kanban board for customer value squads."""

__version__ = "0.1.0"
"""The one place the version lives (pyproject reads it), so nothing scans package metadata."""
