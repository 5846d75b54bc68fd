"""When cards started and finished, read from a few stays per card (no whole histories).

Forecasts and the flow screen's first chart need only these; this module loads no flow report.
Column roles come from IN lists of the squad's column ids: a stay in a column of another squad
counts as a queue (as in `flow_data.flow_inputs`), and no stay is joined to its column.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kanban_tui.domain.days import day_start, inclusive_days
from kanban_tui.domain.models import ColumnRole, Squad
from kanban_tui.storage.connection import Connection
from kanban_tui.storage.convert import from_db_time, to_db_time


def in_list(values: Sequence[object]) -> str:
    """The placeholders of an IN list of `values`."""
    return ", ".join("?" * len(values))


def column_ids(roles: dict[str, ColumnRole], wanted: Callable[[ColumnRole], bool]) -> list[str]:
    """The ids of the columns whose role is `wanted`, for an IN list (which needs one value at
    least: "" names no column)."""
    return [column_id for column_id, role in roles.items() if wanted(role)] or [""]


def squad_roles(conn: Connection, squad_id: str) -> dict[str, ColumnRole]:
    """The role of each column of a squad (removed ones too); other columns count as queues."""
    return {
        column_id: ColumnRole(role)
        for column_id, role in conn.execute(
            "SELECT id, role FROM columns WHERE squad_id = ?", [squad_id]
        )
    }


_IN_LIST_SIZE = 500
"""Card uids per IN list: well below every database's limit on bound parameters."""


def _finishes(conn: Connection, squad_id: str, since: datetime) -> dict[str, str]:
    """When each card of a squad that finished at or after `since` finished, as stored text,
    by card uid.

    The domain's `finished_at`: a card is finished when its open stay is in a done column, and
    finished when its final unbroken run of done stays began. That is never after the open
    stay's entry, so only open done stays entered from `since` on are read. A run that began
    earlier left a done column when the open stay began, so only cards that also have a done
    stay closed from `since` on have their whole run checked.
    """
    roles = squad_roles(conn, squad_id)
    done = column_ids(roles, lambda role: role is ColumnRole.DONE)
    bound = to_db_time(since)
    finishes: dict[str, str] = {}
    closed: set[str] = set()
    for uid, entered, exited in conn.execute(
        "SELECT t.card_uid, t.entered_at, t.exited_at FROM card_transitions t"
        f" WHERE t.column_id IN ({in_list(done)})"
        " AND (t.exited_at IS NULL AND t.entered_at >= ? OR t.exited_at >= ?)"
        " AND t.card_uid NOT IN (SELECT uid FROM cards WHERE deleted = 1)",
        [*done, bound, bound],
    ):
        if exited is None:
            finishes[uid] = entered
        else:
            closed.add(uid)
    rework = sorted(closed & finishes.keys())
    for chunk in range(0, len(rework), _IN_LIST_SIZE):
        uids = rework[chunk : chunk + _IN_LIST_SIZE]
        stays: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for uid, column_id, entered in conn.execute(
            "SELECT card_uid, column_id, entered_at FROM card_transitions"
            f" WHERE card_uid IN ({in_list(uids)}) ORDER BY card_uid, id",
            uids,
        ):
            stays[uid].append((column_id, entered))
        for uid, run in stays.items():
            first = len(run) - 1
            while first > 0 and roles.get(run[first - 1][0]) is ColumnRole.DONE:
                first -= 1
            finishes[uid] = run[first][1]
    return {uid: finished for uid, finished in finishes.items() if finished >= bound}


def _first_starts(conn: Connection, squad_id: str) -> dict[str, str]:
    """The domain's `started_at` of every card of a squad that started, as stored text: its
    first entry into a column of the squad that is not a queue."""
    started = column_ids(squad_roles(conn, squad_id), lambda role: role is not ColumnRole.QUEUE)
    return dict(
        conn.execute(
            "SELECT t.card_uid, t.entered_at FROM card_transitions t JOIN ("
            " SELECT s.card_uid, min(s.id) AS first_id FROM card_transitions s"
            f" WHERE s.column_id IN ({in_list(started)}) GROUP BY s.card_uid"
            ") f ON t.id = f.first_id",
            started,
        ).fetchall()
    )


class LocalDays:
    """Which local day of a range a stored time falls on, found by comparing texts: stored
    times are fixed-width UTC, so text order is time order, and each local day runs from its
    `day_start` to the next. Cheaper than parsing and converting every time."""

    def __init__(self, first: date, last: date, zone: ZoneInfo) -> None:
        self.first = first
        self.starts = [
            to_db_time(day_start(first + timedelta(days=i), zone))
            for i in range((last - first).days + 2)
        ]
        """The start of each day of the range, and of the day after it."""

    @property
    def size(self) -> int:
        return len(self.starts) - 1

    def index(self, text: str) -> int | None:
        """The position in the range of the local day `text` falls on, or None outside it."""
        position = bisect_right(self.starts, text) - 1
        return position if 0 <= position < self.size else None


def finishes_per_day(conn: Connection, squad: Squad, since: date, until: date) -> tuple[int, ...]:
    """How many cards of a squad finished (the domain's `finished_at`) on each of its local
    days from `since` to `until`, zero days included: the domain's `daily_counts` of the
    finishes."""
    zone = ZoneInfo(squad.timezone)
    days = LocalDays(since, until, zone)
    counts = [0] * days.size
    for finished in _finishes(conn, squad.id, day_start(since, zone)).values():
        if (position := days.index(finished)) is not None:
            counts[position] += 1
    return tuple(counts)


def finished_cycle_days(
    conn: Connection, squad: Squad, since: date, until: date, now: datetime
) -> list[tuple[datetime, float]]:
    """The finish and cycle time in inclusive days of each card of a squad finished in a
    period: the domain's `finished_cycle_times` (unit days) of `finished_cards`, with days
    found by comparing texts (`LocalDays`) instead of converting every time.

    Args:
        conn: the board.
        squad: the squad, whose zone counts the days.
        since: first local day of the period.
        until: last local day of the period (days after today are not counted).
        now: the present.
    """
    zone = ZoneInfo(squad.timezone)
    last = min(until, now.astimezone(zone).date())
    if last < since:
        return []
    days = LocalDays(since, last, zone)
    starts = _first_starts(conn, squad.id)
    found: list[tuple[datetime, float]] = []
    for uid, finished in _finishes(conn, squad.id, day_start(since, zone)).items():
        finish_day = days.index(finished)
        if finish_day is None:
            continue
        started = starts.get(uid)
        # The domain's `flow_start`: no start, or one after the finish, counts from the finish.
        if started is None or started > finished:
            cycle = 1
        elif (start_day := days.index(started)) is not None:
            cycle = finish_day - start_day + 1
        else:  # started before the period: the one conversion left
            first = from_db_time(started).astimezone(zone).date()
            cycle = inclusive_days(first, since + timedelta(days=finish_day))
        found.append((from_db_time(finished), float(cycle)))
    return found
