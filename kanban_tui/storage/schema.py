"""The board file's schema: declarative migrations, the file's identity, and checks on open.

`PRAGMA application_id` marks a squadboard file and `PRAGMA user_version` holds the schema
version (the number of migrations applied), so a foreign file or one written by a newer
squadboard is refused before anything is written to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

from kanban_tui.storage.connection import (
    APPLICATION_ID,
    BoardFileError,
    DatabaseError,
    SQLiteConnection,
    in_immediate_transaction,
)
from kanban_tui.storage.guard import check_schema
from kanban_tui.storage.projector import event_records, rebuild

RETRO_TABLES = ("retros", "retro_notes", "retro_votes", "retro_actions")
"""The retrospective projections (migration `m004_retrospectives`)."""

PROJECTION_TABLES = (
    "squads",
    "columns",
    "tags",
    "cards",
    "card_transitions",
    "card_blocks",
    "wip_exceptions",
    "card_heads",
    "card_conflicts",
    "card_flow",
    "flow_exits",
    *RETRO_TABLES,
)
"""Tables derived from the event log; `rebuild` empties and refills exactly these."""


def m001_event_log_and_projections(db: Database) -> None:
    """The append-only event log and the current-state projections."""
    db.table("events").create(
        {
            "id": str,
            "hlc": int,
            "at": str,
            "recorded_at": str,
            "actor": str,
            "squad_id": str,
            "card_uid": str,
            "kind": str,
            "payload": str,
        },
        pk="id",
        not_null={"hlc", "at", "recorded_at", "actor", "kind", "payload"},
    )
    db.table("events").create_index(["hlc", "id"])
    db.table("events").create_index(["card_uid", "hlc"])
    db.table("events").create_index(["squad_id", "hlc"])
    db.table("squads").create(
        {
            "id": str,
            "name": str,
            "mission": str,
            "timezone": str,
            "prefix": str,
            "members": str,
            "next_number": int,
            "created_at": str,
        },
        pk="id",
        not_null={"name", "mission", "timezone", "prefix", "members", "next_number"},
    )
    db.table("columns").create(
        {
            "id": str,
            "squad_id": str,
            "name": str,
            "role": str,
            "wip_limit": int,
            "wip_policy": str,
            "position": str,
            "removed": int,
        },
        pk="id",
        not_null={"squad_id", "name", "role", "wip_policy", "position", "removed"},
        defaults={"removed": 0},
    )
    db.table("columns").create_index(["squad_id", "position"])
    db.table("tags").create(
        {"id": str, "squad_id": str, "name": str, "description": str, "colour": str},
        pk="id",
        not_null={"squad_id", "name", "description", "colour"},
    )
    db.table("cards").create(
        {
            "uid": str,
            "key": str,
            "squad_id": str,
            "column_id": str,
            "position": str,
            "title": str,
            "description": str,
            "assignees": str,
            "tag_ids": str,
            "class_of_service": str,
            "due": str,
            "blocked": int,
            "blocked_reason": str,
            "archived": int,
            "deleted": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="uid",
        not_null={
            "key",
            "squad_id",
            "column_id",
            "position",
            "title",
            "blocked",
            "archived",
            "deleted",
        },
    )
    db.table("cards").create_index(["key"], unique=True)
    db.table("cards").create_index(["column_id", "position", "uid"])
    db.table("cards").create_index(["squad_id"])
    db.table("card_transitions").create(
        {
            "id": int,
            "card_uid": str,
            "column_id": str,
            "entered_at": str,
            "exited_at": str,
            "actor": str,
            "event_id": str,
        },
        pk="id",
        not_null={"card_uid", "column_id", "entered_at", "actor", "event_id"},
    )
    db.table("card_transitions").create_index(["card_uid", "id"])
    db.table("card_transitions").create_index(["column_id"])
    db.table("card_blocks").create(
        {
            "id": int,
            "card_uid": str,
            "reason": str,
            "blocked_at": str,
            "blocked_by": str,
            "unblocked_at": str,
            "unblocked_by": str,
        },
        pk="id",
        not_null={"card_uid", "reason", "blocked_at", "blocked_by"},
    )
    db.table("card_blocks").create_index(["card_uid"])
    db.table("wip_exceptions").create(
        {
            "event_id": str,
            "squad_id": str,
            "column_id": str,
            "card_uid": str,
            "kind": str,
            "wip_limit": int,
            "count": int,
            "reason": str,
            "at": str,
            "actor": str,
        },
        pk="event_id",
    )
    db.table("wip_exceptions").create_index(["squad_id", "at"])


def m002_service_level_expectation(db: Database) -> None:
    """A squad's configured SLE: days and the share of cards expected to finish within them."""
    db.table("squads").add_column("sle_days", float)
    db.table("squads").add_column("sle_percent", int, not_null_default=85)


