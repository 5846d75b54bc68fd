"""`squadboard open` reads the board's first frame in a thread before Textual is imported
(`HeadRead`); the board draws from that read, and loses nothing written after it."""

from __future__ import annotations

from pathlib import Path

from kanban_tui.app import create_app
from kanban_tui.app.head import HeadRead
from kanban_tui.storage.store import Store
from tests.app.helpers import SIZE, board, keys_in, screen_text, settle
from tests.conftest import FakeClock, on_both_backends


@on_both_backends
async def test_the_board_draws_the_read_and_then_what_was_written_after_it(
    seeded: Store, board_location: Path | str, clock: FakeClock, ui_file: Path
) -> None:
    head = HeadRead(seeded, None, clock)
    assert head.wait(10)
    # A teammate writes between the read and the app's start: the whole board, read after
    # the first frame, must show it.
    with Store(board_location, actor="Ben", clock=clock) as teammate:
        teammate.move_card("GRW-1", "Ready")
        teammate.add_card(None, "Late note")

    app = create_app(seeded, clock=clock, ui_state_file=ui_file, poll_seconds=None, head=head)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert head.taken
        screen = board(pilot)
        assert screen.state is not None
        assert not screen.state.is_head
        assert keys_in(pilot, "Backlog") == ["GRW-2", "GRW-6"]
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4", "GRW-1"]
        text = screen_text(pilot.app)
        assert "Backlog 2" in text
        assert "Ready 3" in text
        assert "Late note" in text

    with Store(board_location, actor="Ana", clock=clock) as reader:
        by_key = {c.key: c for c in reader.cards()}
        names = {c.id: c.name for c in reader.board().columns}
    assert names[by_key["GRW-1"].column_id] == "Ready"
    assert names[by_key["GRW-6"].column_id] == "Backlog"


async def test_a_read_of_another_squad_is_left_unused(
    seeded: Store, clock: FakeClock, ui_file: Path
) -> None:
    seeded.add_squad("Platform", prefix="PLT")
    seeded.add_card("Platform", "Rotate the API keys")
    head = HeadRead(seeded, "Platform", clock)
    app = create_app(
        seeded,
        squad="Growth squad",
        clock=clock,
        ui_state_file=ui_file,
        poll_seconds=None,
        head=head,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not head.taken
        assert board(pilot).squad_name == "Growth squad"
        assert keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"]
        assert "Rotate the API keys" not in screen_text(pilot.app)
    assert head.wait(10)


async def test_a_read_that_failed_shows_why(seeded: Store, clock: FakeClock, ui_file: Path) -> None:
    head = HeadRead(seeded, "Nobody", clock)
    app = create_app(
        seeded, squad="Nobody", clock=clock, ui_state_file=ui_file, poll_seconds=None, head=head
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert head.taken
        assert board(pilot).state is None
        assert "no squad named 'Nobody'" in screen_text(pilot.app)
