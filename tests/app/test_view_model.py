"""The board's pure view rules: SLE-coloured ages, WIP markers and done-column ordering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kanban_tui.app.view_model import WipState, card_face, wip_state
from kanban_tui.domain.models import Card, CardTimes, Column, ColumnRole, WipPolicy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def _card() -> Card:
    return Card(
        uid="u",
        key="GRW-1",
        squad_id="s",
        column_id="c",
        position="a0",
        title="t",
        created_at=NOW - timedelta(days=30),
        updated_at=NOW,
    )


def _column(role: ColumnRole, limit: int | None = None) -> Column:
    return Column(
        id="c",
        squad_id="s",
        name="Doing",
        role=role,
        wip_limit=limit,
        wip_policy=WipPolicy.BLOCK if limit else WipPolicy.OFF,
        position="a0",
    )


@pytest.mark.parametrize(
    ("started_days_ago", "sle", "level"),
    [
        (0, 10.0, "ok"),  # 1 day of 10: 10%
        (3, 10.0, "ok"),  # 4 days: 40%
        (4, 10.0, "warn"),  # 5 days: 50%
        (7, 10.0, "warn"),  # 8 days: 80%
        (8, 10.0, "late"),  # 9 days: 90%
        (20, 10.0, "late"),
        (3, None, ""),  # no SLE yet: no colour
    ],
)
def test_in_flight_ages_are_coloured_by_sle_used(
    started_days_ago: int, sle: float | None, level: str
) -> None:
    times = CardTimes(started_at=NOW - timedelta(days=started_days_ago))
    face = card_face(_card(), _column(ColumnRole.ACTIVE), times, {}, NOW, UTC_ZONE, sle)
    assert face.age == f"{started_days_ago + 1}d"
    assert face.age_level == level


def test_unstarted_and_finished_cards_are_never_coloured() -> None:
    queued = card_face(_card(), _column(ColumnRole.QUEUE), CardTimes(), {}, NOW, UTC_ZONE, 2.0)
    assert (queued.age, queued.age_level) == ("31d", "")
    times = CardTimes(started_at=NOW - timedelta(days=9), column_entered_at=NOW - timedelta(days=2))
    done = card_face(_card(), _column(ColumnRole.DONE), times, {}, NOW, UTC_ZONE, 2.0)
    assert (done.age, done.age_level) == ("✓8d", "")


@pytest.mark.parametrize(
    ("role", "limit", "count", "state"),
    [
        (ColumnRole.ACTIVE, 3, 2, WipState.CAN_PULL),
        (ColumnRole.ACTIVE, 3, 3, WipState.AT_LIMIT),
        (ColumnRole.ACTIVE, 3, 4, WipState.OVER_LIMIT),
        (ColumnRole.QUEUE, 3, 1, WipState.UNLIMITED),
        (ColumnRole.ACTIVE, None, 9, WipState.UNLIMITED),
    ],
)
def test_wip_states(role: ColumnRole, limit: int | None, count: int, state: WipState) -> None:
    assert wip_state(_column(role, limit), count) is state