def m003_causal_parents_and_concurrent_edits(db: Database) -> None:
    """Which card events each change had seen, and the concurrent edits found from them.

    `events.parents` holds, for a card's event, the ids of the card's latest events (its heads)
    when the change was made: a JSON list, or NULL for events written before this schema (which
    saw everything before them). Two edits of one field where neither saw the other are
    concurrent: the later stamp wins, and `card_conflicts` keeps the pair.
    """
    db.table("events").add_column("parents", str)
    db.table("cards").add_column("edited_concurrently", int, not_null_default=0)
    db.table("card_heads").create({"card_uid": str, "event_id": str}, pk=("card_uid", "event_id"))
    db.table("card_conflicts").create(
        {
            "card_uid": str,
            "field": str,
            "winner_event_id": str,
            "loser_event_id": str,
        },
        pk=("loser_event_id", "field"),
        not_null={"card_uid", "winner_event_id"},
    )
    db.table("card_conflicts").create_index(["card_uid"])


def m004_retrospectives(db: Database) -> None:
    """Retros, their notes, votes and actions; self-contained, so it can be renumbered."""
    db.table("retros").create(
        {
            "id": str,
            "squad_id": str,
            "number": int,
            "title": str,
            "format": str,
            "columns": str,
            "since": str,
            "until": str,
            "previous_since": str,
            "previous_until": str,
            "vote_limit": int,
            "hidden": int,
            "revealed": int,
            "facilitator": str,
            "started_at": str,
            "closed_at": str,
            "evidence": str,
        },
        pk="id",
        not_null={"squad_id", "number", "title", "format", "columns", "vote_limit", "facilitator"},
    )
    db.table("retros").create_index(["number"], unique=True)
    db.table("retros").create_index(["squad_id", "number"])
    # `author` is NULL for anonymous notes, and their events carry no author either.
    db.table("retro_notes").create(
        {
            "id": str,
            "retro_id": str,
            "number": int,
            "column_name": str,
            "text": str,
            "author": str,
            "group_name": str,
            "created_at": str,
        },
        pk="id",
        not_null={"retro_id", "number", "column_name", "text", "created_at"},
    )
    db.table("retro_notes").create_index(["retro_id", "number"])
    db.table("retro_votes").create(
        {"event_id": str, "retro_id": str, "note_id": str, "voter": str},
        pk="event_id",
        not_null={"retro_id", "note_id", "voter"},
    )
    db.table("retro_votes").create_index(["retro_id", "voter"])
    db.table("retro_actions").create(
        {
            "id": str,
            "retro_id": str,
            "card_uid": str,
            "text": str,
            "owner": str,
            "due": str,
            "created_at": str,
        },
        pk="id",
        not_null={"retro_id", "card_uid", "text", "created_at"},
    )
    db.table("retro_actions").create_index(["retro_id"])
    db.table("retro_actions").create_index(["card_uid"])


def m005_member_tokens(db: Database) -> None:
    """Browser access for `squadboard serve`: each member's secret link, stored as its hash.

    Access is not board history, so it is kept out of the event log: a token's hash never
    travels to other copies through sync, merge or export. Self-contained, so it can be renumbered.
    """
    db.table("member_tokens").create(
        {
            "id": str,
            "member": str,
            "token_sha256": str,
            "created_at": str,
            "created_by": str,
            "revoked_at": str,
            "revoked_by": str,
        },
        pk="id",
        not_null={"member", "token_sha256", "created_at", "created_by"},
    )
    db.table("member_tokens").create_index(["token_sha256"], unique=True)
    db.table("member_tokens").create_index(["member"])


