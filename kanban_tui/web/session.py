"""One browser tab's board: a squadboard process driven through textual-serve's AppService.

textual-serve speaks the protocol of Textual's web driver (packets over the app's stdin and
stdout) and we keep that part as it is. What changes is how the process starts and ends:
textual-serve runs a shell command line and, when the tab goes, waits for the app to quit
with no time limit. A session here starts the member's board directly (no shell, so a
member's name is never parsed by one) in its own process group, and a process that does not
quit within a grace period is killed, so a closed tab never leaves a process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

QUIT_GRACE_SECONDS = 3.0
"""How long a board may take to quit after its tab closed before it is killed."""


def board_command(db_path: Path, member: str) -> list[str]:
    """The command line of a browser session's board process, acting as `member`."""
    return [
        sys.executable,
        "-m",
        "kanban_tui.app.browser_session",
        "--db",
        str(db_path),
        "--member",
        member,
    ]


class BoardSession(AppService):
    """A member's board process for one browser tab."""

    def __init__(
        self,
        argv: list[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            # squadboard delivers no files to the browser; AppService still wants a manager.
            download_manager=DownloadManager(),
        )
        self.argv = argv
        self.process: Process | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """Start the board without a shell, in a process group of its own."""
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        # AppService.run() and send_bytes() read these two.
        self._process = self.process
        self._stdin = self.process.stdin
        return self.process

    async def end(self) -> None:
        """Ask the board to quit; kill its process group if it has not in QUIT_GRACE_SECONDS."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop(), QUIT_GRACE_SECONDS)
        process = self.process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
