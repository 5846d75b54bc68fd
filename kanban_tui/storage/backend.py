"""Where a board lives: a SQLite file or a PostgreSQL database, behind one small interface.

The Store runs the same SQL, fold and rules on either; a backend only opens connections,
brackets transactions, reports changes made by others, and says where the board is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Protocol, TypeVar, cast

from kanban_tui.storage.connection import (
    BoardFileError,
    Connection,
    SQLiteConnection,
    configure,
    connect,
    in_immediate_transaction,
    in_read_transaction,
)
from kanban_tui.storage.filesystem import network_filesystem
from kanban_tui.storage.guard import check_header
from kanban_tui.storage.postgres import (
    ChangeListener,
    ServerConnection,
    connect_server,
    ensure_schema,
    read_transaction,
    redacted,
    reporting,
    write_transaction,
)
from kanban_tui.storage.schema import check_identity, migrate

T = TypeVar("T")


class Backend(Protocol):
    location: str
    """Where the board is, for people: a file's path, or a server URL without its password."""
    board_key: str
    """A stable name of the board, for settings remembered per board."""
    created: bool
    """This process created the board (an empty file or database got its schema)."""
    notifies: bool
    """`data_version` moves on every commit, the board's own included (a server's
    notifications), so an unchanged version means an unchanged log."""

    def open(self) -> Connection:
        """A new connection to a board whose schema is current (created if allowed)."""

    def usable(self, conn: Connection) -> bool:
        """False once a connection is lost for good (a server that went away)."""

    def close(self, conn: Connection) -> None: ...

    def read(self, conn: Connection, work: Callable[[], T]) -> T:
        """`work`'s reads against one consistent state of the board."""

    def write(self, conn: Connection, work: Callable[[], T]) -> T:
        """`work` as one transaction, with every other writer waiting."""

    def bulk(self, conn: Connection) -> AbstractContextManager[None]:
        """Settings for a bulk load on this connection, put back afterwards."""

    def data_version(self, conn: Connection) -> int:
        """A number that changes when others commit (cheap: polled a few times a second)."""

    def shutdown(self) -> None:
        """Release what the backend holds beside the Store's connections."""


class SQLiteBackend:
    """A board file, opened with the checks and settings of `connection` and `schema`."""

    def __init__(self, path: Path, *, create: bool, read_only: bool, single_writer: bool) -> None:
        network = network_filesystem(path)
        if network and not single_writer:
            raise BoardFileError(
                f"{path} is on a network filesystem ({network}), where SQLite's locking is "
                "unreliable and WAL does not work; run squadboard on the host that stores the "
                "file, or share the board with `squadboard sync DIR`; if only one person at a "
                "time will change it, pass --network-fs-single-writer"
            )
        self.path = path
        self.location = str(path)
        self.board_key = str(path.resolve())
        self.create = create
        self.read_only = read_only
        self.single_writer = single_writer
        self.created = False
        self.notifies = False  # PRAGMA data_version ignores the connection's own commits

    def open(self) -> SQLiteConnection:
        if not self.path.exists():
            if not self.create:
                raise BoardFileError(
                    f"no board file at {self.path}; create one with `squadboard init` "
                    "or `squadboard demo`"
                )
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.created = True
        else:
            check_header(self.path)
        conn = connect(self.path, read_only=self.read_only)
        try:
            needs_schema = check_identity(conn, self.path)
            if self.read_only:
                if needs_schema:
                    raise BoardFileError(
                        f"{self.path} is read-only and needs an upgrade that only its owner can do"
                    )
            else:
                configure(conn, single_writer=self.single_writer)
                if needs_schema:
                    migrate(conn, self.path)
        except BaseException:
            conn.close()
            raise
        return conn

    def usable(self, conn: Connection) -> bool:
        return True

    def close(self, conn: Connection) -> None:
        _sqlite(conn).close()

    def read(self, conn: Connection, work: Callable[[], T]) -> T:
        return in_read_transaction(_sqlite(conn), work)

    def write(self, conn: Connection, work: Callable[[], T]) -> T:
        return in_immediate_transaction(_sqlite(conn), work)

    def bulk(self, conn: Connection) -> AbstractContextManager[None]:
        return _large_page_cache(_sqlite(conn))

    def data_version(self, conn: Connection) -> int:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])

    def shutdown(self) -> None:
        pass


def _sqlite(conn: Connection) -> SQLiteConnection:
    assert isinstance(conn, SQLiteConnection)
    return conn


BULK_CACHE_KIB = 256 * 1024
"""SQLite's page cache during a bulk load (default 2 MiB): the refold updates cards all over the
file, and with the small cache most of those updates miss it. Pages are only allocated as they are
used, and the cache shrinks back when the load is over."""


@contextmanager
def _large_page_cache(conn: SQLiteConnection) -> Iterator[None]:
    previous = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {previous}")


class PostgresBackend:
    """A board in a PostgreSQL database (see `postgres`)."""

    def __init__(self, url: str, *, create: bool, read_only: bool) -> None:
        self.url = url
        self.location = redacted(url)
        self.board_key = self.location
        self.create = create
        self.read_only = read_only
        self.created = False
        self.notifies = True
        self._listener: ChangeListener = ChangeListener(url, self.location)

    def open(self) -> ServerConnection:
        conn = connect_server(self.url, self.location)
        try:
            with reporting(self.location):
                created = ensure_schema(
                    conn, self.location, create=self.create and not self.read_only
                )
            self.created = self.created or created
        except BaseException:
            conn.close()
            raise
        return conn

    def usable(self, conn: Connection) -> bool:
        return not _server(conn).broken

    def close(self, conn: Connection) -> None:
        _server(conn).close()

    def read(self, conn: Connection, work: Callable[[], T]) -> T:
        with reporting(self.location):
            return read_transaction(_server(conn), work)

    def write(self, conn: Connection, work: Callable[[], T]) -> T:
        with reporting(self.location):
            return write_transaction(_server(conn), work)

    def bulk(self, conn: Connection) -> AbstractContextManager[None]:
        return nullcontext()

    def data_version(self, conn: Connection) -> int:
        return self._listener.version()

    def shutdown(self) -> None:
        self._listener.close()


def _server(conn: Connection) -> ServerConnection:
    return cast(ServerConnection, conn)
