"""Reading card histories for flow metrics from the projections."""

from __future__ import annotations

from kanban_tui.domain.flow import CardHistory
from kanban_tui.domain.models import ColumnRole, Squad
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock


def test_histories_hold_stays_in_order_with_current_roles_and_blocks(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    key = store.add_card(None, "flows", tags=["Onboarding"], assignees=["Ben"]).card.key
    clock.advance(hours=1)
    store.move_card(key, "Doing")
    store.block_card(key, "Waiting on legal")
    clock.advance(hours=3)
    store.unblock_card(key)
    store.move_card(key, "Done")
    store.add_card(None, "deleted")
    store.delete_card("GRW-2")

    inputs = store.flow_inputs()
    assert [h.key for h in inputs.histories] == [key]
    history = inputs.histories[0]
    assert [(s.role, s.exited_at is None) for s in history.stays] == [
        (ColumnRole.QUEUE, False),
        (ColumnRole.ACTIVE, False),
        (ColumnRole.DONE, True),
    ]
    assert history.stays[1].entered_at == history.stays[0].exited_at
    (block,) = history.blocks
    assert block.reason == "Waiting on legal"
    assert block.unblocked_at is not None
    assert (block.unblocked_at - block.blocked_at).total_seconds() == 3 * 3600.0
    assert history.assignees == ("Ben",)
    assert len(history.tag_ids) == 1
    assert inputs.column_order == [c.id for c in store.board().columns]
    assert inputs.wip_limits == {
        c.id: c.wip_limit for c in store.board().columns if c.wip_limit is not None
    }
    # Built without re-validation for speed, but valid all the same.
    assert CardHistory.model_validate(history.model_dump()) == history


def test_one_card_can_be_read_alone(store: Store, squad: Squad) -> None:
    store.add_card(None, "one")
    store.add_card(None, "two")
    assert [h.key for h in store.flow_inputs(card="GRW-2").histories] == ["GRW-2"]


def test_finish_times_follow_reopened_cards(store: Store, squad: Squad, clock: FakeClock) -> None:
    reopened = store.add_card(None, "reopened").card.key
    never_done = store.add_card(None, "sent back").card.key
    for key in (reopened, never_done):
        store.move_card(key, "Done")
    clock.advance(days=1)
    store.move_card(reopened, "Doing")
    store.move_card(never_done, "Doing")  # left done: in flight again
    clock.advance(days=1)
    store.move_card(reopened, "Done")
    finished_again = clock.now
    _, finishes = store.finish_times()
    assert finishes == [finished_again]
