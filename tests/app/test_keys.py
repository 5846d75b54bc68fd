"""Every key of the board, driven through Pilot: what the screen shows and what the file holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown

from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.app.screens.card_form import CardFormModal
from kanban_tui.app.screens.dialogs import ChecklistModal, ConfirmModal, ReasonModal
from kanban_tui.app.screens.help import HelpScreen
from kanban_tui.app.widgets.details import CardDetails
from kanban_tui.app.widgets.footer import KeyBar
from kanban_tui.domain.errors import NotFound
from kanban_tui.domain.events import EventKind
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import (
    SIZE,
    board,
    column,
    column_name_of,
    fill,
    focus_at,
    focused_list,
    keys_in,
    notifications,
    paste,
    reader,
    screen_text,
    settle,
    status,
    toggle,
    top,
    type_text,
)
from tests.conftest import FakeClock


def log_size(db_path: Path, clock: FakeClock) -> int:
    with reader(db_path, clock) as check:
        return len(check.events())


# -- focus ---------------------------------------------------------------------------------------


async def test_the_board_opens_with_the_first_card_focused(
    seeded: Store, make_app: MakeApp
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]
        assert keys_in(pilot, "Doing") == ["GRW-5"]
        assert board(pilot).current_card() is not None


@pytest.mark.parametrize(("down", "up"), [("down", "up"), ("j", "k")])
async def test_down_and_up_move_the_cursor(
    down: str, up: str, seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    before = log_size(db_path, clock)
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(down)
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-2")
        assert focused_list(pilot).cursor == 1
        current = board(pilot).current_card()
        assert current is not None
        assert current.key == "GRW-2"
        await pilot.press(down)  # at the bottom: stays
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-2")
        await pilot.press(up)
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        assert focused_list(pilot).cursor == 0
        await pilot.press(up)  # at the top: stays
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
    assert log_size(db_path, clock) == before


@pytest.mark.parametrize(("right", "left"), [("right", "left"), ("l", "h")])
async def test_right_and_left_focus_the_next_and_previous_column(
    right: str, left: str, seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    before = log_size(db_path, clock)
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(right)
        await settle(pilot)
        assert focus_at(pilot) == ("Ready", "GRW-3")
        assert board(pilot).focused_column_id == column(pilot, "Ready").face.column.id
        await pilot.press("j", right, right, right)
        await settle(pilot)
        assert focus_at(pilot) == ("Done", None)  # an empty column takes focus too
        assert board(pilot).current_card() is None
        await pilot.press(right)  # past the last column: stays on Done
        await settle(pilot)
        assert focus_at(pilot) == ("Done", None)
        await pilot.press(left, left, left)
        await settle(pilot)
        assert focus_at(pilot) == ("Ready", "GRW-4")  # each column keeps its cursor
        await pilot.press(left, left)  # past the first column: stays on Backlog
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
    assert log_size(db_path, clock) == before


async def test_clicking_a_card_focuses_its_column_and_selects_it(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    before = log_size(db_path, clock)
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        ready = column(pilot, "Ready").cards
        # Cards are four lines tall: the second card's title is on line 5 of the list.
        assert await pilot.click(ready, offset=(4, 5))
        await settle(pilot)
        assert pilot.app.focused is ready
        assert focus_at(pilot) == ("Ready", "GRW-4")
        assert ready.cursor == 1
        assert board(pilot).focused_column_id == ready.column_id
        current = board(pilot).current_card()
        assert current is not None
        assert current.key == "GRW-4"
    assert log_size(db_path, clock) == before


# -- moving cards --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["L", "shift+right"])
async def test_moving_a_card_to_the_next_column(
    key: str, seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")  # Ready, GRW-3
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert keys_in(pilot, "Ready") == ["GRW-4"]
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        assert focus_at(pilot) == ("Doing", "GRW-3")  # the cursor follows the card
        assert pilot.app.is_running
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Doing"
        last = check.events(card="GRW-3")[-1]
        assert last.kind is EventKind.CARD_MOVED
        assert last.actor == "Ana"


async def test_a_move_is_drawn_from_its_own_commit_without_waiting_for_a_poll(
    seeded: Store, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(BoardScreen, "check_changes", lambda self: None)
        await pilot.press("l", "L")  # GRW-3 from Ready to Doing
        await settle(pilot)
        assert keys_in(pilot, "Ready") == ["GRW-4"]
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        assert focus_at(pilot) == ("Doing", "GRW-3")


async def test_the_footer_shows_the_keys_and_a_click_presses_one(
    seeded: Store, make_app: MakeApp
) -> None:
    async with make_app().run_test(size=(160, SIZE[1])) as pilot:
        await settle(pilot)
        footer = pilot.app.screen.query_one(KeyBar)
        line = str(footer.render())
        for shown in (" L Move → ", " n New ", " / Filter ", " q Quit ", " ? Help ", "^p palette"):
            assert shown in line
        assert line.rstrip().endswith("▏ ^p palette")  # docked at the right edge
        await pilot.resize_terminal(100, SIZE[1])
        await settle(pilot)
        narrow = str(footer.render())
        assert " Move → " in narrow
        assert " ? Help " not in narrow  # keys that do not fit are left out whole
        assert narrow.rstrip().endswith("▏ ^p palette")
        await pilot.resize_terminal(160, SIZE[1])
        await settle(pilot)
        await pilot.press("j", "l", "k", "h")
        await settle(pilot)
        assert str(footer.render()) == line  # focus moved, the keys stayed
        await pilot.click(KeyBar, offset=(line.index(" n New ") + 2, 0))
        await settle(pilot)
        assert isinstance(pilot.app.screen, CardFormModal)


@pytest.mark.parametrize("key", ["H", "shift+left"])
async def test_moving_a_card_to_the_previous_column(
    key: str, seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")  # Ready, GRW-4
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert keys_in(pilot, "Ready") == ["GRW-3"]
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2", "GRW-4"]
        assert focus_at(pilot) == ("Backlog", "GRW-4")
        await pilot.press(key)  # no column before Backlog: nothing happens
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-4")
        assert not notifications(pilot)
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-4") == "Backlog"
        moves = [e for e in check.events(card="GRW-4") if e.kind is EventKind.CARD_MOVED]
        assert len(moves) == 1
        assert moves[0].actor == "Ana"


@pytest.mark.parametrize(("down", "up"), [("J", "K"), ("shift+down", "shift+up")])
async def test_reordering_within_a_column(
    down: str, up: str, seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    seeded.add_card(None, "Third in the backlog")  # GRW-6
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2", "GRW-6"]
        await pilot.press(down)
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-2", "GRW-1", "GRW-6"]
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        assert focused_list(pilot).cursor == 1
        with reader(db_path, clock) as check:
            assert [c.key for c in check.cards(column="Backlog")] == ["GRW-2", "GRW-1", "GRW-6"]
        await pilot.press(down)
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-2", "GRW-6", "GRW-1"]
        await pilot.press(down)  # already last: nothing to do
        await settle(pilot)
        await pilot.press(up, up)
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2", "GRW-6"]
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        assert not notifications(pilot)
    with reader(db_path, clock) as check:
        assert [c.key for c in check.cards(column="Backlog")] == ["GRW-1", "GRW-2", "GRW-6"]
        moves = [e for e in check.events(card="GRW-1") if e.kind is EventKind.CARD_MOVED]
        assert len(moves) == 4
        assert {e.actor for e in moves} == {"Ana"}


# -- the card form -------------------------------------------------------------------------------


async def test_n_adds_a_card_with_title_tags_and_due_date(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")  # new cards go to the focused column
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, CardFormModal)
        assert form.card is None
        await fill(pilot, "#title", "Launch referral programme")
        await toggle(pilot, "#tags", "Onboarding")
        await fill(pilot, "#new-tags", "Referrals")
        await fill(pilot, "#due", "2026-11-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4", "GRW-6"]
        assert focus_at(pilot) == ("Ready", "GRW-6")
        face = focused_list(pilot).current
        assert face is not None
        assert face.title == "Launch referral programme"
        assert [name for name, _ in face.tags] == ["Onboarding", "Referrals"]
    with reader(db_path, clock) as check:
        card = check.card("GRW-6")
        assert card.title == "Launch referral programme"
        assert card.due == date(2026, 11, 20)
        assert column_name_of(check, "GRW-6") == "Ready"
        tags = {t.id: t.name for t in check.board_of(card).tags}
        assert sorted(tags[t] for t in card.tag_ids) == ["Onboarding", "Referrals"]
        assert check.events(card="GRW-6")[0].actor == "Ana"


async def test_the_form_refuses_an_empty_title_and_escape_cancels(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    before = log_size(db_path, clock)
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, "#due", "not a date")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, CardFormModal)  # still open
        assert "must not be empty" in str(form.query_one("#title-error").render())
        assert str(form.query_one("#due-error").render())
        assert any("Nothing was saved" in n for n in notifications(pilot))
        await fill(pilot, "#title", "Never mind")
        await pilot.press("escape")  # cancelling a filled-in form saves nothing either
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]
    assert log_size(db_path, clock) == before


@pytest.mark.parametrize("key", ["e", "enter"])
async def test_editing_the_title(
    key: str, seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")  # GRW-2
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, CardFormModal)
        assert form.card is not None
        assert form.card.key == "GRW-2"
        await fill(pilot, "#title", "Plan the trial nurture sequence v2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        face = column(pilot, "Backlog").cards.faces[1]
        assert face.title == "Plan the trial nurture sequence v2"
        assert focus_at(pilot) == ("Backlog", "GRW-2")
    with reader(db_path, clock) as check:
        card = check.card("GRW-2")
        assert card.title == "Plan the trial nurture sequence v2"
        tags = {t.id: t.name for t in check.board_of(card).tags}
        assert [tags[t] for t in card.tag_ids] == ["Trial conversion"]  # untouched
        last = check.events(card="GRW-2")[-1]
        assert (last.kind, last.actor) == (EventKind.CARD_EDITED, "Ana")


# -- block, assign, tags -------------------------------------------------------------------------


async def test_b_blocks_with_a_reason_and_b_again_unblocks(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    before = log_size(db_path, clock)
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReasonModal)
        await type_text(pilot, "no")
        await pilot.click("#cancel")  # Cancel: nothing is written
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert log_size(db_path, clock) == before

        await pilot.press("b")
        await settle(pilot)
        dialog = top(pilot)
        assert isinstance(dialog, ReasonModal)
        await pilot.press("enter")  # no reason: refused in the dialog
        await settle(pilot)
        assert top(pilot) is dialog
        assert "A reason is required" in str(dialog.query_one("#reason-error").render())
        await type_text(pilot, "   ")
        await pilot.press("enter")  # blanks are no reason either
        await settle(pilot)
        assert top(pilot) is dialog
        with reader(db_path, clock) as check:
            assert not check.card("GRW-1").blocked
        await paste(pilot, "Waiting for copy review")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        face = focused_list(pilot).current
        assert face is not None
        assert face.key == "GRW-1"
        assert face.blocked
        with reader(db_path, clock) as check:
            card = check.card("GRW-1")
            assert card.blocked
            assert card.blocked_reason == "Waiting for copy review"
            last = check.events(card="GRW-1")[-1]
            assert (last.kind, last.actor) == (EventKind.CARD_BLOCKED, "Ana")

        await pilot.press("b")  # unblocking needs no reason
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        face = focused_list(pilot).current
        assert face is not None
        assert not face.blocked
    with reader(db_path, clock) as check:
        card = check.card("GRW-1")
        assert not card.blocked
        assert check.events(card="GRW-1")[-1].kind is EventKind.CARD_UNBLOCKED


async def test_a_assigns_members(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")  # GRW-1 has Ben
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ChecklistModal)
        # Take Ben off, put Ana and Chloé on.
        for name in ("Ana", "Ben", "Chloé"):
            await toggle(pilot, "#checklist", name)
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        face = focused_list(pilot).current
        assert face is not None
        assert face.initials == "AN CH"
    with reader(db_path, clock) as check:
        assert check.card("GRW-1").assignees == ("Ana", "Chloé")
        kinds = [e.kind for e in check.events(card="GRW-1")[-3:]]
        assert sorted(kinds) == sorted(
            [EventKind.CARD_ASSIGNED, EventKind.CARD_ASSIGNED, EventKind.CARD_UNASSIGNED]
        )


async def test_t_tags_the_card_and_creates_a_typed_tag(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "t")  # GRW-2 has Trial conversion
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ChecklistModal)
        await toggle(pilot, "#checklist", "Onboarding")
        await fill(pilot, "#new-items", "Retention, Referrals")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        face = focused_list(pilot).current
        assert face is not None
        assert face.key == "GRW-2"
        assert sorted(name for name, _ in face.tags) == [
            "Onboarding",
            "Referrals",
            "Retention",
            "Trial conversion",
        ]
    with reader(db_path, clock) as check:
        card = check.card("GRW-2")
        tags = {t.id: t.name for t in check.board_of(card).tags}
        assert set(tags.values()) == {"Trial conversion", "Onboarding", "Retention", "Referrals"}
        assert sorted(tags[t] for t in card.tag_ids) == [
            "Onboarding",
            "Referrals",
            "Retention",
            "Trial conversion",
        ]


# -- archive and delete --------------------------------------------------------------------------


async def test_x_archives_and_capital_a_shows_archived_cards(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-2"]
        assert focus_at(pilot) == ("Backlog", "GRW-2")
        with reader(db_path, clock) as check:
            assert check.card("GRW-1").archived
            assert check.events(card="GRW-1")[-1].kind is EventKind.CARD_ARCHIVED
        await pilot.press("A")
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]
        archived = column(pilot, "Backlog").cards.faces[0]
        assert archived.archived
        assert "archived cards shown" in status(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-2"]
        assert "archived" not in status(pilot)
    with reader(db_path, clock) as check:
        assert [c.key for c in check.cards(column="Backlog")] == ["GRW-2"]


async def test_d_deletes_only_after_confirmation(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]
        with reader(db_path, clock) as check:
            assert check.card("GRW-1").title == "Write onboarding email"

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.click("#no")
        await settle(pilot)
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]

        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert keys_in(pilot, "Backlog") == ["GRW-2"]
        assert focus_at(pilot) == ("Backlog", "GRW-2")
    with reader(db_path, clock) as check:
        with pytest.raises(NotFound):
            check.card("GRW-1")
        assert [c.key for c in check.cards(column="Backlog")] == ["GRW-2"]


# -- filter --------------------------------------------------------------------------------------


async def test_slash_filters_as_you_type(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    before = log_size(db_path, clock)

    def visible() -> list[str]:
        return [key for name in ("Backlog", "Ready", "Doing") for key in keys_in(pilot, name)]

    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        box = board(pilot).query_one("#filter", Input)
        assert box.display
        assert box.has_focus
        # Every key narrows the board at once: "p" matches two titles, "pri" one.
        await pilot.press("p")
        await settle(pilot)
        assert visible() == ["GRW-2", "GRW-3"]
        assert "filter “p”: 2 cards" in status(pilot)
        await pilot.press("r", "i")
        await settle(pilot)
        assert visible() == ["GRW-3"]
        assert "filter “pri”: 1 cards" in status(pilot)
        # Column counts still count every card: the filter only narrows what is drawn.
        assert column(pilot, "Ready").face.count == 2
        for query, shown in (
            ("tag:onboarding", ["GRW-1"]),
            ("@chlo", ["GRW-3"]),
            ("is:blocked", ["GRW-5"]),
            ("tag:trial plan", ["GRW-2"]),
            ("nothing like this", []),
        ):
            await pilot.press("ctrl+u")
            await paste(pilot, query)
            await settle(pilot)
            assert visible() == shown, query
            assert f"filter “{query}”: {len(shown)} cards" in status(pilot)
        await pilot.press("ctrl+u", *"@ben")
        await settle(pilot)
        assert visible() == ["GRW-1"]
        await pilot.press("escape")  # back to the board; the filter stays
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-1")
        assert box.display
        assert "filter “@ben”: 1 cards" in status(pilot)
        await pilot.press("slash", "ctrl+u")  # an empty filter shows everything again
        await settle(pilot)
        assert visible() == ["GRW-1", "GRW-2", "GRW-3", "GRW-4", "GRW-5"]
        assert "filter" not in status(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not box.display
        assert focus_at(pilot) == ("Backlog", "GRW-1")
    assert log_size(db_path, clock) == before


# -- undo, help, quit ----------------------------------------------------------------------------


async def test_u_undoes_a_move_with_a_new_event(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "L")
        await settle(pilot)
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        with reader(db_path, clock) as check:
            moved = check.events(card="GRW-3")
            assert column_name_of(check, "GRW-3") == "Doing"
        assert len(board(pilot).undo_stack) == 1
        await pilot.press("u")
        await settle(pilot)
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]  # back in its place
        assert keys_in(pilot, "Doing") == ["GRW-5"]
        assert focus_at(pilot) == ("Ready", "GRW-3")
        assert any("Undid: Moved GRW-3 to Doing" in n for n in notifications(pilot))
        assert board(pilot).undo_stack == []
        await pilot.press("u")
        await settle(pilot)
        assert any("Nothing of yours to undo" in n for n in notifications(pilot))
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Ready"
        assert [c.key for c in check.cards(column="Ready")] == ["GRW-3", "GRW-4"]
        after = check.events(card="GRW-3")
        # The move stays in the history; the undo is a new move back.
        assert [e.id for e in after[: len(moved)]] == [e.id for e in moved]
        assert len(after) == len(moved) + 1
        assert (after[-1].kind, after[-1].actor) == (EventKind.CARD_MOVED, "Ana")


async def test_u_does_not_undo_over_a_teammates_change(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "L")  # GRW-3 to Doing
        await settle(pilot)
        with reader(db_path, clock, actor="Ben") as teammate:  # in the same instant
            teammate.move_card("GRW-3", "Review")
        await pilot.press("u")
        await settle(pilot)
        assert any(
            "GRW-3 was changed by someone since; not undone" in n for n in notifications(pilot)
        )
        assert keys_in(pilot, "Review") == ["GRW-3"]  # the refusal refreshed the board
    with reader(db_path, clock) as check:
        assert column_name_of(check, "GRW-3") == "Review"
        assert check.events(card="GRW-3")[-1].actor == "Ben"


async def test_question_mark_opens_the_help(seeded: Store, make_app: MakeApp) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert focus_at(pilot) == ("Backlog", "GRW-1")


async def test_q_quits(seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock) -> None:
    before = log_size(db_path, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert log_size(db_path, clock) == before


# -- details panel -------------------------------------------------------------------------------


async def test_the_details_panel_follows_the_focused_card_and_i_hides_it(
    seeded: Store, make_app: MakeApp
) -> None:
    seeded.edit_card("GRW-1", description="Welcome **new trial users**")
    async with make_app().run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        details = pilot.app.screen.query_one("#details", CardDetails)
        assert details.display
        text = screen_text(pilot.app)
        assert "Write onboarding email" in text
        assert "Ana: created" in text  # the card's history, newest first
        assert details.query_one("#details-description", Markdown).source == (
            "Welcome **new trial users**"
        )
        await pilot.press("j")
        await settle(pilot)
        assert "Plan trial nurture sequence" in screen_text(pilot.app)
        assert details.query_one("#details-description", Markdown).source == ""
        await pilot.press("i")
        await settle(pilot)
        assert not details.display


# -- themes --------------------------------------------------------------------------------------


async def test_a_new_theme_recolours_the_cards_already_drawn(
    seeded: Store, make_app: MakeApp
) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        cards = focused_list(pilot)
        before = next(iter(cards.render_line(0))).style
        pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "nord"
        await pilot.pause()
        after = next(iter(cards.render_line(0))).style
        assert before is not None
        assert after is not None
        assert after.bgcolor != before.bgcolor
