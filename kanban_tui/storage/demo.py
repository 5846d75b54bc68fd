"""A believable demo history: a marketing squad pulling cards through its board for 90 days.

The history is simulated day by day with a pull system: work enters Doing only while it is under
its limit (an expedite card may override it, with a reason), finished work waits for review, some
reviews send cards back (rework), some cards get blocked for a few days, and a warn limit is
sometimes breached. With many cards the team and its limits scale up so flow stays believable.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from kanban_tui.domain.clock import HLC_COUNTER_BITS, to_millis, uuid7
from kanban_tui.domain.events import (
    CardAssigned,
    CardBlocked,
    CardCreated,
    CardMoved,
    ColumnAdded,
    Event,
    EventKind,
    NoPayload,
    Payload,
    SquadCreated,
    TagAdded,
    WipException,
    payload_json,
)
from kanban_tui.domain.models import ClassOfService
from kanban_tui.domain.ordering import key_between
from kanban_tui.domain.rules import DEFAULT_COLUMNS
from kanban_tui.domain.text import prefix_from_name
from kanban_tui.storage.store import paused_gc

HISTORY_DAYS = 90
BASE_CARDS = 120
"""At this many cards the squad has the default limits (Doing 3, Review 2)."""

MISSION = "Help every trial user reach their first campaign win within 7 days."
MEMBERS = (
    "Ana Costa",
    "Ben Okafor",
    "Chloé Martin",
    "Dev Patel",
    "Emeka Obi",
    "Fatima Haddad",
    "Gus Lindqvist",
)
VALUE_TAGS = (
    ("Trial conversion", "Trials that become paying customers", "green"),
    ("Onboarding", "New customers reach their first win fast", "cyan"),
    ("Retention", "Customers stay and renew", "magenta"),
    ("Expansion", "Customers grow into bigger plans", "yellow"),
    ("Brand awareness", "The right people hear of us", "blue"),
)
_VERBS = ("Write", "Design", "Launch", "A/B test", "Refresh", "Plan", "Film", "Localise", "Audit")
_THINGS = (
    "onboarding email #{n}",
    "trial nurture sequence",
    "pricing page hero",
    "webinar on campaign analytics",
    "case study with a retail customer",
    "in-app checklist for week 1",
    "win-back offer for lapsed trials",
    "LinkedIn ad set",
    "help-centre article on templates",
    "renewal reminder flow",
    "partner co-marketing brief",
    "customer story video",
    "upgrade prompt in reports",
    "SEO landing page for agencies",
)
_BLOCK_REASONS = (
    "Waiting on legal review",
    "waiting on Legal  review",
    "Design assets late",
    "Blocked by data team export",
    "Waiting for customer approval",
    "Tracking pixel broken",
)
_OVERRIDE_REASONS = (
    "Pricing page bug during launch week",
    "Customer escalation from the CEO",
)


@dataclass(eq=False)
class _Card:
    """A simulated card; compared by identity, so removing it from a column's list is cheap."""

    uid: str
    number: int
    column: int
    assignee: str
    work_left: float
    review_left: float = 0.0
    blocked_until: int | None = None
    finished_day: int | None = None


class _Pending(NamedTuple):
    """An event before it is stamped: `Event`s are built once, after the history is sorted."""

    at: datetime
    id: str
    actor: str
    squad_id: str
    card_uid: str | None
    kind: EventKind
    payload: dict[str, Any]


@dataclass
class HistoryBuilder:
    """A history built from plain facts (the demo, imports); its events are stamped once, at the
    end, in time order."""

    rng: random.Random
    zone: ZoneInfo
    start: datetime
    actor: str
    squad_id: str = ""
    events: list[_Pending] = field(default_factory=list)
    last_change: dict[str, datetime] = field(default_factory=dict)
    _midnights: dict[int, datetime] = field(default_factory=dict)

    def moment(self, day: int, earliest_hour: float = 9.0) -> datetime:
        midnight = self._midnights.get(day)
        if midnight is None:
            local_day = (self.start + timedelta(days=day)).astimezone(self.zone).date()
            midnight = self._midnights[day] = datetime.combine(local_day, time(), self.zone)
        hour = self.rng.uniform(earliest_hour, 18.0)
        local = midnight + timedelta(hours=hour)
        return local.astimezone(self.start.tzinfo)

    def new_id(self, at: datetime) -> str:
        return uuid7(to_millis(at), self.rng.randbytes(10))

    def stamped(self) -> list[Event]:
        """The history in time order, stamped with increasing HLC values."""
        self.events.sort(key=lambda e: (e.at, e.id))
        stamped = []
        last = 0
        for event in self.events:
            last = max(last + 1, to_millis(event.at) << HLC_COUNTER_BITS)
            stamped.append(
                Event(
                    id=event.id,
                    hlc=last,
                    at=event.at,
                    recorded_at=event.at,
                    actor=event.actor,
                    squad_id=event.squad_id,
                    card_uid=event.card_uid,
                    kind=event.kind,
                    payload=event.payload,
                )
            )
        return stamped

    def add(
        self,
        kind: EventKind,
        payload: Payload,
        at: datetime,
        *,
        actor: str | None = None,
        card_uid: str | None = None,
        event_id: str | None = None,
    ) -> None:
        if card_uid is not None:
            # A card's events stay in order even though the day's moments are drawn at random.
            previous = self.last_change.get(card_uid)
            if previous is not None and at <= previous:
                at = previous + timedelta(seconds=1)
            self.last_change[card_uid] = at
        self.events.append(
            _Pending(
                at,
                event_id or self.new_id(at),
                actor or self.actor,
                self.squad_id,
                card_uid,
                kind,
                payload_json(payload),
            )
        )


