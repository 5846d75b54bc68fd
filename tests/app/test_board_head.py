"""A big board's first frame comes from the head of each column (`Store.board_head`); it must
draw exactly what the whole board draws, until the whole board replaces it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kanban_tui.app import create_app
from kanban_tui.app.view_model import DONE_COLUMN_CAP, SLE_HISTORY_DAYS, BoardState, ColumnFace
from kanban_tui.domain.filters import parse_filter
from kanban_tui.storage.demo import build_demo_history
from kanban_tui.storage.store import Store
from tests.app.helpers import SIZE, board, column, screen_text, settle
from tests.conftest import FakeClock

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HEAD = DONE_COLUMN_CAP


def _faces(state: BoardState) -> list[ColumnFace]:
    return [state.face(c, NOW, parse_filter(""), False) for c in state.columns]


@pytest.mark.parametrize(("cards", "seed"), [(60, 1), (400, 7)])
def test_the_head_draws_what_the_whole_board_draws(tmp_path: Path, cards: int, seed: int) -> None:
    with Store(tmp_path / "b.db", actor="Ana", clock=FakeClock(NOW)) as store:
        store.append_history(
            build_demo_history(name="Growth", cards=cards, seed=seed, now=NOW, actor="Ana")
        )
        for card in (store.cards()[0], store.cards()[-1]):  # archived: not drawn, not counted
            store.archive_card(card.key)
        whole = store.snapshot(include_archived=True)
        head = store.board_head(None, HEAD, NOW - timedelta(days=SLE_HISTORY_DAYS))

    assert head.is_head
    assert not whole.is_head
    assert len(head.board.cards) < len(whole.board.cards)
    head_state = BoardState(
        head.board, head.times, counts=head.counts, recent_finishes=head.recent_finishes
    )
    whole_state = BoardState(whole.board, whole.times)
    assert head_state.sle_days(NOW) == whole_state.sle_days(NOW) is not None
    for from_head, from_whole in zip(_faces(head_state), _faces(whole_state), strict=True):
        assert (from_head.count, from_head.hidden, from_head.state) == (
            from_whole.count,
            from_whole.hidden,
            from_whole.state,
        )
        drawn = min(len(from_whole.cards), HEAD)
        assert list(from_head.cards[:drawn]) == list(from_whole.cards[:drawn])


def test_a_head_keeps_its_counts_as_cards_move(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db", actor="Ana", clock=FakeClock(NOW)) as store:
        store.append_history(
            build_demo_history(name="Growth", cards=400, seed=7, now=NOW, actor="Ana")
        )
        head = store.board_head(None, HEAD, NOW - timedelta(days=SLE_HISTORY_DAYS))
        state = BoardState(head.board, head.times, counts=head.counts)
        backlog, ready = state.columns[0], state.columns[1]
        card = state.by_column[backlog.id][0]
        before = state.face(backlog, NOW, parse_filter(""), False).count
        before_ready = state.face(ready, NOW, parse_filter(""), False).count
        moved = store.move_card(card.key, ready.name).card
        touched = state.patch([moved], store.cards_with_times(moved.squad_id, [moved.uid])[1], [])

    assert touched == {backlog.id, ready.id}
    assert state.face(backlog, NOW, parse_filter(""), False).count == before - 1
    assert state.face(ready, NOW, parse_filter(""), False).count == before_ready + 1


async def test_the_board_opens_from_the_head_then_shows_every_card(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    with Store(tmp_path / "b.db", actor="Ana", clock=clock) as store:
        store.append_history(
            build_demo_history(name="Growth", cards=400, seed=7, now=NOW, actor="Ana")
        )
    app = create_app(Store(tmp_path / "b.db", actor="Ana", clock=clock), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = board(pilot)
        assert screen.state is not None
        assert not screen.state.is_head
        backlog = column(pilot, "Backlog")
        assert len(backlog.cards.faces) == backlog.face.count > HEAD
        assert f"Backlog {backlog.face.count}" in screen_text(pilot.app)
