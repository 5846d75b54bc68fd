"""WIP limits through the board: a full `block` column asks for a reason, a `warn` column warns.

The default board: Doing has a limit of 3 (block), Review a limit of 2 (warn).
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.app.screens.dialogs import ReasonModal
from kanban_tui.domain.events import EventKind
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import (
    SIZE,
    column_name_of,
    focus_at,
    header,
    keys_in,
    notifications,
    paste,
    reader,
    settle,
    top,
)
from tests.conftest import FakeClock


def dialog_text(dialog: ReasonModal) -> str:
    return " ".join(str(s.render()) for s in dialog.query(Static))


async def test_a_full_block_column_asks_for_a_reason(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    seeded.add_card(None, "Second in Doing", column="Doing")  # GRW-6
    seeded.add_card(None, "Third in Doing", column="Doing")  # GRW-7: Doing is full
    with reader(db_path, clock) as check:
        before = len(check.events())
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert header(pilot, "Doing") == "Doing 3/3 ■full"
        await pilot.press("l", "L")  # GRW-3 from Ready
        await settle(pilot)
        dialog = top(pilot)
        assert isinstance(dialog, ReasonModal)
        assert dialog.title_text == "Doing is at its WIP limit"
        assert "Doing holds 3 of its 3 (GRW-5, GRW-6, GRW-7)" in dialog_text(dialog)
        with reader(db_path, clock) as check:  # nothing is written while the dialog is open
            assert len(check.events()) == before

        await pilot.click("#cancel")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-6", "GRW-7"]
        assert focus_at(pilot) == ("Ready", "GRW-3")
        with reader(db_path, clock) as check:
            assert len(check.events()) == before
            assert column_name_of(check, "GRW-3") == "Ready"

        await pilot.press("L")
        await settle(pilot)
        dialog = top(pilot)
        assert isinstance(dialog, ReasonModal)
        await pilot.press("enter")  # a reason is required
        await settle(pilot)
        assert top(pilot) is dialog
        await paste(pilot, "Customer escalation from the CEO")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-6", "GRW-7", "GRW-3"]
        assert header(pilot, "Doing") == "Doing 4/3 ▲over"
        assert focus_at(pilot) == ("Doing", "GRW-3")
        assert any("Override recorded for Doing" in n for n in notifications(pilot))
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Doing"
        moved, overridden = check.events(card="GRW-3")[-2:]
        assert moved.kind is EventKind.CARD_MOVED
        assert overridden.kind is EventKind.WIP_OVERRIDDEN
        assert overridden.actor == "Ana"
        assert overridden.payload["reason"] == "Customer escalation from the CEO"
        assert overridden.payload["limit"] == 3
        assert overridden.payload["count"] == 4
        assert len(check.events()) == before + 2


async def test_going_over_a_warn_limit_notifies_and_records_a_breach(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    seeded.add_card(None, "In review 1", column="Review")  # GRW-6
    seeded.add_card(None, "In review 2", column="Review")  # GRW-7: Review is at its limit
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert header(pilot, "Review") == "Review 2/2 ■full"
        await pilot.press("l", "l", "L")  # GRW-5 from Doing
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)  # no dialog for a warn column
        assert keys_in(pilot, "Review") == ["GRW-6", "GRW-7", "GRW-5"]
        assert header(pilot, "Review") == "Review 3/2 ▲over"
        assert focus_at(pilot) == ("Review", "GRW-5")
        assert (
            "WIP limit: Review is over its WIP limit of 2; the breach is recorded."
            in notifications(pilot)
        )
        assert pilot.app._notifications
        assert [n.severity for n in pilot.app._notifications] == ["warning"]
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-5") == "Review"
        breach = check.events(card="GRW-5")[-1]
        assert breach.kind is EventKind.WIP_BREACHED
        assert breach.actor == "Ana"
        assert breach.payload["count"] == 3
        assert breach.payload.get("reason") is None


async def test_a_teammate_filling_the_column_first_wins(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    """The app thinks Doing has room; the store knows better and the dialog appears."""
    seeded.add_card(None, "Second in Doing", column="Doing")  # GRW-6: Doing 2/3
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert header(pilot, "Doing") == "Doing 2/3 ◇pull"
        with reader(db_path, clock, actor="Ben") as teammate:
            teammate.move_card("GRW-4", "Doing")  # Doing 3/3, unseen: live refresh is off
        await settle(pilot)
        assert header(pilot, "Doing") == "Doing 2/3 ◇pull"
        await pilot.press("l", "L")  # GRW-3
        await settle(pilot)
        dialog = top(pilot)
        assert isinstance(dialog, ReasonModal)
        assert "Doing holds 3 of its 3 (GRW-5, GRW-6, GRW-4)" in dialog_text(dialog)
        # The refusal made the board catch up with the teammate's move.
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-6", "GRW-4"]
        assert header(pilot, "Doing") == "Doing 3/3 ■full"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Ready") == ["GRW-3"]
        assert focus_at(pilot) == ("Ready", "GRW-3")
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Ready"
        assert [c.key for c in check.cards(column="Doing")] == ["GRW-5", "GRW-6", "GRW-4"]
        assert [e.actor for e in check.events(card="GRW-4")][-1] == "Ben"
        assert not check.events(kinds=[EventKind.WIP_OVERRIDDEN.value])
