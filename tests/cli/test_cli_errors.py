"""Bad input, refusals and foreign files: one line on stderr, the right exit code, no change."""

from __future__ import annotations

import gc
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pytest

from kanban_tui.cli import cli
from tests.cli.helpers import (
    Squadboard,
    assert_one_line_error,
    event_count,
    file_hash,
    snapshot,
)

if TYPE_CHECKING:
    import sqlite3
else:
    try:
        import pysqlite3.dbapi2 as sqlite3
    except ImportError:  # pragma: no cover
        import sqlite3


BAD_INPUT: list[tuple[str, list[str], int, str]] = [
    # (case, arguments, exit code, part of the message)
    ("unknown card", ["card", "move", "GRW-99", "Review"], 2, "GRW-99"),
    ("unknown card to show", ["card", "show", "GRW-99"], 2, "GRW-99"),
    ("unknown card to block", ["card", "block", "NOPE-1", "why"], 2, "NOPE-1"),
    ("bad due date", ["card", "add", "A title", "--due", "not a date"], 2, "not a date"),
    ("bad due date on edit", ["card", "edit", "GRW-4", "--due", "31/31/2026"], 2, "31/31/2026"),
    ("bad --at", ["card", "move", "GRW-4", "Review", "--at", "someday"], 2, "someday"),
    ("bad --at on add", ["card", "add", "A title", "--at", "the 45th"], 2, "the 45th"),
    ("empty title", ["card", "add", ""], 2, "must not be empty"),
    ("whitespace title", ["card", "add", "   \t "], 2, "must not be empty"),
    ("empty title on edit", ["card", "edit", "GRW-4", "--title", " "], 2, "must not be empty"),
    ("title over 200", ["card", "add", "x" * 201], 2, "201 characters"),
    ("escape in title", ["card", "add", "\x1b[31mred"], 2, "U+001B"),
    ("newline in title", ["card", "add", "two\nlines"], 2, "U+000A"),
    ("bidi in title", ["card", "add", "abc\u202edef"], 2, "U+202E"),
    ("unknown column on add", ["card", "add", "A title", "-c", "Nowhere"], 2, "Nowhere"),
    ("unknown column on move", ["card", "move", "GRW-4", "Nowhere"], 2, "Nowhere"),
    ("unknown column on list", ["card", "list", "--column", "Nowhere"], 2, "Nowhere"),
    ("unknown tag on add", ["card", "add", "A title", "-t", "Nope"], 2, "Nope"),
    ("unknown tag on tag", ["card", "tag", "GRW-4", "Nope"], 2, "Nope"),
    ("not a member on add", ["card", "add", "A title", "-a", "Zed"], 2, "Zed"),
    ("not a member on assign", ["card", "assign", "GRW-4", "Zed"], 2, "not a member"),
    ("unknown squad", ["card", "list", "--squad", "Nobody"], 2, "Nobody"),
    ("missing title", ["card", "add"], 2, "Missing argument 'TITLE'"),
    ("missing reason", ["card", "block", "GRW-4"], 2, "Missing argument 'REASON'"),
    ("unknown option", ["card", "add", "A title", "--bogus"], 2, "--bogus"),
    ("unknown command", ["card", "frobnicate"], 2, "frobnicate"),
    ("bad class", ["card", "add", "A title", "--class", "urgent"], 2, "urgent"),
    ("bad limit", ["column", "edit", "Doing", "--limit", "lots"], 2, "lots"),
    ("bad time zone", ["squad", "add", "Other squad", "--tz", "Mars/Olympus"], 2, "Mars/Olympus"),
    ("bad colour", ["tag", "add", "Speed", "--colour", "plaid"], 2, "plaid"),
    ("two placements", ["card", "move", "GRW-4", "--top", "--after", "GRW-5"], 2, "only one"),
    ("duplicate squad", ["squad", "add", "Growth squad"], 1, "already exists"),
    ("duplicate squad, other case", ["squad", "add", "GROWTH SQUAD"], 1, "already exists"),
    ("duplicate prefix", ["squad", "add", "Other", "--prefix", "GRW"], 1, "GRW"),
    ("duplicate column", ["column", "add", "doing", "--role", "active"], 1, "already has"),
    ("column still holds cards", ["column", "remove", "Doing"], 1, "still holds 3"),
    ("WIP refusal", ["card", "move", "GRW-4", "Doing"], 1, "WIP limit of 3"),
    ("WIP refusal on add", ["card", "add", "A title", "-c", "Doing"], 1, "WIP limit of 3"),
    ("already there", ["card", "move", "GRW-4", "Ready"], 1, "already in 'Ready'"),
    ("not blocked", ["card", "unblock", "GRW-4"], 1, "not blocked"),
    ("not archived", ["card", "archive", "GRW-4", "--undo"], 1, "not archived"),
]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [pytest.param(args, code, fragment, id=case) for case, args, code, fragment in BAD_INPUT],
)
def test_bad_input_is_one_line_and_changes_nothing(
    growth: Squadboard, args: list[str], code: int, fragment: str
) -> None:
    before = snapshot(growth.db)
    count = event_count(growth.db)

    message = growth.fail(code, *args)

    assert fragment in message
    assert event_count(growth.db) == count
    assert snapshot(growth.db) == before


