"""Helpers for storage tests: raw access to a board file's tables."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kanban_tui.storage.connection import Connection, connect
from kanban_tui.storage.schema import PROJECTION_TABLES
from kanban_tui.storage.store import Store


def dump_projections(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted, for comparing two states (also across backends)."""

    def dump(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
        tables = {}
        for table in PROJECTION_TABLES:
            cursor = conn.execute(f"SELECT * FROM {table}")
            # A server's tables add a `rowid` column that a file's keep hidden.
            kept = [i for i, d in enumerate(cursor.description) if d[0] != "rowid"]
            rows = (tuple(row[i] for i in kept) for row in cursor.fetchall())
            tables[table] = sorted(rows, key=repr)
        return tables

    return store._read(dump)


def event_count(path: Path) -> int:
    """Events in a board file's log, read without opening it as a board."""
    conn = connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def log_length(store: Store) -> int:
    """Events in the board's log (on either backend)."""
    return int(store._read(lambda conn: conn.execute("SELECT count(*) FROM events").fetchone()[0]))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settle(path: Path) -> None:
    """Fold the WAL into the file, so the file alone holds the board (as a copy would see it)."""
    conn = connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def tamper(path: Path, sql: str) -> None:
    """Change a board file behind squadboard's back (as a hostile teammate could), then settle."""
    conn = connect(path)
    conn.execute(sql)
    conn.close()
    settle(path)


def query(store: Store, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of one raw query against the board (on either backend)."""
    return [tuple(row) for row in store._read(lambda conn: conn.execute(sql, params).fetchall())]


def execute(store: Store, sql: str, params: Sequence[Any] = ()) -> None:
    """One raw statement in a write transaction, bypassing the board's rules (for planting)."""
    store._write(lambda writer: writer.conn.execute(sql, params))


def same_board(store: Store) -> Path | str:
    """Where `store`'s board is, to open it again as a teammate (a server URL keeps its
    password here, unlike `Store.location`)."""
    url: str | None = getattr(store.backend, "url", None)
    return url if url is not None else store.path
