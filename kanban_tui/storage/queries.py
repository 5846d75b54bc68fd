"""Read queries over the projections, shared by the Store's read API and its write transactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kanban_tui.domain.errors import InvalidInput, NotFound
from kanban_tui.domain.events import Event
from kanban_tui.domain.models import (
    Board,
    Card,
    CardTimes,
    Column,
    ColumnRole,
    Squad,
    Transition,
    ValueTag,
)
from kanban_tui.storage.connection import Connection
from kanban_tui.storage.convert import (
    Row,
    card_from_row,
    column_from_row,
    event_from_row,
    from_db_time,
    squad_from_row,
    tag_from_row,
    to_db_time,
    transition_from_row,
)


def rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Run a query and return its rows as dicts."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def squads(conn: Connection) -> list[Squad]:
    return [squad_from_row(r) for r in rows(conn, "SELECT * FROM squads ORDER BY name")]


def resolve_squad(conn: Connection, name: str | None) -> Squad:
    """The squad called `name`, or the only squad in the file when no name is given."""
    known = squads(conn)
    if name is not None:
        wanted = name.strip().casefold()
        for squad in known:
            if squad.name.casefold() == wanted:
                return squad
        names = ", ".join(s.name for s in known) or "none yet"
        raise NotFound(f"no squad named '{name}' (squads: {names})")
    if len(known) == 1:
        return known[0]
    if not known:
        raise NotFound("the board has no squads yet; add one with `squadboard squad add`")
    raise InvalidInput(
        f"the file has {len(known)} squads ({', '.join(s.name for s in known)}); "
        "choose one with --squad"
    )


def squad_by_id(conn: Connection, squad_id: str) -> Squad:
    found = rows(conn, "SELECT * FROM squads WHERE id = ?", [squad_id])
    if not found:
        raise NotFound(f"no squad with id {squad_id}")
    return squad_from_row(found[0])


def columns(conn: Connection, squad_id: str) -> list[Column]:
    return [
        column_from_row(r)
        for r in rows(
            conn,
            "SELECT id, squad_id, name, role, wip_limit, wip_policy, position FROM columns"
            " WHERE squad_id = ? AND removed = 0 ORDER BY position, id",
            [squad_id],
        )
    ]


def column_named(conn: Connection, squad: Squad, name: str) -> Column:
    wanted = name.strip().casefold()
    known = columns(conn, squad.id)
    for column in known:
        if column.name.casefold() == wanted:
            return column
    names = ", ".join(c.name for c in known)
    raise NotFound(f"no column named '{name}' in {squad.name} (columns: {names})")


def tags(conn: Connection, squad_id: str) -> list[ValueTag]:
    return [
        tag_from_row(r)
        for r in rows(conn, "SELECT * FROM tags WHERE squad_id = ? ORDER BY name", [squad_id])
    ]


def tags_named(conn: Connection, squad: Squad, names: Sequence[str]) -> list[ValueTag]:
    known = {t.name.casefold(): t for t in tags(conn, squad.id)}
    found = []
    for name in names:
        tag = known.get(name.strip().casefold())
        if tag is None:
            listed = ", ".join(t.name for t in known.values()) or "none yet"
            raise NotFound(
                f"no value tag named '{name}' in {squad.name} (tags: {listed}); "
                "add it with `squadboard tag add`"
            )
        found.append(tag)
    return found


_CARD_ORDER = "ORDER BY c.position, c.uid"


def card(conn: Connection, key: str) -> Card:
    """The card with this key (case-insensitive), unless it was deleted."""
    found = rows(conn, "SELECT * FROM cards WHERE key = ? AND deleted = 0", [key.strip().upper()])
    if not found:
        raise NotFound(f"no card {key.strip()!r} on this board")
    return card_from_row(found[0])


def deleted_card(conn: Connection, key: str) -> Card:
    found = rows(conn, "SELECT * FROM cards WHERE key = ? AND deleted = 1", [key.strip().upper()])
    if not found:
        raise NotFound(f"no deleted card {key.strip()!r} on this board")
    return card_from_row(found[0])


@dataclass(frozen=True)
class CardFilter:
    """What `card list` (and the board's filter) narrows cards by; unset fields match all."""

    column_id: str | None = None
    tag_id: str | None = None
    assignee: str | None = None
    blocked: bool | None = None
    text: str | None = None
    include_archived: bool = False


def cards(conn: Connection, squad_id: str, where: CardFilter = CardFilter()) -> list[Card]:
    """Cards of a squad in board order (column order, then position within the column)."""
    clauses = ["c.squad_id = ?", "c.deleted = 0"]
    params: list[Any] = [squad_id]
    if where.column_id is not None:
        clauses.append("c.column_id = ?")
        params.append(where.column_id)
    if where.tag_id is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(c.tag_ids) WHERE value = ?)")
        params.append(where.tag_id)
    if where.assignee is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(c.assignees) WHERE lower(value) = lower(?))"
        )
        params.append(where.assignee)
    if where.blocked is not None:
        clauses.append("c.blocked = ?")
        params.append(int(where.blocked))
    if where.text:
        clauses.append("(instr(lower(c.title), ?) > 0 OR instr(lower(c.description), ?) > 0)")
        params += [where.text.casefold()] * 2
    if not where.include_archived:
        clauses.append("c.archived = 0")
    sql = (
        "SELECT c.* FROM cards c JOIN columns col ON col.id = c.column_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY col.position, col.id, c.position, c.uid"
    )
    return [card_from_row(r) for r in rows(conn, sql, params)]


