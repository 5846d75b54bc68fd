"""Hand-computed flow metrics per card, per day and per period: midnights, DST, rework."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from kanban_tui.domain import flow, forecast
from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.flow import (
    DAY_CONVENTION,
    BlockSpan,
    CardHistory,
    Conventions,
    SleTarget,
    Stay,
    WipEvent,
    WipEventInput,
    age,
    aging_bands,
    backward_moves,
    blocked_hours,
    blocker_clusters,
    breakdowns,
    calendar_days,
    card_flow,
    cumulative_flow,
    cycle_time,
    cycle_time_percentiles,
    daily_flow,
    daily_throughput,
    finished_at,
    flow_efficiency,
    flow_report,
    in_flight,
    lead_time,
    littles_law,
    normalise_reason,
    percentile,
    percentiles,
    service_level,
    started_at,
    time_in_columns,
    weekly_flow,
    wip_exceptions,
    xmr,
)
from kanban_tui.domain.models import ClassOfService, ColumnRole

ROLES = {
    "backlog": ColumnRole.QUEUE,
    "ready": ColumnRole.QUEUE,
    "doing": ColumnRole.ACTIVE,
    "review": ColumnRole.QUEUE_IN_PROGRESS,
    "done": ColumnRole.DONE,
}
ORDER = tuple(ROLES)
UTC_DAYS = Conventions()
UTC_HOURS = Conventions(unit="hours")
LONDON_DAYS = Conventions(zone="Europe/London")
LONDON_HOURS = Conventions(zone="Europe/London", unit="hours")
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    """A moment written as ISO text; UTC unless the text carries an offset."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def block(reason: str, start: str, end: str | None = None) -> BlockSpan:
    return BlockSpan(reason=reason, blocked_at=at(start), unblocked_at=at(end) if end else None)


def card(
    key: str,
    *moves: tuple[str, str],
    created: str | None = None,
    blocks: Sequence[BlockSpan] = (),
    tags: Sequence[str] = (),
    assignees: Sequence[str] = (),
    service: ClassOfService = ClassOfService.STANDARD,
) -> CardHistory:
    """A card whose stays follow `moves`: (column id, entered at); each stay ends at the next."""
    stays = [
        Stay(
            column_id=column,
            role=ROLES[column],
            entered_at=at(when),
            exited_at=at(moves[i + 1][1]) if i + 1 < len(moves) else None,
        )
        for i, (column, when) in enumerate(moves)
    ]
    return CardHistory(
        uid=f"uid-{key}",
        key=key,
        created_at=at(created or moves[0][1]),
        tag_ids=tuple(tags),
        class_of_service=service,
        assignees=tuple(assignees),
        stays=tuple(stays),
        blocks=tuple(blocks),
    )


SAME_DAY = card(
    "S-1",
    ("backlog", "2026-11-02 08:00"),
    ("doing", "2026-11-02 09:00"),
    ("done", "2026-11-02 17:00"),
)
REWORK = card(
    "R-1",
    ("backlog", "2026-11-02 09:00"),
    ("doing", "2026-11-02 10:00"),
    ("review", "2026-11-03 10:00"),
    ("doing", "2026-11-04 10:00"),
    ("review", "2026-11-05 10:00"),
    ("done", "2026-11-06 10:00"),
    blocks=[block("Waiting for legal", "2026-11-04 22:00", "2026-11-05 02:00")],
)
REOPENED = card(
    "O-1",
    ("ready", "2026-11-01 12:00"),
    ("doing", "2026-11-02 10:00"),
    ("done", "2026-11-03 12:00"),
    ("doing", "2026-11-05 09:00"),
    ("done", "2026-11-06 15:00"),
)


# --- Per card --------------------------------------------------------------------------------


def test_same_day_card_takes_one_day() -> None:
    assert started_at(SAME_DAY) == at("2026-11-02 09:00")
    assert finished_at(SAME_DAY) == at("2026-11-02 17:00")
    assert cycle_time(SAME_DAY, UTC_DAYS) == 1
    assert lead_time(SAME_DAY, UTC_DAYS) == 1
    assert cycle_time(SAME_DAY, UTC_HOURS) == 8.0
    assert lead_time(SAME_DAY, UTC_HOURS) == 9.0
    assert flow_efficiency(SAME_DAY, NOW) == 1.0
    assert age(SAME_DAY, NOW, UTC_DAYS) is None


def test_card_that_skips_straight_to_done_starts_when_it_finishes() -> None:
    skipped = card("K-1", ("backlog", "2026-11-02 09:00"), ("done", "2026-11-04 15:00"))
    assert started_at(skipped) == finished_at(skipped) == at("2026-11-04 15:00")
    assert cycle_time(skipped, UTC_DAYS) == 1
    assert cycle_time(skipped, UTC_HOURS) == 0.0
    assert lead_time(skipped, UTC_DAYS) == 3
    assert flow_efficiency(skipped, NOW) is None  # zero elapsed cycle time