def build_demo_history(
    *, name: str, cards: int, seed: int, now: datetime, actor: str, timezone: str = "Europe/London"
) -> list[Event]:
    """Return the events of a demo squad, oldest first, stamped with increasing HLC values."""
    with paused_gc():
        return _build(name=name, cards=cards, seed=seed, now=now, actor=actor, timezone=timezone)


def _build(
    *, name: str, cards: int, seed: int, now: datetime, actor: str, timezone: str
) -> list[Event]:
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    start = now - timedelta(days=HISTORY_DAYS)
    h = HistoryBuilder(rng=rng, zone=zone, start=start, actor=actor)
    scale = max(1, round(cards / BASE_CARDS))
    created_at = start - timedelta(days=1)
    h.squad_id = h.new_id(created_at)
    h.add(
        EventKind.SQUAD_CREATED,
        SquadCreated(
            name=name,
            mission=MISSION,
            timezone=timezone,
            prefix=prefix_from_name(name),
            members=MEMBERS,
        ),
        created_at,
    )
    column_ids: list[str] = []
    position: str | None = None
    for spec in DEFAULT_COLUMNS:
        position = key_between(position, None)
        column_ids.append(h.new_id(created_at))
        limit = spec.wip_limit * scale if spec.wip_limit else None
        h.add(
            EventKind.COLUMN_ADDED,
            ColumnAdded(
                column_id=column_ids[-1],
                name=spec.name,
                role=spec.role,
                wip_limit=limit,
                wip_policy=spec.wip_policy,
                position=position,
            ),
            created_at,
        )
    tag_ids = []
    for tag_name, description, colour in VALUE_TAGS:
        tag_ids.append(h.new_id(created_at))
        h.add(
            EventKind.TAG_ADDED,
            TagAdded(tag_id=tag_ids[-1], name=tag_name, description=description, colour=colour),
            created_at,
        )
    _simulate(h, cards, scale, column_ids, tag_ids)
    return h.stamped()


