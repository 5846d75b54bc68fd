"""Reading card histories for flow metrics from the projections."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from kanban_tui.domain.flow import CardHistory, is_waiting, settled_column
from kanban_tui.domain.models import ColumnRole, Squad
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock, on_both_backends

pytestmark = on_both_backends


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
    today = clock.now.astimezone(ZoneInfo(squad.timezone)).date()
    assert store.finished_cycle_days(squad, today, today, clock.now) == [(finished_again, 3.0)]


def test_a_done_to_released_run_finishes_when_it_entered_done(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    store.add_column(None, "Released", role=ColumnRole.DONE)
    key = store.add_card(None, "shipped").card.key
    store.move_card(key, "Doing")
    clock.advance(hours=2)
    store.move_card(key, "Done")
    done = clock.now
    clock.advance(days=1)
    store.move_card(key, "Released")
    today = clock.now.astimezone(ZoneInfo(squad.timezone)).date()
    yesterday = today - timedelta(days=1)
    assert store.finished_cycle_days(squad, yesterday, today, clock.now) == [(done, 1.0)]
    assert store.finishes_per_day(squad, today - timedelta(days=1), today) == (1, 0)


def test_settled_cards_are_sorted_out_in_sql_as_the_domain_defines_them(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    """Every kind of card on either side of the bound: SQL, `settled_column` and `is_waiting`
    agree."""
    finished = store.add_card(None, "finished long ago").card.key
    store.move_card(finished, "Doing")
    never_started = store.add_card(None, "waiting in the backlog").card.key
    in_flight = store.add_card(None, "started, never finished").card.key
    store.move_card(in_flight, "Doing")
    blocked_late = store.add_card(None, "finished, blocked later").card.key
    store.move_card(blocked_late, "Done")
    sent_back = store.add_card(None, "started, sent back to the backlog").card.key
    store.move_card(sent_back, "Doing")
    store.move_card(sent_back, "Backlog")
    archived = store.add_card(None, "finished and archived").card.key
    store.move_card(archived, "Done")
    store.archive_card(archived)
    store.add_card(None, "deleted")
    store.delete_card("GRW-7")
    clock.advance(hours=1)
    store.move_card(finished, "Done")
    clock.advance(days=10)
    store.block_card(blocked_late, "Who moved it?")
    clock.advance(days=10)
    reopened = store.add_card(None, "created late").card.key
    store.move_card(reopened, "Done")

    everything = store.flow_inputs()
    assert not everything.settled
    assert not everything.waiting
    for bound in [clock.now - timedelta(days=d) for d in (30, 20.5, 15, 5, 0)]:
        expected: Counter[str] = Counter()
        kept = []
        waiting_stays = []
        for history in everything.histories:
            column = settled_column(history, bound)
            if column is not None:
                expected[column] += 1
            elif is_waiting(history):
                waiting_stays += [(s.column_id, s.entered_at, s.exited_at) for s in history.stays]
            else:
                kept.append(history.key)
        split = store.flow_inputs(look_back_from=bound)
        assert sorted(h.key for h in split.histories) == sorted(kept)
        assert split.settled == dict(expected)
        assert sorted(split.waiting) == sorted(waiting_stays)
    columns = {c.name: c.id for c in store.board().columns}
    late = store.flow_inputs(look_back_from=clock.now - timedelta(days=5))
    assert late.settled == {columns["Done"]: 2, columns["Backlog"]: 1}
    assert sorted(h.key for h in late.histories) == sorted(
        [in_flight, blocked_late, sent_back, reopened]
    )
    assert never_started not in [h.key for h in late.histories]
    early = store.flow_inputs(look_back_from=clock.now - timedelta(days=30))
    assert not early.settled
    assert never_started not in [h.key for h in early.histories]
    assert [stay[0] for stay in early.waiting] == [columns["Backlog"]]