def test_card_that_skips_the_active_column_starts_in_the_wait_state() -> None:
    skipped = card(
        "K-2",
        ("backlog", "2026-11-02 09:00"),
        ("review", "2026-11-03 09:00"),
        ("done", "2026-11-03 21:00"),
    )
    assert started_at(skipped) == at("2026-11-03 09:00")
    assert cycle_time(skipped, UTC_DAYS) == 1
    assert flow_efficiency(skipped, NOW) == 0.0  # it never sat in an active column


def test_rework_counts_backward_moves_and_time_per_column() -> None:
    assert backward_moves(REWORK, ORDER) == 1
    assert cycle_time(REWORK, UTC_DAYS) == 5  # 2 Nov .. 6 Nov inclusive
    assert cycle_time(REWORK, UTC_HOURS) == 96.0
    assert time_in_columns(REWORK, NOW) == {
        "backlog": 1.0,
        "doing": 48.0,
        "review": 48.0,
        "done": 98.0,  # 6 Nov 10:00 -> now (10 Nov 12:00)
    }
    # Only the time inside the window counts.
    assert time_in_columns(
        REWORK, NOW, since=at("2026-11-03 00:00"), until=at("2026-11-04 00:00")
    ) == {
        "review": 14.0,
        "doing": 10.0,
    }


def test_flow_efficiency_takes_blocked_time_out_of_active_time() -> None:
    # Active 48 h, of which 4 h blocked (22:00 -> 02:00, across midnight); cycle 96 h.
    assert blocked_hours(REWORK, NOW) == 4.0
    assert flow_efficiency(REWORK, NOW) == pytest.approx(44 / 96)


def test_reopened_card_keeps_its_first_start_and_only_its_last_finish() -> None:
    assert started_at(REOPENED) == at("2026-11-02 10:00")
    assert finished_at(REOPENED) == at("2026-11-06 15:00")
    assert cycle_time(REOPENED, UTC_DAYS) == 5
    assert backward_moves(REOPENED, ORDER) == 1
    still_open = REOPENED.model_copy(update={"stays": REOPENED.stays[:4]})
    assert finished_at(still_open) is None
    assert age(still_open, NOW, UTC_DAYS) == 9  # 2 Nov .. 10 Nov


def test_unbroken_run_of_done_columns_finishes_at_its_first_entry() -> None:
    shipped = CardHistory(
        uid="u",
        key="D-1",
        created_at=at("2026-11-02 09:00"),
        stays=(
            Stay(column_id="doing", role=ColumnRole.ACTIVE, entered_at=at("2026-11-02 09:00")),
            Stay(column_id="done", role=ColumnRole.DONE, entered_at=at("2026-11-03 09:00")),
            Stay(column_id="released", role=ColumnRole.DONE, entered_at=at("2026-11-05 09:00")),
        ),
    )
    assert finished_at(shipped) == at("2026-11-03 09:00")


def test_blocked_spans_across_midnight_and_open_blocks_end_now() -> None:
    blocked = card(
        "B-1",
        ("doing", "2026-11-02 09:00"),
        blocks=[
            block("vendor", "2026-11-02 22:00", "2026-11-03 03:00"),
            block("vendor", "2026-11-09 20:00"),
        ],
    )
    assert blocked_hours(blocked, NOW) == 5.0 + 16.0
    assert blocked_hours(blocked, NOW, since=at("2026-11-03 00:00")) == 3.0 + 16.0
    assert blocked_hours(blocked, NOW, until=at("2026-11-03 00:00")) == 2.0
    # Always in an active column, so efficiency is (elapsed - blocked) / elapsed.
    elapsed = (NOW - at("2026-11-02 09:00")).total_seconds() / 3600
    assert flow_efficiency(blocked, NOW) == pytest.approx((elapsed - 21) / elapsed)


def test_overlapping_blocks_count_once() -> None:
    blocked = card(
        "B-2",
        ("doing", "2026-11-02 09:00"),
        ("done", "2026-11-03 09:00"),
        blocks=[
            block("a", "2026-11-02 10:00", "2026-11-02 14:00"),
            block("b", "2026-11-02 12:00", "2026-11-02 16:00"),
        ],
    )
    assert blocked_hours(blocked, NOW) == 6.0
    assert flow_efficiency(blocked, NOW) == pytest.approx(18 / 24)