@pytest.mark.parametrize(
    "args",
    [
        ["card", "move", "GRW-99", "Review"],
        ["card", "move", "GRW-4", "Doing"],
        ["card", "add", ""],
        ["card", "show", "GRW-99"],
        ["card", "list", "--tag", "Nope"],
        ["log", "--card", "GRW-99"],
        ["squad", "add", "Growth squad"],
    ],
)
def test_errors_under_json_still_go_to_stderr(growth: Squadboard, args: list[str]) -> None:
    before = snapshot(growth.db)

    result = growth.run(*args, "--json")

    assert result.exit_code in (1, 2)
    assert_one_line_error(result, result.exit_code)
    assert snapshot(growth.db) == before


def test_an_error_on_a_file_without_squads_says_how_to_start(sb: Squadboard) -> None:
    sb.ok("init")
    assert "squad add" in sb.fail(2, "card", "add", "A title")
    assert "squad add" in sb.fail(2, "card", "list")
    assert event_count(sb.db) == 0


# -- files that are not squadboard boards ------------------------------------------------------

COMMANDS_ON_FOREIGN_FILES = [
    ["card", "list"],
    ["squad", "add", "X"],
    ["init"],
    ["board"],
    ["log"],
    ["demo", "--cards", "5"],
    ["card", "add", "A title"],
]


def _text_file(path: Path) -> None:
    path.write_text("# my notes\nthis is not a database\n" * 50)


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make", [_text_file, _foreign_sqlite], ids=["text file", "other SQLite"])
@pytest.mark.parametrize("args", COMMANDS_ON_FOREIGN_FILES, ids=" ".join)
def test_a_file_that_is_not_a_board_is_left_alone(
    tmp_path: Path, make: object, args: list[str]
) -> None:
    path = tmp_path / "notes.db"
    assert callable(make)
    make(path)
    digest = file_hash(path)
    sb = Squadboard(path)

    message = sb.fail(1, *args)

    assert str(path) in message
    assert "squadboard board" in message
    assert file_hash(path) == digest
    assert sorted(os.listdir(tmp_path)) == ["notes.db"], "no -wal or -shm file either"


