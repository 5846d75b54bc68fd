"""Laws of the event fold, checked by Hypothesis over random sequences of user operations.

1. Rebuilding the projections from the events alone gives exactly the incremental state.
2. The state depends only on the set of events, not on the order they were stored in: a copy
   that receives the same events shuffled folds to the same board (what merging relies on).
"""

from __future__ import annotations

import contextlib
import random
import tempfile
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban_tui.domain.days import daily_counts
from kanban_tui.domain.errors import SquadboardError
from kanban_tui.domain.flow import (
    Conventions,
    finished_at,
    finished_cycle_times,
    look_back_start,
    started_at,
)
from kanban_tui.domain.models import ClassOfService, ColumnRole
from kanban_tui.storage.flow_data import FlowInputs
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock
from tests.storage.helpers import dump_projections

COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")
Operation = Callable[[Store, list[str]], object]


def _card(keys: list[str], index: int) -> str:
    return keys[index % len(keys)] if keys else "GRW-404"


def _add(column: int, top: bool, tagged: bool) -> Operation:
    def run(store: Store, keys: list[str]) -> object:
        change = store.add_card(
            None,
            f"card {len(keys)}",
            column=COLUMNS[column],
            top=top,
            tags=["Trial conversion"] if tagged else [],
            override_reason="random override" if column == 2 else None,
        )
        keys.append(change.card.key)
        return change

    return run