def test_month_ends() -> None:
    january = card("M-1", ("doing", "2026-01-31 23:00"), ("done", "2026-02-01 01:00"))
    february = card("M-2", ("doing", "2026-02-28 12:00"), ("done", "2026-03-01 12:00"))
    leap = card("M-3", ("doing", "2028-02-28 12:00"), ("done", "2028-03-01 12:00"))
    assert cycle_time(january, UTC_DAYS) == 2
    assert cycle_time(january, UTC_HOURS) == 2.0
    assert cycle_time(february, UTC_DAYS) == 2
    assert cycle_time(leap, UTC_DAYS) == 3
    days = daily_flow(
        [january],
        since=date(2026, 1, 30),
        until=date(2026, 2, 2),
        now=NOW,
        conventions=UTC_DAYS,
    )
    assert [(d.day.isoformat(), d.wip, d.arrivals, d.throughput) for d in days] == [
        ("2026-01-30", 0, 0, 0),
        ("2026-01-31", 1, 1, 0),
        ("2026-02-01", 0, 0, 1),
        ("2026-02-02", 0, 0, 0),
    ]


def test_days_are_counted_in_the_squad_zone_across_the_clocks_going_back() -> None:
    # 24 Oct 23:30 UTC is 00:30 BST on Sunday 25 Oct; 25 Oct 23:30 UTC is 23:30 GMT that day.
    sunday = card("L-1", ("doing", "2026-10-24 23:30"), ("done", "2026-10-25 23:30"))
    assert cycle_time(sunday, LONDON_DAYS) == 1
    assert cycle_time(sunday, UTC_DAYS) == 2
    assert cycle_time(sunday, LONDON_HOURS) == 24.0
    # Zone-aware inputs are stored as UTC, so elapsed time across the change is right.
    london = ZoneInfo("Europe/London")
    local = CardHistory(
        uid="u",
        key="L-2",
        created_at=datetime(2026, 10, 25, 0, 30, tzinfo=london),
        stays=(
            Stay(
                column_id="doing",
                role=ColumnRole.ACTIVE,
                entered_at=datetime(2026, 10, 25, 0, 30, tzinfo=london),
                exited_at=datetime(2026, 10, 25, 23, 30, tzinfo=london),
            ),
            Stay(
                column_id="done",
                role=ColumnRole.DONE,
                entered_at=datetime(2026, 10, 25, 23, 30, tzinfo=london),
            ),
        ),
    )
    assert cycle_time(local, LONDON_HOURS) == 24.0  # 23 h on the wall clock, 24 h elapsed
    assert local.stays[0].entered_at.tzinfo is UTC
    london_days = daily_flow(
        [sunday],
        since=date(2026, 10, 24),
        until=date(2026, 10, 26),
        now=NOW,
        conventions=LONDON_DAYS,
    )
    assert [(d.arrivals, d.throughput, d.wip) for d in london_days] == [
        (0, 0, 0),
        (1, 1, 0),
        (0, 0, 0),
    ]
    utc_days = daily_flow(
        [sunday],
        since=date(2026, 10, 24),
        until=date(2026, 10, 26),
        now=NOW,
        conventions=UTC_DAYS,
    )
    assert [(d.arrivals, d.throughput, d.wip) for d in utc_days] == [
        (1, 0, 1),
        (0, 1, 0),
        (0, 0, 0),
    ]


def test_littles_law_over_the_25_hour_day() -> None:
    # Start 00:30 BST on 25 Oct, finish 12:00 GMT on 26 Oct: 36.5 h elapsed; window 25 h + 24 h.
    one = card("L-3", ("doing", "2026-10-24 23:30"), ("done", "2026-10-26 12:00"))
    law = littles_law(
        [one],
        since=date(2026, 10, 25),
        until=date(2026, 10, 26),
        now=NOW,
        conventions=LONDON_HOURS,
    )
    assert law.window_end - law.window_start == timedelta(hours=49)
    assert law.avg_wip == pytest.approx(36.5 / 49)
    assert law.throughput == pytest.approx(1 / 49)
    assert law.avg_cycle_time == pytest.approx(36.5)
    assert law.ratio == pytest.approx(1.0)
    assert law.exact


def test_moves_recorded_late_use_their_effective_times() -> None:
    # Recorded on 10 Nov, but the moves took effect on 3 and 4 Nov: the metrics follow them.
    late = card(
        "T-1",
        ("backlog", "2026-11-01 09:00"),
        ("doing", "2026-11-03 16:00"),
        ("done", "2026-11-04 08:00"),
        created="2026-11-01 09:00",
    )
    assert cycle_time(late, UTC_DAYS) == 2
    days = daily_flow(
        [late], since=date(2026, 11, 3), until=date(2026, 11, 4), now=NOW, conventions=UTC_DAYS
    )
    assert [(d.wip, d.throughput) for d in days] == [(1, 0), (0, 1)]
    assert daily_throughput(
        [late], since=date(2026, 11, 1), until=date(2026, 11, 5), conventions=UTC_DAYS
    ) == (0, 0, 0, 1, 0)
    # A finish back-dated before the recorded start: the finish wins, the card took 1 day.
    odd = card("T-2", ("doing", "2026-11-05 09:00"), ("done", "2026-11-04 09:00"))
    assert started_at(odd) == at("2026-11-05 09:00")
    assert cycle_time(odd, UTC_DAYS) == 1
    assert card_flow(odd, ORDER, NOW, UTC_DAYS).started_at == at("2026-11-04 09:00")


