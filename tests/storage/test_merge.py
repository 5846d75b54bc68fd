"""Merging diverged copies: concurrent edits, renumbering, limits, and hostile other files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kanban_tui.domain.errors import Refused
from kanban_tui.storage.connection import BoardFileError
from kanban_tui.storage.merge import OverLimit
from kanban_tui.storage.schema import SCHEMA_VERSION
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock
from tests.storage.helpers import dump_projections, file_digest, settle, tamper
from tests.storage.test_schema import write_old_board


@pytest.fixture
def copies(tmp_path: Path, clock: FakeClock) -> tuple[Store, Store]:
    """Ana's board and Ben's copy of it, taken when both held GRW-1 and GRW-2 in Backlog."""
    ana_path, ben_path = tmp_path / "ana.db", tmp_path / "ben.db"
    with Store(ana_path, actor="Ana", clock=clock) as ana:
        ana.add_squad("Growth squad", prefix="GRW", members=["Ana", "Ben"])
        ana.add_card(None, "first")
        ana.add_card(None, "second")
    settle(ana_path)
    shutil.copy(ana_path, ben_path)
    ben_clock = FakeClock(clock.now)
    return Store(ana_path, actor="Ana", clock=clock), Store(ben_path, actor="Ben", clock=ben_clock)


def test_concurrent_edits_of_one_field_keep_the_later_and_mark_the_card(
    copies: tuple[Store, Store], clock: FakeClock
) -> None:
    ana, ben = copies
    clock.advance(minutes=5)
    ana.edit_card("GRW-1", title="Ana's title")
    ben.edit_card("GRW-1", title="Ben's title")  # Ben's clock is 5 minutes behind: he loses
    ben.edit_card("GRW-2", description="only Ben touched this")

    report = ana.merge(ben.path)

    assert report.added == 2
    card = ana.card("GRW-1")
    assert card.title == "Ana's title"
    assert card.edited_concurrently
    assert [(e.field, e.card) for e in report.new_concurrent_edits] == [("title", "GRW-1")]
    titles = [e.payload.get("title") for e in ana.events(card="GRW-1")]
    assert "Ben's title" in titles, "the losing value stays in the history"
    assert not ana.card("GRW-2").edited_concurrently
    assert ana.card("GRW-2").description == "only Ben touched this"


def test_an_edit_made_after_seeing_the_other_is_not_concurrent(
    copies: tuple[Store, Store], clock: FakeClock
) -> None:
    ana, ben = copies
    ana.edit_card("GRW-1", title="Ana's title")
    ben.merge(ana.path)
    ben.edit_card("GRW-1", title="Ben read Ana's title and changed it")

    report = ana.merge(ben.path)

    assert report.new_concurrent_edits == []
    assert ana.card("GRW-1").title == "Ben read Ana's title and changed it"
    assert not ana.card("GRW-1").edited_concurrently


def test_concurrent_moves_are_concurrent_edits_of_the_column(
    copies: tuple[Store, Store], clock: FakeClock
) -> None:
    ana, ben = copies
    ana.move_card("GRW-1", "Ready")
    clock.advance(minutes=1)
    ben.move_card("GRW-1", "Doing")
    ben.merge(ana.path)
    ana.merge(ben.path)

    for board in (ana, ben):
        assert board.card("GRW-1").edited_concurrently
    assert dump_projections(ana) == dump_projections(ben)


def test_the_same_card_number_taken_twice_is_renumbered_the_same_way_on_both(
    copies: tuple[Store, Store], clock: FakeClock
) -> None:
    ana, ben = copies
    ana.add_card(None, "Ana's third")
    clock.advance(seconds=1)
    ben.add_card(None, "Ben's third")

    ana.merge(ben.path)
    ben.merge(ana.path)

    titles = {c.key: c.title for c in ana.cards()}
    assert titles == {c.key: c.title for c in ben.cards()}
    assert sorted(titles) == ["GRW-1", "GRW-2", "GRW-3", "GRW-4"]


def test_a_merge_that_overfills_a_block_column_shows_it_and_changes_nothing_else(
    copies: tuple[Store, Store],
) -> None:
    ana, ben = copies
    ana.move_card("GRW-1", "Doing")
    ana.move_card("GRW-2", "Doing")
    for title in ("Ben's third", "Ben's fourth"):
        ben.add_card(None, title, column="Doing")  # Doing holds 2 of its 3 in each copy

    report = ana.merge(ben.path)

    assert report.over_limit == [OverLimit("Growth squad", "Doing", 4, 3)]
    assert len(ana.cards(column="Doing")) == 4
    assert ana.events(kinds=["wip.overridden"]) == []


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_copy_written_by_an_earlier_schema_merges_in(
    version: int, tmp_path: Path, clock: FakeClock
) -> None:
    old = tmp_path / f"schema-{version}.db"
    write_old_board(old, version)
    digest = file_digest(old)

    with Store(tmp_path / "new.db", actor="Ana", clock=clock) as board:
        report = board.merge(old)
        assert report.added == report.received > 100
        assert len(board.cards(include_archived=True)) == 30
        assert board.integrity_check() == ["ok"]
    assert file_digest(old) == digest, "the other copy is only read, never upgraded"


def test_merging_twice_or_with_itself_changes_nothing(copies: tuple[Store, Store]) -> None:
    ana, ben = copies
    ben.add_card(None, "from Ben")
    ana.merge(ben.path)
    state = dump_projections(ana)

    assert ana.merge(ben.path).added == 0
    assert dump_projections(ana) == state
    with pytest.raises(Refused, match="itself"):
        ana.merge(ana.path)


HOSTILE = {
    "a text file": lambda p: p.write_text("not a board\n" * 30),
    "a trigger": lambda p: tamper(p, "CREATE TRIGGER t AFTER INSERT ON cards BEGIN SELECT 1; END"),
    "a bad event": lambda p: tamper(p, "UPDATE events SET payload = '{\"title\": 5}'"),
    "a huge event": lambda p: tamper(
        p, "UPDATE events SET payload = json_object('x', zeroblob(300000) || '')"
    ),
    "a naive time": lambda p: tamper(p, "UPDATE events SET at = '2026-01-01T09:00:00'"),
}


@pytest.mark.parametrize("spoil", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_other_file_is_refused_and_neither_file_changes(
    spoil: object, copies: tuple[Store, Store]
) -> None:
    ana, ben = copies
    ben.close()
    assert callable(spoil)
    spoil(ben.path)
    settle(ana.path)
    ours, theirs = file_digest(ana.path), file_digest(ben.path)
    before = dump_projections(ana)

    with pytest.raises(BoardFileError):
        ana.merge(ben.path)

    assert file_digest(ben.path) == theirs
    assert dump_projections(ana) == before
    ana.close()
    assert file_digest(ana.path) == ours
