"""Per-user UI memory: the chosen theme and the last squad opened in each board file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class UiState:
    """What the TUI remembers between runs, for this user (in the user's config directory).

    A plain dataclass rather than a pydantic model: building a model's validator at start-up
    loads pydantic's plugin machinery (importlib.metadata), ~40 ms before the first frame.
    """

    theme: str | None = None
    """The Textual theme last picked in the command palette."""
    last_squad: Mapping[str, str] = field(default_factory=dict)
    """Board file path -> the squad last shown from it."""


def ui_state_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("squadboard", appauthor=False) / "ui.json"


def load_ui_state(path: Path) -> UiState:
    """Read the remembered state; whatever is missing or damaged is just not remembered."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    theme = data.get("theme")
    squads = data.get("last_squad")
    return UiState(
        theme=theme if isinstance(theme, str) else None,
        last_squad={
            board: squad
            for board, squad in (squads.items() if isinstance(squads, dict) else ())
            if isinstance(board, str) and isinstance(squad, str)
        },
    )


def save_ui_state(path: Path, state: UiState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    temporary.replace(path)
