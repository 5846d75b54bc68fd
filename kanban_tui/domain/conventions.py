"""How flow durations are counted: the squad's zone, days or hours, and times kept in UTC.

On its own so that forecasts load it without the flow report's models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, field_validator

from kanban_tui.domain.days import DAY_CONVENTION, calendar_days
from kanban_tui.domain.models import Frozen
from kanban_tui.domain.rules import check_timezone

HOUR_CONVENTION = "durations are elapsed hours between timestamps (nights and weekends count)"
"""Printed instead of DAY_CONVENTION when a squad chooses hours."""


def to_utc(moment: datetime) -> datetime:
    """`moment` in UTC."""
    # Aware datetimes sharing one ZoneInfo subtract as wall-clock times, which is wrong across
    # a DST change; in UTC, subtraction and comparison are always elapsed time.
    return moment.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]
"""An aware datetime, stored in UTC whatever zone it was given in."""


def elapsed_hours(start: datetime, end: datetime) -> float:
    """Hours from `start` to `end` (negative when `end` is earlier)."""
    return (end - start).total_seconds() / 3600


class Conventions(Frozen):
    """How durations are counted and shown: the squad's time zone and the unit."""

    zone: str = "UTC"
    unit: Literal["days", "hours"] = "days"

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_timezone(value)

    @property
    def tz(self) -> ZoneInfo:
        """The squad's time zone, in which days are counted."""
        return ZoneInfo(self.zone)

    def describe(self) -> str:
        """The sentence to print beside every number computed under these conventions."""
        if self.unit == "days":
            return f"{DAY_CONVENTION}; time zone {self.zone}"
        return f"{HOUR_CONVENTION}; days are grouped in time zone {self.zone}"

    def duration(self, start: datetime, end: datetime) -> float:
        """The duration from `start` to `end` in this unit (days: inclusive, at least 1)."""
        if self.unit == "days":
            return float(calendar_days(start, end, self.tz))
        return max(0.0, elapsed_hours(start, end))
