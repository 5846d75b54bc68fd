"""The event log's vocabulary: every change a user can make is one event kind with a typed payload.

Events are never updated or deleted. The board state is the fold of all events in
(hlc, id) order, so two diverged copies merge by taking the union of their events.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from kanban_tui.domain.models import ClassOfService, ColumnRole, WipPolicy


class EventKind(StrEnum):
    """All event kinds; the value is what the `events.kind` column holds."""

    SQUAD_CREATED = "squad.created"
    SQUAD_EDITED = "squad.edited"
    MEMBER_ADDED = "squad.member_added"
    MEMBER_REMOVED = "squad.member_removed"
    COLUMN_ADDED = "column.added"
    COLUMN_EDITED = "column.edited"
    COLUMN_MOVED = "column.moved"
    COLUMN_REMOVED = "column.removed"
    TAG_ADDED = "tag.added"
    TAG_EDITED = "tag.edited"
    CARD_CREATED = "card.created"
    CARD_EDITED = "card.edited"
    CARD_MOVED = "card.moved"
    CARD_BLOCKED = "card.blocked"
    CARD_UNBLOCKED = "card.unblocked"
    CARD_ASSIGNED = "card.assigned"
    CARD_UNASSIGNED = "card.unassigned"
    CARD_TAGGED = "card.tagged"
    CARD_UNTAGGED = "card.untagged"
    CARD_ARCHIVED = "card.archived"
    CARD_UNARCHIVED = "card.unarchived"
    CARD_DELETED = "card.deleted"
    CARD_RESTORED = "card.restored"
    WIP_BREACHED = "wip.breached"
    """A move took a `warn` column over its limit."""
    WIP_OVERRIDDEN = "wip.overridden"
    """A move took a `block` column over its limit, with the reason the user gave."""
    RETRO_STARTED = "retro.started"
    RETRO_NOTE_ADDED = "retro.note_added"
    """Anonymous notes are appended with the actor `ANONYMOUS`: the author is never written."""
    RETRO_NOTE_EDITED = "retro.note_edited"
    RETRO_NOTES_GROUPED = "retro.notes_grouped"
    RETRO_REVEALED = "retro.revealed"
    RETRO_VOTED = "retro.voted"
    RETRO_ACTION_ADDED = "retro.action_added"
    """Appended with the `card.created` of the action's card, which is the event's card."""
    RETRO_CLOSED = "retro.closed"
    """Carries the evidence pack as it was at closing, so it never changes afterwards."""


class Payload(BaseModel):
    """Base for payloads: strict about unknown fields so a typo never passes silently."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SquadCreated(Payload):
    name: str
    mission: str
    timezone: str
    prefix: str
    members: tuple[str, ...] = ()


class SquadEdited(Payload):
    name: str | None = None
    mission: str | None = None
    timezone: str | None = None
    sle_days: float | None = None
    sle_percent: int | None = None
    clear_sle: bool = False


class MemberChanged(Payload):
    name: str


class ColumnAdded(Payload):
    column_id: str
    name: str
    role: ColumnRole
    wip_limit: int | None = None
    wip_policy: WipPolicy = WipPolicy.OFF
    position: str


class ColumnEdited(Payload):
    column_id: str
    name: str | None = None
    role: ColumnRole | None = None
    wip_limit: int | None = None
    clear_wip_limit: bool = False
    wip_policy: WipPolicy | None = None


class ColumnMoved(Payload):
    column_id: str
    position: str


class ColumnRemoved(Payload):
    column_id: str


class TagAdded(Payload):
    tag_id: str
    name: str
    description: str = ""
    colour: str


class TagEdited(Payload):
    tag_id: str
    name: str | None = None
    description: str | None = None
    colour: str | None = None


class CardCreated(Payload):
    number: int
    title: str
    description: str = ""
    column_id: str
    position: str
    assignees: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] = ()
    class_of_service: ClassOfService = ClassOfService.STANDARD
    due: date | None = None


class CardEdited(Payload):
    title: str | None = None
    description: str | None = None
    class_of_service: ClassOfService | None = None
    due: date | None = None
    clear_due: bool = False


class CardMoved(Payload):
    from_column_id: str
    column_id: str
    position: str


class CardBlocked(Payload):
    reason: str


class CardAssigned(Payload):
    name: str


class CardTagged(Payload):
    tag_id: str


