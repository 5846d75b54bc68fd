"""Messages that thread workers post to the board screen; handlers own the state."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from textual.message import Message

from kanban_tui.app.view_model import BoardState
from kanban_tui.domain.errors import WipLimitReached
from kanban_tui.domain.events import Event
from kanban_tui.domain.models import Card, CardTimes
from kanban_tui.storage.queries import Changes
from kanban_tui.storage.store import BoardSnapshot, CardChange, Store


@dataclass
class BoardLoaded(Message):
    """A board was read (whole, or the head of each column) and its view state built."""

    snapshot: BoardSnapshot
    state: BoardState


@dataclass
class CardsChanged(Message):
    """Someone (maybe us) changed these cards; patch them in place."""

    changes: Changes
    cards: list[Card]
    times: dict[str, CardTimes]


@dataclass
class ChangeDone(Message):
    """One of our own changes was committed."""

    change: CardChange
    summary: str
    undo: UndoStep | None
    follow: bool = False
    """Move the cursor to the changed card (it may be in another column now)."""
    announce: bool = False
    """Show the summary as a notification (undo does, so the user sees what was taken back)."""
    fresh: Sequence[Card] | None = None
    """The changed card as re-read after the commit (empty when it was deleted; None when it
    could not be read, and the next poll brings it)."""
    times: Mapping[str, CardTimes] = field(default_factory=dict)
    """Its times, so the board redraws it at once instead of waiting for the next poll."""


@dataclass
class ChangeRefused(Message):
    """The store refused a change; the message says why in one line."""

    reason: str
    take_back: Callable[[], None] | None = None
    """Puts back what the board drew before the store was asked (a move is drawn at once)."""


@dataclass
class WipRefused(Message):
    """A change hit a full `block` column; `retry` redoes it with the user's override reason."""

    error: WipLimitReached
    retry: Callable[[str], None]
    take_back: Callable[[], None] | None = None
    """Puts back what the board drew before the store was asked (a move is drawn at once)."""


@dataclass
class DetailsLoaded(Message):
    """History for the details panel."""

    card: Card
    history: list[Event]


@dataclass
class BoardUnavailable(Message):
    """The board could not be read (file gone, locked too long, not a board)."""

    reason: str


class BoardReachable(Message):
    """The board could be read again after it was unavailable."""


@dataclass
class SquadsLoaded(Message):
    """The squads in the file, for the switcher."""

    squads: list[tuple[str, str]]


@dataclass
class EditConflict(Message):
    """A teammate changed the card while its form was open."""

    key: str
    changed_by: str
    fields: list[str]
    save_anyway: Callable[[], None]


@dataclass(frozen=True)
class UndoStep:
    """How to take back one of our changes: the card as we left it, and the inverse action."""

    description: str
    key: str
    left: Card
    """The card right after our change; if it differs now, someone else changed it since.

    (Compared whole, not by `updated_at`: two changes can carry the same timestamp.)"""
    inverse: Callable[[Store], CardChange]
