"""Flow metrics from card histories: cycle time, WIP, throughput, SLE, XmR, Little's Law."""

from __future__ import annotations

import itertools
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from kanban_tui.domain.conventions import (
    HOUR_CONVENTION,
    Conventions,
    UtcDatetime,
    elapsed_hours,
    to_utc,
)
from kanban_tui.domain.days import (
    DAY_CONVENTION,
    calendar_days,
    daily_counts,
    day_start,
    inclusive_days,
)
from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.history import (
    STARTED_ROLES,
    BlockSpan,
    CardHistory,
    Interval,
    Stay,
    active_hours,
    block_intervals,
    clip_intervals,
    finished_at,
    flow_start,
    measure_hours,
    start_and_finish,
    started_at,
)
from kanban_tui.domain.models import ClassOfService, ColumnRole, Frozen
from kanban_tui.domain.percentile import percentile
from kanban_tui.domain.xmr import Xmr, XmrSignal, xmr

PERCENTS = (50, 70, 85, 95)
"""The percentiles every distribution is summarised by (ActionableAgile's default set)."""

LOW_SAMPLE = 10
"""Below this many values a percentile is flagged `low_sample`: it may move a lot with one card."""

SLE_HISTORY_DAYS = 90
"""How far back the default SLE, pace and aging bands look (local days, today included)."""

_TOLERANCE = 0.2
"""Relative gap above which two counts are "not similar" in the Little's Law caveats."""


# --- Input models ----------------------------------------------------------------------------


class SleTarget(Frozen):
    """A configured Service Level Expectation: `percent`% of cards finish within `value`."""

    value: float
    """In the unit of the Conventions in use (days unless the squad chose hours)."""
    percent: int = 85


class WipEvent(Frozen):
    """A WIP-limit exception: a `warn` column went over (breach) or a `block` one was overridden."""

    kind: Literal["breach", "override"]
    column_id: str
    at: UtcDatetime
    reason: str | None = None


WipEventInput = WipEvent | tuple[Literal["breach", "override"], str, datetime, str | None]
"""A WIP exception as a model or as a (kind, column_id, at, reason) tuple."""


# --- Result models ---------------------------------------------------------------------------


class CardFlow(Frozen):
    """Flow measures of one card (durations in the Conventions' unit unless named `_hours`)."""

    uid: str
    key: str
    started_at: datetime | None
    finished_at: datetime | None
    cycle_time: float | None
    lead_time: float | None
    age: float | None
    blocked_hours: float
    flow_efficiency: float | None
    backward_moves: int
    time_in_columns_hours: dict[str, float]


class Percentiles(Frozen):
    """The 50/70/85/95th percentiles of a sample (rank = floor(p * n), 1-based)."""

    n: int
    p50: float | None
    p70: float | None
    p85: float | None
    p95: float | None
    low_sample: bool


class DayFlow(Frozen):
    """One local day: WIP at its end, cards started (arrivals) and finished (throughput)."""

    day: date
    wip: int
    arrivals: int
    throughput: int
    net_flow: int
    """arrivals - throughput: positive means WIP grew."""


class WeekFlow(Frozen):
    """One ISO week (or the part of it inside the period)."""

    week: str
    """ISO week label, e.g. 2026-W43."""
    first_day: date
    """The Monday of the week."""
    days: int
    """How many of its days fall inside the period (7 for a complete week)."""
    complete: bool
    arrivals: int
    throughput: int
    net_flow: int


class CfdDay(Frozen):
    """One local day of the cumulative flow diagram: cards in each column at the end of the day."""

    day: date
    counts: dict[str, int]


class CumulativeFlow(Frozen):
    """Per-column end-of-day counts; stack them in `columns` order to draw the CFD."""

    columns: tuple[str, ...]
    days: tuple[CfdDay, ...]


class ServiceLevel(Frozen):
    """The SLE in force and how often cards finished in the period met it."""

    value: float | None
    """In the Conventions' unit; None when there is no configured SLE and no history."""
    percent: int
    source: Literal["configured", "history", "none"]
    sample_size: int
    """Cycle times behind a history-based SLE (0 when configured)."""
    finished: int
    hits: int
    hit_rate: float | None


class AgingBand(Frozen):
    """Percentiles of the age at which past cards left one column."""

    column_id: str
    ages: Percentiles


AgingZone = Literal["p50", "p70", "p85", "p95", "beyond-p95"]


class InFlightCard(Frozen):
    """A started, unfinished card as of `now`, with its age measured against history."""

    uid: str
    key: str
    column_id: str
    role: ColumnRole
    started_at: datetime
    age: float
    pace: float | None
    """Share of past cycle times <= age: 0.9 means older than 90% of finished cards took."""
    sle_consumed: float | None
    """age / SLE value; above 1 the card has missed the SLE."""
    blocked: bool
    aging_zone: AgingZone | None
    """The lowest band of its column the age fits in ("p70": above p50, at most p70)."""
    at_risk: bool | None
    """Age above the column's 85th percentile band."""


LittleFlag = Literal[
    "no-departures",
    "low-sample",
    "arrivals-departures-differ",
    "wip-differs-at-ends",
    "unfinished-work",
    "age-trending",
]


class LittlesLaw(Frozen):
    """Little's Law as a consistency check on the past: avg cycle time vs avg WIP / throughput."""

    window_start: datetime
    window_end: datetime
    unit: Literal["days", "hours"]
    avg_wip: float
    throughput: float
    """Departures per day (unit days) or per hour (unit hours)."""
    avg_cycle_time: float | None
    predicted_cycle_time: float | None
    """avg_wip / throughput."""
    ratio: float | None
    """avg_cycle_time / predicted_cycle_time; 1.0 when the law holds exactly."""
    arrivals: int
    departures: int
    wip_at_start: int
    wip_at_end: int
    avg_age_at_start: float | None
    avg_age_at_end: float | None
    exact: bool
    """The window starts and ends with no work in flight, so the identity holds exactly."""
    flags: tuple[LittleFlag, ...]


class FlowEfficiency(Frozen):
    """Flow efficiency of the cards finished in a period."""

    n: int
    mean: float | None
    """Mean of the per-card ratios (ActionableAgile)."""
    pooled: float | None
    """Total active time / total cycle time."""


class BlockerCluster(Frozen):
    """Blocks grouped by normalised reason, in Pareto order."""

    reason: str
    examples: tuple[str, ...]
    count: int
    blocked_days: float
    """Elapsed days (hours / 24) blocked inside the window."""
    share_of_cycle_time: float | None
    """Blocked in-flight time / all in-flight time of the squad inside the window."""
    cumulative_share: float | None
    """Running share of all blocked time, for the Pareto line."""
    card_keys: tuple[str, ...]