def test_conventions_describe_themselves_and_check_the_zone() -> None:
    assert DAY_CONVENTION in UTC_DAYS.describe()
    assert "Europe/London" in LONDON_DAYS.describe()
    assert "elapsed hours" in LONDON_HOURS.describe()
    with pytest.raises(InvalidInput):
        Conventions(zone="Mars/Olympus")
    assert calendar_days(at("2026-11-02 23:59"), at("2026-11-03 00:01"), ZoneInfo("UTC")) == 2


def test_naive_now_is_refused() -> None:
    with pytest.raises(InvalidInput):
        age(REWORK, datetime(2026, 11, 10, 12, 0), UTC_DAYS)  # noqa: DTZ001


# --- Percentiles and XmR ---------------------------------------------------------------------


def test_actionable_agile_worked_example() -> None:
    sample = [7, 3, 6, 4, 5, 6, 4, 7, 5, 6]  # sorted: 3,4,4,5,5,6,6,6,7,7
    assert [percentile(sample, p) for p in (50, 70, 85, 95)] == [5, 6, 6, 7]
    summary = percentiles(sample)
    assert (summary.n, summary.p50, summary.p70, summary.p85, summary.p95) == (10, 5, 6, 6, 7)
    assert not summary.low_sample


def test_percentile_rank_uses_exact_arithmetic_and_small_samples() -> None:
    # 0.7 * 30 is 20.999... in floating point; the rank must still be 21.
    assert percentile(list(range(1, 31)), 70) == 21
    assert percentile([4], 50) == 4
    assert percentiles([2, 9]).p50 == 2  # rank floor(1.0) = 1
    assert percentiles([]).n == 0
    assert percentiles([]).p85 is None
    assert percentiles([1, 2, 3]).low_sample
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_xmr_limits_and_a_point_beyond_them() -> None:
    values = [4, 5, 4, 5, 4, 5, 4, 5, 4, 20]
    chart = xmr(values)
    assert chart.mean == 6.0
    assert chart.mr_bar == pytest.approx(24 / 9)
    assert chart.unpl == pytest.approx(6 + 2.66 * 24 / 9)
    assert chart.lnpl == 0.0  # 6 - 7.09 is below zero
    assert chart.sigma == pytest.approx(24 / 9 / 1.128)
    beyond = [s for s in chart.signals if s.rule == "beyond-limits"]
    assert [(s.side, s.points) for s in beyond] == [("above", (9,))]
    assert not chart.stable


def test_xmr_runs_and_zones() -> None:
    # Eight low then eight high: runs on each side, and every point is far from the mean.
    chart = xmr([1] * 8 + [9] * 8)
    runs = [(s.side, s.points) for s in chart.signals if s.rule == "8-in-a-row"]
    assert runs == [("below", tuple(range(8))), ("above", tuple(range(8, 16)))]
    # Stable noise: no signals.
    calm = xmr([5, 6, 5, 4, 5, 6, 5, 4, 5, 6])
    assert calm.signals == ()
    assert calm.stable


def test_xmr_two_of_three_beyond_two_sigma() -> None:
    # n 19, mean 207 / 19 = 10.895, mR-bar 27 / 18 = 1.5, sigma 1.330: the 2-sigma line is
    # 13.55 and UNPL 14.88, so both 14s are beyond 2 sigma but inside the limits.
    values = [10, 11] * 6 + [14, 11, 14] + [10, 11] * 2
    chart = xmr(values)
    assert chart.mean == pytest.approx(207 / 19)
    assert chart.mr_bar == pytest.approx(1.5)
    assert [(s.rule, s.side, s.points) for s in chart.signals] == [
        ("2-of-3-beyond-2-sigma", "above", (12, 14)),
    ]


def test_xmr_four_of_five_beyond_one_sigma() -> None:
    # n 21, mean 229 / 21 = 10.905, mR-bar 21 / 20 = 1.05, sigma 0.931: 12.5 is beyond the
    # 1-sigma line (11.84) but not the 2-sigma one (12.77).
    values = [10, 11] * 6 + [12.5, 12.5, 11, 12.5, 12.5] + [10, 11] * 2
    chart = xmr(values)
    assert chart.mr_bar == pytest.approx(1.05)
    assert [(s.rule, s.side, s.points) for s in chart.signals] == [
        ("4-of-5-beyond-1-sigma", "above", (12, 13, 15, 16)),
    ]