def _simulate(
    h: HistoryBuilder, total: int, scale: int, column_ids: list[str], tag_ids: list[str]
) -> None:
    backlog, ready, doing, review, done = range(5)
    doing_limit, review_limit = 3 * scale, 2 * scale
    positions: list[str | None] = [None] * 5
    members = MEMBERS
    board: list[list[_Card]] = [[] for _ in range(5)]
    finished: list[tuple[int, _Card]] = []
    rng = h.rng
    arrivals = _spread_arrivals(rng, total)
    number = 0

    def place(column: int) -> str:
        positions[column] = key_between(positions[column], None)
        return positions[column] or ""

    def move(card: _Card, to: int, at: datetime) -> None:
        h.add(
            EventKind.CARD_MOVED,
            CardMoved(
                from_column_id=column_ids[card.column], column_id=column_ids[to], position=place(to)
            ),
            at,
            actor=card.assignee,
            card_uid=card.uid,
        )
        _remove(board[card.column], card)
        card.column = to
        board[to].append(card)

    for day in range(HISTORY_DAYS):
        weekend = (h.start + timedelta(days=day)).astimezone(h.zone).weekday() >= 5
        for _ in range(arrivals[day]):
            number += 1
            at = h.moment(day, 8.0)
            uid = h.new_id(at)
            expedite = rng.random() < 0.03
            card = _Card(
                uid=uid,
                number=number,
                column=backlog,
                assignee=rng.choice(members),
                work_left=rng.lognormvariate(math.log(2.5), 0.6),
            )
            tags = () if rng.random() < 0.12 else (rng.choice(tag_ids),)
            title = f"{rng.choice(_VERBS)} {rng.choice(_THINGS).format(n=rng.randint(2, 9))}"
            h.add(
                EventKind.CARD_CREATED,
                CardCreated(
                    number=number,
                    title=title,
                    column_id=column_ids[backlog],
                    position=place(backlog),
                    tag_ids=tags,
                    class_of_service=(ClassOfService.EXPEDITE if expedite else _other_class(rng)),
                ),
                at,
                actor=card.assignee,
                card_uid=uid,
                event_id=uid,
            )
            h.add(
                EventKind.CARD_ASSIGNED,
                CardAssigned(name=card.assignee),
                at,
                actor=card.assignee,
                card_uid=uid,
            )
            board[backlog].append(card)
            if expedite:
                move(card, ready, at)
                full = len(board[doing]) >= doing_limit
                move(card, doing, at)
                if full:
                    h.add(
                        EventKind.WIP_OVERRIDDEN,
                        WipException(
                            column_id=column_ids[doing],
                            limit=doing_limit,
                            count=len(board[doing]),
                            reason=rng.choice(_OVERRIDE_REASONS),
                        ),
                        at,
                        actor=card.assignee,
                        card_uid=card.uid,
                    )
        if weekend:
            continue
        # Done only grows, in the order cards finished: the ones finished over 45 days ago and
        # not yet archived are a prefix of `finished` (in Done's order), so only they are visited.
        ripe = 0
        while ripe < len(finished) and day - finished[ripe][0] > 45:
            ripe += 1
        kept = []
        for finished_day, card in finished[:ripe]:
            if rng.random() < 0.3:
                h.add(EventKind.CARD_ARCHIVED, NoPayload(), h.moment(day), card_uid=card.uid)
                card.finished_day = None
            else:
                kept.append((finished_day, card))
        finished[:ripe] = kept
        for card in list(board[review]):
            card.review_left -= 1
            if card.review_left <= 0:
                at = h.moment(day, 10.0)
                if rng.random() < 0.15 and len(board[doing]) < doing_limit:
                    card.work_left = rng.uniform(0.5, 1.5)
                    move(card, doing, at)  # rework: review sent it back
                else:
                    move(card, done, at)
                    card.finished_day = day
                    finished.append((day, card))
        for card in list(board[doing]):
            if card.blocked_until is not None:
                if day >= card.blocked_until:
                    h.add(
                        EventKind.CARD_UNBLOCKED,
                        NoPayload(),
                        h.moment(day),
                        actor=card.assignee,
                        card_uid=card.uid,
                    )
                    card.blocked_until = None
                continue
            if rng.random() < 0.07:
                card.blocked_until = day + rng.randint(1, 4)
                h.add(
                    EventKind.CARD_BLOCKED,
                    CardBlocked(reason=rng.choice(_BLOCK_REASONS)),
                    h.moment(day),
                    actor=card.assignee,
                    card_uid=card.uid,
                )
                continue
            card.work_left -= rng.uniform(0.6, 1.2)
            if card.work_left <= 0:
                at = h.moment(day, 11.0)
                over = len(board[review]) >= review_limit
                card.review_left = rng.uniform(0.5, 2.0)
                move(card, review, at)
                if over:
                    h.add(
                        EventKind.WIP_BREACHED,
                        WipException(
                            column_id=column_ids[review],
                            limit=review_limit,
                            count=len(board[review]),
                        ),
                        at,
                        actor=card.assignee,
                        card_uid=card.uid,
                    )
        while len(board[ready]) < 3 * scale and board[backlog]:
            move(board[backlog][0], ready, h.moment(day, 9.0))
        while len(board[doing]) < doing_limit and board[ready]:
            move(board[ready][0], doing, h.moment(day, 9.5))


def _remove(cards: list[_Card], card: _Card) -> None:
    """Take `card` out of its column's list (it is there once), looking at the ends first."""
    if cards[-1] is card:
        cards.pop()
    elif cards[0] is card:
        del cards[0]
    else:
        cards.remove(card)


def _spread_arrivals(rng: random.Random, total: int) -> list[int]:
    """How many cards arrive each day: a backlog seeded on day 0, the rest spread evenly."""
    seeded = total // 6
    counts = [0] * HISTORY_DAYS
    counts[0] = seeded
    for _ in range(total - seeded):
        counts[rng.randrange(HISTORY_DAYS)] += 1
    return counts


def _other_class(rng: random.Random) -> ClassOfService:
    roll = rng.random()
    if roll < 0.08:
        return ClassOfService.FIXED_DATE
    if roll < 0.15:
        return ClassOfService.INTANGIBLE
    return ClassOfService.STANDARD
