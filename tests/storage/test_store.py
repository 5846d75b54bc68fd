"""The Store's behaviour beyond the CLI: WIP checks inside the transaction, ordering, history."""

from __future__ import annotations

import json
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest

from kanban_tui.domain.errors import InvalidInput, Refused, WipLimitReached
from kanban_tui.domain.events import EventKind
from kanban_tui.domain.models import Squad
from kanban_tui.domain.rules import WipOutcome
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock, on_both_backends
from tests.storage.helpers import dump_projections, execute, file_digest, log_length, query


def _fill(store: Store, column: str, count: int) -> list[str]:
    return [store.add_card(None, f"{column} {i}", column=column).card.key for i in range(count)]


@on_both_backends
def test_a_teammate_who_filled_the_column_first_wins(
    store: Store, squad: Squad, board_location: Path | str, clock: FakeClock
) -> None:
    mine = store.add_card(None, "mine").card.key
    with Store(board_location, actor="Ben", clock=clock) as teammate:
        _fill(teammate, "Doing", 3)  # Ben fills Doing after Ana read the board
    before = log_length(store)
    with pytest.raises(WipLimitReached, match="GRW-2, GRW-3, GRW-4"):
        store.move_card(mine, "Doing")
    assert store.card(mine).column_id == store.board().column_named("Backlog").id  # type: ignore[union-attr]
    assert log_length(store) == before


@on_both_backends
def test_override_is_recorded_right_after_the_move(store: Store, squad: Squad) -> None:
    _fill(store, "Doing", 3)
    key = store.add_card(None, "urgent").card.key
    change = store.move_card(key, "Doing", override_reason="  Launch-day pricing bug ")
    assert change.wip is WipOutcome.OVERRIDE
    kinds = [e.kind for e in change.events]
    assert kinds == [EventKind.CARD_MOVED, EventKind.WIP_OVERRIDDEN]
    assert change.events[1].payload == {
        "column_id": change.card.column_id,
        "limit": 3,
        "count": 4,
        "reason": "Launch-day pricing bug",
    }
    assert change.events[1].hlc > change.events[0].hlc


@on_both_backends
def test_archived_and_done_cards_never_count_toward_wip(store: Store, squad: Squad) -> None:
    keys = _fill(store, "Doing", 3)
    store.archive_card(keys[0])
    assert (
        store.move_card(store.add_card(None, "fits").card.key, "Doing").wip
        is WipOutcome.WITHIN_LIMIT
    )
    with pytest.raises(WipLimitReached):
        store.unarchive_card(keys[0])  # bringing it back would exceed the limit
    store.edit_column(None, "Done", new_name="Shipped")
    _fill(store, "Shipped", 20)
    assert store.move_card(keys[1], "Shipped").wip is WipOutcome.WITHIN_LIMIT


@on_both_backends
def test_warn_column_takes_the_card_and_records_a_breach(store: Store, squad: Squad) -> None:
    _fill(store, "Review", 2)
    change = store.add_card(None, "third", column="Review")
    assert change.wip is WipOutcome.BREACH
    assert [e.kind for e in change.events][-1] is EventKind.WIP_BREACHED


@on_both_backends
def test_positions_follow_top_before_and_after(store: Store, squad: Squad) -> None:
    a, b, c = _fill(store, "Ready", 3)
    d = store.add_card(None, "d", column="Ready", top=True).card.key
    store.move_card(a, before=c)
    store.move_card(c, "Ready", after=d)
    assert [k.key for k in store.cards(column="Ready")] == [d, c, b, a]
    with pytest.raises(InvalidInput, match="not another card in the target column"):
        store.move_card(b, "Doing", before=d)


