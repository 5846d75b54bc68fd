"""The day-counting convention, on its own so the board can use it without the metric models.

Following Vacanti / ActionableAgile, a card started and finished on the same day took 1 day, and a
card started yesterday is 2 days old (`end_date - start_date + 1`, minimum 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DAY_CONVENTION = "days are inclusive calendar days in the squad's time zone (same day = 1 day)"
"""Printed wherever day counts are shown, so nobody mistakes them for elapsed 24-hour periods."""


def calendar_days(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Inclusive calendar days from `start` to `end` in `zone` (at least 1)."""
    return inclusive_days(start.astimezone(zone).date(), end.astimezone(zone).date())


def inclusive_days(first: date, last: date) -> int:
    """Inclusive calendar days from local day `first` to local day `last` (at least 1)."""
    return max(1, (last - first).days + 1)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The moment local day `day` begins in `zone`, in UTC: days run from one start to the next."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def daily_counts(
    moments: Iterable[datetime], *, since: date, until: date, zone: ZoneInfo
) -> tuple[int, ...]:
    """How many of `moments` fall on each local day from `since` to `until`, zero days included."""
    counts = [0] * ((until - since).days + 1)
    for moment in moments:
        day = moment.astimezone(zone).date()
        if since <= day <= until:
            counts[(day - since).days] += 1
    return tuple(counts)
