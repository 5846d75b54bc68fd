"""Every command documents itself, and `--version` names squadboard's and SQLite's versions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kanban_tui import __version__
from kanban_tui.cli import cli
from kanban_tui.storage.connection import sqlite_version
from tests.cli.helpers import Squadboard


def walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and group under `command`, with the words that invoke it."""
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in sorted(command.list_commands(context)):
            sub = command.get_command(context, name)
            assert sub is not None
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(cli))
COMMAND_IDS = [" ".join(("squadboard", *path)) for path, _ in COMMANDS]


def squeeze(text: str) -> str:
    """Text without any whitespace, so wrapped help still matches its source."""
    return "".join(text.split())


def test_the_tree_has_every_command_group() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}
    for expected in (
        "init",
        "board",
        "demo",
        "log",
        "squad add",
        "squad list",
        "squad edit",
        "column add",
        "column edit",
        "column move",
        "column remove",
        "column list",
        "tag add",
        "tag list",
        "tag edit",
        "card add",
        "card move",
        "card show",
        "card list",
        "card restore",
    ):
        assert expected in paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=COMMAND_IDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(
    path: tuple[str, ...], command: click.Command, flag: str, db_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db_path), *path, flag], prog_name="squadboard")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith(f"Usage: {' '.join(('squadboard', *path))} ")
    # The description: the command's docstring, non-empty, shown between usage and options.
    assert command.help
    assert command.help.strip()
    first_line = command.help.strip().splitlines()[0]
    assert squeeze(first_line) in squeeze(out)
    description = out.split("\n\n", 1)[1].split("Options:", 1)[0]
    assert description.strip()
    assert "-h, --help" in out
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no help text"
            assert param.opts[-1] in out
    if isinstance(command, click.Group):
        for name in command.list_commands(click.Context(command)):
            assert re.search(rf"^\s+{re.escape(name)}\s+\S", out, re.MULTILINE), name
    assert not db_path.exists(), "asking for help must not create a board file"


@pytest.mark.parametrize(("path", "command"), COMMANDS[1:], ids=COMMAND_IDS[1:])
def test_every_command_has_a_short_help_in_its_group(
    path: tuple[str, ...], command: click.Command, sb: Squadboard
) -> None:
    parent = sb.ok(*path[:-1], "--help").stdout
    short = command.get_short_help_str(limit=45).removesuffix("...").strip()

    assert short
    line = next(ln for ln in parent.splitlines() if ln.strip().startswith(path[-1] + " "))
    assert squeeze(short)[:20] in squeeze(line)


@pytest.mark.parametrize("group", ["squad", "column", "tag", "card"])
def test_a_group_without_a_command_shows_its_help_legibly(group: str, sb: Squadboard) -> None:
    result = sb.run(group)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Usage: squadboard {group} ")
    assert "\ufffd" not in result.stderr
    assert "Commands:" in result.stderr.splitlines()
    assert not sb.db.exists()


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_names_squadboard_and_sqlite(flag: str, db_path: Path) -> None:
    result = CliRunner().invoke(cli, [flag], prog_name="squadboard")

    assert result.exit_code == 0
    assert result.stderr == ""
    match = re.fullmatch(
        r"squadboard (\S+) \(SQLite (\d+)\.(\d+)\.(\d+), Python \S+\)\n", result.stdout
    )
    assert match, result.stdout
    assert match.group(1) == __version__
    sqlite = tuple(int(part) for part in match.group(2, 3, 4))
    assert ".".join(map(str, sqlite)) == sqlite_version()
    assert sqlite >= (3, 51, 3), "SQLite before 3.51.3 has the WAL-reset corruption race"
    assert not db_path.exists()