def m006_flow_summaries(db: Database) -> None:
    """Each card's flow summary and the ages at which it left its columns, kept by the fold, so
    flow metrics read the cards of a period instead of every stay of every card."""
    db.table("card_flow").create(
        {
            "uid": str,
            "squad_id": str,
            "key": str,
            "created_at": str,
            "tag_ids": str,
            "class_of_service": str,
            "assignees": str,
            "started_at": str,
            "finished_at": str,
            "created_day": int,
            "start_day": int,
            "finish_day": int,
            "active_hours": float,
        },
        pk="uid",
        not_null={"squad_id", "key", "created_at", "created_day"},
    )
    db.table("card_flow").create_index(["squad_id", "finished_at", "started_at"])
    db.table("flow_exits").create(
        {
            "card_uid": str,
            "stay": int,
            "squad_id": str,
            "column_id": str,
            "exited_at": str,
            "exited_day": int,
            "age_days": int,
            "age_hours": float,
        },
        not_null={
            "card_uid",
            "stay",
            "squad_id",
            "column_id",
            "exited_at",
            "exited_day",
            "age_days",
            "age_hours",
        },
        pk=("card_uid", "stay"),
    )
    db.table("flow_exits").create_index(
        ["squad_id", "exited_day", "exited_at", "column_id", "age_days"]
    )


MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    m001_event_log_and_projections,
    m002_service_level_expectation,
    m003_causal_parents_and_concurrent_edits,
    m004_retrospectives,
    m005_member_tokens,
    m006_flow_summaries,
)
"""Every schema change in order; append, never edit or reorder."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this squadboard writes; stored in `PRAGMA user_version`."""

PROJECTIONS_CHANGED_IN = 6
"""The latest schema version that changed what the fold writes: older files refold on upgrade."""


def migration_set() -> Migrations:
    """sqlite-utils' record of which migrations a file has had (imported only when needed)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations("squadboard")
    for migration in MIGRATIONS:
        migrations()(migration)
    return migrations


def _pragma(conn: SQLiteConnection, name: str) -> int:
    return int(conn.execute(f"PRAGMA {name}").fetchone()[0])


def check_identity(conn: SQLiteConnection, path: Path, *, judge_schema: bool = True) -> bool:
    """Check that `path` is a squadboard file this version can open, without writing to it.

    `judge_schema=False` skips the schema allow-list, for `check` and `--repair`, which report
    and remove what does not belong.

    Returns:
        True if the file is empty or older and still needs (some of) its schema.

    Raises:
        BoardFileError: for a non-SQLite file, a foreign SQLite file, a newer schema, or a
            schema object squadboard did not create.
    """
    try:
        application_id = _pragma(conn, "application_id")
        user_version = _pragma(conn, "user_version")
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    except DatabaseError as error:
        raise BoardFileError(f"{path} is not a squadboard board file ({error})") from None
    if application_id == 0 and not has_tables:
        return True
    if application_id != APPLICATION_ID:
        raise BoardFileError(
            f"{path} is a SQLite file but not a squadboard board; nothing was changed"
        )
    if user_version > SCHEMA_VERSION:
        raise BoardFileError(
            f"{path} was written by a newer squadboard (schema {user_version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade squadboard to open it"
        )
    if judge_schema:
        check_schema(conn, path)
    return user_version < SCHEMA_VERSION


def migrate(conn: SQLiteConnection, path: Path) -> None:
    """Bring the file's schema up to date, under the write lock so concurrent openers agree."""

    def apply() -> None:
        if not check_identity(conn, path):
            return  # another process migrated while we waited for the lock
        from sqlite_utils import Database  # only a file that needs migrating pays for this import

        written_by = _pragma(conn, "user_version")
        migration_set().apply(Database(conn, execute_plugins=False, recursive_triggers=False))
        if 0 < written_by < PROJECTIONS_CHANGED_IN:
            rebuild(conn, PROJECTION_TABLES, event_records(conn))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    in_immediate_transaction(conn, apply)