class ColumnWip(Frozen):
    """WIP-limit exceptions of one column in the period."""

    column_id: str
    breaches: int
    overrides: int
    exception_days: int
    days_over_limit: int | None
    """End-of-day counts above the limit given (None when no limit was given)."""


class WipExceptions(Frozen):
    """WIP-limit breaches (warn) and overrides (block, with a reason) in the period."""

    breaches: int
    overrides: int
    exception_days: int
    columns: tuple[ColumnWip, ...]
    overrides_with_reasons: tuple[WipEvent, ...]


class Group(Frozen):
    """Flow of the cards sharing one value tag, class of service or assignee."""

    key: str | None
    """None collects the cards with no tag (or no assignee)."""
    throughput: int
    share_of_throughput: float | None
    cycle_time: Percentiles
    wip: int
    share_of_wip: float | None


class Breakdowns(Frozen):
    """Throughput, cycle time and WIP per value tag, class of service and assignee."""

    by_tag: tuple[Group, ...]
    by_class_of_service: tuple[Group, ...]
    by_assignee: tuple[Group, ...]
    finished: int
    finished_untagged: int
    finished_untagged_share: float | None
    wip: int
    wip_untagged: int
    wip_untagged_share: float | None


class FlowReport(Frozen):
    """Every flow measure of one squad over one period."""

    since: date
    until: date
    """The last day counted: the requested end, or today if that is earlier."""
    now: datetime
    conventions: Conventions
    convention: str
    days: tuple[DayFlow, ...]
    weeks: tuple[WeekFlow, ...]
    cumulative_flow: CumulativeFlow
    arrivals: int
    throughput: int
    net_flow: int
    cycle_time: Percentiles
    lead_time: Percentiles
    sle: ServiceLevel
    flow_efficiency: FlowEfficiency
    cycle_time_xmr: Xmr
    throughput_xmr: Xmr
    littles_law: LittlesLaw
    aging_bands: tuple[AgingBand, ...]
    in_flight: tuple[InFlightCard, ...]
    blockers: tuple[BlockerCluster, ...]
    wip_exceptions: WipExceptions
    breakdowns: Breakdowns
    cards: tuple[CardFlow, ...]
    """Cards finished in the period, then cards in flight at `now`."""


# --- Small helpers ---------------------------------------------------------------------------

_ONE_DAY = timedelta(days=1)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise InvalidInput("`now` must be timezone-aware")
    return to_utc(now)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --- Per card --------------------------------------------------------------------------------


def cycle_time(card: CardHistory, conventions: Conventions) -> float | None:
    """Start -> finish in the Conventions' unit, or None for an unfinished card."""
    start, finish = start_and_finish(card)
    if start is None or finish is None:
        return None
    return conventions.duration(start, finish)


def lead_time(card: CardHistory, conventions: Conventions) -> float | None:
    """Created -> finish in the Conventions' unit, or None for an unfinished card."""
    finish = finished_at(card)
    return None if finish is None else conventions.duration(card.created_at, finish)


def age(card: CardHistory, now: datetime, conventions: Conventions) -> float | None:
    """Start -> now for a started, unfinished card; None otherwise."""
    now = _aware(now)
    start, finish = start_and_finish(card)
    if start is None or finish is not None:
        return None
    return conventions.duration(start, now)


def time_in_columns(
    card: CardHistory,
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, float]:
    """Elapsed hours the card spent in each column, summed over its stays.

    Args:
        card: the card.
        now: the end of a stay that is still open.
        since: count only time after this moment (default: all).
        until: count only time before this moment (default: `now`).

    Returns:
        Hours per column id, for every column the card visited inside the window.
    """
    end_all = _aware(now)
    lo = to_utc(since) if since is not None else None
    hi = to_utc(until) if until is not None else end_all
    totals: dict[str, float] = {}
    for stay in card.stays:
        a = stay.entered_at if lo is None else max(stay.entered_at, lo)
        b = min(stay.exited_at or end_all, hi)
        if b >= a:
            totals[stay.column_id] = totals.get(stay.column_id, 0.0) + elapsed_hours(a, b)
    return totals


