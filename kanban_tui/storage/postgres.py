"""A board on a PostgreSQL server: the same event log, projections and fold as a board file.

The storage layer's SQL is written once, for SQLite, in the subset both engines share; the few
spellings that differ are rewritten by `translate` (placeholders, `INSERT OR IGNORE`, two
functions). The server's tables are derived from the SQLite migrations (`server_tables`), so a
schema change is made once and both backends follow it, on a new board or an older one.

Writers take one transaction-scoped advisory lock, which serialises them as SQLite's write lock
does: a WIP limit is checked and the card moved with nobody else writing in between, and log
positions (`events.rowid`) are handed out in commit order, which live refresh relies on. Every
write transaction ends with a NOTIFY that teammates' boards LISTEN for.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from kanban_tui.domain.errors import Refused, SquadboardError
from kanban_tui.storage import queries

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

URL_SCHEMES = ("postgresql", "postgres")
CHANNEL = "squadboard_changes"
"""The NOTIFY channel every write transaction signals on."""

WRITE_LOCK = 0x5351424457524954
"""The advisory lock every writer holds until its commit ("SQBDWRIT" in ASCII)."""

SCHEMA = "squadboard"
"""The PostgreSQL schema (namespace) that holds the board's tables, apart from anything else in
the database."""

FALLBACK_POLL_SECONDS = 2.0
"""How often a board re-reads the log's position even without a notification, for servers
behind a pooler that drops LISTEN."""

CONNECT_TIMEOUT_SECONDS = 5


class ServerUnavailable(SquadboardError):
    """The server cannot be reached, refused the login, or went away mid-session."""

    exit_code = 1


class StaleConnection(ServerUnavailable):
    """A connection found dead as a transaction began, before anything was sent: the work may
    be run again on a new connection (the server restarted, or a proxy dropped an idle one)."""


def is_database_url(location: str) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL, the way a board on a server is named."""
    return location.partition("://")[0].lower() in URL_SCHEMES and "://" in location


