"""`squadboard serve` under load: how many browser sessions keep card moves under 100 ms.

    python -m bench.serve                      # everyone moving a card every 1-2 s
    python -m bench.serve --sessions 4 12 24 --pause 10 20 --seconds 60   # a calmer squad

Each simulated browser speaks what textual-serve's page speaks over the WebSocket (key presses
in, terminal output out), so the figures are the serving machine's: in real use the browsers
run on teammates' machines. Every session filters the board down to its own card (`/` and the
card's title), then moves it right and back with shift+L / shift+H (`--pause`). A move's time is
from sending the key until the session's screen, rebuilt from the terminal output by a minimal
emulator, shows the card in its new column: the write, the redraw and the trip through the
server. Every other session notices each move through live refresh and re-reads the board, as
with full boards; drawing only one card, a filtered session redraws less than a full one would.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import aiohttp
from rich.cells import get_character_cell_size

from kanban_tui.storage.demo import build_demo_history
from kanban_tui.storage.store import Store
from kanban_tui.web.server import COOKIE

WIDTH, HEIGHT = 160, 45
"""The terminal a browser window of about 1,450 x 950 CSS pixels holds at the page's font size."""
CSI = re.compile(rb"\x1b\[([0-9;?<>=]*)([@-~])|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")


class Screen:
    """Just enough of a terminal to read Textual's output: cursor positioning and text.

    Textual moves the cursor with `ESC [ row ; col H` before each line it redraws and styles
    text with SGR (`m`) sequences, which are skipped.
    """

    def __init__(self) -> None:
        self.grid = [[" "] * WIDTH for _ in range(HEIGHT)]
        self.row = self.col = 0
        self._pending = b""
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode

    def feed(self, data: bytes) -> None:
        data = self._pending + data
        # An escape sequence cut at the end of a packet waits for the rest in the next one.
        cut = data.rfind(b"\x1b")
        if cut != -1 and not CSI.match(data, cut):
            data, self._pending = data[:cut], data[cut:]
        else:
            self._pending = b""
        at = 0
        for match in CSI.finditer(data):
            self._text(data[at : match.start()])
            at = match.end()
            if match.group(2) == b"H":
                parts = (match.group(1) or b"1;1").split(b";")
                self.row = int(parts[0] or 1) - 1
                self.col = int(parts[1] or 1) - 1 if len(parts) > 1 else 0
        self._text(data[at:])

    def _text(self, chunk: bytes) -> None:
        for char in self._decode(chunk):
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self.row += 1
            elif char >= " " and 0 <= self.row < HEIGHT:
                width = get_character_cell_size(char)
                for offset in range(width):
                    if 0 <= self.col + offset < WIDTH:
                        self.grid[self.row][self.col + offset] = char if offset == 0 else ""
                self.col += width

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]

    def column_of(self, text: str) -> str | None:
        """Which board column `text` is drawn in, from where the column headers are."""
        lines = self.lines()
        header = next((ln for ln in lines if all(name in ln for name in COLUMNS)), None)
        if header is None:
            return None
        starts = sorted((header.index(name), name) for name in COLUMNS)
        # The details panel, right of the board, names the focused card too.
        board_width = header.find("▏") if "▏" in header else len(header)
        for line in lines:
            x = line.find(text)
            if 0 <= x < board_width:
                return [name for start, name in starts if start <= x + 2][-1]
        return None


@dataclass
class Session:
    """One simulated browser tab moving its own card."""

    number: int
    key: str
    socket: aiohttp.ClientWebSocketResponse
    screen: Screen = field(default_factory=Screen)
    moves_ms: list[float] = field(default_factory=list)
    failures: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    ended: bool = False
    reader: asyncio.Task[None] | None = None

    async def pump(self) -> None:
        """Take in everything the board sends, all the time, as an open tab does.

        Reading also answers the server's WebSocket heartbeat: a tab that stops reading for
        half a minute is taken for gone and its session closed.
        """
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen.feed(message.data)
                self.changed.set()
        self.ended = True
        self.changed.set()

    async def read_until(self, done: object, timeout: float) -> bool:
        """Wait until `done()` holds for the screen, or `timeout` seconds pass."""
        assert callable(done)
        deadline = time.monotonic() + timeout
        while True:
            self.changed.clear()
            if done():
                return True
            if self.ended:
                raise RuntimeError(f"session {self.number} ended")
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                return False

    async def type(self, text: str) -> None:
        await self.socket.send_json(["stdin", text])

    async def move(self, key: str, target: str) -> None:
        started = time.perf_counter()
        await self.type(key)
        if await self.read_until(lambda: self.screen.column_of(self.key) == target, 5):
            self.moves_ms.append((time.perf_counter() - started) * 1000)
        else:
            self.failures += 1


