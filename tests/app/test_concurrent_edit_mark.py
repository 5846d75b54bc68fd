"""A card two copies of the board edited at once is marked on the board and in its details."""

from __future__ import annotations

import shutil
from pathlib import Path

from kanban_tui.storage.store import Store
from tests.app.conftest import MakeApp
from tests.app.helpers import SIZE, column, screen_text, settle
from tests.conftest import FakeClock


async def test_a_concurrently_edited_card_is_marked(
    seeded: Store, make_app: MakeApp, db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    seeded.close()
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    with Store(copy, actor="Ben", clock=clock) as theirs:
        theirs.edit_card("GRW-1", title="Welcome email, their way")
    clock.advance(minutes=1)
    with Store(db_path, actor="Ana", clock=clock) as ours:
        ours.edit_card("GRW-1", title="Welcome email, our way")
        assert ours.merge(copy).new_concurrent_edits
    async with make_app().run_test(size=(160, SIZE[1])) as pilot:
        await settle(pilot)
        assert column(pilot, "Backlog").cards.faces[0].edited_concurrently
        text = screen_text(pilot.app)
        assert "GRW-1 ⇄edited" in text
        assert "EDITED" in text  # the details panel says what happened
        assert not column(pilot, "Backlog").cards.faces[1].edited_concurrently
