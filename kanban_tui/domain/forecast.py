"""Monte Carlo forecasts by resampling past daily throughput: "when will N be done", "how many"."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate, islice
from math import floor
from random import Random
from typing import TYPE_CHECKING

from kanban_tui.domain.conventions import Conventions
from kanban_tui.domain.days import daily_counts
from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.models import Frozen
from kanban_tui.domain.xmr import Xmr, xmr

if TYPE_CHECKING:
    from kanban_tui.domain.history import CardHistory

TRIALS = 10_000
"""Default trial count: 100 trials move the 85th percentile by about two days; 10,000 by < 1."""

WINDOW_DAYS = 84
"""Default sampling window: the last 12 weeks of complete days."""

MAX_DAYS = 3660
"""A trial that has not finished after this many days counts as "not within ten years"."""

_BLOCK_DAYS = 64
"""Days of throughput drawn per trial at a time; a trial that needs more draws another block."""


class ThroughputSample(Frozen):
    """The past days a forecast resamples: cards finished per local day, zero days included."""

    window_start: date
    window_end: date
    daily: tuple[int, ...]
    weekly: tuple[int, ...]
    """Throughput of the complete ISO weeks inside the window, for the stability check."""
    stability: Xmr
    """XmR chart of `weekly`; any signal makes forecasts carry a stability warning."""


class WhenForecast(Frozen):
    """On or before which date `items` cards will be done, at 50/70/85/95% confidence."""

    items: int
    start: date
    """Day 1 of the forecast: its throughput counts."""
    p50: date | None
    p70: date | None
    p85: date | None
    p95: date | None
    """None: not within `max_days` at that confidence."""
    seed: int
    trials: int
    unfinished_trials: int
    """Trials that had not reached `items` after `max_days`."""
    max_days: int
    window_start: date
    window_end: date
    window_days: int
    mean_daily_throughput: float
    zero_days: int
    stability_warning: bool
    signals: tuple[str, ...]
    """The XmR rules that fired on weekly throughput in the window."""


class HowManyForecast(Frozen):
    """How many cards will be done from `start` to `until`: "p85 or more" at 85% confidence."""

    until: date
    start: date
    days: int
    p50: int
    p70: int
    p85: int
    p95: int
    seed: int
    trials: int
    window_start: date
    window_end: date
    window_days: int
    mean_daily_throughput: float
    zero_days: int
    stability_warning: bool
    signals: tuple[str, ...]


def sample_from_daily(window_start: date, daily: Sequence[int]) -> ThroughputSample:
    """Build a sample from daily counts starting on `window_start` (one count per local day)."""
    if not daily:
        raise InvalidInput("a forecast needs at least one past day of throughput")
    if any(count < 0 for count in daily):
        raise InvalidInput("daily throughput cannot be negative")
    weeks: dict[tuple[int, int], list[int]] = {}
    for offset, count in enumerate(daily):
        iso = (window_start + timedelta(days=offset)).isocalendar()
        weeks.setdefault((iso.year, iso.week), []).append(count)
    weekly = tuple(sum(counts) for counts in weeks.values() if len(counts) == 7)
    return ThroughputSample(
        window_start=window_start,
        window_end=window_start + timedelta(days=len(daily) - 1),
        daily=tuple(daily),
        weekly=weekly,
        stability=xmr(weekly),
    )


def throughput_sample(
    histories: Iterable[CardHistory],
    *,
    now: datetime,
    conventions: Conventions,
    window_days: int = WINDOW_DAYS,
    window_end: date | None = None,
) -> ThroughputSample:
    """Daily throughput of the `window_days` local days ending on `window_end`.

    Args:
        histories: the squad's cards.
        now: the present, which decides "today" in the squad's zone.
        conventions: the zone that decides which day a card finished on.
        window_days: how many days to sample from.
        window_end: the last day of the window; default yesterday (today is not over yet).
    """
    # Card histories load only for callers that hold them.
    from kanban_tui.domain.history import finished_at

    finishes = (finished_at(card) for card in histories)
    return sample_from_finishes(
        (f for f in finishes if f is not None),
        now=now,
        conventions=conventions,
        window_days=window_days,
        window_end=window_end,
    )


def sample_from_finishes(
    finishes: Iterable[datetime],
    *,
    now: datetime,
    conventions: Conventions,
    window_days: int = WINDOW_DAYS,
    window_end: date | None = None,
) -> ThroughputSample:
    """The same sample from the cards' finish times alone (storage can read just those)."""
    start, end = sample_window(
        now=now, conventions=conventions, window_days=window_days, window_end=window_end
    )
    daily = daily_counts(finishes, since=start, until=end, zone=conventions.tz)
    return sample_from_daily(start, daily)


