"""The board's nouns as frozen pydantic models: squads, columns, value tags, cards and boards."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

RETRO_ACTION_MARKER = "Retro action"
"""Opens the description of every card made from a retro action; the board marks such cards."""


class ColumnRole(StrEnum):
    """Where a column sits in the workflow, which decides what counts as started and finished."""

    QUEUE = "queue"
    """Before the start (commitment) point: Backlog, Ready."""
    ACTIVE = "active"
    """Work in progress; the first active column is the start point."""
    QUEUE_IN_PROGRESS = "queue-in-progress"
    """A wait state inside the started range, such as "Waiting for review"."""
    DONE = "done"
    """Finished; the first done column is the finish point. Never counts toward WIP."""


class WipPolicy(StrEnum):
    """What happens when a move would take a column over its WIP limit."""

    OFF = "off"
    WARN = "warn"
    BLOCK = "block"


class ClassOfService(StrEnum):
    """How urgent a card is, in Kanban's usual four classes."""

    STANDARD = "standard"
    EXPEDITE = "expedite"
    FIXED_DATE = "fixed-date"
    INTANGIBLE = "intangible"


class Frozen(BaseModel):
    """Base for immutable models: a change makes a new value, so UI watchers always fire."""

    # Schemas are built on first use, not at import: keeps the board's start-up fast.
    model_config = ConfigDict(frozen=True, defer_build=True)


class Squad(Frozen):
    """A customer value squad: its mission, its time zone (days are counted there), its members."""

    id: str
    name: str
    mission: str = ""
    timezone: str = "UTC"
    prefix: str
    members: tuple[str, ...] = ()
    created_at: datetime
    sle_days: float | None = None
    """The squad's Service Level Expectation, if set: `sle_percent`% of cards within this."""
    sle_percent: int = 85


class Column(Frozen):
    """One column of a squad's board."""

    id: str
    squad_id: str
    name: str
    role: ColumnRole
    wip_limit: int | None = None
    wip_policy: WipPolicy = WipPolicy.OFF
    position: str

    @property
    def counts_toward_wip(self) -> bool:
        """Done columns never count toward WIP, whatever their limit says."""
        return self.role is not ColumnRole.DONE

    @property
    def limits_wip(self) -> bool:
        """True when a move into this column must be checked against a WIP limit."""
        return (
            self.wip_limit is not None
            and self.wip_policy is not WipPolicy.OFF
            and self.counts_toward_wip
        )

    @property
    def is_started(self) -> bool:
        """True for columns between the start point and the finish point."""
        return self.role in (ColumnRole.ACTIVE, ColumnRole.QUEUE_IN_PROGRESS)


class ValueTag(Frozen):
    """A customer value a card can serve, e.g. "Trial conversion"."""

    id: str
    squad_id: str
    name: str
    description: str = ""
    colour: str


class Card(Frozen):
    """A work item on the board."""

    uid: str
    """The id of the event that created the card; never changes, even if the key is renumbered."""
    key: str
    """Short human-typable id, unique in the file, e.g. GRW-42."""
    squad_id: str
    column_id: str
    position: str
    title: str
    description: str = ""
    assignees: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] = ()
    class_of_service: ClassOfService = ClassOfService.STANDARD
    due: date | None = None
    blocked: bool = False
    blocked_reason: str | None = None
    archived: bool = False
    created_at: datetime
    updated_at: datetime
    edited_concurrently: bool = False
    """Two people changed the same field without seeing each other's change (diverged copies
    merged); the later change won and both are in the card's history."""

    @property
    def is_retro_action(self) -> bool:
        """Made from an action agreed in a retrospective (see `squadboard retro action`)."""
        return self.description.startswith(RETRO_ACTION_MARKER)


class CardTimes(Frozen):
    """When a card started (first entered the started range) and entered its current column."""

    started_at: datetime | None = None
    """Re-entering the started range keeps the first start."""
    column_entered_at: datetime | None = None


class Transition(Frozen):
    """A card's stay in one column: when it entered and (unless it is still there) left."""

    card_uid: str
    column_id: str
    entered_at: datetime
    exited_at: datetime | None = None
    actor: str


class Board(Frozen):
    """A squad's whole board: ordered columns, value tags and the cards that are not deleted."""

    squad: Squad
    columns: tuple[Column, ...]
    tags: tuple[ValueTag, ...] = ()
    cards: tuple[Card, ...] = ()

    def column_named(self, name: str) -> Column | None:
        """Find a column by name, ignoring case."""
        wanted = name.strip().casefold()
        return next((c for c in self.columns if c.name.casefold() == wanted), None)

    def tag_named(self, name: str) -> ValueTag | None:
        """Find a value tag by name, ignoring case."""
        wanted = name.strip().casefold()
        return next((t for t in self.tags if t.name.casefold() == wanted), None)

    @property
    def start_column(self) -> Column | None:
        """The commitment point: the first active column."""
        return next((c for c in self.columns if c.role is ColumnRole.ACTIVE), None)

    @property
    def finish_column(self) -> Column | None:
        """The finish point: the first done column."""
        return next((c for c in self.columns if c.role is ColumnRole.DONE), None)

    def cards_in(self, column_id: str, *, include_archived: bool = False) -> list[Card]:
        """The cards of one column in board order."""
        return [
            c
            for c in self.cards
            if c.column_id == column_id and (include_archived or not c.archived)
        ]