def blocked_hours(
    card: CardHistory,
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> float:
    """Elapsed hours the card was blocked; open blocks end at `now`, overlaps count once.

    Args:
        card: the card.
        now: the end of a block that is still open.
        since: count only time after this moment (default: all).
        until: count only time before this moment (default: all).
    """
    end = _aware(now)
    spans = block_intervals(card, end)
    if since is not None or until is not None:
        lo = to_utc(since) if since is not None else min((a for a, _ in spans), default=end)
        spans = clip_intervals(spans, lo, to_utc(until) if until is not None else end)
    return measure_hours(spans)


def flow_efficiency(card: CardHistory, now: datetime) -> float | None:
    """Active time / cycle time on elapsed time, from the start to the finish (or `now`).

    Active time is time in `active` columns minus the blocked time inside it. None when the card
    has not started or its cycle time is zero (it skipped straight to done).
    """
    end_all = _aware(now)
    start, finish = start_and_finish(card)
    if start is None:
        return None
    end = finish or end_all
    total = elapsed_hours(start, end)
    if total <= 0:
        return None
    return active_hours(card, start, end, end_all) / total


def backward_moves(card: CardHistory, column_order: Sequence[str]) -> int:
    """How many moves took the card to a column earlier in `column_order` (rework).

    Columns missing from `column_order` (removed since) are skipped.
    """
    index = {column_id: i for i, column_id in enumerate(column_order)}
    moves = 0
    previous: int | None = None
    for stay in card.stays:
        position = index.get(stay.column_id)
        if position is None:
            continue
        if previous is not None and position < previous:
            moves += 1
        previous = position
    return moves


def card_flow(
    card: CardHistory, column_order: Sequence[str], now: datetime, conventions: Conventions
) -> CardFlow:
    """All per-card measures of one card as of `now`."""
    end = _aware(now)
    start, finish = start_and_finish(card)
    return CardFlow(
        uid=card.uid,
        key=card.key,
        started_at=start,
        finished_at=finish,
        cycle_time=cycle_time(card, conventions),
        lead_time=lead_time(card, conventions),
        age=age(card, end, conventions),
        blocked_hours=blocked_hours(card, end),
        flow_efficiency=flow_efficiency(card, end),
        backward_moves=backward_moves(card, column_order),
        time_in_columns_hours=time_in_columns(card, end),
    )


# --- Percentiles and XmR ---------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> Percentiles:
    """The 50/70/85/95th percentiles of `values`, with n and a low-sample flag."""
    ordered = sorted(values)
    n = len(ordered)

    def at(percent: int) -> float | None:
        return ordered[max(1, percent * n // 100) - 1] if n else None

    return Percentiles(
        n=n, p50=at(50), p70=at(70), p85=at(85), p95=at(95), low_sample=n < LOW_SAMPLE
    )


# --- Cards no measure of a period can see ---------------------------------------------------


def look_back_start(
    since: date,
    now: datetime,
    conventions: Conventions | None = None,
    history_days: int = SLE_HISTORY_DAYS,
) -> datetime:
    """The earliest moment a report on the period from `since` looks at: the period's start or
    the start of the SLE, pace and aging look-back, whichever is earlier."""
    zone = (conventions or Conventions()).tz
    first_recent = _aware(now).astimezone(zone).date() - timedelta(days=history_days - 1)
    return day_start(min(since, first_recent), zone)


def settled_column(card: CardHistory, bound: datetime) -> str | None:
    """The column a card has sat in, untouched, since before `bound`, when nothing from `bound`
    on can tell it apart from any other card sitting there; None for every other card.

    Such a card either finished or never started, its last move and its blocks all ended before
    `bound`: in a period that starts at `bound` or later it adds nothing to WIP, arrivals,
    throughput, cycle times, ages, blockers or breakdowns, only one card to its column's
    cumulative flow on every day. A large board is mostly such cards, so a report can take them
    as counts per column (`flow_report(settled=...)`) rather than as histories.
    """
    if not card.stays:
        return None
    last = card.stays[-1]
    if last.exited_at is not None or last.entered_at >= bound:
        return None
    finished = last.role is ColumnRole.DONE
    if not finished and any(s.role in STARTED_ROLES for s in card.stays):
        return None
    if any(b.unblocked_at is None or b.unblocked_at >= bound for b in card.blocks):
        return None
    return last.column_id


WaitingStay = tuple[str, datetime, datetime | None]
"""A stay of a waiting card (see `is_waiting`): column id, entered at, exited at (None: open)."""


def is_waiting(card: CardHistory) -> bool:
    """True for a card that never started and was never blocked: only its stays count, in the
    cumulative flow, so a report can take them as `WaitingStay`s (`flow_report(waiting=...)`).

    A large board's backlog is mostly such cards.
    """
    return not card.blocks and all(s.role is ColumnRole.QUEUE for s in card.stays)


# --- Per period ------------------------------------------------------------------------------


class _Flow(NamedTuple):
    """A card with its start, finish and cycle time worked out once."""

    uid: str
    key: str
    created_at: datetime
    tag_ids: tuple[str, ...]
    class_of_service: ClassOfService
    assignees: tuple[str, ...]
    card: CardHistory | None
    """None for a card that came summarised (`FinishedCard`)."""
    active: float | None
    """A summarised card's active hours from start to finish."""
    start: datetime | None
    finish: datetime | None
    start_day: date | None
    finish_day: date | None
    cycle: float | None
    """In the Conventions' unit; None until the card finished."""


def _flows(histories: Iterable[CardHistory], conventions: Conventions) -> list[_Flow]:
    zone = conventions.tz
    flows = []
    for card in histories:
        start, finish = start_and_finish(card)
        flows.append(
            _Flow(
                uid=card.uid,
                key=card.key,
                created_at=card.created_at,
                tag_ids=card.tag_ids,
                class_of_service=card.class_of_service,
                assignees=card.assignees,
                card=card,
                active=None,
                start=start,
                finish=finish,
                start_day=start.astimezone(zone).date() if start else None,
                finish_day=finish.astimezone(zone).date() if finish else None,
                cycle=(
                    conventions.duration(start, finish)
                    if start is not None and finish is not None
                    else None
                ),
            )
        )
    return flows


class FinishedCard(NamedTuple):
    """A finished card as the store's fold summarised it (`history.summarize`), with its local
    days in the report's zone: what the report needs of a finished card without its history."""

    uid: str
    key: str
    created_at: datetime
    tag_ids: tuple[str, ...]
    class_of_service: ClassOfService
    assignees: tuple[str, ...]
    start: datetime
    finish: datetime
    created_day: date
    start_day: date
    finish_day: date
    active_hours: float


@dataclass(frozen=True, slots=True)
class CardBlock:
    """A block of a card, with the card's key, start and finish, for the blocker clusters."""

    key: str
    span: BlockSpan
    start: datetime | None
    finish: datetime | None


def _summarised_flows(cards: Iterable[FinishedCard], conventions: Conventions) -> list[_Flow]:
    in_days = conventions.unit == "days"
    return [
        _Flow(
            uid=c.uid,
            key=c.key,
            created_at=c.created_at,
            tag_ids=c.tag_ids,
            class_of_service=c.class_of_service,
            assignees=c.assignees,
            card=None,
            active=c.active_hours,
            start=c.start,
            finish=c.finish,
            start_day=c.start_day,
            finish_day=c.finish_day,
            # Conventions.duration, from the local days already known.
            cycle=(
                float(inclusive_days(c.start_day, c.finish_day))
                if in_days
                else conventions.duration(c.start, c.finish)
            ),
        )
        for c in cards
    ]


def _history(f: _Flow) -> CardHistory:
    if f.card is None:
        raise ValueError(f"card {f.key} came summarised, without its history")
    return f.card


@dataclass(frozen=True, slots=True)
class _Window:
    """A period of whole local days, cut short at `now`."""

    since: date
    last: date
    """The last day counted; before `since` when the period lies wholly in the future."""
    start: datetime
    end: datetime
    zone: ZoneInfo

    @property
    def size(self) -> int:
        return max(0, (self.last - self.since).days + 1)

    @property
    def days(self) -> list[date]:
        return [self.since + timedelta(days=i) for i in range(self.size)]

    def index(self, day: date) -> int | None:
        """Position of `day` in the period, or None when it falls outside."""
        return (day - self.since).days if self.since <= day <= self.last else None

    def local(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def _window(since: date, until: date, now: datetime, conventions: Conventions) -> _Window:
    if since > until:
        raise InvalidInput(f"the period starts ({since}) after it ends ({until})")
    zone = conventions.tz
    now = _aware(now)
    last = min(until, now.astimezone(zone).date())
    start = day_start(since, zone)
    end = max(start, min(day_start(last + _ONE_DAY, zone), now))
    return _Window(since=since, last=last, start=start, end=end, zone=zone)


def _wip_before(flows: Sequence[_Flow], since: date) -> int:
    """Cards in flight at the end of the day before `since`."""
    started = sum(1 for f in flows if f.start_day is not None and f.start_day < since)
    finished = sum(1 for f in flows if f.finish_day is not None and f.finish_day < since)
    return started - finished


def _daily(flows: Sequence[_Flow], window: _Window) -> list[DayFlow]:
    arrivals = [0] * window.size
    throughput = [0] * window.size
    for f in flows:
        if f.start_day is not None and (i := window.index(f.start_day)) is not None:
            arrivals[i] += 1
        if f.finish_day is not None and (i := window.index(f.finish_day)) is not None:
            throughput[i] += 1
    wip = _wip_before(flows, window.since)
    days = []
    for day, came, went in zip(window.days, arrivals, throughput, strict=True):
        wip += came - went
        days.append(DayFlow(day=day, wip=wip, arrivals=came, throughput=went, net_flow=came - went))
    return days


def daily_flow(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> tuple[DayFlow, ...]:
    """WIP at the end of each local day, arrivals, throughput (zero days included), net flow.

    A card counts as WIP from its first start to its finish (a reopened card, from its first
    start to its last finish). WIP(d) = cards started by the end of d - cards finished by then.
    Days after today are not counted.
    """
    window = _window(since, until, now, conventions)
    return tuple(_daily(_flows(histories, conventions), window))


def _weeks(days: Sequence[DayFlow]) -> list[WeekFlow]:
    weeks: list[WeekFlow] = []
    grouped: dict[tuple[int, int], list[DayFlow]] = {}
    for day in days:
        iso = day.day.isocalendar()
        grouped.setdefault((iso.year, iso.week), []).append(day)
    for (year, week), members in grouped.items():
        came = sum(d.arrivals for d in members)
        went = sum(d.throughput for d in members)
        weeks.append(
            WeekFlow(
                week=f"{year}-W{week:02d}",
                first_day=date.fromisocalendar(year, week, 1),
                days=len(members),
                complete=len(members) == 7,
                arrivals=came,
                throughput=went,
                net_flow=came - went,
            )
        )
    return weeks


def weekly_flow(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> tuple[WeekFlow, ...]:
    """Arrivals and throughput per ISO week; weeks cut by the period say `complete=False`."""
    return tuple(
        _weeks(daily_flow(histories, since=since, until=until, now=now, conventions=conventions))
    )


def daily_throughput(
    histories: Iterable[CardHistory], *, since: date, until: date, conventions: Conventions
) -> tuple[int, ...]:
    """Cards finished on each local day from `since` to `until` inclusive, zero days included."""
    if since > until:
        raise InvalidInput(f"the period starts ({since}) after it ends ({until})")
    finishes = (finished_at(card) for card in histories)
    return daily_counts(
        (f for f in finishes if f is not None), since=since, until=until, zone=conventions.tz
    )


def _cfd(
    histories: Iterable[CardHistory],
    column_order: Sequence[str],
    window: _Window,
    settled: Mapping[str, int] | None = None,
    waiting: Iterable[WaitingStay] = (),
) -> CumulativeFlow:
    columns = list(column_order)
    known = set(columns)
    for column_id in settled or {}:
        if column_id not in known:
            known.add(column_id)
            columns.append(column_id)
    size = window.size
    deltas: dict[str, list[int]] = defaultdict(lambda: [0] * (size + 1))
    stays = itertools.chain(
        ((s.column_id, s.entered_at, s.exited_at) for card in histories for s in card.stays),
        waiting,
    )
    for column_id, entered, exited in stays:
        if column_id not in known:
            known.add(column_id)
            columns.append(column_id)
        # A stay holds the card at the end of day d when it entered on or before d and left
        # after d; a stay that begins and ends on one day holds it at no day's end.
        first = max(window.local(entered), window.since)
        left = window.local(exited) if exited else None
        last = window.last if left is None else min(left - _ONE_DAY, window.last)
        if first <= last:
            series = deltas[column_id]
            series[(first - window.since).days] += 1
            series[(last - window.since).days + 1] -= 1
    running = {column_id: (settled or {}).get(column_id, 0) for column_id in columns}
    days = []
    for i, day in enumerate(window.days):
        for column_id in columns:
            if column_id in deltas:
                running[column_id] += deltas[column_id][i]
        days.append(CfdDay(day=day, counts=dict(running)))
    return CumulativeFlow(columns=tuple(columns), days=tuple(days))


def cumulative_flow(
    histories: Iterable[CardHistory],
    *,
    column_order: Sequence[str],
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> CumulativeFlow:
    """Cards in each column at the end of each local day, from their actual stays.

    Columns come in `column_order`, then any column a stay names that the order lacks.
    """
    window = _window(since, until, now, conventions)
    return _cfd(histories, column_order, window)


def _finished_in(flows: Iterable[_Flow], window: _Window) -> list[_Flow]:
    done = [f for f in flows if f.finish_day is not None and window.index(f.finish_day) is not None]
    # Completion order, for XmR; the key breaks ties between cards finished in the same instant.
    return sorted(done, key=lambda f: (f.finish or window.start, f.key))


def _cycle(f: _Flow) -> float:
    if f.cycle is None:
        raise ValueError(f"card {f.key} has not finished")
    return f.cycle


def cycle_time_percentiles(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> Percentiles:
    """Cycle-time percentiles of the cards finished in the period."""
    spans = ((started_at(card), finished_at(card)) for card in histories)
    finished = finished_cycle_times(
        ((start, finish) for start, finish in spans if finish is not None),
        since=since,
        until=until,
        now=now,
        conventions=conventions,
    )
    return percentiles([cycle for _, cycle in finished])


def finished_cycle_times(
    spans: Iterable[tuple[datetime | None, datetime]],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> list[tuple[datetime, float]]:
    """The finish and cycle time of each card finished in the period, from its `started_at`
    and `finished_at` alone (which storage reads without whole histories).

    Args:
        spans: (started_at, finished_at) of finished cards, in any order.
        since: first local day of the period.
        until: last local day of the period (days after today are not counted).
        now: the present.
        conventions: zone and unit.
    """
    window = _window(since, until, now, conventions)
    zone, in_days = window.zone, conventions.unit == "days"
    found = []
    for started, finish in spans:
        finish_day = finish.astimezone(zone).date()
        if window.index(finish_day) is None:
            continue
        start = flow_start(started, finish) or finish
        # Conventions.duration in days, reusing the finish's local day (one conversion less).
        cycle = (
            float(inclusive_days(start.astimezone(zone).date(), finish_day))
            if in_days
            else conventions.duration(start, finish)
        )
        found.append((finish, cycle))
    return found


def _recent_cycle_times(
    flows: Iterable[_Flow], now: datetime, conventions: Conventions, history_days: int
) -> list[float]:
    today = now.astimezone(conventions.tz).date()
    first = today - timedelta(days=history_days - 1)
    return [
        _cycle(f)
        for f in flows
        if f.finish is not None and f.finish <= now and f.finish_day and f.finish_day >= first
    ]


def _service_level(
    flows: Sequence[_Flow],
    done_in_period: Sequence[_Flow],
    now: datetime,
    conventions: Conventions,
    target: SleTarget | None,
    history_days: int,
) -> ServiceLevel:
    value: float | None
    if target is not None:
        value, percent, sample = target.value, target.percent, 0
        source: Literal["configured", "history", "none"] = "configured"
    else:
        recent = _recent_cycle_times(flows, now, conventions, history_days)
        percent, sample = 85, len(recent)
        value = percentile(recent, 85) if recent else None
        source = "history" if recent else "none"
    done = [_cycle(f) for f in done_in_period]
    hits = sum(1 for c in done if value is not None and c <= value)
    return ServiceLevel(
        value=value,
        percent=percent,
        source=source,
        sample_size=sample,
        finished=len(done),
        hits=hits,
        hit_rate=_share(hits, len(done)) if value is not None else None,
    )


def service_level(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
    target: SleTarget | None = None,
    history_days: int = SLE_HISTORY_DAYS,
) -> ServiceLevel:
    """The SLE (configured, else the 85th percentile of recent cycle times) and its hit rate.

    Args:
        histories: the squad's cards.
        since: first day of the period whose finished cards are scored.
        until: last day of that period.
        now: the present; "recent" means finished in the `history_days` local days up to today.
        conventions: zone and unit (the SLE value is in this unit).
        target: the configured SLE, if any.
        history_days: how far back a history-based SLE looks.
    """
    window = _window(since, until, now, conventions)
    flows = _flows(histories, conventions)
    return _service_level(
        flows, _finished_in(flows, window), _aware(now), conventions, target, history_days
    )


def recent_first_day(now: datetime, conventions: Conventions, history_days: int) -> date:
    """The first local day of the look-back of the default SLE, pace and aging bands."""
    return _aware(now).astimezone(conventions.tz).date() - timedelta(days=history_days - 1)


def _exit_ages(
    flows: Iterable[_Flow], now: datetime, conventions: Conventions, history_days: int
) -> dict[str, list[float]]:
    """Per column, the ages at which cards left it in the look-back (see `aging_bands`)."""
    zone = conventions.tz
    first = recent_first_day(now, conventions, history_days)
    in_days = conventions.unit == "days"
    ages: dict[str, list[float]] = {}
    for f in flows:
        if f.start is None or f.start_day is None:
            continue
        for stay in _history(f).stays:
            left = stay.exited_at
            # Only stays inside the started range give an age; leaving Ready is the start itself.
            if left is None or left > now or stay.entered_at < f.start:
                continue
            left_day = left.astimezone(zone).date()
            if left_day >= first:
                # Conventions.duration, reusing both local days (the same conversions).
                age = (
                    float(inclusive_days(f.start_day, left_day))
                    if in_days
                    else conventions.duration(f.start, left)
                )
                ages.setdefault(stay.column_id, []).append(age)
    return ages


def _aging_bands(
    ages: Mapping[str, Sequence[float]], column_order: Sequence[str]
) -> list[AgingBand]:
    order = {column_id: i for i, column_id in enumerate(column_order)}
    columns = sorted(ages, key=lambda c: (order.get(c, len(order)), c))
    return [AgingBand(column_id=c, ages=percentiles(ages[c])) for c in columns]


def aging_bands(
    histories: Iterable[CardHistory],
    *,
    now: datetime,
    conventions: Conventions,
    column_order: Sequence[str] = (),
    history_days: int = SLE_HISTORY_DAYS,
) -> tuple[AgingBand, ...]:
    """Per column, percentiles of the age at which past cards left it (Nave's health zones).

    Uses stays that began after the card's start and ended in the last `history_days` local days.
    """
    now = _aware(now)
    flows = _flows(histories, conventions)
    return tuple(_aging_bands(_exit_ages(flows, now, conventions, history_days), column_order))


def _zone_of(value: float, band: Percentiles) -> AgingZone | None:
    if band.n == 0:
        return None
    bounds: tuple[tuple[AgingZone, float | None], ...] = (
        ("p50", band.p50),
        ("p70", band.p70),
        ("p85", band.p85),
        ("p95", band.p95),
    )
    return next(
        (label for label, limit in bounds if limit is not None and value <= limit), "beyond-p95"
    )


def _in_flight(
    flows: Iterable[_Flow],
    now: datetime,
    conventions: Conventions,
    sle_value: float | None,
    bands: Sequence[AgingBand],
    past: Sequence[float],
) -> list[InFlightCard]:
    by_column = {b.column_id: b.ages for b in bands}
    ordered_past = sorted(past)
    cards = []
    for f in flows:
        if f.start is None or f.finish is not None:
            continue
        card = _history(f)
        if not card.stays:
            continue
        current = card.stays[-1]
        card_age = conventions.duration(f.start, now)
        band = by_column.get(current.column_id)
        cards.append(
            InFlightCard(
                uid=f.uid,
                key=f.key,
                column_id=current.column_id,
                role=current.role,
                started_at=f.start,
                age=card_age,
                pace=_share(bisect_right(ordered_past, card_age), len(ordered_past)),
                sle_consumed=card_age / sle_value if sle_value else None,
                blocked=any(b.unblocked_at is None and b.blocked_at <= now for b in card.blocks),
                aging_zone=_zone_of(card_age, band) if band else None,
                at_risk=(card_age > band.p85) if band and band.p85 is not None else None,
            )
        )
    return sorted(cards, key=lambda c: (-c.age, c.key))


def in_flight(
    histories: Iterable[CardHistory],
    *,
    now: datetime,
    conventions: Conventions,
    sle_value: float | None = None,
    bands: Sequence[AgingBand] = (),
    history_days: int = SLE_HISTORY_DAYS,
) -> tuple[InFlightCard, ...]:
    """Started, unfinished cards as of `now`, oldest first, with pace, SLE consumed and zone.

    A card moved back to a queue column after starting is still in flight: it keeps its start.

    Args:
        histories: the squad's cards.
        now: the present.
        conventions: zone and unit.
        sle_value: the SLE in the Conventions' unit (from `service_level`), if any.
        bands: aging bands (from `aging_bands`) to place each card in its column's zones.
        history_days: pace compares the age with cycle times finished in these last local days.
    """
    now = _aware(now)
    flows = _flows(histories, conventions)
    past = _recent_cycle_times(flows, now, conventions, history_days)
    return tuple(_in_flight(flows, now, conventions, sle_value, bands, past))


def _in_flight_interval(f: _Flow, end: datetime) -> Interval | None:
    return None if f.start is None else (f.start, f.finish or end)


def _littles_law(
    flows: Sequence[_Flow],
    done: Sequence[_Flow],
    window: _Window,
    conventions: Conventions,
    days: Sequence[DayFlow],
) -> LittlesLaw:
    arrivals = sum(d.arrivals for d in days)
    departures = len(done)
    before = window.since - _ONE_DAY
    at_start = _wip_before(flows, window.since)
    at_end = days[-1].wip if days else at_start
    if conventions.unit == "days":
        # WIP of a day = cards in flight at any time that day (counted on their start and finish
        # days), so summing it over days gives the sum of inclusive-day cycle times.
        touched = [0] * (window.size + 1)
        for f in flows:
            if f.start_day is None or f.start_day > window.last:
                continue
            if f.finish_day is not None and f.finish_day < window.since:
                continue
            lo = max(f.start_day, window.since)
            hi = window.last if f.finish_day is None else min(f.finish_day, window.last)
            touched[(lo - window.since).days] += 1
            touched[(hi - window.since).days + 1] -= 1
        running = total = 0
        for change in touched[:-1]:
            running += change
            total += running
        length = float(window.size)
        age_start = _mean_age(flows, before, day_start(before, window.zone), conventions)
        age_end = _mean_age(flows, window.last, day_start(window.last, window.zone), conventions)
        avg_wip = total / length if length else 0.0
    else:
        length = elapsed_hours(window.start, window.end)
        intervals = [i for f in flows if (i := _in_flight_interval(f, window.end)) is not None]
        avg_wip = (
            measure_hours(clip_intervals(intervals, window.start, window.end)) / length
            if length
            else 0.0
        )
        age_start = _mean_age(flows, before, window.start, conventions)
        age_end = _mean_age(flows, window.last, window.end, conventions)
    throughput = departures / length if length else 0.0
    avg_cycle = sum(_cycle(f) for f in done) / departures if departures else None
    predicted = avg_wip / throughput if throughput else None
    flags: list[LittleFlag] = []
    if not departures:
        flags.append("no-departures")
    elif departures < LOW_SAMPLE:
        flags.append("low-sample")
    if _differ(arrivals, departures):
        flags.append("arrivals-departures-differ")
    if _differ(at_start, at_end):
        flags.append("wip-differs-at-ends")
    if at_end:
        flags.append("unfinished-work")
    if age_start is not None and age_end is not None and _differ(age_start, age_end):
        flags.append("age-trending")
    return LittlesLaw(
        window_start=window.start,
        window_end=window.end,
        unit=conventions.unit,
        avg_wip=avg_wip,
        throughput=throughput,
        avg_cycle_time=avg_cycle,
        predicted_cycle_time=predicted,
        ratio=avg_cycle / predicted if avg_cycle is not None and predicted else None,
        arrivals=arrivals,
        departures=departures,
        wip_at_start=at_start,
        wip_at_end=at_end,
        avg_age_at_start=age_start,
        avg_age_at_end=age_end,
        exact=at_start == 0 and at_end == 0,
        flags=tuple(flags),
    )


def _wip_at_day_end(f: _Flow, day: date) -> bool:
    return (
        f.start_day is not None
        and f.start_day <= day
        and (f.finish_day is None or f.finish_day > day)
    )


def _mean_age(
    flows: Iterable[_Flow], day: date, at: datetime, conventions: Conventions
) -> float | None:
    """Mean age at `at` of the cards in flight at the end of `day`."""
    ages = [
        conventions.duration(f.start, at)
        for f in flows
        if f.start is not None and _wip_at_day_end(f, day)
    ]
    return sum(ages) / len(ages) if ages else None


def _differ(a: float, b: float) -> bool:
    """True when two counts differ by more than one and by more than 20% of the larger."""
    gap = abs(a - b)
    return gap > 1 and gap > _TOLERANCE * max(abs(a), abs(b))


def littles_law(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> LittlesLaw:
    """Compare the average cycle time with avg WIP / avg throughput over the period.

    Unit days: avg WIP = mean over the days of the cards in flight at any time that day;
    throughput = departures per day; cycle times in inclusive days. Unit hours: avg WIP = the
    time-weighted mean over the window; throughput = departures per hour; cycle times in
    elapsed hours. Either way the identity is exact when the window starts and ends with no
    work in flight (`exact`); otherwise the flags name the caveats that apply.
    """
    window = _window(since, until, now, conventions)
    flows = _flows(histories, conventions)
    return _littles_law(
        flows, _finished_in(flows, window), window, conventions, _daily(flows, window)
    )


def _flow_efficiency(done: Sequence[_Flow], now: datetime) -> FlowEfficiency:
    ratios = []
    active_total = cycle_total = 0.0
    for f in done:
        if f.start is None or f.finish is None:
            continue
        total = elapsed_hours(f.start, f.finish)
        if total <= 0:
            continue
        active = (
            f.active if f.active is not None else active_hours(_history(f), f.start, f.finish, now)
        )
        ratios.append(active / total)
        active_total += active
        cycle_total += total
    return FlowEfficiency(
        n=len(ratios),
        mean=sum(ratios) / len(ratios) if ratios else None,
        pooled=_share(active_total, cycle_total),
    )


def normalise_reason(reason: str) -> str:
    """The key blocker clusters group by: casefolded, punctuation gone, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", reason).casefold()
    # Apostrophes vanish ("don't" = "dont"); other punctuation separates words ("on-hold").
    text = "".join(
        "" if ch in "'\u2019" else " " if unicodedata.category(ch).startswith("P") else ch
        for ch in text
    )
    return " ".join(text.split()) or "(no reason)"


def _card_blocks(flows: Iterable[_Flow]) -> list[CardBlock]:
    return [
        CardBlock(key=f.key, span=span, start=f.start, finish=f.finish)
        for f in flows
        for span in _history(f).blocks
    ]


def _blockers(
    flows: Sequence[_Flow], blocks: Iterable[CardBlock], window: _Window, now: datetime
) -> list[BlockerCluster]:
    in_flight_total = measure_hours(
        clip_intervals(
            [i for f in flows if (i := _in_flight_interval(f, now)) is not None],
            window.start,
            window.end,
        )
    )
    hours: dict[str, float] = defaultdict(float)
    in_flight_hours: dict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    examples: dict[str, Counter[str]] = defaultdict(Counter)
    keys: dict[str, set[str]] = defaultdict(set)
    normalised: dict[str, str] = {}  # a squad gives few distinct reasons to many blocks
    for found in blocks:
        block = found.span
        lo, hi = block.blocked_at, block.unblocked_at or now
        if not (lo < window.end and (hi > window.start or lo >= window.start)):
            continue
        reason = normalised.get(block.reason) or normalised.setdefault(
            block.reason, normalise_reason(block.reason)
        )
        counts[reason] += 1
        examples[reason][block.reason.strip()] += 1
        keys[reason].add(found.key)
        inside = clip_intervals([(lo, hi)], window.start, window.end)
        hours[reason] += measure_hours(inside)
        if found.start is not None:
            flight = (found.start, found.finish or now)
            in_flight_hours[reason] += measure_hours(clip_intervals(inside, *flight))
    total = sum(hours.values())
    ordered = sorted(counts, key=lambda r: (-hours[r], -counts[r], r))
    clusters = []
    running = 0.0
    for reason in ordered:
        running += hours[reason]
        clusters.append(
            BlockerCluster(
                reason=reason,
                examples=tuple(text for text, _ in examples[reason].most_common(5)),
                count=counts[reason],
                blocked_days=hours[reason] / 24,
                share_of_cycle_time=_share(in_flight_hours[reason], in_flight_total),
                cumulative_share=_share(running, total),
                card_keys=tuple(sorted(keys[reason])),
            )
        )
    return clusters


def blocker_clusters(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> tuple[BlockerCluster, ...]:
    """Blocks touching the period grouped by normalised reason, most blocked time first.

    Blocked time is clipped to the period; open blocks end at `now`. The share of cycle time
    divides the blocked time inside each card's start..finish (or now) by the total in-flight
    time of all cards in the period (the integral of WIP).
    """
    window = _window(since, until, now, conventions)
    flows = _flows(histories, conventions)
    return tuple(_blockers(flows, _card_blocks(flows), window, _aware(now)))


def _wip_exceptions(
    events: Iterable[WipEventInput],
    window: _Window,
    cfd: CumulativeFlow | None,
    wip_limits: Mapping[str, int] | None,
) -> WipExceptions:
    parsed = [
        e if isinstance(e, WipEvent) else WipEvent(kind=e[0], column_id=e[1], at=e[2], reason=e[3])
        for e in events
    ]
    inside = sorted(
        (e for e in parsed if window.index(window.local(e.at)) is not None), key=lambda e: e.at
    )
    columns: list[str] = []
    for event in inside:
        if event.column_id not in columns:
            columns.append(event.column_id)
    for column_id in wip_limits or {}:
        if column_id not in columns:
            columns.append(column_id)
    rows = []
    for column_id in columns:
        mine = [e for e in inside if e.column_id == column_id]
        limit = (wip_limits or {}).get(column_id)
        over = None
        if limit is not None and cfd is not None:
            over = sum(1 for d in cfd.days if d.counts.get(column_id, 0) > limit)
        rows.append(
            ColumnWip(
                column_id=column_id,
                breaches=sum(1 for e in mine if e.kind == "breach"),
                overrides=sum(1 for e in mine if e.kind == "override"),
                exception_days=len({window.local(e.at) for e in mine}),
                days_over_limit=over,
            )
        )
    return WipExceptions(
        breaches=sum(1 for e in inside if e.kind == "breach"),
        overrides=sum(1 for e in inside if e.kind == "override"),
        exception_days=len({window.local(e.at) for e in inside}),
        columns=tuple(rows),
        overrides_with_reasons=tuple(e for e in inside if e.kind == "override"),
    )


def wip_exceptions(
    events: Iterable[WipEventInput],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
    histories: Iterable[CardHistory] = (),
    column_order: Sequence[str] = (),
    wip_limits: Mapping[str, int] | None = None,
) -> WipExceptions:
    """Count WIP-limit breaches and overrides in the period, per column and in total.

    Args:
        events: `WipEvent`s or (kind, column_id, at, reason) tuples, kind "breach" or "override".
        since: first local day of the period.
        until: last local day of the period.
        now: the present (days after today are not counted).
        conventions: the zone that decides which day an event falls on.
        histories: the cards, needed only for `days_over_limit`.
        column_order: board order, for the cumulative flow behind `days_over_limit`.
        wip_limits: column id -> limit; with histories, counts days ending above the limit.
    """
    window = _window(since, until, now, conventions)
    cfd = _cfd(histories, column_order, window) if wip_limits else None
    return _wip_exceptions(events, window, cfd, wip_limits)


def _groups(
    finished: Sequence[_Flow],
    wip: Sequence[_Flow],
    keys_of: Callable[[_Flow], Sequence[str | None]],
) -> tuple[Group, ...]:
    cycles: dict[str | None, list[float]] = defaultdict(list)
    wip_counts: Counter[str | None] = Counter()
    for f in finished:
        for key in keys_of(f):
            cycles[key].append(_cycle(f))
    for f in wip:
        for key in keys_of(f):
            wip_counts[key] += 1
    groups = [
        Group(
            key=key,
            throughput=len(cycles.get(key, ())),
            share_of_throughput=_share(len(cycles.get(key, ())), len(finished)),
            cycle_time=percentiles(cycles.get(key, ())),
            wip=wip_counts[key],
            share_of_wip=_share(wip_counts[key], len(wip)),
        )
        for key in set(cycles) | set(wip_counts)
    ]
    return tuple(sorted(groups, key=lambda g: (-g.throughput, -g.wip, g.key is None, g.key or "")))


def _breakdowns(flows: Sequence[_Flow], finished: Sequence[_Flow], window: _Window) -> Breakdowns:
    wip = [f for f in flows if _wip_at_day_end(f, window.last)]

    def tags(f: _Flow) -> Sequence[str | None]:
        return f.tag_ids or (None,)

    def people(f: _Flow) -> Sequence[str | None]:
        return f.assignees or (None,)

    def service(f: _Flow) -> Sequence[str | None]:
        return (f.class_of_service.value,)

    finished_untagged = sum(1 for f in finished if not f.tag_ids)
    wip_untagged = sum(1 for f in wip if not f.tag_ids)
    return Breakdowns(
        by_tag=_groups(finished, wip, tags),
        by_class_of_service=_groups(finished, wip, service),
        by_assignee=_groups(finished, wip, people),
        finished=len(finished),
        finished_untagged=finished_untagged,
        finished_untagged_share=_share(finished_untagged, len(finished)),
        wip=len(wip),
        wip_untagged=wip_untagged,
        wip_untagged_share=_share(wip_untagged, len(wip)),
    )


def breakdowns(
    histories: Iterable[CardHistory],
    *,
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions,
) -> Breakdowns:
    """Flow per value tag, class of service and assignee, and the share of untagged work.

    Throughput and cycle times cover cards finished in the period; WIP is counted at the end of
    the period. A card with several tags (or assignees) counts in each of their groups.
    """
    window = _window(since, until, now, conventions)
    flows = _flows(histories, conventions)
    return _breakdowns(flows, _finished_in(flows, window), window)


def flow_report(
    histories: Sequence[CardHistory],
    *,
    column_order: Sequence[str],
    since: date,
    until: date,
    now: datetime,
    conventions: Conventions | None = None,
    sle: SleTarget | None = None,
    wip_events: Iterable[WipEventInput] = (),
    wip_limits: Mapping[str, int] | None = None,
    history_days: int = SLE_HISTORY_DAYS,
    settled: Mapping[str, int] | None = None,
    waiting: Iterable[WaitingStay] = (),
    per_card: bool = True,
    cumulative: bool = True,
    finished: Sequence[FinishedCard] = (),
    exit_ages: Mapping[str, Sequence[float]] | None = None,
    blocks: Sequence[CardBlock] | None = None,
) -> FlowReport:
    """Every flow measure of a squad for one period, computed from one pass over its cards.

    Args:
        histories: the squad's cards (archived ones included if they should count).
        column_order: the board's column ids, left to right.
        since: first local day of the period.
        until: last local day of the period (cut to today).
        now: the present; ages, open stays and open blocks end here.
        conventions: zone and unit (default UTC, days).
        sle: the configured SLE, if any.
        wip_events: WIP-limit breaches and overrides.
        wip_limits: current limits per column id, to count days over the limit.
        history_days: look-back of the default SLE, pace and aging bands.
        settled: cards left out of `histories` because `settled_column` holds for them at
            `look_back_start(since, now, ...)`, counted per column; the report is the same as
            with their histories.
        waiting: the stays of cards left out of `histories` because `is_waiting` holds for them;
            the report is the same as with their histories.
        per_card: False leaves `cards` empty, for callers that show no per-card measures
            (on a large board they are a third of the work).
        cumulative: False leaves the cumulative flow empty and every `days_over_limit` None,
            for callers that show neither; `settled` and `waiting` count only there, so such
            callers need not read them.
        finished: cards finished (by `now`) from the look-back's start on, summarised instead
            of in `histories`; the other finished cards add nothing to a report without
            cumulative flow. With them come `exit_ages` and `blocks`, and neither `per_card` nor
            `cumulative` can be asked.
        exit_ages: per column, the ages at which the squad's cards left it in the look-back
            of the aging bands (`aging_bands`), instead of from the histories' stays.
        blocks: every block of the squad's cards, instead of the histories' blocks.
    """
    conv = conventions or Conventions()
    now = _aware(now)
    window = _window(since, until, now, conv)
    flows = _flows(histories, conv)
    summarised = bool(finished) or exit_ages is not None or blocks is not None
    if summarised:
        if exit_ages is None or blocks is None or per_card or cumulative:
            raise ValueError(
                "summarised cards need exit_ages and blocks, without per-card or cumulative flow"
            )
        # Card order decides the order of float sums: the same as a report from histories.
        flows = sorted([*flows, *_summarised_flows(finished, conv)], key=lambda f: f.uid)
    days = _daily(flows, window)
    weeks = _weeks(days)
    cfd = (
        _cfd(histories, column_order, window, settled, waiting)
        if cumulative
        else CumulativeFlow(columns=(), days=())
    )
    done = _finished_in(flows, window)
    cycle_times = [_cycle(f) for f in done]
    lead_times = [conv.duration(f.created_at, f.finish) for f in done if f.finish]
    level = _service_level(flows, done, now, conv, sle, history_days)
    ages = exit_ages if exit_ages is not None else _exit_ages(flows, now, conv, history_days)
    bands = _aging_bands(ages, column_order)
    past = _recent_cycle_times(flows, now, conv, history_days)
    flying = _in_flight(flows, now, conv, level.value, bands, past)
    cards: list[CardFlow] = []
    if per_card:
        flying_uids = {c.uid for c in flying}
        cards = [card_flow(_history(f), column_order, now, conv) for f in done]
        cards += [
            card_flow(_history(f), column_order, now, conv) for f in flows if f.uid in flying_uids
        ]
    return FlowReport(
        since=since,
        until=window.last,
        now=now,
        conventions=conv,
        convention=conv.describe(),
        days=tuple(days),
        weeks=tuple(weeks),
        cumulative_flow=cfd,
        arrivals=sum(d.arrivals for d in days),
        throughput=sum(d.throughput for d in days),
        net_flow=sum(d.net_flow for d in days),
        cycle_time=percentiles(cycle_times),
        lead_time=percentiles(lead_times),
        sle=level,
        flow_efficiency=_flow_efficiency(done, now),
        cycle_time_xmr=xmr(cycle_times),
        throughput_xmr=xmr([w.throughput for w in weeks if w.complete]),
        littles_law=_littles_law(flows, done, window, conv, days),
        aging_bands=tuple(bands),
        in_flight=tuple(flying),
        blockers=tuple(
            _blockers(flows, blocks if blocks is not None else _card_blocks(flows), window, now)
        ),
        wip_exceptions=_wip_exceptions(wip_events, window, cfd if cumulative else None, wip_limits),
        breakdowns=_breakdowns(flows, done, window),
        cards=tuple(cards),
    )


__all__ = [
    "DAY_CONVENTION",
    "HOUR_CONVENTION",
    "LOW_SAMPLE",
    "PERCENTS",
    "SLE_HISTORY_DAYS",
    "AgingBand",
    "BlockSpan",
    "BlockerCluster",
    "Breakdowns",
    "CardBlock",
    "CardFlow",
    "CardHistory",
    "CfdDay",
    "ColumnWip",
    "Conventions",
    "CumulativeFlow",
    "DayFlow",
    "FinishedCard",
    "FlowEfficiency",
    "FlowReport",
    "Group",
    "InFlightCard",
    "LittlesLaw",
    "Percentiles",
    "ServiceLevel",
    "SleTarget",
    "Stay",
    "WaitingStay",
    "WeekFlow",
    "WipEvent",
    "WipEventInput",
    "WipExceptions",
    "Xmr",
    "XmrSignal",
    "age",
    "aging_bands",
    "backward_moves",
    "blocked_hours",
    "blocker_clusters",
    "breakdowns",
    "calendar_days",
    "card_flow",
    "cumulative_flow",
    "cycle_time",
    "cycle_time_percentiles",
    "daily_flow",
    "daily_throughput",
    "finished_at",
    "finished_cycle_times",
    "flow_efficiency",
    "flow_report",
    "flow_start",
    "in_flight",
    "is_waiting",
    "lead_time",
    "littles_law",
    "look_back_start",
    "normalise_reason",
    "percentile",
    "percentiles",
    "recent_first_day",
    "service_level",
    "settled_column",
    "started_at",
    "time_in_columns",
    "weekly_flow",
    "xmr",
]
