"""Retrospectives: formats, periods, the evidence pack and the notes board, as pure functions."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import model_validator

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.flow import BlockerCluster, FlowReport, WipEvent
from kanban_tui.domain.models import Frozen, Squad
from kanban_tui.domain.text import clean_name

ANONYMOUS = "(anonymous)"
"""What the log records as the actor of an anonymous note: the author is not stored anywhere."""

DEFAULT_VOTES = 3
"""Dots each member may place in one retro unless the facilitator says otherwise."""

DEFAULT_PERIOD_DAYS = 14
"""The period of a squad's first retro when no cadence or range is given."""

SLOWEST_SHOWN = 5
"""How many of the slowest finished cards the evidence pack lists."""

TOP_BLOCKERS = 3
"""How many blocker clusters the evidence pack lists."""

CONDITIONS = ("policy", "dependency", "queue", "capacity")
"""The conditions a recurring blocker is examined under: not one cause, but what lets it recur."""


class RetroFormat(StrEnum):
    """The board layouts a squad can run a retro in."""

    START_STOP_CONTINUE = "start-stop-continue"
    FOUR_LS = "4ls"
    MAD_SAD_GLAD = "mad-sad-glad"
    SAILBOAT = "sailboat"
    CUSTOM = "custom"


FORMAT_COLUMNS: dict[RetroFormat, tuple[str, ...]] = {
    RetroFormat.START_STOP_CONTINUE: ("Start", "Stop", "Continue"),
    RetroFormat.FOUR_LS: ("Liked", "Learned", "Lacked", "Longed for"),
    RetroFormat.MAD_SAD_GLAD: ("Mad", "Sad", "Glad"),
    RetroFormat.SAILBOAT: ("Wind", "Anchors", "Rocks", "Island"),
}
"""The columns of each built-in format; custom retros name their own."""

MAX_COLUMNS = 8


def retro_columns(retro_format: RetroFormat, custom: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The columns of a retro: the format's own, or the squad's custom ones (2 to 8, distinct)."""
    if retro_format is not RetroFormat.CUSTOM:
        if custom:
            raise InvalidInput(f"the {retro_format} format has its own columns; use custom")
        return FORMAT_COLUMNS[retro_format]
    names = tuple(clean_name(name, "retro column") for name in custom)
    if not 2 <= len(names) <= MAX_COLUMNS:
        raise InvalidInput(f"a custom retro needs 2 to {MAX_COLUMNS} columns, got {len(names)}")
    if len({n.casefold() for n in names}) != len(names):
        raise InvalidInput("custom retro columns must have different names")
    return names


# --- Periods ---------------------------------------------------------------------------------


class Period(Frozen):
    """Local days `since`..`until`, both included."""

    since: date
    until: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.since > self.until:
            raise InvalidInput(f"a period cannot start ({self.since}) after it ends ({self.until})")
        return self

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        until = self.since - timedelta(days=1)
        return Period(since=until - timedelta(days=self.days - 1), until=until)


class Cadence(Frozen):
    """A squad's sprint rhythm: every `weeks` weeks, starting on `first_day`."""

    first_day: date
    weeks: int

    @model_validator(mode="after")
    def _positive(self) -> Cadence:
        if not 1 <= self.weeks <= 13:
            raise InvalidInput(f"a sprint lasts 1 to 13 weeks, not {self.weeks}")
        return self

    def sprint(self, day: date, which: Literal["current", "last"] = "current") -> Period:
        """The sprint containing `day`, or the last one that ended before it.

        Sprint starts come from dateutil's rrule, so they follow the calendar across month and
        year ends without hand-made date arithmetic.
        """
        from dateutil.rrule import WEEKLY, rrule

        if day < self.first_day:
            raise InvalidInput(f"the cadence starts on {self.first_day}, after {day}")
        start = datetime.combine(self.first_day, datetime.min.time())
        rule = rrule(WEEKLY, interval=self.weeks, dtstart=start)
        current = rule.before(datetime.combine(day, datetime.min.time()), inc=True)
        assert current is not None  # day >= first_day, so the first start at least qualifies
        length = timedelta(weeks=self.weeks)
        if which == "last":
            if current.date() == self.first_day:
                raise InvalidInput(f"no sprint has ended yet: the first began on {self.first_day}")
            current -= length
        return Period(since=current.date(), until=(current + length).date() - timedelta(days=1))


def since_previous_retro(previous_until: date | None, today: date) -> Period:
    """The default period: the days after the previous retro's period, up to today."""
    if previous_until is None or previous_until >= today:
        return Period(since=today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), until=today)
    return Period(since=previous_until + timedelta(days=1), until=today)


# --- The evidence pack -----------------------------------------------------------------------

Direction = Literal["up", "down", "same", "n/a"]
Better = Literal["up", "down", "neither"]


