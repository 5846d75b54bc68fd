"""The board of one browser tab: the process `squadboard serve` starts for each session.

The server has already checked the member's link; this process acts as that member. It keeps
no UI memory (theme, last squad): that file belongs to the user running the server, and every
member's session would otherwise overwrite it.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

from kanban_tui.domain.errors import SquadboardError


def main(argv: list[str] | None = None) -> None:
    """Open the board for one member; Textual's web driver comes from the environment."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = argparse.ArgumentParser(prog="squadboard-browser-session")
    parser.add_argument("--db", type=Path, required=True, help="the board file")
    parser.add_argument("--member", required=True, help="who acts in this session")
    args = parser.parse_args(argv)

    from kanban_tui.app.app import create_app
    from kanban_tui.storage.store import Store

    try:
        store = Store(args.db, actor=args.member, create=False)
    except SquadboardError as error:
        sys.exit(f"squadboard: {error}")
    threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), name="server-watch", daemon=True
    ).start()
    create_app(store).run()


def _exit_when_orphaned(server: int) -> None:
    """End this board when the server is gone (killed without closing its sessions).

    Textual's web driver does not exit when its input closes, so an orphaned board would run on
    with nobody to see it. Exiting at once is safe: every change is one SQLite transaction, so
    one in flight is either committed or rolled back, never half-written.
    """
    while os.getppid() == server:
        time.sleep(1)
    os._exit(1)


if __name__ == "__main__":
    main()
