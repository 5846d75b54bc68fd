"""What the command line prints: clean JSON on stdout for `--json`, tables for people.

Card text is untrusted (a board file is shared), so every string goes to the terminal as a rich
`Text` (never parsed as markup) after `printable` has replaced control characters.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click

from kanban_tui.domain.events import Event
from kanban_tui.domain.models import Board, Card, Column, Squad, Transition, ValueTag
from kanban_tui.domain.text import printable
from kanban_tui.storage.store import Store

T = TypeVar("T")
Progress = Callable[[int], None]

if TYPE_CHECKING:
    # rich loads only for output meant for people: --json commands never pay for it.
    from rich.console import Console
    from rich.text import Text

PROGRESS_FROM = 50_000
"""Histories at least this long show a progress bar on an interactive stderr."""


def with_progress(total: int, label: str, quiet: bool, run: Callable[[Progress], T]) -> T:
    """`run(progress)` with a progress bar of `total` steps on stderr when that is worth it;
    `run` reports how many steps are done."""
    hidden = quiet or total < PROGRESS_FROM or not sys.stderr.isatty()
    with click.progressbar(length=total, label=label, file=sys.stderr, hidden=hidden) as bar:
        return run(lambda done: bar.update(done - bar.pos))


def append_with_progress(store: Store, events: Sequence[Event], label: str, quiet: bool) -> int:
    """Append a history to the board, with a progress bar on stderr when that is worth it."""
    return with_progress(
        len(events), label, quiet, lambda progress: store.append_history(events, progress)
    )


def emit_json(data: Any) -> None:
    """Print JSON, and only JSON, on stdout."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def say(message: str) -> None:
    """A one-line human confirmation on stdout (never under --json)."""
    click.echo(printable(message))


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def cell(text: str | None, style: str = "") -> Text:
    from rich.text import Text

    return Text(printable(text or ""), style=style)


class Names:
    """Column and tag names by id, for one squad's board."""

    def __init__(self, board: Board) -> None:
        self.zone = ZoneInfo(board.squad.timezone)
        self._columns = {c.id: c.name for c in board.columns}
        self._tags = {t.id: t.name for t in board.tags}

    def column(self, column_id: str) -> str:
        return self._columns.get(column_id, "(removed column)")

    def tags(self, tag_ids: Iterable[str]) -> list[str]:
        return [self._tags.get(t, "(unknown tag)") for t in tag_ids]


def squad_json(squad: Squad) -> dict[str, Any]:
    return squad.model_dump(mode="json")


def column_json(column: Column, cards: int | None = None) -> dict[str, Any]:
    data = column.model_dump(mode="json", exclude={"squad_id", "position"})
    if cards is not None:
        data["cards"] = cards
    return data


def tag_json(tag: ValueTag) -> dict[str, Any]:
    return tag.model_dump(mode="json", exclude={"squad_id"})


def card_json(card: Card, names: Names) -> dict[str, Any]:
    data = card.model_dump(mode="json", exclude={"squad_id", "column_id", "tag_ids", "position"})
    data["column"] = names.column(card.column_id)
    data["tags"] = names.tags(card.tag_ids)
    return data


def transition_json(transition: Transition, names: Names) -> dict[str, Any]:
    return {
        "column": names.column(transition.column_id),
        "entered_at": transition.entered_at.isoformat(),
        "exited_at": transition.exited_at.isoformat() if transition.exited_at else None,
        "actor": transition.actor,
    }


def event_json(event: Event, keys: dict[str, str]) -> dict[str, Any]:
    data = event.model_dump(mode="json")
    data["card"] = keys.get(event.card_uid or "")
    return data


TABLE_LIMIT = 200
"""Longer card lists are printed as plain aligned lines: Rich lays a table out in one piece, which
took a minute for 100,000 cards, while lines stream at once."""


def _card_row(card: Card, names: Names) -> tuple[str, ...]:
    flags = []
    if card.blocked:
        flags.append(f"BLOCKED: {card.blocked_reason}")
    if card.class_of_service != "standard":
        flags.append(str(card.class_of_service))
    if card.due:
        flags.append(f"due {card.due.isoformat()}")
    if card.archived:
        flags.append("archived")
    if card.edited_concurrently:
        flags.append("edited concurrently")
    return (
        card.key,
        names.column(card.column_id),
        card.title,
        ", ".join(names.tags(card.tag_ids)),
        ", ".join(card.assignees),
        "; ".join(flags),
    )


CARD_HEADINGS = ("Card", "Column", "Title", "Value tags", "Assignees", "Flags")


def print_cards(cards: Sequence[Card], names: Names) -> None:
    """Print cards as a table, or as plain aligned lines when there are many."""
    rows = [tuple(printable(c) for c in _card_row(card, names)) for card in cards]
    if len(rows) <= TABLE_LIMIT:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        for heading in CARD_HEADINGS:
            table.add_column(heading)
        for row, card in zip(rows, cards, strict=True):
            table.add_row(
                *(Text(value) for value in row[:-1]),
                Text(row[-1], style="red" if card.blocked else ""),
            )
        console().print(table)
        return
    widths = [
        min(max([len(h), *(len(r[i]) for r in rows)]), 50) for i, h in enumerate(CARD_HEADINGS)
    ]
    stream = sys.stdout
    for row in (CARD_HEADINGS, *rows):
        cells = (value[:width].ljust(width) for value, width in zip(row, widths, strict=True))
        stream.write("  ".join(cells).rstrip() + "\n")


def wip_label(column: Column, count: int) -> str:
    """`Doing 3/3` style header text with a marker that does not rely on colour."""
    if column.wip_limit is None or not column.counts_toward_wip:
        return f"{column.name} {count}"
    marker = ""
    if count > column.wip_limit:
        marker = " OVER LIMIT"
    elif count == column.wip_limit:
        marker = " at limit"
    return f"{column.name} {count}/{column.wip_limit}{marker}"