class Figure(Frozen):
    """One number of the evidence pack for this period and the previous one."""

    name: str
    current: float | None
    previous: float | None
    unit: str = ""
    direction: Direction
    better: Better
    """Which direction is an improvement ("neither" when the number is just context)."""


class SlowCard(Frozen):
    """A finished card among the slowest of the period, or a card in flight beyond p85."""

    key: str
    days: float | None
    """Cycle time when finished, age when in flight (in the report's unit)."""


class BlockerEvidence(Frozen):
    """One of the period's top blocker clusters."""

    reason: str
    examples: tuple[str, ...]
    count: int
    blocked_days: float
    card_keys: tuple[str, ...]
    prompt: str | None = None
    """On the top cluster only: the question to explore, under several conditions."""


class TagEvidence(Frozen):
    """Work finished for one value tag (None: cards with no value tag)."""

    tag_id: str | None
    current: int
    previous: int
    direction: Direction


class Evidence(Frozen):
    """What the board says about a retro's period, against the previous period of equal length."""

    period: Period
    previous_period: Period
    unit: str
    convention: str
    figures: tuple[Figure, ...]
    slowest_finished: tuple[SlowCard, ...]
    aging_in_flight: tuple[SlowCard, ...]
    """Cards still in flight whose age is beyond their column's 85th percentile."""
    blockers: tuple[BlockerEvidence, ...]
    wip_overrides: tuple[WipEvent, ...]
    value_tags: tuple[TagEvidence, ...]
    cycle_times: tuple[float, ...]
    """This period's finished cycle times, in finishing order, for a scatter against the SLE."""
    sle_value: float | None
    weekly_throughput: tuple[int, ...]


def direction(current: float | None, previous: float | None) -> Direction:
    """How a figure moved from the previous period to this one."""
    if current is None or previous is None:
        return "n/a"
    if abs(current - previous) < 1e-9:
        return "same"
    return "up" if current > previous else "down"


def _figure(
    name: str, current: float | None, previous: float | None, better: Better, unit: str = ""
) -> Figure:
    return Figure(
        name=name,
        current=current,
        previous=previous,
        unit=unit,
        direction=direction(current, previous),
        better=better,
    )


def blocker_prompt(cluster: BlockerCluster) -> str:
    """The question the top blocker cluster carries into the retro."""
    return (
        f"'{cluster.reason}' blocked {len(cluster.card_keys)} card(s) for "
        f"{cluster.blocked_days:.1f} days. Under which conditions does it keep happening? "
        "Note each that applies: " + ", ".join(CONDITIONS) + "."
    )


def _rework(report: FlowReport) -> int:
    return sum(1 for c in report.cards if c.backward_moves > 0)


def _blocked_days(report: FlowReport) -> float:
    return sum(b.blocked_days for b in report.blockers)


def _finished_per_tag(report: FlowReport) -> Counter[str | None]:
    return Counter({g.key: g.throughput for g in report.breakdowns.by_tag})


def evidence_pack(current: FlowReport, previous: FlowReport) -> Evidence:
    """The evidence pack of a retro from the flow reports of its period and the previous one.

    Every number is taken from the domain's flow report, so it means exactly what
    docs/metrics.md says it means for `squadboard stats`.
    """
    unit = current.conventions.unit
    figures = (
        _figure("throughput", current.throughput, previous.throughput, "up", "cards"),
        _figure("cycle time p50", current.cycle_time.p50, previous.cycle_time.p50, "down", unit),
        _figure("cycle time p85", current.cycle_time.p85, previous.cycle_time.p85, "down", unit),
        _figure("SLE hit rate", current.sle.hit_rate, previous.sle.hit_rate, "up", "share"),
        _figure("net flow", current.net_flow, previous.net_flow, "neither", "cards"),
        _figure(
            "flow efficiency",
            current.flow_efficiency.pooled,
            previous.flow_efficiency.pooled,
            "up",
            "share",
        ),
        _figure("blocked time", _blocked_days(current), _blocked_days(previous), "down", "days"),
        _figure(
            "WIP breaches",
            current.wip_exceptions.breaches,
            previous.wip_exceptions.breaches,
            "down",
            "events",
        ),
        _figure(
            "WIP overrides",
            current.wip_exceptions.overrides,
            previous.wip_exceptions.overrides,
            "down",
            "events",
        ),
        _figure("rework", _rework(current), _rework(previous), "down", "cards"),
        _figure(
            "untagged share",
            current.breakdowns.finished_untagged_share,
            previous.breakdowns.finished_untagged_share,
            "down",
            "share",
        ),
    )
    finished = [c for c in current.cards if c.finished_at is not None]
    slowest = sorted(finished, key=lambda c: (-(c.cycle_time or 0), c.key))[:SLOWEST_SHOWN]
    aging = sorted((c for c in current.in_flight if c.at_risk), key=lambda c: (-c.age, c.key))
    blockers = tuple(
        BlockerEvidence(
            reason=b.reason,
            examples=b.examples,
            count=b.count,
            blocked_days=b.blocked_days,
            card_keys=b.card_keys,
            prompt=blocker_prompt(b) if rank == 0 else None,
        )
        for rank, b in enumerate(current.blockers[:TOP_BLOCKERS])
    )
    now_tags, before_tags = _finished_per_tag(current), _finished_per_tag(previous)
    tags = sorted(
        set(now_tags) | set(before_tags),
        key=lambda t: (-now_tags[t], -before_tags[t], t is None, t or ""),
    )
    return Evidence(
        period=Period(since=current.since, until=current.until),
        previous_period=Period(since=previous.since, until=previous.until),
        unit=unit,
        convention=current.convention,
        figures=figures,
        slowest_finished=tuple(SlowCard(key=c.key, days=c.cycle_time) for c in slowest),
        aging_in_flight=tuple(SlowCard(key=c.key, days=c.age) for c in aging),
        blockers=blockers,
        wip_overrides=current.wip_exceptions.overrides_with_reasons,
        value_tags=tuple(
            TagEvidence(
                tag_id=t,
                current=now_tags[t],
                previous=before_tags[t],
                direction=direction(now_tags[t], before_tags[t]),
            )
            for t in tags
        ),
        cycle_times=tuple(c.cycle_time for c in finished if c.cycle_time is not None),
        sle_value=current.sle.value,
        weekly_throughput=tuple(w.throughput for w in current.weeks),
    )


