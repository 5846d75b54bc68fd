"""The Textual board: the only part of squadboard that imports Textual."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kanban_tui.app.app import SquadboardApp, create_app

__all__ = ["SquadboardApp", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `squadboard open` can start reading the board
    # (kanban_tui.app.head) before Textual is imported.
    if name in __all__:
        from kanban_tui.app import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
