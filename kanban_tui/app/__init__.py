"""The Textual board: the only part of squadboard that imports Textual."""

from kanban_tui.app.app import SquadboardApp, create_app

__all__ = ["SquadboardApp", "create_app"]
