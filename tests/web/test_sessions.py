"""Real board processes behind `squadboard serve`: browsers that vanish, a server that dies."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp

from kanban_tui.storage.maintenance import check_board
from kanban_tui.storage.store import Store
from kanban_tui.web.server import COOKIE
from tests.web.conftest import Served, board_processes, wait_until


async def _open(http: aiohttp.ClientSession, served: Served) -> aiohttp.ClientWebSocketResponse:
    """A session as the page opens it; returns once the board shows GRW-1."""
    socket = await http.ws_connect(f"{served.address}/ws?width=120&height=36")
    shown = b""
    while b"GRW-1" not in shown:
        message = await asyncio.wait_for(socket.receive(), 15)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        shown += message.data
    return socket


def _column(board: Path) -> str:
    with Store(board, actor="Ana Costa", create=False) as store:
        card = store.card("GRW-1")
        return next(c.name for c in store.board(None).columns if c.id == card.column_id)


async def test_a_browser_that_vanishes_mid_move_loses_nothing(served: Served, board: Path) -> None:
    cookies = {COOKIE: served.owner_token}
    http = aiohttp.ClientSession(cookies=cookies)
    socket = await _open(http, served)
    await socket.send_json(["stdin", "L"])
    await http.close()  # the connection drops without a WebSocket goodbye, as a crash does

    await asyncio.to_thread(
        wait_until, lambda: not board_processes(board), "the dropped session's board to end"
    )
    assert check_board(board).ok
    column = _column(board)
    assert column in ("Backlog", "Ready")  # the move happened whole, or not at all
    if column == "Ready":
        with Store(board, actor="Ana Costa", create=False) as store:
            assert store.events(card="GRW-1")[-1].actor == "Ana Costa"

    # The server carries on: the next browser gets the board.
    async with aiohttp.ClientSession(cookies=cookies) as again:
        await (await _open(again, served)).close()


async def test_boards_end_when_the_server_is_killed(served: Served, board: Path) -> None:
    async with aiohttp.ClientSession(cookies={COOKIE: served.owner_token}) as http:
        await _open(http, served)
        assert len(board_processes(board)) == 1
        served.process.send_signal(signal.SIGKILL)
        served.process.wait()

        await asyncio.to_thread(
            wait_until, lambda: not board_processes(board), "the orphaned board to end"
        )
