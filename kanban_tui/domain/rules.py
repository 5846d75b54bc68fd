"""The board's rules: the default workflow, legal column orders, WIP decisions and back-dating."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kanban_tui.domain.errors import InvalidInput, Refused, WipLimitReached
from kanban_tui.domain.models import Column, ColumnRole, WipPolicy


class ColumnSpec(NamedTuple):
    """The shape of one column, before it has an id."""

    name: str
    role: ColumnRole
    wip_limit: int | None = None
    wip_policy: WipPolicy = WipPolicy.OFF


DEFAULT_COLUMNS = (
    ColumnSpec("Backlog", ColumnRole.QUEUE),
    ColumnSpec("Ready", ColumnRole.QUEUE),
    ColumnSpec("Doing", ColumnRole.ACTIVE, 3, WipPolicy.BLOCK),
    ColumnSpec("Review", ColumnRole.QUEUE_IN_PROGRESS, 2, WipPolicy.WARN),
    ColumnSpec("Done", ColumnRole.DONE),
)
"""The board a new squad starts with."""

_STAGE = {
    ColumnRole.QUEUE: 0,
    ColumnRole.ACTIVE: 1,
    ColumnRole.QUEUE_IN_PROGRESS: 1,
    ColumnRole.DONE: 2,
}


def check_column_order(columns: Sequence[tuple[str, ColumnRole]]) -> None:
    """Refuse a board whose roles are out of workflow order.

    Queue columns come before the start point, done columns come last, and the first started
    column must be `active` (it is the commitment point).

    Raises:
        Refused: naming the first column that is out of place.
    """
    stage = 0
    seen_active = False
    for name, role in columns:
        if _STAGE[role] < stage:
            before = "queue" if role is ColumnRole.QUEUE else "started"
            raise Refused(
                f"column '{name}' ({role}) would come after a later stage; {before} columns "
                "must come before started columns and done columns come last"
            )
        if role is ColumnRole.QUEUE_IN_PROGRESS and not seen_active:
            raise Refused(
                f"column '{name}' (queue-in-progress) would come before the first active "
                "column; the start point must be an active column"
            )
        seen_active = seen_active or role is ColumnRole.ACTIVE
        stage = _STAGE[role]


def check_wip_settings(name: str, role: ColumnRole, limit: int | None, policy: WipPolicy) -> None:
    """Refuse WIP settings that could never work as the user expects."""
    if limit is not None and limit < 1:
        raise InvalidInput(f"WIP limit for '{name}' must be a positive whole number or 'none'")
    if role is ColumnRole.DONE and limit is not None:
        raise Refused(f"column '{name}' is a done column; done columns never count toward WIP")
    if policy is not WipPolicy.OFF and limit is None:
        raise InvalidInput(f"column '{name}' needs a WIP limit before its policy can be {policy}")


class WipOutcome(Enum):
    """What a move into a column means for its WIP limit."""

    WITHIN_LIMIT = "within-limit"
    BREACH = "breach"
    """The column goes over a `warn` limit: the move happens and a breach is recorded."""
    OVERRIDE = "override"
    """The column goes over a `block` limit with a stated reason, which is recorded."""


def decide_wip(column: Column, occupants: Sequence[str], override_reason: str | None) -> WipOutcome:
    """Decide whether one more card may enter `column`, which already holds `occupants`.

    Args:
        column: the target column.
        occupants: keys of the non-archived cards already in it (not the card being moved).
        override_reason: the user's reason for going over a `block` limit, if any.

    Raises:
        WipLimitReached: for a full `block` column without an override reason.
    """
    limit = column.wip_limit
    if limit is None or not column.limits_wip or len(occupants) + 1 <= limit:
        return WipOutcome.WITHIN_LIMIT
    if column.wip_policy is WipPolicy.WARN:
        return WipOutcome.BREACH
    if override_reason:
        return WipOutcome.OVERRIDE
    raise WipLimitReached(column.name, limit, list(occupants))


def check_timezone(name: str) -> str:
    """Accept an IANA time zone name such as Europe/Berlin."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone '{name}'; use an IANA name such as Europe/London"
        ) from None
    return name


def check_effective_time(at: datetime, now: datetime, not_before: datetime | None) -> None:
    """Refuse a back-dated time (`--at`) in the future or before the card's last recorded change.

    Raises:
        InvalidInput: with the offending time in the message.
    """
    if at.tzinfo is None:
        raise InvalidInput("times must carry a time zone")
    if at > now:
        raise InvalidInput(f"--at {at.isoformat(timespec='minutes')} is in the future")
    if not_before is not None and at < not_before:
        raise InvalidInput(
            f"--at {at.isoformat(timespec='minutes')} is before the card's last change "
            f"({not_before.isoformat(timespec='minutes')}); history must stay in order"
        )
