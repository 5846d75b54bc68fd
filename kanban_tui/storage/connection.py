"""Opening the shared board file safely: identity checks first, then WAL and immediate writes.

Many squadboard processes open one file at once. Every write starts with `BEGIN IMMEDIATE`, so a
writer waits for the lock (busy timeout) instead of failing half-way with SQLITE_BUSY, and the
whole write is retried a few times with jitter when the wait runs out.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import sqlite3
else:
    # The same choice sqlite-utils makes: the bundled, current SQLite when installed.
    try:
        import pysqlite3.dbapi2 as sqlite3
    except ImportError:  # pragma: no cover - platforms without a pysqlite3 wheel
        import sqlite3

from kanban_tui.domain.errors import SquadboardError

APPLICATION_ID = 0x53514244
"""`PRAGMA application_id` of a squadboard file: "SQBD" in ASCII."""

BUSY_TIMEOUT_MS = 5_000
WRITE_ATTEMPTS = 6

T = TypeVar("T")

SQLiteConnection = sqlite3.Connection
DatabaseError = sqlite3.DatabaseError


class Cursor(Protocol):
    """What the storage reads of a query's result, on either backend."""

    @property
    def description(self) -> Any: ...
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The DB-API the storage's SQL runs on: a SQLite connection, or a server's through
    `postgres.ServerConnection`. Queries are written with SQLite's placeholders."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...


class BoardFileError(SquadboardError):
    """The file cannot be used as a board: missing, foreign, corrupt, newer, or busy too long."""

    exit_code = 1


def sqlite_version() -> str:
    """The version of the SQLite library squadboard runs on."""
    return str(sqlite3.sqlite_version)


def connect(path: Path, *, read_only: bool = False) -> SQLiteConnection:
    """Open a connection in autocommit mode; transactions are begun explicitly."""
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
        uri=read_only,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # A shared file is untrusted: no SQL functions with side effects from its schema, and
    # damaged b-tree cells are reported instead of read.
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    return conn


def configure(conn: SQLiteConnection, *, single_writer: bool = False) -> None:
    """Settings for a file shared by many processes: WAL, full fsync on commit.

    `single_writer` keeps a rollback journal instead, for a file on a network filesystem where
    the user accepted that only one person at a time changes the board.
    """
    wanted = "delete" if single_writer else "wal"
    mode = conn.execute(f"PRAGMA journal_mode = {wanted}").fetchone()[0]
    if str(mode).lower() != wanted:
        raise BoardFileError(f"could not switch the board file to {wanted} mode (it stays {mode})")
    conn.execute("PRAGMA synchronous = FULL")


def is_busy(error: BaseException) -> bool:
    """True for SQLITE_BUSY / SQLITE_LOCKED errors, which are worth retrying."""
    message = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in message or "busy" in message
    )


def in_immediate_transaction(conn: SQLiteConnection, work: Callable[[], T]) -> T:
    """Run `work` inside `BEGIN IMMEDIATE ... COMMIT`, retrying the whole of it when busy.

    `work` must read what it needs inside the transaction, since a retry re-runs it from the start.
    Any other exception rolls back and propagates unchanged.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            result = work()
            conn.execute("COMMIT")
            return result
        except BaseException as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if not is_busy(error):
                raise
            if attempt == WRITE_ATTEMPTS:
                raise BoardFileError(
                    "the board file stayed locked by another squadboard for "
                    f"{attempt * BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
                ) from error
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")


def in_read_transaction(conn: SQLiteConnection, work: Callable[[], T]) -> T:
    """Run several reads against one consistent snapshot, then release it at once."""
    conn.execute("BEGIN")
    try:
        return work()
    finally:
        conn.execute("COMMIT")
