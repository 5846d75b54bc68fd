"""`squadboard serve`: the board in a browser, one board process per tab, members by secret link.

Every request must carry a valid link: the owner's (made when the server starts, for the user
running it, kept in memory only) or a member's (`squadboard member invite`, checked against
the board file on every request, so revoking works at once). The link's token moves into an
HttpOnly cookie and the browser is sent to `/`, which keeps the secret out of the address bar
(screen sharing) and out of later requests' logs. Open sessions whose link is revoked are
closed within `REVOCATION_CHECK_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from kanban_tui.storage.member_tokens import new_token
from kanban_tui.storage.store import Store
from kanban_tui.web.session import BoardSession, board_command

log = logging.getLogger("squadboard.serve")

COOKIE = "squadboard_link"
COOKIE_MAX_AGE = 30 * 24 * 3600
"""A member who bookmarks the board (the page's own address, without the token) gets back in
for 30 days after their last visit; after that, or on another browser, they use the link."""
REVOCATION_CHECK_SECONDS = 2.0
MAX_MESSAGE_BYTES = 64 * 1024
"""Key presses and resizes are tiny; anything bigger is not from textual-serve's page."""

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    # Card text may hold links; following one must not hand the token to another site.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'"
    ),
}

PAGE = files("kanban_tui.web").joinpath("board.html").read_text(encoding="utf-8")
STATIC = Path(str(files("textual_serve").joinpath("static")))

REFUSED_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>squadboard</title></head><body style="font-family: sans-serif; margin: 3em">
<h1>This board is private</h1><p>{reason}</p></body></html>"""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Session:
    """A browser tab with its board process."""

    member: str
    websocket: web.WebSocketResponse
    board: BoardSession
    member_token: str | None
    """The member's link, re-checked for revocation; None for the owner's link."""


@dataclass
class BoardServer:
    """The web server's state: the board file, the owner's link and the open sessions."""

    store: Store
    owner: str
    max_sessions: int
    secure_cookie: bool = False
    """Set when teammates reach the server over https (a TLS proxy): the cookie is then never
    sent over plain http."""
    command: Callable[[Path, str], list[str]] = board_command
    owner_token: str = field(default_factory=new_token)
    sessions: list[Session] = field(default_factory=list)
    _endings: set[asyncio.Task[None]] = field(default_factory=set)

    # -- who is asking -----------------------------------------------------------------------

    async def member_for(self, token: str | None) -> str | None:
        """The member a token stands for, or None when it is missing, unknown or revoked."""
        if not token or len(token) > 200:
            return None
        if hmac.compare_digest(token.encode(), self.owner_token.encode()):
            return self.owner
        return await asyncio.to_thread(self.store.member_for_token, token)

    def _refuse(self, reason: str) -> web.Response:
        return web.Response(
            status=403,
            text=REFUSED_PAGE.format(reason=reason),
            content_type="text/html",
            headers=SECURITY_HEADERS,
        )

    # -- routes ------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        """`/?token=...` swaps the link for a cookie; `/` shows the board to a known browser."""
        if "token" in request.query:
            token = request.query["token"]
            if await self.member_for(token) is None:
                return self._refuse(
                    "This link is not valid: it was revoked or mistyped. "
                    "Ask whoever runs the board for a new one."
                )
            response = web.Response(status=303, headers={**SECURITY_HEADERS, "Location": "/"})
            response.set_cookie(
                COOKIE,
                token,
                max_age=COOKIE_MAX_AGE,
                httponly=True,
                samesite="Strict",
                secure=self.secure_cookie,
            )
            return response
        if await self.member_for(request.cookies.get(COOKIE)) is None:
            return self._refuse(
                "Open the board with the link you were given (it ends in ?token=...)."
            )
        return web.Response(text=PAGE, content_type="text/html", headers=SECURITY_HEADERS)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One tab's session: its board process lives exactly as long as this socket."""
        token = request.cookies.get(COOKIE)
        member = await self.member_for(token)
        if member is None or token is None:
            return self._refuse("No valid link.")
        if not _same_origin(request):
            return self._refuse("The page that opened this connection is not the board's.")
        if len(self.sessions) >= self.max_sessions:
            return web.Response(
                status=503,
                text=f"The board already has {self.max_sessions} open sessions; try again later.",
            )
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
        await websocket.prepare(request)
        is_owner = hmac.compare_digest(token.encode(), self.owner_token.encode())

        async def close() -> None:
            await websocket.close()

        board = BoardSession(
            self.command(self.store.path, member),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
        )
        session = Session(member, websocket, board, None if is_owner else token)
        self.sessions.append(session)
        log.info("%s opened the board (%d sessions)", member, len(self.sessions))
        try:
            await board.start(_size(request, "width", 80), _size(request, "height", 24))
            watch = asyncio.create_task(_close_when_ended(board, websocket))
            await _relay(websocket, board)
        finally:
            # aiohttp cancels this handler when the browser drops the connection; the board
            # process must end all the same, so its ending runs on in a task of its own.
            ending = asyncio.create_task(self._end_session(session))
            self._endings.add(ending)
            ending.add_done_callback(self._endings.discard)
            await asyncio.shield(ending)
        await watch
        return websocket

    async def _end_session(self, session: Session) -> None:
        await session.board.end()
        self.sessions.remove(session)
        process = session.board.process
        log.info(
            "%s closed the board (exit status %s; %d sessions)",
            session.member,
            process.returncode if process else "none",
            len(self.sessions),
        )

    # -- housekeeping ------------------------------------------------------------------------

    async def close_revoked_sessions(self) -> None:
        """Close, every few seconds, the sessions whose member link was revoked."""
        while True:
            await asyncio.sleep(REVOCATION_CHECK_SECONDS)
            for session in list(self.sessions):
                if session.member_token is None:
                    continue
                if await self.member_for(session.member_token) is None:
                    log.info("%s's link was revoked: closing their session", session.member)
                    await session.board.end()

    async def close_all_sessions(self, _app: web.Application | None = None) -> None:
        """End every board process (a quit, then a kill after the grace period)."""
        await asyncio.gather(*(session.board.end() for session in list(self.sessions)))
        await asyncio.gather(*self._endings)

    def application(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/ws", self.websocket),
                # textual-serve's page assets (terminal emulator, font): nothing of the board.
                web.static("/static", STATIC),
            ]
        )
        app.on_shutdown.append(self.close_all_sessions)
        return app


