"""The command palette (go to a card, move it) and switching squads (remembered per user)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.app.screens.dialogs import SquadPicker
from kanban_tui.domain.events import EventKind
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import (
    SIZE,
    Driver,
    board,
    column_name_of,
    focus_at,
    keys_in,
    palette_run,
    reader,
    settle,
)
from tests.conftest import FakeClock


async def test_the_palette_goes_to_a_card_and_moves_it(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    with reader(db_path, clock) as check:
        before = len(check.events())
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"done", "escape")  # Escape closes the palette and runs nothing
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert focus_at(pilot) == ("Backlog", "GRW-1")

        await palette_run(pilot, "GRW-4", "Go to GRW-4: Refresh LinkedIn ad set")
        assert isinstance(pilot.app.screen, BoardScreen)
        assert focus_at(pilot) == ("Ready", "GRW-4")
        with reader(db_path, clock) as check:
            assert column_name_of(check, "GRW-4") == "Ready"
            assert len(check.events()) == before  # going somewhere changes nothing

        await palette_run(pilot, "done", "Move GRW-4 to Done")
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Ready") == ["GRW-3"]
        assert keys_in(pilot, "Done") == ["GRW-4"]
        assert focus_at(pilot) == ("Done", "GRW-4")
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-4") == "Done"
        last = check.events(card="GRW-4")[-1]
        assert (last.kind, last.actor) == (EventKind.CARD_MOVED, "Ana")


def squad_header(pilot: Driver) -> str:
    return str(board(pilot).query_one("#squad-name", Static).render())


async def choose_squad(pilot: Driver, name: str) -> None:
    await pilot.press("s")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, SquadPicker)
    options = picker.query_one(OptionList)
    names = [options.get_option_at_index(i).id for i in range(options.option_count)]
    target = names.index(name)
    for _ in range(len(names) + 1):
        if options.highlighted == target:
            break
        await pilot.press("down" if (options.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BoardScreen)


async def test_s_switches_squad_and_the_choice_is_remembered(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock, ui_file: Path
) -> None:
    seeded.add_squad(
        "Brand squad",
        mission="Make the right people hear of us.",
        timezone="Europe/London",
        prefix="BRD",
        members=["Dev"],
    )
    seeded.add_card("Brand squad", "Film the customer story", column="Ready")
    with reader(db_path, clock) as check:
        before = len(check.events())

    async with make_app(squad="Growth squad").run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert squad_header(pilot).startswith("Growth squad")
        await choose_squad(pilot, "Brand squad")
        assert squad_header(pilot).startswith("Brand squad")
        assert keys_in(pilot, "Ready") == ["BRD-1"]
        assert keys_in(pilot, "Backlog") == []
        assert focus_at(pilot) == ("Ready", "BRD-1")
        assert board(pilot).squad_name == "Brand squad"
    remembered = json.loads(ui_file.read_text(encoding="utf-8"))
    assert remembered["last_squad"] == {str(db_path.resolve()): "Brand squad"}

    async with make_app().run_test(size=SIZE) as pilot:  # no squad given: the remembered one
        await settle(pilot)
        assert squad_header(pilot).startswith("Brand squad")
        assert keys_in(pilot, "Ready") == ["BRD-1"]
        await choose_squad(pilot, "Growth squad")
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]
    assert json.loads(ui_file.read_text(encoding="utf-8"))["last_squad"] == {
        str(db_path.resolve()): "Growth squad"
    }
    with reader(db_path, clock) as check:
        assert len(check.events()) == before  # looking is not changing


async def test_with_two_squads_and_none_remembered_the_board_asks_for_one(
    seeded: Store, make_app: MakeApp, ui_file: Path
) -> None:
    seeded.add_squad("Brand squad", mission="", timezone="Europe/London", prefix="BRD")
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "2 squads" in squad_header(pilot)
        assert pilot.app.is_running
        await choose_squad(pilot, "Growth squad")
        assert squad_header(pilot).startswith("Growth squad")
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]
    assert "Growth squad" in ui_file.read_text(encoding="utf-8")