# --- The notes board -------------------------------------------------------------------------


class RetroNote(Frozen):
    """One note on a retro board; `author` is None for anonymous notes (never stored)."""

    id: str
    number: int
    """Short per-retro number people type to vote or group, e.g. 3."""
    column: str
    text: str
    author: str | None
    group: str | None = None
    votes: int = 0
    created_at: datetime


class RetroAction(Frozen):
    """An action agreed in a retro, and the card that carries it on the board."""

    id: str
    retro_number: int
    text: str
    owner: str | None
    due: date | None
    card_key: str | None
    """None if the card was deleted since."""
    done: bool


class ActionReview(Frozen):
    """How the actions of earlier retros stand when a new one opens."""

    actions: tuple[RetroAction, ...]
    open: int
    done: int
    carried_over: int
    """Open actions from before the previous retro: carried over more than once."""
    completion_rate: float | None


def review_actions(actions: tuple[RetroAction, ...], previous_number: int | None) -> ActionReview:
    """Sum up earlier retros' actions: open, done, carried over, and the completion rate."""
    done = sum(1 for a in actions if a.done)
    carried = sum(
        1
        for a in actions
        if not a.done and previous_number is not None and a.retro_number < previous_number
    )
    return ActionReview(
        actions=actions,
        open=len(actions) - done,
        done=done,
        carried_over=carried,
        completion_rate=done / len(actions) if actions else None,
    )


def sort_by_votes(notes: list[RetroNote]) -> list[RetroNote]:
    """Most-voted first; a group's notes sit together, ranked by the group's total votes."""
    group_votes: Counter[str] = Counter()
    for note in notes:
        if note.group is not None:
            group_votes[note.group.casefold()] += note.votes

    def rank(note: RetroNote) -> tuple[int, str, int, int]:
        total = group_votes[note.group.casefold()] if note.group else note.votes
        return (-total, (note.group or "").casefold(), -note.votes, note.number)

    return sorted(notes, key=rank)


def visible_notes(
    notes: list[RetroNote], *, hidden: bool, revealed: bool, viewer: str
) -> list[RetroNote]:
    """The notes a member may see: while writing is hidden, only their own signed notes."""
    if not hidden or revealed:
        return notes
    return [n for n in notes if n.author is not None and n.author.casefold() == viewer.casefold()]


class Retro(Frozen):
    """A retrospective of one squad: its period, board layout, voting rule and state."""

    id: str
    number: int
    """Short per-file number people type, e.g. `squadboard retro show 3`."""
    squad_id: str
    title: str
    format: RetroFormat
    columns: tuple[str, ...]
    period: Period
    previous_period: Period
    vote_limit: int
    hidden: bool
    """Notes are written hidden from others until the facilitator reveals them."""
    revealed: bool
    facilitator: str
    started_at: datetime
    closed_at: datetime | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def shows_all_notes(self) -> bool:
        return not self.hidden or self.revealed


class RetroBoard(Frozen):
    """A retro as one member sees it: evidence, notes by votes, actions, earlier actions."""

    retro: Retro
    squad: Squad
    tag_names: dict[str, str]
    """Value tag names by id, for the evidence's work per value tag."""
    evidence: Evidence
    """Frozen at close; computed from the board while the retro is open."""
    notes: tuple[RetroNote, ...]
    hidden_notes: int
    """Notes others wrote that are not shown until the facilitator reveals them."""
    actions: tuple[RetroAction, ...]
    earlier_actions: ActionReview
    votes_left: int
