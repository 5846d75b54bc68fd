"""The squadboard Textual app and its one factory, shared by the CLI, tests and snapshots."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kanban_tui.app.commands import BoardCommands
from kanban_tui.app.screens.board import POLL_SECONDS, BoardScreen
from kanban_tui.app.screens.help import HelpScreen
from kanban_tui.app.ui_state import UiState, load_ui_state, save_ui_state
from kanban_tui.domain.clock import Clock, system_clock
from kanban_tui.storage.store import Store

if TYPE_CHECKING:
    from kanban_tui.app.folder_sync import FolderSync
    from kanban_tui.app.head import HeadRead

STYLES = Path(__file__).parent / "styles"

BOARD_COMMANDS = (
    ("New card", "n", "new_card"),
    ("Edit card", "e", "edit_card"),
    ("Block or unblock card", "b", "block"),
    ("Assign members", "a", "assign"),
    ("Value tags of card", "t", "tags"),
    ("Archive or unarchive card", "x", "archive"),
    ("Delete card", "d", "delete"),
    ("Filter cards", "/", "filter"),
    ("Show or hide archived cards", "A", "toggle_archived"),
    ("Show or hide card details", "i", "toggle_details"),
    ("Switch squad", "s", "switch_squad"),
    ("Undo my last change", "u", "undo"),
)
"""Board actions offered in the command palette as well as on their keys."""
APP_BOARD_COMMANDS = (("Flow metrics", "f", "flow"), ("Retrospective", "R", "retro"))

"""Palette commands from the board whose actions belong to the app (they push a screen)."""


class SquadboardApp(App[None]):
    """squadboard in the terminal."""

    CSS_PATH = [
        STYLES / "board.tcss",
        STYLES / "dialogs.tcss",
        STYLES / "flow.tcss",
        STYLES / "retro.tcss",
    ]
    TITLE = "squadboard"
    COMMANDS = App.COMMANDS | {BoardCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        squad: str | None = None,
        clock: Clock = system_clock,
        ui_state_file: Path | None = None,
        poll_seconds: float | None = POLL_SECONDS,
        forecast_seed: int | None = None,
        folder_sync: FolderSync | None = None,
        head: HeadRead | None = None,
    ) -> None:
        super().__init__()
        self.folder_sync = folder_sync
        """Share the board through a synced folder while it is open (`open --sync DIR`)."""
        self.store = store
        self.clock = clock
        self.ui_state_file = ui_state_file
        self.ui_state = load_ui_state(ui_state_file) if ui_state_file else UiState()
        self.board_key = store.backend.board_key
        self.start_squad = squad or self.ui_state.last_squad.get(self.board_key)
        self.poll_seconds = poll_seconds
        self.forecast_seed = forecast_seed
        """Seed of the flow screen's forecasts; None picks one per session (and shows it)."""
        self.head = head
        """The first frame's read, started before Textual was imported (`squadboard open`);
        the board uses it if it is of the squad the board opens."""

    def on_mount(self) -> None:
        if self.ui_state.theme in self.available_themes:
            self.theme = self.ui_state.theme
        self.push_screen(
            BoardScreen(
                self.store,
                self.clock,
                self.start_squad,
                poll_seconds=self.poll_seconds,
                on_squad_chosen=self._remember_squad,
                head=self.head,
            )
        )
        if self.folder_sync:
            from kanban_tui.app.folder_sync import start_folder_sync  # only with `open --sync`

            start_folder_sync(self, self.store, self.folder_sync)

    async def action_quit(self) -> None:
        """Quit once every change the user made is in the board: a move is drawn before it is
        written, so a quick `q` after it waits for the write."""
        for board in self.screen_stack:
            if isinstance(board, BoardScreen) and board.writes_pending():
                board.after_writes(lambda: self.call_later(self.action_quit))
                return
        self.exit()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_flow(self) -> None:
        """Open the flow metrics of the squad the board shows."""
        # Imported here: the charts are not needed for the board's first frame.
        from kanban_tui.app.screens.flow import FlowScreen

        boards = [s for s in self.screen_stack if isinstance(s, BoardScreen)]
        if not boards or isinstance(self.screen, FlowScreen):
            return
        if self.forecast_seed is None:
            self.forecast_seed = random.SystemRandom().randrange(2**31)
        self.push_screen(
            FlowScreen(self.store, self.clock, boards[-1].squad_name, seed=self.forecast_seed)
        )

    def action_retro(self) -> None:
        """Open the newest retro of the squad the board shows."""
        from kanban_tui.app.screens.retro import RetroScreen

        boards = [s for s in self.screen_stack if isinstance(s, BoardScreen)]
        if not boards or isinstance(self.screen, RetroScreen):
            return
        self.push_screen(
            RetroScreen(
                self.store, self.clock, boards[-1].squad_name, poll_seconds=self.poll_seconds
            )
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every board key is also a palette command, with its key in the help text."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, BoardScreen):
            for title, key, action in BOARD_COMMANDS:
                yield SystemCommand(title, f"Key: {key}", getattr(screen, f"action_{action}"))
            for title, key, action in APP_BOARD_COMMANDS:
                yield SystemCommand(title, f"Key: {key}", getattr(self, f"action_{action}"))
        for title, key, action in getattr(screen, "PALETTE_COMMANDS", ()):
            yield SystemCommand(title, f"Key: {key}", getattr(screen, f"action_{action}"))
        yield SystemCommand("Help", "Key: ?  Every key and the conventions", self.action_help)

    def watch_theme(self, theme: str) -> None:
        if self.ui_state_file and theme != self.ui_state.theme:
            self.ui_state = replace(self.ui_state, theme=theme)
            self._save_ui_state()

    def _remember_squad(self, squad: str) -> None:
        remembered = {**self.ui_state.last_squad, self.board_key: squad}
        self.ui_state = replace(self.ui_state, last_squad=remembered)
        self._save_ui_state()

    @work(thread=True, group="ui-state", exit_on_error=False)
    def _save_ui_state(self) -> None:
        if self.ui_state_file:
            save_ui_state(self.ui_state_file, self.ui_state)

    def on_unmount(self) -> None:
        self.store.close()


def create_app(
    store: Store,
    *,
    squad: str | None = None,
    clock: Clock = system_clock,
    ui_state_file: Path | None = None,
    poll_seconds: float | None = POLL_SECONDS,
    forecast_seed: int | None = None,
    folder_sync: FolderSync | None = None,
    head: HeadRead | None = None,
) -> SquadboardApp:
    """Build the app; the CLI, the tests and the snapshot tests all come through here."""
    return SquadboardApp(
        store,
        squad=squad,
        clock=clock,
        ui_state_file=ui_state_file,
        poll_seconds=poll_seconds,
        forecast_seed=forecast_seed,
        folder_sync=folder_sync,
        head=head,
    )
