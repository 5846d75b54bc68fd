"""The focused card's details: description as Markdown, tags, people, and its history."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kanban_tui.domain.events import Event, describe
from kanban_tui.domain.models import Board, Card
from kanban_tui.domain.text import printable


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %H:%M")


class CardDetails(VerticalScroll):
    """Side panel for one card; shows nothing until a card is highlighted."""

    _description = ""
    """The Markdown on show, so an unchanged description is not parsed and laid out again."""

    def compose(self) -> ComposeResult:
        yield Static(id="details-summary")
        yield Static(id="details-history")

    def clear(self) -> None:
        self.query_one("#details-summary", Static).update(Text("No card selected", style="dim"))
        self._show_description("")
        self.query_one("#details-history", Static).update("")

    def _show_description(self, markdown: str) -> None:
        # Textual's Markdown widget costs ~35 ms to import: it loads with the first card shown,
        # after the board's first frame, rather than before it.
        from textual.widgets import Markdown

        shown = self.query("#details-description")
        if shown:
            if markdown != self._description:  # a move leaves it as it was: skip the re-parse
                shown.first(Markdown).update(markdown)
        elif markdown:
            self.mount(
                Markdown(markdown, id="details-description", open_links=False),
                after="#details-summary",
            )
        self._description = markdown

    def show_card(self, card: Card, board: Board, history: list[Event]) -> None:
        zone = ZoneInfo(board.squad.timezone)
        columns = {c.id: c.name for c in board.columns}
        tags = {t.id: t.name for t in board.tags}
        summary = Text()
        summary.append(f"{card.key}\n", style="bold")
        summary.append(printable(card.title) + "\n\n", style="bold")
        rows = [
            ("Column", columns.get(card.column_id, "?")),
            (
                "Value",
                ", ".join(tags.get(t, "?") for t in card.tag_ids) or "none: which customer value?",
            ),
            ("People", ", ".join(card.assignees) or "nobody"),
            ("Class", card.class_of_service.value),
        ]
        if card.due:
            rows.append(("Due", card.due.strftime("%a %d %b %Y")))
        if card.blocked:
            rows.append(("BLOCKED", card.blocked_reason or ""))
        if card.edited_concurrently:
            rows.append(("EDITED", "twice at once in two copies; the later edit won"))
        loud = {"BLOCKED": "bold red", "EDITED": "bold yellow"}
        for label, value in rows:
            summary.append(f"{label:<8}", style=loud.get(label, "dim"))
            summary.append(printable(value) + "\n")
        self.query_one("#details-summary", Static).update(summary)
        self._show_description(printable(card.description, multiline=True))
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for event in reversed(history[-30:]):
            table.add_row(
                _local(event.at, zone),
                Text(printable(f"{event.actor}: {describe(event, columns, tags)}")),
            )
        title = Text("History (newest first)\n", style="bold")
        self.query_one("#details-history", Static).update(_stack(title, table))


def _stack(title: Text, table: Table) -> Table:
    grid = Table.grid()
    grid.add_row(title)
    grid.add_row(table)
    return grid
