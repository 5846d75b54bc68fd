"""Hybrid logical clock stamps and UUIDv7 event ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kanban_tui.domain.clock import HLC_COUNTER_BITS, hlc_time, next_hlc, to_millis, uuid7

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_stamp_follows_the_wall_clock_when_it_is_ahead() -> None:
    stamp = next_hlc(0, NOW)
    assert stamp == to_millis(NOW) << HLC_COUNTER_BITS
    assert hlc_time(stamp) == NOW


def test_stamp_counts_up_when_the_clock_is_behind_what_was_seen() -> None:
    seen = next_hlc(0, NOW + timedelta(hours=1))  # an event from a teammate whose clock runs fast
    assert next_hlc(seen, NOW) == seen + 1


@given(st.lists(st.integers(min_value=-10_000, max_value=10_000), min_size=1, max_size=100))
def test_stamps_strictly_increase_whatever_the_clock_does(jumps_ms: list[int]) -> None:
    last = 0
    for jump in jumps_ms:
        stamp = next_hlc(last, NOW + timedelta(milliseconds=jump))
        assert stamp > last
        last = stamp


@given(st.integers(min_value=0, max_value=2**48 - 1), st.binary(min_size=10, max_size=10))
def test_uuid7_is_a_valid_version_7_uuid_carrying_its_time(millis: int, noise: bytes) -> None:
    parsed = uuid.UUID(uuid7(millis, noise))
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == millis


def test_uuid7_sorts_by_time() -> None:
    earlier = uuid7(1_000, b"\xff" * 10)
    later = uuid7(1_001, b"\x00" * 10)
    assert earlier < later
