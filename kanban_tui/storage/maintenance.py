"""Looking after a board file: `check` (and `--repair`) and consistent backups.

`check` never writes: it reads the file through a read-only connection and refolds the events into
a scratch in-memory board to compare with the stored projections.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kanban_tui.storage.connection import (
    BoardFileError,
    DatabaseError,
    SQLiteConnection,
    configure,
    connect,
    in_immediate_transaction,
    in_read_transaction,
)
from kanban_tui.storage.guard import check_header, quick_check, unexpected_objects
from kanban_tui.storage.projector import event_records, rebuild
from kanban_tui.storage.schema import (
    PROJECTION_TABLES,
    check_identity,
    migrate,
)


@dataclass(frozen=True)
class CheckReport:
    """What `check` found; `ok` when nothing is wrong."""

    path: Path
    schema_version: int
    events: int
    integrity: list[str]
    """SQLite's `integrity_check` lines: ['ok'] for a sound file."""
    unexpected_schema: list[str] = field(default_factory=list)
    """Objects no squadboard created, e.g. 'trigger evil' (refused on open)."""
    missing_schema: list[str] = field(default_factory=list)
    """Objects this squadboard's schema has and the file lacks."""
    stale_projections: list[str] = field(default_factory=list)
    """Projection tables whose rows differ from a rebuild from the events."""

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not (
            self.unexpected_schema or self.missing_schema or self.stale_projections
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "schema_version": self.schema_version,
            "events": self.events,
            "integrity": self.integrity,
            "unexpected_schema": self.unexpected_schema,
            "missing_schema": self.missing_schema,
            "stale_projections": self.stale_projections,
        }


def _open_existing(path: Path, *, read_only: bool) -> SQLiteConnection:
    """A connection to an existing squadboard file of a known version, schema not yet judged."""
    if not path.exists():
        raise BoardFileError(f"no board file at {path}")
    check_header(path)
    conn = connect(path, read_only=read_only)
    try:
        if check_identity(conn, path, judge_schema=False) and not int(
            conn.execute("PRAGMA user_version").fetchone()[0]
        ):
            raise BoardFileError(f"{path} is empty: not a board yet (`squadboard init` makes one)")
    except DatabaseError as error:
        conn.close()
        raise BoardFileError(f"{path} is damaged ({error}); nothing was changed") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _dump(conn: SQLiteConnection, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {table}")), key=repr)
        for table in tables
    }


def scratch_board() -> SQLiteConnection:
    """An empty board with the current schema, in memory."""
    conn = connect(Path(":memory:"))
    migrate(conn, Path(":memory:"))
    return conn


def _schema_objects(conn: SQLiteConnection) -> set[str]:
    rows = conn.execute("SELECT type, name FROM sqlite_schema WHERE sql IS NOT NULL")
    return {f"{kind} {name}" for kind, name in rows}


def check_board(path: Path) -> CheckReport:
    """Check a board file without changing it: SQLite integrity, schema, projections."""
    conn = _open_existing(path, read_only=True)
    try:

        def inspect() -> CheckReport:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            unexpected = unexpected_objects(conn)
            expected = scratch_board()
            try:
                missing = sorted(_schema_objects(expected) - _schema_objects(conn))
                stale: list[str] = []
                events = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
                if integrity == ["ok"] and not unexpected and not missing:
                    rebuild(expected, PROJECTION_TABLES, event_records(conn))
                    stored, rebuilt = (
                        _dump(conn, PROJECTION_TABLES),
                        _dump(expected, PROJECTION_TABLES),
                    )
                    stale = [t for t in PROJECTION_TABLES if stored[t] != rebuilt[t]]
            finally:
                expected.close()
            return CheckReport(path, version, events, integrity, unexpected, missing, stale)

        return in_read_transaction(conn, inspect)
    except DatabaseError as error:
        raise BoardFileError(f"{path} is damaged ({error}); nothing was changed") from None
    finally:
        conn.close()


@dataclass(frozen=True)
class RepairReport:
    """What `check --repair` did."""

    dropped: list[str]
    """Triggers, views and indexes no squadboard created, now removed."""
    events: int
    """Events refolded into fresh projections."""


def repair_board(path: Path) -> RepairReport:
    """Remove planted triggers, views and indexes, then rebuild every projection from the events.

    Refuses (changing nothing) when SQLite finds the file damaged, or when it holds tables that
    squadboard did not create, since those may be someone's data.
    """
    conn = _open_existing(path, read_only=False)
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            raise BoardFileError(
                f"{path} is damaged ({integrity[0]}); repair rebuilds projections only, so restore "
                "it from a backup or export its events with `squadboard export`"
            )
        unexpected = unexpected_objects(conn)
        foreign_tables = [o for o in unexpected if o.startswith("table ")]
        if foreign_tables:
            raise BoardFileError(
                f"{path} holds a {foreign_tables[0]} that squadboard did not create; move its data "
                "elsewhere and drop it yourself, nothing was changed"
            )

        def work() -> RepairReport:
            for item in unexpected:
                kind, name = item.split(" ", 1)
                quoted = name.replace('"', '""')
                conn.execute(f'DROP {kind.upper()} IF EXISTS "{quoted}"')
            check_identity(conn, path)
            return RepairReport(unexpected, rebuild(conn, PROJECTION_TABLES, event_records(conn)))

        configure(conn)
        return in_immediate_transaction(conn, work)
    finally:
        conn.close()


def backup_board(source: SQLiteConnection, destination: Path) -> int:
    """Copy a board with SQLite's backup API to `destination`, which must not exist yet.

    The copy is one consistent snapshot even while teammates write, is checked with
    `quick_check`, and only appears under its name once complete. Returns its size in bytes.
    """
    if destination.exists():
        raise BoardFileError(f"{destination} already exists; choose a new name for the backup")
    folder = destination.resolve().parent
    if not folder.is_dir():
        raise BoardFileError(f"no folder {folder} to write the backup into")
    handle, partial = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".partial", dir=folder
    )
    os.close(handle)
    target = connect(Path(partial))
    try:
        source.backup(target)  # one step: a single read snapshot, never restarted by writers
        target.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        quick_check(target, destination)
        target.close()
        os.replace(partial, destination)
    except BaseException:
        target.close()
        Path(partial).unlink(missing_ok=True)
        raise
    return destination.stat().st_size
