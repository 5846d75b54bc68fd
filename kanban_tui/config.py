"""Where the board file is and who is acting, resolved lazily (nothing happens at import)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DB_ENV = "SQUADBOARD_DB"
USER_ENV = "SQUADBOARD_USER"
SQUAD_ENV = "SQUADBOARD_SQUAD"
SINGLE_WRITER_ENV = "SQUADBOARD_NETWORK_FS_SINGLE_WRITER"


def default_db_path() -> Path:
    """`$SQUADBOARD_DB`, else `squadboard.db` in the user's data directory."""
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("squadboard", appauthor=False) / "squadboard.db"


def default_actor() -> str:
    """`$SQUADBOARD_USER`, else the login name."""
    return os.environ.get(USER_ENV) or getpass.getuser()
