"""Fixtures for the web tests: a board with members Ana, Ben and Chloé, and its server."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
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
