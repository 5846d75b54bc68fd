"""Reading typed dates and times in the squad's time zone, across DST and month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.when import parse_day, parse_moment

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)  # the Monday after UK clocks went back


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("2026-10-24 17:30", datetime(2026, 10, 24, 16, 30, tzinfo=UTC)),  # still summer time
        ("2026-10-25 09:00", datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),  # GMT again
        ("yesterday 17:30", datetime(2026, 10, 25, 17, 30, tzinfo=UTC)),
        ("today", datetime(2026, 10, 26, 0, 0, tzinfo=UTC)),
        ("2 days ago", datetime(2026, 10, 24, 12, 0, tzinfo=UTC)),
        ("1 week ago", datetime(2026, 10, 19, 12, 0, tzinfo=UTC)),
        ("in 3 days", datetime(2026, 10, 29, 12, 0, tzinfo=UTC)),
        ("in 2 weeks", datetime(2026, 11, 9, 12, 0, tzinfo=UTC)),
        ("2026-10-01T08:00:00+02:00", datetime(2026, 10, 1, 6, 0, tzinfo=UTC)),
        ("30 Sep 2026 8am", datetime(2026, 9, 30, 7, 0, tzinfo=UTC)),
    ],
)
def test_moments(text: str, expected: datetime) -> None:
    assert parse_moment(text, LONDON, NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", date(2026, 10, 27)),
        ("2026-12-31", date(2026, 12, 31)),
        ("1 Mar", date(2026, 3, 1)),
    ],
)
def test_days(text: str, expected: date) -> None:
    assert parse_day(text, LONDON, NOW) == expected


@pytest.mark.parametrize("text", ["blah", "2026-13-45", "yesterday at teatime", ""])
def test_unreadable_times_give_one_line_with_examples(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_moment(text, LONDON, NOW)
    assert "e.g." in str(refused.value)
