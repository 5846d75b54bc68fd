"""Fixtures for the web tests: a board with members Ana, Ben and Chloé, and its server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kanban_tui.domain.models import Squad
from kanban_tui.storage.store import Store
from kanban_tui.web.server import BoardServer

FAKE_BOARD = Path(__file__).parent / "fake_board.py"


def fake_board(kind: str) -> Callable[[Path, str], list[str]]:
    """A session command that runs the fake board instead of squadboard."""
    return lambda _db, _member: [sys.executable, str(FAKE_BOARD), kind]


@pytest.fixture
def server(store: Store, squad: Squad) -> BoardServer:
    return BoardServer(store, owner="Ana", max_sessions=2, command=fake_board("polite"))


@pytest.fixture
async def client(server: BoardServer) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(server.application())) as opened:
        yield opened


@pytest.fixture
def board(tmp_path: Path) -> Path:
    """A board with one card, GRW-1, in Backlog; members Ana Costa and Ben Okafor."""
    path = tmp_path / "served.db"
    with Store(path, actor="Ana Costa") as store:
        store.add_squad(
            "Growth squad", prefix="GRW", timezone="UTC", members=["Ana Costa", "Ben Okafor"]
        )
        store.add_card(None, "Write onboarding email")
    return path


@dataclass(frozen=True)
class Served:
    """A running `squadboard serve`."""

    address: str
    owner_link: str
    process: subprocess.Popen[str]

    @property
    def owner_token(self) -> str:
        return self.owner_link.split("?token=")[1]


@pytest.fixture
def served(board: Path) -> Iterator[Served]:
    """`squadboard --user 'Ana Costa' serve --port 0` in its own process group.

    On teardown the server must stop cleanly on SIGTERM and leave no board process behind.
    """
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "kanban_tui", "--db", str(board)),
            *("--user", "Ana Costa", "serve", "--port", "0"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    assert server.stdout is not None
    first = server.stdout.readline()
    assert " at http://127.0.0.1:" in first, first
    server.stdout.readline()
    owner_link = server.stdout.readline().strip()
    yield Served(first.split(" at ")[1].strip(), owner_link, server)
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0
    wait_until(lambda: not board_processes(board), "board processes to end with the server")


def wait_until(condition: Callable[[], object], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def board_processes(board: Path) -> list[int]:
    """Pids of running browser-session boards on this board file."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"kanban_tui.app.browser_session" in command and str(board).encode() in command:
            found.append(int(entry.name))
    return found
