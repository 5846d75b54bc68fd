"""A move is drawn at once and written after: the screen and the file agree in the end.

`H`/`L` move the card on screen before the store writes it; a refusal puts it back and says
why. The default board: Doing has a limit of 3 (block), Review a limit of 2 (warn).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from kanban_tui.app.screens.dialogs import ReasonModal
from kanban_tui.domain.errors import Refused
from kanban_tui.domain.events import EventKind
from kanban_tui.storage.store import CardChange, Store
from tests.app.conftest import MakeApp
from tests.app.helpers import (
    SIZE,
    column_name_of,
    focus_at,
    header,
    keys_in,
    notifications,
    reader,
    settle,
    top,
)
from tests.conftest import FakeClock


def hold_moves(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """From now on the store writes a move only once the returned event is set."""
    release = threading.Event()
    write = Store.move_card

    def held_write(self: Store, *args: Any, **kwargs: Any) -> CardChange:
        assert release.wait(10), "the test never let the write go"
        return write(self, *args, **kwargs)

    monkeypatch.setattr(Store, "move_card", held_write)
    return release


async def test_the_card_moves_on_screen_before_the_store_has_written_it(
    seeded: Store,
    make_app: MakeApp,
    db_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        release = hold_moves(monkeypatch)
        await pilot.press("l", "L")  # GRW-3 from Ready to Doing
        await pilot.pause()
        assert keys_in(pilot, "Ready") == ["GRW-4"]
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        assert header(pilot, "Doing") == "Doing 2/3 ◇pull"
        assert focus_at(pilot) == ("Doing", "GRW-3")
        with reader(db_path, clock) as check:  # drawn, not yet written
            assert column_name_of(check, "GRW-3") == "Ready"
        release.set()
        await settle(pilot)
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        assert focus_at(pilot) == ("Doing", "GRW-3")
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Doing"
        assert check.events(card="GRW-3")[-1].kind is EventKind.CARD_MOVED


async def test_a_refused_move_puts_the_card_back_and_says_why(
    seeded: Store,
    make_app: MakeApp,
    db_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with reader(db_path, clock) as check:
        before = len(check.events())

    def refuse(self: Store, *args: Any, **kwargs: Any) -> CardChange:
        raise Refused("the board file says no")

    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Store, "move_card", refuse)
        await pilot.press("l", "L")
        await settle(pilot)
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]
        assert keys_in(pilot, "Doing") == ["GRW-5"]
        assert header(pilot, "Doing") == "Doing 1/3 ◇pull"
        assert focus_at(pilot) == ("Ready", "GRW-3")
        assert any("the board file says no" in n for n in notifications(pilot))
    with reader(db_path, clock) as check:
        assert len(check.events()) == before
        assert column_name_of(check, "GRW-3") == "Ready"


async def test_a_teammate_who_filled_the_column_first_wins_and_the_card_goes_back(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:  # live refresh off: the board is stale
        await settle(pilot)
        with reader(db_path, clock, actor="Ben") as teammate:
            teammate.add_card(None, "Ben's second", column="Doing")
            teammate.add_card(None, "Ben's third", column="Doing")  # Doing is full now
            before = len(teammate.events())
        await pilot.press("l", "L")  # the board still counts 1 of 3 in Doing
        await settle(pilot)
        dialog = top(pilot)
        assert isinstance(dialog, ReasonModal)
        assert dialog.title_text == "Doing is at its WIP limit"
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]
        assert "GRW-3" not in keys_in(pilot, "Doing")
        await pilot.click("#cancel")
        await settle(pilot)
        assert focus_at(pilot) == ("Ready", "GRW-3")
    with reader(db_path, clock) as check:
        assert len(check.events()) == before
        assert column_name_of(check, "GRW-3") == "Ready"


async def test_moves_pressed_quickly_reach_the_file_in_the_order_they_were_pressed(
    seeded: Store,
    make_app: MakeApp,
    db_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        release = hold_moves(monkeypatch)
        await pilot.press("l", "L", "L")  # GRW-3: Ready -> Doing -> Review
        await pilot.pause()
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]  # the second waits for the first
        release.set()
        await settle(pilot)
        assert keys_in(pilot, "Doing") == ["GRW-5"]
        assert keys_in(pilot, "Review") == ["GRW-3"]
        assert focus_at(pilot) == ("Review", "GRW-3")
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Review"
        moves = [e for e in check.events(card="GRW-3") if e.kind is EventKind.CARD_MOVED]
        names = {c.id: c.name for c in check.board(None, with_cards=False).columns}
        assert [names[e.payload["column_id"]] for e in moves] == ["Doing", "Review"]


async def test_the_cursor_stays_where_the_user_took_it_while_the_move_was_written(
    seeded: Store, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        release = hold_moves(monkeypatch)
        await pilot.press("l", "L", "h")  # GRW-3 to Doing, then back to Ready at once
        await pilot.pause()
        assert focus_at(pilot) == ("Ready", "GRW-4")
        release.set()
        await settle(pilot)
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        assert focus_at(pilot) == ("Ready", "GRW-4")


async def test_quitting_right_after_moves_waits_until_they_are_in_the_file(
    seeded: Store,
    make_app: MakeApp,
    db_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        release = hold_moves(monkeypatch)
        await pilot.press("l", "L", "L", "q")  # GRW-3 to Doing, then Review, then quit
        await pilot.pause(0.2)
        assert app.is_running, "quit before the moves were written"
        release.set()
        for _ in range(100):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Review"