def board(
    conn: Connection, squad: Squad, *, include_archived: bool = False, with_cards: bool = True
) -> Board:
    where = CardFilter(include_archived=include_archived)
    return Board(
        squad=squad,
        columns=tuple(columns(conn, squad.id)),
        tags=tuple(tags(conn, squad.id)),
        cards=tuple(cards(conn, squad.id, where)) if with_cards else (),
    )


def column_heads(conn: Connection, columns: Sequence[Column], rows_each: int) -> list[Card]:
    """The first `rows_each` cards (not archived) each column draws, in the board's order:
    by position, except done columns, whose most recently finished cards come first."""
    heads: list[Card] = []
    for column in columns:
        if column.role is ColumnRole.DONE:
            # Finish time is the card's latest transition, as in `card_times`; never-moved last.
            # Only the uids are sorted; whole rows are read for the few that are drawn.
            sql = (
                "SELECT c.* FROM ("
                " SELECT uid, position, (SELECT max(entered_at) FROM card_transitions t"
                "  WHERE t.card_uid = cards.uid) AS finished"
                " FROM cards WHERE column_id = ? AND deleted = 0 AND archived = 0"
                " ORDER BY finished DESC, position, uid LIMIT ?"
                ") h JOIN cards c ON c.uid = h.uid ORDER BY h.finished DESC, h.position, h.uid"
            )
        else:
            sql = (
                "SELECT * FROM cards c WHERE column_id = ? AND deleted = 0 AND archived = 0"
                f" {_CARD_ORDER} LIMIT ?"
            )
        heads += [card_from_row(r) for r in rows(conn, sql, [column.id, rows_each])]
    return heads


def column_counts(conn: Connection, squad_id: str) -> dict[str, int]:
    """Cards counting toward each column's WIP (not archived, not deleted)."""
    return dict(
        conn.execute(
            "SELECT column_id, count(*) FROM cards"
            " WHERE squad_id = ? AND deleted = 0 AND archived = 0 GROUP BY column_id",
            [squad_id],
        ).fetchall()
    )


def recent_finishes(
    conn: Connection, squad_id: str, since: datetime
) -> list[tuple[datetime, datetime]]:
    """(start, finish) of the cards in done columns that got there at `since` or later, with
    `card_times`' definitions; a card that never started counts from its creation."""
    sql = (
        "SELECT coalesce(min(CASE WHEN col.role != 'queue' THEN t.entered_at END), c.created_at),"
        " max(t.entered_at) AS finished"
        " FROM cards c JOIN columns done ON done.id = c.column_id AND done.role = 'done'"
        " JOIN card_transitions t ON t.card_uid = c.uid"
        " LEFT JOIN columns col ON col.id = t.column_id"
        " WHERE c.squad_id = ? AND c.deleted = 0"
        " GROUP BY c.uid HAVING max(t.entered_at) >= ?"
    )
    return [
        (from_db_time(started), from_db_time(finished))
        for started, finished in conn.execute(sql, [squad_id, to_db_time(since)])
    ]


def column_cards(conn: Connection, column_id: str) -> list[Card]:
    return [
        card_from_row(r)
        for r in rows(
            conn,
            f"SELECT * FROM cards c WHERE column_id = ? AND deleted = 0 {_CARD_ORDER}",
            [column_id],
        )
    ]


def occupants(conn: Connection, column_id: str, excluding_uid: str | None = None) -> list[str]:
    """Keys of the cards that count toward a column's WIP (not archived, not deleted)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT key FROM cards WHERE column_id = ? AND archived = 0 AND deleted = 0"
            " AND uid != ? ORDER BY position, uid",
            [column_id, excluding_uid or ""],
        )
    ]


def last_change_at(conn: Connection, card_uid: str) -> datetime | None:
    """When the card's most recent event happened (its effective time)."""
    row = conn.execute("SELECT max(at) FROM events WHERE card_uid = ?", [card_uid]).fetchone()
    return from_db_time(row[0]) if row and row[0] else None