def test_xmr_of_short_series() -> None:
    assert xmr([]).mean is None
    assert xmr([3]).mean == 3.0
    assert xmr([3]).unpl is None
    assert xmr([3, 3]).signals == ()


# --- Per period ------------------------------------------------------------------------------

WEEK = [SAME_DAY, REWORK, REOPENED]


def test_daily_wip_throughput_arrivals_and_net_flow() -> None:
    days = daily_flow(
        WEEK, since=date(2026, 11, 1), until=date(2026, 11, 8), now=NOW, conventions=UTC_DAYS
    )
    assert [(d.day.day, d.wip, d.arrivals, d.throughput, d.net_flow) for d in days] == [
        (1, 0, 0, 0, 0),
        (2, 2, 3, 1, 2),  # S-1 started and finished the same day
        (3, 2, 0, 0, 0),  # O-1 sat in done on 3 Nov, but that finish no longer counts
        (4, 2, 0, 0, 0),
        (5, 2, 0, 0, 0),
        (6, 0, 0, 2, -2),
        (7, 0, 0, 0, 0),
        (8, 0, 0, 0, 0),
    ]


def test_days_after_today_are_not_counted() -> None:
    days = daily_flow(
        WEEK, since=date(2026, 11, 8), until=date(2026, 11, 30), now=NOW, conventions=UTC_DAYS
    )
    assert [d.day.day for d in days] == [8, 9, 10]
    future = daily_flow(
        WEEK, since=date(2026, 12, 1), until=date(2026, 12, 5), now=NOW, conventions=UTC_DAYS
    )
    assert future == ()
    with pytest.raises(InvalidInput):
        daily_flow(
            WEEK, since=date(2026, 11, 8), until=date(2026, 11, 1), now=NOW, conventions=UTC_DAYS
        )


def test_weekly_throughput_per_iso_week() -> None:
    weeks = weekly_flow(
        WEEK, since=date(2026, 10, 26), until=date(2026, 11, 15), now=NOW, conventions=UTC_DAYS
    )
    assert [(w.week, w.days, w.complete, w.arrivals, w.throughput) for w in weeks] == [
        ("2026-W44", 7, True, 0, 0),
        ("2026-W45", 7, True, 3, 3),
        ("2026-W46", 2, False, 0, 0),  # cut at today, Tuesday 10 Nov
    ]
    assert weeks[1].first_day == date(2026, 11, 2)


def test_cumulative_flow_follows_actual_stays() -> None:
    cfd = cumulative_flow(
        WEEK,
        column_order=ORDER,
        since=date(2026, 11, 1),
        until=date(2026, 11, 6),
        now=NOW,
        conventions=UTC_DAYS,
    )
    assert cfd.columns == ORDER
    rows = [[d.counts[c] for c in ORDER] for d in cfd.days]
    assert rows == [
        [0, 1, 0, 0, 0],  # 1 Nov: O-1 in ready
        [0, 0, 2, 0, 1],  # 2 Nov: R-1 and O-1 doing, S-1 done
        [0, 0, 0, 1, 2],  # 3 Nov: R-1 review, O-1 (for now) done
        [0, 0, 1, 0, 2],
        [0, 0, 1, 1, 1],
        [0, 0, 0, 0, 3],
    ]


def test_cumulative_flow_keeps_columns_missing_from_the_order() -> None:
    gone = CardHistory(
        uid="u",
        key="G-1",
        created_at=at("2026-11-01 09:00"),
        stays=(Stay(column_id="old", role=ColumnRole.QUEUE, entered_at=at("2026-11-01 09:00")),),
    )
    cfd = cumulative_flow(
        [gone],
        column_order=ORDER,
        since=date(2026, 11, 1),
        until=date(2026, 11, 1),
        now=NOW,
        conventions=UTC_DAYS,
    )
    assert cfd.columns == (*ORDER, "old")
    assert cfd.days[0].counts["old"] == 1


def test_cycle_time_percentiles_of_cards_finished_in_the_period() -> None:
    summary = cycle_time_percentiles(
        WEEK, since=date(2026, 11, 1), until=date(2026, 11, 8), now=NOW, conventions=UTC_DAYS
    )
    assert (summary.n, summary.p50, summary.p95, summary.low_sample) == (3, 1, 5, True)
    # 1, 5, 5: rank floor(0.5 * 3) = 1 -> 1; floor(0.95 * 3) = 2 -> 5.
    nothing = cycle_time_percentiles(
        WEEK, since=date(2026, 11, 7), until=date(2026, 11, 8), now=NOW, conventions=UTC_DAYS
    )
    assert nothing.n == 0


