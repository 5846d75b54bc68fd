"""Fixtures for the TUI tests: a small seeded board and a factory for the app on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kanban_tui.app import SquadboardApp, create_app
from kanban_tui.domain.models import Squad
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock

MakeApp = Callable[..., SquadboardApp]


@pytest.fixture
def ui_file(tmp_path: Path) -> Path:
    return tmp_path / "ui.json"


@pytest.fixture
def seeded(store: Store, squad: Squad) -> Store:
    """The default board with five cards (the store's actor is Ana).

    Backlog: GRW-1 (Onboarding, Ben), GRW-2 (Trial conversion)
    Ready:   GRW-3 (Chloé), GRW-4
    Doing:   GRW-5 (blocked)      Review and Done are empty.
    """
    store.add_card(None, "Write onboarding email", tags=["Onboarding"], assignees=["Ben"])
    store.add_card(None, "Plan trial nurture sequence", tags=["Trial conversion"])
    store.add_card(None, "Design pricing page hero", column="Ready", assignees=["Chloé"])
    store.add_card(None, "Refresh LinkedIn ad set", column="Ready")
    store.add_card(None, "Launch analytics webinar", column="Doing")
    store.block_card("GRW-5", "Waiting on legal review")
    return store


@pytest.fixture
def make_app(store: Store, clock: FakeClock, ui_file: Path) -> MakeApp:
    """`create_app` on the test's store and clock, with live refresh off unless asked for."""

    def make(*, squad: str | None = None, poll_seconds: float | None = None) -> SquadboardApp:
        return create_app(
            store, squad=squad, clock=clock, ui_state_file=ui_file, poll_seconds=poll_seconds
        )

    return make
