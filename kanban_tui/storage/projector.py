"""The fold from events to the projection tables, shared by incremental writes and rebuilds.

Events are applied in (hlc, id) order, so the last writer wins per field. The fold never refuses an
event: rules are checked when a change is made, and a history merged from diverged copies must still
fold to one deterministic state (a card number taken twice is renumbered, a column that still holds
cards is not removed, events about unknown cards change nothing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from kanban_tui.domain.events import EventKind
from kanban_tui.storage.connection import Connection
from kanban_tui.storage.convert import parents_from_db
from kanban_tui.storage.flow_summaries import summarise_card, summarise_squads


class EventRecord(NamedTuple):
    """An event as the fold needs it: times as stored text, payload as parsed JSON."""

    id: str
    hlc: int
    at: str
    actor: str
    squad_id: str | None
    card_uid: str | None
    kind: str
    payload: dict[str, Any]
    parents: tuple[str, ...] | None = None


def event_records(conn: Connection) -> list[EventRecord]:
    """Every event of a file in fold order, read in full before anything is written."""
    cursor = conn.execute(
        "SELECT id, hlc, at, actor, squad_id, card_uid, kind, payload, parents FROM events"
        " ORDER BY hlc, id"
    )
    return [
        EventRecord(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), parents_from_db(r[8])
        )
        for r in cursor
    ]


Handler = Callable[[Connection, EventRecord], None]
_HANDLERS: dict[str, Handler] = {}


def _handles(kind: EventKind) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[kind.value] = handler
        return handler

    return register


def project(conn: Connection, event: EventRecord, *, summarise: bool = True) -> None:
    """Apply one event to the projections (the caller holds the write transaction).

    `summarise=False` leaves the flow summaries as they were, for a rebuild that summarises
    every card once at the end.
    """
    handler = _HANDLERS.get(event.kind)
    if handler is not None:  # kinds from a newer squadboard are kept in the log, not folded
        handler(conn, event)
    if event.card_uid is not None:
        _note_concurrent_edits(conn, event)
        _advance_heads(conn, event)
    if summarise:
        _summarise(conn, event)


def _summarise(conn: Connection, e: EventRecord) -> None:
    """Keep the flow summaries of what the event changed: a card, or a squad whose days or
    column roles changed."""
    if e.card_uid is not None:
        summarise_card(conn, e.card_uid)
    elif e.kind == EventKind.SQUAD_EDITED.value and "timezone" in e.payload:
        summarise_squads(conn, e.squad_id)
    elif e.kind == EventKind.COLUMN_EDITED.value and "role" in e.payload:
        row = conn.execute(
            "SELECT squad_id FROM columns WHERE id = ?", [e.payload["column_id"]]
        ).fetchone()
        if row is not None:
            summarise_squads(conn, row[0])


def fields_set(kind: str, payload: dict[str, Any]) -> tuple[str, ...]:
    """The card fields an event sets, for finding concurrent edits of the same field."""
    if kind == EventKind.CARD_EDITED:
        named = [f for f in ("title", "description", "class_of_service", "due") if f in payload]
        return (*named, "due") if payload.get("clear_due") else tuple(named)
    if kind == EventKind.CARD_MOVED and payload["from_column_id"] != payload["column_id"]:
        return ("column",)
    return ()


def _value(kind: str, payload: dict[str, Any], field: str) -> Any:
    return payload["column_id"] if kind == EventKind.CARD_MOVED else payload.get(field)


def _note_concurrent_edits(conn: Connection, e: EventRecord) -> None:
    """Record each earlier change of the same field that this change had not seen (it loses)."""
    fields = fields_set(e.kind, e.payload)
    if not fields or e.parents is None:
        return
    earlier = conn.execute(
        "SELECT id, hlc, kind, payload FROM events WHERE card_uid = ?"
        " AND kind IN ('card.edited', 'card.moved') AND (hlc < ? OR (hlc = ? AND id < ?))"
        " ORDER BY hlc DESC, id DESC",
        [e.card_uid, e.hlc, e.hlc, e.id],
    )
    pending = set(fields)
    for event_id, hlc, kind, payload_text in earlier:
        payload = json.loads(payload_text)
        for field in pending.intersection(fields_set(kind, payload)):
            pending.discard(field)
            same_value = _value(kind, payload, field) == _value(e.kind, e.payload, field)
            if not same_value and not _has_seen(conn, e.parents, event_id, hlc):
                conn.execute(
                    "INSERT OR IGNORE INTO card_conflicts"
                    " (card_uid, field, winner_event_id, loser_event_id) VALUES (?, ?, ?, ?)",
                    [e.card_uid, field, e.id, event_id],
                )
                conn.execute("UPDATE cards SET edited_concurrently = 1 WHERE uid = ?", [e.card_uid])
        if not pending:
            return


def _has_seen(conn: Connection, parents: tuple[str, ...], target: str, target_hlc: int) -> bool:
    """Whether `target` is among `parents` or their ancestors (an ancestor has a lower stamp)."""
    frontier, visited = list(parents), set()
    while frontier:
        event_id = frontier.pop()
        if event_id == target:
            return True
        if event_id in visited:
            continue
        visited.add(event_id)
        row = conn.execute("SELECT hlc, parents FROM events WHERE id = ?", [event_id]).fetchone()
        if row is None or row[0] <= target_hlc:
            continue
        if row[1] is None:
            return True  # written before parents were recorded: it had seen every earlier event
        frontier.extend(json.loads(row[1]))
    return False


def _advance_heads(conn: Connection, e: EventRecord) -> None:
    """The event becomes one of its card's heads, replacing the heads it had seen."""
    if e.parents is None:
        conn.execute("DELETE FROM card_heads WHERE card_uid = ?", [e.card_uid])
    else:
        conn.executemany(
            "DELETE FROM card_heads WHERE card_uid = ? AND event_id = ?",
            [(e.card_uid, parent) for parent in e.parents],
        )
    conn.execute(
        "INSERT OR IGNORE INTO card_heads (card_uid, event_id) VALUES (?, ?)", [e.card_uid, e.id]
    )


