"""The percentile rank of the flow metrics, in a module of its own: the board's SLE needs it
before its first frame, and the whole flow module costs ~20 ms to import."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], percent: int) -> float:
    """The `percent`th percentile with ActionableAgile's rank: floor(percent / 100 * n), 1-based.

    Ranks below 1 (tiny samples) use the smallest value.

    Raises:
        ValueError: for an empty sample or a percent outside 0..100.
    """
    if not values:
        raise ValueError("no values to take a percentile of")
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be within 0..100, not {percent}")
    # Integer arithmetic: 0.7 * 30 is 20.999... in floating point, which would drop a rank.
    rank = max(1, percent * len(values) // 100)
    return sorted(values)[rank - 1]
