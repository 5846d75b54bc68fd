"""Properties of flow metrics over random histories: WIP identities, percentiles, Little's Law."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from kanban_tui.domain.flow import (
    BlockSpan,
    CardHistory,
    Conventions,
    CumulativeFlow,
    Stay,
    cumulative_flow,
    cycle_time,
    daily_flow,
    finished_at,
    finished_cycle_times,
    flow_efficiency,
    flow_report,
    is_waiting,
    littles_law,
    look_back_start,
    percentile,
    percentiles,
    settled_column,
    started_at,
)
from tests.domain.test_flow import ORDER, ROLES

BASE = datetime(2026, 10, 20, tzinfo=UTC)
NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
SINCE, UNTIL = date(2026, 10, 22), date(2026, 11, 20)
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"]
MINUTE = timedelta(minutes=1)


def _card(index: int, moments: list[datetime], columns: list[str]) -> CardHistory:
    stays = tuple(
        Stay(
            column_id=column,
            role=ROLES[column],
            entered_at=moments[i],
            exited_at=moments[i + 1] if i + 1 < len(columns) else None,
        )
        for i, column in enumerate(columns)
    )
    return CardHistory(uid=f"u{index}", key=f"K-{index}", created_at=moments[0], stays=stays)


@st.composite
def histories(draw: st.DrawFn) -> list[CardHistory]:
    """Cards created from 20 Oct that wander between columns for a few weeks (before NOW)."""
    cards = []
    for index in range(draw(st.integers(0, 12))):
        columns = draw(st.lists(st.sampled_from(ORDER), min_size=1, max_size=7))
        if draw(st.booleans()):
            columns.append("done")  # finish about half the cards
        gaps = draw(
            st.lists(st.integers(0, 4 * 24 * 60), min_size=len(columns), max_size=len(columns))
        )
        moment = BASE
        moments = []
        for gap in gaps:
            moment += gap * MINUTE
            moments.append(moment)
        card = _card(index, moments, columns)
        if draw(st.booleans()):
            lo = draw(st.integers(0, 40 * 24 * 60))
            length = draw(st.integers(0, 3 * 24 * 60))
            ends = draw(st.booleans())
            span = BlockSpan(
                reason=draw(st.sampled_from(["Legal", "legal!", "vendor"])),
                blocked_at=BASE + lo * MINUTE,
                unblocked_at=BASE + (lo + length) * MINUTE if ends else None,
            )
            card = card.model_copy(update={"blocks": (span,)})
        cards.append(card)
    return cards


def _local(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


@settings(max_examples=60, deadline=None)
@given(cards=histories(), zone=st.sampled_from(ZONES))
def test_wip_is_started_minus_finished_at_every_day_end(
    cards: list[CardHistory], zone: str
) -> None:
    conventions = Conventions(zone=zone)
    tz = ZoneInfo(zone)
    days = daily_flow(cards, since=SINCE, until=UNTIL, now=NOW, conventions=conventions)
    starts = [_local(started_at(c), tz) for c in cards]
    finishes = [_local(finished_at(c), tz) for c in cards]
    previous = None
    for day in days:
        started = sum(1 for s in starts if s is not None and s <= day.day)
        finished = sum(1 for f in finishes if f is not None and f <= day.day)
        assert day.wip == started - finished
        assert day.wip >= 0
        if previous is not None:
            assert day.wip - previous == day.arrivals - day.throughput == day.net_flow
        previous = day.wip
    finished_in_period = sum(1 for f in finishes if f is not None and SINCE <= f <= UNTIL)
    assert sum(d.throughput for d in days) == finished_in_period
    assert len(days) == (UNTIL - SINCE).days + 1


@settings(max_examples=40, deadline=None)
@given(cards=histories(), zone=st.sampled_from(ZONES))
def test_cumulative_flow_counts_every_card_that_has_entered_the_board(
    cards: list[CardHistory], zone: str
) -> None:
    tz = ZoneInfo(zone)
    cfd = cumulative_flow(
        cards,
        column_order=ORDER,
        since=SINCE,
        until=UNTIL,
        now=NOW,
        conventions=Conventions(zone=zone),
    )
    for row in cfd.days:
        # Stays are contiguous and the last one is open: each card sits in one column.
        entered = sum(1 for c in cards if c.stays[0].entered_at.astimezone(tz).date() <= row.day)
        assert sum(row.counts.values()) == entered


@settings(max_examples=40, deadline=None)
@given(cards=histories(), zone=st.sampled_from(ZONES), unit=st.sampled_from(["days", "hours"]))
def test_report_invariants(cards: list[CardHistory], zone: str, unit: str) -> None:
    conventions = Conventions(zone=zone, unit="days" if unit == "days" else "hours")
    report = flow_report(
        cards, column_order=ORDER, since=SINCE, until=UNTIL, now=NOW, conventions=conventions
    )
    assert report.throughput == report.cycle_time.n == report.breakdowns.finished
    assert report.arrivals - report.throughput == report.net_flow
    without_cards = flow_report(
        cards,
        column_order=ORDER,
        since=SINCE,
        until=UNTIL,
        now=NOW,
        conventions=conventions,
        per_card=False,
    )
    assert without_cards == report.model_copy(update={"cards": ()})

    for card in cards:
        efficiency = flow_efficiency(card, NOW)
        assert efficiency is None or -1e-9 <= efficiency <= 1 + 1e-9
        cycle = cycle_time(card, conventions)
        assert cycle is None or cycle >= (1 if unit == "days" else 0)
    for cluster in report.blockers:
        assert cluster.share_of_cycle_time is None or cluster.share_of_cycle_time <= 1 + 1e-9
    if report.blockers:
        assert report.blockers[-1].cumulative_share in (None, pytest.approx(1.0))


@settings(max_examples=40, deadline=None)
@given(cards=histories(), zone=st.sampled_from(ZONES), limit=st.integers(0, 3))
def test_a_report_without_the_cumulative_flow_changes_nothing_else(
    cards: list[CardHistory], zone: str, limit: int
) -> None:
    """`cumulative=False` (what `stats` prints) empties the cumulative flow and the days over a
    WIP limit counted from it, and nothing else."""
    report = partial(
        flow_report,
        cards,
        column_order=ORDER,
        since=SINCE,
        until=UNTIL,
        now=NOW,
        conventions=Conventions(zone=zone),
        wip_limits={column_id: limit for column_id in ORDER},
        wip_events=[("breach", ORDER[1], datetime(2026, 11, 1, 12, tzinfo=UTC), None)],
    )
    full = report()
    wip = full.wip_exceptions
    assert all(c.days_over_limit is not None for c in wip.columns)
    assert report(cumulative=False) == full.model_copy(
        update={
            "cumulative_flow": CumulativeFlow(columns=(), days=()),
            "wip_exceptions": wip.model_copy(
                update={
                    "columns": tuple(
                        c.model_copy(update={"days_over_limit": None}) for c in wip.columns
                    )
                }
            ),
        }
    )


@settings(max_examples=60, deadline=None)
@given(cards=histories(), zone=st.sampled_from(ZONES), unit=st.sampled_from(["days", "hours"]))
def test_cycle_times_from_starts_and_finishes_alone_match_the_report(
    cards: list[CardHistory], zone: str, unit: str
) -> None:
    """What the flow screen draws first (from SQL starts and finishes) is the report's."""
    conventions = Conventions(zone=zone, unit="days" if unit == "days" else "hours")
    report = flow_report(
        cards, column_order=ORDER, since=SINCE, until=UNTIL, now=NOW, conventions=conventions
    )
    spans = [(started_at(c), f) for c in cards if (f := finished_at(c)) is not None]
    quick = finished_cycle_times(spans, since=SINCE, until=UNTIL, now=NOW, conventions=conventions)
    assert sorted(quick) == sorted(
        (c.finished_at, c.cycle_time)
        for c in report.cards
        if c.finished_at is not None and c.cycle_time is not None
    )
    assert percentiles([cycle for _, cycle in quick]) == report.cycle_time


