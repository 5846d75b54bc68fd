"""Monte Carlo forecasts: exact cases, determinism for a seed, monotonicity and speed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import islice
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.flow import Conventions
from kanban_tui.domain.forecast import (
    MAX_DAYS,
    TRIALS,
    _blocks,
    forecast_how_many,
    forecast_when,
    sample_from_daily,
    throughput_sample,
)
from tests.domain.test_flow import card

MONDAY = date(2026, 8, 3)
TYPICAL = [0, 1, 2, 0, 1, 3, 0, 1, 1, 2, 0, 0, 1, 2] * 6  # 84 days, mean 1.0


def test_steady_throughput_gives_exact_dates_and_counts() -> None:
    sample = sample_from_daily(MONDAY, [2] * 28)
    assert sample.window_end == MONDAY + timedelta(days=27)
    when = forecast_when(sample, 10, seed=1, trials=200)
    day5 = sample.window_end + timedelta(days=5)  # day 1 is the day after the window
    assert (when.p50, when.p70, when.p85, when.p95) == (day5, day5, day5, day5)
    assert when.start == sample.window_end + timedelta(days=1)
    assert when.unfinished_trials == 0
    many = forecast_how_many(sample, day5, seed=1, trials=200)
    assert (many.days, many.p50, many.p70, many.p85, many.p95) == (5, 10, 10, 10, 10)
    assert not when.stability_warning
    assert when.signals == ()


def test_a_start_date_shifts_the_forecast() -> None:
    sample = sample_from_daily(MONDAY, [1] * 14)
    when = forecast_when(sample, 3, seed=1, trials=50, start=date(2026, 12, 30))
    assert when.p85 == date(2027, 1, 1)
    many = forecast_how_many(sample, date(2026, 12, 29), seed=1, trials=50, start=date(2027, 1, 1))
    assert (many.days, many.p85) == (0, 0)


def test_no_throughput_means_no_date() -> None:
    sample = sample_from_daily(MONDAY, [0] * 28)
    when = forecast_when(sample, 1, seed=3, trials=100)
    assert (when.p50, when.p95) == (None, None)
    assert when.unfinished_trials == 100
    assert when.max_days == MAX_DAYS
    assert when.zero_days == 28


def test_rare_throughput_gives_up_after_max_days() -> None:
    sample = sample_from_daily(MONDAY, [1] + [0] * 99)
    when = forecast_when(sample, 5, seed=3, trials=200, max_days=100)
    # Five cards at 1 per 100 days on average: hardly any trial makes it within 100 days.
    assert when.p50 is None
    assert when.unfinished_trials > 190


def test_percentiles_of_counts_read_as_k_or_more() -> None:
    many = forecast_how_many(
        sample_from_daily(MONDAY, TYPICAL), MONDAY + timedelta(days=120), seed=7, trials=2000
    )
    assert many.p50 >= many.p70 >= many.p85 >= many.p95
    assert many.days == 120 - 83
    assert many.mean_daily_throughput == 1.0
    assert abs(many.p50 - 37) <= 3  # about 37 days at one card a day


def test_wide_windows_and_big_days_take_the_general_path() -> None:
    # 400 days (more than 256) and a day of 300 cards cannot use the one-byte-per-day draws.
    steady = sample_from_daily(MONDAY, [1] * 400)
    assert forecast_when(steady, 7, seed=2, trials=50).p85 == steady.window_end + timedelta(7)
    burst = sample_from_daily(MONDAY, [300, 300])
    assert forecast_how_many(burst, burst.window_end + timedelta(2), seed=2, trials=50).p85 == 600


def test_unstable_weekly_throughput_carries_a_warning() -> None:
    weeks = [[1, 1, 1, 1, 1, 0, 0]] * 10 + [[9, 9, 9, 9, 9, 0, 0]]
    sample = sample_from_daily(MONDAY, [day for week in weeks for day in week])
    assert sample.weekly == (5,) * 10 + (45,)
    when = forecast_when(sample, 10, seed=1, trials=100)
    assert when.stability_warning
    assert "beyond-limits" in when.signals


def test_sample_from_histories_uses_complete_past_days() -> None:
    now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    cards = [
        card("A", ("doing", "2026-11-02 09:00"), ("done", "2026-11-03 09:00")),
        card("B", ("doing", "2026-11-02 09:00"), ("done", "2026-11-09 23:30")),
        card("C", ("doing", "2026-11-02 09:00"), ("done", "2026-11-10 09:00")),  # today: left out
    ]
    sample = throughput_sample(cards, now=now, conventions=Conventions(), window_days=14)
    assert (sample.window_start, sample.window_end) == (date(2026, 10, 27), date(2026, 11, 9))
    assert sample.daily == (0,) * 7 + (1,) + (0,) * 5 + (1,)
    assert sample.weekly == (1,)  # only 2-8 Nov is a complete ISO week inside the window
    # In Kolkata 23:30 UTC on 9 Nov is already 10 Nov (today), so B drops out of the window.
    kolkata = throughput_sample(
        cards, now=now, conventions=Conventions(zone="Asia/Kolkata"), window_days=14
    )
    assert sum(kolkata.daily) == 1


def test_bad_questions_are_refused() -> None:
    sample = sample_from_daily(MONDAY, TYPICAL)
    with pytest.raises(InvalidInput):
        forecast_when(sample, 0, seed=1)
    with pytest.raises(InvalidInput):
        forecast_when(sample, 5, seed=1, trials=0)
    with pytest.raises(InvalidInput):
        forecast_how_many(sample, MONDAY, seed=-1)
    with pytest.raises(InvalidInput):
        sample_from_daily(MONDAY, [])
    with pytest.raises(InvalidInput):
        sample_from_daily(MONDAY, [1, -1])


def test_ten_thousand_trials_repeat_exactly_for_a_seed() -> None:
    sample = sample_from_daily(MONDAY, TYPICAL)
    first = forecast_when(sample, 30, seed=2026)
    assert forecast_when(sample, 30, seed=2026) == first
    assert first.trials == TRIALS == 10_000
    assert first.seed == 2026
    assert (first.window_start, first.window_days) == (MONDAY, 84)
    # 30 cards at about one a day: the 85th percentile lands a little over a month out.
    assert first.p85 is not None
    assert 30 <= (first.p85 - first.start).days <= 45


daily_samples = st.lists(st.integers(0, 4), min_size=1, max_size=60).filter(any)


@settings(max_examples=30, deadline=None)
@given(
    daily=daily_samples, seed=st.integers(0, 2**32), few=st.integers(1, 30), more=st.integers(0, 30)
)
def test_when_is_deterministic_and_monotone_in_items(
    daily: list[int], seed: int, few: int, more: int
) -> None:
    sample = sample_from_daily(MONDAY, daily)
    small = forecast_when(sample, few, seed=seed, trials=300)
    assert forecast_when(sample, few, seed=seed, trials=300) == small
    large = forecast_when(sample, few + more, seed=seed, trials=300)
    far = date.max
    for low, high in [
        (small.p50, large.p50),
        (small.p70, large.p70),
        (small.p85, large.p85),
        (small.p95, large.p95),
    ]:
        assert (low or far) <= (high or far)
    dates = [d or far for d in (small.p50, small.p70, small.p85, small.p95)]
    assert dates == sorted(dates)


@settings(max_examples=30, deadline=None)
@given(
    daily=daily_samples,
    seed=st.integers(0, 2**32),
    days=st.integers(0, 80),
    more=st.integers(0, 80),
)
def test_how_many_is_deterministic_and_monotone_in_the_date(
    daily: list[int], seed: int, days: int, more: int
) -> None:
    sample = sample_from_daily(MONDAY, daily)
    start = sample.window_end + timedelta(days=1)
    near = forecast_how_many(sample, start + timedelta(days=days), seed=seed, trials=300)
    assert forecast_how_many(sample, start + timedelta(days=days), seed=seed, trials=300) == near
    later = forecast_how_many(sample, start + timedelta(days=days + more), seed=seed, trials=300)
    assert near.p50 <= later.p50
    assert near.p85 <= later.p85
    assert near.p95 <= later.p95
    assert near.p50 >= near.p70 >= near.p85 >= near.p95


@settings(max_examples=60, deadline=None)
@given(
    daily=st.lists(st.integers(0, 400), min_size=1, max_size=300).filter(
        lambda d: len(d) > 256 or max(d) > 255
    ),
    seed=st.integers(0, 2**31),
    trials=st.integers(1, 12),
    reads=st.lists(st.tuples(st.booleans(), st.integers(0, 70)), min_size=12, max_size=12),
)
def test_lazy_blocks_draw_exactly_what_random_choices_draws(
    daily: list[int], seed: int, trials: int, reads: list[tuple[bool, int]]
) -> None:
    """Days over 255 cards (or windows over 256 days) draw with `random.choices`, lazily."""
    size = 64
    expected = Random(seed).choices(daily, k=2 * size * trials)
    blocks = _blocks(daily, seed, trials)
    first = next(blocks)
    for trial, (read, count) in enumerate(reads[:trials]):
        if read:  # some trials are skipped, others read only partly
            got = list(islice(first.days(trial), count))
            assert got == expected[trial * size : trial * size + min(count, size)]
    second = next(blocks)
    last = trials - 1
    start = (trials + last) * size
    assert list(second.days(last)) == expected[start : start + size]