def card_heads(conn: Connection, card_uid: str) -> tuple[str, ...]:
    """The card's latest events, which a new change to it records as seen."""
    rows = conn.execute(
        "SELECT event_id FROM card_heads WHERE card_uid = ? ORDER BY event_id", [card_uid]
    )
    return tuple(r[0] for r in rows)


def _update(conn: Connection, table: str, key: str, key_value: Any, fields: dict[str, Any]) -> None:
    if fields:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        conn.execute(
            f"UPDATE {table} SET {assignments} WHERE {key} = ?", [*fields.values(), key_value]
        )


def _unique_name(conn: Connection, name: str, squad_id: str) -> str:
    taken = {
        row[0].casefold()
        for row in conn.execute("SELECT name FROM squads WHERE id != ?", [squad_id])
    }
    candidate, suffix = name, 2
    while candidate.casefold() in taken:
        candidate, suffix = f"{name} ({suffix})", suffix + 1
    return candidate


@_handles(EventKind.SQUAD_CREATED)
def _squad_created(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    prefix, suffix = p["prefix"], 2
    while conn.execute("SELECT 1 FROM squads WHERE prefix = ?", [prefix]).fetchone():
        prefix, suffix = f"{p['prefix']}{suffix}", suffix + 1
    conn.execute(
        "INSERT INTO squads (id, name, mission, timezone, prefix, members, next_number, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        [
            e.squad_id,
            _unique_name(conn, p["name"], str(e.squad_id)),
            p.get("mission", ""),
            p.get("timezone", "UTC"),
            prefix,
            json.dumps(p.get("members", [])),
            e.at,
        ],
    )


@_handles(EventKind.SQUAD_EDITED)
def _squad_edited(conn: Connection, e: EventRecord) -> None:
    fields: dict[str, Any] = {
        k: e.payload[k]
        for k in ("mission", "timezone", "sle_days", "sle_percent")
        if k in e.payload
    }
    if e.payload.get("clear_sle"):
        fields["sle_days"] = None
    if "name" in e.payload:
        fields["name"] = _unique_name(conn, e.payload["name"], str(e.squad_id))
    _update(conn, "squads", "id", e.squad_id, fields)


def _edit_json_list(
    conn: Connection, table: str, key: str, key_value: Any, column: str, item: str, add: bool
) -> bool:
    row = conn.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", [key_value]).fetchone()
    if row is None:
        return False
    items: list[str] = json.loads(row[0])
    if add and item not in items:
        items.append(item)
    elif not add and item in items:
        items.remove(item)
    else:
        return False
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", [json.dumps(items), key_value])
    return True


