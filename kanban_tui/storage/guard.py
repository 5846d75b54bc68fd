"""Checks that keep a damaged or hostile board file from doing harm, run before it is used.

A board file may come from anyone who can write to a shared folder. Before squadboard writes to a
file or reads its rows it checks the file's header, and compares every schema object with what
some squadboard version created: a planted trigger or view would otherwise run inside squadboard's
own statements (a trigger runs even with `trusted_schema=OFF`).
"""

from __future__ import annotations

from pathlib import Path

from kanban_tui.storage.connection import BoardFileError, DatabaseError, SQLiteConnection
from kanban_tui.storage.schema_allowlist import ALLOWED_OBJECTS

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_OWN_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})
"""Tables SQLite itself creates (AUTOINCREMENT, ANALYZE): allowed in any file."""

MAX_VALUE_BYTES = 256 * 1024
"""The largest event payload squadboard accepts from another file or a log line (a card's whole
description, 20,000 characters, fits several times over)."""


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite, or shorter than its header says (truncated), unread.

    An empty file passes: it becomes a new board.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(100)
    except OSError as error:
        raise BoardFileError(f"cannot read {path}: {error.strerror or error}") from None
    if size == 0:
        return
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise BoardFileError(
            f"{path} is not a squadboard board file (not even SQLite); nothing was changed"
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is only valid when its "version valid for" matches the
    # change counter (SQLite's file format, section 1.3.7). While a WAL or rollback journal is
    # beside the file, a checkpoint may have written the new header before the pages it counts
    # (the crash test caught this): SQLite completes the file from the journal itself.
    count_is_valid = header[24:28] == header[92:96]
    journals = (Path(f"{path}-wal"), Path(f"{path}-journal"))
    journaled = any(j.exists() and j.stat().st_size > 0 for j in journals)
    if count_is_valid and pages and size < pages * page_size and not journaled:
        raise BoardFileError(
            f"{path} is truncated ({size} of {pages * page_size} bytes); nothing was changed, "
            "restore it from a backup"
        )


def unexpected_objects(conn: SQLiteConnection) -> list[str]:
    """Schema objects squadboard never created (or whose SQL differs), as 'trigger NAME' texts."""
    found = []
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid")
    for kind, name, table, sql in rows:
        if name in SQLITE_OWN_TABLES:
            continue
        is_key_index = sql is None and kind == "index" and name.startswith("sqlite_autoindex_")
        if is_key_index and table in ALLOWED_OBJECTS:
            continue  # the UNIQUE or PRIMARY KEY index of an allowed table
        allowed = ALLOWED_OBJECTS.get(name)
        if allowed is None or allowed[0] != kind or sql not in allowed[1]:
            found.append(f"{kind} {name}")
    return found


def check_schema(conn: SQLiteConnection, path: Path) -> None:
    """Refuse a file whose schema holds anything squadboard did not create."""
    try:
        unexpected = unexpected_objects(conn)
    except DatabaseError as error:
        raise BoardFileError(f"{path} is damaged ({error}); nothing was changed") from None
    if unexpected:
        more = f" and {len(unexpected) - 1} more" if len(unexpected) > 1 else ""
        raise BoardFileError(
            f"{path} holds a {unexpected[0]}{more} that squadboard did not create; refusing to "
            "use it (see `squadboard check`)"
        )


def quick_check(conn: SQLiteConnection, path: Path) -> None:
    """SQLite's quick check of every page, for a file about to be read in full (merge, import)."""
    try:
        result = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    except DatabaseError as error:
        result = [str(error)]
    if result != ["ok"]:
        raise BoardFileError(f"{path} is damaged ({result[0]}); nothing was changed")
