"""The board's view rules: SLE-coloured ages, WIP markers, done-column ordering, local moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kanban_tui.app.view_model import BoardState, WipState, card_face, wip_state
from kanban_tui.domain.errors import WipLimitReached
from kanban_tui.domain.models import Card, CardTimes, Column, ColumnRole, WipPolicy
from kanban_tui.storage.store import Store

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


def test_a_local_move_puts_the_card_last_and_taking_it_back_restores_everything(
    seeded: Store,
) -> None:
    snapshot = seeded.snapshot(None, include_archived=True)
    state = BoardState(snapshot.board, snapshot.times)
    names = {c.name: c for c in state.columns}
    card = next(c for c in state.cards.values() if c.key == "GRW-3")
    cards, by_column, times = dict(state.cards), dict(state.by_column), dict(state.times)

    move, touched = state.move_locally(card.uid, names["Doing"], NOW)
    assert touched == {names["Ready"].id, names["Doing"].id}
    assert [c.key for c in state.by_column[names["Doing"].id]] == ["GRW-5", "GRW-3"]
    assert state.times[card.uid].column_entered_at == NOW
    assert state.times[card.uid].started_at is not None  # Doing is where work starts

    assert state.take_back(move) == touched
    assert state.cards == cards
    assert state.by_column == by_column
    assert state.times == times


def test_a_local_move_is_judged_against_the_wip_limit_as_the_store_judges_it(
    seeded: Store,
) -> None:
    seeded.add_card(None, "Second in Doing", column="Doing")
    seeded.add_card(None, "Third in Doing", column="Doing")
    snapshot = seeded.snapshot(None, include_archived=True)
    state = BoardState(snapshot.board, snapshot.times)
    names = {c.name: c for c in state.columns}
    card = next(c for c in state.cards.values() if c.key == "GRW-3")

    refusal = state.wip_refusal(card, names["Doing"])
    assert refusal is not None
    assert refusal.occupants == ["GRW-5", "GRW-6", "GRW-7"]
    with pytest.raises(WipLimitReached) as raised:
        seeded.move_card("GRW-3", "Doing")
    assert str(raised.value) == str(refusal)
    assert state.wip_refusal(card, names["Review"]) is None  # warn: the move goes ahead