def sample_window(
    *,
    now: datetime,
    conventions: Conventions,
    window_days: int = WINDOW_DAYS,
    window_end: date | None = None,
) -> tuple[date, date]:
    """The first and last local day a sample covers: `window_days` days ending on `window_end`,
    by default yesterday (today is not over yet). Storage counts the finishes of these days
    itself and hands them to `sample_from_daily`."""
    if window_days < 1:
        raise InvalidInput("the sampling window needs at least one day")
    if now.tzinfo is None:
        raise InvalidInput("`now` must be timezone-aware")
    end = window_end or now.astimezone(conventions.tz).date() - timedelta(days=1)
    return end - timedelta(days=window_days - 1), end


class _Block:
    """One block of draws for every trial: trial i owns draws [i * size, (i + 1) * size)."""

    def __init__(self, draws: bytes, size: int, table: bytes, drop: bytes):
        self._draws = draws
        self._size = size
        self._table = table
        self._drop = drop

    def days(self, trial: int) -> Sequence[int]:
        """The daily throughputs this block holds for `trial`, in order."""
        part = self._draws[trial * self._size : (trial + 1) * self._size]
        # One random byte per day, mapped to a sampled day's throughput; bytes above the
        # largest multiple of the window length are dropped so every day stays equally likely.
        return part.translate(self._table, self._drop)


class _LazyBlock:
    """A block drawn as `rng.choices(daily, k=size * trials)` would draw it, but only as far as
    each trial reads it: the draws nobody reads are skipped, not computed.

    `choices` takes one `random()` per draw, and `random()` takes two 32-bit words from the
    generator; `getrandbits(64 * n)` takes the same 2n words, so skipping n draws leaves the
    generator exactly where drawing them would. Trials must be read in increasing order.
    """

    def __init__(self, rng: Random, daily: Sequence[int], size: int, trials: int):
        self._random = rng.random
        self._skip = rng.getrandbits
        self._daily = daily
        self._size = size
        self._end = size * trials
        self._position = 0
        """Draws of this block taken from the generator so far."""

    def _advance(self, to: int) -> None:
        if to > self._position:
            self._skip(64 * (to - self._position))
            self._position = to

    def days(self, trial: int) -> Iterator[int]:
        """The daily throughputs this block holds for `trial`, drawn one by one as read."""
        begin = trial * self._size
        if begin < self._position:
            raise ValueError("trials are read in increasing order")
        self._advance(begin)
        random, daily, n = self._random, self._daily, float(len(self._daily))
        for _ in range(self._size):
            self._position += 1
            yield daily[floor(random() * n)]

    def finish(self) -> None:
        """Leave the generator where drawing the whole block would."""
        self._advance(self._end)


def _blocks(daily: Sequence[int], seed: int, trials: int) -> Iterator[_Block | _LazyBlock]:
    """Blocks of draws, each generated whole and in order from one seeded generator.

    A trial's days therefore depend only on the seed and its index, never on how many days
    the question needs: asking for more items or a later date extends every trial's path
    instead of reshuffling it, which keeps forecasts monotone for a given seed.
    """
    rng = Random(seed)
    size = len(daily)
    if size <= 256 and max(daily) <= 255:
        kept = 256 // size * size
        table = bytes(daily[b % size] if b < kept else 0 for b in range(256))
        drop = bytes(range(kept, 256))
        while True:
            yield _Block(rng.randbytes(_BLOCK_DAYS * trials), _BLOCK_DAYS, table, drop)
    while True:
        block = _LazyBlock(rng, daily, _BLOCK_DAYS, trials)
        yield block
        block.finish()


def _finish_days(
    daily: Sequence[int], items: int, seed: int, trials: int, max_days: int
) -> list[int | None]:
    """For each trial, the 1-based day on which its running total reaches `items`."""
    result: list[int | None] = [None] * trials
    if not any(daily):
        return result
    totals = [0] * trials
    elapsed = [0] * trials
    pending = list(range(trials))
    for block in _blocks(daily, seed, trials):
        waiting = []
        for trial in pending:
            total = totals[trial]
            if isinstance(block, _LazyBlock):
                drawn = 0
                for count in block.days(trial):
                    drawn += 1
                    total += count
                    if total >= items:
                        break
                crossed_on = drawn if total >= items else None
            else:
                days = block.days(trial)
                drawn = len(days)  # fewer than the block's days when bytes were dropped
                reached = total + sum(days)
                # Only the block that crosses the target needs its running totals.
                crossed_on = (
                    bisect_left(list(accumulate(days, initial=total)), items)
                    if reached >= items
                    else None
                )
                total = reached
            if crossed_on is not None:
                day = elapsed[trial] + crossed_on
                result[trial] = day if day <= max_days else None
                continue
            totals[trial] = total
            elapsed[trial] += drawn
            if elapsed[trial] < max_days:
                waiting.append(trial)
        pending = waiting
        if not pending:
            return result
    return result  # pragma: no cover - the block stream never ends


