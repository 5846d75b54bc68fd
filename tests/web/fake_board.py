"""A stand-in for a board process that speaks just enough of Textual's web-driver protocol.

`polite` quits when the server asks it to; `stubborn` ignores every request, as a hung app would.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    stubborn = sys.argv[1] == "stubborn"
    sys.stdout.write("__GANGLION__\n")
    sys.stdout.flush()
    stdin = sys.stdin.buffer
    while True:
        header = stdin.read(5)
        if len(header) < 5:
            break
        payload = stdin.read(int.from_bytes(header[1:], "big"))
        if header[:1] == b"M" and json.loads(payload).get("type") == "quit" and not stubborn:
            return
    while stubborn:
        time.sleep(1)


if __name__ == "__main__":
    main()
