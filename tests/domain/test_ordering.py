"""Laws of fractional ordering keys: a key strictly between any two keys always exists."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanban_tui.domain.ordering import key_between, key_for_slot, keys_after


def test_first_key_and_neighbours() -> None:
    first = key_between(None, None)
    assert key_between(None, first) < first < key_between(first, None)


def test_appending_many_keys_stays_short_and_sorted() -> None:
    keys = keys_after(None, 10_000)
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert max(len(k) for k in keys) <= 4


def test_prepending_many_keys_stays_sorted() -> None:
    keys = [key_between(None, None)]
    for _ in range(2_000):
        keys.insert(0, key_between(None, keys[0]))
    assert keys == sorted(keys)
    assert max(len(k) for k in keys) <= 4


def test_bad_order_is_rejected() -> None:
    first = key_between(None, None)
    with pytest.raises(ValueError, match="not before"):
        key_between(first, first)


# Each step inserts a key at a random slot; the list must stay strictly sorted.
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=200))
def test_inserting_anywhere_keeps_keys_strictly_ordered(slots: list[int]) -> None:
    keys: list[str] = []
    for slot in slots:
        index = slot % (len(keys) + 1)
        keys.insert(index, key_for_slot(keys, index))
        assert all(a < b for a, b in itertools.pairwise(keys))


@given(st.integers(min_value=0, max_value=40))
def test_repeated_insertion_between_the_same_pair(depth: int) -> None:
    low, high = key_between(None, None), None
    high = key_between(low, None)
    for _ in range(depth):
        middle = key_between(low, high)
        assert low < middle < high
        high = middle


def test_tied_neighbours_from_merged_histories_still_get_a_slot() -> None:
    tied = key_between(None, None)
    later = key_between(tied, None)
    key = key_for_slot([tied, tied, later], 1)
    assert tied < key < later
