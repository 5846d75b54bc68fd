"""What the board shows, computed from domain models: card faces and column headers.

Pure functions (no Textual), so the rules for ages, due dates, WIP states and done-column
ordering are tested without a terminal. Every string here comes from the board file and is made
`printable`; widgets render it as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import overload
from zoneinfo import ZoneInfo

from kanban_tui.domain.days import calendar_days
from kanban_tui.domain.errors import WipLimitReached
from kanban_tui.domain.filters import CardQuery
from kanban_tui.domain.models import Board, Card, CardTimes, ClassOfService, Column, ColumnRole
from kanban_tui.domain.ordering import key_between
from kanban_tui.domain.percentile import percentile
from kanban_tui.domain.rules import decide_wip
from kanban_tui.domain.text import printable

DONE_COLUMN_CAP = 40
"""Done columns show this many most recent cards; the rest are counted, not drawn."""

DUE_SOON_DAYS = 3
SLE_HISTORY_DAYS = 90


class WipState(Enum):
    """A column's WIP state; shown with a marker as well as a colour."""

    UNLIMITED = ""
    CAN_PULL = "pull"
    AT_LIMIT = "at"
    OVER_LIMIT = "over"


@dataclass(frozen=True)
class CardFace:
    """One card as drawn on the board."""

    uid: str
    key: str
    title: str
    class_of_service: ClassOfService
    blocked: bool
    archived: bool
    retro_action: bool
    edited_concurrently: bool
    """A merge found two edits of one of its fields made without seeing each other."""
    tags: tuple[tuple[str, str], ...]
    """(name, colour) pairs."""
    initials: str
    age: str
    age_level: str
    """How much of the squad's SLE an in-flight card's age has used: "ok" (under 50%), "warn"
    (under 85%), "late" (85% or more), or "" (not in flight, or no SLE yet)."""
    due: str
    overdue: bool


class FaceList(Sequence[CardFace]):
    """A column's card faces, each built the first time it is drawn.

    A column of 6,000 cards draws perhaps ten of them; building every face up front was most of
    the time a large board took to appear.
    """

    def __init__(
        self,
        cards: Sequence[Card],
        make: Callable[[Card], CardFace],
        may_hold: Callable[[str], bool] | None = None,
    ) -> None:
        self._cards = cards
        self._make = make
        self._built: dict[int, CardFace] = {}
        self._index: dict[str, int] | None = None
        self._may_hold = may_hold
        """False for a card that cannot be here (it is in another column): no search needed."""

    def __len__(self) -> int:
        return len(self._cards)

    @overload
    def __getitem__(self, index: int) -> CardFace: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CardFace]: ...
    def __getitem__(self, index: int | slice) -> CardFace | Sequence[CardFace]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._cards)
        face = self._built.get(index)
        if face is None:
            face = self._built[index] = self._make(self._cards[index])
        return face

    @classmethod
    def empty(cls) -> FaceList:
        return cls((), _no_face)

    def index_of(self, uid: str | None) -> int | None:
        """Where the card with this uid is, without building any face."""
        if uid is None or (self._may_hold is not None and not self._may_hold(uid)):
            return None
        if self._index is None:
            # Asked several times per redraw (keep the cursor, follow a moved card); one pass
            # over a column of thousands of cards instead of one per question.
            self._index = {card.uid: i for i, card in enumerate(self._cards)}
        return self._index.get(uid)


def _no_face(card: Card) -> CardFace:
    raise IndexError(card.uid)


@dataclass(frozen=True)
class LocalMove:
    """A card drawn in its new column before the store has written the move."""

    before: Card
    times_before: CardTimes | None
    moved: Card


@dataclass(frozen=True)
class ColumnFace:
    """One column's header data and the cards it draws, in order."""

    column: Column
    count: int
    """Cards counting toward WIP (not archived), whatever the filter shows."""
    cards: FaceList
    hidden: int
    """Older done cards not drawn (DONE_COLUMN_CAP)."""
    state: WipState

    @property
    def header(self) -> str:
        """`Doing 3/3 ■full`: the state has a marker and a word, not only a colour."""
        name = printable(self.column.name)
        if self.column.wip_limit is None or not self.column.counts_toward_wip:
            return f"{name} {self.count}"
        marker = {
            WipState.OVER_LIMIT: " ▲over",
            WipState.AT_LIMIT: " ■full",
            WipState.CAN_PULL: " ◇pull",
        }.get(self.state, "")
        return f"{name} {self.count}/{self.column.wip_limit}{marker}"


def initials(name: str) -> str:
    """`Ana Costa` -> `AC`, `Ben` -> `BE`."""
    words = printable(name).split()
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def wip_state(column: Column, count: int) -> WipState:
    if column.wip_limit is None or not column.counts_toward_wip:
        return WipState.UNLIMITED
    if count > column.wip_limit:
        return WipState.OVER_LIMIT
    if count == column.wip_limit:
        return WipState.AT_LIMIT
    return WipState.CAN_PULL if column.is_started else WipState.UNLIMITED