@given(
    values=st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=60),
    ps=st.lists(st.integers(0, 100), min_size=2, max_size=6),
)
def test_percentiles_are_monotone_in_p(values: list[float], ps: list[int]) -> None:
    ps.sort()
    results = [percentile(values, p) for p in ps]
    assert results == sorted(results)
    for p, result in zip(ps, results, strict=True):
        assert result in values
        # At least floor(p * n) values (and at least one) are at or below the p-th percentile.
        assert sum(1 for v in values if v <= result) >= max(1, p * len(values) // 100)
    summary = percentiles(values)
    assert summary.p50 is not None
    assert summary.p70 is not None
    assert summary.p85 is not None
    assert summary.p95 is not None
    assert summary.p50 <= summary.p70 <= summary.p85 <= summary.p95
    assert summary.n == len(values)


@st.composite
def contained(draw: st.DrawFn, zone: ZoneInfo) -> list[CardHistory]:
    """Cards that start and finish inside the window SINCE..UNTIL (local days), some reopened."""
    lo = datetime.combine(SINCE, time(), tzinfo=zone).astimezone(UTC)
    hi = datetime.combine(UNTIL + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    span = int((hi - lo) / MINUTE) - 1
    cards = []
    for index in range(draw(st.integers(1, 15))):
        points = sorted(draw(st.lists(st.integers(0, span), min_size=2, max_size=4)))
        columns = ["doing", "done"] if len(points) == 2 else ["doing", "review", "done"]
        if len(points) == 4:
            columns = ["doing", "done", "doing", "done"]  # reopened inside the window
        moments = [lo - timedelta(days=3), *(lo + p * MINUTE for p in points)]
        cards.append(_card(index, moments, ["backlog", *columns]))
    return cards


@settings(max_examples=60, deadline=None)
@given(data=st.data(), zone=st.sampled_from(ZONES))
def test_littles_law_is_exact_on_a_window_that_starts_and_ends_empty(
    data: st.DataObject, zone: str
) -> None:
    cards = data.draw(contained(ZoneInfo(zone)))
    for unit in ("days", "hours"):
        conventions = Conventions(zone=zone, unit="days" if unit == "days" else "hours")
        law = littles_law(cards, since=SINCE, until=UNTIL, now=NOW, conventions=conventions)
        assert law.exact
        assert law.departures == law.arrivals == len(cards)
        cycles = [cycle_time(c, conventions) or 0.0 for c in cards]
        # Sum of time in system over the window = integral of WIP over the window: in hours the
        # time-weighted WIP, in days the count of cards in flight at any time of each day.
        if unit == "hours":
            length = (law.window_end - law.window_start).total_seconds() / 3600
        else:
            length = (UNTIL - SINCE).days + 1
        assert law.avg_wip * length == pytest.approx(sum(cycles))
        if law.predicted_cycle_time:
            assert law.avg_cycle_time == pytest.approx(law.predicted_cycle_time)
            assert law.ratio == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(
    cards=histories(),
    zone=st.sampled_from(ZONES),
    since_offset=st.integers(0, 50),
    history_days=st.integers(1, 60),
)
def test_settled_cards_can_be_counted_instead_of_read(
    cards: list[CardHistory], zone: str, since_offset: int, history_days: int
) -> None:
    conventions = Conventions(zone=zone)
    since = BASE.date() + timedelta(days=since_offset)
    bound = look_back_start(since, NOW, conventions, history_days)
    settled: Counter[str] = Counter()
    kept = []
    for card in cards:
        column = settled_column(card, bound)
        if column is None:
            kept.append(card)
        else:
            settled[column] += 1
    event(f"settled cards: {'some' if settled else 'none'}")
    report = partial(
        flow_report,
        column_order=ORDER,
        since=since,
        until=since + timedelta(days=20),
        now=NOW,
        conventions=conventions,
        history_days=history_days,
    )
    assert report(kept, settled=settled) == report(cards)


@settings(max_examples=80, deadline=None)
@given(cards=histories(), zone=st.sampled_from(ZONES), unit=st.sampled_from(["days", "hours"]))
def test_waiting_cards_can_be_read_as_stays_alone(
    cards: list[CardHistory], zone: str, unit: str
) -> None:
    conventions = Conventions(zone=zone, unit="days" if unit == "days" else "hours")
    kept = [c for c in cards if not is_waiting(c)]
    stays = [
        (s.column_id, s.entered_at, s.exited_at) for c in cards if is_waiting(c) for s in c.stays
    ]
    event(f"waiting cards: {'some' if len(kept) < len(cards) else 'none'}")
    report = partial(
        flow_report,
        column_order=ORDER,
        since=SINCE,
        until=UNTIL,
        now=NOW,
        conventions=conventions,
        wip_limits={"doing": 1},
    )
    assert report(kept, waiting=stays) == report(cards)


def test_a_card_finished_before_the_look_back_is_settled_in_its_done_column() -> None:
    moments = [BASE, BASE + timedelta(days=1), BASE + timedelta(days=2)]
    card = _card(1, moments, ["backlog", "doing", "done"])
    assert settled_column(card, BASE + timedelta(days=3)) == "done"
    assert settled_column(card, BASE + timedelta(days=2)) is None  # finished at the bound
    blocked = card.model_copy(
        update={"blocks": (BlockSpan(reason="x", blocked_at=BASE, unblocked_at=None),)}
    )
    assert settled_column(blocked, BASE + timedelta(days=3)) is None
    in_flight = _card(2, moments[:2], ["backlog", "doing"])
    assert settled_column(in_flight, BASE + timedelta(days=3)) is None
    waiting = _card(3, moments[:1], ["backlog"])
    assert settled_column(waiting, BASE + timedelta(days=3)) == "backlog"