def build_board(path: Path, sessions: int) -> list[str]:
    """The 120-card demo plus one card per session at the top of Backlog; returns their keys."""
    now = datetime.now(UTC)
    with Store(path, actor="Ana Costa") as store:
        store.append_history(
            build_demo_history(name="Growth squad", cards=120, seed=7, now=now, actor="Ana Costa")
        )
        return [
            store.add_card(None, f"Benchtask{n:03d}", column="Backlog", top=True).card.key
            for n in range(sessions)
        ]


async def open_session(http: aiohttp.ClientSession, address: str, number: int, key: str) -> Session:
    socket = await http.ws_connect(f"{address}/ws?width={WIDTH}&height={HEIGHT}")
    session = Session(number, key, socket)
    session.reader = asyncio.create_task(session.pump())
    if not await session.read_until(lambda: session.screen.column_of("Backlog") is not None, 60):
        raise RuntimeError(f"session {number} never drew the board")
    shown = f"“Benchtask{number:03d}”: 1 cards"
    for _attempt in range(3):
        # A key sent while the board is still starting can be lost: try again if so.
        await asyncio.sleep(0.5)
        await session.type("\x1b")
        await asyncio.sleep(0.2)
        await session.type("/")
        await asyncio.sleep(0.2)
        await session.type(f"Benchtask{number:03d}")
        if await session.read_until(lambda: shown in session.screen.lines()[0], 15):
            break
    else:
        raise RuntimeError(f"session {number} never filtered to {key}")
    await session.type("\r")
    await asyncio.sleep(0.5)
    return session


async def drive(
    session: Session, until: float, pause: tuple[float, float], rng: random.Random
) -> None:
    while time.monotonic() < until:
        await asyncio.sleep(rng.uniform(*pause))
        await session.move("L", "Ready")
        await asyncio.sleep(rng.uniform(*pause))
        await session.move("H", "Backlog")


def board_memory_mb(db: Path) -> float:
    """Resident memory of every board process on `db`, in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
            if b"browser_session" not in command or str(db).encode() not in command:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


async def measure(
    address: str,
    token: str,
    db: Path,
    keys: list[str],
    seconds: float,
    pause: tuple[float, float],
) -> str:
    rng = random.Random(len(keys))
    async with aiohttp.ClientSession(cookies={COOKIE: token}) as http:
        opened_at = time.monotonic()
        sessions = []
        for number, key in enumerate(keys):
            sessions.append(await open_session(http, address, number, key))
        opened = time.monotonic() - opened_at
        memory = board_memory_mb(db)
        load_before = os.getloadavg()[0]
        until = time.monotonic() + seconds
        await asyncio.gather(*(drive(s, until, pause, rng) for s in sessions))
        load = os.getloadavg()[0]
        for session in sessions:
            await session.socket.close()
    moves = sorted(m for s in sessions for m in s.moves_ms)
    failures = sum(s.failures for s in sessions)
    p95 = moves[int(len(moves) * 0.95) - 1] if moves else float("nan")
    under = sum(m < 100 for m in moves) / len(moves) * 100 if moves else 0.0
    return (
        f"| {len(keys)} | {len(moves)} | {statistics.median(moves):.0f} | {p95:.0f} | "
        f"{moves[-1]:.0f} | {under:.0f}% | {failures} | {memory:.0f} | {opened:.1f} | "
        f"{load_before:.1f} -> {load:.1f} |"
    )


def _copy(source: IO[str], log: Path) -> None:
    with log.open("a") as out:
        for line in source:
            out.write(line)
            out.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 3, 4, 6, 8])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--pause",
        type=float,
        nargs=2,
        default=(1.0, 2.0),
        metavar=("LOW", "HIGH"),
        help="seconds each session waits between two moves, drawn between LOW and HIGH",
    )
    args = parser.parse_args()
    print(
        "| sessions | moves | median ms | p95 ms | max ms | under 100 ms | lost | "
        "boards' RSS MB | open all s | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for count in args.sessions:
        with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
            db = Path(folder) / "board.db"
            keys = build_board(db, count)
            server_log = Path(folder) / "server.log"
            server = subprocess.Popen(
                [
                    *(sys.executable, "-m", "kanban_tui", "--db", str(db), "--user", "Ana Costa"),
                    *("serve", "--port", "0", "--max-sessions", str(count)),
                ],
                stdout=subprocess.PIPE,
                stderr=server_log.open("a"),
                text=True,
                start_new_session=True,
            )
            try:
                assert server.stdout is not None
                address = server.stdout.readline().split(" at ")[1].strip()
                server.stdout.readline()
                token = server.stdout.readline().strip().split("?token=")[1]
                # Board processes' error output reaches the server's stdout (textual-serve
                # relays it there): keep reading it, into the log, so the pipe never fills.
                threading.Thread(
                    target=_copy, args=(server.stdout, server_log), daemon=True
                ).start()
                row = asyncio.run(
                    measure(address, token, db, keys, args.seconds, tuple(args.pause))
                )
                print(row, flush=True)
            except Exception:
                print(server_log.read_text()[-3000:], file=sys.stderr)
                raise
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