def redacted(url: str) -> str:
    """The URL without its password, for messages and the board's title."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# -- SQL translation ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"'[^']*'|\?|(?<![:\w]):([A-Za-z_]\w*)|%")
_INDEX_HINT = re.compile(r"(?<=[\s(])\+(?=\w+\.\w+)")


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's spelling of one statement -> PostgreSQL's (cached: the storage's SQL is a small
    fixed set of strings).

    Placeholders `?` and `:name` become `%s` and `%(name)s` (a literal `%` is doubled);
    `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`; `json_each(text)` and `instr` become
    the function `SERVER_FUNCTIONS` defines and `strpos`; a `+` that only steers SQLite's planner
    off an index is dropped; `temp.` tables live in `pg_temp`.
    """

    def placeholder(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({match.group(1)})s"

    text = _PLACEHOLDER.sub(placeholder, sql)
    if re.match(r"\s*INSERT OR IGNORE INTO", text, re.IGNORECASE):
        text = re.sub(r"INSERT OR IGNORE INTO", "INSERT INTO", text, count=1, flags=re.I)
        text += " ON CONFLICT DO NOTHING"
    text = re.sub(r"\bjson_each\(", "squadboard_json_values(", text)
    text = re.sub(r"\binstr\(", "strpos(", text)
    text = re.sub(r"\btemp\.", "pg_temp.", text)
    text = re.sub(r"\s+WITHOUT ROWID\b", "", text)
    return _INDEX_HINT.sub("", text)


@lru_cache(maxsize=512)
def emptied_table(sql: str) -> str | None:
    """The table a statement empties entirely (`DELETE FROM t`, no WHERE), if it does so."""
    found = re.fullmatch(r"\s*DELETE FROM (\w+)\s*", sql)
    return found.group(1) if found else None


RESTART_NUMBERING = (
    "SELECT setval(pg_get_serial_sequence(table_schema || '.' || table_name, column_name), 1,"
    f" false) FROM information_schema.columns WHERE table_schema = '{SCHEMA}'"
    " AND table_name = %s AND is_identity = 'YES'"
)
"""SQLite numbers an emptied table's rows from 1 again; so must the server, or a rebuilt
projection would differ from the one folded event by event."""


def _parameters(values: Any) -> Any:
    """SQLite takes Python's bools as 0/1; the server's integer columns need the ints."""
    if isinstance(values, dict):
        return {k: int(v) if isinstance(v, bool) else v for k, v in values.items()}
    if values is None:
        return ()
    return [int(v) if isinstance(v, bool) else v for v in values]


class ServerConnection:
    """A psycopg connection that speaks the storage layer's SQLite-flavoured DB-API."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Any = (), /) -> psycopg.Cursor[Any]:
        cursor = self.raw.execute(translate(sql), _parameters(parameters))
        emptied = emptied_table(sql)
        if emptied is not None:
            self.raw.execute(RESTART_NUMBERING, [emptied])
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), [_parameters(p) for p in parameters])
        return cursor

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        return self.raw.closed or self.raw.broken

    def close(self) -> None:
        self.raw.close()


# -- the schema ---------------------------------------------------------------------------------

_SERVER_TYPES = {"TEXT": 'TEXT COLLATE "C"', "INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION"}
"""SQLite column types -> the server's. Text compares bytewise, as in SQLite, so ordering keys
and ISO times sort the same on both."""

SERVER_FUNCTIONS = (
    f"CREATE OR REPLACE FUNCTION {SCHEMA}.squadboard_json_values(items TEXT)"
    " RETURNS TABLE (value TEXT) LANGUAGE sql IMMUTABLE"
    " AS $$ SELECT json_array_elements_text(items::json) $$",
)
"""SQLite's `json_each(text)` over a JSON list, as the server spells it."""


@dataclass(frozen=True)
class ServerTable:
    """One table as the server spells it."""

    name: str
    columns: tuple[tuple[str, str], ...]
    """(name, type and constraints) in the file's column order."""
    primary_key: tuple[str, ...]
    indexes: tuple[tuple[str, bool, tuple[str, ...]], ...]
    """(name, unique, columns) of each index beside the primary key."""


def server_tables() -> list[ServerTable]:
    """The board's tables on a server, derived from the SQLite migrations: columns, defaults,
    primary keys and indexes.

    A table keyed by something other than an integer gets a `rowid` identity column, since the
    storage's SQL may read SQLite's implicit rowid (the log's insertion order, for one).
    """
    import sqlite3  # the standard library's is enough to run the migrations in memory

    from sqlite_utils import Database

    from kanban_tui.storage.schema import migration_set

    memory = sqlite3.connect(":memory:")
    database = Database(memory, execute_plugins=False)
    migration_set().apply(database)
    tables = []
    for table in database.tables:
        if table.name.startswith("_"):
            continue  # sqlite-utils' own record of migrations
        pk = tuple(table.pks)
        integer_key = len(pk) == 1 and table.columns_dict[pk[0]] is int
        columns = []
        for column in table.columns:
            spelled = _SERVER_TYPES[column.type.upper()]
            if integer_key and column.name == pk[0]:
                spelled = "BIGINT GENERATED BY DEFAULT AS IDENTITY"
            if column.notnull:
                spelled += " NOT NULL"
            if column.default_value is not None:
                spelled += f" DEFAULT {column.default_value}"
            columns.append((column.name, spelled))
        if not integer_key:
            columns.append(("rowid", "BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE"))
        indexes = tuple(
            (index.name, bool(index.unique), tuple(index.columns))
            for index in table.indexes
            if index.origin != "pk"
        )
        tables.append(ServerTable(table.name, tuple(columns), pk, indexes))
    memory.close()
    return tables


def schema_changes(conn: ServerConnection) -> list[str]:
    """The DDL that brings the server's tables up to `server_tables`: the tables, columns and
    indexes it lacks. Migrations only ever add, so nothing else can differ."""
    existing: dict[str, set[str]] = {}
    for table, column in conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?",
        [SCHEMA],
    ):
        existing.setdefault(table, set()).add(column)
    indexes = {
        row[0]
        for row in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = ?", [SCHEMA])
    }
    statements = []
    for table in server_tables():
        if table.name not in existing:
            columns = [f"{_quoted(name)} {spelled}" for name, spelled in table.columns]
            columns.append(f"PRIMARY KEY ({', '.join(_quoted(c) for c in table.primary_key)})")
            statements.append(f"CREATE TABLE {SCHEMA}.{table.name} ({', '.join(columns)})")
        else:
            statements += [
                f"ALTER TABLE {SCHEMA}.{table.name} ADD COLUMN {_quoted(name)} {spelled}"
                for name, spelled in table.columns
                if name not in existing[table.name]
            ]
        statements += [
            f"CREATE {'UNIQUE ' if unique else ''}INDEX {name} ON {SCHEMA}.{table.name}"
            f" ({', '.join(_quoted(c) for c in columns)})"
            for name, unique, columns in table.indexes
            if name not in indexes
        ]
    return statements