def card_face(
    card: Card,
    column: Column,
    times: CardTimes | None,
    tags: Mapping[str, tuple[str, str]],
    now: datetime,
    zone: ZoneInfo,
    sle_days: float | None = None,
) -> CardFace:
    started = times.started_at if times else None
    level = ""
    if column.role is ColumnRole.DONE:
        finished = times.column_entered_at if times and times.column_entered_at else now
        age = f"✓{calendar_days(started or card.created_at, finished, zone)}d"
    else:
        days = calendar_days(started or card.created_at, now, zone)
        age = f"{days}d"
        if started is not None and sle_days:
            used = days / sle_days
            level = "ok" if used < 0.5 else "warn" if used < 0.85 else "late"
    due, overdue = "", False
    if card.due is not None and column.role is not ColumnRole.DONE:
        today = now.astimezone(zone).date()
        if card.due < today:
            due, overdue = f"overdue {(today - card.due).days}d", True
        elif card.due == today:
            due, overdue = "due today", True
        elif card.due <= today + timedelta(days=DUE_SOON_DAYS):
            due = f"due {card.due.strftime('%a %d %b')}"
    return CardFace(
        uid=card.uid,
        key=card.key,
        title=printable(card.title),
        class_of_service=card.class_of_service,
        blocked=card.blocked,
        archived=card.archived,
        retro_action=card.is_retro_action,
        edited_concurrently=card.edited_concurrently,
        tags=tuple(tags[t] for t in card.tag_ids if t in tags),
        initials=" ".join(initials(a) for a in card.assignees),
        age=age,
        age_level=level,
        due=due,
        overdue=overdue,
    )


def build_column(
    column: Column,
    cards: Sequence[Card],
    times: Mapping[str, CardTimes],
    tags: Mapping[str, tuple[str, str]],
    now: datetime,
    zone: ZoneInfo,
    query: CardQuery,
    *,
    show_archived: bool = False,
    sle_days: float | None = None,
    count: int | None = None,
    head_only: bool = False,
    may_hold: Callable[[str], bool] | None = None,
) -> ColumnFace:
    """What one column draws: its WIP count and the cards that pass the filter, in order.

    `count` (cards not archived) is counted from `cards` unless given; it must be given when
    `cards` is only the head of the column (`head_only`, see `Store.board_head`).
    """
    if count is None:
        count = sum(not c.archived for c in cards)
    tag_names = {tag_id: name for tag_id, (name, _) in tags.items()}
    if show_archived or (not head_only and count == len(cards)):
        shown = list(cards)  # nothing archived to leave out: a copy, not a test per card
    else:
        shown = [c for c in cards if not c.archived]
    if not query.is_empty:
        shown = [c for c in shown if query.matches(c, tag_names)]
    hidden = 0
    if column.role is ColumnRole.DONE:
        # Recent work first; finished work does not grow the screen without bound.
        never = datetime.min.replace(tzinfo=now.tzinfo)
        shown.sort(key=lambda c: _entered(times, c) or never, reverse=True)
        hidden = max(0, (count if head_only else len(shown)) - DONE_COLUMN_CAP)
        shown = shown[:DONE_COLUMN_CAP]
    return ColumnFace(
        column=column,
        count=count,
        cards=FaceList(
            shown,
            lambda c: card_face(c, column, times.get(c.uid), tags, now, zone, sle_days),
            may_hold,
        ),
        hidden=hidden,
        state=wip_state(column, count),
    )


