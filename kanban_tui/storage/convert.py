"""Rows <-> domain models, in one place: widgets and commands never see a row."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from kanban_tui.domain.events import Event
from kanban_tui.domain.models import Card, Column, Squad, Transition, ValueTag

Row = dict[str, Any]
Model = TypeVar("Model", bound=BaseModel)


def trusted(model: type[Model], fields: dict[str, Any]) -> Model:
    """`model.model_construct(**fields)` for values from our own projections that name every
    field: pydantic's looks up aliases and defaults field by field, which doubles the cost
    over the hundreds of thousands of stays a large board's flow metrics read."""
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", fields)
    object.__setattr__(instance, "__pydantic_fields_set__", set(fields))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


def to_db_time(moment: datetime) -> str:
    """A fixed-width UTC ISO-8601 string, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(text: str) -> datetime:
    """The inverse of `to_db_time` (fromisoformat reads the `Z` suffix, many times faster)."""
    return datetime.fromisoformat(text)


def squad_from_row(row: Row) -> Squad:
    return Squad(
        id=row["id"],
        name=row["name"],
        mission=row["mission"],
        timezone=row["timezone"],
        prefix=row["prefix"],
        members=tuple(json.loads(row["members"])),
        created_at=from_db_time(row["created_at"]),
        sle_days=row["sle_days"],
        sle_percent=row["sle_percent"],
    )


def column_from_row(row: Row) -> Column:
    return Column.model_validate(row)


def tag_from_row(row: Row) -> ValueTag:
    return ValueTag.model_validate(row)


def card_from_row(row: Row) -> Card:
    return Card(
        uid=row["uid"],
        key=row["key"],
        squad_id=row["squad_id"],
        column_id=row["column_id"],
        position=row["position"],
        title=row["title"],
        description=row["description"],
        assignees=tuple(json.loads(row["assignees"])),
        tag_ids=tuple(json.loads(row["tag_ids"])),
        class_of_service=row["class_of_service"],
        due=date.fromisoformat(row["due"]) if row["due"] else None,
        blocked=bool(row["blocked"]),
        blocked_reason=row["blocked_reason"],
        archived=bool(row["archived"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        edited_concurrently=bool(row["edited_concurrently"]),
    )


def transition_from_row(row: Row) -> Transition:
    return Transition(
        card_uid=row["card_uid"],
        column_id=row["column_id"],
        entered_at=from_db_time(row["entered_at"]),
        exited_at=from_db_time(row["exited_at"]) if row["exited_at"] else None,
        actor=row["actor"],
    )


def event_from_row(row: Row) -> Event:
    return Event(
        id=row["id"],
        hlc=row["hlc"],
        at=from_db_time(row["at"]),
        recorded_at=from_db_time(row["recorded_at"]),
        actor=row["actor"],
        squad_id=row["squad_id"],
        card_uid=row["card_uid"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        parents=parents_from_db(row["parents"]),
    )


EVENT_VALUES = (
    "(id, hlc, at, recorded_at, actor, squad_id, card_uid, kind, payload, parents) VALUES"
    " (:id, :hlc, :at, :recorded_at, :actor, :squad_id, :card_uid, :kind, :payload, :parents)"
)
"""The column list and named placeholders of an `INSERT INTO events` for `event_to_row` rows."""


def event_to_row(event: Event) -> Row:
    return {
        "id": event.id,
        "hlc": event.hlc,
        "at": to_db_time(event.at),
        "recorded_at": to_db_time(event.recorded_at),
        "actor": event.actor,
        "squad_id": event.squad_id,
        "card_uid": event.card_uid,
        "kind": str(event.kind),
        "payload": json.dumps(event.payload, separators=(",", ":"), sort_keys=True),
        "parents": parents_to_db(event.parents),
    }


def parents_to_db(parents: tuple[str, ...] | list[str] | None) -> str | None:
    return None if parents is None else json.dumps(list(parents), separators=(",", ":"))


def parents_from_db(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(json.loads(text))