class NoPayload(Payload):
    pass


class WipException(Payload):
    column_id: str
    limit: int
    count: int
    """How many cards the column holds after the move."""
    reason: str | None = None


class RetroStarted(Payload):
    number: int
    title: str
    format: str
    columns: tuple[str, ...]
    since: date
    until: date
    previous_since: date
    previous_until: date
    vote_limit: int
    hidden: bool = False


class RetroPart(Payload):
    """Names the retro an event belongs to (the id of its `retro.started` event)."""

    retro_id: str


class RetroNoteAdded(RetroPart):
    number: int
    column: str
    text: str
    anonymous: bool = False


class RetroNoteEdited(RetroPart):
    note_id: str
    text: str


class RetroNotesGrouped(RetroPart):
    note_ids: tuple[str, ...]
    group: str | None
    """None takes the notes out of their group."""


class RetroVoted(RetroPart):
    note_id: str


class RetroActionAdded(RetroPart):
    text: str
    owner: str | None = None
    due: date | None = None


class RetroClosed(RetroPart):
    evidence: dict[str, Any]


PAYLOADS: dict[EventKind, type[Payload]] = {
    EventKind.SQUAD_CREATED: SquadCreated,
    EventKind.SQUAD_EDITED: SquadEdited,
    EventKind.MEMBER_ADDED: MemberChanged,
    EventKind.MEMBER_REMOVED: MemberChanged,
    EventKind.COLUMN_ADDED: ColumnAdded,
    EventKind.COLUMN_EDITED: ColumnEdited,
    EventKind.COLUMN_MOVED: ColumnMoved,
    EventKind.COLUMN_REMOVED: ColumnRemoved,
    EventKind.TAG_ADDED: TagAdded,
    EventKind.TAG_EDITED: TagEdited,
    EventKind.CARD_CREATED: CardCreated,
    EventKind.CARD_EDITED: CardEdited,
    EventKind.CARD_MOVED: CardMoved,
    EventKind.CARD_BLOCKED: CardBlocked,
    EventKind.CARD_UNBLOCKED: NoPayload,
    EventKind.CARD_ASSIGNED: CardAssigned,
    EventKind.CARD_UNASSIGNED: CardAssigned,
    EventKind.CARD_TAGGED: CardTagged,
    EventKind.CARD_UNTAGGED: CardTagged,
    EventKind.CARD_ARCHIVED: NoPayload,
    EventKind.CARD_UNARCHIVED: NoPayload,
    EventKind.CARD_DELETED: NoPayload,
    EventKind.CARD_RESTORED: NoPayload,
    EventKind.WIP_BREACHED: WipException,
    EventKind.WIP_OVERRIDDEN: WipException,
    EventKind.RETRO_STARTED: RetroStarted,
    EventKind.RETRO_NOTE_ADDED: RetroNoteAdded,
    EventKind.RETRO_NOTE_EDITED: RetroNoteEdited,
    EventKind.RETRO_NOTES_GROUPED: RetroNotesGrouped,
    EventKind.RETRO_REVEALED: RetroPart,
    EventKind.RETRO_VOTED: RetroVoted,
    EventKind.RETRO_ACTION_ADDED: RetroActionAdded,
    EventKind.RETRO_CLOSED: RetroClosed,
}


class Event(BaseModel):
    """One immutable entry of the log."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    """UUIDv7: globally unique and sortable by creation time."""
    hlc: int
    """Hybrid logical clock stamp; the log is ordered by (hlc, id)."""
    at: datetime
    """When the change happened (UTC); earlier than recorded_at when back-dated with --at."""
    recorded_at: datetime
    """Wall-clock time (UTC) when the event was written."""
    actor: str
    squad_id: str | None
    card_uid: str | None
    kind: EventKind
    payload: dict[str, Any]
    parents: tuple[str, ...] | None = None
    """For a card's event: the card's latest event ids its writer had seen (none for the card's
    creation); None for other events and for events written before squadboard recorded this."""


MAX_PAYLOAD_BYTES = 256 * 1024
"""The largest event payload accepted from outside (another file, a log line, an import): a
card's whole description, 20,000 characters, fits several times over."""
MAX_ID_LENGTH = 64


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])


