"""The `?` screen: every key, the filter language and the conventions behind the numbers."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kanban_tui.domain.days import DAY_CONVENTION
from kanban_tui.domain.filters import FILTER_HELP

KEYS = (
    ("Move focus", "arrows or h j k l; click a card or column"),
    ("Move card to previous / next column", "H / L  or  shift+left / shift+right"),
    ("Move card up / down in its column", "K / J  or  shift+up / shift+down"),
    ("New card in this column", "n"),
    ("Edit card", "e or Enter"),
    ("Block / unblock (with a reason)", "b"),
    ("Assign members", "a"),
    ("Value tags", "t"),
    ("Archive / unarchive", "x"),
    ("Delete (asks first)", "d"),
    ("Show / hide archived cards", "A"),
    ("Filter as you type", "/   (Escape leaves the box; clear it to show all)"),
    ("Card details panel", "i"),
    ("Switch squad", "s"),
    ("Undo your last change", "u   (recorded as a new change)"),
    ("Command palette", "ctrl+p   (jump to card, move card, switch squad, theme)"),
    ("Help", "?"),
    ("Quit", "q"),
)


class HelpScreen(ModalScreen[None]):
    """Keys and conventions."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")  # the dialog styles: a bordered box over the board

    def compose(self) -> ComposeResult:
        keys = Table(box=None, show_header=False, padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for what, key in KEYS:
            keys.add_row(what, key)
        notes = Text.assemble(
            ("\nFilter: ", "bold"),
            FILTER_HELP,
            ("\nCard ages: ", "bold"),
            f"since the card started (or was created, if not started); {DAY_CONVENTION}. ",
            "A ✓ marks a finished card's cycle time. An in-flight card's age is green while it "
            "has used under 50% of the squad's SLE, yellow under 85%, and red (reversed) beyond: "
            "the SLE is `squad edit --sle`, else the 85th percentile of the last 90 days.",
            ("\nColumn headers: ", "bold"),
            "▲over: over its WIP limit; ■full: at the limit; ◇pull: under its limit in the "
            "started range, so it can pull work.",
            ("\nCard markers: ", "bold"),
            "⚡exp expedite, ◷ fixed date, ○ intangible, ⛔blocked (the reason is in the details), "
            "↺retro an action agreed in a retrospective, ⇄edited two copies changed it at once "
            "(the later edit won; both are in its history).",
        )
        with VerticalScroll(classes="dialog-box help-box"):
            yield Static(Text("squadboard keys", style="bold"), classes="dialog-title")
            yield Static(keys)
            yield Static(notes)
            yield Static(Text("Escape closes this help.", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
