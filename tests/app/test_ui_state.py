"""The TUI's per-user memory survives a round trip; a damaged file forgets only what is bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban_tui.app.ui_state import UiState, load_ui_state, save_ui_state


def test_the_state_survives_a_round_trip(tmp_path: Path) -> None:
    state = UiState(theme="nord", last_squad={"/boards/a.db": "Growth squad"})
    save_ui_state(tmp_path / "cfg" / "ui.json", state)
    assert load_ui_state(tmp_path / "cfg" / "ui.json") == state


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", UiState()),
        ("not json", UiState()),
        ("[1, 2]", UiState()),
        (
            '{"theme": 3, "last_squad": {"/a.db": "Growth"}}',
            UiState(last_squad={"/a.db": "Growth"}),
        ),
        (
            '{"theme": "nord", "last_squad": {"/a.db": 7, "/b.db": "Ops"}}',
            UiState("nord", {"/b.db": "Ops"}),
        ),
        ('{"theme": "nord", "last_squad": "Growth"}', UiState(theme="nord")),
    ],
)
def test_a_damaged_file_forgets_only_what_is_damaged(
    tmp_path: Path, text: str, expected: UiState
) -> None:
    path = tmp_path / "ui.json"
    path.write_text(text, encoding="utf-8")
    assert load_ui_state(path) == expected


def test_a_missing_file_remembers_nothing(tmp_path: Path) -> None:
    assert load_ui_state(tmp_path / "nowhere.json") == UiState()
