"""`squadboard push` and `pull`: moving a board between a file and a PostgreSQL server.

Both copy the events the target lacks, by id, and fold them there, as `merge` does: running
either twice changes nothing, and a board pushed and pulled back has the same event set.
"""

from __future__ import annotations

from pathlib import Path

import click

from kanban_tui.cli.context import CliContext, json_option, pass_cli
from kanban_tui.cli.output import emit_json, with_progress
from kanban_tui.cli.sharing import merge_json, say_merged
from kanban_tui.storage.postgres import is_database_url
from kanban_tui.storage.store import Store


def _database_url(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not is_database_url(value):
        raise click.BadParameter(f"{value!r} is not a postgresql://USER@HOST/DBNAME URL")
    return value


def _copy(state: CliContext, source: Path | str, target: Path | str, as_json: bool) -> None:
    with (
        Store(source, actor=state.user, clock=state.clock, create=False) as origin,
        Store(target, actor=state.user, clock=state.clock) as destination,
    ):
        events = origin.events_by_id(origin.event_ids() - destination.event_ids())
        report = with_progress(
            len(events),
            f"Copying to {destination.location}",
            as_json,
            lambda progress: destination.receive(events, source=origin.location, progress=progress),
        )
    if as_json:
        emit_json(merge_json(report))
    else:
        say_merged(report)


@click.command()
@click.argument("board_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("url", metavar="URL", callback=_database_url)
@json_option
@pass_cli
def push(state: CliContext, board_file: Path, url: str, as_json: bool) -> None:
    """Copy the board in FILE to the PostgreSQL database at URL (created there if new).

    Only events the server lacks are sent, so pushing again, or pushing a copy that teammates
    also pushed, adds nothing twice. Point the squad at the server afterwards with
    `--db URL` or $SQUADBOARD_DB.
    """
    _copy(state, board_file, url, as_json)


@click.command()
@click.argument("url", metavar="URL", callback=_database_url)
@click.argument("board_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@pass_cli
def pull(state: CliContext, url: str, board_file: Path, as_json: bool) -> None:
    """Copy the board in the PostgreSQL database at URL into FILE (created if new).

    Only events FILE lacks are copied; pulling again adds nothing twice. Use it to take a board
    back to a file, or to keep a file copy of the server's board.
    """
    _copy(state, url, board_file, as_json)
