"""Text from a shared board file is shown literally: never run as markup or terminal codes.

Titles are typed by teammates, and the file may have been written by anything; markup stays
visible as typed, and control characters (ESC, CSI, OSC, BEL, C1) are drawn as U+FFFD.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from kanban_tui.app.app import SquadboardApp
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import (
    Driver,
    board,
    column,
    focus_at,
    palette_prompts,
    screen_text,
    settle,
    where,
)

if TYPE_CHECKING:
    import sqlite3
else:
    try:
        import pysqlite3.dbapi2 as sqlite3
    except ImportError:  # pragma: no cover - platforms without a pysqlite3 wheel
        import sqlite3

WIDE = (260, 50)
"""Wide enough for the details panel and for the longest title to fit its column."""

CLICK = "[@click=app.quit]x[/]"
BOLD = "[bold red]hi[/]"
LINK = "[link=file:///etc/passwd]l[/link]"
MARKUP = (CLICK, BOLD, LINK)

EVIL = "evil \x1b[2J\x1b]8;;http://x\x07 \x9b31m end"
"""Clear screen (CSI), a hyperlink (OSC ended by BEL) and a C1 CSI, planted in the file."""
EVIL_SHOWN = "evil \ufffd[2J\ufffd]8;;http://x\ufffd \ufffd31m end"
CONTROLS = ("\x1b", "\x07", "\x9b")


@pytest.fixture
def untrusted(seeded: Store, db_path: Path) -> Store:
    """GRW-6..8 hold markup; GRW-4, a tag and the mission hold control characters."""
    for title in MARKUP:
        seeded.add_card(None, title, description=f"See {CLICK} and {LINK}")
    seeded.block_card("GRW-6", f"Waiting on {BOLD}")
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE cards SET title = ?, description = ? WHERE key = 'GRW-4'",
        [EVIL, f"Details: {EVIL}\nsecond line"],
    )
    conn.execute("UPDATE tags SET name = ? WHERE name = 'Onboarding'", ["Onb\x1b[5m\x9bx"])
    conn.execute("UPDATE squads SET mission = ?", ["Mission \x1b]0;pwned\x07 here"])
    conn.commit()
    conn.close()
    return seeded


def assert_no_controls(text: str) -> None:
    for char in CONTROLS:
        assert char not in text, f"U+{ord(char):04X} reached the screen"


def details_text(pilot: Driver) -> str:
    summary = board(pilot).query_one("#details-summary", Static)
    return str(summary.render())


def still_running(app: SquadboardApp) -> None:
    assert app.is_running
    assert app.return_code is None


async def test_untrusted_titles_show_literally_in_the_card_list_and_details(
    untrusted: Store, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert board(pilot).query_one("#details").display
        backlog = column(pilot, "Backlog").cards
        assert [f.title for f in backlog.faces[2:]] == list(MARKUP)
        assert column(pilot, "Ready").cards.faces[1].title == EVIL_SHOWN
        assert any("Onb\ufffd[5m\ufffdx" in name for f in backlog.faces for name, _ in f.tags)

        text = screen_text(app)
        assert_no_controls(text)
        for title in MARKUP:
            assert title in text
        assert EVIL_SHOWN in text
        assert "Mission \ufffd]0;pwned\ufffd here" in text

        # The details panel, for each card in turn.
        await pilot.press("down")  # GRW-2
        for key, title in (("GRW-6", CLICK), ("GRW-7", BOLD), ("GRW-8", LINK)):
            await pilot.press("down")
            await settle(pilot)
            assert focus_at(pilot) == ("Backlog", key)
            shown = details_text(pilot)
            assert title in shown
            text = screen_text(app)
            assert_no_controls(text)
            assert f"See {CLICK} and" in text  # the description, as Markdown text
        await pilot.press("up", "up")
        await settle(pilot)
        assert f"Waiting on {BOLD}" in details_text(pilot)

        await pilot.press("l", "j")
        await settle(pilot)
        assert focus_at(pilot) == ("Ready", "GRW-4")
        assert EVIL_SHOWN in details_text(pilot)
        text = screen_text(app)
        assert_no_controls(text)
        assert "Details: evil" in text  # the description wraps in the panel
        assert EVIL_SHOWN.removeprefix("evil ") in text

        # Clicking the titles runs nothing: the markup is text.
        x, y = where(app, CLICK)
        assert await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        assert focus_at(pilot) == ("Backlog", "GRW-6")
        for title in MARKUP:
            x, y = where(app, title)  # in the card list
            assert await pilot.click(offset=(x + 2, y))
            await settle(pilot)
            still_running(app)
            x, y = where(app, title, rightmost=True)  # in the details panel
            assert x > WIDE[0] - 44
            assert await pilot.click(offset=(x + 2, y))
            await settle(pilot)
            still_running(app)

        svg = pilot.app.export_screenshot()
        assert_no_controls(svg)
        assert "&#27;" not in svg
        assert "[@click=app.quit]x[/]" in svg
        assert "[bold&#160;red]hi[/]" in svg
        assert "[link=file:///etc/passwd]l[/link]" in svg
    assert app.return_code is None  # nothing asked the app to exit


async def test_untrusted_titles_show_literally_in_the_command_palette(
    untrusted: Store, make_app: MakeApp
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"go")
        wanted = [f"Go to GRW-{n}: {title}" for n, title in zip((6, 7, 8), MARKUP, strict=True)]
        wanted.append(f"Go to GRW-4: {EVIL_SHOWN}")
        for _ in range(100):
            if all(w in palette_prompts(pilot) for w in wanted):
                break
            await pilot.pause(0.05)
        prompts = palette_prompts(pilot)
        for entry in wanted:
            assert entry in prompts
        text = screen_text(app)
        assert_no_controls(text)
        for entry in wanted:
            assert entry in text
        svg = app.export_screenshot()
        assert_no_controls(svg)
        assert "[@click=app.quit]x[/]" in svg
        x, y = where(app, CLICK)  # clicking the markup runs the entry, not the markup
        assert await pilot.click(offset=(x + 2, y))
        await settle(pilot)
        still_running(app)
        assert focus_at(pilot) == ("Backlog", "GRW-6")
    assert app.return_code is None  # nothing asked the app to exit
