"""The retro screen: the evidence pack with small charts, and the squad's notes board, live.

Every store access runs in a thread worker that posts a message; a poll of the log's position
(as the board does) reloads the retro when a teammate changes it from another terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kanban_tui.app.screens.board import POLL_SECONDS
from kanban_tui.app.screens.dialogs import ConfirmModal, ReasonModal
from kanban_tui.app.widgets.charts import ChartView, number, render_bars, render_scatter
from kanban_tui.app.widgets.footer import KeyBar
from kanban_tui.domain.clock import Clock
from kanban_tui.domain.errors import SquadboardError
from kanban_tui.domain.retro import Evidence, RetroBoard, RetroNote
from kanban_tui.domain.text import printable
from kanban_tui.storage.store import Store

_ARROWS = {"up": "↑", "down": "↓", "same": "→", "n/a": " "}


@dataclass
class RetroLoaded(Message):
    """The worker read the retro as this user sees it, up to log position `position`."""

    board: RetroBoard
    position: int


@dataclass
class RetroUnavailable(Message):
    """The retro could not be read or changed (no retro yet, closed, vote limit…)."""

    reason: str
    position: int | None = None
    """For a failed read: the log position it saw, so polling waits for the next change."""


def figures_table(evidence: Evidence) -> Group:
    """This period against the previous one, with the direction of each change, and the
    conventions the numbers were computed under."""
    table = Table("Figure", "Now", "Before", "", box=None, pad_edge=False)
    for f in evidence.figures:
        share = f.unit == "share"
        shown = [
            "-" if v is None else (f"{v:.0%}" if share else number(v))
            for v in (f.current, f.previous)
        ]
        good = f.better != "neither" and f.direction == f.better
        bad = f.better != "neither" and f.direction in ("up", "down") and not good
        style = "green" if good else "red" if bad else "dim"
        table.add_row(f.name, *shown, Text(_ARROWS[f.direction], style=style))
    return Group(table, Text(printable(evidence.convention), style="dim"))


def note_prompt(note: RetroNote) -> Text:
    """One note as a line of the board; its text is shown as typed, never as markup."""
    dots = "●" * note.votes
    return Text.assemble(
        (f"{note.number:>2} ", "dim"),
        (f"{printable(note.column)}: ", "bold"),
        printable(note.text),
        (f" [{printable(note.group)}]" if note.group else "", "italic"),
        (f" {dots}" if dots else "", "yellow"),
        (f" ({printable(note.author)})" if note.author else " (anonymous)", "dim"),
    )


class RetroScreen(Screen[None]):
    """One retro of a squad (its newest by default): evidence left, notes right."""

    BINDINGS = [
        Binding("escape,q", "close", "Board"),
        Binding("n", "add_note", "Note"),
        Binding("N", "add_note(True)", "Anonymous note"),
        Binding("left_square_bracket", "column(-1)", "Column", key_display="["),
        Binding("right_square_bracket", "column(1)", "Column", key_display="]", show=False),
        Binding("e", "edit_note", "Edit own"),
        Binding("g", "group_note", "Group"),
        Binding("v", "vote", "Vote"),
        Binding("a", "add_action", "Action"),
        Binding("V", "reveal", "Reveal", show=False),
        Binding("C", "close_retro", "Close retro", show=False),
    ]
    PALETTE_COMMANDS = (
        ("Add a note", "n", "add_note"),
        ("Vote for the highlighted note", "v", "vote"),
        ("Agree an action (a card)", "a", "add_action"),
        ("Reveal everyone's notes (facilitator)", "V", "reveal"),
        ("Close the retro (facilitator)", "C", "close_retro"),
    )
    """(title, key, action) offered in the command palette as well as on their keys."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        squad: str | None,
        *,
        poll_seconds: float | None = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.squad_name = squad
        self.poll_seconds = poll_seconds
        self.board: RetroBoard | None = None
        self.position = -1
        """The log position the shown retro reflects; a poll reloads when it moves."""
        self.column_index = 0
        """Which of the retro's columns a new note goes to."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="retro-header"):
            yield Static(id="retro-title", markup=False)
            yield Static(id="retro-status", markup=False)
        with Horizontal(id="retro-body"):
            with VerticalScroll(id="retro-evidence"):
                yield Static(id="retro-figures", markup=False)
                yield ChartView("Cycle times against the SLE", id="retro-scatter")
                yield ChartView("Throughput per week", id="retro-throughput")
                yield Static(id="retro-blockers", markup=False)
                yield Static(id="retro-earlier", markup=False)
            yield OptionList(id="retro-notes")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#retro-title", Static).update(Text("Loading the retro…", style="dim"))
        self.query_one("#retro-figures", Static).border_title = "Evidence"
        self.query_one("#retro-blockers", Static).border_title = "Top blockers"
        self.query_one("#retro-earlier", Static).border_title = "Earlier actions"
        self.query_one("#retro-notes", OptionList).border_title = "Notes (most votes first)"
        self.query_one("#retro-notes", OptionList).focus()
        self.load()
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.check_changes)

    # -- reading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="retro-read", exit_on_error=False)
    def load(self) -> None:
        position = None
        try:
            position = self.store.log_position()
            number = self.board.retro.number if self.board else None
            board = self.store.retro_board(number, self.squad_name)
        except SquadboardError as error:
            if not get_current_worker().is_cancelled:
                self.post_message(RetroUnavailable(str(error), position))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(RetroLoaded(board, position))

    @work(thread=True, exclusive=True, group="retro-poll", exit_on_error=False)
    def check_changes(self) -> None:
        try:
            moved = self.store.log_position() != self.position
        except SquadboardError as error:
            self.post_message(RetroUnavailable(str(error)))
            return
        if moved:
            self.app.call_from_thread(self.load)

    @on(RetroLoaded)
    def retro_loaded(self, message: RetroLoaded) -> None:
        self.board, self.position = message.board, message.position
        self.query_one("#retro-evidence").display = True
        self.set_class(message.board.retro.closed, "-closed")
        self._show(message.board)

    @on(RetroUnavailable)
    def retro_unavailable(self, message: RetroUnavailable) -> None:
        if message.position is not None:
            self.position = message.position  # read again only when the log moves on
        if self.board is None:
            # Nothing to show yet (no retro started): the title says why, once, not a toast
            # on every poll.
            self.query_one("#retro-title", Static).update(Text(printable(message.reason)))
            self.query_one("#retro-evidence").display = False  # no period, so no evidence
            return
        self.notify(printable(message.reason), severity="warning", markup=False)

    # -- changes -------------------------------------------------------------------------------

    @work(thread=True, group="retro-write", exit_on_error=False)
    def write(self, change: Callable[[Store], object]) -> None:
        """Run one change in a thread; then re-read, or say why it was refused."""
        try:
            change(self.store)
        except SquadboardError as error:
            self.post_message(RetroUnavailable(str(error)))
            return
        self.app.call_from_thread(self.load)

    def _selected(self) -> RetroNote | None:
        notes = self.query_one("#retro-notes", OptionList)
        if self.board is None or notes.highlighted is None:
            return None
        return self.board.notes[notes.highlighted]

    def _ask(self, title: str, explanation: str, then: Callable[[str], object]) -> None:
        if self.board is not None and self.board.retro.closed:
            self.notify(f"retro {self.board.retro.number} is closed: read-only", markup=False)
            return

        def answered(text: str | None) -> None:
            if text:
                then(text)

        self.app.push_screen(
            ReasonModal(title, explanation, "Save", missing="Some text is required."), answered
        )

    def action_add_note(self, anonymous: bool = False) -> None:
        if self.board is None:
            return
        retro = self.board.retro
        column = retro.columns[self.column_index % len(retro.columns)]
        how = "anonymous: your name is not stored at all" if anonymous else "signed"
        self._ask(
            f"Note in {column}",
            f"A {how} note for retro {retro.number} ([ and ] change the column).",
            lambda text: self.write(
                lambda s: s.add_retro_note(retro.number, column, text, anonymous=anonymous)
            ),
        )

    def action_column(self, step: int) -> None:
        if self.board is not None:
            self.column_index = (self.column_index + step) % len(self.board.retro.columns)
            self._show_status(self.board)

    def action_edit_note(self) -> None:
        note = self._selected()
        if self.board is None or note is None:
            return
        number = self.board.retro.number
        self._ask(
            f"Edit note {note.number}",
            note.text,
            lambda text: self.write(lambda s: s.edit_retro_note(number, note.number, text)),
        )

    def action_group_note(self) -> None:
        note = self._selected()
        if self.board is None or note is None:
            return
        number = self.board.retro.number
        self._ask(
            f"Group note {note.number}",
            "Notes with the same group name are ranked together by their votes.",
            lambda name: self.write(lambda s: s.group_retro_notes(number, [note.number], name)),
        )

    def action_vote(self) -> None:
        note = self._selected()
        if self.board is not None and note is not None:
            number = self.board.retro.number
            self.write(lambda s: s.vote(number, note.number))

    def action_add_action(self) -> None:
        if self.board is None:
            return
        number = self.board.retro.number
        self._ask(
            "Action",
            "It becomes a card on the board, marked as a retro action.",
            lambda text: self.write(lambda s: s.add_retro_action(number, text)),
        )

    def action_reveal(self) -> None:
        """Show everyone's notes (the store refuses anyone but the facilitator)."""
        if self.board is not None:
            number = self.board.retro.number
            self.write(lambda s: s.reveal_retro(number))

    def action_close_retro(self) -> None:
        """Close the retro after a confirmation (the store refuses anyone but the facilitator)."""
        if self.board is None or self.board.retro.closed:
            return
        number = self.board.retro.number

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(lambda s: s.close_retro(number))

        self.app.push_screen(
            ConfirmModal(
                f"Close retro {number}? It becomes read-only; its evidence is kept as it is.",
                yes="Close retro",
            ),
            confirmed,
        )

    def action_close(self) -> None:
        self.dismiss()

    # -- drawing -------------------------------------------------------------------------------

    def _show_status(self, board: RetroBoard) -> None:
        retro = board.retro
        if retro.closed:
            status = "closed: read-only"
        else:
            column = retro.columns[self.column_index % len(retro.columns)]
            status = f"new notes go to {column} · {board.votes_left} vote(s) left"
        self.query_one("#retro-status", Static).update(Text(printable(status), style="dim"))

    def _show(self, board: RetroBoard) -> None:
        retro, evidence = board.retro, board.evidence
        self.query_one("#retro-title", Static).update(
            Text.assemble(
                (f"Retro {retro.number}: {printable(retro.title)}", "bold"),
                f"  {retro.period.since} to {retro.period.until}"
                f" vs {retro.previous_period.since} to {retro.previous_period.until}",
            )
        )
        self._show_status(board)
        self.query_one("#retro-figures", Static).update(figures_table(evidence))
        unit = "d" if evidence.unit == "days" else "h"
        points = [(float(i), v) for i, v in enumerate(evidence.cycle_times)]
        self.query_one("#retro-scatter", ChartView).show(
            lambda w, h: render_scatter(
                points,
                x_range=(0.0, float(max(1, len(points) - 1))),
                lines={85: evidence.sle_value},
                width=w,
                height=h,
                unit=unit,
            )
        )
        weeks = [float(t) for t in evidence.weekly_throughput]
        self.query_one("#retro-throughput", ChartView).show(
            lambda w, h: render_bars(weeks, width=w, height=h)
        )
        blockers = Text()
        for b in evidence.blockers:
            blockers.append(f"{printable(b.reason)}: {b.blocked_days:.1f} days\n", style="bold")
            if b.prompt:
                blockers.append(printable(b.prompt) + "\n", style="italic")
        self.query_one("#retro-blockers", Static).update(blockers or Text("none", style="dim"))
        review = board.earlier_actions
        earlier = Text(
            f"{review.done} done, {review.open} open, {review.carried_over} carried over"
            + (
                f", {review.completion_rate:.0%} complete"
                if review.completion_rate is not None
                else ""
            )
        )
        for a in review.actions:
            earlier.append(f"\n{'✓' if a.done else '·'} {printable(a.text)} ({a.card_key or '-'})")
        self.query_one("#retro-earlier", Static).update(earlier)
        notes = self.query_one("#retro-notes", OptionList)
        highlighted = notes.highlighted
        notes.clear_options()
        notes.add_options([Option(note_prompt(n), id=n.id) for n in board.notes])
        if board.hidden_notes:
            notes.border_subtitle = f"{board.hidden_notes} hidden until revealed"
        if board.notes:
            notes.highlighted = min(highlighted or 0, len(board.notes) - 1)