def checked_event(raw: Any) -> Event:
    """An event from outside squadboard's own writes, validated in full before it is stored.

    Checks the event's fields, that its times carry a zone, its ids' lengths, its payload's size,
    and its payload against its kind, since the fold trusts what is stored.

    Raises:
        ValueError: with a one-line reason.
    """
    try:
        event = Event.model_validate(raw)
    except ValidationError as error:
        raise ValueError(_first_problem(error)) from None
    if event.at.tzinfo is None or event.recorded_at.tzinfo is None:
        raise ValueError("times must carry a time zone (UTC: a trailing Z)")
    ids = [event.id, event.squad_id or "", event.card_uid or "", *(event.parents or ())]
    if any(len(text) > MAX_ID_LENGTH for text in ids):
        raise ValueError(f"an id is longer than {MAX_ID_LENGTH} characters")
    if not 0 <= event.hlc < 2**63:
        raise ValueError("hlc is out of range")
    if event.squad_id is None:
        raise ValueError("squad_id is missing")
    if event.card_uid is None and event.kind.value.split(".")[0] in ("card", "wip"):
        raise ValueError(f"a {event.kind.value} event needs a card_uid")
    if len(json.dumps(event.payload)) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload is larger than {MAX_PAYLOAD_BYTES // 1024} KiB")
    try:
        PAYLOADS[event.kind].model_validate(event.payload)
    except ValidationError as error:
        raise ValueError(f"{event.kind.value} payload {_first_problem(error)}") from None
    return event


def payload_json(payload: Payload) -> dict[str, Any]:
    """A payload as plain JSON data, leaving out fields that were not set."""
    return payload.model_dump(mode="json", exclude_defaults=True)


def describe(event: Event, columns: dict[str, str], tags: dict[str, str]) -> str:
    """A short human sentence for an event, e.g. "moved Doing -> Review", given id -> name maps."""
    p = event.payload
    column = columns.get(p.get("column_id", ""), "?")
    match event.kind:
        case EventKind.CARD_CREATED:
            return f"created in {column}: {p['title']}"
        case EventKind.CARD_MOVED if p["from_column_id"] == p["column_id"]:
            return f"reordered within {column}"
        case EventKind.CARD_MOVED:
            return f"moved {columns.get(p['from_column_id'], '?')} -> {column}"
        case EventKind.CARD_EDITED:
            return "edited " + ", ".join(k for k in p if k != "clear_due") or "edited"
        case EventKind.CARD_BLOCKED:
            return f"blocked: {p['reason']}"
        case EventKind.CARD_ASSIGNED | EventKind.CARD_UNASSIGNED:
            return f"{event.kind.value.split('.')[1]} {p['name']}"
        case EventKind.CARD_TAGGED | EventKind.CARD_UNTAGGED:
            return f"{event.kind.value.split('.')[1]} {tags.get(p['tag_id'], '?')}"
        case EventKind.WIP_BREACHED:
            return f"went over the warn limit of {column} ({p['count']}/{p['limit']})"
        case EventKind.WIP_OVERRIDDEN:
            return f"overrode the limit of {column} ({p['count']}/{p['limit']}): {p['reason']}"
        case EventKind.SQUAD_CREATED:
            return f"created squad {p['name']}"
        case EventKind.COLUMN_ADDED | EventKind.COLUMN_EDITED | EventKind.COLUMN_MOVED:
            return f"{event.kind.value.split('.')[1]} column {p.get('name') or column}"
        case EventKind.COLUMN_REMOVED:
            return f"removed column {column}"
        case EventKind.TAG_ADDED | EventKind.TAG_EDITED:
            name = p.get("name") or tags.get(p["tag_id"], "?")
            return f"{event.kind.value.split('.')[1]} value tag {name}"
        case EventKind.RETRO_STARTED:
            return f"started retro {p['number']}: {p['title']}"
        case EventKind.RETRO_NOTE_ADDED:
            return f"added a retro note to {p['column']}"
        case EventKind.RETRO_ACTION_ADDED:
            return f"agreed a retro action: {p['text']}"
        case EventKind.RETRO_CLOSED:
            return "closed the retro and froze its evidence"
        case _ if event.kind.value.startswith("retro."):
            return event.kind.value.replace(".", " ").replace("_", " ")
        case _:
            verb = event.kind.value.split(".")[1].replace("_", " ")
            detail = ", ".join(f"{k}={v}" for k, v in p.items())
            return f"{verb} {detail}".strip()
