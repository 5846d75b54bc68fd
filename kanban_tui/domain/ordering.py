"""Fractional ordering keys: a key between any two keys always exists, so concurrent moves merge.

A port of the well-known "fractional indexing" scheme (rocicorp/fractional-indexing): keys are an
integer part whose length is encoded by its first character, then a base-62 fraction. Appending at
either end grows keys logarithmically, and `key_between(a, b)` never needs to renumber siblings.
"""

from __future__ import annotations

from collections.abc import Sequence

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SMALLEST_INTEGER = "A" + DIGITS[0] * 26


def _midpoint(a: str, b: str | None) -> str:
    """Return a fraction strictly between fractions `a` and `b` (`None` means 1)."""
    if b is not None:
        shared = 0
        while (a[shared] if shared < len(a) else DIGITS[0]) == b[shared]:
            shared += 1
        if shared > 0:
            return b[:shared] + _midpoint(a[shared:], b[shared:])
    digit_a = DIGITS.index(a[0]) if a else 0
    digit_b = DIGITS.index(b[0]) if b is not None else len(DIGITS)
    if digit_b - digit_a > 1:
        return DIGITS[(digit_a + digit_b + 1) // 2]
    if b is not None and len(b) > 1:
        return b[:1]
    return DIGITS[digit_a] + _midpoint(a[1:], None)


def _integer_length(head: str) -> int:
    if "a" <= head <= "z":
        return ord(head) - ord("a") + 2
    if "A" <= head <= "Z":
        return ord("Z") - ord(head) + 2
    raise ValueError(f"invalid ordering key head: {head!r}")


def _integer_part(key: str) -> str:
    length = _integer_length(key[0])
    if length > len(key):
        raise ValueError(f"invalid ordering key: {key!r}")
    return key[:length]


def _validate(key: str) -> None:
    if key == _SMALLEST_INTEGER:
        raise ValueError(f"invalid ordering key: {key!r}")
    fraction = key[len(_integer_part(key)) :]
    if fraction.endswith(DIGITS[0]):
        raise ValueError(f"invalid ordering key: {key!r}")


def _increment_integer(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for i in reversed(range(len(digits))):
        value = DIGITS.index(digits[i]) + 1
        if value < len(DIGITS):
            digits[i] = DIGITS[value]
            return head + "".join(digits)
        digits[i] = DIGITS[0]
    if head == "Z":
        return "a" + DIGITS[0]
    if head == "z":
        return None
    new_head = chr(ord(head) + 1)
    if new_head > "a":
        digits.append(DIGITS[0])
    else:
        digits.pop()
    return new_head + "".join(digits)


def _decrement_integer(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for i in reversed(range(len(digits))):
        value = DIGITS.index(digits[i]) - 1
        if value >= 0:
            digits[i] = DIGITS[value]
            return head + "".join(digits)
        digits[i] = DIGITS[-1]
    if head == "a":
        return "Z" + DIGITS[-1]
    if head == "A":
        return None
    new_head = chr(ord(head) - 1)
    if new_head < "Z":
        digits.append(DIGITS[-1])
    else:
        digits.pop()
    return new_head + "".join(digits)


def key_between(before: str | None, after: str | None) -> str:
    """Return an ordering key strictly between `before` and `after` (`None` is an open end).

    Raises:
        ValueError: if a key is malformed or `before >= after`.
    """
    if before is not None:
        _validate(before)
    if after is not None:
        _validate(after)
    if before is not None and after is not None and before >= after:
        raise ValueError(f"{before!r} is not before {after!r}")
    if before is None:
        if after is None:
            return "a" + DIGITS[0]
        integer = _integer_part(after)
        fraction = after[len(integer) :]
        if integer == _SMALLEST_INTEGER:
            return integer + _midpoint("", fraction)
        if integer < after:
            return integer
        smaller = _decrement_integer(integer)
        if smaller is None:
            raise ValueError("cannot order before the smallest key")
        return smaller
    integer = _integer_part(before)
    fraction = before[len(integer) :]
    if after is None:
        larger = _increment_integer(integer)
        return integer + _midpoint(fraction, None) if larger is None else larger
    after_integer = _integer_part(after)
    if integer == after_integer:
        return integer + _midpoint(fraction, after[len(after_integer) :])
    larger = _increment_integer(integer)
    if larger is None:
        raise ValueError("cannot order after the largest key")
    if larger < after:
        return larger
    return integer + _midpoint(fraction, None)


def keys_after(last: str | None, count: int) -> list[str]:
    """Return `count` increasing keys that all sort after `last` (for bulk loads)."""
    keys: list[str] = []
    for _ in range(count):
        last = key_between(last, None)
        keys.append(last)
    return keys


def key_for_slot(neighbours: Sequence[str], index: int) -> str:
    """Return a key that sorts at `index` within the sorted `neighbours` (0 = first)."""
    before = neighbours[index - 1] if index > 0 else None
    after = neighbours[index] if index < len(neighbours) else None
    if before is not None and after is not None and before >= after:
        # Tied keys only arise from merged histories; sort just after the earlier one.
        after = next((key for key in neighbours[index:] if key > before), None)
    return key_between(before, after)
