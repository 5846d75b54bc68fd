"""Driving the Textual board in tests: wait for workers, read the screen, read the file."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from textual import events
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, SelectionList, Static
from textual.worker import WorkerCancelled, WorkerState

from kanban_tui.app.app import SquadboardApp
from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.app.widgets.card_list import CardList
from kanban_tui.app.widgets.column import ColumnView
from kanban_tui.domain.clock import Clock
from kanban_tui.domain.events import Event
from kanban_tui.storage.store import Store

SIZE = (120, 36)
"""The terminal size every test runs at unless it says otherwise."""

Driver = Pilot[None]

_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


def app_of(pilot: Driver) -> SquadboardApp:
    app = pilot.app
    assert isinstance(app, SquadboardApp)
    return app


def _busy(app: App[Any]) -> bool:
    """Whether any worker of the app or of any of its screens is still working."""
    return any(worker.state in _BUSY for worker in app.workers)


async def settle(pilot: Driver, rounds: int = 50) -> None:
    """Wait until every worker has finished and the messages they posted were handled.

    A change runs in a worker that posts a message whose handler starts another worker (the
    re-read of the changed cards), so wait in rounds until nothing is busy.
    """
    app = pilot.app
    for _ in range(rounds):
        # An exclusive worker replaced by a newer one raises here; the next round waits for it.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not _busy(app):
            return
    raise AssertionError("the app's workers did not settle")


def top(pilot: Driver) -> Screen[Any]:
    """The screen on top (a function, so type checkers do not remember an earlier narrowing)."""
    return pilot.app.screen


def board(pilot: Driver) -> BoardScreen:
    """The board screen (under any modal that is open)."""
    found = [s for s in pilot.app.screen_stack if isinstance(s, BoardScreen)]
    assert found, f"no board screen in {pilot.app.screen_stack}"
    return found[-1]


def column(pilot: Driver, name: str) -> ColumnView:
    """A column of the board, by name."""
    for view in board(pilot).query(ColumnView):
        if view.face.column.name == name:
            return view
    raise AssertionError(f"no column named {name!r}")


def keys_in(pilot: Driver, name: str) -> list[str]:
    """The card keys a column shows, top to bottom."""
    return [face.key for face in column(pilot, name).cards.faces]


def focused_list(pilot: Driver) -> CardList:
    focused = pilot.app.focused
    assert isinstance(focused, CardList), f"focus is on {focused!r}, not a card list"
    return focused


def focus_at(pilot: Driver) -> tuple[str, str | None]:
    """(focused column name, key of the card under its cursor)."""
    cards = focused_list(pilot)
    view = cards.parent
    assert isinstance(view, ColumnView)
    current = cards.current
    return view.face.column.name, current.key if current else None


def status(pilot: Driver) -> str:
    """The status note at the top right of the board."""
    return str(board(pilot).query_one("#status", Static).render())


def header(pilot: Driver, name: str) -> str:
    return str(column(pilot, name).query_one(".column-header", Static).render())


def notifications(pilot: Driver) -> list[str]:
    """Every notification the app has shown (titles and messages)."""
    return [f"{n.title}: {n.message}" for n in pilot.app._notifications]


def screen_text(app: App[Any]) -> str:
    """The whole terminal as plain text, including the screens under a modal."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


def where(app: App[Any], text: str, *, rightmost: bool = False) -> tuple[int, int]:
    """Screen coordinates (x, y) of the first (or the rightmost) place `text` is drawn."""
    found = [
        (line.rindex(text) if rightmost else line.index(text), y)
        for y, line in enumerate(screen_text(app).splitlines())
        if text in line
    ]
    assert found, f"{text!r} is not on the screen"
    return max(found) if rightmost else found[0]


async def type_text(pilot: Driver, text: str) -> None:
    """Type into whatever has focus, one key per character."""
    await pilot.press(*text)


async def paste(pilot: Driver, text: str) -> None:
    """Paste into whatever has focus (as a terminal does: one event; quicker than typing)."""
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def fill(pilot: Driver, selector: str, text: str) -> None:
    """Focus an input of the current screen, clear it with keys and paste `text` into it."""
    box = pilot.app.screen.query_one(selector, Input)
    box.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    if text:
        await paste(pilot, text)
    assert box.value == text


async def toggle(pilot: Driver, selector: str, value: str) -> None:
    """Move the highlight of a selection list with the arrow keys to `value`, press space."""
    options: SelectionList[str] = pilot.app.screen.query_one(selector, SelectionList)
    options.focus()
    await pilot.pause()
    values = [options.get_option_at_index(i).value for i in range(options.option_count)]
    target = values.index(value)
    for _ in range(len(values) + 1):
        if options.highlighted == target:
            break
        below = options.highlighted is None or options.highlighted < target
        await pilot.press("down" if below else "up")
    assert options.highlighted == target
    was = value in options.selected
    await pilot.press("space")
    assert (value in options.selected) != was


def event_kinds(events: list[Event]) -> list[str]:
    return [e.kind.value for e in events]


@contextmanager
def reader(db_path: Path, clock: Clock, actor: str = "Checker") -> Iterator[Store]:
    """A second, independent Store on the same file, to check what the app wrote."""
    with Store(db_path, actor=actor, clock=clock, create=False) as store:
        yield store


def column_name_of(store: Store, key: str) -> str:
    card = store.card(key)
    names = {c.id: c.name for c in store.board_of(card).columns}
    return names[card.column_id]


def palette_prompts(pilot: Driver) -> list[str]:
    """The entries the open command palette lists, as plain text (without their help line)."""
    results = pilot.app.screen.query_one(CommandList)
    prompts = (str(results.get_option_at_index(i).prompt) for i in range(results.option_count))
    return [prompt.split("\n")[0] for prompt in prompts]


async def palette_run(pilot: Driver, query: str, entry: str) -> None:
    """Open the command palette, type `query`, wait for `entry` to be listed and choose it."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(100):  # the palette searches in the background: wait for its hits
        prompts = palette_prompts(pilot)
        if any(p.startswith(entry) for p in prompts):
            break
        await pilot.pause(0.05)
    else:
        raise AssertionError(f"{entry!r} not in the palette: {palette_prompts(pilot)}")
    results = pilot.app.screen.query_one(CommandList)
    target = next(i for i, p in enumerate(prompts) if p.startswith(entry))
    for _ in range(len(prompts) + 1):
        if results.highlighted == target:
            break
        await pilot.press("down")
    assert results.highlighted == target
    await pilot.press("enter")
    await settle(pilot)
