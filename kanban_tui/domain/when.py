"""Reading the dates and times users type (`--at`, `--since`, due dates) in a squad's time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kanban_tui.domain.errors import InvalidInput

_RELATIVE_DAY = re.compile(r"^(today|yesterday|tomorrow)\b\s*(.*)$", re.IGNORECASE)
_AGO = re.compile(r"^(\d+)\s*(d|days?|w|weeks?)\s+ago$", re.IGNORECASE)
_AHEAD = re.compile(r"^in\s+(\d+)\s*(d|days?|w|weeks?)$", re.IGNORECASE)
_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_EXAMPLES = "e.g. 2026-11-22 17:30, 'yesterday 17:00', '3 days ago' or 'in 2 weeks'"


def parse_moment(text: str, zone: ZoneInfo, now: datetime) -> datetime:
    """Read a point in time; times without a zone are in `zone`. Returns an aware datetime.

    Accepts anything python-dateutil reads, plus `now`, `today|yesterday|tomorrow [TIME]`,
    `N days|weeks ago` and `in N days|weeks`. A date alone means midnight at the start of that day.
    """
    value = text.strip()
    local_now = now.astimezone(zone)
    if value.lower() == "now":
        return now
    for pattern, sign in ((_AGO, -1), (_AHEAD, 1)):
        found = pattern.match(value)
        if found:
            days = int(found.group(1)) * (7 if found.group(2).lower().startswith("w") else 1)
            return now + sign * timedelta(days=days)
    relative = _RELATIVE_DAY.match(value)
    if relative:
        day = local_now.date() + timedelta(days=_OFFSETS[relative.group(1).lower()])
        clock = _parse(relative.group(2), text).time() if relative.group(2) else time()
        return datetime.combine(day, clock, zone)
    parsed = _parse(value, text, default=datetime.combine(local_now.date(), time()))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def parse_day(text: str, zone: ZoneInfo, now: datetime) -> date:
    """Read a calendar day (a due date), e.g. `2026-12-01`, `1 Dec`, `tomorrow`."""
    return parse_moment(text, zone, now).astimezone(zone).date()


def _parse(value: str, original: str, default: datetime | None = None) -> datetime:
    from dateutil import parser  # ~15 modules, needed only when a date is typed

    try:
        return parser.parse(value, default=default)
    except (ValueError, OverflowError):
        raise InvalidInput(f"could not read '{original}' as a date or time ({_EXAMPLES})") from None