def test_sle_configured_and_from_history() -> None:
    history = [
        card(
            f"H-{i}", ("doing", f"2026-10-{10 + i} 09:00"), ("done", f"2026-10-{10 + i + d} 17:00")
        )
        for i, d in enumerate([2, 3, 3, 4, 4, 5, 5, 5, 6, 6])
    ]  # cycle times 3,4,4,5,5,6,6,6,7,7
    level = service_level(
        history, since=date(2026, 10, 1), until=date(2026, 10, 31), now=NOW, conventions=UTC_DAYS
    )
    assert (level.source, level.value, level.percent, level.sample_size) == ("history", 6, 85, 10)
    assert (level.finished, level.hits, level.hit_rate) == (10, 8, 0.8)
    configured = service_level(
        history,
        since=date(2026, 10, 1),
        until=date(2026, 10, 31),
        now=NOW,
        conventions=UTC_DAYS,
        target=SleTarget(value=4, percent=85),
    )
    assert (configured.source, configured.hits, configured.hit_rate) == ("configured", 3, 0.3)
    # Older than 90 days: no default SLE.
    later = NOW + timedelta(days=120)
    stale = service_level(
        history, since=date(2026, 10, 1), until=date(2026, 10, 31), now=later, conventions=UTC_DAYS
    )
    assert (stale.source, stale.value, stale.hit_rate) == ("none", None, None)


def test_in_flight_pace_sle_and_aging_zones() -> None:
    history = [
        card(
            f"H-{i}",
            ("doing", f"2026-10-{10 + i} 09:00"),
            ("review", f"2026-10-{10 + i + d} 09:00"),
            ("done", f"2026-10-{10 + i + d} 17:00"),
        )
        for i, d in enumerate([2, 3, 3, 4, 4, 5, 5, 5, 6, 6])
    ]
    # Ages on leaving doing (and review, the same day): 3,4,4,5,5,6,6,6,7,7.
    bands = aging_bands(history, now=NOW, conventions=UTC_DAYS, column_order=ORDER)
    assert [b.column_id for b in bands] == ["doing", "review"]
    doing = bands[0].ages
    assert (doing.p50, doing.p70, doing.p85, doing.p95) == (5, 6, 6, 7)
    flying = [
        card("F-1", ("doing", "2026-11-09 09:00")),  # age 2
        card("F-2", ("doing", "2026-11-04 09:00"), blocks=[block("x", "2026-11-09 09:00")]),  # 7
        card(
            "F-3", ("doing", "2026-11-02 09:00"), ("backlog", "2026-11-03 09:00")
        ),  # 9, moved back
        card("Q-1", ("backlog", "2026-11-02 09:00")),  # not started
    ]
    cards = in_flight(history + flying, now=NOW, conventions=UTC_DAYS, sle_value=6, bands=bands)
    assert [(c.key, c.age, c.column_id) for c in cards] == [
        ("F-3", 9, "backlog"),
        ("F-2", 7, "doing"),
        ("F-1", 2, "doing"),
    ]
    f3, f2, f1 = cards
    assert (f1.pace, f1.sle_consumed, f1.aging_zone, f1.at_risk) == (0.0, 2 / 6, "p50", False)
    assert (f2.pace, f2.aging_zone, f2.at_risk, f2.blocked) == (1.0, "p95", True, True)
    assert (f3.aging_zone, f3.at_risk, f3.role) == (None, None, ColumnRole.QUEUE)


def test_littles_law_exact_on_a_window_that_starts_and_ends_empty() -> None:
    cards = [
        card("A", ("doing", "2026-11-02 09:00"), ("done", "2026-11-04 15:00")),  # 3 days, 54 h
        card("B", ("doing", "2026-11-03 10:00"), ("done", "2026-11-03 20:00")),  # 1 day, 10 h
    ]
    days = littles_law(
        cards, since=date(2026, 11, 1), until=date(2026, 11, 5), now=NOW, conventions=UTC_DAYS
    )
    # In flight at any time of the day: 2 Nov 1, 3 Nov 2, 4 Nov 1 -> 4 / 5 days.
    assert (days.avg_wip, days.throughput, days.avg_cycle_time) == (0.8, 0.4, 2.0)
    assert days.predicted_cycle_time == pytest.approx(2.0)
    assert days.ratio == pytest.approx(1.0)
    assert days.exact
    assert days.flags == ("low-sample",)
    hours = littles_law(
        cards, since=date(2026, 11, 1), until=date(2026, 11, 5), now=NOW, conventions=UTC_HOURS
    )
    assert hours.avg_wip == pytest.approx(64 / 120)
    assert hours.avg_cycle_time == 32.0
    assert hours.ratio == pytest.approx(1.0)


