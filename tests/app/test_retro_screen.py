"""The retro screen: keys checked on screen and in the file, and teammates' notes appearing live."""

from __future__ import annotations

from kanban_tui.app.screens.retro import RetroScreen
from kanban_tui.domain.retro import RetroFormat
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import SIZE, Driver, palette_run, paste, screen_text, settle, top


async def _add(pilot: Driver, key: str, text: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    await paste(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def _until_shown(pilot: Driver, text: str) -> None:
    """Wait for the live refresh (it polls every 0.1 s here) to draw `text`."""
    for _ in range(50):
        if text in screen_text(pilot.app):
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{text!r} never appeared")


async def test_notes_votes_and_actions_from_the_keyboard(seeded: Store, make_app: MakeApp) -> None:
    seeded.start_retro(retro_format=RetroFormat.MAD_SAD_GLAD, vote_limit=1)
    async with make_app(poll_seconds=0.1).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(top(pilot), RetroScreen)
        assert "new notes go to Mad" in screen_text(pilot.app)
        assert "inclusive calendar days" in screen_text(pilot.app)  # the numbers' conventions
        await pilot.press("right_square_bracket")
        await _add(pilot, "n", "Review queue [bold]too long[/bold]")
        await _add(pilot, "N", "Nobody owns the brief")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("v")  # the second dot is over the limit of 1: refused, nothing written
        await settle(pilot)
        await _add(pilot, "a", "Name a brief owner")
        shown = screen_text(pilot.app)
        assert "Review queue [bold]too long[/bold]" in shown  # typed text, not markup
        assert "(anonymous)" in shown
        assert "0 vote(s) left" in shown
        await pilot.press("escape")
        await _until_shown(pilot, "GRW-6 ↺retro")
    board = seeded.retro_board(1)
    assert [(n.column, n.author, n.votes) for n in board.notes] == [
        ("Sad", "Ana", 1),
        ("Sad", None, 0),
    ]
    assert [(a.text, a.card_key) for a in board.actions] == [("Name a brief owner", "GRW-6")]
    assert seeded.card("GRW-6").description.startswith("Retro action from retro 1")


async def test_the_palette_opens_the_retro_and_a_teammates_note_appears(
    seeded: Store, make_app: MakeApp
) -> None:
    seeded.start_retro()
    async with make_app(poll_seconds=0.1).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_run(pilot, "retro", "Retrospective")
        await settle(pilot)
        assert isinstance(top(pilot), RetroScreen)
        with Store(seeded.path, actor="Ben", clock=seeded.now) as ben:
            ben.add_retro_note(1, "Continue", "Friday demos")
        await _until_shown(pilot, "Continue: Friday demos")
        assert "(Ben)" in screen_text(pilot.app)


async def test_the_facilitator_closes_the_retro_from_the_palette(
    seeded: Store, make_app: MakeApp
) -> None:
    seeded.start_retro()
    async with make_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await palette_run(pilot, "close the retro", "Close the retro")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "closed: read-only" in screen_text(pilot.app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(top(pilot), RetroScreen)  # a closed retro asks for no note
    assert seeded.retro_board(1).retro.closed
    assert seeded.retro_board(1).notes == ()


async def test_without_a_retro_the_screen_says_so_once_and_shows_one_when_started(
    seeded: Store, make_app: MakeApp
) -> None:
    async with make_app(poll_seconds=0.05).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.pause(0.5)  # ten polls
        assert isinstance(pilot.app.screen, RetroScreen)
        assert "no retro yet" in screen_text(pilot.app)
        assert not pilot.app._notifications  # said in the title, not a toast per poll
        seeded.start_retro()
        await _until_shown(pilot, "Retro 1")
