"""Merging another copy of a board: the union of both event logs, folded again.

The board is a fold of its events in (hlc, id) order, so merging is set union and the result is
the same whichever copies are merged, in whatever order, however often. The other file is only
read, after the same checks as on open plus SQLite's quick check, and every event is validated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kanban_tui.domain.events import Event, checked_event
from kanban_tui.storage.connection import (
    BoardFileError,
    Connection,
    DatabaseError,
    SQLiteConnection,
    connect,
)
from kanban_tui.storage.guard import check_header, quick_check
from kanban_tui.storage.schema import check_identity


def read_board_events(path: Path) -> list[Event]:
    """Every event of another board file, which is opened read-only and checked first.

    Raises:
        BoardFileError: the file is missing, no board, newer, hostile, damaged, or holds an
            invalid event; it is never changed.
    """
    if not path.is_file():
        raise BoardFileError(f"no board file at {path}")
    check_header(path)
    try:
        conn = connect(path, read_only=True)
    except DatabaseError as error:
        raise BoardFileError(f"cannot open {path} ({error})") from None
    try:
        if check_identity(conn, path) and not _has_table(conn, "events"):
            raise BoardFileError(f"{path} is empty: no board to merge")
        quick_check(conn, path)
        has_parents = any(r[1] == "parents" for r in conn.execute("PRAGMA table_info(events)"))
        cursor = conn.execute(
            "SELECT id, hlc, at, recorded_at, actor, squad_id, card_uid, kind, payload, "
            f"{'parents' if has_parents else 'NULL'} FROM events ORDER BY hlc, id"
        )
        names = [d[0] for d in cursor.description]
        names[-1] = "parents"
        return [_checked_row(path, dict(zip(names, row, strict=True))) for row in cursor]
    except DatabaseError as error:
        raise BoardFileError(f"{path} is damaged ({error}); nothing was changed") from None
    finally:
        conn.close()


def _has_table(conn: SQLiteConnection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [name])
    return found.fetchone() is not None


def _checked_row(path: Path, row: dict[str, Any]) -> Event:
    try:
        row["payload"] = json.loads(row["payload"])
        if row["parents"] is not None:
            row["parents"] = json.loads(row["parents"])
        return checked_event(row)
    except (ValueError, TypeError) as error:
        raise BoardFileError(
            f"{path} holds an invalid event {str(row.get('id'))[:40]!r} ({error}); nothing was "
            "changed"
        ) from None


@dataclass(frozen=True)
class ConcurrentEdit:
    """A field two people changed without seeing each other's change."""

    card: str
    field: str
    kept_event: str
    lost_event: str


@dataclass(frozen=True)
class OverLimit:
    """A column over its `block` WIP limit: shown after a merge, never silently fixed."""

    squad: str
    column: str
    cards: int
    limit: int


def concurrent_edits(conn: Connection) -> list[ConcurrentEdit]:
    rows = conn.execute(
        "SELECT k.key, c.field, c.winner_event_id, c.loser_event_id FROM card_conflicts c"
        " JOIN cards k ON k.uid = c.card_uid ORDER BY k.key, c.field, c.loser_event_id"
    )
    return [ConcurrentEdit(*row) for row in rows]


def over_block_limits(conn: Connection) -> list[OverLimit]:
    rows = conn.execute(
        "SELECT s.name, c.name, count(k.uid), c.wip_limit FROM columns c"
        " JOIN squads s ON s.id = c.squad_id"
        " JOIN cards k ON k.column_id = c.id AND k.archived = 0 AND k.deleted = 0"
        " WHERE c.wip_policy = 'block' AND c.wip_limit IS NOT NULL AND c.removed = 0"
        " GROUP BY c.id, s.name HAVING count(k.uid) > c.wip_limit ORDER BY s.name, c.position"
    )
    return [OverLimit(*row) for row in rows]


@dataclass(frozen=True)
class MergeReport:
    """What a merge brought in."""

    source: str
    received: int
    """Events in the other copy."""
    added: int
    """Of those, events this board did not have yet."""
    new_concurrent_edits: list[ConcurrentEdit]
    over_limit: list[OverLimit]
