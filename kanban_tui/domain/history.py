"""A card's history (its stays and blocks) and what one card's history alone decides: when it
started and finished, and its active time.

Kept apart from the flow report so that the store's fold can summarise a card after every
change without loading the report's models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kanban_tui.domain.conventions import UtcDatetime, elapsed_hours
from kanban_tui.domain.models import ClassOfService, ColumnRole, Frozen

STARTED_ROLES = frozenset({ColumnRole.ACTIVE, ColumnRole.QUEUE_IN_PROGRESS, ColumnRole.DONE})
"""Roles of the started range: a card's first stay in one of these is its start."""

Interval = tuple[datetime, datetime]


class Stay(Frozen):
    """One stay of a card in a column; `role` is the column's current role."""

    column_id: str
    role: ColumnRole
    entered_at: UtcDatetime
    exited_at: UtcDatetime | None = None


class BlockSpan(Frozen):
    """One period during which a card was blocked; open while `unblocked_at` is None."""

    reason: str
    blocked_at: UtcDatetime
    unblocked_at: UtcDatetime | None = None


class CardHistory(Frozen):
    """What flow metrics need to know about one card: its stays in order, and its blocks."""

    uid: str
    key: str
    created_at: UtcDatetime
    tag_ids: tuple[str, ...] = ()
    class_of_service: ClassOfService = ClassOfService.STANDARD
    assignees: tuple[str, ...] = ()
    stays: tuple[Stay, ...] = ()
    """In the order the card entered the columns."""
    blocks: tuple[BlockSpan, ...] = ()


# --- Intervals -------------------------------------------------------------------------------


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of intervals as a sorted list of disjoint ones (empty ones dropped)."""
    merged: list[Interval] = []
    for lo, hi in sorted(i for i in intervals if i[1] > i[0]):
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def clip_intervals(intervals: Iterable[Interval], lo: datetime, hi: datetime) -> list[Interval]:
    return [(max(a, lo), min(b, hi)) for a, b in intervals if min(b, hi) > max(a, lo)]


def measure_hours(intervals: Iterable[Interval]) -> float:
    return sum(elapsed_hours(a, b) for a, b in intervals)


def overlap_hours(first: list[Interval], second: list[Interval]) -> float:
    """Hours covered by both of two sorted lists of disjoint intervals."""
    total = 0.0
    i = j = 0
    while i < len(first) and j < len(second):
        lo = max(first[i][0], second[j][0])
        hi = min(first[i][1], second[j][1])
        if hi > lo:
            total += elapsed_hours(lo, hi)
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return total


# --- One card --------------------------------------------------------------------------------


def started_at(card: CardHistory) -> datetime | None:
    """When the card first entered the started range (active, queue-in-progress or done).

    A card that skipped straight to done starts when it finished; a card that leaves the started
    range and comes back keeps its first start.
    """
    return next((s.entered_at for s in card.stays if s.role in STARTED_ROLES), None)


def finished_at(card: CardHistory) -> datetime | None:
    """When the card finished, or None if its current (last) stay is not in a done column.

    The finish is the entry into the done range at the start of the final unbroken run of done
    stays: a card that was reopened and finished again counts from its last finish only.
    """
    stays = card.stays
    if not stays or stays[-1].role is not ColumnRole.DONE:
        return None
    first = len(stays) - 1
    while first > 0 and stays[first - 1].role is ColumnRole.DONE:
        first -= 1
    return stays[first].entered_at


def flow_start(started: datetime | None, finished: datetime | None) -> datetime | None:
    """The start of a card's flow interval, from its `started_at` and `finished_at`.

    A card that finished without starting starts when it finished; back-dated moves can put a
    finish before the recorded start, and then the finish wins.
    """
    if finished is not None and (started is None or started > finished):
        return finished
    return started


def start_and_finish(card: CardHistory) -> tuple[datetime | None, datetime | None]:
    """The card's flow start (`flow_start`) and its finish."""
    finish = finished_at(card)
    return flow_start(started_at(card), finish), finish


def block_intervals(card: CardHistory, now: datetime) -> list[Interval]:
    """The card's blocked time as disjoint intervals; open blocks end at `now`."""
    return merge_intervals((b.blocked_at, b.unblocked_at or now) for b in card.blocks)


def active_hours(card: CardHistory, lo: datetime, hi: datetime, now: datetime) -> float:
    """Hours between `lo` and `hi` the card spent in active columns and was not blocked."""
    active = merge_intervals(
        (s.entered_at, s.exited_at or now) for s in card.stays if s.role is ColumnRole.ACTIVE
    )
    active = clip_intervals(active, lo, hi)
    blocked = clip_intervals(block_intervals(card, now), lo, hi)
    return measure_hours(active) - overlap_hours(active, blocked)


@dataclass(frozen=True, slots=True)
class CardSummary:
    """What a card's history alone decides for the flow report, whatever the period or `now`
    (as long as `now` is not before the card's last recorded moment)."""

    start: datetime | None
    """The flow start (`start_and_finish`)."""
    finish: datetime | None
    active_hours: float | None
    """For a finished card, its active time from start to finish; None otherwise."""
    exits: tuple[tuple[int, str, datetime], ...]
    """(position in `stays`, column id, left at) of each stay that began at or after the start
    and has ended: when the card left its columns, for the aging bands."""


def summarize(card: CardHistory) -> CardSummary:
    """The `CardSummary` of one card."""
    start, finish = start_and_finish(card)
    return CardSummary(
        start=start,
        finish=finish,
        active_hours=(
            active_hours(card, start, finish, finish)
            if start is not None and finish is not None
            else None
        ),
        exits=(
            tuple(
                (i, s.column_id, s.exited_at)
                for i, s in enumerate(card.stays)
                if s.exited_at is not None and s.entered_at >= start
            )
            if start is not None
            else ()
        ),
    )
