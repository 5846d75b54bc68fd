"""Per-user UI memory: the chosen theme and the last squad opened in each board file."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError


class UiState(BaseModel):
    """What the TUI remembers between runs, for this user (in the user's config directory)."""

    theme: str | None = None
    """The Textual theme last picked in the command palette."""
    last_squad: dict[str, str] = Field(default_factory=dict)
    """Board file path -> the squad last shown from it."""


def ui_state_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("squadboard", appauthor=False) / "ui.json"


def load_ui_state(path: Path) -> UiState:
    """Read the remembered state; a missing or damaged file just means nothing is remembered."""
    try:
        return UiState.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return UiState()


def save_ui_state(path: Path, state: UiState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state.model_dump(), indent=2), encoding="utf-8")
    temporary.replace(path)
