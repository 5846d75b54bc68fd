"""squadboard: a terminal Kanban board for customer value squads."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("squadboard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
