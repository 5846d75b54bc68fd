"""Layering: domain and storage import without Textual; the CLI imports it only for the TUI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN_BELOW_THE_UI = {"textual", "kanban_tui.app"}


def _modules_after_import(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        ("import kanban_tui.domain", FORBIDDEN_BELOW_THE_UI | {"click", "sqlite_utils", "rich"}),
        # sqlite-utils imports click itself, so only the UI is ruled out for storage.
        ("import kanban_tui.storage.store", FORBIDDEN_BELOW_THE_UI),
        ("import kanban_tui.cli", FORBIDDEN_BELOW_THE_UI),
        # The web server runs each browser's board as a process of its own.
        ("import kanban_tui.web.server", FORBIDDEN_BELOW_THE_UI),
        # `squadboard open` starts reading the board with this before Textual is imported.
        ("import kanban_tui.app.head, kanban_tui.app.ui_state", {"textual"}),
        ("import kanban_tui", FORBIDDEN_BELOW_THE_UI | {"pydantic", "sqlite_utils"}),
    ],
)
def test_lower_layers_do_not_import_upper_ones(statement: str, forbidden: set[str]) -> None:
    loaded = _modules_after_import(statement)
    leaked = {m for m in loaded if m.split(".")[0] in forbidden or m in forbidden}
    assert not leaked, f"{statement!r} imported {sorted(leaked)}"


def test_importing_creates_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    subprocess.run(
        [sys.executable, "-c", "import kanban_tui.cli, kanban_tui.storage.store"],
        check=True,
        cwd=tmp_path,
    )
    assert list(tmp_path.iterdir()) == []


def test_import_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml (also run by `make imports`)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
