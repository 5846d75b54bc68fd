"""Where the board file is and who is acting, resolved lazily (nothing happens at import)."""

from __future__ import annotations

import getpass
import os

DB_ENV = "SQUADBOARD_DB"
USER_ENV = "SQUADBOARD_USER"
SQUAD_ENV = "SQUADBOARD_SQUAD"
SINGLE_WRITER_ENV = "SQUADBOARD_NETWORK_FS_SINGLE_WRITER"


def default_board() -> str:
    """`$SQUADBOARD_DB` (a file or a server URL), else `squadboard.db` in the user's data
    directory."""
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return from_env
    from platformdirs import user_data_path

    return str(user_data_path("squadboard", appauthor=False) / "squadboard.db")


def default_actor() -> str:
    """`$SQUADBOARD_USER`, else the login name."""
    return os.environ.get(USER_ENV) or getpass.getuser()
