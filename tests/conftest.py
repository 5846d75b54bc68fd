"""Shared fixtures: a fake clock, a throwaway board file, no settings from the developer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kanban_tui.domain.models import Squad
from kanban_tui.storage.store import Store
from tests.postgres_cluster import REQUIRE_POSTGRES_ENV, Cluster, server_binaries

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


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for this test run (one per xdist worker)."""
    yield from throwaway_server()


def throwaway_server() -> Iterator[Cluster]:
    """A started PostgreSQL server, removed afterwards; skipped where none is installed, unless
    CI requires it."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail("no PostgreSQL server is installed (initdb not found)")
        pytest.skip("no PostgreSQL server installed; .ci/run installs Debian's postgresql")
    cluster = Cluster(binaries)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


BACKENDS = ("sqlite", "postgres")

on_both_backends = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
"""Runs a storage contract test against a board file and a board on a PostgreSQL server."""


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend the board runs on: a file unless the test is `on_both_backends`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def board_location(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's board lives: the board file, or a new database on the test server."""
    if backend == "sqlite":
        return db_path
    cluster: Cluster = request.getfixturevalue("postgres")
    return cluster.new_database()


@pytest.fixture
def store(board_location: Path | str, clock: FakeClock) -> Iterator[Store]:
    with Store(board_location, actor="Ana", clock=clock) as opened:
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