def test_littles_law_flags_its_caveats() -> None:
    cards = [card(f"W-{i}", ("doing", f"2026-11-0{2 + i % 3} 09:00")) for i in range(5)] + [
        card("D", ("doing", "2026-10-20 09:00"), ("done", "2026-11-03 09:00"))
    ]
    law = littles_law(
        cards, since=date(2026, 11, 1), until=date(2026, 11, 8), now=NOW, conventions=UTC_DAYS
    )
    assert set(law.flags) == {
        "low-sample",
        "arrivals-departures-differ",
        "wip-differs-at-ends",
        "unfinished-work",
        "age-trending",
    }
    assert not law.exact
    assert (law.wip_at_start, law.wip_at_end, law.arrivals, law.departures) == (1, 5, 5, 1)
    empty = littles_law(
        [], since=date(2026, 11, 1), until=date(2026, 11, 8), now=NOW, conventions=UTC_DAYS
    )
    assert empty.flags == ("no-departures",)
    assert empty.ratio is None


def test_reason_normalisation() -> None:
    assert normalise_reason("  Waiting-for LEGAL!! ") == "waiting for legal"
    assert normalise_reason("Don't know") == normalise_reason("dont   KNOW")
    assert normalise_reason("...") == "(no reason)"


def test_blocker_clusters_in_pareto_order() -> None:
    cards = [
        card(
            "A",
            ("doing", "2026-11-02 00:00"),
            ("done", "2026-11-06 00:00"),
            blocks=[
                block("Waiting for Legal", "2026-11-02 12:00", "2026-11-03 12:00"),
                block("vendor API down", "2026-11-04 00:00", "2026-11-04 06:00"),
            ],
        ),
        card(
            "B",
            ("doing", "2026-11-03 00:00"),
            ("done", "2026-11-07 00:00"),
            blocks=[block("waiting-for legal.", "2026-11-05 00:00", "2026-11-05 12:00")],
        ),
        card(
            "C",
            ("backlog", "2026-10-20 00:00"),
            blocks=[block("old", "2026-10-21 00:00", "2026-10-22 00:00")],
        ),
    ]
    clusters = blocker_clusters(
        cards, since=date(2026, 11, 1), until=date(2026, 11, 7), now=NOW, conventions=UTC_DAYS
    )
    assert [(c.reason, c.count, c.blocked_days, c.card_keys) for c in clusters] == [
        ("waiting for legal", 2, 1.5, ("A", "B")),
        ("vendor api down", 1, 0.25, ("A",)),
    ]
    # In-flight time in the window: A 96 h + B 96 h = 192 h.
    assert clusters[0].share_of_cycle_time == pytest.approx(36 / 192)
    assert clusters[1].share_of_cycle_time == pytest.approx(6 / 192)
    assert clusters[0].cumulative_share == pytest.approx(36 / 42)
    assert clusters[1].cumulative_share == pytest.approx(1.0)
    assert clusters[0].examples == ("Waiting for Legal", "waiting-for legal.")


def test_wip_exceptions_count_breaches_overrides_and_days_over_limit() -> None:
    events: list[WipEventInput] = [
        WipEvent(kind="breach", column_id="review", at=at("2026-11-03 10:00")),
        ("breach", "review", at("2026-11-03 15:00"), None),
        ("override", "doing", at("2026-11-04 10:00"), "launch tomorrow"),
        ("override", "doing", at("2026-10-01 10:00"), "outside the period"),
    ]
    summary = wip_exceptions(
        events,
        since=date(2026, 11, 1),
        until=date(2026, 11, 8),
        now=NOW,
        conventions=UTC_DAYS,
        histories=WEEK,
        column_order=ORDER,
        wip_limits={"doing": 1},
    )
    assert (summary.breaches, summary.overrides, summary.exception_days) == (2, 1, 2)
    by_column = {c.column_id: c for c in summary.columns}
    assert (by_column["review"].breaches, by_column["review"].exception_days) == (2, 1)
    assert by_column["review"].days_over_limit is None
    assert by_column["doing"].overrides == 1
    assert by_column["doing"].days_over_limit == 1  # 2 Nov ended with two cards in doing
    assert [e.reason for e in summary.overrides_with_reasons] == ["launch tomorrow"]