def transitions(conn: Connection, card_uid: str) -> list[Transition]:
    return [
        transition_from_row(r)
        for r in rows(
            conn, "SELECT * FROM card_transitions WHERE card_uid = ? ORDER BY id", [card_uid]
        )
    ]


def last_hlc(conn: Connection) -> int:
    row = conn.execute("SELECT max(hlc) FROM events").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


@dataclass(frozen=True)
class EventFilter:
    """What `log` narrows the history by."""

    squad_id: str | None = None
    card_uid: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    kinds: tuple[str, ...] = ()
    limit: int | None = None
    """Keep only the newest `limit` events (they are still returned oldest first)."""


def events(conn: Connection, where: EventFilter = EventFilter()) -> list[Event]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("squad_id", where.squad_id),
        ("card_uid", where.card_uid),
        ("actor", where.actor),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if where.since is not None:
        clauses.append("at >= ?")
        params.append(to_db_time(where.since))
    if where.until is not None:
        clauses.append("at < ?")
        params.append(to_db_time(where.until))
    if where.kinds:
        clauses.append(f"kind IN ({', '.join('?' for _ in where.kinds)})")
        params += where.kinds
    sql = "SELECT * FROM events"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY hlc DESC, id DESC"
    if where.limit is not None:
        sql += f" LIMIT {int(where.limit)}"
    return [event_from_row(r) for r in reversed(rows(conn, sql, params))]


def card_keys(conn: Connection, uids: Sequence[str]) -> dict[str, str]:
    """Map card uids to their current keys (deleted cards included)."""
    if not uids:
        return {}
    placeholders = ", ".join("?" for _ in uids)
    return dict(
        conn.execute(f"SELECT uid, key FROM cards WHERE uid IN ({placeholders})", list(uids))
    )


def card_times(
    conn: Connection, squad_id: str, uids: Sequence[str] | None = None
) -> dict[str, CardTimes]:
    """Start time (first entry past the queue columns) and current-column entry time per card."""
    # For a few cards, `+c.squad_id` keeps SQLite from walking the squad's every card: their
    # transitions are found by uid, which keeps a refresh after a move cheap on a big board.
    sql = (
        "SELECT t.card_uid,"
        " min(CASE WHEN col.role != 'queue' THEN t.entered_at END),"
        " max(t.entered_at)"
        " FROM card_transitions t"
        " JOIN cards c ON c.uid = t.card_uid"
        " LEFT JOIN columns col ON col.id = t.column_id"
        f" WHERE {'c.squad_id' if uids is None else '+c.squad_id'} = ?"
    )
    params: list[Any] = [squad_id]
    if uids is not None:
        if not uids:
            return {}
        sql += f" AND t.card_uid IN ({', '.join('?' for _ in uids)})"
        params += list(uids)
    sql += " GROUP BY t.card_uid"
    return {
        uid: CardTimes(
            started_at=from_db_time(started) if started else None,
            column_entered_at=from_db_time(entered) if entered else None,
        )
        for uid, started, entered in conn.execute(sql, params)
    }


def cards_by_uid(conn: Connection, uids: Sequence[str]) -> list[Card]:
    """The cards with these uids that still exist (deleted ones are left out)."""
    if not uids:
        return []
    placeholders = ", ".join("?" for _ in uids)
    return [
        card_from_row(r)
        for r in rows(
            conn, f"SELECT * FROM cards WHERE uid IN ({placeholders}) AND deleted = 0", list(uids)
        )
    ]


@dataclass(frozen=True)
class Changes:
    """What other writers appended since a point in the log (by insertion order, not clock)."""

    last_rowid: int
    card_uids: frozenset[str]
    shape_changed: bool
    """Squads, columns or tags changed: re-read the board's shape."""
    count: int


def last_rowid(conn: Connection) -> int:
    row = conn.execute("SELECT max(rowid) FROM events").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def changes_since(conn: Connection, rowid: int, squad_id: str) -> Changes:
    found = conn.execute(
        "SELECT rowid, kind, card_uid, squad_id FROM events WHERE rowid > ? ORDER BY rowid",
        [rowid],
    ).fetchall()
    uids = frozenset(r[2] for r in found if r[2] and r[3] == squad_id)
    shape = any(not r[1].startswith(("card.", "wip.", "retro.")) for r in found)
    return Changes(found[-1][0] if found else rowid, uids, shape, len(found))
