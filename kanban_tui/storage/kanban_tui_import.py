"""Moving over from Zaloog's kanban-tui: its SQLite file becomes squads with a history.

Each kanban-tui board becomes a squad: its columns keep their order (columns before its start
column are queues, from the start column on active, from the finish column on done), categories
become value tags, and each task becomes a card created at its creation date, moved to the start
column at its start date and the finish column at its finish date, then into the column it is in
now, in the order kanban-tui shows it. kanban-tui stores local times without a zone; they are read
in the zone given.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.events import (
    CardCreated,
    CardMoved,
    ColumnAdded,
    Event,
    EventKind,
    SquadCreated,
    TagAdded,
)
from kanban_tui.domain.models import ColumnRole
from kanban_tui.domain.ordering import key_between
from kanban_tui.domain.text import (
    NAMED_COLOURS,
    clean_colour,
    clean_description,
    clean_name,
    clean_title,
    prefix_from_name,
)
from kanban_tui.storage.connection import (
    APPLICATION_ID,
    BoardFileError,
    DatabaseError,
    SQLiteConnection,
    connect,
)
from kanban_tui.storage.demo import HistoryBuilder
from kanban_tui.storage.guard import check_header, quick_check

REQUIRED_TABLES = ("boards", "columns", "tasks")
START_NAMES = ("doing", "in progress", "in-progress", "wip", "started")
FINISH_NAMES = ("done", "finished", "complete", "completed")


@dataclass(frozen=True)
class KanbanTuiImport:
    """A kanban-tui file read as squadboard events."""

    events: list[Event]
    squads: int
    cards: int


def read_kanban_tui(path: Path, *, actor: str, timezone: str, now: datetime) -> KanbanTuiImport:
    """Read a kanban-tui database (read-only) into the events of one squad per board.

    Raises:
        BoardFileError: the file is not a readable kanban-tui database; it is never changed.
        InvalidInput: a name or title squadboard cannot take (too long, empty).
    """
    if not path.is_file():
        raise BoardFileError(f"no kanban-tui file at {path}")
    check_header(path)
    conn = connect(path, read_only=True)
    try:
        quick_check(conn, path)
        if int(conn.execute("PRAGMA application_id").fetchone()[0]) == APPLICATION_ID:
            raise BoardFileError(
                f"{path} is a squadboard board, not kanban-tui's; use `squadboard merge {path}`"
            )
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BoardFileError(f"{path} is not a kanban-tui database (no {missing[0]} table)")
        reader = _Reader(conn, ZoneInfo(timezone), actor, now, timezone)
        return reader.read("categories" in tables)
    except DatabaseError as error:
        raise BoardFileError(f"{path} cannot be read as kanban-tui's ({error})") from None
    finally:
        conn.close()


def _rows(
    conn: SQLiteConnection, sql: str, params: list[Any] | None = None
) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


class _Reader:
    def __init__(
        self, conn: SQLiteConnection, zone: ZoneInfo, actor: str, now: datetime, timezone: str
    ) -> None:
        self.conn = conn
        self.zone = zone
        self.now = now
        self.timezone = timezone
        self.history = HistoryBuilder(
            rng=random.Random(), zone=zone, start=now, actor=clean_name(actor, "user name")
        )

    def moment(self, value: Any, fallback: datetime) -> datetime:
        """A kanban-tui time (naive local ISO text) as an aware time, never after now."""
        if not value:
            return fallback
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"kanban-tui time {str(value)[:40]!r} is not ISO 8601") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return min(moment, self.now)

    def read(self, has_categories: bool) -> KanbanTuiImport:
        categories: dict[int, tuple[str, str]] = {}
        if has_categories:
            for index, row in enumerate(_rows(self.conn, "SELECT * FROM categories")):
                colour = str(row.get("color") or "")
                try:
                    colour = clean_colour(colour)
                except InvalidInput:
                    colour = NAMED_COLOURS[index % len(NAMED_COLOURS)]
                name = clean_name(str(row["name"]), "category name")
                categories[row["category_id"]] = (name, colour)
        boards = _rows(self.conn, "SELECT * FROM boards ORDER BY board_id")
        cards = 0
        for board in boards:
            cards += self._board(board, categories)
        return KanbanTuiImport(self.history.stamped(), len(boards), cards)

    def _board(self, board: dict[str, Any], categories: dict[int, tuple[str, str]]) -> int:
        h = self.history
        created = self.moment(board.get("creation_date"), self.now)
        name = clean_name(str(board["name"]), "board name")
        h.squad_id = h.new_id(created)
        h.add(
            EventKind.SQUAD_CREATED,
            SquadCreated(
                name=name,
                mission="",
                timezone=self.timezone,
                prefix=prefix_from_name(name),
            ),
            created,
        )
        columns = _rows(
            self.conn,
            "SELECT * FROM columns WHERE board_id = ? ORDER BY position, column_id",
            [board["board_id"]],
        )
        if not columns:
            return 0
        roles = _roles(columns, board.get("start_column"), board.get("finish_column"))
        column_ids: dict[int, str] = {}
        position: str | None = None
        for column, role in zip(columns, roles, strict=True):
            position = key_between(position, None)
            column_ids[column["column_id"]] = h.new_id(created)
            h.add(
                EventKind.COLUMN_ADDED,
                ColumnAdded(
                    column_id=column_ids[column["column_id"]],
                    name=clean_name(str(column["name"]), "column name"),
                    role=role,
                    position=position,
                ),
                created,
            )
        tag_ids = {category: h.new_id(created) for category in categories}
        for category, (tag_name, colour) in categories.items():
            tag = TagAdded(tag_id=tag_ids[category], name=tag_name, colour=colour)
            h.add(EventKind.TAG_ADDED, tag, created)
        start = next((i for i, r in enumerate(roles) if r is ColumnRole.ACTIVE), None)
        finish = next((i for i, r in enumerate(roles) if r is ColumnRole.DONE), None)
        ordered_ids = [column_ids[c["column_id"]] for c in columns]
        tasks = _rows(
            self.conn,
            "SELECT * FROM tasks WHERE board_id = ? ORDER BY creation_date, task_id",
            [board["board_id"]],
        )
        numbers = {task["task_id"]: number for number, task in enumerate(tasks, start=1)}
        # Since kanban-tui 0.15 tasks keep an order within their column: placing them in that
        # order puts each card where its squad left it.
        tasks.sort(key=lambda task: (task.get("position") or 0, numbers[task["task_id"]]))
        last_position: dict[str, str | None] = {}
        for task in tasks:
            created_at = self.moment(task.get("creation_date"), created)
            current = column_ids.get(task["column"], ordered_ids[0])
            path = [(ordered_ids[0], created_at)]
            if task.get("start_date") and start is not None:
                path.append((ordered_ids[start], self.moment(task["start_date"], created_at)))
            if task.get("finish_date") and finish is not None:
                path.append((ordered_ids[finish], self.moment(task["finish_date"], created_at)))
            if path[-1][0] != current:
                path.append((current, max(moment for _, moment in path)))
            uid = h.new_id(created_at)
            tag_id = tag_ids.get(task.get("category") or -1)
            due = task.get("due_date")
            for step, (column_id, moment) in enumerate(path):
                spot = key_between(last_position.get(column_id), None)
                last_position[column_id] = spot
                if step == 0:
                    h.add(
                        EventKind.CARD_CREATED,
                        CardCreated(
                            number=numbers[task["task_id"]],
                            title=clean_title(str(task["title"])),
                            description=clean_description(str(task.get("description") or "")),
                            column_id=column_id,
                            position=spot,
                            tag_ids=(tag_id,) if tag_id else (),
                            due=date.fromisoformat(str(due)[:10]) if due else None,
                        ),
                        moment,
                        card_uid=uid,
                        event_id=uid,
                    )
                elif column_id != path[step - 1][0]:
                    h.add(
                        EventKind.CARD_MOVED,
                        CardMoved(
                            from_column_id=path[step - 1][0], column_id=column_id, position=spot
                        ),
                        moment,
                        card_uid=uid,
                    )
        return len(tasks)


def _roles(columns: list[dict[str, Any]], start_id: Any, finish_id: Any) -> list[ColumnRole]:
    """Roles in workflow order from kanban-tui's start and finish columns, or from the names."""
    ids = [c["column_id"] for c in columns]
    names = [str(c["name"]).strip().casefold() for c in columns]
    if finish_id in ids:
        finish = ids.index(finish_id)
    else:
        finish = next((i for i, n in enumerate(names) if n in FINISH_NAMES), len(ids) - 1)
    if start_id in ids:
        start = ids.index(start_id)
    else:
        start = next((i for i, n in enumerate(names) if n in START_NAMES), min(1, finish))
    start = min(start, finish)
    roles = []
    for index in range(len(ids)):
        if index >= finish and index > 0:
            roles.append(ColumnRole.DONE)
        elif index >= start:
            roles.append(ColumnRole.ACTIVE)
        else:
            roles.append(ColumnRole.QUEUE)
    return roles