def test_breakdowns_by_tag_class_and_assignee() -> None:
    cards = [
        card(
            "A",
            ("doing", "2026-11-02 09:00"),
            ("done", "2026-11-03 09:00"),
            tags=["trial"],
            assignees=["Ana"],
        ),
        card(
            "B",
            ("doing", "2026-11-02 09:00"),
            ("done", "2026-11-05 09:00"),
            tags=["trial", "onboarding"],
            assignees=["Ana", "Ben"],
            service=ClassOfService.EXPEDITE,
        ),
        card("C", ("doing", "2026-11-04 09:00"), ("done", "2026-11-04 10:00")),
        card("D", ("doing", "2026-11-05 09:00"), tags=["onboarding"]),
        card("E", ("doing", "2026-11-05 09:00")),
    ]
    result = breakdowns(
        cards, since=date(2026, 11, 1), until=date(2026, 11, 8), now=NOW, conventions=UTC_DAYS
    )
    tags = {g.key: (g.throughput, g.cycle_time.p50, g.wip) for g in result.by_tag}
    assert tags == {"trial": (2, 2, 0), "onboarding": (1, 4, 1), None: (1, 1, 1)}
    assert [g.key for g in result.by_tag] == ["trial", "onboarding", None]
    service = {g.key: g.throughput for g in result.by_class_of_service}
    assert service == {"standard": 2, "expedite": 1}
    people = {g.key: (g.throughput, g.wip) for g in result.by_assignee}
    assert people == {"Ana": (2, 0), "Ben": (1, 0), None: (1, 2)}
    assert (result.finished, result.finished_untagged) == (3, 1)
    assert result.finished_untagged_share == pytest.approx(1 / 3)
    assert (result.wip, result.wip_untagged, result.wip_untagged_share) == (2, 1, 0.5)


def test_empty_period_and_no_cards() -> None:
    report = flow_report(
        [], column_order=ORDER, since=date(2026, 11, 1), until=date(2026, 11, 8), now=NOW
    )
    assert [d.wip for d in report.days] == [0] * 8
    assert report.throughput == report.arrivals == 0
    assert report.cycle_time.n == 0
    assert report.sle.source == "none"
    assert report.littles_law.flags == ("no-departures",)
    assert report.blockers == ()
    assert report.in_flight == ()
    assert report.flow_efficiency.mean is None
    assert report.breakdowns.finished_untagged_share is None
    quiet = flow_report(
        WEEK, column_order=ORDER, since=date(2026, 11, 8), until=date(2026, 11, 9), now=NOW
    )
    assert quiet.throughput == 0
    assert quiet.cycle_time.n == 0
    assert quiet.sle.source == "history"  # the SLE still comes from the last 90 days


def test_report_for_a_single_card_serialises_to_json() -> None:
    report = flow_report(
        [REWORK],
        column_order=ORDER,
        since=date(2026, 11, 1),
        until=date(2026, 11, 8),
        now=NOW,
        conventions=Conventions(zone="Europe/London"),
    )
    assert report.throughput == 1
    assert report.cycle_time.p85 == 5
    assert report.flow_efficiency.mean == pytest.approx(44 / 96)
    assert report.flow_efficiency.pooled == pytest.approx(44 / 96)
    assert report.sle.hit_rate == 1.0
    assert [c.key for c in report.cards] == ["R-1"]
    assert report.cards[0].backward_moves == 1
    assert report.blockers[0].reason == "waiting for legal"
    assert report.convention.startswith(DAY_CONVENTION)
    data = report.model_dump(mode="json")
    assert data["cycle_time"] == {
        "n": 1,
        "p50": 5.0,
        "p70": 5.0,
        "p85": 5.0,
        "p95": 5.0,
        "low_sample": True,
    }
    assert data["littles_law"]["exact"] is True
    assert data["days"][0] == {
        "day": "2026-11-01",
        "wip": 0,
        "arrivals": 0,
        "throughput": 0,
        "net_flow": 0,
    }


def test_naive_timestamps_are_refused_and_zones_become_utc() -> None:
    naive = datetime(2026, 11, 2, 9)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone"):
        Stay(column_id="doing", role=ColumnRole.ACTIVE, entered_at=naive)
    london = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    stay = Stay(column_id="doing", role=ColumnRole.ACTIVE, entered_at=london)
    assert stay.entered_at == at("2026-07-01 08:00")


def test_every_result_key_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [
        flow.CardFlow,
        flow.Percentiles,
        flow.DayFlow,
        flow.WeekFlow,
        flow.CfdDay,
        flow.CumulativeFlow,
        flow.ServiceLevel,
        flow.AgingBand,
        flow.InFlightCard,
        flow.XmrSignal,
        flow.Xmr,
        flow.LittlesLaw,
        flow.FlowEfficiency,
        flow.BlockerCluster,
        flow.ColumnWip,
        flow.WipExceptions,
        flow.Group,
        flow.Breakdowns,
        flow.FlowReport,
        forecast.WhenForecast,
        forecast.HowManyForecast,
        forecast.ThroughputSample,
    ]
    missing = [
        f"{model.__name__}.{name}"
        for model in models
        for name in model.model_fields
        if f"`{name}`" not in docs
    ]
    assert not missing
