"""The board file: SQLite event log, projections, migrations. Never imports the UI."""

from kanban_tui.storage.connection import BoardFileError, sqlite_version
from kanban_tui.storage.store import CardChange, Store

__all__ = ["BoardFileError", "CardChange", "Store", "sqlite_version"]