operations = st.one_of(
    st.builds(_add, st.integers(0, 4), st.booleans(), st.booleans()),
    st.builds(
        lambda i, column, override, top: (
            lambda s, k: s.move_card(
                _card(k, i),
                COLUMNS[column],
                top=top,
                override_reason="because" if override else None,
            )
        ),
        st.integers(0, 50),
        st.integers(0, 4),
        st.booleans(),
        st.booleans(),
    ),
    st.builds(
        lambda i, j: lambda s, k: s.move_card(_card(k, i), before=_card(k, j)),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    st.builds(
        lambda i: lambda s, k: s.block_card(_card(k, i), "waiting on legal"), st.integers(0, 50)
    ),
    st.builds(lambda i: lambda s, k: s.unblock_card(_card(k, i)), st.integers(0, 50)),
    st.builds(
        lambda i, title: lambda s, k: s.edit_card(_card(k, i), title=title),
        st.integers(0, 50),
        st.sampled_from(["renamed", "again", "  spaced  "]),
    ),
    st.builds(
        lambda i, cls: lambda s, k: s.edit_card(_card(k, i), class_of_service=cls),
        st.integers(0, 50),
        st.sampled_from(list(ClassOfService)),
    ),
    st.builds(
        lambda i, who, off: lambda s, k: s.assign_card(_card(k, i), [who], remove=off),
        st.integers(0, 50),
        st.sampled_from(["Ana", "Ben"]),
        st.booleans(),
    ),
    st.builds(
        lambda i, off: lambda s, k: s.tag_card(_card(k, i), ["Onboarding"], remove=off),
        st.integers(0, 50),
        st.booleans(),
    ),
    st.builds(lambda i: lambda s, k: s.archive_card(_card(k, i)), st.integers(0, 50)),
    st.builds(lambda i: lambda s, k: s.unarchive_card(_card(k, i)), st.integers(0, 50)),
    st.builds(lambda i: lambda s, k: s.delete_card(_card(k, i)), st.integers(0, 50)),
    st.builds(lambda i: lambda s, k: s.restore_card(_card(k, i)), st.integers(0, 50)),
    st.builds(
        lambda limit: lambda s, k: s.edit_column(None, "Doing", wip_limit=limit),
        st.sampled_from([None, 1, 2, 5]),
    ),
    st.builds(
        lambda name: (
            lambda s, k: s.add_column(
                None,
                name,
                role=ColumnRole.ACTIVE,
                after="Doing",
            )
        ),
        st.sampled_from(["Design", "Build"]),
    ),
    st.just(lambda s, k: s.remove_column(None, "Design")),
    st.just(lambda s, k: s.move_column(None, "Review", before="Doing")),
)

flow_operations = st.one_of(
    st.builds(
        lambda i, column, override: (
            lambda s, k: s.move_card(
                _card(k, i), COLUMNS[column], override_reason="because" if override else None
            )
        ),
        st.integers(0, 7),
        st.integers(0, 4),
        st.booleans(),
    ),
    st.builds(
        lambda i, column, hours_ago: (
            lambda s, k: s.move_card(
                _card(k, i),
                COLUMNS[column],
                override_reason="late",
                at=s.now() - timedelta(hours=hours_ago),
            )
        ),
        st.integers(0, 7),
        st.integers(0, 4),
        st.integers(0, 72),
    ),
    st.builds(lambda i: lambda s, k: s.move_card(_card(k, i), "Released"), st.integers(0, 7)),
    st.builds(
        lambda role: lambda s, k: s.edit_column(None, "Review", role=role),
        st.sampled_from(list(ColumnRole)),
    ),
    st.builds(lambda i: lambda s, k: s.archive_card(_card(k, i)), st.integers(0, 7)),
    st.builds(lambda i: lambda s, k: s.delete_card(_card(k, i)), st.integers(0, 7)),
    st.builds(
        lambda i: lambda s, k: s.block_card(_card(k, i), "waiting on legal"), st.integers(0, 7)
    ),
    st.builds(lambda i: lambda s, k: s.unblock_card(_card(k, i)), st.integers(0, 7)),
)
"""Moves of a few cards, as flow metrics see them: rework, reopening, skips, late `--at` moves,
done-to-done moves (Done to Released) and role changes."""

FLOW_ZONES = ("Europe/Paris", "UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe")
"""Zones for counting days: DST either way, a 45-minute offset, a 30-minute DST shift."""

FOLD_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def play_history(path: Path, ops: list[Operation], gaps: list[int]) -> Store:
    clock = FakeClock()
    store = Store(path, actor="Ana", clock=clock)
    store.add_squad("Growth squad", prefix="GRW", members=["Ana", "Ben"], timezone="Europe/Paris")
    store.add_tag(None, "Trial conversion")
    store.add_tag(None, "Onboarding")
    keys: list[str] = []
    for op, gap in zip(ops, gaps, strict=False):
        clock.advance(minutes=gap)
        with contextlib.suppress(SquadboardError):  # refusals are part of the game
            op(store, keys)
    return store


@FOLD_SETTINGS
@given(
    st.lists(operations, min_size=1, max_size=40),
    st.lists(st.integers(0, 600), min_size=40, max_size=40),
)
def test_rebuild_from_events_equals_incremental_state(
    ops: list[Operation], gaps: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = play_history(Path(folder) / "board.db", ops, gaps)
        incremental = dump_projections(store)
        store.rebuild_projections()
        assert dump_projections(store) == incremental
        assert store.integrity_check() == ["ok"]
        store.close()


@FOLD_SETTINGS
@given(
    st.lists(operations, min_size=1, max_size=30),
    st.lists(st.integers(0, 600), min_size=30, max_size=30),
    st.randoms(use_true_random=False),
)
def test_the_state_depends_on_the_set_of_events_not_their_storage_order(
    ops: list[Operation], gaps: list[int], shuffler: random.Random
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        original = play_history(Path(folder) / "board.db", ops, gaps)
        events = original.events()
        shuffler.shuffle(events)
        copy = Store(Path(folder) / "copy.db", actor="Ben", clock=FakeClock())
        copy.append_history(events)
        copy.append_history(events[: len(events) // 2])  # receiving events twice changes nothing
        assert dump_projections(copy) == dump_projections(original)
        original.close()
        copy.close()


def _play_flow(
    path: Path, first_columns: list[int], ops: list[Operation], gaps: list[int]
) -> Store:
    """A board with a second done column (Released), cards added to `first_columns`, then
    `flow_operations`."""
    setup: list[Operation] = [
        lambda s, k: s.add_column(None, "Released", role=ColumnRole.DONE),
        *(_add(column, top=False, tagged=False) for column in first_columns),
    ]
    return play_history(path, setup + ops, [0] * len(setup) + gaps)


@settings(FOLD_SETTINGS, max_examples=80)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=8),
    st.lists(flow_operations, min_size=1, max_size=40),
    st.lists(st.integers(0, 600), min_size=40, max_size=40),
    st.integers(0, 10),
    st.sampled_from(FLOW_ZONES),
    st.integers(0, 10),
)
def test_starts_and_finishes_in_sql_agree_with_the_domain_definition(
    first_columns: list[int],
    ops: list[Operation],
    gaps: list[int],
    since_days_ago: int,
    zone: str,
    window_days: int,
) -> None:
    """Cycle times of the cards finished in a period (the scatter), and finishes counted per
    local day (the forecast), in any zone, as the domain defines them from whole histories."""
    with tempfile.TemporaryDirectory() as folder:
        store = _play_flow(Path(folder) / "board.db", first_columns, ops, gaps)
        histories = store.flow_inputs().histories
        spans = [(started_at(h), f) for h in histories if (f := finished_at(h)) is not None]
        now = store.now()
        in_zone = store.squad().model_copy(update={"timezone": zone})
        today = now.astimezone(ZoneInfo(zone)).date()
        since = today - timedelta(days=since_days_ago)
        for until in (since, today, today + timedelta(days=1)):
            expected = finished_cycle_times(
                spans, since=since, until=until, now=now, conventions=Conventions(zone=zone)
            )
            in_sql = store.finished_cycle_days(in_zone, since, until, now)
            assert sorted(in_sql) == sorted(expected)
        first = today - timedelta(days=window_days)
        assert store.finishes_per_day(in_zone, first, today) == daily_counts(
            (finish for _, finish in spans), since=first, until=today, zone=ZoneInfo(zone)
        )
        store.close()


@settings(FOLD_SETTINGS, max_examples=80)
@given(
    st.lists(st.integers(0, 4), min_size=3, max_size=8),
    st.lists(flow_operations, min_size=1, max_size=40),
    st.lists(st.integers(0, 300), min_size=40, max_size=40),
    st.integers(0, 8),
)
def test_a_report_from_split_inputs_equals_one_from_every_history(
    first_columns: list[int], ops: list[Operation], gaps: list[int], since_days_ago: int
) -> None:
    """Settled cards as counts and waiting cards as stays, sorted out in SQL, change nothing."""
    with tempfile.TemporaryDirectory() as folder:
        store = _play_flow(Path(folder) / "board.db", first_columns, ops, gaps)
        now = store.now()
        conventions = Conventions(zone="Europe/Paris")
        today = now.astimezone(conventions.tz).date()
        since = today - timedelta(days=since_days_ago)
        whole = store.flow_inputs()
        split = store.flow_inputs(look_back_from=look_back_start(since, now, conventions))
        report = partial(
            FlowInputs.report, since=since, until=today, now=now, conventions=conventions
        )
        assert report(split) == report(whole)
        without_waiting = store.flow_inputs(
            look_back_from=look_back_start(since, now, conventions), waiting_stays=False
        )
        assert not without_waiting.waiting
        assert report(without_waiting, cumulative=False) == report(whole, cumulative=False)
        store.close()


@settings(FOLD_SETTINGS, max_examples=60)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=8),
    st.lists(flow_operations, min_size=1, max_size=40),
    st.lists(st.integers(0, 600), min_size=40, max_size=40),
    st.integers(0, 8),
    st.sampled_from(FLOW_ZONES),
    st.integers(0, 40),
)
def test_a_report_from_the_folds_summaries_equals_one_from_every_history(
    first_columns: list[int],
    ops: list[Operation],
    gaps: list[int],
    since_days_ago: int,
    zone: str,
    zone_changed_after: int,
) -> None:
    """`stats` reads finished cards as the fold's summaries (kept through moves, blocks, role
    and zone changes, deletes); its report is the one every card's history gives, in days and
    in hours."""

    def change_zone(store: Store, keys: list[str]) -> object:
        return store.edit_squad(None, timezone=zone)

    ops = [*ops[:zone_changed_after], change_zone, *ops[zone_changed_after:]]
    with tempfile.TemporaryDirectory() as folder:
        store = _play_flow(Path(folder) / "board.db", first_columns, ops, [*gaps, 0])
        now = store.now()
        whole = store.flow_inputs()
        for unit in ("days", "hours"):
            conventions = Conventions(zone=zone, unit=unit)
            today = now.astimezone(conventions.tz).date()
            since = today - timedelta(days=since_days_ago)
            summarised = store.summarised_flow_inputs(
                None, look_back_from=look_back_start(since, now, conventions), now=now, unit=unit
            )
            report = partial(
                FlowInputs.report,
                since=since,
                until=today,
                now=now,
                conventions=conventions,
                per_card=False,
                cumulative=False,
            )
            assert report(summarised) == report(whole)
        store.close()
