"""The pure core of squadboard: models, events, rules and flow metrics; no I/O, time passed in."""

from kanban_tui.domain.clock import Clock, system_clock
from kanban_tui.domain.errors import (
    InvalidInput,
    NotFound,
    Refused,
    SquadboardError,
    WipLimitReached,
)
from kanban_tui.domain.events import Event, EventKind
from kanban_tui.domain.models import (
    Board,
    Card,
    ClassOfService,
    Column,
    ColumnRole,
    Squad,
    Transition,
    ValueTag,
    WipPolicy,
)

__all__ = [
    "Board",
    "Card",
    "ClassOfService",
    "Clock",
    "Column",
    "ColumnRole",
    "Event",
    "EventKind",
    "InvalidInput",
    "NotFound",
    "Refused",
    "Squad",
    "SquadboardError",
    "Transition",
    "ValueTag",
    "WipLimitReached",
    "WipPolicy",
    "system_clock",
]
