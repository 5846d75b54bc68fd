"""The `squadboard` command line: a thin click layer over the storage API.

Running `squadboard` with no subcommand opens the board. Errors are one line on stderr; exit code
2 means the input was wrong, 1 that the board refused the change or the file is unusable.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from kanban_tui import __version__
from kanban_tui.cli.context import CliContext
from kanban_tui.config import (
    DB_ENV,
    SINGLE_WRITER_ENV,
    USER_ENV,
    default_actor,
    default_board,
)
from kanban_tui.domain.errors import SquadboardError
from kanban_tui.domain.text import printable
from kanban_tui.storage.connection import DatabaseError

COMMANDS = {
    "init": "kanban_tui.cli.board:init",
    "open": "kanban_tui.cli.board:open_board",
    "board": "kanban_tui.cli.board:show_board",
    "demo": "kanban_tui.cli.board:demo",
    "squad": "kanban_tui.cli.shape:squad",
    "column": "kanban_tui.cli.shape:column",
    "tag": "kanban_tui.cli.shape:tag",
    "card": "kanban_tui.cli.cards:card",
    "log": "kanban_tui.cli.history:log",
    "stats": "kanban_tui.cli.flow:stats",
    "forecast": "kanban_tui.cli.forecast:forecast",
    "retro": "kanban_tui.cli.retro:retro",
    "check": "kanban_tui.cli.files:check",
    "backup": "kanban_tui.cli.files:backup",
    "merge": "kanban_tui.cli.sharing:merge",
    "sync": "kanban_tui.cli.sharing:sync",
    "push": "kanban_tui.cli.server:push",
    "pull": "kanban_tui.cli.server:pull",
    "export": "kanban_tui.cli.exchange:export",
    "import": "kanban_tui.cli.exchange:import_",
    "member": "kanban_tui.cli.members:member",
    "serve": "kanban_tui.cli.serve:serve",
}
"""Subcommands by name, imported only when used, so opening the board loads only what it needs."""


class SquadboardGroup(click.Group):
    """The root group: loads subcommands lazily; turns every error into one line and exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, **extra: Any
    ) -> None:
        extra.pop("standalone_mode", None)
        try:
            result = super().main(args, prog_name or "squadboard", standalone_mode=False, **extra)
        except click.UsageError as error:
            # A group run without a command (click >= 8.2): show its help as click would, rather
            # than squeezing the multi-line help into one garbled error line.
            if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())):
                error.show()
                sys.exit(error.exit_code)
            where = error.ctx.command_path if error.ctx else "squadboard"
            _fail(f"{error.format_message()} (see '{where} --help')", 2)
        except click.ClickException as error:
            _fail(error.format_message(), error.exit_code)
        except click.Abort:
            _fail("aborted; nothing was changed", 1)
        except SquadboardError as error:
            _fail(str(error), error.exit_code)
        except DatabaseError as error:
            # A board file damaged past what the checks on open can see.
            _fail(f"the board file is damaged ({error}); try `squadboard check`", 1)
        except ValueError as error:
            # The operating system's file functions refuse a NUL in a path, wherever a command
            # takes one; that is the user's input, not a bug.
            if "null byte" not in str(error):
                raise
            _fail("a file or folder name cannot contain a NUL character", 2)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> None:
    click.echo(f"squadboard: {printable(message)}", err=True)
    sys.exit(code)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    import platform

    from kanban_tui.storage.connection import sqlite_version

    click.echo(
        f"squadboard {__version__} (SQLite {sqlite_version()}, Python {platform.python_version()})"
    )
    ctx.exit()


@click.group(
    cls=SquadboardGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    "board",
    metavar="PATH|URL",
    envvar=DB_ENV,
    help="The board: a file, or a PostgreSQL database as postgresql://USER@HOST/DBNAME "
    "(default: $SQUADBOARD_DB, else squadboard.db in your data directory).",
)
@click.option(
    "--user",
    envvar=USER_ENV,
    metavar="NAME",
    help="Who is acting, recorded on every change (default: $SQUADBOARD_USER, else login name).",
)
@click.option(
    "--network-fs-single-writer",
    "single_writer",
    is_flag=True,
    envvar=SINGLE_WRITER_ENV,
    help="Open a board on a network filesystem (NFS, SMB, sshfs) in rollback-journal mode: "
    "safe only while one person at a time changes it.",
)
@click.option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version of squadboard and of the SQLite it runs on.",
)
@click.pass_context
def cli(ctx: click.Context, board: str | None, user: str | None, single_writer: bool) -> None:
    """squadboard: a Kanban board for customer value squads, in your terminal.

    The squad shares one board file. Run without a command to open the board; the commands
    below script every change. Each change is recorded as an event with who made it and when.
    """
    state = CliContext(
        board=board or default_board(),
        user=user or default_actor(),
        network_single_writer=single_writer,
    )
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        from kanban_tui.cli.board import open_board, show_board

        ctx.invoke(open_board if sys.stdout.isatty() else show_board)


def main() -> None:
    """Console-script entry point."""
    # squadboard uses no pydantic plugins, and looking for them reads the metadata of every
    # installed package: tens of milliseconds of each start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    cli()