@_handles(EventKind.MEMBER_ADDED)
def _member_added(conn: Connection, e: EventRecord) -> None:
    _edit_json_list(conn, "squads", "id", e.squad_id, "members", e.payload["name"], add=True)


@_handles(EventKind.MEMBER_REMOVED)
def _member_removed(conn: Connection, e: EventRecord) -> None:
    _edit_json_list(conn, "squads", "id", e.squad_id, "members", e.payload["name"], add=False)


@_handles(EventKind.COLUMN_ADDED)
def _column_added(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    conn.execute(
        "INSERT OR IGNORE INTO columns (id, squad_id, name, role, wip_limit, wip_policy, position,"
        " removed) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        [
            p["column_id"],
            e.squad_id,
            p["name"],
            p["role"],
            p.get("wip_limit"),
            p.get("wip_policy", "off"),
            p["position"],
        ],
    )


@_handles(EventKind.COLUMN_EDITED)
def _column_edited(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    fields: dict[str, Any] = {
        k: p[k] for k in ("name", "role", "wip_limit", "wip_policy") if k in p
    }
    if p.get("clear_wip_limit"):
        fields["wip_limit"] = None
    _update(conn, "columns", "id", p["column_id"], fields)


@_handles(EventKind.COLUMN_MOVED)
def _column_moved(conn: Connection, e: EventRecord) -> None:
    _update(conn, "columns", "id", e.payload["column_id"], {"position": e.payload["position"]})


@_handles(EventKind.COLUMN_REMOVED)
def _column_removed(conn: Connection, e: EventRecord) -> None:
    column_id = e.payload["column_id"]
    holds_cards = conn.execute(
        "SELECT 1 FROM cards WHERE column_id = ? AND deleted = 0 LIMIT 1", [column_id]
    ).fetchone()
    if not holds_cards:
        _update(conn, "columns", "id", column_id, {"removed": 1})


@_handles(EventKind.TAG_ADDED)
def _tag_added(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    conn.execute(
        "INSERT OR IGNORE INTO tags (id, squad_id, name, description, colour)"
        " VALUES (?, ?, ?, ?, ?)",
        [p["tag_id"], e.squad_id, p["name"], p.get("description", ""), p["colour"]],
    )


@_handles(EventKind.TAG_EDITED)
def _tag_edited(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    fields: dict[str, Any] = {k: p[k] for k in ("name", "description", "colour") if k in p}
    _update(conn, "tags", "id", p["tag_id"], fields)


def _enter_column(conn: Connection, e: EventRecord, column_id: str) -> None:
    conn.execute(
        "INSERT INTO card_transitions (card_uid, column_id, entered_at, actor, event_id)"
        " VALUES (?, ?, ?, ?, ?)",
        [e.card_uid, column_id, e.at, e.actor, e.id],
    )


@_handles(EventKind.CARD_CREATED)
def _card_created(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    squad = conn.execute(
        "SELECT prefix, next_number FROM squads WHERE id = ?", [e.squad_id]
    ).fetchone()
    if squad is None:
        return
    prefix, next_number = squad
    number = int(p["number"])
    if conn.execute("SELECT 1 FROM cards WHERE key = ?", [f"{prefix}-{number}"]).fetchone():
        number = next_number  # the same number was taken in a diverged copy: renumber the later one
    conn.execute(
        "UPDATE squads SET next_number = ? WHERE id = ?", [max(next_number, number + 1), e.squad_id]
    )
    conn.execute(
        "INSERT INTO cards (uid, key, squad_id, column_id, position, title, description,"
        " assignees, tag_ids, class_of_service, due, blocked, blocked_reason, archived, deleted,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, 0, 0, ?, ?)",
        [
            e.card_uid,
            f"{prefix}-{number}",
            e.squad_id,
            p["column_id"],
            p["position"],
            p["title"],
            p.get("description", ""),
            json.dumps(p.get("assignees", [])),
            json.dumps(p.get("tag_ids", [])),
            p.get("class_of_service", "standard"),
            p.get("due"),
            e.at,
            e.at,
        ],
    )
    _enter_column(conn, e, p["column_id"])


def _touch(conn: Connection, e: EventRecord, fields: dict[str, Any]) -> bool:
    """Update a card's fields and its updated_at; False if the card is unknown."""
    fields = {**fields, "updated_at": e.at}
    assignments = ", ".join(f"{name} = ?" for name in fields)
    cursor = conn.execute(
        f"UPDATE cards SET {assignments} WHERE uid = ?", [*fields.values(), e.card_uid]
    )
    return cursor.rowcount > 0


@_handles(EventKind.CARD_EDITED)
def _card_edited(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    fields: dict[str, Any] = {
        k: p[k] for k in ("title", "description", "class_of_service", "due") if k in p
    }
    if p.get("clear_due"):
        fields["due"] = None
    _touch(conn, e, fields)


@_handles(EventKind.CARD_MOVED)
def _card_moved(conn: Connection, e: EventRecord) -> None:
    row = conn.execute("SELECT column_id FROM cards WHERE uid = ?", [e.card_uid]).fetchone()
    if row is None:
        return
    column_id = e.payload["column_id"]
    _touch(conn, e, {"column_id": column_id, "position": e.payload["position"]})
    if row[0] != column_id:
        conn.execute(
            "UPDATE card_transitions SET exited_at = ? WHERE card_uid = ? AND exited_at IS NULL",
            [e.at, e.card_uid],
        )
        _enter_column(conn, e, column_id)


@_handles(EventKind.CARD_BLOCKED)
def _card_blocked(conn: Connection, e: EventRecord) -> None:
    reason = e.payload["reason"]
    row = conn.execute("SELECT blocked FROM cards WHERE uid = ?", [e.card_uid]).fetchone()
    if row is None:
        return
    _touch(conn, e, {"blocked": 1, "blocked_reason": reason})
    if row[0]:  # blocked again while blocked (merged histories): the open block gets the reason
        conn.execute(
            "UPDATE card_blocks SET reason = ? WHERE card_uid = ? AND unblocked_at IS NULL",
            [reason, e.card_uid],
        )
    else:
        conn.execute(
            "INSERT INTO card_blocks (card_uid, reason, blocked_at, blocked_by)"
            " VALUES (?, ?, ?, ?)",
            [e.card_uid, reason, e.at, e.actor],
        )


@_handles(EventKind.CARD_UNBLOCKED)
def _card_unblocked(conn: Connection, e: EventRecord) -> None:
    if _touch(conn, e, {"blocked": 0, "blocked_reason": None}):
        conn.execute(
            "UPDATE card_blocks SET unblocked_at = ?, unblocked_by = ?"
            " WHERE card_uid = ? AND unblocked_at IS NULL",
            [e.at, e.actor, e.card_uid],
        )


def _card_list_handler(column: str, field: str, add: bool) -> Handler:
    def handler(conn: Connection, e: EventRecord) -> None:
        if _edit_json_list(conn, "cards", "uid", e.card_uid, column, e.payload[field], add):
            _touch(conn, e, {})

    return handler


_HANDLERS[EventKind.CARD_ASSIGNED] = _card_list_handler("assignees", "name", add=True)
_HANDLERS[EventKind.CARD_UNASSIGNED] = _card_list_handler("assignees", "name", add=False)
_HANDLERS[EventKind.CARD_TAGGED] = _card_list_handler("tag_ids", "tag_id", add=True)
_HANDLERS[EventKind.CARD_UNTAGGED] = _card_list_handler("tag_ids", "tag_id", add=False)


def _card_flag_handler(flag: str, value: int) -> Handler:
    def handler(conn: Connection, e: EventRecord) -> None:
        _touch(conn, e, {flag: value})

    return handler


_HANDLERS[EventKind.CARD_ARCHIVED] = _card_flag_handler("archived", 1)
_HANDLERS[EventKind.CARD_UNARCHIVED] = _card_flag_handler("archived", 0)
_HANDLERS[EventKind.CARD_DELETED] = _card_flag_handler("deleted", 1)
_HANDLERS[EventKind.CARD_RESTORED] = _card_flag_handler("deleted", 0)


def _wip_exception(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    conn.execute(
        "INSERT OR IGNORE INTO wip_exceptions (event_id, squad_id, column_id, card_uid, kind,"
        " wip_limit, count, reason, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            e.id,
            e.squad_id,
            p["column_id"],
            e.card_uid,
            e.kind,
            p["limit"],
            p["count"],
            p.get("reason"),
            e.at,
            e.actor,
        ],
    )


_HANDLERS[EventKind.WIP_BREACHED] = _wip_exception
_HANDLERS[EventKind.WIP_OVERRIDDEN] = _wip_exception


def _free_number(conn: Connection, table: str, wanted: int, retro_id: str | None = None) -> int:
    """`wanted` unless a merged history already used it (in the retro, for notes); then the
    next free one."""
    scope, params = ("retro_id = ?", [retro_id]) if retro_id else ("1 = 1", [])
    taken = f"SELECT 1 FROM {table} WHERE {scope} AND number = ?"
    if not conn.execute(taken, [*params, wanted]).fetchone():
        return wanted
    highest = f"SELECT coalesce(max(number), 0) FROM {table} WHERE {scope}"
    return int(conn.execute(highest, params).fetchone()[0]) + 1


@_handles(EventKind.RETRO_STARTED)
def _retro_started(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO retros (id, squad_id, number, title, format, columns, since, until,"
        " previous_since, previous_until, vote_limit, hidden, revealed, facilitator, started_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        [
            e.id,
            e.squad_id,
            _free_number(conn, "retros", p["number"]),
            p["title"],
            p["format"],
            json.dumps(p["columns"]),
            p["since"],
            p["until"],
            p["previous_since"],
            p["previous_until"],
            p["vote_limit"],
            int(p.get("hidden", False)),
            e.actor,
            e.at,
        ],
    )


@_handles(EventKind.RETRO_NOTE_ADDED)
def _retro_note_added(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO retro_notes (id, retro_id, number, column_name, text, author, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            e.id,
            p["retro_id"],
            _free_number(conn, "retro_notes", p["number"], p["retro_id"]),
            p["column"],
            p["text"],
            None if p.get("anonymous") else e.actor,
            e.at,
        ],
    )


@_handles(EventKind.RETRO_NOTE_EDITED)
def _retro_note_edited(conn: Connection, e: EventRecord) -> None:
    _update(conn, "retro_notes", "id", e.payload["note_id"], {"text": e.payload["text"]})


@_handles(EventKind.RETRO_NOTES_GROUPED)
def _retro_notes_grouped(conn: Connection, e: EventRecord) -> None:
    for note_id in e.payload["note_ids"]:
        _update(conn, "retro_notes", "id", note_id, {"group_name": e.payload.get("group")})


@_handles(EventKind.RETRO_REVEALED)
def _retro_revealed(conn: Connection, e: EventRecord) -> None:
    _update(conn, "retros", "id", e.payload["retro_id"], {"revealed": 1})


@_handles(EventKind.RETRO_VOTED)
def _retro_voted(conn: Connection, e: EventRecord) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO retro_votes (event_id, retro_id, note_id, voter)"
        " VALUES (?, ?, ?, ?)",
        [e.id, e.payload["retro_id"], e.payload["note_id"], e.actor],
    )


@_handles(EventKind.RETRO_ACTION_ADDED)
def _retro_action_added(conn: Connection, e: EventRecord) -> None:
    p = e.payload
    conn.execute(
        "INSERT OR IGNORE INTO retro_actions (id, retro_id, card_uid, text, owner, due,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [e.id, p["retro_id"], e.card_uid, p["text"], p.get("owner"), p.get("due"), e.at],
    )


@_handles(EventKind.RETRO_CLOSED)
def _retro_closed(conn: Connection, e: EventRecord) -> None:
    # A closed retro stays as it was closed first, even if a merged copy closed it again.
    conn.execute(
        "UPDATE retros SET closed_at = ?, evidence = ? WHERE id = ? AND closed_at IS NULL",
        [e.at, json.dumps(e.payload["evidence"], sort_keys=True), e.payload["retro_id"]],
    )


def rebuild(conn: Connection, tables: Iterable[str], events: Iterable[EventRecord]) -> int:
    """Empty the projection `tables` and fold `events` (already in (hlc, id) order) into them."""
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
    count = 0
    for event in events:
        project(conn, event, summarise=False)
        count += 1
    if "card_flow" in tables:
        summarise_squads(conn)
    return count