class BoardState:
    """The board held by the UI: the shape, and cards by column, patched as changes arrive.

    It may hold only the head of each column (a first frame of a big board); then `counts`
    comes from the store and `recent_finishes` holds the squad's recent cycle times, until the
    whole board replaces it.
    """

    def __init__(
        self,
        board: Board,
        times: Mapping[str, CardTimes],
        *,
        counts: Mapping[str, int] | None = None,
        recent_finishes: Iterable[tuple[datetime, datetime]] = (),
    ) -> None:
        self.shape = board.model_copy(update={"cards": ()})
        self.zone = ZoneInfo(board.squad.timezone)
        self.times = dict(times)
        self.cards = {c.uid: c for c in board.cards}
        self._tags = {t.id: (printable(t.name), t.colour) for t in board.tags}
        self.by_column: dict[str, list[Card]] = {c.id: [] for c in board.columns}
        for card in board.cards:
            self.by_column.setdefault(card.column_id, []).append(card)
        self._head = counts is not None
        if counts is None:
            counts = {i: sum(not c.archived for c in cards) for i, cards in self.by_column.items()}
        self.counts = {i: counts.get(i, 0) for i in self.by_column}
        """Each column's WIP count (cards not archived), kept as cards are patched: counting a
        column of thousands of cards on every redraw was a good part of a move's time."""
        self._recent_finishes = tuple(recent_finishes)
        self._sle: tuple[date, float | None] | None = None

    @property
    def is_head(self) -> bool:
        return self._head

    def sle_days(self, now: datetime) -> float | None:
        """The squad's SLE in days: as configured, else the 85th percentile of the cycle times of
        cards that reached a done column in the last 90 days (recomputed once a day)."""
        configured = self.shape.squad.sle_days
        if configured is not None:
            return configured
        today = now.astimezone(self.zone).date()
        if self._sle is None or self._sle[0] != today:
            since = now - timedelta(days=SLE_HISTORY_DAYS)
            finishes = self._recent_finishes if self.is_head else self._finishes()
            cycle_times = [
                float(calendar_days(started, finished, self.zone))
                for started, finished in finishes
                if finished >= since
            ]
            self._sle = (today, _percentile_85(cycle_times))
        return self._sle[1]

    def _finishes(self) -> Iterator[tuple[datetime, datetime]]:
        for column in self.columns:
            if column.role is ColumnRole.DONE:
                for card in self.by_column.get(column.id, []):
                    found = self.times.get(card.uid)
                    if found is not None and found.column_entered_at is not None:
                        yield found.started_at or card.created_at, found.column_entered_at

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.shape.columns

    def patch(
        self, cards: Sequence[Card], times: Mapping[str, CardTimes], gone: Iterable[str]
    ) -> set[str]:
        """Apply re-read cards (and remove deleted ones); returns the columns that changed.

        Cards already shown exactly so are skipped: our own changes arrive twice (at once,
        and again with the next poll), and the second must not redraw anything.
        """
        cards = [
            c
            for c in cards
            if self.cards.get(c.uid) != c or self.times.get(c.uid) != times.get(c.uid)
        ]
        touched: set[str] = set()
        for uid in [*gone, *(c.uid for c in cards)]:
            old = self.cards.pop(uid, None)
            if old is not None:
                self.by_column[old.column_id] = [
                    c for c in self.by_column.get(old.column_id, []) if c.uid != uid
                ]
                touched.add(old.column_id)
                self._count(old, -1)
        for card in cards:
            self._count(card, +1)
            self.cards[card.uid] = card
            # A new list, not the old one changed in place: the columns on screen still draw
            # (and index) the old one until they are redrawn.
            column = [*self.by_column.get(card.column_id, []), card]
            column.sort(key=lambda c: (c.position, c.uid))
            self.by_column[card.column_id] = column
            touched.add(card.column_id)
        self.times.update(times)
        return touched

    def wip_refusal(self, card: Card, column: Column) -> WipLimitReached | None:
        """The refusal the store would give a move of `card` into a full `block` column, as far
        as the cards held here tell (the store decides again inside its write)."""
        if card.archived or card.column_id == column.id or not column.limits_wip:
            return None
        occupants = [c.key for c in self.by_column.get(column.id, []) if not c.archived]
        try:
            decide_wip(column, occupants, None)
        except WipLimitReached as refusal:
            return refusal
        return None

    def move_locally(self, uid: str, column: Column, now: datetime) -> tuple[LocalMove, set[str]]:
        """Put a card last in `column` as the store will, before it has; returns the move (to
        take back if the store refuses) and the columns that changed."""
        before = self.cards[uid]
        there = self.by_column.get(column.id, [])
        position = key_between(there[-1].position if there else None, None)
        moved = before.model_copy(
            update={"column_id": column.id, "position": position, "updated_at": now}
        )
        times_before = self.times.get(uid)
        started = times_before.started_at if times_before else None
        times = CardTimes(
            started_at=started or (now if column.is_started else None), column_entered_at=now
        )
        return LocalMove(before, times_before, moved), self.patch([moved], {uid: times}, ())

    def take_back(self, move: LocalMove) -> set[str]:
        """Undo `move_locally` after a refusal; returns the columns that changed. A newer
        version of the card read since (a teammate's change, or the store's own) stays."""
        uid = move.moved.uid
        if self.cards.get(uid) is not move.moved:
            return set()
        touched = self.patch([move.before], {}, ())
        if move.times_before is None:
            self.times.pop(uid, None)
        else:
            self.times[uid] = move.times_before
        return touched

    def _count(self, card: Card, step: int) -> None:
        if not card.archived:
            self.counts[card.column_id] = self.counts.get(card.column_id, 0) + step

    def face(
        self, column: Column, now: datetime, query: CardQuery, show_archived: bool
    ) -> ColumnFace:
        return build_column(
            column,
            self.by_column.get(column.id, []),
            self.times,
            self._tags,
            now,
            self.zone,
            query,
            show_archived=show_archived,
            sle_days=self.sle_days(now),
            count=self.counts.get(column.id, 0),
            head_only=self._head,
            may_hold=lambda uid: uid in self.cards and self.cards[uid].column_id == column.id,
        )


def _percentile_85(values: list[float]) -> float | None:
    """ActionableAgile's rank, floor(0.85 n), as in the flow metrics."""
    return percentile(values, 85) if values else None


def _entered(times: Mapping[str, CardTimes], card: Card) -> datetime | None:
    found = times.get(card.uid)
    return found.column_entered_at if found else None
