"""`squadboard init`, `board` (the board as text) and `demo`."""

from __future__ import annotations

import gc
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.text import Text

from kanban_tui.cli.context import CliContext, json_option, pass_cli, squad_option
from kanban_tui.cli.output import (
    Names,
    append_with_progress,
    card_json,
    column_json,
    console,
    emit_json,
    say,
    squad_json,
    wip_label,
)
from kanban_tui.domain.errors import Refused
from kanban_tui.domain.text import printable

if TYPE_CHECKING:
    from kanban_tui.app.app import SquadboardApp


@click.command()
@json_option
@pass_cli
def init(state: CliContext, as_json: bool) -> None:
    """Create an empty board file (or check that the file is a board)."""
    store = state.store(create=True)
    squads = store.squads()
    if as_json:
        emit_json({"path": store.location, "created": store.created, "squads": len(squads)})
    elif store.created:
        say(f"Created {store.location}; add a squad with `squadboard squad add NAME`")
    else:
        say(f"{store.location} is a squadboard board with {len(squads)} squad(s)")


@click.command("board")
@squad_option
@click.option("--archived", is_flag=True, help="Include archived cards.")
@json_option
@pass_cli
def show_board(state: CliContext, squad: str | None, archived: bool, as_json: bool) -> None:
    """Print a squad's board: its mission, columns with WIP counts, and cards."""
    board = state.store(create=False).board(squad, include_archived=archived)
    names = Names(board)
    by_column = defaultdict(list)
    for card in board.cards:
        by_column[card.column_id].append(card)
    wip = {c.id: sum(not k.archived for k in by_column[c.id]) for c in board.columns}
    if as_json:
        emit_json(
            {
                "squad": squad_json(board.squad),
                "columns": [
                    {
                        **column_json(c, wip[c.id]),
                        "cards": [card_json(k, names) for k in by_column[c.id]],
                    }
                    for c in board.columns
                ],
                "tags": [t.model_dump(mode="json") for t in board.tags],
            }
        )
        return
    from rich.columns import Columns
    from rich.panel import Panel

    out = console()
    out.print(Text(printable(board.squad.name), style="bold"))
    if board.squad.mission:
        out.print(Text(printable(board.squad.mission), style="italic"))
    panels = []
    for column in board.columns:
        body = Text()
        for card in by_column[column.id]:
            body.append(card.key, style="bold")
            body.append(" " + printable(card.title))
            if card.blocked:
                body.append(" [BLOCKED]", style="red")
            body.append("\n")
        title = Text(wip_label(column, wip[column.id]))
        panels.append(Panel(body or Text("(empty)", style="dim"), title=title, width=32))
    out.print(Columns(panels))


@click.command("open")
@squad_option
@click.option(
    "--sync",
    "sync_folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="While open, share the board through this synced folder (see `squadboard sync`).",
)
@click.option(
    "--sync-every",
    type=click.FloatRange(1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds between syncs with --sync.",
)
@pass_cli
def open_board(
    state: CliContext, squad: str | None, sync_folder: Path | None, sync_every: float
) -> None:
    """Open the board in the terminal (what `squadboard` alone does).

    Press ? in the board for its keys.
    """
    # Start-up makes little garbage, and the collector's passes over what the imports make
    # cost ~10 % of importing Textual and the app: it stays off until the board's first
    # frame is drawn (the board screen turns it back on).
    gc.disable()
    try:
        app = _board_app(state, squad, sync_folder, sync_every)
    except BaseException:
        gc.enable()
        raise
    # Every object made so far (modules, classes, Textual's and pydantic's tables) lives as
    # long as the process; frozen, the collector stops rescanning them: its full collections
    # during the first frame took 50-120 ms each.
    gc.freeze()
    app.run()


def _board_app(
    state: CliContext, squad: str | None, sync_folder: Path | None, sync_every: float
) -> SquadboardApp:
    store = state.store(create=True)
    from kanban_tui.app.head import HeadRead
    from kanban_tui.app.ui_state import load_ui_state, ui_state_path

    ui_state_file = ui_state_path()
    squad = squad or load_ui_state(ui_state_file).last_squad.get(store.backend.board_key)
    # The first frame's read starts now, in a thread, and runs while Textual is imported.
    head = HeadRead(store, squad, state.clock)
    from kanban_tui.app import create_app  # Textual loads only when the board opens
    from kanban_tui.app.folder_sync import FolderSync

    plan = FolderSync(sync_folder, state.user, sync_every) if sync_folder else None
    return create_app(
        store,
        squad=squad,
        clock=state.clock,
        ui_state_file=ui_state_file,
        folder_sync=plan,
        head=head,
    )


@click.command()
@click.option(
    "--cards",
    "card_count",
    type=click.IntRange(1, 1_000_000),
    default=120,
    show_default=True,
    help="How many cards to create.",
)
@click.option(
    "--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same board)."
)
@click.option("--name", default="Growth squad", show_default=True, help="The demo squad's name.")
@click.option("--if-missing", is_flag=True, help="Do nothing (and succeed) if the squad exists.")
@json_option
@pass_cli
def demo(
    state: CliContext, card_count: int, seed: int, name: str, if_missing: bool, as_json: bool
) -> None:
    """Create a realistic marketing squad with about 90 days of history.

    Cards flow through the columns with believable cycle times; some are blocked, some
    went over a warn limit, some were sent back for rework.
    """
    from kanban_tui.storage.demo import build_demo_history

    store = state.store(create=True)
    if any(s.name.casefold() == name.strip().casefold() for s in store.squads()):
        if if_missing:
            if not as_json:
                say(f"{name} already exists in {store.location}; left as it is")
            else:
                emit_json({"path": store.location, "squad": name, "created": False})
            return
        raise Refused(f"a squad named '{name}' already exists in {store.location}; use --name")
    history = build_demo_history(
        name=name, cards=card_count, seed=seed, now=state.clock(), actor=state.user
    )
    count = append_with_progress(store, history, "Writing demo history", quiet=as_json)
    if as_json:
        emit_json({"path": store.location, "squad": name, "created": True, "events": count})
    else:
        say(f"Created {name} with {card_count} cards ({count} events) in {store.location}")
