"""Retrospectives in the board file: reading retros, notes, votes and actions, and the changes
to them, each run inside the Store's one transaction per change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from kanban_tui.domain.errors import InvalidInput, NotFound, Refused
from kanban_tui.domain.events import (
    EventKind,
    RetroClosed,
    RetroNoteAdded,
    RetroNoteEdited,
    RetroNotesGrouped,
    RetroPart,
    RetroStarted,
    RetroVoted,
)
from kanban_tui.domain.flow import Conventions, look_back_start
from kanban_tui.domain.models import Squad
from kanban_tui.domain.retro import (
    ANONYMOUS,
    Evidence,
    Period,
    Retro,
    RetroAction,
    RetroBoard,
    RetroFormat,
    RetroNote,
    evidence_pack,
    retro_columns,
    review_actions,
    since_previous_retro,
    sort_by_votes,
    visible_notes,
)
from kanban_tui.domain.text import clean_name, clean_reason, clean_title
from kanban_tui.storage import queries
from kanban_tui.storage.connection import Connection
from kanban_tui.storage.convert import Row, from_db_time

if TYPE_CHECKING:
    from kanban_tui.storage.store import _Writer

NOTE_MAX = 300
"""Longest note text, in characters (a note is a sticky note, not a document)."""


# --- Reads -----------------------------------------------------------------------------------


def retro(conn: Connection, number: int) -> Retro:
    found = queries.rows(conn, "SELECT * FROM retros WHERE number = ?", [number])
    if not found:
        raise NotFound(f"no retro number {number}; see `squadboard retro list`")
    return retro_from_row(found[0])


def retros(conn: Connection, squad_id: str) -> list[Retro]:
    """A squad's retros, oldest first."""
    found = queries.rows(
        conn, "SELECT * FROM retros WHERE squad_id = ? ORDER BY number", [squad_id]
    )
    return [retro_from_row(r) for r in found]


def latest(conn: Connection, squad_id: str) -> Retro:
    """The squad's newest retro (the one a retro screen opens on)."""
    found = retros(conn, squad_id)
    if not found:
        raise NotFound("the squad has no retro yet; start one with `squadboard retro start`")
    return found[-1]


def notes(conn: Connection, retro_id: str) -> list[RetroNote]:
    """Every note of a retro with its votes, in number order."""
    found = queries.rows(
        conn,
        "SELECT n.*, (SELECT count(*) FROM retro_votes v WHERE v.note_id = n.id) AS votes"
        " FROM retro_notes n WHERE n.retro_id = ? ORDER BY n.number",
        [retro_id],
    )
    return [note_from_row(r) for r in found]


def votes_cast(conn: Connection, retro_id: str, voter: str) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM retro_votes WHERE retro_id = ? AND voter = ?", [retro_id, voter]
        ).fetchone()[0]
    )


def actions(conn: Connection, retro_ids: Sequence[str]) -> list[RetroAction]:
    """The actions of some retros with their cards' keys, done when the card is in a done column."""
    if not retro_ids:
        return []
    marks = ", ".join("?" for _ in retro_ids)
    found = conn.execute(
        "SELECT a.id, r.number, a.text, a.owner, a.due, c.key,"
        " CASE WHEN col.role = 'done' THEN 1 ELSE 0 END FROM retro_actions a"
        " JOIN retros r ON r.id = a.retro_id"
        " LEFT JOIN cards c ON c.uid = a.card_uid AND c.deleted = 0"
        " LEFT JOIN columns col ON col.id = c.column_id"
        f" WHERE a.retro_id IN ({marks}) ORDER BY r.number, a.rowid",
        list(retro_ids),
    ).fetchall()
    return [
        RetroAction(
            id=action_id,
            retro_number=number,
            text=text,
            owner=owner,
            due=date.fromisoformat(due) if due else None,
            card_key=key,
            done=bool(done),
        )
        for action_id, number, text, owner, due, key, done in found
    ]


def evidence(conn: Connection, squad: Squad, found: Retro, now: datetime) -> Evidence:
    """The evidence pack of a retro: frozen if it is closed, else computed from the board now."""
    if found.closed:
        frozen = conn.execute("SELECT evidence FROM retros WHERE id = ?", [found.id]).fetchone()
        return Evidence.model_validate_json(frozen[0])
    from kanban_tui.storage.flow_data import flow_inputs  # flow metrics load when asked

    conventions = Conventions(zone=squad.timezone)
    before, period = found.previous_period, found.period
    inputs = flow_inputs(
        conn, squad, look_back_from=look_back_start(before.since, now, conventions)
    )
    return evidence_pack(
        inputs.report(since=period.since, until=period.until, now=now, conventions=conventions),
        inputs.report(since=before.since, until=before.until, now=now, conventions=conventions),
    )


