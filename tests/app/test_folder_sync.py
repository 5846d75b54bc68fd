"""The open board syncs through a folder on its own timer: a teammate's card arrives on screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kanban_tui.app import create_app
from kanban_tui.app.folder_sync import FolderSync
from kanban_tui.storage.store import Store
from kanban_tui.storage.sync import member_log, sync_once
from tests.app.helpers import SIZE, Driver, keys_in
from tests.conftest import FakeClock
from tests.storage.helpers import settle

WAIT_SECONDS = 5.0


def shown_in(pilot: Driver, column: str) -> list[str]:
    """The keys a column shows, or none while the board is still loading."""
    try:
        return keys_in(pilot, column)
    except AssertionError:  # the columns are not mounted yet
        return []


async def until(pilot: Driver, column: str, key: str) -> None:
    for _ in range(int(WAIT_SECONDS / 0.1)):
        if key in shown_in(pilot, column):
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{column} still shows {shown_in(pilot, column)}, without {key}")


@pytest.mark.slow
async def test_the_open_board_takes_in_a_teammates_card_and_shares_its_own(
    seeded: Store, db_path: Path, clock: FakeClock, tmp_path: Path, ui_file: Path
) -> None:
    folder = tmp_path / "Dropbox"
    folder.mkdir()
    settle(db_path)
    shutil.copy(db_path, tmp_path / "ben.db")
    with Store(tmp_path / "ben.db", actor="Ben", clock=FakeClock(clock.now)) as ben:
        ben.add_card(None, "Ben's idea", column="Ready")
        sync_once(ben, folder, "Ben")

    app = create_app(
        seeded,
        clock=clock,
        ui_state_file=ui_file,
        poll_seconds=0.1,
        folder_sync=FolderSync(folder, "Ana", seconds=0.2),
    )
    own_log = member_log(folder, "Ana")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, "Ready", "GRW-6")
        assert not own_log.exists(), "Ben's log already holds every event Ana had"
        seeded.add_card(None, "Ana's reply", column="Ready")
        await until(pilot, "Ready", "GRW-7")
        for _ in range(int(WAIT_SECONDS / 0.1)):
            if own_log.exists():
                break
            await pilot.pause(0.1)

    assert "Ana's reply" in own_log.read_text(encoding="utf-8")
