"""Helpers for storage tests: raw access to a board file's tables."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from kanban_tui.storage.connection import connect
from kanban_tui.storage.schema import PROJECTION_TABLES
from kanban_tui.storage.store import Store


def dump_projections(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted, for comparing two states."""
    conn = connect(store.path)
    try:
        return {
            table: sorted(
                (tuple(row) for row in conn.execute(f"SELECT * FROM {table}")),
                key=repr,
            )
            for table in PROJECTION_TABLES
        }
    finally:
        conn.close()


def event_count(path: Path) -> int:
    conn = connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


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