def _quoted(name: str) -> str:
    return f'"{name}"'


def ensure_schema(conn: ServerConnection, location: str, *, create: bool) -> bool:
    """Create the board's schema on an empty database, bring an older one up to date (and
    refold, when the fold changed since), or refuse a newer one; under the write lock, so two
    first openers agree. True if it created the board."""
    from kanban_tui.storage.schema import PROJECTION_TABLES, PROJECTIONS_CHANGED_IN, SCHEMA_VERSION

    def version() -> int | None:
        found = conn.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname = ? AND tablename = 'meta'", [SCHEMA]
        ).fetchone()
        if found is None:
            return None
        row = conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'")
        value = row.fetchone()
        return int(value[0]) if value else None

    current = read_transaction(conn, version)
    if current == SCHEMA_VERSION:
        return False
    if current is not None and current > SCHEMA_VERSION:
        raise ServerUnavailable(
            f"{location} was written by a newer squadboard (schema {current}, this one knows "
            f"{SCHEMA_VERSION}); upgrade squadboard to open it"
        )
    if not create:
        raise ServerUnavailable(
            f"no board at {location}; create one with `squadboard init` or `squadboard demo`"
            if current is None
            else f"{location} needs an upgrade to schema {SCHEMA_VERSION} that only a role "
            "that may change the board can do"
        )

    def bring_up_to_date() -> bool:
        from kanban_tui.storage.projector import event_records, rebuild

        written_by = version()
        if written_by == SCHEMA_VERSION:
            return False  # another squadboard did it while we waited for the lock
        if written_by is None:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            conn.execute(f"CREATE TABLE {SCHEMA}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for statement in (*schema_changes(conn), *SERVER_FUNCTIONS):
            conn.execute(statement)
        if written_by is not None and written_by < PROJECTIONS_CHANGED_IN:
            rebuild(conn, PROJECTION_TABLES, event_records(conn))
        conn.execute(
            f"INSERT INTO {SCHEMA}.meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
        return written_by is None

    return write_transaction(conn, bring_up_to_date)


# -- connections and transactions ---------------------------------------------------------------


def _unavailable(location: str, error: BaseException) -> ServerUnavailable:
    """One line that says what went wrong with the server, without the password."""
    detail = " ".join(str(error).split())
    lowered = detail.lower()
    missing = re.search(r'database "([^"]+)" does not exist', detail)
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        why = "the server refused the login (wrong user name or password)"
    elif missing:
        why = f"the database {missing.group(1)!r} does not exist on the server"
    elif "connection refused" in lowered:
        why = "the server cannot be reached (connection refused: is it running?)"
    elif "timeout" in lowered or "timed out" in lowered:
        why = "the server cannot be reached (no answer in time)"
    elif "terminat" in lowered or "closed" in lowered:
        why = "the connection to the server was lost"
    elif "could not" in lowered or "failed" in lowered:
        why = f"the server cannot be reached ({detail})"
    else:
        why = detail
    return ServerUnavailable(f"{location}: {why}")


def connect_server(url: str, location: str) -> ServerConnection:
    """An autocommit connection (transactions are begun explicitly) with the board's schema first
    on its search path."""
    import psycopg

    try:
        raw = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="squadboard",
            options=f"-c search_path={SCHEMA},public",
        )
    except psycopg.Error as error:
        raise _unavailable(location, error) from None
    _load_numbers_as_sqlite_does(raw)
    return ServerConnection(raw)


def _load_numbers_as_sqlite_does(raw: psycopg.Connection[Any]) -> None:
    """`sum` and `avg` of integers are `numeric` on the server: read them as int or float,
    which is what SQLite returns, rather than Decimal."""
    from psycopg.adapt import Loader

    class SqliteNumberLoader(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return float(text) if "." in text or "e" in text.lower() else int(text)

    raw.adapters.register_loader("numeric", SqliteNumberLoader)


@contextmanager
def reporting(location: str) -> Iterator[None]:
    """Turn the server's connection failures into `ServerUnavailable`, and a role that may only
    read into `Refused`; other errors pass."""
    import psycopg
    from psycopg import errors

    try:
        yield
    except errors.InsufficientPrivilege:
        raise Refused(
            f"{location} is read-only for your database role: the board can be viewed, not changed"
        ) from None
    except psycopg.OperationalError as error:
        raise _unavailable(location, error) from None


def _begin(conn: ServerConnection, statement: str) -> None:
    import psycopg

    try:
        conn.execute(statement)
    except psycopg.OperationalError as error:
        if conn.broken:
            raise StaleConnection(str(error)) from error
        raise


def read_transaction(conn: ServerConnection, work: Callable[[], T]) -> T:
    """Several reads against one snapshot of the board."""
    _begin(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")
    try:
        return work()
    finally:
        if not conn.broken:
            conn.execute("ROLLBACK")


def write_transaction(conn: ServerConnection, work: Callable[[], T]) -> T:
    """`work` with every other writer of the board waiting, then one NOTIFY and the commit."""
    _begin(conn, "BEGIN")
    try:
        conn.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        result = work()
        conn.execute(f"NOTIFY {CHANNEL}")
        conn.execute("COMMIT")
        return result
    except BaseException:
        if not conn.broken and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class ChangeListener:
    """Counts teammates' commits from the server's notifications, for live refresh.

    It owns one connection that LISTENs; `version()` drains what arrived without waiting. Every
    `FALLBACK_POLL_SECONDS` it also reads the log's position, so a board behind a pooler that
    drops notifications still refreshes, only later.
    """

    def __init__(self, url: str, location: str) -> None:
        self.url = url
        self.location = location
        self._conn: ServerConnection | None = None
        self._count = 0
        self._last_position: int | None = None
        self._polled_at = 0.0

    def version(self) -> int:
        with reporting(self.location):
            try:
                conn = self._listening()
                if any(True for _ in conn.raw.notifies(timeout=0)):
                    self._count += 1
                if time.monotonic() - self._polled_at >= FALLBACK_POLL_SECONDS:
                    self._polled_at = time.monotonic()
                    position = queries.last_rowid(conn)
                    if position != self._last_position:
                        self._last_position = position
                        self._count += 1
            except BaseException:
                self.close()
                raise
        return self._count

    def _listening(self) -> ServerConnection:
        if self._conn is None or self._conn.broken:
            self._conn = connect_server(self.url, self.location)
            self._conn.execute(f"LISTEN {CHANNEL}")
            self._count += 1  # whatever happened while not listening is unknown: look again
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
