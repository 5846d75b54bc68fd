"""The board in the terminal on a PostgreSQL server: a teammate's change arrives through the
server's notifications, and a server that goes away leaves the last board on screen until it
comes back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kanban_tui.app import create_app
from kanban_tui.app.screens.board import POLL_SECONDS
from kanban_tui.storage import postgres
from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import SIZE, Driver, keys_in, settle, status
from tests.conftest import FakeClock, throwaway_server
from tests.postgres_cluster import Cluster
from tests.storage.helpers import same_board

on_a_server = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def _until(pilot: Driver, done: object, seconds: float) -> float:
    """Let the app run until `done()` holds; returns how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if done():  # type: ignore[operator]
            return time.monotonic() - started
        await pilot.pause(0.02)
    raise AssertionError(f"not done after {seconds} s; status: {status(pilot)!r}")


@on_a_server
async def test_a_teammates_move_arrives_through_listen_within_a_second(
    seeded: Store, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a notification can tell the board: the fallback re-read of the log is an hour away.
    monkeypatch.setattr(postgres, "FALLBACK_POLL_SECONDS", 3600.0)
    async with make_app(poll_seconds=POLL_SECONDS).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(3 * POLL_SECONDS)  # the board is listening
        assert keys_in(pilot, "Ready") == ["GRW-3", "GRW-4"]
        with Store(same_board(seeded), actor="Ben") as teammate:
            teammate.move_card("GRW-2", "Ready")
        took = await _until(
            pilot, lambda: keys_in(pilot, "Ready") == ["GRW-3", "GRW-4", "GRW-2"], 1.0
        )
        assert keys_in(pilot, "Backlog") == ["GRW-1"]
    print(f"\nteammate's move on screen after {took * 1000:.0f} ms")


@pytest.fixture
def own_server() -> Iterator[Cluster]:
    """A server of the test's own, which the test stops and starts again."""
    yield from throwaway_server()


async def test_a_server_that_goes_away_leaves_the_last_board_and_it_catches_up_after(
    own_server: Cluster, clock: FakeClock, tmp_path: Path
) -> None:
    url = own_server.new_database()
    with Store(url, actor="Ana", clock=clock) as store:
        store.add_squad("Growth squad", prefix="GRW", members=["Ana", "Ben"])
        store.add_card(None, "Write onboarding email")
        app = create_app(
            store, clock=clock, ui_state_file=tmp_path / "ui.json", poll_seconds=POLL_SECONDS
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert keys_in(pilot, "Backlog") == ["GRW-1"]
            own_server.stop()
            await _until(pilot, lambda: "showing the last state" in status(pilot), 5.0)
            assert keys_in(pilot, "Backlog") == ["GRW-1"]
            assert "throwaway-test-password" not in status(pilot)

            own_server.start()
            with Store(url, actor="Ben", clock=clock) as teammate:
                teammate.add_card(None, "Added while Ana was offline")
            await _until(pilot, lambda: keys_in(pilot, "Backlog") == ["GRW-1", "GRW-2"], 5.0)
            await _until(pilot, lambda: "⚠" not in status(pilot), 1.0)
