"""A teammate changes a card while its edit form is open: saving asks before overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.app.screens.card_form import CardFormModal
from kanban_tui.app.screens.dialogs import ConfirmModal
from kanban_tui.domain.events import EventKind
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import SIZE, column, fill, focus_at, reader, settle
from tests.conftest import FakeClock


@pytest.mark.parametrize(("button", "saved"), [("#yes", True), ("#no", False)])
async def test_saving_over_a_teammates_edit_asks_first(
    button: str,
    saved: bool,
    seeded: Store,
    make_app: MakeApp,
    db_path: Path,
    clock: FakeClock,
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")  # GRW-1
        await settle(pilot)
        assert isinstance(pilot.app.screen, CardFormModal)
        clock.advance(minutes=2)
        with reader(db_path, clock, actor="Ben") as teammate:
            teammate.edit_card("GRW-1", title="Ben's onboarding email")
        clock.advance(minutes=1)
        await fill(pilot, "#title", "Ana's onboarding email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmModal)
        question = str(confirm.query_one(".dialog-text", Static).render())
        assert "Ben changed GRW-1 while your form was open (title)" in question
        assert str(confirm.query_one("#yes").render()).strip() == "Save mine"
        with reader(db_path, clock) as check:  # nothing saved while the question is open
            assert check.card("GRW-1").title == "Ben's onboarding email"

        await pilot.click(button)
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        expected = "Ana's onboarding email" if saved else "Ben's onboarding email"
        shown = column(pilot, "Backlog").cards.faces[0]
        assert shown.key == "GRW-1"
        if saved:
            assert shown.title == expected
    with reader(db_path, clock) as check:
        assert check.card("GRW-1").title == expected
        edits = [e for e in check.events(card="GRW-1") if e.kind is EventKind.CARD_EDITED]
        assert [e.actor for e in edits] == (["Ben", "Ana"] if saved else ["Ben"])


async def test_a_teammates_edit_in_the_same_instant_is_noticed_too(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    """Clocks tick in milliseconds and may agree: the check compares the card, not the time."""
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        with reader(db_path, clock, actor="Ben") as teammate:  # the clock stands still
            teammate.edit_card("GRW-1", title="Ben's onboarding email")
        await fill(pilot, "#title", "Ana's onboarding email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
    with reader(db_path, clock) as check:
        assert check.card("GRW-1").title == "Ben's onboarding email"


async def test_an_edit_nobody_else_touched_saves_without_asking(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")  # a change of our own first: it is no conflict
        await settle(pilot)
        await fill(pilot, "#reason", "Copy review")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, "#title", "Ana's onboarding email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
    with reader(db_path, clock) as check:
        card = check.card("GRW-1")
        assert card.title == "Ana's onboarding email"
        assert card.blocked
