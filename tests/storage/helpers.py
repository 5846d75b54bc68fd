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