def board(conn: Connection, found: Retro, viewer: str, now: datetime) -> RetroBoard:
    """A retro as `viewer` sees it, with the actions of the squad's earlier retros."""
    squad = queries.squad_by_id(conn, found.squad_id)
    every = notes(conn, found.id)
    shown = visible_notes(every, hidden=found.hidden, revealed=found.revealed, viewer=viewer)
    earlier = [r for r in retros(conn, found.squad_id) if r.number < found.number]
    return RetroBoard(
        retro=found,
        squad=squad,
        tag_names={t.id: t.name for t in queries.tags(conn, squad.id)},
        evidence=evidence(conn, squad, found, now),
        notes=tuple(sort_by_votes(shown)),
        hidden_notes=len(every) - len(shown),
        actions=tuple(actions(conn, [found.id])),
        earlier_actions=review_actions(
            tuple(actions(conn, [r.id for r in earlier])),
            earlier[-1].number if earlier else None,
        ),
        votes_left=max(0, found.vote_limit - votes_cast(conn, found.id, viewer)),
    )


# --- Changes ---------------------------------------------------------------------------------


def open_retro(conn: Connection, number: int) -> Retro:
    """A retro that may still change; a closed one is read-only."""
    found = retro(conn, number)
    if found.closed:
        raise Refused(f"retro {number} is closed; its notes, votes and actions are read-only")
    return found


def _facilitator_only(found: Retro, actor: str, what: str) -> None:
    if found.facilitator.casefold() != actor.casefold():
        raise Refused(f"only the facilitator ({found.facilitator}) can {what} retro {found.number}")


def _next_number(conn: Connection, table: str, retro_id: str | None = None) -> int:
    where, params = ("WHERE retro_id = ?", [retro_id]) if retro_id else ("", [])
    sql = f"SELECT coalesce(max(number), 0) + 1 FROM {table} {where}"
    return int(conn.execute(sql, params).fetchone()[0])


def start(
    w: _Writer,
    squad: Squad,
    *,
    title: str | None,
    retro_format: RetroFormat,
    custom_columns: Sequence[str],
    period: Period | None,
    vote_limit: int,
    hidden: bool,
) -> Retro:
    columns = retro_columns(retro_format, tuple(custom_columns))
    if not 1 <= vote_limit <= 20:
        raise InvalidInput(f"each member gets 1 to 20 votes, not {vote_limit}")
    earlier = retros(w.conn, squad.id)
    if earlier and not earlier[-1].closed:
        raise Refused(
            f"retro {earlier[-1].number} of {squad.name} is still open; close it first "
            f"(`squadboard retro close {earlier[-1].number}`)"
        )
    today = w.now.astimezone(Conventions(zone=squad.timezone).tz).date()
    chosen = period or since_previous_retro(earlier[-1].period.until if earlier else None, today)
    before = chosen.previous()
    number = _next_number(w.conn, "retros")
    w.append(
        EventKind.RETRO_STARTED,
        RetroStarted(
            number=number,
            title=clean_title(title or f"Retro {chosen.since:%d %b} - {chosen.until:%d %b %Y}"),
            format=retro_format.value,
            columns=columns,
            since=chosen.since,
            until=chosen.until,
            previous_since=before.since,
            previous_until=before.until,
            vote_limit=vote_limit,
            hidden=hidden,
        ),
        squad_id=squad.id,
    )
    return retro(w.conn, number)


def _column(found: Retro, name: str) -> str:
    wanted = name.strip().casefold()
    for column in found.columns:
        if column.casefold() == wanted:
            return column
    raise NotFound(
        f"retro {found.number} has no column '{name}' (columns: {', '.join(found.columns)})"
    )


def _note(conn: Connection, found: Retro, number: int) -> RetroNote:
    for note in notes(conn, found.id):
        if note.number == number:
            return note
    raise NotFound(f"retro {found.number} has no note {number}")