@on_both_backends
def test_backdated_moves_shape_the_transitions(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    key = store.add_card(None, "forgot to move it").card.key
    created = clock.now
    clock.advance(days=2)
    yesterday = clock.now - timedelta(days=1)
    store.move_card(key, "Doing", at=yesterday)
    stays = store.transitions(key)
    assert [(t.entered_at, t.exited_at) for t in stays] == [(created, yesterday), (yesterday, None)]
    with pytest.raises(InvalidInput, match="before the card's last change"):
        store.move_card(key, "Review", at=yesterday - timedelta(hours=1))
    with pytest.raises(InvalidInput, match="in the future"):
        store.move_card(key, "Review", at=clock.now + timedelta(minutes=5))


@on_both_backends
def test_blocked_time_is_recorded_per_block(store: Store, squad: Squad, clock: FakeClock) -> None:
    key = store.add_card(None, "needs legal").card.key
    store.block_card(key, "Waiting on legal")
    with pytest.raises(Refused, match="already blocked"):
        store.block_card(key, "again")
    clock.advance(hours=5)
    store.unblock_card(key)
    blocks = query(store, "SELECT reason, blocked_at, unblocked_at, blocked_by FROM card_blocks")
    assert blocks == [
        ("Waiting on legal", "2026-11-02T09:00:00.000000Z", "2026-11-02T14:00:00.000000Z", "Ana")
    ]


@on_both_backends
def test_every_event_has_who_when_and_a_sortable_unique_id(store: Store, squad: Squad) -> None:
    store.add_card(None, "one")
    events = store.events()
    assert len({e.id for e in events}) == len(events)
    assert [e.hlc for e in events] == sorted(e.hlc for e in events)
    assert all(e.actor == "Ana" and e.recorded_at == e.at for e in events)


@on_both_backends
def test_delete_hides_a_card_and_restore_brings_it_back(store: Store, squad: Squad) -> None:
    key = store.add_card(None, "oops").card.key
    store.delete_card(key)
    assert key not in [c.key for c in store.cards(include_archived=True)]
    store.restore_card(key)
    assert store.card(key).title == "oops"


@on_both_backends
def test_unknown_event_kinds_from_a_newer_squadboard_are_kept_but_not_folded(
    store: Store, squad: Squad
) -> None:
    execute(
        store,
        "INSERT INTO events (id, hlc, at, recorded_at, actor, squad_id, card_uid, kind, payload)"
        " VALUES ('zz', 1, '2026-11-02T09:00:00.000000Z', '2026-11-02T09:00:00.000000Z', 'x',"
        " ?, NULL, 'retro.created', '{}')",
        [squad.id],
    )
    before = dump_projections(store)
    store.rebuild_projections()
    assert dump_projections(store) == before


def test_a_card_number_taken_in_two_diverged_copies_is_renumbered_the_same_way(
    store: Store, squad: Squad, tmp_path: Path, clock: FakeClock
) -> None:
    """Two copies each add GRW-1; folding the union gives both cards, in either direction."""
    copy_path = tmp_path / "copy.db"
    store.close()
    shutil.copy(store.path, copy_path)
    with Store(store.path, actor="Ana", clock=clock) as mine:
        mine.add_card(None, "Ana's card")
    clock.advance(minutes=1)
    with Store(copy_path, actor="Ben", clock=clock) as theirs:
        theirs.add_card(None, "Ben's card")

    def merged(into: Path, other: Path) -> dict[str, str]:
        target = tmp_path / f"merge-{into.stem}.db"
        shutil.copy(into, target)
        with (
            Store(other, actor="x", clock=clock) as source,
            Store(target, actor="x", clock=clock) as sink,
        ):
            sink.append_history(source.events())
            return {c.key: c.title for c in sink.cards()}

    one_way = merged(store.path, copy_path)
    other_way = merged(copy_path, store.path)
    assert one_way == other_way == {"GRW-1": "Ana's card", "GRW-2": "Ben's card"}


@on_both_backends
def test_data_version_moves_when_a_teammate_commits(
    store: Store, squad: Squad, board_location: Path | str, clock: FakeClock
) -> None:
    seen = store.data_version()
    with Store(board_location, actor="Ben", clock=clock) as teammate:
        teammate.add_card(None, "hello")
    # A server's notification travels on its own: it arrives a moment after the commit.
    deadline = time.monotonic() + 1
    while store.data_version() == seen and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.data_version() != seen


@on_both_backends
def test_payloads_are_compact_json(store: Store, squad: Squad) -> None:
    store.add_card(None, "plain")
    [(payload,)] = query(store, "SELECT payload FROM events WHERE kind = 'card.created'")
    assert json.loads(payload)["title"] == "plain"
    assert " " not in payload.replace("plain", "")


def test_a_read_only_board_can_be_read_but_never_written(
    store: Store, squad: Squad, db_path: Path, clock: FakeClock
) -> None:
    key = store.add_card(None, "visible").card.key
    store.close()
    digest = file_digest(db_path)
    with Store(db_path, actor="Ben", clock=clock, read_only=True) as viewer:
        assert viewer.card(key).title == "visible"
        assert viewer.snapshot().board.squad.name == "Growth squad"
        for write in (
            lambda: viewer.move_card(key, "Doing"),
            lambda: viewer.add_squad("Another"),
            viewer.rebuild_projections,
            lambda: viewer.append_history([]),
        ):
            with pytest.raises(Refused, match="read-only"):
                write()
    assert file_digest(db_path) == digest
