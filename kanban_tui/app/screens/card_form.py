"""The card form (new and edit). Invalid input is explained in the form and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.models import Board, Card, ClassOfService
from kanban_tui.domain.text import clean_description, clean_name, clean_title, printable
from kanban_tui.domain.when import parse_day


@dataclass(frozen=True)
class CardDraft:
    """What the form collected, already validated."""

    title: str
    description: str
    tags: tuple[str, ...]
    """Tag names; names the squad does not have yet are created on save."""
    assignees: tuple[str, ...]
    class_of_service: ClassOfService
    due: date | None


class CardFormModal(ModalScreen[CardDraft | None]):
    """Create or edit a card."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self, board: Board, clock: Callable[[], datetime], card: Card | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self.board = board
        self.clock = clock
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        title = f"Edit {card.key}" if card else "New card"
        with VerticalScroll(classes="dialog-box form-box"):
            yield Static(Text(title, style="bold"), classes="dialog-title")
            yield Label("Title", classes="field-label")
            yield Input(value=card.title if card else "", id="title", max_length=200)
            yield Label("", id="title-error", classes="form-error", markup=False)
            yield Label("Description (Markdown)", classes="field-label")
            yield TextArea(card.description if card else "", id="description", soft_wrap=True)
            yield Label("Customer value tags", classes="field-label")
            yield SelectionList[str](
                *(
                    Selection(
                        Text(printable(t.name)), t.name, card is not None and t.id in card.tag_ids
                    )
                    for t in self.board.tags
                ),
                id="tags",
            )
            yield Input(placeholder="New value tags, comma separated", id="new-tags")
            yield Label("Assignees", classes="field-label")
            yield SelectionList[str](
                *(
                    Selection(Text(printable(m)), m, card is not None and m in card.assignees)
                    for m in self.board.squad.members
                ),
                id="assignees",
            )
            with Horizontal(classes="form-row"):
                with VerticalScroll(classes="form-cell"):
                    yield Label("Class of service", classes="field-label")
                    yield Select(
                        [(c.value, c) for c in ClassOfService],
                        value=card.class_of_service if card else ClassOfService.STANDARD,
                        allow_blank=False,
                        id="class",
                    )
                with VerticalScroll(classes="form-cell"):
                    yield Label("Due date", classes="field-label")
                    yield Input(
                        value=card.due.isoformat() if card and card.due else "",
                        placeholder="e.g. 2026-12-01, friday, tomorrow",
                        id="due",
                    )
                    yield Label("", id="due-error", classes="form-error", markup=False)
            yield Label("", id="form-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save  ctrl+s", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def _error(self, field: str, message: str) -> None:
        self.query_one(f"#{field}-error", Label).update(message)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        for field in ("title", "due", "form"):
            self._error(field, "")
        zone = ZoneInfo(self.board.squad.timezone)
        valid = True
        try:
            title = clean_title(self.query_one("#title", Input).value)
        except InvalidInput as error:
            self._error("title", str(error).capitalize())
            valid = False
        due_text = self.query_one("#due", Input).value.strip()
        due: date | None = None
        if due_text and due_text.lower() != "none":
            try:
                due = parse_day(due_text, zone, self.clock())
            except InvalidInput as error:
                self._error("due", str(error).capitalize())
                valid = False
        try:
            description = clean_description(self.query_one("#description", TextArea).text)
            typed = self.query_one("#new-tags", Input).value
            new_tags = [clean_name(t, "tag name") for t in typed.split(",") if t.strip()]
        except InvalidInput as error:
            self._error("form", str(error).capitalize())
            valid = False
        if not valid:
            self.notify("Nothing was saved: fix the fields marked in red.", severity="warning")
            return
        tags = list(self.query_one("#tags", SelectionList).selected) + new_tags
        klass = self.query_one("#class", Select).value
        self.dismiss(
            CardDraft(
                title=title,
                description=description,
                tags=tuple(dict.fromkeys(tags)),
                assignees=tuple(self.query_one("#assignees", SelectionList).selected),
                class_of_service=ClassOfService(str(klass)),
                due=due,
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