def add_note(w: _Writer, number: int, column: str, text: str, *, anonymous: bool) -> RetroNote:
    found = open_retro(w.conn, number)
    event = w.append(
        EventKind.RETRO_NOTE_ADDED,
        RetroNoteAdded(
            retro_id=found.id,
            number=_next_number(w.conn, "retro_notes", found.id),
            column=_column(found, column),
            text=clean_reason(text, "note"),
            anonymous=anonymous,
        ),
        squad_id=found.squad_id,
        # The author of an anonymous note is not written anywhere, not even in the log.
        actor=ANONYMOUS if anonymous else None,
    )
    return next(n for n in notes(w.conn, found.id) if n.id == event.id)


def edit_note(w: _Writer, number: int, note_number: int, text: str) -> RetroNote:
    found = open_retro(w.conn, number)
    note = _note(w.conn, found, note_number)
    if note.author is None or note.author.casefold() != w.actor.casefold():
        raise Refused(f"note {note_number} is not yours to edit (anonymous notes belong to no one)")
    w.append(
        EventKind.RETRO_NOTE_EDITED,
        RetroNoteEdited(retro_id=found.id, note_id=note.id, text=clean_reason(text, "note")),
        squad_id=found.squad_id,
    )
    return _note(w.conn, found, note_number)


def group_notes(w: _Writer, number: int, note_numbers: Sequence[int], group: str | None) -> None:
    found = open_retro(w.conn, number)
    if not note_numbers:
        raise InvalidInput("name at least one note to group")
    chosen = tuple(_note(w.conn, found, n).id for n in note_numbers)
    w.append(
        EventKind.RETRO_NOTES_GROUPED,
        RetroNotesGrouped(
            retro_id=found.id,
            note_ids=chosen,
            group=clean_name(group, "group name") if group else None,
        ),
        squad_id=found.squad_id,
    )


def reveal(w: _Writer, number: int) -> Retro:
    found = open_retro(w.conn, number)
    _facilitator_only(found, w.actor, "reveal the notes of")
    if found.shows_all_notes:
        raise Refused(f"the notes of retro {number} are already visible to everyone")
    w.append(EventKind.RETRO_REVEALED, RetroPart(retro_id=found.id), squad_id=found.squad_id)
    return retro(w.conn, number)


def vote(w: _Writer, number: int, note_number: int) -> int:
    """Place one dot on a note; returns the votes the member has left.

    The count and the insert share the caller's write transaction, which SQLite serializes
    across processes, so the limit holds however many terminals vote at once.
    """
    found = open_retro(w.conn, number)
    if not found.shows_all_notes:
        raise Refused(f"the notes of retro {number} are hidden until the facilitator reveals them")
    note = _note(w.conn, found, note_number)
    cast = votes_cast(w.conn, found.id, w.actor)
    if cast >= found.vote_limit:
        raise Refused(
            f"{w.actor} has used all {found.vote_limit} votes in retro {number}; "
            "nothing was changed"
        )
    w.append(
        EventKind.RETRO_VOTED,
        RetroVoted(retro_id=found.id, note_id=note.id),
        squad_id=found.squad_id,
    )
    return found.vote_limit - cast - 1


def close(w: _Writer, number: int) -> Retro:
    found = open_retro(w.conn, number)
    _facilitator_only(found, w.actor, "close")
    squad = queries.squad_by_id(w.conn, found.squad_id)
    frozen = evidence(w.conn, squad, found, w.now)
    w.append(
        EventKind.RETRO_CLOSED,
        RetroClosed(retro_id=found.id, evidence=frozen.model_dump(mode="json")),
        squad_id=found.squad_id,
    )
    return retro(w.conn, number)


def retro_from_row(row: Row) -> Retro:
    return Retro(
        id=row["id"],
        number=row["number"],
        squad_id=row["squad_id"],
        title=row["title"],
        format=RetroFormat(row["format"]),
        columns=tuple(json.loads(row["columns"])),
        period=Period(since=row["since"], until=row["until"]),
        previous_period=Period(since=row["previous_since"], until=row["previous_until"]),
        vote_limit=row["vote_limit"],
        hidden=bool(row["hidden"]),
        revealed=bool(row["revealed"]),
        facilitator=row["facilitator"],
        started_at=from_db_time(row["started_at"]),
        closed_at=from_db_time(row["closed_at"]) if row["closed_at"] else None,
    )


def note_from_row(row: Row) -> RetroNote:
    return RetroNote(
        id=row["id"],
        number=row["number"],
        column=row["column_name"],
        text=row["text"],
        author=row["author"],
        group=row["group_name"],
        votes=row["votes"],
        created_at=from_db_time(row["created_at"]),
    )