async def _relay(websocket: web.WebSocketResponse, board: BoardSession) -> None:
    """Pass the page's key presses, resizes and focus changes to the board process."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        except (ValueError, TypeError, IndexError, KeyError):
            continue  # not from textual-serve's page: ignore rather than end the session
        if kind == "stdin" and isinstance(data, str):
            await board.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            width, height = data.get("width"), data.get("height")
            if isinstance(width, int) and isinstance(height, int):
                await board.set_terminal_size(min(max(width, 1), 1000), min(max(height, 1), 500))
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await board.blur()
        elif kind == "focus":
            await board.focus()


async def _close_when_ended(board: BoardSession, websocket: web.WebSocketResponse) -> None:
    """However the board process ends (quit, crash, revoked link), the page learns at once."""
    assert board.process is not None
    await board.process.wait()
    await websocket.close()


def _size(request: web.Request, name: str, default: int) -> int:
    try:
        return min(max(int(request.query.get(name, default)), 1), 1000)
    except ValueError:
        return default


def _same_origin(request: web.Request) -> bool:
    """A browser always names the page that opens a WebSocket: it must be the board's own.

    Otherwise any web page a member visits could open a session with their cookie.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser, so no cookie it did not mean to send
    return urlsplit(origin).netloc.lower() == request.host.lower()


async def run_server(
    server: BoardServer,
    host: str,
    port: int,
    on_ready: Callable[[str], None],
) -> None:
    """Serve until SIGINT or SIGTERM, then close every session (and its process) and stop."""
    app = server.application()
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0]
    actual_port = bound[1]
    shown_host = f"[{host}]" if ":" in host else host
    on_ready(f"http://{shown_host}:{actual_port}")

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    watcher = asyncio.create_task(server.close_revoked_sessions())
    try:
        await stop.wait()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await runner.cleanup()
