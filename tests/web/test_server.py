"""The server's door: no valid link, no board; links become cookies; sessions end cleanly."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient

from kanban_tui.storage.store import Store
from kanban_tui.web import server as server_module
from kanban_tui.web.server import COOKIE, BoardServer
from tests.web.conftest import fake_board

Client = TestClient[web.Request, web.Application]


async def _enter(client: Client, token: str) -> None:
    response = await client.get(f"/?token={token}", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"


async def test_without_a_link_nothing_of_the_board_is_served(client: Client) -> None:
    for path in ("/", "/ws", "/?token=", "/?token=not-a-token"):
        response = await client.get(path)
        assert response.status == 403, path
        body = await response.text()
        assert "Growth squad" not in body
        assert "terminal" not in body


async def test_a_member_link_becomes_an_http_only_strict_cookie(
    client: Client, store: Store
) -> None:
    _, token = store.invite_member("Ben")

    response = await client.get(f"/?token={token}", allow_redirects=False)

    assert response.status == 303
    cookie = response.cookies[COOKIE]
    assert cookie.value == token
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = await client.get("/")
    assert page.status == 200
    assert 'class="textual-terminal"' in await page.text()
    assert "googleapis" not in await page.text()


async def test_a_revoked_link_is_refused_even_with_its_cookie(client: Client, store: Store) -> None:
    _, token = store.invite_member("Ben")
    await _enter(client, token)
    store.revoke_member("Ben")

    assert (await client.get("/")).status == 403
    assert (await client.get(f"/?token={token}")).status == 403
    assert (await client.get("/ws")).status == 403


async def test_the_owners_link_lives_in_memory_only(
    client: Client, server: BoardServer, store: Store
) -> None:
    await _enter(client, server.owner_token)
    assert (await client.get("/")).status == 200
    assert store.member_for_token(server.owner_token) is None


async def test_a_session_from_another_sites_page_is_refused(
    client: Client, server: BoardServer
) -> None:
    await _enter(client, server.owner_token)
    response = await client.get("/ws", headers={"Origin": "https://evil.example"})
    assert response.status == 403
    assert server.sessions == []


async def test_closing_the_socket_ends_the_board_process(
    client: Client, server: BoardServer
) -> None:
    await _enter(client, server.owner_token)
    socket = await client.ws_connect("/ws?width=100&height=30")
    await _wait(lambda: server.sessions and server.sessions[0].board.process)
    process = server.sessions[0].board.process
    assert process is not None
    await socket.send_json(["stdin", "L"])
    await socket.close()

    await _wait(lambda: not server.sessions)
    assert process.returncode == 0  # it quit when asked


async def test_a_board_that_ignores_quit_is_killed_after_the_grace_period(
    client: Client, server: BoardServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "command", fake_board("stubborn"))
    monkeypatch.setattr("kanban_tui.web.session.QUIT_GRACE_SECONDS", 0.3)
    await _enter(client, server.owner_token)
    socket = await client.ws_connect("/ws")
    await _wait(lambda: server.sessions and server.sessions[0].board.process)
    process = server.sessions[0].board.process
    assert process is not None
    await socket.close()

    await _wait(lambda: not server.sessions)
    assert process.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)


async def test_revoking_a_link_closes_its_open_session(
    client: Client, server: BoardServer, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "REVOCATION_CHECK_SECONDS", 0.05)
    watcher = asyncio.create_task(server.close_revoked_sessions())
    try:
        _, token = store.invite_member("Ben")
        await _enter(client, token)
        socket = await client.ws_connect("/ws")
        await _wait(lambda: server.sessions and server.sessions[0].board.process)
        assert server.sessions[0].member == "Ben"
        store.revoke_member("Ben")

        message = await asyncio.wait_for(socket.receive(), 5)
        assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
        await _wait(lambda: not server.sessions)
    finally:
        watcher.cancel()


async def test_sessions_beyond_the_limit_are_turned_away(
    client: Client, server: BoardServer
) -> None:
    await _enter(client, server.owner_token)
    sockets = [await client.ws_connect("/ws") for _ in range(server.max_sessions)]
    await _wait(lambda: len(server.sessions) == server.max_sessions)

    response = await client.get("/ws")
    assert response.status == 503
    for socket in sockets:
        await socket.close()
    await _wait(lambda: not server.sessions)


async def _wait(condition: object, timeout: float = 10) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
