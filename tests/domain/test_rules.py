"""Table-driven tests for the board's rules: column order, WIP settings and WIP decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kanban_tui.domain.errors import InvalidInput, Refused, WipLimitReached
from kanban_tui.domain.models import Column, ColumnRole, WipPolicy
from kanban_tui.domain.rules import (
    DEFAULT_COLUMNS,
    WipOutcome,
    check_column_order,
    check_effective_time,
    check_timezone,
    check_wip_settings,
    decide_wip,
)

Q, A, QIP, D = (
    ColumnRole.QUEUE,
    ColumnRole.ACTIVE,
    ColumnRole.QUEUE_IN_PROGRESS,
    ColumnRole.DONE,
)


def column(
    role: ColumnRole = A, limit: int | None = 3, policy: WipPolicy = WipPolicy.BLOCK
) -> Column:
    return Column(
        id="c1",
        squad_id="s",
        name="Doing",
        role=role,
        wip_limit=limit,
        wip_policy=policy,
        position="a0",
    )


def test_default_board_is_the_documented_workflow() -> None:
    assert [(c.name, c.role, c.wip_limit, c.wip_policy) for c in DEFAULT_COLUMNS] == [
        ("Backlog", Q, None, WipPolicy.OFF),
        ("Ready", Q, None, WipPolicy.OFF),
        ("Doing", A, 3, WipPolicy.BLOCK),
        ("Review", QIP, 2, WipPolicy.WARN),
        ("Done", D, None, WipPolicy.OFF),
    ]
    check_column_order([(c.name, c.role) for c in DEFAULT_COLUMNS])


@pytest.mark.parametrize(
    "roles",
    [
        [Q, Q, A, QIP, D],
        [A, D],
        [Q, A, A, QIP, A, D, D],
        [Q, Q],
        [],
        [A],
    ],
)
def test_column_orders_that_follow_the_workflow_are_accepted(roles: list[ColumnRole]) -> None:
    check_column_order([(f"c{i}", role) for i, role in enumerate(roles)])


@pytest.mark.parametrize(
    ("roles", "culprit"),
    [
        ([Q, A, Q, D], "c2"),  # a queue after the start point
        ([Q, A, D, A], "c3"),  # started work after done
        ([Q, D, Q], "c2"),
        ([Q, QIP, A, D], "c1"),  # the first started column must be active
        ([D, A], "c1"),
    ],
)
def test_column_orders_out_of_workflow_are_refused_naming_the_column(
    roles: list[ColumnRole], culprit: str
) -> None:
    with pytest.raises(Refused, match=f"'{culprit}'"):
        check_column_order([(f"c{i}", role) for i, role in enumerate(roles)])


@pytest.mark.parametrize(
    ("role", "limit", "policy", "error"),
    [
        (A, 3, WipPolicy.BLOCK, None),
        (A, None, WipPolicy.OFF, None),
        (QIP, 1, WipPolicy.WARN, None),
        (Q, 10, WipPolicy.OFF, None),
        (A, 0, WipPolicy.BLOCK, InvalidInput),
        (A, -2, WipPolicy.WARN, InvalidInput),
        (A, None, WipPolicy.BLOCK, InvalidInput),
        (A, None, WipPolicy.WARN, InvalidInput),
        (D, 5, WipPolicy.OFF, Refused),
    ],
)
def test_wip_settings(
    role: ColumnRole, limit: int | None, policy: WipPolicy, error: type[Exception] | None
) -> None:
    if error is None:
        check_wip_settings("X", role, limit, policy)
    else:
        with pytest.raises(error):
            check_wip_settings("X", role, limit, policy)


@pytest.mark.parametrize(
    ("role", "limit", "policy", "occupants", "reason", "expected"),
    [
        # under the limit: always fine
        (A, 3, WipPolicy.BLOCK, 0, None, WipOutcome.WITHIN_LIMIT),
        (A, 3, WipPolicy.BLOCK, 2, None, WipOutcome.WITHIN_LIMIT),
        # the limit-th card fits exactly
        (A, 1, WipPolicy.BLOCK, 0, None, WipOutcome.WITHIN_LIMIT),
        # block: refused without a reason, recorded override with one
        (A, 3, WipPolicy.BLOCK, 3, None, WipLimitReached),
        (A, 3, WipPolicy.BLOCK, 3, "launch day", WipOutcome.OVERRIDE),
        (A, 3, WipPolicy.BLOCK, 7, "still", WipOutcome.OVERRIDE),
        (QIP, 2, WipPolicy.BLOCK, 2, None, WipLimitReached),
        # warn: always accepted, breach recorded
        (QIP, 2, WipPolicy.WARN, 2, None, WipOutcome.BREACH),
        (QIP, 2, WipPolicy.WARN, 5, "ignored", WipOutcome.BREACH),
        # off, no limit, queues with limits but policy off, done columns: never limited
        (A, 3, WipPolicy.OFF, 9, None, WipOutcome.WITHIN_LIMIT),
        (A, None, WipPolicy.OFF, 50, None, WipOutcome.WITHIN_LIMIT),
        (D, 1, WipPolicy.BLOCK, 9, None, WipOutcome.WITHIN_LIMIT),
        (Q, 2, WipPolicy.BLOCK, 2, None, WipLimitReached),
    ],
)
def test_wip_decisions(
    role: ColumnRole,
    limit: int | None,
    policy: WipPolicy,
    occupants: int,
    reason: str | None,
    expected: WipOutcome | type[Exception],
) -> None:
    target = column(role, limit, policy)
    cards = [f"GRW-{i}" for i in range(occupants)]
    if isinstance(expected, WipOutcome):
        assert decide_wip(target, cards, reason) is expected
    else:
        with pytest.raises(expected):
            decide_wip(target, cards, reason)


def test_a_refused_move_names_the_column_its_limit_and_its_cards() -> None:
    with pytest.raises(WipLimitReached) as refused:
        decide_wip(column(limit=2), ["GRW-1", "GRW-7"], None)
    message = str(refused.value)
    assert "'Doing'" in message
    assert "limit of 2" in message
    assert "GRW-1, GRW-7" in message
    assert "\n" not in message


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "not_before", "ok"),
    [
        (NOW, None, True),
        (NOW - timedelta(days=3), None, True),
        (NOW + timedelta(minutes=1), None, False),
        (NOW - timedelta(hours=1), NOW - timedelta(hours=2), True),
        (NOW - timedelta(hours=3), NOW - timedelta(hours=2), False),
        (NOW - timedelta(hours=2), NOW - timedelta(hours=2), True),
    ],
)
def test_backdated_times(at: datetime, not_before: datetime | None, ok: bool) -> None:
    if ok:
        check_effective_time(at, NOW, not_before)
    else:
        with pytest.raises(InvalidInput):
            check_effective_time(at, NOW, not_before)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Europe/London", True),
        ("UTC", True),
        ("America/Sao_Paulo", True),
        ("Mars/Olympus", False),
        ("", False),
        ("../etc/passwd", False),
    ],
)
def test_time_zones_are_iana_names(name: str, ok: bool) -> None:
    if ok:
        assert check_timezone(name) == name
    else:
        with pytest.raises(InvalidInput):
            check_timezone(name)