def _counts(daily: Sequence[int], days: int, seed: int, trials: int) -> list[int]:
    """For each trial, the cards finished in its first `days` days."""
    counts = [0] * trials
    if days <= 0:
        return counts
    needed = [days] * trials
    pending = list(range(trials))
    for block in _blocks(daily, seed, trials):
        waiting = []
        for trial in pending:
            drawn = list(islice(block.days(trial), needed[trial]))
            counts[trial] += sum(drawn)
            needed[trial] -= len(drawn)
            if needed[trial] > 0:
                waiting.append(trial)
        pending = waiting
        if not pending:
            return counts
    return counts  # pragma: no cover - the block stream never ends


def _rank(percent: int, n: int) -> int:
    # The same floor(p * n) rank as flow.percentile, as a 0-based index.
    return max(1, percent * n // 100) - 1


def _signals(sample: ThroughputSample) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.rule for s in sample.stability.signals))


def _check(trials: int, seed: int) -> None:
    if trials < 1:
        raise InvalidInput("a forecast needs at least one trial")
    if seed < 0:
        raise InvalidInput("the seed must be a non-negative whole number")


def forecast_when(
    sample: ThroughputSample,
    items: int,
    *,
    seed: int,
    trials: int = TRIALS,
    start: date | None = None,
    max_days: int = MAX_DAYS,
) -> WhenForecast:
    """Forecast on or before which date `items` more cards will be done.

    Each trial draws one past day's throughput per future day (zero days included, every day of
    the window equally likely) until its running total reaches `items`. The p-th percentile
    date is the finish day of the trial at rank floor(p * trials) in order of finish day.

    Args:
        sample: the past days to draw from (see `throughput_sample`).
        items: cards still to finish (at least 1).
        seed: seeds `random.Random`; show it so a run can be repeated.
        trials: number of simulated futures.
        start: day 1 of the forecast (default: the day after the window, normally today).
        max_days: give up on a trial after this many days.
    """
    _check(trials, seed)
    if items < 1:
        raise InvalidInput("forecast at least one card")
    first = start or sample.window_end + timedelta(days=1)
    finishes = _finish_days(sample.daily, items, seed, trials, max_days)
    never = max_days + 1
    ordered = sorted(never if day is None else day for day in finishes)

    def at(percent: int) -> date | None:
        day = ordered[_rank(percent, trials)]
        return None if day == never else first + timedelta(days=day - 1)

    signals = _signals(sample)
    return WhenForecast(
        items=items,
        start=first,
        p50=at(50),
        p70=at(70),
        p85=at(85),
        p95=at(95),
        seed=seed,
        trials=trials,
        unfinished_trials=sum(1 for day in finishes if day is None),
        max_days=max_days,
        window_start=sample.window_start,
        window_end=sample.window_end,
        window_days=len(sample.daily),
        mean_daily_throughput=sum(sample.daily) / len(sample.daily),
        zero_days=sample.daily.count(0),
        stability_warning=bool(signals),
        signals=signals,
    )


def forecast_how_many(
    sample: ThroughputSample,
    until: date,
    *,
    seed: int,
    trials: int = TRIALS,
    start: date | None = None,
) -> HowManyForecast:
    """Forecast how many cards will be done from `start` to `until` inclusive.

    The figure for p% confidence is the (100 - p)th percentile of the trial counts: at least p%
    of trials finished that many cards or more ("85%: 12 or more").

    Args:
        sample: the past days to draw from (see `throughput_sample`).
        until: the last day that counts.
        seed: seeds `random.Random`; show it so a run can be repeated.
        trials: number of simulated futures.
        start: day 1 of the forecast (default: the day after the window, normally today).
    """
    _check(trials, seed)
    first = start or sample.window_end + timedelta(days=1)
    days = max(0, (until - first).days + 1)
    ordered = sorted(_counts(sample.daily, days, seed, trials))

    def at(percent: int) -> int:
        return ordered[_rank(100 - percent, trials)]

    signals = _signals(sample)
    return HowManyForecast(
        until=until,
        start=first,
        days=days,
        p50=at(50),
        p70=at(70),
        p85=at(85),
        p95=at(95),
        seed=seed,
        trials=trials,
        window_start=sample.window_start,
        window_end=sample.window_end,
        window_days=len(sample.daily),
        mean_daily_throughput=sum(sample.daily) / len(sample.daily),
        zero_days=sample.daily.count(0),
        stability_warning=bool(signals),
        signals=signals,
    )


__all__ = [
    "MAX_DAYS",
    "TRIALS",
    "WINDOW_DAYS",
    "HowManyForecast",
    "ThroughputSample",
    "WhenForecast",
    "forecast_how_many",
    "forecast_when",
    "sample_from_daily",
    "sample_from_finishes",
    "sample_window",
    "throughput_sample",
]
