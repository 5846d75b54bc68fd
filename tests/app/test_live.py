"""Live refresh: a teammate's change, made by another process, appears without a restart."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import SIZE, Driver, board, focus_at, keys_in, reader, settle
from tests.conftest import FakeClock

WAIT_SECONDS = 5.0


async def squadboard(db_path: Path, *args: str) -> None:
    """Run the command line in a separate OS process, as a teammate on another terminal would."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kanban_tui",
        "--db",
        str(db_path),
        "--user",
        "Ben",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def until_shown(pilot: Driver, column: str, keys: list[str]) -> None:
    """Let the app poll (bounded) until `column` shows `keys`."""
    for _ in range(int(WAIT_SECONDS / 0.1)):
        if keys_in(pilot, column) == keys:
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{column} still shows {keys_in(pilot, column)}, not {keys}")


@pytest.mark.slow
async def test_a_change_from_another_process_appears_and_focus_stays(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock
) -> None:
    async with make_app(poll_seconds=0.1).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")
        await settle(pilot)
        assert focus_at(pilot) == ("Ready", "GRW-4")
        loads = board(pilot).last_rowid

        await squadboard(db_path, "card", "move", "GRW-2", "Ready")
        await until_shown(pilot, "Ready", ["GRW-3", "GRW-4", "GRW-2"])
        assert keys_in(pilot, "Backlog") == ["GRW-1"]
        assert focus_at(pilot) == ("Ready", "GRW-4")
        assert board(pilot).last_rowid > loads

        # A card leaving from above the cursor: the cursor stays on the same card.
        await squadboard(db_path, "card", "move", "GRW-3", "Doing")
        await until_shown(pilot, "Ready", ["GRW-4", "GRW-2"])
        assert keys_in(pilot, "Doing") == ["GRW-5", "GRW-3"]
        assert focus_at(pilot) == ("Ready", "GRW-4")
        assert pilot.app.is_running
    with reader(db_path, clock) as check:
        assert [c.key for c in check.cards(column="Ready")] == ["GRW-4", "GRW-2"]
        assert check.events(card="GRW-2")[-1].actor == "Ben"
