"""Small modal dialogs that return typed values: a reason, a yes/no, a checklist, a squad."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from kanban_tui.domain.text import printable


class ReasonModal(ModalScreen[str | None]):
    """Ask for a reason (a block, a WIP override); a reason is required to confirm."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        explanation: str,
        confirm: str,
        placeholder: str = "",
        missing: str = "A reason is required.",
    ) -> None:
        super().__init__(classes="dialog")
        self.missing = missing
        self.title_text = title
        self.explanation = explanation
        self.confirm = confirm
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(printable(self.explanation)), classes="dialog-text")
            yield Input(placeholder=self.placeholder, id="reason")
            yield Label("", id="reason-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm, id="confirm", variant="warning")

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#reason-error", Label).update(self.missing)
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question; Escape means no."""

    BINDINGS = [Binding("escape", "no", "Cancel"), Binding("y", "yes", "Yes")]

    def __init__(self, question: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(printable(self.question, multiline=True)), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)


class ChecklistModal(ModalScreen[list[str] | None]):
    """Pick any number of items (members to assign, value tags); optionally type new ones."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        items: Sequence[str],
        chosen: Sequence[str],
        *,
        new_item_label: str | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.items = list(items)
        self.chosen = set(chosen)
        self.new_item_label = new_item_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield SelectionList[str](
                *(Selection(Text(printable(i)), i, i in self.chosen) for i in self.items),
                id="checklist",
            )
            if self.new_item_label:
                yield Input(placeholder=self.new_item_label, id="new-items")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        picked = list(self.query_one("#checklist", SelectionList).selected)
        if self.new_item_label:
            typed = self.query_one("#new-items", Input).value
            picked += [part.strip() for part in typed.split(",") if part.strip()]
        self.dismiss(list(dict.fromkeys(picked)))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class SquadPicker(ModalScreen[str | None]):
    """Choose a squad from the file."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, squads: Sequence[tuple[str, str]], current: str) -> None:
        super().__init__(classes="dialog")
        self.squads = squads
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text("Switch squad", style="bold"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(
                        Text.assemble((printable(name), "bold"), "  ", printable(mission)), id=name
                    )
                    for name, mission in self.squads
                ),
                id="squads",
            )

    def on_mount(self) -> None:
        options = self.query_one("#squads", OptionList)
        names = [name for name, _ in self.squads]
        options.highlighted = names.index(self.current) if self.current in names else 0

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
