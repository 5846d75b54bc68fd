"""Headless Chromium driven through the DevTools protocol over a pipe: no driver, no new package.

`--remote-debugging-pipe` makes Chromium read commands on fd 3 and write replies on fd 4, one
JSON message per NUL-terminated line; no debugging port is opened. The DevTools protocol rather
than WebDriver because the test reads the terminal's text from the page's heap
(`Runtime.queryObjects`), which WebDriver cannot reach.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import selectors
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    # Nothing but the board's own server is reachable: no name resolves except loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,800",
)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class CdpError(RuntimeError):
    """A DevTools command failed, or the browser did not answer in time."""


class Chromium:
    """One headless browser with one page; `call` sends a command to that page."""

    def __init__(self, executable: str, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def on_fds_3_and_4() -> None:
            # Dup first: a pipe's own descriptor may already be 3 or 4.
            read_end, write_end = os.dup(commands_read), os.dup(replies_write)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=on_fds_3_and_4,
            pass_fds=(3, 4),
            start_new_session=True,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._replies, selectors.EVENT_READ)
        self._buffer = b""
        self._next_id = 0
        self.session_id: str | None = None
        target = self.call("Target.createTarget", url="about:blank", browser=True)["targetId"]
        attached = self.call("Target.attachToTarget", targetId=target, flatten=True, browser=True)
        self.session_id = attached["sessionId"]

    def call(
        self, method: str, *, browser: bool = False, timeout: float = 15, **params: Any
    ) -> Any:
        """Send one command (to the page unless `browser`) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session_id and not browser:
            message["sessionId"] = self.session_id
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") != self._next_id:
                continue  # an event, or a late reply: the tests wait by polling instead
            if "error" in reply:
                raise CdpError(f"{method}: {reply['error']}")
            return reply.get("result", {})

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                raise CdpError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise CdpError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(line)
        return message

    def evaluate(self, expression: str, *, timeout: float = 15) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise CdpError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, what: str, check: Callable[[], Any], timeout: float = 20) -> Any:
        """Poll `check` until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.05)
        raise CdpError(f"timed out waiting for {what}")

    def press(self, key: str, code: str, key_code: int, *, shift: bool = False) -> None:
        """A real key press on the focused element (as from a keyboard, not injected text)."""
        modifiers = 8 if shift else 0
        self.call(
            "Input.dispatchKeyEvent",
            type="keyDown",
            text=key,
            key=key,
            code=code,
            windowsVirtualKeyCode=key_code,
            modifiers=modifiers,
        )
        self.call(
            "Input.dispatchKeyEvent",
            type="keyUp",
            key=key,
            code=code,
            windowsVirtualKeyCode=key_code,
            modifiers=modifiers,
        )

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])

    def close(self) -> None:
        with contextlib.suppress(CdpError, OSError):
            self.call("Browser.close", browser=True, timeout=5)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
        self._selector.close()
        os.close(self._commands)
        os.close(self._replies)
