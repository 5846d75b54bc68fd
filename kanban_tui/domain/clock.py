"""Time for the domain: an injected clock, hybrid logical clock stamps, time-sortable ids."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A callable returning the current time as an aware datetime; injected everywhere time is read."""

HLC_COUNTER_BITS = 16
"""A hybrid logical clock stamp is `milliseconds << 16 | counter`, one sortable 64-bit integer."""


def system_clock() -> datetime:
    """The real wall clock, in UTC."""
    return datetime.now(UTC)


def to_millis(moment: datetime) -> int:
    """Milliseconds since the Unix epoch for an aware datetime."""
    return int(moment.timestamp() * 1000)


def next_hlc(last: int, now: datetime) -> int:
    """Return the stamp for a new event after `last`, the newest stamp this replica has seen.

    It follows the wall clock when that is ahead, and otherwise counts up from `last`, so stamps
    keep increasing across clock skew and across merged histories.
    """
    return max(last + 1, to_millis(now) << HLC_COUNTER_BITS)


def hlc_time(stamp: int) -> datetime:
    """The physical (wall clock) part of a stamp, as an aware UTC datetime."""
    return datetime.fromtimestamp((stamp >> HLC_COUNTER_BITS) / 1000, UTC)


def uuid7(millis: int, random_bytes: bytes) -> str:
    """Build a UUIDv7 string (RFC 9562) from a millisecond timestamp and 10 random bytes."""
    if len(random_bytes) < 10:
        raise ValueError("uuid7 needs 10 random bytes")
    rand = int.from_bytes(random_bytes[:10], "big")
    rand_a = rand >> 68 & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
