"""The flow summaries the fold keeps beside the projections: per card (`card_flow`) its start,
finish, local days and active time, and per stay it left in the started range (`flow_exits`)
the age at which it left, so flow metrics read one row per card of a period.

A card is summarised again from its whole history after every event about it, and every card of
a squad when its time zone or a column's role changes; what is stored is the domain's
`summarize` of the history, with local days in the squad's zone (law-tested against it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from kanban_tui.domain.conventions import elapsed_hours
from kanban_tui.domain.days import inclusive_days
from kanban_tui.domain.history import BlockSpan, CardHistory, Stay, summarize
from kanban_tui.domain.models import ClassOfService, ColumnRole
from kanban_tui.storage.connection import Connection
from kanban_tui.storage.convert import from_db_time, to_db_time, trusted


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def read_histories(
    conn: Connection,
    roles: dict[str, ColumnRole],
    cards_where: str,
    params: Sequence[object],
) -> list[CardHistory]:
    """The histories of the non-deleted cards `cards_where` selects (a condition on `cards c`),
    in uid order; a stay in a column missing from `roles` counts as a queue."""
    selected = f"SELECT c.uid FROM cards c WHERE c.deleted = 0 AND {cards_where}"
    stays: dict[str, list[Stay]] = defaultdict(list)
    for uid, column_id, entered, exited in conn.execute(
        "SELECT t.card_uid, t.column_id, t.entered_at, t.exited_at FROM card_transitions t"
        f" WHERE t.card_uid IN ({selected}) ORDER BY t.card_uid, t.id",
        params,
    ):
        stays[uid].append(
            trusted(
                Stay,
                {
                    "column_id": column_id,
                    "role": roles.get(column_id, ColumnRole.QUEUE),
                    "entered_at": from_db_time(entered),
                    "exited_at": _time(exited),
                },
            )
        )
    blocks: dict[str, list[BlockSpan]] = defaultdict(list)
    for uid, reason, blocked, unblocked in conn.execute(
        "SELECT b.card_uid, b.reason, b.blocked_at, b.unblocked_at FROM card_blocks b"
        f" WHERE b.card_uid IN ({selected}) ORDER BY b.card_uid, b.id",
        params,
    ):
        blocks[uid].append(
            trusted(
                BlockSpan,
                {
                    "reason": reason,
                    "blocked_at": from_db_time(blocked),
                    "unblocked_at": _time(unblocked),
                },
            )
        )
    classes = {c.value: c for c in ClassOfService}
    # Cards share a few tag and assignee lists: parse each distinct text once.
    lists: dict[str, tuple[str, ...]] = {}

    def parsed(text: str) -> tuple[str, ...]:
        found = lists.get(text)
        if found is None:
            found = lists[text] = tuple(json.loads(text))
        return found

    return [
        trusted(
            CardHistory,
            {
                "uid": uid,
                "key": key,
                "created_at": from_db_time(created),
                "tag_ids": parsed(tag_ids),
                "class_of_service": classes[klass],
                "assignees": parsed(assignees),
                "stays": tuple(stays.get(uid, ())),
                "blocks": tuple(blocks.get(uid, ())),
            },
        )
        for uid, key, created, tag_ids, klass, assignees in conn.execute(
            "SELECT c.uid, c.key, c.created_at, c.tag_ids, c.class_of_service, c.assignees"
            f" FROM cards c WHERE c.deleted = 0 AND {cards_where} ORDER BY c.uid",
            params,
        )
    ]


def _squads(conn: Connection, where: str, params: Sequence[object]) -> dict[str, ZoneInfo]:
    return {
        squad_id: ZoneInfo(zone)
        for squad_id, zone in conn.execute(f"SELECT id, timezone FROM squads{where}", params)
    }


def _roles(conn: Connection, squad_id: str) -> dict[str, ColumnRole]:
    return {
        column_id: ColumnRole(role)
        for column_id, role in conn.execute(
            "SELECT id, role FROM columns WHERE squad_id = ?", [squad_id]
        )
    }


def _write(conn: Connection, squad_id: str, zone: ZoneInfo, cards: Iterable[CardHistory]) -> None:
    def day(moment: datetime | None) -> int | None:
        return None if moment is None else moment.astimezone(zone).date().toordinal()

    flows: list[list[object]] = []
    exits: list[list[object]] = []
    for card in cards:
        summary = summarize(card)
        start, start_day = summary.start, day(summary.start)
        flows.append(
            [
                card.uid,
                squad_id,
                card.key,
                to_db_time(card.created_at),
                json.dumps(list(card.tag_ids)),
                card.class_of_service.value,
                json.dumps(list(card.assignees)),
                None if start is None else to_db_time(start),
                None if summary.finish is None else to_db_time(summary.finish),
                day(card.created_at),
                start_day,
                day(summary.finish),
                summary.active_hours,
            ]
        )
        if start is None or start_day is None:
            continue
        for stay, column_id, left in summary.exits:
            left_day = left.astimezone(zone).date()
            exits.append(
                [
                    card.uid,
                    stay,
                    squad_id,
                    column_id,
                    to_db_time(left),
                    left_day.toordinal(),
                    inclusive_days(start.astimezone(zone).date(), left_day),
                    elapsed_hours(start, left),
                ]
            )
    if flows:
        conn.executemany(
            "INSERT INTO card_flow (uid, squad_id, key, created_at, tag_ids, class_of_service,"
            " assignees, started_at, finished_at, created_day, start_day, finish_day,"
            " active_hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            flows,
        )
    if exits:
        conn.executemany(
            "INSERT INTO flow_exits (card_uid, stay, squad_id, column_id, exited_at, exited_day,"
            " age_days, age_hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            exits,
        )


def summarise_card(conn: Connection, card_uid: str) -> None:
    """Summarise one card again (after an event about it); a deleted card has no summary."""
    conn.execute("DELETE FROM card_flow WHERE uid = ?", [card_uid])
    conn.execute("DELETE FROM flow_exits WHERE card_uid = ?", [card_uid])
    row = conn.execute(
        "SELECT s.id, s.timezone FROM cards c JOIN squads s ON s.id = c.squad_id"
        " WHERE c.uid = ? AND c.deleted = 0",
        [card_uid],
    ).fetchone()
    if row is None:
        return
    squad_id, zone = row
    cards = read_histories(conn, _roles(conn, squad_id), "c.uid = ?", [card_uid])
    _write(conn, squad_id, ZoneInfo(zone), cards)


def summarise_squads(conn: Connection, squad_id: str | None = None) -> None:
    """Summarise every card of one squad (after its zone or a column's role changed), or of
    every squad (after a rebuild)."""
    where, params = (" WHERE id = ?", [squad_id]) if squad_id is not None else ("", [])
    for found, zone in _squads(conn, where, params).items():
        conn.execute("DELETE FROM card_flow WHERE squad_id = ?", [found])
        conn.execute("DELETE FROM flow_exits WHERE squad_id = ?", [found])
        _write(
            conn, found, zone, read_histories(conn, _roles(conn, found), "c.squad_id = ?", [found])
        )