@pytest.mark.parametrize(
    "args",
    [
        ["card", "list"],
        ["card", "show", "GRW-1"],
        ["board"],
        ["log"],
        ["squad", "list"],
        ["column", "list"],
        ["tag", "list"],
        ["card", "move", "GRW-1", "Doing"],
    ],
    ids=" ".join,
)
def test_a_missing_file_is_not_created_by_reading(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "nested" / "board.db"
    sb = Squadboard(path)

    message = sb.fail(1, *args)

    assert str(path) in message
    assert "squadboard init" in message
    assert not path.exists()
    assert not path.parent.exists()


def test_a_newer_board_file_is_refused(sb: Squadboard) -> None:
    sb.ok("init")
    conn = sqlite3.connect(sb.db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    digest = file_hash(sb.db)

    assert "newer squadboard" in sb.fail(1, "card", "list")
    assert "newer squadboard" in sb.fail(1, "squad", "add", "X")
    assert file_hash(sb.db) == digest


# -- --json prints JSON and nothing else --------------------------------------------------------

JSON_READS = [
    ["init"],
    ["squad", "list"],
    ["column", "list"],
    ["tag", "list"],
    ["card", "list"],
    ["card", "list", "--archived", "--blocked"],
    ["card", "show", "GRW-1"],
    ["board"],
    ["board", "--archived"],
    ["log"],
    ["log", "--all", "--card", "GRW-1"],
    ["demo", "--if-missing", "--name", "Growth squad"],
    ["stats"],
    ["stats", "--by", "assignee", "--unit", "hours"],
    ["forecast", "--items", "5", "--seed", "1", "--trials", "500"],
    ["check"],
]


@pytest.mark.parametrize("args", JSON_READS, ids=" ".join)
def test_json_output_is_only_json(growth: Squadboard, args: list[str]) -> None:
    growth.ok("card", "block", "GRW-1", "Waiting on legal")
    growth.ok("card", "archive", "GRW-5")

    result = growth.run(*args, "--json")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert isinstance(data, dict | list)
    assert data, "an empty result would not show that anything was printed"
    assert result.stdout.lstrip()[0] in "[{"
    assert result.stdout.rstrip()[-1] in "]}"


def test_every_command_with_json_is_covered(growth: Squadboard) -> None:
    """Each command that has `--json` prints JSON only, reads and writes alike."""

    def with_json(command: click.Command, path: tuple[str, ...]) -> set[str]:
        if isinstance(command, click.Group):
            context = click.Context(command)
            subs = {n: command.get_command(context, n) for n in command.list_commands(context)}
            return {
                name
                for sub_name, sub in subs.items()
                if sub is not None
                for name in with_json(sub, (*path, sub_name))
            }
        has = any(isinstance(p, click.Option) and "--json" in p.opts for p in command.params)
        return {" ".join(path)} if has else set()

    def command_path(args: list[str]) -> str:
        command: click.Command = cli
        path = []
        for arg in args:
            found = (
                command.get_command(click.Context(command), arg)
                if isinstance(command, click.Group)
                else None
            )
            if found is None:
                break
            command = found
            path.append(arg)
        return " ".join(path)

    other_copy = growth.db.parent / "other-copy.db"
    shutil.copy(growth.db, other_copy)
    writes = [
        ["merge", str(other_copy)],
        ["export", "--output", str(growth.db.parent / "events.jsonl")],
        ["import", str(growth.db.parent / "events.jsonl")],
        ["sync", str(growth.db.parent)],
        ["squad", "add", "Another squad", "--prefix", "ANO"],
        ["squad", "edit", "Another squad", "--mission", "Something"],
        ["column", "add", "Ideas", "--role", "queue", "--after", "Backlog", "-s", "Growth squad"],
        ["column", "edit", "Ideas", "--limit", "5", "--squad", "Growth squad"],
        ["column", "move", "Ideas", "--before", "Backlog", "--squad", "Growth squad"],
        ["column", "remove", "Ideas", "--squad", "Growth squad"],
        ["tag", "add", "Speed", "--squad", "Growth squad"],
        ["tag", "edit", "Speed", "-d", "Fast", "--squad", "Growth squad"],
        ["card", "add", "Another", "--squad", "Growth squad"],
        ["card", "edit", "GRW-6", "--title", "Another one"],
        ["card", "move", "GRW-6", "Ready"],
        ["card", "block", "GRW-6", "Why not"],
        ["card", "unblock", "GRW-6"],
        ["card", "assign", "GRW-6", "Ben"],
        ["card", "tag", "GRW-6", "Speed"],
        ["card", "archive", "GRW-6"],
        ["card", "delete", "GRW-6", "--yes"],
        ["card", "restore", "GRW-6"],
        ["retro", "start", "--squad", "Growth squad"],
        ["retro", "note", "1", "Start", "Demos on Fridays"],
        ["retro", "vote", "1", "1"],
        ["retro", "action", "1", "Book the demo room"],
        ["retro", "close", "1"],
        ["retro", "show", "1"],
        ["retro", "list", "--squad", "Growth squad"],
        ["demo", "--cards", "5", "--name", "Demo squad"],
        ["backup", str(growth.db.parent / "backup.db")],
        ["member", "invite", "Ben"],
        ["member", "revoke", "Ben"],
        ["member", "list", "--all"],
    ]
    reads = [
        [*args, "--squad", "Growth squad"]
        if args[0] in ("column", "tag", "board", "log", "stats", "forecast")
        or args[:2] == ["card", "list"]
        else args
        for args in JSON_READS
    ]
    for args in [*writes, *reads]:
        result = growth.run(*args, "--json")
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stderr == ""
        json.loads(result.stdout)
    covered = {command_path(args) for args in [*writes, *reads]}
    on_a_server = {"push", "pull"}  # their --json is parsed in test_cli_postgres.py
    assert with_json(cli, ()) - covered - on_a_server == set(), (
        "commands with --json that no test runs"
    )


@pytest.mark.parametrize(
    "args",
    [["backup", "\x00"], ["merge", "a\x00.db"], ["export", "--output", "\x00"], ["sync", "\x00"]],
)
def test_a_nul_in_a_path_is_a_usage_error(growth: Squadboard, args: list[str]) -> None:
    before = snapshot(growth.db)
    assert "NUL" in growth.fail(2, *args)
    assert snapshot(growth.db) == before


def test_open_that_fails_leaves_the_garbage_collector_on(tmp_path: Path) -> None:
    """`open` turns the collector off for its start-up; a file it cannot open must not leave it
    off in the process (CliRunner runs the command in this one)."""
    path = tmp_path / "notes.db"
    _text_file(path)

    message = Squadboard(path).fail(1, "open")

    assert "squadboard board" in message
    assert gc.isenabled()
