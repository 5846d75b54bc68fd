"""Snapshot tests: how the board looks, at 120x36, against SVGs reviewed by a person.

Update after an intended change with `pytest tests/app --snapshot-update` and look at the SVGs
(or the HTML report of a failing run) before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from kanban_tui.app import SquadboardApp, create_app
from kanban_tui.storage.demo import build_demo_history
from kanban_tui.storage.store import Store
from tests.app.helpers import SIZE, Driver, board, paste, settle
from tests.conftest import FakeClock

SnapCompare = Callable[..., bool]

FIXED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""The demo's "now" and the clock's: ages and due dates on screen never change."""


@pytest.fixture
def fixed_clock() -> FakeClock:
    return FakeClock(FIXED)


def app_on(store: Store, clock: FakeClock, ui_file: Path) -> SquadboardApp:
    return create_app(store, clock=clock, ui_state_file=ui_file, poll_seconds=None)


def steady_cursors(pilot: Driver) -> None:
    """A blinking cursor would make the picture depend on when it was taken."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


def test_demo_board(
    snap_compare: SnapCompare, db_path: Path, fixed_clock: FakeClock, ui_file: Path
) -> None:
    with Store(db_path, actor="Ana", clock=fixed_clock) as store:
        store.append_history(
            build_demo_history(name="Growth squad", cards=120, seed=7, now=FIXED, actor="Ana")
        )
    app = app_on(Store(db_path, actor="Ana", clock=fixed_clock), fixed_clock, ui_file)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_column_over_its_limit(
    snap_compare: SnapCompare, seeded: Store, clock: FakeClock, ui_file: Path
) -> None:
    seeded.add_card(None, "Second in Doing", column="Doing")
    seeded.add_card(None, "Third in Doing", column="Doing")
    seeded.move_card("GRW-3", "Doing", override_reason="Customer escalation from the CEO")

    async def focus_doing(pilot: Driver) -> None:
        await settle(pilot)
        await pilot.press("l", "l", "j")
        await settle(pilot)

    app = app_on(seeded, clock, ui_file)
    assert snap_compare(app, terminal_size=SIZE, run_before=focus_doing)


def test_active_filter(
    snap_compare: SnapCompare, seeded: Store, clock: FakeClock, ui_file: Path
) -> None:
    async def filter_board(pilot: Driver) -> None:
        await settle(pilot)
        await pilot.press("slash")
        steady_cursors(pilot)
        await paste(pilot, "tag:trial")
        await settle(pilot)
        assert "1 cards" in str(board(pilot).query_one("#status").render())

    app = app_on(seeded, clock, ui_file)
    assert snap_compare(app, terminal_size=SIZE, run_before=filter_board)


def test_card_form_with_a_validation_error(
    snap_compare: SnapCompare, seeded: Store, clock: FakeClock, ui_file: Path
) -> None:
    async def save_without_title(pilot: Driver) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        steady_cursors(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must not be empty" in str(pilot.app.screen.query_one("#title-error").render())

    app = app_on(seeded, clock, ui_file)
    assert snap_compare(app, terminal_size=SIZE, run_before=save_without_title)


def test_help_screen(
    snap_compare: SnapCompare, seeded: Store, clock: FakeClock, ui_file: Path
) -> None:
    async def open_help(pilot: Driver) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    app = app_on(seeded, clock, ui_file)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)
