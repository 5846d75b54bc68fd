"""Shared fixtures: a fake clock, a throwaway board file, no settings from the developer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kanban_tui.domain.models import Squad
from kanban_tui.storage.store import Store

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""A Monday; tests that need "now" get this unless they move the clock."""


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def no_user_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never read or write the developer's own board, user name or squad."""
    for name in (
        "SQUADBOARD_DB",
        "SQUADBOARD_USER",
        "SQUADBOARD_SQUAD",
        "SQUADBOARD_NETWORK_FS_SINGLE_WRITER",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[Store]:
    with Store(db_path, actor="Ana", clock=clock) as opened:
        yield opened


@pytest.fixture
def squad(store: Store) -> Squad:
    """The default board: Backlog, Ready, Doing (3, block), Review (2, warn), Done."""
    created = store.add_squad(
        "Growth squad",
        mission="Help every trial user reach a first win within 7 days.",
        timezone="Europe/London",
        prefix="GRW",
        members=["Ana", "Ben", "Chloé"],
    )
    store.add_tag(None, "Trial conversion")
    store.add_tag(None, "Onboarding")
    return created
