"""Running the `squadboard` command line in-process against a throwaway board file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from click.testing import CliRunner, Result

from kanban_tui.cli import cli

if TYPE_CHECKING:
    import sqlite3
else:
    try:
        import pysqlite3.dbapi2 as sqlite3
    except ImportError:  # pragma: no cover - platforms without a pysqlite3 wheel
        import sqlite3

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass
class Squadboard:
    """`squadboard --db DB --user USER ...`, run through click's CliRunner."""

    board: Path | str
    """The board file, or a server's postgresql:// URL."""
    user: str = "Ana"
    runner: CliRunner = field(default_factory=CliRunner)

    @property
    def db(self) -> Path:
        """The board file (for tests of a board in a file)."""
        assert isinstance(self.board, Path), "this board is on a server"
        return self.board

    def run(self, *args: str, user: str | None = None, input: str | None = None) -> Result:
        """Run a command; any exception other than the CLI's own exit is a test failure."""
        result = self.runner.invoke(
            cli,
            ["--db", str(self.board), "--user", user or self.user, *args],
            input=input,
            prog_name="squadboard",
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(
                f"squadboard {' '.join(args)} raised {result.exception!r}"
            ) from result.exception
        return result

    def ok(self, *args: str, user: str | None = None) -> Result:
        """Run a command that must succeed, with nothing on stderr."""
        result = self.run(*args, user=user)
        assert result.exit_code == 0, f"squadboard {' '.join(args)} failed: {result.stderr}"
        return result

    def json(self, *args: str, user: str | None = None) -> Any:
        """Run a command with `--json` and parse stdout, which must be JSON and nothing else."""
        result = self.ok(*args, "--json", user=user)
        return json.loads(result.stdout)

    def fail(self, code: int, *args: str, user: str | None = None) -> str:
        """Run a command that must fail with `code` and exactly one line on stderr; return it."""
        result = self.run(*args, user=user)
        return assert_one_line_error(result, code)

    def card_keys(self, *args: str) -> list[str]:
        """The keys of `card list ARGS --json`, in board order."""
        return [c["key"] for c in self.json("card", "list", *args)]


def assert_one_line_error(result: Result, code: int) -> str:
    """The command failed with `code`, printed nothing on stdout and one line on stderr."""
    assert result.exit_code == code, (
        f"expected exit {code}, got {result.exit_code}: {result.stderr!r}"
    )
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {result.stderr!r}"
    assert lines[0].startswith("squadboard: ")
    assert len(lines[0]) > len("squadboard: ")
    return lines[0]


def snapshot(db: Path) -> Snapshot:
    """Every row of every table, read through a read-only connection."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: sorted(
                (tuple(row) for row in conn.execute(f'SELECT * FROM "{table}"')), key=repr
            )
            for table in tables
        }
    finally:
        conn.close()


def event_count(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
